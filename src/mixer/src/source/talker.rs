//! The talker (leg media `{"talker": {"text", "talkMs", "silenceMs"}}`): a voice for demos of the talking
//! indicator. Stretches of talk exactly `talk_ms` long alternate with pauses of exact silence exactly
//! `silence_ms` long. There is no jitter in that timing, so what a meter measures is what the scenario says; the
//! seed only picks the first pause (0 to `silence_ms`, so phones with the same settings do not talk in unison)
//! and the noise syllables. `talk_ms` 0 is silent forever; `silence_ms` 0 talks without a pause.
//!
//! What a talk stretch says:
//! * without text: syllables (120–300 ms bursts of vowel-coloured noise, drawn from the seed). The level never
//!   drops below about −40 dBFS RMS per block while talking (syllables dip to a floor, not to silence), so a
//!   −45 dBFS gate opens for each stretch and closes in each pause;
//! * with text: the speech synthesiser reads the text aloud, 400 ms per word, pausing with the talker. A stretch
//!   speaks words back to back (a text shorter than the stretch starts again, looped), and the stretch's end cuts
//!   the word it falls in (faded). The next stretch starts at the start of that cut word, so no word is lost; a
//!   stretch that ends between words, after the last word it spoke, goes on with the next. A stretch shorter
//!   than one word still moves on by one word each time, so the whole text is heard. So a stretch starts
//!   ⌊talk_ms / 400⌋ words (at least one) after the previous one, wrapping round the text.
//!
//! Each talk stretch has 20 ms raised-cosine edges (no click when talk starts, stops or cuts a word).

use super::fade::{edges, raised_cosine};
use super::frames_for_ms;
use super::resonator::{Resonator, cos_of, pole_radius};
use super::speech::Speech;
use crate::dsp::{Rng, exp, sin_phase};

/// Edges of each talk stretch.
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
/// A stretch length that never ends (`silence_ms` 0 talks for ever, `talk_ms` 0 pauses for ever).
const FOREVER: u64 = u64::MAX;

/// The text a talker reads, and where its next stretch starts.
struct Reading {
    speech: Speech,
    /// Frame of the text where the next talk stretch starts (always a word's start).
    next_start: u64,
    /// How far each stretch moves the start: ⌊talk / word⌋ words, at least one.
    step: u64,
}

/// The running talker.
pub struct Talker {
    rate: u32,
    inv_rate: f32,
    pattern: Rng,
    noise: Rng,
    talking: bool,
    /// Lengths of a talk and of a pause, in frames ([`FOREVER`] when the other one is 0).
    talk_len: u64,
    pause_len: u64,
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
    /// The text, when there is one with at least one word; noise syllables otherwise.
    reading: Option<Reading>,
}

impl Talker {
    /// A talker from `seed` at `sample_rate` that talks for `talk_ms`, pauses for `silence_ms`, and again,
    /// reading `text` (noise syllables when it has no words). It starts with a seeded pause of 0 to
    /// `silence_ms`.
    pub fn new(seed: u64, talk_ms: u32, silence_ms: u32, text: &str, sample_rate: u32) -> Self {
        let mut pattern = Rng::new(seed);
        let first_pause = frames_for_ms(u64::from(pattern.range_u32(0, silence_ms)), sample_rate);
        // A length of 0 frames (0 ms, or an absurd sample rate) never comes up as a stretch, so `render`'s loop
        // cannot stall: the other kind of stretch lasts for ever instead.
        let talk = frames_for_ms(u64::from(talk_ms), sample_rate);
        let pause = frames_for_ms(u64::from(silence_ms), sample_rate);
        let (talk_len, pause_len) = match (talk, pause) {
            (0, _) => (1, FOREVER),
            (_, 0) => (FOREVER, 1),
            lengths => lengths,
        };
        let reading = if text.split_whitespace().next().is_some() {
            let speech = Speech::new(text, true, sample_rate);
            let word = speech.word_frames();
            let words = talk.checked_div(word).unwrap_or(0);
            let step = (if words < 1 { 1 } else { words }) * word;
            Some(Reading {
                speech,
                next_start: 0,
                step,
            })
        } else {
            None
        };
        let mut t = Talker {
            rate: sample_rate,
            inv_rate: 1.0 / sample_rate as f32,
            noise: Rng::new(seed ^ 0x7a1c_e400_0000_0001),
            pattern,
            talking: false,
            talk_len,
            pause_len,
            seg_pos: 0,
            seg_len: if talk == 0 { FOREVER } else { first_pause },
            edge: frames_for_ms(EDGE_MS, sample_rate),
            syl_pos: 0,
            syl_len: 0,
            syl_amp: 0.0,
            f1: Resonator::default(),
            f2: Resonator::default(),
            tilt: 0.0,
            tilt_k: 1.0 - exp(-2.0 * core::f32::consts::PI * TILT_HZ / sample_rate as f32),
            reading,
        };
        if t.seg_len == 0 {
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
        self.seg_len = if self.talking {
            self.talk_len
        } else {
            self.pause_len
        };
        self.seg_pos = 0;
        self.syl_pos = 0;
        self.syl_len = 0;
        if self.talking
            && let Some(r) = &mut self.reading
        {
            r.speech.seek(r.next_start);
            let len = r.speech.text_frames();
            r.next_start = (r.next_start + r.step).checked_rem(len).unwrap_or(0);
        }
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
        // Talk-stretch edges (a stretch that never ends only fades in).
        let edge = if self.seg_len == FOREVER {
            raised_cosine(self.seg_pos, self.edge)
        } else {
            edges(self.seg_pos, self.seg_len, self.edge)
        };
        if let Some(r) = &mut self.reading {
            return edge * r.speech.next_frame();
        }
        if self.syl_pos >= self.syl_len {
            self.next_syllable();
        }
        // Syllable: floor + (1 − floor)·sin²(π·t/T), starting and ending at the floor.
        let phase = ((self.syl_pos << 31) / self.syl_len) as u32; // half a turn over the syllable
        let s = sin_phase(phase);
        let syllable = SYLLABLE_FLOOR + (1.0 - SYLLABLE_FLOOR) * s * s;
        self.syl_pos += 1;
        self.tilt += (self.noise.next_f32() - self.tilt) * self.tilt_k;
        let x = self.tilt;
        let y = self.f1.tick(x) + 0.6 * self.f2.tick(x);
        GAIN * edge * self.syl_amp * syllable * y
    }
}
