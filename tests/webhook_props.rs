//! Property tests of webhook bodies and signatures over random field values (any Unicode text, every enum value).
//!
//! - the raw body is compact JSON with sorted keys, and `body` is exactly the raw body parsed;
//! - the call-context keys carry the context's values;
//! - `verify(sign(..))` accepts; changing one character of the body, the secret or `t` makes it fail;
//! - building is deterministic.

#![cfg(not(target_arch = "wasm32"))]

use conflab::conference::ConferenceStatus;
use conflab::webhook::reasons::{GetDigitsReason, GetSpeechReason, MachineType, QueueResultStatus};
use conflab::webhook::{
    self, CallContext, Payload, Recording, SignatureError, Speech, sign, verify,
};
use conflab::wire::{CallEndedReason, CallStatus, Direction};
use proptest::prelude::*;
use serde_json::Value;

#[derive(Clone, Debug)]
struct Fields {
    account: String,
    call: String,
    from: String,
    to: String,
    status: CallStatus,
    direction: Direction,
    conference: Option<String>,
    queue: Option<String>,
    parent: Option<String>,
    text: String,
    number: u64,
    pick: usize,
    which: usize,
}

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    (0..all.len()).prop_map(move |i| all[i])
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        (
            any::<String>(),
            any::<String>(),
            any::<String>(),
            any::<String>(),
        ),
        (pick(CallStatus::ALL), pick(Direction::ALL)),
        (
            proptest::option::of(any::<String>()),
            proptest::option::of(any::<String>()),
            proptest::option::of(any::<String>()),
        ),
        (any::<String>(), any::<u64>(), 0usize..64, 0usize..12),
    )
        .prop_map(
            |(
                (account, call, from, to),
                (status, direction),
                (conference, queue, parent),
                (text, number, pick, which),
            )| {
                Fields {
                    account,
                    call,
                    from,
                    to,
                    status,
                    direction,
                    conference,
                    queue,
                    parent,
                    text,
                    number,
                    pick,
                    which,
                }
            },
        )
}

fn payload(f: &Fields) -> Payload<'_> {
    let call = CallContext {
        account_id: &f.account,
        call_id: &f.call,
        from: &f.from,
        to: &f.to,
        call_status: f.status,
        direction: f.direction,
        conference_id: f.conference.as_deref(),
        queue_id: f.queue.as_deref(),
        parent_call_id: f.parent.as_deref(),
    };
    let recording = Recording {
        recording_id: &f.text,
        recording_url: &f.to,
        duration_sec: f.number,
    };
    let n = f.pick;
    match f.which {
        0 => Payload::InboundCall { call },
        1 => Payload::CallStatus {
            call,
            call_ended_reason: CallEndedReason::ALL[n % CallEndedReason::ALL.len()],
            recording: n.is_multiple_of(2).then_some(recording),
        },
        2 => Payload::ConferenceStatus {
            account_id: &f.account,
            conference_id: &f.text,
            call: n.is_multiple_of(2).then_some(call),
            status: ConferenceStatus::ALL[n % 4],
            recording: n.is_multiple_of(3).then_some(recording),
        },
        3 => Payload::CallControl {
            call,
            conference_id: &f.text,
            digits: &f.text,
        },
        4 => Payload::GetDigits {
            call,
            digits: &f.text,
            reason: GetDigitsReason::ALL[n % GetDigitsReason::ALL.len()],
        },
        5 => Payload::GetSpeech {
            call,
            speech: Speech {
                reason: GetSpeechReason::ALL[n % GetSpeechReason::ALL.len()],
                recognition_result: Some(&f.text),
                confidence: Some((f.number % 256) as u8),
            },
        },
        6 => Payload::MachineDetected {
            call,
            machine_type: MachineType::ALL[n % 2],
        },
        7 => Payload::QueueWait {
            call,
            queue_id: &f.text,
            queue_position: n as u32,
            queue_time_sec: f.number,
            current_queue_size: n as u32 + 1,
        },
        8 => Payload::Dequeue {
            call,
            queue_id: &f.text,
            queue_result: QueueResultStatus::ALL[n % QueueResultStatus::ALL.len()],
            queue_time_sec: f.number,
        },
        9 => Payload::OutDialStart {
            call,
            dial_call_id: &f.text,
        },
        10 => Payload::ConferenceRecordingStatus {
            account_id: &f.account,
            conference_id: &f.text,
            status: ConferenceStatus::ALL[n % 4],
            recording,
        },
        _ => Payload::AddToConferenceNotification {
            call,
            conference_id: &f.text,
            status: ConferenceStatus::ALL[n % 4],
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn bodies_are_exact_sorted_json(f in fields()) {
        let p = payload(&f);
        let hook = webhook::build("https://app.test/x", &p);
        let parsed: Value = serde_json::from_str(&hook.raw_body).expect("raw body is JSON");
        prop_assert_eq!(&parsed, &hook.body);
        prop_assert_eq!(serde_json::to_string(&hook.body).ok(), Some(hook.raw_body.clone()));
        let obj = hook.body.as_object().expect("an object");
        let keys: Vec<&String> = obj.keys().collect();
        prop_assert!(keys.windows(2).all(|w| w[0] < w[1]), "sorted keys");
        prop_assert_eq!(&obj["requestType"], p.request_type().as_str());
        prop_assert_eq!(&obj["accountId"], f.account.as_str());
        let has_call = !matches!(
            p,
            Payload::ConferenceStatus { call: None, .. } | Payload::ConferenceRecordingStatus { .. }
        );
        if has_call {
            prop_assert_eq!(&obj["callId"], f.call.as_str());
            prop_assert_eq!(&obj["from"], f.from.as_str());
            prop_assert_eq!(&obj["to"], f.to.as_str());
            prop_assert_eq!(&obj["callStatus"], f.status.as_str());
            prop_assert_eq!(&obj["direction"], f.direction.as_str());
        } else {
            for key in ["callId", "from", "to", "callStatus", "direction"] {
                prop_assert_eq!(&obj[key], &Value::Null);
            }
        }
        if let Some(c) = obj.get("confidence").and_then(Value::as_u64) {
            prop_assert!(c <= 100);
        }
        prop_assert_eq!(webhook::build("https://app.test/x", &p), hook);
    }

    #[test]
    fn signatures_verify_and_any_change_breaks_them(
        secret in "\\PC{1,40}",
        t in 0u64..4_000_000_000,
        body in "\\PC{1,200}",
        at in any::<prop::sample::Index>(),
    ) {
        let header = sign(&secret, t, &body);
        prop_assert_eq!(verify(&header, &body, &secret, t, 1), Ok(()));
        // One character changed.
        let chars: Vec<char> = body.chars().collect();
        let i = at.index(chars.len());
        let mut changed = chars.clone();
        changed[i] = if chars[i] == 'a' { 'b' } else { 'a' };
        let changed: String = changed.into_iter().collect();
        prop_assert_eq!(verify(&header, &changed, &secret, t, 1), Err(SignatureError::Mismatch));
        let other_secret = format!("{secret}x");
        prop_assert_eq!(verify(&header, &body, &other_secret, t, 1), Err(SignatureError::Mismatch));
        // The same v1 under another t.
        let moved = header.replacen(&format!("t={t},"), &format!("t={},", t + 1), 1);
        prop_assert_eq!(verify(&moved, &body, &secret, t, 5), Err(SignatureError::Mismatch));
    }
}
