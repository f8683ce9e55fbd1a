//! The per-listener limiter (libwebrtc agc2's limiter is the model): transparent below about −1 dBFS, sub-frame
//! peak envelope, instant attack, about 20 ms release, gain interpolated per sample.
//!
//! How it works, per block:
//! 1. The block is cut into sub-frames of [`Limiter::sub_len`] frames (16 when the block length allows it; the
//!    length is derived from the block at run time, never assumed). Each sub-frame's peak `|x|` is measured —
//!    by the mixer's fused kernel while it writes the output, or by [`Limiter::measure`].
//! 2. Envelope: each sub-frame's peak is raised to the next sub-frame's peak (so a gain decrease starts one
//!    sub-frame early and interpolation cannot miss a sudden rise), then smoothed: a rise is taken at once
//!    (instant attack), a fall decays with the release coefficient `r = e^(−sub_len / (τ·rate))`, τ = 20 ms,
//!    computed once at construction with the deterministic [`crate::dsp::exp`].
//! 3. Gain per sub-frame: 1 while the envelope is at or below [`THRESHOLD`] (−1 dBFS), otherwise
//!    `THRESHOLD / envelope`, so the envelope times its gain never exceeds the threshold.
//! 4. The gain is interpolated linearly, sample by sample, from one sub-frame's gain to the next. Sub-frame `i`
//!    runs from the gain of envelope `i − 1` to the gain of envelope `i`; both envelopes are at least that
//!    sub-frame's peak, so every sample stays at or below the threshold (to a few ulps of rounding). The first
//!    sub-frame of a block starts from the previous block's last gain, or lower when this block needs it at
//!    once (instant attack).
//!
//! Invariants the tests check: a signal whose peaks stay at or below −1 dBFS passes bit-exact (the gain is
//! exactly 1.0 and is not even multiplied in); a +12 dBFS sine never exceeds −1 dBFS by more than rounding;
//! after the loud part stops the gain is back to exactly 1.0 within about 45 ms; the gain never steps, so the
//! output has no discontinuity beyond the signal's own slope.

/// −1 dBFS, `10^(−1/20)`: the largest output peak, and the level below which the limiter is transparent.
pub const THRESHOLD: f32 = 0.891_250_94;

/// The release time constant, in milliseconds.
pub const RELEASE_MS: f64 = 20.0;

/// The preferred sub-frame length; shorter ones are used when the block length is not a multiple of it.
const PREFERRED_SUB_LEN: usize = 16;

/// A limiter's state between blocks (one per listener): small and `Copy`, so a mixer keeps them in a vector.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LimiterState {
    /// The smoothed envelope at the end of the last block.
    env: f32,
    /// The gain applied to the last sample of the last block.
    gain: f32,
}

impl Default for LimiterState {
    fn default() -> Self {
        LimiterState {
            env: 0.0,
            gain: 1.0,
        }
    }
}

impl LimiterState {
    /// The gain at the end of the last block (1.0 while the limiter is transparent).
    pub fn gain(&self) -> f32 {
        self.gain
    }
}

/// The limiter's configuration and its per-block scratch, shared by every listener of a mixer.
#[derive(Clone, Debug)]
pub struct Limiter {
    sub_len: usize,
    /// Release coefficient per sub-frame.
    release: f32,
    /// `j / sub_len` for `j` in `0..sub_len`: the interpolation weights inside a sub-frame.
    weights: Vec<f32>,
    /// Peak of each sub-frame of the block being limited.
    peaks: Vec<f32>,
    /// Gain at the start of each sub-frame, and one more: the gain the next block starts from.
    gains: Vec<f32>,
}

impl Limiter {
    /// A limiter for blocks of `block` frames at `sample_rate`.
    pub fn new(sample_rate: u32, block: usize) -> Limiter {
        let block = block.max(1);
        // The largest power of two up to 16 that divides the block: 16 for 128, 64 and 480; 4 for 100; 1 for
        // a prime length. Every sub-frame then has the same length and the weights are one table.
        let mut sub_len = PREFERRED_SUB_LEN;
        while !block.is_multiple_of(sub_len) {
            sub_len /= 2;
        }
        let subs = block / sub_len;
        let rate = f64::from(sample_rate.max(1));
        let release = crate::dsp::exp_f64(-(sub_len as f64) / (RELEASE_MS / 1000.0 * rate)) as f32;
        let weights = (0..sub_len).map(|j| j as f32 / sub_len as f32).collect();
        Limiter {
            sub_len,
            release,
            weights,
            peaks: vec![0.0; subs],
            gains: vec![1.0; subs + 1],
        }
    }

    /// Frames per sub-frame.
    pub fn sub_len(&self) -> usize {
        self.sub_len
    }

    /// The release coefficient per sub-frame.
    pub fn release(&self) -> f32 {
        self.release
    }

    /// The sub-frame peaks for [`Limiter::limit`], for a kernel that measures them while it writes the block
    /// (one per sub-frame, each the largest `|x|` of its sub-frame).
    pub fn peaks_mut(&mut self) -> &mut [f32] {
        &mut self.peaks
    }

    /// Measures the sub-frame peaks of `block`.
    pub fn measure(&mut self, block: &[f32]) {
        let sub_len = self.sub_len;
        for (sub, p) in block.chunks_exact(sub_len).zip(self.peaks.iter_mut()) {
            *p = peak(sub);
        }
    }

    /// Limits `block` in place from the peaks measured for it, and advances `state`. Leaves `block` untouched
    /// (bit-exact) while the gain stays 1.
    pub fn limit(&mut self, state: &mut LimiterState, block: &mut [f32]) {
        let subs = self.peaks.len();
        if subs == 0 {
            return;
        }
        // Look one sub-frame ahead inside the block.
        for i in 0..subs - 1 {
            let next = self.peaks[i + 1];
            if next > self.peaks[i] {
                self.peaks[i] = next;
            }
        }
        let mut env = state.env;
        let mut limiting = state.gain != 1.0;
        for i in 0..subs {
            let p = self.peaks[i];
            env = if p > env {
                p
            } else {
                p * (1.0 - self.release) + env * self.release
            };
            let g = if env > THRESHOLD {
                limiting = true;
                THRESHOLD / env
            } else {
                1.0
            };
            self.gains[i + 1] = g;
        }
        state.env = env;
        if !limiting {
            return;
        }
        let first = self.gains[1];
        self.gains[0] = if first < state.gain {
            first
        } else {
            state.gain
        };
        state.gain = self.gains[subs];
        for (i, sub) in block.chunks_exact_mut(self.sub_len).enumerate() {
            let a = self.gains[i];
            let b = self.gains[i + 1];
            if a == b {
                if a != 1.0 {
                    for x in sub {
                        *x *= a;
                    }
                }
            } else {
                let d = b - a;
                for (x, &w) in sub.iter_mut().zip(&self.weights) {
                    *x *= a + d * w;
                }
            }
        }
    }

    /// Limits `block`, whose largest `|x|` is `peak`. While the limiter is idle (gain 1, envelope at or below the
    /// threshold) and `peak` is at or below the threshold, nothing can change: the gain stays exactly 1, and the
    /// envelope's exact value no longer matters (from at or below the threshold, a sub-frame above it replaces
    /// the envelope by its own peak, and sub-frames at or below it keep the envelope there), so the sub-frame
    /// peaks are not even measured. Otherwise this is [`Limiter::process`]. Either way the output is the same.
    pub fn limit_quick(&mut self, state: &mut LimiterState, block: &mut [f32], peak: f32) {
        if state.gain == 1.0 && state.env <= THRESHOLD && peak <= THRESHOLD {
            state.env = peak;
        } else {
            self.process(state, block);
        }
    }

    /// Measures and limits `block` in one call.
    pub fn process(&mut self, state: &mut LimiterState, block: &mut [f32]) {
        self.measure(block);
        self.limit(state, block);
    }
}

/// The largest `|x|` of `xs`, with independent compare/select lanes so the loop vectorises (a single running
/// maximum is a serial dependency chain, and `f32::max` does not vectorise in wasm).
pub fn peak(xs: &[f32]) -> f32 {
    crate::simd::peak(xs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sine of amplitude `amp` at `hz`, from the deterministic sine.
    fn sine(amp: f32, hz: f32, rate: u32, frames: usize) -> Vec<f32> {
        (0..frames)
            .map(|i| {
                amp * crate::dsp::sin_turns(
                    ((i as f64 * f64::from(hz) / f64::from(rate)) % 1.0) as f32,
                )
            })
            .collect()
    }

    /// Runs `signal` through a limiter block by block.
    fn run(signal: &[f32], rate: u32, block: usize) -> Vec<f32> {
        let mut limiter = Limiter::new(rate, block);
        let mut state = LimiterState::default();
        let mut out = signal.to_vec();
        for b in out.chunks_exact_mut(block) {
            limiter.process(&mut state, b);
        }
        out
    }

    #[test]
    fn sub_frames_follow_the_block_length() {
        assert_eq!(Limiter::new(48_000, 128).sub_len(), 16);
        assert_eq!(Limiter::new(48_000, 480).sub_len(), 16);
        assert_eq!(Limiter::new(48_000, 64).sub_len(), 16);
        assert_eq!(Limiter::new(48_000, 100).sub_len(), 4);
        assert_eq!(Limiter::new(48_000, 127).sub_len(), 1);
        assert_eq!(Limiter::new(8_000, 8).sub_len(), 8);
    }

    #[test]
    fn release_is_20_ms() {
        // After 20 ms worth of sub-frames the envelope has fallen to 1/e of its distance.
        let l = Limiter::new(48_000, 128);
        let subs_in_20ms = 48_000.0 * 0.020 / 16.0;
        let left = (l.release() as f64).powf(subs_in_20ms);
        assert!((left - (-1.0f64).exp()).abs() < 1e-4, "{left}");
    }

    #[test]
    fn minus_6_dbfs_passes_bit_exact() {
        for (rate, block) in [(48_000, 128), (8_000, 64), (44_100, 480)] {
            let x = sine(0.501_187_2, 1000.0, rate, block * 200);
            assert_eq!(run(&x, rate, block), x, "rate {rate} block {block}");
        }
    }

    #[test]
    fn plus_12_dbfs_never_exceeds_minus_1_dbfs() {
        for (rate, block) in [(48_000, 128), (16_000, 64), (44_100, 480)] {
            let x = sine(3.981_072, 440.0, rate, block * 200);
            let y = run(&x, rate, block);
            let max = peak(&y);
            assert!(
                max <= THRESHOLD * (1.0 + 1e-6),
                "rate {rate} block {block}: peak {max}"
            );
            // And it is limiting, not muting: the peak is near the threshold.
            assert!(max > THRESHOLD * 0.95, "peak {max}");
        }
    }

    #[test]
    fn a_sudden_onset_is_caught_in_the_first_sample() {
        let rate = 48_000;
        let mut x = vec![0.0; 128 * 4];
        x.extend(sine(3.981_072, 1000.0, rate, 128 * 4));
        // An onset in the middle of a block, too.
        let mut z = vec![0.0; 200];
        z.extend(vec![2.0; 128 * 4 - 200]);
        for signal in [x, z] {
            let y = run(&signal, rate, 128);
            assert!(peak(&y) <= THRESHOLD * (1.0 + 1e-6), "{}", peak(&y));
        }
    }

    #[test]
    fn gain_returns_to_unity_within_100_ms() {
        let rate = 48_000;
        let block = 128;
        let loud_blocks = 100;
        let mut x = sine(3.981_072, 440.0, rate, block * loud_blocks);
        let quiet = sine(0.5, 440.0, rate, block * 100);
        x.extend(&quiet);
        let mut limiter = Limiter::new(rate, block);
        let mut state = LimiterState::default();
        let mut unity_at = None;
        for (i, b) in x.chunks_exact_mut(block).enumerate() {
            limiter.process(&mut state, b);
            if i >= loud_blocks && unity_at.is_none() && state.gain() == 1.0 {
                unity_at = Some(i - loud_blocks);
            }
        }
        let blocks = unity_at.expect("the gain never came back to 1");
        let ms = blocks as f64 * block as f64 * 1000.0 / rate as f64;
        assert!(ms <= 100.0, "back to unity after {ms} ms");
        assert!(ms >= 20.0, "released too fast: {ms} ms");
        // Once back at unity the quiet part passes bit-exact.
        let from = (loud_blocks + blocks + 1) * block;
        assert_eq!(&x[from..], &quiet[from - loud_blocks * block..]);
    }

    #[test]
    fn no_discontinuity_beyond_the_signals_own_slope() {
        // A loud sine that swells and fades: the output's largest sample-to-sample step stays within the step
        // of a full-scale sine at the same pitch (2π·hz/rate), so the gain itself never jumps.
        let rate = 48_000;
        let hz = 1000.0;
        let frames = 128 * 400;
        let x: Vec<f32> = sine(1.0, hz, rate, frames)
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let t = i as f32 / frames as f32;
                let env = if t < 0.5 { 8.0 * t } else { 8.0 * (1.0 - t) };
                s * env
            })
            .collect();
        let y = run(&x, rate, 128);
        let max_step = y
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0f32, |m, s| if s > m { s } else { m });
        let bound = THRESHOLD * 2.0 * core::f32::consts::PI * hz / rate as f32 * 1.1;
        assert!(max_step <= bound, "step {max_step} > {bound}");
        assert!(peak(&y) <= THRESHOLD * (1.0 + 1e-6));
    }

    #[test]
    fn peak_finds_the_largest_magnitude() {
        let mut xs = vec![0.1f32; 37];
        xs[33] = -0.9;
        assert_eq!(peak(&xs), 0.9);
        xs[5] = 0.95;
        assert_eq!(peak(&xs), 0.95);
        assert_eq!(peak(&[]), 0.0);
    }
}
