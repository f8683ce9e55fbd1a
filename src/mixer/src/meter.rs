//! Per-leg metering: RMS and peak per block, and a "talking" flag from an energy gate with hangover.
//!
//! A meter is a pure function of the block's frames and the gate's hangover state ([`Gate`]): the same frames in
//! the same order give the same meters natively and in wasm. The gate opens at −45 dBFS RMS and holds for
//! 200 ms of blocks; it compares the block's sum of squares with `threshold² × frames`, so it needs no square
//! root. The mixer takes each leg's sum of squares (its input, before the talk gain, so a muted participant's
//! meter still moves) inside its summing kernel, in [`Sums`]' lanes and fold order, and measures the peak only
//! when a meter is read; [`Gate::measure`] does all of it for a lone block.

/// One block's measurement of a leg's voice.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Meter {
    /// Root mean square of the block, linear (1.0 = full scale).
    pub rms: f32,
    /// Largest absolute sample of the block, linear.
    pub peak: f32,
    /// The energy gate is open (or was within its hangover).
    pub talking: bool,
}

/// The gate opens at −45 dBFS RMS, `10^(−45/20)`.
pub const GATE_OPEN_RMS: f32 = 0.005_623_413;

/// The gate stays open this long after the level falls below [`GATE_OPEN_RMS`].
pub const HANGOVER_MS: u32 = 200;

/// Lanes of [`Sums`]: four 4-wide vectors each, so that the additions and maxima form four independent
/// chains (one chain is bound by the latency of each addition).
pub const LANES: usize = 16;

/// What a kernel accumulates over one block of a leg's voice: [`LANES`] independent lanes of the sum of squares
/// and of the peak, so the loop vectorises and has no long serial dependency.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sums {
    /// Sum of squares, per lane.
    pub squares: [f32; LANES],
    /// Largest absolute sample, per lane.
    pub peaks: [f32; LANES],
}

impl Sums {
    /// Adds [`LANES`] frames (frame `k` to lane `k`).
    #[inline(always)]
    pub fn add_lanes(&mut self, xs: &[f32; LANES]) {
        for ((s, p), &x) in self.squares.iter_mut().zip(self.peaks.iter_mut()).zip(xs) {
            *s += x * x;
            let a = x.abs();
            *p = if a > *p { a } else { *p };
        }
    }

    /// The sum of squares and the peak of `xs`: the same bits as [`Sums::add`] then [`Sums::fold`], by a kernel
    /// that keeps the lanes in vector registers from start to end.
    #[inline]
    pub fn of(xs: &[f32]) -> (f32, f32) {
        crate::simd::sum_and_meter(None, xs, 1.0)
    }

    /// Adds any number of frames: whole groups of [`LANES`], then the rest one lane each.
    #[inline]
    pub fn add(&mut self, xs: &[f32]) {
        let (chunks, rest) = xs.as_chunks::<LANES>();
        for c in chunks {
            self.add_lanes(c);
        }
        self.add_rest(rest);
    }

    /// Adds fewer than [`LANES`] frames, one lane each (the tail of a block whose length is not a multiple).
    #[inline]
    pub fn add_rest(&mut self, rest: &[f32]) {
        for ((s, p), &x) in self.squares.iter_mut().zip(self.peaks.iter_mut()).zip(rest) {
            *s += x * x;
            let a = x.abs();
            *p = if a > *p { a } else { *p };
        }
    }

    /// The lanes folded in a fixed order, halves onto halves (vector-friendly): (sum of squares, peak).
    #[inline]
    pub fn fold(&self) -> (f32, f32) {
        let mut s = self.squares;
        let mut p = self.peaks;
        let mut width = LANES / 2;
        while width > 0 {
            for k in 0..width {
                s[k] += s[k + width];
                p[k] = if p[k + width] > p[k] {
                    p[k + width]
                } else {
                    p[k]
                };
            }
            width /= 2;
        }
        (s[0], p[0])
    }
}

/// The energy gate's hangover state, one per leg.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gate {
    /// Blocks the gate stays open after the level falls: [`HANGOVER_MS`] rounded up to whole blocks.
    hangover: u32,
    /// Blocks of hangover left.
    left: u32,
    /// The gate opens when a block's sum of squares reaches this: `GATE_OPEN_RMS² × frames per block`, so the
    /// render loop compares sums and never takes a square root or divides.
    open_squares: f32,
}

impl Gate {
    /// A closed gate for blocks of `block` frames at `sample_rate`.
    pub fn new(sample_rate: u32, block: usize) -> Gate {
        let per_block_ms = u64::try_from(block.max(1))
            .unwrap_or(u64::MAX)
            .saturating_mul(1000);
        let hangover = (u64::from(HANGOVER_MS) * u64::from(sample_rate)).div_ceil(per_block_ms);
        Gate {
            hangover: u32::try_from(hangover).unwrap_or(u32::MAX),
            left: 0,
            open_squares: GATE_OPEN_RMS * GATE_OPEN_RMS * block.max(1) as f32,
        }
    }

    /// Blocks of hangover after the level falls.
    pub fn hangover_blocks(&self) -> u32 {
        self.hangover
    }

    /// Whether the gate is open after a block whose sum of squares is `squares`, and its next state.
    #[inline]
    pub fn open(&mut self, squares: f32) -> bool {
        if squares >= self.open_squares {
            self.left = self.hangover;
            true
        } else if self.left > 0 {
            self.left -= 1;
            true
        } else {
            false
        }
    }

    /// The meter of a block of `frames` frames (the length the gate was made for) whose voice accumulated
    /// `sums`, and the gate's next state.
    pub fn update(&mut self, sums: &Sums, frames: usize) -> Meter {
        let (squares, peak) = sums.fold();
        let talking = self.open(squares);
        Meter::from_squares(squares, peak, frames, talking)
    }

    /// The meter of one block (of the length the gate was made for).
    pub fn measure(&mut self, block: &[f32]) -> Meter {
        let (squares, peak) = Sums::of(block);
        let talking = self.open(squares);
        Meter::from_squares(squares, peak, block.len(), talking)
    }
}

impl Meter {
    /// The meter of a block of `frames` frames from its sum of squares, peak and gate.
    pub fn from_squares(squares: f32, peak: f32, frames: usize, talking: bool) -> Meter {
        let rms = if frames == 0 {
            0.0
        } else {
            (squares / frames as f32).sqrt()
        };
        Meter { rms, peak, talking }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rms_and_peak_of_known_blocks() {
        let mut gate = Gate::new(48_000, 128);
        // A square wave of ±0.5: RMS 0.5, peak 0.5.
        let block: Vec<f32> = (0..128)
            .map(|i| if i % 2 == 0 { 0.5 } else { -0.5 })
            .collect();
        let m = gate.measure(&block);
        assert_eq!(m.rms, 0.5);
        assert_eq!(m.peak, 0.5);
        assert!(m.talking);
        // One spike: peak 1, RMS sqrt(1/128).
        let mut spike = vec![0.0f32; 128];
        spike[77] = -1.0;
        let m = Gate::new(48_000, 128).measure(&spike);
        assert_eq!(m.peak, 1.0);
        assert!((m.rms - (1.0f32 / 128.0).sqrt()).abs() < 1e-7);
        // A length that is not a multiple of 8.
        let odd = vec![0.25f32; 13];
        let m = Gate::new(8_000, 13).measure(&odd);
        assert!((m.rms - 0.25).abs() < 1e-7);
        assert_eq!(m.peak, 0.25);
    }

    #[test]
    fn the_lane_kernel_gives_the_bits_of_the_plain_lanes() {
        // Sums::of (vector lanes) and Sums::add + fold (plain lanes) are the same computation.
        let mut rng = crate::dsp::Rng::new(9);
        for len in [0, 1, 7, 15, 16, 17, 64, 100, 128, 480] {
            let xs: Vec<f32> = (0..len).map(|_| rng.next_f32()).collect();
            let mut sums = Sums::default();
            sums.add(&xs);
            let (a, b) = sums.fold();
            let (c, d) = Sums::of(&xs);
            assert_eq!(
                (a.to_bits(), b.to_bits()),
                (c.to_bits(), d.to_bits()),
                "length {len}"
            );
        }
    }

    #[test]
    fn hangover_is_200_ms_in_whole_blocks() {
        assert_eq!(Gate::new(48_000, 128).hangover_blocks(), 75); // 9600 / 128
        assert_eq!(Gate::new(44_100, 128).hangover_blocks(), 69); // 8820 / 128 = 68.9
        assert_eq!(Gate::new(8_000, 480).hangover_blocks(), 4); // 1600 / 480 = 3.3
        assert_eq!(Gate::new(16_000, 64).hangover_blocks(), 50);
    }

    #[test]
    fn gate_opens_at_minus_45_dbfs_and_holds_for_the_hangover() {
        let mut gate = Gate::new(8_000, 160); // 10 blocks of hangover
        assert_eq!(gate.hangover_blocks(), 10);
        let loud = vec![0.0057f32; 160]; // -44.9 dBFS
        let quiet = vec![0.0056f32; 160]; // -45.04 dBFS
        assert!(
            !gate.measure(&quiet).talking,
            "below the threshold the gate stays closed"
        );
        assert!(gate.measure(&loud).talking);
        for i in 0..10 {
            assert!(gate.measure(&quiet).talking, "hangover block {i}");
        }
        assert!(
            !gate.measure(&quiet).talking,
            "closed after exactly 10 blocks"
        );
        // Loud again re-arms the full hangover.
        assert!(gate.measure(&loud).talking);
        assert_eq!(gate.left, 10);
    }
}
