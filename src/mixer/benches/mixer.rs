//! `cargo bench -p conflab-mixer --bench mixer [-- N,N,…]`: the same measurement as `conflab bench mixer`, built
//! with the mixer crate alone (quick to rebuild while tuning the kernels).

use conflab_mixer::Config;
use conflab_mixer::bench::{Plan, measure};
use std::time::Instant;

fn main() {
    let legs: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .flat_map(|a| {
            a.split(',')
                .filter_map(|n| n.parse().ok())
                .collect::<Vec<_>>()
        })
        .collect();
    let legs = if legs.is_empty() {
        vec![64, 256, 1024]
    } else {
        legs
    };
    // CONFLAB_BENCH_BLOCK=N measures another block length (per-leg costs weigh less in longer blocks).
    let block = std::env::var("CONFLAB_BENCH_BLOCK")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(128);
    let config = Config {
        block,
        ..Config::default()
    };
    let start = Instant::now();
    let mut clock = || start.elapsed().as_secs_f64();
    for n in legs {
        let r = measure(n, config, Plan::default(), &mut clock);
        println!(
            "legs {:5}  mixer {:.3} ns  plain {:.3} ns  ratio {:.2}  naive {:.3} ns",
            r.legs,
            r.ns_per_leg_sample,
            r.plain_sum_ns_per_leg_sample,
            r.ratio,
            r.naive_ns_per_leg_sample
        );
    }
}
