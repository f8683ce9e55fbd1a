//! PerCL checker speed against `serde_json::from_str::<serde_json::Value>` on the same bytes.
//!
//! `cargo bench --bench percl` first prints, for a small, a medium and a ~100 KB script, the time of
//! `conflab::percl::check` and of serde_json parsing into a `Value`, measured interleaved in the same run, and
//! their ratio (goal: at most 2). Then criterion measures both in detail. Under `cargo test --benches` each is
//! run once, as a smoke test.

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The reference's example of what the SDK emits (about 600 bytes; one warning: commands after CreateConference).
const SMALL: &str = r#"[{"Say": {"text": "hi", "loop": 1}}, {"CreateConference": {"actionUrl": "https://a/b", "playBeep": "entryOnly", "record": true, "statusCallbackUrl": "https://a/s"}}, {"AddToConference": {"conferenceId": "CF1", "startConfOnEnter": true, "talk": false}}, {"GetDigits": {"actionUrl": "https://x", "maxDigits": 1, "prompts": [{"Say": {"text": "p", "loop": 1}}, {"Pause": {"length": 100}}]}}, {"RemoveFromConference": {}}, {"TerminateConference": {}}, {"SetListen": {"listen": false}}, {"SetTalk": {"talk": true}}, {"SetDTMFPassThrough": {"dtmfPassThrough": true}}, {"Hangup": {}}]"#;

/// One hand-written IVR step, pretty-printed as a developer would keep it in a file.
const BLOCK: &str = r##"  {"Say": {"text": "Welcome to the Example Corp conference line. Your call may be recorded for quality purposes.", "language": "en-US", "loop": 1}},
  {"Play": {"file": "https://app.example.com/audio/hold-music.wav", "loop": 2, "privacyMode": false}},
  {"Pause": {"length": 500}},
  {"SendDigits": {"digits": "1234#", "pauseMs": 250}},
  {"Sms": {"to": "+18005550199", "from": "+18005550100", "text": "Your conference PIN is 4321.", "notificationUrl": "https://app.example.com/sms-status"}},
  {"StartRecordCall": {}},
  {"Say": {"text": "Grüße! Press 1 for sales, 2 for support, or stay on the line — we will connect you.", "language": "de-DE", "engine": {"name": "freeclimb.neural", "parameters": {"voice": "Marlene", "speed": 1.05}}}},
"##;

/// The final, terminal command of the generated scripts.
const TAIL: &str = r##"  {"GetDigits": {"actionUrl": "https://app.example.com/menu", "digitTimeoutMs": 3000, "finishOnKey": "#", "initialTimeoutMs": 5000, "maxDigits": 6, "minDigits": 1, "prompts": [{"Say": {"text": "Enter your PIN, then press pound.", "loop": 1}}, {"Pause": {"length": 300}}, {"Play": {"file": "https://app.example.com/audio/beep.wav"}}]}}
"##;

/// A script of `BLOCK`s ending in `TAIL`, at least `bytes` long.
fn script(bytes: usize) -> String {
    let mut s = String::from("[\n");
    while s.len() + TAIL.len() < bytes {
        s.push_str(BLOCK);
    }
    s.push_str(TAIL);
    s.push(']');
    s
}

/// Median time per call of `f`, from `rounds` rounds of `per_round` calls.
fn per_call(rounds: usize, per_round: usize, f: &mut dyn FnMut()) -> Vec<Duration> {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_round {
                f();
            }
            start.elapsed() / per_round as u32
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Interleaves rounds of check and of serde_json so that both see the same machine state; returns the medians.
fn ratio(source: &str, quick: bool) -> (Duration, Duration) {
    let per_round = if quick {
        1
    } else {
        (2_000_000 / source.len()).clamp(1, 5_000)
    };
    let rounds = if quick { 1 } else { 31 };
    let (mut checks, mut serdes) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        checks.extend(per_call(1, per_round, &mut || {
            black_box(conflab::percl::check(black_box(source)));
        }));
        serdes.extend(per_call(1, per_round, &mut || {
            black_box(serde_json::from_str::<serde_json::Value>(black_box(source)).ok());
        }));
    }
    (median(checks), median(serdes))
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let scripts = [
        ("small", SMALL.to_owned()),
        ("medium", script(5_000)),
        ("large", script(100_000)),
    ];
    for (name, source) in &scripts {
        let report = conflab::percl::check(source);
        assert!(
            report.is_valid(),
            "{name} must be valid: {:#?}",
            report.diagnostics
        );
        assert!(serde_json::from_str::<serde_json::Value>(source).is_ok());
        let (check, serde) = ratio(source, quick);
        println!(
            "percl ratio {name:>6} ({:>6} bytes): check {:>10.2?}  serde_json::Value {:>10.2?}  ratio {:.2} (goal <= 2)",
            source.len(),
            check,
            serde,
            check.as_secs_f64() / serde.as_secs_f64()
        );
    }

    let mut c = Criterion::default().configure_from_args();
    for (name, source) in &scripts {
        let mut group = c.benchmark_group(format!("percl/{name}"));
        group.throughput(Throughput::Bytes(source.len() as u64));
        group.bench_function("check", |b| {
            b.iter(|| conflab::percl::check(black_box(source)))
        });
        group.bench_function("serde_json::Value", |b| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(source)).ok())
        });
        group.finish();
    }
    c.final_summary();
}
