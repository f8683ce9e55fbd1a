//! The scenario writer and the reader of one step applied now:
//!
//! * every golden scenario file reads, writes and reads back to the same value, and writing is idempotent;
//! * generated scenarios (every kind of step, phone, media and app response) round-trip too;
//! * `parse_step` reads each action, refuses `at`, and places its errors exactly.

#![cfg(not(target_arch = "wasm32"))]

use conflab::scenario::{self, Action, ApiRequest, Method, Scenario};

/// Every scenario file in tests/scenarios/ (not the broken ones), with its name.
fn golden_files() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect()
}

fn parse_ok(name: &str, text: &str) -> Scenario {
    scenario::parse(text).unwrap_or_else(|e| panic!("{name}:\n{e}\n{text}"))
}

#[test]
fn every_golden_scenario_round_trips() {
    let files = golden_files();
    // An empty or moved folder must fail, not pass with nothing checked.
    assert!(files.len() > 20, "only {} scenario files", files.len());
    for (name, text) in &files {
        let s = parse_ok(name, text);
        let written = scenario::write(&s);
        let back = parse_ok(name, &written);
        assert_eq!(back, s, "{name} does not round-trip; written:\n{written}");
        assert_eq!(
            scenario::write(&back),
            written,
            "{name}: writing is not idempotent"
        );
    }
}

#[test]
fn an_empty_scenario_is_an_empty_object() {
    let s = parse_ok("{}", "{}");
    assert_eq!(scenario::write(&s), "{}\n");
}

#[test]
fn the_output_has_one_step_per_line_and_leaves_defaults_out() {
    let text = r#"{"seed": 0, "account": {"type": "full"}, "numbers": {"+15550100000": {}},
        "phones": {"+15550111111": {"answer": {"afterMs": 0}, "media": {"silence": true}, "says": "yes"}},
        "app": {"https://a.test/in": {"percl": [{"Hangup": {}}], "delayMs": 0}, "https://a.test/f": {"status": 200, "delayMs": 0, "body": ""}},
        "steps": [{"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}},
                  {"at": 5, "api": {"method": "GET", "path": "/Calls", "query": {"active": true, "n": 1.50}, "body": {"a": [1, "x\"y"]}}}],
        "until": 9}"#;
    let s = parse_ok("inline", text);
    assert_eq!(
        scenario::write(&s),
        r#"{
  "numbers": {
    "+15550100000": {}
  },
  "phones": {
    "+15550111111": {"says": "yes"}
  },
  "app": {
    "https://a.test/f": {},
    "https://a.test/in": {"percl": [{"Hangup": {}}]}
  },
  "steps": [
    {"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}},
    {"at": 5, "api": {"method": "GET", "path": "/Calls", "query": {"active": "true", "n": "1.50"}, "body": {"a": [1, "x\"y"]}}}
  ],
  "until": 9
}
"#
    );
}

mod generated {
    //! Scenarios built as values (every kind of account, phone, media, app response and step), written and
    //! read back.

    use super::*;
    use conflab::scenario::{
        Account, AccountChange, Answer, AppResponse, Application, Fault, MAX_EPOCH_UNIX_SECS,
        Media, Number, Percl, Phone, Step, Talker, WorldChange,
    };
    use conflab::wire::AccountType;
    use proptest::prelude::*;
    use serde_json::{Value, json};
    use std::collections::{BTreeMap, BTreeSet};

    /// Text with quotes, backslashes, control characters and non-ASCII, to exercise escaping; never `{{`
    /// (a template, checked by the reader) and never empty.
    fn text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 \"\\\\/\t\n\u{1}\u{e9}\u{1F600}]{1,12}"
    }

    fn account_number() -> impl Strategy<Value = String> {
        (0u8..6).prop_map(|i| format!("+1555010000{i}"))
    }

    /// Outside phones: never one of the account's numbers.
    fn outside_phone() -> impl Strategy<Value = String> {
        (0u8..6).prop_map(|i| format!("+1555011111{i}"))
    }

    fn url() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "https://app.test/a",
            "https://app.test/b?x=1&y=2",
            "http://h.test/~c/d",
            "https://app.test/",
        ])
        .prop_map(str::to_owned)
    }

    fn account() -> impl Strategy<Value = Account> {
        (
            prop::bool::ANY,
            prop::collection::vec(outside_phone(), 0..3),
            prop::option::of(text()),
            prop::option::of("[0-9a-f]{40}"),
            prop::option::of(text()),
        )
            .prop_map(|(trial, verified, secret, id, key)| Account {
                kind: if trial {
                    AccountType::Trial
                } else {
                    AccountType::Full
                },
                verified_numbers: verified,
                signing_secret: secret.unwrap_or_else(|| Account::default().signing_secret),
                account_id: id.map(|hex| format!("AC{hex}")),
                api_key: key,
            })
    }

    fn number() -> impl Strategy<Value = Number> {
        let u = || prop::option::of(url());
        (u(), u(), u(), u(), u(), u(), prop::option::of(text())).prop_map(
            |(voice, fallback, status, connect, sms, sms_fallback, alias)| Number {
                voice_url: voice,
                voice_fallback_url: fallback,
                status_callback_url: status,
                call_connect_url: connect,
                sms_url: sms,
                sms_fallback_url: sms_fallback,
                alias,
                application_id: None,
            },
        )
    }

    fn application() -> impl Strategy<Value = Application> {
        let u = || prop::option::of(url());
        (u(), u(), u(), u(), u(), u(), prop::option::of(text())).prop_map(
            |(voice, fallback, status, connect, sms, sms_fallback, alias)| Application {
                voice_url: voice,
                voice_fallback_url: fallback,
                status_callback_url: status,
                call_connect_url: connect,
                sms_url: sms,
                sms_fallback_url: sms_fallback,
                alias,
            },
        )
    }

    fn phone() -> impl Strategy<Value = Phone> {
        let answer = prop_oneof![
            (0u64..3000).prop_map(|after_ms| Answer::After { after_ms }),
            Just(Answer::Manual),
            Just(Answer::Busy),
            Just(Answer::NoAnswer),
            Just(Answer::Failed),
        ];
        let media = prop_oneof![
            Just(Media::Silence),
            (1u32..=20_000).prop_map(|hz| Media::Tone { hz }),
            text().prop_map(|path| Media::File { path }),
            text().prop_map(|text| Media::Speech { text }),
            (prop::option::of(text()), 0u64..5000, 0u64..5000).prop_map(
                |(text, talk_ms, silence_ms)| Media::Talker(Talker {
                    text,
                    talk_ms,
                    silence_ms,
                })
            ),
        ];
        (
            answer,
            media,
            prop::option::of(prop_oneof![text(), Just(String::new())]),
            prop::option::of(any::<u64>()),
        )
            .prop_map(|(answer, media, says, hangup_after_ms)| Phone {
                answer,
                media,
                says,
                hangup_after_ms,
            })
    }

    /// Valid PerCL, with a webhook template in one of them.
    fn percl() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(json!([])),
            Just(json!([{"Hangup": {}}])),
            Just(json!([{"Say": {"text": "Hi {{from}}"}}, {"Pause": {"length": 500}}])),
            text().prop_map(|t| json!([{"Say": {"text": t}}, {"Hangup": {}}])),
        ]
    }

    /// A JSON pointer segment (RFC 6901).
    fn escape(key: &str) -> String {
        key.replace('~', "~0").replace('/', "~1")
    }

    /// An app response, given the pointer of its URL (a PerCL response keeps the pointer the reader gives it).
    fn response(pointer: String) -> impl Strategy<Value = AppResponse> {
        prop_oneof![
            (
                percl(),
                prop_oneof![Just(0u64), 1u64..20_000],
                prop::bool::ANY
            )
                .prop_map(move |(value, delay_ms, object_form)| {
                    let pointer = if delay_ms > 0 || object_form {
                        format!("{pointer}/percl")
                    } else {
                        pointer.clone()
                    };
                    AppResponse::Percl {
                        percl: Percl { value, pointer },
                        delay_ms,
                    }
                }),
            (
                100u16..600,
                0u64..20_000,
                prop_oneof![Just(String::new()), text()]
            )
                .prop_map(|(status, delay_ms, body)| AppResponse::Fault(Fault {
                    status,
                    delay_ms,
                    body,
                })),
        ]
    }

    fn app() -> impl Strategy<Value = BTreeMap<String, AppResponse>> {
        prop::collection::btree_set(url(), 0..4).prop_flat_map(|urls| {
            let entries: Vec<_> = urls
                .into_iter()
                .map(|u| {
                    let pointer = format!("/app/{}", escape(&u));
                    (Just(u), response(pointer))
                })
                .collect();
            entries.prop_map(|pairs| pairs.into_iter().collect::<BTreeMap<_, _>>())
        })
    }

    /// Recorded replies (`conflab serve`'s export), on URLs of their own (a URL is in `app` or here).
    fn replies() -> impl Strategy<Value = BTreeMap<String, Vec<conflab::scenario::Reply>>> {
        use conflab::scenario::{Fault, Reply};
        let reply = prop_oneof![
            (100u16..1000, text(), 0u64..20_000).prop_map(|(status, body, delay_ms)| Reply::Http(
                Fault {
                    status,
                    body,
                    delay_ms
                }
            )),
            (text(), 0u64..20_000)
                .prop_map(|(reason, delay_ms)| Reply::Failed { reason, delay_ms }),
        ];
        prop::collection::btree_map(
            prop::sample::select(vec![
                "http://127.0.0.1:5000/in",
                "http://rec.test/a?b=\"c\"",
            ])
            .prop_map(str::to_owned),
            prop::collection::vec(reply, 0..4),
            0..3,
        )
    }

    /// JSON for `api` bodies: every type, escapes in keys and strings, integers and finite floats.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            text().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(text(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn api() -> impl Strategy<Value = Action> {
        (
            prop::sample::select(Method::ALL.to_vec()),
            prop_oneof![
                Just("/".to_owned()),
                Just("/Calls?active=true".to_owned()),
                Just("/Conferences/{{conference:team}}/Participants".to_owned()),
                outside_phone().prop_map(|p| format!("/Calls/{{{{call:{p}}}}}")),
            ],
            prop::collection::btree_map("[a-z]{1,5}", text(), 0..3),
            prop::option::of(json_value()),
        )
            .prop_map(|(method, path, query, body)| {
                Action::Api(ApiRequest {
                    method,
                    path,
                    query: query.into_iter().collect(),
                    body,
                })
            })
    }

    /// A `set` step's change: every section, entries replaced or removed (`null`). Its PerCL pointers are
    /// relative (`""` or `/percl`, for the form) until the step's place is known ([`WorldChange::rebase_pointers`]).
    fn world_change() -> impl Strategy<Value = WorldChange> {
        let account = prop::option::of(
            (
                prop::option::of(prop::bool::ANY),
                prop::option::of(prop::collection::vec(outside_phone(), 0..3)),
            )
                .prop_map(|(trial, verified)| AccountChange {
                    kind: trial.map(|t| {
                        if t {
                            AccountType::Trial
                        } else {
                            AccountType::Full
                        }
                    }),
                    verified_numbers: verified,
                }),
        );
        (
            account,
            prop::collection::btree_map(account_number(), prop::option::of(number()), 0..3),
            prop::collection::btree_map(outside_phone(), prop::option::of(phone()), 0..3),
            prop::collection::btree_map(url(), prop::option::of(response(String::new())), 0..3),
        )
            .prop_map(|(account, numbers, phones, app)| WorldChange {
                account,
                numbers,
                phones,
                app,
            })
            .prop_filter("a set changes something", |c| !c.is_empty())
    }

    fn action(numbers: Vec<String>) -> impl Strategy<Value = Action> {
        let dial = (outside_phone(), prop::sample::select(numbers))
            .prop_map(|(from, to)| Action::Dial { from, to });
        prop_oneof![
            dial,
            api(),
            outside_phone().prop_map(|phone| Action::Hangup { phone }),
            outside_phone().prop_map(|phone| Action::Answer { phone }),
            (outside_phone(), "[0-9*#]{1,6}")
                .prop_map(|(phone, digits)| Action::Digits { phone, digits }),
            (outside_phone(), text()).prop_map(|(phone, text)| Action::Say { phone, text }),
            world_change().prop_map(Action::Set),
        ]
    }

    /// Phones a step names: the reader accepts them only when known, so those not dialling in are added to
    /// `phones` (as `{}`, a phone with every default).
    fn named_phones(a: &Action) -> Vec<String> {
        match a {
            Action::Hangup { phone }
            | Action::Answer { phone }
            | Action::Digits { phone, .. }
            | Action::Say { phone, .. } => vec![phone.clone()],
            Action::Api(api) => api
                .path
                .strip_prefix("/Calls/{{call:")
                .and_then(|rest| rest.strip_suffix("}}"))
                .map(|p| vec![p.to_owned()])
                .unwrap_or_default(),
            Action::Dial { .. } | Action::Set(_) => Vec::new(),
        }
    }

    prop_compose! {
        fn scenario_value()(
            seed in prop_oneof![Just(0u64), any::<u64>()],
            epoch in prop_oneof![Just(conflab::engine::DEFAULT_EPOCH_UNIX_SECS), 0u64..=MAX_EPOCH_UNIX_SECS],
            applications in prop::collection::btree_map("AP[0-9a-f]{40}", application(), 0..3),
            account in prop_oneof![Just(Account::default()), account()],
            numbers in prop::collection::btree_map(account_number(), number(), 1..4),
            mut phones in prop::collection::btree_map(outside_phone(), phone(), 0..3),
            app in app(),
            replies in replies(),
            gaps_and_actions in prop::collection::vec((0u64..2000, action((0..6).map(|i| format!("+1555010000{i}")).collect())), 0..8),
            // `until` reads back only up to the time maximum (docs/scenarios.md, "Time").
            until in prop::option::of(0..=conflab::scenario::MAX_TIME_MS),
        ) -> Scenario {
            let mut at = 0;
            let mut steps = Vec::new();
            for (i, (gap, mut action)) in gaps_and_actions.into_iter().enumerate() {
                at += gap;
                let pointer = format!("/steps/{i}");
                if let Action::Set(change) = &mut action {
                    change.rebase_pointers(&pointer);
                }
                steps.push(Step { at, action, pointer });
            }
            // A dial to a number the account does not have is an error: point it at one it has.
            for step in &mut steps {
                if let Action::Dial { to, .. } = &mut step.action && !numbers.contains_key(to.as_str()) {
                    to.clone_from(numbers.keys().next().unwrap());
                }
            }
            let dialling: BTreeSet<String> = steps.iter().filter_map(|s| match &s.action {
                Action::Dial { from, .. } => Some(from.clone()),
                _ => None,
            }).collect();
            for step in &steps {
                for phone in named_phones(&step.action) {
                    if !dialling.contains(&phone) {
                        phones.entry(phone).or_default();
                    }
                }
            }
            Scenario { seed, epoch, applications, account, numbers, phones, app, replies, steps, until }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn generated_scenarios_round_trip(s in scenario_value()) {
            let written = scenario::write(&s);
            let back = scenario::parse(&written);
            prop_assert!(back.is_ok(), "{}\n{}", back.unwrap_err(), written);
            let back = back.unwrap();
            prop_assert_eq!(&back, &s, "written:\n{}", written);
            prop_assert_eq!(scenario::write(&back), written);
        }
    }
}

mod step_now {
    //! `parse_step`: one step without `at`, with the file reader's errors placed in the step's own text.

    use super::*;
    use conflab::scenario::{AccountChange, Answer, AppResponse};
    use conflab::wire::AccountType;
    use serde_json::json;

    fn errors(source: &str) -> Vec<(String, usize, usize, String, String)> {
        let e = scenario::parse_step(source).expect_err("the step should be refused");
        e.errors
            .iter()
            .map(|e| {
                let fix = e.problem.fix().unwrap_or_default();
                (e.pointer.clone(), e.line, e.column, e.message(), fix)
            })
            .collect()
    }

    fn one(
        pointer: &str,
        line: usize,
        column: usize,
        message: &str,
        fix: &str,
    ) -> Vec<(String, usize, usize, String, String)> {
        vec![(pointer.into(), line, column, message.into(), fix.into())]
    }

    #[test]
    fn each_action_reads() {
        let cases = [
            (
                r#"{"dial": {"from": "+15550111111", "to": "+15550100000"}}"#,
                Action::Dial {
                    from: "+15550111111".into(),
                    to: "+15550100000".into(),
                },
            ),
            (
                r#"{"api": {"method": "POST", "path": "/Conferences", "query": {"n": 2}, "body": {"alias": "team"}}}"#,
                Action::Api(ApiRequest {
                    method: Method::Post,
                    path: "/Conferences".into(),
                    query: vec![("n".into(), "2".into())],
                    body: Some(json!({"alias": "team"})),
                }),
            ),
            (
                r#"{"hangup": {"phone": "+15550111111"}}"#,
                Action::Hangup {
                    phone: "+15550111111".into(),
                },
            ),
            (
                r#"{"digits": {"phone": "+15550111111", "digits": "12#*"}}"#,
                Action::Digits {
                    phone: "+15550111111".into(),
                    digits: "12#*".into(),
                },
            ),
            (
                r#"{"answer": {"phone": "+15550122222"}}"#,
                Action::Answer {
                    phone: "+15550122222".into(),
                },
            ),
            (
                r#"{"say": {"phone": "+15550122222", "text": "yes"}}"#,
                Action::Say {
                    phone: "+15550122222".into(),
                    text: "yes".into(),
                },
            ),
        ];
        for (source, action) in cases {
            assert_eq!(scenario::parse_step(source), Ok(action), "{source}");
        }
    }

    #[test]
    fn a_set_step_reads_now() {
        let source = r#"{"set": {"account": {"type": "trial", "verifiedNumbers": []},
            "numbers": {"+15550100009": {"voiceUrl": "https://app.test/in"}, "+15550100000": null},
            "phones": {"+15550122222": {"answer": "busy"}, "+15550133333": null},
            "app": {"https://app.test/in": [{"Say": {"text": "{{from}}"}}], "https://app.test/x": null,
                    "https://app.test/late": {"percl": [], "delayMs": 5}}}}"#;
        let Ok(Action::Set(change)) = scenario::parse_step(source) else {
            panic!("{:?}", scenario::parse_step(source));
        };
        assert_eq!(
            change.account,
            Some(AccountChange {
                kind: Some(AccountType::Trial),
                verified_numbers: Some(Vec::new()),
            })
        );
        assert_eq!(change.numbers["+15550100000"], None);
        assert_eq!(
            change.numbers["+15550100009"]
                .as_ref()
                .unwrap()
                .voice_url
                .as_deref(),
            Some("https://app.test/in")
        );
        assert_eq!(
            change.phones["+15550122222"].as_ref().unwrap().answer,
            Answer::Busy
        );
        assert_eq!(change.phones["+15550133333"], None);
        assert_eq!(change.app["https://app.test/x"], None);
        let Some(AppResponse::Percl { percl, .. }) = &change.app["https://app.test/in"] else {
            panic!("a PerCL answer");
        };
        assert_eq!(percl.pointer, "/set/app/https:~1~1app.test~1in");
        // The writer's form of the object reads back to the same change (the event log's `world` lines).
        let written = format!("{{\"set\": {}}}", scenario::set_object(&change, Some("")));
        assert_eq!(scenario::parse_step(&written), Ok(Action::Set(change)));
    }

    #[test]
    fn a_set_step_refuses_the_account_identity_and_nothing() {
        assert_eq!(
            errors(r#"{"set": {"account": {"type": "trial", "apiKey": "k"}}}"#),
            one(
                "/set/account/apiKey",
                1,
                39,
                "\"apiKey\" identifies the account, so a \"set\" step cannot change it (only \"type\" and \"verifiedNumbers\" change during a run)",
                "remove \"apiKey\" from the step; to run as another account, change \"account\" at the top of the scenario",
            )
        );
        assert_eq!(
            errors(r#"{"set": {}}"#),
            one(
                "/set",
                1,
                9,
                "\"set\" changes nothing: it needs at least one of \"account\", \"numbers\", \"phones\", \"app\"",
                "add what changes, such as {\"app\": {\"https://app.test/in\": [...]}}, or remove the step",
            )
        );
        assert_eq!(
            errors(r#"{"set": {"apps": {}}}"#),
            one(
                "/set/apps",
                1,
                10,
                "\"set\" has no key \"apps\" (did you mean \"app\"?)",
                "rename it to \"app\"",
            )
        );
    }

    #[test]
    fn the_world_is_left_to_the_engine() {
        // Alone, a step cannot know the account's numbers or the phones: these are checked at run time.
        let dial = r#"{"dial": {"from": "+15550111111", "to": "+15550199999"}}"#;
        assert!(scenario::parse_step(dial).is_ok());
        let call = r#"{"api": {"method": "GET", "path": "/Calls/{{call:+15550177777}}"}}"#;
        assert!(scenario::parse_step(call).is_ok());
    }

    #[test]
    fn a_step_with_at_is_refused() {
        assert_eq!(
            errors(r#"{"at": 5, "hangup": {"phone": "+15550111111"}}"#),
            one(
                "/at",
                1,
                2,
                "a step applied now (it happens at the current virtual time) has no key \"at\"",
                "remove it; the keys here are \"dial\", \"api\", \"hangup\", \"digits\", \"answer\", \"say\" or \"set\"",
            )
        );
    }

    #[test]
    fn an_unknown_key_gets_a_near_miss() {
        assert_eq!(
            errors(r#"{"dail": {"from": "+15550111111", "to": "+15550100000"}}"#),
            one(
                "/dail",
                1,
                2,
                "a step applied now has no key \"dail\" (did you mean \"dial\"?)",
                "rename it to \"dial\"",
            )
        );
        assert_eq!(
            errors("{\"hangup\": {\n  \"phon\": \"+15550111111\"}}"),
            // In file order: the missing key is placed at its object, which starts first.
            vec![
                (
                    "/hangup".into(),
                    1,
                    12,
                    "\"hangup\" needs \"phone\" (an outside phone, E.164)".into(),
                    "add \"phone\"".into()
                ),
                (
                    "/hangup/phon".into(),
                    2,
                    3,
                    "\"hangup\" has no key \"phon\" (did you mean \"phone\"?)".into(),
                    "rename it to \"phone\"".into()
                ),
            ]
        );
    }

    #[test]
    fn wrong_types_and_values_are_placed() {
        assert_eq!(
            errors("{\n  \"dial\": {\"from\": 15550111111, \"to\": \"+15550100000\"}\n}"),
            one(
                "/dial/from",
                2,
                20,
                "\"from\" must be a string, but this is a number",
                ""
            )
        );
        assert_eq!(
            errors(r#"{"digits": {"phone": "+15550111111", "digits": "12a"}}"#),
            one(
                "/digits/digits",
                1,
                48,
                "\"digits\" \"12a\" may contain only 0-9, * and #",
                "use only 0-9, * and #",
            )
        );
        assert_eq!(
            errors("[]"),
            one(
                "",
                1,
                1,
                "a step applied now must be an object, but this is an array",
                ""
            )
        );
        assert_eq!(
            errors(r#"{"api": {"method": "GET", "path": "/Calls/{{y}}"}}"#)[0].0,
            "/api/path"
        );
    }

    #[test]
    fn a_step_has_exactly_one_action() {
        assert_eq!(
            errors("{}"),
            one(
                "",
                1,
                1,
                "the step has no action",
                "add one of \"dial\", \"api\", \"hangup\", \"digits\", \"answer\", \"say\", \"set\"",
            )
        );
        assert_eq!(
            errors(r#"{"hangup": {"phone": "+15550111111"}, "say": {}}"#)[0].3,
            "a step has exactly one action, but this one has 2 (\"hangup\", \"say\")"
        );
    }

    #[test]
    fn json_syntax_is_placed() {
        let e = &errors("{\"hangup\": }")[0];
        assert_eq!((e.0.as_str(), e.1, e.2), ("/hangup", 1, 12), "{e:?}");
    }
}

/// The first fenced block after `heading` in docs/scenarios.md.
fn doc_block(heading: &str) -> String {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenarios.md")).unwrap();
    let section = &doc[doc.find(heading).unwrap_or_else(|| panic!("no {heading}"))..];
    let start = section.find("```").unwrap();
    let body = &section[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_owned()
}

#[test]
fn the_documented_output_is_the_writers() {
    let block = doc_block("## Writing scenarios");
    assert_eq!(scenario::write(&parse_ok("docs", &block)), block);
}

#[test]
fn the_documented_steps_applied_now_read() {
    let section = "## One step applied now";
    for line in doc_block(section).lines() {
        assert!(scenario::parse_step(line).is_ok(), "{line}");
    }
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenarios.md")).unwrap();
    let refused =
        scenario::parse_step(r#"{"at": 5, "hangup": {"phone": "+15550111111"}}"#).unwrap_err();
    assert!(
        doc.contains(&refused.render("")),
        "docs/scenarios.md should show:\n{refused}"
    );
}
