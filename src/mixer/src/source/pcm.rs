//! A registered clip (Play, wait music from `waitUrl`, leg media `{"file": …}`), kept at its own sample rate and
//! resampled to the mixer's as it plays, so an 8 kHz file costs its own samples, not six times as many at 48 kHz.

use std::sync::Arc;

/// A clip's samples at their own rate, as [`crate::Command::LoadPcm`] registers them. The samples are shared
/// (`Arc`), so many legs playing one file cost no copy.
#[derive(Clone, Debug, PartialEq)]
pub struct Clip {
    samples: Arc<[f32]>,
    rate: u32,
}

impl Clip {
    /// Mono `samples` at `rate` Hz (a zero rate, like an empty clip, plays as silence).
    pub fn new(samples: impl Into<Arc<[f32]>>, rate: u32) -> Self {
        Clip {
            samples: samples.into(),
            rate,
        }
    }

    /// The samples held, at [`Clip::rate`].
    pub fn samples(&self) -> &[f32] {
        &self.samples
    }

    /// Their sample rate.
    pub fn rate(&self) -> u32 {
        self.rate
    }
}

/// A clip that plays once or loops, at the mixer's rate. Output frame `i` of a pass is the clip at source
/// position `i · from / to` (an exact rational: integer arithmetic), linearly interpolated, and a pass has
/// `round(len · to / from)` frames: the same bits as [`resample_linear`] over the whole clip, computed a block
/// at a time without allocating.
#[derive(Clone, Debug)]
pub struct Pcm {
    samples: Arc<[f32]>,
    /// The clip's rate.
    from: u64,
    /// The mixer's rate.
    to: u64,
    /// Output frames in one pass (0: silence).
    frames: u64,
    looped: bool,
    /// The next output frame of the pass.
    pos: u64,
}

impl Pcm {
    /// Plays `clip` at `to_rate`; an empty clip or a zero rate is silence (and a one-shot ends at once).
    pub fn new(clip: Clip, to_rate: u32, looped: bool) -> Self {
        let (from, to) = (u64::from(clip.rate), u64::from(to_rate));
        let frames = out_frames(clip.samples.len(), from, to);
        Pcm {
            samples: clip.samples,
            from,
            to,
            frames,
            looped,
            pos: 0,
        }
    }

    /// Frames left of a one-shot clip, `None` for a looped one.
    pub fn remaining(&self) -> Option<u64> {
        if self.looped {
            None
        } else {
            Some(self.frames - self.pos)
        }
    }

    /// Writes the next frames (silence after a one-shot's end); false once a one-shot has ended.
    pub fn render(&mut self, out: &mut [f32]) -> bool {
        let mut done = 0;
        while done < out.len() {
            if self.pos >= self.frames {
                if self.looped && self.frames > 0 {
                    self.pos = 0;
                } else {
                    out[done..].fill(0.0);
                    break;
                }
            }
            let n = ((out.len() - done) as u64).min(self.frames - self.pos) as usize;
            self.fill(&mut out[done..done + n]);
            self.pos += n as u64;
            done += n;
        }
        self.looped || self.pos < self.frames
    }

    /// Writes output frames `pos .. pos + out.len()` of the pass (all within it).
    fn fill(&self, out: &mut [f32]) {
        let samples = &self.samples[..];
        if self.from == self.to {
            // The samples themselves, as `resample_linear` copies them (interpolating by 0 could turn −0.0 to 0.0).
            let start = self.pos as usize;
            out.copy_from_slice(&samples[start..start + out.len()]);
            return;
        }
        let (from, to) = (self.from, self.to);
        let last = samples.len() - 1;
        // Source position · to = i · from, split into whole frames and the remainder, stepped frame by frame.
        let num = self.pos * from;
        let (mut idx, mut rem) = (num / to, num % to);
        let (step_idx, step_rem) = (from / to, from % to);
        for o in out.iter_mut() {
            *o = lerp(samples, last, idx, rem, to);
            idx += step_idx;
            rem += step_rem;
            if rem >= to {
                rem -= to;
                idx += 1;
            }
        }
    }
}

/// Frames of a clip of `len` samples at `from` Hz resampled to `to` Hz: `round(len · to / from)`, 0 for a zero
/// rate.
fn out_frames(len: usize, from: u64, to: u64) -> u64 {
    if from == 0 || to == 0 {
        return 0;
    }
    (len as u64 * to + from / 2) / from
}

/// The sample at source position `idx + rem / to`, linearly interpolated; past the last frame it holds.
#[inline]
fn lerp(samples: &[f32], last: usize, idx: u64, rem: u64, to: u64) -> f32 {
    let frac = rem as f32 / to as f32;
    let (a, b) = if idx < last as u64 {
        let i = idx as usize;
        (samples[i], samples[i + 1])
    } else {
        (samples[last], samples[last])
    };
    a + (b - a) * frac
}

/// Resamples mono `samples` from `from_rate` to `to_rate` by linear interpolation, whole: what [`Pcm`] plays
/// one block at a time (kept as the reference its tests compare against). Deterministic: each output frame's
/// source position is an exact rational (integer arithmetic), so native and wasm agree bit for bit. The result
/// has `round(len · to / from)` frames; a zero rate gives an empty clip. Meant for speech and prompts (linear
/// interpolation does not band-limit a downsampling, which is audible only on bright music).
pub fn resample_linear(samples: &[f32], from_rate: u32, to_rate: u32) -> Vec<f32> {
    if from_rate == 0 || to_rate == 0 || samples.is_empty() {
        return Vec::new();
    }
    if from_rate == to_rate {
        return samples.to_vec();
    }
    // Written out on its own (not through `Pcm`'s helpers), so the tests that compare the two compare two
    // implementations.
    let (from, to) = (from_rate as u64, to_rate as u64);
    let len = samples.len() as u64;
    let out_len = (len * to + from / 2) / from;
    let last = samples.len() - 1;
    (0..out_len)
        .map(|i| {
            let num = i * from; // source position · to
            let idx = (num / to) as usize;
            let frac = (num % to) as f32 / to as f32;
            let a = samples[if idx < last { idx } else { last }];
            let b = samples[if idx < last { idx + 1 } else { last }];
            a + (b - a) * frac
        })
        .collect()
}
