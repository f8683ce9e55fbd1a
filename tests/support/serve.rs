//! `conflab serve` as a child process for the serve tests: started on a free port in its own process group
//! (killed by group on drop), its banner read for the address and credentials, and a small HTTP/1.0 client
//! for the test side (the server side is hyper's). Include with `#[path = "support/serve.rs"] mod serve;`.

// Each test binary uses part of it.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child in its own process group, killed by group on drop.
pub struct Proc(pub Child);

impl Proc {
    pub fn spawn(cmd: &mut Command) -> Proc {
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
pub struct Serve {
    pub proc: Proc,
    pub addr: String,
    pub account_id: String,
    pub api_key: String,
}

/// Starts `conflab serve --port 0 ARGS… --page-dir DIST` on the page's default world: the page attached to it.
pub fn start_serve_page(dist: &std::path::Path, args: &[&str]) -> Serve {
    let world = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/sandbox/default_world.json"
    );
    let mut all = args.to_vec();
    all.extend(["--page-dir", dist.to_str().expect("UTF-8 path"), world]);
    start_serve(&all)
}

/// Starts `conflab serve --port 0 ARGS…` and reads its banner.
pub fn start_serve(args: &[&str]) -> Serve {
    let mut proc = Proc::spawn(
        Command::new(env!("CARGO_BIN_EXE_conflab"))
            .args(["serve", "--port", "0"])
            .args(args),
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
pub fn http(
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
    pub fn get(&self, path: &str) -> (u16, String) {
        http(&self.addr, "GET", path, &[], "")
    }
    pub fn post(&self, path: &str, body: &str) -> (u16, String) {
        http(&self.addr, "POST", path, &[], body)
    }
    pub fn base(&self) -> String {
        format!("http://{}/apiserver", self.addr)
    }
    /// Waits until no webhook awaits its answer (with the manual clock nothing else moves).
    pub fn quiet(&self) {
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
    pub fn advance(&self, ms: u64) {
        for _ in 0..ms / 250 {
            // Webhooks still out when the clock moves would take the 250 ms: let them come back first.
            self.quiet();
            let (status, _) = self.post("/conflab/clock", r#"{"advanceMs": 250}"#);
            assert_eq!(status, 200);
            self.quiet();
        }
    }
    pub fn log(&self) -> Vec<String> {
        self.get("/conflab/log")
            .1
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// `Basic base64(accountId:apiKey)`.
pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}
