//! FreeClimb's wire vocabulary shared by the engine, the webhooks and the REST API: the enums whose spellings
//! must match FreeClimb's exactly (reference §1, §4). `ConferenceStatus` and `PlayBeep` live in
//! [`crate::conference`].

use serde::{Deserialize, Serialize};

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $wire)] $variant,)+
        }

        impl $name {
            /// Every value, in the order FreeClimb's spec lists them.
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

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Declares an enum with exact wire spellings: serde names, `ALL`, `as_str`, `parse` and `Display`. Used here and
/// for the webhook-only enums in `crate::webhook::reasons`.
pub(crate) use wire_enum;

wire_enum! {
    /// A call's status (`CallStatus`).
    CallStatus {
        /// Created, not yet dialled.
        Queued = "queued",
        /// Ringing at the far end (an inbound call is `ringing` while its voiceUrl is fetched).
        Ringing = "ringing",
        /// Answered and connected.
        InProgress = "inProgress",
        /// Canceled before it was answered.
        Canceled = "canceled",
        /// Ended after being answered.
        Completed = "completed",
        /// The far end was busy.
        Busy = "busy",
        /// The call could not be placed.
        Failed = "failed",
        /// Nobody answered.
        NoAnswer = "noAnswer",
    }
}

impl CallStatus {
    /// Whether the call has ended (no further status follows).
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            Self::Canceled | Self::Completed | Self::Busy | Self::Failed | Self::NoAnswer
        )
    }
}

wire_enum! {
    /// Which way a call goes (`direction`). Never `outbound`: the SDK rejects it.
    Direction {
        /// A phone called one of the account's numbers.
        Inbound = "inbound",
        /// Made by REST `POST /Calls`.
        OutboundApi = "outboundAPI",
        /// Made by PerCL `OutDial`.
        OutboundDial = "outboundDial",
    }
}

wire_enum! {
    /// Why a call ended (`callEndedReason`).
    CallEndedReason {
        /// The far end was busy.
        Busy = "busy",
        /// The call could not be placed.
        Failed = "failed",
        /// Nobody answered.
        NoAnswer = "noAnswer",
        /// Canceled before it was answered.
        CallCanceled = "callCanceled",
        /// The far end hung up.
        FarEndHangup = "farEndHangup",
        /// PerCL `Hangup` (or REST `status=completed`).
        AppHangup = "appHangup",
        /// PerCL `Reject`.
        AppReject = "appReject",
        /// The application returned no PerCL (or the script ran out).
        AppNoPercl = "appNoPercl",
        /// The application returned PerCL that is not valid.
        AppInvalidPercl = "appInvalidPercl",
        /// The conference the call was in was terminated.
        ConferenceTerminated = "conferenceTerminated",
        /// The conference the call was in emptied.
        ConferenceEmptied = "conferenceEmptied",
        /// Removed from a conference with no leaveConferenceUrl to continue.
        RemovedFromConference = "removedFromConference",
        /// Answered by a machine and `ifMachine=hangup`.
        MachineDetected = "machineDetected",
        /// A webhook that expected PerCL failed or timed out.
        WebhookFailed = "webhookFailed",
        /// A webhook answered something unusable.
        WebhookInvalidResponse = "webhookInvalidResponse",
        /// Voice is disabled for the number.
        VoiceDisabled = "voiceDisabled",
        /// The number has no application.
        ConfigErrorNoApplication = "configErrorNoApplication",
        /// The application has no voiceUrl.
        ConfigErrorNoVoiceUrl = "configErrorNoVoiceUrl",
        /// More than 256 Redirects.
        MaxRedirectsError = "maxRedirectsError",
        /// PerCL could not be processed.
        PerclProcessingError = "perclProcessingError",
        /// An internal error.
        InternalError = "internalError",
        /// The gRPC audio stream hung up.
        GrpcHangup = "grpcHangup",
        /// The call reached its maximum duration.
        MaxDuration = "maxDuration",
    }
}

wire_enum! {
    /// The `requestType` of a webhook: the values the SDK's `Webhook.from_dict` accepts (`callControl`, not
    /// `conferenceCallControl`; see reference §4.2).
    RequestType {
        /// AddToConference `notificationUrl`.
        AddToConferenceNotification = "addToConferenceNotification",
        /// Enqueue `notificationUrl` on entry.
        AddToQueueNotification = "addToQueueNotification",
        /// AudioStream `actionUrl`.
        AudioStream = "audioStream",
        /// AddToConference `callControlUrl`.
        CallControl = "callControl",
        /// The call ended.
        CallStatus = "callStatus",
        /// The conference recording is ready.
        ConferenceRecordingStatus = "conferenceRecordingStatus",
        /// The conference status changed.
        ConferenceStatus = "conferenceStatus",
        /// CreateConference `actionUrl`.
        CreateConference = "createConference",
        /// Dequeue continues the queued call.
        Dequeue = "dequeue",
        /// GetDigits `actionUrl`.
        GetDigits = "getDigits",
        /// GetSpeech `actionUrl`.
        GetSpeech = "getSpeech",
        /// A call to one of the account's numbers (`voiceUrl`).
        InboundCall = "inboundCall",
        /// AddToConference `leaveConferenceUrl`.
        LeaveConference = "leaveConference",
        /// OutDial `ifMachineUrl`.
        MachineDetected = "machineDetected",
        /// SMS delivery.
        MessageDelivery = "messageDelivery",
        /// SMS status.
        MessageStatus = "messageStatus",
        /// REST `POST /Calls` `callConnectUrl`.
        OutDialApiConnect = "outDialApiConnect",
        /// OutDial `callConnectUrl` (the child leg).
        OutDialConnect = "outDialConnect",
        /// OutDial `actionUrl` (the parent leg).
        OutDialStart = "outDialStart",
        /// Enqueue `waitUrl`.
        QueueWait = "queueWait",
        /// RecordUtterance `actionUrl`.
        Record = "record",
        /// Redirect `actionUrl`.
        Redirect = "redirect",
        /// Enqueue `notificationUrl` on exit.
        RemoveFromQueueNotification = "removeFromQueueNotification",
        /// TranscribeUtterance `actionUrl`.
        Transcribe = "transcribe",
    }
}

wire_enum! {
    /// Account type: trial accounts may only call verified numbers.
    AccountType {
        /// Trial.
        Trial = "trial",
        /// Full.
        Full = "full",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip_through_serde_and_parse() {
        for v in RequestType::ALL {
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{}\"", v.as_str()));
            assert_eq!(serde_json::from_str::<RequestType>(&json).unwrap(), *v);
            assert_eq!(RequestType::parse(v.as_str()), Some(*v));
        }
        assert_eq!(RequestType::ALL.len(), 24);
        assert_eq!(CallEndedReason::ALL.len(), 23);
        assert_eq!(Direction::OutboundApi.as_str(), "outboundAPI");
        assert_eq!(RequestType::parse("conferenceCallControl"), None);
        assert!(CallStatus::NoAnswer.is_final() && !CallStatus::Ringing.is_final());
    }
}
