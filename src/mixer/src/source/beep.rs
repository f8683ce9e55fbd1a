//! The conference beep (and any short sine cue): `hz` for exactly `ms`, −12 dBFS, 5 ms raised-cosine edges.

use super::fade::edges;
use super::frames_for_ms;
use super::tone::{Osc, TONE_DBFS};
use crate::dsp::db_to_gain;

/// Length of each edge: long enough that the start and end do not click, short enough to keep the beep crisp.
const FADE_MS: u32 = 5;

/// A one-shot sine with soft edges.
#[derive(Clone, Debug)]
pub struct Beep {
    osc: Osc,
    amp: f32,
    pos: u64,
    total: u64,
    fade: u64,
}

impl Beep {
    /// A beep of `hz` lasting `ms` at `sample_rate`.
    pub fn new(hz: f32, ms: u32, sample_rate: u32) -> Self {
        Beep {
            osc: Osc::new(hz, sample_rate),
            amp: db_to_gain(TONE_DBFS),
            pos: 0,
            total: frames_for_ms(ms as u64, sample_rate),
            fade: frames_for_ms(FADE_MS as u64, sample_rate),
        }
    }

    /// Frames still to play.
    pub fn remaining(&self) -> u64 {
        self.total - self.pos
    }

    /// Writes the next frames (silence after the end); false once the beep has ended.
    pub fn render(&mut self, out: &mut [f32]) -> bool {
        for o in out.iter_mut() {
            *o = if self.pos < self.total {
                let g = edges(self.pos, self.total, self.fade);
                self.pos += 1;
                self.amp * g * self.osc.tick()
            } else {
                0.0
            };
        }
        self.pos < self.total
    }
}
