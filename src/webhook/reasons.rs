//! The enums that appear only in webhook bodies (reference §4.3), spelled exactly as the Python SDK 5.4.1 models
//! accept them: its models are strict, so a wrong spelling makes `Webhook.from_dict` raise.

use crate::wire::wire_enum;
use serde::{Deserialize, Serialize};

wire_enum! {
    /// Why GetDigits stopped collecting (`getDigits.reason`).
    GetDigitsReason {
        /// The caller pressed a `finishOnKey` (not included in `digits`).
        FinishKey = "finishKey",
        /// `initialTimeoutMs` or `digitTimeoutMs` ran out.
        Timeout = "timeout",
        /// `maxDigits` were collected.
        MaxDigits = "maxDigits",
        /// A tone was detected.
        Tone = "tone",
    }
}

wire_enum! {
    /// Why GetSpeech stopped (`getSpeech.reason`).
    GetSpeechReason {
        /// Recognition failed.
        Error = "error",
        /// The caller hung up (PerCL returned is not run).
        Hangup = "hangup",
        /// The caller pressed a key.
        Digit = "digit",
        /// Nothing was said.
        NoInput = "noInput",
        /// Something was said that the grammar does not match.
        NoMatch = "noMatch",
        /// A phrase was recognised.
        Recognition = "recognition",
    }
}

wire_enum! {
    /// Why RecordUtterance stopped (`record.termReason`, `transcribe.recordTermReason`).
    RecordTermReason {
        /// The caller pressed a `finishOnKey`.
        FinishKey = "finishKey",
        /// Silence lasted `silenceTimeoutMs`.
        Timeout = "timeout",
        /// The caller hung up.
        Hangup = "hangup",
        /// `maxLengthSec` was reached.
        MaxLength = "maxLength",
    }
}

wire_enum! {
    /// How TranscribeUtterance ended (`transcribe.termReason`).
    TranscribeTermReason {
        /// It failed.
        Error = "error",
        /// It completed.
        Completed = "completed",
    }
}

wire_enum! {
    /// Why the transcription ended (`transcribe.transcribeReason`).
    TranscribeReason {
        /// An internal error.
        InternalError = "internalError",
        /// The caller hung up.
        Hangup = "hangup",
        /// The maximum length was reached.
        MaxLength = "maxLength",
        /// The caller pressed a key.
        Digit = "digit",
        /// Nothing was said.
        NoInput = "noInput",
    }
}

wire_enum! {
    /// Whether and how the caller barged in on TranscribeUtterance's prompts (`transcribe.bargeInReason`).
    BargeInReason {
        /// No barge-in.
        NoBargeIn = "noBargeIn",
        /// Barged in with a key.
        BargeInByDtmf = "bargeInByDTMF",
        /// Barged in by speaking.
        BargeInByEnergy = "bargeInByEnergy",
    }
}

wire_enum! {
    /// What answered an outbound call (`machineDetected.machineType`). The spellings contain a space.
    MachineType {
        /// An answering machine.
        AnsweringMachine = "answering machine",
        /// A fax modem.
        FaxModem = "fax modem",
    }
}

wire_enum! {
    /// How a queued call left the queue (`queueResult`).
    QueueResultStatus {
        /// The queue was full.
        QueueFull = "queueFull",
        /// Dequeue took it out.
        Dequeued = "dequeued",
        /// The caller hung up.
        Hangup = "hangup",
        /// A system error.
        SystemError = "systemError",
    }
}

wire_enum! {
    /// An SMS message's status (`messageStatus.status`).
    MessageStatus {
        /// Created.
        New = "new",
        /// Waiting to be sent.
        Queued = "queued",
        /// Refused.
        Rejected = "rejected",
        /// Being sent.
        Sending = "sending",
        /// Sent.
        Sent = "sent",
        /// Failed.
        Failed = "failed",
        /// Received (inbound).
        Received = "received",
        /// Not delivered.
        Undelivered = "undelivered",
        /// Expired.
        Expired = "expired",
        /// Deleted.
        Deleted = "deleted",
        /// Unknown.
        Unknown = "unknown",
    }
}
