//! `conflab run`: the event log on stdout (the same bytes as the engine's golden log), `--until`, and a broken
//! scenario refused with every problem placed (FILE:LINE:COL, JSON pointer) and exit code 2, with nothing run.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/golden.rs"]
mod golden;

use std::process::{Command, Output};

fn conflab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_conflab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run the conflab binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("conflab prints UTF-8")
}

#[test]
fn run_prints_the_golden_log_of_the_issue_example() {
    let out = conflab(&["run", "tests/scenarios/issue-example.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    let expected = std::fs::read_to_string(golden::path("scenarios/issue-example.jsonl")).unwrap();
    assert_eq!(text(&out.stdout), expected);
}

#[test]
fn until_stops_the_run_at_that_virtual_time() {
    let out = conflab(&[
        "run",
        "tests/scenarios/issue-example.json",
        "--until",
        "2999",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let log = text(&out.stdout);
    let times: Vec<u64> = log
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["at"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(!times.is_empty());
    assert!(times.iter().all(|&t| t <= 2999), "{times:?}");
    // The full run goes on to the terminate at 3000 and the hangup at 9000.
    let full = text(&conflab(&["run", "tests/scenarios/issue-example.json"]).stdout);
    assert!(full.len() > log.len());
    assert!(full.starts_with(&log));
}

#[test]
fn a_broken_scenario_is_refused_with_places_and_exit_code_2() {
    for file in [
        "tests/scenarios/broken/bad-json.json",
        "tests/scenarios/broken/unknown-keys.json",
        "tests/scenarios/broken/unknown-phone.json",
        "tests/scenarios/broken/bad-percl.json",
    ] {
        let out = conflab(&["run", file]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert_eq!(text(&out.stdout), "", "{file}: nothing runs");
        let err = text(&out.stderr);
        assert!(!err.is_empty(), "{file}");
        for line in err.lines() {
            // FILE:LINE:COL: error: /pointer: message
            let rest = line
                .strip_prefix(&format!("{file}:"))
                .unwrap_or_else(|| panic!("{line}"));
            let mut parts = rest.splitn(3, ':');
            assert!(parts.next().unwrap().parse::<u32>().is_ok(), "{line}");
            assert!(parts.next().unwrap().parse::<u32>().is_ok(), "{line}");
            assert!(parts.next().unwrap().starts_with(" error: /"), "{line}");
        }
    }
}

#[test]
fn a_missing_file_is_exit_code_2() {
    let out = conflab(&["run", "tests/scenarios/does-not-exist.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read"));
}
