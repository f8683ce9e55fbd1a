//! The world editor's app section: for each URL, the PerCL it answers (checked as you type by the scenario
//! reader's checker, with inline marks and the example menu: [`super::percl_editor::PerclInput`]) or a fault
//! (HTTP status, delay, body); and the templates' help.

use super::percl_editor::PerclInput;
use super::world_editor::{DraftHandle, Edit, invalid, on_click, on_select, on_text, problems_of};
use crate::sandbox::world::{AppDraft, DraftProblem};
use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub(super) struct AppProps {
    pub draft: DraftHandle,
    pub app: Vec<AppDraft>,
    pub problems: Vec<DraftProblem>,
}

/// The customer's app: one row per URL.
#[component]
pub(super) fn AppSection(props: &AppProps) -> Html {
    let draft = &props.draft;
    let problems = &props.problems;
    let add = on_click(draft, |d| {
        d.app.push(AppDraft {
            url: "https://app.test/".into(),
            percl: "[\n  {\"Say\": {\"text\": \"Hello\"}}\n]".into(),
            ..AppDraft::default()
        })
    });
    html! {
        <fieldset class="world-app">
            <legend>{"App"}</legend>
            <p class="hint">{"What each URL of the customer's webhook server answers. A URL not listed answers HTTP 404. A new answer is what the next webhook to the URL gets."}</p>
            { for props.app.iter().enumerate().map(|(i, a)| {
                let field = |key: &str| format!("app/{i}/{key}");
                let on_percl = {
                    let draft = draft.clone();
                    Callback::from(move |text: String| {
                        draft.dispatch(Edit::With(Box::new(move |d| d.app[i].percl = text)));
                    })
                };
                html! {
                    <div class="world-row world-url" data-url={a.url.clone()} key={i}>
                        <div class="fields">
                            <label class="field wide-field">{"URL"}
                                <input id={format!("world-app-{i}-url")} value={a.url.clone()}
                                       aria-invalid={invalid(problems, &field("url"))}
                                       oninput={on_text(draft, move |d, v| d.app[i].url = v)} />
                            </label>
                            <label class="field">{"Answers"}
                                <select id={format!("world-app-{i}-kind")}
                                        onchange={on_select(draft, move |d, v| d.app[i].fault = v == "fault")}>
                                    <option value="percl" selected={!a.fault}>{"PerCL (HTTP 200)"}</option>
                                    <option value="fault" selected={a.fault}>{"a fault: status, delay, body"}</option>
                                </select>
                            </label>
                            <label class="field">{"delayMs"}
                                <input id={format!("world-app-{i}-delay")} value={a.delay_ms.clone()} inputmode="numeric" size="6"
                                       placeholder="0" aria-invalid={invalid(problems, &field("delayMs"))}
                                       oninput={on_text(draft, move |d, v| d.app[i].delay_ms = v)} />
                            </label>
                            if a.fault {
                                <label class="field">{"status"}
                                    <input id={format!("world-app-{i}-status")} value={a.status.clone()} inputmode="numeric" size="4"
                                           placeholder="200" aria-invalid={invalid(problems, &field("status"))}
                                           oninput={on_text(draft, move |d, v| d.app[i].status = v)} />
                                </label>
                                <label class="field wide-field">{"body (raw; with status 200 it is read as PerCL)"}
                                    <input id={format!("world-app-{i}-body")} value={a.body.clone()}
                                           oninput={on_text(draft, move |d, v| d.app[i].body = v)} />
                                </label>
                            }
                            <button type="button" class="small danger" title="Remove this URL (it answers 404)"
                                    onclick={on_click(draft, move |d| { d.app.remove(i); })}>{"Remove"}</button>
                        </div>
                        { for ["url", "delayMs", "status", "body", "percl"].iter().map(|k| problems_of(problems, &field(k))) }
                        if !a.fault {
                            <div class="percl world-percl">
                                <PerclInput id={format!("world-app-{i}")} value={a.percl.clone()} on_change={on_percl}
                                            label={format!("PerCL answered at {}", a.url)} templates=true />
                            </div>
                        }
                    </div>
                }
            }) }
            <button type="button" id="world-add-url" class="small" onclick={add}>{"Add a URL"}</button>
        </fieldset>
    }
}

/// The templates a PerCL answer may hold, as in the scenario format.
#[component]
pub(super) fn TemplatesHelp() -> Html {
    const TEMPLATES: &[(&str, &str)] = &[
        (
            "{{conferenceId}}",
            "a field of the webhook's body (any name: {{callId}}, {{from}}, {{digits}}, {{recordingId}}…); numbers and booleans as JSON text",
        ),
        ("{{callId}}", "the call the webhook is about"),
        (
            "{{conference:ALIAS}}",
            "the id of the newest conference created with that alias",
        ),
        (
            "{{call:PHONE}}",
            "the id of that phone's current call (a phone of the world, or one that dials)",
        ),
    ];
    html! {
        <details class="world-templates" id="world-templates">
            <summary>{"Templates in PerCL answers"}</summary>
            <p class="hint">{"Strings in a PerCL answer may hold templates, filled in when the webhook is answered. A string holding one is checked for its content at run time, after expansion."}</p>
            <dl>
                { for TEMPLATES.iter().map(|(t, what)| html! {
                    <>
                        <dt><code>{*t}</code></dt>
                        <dd>{*what}</dd>
                    </>
                }) }
            </dl>
        </details>
    }
}
