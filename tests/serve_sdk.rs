//! `conflab serve` end to end with the official Python SDK (freeclimb==5.4.1) and a real webhook app
//! (tests/sdk/serve_app.py, FreeClimb's "connect a caller to another party" tutorial): an inbound call (a
//! `POST /conflab/steps` dial) creates a conference, the app OutDials an agent, both join, the caller hangs up,
//! and the app terminates the conference over REST. Every webhook verifies with `RequestVerifier` and parses with
//! `Webhook.from_dict`; the SDK's list and get calls see the participants and the final statuses. With the
//! manual clock the same flow gives the same log twice, and the exported scenario replays with `conflab run` to
//! that log. Every process runs in its own process group, killed by group on drop.

#[path = "support/sdk.rs"]
mod sdk;
#[path = "support/serve.rs"]
mod serve;

use serde_json::Value;
use serve::{Proc, Serve, http, start_serve};
use std::io::{BufRead, BufReader};
use std::process::Command;
use std::time::Duration;

const NUMBER: &str = "+15550100000";
const CALLER: &str = "+15550111111";
const AGENT: &str = "+15550122222";
const SECRET: &str = "sigsec_conflab0000000000000000000000000000";

struct App {
    _proc: Proc,
    port: u16,
}

fn start_app(serve: &Serve, port: u16, tolerance: Option<&str>) -> App {
    let python = sdk::python(&[]);
    let script = sdk::root().join("tests/sdk/serve_app.py");
    let base = serve.base();
    let port_arg = port.to_string();
    let mut args = vec![
        script.to_str().unwrap(),
        &port_arg,
        &base,
        &serve.account_id,
        &serve.api_key,
        SECRET,
        NUMBER,
        AGENT,
    ];
    if let Some(t) = tolerance {
        args.push(t);
    }
    let mut proc = Proc::spawn(Command::new(python).args(&args));
    let mut first = String::new();
    BufReader::new(proc.0.stdout.take().expect("piped"))
        .read_line(&mut first)
        .expect("the app prints its port");
    let port = first
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("the app printed {first:?}"));
    App { _proc: proc, port }
}

/// What the SDK sees (tests/sdk/serve_check.py).
fn sdk_view(serve: &Serve) -> Value {
    let script = sdk::root().join("tests/sdk/serve_check.py");
    let out = sdk::run_python(
        &script,
        &[&serve.base(), &serve.account_id, &serve.api_key],
        None,
    );
    let text = sdk::expect_success(out, "serve_check.py");
    serde_json::from_str(&text).expect("serve_check.py prints JSON")
}

/// The tutorial's flow; returns the app's statistics and the SDK's views in the middle and at the end.
fn tutorial(serve: &Serve, app: &App, manual: bool) -> (Value, Value, Value) {
    let set = format!(
        r#"{{"set": {{"numbers": {{"{NUMBER}": {{"voiceUrl": "http://127.0.0.1:{}/inbound"}}}}}}}}"#,
        app.port
    );
    assert_eq!(
        serve.post("/conflab/steps", &set),
        (200, r#"{"applied":1}"#.to_owned())
    );
    let dial = format!(r#"{{"dial": {{"from": "{CALLER}", "to": "{NUMBER}"}}}}"#);
    assert_eq!(serve.post("/conflab/steps", &dial).0, 200);
    let settle = |ms| {
        if manual {
            serve.advance(ms)
        } else {
            std::thread::sleep(Duration::from_millis(ms));
            serve.quiet();
        }
    };
    settle(3000);
    let middle = sdk_view(serve);
    let hangup = format!(r#"{{"hangup": {{"phone": "{CALLER}"}}}}"#);
    assert_eq!(serve.post("/conflab/steps", &hangup).0, 200);
    serve.quiet();
    settle(2000);
    let end = sdk_view(serve);
    let (_, stats) = http(&format!("127.0.0.1:{}", app.port), "GET", "/stats", &[], "");
    (serde_json::from_str(&stats).expect("stats"), middle, end)
}

fn check_flow(stats: &Value, middle: &Value, end: &Value) {
    assert_eq!(stats["failures"], Value::Array(vec![]), "{stats}");
    let by_type = stats["byType"].as_object().expect("byType");
    let total: u64 = by_type.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(stats["verified"], total, "{stats}");
    assert_eq!(stats["parsed"], total, "{stats}");
    for kind in [
        "inboundCall",
        "createConference",
        "outDialStart",
        "outDialConnect",
        "leaveConference",
    ] {
        assert_eq!(
            by_type.get(kind).and_then(Value::as_u64),
            Some(1),
            "{kind} in {stats}"
        );
    }
    assert_eq!(stats["terminated"], 1, "{stats}");
    // In the middle: one conference with the caller and the agent in it, both calls in progress.
    let conferences = middle["conferences"].as_array().expect("conferences");
    assert_eq!(conferences.len(), 1, "{middle}");
    assert_eq!(
        conferences[0]["participants"].as_array().map(Vec::len),
        Some(2),
        "{middle}"
    );
    let calls = middle["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 2, "{middle}");
    assert!(
        calls.iter().all(|c| c["status"] == "inProgress"),
        "{middle}"
    );
    // At the end: terminated, nobody left, both calls completed.
    assert_eq!(end["conferences"][0]["status"], "terminated", "{end}");
    assert_eq!(
        end["conferences"][0]["participants"],
        Value::Array(vec![]),
        "{end}"
    );
    let calls = end["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 2, "{end}");
    assert!(calls.iter().all(|c| c["status"] == "completed"), "{end}");
}

/// Lines of a REST GET (read-only requests are logged but not recorded in the scenario).
fn is_get(line: &str) -> bool {
    line.contains(r#""kind":"api","method":"GET""#)
}

#[test]
fn the_tutorial_runs_against_a_real_clock_server_with_default_signature_tolerance() {
    let serve = start_serve(&["--clock", "real"]);
    let app = start_app(&serve, 0, None);
    let (stats, middle, end) = tutorial(&serve, &app, false);
    check_flow(&stats, &middle, &end);
    // The export carries the wall-clock epoch the server started at, so it replays to the same log, the
    // signatures' timestamps included.
    let scenario = serve.get("/conflab/scenario").1;
    let epoch: Value = serde_json::from_str(&scenario).expect("the export is JSON");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let epoch = epoch["epoch"].as_u64().expect("an epoch in the export");
    assert!(
        now - 600 < epoch && epoch <= now,
        "epoch {epoch}, now {now}"
    );
    assert_replays(&serve.log(), &scenario);
}

#[test]
fn with_the_manual_clock_the_same_flow_gives_the_same_log_and_the_export_replays_to_it() {
    let mut logs = Vec::new();
    let mut port = 0;
    let mut scenario = String::new();
    for _ in 0..2 {
        let serve = start_serve(&["--clock", "manual"]);
        // The fixed epoch of the manual clock is long past: a tolerance of 10^10 s lets the verifier check it.
        let app = start_app(&serve, port, Some("10000000000"));
        port = app.port;
        let (stats, middle, end) = tutorial(&serve, &app, true);
        check_flow(&stats, &middle, &end);
        logs.push(serve.log());
        scenario = serve.get("/conflab/scenario").1;
        drop(serve.proc);
    }
    assert!(logs[0].len() > 20, "{:?}", logs[0]);
    if logs[0] != logs[1] {
        for (i, log) in logs.iter().enumerate() {
            let file = sdk::root().join(format!("target/serve-sdk-log{i}.jsonl"));
            std::fs::write(&file, log.join("\n")).expect("write the log");
        }
        panic!(
            "the two logs differ: see target/serve-sdk-log0.jsonl and target/serve-sdk-log1.jsonl"
        );
    }
    assert_replays(&logs[1], &scenario);
}

/// The export replays with `conflab run` to the served log, apart from the GETs (not recorded) and run's note.
fn assert_replays(log: &[String], scenario: &str) {
    let file = sdk::root().join(format!(
        "target/serve-sdk-replay-{}.json",
        std::process::id()
    ));
    std::fs::write(&file, scenario).expect("write the scenario");
    let out = Command::new(env!("CARGO_BIN_EXE_conflab"))
        .arg("run")
        .arg(&file)
        .output()
        .expect("conflab run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replay: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| {
            !l.contains(r#""kind":"note""#) || !l.contains("the run ends with nothing pending")
        })
        .map(str::to_owned)
        .collect();
    let served: Vec<String> = log.iter().filter(|l| !is_get(l)).cloned().collect();
    assert!(served.len() > 20, "{served:?}");
    assert_eq!(served, replay, "scenario:\n{scenario}");
}
