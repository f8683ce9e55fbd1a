//! List filters (reference §1.3): read from the query string with an error that names the parameter, and
//! matched against the engine's views.
//!
//! Every list also takes `cursor` (opaque; it carries the list's filters and the page, see [`super::page`]). A parameter the list does not know is
//! refused with a "did you mean" (conflab's choice, like unknown body fields). Parameters the sandbox has no
//! data for are accepted and documented on the filter: `riskScoreMin`/`riskScoreMax` keep every call (the
//! sandbox scores no call), `webRTC=true` keeps none (no sandbox call is WebRTC).

use super::date::{CivilDate, parse_timestamp};
use super::error::ApiError;
use super::page::PageRequest;
use super::view::{
    ApplicationView, CallView, ConferenceView, IncomingNumberView, ParticipantView, RecordingView,
};
use crate::conference::ConferenceStatus;
use crate::percl::suggest::closest;
use crate::wire::CallStatus;

/// Decodes `application/x-www-form-urlencoded` text: `%XX` escapes and `+` for a space.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Encodes a query key or value: everything but unreserved characters as `%XX`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The decoded `key=value` pairs of a query string, in order.
pub fn pairs(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let bad = || ApiError::bad_parameter(part, "percent-encoded UTF-8 (key=value)", part);
        out.push((
            percent_decode(k).ok_or_else(bad)?,
            percent_decode(v).ok_or_else(bad)?,
        ));
    }
    Ok(out)
}

/// Splits a list's query into its known parameters (refusing unknown ones) and the page request. With a
/// `cursor`, the filters are the cursor's (see [`super::page`]): it must come alone, and it must be one of this
/// list's.
fn split(query: &str, known: &[&str]) -> Result<(Vec<(String, String)>, PageRequest), ApiError> {
    let mut params = Vec::new();
    let mut cursor = None;
    for (k, v) in pairs(query)? {
        if k == "cursor" {
            cursor = Some(v);
        } else if known.contains(&k.as_str()) {
            params.push((k, v));
        } else {
            let mut all = known.to_vec();
            all.push("cursor");
            return Err(ApiError::unknown_parameter(
                &k,
                &all,
                closest(&k, all.iter().copied()),
            ));
        }
    }
    let page = match cursor {
        None => PageRequest {
            page: 0,
            params: params.clone(),
        },
        Some(cursor) => {
            if let Some((k, _)) = params.first() {
                return Err(ApiError::bad_cursor(
                    &cursor,
                    &format!(
                        "came with the filter {k}, but a cursor already carries its list's filters"
                    ),
                ));
            }
            let page = PageRequest::from_cursor(&cursor)?;
            if let Some((k, _)) = page
                .params
                .iter()
                .find(|(k, _)| !known.contains(&k.as_str()))
            {
                return Err(ApiError::bad_cursor(
                    &cursor,
                    &format!(
                        "belongs to another list (it filters by {k}, which this list does not take)"
                    ),
                ));
            }
            page
        }
    };
    Ok((page.params.clone(), page))
}

fn boolean(name: &str, v: &str) -> Result<bool, ApiError> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ApiError::bad_parameter(name, "true or false", v)),
    }
}

fn date(name: &str, v: &str) -> Result<CivilDate, ApiError> {
    CivilDate::parse(v)
        .ok_or_else(|| ApiError::bad_parameter(name, "a date YYYY-MM-DD (UTC), e.g. 2026-06-03", v))
}

fn timestamp(name: &str, v: &str) -> Result<u64, ApiError> {
    parse_timestamp(v).ok_or_else(|| {
        ApiError::bad_parameter(
            name,
            "a time YYYY-MM-DD hh:mm:ss (UTC), e.g. 2026-06-03 14:05:00",
            v,
        )
    })
}

fn integer(name: &str, v: &str) -> Result<i64, ApiError> {
    v.parse()
        .map_err(|_| ApiError::bad_parameter(name, "a whole number", v))
}

/// `GET /Conferences` filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConferenceFilter {
    /// `status`.
    pub status: Option<ConferenceStatus>,
    /// `alias`, exact match.
    pub alias: Option<String>,
    /// `dateCreated`: created on that day (UTC).
    pub date_created: Option<CivilDate>,
    /// `dateUpdated`: last changed on that day (UTC).
    pub date_updated: Option<CivilDate>,
}

impl ConferenceFilter {
    /// The query parameters it reads.
    pub const PARAMS: [&'static str; 4] = ["status", "alias", "dateCreated", "dateUpdated"];

    /// Reads the filter and the page request from a query string.
    pub fn parse(query: &str) -> Result<(Self, PageRequest), ApiError> {
        let (params, page) = split(query, &Self::PARAMS)?;
        let mut f = ConferenceFilter::default();
        for (k, v) in params {
            match k.as_str() {
                "status" => {
                    f.status = Some(
                        ConferenceStatus::ALL
                            .into_iter()
                            .find(|s| s.as_str() == v)
                            .ok_or_else(|| {
                                ApiError::bad_parameter(
                                    "status",
                                    "one of empty, populated, inProgress, terminated",
                                    &v,
                                )
                            })?,
                    )
                }
                "alias" => f.alias = Some(v),
                "dateCreated" => f.date_created = Some(date(&k, &v)?),
                _ => f.date_updated = Some(date(&k, &v)?),
            }
        }
        Ok((f, page))
    }

    /// Whether the conference passes every filter given.
    pub fn matches(&self, c: &ConferenceView) -> bool {
        self.status.is_none_or(|s| s == c.status)
            && self
                .alias
                .as_ref()
                .is_none_or(|a| c.alias.as_ref() == Some(a))
            && self
                .date_created
                .is_none_or(|d| d == CivilDate::of_ms(c.stamp.date_created_ms))
            && self
                .date_updated
                .is_none_or(|d| d == CivilDate::of_ms(c.stamp.date_updated_ms))
    }
}

/// `GET /Conferences/{id}/Participants` filters: each keeps participants that hold the privilege as given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParticipantFilter {
    /// `talk`.
    pub talk: Option<bool>,
    /// `listen`.
    pub listen: Option<bool>,
    /// `dtmfPassThrough`.
    pub dtmf_pass_through: Option<bool>,
}

impl ParticipantFilter {
    /// The query parameters it reads.
    pub const PARAMS: [&'static str; 3] = ["talk", "listen", "dtmfPassThrough"];

    /// Reads the filter and the page request from a query string.
    pub fn parse(query: &str) -> Result<(Self, PageRequest), ApiError> {
        let (params, page) = split(query, &Self::PARAMS)?;
        let mut f = ParticipantFilter::default();
        for (k, v) in params {
            let b = Some(boolean(&k, &v)?);
            match k.as_str() {
                "talk" => f.talk = b,
                "listen" => f.listen = b,
                _ => f.dtmf_pass_through = b,
            }
        }
        Ok((f, page))
    }

    /// Whether the participant passes every filter given.
    pub fn matches(&self, p: &ParticipantView) -> bool {
        self.talk.is_none_or(|t| t == p.talk)
            && self.listen.is_none_or(|l| l == p.listen)
            && self
                .dtmf_pass_through
                .is_none_or(|d| d == p.dtmf_pass_through)
    }
}

/// `GET /Calls` filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallFilter {
    /// `active=true`: only calls that are queued, ringing or in progress.
    pub active: bool,
    /// `to`, exact.
    pub to: Option<String>,
    /// `from`, exact.
    pub from: Option<String>,
    /// `status`.
    pub status: Option<CallStatus>,
    /// `startTime`: calls that started at or after this instant.
    pub start_time_ms: Option<u64>,
    /// `endTime`: calls that ended at or before this instant.
    pub end_time_ms: Option<u64>,
    /// `parentCallId`.
    pub parent_call_id: Option<String>,
    /// `applicationId` (may repeat): calls of any of these applications.
    pub application_ids: Vec<String>,
    /// `riskScoreMin`: accepted; the sandbox scores no call, so it keeps every call.
    pub risk_score_min: Option<i64>,
    /// `riskScoreMax`: accepted; keeps every call, as `riskScoreMin`.
    pub risk_score_max: Option<i64>,
    /// `webRTC=true`: only WebRTC calls, of which the sandbox has none.
    pub web_rtc: bool,
    /// `usedAudioStream=true`: only calls that streamed audio.
    pub used_audio_stream: bool,
}

impl CallFilter {
    /// The query parameters it reads.
    pub const PARAMS: [&'static str; 12] = [
        "active",
        "to",
        "from",
        "status",
        "startTime",
        "endTime",
        "parentCallId",
        "applicationId",
        "riskScoreMin",
        "riskScoreMax",
        "webRTC",
        "usedAudioStream",
    ];

    /// Reads the filter and the page request from a query string.
    pub fn parse(query: &str) -> Result<(Self, PageRequest), ApiError> {
        let (params, page) = split(query, &Self::PARAMS)?;
        let mut f = CallFilter::default();
        for (k, v) in params {
            match k.as_str() {
                "active" => f.active = boolean(&k, &v)?,
                "to" => f.to = Some(v),
                "from" => f.from = Some(v),
                "status" => {
                    f.status = Some(CallStatus::parse(&v).ok_or_else(|| {
                        let names: Vec<&str> = CallStatus::ALL.iter().map(|s| s.as_str()).collect();
                        ApiError::bad_parameter(
                            "status",
                            &format!("one of {}", names.join(", ")),
                            &v,
                        )
                    })?)
                }
                "startTime" => f.start_time_ms = Some(timestamp(&k, &v)?),
                "endTime" => f.end_time_ms = Some(timestamp(&k, &v)?),
                "parentCallId" => f.parent_call_id = Some(v),
                "applicationId" => f.application_ids.push(v),
                "riskScoreMin" => f.risk_score_min = Some(integer(&k, &v)?),
                "riskScoreMax" => f.risk_score_max = Some(integer(&k, &v)?),
                "webRTC" => f.web_rtc = boolean(&k, &v)?,
                _ => f.used_audio_stream = boolean(&k, &v)?,
            }
        }
        Ok((f, page))
    }

    /// Whether the call passes every filter given.
    pub fn matches(&self, c: &CallView) -> bool {
        (!self.active || !c.status.is_final())
            && self.to.as_ref().is_none_or(|t| *t == c.to)
            && self.from.as_ref().is_none_or(|f| *f == c.from)
            && self.status.is_none_or(|s| s == c.status)
            && self
                .start_time_ms
                .is_none_or(|t| c.start_ms.is_some_and(|s| s >= t))
            && self
                .end_time_ms
                .is_none_or(|t| c.end_ms.is_some_and(|e| e <= t))
            && self
                .parent_call_id
                .as_ref()
                .is_none_or(|p| c.parent_call_id.as_ref() == Some(p))
            && (self.application_ids.is_empty()
                || c.application_id
                    .as_ref()
                    .is_some_and(|a| self.application_ids.contains(a)))
            && !self.web_rtc
            && (!self.used_audio_stream || c.audio_stream_duration_sec.is_some())
    }
}

/// Which recordings list a [`RecordingFilter`] is read for: each takes a different set of parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordingScope {
    /// `GET /Recordings`.
    Account,
    /// `GET /Conferences/{id}/Recordings`.
    Conference,
    /// `GET /Calls/{id}/Recordings`.
    Call,
}

/// Recording list filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordingFilter {
    /// `callId`.
    pub call_id: Option<String>,
    /// `conferenceId`.
    pub conference_id: Option<String>,
    /// `dateCreated`: created on that day (UTC).
    pub date_created: Option<CivilDate>,
    /// `startTime`: recordings created at or after this instant (spec: "created at or after this time").
    pub start_time_ms: Option<u64>,
    /// `endTime`: recordings created at or before this instant (spec, list recordings: "Only show Recordings
    /// created at or before this time"; not the recording's end).
    pub end_time_ms: Option<u64>,
}

impl RecordingFilter {
    /// The query parameters each list reads.
    pub fn params(scope: RecordingScope) -> &'static [&'static str] {
        match scope {
            RecordingScope::Account => &[
                "callId",
                "conferenceId",
                "dateCreated",
                "startTime",
                "endTime",
            ],
            RecordingScope::Conference => &["callId", "dateCreated", "startTime", "endTime"],
            RecordingScope::Call => &["dateCreated", "startTime", "endTime"],
        }
    }

    /// Reads the filter and the page request from a query string.
    pub fn parse(query: &str, scope: RecordingScope) -> Result<(Self, PageRequest), ApiError> {
        let (params, page) = split(query, Self::params(scope))?;
        let mut f = RecordingFilter::default();
        for (k, v) in params {
            match k.as_str() {
                "callId" => f.call_id = Some(v),
                "conferenceId" => f.conference_id = Some(v),
                "dateCreated" => f.date_created = Some(date(&k, &v)?),
                "startTime" => f.start_time_ms = Some(timestamp(&k, &v)?),
                _ => f.end_time_ms = Some(timestamp(&k, &v)?),
            }
        }
        Ok((f, page))
    }

    /// Whether the recording passes every filter given (the route's own conference or call is the engine's to
    /// select).
    pub fn matches(&self, r: &RecordingView) -> bool {
        // Both time filters compare when the recording was created (its start), as the spec words them.
        let start = r.stamp.date_created_ms;
        self.call_id
            .as_ref()
            .is_none_or(|c| r.call_id.as_ref() == Some(c))
            && self
                .conference_id
                .as_ref()
                .is_none_or(|c| r.conference_id.as_ref() == Some(c))
            && self
                .date_created
                .is_none_or(|d| d == CivilDate::of_ms(start))
            && self.start_time_ms.is_none_or(|t| start >= t)
            && self.end_time_ms.is_none_or(|t| start <= t)
    }
}

/// `GET /Applications` filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplicationFilter {
    /// `alias`, exact match.
    pub alias: Option<String>,
}

impl ApplicationFilter {
    /// The query parameters it reads (spec, list-applications).
    pub const PARAMS: [&'static str; 1] = ["alias"];

    /// Reads the filter and the page request from a query string.
    pub fn parse(query: &str) -> Result<(Self, PageRequest), ApiError> {
        let (params, page) = split(query, &Self::PARAMS)?;
        let mut f = ApplicationFilter::default();
        for (_, v) in params {
            f.alias = Some(v);
        }
        Ok((f, page))
    }

    /// Whether the application passes every filter given.
    pub fn matches(&self, a: &ApplicationView) -> bool {
        self.alias
            .as_ref()
            .is_none_or(|x| a.application.alias.as_ref() == Some(x))
    }
}

/// `GET /IncomingPhoneNumbers` filters: the ones the Python SDK 5.4.1's `list_incoming_numbers` sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IncomingNumberFilter {
    /// `phoneNumber`: the spec says a PCRE regular expression; the sandbox matches it as a plain substring of
    /// the E.164 number, after dropping `^`, `$` and `\` (sandbox choice: no regex engine in the core).
    pub phone_number: Option<String>,
    /// `alias`, exact.
    pub alias: Option<String>,
    /// `region`, exact (the sandbox's numbers have none, so any value keeps none).
    pub region: Option<String>,
    /// `country`, exact (as `region`).
    pub country: Option<String>,
    /// `applicationId`, exact.
    pub application_id: Option<String>,
    /// `hasApplication`: every sandbox number has one.
    pub has_application: Option<bool>,
    /// `hasCampaign`: no sandbox number has one.
    pub has_campaign: Option<bool>,
    /// `tfn.campaignId`: no sandbox number has one, so any value keeps none.
    pub tfn_campaign_id: Option<String>,
    /// `offnet`: no sandbox number is.
    pub offnet: Option<bool>,
}

impl IncomingNumberFilter {
    /// The query parameters it reads.
    pub const PARAMS: [&'static str; 9] = [
        "phoneNumber",
        "alias",
        "region",
        "country",
        "applicationId",
        "hasApplication",
        "hasCampaign",
        "tfn.campaignId",
        "offnet",
    ];

    /// Reads the filter and the page request from a query string.
    pub fn parse(query: &str) -> Result<(Self, PageRequest), ApiError> {
        let (params, page) = split(query, &Self::PARAMS)?;
        let mut f = IncomingNumberFilter::default();
        for (k, v) in params {
            match k.as_str() {
                "phoneNumber" => f.phone_number = Some(v),
                "alias" => f.alias = Some(v),
                "region" => f.region = Some(v),
                "country" => f.country = Some(v),
                "applicationId" => f.application_id = Some(v),
                "hasApplication" => f.has_application = Some(boolean(&k, &v)?),
                "hasCampaign" => f.has_campaign = Some(boolean(&k, &v)?),
                "tfn.campaignId" => f.tfn_campaign_id = Some(v),
                _ => f.offnet = Some(boolean(&k, &v)?),
            }
        }
        Ok((f, page))
    }

    /// Whether the number passes every filter given.
    pub fn matches(&self, n: &IncomingNumberView) -> bool {
        self.phone_number.as_ref().is_none_or(|p| {
            let plain: String = p
                .chars()
                .filter(|c| !matches!(c, '^' | '$' | '\\'))
                .collect();
            n.phone_number.contains(&plain)
        }) && self
            .alias
            .as_ref()
            .is_none_or(|a| n.alias.as_ref() == Some(a))
            && self.region.is_none()
            && self.country.is_none()
            && self
                .application_id
                .as_ref()
                .is_none_or(|a| *a == n.application_id)
            && self.has_application.is_none_or(|h| h)
            && self.has_campaign.is_none_or(|h| !h)
            && self.tfn_campaign_id.is_none()
            && self.offnet.is_none_or(|o| !o)
    }
}

/// `GET /Calls/{callId}/Logs` takes no filter, only `cursor`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallLogFilter;

impl CallLogFilter {
    /// The query parameters it reads: none.
    pub const PARAMS: [&'static str; 0] = [];

    /// Reads the page request from a query string.
    pub fn parse(query: &str) -> Result<PageRequest, ApiError> {
        split(query, &Self::PARAMS).map(|(_, page)| page)
    }
}
