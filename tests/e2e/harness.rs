//! Browser end-to-end harness: serves the release build in `dist/` on loopback, starts chromedriver, and connects
//! fantoccini to a headless Chromium.
//!
//! Clean-up is by process group: the static server and chromedriver each start in their own group
//! (`process_group(0)`), and dropping a [`Browser`] kills each whole group with `libc::killpg(pgid, SIGKILL)`, so a
//! failing test leaves no Chromium behind. Never `pkill`/`killall` by name, and never `kill -KILL -<pgid>` through
//! the kill program: on this machine procps-ng 4.0.2 read that as "every process of the user".

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// How long a started process may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long [`Browser::wait_until`] polls before it gives up. Yew renders asynchronously, so every expected
/// state is polled for rather than slept for.
pub const WAIT: Duration = Duration::from_secs(5);
const POLL_EVERY: Duration = Duration::from_millis(50);

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The built page the tests serve: `dist/`, or the folder `CONFLAB_DIST` names (e.g. a private debug build);
/// it must hold `index.html`.
pub fn dist() -> PathBuf {
    let dist = std::env::var_os("CONFLAB_DIST").map_or_else(|| root().join("dist"), PathBuf::from);
    assert!(
        dist.join("index.html").is_file(),
        "{} is missing: run `trunk build --release --offline` first, or ./x test",
        dist.join("index.html").display()
    );
    dist
}

/// Where screenshots, process logs and Chromium profiles go: `target/e2e/`.
pub fn out_dir() -> PathBuf {
    let dir = root().join("target/e2e");
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// A port that was free a moment ago (the OS picks it; the small race is acceptable in tests).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
    listener.local_addr().expect("local address").port()
}

/// A child process in its own process group; dropping it kills the whole group.
struct Group {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Group {
    fn spawn(name: &'static str, command: &mut Command, log: PathBuf) -> Self {
        let out = File::create(&log).unwrap_or_else(|e| panic!("create {}: {e}", log.display()));
        let err = out.try_clone().expect("clone log file handle");
        command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let child = command.spawn().unwrap_or_else(|e| {
            panic!("could not start {name} ({:?}): {e}", command.get_program())
        });
        Self { name, child, log }
    }

    fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_else(|e| format!("(no log: {e})"))
    }

    /// Waits until `port` accepts connections, failing clearly if the process dies or the time runs out.
    fn wait_for_port(&mut self, port: u16) {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let start = Instant::now();
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before listening on {addr}; its log ({}):\n{}",
                    self.name,
                    self.log.display(),
                    self.log_text()
                );
            }
            if start.elapsed() > START_TIMEOUT {
                panic!(
                    "{} did not accept connections on {addr} within {START_TIMEOUT:?}; its log ({}):\n{}",
                    self.name,
                    self.log.display(),
                    self.log_text()
                );
            }
            std::thread::sleep(POLL_EVERY);
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        // process_group(0) made the child the leader of a new group whose id is its pid. Chromium, started by
        // chromedriver, is in chromedriver's group. A direct syscall, never the kill program (see the module docs).
        let pgid = libc::pid_t::try_from(self.child.id()).expect("pid fits pid_t");
        // SAFETY: killpg only sends a signal; pgid is the group this harness created.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// A directory removed on drop (the Chromium profile).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// One browser console entry, as chromedriver reports it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct LogEntry {
    pub level: String,
    pub message: String,
    #[serde(default)]
    pub source: Option<String>,
}

/// A headless Chromium looking at the release build in `dist/`.
///
/// Fields drop in order: the client, then chromedriver with Chromium (killed), then the profile folder, then the
/// static server.
pub struct Browser {
    pub client: Client,
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub base: String,
    name: String,
    driver_port: u16,
    _driver: Group,
    _profile: TempDir,
    _server: Group,
}

impl Browser {
    /// Serves `dist/` (or the folder `CONFLAB_DIST` names, e.g. a private debug build), starts chromedriver and
    /// opens a session. `name` names the screenshots and logs.
    pub async fn start(name: &str) -> Self {
        Self::start_with(name, &[]).await
    }

    /// [`Browser::start`] with extra Chromium command-line switches (e.g. a forced dark colour scheme).
    pub async fn start_with(name: &str, extra_args: &[&str]) -> Self {
        let dist = dist();
        let out = out_dir();

        let server_port = free_port();
        let mut server = Group::spawn(
            "static server (python3 -m http.server)",
            Command::new("python3")
                .args([
                    "-m",
                    "http.server",
                    &server_port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--directory",
                ])
                .arg(&dist),
            out.join(format!("{name}-server.log")),
        );
        server.wait_for_port(server_port);

        let driver_port = free_port();
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let mut driver = Group::spawn(
            "chromedriver",
            Command::new(&chromedriver).arg(format!("--port={driver_port}")),
            out.join(format!("{name}-chromedriver.log")),
        );
        driver.wait_for_port(driver_port);

        // A fresh profile per session, under target/ (never the user's home).
        let profile = out.join(format!("chrome-profile-{driver_port}"));
        let _ = fs::remove_dir_all(&profile);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities(&profile, extra_args))
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
            .unwrap_or_else(|e| {
                panic!("could not open a chromedriver session on port {driver_port}: {e}\nchromedriver log:\n{}", driver.log_text())
            });

        Self {
            client,
            base: format!("http://127.0.0.1:{server_port}"),
            name: name.to_owned(),
            driver_port,
            _driver: driver,
            _profile: TempDir(profile),
            _server: server,
        }
    }

    /// Opens `path` (e.g. `/`) on the static server.
    pub async fn open(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Closes the WebDriver session (Chromium exits cleanly); the process groups go on drop.
    pub async fn finish(self) {
        let client = self.client.clone();
        client.close().await.expect("close the WebDriver session");
    }

    /// Saves a PNG screenshot to `target/e2e/<file>.png` and returns its path.
    pub async fn screenshot(&self, file: &str) -> PathBuf {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("screenshot {file}: {e}"));
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        let path = out_dir().join(format!("{file}.png"));
        fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Runs `script` in the page (a function body; `return` a value) and returns what it returned.
    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls `probe` every 50 ms until it returns `Ok`, for at most [`WAIT`]. On timeout it saves a screenshot
    /// `target/e2e/<name>-timeout.png` and fails with `what` and the last `Err` the probe gave (its view of the page).
    pub async fn wait_until<T>(
        &self,
        what: &str,
        mut probe: impl AsyncFnMut() -> Result<T, String>,
    ) -> T {
        let start = Instant::now();
        loop {
            let last = match probe().await {
                Ok(value) => return value,
                Err(last) => last,
            };
            if start.elapsed() > WAIT {
                let shot = self.screenshot(&format!("{}-timeout", self.name)).await;
                panic!(
                    "timed out after {WAIT:?} waiting for {what}.\nLast seen: {last}\nScreenshot: {}",
                    shot.display()
                );
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// Polls `script` (a function body that `return`s a value) until it returns `expected`, as [`Browser::wait_until`]
    /// does, naming `what` and the last value seen on timeout.
    pub async fn wait_for_js(&self, what: &str, script: &str, expected: Value) {
        self.wait_until(what, async || {
            let v = self.js(script).await;
            if v == expected {
                Ok(())
            } else {
                Err(format!("{v}"))
            }
        })
        .await
    }

    /// Waits for an element matching the CSS selector.
    pub async fn wait_for_css(&self, css: &str) -> Element {
        self.wait_until(&format!("an element matching `{css}`"), async || {
            self.client
                .find(Locator::Css(css))
                .await
                .map_err(|e| e.to_string())
        })
        .await
    }

    /// The one button inside `scope_css` whose visible text is `text`. Fails if there is none or several.
    pub async fn button(&self, scope_css: &str, text: &str) -> Element {
        let candidates = self
            .client
            .find_all(Locator::Css(&format!("{scope_css} button")))
            .await
            .unwrap_or_else(|e| panic!("find buttons in `{scope_css}`: {e}"));
        let mut found = Vec::new();
        for button in candidates {
            if button
                .text()
                .await
                .map(|t| t.trim() == text)
                .unwrap_or(false)
            {
                found.push(button);
            }
        }
        assert_eq!(
            found.len(),
            1,
            "expected exactly one `{text}` button in `{scope_css}`, found {}",
            found.len()
        );
        found.pop().expect("one button")
    }

    /// Sets the checkbox matching `css` to `checked` by clicking it (as a user would), and checks it took.
    pub async fn set_checkbox(&self, css: &str, checked: bool) {
        let checkbox = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find `{css}`: {e}"));
        assert_eq!(
            checkbox.attr("type").await.expect("read type").as_deref(),
            Some("checkbox"),
            "`{css}` is not a checkbox"
        );
        if checkbox.is_selected().await.expect("read checked") != checked {
            checkbox
                .click()
                .await
                .unwrap_or_else(|e| panic!("click `{css}`: {e}"));
        }
        self.wait_until(&format!("`{css}` to be checked={checked}"), async || {
            let checkbox = self
                .client
                .find(Locator::Css(css))
                .await
                .map_err(|e| e.to_string())?;
            let now = checkbox.is_selected().await.map_err(|e| e.to_string())?;
            if now == checked {
                Ok(())
            } else {
                Err(format!("checked={now}"))
            }
        })
        .await;
    }

    /// Everything the browser console logged since the last call (chromedriver hands each entry out once).
    ///
    /// chromedriver 156 answers the legacy log endpoint `POST /session/{id}/se/log` with `{"type": "browser"}`
    /// (and `POST /session/{id}/log`); the session asks for `"goog:loggingPrefs": {"browser": "ALL"}`.
    pub async fn browser_log(&self) -> Vec<LogEntry> {
        let session = self
            .client
            .session_id()
            .await
            .expect("ask for the session id")
            .expect("the session has an id");
        let port = self.driver_port;
        let path = format!("/session/{session}/se/log");
        let reply =
            tokio::task::spawn_blocking(move || post_json(port, &path, r#"{"type":"browser"}"#))
                .await
                .expect("log request thread")
                .unwrap_or_else(|e| panic!("fetch the browser log from chromedriver: {e}"));
        serde_json::from_value(reply["value"].clone())
            .unwrap_or_else(|e| panic!("unexpected browser log reply ({e}): {reply}"))
    }

    /// `Err` listing every SEVERE or WARNING console entry since the last check, `Ok` when there are none.
    pub async fn check_console(&self) -> Result<(), String> {
        let problems: Vec<String> = self
            .browser_log()
            .await
            .into_iter()
            .filter(|entry| entry.level == "SEVERE" || entry.level == "WARNING")
            .map(|entry| {
                format!(
                    "  {} [{}] {}",
                    entry.level,
                    entry.source.as_deref().unwrap_or("?"),
                    entry.message
                )
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the browser console has {} problem(s):\n{}",
                problems.len(),
                problems.join("\n")
            ))
        }
    }

    /// Dials `number` (one of the account's numbers) from `phone` in the Phones panel, as a learner would: picks
    /// the number in the phone's select and clicks its Dial button.
    pub async fn dial(&self, phone: &str, number: &str) {
        let row = format!(r#"li.phone[data-phone="{phone}"]"#);
        self.wait_for_css(&row).await;
        let picked = self
            .js(&format!(
                r#"const s = document.querySelector('{row} select'); s.value = '{number}'; return s.value"#
            ))
            .await;
        assert_eq!(picked, Value::from(number), "{phone} can dial {number}");
        self.button(&row, "Dial")
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click Dial on {phone}: {e}"));
        self.wait_until(&format!("{phone} to be on a call"), async || {
            let v = self
                .js(&format!(
                    r#"return document.querySelector('{row}').dataset.callId || null"#
                ))
                .await;
            v.as_str().map(str::to_owned).ok_or(format!("{v}"))
        })
        .await;
    }

    /// Clicks the element matching `css` through the DOM (`element.click()`, so one below the fold or under
    /// another needs no scrolling), failing if there is none.
    pub async fn click(&self, css: &str) {
        let found = self
            .js(&format!(
                "const b = document.querySelector({css:?}); if (!b) return false; b.click(); return true;"
            ))
            .await;
        assert_eq!(found, Value::Bool(true), "{css} is on the page");
    }

    /// Picks `value` in the select matching `css` as a person's pick does (the change event bubbles to Yew's
    /// listener), failing unless the select offers it.
    pub async fn pick(&self, css: &str, value: &str) {
        let got = self
            .js(&format!(
                "const s = document.querySelector({css:?}); s.value = {value:?}; \
                 s.dispatchEvent(new Event('change', {{bubbles: true}})); return s.value;"
            ))
            .await;
        assert_eq!(got, Value::from(value), "{css} offers {value}");
    }

    /// Types `text` into the text field or area matching `css` (one input event with the whole text).
    pub async fn type_text(&self, css: &str, text: &str) {
        let found = self
            .js(&format!(
                "const t = document.querySelector({css:?}); if (!t) return false; t.value = {text:?}; \
                 t.dispatchEvent(new InputEvent('input', {{bubbles: true}})); return true;"
            ))
            .await;
        assert_eq!(found, Value::Bool(true), "{css} is on the page");
    }

    /// Pauses the virtual clock (a fresh page plays in real time), so that each change after it is one the test
    /// made, and waits until the clock says so.
    pub async fn pause(&self) {
        self.wait_for_css("#clock").await;
        self.js("const c = document.querySelector('#clock'); \
                 if (c.dataset.playing === 'true') document.querySelector('#play').click(); return true")
            .await;
        self.wait_for_clock(false).await;
    }

    /// Waits until the clock says it plays (`true`) or is paused.
    pub async fn wait_for_clock(&self, playing: bool) {
        self.wait_for_js(
            if playing {
                "the clock to play"
            } else {
                "the clock to pause"
            },
            "return document.querySelector('#clock').dataset.playing",
            Value::from(playing.to_string()),
        )
        .await;
    }

    /// Presses the Session panel's "Run to the end" and waits until the clock has left 0.
    pub async fn run_to_end(&self) {
        self.click("#session-to-end").await;
        self.wait_until("the session to run to its end", async || {
            let v = self
                .js("return document.querySelector('#session-status').dataset.now")
                .await;
            if v != "0" {
                Ok(())
            } else {
                Err(format!("now {v}"))
            }
        })
        .await;
    }

    /// Waits until the event log's text holds `text` `n` times.
    pub async fn log_says(&self, text: &str, n: usize) {
        self.wait_for_js(
            &format!("the log to say “{text}” {n} time(s)"),
            &format!(
                "return document.getElementById('events').textContent.split({}).length - 1",
                Value::from(text)
            ),
            Value::from(n),
        )
        .await;
    }

    /// Fails listing every console error or warning since the last check.
    pub async fn assert_no_console_problems(&self) {
        if let Err(problems) = self.check_console().await {
            panic!("{problems}");
        }
    }
}

/// WebDriver capabilities for headless Chromium as root on a closed network (see ../shared/toolchain-notes.md §6b).
fn capabilities(profile: &Path, extra_args: &[&str]) -> serde_json::Map<String, Value> {
    let binary = std::env::var("CONFLAB_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut caps = json!({
        "goog:chromeOptions": {
            "binary": binary,
            "args": [
                "--headless=new",
                "--no-sandbox", // we run as root
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--disable-crash-reporter",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
            ],
        },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    if let Some(args) = caps["goog:chromeOptions"]["args"].as_array_mut() {
        args.extend(extra_args.iter().map(|a| Value::from(*a)));
    }
    match caps {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

/// A minimal HTTP/1.1 JSON POST to chromedriver on loopback (fantoccini has no command for the log endpoint,
/// and this avoids another dependency). chromedriver keeps the connection open despite `Connection: close`, so
/// the reply is read up to its `Content-Length` (or the last chunk), not to the end of the stream.
fn post_json(port: u16, path: &str, body: &str) -> Result<Value, String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| format!("send: {e}"))?;

    let mut reply = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf).map_err(|e| format!("read: {e}"))?;
        reply.extend_from_slice(&buf[..n]);
        if let Some(content) = complete_body(&reply)? {
            let head_end = reply.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0);
            let status = String::from_utf8_lossy(&reply[..head_end])
                .lines()
                .next()
                .unwrap_or("")
                .to_owned();
            if !status.contains(" 200") {
                return Err(format!("{status}\n{}", String::from_utf8_lossy(&content)));
            }
            return serde_json::from_slice(&content)
                .map_err(|e| format!("not JSON ({e}): {}", String::from_utf8_lossy(&content)));
        }
        if n == 0 {
            return Err(format!(
                "connection closed mid-reply: {:?}",
                String::from_utf8_lossy(&reply)
            ));
        }
    }
}

/// The body of a complete HTTP reply in `reply`, or `None` while more bytes are needed.
fn complete_body(reply: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let Some(head_end) = reply.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = String::from_utf8_lossy(&reply[..head_end]).to_ascii_lowercase();
    let body = &reply[head_end + 4..];
    if head.contains("transfer-encoding: chunked") {
        return dechunk(body);
    }
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map(|v| {
            v.trim()
                .parse::<usize>()
                .map_err(|e| format!("bad Content-Length {v:?}: {e}"))
        })
        .transpose()?
        .ok_or("the reply has neither Content-Length nor chunked encoding")?;
    Ok((body.len() >= length).then(|| body[..length].to_vec()))
}

/// Decodes an HTTP/1.1 chunked body, or `None` while it is incomplete.
fn dechunk(mut data: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") else {
            return Ok(None);
        };
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|e| format!("bad chunk size {size_hex:?}: {e}"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(Some(out));
        }
        if data.len() < size + 2 {
            return Ok(None);
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// `conflab run --until now` of `exported` (a session's export), as JSON lines, without the closing note a run
/// prints when it stops: what the page's log must equal.
pub fn native_log(exported: &str, now: u64) -> Vec<String> {
    let scenario = conflab::scenario::parse(exported).expect("the export reads back");
    let mut lines = conflab::engine::run_scenario(&scenario, Some(now));
    if lines
        .last()
        .is_some_and(conflab::engine::runner::is_closing_note)
    {
        lines.pop();
    }
    conflab::engine::log::to_jsonl(&lines)
        .lines()
        .map(str::to_owned)
        .collect()
}
