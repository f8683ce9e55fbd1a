//! Keeps the generated parts of ARCHITECTURE.md equal to what the code prints. Update mode
//! (`CONFLAB_UPDATE_GOLDEN=1`, or `./x golden`) rewrites them in place.

#[path = "support/golden.rs"]
mod golden;

use conflab::conference::table;
use std::path::Path;

/// Replaces the text between `<!-- BEGIN generated: NAME -->` and `<!-- END generated: NAME -->`.
fn splice(doc: &str, name: &str, body: &str) -> String {
    let begin = format!("<!-- BEGIN generated: {name} -->\n");
    let end = format!("<!-- END generated: {name} -->");
    let start = doc
        .find(&begin)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md lacks the line {begin}"))
        + begin.len();
    let stop = doc[start..]
        .find(&end)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md lacks the line {end}"))
        + start;
    format!("{}{body}{}", &doc[..start], &doc[stop..])
}

#[test]
fn architecture_md_shows_the_state_machine_the_code_runs() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md");
    let doc = std::fs::read_to_string(&path).expect("read ARCHITECTURE.md");
    let fresh = splice(
        &doc,
        "conflab diagram",
        &format!("```mermaid\n{}```\n", table::mermaid()),
    );
    let fresh = splice(
        &fresh,
        "conflab diagram --format markdown",
        &table::markdown(),
    );
    if golden::updating() {
        std::fs::write(&path, &fresh).expect("write ARCHITECTURE.md");
    } else {
        assert!(
            doc == fresh,
            "ARCHITECTURE.md's state diagram or table differs from conference::table; rerun with CONFLAB_UPDATE_GOLDEN=1"
        );
    }
}

#[test]
fn every_golden_scenario_is_also_run_in_the_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let web = std::fs::read_to_string(root.join("tests/web.rs")).expect("read tests/web.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root.join("tests/scenarios")).expect("read tests/scenarios") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if !web.contains(&format!("golden!(\"{name}\")")) {
                missing.push(name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "add to GOLDEN_SCENARIOS in tests/web.rs: {missing:?}"
    );
}
