//! Property tests of the engine over random scenarios: random phones dial in, hang up, press keys; REST creates,
//! empties and terminates conferences, makes calls and removes participants; the app answers with one of several
//! conference scripts. After every input the engine's state must satisfy the issue's invariants, and the log
//! must show exactly one `callStatus` per ended call. The same scenario must give the same log.

#![cfg(not(target_arch = "wasm32"))]

use conflab::conference::ConferenceStatus;
use conflab::engine::{log, run_scenario, run_scenario_inspect};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const PHONES: [&str; 4] = [
    "+15550111111",
    "+15550122222",
    "+15550133333",
    "+15550144444",
];

/// The app's answers, chosen by index.
const JOIN: [&str; 4] = [
    r#"[{"AddToConference": {"conferenceId": "{{conference:room}}"}}]"#,
    r#"[{"AddToConference": {"conferenceId": "{{conference:room}}", "startConfOnEnter": false, "leaveConferenceUrl": "https://app.test/left"}}]"#,
    r#"[{"AddToConference": {"conferenceId": "{{conference:room}}", "allowCallControl": true, "callControlSequence": "9", "callControlUrl": "https://app.test/ctl"}}]"#,
    r#"[{"Say": {"text": "hello there"}}, {"CreateConference": {"actionUrl": "https://app.test/created", "alias": "room", "record": true, "statusCallbackUrl": "https://app.test/status"}}]"#,
];
const CONTROL: [&str; 4] = [
    r#"[{"SetTalk": {"talk": false}}]"#,
    r#"[{"RemoveFromConference": {}}]"#,
    r#"[{"TerminateConference": {}}]"#,
    r#"[{"Hangup": {}}]"#,
];
const LEFT: [&str; 2] = [
    r#"[{"Say": {"text": "bye"}}, {"Hangup": {}}]"#,
    r#"[{"AddToConference": {"conferenceId": "{{conference:room}}"}}]"#,
];

#[derive(Clone, Debug)]
enum Step {
    Dial(usize),
    Hangup(usize),
    Digits(usize),
    Create(bool),
    Terminate,
    Empty,
    Call(usize),
    Remove(usize),
}

fn step() -> impl Strategy<Value = (u64, Step)> {
    let s = prop_oneof![
        3 => (0..4usize).prop_map(Step::Dial),
        2 => (0..4usize).prop_map(Step::Hangup),
        1 => (0..4usize).prop_map(Step::Digits),
        2 => any::<bool>().prop_map(Step::Create),
        1 => Just(Step::Terminate),
        1 => Just(Step::Empty),
        1 => (0..4usize).prop_map(Step::Call),
        1 => (0..4usize).prop_map(Step::Remove),
    ];
    (0..20u64, s).prop_map(|(t, s)| (t * 500, s))
}

fn scenario_json(
    seed: u64,
    join: usize,
    control: usize,
    left: usize,
    trial: bool,
    steps: &[(u64, Step)],
) -> String {
    let steps: Vec<Value> = steps
        .iter()
        .map(|(at, s)| match s {
            Step::Dial(p) => json!({"at": at, "dial": {"from": PHONES[*p], "to": "+15550100000"}}),
            Step::Hangup(p) => json!({"at": at, "hangup": {"phone": PHONES[*p]}}),
            Step::Digits(p) => json!({"at": at, "digits": {"phone": PHONES[*p], "digits": "9"}}),
            Step::Create(record) => json!({"at": at, "api": {"method": "POST", "path": "/Conferences",
                "body": {"alias": "room", "record": record, "statusCallbackUrl": "https://app.test/status"}}}),
            Step::Terminate => json!({"at": at, "api": {"method": "POST", "path": "/Conferences/{{conference:room}}", "body": {"status": "terminated"}}}),
            Step::Empty => json!({"at": at, "api": {"method": "POST", "path": "/Conferences/{{conference:room}}", "body": {"status": "empty"}}}),
            Step::Call(p) => json!({"at": at, "api": {"method": "POST", "path": "/Calls",
                "body": {"from": "+15550100000", "to": PHONES[*p], "callConnectUrl": "https://app.test/in"}}}),
            Step::Remove(p) => json!({"at": at, "api": {"method": "DELETE",
                "path": format!("/Conferences/{{{{conference:room}}}}/Participants/{{{{call:{}}}}}", PHONES[*p])}}),
        })
        .collect();
    let app: Value = json!({
        "https://app.test/in": serde_json::from_str::<Value>(JOIN[join]).unwrap(),
        "https://app.test/created": serde_json::from_str::<Value>(JOIN[0].replace("{{conference:room}}", "{{conferenceId}}").as_str()).unwrap(),
        "https://app.test/ctl": serde_json::from_str::<Value>(CONTROL[control]).unwrap(),
        "https://app.test/left": serde_json::from_str::<Value>(LEFT[left]).unwrap(),
    });
    json!({
        "seed": seed,
        "account": {"type": if trial { "trial" } else { "full" }, "verifiedNumbers": [PHONES[0], PHONES[1]]},
        "numbers": {"+15550100000": {"voiceUrl": "https://app.test/in", "statusCallbackUrl": "https://app.test/calls"}},
        "phones": {PHONES[0]: {}, PHONES[1]: {"says": "yes"}, PHONES[2]: {"answer": {"afterMs": 700}}, PHONES[3]: {"answer": "busy"}},
        "app": app,
        "steps": steps,
    })
    .to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_after_every_input(
        seed in any::<u64>(),
        join in 0..4usize,
        control in 0..4usize,
        left in 0..2usize,
        trial in any::<bool>(),
        steps in proptest::collection::vec(step(), 1..24),
    ) {
        let mut steps = steps;
        steps.sort_by_key(|(at, _)| *at);
        let text = scenario_json(seed, join, control, left, trial, &steps);
        let scenario = conflab::scenario::parse(&text).map_err(|e| TestCaseError::fail(e.render("")))?;
        let mut terminated: BTreeSet<String> = BTreeSet::new();
        let mut problems: Vec<String> = Vec::new();
        let lines = run_scenario_inspect(&scenario, None, &mut |engine| {
            // The engine's per-call copy of "which conference" always agrees with the registry.
            for c in engine.calls() {
                let registry = engine.conferences().conference_of(&c.id).map(|conf| conf.id());
                if engine.conference_of_call(&c.id) != registry {
                    problems.push(format!("{}: engine says {:?}, registry {registry:?}", c.id, engine.conference_of_call(&c.id)));
                }
            }
            let mut in_conference: BTreeMap<String, String> = BTreeMap::new();
            for conf in engine.conferences().iter() {
                let id = conf.id().to_owned();
                let status = conf.status();
                let n = conf.participants().len();
                // The status matches the participants.
                let ok = match status {
                    ConferenceStatus::Empty | ConferenceStatus::Terminated => n == 0,
                    ConferenceStatus::Populated | ConferenceStatus::InProgress => n > 0,
                };
                if !ok {
                    problems.push(format!("{id} is {status} with {n} participants at {}", engine.now()));
                }
                // Terminated is final.
                if terminated.contains(&id) && status != ConferenceStatus::Terminated {
                    problems.push(format!("{id} left terminated"));
                }
                if status == ConferenceStatus::Terminated {
                    terminated.insert(id.clone());
                }
                // Recording runs exactly while inProgress with record=true.
                let recording = engine.conference_recording(&id).is_some();
                let should = conf.settings().record && status == ConferenceStatus::InProgress;
                if recording != should {
                    problems.push(format!("{id}: recording={recording} while {status}, record={}", conf.settings().record));
                }
                for p in conf.participants() {
                    // A call is in at most one conference, and only while it is live.
                    if let Some(other) = in_conference.insert(p.call_id.clone(), id.clone()) {
                        problems.push(format!("{} is in {other} and {id}", p.call_id));
                    }
                    if engine.calls().any(|c| c.id == p.call_id && c.status.is_final()) {
                        problems.push(format!("{} ended but is still in {id}", p.call_id));
                    }
                }
            }
        });
        prop_assert!(problems.is_empty(), "{problems:#?}\n{text}");

        // Every call that ends produces exactly one callStatus (all calls here have a statusCallbackUrl).
        let mut ended: BTreeMap<String, usize> = BTreeMap::new();
        let mut call_status: BTreeMap<String, usize> = BTreeMap::new();
        for line in &lines {
            match line.kind() {
                "call" if line.get("callEndedReason").is_some() => {
                    *ended.entry(line.get("callId").unwrap().as_str().unwrap().to_owned()).or_default() += 1;
                }
                "webhook" if line.get("requestType") == Some(Value::from("callStatus")) => {
                    let id = line.get("body").unwrap()["callId"].as_str().unwrap().to_owned();
                    *call_status.entry(id).or_default() += 1;
                }
                _ => {}
            }
        }
        prop_assert!(ended.values().all(|&n| n == 1), "a call ended twice: {ended:?}");
        prop_assert_eq!(&ended, &call_status, "{}", text);

        // The same seed gives the same log.
        prop_assert_eq!(log::to_jsonl(&lines), log::to_jsonl(&run_scenario(&scenario, None)));
    }
}

/// Raw inputs straight into the engine, including nonsense: unknown webhook ids, bodies that are not PerCL,
/// HTTP errors, garbage REST paths and bodies, keys that are not DTMF, times that go backwards.
#[derive(Clone, Debug)]
enum Raw {
    Dial(usize),
    Hangup(usize),
    Digits(usize, String),
    Answer(usize),
    /// Answer the n-th webhook sent so far (modulo), with this status and body.
    Respond(usize, u16, usize),
    Api(usize, String),
    Tick(u64),
}

const BODIES: [&str; 6] = [
    r#"[{"AddToConference": {"conferenceId": "CFnope"}}]"#,
    r#"[{"CreateConference": {"actionUrl": "https://app.test/created"}}]"#,
    r#"[{"Say": {"text": "hi"}}, {"GetDigits": {"actionUrl": "https://app.test/d"}}]"#,
    "not json",
    "",
    r#"[{"OutDial": {"actionUrl": "https://app.test/a", "callConnectUrl": "https://app.test/c", "callingNumber": "+15550100000", "destination": "+15550122222"}}]"#,
];

fn raw() -> impl Strategy<Value = (u64, Raw)> {
    let r = prop_oneof![
        3 => (0..4usize).prop_map(Raw::Dial),
        1 => (0..4usize).prop_map(Raw::Hangup),
        1 => (0..4usize, "[0-9*#xA ]{0,4}").prop_map(|(p, d)| Raw::Digits(p, d)),
        1 => (0..4usize).prop_map(Raw::Answer),
        5 => (0..64usize, prop_oneof![Just(200u16), Just(500), Just(404)], 0..BODIES.len())
            .prop_map(|(n, s, b)| Raw::Respond(n, s, b)),
        1 => (0..4usize, "[a-zA-Z/{}?=&%0-9]{0,24}").prop_map(|(k, p)| Raw::Api(k, p)),
        2 => (0..20_000u64).prop_map(Raw::Tick),
    ];
    (0..30_000u64, r)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn raw_inputs_keep_the_contract(inputs in proptest::collection::vec(raw(), 1..60)) {
        use conflab::engine::{Account, Config, Engine, Event, Input, NumberConfig, Output, WebhookResult};
        let mut numbers = BTreeMap::new();
        numbers.insert("+15550100000".to_owned(), NumberConfig {
            voice_url: Some("https://app.test/in".to_owned()),
            status_callback_url: Some("https://app.test/calls".to_owned()),
            call_connect_url: None,
            ..NumberConfig::default()
        });
        let account_id = format!("AC{}", "2".repeat(40));
        let mut engine = Engine::new(Config {
            seed: 3,
            epoch_unix_secs: conflab::engine::DEFAULT_EPOCH_UNIX_SECS,
            account: Account {
                account_id: account_id.clone(),
                api_key: "key".to_owned(),
                signing_secret: "sigsec_x".to_owned(),
                kind: conflab::wire::AccountType::Full,
                verified_numbers: Vec::new(),
            },
            applications: BTreeMap::new(),
            numbers,
            phones: BTreeMap::new(),
            webhook_timeout_ms: conflab::engine::WEBHOOK_TIMEOUT_MS,
            budgets: conflab::engine::Budgets::default(),
        });
        let auth = conflab::api::auth::basic_header(&account_id, "key");
        let mut sent: Vec<u64> = Vec::new();
        let mut final_events: BTreeMap<String, usize> = BTreeMap::new();
        let mut call_status: BTreeMap<String, usize> = BTreeMap::new();
        let mut next_api = 0u64;
        for (at, r) in inputs {
            let mut expect_api = None;
            let input = match r {
                Raw::Dial(p) => Input::Dial { at, from: PHONES[p].to_owned(), to: "+15550100000".to_owned() },
                Raw::Hangup(p) => Input::Hangup { at, phone: PHONES[p].to_owned() },
                Raw::Digits(p, digits) => Input::Digits { at, phone: PHONES[p].to_owned(), digits },
                Raw::Answer(p) => Input::Answer { at, phone: PHONES[p].to_owned() },
                Raw::Respond(n, status, b) => {
                    let id = if sent.is_empty() { 999 } else { sent[n % sent.len()] };
                    Input::WebhookResponse { at, id, result: WebhookResult::Response { status, body: BODIES[b].to_owned() } }
                }
                Raw::Api(k, path) => {
                    next_api += 1;
                    expect_api = Some(next_api);
                    let method = ["GET", "POST", "DELETE", "PUT"][k];
                    let full = format!("/Accounts/{account_id}/{path}");
                    let request = conflab::api::HttpRequest::new(method, &full, &b"{\"x\":"[..]).with_header("Authorization", &auth);
                    Input::Api { at, id: next_api, request }
                }
                Raw::Tick(ms) => Input::Timeout(at + ms),
            };
            engine.handle_input(input);
            let mut first = true;
            let mut api_replies = 0;
            while let Some(out) = engine.poll_output() {
                match out {
                    Output::ApiResponse(reply) => {
                        prop_assert!(first, "the API response comes first");
                        prop_assert_eq!(Some(reply.id), expect_api);
                        api_replies += 1;
                    }
                    Output::Webhook(w) => {
                        prop_assert!(sent.last().is_none_or(|&last| w.id > last), "webhook ids increase");
                        sent.push(w.id);
                        let sig = &w.headers.iter().find(|(k, _)| k == "FreeClimb-Signature").unwrap().1;
                        let now_unix = conflab::engine::DEFAULT_EPOCH_UNIX_SECS + engine.now() / 1000;
                        prop_assert_eq!(conflab::webhook::verify(sig, &w.raw_body, "sigsec_x", now_unix, 1), Ok(()));
                        if w.request_type == conflab::wire::RequestType::CallStatus {
                            *call_status.entry(w.body["callId"].as_str().unwrap().to_owned()).or_default() += 1;
                        }
                    }
                    Output::Event(Event::Call { call_id, status, .. }) if status.is_final() => {
                        *final_events.entry(call_id).or_default() += 1;
                    }
                    _ => {}
                }
                first = false;
            }
            prop_assert_eq!(api_replies, usize::from(expect_api.is_some()));
        }
        prop_assert!(final_events.values().all(|&n| n == 1), "{final_events:?}");
        prop_assert_eq!(final_events, call_status);
    }
}
