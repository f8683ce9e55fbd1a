//! FreeClimb's webhooks: what each request says and how it is signed (reference §4). Sans-IO: building a
//! webhook is a pure function of its payload, and signing takes the time as an argument.
//!
//! - [`payload`]: one typed [`Payload`] variant per `requestType`, and [`build`], which writes the exact body
//!   (sorted keys, nulls written, compact) — the module docs list which keys each kind carries and why;
//! - [`reasons`]: the enums found only in webhook bodies (`GetDigitsReason`, `MachineType`, …);
//! - [`signature`]: the `FreeClimb-Signature` header, [`sign`] and [`verify`].
//!
//! The engine decides when each webhook fires and where it goes; it calls [`build`] with a URL and a payload,
//! then [`Webhook::signature`] with the account's signing secret and the send time in unix seconds.
//!
//! Decisions where FreeClimb is silent (reference "Decisions" table and §4.3 notes):
//! - the creation-time request to a conference's `statusCallbackUrl` is `createConference` with `status=empty`
//!   (spec `CreateConferenceWebhook`; a sandbox choice, since the REST reference says no callback is posted for
//!   creating); CreateConference's `actionUrl` gets `createConference` without `status`;
//! - the conference-control webhook is `callControl` (the SDK cannot parse `conferenceCallControl`);
//! - Redirect's `actionUrl` gets `requestType` `redirect` (the SDK's `RedirectWebhook`);
//! - recording keys appear only where a recording is reported, never as nulls elsewhere.
//!
//! Cost: the raw body is written straight from the typed payload (no JSON tree; the value the event log shows is
//! parsed from the raw body only when someone reads it, [`JsonBody`]), and [`Signer`] keys the HMAC once per
//! secret: about 0.4 µs to build and 0.4 µs to sign a 10-key webhook, from 2.3 µs and 0.9 µs before (release build,
//! 2-core development machine, estimated from a profile of `conflab bench engine`).
//!
//! Conformance with the official Python SDK (`freeclimb==5.4.1`) is tested in `tests/webhook_sdk.rs`: every
//! kind parses with `Webhook.from_dict` into its class with every field intact, and every signature verifies
//! with the SDK's `RequestVerifier`.

pub mod examples;
pub mod payload;
pub mod reasons;
pub mod signature;

pub use payload::{
    BargeIn, CallContext, Message, Payload, Recording, Speech, TranscribeRecording, Transcription,
    Utterance, build,
};
pub use signature::{SignatureError, Signer, sign, verify};

use crate::wire::RequestType;
use serde_json::Value;
use std::fmt;
use std::sync::OnceLock;

/// A webhook request ready to send: where, what kind, and the exact body.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    /// The URL it is POSTed to.
    pub url: String,
    /// Its `requestType` (also in the body).
    pub request_type: RequestType,
    /// The exact bytes sent and signed (UTF-8 JSON, sorted keys, no whitespace).
    pub raw_body: String,
    /// The same body as a JSON value (for the event log); always equal to `raw_body` parsed.
    pub body: JsonBody,
}

/// A webhook body as a JSON value, parsed from its raw bytes the first time it is read (it dereferences to
/// [`Value`]). Building the value for every webhook cost more than writing the bytes, and only the event log
/// and tests read it.
#[derive(Clone, Default)]
pub struct JsonBody {
    raw: String,
    value: OnceLock<Value>,
}

impl JsonBody {
    /// The body whose exact bytes are `raw` (JSON written by [`build`]).
    pub fn new(raw: &str) -> Self {
        JsonBody {
            raw: raw.to_owned(),
            value: OnceLock::new(),
        }
    }

    /// The value (parsed now if it was not yet); `Null` if the bytes were not JSON, which [`build`] never writes.
    pub fn value(&self) -> &Value {
        self.value
            .get_or_init(|| serde_json::from_str(&self.raw).unwrap_or(Value::Null))
    }

    /// The exact bytes, as sent.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The value, owned.
    pub fn into_value(self) -> Value {
        let _ = self.value();
        self.value.into_inner().unwrap_or(Value::Null)
    }
}

impl std::ops::Deref for JsonBody {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.value()
    }
}

impl fmt::Debug for JsonBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// Two bodies are equal when their bytes are (whether or not either was parsed yet).
impl PartialEq for JsonBody {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl PartialEq<JsonBody> for Value {
    fn eq(&self, other: &JsonBody) -> bool {
        self == other.value()
    }
}

impl PartialEq<Value> for JsonBody {
    fn eq(&self, other: &Value) -> bool {
        self.value() == other
    }
}

impl From<JsonBody> for Value {
    fn from(body: JsonBody) -> Value {
        body.into_value()
    }
}

impl serde::Serialize for JsonBody {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(serializer)
    }
}

impl Webhook {
    /// The `FreeClimb-Signature` header value for this body, signed with `secret` at `unix_seconds`.
    pub fn signature(&self, secret: &str, unix_seconds: u64) -> String {
        sign(secret, unix_seconds, &self.raw_body)
    }
}

#[cfg(test)]
mod tests;
