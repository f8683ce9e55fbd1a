//! Measuring rendered audio in the audio tests: Goertzel tone levels and RMS on windows, and a scenario's render
//! at a test rate. Included with `#[path = "audio_support/signal.rs"] mod signal;`.

// Each test binary uses part of it.
#![allow(dead_code)]

use conflab::audio::{self, MediaFiles, Rendered, Score};
use conflab::engine::log::LogLine;

/// The rate the tests render at (fast in debug builds).
pub const RATE: u32 = 8000;

/// The frames of window `[from_ms, to_ms)` of `s` at [`RATE`].
pub fn window(s: &[f32], from_ms: u64, to_ms: u64) -> &[f32] {
    let a = (from_ms * u64::from(RATE) / 1000) as usize;
    let b = (to_ms * u64::from(RATE) / 1000) as usize;
    &s[a.min(s.len())..b.min(s.len())]
}

/// The amplitude of the `hz` component of `s` at [`RATE`] (Goertzel, 2·|X(hz)|/N): a sine of amplitude A at an
/// exact bin gives A, other exact-bin tones give 0 (windows of a multiple of 100 ms hold whole periods of every
/// 10 Hz multiple).
pub fn tone(s: &[f32], hz: f64) -> f64 {
    tone_at(s, hz, RATE)
}

/// [`tone`] for samples at `rate`.
pub fn tone_at(s: &[f32], hz: f64, rate: u32) -> f64 {
    let w = 2.0 * std::f64::consts::PI * hz / f64::from(rate);
    let (mut re, mut im) = (0.0f64, 0.0f64);
    for (n, &x) in s.iter().enumerate() {
        re += f64::from(x) * (w * n as f64).cos();
        im -= f64::from(x) * (w * n as f64).sin();
    }
    2.0 * (re * re + im * im).sqrt() / s.len().max(1) as f64
}

/// Root mean square of `s`.
pub fn rms(s: &[f32]) -> f64 {
    (s.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / s.len().max(1) as f64).sqrt()
}

/// Loads and parses tests/scenarios/`name`.
pub fn scenario(name: &str) -> conflab::scenario::Scenario {
    let path = format!("{}/tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    conflab::scenario::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{}", e.render(&path)))
}

/// Runs tests/scenarios/`name` and renders what each of `phones` hears, plus every recording, at [`RATE`].
pub fn render(name: &str, phones: &[&str]) -> (Vec<LogLine>, Score, Rendered) {
    let s = scenario(name);
    let (log, score) = Score::from_run(&s, None, &MediaFiles::new(), RATE);
    let hear: Vec<_> = phones
        .iter()
        .map(|p| score.phones.get(*p).cloned().unwrap_or_default())
        .collect();
    let config = conflab_mixer::Config {
        sample_rate: RATE,
        block: 128,
    };
    let rendered = audio::render(&score, config, &hear).expect("render");
    (log, score, rendered)
}

/// The virtual times of the log's media lines of `change` (with `on` = `on` when given).
pub fn media_times(log: &[LogLine], change: &str, on: Option<bool>) -> Vec<u64> {
    log.iter()
        .filter(|l| {
            l.kind() == "media" && l.get("change").as_ref().and_then(|v| v.as_str()) == Some(change)
        })
        .filter(|l| on.is_none() || l.get("on").and_then(|v| v.as_bool()) == on)
        .map(|l| l.at)
        .collect()
}
