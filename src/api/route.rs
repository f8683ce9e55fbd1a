//! Routing: an [`HttpRequest`] to a typed [`ApiRequest`], or the 400/403/404/405 FreeClimb would answer.
//!
//! Paths are FreeClimb's, case-sensitive, under `/Accounts/{accountId}` (an `/apiserver` prefix, as in the
//! production base URL, is accepted too; one trailing `/` is ignored). Auth is separate: [`super::auth::check`].

use super::body;
use super::error::ApiError;
use super::query::{
    ApplicationFilter, CallFilter, CallLogFilter, ConferenceFilter, IncomingNumberFilter,
    ParticipantFilter, RecordingFilter, RecordingScope,
};
use super::{ApiRequest, HttpRequest, RecordingFileKind};

/// The collection names under an account, for the "paths are case-sensitive" hint.
const COLLECTIONS: [&str; 9] = [
    "Conferences",
    "Participants",
    "Calls",
    "Recordings",
    "Stream",
    "Download",
    "Logs",
    "Applications",
    "IncomingPhoneNumbers",
];

/// What a path names, before the method is looked at.
enum Resource<'p> {
    Account,
    Conferences,
    Conference(&'p str),
    Participants(&'p str),
    Participant(&'p str, &'p str),
    ConferenceRecordings(&'p str),
    Calls,
    Call(&'p str),
    CallRecordings(&'p str),
    CallLogs(&'p str),
    Applications,
    Application(&'p str),
    IncomingNumbers,
    IncomingNumber(&'p str),
    Recordings,
    Recording(&'p str),
    RecordingFile(&'p str, RecordingFileKind),
}

impl Resource<'_> {
    fn allowed(&self) -> &'static [&'static str] {
        match self {
            Resource::Account
            | Resource::Participants(_)
            | Resource::ConferenceRecordings(_)
            | Resource::CallRecordings(_)
            | Resource::CallLogs(_)
            | Resource::Applications
            | Resource::Application(_)
            | Resource::IncomingNumbers
            | Resource::IncomingNumber(_)
            | Resource::Recordings
            | Resource::RecordingFile(..) => &["GET"],
            Resource::Conferences
            | Resource::Conference(_)
            | Resource::Calls
            | Resource::Call(_) => &["GET", "POST"],
            Resource::Participant(..) => &["GET", "POST", "DELETE"],
            Resource::Recording(_) => &["GET", "DELETE"],
        }
    }
}

fn resolve<'p>(segments: &[&'p str]) -> Option<Resource<'p>> {
    Some(match *segments {
        [] => Resource::Account,
        ["Conferences"] => Resource::Conferences,
        ["Conferences", id] => Resource::Conference(id),
        ["Conferences", id, "Participants"] => Resource::Participants(id),
        ["Conferences", id, "Participants", call] => Resource::Participant(id, call),
        ["Conferences", id, "Recordings"] => Resource::ConferenceRecordings(id),
        ["Calls"] => Resource::Calls,
        ["Calls", id] => Resource::Call(id),
        ["Calls", id, "Recordings"] => Resource::CallRecordings(id),
        ["Calls", id, "Logs"] => Resource::CallLogs(id),
        ["Applications"] => Resource::Applications,
        ["Applications", id] => Resource::Application(id),
        ["IncomingPhoneNumbers"] => Resource::IncomingNumbers,
        ["IncomingPhoneNumbers", id] => Resource::IncomingNumber(id),
        ["Recordings"] => Resource::Recordings,
        ["Recordings", id] => Resource::Recording(id),
        ["Recordings", id, "Stream"] => Resource::RecordingFile(id, RecordingFileKind::Stream),
        ["Recordings", id, "Download"] => Resource::RecordingFile(id, RecordingFileKind::Download),
        _ => return None,
    })
}

/// A hint for a path that is no endpoint: a collection spelt in the wrong case, or a path outside
/// `/Accounts/{accountId}`.
fn hint(segments: &[&str]) -> Option<String> {
    for s in segments {
        if let Some(right) = COLLECTIONS
            .iter()
            .find(|c| c.eq_ignore_ascii_case(s) && *c != s)
        {
            return Some(format!("paths are case-sensitive: write {right}, not {s}"));
        }
    }
    None
}

/// Routes a request for the account `account_id`. The path must start with `/Accounts/{account_id}` (a path
/// naming another account is 403). Bodies and query strings are read and checked here, so the engine gets only
/// well-formed requests.
pub fn parse(request: &HttpRequest, account_id: &str) -> Result<ApiRequest, ApiError> {
    let method = request.method.as_str();
    let full = request.path.as_str();
    let path = full.strip_prefix("/apiserver").unwrap_or(full);
    let path = if path.len() > 1 {
        path.strip_suffix('/').unwrap_or(path)
    } else {
        path
    };
    let mut segments: Vec<&str> = path.split('/').skip(1).collect();
    if !path.starts_with('/') || segments.first() != Some(&"Accounts") || segments.len() < 2 {
        let hint = if segments
            .first()
            .is_some_and(|s| s.eq_ignore_ascii_case("accounts"))
        {
            hint(&["Accounts"]).or(Some(
                "paths start with /Accounts/{accountId}, then /Conferences, /Calls, /Recordings, /Applications or /IncomingPhoneNumbers"
                    .to_owned(),
            ))
        } else {
            Some(format!(
                "paths start with /Accounts/{account_id} (for example /Accounts/{account_id}/Conferences)"
            ))
        };
        return Err(ApiError::unknown_route(method, full, hint));
    }
    let path_account = segments[1];
    if path_account != account_id {
        return Err(ApiError::other_account(path_account, account_id));
    }
    segments.drain(..2);
    if segments.iter().any(|s| s.is_empty()) {
        return Err(ApiError::unknown_route(
            method,
            full,
            Some("the path has an empty segment (`//`)".to_owned()),
        ));
    }
    let Some(resource) = resolve(&segments) else {
        return Err(ApiError::unknown_route(method, full, hint(&segments)));
    };
    let query = request.query.as_str();
    let body = request.body.as_slice();
    let id = |s: &str| s.to_owned();
    Ok(match (method, resource) {
        ("GET", Resource::Account) => {
            no_query(query)?;
            ApiRequest::GetAccount
        }
        ("POST", Resource::Conferences) => {
            no_query(query)?;
            ApiRequest::CreateConference(body::create_conference(body)?)
        }
        ("GET", Resource::Conferences) => {
            let (filter, page) = ConferenceFilter::parse(query)?;
            ApiRequest::ListConferences { filter, page }
        }
        ("GET", Resource::Conference(c)) => {
            no_query(query)?;
            ApiRequest::GetConference {
                conference_id: id(c),
            }
        }
        ("POST", Resource::Conference(c)) => {
            no_query(query)?;
            ApiRequest::UpdateConference {
                conference_id: id(c),
                update: body::update_conference(body)?,
            }
        }
        ("GET", Resource::Participants(c)) => {
            let (filter, page) = ParticipantFilter::parse(query)?;
            ApiRequest::ListParticipants {
                conference_id: id(c),
                filter,
                page,
            }
        }
        ("GET", Resource::Participant(c, call)) => {
            no_query(query)?;
            ApiRequest::GetParticipant {
                conference_id: id(c),
                call_id: id(call),
            }
        }
        ("POST", Resource::Participant(c, call)) => {
            no_query(query)?;
            ApiRequest::UpdateParticipant {
                conference_id: id(c),
                call_id: id(call),
                update: body::update_participant(body)?,
            }
        }
        ("DELETE", Resource::Participant(c, call)) => {
            no_query(query)?;
            ApiRequest::RemoveParticipant {
                conference_id: id(c),
                call_id: id(call),
            }
        }
        ("GET", Resource::ConferenceRecordings(c)) => {
            let (filter, page) = RecordingFilter::parse(query, RecordingScope::Conference)?;
            ApiRequest::ListConferenceRecordings {
                conference_id: id(c),
                filter,
                page,
            }
        }
        ("POST", Resource::Calls) => {
            no_query(query)?;
            ApiRequest::MakeCall(body::make_call(body)?)
        }
        ("GET", Resource::Calls) => {
            let (filter, page) = CallFilter::parse(query)?;
            ApiRequest::ListCalls { filter, page }
        }
        ("GET", Resource::Call(call)) => {
            no_query(query)?;
            ApiRequest::GetCall { call_id: id(call) }
        }
        ("POST", Resource::Call(call)) => {
            no_query(query)?;
            ApiRequest::UpdateCall {
                call_id: id(call),
                status: body::update_call(body)?,
            }
        }
        ("GET", Resource::CallRecordings(call)) => {
            let (filter, page) = RecordingFilter::parse(query, RecordingScope::Call)?;
            ApiRequest::ListCallRecordings {
                call_id: id(call),
                filter,
                page,
            }
        }
        ("GET", Resource::CallLogs(call)) => ApiRequest::ListCallLogs {
            call_id: id(call),
            page: CallLogFilter::parse(query)?,
        },
        ("GET", Resource::Applications) => {
            let (filter, page) = ApplicationFilter::parse(query)?;
            ApiRequest::ListApplications { filter, page }
        }
        ("GET", Resource::Application(a)) => {
            no_query(query)?;
            ApiRequest::GetApplication {
                application_id: id(a),
            }
        }
        ("GET", Resource::IncomingNumbers) => {
            let (filter, page) = IncomingNumberFilter::parse(query)?;
            ApiRequest::ListIncomingNumbers { filter, page }
        }
        ("GET", Resource::IncomingNumber(n)) => {
            no_query(query)?;
            ApiRequest::GetIncomingNumber {
                phone_number_id: id(n),
            }
        }
        ("GET", Resource::Recordings) => {
            let (filter, page) = RecordingFilter::parse(query, RecordingScope::Account)?;
            ApiRequest::ListRecordings { filter, page }
        }
        ("GET", Resource::Recording(r)) => {
            no_query(query)?;
            ApiRequest::GetRecording {
                recording_id: id(r),
            }
        }
        ("DELETE", Resource::Recording(r)) => {
            no_query(query)?;
            ApiRequest::DeleteRecording {
                recording_id: id(r),
            }
        }
        ("GET", Resource::RecordingFile(r, kind)) => {
            no_query(query)?;
            ApiRequest::RecordingFile {
                recording_id: id(r),
                kind,
            }
        }
        (_, resource) => {
            return Err(ApiError::method_not_allowed(
                method,
                full,
                resource.allowed(),
            ));
        }
    })
}

/// Endpoints that are not lists take no query parameters.
fn no_query(query: &str) -> Result<(), ApiError> {
    match super::query::pairs(query)?.into_iter().next() {
        None => Ok(()),
        Some((k, _)) => Err(ApiError::unknown_parameter(&k, &[], None)),
    }
}
