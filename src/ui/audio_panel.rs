//! The "Audio" panel: start the audio, join with the microphone (the learner becomes a phone that dials one of
//! the account's numbers), mute (REST `talk=false`), hang up, pick devices, choose whose ears to hear with, read
//! the caption of what is said to them, and play or download each recording.

use super::audio_link::{Audio, AudioAction, AudioView, Mic, devices_of};
use super::live::Live;
use crate::audio::cues::{caption_at, cues};
use crate::audio::live::{HearAs, hearing, my_call};
use crate::page::{Privilege, call_name, phone_name, phones, set_privilege};
use crate::sandbox::{MICROPHONE_PHONE, Sandbox};
use crate::scenario::Action;
use crate::web_audio::DeviceKind;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Properties of [`AudioPanel`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The page's audio.
    pub audio: Audio,
    /// The page's sandbox.
    pub live: Live,
}

/// What the microphone line says.
fn mic_text(mic: &Mic) -> String {
    match mic {
        Mic::Off => "Microphone off: you are not on a call.".to_owned(),
        Mic::Asking => "Asking the browser for the microphone…".to_owned(),
        Mic::On => format!("Microphone on: you are the phone {MICROPHONE_PHONE} (\"You\")."),
        Mic::Failed(e) => format!("Microphone not available: {e}"),
    }
}

/// What a recording is: its conference, how long it ran on the virtual clock, and the file's size.
fn recording_note(sandbox: &Sandbox, id: &str, bytes: usize) -> String {
    let size = format!("{} KB", bytes.div_ceil(1000));
    let engine = sandbox.engine();
    let Some(info) = engine.recordings().iter().find(|r| r.id == id) else {
        return format!("({size})");
    };
    let conference = info
        .conference_id
        .as_deref()
        .and_then(|c| engine.conference_alias(c))
        .unwrap_or("conference");
    match info.stopped_at {
        Some(stopped) => format!(
            "({conference}, {:.1} s in progress, {size})",
            stopped.saturating_sub(info.started_at) as f64 / 1000.0
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
    let _timed = super::Timed::new("conflab:c:AudioPanel");
    let audio = &props.audio;
    let view: &AudioView = &audio.view;
    let number = use_node_ref();
    let sandbox = props.live.borrow();
    let engine = sandbox.engine();
    let me = my_call(engine);
    let my_participant = me.as_deref().and_then(|call| {
        let conference = engine.conference_of_call(call)?;
        let p = engine
            .conferences()
            .get(conference)
            .ok()?
            .participant(call)?;
        Some((conference.to_owned(), call.to_owned(), p.flags.talk))
    });
    let heard = hearing(engine, &view.hear_as);
    let on_call: Vec<String> = phones(&sandbox)
        .into_iter()
        .filter(|p| engine.current_call_of(p).is_some())
        .collect();

    let on_start = {
        let audio = audio.clone();
        Callback::from(move |_: MouseEvent| audio.start())
    };
    let on_join = {
        let (audio, number) = (audio.clone(), number.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(select) = number.cast::<HtmlSelectElement>() {
                audio.join_with_microphone(select.value());
            }
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
                    HearAs::Phone(value)
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
    let mute = my_participant
        .as_ref()
        .map(|(conference_id, call_id, talk)| {
            let (audio, conference_id, call_id, talk) =
                (audio.clone(), conference_id.clone(), call_id.clone(), *talk);
            Callback::from(move |_: MouseEvent| {
                audio.step(set_privilege(
                    &conference_id,
                    &call_id,
                    Privilege::Talk,
                    !talk,
                ))
            })
        });
    let hang_up = me.as_ref().map(|_| {
        let audio = audio.clone();
        Callback::from(move |_: MouseEvent| {
            audio.step(Action::Hangup {
                phone: MICROPHONE_PHONE.to_owned(),
            })
        })
    });

    let busy = view.starting || matches!(view.mic, Mic::Asking);
    let joined = me.is_some();
    let inputs = devices_of(&view.devices, DeviceKind::Input);
    let outputs = devices_of(&view.devices, DeviceKind::Output);
    // The sandbox decides whether you are on a call: a refused dial or a hang-up reads "off" whatever the view says.
    let mic_word = match (&view.mic, joined) {
        (_, true) => "on",
        (Mic::On, false) => "off",
        (mic, false) => mic.word(),
    };
    let mic_line = match (&view.mic, joined) {
        (Mic::On, false) => mic_text(&Mic::Off),
        (_, true) => mic_text(&Mic::On),
        (mic, false) => mic_text(mic),
    };
    let heard_phone = heard
        .as_deref()
        .and_then(|c| engine.call(c))
        .map(|c| c.phone.clone());
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
                <label class="field">{"Your phone dials"}
                    <select id="mic-number" ref={number} aria-label="Number your microphone phone dials" disabled={joined}>
                        { for sandbox.scenario().numbers.iter().enumerate().map(|(i, (n, cfg))| html! {
                            <option value={n.clone()} selected={i == 0}>{match &cfg.alias {
                                Some(alias) => format!("{n} ({alias})"),
                                None => n.clone(),
                            }}</option>
                        }) }
                    </select>
                </label>
                <button type="button" id="join-mic" disabled={busy || joined}
                        onclick={on_join}>{"Join with my microphone"}</button>
                if let Some(mute) = mute {
                    // A toggle keeps its name; aria-pressed carries the state (talk=false while pressed).
                    <button type="button" id="mute" aria-pressed={my_participant.as_ref().is_some_and(|(_, _, talk)| !talk).to_string()}
                            title="REST talk=false for your participant: nobody hears you" onclick={mute}>{"Mute"}</button>
                }
                if let Some(hang_up) = hang_up {
                    <button type="button" id="leave-mic" class="small" aria-label="Hang up your call (You)"
                            onclick={hang_up}>{"Hang up"}</button>
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
                        { for on_call.iter().map(|p| html! {
                            <option value={p.clone()} selected={view.hear_as == HearAs::Phone(p.clone())}>
                                {phone_name(p)}
                            </option>
                        }) }
                    </select>
                </label>
            </div>
            <p id="hearing" class="hearing" data-call-id={heard.clone().unwrap_or_default()}
               data-phone={heard_phone.clone().unwrap_or_default()}>
                { match heard.as_deref() {
                    Some(call) => format!("Hearing what {} hears.", call_name(engine, call)),
                    None => "Hearing nobody: dial from a phone or join.".to_owned(),
                } }
            </p>
            if let Some(phone) = heard_phone {
                <Caption live={props.live.clone()} {phone} />
            }
            if !view.recordings.is_empty() {
                <h3>{"Recordings"}</h3>
                <ul id="recordings" class="recordings" aria-label="Recordings">
                    { for view.recordings.iter().map(|r| html! {
                        <li class="recording-file" data-recording-id={r.id.clone()}>
                            <audio controls=true src={r.url.clone()} aria-label={format!("Recording {}", r.id)}></audio>
                            <a href={r.url.clone()} download={format!("{}.wav", r.id)}>
                                {format!("Download {}.wav", r.id)}</a>
                            <span class="size">{recording_note(&sandbox, &r.id, r.bytes)}</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

#[derive(Clone, PartialEq, Properties)]
struct CaptionProps {
    live: Live,
    phone: String,
}

/// How often the caption looks at the clock: often enough for 400 ms words.
const CAPTION_TICK_MS: u32 = 200;

/// What is said (played, beeped) to the heard phone right now, from the log's cues at the virtual time. It ticks
/// on its own, so the page does not re-render for it.
#[component]
fn Caption(props: &CaptionProps) -> Html {
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let interval = gloo_timers::callback::Interval::new(CAPTION_TICK_MS, move || {
                tick.set(tick.wrapping_add(1))
            });
            move || drop(interval)
        });
    }
    let cue_list = {
        let live = props.live.clone();
        use_memo(
            (props.live.version, props.phone.clone()),
            move |(_, phone)| {
                let sandbox = live.borrow();
                let calls: Vec<(String, String)> = sandbox
                    .engine()
                    .calls()
                    .map(|c| (c.id.clone(), c.phone.clone()))
                    .collect();
                cues(sandbox.log(), &calls, phone, u64::MAX)
            },
        )
    };
    let now = props.live.borrow().now();
    match caption_at(&cue_list, now) {
        Some((kind, text)) => html! {
            <p id="caption" class="caption" data-kind={kind.word()} aria-live="polite">{text}</p>
        },
        None => html! {},
    }
}
