//! The browser UI (wasm32 only): a thin Yew driver around the page's one [`crate::sandbox::Sandbox`], the
//! simulated FreeClimb running live ([`live`]).
//!
//! Every control dispatches a [`live::LiveAction`]: a step FreeClimb would see (a REST request, a phone dialling,
//! answering, pressing keys, speaking or hanging up) or a move of the clock. The engine decides what happens and
//! the page renders its state and its log. Nothing here decides FreeClimb behaviour: the requests a control sends
//! and the page's other choices are made in the core ([`crate::page`], [`crate::audio::live`]).

mod attach;
mod audio_link;
mod audio_panel;
mod clock;
mod conference_card;
mod copy_as;
mod create_form;
pub mod embed;
mod event_log;
mod lifecycle;
pub mod live;
mod meter;
mod percl_editor;
pub mod persist;
mod phones;
mod rest_console;
mod scenario_audio;
pub mod session_panel;
mod timeline;
mod transition_table;
mod world_app;
mod world_editor;

use live::Live;
use std::rc::Rc;
use yew::prelude::*;

/// Mounts the app on `<body>`, once the address bar's permalink (if any) is decoded.
pub fn run() {
    persist::read_permalink_then(|| {
        yew::Renderer::<App>::new().render();
    });
}

/// Milliseconds since the page started: the real clock, read only to move the virtual one (and by the audio
/// glue's own timers).
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now().max(0.0))
}

/// A User Timing mark (DevTools' Performance panel and `./x bench page` read them).
fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Times a component's own render (its function body, not its children's), adding the milliseconds to
/// `window.conflabRenderCost[NAME]` when dropped. It costs nothing unless that object exists: `./x bench page`
/// creates it to see where a step's render goes; the page never does, so renders (the playing clock's every
/// frame) pay one property read.
pub(crate) struct Timed {
    name: &'static str,
    /// The cost table and the start time, while measuring.
    measuring: Option<(wasm_bindgen::JsValue, f64)>,
}

impl Timed {
    pub(crate) fn new(name: &'static str) -> Timed {
        let costs = web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w, &"conflabRenderCost".into()).ok())
            .filter(|v| v.is_object());
        Timed {
            name,
            measuring: costs.map(|c| (c, now_ms())),
        }
    }
}

impl Drop for Timed {
    fn drop(&mut self) {
        use wasm_bindgen::JsValue;
        let Some((costs, start)) = self.measuring.take() else {
            return;
        };
        let name = JsValue::from_str(self.name);
        let so_far = js_sys::Reflect::get(&costs, &name)
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let _ = js_sys::Reflect::set(&costs, &name, &JsValue::from_f64(so_far + now_ms() - start));
    }
}

/// A User Timing measure from the mark `start` to now.
fn measure(name: &str, start: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark(name, start);
    }
}

/// The whole page.
#[component]
pub fn App() -> Html {
    let _timed = Timed::new("conflab:c:App");
    let live = use_reducer_eq(|| {
        // The session this browser had (or a permalink's); a new visitor gets the default world.
        // Attached to `conflab serve`, the session is the server's: it arrives with the first sync.
        if attach::is_attached() {
            let empty =
                crate::scenario::parse("{}").unwrap_or_else(|_| crate::sandbox::default_world());
            return Live::new(empty, false);
        }
        let (mut live, problem) = persist::initial_live();
        live.error = problem;
        // The clock runs in real time by default: a new visitor's default world is alive as soon as the page is.
        // A restored, linked or embedded session waits, paused, where it was (a parent page drives its clock).
        let fresh = {
            let sandbox = live.borrow();
            sandbox.now() == 0 && sandbox.scenario().steps.is_empty()
        };
        live.playing = fresh && live.error.is_none() && !embed::is_embedded();
        live
    });
    embed::use_embed(live.clone());
    persist::use_persist(&live);
    attach::use_attach(live.clone());
    // One callback for the page's life: a new one per render would make every row's props differ, and every
    // row re-render, at each step (the sandbox it reads is the same shared value throughout).
    let on_action = (*use_memo((), {
        let live = live.clone();
        move |_| live::guarded(live)
    }))
    .clone();
    let snapshot: Live = (*live).clone();
    // How long a render of the whole page takes, to its effects (after every child rendered).
    mark("conflab:render");
    use_effect(|| measure("conflab:render done", "conflab:render"));
    let audio = {
        let _timed = Timed::new("conflab:c:App/use_audio");
        audio_link::use_audio(snapshot.clone(), on_action.clone())
    };
    // The conference the lifecycle diagram shows, picked on its card or in the diagram's menu (`None`: the
    // newest). Kept here, so that both stay in step and the pick survives steps.
    let picked = use_state_eq(|| None::<String>);
    let on_pick = use_callback(picked.setter(), |id: Option<String>, set| set.set(id));
    let conferences: Vec<String> = snapshot
        .borrow()
        .engine()
        .conferences()
        .iter()
        .rev()
        .map(|c| c.id().to_owned())
        .collect();
    // The world editor's value props: it re-renders when the world, the time or a refusal changed, not per step.
    let (world, now) = {
        let sandbox = snapshot.borrow();
        (
            Rc::new(crate::sandbox::world::world_now(&sandbox)),
            sandbox.now(),
        )
    };
    let shown = picked
        .as_deref()
        .filter(|p| conferences.iter().any(|c| c == p))
        .or(conferences.first().map(String::as_str))
        .map(str::to_owned);
    html! {
        // The context serves the few small views that follow every step inside a panel that does not (the
        // session's status line).
        <ContextProvider<Live> context={snapshot.clone()}>
            <header class="top">
                <h1><span class="logo" aria-hidden="true"></span>{"conflab"}</h1>
                <p class="tagline">{"A FreeClimb sandbox running live: phones call the account's numbers, the app's PerCL answers, REST changes conferences, and every webhook, API call and status change shows as it happens."}</p>
                if let Some(banner) = attach::banner() {
                    <p id="attached" class="attached" role="status">{banner}
                        {" — the views show the server's session, and the controls send their steps to it."}</p>
                }
            </header>
            <clock::Clock live={snapshot.clone()} on_action={on_action.clone()} />
            <timeline::Timeline live={snapshot.clone()} on_action={on_action.clone()} />
            <main class="layout">
                <div class="column">
                    <phones::Phones live={snapshot.clone()} on_action={on_action.clone()} />
                    <create_form::CreateForm live={snapshot.clone()} on_action={on_action.clone()} />
                    if let Some(error) = &snapshot.error {
                        <p class="alert" role="alert">{error}</p>
                    }
                    if conferences.is_empty() {
                        <p class="hint">{"No conferences yet. Dial +15550100000 (Conference line) from a phone: the app creates one. Then dial the Host line from another phone to start it."}</p>
                    }
                    { for conferences.into_iter().map(|id| html! {
                        <conference_card::ConferenceCard key={id.clone()} id={id.clone()} live={snapshot.clone()}
                                                         on_action={on_action.clone()} meters={audio.meters.clone()}
                                                         picked={shown.as_deref() == Some(id.as_str())}
                                                         on_pick={on_pick.clone()} />
                    }) }
                </div>
                // Why first (the diagram, then the log that explains it), then the tools: what a learner watches
                // stays in view beside the phones and conferences.
                <div class="column">
                    <lifecycle::Lifecycle live={snapshot.clone()} picked={(*picked).clone()} on_pick={on_pick.clone()} />
                    <event_log::EventLog live={snapshot.clone()} />
                    <audio_panel::AudioPanel audio={audio.clone()} live={snapshot.clone()} />
                    <rest_console::RestConsole live={snapshot.clone()} on_action={on_action.clone()} />
                    <transition_table::TransitionTable />
                </div>
                <div class="wide">
                    <percl_editor::PerclEditor />
                </div>
                <div class="wide">
                    <world_editor::WorldEditor world={world} now={now} error={snapshot.error.clone()}
                                               on_action={on_action.clone()} />
                </div>
                <div class="wide">
                    <session_panel::SessionPanel live={snapshot.shared()} on_action={on_action.clone()} />
                </div>
            </main>
        </ContextProvider<Live>>
    }
}
