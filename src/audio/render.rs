//! Rendering a [`Score`]: every command scheduled on a [`Player`], then block after block until the run's end,
//! copying out what the chosen listeners hear and what each recording captures. This is the loop the browser's
//! worklet runs (schedule, `render_block`, read outputs), so a browser render of the same score matches bit for
//! bit.

use super::score::{LegSelection, RecordingTarget, Score};
use conflab_mixer::{Config, Player};
use std::fmt;

/// The sound of one score.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rendered {
    /// Each recording's samples (`RE…` id, frames), exactly [`super::RecordingSpan::frames`] long, in the
    /// score's order.
    pub recordings: Vec<(String, Vec<f32>)>,
    /// What each requested selection heard, one per selection, each [`Score::end_frame`] frames long.
    pub hear: Vec<Vec<f32>>,
}

/// Why a score cannot be rendered with a configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderError {
    /// The configuration's rate is not the one the score's frames count at.
    RateMismatch {
        /// The score's rate.
        score: u32,
        /// The configuration's.
        config: u32,
    },
    /// A block of zero frames renders nothing.
    ZeroBlock,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::RateMismatch { score, config } => write!(
                f,
                "the score was built at {score} Hz but the render is configured for {config} Hz; build the \
                 score at the render's rate"
            ),
            RenderError::ZeroBlock => write!(f, "the block length is 0 frames; use 128"),
        }
    }
}

impl std::error::Error for RenderError {}

/// `a + b` clamped to full scale (compare/select, the project's rule for kernels).
#[allow(clippy::manual_clamp)]
fn sum_clamped(a: f32, b: f32) -> f32 {
    let s = a + b;
    if s > 1.0 {
        1.0
    } else if s < -1.0 {
        -1.0
    } else {
        s
    }
}

/// Renders `score` with `config` (its rate must be the score's): the recordings and what each of `hear`
/// heard, from frame 0 to [`Score::end_frame`].
pub fn render(
    score: &Score,
    config: Config,
    hear: &[LegSelection],
) -> Result<Rendered, RenderError> {
    if config.sample_rate != score.sample_rate {
        return Err(RenderError::RateMismatch {
            score: score.sample_rate,
            config: config.sample_rate,
        });
    }
    if config.block == 0 {
        return Err(RenderError::ZeroBlock);
    }
    let end = score.end_frame;
    let mut player = Player::new(config);
    for (frame, command) in &score.commands {
        player.schedule(*frame, command.clone());
    }

    let mut heard: Vec<Vec<f32>> = hear
        .iter()
        .map(|_| Vec::with_capacity(end as usize))
        .collect();
    let mut recorded: Vec<Vec<f32>> = score
        .recordings
        .iter()
        .map(|r| Vec::with_capacity(r.frames() as usize))
        .collect();
    // The mixer may adjust the block (it caps it); the loop follows the block it really renders.
    let block = player.mixer().config().block;
    let silence = vec![0.0f32; block];
    let mut said = vec![0.0f32; block];
    while player.frame() < end {
        let start = player.frame();
        player.render_block();
        let n = block.min((end - start) as usize);
        // Call recordings add what the leg says: the mixer leaves a source leg's voice in its input block.
        for (span, out) in score.recordings.iter().zip(recorded.iter_mut()) {
            if let RecordingTarget::Leg(leg) = span.target
                && span.start <= start
                && start < span.end
            {
                match player.mixer_mut().input_mut(leg) {
                    Some(s) => said[..s.len()].copy_from_slice(s),
                    None => said.fill(0.0),
                }
                let heard = player.mixer().output(leg).unwrap_or(&silence);
                out.extend(
                    heard
                        .iter()
                        .zip(&said)
                        .take(n)
                        .map(|(a, b)| sum_clamped(*a, *b)),
                );
            }
        }
        let mixer = player.mixer();
        for (sel, out) in hear.iter().zip(heard.iter_mut()) {
            let samples = sel
                .leg_at(start)
                .and_then(|leg| mixer.output(leg))
                .unwrap_or(&silence);
            out.extend_from_slice(&samples[..n.min(samples.len())]);
            out.resize(out.len() + n.saturating_sub(samples.len()), 0.0);
        }
        for (span, out) in score.recordings.iter().zip(recorded.iter_mut()) {
            if start < span.start || start >= span.end {
                continue;
            }
            match span.target {
                RecordingTarget::Room(room) => {
                    let samples = mixer.recording(room).unwrap_or(&silence);
                    out.extend_from_slice(&samples[..n.min(samples.len())]);
                }
                RecordingTarget::Leg(_) => {}
            }
        }
    }
    // A recording lasts exactly its span: the blocks it was on are cut or padded to that length (the content
    // starts at the block boundary at or after its start, less than one block late).
    let recordings = score
        .recordings
        .iter()
        .zip(recorded)
        .map(|(span, mut samples)| {
            samples.resize(span.frames() as usize, 0.0);
            (span.id.clone(), samples)
        })
        .collect();
    Ok(Rendered {
        recordings,
        hear: heard,
    })
}
