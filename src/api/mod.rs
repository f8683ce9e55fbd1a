//! The simulated FreeClimb REST API (reference §1): requests routed into typed [`ApiRequest`]s, FreeClimb's
//! result shapes built from the engine's plain views, pagination, and errors in FreeClimb's shape. Pure and
//! deterministic: the engine executes the requests against its state.
//!
//! Flow: the driver builds an [`HttpRequest`]; [`auth::check`] checks its credentials; [`parse`] routes it and
//! reads its query and body; the engine matches on the [`ApiRequest`], builds views ([`view`]), filters them
//! (`filter.matches`), pages them ([`page::paginate`]) and answers with [`resource`]'s result types through
//! [`ApiResponse`] (success code: [`ApiRequest::success_status`]), or with an [`ApiError`]
//! (`ConferenceError` converts with `?`).
//!
//! Where the scenario omits things: an `api` step's path is relative to `/Accounts/{accountId}` and carries no
//! credentials; the scenario runner prefixes the path and adds [`auth::basic_header`] (see [`auth`]).

pub mod auth;
pub mod body;
pub mod catalog;
pub mod console;
pub mod date;
pub mod error;
pub mod page;
pub mod query;
pub mod resource;
mod route;
pub mod snippet;
pub mod view;

pub use body::{
    CreateConference, MakeCall, UpdateCallStatus, UpdateConference, UpdateConferenceStatus,
};
pub use error::ApiError;
pub use page::PageRequest;
pub use query::{
    ApplicationFilter, CallFilter, ConferenceFilter, IncomingNumberFilter, ParticipantFilter,
    RecordingFilter,
};
pub use route::parse;

use crate::conference::ParticipantUpdate;
use serde_json::Value;

/// An HTTP request as a driver hands it over: plain strings and bytes, no I/O.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, `DELETE` (case-sensitive, as HTTP methods are).
    pub method: String,
    /// The path, from the API root: `/Accounts/AC…/Conferences`.
    pub path: String,
    /// The raw query string, without `?` (percent-encoded).
    pub query: String,
    /// Header names and values, in order (names are matched case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The body bytes (JSON for POSTs; may be empty).
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// A request for `target` (a path with an optional `?query`), with no headers.
    pub fn new(method: &str, target: &str, body: impl Into<Vec<u8>>) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        HttpRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The same request with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// Which recording file endpoint: both answer `audio/wav`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordingFileKind {
    /// `GET /Recordings/{id}/Stream`.
    Stream,
    /// `GET /Recordings/{id}/Download`.
    Download,
}

/// A routed, well-formed REST request: what the engine executes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiRequest {
    /// `GET /Accounts/{accountId}`.
    GetAccount,
    /// `POST /Conferences` → 200 `ConferenceResult`.
    CreateConference(CreateConference),
    /// `GET /Conferences` → `ConferenceList`.
    ListConferences {
        /// Filters.
        filter: ConferenceFilter,
        /// Page.
        page: PageRequest,
    },
    /// `GET /Conferences/{conferenceId}` → `ConferenceResult`.
    GetConference {
        /// The conference.
        conference_id: String,
    },
    /// `POST /Conferences/{conferenceId}` → 204.
    UpdateConference {
        /// The conference.
        conference_id: String,
        /// What to change.
        update: UpdateConference,
    },
    /// `GET /Conferences/{conferenceId}/Participants` → `ConferenceParticipantList`.
    ListParticipants {
        /// The conference.
        conference_id: String,
        /// Filters.
        filter: ParticipantFilter,
        /// Page.
        page: PageRequest,
    },
    /// `GET /Conferences/{conferenceId}/Participants/{callId}` → `ConferenceParticipantResult`.
    GetParticipant {
        /// The conference.
        conference_id: String,
        /// The participant's call.
        call_id: String,
    },
    /// `POST /Conferences/{conferenceId}/Participants/{callId}` → 200 `ConferenceParticipantResult`.
    UpdateParticipant {
        /// The conference.
        conference_id: String,
        /// The participant's call.
        call_id: String,
        /// New privileges.
        update: ParticipantUpdate,
    },
    /// `DELETE /Conferences/{conferenceId}/Participants/{callId}` → 204.
    RemoveParticipant {
        /// The conference.
        conference_id: String,
        /// The participant's call.
        call_id: String,
    },
    /// `GET /Conferences/{conferenceId}/Recordings` → `RecordingList`.
    ListConferenceRecordings {
        /// The conference.
        conference_id: String,
        /// Filters.
        filter: RecordingFilter,
        /// Page.
        page: PageRequest,
    },
    /// `POST /Calls` → 202 `CallResult`.
    MakeCall(MakeCall),
    /// `GET /Calls` → `CallList`.
    ListCalls {
        /// Filters.
        filter: CallFilter,
        /// Page.
        page: PageRequest,
    },
    /// `GET /Calls/{callId}` → `CallResult`.
    GetCall {
        /// The call.
        call_id: String,
    },
    /// `POST /Calls/{callId}` → 202, no body.
    UpdateCall {
        /// The call.
        call_id: String,
        /// `canceled` or `completed`.
        status: UpdateCallStatus,
    },
    /// `GET /Calls/{callId}/Logs` → `LogList`: what the engine knows of the call, newest first.
    ListCallLogs {
        /// The call.
        call_id: String,
        /// Page.
        page: PageRequest,
    },
    /// `GET /Applications` → `ApplicationList` (read-only: the scenario defines them).
    ListApplications {
        /// Filters.
        filter: ApplicationFilter,
        /// Page.
        page: PageRequest,
    },
    /// `GET /Applications/{applicationId}` → `ApplicationResult`.
    GetApplication {
        /// The application.
        application_id: String,
    },
    /// `GET /IncomingPhoneNumbers` → `IncomingNumberList` (read-only: the scenario defines them).
    ListIncomingNumbers {
        /// Filters.
        filter: IncomingNumberFilter,
        /// Page.
        page: PageRequest,
    },
    /// `GET /IncomingPhoneNumbers/{phoneNumberId}` → `IncomingNumberResult`.
    GetIncomingNumber {
        /// The number.
        phone_number_id: String,
    },
    /// `GET /Calls/{callId}/Recordings` → `RecordingList`.
    ListCallRecordings {
        /// The call.
        call_id: String,
        /// Filters.
        filter: RecordingFilter,
        /// Page.
        page: PageRequest,
    },
    /// `GET /Recordings` → `RecordingList`.
    ListRecordings {
        /// Filters.
        filter: RecordingFilter,
        /// Page.
        page: PageRequest,
    },
    /// `GET /Recordings/{recordingId}` → `RecordingResult`.
    GetRecording {
        /// The recording.
        recording_id: String,
    },
    /// `DELETE /Recordings/{recordingId}` → 204.
    DeleteRecording {
        /// The recording.
        recording_id: String,
    },
    /// `GET /Recordings/{recordingId}/Stream` or `/Download` → 200 `audio/wav`: a marker; the engine answers it
    /// (the WAV bytes are not JSON, so they are not an [`ApiResponse`] body).
    RecordingFile {
        /// The recording.
        recording_id: String,
        /// Stream or download.
        kind: RecordingFileKind,
    },
}

impl ApiRequest {
    /// The HTTP status of success, exactly as FreeClimb's spec and SDK 5.4.1 map it (the SDK decodes a body
    /// only under this status): create conference 200, make call 202, update conference 204, update
    /// participant 200, remove participant 204, update call 202, delete recording 204, every GET 200.
    pub const fn success_status(&self) -> u16 {
        match self {
            ApiRequest::MakeCall(_) | ApiRequest::UpdateCall { .. } => 202,
            ApiRequest::UpdateConference { .. }
            | ApiRequest::RemoveParticipant { .. }
            | ApiRequest::DeleteRecording { .. } => 204,
            _ => 200,
        }
    }
}

/// A REST answer: the HTTP status and the JSON body (`None` for 204 and 202-without-body).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiResponse {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: Option<Value>,
}

impl ApiResponse {
    /// A success with a result body (any of [`resource`]'s types).
    pub fn with<T: serde::Serialize>(status: u16, result: &T) -> Self {
        ApiResponse {
            status,
            body: Some(serde_json::to_value(result).unwrap_or(Value::Null)),
        }
    }

    /// A success without a body (204, or 202 for a call update).
    pub const fn empty(status: u16) -> Self {
        ApiResponse { status, body: None }
    }

    /// The success of `request`: its [`ApiRequest::success_status`] with `result` as the body.
    pub fn success<T: serde::Serialize>(request: &ApiRequest, result: &T) -> Self {
        Self::with(request.success_status(), result)
    }
}

impl From<ApiError> for ApiResponse {
    fn from(e: ApiError) -> Self {
        ApiResponse {
            status: e.status,
            body: Some(e.body()),
        }
    }
}

#[cfg(test)]
mod tests;
