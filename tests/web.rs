//! wasm-bindgen tests: the real Yew app mounted in headless Chromium (`./x test` runs them).
#![cfg(target_arch = "wasm32")]

use conflab::ui::App;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a fresh app in its own element of the test page.
fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
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

fn status(root: &Element) -> String {
    find(root, "section.conference .status")
        .get_attribute("data-status")
        .unwrap()
}

async fn add_participant(root: &Element, name: &str, start: bool) {
    input(root, "form.add-participant input[name=name]").set_value(name);
    input(root, "form.add-participant input[name=startConfOnEnter]").set_checked(start);
    click(root, "form.add-participant button[type=submit]");
    settle().await;
}

#[wasm_bindgen_test]
async fn a_conference_goes_through_its_whole_lifecycle() {
    let root = mount();
    settle().await;
    assert_eq!(all_text(&root, "h1"), ["conflab"]);
    input(&root, "#alias").set_value("standup");
    click(&root, "#create-conference button[type=submit]");
    settle().await;
    assert_eq!(
        find(&root, "section.conference")
            .get_attribute("data-alias")
            .as_deref(),
        Some("standup")
    );
    assert_eq!(status(&root), "empty");

    add_participant(&root, "Alice", false).await;
    assert_eq!(status(&root), "populated");
    add_participant(&root, "Bob", true).await;
    assert_eq!(status(&root), "inProgress");
    assert_eq!(all_text(&root, "li.participant .name"), ["Alice", "Bob"]);

    click(&root, "li.participant[data-name=Alice] button");
    settle().await;
    assert_eq!(status(&root), "inProgress", "Bob is still there");
    click(&root, "li.participant[data-name=Bob] button");
    settle().await;
    assert_eq!(status(&root), "empty");

    let terminate = root
        .query_selector_all("section.conference .actions button")
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
    assert_eq!(status(&root), "terminated");
    assert!(
        root.query_selector("form.add-participant")
            .unwrap()
            .is_none(),
        "a terminated conference takes no one"
    );

    let transitions = root
        .query_selector_all("li.event[data-kind=transition]")
        .unwrap();
    let to: Vec<String> = (0..transitions.length())
        .map(|i| {
            transitions
                .item(i)
                .unwrap()
                .dyn_into::<Element>()
                .unwrap()
                .get_attribute("data-to")
                .unwrap()
        })
        .collect();
    assert_eq!(
        to,
        ["empty", "populated", "inProgress", "empty", "terminated"]
    );
    let log = all_text(&root, "li.event .text");
    assert!(
        log.iter()
            .any(|t| t == "Bob joined with startConfOnEnter=true, so the conference started"),
        "{log:?}"
    );
}

#[wasm_bindgen_test]
async fn a_starter_joining_an_empty_conference_reports_both_statuses_as_a_sandbox_choice() {
    let root = mount();
    settle().await;
    click(&root, "#create-conference button[type=submit]");
    settle().await;
    add_participant(&root, "Carol", true).await;
    assert_eq!(status(&root), "inProgress");
    let to = root
        .query_selector_all("li.event[data-kind=transition]")
        .unwrap();
    assert_eq!(
        to.length(),
        3,
        "created empty, then populated and inProgress from one join"
    );
    assert_eq!(
        all_text(&root, "li.event .choice").len(),
        2,
        "both steps of the double transition are marked"
    );
}

#[wasm_bindgen_test]
async fn talk_and_listen_switches_change_the_participant_and_not_the_status() {
    let root = mount();
    settle().await;
    click(&root, "#create-conference button[type=submit]");
    settle().await;
    add_participant(&root, "Dan", false).await;
    let talk = input(&root, "li.participant[data-name=Dan] input[name=talk]");
    assert!(talk.checked());
    talk.click();
    settle().await;
    assert!(!input(&root, "li.participant[data-name=Dan] input[name=talk]").checked());
    assert_eq!(status(&root), "populated");
    let notes = all_text(&root, "li.event[data-kind=note] .text");
    assert_eq!(
        notes.last().map(String::as_str),
        Some("Dan now has talk=false; participant changes never change the status")
    );
}
