//! The CLI under hostile inputs and failing outputs (issue 13), on the real binary:
//! * output errors: a closed pipe ends quietly with exit 141, any other write error (`>/dev/full`) is one line on
//!   stderr and exit 74, for `percl fmt`, `percl check --format json`, `diagram`, `run` and `bench`;
//! * bench arguments out of range are refused with exit 2;
//! * `--media` and phone media files are read within limits (a regular file, a declared rate of 8–192 kHz, at
//!   most 600 s), checked under a memory limit; the longest file at 8 kHz in a 48 kHz render fits in a limit that
//!   resampling it whole exceeded (media is kept at its own rate and resampled as it plays);
//! * nothing is lost: a refused run touches no file, an output that is also an input is refused, outputs appear
//!   whole (temporary file, then rename) and the streamed WAV files are the in-memory render's bytes;
//! * the render streams: a 10-minute run with two `--hear` files and a recording fits in a memory limit that the
//!   whole-run buffers would exceed, and an `--until` longer than a WAV file holds is refused.

#![cfg(not(target_arch = "wasm32"))]

use conflab::audio::{self, MediaFiles, Score, wav};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_conflab");
const LIFECYCLE: &str = "tests/scenarios/audio_lifecycle.json";
const ISSUE: &str = "tests/scenarios/issue-example.json";

fn command(program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(env!("CARGO_MANIFEST_DIR")).process_group(0);
    c
}

fn conflab(args: &[&str]) -> Output {
    command(BIN).args(args).output().expect("run conflab")
}

/// Runs `script` in `bash -c` with `$0` the conflab binary.
fn bash(script: &str) -> Output {
    command("bash")
        .arg("-c")
        .arg(script)
        .arg(BIN)
        .output()
        .expect("run bash")
}

/// Runs conflab with stdout a pipe whose reader is already gone: every write fails with EPIPE.
fn closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    command(BIN)
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run conflab")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("conflab-cli-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

/// Expects exit 74 and exactly one stderr line, starting `prefix` and naming the full device.
#[track_caller]
fn write_failed(out: &Output, prefix: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(74), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(prefix), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Expects the quiet end of a closed pipe: exit 141, nothing on stderr.
#[track_caller]
fn ended_quietly(out: &Output) {
    assert_eq!(out.status.code(), Some(141), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn a_full_device_is_one_line_and_exit_74_for_every_subcommand() {
    let fmt = bash(r#""$0" percl fmt tests/percl/conference.json >/dev/full"#);
    write_failed(&fmt, "conflab percl fmt: cannot write stdout: ");
    let check = bash(r#""$0" percl check --format json tests/percl/conference.json >/dev/full"#);
    write_failed(&check, "conflab percl check: cannot write stdout: ");
    write_failed(
        &bash(r#""$0" diagram >/dev/full"#),
        "conflab diagram: cannot write stdout: ",
    );
    write_failed(
        &bash(&format!(r#""$0" run {ISSUE} >/dev/full"#)),
        "conflab run: cannot write stdout: ",
    );
    write_failed(
        &bash(r#""$0" bench engine --sizes 1 --live 1 >/dev/full"#),
        "conflab bench: cannot write stdout: ",
    );
    // Help and version are outputs too.
    write_failed(
        &bash(r#""$0" --help >/dev/full"#),
        "conflab: cannot write stdout: ",
    );
    write_failed(
        &bash(r#""$0" run --help >/dev/full"#),
        "conflab: cannot write stdout: ",
    );
    write_failed(
        &bash(r#""$0" --version >/dev/full"#),
        "conflab: cannot write stdout: ",
    );
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_141() {
    // `| head -c1` through bash: an output far larger than a pipe's buffer (64 KiB), so the writer is still
    // writing when head has gone.
    let many: Vec<&str> = std::iter::repeat_n("tests/percl/errors.json", 400).collect();
    let out = bash(&format!(
        r#""$0" percl check --format json {} | head -c1 >/dev/null; exit "${{PIPESTATUS[0]}}""#,
        many.join(" ")
    ));
    ended_quietly(&out);
    // The same closed pipe for each subcommand, with the reader gone before the first write.
    ended_quietly(&closed_pipe(&[
        "percl",
        "fmt",
        "tests/percl/conference.json",
    ]));
    ended_quietly(&closed_pipe(&["diagram", "--format", "markdown"]));
    ended_quietly(&closed_pipe(&["run", ISSUE]));
    ended_quietly(&closed_pipe(&[
        "bench", "engine", "--sizes", "1", "--live", "1",
    ]));
    // With audio flags, the run ends at the closed stdout before rendering: no output file appears.
    let dir = scratch("pipe");
    let a = dir.join("a.wav");
    let hear = format!("+15550111111={}", s(&a));
    ended_quietly(&closed_pipe(&["run", LIFECYCLE, "--hear", &hear]));
    assert_eq!(names(&dir), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_help_of_each_subcommand_gives_the_exit_codes() {
    for args in [
        &["percl", "fmt", "--help"][..],
        &["percl", "check", "--help"],
        &["diagram", "--help"],
        &["bench", "engine", "--help"],
        &["bench", "mixer", "--help"],
        &["run", "--help"],
    ] {
        let out = conflab(args);
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        assert!(
            help.contains("exit 141") || help.contains("141 the reader"),
            "{args:?}: {help}"
        );
        assert!(
            help.contains("exit 74") || help.contains("74 stdout"),
            "{args:?}: {help}"
        );
    }
}

#[track_caller]
fn usage_error(args: &[&str], needle: &str) {
    let out = conflab(args);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(text(&out.stdout), "", "{args:?} ran");
    assert!(err.contains(needle), "{args:?}: `{needle}` not in {err}");
}

#[test]
fn bench_arguments_out_of_range_are_refused() {
    usage_error(
        &["bench", "engine", "--sizes", "18446744073709551615"],
        "18446744073709551615 is not in 1..=1000000",
    );
    usage_error(
        &["bench", "engine", "--sizes", "100,0"],
        "0 is not in 1..=1000000",
    );
    usage_error(
        &["bench", "engine", "--live", "0"],
        "0 is not in 1..=1000000",
    );
    usage_error(&["bench", "mixer", "--legs", "0"], "0 is not in 1..=65536");
    usage_error(
        &["bench", "mixer", "--legs", "65537"],
        "65537 is not in 1..=65536",
    );
}

/// Runs `conflab run` in bash under a virtual-memory limit of `kb` KiB.
fn run_limited(kb: u32, args: &[&str]) -> Output {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    bash(&format!(
        r#"ulimit -v {kb}; exec "$0" run {}"#,
        quoted.join(" ")
    ))
}

/// Expects a refused run: exit 2, nothing on stdout, one line on stderr containing `needle`.
#[track_caller]
fn refused(out: &Output, needle: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(text(&out.stdout), "", "something ran: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(needle), "`{needle}` not in {err}");
}

#[test]
fn media_is_read_within_limits_and_a_refused_run_touches_no_file() {
    let dir = scratch("media");
    // An existing output: every refused run below must leave it byte for byte.
    let existing = dir.join("existing.wav");
    let before = wav::encode(&[0.25; 800], 8000);
    std::fs::write(&existing, &before).unwrap();
    let hear = format!("+15550111111={}", s(&existing));
    let url = "https://app.test/hello.wav";
    // 200 KB declaring 1 Hz: resampled to 16 kHz it would be 1.6 G frames (6.4 GB).
    let slow = dir.join("one-hertz.wav");
    std::fs::write(&slow, wav::encode(&vec![0.1; 100_000], 1)).unwrap();
    let media = format!("{url}={}", s(&slow));
    refused(
        &run_limited(
            300_000,
            &[
                "tests/scenarios/audio_urls.json",
                "--hear",
                &hear,
                "--media",
                &media,
            ],
        ),
        "the file declares a sample rate of 1 Hz; conflab reads 8000 to 192000 Hz",
    );
    // A device that never ends.
    let zero = format!("{url}=/dev/zero");
    refused(
        &run_limited(
            300_000,
            &[
                "tests/scenarios/audio_urls.json",
                "--hear",
                &hear,
                "--media",
                &zero,
            ],
        ),
        "--media https://app.test/hello.wav: /dev/zero: not a regular file",
    );
    // A header declaring 601 s (a few bytes of it present): refused from the header, before any sample.
    let mut long = wav::encode(&[0.0; 16], 8000);
    let declared: u32 = 601 * 8000 * 2;
    long[40..44].copy_from_slice(&declared.to_le_bytes());
    long[4..8].copy_from_slice(&(declared + 36).to_le_bytes());
    let long_path = dir.join("long.wav");
    std::fs::write(&long_path, &long).unwrap();
    refused(
        &conflab(&[
            "run",
            "tests/scenarios/audio_urls.json",
            "--hear",
            &hear,
            "--media",
            &format!("{url}={}", s(&long_path)),
        ]),
        "conflab reads media up to 600 s",
    );
    // A bad --media after a --hear of an existing file: refused, and the file is as it was.
    refused(
        &conflab(&[
            "run",
            "tests/scenarios/audio_urls.json",
            "--hear",
            &hear,
            "--media",
            &format!("{url}=nowhere.wav"),
        ]),
        "cannot read nowhere.wav",
    );
    assert_eq!(std::fs::read(&existing).unwrap(), before);
    // No temporary file was left behind.
    assert_eq!(
        names(&dir),
        ["existing.wav", "long.wav", "one-hertz.wav"].map(String::from)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_output_that_is_also_an_input_is_refused_before_anything_runs() {
    let dir = scratch("alias");
    let x = dir.join("x.wav");
    let tone = std::fs::read("tests/scenarios/audio_media/tone500.wav").unwrap();
    std::fs::write(&x, &tone).unwrap();
    let url = "https://app.test/hello.wav";
    let scenario = "tests/scenarios/audio_urls.json";
    let media = format!("{url}={}", s(&x));
    // The same path.
    let same = format!("+15550111111={}", s(&x));
    refused(
        &conflab(&["run", scenario, "--hear", &same, "--media", &media]),
        "that file is also an input (--media https://app.test/hello.wav",
    );
    // The same file by another path, and through a symlink.
    let other = format!(
        "+15550111111={}/../{}/x.wav",
        s(&dir),
        dir.file_name().unwrap().to_str().unwrap()
    );
    refused(
        &conflab(&["run", scenario, "--hear", &other, "--media", &media]),
        "that file is also an input",
    );
    let link = dir.join("link.wav");
    std::os::unix::fs::symlink(&x, &link).unwrap();
    let linked = format!("+15550111111={}", s(&link));
    refused(
        &conflab(&["run", scenario, "--hear", &linked, "--media", &media]),
        "that file is also an input",
    );
    // The scenario itself.
    let copy = dir.join("scenario.json");
    std::fs::copy(scenario, &copy).unwrap();
    let onto = format!("+15550111111={}", s(&copy));
    refused(
        &conflab(&["run", s(&copy), "--hear", &onto]),
        "that file is also an input (the scenario",
    );
    // Two --hear files that are one.
    let a = dir.join("a.wav");
    refused(
        &conflab(&[
            "run",
            scenario,
            "--hear",
            &format!("+15550111111={}", s(&a)),
            "--hear",
            &format!("+15550111111={}/./a.wav", s(&dir)),
        ]),
        "are the same file",
    );
    // A recording folder holding an input named like a recording: a recording could replace it.
    let rec_input = dir.join("REcorded.wav");
    std::fs::write(&rec_input, &tone).unwrap();
    refused(
        &conflab(&[
            "run",
            scenario,
            "--record-dir",
            s(&dir),
            "--media",
            &format!("{url}={}", s(&rec_input)),
        ]),
        "it holds an input named like a recording (--media https://app.test/hello.wav",
    );
    std::fs::remove_file(&rec_input).unwrap();
    // A device as the output would be replaced by the rename: refused.
    refused(
        &conflab(&["run", scenario, "--hear", "+15550111111=/dev/null"]),
        "/dev/null is not a regular file",
    );
    assert_eq!(std::fs::read(&x).unwrap(), tone);
    assert_eq!(
        names(&dir),
        ["link.wav", "scenario.json", "x.wav"].map(String::from)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_streamed_files_are_the_in_memory_render_and_replace_their_targets_whole() {
    let dir = scratch("stream");
    let a = dir.join("a.wav");
    let rec = dir.join("rec");
    // An existing file is replaced by the new one, whole.
    std::fs::write(&a, b"an older file").unwrap();
    let hear = format!("+15550122222={}", s(&a));
    let out = conflab(&["run", LIFECYCLE, "--hear", &hear, "--record-dir", s(&rec)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let scenario = conflab::scenario::parse_bytes(&std::fs::read(LIFECYCLE).unwrap()).unwrap();
    let (_, score) = Score::from_run(&scenario, None, &MediaFiles::new(), 16_000);
    let config = conflab_mixer::Config {
        sample_rate: 16_000,
        block: 128,
    };
    let rendered = audio::render(&score, config, &[score.phones["+15550122222"].clone()]).unwrap();
    assert_eq!(
        std::fs::read(&a).unwrap(),
        wav::encode(&rendered.hear[0], 16_000)
    );
    assert_eq!(rendered.recordings.len(), 1);
    let (id, samples) = &rendered.recordings[0];
    assert_eq!(
        std::fs::read(rec.join(format!("{id}.wav"))).unwrap(),
        wav::encode(samples, 16_000)
    );
    // Only the outputs: no temporary or probe file is left.
    assert_eq!(names(&dir), ["a.wav", "rec"].map(String::from));
    assert_eq!(names(&rec), [format!("{id}.wav")]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_long_render_streams_within_a_memory_limit() {
    let dir = scratch("long");
    // The lifecycle's conference with nobody hanging up, held to 10 minutes by a last request.
    let mut scenario: serde_json::Value =
        serde_json::from_slice(&std::fs::read(LIFECYCLE).unwrap()).unwrap();
    let steps = scenario["steps"].as_array_mut().unwrap();
    steps.retain(|s| s.get("hangup").is_none() && s["at"].as_u64() < Some(13_000));
    steps
        .push(serde_json::json!({"at": 600_000, "api": {"method": "GET", "path": "/Conferences"}}));
    let path = dir.join("long.json");
    std::fs::write(&path, scenario.to_string()).unwrap();
    let (a, b, rec) = (dir.join("a.wav"), dir.join("b.wav"), dir.join("rec"));
    // In memory, the three 10-minute tracks at 8 kHz alone take 3 × 19 MB, more than the whole limit (the
    // streaming render runs in less than 20 MB).
    let out = run_limited(
        50_000,
        &[
            s(&path),
            "--sample-rate",
            "8000",
            "--hear",
            &format!("+15550111111={}", s(&a)),
            "--hear",
            &format!("+15550122222={}", s(&b)),
            "--record-dir",
            s(&rec),
        ],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("rendered 600.000 s of audio at 8000 Hz (1 recording, 2 --hear files)"),
        "{err}"
    );
    for f in [&a, &b] {
        assert_eq!(std::fs::metadata(f).unwrap().len(), 44 + 600 * 8_000 * 2);
    }
    let (heard, rate) = wav::decode(&std::fs::read(&b).unwrap()).unwrap();
    assert_eq!((rate, heard.len()), (8000, 600 * 8000));
    // B (660 Hz) still hears A's 440 Hz tone at the end of the run.
    let tail = &heard[heard.len() - 8000..];
    assert!(tail.iter().map(|x| x * x).sum::<f32>() / 8000.0 > 0.01);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_long_media_file_is_held_at_its_own_rate_within_a_memory_limit() {
    let dir = scratch("own-rate");
    // The longest media file, 600 s at 8 kHz (19 MB decoded), played in a 48 kHz render. Resampled whole to
    // 48 kHz it took 115 MB more (and a copy of that for the mixer): over this limit. Kept at 8 kHz and
    // resampled as it plays, the run needs about 60 MB of address space.
    let tone: Vec<f32> = (0..600 * 8000)
        .map(|i| if i % 16 < 8 { 0.5 } else { -0.5 })
        .collect();
    let file = dir.join("long8k.wav");
    std::fs::write(&file, wav::encode(&tone, 8000)).unwrap();
    drop(tone);
    let heard = dir.join("heard.wav");
    let out = run_limited(
        120_000,
        &[
            "tests/scenarios/audio_urls.json",
            "--sample-rate",
            "48000",
            "--media",
            &format!("https://app.test/hello.wav={}", s(&file)),
            "--hear",
            &format!("+15550111111={}", s(&heard)),
        ],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("rendered 6.500 s of audio at 48000 Hz (0 recordings, 1 --hear file)"),
        "{err}"
    );
    // The phone heard the file (a 500 Hz square wave at half scale) while the app played it.
    let (samples, rate) = wav::decode(&std::fs::read(&heard).unwrap()).unwrap();
    assert_eq!((rate, samples.len()), (48_000, 6_500 * 48));
    let second = &samples[48_000..96_000];
    assert!(second.iter().map(|x| x * x).sum::<f32>() / 48_000.0 > 0.05);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_scenario_that_never_ends_is_refused_at_the_size_limit() {
    refused(
        &run_limited(100_000, &["/dev/zero"]),
        "/dev/zero is larger than 4194304 bytes, the most a scenario may have",
    );
}

#[test]
fn an_until_longer_than_a_wav_file_holds_is_refused_and_creates_nothing() {
    let dir = scratch("until");
    let a = dir.join("a.wav");
    let hear = format!("+15550111111={}", s(&a));
    refused(
        &run_limited(
            300_000,
            &[LIFECYCLE, "--until", "9007199254740991", "--hear", &hear],
        ),
        "--until 9007199254740991 ms is longer than a WAV file holds at 16000 Hz; with --record-dir or --hear give --until 134217726 or less (37.3 hours)",
    );
    assert!(!a.exists());
    // At 192 kHz the longest is 11184810 ms.
    refused(
        &conflab(&[
            "run",
            LIFECYCLE,
            "--until",
            "11184811",
            "--sample-rate",
            "192000",
            "--hear",
            &hear,
        ]),
        "give --until 11184810 or less",
    );
    assert_eq!(names(&dir), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}
