//! `conflab serve` over HTTP: bad requests of every class are refused with FreeClimb's error body and change
//! nothing; an app that is down, slow, answers garbage, an error or a 10 MB body gets the documented failure for
//! that call while the other calls go on; with concurrent clients a REST response is on its connection before
//! the webhooks it causes are sent. Every process runs in its own process group, killed by group on drop.

#[path = "support/sdk.rs"]
mod sdk;
#[path = "support/serve.rs"]
mod serve;

use serde_json::Value;
use serve::{Proc, basic, http, start_serve};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;

const NUMBER: &str = "+15550100000";
const CALLER: &str = "+15550111111";

/// A request: method, path, headers, body, and the status it must get.
struct Case<'a> {
    method: &'a str,
    path: String,
    headers: Vec<(&'a str, &'a str)>,
    body: &'a str,
    status: u16,
}

#[test]
fn bad_requests_are_refused_with_freeclimb_errors_and_change_nothing() {
    let serve = start_serve(&["--clock", "manual"]);
    let dial = format!(r#"{{"dial": {{"from": "{CALLER}", "to": "{NUMBER}"}}}}"#);
    let set = format!(
        r#"{{"set": {{"numbers": {{"{NUMBER}": {{"voiceUrl": "http://127.0.0.1:9/down"}}}}}}}}"#
    );
    assert_eq!(serve.post("/conflab/steps", &set).0, 200);
    assert_eq!(serve.post("/conflab/steps", &dial).0, 200);
    serve.quiet();
    let before = serve.get("/conflab/scenario").1;
    let log_before = serve.log();
    let auth = basic(&serve.account_id, &serve.api_key);
    let wrong = basic(&serve.account_id, "nope");
    let conferences = format!("/apiserver/Accounts/{}/Conferences", serve.account_id);
    fn case<'a>(
        method: &'a str,
        path: &str,
        headers: Vec<(&'a str, &'a str)>,
        body: &'a str,
        status: u16,
    ) -> Case<'a> {
        Case {
            method,
            path: path.to_owned(),
            headers,
            body,
            status,
        }
    }
    let other = "/apiserver/Accounts/AC0000000000000000000000000000000000000000/Conferences";
    let unknown = format!("/apiserver/Accounts/{}/Nope", serve.account_id);
    let cases = vec![
        case(
            "POST",
            &conferences,
            vec![("Authorization", &auth)],
            "{not json",
            400,
        ),
        case(
            "POST",
            &conferences,
            vec![("Authorization", &auth)],
            r#"{"alias": 7}"#,
            400,
        ),
        case("GET", &conferences, vec![], "", 401),
        case(
            "GET",
            &conferences,
            vec![("Authorization", &wrong)],
            "",
            401,
        ),
        case(
            "GET",
            &conferences,
            vec![("Authorization", "Bearer x")],
            "",
            401,
        ),
        case("GET", other, vec![("Authorization", &auth)], "", 403),
        case("GET", &unknown, vec![("Authorization", &auth)], "", 404),
        case("PUT", &conferences, vec![("Authorization", &auth)], "", 405),
        case("GET", "/nowhere", vec![], "", 404),
    ];
    for c in &cases {
        let (got, text) = http(&serve.addr, c.method, &c.path, &c.headers, c.body);
        assert_eq!(got, c.status, "{} {}: {text}", c.method, c.path);
        let error: Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{} {}: {text}", c.method, c.path));
        assert!(
            error["code"].is_u64() && error["message"].is_string(),
            "{text}"
        );
    }
    // Malformed HTTP: 400 from the HTTP layer.
    let mut raw = TcpStream::connect(&serve.addr).expect("connect");
    raw.write_all(b"GARBAGE\x00 / HTTP/9\r\n\r\n")
        .expect("send");
    let mut answer = String::new();
    let _ = raw.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer:?}");
    // A bad step: 400 with every problem, nothing applied.
    let (status, text) = serve.post(
        "/conflab/steps",
        r#"[{"dial": {"from": "x"}}, {"hangup": {}}]"#,
    );
    assert_eq!(status, 400, "{text}");
    let problems: Value = serde_json::from_str(&text).expect("JSON");
    let problems = problems["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 3, "{text}");
    assert!(
        problems.iter().all(|p| p["pointer"]
            .as_str()
            .is_some_and(|s| s.starts_with("/0/") || s.starts_with("/1/"))),
        "{text}"
    );
    assert_eq!(serve.post("/conflab/steps", "not json").0, 400);
    assert_eq!(serve.post("/conflab/clock", r#"{"advanceMs": -1}"#).0, 400);
    assert_eq!(serve.get("/conflab/scenario").1, before);
    assert_eq!(serve.log(), log_before);
    // The app is down: the call failed with webhookFailed, logged with the reason.
    assert!(
        log_before
            .iter()
            .any(|l| l.contains(r#""callEndedReason":"webhookFailed""#)),
        "{log_before:?}"
    );
    assert!(
        log_before
            .iter()
            .any(|l| l.contains(r#""body":"no connection to the app"#)
                && l.contains(r#""status":0}"#)),
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
    let serve = start_serve(&["--clock", "real"]);
    let (status, text) = serve.post("/conflab/clock", r#"{"advanceMs": 10}"#);
    assert_eq!(status, 409, "{text}");
    assert!(text.contains("--clock manual"), "{text}");
    let (status, info) = serve.get("/conflab/info");
    assert_eq!(status, 200);
    let info: Value = serde_json::from_str(&info).expect("JSON");
    assert_eq!(info["clock"], "real");
    assert_eq!(info["accountId"], serve.account_id.as_str());
    assert_eq!(info["baseUrl"], serve.base());
}

#[test]
fn without_a_built_page_the_root_says_how_to_build_it_and_with_one_it_is_attached() {
    let empty = std::env::temp_dir().join(format!("conflab-no-page-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&empty);
    let serve = start_serve(&["--page-dir", empty.to_str().unwrap()]);
    let (status, text) = serve.get("/");
    assert_eq!(status, 200);
    assert!(
        text.contains("trunk build --release --offline") && text.contains("./x serve"),
        "{text}"
    );
    assert_eq!(serve.get("/app.js").0, 404);
    drop(serve);
    std::fs::write(
        empty.join("index.html"),
        "<html><head><title>t</title></head><body></body></html>",
    )
    .expect("write");
    std::fs::write(empty.join("app.js"), "let x = 1;").expect("write");
    let serve = start_serve(&["--page-dir", empty.to_str().unwrap()]);
    let (status, page) = serve.get("/");
    assert_eq!(status, 200);
    assert_eq!(
        page,
        "<html><head><title>t</title><meta name=\"conflab-serve\" content=\"/conflab\"></head><body></body></html>"
    );
    assert_eq!(serve.get("/app.js"), (200, "let x = 1;".to_owned()));
    assert_eq!(serve.get("/../Cargo.toml").0, 404);
    let _ = std::fs::remove_dir_all(&empty);
}

#[test]
fn an_app_that_is_down_slow_wrong_or_huge_fails_its_call_and_the_others_go_on() {
    let serve = start_serve(&["--clock", "manual", "--webhook-timeout-ms", "500"]);
    let python = sdk::python(&[]);
    let mut app =
        Proc::spawn(Command::new(python).arg(sdk::root().join("tests/sdk/serve_bad_app.py")));
    let mut port = String::new();
    BufReader::new(app.0.stdout.take().expect("piped"))
        .read_line(&mut port)
        .expect("port");
    let port = port.trim();
    let paths = ["ok", "slow", "garbage", "huge", "error", "down"];
    let mut numbers = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let url = if *path == "down" {
            "http://127.0.0.1:9/down".to_owned()
        } else {
            format!("http://127.0.0.1:{port}/{path}")
        };
        numbers.push(format!(r#""+1555010000{i}": {{"voiceUrl": "{url}"}}"#));
    }
    let set = format!(r#"{{"set": {{"numbers": {{{}}}}}}}"#, numbers.join(", "));
    assert_eq!(serve.post("/conflab/steps", &set).0, 200);
    let dials: Vec<String> = (0..paths.len())
        .map(|i| format!(r#"{{"dial": {{"from": "+1555099000{i}", "to": "+1555010000{i}"}}}}"#))
        .collect();
    assert_eq!(
        serve.post("/conflab/steps", &format!("[{}]", dials.join(","))),
        (200, format!(r#"{{"applied":{}}}"#, paths.len()))
    );
    serve.quiet();
    let log = serve.log();
    let webhook = |path: &str| -> Value {
        let line = log
            .iter()
            .find(|l| l.contains(r#""kind":"webhook""#) && l.contains(&format!("/{path}\"")))
            .unwrap_or_else(|| panic!("no webhook to /{path} in {log:?}"));
        serde_json::from_str(line).expect("JSON line")
    };
    let ended: Vec<Value> = log
        .iter()
        .filter(|l| l.contains(r#""kind":"call""#) && l.contains("callEndedReason"))
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    // Five calls end, each for its own reason; the sixth (/ok) is up, paused.
    assert_eq!(ended.len(), 5, "{log:?}");
    let reasons: Vec<&str> = ended
        .iter()
        .filter_map(|l| l["callEndedReason"].as_str())
        .collect();
    assert_eq!(
        reasons.iter().filter(|r| **r == "webhookFailed").count(),
        4,
        "{reasons:?}"
    );
    assert_eq!(
        reasons.iter().filter(|r| **r == "appInvalidPercl").count(),
        1,
        "{reasons:?}"
    );
    assert_eq!(webhook("ok")["response"]["status"], 200);
    assert_eq!(webhook("slow")["response"]["status"], 0);
    assert_eq!(
        webhook("slow")["response"]["body"],
        "no answer within 500 ms"
    );
    assert_eq!(webhook("garbage")["response"]["status"], 200);
    assert_eq!(webhook("huge")["response"]["status"], 0);
    assert_eq!(
        webhook("huge")["response"]["body"],
        "the answer's body is over the 1048576-byte limit"
    );
    assert_eq!(webhook("error")["response"]["status"], 500);
    // The export replays to the same log.
    let file = sdk::root().join("target/serve-http-failures.json");
    std::fs::write(&file, serve.get("/conflab/scenario").1).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_conflab"))
        .args(["run", "--until", "1"])
        .arg(&file)
        .output()
        .expect("run");
    let replay: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(replay, log);
}

#[test]
fn with_concurrent_clients_each_response_is_sent_before_the_webhooks_it_causes() {
    const CLIENTS: usize = 8;
    let serve = start_serve(&["--clock", "real"]);
    let hooks = TcpListener::bind("127.0.0.1:0").expect("bind");
    let hooks_port = hooks.local_addr().expect("addr").port();
    let auth = basic(&serve.account_id, &serve.api_key);
    let path = format!("/apiserver/Accounts/{}/Conferences", serve.account_id);
    // Each client sends its request and does not read: when its conference's webhook arrives, the response must
    // already be in the client's socket (loopback: bytes written before the webhook's connect are there).
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let mut stream = TcpStream::connect(&serve.addr).expect("connect");
        let body = format!(
            r#"{{"alias":"c{i}","statusCallbackUrl":"http://127.0.0.1:{hooks_port}/c{i}"}}"#
        );
        let request = format!(
            "POST {path} HTTP/1.0\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).expect("send");
        clients.push(stream);
    }
    let mut seen = 0;
    let mut checked = [false; CLIENTS];
    while seen < CLIENTS {
        let (mut hook, _) = hooks.accept().expect("a webhook");
        let mut reader = BufReader::new(hook.try_clone().expect("clone"));
        let mut request_line = String::new();
        reader.read_line(&mut request_line).expect("request line");
        let i: usize = request_line
            .split(' ')
            .nth(1)
            .and_then(|p| p.strip_prefix("/c"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{request_line}"));
        clients[i].set_nonblocking(true).expect("nonblocking");
        let mut peek = [0u8; 16];
        let ready = clients[i].peek(&mut peek).unwrap_or(0);
        clients[i].set_nonblocking(false).expect("blocking");
        assert!(ready > 0, "client {i}'s webhook came before its response");
        assert!(
            peek.starts_with(b"HTTP/1.0 200") || peek.starts_with(b"HTTP/1.1 200"),
            "{:?}",
            String::from_utf8_lossy(&peek)
        );
        if !checked[i] {
            checked[i] = true;
            seen += 1;
        }
        let _ = hook.write_all(b"HTTP/1.0 204 No Content\r\n\r\n");
    }
    assert_eq!(checked, [true; CLIENTS]);
}

#[test]
fn sigterm_and_sigint_stop_the_server_cleanly_even_with_a_log_stream_open() {
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let mut serve = start_serve(&["--clock", "manual"]);
        // A follower of the log, which never ends by itself.
        let mut follower = TcpStream::connect(&serve.addr).expect("connect");
        follower
            .write_all(b"GET /conflab/log?follow=1 HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("send");
        let mut head = [0u8; 12];
        follower.read_exact(&mut head).expect("the stream starts");
        assert_eq!(&head, b"HTTP/1.1 200");
        assert_eq!(serve.get("/conflab/scenario").0, 200);
        // SAFETY: a signal to the child this test started.
        unsafe {
            libc::kill(serve.proc.0.id() as i32, signal);
        }
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(status) = serve.proc.0.try_wait().expect("wait") {
                break status;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "signal {signal}: the server did not stop"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "signal {signal}: {status:?}");
    }
}

#[test]
fn the_log_streams_as_server_sent_events_from_the_lines_so_far() {
    let serve = start_serve(&["--clock", "manual"]);
    let set = format!(
        r#"{{"set": {{"numbers": {{"{NUMBER}": {{"voiceUrl": "http://127.0.0.1:9/down"}}}}}}}}"#
    );
    assert_eq!(serve.post("/conflab/steps", &set).0, 200);
    let mut follower = TcpStream::connect(&serve.addr).expect("connect");
    follower
        .write_all(b"GET /conflab/log?follow=1 HTTP/1.0\r\nHost: x\r\n\r\n")
        .expect("send");
    let mut reader = BufReader::new(follower);
    let mut head = String::new();
    while reader.read_line(&mut head).expect("head") > 2 {}
    assert!(
        head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/event-stream"),
        "{head}"
    );
    let mut event = || {
        let mut data = String::new();
        reader.read_line(&mut data).expect("data line");
        let mut blank = String::new();
        reader.read_line(&mut blank).expect("blank line");
        assert_eq!(blank, "\n");
        data.strip_prefix("data: ")
            .expect("a data line")
            .trim_end()
            .to_owned()
    };
    // The catch-up: the line so far.
    let first = event();
    assert!(first.contains(r#""kind":"world""#), "{first}");
    // Then each new line, the same as GET /conflab/log gives.
    let dial = format!(r#"{{"dial": {{"from": "{CALLER}", "to": "{NUMBER}"}}}}"#);
    assert_eq!(serve.post("/conflab/steps", &dial).0, 200);
    serve.quiet();
    let log = serve.log();
    let streamed: Vec<String> = std::iter::once(first)
        .chain((1..log.len()).map(|_| event()))
        .collect();
    assert_eq!(streamed, log);
}
