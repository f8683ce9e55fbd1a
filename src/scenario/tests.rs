//! Unit tests: the example, and every kind of problem with its exact place and message.

use super::*;

/// The example scenario of issue 4, verbatim (also in docs/scenarios.md, checked by tests/scenario_docs.rs).
pub(crate) const EXAMPLE: &str = include_str!("example.json");

#[test]
fn dbg_example() {
    match parse(EXAMPLE) {
        Ok(s) => println!("{s:#?}"),
        Err(e) => println!("{e}"),
    }
}
