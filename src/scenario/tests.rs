//! Unit tests: the issue's example, and every kind of problem with its exact place and message.

use super::template::{Lookup, expand_value};
use super::*;
use crate::wire::AccountType;
use serde_json::json;

/// The example scenario of issue 4, verbatim (also in docs/scenarios.md, checked by tests/scenario_schema.rs).
const EXAMPLE: &str = include_str!("example.json");

#[test]
fn the_issue_example_parses_to_the_expected_values() {
    let s = parse(EXAMPLE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.seed, 7);
    assert_eq!(s.account.kind, AccountType::Trial);
    assert_eq!(s.account.verified_numbers, ["+15550122222"]);
    assert_eq!(s.account.signing_secret, "sigsec_...");
    assert_eq!(
        (
            s.account.account_id.as_deref(),
            s.account.api_key.as_deref()
        ),
        (None, None)
    );
    let number = &s.numbers["+15550100000"];
    assert_eq!(
        number.voice_url.as_deref(),
        Some("https://app.test/inbound")
    );
    assert_eq!(
        number.status_callback_url.as_deref(),
        Some("https://app.test/calls")
    );
    assert_eq!(number.call_connect_url, None);
    let phone = &s.phones["+15550122222"];
    assert_eq!(phone.answer, Answer::After { after_ms: 1500 });
    assert_eq!(phone.media, Media::Tone { hz: 440 });
    // A phone without an entry answers at once and is silent.
    assert_eq!(s.phone("+15550111111"), Phone::default());
    assert_eq!(Phone::default().answer, Answer::After { after_ms: 0 });
    assert_eq!(Phone::default().media, Media::Silence);

    let AppAnswer::Percl { percl, delay_ms: 0 } = s.respond("https://app.test/inbound") else {
        panic!("inbound is PerCL");
    };
    assert_eq!(
        percl.value,
        json!([{"CreateConference": {"actionUrl": "https://app.test/created", "statusCallbackUrl": "https://app.test/status"}}])
    );
    assert_eq!(percl.pointer, "/app/https:~1~1app.test~1inbound");
    let AppAnswer::Percl { percl, .. } = s.respond("https://app.test/created") else {
        panic!("created is PerCL");
    };
    assert_eq!(
        percl.value,
        json!([{"AddToConference": {"conferenceId": "{{conferenceId}}"}}])
    );
    let slow = Fault {
        status: 200,
        delay_ms: 15000,
        body: String::new(),
    };
    assert_eq!(s.respond("https://app.test/slow"), AppAnswer::Fault(&slow));
    let broken = Fault {
        status: 500,
        delay_ms: 0,
        body: String::new(),
    };
    assert_eq!(
        s.respond("https://app.test/broken"),
        AppAnswer::Fault(&broken)
    );
    assert_eq!(s.respond("https://app.test/nowhere"), AppAnswer::NotFound);
    assert_eq!(
        s.respond("https://app.test/inbound?x=1"),
        AppAnswer::NotFound
    );

    let expected = vec![
        Step {
            at: 0,
            action: Action::Dial {
                from: "+15550111111".into(),
                to: "+15550100000".into(),
            },
            pointer: "/steps/0".into(),
        },
        Step {
            at: 0,
            action: Action::Api(ApiRequest {
                method: Method::Post,
                path: "/Conferences".into(),
                query: vec![],
                body: Some(
                    json!({"alias": "standup", "statusCallbackUrl": "https://app.test/status"}),
                ),
            }),
            pointer: "/steps/1".into(),
        },
        Step {
            at: 3000,
            action: Action::Api(ApiRequest {
                method: Method::Post,
                path: "/Conferences/{{conference:standup}}".into(),
                query: vec![],
                body: Some(json!({"status": "terminated"})),
            }),
            pointer: "/steps/2".into(),
        },
        Step {
            at: 4000,
            action: Action::Digits {
                phone: "+15550111111".into(),
                digits: "12#".into(),
            },
            pointer: "/steps/3".into(),
        },
        Step {
            at: 9000,
            action: Action::Hangup {
                phone: "+15550111111".into(),
            },
            pointer: "/steps/4".into(),
        },
    ];
    assert_eq!(s.steps, expected);
    assert_eq!(s.until, None);
}

#[test]
fn an_empty_object_is_a_full_account_with_nothing() {
    let s = parse("{}").unwrap();
    assert_eq!(s.seed, 0);
    assert_eq!(s.account, Account::default());
    assert_eq!(s.account.kind, AccountType::Full);
    assert_eq!(s.account.signing_secret, DEFAULT_SIGNING_SECRET);
    assert!(s.numbers.is_empty() && s.phones.is_empty() && s.app.is_empty() && s.steps.is_empty());
}

#[test]
fn every_extension_parses() {
    let src = r#"{
      "$schema": "../docs/scenario.schema.json", "description": "all keys", "until": 60000,
      "account": {"type": "full", "accountId": "AC0123456789abcdef0123456789abcdef01234567", "apiKey": "key"},
      "numbers": {"+15550100000": {"voiceUrl": "https://a.test/v", "voiceFallbackUrl": "https://a.test/f",
        "statusCallbackUrl": "https://a.test/s", "callConnectUrl": "https://a.test/c", "smsUrl": "https://a.test/m",
        "smsFallbackUrl": "https://a.test/mf", "alias": "main"}},
      "phones": {
        "+15550000001": {"answer": "busy"}, "+15550000002": {"answer": "noAnswer"},
        "+15550000003": {"answer": "failed"}, "+15550000004": {"answer": "manual", "media": {"silence": true}},
        "+15550000005": {"answer": {}, "media": {"file": "a.wav"}, "says": "yes please", "hangupAfterMs": 5000},
        "+15550000006": {"media": {"speech": "hello"}},
        "+15550000007": {"media": {"talker": {"text": "blah", "talkMs": 100, "silenceMs": 200}}},
        "+15550000008": {"media": {"talker": {}}}
      },
      "app": {
        "https://a.test/late": {"percl": [{"Hangup": {}}], "delayMs": 800},
        "https://a.test/raw": {"body": "not percl"}
      },
      "steps": [
        {"at": 0, "answer": {"phone": "+15550000004"}},
        {"at": 1, "say": {"phone": "+15550000005", "text": "no"}},
        {"at": 1, "api": {"method": "GET", "path": "/Calls", "query": {"status": "inProgress", "active": true, "n": 2}}},
        {"at": 2, "api": {"method": "DELETE", "path": "/Conferences/{{conference:a}}/Participants/{{call:+15550000005}}"}}
      ]
    }"#;
    let s = parse(src).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.until, Some(60000));
    assert_eq!(
        s.account.account_id.as_deref(),
        Some("AC0123456789abcdef0123456789abcdef01234567")
    );
    assert_eq!(s.account.api_key.as_deref(), Some("key"));
    let n = &s.numbers["+15550100000"];
    assert_eq!(n.voice_fallback_url.as_deref(), Some("https://a.test/f"));
    assert_eq!(n.call_connect_url.as_deref(), Some("https://a.test/c"));
    assert_eq!(n.sms_url.as_deref(), Some("https://a.test/m"));
    assert_eq!(n.sms_fallback_url.as_deref(), Some("https://a.test/mf"));
    assert_eq!(n.alias.as_deref(), Some("main"));
    let answers: Vec<Answer> = s.phones.values().take(5).map(|p| p.answer).collect();
    assert_eq!(
        answers,
        [
            Answer::Busy,
            Answer::NoAnswer,
            Answer::Failed,
            Answer::Manual,
            Answer::After { after_ms: 0 }
        ]
    );
    let p5 = &s.phones["+15550000005"];
    assert_eq!(
        p5.media,
        Media::File {
            path: "a.wav".into()
        }
    );
    assert_eq!(
        (p5.says.as_deref(), p5.hangup_after_ms),
        (Some("yes please"), Some(5000))
    );
    assert_eq!(
        s.phones["+15550000006"].media,
        Media::Speech {
            text: "hello".into()
        }
    );
    assert_eq!(
        s.phones["+15550000007"].media,
        Media::Talker(Talker {
            text: Some("blah".into()),
            talk_ms: 100,
            silence_ms: 200
        })
    );
    assert_eq!(
        s.phones["+15550000008"].media,
        Media::Talker(Talker::default())
    );
    let AppAnswer::Percl {
        delay_ms: 800,
        percl,
    } = s.respond("https://a.test/late")
    else {
        panic!()
    };
    assert_eq!(percl.pointer, "/app/https:~1~1a.test~1late/percl");
    let raw = Fault {
        status: 200,
        delay_ms: 0,
        body: "not percl".into(),
    };
    assert_eq!(s.respond("https://a.test/raw"), AppAnswer::Fault(&raw));
    assert_eq!(
        s.steps[0].action,
        Action::Answer {
            phone: "+15550000004".into()
        }
    );
    assert_eq!(
        s.steps[1].action,
        Action::Say {
            phone: "+15550000005".into(),
            text: "no".into()
        }
    );
    let Action::Api(get) = &s.steps[2].action else {
        panic!()
    };
    assert_eq!(
        get.query,
        [
            ("status".into(), "inProgress".into()),
            ("active".into(), "true".into()),
            ("n".into(), "2".into())
        ]
    );
    let Action::Api(delete) = &s.steps[3].action else {
        panic!()
    };
    assert_eq!(
        (delete.method, delete.body.as_ref()),
        (Method::Delete, None)
    );
}

/// Every problem of `source`: (pointer, line, column, start, code, message).
fn problems(source: &str) -> Vec<(String, usize, usize, usize, &'static str, String)> {
    match parse(source) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .errors
            .iter()
            .map(|e| {
                (
                    e.pointer.clone(),
                    e.line,
                    e.column,
                    e.start,
                    e.problem.code(),
                    e.message(),
                )
            })
            .collect(),
    }
}

/// Asserts that a one-line `source` has exactly one problem, at the first occurrence of `at` (so line 1 and
/// column = that offset + 1), with this pointer, code and message.
#[track_caller]
fn one(source: &str, pointer: &str, at: &str, code: &str, message: &str) {
    let offset = source
        .find(at)
        .unwrap_or_else(|| panic!("{at} is not in {source}"));
    one_at(source, pointer, (1, offset + 1), code, message);
    assert_eq!(problems(source)[0].3, offset, "{source}");
}

/// Like [`one`], with line and column given.
#[track_caller]
fn one_at(source: &str, pointer: &str, (line, column): (usize, usize), code: &str, message: &str) {
    let got = problems(source);
    assert_eq!(got.len(), 1, "{source}: {got:#?}");
    let (p, l, c, _, k, m) = &got[0];
    assert_eq!(
        (p.as_str(), *l, *c, *k, m.as_str()),
        (pointer, line, column, code, message),
        "{source}"
    );
}

const N: &str = r#""numbers": {"+15550100000": {"voiceUrl": "https://a.test/in"}}"#;

#[test]
fn syntax_errors() {
    one(
        r#"{"seed": 7,}"#,
        "/seed",
        ",}",
        "json-syntax",
        "a comma before the closing bracket: JSON does not allow a trailing comma; remove it",
    );
    one_at(
        "{\"steps\": [\n  {\"at\": 0\n]}",
        "/steps/0/at",
        (3, 1),
        "json-syntax",
        "unexpected `]` in JSON: expected `,` or `}`",
    );
    one(
        "{} x",
        "",
        "x",
        "json-syntax",
        "unexpected text after the end of the scenario: a scenario is one JSON object",
    );
    one_at(
        "",
        "",
        (1, 1),
        "json-syntax",
        "the JSON text ends early: expected a value (object, array, string, number, true, false or null)",
    );
}

#[test]
fn bytes_that_are_not_utf8() {
    let e = parse_bytes(b"{\"description\": \"caf\xe9\"}").unwrap_err();
    let e = &e.errors[0];
    assert_eq!(
        (e.line, e.column, e.start, e.end, e.problem.code()),
        (1, 21, 20, 21, "invalid-utf8")
    );
}

#[test]
fn too_large() {
    let big = format!("{{\"description\": \"{}\"}}", "x".repeat(MAX_SOURCE_BYTES));
    let got = problems(&big);
    assert_eq!(
        got,
        [(
            String::new(),
            1,
            1,
            0,
            "too-large",
            format!(
                "the scenario is {} bytes; conflab reads scenarios of up to {MAX_SOURCE_BYTES} bytes",
                big.len()
            )
        )]
    );
}

#[test]
fn structure_errors() {
    one(
        "[]",
        "",
        "[",
        "wrong-type",
        "a scenario must be an object, but this is an array",
    );
    one(
        r#"{"sead": 7}"#,
        "/sead",
        "\"sead",
        "unknown-key",
        r#"the scenario has no key "sead" (did you mean "seed"?)"#,
    );
    one(
        r#"{"seed": 1, "seed": 2}"#,
        "/seed",
        "\"seed\": 2",
        "duplicate-key",
        r#""seed" appears more than once in this object"#,
    );
    one(
        r#"{"seed": "7"}"#,
        "/seed",
        "\"7",
        "wrong-type",
        r#""seed" must be a whole number, but this is a string"#,
    );
    one(
        r#"{"seed": -1}"#,
        "/seed",
        "-1",
        "bad-number",
        r#""seed" is -1, but it must be a whole number from 0 to 18446744073709551615"#,
    );
    one(
        r#"{"until": 1.5}"#,
        "/until",
        "1.5",
        "bad-number",
        r#""until" is 1.5, but it must be a time in ms from 0 to 9007199254740991 (2^53-1)"#,
    );
    one(
        r#"{"account": {"type": "Trial"}}"#,
        "/account/type",
        "\"Trial",
        "bad-enum",
        r#""type" cannot be "Trial": it is one of "trial" or "full" (did you mean "trial"?)"#,
    );
    one(
        r#"{"account": {"verifiedNumber": []}}"#,
        "/account/verifiedNumber",
        "\"verifiedNumber",
        "unknown-key",
        r#"the account has no key "verifiedNumber" (did you mean "verifiedNumbers"?)"#,
    );
    one(
        r#"{"account": {"verifiedNumbers": "+15550100000"}}"#,
        "/account/verifiedNumbers",
        "\"+1",
        "wrong-type",
        r#""verifiedNumbers" must be an array of E.164 numbers, but this is a string"#,
    );
    one(
        r#"{"account": {"signingSecret": ""}}"#,
        "/account/signingSecret",
        "\"\"",
        "empty",
        r#""signingSecret" is empty"#,
    );
    one(
        r#"{"account": {"accountId": "AC12"}}"#,
        "/account/accountId",
        "\"AC12",
        "bad-account-id",
        r#"accountId "AC12" is not AC followed by 40 lowercase hex digits"#,
    );
}

#[test]
fn number_and_phone_errors() {
    one(
        r#"{"numbers": {"5550100000": {}}}"#,
        "/numbers/5550100000",
        "\"5550",
        "not-e164",
        r#""5550100000" is not an E.164 phone number (+ and 2 to 15 digits, the first not 0)"#,
    );
    one(
        r#"{"numbers": {"+15550100000": {"voiceUrl": "/inbound"}}}"#,
        "/numbers/+15550100000/voiceUrl",
        "\"/inbound",
        "not-http-url",
        r#""/inbound" is not an absolute http(s) URL, so no webhook can request it"#,
    );
    one(
        r#"{"numbers": {"+15550100000": {"voiceURL": "https://a.test/"}}}"#,
        "/numbers/+15550100000/voiceURL",
        "\"voiceURL",
        "unknown-key",
        r#"a number has no key "voiceURL" (did you mean "voiceUrl"?)"#,
    );
    one(
        &format!(r#"{{{N}, "phones": {{"+15550100000": {{}}}}}}"#),
        "/phones/+15550100000",
        "\"+15550100000\": {}",
        "phone-is-account-number",
        r#"+15550100000 is one of the account's "numbers", so it cannot also be an outside phone"#,
    );
    one(
        r#"{"phones": {"+15550122222": {"answer": "bussy"}}}"#,
        "/phones/+15550122222/answer",
        "\"bussy",
        "bad-enum",
        r#""answer" cannot be "bussy": it is one of "busy", "noAnswer", "failed" or "manual" (did you mean "busy"?)"#,
    );
    one(
        r#"{"phones": {"+15550122222": {"answer": 1500}}}"#,
        "/phones/+15550122222/answer",
        "1500",
        "wrong-type",
        r#""answer" must be an object such as {"afterMs": 1500} or one of "busy", "noAnswer", "failed", "manual", but this is a number"#,
    );
    one(
        r#"{"phones": {"+15550122222": {"answer": {"after": 5}}}}"#,
        "/phones/+15550122222/answer/after",
        "\"after\"",
        "unknown-key",
        r#""answer" has no key "after" (did you mean "afterMs"?)"#,
    );
    one(
        r#"{"phones": {"+15550122222": {"media": {}}}}"#,
        "/phones/+15550122222/media",
        "{}",
        "media-count",
        r#""media" names no kind of audio"#,
    );
    one(
        r#"{"phones": {"+15550122222": {"media": {"tone": 0}}}}"#,
        "/phones/+15550122222/media/tone",
        "0}",
        "bad-number",
        r#""tone" is 0, but it must be a frequency from 1 to 20000 Hz"#,
    );
    one(
        r#"{"phones": {"+15550122222": {"media": {"silence": false}}}}"#,
        "/phones/+15550122222/media/silence",
        "false",
        "wrong-type",
        r#""silence" must be true, but this is a boolean"#,
    );
    one(
        r#"{"phones": {"+15550122222": {"media": {"talker": {"talk": 1}}}}}"#,
        "/phones/+15550122222/media/talker/talk",
        "\"talk\"",
        "unknown-key",
        r#""talker" has no key "talk" (did you mean "talkMs"?)"#,
    );
}

#[test]
fn app_errors() {
    one(
        r#"{"app": {"app.test/in": []}}"#,
        "/app/app.test~1in",
        "\"app.test",
        "not-http-url",
        r#""app.test/in" is not an absolute http(s) URL, so no webhook can request it"#,
    );
    one(
        r#"{"app": {"https://a.test/x": "Hangup"}}"#,
        "/app/https:~1~1a.test~1x",
        "\"Hangup",
        "wrong-type",
        r#"an app response must be a PerCL array or an object such as {"status": 500}, but this is a string"#,
    );
    one(
        r#"{"app": {"https://a.test/x": {"status": 99}}}"#,
        "/app/https:~1~1a.test~1x/status",
        "99",
        "bad-number",
        r#""status" is 99, but it must be an HTTP status from 100 to 599"#,
    );
    one(
        r#"{"app": {"https://a.test/x": {"stauts": 500}}}"#,
        "/app/https:~1~1a.test~1x/stauts",
        "\"stauts",
        "unknown-key",
        r#"an app response has no key "stauts" (did you mean "status"?)"#,
    );
    one(
        r#"{"app": {"https://a.test/x": {"body": []}}}"#,
        "/app/https:~1~1a.test~1x/body",
        "[]",
        "wrong-type",
        r#""body" (the raw response text) must be a string, but this is an array"#,
    );
    one(
        r#"{"app": {"https://a.test/x": {"percl": [], "body": "x"}}}"#,
        "/app/https:~1~1a.test~1x/body",
        "\"x\"",
        "percl-with-fault",
        r#""body" cannot be used with "percl" in an app response"#,
    );
    one(
        r#"{"app": {"https://a.test/x": {"Hangup": {}}}}"#,
        "/app/https:~1~1a.test~1x",
        "{\"Hangup",
        "command-not-in-array",
        "a PerCL response is an array of commands, but this is the single command Hangup outside an array",
    );
    one(
        r#"{"app": {"https://a.test/x": {"percl": {}}}}"#,
        "/app/https:~1~1a.test~1x/percl",
        "{}}",
        "wrong-type",
        r#""percl" must be a PerCL array, but this is an object"#,
    );
}

#[test]
fn percl_errors_are_rebased_into_the_scenario() {
    let src = "{\"app\": {\n  \"https://app.test/inbound\": [\n    {\"CreateConference\": {\"actionUrl\": 5}}\n  ]\n}}";
    one_at(
        src,
        "/app/https:~1~1app.test~1inbound/0/CreateConference/actionUrl",
        (3, 40),
        "percl",
        r#"PerCL: "actionUrl" must be a URL string, but this is a number"#,
    );
    let e = parse(src).unwrap_err();
    assert_eq!(&src[e.errors[0].start..e.errors[0].end], "5");
    assert_eq!(
        e.errors[0].problem.fix().as_deref(),
        Some("put it in quotes: \"5\"")
    );
    one(
        r#"{"app": {"https://a.test/x": [{"Sya": {"text": "hi"}}]}}"#,
        "/app/https:~1~1a.test~1x/0/Sya",
        "\"Sya",
        "percl",
        r#"PerCL: unknown command "Sya"; did you mean "Say"? (names are case-sensitive)"#,
    );
    // Delayed PerCL is checked too, under /percl.
    one(
        r#"{"app": {"https://a.test/x": {"percl": [{"Pause": {}}]}}}"#,
        "/app/https:~1~1a.test~1x/percl/0/Pause",
        "{}}",
        "percl",
        r#"PerCL: Pause needs "length" (a whole number from 1 to 4294967295)"#,
    );
    // Warnings (here: no terminal command) are not scenario errors.
    assert!(parse(r#"{"app": {"https://a.test/x": [{"Say": {"text": "hi"}}]}}"#).is_ok());
}

#[test]
fn templates_in_percl_are_checked_for_syntax_not_for_content() {
    // A template where PerCL wants an E.164 number, keys or a URL is fine: it is only known at run time.
    let ok = r#"{"app": {"https://a.test/x": [{"OutDial": {"actionUrl": "{{url}}", "callConnectUrl": "https://a.test/c",
        "callingNumber": "{{to}}", "destination": "{{from}}", "sendDigits": "{{digits}}"}}]}}"#;
    assert!(parse(ok).is_ok(), "{}", parse(ok).unwrap_err());
    // The same without a template is a PerCL error.
    assert_eq!(problems(&ok.replace("{{to}}", "to"))[0].4, "percl");
    // A template never turns a number into a string, so the type is still checked.
    one(
        r#"{"app": {"https://a.test/x": [{"Pause": {"length": "{{n}}"}}]}}"#,
        "/app/https:~1~1a.test~1x/0/Pause/length",
        "\"{{n",
        "percl",
        r#"PerCL: "length" must be a whole number from 1 to 4294967295, but this is a string"#,
    );
    one(
        r#"{"app": {"https://a.test/x": [{"AddToConference": {"conferenceId": "CF{{conferenceId"}}]}}"#,
        "/app/https:~1~1a.test~1x/0/AddToConference/conferenceId",
        "{{conferenceId",
        "template-unclosed",
        "the template `{{` is not closed",
    );
    one(
        r#"{"app": {"https://a.test/x": [{"AddToConference": {"conferenceId": "{{conferance:a}}"}}]}}"#,
        "/app/https:~1~1a.test~1x/0/AddToConference/conferenceId",
        "{{conferance",
        "template-unknown-kind",
        r#"unknown template kind "conferance": templates are {{name}}, {{conference:ALIAS}} and {{call:PHONE}}"#,
    );
    one(
        r#"{"app": {"https://a.test/x": [{"Say": {"text": "{{}}"}}]}}"#,
        "/app/https:~1~1a.test~1x/0/Say/text",
        "{{}}",
        "template-empty",
        "the template has no name",
    );
    one(
        r#"{"app": {"https://a.test/x": [{"Say": {"text": "hi {{call:+15550199999}}"}}]}}"#,
        "/app/https:~1~1a.test~1x/0/Say/text",
        "{{call",
        "unknown-phone",
        r#"the phone +15550199999 is not in "phones" and no "dial" step calls from it"#,
    );
    // With an escape in the string, the problem is placed at the string.
    one(
        r#"{"app": {"https://a.test/x": [{"Say": {"text": "\u0041 {{}}"}}]}}"#,
        "/app/https:~1~1a.test~1x/0/Say/text",
        "\"\\u0041",
        "template-empty",
        "the template has no name",
    );
}

#[test]
fn step_errors() {
    let dial = r#"{"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}}"#;
    let s = |steps: &str| format!(r#"{{{N}, "steps": [{dial}, {steps}]}}"#);
    one(
        &s(r#"{"dial": {"from": "+15550111111", "to": "+15550100000"}}"#),
        "/steps/1",
        "{\"dial",
        "missing-key",
        r#"a step needs "at" (the time in ms, such as 0 or 1500)"#,
    );
    one(
        &s(r#"{"at": 5}"#),
        "/steps/1",
        "{\"at\": 5",
        "action-count",
        "the step has no action",
    );
    one(
        &s(
            r#"{"at": 5, "hangup": {"phone": "+15550111111"}, "digits": {"phone": "+15550111111", "digits": "1"}}"#,
        ),
        "/steps/1",
        "{\"at\": 5",
        "action-count",
        r#"a step has exactly one action, but this one has 2 ("hangup", "digits")"#,
    );
    // A misspelt action is reported once, as an unknown key.
    one(
        &s(r#"{"at": 5, "hangpu": {}}"#),
        "/steps/1/hangpu",
        "\"hangpu",
        "unknown-key",
        r#"a step has no key "hangpu" (did you mean "hangup"?)"#,
    );
    one(
        &s(r#"{"at": 5, "hangup": {"phone": "+15550111112"}}"#),
        "/steps/1/hangup/phone",
        "\"+15550111112",
        "unknown-phone",
        r#"the phone +15550111112 is not in "phones" and no "dial" step calls from it"#,
    );
    let e = parse(&s(r#"{"at": 5, "hangup": {"phone": "+15550111112"}}"#)).unwrap_err();
    assert_eq!(
        e.errors[0].problem.fix().as_deref(),
        Some(r#"write "+15550111111", or add the phone to "phones""#)
    );
    one(
        &s(r#"{"at": 5, "hangup": {}}"#),
        "/steps/1/hangup",
        "{}}",
        "missing-key",
        r#""hangup" needs "phone" (an outside phone, E.164)"#,
    );
    one(
        &s(r#"{"at": 5, "digits": {"phone": "+15550111111", "digits": "12a"}}"#),
        "/steps/1/digits/digits",
        "\"12a",
        "bad-keys",
        r#""digits" "12a" may contain only 0-9, * and #"#,
    );
    one(
        &s(r#"{"at": 5, "say": {"phone": "+15550111111"}}"#),
        "/steps/1/say",
        "{\"phone\": \"+15550111111\"}}",
        "missing-key",
        r#""say" needs "text" (the phrase the phone says)"#,
    );
    one(
        &s(r#"{"at": 5, "answer": {"phone": "15550111111"}}"#),
        "/steps/1/answer/phone",
        "\"15550111111",
        "not-e164",
        r#""15550111111" is not an E.164 phone number (+ and 2 to 15 digits, the first not 0)"#,
    );
    one(
        &s(r#"{"at": 5, "dial": {"from": "+15550111111", "to": "+15550100001"}}"#),
        "/steps/1/dial/to",
        "\"+15550100001",
        "not-account-number",
        r#"+15550100001 is not one of the account's "numbers", so a dial to it reaches no application"#,
    );
    one(
        &s(r#"{"at": 5, "dial": {"from": "+15550100000", "to": "+15550100000"}}"#),
        "/steps/1/dial/from",
        "\"+15550100000\", \"to",
        "phone-is-account-number",
        r#"+15550100000 is one of the account's "numbers", so it cannot also be an outside phone"#,
    );
    one(
        &s(r#"{"at": 5, "dial": {"to": "+15550100000"}}"#),
        "/steps/1/dial",
        "{\"to\"",
        "missing-key",
        r#""dial" needs "from" (the calling phone, E.164)"#,
    );
}

#[test]
fn steps_must_be_in_time_order() {
    let src = format!(
        r#"{{{N}, "steps": [{{"at": 10, "dial": {{"from": "+15550111111", "to": "+15550100000"}}}}, {{"at": 9, "hangup": {{"phone": "+15550111111"}}}}]}}"#
    );
    one(
        &src,
        "/steps/1/at",
        "9,",
        "steps-out-of-order",
        "the step at 9 ms comes after a step at 10 ms: steps are listed in time order",
    );
    // Equal times are fine and keep file order.
    let same = src.replace(r#""at": 9"#, r#""at": 10"#);
    let s = parse(&same).unwrap();
    assert!(matches!(s.steps[1].action, Action::Hangup { .. }));
}

#[test]
fn api_errors() {
    let s = |api: &str| format!(r#"{{"steps": [{{"at": 0, "api": {api}}}]}}"#);
    one(
        &s(r#"{"method": "post", "path": "/Calls"}"#),
        "/steps/0/api/method",
        "\"post",
        "bad-enum",
        r#""method" cannot be "post": it is one of "GET", "POST" or "DELETE" (did you mean "POST"?)"#,
    );
    one(
        &s(r#"{"method": "PUT", "path": "/Calls"}"#),
        "/steps/0/api/method",
        "\"PUT",
        "bad-enum",
        r#""method" cannot be "PUT": it is one of "GET", "POST" or "DELETE""#,
    );
    one(
        &s(r#"{"method": "GET", "path": "Calls"}"#),
        "/steps/0/api/path",
        "\"Calls",
        "path-without-slash",
        r#"the api path "Calls" does not start with /"#,
    );
    one(
        &s(r#"{"method": "GET", "path": "/Accounts/AC1/Calls"}"#),
        "/steps/0/api/path",
        "\"/Accounts",
        "path-with-account",
        r#"the api path "/Accounts/AC1/Calls" is relative to /Accounts/{accountId} already"#,
    );
    one(
        &s(r#"{"method": "GET"}"#),
        "/steps/0/api",
        "{\"method",
        "missing-key",
        r#""api" needs "path" (such as "/Conferences")"#,
    );
    one(
        &s(r#"{"method": "GET", "path": "/Calls/{{callId}}"}"#),
        "/steps/0/api/path",
        "{{callId",
        "template-no-body",
        "{{callId}} names a webhook body field, but there is no webhook body here",
    );
    one(
        &s(r#"{"method": "GET", "path": "/Calls/{{call:+15550111111}}"}"#),
        "/steps/0/api/path",
        "{{call",
        "unknown-phone",
        r#"the phone +15550111111 is not in "phones" and no "dial" step calls from it"#,
    );
    one(
        &s(r#"{"method": "POST", "path": "/Calls", "body": {"from": "{{from}}"}}"#),
        "/steps/0/api/body/from",
        "{{from",
        "template-no-body",
        "{{from}} names a webhook body field, but there is no webhook body here",
    );
    one(
        &s(r#"{"method": "GET", "path": "/Calls", "query": {"status": null}}"#),
        "/steps/0/api/query/status",
        "null",
        "wrong-type",
        "a query value must be a string, number or boolean, but this is null",
    );
    one(
        &s(r#"{"method": "POST", "path": "/Calls", "body": {"n": 1e999}}"#),
        "/steps/0/api/body/n",
        "1e999",
        "bad-number",
        "the number is 1e999, but it must be a number of at most about 1.8e308",
    );
}

#[test]
fn every_problem_is_reported_in_source_order() {
    let src = r#"{"sead": 1, "account": {"type": "x"}, "steps": [{"at": 0}], "untill": 5}"#;
    let got: Vec<&str> = problems(src).iter().map(|p| p.4).collect();
    assert_eq!(
        got,
        ["unknown-key", "bad-enum", "action-count", "unknown-key"]
    );
    let e = parse(src).unwrap_err();
    assert!(e.errors.windows(2).all(|w| w[0].start <= w[1].start));
}

#[test]
fn render_and_json() {
    let e = parse("{\n  \"sead\": 7\n}").unwrap_err();
    assert_eq!(
        e.render("s.json"),
        "s.json:2:3: error: /sead: the scenario has no key \"sead\" (did you mean \"seed\"?) (fix: rename it to \"seed\")\n"
    );
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"errors": [{"code": "unknown-key", "pointer": "/sead", "line": 2, "column": 3, "start": 4, "end": 10,
            "message": "the scenario has no key \"sead\" (did you mean \"seed\"?)", "fix": "rename it to \"seed\""}]})
    );
}

struct Known;
impl Lookup for Known {
    fn conference_by_alias(&self, alias: &str) -> Option<String> {
        (alias == "standup").then(|| "CF0000000000000000000000000000000000000001".to_owned())
    }
    fn current_call_of(&self, _: &str) -> Option<String> {
        None
    }
}

#[test]
fn the_example_templates_expand() {
    let s = parse(EXAMPLE).unwrap();
    let AppAnswer::Percl { percl, .. } = s.respond("https://app.test/created") else {
        panic!()
    };
    let body = json!({"conferenceId": "CF1", "requestType": "createConference"});
    assert_eq!(
        expand_value(&percl.value, &body, &Known).unwrap(),
        json!([{"AddToConference": {"conferenceId": "CF1"}}])
    );
    let Action::Api(api) = &s.steps[2].action else {
        panic!()
    };
    assert_eq!(
        template::expand(&api.path, &serde_json::Value::Null, &Known).unwrap(),
        "/Conferences/CF0000000000000000000000000000000000000001"
    );
}

/// A message that embeds a step or a scenario, as the page's postMessage (and later a server) receives it.
fn message_node<'s>(source: &'s str, key: &str) -> crate::percl::json::Value<'s> {
    let root = crate::percl::json::parse(source).value.unwrap();
    let crate::percl::json::Kind::Object(members) = root.kind else {
        panic!("not an object")
    };
    members.into_iter().find(|m| m.key == key).unwrap().value
}

#[test]
fn a_step_in_a_message_is_placed_in_the_message() {
    let source = "{\"conflab\": \"step\",\n \"step\": {\"dial\": {\"from\": \"+0555\", \"to\": \"+15550100000\"}}}";
    let node = message_node(source, "step");
    let errors = read_step_at(&node, source, "/step").unwrap_err();
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_eq!(e.pointer, "/step/dial/from");
    assert_eq!((e.line, e.column), (2, 28));
    assert_eq!(&source[e.start..e.end], "\"+0555\"");
    assert_eq!(e.problem.code(), "not-e164");

    let ok = "{\"conflab\": \"step\", \"step\": {\"hangup\": {\"phone\": \"+15550111111\"}}}";
    assert_eq!(
        read_step_at(&message_node(ok, "step"), ok, "/step"),
        Ok(Action::Hangup {
            phone: "+15550111111".into()
        })
    );
}

#[test]
fn a_scenario_in_a_message_keeps_its_own_pointers() {
    let source = format!("{{\"conflab\": \"load\", \"scenario\": {EXAMPLE}}}");
    let node = message_node(&source, "scenario");
    // Read where it is embedded, the scenario is the same value as read from its file: its step and PerCL
    // pointers are relative to the scenario.
    assert_eq!(
        read_scenario_at(&node, &source, "/scenario"),
        Ok(parse(EXAMPLE).unwrap())
    );

    let broken = "{\"conflab\": \"load\",\n \"scenario\": {\"sead\": 1, \"steps\": [{\"at\": 0, \"hangup\": {\"phone\": \"+15550111111\"}}]}}";
    let errors =
        read_scenario_at(&message_node(broken, "scenario"), broken, "/scenario").unwrap_err();
    let placed: Vec<_> = errors
        .iter()
        .map(|e| (e.pointer.as_str(), e.line, e.column, e.problem.code()))
        .collect();
    assert_eq!(
        placed,
        [
            ("/scenario/sead", 2, 15, "unknown-key"),
            ("/scenario/steps/0/hangup/phone", 2, 66, "unknown-phone"),
        ]
    );
}

/// A scenario whose steps are four hang-ups of a known phone and then `last` (so `last` is `/steps/4`).
fn with_fifth_step(last: &str) -> String {
    let hangup = r#"{"at": 0, "hangup": {"phone": "+15550111111"}}"#;
    format!(
        r#"{{{N}, "phones": {{"+15550111111": {{}}}}, "steps": [{hangup}, {hangup}, {hangup}, {hangup}, {last}]}}"#
    )
}

#[test]
fn set_step_errors() {
    // Each section is read as at the top level, with pointers under the step.
    let src =
        with_fifth_step(r#"{"at": 5, "set": {"app": {"https://app.test/in": [{"Say": {}}]}}}"#);
    one(
        &src,
        "/steps/4/set/app/https:~1~1app.test~1in/0/Say",
        "{}}]",
        "percl",
        r#"PerCL: Say needs "text" (a string)"#,
    );
    let src = with_fifth_step(
        r#"{"at": 5, "set": {"app": {"https://app.test/in": {"percl": [{"Pause": {}}]}}}}"#,
    );
    one(
        &src,
        "/steps/4/set/app/https:~1~1app.test~1in/percl/0/Pause",
        "{}}]",
        "percl",
        r#"PerCL: Pause needs "length" (a whole number from 1 to 4294967295)"#,
    );
    let src = with_fifth_step(
        r#"{"at": 5, "set": {"app": {"https://app.test/in": [{"Say": {"text": "{{call:+15550199999}}"}}]}}}"#,
    );
    one(
        &src,
        "/steps/4/set/app/https:~1~1app.test~1in/0/Say/text",
        "{{call",
        "unknown-phone",
        "the phone +15550199999 is not in \"phones\" and no \"dial\" step calls from it",
    );
    let src = with_fifth_step(r#"{"at": 5, "set": {"app": {"app.test/in": null}}}"#);
    one(
        &src,
        "/steps/4/set/app/app.test~1in",
        "\"app.test",
        "not-http-url",
        "\"app.test/in\" is not an absolute http(s) URL, so no webhook can request it",
    );
    let src = with_fifth_step(r#"{"at": 5, "set": {"app": {"https://a.test/x": 5}}}"#);
    one(
        &src,
        "/steps/4/set/app/https:~1~1a.test~1x",
        "5}}}",
        "wrong-type",
        "an app response must be a PerCL array or an object such as {\"status\": 500}, but this is a number",
    );
    let src =
        with_fifth_step(r#"{"at": 5, "set": {"phones": {"+15550100000": {"answer": "busy"}}}}"#);
    one(
        &src,
        "/steps/4/set/phones/+15550100000",
        "\"+15550100000\": {\"answer",
        "phone-is-account-number",
        "+15550100000 is one of the account's \"numbers\", so it cannot also be an outside phone",
    );
    let src =
        with_fifth_step(r#"{"at": 5, "set": {"phones": {"+15550122222": {"answer": "bussy"}}}}"#);
    one(
        &src,
        "/steps/4/set/phones/+15550122222/answer",
        "\"bussy",
        "bad-enum",
        "\"answer\" cannot be \"bussy\": it is one of \"busy\", \"noAnswer\", \"failed\" or \"manual\" (did you mean \"busy\"?)",
    );
    let src = with_fifth_step(r#"{"at": 5, "set": {"numbers": {"5550100001": {}}}}"#);
    one(
        &src,
        "/steps/4/set/numbers/5550100001",
        "\"5550100001",
        "not-e164",
        "\"5550100001\" is not an E.164 phone number (+ and 2 to 15 digits, the first not 0)",
    );
    // The account: its identity is refused, its type is checked.
    for key in ["accountId", "apiKey", "signingSecret"] {
        let src = with_fifth_step(&format!(
            r#"{{"at": 5, "set": {{"account": {{"{key}": "x"}}}}}}"#
        ));
        one(
            &src,
            &format!("/steps/4/set/account/{key}"),
            &format!("\"{key}"),
            "account-identity-in-set",
            &format!(
                "\"{key}\" identifies the account, so a \"set\" step cannot change it (only \"type\" and \"verifiedNumbers\" change during a run)"
            ),
        );
    }
    let src = with_fifth_step(r#"{"at": 5, "set": {"account": {"type": "Trial"}}}"#);
    one(
        &src,
        "/steps/4/set/account/type",
        "\"Trial",
        "bad-enum",
        "\"type\" cannot be \"Trial\": it is one of \"trial\" or \"full\" (did you mean \"trial\"?)",
    );
    let src = with_fifth_step(r#"{"at": 5, "set": {}}"#);
    one(
        &src,
        "/steps/4/set",
        "{}}]",
        "empty-set",
        "\"set\" changes nothing: it needs at least one of \"account\", \"numbers\", \"phones\", \"app\"",
    );
    let e = parse(&src).unwrap_err();
    assert_eq!(
        e.errors[0].problem.fix().as_deref(),
        Some(
            "add what changes, such as {\"app\": {\"https://app.test/in\": [...]}}, or remove the step"
        )
    );
}

#[test]
fn set_steps_add_numbers_to_dial_and_phones_to_name() {
    // A number a `set` adds may be dialled, and a phone it defines named, anywhere in the file: whether they
    // exist at that time is the engine's to say (a dial to a number not there yet does nothing, and is logged).
    let src = r#"{"steps": [
        {"at": 0, "dial": {"from": "+15550111111", "to": "+15550100009"}},
        {"at": 1, "set": {"numbers": {"+15550100009": {"voiceUrl": "https://a.test/in"}},
                          "phones": {"+15550122222": {"answer": "manual"}}, "app": {"https://a.test/in": null}}},
        {"at": 2, "answer": {"phone": "+15550122222"}}
    ]}"#;
    let s = parse(src).unwrap_or_else(|e| panic!("{e}"));
    let Action::Set(change) = &s.steps[1].action else {
        panic!("{:?}", s.steps[1]);
    };
    assert_eq!(change.app.get("https://a.test/in"), Some(&None));
    // A number removed (`null`) is not one a dial may name.
    let src = r#"{"steps": [
        {"at": 0, "set": {"numbers": {"+15550100009": null}}},
        {"at": 1, "dial": {"from": "+15550111111", "to": "+15550100009"}}
    ]}"#;
    assert_eq!(problems(src)[0].4, "not-account-number");
}

/// Regression (found by the `scenario_read` fuzz target): a key holding a newline made a problem's report two
/// lines; each problem is one line, its control characters escaped.
#[test]
fn a_problem_is_one_line_even_when_a_key_holds_a_newline() {
    let errors = super::parse_bytes(b"{\"d\\na\": 1, \"x\\ty\": {}}").unwrap_err();
    assert_eq!(errors.errors.len(), 2);
    let rendered = errors.render("f.json");
    let lines: Vec<&str> = rendered.lines().collect();
    assert_eq!(lines.len(), 2, "{rendered}");
    assert!(lines[0].contains("/d\\na"), "{}", lines[0]);
    assert!(lines[1].contains("/x\\ty"), "{}", lines[1]);
}
