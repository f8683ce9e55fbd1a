//! The conference mixer: legs, rooms, N-1 as total-minus-self, per-listener limiter, meters.

use crate::command::{Command, LegId, RoomId};
use crate::meter::Meter;

/// How the mixer renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Frames per second (8,000, 16,000, 44,100, 48,000, …).
    pub sample_rate: u32,
    /// Frames per block (128 in an AudioWorklet).
    pub block: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { sample_rate: 48_000, block: 128 }
    }
}

/// The mixer. Commands may allocate; [`Mixer::render`] never does.
pub struct Mixer {
    config: Config,
}

impl Mixer {
    /// A mixer with no legs and no rooms.
    pub fn new(config: Config) -> Self {
        Mixer { config }
    }

    /// Its configuration.
    pub fn config(&self) -> Config {
        self.config
    }

    /// Applies one command now (between blocks).
    pub fn apply(&mut self, command: Command) {
        let _ = command;
        todo!("Mixer::apply")
    }

    /// Renders one block: every leg's input, every room's mix, every listener's output, meters, recordings.
    pub fn render(&mut self) {
        todo!("Mixer::render")
    }

    /// The block of frames the driver fills for an [`crate::SourceSpec::External`] leg before [`Mixer::render`]
    /// (`None` for an unknown leg).
    pub fn input_mut(&mut self, leg: LegId) -> Option<&mut [f32]> {
        let _ = leg;
        todo!()
    }

    /// What `leg` heard in the last block (`None` for an unknown leg; silence while it is in no room and
    /// nothing plays to it).
    pub fn output(&self, leg: LegId) -> Option<&[f32]> {
        let _ = leg;
        todo!()
    }

    /// What `room`'s recording sink captured in the last block, while it records.
    pub fn recording(&self, room: RoomId) -> Option<&[f32]> {
        let _ = room;
        todo!()
    }

    /// The last block's meter of what `leg` says (its contribution before mixing).
    pub fn meter(&self, leg: LegId) -> Option<Meter> {
        let _ = leg;
        todo!()
    }
}
