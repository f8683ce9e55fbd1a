//! A registered clip (Play, wait music from `waitUrl`, leg media `{"file": …}`), and the resampler drivers use to
//! bring a decoded file to the mixer's rate before registering it.

use std::sync::Arc;

/// A clip that plays once or loops. The samples are shared (`Arc`), so many legs playing one file cost no copy.
#[derive(Clone, Debug)]
pub struct Pcm {
    samples: Arc<[f32]>,
    looped: bool,
    pos: usize,
}

impl Pcm {
    /// Plays `samples` (already at the mixer's rate); an empty clip is silence (and a one-shot ends at once).
    pub fn new(samples: Arc<[f32]>, looped: bool) -> Self {
        Pcm {
            samples,
            looped,
            pos: 0,
        }
    }

    /// Frames left of a one-shot clip, `None` for a looped one.
    pub fn remaining(&self) -> Option<u64> {
        if self.looped {
            None
        } else {
            Some((self.samples.len() - self.pos) as u64)
        }
    }

    /// Writes the next frames (silence after a one-shot's end); false once a one-shot has ended.
    pub fn render(&mut self, out: &mut [f32]) -> bool {
        let len = self.samples.len();
        let mut done = 0;
        while done < out.len() {
            if self.pos >= len {
                if self.looped && len > 0 {
                    self.pos = 0;
                } else {
                    out[done..].fill(0.0);
                    break;
                }
            }
            let n = (out.len() - done).min(len - self.pos);
            out[done..done + n].copy_from_slice(&self.samples[self.pos..self.pos + n]);
            self.pos += n;
            done += n;
        }
        self.looped || self.pos < len
    }
}

/// Resamples mono `samples` from `from_rate` to `to_rate` by linear interpolation. Deterministic: each output
/// frame's source position is an exact rational (integer arithmetic), so native and wasm agree bit for bit. The
/// result has `round(len · to / from)` frames; a zero rate gives an empty clip. Meant for speech and prompts
/// (linear interpolation does not band-limit a downsampling, which is audible only on bright music).
pub fn resample_linear(samples: &[f32], from_rate: u32, to_rate: u32) -> Vec<f32> {
    if from_rate == 0 || to_rate == 0 || samples.is_empty() {
        return Vec::new();
    }
    if from_rate == to_rate {
        return samples.to_vec();
    }
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
