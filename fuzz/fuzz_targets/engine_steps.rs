//! Fuzz target: random step sequences on a small world (the page's default world: two numbers whose app makes
//! and joins a conference, four phones), decoded from the bytes, run to the end by the scenario runner.
//!
//! Each 4 bytes are one step: `[action, a, b, dt]`; the step happens `dt × 50 ms` after the previous one. It
//! asserts the runner's promises: `at` never decreases; every line is one JSON object starting with `at` and
//! `kind`; a streamed run (`stream_scenario`, what `conflab run` prints) gives exactly the collected log; a call
//! has at most one final status and nothing after it; a conference's membership lines are consistent (a call
//! joins once before it leaves, and leaves only after joining).

#![no_main]

use conflab::engine::log::LogLine;
use conflab::engine::runner::stream_scenario;
use conflab::engine::{MAX_CALLS_PER_INSTANT, run_scenario};
use conflab::scenario;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const PHONES: [&str; 4] = [
    "+15550111111",
    "+15550122222",
    "+15550133333",
    "+15550144444",
];
const NUMBERS: [&str; 2] = ["+15550100000", "+15550100001"];

/// The step `[action, a, b]` as scenario JSON (without `at`).
fn step(action: u8, a: u8, b: u8) -> String {
    let phone = PHONES[usize::from(a) % PHONES.len()];
    let number = NUMBERS[usize::from(b) % NUMBERS.len()];
    match action % 11 {
        0 | 1 => format!(r#""dial": {{"from": "{phone}", "to": "{number}"}}"#),
        2 => format!(r#""hangup": {{"phone": "{phone}"}}"#),
        3 => {
            let digits = ["1", "12#", "*", "9", "#"][usize::from(b) % 5];
            format!(r#""digits": {{"phone": "{phone}", "digits": "{digits}"}}"#)
        }
        4 => format!(r#""answer": {{"phone": "{phone}"}}"#),
        5 => format!(r#""say": {{"phone": "{phone}", "text": "hello"}}"#),
        6 => format!(
            r#""api": {{"method": "POST", "path": "/Calls", "body": {{"from": "{number}", "to": "{phone}", "callConnectUrl": "https://app.test/host"}}}}"#
        ),
        7 => {
            let status = ["terminated", "empty"][usize::from(b) % 2];
            format!(
                r#""api": {{"method": "POST", "path": "/Conferences/{{{{conference:demo}}}}", "body": {{"status": "{status}"}}}}"#
            )
        }
        8 => format!(
            r#""api": {{"method": "DELETE", "path": "/Conferences/{{{{conference:demo}}}}/Participants/{{{{call:{phone}}}}}"}}"#
        ),
        9 => format!(
            r#""api": {{"method": "POST", "path": "/Conferences/{{{{conference:demo}}}}/Participants/{{{{call:{phone}}}}}", "body": {{"talk": {}, "listen": {}}}}}"#,
            b % 2 == 0,
            b % 3 != 0
        ),
        _ => {
            // The host line's app changes: a menu that re-prompts, a hang-up, or the original join.
            let percl = [
                r#"[{"GetDigits": {"actionUrl": "https://app.test/host", "initialTimeoutMs": 2000, "maxDigits": 1}}]"#,
                r#"[{"Hangup": {}}]"#,
                r#"[{"AddToConference": {"conferenceId": "{{conference:demo}}", "startConfOnEnter": true}}]"#,
            ][usize::from(b) % 3];
            format!(r#""set": {{"app": {{"https://app.test/host": {percl}}}}}"#)
        }
    }
}

fn check(log: &[LogLine]) {
    let mut at = 0;
    let mut ended: BTreeSet<String> = BTreeSet::new();
    let mut members: BTreeMap<(String, String), bool> = BTreeMap::new();
    for line in log {
        assert!(line.at >= at, "time went back: {}", line.to_json());
        at = line.at;
        let json: Value = serde_json::from_str(&line.to_json()).expect("a line is JSON");
        assert_eq!(json["at"], Value::from(line.at));
        assert_eq!(json["kind"], Value::from(line.kind()));
        let call = json["callId"].as_str().unwrap_or_default().to_owned();
        match (line.kind(), json["change"].as_str()) {
            ("call", _) => {
                assert!(
                    !ended.contains(&call),
                    "a status after the end: {}",
                    line.to_json()
                );
                if json.get("callEndedReason").is_some() {
                    ended.insert(call);
                }
            }
            ("media", Some(change @ ("join" | "leave" | "privileges"))) => {
                let conf = json["conferenceId"].as_str().unwrap_or_default().to_owned();
                let inside = members.entry((conf, call)).or_insert(false);
                match change {
                    "join" => assert!(!*inside, "joined twice: {}", line.to_json()),
                    _ => assert!(*inside, "not a member: {}", line.to_json()),
                }
                *inside = change != "leave";
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut at: u64 = 0;
    let steps: Vec<String> = data
        .chunks_exact(4)
        .take(64)
        .map(|c| {
            at += u64::from(c[3]) * 50;
            format!("{{\"at\": {at}, {}}}", step(c[0], c[1], c[2]))
        })
        .collect();
    let world = conflab::sandbox::DEFAULT_WORLD;
    let text = world.replacen(
        "\"steps\": []",
        &format!("\"steps\": [{}]", steps.join(",")),
        1,
    );
    // Every step names a known phone and number, so the file always reads.
    let read = scenario::parse(&text).unwrap_or_else(|e| panic!("{text}\n{e}"));
    let until = Some(at + 60_000);
    let log = run_scenario(&read, until);
    check(&log);
    let mut streamed: Vec<String> = Vec::new();
    stream_scenario(read.clone(), until, &mut |_| {}, &mut |_, json| {
        streamed.push(json.to_owned());
        true
    });
    let collected: Vec<String> = log.iter().map(LogLine::to_json).collect();
    assert_eq!(streamed, collected, "streaming changed the log");
    let created = log
        .iter()
        .filter(|l| l.kind() == "call" && l.at == 0)
        .count();
    assert!(created <= 4 * MAX_CALLS_PER_INSTANT as usize);
});
