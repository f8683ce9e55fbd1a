//! The REST console's decisions, in the core so the page only renders and dispatches: the endpoint list grouped
//! by resource, which of the sandbox's ids fit a parameter, the request a filled-in form sends (or what stops it),
//! and which line of the log answers a request the console sent.
//!
//! Nothing here decides FreeClimb behaviour: the console sends the request FreeClimb would get, the engine
//! answers it, and the body check is the router's own ([`super::catalog::check_body`]).

use super::catalog::{ENDPOINTS, Endpoint, PathParam, Problem, check_body};
use crate::engine::Engine;
use crate::engine::log::{ApiLine, Entry, LogLine};
use crate::ids::IdKind;
use crate::scenario::ApiRequest;

/// The endpoint list, grouped by the resource its path starts with (`Account`, `Conferences`, `Calls`,
/// `Applications`, `IncomingPhoneNumbers`, `Recordings`), each group and each endpoint in catalogue order.
pub fn groups() -> Vec<(&'static str, Vec<&'static Endpoint>)> {
    let mut out: Vec<(&'static str, Vec<&'static Endpoint>)> = Vec::new();
    for e in ENDPOINTS {
        let group = match e.path.split('/').find(|s| !s.is_empty()) {
            None => "Account",
            Some(first) => first,
        };
        match out.iter_mut().find(|(g, _)| *g == group) {
            Some((_, list)) => list.push(e),
            None => out.push((group, vec![e])),
        }
    }
    out
}

/// The key the console names an endpoint by: `POST /Conferences` (unique: method and path are, tested by the
/// catalogue).
pub fn key(endpoint: &Endpoint) -> String {
    format!("{} {}", endpoint.method.as_str(), endpoint.path)
}

/// The endpoint of a [`key`].
pub fn by_key(key: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().find(|e| self::key(e) == key)
}

/// An id the console offers, with a few words saying what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdChoice {
    /// `CF…`, `CA…`, `RE…`.
    pub id: String,
    /// `demo · inProgress`, `+15550111111 · ringing`, `of CF… · stopped`.
    pub label: String,
}

/// A short id for a label (`CF1a2b3c…`).
fn short(id: &str) -> String {
    format!("{}…", id.get(..8).unwrap_or(id))
}

/// The sandbox's ids of `kind`, newest first (what a picker offers). Queues, which the sandbox holds no list
/// of, offer nothing; the account offers its own id.
pub fn ids_of(engine: &Engine, kind: IdKind) -> Vec<IdChoice> {
    match kind {
        IdKind::Conference => engine
            .conferences()
            .iter()
            .rev()
            .map(|c| {
                let alias = engine.conference_alias(c.id()).unwrap_or("(no alias)");
                IdChoice {
                    id: c.id().to_owned(),
                    label: format!("{alias} · {}", c.status().as_str()),
                }
            })
            .collect(),
        IdKind::Call => {
            let mut calls: Vec<IdChoice> = engine
                .calls()
                .map(|c| IdChoice {
                    id: c.id.clone(),
                    label: format!("{} · {}", c.phone, c.status.as_str()),
                })
                .collect();
            calls.reverse();
            calls
        }
        IdKind::Recording => engine
            .recordings()
            .iter()
            .rev()
            .map(|r| {
                let of = r
                    .conference_id
                    .as_deref()
                    .or(r.call_id.as_deref())
                    .map_or_else(String::new, |id| format!("of {} · ", short(id)));
                let state = if r.deleted {
                    "deleted"
                } else if r.stopped_at.is_some() {
                    "stopped"
                } else {
                    "recording"
                };
                IdChoice {
                    id: r.id.clone(),
                    label: format!("{of}{state}"),
                }
            })
            .collect(),
        IdKind::Account => vec![IdChoice {
            id: engine.config().account.account_id.clone(),
            label: "this account".to_owned(),
        }],
        // Numbers and applications exist from the start (or a `set` step): offered in the lists' order, newest
        // (last) first.
        IdKind::PhoneNumber => {
            let mut numbers: Vec<IdChoice> = engine
                .phone_number_ids()
                .iter()
                .filter(|(number, _)| engine.config().numbers.contains_key(*number))
                .map(|(number, id)| IdChoice {
                    id: id.clone(),
                    label: number.clone(),
                })
                .collect();
            numbers.reverse();
            numbers
        }
        IdKind::Application => {
            let config = engine.config();
            let named = config.applications.iter().map(|(id, a)| IdChoice {
                id: id.clone(),
                label: a.alias.clone().unwrap_or_else(|| "(no alias)".to_owned()),
            });
            let own = config
                .numbers
                .iter()
                .filter(|(_, n)| n.own_application)
                .map(|(number, n)| IdChoice {
                    id: n.application_id.clone(),
                    label: format!("{number}'s own"),
                });
            let mut apps: Vec<IdChoice> = named.chain(own).collect();
            apps.reverse();
            apps
        }
        IdKind::Queue => Vec::new(),
    }
}

/// The ids that fit path parameter `param` of `endpoint`, given the values chosen so far (`(name, value)`):
/// a participant's `callId` is one of the chosen conference's participants; every other parameter takes any id
/// of its kind.
pub fn path_choices(
    engine: &Engine,
    endpoint: &Endpoint,
    param: &PathParam,
    chosen: &[(&str, &str)],
) -> Vec<IdChoice> {
    let conference = chosen
        .iter()
        .find(|(name, value)| *name == "conferenceId" && !value.is_empty())
        .map(|(_, v)| *v);
    if param.id == IdKind::Call
        && endpoint.path.contains("/Participants/")
        && let Some(conference) = conference
    {
        let Ok(conference) = engine.conferences().get(conference) else {
            return Vec::new();
        };
        let all = ids_of(engine, IdKind::Call);
        return conference
            .participants()
            .iter()
            .map(|p| {
                all.iter()
                    .find(|c| c.id == p.call_id)
                    .cloned()
                    .unwrap_or(IdChoice {
                        id: p.call_id.clone(),
                        label: p.label.clone(),
                    })
            })
            .collect();
    }
    ids_of(engine, param.id)
}

/// What the console's form holds: the endpoint, one value per path parameter (in template order), one text per
/// query parameter (in catalogue order; blank is left out, a repeating parameter's values are separated by
/// commas) and the body's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft<'a> {
    /// The endpoint picked.
    pub endpoint: &'static Endpoint,
    /// Values of `endpoint.path_params`, in order (missing ones count as blank).
    pub path: &'a [String],
    /// Texts of `endpoint.query`, in order (missing ones count as blank).
    pub query: &'a [String],
    /// The body editor's text.
    pub body: &'a str,
}

/// Why a draft cannot be sent yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocker {
    /// A path parameter has no value (its name, `conferenceId`).
    MissingPath(&'static str),
    /// A path parameter's value would change the path's shape (it has `/`, `?` or `#`).
    BadPath(&'static str),
    /// The body check found this.
    Body(Problem),
}

impl Blocker {
    /// For people.
    pub fn message(&self) -> String {
        match self {
            Blocker::MissingPath(name) => format!("pick or type a {name}"),
            Blocker::BadPath(name) => format!("{name} cannot contain /, ? or #"),
            Blocker::Body(p) => p.message.clone(),
        }
    }
}

/// The request the form sends, or everything that stops it: a missing path id, and every problem
/// [`check_body`] finds (so Send stays disabled while there is any).
pub fn request(draft: &Draft<'_>) -> Result<ApiRequest, Vec<Blocker>> {
    let e = draft.endpoint;
    let mut blockers = Vec::new();
    let mut values: Vec<(&str, &str)> = Vec::new();
    for (i, p) in e.path_params.iter().enumerate() {
        let v = draft.path.get(i).map_or("", |v| v.trim());
        if v.is_empty() {
            blockers.push(Blocker::MissingPath(p.name));
        } else if v.contains(['/', '?', '#']) {
            blockers.push(Blocker::BadPath(p.name));
        }
        values.push((p.name, v));
    }
    blockers.extend(check_body(e, draft.body).into_iter().map(Blocker::Body));
    if !blockers.is_empty() {
        return Err(blockers);
    }
    let mut query = Vec::new();
    for (i, q) in e.query.iter().enumerate() {
        let text = draft.query.get(i).map_or("", |t| t.trim());
        if text.is_empty() {
            continue;
        }
        if q.repeats {
            query.extend(
                text.split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| (q.name.to_owned(), v.to_owned())),
            );
        } else {
            query.push((q.name.to_owned(), text.to_owned()));
        }
    }
    let body = if e.has_body() && !draft.body.trim().is_empty() {
        // check_body accepted it, so it is JSON.
        serde_json::from_str(draft.body).ok()
    } else {
        None
    };
    Ok(ApiRequest {
        method: e.method,
        path: e.fill(&values),
        query,
        body,
    })
}

/// The path an `api` line of the log shows for `request` sent by `account_id`: `/Accounts/AC…/Conferences`,
/// with the query as sent (the path's own `?query`, then the pairs percent-encoded).
pub fn logged_path(request: &ApiRequest, account_id: &str) -> String {
    let (path, query) = super::snippet::path_and_query(request);
    if query.is_empty() {
        format!("/Accounts/{account_id}{path}")
    } else {
        format!("/Accounts/{account_id}{path}?{query}")
    }
}

/// The `api` line that answers `request` (sent by `account_id` when the log had `from` lines): the first such
/// line at or after `from` with its method and path.
pub fn response<'l>(
    log: &'l [LogLine],
    from: usize,
    request: &ApiRequest,
    account_id: &str,
) -> Option<&'l ApiLine> {
    let path = logged_path(request, account_id);
    log.get(from..)?.iter().find_map(|l| match &l.entry {
        Entry::Api(a) if a.method == request.method.as_str() && a.path == path => Some(&**a),
        _ => None,
    })
}

/// The request an `api` line of the log at `at` answers, for Copy as on the log: the scenario's `api` step at
/// that time with that method and logged path (so with its body), else the request rebuilt from the line alone
/// (method, path and query; no body, which the line does not hold). `None` when the line's path is not under
/// `/Accounts/{account_id}`.
pub fn request_of_line(
    steps: &[crate::scenario::Step],
    at: u64,
    line: &ApiLine,
    account_id: &str,
) -> Option<ApiRequest> {
    let step = steps.iter().find_map(|s| match &s.action {
        crate::scenario::Action::Api(r)
            if s.at == at
                && r.method.as_str() == line.method
                && logged_path(r, account_id) == line.path =>
        {
            Some(r.clone())
        }
        _ => None,
    });
    if step.is_some() {
        return step;
    }
    let method = crate::scenario::Method::ALL
        .into_iter()
        .find(|m| m.as_str() == line.method)?;
    let rest = line
        .path
        .strip_prefix("/Accounts/")?
        .strip_prefix(account_id)?;
    if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')) {
        return None;
    }
    let path = if rest.is_empty() || rest.starts_with('?') {
        format!("/{rest}")
    } else {
        rest.to_owned()
    };
    Some(ApiRequest {
        method,
        path,
        query: Vec::new(),
        body: None,
    })
}

/// A response body for reading: JSON pretty-printed, anything else as it is, `(no body)` for none.
pub fn pretty_body(body: Option<&str>) -> String {
    match body {
        None => "(no body)".to_owned(),
        Some(text) => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::catalog::Operation;
    use crate::sandbox::{Sandbox, default_world};
    use crate::scenario::{Action, Method};
    use serde_json::json;

    fn create() -> &'static Endpoint {
        Operation::CreateConference.endpoint()
    }

    #[test]
    fn groups_cover_the_catalogue_once_by_resource() {
        let g = groups();
        let names: Vec<&str> = g.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "Account",
                "Conferences",
                "Calls",
                "Applications",
                "IncomingPhoneNumbers",
                "Recordings"
            ]
        );
        assert_eq!(
            g.iter().map(|(_, l)| l.len()).sum::<usize>(),
            ENDPOINTS.len()
        );
        let conferences = &g[1].1;
        assert!(
            conferences
                .iter()
                .all(|e| e.path.starts_with("/Conferences"))
        );
        assert!(
            conferences
                .iter()
                .any(|e| e.operation == Operation::RemoveParticipant)
        );
    }

    #[test]
    fn keys_name_each_endpoint() {
        assert_eq!(key(create()), "POST /Conferences");
        for e in ENDPOINTS {
            assert_eq!(by_key(&key(e)), Some(e));
        }
        assert_eq!(by_key("PUT /Conferences"), None);
    }

    #[test]
    fn a_draft_becomes_the_request_or_says_what_stops_it() {
        let body = r#"{"alias":"rc","playBeep":"always","statusCallbackUrl":"https://app.test/s"}"#;
        let r = request(&Draft {
            endpoint: create(),
            path: &[],
            query: &[],
            body,
        })
        .unwrap();
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.path, "/Conferences");
        assert_eq!(
            r.body,
            Some(
                json!({"alias":"rc","playBeep":"always","statusCallbackUrl":"https://app.test/s"})
            )
        );
        let wrong = request(&Draft {
            endpoint: create(),
            path: &[],
            query: &[],
            body: r#"{"playBeep":"Always","statusCallbackUrl":"https://app.test/s"}"#,
        })
        .unwrap_err();
        assert_eq!(wrong.len(), 1);
        assert!(matches!(&wrong[0], Blocker::Body(p) if p.pointer == "/playBeep"));

        let participant = Operation::UpdateParticipant.endpoint();
        let missing = request(&Draft {
            endpoint: participant,
            path: &["CF1".to_owned()],
            query: &[],
            body: r#"{"talk":false}"#,
        })
        .unwrap_err();
        assert_eq!(missing, [Blocker::MissingPath("callId")]);
        assert_eq!(missing[0].message(), "pick or type a callId");
        let bad = request(&Draft {
            endpoint: participant,
            path: &["CF1".to_owned(), "CA1/x".to_owned()],
            query: &[],
            body: "{}",
        })
        .unwrap_err();
        assert_eq!(bad, [Blocker::BadPath("callId")]);
        let ok = request(&Draft {
            endpoint: participant,
            path: &[" CF1 ".to_owned(), "CA2".to_owned()],
            query: &[],
            body: r#"{"talk":false}"#,
        })
        .unwrap();
        assert_eq!(ok.path, "/Conferences/CF1/Participants/CA2");

        // Query texts: blanks left out, a repeating parameter split on commas; no body on a GET.
        let list = Operation::ListCalls.endpoint();
        let mut texts = vec![String::new(); list.query.len()];
        let at = |name: &str| list.query.iter().position(|q| q.name == name).unwrap();
        texts[at("status")] = "ringing".into();
        texts[at("applicationId")] = "AP1, AP2".into();
        let r = request(&Draft {
            endpoint: list,
            path: &[],
            query: &texts,
            body: "",
        })
        .unwrap();
        assert_eq!(
            r.query,
            [
                ("status".to_owned(), "ringing".to_owned()),
                ("applicationId".to_owned(), "AP1".to_owned()),
                ("applicationId".to_owned(), "AP2".to_owned()),
            ]
        );
        assert_eq!(r.body, None);
        assert!(
            request(&Draft {
                endpoint: list,
                path: &[],
                query: &texts,
                body: "{}",
            })
            .is_err()
        );
    }

    #[test]
    fn pickers_offer_the_sandboxes_ids_and_a_conferences_participants() {
        let mut s = Sandbox::new(default_world());
        assert!(ids_of(s.engine(), IdKind::Conference).is_empty());
        s.step(Action::Dial {
            from: "+15550133333".into(),
            to: "+15550100000".into(),
        })
        .unwrap();
        s.advance(5000);
        s.step(crate::page::create_conference(
            Some("other"),
            Default::default(),
            false,
            Some("https://app.test/conference-status"),
        ))
        .unwrap();
        let engine = s.engine();
        let demo = engine.conference_by_alias("demo").unwrap();
        let other = engine.conference_by_alias("other").unwrap();
        let confs = ids_of(engine, IdKind::Conference);
        let ids: Vec<&str> = confs.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, [other.as_str(), demo.as_str()], "newest first");
        assert!(confs[1].label.starts_with("demo · "), "{confs:?}");
        let call = engine.current_call_of("+15550133333").unwrap();
        assert_eq!(ids_of(engine, IdKind::Call)[0].id, call);
        assert!(
            ids_of(engine, IdKind::Call)[0]
                .label
                .starts_with("+15550133333 · ")
        );
        assert_eq!(
            ids_of(engine, IdKind::Account)[0].id,
            engine.config().account.account_id
        );
        // Every number has an application (its own, here): one id each, offered under the number's name.
        let apps = ids_of(engine, IdKind::Application);
        let numbers = ids_of(engine, IdKind::PhoneNumber);
        assert_eq!(apps.len(), engine.config().numbers.len());
        assert_eq!(numbers.len(), engine.config().numbers.len());
        assert!(
            apps.iter()
                .all(|a| a.id.starts_with("AP") && a.label.ends_with("'s own"))
        );
        assert!(numbers.iter().all(|n| n.id.starts_with("PN")));

        let remove = Operation::RemoveParticipant.endpoint();
        let call_param = &remove.path_params[1];
        let in_demo = path_choices(engine, remove, call_param, &[("conferenceId", &demo)]);
        assert_eq!(in_demo.len(), 1);
        assert_eq!(in_demo[0].id, call);
        assert!(path_choices(engine, remove, call_param, &[("conferenceId", &other)]).is_empty());
        // Without a conference chosen, any call; a call's own endpoints take any call.
        assert_eq!(path_choices(engine, remove, call_param, &[]).len(), 1);
        let get_call = Operation::GetCall.endpoint();
        assert_eq!(
            path_choices(engine, get_call, &get_call.path_params[0], &[]).len(),
            1
        );
    }

    #[test]
    fn the_console_finds_the_line_that_answers_its_request() {
        let mut s = Sandbox::new(default_world());
        let account = s.engine().config().account.account_id.clone();
        let list = ApiRequest {
            method: Method::Get,
            path: "/Conferences?status=empty".into(),
            query: vec![("alias".into(), "a b+c".into())],
            body: None,
        };
        assert_eq!(
            logged_path(&list, "AC1"),
            "/Accounts/AC1/Conferences?status=empty&alias=a%20b%2Bc"
        );
        let root = ApiRequest {
            path: "/".into(),
            query: Vec::new(),
            ..list.clone()
        };
        assert_eq!(logged_path(&root, "AC1"), "/Accounts/AC1");
        let from = s.log().len();
        s.step(Action::Api(list.clone())).unwrap();
        let line = response(s.log(), from, &list, &account).expect("answered");
        assert_eq!(line.status, 200);
        assert!(
            line.response
                .as_deref()
                .unwrap()
                .contains("\"conferences\"")
        );
        // A later request finds its own line, not the earlier one.
        let from = s.log().len();
        assert!(response(s.log(), from, &list, &account).is_none());
        let create = request(&Draft {
            endpoint: create(),
            path: &[],
            query: &[],
            body: create().example_body.unwrap(),
        })
        .unwrap();
        s.step(Action::Api(create.clone())).unwrap();
        let line = response(s.log(), from, &create, &account).expect("answered");
        assert_eq!(line.method, "POST");
        assert!((200..300).contains(&line.status), "{line:?}");
        assert!(response(s.log(), from, &list, &account).is_none());
    }

    #[test]
    fn a_log_line_gives_back_its_request() {
        let mut s = Sandbox::new(default_world());
        let account = s.engine().config().account.account_id.clone();
        let create = request(&Draft {
            endpoint: create(),
            path: &[],
            query: &[],
            body: create().example_body.unwrap(),
        })
        .unwrap();
        s.advance(1234);
        s.step(Action::Api(create.clone())).unwrap();
        let list = ApiRequest {
            method: Method::Get,
            path: "/Conferences".into(),
            query: vec![("alias".into(), "a b".into())],
            body: None,
        };
        s.step(Action::Api(list.clone())).unwrap();
        let lines: Vec<(u64, &ApiLine)> = s
            .log()
            .iter()
            .filter_map(|l| match &l.entry {
                Entry::Api(a) => Some((l.at, &**a)),
                _ => None,
            })
            .collect();
        assert_eq!(lines.len(), 2);
        let steps = &s.scenario().steps;
        assert_eq!(
            request_of_line(steps, lines[0].0, lines[0].1, &account),
            Some(create.clone())
        );
        assert_eq!(
            request_of_line(steps, lines[1].0, lines[1].1, &account),
            Some(list)
        );
        // Without its step (another time), the line alone: no body, the query kept in the path.
        let alone = request_of_line(steps, 0, lines[1].1, &account).unwrap();
        assert_eq!(alone.path, "/Conferences?alias=a%20b");
        assert_eq!(logged_path(&alone, &account), lines[1].1.path);
        assert_eq!(
            request_of_line(steps, 0, lines[0].1, &account)
                .unwrap()
                .body,
            None
        );
        assert_eq!(request_of_line(steps, 0, lines[0].1, "AC0"), None);
        let root = ApiLine {
            method: "GET".into(),
            path: format!("/Accounts/{account}"),
            status: 200,
            response: None,
        };
        assert_eq!(request_of_line(&[], 0, &root, &account).unwrap().path, "/");
    }

    #[test]
    fn bodies_read_pretty() {
        assert_eq!(pretty_body(Some(r#"{"a":1}"#)), "{\n  \"a\": 1\n}");
        assert_eq!(pretty_body(Some("RIFF")), "RIFF");
        assert_eq!(pretty_body(None), "(no body)");
    }
}
