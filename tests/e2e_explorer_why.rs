//! "Why each thing happened" end to end: the lifecycle diagram lit by a conference walked through its lifecycle
//! from the Phones panel, the diagram following the conference card clicked (and its menu the cards), the webhook
//! link that opens its line in the log, the log grouped by call and filtered
//! by kind, a long log that stays virtualised, and a call showing the PerCL command it runs. Like `tests/e2e.rs`
//! they need `dist/` and Chromium, so each is `#[ignore]`d and `./x test` runs them.
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the harness serves every e2e file; this one needs only part of it
mod harness;

use harness::Browser;
use serde_json::{Value, json};

/// The default world's numbers and phones (src/sandbox/default_world.json).
const CONFERENCE_LINE: &str = "+15550100000";
const HOST_LINE: &str = "+15550100001";
const TONE_PHONE: &str = "+15550133333";
const TALKER_PHONE: &str = "+15550111111";

/// Clicks "Next event" until the diagram lights `status` (at most 30 events).
async fn until_lit(browser: &Browser, status: &str) {
    for _ in 0..30 {
        let lit = browser
            .js("return document.querySelector('#lifecycle').dataset.lit")
            .await;
        if lit == status {
            return;
        }
        browser
            .js("const b = document.querySelector('#next-event'); if (!b.disabled) b.click();")
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
    }
    let lit = browser
        .js("return document.querySelector('#lifecycle').outerHTML.slice(0, 400)")
        .await;
    panic!("the diagram never lit {status}: {lit}");
}

/// What the diagram shows: the lit states, the lit edge, the last transition and its cause.
async fn diagram(browser: &Browser) -> Value {
    browser
        .js(r#"
const d = document.querySelector('#lifecycle');
const last = document.querySelector('#lifecycle-last');
const conf = [...document.querySelectorAll('#events li.event[data-kind=conference]')].pop();
return {
  lit: [...d.querySelectorAll('g.state[data-lit=true]')].map(g => g.dataset.state),
  edges: [...d.querySelectorAll('g.edge[data-lit=true]')].map(g => [g.dataset.from, g.dataset.to]),
  status: last && last.dataset.status,
  cause: last && last.dataset.cause,
  causeText: last && last.querySelector('.cause').textContent,
  logWhy: conf && conf.querySelector('.text').textContent,
  logTo: conf && conf.dataset.to,
  webhook: (document.querySelector('#lifecycle-webhook') || {dataset: {}}).dataset.line || null,
};"#)
        .await
}

/// Checks the diagram lights `status` alone, with the last transition's cause the log's last conference line.
async fn check_lit(browser: &Browser, status: &str) -> Value {
    until_lit(browser, status).await;
    let d = diagram(browser).await;
    assert_eq!(d["lit"], json!([status]), "{d}");
    assert_eq!(d["status"], status, "{d}");
    assert_eq!(d["logTo"], status, "the log's last status line: {d}");
    let cause = d["cause"].as_str().unwrap_or_default();
    assert!(!cause.is_empty(), "the cause is named: {d}");
    assert_eq!(d["logWhy"], cause, "the cause is the log's: {d}");
    assert_eq!(d["causeText"], format!("Why: {cause}"), "{d}");
    let edges = d["edges"].as_array().cloned().unwrap_or_default();
    assert_eq!(edges.len(), 1, "one lit edge: {d}");
    assert_eq!(edges[0][1], status, "the lit edge leads to {status}: {d}");
    d
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_diagram_lights_each_state_and_opens_its_webhook() {
    let browser = Browser::start("explorer-why-lifecycle").await;
    browser.open("/").await;
    browser.wait_for_css("#lifecycle").await;
    browser.pause().await;
    // Sandbox choices are marked on the diagram, with their rule as a tooltip.
    let choices = browser
        .js("return [...document.querySelectorAll('#lifecycle g.edge.choice title')].map(t => t.textContent)")
        .await;
    let choices = choices.as_array().cloned().unwrap_or_default();
    assert!(choices.len() >= 2, "{choices:?}");
    assert!(
        choices
            .iter()
            .all(|t| t.as_str().unwrap_or("").contains("sandbox choice")),
        "{choices:?}"
    );

    // The Conference line: the welcome plays (the call shows "Say"), then demo is created and populated.
    browser.dial(TONE_PHONE, CONFERENCE_LINE).await;
    let activity = format!(r#"li.call[data-phone="{TONE_PHONE}"] .activity"#);
    browser
        .wait_until("the call to show its Say", async || {
            let v = browser
                .js(&format!(
                    "const a = document.querySelector('{activity}'); return a ? a.textContent : null"
                ))
                .await;
            match v.as_str() {
                Some(t) if t.starts_with("Say: waiting for the prompt") => Ok(()),
                _ => Err(format!("{v}")),
            }
        })
        .await;
    check_lit(&browser, "populated").await;

    // The Host line: a starter joins, which starts it.
    browser.dial(TALKER_PHONE, HOST_LINE).await;
    let d = check_lit(&browser, "inProgress").await;
    let line = d["webhook"]
        .as_str()
        .expect("a webhook reported it")
        .to_owned();
    browser
        .js("document.querySelector('#lifecycle').scrollIntoView()")
        .await;
    browser.screenshot("explorer-why-diagram").await;

    // The link opens that webhook in the log: its headers, FreeClimb-Signature among them.
    browser
        .js("document.querySelector('#lifecycle-webhook').click()")
        .await;
    let opened = format!(r#"#events li.event.open[data-line="{line}"]"#);
    browser.wait_for_css(&opened).await;
    let hook = browser
        .js(&format!(
            r#"const li = document.querySelector('{opened}');
return {{ kind: li.dataset.kind, type: li.dataset.requestType,
  headers: [...li.querySelectorAll('tr[data-header]')].map(t => t.dataset.header),
  sig: (li.querySelector('tr[data-header="FreeClimb-Signature"] td') || {{}}).textContent || '',
  body: li.querySelector('pre.body').textContent }}"#
        ))
        .await;
    assert_eq!(hook["kind"], "webhook", "{hook}");
    assert_eq!(hook["type"], "conferenceStatus", "{hook}");
    assert!(
        hook["headers"]
            .as_array()
            .is_some_and(|h| h.contains(&json!("FreeClimb-Signature"))),
        "{hook}"
    );
    assert!(hook["sig"].as_str().unwrap_or("").contains("v1="), "{hook}");
    assert!(
        hook["body"]
            .as_str()
            .unwrap_or("")
            .contains("\"status\": \"inProgress\""),
        "{hook}"
    );

    // Terminate by REST from the card: terminated.
    browser
        .button(r#"section.conference[data-alias="demo"]"#, "Terminate")
        .await
        .click()
        .await
        .expect("click Terminate");
    check_lit(&browser, "terminated").await;
    browser
        .js("document.querySelector('#events').scrollIntoView()")
        .await;
    browser.screenshot("explorer-why-log").await;
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// A paused page on which the tone phone called the Conference line and the app's demo is populated.
async fn demo_populated(name: &str) -> Browser {
    let browser = Browser::start(name).await;
    browser.open("/").await;
    browser.wait_for_css("#lifecycle").await;
    browser.pause().await;
    browser.dial(TONE_PHONE, CONFERENCE_LINE).await;
    until_lit(&browser, "populated").await;
    browser
}

/// What the diagram shows: the conference, the lit states and the picker's value; and which card is picked.
async fn shown(browser: &Browser) -> Value {
    browser
        .js(r#"
const d = document.querySelector('#lifecycle');
return {
  conference: d.dataset.conferenceId,
  lit: [...d.querySelectorAll('g.state[data-lit=true]')].map(g => g.dataset.state),
  picker: document.querySelector('#lifecycle-conference').value,
  picked: [...document.querySelectorAll('section.conference[data-picked=true]')].map(c => c.dataset.alias),
};"#)
        .await
}

/// Creates a conference by REST from the "New conference" form.
async fn create(browser: &Browser, alias: &str) -> String {
    browser
        .js(&format!(
            "document.querySelector('#alias').value = {alias:?}; \
             document.querySelector('#create-conference').requestSubmit(); return true"
        ))
        .await;
    let card = format!(r#"section.conference[data-alias="{alias}"]"#);
    browser.wait_for_css(&card).await;
    let id = browser
        .js(&format!(
            "return document.querySelector('{card}').dataset.conferenceId"
        ))
        .await;
    id.as_str().expect("a conference id").to_owned()
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_diagram_follows_the_clicked_conference_card() {
    // demo, created by the app and populated; then "second" by REST, the newest, empty.
    let browser = demo_populated("explorer-why-pick").await;
    let demo = browser
        .js(r#"return document.querySelector('section.conference[data-alias="demo"]').dataset.conferenceId"#)
        .await;
    let second = create(&browser, "second").await;
    browser
        .wait_for_js(
            "the newest conference shown",
            "return document.querySelector('#lifecycle').dataset.conferenceId",
            json!(second),
        )
        .await;
    let s = shown(&browser).await;
    assert_eq!(
        s,
        json!({"conference": second, "lit": ["empty"], "picker": "", "picked": ["second"]})
    );
    // The cards list the newest first: click the second card (on its text, not a control) → demo, populated.
    let cards = browser
        .js("return [...document.querySelectorAll('section.conference')].map(c => c.dataset.alias)")
        .await;
    assert_eq!(cards, json!(["second", "demo"]));
    browser
        .client
        .find(fantoccini::Locator::Css(
            "section.conference[data-alias=demo] p.meaning",
        ))
        .await
        .expect("the second card's text")
        .click()
        .await
        .expect("click the second card");
    browser
        .wait_for_js(
            "the diagram to show demo",
            "return document.querySelector('#lifecycle').dataset.conferenceId",
            demo.clone(),
        )
        .await;
    assert_eq!(
        shown(&browser).await,
        json!({"conference": demo, "lit": ["populated"], "picker": demo, "picked": ["demo"]})
    );
    // The pick survives steps: the Host line starts demo (lit inProgress), a third conference is created, and the
    // diagram stays on demo.
    browser.dial(TALKER_PHONE, HOST_LINE).await;
    until_lit(&browser, "inProgress").await;
    create(&browser, "third").await;
    assert_eq!(
        shown(&browser).await,
        json!({"conference": demo, "lit": ["inProgress"], "picker": demo, "picked": ["demo"]})
    );
    // The diagram's menu picks too, and the cards follow it.
    browser.pick("#lifecycle-conference", &second).await;
    browser
        .wait_for_js(
            "the card of second picked",
            "return [...document.querySelectorAll('section.conference[data-picked=true]')].map(c => c.dataset.alias)",
            json!(["second"]),
        )
        .await;
    assert_eq!(
        shown(&browser).await,
        json!({"conference": second, "lit": ["empty"], "picker": second, "picked": ["second"]})
    );
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// The rows under group `id` in the current view: `[kind, text, line]` each, and the count its title gives.
async fn group_rows(browser: &Browser, id: &str) -> Value {
    browser
        .js(&format!(
            r#"
const rows = [...document.querySelectorAll('#events > li')];
const i = rows.findIndex(li => li.classList.contains('group-head') && li.dataset.group === '{id}');
if (i < 0) return null;
const mine = [];
for (let j = i + 1; j < rows.length && rows[j].classList.contains('event'); j++)
  mine.push([rows[j].dataset.kind, rows[j].textContent, rows[j].dataset.line]);
return {{ count: Number(rows[i].dataset.count), rows: mine }};"#
        ))
        .await
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_log_groups_by_call_and_filters_by_kind() {
    let browser = demo_populated("explorer-why-groups").await;
    browser.dial(TALKER_PHONE, HOST_LINE).await;
    until_lit(&browser, "inProgress").await;
    let calls = browser
        .js("return [...document.querySelectorAll('#calls li.call')].map(li => li.dataset.callId)")
        .await;
    let calls: Vec<String> = serde_json::from_value(calls).expect("call ids");
    assert_eq!(calls.len(), 2, "{calls:?}");

    browser
        .js("document.querySelector('button[data-view=call]').click()")
        .await;
    browser
        .wait_for_js(
            "the log grouped by call",
            "return document.querySelector('#events').dataset.view",
            json!("call"),
        )
        .await;
    browser
        .js("document.querySelector('#events').scrollIntoView()")
        .await;
    browser.screenshot("explorer-why-by-call").await;
    for (me, other) in [(&calls[0], &calls[1]), (&calls[1], &calls[0])] {
        let g = group_rows(&browser, me).await;
        let rows = g["rows"].as_array().cloned().unwrap_or_default();
        assert!(!rows.is_empty(), "{me}: {g}");
        assert_eq!(g["count"], rows.len(), "{me}: {g}");
        // Its own call status lines are there, the other call's are not.
        let status_lines: Vec<&str> = rows
            .iter()
            .filter(|r| r[0] == "call")
            .map(|r| r[1].as_str().unwrap_or(""))
            .collect();
        assert!(!status_lines.is_empty(), "{me}: {g}");
        assert!(
            status_lines
                .iter()
                .all(|t| t.contains(&me[..8]) && !t.contains(&other[..8])),
            "{me}: {g}"
        );
        // Each of its webhooks is about it: opened, its body names the call.
        let webhooks: Vec<String> = rows
            .iter()
            .filter(|r| r[0] == "webhook")
            .filter_map(|r| r[2].as_str().map(str::to_owned))
            .collect();
        assert!(!webhooks.is_empty(), "{me}: {g}");
        for line in webhooks.iter().take(3) {
            let css = format!(r#"#events li.event[data-line="{line}"]"#);
            let rows_before = browser
                .js("return document.querySelectorAll('#events li.event.open').length")
                .await;
            assert_eq!(rows_before, 0);
            browser
                .js(&format!("document.querySelector('{css} summary').click()"))
                .await;
            let body = browser
                .wait_until("the webhook to open", async || {
                    let v = browser
                        .js("const o = document.querySelector('#events li.event.open pre.body'); return o ? o.textContent : null")
                        .await;
                    v.as_str().map(str::to_owned).ok_or(format!("{v}"))
                })
                .await;
            assert!(body.contains(me.as_str()), "{line} under {me}: {body}");
            browser
                .js("document.querySelector('#events li.event.open summary').click()")
                .await;
            browser
                .wait_for_js(
                    "the webhook to close",
                    "return document.querySelectorAll('#events li.event.open').length",
                    json!(0),
                )
                .await;
        }
    }

    // Flat, webhooks only: every other kind is hidden.
    browser
        .js("document.querySelector('button[data-view=flat]').click()")
        .await;
    let before = browser
        .js("return document.querySelectorAll('#events li.event').length")
        .await;
    for kind in [
        "api",
        "conference",
        "call",
        "media",
        "note",
        "error",
        "world",
    ] {
        browser
            .set_checkbox(&format!(".log-kinds input[data-kind={kind}]"), false)
            .await;
    }
    let kinds = browser
        .js("return [...document.querySelectorAll('#events li.event')].map(li => li.dataset.kind)")
        .await;
    let kinds: Vec<String> = serde_json::from_value(kinds).expect("kinds");
    assert!(!kinds.is_empty());
    assert!(kinds.iter().all(|k| k == "webhook"), "{kinds:?}");
    assert!(
        (kinds.len() as u64) < before.as_u64().unwrap_or(0),
        "{} of {before}",
        kinds.len()
    );
    browser
        .set_checkbox(".log-kinds input[data-kind=call]", true)
        .await;
    let kinds = browser
        .js("return [...new Set([...document.querySelectorAll('#events li.event')].map(li => li.dataset.kind))].sort()")
        .await;
    assert_eq!(kinds, json!(["call", "webhook"]));
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// Embeds the page in a same-origin parent and calls back once it is ready.
const EMBED: &str = r#"
const done = arguments[arguments.length - 1];
window.__msgs = [];
const frame = document.createElement('iframe');
frame.style.width = '1280px';
frame.style.height = '900px';
window.__frame = frame;
window.addEventListener('message', (e) => { if (e.source === frame.contentWindow) window.__msgs.push(e.data); });
frame.src = '/';
document.body.appendChild(frame);
const wait = () => { if (window.__msgs.find((m) => m && m.conflab === 'ready')) done(true); else setTimeout(wait, 5); };
wait();
"#;

/// Posts `message` to the page and calls back with the first answer of kind `answer` after it.
const POST: &str = r#"
const [message, answer, done] = arguments;
const from = window.__msgs.length;
window.__frame.contentWindow.postMessage(message, '*');
const wait = () => {
  const m = window.__msgs.slice(from).find((m) => m && (m.conflab === answer || m.conflab === 'error'));
  if (m) done(m); else setTimeout(wait, 5);
};
wait();
"#;

/// 400 callers into one conference, 1 s apart, each hanging up 5 s later.
fn long_session() -> Value {
    let mut steps = vec![
        json!({"at": 0, "api": {"method": "POST", "path": "/Conferences",
        "body": {"alias": "room", "statusCallbackUrl": "https://app.test/conference"}}}),
    ];
    let mut timeline = Vec::new();
    for i in 0..400u64 {
        let phone = format!("+1555020{i:04}");
        timeline.push((
            1000 + i * 1000,
            json!({"dial": {"from": phone, "to": "+15550100000"}}),
        ));
        timeline.push((6000 + i * 1000, json!({"hangup": {"phone": phone}})));
    }
    timeline.sort_by_key(|(at, _)| *at);
    for (at, mut step) in timeline {
        step["at"] = json!(at);
        steps.push(step);
    }
    json!({
        "seed": 7,
        "numbers": {"+15550100000": {"voiceUrl": "https://app.test/inbound", "statusCallbackUrl": "https://app.test/status"}},
        "app": {
            "https://app.test/inbound": [{"AddToConference": {"conferenceId": "{{conference:room}}", "startConfOnEnter": true}}],
            "https://app.test/status": [],
            "https://app.test/conference": []
        },
        "steps": steps
    })
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn a_long_log_renders_a_window_and_scrolls_to_its_end() {
    let browser = Browser::start("explorer-why-long").await;
    // Any page of the same origin will do as the parent; a missing one is the smallest.
    browser.open("/explorer-parent").await;
    browser
        .client
        .execute_async(EMBED, vec![])
        .await
        .expect("embed the page");
    for (message, answer) in [
        (
            json!({"conflab": "load", "scenario": long_session()}),
            "loaded",
        ),
        (json!({"conflab": "advance", "to": 410_000}), "advanced"),
    ] {
        let reply = browser
            .client
            .execute_async(POST, vec![message, json!(answer)])
            .await
            .expect("post to the page");
        assert_eq!(reply["conflab"], answer, "{reply}");
    }
    let read = r#"
const doc = window.__frame.contentDocument;
const list = doc.querySelector('#events');
const rows = [...list.querySelectorAll('li.event')].map(li => Number(li.dataset.line));
return { lines: Number(list.dataset.lines), rows: rows.length, first: rows[0], last: rows[rows.length - 1],
         top: list.scrollTop, height: list.scrollHeight };"#;
    let state = browser
        .wait_until("the long log to render", async || {
            let v = browser.js(read).await;
            if v["lines"].as_u64().unwrap_or(0) >= 2000 && v["rows"].as_u64().unwrap_or(0) > 0 {
                Ok(v)
            } else {
                Err(format!("{v}"))
            }
        })
        .await;
    let lines = state["lines"].as_u64().unwrap_or(0);
    // It follows the newest line: the end is shown, and only a window of rows exists.
    assert_eq!(state["last"].as_u64(), Some(lines - 1), "{state}");
    assert!(state["rows"].as_u64().unwrap_or(0) < 300, "{state}");
    assert!(
        state["height"].as_f64().unwrap_or(0.0) >= lines as f64 * 24.0,
        "the spacers keep the whole log's height: {state}"
    );
    // To the top, the middle and back to the end: each time the rows there render, and never more than 300.
    for (to, want) in [
        ("0", 0),
        ("list.scrollHeight / 2", lines / 2),
        ("list.scrollHeight", lines - 1),
    ] {
        browser
            .js(&format!(
                "const list = window.__frame.contentDocument.querySelector('#events'); list.scrollTop = {to};"
            ))
            .await;
        let v = browser
            .wait_until(&format!("line {want} to render"), async || {
                let v = browser.js(read).await;
                let (first, last) = (
                    v["first"].as_u64().unwrap_or(u64::MAX),
                    v["last"].as_u64().unwrap_or(0),
                );
                if first <= want && want <= last {
                    Ok(v)
                } else {
                    Err(format!("{v}"))
                }
            })
            .await;
        assert!(v["rows"].as_u64().unwrap_or(0) < 300, "{v}");
    }
    let panics: Vec<_> = browser
        .browser_log()
        .await
        .into_iter()
        .filter(|e| e.message.contains("panicked"))
        .collect();
    assert!(panics.is_empty(), "the page panicked: {panics:?}");
    browser.finish().await;
}
