//! The REST endpoints the engine serves, as data: for the REST console's endpoint list, its id pickers, its
//! body check and the Copy as curl / Python SDK snippets ([`super::snippet`]).
//!
//! The catalogue is written out here (so it is a `static`, free in wasm) and kept honest by tests rather than
//! derived: every [`ApiRequest`] variant has an [`Operation`] (an exhaustive match, so a new variant does not
//! compile until it is catalogued); each endpoint's example routes through [`super::parse`] to its operation;
//! every path the router accepts has an endpoint (`tests/api_catalog.rs` walks the router); query parameter
//! names equal the filters' `PARAMS`; enum values equal the wire enums; and the SDK names are checked against
//! the installed `freeclimb` 5.x SDK by executing every endpoint's Python snippet.

use super::error::ApiError;
use super::{ApiRequest, RecordingFileKind, UpdateCallStatus, UpdateConferenceStatus, body};
use crate::ids::IdKind;
use crate::percl::model::{IfMachine, PLAY_BEEP_NAMES};
use crate::scenario::Method;
use serde_json::Value;

/// What an endpoint does: one per [`ApiRequest`] variant (two for the recording file, stream and download).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET /`
    GetAccount,
    /// `POST /Conferences`
    CreateConference,
    /// `GET /Conferences`
    ListConferences,
    /// `GET /Conferences/{conferenceId}`
    GetConference,
    /// `POST /Conferences/{conferenceId}`
    UpdateConference,
    /// `GET /Conferences/{conferenceId}/Participants`
    ListParticipants,
    /// `GET /Conferences/{conferenceId}/Participants/{callId}`
    GetParticipant,
    /// `POST /Conferences/{conferenceId}/Participants/{callId}`
    UpdateParticipant,
    /// `DELETE /Conferences/{conferenceId}/Participants/{callId}`
    RemoveParticipant,
    /// `GET /Conferences/{conferenceId}/Recordings`
    ListConferenceRecordings,
    /// `POST /Calls`
    MakeCall,
    /// `GET /Calls`
    ListCalls,
    /// `GET /Calls/{callId}`
    GetCall,
    /// `POST /Calls/{callId}`
    UpdateCall,
    /// `GET /Calls/{callId}/Recordings`
    ListCallRecordings,
    /// `GET /Calls/{callId}/Logs`
    ListCallLogs,
    /// `GET /Applications`
    ListApplications,
    /// `GET /Applications/{applicationId}`
    GetApplication,
    /// `GET /IncomingPhoneNumbers`
    ListIncomingNumbers,
    /// `GET /IncomingPhoneNumbers/{phoneNumberId}`
    GetIncomingNumber,
    /// `GET /Recordings`
    ListRecordings,
    /// `GET /Recordings/{recordingId}`
    GetRecording,
    /// `DELETE /Recordings/{recordingId}`
    DeleteRecording,
    /// `GET /Recordings/{recordingId}/Stream`
    StreamRecording,
    /// `GET /Recordings/{recordingId}/Download`
    DownloadRecording,
}

impl Operation {
    /// The operation a routed request is (exhaustive on purpose: a new [`ApiRequest`] variant must be
    /// catalogued before the crate compiles).
    pub const fn of(request: &ApiRequest) -> Operation {
        match request {
            ApiRequest::GetAccount => Operation::GetAccount,
            ApiRequest::CreateConference(_) => Operation::CreateConference,
            ApiRequest::ListConferences { .. } => Operation::ListConferences,
            ApiRequest::GetConference { .. } => Operation::GetConference,
            ApiRequest::UpdateConference { .. } => Operation::UpdateConference,
            ApiRequest::ListParticipants { .. } => Operation::ListParticipants,
            ApiRequest::GetParticipant { .. } => Operation::GetParticipant,
            ApiRequest::UpdateParticipant { .. } => Operation::UpdateParticipant,
            ApiRequest::RemoveParticipant { .. } => Operation::RemoveParticipant,
            ApiRequest::ListConferenceRecordings { .. } => Operation::ListConferenceRecordings,
            ApiRequest::MakeCall(_) => Operation::MakeCall,
            ApiRequest::ListCalls { .. } => Operation::ListCalls,
            ApiRequest::GetCall { .. } => Operation::GetCall,
            ApiRequest::UpdateCall { .. } => Operation::UpdateCall,
            ApiRequest::ListCallRecordings { .. } => Operation::ListCallRecordings,
            ApiRequest::ListCallLogs { .. } => Operation::ListCallLogs,
            ApiRequest::ListApplications { .. } => Operation::ListApplications,
            ApiRequest::GetApplication { .. } => Operation::GetApplication,
            ApiRequest::ListIncomingNumbers { .. } => Operation::ListIncomingNumbers,
            ApiRequest::GetIncomingNumber { .. } => Operation::GetIncomingNumber,
            ApiRequest::ListRecordings { .. } => Operation::ListRecordings,
            ApiRequest::GetRecording { .. } => Operation::GetRecording,
            ApiRequest::DeleteRecording { .. } => Operation::DeleteRecording,
            ApiRequest::RecordingFile {
                kind: RecordingFileKind::Stream,
                ..
            } => Operation::StreamRecording,
            ApiRequest::RecordingFile {
                kind: RecordingFileKind::Download,
                ..
            } => Operation::DownloadRecording,
        }
    }

    /// Its catalogue entry.
    pub fn endpoint(self) -> &'static Endpoint {
        // Every operation has exactly one entry (tested); the fallback only keeps this total.
        ENDPOINTS
            .iter()
            .find(|e| e.operation == self)
            .unwrap_or(&ENDPOINTS[0])
    }

    /// The body reader the router uses for this operation, `None` for endpoints without a body.
    fn body_reader(self) -> Option<BodyReader> {
        Some(match self {
            Operation::CreateConference => |b| body::create_conference(b).map(drop),
            Operation::UpdateConference => |b| body::update_conference(b).map(drop),
            Operation::UpdateParticipant => |b| body::update_participant(b).map(drop),
            Operation::MakeCall => |b| body::make_call(b).map(drop),
            Operation::UpdateCall => |b| body::update_call(b).map(drop),
            _ => return None,
        })
    }
}

/// A body reader of the router's, its result dropped: only whether and where it refuses matters here.
type BodyReader = fn(&[u8]) -> Result<(), ApiError>;

/// The type of a query parameter's or body field's value, as FreeClimb documents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// Any string.
    String,
    /// `true` or `false` (a JSON boolean in a body; the text `true`/`false` in a query).
    Boolean,
    /// A whole number.
    Integer,
    /// An absolute `http://` or `https://` URL.
    Url,
    /// An E.164 phone number (`+15550100000`).
    PhoneNumber,
    /// DTMF digits `0-9*#`, with `{n}` for a pause of n × 500 ms.
    Digits,
    /// A day `YYYY-MM-DD` (UTC).
    Date,
    /// An instant `YYYY-MM-DD hh:mm:ss` (UTC).
    Time,
    /// One of a fixed set of strings (case-sensitive).
    Enum {
        /// The wire spellings.
        values: &'static [&'static str],
        /// The SDK's enum class when the SDK types the value with one (`PlayBeep`), `None` when it takes a
        /// plain string.
        sdk_enum: Option<&'static str>,
    },
}

/// A path parameter: `{conferenceId}` and the kind of sandbox id it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathParam {
    /// The name in the template, `conferenceId`.
    pub name: &'static str,
    /// The SDK's keyword argument, `conference_id`.
    pub sdk_name: &'static str,
    /// Which ids to offer.
    pub id: IdKind,
}

/// A list's query parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryParam {
    /// The wire name, `dateCreated`.
    pub name: &'static str,
    /// The SDK list method's keyword argument (`date_created`); `None` for `cursor`, which the SDK does not
    /// take (it pages with `get_next_page`).
    pub sdk_name: Option<&'static str>,
    /// The value's type.
    pub ty: ValueType,
    /// The kind of id the value is, when it is one (offer the sandbox's ids).
    pub id: Option<IdKind>,
    /// Whether the parameter may be given more than once (`applicationId`).
    pub repeats: bool,
    /// What it selects.
    pub summary: &'static str,
}

/// A body field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyField {
    /// The JSON name, `statusCallbackUrl`.
    pub name: &'static str,
    /// The SDK model's keyword argument, `status_callback_url`.
    pub sdk_name: &'static str,
    /// The value's type.
    pub ty: ValueType,
    /// Whether the request is refused without it.
    pub required: bool,
    /// The kind of id the value is, when it is one.
    pub id: Option<IdKind>,
    /// What it means.
    pub summary: &'static str,
}

/// One REST endpoint, relative to `/Accounts/{accountId}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// What it does.
    pub operation: Operation,
    /// The HTTP method.
    pub method: Method,
    /// The path template, `/Conferences/{conferenceId}/Participants/{callId}` (`/` for the account).
    pub path: &'static str,
    /// One line for the endpoint list.
    pub summary: &'static str,
    /// The template's parameters, in path order.
    pub path_params: &'static [PathParam],
    /// Query parameters (lists only).
    pub query: &'static [QueryParam],
    /// Body fields (POSTs only; empty otherwise).
    pub body: &'static [BodyField],
    /// A rule across fields that the field list cannot say (`POST /Calls`: one of three is required).
    pub body_rule: Option<&'static str>,
    /// A body that is accepted, to prefill the console (`None` for endpoints without a body).
    pub example_body: Option<&'static str>,
    /// The `freeclimb.DefaultApi` method, `create_a_conference`.
    pub sdk_method: &'static str,
    /// The SDK request model class, `CreateConferenceRequest` (`None` without a body).
    pub sdk_model: Option<&'static str>,
}

impl Endpoint {
    /// Whether the endpoint takes a JSON body.
    pub const fn has_body(&self) -> bool {
        self.sdk_model.is_some()
    }

    /// The values of the template's parameters in `path` (relative to the account, no query), in template
    /// order; `None` when `path` is not this endpoint's shape.
    pub fn match_path<'p>(&self, path: &'p str) -> Option<Vec<(&'static PathParam, &'p str)>> {
        let template: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        let given: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if template.len() != given.len() {
            return None;
        }
        let mut out = Vec::new();
        for (t, g) in template.iter().zip(&given) {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) => out.push((self.path_params.iter().find(|p| p.name == name)?, *g)),
                None if t == g => {}
                None => return None,
            }
        }
        Some(out)
    }

    /// The path with each `{param}` replaced by the given value (missing ones stay as the placeholder).
    pub fn fill(&self, values: &[(&str, &str)]) -> String {
        let mut path = self.path.to_owned();
        for (name, value) in values {
            path = path.replace(&format!("{{{name}}}"), value);
        }
        path
    }
}

/// Where a body is wrong, for the console to show inline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The JSON pointer of the field (`/playBeep`), `""` for the body as a whole.
    pub pointer: String,
    /// What is wrong and what to do, as the server would answer it.
    pub message: String,
}

/// Checks `json_text` as the body of `endpoint` before it is sent, with the router's own body reader: every
/// field it refuses, each once. An empty text is an empty object (as the server reads it). An endpoint without
/// a body refuses any non-blank text (the server would ignore it).
pub fn check_body(endpoint: &Endpoint, json_text: &str) -> Vec<Problem> {
    let Some(read) = endpoint.operation.body_reader() else {
        if json_text.trim().is_empty() {
            return Vec::new();
        }
        return vec![Problem {
            pointer: String::new(),
            message: format!(
                "{} {} takes no body; leave it empty (the server ignores a body here)",
                endpoint.method.as_str(),
                endpoint.path
            ),
        }];
    };
    // The reader stops at the first problem; to show them all, drop each refused field and read again. A
    // missing field cannot be dropped, so it ends the walk (it is reported, and there is nothing left to try).
    let mut problems: Vec<Problem> = Vec::new();
    let mut object = match serde_json::from_str::<Value>(json_text) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    };
    let mut text = json_text.as_bytes().to_vec();
    for _ in 0..=endpoint.body.len() + object.as_ref().map_or(0, |o| o.len()) {
        let Err(e) = read(&text) else { break };
        let pointer = e
            .details
            .get("pointer")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if !problems.iter().any(|p| p.pointer == pointer) {
            problems.push(Problem {
                pointer: pointer.clone(),
                message: e.message,
            });
        }
        let key = pointer
            .strip_prefix('/')
            .map(|k| k.replace("~1", "/").replace("~0", "~"));
        let removed = match (&mut object, key) {
            (Some(map), Some(key)) => map.remove(&key).is_some(),
            _ => false,
        };
        if !removed {
            break;
        }
        text = object
            .as_ref()
            .and_then(|map| serde_json::to_vec(map).ok())
            .unwrap_or_default();
    }
    problems
}

/// The endpoint `method` and `path` (relative to the account, without query) name, with its path parameters'
/// values; `None` when no endpoint has that shape.
pub fn find(
    method: Method,
    path: &str,
) -> Option<(&'static Endpoint, Vec<(&'static PathParam, &str)>)> {
    ENDPOINTS
        .iter()
        .filter(|e| e.method == method)
        .find_map(|e| e.match_path(path).map(|values| (e, values)))
}

/// The conference statuses a list may filter on (equal to `ConferenceStatus::ALL`, tested).
pub const CONFERENCE_STATUSES: &[&str] = &["empty", "populated", "inProgress", "terminated"];

/// The call statuses a list may filter on (equal to `CallStatus::ALL`, tested).
pub const CALL_STATUSES: &[&str] = &[
    "queued",
    "ringing",
    "inProgress",
    "canceled",
    "completed",
    "busy",
    "failed",
    "noAnswer",
];

const CONFERENCE_ID: PathParam = PathParam {
    name: "conferenceId",
    sdk_name: "conference_id",
    id: IdKind::Conference,
};
const CALL_ID: PathParam = PathParam {
    name: "callId",
    sdk_name: "call_id",
    id: IdKind::Call,
};
const RECORDING_ID: PathParam = PathParam {
    name: "recordingId",
    sdk_name: "recording_id",
    id: IdKind::Recording,
};
const APPLICATION_ID: PathParam = PathParam {
    name: "applicationId",
    sdk_name: "application_id",
    id: IdKind::Application,
};
const PHONE_NUMBER_ID: PathParam = PathParam {
    name: "phoneNumberId",
    sdk_name: "phone_number_id",
    id: IdKind::PhoneNumber,
};

const fn q(
    name: &'static str,
    sdk_name: &'static str,
    ty: ValueType,
    summary: &'static str,
) -> QueryParam {
    QueryParam {
        name,
        sdk_name: Some(sdk_name),
        ty,
        id: None,
        repeats: false,
        summary,
    }
}

const fn q_id(
    name: &'static str,
    sdk_name: &'static str,
    id: IdKind,
    summary: &'static str,
) -> QueryParam {
    QueryParam {
        id: Some(id),
        ..q(name, sdk_name, ValueType::String, summary)
    }
}

const CURSOR: QueryParam = QueryParam {
    name: "cursor",
    sdk_name: None,
    ty: ValueType::String,
    id: None,
    repeats: false,
    summary: "the next page: copy it unchanged from a list's nextPageUri and send it alone (it is opaque and carries the list's filters)",
};

const CALL_ID_FILTER: QueryParam =
    q_id("callId", "call_id", IdKind::Call, "recordings of this call");
const DATE_CREATED: QueryParam = q(
    "dateCreated",
    "date_created",
    ValueType::Date,
    "created on this day (UTC)",
);
const START_TIME: QueryParam = q(
    "startTime",
    "start_time",
    ValueType::Time,
    "started at or after this instant (UTC)",
);
const END_TIME: QueryParam = q(
    "endTime",
    "end_time",
    ValueType::Time,
    "ended at or before this instant (UTC)",
);

const fn f(
    name: &'static str,
    sdk_name: &'static str,
    ty: ValueType,
    required: bool,
    summary: &'static str,
) -> BodyField {
    BodyField {
        name,
        sdk_name,
        ty,
        required,
        id: None,
        summary,
    }
}

const PLAY_BEEP: ValueType = ValueType::Enum {
    values: PLAY_BEEP_NAMES,
    sdk_enum: Some("PlayBeep"),
};
const ALIAS: BodyField = f(
    "alias",
    "alias",
    ValueType::String,
    false,
    "a name the application chooses, at most 64 characters",
);

/// Every endpoint the engine serves, in the order of FreeClimb's reference (account, conferences, calls,
/// recordings).
pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        operation: Operation::GetAccount,
        method: Method::Get,
        path: "/",
        summary: "Get the account",
        path_params: &[],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "get_an_account",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::CreateConference,
        method: Method::Post,
        path: "/Conferences",
        summary: "Create a conference",
        path_params: &[],
        query: &[],
        body: &[
            ALIAS,
            f(
                "playBeep",
                "play_beep",
                PLAY_BEEP,
                false,
                "when to beep as participants enter and leave (default always)",
            ),
            f(
                "record",
                "record",
                ValueType::Boolean,
                false,
                "record the conference (default false)",
            ),
            f(
                "waitUrl",
                "wait_url",
                ValueType::Url,
                false,
                "audio to play while the conference waits for a second participant",
            ),
            f(
                "statusCallbackUrl",
                "status_callback_url",
                ValueType::Url,
                true,
                "receives the conference's status changes (required since SDK 5.1.1)",
            ),
        ],
        body_rule: None,
        example_body: Some(
            r#"{"alias":"standup","playBeep":"always","statusCallbackUrl":"https://app.test/status"}"#,
        ),
        sdk_method: "create_a_conference",
        sdk_model: Some("CreateConferenceRequest"),
    },
    Endpoint {
        operation: Operation::ListConferences,
        method: Method::Get,
        path: "/Conferences",
        summary: "List conferences",
        path_params: &[],
        query: &[
            q(
                "status",
                "status",
                ValueType::Enum {
                    values: CONFERENCE_STATUSES,
                    sdk_enum: None,
                },
                "conferences in this status",
            ),
            q(
                "alias",
                "alias",
                ValueType::String,
                "conferences with exactly this alias",
            ),
            DATE_CREATED,
            q(
                "dateUpdated",
                "date_updated",
                ValueType::Date,
                "last changed on this day (UTC)",
            ),
            CURSOR,
        ],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "list_conferences",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::GetConference,
        method: Method::Get,
        path: "/Conferences/{conferenceId}",
        summary: "Get a conference",
        path_params: &[CONFERENCE_ID],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "get_a_conference",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::UpdateConference,
        method: Method::Post,
        path: "/Conferences/{conferenceId}",
        summary: "Update a conference (alias, beep, or end it: status empty or terminated)",
        path_params: &[CONFERENCE_ID],
        query: &[],
        body: &[
            ALIAS,
            f(
                "playBeep",
                "play_beep",
                PLAY_BEEP,
                false,
                "when to beep from now on",
            ),
            f(
                "status",
                "status",
                ValueType::Enum {
                    values: &UpdateConferenceStatus::NAMES,
                    sdk_enum: Some("UpdateConferenceRequestStatus"),
                },
                false,
                "empty: unbridge everyone, the conference stays; terminated: hang everyone up, for good",
            ),
        ],
        body_rule: None,
        example_body: Some(r#"{"status":"terminated"}"#),
        sdk_method: "update_a_conference",
        sdk_model: Some("UpdateConferenceRequest"),
    },
    Endpoint {
        operation: Operation::ListParticipants,
        method: Method::Get,
        path: "/Conferences/{conferenceId}/Participants",
        summary: "List a conference's participants",
        path_params: &[CONFERENCE_ID],
        query: &[
            q(
                "talk",
                "talk",
                ValueType::Boolean,
                "participants who may (or may not) talk",
            ),
            q(
                "listen",
                "listen",
                ValueType::Boolean,
                "participants who may (or may not) listen",
            ),
            q(
                "dtmfPassThrough",
                "dtmf_pass_through",
                ValueType::Boolean,
                "participants whose key presses are (or are not) heard",
            ),
            CURSOR,
        ],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "list_participants",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::GetParticipant,
        method: Method::Get,
        path: "/Conferences/{conferenceId}/Participants/{callId}",
        summary: "Get a participant",
        path_params: &[CONFERENCE_ID, CALL_ID],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "get_a_participant",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::UpdateParticipant,
        method: Method::Post,
        path: "/Conferences/{conferenceId}/Participants/{callId}",
        summary: "Update a participant's privileges (talk, listen, DTMF pass-through)",
        path_params: &[CONFERENCE_ID, CALL_ID],
        query: &[],
        body: &[
            f(
                "talk",
                "talk",
                ValueType::Boolean,
                false,
                "whether the others hear them",
            ),
            f(
                "listen",
                "listen",
                ValueType::Boolean,
                false,
                "whether they hear the others",
            ),
            f(
                "dtmfPassThrough",
                "dtmf_pass_through",
                ValueType::Boolean,
                false,
                "whether the others hear their key presses",
            ),
        ],
        body_rule: None,
        example_body: Some(r#"{"talk":false}"#),
        sdk_method: "update_a_participant",
        sdk_model: Some("UpdateConferenceParticipantRequest"),
    },
    Endpoint {
        operation: Operation::RemoveParticipant,
        method: Method::Delete,
        path: "/Conferences/{conferenceId}/Participants/{callId}",
        summary: "Remove a participant from a conference (the call goes on)",
        path_params: &[CONFERENCE_ID, CALL_ID],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "remove_a_participant",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::ListConferenceRecordings,
        method: Method::Get,
        path: "/Conferences/{conferenceId}/Recordings",
        summary: "List a conference's recordings",
        path_params: &[CONFERENCE_ID],
        query: &[CALL_ID_FILTER, DATE_CREATED, START_TIME, END_TIME, CURSOR],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "list_conference_recordings",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::MakeCall,
        method: Method::Post,
        path: "/Calls",
        summary: "Make an outbound call",
        path_params: &[],
        query: &[],
        body: &[
            f(
                "from",
                "var_from",
                ValueType::PhoneNumber,
                true,
                "the caller id, a number the account owns",
            ),
            f(
                "to",
                "to",
                ValueType::PhoneNumber,
                true,
                "the number to dial",
            ),
            BodyField {
                id: Some(IdKind::Application),
                ..f(
                    "applicationId",
                    "application_id",
                    ValueType::String,
                    false,
                    "the application whose callConnectUrl answers the call",
                )
            },
            f(
                "callConnectUrl",
                "call_connect_url",
                ValueType::Url,
                false,
                "where FreeClimb fetches the call's PerCL when it connects",
            ),
            BodyField {
                id: Some(IdKind::Call),
                ..f(
                    "parentCallId",
                    "parent_call_id",
                    ValueType::String,
                    false,
                    "the call this one is made from (its PerCL app is used)",
                )
            },
            f(
                "sendDigits",
                "send_digits",
                ValueType::Digits,
                false,
                "digits to press once answered",
            ),
            f(
                "ifMachine",
                "if_machine",
                ValueType::Enum {
                    values: IfMachine::NAMES,
                    // The SDK has an IfMachine enum, but MakeCallRequest.if_machine is a plain string.
                    sdk_enum: None,
                },
                false,
                "what to do when a machine answers",
            ),
            f(
                "ifMachineUrl",
                "if_machine_url",
                ValueType::Url,
                false,
                "the PerCL to run when a machine answers (exactly when ifMachine is redirect)",
            ),
            f(
                "timeout",
                "timeout",
                ValueType::Integer,
                false,
                "ring time in seconds (default 30)",
            ),
            f(
                "privacyMode",
                "privacy_mode",
                ValueType::Boolean,
                false,
                "hide the call's details in logs",
            ),
        ],
        body_rule: Some("one of applicationId, callConnectUrl or parentCallId is required"),
        example_body: Some(
            r#"{"from":"+15550100000","to":"+15550122222","callConnectUrl":"https://app.test/connect"}"#,
        ),
        sdk_method: "make_a_call",
        sdk_model: Some("MakeCallRequest"),
    },
    Endpoint {
        operation: Operation::ListCalls,
        method: Method::Get,
        path: "/Calls",
        summary: "List calls",
        path_params: &[],
        query: &[
            q(
                "active",
                "active",
                ValueType::Boolean,
                "true: only calls queued, ringing or in progress",
            ),
            q("to", "to", ValueType::PhoneNumber, "calls to this number"),
            q(
                "from",
                "var_from",
                ValueType::PhoneNumber,
                "calls from this number",
            ),
            q(
                "status",
                "status",
                ValueType::Enum {
                    values: CALL_STATUSES,
                    sdk_enum: Some("CallStatus"),
                },
                "calls in this status",
            ),
            START_TIME,
            END_TIME,
            q_id(
                "parentCallId",
                "parent_call_id",
                IdKind::Call,
                "calls made from this call",
            ),
            QueryParam {
                repeats: true,
                ..q_id(
                    "applicationId",
                    "application_id",
                    IdKind::Application,
                    "calls of any of these applications (repeat the parameter)",
                )
            },
            q(
                "riskScoreMin",
                "risk_score_min",
                ValueType::Integer,
                "accepted; the sandbox scores no call, so it keeps every call",
            ),
            q(
                "riskScoreMax",
                "risk_score_max",
                ValueType::Integer,
                "accepted; keeps every call, as riskScoreMin",
            ),
            q(
                "webRTC",
                "web_rtc",
                ValueType::Boolean,
                "true: only WebRTC calls (the sandbox has none)",
            ),
            q(
                "usedAudioStream",
                "used_audio_stream",
                ValueType::Boolean,
                "true: only calls that streamed audio",
            ),
            CURSOR,
        ],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "list_calls",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::GetCall,
        method: Method::Get,
        path: "/Calls/{callId}",
        summary: "Get a call",
        path_params: &[CALL_ID],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "get_a_call",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::UpdateCall,
        method: Method::Post,
        path: "/Calls/{callId}",
        summary: "Hang up a live call (status canceled or completed)",
        path_params: &[CALL_ID],
        query: &[],
        body: &[f(
            "status",
            "status",
            ValueType::Enum {
                values: &UpdateCallStatus::NAMES,
                sdk_enum: Some("UpdateCallRequestStatus"),
            },
            true,
            "canceled: hang up a queued or ringing call; completed: hang up a call in progress",
        )],
        body_rule: None,
        example_body: Some(r#"{"status":"completed"}"#),
        sdk_method: "update_a_live_call",
        sdk_model: Some("UpdateCallRequest"),
    },
    Endpoint {
        operation: Operation::ListCallRecordings,
        method: Method::Get,
        path: "/Calls/{callId}/Recordings",
        summary: "List a call's recordings",
        path_params: &[CALL_ID],
        query: &[DATE_CREATED, START_TIME, END_TIME, CURSOR],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "list_call_recordings",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::ListCallLogs,
        method: Method::Get,
        path: "/Calls/{callId}/Logs",
        summary: "List a call's logs (created, answered, ended)",
        path_params: &[CALL_ID],
        query: &[CURSOR],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "list_call_logs",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::ListApplications,
        method: Method::Get,
        path: "/Applications",
        summary: "List applications (read-only: the scenario's)",
        path_params: &[],
        query: &[
            q(
                "alias",
                "alias",
                ValueType::String,
                "applications with exactly this alias",
            ),
            CURSOR,
        ],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "list_applications",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::GetApplication,
        method: Method::Get,
        path: "/Applications/{applicationId}",
        summary: "Get an application",
        path_params: &[APPLICATION_ID],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "get_an_application",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::ListIncomingNumbers,
        method: Method::Get,
        path: "/IncomingPhoneNumbers",
        summary: "List the account's phone numbers (read-only: the scenario's)",
        path_params: &[],
        query: &[
            q(
                "phoneNumber",
                "phone_number",
                ValueType::String,
                "numbers containing this (the sandbox matches a plain substring, not a regular expression)",
            ),
            q(
                "alias",
                "alias",
                ValueType::String,
                "numbers with exactly this alias",
            ),
            q(
                "region",
                "region",
                ValueType::String,
                "numbers of this state or province (the sandbox's have none)",
            ),
            q(
                "country",
                "country",
                ValueType::String,
                "numbers of this country (the sandbox's have none)",
            ),
            q_id(
                "applicationId",
                "application_id",
                IdKind::Application,
                "numbers pointing at this application",
            ),
            q(
                "hasApplication",
                "has_application",
                ValueType::Boolean,
                "whether the number has an application (every sandbox number has one)",
            ),
            q(
                "hasCampaign",
                "has_campaign",
                ValueType::Boolean,
                "whether the number has a campaign (no sandbox number has one)",
            ),
            q(
                "tfn.campaignId",
                "tfn_campaign_id",
                ValueType::String,
                "numbers of this toll-free campaign (the sandbox has none)",
            ),
            q(
                "offnet",
                "offnet",
                ValueType::Boolean,
                "whether the number is offnet (no sandbox number is)",
            ),
            CURSOR,
        ],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "list_incoming_numbers",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::GetIncomingNumber,
        method: Method::Get,
        path: "/IncomingPhoneNumbers/{phoneNumberId}",
        summary: "Get one of the account's phone numbers",
        path_params: &[PHONE_NUMBER_ID],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "get_an_incoming_number",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::ListRecordings,
        method: Method::Get,
        path: "/Recordings",
        summary: "List recordings",
        path_params: &[],
        query: &[
            CALL_ID_FILTER,
            q_id(
                "conferenceId",
                "conference_id",
                IdKind::Conference,
                "recordings of this conference",
            ),
            DATE_CREATED,
            START_TIME,
            END_TIME,
            CURSOR,
        ],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "list_recordings",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::GetRecording,
        method: Method::Get,
        path: "/Recordings/{recordingId}",
        summary: "Get a recording",
        path_params: &[RECORDING_ID],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "get_a_recording",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::DeleteRecording,
        method: Method::Delete,
        path: "/Recordings/{recordingId}",
        summary: "Delete a recording",
        path_params: &[RECORDING_ID],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "delete_a_recording",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::StreamRecording,
        method: Method::Get,
        path: "/Recordings/{recordingId}/Stream",
        summary: "Stream a recording's audio (audio/wav)",
        path_params: &[RECORDING_ID],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "stream_a_recording_file",
        sdk_model: None,
    },
    Endpoint {
        operation: Operation::DownloadRecording,
        method: Method::Get,
        path: "/Recordings/{recordingId}/Download",
        summary: "Download a recording's audio (audio/wav)",
        path_params: &[RECORDING_ID],
        query: &[],
        body: &[],
        body_rule: None,
        example_body: None,
        sdk_method: "download_a_recording_file",
        sdk_model: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::query::RecordingScope;
    use crate::api::{CallFilter, ConferenceFilter, ParticipantFilter, RecordingFilter};
    use crate::conference::ConferenceStatus;
    use crate::wire::CallStatus;

    /// The query parameters the router reads for `operation` (without `cursor`), for the drift tests.
    fn router_params(operation: Operation) -> &'static [&'static str] {
        match operation {
            Operation::ListConferences => &ConferenceFilter::PARAMS,
            Operation::ListParticipants => &ParticipantFilter::PARAMS,
            Operation::ListCalls => &CallFilter::PARAMS,
            Operation::ListRecordings => RecordingFilter::params(RecordingScope::Account),
            Operation::ListConferenceRecordings => {
                RecordingFilter::params(RecordingScope::Conference)
            }
            Operation::ListCallRecordings => RecordingFilter::params(RecordingScope::Call),
            Operation::ListApplications => &crate::api::ApplicationFilter::PARAMS,
            Operation::ListIncomingNumbers => &crate::api::IncomingNumberFilter::PARAMS,
            _ => &[],
        }
    }

    #[test]
    fn every_operation_has_exactly_one_endpoint_and_one_method_path() {
        for e in ENDPOINTS {
            let same_op = ENDPOINTS
                .iter()
                .filter(|o| o.operation == e.operation)
                .count();
            assert_eq!(
                same_op, 1,
                "{:?} is catalogued {same_op} times",
                e.operation
            );
            let same_route = ENDPOINTS
                .iter()
                .filter(|o| o.method == e.method && o.path == e.path)
                .count();
            assert_eq!(
                same_route,
                1,
                "{} {} is catalogued twice",
                e.method.as_str(),
                e.path
            );
            assert_eq!(e.operation.endpoint(), e);
            assert_eq!(
                e.has_body(),
                e.operation.body_reader().is_some(),
                "{:?}",
                e.operation
            );
            assert_eq!(e.has_body(), !e.body.is_empty(), "{:?}", e.operation);
            assert_eq!(e.has_body(), e.example_body.is_some(), "{:?}", e.operation);
            let placeholders = e.path.matches('{').count();
            assert_eq!(placeholders, e.path_params.len(), "{}", e.path);
            for p in e.path_params {
                assert!(
                    e.path.contains(&format!("{{{}}}", p.name)),
                    "{} lacks {}",
                    e.path,
                    p.name
                );
            }
        }
    }

    #[test]
    fn query_parameters_are_the_filters_own() {
        for e in ENDPOINTS {
            let mut names: Vec<&str> = e.query.iter().map(|q| q.name).collect();
            let mut want: Vec<&str> = router_params(e.operation).to_vec();
            // Every list takes a cursor (the call logs take nothing else).
            if format!("{:?}", e.operation).starts_with("List") {
                want.push("cursor");
            }
            names.sort_unstable();
            want.sort_unstable();
            assert_eq!(names, want, "{} {}", e.method.as_str(), e.path);
        }
    }

    #[test]
    fn enum_values_are_the_wire_enums() {
        let conf: Vec<&str> = ConferenceStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(conf, CONFERENCE_STATUSES);
        let call: Vec<&str> = CallStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(call, CALL_STATUSES);
    }

    #[test]
    fn body_fields_are_the_readers_own() {
        // The reader lists what it knows when it refuses an unknown field.
        for e in ENDPOINTS.iter().filter(|e| e.has_body()) {
            let problems = check_body(e, r#"{"zzzUnknown": 1}"#);
            let reader = e
                .operation
                .body_reader()
                .map(|r| r(br#"{"zzzUnknown": 1}"#));
            let Some(Err(err)) = reader else {
                panic!("{:?} accepted an unknown field", e.operation)
            };
            let mut known: Vec<&str> = err.details["expected"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut ours: Vec<&str> = e.body.iter().map(|f| f.name).collect();
            known.sort_unstable();
            ours.sort_unstable();
            assert_eq!(ours, known, "{:?}", e.operation);
            assert_eq!(problems[0].pointer, "/zzzUnknown");
        }
    }

    #[test]
    fn examples_check_clean_and_problems_are_all_listed() {
        for e in ENDPOINTS {
            let example = e.example_body.unwrap_or("");
            assert_eq!(check_body(e, example), [], "{:?}", e.operation);
        }
        let create = Operation::CreateConference.endpoint();
        let problems = check_body(
            create,
            r#"{"alias": 5, "playBeep": "Always", "recrod": true, "statusCallbackUrl": "ftp://x"}"#,
        );
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/recrod", "/alias", "/playBeep", "/statusCallbackUrl"],
            "{problems:#?}"
        );
        assert!(problems[0].message.contains("record"), "{problems:#?}");
        assert!(problems[2].message.contains("always"), "{problems:#?}");
        let missing = check_body(create, "{}");
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].pointer, "/statusCallbackUrl");
        let broken = check_body(create, "{\"alias\": ");
        assert_eq!(broken.len(), 1);
        assert_eq!(broken[0].pointer, "");
        let not_object = check_body(create, "[1]");
        assert_eq!(not_object.len(), 1);
        assert_eq!(check_body(Operation::GetCall.endpoint(), "{}").len(), 1);
        assert_eq!(check_body(Operation::GetCall.endpoint(), " \n"), []);
    }

    #[test]
    fn find_matches_templates() {
        let (e, values) = find(Method::Delete, "/Conferences/CF1/Participants/CA2").unwrap();
        assert_eq!(e.operation, Operation::RemoveParticipant);
        let values: Vec<(&str, &str)> = values.iter().map(|(p, v)| (p.name, *v)).collect();
        assert_eq!(values, [("conferenceId", "CF1"), ("callId", "CA2")]);
        assert_eq!(e.fill(&values), "/Conferences/CF1/Participants/CA2");
        assert_eq!(
            find(Method::Get, "/").unwrap().0.operation,
            Operation::GetAccount
        );
        assert!(find(Method::Post, "/Recordings").is_none());
        assert!(find(Method::Get, "/Conferences/CF1/Nope").is_none());
    }
}
