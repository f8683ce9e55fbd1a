//! Property tests of the scenario reader on mutated valid scenarios:
//!
//! * byte-level mutations (any bytes, not only UTF-8 or JSON): `parse_bytes` returns a scenario or a non-empty
//!   report, every error is inside the file with line:column matching its byte offset, errors are in file order,
//!   and the same input gives the same result;
//! * JSON-level mutations (a value replaced, a key removed or misspelt): every error's JSON pointer names a value
//!   that exists in the mutated document.

#![cfg(not(target_arch = "wasm32"))]

use conflab::scenario::{self, ScenarioErrors};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Valid scenarios to mutate: the issue's example and one with many keys and templates.
fn corpus() -> Vec<String> {
    vec![
        include_str!("../src/scenario/example.json").to_owned(),
        r#"{
  "seed": 3, "until": 20000,
  "account": {"type": "full", "apiKey": "k"},
  "numbers": {"+15550100000": {"voiceUrl": "https://a.test/in", "statusCallbackUrl": "https://a.test/s"}},
  "phones": {"+15550122222": {"answer": "manual", "media": {"talker": {"talkMs": 10}}, "says": "yes"},
             "+15550133333": {"answer": "busy"}},
  "app": {
    "https://a.test/in": [{"Say": {"text": "Hi {{from}}"}}, {"GetDigits": {"actionUrl": "https://a.test/d", "maxDigits": 2,
      "prompts": [{"Play": {"file": "https://a.test/p.wav"}}]}}],
    "https://a.test/d": {"percl": [{"OutDial": {"actionUrl": "https://a.test/o", "callConnectUrl": "https://a.test/c",
      "callingNumber": "{{to}}", "destination": "+15550122222"}}], "delayMs": 100},
    "https://a.test/c": [{"AddToConference": {"conferenceId": "{{conference:standup}}", "talk": false}}],
    "https://a.test/x": {"status": 502, "body": "bad gateway"}
  },
  "steps": [
    {"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}},
    {"at": 500, "digits": {"phone": "+15550111111", "digits": "42"}},
    {"at": 900, "answer": {"phone": "+15550122222"}},
    {"at": 1000, "api": {"method": "GET", "path": "/Calls/{{call:+15550122222}}", "query": {"active": true}}},
    {"at": 2000, "say": {"phone": "+15550122222", "text": "no"}},
    {"at": 3000, "hangup": {"phone": "+15550111111"}}
  ]
}"#
        .to_owned(),
    ]
}

/// Checks the invariants of a report against the bytes it is about.
fn check_report(bytes: &[u8], errors: &ScenarioErrors) -> Result<(), TestCaseError> {
    prop_assert!(!errors.errors.is_empty(), "an error report without errors");
    let mut last = 0;
    for e in &errors.errors {
        prop_assert!(e.start <= e.end && e.end <= bytes.len(), "{e}");
        prop_assert!(e.start >= last, "errors out of file order");
        last = e.start;
        let before = &bytes[..e.start];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&bytes[line_start..e.start])
            .chars()
            .count()
            + 1;
        prop_assert_eq!((e.line, e.column), (line, column), "{}", e);
        prop_assert!(!e.message().is_empty());
    }
    Ok(())
}

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Bytes that matter to JSON and to the format, plus any byte.
    let byte = prop_oneof![
        prop::sample::select(b"{}[]\",:0123456789+-.eE tfn\\/#*{}".to_vec()),
        any::<u8>(),
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Replace(i, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let n = bytes.len().max(1);
    match *edit {
        Edit::Delete(i) if !bytes.is_empty() => {
            bytes.remove(i % n);
        }
        Edit::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
        Edit::Replace(i, b) if !bytes.is_empty() => bytes[i % n] = b,
        Edit::Truncate(i) => bytes.truncate(i % (bytes.len() + 1)),
        _ => {}
    }
}

/// A JSON-level change at the `index`-th node (in pre-order) of a document.
#[derive(Clone, Debug)]
enum Change {
    Replace(usize, Value),
    RemoveKey(usize),
    MisspellKey(usize),
}

fn value() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!(null),
        json!(true),
        json!(-1),
        json!(1.5),
        json!(0),
        json!(1e300),
        json!(""),
        json!("x"),
        json!("+15550199999"),
        json!("{{"),
        json!("{{call:+15559999999}}"),
        json!("https://a.test/new"),
        json!([]),
        json!([{"Hangup": {}}]),
        json!({}),
        json!({"Say": {}}),
        json!({"at": 1}),
    ])
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (any::<usize>(), value()).prop_map(|(i, v)| Change::Replace(i, v)),
        any::<usize>().prop_map(Change::RemoveKey),
        any::<usize>().prop_map(Change::MisspellKey),
    ]
}

/// Visits nodes in pre-order; calls `f` on the `target`-th. Returns the number of nodes seen.
fn visit(v: &mut Value, target: usize, seen: &mut usize, f: &mut dyn FnMut(&mut Value)) {
    if *seen == target {
        f(v);
    }
    *seen += 1;
    match v {
        Value::Array(items) => {
            for item in items {
                visit(item, target, seen, f);
            }
        }
        Value::Object(map) => {
            for item in map.values_mut() {
                visit(item, target, seen, f);
            }
        }
        _ => {}
    }
}

fn apply_change(doc: &mut Value, change: &Change) {
    let mut count = 0;
    visit(doc, usize::MAX, &mut count, &mut |_| {});
    let index = match change {
        Change::Replace(i, _) | Change::RemoveKey(i) | Change::MisspellKey(i) => *i % count,
    };
    let mut seen = 0;
    visit(
        doc,
        index,
        &mut seen,
        &mut |v: &mut Value| match (change, v) {
            (Change::Replace(_, new), v) => *v = new.clone(),
            (Change::RemoveKey(_), Value::Object(map)) => {
                if let Some(k) = map.keys().next().cloned() {
                    map.remove(&k);
                }
            }
            (Change::MisspellKey(_), Value::Object(map)) => {
                if let Some(k) = map.keys().next_back().cloned()
                    && let Some(value) = map.remove(&k)
                {
                    map.insert(format!("{k}x"), value);
                }
            }
            _ => {}
        },
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn byte_mutations_give_a_scenario_or_a_placed_report(
        which in 0usize..2,
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let mut bytes = corpus()[which].clone().into_bytes();
        for e in &edits {
            apply(&mut bytes, e);
        }
        let first = scenario::parse_bytes(&bytes);
        if let Err(errors) = &first {
            check_report(&bytes, errors)?;
        }
        prop_assert_eq!(first, scenario::parse_bytes(&bytes), "not deterministic");
    }

    #[test]
    fn json_mutations_give_errors_whose_pointers_exist(
        which in 0usize..2,
        changes in prop::collection::vec(change(), 1..4),
    ) {
        let mut doc: Value = serde_json::from_str(&corpus()[which]).unwrap();
        for c in &changes {
            apply_change(&mut doc, c);
        }
        let text = serde_json::to_string_pretty(&doc).unwrap();
        if let Err(errors) = scenario::parse(&text) {
            check_report(text.as_bytes(), &errors)?;
            for e in &errors.errors {
                prop_assert!(doc.pointer(&e.pointer).is_some(), "{} does not name a value in\n{}", e, text);
            }
        }
    }
}

#[test]
fn the_corpus_is_valid() {
    for (i, text) in corpus().iter().enumerate() {
        if let Err(e) = scenario::parse(text) {
            panic!("corpus {i}:\n{e}");
        }
    }
}
