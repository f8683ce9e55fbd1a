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
//! - the creation-time request to a conference's `statusCallbackUrl` is `conferenceStatus` with `status=empty`;
//!   `createConference` goes only to CreateConference's `actionUrl`, without `status`;
//! - the conference-control webhook is `callControl` (the SDK cannot parse `conferenceCallControl`);
//! - Redirect's `actionUrl` gets `requestType` `redirect` (the SDK's `RedirectWebhook`);
//! - recording keys appear only where a recording is reported, never as nulls elsewhere.
//!
//! Cost (release build on the 2-core development machine, measured ad hoc): about 2.3 µs to build a 10-key
//! webhook (raw body and value) and 0.9 µs to sign it.
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
pub use signature::{SignatureError, sign, verify};

use crate::wire::RequestType;
use serde_json::Value;

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
    pub body: Value,
}

impl Webhook {
    /// The `FreeClimb-Signature` header value for this body, signed with `secret` at `unix_seconds`.
    pub fn signature(&self, secret: &str, unix_seconds: u64) -> String {
        sign(secret, unix_seconds, &self.raw_body)
    }
}

#[cfg(test)]
mod tests;
