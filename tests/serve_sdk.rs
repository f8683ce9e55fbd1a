//! `conflab serve` end to end with the official Python SDK (freeclimb==5.4.1) and a real webhook app
//! (tests/sdk/serve_app.py, FreeClimb's "connect a caller to another party" tutorial): an inbound call (a
//! `POST /conflab/steps` dial) creates a conference, the app OutDials an agent, both join, the caller hangs up,
//! and the app terminates the conference over REST. Every webhook verifies with `RequestVerifier` and parses with
//! `Webhook.from_dict`; the SDK's list and get calls see the participants and the final statuses. With the
//! manual clock the same flow gives the same log twice, and the exported scenario replays with `conflab run` to
//! that log. Every process runs in its own process group, killed by group on drop.

#[path = "support/sdk.rs"]
mod sdk;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NUMBER: &str = "+15550100000";
const CALLER: &str = "+15550111111";
const AGENT: &str = "+15550122222";
const SECRET: &str = "sigsec_conflab0000000000000000000000000000";

/// A child in its own process group, killed by group on drop.
struct Proc(Child);

impl Proc {
    fn spawn(cmd: &mut Command) -> Proc {
        cmd.process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        Proc(
            cmd.spawn()
                .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}")),
        )
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        // SAFETY: killpg only sends a signal to the group this test created.
        unsafe {
            libc::killpg(self.0.id() as i32, libc::SIGKILL);
        }
        let _ = self.0.wait();
    }
}

/// `conflab serve` on a free port: the process, its address and the credentials from its banner.
struct Serve {
    proc: Proc,
    addr: String,
    account_id: String,
    api_key: String,
}

fn start_serve(clock: &str) -> Serve {
    let mut proc = Proc::spawn(
        Command::new(env!("CARGO_BIN_EXE_conflab"))
            .args(["serve", "--port", "0", "--clock", clock]),
    );
    let stdout = proc.0.stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout).lines();
    let (mut addr, mut account_id, mut api_key) = (String::new(), String::new(), String::new());
    for line in lines.by_ref() {
        let line = line.expect("banner");
        if let Some(rest) = line.strip_prefix("conflab serve: FreeClimb at http://") {
            addr = rest.split('/').next().unwrap_or_default().to_owned();
        } else if let Some(v) = line.trim().strip_prefix("account id:") {
            account_id = v.trim().to_owned();
        } else if let Some(v) = line.trim().strip_prefix("API key:") {
            api_key = v.trim().to_owned();
        } else if line.starts_with("Ctrl-C") {
            break;
        }
    }
    // Keep reading stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    assert!(
        !addr.is_empty() && account_id.starts_with("AC") && api_key.len() == 40,
        "banner: {addr} {account_id} {api_key}"
    );
    Serve {
        proc,
        addr,
        account_id,
        api_key,
    }
}

/// One HTTP/1.0 exchange (the test's own client; the server side is hyper's): status and body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    let mut request = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, body.to_owned())
}

impl Serve {
    fn get(&self, path: &str) -> (u16, String) {
        http(&self.addr, "GET", path, &[], "")
    }
    fn post(&self, path: &str, body: &str) -> (u16, String) {
        http(&self.addr, "POST", path, &[], body)
    }
    fn base(&self) -> String {
        format!("http://{}/apiserver", self.addr)
    }
    /// Waits until no webhook awaits its answer (with the manual clock nothing else moves).
    fn quiet(&self) {
        let start = Instant::now();
        let mut calm = 0;
        while calm < 3 {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the session never became quiet"
            );
            let (_, info) = self.get("/conflab/info");
            let info: Value = serde_json::from_str(&info).expect("info is JSON");
            calm = if info["awaitingWebhooks"] == 0 {
                calm + 1
            } else {
                0
            };
            std::thread::sleep(Duration::from_millis(30));
        }
    }
    fn advance(&self, ms: u64) {
        for _ in 0..ms / 250 {
            let (status, _) = self.post("/conflab/clock", r#"{"advanceMs": 250}"#);
            assert_eq!(status, 200);
            self.quiet();
        }
    }
    fn log(&self) -> Vec<String> {
        self.get("/conflab/log")
            .1
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

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
    let serve = start_serve("real");
    let app = start_app(&serve, 0, None);
    let (stats, middle, end) = tutorial(&serve, &app, false);
    check_flow(&stats, &middle, &end);
}

#[test]
fn with_the_manual_clock_the_same_flow_gives_the_same_log_and_the_export_replays_to_it() {
    let mut logs = Vec::new();
    let mut port = 0;
    let mut scenario = String::new();
    for _ in 0..2 {
        let serve = start_serve("manual");
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
    assert_eq!(logs[0], logs[1]);
    // The export replays with `conflab run` to the same log, apart from the GETs (not recorded) and run's note.
    let file = sdk::root().join("target/serve-sdk-replay.json");
    std::fs::write(&file, &scenario).expect("write the scenario");
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
    let served: Vec<String> = logs[1].iter().filter(|l| !is_get(l)).cloned().collect();
    assert_eq!(served, replay, "scenario:\n{scenario}");
}

#[test]
fn bad_requests_are_refused_with_freeclimb_errors_and_change_nothing() {
    let serve = start_serve("manual");
    let dial = format!(r#"{{"dial": {{"from": "{CALLER}", "to": "{NUMBER}"}}}}"#);
    let set = format!(
        r#"{{"set": {{"numbers": {{"{NUMBER}": {{"voiceUrl": "http://127.0.0.1:9/down"}}}}}}}}"#
    );
    assert_eq!(serve.post("/conflab/steps", &set).0, 200);
    assert_eq!(serve.post("/conflab/steps", &dial).0, 200);
    serve.quiet();
    let before = serve.get("/conflab/scenario").1;
    let log_before = serve.log();
    let auth = format!(
        "Basic {}",
        base64_encode(&format!("{}:{}", serve.account_id, serve.api_key))
    );
    let wrong = format!(
        "Basic {}",
        base64_encode(&format!("{}:nope", serve.account_id))
    );
    let conferences = format!("/apiserver/Accounts/{}/Conferences", serve.account_id);
    let cases: Vec<(&str, String, Vec<(&str, &str)>, &str, u16)> = vec![
        (
            "POST",
            conferences.clone(),
            vec![("Authorization", &auth)],
            "{not json",
            400,
        ),
        (
            "POST",
            conferences.clone(),
            vec![("Authorization", &auth)],
            r#"{"alias": 7}"#,
            400,
        ),
        ("GET", conferences.clone(), vec![], "", 401),
        (
            "GET",
            conferences.clone(),
            vec![("Authorization", &wrong)],
            "",
            401,
        ),
        (
            "GET",
            format!("/apiserver/Accounts/{}/Nope", serve.account_id),
            vec![("Authorization", &auth)],
            "",
            404,
        ),
        ("GET", "/nowhere".to_owned(), vec![], "", 404),
    ];
    for (method, path, headers, body, status) in &cases {
        let (got, text) = http(&serve.addr, method, path, headers, body);
        assert_eq!(got, *status, "{method} {path}: {text}");
        let error: Value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {path}: {text}"));
        assert!(
            error["code"].is_u64() && error["message"].is_string(),
            "{text}"
        );
    }
    // A bad step: 400 with every problem, nothing applied.
    let (status, text) = serve.post(
        "/conflab/steps",
        r#"[{"dial": {"from": "x"}}, {"hangup": {}}]"#,
    );
    assert_eq!(status, 400, "{text}");
    let problems: Value = serde_json::from_str(&text).expect("JSON");
    assert!(
        problems["problems"].as_array().map_or(0, Vec::len) >= 3,
        "{text}"
    );
    // The clock: a bad body is 400.
    assert_eq!(serve.post("/conflab/clock", r#"{"advanceMs": -1}"#).0, 400);
    assert_eq!(serve.get("/conflab/scenario").1, before);
    assert_eq!(serve.log(), log_before);
    // The app is down: the inbound call failed with webhookFailed, logged with the reason.
    assert!(
        log_before
            .iter()
            .any(|l| l.contains(r#""callEndedReason":"webhookFailed""#)),
        "{log_before:?}"
    );
    // And the server still serves.
    let (status, _) = http(
        &serve.addr,
        "GET",
        &conferences,
        &[("Authorization", &auth)],
        "",
    );
    assert_eq!(status, 200);
}

#[test]
fn the_real_clock_refuses_to_be_moved_by_hand() {
    let serve = start_serve("real");
    let (status, text) = serve.post("/conflab/clock", r#"{"advanceMs": 10}"#);
    assert_eq!(status, 409, "{text}");
    assert!(text.contains("--clock manual"), "{text}");
}

fn base64_encode(s: &str) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &c)| n | (u32::from(c) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
