//! The default wait music: pleasant, procedural and ours (no file, no licence). A four-chord progression in a
//! major key, held by a soft pad with a bass note, under an arpeggio of plucked notes, all from the seed (key,
//! progression, tempo, arpeggio pattern). About −18 dBFS RMS, continuous and click-free: every note starts and
//! ends on a raised-cosine or decaying envelope, and an oscillator only changes pitch while it is silent.

use super::fade::raised_cosine;
use super::frames_for_ms;
use crate::dsp::{Rng, exp, exp_f64, phase_step, sin_phase};

/// Chords as semitones above the key's tonic: I, ii, iii, IV, V, vi.
const CHORDS: [[i32; 3]; 6] = [
    [0, 4, 7],
    [2, 5, 9],
    [4, 7, 11],
    [5, 9, 12],
    [7, 11, 14],
    [9, 12, 16],
];
/// Progressions as indices into [`CHORDS`] (the familiar ones: they sound calm on a loop).
const PROGRESSIONS: [[usize; 4]; 5] = [
    [0, 4, 5, 3],
    [0, 5, 3, 4],
    [5, 3, 0, 4],
    [0, 3, 5, 4],
    [1, 4, 0, 5],
];
/// Arpeggio patterns: indices into the chord's notes (3 is the root an octave up), `None` a rest.
const PATTERNS: [[Option<u8>; 8]; 4] = [
    [
        Some(0),
        Some(1),
        Some(2),
        Some(1),
        Some(0),
        Some(1),
        Some(2),
        Some(1),
    ],
    [
        Some(0),
        Some(2),
        Some(1),
        Some(3),
        Some(2),
        Some(1),
        None,
        Some(1),
    ],
    [
        Some(0),
        Some(1),
        Some(2),
        Some(3),
        Some(2),
        Some(1),
        Some(0),
        None,
    ],
    [
        Some(2),
        Some(1),
        Some(0),
        Some(1),
        Some(3),
        None,
        Some(2),
        Some(1),
    ],
];
/// Arpeggio steps per chord.
const STEPS: u64 = 8;
/// Pad, bass and arpeggio levels, and the master gain (tuned so the music measures about −18 dBFS RMS).
const PAD_AMP: f32 = 0.30;
const BASS_AMP: f32 = 0.45;
const ARP_AMP: f32 = 0.38;
const MASTER: f32 = 0.245;
/// Arpeggio voices: a note rings for this many steps before its voice is reused (its release ends first).
const ARP_VOICES: usize = 3;
/// Arpeggio decay time constant and final release.
const ARP_DECAY_MS: f32 = 300.0;
const ARP_ATTACK_MS: u64 = 8;
const ARP_RELEASE_MS: u64 = 40;

/// Frequency of MIDI note `m`: 440·2^((m − 69)/12), by the deterministic `exp`.
fn midi_hz(m: i32) -> f32 {
    (440.0 * exp_f64((m - 69) as f64 / 12.0 * core::f64::consts::LN_2)) as f32
}

/// A soft tone: the fundamental with a little second harmonic.
#[inline]
fn soft(phase: u32) -> f32 {
    sin_phase(phase) + 0.2 * sin_phase(phase.wrapping_mul(2))
}

/// A bank of pad voices (three chord notes and a bass) playing one chord at a time; two banks cross-fade.
#[derive(Clone, Debug, Default)]
struct Bank {
    phases: [u32; 4],
    steps: [u32; 4],
}

/// One plucked arpeggio voice.
#[derive(Clone, Debug, Default)]
struct Pluck {
    phase: u32,
    step: u32,
    /// Frames since the note started, and the decay so far (multiplied each frame).
    age: u64,
    decay: f32,
    on: bool,
}

/// The running music.
pub struct Music {
    /// Per chord of the progression: pad+bass steps and the arpeggio's four note steps.
    pad_steps: [[u32; 4]; 4],
    arp_steps: [[u32; 4]; 4],
    patterns: [[Option<u8>; 8]; 2],
    step_frames: u64,
    chord_frames: u64,
    xfade: u64,
    life: u64,
    attack: u64,
    release: u64,
    decay_k: f32,
    /// Where the music is: the chord's index and the frame within it, the arpeggio note's index and the frame
    /// within its step (counters, not divisions of a frame number: a 64-bit division per frame is costly).
    chord: u64,
    at: u64,
    note: u64,
    step_at: u64,
    banks: [Bank; 2],
    plucks: [Pluck; ARP_VOICES],
}

impl Music {
    /// Music from `seed` at `sample_rate`.
    pub fn new(seed: u64, sample_rate: u32) -> Self {
        let mut rng = Rng::new(seed ^ 0x6d75_7369_6300_0000);
        let tonic = 50 + rng.range_u32(0, 7) as i32; // D3 … A3
        let progression = PROGRESSIONS[rng.range_u32(0, PROGRESSIONS.len() as u32 - 1) as usize];
        let first = rng.range_u32(0, PATTERNS.len() as u32 - 1) as usize;
        let second =
            (first + 1 + rng.range_u32(0, PATTERNS.len() as u32 - 2) as usize) % PATTERNS.len();
        let step_ms = rng.range_u32(260, 340) as u64;

        let mut pad_steps = [[0; 4]; 4];
        let mut arp_steps = [[0; 4]; 4];
        for (k, &c) in progression.iter().enumerate() {
            let chord = CHORDS[c];
            // Pad notes folded into the octave above the tonic (close voicing, little movement).
            for (v, &semi) in chord.iter().enumerate() {
                let note = tonic + 12 + semi % 12;
                pad_steps[k][v] = phase_step(midi_hz(note), sample_rate);
                arp_steps[k][v] = phase_step(midi_hz(note + 12), sample_rate);
            }
            pad_steps[k][3] = phase_step(midi_hz(tonic - 12 + chord[0] % 12), sample_rate);
            arp_steps[k][3] = phase_step(midi_hz(tonic + 24 + chord[0] % 12), sample_rate);
        }
        // At least one frame per step, so even an absurd sample rate cannot divide by zero.
        let step_frames = frames_for_ms(step_ms, sample_rate).max(1);
        let chord_frames = STEPS * step_frames;
        Music {
            pad_steps,
            arp_steps,
            patterns: [PATTERNS[first], PATTERNS[second]],
            step_frames,
            chord_frames,
            xfade: chord_frames / 4,
            life: ARP_VOICES as u64 * step_frames,
            attack: frames_for_ms(ARP_ATTACK_MS, sample_rate),
            release: frames_for_ms(ARP_RELEASE_MS, sample_rate),
            decay_k: exp(-1000.0 / (ARP_DECAY_MS * sample_rate as f32)),
            chord: 0,
            at: 0,
            note: 0,
            step_at: 0,
            banks: Default::default(),
            plucks: Default::default(),
        }
    }

    /// Writes the next frames.
    pub fn render(&mut self, out: &mut [f32]) {
        for o in out.iter_mut() {
            *o = MASTER * (self.pad_frame() + self.arp_frame());
            self.at += 1;
            if self.at == self.chord_frames {
                self.at = 0;
                self.chord += 1;
            }
            self.step_at += 1;
            if self.step_at == self.step_frames {
                self.step_at = 0;
                self.note += 1;
            }
        }
    }

    /// The pad: chord `c` sounds on bank `c % 2` from `c·L` to `(c+1)·L + X`, fading in over its first `X`
    /// frames and out over its last, so consecutive chords cross-fade with constant level.
    #[inline]
    fn pad_frame(&mut self) -> f32 {
        let (chord, at) = (self.chord, self.at);
        let mut sum = 0.0;
        for (b, bank) in self.banks.iter_mut().enumerate() {
            let mine = chord % 2 == b as u64;
            // The bank playing the current chord; the other one may still be fading out the previous chord.
            let gain = if mine {
                if at == 0 {
                    // Silent here (the previous use of this bank faded out a chord ago): change the notes.
                    bank.steps = self.pad_steps[(chord % 4) as usize];
                }
                raised_cosine(at, self.xfade)
            } else if chord > 0 && at < self.xfade {
                raised_cosine(self.xfade - 1 - at, self.xfade)
            } else {
                0.0
            };
            if gain > 0.0 {
                let mut v = 0.0;
                for i in 0..3 {
                    v += PAD_AMP * soft(bank.phases[i]);
                }
                v += BASS_AMP * soft(bank.phases[3]);
                sum += gain * v;
            }
            for i in 0..4 {
                bank.phases[i] = bank.phases[i].wrapping_add(bank.steps[i]);
            }
        }
        sum
    }

    /// The arpeggio: note `n` starts at `n·S` on voice `n % 3`, rises over a few ms, decays, and is released
    /// to silence before its voice starts the next note.
    #[inline]
    fn arp_frame(&mut self) -> f32 {
        if self.step_at == 0 {
            let n = self.note;
            let chord = (n / STEPS) % 4;
            let pattern = &self.patterns[((n / (STEPS * 4)) % 2) as usize];
            let voice = &mut self.plucks[(n % ARP_VOICES as u64) as usize];
            match pattern[(n % STEPS) as usize] {
                Some(i) => {
                    *voice = Pluck {
                        phase: 0,
                        step: self.arp_steps[chord as usize][i as usize],
                        age: 0,
                        decay: 1.0,
                        on: true,
                    };
                }
                None => voice.on = false,
            }
        }
        let mut sum = 0.0;
        for p in &mut self.plucks {
            if !p.on {
                continue;
            }
            if p.age >= self.life {
                p.on = false;
                continue;
            }
            let attack = raised_cosine(p.age, self.attack);
            let release = raised_cosine(self.life - 1 - p.age, self.release);
            sum += ARP_AMP * attack * release * p.decay * soft(p.phase);
            p.phase = p.phase.wrapping_add(p.step);
            p.decay *= self.decay_k;
            p.age += 1;
        }
        sum
    }
}
