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
            match line.kind {
                "call" if line.get("callEndedReason").is_some() => {
                    *ended.entry(line.get("callId").unwrap().as_str().unwrap().to_owned()).or_default() += 1;
                }
                "webhook" if line.get("requestType") == Some(&Value::from("callStatus")) => {
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
