//! The engine's safety valves: an app that loops without taking time, and one that loops forever on the clock,
//! both stop with a note instead of running for ever.

use conflab::engine::{log::LogLine, run_scenario};
use serde_json::Value;

fn run(json: &str, until: Option<u64>) -> Vec<LogLine> {
    let scenario = conflab::scenario::parse(json).unwrap_or_else(|e| panic!("{}", e.render("")));
    run_scenario(&scenario, until)
}

fn text(line: &LogLine) -> String {
    line.get("text")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[test]
fn an_app_that_loops_at_one_instant_ends_the_call() {
    let lines = run(
        r#"{"numbers": {"+15550100000": {"voiceUrl": "https://app.test/again", "statusCallbackUrl": "https://app.test/calls"}},
            "app": {"https://app.test/again": [{"Enqueue": {"actionUrl": "https://app.test/again",
                     "queueId": "QU0000000000000000000000000000000000000002", "waitUrl": "https://app.test/wait"}}]},
            "steps": [{"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#,
        None,
    );
    let ended: Vec<&LogLine> = lines
        .iter()
        .filter(|l| l.kind() == "call" && l.get("callEndedReason").is_some())
        .collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(
        ended[0].get("callEndedReason"),
        Some(Value::from("perclProcessingError"))
    );
    assert!(
        lines
            .iter()
            .any(|l| text(l).contains("more than 1000 PerCL fetches"))
    );
    let fetches = lines
        .iter()
        .filter(|l| l.get("requestType") == Some(Value::from("dequeue")))
        .count();
    assert_eq!(
        fetches, 999,
        "the inbound fetch plus 999 dequeues make 1000"
    );
    assert!(lines.iter().all(|l| l.at == 0));
}

#[test]
fn an_app_that_reprompts_for_ever_stops_after_an_hour_of_virtual_time() {
    let lines = run(
        r#"{"numbers": {"+15550100000": {"voiceUrl": "https://app.test/menu"}},
            "app": {"https://app.test/menu": [{"GetDigits": {"actionUrl": "https://app.test/menu", "initialTimeoutMs": 60000}}]},
            "steps": [{"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#,
        None,
    );
    let last = lines.last().unwrap();
    assert_eq!(last.kind(), "note");
    assert_eq!(last.at, 3_600_000);
    assert!(
        text(last).contains("stopped after 3600000 ms"),
        "{}",
        text(last)
    );
    // One getDigits per minute: 60 in the hour.
    let timeouts = lines
        .iter()
        .filter(|l| l.get("requestType") == Some(Value::from("getDigits")))
        .count();
    assert_eq!(timeouts, 60);
}

#[test]
fn until_stops_without_a_note() {
    let lines = run(
        r#"{"numbers": {"+15550100000": {"voiceUrl": "https://app.test/menu"}},
            "app": {"https://app.test/menu": [{"GetDigits": {"actionUrl": "https://app.test/menu", "initialTimeoutMs": 60000}}]},
            "steps": [{"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#,
        Some(120_000),
    );
    assert!(lines.iter().all(|l| l.at <= 120_000 && l.kind() != "note"));
    let timeouts = lines
        .iter()
        .filter(|l| l.get("requestType") == Some(Value::from("getDigits")))
        .count();
    assert_eq!(timeouts, 2);
}

#[test]
fn a_run_that_drains_names_the_calls_still_up() {
    let lines = run(
        r#"{"numbers": {"+15550100000": {"voiceUrl": "https://app.test/park"}},
            "app": {"https://app.test/park": [{"Park": {"waitUrl": "https://app.test/wait", "actionUrl": "https://app.test/back"}}]},
            "steps": [{"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#,
        None,
    );
    let last = lines.last().unwrap();
    assert_eq!(last.kind(), "note");
    assert!(
        text(last).starts_with("the run ends with nothing pending; still up: CA"),
        "{}",
        text(last)
    );
    assert!(
        text(last).ends_with("(+15550111111, inProgress)"),
        "{}",
        text(last)
    );
}
