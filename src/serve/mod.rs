//! `conflab serve`: the simulated FreeClimb behind real HTTP, a third shell around the one engine runner
//! (beside `conflab run` and the sandbox). Native only.
//!
//! * [`session`]: the one [`crate::engine::Run`], owned by one actor task that takes commands over a channel
//!   (REST requests, control steps, the clock, webhook answers), so the engine sits behind no lock and a REST
//!   response is handed over before the webhooks it causes are sent.
//! * [`http`]: the routes (axum): FreeClimb's REST API at `/apiserver/...`, the control API at `/conflab/...`,
//!   the page at `/`.
//! * [`webhook`]: webhooks as real HTTP POSTs (hyper's client), with the timeout and the body limit.
//! * [`page`]: the built page (Trunk's `dist/`), attached to this server.
//! * [`clock`]: virtual time from the wall clock (`--clock real`) or moved by hand (`--clock manual`).
//!
//! `docs/serve.md` documents every endpoint, the clock modes, the recorded replies and the limits.

pub mod clock;
pub mod http;
pub mod page;
pub mod session;
pub mod webhook;

pub use clock::ClockMode;

use crate::scenario::Scenario;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How many log lines the server keeps for `GET /conflab/log` and a new stream's catch-up.
pub const LOG_WINDOW_LINES: usize = 10_000;
/// The largest webhook answer read; a longer body is a failed webhook.
pub const MAX_WEBHOOK_BODY_BYTES: usize = 1024 * 1024;
/// The largest REST or control request body read; a longer one is refused with 413.
pub const MAX_REQUEST_BODY_BYTES: usize = 1024 * 1024;

/// Everything `conflab serve` starts with.
#[derive(Clone, Debug)]
pub struct Options {
    /// The world and the steps to start from.
    pub scenario: Scenario,
    /// Where to listen.
    pub addr: SocketAddr,
    /// Real or manual virtual time.
    pub clock: ClockMode,
    /// How long a webhook may take in real time before it fails (FreeClimb's 10 s by default).
    pub webhook_timeout: Duration,
    /// The built page to serve at `/`, if any.
    pub page_dir: Option<PathBuf>,
}

/// A running server: its address and how to stop it.
pub struct Server {
    /// The address it listens on (the port resolved when 0 was asked for).
    pub addr: SocketAddr,
    /// The account's id and API key, for the banner.
    pub account_id: String,
    /// The API key.
    pub api_key: String,
    stop: tokio::sync::oneshot::Sender<()>,
    session: session::Session,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Binds `options.addr` and starts serving on the current tokio runtime.
    pub async fn start(options: Options) -> std::io::Result<Server> {
        let listener = tokio::net::TcpListener::bind(options.addr).await?;
        let addr = listener.local_addr()?;
        let session = session::Session::spawn(&options, addr);
        let account_id = session.info.account_id.clone();
        let api_key = session.info.api_key.clone();
        let app = http::router(session.clone(), options.page_dir.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Server {
            addr,
            account_id,
            api_key,
            stop,
            session,
            task,
        })
    }

    /// The REST API's base URL: what the SDKs take as `host`.
    pub fn base_url(&self) -> String {
        format!("http://{}/apiserver", self.addr)
    }

    /// Stops accepting connections, ends the log streams, lets the requests in progress finish, and waits.
    pub async fn stop(self) -> std::io::Result<()> {
        let _ = self.stop.send(());
        // A following reader's stream would otherwise keep its connection, and the server, open.
        let _ = self.session.tx.send(session::Command::Close).await;
        self.task.await.unwrap_or(Ok(()))
    }
}
