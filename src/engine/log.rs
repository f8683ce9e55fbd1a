//! The event log: one JSON object per line, each with `at` (virtual ms) and `kind` first, then the kind's
//! fields in a fixed order. The format is a contract (issue 4; `docs/event-log.md`): other tools and tests read
//! it, so fields are only ever added.

use serde_json::Value;
use std::fmt::Write;

/// One line of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// Virtual time in ms.
    pub at: u64,
    /// `webhook`, `api`, `conference`, `call`, `media`, `note` or `error`.
    pub kind: &'static str,
    /// The other fields, in output order.
    pub fields: Vec<(&'static str, Value)>,
}

impl LogLine {
    /// A line of `kind` at `at`.
    pub fn new(at: u64, kind: &'static str) -> Self {
        LogLine {
            at,
            kind,
            fields: Vec::new(),
        }
    }

    /// Adds a field.
    pub fn with(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.fields.push((name, value.into()));
        self
    }

    /// The value of field `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// The line as compact JSON, `at` and `kind` first, no trailing newline.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(128);
        let _ = write!(out, "{{\"at\":{},\"kind\":\"{}\"", self.at, self.kind);
        for (k, v) in &self.fields {
            let _ = write!(out, ",\"{k}\":{v}");
        }
        out.push('}');
        out
    }
}

/// The whole log as text: one line each, each ending in a newline.
pub fn to_jsonl(lines: &[LogLine]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&line.to_json());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_and_kind_come_first_then_fields_in_order() {
        let line = LogLine::new(3000, "call")
            .with("callId", "CA1")
            .with("status", "completed");
        assert_eq!(
            line.to_json(),
            r#"{"at":3000,"kind":"call","callId":"CA1","status":"completed"}"#
        );
    }
}
