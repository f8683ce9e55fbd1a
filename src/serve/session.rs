//! The session: one [`Run`] owned by one actor task. Every input (a REST request, a control step, the clock,
//! a webhook's answer) is a [`Command`] on its channel, so the engine needs no lock and inputs are applied in
//! the order they arrive. After each input the actor publishes the settled log lines (to the bounded window and
//! the live streams) and sends the webhooks the input caused; a REST request's webhooks wait until its response
//! has been handed to the connection ([`Gate`]).

use super::clock::{Clock, ClockMode};
use super::{LOG_WINDOW_LINES, Options, webhook};
use crate::api::HttpRequest;
use crate::engine::{ApiReply, Run, WebhookResult};
use crate::scenario::{self, Action, ScenarioErrors};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

/// What the server tells about itself (`GET /conflab/info`, the start banner).
#[derive(Clone, Debug)]
pub struct Info {
    /// `http://ADDR:PORT/apiserver`.
    pub base_url: String,
    /// The account id (the Basic auth username).
    pub account_id: String,
    /// The API key (the Basic auth password).
    pub api_key: String,
    /// Real or manual.
    pub clock: ClockMode,
}

/// Opens when a REST response has been handed to its connection; the webhooks it caused wait for it.
pub type Gate = watch::Sender<bool>;

/// The log window so far, and a subscription to the lines that come next.
pub type LogFeed = (Vec<Arc<str>>, broadcast::Receiver<Arc<str>>);

/// One input for the session.
pub enum Command {
    /// A REST request that passed auth and routing. `record`: the `api` step it becomes in the scenario
    /// (`None`: a read-only request, logged but not recorded).
    Api {
        /// The request as the engine takes it.
        request: HttpRequest,
        /// The step, for a request that may change state.
        record: Option<scenario::ApiRequest>,
        /// The response, and the gate to open once it is sent.
        reply: oneshot::Sender<(Option<ApiReply>, Gate)>,
    },
    /// `POST /conflab/steps`: the body's text.
    Steps {
        /// The JSON text.
        source: String,
        /// How many steps were applied, or every problem.
        reply: oneshot::Sender<Result<usize, ScenarioErrors>>,
    },
    /// `GET /conflab/log`: the window so far, and (to follow) a subscription to what comes next.
    Log {
        /// The lines, and the stream of the next ones.
        reply: oneshot::Sender<LogFeed>,
    },
    /// `GET /conflab/scenario`.
    Scenario {
        /// The scenario file.
        reply: oneshot::Sender<String>,
    },
    /// `POST /conflab/clock`.
    Advance {
        /// How far.
        ms: u64,
        /// The new virtual time, or why not (a real clock).
        reply: oneshot::Sender<Result<u64, String>>,
    },
    /// The virtual time now.
    Now {
        /// It, and how many webhooks await their answer.
        reply: oneshot::Sender<(u64, usize)>,
    },
    /// The server stops: end the log streams (the session still answers until its handles go).
    Close,
    /// A webhook's answer (or failure) came back.
    Webhook {
        /// Its place in the order of sending.
        order: u64,
        /// The webhook's id.
        id: u64,
        /// What came back.
        result: WebhookResult,
    },
}

/// A handle on the session: its channel and what it tells about itself.
#[derive(Clone)]
pub struct Session {
    /// Where commands go.
    pub tx: mpsc::Sender<Command>,
    /// Account and clock.
    pub info: Arc<Info>,
}

impl Session {
    /// Starts the actor for `options` on the current runtime; the server listens on `addr`.
    pub fn spawn(options: &Options, addr: SocketAddr) -> Session {
        let scenario = match options.clock {
            // Unix time is the wall clock's, so the SDKs' RequestVerifier (5 minutes' tolerance) accepts it; the
            // export keeps this epoch, so its replay gives the same log.
            ClockMode::Real => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0.0, |d| d.as_millis() as f64);
                options.scenario.clone().starting_at(now)
            }
            // The scenario's epoch, so the same session gives the same log.
            ClockMode::Manual => options.scenario.clone(),
        };
        let mut run = Run::new(scenario);
        run.hand_webhooks_to_driver();
        // The server keeps a window of the log, not the whole of it, and runs for hours: no per-run log budget.
        run.set_log_budget(None);
        let account = &run.engine().config().account;
        let info = Arc::new(Info {
            base_url: format!("http://{addr}/apiserver"),
            account_id: account.account_id.clone(),
            api_key: account.api_key.clone(),
            clock: options.clock,
        });
        let (tx, rx) = mpsc::channel(1024);
        let (lines, _) = broadcast::channel(4096);
        let actor = Actor {
            run,
            clock: Clock::new(options.clock),
            window: VecDeque::new(),
            lines,
            tx: tx.downgrade(),
            client: webhook::Client::new(options.webhook_timeout),
            sent: 0,
            held: std::collections::BTreeMap::new(),
        };
        tokio::spawn(actor.serve(rx));
        Session { tx, info }
    }

    /// Sends `command` and waits for the answer made by `make`; `None` if the session is gone.
    pub async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Option<T> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(make(reply)).await.ok()?;
        answer.await.ok()
    }
}

struct Actor {
    run: Run,
    clock: Clock,
    window: VecDeque<Arc<str>>,
    lines: broadcast::Sender<Arc<str>>,
    /// For the webhook tasks to send their answers back (weak: the session ends when the server's handles go).
    tx: mpsc::WeakSender<Command>,
    client: webhook::Client,
    /// Webhooks sent so far (their order of sending). With the manual clock, answers are held until every
    /// webhook out has one, then delivered in the order the webhooks were sent, so that the same session gives
    /// the same log whichever answer the network brings first.
    sent: u64,
    held: std::collections::BTreeMap<u64, (u64, WebhookResult)>,
}

impl Actor {
    async fn serve(mut self, mut rx: mpsc::Receiver<Command>) {
        loop {
            let due = self.run.next_at().and_then(|at| self.clock.instant_of(at));
            let command = match due {
                Some(due) => tokio::select! {
                    c = rx.recv() => c,
                    () = tokio::time::sleep_until(due.into()) => {
                        let now = self.now();
                        self.run.run_until(now, &mut |_| {});
                        self.flush(None);
                        continue;
                    }
                },
                None => rx.recv().await,
            };
            let Some(command) = command else { return };
            self.handle(command);
        }
    }

    fn now(&self) -> u64 {
        self.clock.now(self.run.engine().now())
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Api {
                request,
                record,
                reply,
            } => {
                let now = self.now();
                let answer = match record {
                    Some(step) => {
                        self.run.take_api_replies();
                        self.run.push_step(now, Action::Api(step));
                        self.run.run_until(now, &mut |_| {});
                        self.run.take_api_replies().pop()
                    }
                    None => self.run.api_unrecorded(now, request, &mut |_| {}),
                };
                let (gate, opened) = watch::channel(false);
                let _ = reply.send((answer, gate));
                self.flush(Some(opened));
            }
            Command::Steps { source, reply } => {
                let result = scenario::parse_steps(&source, self.run.scenario());
                let applied = match result {
                    Ok(actions) => {
                        let now = self.now();
                        let n = actions.len();
                        for action in actions {
                            self.run.push_step(now, action);
                        }
                        self.run.run_until(now, &mut |_| {});
                        Ok(n)
                    }
                    Err(e) => Err(e),
                };
                let _ = reply.send(applied);
                self.flush(None);
            }
            Command::Log { reply } => {
                let _ = reply.send((
                    self.window.iter().cloned().collect(),
                    self.lines.subscribe(),
                ));
            }
            Command::Scenario { reply } => {
                let _ = reply.send(scenario::write(&self.run.recorded_scenario()));
            }
            Command::Advance { ms, reply } => {
                let answer = match &mut self.clock {
                    Clock::Manual { now } => {
                        *now = now.saturating_add(ms);
                        let to = *now;
                        self.run.run_until(to, &mut |_| {});
                        Ok(to)
                    }
                    Clock::Real { .. } => Err(
                        "the clock is real (wall-clock time); start `conflab serve --clock manual` to move it by hand"
                            .to_owned(),
                    ),
                };
                let _ = reply.send(answer);
                self.flush(None);
            }
            Command::Close => {
                // Dropping the sender ends every subscriber's stream; later ones get a closed stream at once.
                let (closed, _) = broadcast::channel(1);
                self.lines = closed;
            }
            Command::Now { reply } => {
                let _ = reply.send((self.now(), self.run.awaiting_webhooks()));
            }
            Command::Webhook { order, id, result } => {
                if self.clock.mode() == ClockMode::Real {
                    self.deliver(id, result);
                } else {
                    // With the manual clock the answers wait until every webhook out has its answer, then go
                    // in the order the webhooks were sent: what the app does meanwhile (a REST request made
                    // while answering) then always comes before all of them, whatever the network's timing.
                    self.held.insert(order, (id, result));
                    if self.held.len() >= self.run.awaiting_webhooks() {
                        for (id, result) in std::mem::take(&mut self.held).into_values() {
                            self.deliver(id, result);
                        }
                    }
                }
                self.flush(None);
            }
        }
    }

    fn deliver(&mut self, id: u64, result: WebhookResult) {
        let now = self.now();
        if let Ok(at) = self.run.deliver(id, result, now, &mut |_| {})
            && let Clock::Manual { now } = &mut self.clock
        {
            // A delivery moved 1 ms on to keep the replay's order (Run::deliver): so does the clock.
            *now = (*now).max(at);
        }
    }

    /// Publishes the settled lines and sends the webhooks handed over (after `gate` opens, if given).
    fn flush(&mut self, gate: Option<watch::Receiver<bool>>) {
        for line in self.run.take_settled_lines() {
            let text: Arc<str> = Arc::from(line.to_json());
            if self.window.len() == LOG_WINDOW_LINES {
                self.window.pop_front();
            }
            self.window.push_back(text.clone());
            let _ = self.lines.send(text);
        }
        while let Some(w) = self.run.poll_webhook() {
            let client = self.client.clone();
            let tx = self.tx.clone();
            let gate = gate.clone();
            let order = self.sent;
            self.sent += 1;
            tokio::spawn(async move {
                if let Some(mut gate) = gate {
                    // The REST response goes first; a client that went away opens the gate by dropping it.
                    let _ = gate.wait_for(|open| *open).await;
                }
                let id = w.id;
                let result = client.send(w).await;
                if let Some(tx) = tx.upgrade() {
                    let _ = tx.send(Command::Webhook { order, id, result }).await;
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::http::{RestRoute, route_rest};
    use std::time::Duration;

    /// A REST request's webhooks wait until its response has been handed over (the gate opens).
    #[tokio::test]
    async fn webhooks_wait_for_the_response_that_caused_them() {
        let hooks = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let hooks_port = hooks.local_addr().unwrap().port();
        let options = Options {
            scenario: scenario::parse("{}").unwrap(),
            addr: ([127, 0, 0, 1], 0).into(),
            clock: ClockMode::Manual,
            webhook_timeout: Duration::from_secs(10),
            page_dir: None,
        };
        let session = Session::spawn(&options, options.addr);
        let info = session.info.clone();
        let body = format!(r#"{{"statusCallbackUrl":"http://127.0.0.1:{hooks_port}/status"}}"#);
        let request = HttpRequest::new(
            "POST",
            &format!("/Accounts/{}/Conferences", info.account_id),
            body,
        )
        .with_header(
            "Authorization",
            &crate::api::auth::basic_header(&info.account_id, &info.api_key),
        );
        let RestRoute::Record(step) = route_rest(&request, &info.account_id, &info.api_key) else {
            panic!("a create conference is recorded");
        };
        let (reply, gate) = session
            .ask(|reply| Command::Api {
                request,
                record: Some(step),
                reply,
            })
            .await
            .unwrap();
        assert_eq!(reply.map(|r| r.status), Some(200));
        // The gate is closed: the webhook does not go out.
        let early = tokio::time::timeout(Duration::from_millis(300), hooks.accept()).await;
        assert!(early.is_err(), "a webhook went out before its response");
        gate.send(true).unwrap();
        let (conn, _) = tokio::time::timeout(Duration::from_secs(10), hooks.accept())
            .await
            .expect("the webhook goes out once the gate opens")
            .unwrap();
        drop(conn);
    }
}
