//! Accessibility end to end: axe-core in headless Chromium on the page in use (the default world's scenario with
//! three phones in a conference in progress, a webhook line of the event log open, the lifecycle diagram lit), in
//! the light colour scheme and in the dark one. Every violation fails the test, listed with its rule, impact, help and target selectors.
//!
//! axe-core comes from npm (`./x setup` installs it under `~/.cache/wasm-tools`); `./x test` passes its path as
//! `CONFLAB_AXE_JS`. With `CONFLAB_UPDATE_SCREENSHOTS=1` the run also rewrites the README's screenshots,
//! `docs/screenshots/sandbox-{light,dark}.png` (1400×1001: the page at 70 % in a 2000×1430 window). The page as
//! `conflab serve`'s inspector (its banner, its controls with the session's replacing ones off) is checked too.
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the harness serves every e2e file; this one needs only part of it
mod harness;
#[path = "support/serve.rs"]
mod serve;

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

/// The README's screenshots: a 2000×1430 CSS-pixel window drawn at 0.7 device pixels per CSS pixel (the page at
/// 70 %, as Ctrl and minus show it), so the PNG is 1400×1001 and holds the whole tool in use.
const SCREENSHOT: (u32, u32) = (2000, 1430);
const SCREENSHOT_SCALE: &str = "--force-device-scale-factor=0.7";

/// The default world's numbers and phones (src/sandbox/default_world.json).
const CONFERENCE_LINE: &str = "+15550100000";
const HOST_LINE: &str = "+15550100001";

/// Presses "Next event" until the card of demo shows `status` with `participants` participants.
async fn next_until(browser: &Browser, what: &str, status: &str, participants: usize) {
    browser
        .wait_until(what, async || {
            let v = browser
                .js(r#"const c = document.querySelector('section.conference[data-alias="demo"]');
                   return c ? [c.querySelector('.status').dataset.status, c.querySelectorAll('li.participant').length] : null"#)
                .await;
            if v == json!([status, participants]) {
                return Ok(());
            }
            browser
                .js("const b = document.querySelector('#next-event'); if (!b.disabled) b.click();")
                .await;
            Err(format!("{v}"))
        })
        .await;
}

/// Uses the page as a learner does with the default world's scenario: three phones dial in (the Conference line
/// once, then the Host line twice), the clock steps until all three are in `demo` and it is in progress, the log is
/// filtered to conference status webhooks and the newest (the one that reported `inProgress`) is open, and the
/// lifecycle diagram shows demo.
async fn use_the_page(browser: &Browser) {
    browser.open("/").await;
    browser.wait_for_css("#session-example").await;
    browser.pause().await;
    // The Conference line's app creates demo after its welcome; then two callers of the Host line join it.
    browser.dial("+15550133333", CONFERENCE_LINE).await;
    next_until(browser, "demo to be populated", "populated", 1).await;
    browser.dial("+15550111111", HOST_LINE).await;
    browser.dial("+15550122222", HOST_LINE).await;
    next_until(
        browser,
        "three participants in demo, in progress",
        "inProgress",
        3,
    )
    .await;
    // The newest conferenceStatus webhook (the one that reported inProgress), opened.
    browser.type_text("#log-text", "conferenceStatus").await;
    browser
        .wait_for_css(r#"#events li.event[data-request-type="conferenceStatus"] summary"#)
        .await;
    browser
        .js(r#"const all = document.querySelectorAll('#events li.event[data-request-type="conferenceStatus"] summary');
               all[all.length - 1].click(); return true"#)
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
            "the lifecycle diagram to show demo in progress",
            "return document.querySelector('#lifecycle').dataset.lit",
            json!("inProgress"),
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
    let update = std::env::var_os("CONFLAB_UPDATE_SCREENSHOTS").is_some_and(|v| v == "1");
    let mut args = extra_args.to_vec();
    if update {
        args.push(SCREENSHOT_SCALE);
    }
    let browser = Browser::start_with(&format!("a11y-{scheme}"), &args).await;
    use_the_page(&browser).await;
    let dark = browser
        .js("return matchMedia('(prefers-color-scheme: dark)').matches")
        .await;
    assert_eq!(
        dark,
        Value::from(scheme == "dark"),
        "prefers-color-scheme: dark in the {scheme} run"
    );

    if update {
        // A desktop window (the window's size includes the browser's frame), at the top of the page: the band
        // with the clock and the timeline, the phones and the conference with its participants on the left, the
        // event log with the open webhook and the lifecycle diagram on the right.
        let (width, height) = SCREENSHOT;
        let frame = browser
            .js("return [outerWidth - innerWidth, outerHeight - innerHeight]")
            .await;
        let extra = |i: usize| u32::try_from(frame[i].as_u64().unwrap_or(0)).unwrap_or(0);
        browser
            .client
            .set_window_size(width + extra(0), height + extra(1))
            .await
            .unwrap_or_else(|e| panic!("resize the window: {e}"));
        browser.js("window.scrollTo(0, 0);").await;
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
        // Chromium rounds the window to whole device pixels: a CSS pixel or two more may show.
        let size = browser.js("return [innerWidth, innerHeight]").await;
        let near = |got: &Value, want: u32| {
            got.as_u64()
                .is_some_and(|g| g.abs_diff(u64::from(want)) <= 4)
        };
        assert!(
            near(&size[0], width) && near(&size[1], height),
            "the screenshot's viewport: {size}, not {width}×{height}"
        );
        // Everything the README says the picture shows is inside it.
        let outside = browser
            .js(r#"const view = [innerWidth, innerHeight];
const parts = {band: 'header.top', clock: '#clock', card: 'section.conference[data-alias="demo"] li.participant',
  log: '#events li.event.open .detail', diagram: '#lifecycle svg.diagram'};
return Object.entries(parts).filter(([_, css]) => {
  const e = document.querySelector(css); if (!e) return true;
  const r = e.getBoundingClientRect();
  return r.top < 0 || r.left < 0 || r.top + 40 > view[1] || r.right > view[0];
}).map(([name, _]) => name);"#)
            .await;
        assert_eq!(
            outside,
            json!([]),
            "parts of the page out of the screenshot"
        );
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

/// The page served by `conflab serve --clock manual` (attached: the banner, a call in progress, the session
/// panel's replacing controls off), light and dark.
#[tokio::test]
#[ignore = "needs dist/, Chromium and axe-core: run by ./x test"]
async fn no_axe_violations_on_the_page_attached_to_conflab_serve() {
    let axe = axe_source();
    let server = serve::start_serve_page(&harness::dist(), &["--clock", "manual"]);
    let (status, _) = server.post(
        "/conflab/steps",
        &format!(r#"{{"dial": {{"from": "+15550111111", "to": "{CONFERENCE_LINE}"}}}}"#),
    );
    assert_eq!(status, 200);
    server.advance(3_000);
    for (scheme, args) in [
        ("light", &[][..]),
        (
            "dark",
            &[
                "--force-dark-mode",
                "--blink-settings=preferredColorScheme=0",
            ][..],
        ),
    ] {
        let browser = Browser::start_with(&format!("a11y-attached-{scheme}"), args).await;
        browser
            .client
            .goto(&format!("http://{}/", server.addr))
            .await
            .expect("open the served page");
        browser.wait_for_css("#attached").await;
        browser
            .wait_for_js(
                "the server's call in the page",
                "const r = document.querySelector('li.phone[data-phone=\"+15550111111\"]'); return !!(r && r.dataset.callId)",
                Value::Bool(true),
            )
            .await;
        let violations = axe_violations(&browser, &axe).await;
        browser.screenshot(&format!("a11y-attached-{scheme}")).await;
        assert!(
            violations.is_empty(),
            "axe-core found {} violation(s) on the attached page ({scheme}):\n{}",
            violations.len(),
            violations.join("\n")
        );
        browser.finish().await;
    }
}
