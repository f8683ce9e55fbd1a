//! The REST console's core: the endpoint catalogue (`conflab::api::catalog`) against the router, and the Copy as
//! curl / Copy as Python SDK snippets (`conflab::api::snippet`) against a real shell and the official SDK.
//!
//! - Every catalogue endpoint, filled with sandbox ids, its example body and every query parameter it lists,
//!   routes through `api::parse` to its own operation; and every path × method the router accepts (walked over
//!   the route vocabulary, ids and strangers) is in the catalogue.
//! - Every curl snippet, run by bash with `curl` replaced by a function that prints its arguments, gives back
//!   exactly the intended arguments, hostile strings included.
//! - Every Python snippet compiles and runs in the SDK venv (`freeclimb==5.4.1`, tests/support/sdk.rs) with the
//!   network call replaced (tests/sdk/snippet_harness.py); the request the SDK built routes to the same
//!   `ApiRequest` as the original, with the account's Basic credentials.
//!
//! Needs `python3 -m venv` and PyPI on the first run; fails, never skips, without them.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/sdk.rs"]
mod sdk;

use base64::Engine as _;
use conflab::api::catalog::{ENDPOINTS, Endpoint, Operation, ValueType, find};
use conflab::api::snippet::{self, DEFAULT_BASE_URL, Request};
use conflab::api::{ApiError, ApiRequest, HttpRequest, parse, query};
use conflab::ids::{IdGenerator, IdKind};
use conflab::scenario::Method;
use serde_json::{Value, json};
use std::process::Command;

const KEY: &str = "key-with-'quote'-$HOME-`x`-\\";

struct Ids {
    account: String,
    conference: String,
    call: String,
    recording: String,
    application: String,
}

fn ids() -> Ids {
    let mut g = IdGenerator::new(7);
    Ids {
        account: g.next(IdKind::Account),
        conference: g.next(IdKind::Conference),
        call: g.next(IdKind::Call),
        recording: g.next(IdKind::Recording),
        application: g.next(IdKind::Application),
    }
}

impl Ids {
    fn of(&self, kind: IdKind) -> &str {
        match kind {
            IdKind::Conference => &self.conference,
            IdKind::Call => &self.call,
            IdKind::Recording => &self.recording,
            _ => &self.application,
        }
    }
}

/// A valid sample for a query parameter of this type (what the console would offer first).
fn sample(ty: ValueType, id: Option<IdKind>, ids: &Ids) -> String {
    if let Some(kind) = id {
        return ids.of(kind).to_owned();
    }
    match ty {
        ValueType::Boolean => "true".into(),
        ValueType::Integer => "5".into(),
        ValueType::Date => "2026-06-03".into(),
        ValueType::Time => "2026-06-03 14:05:00".into(),
        ValueType::PhoneNumber => "+15550100000".into(),
        ValueType::Enum { values, .. } => values[values.len() - 1].into(),
        _ => "it's a \"test\" & more".into(),
    }
}

/// The endpoint as the console would send it: ids filled in, its example body, and every query parameter the
/// SDK takes (`applicationId` twice); with `with_cursor`, a list's next page instead: the opaque `cursor` alone,
/// carrying those parameters (as `nextPageUri` and freeclimb-cli send it).
fn request_for(e: &Endpoint, ids: &Ids, with_cursor: bool) -> Request {
    let values: Vec<(&str, &str)> = e
        .path_params
        .iter()
        .map(|p| (p.name, ids.of(p.id)))
        .collect();
    let mut query = Vec::new();
    for q in e.query {
        if q.sdk_name.is_none() {
            continue;
        }
        let value = sample(q.ty, q.id, ids);
        if q.repeats {
            query.push((q.name.to_owned(), format!("{value}-2")));
        }
        query.push((q.name.to_owned(), value));
    }
    if with_cursor && e.query.iter().any(|q| q.name == "cursor") {
        let cursor = conflab::api::PageRequest::cursor(1, &query);
        query = vec![("cursor".to_owned(), cursor)];
    }
    Request {
        method: e.method,
        path: e.fill(&values),
        query,
        body: e
            .example_body
            .map(|b| serde_json::from_str(b).expect("example body is JSON")),
    }
}

/// Routes a scenario request the way the engine's runner does: under the account, query encoded, body bytes.
fn route(r: &Request, account: &str) -> Result<ApiRequest, ApiError> {
    let (path, own) = r.path.split_once('?').unwrap_or((&r.path, ""));
    let mut q: Vec<String> = own
        .split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    q.extend(
        r.query
            .iter()
            .map(|(k, v)| format!("{}={}", query::percent_encode(k), query::percent_encode(v))),
    );
    let body = r.body.as_ref().map(|b| b.to_string()).unwrap_or_default();
    let path = if path == "/" {
        String::new()
    } else {
        path.to_owned()
    };
    let mut http = HttpRequest::new(
        r.method.as_str(),
        &format!("/Accounts/{account}{path}"),
        body,
    );
    http.query = q.join("&");
    parse(&http, account)
}

#[test]
fn every_endpoint_routes_to_its_operation() {
    let ids = ids();
    assert_eq!(ENDPOINTS.len(), 25, "one endpoint per operation");
    for e in ENDPOINTS {
        for with_cursor in [false, true] {
            let r = request_for(e, &ids, with_cursor);
            let routed = route(&r, &ids.account)
                .unwrap_or_else(|err| panic!("{} {} {:?}: {err}", e.method.as_str(), e.path, r));
            assert_eq!(Operation::of(&routed), e.operation, "{r:?}");
            let (found, _) = find(e.method, r.path.split('?').next().unwrap_or("")).expect("find");
            assert_eq!(found.operation, e.operation);
        }
    }
}

#[test]
fn every_route_the_router_accepts_is_catalogued() {
    // The router's vocabulary (every literal segment of the catalogue), FreeClimb words it does not serve, an id,
    // and a near miss in case; paths of up to 5 segments, every method: about 1.4 million requests.
    let mut words: Vec<&str> = ENDPOINTS
        .iter()
        .flat_map(|e| e.path.split('/'))
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .collect();
    words.sort_unstable();
    words.dedup();
    // (Logs and Applications are catalogued now: the vocabulary stays 12 words.)
    words.extend(["CF0123", "Queues", "conferences"]);
    let account = "AC0";
    let methods = ["GET", "POST", "DELETE", "PUT", "PATCH"];
    let mut paths: Vec<Vec<&str>> = vec![vec![]];
    let mut frontier = paths.clone();
    for _ in 0..5 {
        let mut next = Vec::new();
        for p in &frontier {
            for w in &words {
                let mut q = p.clone();
                q.push(*w);
                next.push(q);
            }
        }
        paths.extend(next.iter().cloned());
        frontier = next;
    }
    let mut accepted = 0;
    for segments in &paths {
        let rel: String = segments.iter().map(|s| format!("/{s}")).collect();
        for method in methods {
            let http = HttpRequest::new(method, &format!("/Accounts/{account}{rel}"), "");
            let outcome = parse(&http, account);
            let routed = match &outcome {
                Ok(_) => true,
                // A body or query problem: the route exists.
                Err(e) => !matches!(e.status, 404 | 405),
            };
            let method = Method::ALL.into_iter().find(|m| m.as_str() == method);
            let catalogued = method.and_then(|m| find(m, if rel.is_empty() { "/" } else { &rel }));
            assert_eq!(
                routed,
                catalogued.is_some(),
                "{method:?} {rel}: the router says {outcome:?}, the catalogue {:?}",
                catalogued.map(|(e, _)| e.operation)
            );
            if let (Ok(r), Some((e, _))) = (&outcome, catalogued) {
                assert_eq!(Operation::of(r), e.operation, "{rel}");
            }
            accepted += usize::from(routed);
        }
    }
    assert!(accepted > 20, "only {accepted} routes accepted");
}

/// Hostile and ordinary requests, beyond the catalogue's own.
fn extra_requests(ids: &Ids) -> Vec<Request> {
    let r = |method, path: &str, query: &[(&str, &str)], body: Option<Value>| Request {
        method,
        path: path.to_owned(),
        query: query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body,
    };
    vec![
        // Typed, with strings that would break a naive quote.
        r(
            Method::Post,
            "/Conferences",
            &[],
            Some(
                json!({"alias": "it's \"x\" $(rm) `y` \\ \n é 😀", "statusCallbackUrl": "https://a.test/s?x='1'&y=2", "waitUrl": null}),
            ),
        ),
        // The path's own query plus pairs.
        r(
            Method::Get,
            "/Calls?active=true",
            &[("status", "inProgress")],
            None,
        ),
        // Raw: cursor, an unknown field, a wrong type, a path that is no endpoint, a body on a GET.
        r(
            Method::Get,
            "/Conferences",
            &[("cursor", "1"), ("alias", "a b")],
            None,
        ),
        r(
            Method::Post,
            &format!("/Conferences/{}", ids.conference),
            &[],
            Some(json!({"playbeep": "never"})),
        ),
        r(
            Method::Post,
            &format!("/Conferences/{}/Participants/{}", ids.conference, ids.call),
            &[],
            Some(json!({"talk": "false"})),
        ),
        r(Method::Get, "/Nope/it's", &[("x", "1")], None),
        r(Method::Get, "/", &[], Some(json!([1, {"a": null}]))),
    ]
}

#[test]
fn curl_arguments_round_trip_through_the_shell() {
    let ids = ids();
    let mut requests: Vec<Request> = ENDPOINTS
        .iter()
        .map(|e| request_for(e, &ids, true))
        .collect();
    requests.extend(extra_requests(&ids));
    for (base, root) in [
        (DEFAULT_BASE_URL, "http://127.0.0.1:8080/apiserver"),
        (
            "https://www.freeclimb.com/apiserver/",
            "https://www.freeclimb.com/apiserver",
        ),
    ] {
        for r in &requests {
            let line = snippet::curl(r, base, &ids.account, KEY);
            assert!(!line.contains('\n'), "one line: {line}");
            let out = Command::new("bash")
                .arg("-c")
                .arg(format!("curl() {{ printf '%s\\0' \"$@\"; }}\n{line}"))
                .output()
                .expect("bash runs");
            assert!(
                out.status.success(),
                "{line}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let args: Vec<String> = String::from_utf8(out.stdout)
                .expect("utf-8")
                .split_terminator('\0')
                .map(str::to_owned)
                .collect();
            let (path, own) = r.path.split_once('?').unwrap_or((&r.path, ""));
            let path = if path == "/" { "" } else { path };
            let mut q: Vec<String> = own
                .split('&')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect();
            q.extend(r.query.iter().map(|(k, v)| {
                format!("{}={}", query::percent_encode(k), query::percent_encode(v))
            }));
            let mut url = format!("{root}/Accounts/{}{path}", ids.account);
            if !q.is_empty() {
                url = format!("{url}?{}", q.join("&"));
            }
            let mut want = vec![
                "-X".to_owned(),
                r.method.as_str().to_owned(),
                url,
                "-u".to_owned(),
                format!("{}:{KEY}", ids.account),
            ];
            if let Some(b) = &r.body {
                want.extend([
                    "-H".to_owned(),
                    "Content-Type: application/json".to_owned(),
                    "-d".to_owned(),
                ]);
                want.push(b.to_string());
            }
            if path.ends_with("/Stream") || path.ends_with("/Download") {
                want.extend(["-o".to_owned(), "recording.wav".to_owned()]);
            }
            assert_eq!(args, want, "{line}");
        }
    }
}

/// The request with its list parameters sorted: the SDK writes query parameters in its own order, and the
/// order changes nothing but the echo in `nextPageUri`.
fn unordered(r: &ApiRequest) -> ApiRequest {
    let mut r = r.clone();
    match &mut r {
        ApiRequest::ListConferences { page, .. }
        | ApiRequest::ListParticipants { page, .. }
        | ApiRequest::ListConferenceRecordings { page, .. }
        | ApiRequest::ListCalls { page, .. }
        | ApiRequest::ListCallRecordings { page, .. }
        | ApiRequest::ListRecordings { page, .. }
        | ApiRequest::ListCallLogs { page, .. }
        | ApiRequest::ListApplications { page, .. }
        | ApiRequest::ListIncomingNumbers { page, .. } => page.params.sort(),
        _ => {}
    }
    r
}

#[test]
fn python_snippets_run_against_the_sdk() {
    let ids = ids();
    let mut cases: Vec<(Request, Option<&Endpoint>)> = ENDPOINTS
        .iter()
        .map(|e| (request_for(e, &ids, false), Some(e)))
        .collect();
    cases.extend(extra_requests(&ids).into_iter().map(|r| (r, None)));
    let dir = sdk::root().join("target/api-catalog-snippets");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("snippet dir");
    let mut files = Vec::new();
    for (i, (r, endpoint)) in cases.iter().enumerate() {
        let script = snippet::python_sdk(r, DEFAULT_BASE_URL, &ids.account, KEY);
        if let Some(e) = endpoint {
            // The catalogue's own requests use the typed method, never the fallback.
            assert!(
                script.contains(&format!("result = api.{}(", e.sdk_method)),
                "{script}"
            );
            if let Some(model) = e.sdk_model {
                assert!(script.contains(&format!("request = {model}(")), "{script}");
            }
            assert!(!script.contains("param_serialize"), "{script}");
        }
        let path = dir.join(format!("snippet_{i:02}.py"));
        std::fs::write(&path, script).expect("write snippet");
        files.push(path);
    }
    sdk::python(&[]);
    let harness = sdk::root().join("tests/sdk/snippet_harness.py");
    let args: Vec<&str> = files
        .iter()
        .map(|p| p.to_str().expect("utf-8 path"))
        .collect();
    let out = sdk::expect_success(sdk::run_python(&harness, &args, None), "snippet_harness.py");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), cases.len());
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{KEY}", ids.account))
    );
    let root = format!("{DEFAULT_BASE_URL}/apiserver");
    for ((r, _), line) in cases.iter().zip(&lines) {
        let calls = line["calls"].as_array().expect("calls");
        assert_eq!(calls.len(), 1, "{line}");
        let call = &calls[0];
        assert_eq!(call["headers"]["Authorization"], auth.as_str(), "{line}");
        let url = call["url"].as_str().expect("url");
        let rest = url
            .strip_prefix(&root)
            .unwrap_or_else(|| panic!("{url} is not under {root}"));
        let (path, q) = rest.split_once('?').unwrap_or((rest, ""));
        let body = match &call["body"] {
            Value::Null => String::new(),
            b => b.to_string(),
        };
        let mut sent = HttpRequest::new(call["method"].as_str().expect("method"), path, body);
        sent.query = q.to_owned();
        let by_sdk = parse(&sent, &ids.account);
        let original = route(r, &ids.account);
        match (&by_sdk, &original) {
            (Ok(a), Ok(b)) => assert_eq!(unordered(a), unordered(b), "{line}"),
            // A refused request is sent unchanged, so it is refused the same way (its message names the path).
            (Err(a), Err(b)) => assert_eq!((a.status, a.code), (b.status, b.code), "{line}"),
            _ => panic!(
                "the SDK's request routes to {by_sdk:?}, the original to {original:?}: {line}"
            ),
        }
    }
}
