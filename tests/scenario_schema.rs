//! The scenario JSON Schema (`docs/scenario.schema.json`) against the documents and against the Rust reader.
//!
//! * The issue's example in `docs/scenarios.md` is the fixture `src/scenario/example.json`, verbatim.
//! * Python `jsonschema` (in the shared venv `target/sdk-venv`, see tests/support/sdk.rs) checks that the schema
//!   is a valid draft 2020-12 schema, accepts the example, a document using every key, and every scenario in
//!   `tests/scenarios/*.json`, and rejects a set of broken documents — which the Rust reader rejects too.
//! * The schema and the reader agree on the top-level keys.
//!
//! Never skipped: without python3-venv or PyPI on the first run, the test fails with the reason.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/sdk.rs"]
mod sdk;

use conflab::scenario;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;

const JSONSCHEMA: &str = "jsonschema==4.26.0";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn schema() -> Value {
    serde_json::from_str(&read("docs/scenario.schema.json")).expect("the schema is JSON")
}

/// The example block of docs/scenarios.md.
fn documented_example() -> String {
    let doc = read("docs/scenarios.md");
    let start = doc
        .find("<!-- BEGIN issue example -->\n```json\n")
        .expect("docs/scenarios.md has the example block")
        + "<!-- BEGIN issue example -->\n```json\n".len();
    let end = doc[start..]
        .find("```\n<!-- END issue example -->")
        .expect("the example block ends")
        + start;
    doc[start..end].to_owned()
}

#[test]
fn the_documented_example_is_the_fixture_verbatim() {
    assert_eq!(documented_example(), read("src/scenario/example.json"));
}

/// A document that uses every key of the format.
const EVERY_KEY: &str = r#"{
  "$schema": "../docs/scenario.schema.json", "description": "every key", "seed": 18446744073709551615, "until": 60000,
  "epoch": 1780000000,
  "applications": {"AP0123456789abcdef0123456789abcdef01234567": {"alias": "line", "voiceUrl": "https://a.test/v",
    "voiceFallbackUrl": "https://a.test/f", "callConnectUrl": "https://a.test/c", "statusCallbackUrl": "https://a.test/s",
    "smsUrl": "https://a.test/m", "smsFallbackUrl": "https://a.test/mf"}},
  "account": {"type": "full", "verifiedNumbers": [], "signingSecret": "sigsec_x",
    "accountId": "AC0123456789abcdef0123456789abcdef01234567", "apiKey": "key"},
  "numbers": {"+15550100000": {"voiceUrl": "https://a.test/v", "voiceFallbackUrl": "https://a.test/f",
    "statusCallbackUrl": "https://a.test/s", "callConnectUrl": "http://a.test/c", "smsUrl": "https://a.test/m",
    "smsFallbackUrl": "https://a.test/mf", "alias": "main"},
    "+15550100002": {"applicationId": "AP0123456789abcdef0123456789abcdef01234567", "alias": "second"}},
  "phones": {
    "+15550000001": {"answer": "busy"}, "+15550000002": {"answer": "noAnswer"},
    "+15550000003": {"answer": "failed", "media": {"file": "a.wav"}},
    "+15550000004": {"answer": "manual", "media": {"silence": true}},
    "+15550000005": {"answer": {}, "media": {"speech": "hi"}, "says": "yes", "hangupAfterMs": 5000},
    "+15550000006": {"answer": {"afterMs": 10}, "media": {"talker": {"text": "blah", "talkMs": 1, "silenceMs": 2}}},
    "+15550000007": {"media": {"tone": 20000}}
  },
  "app": {
    "https://a.test/v": [{"Say": {"text": "{{from}}"}}, {"Hangup": {}}],
    "https://a.test/late": {"percl": [{"Hangup": {}}], "delayMs": 800},
    "https://a.test/raw": {"status": 503, "delayMs": 200, "body": "busy"},
    "https://a.test/empty": {}
  },
  "steps": [
    {"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}},
    {"at": 0, "answer": {"phone": "+15550000004"}},
    {"at": 1, "say": {"phone": "+15550000005", "text": "no"}},
    {"at": 2, "digits": {"phone": "+15550111111", "digits": "0123456789*#"}},
    {"at": 3, "api": {"method": "GET", "path": "/Calls", "query": {"status": "inProgress", "active": true, "n": 2}}},
    {"at": 3, "api": {"method": "POST", "path": "/Calls", "body": {"from": "+15550100000", "to": "+15550000001"}}},
    {"at": 4, "api": {"method": "DELETE", "path": "/Conferences/{{conference:a}}/Participants/{{call:+15550111111}}"}},
    {"at": 5, "api": {"method": "GET", "path": "/"}},
    {"at": 9, "hangup": {"phone": "+15550111111"}},
    {"at": 10, "set": {"account": {"type": "trial", "verifiedNumbers": ["+15550000001"]},
      "numbers": {"+15550100001": {"voiceUrl": "https://a.test/v"}, "+15550100000": null},
      "phones": {"+15550000001": {"answer": "busy", "media": {"tone": 880}}, "+15550000002": null},
      "app": {"https://a.test/v": [{"Hangup": {}}], "https://a.test/late": {"percl": [], "delayMs": 5},
        "https://a.test/raw": {"status": 500}, "https://a.test/empty": null}}}
  ]
}"#;

/// Documents both the schema and the reader must refuse (name, text).
fn broken() -> Vec<(&'static str, String)> {
    let ok: Value = serde_json::from_str(EVERY_KEY).unwrap();
    // Sets (or adds) the member at `pointer`.
    let with = |pointer: &str, value: Value| {
        let mut doc = ok.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let key = key.replace("~1", "/").replace("~0", "~");
        match doc.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.insert(key, value);
            }
            Some(Value::Array(items)) => items[key.parse::<usize>().unwrap()] = value,
            _ => panic!("{parent} in EVERY_KEY"),
        }
        doc.to_string()
    };
    let mut unknown_top = ok.clone();
    unknown_top["sead"] = json!(1);
    let mut unknown_phone_key = ok.clone();
    unknown_phone_key["phones"]["+15550000001"]["anwser"] = json!("busy");
    vec![
        ("not an object", "[]".into()),
        ("unknown top-level key", unknown_top.to_string()),
        ("unknown phone key", unknown_phone_key.to_string()),
        ("negative seed", with("/seed", json!(-1))),
        (
            "epoch after the year 9999",
            with("/epoch", json!(253_402_300_800u64)),
        ),
        ("bad application id", with("/applications/AP12", json!({}))),
        (
            "a number with an application and its own URL",
            with(
                "/numbers/+15550100002",
                json!({"applicationId": "AP0123456789abcdef0123456789abcdef01234567", "voiceUrl": "https://a.test/v"}),
            ),
        ),
        ("seed as a string", with("/seed", json!("7"))),
        ("account type", with("/account/type", json!("Trial"))),
        ("bad accountId", with("/account/accountId", json!("AC12"))),
        (
            "verified number not E.164",
            with("/account/verifiedNumbers", json!(["5550100"])),
        ),
        (
            "bad answer word",
            with("/phones/+15550000001/answer", json!("bussy")),
        ),
        (
            "answer as a number",
            with("/phones/+15550000001/answer", json!(1500)),
        ),
        (
            "two media kinds",
            with(
                "/phones/+15550000007/media",
                json!({"tone": 440, "silence": true}),
            ),
        ),
        (
            "tone out of range",
            with("/phones/+15550000007/media", json!({"tone": 0})),
        ),
        (
            "silence false",
            with("/phones/+15550000007/media", json!({"silence": false})),
        ),
        (
            "app response a string",
            with("/app/https:~1~1a.test~1v", json!("Hangup")),
        ),
        (
            "status out of range",
            with("/app/https:~1~1a.test~1raw/status", json!(99)),
        ),
        (
            "percl with status",
            with("/app/https:~1~1a.test~1late/status", json!(500)),
        ),
        (
            "step without at",
            with(
                "/steps/0",
                json!({"dial": {"from": "+15550111111", "to": "+15550100000"}}),
            ),
        ),
        (
            "step with two actions",
            with("/steps/8/answer", json!({"phone": "+15550111111"})),
        ),
        ("step without action", with("/steps/8", json!({"at": 9}))),
        (
            "dial without to",
            with("/steps/0/dial", json!({"from": "+15550111111"})),
        ),
        (
            "lowercase method",
            with("/steps/4/api/method", json!("get")),
        ),
        (
            "path without slash",
            with("/steps/4/api/path", json!("Calls")),
        ),
        (
            "path with the account",
            with("/steps/4/api/path", json!("/Accounts/AC1/Calls")),
        ),
        (
            "digits with letters",
            with("/steps/3/digits/digits", json!("12a")),
        ),
        (
            "phone not E.164",
            with("/steps/8/hangup/phone", json!("15550111111")),
        ),
        ("until fractional", with("/until", json!(1.5))),
        ("empty set", with("/steps/9/set", json!({}))),
        (
            "set with an unknown section",
            with("/steps/9/set/apps", json!({})),
        ),
        (
            "set changing the account id",
            with(
                "/steps/9/set/account/accountId",
                json!("AC0123456789abcdef0123456789abcdef01234567"),
            ),
        ),
        (
            "set changing the signing secret",
            with("/steps/9/set/account/signingSecret", json!("s")),
        ),
        (
            "set phone with a bad answer",
            with("/steps/9/set/phones/+15550000001/answer", json!("bussy")),
        ),
        (
            "set app URL not a URL",
            with("/steps/9/set/app/a.test", json!(null)),
        ),
        (
            "set number entry a string",
            with("/steps/9/set/numbers/+15550100001", json!("x")),
        ),
    ]
}

/// Runs jsonschema over `docs`; returns, for each, the validation error messages (empty when valid).
fn validate(docs: &[(String, String)]) -> Vec<Vec<String>> {
    let python = sdk::python(&[JSONSCHEMA]);
    let dir = root().join("target/scenario-schema-test");
    std::fs::create_dir_all(&dir).expect("create target/scenario-schema-test");
    let script = dir.join("validate.py");
    std::fs::write(
        &script,
        r#"import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
docs = json.load(sys.stdin)
out = [[e.message for e in validator.iter_errors(json.loads(text))] for _, text in docs]
print(json.dumps(out))
"#,
    )
    .expect("write the validator script");
    let input = serde_json::to_vec(docs).unwrap();
    let schema_path = root().join("docs/scenario.schema.json");
    let out = std::process::Command::new(&python)
        .arg(&script)
        .arg(&schema_path)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&input)?;
            child.wait_with_output()
        })
        .expect("run python");
    let stdout = sdk::expect_success(out, "validating scenarios with jsonschema");
    let results: Vec<Vec<String>> = serde_json::from_str(&stdout).expect("the script prints JSON");
    assert_eq!(results.len(), docs.len());
    results
}

/// The scenario files of the engine's golden tests.
fn fixtures() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests/scenarios"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|p| {
            let name = p.strip_prefix(root()).unwrap().display().to_string();
            (name, std::fs::read_to_string(p).expect("read a scenario"))
        })
        .collect()
}

#[test]
fn the_schema_accepts_valid_scenarios_and_rejects_broken_ones() {
    let mut valid = vec![
        (
            "the issue example".to_owned(),
            read("src/scenario/example.json"),
        ),
        ("every key".to_owned(), EVERY_KEY.to_owned()),
    ];
    valid.extend(fixtures());
    // The reader accepts them all too.
    for (name, text) in &valid {
        if let Err(e) = scenario::parse(text) {
            panic!("conflab refuses {name}:\n{e}");
        }
    }
    let broken: Vec<(String, String)> = broken()
        .into_iter()
        .map(|(n, t)| (n.to_owned(), t))
        .collect();
    for (name, text) in &broken {
        assert!(
            scenario::parse(text).is_err(),
            "conflab accepts the broken document \"{name}\""
        );
    }
    let all: Vec<(String, String)> = valid.iter().chain(&broken).cloned().collect();
    let results = validate(&all);
    for ((name, _), errors) in valid.iter().zip(&results) {
        assert!(errors.is_empty(), "the schema refuses {name}: {errors:#?}");
    }
    for ((name, _), errors) in broken.iter().zip(&results[valid.len()..]) {
        assert!(
            !errors.is_empty(),
            "the schema accepts the broken document \"{name}\""
        );
    }
}

#[test]
fn the_schema_and_the_reader_agree_on_the_top_level_keys() {
    let schema = schema();
    let in_schema: BTreeSet<&str> = schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    let in_reader: BTreeSet<&str> = scenario::SCENARIO_KEYS.iter().copied().collect();
    assert_eq!(in_schema, in_reader);
    assert_eq!(schema["additionalProperties"], json!(false));
    // And the reader really accepts each of them (with a value of the right type) and refuses one more.
    for key in &in_reader {
        let value = match *key {
            "$schema" | "description" => json!("x"),
            "seed" | "until" | "epoch" => json!(1),
            "steps" => json!([]),
            _ => json!({}),
        };
        let doc = json!({ *key: value }).to_string();
        assert!(scenario::parse(&doc).is_ok(), "{doc}");
    }
    assert!(scenario::parse(r#"{"extra": 1}"#).is_err());
}
