//! REST errors as FreeClimb sends them: an HTTP status plus the body `{"code","message","url","details"}`
//! (reference §1.7).
//!
//! Which code for which case. FreeClimb's error dictionary was not found, so conflab uses the codes the spec
//! examples and the CLI's hint table tie to each case (reference §1.7); the choice is conflab's:
//!
//! | case | HTTP | code |
//! |---|---|---|
//! | unknown route | 404 | 1 Not Found |
//! | wrong method on a known route | 405 | 2 Method Not Allowed |
//! | body or query that is not what the endpoint takes | 400 | 9 (the CLI's hint: "check formatting") |
//! | a required field or parameter is missing | 400 | 80 Missing Required Parameter(s) |
//! | no or wrong credentials | 401 | 50 Unauthorized To Make Request |
//! | a path naming another account | 403 | 50 |
//! | unknown call | 404 | 1 |
//! | unknown conference, or a call that is not its participant | 404 | 66 (the CLI's hint: a typo in conferenceId or callId) |
//! | unknown recording | 404 | 68 (the CLI's hint: recordingId) |
//! | conference terminated, or not in a status that allows it | 409 | 108 ResourceConflict |
//! | call already in a conference | 409 | 56 (the CLI's hint: wait until the call is no longer in a conference) |
//! | conference id reused | 409 | 61 (the CLI's hint: resource ID reuse) |
//! | trial account calling an unverified number | 400 | 29 (Decisions table) |
//! | an update of a call that has ended | 404 | 17 (the docs: a POST on a finished call can return 404) |
//! | Make a Call `from` the account does not own | 400 | 46 (the CLI's hint: "Check if your account owns the number"; spec `MakeCallRequest.from`) |
//! | a `cursor` that is not one conflab wrote for this list | 400 | 9 |
//! | unknown application | 404 | 1 |
//! | unknown incoming phone number | 404 | 1 |
//!
//! `message` is written for a learner: what is wrong and what to do. `details` carries the same facts as
//! fields (the JSON pointer of a bad body field, the parameter, what was expected and found).

use crate::conference::ConferenceError;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::fmt;

/// Where FreeClimb documents its error codes; each error's `url` is this plus `#code`.
pub const ERROR_DICTIONARY_URL: &str =
    "https://docs.freeclimb.com/reference/error-and-warning-dictionary";

/// A refused REST request: the HTTP status, and the body FreeClimb sends with it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiError {
    /// The HTTP status (400, 401, 403, 404, 405, 409).
    #[serde(skip)]
    pub status: u16,
    /// FreeClimb's platform error code.
    pub code: u32,
    /// What is wrong and how to fix it.
    pub message: String,
    /// The error dictionary entry for `code`.
    pub url: String,
    /// The facts behind the message, as fields (always an object).
    pub details: Map<String, Value>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} (code {}): {}",
            self.status, self.code, self.message
        )
    }
}

impl std::error::Error for ApiError {}

fn details(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

impl ApiError {
    /// An error with the given status, code, message and details (an object; anything else becomes `{}`).
    pub fn new(status: u16, code: u32, message: impl Into<String>, detail: Value) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            url: format!("{ERROR_DICTIONARY_URL}#{code}"),
            details: details(detail),
        }
    }

    /// The JSON body: `{"code","message","url","details"}`.
    pub fn body(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// 404 for a path that is no endpoint.
    pub fn unknown_route(method: &str, path: &str, hint: Option<String>) -> Self {
        let mut message = format!("no endpoint {method} {path}");
        match &hint {
            Some(h) => {
                message.push_str("; ");
                message.push_str(h);
            }
            None => message.push_str(
                "; the endpoints are /Conferences, /Calls, /Recordings, /Applications and /IncomingPhoneNumbers under /Accounts/{accountId} (reference §1.2)",
            ),
        }
        ApiError::new(404, 1, message, json!({"method": method, "path": path}))
    }

    /// 405 for a known path with a method it does not take.
    pub fn method_not_allowed(method: &str, path: &str, allowed: &[&str]) -> Self {
        ApiError::new(
            405,
            2,
            format!(
                "{path} does not take {method}; use {}",
                allowed.join(" or ")
            ),
            json!({"method": method, "path": path, "allowed": allowed}),
        )
    }

    /// 400 for a body that is not JSON at all; `line` and `column` (1-based) place the problem.
    pub fn invalid_json(problem: &str, line: usize, column: usize) -> Self {
        ApiError::new(
            400,
            9,
            format!(
                "the request body is not valid JSON ({problem}); send a JSON object with Content-Type: application/json"
            ),
            json!({"pointer": "", "expected": "a JSON object", "line": line, "column": column}),
        )
    }

    /// 400 for a body field (at JSON `pointer`) that is not what the endpoint takes.
    pub fn bad_field(pointer: &str, expected: &str, found: &Value, hint: Option<&str>) -> Self {
        let shown = shorten(found);
        let place = if pointer.is_empty() {
            "the request body".to_owned()
        } else {
            format!("`{pointer}`")
        };
        let mut message = format!("{place} must be {expected}, not {shown}");
        if let Some(h) = hint {
            message.push_str("; ");
            message.push_str(h);
        }
        ApiError::new(
            400,
            9,
            message,
            json!({"pointer": pointer, "expected": expected, "found": shown}),
        )
    }

    /// 400 for a body field the endpoint does not know.
    pub fn unknown_field(pointer: &str, known: &[&str], suggestion: Option<&str>) -> Self {
        let mut message =
            format!("`{pointer}` is not a field of this request (field names are case-sensitive)");
        match suggestion {
            Some(s) => message.push_str(&format!("; did you mean `{s}`?")),
            None => message.push_str(&format!("; the fields are {}", known.join(", "))),
        }
        ApiError::new(
            400,
            9,
            message,
            json!({"pointer": pointer, "expected": known, "suggestion": suggestion}),
        )
    }

    /// 400 for a required body field that is missing.
    pub fn missing_field(pointer: &str, what: &str) -> Self {
        ApiError::new(
            400,
            80,
            format!("`{pointer}` is required: {what}"),
            json!({"pointer": pointer, "expected": what}),
        )
    }

    /// 400 for a query parameter that is not what the list takes.
    pub fn bad_parameter(name: &str, expected: &str, found: &str) -> Self {
        ApiError::new(
            400,
            9,
            format!("query parameter `{name}` must be {expected}, not \"{found}\""),
            json!({"parameter": name, "expected": expected, "found": found}),
        )
    }

    /// 400 for a query parameter the list does not know.
    pub fn unknown_parameter(name: &str, known: &[&str], suggestion: Option<&str>) -> Self {
        let mut message = format!("`{name}` is not a query parameter of this endpoint");
        match suggestion {
            Some(s) => message.push_str(&format!("; did you mean `{s}`?")),
            None if known.is_empty() => message.push_str("; it takes none"),
            None => message.push_str(&format!("; the parameters are {}", known.join(", "))),
        }
        ApiError::new(
            400,
            9,
            message,
            json!({"parameter": name, "expected": known, "suggestion": suggestion}),
        )
    }

    /// 401: no `Authorization` header, or one that is not HTTP Basic with this account's id and API key.
    pub fn unauthorized(why: &str) -> Self {
        ApiError::new(
            401,
            50,
            format!(
                "{why}; authenticate with HTTP Basic: the username is your accountId (AC…) and the password your API key"
            ),
            json!({"scheme": "Basic"}),
        )
    }

    /// 403: the path names an account other than the one the credentials are for.
    pub fn other_account(path_account: &str, account_id: &str) -> Self {
        ApiError::new(
            403,
            50,
            format!(
                "the path names account {path_account}, but these credentials are for {account_id}; use /Accounts/{account_id}/…"
            ),
            json!({"accountId": path_account}),
        )
    }

    /// 404: no call has this id.
    pub fn unknown_call(call_id: &str) -> Self {
        ApiError::new(
            404,
            1,
            format!(
                "no call {call_id} exists{}; list calls (GET /Calls) to find its callId",
                prefix_hint(call_id, "CA")
            ),
            json!({"callId": call_id}),
        )
    }

    /// 404: no conference has this id.
    pub fn unknown_conference(conference_id: &str) -> Self {
        ApiError::new(
            404,
            66,
            format!(
                "no conference {conference_id} exists{}; list conferences (GET /Conferences) to find its conferenceId",
                prefix_hint(conference_id, "CF")
            ),
            json!({"conferenceId": conference_id}),
        )
    }

    /// 404: the call is not a participant of the conference.
    pub fn not_a_participant(conference_id: &str, call_id: &str) -> Self {
        ApiError::new(
            404,
            66,
            format!(
                "call {call_id} is not a participant of conference {conference_id}; list its participants (GET /Conferences/{conference_id}/Participants) to find the right callId"
            ),
            json!({"conferenceId": conference_id, "callId": call_id}),
        )
    }

    /// 404: no recording has this id.
    pub fn unknown_recording(recording_id: &str) -> Self {
        ApiError::new(
            404,
            68,
            format!(
                "no recording {recording_id} exists{}; list recordings (GET /Recordings) to find its recordingId",
                prefix_hint(recording_id, "RE")
            ),
            json!({"recordingId": recording_id}),
        )
    }

    /// 409: the conference is terminated, and a terminated conference takes no change.
    pub fn conference_terminated(conference_id: &str) -> Self {
        ApiError::new(
            409,
            108,
            format!(
                "conference {conference_id} is terminated, and a terminated conference cannot be changed or joined; create a new conference"
            ),
            json!({"conferenceId": conference_id, "status": "terminated"}),
        )
    }

    /// 409: the call is already a participant of a conference.
    pub fn already_in_conference(call_id: &str, conference_id: &str) -> Self {
        ApiError::new(
            409,
            56,
            format!(
                "call {call_id} is already in conference {conference_id}; remove it there first (DELETE /Conferences/{conference_id}/Participants/{call_id})"
            ),
            json!({"callId": call_id, "conferenceId": conference_id}),
        )
    }

    /// 404: the call has ended, so it cannot be updated (the docs: a POST on a finished call returns 404; GET
    /// still works).
    pub fn call_ended(call_id: &str, status: crate::wire::CallStatus) -> Self {
        ApiError::new(
            404,
            17,
            format!(
                "call {call_id} has already ended ({status}), so it cannot be updated; GET /Calls/{call_id} still shows it"
            ),
            json!({"callId": call_id, "status": status.as_str()}),
        )
    }

    /// 400: a trial account may only call verified numbers (the Decisions table).
    pub fn trial_unverified(to: &str) -> Self {
        ApiError::new(
            400,
            29,
            "Trial accounts can only call verified numbers",
            json!({"to": to, "hint": format!("{to} is not one of this trial account's verified numbers; verify it (scenario account.verifiedNumbers) or use a full account")}),
        )
    }
}

impl ApiError {
    /// 400: Make a Call's `from` is neither one of the account's numbers nor the To/From of a call FreeClimb
    /// made to the app (spec `MakeCallRequest.from`: "(a) The To or From number provided in FreeClimb's initial
    /// request to your app or (b) Any incoming phone number you have purchased"; code 46 from freeclimb-cli's
    /// error hints, "Check if your account owns the number").
    pub fn from_not_owned(from: &str) -> Self {
        ApiError::new(
            400,
            46,
            format!(
                "`from` {from} is not a number this account owns; use one of its incoming phone numbers (GET /IncomingPhoneNumbers; scenario `numbers`) or the To/From of a call FreeClimb made to your app"
            ),
            json!({"pointer": "/from", "from": from}),
        )
    }

    /// 400: the `cursor` parameter is not one conflab wrote into a `nextPageUri` of this list.
    pub fn bad_cursor(cursor: &str, problem: &str) -> Self {
        ApiError::new(
            400,
            9,
            format!(
                "the cursor {cursor:?} {problem}; a cursor is opaque: take it unchanged from the nextPageUri of the list you are paging, and send it alone (it carries that list's filters)"
            ),
            json!({"parameter": "cursor", "found": cursor, "problem": problem}),
        )
    }

    /// 404: no application has this id.
    pub fn unknown_application(application_id: &str) -> Self {
        ApiError::new(
            404,
            1,
            format!(
                "no application {application_id} exists{}; list applications (GET /Applications) to find its applicationId",
                prefix_hint(application_id, "AP")
            ),
            json!({"applicationId": application_id}),
        )
    }

    /// 404: no incoming phone number has this id.
    pub fn unknown_phone_number(phone_number_id: &str) -> Self {
        ApiError::new(
            404,
            1,
            format!(
                "no incoming phone number {phone_number_id} exists{}; list them (GET /IncomingPhoneNumbers) to find its phoneNumberId",
                prefix_hint(phone_number_id, "PN")
            ),
            json!({"phoneNumberId": phone_number_id}),
        )
    }
}

/// " (conference ids start with CF)" when `id` does not have the prefix of its kind.
fn prefix_hint(id: &str, prefix: &str) -> String {
    if id.starts_with(prefix) {
        String::new()
    } else {
        format!(" (these ids start with {prefix})")
    }
}

/// A JSON value as shown in a message, cut to a readable length.
fn shorten(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 60 {
        text
    } else {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    }
}

impl From<ConferenceError> for ApiError {
    fn from(e: ConferenceError) -> Self {
        let message = e.to_string();
        match e {
            ConferenceError::UnknownConference(id) => ApiError::unknown_conference(&id),
            ConferenceError::Terminated(id) => ApiError::conference_terminated(&id),
            ConferenceError::AlreadyInConference {
                call_id,
                conference_id,
            } => ApiError::already_in_conference(&call_id, &conference_id),
            ConferenceError::NotAParticipant {
                call_id,
                conference_id: Some(conference_id),
            } => ApiError::not_a_participant(&conference_id, &call_id),
            ConferenceError::NotAParticipant {
                call_id,
                conference_id: None,
            } => ApiError::new(404, 66, message, json!({"callId": call_id})),
            ConferenceError::DuplicateId(id) => {
                ApiError::new(409, 61, message, json!({"conferenceId": id}))
            }
            ConferenceError::NotAllowed {
                conference_id,
                status,
                trigger,
            } => ApiError::new(
                409,
                108,
                message,
                json!({"conferenceId": conference_id, "status": status.as_str(), "operation": trigger.label()}),
            ),
        }
    }
}
