//! `cargo bench -p conflab-mixer --bench talker`: nanoseconds per sample of the simulated talker (noise
//! syllables, always talking and with the scenario's 2 s / 2 s pattern; and reading a text), with a tone
//! source's cost measured in the same run as the baseline (`ratio` = talker / tone), one block at a time.

use conflab_mixer::SourceSpec;
use conflab_mixer::source::Source;
use std::hint::black_box;
use std::time::Instant;

/// Renders `spec` at `rate` in blocks of `block` for at least `min_s` seconds of wall time (after one second
/// of audio as warm-up) and returns nanoseconds per sample.
fn ns_per_sample(spec: &SourceSpec, rate: u32, block: usize, min_s: f64) -> f64 {
    let mut src = Source::new(spec, rate, &|_| None);
    let mut out = vec![0.0f32; block];
    for _ in 0..(rate as usize / block) {
        src.render(&mut out);
    }
    let mut samples = 0u64;
    let start = Instant::now();
    loop {
        for _ in 0..64 {
            src.render(black_box(&mut out));
            black_box(&out);
        }
        samples += 64 * block as u64;
        let t = start.elapsed().as_secs_f64();
        if t >= min_s {
            return t * 1e9 / samples as f64;
        }
    }
}

fn talker(talk_ms: u32, silence_ms: u32, text: &str) -> SourceSpec {
    SourceSpec::Talker {
        seed: 7,
        talk_ms,
        silence_ms,
        text: text.to_owned(),
    }
}

fn main() {
    let block = std::env::var("CONFLAB_BENCH_BLOCK")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(128);
    let scenes = [
        ("noise talking", talker(1000, 0, "")),
        ("noise 2s/2s", talker(2000, 2000, "")),
        ("text talking", talker(1000, 0, "hello there how are you")),
    ];
    for rate in [16_000u32, 48_000] {
        let tone = ns_per_sample(&SourceSpec::Tone { hz: 440.0 }, rate, block, 0.5);
        for (name, spec) in &scenes {
            let ns = ns_per_sample(spec, rate, block, 0.5);
            println!(
                "rate {rate:5}  {name:14}  {ns:7.3} ns/sample  tone {tone:6.3} ns  ratio {:6.2}",
                ns / tone
            );
        }
    }
}
