//! wasm-bindgen tests: the real Yew app mounted in headless Chromium (`./x test` runs them).
#![cfg(target_arch = "wasm32")]

use conflab::ui::App;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh app mounted in its own element of the test page; dropping it unmounts it, so that no earlier test's
/// app (its clock, its saving to localStorage) runs on into the next test.
struct Mounted {
    root: Element,
    handle: Option<yew::AppHandle<App>>,
}

impl std::ops::Deref for Mounted {
    type Target = Element;
    fn deref(&self) -> &Element {
        &self.root
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

/// Mounts a fresh app on an empty localStorage: the page opens on the default world, not on a session an
/// earlier test saved.
fn mount() -> Mounted {
    let window = web_sys::window().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    Mounted {
        root,
        handle: Some(handle),
    }
}

/// Yew renders asynchronously: give it a turn of the event loop.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn all_text(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

fn click(root: &Element, selector: &str) {
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

fn input(root: &Element, selector: &str) -> HtmlInputElement {
    find(root, selector).dyn_into().unwrap()
}

/// The status of the `demo` card (the conference the default world's Conference line creates).
fn status(root: &Element) -> Option<String> {
    root.query_selector(r#"section.conference[data-alias="demo"] .status"#)
        .unwrap()
        .and_then(|e| e.get_attribute("data-status"))
}

/// Stops the clock, so the test moves it with "Next event" only.
async fn pause(root: &Element) {
    settle().await;
    if find(root, "#clock")
        .get_attribute("data-playing")
        .as_deref()
        == Some("true")
    {
        click(root, "#play");
        settle().await;
    }
    assert_eq!(
        find(root, "#clock")
            .get_attribute("data-playing")
            .as_deref(),
        Some("false")
    );
}

/// Dials `number` from `phone` in the Phones panel.
async fn dial(root: &Element, phone: &str, number: &str) {
    let row = format!(r#"li.phone[data-phone="{phone}"]"#);
    let select: web_sys::HtmlSelectElement =
        find(root, &format!("{row} select")).dyn_into().unwrap();
    select.set_value(number);
    click(root, &format!("{row} button"));
    settle().await;
}

/// Waits (up to 5 s, in turns of the event loop) until `ready` holds: Yew renders when the browser lets it,
/// which on a busy machine can take longer than one [`settle`].
async fn settle_until(what: &str, ready: impl Fn() -> bool) {
    for _ in 0..250 {
        if ready() {
            return;
        }
        settle().await;
    }
    panic!("waited 5 s for {what}");
}

/// Clicks "Next event" until the `demo` card shows `status` (at most 20 events).
async fn until_status(root: &Element, status: &str) {
    for _ in 0..20 {
        if self::status(root).as_deref() == Some(status) {
            return;
        }
        click(root, "#next-event");
        settle().await;
    }
    panic!("demo never became {status}; it is {:?}", self::status(root));
}

/// The `data-to` of the log's conference lines.
fn conference_lines(root: &Element) -> Vec<String> {
    let lines = root
        .query_selector_all("li.event[data-kind=conference]")
        .unwrap();
    (0..lines.length())
        .map(|i| {
            lines
                .item(i)
                .unwrap()
                .dyn_into::<Element>()
                .unwrap()
                .get_attribute("data-to")
                .unwrap()
        })
        .collect()
}

const CONFERENCE_LINE: &str = "+15550100000";
const HOST_LINE: &str = "+15550100001";

#[wasm_bindgen_test]
async fn a_conference_goes_through_its_whole_lifecycle() {
    let root = mount();
    pause(&root).await;
    assert_eq!(all_text(&root, "h1"), ["conflab"]);
    dial(&root, "+15550133333", CONFERENCE_LINE).await;
    until_status(&root, "populated").await;
    dial(&root, "+15550111111", HOST_LINE).await;
    until_status(&root, "inProgress").await;
    assert_eq!(
        all_text(
            &root,
            r#"section.conference[data-alias="demo"] li.participant .name"#
        ),
        ["+15550133333", "+15550111111"]
    );
    let terminate = root
        .query_selector_all(r#"section.conference[data-alias="demo"] .actions button"#)
        .unwrap();
    let terminate = (0..terminate.length())
        .map(|i| {
            terminate
                .item(i)
                .unwrap()
                .dyn_into::<HtmlElement>()
                .unwrap()
        })
        .find(|b| b.text_content().as_deref() == Some("Terminate"))
        .expect("a Terminate button");
    terminate.click();
    settle().await;
    assert_eq!(status(&root).as_deref(), Some("terminated"));
    assert!(
        root.query_selector(r#"section.conference[data-alias="demo"] .actions"#)
            .unwrap()
            .is_none(),
        "a terminated conference offers no controls"
    );
    assert_eq!(
        conference_lines(&root),
        ["empty", "populated", "inProgress", "empty", "terminated"]
    );
    // The terminate went out as REST and FreeClimb answered 204.
    let api = all_text(&root, "li.event[data-kind=api]");
    assert!(
        api.iter()
            .any(|t| t.contains("POST") && t.contains("/Conferences/CF") && t.contains("204")),
        "{api:?}"
    );
}

#[wasm_bindgen_test]
async fn a_starter_joining_an_empty_conference_reports_both_statuses_as_a_sandbox_choice() {
    let root = mount();
    pause(&root).await;
    // POST /Conferences by the form: demo, empty.
    input(&root, "#alias").set_value("demo");
    click(&root, "#create-conference button[type=submit]");
    settle().await;
    assert_eq!(status(&root).as_deref(), Some("empty"));
    // The Host line adds its caller to the newest demo with startConfOnEnter.
    dial(&root, "+15550144444", HOST_LINE).await;
    until_status(&root, "inProgress").await;
    assert_eq!(
        conference_lines(&root),
        ["empty", "populated", "inProgress"]
    );
    // The creation is marked too: it is reported as createConference with status empty (issue 12).
    assert_eq!(
        all_text(&root, "li.event[data-kind=conference] .choice").len(),
        3,
        "the creation and both steps of the double transition are marked"
    );
}

#[wasm_bindgen_test]
async fn talk_and_listen_switches_change_the_participant_and_not_the_status() {
    let root = mount();
    pause(&root).await;
    dial(&root, "+15550122222", CONFERENCE_LINE).await;
    until_status(&root, "populated").await;
    let css = r#"li.participant[data-phone="+15550122222"] input[name=talk]"#;
    let talk = input(&root, css);
    assert!(talk.checked());
    talk.click();
    settle().await;
    assert!(
        !input(&root, css).checked(),
        "the engine reports talk=false"
    );
    assert_eq!(status(&root).as_deref(), Some("populated"));
    let api = all_text(&root, "li.event[data-kind=api]");
    assert!(
        api.last()
            .is_some_and(|t| t.contains("/Participants/CA") && t.contains("200")),
        "{api:?}"
    );
}

// ---- The PerCL editor ----------------------------------------------------------------------------------------

fn editor_text(root: &Element) -> web_sys::HtmlTextAreaElement {
    find(root, "#percl-source").dyn_into().unwrap()
}

/// Types `text` into the editor as a user would: the value changes and an `input` event bubbles up to Yew.
fn type_into_editor(root: &Element, text: &str) {
    let area = editor_text(root);
    area.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    area.dispatch_event(&event).unwrap();
}

/// Waits past the editor's debounce, then until the summary says it checked `bytes` bytes.
async fn checked(root: &Element, bytes: usize) -> Element {
    for _ in 0..100 {
        settle().await;
        let summary = find(root, "#percl-summary");
        if summary.get_attribute("data-checked-bytes") == Some(bytes.to_string())
            && !summary.text_content().unwrap().contains("checking")
        {
            return summary;
        }
    }
    panic!("the editor never checked the {bytes}-byte script");
}

#[wasm_bindgen_test]
async fn the_editor_offers_a_clean_example_for_every_conference_command() {
    let root = mount();
    settle().await;
    let titles = all_text(&root, "#percl-example option");
    for command in [
        "CreateConference",
        "AddToConference",
        "RemoveFromConference",
        "TerminateConference",
        "SetTalk",
        "SetListen",
        "SetDTMFPassThrough",
    ] {
        assert!(
            titles.iter().any(|t| t.starts_with(command)),
            "no example for {command} in {titles:?}"
        );
    }
    // Choose each example in turn: each one checks with no problems.
    let select: web_sys::HtmlSelectElement = find(&root, "#percl-example").dyn_into().unwrap();
    for (i, title) in titles.iter().enumerate() {
        select.set_value(&i.to_string());
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        select
            .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
            .unwrap();
        settle().await;
        let summary = find(&root, "#percl-summary");
        assert_eq!(
            summary.get_attribute("data-errors").as_deref(),
            Some("0"),
            "{title}"
        );
        assert_eq!(
            summary.get_attribute("data-warnings").as_deref(),
            Some("0"),
            "{title}"
        );
        assert_eq!(
            editor_text(&root).value(),
            conflab::percl::examples::EXAMPLES[i].script
        );
    }
}

#[wasm_bindgen_test]
async fn typing_bad_percl_lists_every_problem_with_its_place_and_marks_it_inline() {
    let root = mount();
    settle().await;
    let script = "[{\"say\":{\"text\":\"hi\"}},\n {\"Pause\":{\"length\":\"x\"}}]";
    type_into_editor(&root, script);
    let summary = checked(&root, script.len()).await;
    assert_eq!(summary.get_attribute("data-errors").as_deref(), Some("2"));
    let places: Vec<(String, String, String)> = {
        let list = root.query_selector_all("#percl-diagnostics li").unwrap();
        (0..list.length())
            .map(|i| {
                let li: Element = list.item(i).unwrap().dyn_into().unwrap();
                let attr = |a: &str| li.get_attribute(a).unwrap();
                (
                    attr("data-pointer"),
                    format!("{}:{}", attr("data-line"), attr("data-column")),
                    li.class_name(),
                )
            })
            .collect()
    };
    assert!(
        places.contains(&("/0/say".into(), "1:3".into(), "diagnostic error".into())),
        "{places:?}"
    );
    assert!(
        places.contains(&(
            "/1/Pause/length".into(),
            "2:21".into(),
            "diagnostic error".into()
        )),
        "{places:?}"
    );
    let messages = all_text(&root, "#percl-diagnostics .message");
    assert!(
        messages.iter().any(|m| m.contains("did you mean \"Say\"")),
        "{messages:?}"
    );
    assert_eq!(
        all_text(&root, ".backdrop mark.error"),
        ["\"say\"", "\"x\""]
    );
    assert_eq!(
        editor_text(&root).get_attribute("aria-invalid").as_deref(),
        Some("true")
    );

    // Clicking a problem's place selects it in the script.
    click(
        &root,
        "#percl-diagnostics li[data-pointer='/1/Pause/length'] button.place",
    );
    let area = editor_text(&root);
    let (start, end) = (
        area.selection_start().unwrap().unwrap(),
        area.selection_end().unwrap().unwrap(),
    );
    assert_eq!(&script[start as usize..end as usize], "\"x\"");
}

#[wasm_bindgen_test]
async fn format_writes_the_canonical_form_and_refuses_broken_scripts() {
    let root = mount();
    settle().await;
    let messy = "[ {\"Say\" : {\"text\":\"hi\"}} ,{\"Hangup\":{}} ]";
    type_into_editor(&root, messy);
    checked(&root, messy.len()).await;
    click(&root, "#percl-format");
    settle().await;
    assert_eq!(
        editor_text(&root).value(),
        r#"[{"Say": {"text": "hi", "loop": 1}}, {"Hangup": {}}]"#
    );

    let broken = "[{\"Say\": {}}]";
    type_into_editor(&root, broken);
    // Format reads the editor's state: wait until the typed text is the one checked.
    checked(&root, broken.len()).await;
    click(&root, "#percl-format");
    settle().await;
    assert_eq!(
        editor_text(&root).value(),
        broken,
        "a broken script is left as it is"
    );
    assert_eq!(
        all_text(&root, ".percl [role=alert]"),
        ["Not formatted: fix the 1 error first."]
    );
}

#[wasm_bindgen_test]
async fn a_100_kb_script_is_checked_without_freezing_the_page() {
    let root = mount();
    settle().await;
    let mut script = String::from("[");
    while script.len() < 100 * 1024 {
        script.push_str("{\"Say\": {\"text\": \"Welcome to the standup. Press one to join the conference.\", \"loop\": 1}},\n");
    }
    script.push_str("{\"Hangup\": {}}]");
    let started = web_sys::window().unwrap().performance().unwrap().now();
    type_into_editor(&root, &script);
    let summary = checked(&root, script.len()).await;
    let elapsed = web_sys::window().unwrap().performance().unwrap().now() - started;
    assert_eq!(summary.get_attribute("data-errors").as_deref(), Some("0"));
    let timing = summary.text_content().unwrap();
    wasm_bindgen_test::console_log!(
        "100 KB PerCL in the browser: {timing}; typed to rendered in {elapsed:.0} ms"
    );
    // Not a benchmark: a bound far above the measured time, so only a freeze (a blocked event loop) fails it.
    let ms: f64 = timing
        .split(" checked in ")
        .nth(1)
        .unwrap()
        .trim_end_matches(" ms")
        .parse()
        .unwrap();
    assert!(ms < 250.0, "checking 100 KB took {ms} ms");
}

// ---- The engine: the same scenario gives the same event log in the browser as natively ----------------------

/// A golden scenario and its native event log, compiled into the test.
macro_rules! golden {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("scenarios/", $name, ".json")),
            include_str!(concat!("golden/scenarios/", $name, ".jsonl")),
        )
    };
}

/// Every scenario in tests/scenarios/ (tests/docs.rs checks that none is missing here).
const GOLDEN_SCENARIOS: &[(&str, &str, &str)] = &[
    golden!("audio_file"),
    golden!("audio_lifecycle"),
    golden!("audio_parity"),
    golden!("audio_urls"),
    golden!("call-control"),
    golden!("fidelity"),
    golden!("get-digits"),
    golden!("issue-example"),
    golden!("leave-url"),
    golden!("outdial"),
    golden!("percl-create-join"),
    golden!("post-calls"),
    golden!("recording"),
    golden!("redirect-limit"),
    golden!("rest-create-join"),
    golden!("rest-errors"),
    golden!("simulated-commands"),
    golden!("start-conf-crossing"),
    golden!("status-empty"),
    golden!("terminate-percl"),
    golden!("terminate-rest"),
    golden!("trial-rule"),
    golden!("webhook-faults"),
    golden!("world-edits"),
];

/// The golden log without the closing note a run prints when it stops (a live session never stops by itself), and
/// the time of its last event: where the session's clock goes to see the whole run.
fn without_closing_note(expected: &str) -> (Vec<&str>, u64) {
    let mut lines: Vec<&str> = expected.lines().collect();
    if let Some(last) = lines.last() {
        let v: serde_json::Value = serde_json::from_str(last).unwrap();
        if v["kind"] == "note"
            && v["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("the run "))
        {
            lines.pop();
        }
    }
    let end = lines.last().map_or(0, |l| {
        serde_json::from_str::<serde_json::Value>(l).unwrap()["at"]
            .as_u64()
            .unwrap()
    });
    (lines, end)
}

#[wasm_bindgen_test]
fn every_golden_scenario_gives_the_native_event_log_byte_for_byte() {
    let mut lines = 0;
    for (name, source, expected) in GOLDEN_SCENARIOS {
        let scenario = conflab::scenario::parse(source).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        // The page's way: a live session loaded with the scenario and its clock moved to the end.
        let mut sandbox = conflab::sandbox::Sandbox::new(scenario);
        let (expected, end) = without_closing_note(expected);
        sandbox.advance(end);
        let log = conflab::engine::log::to_jsonl(sandbox.log());
        assert!(
            log.lines().eq(expected.iter().copied()),
            "{name}: the browser's live event log differs from tests/golden/scenarios/{name}.jsonl"
        );
        lines += expected.len();
    }
    wasm_bindgen_test::console_log!(
        "{} scenarios, {lines} log lines identical to the native run",
        GOLDEN_SCENARIOS.len()
    );
    assert!(GOLDEN_SCENARIOS.len() >= 18 && lines > 100);
}

// ---- The session panel -------------------------------------------------------------------------------------------

/// Answers yes to every "replace this session?" question.
fn always_confirm() {
    let window = web_sys::window().unwrap();
    let yes = js_sys::Function::new_no_args("return true");
    js_sys::Reflect::set(&window, &"confirm".into(), &yes).unwrap();
}

fn session_status(root: &Element, key: &str) -> String {
    find(root, "#session-status")
        .get_attribute(&format!("data-{key}"))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_session_panel_loads_an_example_and_runs_it_to_the_native_log() {
    always_confirm();
    let root = mount();
    settle().await;
    let select: web_sys::HtmlSelectElement = find(&root, "#session-example").dyn_into().unwrap();
    select.set_value("0"); // the issue's example
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    settle_until("the example to load", || {
        session_status(&root, "steps") == "5"
    })
    .await;
    assert_eq!(session_status(&root, "now"), "0", "loaded at 0, paused");
    click(&root, "#session-to-end");
    let (expected, end) =
        without_closing_note(include_str!("golden/scenarios/issue-example.jsonl"));
    settle_until("the clock to reach the end", || {
        session_status(&root, "now") == end.to_string()
    })
    .await;
    assert_eq!(session_status(&root, "now"), end.to_string());
    assert_eq!(session_status(&root, "lines"), expected.len().to_string());
}

#[wasm_bindgen_test]
async fn a_broken_import_lists_its_problems_and_keeps_the_session() {
    always_confirm();
    let root = mount();
    settle().await;
    // The new visitor's clock plays, so the time moves on; the session is its steps and its world.
    let steps_before = session_status(&root, "steps");
    let lines_before = session_status(&root, "lines");
    let area: web_sys::HtmlTextAreaElement =
        find(&root, "#session-import-text").dyn_into().unwrap();
    area.set_value("{\"seed\": 1, \"stpes\": []}");
    click(&root, "#session-import");
    settle_until("the import's problems", || {
        !all_text(&root, "#session-import-errors li").is_empty()
    })
    .await;
    let errors = all_text(&root, "#session-import-errors li");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("1:13: error: /stpes:"), "{errors:?}");
    assert!(
        errors[0].contains("steps"),
        "the near miss is suggested: {errors:?}"
    );
    assert_eq!(
        session_status(&root, "steps"),
        steps_before,
        "the steps are kept"
    );
    assert_eq!(
        session_status(&root, "lines"),
        lines_before,
        "the log is kept"
    );
    assert!(
        find(&root, "#phones")
            .text_content()
            .unwrap_or_default()
            .contains("+15550133333"),
        "the default world's phones are still there"
    );
}

/// A link made natively (`conflab::sandbox::permalink::encode`, miniz_oxide at level 9) of
/// tests/scenarios/redirect-limit.json: the page reads it with the browser's own inflater. (The native tests read
/// a link the page made.)
const NATIVE_LINK: &str = "s1.fZAxDsMgDEX3nAKxtmqSgSVrb1CpU5SBEFdFJQGB0yXi7rVJhy6pJ_yB5_-9VULIBDDJTrTqzN2yziPERMImT61SqmkbriK8vTVwj44a-UQMqatrHcIFIWHtvA_yTDzUuKardm7U5nX02tB9kjmXoaQyn47iCNyJfpM3mGwEg8WMNmj98tdNzgMx9xkJIXCsvkyh70xpyO9ktSvAR_Qzs76xS3Eg9D_qvoyciTJUufoA";

#[wasm_bindgen_test]
async fn a_link_made_natively_opens_in_the_page() {
    use conflab::sandbox::permalink::browser;
    assert_eq!(
        browser::decode(NATIVE_LINK).await.as_deref(),
        Ok(include_str!("scenarios/redirect-limit.json"))
    );
}

#[wasm_bindgen_test]
async fn the_pages_permalink_codec_round_trips_is_bounded_and_refuses_damage() {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use conflab::sandbox::permalink::{PermalinkError, browser};
    use conflab::scenario::MAX_SOURCE_BYTES;

    let text = include_str!("scenarios/audio_lifecycle.json");
    let link = browser::encode(text).await.unwrap();
    assert!(link.starts_with("s1."), "{link}");
    assert_eq!(browser::decode(&link).await.as_deref(), Ok(text));
    assert_eq!(
        browser::decode(&browser::encode("").await.unwrap())
            .await
            .as_deref(),
        Ok("")
    );

    // Exactly the limit opens; a byte more is refused, the inflater stopped (a 4 MiB run deflates to ~4 KB).
    let at_limit = browser::encode(&"x".repeat(MAX_SOURCE_BYTES))
        .await
        .unwrap();
    assert_eq!(
        browser::decode(&at_limit).await.map(|t| t.len()),
        Ok(MAX_SOURCE_BYTES)
    );
    let over = browser::encode(&"x".repeat(MAX_SOURCE_BYTES + 1))
        .await
        .unwrap();
    assert_eq!(
        browser::decode(&over).await,
        Err(PermalinkError::TooLarge {
            limit: MAX_SOURCE_BYTES
        })
    );

    // A stream cut in half ends early; reserved block type 3 is corrupt; the tag and base64 are checked as natively.
    let bytes = URL_SAFE_NO_PAD.decode(&link[3..]).unwrap();
    let cut = format!("s1.{}", URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() / 2]));
    assert_eq!(
        browser::decode(&cut).await,
        Err(PermalinkError::NotDeflate { truncated: true })
    );
    let corrupt = format!("s1.{}", URL_SAFE_NO_PAD.encode([0xff, 0xff, 0xff, 0xff]));
    assert_eq!(
        browser::decode(&corrupt).await,
        Err(PermalinkError::NotDeflate { truncated: false })
    );
    assert_eq!(
        browser::decode("s2.AAAA").await,
        Err(PermalinkError::UnknownVersion { tag: "s2".into() })
    );
    assert!(matches!(
        browser::decode("s1.AA+A").await,
        Err(PermalinkError::NotBase64Url {
            offset: 5,
            byte: Some(b'+')
        })
    ));
}
