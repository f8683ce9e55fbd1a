//! PerCL, FreeClimb's call-control language: the 27 commands as types, a checker that reports every problem
//! with its place, and the canonical (SDK) form.
//!
//! A PerCL script is a JSON array of one-key objects, such as
//! `[{"Say": {"text": "Hi"}}, {"CreateConference": {"actionUrl": "https://app/created"}}]`.
//!
//! * [`check`] reads a script and returns a [`Report`]: every error and warning, each with a severity, a JSON
//!   pointer, byte offsets, line:column, a message a learner can act on and often a fix. It is fast enough to
//!   run on every keystroke (a 100 KB script takes about 0.3 ms natively in a release build; see
//!   `benches/percl.rs`).
//! * [`parse`] gives the typed [`model::Script`] the engine runs, when the script has no errors.
//! * [`format()`] gives the canonical form, byte for byte what the official Python SDK writes.
//!
//! ```
//! use conflab::percl;
//! let report = percl::check(r#"[{"say": {"text": "Hi"}}]"#);
//! assert!(!report.is_valid());
//! let d = &report.diagnostics[0];
//! assert_eq!((d.line, d.column, d.pointer.as_str()), (1, 3, "/0/say"));
//! assert_eq!(d.message(), "unknown command \"say\"; did you mean \"Say\"? (names are case-sensitive)");
//!
//! let text = percl::format(r#"[{"Say":{"text":"Hi"}},{"Hangup":{}}]"#).unwrap();
//! assert_eq!(text, r#"[{"Say": {"text": "Hi", "loop": 1}}, {"Hangup": {}}]"#);
//! ```
//!
//! Sandbox choices, where FreeClimb's docs are silent: scripts over [`MAX_SOURCE_BYTES`] are refused; values
//! FreeClimb adjusts (SendDigits `pauseMs`) or that the SDKs accept but FreeClimb may not use (an unlisted
//! language, a non-http URL) are warnings; a script of only SetTalk/SetListen/SetDTMFPassThrough-style
//! conference commands is taken to be a callControl response and is not warned about for lacking a terminal
//! command.

pub mod canonical;
mod check;
pub mod de;
pub mod defaults;
pub mod diagnostic;
pub mod examples;
pub mod json;
pub mod model;
pub mod schema;
pub mod suggest;

#[cfg(test)]
mod tests;

pub use check::MAX_DIAGNOSTICS;
pub use diagnostic::{Diagnostic, Problem, Report, Severity};

use diagnostic::PathSeg;
use serde::Deserialize;

/// The largest script conflab checks: 1 MiB, ten times a large real script. Larger input is refused with one
/// error before parsing, which bounds the checker's memory and time.
pub const MAX_SOURCE_BYTES: usize = 1 << 20;

/// Checks a script and reports every problem.
pub fn check(source: &str) -> Report {
    analyze(source, |_| ()).0
}

/// Checks a script given as bytes (a file): bytes that are not UTF-8 are reported at the first bad byte.
pub fn check_bytes(bytes: &[u8]) -> Report {
    match std::str::from_utf8(bytes) {
        Ok(source) => check(source),
        Err(e) => utf8_report(bytes, e),
    }
}

/// The report for bytes that are not UTF-8: one error at the first invalid byte.
pub(crate) fn utf8_report(bytes: &[u8], e: std::str::Utf8Error) -> Report {
    let valid = e.valid_up_to();
    // The prefix is valid UTF-8 by definition, so line and column can be counted on it.
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
    let mut checker = check::Checker::new();
    let end = valid + e.error_len().unwrap_or(bytes.len() - valid);
    checker.report_at(
        Problem::InvalidUtf8,
        json::Span {
            start: valid as u32,
            end: end as u32,
        },
        None,
    );
    let mut report = checker.finish(prefix);
    for d in &mut report.diagnostics {
        d.end = d.end.min(bytes.len());
    }
    report
}

/// Checks a script and, when it has no errors, builds the typed model.
///
/// ```
/// use conflab::percl::{parse, model::Command};
/// let script = parse(r#"[{"AddToConference": {"conferenceId": "CF1", "talk": false}}]"#).unwrap();
/// let Command::AddToConference(add) = &script.0[0] else { panic!() };
/// assert_eq!((add.talk(), add.listen(), add.start_conf_on_enter()), (false, true, true));
/// ```
pub fn parse(source: &str) -> Result<model::Script, Report> {
    let (report, script) = parse_with_report(source);
    script.ok_or(report)
}

/// Checks a script; returns the report (warnings included) and, when there are no errors, the typed model.
pub fn parse_with_report(source: &str) -> (Report, Option<model::Script>) {
    let (report, script) = analyze(source, |root| model::Script::deserialize(de::De(root)));
    let script = match script {
        Some(Ok(script)) if report.is_valid() => Some(script),
        _ => None,
    };
    (report, script)
}

/// The canonical form of a script (see [`canonical`]), or the report when it has errors.
pub fn format(source: &str) -> Result<String, Report> {
    parse(source).map(|script| canonical::to_string(&script))
}

/// Size limit, parse, check; then `then` on the tree when it parsed.
fn analyze<T>(source: &str, then: impl FnOnce(&json::Value<'_>) -> T) -> (Report, Option<T>) {
    let mut checker = check::Checker::new();
    if source.len() > MAX_SOURCE_BYTES {
        let problem = Problem::TooLarge {
            bytes: source.len(),
            limit: MAX_SOURCE_BYTES,
        };
        checker.report_at(problem, json::Span::default(), None);
        return (checker.finish(""), None);
    }
    let parsed = json::parse(source);
    for (defect, span) in &parsed.defects {
        let problem = match defect {
            json::Defect::LoneSurrogate { unit } => Problem::LoneSurrogate { unit: *unit },
        };
        // Defects sit inside strings; after a syntax error there is no tree to place them in.
        let pointer = match &parsed.value {
            Ok(root) => check::pointer_to(root, span.start),
            Err(_) => String::new(),
        };
        checker.report_with_pointer(problem, *span, pointer);
    }
    match &parsed.value {
        Err(failure) => {
            let pointer = diagnostic::pointer(failure.path.iter().rev().map(PathSeg::from));
            checker.report_with_pointer(
                Problem::Syntax(failure.error.clone()),
                failure.span,
                pointer,
            );
            (checker.finish(source), None)
        }
        Ok(root) => {
            checker.script(root);
            let out = then(root);
            (checker.finish(source), Some(out))
        }
    }
}
