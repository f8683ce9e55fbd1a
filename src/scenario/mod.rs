//! Scenarios: a JSON file that says what the simulated FreeClimb account looks like, how the outside phones
//! behave, what the customer's app answers, and what happens when. The engine runs them; this module only reads
//! them. The format is documented in `docs/scenarios.md` (JSON Schema: `docs/scenario.schema.json`).
//!
//! * [`parse`] reads a file into a [`Scenario`] or reports every problem ([`ScenarioErrors`]), each with a JSON
//!   pointer, line:column, a message and a fix.
//! * [`write()`] writes a [`Scenario`] back as a file that [`parse`] reads to the same value.
//! * [`parse_step`] reads one step applied now (a step without `at`), with the same errors as [`parse`].
//! * [`template`] expands `{{…}}` in PerCL responses and `api` steps at run time.
//! * [`Scenario::respond`] is the customer's app: what a URL answers.
//!
//! ```
//! use conflab::scenario::{self, AppAnswer};
//! let s = scenario::parse(r#"{"app": {"https://app.test/in": [{"Hangup": {}}]}}"#).unwrap();
//! assert!(matches!(s.respond("https://app.test/in"), AppAnswer::Percl { delay_ms: 0, .. }));
//! assert_eq!(s.respond("https://app.test/other"), AppAnswer::NotFound);
//!
//! let errors = scenario::parse(r#"{"sead": 7}"#).unwrap_err();
//! assert_eq!(
//!     errors.errors[0].render(),
//!     "1:2: error: /sead: the scenario has no key \"sead\" (did you mean \"seed\"?) (fix: rename it to \"seed\")"
//! );
//! ```

pub mod error;
pub mod model;
mod read;
pub mod template;
mod write;

#[cfg(test)]
mod tests;

pub use error::{Problem, ScenarioError, ScenarioErrors};
pub use model::*;
pub use read::{
    MAX_SOURCE_BYTES, SCENARIO_KEYS, check_app_percl, check_step_in, is_e164, parse, parse_bytes,
    parse_step, parse_steps,
};
#[allow(unused_imports)]
// for the message readers that embed steps and scenarios (postMessage, a server)
pub(crate) use read::{read_scenario_at, read_step_at, read_step_in};
pub use write::{set_object, step_now, write};
