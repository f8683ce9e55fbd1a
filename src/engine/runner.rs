//! The scenario runner: feeds a [`Scenario`]'s steps to an [`Engine`] in time order, answers every webhook the
//! way the scenario's `app` says, and records the event log. Pure: the browser runs the same code and gets the
//! same log, byte for byte.
//!
//! [`Run`] is the runner as a value that can be resumed: [`Run::run_until`] moves it to a virtual time, and
//! [`Run::push_step`] adds a step to its timeline. [`run_scenario`] (`conflab run`) runs one to the end in one
//! go; [`crate::sandbox::Sandbox`] (the page, embedding) moves one forward as the user acts. Both are this one
//! loop, which is what makes a session exported at time T replay with `conflab run --until T` to the same log.
//!
//! Order at one virtual time: webhook responses due then, then the engine's timers, then the steps (in file
//! order). A response with `delayMs` equal to the 10 s webhook timeout still arrives in time; a longer one
//! loses. Without `until`, the run stops when nothing is pending, or at its horizon (a note says so: an app that
//! re-prompts forever would otherwise never stop): [`MAX_RUN_MS`] of virtual time, or the last step's time when
//! a step is written later than that (so no step is ever silently left out).
//!
//! # Bounded memory
//! The log is handed out as it happens: a driver that does not keep it (`conflab run`, through
//! [`stream_scenario`]) asks [`Run::stream`] to pause every few lines and takes them with [`Run::drain_log`], so
//! memory holds what is live, not how long the run was. The sandbox keeps its whole log (the page's views and
//! time travel read it), within the same budgets. Budgets end a runaway run with a note and the log written up to
//! that point: [`MAX_LOG_LINES`] lines or [`MAX_LOG_BYTES`] bytes per run here, and per virtual instant
//! [`super::MAX_CALLS_PER_INSTANT`] calls and [`super::MAX_WEBHOOKS_PER_INSTANT`] webhooks in the engine.

use super::log::{ApiLine, AppReply, Entry, FetchLine, LogLine, WebhookLine};
use super::{
    Config, Engine, Event, FetchRequest, HttpRequest, Input, Output, WebhookRequest, WebhookResult,
};
use crate::scenario::template::{self, Lookup};
use crate::scenario::{Action, AppAnswer, AppResponse, Fault, Reply, Scenario, Step};
use serde_json::Value;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

/// Without `until`, a run stops after one hour of virtual time.
pub const MAX_RUN_MS: u64 = 3_600_000;
/// A run stops after this many log lines, whatever the time.
pub const MAX_LOG_LINES: usize = 1_000_000;
/// A run stops once its log holds this many bytes (each line's JSON and its newline, as `conflab run` writes
/// them), whatever the time: 256 MiB. Counted the same way by every driver, so a session and its replay stop at
/// the same line.
pub const MAX_LOG_BYTES: u64 = 256 * 1024 * 1024;
/// The per-run log budget: a run stops once its log reaches either figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogBudget {
    /// Lines, drained or not.
    pub lines: usize,
    /// Bytes of JSON lines and their newlines, drained or not.
    pub bytes: u64,
}

impl Default for LogBudget {
    fn default() -> Self {
        LogBudget {
            lines: MAX_LOG_LINES,
            bytes: MAX_LOG_BYTES,
        }
    }
}

/// How many lines a streaming run ([`stream_scenario`]) holds before it hands them out.
pub const STREAM_BATCH: usize = 256;

impl Lookup for Engine {
    fn conference_by_alias(&self, alias: &str) -> Option<String> {
        Engine::conference_by_alias(self, alias)
    }
    fn current_call_of(&self, phone: &str) -> Option<String> {
        Engine::current_call_of(self, phone)
    }
}

/// How the closing note begins: the one line `run_scenario` adds when nothing is pending and calls are still up,
/// which a live session (that never stops by itself) does not have.
pub const CLOSING_NOTE: &str = "the run ends with nothing pending";

/// Whether `line` is [`run_scenario`]'s closing note.
pub fn is_closing_note(line: &LogLine) -> bool {
    matches!(&line.entry, Entry::Note { text, .. } if text.starts_with(CLOSING_NOTE))
}

/// Runs `scenario` until nothing is pending (or until virtual time `until`, which overrides the scenario's
/// own `until`) and returns the event log.
pub fn run_scenario(scenario: &Scenario, until: Option<u64>) -> Vec<LogLine> {
    run_scenario_inspect(scenario, until, &mut |_| {})
}

/// [`run_scenario`], calling `inspect` with the engine after every input (for invariant checks in tests and
/// for the audio score).
pub fn run_scenario_inspect(
    scenario: &Scenario,
    until: Option<u64>,
    inspect: &mut dyn FnMut(&Engine),
) -> Vec<LogLine> {
    let mut log = Vec::new();
    stream_scenario(scenario.clone(), until, inspect, &mut |line, _| {
        log.push(line);
        true
    });
    log
}

/// How a streamed run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Streamed {
    /// The run reached its end (its log ends as [`run_scenario`]'s does).
    Ended,
    /// `emit` refused a line (a closed pipe, a write error): the run stopped there.
    Refused,
}

/// [`run_scenario_inspect`], handing each log line and its JSON text (the edge form, as the byte budget counted
/// it) to `emit` as the run goes (in batches of at most [`STREAM_BATCH`] lines) instead of keeping the log:
/// memory holds what is live, not the run's length. `emit` returns `false` to stop the run (its output is gone).
/// The lines are exactly [`run_scenario`]'s. It takes the scenario (the run keeps it), so a driver that has no
/// other use for it holds one copy, not two.
pub fn stream_scenario(
    scenario: Scenario,
    until: Option<u64>,
    inspect: &mut dyn FnMut(&Engine),
    emit: &mut dyn FnMut(LogLine, &str) -> bool,
) -> Streamed {
    let until = until.or(scenario.until);
    let mut run = Run::new(scenario);
    run.stream(STREAM_BATCH);
    let horizon = until.unwrap_or_else(|| run.horizon());
    let progress = loop {
        let progress = run.run_until(horizon, inspect);
        for (line, json) in run.drain_log_json() {
            if !emit(line, &json) {
                return Streamed::Refused;
            }
        }
        if progress != Progress::Paused {
            break progress;
        }
    };
    let closing = match progress {
        // When nothing else is pending, say which calls are still up (a Park, a loop-forever Say, a conference
        // nobody leaves): the run ends, they do not.
        Progress::Drained => {
            let live: Vec<String> = run
                .engine
                .calls()
                .filter(|c| !c.is_over())
                .map(|c| format!("{} ({}, {})", c.id, c.phone, c.status))
                .collect();
            (!live.is_empty()).then(|| {
                LogLine::note(
                    run.log.last_at,
                    format!("{CLOSING_NOTE}; still up: {}", live.join(", ")),
                )
            })
        }
        Progress::Reached if until.is_none() => Some(LogLine::note(
            horizon,
            format!(
                "the run stopped after {horizon} ms of virtual time with work still pending; give an `until` to stop earlier"
            ),
        )),
        Progress::Reached | Progress::LogFull | Progress::Paused => None,
    };
    if let Some(line) = closing
        && !emit(line.clone(), &line.to_json())
    {
        return Streamed::Refused;
    }
    Streamed::Ended
}

/// How far [`Run::run_until`] got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Nothing is pending: no step, timer or webhook response is left.
    Drained,
    /// Something is pending after the time asked for.
    Reached,
    /// The log reached a budget ([`MAX_LOG_LINES`], [`MAX_LOG_BYTES`]); the run is over (a note says so) and
    /// moves no further.
    LogFull,
    /// A streaming run ([`Run::stream`]) holds a batch of lines: take them ([`Run::drain_log`]) and call
    /// [`Run::run_until`] again to go on. Never returned otherwise.
    Paused,
}

/// A scenario being run: the engine, the app's answers in flight, the steps not yet fired and the log so far.
pub struct Run {
    scenario: Scenario,
    /// What the app answers now: `scenario.app` as the `set` steps fired so far have changed it. Kept here, not
    /// in `scenario`, so that the scenario stays the session's world plus its steps (what the export writes).
    app: BTreeMap<String, AppResponse>,
    engine: Engine,
    log: Written,
    /// Streaming: [`Run::run_until`] pauses once this many lines are held.
    batch: Option<usize>,
    /// The per-run log budget (`None`: a driver that keeps a bounded window and runs for hours).
    budget: Option<LogBudget>,
    /// Webhook responses to deliver: (time, sequence, webhook id, result).
    deliveries: BinaryHeap<Reverse<(u64, u64, u64, Response)>>,
    seq: u64,
    /// API requests in flight: id → (method, path as logged).
    api: BTreeMap<u64, (String, String)>,
    /// How many of `scenario.steps` (in time order) have fired.
    fired: usize,
    full: bool,
    /// How many of `scenario.replies[url]` have been used, per URL.
    replies_used: BTreeMap<String, usize>,
    /// Set when a driver answers the webhooks the app does not ([`Run::hand_webhooks_to_driver`]).
    driver: Option<Driver>,
    /// The order key of the last input fed: (virtual time, class, sequence), class 0 a webhook response, 1 the
    /// timers, 2 a step: the order [`Run::run_until`] feeds things at one virtual time.
    last_fed: (u64, u8, u64),
    /// The API responses of the last input, for a driver that answers HTTP ([`Run::take_api_replies`]).
    api_replies: Vec<super::ApiReply>,
}

/// The log as the budgets see it: the lines not drained yet, and how much was written in all.
#[derive(Default)]
struct Written {
    /// The lines not drained yet (all of them unless the driver drains).
    held: Vec<LogLine>,
    /// Lines written so far, drained or not.
    lines: usize,
    /// Bytes written so far (each line's JSON and its newline), drained or not.
    bytes: u64,
    /// The time of the latest line.
    last_at: u64,
    /// Streaming: keep each held line's JSON text in `json` too.
    keep_json: bool,
    json: Vec<String>,
}

impl Written {
    /// The index in the whole log of the first line held (the lines before it were drained).
    fn base(&self) -> usize {
        self.lines - self.held.len()
    }

    /// Takes the first `n` lines held (and their JSON text, if kept).
    fn take_front(&mut self, n: usize) -> Vec<LogLine> {
        let n = n.min(self.held.len());
        if self.keep_json {
            self.json.drain(..n.min(self.json.len()));
        }
        self.held.drain(..n).collect()
    }

    /// Adds a line, counting it against the budgets.
    fn push(&mut self, line: LogLine) {
        let json = line.to_json();
        self.lines += 1;
        self.bytes = self.bytes.saturating_add(json.len() as u64 + 1);
        self.last_at = line.at;
        self.held.push(line);
        if self.keep_json {
            self.json.push(json);
        }
    }
}

/// A response in flight, as the engine will get it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Response {
    /// The app answered over HTTP.
    Http { status: u16, body: String },
    /// The request failed (connection refused, timeout, …): why.
    Failed { reason: String },
    /// No answer could be made (a template that does not resolve): delivered as [`WebhookResult::Invalid`].
    Invalid { reason: String },
}

impl Response {
    fn result(self) -> WebhookResult {
        match self {
            Response::Http { status, body } => WebhookResult::Response { status, body },
            Response::Failed { reason } => WebhookResult::Failed { reason },
            Response::Invalid { reason } => WebhookResult::Invalid { reason },
        }
    }

    /// How the log shows it: a failure has status 0 and its reason as the body; an answer that could not be
    /// made, status 200 and no body (the error line beside it says why).
    fn reply(&self, delay_ms: u64) -> AppReply {
        let (status, body) = match self {
            Response::Http { status, body } => (*status, body.clone()),
            Response::Failed { reason } => (0, reason.clone()),
            Response::Invalid { .. } => (200, String::new()),
        };
        AppReply {
            status,
            body,
            delay_ms,
        }
    }

    fn of_reply(reply: &Reply) -> Response {
        match reply {
            Reply::Http(f) => Response::Http {
                status: f.status,
                body: f.body.clone(),
            },
            Reply::Failed { reason, .. } => Response::Failed {
                reason: reason.clone(),
            },
        }
    }
}

/// The webhooks a driver answers: those handed over and not yet polled, those awaiting an answer, and the
/// answers so far per URL (the export's recorded replies).
#[derive(Debug, Default)]
struct Driver {
    handed: VecDeque<WebhookRequest>,
    awaiting: BTreeMap<u64, Awaiting>,
    /// Per URL, the answers in the order the requests were sent (`None`: not answered yet).
    answers: BTreeMap<String, Vec<Option<Reply>>>,
}

#[derive(Debug)]
struct Awaiting {
    /// The webhook's line in the log (counting lines already taken).
    line: usize,
    sent_at: u64,
    /// The sequence number the runner gave it when it was sent (the order of same-time deliveries).
    seq: u64,
    url: String,
    /// Which of the URL's requests it is.
    slot: usize,
    /// The last input fed when it was sent (the one that caused it).
    fed_before: (u64, u8, u64),
}

/// Why [`Run::deliver`] refused an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliverError {
    /// No webhook with this id waits for the driver's answer (answered already, or never handed over).
    NotAwaited(u64),
}

impl std::fmt::Display for DeliverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeliverError::NotAwaited(id) => write!(
                f,
                "webhook {id} does not wait for an answer from the driver (answered already, or never handed over)"
            ),
        }
    }
}

impl Run {
    /// A run of `scenario` at virtual time 0, before anything happened.
    pub fn new(mut scenario: Scenario) -> Run {
        let (config, ids) = Config::from_scenario(&scenario);
        // A file's steps are in time order already (the reader requires it); one built in code may not be. The
        // sort is stable, so equal times keep their order, and the pointers stay the file's.
        crate::sort::sort_by_key(&mut scenario.steps, |s| s.at);
        Run {
            engine: Engine::with_ids(config, ids),
            app: scenario.app.clone(),
            scenario,
            log: Written::default(),
            batch: None,
            budget: Some(LogBudget::default()),
            deliveries: BinaryHeap::new(),
            seq: 0,
            api: BTreeMap::new(),
            fired: 0,
            full: false,
            replies_used: BTreeMap::new(),
            driver: None,
            last_fed: (0, 0, 0),
            api_replies: Vec::new(),
        }
    }

    /// The scenario: its world, and every step (fired or not) in file order.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The engine, as it is now.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The log so far: the lines not drained yet ([`Run::stream`], [`Run::take_settled_lines`]).
    pub fn log(&self) -> &[LogLine] {
        &self.log.held
    }

    /// The log, owned (the run is over).
    pub fn into_log(self) -> Vec<LogLine> {
        self.log.held
    }

    /// Makes [`Run::run_until`] pause ([`Progress::Paused`]) whenever `batch` lines are held, so that a driver
    /// that does not keep the log can take them with [`Run::drain_log`] as they happen.
    pub fn stream(&mut self, batch: usize) {
        self.batch = Some(batch.max(1));
        self.log.keep_json = true;
    }

    /// Takes the lines held so far (the budgets still count them).
    pub fn drain_log(&mut self) -> std::vec::Drain<'_, LogLine> {
        self.log.json.clear();
        self.log.held.drain(..)
    }

    /// Takes the lines held so far with their JSON text (a streaming run keeps the text the byte budget
    /// measured, so a driver that writes it does not serialise each line twice).
    pub fn drain_log_json(&mut self) -> Vec<(LogLine, String)> {
        let json = std::mem::take(&mut self.log.json);
        let lines = std::mem::take(&mut self.log.held);
        if json.len() == lines.len() {
            lines.into_iter().zip(json).collect()
        } else {
            lines
                .into_iter()
                .map(|l| {
                    let j = l.to_json();
                    (l, j)
                })
                .collect()
        }
    }

    /// Sets the per-run log budget ([`LogBudget::default`] unless changed). `None` is for a driver that keeps a
    /// bounded window of the log and runs for hours (`conflab serve`: a day of REST polling is millions of lines,
    /// not a runaway); the per-instant budgets ([`super::Budgets`]) still stop an app that loops.
    pub fn set_log_budget(&mut self, budget: Option<LogBudget>) {
        self.budget = budget;
    }

    /// Lines and bytes (each line's JSON and its newline) written so far, drained or not.
    pub fn written(&self) -> (usize, u64) {
        (self.log.lines, self.log.bytes)
    }

    /// Where a run without `until` stops: [`MAX_RUN_MS`], or the last step's time if that is later (a step is
    /// never silently left out; docs/scenarios.md, "Time").
    pub fn horizon(&self) -> u64 {
        let last_step = self.scenario.steps.last().map_or(0, |s| s.at);
        MAX_RUN_MS.max(last_step)
    }

    /// How many steps have not fired yet.
    pub fn unfired_steps(&self) -> usize {
        self.scenario.steps.len() - self.fired
    }

    /// Drops the steps that have not fired yet; returns how many.
    pub fn drop_unfired_steps(&mut self) -> usize {
        let dropped = self.unfired_steps();
        self.scenario.steps.truncate(self.fired);
        dropped
    }

    /// Whether the log is full and the run over.
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// When the next thing happens: a step, a timer or a webhook response.
    pub fn next_at(&self) -> Option<u64> {
        let step_at = self.scenario.steps.get(self.fired).map(|s| s.at);
        let delivery_at = self.deliveries.peek().map(|Reverse((at, ..))| *at);
        [delivery_at, self.engine.poll_timeout(), step_at]
            .into_iter()
            .flatten()
            .min()
    }

    /// Adds `action` to the timeline at virtual time `at`, after every step at `at` or earlier (so it fires after
    /// those, as a step written last among them in the file would), keeping `scenario().steps` in time order as
    /// the file format requires; the steps after it move down one place (their pointers follow). It fires when
    /// the run reaches `at`, or at once when the run next moves if `at` is already past. Returns its index.
    pub fn push_step(&mut self, at: u64, action: Action) -> usize {
        let steps = &mut self.scenario.steps;
        let index = self.fired + steps[self.fired..].partition_point(|s| s.at <= at);
        steps.insert(
            index,
            Step {
                at,
                action,
                pointer: String::new(),
            },
        );
        for (i, step) in steps.iter_mut().enumerate().skip(index) {
            step.pointer = format!("/steps/{i}");
            // A `set` step's PerCL pointers are under the step's, as the reader of the exported file sets them.
            if let Action::Set(change) = &mut step.action {
                change.rebase_pointers(&step.pointer);
            }
        }
        index
    }

    /// Runs every step, timer and webhook response due at `limit` or earlier, calling `inspect` with the engine
    /// after every input.
    pub fn run_until(&mut self, limit: u64, inspect: &mut dyn FnMut(&Engine)) -> Progress {
        if self.full {
            return Progress::LogFull;
        }
        loop {
            let step_at = self.scenario.steps.get(self.fired).map(|s| s.at);
            let delivery_at = self.deliveries.peek().map(|Reverse((at, ..))| *at);
            let timer_at = self.engine.poll_timeout();
            let Some(t) = [delivery_at, timer_at, step_at].into_iter().flatten().min() else {
                return Progress::Drained;
            };
            if self.batch.is_some_and(|b| self.log.held.len() >= b) {
                return Progress::Paused;
            }
            if let Some(budget) = self.over_budget() {
                self.log.push(LogLine::note(
                    t,
                    format!("the run stopped: its log reached {budget}, so the app is probably looping; the log above is complete up to here; give an `until` to look at a part"),
                ));
                self.full = true;
                return Progress::LogFull;
            }
            if t > limit {
                return Progress::Reached;
            }
            if delivery_at == Some(t) {
                let Some(Reverse((at, seq, id, r))) = self.deliveries.pop() else {
                    return Progress::Drained;
                };
                self.last_fed = (at, 0, seq);
                self.feed(
                    Input::WebhookResponse {
                        at,
                        id,
                        result: r.result(),
                    },
                    inspect,
                );
            } else if timer_at == Some(t) {
                self.last_fed = (t, 1, 0);
                self.feed(Input::Timeout(t), inspect);
            } else {
                let index = self.fired;
                self.fired += 1;
                self.last_fed = (t, 2, index as u64);
                self.step(index, inspect);
            }
        }
    }

    /// The budget the log has reached, if any, in words.
    fn over_budget(&self) -> Option<String> {
        let budget = self.budget?;
        if self.log.lines >= budget.lines {
            Some(format!("{} lines", budget.lines))
        } else if self.log.bytes >= budget.bytes {
            Some(format!("{} bytes", budget.bytes))
        } else {
            None
        }
    }

    fn feed(&mut self, input: Input, inspect: &mut dyn FnMut(&Engine)) {
        self.engine.handle_input(input);
        while let Some(output) = self.engine.poll_output() {
            self.output(output);
        }
        inspect(&self.engine);
    }

    fn step(&mut self, index: usize, inspect: &mut dyn FnMut(&Engine)) {
        let step = &self.scenario.steps[index];
        let at = step.at;
        let input = match &step.action {
            Action::Dial { from, to } => Input::Dial {
                at,
                from: from.clone(),
                to: to.clone(),
            },
            Action::Hangup { phone } => Input::Hangup {
                at,
                phone: phone.clone(),
            },
            Action::Digits { phone, digits } => Input::Digits {
                at,
                phone: phone.clone(),
                digits: digits.clone(),
            },
            Action::Answer { phone } => Input::Answer {
                at,
                phone: phone.clone(),
            },
            Action::Say { phone, text } => Input::Say {
                at,
                phone: phone.clone(),
                text: text.clone(),
            },
            Action::Set(change) => {
                for (url, entry) in &change.app {
                    match entry {
                        Some(response) => self.app.insert(url.clone(), response.clone()),
                        None => self.app.remove(url),
                    };
                }
                let line = LogLine::new(at, Entry::World(Box::new(change.clone())));
                self.log.push(line);
                Input::Configure {
                    at,
                    change: Box::new(change.clone()),
                }
            }
            Action::Api(req) => match self.api_request(req) {
                Ok((request, shown)) => {
                    self.seq += 1;
                    let id = self.seq;
                    self.api.insert(id, (req.method.as_str().to_owned(), shown));
                    Input::Api { at, id, request }
                }
                Err(e) => {
                    let line = LogLine::new(
                        at,
                        Entry::Error {
                            step: Some(step.pointer.clone()),
                            message: format!("the api step was not sent: {e}"),
                        },
                    );
                    self.log.push(line);
                    return;
                }
            },
        };
        self.feed(input, inspect);
    }

    /// The HTTP request of an `api` step, templates expanded, with Basic auth; and the path as logged.
    fn api_request(
        &self,
        req: &crate::scenario::ApiRequest,
    ) -> Result<(HttpRequest, String), template::TemplateError> {
        let none = Value::Null;
        let rel = template::expand(&req.path, &none, &self.engine)?;
        let account = &self.engine.config().account;
        let (rel_path, inline_query) = match rel.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
            None => (rel, None),
        };
        let rel_path = if rel_path == "/" {
            String::new()
        } else {
            rel_path
        };
        let path = format!("/Accounts/{}{}", account.account_id, rel_path);
        let mut query: Vec<String> = inline_query.into_iter().filter(|q| !q.is_empty()).collect();
        for (k, v) in &req.query {
            let v = template::expand(v, &none, &self.engine)?;
            query.push(format!(
                "{}={}",
                crate::api::query::percent_encode(k),
                crate::api::query::percent_encode(&v)
            ));
        }
        let query = query.join("&");
        let body = match &req.body {
            Some(b) => template::expand_value(b, &none, &self.engine)?
                .to_string()
                .into_bytes(),
            None => Vec::new(),
        };
        let mut headers = vec![(
            "Authorization".to_owned(),
            crate::api::auth::basic_header(&account.account_id, &account.api_key),
        )];
        if !body.is_empty() {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        let shown = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{query}")
        };
        Ok((
            HttpRequest {
                method: req.method.as_str().to_owned(),
                path,
                query,
                headers,
                body,
            },
            shown,
        ))
    }

    fn output(&mut self, output: Output) {
        let at = self.engine.now();
        let entry = match output {
            Output::Webhook(w) => return self.webhook(at, w),
            Output::Fetch(f) => return self.fetch(at, f),
            Output::ApiResponse(reply) => {
                if self.driver.is_some() {
                    self.api_replies.push(reply.clone());
                }
                let (method, path) = self.api.remove(&reply.id).unwrap_or_default();
                Entry::Api(Box::new(ApiLine {
                    method,
                    path,
                    status: reply.status,
                    response: reply.body,
                }))
            }
            Output::Media(change) => Entry::Media(change),
            Output::Event(Event::Conference {
                conference_id,
                status,
                why,
                sandbox_choice,
            }) => Entry::Conference {
                conference_id,
                status,
                why,
                sandbox_choice,
            },
            Output::Event(Event::Call {
                call_id,
                status,
                reason,
            }) => Entry::Call {
                call_id,
                status,
                reason: reason.filter(|_| status.is_final()),
            },
            Output::Event(Event::Note {
                conference_id,
                call_id,
                text,
            }) => Entry::Note {
                conference_id,
                call_id,
                text,
            },
        };
        self.log.push(LogLine::new(at, entry));
    }

    /// Logs a GET for audio and schedules the app's answer: a URL the app lists answers as it says there (a
    /// `status`, `body` and `delayMs`; a PerCL answer is a 200); a URL it does not list is an audio file that
    /// exists (200), as a Play URL is (sandbox choice: the scenario's app serves webhooks, not audio).
    fn fetch(&mut self, at: u64, f: FetchRequest) {
        let (status, body, delay) = match crate::scenario::respond(&self.app, &f.url) {
            AppAnswer::Fault(fault) => (fault.status, fault.body.clone(), fault.delay_ms),
            AppAnswer::Percl { delay_ms, .. } => (200, String::new(), delay_ms),
            AppAnswer::NotFound => (200, String::new(), 0),
        };
        self.log.push(LogLine::new(
            at,
            Entry::Fetch(Box::new(FetchLine {
                method: "GET",
                url: f.url,
                purpose: f.purpose,
                conference_id: f.conference_id,
                response: AppReply {
                    status,
                    body: body.clone(),
                    delay_ms: delay,
                },
            })),
        ));
        self.seq += 1;
        // As for a webhook: a delay past the end of time never arrives.
        if let Some(when) = at.checked_add(delay) {
            let response = Response::Http { status, body };
            self.deliveries
                .push(Reverse((when, self.seq, f.id, response)));
        }
    }

    /// Logs a webhook and schedules the app's answer; a webhook the app does not answer goes to the recorded
    /// replies, then to the driver (when one answers webhooks), else it gets 404.
    fn webhook(&mut self, at: u64, w: WebhookRequest) {
        if !self.app.contains_key(&w.url) {
            if let Some(reply) = self.next_recorded_reply(&w.url) {
                let response = Response::of_reply(&reply);
                return self.log_webhook(at, w, response, reply.delay_ms());
            }
            if self.driver.is_some() {
                return self.hand_over(at, w);
            }
        }
        let http = |status: u16, body: String| Response::Http { status, body };
        let (response, delay, problem) = match crate::scenario::respond(&self.app, &w.url) {
            AppAnswer::Percl { percl, delay_ms } => {
                match template::expand_value_at(&percl.value, &w.body, &self.engine) {
                    Ok(v) => (http(200, v.to_string()), delay_ms, None),
                    // An unresolvable template makes the response invalid PerCL (docs/scenarios.md): no body is
                    // made up; the error names the template's place, and the call ends `appInvalidPercl`.
                    Err((at, e)) => {
                        let place = format!("{}{at}", percl.pointer);
                        let text = format!(
                            "the app at {} could not answer: the template at {place} does not resolve: {e}",
                            w.url
                        );
                        (
                            Response::Invalid {
                                reason: format!("the template at {place} does not resolve: {e}"),
                            },
                            delay_ms,
                            Some(text),
                        )
                    }
                }
            }
            AppAnswer::Fault(f) => (http(f.status, f.body.clone()), f.delay_ms, None),
            AppAnswer::NotFound => (http(404, String::new()), 0, None),
        };
        self.log_webhook(at, w, response, delay);
        if let Some(text) = problem {
            self.log.push(LogLine::new(
                at,
                Entry::Error {
                    step: None,
                    message: text,
                },
            ));
        }
    }

    /// Logs webhook `w` with the app's answer and schedules its delivery `delay` ms later.
    fn log_webhook(&mut self, at: u64, w: WebhookRequest, response: Response, delay: u64) {
        self.log.push(LogLine::new(
            at,
            Entry::Webhook(Box::new(WebhookLine {
                url: w.url,
                request_type: w.request_type,
                expects_percl: w.expects_percl,
                headers: w.headers,
                body: w.body,
                response: response.reply(delay),
            })),
        ));
        self.seq += 1;
        // A delay past the end of time never arrives (the webhook times out): `delayMs` 2^64-1 is "never".
        if let Some(when) = at.checked_add(delay) {
            self.deliveries
                .push(Reverse((when, self.seq, w.id, response)));
        }
    }

    /// The next recorded reply for `url`, if the scenario has one left.
    fn next_recorded_reply(&mut self, url: &str) -> Option<Reply> {
        let replies = self.scenario.replies.get(url)?;
        let used = self.replies_used.entry(url.to_owned()).or_insert(0);
        let reply = replies.get(*used)?.clone();
        *used += 1;
        Some(reply)
    }
}

// A driver that answers webhooks itself (`conflab serve`): the runner hands it the webhooks the scenario's app
// does not answer, logs each at once with a placeholder answer, and fills the answer in when the driver delivers
// it. The lines from a webhook awaiting its answer on are not settled ([`Run::take_settled_lines`]), so what a
// driver publishes is the same log `conflab run` prints for the exported scenario, whose recorded replies are
// these answers.
impl Run {
    /// From now on, webhooks whose URL the scenario's app does not answer (and that no recorded reply answers)
    /// go to the driver: [`Run::poll_webhook`] gives them out, [`Run::deliver`] takes the answer back.
    pub fn hand_webhooks_to_driver(&mut self) {
        self.driver.get_or_insert_with(Driver::default);
    }

    /// The next webhook for the driver to send, if any.
    pub fn poll_webhook(&mut self) -> Option<WebhookRequest> {
        self.driver.as_mut()?.handed.pop_front()
    }

    /// How many webhooks wait for the driver's answer.
    pub fn awaiting_webhooks(&self) -> usize {
        self.driver.as_ref().map_or(0, |d| d.awaiting.len())
    }

    /// Delivers the driver's answer to webhook `id` at virtual time `at` (or later: see below) and runs what it
    /// causes. Returns the virtual time it was delivered at.
    ///
    /// The log records the answer on the webhook's line with `delayMs` = delivery − sending, and the export
    /// records it as the URL's next reply. A replay delivers a reply before the timers and steps of the same
    /// millisecond, so when something of that kind was fed at `at` after the webhook was sent, the answer is
    /// delivered 1 ms later: that keeps the replay's order (and moves the driver's clock by that millisecond).
    pub fn deliver(
        &mut self,
        id: u64,
        result: WebhookResult,
        at: u64,
        inspect: &mut dyn FnMut(&Engine),
    ) -> Result<u64, DeliverError> {
        let driver = self.driver.as_mut().ok_or(DeliverError::NotAwaited(id))?;
        let waiting = driver
            .awaiting
            .remove(&id)
            .ok_or(DeliverError::NotAwaited(id))?;
        // Everything due before `at` happens first, as in the replay.
        let mut at = at.max(self.engine.now()).max(self.last_fed.0);
        if at > 0 {
            self.run_until(at - 1, inspect);
        }
        at = at.max(self.engine.now()).max(self.last_fed.0);
        if self.last_fed.0 == at
            && self.last_fed != waiting.fed_before
            && (self.last_fed.1, self.last_fed.2) > (0, waiting.seq)
        {
            at += 1;
            self.run_until(at - 1, inspect);
        }
        let delay_ms = at - waiting.sent_at;
        let reply = match &result {
            WebhookResult::Response { status, body } => Reply::Http(Fault {
                status: *status,
                body: body.clone(),
                delay_ms,
            }),
            WebhookResult::Failed { reason } => Reply::Failed {
                reason: reason.clone(),
                delay_ms,
            },
            // A driver sends HTTP and gets an answer or a failure; "no answer could be made" is the scenario
            // app's own (a template), so it is recorded as the same failure.
            WebhookResult::Invalid { reason } => Reply::Failed {
                reason: reason.clone(),
                delay_ms,
            },
        };
        let response = Response::of_reply(&reply);
        if let Some(line) = waiting
            .line
            .checked_sub(self.log.base())
            .and_then(|i| self.log.held.get_mut(i))
            && let Entry::Webhook(w) = &mut line.entry
        {
            w.response = response.reply(delay_ms);
        }
        if let Some(driver) = self.driver.as_mut()
            && let Some(slot) = driver
                .answers
                .get_mut(&waiting.url)
                .and_then(|a| a.get_mut(waiting.slot))
        {
            *slot = Some(reply);
        }
        self.last_fed = (at, 0, waiting.seq);
        self.feed(Input::WebhookResponse { at, id, result }, inspect);
        Ok(at)
    }

    /// Takes the log lines that are settled: those before the first webhook still awaiting the driver's answer
    /// (all of them without a driver). A long-running driver keeps its own bounded window of them.
    pub fn take_settled_lines(&mut self) -> Vec<LogLine> {
        let first_open = self
            .driver
            .as_ref()
            .and_then(|d| d.awaiting.values().map(|a| a.line).min())
            .map_or(self.log.held.len(), |line| line - self.log.base());
        self.log.take_front(first_open)
    }

    /// The scenario with the driver's answers so far as recorded replies (per URL, up to the first request
    /// still awaiting its answer): what `conflab run` replays to the same log.
    pub fn recorded_scenario(&self) -> Scenario {
        let mut s = self.scenario.clone();
        if let Some(driver) = &self.driver {
            for (url, answers) in &driver.answers {
                let replies = s.replies.entry(url.clone()).or_default();
                replies.extend(answers.iter().map_while(Clone::clone));
            }
        }
        s
    }

    /// The API responses since the last call (with a driver only): a driver that pushed an `api` step and ran
    /// to now answers its HTTP client with the last one.
    pub fn take_api_replies(&mut self) -> Vec<super::ApiReply> {
        std::mem::take(&mut self.api_replies)
    }

    /// Runs to `at`, then sends a read-only REST request now without making it a step: it is logged, but the
    /// scenario (the export) does not grow with every GET of a long session. Returns its response.
    pub fn api_unrecorded(
        &mut self,
        at: u64,
        request: HttpRequest,
        inspect: &mut dyn FnMut(&Engine),
    ) -> Option<super::ApiReply> {
        self.run_until(at, inspect);
        self.seq += 1;
        let id = self.seq;
        let shown = if request.query.is_empty() {
            request.path.clone()
        } else {
            format!("{}?{}", request.path, request.query)
        };
        self.api.insert(id, (request.method.clone(), shown));
        let at = at.max(self.engine.now());
        self.feed(Input::Api { at, id, request }, inspect);
        self.api_replies.pop()
    }

    /// Hands webhook `w` to the driver: logged now with a placeholder answer that [`Run::deliver`] fills in.
    fn hand_over(&mut self, at: u64, w: WebhookRequest) {
        self.seq += 1;
        let line = self.log.lines;
        self.log.push(LogLine::new(
            at,
            Entry::Webhook(Box::new(WebhookLine {
                url: w.url.clone(),
                request_type: w.request_type,
                expects_percl: w.expects_percl,
                headers: w.headers.clone(),
                body: w.body.clone(),
                response: AppReply {
                    status: 0,
                    body: String::new(),
                    delay_ms: 0,
                },
            })),
        ));
        let Some(driver) = self.driver.as_mut() else {
            return;
        };
        let answers = driver.answers.entry(w.url.clone()).or_default();
        answers.push(None);
        driver.awaiting.insert(
            w.id,
            Awaiting {
                line,
                sent_at: at,
                seq: self.seq,
                url: w.url.clone(),
                slot: answers.len() - 1,
                fed_before: self.last_fed,
            },
        );
        driver.handed.push_back(w);
    }
}
