//! The sandbox's invariant through the real edges: a live session exported as a file and run by the `conflab`
//! binary with `--until T` prints the session's log byte for byte (apart from the closing note a run prints when
//! nothing is pending). The core's proptest (src/sandbox/tests.rs) covers random sessions in memory; this one
//! covers the file, the CLI and its stdout, on the default world and on every golden scenario loaded live.

#![cfg(not(target_arch = "wasm32"))]

use conflab::engine::log::to_jsonl;
use conflab::sandbox::{Sandbox, default_world};
use conflab::scenario::{self, Action, ApiRequest, Method};
use std::path::PathBuf;
use std::process::Command;

fn run_until(file: &std::path::Path, until: u64) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_conflab"))
        .arg("run")
        .arg(file)
        .args(["--until", &until.to_string()])
        .output()
        .expect("run the conflab binary");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut text = String::from_utf8(out.stdout).expect("UTF-8");
    // The closing note of a run with nothing pending is the one line a live session does not have.
    if let Some(start) = text.trim_end().rfind('\n').map(|i| i + 1).or(Some(0))
        && text[start..].contains(conflab::engine::runner::CLOSING_NOTE)
    {
        text.truncate(start);
    }
    text
}

fn export(sandbox: &Sandbox, name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sandbox_cli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, sandbox.export()).unwrap();
    path
}

#[test]
fn a_live_lifecycle_exported_replays_with_conflab_run_until() {
    let mut s = Sandbox::new(default_world());
    s.advance(1_250);
    s.step(Action::Dial {
        from: "+15550111111".into(),
        to: "+15550100000".into(),
    })
    .unwrap();
    s.advance(6_000);
    s.step(Action::Dial {
        from: "+15550122222".into(),
        to: "+15550100001".into(),
    })
    .unwrap();
    s.advance(12_345);
    s.step(Action::Api(ApiRequest {
        method: Method::Post,
        path: "/Conferences/{{conference:demo}}".into(),
        query: Vec::new(),
        body: Some(serde_json::json!({"status": "terminated"})),
    }))
    .unwrap();
    s.advance(15_000);
    let statuses = s.log().iter().filter(|l| l.kind() == "conference").count();
    assert_eq!(
        statuses, 5,
        "empty, populated, inProgress, empty, terminated"
    );
    let file = export(&s, "lifecycle");
    assert_eq!(run_until(&file, s.now()), to_jsonl(s.log()));
    // And at an earlier time, after going back.
    s.advance(7_000);
    assert_eq!(run_until(&file, 7_000), to_jsonl(s.log()));
}

#[test]
fn every_golden_scenario_loaded_live_and_advanced_replays_the_same() {
    let mut files: Vec<_> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
    files.sort();
    assert!(files.len() > 20, "only {} golden scenarios", files.len());
    for path in files {
        let scenario = scenario::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut s = Sandbox::new(scenario);
        // In uneven strides, as animation frames would move it.
        let mut t = 0;
        while t < 20_000 {
            t += 1_337;
            s.advance(t);
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let file = export(&s, &name);
        assert_eq!(run_until(&file, s.now()), to_jsonl(s.log()), "{name}");
    }
}
