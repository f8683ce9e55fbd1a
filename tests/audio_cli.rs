//! `conflab run --record-dir DIR --hear PHONE=FILE.wav --sample-rate HZ`: the WAV files it writes, the log on
//! stdout unchanged, the one-line summary on stderr, phone media files read relative to the scenario, and every
//! bad flag refused with exit code 2 before anything runs.

#![cfg(not(target_arch = "wasm32"))]

#[path = "audio_support/signal.rs"]
mod signal;

use conflab::audio::wav;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn conflab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_conflab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run the conflab binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conflab-audio-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const LIFECYCLE: &str = "tests/scenarios/audio_lifecycle.json";

#[test]
fn recordings_and_hear_files_are_written_and_the_log_is_unchanged() {
    let dir = scratch("lifecycle");
    let rec = dir.join("rec");
    let a = dir.join("a.wav");
    let hear = format!("+15550111111={}", s(&a));
    let out = conflab(&["run", LIFECYCLE, "--record-dir", s(&rec), "--hear", &hear]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let plain = conflab(&["run", LIFECYCLE]);
    assert_eq!(
        out.stdout, plain.stdout,
        "the log changed with the audio flags"
    );
    assert_eq!(text(&plain.stderr), "");
    let expected = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/scenarios/audio_lifecycle.jsonl"
    ))
    .unwrap();
    assert_eq!(out.stdout, expected);
    // One summary line: 13 s rendered at the default 16 kHz, faster than real time.
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("13.000 s of audio at 16000 Hz"), "{err}");
    assert!(err.contains("1 recording, 1 --hear file"), "{err}");
    assert!(err.contains("faster than real time"), "{err}");
    // The recording: RE….wav, 6 s (inProgress at 5 s to empty at 11 s) at 16 kHz.
    let files: Vec<_> = std::fs::read_dir(&rec)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(
        name.starts_with("RE") && name.ends_with(".wav") && name.len() == 46,
        "{name}"
    );
    let (samples, rate) = wav::decode(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(rate, 16_000);
    assert_eq!(samples.len(), 6 * 16_000);
    let (heard, rate) = wav::decode(&std::fs::read(&a).unwrap()).unwrap();
    assert_eq!(rate, 16_000);
    assert_eq!(heard.len(), 13 * 16_000);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_sample_rate_flag_sets_the_rate_of_every_file() {
    let dir = scratch("rate");
    let a = dir.join("a.wav");
    let hear = format!("+15550122222={}", s(&a));
    let out = conflab(&["run", LIFECYCLE, "--hear", &hear, "--sample-rate", "8000"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (heard, rate) = wav::decode(&std::fs::read(&a).unwrap()).unwrap();
    assert_eq!((rate, heard.len()), (8000, 13 * 8000));
    // H (660 Hz) hears A's 440 Hz once it has joined (5 s); not before its call.
    assert!(heard[..5 * 8000].iter().all(|&x| x == 0.0));
    let w = signal::window(&heard, 5500, 7900);
    assert!(
        (signal::tone(w, 440.0) - 0.251).abs() < 0.02,
        "{}",
        signal::tone(w, 440.0)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_phone_media_file_is_read_relative_to_the_scenario_and_heard_by_the_others() {
    let dir = scratch("file");
    let l = dir.join("l.wav");
    let hear = format!("+15550177777={}", s(&l));
    // 16 kHz: the 8 kHz file is resampled, and stays a 500 Hz tone at half scale.
    let out = conflab(&["run", "tests/scenarios/audio_file.json", "--hear", &hear]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (heard, rate) = wav::decode(&std::fs::read(&l).unwrap()).unwrap();
    assert_eq!(rate, 16_000);
    // L is in the conference with the file phone from 1 s to 3 s.
    let w = &heard[24_000..40_000]; // 1.5–2.5 s
    let level = signal::tone_at(w, 500.0, 16_000);
    assert!(
        (level - 0.5).abs() < 0.03,
        "the file's 500 Hz at half scale: {level}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs with `args` after the scenario and expects exit code 2, nothing on stdout, and `needle` on stderr.
fn refused(scenario: &str, args: &[&str], needle: &str) {
    let mut all = vec!["run", scenario];
    all.extend_from_slice(args);
    let out = conflab(&all);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(text(&out.stdout), "", "{args:?}: something ran");
    assert!(err.contains(needle), "{args:?}: `{needle}` not in: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn bad_flags_are_refused_before_anything_runs() {
    let dir = scratch("bad");
    let ok = format!("{}/x.wav", s(&dir));
    refused(LIFECYCLE, &["--hear", "+15550111111"], "has no `=`");
    refused(
        LIFECYCLE,
        &["--hear", "=x.wav"],
        "needs both a phone and a file",
    );
    refused(
        LIFECYCLE,
        &["--hear", &format!("+15559999999={ok}")],
        "the scenario names no such phone (a key of `phones` or the `from` of a `dial` step); it names +15550111111, +15550122222, +15550133333, +15550144444",
    );
    refused(
        LIFECYCLE,
        &["--hear", "+15550111111=/nonexistent-conflab-dir/a.wav"],
        "--hear +15550111111: cannot write /nonexistent-conflab-dir/a.wav",
    );
    // A folder inside a regular file cannot be created.
    refused(
        LIFECYCLE,
        &["--record-dir", "Cargo.toml/rec"],
        "--record-dir Cargo.toml/rec: cannot create the folder",
    );
    refused(
        LIFECYCLE,
        &[
            "--hear",
            &format!("+15550111111={ok}"),
            "--sample-rate",
            "100",
        ],
        "--sample-rate 100 is out of range",
    );
    refused(
        LIFECYCLE,
        &["--sample-rate", "8000"],
        "renders nothing on its own",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreadable_or_invalid_phone_media_file_is_refused() {
    let dir = scratch("media");
    let original = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/scenarios/audio_file.json"
    ))
    .unwrap();
    let hear = format!("+15550177777={}/l.wav", s(&dir));
    // Not a WAV.
    std::fs::write(dir.join("bad.wav"), "this is text, not audio\n").unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, original.replace("audio_media/tone500.wav", "bad.wav")).unwrap();
    refused(s(&bad), &["--hear", &hear], "not a readable WAV file");
    // Missing.
    let missing = dir.join("missing.json");
    std::fs::write(
        &missing,
        original.replace("audio_media/tone500.wav", "nowhere.wav"),
    )
    .unwrap();
    refused(
        s(&missing),
        &["--hear", &hear],
        "phone media file nowhere.wav",
    );
    // Without audio flags the file is never read, and the run works.
    let out = conflab(&["run", s(&missing)]);
    assert_eq!(out.status.code(), Some(0));
    // Every phone's problem is reported, each at its pointer: two phones on one missing file, one on a bad file.
    let both = dir.join("both.json");
    std::fs::write(
        &both,
        original
            .replace("audio_media/tone500.wav", "nowhere.wav")
            .replace(
                r#""+15550177777": {"media": {"silence": true}}"#,
                r#""+15550177777": {"media": {"file": "bad.wav"}}, "+15550188888": {"media": {"file": "nowhere.wav"}}"#,
            ),
    )
    .unwrap();
    let out = conflab(&["run", s(&both), "--hear", &hear]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(text(&out.stdout), "", "something ran");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    // By file (bad.wav, then nowhere.wav), then by phone.
    assert!(
        lines[0]
            .starts_with("conflab run: /phones/+15550177777/media/file: phone media file bad.wav")
            && lines[0].contains("not a readable WAV file"),
        "{err}"
    );
    for (line, phone) in lines[1..].iter().zip(["+15550166666", "+15550188888"]) {
        assert!(
            line.starts_with(&format!(
                "conflab run: /phones/{phone}/media/file: phone media file nowhere.wav"
            )) && line.ends_with("paths are relative to the scenario file"),
            "{err}"
        );
    }
    assert!(!dir.join("l.wav").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn media_maps_a_play_url_and_a_wait_url_to_wav_files() {
    let dir = scratch("urls");
    let a = dir.join("a.wav");
    let hear = format!("+15550111111={}", s(&a));
    let tone = "tests/scenarios/audio_media/tone500.wav";
    let hello = format!("https://app.test/hello.wav={tone}");
    let hold = format!("https://app.test/hold.wav={tone}");
    let scenario = "tests/scenarios/audio_urls.json";
    let args = ["run", scenario, "--hear", &hear, "--sample-rate", "8000"];
    // Without --media: the chime (659/523/392 Hz) for the Play and conflab's music while populated; no 500 Hz.
    let out = conflab(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (plain, _) = wav::decode(&std::fs::read(&a).unwrap()).unwrap();
    for (from, to) in [(100, 900), (3500, 4900)] {
        let w = signal::window(&plain, from, to);
        assert!(signal::rms(w) > 0.01, "{from}-{to} ms is silent");
        assert!(
            signal::tone(w, 500.0) < 0.02,
            "500 Hz without --media at {from} ms"
        );
    }
    let mut with = args.to_vec();
    with.extend(["--media", &hello, "--media", &hold]);
    let out = conflab(&with);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (mapped, _) = wav::decode(&std::fs::read(&a).unwrap()).unwrap();
    // The Play (0–3 s) and the wait music (3–5 s, populated) are the file's 500 Hz at half scale; the host's
    // join at 5 s stops the music.
    for (what, from, to) in [("the Play", 100, 2900), ("the wait music", 3200, 4900)] {
        let level = signal::tone(signal::window(&mapped, from, to), 500.0);
        assert!((level - 0.5).abs() < 0.03, "{what}: {level}");
    }
    assert!(signal::tone(signal::window(&mapped, 5200, 6000), 500.0) < 1e-3);
    refused(
        scenario,
        &["--hear", &hear, "--media", "https://app.test/hold.wav"],
        "is not URL=FILE.wav",
    );
    refused(
        scenario,
        &[
            "--hear",
            &hear,
            "--media",
            "https://app.test/hold.wav=nowhere.wav",
        ],
        "--media https://app.test/hold.wav: cannot read nowhere.wav",
    );
    refused(scenario, &["--media", &hold], "renders nothing on its own");
    let _ = std::fs::remove_dir_all(&dir);
}
