//! One conference as the engine reports it: status, alias, settings, participants (each with its level meter and
//! talking badge) and the REST controls FreeClimb offers on it. Clicking the card (or its title, a button, from the
//! keyboard) picks it: the lifecycle diagram shows that conference.

use super::live::{Live, LiveAction};
use super::meter::{MeterView, Meters};
use crate::conference::{ConferenceStatus, Participant};
use crate::page::{
    Privilege, call_name, empty_conference, last_api_error, remove_participant, set_privilege,
    terminate_conference,
};
use crate::scenario::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Properties of [`ConferenceCard`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// `CF…`.
    pub id: String,
    /// The page's sandbox.
    pub live: Live,
    /// Where the REST requests go.
    pub on_action: Callback<LiveAction>,
    /// The level meters.
    pub meters: Meters,
    /// Whether the lifecycle diagram shows this conference.
    pub picked: bool,
    /// Picks a conference for the lifecycle diagram.
    pub on_pick: Callback<Option<String>>,
}

/// A conference card.
#[component]
pub fn ConferenceCard(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:ConferenceCard");
    let sandbox = props.live.borrow();
    let engine = sandbox.engine();
    let Ok(c) = engine.conferences().get(&props.id) else {
        return html! {};
    };
    let id = props.id.clone();
    let status = c.status();
    let alias = engine.conference_alias(&id).unwrap_or_default().to_owned();
    let title = if alias.is_empty() {
        "Conference".to_owned()
    } else {
        alias.clone()
    };
    let live = status != ConferenceStatus::Terminated;
    let send = |make: fn(&str) -> Action| {
        let (on_action, id) = (props.on_action.clone(), id.clone());
        Callback::from(move |_: MouseEvent| on_action.emit(LiveAction::Step(make(&id))))
    };
    // A refusal of a request about this conference shows here, next to the buttons that sent it.
    let error = last_api_error(sandbox.log()).filter(|e| e.path.contains(id.as_str()));
    // Any click in the card picks it (its title is the button a keyboard reaches; its click bubbles here too).
    let on_pick = {
        let (on_pick, id, picked) = (props.on_pick.clone(), id.clone(), props.picked);
        Callback::from(move |_: MouseEvent| {
            if !picked {
                on_pick.emit(Some(id.clone()));
            }
        })
    };
    html! {
        <section class={classes!("conference", "card", status.as_str(), props.picked.then_some("picked"))}
                 data-conference-id={id.clone()} data-alias={alias} data-picked={props.picked.to_string()}
                 aria-label={format!("Conference {title}")} onclick={on_pick}>
            <header class="conference-head">
                <h3><button type="button" class="card-pick" aria-pressed={props.picked.to_string()}
                            title="Show this conference in the lifecycle diagram">{title}</button></h3>
                <span class="status" data-status={status.as_str()}>{status.as_str()}</span>
            </header>
            <p class="id"><code>{id.clone()}</code></p>
            <p class="meaning">{status.meaning()}</p>
            <p class="settings">
                {format!("playBeep={} · record={}", c.settings().play_beep.as_str(), c.settings().record)}
                if c.is_recording() { <span class="recording">{" · recording"}</span> }
            </p>
            if c.participants().is_empty() {
                <p class="hint">{ if live { "No participants." } else { "Everyone was hung up." } }</p>
            } else {
                <ul class="participants" aria-label="Participants">
                    { for c.participants().iter().map(|p| html! {
                        <ParticipantRow key={p.call_id.clone()} conference_id={id.clone()}
                                        name={call_name(engine, &p.call_id)}
                                        phone={engine.call(&p.call_id).map(|c| c.phone.clone()).unwrap_or_default()}
                                        participant={p.clone()} on_action={props.on_action.clone()}
                                        meters={props.meters.clone()} />
                    }) }
                </ul>
            }
            if live {
                <div class="actions">
                    <button type="button" disabled={c.participants().is_empty()}
                            title="REST POST /Conferences/{id} {\"status\":\"empty\"}: unbridge every participant; the conference stays usable"
                            onclick={send(empty_conference)}>{"Remove everyone"}</button>
                    <button type="button" class="danger"
                            title="REST POST /Conferences/{id} {\"status\":\"terminated\"}: hang up everyone and end the conference for good"
                            onclick={send(terminate_conference)}>{"Terminate"}</button>
                </div>
            }
            if let Some(e) = error {
                <p class="alert api-error" role="alert" data-status={e.status.to_string()}>
                    {format!("{} {} → {}{}", e.method, e.path, e.status,
                             if e.message.is_empty() { String::new() } else { format!(": {}", e.message) })}
                </p>
            }
        </section>
    }
}

#[derive(Clone, PartialEq, Properties)]
struct RowProps {
    conference_id: String,
    name: String,
    phone: String,
    participant: Participant,
    on_action: Callback<LiveAction>,
    meters: Meters,
}

/// A participant with its level meter, talking badge, talk/listen switches (REST) and a Remove button (REST).
#[component]
fn ParticipantRow(props: &RowProps) -> Html {
    let _timed = super::Timed::new("conflab:c:ParticipantRow");
    let p = &props.participant;
    let toggle = |privilege: Privilege| {
        let (on_action, conference_id, call_id) = (
            props.on_action.clone(),
            props.conference_id.clone(),
            p.call_id.clone(),
        );
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_action.emit(LiveAction::Step(set_privilege(
                &conference_id,
                &call_id,
                privilege,
                input.checked(),
            )));
        })
    };
    let remove = {
        let (on_action, conference_id, call_id) = (
            props.on_action.clone(),
            props.conference_id.clone(),
            p.call_id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            on_action.emit(LiveAction::Step(remove_participant(
                &conference_id,
                &call_id,
            )))
        })
    };
    let name = &props.name;
    html! {
        <li class="participant" data-name={name.clone()} data-phone={props.phone.clone()}
            data-call-id={p.call_id.clone()}>
            <span class="name">{name}</span>
            if p.flags.start_conf_on_enter { <span class="badge" title="joined with startConfOnEnter=true">{"starter"}</span> }
            <MeterView call_id={p.call_id.clone()} name={name.clone()} meters={props.meters.clone()} />
            <label class="check"><input type="checkbox" name="talk" checked={p.flags.talk}
                aria-label={format!("talk for {name}")} onchange={toggle(Privilege::Talk)} />{"talk"}</label>
            <label class="check"><input type="checkbox" name="listen" checked={p.flags.listen}
                aria-label={format!("listen for {name}")} onchange={toggle(Privilege::Listen)} />{"listen"}</label>
            <button type="button" class="small" aria-label={format!("Remove {name}")} onclick={remove}>{"Remove"}</button>
        </li>
    }
}
