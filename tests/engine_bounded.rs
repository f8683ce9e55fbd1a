//! Bounded resources (issue 13): a log linear in events, runaway apps stopped by budgets that say so (in a child
//! `conflab run` under a memory limit, its output written as it happens and bounded), checked virtual time, and
//! the messages of finding 8.

#![cfg(not(target_arch = "wasm32"))]

use conflab::engine::log::{LogLine, to_jsonl};
use conflab::engine::run_scenario;
use conflab::engine::runner::{LogBudget, MAX_LOG_BYTES, Progress, Run};
use serde_json::Value;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};

fn run(json: &str, until: Option<u64>) -> Vec<LogLine> {
    let scenario = conflab::scenario::parse(json).unwrap_or_else(|e| panic!("{}", e.render("")));
    run_scenario(&scenario, until)
}

fn text(line: &LogLine) -> String {
    line.get("text")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A scenario where `n` phones dial in, one every 100 ms, and join one conference (with the beep on).
fn joins(n: usize) -> String {
    let steps: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"at": {}, "dial": {{"from": "+1555{:07}", "to": "+15550100000"}}}}"#,
                100 + 100 * i,
                2_000_000 + i
            )
        })
        .collect();
    format!(
        r#"{{"numbers": {{"+15550100000": {{"voiceUrl": "https://app.test/in"}}}},
            "app": {{"https://app.test/in": [{{"AddToConference": {{"conferenceId": "{{{{conference:room}}}}"}}}}]}},
            "steps": [{{"at": 0, "api": {{"method": "POST", "path": "/Conferences", "body": {{"alias": "room", "playBeep": "always", "statusCallbackUrl": "https://app.test/status"}}}}}},
                      {}]}}"#,
        steps.join(",\n")
    )
}

#[test]
fn the_log_grows_linearly_with_the_participants() {
    let bytes = |n: usize| {
        let log = run(&joins(n), None);
        let joined = log
            .iter()
            .filter(|l| l.get("change") == Some(Value::from("join")))
            .count();
        assert_eq!(joined, n, "every caller joins");
        to_jsonl(&log).len() as f64
    };
    let (small, large) = (bytes(1000), bytes(2000));
    let ratio = large / small;
    eprintln!("log bytes: 1,000 joins {small}, 2,000 joins {large}, ratio {ratio:.3}");
    assert!(
        ratio < 2.2,
        "2,000 joins write {ratio:.3}× the bytes of 1,000 (quadratic growth)"
    );
}

#[test]
fn a_join_line_names_one_call_and_a_leave_line_follows_each_exit() {
    let log = run(&joins(3), None);
    let membership: Vec<(String, usize)> = log
        .iter()
        .filter_map(|l| {
            let change = l.get("change")?.as_str()?.to_owned();
            matches!(change.as_str(), "join" | "leave" | "privileges" | "beep")
                .then(|| (change, l.to_json().len()))
        })
        .collect();
    let kinds: Vec<&str> = membership.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(kinds, ["join", "beep", "join", "beep", "join", "beep"]);
    // Every join line has the same size, whoever is already in the room.
    let sizes: Vec<usize> = membership
        .iter()
        .filter(|(c, _)| c == "join")
        .map(|(_, n)| *n)
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] == w[1]), "{sizes:?}");
}

/// A child process in its own process group, killed with its group when dropped.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        // SAFETY: killpg only sends a signal; the group is the one this test created for the child.
        unsafe {
            libc::killpg(self.0.id() as i32, libc::SIGKILL);
        }
        let _ = self.0.wait();
    }
}

/// Runs `conflab run FILE` under a 128 MiB address-space limit (`prlimit --as`: half the log the runaway test
/// writes, so a run that held its log could not finish), stdout to a file; returns the exit status, stdout and
/// stderr.
fn run_limited(name: &str, scenario: &str) -> (ExitStatus, Vec<u8>, String) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bounded-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scenario.json");
    std::fs::write(&file, scenario).unwrap();
    let out = dir.join("out.jsonl");
    let err = dir.join("err.txt");
    let child = Command::new("prlimit")
        .arg(format!("--as={}", 128u64 << 20))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_conflab"))
        .arg("run")
        .arg(&file)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .process_group(0)
        .spawn()
        .expect("prlimit runs conflab");
    let mut child = Group(child);
    let status = child.0.wait().unwrap();
    (
        status,
        std::fs::read(&out).unwrap(),
        std::fs::read_to_string(&err).unwrap(),
    )
}

fn last_line(out: &[u8]) -> Value {
    let text = std::str::from_utf8(out).expect("UTF-8");
    let last = text.lines().last().expect("some output");
    serde_json::from_str(last).expect("the last line is whole JSON")
}

#[test]
fn a_getdigits_that_redirects_to_itself_with_a_10_kb_url_stops_at_the_log_budget() {
    let url = format!("https://app.test/{}", "a".repeat(10_000));
    let scenario = format!(
        r#"{{"numbers": {{"+15550100000": {{"voiceUrl": "{url}"}}}},
            "app": {{"{url}": [{{"GetDigits": {{"actionUrl": "{url}", "initialTimeoutMs": 1}}}}]}},
            "steps": [{{"at": 0, "dial": {{"from": "+15550111111", "to": "+15550100000"}}}}]}}"#
    );
    let (status, out, err) = run_limited("getdigits", &scenario);
    assert_eq!(status.code(), Some(0), "{err}");
    let last = last_line(&out);
    assert_eq!(last["kind"], "note");
    let note = last["text"].as_str().unwrap();
    assert!(
        note.starts_with(&format!(
            "the run stopped: its log reached {MAX_LOG_BYTES} bytes"
        )),
        "{note}"
    );
    // The budget, plus at most the lines of the one input that crossed it (each well under 100 KB).
    assert!(out.len() as u64 >= MAX_LOG_BYTES, "{} bytes", out.len());
    assert!(
        (out.len() as u64) < MAX_LOG_BYTES + 200_000,
        "{} bytes",
        out.len()
    );
}

#[test]
fn an_outdial_that_dials_itself_stops_at_the_calls_per_instant_budget() {
    let scenario = r#"{"numbers": {"+15550100000": {"voiceUrl": "https://app.test/dial"}},
        "app": {"https://app.test/dial": [{"OutDial": {"actionUrl": "https://app.test/started", "callConnectUrl": "https://app.test/dial",
                 "callingNumber": "+15550100000", "destination": "+15550122222"}}]},
        "steps": [{"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#;
    let (status, out, err) = run_limited("outdial", scenario);
    assert_eq!(status.code(), Some(0), "{err}");
    let text = std::str::from_utf8(&out).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let notes: Vec<&str> = lines
        .iter()
        .filter(|l| l["kind"] == "note")
        .filter_map(|l| l["text"].as_str())
        .filter(|t| t.contains("calls created at one instant"))
        .collect();
    assert_eq!(notes.len(), 1, "one note says which budget stopped it");
    assert!(notes[0].starts_with("sandbox: more than 1000 calls created at one instant"));
    let queued = lines
        .iter()
        .filter(|l| l["kind"] == "call" && l["status"] == "queued")
        .count();
    // The inbound call is not queued; 1000 calls were created at 0 in all, so 999 OutDial children.
    assert_eq!(queued, 999);
    assert!(out.len() < 20_000_000, "{} bytes", out.len());
}

#[test]
fn a_delay_of_2_pow_64_minus_1_never_arrives() {
    let lines = run(
        r#"{"numbers": {"+15550100000": {"voiceUrl": "https://app.test/in"}},
            "app": {"https://app.test/in": {"percl": [{"Say": {"text": "hello"}}], "delayMs": 18446744073709551615}},
            "steps": [{"at": 1000, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#,
        None,
    );
    assert!(
        lines
            .iter()
            .all(|l| l.get("change") != Some(Value::from("play"))),
        "the Say never runs"
    );
    let timeout = lines
        .iter()
        .find(|l| text(l).contains("got no response within 10000 ms"))
        .expect("the webhook times out");
    assert_eq!(timeout.at, 11_000);
}

#[test]
fn hang_up_after_2_pow_64_minus_1_never_hangs_up() {
    let lines = run(
        r#"{"numbers": {"+15550100000": {"voiceUrl": "https://app.test/in"}},
            "phones": {"+15550111111": {"hangupAfterMs": 18446744073709551615}},
            "app": {"https://app.test/in": [{"Pause": {"length": 5000}}, {"Park": {"waitUrl": "https://app.test/wait", "actionUrl": "https://app.test/back"}}]},
            "steps": [{"at": 1000, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#,
        None,
    );
    assert!(
        lines
            .iter()
            .all(|l| l.get("callEndedReason") != Some(Value::from("farEndHangup"))),
        "the phone never hangs up"
    );
    let last = lines.last().unwrap();
    assert!(
        text(last).starts_with("the run ends with nothing pending; still up: CA"),
        "{}",
        text(last)
    );
}

#[test]
fn a_step_after_the_hour_extends_the_horizon() {
    let lines = run(
        r#"{"numbers": {"+15550100000": {"voiceUrl": "https://app.test/in"}},
            "app": {"https://app.test/in": [{"Say": {"text": "late"}}]},
            "steps": [{"at": 7200000, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#,
        None,
    );
    assert!(
        lines
            .iter()
            .any(|l| l.at == 7_200_000 && l.kind() == "webhook"),
        "the step at 2 h runs"
    );
}

#[test]
fn times_past_2_pow_53_are_refused_with_both_bounds() {
    let errors = conflab::scenario::parse(
        r#"{"until": 9007199254740992, "steps": [{"at": 18446744073709551616, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#,
    )
    .unwrap_err()
    .render("");
    assert!(
        errors.contains("/until: \"until\" is 9007199254740992, but it must be a time in ms from 0 to 9007199254740991"),
        "{errors}"
    );
    assert!(
        errors.contains(
            "\"at\" is 18446744073709551616, but it must be a time in ms from 0 to 9007199254740991"
        ),
        "{errors}"
    );
}

#[test]
fn until_past_its_maximum_is_refused_by_the_cli() {
    let out = Command::new(env!("CARGO_BIN_EXE_conflab"))
        .args([
            "run",
            "tests/scenarios/issue-example.json",
            "--until",
            "18446744073709551615",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("9007199254740991"), "{err}");
}

#[test]
fn range_errors_give_both_bounds_and_no_fix_outside_the_range() {
    let report = conflab::percl::check(r#"[{"Pause": {"length": 4294967296}}]"#);
    let messages: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity() == conflab::percl::Severity::Error)
        .map(|d| d.message())
        .collect();
    assert_eq!(
        messages,
        ["\"length\" is 4294967296, but it must be a whole number from 1 to 4294967295"]
    );
    let errors = |source: &str| -> Vec<Option<String>> {
        conflab::percl::check(source)
            .diagnostics
            .iter()
            .filter(|d| d.severity() == conflab::percl::Severity::Error)
            .map(|d| d.problem.fix())
            .collect()
    };
    let fixes = errors(r#"[{"Pause": {"length": 0.0}}]"#);
    assert_eq!(fixes.len(), 1);
    assert!(
        fixes[0].as_deref() != Some("write 0"),
        "0 is not a valid length: {fixes:?}"
    );
    assert_eq!(
        errors(r#"[{"Pause": {"length": 2.0}}]"#),
        [Some("write 2".to_owned())]
    );
}

#[test]
fn the_e164_message_says_2_to_15_digits() {
    let errors = conflab::scenario::parse(r#"{"phones": {"+1": {}}}"#)
        .unwrap_err()
        .render("");
    assert!(errors.contains("+ and 2 to 15 digits"), "{errors}");
    let report = conflab::percl::check(
        r#"[{"OutDial": {"actionUrl": "https://a.test/x", "callConnectUrl": "https://a.test/y", "callingNumber": "+1", "destination": "+15550100000"}}]"#,
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message().contains("+ and 2 to 15 digits")),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn an_unresolvable_template_is_an_error_at_the_template_not_a_made_up_body() {
    let lines = run(
        r#"{"numbers": {"+15550100000": {"voiceUrl": "https://app.test/in"}},
            "app": {"https://app.test/in": [{"AddToConference": {"conferenceId": "{{conference:nowhere}}"}}]},
            "steps": [{"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#,
        None,
    );
    let webhook = lines.iter().find(|l| l.kind() == "webhook").unwrap();
    assert_eq!(
        webhook.get("response").unwrap()["body"],
        Value::from(""),
        "no made-up body"
    );
    let error = lines.iter().find(|l| l.kind() == "error").unwrap();
    let message = error.get("message").unwrap();
    assert_eq!(
        message.as_str().unwrap(),
        "the app at https://app.test/in could not answer: the template at /app/https:~1~1app.test~1in/0/AddToConference/conferenceId does not resolve: no conference has the alias \"nowhere\""
    );
    assert!(lines.iter().all(|l| !text(l).contains("unexpected")));
    assert!(lines.iter().any(|l| {
        text(l).starts_with("the app's answer is not valid PerCL: the template at /app/")
    }));
    assert!(
        lines
            .iter()
            .any(|l| l.get("callEndedReason") == Some(Value::from("appInvalidPercl")))
    );
}

#[test]
fn scenario_errors_are_capped_at_100_then_a_count() {
    let steps: Vec<String> = (0..250)
        .map(|_| r#"{"at": 0, "hangup": {"phone": "nope"}}"#.to_owned())
        .collect();
    let errors =
        conflab::scenario::parse(&format!(r#"{{"steps": [{}]}}"#, steps.join(","))).unwrap_err();
    assert!(errors.errors.len() >= 250);
    let rendered = errors.render("f.json");
    let lines: Vec<&str> = rendered.lines().collect();
    assert_eq!(lines.len(), 101, "{rendered}");
    assert_eq!(
        lines[100],
        format!(
            "f.json: and {} more errors (fix: correct the ones above first; the rest are often the same mistake repeated)",
            errors.errors.len() - 100
        )
    );
}

#[test]
fn webhooks_past_the_per_instant_budget_end_their_calls_with_a_note() {
    // 20 calls at 0 ms, each in an Enqueue loop that takes no time: 1,000 fetches each would be 20,000 webhooks
    // at one instant; the engine-wide budget (10,000) ends the calls whose fetch passes it.
    let steps: Vec<String> = (0..20)
        .map(|i| {
            format!(
                r#"{{"at": 0, "dial": {{"from": "+1555{:07}", "to": "+15550100000"}}}}"#,
                2_000_000 + i
            )
        })
        .collect();
    let lines = run(
        &format!(
            r#"{{"numbers": {{"+15550100000": {{"voiceUrl": "https://app.test/again"}}}},
                "app": {{"https://app.test/again": [{{"Enqueue": {{"actionUrl": "https://app.test/again",
                         "queueId": "QU0000000000000000000000000000000000000002", "waitUrl": "https://app.test/wait"}}}}]}},
                "steps": [{}]}}"#,
            steps.join(",")
        ),
        None,
    );
    let webhooks = lines.iter().filter(|l| l.kind() == "webhook").count();
    assert_eq!(webhooks, 10_000, "exactly the budget is sent");
    let budget_notes = lines
        .iter()
        .filter(|l| text(l).starts_with("sandbox: more than 10000 webhooks at one instant"))
        .count();
    let ended = lines
        .iter()
        .filter(|l| l.get("callEndedReason") == Some(Value::from("perclProcessingError")))
        .count();
    assert_eq!(ended, 20, "every call ends");
    assert!(budget_notes >= 1, "a note says which budget stopped them");
    assert!(lines.iter().all(|l| l.at == 0));
}

/// The GetDigits loop above with a short URL: a run that goes on for ever, a line every few milliseconds.
const LOOPING: &str = r#"{"numbers": {"+15550100000": {"voiceUrl": "https://app.test/loop"}},
    "app": {"https://app.test/loop": [{"GetDigits": {"actionUrl": "https://app.test/loop", "initialTimeoutMs": 1}}]},
    "steps": [{"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}}]}"#;

/// Runs `LOOPING` to virtual time `until` with `budget`, draining as it goes (as a long-running driver does);
/// returns the lines written and whether the run stopped at its budget.
fn run_looping(budget: Option<LogBudget>, until: u64) -> (usize, bool) {
    let scenario = conflab::scenario::parse(LOOPING).unwrap();
    let mut run = Run::new(scenario);
    run.set_log_budget(budget);
    let mut written = 0;
    loop {
        let progress = run.run_until(until, &mut |_| {});
        written += run.drain_log().count();
        match progress {
            Progress::LogFull => return (written, true),
            Progress::Paused => {}
            _ => return (written, false),
        }
    }
}

#[test]
fn a_run_stops_at_its_log_budget_and_a_driver_without_one_goes_on() {
    let small = LogBudget {
        lines: 500,
        bytes: MAX_LOG_BYTES,
    };
    let (lines, stopped) = run_looping(Some(small), 60_000);
    assert!(stopped);
    // The budget, the lines of the input that crossed it, and the note.
    assert!((500..520).contains(&lines), "{lines}");
    let bytes = LogBudget {
        lines: usize::MAX,
        bytes: 50_000,
    };
    assert!(run_looping(Some(bytes), 60_000).1);
    // `conflab serve` keeps a window and runs for hours: without a budget the same run reaches its `until`.
    let (lines, stopped) = run_looping(None, 60_000);
    assert!(!stopped);
    assert!(lines > 5_000, "{lines}");
}
