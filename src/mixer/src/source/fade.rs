//! Click-free edges: a raised-cosine gain for the first and last frames of a sound, a pure function of the
//! frame's position (so any block split gives the same samples).

use crate::dsp::sin_phase;

/// The gain of frame `i` of a `len`-frame raised-cosine fade-in: `sin²(π/2 · (i + ½) / len)`, rising from
/// near 0 to near 1 (mirror `i` for a fade-out). Sampling at frame centres makes the fade-in and the
/// fade-out of equal lengths sum to exactly 1 at every frame, so a cross-fade keeps its level. `len == 0`
/// gives 1.
#[inline]
pub fn raised_cosine(i: u64, len: u64) -> f32 {
    if len == 0 || i >= len {
        return 1.0;
    }
    // (i + ½) / len quarter turns, as a u32 phase: (2i + 1) · 2³⁰ / (2·len), exact integer arithmetic.
    let phase = (((2 * i + 1) << 30) / (2 * len)) as u32;
    let s = sin_phase(phase);
    s * s
}

/// The gain at frame `pos` of a `total`-frame sound with `fade`-frame raised-cosine edges at both ends
/// (`fade` is capped at half the sound).
#[inline]
pub fn edges(pos: u64, total: u64, fade: u64) -> f32 {
    let fade = if fade > total / 2 { total / 2 } else { fade };
    if pos < fade {
        raised_cosine(pos, fade)
    } else if pos + fade >= total {
        raised_cosine(total - 1 - pos, fade)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fades_rise_and_are_complementary() {
        let len = 240;
        let mut last = 0.0;
        for i in 0..len {
            let g = raised_cosine(i, len);
            assert!(g > last, "monotonic at {i}");
            last = g;
            let mirror = raised_cosine(len - 1 - i, len);
            assert!((g + mirror - 1.0).abs() < 1e-6, "sum at {i}");
        }
        assert!(raised_cosine(0, len) < 1e-4);
        assert!(raised_cosine(len - 1, len) > 0.9999);
        assert_eq!(raised_cosine(len, len), 1.0);
        assert_eq!(raised_cosine(3, 0), 1.0);
    }

    #[test]
    fn edges_cover_both_ends() {
        assert!(edges(0, 1000, 40) < 0.01);
        assert!(edges(999, 1000, 40) < 0.01);
        assert_eq!(edges(500, 1000, 40), 1.0);
        assert_eq!(edges(40, 1000, 40), 1.0);
        assert_eq!(edges(959, 1000, 40), 1.0);
        assert!(edges(960, 1000, 40) > 0.99);
        // A sound shorter than two fades is all fade.
        assert!(edges(2, 4, 40) < 1.0);
    }
}
