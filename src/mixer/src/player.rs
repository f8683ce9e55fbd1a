//! A [`Mixer`] and a queue of frame-stamped commands: the one loop both drivers run, so native and browser renders
//! are equal bit for bit.
//!
//! Timing rule: a command stamped with frame `f` is applied just before the first block that starts at or after
//! `f` (so at most one block late, never early), and commands due at the same block are applied in the order they
//! were scheduled (for equal frames: the order of the [`Player::schedule`] calls). The render is then a pure
//! function of the command stream and the external inputs.

use std::collections::VecDeque;

use crate::command::{Command, DecodeError};
use crate::mixer::{Config, Mixer};

/// Applies each command at the first block that starts at or after its frame, then renders the block.
pub struct Player {
    mixer: Mixer,
    frame: u64,
    /// Commands in frame order; equal frames in schedule order.
    queue: VecDeque<(u64, Command)>,
}

impl Player {
    /// A player at frame 0.
    pub fn new(config: Config) -> Self {
        Player {
            mixer: Mixer::new(config),
            frame: 0,
            queue: VecDeque::new(),
        }
    }

    /// Queues `command` for `at_frame` (commands at equal frames keep their order).
    pub fn schedule(&mut self, at_frame: u64, command: Command) {
        // After every queued command due at or before `at_frame`: stable for equal frames, and O(1) for the usual
        // case of a driver scheduling in time order.
        let at = if self.queue.back().is_none_or(|(f, _)| *f <= at_frame) {
            self.queue.len()
        } else {
            self.queue.partition_point(|(f, _)| *f <= at_frame)
        };
        self.queue.insert(at, (at_frame, command));
    }

    /// Decodes a word stream ([`Command::encode`]) and queues every command in it, or none if any is malformed.
    /// Returns how many were queued.
    pub fn schedule_encoded(&mut self, words: &[u32]) -> Result<usize, DecodeError> {
        let commands = Command::decode_all(words)?;
        let n = commands.len();
        for (frame, command) in commands {
            self.schedule(frame, command);
        }
        Ok(n)
    }

    /// Applies the due commands and renders one block; returns the frame the block started at.
    pub fn render_block(&mut self) -> u64 {
        let start = self.frame;
        while self.queue.front().is_some_and(|(f, _)| *f <= start) {
            if let Some((_, command)) = self.queue.pop_front() {
                self.mixer.apply(command);
            }
        }
        self.mixer.render();
        self.frame = start + self.mixer.config().block as u64;
        start
    }

    /// Commands queued and not yet applied.
    pub fn pending(&self) -> usize {
        self.queue.len()
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
