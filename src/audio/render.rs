//! Rendering a [`Score`]: every command scheduled on a [`Player`], then block after block until the run's end,
//! copying out what the chosen listeners hear and what each recording captures. This is the loop the browser's
//! worklet runs (schedule, `render_block`, read outputs), so a browser render of the same score matches bit for
//! bit.

use super::score::{LegSelection, RecordingTarget, Score};
use conflab_mixer::source::Source;
use conflab_mixer::{Command, Config, PcmId, Player, SourceSpec};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

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

/// A call recording's second source: the leg's own voice, run alongside the mixer from the leg's `AddLeg`
/// (the mixer exposes what a leg hears, not what it says).
struct Voice {
    source: Source,
    buf: Vec<f32>,
}

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

    // Call recordings need each recorded leg's voice: its AddLeg frame and input, and the clips it may play.
    let recorded_legs: Vec<_> = score
        .recordings
        .iter()
        .filter_map(|r| match r.target {
            RecordingTarget::Leg(leg) => Some(leg),
            RecordingTarget::Room(_) => None,
        })
        .collect();
    let mut clips: BTreeMap<PcmId, Arc<[f32]>> = BTreeMap::new();
    let mut voice_starts: Vec<(u64, conflab_mixer::LegId, SourceSpec)> = Vec::new();
    if !recorded_legs.is_empty() {
        for (frame, command) in &score.commands {
            match command {
                Command::LoadPcm { pcm, samples } => {
                    clips.insert(*pcm, Arc::from(samples.as_slice()));
                }
                Command::AddLeg { leg, input } if recorded_legs.contains(leg) => {
                    voice_starts.push((*frame, *leg, input.clone()));
                }
                _ => {}
            }
        }
    }
    let mut voices: BTreeMap<conflab_mixer::LegId, Voice> = BTreeMap::new();

    let mut heard: Vec<Vec<f32>> = hear
        .iter()
        .map(|_| Vec::with_capacity(end as usize))
        .collect();
    let mut recorded: Vec<Vec<f32>> = score
        .recordings
        .iter()
        .map(|r| Vec::with_capacity(r.frames() as usize))
        .collect();
    let block = config.block;
    let silence = vec![0.0f32; block];
    while player.frame() < end {
        let start = player.frame();
        // Voices start at the same block boundary as their legs.
        for (frame, leg, spec) in &voice_starts {
            if *frame <= start && !voices.contains_key(leg) {
                let lookup = |pcm: PcmId| clips.get(&pcm).cloned();
                voices.insert(
                    *leg,
                    Voice {
                        source: Source::new(spec, config.sample_rate, &lookup),
                        buf: vec![0.0; block],
                    },
                );
            }
        }
        player.render_block();
        for v in voices.values_mut() {
            v.source.render(&mut v.buf);
        }
        let n = block.min((end - start) as usize);
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
                RecordingTarget::Leg(leg) => {
                    let heard = mixer.output(leg).unwrap_or(&silence);
                    let said = voices.get(&leg).map_or(&silence[..], |v| &v.buf[..]);
                    out.extend(
                        heard
                            .iter()
                            .zip(said)
                            .take(n)
                            .map(|(a, b)| sum_clamped(*a, *b)),
                    );
                }
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
