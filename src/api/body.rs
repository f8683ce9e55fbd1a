//! Typed REST request bodies (reference §1.4), read from the raw bytes with an error that names the field.
//!
//! Field names and enums are FreeClimb's exactly. A field set to `null` counts as absent (the SDK leaves unset
//! fields out, so `null` only comes from hand-written requests, where "not set" is what it means). A field the
//! endpoint does not know is refused with a "did you mean" (conflab's choice: a misspelt `playbeep` silently
//! ignored would teach the wrong thing). An empty body is an empty object.

use super::error::ApiError;
use crate::conference::{ConferenceSettings, ConferenceStatus, ParticipantUpdate, PlayBeep};
use crate::percl::model::IfMachine;
use crate::percl::suggest::closest;
use serde_json::{Map, Value};

/// The longest `alias` FreeClimb accepts.
pub const MAX_ALIAS_CHARS: usize = 64;

/// Ring time of `POST /Calls` when `timeout` is not given, in seconds.
pub const DEFAULT_CALL_TIMEOUT_SEC: u32 = 30;

/// `POST /Conferences` (`CreateConferenceRequest`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateConference {
    /// `alias`: a name the application chooses, at most 64 characters.
    pub alias: Option<String>,
    /// `playBeep`, `always` when absent.
    pub play_beep: PlayBeep,
    /// `record`, `false` when absent.
    pub record: bool,
    /// `waitUrl`: hold audio while `populated`.
    pub wait_url: Option<String>,
    /// `statusCallbackUrl` (required).
    pub status_callback_url: String,
}

impl CreateConference {
    /// The settings the conference state machine is created with.
    pub fn settings(&self) -> ConferenceSettings {
        ConferenceSettings {
            alias: self.alias.clone(),
            play_beep: self.play_beep,
            record: self.record,
            wait_url: self.wait_url.clone(),
            status_callback_url: Some(self.status_callback_url.clone()),
        }
    }
}

/// `UpdateConferenceRequestStatus`: the two statuses REST may set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateConferenceStatus {
    /// `empty`: unbridge every participant; the conference stays usable (Decisions table).
    Empty,
    /// `terminated`: hang up every participant; the conference ends for good.
    Terminated,
}

impl UpdateConferenceStatus {
    /// The wire spellings.
    pub const NAMES: [&'static str; 2] = ["empty", "terminated"];

    /// The conference status it asks for.
    pub const fn status(self) -> ConferenceStatus {
        match self {
            Self::Empty => ConferenceStatus::Empty,
            Self::Terminated => ConferenceStatus::Terminated,
        }
    }
}

/// `POST /Conferences/{conferenceId}` (`UpdateConferenceRequest`); every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateConference {
    /// New `alias`.
    pub alias: Option<String>,
    /// New `playBeep`.
    pub play_beep: Option<PlayBeep>,
    /// `status`: `empty` or `terminated`.
    pub status: Option<UpdateConferenceStatus>,
}

/// `UpdateCallRequestStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateCallStatus {
    /// `canceled`: hang up a call that is queued or ringing; an answered call is left alone.
    Canceled,
    /// `completed`: hang up a call that is in progress.
    Completed,
}

impl UpdateCallStatus {
    /// The wire spellings.
    pub const NAMES: [&'static str; 2] = ["canceled", "completed"];
}

/// `POST /Calls` (`MakeCallRequest`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MakeCall {
    /// `from`: the caller id (E.164).
    pub from: String,
    /// `to`: the number to dial (E.164); a trial account may dial only verified numbers.
    pub to: String,
    /// `applicationId`.
    pub application_id: Option<String>,
    /// `callConnectUrl`.
    pub call_connect_url: Option<String>,
    /// `parentCallId`.
    pub parent_call_id: Option<String>,
    /// `sendDigits`: `0-9*#`, with `{n}` for a pause of n × 500 ms.
    pub send_digits: Option<String>,
    /// `ifMachine` (`ifMachineUrl` is present exactly when this is `redirect`).
    pub if_machine: Option<IfMachine>,
    /// `ifMachineUrl`.
    pub if_machine_url: Option<String>,
    /// `timeout`: ring time in seconds (default 30).
    pub timeout_sec: u32,
    /// `privacyMode`.
    pub privacy_mode: bool,
}

/// Reads a body as a JSON object whose keys are all in `known`.
fn object(body: &[u8], known: &[&str]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid_json(&e.to_string(), e.line(), e.column()))?;
    let Value::Object(map) = value else {
        return Err(ApiError::bad_field("", "a JSON object", &value, None));
    };
    for key in map.keys() {
        if !known.contains(&key.as_str()) {
            let pointer = pointer(key);
            return Err(ApiError::unknown_field(
                &pointer,
                known,
                closest(key, known.iter().copied()),
            ));
        }
    }
    Ok(map)
}

/// The JSON pointer of a top-level field (RFC 6901 escapes).
fn pointer(key: &str) -> String {
    format!("/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// A field's value, `None` when absent or `null`.
fn get<'m>(map: &'m Map<String, Value>, key: &str) -> Option<&'m Value> {
    map.get(key).filter(|v| !v.is_null())
}

fn opt_str(map: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match get(map, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ApiError::bad_field(&pointer(key), "a string", other, None)),
    }
}

fn req_str(map: &Map<String, Value>, key: &str, what: &str) -> Result<String, ApiError> {
    opt_str(map, key)?.ok_or_else(|| ApiError::missing_field(&pointer(key), what))
}

fn opt_bool(map: &Map<String, Value>, key: &str) -> Result<Option<bool>, ApiError> {
    match get(map, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(ApiError::bad_field(
            &pointer(key),
            "true or false",
            other,
            other
                .as_str()
                .filter(|s| matches!(*s, "true" | "false"))
                .map(|_| "send a JSON boolean, without quotes"),
        )),
    }
}

fn opt_enum<T>(
    map: &Map<String, Value>,
    key: &str,
    names: &[&str],
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match get(map, key) {
        None => Ok(None),
        Some(value) => {
            let parsed = value.as_str().and_then(&parse);
            parsed.map(Some).ok_or_else(|| {
                let expected = format!("one of {}", quoted(names));
                let hint = value
                    .as_str()
                    .and_then(|s| closest(s, names.iter().copied()))
                    .map(|s| format!("did you mean \"{s}\"? (values are case-sensitive)"));
                ApiError::bad_field(&pointer(key), &expected, value, hint.as_deref())
            })
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn opt_alias(map: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    let alias = opt_str(map, "alias")?;
    if let Some(a) = &alias
        && a.chars().count() > MAX_ALIAS_CHARS
    {
        return Err(ApiError::bad_field(
            "/alias",
            "a string of at most 64 characters",
            &Value::String(a.clone()),
            Some(&format!("this one has {} characters", a.chars().count())),
        ));
    }
    Ok(alias)
}

/// An absolute `http(s)` URL: webhooks and audio are fetched from it.
fn opt_url(map: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    let url = opt_str(map, key)?;
    if let Some(u) = &url
        && !(u.starts_with("http://") || u.starts_with("https://"))
    {
        return Err(ApiError::bad_field(
            &pointer(key),
            "an absolute http:// or https:// URL",
            &Value::String(u.clone()),
            None,
        ));
    }
    Ok(url)
}

fn play_beep(map: &Map<String, Value>) -> Result<Option<PlayBeep>, ApiError> {
    let names: Vec<&str> = PlayBeep::ALL.iter().map(|b| b.as_str()).collect();
    opt_enum(map, "playBeep", &names, PlayBeep::parse)
}

/// An E.164 number: `+`, then 2 to 15 digits, the first not 0.
pub fn is_e164(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn phone(map: &Map<String, Value>, key: &str, what: &str) -> Result<String, ApiError> {
    let number = req_str(map, key, what)?;
    if !is_e164(&number) {
        return Err(ApiError::bad_field(
            &pointer(key),
            "an E.164 phone number (+ and up to 15 digits, e.g. +15550100000)",
            &Value::String(number),
            None,
        ));
    }
    Ok(number)
}

/// `sendDigits`: `0-9`, `*`, `#` and `{n}` pauses.
fn is_send_digits(s: &str) -> bool {
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() || c == '*' || c == '#' {
            rest = &rest[1..];
        } else if c == '{' {
            let Some(close) = rest.find('}') else {
                return false;
            };
            let n = &rest[1..close];
            if n.is_empty() || n.len() > 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            rest = &rest[close + 1..];
        } else {
            return false;
        }
    }
    true
}

/// Reads `CreateConferenceRequest`.
pub fn create_conference(body: &[u8]) -> Result<CreateConference, ApiError> {
    let map = object(
        body,
        &[
            "alias",
            "playBeep",
            "record",
            "waitUrl",
            "statusCallbackUrl",
        ],
    )?;
    let alias = opt_alias(&map)?;
    let play_beep = play_beep(&map)?.unwrap_or_default();
    let record = opt_bool(&map, "record")?.unwrap_or(false);
    let wait_url = opt_url(&map, "waitUrl")?;
    let status_callback_url = opt_url(&map, "statusCallbackUrl")?.ok_or_else(|| {
        ApiError::missing_field(
            "/statusCallbackUrl",
            "the URL that receives the conference's status changes (required since SDK 5.1.1)",
        )
    })?;
    Ok(CreateConference {
        alias,
        play_beep,
        record,
        wait_url,
        status_callback_url,
    })
}

/// Reads `UpdateConferenceRequest`.
pub fn update_conference(body: &[u8]) -> Result<UpdateConference, ApiError> {
    let map = object(body, &["alias", "playBeep", "status"])?;
    Ok(UpdateConference {
        alias: opt_alias(&map)?,
        play_beep: play_beep(&map)?,
        status: opt_enum(
            &map,
            "status",
            &UpdateConferenceStatus::NAMES,
            |s| match s {
                "empty" => Some(UpdateConferenceStatus::Empty),
                "terminated" => Some(UpdateConferenceStatus::Terminated),
                _ => None,
            },
        )?,
    })
}

/// Reads `UpdateConferenceParticipantRequest`.
pub fn update_participant(body: &[u8]) -> Result<ParticipantUpdate, ApiError> {
    let map = object(body, &["talk", "listen", "dtmfPassThrough"])?;
    Ok(ParticipantUpdate {
        talk: opt_bool(&map, "talk")?,
        listen: opt_bool(&map, "listen")?,
        dtmf_pass_through: opt_bool(&map, "dtmfPassThrough")?,
    })
}

/// Reads `UpdateCallRequest`.
pub fn update_call(body: &[u8]) -> Result<UpdateCallStatus, ApiError> {
    let map = object(body, &["status"])?;
    opt_enum(&map, "status", &UpdateCallStatus::NAMES, |s| match s {
        "canceled" => Some(UpdateCallStatus::Canceled),
        "completed" => Some(UpdateCallStatus::Completed),
        _ => None,
    })?
    .ok_or_else(|| {
        ApiError::missing_field(
            "/status",
            "\"canceled\" (hang up a queued or ringing call) or \"completed\" (hang up a call in progress)",
        )
    })
}

/// Reads `MakeCallRequest`.
pub fn make_call(body: &[u8]) -> Result<MakeCall, ApiError> {
    let map = object(
        body,
        &[
            "from",
            "to",
            "applicationId",
            "sendDigits",
            "ifMachine",
            "ifMachineUrl",
            "timeout",
            "parentCallId",
            "privacyMode",
            "callConnectUrl",
        ],
    )?;
    let from = phone(
        &map,
        "from",
        "the caller id, a number the account owns (E.164)",
    )?;
    let to = phone(&map, "to", "the number to dial (E.164)")?;
    let application_id = opt_str(&map, "applicationId")?;
    let call_connect_url = opt_url(&map, "callConnectUrl")?;
    let parent_call_id = opt_str(&map, "parentCallId")?;
    if application_id.is_none() && call_connect_url.is_none() && parent_call_id.is_none() {
        return Err(ApiError::missing_field(
            "/callConnectUrl",
            "one of applicationId, callConnectUrl or parentCallId, so that FreeClimb knows where to fetch the call's PerCL when it connects",
        ));
    }
    let send_digits = opt_str(&map, "sendDigits")?;
    if let Some(d) = &send_digits
        && !is_send_digits(d)
    {
        return Err(ApiError::bad_field(
            "/sendDigits",
            "digits 0-9, * and #, with {n} for a pause of n × 500 ms",
            &Value::String(d.clone()),
            None,
        ));
    }
    let if_machine = opt_enum(&map, "ifMachine", IfMachine::NAMES, IfMachine::parse)?;
    let if_machine_url = opt_url(&map, "ifMachineUrl")?;
    match (if_machine, &if_machine_url) {
        (Some(IfMachine::Redirect), None) => {
            return Err(ApiError::missing_field(
                "/ifMachineUrl",
                "the URL whose PerCL runs when a machine answers (ifMachine is \"redirect\")",
            ));
        }
        (Some(IfMachine::Hangup) | None, Some(url)) => {
            return Err(ApiError::bad_field(
                "/ifMachineUrl",
                "absent unless ifMachine is \"redirect\"",
                &Value::String(url.clone()),
                Some("set ifMachine to \"redirect\", or leave ifMachineUrl out"),
            ));
        }
        _ => {}
    }
    let timeout_sec = match get(&map, "timeout") {
        None => DEFAULT_CALL_TIMEOUT_SEC,
        Some(v) => v
            .as_u64()
            .filter(|t| (1..=u64::from(u32::MAX)).contains(t))
            .map(|t| t as u32)
            .ok_or_else(|| {
                ApiError::bad_field("/timeout", "a whole number of seconds above 0", v, None)
            })?,
    };
    let privacy_mode = opt_bool(&map, "privacyMode")?.unwrap_or(false);
    Ok(MakeCall {
        from,
        to,
        application_id,
        call_connect_url,
        parent_call_id,
        send_digits,
        if_machine,
        if_machine_url,
        timeout_sec,
        privacy_mode,
    })
}
