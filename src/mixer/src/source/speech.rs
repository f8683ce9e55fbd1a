//! The speech synthesiser (Say, leg media `{"speech": …}`): small, deterministic and robotic. Each
//! whitespace-separated word lasts exactly 400 ms (the engine's `say_ms`, at least one word): 320 ms of sound,
//! then 80 ms of silence.
//!
//! A word's letters become a row of targets (formant frequencies, voicing and noise levels), placed across its
//! 320 ms with vowels held twice as long as consonants. A glottal sawtooth at 110–135 Hz, falling over each word,
//! drives a cascade of three formant resonators; a noise source through a fourth resonator makes the hiss of
//! fricatives and the burst of plosives. Every parameter glides to its target through a one-pole smoother, so
//! nothing clicks and the formants move like (very stiff) articulators.

use super::frames_for_ms;
use super::resonator::{Resonator, cos_of, pole_radius};
use crate::dsp::{Rng, exp};

/// How long each word lasts (the engine's `MS_PER_WORD`).
pub const WORD_MS: u64 = 400;
/// How much of each word sounds; the rest is the gap before the next word.
const SOUND_MS: u64 = 320;
/// Formant bandwidths (Hz): narrow enough to be heard as vowels, wide enough to sound smooth.
const BANDWIDTHS: [f32; 3] = [90.0, 120.0, 180.0];
/// Time constants of the smoothers: formants glide slower than amplitudes change.
const FORMANT_GLIDE_MS: f32 = 12.0;
const AMP_GLIDE_MS: f32 = 4.0;
/// Output level of the voice (tuned so speech measures about −20 dBFS RMS while it sounds).
const VOICE_GAIN: f32 = 0.22;
/// Output level of the noise.
const NOISE_GAIN: f32 = 0.5;

/// What one stretch of a word aims at.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Target {
    /// Formants F1–F3 in Hz (`None`: take the neighbouring vowel's, as articulators anticipate it).
    formants: Option<[f32; 3]>,
    /// Voicing amplitude.
    voice: f32,
    /// Noise amplitude.
    noise: f32,
    /// Centre and bandwidth of the noise (Hz).
    noise_hz: f32,
    noise_bw: f32,
}

const SCHWA: [f32; 3] = [500.0, 1500.0, 2500.0];
/// Long vowels and r-colouring (Peterson and Barney's averages, rounded).
const IY: [f32; 3] = [280.0, 2250.0, 2900.0];
const UW: [f32; 3] = [310.0, 870.0, 2250.0];
const AA: [f32; 3] = [730.0, 1090.0, 2440.0];
const AO: [f32; 3] = [570.0, 840.0, 2410.0];
const EH: [f32; 3] = [530.0, 1840.0, 2480.0];
const ER: [f32; 3] = [490.0, 1350.0, 1690.0];

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

const fn vowel(f1: f32, f2: f32, f3: f32) -> Target {
    Target {
        formants: Some([f1, f2, f3]),
        voice: 1.0,
        noise: 0.0,
        noise_hz: 1000.0,
        noise_bw: 1000.0,
    }
}

const fn sonorant(f1: f32, f2: f32, f3: f32, voice: f32) -> Target {
    Target {
        formants: Some([f1, f2, f3]),
        voice,
        noise: 0.0,
        noise_hz: 1000.0,
        noise_bw: 1000.0,
    }
}

const fn fricative(voice: f32, noise: f32, noise_hz: f32, noise_bw: f32) -> Target {
    Target {
        formants: None,
        voice,
        noise,
        noise_hz,
        noise_bw,
    }
}

const SILENT: Target = fricative(0.0, 0.0, 1000.0, 1000.0);

/// A sound: one target, or a plosive's closure, burst and release.
#[derive(Clone, Copy)]
enum Phone {
    Steady(Target, u32),
    /// Noise centre (Hz) and whether the closure is voiced.
    Plosive(f32, bool),
}

/// Vowels count double: they carry a word's length.
const VOWEL_WEIGHT: u32 = 2;

fn phone(c: char, next: Option<char>) -> Option<Phone> {
    use Phone::{Plosive, Steady};
    let v = |t| Some(Steady(t, VOWEL_WEIGHT));
    let c1 = |t| Some(Steady(t, 1));
    match c {
        'a' => v(vowel(700.0, 1220.0, 2600.0)),
        'e' => v(vowel(530.0, 1840.0, 2480.0)),
        'i' | 'y' => v(vowel(330.0, 2100.0, 2900.0)),
        'o' => v(vowel(570.0, 840.0, 2410.0)),
        'u' => v(vowel(350.0, 950.0, 2250.0)),
        'l' => c1(sonorant(360.0, 1300.0, 2700.0, 0.55)),
        'r' => c1(sonorant(420.0, 1300.0, 1600.0, 0.55)),
        'm' => c1(sonorant(280.0, 900.0, 2200.0, 0.35)),
        'n' => c1(sonorant(280.0, 1700.0, 2600.0, 0.35)),
        'w' => c1(sonorant(300.0, 610.0, 2200.0, 0.5)),
        's' => c1(fricative(0.0, 0.5, 5500.0, 1500.0)),
        'z' => c1(fricative(0.3, 0.35, 5000.0, 1500.0)),
        'f' => c1(fricative(0.0, 0.25, 4500.0, 3000.0)),
        'v' => c1(fricative(0.35, 0.15, 4000.0, 3000.0)),
        'h' => c1(fricative(0.0, 0.3, 1600.0, 1500.0)),
        'j' => c1(fricative(0.3, 0.35, 2800.0, 1200.0)),
        'p' => Some(Plosive(800.0, false)),
        'b' => Some(Plosive(800.0, true)),
        't' => Some(Plosive(4000.0, false)),
        'd' => Some(Plosive(3500.0, true)),
        'k' | 'q' | 'x' => Some(Plosive(2000.0, false)),
        'g' => Some(Plosive(1800.0, true)),
        // A soft c before e, i, y sounds like s; otherwise like k.
        'c' => match next {
            Some('e' | 'i' | 'y') => c1(fricative(0.0, 0.5, 5500.0, 1500.0)),
            _ => Some(Plosive(2000.0, false)),
        },
        _ => None,
    }
}

/// Digits are spoken through the letters of their names, within the word they belong to.
fn digit_name(c: char) -> Option<&'static str> {
    Some(match c {
        '0' => "zero",
        '1' => "wun",
        '2' => "too",
        '3' => "three",
        '4' => "for",
        '5' => "five",
        '6' => "siks",
        '7' => "seven",
        '8' => "ate",
        '9' => "nine",
        _ => return None,
    })
}

/// One stretch of the utterance: from `start` (frames from the beginning of the text) until the next.
#[derive(Clone, Copy, Debug)]
struct Segment {
    start: u64,
    target: Target,
    /// Glottal pitch at this segment's start and the pitch change per frame (a fall across each word).
    f0: f32,
    f0_slope: f32,
}

/// Appends the segments of one word starting at frame `at`.
fn plan_word(word: &str, at: u64, sound: u64, last_word: bool, segments: &mut Vec<Segment>) {
    // Letters, digits spelled out, "sh"/"ch"/"th"/"ph" as one sound, a final silent e dropped.
    let mut letters: Vec<char> = Vec::new();
    for c in word.chars().flat_map(|c| c.to_lowercase()) {
        match digit_name(c) {
            Some(name) => letters.extend(name.chars()),
            None if c.is_ascii_alphabetic() => letters.push(c),
            None => {}
        }
    }
    let vowels = letters.iter().filter(|&&c| is_vowel(c)).count();
    if letters.len() > 2 && letters.last() == Some(&'e') && vowels > 1 {
        letters.pop();
    }
    let mut phones: Vec<Phone> = Vec::new();
    let mut i = 0;
    while i < letters.len() {
        let c = letters[i];
        let next = letters.get(i + 1).copied();
        let digraph = match (c, next) {
            ('s', Some('h')) => Some(Phone::Steady(fricative(0.0, 0.5, 2700.0, 1200.0), 1)),
            ('c', Some('h')) => Some(Phone::Plosive(2700.0, false)),
            ('t', Some('h')) => Some(Phone::Steady(fricative(0.0, 0.2, 6000.0, 3000.0), 1)),
            ('p', Some('h')) => Some(Phone::Steady(fricative(0.0, 0.25, 4500.0, 3000.0), 1)),
            _ => None,
        };
        if let Some(p) = digraph {
            phones.push(p);
            i += 2;
            continue;
        }
        // Vowel pairs: a long vowel, or a glide from one vowel to another (two targets, one vowel's length).
        let at_end = i + 1 == letters.len();
        let pair: Option<&[[f32; 3]]> = match (c, next) {
            ('e', Some('e' | 'a')) => Some(&[IY]),
            ('o', Some('o')) => Some(&[UW]),
            ('o', Some('u' | 'w')) => Some(&[AA, UW]),
            ('a', Some('i' | 'y')) => Some(&[EH, IY]),
            ('o', Some('i' | 'y')) => Some(&[AO, IY]),
            ('e' | 'i' | 'u', Some('r')) => Some(&[ER]),
            _ => None,
        };
        if let Some(targets) = pair {
            let w = VOWEL_WEIGHT / targets.len() as u32;
            for f in targets {
                phones.push(Phone::Steady(vowel(f[0], f[1], f[2]), w));
            }
            i += 2;
            continue;
        }
        // A final e or y after a consonant is long ("the", "we", "only").
        if at_end && i > 0 && matches!(c, 'e' | 'y') && !is_vowel(letters[i - 1]) {
            phones.push(Phone::Steady(vowel(IY[0], IY[1], IY[2]), VOWEL_WEIGHT));
            i += 1;
            continue;
        }
        if let Some(p) = phone(c, next) {
            phones.push(p);
        }
        i += 1;
    }
    if phones.is_empty() {
        phones.push(Phone::Steady(
            vowel(SCHWA[0], SCHWA[1], SCHWA[2]),
            VOWEL_WEIGHT,
        ));
    }

    // Pitch falls across the word; the last word of the text falls further, like the end of a statement.
    let (f_start, f_end) = if last_word {
        (128.0f32, 96.0f32)
    } else {
        (132.0f32, 112.0f32)
    };
    let slope = (f_end - f_start) / sound as f32;
    let weight = |p: &Phone| match p {
        Phone::Steady(_, w) => *w,
        Phone::Plosive(..) => 1,
    };
    let total_weight: u32 = phones.iter().map(weight).sum();
    let first = segments.len();
    let mut acc = 0u64;
    let push = |offset: u64, target: Target, segments: &mut Vec<Segment>| {
        segments.push(Segment {
            start: at + offset,
            target,
            f0: f_start + slope * offset as f32,
            f0_slope: slope,
        });
    };
    for p in &phones {
        let begin = sound * acc / total_weight as u64;
        acc += weight(p) as u64;
        let end = sound * acc / total_weight as u64;
        match *p {
            Phone::Steady(t, _) => push(begin, t, segments),
            Phone::Plosive(hz, voiced) => {
                // Closure (silence, or a low voice bar), a short burst, then a breathy release.
                let len = end - begin;
                let closure = fricative(if voiced { 0.15 } else { 0.0 }, 0.0, hz, 1000.0);
                push(begin, closure, segments);
                push(
                    begin + len * 2 / 5,
                    fricative(if voiced { 0.3 } else { 0.0 }, 0.8, hz, 1200.0),
                    segments,
                );
                push(
                    begin + len * 3 / 5,
                    fricative(
                        if voiced { 0.6 } else { 0.0 },
                        if voiced { 0.1 } else { 0.25 },
                        hz,
                        2000.0,
                    ),
                    segments,
                );
            }
        }
    }
    // The gap after the sound.
    push(sound, SILENT, segments);

    // Consonants without formants of their own borrow the next vowel's (or the previous one's).
    let word_segments = &mut segments[first..];
    let mut following: Option<[f32; 3]> = None;
    for s in word_segments.iter_mut().rev() {
        match s.target.formants {
            Some(f) => following = Some(f),
            None => s.target.formants = following,
        }
    }
    let mut previous = SCHWA;
    for s in word_segments.iter_mut() {
        match s.target.formants {
            Some(f) => previous = f,
            None => s.target.formants = Some(previous),
        }
    }
}

/// One step of a one-pole smoother from `value` towards `target`; it lands exactly on the target once within
/// 1e-7 of it (so a fade to silence reaches 0 instead of decaying through slow subnormal numbers).
#[inline]
fn glide(value: f32, target: f32, k: f32) -> f32 {
    let next = value + (target - value) * k;
    if (next - target).abs() < 1e-7 {
        target
    } else {
        next
    }
}

/// The running synthesiser.
pub struct Speech {
    segments: Vec<Segment>,
    total: u64,
    looped: bool,
    pos: u64,
    seg: usize,
    rate: u32,
    inv_rate: f32,
    rates: [f32; 3],
    formant_k: f32,
    amp_k: f32,
    // Smoothed parameters.
    formants: [f32; 3],
    voice: f32,
    noise: f32,
    // Oscillator and filters.
    glottal: u32,
    cascade: [Resonator; 3],
    hiss: Resonator,
    hiss_gain: f32,
    hiss_target: f32,
    rng: Rng,
}

impl Speech {
    /// Speaks `text` (looped or once) at `sample_rate`.
    pub fn new(text: &str, looped: bool, sample_rate: u32) -> Self {
        let word_frames = frames_for_ms(WORD_MS, sample_rate);
        let sound = frames_for_ms(SOUND_MS, sample_rate);
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut segments = Vec::new();
        for (i, w) in words.iter().enumerate() {
            plan_word(
                w,
                i as u64 * word_frames,
                sound,
                i + 1 == words.len(),
                &mut segments,
            );
        }
        if segments.is_empty() {
            // No words: one word's length of silence, as the engine counts it.
            segments.push(Segment {
                start: 0,
                target: SILENT,
                f0: 120.0,
                f0_slope: 0.0,
            });
        }
        let total = words.len().max(1) as u64 * word_frames;
        let glide = |ms: f32| 1.0 - exp(-1000.0 / (ms * sample_rate as f32));
        let mut speech = Speech {
            segments,
            total,
            looped,
            pos: 0,
            seg: 0,
            rate: sample_rate,
            inv_rate: 1.0 / sample_rate as f32,
            rates: BANDWIDTHS.map(|bw| pole_radius(bw, sample_rate)),
            formant_k: glide(FORMANT_GLIDE_MS),
            amp_k: glide(AMP_GLIDE_MS),
            formants: SCHWA,
            voice: 0.0,
            noise: 0.0,
            glottal: 0,
            cascade: Default::default(),
            hiss: Resonator::default(),
            hiss_gain: 0.0,
            hiss_target: 0.0,
            rng: Rng::new(0x5eec_4000 ^ total),
        };
        speech.set_hiss();
        speech
    }

    /// Frames left of a one-shot utterance, `None` when looped.
    pub fn remaining(&self) -> Option<u64> {
        if self.looped {
            None
        } else {
            Some(self.total - self.pos)
        }
    }

    fn set_hiss(&mut self) {
        let t = self.segments[self.seg].target;
        if t.noise == 0.0 {
            // Nothing to hiss: keep the filter of the last noise while its tail fades (retuning a ringing
            // filter, or jumping its gain, would click).
            return;
        }
        let centre = cos_of(t.noise_hz, self.inv_rate);
        self.hiss.set(centre, pole_radius(t.noise_bw, self.rate));
        // Peak at unity: a hiss's level then depends on its bandwidth, not on where the clamp to Nyquist put it.
        self.hiss_target = NOISE_GAIN / self.hiss.peak_gain(centre);
    }

    /// Writes the next frames (silence after a one-shot's end); false once a one-shot has ended.
    pub fn render(&mut self, out: &mut [f32]) -> bool {
        for o in out.iter_mut() {
            if self.pos >= self.total {
                if !self.looped {
                    *o = 0.0;
                    continue;
                }
                self.pos = 0;
                self.seg = 0;
                self.set_hiss();
            }
            *o = self.tick();
            self.pos += 1;
        }
        self.looped || self.pos < self.total
    }

    /// The next frame of the speech, looped whatever `looped` says (the talker reads frame by frame).
    #[inline]
    pub fn next_frame(&mut self) -> f32 {
        if self.pos >= self.total {
            self.pos = 0;
            self.seg = 0;
            self.set_hiss();
        }
        let y = self.tick();
        self.pos += 1;
        y
    }

    /// Frames of one pass of the text: 400 ms per word, at least one word.
    pub fn text_frames(&self) -> u64 {
        self.total
    }

    /// Frames of one word at this sample rate (400 ms).
    pub fn word_frames(&self) -> u64 {
        frames_for_ms(WORD_MS, self.rate)
    }

    /// Continues from frame `frame` of the text (modulo its length; 0 when it has none). The voice's smoothed
    /// parameters and oscillators carry on from where they were, so a jump is not a click once faded (the
    /// talker fades each of its stretches in). Allocation-free: the talker seeks while rendering.
    pub fn seek(&mut self, frame: u64) {
        self.pos = frame.checked_rem(self.total).unwrap_or(0);
        // The segment that covers `pos`: the last one starting at or before it (the first starts at 0).
        self.seg = self
            .segments
            .partition_point(|s| s.start <= self.pos)
            .saturating_sub(1);
        self.set_hiss();
    }

    /// One frame at `self.pos`.
    #[inline]
    // Compare/select, not f32::clamp: it does not vectorise in wasm (the crate's rule for every kernel).
    #[allow(clippy::manual_clamp)]
    fn tick(&mut self) -> f32 {
        while self.seg + 1 < self.segments.len() && self.segments[self.seg + 1].start <= self.pos {
            self.seg += 1;
            self.set_hiss();
        }
        let s = self.segments[self.seg];
        let target = s.target.formants.unwrap_or(SCHWA);
        for (f, t) in self.formants.iter_mut().zip(target) {
            *f += (t - *f) * self.formant_k;
        }
        // The filters follow the gliding formants every 8th frame (of the text, so any block split agrees):
        // the glide is far slower than that, and the cosines are most of the synthesiser's cost.
        if self.pos & 7 == 0 {
            for ((r, f), radius) in self.cascade.iter_mut().zip(self.formants).zip(self.rates) {
                r.set(cos_of(f, self.inv_rate), radius);
            }
        }
        self.voice = glide(self.voice, s.target.voice, self.amp_k);
        self.noise = glide(self.noise, s.target.noise, self.amp_k);
        self.hiss_gain = glide(self.hiss_gain, self.hiss_target, self.amp_k);

        // Glottal sawtooth, zero mean, its pitch falling across the word.
        let f0 = s.f0 + s.f0_slope * (self.pos - s.start) as f32;
        self.glottal = self
            .glottal
            .wrapping_add((f0 * self.inv_rate * 4_294_967_296.0) as u32);
        let saw = 0.5 - self.glottal as f32 * (1.0 / 4_294_967_296.0);
        let mut v = saw * self.voice;
        for r in &mut self.cascade {
            v = r.tick(v);
        }
        let n = self.hiss.tick(self.rng.next_f32() * self.noise);
        let y = VOICE_GAIN * v + self.hiss_gain * n;
        // A guard, not a limiter: the gains keep speech far below it.
        if y > 0.95 {
            0.95
        } else if y < -0.95 {
            -0.95
        } else {
            y
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The formant targets of `word`'s segments that are voiced vowels (voice 1.0), in order.
    fn vowels(word: &str) -> Vec<[f32; 3]> {
        let mut segments = Vec::new();
        plan_word(word, 0, 1000, false, &mut segments);
        segments
            .iter()
            .filter(|s| s.target.voice == 1.0)
            .map(|s| s.target.formants.unwrap())
            .collect()
    }

    #[test]
    fn letters_become_vowel_targets() {
        assert_eq!(vowels("see"), vec![IY]);
        assert_eq!(
            vowels("the"),
            vec![IY],
            "a final e after a consonant is long"
        );
        assert_eq!(vowels("now"), vec![AA, UW], "ow glides");
        assert_eq!(vowels("her"), vec![ER]);
        // "welcome": the final e is silent, so two vowels remain.
        assert_eq!(vowels("welcome").len(), 2);
        assert_eq!(
            vowels("42"),
            vec![[570.0, 840.0, 2410.0], UW],
            "digits are spoken by name: for-too"
        );
        assert_eq!(
            vowels("!?"),
            vec![SCHWA],
            "a word with no letters still sounds"
        );
    }

    #[test]
    fn a_word_fills_its_sound_then_falls_silent() {
        let mut segments = Vec::new();
        plan_word("stop", 100, 2560, true, &mut segments);
        assert_eq!(segments[0].start, 100);
        let last = segments.last().unwrap();
        assert_eq!(last.start, 100 + 2560, "the gap starts when the sound ends");
        assert_eq!(last.target.voice, 0.0);
        assert_eq!(last.target.noise, 0.0);
        assert!(segments.windows(2).all(|w| w[0].start <= w[1].start));
        // Every segment has formants (consonants borrow a vowel's), so the filters always have a target.
        assert!(segments.iter().all(|s| s.target.formants.is_some()));
    }
}
