//! One typed payload per webhook kind, and the exact body that goes on the wire.
//!
//! The engine decides *when* a webhook fires; this module decides *what it says*. Each [`Payload`] variant holds
//! everything its body needs as typed fields (enums from [`crate::wire`] and [`super::reasons`], ids as `&str`),
//! so a required field cannot be forgotten and a misspelt enum cannot be written. [`build`] turns a payload and a
//! URL into a [`Webhook`]: the raw body (the exact bytes to send and to sign), written directly from the typed
//! fields, and the same body as a lazily parsed JSON value ([`super::JsonBody`], for the event log).
//!
//! **Key order.** Keys are sorted (byte order), nulls are written: that is how FreeClimb's real `inboundCall`
//! sample looks (reference §4.1), and it makes the body a pure function of the payload.
//!
//! **Which keys each kind carries** (✱ = the call-context set: `requestType`, `callId`, `accountId`, `from`,
//! `to`, `callStatus`, `direction`, `conferenceId`, `queueId`, always present, null when absent):
//!
//! | requestType | keys beyond ✱ | why |
//! |---|---|---|
//! | `inboundCall` | `parentCallId` | FreeClimb's real sample |
//! | `callStatus` | `callEndedReason`; `recordingId`, `recordingUrl`, `recordingDurationSec` only when the call had a StartRecordCall recording | §4.3; the recording names are the historic samples' (not in the spec), so they appear only when there is something to report |
//! | `createConference` to `actionUrl` | – (`conferenceId` set) | PerCL CreateConference's `actionUrl`; no `status` (spec `CreateConferenceWebhook`: `status` is "present only if statusCallbackUrl is being invoked") |
//! | `createConference` to `statusCallbackUrl` | `status` (`empty`) | the conference's creation, REST or PerCL ([`Payload::ConferenceCreated`]): spec `CreateConferenceWebhook` ("its statusCallbackUrl or actionUrl is being invoked"); sandbox choice, since the REST reference (docs.freeclimb.com/reference/create-a-conference) lists `empty` among the status callbacks but also says "there is no status callback posted for creating" |
//! | `conferenceStatus` | `status`; the recording keys only when this change ended a recording (`record=true`, conference emptied or terminated) | §4.3 "only when the conference was recorded and emptied"; for a REST-created conference the call keys are null (historic fixture) |
//! | `conferenceRecordingStatus` | `status`, `recordingId`, `recordingUrl`, `recordingDurationSec` | §4.3 |
//! | `addToConferenceNotification` | `status` (the conference's, after the join) | §4.3; the optional recording keys are left out: a join never ends a recording |
//! | `leaveConference` | – (`conferenceId` is the conference left) | §4.3 |
//! | `callControl` | `digits`, `parentCallId` | the spec lists only requestType, callId, accountId, conferenceId, digits; the historic fixture also had the other ✱ keys and parentCallId, and conflab sends ✱ on every call webhook |
//! | `outDialStart` | `dialCallId`, `parentCallId` | §4.3 (parent leg; `parentCallId` is the parent's own parent, usually null) |
//! | `outDialConnect`, `outDialApiConnect`, `redirect` | `parentCallId` | §4.3 |
//! | `machineDetected` | `machineType`, `parentCallId` | §4.3 |
//! | `getDigits` | `digits`, `reason`, `parentCallId` | §4.3; `digits` never includes the finish key |
//! | `getSpeech` | `reason`, `recognitionResult`, `confidence`, `parentCallId`, `completionReason`, `completionCause`, `mrcpCode`, `mrcpDiagnostic` | §4.3; recognition is simulated (no MRCP engine), so the four MRCP diagnostics are always null |
//! | `record` | `recordingId`, `recordingUrl`, `recordingSize` (a string), `recordingFormat` (`audio/wav`), `recordingDurationSec`, `termReason`, `parentCallId`, `privacyMode` | §4.3 and the SDK's types |
//! | `transcribe` | *not* ✱: `requestType`, `callId`, `accountId`, `from`, `to`, then `recordingId`, `recordingUrl`, `recordingSize` (a number), `recordingFormat`, `recordingDurationMs`, `termReason`, `recordTermReason`, `digit`, `privacyForLogging`, `privacyForRecording`, `bargeInReason`, `bargedInPromptNo`, `bargedInPromptMs`, `bargedInPromptLoopNo`, `bargeInTimeMs`, `transcript`, `transcribeReason`, `transcriptionDurationMs` | §4.3 says this one has no callStatus or direction; the SDK model has exactly these keys |
//! | `queueWait` | `queuePosition` (a string), `queueTime`, `currentQueueSize` | SDK model |
//! | `dequeue`, `removeFromQueueNotification` | `queueResult`, `queueTime` | SDK model |
//! | `addToQueueNotification`, `audioStream` | – | SDK model |
//! | `messageStatus` | not ✱: `requestType`, `accountId`, `messageId`, `callId`, `from`, `to`, `text`, `direction` (`outbound`), `applicationId`, `status`, `phoneNumberId` | SDK model (SMS `direction` is a plain string, not `CallDirection`) |
//! | `messageDelivery` | not ✱: `requestType`, `accountId`, `from`, `to`, `text`, `direction` (`inbound`), `applicationId`, `status` (`received`), `phoneNumberId`, `uri` | SDK model |
//!
//! Times: `queueTime` and `*Sec` are whole seconds, `*Ms` milliseconds, as the SDK documents them.

use super::Webhook;
use super::reasons::{
    BargeInReason, GetDigitsReason, GetSpeechReason, MachineType, MessageStatus, QueueResultStatus,
    RecordTermReason, TranscribeReason, TranscribeTermReason,
};
use crate::conference::ConferenceStatus;
use crate::wire::{CallEndedReason, CallStatus, Direction, RequestType};

/// The call a webhook is about: the ✱ fields of reference §4.3 plus `parentCallId`. Every call webhook takes one,
/// so the call-context keys are always all there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallContext<'a> {
    /// `accountId` (`AC…`).
    pub account_id: &'a str,
    /// `callId` (`CA…`).
    pub call_id: &'a str,
    /// `from`: E.164 number (or SIP URL).
    pub from: &'a str,
    /// `to`: E.164 number (or SIP URL).
    pub to: &'a str,
    /// `callStatus` at the time the webhook is sent.
    pub call_status: CallStatus,
    /// `direction`: `inbound`, `outboundAPI` or `outboundDial`.
    pub direction: Direction,
    /// `conferenceId`: the conference the call is in, if any. Conference webhooks name their conference
    /// explicitly and override this.
    pub conference_id: Option<&'a str>,
    /// `queueId`: the queue the call is in, if any. Queue webhooks name their queue explicitly and override this.
    pub queue_id: Option<&'a str>,
    /// `parentCallId`: the call that created this one (OutDial children, REST calls with `parentCallId`).
    pub parent_call_id: Option<&'a str>,
}

/// A finished recording of a whole conference or call (`recordingId`, `recordingUrl`, `recordingDurationSec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recording<'a> {
    /// `recordingId` (`RE…`).
    pub recording_id: &'a str,
    /// `recordingUrl`: where the WAV file can be fetched.
    pub recording_url: &'a str,
    /// `recordingDurationSec`: rounded up to the next whole second.
    pub duration_sec: u64,
}

/// The result of RecordUtterance (the `record` webhook).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utterance<'a> {
    /// `recordingId` (`RE…`).
    pub recording_id: &'a str,
    /// `recordingUrl`.
    pub recording_url: &'a str,
    /// `recordingSize` in bytes (sent as a string, as the SDK's model types it).
    pub size_bytes: u64,
    /// `recordingDurationSec`, rounded up.
    pub duration_sec: u64,
    /// `termReason`.
    pub term_reason: RecordTermReason,
    /// `privacyMode`: the command's attribute, echoed.
    pub privacy_mode: bool,
}

/// The result of GetSpeech (the `getSpeech` webhook). conflab's recognition is simulated: the scenario's phone
/// "says" a phrase; there is no MRCP engine, so the MRCP diagnostic keys are always null.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Speech<'a> {
    /// `reason`.
    pub reason: GetSpeechReason,
    /// `recognitionResult`: the recognised phrase (or the key pressed, with `reason=digit`).
    pub recognition_result: Option<&'a str>,
    /// `confidence`, 0 to 100 (larger values are sent as 100).
    pub confidence: Option<u8>,
}

/// The recording TranscribeUtterance made (absent when `saveRecording` is off or recording failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TranscribeRecording<'a> {
    /// `recordingId` (`RE…`).
    pub recording_id: &'a str,
    /// `recordingUrl`.
    pub recording_url: &'a str,
    /// `recordingSize` in bytes (a number here, unlike `record`).
    pub size_bytes: u64,
    /// `recordingDurationMs`.
    pub duration_ms: u64,
}

/// Where the caller barged in on TranscribeUtterance's prompts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BargeIn {
    /// `bargeInReason` (never `noBargeIn`: that is `Transcription::barge_in = None`).
    pub reason: BargeInReason,
    /// `bargedInPromptNo`: which prompt (1-based).
    pub prompt_no: u32,
    /// `bargedInPromptMs`: how long that prompt had played.
    pub prompt_ms: u64,
    /// `bargedInPromptLoopNo`: which loop of the prompts.
    pub prompt_loop_no: u32,
    /// `bargeInTimeMs`: unix time in ms.
    pub time_ms: u64,
}

/// The result of TranscribeUtterance (the `transcribe` webhook). Simulated: the transcript is the phrase the
/// scenario's phone "says".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transcription<'a> {
    /// The recording, if one was kept.
    pub recording: Option<TranscribeRecording<'a>>,
    /// `termReason`.
    pub term_reason: TranscribeTermReason,
    /// `recordTermReason`.
    pub record_term_reason: Option<RecordTermReason>,
    /// `digit`: the key that ended the recording, if one did.
    pub digit: Option<char>,
    /// `privacyForLogging`, echoed.
    pub privacy_for_logging: bool,
    /// `privacyForRecording`, echoed.
    pub privacy_for_recording: bool,
    /// Barge-in details; `None` sends `bargeInReason: noBargeIn` and null details.
    pub barge_in: Option<BargeIn>,
    /// `transcript`: null means transcription failed (see `transcribe_reason`).
    pub transcript: Option<&'a str>,
    /// `transcribeReason`.
    pub transcribe_reason: Option<TranscribeReason>,
    /// `transcriptionDurationMs`.
    pub transcription_duration_ms: u64,
}

/// An SMS message (the `messageStatus` and `messageDelivery` webhooks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    /// `accountId`.
    pub account_id: &'a str,
    /// `from`.
    pub from: &'a str,
    /// `to`.
    pub to: &'a str,
    /// `text`.
    pub text: &'a str,
    /// `applicationId`, if the number has an application.
    pub application_id: Option<&'a str>,
    /// `phoneNumberId`, if known.
    pub phone_number_id: Option<&'a str>,
}

/// One webhook's content. The variant is the `requestType`; its fields are everything the body needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload<'a> {
    /// `inboundCall` to the number's `voiceUrl` (call status `ringing`). Expects PerCL.
    InboundCall {
        /// The new inbound call.
        call: CallContext<'a>,
    },
    /// `callStatus` to the call's `statusCallbackUrl` when the call ends. Notification only.
    CallStatus {
        /// The call, with its final status.
        call: CallContext<'a>,
        /// `callEndedReason`.
        call_ended_reason: CallEndedReason,
        /// The StartRecordCall recording, if the call made one.
        recording: Option<Recording<'a>>,
    },
    /// `createConference` to CreateConference's `actionUrl`. Expects PerCL for the creating call.
    CreateConference {
        /// The call that ran CreateConference.
        call: CallContext<'a>,
        /// The new conference.
        conference_id: &'a str,
    },
    /// `createConference` with `status: empty` to the conference's `statusCallbackUrl` when it is created (REST or
    /// PerCL): spec `CreateConferenceWebhook`, sent "to statusCallbackUrl or actionUrl", its `status` "present
    /// only if statusCallbackUrl is being invoked". Notification only. The call keys are the creating call's
    /// (PerCL) or null (REST).
    ConferenceCreated {
        /// `accountId`.
        account_id: &'a str,
        /// `conferenceId`.
        conference_id: &'a str,
        /// The call that ran CreateConference; `None` for REST.
        call: Option<CallContext<'a>>,
    },
    /// `conferenceStatus` to the conference's `statusCallbackUrl`, on every status change after creation.
    /// Notification only.
    ConferenceStatus {
        /// `accountId`.
        account_id: &'a str,
        /// `conferenceId`.
        conference_id: &'a str,
        /// The call whose action caused the change, if any (null call keys for REST-driven changes).
        call: Option<CallContext<'a>>,
        /// The new status.
        status: ConferenceStatus,
        /// The recording this change ended, if any.
        recording: Option<Recording<'a>>,
    },
    /// `conferenceRecordingStatus` to the conference's `statusCallbackUrl` once its recording is processed.
    /// Notification only.
    ConferenceRecordingStatus {
        /// `accountId`.
        account_id: &'a str,
        /// `conferenceId`.
        conference_id: &'a str,
        /// The conference's status when the recording became available.
        status: ConferenceStatus,
        /// The recording.
        recording: Recording<'a>,
    },
    /// `addToConferenceNotification` to AddToConference's `notificationUrl` when the call is bridged in.
    /// Notification only.
    AddToConferenceNotification {
        /// The call that joined.
        call: CallContext<'a>,
        /// The conference it joined.
        conference_id: &'a str,
        /// The conference's status after the join.
        status: ConferenceStatus,
    },
    /// `leaveConference` to AddToConference's `leaveConferenceUrl` when the leg leaves. Expects PerCL unless the
    /// call left by hanging up.
    LeaveConference {
        /// The leg that left.
        call: CallContext<'a>,
        /// The conference it left.
        conference_id: &'a str,
    },
    /// `callControl` to AddToConference's `callControlUrl` after the participant keyed the
    /// `callControlSequence`. Expects PerCL; invalid PerCL ends the leg.
    CallControl {
        /// The participant's call.
        call: CallContext<'a>,
        /// Its conference.
        conference_id: &'a str,
        /// The digits keyed.
        digits: &'a str,
    },
    /// `outDialStart` to OutDial's `actionUrl`, on the **parent** leg, right away. Expects PerCL.
    OutDialStart {
        /// The parent call.
        call: CallContext<'a>,
        /// `dialCallId`: the child call.
        dial_call_id: &'a str,
    },
    /// `outDialConnect` to OutDial's `callConnectUrl`, on the **child** leg, when it answers or fails. PerCL is
    /// run only when the child is `inProgress`.
    OutDialConnect {
        /// The child call (its `parent_call_id` set).
        call: CallContext<'a>,
    },
    /// `outDialApiConnect` to the `callConnectUrl` of a REST-made call. PerCL is run only when `inProgress`.
    OutDialApiConnect {
        /// The call.
        call: CallContext<'a>,
    },
    /// `machineDetected` to `ifMachineUrl`. Expects PerCL.
    MachineDetected {
        /// The call.
        call: CallContext<'a>,
        /// `machineType`.
        machine_type: MachineType,
    },
    /// `redirect` to Redirect's `actionUrl`. Expects PerCL.
    Redirect {
        /// The call.
        call: CallContext<'a>,
    },
    /// `getDigits` to GetDigits' `actionUrl`. Expects PerCL.
    GetDigits {
        /// The call.
        call: CallContext<'a>,
        /// `digits`, without the finish key.
        digits: &'a str,
        /// `reason`.
        reason: GetDigitsReason,
    },
    /// `getSpeech` to GetSpeech's `actionUrl`. Expects PerCL unless `reason=hangup`.
    GetSpeech {
        /// The call.
        call: CallContext<'a>,
        /// What was recognised.
        speech: Speech<'a>,
    },
    /// `record` to RecordUtterance's `actionUrl`. Expects PerCL.
    Record {
        /// The call.
        call: CallContext<'a>,
        /// The recording.
        utterance: Utterance<'a>,
    },
    /// `transcribe` to TranscribeUtterance's `actionUrl`. Expects PerCL unless the caller hung up.
    Transcribe {
        /// The call (only `accountId`, `callId`, `from`, `to` are sent).
        call: CallContext<'a>,
        /// The result.
        transcription: Transcription<'a>,
    },
    /// `queueWait` to Enqueue's `waitUrl` while the call waits. Expects PerCL.
    QueueWait {
        /// The queued call.
        call: CallContext<'a>,
        /// `queueId`.
        queue_id: &'a str,
        /// `queuePosition` (1-based; sent as a string, as the SDK types it).
        queue_position: u32,
        /// `queueTime`, seconds so far.
        queue_time_sec: u64,
        /// `currentQueueSize`.
        current_queue_size: u32,
    },
    /// `dequeue` to Enqueue's `actionUrl` when the call leaves the queue. Expects PerCL.
    Dequeue {
        /// The call.
        call: CallContext<'a>,
        /// `queueId`.
        queue_id: &'a str,
        /// `queueResult`.
        queue_result: QueueResultStatus,
        /// `queueTime`, seconds spent queued.
        queue_time_sec: u64,
    },
    /// `addToQueueNotification` to Enqueue's `notificationUrl` on entry. Notification only.
    AddToQueueNotification {
        /// The call.
        call: CallContext<'a>,
        /// `queueId`.
        queue_id: &'a str,
    },
    /// `removeFromQueueNotification` to Enqueue's `notificationUrl` on exit. Notification only.
    RemoveFromQueueNotification {
        /// The call.
        call: CallContext<'a>,
        /// `queueId`.
        queue_id: &'a str,
        /// `queueResult`.
        queue_result: QueueResultStatus,
        /// `queueTime`, seconds spent queued.
        queue_time_sec: u64,
    },
    /// `audioStream` to AudioStream's `actionUrl` when the stream ends. Expects PerCL unless the caller hung up.
    AudioStream {
        /// The call.
        call: CallContext<'a>,
    },
    /// `messageStatus` to Sms' `notificationUrl`. Notification only.
    MessageStatus {
        /// The message (outbound).
        message: Message<'a>,
        /// `messageId` (`SM…`).
        message_id: &'a str,
        /// `callId` of the call whose PerCL sent it, if any.
        call_id: Option<&'a str>,
        /// `status`.
        status: MessageStatus,
    },
    /// `messageDelivery` to the number's `smsUrl` for an inbound message. Notification only.
    MessageDelivery {
        /// The message (inbound).
        message: Message<'a>,
        /// `uri` of the message resource.
        uri: &'a str,
    },
}

impl Payload<'_> {
    /// The `requestType` this payload is sent with.
    pub const fn request_type(&self) -> RequestType {
        match self {
            Payload::InboundCall { .. } => RequestType::InboundCall,
            Payload::CallStatus { .. } => RequestType::CallStatus,
            Payload::CreateConference { .. } | Payload::ConferenceCreated { .. } => {
                RequestType::CreateConference
            }
            Payload::ConferenceStatus { .. } => RequestType::ConferenceStatus,
            Payload::ConferenceRecordingStatus { .. } => RequestType::ConferenceRecordingStatus,
            Payload::AddToConferenceNotification { .. } => RequestType::AddToConferenceNotification,
            Payload::LeaveConference { .. } => RequestType::LeaveConference,
            Payload::CallControl { .. } => RequestType::CallControl,
            Payload::OutDialStart { .. } => RequestType::OutDialStart,
            Payload::OutDialConnect { .. } => RequestType::OutDialConnect,
            Payload::OutDialApiConnect { .. } => RequestType::OutDialApiConnect,
            Payload::MachineDetected { .. } => RequestType::MachineDetected,
            Payload::Redirect { .. } => RequestType::Redirect,
            Payload::GetDigits { .. } => RequestType::GetDigits,
            Payload::GetSpeech { .. } => RequestType::GetSpeech,
            Payload::Record { .. } => RequestType::Record,
            Payload::Transcribe { .. } => RequestType::Transcribe,
            Payload::QueueWait { .. } => RequestType::QueueWait,
            Payload::Dequeue { .. } => RequestType::Dequeue,
            Payload::AddToQueueNotification { .. } => RequestType::AddToQueueNotification,
            Payload::RemoveFromQueueNotification { .. } => RequestType::RemoveFromQueueNotification,
            Payload::AudioStream { .. } => RequestType::AudioStream,
            Payload::MessageStatus { .. } => RequestType::MessageStatus,
            Payload::MessageDelivery { .. } => RequestType::MessageDelivery,
        }
    }

    /// Whether the PerCL this webhook's response carries is run (reference §4.3, §6.10–12). Notification-only
    /// kinds never run a response; PerCL-expecting kinds do, except when the call can no longer run it (the
    /// child is not `inProgress`, or the caller hung up). For `leaveConference` and `audioStream` the payload
    /// cannot tell whether the leg left by hanging up: the engine checks that (the call status is still
    /// `inProgress` here when it did not).
    pub fn expects_percl(&self) -> bool {
        let live = |call: &CallContext<'_>| call.call_status == CallStatus::InProgress;
        match self {
            Payload::InboundCall { .. }
            | Payload::CreateConference { .. }
            | Payload::CallControl { .. }
            | Payload::OutDialStart { .. }
            | Payload::MachineDetected { .. }
            | Payload::Redirect { .. }
            | Payload::GetDigits { .. }
            | Payload::Record { .. }
            | Payload::QueueWait { .. }
            | Payload::Dequeue { .. } => true,
            Payload::OutDialConnect { call }
            | Payload::OutDialApiConnect { call }
            | Payload::LeaveConference { call, .. }
            | Payload::AudioStream { call } => live(call),
            Payload::GetSpeech { speech, .. } => speech.reason != GetSpeechReason::Hangup,
            Payload::Transcribe { transcription, .. } => {
                transcription.transcribe_reason != Some(TranscribeReason::Hangup)
                    && transcription.record_term_reason != Some(RecordTermReason::Hangup)
            }
            Payload::CallStatus { .. }
            | Payload::ConferenceCreated { .. }
            | Payload::ConferenceStatus { .. }
            | Payload::ConferenceRecordingStatus { .. }
            | Payload::AddToConferenceNotification { .. }
            | Payload::AddToQueueNotification { .. }
            | Payload::RemoveFromQueueNotification { .. }
            | Payload::MessageStatus { .. }
            | Payload::MessageDelivery { .. } => false,
        }
    }
}

/// One value in a body: the few JSON shapes webhook bodies use, borrowed where the payload already holds them.
enum Val<'a> {
    Null,
    Str(&'a str),
    Owned(String),
    Num(u64),
    Bool(bool),
}

impl From<u64> for Val<'_> {
    fn from(n: u64) -> Self {
        Val::Num(n)
    }
}

impl From<u32> for Val<'_> {
    fn from(n: u32) -> Self {
        Val::Num(n.into())
    }
}

impl From<u8> for Val<'_> {
    fn from(n: u8) -> Self {
        Val::Num(n.into())
    }
}

impl From<bool> for Val<'_> {
    fn from(b: bool) -> Self {
        Val::Bool(b)
    }
}

/// A body under construction: at most ~25 keys, so a sorted vector (binary search on set) is cheaper than a tree;
/// the written order is key order, never insertion order.
struct Body<'a>(Vec<(&'static str, Val<'a>)>);

fn opt_str(s: Option<&str>) -> Val<'_> {
    s.map_or(Val::Null, Val::Str)
}

fn string(s: &str) -> Val<'_> {
    Val::Str(s)
}

/// Writes `s` as a JSON string exactly as `serde_json` does: `"`, `\` and control characters escaped, everything
/// else (non-ASCII included) as is. Ids and URLs need no escape, so they are copied in one go.
fn write_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing into a Vec cannot fail; the fallback only keeps this panic-free.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// Writes `n` in decimal (what `serde_json` writes for an unsigned integer).
fn write_num(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// The byte order of two keys (what `str::cmp` gives), compared inline byte by byte: keys are short names that
/// mostly differ in their first bytes, and a `memcmp` call per comparison was the costliest part of webhook
/// building.
fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    for (x, y) in a.bytes().zip(b.bytes()) {
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

impl<'a> Body<'a> {
    fn new(request_type: RequestType) -> Self {
        let mut fields = Vec::with_capacity(24);
        fields.push(("requestType", string(request_type.as_str())));
        Body(fields)
    }

    /// Sets `key`, replacing an earlier value (conference and queue webhooks override the call's ids). Keys are
    /// kept sorted as they are set, so the body is written in key order without a sort at the end.
    fn set(&mut self, key: &'static str, value: Val<'a>) -> &mut Self {
        match self.0.binary_search_by(|(k, _)| key_order(k, key)) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (key, value)),
        }
        self
    }

    /// The ✱ keys of `call`.
    fn call(&mut self, call: &CallContext<'a>) -> &mut Self {
        self.set("accountId", string(call.account_id))
            .set("callId", string(call.call_id))
            .set("from", string(call.from))
            .set("to", string(call.to))
            .set("callStatus", string(call.call_status.as_str()))
            .set("direction", string(call.direction.as_str()))
            .set("conferenceId", opt_str(call.conference_id))
            .set("queueId", opt_str(call.queue_id))
    }

    /// The ✱ keys of `call` and its `parentCallId`.
    fn call_with_parent(&mut self, call: &CallContext<'a>) -> &mut Self {
        self.call(call)
            .set("parentCallId", opt_str(call.parent_call_id))
    }

    /// The ✱ keys with null call fields: a change no call caused.
    fn no_call(&mut self, account_id: &'a str) -> &mut Self {
        for key in ["callId", "from", "to", "callStatus", "direction", "queueId"] {
            self.set(key, Val::Null);
        }
        self.set("accountId", string(account_id))
            .set("conferenceId", Val::Null)
    }

    fn recording(&mut self, recording: &Recording<'a>) -> &mut Self {
        self.set("recordingId", string(recording.recording_id))
            .set("recordingUrl", string(recording.recording_url))
            .set("recordingDurationSec", recording.duration_sec.into())
    }

    fn finish(self, url: &str, request_type: RequestType) -> Webhook {
        // Written by hand (keys are plain ASCII names, strings escaped as serde_json escapes them), which is what
        // `serde_json::to_string` of the sorted map gives, byte for byte (the tests compare the two). No JSON tree
        // is built: the engine builds a webhook for nearly every event, and only the event log reads the body
        // as a value ([`super::JsonBody`] parses it on first use).
        let mut raw = Vec::with_capacity(64 + 48 * self.0.len());
        raw.push(b'{');
        for (i, (key, value)) in self.0.iter().enumerate() {
            if i > 0 {
                raw.push(b',');
            }
            raw.push(b'"');
            raw.extend_from_slice(key.as_bytes());
            raw.extend_from_slice(b"\":");
            match value {
                Val::Null => raw.extend_from_slice(b"null"),
                Val::Str(s) => write_str(&mut raw, s),
                Val::Owned(s) => write_str(&mut raw, s),
                Val::Num(n) => write_num(&mut raw, *n),
                Val::Bool(true) => raw.extend_from_slice(b"true"),
                Val::Bool(false) => raw.extend_from_slice(b"false"),
            }
        }
        raw.push(b'}');
        let raw_body = String::from_utf8(raw).unwrap_or_default();
        Webhook {
            url: url.to_owned(),
            request_type,
            body: super::JsonBody::new(&raw_body),
            raw_body,
        }
    }
}

/// Builds the webhook for `payload`, to be POSTed to `url`: its exact raw body (sorted keys, nulls written, no
/// whitespace) and the same body as a JSON value, parsed from the raw body on first use.
pub fn build<'a>(url: &str, payload: &Payload<'a>) -> Webhook {
    let request_type = payload.request_type();
    let mut body = Body::new(request_type);
    match payload {
        Payload::InboundCall { call }
        | Payload::OutDialConnect { call }
        | Payload::OutDialApiConnect { call }
        | Payload::Redirect { call } => {
            body.call_with_parent(call);
        }
        Payload::AudioStream { call } => {
            body.call(call);
        }
        Payload::CallStatus {
            call,
            call_ended_reason,
            recording,
        } => {
            body.call(call)
                .set("callEndedReason", string(call_ended_reason.as_str()));
            if let Some(r) = recording {
                body.recording(r);
            }
        }
        Payload::CreateConference {
            call,
            conference_id,
        }
        | Payload::LeaveConference {
            call,
            conference_id,
        } => {
            body.call(call).set("conferenceId", string(conference_id));
        }
        Payload::ConferenceCreated {
            account_id,
            conference_id,
            call,
        } => {
            match call {
                Some(call) => body.call(call),
                None => body.no_call(account_id),
            };
            body.set("accountId", string(account_id))
                .set("conferenceId", string(conference_id))
                .set("status", string(ConferenceStatus::Empty.as_str()));
        }
        Payload::ConferenceStatus {
            account_id,
            conference_id,
            call,
            status,
            recording,
        } => {
            match call {
                Some(call) => body.call(call),
                None => body.no_call(account_id),
            };
            body.set("accountId", string(account_id))
                .set("conferenceId", string(conference_id))
                .set("status", string(status.as_str()));
            if let Some(r) = recording {
                body.recording(r);
            }
        }
        Payload::ConferenceRecordingStatus {
            account_id,
            conference_id,
            status,
            recording,
        } => {
            body.no_call(account_id)
                .set("conferenceId", string(conference_id))
                .set("status", string(status.as_str()))
                .recording(recording);
        }
        Payload::AddToConferenceNotification {
            call,
            conference_id,
            status,
        } => {
            body.call(call)
                .set("conferenceId", string(conference_id))
                .set("status", string(status.as_str()));
        }
        Payload::CallControl {
            call,
            conference_id,
            digits,
        } => {
            body.call_with_parent(call)
                .set("conferenceId", string(conference_id))
                .set("digits", string(digits));
        }
        Payload::OutDialStart { call, dial_call_id } => {
            body.call_with_parent(call)
                .set("dialCallId", string(dial_call_id));
        }
        Payload::MachineDetected { call, machine_type } => {
            body.call_with_parent(call)
                .set("machineType", string(machine_type.as_str()));
        }
        Payload::GetDigits {
            call,
            digits,
            reason,
        } => {
            body.call_with_parent(call)
                .set("digits", string(digits))
                .set("reason", string(reason.as_str()));
        }
        Payload::GetSpeech { call, speech } => {
            body.call_with_parent(call)
                .set("reason", string(speech.reason.as_str()))
                .set("recognitionResult", opt_str(speech.recognition_result))
                .set(
                    "confidence",
                    speech.confidence.map_or(Val::Null, |c| c.min(100).into()),
                );
            for key in [
                "completionReason",
                "completionCause",
                "mrcpCode",
                "mrcpDiagnostic",
            ] {
                body.set(key, Val::Null);
            }
        }
        Payload::Record { call, utterance } => {
            body.call_with_parent(call)
                .set("recordingId", string(utterance.recording_id))
                .set("recordingUrl", string(utterance.recording_url))
                .set(
                    "recordingSize",
                    Val::Owned(utterance.size_bytes.to_string()),
                )
                .set("recordingFormat", string("audio/wav"))
                .set("recordingDurationSec", utterance.duration_sec.into())
                .set("termReason", string(utterance.term_reason.as_str()))
                .set("privacyMode", utterance.privacy_mode.into());
        }
        Payload::Transcribe {
            call,
            transcription: t,
        } => {
            body.set("accountId", string(call.account_id))
                .set("callId", string(call.call_id))
                .set("from", string(call.from))
                .set("to", string(call.to));
            let rec = t.recording.as_ref();
            body.set("recordingId", opt_str(rec.map(|r| r.recording_id)))
                .set("recordingUrl", opt_str(rec.map(|r| r.recording_url)))
                .set(
                    "recordingSize",
                    rec.map_or(Val::Null, |r| r.size_bytes.into()),
                )
                .set(
                    "recordingFormat",
                    rec.map_or(Val::Null, |_| string("audio/wav")),
                )
                .set(
                    "recordingDurationMs",
                    rec.map_or(Val::Null, |r| r.duration_ms.into()),
                )
                .set("termReason", string(t.term_reason.as_str()))
                .set(
                    "recordTermReason",
                    t.record_term_reason
                        .map_or(Val::Null, |r| string(r.as_str())),
                )
                .set(
                    "digit",
                    t.digit.map_or(Val::Null, |d| Val::Owned(d.to_string())),
                )
                .set("privacyForLogging", t.privacy_for_logging.into())
                .set("privacyForRecording", t.privacy_for_recording.into());
            let barge = t.barge_in.as_ref();
            body.set(
                "bargeInReason",
                string(
                    barge
                        .map_or(BargeInReason::NoBargeIn, |b| b.reason)
                        .as_str(),
                ),
            )
            .set(
                "bargedInPromptNo",
                barge.map_or(Val::Null, |b| b.prompt_no.into()),
            )
            .set(
                "bargedInPromptMs",
                barge.map_or(Val::Null, |b| b.prompt_ms.into()),
            )
            .set(
                "bargedInPromptLoopNo",
                barge.map_or(Val::Null, |b| b.prompt_loop_no.into()),
            )
            .set(
                "bargeInTimeMs",
                barge.map_or(Val::Null, |b| b.time_ms.into()),
            )
            .set("transcript", opt_str(t.transcript))
            .set(
                "transcribeReason",
                t.transcribe_reason
                    .map_or(Val::Null, |r| string(r.as_str())),
            )
            .set(
                "transcriptionDurationMs",
                t.transcription_duration_ms.into(),
            );
        }
        Payload::QueueWait {
            call,
            queue_id,
            queue_position,
            queue_time_sec,
            current_queue_size,
        } => {
            body.call(call)
                .set("queueId", string(queue_id))
                .set("queuePosition", Val::Owned(queue_position.to_string()))
                .set("queueTime", (*queue_time_sec).into())
                .set("currentQueueSize", (*current_queue_size).into());
        }
        Payload::Dequeue {
            call,
            queue_id,
            queue_result,
            queue_time_sec,
        }
        | Payload::RemoveFromQueueNotification {
            call,
            queue_id,
            queue_result,
            queue_time_sec,
        } => {
            body.call(call)
                .set("queueId", string(queue_id))
                .set("queueResult", string(queue_result.as_str()))
                .set("queueTime", (*queue_time_sec).into());
        }
        Payload::AddToQueueNotification { call, queue_id } => {
            body.call(call).set("queueId", string(queue_id));
        }
        Payload::MessageStatus {
            message,
            message_id,
            call_id,
            status,
        } => {
            body.message(message, "outbound")
                .set("messageId", string(message_id))
                .set("callId", opt_str(*call_id))
                .set("status", string(status.as_str()));
        }
        Payload::MessageDelivery { message, uri } => {
            body.message(message, "inbound")
                .set("status", string(MessageStatus::Received.as_str()))
                .set("uri", string(uri));
        }
    }
    body.finish(url, request_type)
}

impl<'a> Body<'a> {
    fn message(&mut self, message: &Message<'a>, direction: &'static str) -> &mut Self {
        self.set("accountId", string(message.account_id))
            .set("from", string(message.from))
            .set("to", string(message.to))
            .set("text", string(message.text))
            .set("direction", string(direction))
            .set("applicationId", opt_str(message.application_id))
            .set("phoneNumberId", opt_str(message.phone_number_id))
    }
}

#[cfg(test)]
mod key_order_tests {
    use super::key_order;

    #[test]
    fn key_order_is_the_byte_order_of_str() {
        let keys = [
            "",
            "a",
            "accountId",
            "callId",
            "callStatus",
            "conferenceId",
            "direction",
            "from",
            "queueId",
            "to",
            "requestType",
            "recordingId",
            "recordingUrl",
            "recordingDurationSec",
            "Z",
            "é",
        ];
        for a in keys {
            for b in keys {
                assert_eq!(key_order(a, b), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
    }
}
