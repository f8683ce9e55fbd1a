//! The scenario runner: feeds a [`Scenario`]'s steps to an [`Engine`] in time order, answers every webhook the
//! way the scenario's `app` says, and records the event log. Pure: the browser runs the same function and gets
//! the same log, byte for byte.
//!
//! Order at one virtual time: webhook responses due then, then the engine's timers, then the steps (in file
//! order). A response with `delayMs` equal to the 10 s webhook timeout still arrives in time; a longer one
//! loses. Without `until`, the run stops when nothing is pending, or after [`MAX_RUN_MS`] of virtual time (a
//! note says so: an app that re-prompts forever would otherwise never stop).

use super::log::LogLine;
use super::{Config, Engine, Event, HttpRequest, Input, Output, WebhookRequest, WebhookResult};
use crate::scenario::template::{self, Lookup};
use crate::scenario::{Action, AppAnswer, Scenario};
use serde_json::Value;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Without `until`, a run stops after one hour of virtual time.
pub const MAX_RUN_MS: u64 = 3_600_000;
/// A run stops after this many log lines, whatever the time.
pub const MAX_LOG_LINES: usize = 1_000_000;

impl Lookup for Engine {
    fn conference_by_alias(&self, alias: &str) -> Option<String> {
        Engine::conference_by_alias(self, alias)
    }
    fn current_call_of(&self, phone: &str) -> Option<String> {
        Engine::current_call_of(self, phone)
    }
}

/// Runs `scenario` until nothing is pending (or until virtual time `until`, which overrides the scenario's
/// own `until`) and returns the event log.
pub fn run_scenario(scenario: &Scenario, until: Option<u64>) -> Vec<LogLine> {
    run_scenario_inspect(scenario, until, &mut |_| {})
}

/// [`run_scenario`], calling `inspect` with the engine after every input (for invariant checks in tests and
/// for the UI's live view).
pub fn run_scenario_inspect(
    scenario: &Scenario,
    until: Option<u64>,
    inspect: &mut dyn FnMut(&Engine),
) -> Vec<LogLine> {
    let (config, ids) = Config::from_scenario(scenario);
    let mut runner = Runner {
        scenario,
        engine: Engine::with_ids(config, ids),
        log: Vec::new(),
        deliveries: BinaryHeap::new(),
        seq: 0,
        api: BTreeMap::new(),
        inspect,
    };
    let until = until.or(scenario.until);
    let drained = runner.run(until);
    // When nothing else is pending, say which calls are still up (a Park, a loop-forever Say, a conference nobody
    // leaves): the run ends, they do not.
    if drained {
        let live: Vec<String> = runner
            .engine
            .calls()
            .filter(|c| !c.is_over())
            .map(|c| format!("{} ({}, {})", c.id, c.phone, c.status))
            .collect();
        if !live.is_empty() {
            let at = runner.log.last().map_or(0, |l| l.at);
            runner.log.push(LogLine::new(at, "note").with(
                "text",
                format!(
                    "the run ends with nothing pending; still up: {}",
                    live.join(", ")
                ),
            ));
        }
    }
    runner.log
}

struct Runner<'a> {
    scenario: &'a Scenario,
    engine: Engine,
    log: Vec<LogLine>,
    /// Webhook responses to deliver: (time, sequence, webhook id, result).
    deliveries: BinaryHeap<Reverse<(u64, u64, u64, Response)>>,
    seq: u64,
    /// API requests in flight: id → (method, path as logged).
    api: BTreeMap<u64, (String, String)>,
    inspect: &'a mut dyn FnMut(&Engine),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Response {
    status: u16,
    body: String,
}

impl Runner<'_> {
    /// Runs until nothing is pending (returns true) or a limit is reached (false).
    fn run(&mut self, until: Option<u64>) -> bool {
        let mut steps: Vec<_> = self.scenario.steps.iter().collect();
        steps.sort_by_key(|s| s.at);
        let mut next = 0;
        let limit = until.unwrap_or(MAX_RUN_MS);
        loop {
            let step_at = steps.get(next).map(|s| s.at);
            let delivery_at = self.deliveries.peek().map(|Reverse((at, ..))| *at);
            let timer_at = self.engine.poll_timeout();
            let Some(t) = [delivery_at, timer_at, step_at].into_iter().flatten().min() else {
                return true;
            };
            if self.log.len() >= MAX_LOG_LINES {
                self.log.push(LogLine::new(t, "note").with(
                    "text",
                    format!("the run stopped after {MAX_LOG_LINES} log lines; give an `until` to look at a part"),
                ));
                return false;
            }
            if t > limit {
                if until.is_none() {
                    self.log.push(LogLine::new(limit, "note").with(
                        "text",
                        format!("the run stopped after {MAX_RUN_MS} ms of virtual time with work still pending; give an `until` to stop earlier"),
                    ));
                }
                return false;
            }
            if delivery_at == Some(t) {
                let Some(Reverse((at, _, id, r))) = self.deliveries.pop() else {
                    return true;
                };
                let result = WebhookResult::Response {
                    status: r.status,
                    body: r.body,
                };
                self.feed(Input::WebhookResponse { at, id, result });
            } else if timer_at == Some(t) {
                self.feed(Input::Timeout(t));
            } else {
                let step = steps[next];
                next += 1;
                self.step(step);
            }
        }
    }

    fn feed(&mut self, input: Input) {
        self.engine.handle_input(input);
        while let Some(output) = self.engine.poll_output() {
            self.output(output);
        }
        (self.inspect)(&self.engine);
    }

    fn step(&mut self, step: &crate::scenario::Step) {
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
            Action::Api(req) => match self.api_request(req) {
                Ok((request, shown)) => {
                    self.seq += 1;
                    let id = self.seq;
                    self.api.insert(id, (req.method.as_str().to_owned(), shown));
                    Input::Api { at, id, request }
                }
                Err(e) => {
                    self.log.push(
                        LogLine::new(at, "error")
                            .with("step", step.pointer.clone())
                            .with("message", format!("the api step was not sent: {e}")),
                    );
                    return;
                }
            },
        };
        self.feed(input);
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
        match output {
            Output::Webhook(w) => self.webhook(at, w),
            Output::ApiResponse(reply) => {
                let (method, path) = self.api.remove(&reply.id).unwrap_or_default();
                let response = reply.body.as_deref().map_or(Value::Null, |b| {
                    serde_json::from_str(b).unwrap_or(Value::String(b.to_owned()))
                });
                self.log.push(
                    LogLine::new(at, "api")
                        .with("method", method)
                        .with("path", path)
                        .with("status", reply.status)
                        .with("response", response),
                );
            }
            Output::Media(change) => {
                let mut line = LogLine::new(at, "media");
                if let Ok(Value::Object(fields)) = serde_json::to_value(&change) {
                    // Keep the serialised field order of the change: "change" first.
                    let mut fields: Vec<(String, Value)> = fields.into_iter().collect();
                    fields.sort_by_key(|(k, _)| k != "change");
                    for (k, v) in fields {
                        line.fields.push((media_key(&k), v));
                    }
                }
                self.log.push(line);
            }
            Output::Event(Event::Conference {
                conference_id,
                status,
                why,
                sandbox_choice,
            }) => {
                let mut line = LogLine::new(at, "conference")
                    .with("conferenceId", conference_id)
                    .with("status", status.as_str())
                    .with("why", why);
                if let Some(choice) = sandbox_choice {
                    line = line.with("sandboxChoice", choice);
                }
                self.log.push(line);
            }
            Output::Event(Event::Call {
                call_id,
                status,
                reason,
            }) => {
                let mut line = LogLine::new(at, "call")
                    .with("callId", call_id)
                    .with("status", status.as_str());
                if let Some(r) = reason.filter(|_| status.is_final()) {
                    line = line.with("callEndedReason", r.as_str());
                }
                self.log.push(line);
            }
            Output::Event(Event::Note {
                conference_id,
                call_id,
                text,
            }) => {
                let mut line = LogLine::new(at, "note");
                if let Some(c) = conference_id {
                    line = line.with("conferenceId", c);
                }
                if let Some(c) = call_id {
                    line = line.with("callId", c);
                }
                self.log.push(line.with("text", text));
            }
        }
    }

    /// Logs a webhook and schedules the app's answer.
    fn webhook(&mut self, at: u64, w: WebhookRequest) {
        let (response, delay, problem) = match self.scenario.respond(&w.url) {
            AppAnswer::Percl { percl, delay_ms } => {
                match template::expand_value(&percl.value, &w.body, &self.engine) {
                    Ok(v) => (
                        Response {
                            status: 200,
                            body: v.to_string(),
                        },
                        delay_ms,
                        None,
                    ),
                    // An unresolvable template makes the response invalid PerCL (docs/scenarios.md): the body
                    // sent is the error itself, which the engine refuses as PerCL.
                    Err(e) => {
                        let text = format!(
                            "the app at {} could not expand its PerCL: {e} (in {})",
                            w.url, percl.pointer
                        );
                        (
                            Response {
                                status: 200,
                                body: format!("template error: {e}"),
                            },
                            delay_ms,
                            Some(text),
                        )
                    }
                }
            }
            AppAnswer::Fault(f) => (
                Response {
                    status: f.status,
                    body: f.body.clone(),
                },
                f.delay_ms,
                None,
            ),
            AppAnswer::NotFound => (
                Response {
                    status: 404,
                    body: String::new(),
                },
                0,
                None,
            ),
        };
        let headers: serde_json::Map<String, Value> = w
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        let mut shown = serde_json::Map::new();
        shown.insert("status".into(), response.status.into());
        shown.insert("body".into(), response.body.clone().into());
        if delay > 0 {
            shown.insert("delayMs".into(), delay.into());
        }
        self.log.push(
            LogLine::new(at, "webhook")
                .with("url", w.url.clone())
                .with("requestType", w.request_type.as_str())
                .with("expectsPercl", w.expects_percl)
                .with("headers", Value::Object(headers))
                .with("rawBody", w.raw_body.clone())
                .with("body", w.body.into_value())
                .with("response", Value::Object(shown)),
        );
        if let Some(text) = problem {
            self.log
                .push(LogLine::new(at, "error").with("message", text));
        }
        self.seq += 1;
        self.deliveries
            .push(Reverse((at + delay, self.seq, w.id, response)));
    }
}

/// Media field names as `&'static str` (the log's field names are static).
fn media_key(k: &str) -> &'static str {
    match k {
        "change" => "change",
        "callId" => "callId",
        "sound" => "sound",
        "text" => "text",
        "language" => "language",
        "file" => "file",
        "digits" => "digits",
        "durationMs" => "durationMs",
        "conferenceId" => "conferenceId",
        "members" => "members",
        "hearers" => "hearers",
        "hz" => "hz",
        "waitUrl" => "waitUrl",
        "on" => "on",
        "recordingId" => "recordingId",
        "from" => "from",
        "to" => "to",
        _ => "other",
    }
}
