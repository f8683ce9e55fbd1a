//! Fuzz target: any bytes through the scenario reader (`scenario::parse_bytes`).
//!
//! Beyond "never panics", it asserts the reader's promises: every error is placed inside the text (byte range,
//! line and column from 1, a JSON pointer), the rendered report is capped (`MAX_RENDERED_ERRORS` lines and one
//! "and N more"), and every scenario it accepts is written back (`scenario::write`) to a file that reads back to
//! the same scenario and writes to the same text (a fixed point).

#![no_main]

use conflab::scenario::{self, error::MAX_RENDERED_ERRORS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match scenario::parse_bytes(data) {
        Ok(read) => {
            let text = scenario::write(&read);
            let again = scenario::parse(&text).unwrap_or_else(|e| {
                panic!("the written scenario does not read back:\n{text}\n{e}")
            });
            assert_eq!(
                scenario::write(&again),
                text,
                "writing is not a fixed point"
            );
            assert_eq!(again.steps.len(), read.steps.len());
            assert_eq!(again.until, read.until);
        }
        Err(errors) => {
            assert!(!errors.errors.is_empty(), "a refusal names a problem");
            for e in &errors.errors {
                assert!(e.start <= e.end && e.end <= data.len(), "{e:?}");
                assert!(e.line >= 1 && e.column >= 1, "{e:?}");
                assert!(e.pointer.is_empty() || e.pointer.starts_with('/'), "{e:?}");
                assert!(!e.message().is_empty());
            }
            let rendered = errors.render("f.json");
            let lines = rendered.lines().count();
            let n = errors.errors.len();
            let expected = n.min(MAX_RENDERED_ERRORS) + usize::from(n > MAX_RENDERED_ERRORS);
            assert_eq!(lines, expected, "{rendered}");
        }
    }
});
