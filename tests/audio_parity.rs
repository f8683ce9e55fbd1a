//! The parity fixture for the browser (engineer "worklet"): tests/scenarios/audio_parity.json rendered natively
//! at 8 kHz in blocks of 128 — what +15550111111 hears for the whole run (4.5 s: a Say, wait music, beeps, a
//! speech voice, a tone, DTMF pass-through, a talker of its own that it must not hear) — must equal
//! tests/golden/audio/parity.f32 (raw little-endian f32, 36,000 frames) bit for bit. The browser renders the same
//! score through the same `Player` loop and compares against the same file. No WAV media: browser decoding
//! would differ. Update mode (`CONFLAB_UPDATE_GOLDEN=1`) rewrites the file.

#[path = "support/golden.rs"]
mod golden;

use conflab::audio::{self, MediaFiles, Score};

const LISTENER: &str = "+15550111111";

fn render() -> Vec<f32> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/scenarios/audio_parity.json"
    );
    let scenario = conflab::scenario::parse_bytes(&std::fs::read(path).unwrap()).unwrap();
    let (_, score) = Score::from_run(&scenario, None, &MediaFiles::new(), 8000);
    let config = conflab_mixer::Config {
        sample_rate: 8000,
        block: 128,
    };
    let hear = [score.phones[LISTENER].clone()];
    audio::render(&score, config, &hear).unwrap().hear.remove(0)
}

#[test]
fn the_native_render_of_the_parity_scenario_equals_its_golden_samples() {
    let samples = render();
    assert_eq!(samples.len(), 36_000, "4.5 s at 8 kHz");
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    assert!(bytes.len() < 150_000);
    let file = golden::path("audio/parity.f32");
    if golden::updating() {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &bytes).unwrap();
        return;
    }
    let expected = std::fs::read(&file).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}); create it with CONFLAB_UPDATE_GOLDEN=1",
            file.display()
        )
    });
    assert_eq!(
        expected.len(),
        bytes.len(),
        "the golden render has another length"
    );
    let golden: Vec<f32> = expected
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let differing = golden
        .iter()
        .zip(&samples)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count();
    let first = golden
        .iter()
        .zip(&samples)
        .position(|(a, b)| a.to_bits() != b.to_bits());
    let largest = golden
        .iter()
        .zip(&samples)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, |m, d| if d > m { d } else { m });
    assert!(
        differing == 0,
        "{differing} samples differ from {} (first at frame {first:?}, largest difference {largest}); if the \
         mixer changed on purpose, rerun with CONFLAB_UPDATE_GOLDEN=1 and tell the browser side",
        file.display()
    );
}

#[test]
fn the_parity_render_holds_every_kind_of_sound() {
    // A fixture that is mostly silence would prove little: each stretch has sound.
    let s = render();
    let rms = |a: usize, b: usize| {
        (s[a..b].iter().map(|x| f64::from(*x).powi(2)).sum::<f64>() / (b - a) as f64).sqrt()
    };
    for (what, from_ms, to_ms) in [
        ("the Say", 0, 800),
        ("the wait music", 1100, 2000),
        ("the host's speech", 2300, 2500),
        ("the tone", 2800, 3000),
        ("the DTMF", 3000, 3100),
    ] {
        let level = rms(from_ms * 8, to_ms * 8);
        assert!(level > 0.01, "{what} ({from_ms}–{to_ms} ms): rms {level}");
    }
}
