use super::*;
use crate::engine::log::to_jsonl;
use crate::engine::run_scenario;
use crate::sandbox::default_world;

const ISSUE: &str = include_str!("../scenario/example.json");

fn refusal(text: &str) -> Refusal {
    parse_request_in(text, &default_world()).expect_err("refused")
}

/// (pointer, line, column) of each problem.
fn places(r: &Refusal) -> Vec<(String, usize, usize)> {
    r.problems
        .iter()
        .map(|p| (p.pointer.clone(), p.line, p.column))
        .collect()
}

fn place(pointer: &str, column: usize) -> Vec<(String, usize, usize)> {
    vec![(pointer.to_owned(), 1, column)]
}

/// The message a parent page would send to load `scenario_text` (as `JSON.stringify` writes it: compact).
fn load_message(scenario_text: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(scenario_text).unwrap();
    format!("{{\"conflab\":\"load\",\"scenario\":{value}}}")
}

/// What a parent page holds after these replies, as the contract tells it to keep the log.
fn apply(parent: &mut Vec<String>, replies: &[Reply]) {
    for reply in replies {
        match reply {
            Reply::Log(line) => parent.push(line.clone()),
            Reply::Rewound { lines, .. } => parent.truncate(*lines),
            _ => {}
        }
    }
}

/// `conflab run FILE --until now` of the exported session, without the closing note a run adds.
fn replayed(exported: &str, now: u64) -> Vec<String> {
    let scenario = scenario::parse(exported).expect("the export reads back");
    let mut lines = run_scenario(&scenario, Some(now));
    if lines
        .last()
        .is_some_and(crate::engine::runner::is_closing_note)
    {
        lines.pop();
    }
    to_jsonl(&lines).lines().map(str::to_owned).collect()
}

fn send(sandbox: &mut Sandbox, text: &str) -> Vec<Reply> {
    match parse_request_in(text, sandbox.scenario()) {
        Ok(Some(request)) => handle(sandbox, request),
        Ok(None) => Vec::new(),
        Err(refusal) => vec![Reply::Error(refusal)],
    }
}

// ---- reading messages ----------------------------------------------------------------------------------------

#[test]
fn each_request_is_read() {
    let r = parse_request(&load_message(ISSUE)).unwrap().unwrap();
    assert_eq!(r, Request::Load(scenario::parse(ISSUE).unwrap()));
    let r = parse_request(r#"{"conflab":"step","step":{"hangup":{"phone":"+15550111111"}}}"#);
    assert_eq!(
        r.unwrap().unwrap(),
        Request::Step(Action::Hangup {
            phone: "+15550111111".into()
        })
    );
    let r = parse_request(r#"{"conflab":"advance","to":10000}"#);
    assert_eq!(r.unwrap().unwrap(), Request::Advance { to: 10_000 });
    assert_eq!(
        parse_request(r#"{"conflab":"export"}"#).unwrap().unwrap(),
        Request::Export
    );
}

#[test]
fn messages_for_someone_else_are_ignored() {
    for text in [
        "{}",
        r#"{"type":"resize","height":300}"#,
        r#""hello""#,
        "[1,2]",
        "null",
        "42",
    ] {
        assert_eq!(parse_request(text), Ok(None), "{text}");
    }
}

#[test]
fn the_documented_refusals_have_their_documented_places() {
    // docs/embed.md, "Errors": each example, with its pointer and column.
    let r = refusal(r#"{"conflab":"load","scenario":{"sead":1}}"#);
    assert_eq!(places(&r), place("/scenario/sead", 31));
    assert_eq!(
        r.problems[0].message,
        "the scenario has no key \"sead\" (did you mean \"seed\"?)"
    );
    assert_eq!(r.problems[0].fix.as_deref(), Some("rename it to \"seed\""));

    let r = refusal(r#"{"conflab":"step","step":{"hangup":{"phone":"+15550111112"}}}"#);
    assert_eq!(places(&r), place("/step/hangup/phone", 45));
    assert_eq!(
        r.problems[0].message,
        "the phone +15550111112 is not in \"phones\" and no \"dial\" step calls from it"
    );

    let r = refusal(r#"{"conflab":"pause"}"#);
    assert_eq!(places(&r), place("/conflab", 12));
}

#[test]
fn a_step_is_checked_against_the_sessions_world_only_with_one() {
    let unknown = r#"{"conflab":"step","step":{"hangup":{"phone":"+15550111112"}}}"#;
    assert!(
        parse_request(unknown).unwrap().is_some(),
        "no world: read alone"
    );
    // A phone that dialled in during the session is known: the exported file's dial step makes it so.
    let mut s = Sandbox::new(default_world());
    s.step(Action::Dial {
        from: "+15550199999".into(),
        to: "+15550100000".into(),
    })
    .unwrap();
    let text = r#"{"conflab":"step","step":{"hangup":{"phone":"+15550199999"}}}"#;
    assert!(parse_request_in(text, s.scenario()).unwrap().is_some());
    // A dial to a number that is not the account's.
    let r = refusal(
        r#"{"conflab":"step","step":{"dial":{"from":"+15550111111","to":"+15550109999"}}}"#,
    );
    assert_eq!(places(&r), place("/step/dial/to", 62));
}

#[test]
fn each_problem_of_a_step_has_its_place_in_the_message() {
    let r = refusal(r#"{"conflab":"step","step":{"dial":{"from":"123","to":"+15550100000"}}}"#);
    assert_eq!(places(&r), place("/step/dial/from", 42));
    let r = refusal(r#"{"conflab":"step","step":{"at":5,"hangup":{"phone":"+15550111111"}}}"#);
    assert_eq!(places(&r), place("/step/at", 27));
    let r = refusal(
        r#"{"conflab":"step","step":{"digits":{"phone":"+15550111111","digits":"1x"},"say":{}}}"#,
    );
    assert_eq!(
        places(&r),
        vec![("/step".to_owned(), 1, 26)],
        "two actions: one problem for the step"
    );
    let r = refusal(r#"{"conflab":"step","step":[]}"#);
    assert_eq!(places(&r), place("/step", 26));
    let r = refusal(r#"{"conflab":"step"}"#);
    assert_eq!(places(&r), place("", 1));
    assert!(r.problems[0].message.contains("\"step\""), "{r}");
}

#[test]
fn every_problem_of_a_scenario_is_listed() {
    let r = refusal(
        r#"{"conflab":"load","scenario":{"sead":1,"steps":[{"at":0,"hangup":{"phone":"1"}}]}}"#,
    );
    assert_eq!(
        places(&r),
        vec![
            ("/scenario/sead".to_owned(), 1, 31),
            ("/scenario/steps/0/hangup/phone".to_owned(), 1, 75),
        ]
    );
    assert!(r.message.contains("2 problems"), "{}", r.message);
    let r = refusal(r#"{"conflab":"load","scenario":[]}"#);
    assert_eq!(places(&r), place("/scenario", 30));
    let r = refusal(r#"{"conflab":"load"}"#);
    assert_eq!(places(&r), place("", 1));
}

#[test]
fn advance_wants_whole_milliseconds() {
    for (text, column) in [
        (r#"{"conflab":"advance","to":-5}"#, 27),
        (r#"{"conflab":"advance","to":1.5}"#, 27),
        (r#"{"conflab":"advance","to":1e3}"#, 27),
        (r#"{"conflab":"advance","to":"10"}"#, 27),
        (r#"{"conflab":"advance","to":null}"#, 27),
    ] {
        let r = refusal(text);
        assert_eq!(places(&r), place("/to", column), "{text}");
        assert!(
            r.problems[0]
                .message
                .contains("whole number of milliseconds"),
            "{text}: {r}"
        );
    }
    let r = refusal(r#"{"conflab":"advance"}"#);
    assert_eq!(places(&r), place("", 1));
    assert_eq!(r.problems[0].fix.as_deref(), Some("add \"to\""));
}

#[test]
fn unknown_and_misspelt_keys_and_requests_are_refused_with_a_fix() {
    let r = refusal(r#"{"conflab":"advance","too":5}"#);
    assert_eq!(
        places(&r),
        vec![(String::new(), 1, 1), ("/too".to_owned(), 1, 22)],
        "in the order of the text: the message without \"to\" starts at 1"
    );
    assert_eq!(r.problems[1].fix.as_deref(), Some("rename it to \"to\""));
    let r = refusal(r#"{"conflab":"export","conflab":"export"}"#);
    assert_eq!(places(&r), place("/conflab", 21));
    let r = refusal(r#"{"conflab":"lod"}"#);
    assert_eq!(r.problems[0].fix.as_deref(), Some("write \"load\""));
    let r = refusal(r#"{"conflab":1}"#);
    assert_eq!(places(&r), place("/conflab", 12));
    // What the page sends is not a request.
    let r = refusal(r#"{"conflab":"ready"}"#);
    assert_eq!(places(&r), place("/conflab", 12));
}

#[test]
fn text_that_is_not_json_is_refused_at_its_place() {
    let r = refusal(r#"{"conflab":"load","scenario":{"seed":}}"#);
    assert_eq!(places(&r), place("/scenario/seed", 38));
}

// ---- handling --------------------------------------------------------------------------------------------------

#[test]
fn replies_are_the_documented_messages() {
    assert_eq!(Reply::Ready.to_json(), r#"{"conflab":"ready"}"#);
    assert_eq!(Reply::Loaded.to_json(), r#"{"conflab":"loaded"}"#);
    assert_eq!(
        Reply::Advanced { now: 7 }.to_json(),
        r#"{"conflab":"advanced","now":7}"#
    );
    assert_eq!(
        Reply::Rewound { now: 5, lines: 3 }.to_json(),
        r#"{"conflab":"rewound","now":5,"lines":3}"#
    );
    let r = refusal(r#"{"conflab":"pause"}"#);
    let v: serde_json::Value = serde_json::from_str(&Reply::Error(r).to_json()).unwrap();
    assert_eq!(v["conflab"], "error");
    assert_eq!(v["problems"][0]["pointer"], "/conflab");
    assert_eq!(v["problems"][0]["line"], 1);
    assert_eq!(v["problems"][0]["column"], 12);
    assert!(v["message"].as_str().unwrap().contains("pause"));
}

#[test]
fn load_step_advance_export_answer_in_order() {
    let mut s = Sandbox::new(default_world());
    let replies = send(&mut s, &load_message(ISSUE));
    assert_eq!(replies[0], Reply::Rewound { now: 0, lines: 0 });
    assert_eq!(replies.last(), Some(&Reply::Loaded));
    let lines_at_0 = replies.len() - 2;
    assert!(lines_at_0 > 0, "the issue example dials at 0");
    assert!(
        replies[1..=lines_at_0]
            .iter()
            .all(|r| matches!(r, Reply::Log(_)))
    );
    // Each posted line is the line `conflab run` prints, verbatim.
    let logged: Vec<String> = s.log().iter().map(|l| l.to_json()).collect();
    assert_eq!(
        replies[1..=lines_at_0],
        logged.iter().cloned().map(Reply::Log).collect::<Vec<_>>()
    );
    let v: serde_json::Value = serde_json::from_str(&replies[1].to_json()).unwrap();
    assert_eq!(v["conflab"], "log");
    assert_eq!(
        format!("{{\"conflab\":\"log\",\"line\":{}}}", logged[0]),
        replies[1].to_json()
    );

    let replies = send(&mut s, r#"{"conflab":"advance","to":2000}"#);
    assert_eq!(replies.last(), Some(&Reply::Advanced { now: 2000 }));
    assert!(
        replies[..replies.len() - 1]
            .iter()
            .all(|r| matches!(r, Reply::Log(_)))
    );

    let before = s.log().len();
    let replies = send(
        &mut s,
        r#"{"conflab":"step","step":{"digits":{"phone":"+15550111111","digits":"5"}}}"#,
    );
    assert!(
        replies.iter().all(|r| matches!(r, Reply::Log(_))),
        "no answer to a step: {replies:?}"
    );
    assert_eq!(replies.len(), s.log().len() - before);

    let replies = send(&mut s, r#"{"conflab":"export"}"#);
    let [Reply::Scenario(text)] = replies.as_slice() else {
        panic!("{replies:?}")
    };
    assert_eq!(*text, s.export());
    let v: serde_json::Value = serde_json::from_str(&replies[0].to_json()).unwrap();
    assert_eq!(v["conflab"], "scenario");
    assert_eq!(v["scenario"]["seed"], 7);
    // Written in time order among the loaded steps, at the time it was applied.
    assert!(
        v["scenario"]["steps"].as_array().unwrap().contains(
            &serde_json::json!({"at": 2000, "digits": {"phone": "+15550111111", "digits": "5"}})
        ),
        "{v}"
    );
}

#[test]
fn a_refused_message_changes_nothing() {
    let mut s = Sandbox::new(default_world());
    send(&mut s, &load_message(ISSUE));
    send(&mut s, r#"{"conflab":"advance","to":1000}"#);
    let (log, export, now, generation) = (to_jsonl(s.log()), s.export(), s.now(), s.generation());
    for text in [
        r#"{"conflab":"step","step":{"hangup":{"phone":"+15550111112"}}}"#,
        r#"{"conflab":"step","step":{"dial":{"from":"+15550111111"}}}"#,
        r#"{"conflab":"load","scenario":{"sead":1}}"#,
        r#"{"conflab":"advance","to":-1}"#,
        r#"{"conflab":"pause"}"#,
    ] {
        let replies = send(&mut s, text);
        assert!(
            matches!(replies.as_slice(), [Reply::Error(_)]),
            "{text}: {replies:?}"
        );
        assert_eq!(
            (to_jsonl(s.log()), s.export(), s.now(), s.generation()),
            (log.clone(), export.clone(), now, generation),
            "{text}"
        );
    }
}

#[test]
fn the_posted_log_is_the_native_run_of_the_export_byte_for_byte() {
    let mut s = Sandbox::new(default_world());
    let mut parent = Vec::new();
    for text in [
        load_message(ISSUE),
        r#"{"conflab":"advance","to":1200}"#.to_owned(),
        r#"{"conflab":"step","step":{"digits":{"phone":"+15550111111","digits":"1"}}}"#.to_owned(),
        r#"{"conflab":"advance","to":6000}"#.to_owned(),
        // Back in time: the parent drops what is after the rewind, and the steps fire again.
        r#"{"conflab":"advance","to":2500}"#.to_owned(),
        r#"{"conflab":"step","step":{"dial":{"from":"+15550133333","to":"+15550100000"}}}"#
            .to_owned(),
        r#"{"conflab":"advance","to":12000}"#.to_owned(),
    ] {
        let replies = send(&mut s, &text);
        assert!(
            !replies.iter().any(|r| matches!(r, Reply::Error(_))),
            "{text}: {replies:?}"
        );
        apply(&mut parent, &replies);
        let Some(Reply::Scenario(exported)) = send(&mut s, r#"{"conflab":"export"}"#).pop() else {
            panic!("no export")
        };
        assert_eq!(parent, replayed(&exported, s.now()), "after {text}");
    }
    assert!(
        parent.len() > 20,
        "the session did something: {}",
        parent.len()
    );
}

#[test]
fn going_back_keeps_the_lines_up_to_the_new_time() {
    let mut s = Sandbox::new(default_world());
    send(&mut s, &load_message(ISSUE));
    send(&mut s, r#"{"conflab":"advance","to":10000}"#);
    let kept = s.log().iter().filter(|l| l.at <= 3000).count();
    let replies = send(&mut s, r#"{"conflab":"advance","to":3000}"#);
    assert_eq!(
        replies,
        [
            Reply::Rewound {
                now: 3000,
                lines: kept
            },
            Reply::Advanced { now: 3000 }
        ]
    );
}

#[test]
fn a_cursor_posts_the_pages_own_changes_once() {
    let mut s = Sandbox::new(default_world());
    let mut cursor = Cursor::new(&s);
    let mut parent = Vec::new();
    // The page's controls change the sandbox directly; the cursor posts what is new, then nothing more.
    s.step(Action::Dial {
        from: "+15550111111".into(),
        to: "+15550100000".into(),
    })
    .unwrap();
    s.advance(4000);
    apply(&mut parent, &cursor.drain(&s));
    assert!(!parent.is_empty());
    assert!(cursor.drain(&s).is_empty(), "no duplicates");
    // A message through the same cursor posts only its own lines.
    let request = parse_request_in(r#"{"conflab":"advance","to":9000}"#, s.scenario())
        .unwrap()
        .unwrap();
    apply(&mut parent, &cursor.handle(&mut s, request));
    assert!(cursor.drain(&s).is_empty());
    // The page loads an example: one rewound, then the new log.
    s.load(scenario::parse(ISSUE).unwrap());
    let replies = cursor.drain(&s);
    assert_eq!(replies[0], Reply::Rewound { now: 0, lines: 0 });
    apply(&mut parent, &replies);
    assert_eq!(parent, replayed(&s.export(), s.now()));
    assert_eq!(cursor.posted(), parent.len());
}
