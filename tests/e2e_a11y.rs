//! Accessibility end to end: axe-core in headless Chromium on the page in use (an example scenario loaded and run
//! to its end, a webhook line of the event log open, the lifecycle diagram shown), in the light colour scheme and
//! in the dark one. Every violation fails the test, listed with its rule, impact, help and target selectors.
//!
//! axe-core comes from npm (`./x setup` installs it under `~/.cache/wasm-tools`); `./x test` passes its path as
//! `CONFLAB_AXE_JS`. With `CONFLAB_UPDATE_SCREENSHOTS=1` the run also rewrites the README's screenshots,
//! `docs/screenshots/sandbox-{light,dark}.png` (1280×900).
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the harness serves every e2e file; this one needs only part of it
mod harness;

use harness::Browser;
use serde_json::{Value, json};

/// The axe-core script (`axe.min.js`), from `CONFLAB_AXE_JS`. Never skipped: a missing file fails the test.
fn axe_source() -> String {
    let path = std::env::var("CONFLAB_AXE_JS").unwrap_or_else(|_| {
        panic!(
            "CONFLAB_AXE_JS is not set: it names axe-core's axe.min.js (./x setup installs it; ./x test sets it, \
             e.g. CONFLAB_AXE_JS=$HOME/.cache/wasm-tools/node_modules/axe-core/axe.min.js)"
        )
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("CONFLAB_AXE_JS={path} cannot be read ({e}): run ./x setup to install axe-core")
    })
}

/// Loads the first example scenario from the Session panel, runs it to its end, opens a webhook line of the log
/// and shows the lifecycle diagram.
async fn use_the_page(browser: &Browser) {
    browser.open("/").await;
    browser.wait_for_css("#session-example").await;
    browser
        .js(
            "window.confirm = () => true; const s = document.querySelector('#session-example'); \
             s.value = '0'; s.dispatchEvent(new Event('change', {bubbles: true}));",
        )
        .await;
    browser
        .wait_until("the example to load", async || {
            let v = browser
                .js("return document.querySelector('#session-status').dataset.steps")
                .await;
            if v != json!("0") {
                Ok(())
            } else {
                Err(format!("steps {v}"))
            }
        })
        .await;
    browser
        .js("document.querySelector('#session-to-end').click();")
        .await;
    browser
        .wait_until("the scenario to run to its end", async || {
            let v = browser
                .js("return document.querySelector('#session-status').dataset.now")
                .await;
            if v != json!("0") {
                Ok(())
            } else {
                Err(format!("now {v}"))
            }
        })
        .await;
    // The log shows its first lines; open the first webhook line.
    browser
        .js("document.querySelector('ol#events').scrollTop = 0;")
        .await;
    browser
        .wait_for_css("#events li.event[data-kind=webhook] summary")
        .await;
    browser
        .js("document.querySelector('#events li.event[data-kind=webhook] summary').click();")
        .await;
    browser
        .wait_for_js(
            "a webhook line to open",
            "const l = document.querySelector('#events li.event.open[data-kind=webhook]'); \
             return !!(l && l.querySelector('details[open] .detail'));",
            json!(true),
        )
        .await;
    browser.wait_for_css("#lifecycle svg.diagram").await;
    browser
        .wait_for_js(
            "the lifecycle diagram to show a conference",
            "return !!document.querySelector('#lifecycle-last');",
            json!(true),
        )
        .await;
}

/// Injects axe-core and returns its violations, each as one readable line.
async fn axe_violations(browser: &Browser, axe: &str) -> Vec<String> {
    browser
        .client
        .execute(axe, vec![])
        .await
        .unwrap_or_else(|e| panic!("inject axe-core: {e}"));
    let result = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']})
               .then(r => done({version: axe.version, violations: r.violations.map(v => ({
                   id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))}))
               .catch(e => done({error: String(e)}));",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("run axe-core: {e}"));
    assert!(result["error"].is_null(), "axe.run failed: {result}");
    eprintln!("axe-core {}", result["version"]);
    result["violations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|v| {
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|n| {
                    format!(
                        "      {}\n        {}",
                        n["target"].as_str().unwrap_or("?"),
                        n["summary"]
                            .as_str()
                            .unwrap_or("")
                            .replace('\n', "\n        ")
                    )
                })
                .collect();
            format!(
                "  {} ({}, {} node(s)): {}\n{}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                nodes.len(),
                v["help"].as_str().unwrap_or(""),
                nodes.join("\n")
            )
        })
        .collect()
}

/// Runs the page in one colour scheme: checks the scheme took, saves the screenshot when asked, runs axe.
async fn check(scheme: &str, extra_args: &[&str]) {
    let axe = axe_source();
    let browser = Browser::start_with(&format!("a11y-{scheme}"), extra_args).await;
    use_the_page(&browser).await;
    let dark = browser
        .js("return matchMedia('(prefers-color-scheme: dark)').matches")
        .await;
    assert_eq!(
        dark,
        Value::from(scheme == "dark"),
        "prefers-color-scheme: dark in the {scheme} run"
    );

    if std::env::var_os("CONFLAB_UPDATE_SCREENSHOTS").is_some_and(|v| v == "1") {
        // A 1280×900 viewport (the window's size includes the browser's frame), scrolled to the work in progress:
        // the conferences on the left, the log with its open webhook line and the lifecycle diagram on the right.
        let frame = browser
            .js("return [outerWidth - innerWidth, outerHeight - innerHeight]")
            .await;
        let extra = |i: usize| u32::try_from(frame[i].as_u64().unwrap_or(0)).unwrap_or(0);
        browser
            .client
            .set_window_size(1280 + extra(0), 900 + extra(1))
            .await
            .unwrap_or_else(|e| panic!("resize the window: {e}"));
        browser
            .js("document.querySelector('ol#events').scrollTop = 0; \
                 const log = document.querySelector('section.log').getBoundingClientRect(); \
                 window.scrollTo(0, window.scrollY + log.top - 16);")
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let png = browser
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("screenshot: {e}"));
        let dir = harness::root().join("docs/screenshots");
        std::fs::create_dir_all(&dir).expect("create docs/screenshots");
        let path = dir.join(format!("sandbox-{scheme}.png"));
        std::fs::write(&path, &png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        eprintln!("wrote {} ({} bytes)", path.display(), png.len());
        let size = browser.js("return [innerWidth, innerHeight]").await;
        assert_eq!(size, json!([1280, 900]), "the screenshot's viewport");
    }

    let violations = axe_violations(&browser, &axe).await;
    browser.screenshot(&format!("a11y-{scheme}")).await;
    assert!(
        violations.is_empty(),
        "axe-core found {} violation(s) in the {scheme} colour scheme:\n{}",
        violations.len(),
        violations.join("\n")
    );
    browser.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/, Chromium and axe-core: run by ./x test"]
async fn no_axe_violations_in_the_light_scheme() {
    check("light", &[]).await;
}

#[tokio::test]
#[ignore = "needs dist/, Chromium and axe-core: run by ./x test"]
async fn no_axe_violations_in_the_dark_scheme() {
    check(
        "dark",
        &[
            "--force-dark-mode",
            "--blink-settings=preferredColorScheme=0",
        ],
    )
    .await;
}
