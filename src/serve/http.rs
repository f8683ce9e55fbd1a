//! The routes. FreeClimb's REST API at `/apiserver/...` (the engine's router and Basic auth decide everything:
//! this module only moves bytes), the control API at `/conflab/...`, and the page at `/`.
//!
//! A REST request that fails auth or routing is answered here by the engine's own pure functions
//! ([`route_rest`]), without reaching the session: it changes nothing and is not logged. One that passes is
//! logged; if it may change state (any method but GET) it also becomes an `api` step of the scenario, so that
//! `GET /conflab/scenario` replays it.

use super::session::{Command, Session};
use super::{MAX_REQUEST_BODY_BYTES, page};
use crate::api::{self, ApiError, ApiResponse, HttpRequest};
use crate::scenario::{self, Method};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone)]
struct App {
    session: Session,
    page_dir: Option<Arc<PathBuf>>,
}

/// Every route of the server.
pub fn router(session: Session, page_dir: Option<PathBuf>) -> Router {
    let app = App {
        session,
        page_dir: page_dir.map(Arc::new),
    };
    Router::new()
        .route("/apiserver", any(rest))
        .route("/apiserver/", any(rest))
        .route("/apiserver/{*rest}", any(rest))
        .route("/conflab/steps", post(steps))
        .route("/conflab/log", get(log))
        .route("/conflab/scenario", get(scenario_file))
        .route("/conflab/clock", post(clock))
        .route("/conflab/info", get(info))
        .fallback(static_file)
        .with_state(app)
}

/// Where a REST request goes, decided by the engine's auth check and router alone (pure; fuzzed).
#[derive(Clone, Debug, PartialEq)]
pub enum RestRoute {
    /// Refused before the engine: 401 (credentials) or 4xx (no such endpoint, a bad body or query).
    Refused(ApiResponse),
    /// A read-only request (GET): run and logged, not recorded.
    Read,
    /// A request that may change state: run, logged and recorded as this `api` step.
    Record(scenario::ApiRequest),
}

/// Routes `request` (its path from `/Accounts/...`, without `/apiserver`) for the account `account_id` with
/// API key `api_key`.
pub fn route_rest(request: &HttpRequest, account_id: &str, api_key: &str) -> RestRoute {
    if let Err(e) = api::auth::check(&request.headers, account_id, api_key) {
        return RestRoute::Refused(e.into());
    }
    if let Err(e) = api::parse(request, account_id) {
        return RestRoute::Refused(e.into());
    }
    let method = match request.method.as_str() {
        "GET" => return RestRoute::Read,
        "POST" => Method::Post,
        "DELETE" => Method::Delete,
        // The router accepts no other method; a refusal in its words, should that change.
        other => {
            return RestRoute::Refused(
                ApiError::method_not_allowed(other, &request.path, &["GET", "POST", "DELETE"])
                    .into(),
            );
        }
    };
    let prefix = format!("/Accounts/{account_id}");
    let rel = request.path.strip_prefix(&prefix).unwrap_or(&request.path);
    let rel = if rel.is_empty() { "/" } else { rel };
    let path = if request.query.is_empty() {
        rel.to_owned()
    } else {
        format!("{rel}?{}", request.query)
    };
    // A body the engine took is JSON (or ignored by the endpoint, and then not worth keeping).
    let body = serde_json::from_slice::<Value>(&request.body).ok();
    RestRoute::Record(scenario::ApiRequest {
        method,
        path,
        query: Vec::new(),
        body,
    })
}

/// The engine's request for an HTTP request to `/apiserver/...`.
pub fn http_request(
    method: &str,
    path: &str,
    query: &str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
) -> HttpRequest {
    let path = path.strip_prefix("/apiserver").unwrap_or(path);
    HttpRequest {
        method: method.to_owned(),
        path: if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        },
        query: query.to_owned(),
        headers,
        body,
    }
}

fn json_response(status: u16, body: Option<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match body {
        Some(body) => (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
        None => status.into_response(),
    }
}

fn api_error(e: &ApiError) -> Response {
    json_response(e.status, Some(e.body().to_string()))
}

fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "the session has stopped\n").into_response()
}

/// The body, up to the limit.
async fn body_bytes(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_REQUEST_BODY_BYTES).await.map_err(|_| {
        ApiError::new(
            413,
            9,
            format!("the request body is over the {MAX_REQUEST_BODY_BYTES}-byte limit of conflab serve"),
            json!({"limit": MAX_REQUEST_BODY_BYTES}),
        )
    })
}

async fn rest(State(app): State<App>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match body_bytes(body).await {
        Ok(b) => b,
        Err(e) => return api_error(&e),
    };
    let headers = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let request = http_request(
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query().unwrap_or(""),
        headers,
        body.to_vec(),
    );
    let info = &app.session.info;
    let record = match route_rest(&request, &info.account_id, &info.api_key) {
        RestRoute::Refused(r) => return json_response(r.status, r.body.map(|b| b.to_string())),
        RestRoute::Read => None,
        RestRoute::Record(step) => Some(step),
    };
    let Some((reply, gate)) = app
        .session
        .ask(|reply| Command::Api {
            request,
            record,
            reply,
        })
        .await
    else {
        return unavailable();
    };
    let Some(reply) = reply else {
        return unavailable();
    };
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // The body is streamed so that the gate opens once hyper has taken it for the connection: only then do the
    // webhooks this request caused go out (a response before the webhooks it causes, as FreeClimb does).
    let chunk = Bytes::from(reply.body.unwrap_or_default());
    let stream = futures_util::stream::unfold(Some((chunk, gate)), |state| async move {
        let (chunk, gate) = state?;
        let _ = gate.send(true);
        Some((Ok::<_, std::convert::Infallible>(chunk), None))
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    if status != StatusCode::NO_CONTENT {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    response
}

/// `{"problems": [{"pointer", "message"}]}`.
fn problems(status: StatusCode, list: Vec<(String, String)>) -> Response {
    let list: Vec<Value> = list
        .into_iter()
        .map(|(pointer, message)| json!({"pointer": pointer, "message": message}))
        .collect();
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "problems": list }).to_string(),
    )
        .into_response()
}

async fn steps(State(app): State<App>, body: Body) -> Response {
    let bytes = match body_bytes(body).await {
        Ok(b) => b,
        Err(e) => {
            return problems(
                StatusCode::PAYLOAD_TOO_LARGE,
                vec![(String::new(), e.message)],
            );
        }
    };
    let Ok(source) = String::from_utf8(bytes.to_vec()) else {
        return problems(
            StatusCode::BAD_REQUEST,
            vec![(
                String::new(),
                "the body is not UTF-8 text; send a JSON step".to_owned(),
            )],
        );
    };
    match app
        .session
        .ask(|reply| Command::Steps { source, reply })
        .await
    {
        Some(Ok(n)) => json_response(200, Some(json!({ "applied": n }).to_string())),
        Some(Err(errors)) => problems(
            StatusCode::BAD_REQUEST,
            errors
                .errors
                .iter()
                .map(|e| (e.pointer.clone(), e.message()))
                .collect(),
        ),
        None => unavailable(),
    }
}

async fn log(State(app): State<App>, request: Request) -> Response {
    let follow = request.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|kv| kv == "follow=1" || kv == "follow=true")
    });
    let Some((lines, rx)) = app.session.ask(|reply| Command::Log { reply }).await else {
        return unavailable();
    };
    if !follow {
        let mut text = String::new();
        for line in lines {
            text.push_str(&line);
            text.push('\n');
        }
        return ([(header::CONTENT_TYPE, "application/x-ndjson")], text).into_response();
    }
    // Server-sent events: the lines so far, then each new one, one `data:` event per line.
    let catch_up = lines.into_iter().collect::<std::collections::VecDeque<_>>();
    let stream =
        futures_util::stream::unfold((catch_up, rx), |(mut catch_up, mut rx)| async move {
            let line = match catch_up.pop_front() {
                Some(line) => line,
                None => match rx.recv().await {
                    Ok(line) => line,
                    // A reader too slow for the log's pace misses lines: it is told how many, and goes on.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        let text = format!("event: lagged\ndata: {n}\n\n");
                        return Some((
                            Ok::<_, std::convert::Infallible>(Bytes::from(text)),
                            (catch_up, rx),
                        ));
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                },
            };
            Some((Ok(Bytes::from(format!("data: {line}\n\n"))), (catch_up, rx)))
        });
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

async fn scenario_file(State(app): State<App>) -> Response {
    match app.session.ask(|reply| Command::Scenario { reply }).await {
        Some(text) => ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
        None => unavailable(),
    }
}

async fn clock(State(app): State<App>, body: Body) -> Response {
    let bytes = body_bytes(body).await.unwrap_or_default();
    let ms = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v.get("advanceMs").and_then(Value::as_u64));
    let Some(ms) = ms else {
        return problems(
            StatusCode::BAD_REQUEST,
            vec![(
                "/advanceMs".to_owned(),
                "send {\"advanceMs\": N} with N a whole number of milliseconds".to_owned(),
            )],
        );
    };
    match app
        .session
        .ask(|reply| Command::Advance { ms, reply })
        .await
    {
        Some(Ok(now)) => json_response(200, Some(json!({ "now": now }).to_string())),
        Some(Err(message)) => json_response(409, Some(json!({ "message": message }).to_string())),
        None => unavailable(),
    }
}

async fn info(State(app): State<App>) -> Response {
    let Some((now, awaiting)) = app.session.ask(|reply| Command::Now { reply }).await else {
        return unavailable();
    };
    let i = &app.session.info;
    let body = json!({
        "baseUrl": i.base_url,
        "accountId": i.account_id,
        "apiKey": i.api_key,
        "clock": i.clock.as_str(),
        "now": now,
        "awaitingWebhooks": awaiting,
    });
    json_response(200, Some(body.to_string()))
}

async fn static_file(State(app): State<App>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let is_index = path == "/" || path == "/index.html";
    let file = app
        .page_dir
        .as_ref()
        .and_then(|dir| page::file_for(dir, &path));
    let bytes = match &file {
        Some(file) => tokio::fs::read(file).await.ok(),
        None => None,
    };
    let (Some(file), Some(bytes)) = (file, bytes) else {
        if is_index {
            return (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page::NO_PAGE,
            )
                .into_response();
        }
        return not_found(&path);
    };
    let content_type = page::content_type(&file);
    if file.file_name().is_some_and(|n| n == "index.html") {
        let text = page::attach(&String::from_utf8_lossy(&bytes));
        return ([(header::CONTENT_TYPE, content_type)], text).into_response();
    }
    ([(header::CONTENT_TYPE, content_type)], bytes).into_response()
}

fn not_found(path: &str) -> Response {
    let e = ApiError::new(
        404,
        1,
        format!(
            "no such path {path} on conflab serve; the REST API is under /apiserver, the control API under /conflab"
        ),
        json!({"path": path}),
    );
    api_error(&e)
}
