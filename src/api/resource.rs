//! FreeClimb's REST result shapes (reference §1.5, §1.6), field names exactly as the spec and the SDK 5.4.1
//! models spell them, built from the engine's [`super::view`]s.
//!
//! Unset optional fields are sent as `null` (every result field is nullable in the spec, and the SDK reads
//! `null` as unset). `dateCreated`/`dateUpdated` are RFC 1123 GMT, the `*ISO` fields ISO 8601 with
//! milliseconds. Call `duration` and `connectDuration` are whole seconds rounded up (conflab's choice), and
//! `duration` is `null` unless the call was answered and has ended (the docs: empty for busy, failed,
//! unanswered or ongoing calls).

use super::date::{iso8601, rfc1123};
use super::page::{PageInfo, PageRequest, paginate};
use super::query::{
    ApplicationFilter, CallFilter, ConferenceFilter, IncomingNumberFilter, ParticipantFilter,
    RecordingFilter,
};
use super::view::{
    AccountView, ApplicationView, CallView, ConferenceView, IncomingNumberView, LogView,
    ParticipantView, RecordingView, Stamp,
};
use crate::conference::{ConferenceStatus, PlayBeep};
use crate::wire::{AccountType, CallStatus, Direction};
use serde::Serialize;
use std::collections::BTreeMap;

/// `/Accounts/{accountId}`.
pub fn account_uri(account_id: &str) -> String {
    format!("/Accounts/{account_id}")
}

/// `/Accounts/{accountId}/Conferences/{conferenceId}`.
pub fn conference_uri(account_id: &str, conference_id: &str) -> String {
    format!("/Accounts/{account_id}/Conferences/{conference_id}")
}

/// `/Accounts/{accountId}/Calls/{callId}`.
pub fn call_uri(account_id: &str, call_id: &str) -> String {
    format!("/Accounts/{account_id}/Calls/{call_id}")
}

/// `/Accounts/{accountId}/Applications/{applicationId}`.
pub fn application_uri(account_id: &str, application_id: &str) -> String {
    format!("/Accounts/{account_id}/Applications/{application_id}")
}

/// `/Accounts/{accountId}/IncomingPhoneNumbers/{phoneNumberId}`.
pub fn incoming_number_uri(account_id: &str, phone_number_id: &str) -> String {
    format!("/Accounts/{account_id}/IncomingPhoneNumbers/{phone_number_id}")
}

/// `/Accounts/{accountId}/Recordings/{recordingId}`.
pub fn recording_uri(account_id: &str, recording_id: &str) -> String {
    format!("/Accounts/{account_id}/Recordings/{recording_id}")
}

/// `MutableResourceModel`'s fields, flattened into every result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// The path from the API root.
    pub uri: String,
    /// RFC 1123 GMT.
    pub date_created: String,
    /// RFC 1123 GMT.
    pub date_updated: String,
    /// 1 on creation, +1 per change.
    pub revision: u32,
}

impl Resource {
    fn new(uri: String, stamp: &Stamp) -> Self {
        Resource {
            uri,
            date_created: rfc1123(stamp.date_created_ms),
            date_updated: rfc1123(stamp.date_updated_ms),
            revision: stamp.revision,
        }
    }
}

/// `ConferenceResult`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConferenceResult {
    /// uri, dateCreated, dateUpdated, revision.
    #[serde(flatten)]
    pub resource: Resource,
    /// `CF…`.
    pub conference_id: String,
    /// `AC…`.
    pub account_id: String,
    /// The alias, `null` when none.
    pub alias: Option<String>,
    /// When the beep plays.
    pub play_beep: PlayBeep,
    /// Whether it is recorded.
    pub record: bool,
    /// Only `empty`, `populated`, `inProgress`, `terminated`.
    pub status: ConferenceStatus,
    /// Hold audio.
    pub wait_url: Option<String>,
    /// PerCL CreateConference's `actionUrl`; `null` for REST-created conferences.
    pub action_url: Option<String>,
    /// Where status changes are reported.
    pub status_callback_url: Option<String>,
    /// `participants` and `recordings` paths.
    pub subresource_uris: BTreeMap<&'static str, String>,
}

impl ConferenceResult {
    /// The result for a conference of `account_id`.
    pub fn new(account_id: &str, c: &ConferenceView) -> Self {
        let uri = conference_uri(account_id, &c.conference_id);
        ConferenceResult {
            subresource_uris: BTreeMap::from([
                ("participants", format!("{uri}/Participants")),
                ("recordings", format!("{uri}/Recordings")),
            ]),
            resource: Resource::new(uri, &c.stamp),
            conference_id: c.conference_id.clone(),
            account_id: account_id.to_owned(),
            alias: c.alias.clone(),
            play_beep: c.play_beep,
            record: c.record,
            status: c.status,
            wait_url: c.wait_url.clone(),
            action_url: c.action_url.clone(),
            status_callback_url: c.status_callback_url.clone(),
        }
    }
}

/// `ConferenceParticipantResult`: identified by its call, no participant id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConferenceParticipantResult {
    /// uri (`…/Conferences/{conferenceId}/Participants/{callId}`), dates, revision.
    #[serde(flatten)]
    pub resource: Resource,
    /// `AC…`.
    pub account_id: String,
    /// `CF…`.
    pub conference_id: String,
    /// `CA…`.
    pub call_id: String,
    /// Others hear this participant.
    pub talk: bool,
    /// This participant hears the conference.
    pub listen: bool,
    /// This participant's DTMF reaches the others.
    pub dtmf_pass_through: bool,
    /// This participant's join caused the conference to start (status `inProgress`): spec
    /// `ConferenceParticipantResult` ("True if this Participant joining the Conference caused the Conference to
    /// start"). A starter who joined a conference already in progress reads `false`.
    pub start_conf_on_enter: bool,
}

impl ConferenceParticipantResult {
    /// The result for a participant of `account_id`.
    pub fn new(account_id: &str, p: &ParticipantView) -> Self {
        ConferenceParticipantResult {
            resource: Resource::new(
                format!(
                    "{}/Participants/{}",
                    conference_uri(account_id, &p.conference_id),
                    p.call_id
                ),
                &p.stamp,
            ),
            account_id: account_id.to_owned(),
            conference_id: p.conference_id.clone(),
            call_id: p.call_id.clone(),
            talk: p.talk,
            listen: p.listen,
            dtmf_pass_through: p.dtmf_pass_through,
            start_conf_on_enter: p.start_conf_on_enter,
        }
    }
}

/// `CallResult`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallResult {
    /// uri, dateCreated, dateUpdated, revision.
    #[serde(flatten)]
    pub resource: Resource,
    /// ISO 8601 creation.
    #[serde(rename = "dateCreatedISO")]
    pub date_created_iso: String,
    /// ISO 8601 last change.
    #[serde(rename = "dateUpdatedISO")]
    pub date_updated_iso: String,
    /// `CA…`.
    pub call_id: String,
    /// The parent of a child leg.
    pub parent_call_id: Option<String>,
    /// `AC…`.
    pub account_id: String,
    /// Caller.
    pub from: String,
    /// Callee.
    pub to: String,
    /// The account's number involved.
    pub phone_number_id: Option<String>,
    /// `status` (never `callStatus`: renamed in SDK 5.2.0).
    pub status: CallStatus,
    /// RFC 1123, when dialled.
    pub start_time: Option<String>,
    /// ISO 8601, when dialled.
    #[serde(rename = "startTimeISO")]
    pub start_time_iso: Option<String>,
    /// RFC 1123, when answered.
    pub connect_time: Option<String>,
    /// ISO 8601, when answered.
    #[serde(rename = "connectTimeISO")]
    pub connect_time_iso: Option<String>,
    /// RFC 1123, when ended.
    pub end_time: Option<String>,
    /// ISO 8601, when ended.
    #[serde(rename = "endTimeISO")]
    pub end_time_iso: Option<String>,
    /// Seconds from start to end, for answered calls that ended.
    pub duration: Option<u64>,
    /// Seconds from answer to end.
    pub connect_duration: Option<u64>,
    /// Seconds of AudioStream.
    pub audio_stream_duration: Option<u64>,
    /// `inbound`, `outboundAPI`, `outboundDial`.
    pub direction: Direction,
    /// `human` or `machine`, only after machine detection.
    pub answered_by: Option<&'static str>,
    /// CNAM.
    pub caller_name: Option<String>,
    /// Always `false`: the sandbox has no WebRTC calls.
    #[serde(rename = "webRTC")]
    pub web_rtc: bool,
    /// `logs` and `recordings` paths.
    pub subresource_uris: BTreeMap<&'static str, String>,
    /// `AP…`.
    pub application_id: Option<String>,
}

/// Whole seconds from `from` to `to`, rounded up.
fn seconds(from: u64, to: u64) -> u64 {
    to.saturating_sub(from).div_ceil(1000)
}

impl CallResult {
    /// The result for a call of `account_id`.
    pub fn new(account_id: &str, c: &CallView) -> Self {
        let uri = call_uri(account_id, &c.call_id);
        let ended_after_answer = c.status == CallStatus::Completed && c.connect_ms.is_some();
        CallResult {
            subresource_uris: BTreeMap::from([
                ("logs", format!("{uri}/Logs")),
                ("recordings", format!("{uri}/Recordings")),
            ]),
            resource: Resource::new(uri, &c.stamp),
            date_created_iso: iso8601(c.stamp.date_created_ms),
            date_updated_iso: iso8601(c.stamp.date_updated_ms),
            call_id: c.call_id.clone(),
            parent_call_id: c.parent_call_id.clone(),
            account_id: account_id.to_owned(),
            from: c.from.clone(),
            to: c.to.clone(),
            phone_number_id: c.phone_number_id.clone(),
            status: c.status,
            start_time: c.start_ms.map(rfc1123),
            start_time_iso: c.start_ms.map(iso8601),
            connect_time: c.connect_ms.map(rfc1123),
            connect_time_iso: c.connect_ms.map(iso8601),
            end_time: c.end_ms.map(rfc1123),
            end_time_iso: c.end_ms.map(iso8601),
            duration: match (c.start_ms, c.end_ms) {
                (Some(s), Some(e)) if ended_after_answer => Some(seconds(s, e)),
                _ => None,
            },
            connect_duration: match (c.connect_ms, c.end_ms) {
                (Some(s), Some(e)) if ended_after_answer => Some(seconds(s, e)),
                _ => None,
            },
            audio_stream_duration: c.audio_stream_duration_sec,
            direction: c.direction,
            answered_by: c.answered_by.map(|a| a.as_str()),
            caller_name: c.caller_name.clone(),
            web_rtc: false,
            application_id: c.application_id.clone(),
        }
    }
}

/// `RecordingResult` (no `recordingUrl`: that appears only in webhooks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingResult {
    /// uri, dateCreated, dateUpdated, revision.
    #[serde(flatten)]
    pub resource: Resource,
    /// `RE…`.
    pub recording_id: String,
    /// `AC…`.
    pub account_id: String,
    /// The recorded call; `null` for conference recordings.
    pub call_id: Option<String>,
    /// Length in seconds.
    pub duration_sec: u64,
    /// The recorded conference; `null` for call recordings.
    pub conference_id: Option<String>,
}

impl RecordingResult {
    /// The result for a recording of `account_id`.
    pub fn new(account_id: &str, r: &RecordingView) -> Self {
        RecordingResult {
            resource: Resource::new(recording_uri(account_id, &r.recording_id), &r.stamp),
            recording_id: r.recording_id.clone(),
            account_id: account_id.to_owned(),
            call_id: r.call_id.clone(),
            duration_sec: r.duration_sec,
            conference_id: r.conference_id.clone(),
        }
    }
}

/// `AccountResult`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountResult {
    /// uri (`/Accounts/{accountId}`), dates, revision.
    #[serde(flatten)]
    pub resource: Resource,
    /// `AC…`.
    pub account_id: String,
    /// The API key.
    pub api_key: String,
    /// A description.
    pub alias: Option<String>,
    /// A category.
    pub label: Option<String>,
    /// `trial` or `full`.
    #[serde(rename = "type")]
    pub account_type: AccountType,
    /// `active`, `suspended`, `closed`.
    pub status: &'static str,
    /// The account's collections the sandbox serves.
    pub subresource_uris: BTreeMap<&'static str, String>,
}

impl AccountResult {
    /// The result for the account.
    pub fn new(a: &AccountView) -> Self {
        let uri = account_uri(&a.account_id);
        AccountResult {
            subresource_uris: BTreeMap::from([
                ("applications", format!("{uri}/Applications")),
                ("calls", format!("{uri}/Calls")),
                ("conferences", format!("{uri}/Conferences")),
                (
                    "incomingPhoneNumbers",
                    format!("{uri}/IncomingPhoneNumbers"),
                ),
                ("recordings", format!("{uri}/Recordings")),
            ]),
            resource: Resource::new(uri, &a.stamp),
            account_id: a.account_id.clone(),
            api_key: a.api_key.clone(),
            alias: a.alias.clone(),
            label: a.label.clone(),
            account_type: a.account_type,
            status: a.status.as_str(),
        }
    }
}

/// `ConferenceList`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConferenceList {
    /// Where this page is.
    #[serde(flatten)]
    pub page: PageInfo,
    /// The conferences on this page.
    pub conferences: Vec<ConferenceResult>,
}

impl ConferenceList {
    /// Filters `all` (oldest first), newest first (see [`super::page`]), and cuts the requested page.
    pub fn build(
        account_id: &str,
        all: &[ConferenceView],
        filter: &ConferenceFilter,
        request: &PageRequest,
    ) -> Self {
        let matching: Vec<&ConferenceView> =
            all.iter().rev().filter(|c| filter.matches(c)).collect();
        let path = format!("{}/Conferences", account_uri(account_id));
        let (page, items) = paginate(matching, request, &path);
        ConferenceList {
            page,
            conferences: items
                .into_iter()
                .map(|c| ConferenceResult::new(account_id, c))
                .collect(),
        }
    }
}

/// `ConferenceParticipantList`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConferenceParticipantList {
    /// Where this page is.
    #[serde(flatten)]
    pub page: PageInfo,
    /// The participants on this page.
    pub participants: Vec<ConferenceParticipantResult>,
}

impl ConferenceParticipantList {
    /// Filters the participants of `conference_id` (in join order), newest first, and cuts the requested page.
    pub fn build(
        account_id: &str,
        conference_id: &str,
        all: &[ParticipantView],
        filter: &ParticipantFilter,
        request: &PageRequest,
    ) -> Self {
        let matching: Vec<&ParticipantView> =
            all.iter().rev().filter(|p| filter.matches(p)).collect();
        let path = format!("{}/Participants", conference_uri(account_id, conference_id));
        let (page, items) = paginate(matching, request, &path);
        ConferenceParticipantList {
            page,
            participants: items
                .into_iter()
                .map(|p| ConferenceParticipantResult::new(account_id, p))
                .collect(),
        }
    }
}

/// `CallList`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallList {
    /// Where this page is.
    #[serde(flatten)]
    pub page: PageInfo,
    /// The calls on this page.
    pub calls: Vec<CallResult>,
}

impl CallList {
    /// Filters `all` (oldest first), newest first (see [`super::page`]), and cuts the requested page.
    pub fn build(
        account_id: &str,
        all: &[CallView],
        filter: &CallFilter,
        request: &PageRequest,
    ) -> Self {
        let matching: Vec<&CallView> = all.iter().rev().filter(|c| filter.matches(c)).collect();
        let path = format!("{}/Calls", account_uri(account_id));
        let (page, items) = paginate(matching, request, &path);
        CallList {
            page,
            calls: items
                .into_iter()
                .map(|c| CallResult::new(account_id, c))
                .collect(),
        }
    }
}

/// `RecordingList`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordingList {
    /// Where this page is.
    #[serde(flatten)]
    pub page: PageInfo,
    /// The recordings on this page.
    pub recordings: Vec<RecordingResult>,
}

impl RecordingList {
    /// Filters `all` (oldest first; already narrowed to the route's conference or call), newest first, and cuts the requested
    /// page. `list_path` is the list's own path (`/Accounts/…/Recordings`, `…/Conferences/{id}/Recordings` or
    /// `…/Calls/{id}/Recordings`), which `nextPageUri` repeats.
    pub fn build(
        account_id: &str,
        list_path: &str,
        all: &[RecordingView],
        filter: &RecordingFilter,
        request: &PageRequest,
    ) -> Self {
        let matching: Vec<&RecordingView> =
            all.iter().rev().filter(|r| filter.matches(r)).collect();
        let (page, items) = paginate(matching, request, list_path);
        RecordingList {
            page,
            recordings: items
                .into_iter()
                .map(|r| RecordingResult::new(account_id, r))
                .collect(),
        }
    }
}

/// `ApplicationResult`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationResult {
    /// uri, dateCreated, dateUpdated, revision.
    #[serde(flatten)]
    pub resource: Resource,
    /// `AC…`.
    pub account_id: String,
    /// `AP…`.
    pub application_id: String,
    /// A description.
    pub alias: Option<String>,
    /// `inboundCall` of calls to its numbers.
    pub voice_url: Option<String>,
    /// When `voiceUrl` fails or times out.
    pub voice_fallback_url: Option<String>,
    /// `outDialApiConnect` of calls made with it.
    pub call_connect_url: Option<String>,
    /// `callStatus` of its calls.
    pub status_callback_url: Option<String>,
    /// SMS to its numbers.
    pub sms_url: Option<String>,
    /// SMS fallback.
    pub sms_fallback_url: Option<String>,
}

impl ApplicationResult {
    /// The result for an application of `account_id`.
    pub fn new(account_id: &str, a: &ApplicationView) -> Self {
        let app = &a.application;
        ApplicationResult {
            resource: Resource::new(application_uri(account_id, &a.application_id), &a.stamp),
            account_id: account_id.to_owned(),
            application_id: a.application_id.clone(),
            alias: app.alias.clone(),
            voice_url: app.voice_url.clone(),
            voice_fallback_url: app.voice_fallback_url.clone(),
            call_connect_url: app.call_connect_url.clone(),
            status_callback_url: app.status_callback_url.clone(),
            sms_url: app.sms_url.clone(),
            sms_fallback_url: app.sms_fallback_url.clone(),
        }
    }
}

/// `ApplicationList`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApplicationList {
    /// Where this page is.
    #[serde(flatten)]
    pub page: PageInfo,
    /// The applications on this page.
    pub applications: Vec<ApplicationResult>,
}

impl ApplicationList {
    /// Filters `all` (oldest first), newest first, and cuts the requested page.
    pub fn build(
        account_id: &str,
        all: &[ApplicationView],
        filter: &ApplicationFilter,
        request: &PageRequest,
    ) -> Self {
        let matching: Vec<&ApplicationView> =
            all.iter().rev().filter(|a| filter.matches(a)).collect();
        let path = format!("{}/Applications", account_uri(account_id));
        let (page, items) = paginate(matching, request, &path);
        ApplicationList {
            page,
            applications: items
                .into_iter()
                .map(|a| ApplicationResult::new(account_id, a))
                .collect(),
        }
    }
}

/// `Capabilities` of an incoming number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// Calls.
    pub voice: bool,
    /// SMS.
    pub sms: bool,
    /// A toll-free number.
    pub toll_free: bool,
    /// 10DLC messaging.
    #[serde(rename = "tenDLC")]
    pub ten_dlc: bool,
    /// A short code.
    pub short_code: bool,
}

/// `IncomingNumberResult`: one of the account's numbers, with the Python SDK 5.4.1 model's fields (the spec's
/// deprecated `voiceEnabled`/`smsEnabled` are not in it: `capabilities` says the same). The sandbox's numbers
/// take calls and SMS, are not toll-free, 10DLC or short codes, have no campaign, no region or country (the
/// scenario gives none) and are not offnet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomingNumberResult {
    /// uri, dateCreated, dateUpdated, revision.
    #[serde(flatten)]
    pub resource: Resource,
    /// What it can do.
    pub capabilities: Capabilities,
    /// The campaign registry's id: none.
    pub campaign_id: Option<String>,
    /// `PN…`.
    pub phone_number_id: String,
    /// `AC…`.
    pub account_id: String,
    /// The application it points at.
    pub application_id: String,
    /// E.164.
    pub phone_number: String,
    /// A description.
    pub alias: Option<String>,
    /// State or province.
    pub region: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Registered as an offnet number.
    pub offnet: bool,
    /// Toll-free campaign details: none.
    pub tfn: Option<serde_json::Value>,
}

impl IncomingNumberResult {
    /// The result for a number of `account_id`.
    pub fn new(account_id: &str, n: &IncomingNumberView) -> Self {
        IncomingNumberResult {
            resource: Resource::new(
                incoming_number_uri(account_id, &n.phone_number_id),
                &n.stamp,
            ),
            capabilities: Capabilities {
                voice: true,
                sms: true,
                toll_free: false,
                ten_dlc: false,
                short_code: false,
            },
            campaign_id: None,
            phone_number_id: n.phone_number_id.clone(),
            account_id: account_id.to_owned(),
            application_id: n.application_id.clone(),
            phone_number: n.phone_number.clone(),
            alias: n.alias.clone(),
            region: None,
            country: None,
            offnet: false,
            tfn: None,
        }
    }
}

/// `IncomingNumberList`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomingNumberList {
    /// Where this page is.
    #[serde(flatten)]
    pub page: PageInfo,
    /// The numbers on this page.
    pub incoming_phone_numbers: Vec<IncomingNumberResult>,
}

impl IncomingNumberList {
    /// Filters `all` (oldest first), newest first, and cuts the requested page.
    pub fn build(
        account_id: &str,
        all: &[IncomingNumberView],
        filter: &IncomingNumberFilter,
        request: &PageRequest,
    ) -> Self {
        let matching: Vec<&IncomingNumberView> =
            all.iter().rev().filter(|n| filter.matches(n)).collect();
        let path = format!("{}/IncomingPhoneNumbers", account_uri(account_id));
        let (page, items) = paginate(matching, request, &path);
        IncomingNumberList {
            page,
            incoming_phone_numbers: items
                .into_iter()
                .map(|n| IncomingNumberResult::new(account_id, n))
                .collect(),
        }
    }
}

/// `LogResult`: one log entry of a call.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogResult {
    /// Microseconds since the Unix epoch (spec: "represented as microseconds since the Unix Epoch").
    pub timestamp: u64,
    /// `info`, `warning` or `error`.
    pub level: &'static str,
    /// The request that caused it: the sandbox keeps none.
    pub request_id: Option<String>,
    /// `AC…`.
    pub account_id: String,
    /// `CA…`.
    pub call_id: String,
    /// What happened.
    pub message: String,
    /// The facts as fields.
    pub metadata: serde_json::Value,
}

impl LogResult {
    /// The result for a log entry of `account_id`.
    pub fn new(account_id: &str, l: &LogView) -> Self {
        LogResult {
            timestamp: l.at_ms.saturating_mul(1000),
            level: l.level.as_str(),
            request_id: None,
            account_id: account_id.to_owned(),
            call_id: l.call_id.clone(),
            message: l.message.clone(),
            metadata: l.metadata.clone(),
        }
    }
}

/// `LogList`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogList {
    /// Where this page is.
    #[serde(flatten)]
    pub page: PageInfo,
    /// The log entries on this page.
    pub logs: Vec<LogResult>,
}

impl LogList {
    /// The log of call `call_id` (`all` oldest first), newest first, cut to the requested page.
    pub fn build(account_id: &str, call_id: &str, all: &[LogView], request: &PageRequest) -> Self {
        let path = format!("{}/Logs", call_uri(account_id, call_id));
        let (page, items) = paginate(all.iter().rev().collect(), request, &path);
        LogList {
            page,
            logs: items
                .into_iter()
                .map(|l| LogResult::new(account_id, l))
                .collect(),
        }
    }
}
