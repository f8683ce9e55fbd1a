//! The browser UI (wasm32 only): a thin Yew driver around the core's [`Session`].
//!
//! Every control dispatches a [`Command`] stamped with the page clock; the session runs it and the page renders
//! the new state. Nothing here decides conference behaviour.

mod audio_link;
mod audio_panel;
mod conference_card;
mod create_form;
mod event_log;
mod percl_editor;
mod scenario_audio;
mod scenario_runner;
mod transition_table;

use crate::session::{Command, EntryKind, Session};
use std::rc::Rc;
use yew::prelude::*;

/// The seed of the page's ids: fixed, so that the same clicks give the same ids on every load.
const SEED: u64 = 0x00C0_FFEE;

/// Mounts the app on `<body>`.
pub fn run() {
    yew::Renderer::<App>::new().render();
}

/// Milliseconds since the page started: the only clock the UI reads, handed to the core as an input.
fn now_ms() -> u64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0, |p| p.now().max(0.0) as u64)
}

/// The UI state: the session (shared, so the audio hook follows it without copying) and the last refusal,
/// shown until the next command succeeds.
#[derive(Clone, Debug, PartialEq)]
struct State {
    session: Rc<Session>,
    error: Option<String>,
}

impl Reducible for State {
    type Action = (u64, Command);

    fn reduce(self: Rc<Self>, (at_ms, command): Self::Action) -> Rc<Self> {
        let mut session = (*self.session).clone();
        let error = session.apply(at_ms, command).err().map(|e| e.to_string());
        Rc::new(State {
            session: Rc::new(session),
            error,
        })
    }
}

/// The whole page.
#[component]
pub fn App() -> Html {
    let state = use_reducer(|| State {
        session: Rc::new(Session::new(SEED)),
        error: None,
    });
    let on_command = {
        let state = state.clone();
        Callback::from(move |command: Command| state.dispatch((now_ms(), command)))
    };
    let audio = audio_link::use_audio(state.session.clone(), on_command.clone());
    let meters = audio.view.meters.clone();
    let conferences = state.session.conferences();
    let transitions = state
        .session
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Transition { .. }))
        .count();
    html! {
        <>
            <header class="top">
                <h1><span class="logo" aria-hidden="true"></span>{"conflab"}</h1>
                <p class="tagline">{"A FreeClimb conference sandbox: create a conference, add participants and watch every status change."}</p>
            </header>
            <main class="layout">
                <div class="column">
                    <create_form::CreateForm on_command={on_command.clone()} />
                    if let Some(error) = &state.error {
                        <p class="alert" role="alert">{error}</p>
                    }
                    if conferences.is_empty() {
                        <p class="hint">{"No conferences yet. Create one: it starts empty, like a conference made by REST POST /Conferences."}</p>
                    }
                    { for conferences.iter().rev().map(|c| html! {
                        <conference_card::ConferenceCard key={c.id()} conference={c.clone()} on_command={on_command.clone()}
                                                         meters={meters.clone()} />
                    }) }
                </div>
                <div class="column">
                    <audio_panel::AudioPanel audio={audio.clone()} session={state.session.clone()} />
                    <event_log::EventLog session={(*state.session).clone()} {transitions} />
                    <transition_table::TransitionTable />
                </div>
                <div class="wide">
                    <percl_editor::PerclEditor />
                </div>
                <div class="wide">
                    <scenario_runner::ScenarioRunner />
                </div>
            </main>
        </>
    }
}
