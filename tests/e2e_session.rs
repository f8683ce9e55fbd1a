//! The live session end to end: the postMessage contract of docs/embed.md from a real parent page, a reload that
//! restores the session, an import of a broken file, and a permalink opened in a fresh profile. Like `tests/e2e.rs`
//! they need `dist/` and Chromium, so each is `#[ignore]`d and `./x test` runs them.
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the harness serves every e2e file; this one needs only part of it
mod harness;

use harness::Browser;
use serde_json::{Value, json};

const ISSUE: &str = include_str!("../src/scenario/example.json");

/// A parent page that embeds the sandbox, keeps every message it posts (`window.received`) and sends what the
/// test asks (`window.send`), listening before the frame loads, as docs/embed.md says.
const PARENT: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>conflab e2e parent</title></head>
<body>
<iframe id="sandbox" width="1000" height="700"></iframe>
<script>
  const frame = document.getElementById("sandbox");
  window.received = [];
  window.send = (m) => frame.contentWindow.postMessage(m, "*");
  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow || !event.data || !event.data.conflab) return;
    window.received.push(event.data);
  });
  // The log as the contract tells a parent to keep it: log lines appended, rewound truncating.
  window.posted = () => {
    const lines = [];
    for (const m of window.received) {
      if (m.conflab === "log") lines.push(JSON.stringify(m.line));
      if (m.conflab === "rewound") lines.length = m.lines;
    }
    return lines;
  };
  frame.src = "index.html";
</script>
</body></html>
"#;

const PARENT_FILE: &str = "e2e-session-parent.html";

/// Puts the parent page next to `index.html` in the served folder.
fn write_parent() {
    let dist = harness::dist();
    std::fs::write(dist.join(PARENT_FILE), PARENT).expect("write the parent page into dist/");
}

/// Sends `message` from the parent and waits for the `n`th message of kind `answer` (counting from 1).
async fn send_and_wait(browser: &Browser, message: &Value, answer: &str, n: usize) -> Value {
    browser.js(&format!("window.send({message});")).await;
    browser
        .wait_until(&format!("{answer} #{n}"), async || {
            let v = browser
                .js(&format!(
                    "const a = window.received.filter(m => m.conflab === {answer:?}); return a.length >= {n} ? a[{n} - 1] : null;"
                ))
                .await;
            if v.is_null() {
                Err(format!("{answer}s so far: fewer than {n}"))
            } else {
                Ok(v)
            }
        })
        .await
}

async fn posted(browser: &Browser) -> Vec<String> {
    serde_json::from_value(browser.js("return window.posted()").await).expect("lines")
}

/// The parent asks for the session (export) and gets the scenario's text as `conflab` writes it.
async fn export(browser: &Browser, n: usize) -> Value {
    send_and_wait(browser, &json!({"conflab": "export"}), "scenario", n).await["scenario"].clone()
}

/// A browser on the parent page with the sandbox embedded, `ready` received and the issue's example loaded
/// (the first message answered).
async fn embedded_with_the_issue_example(name: &str) -> Browser {
    write_parent();
    let browser = Browser::start(name).await;
    browser.open(&format!("/{PARENT_FILE}")).await;
    browser
        .wait_for_js(
            "ready",
            "return window.received.length > 0 && window.received[0].conflab",
            json!("ready"),
        )
        .await;
    let scenario: Value = serde_json::from_str(ISSUE).unwrap();
    send_and_wait(
        &browser,
        &json!({"conflab": "load", "scenario": scenario}),
        "loaded",
        1,
    )
    .await;
    browser
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn a_parent_page_drives_the_sandbox_by_the_postmessage_contract() {
    let browser = embedded_with_the_issue_example("session-embed").await;
    send_and_wait(
        &browser,
        &json!({"conflab": "advance", "to": 1500}),
        "advanced",
        1,
    )
    .await;
    // A step has no answer: the advance after it is answered once its lines are posted.
    browser
        .js(r#"window.send({conflab: "step", step: {digits: {phone: "+15550111111", digits: "1"}}});"#)
        .await;
    let advanced = send_and_wait(
        &browser,
        &json!({"conflab": "advance", "to": 6000}),
        "advanced",
        2,
    )
    .await;
    assert_eq!(advanced, json!({"conflab": "advanced", "now": 6000}));
    let exported = export(&browser, 1).await;
    let text = serde_json::to_string(&exported).unwrap();
    let lines = posted(&browser).await;
    assert!(lines.len() > 10, "the session did something: {lines:?}");
    assert_eq!(
        lines,
        harness::native_log(&text, 6000),
        "the posted log is `conflab run --until 6000` of the export"
    );

    // Going back: the parent drops what is after the rewind, and the log is still the native one.
    send_and_wait(
        &browser,
        &json!({"conflab": "advance", "to": 2500}),
        "advanced",
        3,
    )
    .await;
    let rewound = browser
        .js("return window.received.filter(m => m.conflab === 'rewound').pop()")
        .await;
    assert_eq!(rewound["now"], 2500);
    assert_eq!(posted(&browser).await, harness::native_log(&text, 2500));

    // A broken step: an error with the exact place, and the session unchanged.
    let error = send_and_wait(
        &browser,
        &json!({"conflab": "step", "step": {"hangup": {"phone": "+15550111112"}}}),
        "error",
        1,
    )
    .await;
    assert_eq!(
        error["problems"].as_array().map(Vec::len),
        Some(1),
        "{error}"
    );
    assert_eq!(error["problems"][0]["pointer"], "/step/hangup/phone");
    assert_eq!(error["problems"][0]["line"], 1);
    assert_eq!(error["problems"][0]["column"], 45);
    let lines_before = posted(&browser).await;
    let again = export(&browser, 2).await;
    assert_eq!(again, exported, "the refused step changed nothing");
    assert_eq!(posted(&browser).await, lines_before);

    // Messages from anyone but the parent are ignored: the frame posting to itself (a script run in the frame's own
    // realm; posted from the parent's script, the source would be the parent).
    let count = browser.js("return window.received.length").await;
    browser
        .js(r#"const w = document.getElementById('sandbox').contentWindow; w.eval('window.postMessage({conflab: "advance", to: 9000}, "*")');"#)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(browser.js("return window.received.length").await, count);
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn a_reload_shows_the_same_log_at_the_same_time() {
    let browser = embedded_with_the_issue_example("session-reload").await;
    browser
        .js(r#"window.send({conflab: "step", step: {dial: {from: "+15550133333", to: "+15550100000"}}});"#)
        .await;
    send_and_wait(
        &browser,
        &json!({"conflab": "advance", "to": 4200}),
        "advanced",
        1,
    )
    .await;
    let before = posted(&browser).await;
    let status = "return document.getElementById('sandbox').contentDocument.querySelector('#session-status').dataset.now + '/' + \
                  document.getElementById('sandbox').contentDocument.querySelector('#session-status').dataset.lines";
    browser
        .wait_for_js(
            "the page's status",
            status,
            json!(format!("4200/{}", before.len())),
        )
        .await;

    // Reload the frame: ready again, then the restored session's lines.
    browser
        .js("window.received = []; document.getElementById('sandbox').contentWindow.location.reload();")
        .await;
    browser
        .wait_for_js(
            "ready again",
            "return window.received.length > 0 && window.received[0].conflab",
            json!("ready"),
        )
        .await;
    browser
        .wait_for_js(
            "the page's status after the reload",
            status,
            json!(format!("4200/{}", before.len())),
        )
        .await;
    browser
        .wait_for_js(
            "the restored lines",
            "return window.posted().length",
            json!(before.len()),
        )
        .await;
    assert_eq!(
        posted(&browser).await,
        before,
        "the same log after the reload"
    );
    browser.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn importing_a_broken_file_lists_every_problem_and_keeps_the_session() {
    let browser = Browser::start("session-import").await;
    browser.open("/").await;
    browser.wait_for_css("#session-import-text").await;
    browser.js("window.confirm = () => true;").await;
    // A good import first: the session to keep.
    browser
        .js(&format!(
            "const t = document.querySelector('#session-import-text'); t.value = {ISSUE:?}; \
             document.querySelector('#session-import').click();"
        ))
        .await;
    browser
        .wait_for_js(
            "the import",
            "return document.querySelector('#session-status').dataset.steps",
            json!("5"),
        )
        .await;
    let status = browser
        .js("return document.querySelector('#session-status').textContent")
        .await;
    // Three problems: an unknown key, a phone that is not E.164, a step out of time order.
    let broken = "{\n  \"sead\": 1,\n  \"numbers\": {\"+15550100000\": {}},\n  \"steps\": [\n    {\"at\": 5, \"dial\": {\"from\": \"555\", \"to\": \"+15550100000\"}},\n    {\"at\": 1, \"hangup\": {\"phone\": \"+15550111111\"}}\n  ]\n}";
    browser
        .js(&format!(
            "const t = document.querySelector('#session-import-text'); t.value = {broken:?}; \
             document.querySelector('#session-import').click();"
        ))
        .await;
    browser.wait_for_css("#session-import-errors li").await;
    let errors: Vec<String> = serde_json::from_value(
        browser
            .js("return [...document.querySelectorAll('#session-import-errors li')].map(li => li.textContent)")
            .await,
    )
    .unwrap();
    let expected = conflab::scenario::parse(broken).unwrap_err();
    let rendered: Vec<String> = expected.errors.iter().map(|e| e.render()).collect();
    assert!(rendered.len() >= 3, "{rendered:?}");
    assert_eq!(
        errors, rendered,
        "every problem, with its pointer and line:column"
    );
    assert!(errors[0].starts_with("2:3: error: /sead:"), "{errors:?}");
    assert_eq!(
        browser
            .js("return document.querySelector('#session-status').textContent")
            .await,
        status,
        "the session is kept"
    );
    assert_eq!(
        browser
            .js("return document.querySelector('#session-status').dataset.steps")
            .await,
        json!("5")
    );
    browser.finish().await;
}

/// Reads the permalink the page offers for its session.
async fn permalink(browser: &Browser) -> String {
    browser
        .js("document.querySelector('#session-permalink').click();")
        .await;
    browser.wait_for_css("#session-permalink-url").await;
    browser
        .wait_until("the permalink", async || {
            let v = browser
                .js("return document.querySelector('#session-permalink-url').value")
                .await;
            v.as_str()
                .filter(|s| s.contains("#s=s1."))
                .map(str::to_owned)
                .ok_or_else(|| format!("{v}"))
        })
        .await
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn a_permalink_opens_the_same_session_in_a_fresh_profile() {
    let first = Browser::start("session-permalink-1").await;
    first.open("/").await;
    first.wait_for_css("#session-import-text").await;
    first
        .js(&format!(
            "window.confirm = () => true; const t = document.querySelector('#session-import-text'); t.value = {ISSUE:?}; \
             document.querySelector('#session-import').click();"
        ))
        .await;
    first
        .wait_for_js(
            "the import",
            "return document.querySelector('#session-status').dataset.steps",
            json!("5"),
        )
        .await;
    first.run_to_end().await;
    let lines = first
        .js("return document.querySelector('#session-status').dataset.lines")
        .await;
    let link = permalink(&first).await;
    first.finish().await;

    let second = Browser::start("session-permalink-2").await;
    let fragment = &link[link.find('#').expect("a fragment")..];
    second.open(&format!("/{fragment}")).await;
    // The app mounts after the page loads.
    second.wait_for_css("#session-status").await;
    second
        .wait_for_js(
            "the linked session",
            "return document.querySelector('#session-status').dataset.steps",
            json!("5"),
        )
        .await;
    assert_eq!(
        second.js("return location.hash").await,
        json!(""),
        "the link is taken out of the address bar, so a reload restores the session as it is then"
    );
    assert_eq!(
        permalink(&second).await.split('#').nth(1),
        link.split('#').nth(1),
        "the same session"
    );
    second
        .js("document.querySelector('#session-to-end').click();")
        .await;
    second
        .wait_for_js(
            "the same log",
            "return document.querySelector('#session-status').dataset.lines",
            lines,
        )
        .await;
    second.finish().await;
}
