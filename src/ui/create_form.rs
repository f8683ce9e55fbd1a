//! The "New conference" form.

use crate::conference::{ConferenceSettings, PlayBeep};
use crate::session::Command;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Properties of [`CreateForm`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// Receives the `CreateConference` command.
    pub on_command: Callback<Command>,
}

/// Creates a conference with an alias, `playBeep` and `record`.
#[component]
pub fn CreateForm(props: &Props) -> Html {
    let alias = use_node_ref();
    let play_beep = use_node_ref();
    let record = use_node_ref();
    let onsubmit = {
        let (alias, play_beep, record) = (alias.clone(), play_beep.clone(), record.clone());
        let on_command = props.on_command.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let alias_input = alias.cast::<HtmlInputElement>();
            let name = alias_input
                .as_ref()
                .map(|i| i.value().trim().to_owned())
                .unwrap_or_default();
            let settings = ConferenceSettings {
                alias: (!name.is_empty()).then_some(name),
                play_beep: play_beep
                    .cast::<HtmlSelectElement>()
                    .and_then(|s| PlayBeep::parse(&s.value()))
                    .unwrap_or_default(),
                record: record
                    .cast::<HtmlInputElement>()
                    .is_some_and(|i| i.checked()),
                ..ConferenceSettings::default()
            };
            on_command.emit(Command::CreateConference(settings));
            if let Some(input) = alias_input {
                input.set_value("");
            }
        })
    };
    html! {
        <form id="create-conference" class="card create" {onsubmit} aria-labelledby="create-title">
            <h2 id="create-title">{"New conference"}</h2>
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
                <button type="submit" class="primary">{"Create conference"}</button>
            </div>
        </form>
    }
}
