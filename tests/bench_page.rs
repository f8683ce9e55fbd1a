//! `./x bench page`: the live page measured in headless Chromium, through the embedding contract
//! (docs/embed.md). Figures are printed as JSON lines, never asserted (these machines are small and noisy); the
//! functional facts the bench relies on (the page answers, the log has the lines) are asserted, so a broken
//! page cannot print a fast figure.
//!
//! The test's top page is any page of the same server (same origin), which embeds the sandbox in an iframe and
//! times, with `performance.now()`:
//! * **interactive**: from adding the iframe to the page's `ready` (sent once the app has mounted its controls);
//! * **step**: with 100 calls live and over 1,000 log lines, from posting a step to the first animation frame
//!   at which the page shows the new lines (`data-lines` on the event log);
//! * **rewind**: in a 10-minute session with over 2,000 log lines, from posting `advance` to an earlier time
//!   to the first frame that shows that time (`data-ms` on the clock), for ten positions;
//! * **scrub**: in the same session, through the timeline strip's own input path (pointer events dispatched on
//!   `#timeline-strip`: ten clicks, then a drag of ten moves), from the event to the first frame at which the
//!   clock shows the time the strip maps the pointer to;
//! * **log scroll**: in a log of over 10,000 lines (1,000 callers), from setting the event log's `scrollTop` to a
//!   far position to the first frame at which the row there is rendered, for ten positions. Chromium fires the
//!   `scroll` event of a programmatic scroll at the next frame, so this includes a frame the page cannot use; the
//!   same jumps are then timed with the `scroll` event dispatched at once, which gives the page's own work
//!   (`work_ms`: to the end of the render's microtasks) and its frame;
//! * **log filter**: in that log, from typing a text filter (setting the input's value and its `input` event) to
//!   the first frame at which the list shows it (`data-filter` on the event log), with the work: five texts
//!   pasted whole, then a word typed a key at a time. The field is focused first, untimed, as a person's click
//!   or Tab does before the first key.
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the bench uses a part of the shared harness
mod harness;

use harness::Browser;
use serde_json::{Value, json};

/// A world whose app puts every caller into one conference, the room, created by REST at time 0.
fn world() -> Value {
    json!({
        "seed": 7,
        "numbers": {"+15550100000": {"voiceUrl": "https://app.test/inbound", "statusCallbackUrl": "https://app.test/status"}},
        "app": {
            // A greeting before the join, and a notification after it: about ten lines a caller, so 100 callers
            // make the 1,000-line log the issue measures a step on.
            "https://app.test/inbound": [
                {"Say": {"text": "Welcome"}}, {"Pause": {"length": 100}}, {"Say": {"text": "Connecting you"}},
                {"AddToConference": {"conferenceId": "{{conference:room}}", "startConfOnEnter": true, "notificationUrl": "https://app.test/joined"}}
            ],
            "https://app.test/joined": [],
            "https://app.test/status": [],
            "https://app.test/conference": []
        },
        "steps": [{"at": 0, "api": {"method": "POST", "path": "/Conferences", "body": {"alias": "room", "statusCallbackUrl": "https://app.test/conference"}}}]
    })
}

fn phone(i: u64) -> String {
    format!("+1555020{i:04}")
}

/// 100 callers dial in, 100 ms apart, and stay.
fn hundred_live() -> Value {
    let mut s = world();
    let steps = s["steps"].as_array_mut().unwrap();
    for i in 0..100 {
        steps.push(json!({"at": 1000 + i * 100, "dial": {"from": phone(i), "to": "+15550100000"}}));
    }
    s
}

/// Ten minutes: a caller dials in every 3 s and hangs up 30 s later (2,000+ lines with the engine at 5879874;
/// a caller every 6 s now logs only ~1,180).
fn ten_minutes() -> Value {
    let mut s = world();
    let steps = s["steps"].as_array_mut().unwrap();
    let mut timeline = Vec::new();
    for i in 0..200u64 {
        timeline.push((
            1000 + i * 3000,
            json!({"dial": {"from": phone(i), "to": "+15550100000"}}),
        ));
        timeline.push((31_000 + i * 3000, json!({"hangup": {"phone": phone(i)}})));
    }
    timeline.sort_by_key(|(at, _)| *at);
    for (at, mut step) in timeline {
        step["at"] = json!(at);
        steps.push(step);
    }
    s
}

/// 1,000 callers, 500 ms apart, each hanging up 5 s after it dialled: over 12,000 log lines.
fn thousand_callers() -> Value {
    let mut s = world();
    let steps = s["steps"].as_array_mut().unwrap();
    let mut timeline = Vec::new();
    for i in 0..1000u64 {
        timeline.push((
            1000 + i * 500,
            json!({"dial": {"from": phone(i), "to": "+15550100000"}}),
        ));
        timeline.push((6000 + i * 500, json!({"hangup": {"phone": phone(i)}})));
    }
    timeline.sort_by_key(|(at, _)| *at);
    for (at, mut step) in timeline {
        step["at"] = json!(at);
        steps.push(step);
    }
    s
}

/// Runs `action(doc)` in the page and calls back with the time to the first animation frame at which
/// `probe(doc)` is true.
const ACT_TO_FRAME: &str = r#"
const [actionSource, probeSource, done] = arguments;
const win = window.__frame.contentWindow;
const doc = win.document;
const action = new Function('doc', actionSource);
const probe = new Function('doc', probeSource);
let work = -1;
const t0 = performance.now();
action(doc);
// Yew renders in a microtask queued by the event; this one runs after it.
Promise.resolve().then(() => Promise.resolve()).then(() => { work = performance.now() - t0; });
const tick = () => {
  if (probe(doc)) done([performance.now() - t0, work]);
  else if (performance.now() - t0 > 10000) done([-1, work]);
  else win.requestAnimationFrame(tick);
};
win.requestAnimationFrame(tick);
"#;

/// (time to the first frame that shows it, main-thread work of the action and its render), in ms.
async fn act_to_frame(browser: &Browser, action: &str, probe: &str) -> (f64, f64) {
    let v = browser
        .client
        .execute_async(ACT_TO_FRAME, vec![json!(action), json!(probe)])
        .await
        .expect("time an action");
    let (frame, work) = (
        v[0].as_f64().expect("a time"),
        v[1].as_f64().expect("a time"),
    );
    assert!(frame >= 0.0, "the page never showed it ({probe})");
    (frame, work)
}

/// The parent's side: embeds the page, and keeps every message it sends with its arrival time.
const EMBED: &str = r#"
const done = arguments[arguments.length - 1];
window.__msgs = [];
const frame = document.createElement('iframe');
frame.style.width = '1280px';
frame.style.height = '900px';
window.__frame = frame;
window.addEventListener('message', (e) => {
  if (e.source === frame.contentWindow) window.__msgs.push({ t: performance.now(), d: e.data });
});
const t0 = performance.now();
frame.src = '/';
document.body.appendChild(frame);
const wait = () => {
  const ready = window.__msgs.find((m) => m.d && m.d.conflab === 'ready');
  if (ready) done(ready.t - t0); else setTimeout(wait, 5);
};
wait();
"#;

/// Posts `message` and calls back when a message of kind `answer` arrives after it.
const POST_AND_WAIT: &str = r#"
const [message, answer, done] = arguments;
const from = window.__msgs.length;
window.__frame.contentWindow.postMessage(message, '*');
const wait = () => {
  const m = window.__msgs.slice(from).find((m) => m.d && (m.d.conflab === answer || m.d.conflab === 'error'));
  if (m) done(m.d); else setTimeout(wait, 5);
};
wait();
"#;

/// Posts `message` and calls back with the time to the first animation frame of the page at which
/// `probe(document)` is true.
const TIME_TO_FRAME: &str = r#"
const [message, probeSource, done] = arguments;
const win = window.__frame.contentWindow;
const probe = new Function('doc', probeSource);
// When the DOM first shows the change (before any paint), and when the first frame after it starts.
let dom = -1;
const observer = new MutationObserver(() => {
  if (dom < 0 && probe(win.document)) dom = performance.now() - t0;
});
observer.observe(win.document.body, { subtree: true, childList: true, attributes: true, characterData: true });
const t0 = performance.now();
window.__postedAt = performance.timeOrigin + t0;
win.postMessage(message, '*');
const tick = () => {
  // The frame whose callbacks first see the change lays it out and paints it; the next frame's start bounds
  // when that paint was done.
  if (probe(win.document)) {
    observer.disconnect();
    const frame = performance.now() - t0;
    win.requestAnimationFrame(() => done([frame, dom, performance.now() - t0]));
  }
  else if (performance.now() - t0 > 10000) { observer.disconnect(); done([-1, dom]); }
  else win.requestAnimationFrame(tick);
};
win.requestAnimationFrame(tick);
"#;

/// Dispatches a pointer event of `kind` (`click` = down then up, `down`, `move`, `up`) at `fraction` of the
/// strip's width, and calls back with `[ms, expected, end]`: the time to the first animation frame at which the
/// clock shows the time the strip maps the pointer to (the same rounding as `page::scrub_at`); `ms` is -1 for
/// `down`/`up` when nothing is awaited, or when the clock never showed it.
const SCRUB: &str = r#"
const [kind, fraction, wait, done] = arguments;
const win = window.__frame.contentWindow;
const doc = win.document;
const strip = doc.querySelector('#timeline-strip');
const r = strip.getBoundingClientRect();
const end = Number(strip.getAttribute('aria-valuemax'));
const init = {clientX: r.left + strip.clientLeft + fraction * strip.clientWidth, clientY: r.top + r.height / 2,
  bubbles: true, cancelable: true, pointerId: 1, pointerType: 'mouse', button: 0, isPrimary: true};
const t0 = performance.now();
const types = kind === 'click' ? ['pointerdown', 'pointerup'] : ['pointer' + kind];
let first = null;
for (const type of types) {
  const e = new win.PointerEvent(type, init);
  strip.dispatchEvent(e);
  if (!first) first = e;
}
const x = Math.trunc(first.offsetX);
const expected = Math.round(Math.min(Math.max(x / strip.clientWidth, 0), 1) * end);
if (!wait) { done([-1, expected, end]); return; }
const tick = () => {
  const clock = doc.querySelector('#clock-time');
  if (clock && clock.dataset.ms === String(expected)) done([performance.now() - t0, expected, end]);
  else if (performance.now() - t0 > 10000) done([-1, expected, end]);
  else win.requestAnimationFrame(tick);
};
win.requestAnimationFrame(tick);
"#;

async fn scrub(browser: &Browser, kind: &str, fraction: f64, wait: bool) -> f64 {
    let reply = browser
        .client
        .execute_async(SCRUB, vec![json!(kind), json!(fraction), json!(wait)])
        .await
        .expect("scrub the strip");
    let ms = reply[0].as_f64().expect("a time");
    assert!(
        !wait || ms >= 0.0,
        "the clock never showed the scrubbed time: {reply}"
    );
    ms
}

async fn post(browser: &Browser, message: Value, answer: &str) -> Value {
    let reply = browser
        .client
        .execute_async(POST_AND_WAIT, vec![message, json!(answer)])
        .await
        .expect("post a message to the page");
    assert_eq!(reply["conflab"], answer, "the page answered {reply}");
    reply
}

/// Posts `message`; returns (ms to the first frame showing the change, ms until the DOM first showed it). The
/// start of the frame after (by which that frame was painted) is printed by the step bench as `painted`.
async fn time_to_frame(browser: &Browser, message: Value, probe: &str) -> (f64, f64) {
    time_to_paint(browser, message, probe).await.0
}

/// [`time_to_frame`]'s two times, and the start of the next frame.
async fn time_to_paint(browser: &Browser, message: Value, probe: &str) -> ((f64, f64), f64) {
    let times = browser
        .client
        .execute_async(TIME_TO_FRAME, vec![message, json!(probe)])
        .await
        .expect("time a change");
    let (frame, dom) = (times[0].as_f64().unwrap(), times[1].as_f64().unwrap());
    assert!(frame >= 0.0, "the page never showed the change ({probe})");
    ((frame, dom), times[2].as_f64().unwrap_or(-1.0))
}

/// `"name_median_ms":…,"name_max_ms":…` of `times`.
fn figures(name: &str, times: &[f64]) -> String {
    format!(
        "\"{name}_median_ms\":{:.1},\"{name}_max_ms\":{:.1}",
        median(&mut times.to_vec()),
        times.iter().copied().fold(0.0, f64::max)
    )
}

async fn log_lines(browser: &Browser) -> u64 {
    browser
        .js("return Number(window.__frame.contentDocument.querySelector('#events').dataset.lines)")
        .await
        .as_u64()
        .expect("data-log-lines")
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::test]
#[ignore = "a benchmark: ./x bench page"]
async fn bench_page() {
    let browser = Browser::start("bench-page").await;
    // Any page of the same origin will do as the parent; a missing one is the smallest.
    browser.open("/bench-parent").await;
    let interactive = browser
        .client
        .execute_async(EMBED, vec![])
        .await
        .expect("embed the page")
        .as_f64()
        .unwrap();
    println!("{{\"bench\":\"page_interactive\",\"ms\":{interactive:.1}}}");

    post(
        &browser,
        json!({"conflab": "load", "scenario": hundred_live()}),
        "loaded",
    )
    .await;
    post(
        &browser,
        json!({"conflab": "advance", "to": 30_000}),
        "advanced",
    )
    .await;
    let lines = log_lines(&browser).await;
    let live = browser
        .js("return window.__frame.contentDocument.querySelectorAll('.call[data-status=\"inProgress\"]').length")
        .await;
    assert!(lines >= 1000, "only {lines} log lines");
    let mut steps = Vec::new();
    let mut painted = Vec::new();
    browser
        .js("window.__frame.contentWindow.conflabRenderCost = {}; return 0;")
        .await;
    for i in 0..5u64 {
        let before = log_lines(&browser).await;
        let probe = format!(
            "const e = doc.querySelector('#events'); return e && Number(e.dataset.lines) > {before};"
        );
        let step = json!({"conflab": "step", "step": {"dial": {"from": phone(500 + i), "to": "+15550100000"}}});
        let (times, painted_by) = time_to_paint(&browser, step, &probe).await;
        steps.push(times);
        painted.push(painted_by);
    }
    let lines_after = log_lines(&browser).await;
    // Where the time goes, from the page's own User Timing measures: the message handled (the step run by the
    // engine) and the whole page's render, for the last five steps.
    let split = browser
        .js("const p = window.__frame.contentWindow.performance; \
             const last = (n) => p.getEntriesByName(n).slice(-5).map((e) => Math.round(e.duration * 10) / 10); \
             return {handled: last('conflab:message handled'), render: last('conflab:render done')};")
        .await;
    // The last step's timeline, in ms from its post: the message handler starts, the page's render starts.
    let phases = browser
        .js("const w = window.__frame.contentWindow; const p = w.performance; \
             const at = (n) => { const e = p.getEntriesByName(n); return e.length ? Math.round((p.timeOrigin + e[e.length - 1].startTime - window.__postedAt) * 10) / 10 : null; }; \
             return {handler: at('conflab:message'), render: at('conflab:render')};")
        .await;
    println!(
        "{{\"bench\":\"page_step_phases\",\"handler_starts_ms\":{},\"render_starts_ms\":{}}}",
        phases["handler"], phases["render"]
    );
    // Each component's own render time over the five steps (the page's `Timed` guards), in ms.
    let costs = browser
        .js("const c = window.__frame.contentWindow.conflabRenderCost || {}; \
             const r = {}; for (const k of Object.keys(c)) r[k] = Math.round(c[k] / 5 * 10) / 10; return r;")
        .await;
    println!(
        "{{\"bench\":\"page_step_split\",\"handled_ms\":{},\"render_ms\":{},\"component_ms_per_step\":{costs}}}",
        split["handled"], split["render"]
    );
    let (frames, doms): (Vec<f64>, Vec<f64>) = steps.into_iter().unzip();
    // `dom`: from the post to the DOM showing the lines (the step's work and the render); `frame`: to the first
    // animation frame that shows them (the DOM time rounded up to the display's frames).
    println!(
        "{{\"bench\":\"page_step\",\"calls_live\":{live},\"log_lines\":{lines_after},{},{},{}}}",
        figures("dom", &doms),
        figures("frame", &frames),
        figures("painted_by", &painted)
    );

    post(
        &browser,
        json!({"conflab": "load", "scenario": ten_minutes()}),
        "loaded",
    )
    .await;
    post(
        &browser,
        json!({"conflab": "advance", "to": 600_000}),
        "advanced",
    )
    .await;
    let lines = log_lines(&browser).await;
    assert!(
        lines >= 2000,
        "only {lines} log lines in the 10-minute session"
    );
    let mut rewinds = Vec::new();
    let mut now = 600_000u64;
    for i in 0..10u64 {
        // Ten positions spread over the session, each earlier than the last, then forwards again.
        let to = if i % 2 == 0 {
            550_000 - i * 50_000
        } else {
            600_000 - i * 20_000
        };
        let probe = format!(
            "const e = doc.querySelector('#clock-time'); return e && e.dataset.ms === '{to}';"
        );
        let times = time_to_frame(&browser, json!({"conflab": "advance", "to": to}), &probe).await;
        if to < now {
            rewinds.push(times);
        }
        now = to;
    }
    let positions = rewinds.len();
    let (frames, doms): (Vec<f64>, Vec<f64>) = rewinds.into_iter().unzip();
    println!(
        "{{\"bench\":\"page_rewind\",\"session_ms\":600000,\"log_lines\":{lines},\"positions\":{positions},{},{}}}",
        figures("dom", &doms),
        figures("frame", &frames)
    );
    // Scrubbing the timeline strip: ten clicks spread over the session, then a drag of ten moves.
    let marks = browser
        .js("return Number(window.__frame.contentDocument.querySelector('#timeline-strip').dataset.marks)")
        .await;
    let mut scrubs = Vec::new();
    for fraction in [0.05, 0.95, 0.3, 0.7, 0.1, 0.5, 0.85, 0.2, 0.6, 0.4] {
        scrubs.push(scrub(&browser, "click", fraction, true).await);
    }
    scrub(&browser, "down", 0.99, false).await;
    for i in 1..=10 {
        scrubs.push(scrub(&browser, "move", 0.99 - f64::from(i) * 0.09, true).await);
    }
    scrub(&browser, "up", 0.09, false).await;
    println!(
        "{{\"bench\":\"page_scrub\",\"session_ms\":600000,\"log_lines\":{lines},\"marks\":{marks},\"positions\":{},\"median_ms\":{:.1},\"max_ms\":{:.1}}}",
        scrubs.len(),
        median(&mut scrubs.clone()),
        scrubs.iter().copied().fold(0.0, f64::max)
    );
    post(
        &browser,
        json!({"conflab": "load", "scenario": thousand_callers()}),
        "loaded",
    )
    .await;
    post(
        &browser,
        json!({"conflab": "advance", "to": 520_000}),
        "advanced",
    )
    .await;
    let lines = log_lines(&browser).await;
    assert!(lines >= 10_000, "only {lines} log lines with 1,000 callers");
    let rows_in_dom =
        "return window.__frame.contentDocument.querySelectorAll('#events li.event').length";
    let mut most_rows = 0;
    for dispatch in [false, true] {
        let (mut frames, mut works) = (Vec::new(), Vec::new());
        for i in 0..10u64 {
            // Far jumps, up and down the log, so that every one needs new rows.
            let line = if i % 2 == 0 {
                i * lines / 10
            } else {
                lines - 1 - i * lines / 12
            };
            let line = if dispatch {
                line.saturating_sub(37)
            } else {
                line
            };
            let action = format!(
                "const l = doc.querySelector('#events'); l.scrollTop = {line} * 24;{}",
                if dispatch {
                    " l.dispatchEvent(new Event('scroll'));"
                } else {
                    ""
                }
            );
            let probe = format!(
                "return doc.querySelector('#events li.event[data-line=\"{line}\"]') !== null;"
            );
            let (frame, work) = act_to_frame(&browser, &action, &probe).await;
            frames.push(frame);
            works.push(work);
            most_rows = most_rows.max(browser.js(rows_in_dom).await.as_u64().unwrap_or(0));
        }
        println!(
            "{{\"bench\":\"log_scroll\",\"scroll_event\":\"{}\",\"log_lines\":{lines},\"positions\":{},\"rows_in_dom_max\":{most_rows},\"median_ms\":{:.1},\"max_ms\":{:.1},\"work_median_ms\":{:.1},\"work_max_ms\":{:.1}}}",
            if dispatch { "dispatched" } else { "browser" },
            frames.len(),
            median(&mut frames.clone()),
            frames.iter().copied().fold(0.0, f64::max),
            median(&mut works.clone()),
            works.iter().copied().fold(0.0, f64::max)
        );
    }
    // Whole texts pasted in (each filters the whole log), then one typed a key at a time (after the first key, each
    // narrows the last result).
    // A person types into the field after focusing it (a click or Tab): the page prepares the log's search text
    // then, before the first key.
    browser
        .js("window.__frame.contentDocument.querySelector('#log-text').focus(); return 0;")
        .await;
    let pasted = ["conferencestatus", "inprogress", "+15550200999", "beep", ""];
    let typed = ["c", "ca", "cal", "call", "calls", ""];
    for (input, texts) in [("pasted", &pasted[..]), ("typed", &typed[..])] {
        let (mut filters, mut works) = (Vec::new(), Vec::new());
        for text in texts {
            let action = format!(
                "const i = doc.querySelector('#log-text'); i.value = '{text}'; i.dispatchEvent(new Event('input', {{bubbles: true}}));"
            );
            let probe = format!("return doc.querySelector('#events').dataset.filter === '{text}';");
            let (frame, work) = act_to_frame(&browser, &action, &probe).await;
            filters.push(frame);
            works.push(work);
        }
        println!(
            "{{\"bench\":\"log_filter\",\"input\":\"{input}\",\"log_lines\":{lines},\"filters\":{},\"median_ms\":{:.1},\"max_ms\":{:.1},\"work_median_ms\":{:.1},\"work_max_ms\":{:.1}}}",
            filters.len(),
            median(&mut filters.clone()),
            filters.iter().copied().fold(0.0, f64::max),
            median(&mut works.clone()),
            works.iter().copied().fold(0.0, f64::max)
        );
    }
    // The parent is a 404 page, so its own console has that error; the page under test must not have panicked.
    let panics: Vec<_> = browser
        .browser_log()
        .await
        .into_iter()
        .filter(|e| e.message.contains("panicked"))
        .collect();
    assert!(panics.is_empty(), "the page panicked: {panics:?}");
    browser.finish().await;
}
