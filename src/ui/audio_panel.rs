//! The "Audio" panel: start the audio, join the selected conference with the microphone, mute, pick devices,
//! choose whose ears to hear with, read the caption, and play or download each recording.

use super::audio_link::{Audio, AudioAction, AudioView, HearAs, Mic, devices_of};
use crate::conference::{ConferenceStatus, ParticipantUpdate};
use crate::session::{Command, Session};
use crate::web_audio::DeviceKind;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Properties of [`AudioPanel`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The page's audio.
    pub audio: Audio,
    /// The session (conferences and participants to choose from).
    pub session: Rc<Session>,
}

/// What the microphone line says.
fn mic_text(mic: &Mic) -> String {
    match mic {
        Mic::Off => "Microphone off: you are not in a conference.".to_owned(),
        Mic::Asking => "Asking the browser for the microphone…".to_owned(),
        Mic::On { .. } => "Microphone on: you are in the conference as \"You\".".to_owned(),
        Mic::Failed(e) => format!("Microphone not available: {e}"),
    }
}

/// What a recording is: its conference, how long it ran on the session clock, and the file's size.
fn recording_note(session: &Session, id: &str, bytes: usize) -> String {
    let size = format!("{} KB", bytes.div_ceil(1000));
    let Some(info) = session.recordings().iter().find(|r| r.id == id) else {
        return format!("({size})");
    };
    let conference = session
        .conferences()
        .get(&info.conference_id)
        .ok()
        .and_then(|c| c.settings().alias.clone())
        .unwrap_or_else(|| "conference".to_owned());
    match info.stopped_ms {
        Some(stopped) => format!(
            "({conference}, {:.1} s in progress, {size})",
            stopped.saturating_sub(info.started_ms) as f64 / 1000.0
        ),
        None => format!("({conference}, {size})"),
    }
}

/// The value of the `<select>` an event came from.
fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// The audio panel.
#[component]
pub fn AudioPanel(props: &Props) -> Html {
    let audio = &props.audio;
    let view: &AudioView = &audio.view;
    let session = &props.session;
    let start_conf = use_node_ref();
    let selected = view.selected(session);
    let live: Vec<_> = session
        .conferences()
        .iter()
        .filter(|c| c.status() != ConferenceStatus::Terminated)
        .collect();
    let me = session.microphone_call();
    let me_participant = me.and_then(|(conference, call)| {
        session
            .conferences()
            .get(conference)
            .ok()?
            .participant(call)
            .cloned()
            .map(|p| (conference.to_owned(), p))
    });
    let hearing = view.hearing(session);
    let name_of = |call: &str| {
        session
            .conferences()
            .iter()
            .find_map(|c| c.participant(call).map(|p| p.label.clone()))
    };

    let on_start = {
        let audio = audio.clone();
        Callback::from(move |_: MouseEvent| audio.start())
    };
    let on_join = {
        let (audio, start_conf, selected) = (audio.clone(), start_conf.clone(), selected.clone());
        Callback::from(move |_: MouseEvent| {
            let start = start_conf
                .cast::<HtmlInputElement>()
                .is_none_or(|i| i.checked());
            audio.join_with_microphone(selected.clone(), start);
        })
    };
    let on_select = {
        let audio = audio.clone();
        Callback::from(move |e: Event| {
            let id = select_value(&e);
            audio
                .view
                .dispatch(AudioAction::Select((!id.is_empty()).then_some(id)));
        })
    };
    let on_hear_as = {
        let audio = audio.clone();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            audio
                .view
                .dispatch(AudioAction::HearAs(if value.is_empty() {
                    HearAs::Auto
                } else {
                    HearAs::Call(value)
                }));
        })
    };
    let on_input = {
        let audio = audio.clone();
        Callback::from(move |e: Event| audio.choose_input(select_value(&e)))
    };
    let on_output = {
        let audio = audio.clone();
        Callback::from(move |e: Event| audio.choose_output(select_value(&e)))
    };
    let mute = me_participant.as_ref().map(|(conference_id, p)| {
        let (audio, conference_id, call_id, talk) = (
            audio.clone(),
            conference_id.clone(),
            p.call_id.clone(),
            p.flags.talk,
        );
        Callback::from(move |_: MouseEvent| {
            audio.command(Command::UpdateParticipant {
                conference_id: conference_id.clone(),
                call_id: call_id.clone(),
                update: ParticipantUpdate {
                    talk: Some(!talk),
                    ..ParticipantUpdate::default()
                },
            })
        })
    });
    let leave = me.map(|(conference_id, call_id)| {
        let (audio, conference_id, call_id) =
            (audio.clone(), conference_id.to_owned(), call_id.to_owned());
        Callback::from(move |_: MouseEvent| {
            audio.command(Command::RemoveParticipant {
                conference_id: conference_id.clone(),
                call_id: call_id.clone(),
            })
        })
    });

    let busy = view.starting || matches!(view.mic, Mic::Asking);
    let joined = me.is_some();
    let inputs = devices_of(&view.devices, DeviceKind::Input);
    let outputs = devices_of(&view.devices, DeviceKind::Output);
    let caption = AudioView::caption(session, hearing.as_deref(), super::now_ms());
    // The session decides whether you are in: a refused join or a removal reads "off" whatever the view says.
    let mic_word = match (&view.mic, joined) {
        (_, true) => "on",
        (Mic::On { .. }, false) => "off",
        (mic, false) => mic.word(),
    };
    let mic_line = match (&view.mic, joined) {
        (Mic::On { .. }, false) => mic_text(&Mic::Off),
        (mic, _) => mic_text(mic),
    };
    html! {
        <section id="audio-panel" class="card audio" aria-labelledby="audio-title">
            <h2 id="audio-title">{"Audio"}</h2>
            <div class="audio-row">
                <button type="button" id="start-audio" class="primary" disabled={view.starting}
                        onclick={on_start}>{"Start audio"}</button>
                <span id="audio-state" class="audio-state" data-state={view.state_word()} role="status">
                    {"Audio: "}<strong>{view.state_word()}</strong>
                </span>
                if view.underruns > 0 {
                    <span class="underruns" title="render quanta the mixer missed">
                        {format!("{} underruns", view.underruns)}</span>
                }
            </div>
            if let Some(error) = &view.error {
                <p class="alert" role="alert">{error}</p>
            }
            <div class="audio-row">
                <label class="field">{"Conference"}
                    <select id="audio-conference" aria-label="Conference for the microphone and Hear as"
                            onchange={on_select} disabled={live.is_empty()}>
                        if live.is_empty() { <option value="">{"(create one first)"}</option> }
                        { for live.iter().map(|c| {
                            let title = c.settings().alias.clone().unwrap_or_else(|| "Conference".to_owned());
                            let text = format!("{title} ({})", c.status().as_str());
                            html! { <option value={c.id().to_owned()}
                                            selected={selected.as_deref() == Some(c.id())}>{text}</option> }
                        }) }
                    </select>
                </label>
                <label class="check" title="Your joining starts the conference (populated → inProgress)">
                    <input type="checkbox" id="mic-start-conf" ref={start_conf} checked=true />{"startConfOnEnter"}</label>
                <button type="button" id="join-mic" disabled={busy || joined || selected.is_none()}
                        onclick={on_join}>{"Join with my microphone"}</button>
                if let Some(mute) = mute {
                    // A toggle keeps its name; aria-pressed carries the state (talk=false while pressed).
                    <button type="button" id="mute" aria-pressed={me_participant.as_ref().is_some_and(|(_, p)| !p.flags.talk).to_string()}
                            title="talk=false for your leg: nobody hears you" onclick={mute}>{"Mute"}</button>
                }
                if let Some(leave) = leave {
                    <button type="button" id="leave-mic" class="small" aria-label="Leave the conference (hang up You)"
                            onclick={leave}>{"Leave"}</button>
                }
            </div>
            <p id="mic-state" class="mic-state" data-mic={mic_word} role="status">{mic_line}</p>
            <div class="audio-row">
                <label class="field">{"Microphone"}
                    <select id="input-device" aria-label="Microphone" onchange={on_input}>
                        <option value="" selected={view.input.is_empty()}>{"Default microphone"}</option>
                        { for inputs.iter().enumerate().filter(|(_, d)| !d.id.is_empty() && d.id != "default").map(|(i, d)| html! {
                            <option value={d.id.clone()} selected={view.input == d.id}>
                                { if d.label.is_empty() { format!("Microphone {}", i + 1) } else { d.label.clone() } }
                            </option>
                        }) }
                    </select>
                </label>
                if view.output_choice {
                    <label class="field">{"Output"}
                        <select id="output-device" aria-label="Output device" onchange={on_output}>
                            <option value="" selected={view.output.is_empty()}>{"Default output"}</option>
                            { for outputs.iter().enumerate().filter(|(_, d)| !d.id.is_empty() && d.id != "default").map(|(i, d)| html! {
                                <option value={d.id.clone()} selected={view.output == d.id}>
                                    { if d.label.is_empty() { format!("Output {}", i + 1) } else { d.label.clone() } }
                                </option>
                            }) }
                        </select>
                    </label>
                }
                <label class="field">{"Hear as"}
                    <select id="hear-as" aria-label="Hear as" onchange={on_hear_as}>
                        <option value="" selected={view.hear_as == HearAs::Auto}>
                            {"Automatic (You, or the first participant)"}</option>
                        { for live.iter().flat_map(|c| {
                            let title = c.settings().alias.clone().unwrap_or_else(|| "Conference".to_owned());
                            c.participants().iter().map(move |p| (p.clone(), title.clone()))
                        }).map(|(p, title)| html! {
                            <option value={p.call_id.clone()}
                                    selected={view.hear_as == HearAs::Call(p.call_id.clone())}>
                                {format!("{} ({title})", p.label)}
                            </option>
                        }) }
                    </select>
                </label>
            </div>
            <p id="hearing" class="hearing" data-call-id={hearing.clone().unwrap_or_default()}>
                { match hearing.as_deref().and_then(name_of) {
                    Some(name) => format!("Hearing what {name} hears."),
                    None => "Hearing nobody: add a participant or join.".to_owned(),
                } }
            </p>
            if let Some(text) = caption {
                <p id="caption" class="caption" aria-live="polite">{format!("“{text}”")}</p>
            }
            if !view.recordings.is_empty() {
                <h3>{"Recordings"}</h3>
                <ul id="recordings" class="recordings" aria-label="Recordings">
                    { for view.recordings.iter().map(|r| html! {
                        <li class="recording-file" data-recording-id={r.id.clone()}>
                            <audio controls=true src={r.url.clone()} aria-label={format!("Recording {}", r.id)}></audio>
                            <a href={r.url.clone()} download={format!("{}.wav", r.id)}>
                                {format!("Download {}.wav", r.id)}</a>
                            <span class="size">{recording_note(session, &r.id, r.bytes)}</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
