use super::*;
use crate::engine::log::{Entry, to_jsonl};
use crate::engine::run_scenario;
use crate::scenario::{self, ApiRequest, Method};
use proptest::prelude::*;

fn world() -> Scenario {
    scenario::parse(DEFAULT_WORLD).expect("the default world parses")
}

/// The log `conflab run --until T` prints for the sandbox's scenario, without the closing note a run adds when
/// nothing is pending.
fn replayed(sandbox: &Sandbox) -> String {
    // Through the file form, as `conflab run FILE --until T` reads it.
    let exported = scenario::parse(&sandbox.export()).expect("the export reads back");
    let mut lines = run_scenario(&exported, Some(sandbox.now()));
    if lines
        .last()
        .is_some_and(crate::engine::runner::is_closing_note)
    {
        lines.pop();
    }
    to_jsonl(&lines)
}

fn dial(from: &str, to: &str) -> Action {
    Action::Dial {
        from: from.into(),
        to: to.into(),
    }
}

fn hangup(phone: &str) -> Action {
    Action::Hangup {
        phone: phone.into(),
    }
}

fn conference_statuses(s: &Sandbox) -> Vec<&'static str> {
    s.log()
        .iter()
        .filter_map(|l| match &l.entry {
            Entry::Conference { status, .. } => Some(status.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_default_world_walks_the_conference_lifecycle() {
    let mut s = Sandbox::new(world());
    assert_eq!(s.now(), 0);
    assert!(
        s.log().is_empty(),
        "nothing happens in the default world by itself"
    );
    s.step(dial("+15550111111", "+15550100000")).unwrap();
    s.advance(5_000);
    assert_eq!(conference_statuses(&s), ["empty", "populated"]);
    s.step(dial("+15550122222", "+15550100001")).unwrap();
    s.advance(10_000);
    assert_eq!(
        conference_statuses(&s),
        ["empty", "populated", "inProgress"]
    );
    let conference = s.engine().conference_by_alias("demo").unwrap();
    s.step(Action::Api(ApiRequest {
        method: Method::Post,
        path: format!("/Conferences/{conference}"),
        query: Vec::new(),
        body: Some(serde_json::json!({"status": "terminated"})),
    }))
    .unwrap();
    assert_eq!(
        conference_statuses(&s),
        ["empty", "populated", "inProgress", "empty", "terminated"]
    );
    assert_eq!(replayed(&s), to_jsonl(s.log()));
}

#[test]
fn a_step_is_written_at_the_current_time_after_the_steps_already_there() {
    let mut s = Sandbox::new(world());
    s.advance(2_500);
    s.step(dial("+15550111111", "+15550100000")).unwrap();
    let steps = &s.scenario().steps;
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].at, 2_500);
    assert_eq!(steps[0].pointer, "/steps/0");
    assert!(s.log().iter().all(|l| l.at == 2_500));
    assert!(!s.log().is_empty());
}

#[test]
fn going_back_replays_to_exactly_the_past_and_keeps_the_later_steps() {
    let mut s = Sandbox::new(world());
    s.step(dial("+15550111111", "+15550100000")).unwrap();
    s.advance(4_000);
    let at_4s = to_jsonl(s.log());
    s.advance(6_000);
    s.step(hangup("+15550111111")).unwrap();
    s.advance(9_000);
    let generation = s.generation();
    s.advance(4_000);
    assert_eq!(s.generation(), generation + 1);
    assert_eq!(to_jsonl(s.log()), at_4s);
    assert_eq!(s.scenario().steps.len(), 2, "the hangup stays for later");
    s.advance(9_000);
    assert_eq!(replayed(&s), to_jsonl(s.log()));
    assert!(
        s.log()
            .iter()
            .any(|l| matches!(&l.entry, Entry::Call { status, .. } if status.is_final()))
    );
}

#[test]
fn load_replaces_the_session_and_runs_what_is_due_at_zero() {
    let mut s = Sandbox::new(world());
    s.step(dial("+15550111111", "+15550100000")).unwrap();
    let mut other = world();
    other.steps.push(scenario::Step {
        at: 0,
        action: dial("+15550122222", "+15550100000"),
        pointer: "/steps/0".into(),
    });
    let generation = s.generation();
    s.load(other);
    assert_eq!(s.generation(), generation + 1);
    assert_eq!(s.now(), 0);
    assert_eq!(s.scenario().steps.len(), 1);
    assert!(!s.log().is_empty(), "the dial at 0 ran");
    assert_eq!(replayed(&s), to_jsonl(s.log()));
}

#[test]
fn next_event_at_names_the_next_thing_due() {
    let mut s = Sandbox::new(world());
    assert_eq!(s.next_event_at(), None);
    s.step(dial("+15550111111", "+15550100000")).unwrap();
    // The Say of the welcome takes time; its end is the next thing due.
    let next = s.next_event_at().expect("the welcome prompt ends later");
    assert!(next > 0);
    s.advance(next);
    assert!(s.log().last().unwrap().at == next);
}

#[test]
fn the_timeline_keeps_the_known_future_while_the_clock_is_in_the_past() {
    let mut s = Sandbox::new(world());
    s.step(dial("+15550111111", "+15550100000")).unwrap();
    s.advance(3_000);
    s.step(dial("+15550122222", "+15550100001")).unwrap();
    s.advance(20_000);
    let whole = to_jsonl(s.log());
    s.advance(2_500);
    assert_eq!(s.horizon(), 20_000);
    let timeline: Vec<LogLine> = s.timeline().cloned().collect();
    assert_eq!(to_jsonl(&timeline), whole);
    assert!(s.log().iter().all(|l| l.at <= 2_500));
    // Forwards part of the way, then back again: still the same whole.
    s.advance(9_000);
    s.advance(1_000);
    let timeline: Vec<LogLine> = s.timeline().cloned().collect();
    assert_eq!(to_jsonl(&timeline), whole);
    assert_eq!(s.previous_event_at(), Some(0));
    // The second dial is written for later; forking drops it and the known future.
    assert_eq!(s.later_steps(), 1);
    assert_eq!(s.fork(), 1);
    assert_eq!(s.later_steps(), 0);
    assert_eq!(s.horizon(), 1_000);
    assert_eq!(s.timeline().count(), s.log().len());
    assert_eq!(s.scenario().steps.len(), 1);
    assert_eq!(replayed(&s), to_jsonl(s.log()));
}

#[test]
fn a_step_that_would_make_the_file_unreadable_is_refused_and_changes_nothing() {
    let mut s = Sandbox::new(world());
    s.step(dial("+15550111111", "+15550100000")).unwrap();
    let before = (s.export(), to_jsonl(s.log()));
    let e = s.step(hangup("+15550999999")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("the step does not fit this session: /hangup/phone: "),
        "{e}"
    );
    let e = s.step(dial("+15550111111", "+15550177777")).unwrap_err();
    assert!(e.to_string().contains("/dial/to"), "{e}");
    assert_eq!((s.export(), to_jsonl(s.log())), before);
    // A phone that is not in the world may dial in, and afterwards hang up.
    s.step(dial("+15550166666", "+15550100000")).unwrap();
    s.step(hangup("+15550166666")).unwrap();
    assert_eq!(replayed(&s), to_jsonl(s.log()));
}

#[test]
fn a_step_in_the_past_forgets_the_known_future() {
    let mut s = Sandbox::new(world());
    s.step(dial("+15550111111", "+15550100000")).unwrap();
    s.advance(10_000);
    s.advance(1_000);
    assert_eq!(s.horizon(), 10_000);
    s.step(hangup("+15550111111")).unwrap();
    assert_eq!(s.horizon(), 1_000);
    assert_eq!(s.timeline().count(), s.log().len());
}

#[test]
fn previous_event_at_steps_back_line_by_line() {
    let mut s = Sandbox::new(world());
    assert_eq!(s.previous_event_at(), None);
    s.step(dial("+15550111111", "+15550100000")).unwrap();
    s.advance(5_000);
    let back = s.previous_event_at().unwrap();
    assert!(back < 5_000);
    assert!(s.log().iter().any(|l| l.at == back));
    s.advance(back);
    assert!(s.previous_event_at().is_none_or(|t| t < back));
}

/// A `set` step as the page sends it (read alone, so its PerCL pointers are relative to the step).
fn set(change: &str) -> Action {
    scenario::parse_step(&format!(r#"{{"set": {change}}}"#)).expect("a valid set step")
}

/// The default world's inbound answer, and two others: one that hangs up, one whose template cannot resolve
/// (its error names the PerCL's pointer, which must be the exported file's).
const INBOUND_ANSWERS: [&str; 3] = [
    r#"{"app": {"https://app.test/inbound": [{"Say": {"text": "Welcome to the conflab demo"}}, {"CreateConference": {"alias": "demo", "playBeep": "always", "actionUrl": "https://app.test/conference-created", "statusCallbackUrl": "https://app.test/conference-status"}}]}}"#,
    r#"{"app": {"https://app.test/inbound": [{"Say": {"text": "We are closed, {{from}}"}}, {"Hangup": {}}]}}"#,
    r#"{"app": {"https://app.test/inbound": {"percl": [{"Say": {"text": "{{nothing}}"}}], "delayMs": 300}}}"#,
];

#[test]
fn a_set_step_taken_live_changes_what_follows_and_replays() {
    let mut s = Sandbox::new(world());
    s.step(dial("+15550111111", "+15550100000")).unwrap();
    s.advance(3_000);
    s.step(set(INBOUND_ANSWERS[1])).unwrap();
    s.step(set(
        r#"{"numbers": {"+15550100009": {"voiceUrl": "https://app.test/inbound"}}, "phones": {"+15550144444": {"answer": "busy"}}}"#,
    ))
    .unwrap();
    s.step(dial("+15550122222", "+15550100009")).unwrap();
    s.advance(6_000);
    s.step(set(INBOUND_ANSWERS[2])).unwrap();
    s.step(dial("+15550133333", "+15550100000")).unwrap();
    s.advance(8_000);
    let says: Vec<String> = s
        .log()
        .iter()
        .filter_map(|l| match &l.entry {
            Entry::Media(m) => serde_json::to_value(m).ok()?["text"]
                .as_str()
                .map(str::to_owned),
            _ => None,
        })
        .collect();
    assert_eq!(
        says,
        ["Welcome to the conflab demo", "We are closed, +15550122222"]
    );
    assert_eq!(
        s.log().iter().filter(|l| l.kind() == "world").count(),
        3,
        "one world line per set step"
    );
    let error = s
        .log()
        .iter()
        .find_map(|l| match &l.entry {
            Entry::Error { message, .. } => Some(message.clone()),
            _ => None,
        })
        .expect("the unresolvable template is logged");
    assert!(
        error.contains("the template at /steps/4/set/app/https:~1~1app.test~1inbound/percl/0/Say/text does not resolve"),
        "{error}"
    );
    // The world the session was loaded with is untouched: the changes are steps.
    assert_eq!(s.scenario().app, world().app);
    assert_eq!(replayed(&s), to_jsonl(s.log()));
    // Back before the changes, the original app answers again; forwards, they apply again.
    s.advance(1_000);
    assert_eq!(replayed(&s), to_jsonl(s.log()));
    s.advance(8_000);
    assert_eq!(replayed(&s), to_jsonl(s.log()));
}

/// What a learner or a parent page can do, on the default world.
#[derive(Clone, Debug)]
enum Move {
    Act(Action),
    Forward(u64),
    Back(u64),
}

fn phone() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+15550111111".to_owned()),
        Just("+15550122222".to_owned()),
        Just("+15550133333".to_owned()),
        Just("+15550144444".to_owned()),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    let number = prop_oneof![
        Just("+15550100000".to_owned()),
        Just("+15550100001".to_owned()),
        // Only while a `set` has added it.
        Just("+15550100002".to_owned())
    ];
    let api = |method, path: &str, body: Option<serde_json::Value>| {
        Action::Api(ApiRequest {
            method,
            path: path.to_owned(),
            query: Vec::new(),
            body,
        })
    };
    prop_oneof![
        4 => (phone(), number).prop_map(|(from, to)| Action::Dial { from, to }),
        2 => phone().prop_map(|phone| Action::Hangup { phone }),
        1 => phone().prop_map(|phone| Action::Answer { phone }),
        1 => (phone(), "[0-9#*]{1,3}").prop_map(|(phone, digits)| Action::Digits { phone, digits }),
        1 => Just(api(Method::Post, "/Conferences", Some(serde_json::json!({"alias": "demo"})))),
        1 => Just(api(
            Method::Post,
            "/Conferences/{{conference:demo}}",
            Some(serde_json::json!({"status": "terminated"}))
        )),
        1 => Just(api(Method::Get, "/Calls", None)),
        1 => (phone(), "[0-9#*]{1,3}").prop_map(|(phone, digits)| Action::Say { phone, text: digits }),
        // The world editor: the inbound URL's answer swapped, a number added or removed, a phone's answer and
        // voice, the account's type.
        2 => prop::sample::select(INBOUND_ANSWERS.to_vec()).prop_map(set),
        1 => prop::sample::select(vec![
            r#"{"numbers": {"+15550100002": {"voiceUrl": "https://app.test/inbound", "statusCallbackUrl": "https://app.test/call-status"}}}"#,
            r#"{"numbers": {"+15550100002": null}}"#,
            r#"{"phones": {"+15550144444": {"answer": "busy", "media": {"tone": 880}}}}"#,
            r#"{"phones": {"+15550144444": null, "+15550111111": {"says": "goodbye"}}}"#,
            r#"{"account": {"type": "trial", "verifiedNumbers": ["+15550111111"]}}"#,
            r#"{"account": {"type": "full"}}"#,
        ])
        .prop_map(set),
    ]
}

fn moves() -> impl Strategy<Value = Vec<Move>> {
    prop::collection::vec(
        prop_oneof![
            5 => action().prop_map(Move::Act),
            4 => (0u64..15_000).prop_map(Move::Forward),
            1 => (0u64..=100).prop_map(Move::Back),
        ],
        1..30,
    )
}

/// Whether a `set` step of the session adds `+15550100002`.
fn adds_extra_number(s: &Sandbox) -> bool {
    s.scenario().steps.iter().any(|step| {
        matches!(&step.action, Action::Set(change)
            if matches!(change.numbers.get("+15550100002"), Some(Some(_))))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The invariant: whatever was done, in whatever order, with the clock going back and forth, the session run
    /// as a scenario up to its current time gives its log byte for byte.
    #[test]
    fn the_session_replays_to_the_same_log(moves in moves()) {
        let mut s = Sandbox::new(world());
        for m in moves {
            match m {
                // A file may dial only a number the account has or a `set` adds (the reader checks it); the
                // session may dial any, so a dial to the extra number waits until a `set` has added it.
                Move::Act(Action::Dial { to, .. }) if to == "+15550100002" && !adds_extra_number(&s) => {}
                Move::Act(a) => s.step(a).unwrap(),
                Move::Forward(ms) => s.advance(s.now() + ms),
                Move::Back(percent) => s.advance(s.now() * percent / 100),
            }
            prop_assert_eq!(replayed(&s), to_jsonl(s.log()));
            // The timeline is the session run to its horizon.
            let mut whole = Sandbox::new(s.scenario().clone());
            whole.advance(s.horizon());
            let timeline: Vec<LogLine> = s.timeline().cloned().collect();
            prop_assert_eq!(to_jsonl(&timeline), to_jsonl(whole.log()));
        }
    }
}
