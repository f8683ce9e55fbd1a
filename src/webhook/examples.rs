//! One realistic webhook of every kind conflab builds, with ids drawn from a fixed seed: for the UI, the docs and
//! the conformance test against the Python SDK (`tests/webhook_sdk.rs`), which checks each of them.

use super::Webhook;
use super::payload::{
    BargeIn, CallContext, Message, Payload, Recording, Speech, TranscribeRecording, Transcription,
    Utterance, build,
};
use super::reasons::{
    BargeInReason, GetDigitsReason, GetSpeechReason, MachineType, MessageStatus, QueueResultStatus,
    RecordTermReason, TranscribeReason, TranscribeTermReason,
};
use crate::conference::ConferenceStatus;
use crate::ids::{IdGenerator, IdKind};
use crate::wire::{CallEndedReason, CallStatus, Direction};

/// The base of every example URL.
const APP: &str = "https://app.test";

/// At least one webhook of every kind [`super::Payload`] has, in `RequestType` order, with ids from seed 4; the
/// kinds whose keys vary (recording keys, a conference status no call caused) once per shape.
pub fn all() -> Vec<Webhook> {
    let mut ids = IdGenerator::new(4);
    let account = ids.next(IdKind::Account);
    let inbound = ids.next(IdKind::Call);
    let child = ids.next(IdKind::Call);
    let api_call = ids.next(IdKind::Call);
    let conference = ids.next(IdKind::Conference);
    let queue = ids.next(IdKind::Queue);
    let recording = ids.next(IdKind::Recording);
    let utterance = ids.next(IdKind::Recording);
    let application = ids.next(IdKind::Application);
    let number = ids.next(IdKind::PhoneNumber);
    let recording_url = format!("/Accounts/{account}/Recordings/{recording}/Download");
    let utterance_url = format!("/Accounts/{account}/Recordings/{utterance}/Download");
    let message_id = "SM0123456789abcdef0123456789abcdef01234567";
    let message_uri = format!("/Accounts/{account}/Messages/{message_id}");

    let call = CallContext {
        account_id: &account,
        call_id: &inbound,
        from: "+15550111111",
        to: "+15550100000",
        call_status: CallStatus::InProgress,
        direction: Direction::Inbound,
        conference_id: None,
        queue_id: None,
        parent_call_id: None,
    };
    let ringing = CallContext {
        call_status: CallStatus::Ringing,
        ..call
    };
    let in_conference = CallContext {
        conference_id: Some(&conference),
        ..call
    };
    let in_queue = CallContext {
        queue_id: Some(&queue),
        ..call
    };
    let dialled = CallContext {
        call_id: &child,
        from: "+15550100000",
        to: "+15550122222",
        direction: Direction::OutboundDial,
        parent_call_id: Some(&inbound),
        ..call
    };
    let api = CallContext {
        call_id: &api_call,
        from: "+15550100000",
        to: "+15550133333",
        direction: Direction::OutboundApi,
        ..call
    };
    let conference_recording = Recording {
        recording_id: &recording,
        recording_url: &recording_url,
        duration_sec: 42,
    };
    let message = Message {
        account_id: &account,
        from: "+15550100000",
        to: "+15550122222",
        text: "Your conference starts now — dial in",
        application_id: Some(&application),
        phone_number_id: Some(&number),
    };
    let url = |path: &str| format!("{APP}/{path}");

    let payloads: Vec<(String, Payload<'_>)> = vec![
        (
            url("notify"),
            Payload::AddToConferenceNotification {
                call: in_conference,
                conference_id: &conference,
                status: ConferenceStatus::InProgress,
            },
        ),
        (
            url("queue/notify"),
            Payload::AddToQueueNotification {
                call: in_queue,
                queue_id: &queue,
            },
        ),
        (url("stream/done"), Payload::AudioStream { call }),
        (
            url("control"),
            Payload::CallControl {
                call: in_conference,
                conference_id: &conference,
                digits: "*9",
            },
        ),
        (
            url("calls"),
            Payload::CallStatus {
                call: CallContext {
                    call_status: CallStatus::Completed,
                    ..in_conference
                },
                call_ended_reason: CallEndedReason::ConferenceTerminated,
                recording: None,
            },
        ),
        (
            url("calls"),
            Payload::CallStatus {
                call: CallContext {
                    call_status: CallStatus::Completed,
                    ..call
                },
                call_ended_reason: CallEndedReason::FarEndHangup,
                recording: Some(Recording {
                    recording_id: &utterance,
                    recording_url: &utterance_url,
                    duration_sec: 17,
                }),
            },
        ),
        (
            url("status"),
            Payload::ConferenceRecordingStatus {
                account_id: &account,
                conference_id: &conference,
                status: ConferenceStatus::Terminated,
                recording: conference_recording,
            },
        ),
        (
            url("status"),
            Payload::ConferenceStatus {
                account_id: &account,
                conference_id: &conference,
                call: Some(in_conference),
                status: ConferenceStatus::Populated,
                recording: None,
            },
        ),
        (
            url("status"),
            Payload::ConferenceStatus {
                account_id: &account,
                conference_id: &conference,
                call: None,
                status: ConferenceStatus::Empty,
                recording: None,
            },
        ),
        (
            url("status"),
            Payload::ConferenceStatus {
                account_id: &account,
                conference_id: &conference,
                call: None,
                status: ConferenceStatus::Terminated,
                recording: Some(conference_recording),
            },
        ),
        (
            url("created"),
            Payload::CreateConference {
                call,
                conference_id: &conference,
            },
        ),
        (
            url("status"),
            Payload::ConferenceCreated {
                account_id: &account,
                conference_id: &conference,
                call: Some(call),
            },
        ),
        (
            url("status"),
            Payload::ConferenceCreated {
                account_id: &account,
                conference_id: &conference,
                call: None,
            },
        ),
        (
            url("queue/done"),
            Payload::Dequeue {
                call: in_queue,
                queue_id: &queue,
                queue_result: QueueResultStatus::Dequeued,
                queue_time_sec: 12,
            },
        ),
        (
            url("digits"),
            Payload::GetDigits {
                call,
                digits: "12",
                reason: GetDigitsReason::FinishKey,
            },
        ),
        (
            url("speech"),
            Payload::GetSpeech {
                call,
                speech: Speech {
                    reason: GetSpeechReason::Recognition,
                    recognition_result: Some("join the standup"),
                    confidence: Some(100),
                },
            },
        ),
        (url("inbound"), Payload::InboundCall { call: ringing }),
        (
            url("left"),
            Payload::LeaveConference {
                call,
                conference_id: &conference,
            },
        ),
        (
            url("machine"),
            Payload::MachineDetected {
                call: api,
                machine_type: MachineType::AnsweringMachine,
            },
        ),
        (
            url("sms/in"),
            Payload::MessageDelivery {
                message: Message {
                    from: "+15550122222",
                    to: "+15550100000",
                    ..message
                },
                uri: &message_uri,
            },
        ),
        (
            url("sms/status"),
            Payload::MessageStatus {
                message,
                message_id,
                call_id: Some(&inbound),
                status: MessageStatus::Sent,
            },
        ),
        (url("api/connect"), Payload::OutDialApiConnect { call: api }),
        (
            url("dial/connect"),
            Payload::OutDialConnect { call: dialled },
        ),
        (
            url("dial/start"),
            Payload::OutDialStart {
                call,
                dial_call_id: &child,
            },
        ),
        (
            url("queue/wait"),
            Payload::QueueWait {
                call: in_queue,
                queue_id: &queue,
                queue_position: 1,
                queue_time_sec: 5,
                current_queue_size: 3,
            },
        ),
        (
            url("recorded"),
            Payload::Record {
                call,
                utterance: Utterance {
                    recording_id: &utterance,
                    recording_url: &utterance_url,
                    size_bytes: 64_044,
                    duration_sec: 4,
                    term_reason: RecordTermReason::FinishKey,
                    privacy_mode: false,
                },
            },
        ),
        (url("redirected"), Payload::Redirect { call }),
        (
            url("queue/notify"),
            Payload::RemoveFromQueueNotification {
                call: in_queue,
                queue_id: &queue,
                queue_result: QueueResultStatus::Hangup,
                queue_time_sec: 30,
            },
        ),
        (
            url("transcribed"),
            Payload::Transcribe {
                call,
                transcription: Transcription {
                    recording: Some(TranscribeRecording {
                        recording_id: &utterance,
                        recording_url: &utterance_url,
                        size_bytes: 64_044,
                        duration_ms: 3_900,
                    }),
                    term_reason: TranscribeTermReason::Completed,
                    record_term_reason: Some(RecordTermReason::FinishKey),
                    digit: Some('#'),
                    privacy_for_logging: false,
                    privacy_for_recording: false,
                    barge_in: Some(BargeIn {
                        reason: BargeInReason::BargeInByDtmf,
                        prompt_no: 1,
                        prompt_ms: 850,
                        prompt_loop_no: 1,
                        time_ms: 1_767_225_600_850,
                    }),
                    transcript: Some("I will be five minutes late"),
                    transcribe_reason: Some(TranscribeReason::Digit),
                    transcription_duration_ms: 3_900,
                },
            },
        ),
    ];
    payloads
        .iter()
        .map(|(url, payload)| build(url, payload))
        .collect()
}
