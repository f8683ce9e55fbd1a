//! Unit tests of the webhook bodies: exact bytes, key sets per kind, determinism.

use super::examples;
use super::payload::{CallContext, Payload, build};
use crate::conference::ConferenceStatus;
use crate::wire::{CallStatus, Direction, RequestType};
use serde_json::Value;
use std::collections::BTreeSet;

const CALL_KEYS: [&str; 9] = [
    "accountId",
    "callId",
    "callStatus",
    "conferenceId",
    "direction",
    "from",
    "queueId",
    "requestType",
    "to",
];

fn ctx() -> CallContext<'static> {
    CallContext {
        account_id: "AC0000000000000000000000000000000000000001",
        call_id: "CA0000000000000000000000000000000000000002",
        from: "+13121000109",
        to: "+13121000096",
        call_status: CallStatus::Ringing,
        direction: Direction::Inbound,
        conference_id: None,
        queue_id: None,
        parent_call_id: None,
    }
}

#[test]
fn inbound_call_is_byte_for_byte_freeclimbs_sample_shape() {
    let hook = build("https://app.test/in", &Payload::InboundCall { call: ctx() });
    assert_eq!(
        hook.raw_body,
        r#"{"accountId":"AC0000000000000000000000000000000000000001","callId":"CA0000000000000000000000000000000000000002","callStatus":"ringing","conferenceId":null,"direction":"inbound","from":"+13121000109","parentCallId":null,"queueId":null,"requestType":"inboundCall","to":"+13121000096"}"#
    );
    assert_eq!(hook.url, "https://app.test/in");
    assert_eq!(hook.request_type, RequestType::InboundCall);
}

#[test]
fn body_is_raw_body_parsed_and_keys_are_sorted() {
    for hook in examples::all() {
        let parsed: Value = serde_json::from_str(&hook.raw_body).expect("raw body is JSON");
        assert_eq!(parsed, hook.body, "{}", hook.raw_body);
        let keys: Vec<&String> = hook.body.as_object().expect("object").keys().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        // The raw body lists keys in the same (sorted) order: each key appears after the previous one.
        let mut at = 0;
        for key in keys {
            let found = hook.raw_body[at..]
                .find(&format!("\"{key}\":"))
                .unwrap_or_else(|| panic!("{key} out of order in {}", hook.raw_body));
            at += found + key.len();
        }
        assert_eq!(hook.body["requestType"], hook.request_type.as_str());
        // Compact: exactly what serde_json writes for the (sorted) value, no whitespace between tokens.
        assert_eq!(
            serde_json::to_string(&hook.body).ok(),
            Some(hook.raw_body.clone())
        );
    }
}

#[test]
fn every_request_type_has_an_example() {
    let covered: BTreeSet<RequestType> = examples::all().iter().map(|h| h.request_type).collect();
    let all: BTreeSet<RequestType> = RequestType::ALL.iter().copied().collect();
    assert_eq!(covered, all);
}

#[test]
fn call_webhooks_carry_every_call_context_key() {
    let except = [
        RequestType::Transcribe,
        RequestType::MessageStatus,
        RequestType::MessageDelivery,
    ];
    for hook in examples::all() {
        let obj = hook.body.as_object().expect("object");
        if except.contains(&hook.request_type) {
            continue;
        }
        for key in CALL_KEYS {
            assert!(obj.contains_key(key), "{} lacks {key}", hook.raw_body);
        }
    }
}

#[test]
fn exact_key_sets_per_kind() {
    let extra = |rt: RequestType| -> &'static [&'static str] {
        match rt {
            RequestType::InboundCall
            | RequestType::OutDialConnect
            | RequestType::OutDialApiConnect
            | RequestType::Redirect => &["parentCallId"],
            RequestType::CallStatus => &["callEndedReason"],
            RequestType::CreateConference
            | RequestType::LeaveConference
            | RequestType::AudioStream
            | RequestType::AddToQueueNotification => &[],
            RequestType::ConferenceStatus | RequestType::AddToConferenceNotification => &["status"],
            RequestType::ConferenceRecordingStatus => &[
                "status",
                "recordingId",
                "recordingUrl",
                "recordingDurationSec",
            ],
            RequestType::CallControl => &["digits", "parentCallId"],
            RequestType::OutDialStart => &["dialCallId", "parentCallId"],
            RequestType::MachineDetected => &["machineType", "parentCallId"],
            RequestType::GetDigits => &["digits", "reason", "parentCallId"],
            RequestType::GetSpeech => &[
                "reason",
                "recognitionResult",
                "confidence",
                "parentCallId",
                "completionReason",
                "completionCause",
                "mrcpCode",
                "mrcpDiagnostic",
            ],
            RequestType::Record => &[
                "recordingId",
                "recordingUrl",
                "recordingSize",
                "recordingFormat",
                "recordingDurationSec",
                "termReason",
                "parentCallId",
                "privacyMode",
            ],
            RequestType::QueueWait => &["queuePosition", "queueTime", "currentQueueSize"],
            RequestType::Dequeue | RequestType::RemoveFromQueueNotification => {
                &["queueResult", "queueTime"]
            }
            // Not call-context webhooks: checked below in full.
            RequestType::Transcribe | RequestType::MessageStatus | RequestType::MessageDelivery => {
                &[]
            }
        }
    };
    let recording = ["recordingId", "recordingUrl", "recordingDurationSec"];
    for hook in examples::all() {
        let keys: BTreeSet<&str> = hook
            .body
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut want: BTreeSet<&str> = match hook.request_type {
            RequestType::Transcribe => [
                "requestType",
                "accountId",
                "callId",
                "from",
                "to",
                "recordingId",
                "recordingUrl",
                "recordingSize",
                "recordingFormat",
                "recordingDurationMs",
                "termReason",
                "recordTermReason",
                "digit",
                "privacyForLogging",
                "privacyForRecording",
                "bargeInReason",
                "bargedInPromptNo",
                "bargedInPromptMs",
                "bargedInPromptLoopNo",
                "bargeInTimeMs",
                "transcript",
                "transcribeReason",
                "transcriptionDurationMs",
            ]
            .into(),
            RequestType::MessageStatus => [
                "requestType",
                "accountId",
                "messageId",
                "callId",
                "from",
                "to",
                "text",
                "direction",
                "applicationId",
                "status",
                "phoneNumberId",
            ]
            .into(),
            RequestType::MessageDelivery => [
                "requestType",
                "accountId",
                "from",
                "to",
                "text",
                "direction",
                "applicationId",
                "status",
                "phoneNumberId",
                "uri",
            ]
            .into(),
            rt => CALL_KEYS.iter().chain(extra(rt)).copied().collect(),
        };
        // createConference carries `status` exactly when it goes to the statusCallbackUrl (spec
        // `CreateConferenceWebhook`: "present only if statusCallbackUrl is being invoked").
        if hook.request_type == RequestType::CreateConference && hook.url.ends_with("/status") {
            want.insert("status");
            assert_eq!(hook.body["status"], "empty", "{}", hook.raw_body);
        }
        // Recording keys appear on callStatus / conferenceStatus only when a recording is reported.
        if matches!(
            hook.request_type,
            RequestType::CallStatus | RequestType::ConferenceStatus
        ) && hook.body.get("recordingId").is_some()
        {
            want.extend(recording);
            assert!(hook.body["recordingId"].is_string(), "{}", hook.raw_body);
        }
        assert_eq!(keys, want, "{}", hook.raw_body);
    }
}

#[test]
fn conference_status_without_a_call_has_null_call_keys() {
    let hook = build(
        "https://app.test/status",
        &Payload::ConferenceStatus {
            account_id: "AC1",
            conference_id: "CF1",
            call: None,
            status: ConferenceStatus::Empty,
            recording: None,
        },
    );
    assert_eq!(
        hook.raw_body,
        r#"{"accountId":"AC1","callId":null,"callStatus":null,"conferenceId":"CF1","direction":null,"from":null,"queueId":null,"requestType":"conferenceStatus","status":"empty","to":null}"#
    );
}

#[test]
fn conference_webhooks_name_their_conference_even_if_the_call_has_left_it() {
    let hook = build(
        "https://app.test/left",
        &Payload::LeaveConference {
            call: ctx(),
            conference_id: "CF9",
        },
    );
    assert_eq!(hook.body["conferenceId"], "CF9");
    assert_eq!(hook.body["requestType"], "leaveConference");
}

#[test]
fn wire_spellings_that_the_sdk_is_strict_about() {
    let all = examples::all();
    let find = |rt: RequestType| {
        all.iter()
            .find(|h| h.request_type == rt)
            .unwrap_or_else(|| panic!("no {rt}"))
    };
    assert_eq!(
        find(RequestType::CallControl).body["requestType"],
        "callControl"
    );
    assert_eq!(
        find(RequestType::MachineDetected).body["machineType"],
        "answering machine"
    );
    assert_eq!(
        find(RequestType::MachineDetected).body["direction"],
        "outboundAPI"
    );
    assert_eq!(
        find(RequestType::OutDialConnect).body["direction"],
        "outboundDial"
    );
    // The SDK types recordingSize as a string on `record` and as a number on `transcribe`, and queuePosition as
    // a string.
    assert_eq!(find(RequestType::Record).body["recordingSize"], "64044");
    assert_eq!(find(RequestType::Transcribe).body["recordingSize"], 64044);
    assert_eq!(find(RequestType::QueueWait).body["queuePosition"], "1");
    assert_eq!(
        find(RequestType::Record).body["recordingFormat"],
        "audio/wav"
    );
}

#[test]
fn expects_percl_follows_the_reference() {
    let call = ctx();
    assert!(Payload::InboundCall { call }.expects_percl());
    assert!(
        !Payload::OutDialConnect { call }.expects_percl(),
        "ringing child"
    );
    let live = CallContext {
        call_status: CallStatus::InProgress,
        ..call
    };
    assert!(Payload::OutDialConnect { call: live }.expects_percl());
    assert!(
        !Payload::AddToConferenceNotification {
            call,
            conference_id: "CF1",
            status: ConferenceStatus::Populated
        }
        .expects_percl()
    );
}

#[test]
fn same_payload_same_bytes() {
    assert_eq!(examples::all(), examples::all());
}

#[test]
fn a_reused_signer_signs_every_body_as_a_fresh_key_does() {
    let signer = super::Signer::new("sigsec_x");
    for (t, body) in [(1, "{}"), (1_767_225_600, "{\"a\":1}"), (0, "x")] {
        let expected = format!(
            "t={t},v1={}",
            super::signature::digest_hex("sigsec_x", t, body)
        );
        assert_eq!(signer.sign(t, body), expected);
        assert_eq!(super::sign("sigsec_x", t, body), expected);
    }
    assert_ne!(signer.sign(1, "{}"), super::sign("sigsec_y", 1, "{}"));
}

#[test]
fn strings_that_need_escapes_are_written_as_serde_json_writes_them() {
    let mut call = ctx();
    call.from = "a\"b\\c\u{1}\u{e9}\n";
    let hook = build("https://x.test/", &Payload::InboundCall { call });
    let expected = serde_json::to_string(&call.from).unwrap_or_default();
    assert!(hook.raw_body.contains(&expected), "{}", hook.raw_body);
    assert_eq!(hook.body["from"], call.from);
}
