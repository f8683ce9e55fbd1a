//! The Session panel: what the live session *is*, as a file. Load one of the examples (the golden scenarios of
//! the test suite), export the session (a download and the text), import one (pasted or picked; a broken file
//! lists every problem and keeps the session), copy a permalink, reset to the default world, run to the end, and
//! hear the session so far as any of its phones ([`ScenarioAudio`]).
//!
//! It never changes the sandbox itself: every change is a [`LiveAction`] for the page's reducer.

use super::live::{Live, LiveAction, Shared};
use super::persist;
use super::scenario_audio::{RunAudio, ScenarioAudio};
use crate::engine::log::Entry;
use crate::page::format_at;
use crate::sandbox::default_world;
use crate::scenario::{self, Scenario};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Scenarios for the menu: the example first, then the golden scenarios of the test suite (the audio ones
/// last: hear them with Hear the session).
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "Inbound call creates a conference; REST creates and terminates another",
        include_str!("../scenario/example.json"),
    ),
    (
        "A startConfOnEnter join into an empty conference",
        include_str!("../../tests/scenarios/start-conf-crossing.json"),
    ),
    (
        "PerCL CreateConference, then AddToConference",
        include_str!("../../tests/scenarios/percl-create-join.json"),
    ),
    (
        "REST create, then calls join",
        include_str!("../../tests/scenarios/rest-create-join.json"),
    ),
    (
        "Terminate by REST: everyone is hung up",
        include_str!("../../tests/scenarios/terminate-rest.json"),
    ),
    (
        "Terminate by PerCL TerminateConference",
        include_str!("../../tests/scenarios/terminate-percl.json"),
    ),
    (
        "REST status=empty",
        include_str!("../../tests/scenarios/status-empty.json"),
    ),
    (
        "Recording while inProgress",
        include_str!("../../tests/scenarios/recording.json"),
    ),
    (
        "leaveConferenceUrl, and leaving without one",
        include_str!("../../tests/scenarios/leave-url.json"),
    ),
    (
        "Call control during a conference",
        include_str!("../../tests/scenarios/call-control.json"),
    ),
    (
        "OutDial: parent and child legs",
        include_str!("../../tests/scenarios/outdial.json"),
    ),
    (
        "REST POST /Calls",
        include_str!("../../tests/scenarios/post-calls.json"),
    ),
    (
        "Trial account: verified numbers only",
        include_str!("../../tests/scenarios/trial-rule.json"),
    ),
    (
        "GetDigits: finish key and timeouts",
        include_str!("../../tests/scenarios/get-digits.json"),
    ),
    (
        "Webhook faults: HTTP 500, slow, 404, invalid PerCL",
        include_str!("../../tests/scenarios/webhook-faults.json"),
    ),
    (
        "Redirect limit",
        include_str!("../../tests/scenarios/redirect-limit.json"),
    ),
    (
        "REST errors",
        include_str!("../../tests/scenarios/rest-errors.json"),
    ),
    (
        "Simulated commands: GetSpeech, queues, Sms, …",
        include_str!("../../tests/scenarios/simulated-commands.json"),
    ),
    (
        "Audio: tones, beeps, wait music, talk=false, listen=false, recording",
        include_str!("../../tests/scenarios/audio_lifecycle.json"),
    ),
    (
        "Audio: a Say, a talker, speech and a tone",
        include_str!("../../tests/scenarios/audio_parity.json"),
    ),
    (
        "Audio: Play and waitUrl files (stand-in sounds)",
        include_str!("../../tests/scenarios/audio_urls.json"),
    ),
    (
        "Audio: a phone whose media is a WAV file (pick the file to hear it)",
        include_str!("../../tests/scenarios/audio_file.json"),
    ),
];

/// The name an export downloads as.
const EXPORT_FILE: &str = "conflab-session.json";

/// Properties of [`SessionPanel`]. The sandbox comes as a [`Shared`] handle, read only when a control is used,
/// so that a step does not re-render the panel: its one changing line ([`SessionStatus`]) follows the page's
/// [`Live`] context on its own.
#[derive(Clone, PartialEq, Properties)]
pub struct SessionPanelProps {
    /// The page's sandbox.
    pub live: Shared,
    /// Where the panel's changes go (the page's reducer).
    pub on_action: Callback<LiveAction>,
}

/// The session in one line: its events, time and steps. It reads the page's [`Live`] context, so a step
/// re-renders this line and not the panel around it.
#[component]
fn SessionStatus() -> Html {
    let Some(live) = use_context::<Live>() else {
        return html! {};
    };
    let sandbox = live.borrow();
    let (lines, now, steps) = (
        sandbox.log().len(),
        sandbox.now(),
        sandbox.scenario().steps.len(),
    );
    html! {
        <p id="session-status" role="status" data-lines={lines.to_string()} data-now={now.to_string()}
           data-steps={steps.to_string()}>
            {format!("{lines} event{} up to {}, {steps} step{}.", if lines == 1 { "" } else { "s" }, format_at(now),
                     if steps == 1 { "" } else { "s" })}
        </p>
    }
}

/// What the last import said.
#[derive(Clone, Debug, PartialEq)]
enum Import {
    None,
    /// Imported; the text is what to say.
    Done(String),
    /// Refused: every problem, rendered `line:column: error: pointer: message (fix: …)`.
    Broken(Vec<String>),
}

/// Asks before a change that throws the session's steps away; a session without steps is replaced at once.
fn confirmed(live: &Shared, what: &str) -> bool {
    let steps = live.borrow().scenario().steps.len();
    if steps == 0 {
        return true;
    }
    let question = format!(
        "{what} replaces this session and its {steps} step{}. Export it first if you want to keep it. Continue?",
        if steps == 1 { "" } else { "s" }
    );
    web_sys::window()
        .and_then(|w| w.confirm_with_message(&question).ok())
        .unwrap_or(false)
}

/// The time the session's run reaches its last line when nothing stops it, as `conflab run` would run it: where
/// "Run to the end" moves the clock. The closing note a run adds is not an event of the session.
fn end_of(scenario: &Scenario) -> u64 {
    let log = crate::engine::run_scenario(scenario, None);
    log.iter()
        .rev()
        .find(|l| !matches!(&l.entry, Entry::Note { text, .. } if text.starts_with("the run ")))
        .map_or(0, |l| l.at)
}

/// Offers `text` as a file download named `name`.
fn download(text: &str, name: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a = document.create_element("a")?;
    a.set_attribute("href", &url)?;
    a.set_attribute("download", name)?;
    a.dyn_ref::<web_sys::HtmlElement>()
        .ok_or("not an element")?
        .click();
    // The click has started the download; the URL is not needed after it.
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// Copies `text` with the asynchronous Clipboard API (not in every context: the link is also shown to copy by
/// hand).
fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).ok();
    let write = clipboard
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &"writeText".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match (clipboard, write) {
        (Some(c), Some(write)) => write.call1(&c, &JsValue::from_str(text)).is_ok(),
        _ => false,
    }
}

/// The Session panel.
#[component]
pub fn SessionPanel(props: &SessionPanelProps) -> Html {
    let _timed = super::Timed::new("conflab:c:SessionPanel");
    let live = props.live.clone();
    let on_action = props.on_action.clone();
    let import = use_state(|| Import::None);
    let exported = use_state(|| None::<String>);
    let link = use_state(|| None::<(String, bool)>);
    let sound = use_state(|| None::<(u32, Rc<RunAudio>)>);
    let import_text = use_node_ref();

    let on_example = {
        let (live, on_action) = (live.clone(), on_action.clone());
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            let chosen = select
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| EXAMPLES.get(i));
            select.set_value("");
            let Some((title, text)) = chosen else { return };
            if !confirmed(&live, &format!("Loading \"{title}\"")) {
                return;
            }
            match scenario::parse(text) {
                Ok(s) => on_action.emit(LiveAction::Load(s)),
                // The examples are tested to parse; say so if one somehow does not.
                Err(e) => on_action.emit(LiveAction::Refused(format!(
                    "the example does not read: {}",
                    e.render(title)
                ))),
            }
        })
    };
    let on_to_end = {
        let (live, on_action) = (live.clone(), on_action.clone());
        Callback::from(move |_: MouseEvent| {
            let end = end_of(live.borrow().scenario());
            on_action.emit(LiveAction::Play(false));
            on_action.emit(LiveAction::Advance(end));
        })
    };
    let on_export = {
        let (live, exported, on_action) = (live.clone(), exported.clone(), on_action.clone());
        Callback::from(move |_: MouseEvent| {
            let text = live.borrow().export();
            if let Err(e) = download(&text, EXPORT_FILE) {
                on_action.emit(LiveAction::Refused(format!(
                    "the browser did not offer the download ({e:?}); copy the text below instead"
                )));
            }
            exported.set(Some(text));
        })
    };
    // Reads `text` as the new session, or lists every problem and keeps the session.
    let import_from = {
        let (live, on_action, import) = (live.clone(), on_action.clone(), import.clone());
        Rc::new(
            move |text: String, from: String| match scenario::parse(&text) {
                Ok(s) => {
                    if confirmed(&live, "Importing") {
                        let steps = s.steps.len();
                        on_action.emit(LiveAction::Load(s));
                        import.set(Import::Done(format!(
                            "Imported {from}: {steps} step{}, at 0 ms, paused.",
                            if steps == 1 { "" } else { "s" }
                        )));
                    }
                }
                Err(errors) => import.set(Import::Broken(
                    errors.errors.iter().map(|e| e.render()).collect(),
                )),
            },
        )
    };
    let on_import = {
        let (import_text, import_from) = (import_text.clone(), import_from.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = import_text.cast::<HtmlTextAreaElement>() {
                import_from(area.value(), "the pasted text".to_owned());
            }
        })
    };
    let on_file = {
        let (import_from, import) = (import_from.clone(), import.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|l| l.get(0)) else {
                return;
            };
            // Picking the same file again after fixing it must fire `change` again.
            input.set_value("");
            let (import_from, import) = (import_from.clone(), import.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(text) => import_from(text.as_string().unwrap_or_default(), name),
                    Err(e) => import.set(Import::Broken(vec![format!(
                        "{name} could not be read ({e:?}); pick it again or paste its text"
                    )])),
                }
            });
        })
    };
    let on_permalink = {
        let (live, link) = (live.clone(), link.clone());
        Callback::from(move |_: MouseEvent| {
            // The browser compresses asynchronously; the link shows (and is copied) when that is done.
            let making = persist::permalink(&live.borrow());
            let link = link.clone();
            wasm_bindgen_futures::spawn_local(async move {
                link.set(Some(match making.await {
                    Ok(url) => {
                        let copied = copy_to_clipboard(&url);
                        (url, copied)
                    }
                    Err(e) => (
                        format!("(no permalink: this browser cannot compress it: {e})"),
                        false,
                    ),
                }));
            });
        })
    };
    let on_reset = {
        let (live, on_action) = (live.clone(), on_action.clone());
        Callback::from(move |_: MouseEvent| {
            if confirmed(&live, "Reset") {
                // A new session starts at the time it is created (issue 12: fresh signatures).
                on_action.emit(LiveAction::Load(
                    default_world().starting_at(js_sys::Date::now()),
                ));
            }
        })
    };
    let on_sound = {
        let (live, sound) = (live.clone(), sound.clone());
        Callback::from(move |_: MouseEvent| {
            let n = sound.as_ref().map_or(0, |(n, _)| n + 1);
            sound.set(Some((n, Rc::new(RunAudio::live(&live.borrow())))));
        })
    };

    // Attached to `conflab serve`, the session is the server's: nothing here replaces it.
    let attached = super::attach::is_attached();
    html! {
        <section class="card scenario session" aria-labelledby="session-title">
            <div class="percl-head">
                <h2 id="session-title">{"Session"}</h2>
                if !attached {
                    <label class="field inline">{"Example"}
                        <select id="session-example" onchange={on_example}>
                            <option value="" selected=true>{"Load an example…"}</option>
                            { for EXAMPLES.iter().enumerate().map(|(i, (title, _))| html! {
                                <option value={i.to_string()}>{*title}</option>
                            }) }
                        </select>
                    </label>
                }
            </div>
            if attached {
                <p class="hint" id="session-attached">{"Examples, import, reset and \"Run to the end\" are off: the session is conflab serve's, and only its clock and steps change it (export it here or from /conflab/scenario)."}</p>
            }
            <p class="hint">
                {"The session is a scenario being written: its world and every step taken, each at the time it was taken. "}
                {"Export it and "}<code>{"conflab run FILE --until T"}</code>{" prints the same log up to T; the format is in docs/scenarios.md."}
            </p>
            <SessionStatus />
            <div class="audio-row">
                if !attached {
                    <button type="button" id="session-to-end" onclick={on_to_end}
                            title="Move the clock to the last thing that happens when nothing else is done">{"Run to the end"}</button>
                }
                <button type="button" id="session-export" onclick={on_export}>{"Export"}</button>
                <button type="button" id="session-permalink" onclick={on_permalink}>{"Copy permalink"}</button>
                if !attached {
                    <button type="button" id="session-reset" onclick={on_reset}>{"Reset"}</button>
                }
            </div>
            if let Some((url, copied)) = &*link {
                <label class="field">{ if *copied { "Permalink (copied)" } else { "Permalink (copy it from here)" } }
                    <input id="session-permalink-url" type="text" readonly=true value={url.clone()} />
                </label>
            }
            if let Some(text) = &*exported {
                <label class="field">{format!("Exported as {EXPORT_FILE}")}
                    <textarea id="session-export-text" class="scenario-source" readonly=true spellcheck="false"
                              value={text.clone()} />
                </label>
            }
            if !attached {
                <details class="session-import" open={!matches!(*import, Import::None)}>
                    <summary>{"Import a session"}</summary>
                    <textarea id="session-import-text" class="scenario-source" aria-label="Scenario JSON to import"
                              spellcheck="false" ref={import_text} placeholder="Paste a scenario file here" />
                    <div class="audio-row">
                        <button type="button" id="session-import" onclick={on_import}>{"Import"}</button>
                        <label class="field inline">{"or a file"}
                            <input type="file" id="session-import-file" accept=".json,application/json" onchange={on_file} />
                        </label>
                    </div>
                    { match &*import {
                        Import::None => html! {},
                        Import::Done(text) => html! { <p id="session-import-status" role="status">{text.clone()}</p> },
                        Import::Broken(errors) => html! {
                            <>
                                <p class="alert" role="alert" id="session-import-status">
                                    {format!("The file has {} problem{}; the session is unchanged.", errors.len(),
                                             if errors.len() == 1 { "" } else { "s" })}
                                </p>
                                <ul class="scenario-errors" id="session-import-errors">
                                    { for errors.iter().map(|e| html! { <li><code>{e}</code></li> }) }
                                </ul>
                            </>
                        },
                    } }
                </details>
            }
            <div class="audio-row">
                <button type="button" id="session-sound" onclick={on_sound}>{"Hear the session"}</button>
                <span class="hint">{"What a phone heard up to now, and the recordings, rendered as "}<code>{"conflab run --hear"}</code>{" does."}</span>
            </div>
            if let Some((n, run)) = &*sound {
                <ScenarioAudio key={n.to_string()} run={run.clone()} />
            }
        </section>
    }
}
