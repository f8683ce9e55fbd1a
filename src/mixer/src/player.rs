//! A [`Mixer`] and a queue of frame-stamped commands: the one loop both drivers run, so native and browser renders
//! are equal bit for bit.

use crate::command::Command;
use crate::mixer::{Config, Mixer};

/// Applies each command at the first block that starts at or after its frame, then renders the block.
pub struct Player {
    mixer: Mixer,
    frame: u64,
}

impl Player {
    /// A player at frame 0.
    pub fn new(config: Config) -> Self {
        Player { mixer: Mixer::new(config), frame: 0 }
    }

    /// Queues `command` for `at_frame` (commands at equal frames keep their order).
    pub fn schedule(&mut self, at_frame: u64, command: Command) {
        let _ = (at_frame, command);
        todo!()
    }

    /// Applies the due commands and renders one block; returns the frame the block started at.
    pub fn render_block(&mut self) -> u64 {
        todo!()
    }

    /// The next block's first frame.
    pub fn frame(&self) -> u64 {
        self.frame
    }

    /// The mixer (outputs, recordings, meters of the last block).
    pub fn mixer(&self) -> &Mixer {
        &self.mixer
    }

    /// The mixer, to fill external inputs.
    pub fn mixer_mut(&mut self) -> &mut Mixer {
        &mut self.mixer
    }
}
