//! The event log as it happens: every line of the sandbox's typed log, newest last, rendered from its [`Entry`]
//! (webhooks with the app's answer, REST calls with their status, conference and call statuses, what is heard,
//! notes, errors). Only the newest [`crate::page::LOG_WINDOW`] lines are rendered.

use super::live::Live;
use crate::engine::log::{Entry, LogLine};
use crate::engine::media::{MediaChange, Sound};
use crate::page::{format_at, log_window};
use web_sys::Element;
use yew::prelude::*;

/// Properties of [`EventLog`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The page's sandbox.
    pub live: Live,
}

/// The log, kept scrolled to the newest line.
#[component]
pub fn EventLog(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:EventLog");
    let list = use_node_ref();
    let sandbox = props.live.borrow();
    let log = sandbox.log();
    {
        let list = list.clone();
        use_effect_with((log.len(), sandbox.generation()), move |_| {
            if let Some(el) = list.cast::<Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let (skipped, shown) = log_window(log);
    let statuses = log
        .iter()
        .filter(|l| matches!(l.entry, Entry::Conference { .. }))
        .count();
    html! {
        <section class="card log" aria-labelledby="events-title">
            <h2 id="events-title">{format!("Event log ({} lines, {statuses} conference status changes)", log.len())}</h2>
            if log.is_empty() {
                <p class="hint">{"What FreeClimb does appears here as it happens: webhooks, API calls, status changes, what is heard."}</p>
            }
            if skipped > 0 {
                <p class="hint earlier" data-skipped={skipped.to_string()}>{format!("{skipped} earlier lines")}</p>
            }
            <ol id="events" ref={list} data-lines={log.len().to_string()}>
                { for shown.iter().map(line) }
            </ol>
        </section>
    }
}

/// A short id for reading (`CF1a2b3c…`).
fn short(id: &str) -> String {
    format!("{}…", &id[..id.len().min(8)])
}

/// What a media change is, in a few words.
fn media_text(change: &MediaChange) -> String {
    match change {
        MediaChange::Play { call_id, sound, .. } => {
            let what = match sound {
                Sound::Say { text, .. } => format!("says “{text}”"),
                Sound::Play { file } | Sound::EarlyMedia { file } => format!("plays {file}"),
                Sound::Silence => "pauses".to_owned(),
                Sound::Digits { digits } => format!("sends digits {digits}"),
            };
            format!("to {}: {what}", short(call_id))
        }
        MediaChange::Stop { call_id } => format!("prompt to {} stops", short(call_id)),
        MediaChange::Bridge {
            conference_id,
            members,
        } => format!("{} mixes {} member(s)", short(conference_id), members.len()),
        MediaChange::Beep { hearers, .. } => format!("beep for {} hearer(s)", hearers.len()),
        MediaChange::WaitMusic {
            conference_id, on, ..
        } => format!(
            "wait music {} in {}",
            if *on { "on" } else { "off" },
            short(conference_id)
        ),
        MediaChange::Recording {
            recording_id, on, ..
        } => format!(
            "recording {} {}",
            short(recording_id),
            if *on { "starts" } else { "stops" }
        ),
        MediaChange::Dtmf { from, digits, .. } => {
            format!("keys {digits} from {} pass through", short(from))
        }
    }
}

/// One line.
fn line(l: &LogLine) -> Html {
    let kind = l.kind();
    let body = match &l.entry {
        Entry::Webhook(w) => html! {
            <>
                <span class="request-type">{w.request_type.as_str()}</span>
                <span class="url">{w.url.clone()}</span>
                <span class="reply" data-status={w.response.status.to_string()}>{format!("→ {}", w.response.status)}</span>
            </>
        },
        Entry::Api(a) => html! {
            <>
                <span class="method">{a.method.clone()}</span>
                <span class="url">{a.path.clone()}</span>
                <span class={classes!("reply", (a.status >= 400).then_some("refused"))}
                      data-status={a.status.to_string()}>{format!("→ {}", a.status)}</span>
            </>
        },
        Entry::Conference {
            conference_id,
            status,
            why,
            sandbox_choice,
        } => html! {
            <>
                <span class="which">{short(conference_id)}</span>
                <span class="status" data-status={status.as_str()}>{status.as_str()}</span>
                <span class="text">{why.clone()}</span>
                if let Some(choice) = sandbox_choice {
                    <span class="choice" title={format!("FreeClimb's docs are silent here; conflab's rule: {choice}")}>{"sandbox choice"}</span>
                }
            </>
        },
        Entry::Call {
            call_id,
            status,
            reason,
        } => html! {
            <>
                <span class="which">{short(call_id)}</span>
                <span class="status" data-status={status.as_str()}>{status.as_str()}</span>
                if let Some(r) = reason.filter(|_| status.is_final()) { <span class="text">{r.as_str()}</span> }
            </>
        },
        Entry::Media(change) => html! { <span class="text">{media_text(change)}</span> },
        Entry::Note { text, .. } => html! { <span class="text">{text.clone()}</span> },
        Entry::Error { message, .. } => html! { <span class="text">{message.clone()}</span> },
        Entry::World(change) => {
            html! { <span class="text">{crate::page::world_text(change)}</span> }
        }
    };
    let (to, request_type, status) = match &l.entry {
        Entry::Conference { status, .. } => (Some(status.as_str()), None, None),
        Entry::Call { status, .. } => (Some(status.as_str()), None, None),
        Entry::Webhook(w) => (
            None,
            Some(w.request_type.as_str()),
            Some(w.response.status.to_string()),
        ),
        Entry::Api(a) => (None, None, Some(a.status.to_string())),
        _ => (None, None, None),
    };
    html! {
        <li class={classes!("event", kind)} data-kind={kind} data-to={to} data-request-type={request_type}
            data-http-status={status}>
            <time>{format_at(l.at)}</time>
            <span class="kind">{kind}</span>
            {body}
        </li>
    }
}
