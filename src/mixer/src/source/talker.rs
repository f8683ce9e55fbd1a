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

use super::fade::raised_cosine;
use super::frames_for_ms;
use super::resonator::{coefficients, cos_of, pole_radius};
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
/// The syllable envelope is exact every `rate / ENV_GRID_PER_S` frames or fewer (a power of two, at least 8, so
/// the slope's division is exact): 2 ms or less, where a straight line between exact values stays within 1e-3
/// of the peak from the sin² curve even for the shortest syllable at 8 kHz.
const ENV_GRID_PER_S: u32 = 500;
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
    /// The noise: a 32-bit linear congruential generator seeded from the seed (its top 24 bits are the noise).
    lcg: u32,
    talking: bool,
    /// Lengths of a talk and of a pause, in frames ([`FOREVER`] when the other one is 0).
    talk_len: u64,
    pause_len: u64,
    /// Position in and length of the current talk or pause stretch.
    seg_pos: u64,
    seg_len: u64,
    edge: u64,
    /// Position in and length of the current syllable.
    syl_pos: u64,
    syl_len: u64,
    /// The syllable envelope's phase step per frame (half a turn over the syllable).
    syl_step: u32,
    /// The envelope's floor and swing above it, with the output gain folded in (see [`Talker::syllables`]).
    env_floor: f32,
    env_swing: f32,
    /// The envelope at the next frame and its step per frame, a straight line between exact values
    /// `env_grid` frames apart; `env_next` is the exact value at the end of the current line.
    env: f32,
    env_slope: f32,
    env_next: f32,
    /// Frames between exact envelope values (see [`ENV_GRID_PER_S`]).
    env_grid: u64,
    /// The noise's low-pass, scaled: `tilt ← tilt·tilt_keep + noise` with the noise as an integer in ±2²³
    /// (speech falls off above ~1 kHz; white noise sounds like hiss).
    tilt: f32,
    tilt_keep: f32,
    /// The two formants, scaled to unit input: `y ← tilt + b·y[n−1] + c·y[n−2]`, `(y[n−1], y[n−2])` in `f1`/`f2`.
    f1: Formant,
    f2: Formant,
    /// The second formant's weight against the first's in the output (0.6 × a₂ / a₁).
    mix: f32,
    /// The output gain of the scaled filters: [`GAIN`] × k / 2²³ (the low-pass's input weight `k` and the
    /// noise's scale, both taken out of the loop).
    noise_gain: f32,
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
        let tilt_k = 1.0 - exp(-2.0 * core::f32::consts::PI * TILT_HZ / sample_rate as f32);
        let mut t = Talker {
            rate: sample_rate,
            inv_rate: 1.0 / sample_rate as f32,
            lcg: Rng::new(seed ^ 0x7a1c_e400_0000_0001).next_u32(),
            pattern,
            talking: false,
            talk_len,
            pause_len,
            seg_pos: 0,
            seg_len: if talk == 0 { FOREVER } else { first_pause },
            edge: frames_for_ms(EDGE_MS, sample_rate),
            syl_pos: 0,
            syl_len: 0,
            syl_step: 0,
            env_floor: 0.0,
            env_swing: 0.0,
            env: 0.0,
            env_slope: 0.0,
            env_next: 0.0,
            env_grid: env_grid(sample_rate),
            tilt: 0.0,
            tilt_keep: 1.0 - tilt_k,
            f1: Formant::default(),
            f2: Formant::default(),
            mix: 0.0,
            noise_gain: GAIN * tilt_k * (1.0 / 8_388_608.0),
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
        // Half a turn over the syllable, as a u32 phase step: (len − 1)·step stays below half a turn.
        self.syl_step = ((1u64 << 31) / self.syl_len) as u32;
        let amp = 0.6 + 0.4 * self.pattern.next_unit();
        let (a, b) = VOWELS[self.pattern.range_u32(0, VOWELS.len() as u32 - 1) as usize];
        let a1 = self
            .f1
            .set(cos_of(a, self.inv_rate), pole_radius(150.0, self.rate));
        let a2 = self
            .f2
            .set(cos_of(b, self.inv_rate), pole_radius(250.0, self.rate));
        self.mix = 0.6 * a2 / a1;
        let gain = self.noise_gain * amp * a1;
        self.env_floor = gain * SYLLABLE_FLOOR;
        self.env_swing = gain * (1.0 - SYLLABLE_FLOOR);
    }

    /// The exact syllable envelope at frame `pos` of the syllable: floor + (1 − floor)·sin²(π·pos/len), times
    /// the output gain, starting and ending at the floor.
    #[inline]
    fn envelope(&self, pos: u64) -> f32 {
        let s = sin_phase((pos as u32).wrapping_mul(self.syl_step));
        self.env_floor + self.env_swing * (s * s)
    }

    /// Writes the next frames: the block is cut into runs at stretch boundaries, each run rendered whole.
    pub fn render(&mut self, out: &mut [f32]) {
        let mut done = 0;
        while done < out.len() {
            while self.seg_pos >= self.seg_len {
                self.next_stretch();
            }
            let left = self.seg_len - self.seg_pos;
            let n = if left < (out.len() - done) as u64 {
                left as usize
            } else {
                out.len() - done
            };
            let run = &mut out[done..done + n];
            if self.talking {
                if let Some(r) = &mut self.reading {
                    for o in run.iter_mut() {
                        *o = r.speech.next_frame();
                    }
                } else {
                    self.syllables(run);
                }
                self.fade_edges(run);
            } else {
                run.fill(0.0);
            }
            self.seg_pos += n as u64;
            done += n;
        }
    }

    /// Multiplies the frames of `run` (starting at `seg_pos` in the talk stretch) that fall in the stretch's
    /// 20 ms edges by the raised-cosine gain; a stretch that never ends only fades in.
    fn fade_edges(&self, run: &mut [f32]) {
        let (start, end) = (self.seg_pos, self.seg_pos + run.len() as u64);
        let total = self.seg_len;
        let fade = if total == FOREVER {
            self.edge
        } else if self.edge > total / 2 {
            total / 2
        } else {
            self.edge
        };
        // Fade-in: frames [0, fade) of the stretch.
        let mut pos = start;
        while pos < end && pos < fade {
            run[(pos - start) as usize] *= raised_cosine(pos, fade);
            pos += 1;
        }
        if total == FOREVER {
            return;
        }
        // Fade-out: frames [total − fade, total), mirrored.
        let mut pos = if total - fade > start {
            total - fade
        } else {
            start
        };
        while pos < end {
            run[(pos - start) as usize] *= raised_cosine(total - 1 - pos, fade);
            pos += 1;
        }
    }

    /// Noise syllables for `run`, cut at syllable boundaries and at every `env_grid`th frame of a syllable,
    /// where the envelope is exact; between, it steps along a straight line (closer than 1e-3 of the peak to the
    /// curve), so the loop holds no sine. The noise is filtered with the gains taken out of the recurrences
    /// (scaled state), leaving a multiply and an add on each loop-carried chain.
    fn syllables(&mut self, run: &mut [f32]) {
        let mut done = 0;
        while done < run.len() {
            if self.syl_pos >= self.syl_len {
                self.next_syllable();
            }
            let grid = self.env_grid;
            let in_grid = self.syl_pos % grid;
            if in_grid == 0 {
                let here = if self.syl_pos == 0 {
                    self.envelope(0)
                } else {
                    self.env_next
                };
                self.env_next = self.envelope(self.syl_pos + grid);
                self.env = here;
                self.env_slope = (self.env_next - here) * (1.0 / grid as f32);
            }
            let left = self.syl_len - self.syl_pos;
            let left = if grid - in_grid < left {
                grid - in_grid
            } else {
                left
            };
            let n = if left < (run.len() - done) as u64 {
                left as usize
            } else {
                run.len() - done
            };
            let (mut lcg, mut tilt, keep, mix) = (self.lcg, self.tilt, self.tilt_keep, self.mix);
            let (mut env, slope) = (self.env, self.env_slope);
            let (mut f1, mut f2) = (self.f1, self.f2);
            for o in run[done..done + n].iter_mut() {
                lcg = lcg.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                // The top 24 bits as a signed integer in [−2²³, 2²³) (exact in f32).
                let v = ((lcg >> 8) as i32 - (1 << 23)) as f32;
                tilt = tilt * keep + v;
                *o = env * (f1.tick(tilt) + mix * f2.tick(tilt));
                env += slope;
            }
            self.lcg = lcg;
            self.tilt = tilt;
            self.env = env;
            self.f1 = f1;
            self.f2 = f2;
            self.syl_pos += n as u64;
            done += n;
        }
    }
}

/// Frames between exact values of the syllable envelope at `sample_rate`: the largest power of two at most
/// `rate / ENV_GRID_PER_S`, and at least 8.
fn env_grid(sample_rate: u32) -> u64 {
    let most = u64::from(sample_rate / ENV_GRID_PER_S);
    let mut grid = 8;
    while grid * 2 <= most {
        grid *= 2;
    }
    grid
}

/// A two-pole resonator with unit input weight, `y = x + b·y[n−1] + c·y[n−2]` (the input weight `a` of
/// [`super::resonator::Resonator`] moved to the output), the talker's formant.
#[derive(Clone, Copy, Debug)]
struct Formant {
    b: f32,
    c: f32,
    /// `a` of the current setting, to rescale the state when the setting changes.
    a: f32,
    y1: f32,
    y2: f32,
}

impl Default for Formant {
    fn default() -> Self {
        Formant {
            b: 0.0,
            c: 0.0,
            a: 1.0,
            y1: 0.0,
            y2: 0.0,
        }
    }
}

impl Formant {
    /// Sets the centre and pole radius (as [`super::resonator::Resonator::set`]) and returns the input weight
    /// `a` to apply at the output. The state is rescaled by the old `a` over the new one, so the filter's
    /// actual output goes on smoothly, as a [`super::resonator::Resonator`]'s does.
    fn set(&mut self, cos_centre: f32, r: f32) -> f32 {
        let (a, b, c) = coefficients(cos_centre, r);
        // At an absurd sample rate the pole sits on 0 Hz and `a` rounds to 0: pass the noise through instead
        // of dividing by it.
        let (a, b, c) = if a > 1e-12 {
            (a, b, c)
        } else {
            (1.0, 0.0, 0.0)
        };
        let k = self.a / a;
        self.y1 *= k;
        self.y2 *= k;
        (self.a, self.b, self.c) = (a, b, c);
        a
    }

    /// Filters one sample; the older feedback is added first, so the chain from the last output is one
    /// multiply and one add. No subnormal flush: a live noise input never decays into subnormals.
    #[inline]
    fn tick(&mut self, x: f32) -> f32 {
        let y = (x + self.c * self.y2) + self.b * self.y1;
        self.y2 = self.y1;
        self.y1 = y;
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The straight-line envelope between exact values stays within 1e-3 of the peak from the exact curve, and
    /// meets it at every grid point (block lengths that cut the lines anywhere change nothing).
    #[test]
    fn envelope_lines_follow_the_sine_squared_curve() {
        for rate in [8_000u32, 16_000, 48_000] {
            let mut t = Talker::new(3, 60_000, 0, "", rate);
            let mut out = vec![0.0f32; 37];
            for _ in 0..200 {
                t.render(&mut out[..1]);
                let pos = t.syl_pos;
                if pos < t.syl_len {
                    let peak = t.env_floor + t.env_swing;
                    let exact = t.envelope(pos);
                    assert!(
                        (t.env - exact).abs() < 1e-3 * peak,
                        "rate {rate} frame {pos}: {} vs {exact}",
                        t.env
                    );
                    if pos.is_multiple_of(t.env_grid) {
                        assert_eq!(t.env.to_bits(), exact.to_bits(), "rate {rate} frame {pos}");
                    }
                }
                t.render(&mut out);
            }
        }
    }

    /// At an absurd sample rate the formants cannot be placed: the talker still gives finite samples.
    #[test]
    fn absurd_rates_give_finite_samples() {
        for rate in [1u32, 100, u32::MAX] {
            let mut t = Talker::new(1, 1, 0, "", rate);
            let mut out = vec![0.0f32; 4096];
            for _ in 0..4 {
                t.render(&mut out);
                assert!(out.iter().all(|x| x.is_finite()), "rate {rate}");
            }
        }
    }
}
