//! Scenarios: a JSON file that says what the simulated FreeClimb account looks like, how the outside phones
//! behave, what the customer's app answers, and what happens when. The engine runs them; this module only reads
//! them. The format is documented in `docs/scenarios.md` (JSON Schema: `docs/scenario.schema.json`).

pub mod model;

pub use model::*;
