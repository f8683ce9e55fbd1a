//! Golden files: compare output with a file under `tests/golden/`, or rewrite the file in update mode.
//!
//! Update mode: `CONFLAB_UPDATE_GOLDEN=1 cargo test` (or `./x golden`). Review the diff before committing.
//! Include from an integration test with `#[path = "support/golden.rs"] mod golden;`.

// Each test binary includes this file and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The path of golden file `name` (relative to `tests/golden/`).
pub fn path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Whether this run rewrites golden files instead of checking them.
pub fn updating() -> bool {
    std::env::var_os("CONFLAB_UPDATE_GOLDEN").is_some_and(|v| v != "0")
}

/// Asserts that `actual` equals golden file `name`; in update mode, writes it instead.
#[track_caller]
pub fn assert_golden(name: &str, actual: &str) {
    let file = path(name);
    if updating() {
        std::fs::create_dir_all(file.parent().expect("golden files live in a folder"))
            .expect("create golden folder");
        std::fs::write(&file, actual).unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!(
            "golden file {} is missing ({e}); create it with CONFLAB_UPDATE_GOLDEN=1",
            file.display()
        )
    });
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b);
        panic!(
            "output differs from golden file {} (first differing line: {}).\n--- expected\n{expected}\n--- actual\n{actual}\n\
             If the change is intended, rerun with CONFLAB_UPDATE_GOLDEN=1 and review the diff.",
            file.display(),
            first.map_or("none: the lengths differ".to_owned(), |i| (i + 1)
                .to_string()),
        );
    }
}
