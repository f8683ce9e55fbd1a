//! Virtual time for the server. The core reads no clock: this shell turns the wall clock (or the user's
//! `POST /conflab/clock`) into the virtual milliseconds the runner takes as input.

use std::time::Instant;

/// How virtual time moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ClockMode {
    /// Virtual ms are wall-clock ms since the start; unix time is the wall clock's.
    Real,
    /// Virtual time moves only by `POST /conflab/clock {"advanceMs": N}`; unix time starts at the scenario's
    /// `epoch` (the format's fixed one by default), so the same session gives the same log.
    Manual,
}

impl ClockMode {
    /// As written on the command line and in `/conflab/info`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockMode::Real => "real",
            ClockMode::Manual => "manual",
        }
    }
}

/// The clock of a session.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    /// Wall-clock time since `start`.
    Real {
        /// Virtual time 0.
        start: Instant,
    },
    /// Moved by hand.
    Manual {
        /// The virtual time reached.
        now: u64,
    },
}

impl Clock {
    /// A clock in `mode`, at 0 now.
    pub fn new(mode: ClockMode) -> Clock {
        match mode {
            ClockMode::Real => Clock::Real {
                start: Instant::now(),
            },
            ClockMode::Manual => Clock::Manual { now: 0 },
        }
    }

    /// Virtual ms now, never before `floor` (the engine's own time, which a delivery may have moved 1 ms on).
    pub fn now(&self, floor: u64) -> u64 {
        match self {
            Clock::Real { start } => u64::try_from(start.elapsed().as_millis())
                .unwrap_or(u64::MAX)
                .max(floor),
            Clock::Manual { now } => (*now).max(floor),
        }
    }

    /// The mode.
    pub fn mode(&self) -> ClockMode {
        match self {
            Clock::Real { .. } => ClockMode::Real,
            Clock::Manual { .. } => ClockMode::Manual,
        }
    }

    /// The wall-clock instant of virtual time `ms` (real clock only).
    pub fn instant_of(&self, ms: u64) -> Option<Instant> {
        match self {
            Clock::Real { start } => Some(*start + std::time::Duration::from_millis(ms)),
            Clock::Manual { .. } => None,
        }
    }
}
