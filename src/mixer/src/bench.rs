//! `conflab bench mixer --legs N`: the mixer's cost per leg-sample against a plain sum of the same buffers,
//! measured in the same run.
//!
//! The scene: `N` legs in one room, every one talking and listening, external inputs pre-filled once with quiet
//! deterministic noise (about −20 dBFS RMS for the whole room, so the limiters mostly pass the signal through,
//! as in a real conference), one block at a time. Three kernels run over the same `N` input blocks:
//! * **mixer**: [`Mixer::render`] — N-1 as total-minus-self, talk and listen gains, every leg's meter sum and
//!   talking gate, and every listener's limiter (a meter's peak is measured when the meter is read, so it is not
//!   in this figure; reading all of them costs about one more plain sum);
//! * **plain sum**: the `N` buffers added into one (one memory stream in, nothing out): the floor;
//! * **naive**: each listener re-sums the other `N − 1` buffers (O(N²), run for fewer blocks at big `N`).
//!
//! Costs are nanoseconds per leg-sample (per input frame of one leg; for the naive sum, per output frame of one
//! leg), each the best of several rounds, the rounds of the kernels interleaved so a busy machine slows all
//! alike. The ratio mixer / plain sum is the figure of merit: the mixer reads each input twice (sum, then
//! subtract) and writes each output once, so about 3 is the floor.
//!
//! The clock is the caller's (the crate has no OS dependency): natively `std::time::Instant`, in a browser
//! `performance.now()`.

use crate::command::{Command, LegId, RoomId, SourceSpec};
use crate::dsp::Rng;
use crate::mixer::{Config, Mixer};

/// One size's result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Report {
    /// Legs in the room.
    pub legs: usize,
    /// Frames per block.
    pub block: usize,
    /// Sample rate.
    pub sample_rate: u32,
    /// Blocks per round of the mixer and of the plain sum.
    pub blocks: usize,
    /// Blocks per round of the naive sum.
    pub naive_blocks: usize,
    /// The mixer, nanoseconds per leg-sample.
    pub ns_per_leg_sample: f64,
    /// The plain sum of the same buffers, nanoseconds per leg-sample.
    pub plain_sum_ns_per_leg_sample: f64,
    /// Mixer / plain sum.
    pub ratio: f64,
    /// The naive per-listener re-sum, nanoseconds per leg-sample (of output).
    pub naive_ns_per_leg_sample: f64,
}

/// How much work a measurement does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Rounds per kernel; each kernel's best round counts.
    pub rounds: usize,
    /// Leg-samples per round of the mixer and of the plain sum.
    pub work: usize,
    /// Sample additions per round of the naive sum (`N` per leg-sample: it is O(N²)).
    pub naive_work: usize,
}

impl Default for Plan {
    /// About 3–15 ms per round and kernel natively, fifteen rounds: short rounds and many of them, so that on
    /// a shared machine the best round of each kernel is one that nobody interrupted.
    fn default() -> Self {
        Plan {
            rounds: 15,
            work: 8_000_000,
            naive_work: 64_000_000,
        }
    }
}

/// The bench scene: `legs` external legs in room 0, inputs filled with quiet noise.
pub struct Scene {
    /// The mixer, warmed up (the join ramps are over).
    pub mixer: Mixer,
    /// The same input blocks, leg-major, for the plain and naive sums.
    pub inputs: Vec<f32>,
}

impl Scene {
    /// Builds the scene (at least one leg).
    pub fn new(legs: usize, config: Config) -> Scene {
        let mut mixer = Mixer::new(config);
        let n = mixer.config().block;
        let legs = legs.clamp(1, crate::mixer::MAX_LEGS as usize);
        // Uniform noise of amplitude a has RMS a/√3; the room's sum of N of them has RMS a·√(N/3). Aim at 0.1.
        let amp = 0.1 * (3.0 / legs.max(1) as f64).sqrt();
        let mut rng = Rng::new(0x006d_6978_636f_7265);
        let mut inputs = vec![0.0f32; legs * n];
        for x in inputs.iter_mut() {
            *x = rng.next_f32() * amp as f32;
        }
        for (leg, frames) in inputs.chunks_exact(n).enumerate() {
            let id = LegId(leg as u32);
            mixer.apply(Command::AddLeg {
                leg: id,
                input: SourceSpec::External,
            });
            mixer.apply(Command::Join {
                leg: id,
                room: RoomId(0),
                talk: true,
                listen: true,
            });
            if let Some(input) = mixer.input_mut(id) {
                input.copy_from_slice(frames);
            }
        }
        for _ in 0..4 {
            mixer.render();
        }
        Scene { mixer, inputs }
    }
}

/// Adds every block of `inputs` into `sum`.
pub fn plain_sum(inputs: &[f32], sum: &mut [f32]) {
    sum.fill(0.0);
    for buf in inputs.chunks_exact(sum.len()) {
        for (s, &x) in sum.iter_mut().zip(buf) {
            *s += x;
        }
    }
}

/// Each listener's output as the sum of every other leg's block: the O(N²) way.
pub fn naive_sum(inputs: &[f32], outputs: &mut [f32], block: usize) {
    for (me, out) in outputs.chunks_exact_mut(block).enumerate() {
        out.fill(0.0);
        for (other, buf) in inputs.chunks_exact(block).enumerate() {
            if other != me {
                for (o, &x) in out.iter_mut().zip(buf) {
                    *o += x;
                }
            }
        }
    }
}

/// Measures one size. `now` is a clock in seconds (any origin).
pub fn measure(legs: usize, config: Config, plan: Plan, now: &mut dyn FnMut() -> f64) -> Report {
    let mut scene = Scene::new(legs, config);
    let n = scene.mixer.config().block;
    let legs = scene.inputs.len() / n;
    let leg_samples = (legs * n).max(1);
    let blocks = (plan.work / leg_samples).max(1);
    let naive_blocks = (plan.naive_work / (leg_samples * legs.max(1))).max(1);
    let mut sum = vec![0.0f32; n];
    let mut naive_out = vec![0.0f32; legs * n];
    let (mut mixer_best, mut plain_best, mut naive_best) =
        (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    for _ in 0..plan.rounds.max(1) {
        let t = now();
        for _ in 0..blocks {
            scene.mixer.render();
            core::hint::black_box(scene.mixer.output(LegId(0)));
        }
        mixer_best = mixer_best.min(now() - t);

        let t = now();
        for _ in 0..blocks {
            plain_sum(core::hint::black_box(&scene.inputs), &mut sum);
            core::hint::black_box(&mut sum);
        }
        plain_best = plain_best.min(now() - t);

        let t = now();
        for _ in 0..naive_blocks {
            naive_sum(core::hint::black_box(&scene.inputs), &mut naive_out, n);
            core::hint::black_box(&mut naive_out);
        }
        naive_best = naive_best.min(now() - t);
    }
    let per = |seconds: f64, blocks: usize| seconds * 1e9 / (blocks * leg_samples) as f64;
    let ns_per_leg_sample = per(mixer_best, blocks);
    let plain_sum_ns_per_leg_sample = per(plain_best, blocks);
    Report {
        legs,
        block: n,
        sample_rate: scene.mixer.config().sample_rate,
        blocks,
        naive_blocks,
        ns_per_leg_sample,
        plain_sum_ns_per_leg_sample,
        ratio: ns_per_leg_sample / plain_sum_ns_per_leg_sample,
        naive_ns_per_leg_sample: per(naive_best, naive_blocks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sums_agree_with_the_mixer() {
        let config = Config {
            sample_rate: 8_000,
            block: 16,
        };
        let scene = Scene::new(5, config);
        let mut naive = vec![0.0f32; 5 * 16];
        naive_sum(&scene.inputs, &mut naive, 16);
        let mut total = vec![0.0f32; 16];
        plain_sum(&scene.inputs, &mut total);
        for leg in 0..5 {
            let out = scene.mixer.output(LegId(leg as u32)).unwrap();
            for i in 0..16 {
                assert!((out[i] - naive[leg * 16 + i]).abs() < 1e-6);
                assert!((total[i] - scene.inputs[leg * 16 + i] - out[i]).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn a_report_is_consistent() {
        // A fake clock that advances one second per reading: every round takes one second.
        let mut t = 0.0;
        let mut clock = || {
            t += 1.0;
            t
        };
        let plan = Plan {
            rounds: 2,
            work: 2_560,
            naive_work: 20_480,
        };
        let r = measure(
            8,
            Config {
                sample_rate: 8_000,
                block: 32,
            },
            plan,
            &mut clock,
        );
        assert_eq!((r.legs, r.block, r.sample_rate), (8, 32, 8_000));
        assert_eq!((r.blocks, r.naive_blocks), (10, 10));
        assert_eq!(r.ratio, 1.0);
        assert_eq!(r.ns_per_leg_sample, 1e9 / (r.blocks * 8 * 32) as f64);
    }
}
