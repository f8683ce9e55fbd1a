//! A continuous sine (leg media `{"tone": HZ}`), and the oscillator the beep and DTMF are built from.

use crate::dsp::{db_to_gain, phase_step, sin_phase};

/// The level of a tone: −12 dBFS peak.
pub const TONE_DBFS: f32 = -12.0;

/// A sine oscillator with an integer phase (a `u32` fraction of a turn), so it never drifts: after `n` frames
/// its phase is exactly `n · step` modulo one turn, whatever the block sizes were.
#[derive(Clone, Debug)]
pub struct Osc {
    phase: u32,
    step: u32,
}

impl Osc {
    /// An oscillator at `hz` starting at phase 0 (a frequency at or above Nyquist is silent: step 0).
    pub fn new(hz: f32, sample_rate: u32) -> Self {
        Osc {
            phase: 0,
            step: phase_step(hz, sample_rate),
        }
    }

    /// An oscillator with a precomputed `u32` phase step (see [`crate::dsp::phase_step`]), at phase 0.
    pub fn from_step(step: u32) -> Self {
        Osc { phase: 0, step }
    }

    /// Writes `amp · sin` for the next `out.len()` frames.
    #[inline]
    pub fn fill(&mut self, amp: f32, out: &mut [f32]) {
        let (phase, step) = (self.phase, self.step);
        for (i, o) in out.iter_mut().enumerate() {
            *o = amp * sin_phase(phase.wrapping_add(step.wrapping_mul(i as u32)));
        }
        self.advance(out.len());
    }

    /// Adds `amp · sin` for the next `out.len()` frames.
    #[inline]
    pub fn add(&mut self, amp: f32, out: &mut [f32]) {
        let (phase, step) = (self.phase, self.step);
        for (i, o) in out.iter_mut().enumerate() {
            *o += amp * sin_phase(phase.wrapping_add(step.wrapping_mul(i as u32)));
        }
        self.advance(out.len());
    }

    /// The next sample (amplitude 1), advancing one frame.
    #[inline]
    pub fn tick(&mut self) -> f32 {
        let s = sin_phase(self.phase);
        self.phase = self.phase.wrapping_add(self.step);
        s
    }

    /// Skips `frames` frames.
    #[inline]
    pub fn advance(&mut self, frames: usize) {
        self.phase = self
            .phase
            .wrapping_add(self.step.wrapping_mul(frames as u32));
    }
}

/// A continuous sine at −12 dBFS.
#[derive(Clone, Debug)]
pub struct Tone {
    osc: Osc,
    amp: f32,
}

impl Tone {
    /// A `hz` tone at `sample_rate`.
    pub fn new(hz: f32, sample_rate: u32) -> Self {
        Tone {
            osc: Osc::new(hz, sample_rate),
            amp: db_to_gain(TONE_DBFS),
        }
    }

    /// Writes the next `out.len()` frames.
    pub fn render(&mut self, out: &mut [f32]) {
        self.osc.fill(self.amp, out);
    }
}
