//! Turning a conference into sound: the engine's media changes become frame-stamped mixer commands
//! ([`Translator`]), a whole scenario run becomes a [`Score`], and a score is rendered block by block through
//! [`conflab_mixer::Player`] ([`render`]) into recordings and what chosen phones hear, which [`wav`] encodes.
//!
//! Pure and sans-IO like the rest of the core: no file is read or written here (the native CLI reads phone
//! media files and writes the WAVs; the browser decodes and downloads them), so the same code builds for
//! wasm32 and the browser's render of a score is the native one, bit for bit.
//!
//! Time: the engine's virtual milliseconds become frames as `at_ms × sample_rate / 1000` (integer division);
//! the player applies a command at the first block boundary at or after its frame.

pub mod chime;
pub mod cues;
pub mod files;
pub mod live;
pub mod render;
pub mod score;
pub mod translate;
pub mod voice;
pub mod wav;

pub use files::MediaFiles;
pub use render::{RenderError, Rendered, render};
pub use score::{LegSelection, RecordingSpan, RecordingTarget, Score, ScoreBuilder, Segment};
pub use translate::Translator;

/// The sample rate `conflab run` renders at unless `--sample-rate` says otherwise: 16 kHz ("wideband" telephony)
/// carries speech, the 1 kHz beep and the wait music well and costs a third of 48 kHz.
pub const DEFAULT_SAMPLE_RATE: u32 = 16_000;

/// The frame at which something that happens at virtual time `at_ms` takes effect: `at_ms × rate / 1000`,
/// rounded down (saturating instead of overflowing).
pub fn frame_of(at_ms: u64, sample_rate: u32) -> u64 {
    let f = u128::from(at_ms) * u128::from(sample_rate) / 1000;
    u64::try_from(f).unwrap_or(u64::MAX)
}
