//! DTMF (`SendDigits`, pass-through): each digit a standard two-tone pair for 100 ms, then silence to the end
//! of its slot. A SendDigits slot is its `pauseMs` (the engine's default: 500 ms); pass-through keys use the
//! default slot. A slot shorter than 200 ms sounds for half its length instead, so a gap always separates two
//! tones (a receiver needs one to count a repeated digit). Unknown characters are silent slots, so the length
//! is always exactly the engine's `digits × pause`.

use super::fade::edges;
use super::frames_for_ms;
use super::tone::Osc;
use crate::dsp::{db_to_gain, phase_step};

/// How long each digit sounds.
pub const TONE_MS: u32 = 100;
/// The default slot (tone then silence): the engine's default SendDigits pause.
pub const SLOT_MS: u32 = 500;
/// Level of each of the two sines (together about −12 dBFS peak, like a tone).
const COMPONENT_DBFS: f32 = -18.0;
/// Soft edges of each tone burst.
const FADE_MS: u32 = 5;

/// The row (low) and column (high) frequencies of `c`, or `None` for a character that is not a DTMF key.
pub fn pair(c: char) -> Option<(f32, f32)> {
    const ROWS: [f32; 4] = [697.0, 770.0, 852.0, 941.0];
    const COLS: [f32; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
    let (r, k) = match c.to_ascii_uppercase() {
        '1' => (0, 0),
        '2' => (0, 1),
        '3' => (0, 2),
        'A' => (0, 3),
        '4' => (1, 0),
        '5' => (1, 1),
        '6' => (1, 2),
        'B' => (1, 3),
        '7' => (2, 0),
        '8' => (2, 1),
        '9' => (2, 2),
        'C' => (2, 3),
        '*' => (3, 0),
        '0' => (3, 1),
        '#' => (3, 2),
        'D' => (3, 3),
        _ => return None,
    };
    Some((ROWS[r], COLS[k]))
}

/// A one-shot sequence of DTMF digits.
#[derive(Clone, Debug)]
pub struct Dtmf {
    /// Per slot: the two phase steps, `None` for a silent slot.
    steps: Vec<Option<(u32, u32)>>,
    low: Osc,
    high: Osc,
    amp: f32,
    slot: u64,
    tone: u64,
    fade: u64,
    pos: u64,
}

impl Dtmf {
    /// `digits` with the default 500 ms slot.
    pub fn new(digits: &str, sample_rate: u32) -> Self {
        Dtmf::with_slot(digits, SLOT_MS, sample_rate)
    }

    /// `digits` with `slot_ms` per digit: 100 ms of tone (half the slot when the slot is shorter than 200 ms),
    /// then silence to the end of the slot.
    pub fn with_slot(digits: &str, slot_ms: u32, sample_rate: u32) -> Self {
        let slot = frames_for_ms(slot_ms as u64, sample_rate);
        let tone = frames_for_ms(TONE_MS as u64, sample_rate);
        let steps = digits
            .chars()
            .map(|c| {
                pair(c).map(|(lo, hi)| (phase_step(lo, sample_rate), phase_step(hi, sample_rate)))
            })
            .collect();
        Dtmf {
            steps,
            low: Osc::new(0.0, sample_rate),
            high: Osc::new(0.0, sample_rate),
            amp: db_to_gain(COMPONENT_DBFS),
            slot,
            tone: if 2 * tone > slot { slot / 2 } else { tone },
            fade: frames_for_ms(FADE_MS as u64, sample_rate),
            pos: 0,
        }
    }

    fn total(&self) -> u64 {
        self.steps.len() as u64 * self.slot
    }

    /// Frames still to play.
    pub fn remaining(&self) -> u64 {
        self.total() - self.pos
    }

    /// Writes the next frames (silence after the end); false once the last slot has ended.
    pub fn render(&mut self, out: &mut [f32]) -> bool {
        let total = self.total();
        for o in out.iter_mut() {
            if self.pos >= total || self.slot == 0 {
                *o = 0.0;
                continue;
            }
            let index = (self.pos / self.slot) as usize;
            let at = self.pos % self.slot;
            self.pos += 1;
            *o = match self.steps[index] {
                Some((lo, hi)) if at < self.tone => {
                    if at == 0 {
                        // Each digit starts at phase 0: its samples do not depend on the digits before it.
                        self.low = Osc::from_step(lo);
                        self.high = Osc::from_step(hi);
                    }
                    let g = self.amp * edges(at, self.tone, self.fade);
                    g * (self.low.tick() + self.high.tick())
                }
                _ => 0.0,
            };
        }
        self.pos < total
    }
}
