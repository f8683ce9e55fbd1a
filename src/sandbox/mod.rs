//! The live sandbox: one simulated FreeClimb that a person (the page), a parent page (postMessage) or a test
//! drives step by step. The session *is* a scenario being written: its world (account, numbers, phones, the
//! customer's app) plus every step taken so far, each stamped with the virtual time it was taken at, run by the
//! one scenario runner ([`crate::engine::Run`]). That is what makes the invariant hold: the scenario exported at
//! virtual time T, run with `conflab run FILE --until T`, prints this sandbox's log byte for byte (apart from
//! the closing note a run prints when it stops).
//!
//! # How a driver calls it (the order matters, as in quinn-proto's `Connection`)
//! * Getters read the state for views: [`Sandbox::now`], [`Sandbox::engine`] (conferences, calls, recordings),
//!   [`Sandbox::scenario`], [`Sandbox::log`], [`Sandbox::next_event_at`], and for time travel
//!   [`Sandbox::timeline`] (the log plus the known future), [`Sandbox::horizon`], [`Sandbox::previous_event_at`],
//!   [`Sandbox::later_steps`].
//! * Mutators: [`Sandbox::load`] (a scenario, at time 0, paused), [`Sandbox::step`] (a step, applied now),
//!   [`Sandbox::advance`] (the clock to a time, forwards or backwards), [`Sandbox::fork`] (drop what was written
//!   for later). Each runs everything due at the new time before it returns.
//! * Draining: after any mutator, a driver reads the lines it has not shown yet. It remembers
//!   `(generation, count)`: while [`Sandbox::generation`] is unchanged the log only grew, so it reads
//!   `log()[count..]`; when the generation changed (a load, or the clock went back) the log was rebuilt and the
//!   driver starts over from the lines it has, up to `log().len()`.
//! * Edge: [`Sandbox::export`] writes the session as a scenario file.
//!
//! Going back in time replays the scenario from zero up to the new time: the engine is deterministic, and a
//! replay of a 10-minute session takes milliseconds (`./x bench page`), so no snapshots are kept.
//!
//! # Memory: a documented cap, not a window
//! The session keeps its whole log in memory (the views, the timeline and time travel read it, and a rewind
//! replays from zero, so a window would have to be rebuilt at every rewind). What bounds it is the runner's
//! budgets: [`crate::engine::runner::MAX_LOG_LINES`] lines and [`crate::engine::runner::MAX_LOG_BYTES`] bytes
//! of log, plus the engine's per-instant budgets; at a budget the run stops with a note and the session refuses
//! further steps ([`SandboxError::LogFull`]). `conflab run` does not keep the log at all (it streams it).

pub mod attach;
pub mod message;
pub mod permalink;
pub mod world;

use crate::engine::log::LogLine;
use crate::engine::{Engine, Run};
use crate::scenario::{Action, Scenario};
use std::fmt;

/// The world a new page opens on: two numbers whose app creates a conference (the conference line) and starts
/// it (the host line), and four outside phones with voices. The README walks through it.
pub const DEFAULT_WORLD: &str = include_str!("default_world.json");

/// The phone the page's learner speaks through ("Join with my microphone"): it dials like any outside phone,
/// and the browser feeds its calls from the microphone. Not in any scenario's `phones`, so its calls are silent
/// natively.
pub const MICROPHONE_PHONE: &str = "+15550199999";

/// The default world as a scenario.
pub fn default_world() -> Scenario {
    // The file is tested to parse (sandbox::tests); a parse error here would be a build defect.
    crate::scenario::parse(DEFAULT_WORLD).unwrap_or_else(|e| panic!("default_world.json: {e:?}"))
}

/// Why the sandbox refused a step.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SandboxError {
    /// The log reached a budget ([`crate::engine::runner::MAX_LOG_LINES`] lines or
    /// [`crate::engine::runner::MAX_LOG_BYTES`] bytes); the session moves no further.
    LogFull,
    /// The step does not fit the session as a step of its file would not (a phone nobody knows hangs up, a dial
    /// to a number the account does not have): written, it would make the exported session unreadable.
    Invalid(crate::scenario::ScenarioErrors),
}

impl fmt::Display for SandboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SandboxError::LogFull => write!(
                f,
                "the session's log is full ({} lines or {} bytes), so nothing more can happen in it; go back in time, reset, or export it and look at a part with `conflab run --until`",
                crate::engine::runner::MAX_LOG_LINES,
                crate::engine::runner::MAX_LOG_BYTES
            ),
            SandboxError::Invalid(errors) => {
                let problems: Vec<String> = errors
                    .errors
                    .iter()
                    .map(|e| match e.problem.fix() {
                        Some(fix) => format!("{}: {} (fix: {fix})", e.pointer, e.message()),
                        None => format!("{}: {}", e.pointer, e.message()),
                    })
                    .collect();
                write!(
                    f,
                    "the step does not fit this session: {}",
                    problems.join("; ")
                )
            }
        }
    }
}

impl std::error::Error for SandboxError {}

/// A live session: a scenario being written, run up to the current virtual time.
pub struct Sandbox {
    run: Run,
    now: u64,
    generation: u64,
    /// Lines already seen after `now`, from before the clock went back: the session's known future, valid until
    /// the future changes (a step, a fork, a load). Kept so that a timeline can show and scrub the whole session
    /// while the clock is in its past, without running ahead.
    ahead: Vec<LogLine>,
    /// The furthest time the clock reached since the future last changed.
    reached: u64,
}

impl Sandbox {
    /// A sandbox running `scenario`, at virtual time 0 with everything due at 0 done.
    pub fn new(scenario: Scenario) -> Sandbox {
        let mut sandbox = Sandbox {
            run: Run::new(scenario),
            now: 0,
            generation: 0,
            ahead: Vec::new(),
            reached: 0,
        };
        sandbox.run.run_until(0, &mut |_| {});
        sandbox
    }

    /// Replaces the session with `scenario` at virtual time 0 (its steps fire as the clock passes them).
    pub fn load(&mut self, scenario: Scenario) {
        let generation = self.generation + 1;
        *self = Sandbox::new(scenario);
        self.generation = generation;
    }

    /// The current virtual time (ms).
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The simulated FreeClimb as it is now.
    pub fn engine(&self) -> &Engine {
        self.run.engine()
    }

    /// The session as a scenario: the world and every step, in the order they were written.
    pub fn scenario(&self) -> &Scenario {
        self.run.scenario()
    }

    /// The event log up to now.
    pub fn log(&self) -> &[LogLine] {
        self.run.log()
    }

    /// Changes whenever the log was rebuilt rather than extended (a load, or the clock going back).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// When the next thing is due (a step written for later, a timer, a webhook answer), if anything is.
    pub fn next_event_at(&self) -> Option<u64> {
        self.run.next_at()
    }

    /// Every line of the session as far as it is known: the log up to now, then the lines after now that were
    /// seen before the clock went back (until [`Sandbox::horizon`]).
    pub fn timeline(&self) -> impl Iterator<Item = &LogLine> {
        self.run.log().iter().chain(&self.ahead)
    }

    /// The furthest virtual time the session reached since its future last changed (a step, a fork, a load): the
    /// end of [`Sandbox::timeline`]. Equal to [`Sandbox::now`] unless the clock went back.
    pub fn horizon(&self) -> u64 {
        self.reached.max(self.now)
    }

    /// The time of the last line before now, for "step back" (`None` at the start).
    pub fn previous_event_at(&self) -> Option<u64> {
        let log = self.run.log();
        let before = log.partition_point(|l| l.at < self.now);
        before.checked_sub(1).map(|i| log[i].at)
    }

    /// How many steps are written for after now (they fire as the clock passes them; a fork drops them).
    pub fn later_steps(&self) -> usize {
        self.run.unfired_steps()
    }

    /// Forks the session at the current time: drops the steps written for later and the known future, so that
    /// what is done next starts a new future. Returns how many steps were dropped.
    pub fn fork(&mut self) -> usize {
        self.ahead.clear();
        self.reached = self.now;
        self.run.drop_unfired_steps()
    }

    /// Takes `action` now: it is written into the session at the current time and run at once, with everything
    /// it causes at this instant. The steps written for later stay (call [`Sandbox::fork`] first to drop them);
    /// the known future is forgotten, since it may now differ.
    pub fn step(&mut self, action: Action) -> Result<(), SandboxError> {
        if self.run.is_full() {
            return Err(SandboxError::LogFull);
        }
        crate::scenario::check_step_in(&action, self.run.scenario())
            .map_err(SandboxError::Invalid)?;
        self.ahead.clear();
        self.reached = self.now;
        self.run.push_step(self.now, action);
        self.run.run_until(self.now, &mut |_| {});
        Ok(())
    }

    /// Moves the clock to `to`. Forwards, everything due up to `to` happens; backwards, the session is replayed
    /// from zero up to `to` (the steps written for later stay, and fire again as the clock passes them; what was
    /// seen after `to` stays in [`Sandbox::timeline`]).
    pub fn advance(&mut self, to: u64) {
        if to < self.now {
            let scenario = self.run.scenario().clone();
            let old = std::mem::replace(&mut self.run, Run::new(scenario));
            // The replay is deterministic, so the old log's lines after `to` are exactly the future again.
            let mut ahead: Vec<LogLine> =
                old.into_log().into_iter().filter(|l| l.at > to).collect();
            ahead.append(&mut self.ahead);
            self.ahead = ahead;
            self.generation += 1;
        }
        self.run.run_until(to, &mut |_| {});
        let passed = self.ahead.partition_point(|l| l.at <= to);
        self.ahead.drain(..passed);
        self.reached = self.reached.max(to);
        self.now = to;
    }

    /// The session as a scenario file (see `docs/scenarios.md`), which `conflab run --until` replays.
    pub fn export(&self) -> String {
        crate::scenario::write(self.run.scenario())
    }
}

#[cfg(test)]
mod tests;
