//! Why each thing happened: the pure core of the page's cause-and-effect views.
//!
//! * [`groups`]: the event log indexed by conference and by call, extended as the log grows, and its filters.
//! * [`lifecycle`]: the conference state diagram as data, drawn from [`crate::conference::table::TABLE`], with
//!   a fixed layout, and which state and transition to light for one conference of a log (its cause and the
//!   webhook that reported it).
//! * [`search`]: each log line's searchable text, lowered once, so the log's text filter costs one substring
//!   search per line.
//! * [`activity`]: what each call is doing, in words the UI can show.
//!
//! Everything here only reads the log and the engine; nothing changes them, and the same inputs give the same
//! views natively and in the browser.

pub mod activity;
pub mod groups;
pub mod lifecycle;
pub mod search;
