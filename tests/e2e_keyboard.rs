//! Keyboard-only use, end to end: the page driven by key presses alone (WebDriver key actions: Tab, Shift-Tab,
//! Enter, Space, arrows and typed text reach whatever has the focus, as a person's keyboard does). It pauses the
//! clock, creates two conferences by REST, dials a phone into one, steps the clock to the next events, picks that
//! conference's card for the lifecycle diagram, filters the event log and opens a webhook line, checking each
//! effect's values; and the focus is visible (an outline) on the controls it lands on.
//!
//! Like the other e2e files it needs `dist/` and Chromium, so it is `#[ignore]`d and `./x test` runs it.
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the harness serves every e2e file; this one needs only part of it
mod harness;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use harness::Browser;
use serde_json::{Value, json};

/// The default world's numbers and the phone that dials (src/sandbox/default_world.json).
const HOST_LINE: &str = "+15550100001";
const TALKER_PHONE: &str = "+15550111111";
/// How many Tab presses may separate two controls before the test says one is out of reach.
const MOST_TABS: usize = 300;

/// Presses each of `keys` in turn (down, then up) on whatever has the focus, holding `modifier` around each.
async fn press(browser: &Browser, modifier: Option<Key>, keys: &[char]) {
    let mut actions = KeyActions::new("keyboard".to_owned());
    for &k in keys {
        if let Some(m) = modifier {
            actions = actions.then(KeyAction::Down { value: m.into() });
        }
        actions = actions
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k });
        if let Some(m) = modifier {
            actions = actions.then(KeyAction::Up { value: m.into() });
        }
    }
    browser
        .client
        .perform_actions(actions)
        .await
        .unwrap_or_else(|e| panic!("press {keys:?}: {e}"));
    browser
        .client
        .release_actions()
        .await
        .expect("release the keys");
}

/// Types `text` key by key into whatever has the focus.
async fn type_keys(browser: &Browser, text: &str) {
    press(browser, None, &text.chars().collect::<Vec<_>>()).await;
}

/// A few words about the focused element, for failure messages.
async fn focused(browser: &Browser) -> Value {
    browser
        .js("const a = document.activeElement; return a ? `${a.tagName.toLowerCase()}#${a.id} .${a.className} \
             [${a.getAttribute('aria-label') || ''}] ${(a.textContent || '').trim().slice(0, 40)}` : null")
        .await
}

/// Presses Tab (Shift-Tab when `backwards`) until the focused element matches `css`; fails if it takes more
/// than [`MOST_TABS`] presses (the control is out of the keyboard's reach).
async fn tab_to(browser: &Browser, css: &str, backwards: bool) {
    let at = format!(
        "const a = document.activeElement; return !!(a && a.matches({}));",
        Value::from(css)
    );
    let mut path = Vec::new();
    for _ in 0..MOST_TABS {
        if browser.js(&at).await == json!(true) {
            return;
        }
        press(
            browser,
            backwards.then_some(Key::Shift),
            &[char::from(Key::Tab)],
        )
        .await;
        path.push(focused(browser).await);
    }
    let tail: Vec<&Value> = path.iter().rev().take(12).collect();
    panic!(
        "{MOST_TABS} {} presses never reached `{css}`; the last elements focused: {tail:?}",
        if backwards { "Shift-Tab" } else { "Tab" }
    );
}

/// Fails unless the focused element (which must match `css`) shows its focus: a visible outline or a box
/// shadow.
async fn assert_focus_visible(browser: &Browser, css: &str) {
    let style = browser
        .js(&format!(
            "const a = document.activeElement; const s = getComputedStyle(a); \
             return {{matches: a.matches({}), focusVisible: a.matches(':focus-visible'), outline: s.outlineStyle, \
                      width: s.outlineWidth, shadow: s.boxShadow}};",
            Value::from(css)
        ))
        .await;
    assert_eq!(style["matches"], true, "{css} has the focus: {style}");
    let outlined = style["outline"] != "none" && style["width"] != "0px";
    let shadowed = style["shadow"] != "none";
    assert!(
        outlined || shadowed,
        "the focus on {css} is not visible: {style}"
    );
    assert_eq!(
        style["focusVisible"], true,
        "{css} matches :focus-visible: {style}"
    );
}

/// The conference card aliased `alias`: its id, status and participants' phones.
async fn card(browser: &Browser, alias: &str) -> Value {
    browser
        .js(&format!(
            r#"const c = document.querySelector('section.conference[data-alias="{alias}"]');
return c ? {{id: c.dataset.conferenceId, status: c.querySelector('.status').dataset.status,
             picked: c.dataset.picked,
             phones: [...c.querySelectorAll('li.participant')].map(li => li.dataset.phone)}} : null;"#
        ))
        .await
}

/// Creates a conference aliased `alias` from the "New conference" form: focus its alias field, type, Enter.
async fn create_by_keyboard(browser: &Browser, alias: &str) -> Value {
    tab_to(browser, "#alias", false).await;
    assert_focus_visible(browser, "#alias").await;
    type_keys(browser, alias).await;
    press(browser, None, &[char::from(Key::Enter)]).await;
    let card = browser
        .wait_until(&format!("the conference {alias} to show"), async || {
            let c = card(browser, alias).await;
            if c.is_null() {
                Err("no card".to_owned())
            } else {
                Ok(c)
            }
        })
        .await;
    assert_eq!(card["status"], "empty", "a new conference is empty: {card}");
    assert!(
        card["id"].as_str().is_some_and(|id| id.starts_with("CF")),
        "{card}"
    );
    card
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_page_works_from_the_keyboard_alone() {
    let browser = Browser::start("keyboard").await;
    browser.open("/").await;
    browser.wait_for_css("#clock").await;
    browser.wait_for_clock(true).await;

    // Pause: Tab to the Play/Pause button, Enter.
    tab_to(&browser, "#play", false).await;
    assert_focus_visible(&browser, "#play").await;
    press(&browser, None, &[char::from(Key::Enter)]).await;
    browser.wait_for_clock(false).await;

    // Two conferences by REST: demo (the Host line's app joins the newest "demo") and then other, the newest.
    let demo = create_by_keyboard(&browser, "demo").await;
    let other = create_by_keyboard(&browser, "other").await;
    assert_ne!(demo["id"], other["id"]);

    // Dial the Host line from the talker: back up (Shift-Tab) to its number menu, ↓ to the Host line, Tab to
    // Dial, Space.
    let row = format!(r#"li.phone[data-phone="{TALKER_PHONE}"]"#);
    tab_to(&browser, &format!("{row} select"), true).await;
    press(&browser, None, &[char::from(Key::Down)]).await;
    let number = browser
        .js(&format!(
            "return document.querySelector('{row} select').value"
        ))
        .await;
    assert_eq!(number, HOST_LINE, "↓ picks the next number");
    tab_to(&browser, &format!("{row} button"), false).await;
    assert_focus_visible(&browser, &format!("{row} button")).await;
    press(&browser, None, &[' ']).await;
    let call_id = browser
        .wait_until("the talker to be on a call", async || {
            let v = browser
                .js(&format!(
                    "return document.querySelector('{row}').dataset.callId || null"
                ))
                .await;
            v.as_str().map(str::to_owned).ok_or(format!("{v}"))
        })
        .await;
    assert!(call_id.starts_with("CA"), "{call_id}");

    // Step the clock: back to "Next event", Enter until the starter has joined demo and started it.
    tab_to(&browser, "#next-event", true).await;
    assert_focus_visible(&browser, "#next-event").await;
    let mut joined = Value::Null;
    for _ in 0..30 {
        let c = card(&browser, "demo").await;
        if c["status"] == "inProgress" {
            joined = c;
            break;
        }
        press(&browser, None, &[char::from(Key::Enter)]).await;
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
    }
    assert_eq!(joined["status"], "inProgress", "{joined}");
    assert_eq!(joined["phones"], json!([TALKER_PHONE]), "{joined}");
    let now = browser
        .js("return Number(document.querySelector('#clock-time').dataset.ms)")
        .await;
    assert!(now.as_u64().unwrap_or(0) > 0, "the clock moved: {now}");
    assert_eq!(
        card(&browser, "other").await["status"],
        "empty",
        "the other conference is untouched"
    );

    // The diagram shows the newest conference (other, empty) until demo's card is picked: Tab to its title, Enter.
    let diagram = "return [document.querySelector('#lifecycle').dataset.conferenceId, \
                   document.querySelector('#lifecycle').dataset.lit, \
                   document.querySelector('#lifecycle-conference').value]";
    assert_eq!(
        browser.js(diagram).await,
        json!([other["id"], "empty", ""]),
        "the newest conference first"
    );
    let demo_title = r#"section.conference[data-alias="demo"] button.card-pick"#;
    tab_to(&browser, demo_title, false).await;
    assert_focus_visible(&browser, demo_title).await;
    press(&browser, None, &[char::from(Key::Enter)]).await;
    browser
        .wait_for_js(
            "the diagram to show demo",
            diagram,
            json!([demo["id"], "inProgress", demo["id"]]),
        )
        .await;
    assert_eq!(card(&browser, "demo").await["picked"], "true");
    assert_eq!(card(&browser, "other").await["picked"], "false");

    // The event log: type a filter, Tab to the first conferenceStatus webhook line, Enter opens it.
    tab_to(&browser, "#log-text", false).await;
    assert_focus_visible(&browser, "#log-text").await;
    type_keys(&browser, "conferenceStatus").await;
    browser
        .wait_for_js(
            "the log to filter",
            "return document.querySelector('#events').dataset.filter",
            json!("conferencestatus"),
        )
        .await;
    let hook = r#"#events li.event[data-request-type="conferenceStatus"] summary"#;
    tab_to(&browser, hook, false).await;
    assert_focus_visible(&browser, hook).await;
    let line = browser
        .js("return document.activeElement.closest('li').dataset.line")
        .await;
    press(&browser, None, &[char::from(Key::Enter)]).await;
    let opened = format!(r#"#events li.event.open[data-line={line}]"#);
    browser.wait_for_css(&format!("{opened} pre.body")).await;
    let body = browser
        .js(&format!(
            "return document.querySelector('{opened} pre.body').textContent"
        ))
        .await;
    let body: Value = serde_json::from_str(body.as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("the webhook's body is JSON ({e}): {body}"));
    assert_eq!(body["requestType"], "conferenceStatus", "{body}");
    assert!(
        [&demo["id"], &other["id"]].contains(&&body["conferenceId"]),
        "{body}"
    );
    let signed = browser
        .js(&format!(
            "const t = document.querySelector('{opened} tr[data-header=\"FreeClimb-Signature\"] td'); \
             return t ? t.textContent : ''"
        ))
        .await;
    assert!(
        signed.as_str().unwrap_or("").contains("v1="),
        "signed: {signed}"
    );
    // Every line the filter left is about conference status.
    let kinds = browser
        .js("return [...new Set([...document.querySelectorAll('#events li.event')].map(li => li.dataset.requestType || li.dataset.kind))]")
        .await;
    assert_eq!(kinds, json!(["conferenceStatus"]), "{kinds}");
    browser.screenshot("keyboard-log").await;
    browser.assert_no_console_problems().await;
    browser.finish().await;
}
