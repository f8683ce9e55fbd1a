//! One conference: its status and what it means, its participants and its controls.

use crate::conference::{
    Conference, ConferenceStatus, Participant, ParticipantFlags, ParticipantUpdate,
};
use crate::session::{Command, Voice};
use conflab_mixer::Meter;
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Properties of [`ConferenceCard`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The conference as it is now.
    pub conference: Conference,
    /// Receives the commands of the card's controls.
    pub on_command: Callback<Command>,
    /// The latest meter of each call's voice (empty until audio runs).
    #[prop_or_default]
    pub meters: Rc<BTreeMap<String, Meter>>,
}

/// A conference card.
#[component]
pub fn ConferenceCard(props: &Props) -> Html {
    let c = &props.conference;
    let id = c.id().to_owned();
    let status = c.status();
    let alias = c.settings().alias.clone().unwrap_or_default();
    let title = if alias.is_empty() {
        "Conference".to_owned()
    } else {
        alias.clone()
    };
    let live = status != ConferenceStatus::Terminated;
    let command = |make: fn(String) -> Command| {
        let (on_command, id) = (props.on_command.clone(), id.clone());
        Callback::from(move |_: MouseEvent| on_command.emit(make(id.clone())))
    };
    html! {
        <section class={classes!("conference", "card", status.as_str())} data-conference-id={id.clone()}
                 data-alias={alias} aria-label={format!("Conference {title}")}>
            <header class="conference-head">
                <h3>{title}</h3>
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
                                        participant={p.clone()} on_command={props.on_command.clone()}
                                        meter={props.meters.get(&p.call_id).copied()} />
                    }) }
                </ul>
            }
            if live {
                <AddParticipant conference_id={id.clone()} on_command={props.on_command.clone()} />
                <div class="actions">
                    <button type="button" disabled={c.participants().is_empty()}
                            title="REST status=empty: unbridge every participant; the conference stays usable"
                            onclick={command(|conference_id| Command::EmptyConference { conference_id })}>
                        {"Remove everyone"}
                    </button>
                    <button type="button" class="danger"
                            title="REST status=terminated: hang up everyone and end the conference for good"
                            onclick={command(|conference_id| Command::TerminateConference { conference_id })}>
                        {"Terminate"}
                    </button>
                </div>
            }
        </section>
    }
}

#[derive(Clone, PartialEq, Properties)]
struct RowProps {
    conference_id: String,
    participant: Participant,
    on_command: Callback<Command>,
    meter: Option<Meter>,
}

/// A meter's position for an RMS level: −60 dBFS (or silence) at 0, full scale at 1, linear in dB, so quiet
/// speech still moves the bar.
fn meter_position(rms: f32) -> f64 {
    if rms <= 0.001 {
        return 0.0;
    }
    let db = 20.0 * f64::from(rms).log10();
    let position = (db + 60.0) / 60.0;
    if position > 1.0 { 1.0 } else { position }
}

/// A participant with its level meter, talking badge, talk/listen switches and a Remove button.
#[component]
fn ParticipantRow(props: &RowProps) -> Html {
    let p = &props.participant;
    let toggle = |make: fn(bool) -> ParticipantUpdate| {
        let (on_command, conference_id, call_id) = (
            props.on_command.clone(),
            props.conference_id.clone(),
            p.call_id.clone(),
        );
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_command.emit(Command::UpdateParticipant {
                conference_id: conference_id.clone(),
                call_id: call_id.clone(),
                update: make(input.checked()),
            });
        })
    };
    let remove = {
        let (on_command, conference_id, call_id) = (
            props.on_command.clone(),
            props.conference_id.clone(),
            p.call_id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            on_command.emit(Command::RemoveParticipant {
                conference_id: conference_id.clone(),
                call_id: call_id.clone(),
            })
        })
    };
    let meter = props.meter.unwrap_or_default();
    let talking = props.meter.is_some_and(|m| m.talking);
    html! {
        <li class="participant" data-name={p.label.clone()} data-call-id={p.call_id.clone()}
            data-talking={talking.to_string()}>
            <span class="name">{&p.label}</span>
            if p.flags.start_conf_on_enter { <span class="badge" title="joined with startConfOnEnter=true">{"starter"}</span> }
            <meter class="level" min="0" max="1" low="0.5" high="0.9" value={meter_position(meter.rms).to_string()}
                   aria-label={format!("Level of {}", p.label)} data-rms={meter.rms.to_string()}
                   data-peak={meter.peak.to_string()}></meter>
            <span class={classes!("talking", talking.then_some("on"))} aria-live="off">
                { if talking { "talking" } else { "quiet" } }</span>
            <label class="check"><input type="checkbox" name="talk" checked={p.flags.talk}
                aria-label={format!("talk for {}", p.label)}
                onchange={toggle(|v| ParticipantUpdate { talk: Some(v), ..Default::default() })} />{"talk"}</label>
            <label class="check"><input type="checkbox" name="listen" checked={p.flags.listen}
                aria-label={format!("listen for {}", p.label)}
                onchange={toggle(|v| ParticipantUpdate { listen: Some(v), ..Default::default() })} />{"listen"}</label>
            <button type="button" class="small" aria-label={format!("Remove {}", p.label)} onclick={remove}>{"Remove"}</button>
        </li>
    }
}

#[derive(Clone, PartialEq, Properties)]
struct AddProps {
    conference_id: String,
    on_command: Callback<Command>,
}

/// The pitch of a simulated participant whose voice is "tone": A4, easy to tell from the 1 kHz beep.
const TONE_HZ: u32 = 440;

/// The voice picked in the add form (`talker` when the picker is missing or unknown).
fn picked_voice(select: Option<HtmlSelectElement>) -> Voice {
    match select.map(|s| s.value()).as_deref() {
        Some("tone") => Voice::Tone { hz: TONE_HZ },
        Some("silence") => Voice::Silence,
        _ => Voice::Talker,
    }
}

/// Adds a simulated participant. The checkboxes start at FreeClimb's defaults (all true); its voice is a talker
/// unless the picker says tone or silence.
#[component]
fn AddParticipant(props: &AddProps) -> Html {
    let refs = [
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    ];
    let voice = use_node_ref();
    let onsubmit = {
        let refs = refs.clone();
        let voice = voice.clone();
        let (on_command, conference_id) = (props.on_command.clone(), props.conference_id.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let [name, start, talk, listen] = refs.clone().map(|r| r.cast::<HtmlInputElement>());
            let checked = |i: &Option<HtmlInputElement>| i.as_ref().is_none_or(|i| i.checked());
            let flags = ParticipantFlags {
                start_conf_on_enter: checked(&start),
                talk: checked(&talk),
                listen: checked(&listen),
                ..ParticipantFlags::default()
            };
            let label = name.as_ref().map(|i| i.value()).unwrap_or_default();
            on_command.emit(Command::AddParticipant {
                conference_id: conference_id.clone(),
                name: label,
                flags,
                voice: picked_voice(voice.cast::<HtmlSelectElement>()),
            });
            if let Some(input) = name {
                input.set_value("");
            }
        })
    };
    let [name, start, talk, listen] = refs;
    html! {
        <form class="add-participant" {onsubmit}>
            <input name="name" ref={name} type="text" placeholder="Participant name" aria-label="Participant name" autocomplete="off" />
            <label class="check" title="Joining starts the conference (populated → inProgress)">
                <input type="checkbox" name="startConfOnEnter" ref={start} checked=true />{"startConfOnEnter"}</label>
            <label class="check"><input type="checkbox" name="talk" ref={talk} checked=true />{"talk"}</label>
            <label class="check"><input type="checkbox" name="listen" ref={listen} checked=true />{"listen"}</label>
            <label class="check" title="What this simulated phone sends into the conference">{"voice "}
                <select name="voice" ref={voice} aria-label="Voice of the new participant">
                    <option value="talker" selected=true>{"talker"}</option>
                    <option value="tone">{format!("tone {TONE_HZ} Hz")}</option>
                    <option value="silence">{"silence"}</option>
                </select></label>
            <button type="submit">{"Add participant"}</button>
        </form>
    }
}
