//! The "New conference" form: REST `POST /Conferences` with an alias, `playBeep`, `record` and
//! `statusCallbackUrl`, sent to the simulated FreeClimb.

use super::live::{Live, LiveAction};
use crate::conference::PlayBeep;
use crate::page::{create_conference, last_api_error};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Where the form's conferences report their status unless the learner says otherwise: the default world's app
/// has this URL.
const STATUS_CALLBACK: &str = "https://app.test/conference-status";

/// Properties of [`CreateForm`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The page's sandbox (for the last refusal).
    pub live: Live,
    /// Receives the REST step.
    pub on_action: Callback<LiveAction>,
}

/// Creates a conference by REST.
#[component]
pub fn CreateForm(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:CreateForm");
    let alias = use_node_ref();
    let play_beep = use_node_ref();
    let record = use_node_ref();
    let callback = use_node_ref();
    {
        // Filled once, not bound: the page re-renders as the log grows, and a bound value would undo typing.
        let callback = callback.clone();
        use_effect_with((), move |_| {
            if let Some(input) = callback.cast::<HtmlInputElement>() {
                input.set_value(STATUS_CALLBACK);
            }
        });
    }
    let onsubmit = {
        let (alias, play_beep, record, callback) = (
            alias.clone(),
            play_beep.clone(),
            record.clone(),
            callback.clone(),
        );
        let on_action = props.on_action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let alias_input = alias.cast::<HtmlInputElement>();
            let name = alias_input
                .as_ref()
                .map(|i| i.value().trim().to_owned())
                .unwrap_or_default();
            let beep = play_beep
                .cast::<HtmlSelectElement>()
                .and_then(|s| PlayBeep::parse(&s.value()))
                .unwrap_or_default();
            let record = record
                .cast::<HtmlInputElement>()
                .is_some_and(|i| i.checked());
            let url = callback
                .cast::<HtmlInputElement>()
                .map(|i| i.value().trim().to_owned())
                .unwrap_or_default();
            on_action.emit(LiveAction::Step(create_conference(
                (!name.is_empty()).then_some(name.as_str()),
                beep,
                record,
                (!url.is_empty()).then_some(url.as_str()),
            )));
            if let Some(input) = alias_input {
                input.set_value("");
            }
        })
    };
    // A refused POST /Conferences (a missing statusCallbackUrl, an alias too long) shows under the form.
    let error = last_api_error(props.live.borrow().log())
        .filter(|e| e.method == "POST" && e.path.ends_with("/Conferences"));
    html! {
        <form id="create-conference" class="card create" {onsubmit} aria-labelledby="create-title">
            <h2 id="create-title">{"New conference (REST)"}</h2>
            <div class="fields">
                <label class="field">{"Alias"}
                    <input id="alias" ref={alias} type="text" placeholder="standup" autocomplete="off" />
                </label>
                <label class="field">{"playBeep"}
                    <select id="play-beep" ref={play_beep}>
                        { for PlayBeep::ALL.iter().map(|b| html! {
                            <option value={b.as_str()} selected={*b == PlayBeep::default()}>{b.as_str()}</option>
                        }) }
                    </select>
                </label>
                <label class="check"><input id="record" ref={record} type="checkbox" />{"record"}</label>
                <label class="field wide-field">{"statusCallbackUrl"}
                    <input id="status-callback" ref={callback} type="url" autocomplete="off" />
                </label>
                <button type="submit" class="primary">{"Create conference"}</button>
            </div>
            <p class="hint">{"Sends POST /Conferences; the conference starts empty. Phones join it through the app's PerCL (the Host line adds callers to the newest conference aliased demo)."}</p>
            if let Some(e) = error {
                <p class="alert api-error" role="alert" data-status={e.status.to_string()}>
                    {format!("{} {} → {}{}", e.method, e.path, e.status,
                             if e.message.is_empty() { String::new() } else { format!(": {}", e.message) })}
                </p>
            }
        </form>
    }
}
