//! A two-pole resonator (Klatt's formant filter): the building block of the speech synthesiser's formants and
//! the talker's noise colour.

use crate::dsp::{exp, sin_phase};

/// `y[n] = a·x[n] + b·y[n−1] + c·y[n−2]`, with unity gain at 0 Hz (`a = 1 − b − c`), so cascading several keeps
/// the low end at its level while each adds a peak at its centre frequency.
#[derive(Clone, Debug, Default)]
pub struct Resonator {
    a: f32,
    b: f32,
    c: f32,
    y1: f32,
    y2: f32,
}

/// The pole radius of a resonance `bw_hz` wide: `exp(−π·bw/rate)`.
pub fn pole_radius(bw_hz: f32, sample_rate: u32) -> f32 {
    exp(-core::f32::consts::PI * bw_hz / sample_rate as f32)
}

/// The coefficients `(a, b, c)` of `y[n] = a·x[n] + b·y[n−1] + c·y[n−2]` for the centre `cos(2π·hz/rate)` and
/// the pole radius `r`: `b = 2r·cos`, `c = −r²`, and `a = 1 − b − c` for unity gain at 0 Hz.
#[inline]
pub fn coefficients(cos_centre: f32, r: f32) -> (f32, f32, f32) {
    let b = 2.0 * r * cos_centre;
    let c = -(r * r);
    (1.0 - b - c, b, c)
}

/// `cos(2π·hz/rate)`, from the deterministic sine (a quarter turn ahead), with `hz` kept below 0.45·rate.
#[inline]
// Compare/select, not f32::clamp: it does not vectorise in wasm (the crate's rule for every kernel).
#[allow(clippy::manual_clamp)]
pub fn cos_of(hz: f32, inv_rate: f32) -> f32 {
    let turns = hz * inv_rate;
    let turns = if turns > 0.45 {
        0.45
    } else if turns < 0.0 {
        0.0
    } else {
        turns
    };
    // turns · 2³² as u32 plus a quarter turn: cos(x) = sin(x + ¼ turn).
    let phase = (turns * 4_294_967_296.0) as u32;
    sin_phase(phase.wrapping_add(1 << 30))
}

impl Resonator {
    /// Sets the centre from `cos(2π·hz/rate)` and the pole radius `r` (see [`pole_radius`]); the filter's memory
    /// is kept, so moving a formant frame by frame glides instead of restarting.
    #[inline]
    pub fn set(&mut self, cos_centre: f32, r: f32) {
        (self.a, self.b, self.c) = coefficients(cos_centre, r);
    }

    /// The filter's gain at its centre (where it peaks), for the `cos_centre` it was set with: dividing by it
    /// makes a resonator whose peak is at unity, whatever its centre and bandwidth.
    pub fn peak_gain(&self, cos_centre: f32) -> f32 {
        // |a / (1 − b·z − c·z²)| at z = e^(−iθ): cos 2θ and sin 2θ from cos θ, sin θ = √(1 − cos²θ).
        let (c1, s1) = (cos_centre, (1.0 - cos_centre * cos_centre).sqrt());
        let (c2, s2) = (2.0 * c1 * c1 - 1.0, 2.0 * s1 * c1);
        let re = 1.0 - self.b * c1 - self.c * c2;
        let im = self.b * s1 + self.c * s2;
        let d = (re * re + im * im).sqrt();
        if d > 0.0 { self.a.abs() / d } else { 1.0 }
    }

    /// Filters one sample.
    #[inline]
    pub fn tick(&mut self, x: f32) -> f32 {
        let y = self.a * x + self.b * self.y1 + self.c * self.y2;
        // A ringing tail decays into subnormals, which are ~100× slower on x86 and in wasm: flush them to 0.
        let y = if y.abs() < 1e-30 { 0.0 } else { y };
        self.y2 = self.y1;
        self.y1 = y;
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::tone::Osc;

    /// Steady-state gain of the resonator for a sine at `hz`.
    fn gain_at(hz: f32, centre: f32, rate: u32) -> f32 {
        let mut r = Resonator::default();
        r.set(cos_of(centre, 1.0 / rate as f32), pole_radius(100.0, rate));
        let mut osc = Osc::new(hz, rate);
        let mut peak = 0.0f32;
        for i in 0..rate {
            let y = r.tick(osc.tick()).abs();
            if i > rate / 2 && y > peak {
                peak = y;
            }
        }
        peak
    }

    #[test]
    fn peaks_at_its_centre_and_passes_dc() {
        let rate = 16_000;
        let at_centre = gain_at(1000.0, 1000.0, rate);
        let below = gain_at(300.0, 1000.0, rate);
        let above = gain_at(3000.0, 1000.0, rate);
        assert!(at_centre > 5.0 * below, "{at_centre} vs {below}");
        assert!(at_centre > 5.0 * above, "{at_centre} vs {above}");
        let mut r = Resonator::default();
        r.set(cos_of(1000.0, 1.0 / rate as f32), pole_radius(100.0, rate));
        let mut y = 0.0;
        for _ in 0..20_000 {
            y = r.tick(1.0);
        }
        assert!((y - 1.0).abs() < 1e-3, "dc gain {y}");
        let predicted = r.peak_gain(cos_of(1000.0, 1.0 / rate as f32));
        assert!(
            (predicted - at_centre).abs() < 0.02 * at_centre,
            "peak gain {predicted} vs measured {at_centre}"
        );
    }
}
