//! Golden scenarios: every `tests/scenarios/NAME.json` runs through the engine, and its event log must equal
//! `tests/golden/scenarios/NAME.jsonl` byte for byte. Update mode: `CONFLAB_UPDATE_GOLDEN=1 cargo test --test
//! engine_golden` (review every changed line before committing).

#[path = "support/golden.rs"]
mod golden;

use conflab::engine::{log, run_scenario};
use std::path::Path;

fn scenario_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn run(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable scenario");
    let scenario = conflab::scenario::parse(&text)
        .unwrap_or_else(|e| panic!("{} does not parse:\n{}", path.display(), e.render("")));
    log::to_jsonl(&run_scenario(&scenario, None))
}

#[test]
fn every_scenario_matches_its_golden_log() {
    let files = scenario_files();
    assert!(files.len() >= 2, "the golden scenarios are missing");
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        golden::assert_golden(&format!("scenarios/{name}.jsonl"), &run(&path));
    }
}

#[test]
fn the_same_scenario_gives_the_same_log_twice() {
    for path in scenario_files() {
        assert_eq!(run(&path), run(&path), "{}", path.display());
    }
}

#[test]
fn every_line_has_at_and_kind_first_and_times_never_go_back() {
    for path in scenario_files() {
        let mut last = 0;
        for line in run(&path).lines() {
            assert!(line.starts_with("{\"at\":"), "{line}");
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let at = v["at"].as_u64().unwrap();
            assert!(at >= last, "{}: time went back at {line}", path.display());
            last = at;
            assert!(v["kind"].is_string(), "{line}");
        }
    }
}
