//! The exact bytes of one webhook of every kind (`conflab::webhook::examples::all()`), signed with the scenario
//! default secret: a golden file, so that any change to a body or a signature shows up in review.
//! Update mode: `CONFLAB_UPDATE_GOLDEN=1 cargo test --test webhook_golden`.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/golden.rs"]
mod golden;

use conflab::scenario::model::DEFAULT_SIGNING_SECRET;
use conflab::webhook::{examples, signature};
use serde_json::json;

/// 2026-01-01T00:00:00Z.
const T0: u64 = 1_767_225_600;

#[test]
fn every_kind_byte_for_byte() {
    let mut out = String::new();
    for (i, hook) in examples::all().iter().enumerate() {
        let line = json!({
            "url": hook.url,
            "requestType": hook.request_type.as_str(),
            "headers": {signature::HEADER: hook.signature(DEFAULT_SIGNING_SECRET, T0 + i as u64)},
            "rawBody": hook.raw_body,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    golden::assert_golden("webhook/examples.jsonl", &out);
}
