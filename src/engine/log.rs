//! The event log: what the engine did, as typed values ([`Entry`]) until an edge writes them. The edge format is
//! one JSON object per line, each with `at` (virtual ms) and `kind` first, then the kind's fields in a fixed
//! order. That format is a contract (issue 4; `docs/event-log.md`): other tools and tests read it, so fields are
//! only ever added. Only [`LogLine::to_json`] and [`LogLine::to_value`] know about it; views match on [`Entry`].

use super::media::MediaChange;
use crate::conference::ConferenceStatus;
use crate::webhook::JsonBody;
use crate::wire::{CallEndedReason, CallStatus, RequestType};
use serde_json::Value;
use std::fmt::Write;

/// One line of the event log: when, and what.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// Virtual time in ms.
    pub at: u64,
    /// What happened.
    pub entry: Entry,
}

/// What a log line records.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// A webhook FreeClimb sent, and what the customer's app answered.
    Webhook(Box<WebhookLine>),
    /// A GET FreeClimb made for audio (a conference's `waitUrl`), and what the app answered.
    Fetch(Box<FetchLine>),
    /// A REST request and the engine's response.
    Api(Box<ApiLine>),
    /// A conference changed status.
    Conference {
        /// `CF…`.
        conference_id: String,
        /// The new status.
        status: ConferenceStatus,
        /// Why, for people (from the transition table).
        why: String,
        /// Set when the behaviour is conflab's choice.
        sandbox_choice: Option<&'static str>,
    },
    /// A call changed status.
    Call {
        /// `CA…`.
        call_id: String,
        /// The new status.
        status: CallStatus,
        /// Why it ended (only on a final status).
        reason: Option<CallEndedReason>,
    },
    /// What is heard changed.
    Media(MediaChange),
    /// Something worth knowing that changes no status.
    Note {
        /// The conference concerned, if any.
        conference_id: Option<String>,
        /// The call concerned, if any.
        call_id: Option<String>,
        /// What happened.
        text: String,
    },
    /// The world changed (a `set` step): written as the step's object, `{"at":T,"kind":"world","change":{…}}`.
    World(Box<crate::scenario::WorldChange>),
    /// Something the scenario asked for could not be done (a step, a template).
    Error {
        /// The step's JSON pointer in the scenario, when a step failed.
        step: Option<String>,
        /// What went wrong.
        message: String,
    },
}

/// A webhook as sent, with the app's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookLine {
    /// Where it was POSTed.
    pub url: String,
    /// Its `requestType`.
    pub request_type: RequestType,
    /// Whether the answer is read as PerCL.
    pub expects_percl: bool,
    /// Headers in order, `FreeClimb-Signature` included.
    pub headers: Vec<(String, String)>,
    /// The exact body.
    pub body: JsonBody,
    /// What the app answered.
    pub response: AppReply,
}

/// A GET for audio as made, with the app's answer: not a webhook (no body, no signature, no PerCL back).
#[derive(Clone, Debug, PartialEq)]
pub struct FetchLine {
    /// `GET`.
    pub method: &'static str,
    /// Where.
    pub url: String,
    /// Why: `waitUrl`.
    pub purpose: &'static str,
    /// The conference it is for.
    pub conference_id: String,
    /// What the app answered.
    pub response: AppReply,
}

/// What the customer's app answered to a webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppReply {
    /// HTTP status.
    pub status: u16,
    /// The body as sent.
    pub body: String,
    /// How long the app took (0: at once).
    pub delay_ms: u64,
}

/// A REST request and its response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiLine {
    /// `GET`, `POST`, `DELETE`.
    pub method: String,
    /// The path with its query, as sent.
    pub path: String,
    /// HTTP status of the response.
    pub status: u16,
    /// The response body (`None` for 204).
    pub response: Option<String>,
}

impl Entry {
    /// The line's `kind` in the written log.
    pub fn kind(&self) -> &'static str {
        match self {
            Entry::Webhook(_) => "webhook",
            Entry::Fetch(_) => "fetch",
            Entry::Api(_) => "api",
            Entry::Conference { .. } => "conference",
            Entry::Call { .. } => "call",
            Entry::Media(_) => "media",
            Entry::Note { .. } => "note",
            Entry::Error { .. } => "error",
            Entry::World(_) => "world",
        }
    }
}

impl LogLine {
    /// A line at `at`.
    pub fn new(at: u64, entry: Entry) -> Self {
        LogLine { at, entry }
    }

    /// A note at `at`.
    pub fn note(at: u64, text: impl Into<String>) -> Self {
        LogLine::new(
            at,
            Entry::Note {
                conference_id: None,
                call_id: None,
                text: text.into(),
            },
        )
    }

    /// The line's `kind` in the written log.
    pub fn kind(&self) -> &'static str {
        self.entry.kind()
    }

    /// The fields after `at` and `kind`, in output order, as JSON values (the edge form).
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        let mut f: Vec<(&'static str, Value)> = Vec::with_capacity(8);
        match &self.entry {
            Entry::Webhook(w) => {
                // extend, not collect: collecting sorts with another copy of the stable sort (wasm size).
                let mut headers = serde_json::Map::new();
                headers.extend(
                    w.headers
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone()))),
                );
                let mut shown = serde_json::Map::new();
                shown.insert("status".into(), w.response.status.into());
                shown.insert("body".into(), w.response.body.clone().into());
                if w.response.delay_ms > 0 {
                    shown.insert("delayMs".into(), w.response.delay_ms.into());
                }
                f.push(("url", w.url.clone().into()));
                f.push(("requestType", w.request_type.as_str().into()));
                f.push(("expectsPercl", w.expects_percl.into()));
                f.push(("headers", Value::Object(headers)));
                f.push(("rawBody", w.body.raw().into()));
                f.push(("body", w.body.value().clone()));
                f.push(("response", Value::Object(shown)));
            }
            Entry::Fetch(x) => {
                let mut shown = serde_json::Map::new();
                shown.insert("status".into(), x.response.status.into());
                if !x.response.body.is_empty() {
                    shown.insert("body".into(), x.response.body.clone().into());
                }
                if x.response.delay_ms > 0 {
                    shown.insert("delayMs".into(), x.response.delay_ms.into());
                }
                f.push(("method", x.method.into()));
                f.push(("url", x.url.clone().into()));
                f.push(("purpose", x.purpose.into()));
                f.push(("conferenceId", x.conference_id.clone().into()));
                f.push(("response", Value::Object(shown)));
            }
            Entry::Api(a) => {
                let response = a.response.as_deref().map_or(Value::Null, |b| {
                    serde_json::from_str(b).unwrap_or(Value::String(b.to_owned()))
                });
                f.push(("method", a.method.clone().into()));
                f.push(("path", a.path.clone().into()));
                f.push(("status", a.status.into()));
                f.push(("response", response));
            }
            Entry::Conference {
                conference_id,
                status,
                why,
                sandbox_choice,
            } => {
                f.push(("conferenceId", conference_id.clone().into()));
                f.push(("status", status.as_str().into()));
                f.push(("why", why.clone().into()));
                if let Some(choice) = sandbox_choice {
                    f.push(("sandboxChoice", (*choice).into()));
                }
            }
            Entry::Call {
                call_id,
                status,
                reason,
            } => {
                f.push(("callId", call_id.clone().into()));
                f.push(("status", status.as_str().into()));
                if let Some(r) = reason.filter(|_| status.is_final()) {
                    f.push(("callEndedReason", r.as_str().into()));
                }
            }
            Entry::Media(change) => {
                if let Ok(Value::Object(fields)) = serde_json::to_value(change) {
                    // The serialised fields in key order, "change" first.
                    let mut fields: Vec<(String, Value)> = fields.into_iter().collect();
                    crate::sort::sort_by_key(&mut fields, |(k, _)| u64::from(k != "change"));
                    for (k, v) in fields {
                        f.push((media_key(&k), v));
                    }
                }
            }
            Entry::Note {
                conference_id,
                call_id,
                text,
            } => {
                if let Some(c) = conference_id {
                    f.push(("conferenceId", c.clone().into()));
                }
                if let Some(c) = call_id {
                    f.push(("callId", c.clone().into()));
                }
                f.push(("text", text.clone().into()));
            }
            Entry::Error { step, message } => {
                if let Some(s) = step {
                    f.push(("step", s.clone().into()));
                }
                f.push(("message", message.clone().into()));
            }
            Entry::World(change) => {
                // The scenario writer's form of the `set` object, so the line reads back with `parse_step`.
                let text = crate::scenario::set_object(change, None);
                f.push((
                    "change",
                    serde_json::from_str(&text).unwrap_or(Value::String(text)),
                ));
            }
        }
        f
    }

    /// The value of field `name` in the written form (for tests and tools; views match on [`Entry`]).
    pub fn get(&self, name: &str) -> Option<Value> {
        self.fields()
            .into_iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    /// The line as compact JSON, `at` and `kind` first, no trailing newline: the edge form.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(128);
        let _ = write!(out, "{{\"at\":{},\"kind\":\"{}\"", self.at, self.kind());
        for (k, v) in self.fields() {
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

/// Media field names as `&'static str` (the log's field names are static).
fn media_key(k: &str) -> &'static str {
    match k {
        "change" => "change",
        "callId" => "callId",
        "sound" => "sound",
        "text" => "text",
        "language" => "language",
        "file" => "file",
        "digits" => "digits",
        "durationMs" => "durationMs",
        "conferenceId" => "conferenceId",
        "talk" => "talk",
        "listen" => "listen",
        "hz" => "hz",
        "waitUrl" => "waitUrl",
        "on" => "on",
        "recordingId" => "recordingId",
        "from" => "from",
        "to" => "to",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_and_kind_come_first_then_fields_in_order() {
        let line = LogLine::new(
            3000,
            Entry::Call {
                call_id: "CA1".into(),
                status: CallStatus::Completed,
                reason: None,
            },
        );
        assert_eq!(
            line.to_json(),
            r#"{"at":3000,"kind":"call","callId":"CA1","status":"completed"}"#
        );
    }
}
