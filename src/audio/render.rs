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

/// Where a streaming render ([`render_into`]) puts the sound, block by block, as it is rendered: nothing of the
/// run is held, so memory does not grow with the run's length.
pub trait Sink {
    /// What stops the render (a file that cannot be written); a [`RenderError`] converts into it.
    type Error: From<RenderError>;
    /// The next `samples` of what listener `index` (of the `hear` selections) hears.
    fn heard(&mut self, index: usize, samples: &[f32]) -> Result<(), Self::Error>;
    /// The next `samples` of recording `index` (of [`Score::recordings`]). In total a recording gets exactly its
    /// span's frames (cut to the render's end), then [`Sink::recording_done`].
    fn recorded(&mut self, index: usize, samples: &[f32]) -> Result<(), Self::Error>;
    /// Recording `index` has all its samples.
    fn recording_done(&mut self, index: usize) -> Result<(), Self::Error>;
}

/// Renders `score` with `config` (its rate must be the score's): the recordings and what each of `hear`
/// heard, from frame 0 to [`Score::end_frame`], collected in memory (the browser's "Hear as" and the tests;
/// a file writer uses [`render_into`]).
pub fn render(
    score: &Score,
    config: Config,
    hear: &[LegSelection],
) -> Result<Rendered, RenderError> {
    let mut collect = Collect {
        heard: hear.iter().map(|_| Vec::new()).collect(),
        recorded: score.recordings.iter().map(|_| Vec::new()).collect(),
    };
    render_into(score, config, hear, score.end_frame, &mut collect)?;
    let recordings = score
        .recordings
        .iter()
        .zip(collect.recorded)
        .map(|(span, samples)| (span.id.clone(), samples))
        .collect();
    Ok(Rendered {
        recordings,
        hear: collect.heard,
    })
}

/// [`render`]'s sink: everything in memory.
struct Collect {
    heard: Vec<Vec<f32>>,
    recorded: Vec<Vec<f32>>,
}

impl Sink for Collect {
    type Error = RenderError;
    fn heard(&mut self, index: usize, samples: &[f32]) -> Result<(), RenderError> {
        self.heard[index].extend_from_slice(samples);
        Ok(())
    }
    fn recorded(&mut self, index: usize, samples: &[f32]) -> Result<(), RenderError> {
        self.recorded[index].extend_from_slice(samples);
        Ok(())
    }
    fn recording_done(&mut self, _: usize) -> Result<(), RenderError> {
        Ok(())
    }
}

/// Renders `score` with `config` from frame 0 to `end` (at most [`Score::end_frame`]) into `sink`, block by
/// block: what each of `hear` heard (`end` frames each) and each recording (its span's frames, cut at `end`).
/// The samples are [`render`]'s, bit for bit.
pub fn render_into<S: Sink>(
    score: &Score,
    config: Config,
    hear: &[LegSelection],
    end: u64,
    sink: &mut S,
) -> Result<(), S::Error> {
    if config.sample_rate != score.sample_rate {
        return Err(RenderError::RateMismatch {
            score: score.sample_rate,
            config: config.sample_rate,
        }
        .into());
    }
    if config.block == 0 {
        return Err(RenderError::ZeroBlock.into());
    }
    let end = end.min(score.end_frame);
    let mut player = Player::new(config);
    for (frame, command) in &score.commands {
        player.schedule(*frame, command.clone());
    }
    // Each recording's length (its span cut at the render's end), how much it has had, and whether it is done.
    let wanted: Vec<u64> = score
        .recordings
        .iter()
        .map(|r| r.end.min(end).saturating_sub(r.start))
        .collect();
    let mut given = vec![0u64; score.recordings.len()];
    let mut done = vec![false; score.recordings.len()];
    // The mixer may adjust the block (it caps it); the loop follows the block it really renders.
    let block = player.mixer().config().block;
    let silence = vec![0.0f32; block];
    let mut said = vec![0.0f32; block];
    let mut mixed = vec![0.0f32; block];
    while player.frame() < end {
        let start = player.frame();
        player.render_block();
        let n = block.min((end - start) as usize);
        let mixer = player.mixer();
        for (i, sel) in hear.iter().enumerate() {
            let samples = sel
                .leg_at(start)
                .and_then(|leg| mixer.output(leg))
                .unwrap_or(&silence);
            let have = n.min(samples.len());
            sink.heard(i, &samples[..have])?;
            if have < n {
                sink.heard(i, &silence[..n - have])?;
            }
        }
        for (i, span) in score.recordings.iter().enumerate() {
            if done[i] || start < span.start {
                continue;
            }
            // The span ended (or the recording is full): its last samples are silence up to its length.
            let room = (wanted[i] - given[i]) as usize;
            if start >= span.end || room == 0 {
                finish_recording(sink, i, wanted[i] - given[i], &silence)?;
                given[i] = wanted[i];
                done[i] = true;
                continue;
            }
            let take = n.min(room);
            match span.target {
                // Call recordings add what the leg says: the mixer leaves a source leg's voice in its input block.
                RecordingTarget::Leg(leg) => {
                    match player.mixer_mut().input_mut(leg) {
                        Some(s) => said[..s.len()].copy_from_slice(s),
                        None => said.fill(0.0),
                    }
                    let heard = player.mixer().output(leg).unwrap_or(&silence);
                    let k = take.min(heard.len());
                    for ((m, a), b) in mixed.iter_mut().zip(heard).zip(&said).take(k) {
                        *m = sum_clamped(*a, *b);
                    }
                    sink.recorded(i, &mixed[..k])?;
                    given[i] += k as u64;
                }
                RecordingTarget::Room(room) => {
                    let samples = player.mixer().recording(room).unwrap_or(&silence);
                    let k = take.min(samples.len());
                    sink.recorded(i, &samples[..k])?;
                    given[i] += k as u64;
                }
            }
        }
    }
    // A recording lasts exactly its span: the blocks it was on are cut or padded to that length (the content
    // starts at the block boundary at or after its start, less than one block late).
    for i in 0..score.recordings.len() {
        if !done[i] {
            finish_recording(sink, i, wanted[i] - given[i], &silence)?;
        }
    }
    Ok(())
}

/// Pads recording `index` with `frames` of silence and tells the sink it is done.
fn finish_recording<S: Sink>(
    sink: &mut S,
    index: usize,
    mut frames: u64,
    silence: &[f32],
) -> Result<(), S::Error> {
    while frames > 0 {
        let n = frames.min(silence.len() as u64) as usize;
        sink.recorded(index, &silence[..n])?;
        frames -= n as u64;
    }
    sink.recording_done(index)
}
