//! Four `f32` lanes for the kernels that LLVM does not vectorise on its own (reductions fused with a sum: the
//! meters, the peaks). SSE2 on x86-64 (always present), `simd128` in wasm when the module is built with it, plain
//! arrays elsewhere. Every backend does the same IEEE operation in every lane — add, subtract, multiply, clear the
//! sign bit, and the select `if a > b { a } else { b }` (SSE's `maxps` and wasm's `pmax` are defined as exactly
//! that select, NaN and signed-zero cases included) — so all three give the same bits.

#[cfg(target_arch = "x86_64")]
mod imp {
    use core::arch::x86_64::*;

    /// Four lanes.
    #[derive(Clone, Copy)]
    pub struct V4(__m128);

    impl V4 {
        #[inline(always)]
        pub fn splat(x: f32) -> V4 {
            // SAFETY: SSE2 is part of the x86-64 baseline, so the instruction exists on every x86-64 CPU.
            V4(unsafe { _mm_set1_ps(x) })
        }

        #[inline(always)]
        pub fn load(xs: &[f32; 4]) -> V4 {
            // SAFETY: `xs` is four readable `f32`s; `loadu` has no alignment requirement.
            V4(unsafe { _mm_loadu_ps(xs.as_ptr()) })
        }

        #[inline(always)]
        pub fn store(self, out: &mut [f32; 4]) {
            // SAFETY: `out` is four writable `f32`s; `storeu` has no alignment requirement.
            unsafe { _mm_storeu_ps(out.as_mut_ptr(), self.0) }
        }

        #[inline(always)]
        pub fn add(self, o: V4) -> V4 {
            // SAFETY: SSE2 (x86-64 baseline).
            V4(unsafe { _mm_add_ps(self.0, o.0) })
        }

        #[inline(always)]
        pub fn mul(self, o: V4) -> V4 {
            // SAFETY: SSE2 (x86-64 baseline).
            V4(unsafe { _mm_mul_ps(self.0, o.0) })
        }

        #[inline(always)]
        pub fn sub(self, o: V4) -> V4 {
            // SAFETY: SSE2 (x86-64 baseline).
            V4(unsafe { _mm_sub_ps(self.0, o.0) })
        }

        #[inline(always)]
        pub fn abs(self) -> V4 {
            // SAFETY: SSE2 (x86-64 baseline).
            V4(unsafe { _mm_andnot_ps(_mm_set1_ps(-0.0), self.0) })
        }

        /// Per lane `if self > o { self } else { o }` (`maxps` is that select).
        #[inline(always)]
        pub fn max_sel(self, o: V4) -> V4 {
            // SAFETY: SSE2 (x86-64 baseline).
            V4(unsafe { _mm_max_ps(self.0, o.0) })
        }

        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            let mut a = [0.0; 4];
            self.store(&mut a);
            a
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    /// Four lanes.
    #[derive(Clone, Copy)]
    pub struct V4(v128);

    impl V4 {
        #[inline(always)]
        pub fn splat(x: f32) -> V4 {
            V4(f32x4_splat(x))
        }

        #[inline(always)]
        pub fn load(xs: &[f32; 4]) -> V4 {
            // SAFETY: `xs` is 16 readable bytes; wasm loads have no alignment requirement.
            V4(unsafe { v128_load(xs.as_ptr().cast()) })
        }

        #[inline(always)]
        pub fn store(self, out: &mut [f32; 4]) {
            // SAFETY: `out` is 16 writable bytes; wasm stores have no alignment requirement.
            unsafe { v128_store(out.as_mut_ptr().cast(), self.0) }
        }

        #[inline(always)]
        pub fn add(self, o: V4) -> V4 {
            V4(f32x4_add(self.0, o.0))
        }

        #[inline(always)]
        pub fn mul(self, o: V4) -> V4 {
            V4(f32x4_mul(self.0, o.0))
        }

        #[inline(always)]
        pub fn sub(self, o: V4) -> V4 {
            V4(f32x4_sub(self.0, o.0))
        }

        #[inline(always)]
        pub fn abs(self) -> V4 {
            V4(f32x4_abs(self.0))
        }

        /// Per lane `if self > o { self } else { o }`: `pmax(o, self)` is `if o < self { self } else { o }`.
        #[inline(always)]
        pub fn max_sel(self, o: V4) -> V4 {
            V4(f32x4_pmax(o.0, self.0))
        }

        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            let mut a = [0.0; 4];
            self.store(&mut a);
            a
        }
    }
}

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
mod imp {
    /// Four lanes.
    #[derive(Clone, Copy)]
    pub struct V4([f32; 4]);

    impl V4 {
        #[inline(always)]
        fn map2(self, o: V4, f: impl Fn(f32, f32) -> f32) -> V4 {
            V4([
                f(self.0[0], o.0[0]),
                f(self.0[1], o.0[1]),
                f(self.0[2], o.0[2]),
                f(self.0[3], o.0[3]),
            ])
        }

        #[inline(always)]
        pub fn splat(x: f32) -> V4 {
            V4([x; 4])
        }

        #[inline(always)]
        pub fn load(xs: &[f32; 4]) -> V4 {
            V4(*xs)
        }

        #[inline(always)]
        pub fn store(self, out: &mut [f32; 4]) {
            *out = self.0;
        }

        #[inline(always)]
        pub fn add(self, o: V4) -> V4 {
            self.map2(o, |a, b| a + b)
        }

        #[inline(always)]
        pub fn mul(self, o: V4) -> V4 {
            self.map2(o, |a, b| a * b)
        }

        #[inline(always)]
        pub fn sub(self, o: V4) -> V4 {
            self.map2(o, |a, b| a - b)
        }

        #[inline(always)]
        pub fn abs(self) -> V4 {
            V4(self.0.map(f32::abs))
        }

        #[inline(always)]
        pub fn max_sel(self, o: V4) -> V4 {
            self.map2(o, |a, b| if a > b { a } else { b })
        }

        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }
    }
}

pub use imp::V4;

/// The frames of one step of the lane kernels: four vectors.
pub const STEP: usize = 16;

/// Sum of squares and peak of `x` in 16 lanes (frame `i` in lane `i % 16`), folded in a fixed order; when
/// `total` is given, `total += x × g` in the same pass (`g = 1` multiplies nothing: the same bits).
///
/// The fold is the one [`crate::meter::Sums::fold`] does (halves onto halves), so both give the same bits. A
/// tail shorter than 16 frames is one more step padded with zeros, which change no lane (`s + 0 = s` and
/// `0 > p` is false for the non-negative sums and peaks).
#[inline(always)]
pub fn sum_and_meter(total: Option<&mut [f32]>, x: &[f32], g: f32) -> (f32, f32) {
    let mut m = Lanes::new();
    let (x_steps, x_rest) = x.as_chunks::<STEP>();
    match total {
        Some(total) => {
            let (t_steps, t_rest) = total.as_chunks_mut::<STEP>();
            // Two loops rather than a test of `g` per step: LLVM does not hoist it.
            if g == 1.0 {
                for (t, xs) in t_steps.iter_mut().zip(x_steps) {
                    let v = quads(xs);
                    add_into(t, v);
                    m.add(v);
                }
            } else {
                let gv = V4::splat(g);
                for (t, xs) in t_steps.iter_mut().zip(x_steps) {
                    let v = quads(xs);
                    add_into(t, v.map(|q| q.mul(gv)));
                    m.add(v);
                }
            }
            for (t, &v) in t_rest.iter_mut().zip(x_rest) {
                *t += if g == 1.0 { v } else { v * g };
            }
        }
        None => {
            for xs in x_steps {
                m.add(quads(xs));
            }
        }
    }
    if !x_rest.is_empty() {
        let mut padded = [0.0f32; STEP];
        padded[..x_rest.len()].copy_from_slice(x_rest);
        m.add(quads(&padded));
    }
    m.fold()
}

/// `total += x × g` and the sum of squares of `x` (16 lanes, folded like [`sum_and_meter`]'s), in one pass:
/// the render loop's kernel. The peak is left out (it is two more operations per vector, a third of the
/// kernel); a meter's peak is measured when the meter is read.
#[inline(always)]
pub fn sum_and_squares(total: &mut [f32], x: &[f32], g: f32) -> f32 {
    let z = V4::splat(0.0);
    let mut s = [z; 4];
    let (x_steps, x_rest) = x.as_chunks::<STEP>();
    let (t_steps, t_rest) = total.as_chunks_mut::<STEP>();
    let square = |s: &mut [V4; 4], v: [V4; 4]| {
        for (s, v) in s.iter_mut().zip(v) {
            *s = s.add(v.mul(v));
        }
    };
    if g == 1.0 {
        for (t, xs) in t_steps.iter_mut().zip(x_steps) {
            let v = quads(xs);
            add_into(t, v);
            square(&mut s, v);
        }
    } else {
        let gv = V4::splat(g);
        for (t, xs) in t_steps.iter_mut().zip(x_steps) {
            let v = quads(xs);
            add_into(t, v.map(|q| q.mul(gv)));
            square(&mut s, v);
        }
    }
    for (t, &v) in t_rest.iter_mut().zip(x_rest) {
        *t += if g == 1.0 { v } else { v * g };
    }
    if !x_rest.is_empty() {
        let mut padded = [0.0f32; STEP];
        padded[..x_rest.len()].copy_from_slice(x_rest);
        square(&mut s, quads(&padded));
    }
    let [s0, s1, s2, s3] = s;
    let s = s0.add(s2).add(s1.add(s3)).to_array();
    (s[0] + s[2]) + (s[1] + s[3])
}

/// `total += (x₀ + x₁) + (x₂ + x₃)` and each `xₖ`'s sum of squares (8 lanes per leg, frame `i` in lane
/// `i % 8`, folded halves onto halves): four talkers at unit gain in one pass, so the total is loaded and stored
/// once for the four.
#[inline(always)]
pub fn sum4_and_squares(total: &mut [f32], x: [&[f32]; 4]) -> [f32; 4] {
    let z = V4::splat(0.0);
    let mut s = [[z; 2]; 4];
    let (t_steps, t_rest) = total.as_chunks_mut::<8>();
    let x8 = x.map(|x| x.as_chunks::<8>());
    let steps = t_steps
        .iter_mut()
        .zip(x8[0].0)
        .zip(x8[1].0)
        .zip(x8[2].0)
        .zip(x8[3].0);
    for ((((t, a), b), c), d) in steps {
        let (tq, _) = t.as_chunks_mut::<4>();
        for (h, tq) in tq.iter_mut().enumerate() {
            let q = |xs: &[f32; 8]| {
                let (q, _) = xs.as_chunks::<4>();
                V4::load(&q[h])
            };
            let v = [q(a), q(b), q(c), q(d)];
            V4::load(tq)
                .add(v[0].add(v[1]).add(v[2].add(v[3])))
                .store(tq);
            for (s, v) in s.iter_mut().zip(v) {
                s[h] = s[h].add(v.mul(v));
            }
        }
    }
    // A tail shorter than 8 frames: the same operations, lane by lane.
    let mut lanes = s.map(|[a, b]| [a.to_array(), b.to_array()]);
    for (i, t) in t_rest.iter_mut().enumerate() {
        let v = x8.map(|(_, rest)| rest[i]);
        *t += (v[0] + v[1]) + (v[2] + v[3]);
        for (l, v) in lanes.iter_mut().zip(v) {
            l[i / 4][i % 4] += v * v;
        }
    }
    lanes.map(|[a, b]| {
        let h = [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];
        (h[0] + h[2]) + (h[1] + h[3])
    })
}

/// `out = total − x` (the listener kernel for a talker at unit gain), 16 frames a step.
#[inline(always)]
pub fn minus(out: &mut [f32], total: &[f32], x: &[f32]) {
    let (o_steps, o_rest) = out.as_chunks_mut::<STEP>();
    let (t_steps, t_rest) = total.as_chunks::<STEP>();
    let (x_steps, x_rest) = x.as_chunks::<STEP>();
    for ((o, t), x) in o_steps.iter_mut().zip(t_steps).zip(x_steps) {
        let (t, x) = (quads(t), quads(x));
        let (oq, _) = o.as_chunks_mut::<4>();
        for ((oq, t), x) in oq.iter_mut().zip(t).zip(x) {
            t.sub(x).store(oq);
        }
    }
    for ((o, &t), &x) in o_rest.iter_mut().zip(t_rest).zip(x_rest) {
        *o = t - x;
    }
}

/// The four vectors of one step.
#[inline(always)]
fn quads(c: &[f32; STEP]) -> [V4; 4] {
    let (q, _) = c.as_chunks::<4>();
    [
        V4::load(&q[0]),
        V4::load(&q[1]),
        V4::load(&q[2]),
        V4::load(&q[3]),
    ]
}

/// `t += v`, four vectors.
#[inline(always)]
fn add_into(t: &mut [f32; STEP], v: [V4; 4]) {
    let (tq, _) = t.as_chunks_mut::<4>();
    for (tq, v) in tq.iter_mut().zip(v) {
        V4::load(tq).add(v).store(tq);
    }
}

/// The meter's accumulators: 16 lanes of the sum of squares and of the peak.
struct Lanes {
    s: [V4; 4],
    p: [V4; 4],
}

impl Lanes {
    #[inline(always)]
    fn new() -> Lanes {
        let z = V4::splat(0.0);
        Lanes {
            s: [z; 4],
            p: [z; 4],
        }
    }

    #[inline(always)]
    fn add(&mut self, v: [V4; 4]) {
        for ((s, p), v) in self.s.iter_mut().zip(self.p.iter_mut()).zip(v) {
            *s = s.add(v.mul(v));
            *p = v.abs().max_sel(*p);
        }
    }

    /// Halves onto halves: lanes `k` and `k + 8` (vectors `q`, `q + 2`), `k + 4`, then within the vector.
    #[inline(always)]
    fn fold(self) -> (f32, f32) {
        let [s0, s1, s2, s3] = self.s;
        let [p0, p1, p2, p3] = self.p;
        let s = s0.add(s2).add(s1.add(s3)).to_array();
        let p = p3.max_sel(p1).max_sel(p2.max_sel(p0)).to_array();
        let sel = |a: f32, b: f32| if b > a { b } else { a };
        let (s2, p2) = (
            [s[0] + s[2], s[1] + s[3]],
            [sel(p[0], p[2]), sel(p[1], p[3])],
        );
        (s2[0] + s2[1], sel(p2[0], p2[1]))
    }
}

/// The largest `|x|` of `xs` (16 lanes, the same select as everywhere).
#[inline(always)]
pub fn peak(xs: &[f32]) -> f32 {
    let (_, p) = sum_and_meter(None, xs, 1.0);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_match_plain_arithmetic() {
        let x: Vec<f32> = (0..37)
            .map(|i| ((i * 7919) % 101) as f32 / 50.0 - 1.0)
            .collect();
        let mut total = vec![0.5f32; 37];
        let (sq, pk) = sum_and_meter(Some(&mut total), &x, 1.0);
        for (t, &v) in total.iter().zip(&x) {
            assert_eq!(*t, 0.5 + v);
        }
        let exact: f64 = x.iter().map(|&v| v as f64 * v as f64).sum();
        assert!((sq as f64 - exact).abs() < 1e-5, "{sq} {exact}");
        assert_eq!(
            pk,
            x.iter()
                .fold(0.0f32, |m, v| if v.abs() > m { v.abs() } else { m })
        );
        let mut t2 = vec![0.0f32; 37];
        sum_and_meter(Some(&mut t2), &x, 0.5);
        for (t, &v) in t2.iter().zip(&x) {
            assert_eq!(*t, v * 0.5);
        }
        // The render kernel: the same total and the same sum of squares, bit for bit.
        for g in [1.0, 0.5] {
            let (mut ta, mut tb) = (vec![0.25f32; 37], vec![0.25f32; 37]);
            let (sq_a, _) = sum_and_meter(Some(&mut ta), &x, g);
            let sq_b = sum_and_squares(&mut tb, &x, g);
            assert_eq!((ta, sq_a.to_bits()), (tb, sq_b.to_bits()));
        }
        // Four talkers at once: the total of the pairs, and each one's sum of squares.
        let xs: Vec<Vec<f32>> = (0..4)
            .map(|k| x.iter().map(|v| v * (k as f32 + 1.0) * 0.25).collect())
            .collect();
        let mut t4 = vec![0.125f32; 37];
        let sq = sum4_and_squares(&mut t4, [&xs[0], &xs[1], &xs[2], &xs[3]]);
        for i in 0..37 {
            assert_eq!(
                t4[i],
                0.125 + ((xs[0][i] + xs[1][i]) + (xs[2][i] + xs[3][i]))
            );
        }
        for k in 0..4 {
            let exact: f64 = xs[k].iter().map(|&v| v as f64 * v as f64).sum();
            assert!((sq[k] as f64 - exact).abs() < 1e-5 * exact.max(1.0), "{k}");
        }
        assert_eq!(peak(&[]), 0.0);
        assert_eq!(peak(&[-0.25, 0.125]), 0.25);
    }
}
