//! Golden error reports: every broken scenario in `tests/scenarios/broken/NAME.json` gives exactly the report in
//! `tests/golden/scenario-errors/NAME.txt` (the text form, as `conflab run` prints it) and
//! `tests/golden/scenario-errors/NAME.json` (the JSON form). Update mode: `CONFLAB_UPDATE_GOLDEN=1`.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/golden.rs"]
mod golden;

use conflab::scenario;
use std::path::Path;

fn broken_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/broken");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios/broken exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_broken_scenario_matches_its_golden_report() {
    let files = broken_files();
    assert!(files.len() >= 8, "the broken scenarios are missing");
    for path in files {
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let bytes = std::fs::read(&path).expect("read a broken scenario");
        let errors = match scenario::parse_bytes(&bytes) {
            Ok(_) => panic!("{} parses, but it is meant to be broken", path.display()),
            Err(e) => e,
        };
        assert!(
            !errors.errors.is_empty(),
            "{name}: an error report without errors"
        );
        for e in &errors.errors {
            // Every place is inside the file, and line:column is where the byte offset is.
            assert!(e.start <= e.end && e.end <= bytes.len(), "{name}: {e}");
            let before = &bytes[..e.start];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&bytes[line_start..e.start])
                .chars()
                .count()
                + 1;
            assert_eq!((e.line, e.column), (line, column), "{name}: {e}");
        }
        let text = errors.render(&format!("tests/scenarios/broken/{name}.json"));
        golden::assert_golden(&format!("scenario-errors/{name}.txt"), &text);
        let json = serde_json::to_string_pretty(&errors).unwrap() + "\n";
        golden::assert_golden(&format!("scenario-errors/{name}.json"), &json);
    }
}

#[test]
fn every_reported_code_is_documented() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenarios.md"))
            .expect("read docs/scenarios.md");
    let mut codes = std::collections::BTreeSet::new();
    for path in broken_files() {
        if let Err(errors) = scenario::parse_bytes(&std::fs::read(&path).unwrap()) {
            codes.extend(errors.errors.iter().map(|e| e.problem.code()));
        }
    }
    assert!(codes.len() >= 20, "the broken files cover only {codes:?}");
    for code in codes {
        assert!(
            docs.contains(&format!("`{code}`")),
            "docs/scenarios.md does not document the error code {code}"
        );
    }
}
