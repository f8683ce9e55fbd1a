//! The world editor end to end: an app edit changes what the next call hears (a call before it heard the old
//! text), PerCL with errors is marked inline and disables Apply, a phone's answer mode is applied and shown, and
//! the export holds the `set` steps and replays to the page's log. Like `tests/e2e.rs` they need `dist/` and
//! Chromium, so each is `#[ignore]`d and `./x test` runs them.
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the harness serves every e2e file; this one needs only part of it
mod harness;

use harness::Browser;
use serde_json::json;

const INBOUND: &str = "https://app.test/inbound";
const OLD_TEXT: &str = "Welcome to the conflab demo";
const NEW_TEXT: &str = "Edited welcome from the world editor";

/// The row of an app URL in the world editor.
fn app_row(url: &str) -> String {
    format!(r#"#world .world-url[data-url="{url}"]"#)
}

/// Replaces the text of the inbound URL's PerCL as typing would (an `input` event).
async fn type_percl(browser: &Browser, js_replace: &str) {
    browser
        .js(&format!(
            r#"const ta = document.querySelector('{} textarea');
               ta.value = {js_replace};
               ta.dispatchEvent(new Event('input', {{bubbles: true}}));
               return true"#,
            app_row(INBOUND)
        ))
        .await;
}

async fn apply_enabled(browser: &Browser) -> bool {
    browser
        .js("return !document.getElementById('world-apply').disabled")
        .await
        == json!(true)
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn an_app_edit_changes_what_the_next_call_hears_and_the_export_replays_it() {
    let browser = Browser::start("explorer-world").await;
    browser.open("/").await;
    browser.wait_for_css("#world #world-apply").await;
    // Nothing edited: nothing to apply.
    assert!(!apply_enabled(&browser).await, "Apply starts disabled");

    // A call before the edit hears the old welcome.
    browser.dial("+15550111111", "+15550100000").await;
    browser.log_says(OLD_TEXT, 1).await;

    // Edit the Say text: the change to apply is shown, and Apply is enabled.
    type_percl(
        &browser,
        &format!("ta.value.replace({}, {})", json!(OLD_TEXT), json!(NEW_TEXT)),
    )
    .await;
    browser
        .wait_until("the change to apply", async || {
            let change = browser
                .js("const c = document.getElementById('world-change'); return c ? c.textContent : null")
                .await;
            match change.as_str() {
                Some(c) if c.contains(NEW_TEXT) && c.contains(INBOUND) => Ok(()),
                _ => Err(format!("{change}")),
            }
        })
        .await;
    assert!(apply_enabled(&browser).await);
    browser.click("#world-apply").await;
    browser
        .wait_for_js(
            "nothing left to apply",
            "return document.getElementById('world-apply').disabled",
            json!(true),
        )
        .await;

    // The next call hears the new text; the first call's line still says the old one.
    browser.dial("+15550122222", "+15550100000").await;
    browser.log_says(NEW_TEXT, 1).await;
    browser.log_says(OLD_TEXT, 1).await;

    // PerCL with errors: marked inline, listed, placed on its field, and Apply is disabled.
    type_percl(&browser, r#"'[{"Sya": {"text": "hi"}}]'"#).await;
    let row = app_row(INBOUND);
    browser
        .wait_for_js(
            "the problems marked inline",
            &format!(
                "return document.querySelectorAll('{row} .backdrop mark.error').length > 0 \
                 && document.querySelectorAll('{row} li.diagnostic.error').length > 0 \
                 && document.querySelector('{row} .percl-summary').dataset.errors !== '0'"
            ),
            json!(true),
        )
        .await;
    browser
        .wait_for_js(
            "the PerCL problem on its field",
            &format!("return document.querySelectorAll('{row} .field-problem').length > 0"),
            json!(true),
        )
        .await;
    assert!(!apply_enabled(&browser).await, "Apply is disabled");
    assert_ne!(
        browser
            .js("return document.getElementById('world-status').dataset.problems")
            .await,
        json!("0")
    );
    // A URL that is not http(s) is refused at its field too.
    browser
        .js(&format!(
            r#"const i = document.querySelector('{row} input[id$="-url"]');
               i.value = 'ftp://app.test/inbound'; i.dispatchEvent(new Event('input', {{bubbles: true}})); return true"#
        ))
        .await;
    browser
        .wait_for_js(
            "the URL marked invalid",
            r#"return [...document.querySelectorAll('#world .world-url input[id$="-url"]')].some(i => i.getAttribute('aria-invalid') === 'true')"#,
            json!(true),
        )
        .await;
    browser.click("#world-revert").await;
    browser
        .wait_for_js(
            "the draft back to the world",
            "return document.getElementById('world-status').dataset.problems + '/' + document.getElementById('world-apply').disabled",
            json!("0/true"),
        )
        .await;

    // A phone set to busy: applied, and the world shown says so.
    let phone = "+15550144444";
    let answer = format!(r#"#world .world-row[data-phone="{phone}"] select[id$="-answer"]"#);
    browser
        .js(&format!(
            r#"const s = document.querySelector('{answer}'); s.value = 'busy';
               s.dispatchEvent(new Event('change', {{bubbles: true}})); return true"#
        ))
        .await;
    browser
        .wait_until("the phone's change to apply", async || {
            let change = browser
                .js("const c = document.getElementById('world-change'); return c ? c.textContent : null")
                .await;
            match change.as_str() {
                Some(c) if c.contains(phone) && c.contains("busy") => Ok(()),
                _ => Err(format!("{change}")),
            }
        })
        .await;
    browser.click("#world-apply").await;
    browser
        .wait_for_js(
            "the phone busy in the world shown, nothing left to apply",
            &format!(
                "return document.querySelector('{answer}').value + '/' + document.getElementById('world-apply').disabled"
            ),
            json!("busy/true"),
        )
        .await;

    // The export holds both set steps and replays to the page's log.
    browser.pause().await;
    browser.click("#session-export").await;
    let exported = browser
        .wait_until("the exported text", async || {
            let v = browser
                .js("const t = document.getElementById('session-export-text'); return t ? t.value : null")
                .await;
            v.as_str()
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .ok_or(format!("{v}"))
        })
        .await;
    let status = browser
        .js("const s = document.getElementById('session-status'); return [s.dataset.now, s.dataset.lines]")
        .await;
    let now: u64 = status[0].as_str().unwrap().parse().unwrap();
    let lines: usize = status[1].as_str().unwrap().parse().unwrap();
    assert_eq!(exported.matches("\"set\"").count(), 2, "{exported}");
    let replayed = harness::native_log(&exported, now);
    assert_eq!(replayed.len(), lines, "the replay has the page's lines");
    let world_lines = replayed
        .iter()
        .filter(|l| l.contains(r#""kind":"world""#))
        .count();
    assert_eq!(world_lines, 2, "one world line per set step");
    let old = replayed
        .iter()
        .position(|l| l.contains(OLD_TEXT))
        .expect("the old text");
    let new = replayed
        .iter()
        .position(|l| l.contains(NEW_TEXT) && !l.contains(r#""kind":"world""#))
        .expect("the new text heard");
    assert!(old < new);
    browser.assert_no_console_problems().await;
    browser.finish().await;
}
