//! Conformance with the official FreeClimb Python SDK (`freeclimb==5.4.1`).
//!
//! The test creates a virtual environment in `target/sdk-venv` (reused when it already has the right SDK
//! version), installs the SDK from PyPI, and runs `tests/sdk/percl_conformance.py`, which uses the SDK's own
//! PerCL classes to write: every command with only its required attributes, every command with all of them,
//! a few hundred seeded random mixes with nested prompts, and scripts the SDK's models refuse (missing
//! required attribute, null, wrong type, bad enum, out of range) built by hand as the JSON the SDK would have
//! written. Then it asserts, through the built `conflab` binary (`percl check --format json`, all files of a
//! kind in one call): every SDK-generated script is valid; every SDK-refused one is invalid with an error on
//! the attribute. It also asserts, in-process, that `percl::format` of every SDK script is that script, byte for
//! byte: the canonical form is the SDK's wire form.
//!
//! It needs `python3` with `venv` and network access to PyPI on the first run; if either is missing the test
//! FAILS with the reason (it is never skipped). The seed is fixed; set `CONFLAB_SDK_SEED` to try another.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/sdk.rs"]
mod sdk;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const RANDOM_SCRIPTS: usize = 300;
const DEFAULT_SEED: u64 = 20260603;

use sdk::{SDK_VERSION, root, run};

/// The venv's python, with freeclimb==SDK_VERSION installed (created or repaired when needed).
fn sdk_python() -> PathBuf {
    sdk::python(&[])
}

/// Writes `scripts` to files in `dir` and checks them all with one `conflab percl check --format json` call;
/// returns each file's result.
fn check_all(dir: &Path, scripts: &[&Value]) -> Vec<Value> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("create the conformance folder");
    let mut files = Vec::new();
    for (i, case) in scripts.iter().enumerate() {
        let file = dir.join(format!("{i:04}.json"));
        std::fs::write(&file, case["script"].as_str().expect("script text"))
            .expect("write a script");
        files.push(file);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_conflab"))
        .args(["percl", "check", "--format", "json"])
        .args(&files)
        .output()
        .expect("run conflab");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "conflab percl check: {out:?}"
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("conflab prints JSON");
    let results = doc["files"].as_array().expect("files").clone();
    assert_eq!(results.len(), scripts.len());
    results
}

fn errors(result: &Value) -> Vec<&Value> {
    result["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "error")
        .collect()
}

#[test]
fn percl_written_by_the_freeclimb_python_sdk_checks_and_formats_exactly() {
    let python = sdk_python();
    let seed = std::env::var("CONFLAB_SDK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let generated = run(
        Command::new(&python)
            .arg(root().join("tests/sdk/percl_conformance.py"))
            .args([seed.to_string(), RANDOM_SCRIPTS.to_string()]),
        "generating PerCL with the SDK (tests/sdk/percl_conformance.py)",
    );
    let doc: Value = serde_json::from_str(&generated).expect("the generator prints JSON");
    assert_eq!(doc["sdk_version"], SDK_VERSION);
    assert_eq!(
        doc["audio_stream_meta_data_quirk"], true,
        "the SDK now serialises AudioStream metaData: update §3.6"
    );
    let list = |k: &str| {
        doc[k]
            .as_array()
            .unwrap_or_else(|| panic!("{k} missing"))
            .iter()
            .collect::<Vec<_>>()
    };
    let (minimal, full, random, rejected, hand) = (
        list("minimal"),
        list("full"),
        list("random"),
        list("rejected"),
        list("hand_built_valid"),
    );
    assert_eq!(
        (minimal.len(), full.len(), random.len()),
        (27, 27, RANDOM_SCRIPTS)
    );

    let work = root().join("target/sdk-conformance");
    let sdk_made: Vec<&Value> = minimal
        .iter()
        .chain(&full)
        .chain(&random)
        .copied()
        .collect();
    let valid: Vec<&Value> = sdk_made.iter().chain(&hand).copied().collect();
    let mut failures = Vec::new();
    for (case, result) in valid.iter().zip(check_all(&work.join("valid"), &valid)) {
        if result["valid"] != true {
            failures.push(format!(
                "{}: {}\n  {:#}",
                case["name"], case["script"], result["diagnostics"]
            ));
        }
    }
    for case in &sdk_made {
        let script = case["script"].as_str().expect("script");
        match conflab::percl::format(script) {
            Ok(formatted) if formatted == script => {}
            Ok(formatted) => failures.push(format!(
                "{}: canonical form differs\n  sdk:     {script}\n  conflab: {formatted}",
                case["name"]
            )),
            Err(_) => {} // Reported above.
        }
    }
    for (case, result) in rejected
        .iter()
        .zip(check_all(&work.join("rejected"), &rejected))
    {
        let pointer = case["pointer"].as_str().expect("pointer");
        let attribute = case["attribute"].as_str().expect("attribute");
        let leaf = attribute.rsplit('.').next().unwrap_or(attribute);
        let named = errors(&result).iter().any(|d| {
            d["pointer"] == pointer
                && (case["kind"] != "missing"
                    || d["message"]
                        .as_str()
                        .is_some_and(|m| m.contains(&format!("\"{leaf}\""))))
        });
        if result["valid"] != false || !named {
            failures.push(format!(
                "{} (SDK refuses it) should fail naming {pointer}: {}\n  {:#}",
                case["name"], case["script"], result["diagnostics"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} conformance failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!(
        "sdk conformance (freeclimb {SDK_VERSION}, seed {seed}): {} minimal, {} full, {} random valid, {} hand-built valid; {} rejected; {} formatted byte-identical",
        minimal.len(),
        full.len(),
        random.len(),
        hand.len(),
        rejected.len(),
        sdk_made.len()
    );
}
