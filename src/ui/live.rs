//! The page's one sandbox, shared by every component: a [`crate::sandbox::Sandbox`] behind a handle, and the
//! page clock that drives it.
//!
//! The sandbox is not cloned per change (the engine holds every call): it lives in an `Rc<RefCell<_>>`, and the
//! state Yew compares is a small [`Live`] value whose `version` changes whenever the sandbox did. Small views take
//! `Live` as a prop and read the sandbox through [`Live::borrow`] while rendering, so they re-render at every
//! change; the big panels take what they show as values instead, with [`Shared`] (equal across steps) for what
//! their event handlers read, so a step that changes nothing they show skips them. None mutates the sandbox:
//! every change goes through [`LiveAction`], which the reducer applies.

use crate::sandbox::{Sandbox, SandboxError};
use crate::scenario::{Action, Scenario};
use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// The page's sandbox and clock, as the components see them.
#[derive(Clone)]
pub struct Live {
    sandbox: Rc<RefCell<Sandbox>>,
    /// Bumped at every change of the sandbox, so that `PartialEq` (and so Yew) sees one.
    pub version: u64,
    /// Whether the virtual clock follows real time.
    pub playing: bool,
    /// The last refusal, shown until the next change succeeds.
    pub error: Option<String>,
    /// How fast the playing clock runs, in quarters of real time ([`crate::page::SPEEDS`]; 4 is 1×).
    pub speed: u32,
    /// Quarter-milliseconds of scaled real time not yet moved ([`crate::page::scale_tick`]); shared, since a
    /// tick that changes nothing a view shows keeps the old state.
    carry: Rc<Cell<u64>>,
}

impl PartialEq for Live {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.sandbox, &other.sandbox)
            && self.version == other.version
            && self.playing == other.playing
            && self.error == other.error
            && self.speed == other.speed
    }
}

impl Live {
    /// A page sandbox running `scenario` at time 0, its clock following real time when `playing`.
    pub fn new(scenario: Scenario, playing: bool) -> Live {
        Live {
            sandbox: Rc::new(RefCell::new(Sandbox::new(scenario))),
            version: 0,
            playing,
            error: None,
            speed: crate::page::SPEED_1X,
            carry: Rc::new(Cell::new(0)),
        }
    }

    /// The sandbox, to read (never hold the borrow across an await or a dispatch).
    pub fn borrow(&self) -> Ref<'_, Sandbox> {
        self.sandbox.borrow()
    }

    /// The shared sandbox itself, for drivers that need to act on it outside the reducer's render cycle (the
    /// embedding glue answers a message only after the change is made).
    pub fn handle(&self) -> Rc<RefCell<Sandbox>> {
        self.sandbox.clone()
    }

    /// The sandbox as a prop that stays equal across steps ([`Shared`]).
    pub fn shared(&self) -> Shared {
        Shared(self.sandbox.clone())
    }
}

/// The page's sandbox as a prop equal to itself whatever the sandbox holds (it compares by identity): for a
/// component that reads the sandbox only when a control is used (Export, Reset, a confirmation), never while
/// rendering, so that a step does not re-render it. What such a component shows comes in value props.
#[derive(Clone)]
pub struct Shared(Rc<RefCell<Sandbox>>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Shared {
    /// The sandbox, to read in an event handler (never while rendering: see the type's docs).
    pub fn borrow(&self) -> Ref<'_, Sandbox> {
        self.0.borrow()
    }
}

/// Something that changes the page's sandbox or clock.
#[derive(Clone, Debug)]
pub enum LiveAction {
    /// Take a step now.
    Step(Action),
    /// Move the clock to this virtual time (ms), forwards or back.
    Advance(u64),
    /// A frame of the playing clock: this many real milliseconds passed (the clock moves them times the speed).
    /// Applied only while playing, so a frame that was already on its way when the clock stopped (a pause, a
    /// load) moves nothing.
    Tick(u64),
    /// Set the playing clock's speed, in quarters of real time ([`crate::page::SPEEDS`]).
    Speed(u32),
    /// Fork the session at the current time: drop the steps written for later and the known future (before a
    /// step in the past, once the person agreed: see [`guarded`]).
    Fork,
    /// Replace the session (an example, an import, a permalink, a reset).
    Load(Scenario),
    /// Let the clock follow real time, or stop it.
    Play(bool),
    /// The sandbox was changed directly through [`Live::handle`]; re-render.
    Touched,
    /// Show a refusal that happened outside the sandbox (a broken import, a refused microphone).
    Refused(String),
    /// The page attached to `conflab serve` fetched the server's session and time
    /// ([`crate::sandbox::attach::sync`]); a refusal shown stays, since nobody acted.
    Sync(Scenario, u64),
}

impl Reducible for Live {
    type Action = LiveAction;

    fn reduce(self: Rc<Self>, action: LiveAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let syncing = matches!(action, LiveAction::Sync(..));
        if !syncing {
            next.error = None;
        }
        let mut synced = true;
        let before = {
            let sandbox = next.sandbox.borrow();
            (sandbox.generation(), sandbox.log().len())
        };
        let ticking = matches!(action, LiveAction::Tick(_));
        {
            let mut sandbox = next.sandbox.borrow_mut();
            match action {
                LiveAction::Step(step) => {
                    if let Err(e) = sandbox.step(step) {
                        next.error = Some(e.to_string());
                    }
                }
                LiveAction::Advance(to) => sandbox.advance(to),
                LiveAction::Tick(elapsed) => {
                    if next.playing {
                        let (ms, carry) =
                            crate::page::scale_tick(elapsed, next.speed, next.carry.get());
                        next.carry.set(carry);
                        if ms > 0 {
                            let to = sandbox.now().saturating_add(ms);
                            sandbox.advance(to);
                        }
                    }
                }
                LiveAction::Load(scenario) => {
                    sandbox.load(scenario);
                    next.playing = false;
                }
                LiveAction::Play(on) => next.playing = on,
                LiveAction::Speed(speed) => {
                    next.speed = speed.max(1);
                    next.carry.set(0);
                }
                LiveAction::Fork => {
                    sandbox.fork();
                }
                LiveAction::Touched => {}
                LiveAction::Sync(scenario, now) => {
                    synced = crate::sandbox::attach::sync(&mut sandbox, scenario, now);
                }
                LiveAction::Refused(message) => next.error = Some(message),
            }
        }
        // The clock ticks every animation frame; most frames change nothing a view shows (the clock renders its
        // own time), so a tick that left the log as it was keeps the version and nothing re-renders.
        let after = {
            let sandbox = next.sandbox.borrow();
            (sandbox.generation(), sandbox.log().len())
        };
        if (ticking && before == after && self.error.is_none()) || (syncing && !synced) {
            return self;
        }
        next.version += 1;
        Rc::new(next)
    }
}

/// The page's `on_action`: dispatches to `live`, except that a step in the past (one that would drop the steps
/// written for later, or the known future) first asks, with [`crate::page::fork_question`]'s words; agreed, it
/// forks the session ([`LiveAction::Fork`]) and then takes the step; cancelled, nothing happens. While the page
/// is attached to `conflab serve`, steps and clock moves go to the server instead ([`super::attach::act`]).
pub fn guarded(live: UseReducerHandle<Live>) -> Callback<LiveAction> {
    Callback::from(move |action: LiveAction| {
        let action = if super::attach::is_attached() {
            match super::attach::act(&live, action) {
                Some(action) => action,
                None => return,
            }
        } else {
            action
        };
        if !super::attach::is_attached() && matches!(action, LiveAction::Step(_)) {
            let question = crate::page::fork_question(&live.borrow());
            if let Some(question) = question {
                let agreed = web_sys::window()
                    .and_then(|w| w.confirm_with_message(&question).ok())
                    .unwrap_or(false);
                if !agreed {
                    return;
                }
                live.dispatch(LiveAction::Fork);
            }
        }
        live.dispatch(action);
    })
}

/// Why a step was refused, for people.
pub fn refusal(e: &SandboxError) -> String {
    e.to_string()
}
