//! The event log: every transition with its reason and time, notes, and refusals.

use crate::session::{EntryKind, LogEntry, Session, format_at};
use web_sys::Element;
use yew::prelude::*;

/// Properties of [`EventLog`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The session whose log is shown.
    pub session: Session,
    /// How many transitions there are (shown in the heading).
    pub transitions: usize,
}

/// The log, oldest first, kept scrolled to the newest entry.
#[component]
pub fn EventLog(props: &Props) -> Html {
    let list = use_node_ref();
    {
        let list = list.clone();
        use_effect_with(props.session.log().len(), move |_| {
            if let Some(el) = list.cast::<Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let alias = |entry: &LogEntry| {
        let id = entry.conference_id.as_deref()?;
        let conference = props.session.conferences().get(id).ok()?;
        Some(
            conference
                .settings()
                .alias
                .clone()
                .unwrap_or_else(|| format!("{}…", &id[..8])),
        )
    };
    html! {
        <section class="card log" aria-labelledby="events-title">
            <h2 id="events-title">{format!("Events ({} status changes)", props.transitions)}</h2>
            if props.session.log().is_empty() {
                <p class="hint">{"Status changes appear here, each with the reason FreeClimb would report it for."}</p>
            }
            <ol id="events" ref={list}>
                { for props.session.log().iter().map(|e| entry(e, alias(e))) }
            </ol>
        </section>
    }
}

fn entry(e: &LogEntry, alias: Option<String>) -> Html {
    let (kind, to) = match e.kind {
        EntryKind::Transition { to, .. } => ("transition", Some(to)),
        EntryKind::Note => ("note", None),
        EntryKind::Error => ("error", None),
    };
    html! {
        <li class={classes!("event", kind)} data-kind={kind} data-to={to.map(|s| s.as_str())}>
            <time>{format_at(e.at_ms)}</time>
            if let Some(alias) = alias { <span class="which">{alias}</span> }
            if let Some(to) = to { <span class="status" data-status={to.as_str()}>{to.as_str()}</span> }
            <span class="text">{&e.text}</span>
            if let Some(choice) = e.sandbox_choice {
                <span class="choice" title={format!("FreeClimb's docs are silent here; conflab's rule: {choice}")}>{"sandbox choice"}</span>
            }
        </li>
    }
}
