//! Golden tests of `conflab percl check` and `conflab percl fmt`: what a user sees on stdout and stderr, and the
//! exit code. Fixtures live in `tests/percl/`, expected output in `tests/golden/percl/`; rewrite it with
//! `CONFLAB_UPDATE_GOLDEN=1 cargo test --test percl_cli` and review the diff.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/golden.rs"]
mod golden;

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `conflab` in the package root (so fixture paths in the output are relative), feeding `stdin`.
fn conflab(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_conflab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the conflab binary");
    let mut input = child.stdin.take().expect("stdin is piped");
    // Writing may fail with a broken pipe if conflab stops reading early; the exit status tells the story.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().expect("wait for conflab")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("conflab prints UTF-8")
}

/// Runs conflab and asserts its exit code; returns (stdout, stderr).
#[track_caller]
fn run(args: &[&str], stdin: &[u8], code: i32) -> (String, String) {
    let out = conflab(args, stdin);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(code),
        "conflab {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (stdout, stderr)
}

#[test]
fn a_valid_script_passes_silently() {
    let (stdout, stderr) = run(&["percl", "check", "tests/percl/conference.json"], b"", 0);
    assert_eq!((stdout.as_str(), stderr.as_str()), ("", ""));
}

#[test]
fn warnings_go_to_stderr_and_do_not_fail() {
    let (stdout, stderr) = run(&["percl", "check", "tests/percl/warnings.json"], b"", 0);
    assert_eq!(stdout, "");
    golden::assert_golden("percl/check-warnings.txt", &stderr);
}

#[test]
fn every_error_of_every_file_is_reported_and_the_exit_code_is_1() {
    let files = [
        "tests/percl/errors.json",
        "tests/percl/malformed.json",
        "tests/percl/not-array.json",
        "tests/percl/latin1.json",
        "tests/percl/conference.json",
    ];
    let mut args = vec!["percl", "check"];
    args.extend(files);
    let (stdout, stderr) = run(&args, b"", 1);
    assert_eq!(stdout, "");
    golden::assert_golden("percl/check-errors.txt", &stderr);
    // One line per diagnostic, each in the FILE:LINE:COL: severity: /pointer: message form.
    for line in stderr.lines() {
        let parts: Vec<&str> = line.splitn(5, ": ").collect();
        let place: Vec<&str> = parts[0].rsplitn(3, ':').collect();
        assert!(
            place.len() == 3 && place[0].parse::<u32>().is_ok() && place[1].parse::<u32>().is_ok(),
            "{line}"
        );
        assert!(matches!(parts[1], "error" | "warning"), "{line}");
        assert!(parts[2].starts_with('/'), "{line}");
    }
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("tests/percl/errors.json:"))
            .count(),
        23
    );
}

#[test]
fn json_format_goes_to_stdout() {
    let args = [
        "percl",
        "check",
        "--format",
        "json",
        "tests/percl/warnings.json",
        "tests/percl/malformed.json",
    ];
    let (stdout, stderr) = run(&args, b"", 1);
    assert_eq!(stderr, "");
    golden::assert_golden("percl/check-json.json", &stdout);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["files"][0]["valid"], true);
    assert_eq!(doc["files"][0]["warnings"], 5);
    assert_eq!(doc["files"][1]["diagnostics"][0]["code"], "json-syntax");
    assert_eq!(doc["files"][1]["diagnostics"][0]["pointer"], "/1");
}

#[test]
fn dash_reads_stdin() {
    let script = br#"[{"Say": {"text": "Hi"}}, {"Hangup": {"reason": 3}}]"#;
    let (_, stderr) = run(&["percl", "check", "-"], script, 1);
    assert_eq!(
        stderr,
        "<stdin>:1:49: error: /1/Hangup/reason: \"reason\" must be a string, but this is a number (fix: put it in quotes: \"3\")\n"
    );
    let (stdout, _) = run(
        &["percl", "check", "--format", "json", "-"],
        br#"[{"Hangup": {}}]"#,
        0,
    );
    assert!(stdout.contains("\"file\": \"<stdin>\""), "{stdout}");
}

#[test]
fn io_and_usage_errors_exit_2() {
    let (_, stderr) = run(
        &[
            "percl",
            "check",
            "tests/percl/conference.json",
            "tests/percl/missing.json",
        ],
        b"",
        2,
    );
    assert!(
        stderr.starts_with("conflab: tests/percl/missing.json: "),
        "{stderr}"
    );
    let (_, stderr) = run(&["percl", "check"], b"", 2);
    assert!(
        stderr.contains("required arguments were not provided"),
        "{stderr}"
    );
    let (_, stderr) = run(&["percl", "check", "--format", "yaml", "x.json"], b"", 2);
    assert!(stderr.contains("invalid value 'yaml'"), "{stderr}");
    let (_, stderr) = run(&["percl", "fmt", "tests/percl/missing.json"], b"", 2);
    assert!(
        stderr.starts_with("conflab: tests/percl/missing.json: "),
        "{stderr}"
    );
}

#[test]
fn oversized_input_is_refused_with_one_error() {
    let mut big = b"[{\"Say\": {\"text\": \"".to_vec();
    big.resize(3 << 20, b'a');
    big.extend_from_slice(b"\"}}]");
    let (_, stderr) = run(&["percl", "check", "-"], &big, 1);
    assert_eq!(
        stderr,
        "<stdin>:1:1: error: /: the script is 3145732 bytes; conflab checks scripts of up to 1048576 bytes (fix: split the script, or return less PerCL from one webhook)\n"
    );
}

#[test]
fn fmt_prints_the_sdk_form_and_is_idempotent() {
    let (stdout, stderr) = run(&["percl", "fmt", "tests/percl/unformatted.json"], b"", 0);
    golden::assert_golden("percl/fmt-unformatted.txt", &stdout);
    golden::assert_golden("percl/fmt-unformatted-stderr.txt", &stderr);
    let (again, stderr) = run(&["percl", "fmt", "-"], stdout.as_bytes(), 0);
    assert_eq!(again, stdout);
    // Formatting drops the unknown attribute, so only the flow warning remains.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn fmt_refuses_a_script_with_errors() {
    let (stdout, stderr) = run(&["percl", "fmt", "tests/percl/errors.json"], b"", 1);
    assert_eq!(stdout, "");
    assert_eq!(stderr.lines().count(), 23);
}
