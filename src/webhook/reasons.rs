//! The enums that appear only in webhook bodies (reference §4.3), spelled exactly as the Python SDK 5.4.1 models
//! accept them: its models are strict, so a wrong spelling makes `Webhook.from_dict` raise.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! webhook_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $wire)] $variant,)+
        }

        impl $name {
            /// Every value, in the order the SDK lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }

            /// Parses the wire spelling.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

webhook_enum! {
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

webhook_enum! {
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

webhook_enum! {
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

webhook_enum! {
    /// How TranscribeUtterance ended (`transcribe.termReason`).
    TranscribeTermReason {
        /// It failed.
        Error = "error",
        /// It completed.
        Completed = "completed",
    }
}

webhook_enum! {
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

webhook_enum! {
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

webhook_enum! {
    /// What answered an outbound call (`machineDetected.machineType`). The spellings contain a space.
    MachineType {
        /// An answering machine.
        AnsweringMachine = "answering machine",
        /// A fax modem.
        FaxModem = "fax modem",
    }
}

webhook_enum! {
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

webhook_enum! {
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
