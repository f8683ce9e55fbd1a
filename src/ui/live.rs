//! The page's one sandbox, shared by every component: a [`crate::sandbox::Sandbox`] behind a handle, and the
//! page clock that drives it.
//!
//! The sandbox is not cloned per change (the engine holds every call): it lives in an `Rc<RefCell<_>>`, and the
//! state Yew compares is a small [`Live`] value whose `version` changes whenever the sandbox did. Components take
//! `Live` as a prop and read the sandbox through [`Live::borrow`] while rendering; they never mutate it: every
//! change goes through [`LiveAction`], which the reducer applies.

use crate::sandbox::{Sandbox, SandboxError};
use crate::scenario::{Action, Scenario};
use std::cell::{Ref, RefCell};
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
}

impl PartialEq for Live {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.sandbox, &other.sandbox)
            && self.version == other.version
            && self.playing == other.playing
            && self.error == other.error
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
}

/// Something that changes the page's sandbox or clock.
#[derive(Clone, Debug)]
pub enum LiveAction {
    /// Take a step now.
    Step(Action),
    /// Move the clock to this virtual time (ms), forwards or back.
    Advance(u64),
    /// A frame of the playing clock: this many real milliseconds passed. Applied only while playing, so a frame
    /// that was already on its way when the clock stopped (a pause, a load) moves nothing.
    Tick(u64),
    /// Replace the session (an example, an import, a permalink, a reset).
    Load(Scenario),
    /// Let the clock follow real time, or stop it.
    Play(bool),
    /// The sandbox was changed directly through [`Live::handle`]; re-render.
    Touched,
    /// Show a refusal that happened outside the sandbox (a broken import, a refused microphone).
    Refused(String),
}

impl Reducible for Live {
    type Action = LiveAction;

    fn reduce(self: Rc<Self>, action: LiveAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.error = None;
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
                        let to = sandbox.now().saturating_add(elapsed);
                        sandbox.advance(to);
                    }
                }
                LiveAction::Load(scenario) => {
                    sandbox.load(scenario);
                    next.playing = false;
                }
                LiveAction::Play(on) => next.playing = on,
                LiveAction::Touched => {}
                LiveAction::Refused(message) => next.error = Some(message),
            }
        }
        // The clock ticks every animation frame; most frames change nothing a view shows (the clock renders its
        // own time), so a tick that left the log as it was keeps the version and nothing re-renders.
        let after = {
            let sandbox = next.sandbox.borrow();
            (sandbox.generation(), sandbox.log().len())
        };
        if ticking && before == after && self.error.is_none() {
            return self;
        }
        next.version += 1;
        Rc::new(next)
    }
}

/// Why a step was refused, for people.
pub fn refusal(e: &SandboxError) -> String {
    e.to_string()
}
