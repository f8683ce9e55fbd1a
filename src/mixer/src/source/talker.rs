//! The talker (leg media `{"talker": …}`): speech-like noise for demos of the talking indicator. Stretches of
//! talk (1–3 s) made of syllables (120–300 ms bursts of vowel-coloured noise) alternate with pauses (0.5–2 s of
//! silence), all drawn from the seed. While talking the level never drops below about −40 dBFS RMS per block
//! (syllables dip to a floor, not to silence), and pauses are exact silence, so a −45 dBFS gate opens for each
//! talk and closes in each pause.

use super::fade::raised_cosine;
use super::frames_for_ms;
use super::resonator::{Resonator, cos_of, pole_radius};
use crate::dsp::{Rng, exp, sin_phase};

/// Edges of each talk stretch (no click when talk starts or stops).
const EDGE_MS: u64 = 20;
/// Between syllables the envelope dips to this fraction of the syllable's peak.
const SYLLABLE_FLOOR: f32 = 0.25;
/// Output gain of the filtered noise (tuned so talk measures about −22 dBFS RMS).
const GAIN: f32 = 0.30;
/// Corner of the noise's low-pass.
const TILT_HZ: f32 = 1200.0;
/// Vowel-like formant pairs (Hz) a syllable is coloured with.
const VOWELS: [(f32, f32); 6] = [
    (700.0, 1220.0),
    (530.0, 1840.0),
    (330.0, 2100.0),
    (570.0, 840.0),
    (350.0, 950.0),
    (500.0, 1500.0),
];

/// The running talker.
pub struct Talker {
    rate: u32,
    inv_rate: f32,
    pattern: Rng,
    noise: Rng,
    talking: bool,
    /// Position in and length of the current talk or pause stretch.
    seg_pos: u64,
    seg_len: u64,
    edge: u64,
    /// Position in, length and peak of the current syllable.
    syl_pos: u64,
    syl_len: u64,
    syl_amp: f32,
    f1: Resonator,
    f2: Resonator,
    /// A one-pole low-pass on the noise (speech falls off above ~1 kHz; white noise sounds like hiss).
    tilt: f32,
    tilt_k: f32,
}

impl Talker {
    /// A talker from `seed` at `sample_rate`. It starts with a pause of 0–1 s (so legs with different seeds do
    /// not all start talking together).
    pub fn new(seed: u64, sample_rate: u32) -> Self {
        let mut pattern = Rng::new(seed);
        let first_pause = frames_for_ms(pattern.range_u32(0, 1000) as u64, sample_rate);
        let mut t = Talker {
            rate: sample_rate,
            inv_rate: 1.0 / sample_rate as f32,
            noise: Rng::new(seed ^ 0x7a1c_e400_0000_0001),
            pattern,
            talking: false,
            seg_pos: 0,
            seg_len: first_pause,
            edge: frames_for_ms(EDGE_MS, sample_rate),
            syl_pos: 0,
            syl_len: 0,
            syl_amp: 0.0,
            f1: Resonator::default(),
            f2: Resonator::default(),
            tilt: 0.0,
            tilt_k: 1.0 - exp(-2.0 * core::f32::consts::PI * TILT_HZ / sample_rate as f32),
        };
        if first_pause == 0 {
            t.next_stretch();
        }
        t
    }

    /// Whether the last frame rendered was inside a talk stretch (for tests and demos).
    pub fn is_talking(&self) -> bool {
        self.talking
    }

    fn next_stretch(&mut self) {
        self.talking = !self.talking;
        let ms = if self.talking {
            self.pattern.range_u32(1000, 3000)
        } else {
            self.pattern.range_u32(500, 2000)
        };
        // At least a frame, so even an absurd sample rate cannot stall the loop in `render`.
        self.seg_len = frames_for_ms(ms as u64, self.rate).max(1);
        self.seg_pos = 0;
        self.syl_pos = 0;
        self.syl_len = 0;
    }

    fn next_syllable(&mut self) {
        self.syl_len = frames_for_ms(self.pattern.range_u32(120, 300) as u64, self.rate).max(1);
        self.syl_pos = 0;
        self.syl_amp = 0.6 + 0.4 * self.pattern.next_unit();
        let (a, b) = VOWELS[self.pattern.range_u32(0, VOWELS.len() as u32 - 1) as usize];
        self.f1
            .set(cos_of(a, self.inv_rate), pole_radius(150.0, self.rate));
        self.f2
            .set(cos_of(b, self.inv_rate), pole_radius(250.0, self.rate));
    }

    /// Writes the next frames.
    pub fn render(&mut self, out: &mut [f32]) {
        for o in out.iter_mut() {
            while self.seg_pos >= self.seg_len {
                self.next_stretch();
            }
            *o = if self.talking { self.talk_frame() } else { 0.0 };
            self.seg_pos += 1;
        }
    }

    #[inline]
    fn talk_frame(&mut self) -> f32 {
        if self.syl_pos >= self.syl_len {
            self.next_syllable();
        }
        // Syllable: floor + (1 − floor)·sin²(π·t/T), starting and ending at the floor.
        let phase = ((self.syl_pos << 31) / self.syl_len) as u32; // half a turn over the syllable
        let s = sin_phase(phase);
        let syllable = SYLLABLE_FLOOR + (1.0 - SYLLABLE_FLOOR) * s * s;
        self.syl_pos += 1;
        // Talk-stretch edges.
        let from_end = self.seg_len - 1 - self.seg_pos;
        let edge = if self.seg_pos < self.edge {
            raised_cosine(self.seg_pos, self.edge)
        } else if from_end < self.edge {
            raised_cosine(from_end, self.edge)
        } else {
            1.0
        };
        self.tilt += (self.noise.next_f32() - self.tilt) * self.tilt_k;
        let x = self.tilt;
        let y = self.f1.tick(x) + 0.6 * self.f2.tick(x);
        GAIN * edge * self.syl_amp * syllable * y
    }
}
