//! Webhooks as real HTTP: each [`WebhookRequest`] POSTed to its URL with its exact headers and body, read back
//! as the engine's [`WebhookResult`]. What FreeClimb documents as a failed webhook is a failure here too: no
//! connection, no answer within the timeout (10 s by default), or an answer whose body is over
//! [`super::MAX_WEBHOOK_BODY_BYTES`]. The reasons are plain text, logged and recorded with the reply.

use super::MAX_WEBHOOK_BODY_BYTES;
use crate::engine::{WebhookRequest, WebhookResult};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// The webhook sender: one connection pool, one timeout.
#[derive(Clone)]
pub struct Client {
    http: HyperClient<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

impl Client {
    /// A client that gives up after `timeout`.
    pub fn new(timeout: Duration) -> Client {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Client {
            http: HyperClient::builder(TokioExecutor::new()).build(connector),
            timeout,
        }
    }

    /// Sends `w` and gives what came back, or why nothing usable did.
    pub async fn send(&self, w: WebhookRequest) -> WebhookResult {
        let limit_ms = self.timeout.as_millis();
        match tokio::time::timeout(self.timeout, self.exchange(w)).await {
            Ok(result) => result,
            Err(_) => WebhookResult::Failed {
                reason: format!("no answer within {limit_ms} ms"),
            },
        }
    }

    async fn exchange(&self, w: WebhookRequest) -> WebhookResult {
        let failed = |reason: String| WebhookResult::Failed { reason };
        if !w.url.starts_with("http://") {
            return failed(format!(
                "conflab serve sends webhooks over plain http only; {} is not an http:// URL",
                w.url
            ));
        }
        let mut builder = hyper::Request::builder().method("POST").uri(&w.url);
        for (name, value) in &w.headers {
            builder = builder.header(name, value);
        }
        let request = match builder.body(Full::new(Bytes::from(w.raw_body))) {
            Ok(r) => r,
            Err(e) => return failed(format!("the request to {} could not be built: {e}", w.url)),
        };
        let response = match self.http.request(request).await {
            Ok(r) => r,
            Err(e) => return failed(format!("no connection to the app: {}", error_chain(&e))),
        };
        let status = response.status().as_u16();
        match Limited::new(response.into_body(), MAX_WEBHOOK_BODY_BYTES)
            .collect()
            .await
        {
            Ok(body) => WebhookResult::Response {
                status,
                body: String::from_utf8_lossy(&body.to_bytes()).into_owned(),
            },
            Err(e) if e.is::<http_body_util::LengthLimitError>() => failed(format!(
                "the answer's body is over the {MAX_WEBHOOK_BODY_BYTES}-byte limit"
            )),
            Err(e) => failed(format!("the answer broke off: {e}")),
        }
    }
}

/// An error and its sources, innermost last: hyper-util's "client error (Connect)" says little alone.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
