//! Deterministic math for the kernels and sources: the same bits natively and in wasm, because no platform
//! `sin`/`exp`/`pow` is called (their results differ between libm implementations).
//!
//! Everything here is built from `+ - * /`, `sqrt`, comparisons and integer operations, which IEEE 754 defines
//! exactly, and never from `mul_add` (a fused multiply-add rounds once where the unfused form rounds twice, so
//! a platform that fuses would give other bits). Polynomials are evaluated by Horner's rule in a fixed order.

/// `ln 2`, for the range reduction of [`exp`] and [`ln`].
const LN_2: f64 = core::f64::consts::LN_2;

/// `ln 10 / 20`: one decibel of amplitude as a natural exponent.
const DB_TO_NEPER: f64 = core::f64::consts::LN_10 / 20.0;

/// `2π`, for turning turns into radians.
const TAU: f64 = core::f64::consts::TAU;

/// `sin(2π·x)` for `x` in `[-0.25, 0.25]`: the odd Taylor polynomial of `sin` up to degree 13, in `f64` so its
/// truncation error (below 7e-10 at the ends) and rounding stay far under `f32` precision (peaks are exactly ±1).
fn sin_quarter(x: f64) -> f64 {
    let a = x * TAU;
    let a2 = a * a;
    // 1 - a²/3! (1 - a²/(4·5) (1 - a²/(6·7) (1 - a²/(8·9) (1 - a²/(10·11) (1 - a²/(12·13))))))
    let p = 1.0 - a2 / 156.0;
    let p = 1.0 - a2 / 110.0 * p;
    let p = 1.0 - a2 / 72.0 * p;
    let p = 1.0 - a2 / 42.0 * p;
    let p = 1.0 - a2 / 20.0 * p;
    let p = 1.0 - a2 / 6.0 * p;
    a * p
}

/// `floor(x)` for `|x| < 2^52` from an integer conversion (exact), so the reduction never depends on a libm
/// `floor`. Values outside that range are already integers and come back unchanged.
fn floor_f64(x: f64) -> f64 {
    if x.is_nan() || x.abs() >= 4_503_599_627_370_496.0 {
        return x;
    }
    let t = x as i64 as f64;
    if t > x { t - 1.0 } else { t }
}

/// `sin(2π·phase)`: `phase` is in turns (one turn is a full period). Meant for `[0, 1)`, but any finite phase
/// works (it is reduced first); a non-finite phase gives 0. Largest error against `f64` sine below 1e-6.
pub fn sin_turns(phase: f32) -> f32 {
    if !phase.is_finite() {
        return 0.0;
    }
    let p = phase as f64;
    let p = p - floor_f64(p); // [0, 1)
    // Fold to [-0.25, 0.25] by sin's symmetries: sin(2π(½ − x)) = sin(2πx), and sin is odd around 0.
    let x = if p >= 0.5 { p - 1.0 } else { p }; // [-0.5, 0.5)
    let x = if x > 0.25 {
        0.5 - x
    } else if x < -0.25 {
        -0.5 - x
    } else {
        x
    };
    sin_quarter(x) as f32
}

/// `sin(2π·phase / 2³²)`: a phase held as a `u32` fraction of a turn. An integer accumulator (add a fixed
/// increment per frame, wrapping) never drifts, however long a tone runs, so sources keep their phase this way.
///
/// This is the per-sample kernel of every oscillator, so it is branch-free `f32` (integer fold, then an odd
/// polynomial): a loop over a block vectorises in wasm `simd128`. Largest error against `f64` sine below 1e-6.
#[inline]
pub fn sin_phase(phase: u32) -> f32 {
    // As a signed fraction of a turn, x ∈ [-½, ½) (× 2³²); fold |x| > ¼ onto [-¼, ¼] by sin(π − a) = sin(a):
    // i32::MIN − x is ½ − x for x > ¼ and −½ − x for x < −¼ (wrapping arithmetic, no overflow in the result).
    let x = phase as i32;
    let folded = i32::MIN.wrapping_sub(x);
    let y = if x.unsigned_abs() > (1 << 30) {
        folded
    } else {
        x
    };
    // t in quarter turns, [-1, 1]: sin(π/2 · t) by the odd Taylor polynomial to degree 13.
    let t = y as f32 * (1.0 / 1_073_741_824.0);
    let t2 = t * t;
    // Coefficients (π/2)^k / k!, alternating in sign.
    let p = 5.692_173e-8f32;
    let p = p * t2 - 3.598_843_2e-6;
    let p = p * t2 + 1.604_411_8e-4;
    let p = p * t2 - 4.681_754e-3;
    let p = p * t2 + 7.969_262_6e-2;
    let p = p * t2 - 0.645_964_1;
    let p = p * t2 + 1.570_796_4;
    p * t
}

/// The per-frame `u32` phase increment of a `hz` tone at `sample_rate` (for [`sin_phase`]). Frequencies at or
/// beyond the Nyquist rate and negative or non-finite ones give 0 (a silent, constant phase).
pub fn phase_step(hz: f32, sample_rate: u32) -> u32 {
    if hz.is_nan() || hz <= 0.0 || sample_rate == 0 {
        return 0;
    }
    let turns = hz as f64 / sample_rate as f64;
    if turns >= 0.5 {
        return 0;
    }
    (turns * 4_294_967_296.0 + 0.5) as u32
}

/// `e^x` in `f64`, from `+ - * /` and the exponent bits: `x = k·ln 2 + r` with `|r| ≤ ln 2 / 2`, `e^r` by its
/// Taylor series to degree 12 (error below 1e-15), then scaled by `2^k`. Overflows to infinity above ~709.78,
/// underflows to 0 below −708 (no subnormals: nothing here needs them).
pub fn exp_f64(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.78 {
        return f64::INFINITY;
    }
    if x < -708.0 {
        return 0.0;
    }
    let kf = x / LN_2;
    // Round to nearest by integer conversion (truncation toward zero after adding ±½).
    let k = if kf >= 0.0 {
        (kf + 0.5) as i64
    } else {
        (kf - 0.5) as i64
    };
    let r = x - k as f64 * LN_2;
    let mut p = 1.0;
    let mut n = 12.0;
    while n > 0.0 {
        p = 1.0 + r / n * p;
        n -= 1.0;
    }
    // 2^k from the exponent bits; k is in [-1022, 1024] here, so split once to stay in the normal range.
    let (k1, k2) = if k > 1000 {
        (k - 1000, 1000)
    } else if k < -1000 {
        (k + 1000, -1000)
    } else {
        (k, 0)
    };
    p * pow2(k1) * pow2(k2)
}

/// `2^k` for `k` in `[-1022, 1023]`, exactly, from its bits.
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `e^x` (deterministic; see [`exp_f64`]). For constants computed when something is built, such as the
/// limiter's release coefficient `exp(-1 / (τ·rate))`; relative error below 1e-7.
pub fn exp(x: f32) -> f32 {
    exp_f64(x as f64) as f32
}

/// Natural logarithm in `f64`: `x = m·2^e` with `m` in `[√½, √2)`, `ln m = 2·atanh(s)`, `s = (m−1)/(m+1)`,
/// by its odd series to `s^21` (error below 1e-16). `ln 0 = −∞`; negative or NaN gives NaN; `ln ∞ = ∞`.
pub fn ln_f64(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    // Normalise subnormals first so the exponent field holds the whole exponent.
    let (x, bias) = if x < f64::MIN_POSITIVE {
        (x * 18_014_398_509_481_984.0, -54)
    } else {
        (x, 0)
    }; // 2^54
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023 + bias;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | (1023u64 << 52)); // [1, 2)
    if m > core::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut p = 1.0 / 21.0;
    let mut d = 19.0;
    while d > 0.0 {
        p = 1.0 / d + s2 * p;
        d -= 2.0;
    }
    2.0 * s * p + e as f64 * LN_2
}

/// Natural logarithm (deterministic; see [`ln_f64`]).
pub fn ln(x: f32) -> f32 {
    ln_f64(x as f64) as f32
}

/// Decibels to a linear amplitude gain: `10^(db/20)` (−12 dB ≈ 0.2512, −∞ dB = 0).
pub fn db_to_gain(db: f32) -> f32 {
    exp_f64(db as f64 * DB_TO_NEPER) as f32
}

/// A linear amplitude to decibels: `20·log10(gain)` (0 gives −∞). For display and constants, not kernels.
pub fn gain_to_db(gain: f32) -> f32 {
    (ln_f64(gain as f64) / DB_TO_NEPER) as f32
}

/// A small seeded pseudo-random generator: SplitMix64 (Steele, Lea and Flood, 2014). Fast, passes BigCrush, and
/// every seed (0 included) gives a full-period stream. It is the only randomness the mixer uses, so the same
/// scenario seed gives the same audio everywhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// The next 32 random bits (the high half, the better-mixed one).
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in `[-1, 1)` with 24 bits of resolution (every value exact in `f32`).
    pub fn next_f32(&mut self) -> f32 {
        let v = (self.next_u32() >> 8) as i32 - (1 << 23);
        v as f32 * (1.0 / 8_388_608.0)
    }

    /// Uniform in `[0, 1)` with 24 bits of resolution.
    pub fn next_unit(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform integer in `[lo, hi]` (inclusive; `hi < lo` gives `lo`). Multiply-shift, so the tiny bias of
    /// a 32-bit draw is irrelevant for durations and note choices.
    pub fn range_u32(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        lo + ((self.next_u32() as u64 * span) >> 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sin_turns_matches_std_within_1e_6() {
        let mut worst = 0.0f64;
        for i in 0..=100_000u32 {
            let p = i as f32 / 100_000.0;
            let want = (p as f64 * TAU).sin();
            let got = sin_turns(p) as f64;
            let err = (got - want).abs();
            if err > worst {
                worst = err;
            }
        }
        assert!(worst < 1e-6, "worst error {worst}");
    }

    #[test]
    fn sin_turns_key_points_and_reduction() {
        assert_eq!(sin_turns(0.0), 0.0);
        assert_eq!(sin_turns(0.25), 1.0);
        assert_eq!(sin_turns(0.5), 0.0);
        assert_eq!(sin_turns(0.75), -1.0);
        assert!((sin_turns(3.125) - sin_turns(0.125)).abs() < 1e-6);
        assert!((sin_turns(-0.125) + sin_turns(0.125)).abs() < 1e-6);
        assert_eq!(sin_turns(f32::NAN), 0.0);
        assert_eq!(sin_turns(f32::INFINITY), 0.0);
    }

    #[test]
    fn sin_phase_matches_std_and_quadrants() {
        let mut worst = 0.0f64;
        let mut phase = 0u32;
        for _ in 0..200_000 {
            let want = (phase as f64 / 4_294_967_296.0 * TAU).sin();
            let err = (sin_phase(phase) as f64 - want).abs();
            if err > worst {
                worst = err;
            }
            phase = phase.wrapping_add(21_474_837); // ~1/200 turn, not a divisor of 2^32
        }
        assert!(worst < 1e-6, "worst error {worst}");
        assert_eq!(sin_phase(0), 0.0);
        assert_eq!(sin_phase(1 << 30), 1.0);
        assert_eq!(sin_phase(2 << 30), 0.0);
        assert_eq!(sin_phase(3 << 30), -1.0);
    }

    #[test]
    fn phase_step_is_frequency_over_rate() {
        assert_eq!(phase_step(1000.0, 8000), 1 << 29); // 1/8 turn
        assert_eq!(phase_step(0.0, 8000), 0);
        assert_eq!(phase_step(-5.0, 8000), 0);
        assert_eq!(phase_step(4000.0, 8000), 0); // Nyquist
        assert_eq!(phase_step(f32::NAN, 8000), 0);
        assert_eq!(phase_step(440.0, 0), 0);
    }

    #[test]
    fn exp_matches_std() {
        for i in -2000..=2000 {
            let x = i as f32 / 25.0; // [-80, 80]
            let want = (x as f64).exp();
            let got = exp(x) as f64;
            assert!(
                ((got - want) / want).abs() < 2e-7,
                "exp({x}) = {got}, want {want}"
            );
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(1000.0), f32::INFINITY);
        assert_eq!(exp(-1000.0), 0.0);
        assert!(exp(f32::NAN).is_nan());
        for i in -700..=700 {
            let x = i as f64 + 0.37;
            let want = x.exp();
            assert!(((exp_f64(x) - want) / want).abs() < 1e-13, "exp_f64({x})");
        }
    }

    #[test]
    fn limiter_release_coefficient() {
        // exp(-1 / (20 ms · 48 kHz)), the kind of constant the limiter builds.
        let x = -1.0 / (0.020 * 48_000.0);
        assert!((exp(x) as f64 - (x as f64).exp()).abs() < 1e-7);
    }

    #[test]
    fn ln_matches_std() {
        for i in 1..=10_000 {
            let x = i as f64 * 0.013_7;
            assert!((ln_f64(x) - x.ln()).abs() < 1e-14, "ln({x})");
        }
        for x in [1e-300, 5e-320, 1e300, f64::MIN_POSITIVE] {
            assert!(((ln_f64(x) - x.ln()) / x.ln()).abs() < 1e-14, "ln({x})");
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f32::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
    }

    #[test]
    fn decibels() {
        assert!((db_to_gain(-12.0) - 0.251_188_64).abs() < 1e-7);
        assert!((db_to_gain(-6.0) - 0.501_187_2).abs() < 1e-7);
        assert_eq!(db_to_gain(0.0), 1.0);
        assert!((db_to_gain(20.0) - 10.0).abs() < 1e-5);
        assert_eq!(db_to_gain(f32::NEG_INFINITY), 0.0);
        for i in -100..=20 {
            let db = i as f32;
            let want = 10f64.powf(db as f64 / 20.0);
            assert!(
                ((db_to_gain(db) as f64 - want) / want).abs() < 2e-7,
                "{db} dB"
            );
            assert!(
                (gain_to_db(db_to_gain(db)) - db).abs() < 1e-4,
                "{db} dB round trip"
            );
        }
        assert_eq!(gain_to_db(0.0), f32::NEG_INFINITY);
    }

    #[test]
    fn rng_is_seeded_and_in_range() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        let mut c = Rng::new(43);
        let xs: Vec<u32> = (0..64).map(|_| a.next_u32()).collect();
        let ys: Vec<u32> = (0..64).map(|_| b.next_u32()).collect();
        let zs: Vec<u32> = (0..64).map(|_| c.next_u32()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        // SplitMix64's published first output for seed 0.
        assert_eq!(Rng::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);

        let mut r = Rng::new(7);
        let (mut lo, mut hi, mut sum) = (0.0f32, 0.0f32, 0.0f64);
        let n = 100_000;
        for _ in 0..n {
            let v = r.next_f32();
            assert!((-1.0..1.0).contains(&v));
            lo = if v < lo { v } else { lo };
            hi = if v > hi { v } else { hi };
            sum += v as f64;
        }
        assert!(lo < -0.999 && hi > 0.999, "spread {lo}..{hi}");
        assert!((sum / n as f64).abs() < 0.01, "mean {}", sum / n as f64);
        for _ in 0..10_000 {
            let u = r.next_unit();
            assert!((0.0..1.0).contains(&u));
            let k = r.range_u32(3, 5);
            assert!((3..=5).contains(&k));
        }
        assert_eq!(r.range_u32(9, 2), 9);
    }
}
