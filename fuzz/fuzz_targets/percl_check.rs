//! Fuzz target: any bytes through `percl::check_bytes`, then, for valid scripts, the canonical form.
//!
//! Beyond "never panics", it asserts the checker's promises: spans inside the text and on character
//! boundaries, lines and columns from 1, error counts that match validity, and for every valid script a
//! canonical form that is itself valid and a fixed point (format(format(x)) == format(x)) with the same model.

#![no_main]

use conflab::percl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = percl::check_bytes(data);
    assert_eq!(report.is_valid(), report.errors == 0);
    assert!(report.diagnostics.len() <= percl::MAX_DIAGNOSTICS + 1);
    for d in &report.diagnostics {
        assert!(d.start <= d.end && d.end <= data.len(), "{d:?}");
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
        assert!(!d.message().is_empty());
    }
    let Ok(source) = std::str::from_utf8(data) else {
        assert!(!report.is_valid());
        return;
    };
    for d in &report.diagnostics {
        assert!(
            source.is_char_boundary(d.start) && source.is_char_boundary(d.end),
            "{d:?}"
        );
    }
    match percl::format(source) {
        Ok(canonical) => {
            assert!(report.is_valid());
            let again = percl::format(&canonical).unwrap_or_else(|r| {
                panic!(
                    "canonical form is invalid: {canonical}\n{:#?}",
                    r.diagnostics
                )
            });
            assert_eq!(again, canonical, "formatting is not stable");
            assert_eq!(percl::parse(&canonical).ok(), percl::parse(&again).ok());
        }
        Err(r) => assert!(!r.is_valid() && !report.is_valid()),
    }
});
