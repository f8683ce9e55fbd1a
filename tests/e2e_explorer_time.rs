//! The clock and time travel end to end (the issue "The explorer"): stepping back and forward gives the same
//! log, the speed scales the clock, "jump to" shows the time typed, scrubbing the timeline strip moves the clock,
//! and a step in the past asks before it forks the session (cancelled, nothing changes). The pure parts (the
//! speed's scaling, reading a time, the strip's marks and positions, the question) have native tests in
//! `src/page.rs`. Like `tests/e2e.rs` these need `dist/` and Chromium, so each is `#[ignore]`d and `./x test`
//! runs them.
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the harness serves every e2e file; this one needs only part of it
mod harness;

use fantoccini::Locator;
use harness::Browser;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const CONFERENCE_LINE: &str = "+15550100000";

/// The default world's page, paused at 0.
async fn paused_page(name: &str) -> Browser {
    let browser = Browser::start(name).await;
    browser.open("/").await;
    browser.wait_for_css("#timeline-strip").await;
    browser.pause().await;
    jump(&browser, "0").await;
    browser
}

/// Clicks through WebDriver: real pointer events at the element's centre (the strip listens to those).
async fn click(browser: &Browser, css: &str) {
    browser
        .wait_for_css(css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click `{css}`: {e}"));
}

async fn clock_ms(browser: &Browser) -> u64 {
    browser
        .js("return Number(document.querySelector('#clock-time').dataset.ms)")
        .await
        .as_u64()
        .expect("the clock's data-ms")
}

async fn wait_for_ms(browser: &Browser, ms: u64) {
    browser
        .wait_for_js(
            &format!("the clock to show {ms}"),
            "return Number(document.querySelector('#clock-time').dataset.ms)",
            json!(ms),
        )
        .await;
}

/// Types `text` into "jump to" and presses Jump.
async fn type_jump(browser: &Browser, text: &str) {
    let input = browser.wait_for_css("#jump-to").await;
    input.clear().await.expect("clear the jump field");
    input.send_keys(text).await.expect("type a time");
    click(browser, "#jump-go").await;
}

/// Jumps to `text`, which must be plain milliseconds, and waits for the clock to show it.
async fn jump(browser: &Browser, ms: &str) {
    type_jump(browser, ms).await;
    wait_for_ms(browser, ms.parse().expect("milliseconds")).await;
}

/// The event log as the page shows it: its line count (`data-lines`) and the text of every line rendered.
async fn log(browser: &Browser) -> (u64, String) {
    let v = browser
        .js("const e = document.querySelector('#events'); return [Number(e.dataset.lines), Array.from(e.children).map(li => li.textContent).join('\\n')];")
        .await;
    (
        v[0].as_u64().expect("data-lines"),
        v[1].as_str().expect("text").to_owned(),
    )
}

/// Presses `key` on the page (nothing focused that takes keys).
async fn key(browser: &Browser, key: &str) {
    browser
        .js(&format!(
            "document.activeElement && document.activeElement.blur(); document.body.dispatchEvent(new KeyboardEvent('keydown', {{key: {key:?}, bubbles: true, cancelable: true}}));"
        ))
        .await;
}

/// Picks `number` on `phone`'s row and clicks Dial, without waiting for the call (a question may come first).
async fn click_dial(browser: &Browser, phone: &str, number: &str) {
    let row = format!(r#"li.phone[data-phone="{phone}"]"#);
    browser.wait_for_css(&row).await;
    browser
        .js(&format!(
            r#"document.querySelector('{row} select').value = '{number}';"#
        ))
        .await;
    // A confirm opened by the click may make the click itself report an open dialog: the alert is what counts.
    let _ = browser.button(&row, "Dial").await.click().await;
}

async fn on_call(browser: &Browser, phone: &str) -> bool {
    browser
        .js(&format!(
            r#"return !!document.querySelector('li.phone[data-phone="{phone}"]').dataset.callId"#
        ))
        .await
        == json!(true)
}

/// The session as exported: the page saves `Sandbox::export`'s text to localStorage at every change while
/// paused (src/ui/persist.rs), so this is read after the change shows.
async fn export(browser: &Browser) -> String {
    browser
        .js("return localStorage.getItem('conflab.session')")
        .await
        .as_str()
        .expect("a saved session")
        .to_owned()
}

/// The exported session's dial steps: when, and from which phone.
fn dials(exported: &str) -> Vec<(u64, String)> {
    let v: Value = serde_json::from_str(exported).expect("the export is JSON");
    v["steps"]
        .as_array()
        .map(|steps| {
            steps
                .iter()
                .filter(|s| s.get("dial").is_some())
                .map(|s| {
                    (
                        s["at"].as_u64().unwrap_or(0),
                        s["dial"]["from"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn strip(browser: &Browser, attribute: &str) -> Value {
    browser
        .js(&format!(
            "return document.querySelector('#timeline-strip').getAttribute('{attribute}')"
        ))
        .await
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn stepping_back_and_forward_gives_the_same_log() {
    let browser = paused_page("time-back-forth").await;
    jump(&browser, "1000").await;
    browser.dial("+15550133333", CONFERENCE_LINE).await;
    jump(&browser, "20000").await;
    let at_20 = log(&browser).await;
    assert!(at_20.0 > 5, "the call did something: {at_20:?}");
    // The strip marks what happened: webhooks, conference and call statuses.
    for kind in ["webhook", "conference", "call"] {
        let n = browser
            .js(&format!(
                "return document.querySelectorAll('#timeline-strip .mark.{kind}').length"
            ))
            .await;
        assert!(n.as_u64().unwrap() > 0, "no {kind} marks");
    }

    // Back: ← once and the Step back button once, each to an earlier line.
    let mut last = 20_000;
    for i in 0..2 {
        if i < 1 {
            key(&browser, "ArrowLeft").await;
        } else {
            click(&browser, "#step-back").await;
        }
        let now = browser
            .wait_until("the clock to step back", async || {
                let now = clock_ms(&browser).await;
                if now < last {
                    Ok(now)
                } else {
                    Err(format!("at {now}"))
                }
            })
            .await;
        last = now;
    }
    let back = log(&browser).await;
    assert!(
        back.0 < at_20.0,
        "going back shows fewer lines: {} vs {}",
        back.0,
        at_20.0
    );
    assert!(
        at_20.1.starts_with(&back.1) || back.0 > 200,
        "the past is the start of the same log"
    );
    // The known future is shown dimmed on the strip.
    assert!(
        browser
            .js("return document.querySelectorAll('#timeline-strip .known-future, #timeline-strip .mark.future').length")
            .await
            .as_u64()
            .unwrap()
            > 1
    );
    // Forward: → (next event) once, then jump to 20 s again: the same log, line for line.
    key(&browser, "ArrowRight").await;
    browser
        .wait_until("the clock to step forward", async || {
            let now = clock_ms(&browser).await;
            if now > last {
                Ok(())
            } else {
                Err(format!("at {now}"))
            }
        })
        .await;
    jump(&browser, "20000").await;
    assert_eq!(
        log(&browser).await,
        at_20,
        "the log at 20 s after going back and forth"
    );
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn ten_times_faster_moves_the_clock_further() {
    let browser = paused_page("time-speed").await;
    // Real time for `ms`, at `speed` (quarters): how far the virtual clock moved, per real millisecond.
    async fn rate(browser: &Browser, speed: u32, ms: u64) -> f64 {
        browser
            .js(&format!(
                "const s = document.querySelector('#speed'); s.value = '{speed}'; s.dispatchEvent(new Event('change', {{bubbles: true}}));"
            ))
            .await;
        browser
            .wait_for_js(
                "the speed to take",
                "return document.querySelector('#clock').dataset.speed",
                json!(speed.to_string()),
            )
            .await;
        let before = clock_ms(browser).await;
        let t0 = Instant::now();
        click(browser, "#play").await;
        tokio::time::sleep(Duration::from_millis(ms)).await;
        click(browser, "#play").await;
        let real = t0.elapsed().as_secs_f64() * 1000.0;
        browser.wait_for_clock(false).await;
        (clock_ms(browser).await - before) as f64 / real
    }
    let one = rate(&browser, 4, 1500).await;
    let ten = rate(&browser, 40, 1500).await;
    println!("{{\"speed_1x_rate\":{one:.2},\"speed_10x_rate\":{ten:.2}}}");
    // The exact scaling is the reducer's (page::scale_tick, tested natively); here the machine is noisy.
    assert!(one > 0.2, "1× hardly moved: {one}");
    assert!(
        ten > 3.0 * one,
        "10× moved {ten} virtual ms per real ms, 1× {one}"
    );
    browser.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn jump_to_a_time_shows_it_and_a_bad_time_says_why() {
    let browser = paused_page("time-jump").await;
    type_jump(&browser, "01:02.345").await;
    wait_for_ms(&browser, 62_345).await;
    assert_eq!(
        browser
            .js("return document.querySelector('#clock-time').textContent")
            .await,
        json!("01:02.345")
    );
    assert_eq!(strip(&browser, "aria-valuenow").await, json!("62345"));
    assert_eq!(strip(&browser, "aria-valuetext").await, json!("01:02.345"));
    type_jump(&browser, "1:75").await;
    let error = browser
        .wait_for_css("#jump-error")
        .await
        .text()
        .await
        .unwrap();
    assert!(error.contains("seconds go from 00 to 59"), "{error}");
    assert_eq!(clock_ms(&browser).await, 62_345, "a bad time moves nothing");
    // Typing in the field does not fire the clock's shortcuts.
    let input = browser.wait_for_css("#jump-to").await;
    input.clear().await.unwrap();
    input.send_keys(" ").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        browser
            .js("return document.querySelector('#clock').dataset.playing")
            .await,
        json!("false")
    );
    type_jump(&browser, "90s").await;
    wait_for_ms(&browser, 90_000).await;
    assert!(
        browser
            .client
            .find(Locator::Css("#jump-error"))
            .await
            .is_err()
    );
    browser.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn scrubbing_the_strip_moves_the_clock() {
    let browser = paused_page("time-scrub").await;
    jump(&browser, "1000").await;
    browser.dial("+15550133333", CONFERENCE_LINE).await;
    jump(&browser, "30000").await;
    assert_eq!(strip(&browser, "aria-valuemax").await, json!("30000"));
    // A real click in the middle of the strip: about 15 s.
    click(&browser, "#timeline-strip").await;
    let middle = browser
        .wait_until("the clock to move to the middle", async || {
            let now = clock_ms(&browser).await;
            if now.abs_diff(15_000) <= 300 {
                Ok(now)
            } else {
                Err(format!("at {now}"))
            }
        })
        .await;
    // The strip still ends at 30 s: the known future.
    assert_eq!(strip(&browser, "aria-valuemax").await, json!("30000"));
    // A drag from 10% to 80%.
    browser
        .js(r#"
const s = document.querySelector('#timeline-strip');
const r = s.getBoundingClientRect();
const at = (f) => ({clientX: r.left + 1 + f * (r.width - 2), clientY: r.top + r.height / 2, bubbles: true, pointerId: 1, button: 0, isPrimary: true});
s.dispatchEvent(new PointerEvent('pointerdown', at(0.1)));
s.dispatchEvent(new PointerEvent('pointermove', at(0.5)));
s.dispatchEvent(new PointerEvent('pointermove', at(0.8)));
s.dispatchEvent(new PointerEvent('pointerup', at(0.8)));
"#)
        .await;
    browser
        .wait_until("the drag to end at 80%", async || {
            let now = clock_ms(&browser).await;
            if now.abs_diff(24_000) <= 300 {
                Ok(())
            } else {
                Err(format!("at {now}"))
            }
        })
        .await;
    // The keyboard: the strip is a slider; Home goes to 0, → to the first line after it.
    browser
        .js("const s = document.querySelector('#timeline-strip'); s.focus(); s.dispatchEvent(new KeyboardEvent('keydown', {key: 'Home', bubbles: true, cancelable: true}));")
        .await;
    wait_for_ms(&browser, 0).await;
    browser
        .js("document.querySelector('#timeline-strip').dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true, cancelable: true}));")
        .await;
    browser
        .wait_until("→ on the strip to step to the next line", async || {
            let now = clock_ms(&browser).await;
            if now > 0 && now < middle {
                Ok(())
            } else {
                Err(format!("at {now}"))
            }
        })
        .await;
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn acting_in_the_past_asks_and_forks_and_cancelling_changes_nothing() {
    let browser = paused_page("time-fork").await;
    jump(&browser, "1000").await;
    browser.dial("+15550111111", CONFERENCE_LINE).await;
    jump(&browser, "8000").await;
    browser.dial("+15550122222", CONFERENCE_LINE).await;
    jump(&browser, "15000").await;
    let full = export(&browser).await;
    assert_eq!(
        dials(&full),
        [
            (1000, "+15550111111".to_owned()),
            (8000, "+15550122222".to_owned())
        ]
    );
    jump(&browser, "5000").await;
    let (lines, text) = log(&browser).await;
    let before = export(&browser).await;
    assert_eq!(before, full, "going back changes no step");

    // Cancel: no step, the same session and log.
    click_dial(&browser, "+15550133333", CONFERENCE_LINE).await;
    let question = browser.client.get_alert_text().await.expect("a question");
    assert_eq!(
        question,
        "This drops the 1 step written after 00:05.000 and what followed it; go on?"
    );
    browser.client.dismiss_alert().await.expect("cancel");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !on_call(&browser, "+15550133333").await,
        "cancelled: no call"
    );
    assert_eq!(clock_ms(&browser).await, 5000);
    assert_eq!(log(&browser).await, (lines, text));
    assert_eq!(
        export(&browser).await,
        full,
        "cancelled: the session is unchanged"
    );
    assert_eq!(strip(&browser, "aria-valuemax").await, json!("15000"));

    // Go on: the session forks at 5 s; the step at 8 s is gone, the new one is written at 5 s.
    click_dial(&browser, "+15550133333", CONFERENCE_LINE).await;
    browser.client.accept_alert().await.expect("go on");
    browser
        .wait_until("the new call", async || {
            if on_call(&browser, "+15550133333").await {
                Ok(())
            } else {
                Err("no call".into())
            }
        })
        .await;
    let forked = export(&browser).await;
    assert_eq!(
        dials(&forked),
        [
            (1000, "+15550111111".to_owned()),
            (5000, "+15550133333".to_owned())
        ],
        "the later step is dropped, the new one written at 5 s"
    );
    assert_eq!(
        strip(&browser, "aria-valuemax").await,
        json!("5000"),
        "no known future after a fork"
    );
    // At the end of the session nothing is asked: another step goes straight in.
    click_dial(&browser, "+15550144444", "+15550100001").await;
    assert!(
        browser.client.get_alert_text().await.is_err(),
        "no question at the end"
    );
    browser.assert_no_console_problems().await;
    browser.finish().await;
}
