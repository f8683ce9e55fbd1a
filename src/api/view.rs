//! Plain views the engine fills from its state; [`super::resource`] turns them into FreeClimb's result shapes
//! and [`super::query`] filters them. Times are virtual unix milliseconds.

use crate::conference::{ConferenceStatus, PlayBeep};
use crate::wire::{AccountType, CallStatus, Direction};

/// What every resource carries (`MutableResourceModel`, minus the `uri` which the result builds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stamp {
    /// When the resource was created.
    pub date_created_ms: u64,
    /// When it last changed.
    pub date_updated_ms: u64,
    /// 1 on creation, +1 on every change.
    pub revision: u32,
}

impl Stamp {
    /// A resource created at `ms` and never changed since.
    pub fn created(ms: u64) -> Self {
        Stamp {
            date_created_ms: ms,
            date_updated_ms: ms,
            revision: 1,
        }
    }

    /// The same resource after one more change at `ms`.
    pub fn touched(self, ms: u64) -> Self {
        Stamp {
            date_updated_ms: ms,
            revision: self.revision + 1,
            ..self
        }
    }
}

/// A conference, as the engine sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConferenceView {
    /// `CF…`.
    pub conference_id: String,
    /// `alias`.
    pub alias: Option<String>,
    /// `playBeep`.
    pub play_beep: PlayBeep,
    /// `record`.
    pub record: bool,
    /// The current status.
    pub status: ConferenceStatus,
    /// `waitUrl`.
    pub wait_url: Option<String>,
    /// `actionUrl`: only for conferences made by PerCL `CreateConference`.
    pub action_url: Option<String>,
    /// `statusCallbackUrl`.
    pub status_callback_url: Option<String>,
    /// Creation, last change, revision.
    pub stamp: Stamp,
}

/// A participant (a call in a conference), as the engine sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParticipantView {
    /// The conference.
    pub conference_id: String,
    /// The participant's call (`CA…`): a participant has no id of its own.
    pub call_id: String,
    /// `talk`.
    pub talk: bool,
    /// `listen`.
    pub listen: bool,
    /// `dtmfPassThrough`.
    pub dtmf_pass_through: bool,
    /// `startConfOnEnter`: whether this participant's join started the conference (spec
    /// `ConferenceParticipantResult`), not the AddToConference attribute.
    pub start_conf_on_enter: bool,
    /// Joined at, last changed at, revision.
    pub stamp: Stamp,
}

/// `answeredBy`, set only when machine detection ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnsweredBy {
    /// A person answered.
    Human,
    /// An answering machine or fax answered.
    Machine,
}

impl AnsweredBy {
    /// The wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Human => "human",
            Self::Machine => "machine",
        }
    }
}

/// A call, as the engine sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallView {
    /// `CA…`.
    pub call_id: String,
    /// The parent call of a child leg (OutDial, or `POST /Calls` with `parentCallId`).
    pub parent_call_id: Option<String>,
    /// `from` (E.164).
    pub from: String,
    /// `to` (E.164).
    pub to: String,
    /// `phoneNumberId`: the account's number involved (inbound: the number called; outbound: the caller id).
    pub phone_number_id: Option<String>,
    /// The current status.
    pub status: CallStatus,
    /// `direction`.
    pub direction: Direction,
    /// When it was dialled (`startTime`), `None` while queued.
    pub start_ms: Option<u64>,
    /// When it was answered (`connectTime`).
    pub connect_ms: Option<u64>,
    /// When it ended (`endTime`).
    pub end_ms: Option<u64>,
    /// `answeredBy`.
    pub answered_by: Option<AnsweredBy>,
    /// `callerName` (CNAM).
    pub caller_name: Option<String>,
    /// `applicationId`.
    pub application_id: Option<String>,
    /// Seconds of AudioStream, when the call streamed audio.
    pub audio_stream_duration_sec: Option<u64>,
    /// Creation, last change, revision.
    pub stamp: Stamp,
}

/// A recording, as the engine sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingView {
    /// `RE…`.
    pub recording_id: String,
    /// The recorded call (call recordings).
    pub call_id: Option<String>,
    /// The recorded conference (conference recordings).
    pub conference_id: Option<String>,
    /// Length in whole seconds.
    pub duration_sec: u64,
    /// Created (the recording's start), last change, revision.
    pub stamp: Stamp,
}

/// `AccountStatus`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AccountStatus {
    /// Usable.
    #[default]
    Active,
    /// Suspended.
    Suspended,
    /// Closed.
    Closed,
}

impl AccountStatus {
    /// The wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Closed => "closed",
        }
    }
}

/// The account, as the engine sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountView {
    /// `AC…`.
    pub account_id: String,
    /// The API key (the account resource shows it to its owner).
    pub api_key: String,
    /// `alias`.
    pub alias: Option<String>,
    /// `label`.
    pub label: Option<String>,
    /// `trial` or `full`.
    pub account_type: AccountType,
    /// `status`.
    pub status: AccountStatus,
    /// Creation, last change, revision.
    pub stamp: Stamp,
}

/// An application, as the engine sees it: one of the scenario's `applications`, or the own application of a
/// number whose URLs are written on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationView {
    /// `AP…`.
    pub application_id: String,
    /// Its URLs and alias.
    pub application: crate::scenario::Application,
    /// Creation, last change, revision.
    pub stamp: Stamp,
}

/// One of the account's incoming phone numbers, as the engine sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingNumberView {
    /// `PN…`.
    pub phone_number_id: String,
    /// E.164.
    pub phone_number: String,
    /// The application it points at.
    pub application_id: String,
    /// `alias`.
    pub alias: Option<String>,
    /// Creation, last change, revision.
    pub stamp: Stamp,
}

/// `LogLevel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    /// `info`.
    Info,
    /// `warning`.
    Warning,
    /// `error`.
    Error,
}

impl LogLevel {
    /// The wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// One log entry of a call, as the engine knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct LogView {
    /// When, in virtual unix milliseconds.
    pub at_ms: u64,
    /// How serious.
    pub level: LogLevel,
    /// The call.
    pub call_id: String,
    /// What happened, in a sentence.
    pub message: String,
    /// The facts as fields.
    pub metadata: serde_json::Value,
}
