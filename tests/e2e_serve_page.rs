//! The page as the inspector of `conflab serve`, end to end: `conflab serve --clock manual --page-dir dist` serves
//! the release page attached to itself, headless Chromium opens it, and (a) a step POSTed to `/conflab/steps` shows
//! in the page, (b) a control clicked in the page reaches the server's log, (c) the page's log equals the
//! server's `GET /conflab/log` line for line; the manual clock moves from the page, acting in the past is
//! refused, and a step the server refuses (400) shows its problems in the page's refusal line. Needs `dist/` (or `CONFLAB_DIST`) and Chromium, so it is `#[ignore]`d and `./x test` runs it.
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the harness serves every e2e file; this one needs only part of it
mod harness;
#[path = "support/serve.rs"]
mod serve;

use harness::Browser;
use serde_json::Value;

const CALLER: &str = "+15550111111";

/// The page's log (`window.conflabLog()`, set while attached) as JSON lines.
async fn page_log(browser: &Browser) -> Vec<String> {
    let text = browser
        .js("return window.conflabLog ? window.conflabLog() : null")
        .await;
    text.as_str()
        .unwrap_or_else(|| panic!("window.conflabLog is not set: {text}"))
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Waits until the page's log is the server's, line for line, and returns it.
async fn same_log(browser: &Browser, server: &serve::Serve) -> Vec<String> {
    browser
        .wait_until("the page's log to equal the server's", async || {
            let (page, served) = (page_log(browser).await, server.log());
            if page == served {
                Ok(page)
            } else {
                Err(format!(
                    "page {} lines, server {} lines; first difference at {:?}",
                    page.len(),
                    served.len(),
                    page.iter().zip(&served).position(|(a, b)| a != b)
                ))
            }
        })
        .await
}

fn now(server: &serve::Serve) -> u64 {
    let (_, info) = server.get("/conflab/info");
    let info: Value = serde_json::from_str(&info).expect("info is JSON");
    info["now"].as_u64().expect("now")
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_page_served_by_conflab_serve_shows_and_drives_the_server() {
    let server = serve::start_serve_page(&harness::dist(), &["--clock", "manual"]);
    let browser = Browser::start("serve-page").await;
    browser
        .client
        .goto(&format!("http://{}/", server.addr))
        .await
        .expect("open the served page");
    let banner = format!(
        "Attached to conflab serve at http://{}/apiserver (clock: manual)",
        server.addr
    );
    browser
        .wait_for_js(
            "the attachment banner",
            &format!(
                "const b = document.getElementById('attached'); return !!b && b.textContent.startsWith({})",
                Value::from(banner.as_str())
            ),
            Value::Bool(true),
        )
        .await;
    assert!(
        browser
            .js("return document.getElementById('clock-hint').textContent")
            .await
            .as_str()
            .is_some_and(|h| h.starts_with("The clock is conflab serve's manual one")),
        "the clock bar says whose clock it is"
    );
    // What would replace the server's session is not offered; the clock does not play here.
    assert_eq!(
        browser
            .js("return [!!document.getElementById('session-reset'), !!document.getElementById('session-import'), \
                 !!document.getElementById('session-example'), document.getElementById('play').disabled]")
            .await,
        serde_json::json!([false, false, false, true])
    );

    // (a) A step from outside shows in the page: the call, and the server's lines in its log.
    let (status, body) = server.post(
        "/conflab/steps",
        &format!(r#"{{"dial": {{"from": "{CALLER}", "to": "+15550100000"}}}}"#),
    );
    assert_eq!((status, body.as_str()), (200, r#"{"applied":1}"#));
    server.advance(3_000);
    let row = format!(r#"li.phone[data-phone="{CALLER}"]"#);
    let call_id = browser
        .wait_until("the caller's call to show in the page", async || {
            let v = browser
                .js(&format!(
                    "const r = document.querySelector('{row}'); return r ? (r.dataset.callId || null) : null"
                ))
                .await;
            v.as_str().map(str::to_owned).ok_or(format!("{v}"))
        })
        .await;
    assert!(call_id.starts_with("CA"), "{call_id}");
    // For a person to look at: target/e2e/serve-page-attached.png.
    browser.screenshot("serve-page-attached").await;
    let log = same_log(&browser, &server).await;
    assert!(
        log.len() >= 5,
        "a dial logs its webhooks and PerCL: {log:?}"
    );
    assert!(log.iter().any(|l| l.contains(&call_id)), "{log:?}");
    // The page's clock is the server's (a sync at 2.25 s may already show every line).
    browser
        .wait_for_js(
            "the page's clock to be the server's",
            "return document.getElementById('clock-time').dataset.ms",
            Value::from("3000"),
        )
        .await;

    // (b) A control in the page steps the server: Hang up.
    browser
        .click(&format!(r#"{row} button[aria-label^="Hang up"]"#))
        .await;
    let hung_up = |lines: &[String]| {
        lines
            .iter()
            .filter(|l| l.contains(&call_id) && l.contains(r#""status":"completed""#))
            .count()
    };
    browser
        .wait_until("the server to log the hang-up", async || {
            let lines = server.log();
            if hung_up(&lines) > 0 {
                Ok(())
            } else {
                Err(format!("{} lines, none completes {call_id}", lines.len()))
            }
        })
        .await;
    let (_, scenario) = server.get("/conflab/scenario");
    assert!(
        scenario.contains(&format!(
            r#"{{"at": 3000, "hangup": {{"phone": "{CALLER}"}}}}"#
        )),
        "the page's step is the server's: {scenario}"
    );

    // (c) The page's log is the server's, line for line.
    server.quiet();
    let log = same_log(&browser, &server).await;
    assert_eq!(hung_up(&log), 1, "{log:?}");

    // The manual clock moves from the page: Jump asks the server.
    browser.type_text("#jump-to", "00:05.000").await;
    browser.click("#jump-go").await;
    browser
        .wait_until("the server's clock to move to 5 s", async || {
            let now = now(&server);
            if now == 5_000 {
                Ok(())
            } else {
                Err(format!("now {now}"))
            }
        })
        .await;
    browser
        .wait_for_js(
            "the page's clock to follow",
            "return document.getElementById('clock-time').dataset.ms",
            Value::from("5000"),
        )
        .await;

    // Back in the past is a local view; acting there is refused, and the server is unchanged.
    browser.type_text("#jump-to", "00:01.000").await;
    browser.click("#jump-go").await;
    browser
        .wait_for_js(
            "the page to view 1 s",
            "return document.getElementById('clock-time').dataset.ms",
            Value::from("1000"),
        )
        .await;
    let before = server.log();
    browser
        .click(r#"li.phone[data-phone="+15550122222"] button[aria-label^="Dial"]"#)
        .await;
    browser
        .wait_for_js(
            "the refusal",
            "return [...document.querySelectorAll('main .alert:not(#world-refused)')].map(a => a.textContent).join(' | ')",
            Value::from(
                "You are viewing the server's past (00:01.000); conflab serve cannot fork its session, so go to its present (00:05.000) to act.",
            ),
        )
        .await;
    assert_eq!(server.log(), before, "a refused step reaches nothing");
    assert_eq!(now(&server), 5_000);

    browser.assert_no_console_problems().await;

    // Back at the present, a step the server refuses shows its problems in the refusal line: a REST request whose
    // body names a template the scenario format does not know.
    browser.type_text("#jump-to", "00:05.000").await;
    browser.click("#jump-go").await;
    browser
        .wait_for_js(
            "the page back at the present",
            "return document.getElementById('clock-time').dataset.ms",
            Value::from("5000"),
        )
        .await;
    browser.pick("#rc-endpoint", "POST /Conferences").await;
    browser
        .type_text(
            "#rc-body",
            r#"{"alias":"{{nobody}}","statusCallbackUrl":"https://app.test/conference-status"}"#,
        )
        .await;
    browser
        .wait_for_js(
            "Send to be enabled",
            "return document.querySelector('#rc-send').disabled",
            Value::Bool(false),
        )
        .await;
    browser.click("#rc-send").await;
    let refusal = browser
        .wait_until("the server's refusal", async || {
            let v = browser
                .js("return [...document.querySelectorAll('main .alert:not(#world-refused)')].map(a => a.textContent).join(' | ')")
                .await;
            let text = v.as_str().unwrap_or("").to_owned();
            if text.starts_with("The server refused the step: ") {
                Ok(text)
            } else {
                Err(text)
            }
        })
        .await;
    assert!(refusal.contains("/api/body/alias"), "{refusal}");
    assert_eq!(server.log(), before, "a refused step reaches nothing");
    // The browser reports the 400 itself; it is the only problem on its console.
    let console = browser
        .check_console()
        .await
        .expect_err("the browser logs the refused POST");
    assert!(
        console.contains("1 problem(s)")
            && console.contains("/conflab/steps")
            && console.contains("400"),
        "{console}"
    );
    browser.finish().await;
}

/// Under `--clock real` the page follows the server's clock, a forward jump goes only to the server's present,
/// and a control clicked in the page still steps the server, whose log the page then shows line for line.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn under_a_real_clock_the_page_follows_the_server() {
    let server = serve::start_serve_page(&harness::dist(), &[]);
    let browser = Browser::start("serve-page-real").await;
    browser
        .client
        .goto(&format!("http://{}/", server.addr))
        .await
        .expect("open the served page");
    browser
        .wait_for_js(
            "the attachment banner",
            "const b = document.getElementById('attached'); return !!b && b.textContent.includes('(clock: real)')",
            Value::Bool(true),
        )
        .await;
    // The page's clock moves with the server's, by itself (the page's own Play is off).
    let shown = |v: Value| v.as_str().and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    let first = browser
        .wait_until("the page's clock to show the server's time", async || {
            let ms = shown(
                browser
                    .js("return document.getElementById('clock-time').dataset.ms")
                    .await,
            );
            if ms > 0 { Ok(ms) } else { Err(format!("{ms}")) }
        })
        .await;
    browser
        .wait_until("the page's clock to move on", async || {
            let ms = shown(
                browser
                    .js("return document.getElementById('clock-time').dataset.ms")
                    .await,
            );
            if ms > first {
                Ok(())
            } else {
                Err(format!("{ms}"))
            }
        })
        .await;
    assert!(
        shown(
            browser
                .js("return document.getElementById('clock-time').dataset.ms")
                .await
        ) <= now(&server),
        "the page never runs ahead of the server"
    );
    assert_eq!(
        browser
            .js("return document.getElementById('play').disabled")
            .await,
        Value::Bool(true)
    );
    // A jump far ahead goes to the server's present, not past it.
    browser.type_text("#jump-to", "59:00.000").await;
    browser.click("#jump-go").await;
    let after = shown(
        browser
            .js("return document.getElementById('clock-time').dataset.ms")
            .await,
    );
    assert!(after < 3_540_000 && after <= now(&server), "{after}");

    // A click in the page steps the server.
    browser.dial(CALLER, "+15550100000").await;
    let served = server.log();
    assert!(served.iter().any(|l| l.contains(CALLER)), "{served:?}");
    let (_, scenario) = server.get("/conflab/scenario");
    assert!(
        scenario.contains(&format!(
            r#""dial": {{"from": "{CALLER}", "to": "+15550100000"}}"#
        )),
        "{scenario}"
    );
    same_log(&browser, &server).await;
    browser.assert_no_console_problems().await;
    browser.finish().await;
}
