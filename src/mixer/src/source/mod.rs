//! Running sources: what a [`crate::SourceSpec`] becomes when a command is applied. Rendering a block never
//! allocates; building a source may.
//!
//! Every source is a pure function of its spec, the sample rate and the number of frames rendered so far: all
//! state advances per frame, so rendering in blocks of 1, 128 or 480 frames gives the same samples, and the same
//! seed gives the same sound natively and in wasm (only [`crate::dsp`] math).
//!
//! One-shot sources (a non-looped clip or speech, beep, DTMF) have an exact length in frames: `ms · rate / 1000`
//! rounded to the nearest frame, so they end where the engine's timers say they do.

pub mod beep;
pub mod dtmf;
pub mod fade;
pub mod music;
pub mod pcm;
pub mod resonator;
pub mod speech;
pub mod talker;
pub mod tone;

use crate::command::{PcmId, SourceSpec};

pub use pcm::{Clip, resample_linear};

/// `ms` milliseconds in frames at `sample_rate`, rounded to the nearest frame (exact for the usual rates).
pub fn frames_for_ms(ms: u64, sample_rate: u32) -> u64 {
    (ms * sample_rate as u64 + 500) / 1000
}

/// What is running.
enum Kind {
    Silence,
    External,
    Tone(tone::Tone),
    Pcm(pcm::Pcm),
    Speech(Box<speech::Speech>),
    Talker(Box<talker::Talker>),
    Music(Box<music::Music>),
    Beep(beep::Beep),
    Dtmf(dtmf::Dtmf),
}

/// A source that is playing.
pub struct Source {
    kind: Kind,
}

impl Source {
    /// Builds the running source for `spec` at `sample_rate`. `pcm` resolves [`SourceSpec::Pcm`] clips, each
    /// at its own rate (`None` for an unknown clip: it plays silence, and a one-shot ends at once).
    pub fn new(spec: &SourceSpec, sample_rate: u32, pcm: &dyn Fn(PcmId) -> Option<Clip>) -> Source {
        let kind = match spec {
            SourceSpec::Silence => Kind::Silence,
            SourceSpec::External => Kind::External,
            SourceSpec::Tone { hz } => Kind::Tone(tone::Tone::new(*hz, sample_rate)),
            SourceSpec::Pcm { pcm: id, looped } => {
                let clip = pcm(*id).unwrap_or_else(|| Clip::new(Vec::new(), sample_rate));
                Kind::Pcm(pcm::Pcm::new(clip, sample_rate, *looped))
            }
            SourceSpec::Speech { text, looped } => {
                Kind::Speech(Box::new(speech::Speech::new(text, *looped, sample_rate)))
            }
            SourceSpec::Talker {
                seed,
                talk_ms,
                silence_ms,
                text,
            } => Kind::Talker(Box::new(talker::Talker::new(
                *seed,
                *talk_ms,
                *silence_ms,
                text,
                sample_rate,
            ))),
            SourceSpec::Music { seed } => {
                Kind::Music(Box::new(music::Music::new(*seed, sample_rate)))
            }
            SourceSpec::Beep { hz, ms } => Kind::Beep(beep::Beep::new(*hz, *ms, sample_rate)),
            SourceSpec::Dtmf { digits, slot_ms } => {
                Kind::Dtmf(dtmf::Dtmf::with_slot(digits, *slot_ms, sample_rate))
            }
        };
        Source { kind }
    }

    /// Writes the next `out.len()` frames (overwriting `out`). Returns false once a one-shot source has ended:
    /// `out` then holds its last frames followed by silence, so mix `out` either way and drop the source after.
    /// A source that runs forever always returns true. [`crate::SourceSpec::External`] writes silence (the mixer
    /// copies the driver's frames itself).
    pub fn render(&mut self, out: &mut [f32]) -> bool {
        match &mut self.kind {
            Kind::Silence | Kind::External => {
                out.fill(0.0);
                true
            }
            Kind::Tone(t) => {
                t.render(out);
                true
            }
            Kind::Pcm(p) => p.render(out),
            Kind::Speech(s) => s.render(out),
            Kind::Talker(t) => {
                t.render(out);
                true
            }
            Kind::Music(m) => {
                m.render(out);
                true
            }
            Kind::Beep(b) => b.render(out),
            Kind::Dtmf(d) => d.render(out),
        }
    }

    /// Frames left for a one-shot source, `None` while it runs forever (looped, tone, music, talker, external,
    /// silence). It counts down to `Some(0)`, after which [`Source::render`] returns false.
    pub fn remaining(&self) -> Option<u64> {
        match &self.kind {
            Kind::Silence | Kind::External | Kind::Tone(_) | Kind::Talker(_) | Kind::Music(_) => {
                None
            }
            Kind::Pcm(p) => p.remaining(),
            Kind::Speech(s) => s.remaining(),
            Kind::Beep(b) => Some(b.remaining()),
            Kind::Dtmf(d) => Some(d.remaining()),
        }
    }

    /// True for [`crate::SourceSpec::External`]: the mixer fills this leg's input from the driver instead.
    pub fn is_external(&self) -> bool {
        matches!(self.kind, Kind::External)
    }
}
