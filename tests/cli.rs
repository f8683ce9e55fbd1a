//! Golden tests of the native `conflab` binary: what a user sees on stdout and stderr, and the exit code.
//!
//! The expected output lives under `tests/golden/cli/`; rewrite it with `CONFLAB_UPDATE_GOLDEN=1 cargo test --test
//! cli` and review the diff.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/golden.rs"]
mod golden;

use std::process::{Command, Output};

/// Runs `conflab` with `args`, with colours off so the output is the same in a terminal, in CI and in a pipe.
fn conflab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_conflab"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run the conflab binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("conflab prints UTF-8")
}

/// Runs a successful invocation: exit code 0, nothing on stderr; returns stdout.
#[track_caller]
fn succeeds(args: &[&str]) -> String {
    let out = conflab(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "conflab {args:?}; stderr: {}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stderr), "", "conflab {args:?} wrote to stderr");
    text(&out.stdout)
}

/// Runs an invalid invocation: exit code 2 (a usage error), nothing on stdout; returns stderr.
#[track_caller]
fn usage_error(args: &[&str]) -> String {
    let out = conflab(args);
    assert_eq!(out.status.code(), Some(2), "conflab {args:?}");
    assert_eq!(
        text(&out.stdout),
        "",
        "conflab {args:?} wrote to stdout on an error"
    );
    text(&out.stderr)
}

#[test]
fn help_lists_what_conflab_can_do() {
    let help = succeeds(&["--help"]);
    golden::assert_golden("cli/help.txt", &help);
    assert!(help.contains("diagram"), "{help}");
    // `conflab help` is the same page.
    assert_eq!(succeeds(&["help"]), help);
}

#[test]
fn diagram_help_lists_the_formats() {
    golden::assert_golden("cli/diagram-help.txt", &succeeds(&["diagram", "--help"]));
}

#[test]
fn diagram_prints_the_mermaid_state_diagram() {
    let diagram = succeeds(&["diagram"]);
    golden::assert_golden("cli/diagram.mmd", &diagram);
    // The binary prints exactly what the library generates from the transition table, and mermaid is the default.
    assert_eq!(diagram, conflab::conference::table::mermaid());
    assert_eq!(succeeds(&["diagram", "--format", "mermaid"]), diagram);
}

#[test]
fn diagram_prints_the_markdown_transition_table() {
    let table = succeeds(&["diagram", "--format", "markdown"]);
    golden::assert_golden("cli/diagram.md", &table);
    assert_eq!(table, conflab::conference::table::markdown());
    // A header, a separator, one line per row of the table and one for `terminated`.
    assert_eq!(
        table.lines().count(),
        conflab::conference::table::TABLE.len() + 3,
        "{table}"
    );
}

#[test]
fn an_invalid_format_is_a_usage_error_on_stderr() {
    let error = usage_error(&["diagram", "--format", "svg"]);
    golden::assert_golden("cli/invalid-format.txt", &error);
    assert!(error.starts_with("error: invalid value 'svg'"), "{error}");
}

#[test]
fn an_unknown_subcommand_is_a_usage_error_on_stderr() {
    let error = usage_error(&["frobnicate"]);
    golden::assert_golden("cli/unknown-subcommand.txt", &error);
    assert!(
        error.starts_with("error: unrecognized subcommand 'frobnicate'"),
        "{error}"
    );
}

#[test]
fn no_subcommand_is_a_usage_error_that_shows_the_help() {
    let error = usage_error(&[]);
    golden::assert_golden("cli/no-subcommand.txt", &error);
    assert!(error.contains("Usage: conflab <COMMAND>"), "{error}");
}
