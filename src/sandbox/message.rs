//! The postMessage protocol of `docs/embed.md` as types, without a browser: a parent page's message in
//! ([`parse_request`], [`parse_request_in`]), what the sandbox does with it ([`handle`], [`Cursor`]) and the
//! messages out ([`Reply::to_json`]). The page's glue (`ui::embed`) only moves text between `postMessage` and
//! these functions, so everything the contract promises is tested natively.
//!
//! Messages are read from their JSON text (`JSON.stringify` of what the page received), so every problem is
//! placed by JSON pointer and line:column in that text, as the contract says; the `scenario` of a `load` and the
//! `step` of a `step` are read by the scenario reader itself, with the same messages and fixes as a file.

use super::{Sandbox, SandboxError};
use crate::percl::diagnostic::{PathSeg, pointer as render_pointer};
use crate::percl::json::{self, Kind, LineColumn, Member, Span, Value};
use crate::percl::suggest::closest;
use crate::scenario::{self, Action, MAX_SOURCE_BYTES, Problem, Scenario, ScenarioError};
use std::fmt::Write as _;

/// The `conflab` values a parent may send.
const REQUESTS: &[&str] = &["load", "step", "advance", "export"];
const LOAD_KEYS: &[&str] = &["conflab", "scenario"];
const STEP_KEYS: &[&str] = &["conflab", "step"];
const ADVANCE_KEYS: &[&str] = &["conflab", "to"];
const EXPORT_KEYS: &[&str] = &["conflab"];

/// A message from the parent page, read and checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// `{"conflab": "load", "scenario": S}`: the session becomes S, at virtual time 0.
    Load(Scenario),
    /// `{"conflab": "step", "step": STEP}`: one step applied now.
    Step(Action),
    /// `{"conflab": "advance", "to": MS}`: the clock to MS, forwards or back.
    Advance {
        /// The virtual time to run to (ms).
        to: u64,
    },
    /// `{"conflab": "export"}`: the session as a scenario.
    Export,
}

/// One problem of a refused message, placed in the message's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusalProblem {
    /// A JSON pointer (RFC 6901) into the message (`/step/dial/from`); empty for the whole message.
    pub pointer: String,
    /// 1-based line in the message's text (1 for `JSON.stringify` output, which is one line).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when that can be said.
    pub fix: Option<String>,
}

impl From<&ScenarioError> for RefusalProblem {
    fn from(e: &ScenarioError) -> Self {
        RefusalProblem {
            pointer: e.pointer.clone(),
            line: e.line,
            column: e.column,
            message: e.problem.to_string(),
            fix: e.problem.fix(),
        }
    }
}

/// A refused message: what was refused and every problem found. Nothing in the session changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// What was refused, for people.
    pub message: String,
    /// Each problem with its place; empty when the refusal is about the session, not the message (a full log).
    pub problems: Vec<RefusalProblem>,
}

impl Refusal {
    fn new(message: impl Into<String>, errors: &[ScenarioError]) -> Refusal {
        Refusal {
            message: message.into(),
            problems: errors.iter().map(RefusalProblem::from).collect(),
        }
    }

    /// The outgoing `{"conflab": "error", ...}` message as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"conflab\":\"error\",\"message\":");
        out.push_str(&quote(&self.message));
        out.push_str(",\"problems\":[");
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "{{\"pointer\":{},\"line\":{},\"column\":{},\"message\":{},\"fix\":{}}}",
                quote(&p.pointer),
                p.line,
                p.column,
                quote(&p.message),
                p.fix.as_deref().map_or("null".to_owned(), quote)
            );
        }
        out.push_str("]}");
        out
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        for p in &self.problems {
            write!(f, "\n{}:{}: {}: {}", p.line, p.column, p.pointer, p.message)?;
            if let Some(fix) = &p.fix {
                write!(f, " (fix: {fix})")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Refusal {}

/// A message to the parent page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// `{"conflab": "ready"}`: the page takes messages now.
    Ready,
    /// `{"conflab": "log", "line": L}`: one event-log line; the text is [`crate::engine::log::LogLine::to_json`].
    Log(String),
    /// `{"conflab": "rewound", "now": MS, "lines": N}`: the log was rebuilt; it holds only its first N lines.
    Rewound {
        /// The virtual time now.
        now: u64,
        /// How many of the lines posted before are still the log's first lines.
        lines: usize,
    },
    /// `{"conflab": "loaded"}`: the answer to `load`.
    Loaded,
    /// `{"conflab": "advanced", "now": MS}`: the answer to `advance`, after its log lines.
    Advanced {
        /// The virtual time reached.
        now: u64,
    },
    /// `{"conflab": "scenario", "scenario": S}`: the answer to `export`; the text is [`Sandbox::export`].
    Scenario(String),
    /// `{"conflab": "error", ...}`: a refused message.
    Error(Refusal),
}

impl Reply {
    /// The outgoing message as JSON text. Log lines and the exported scenario are embedded verbatim, so their
    /// key order is kept when the page turns the text into an object with `JSON.parse`.
    pub fn to_json(&self) -> String {
        match self {
            Reply::Ready => "{\"conflab\":\"ready\"}".to_owned(),
            Reply::Log(line) => format!("{{\"conflab\":\"log\",\"line\":{line}}}"),
            Reply::Rewound { now, lines } => {
                format!("{{\"conflab\":\"rewound\",\"now\":{now},\"lines\":{lines}}}")
            }
            Reply::Loaded => "{\"conflab\":\"loaded\"}".to_owned(),
            Reply::Advanced { now } => format!("{{\"conflab\":\"advanced\",\"now\":{now}}}"),
            Reply::Scenario(text) => format!("{{\"conflab\":\"scenario\",\"scenario\":{text}}}"),
            Reply::Error(refusal) => refusal.to_json(),
        }
    }
}

/// A JSON string literal.
fn quote(s: &str) -> String {
    // serde_json writes any &str; it cannot fail.
    serde_json::to_string(s).unwrap_or_default()
}

/// Reads a message, checking a `step` by itself only (see [`crate::scenario::parse_step`]). Drivers that apply
/// the step to a session use [`parse_request_in`], which also checks it against the session's world.
///
/// `Ok(None)`: the message is not for conflab (not an object, or no `conflab` key) and is ignored.
pub fn parse_request(text: &str) -> Result<Option<Request>, Refusal> {
    read(text, None)
}

/// Reads a message for a session whose scenario is `session`: a `step` must name phones and numbers the session
/// knows, as a step of its file must (otherwise the exported session would not read back). See
/// [`parse_request`].
pub fn parse_request_in(text: &str, session: &Scenario) -> Result<Option<Request>, Refusal> {
    read(text, Some(session))
}

/// Problems found in the message itself (not in its scenario or step), placed at the end.
struct Found<'t> {
    text: &'t str,
    problems: Vec<(Problem, Span, String)>,
    errors: Vec<ScenarioError>,
}

impl<'t> Found<'t> {
    fn report(&mut self, problem: Problem, span: Span, pointer: String) {
        self.problems.push((problem, span, pointer));
    }

    /// Every problem, in the order of the text, with line:column.
    fn finish(mut self) -> Vec<ScenarioError> {
        for (problem, span, pointer) in self.problems {
            self.errors.push(ScenarioError {
                problem,
                pointer,
                start: span.start as usize,
                end: span.end as usize,
                line: 0,
                column: 0,
            });
        }
        let mut errors = self.errors;
        crate::sort::sort_by_key(&mut errors, |e| e.start as u64);
        let mut lines = LineColumn::default();
        for e in &mut errors {
            // The readers of the scenario and the step placed theirs already; the same offsets give the same places.
            let (line, column) = lines.at(self.text.as_bytes(), e.start);
            e.line = line;
            e.column = column;
        }
        errors
    }
}

fn read(text: &str, session: Option<&Scenario>) -> Result<Option<Request>, Refusal> {
    let mut found = Found {
        text,
        problems: Vec::new(),
        errors: Vec::new(),
    };
    if text.len() > MAX_SOURCE_BYTES {
        let problem = Problem::TooLarge {
            bytes: text.len(),
            limit: MAX_SOURCE_BYTES,
        };
        found.report(problem, Span::default(), String::new());
        return Err(Refusal::new(
            "the message is too large; the session is unchanged",
            &found.finish(),
        ));
    }
    let root = match json::parse(text).value {
        Ok(root) => root,
        Err(failure) => {
            let pointer = render_pointer(failure.path.iter().rev().map(PathSeg::from));
            found.report(Problem::Syntax(failure.error), failure.span, pointer);
            return Err(Refusal::new(
                "the message is not JSON; the session is unchanged",
                &found.finish(),
            ));
        }
    };
    // Not an object, or no `conflab` key: the message is for someone else.
    let Kind::Object(members) = &root.kind else {
        return Ok(None);
    };
    let Some(kind) = members.iter().find(|m| m.key == "conflab") else {
        return Ok(None);
    };
    let Kind::String(name) = &kind.value.kind else {
        let problem = Problem::WrongType {
            what: "\"conflab\"".to_owned(),
            expected: "a string naming the request (\"load\", \"step\", \"advance\" or \"export\")",
            found: kind.value.kind.describe(),
        };
        found.report(problem, kind.value.span, "/conflab".to_owned());
        return Err(Refusal::new(
            "the message names no request; the session is unchanged",
            &found.finish(),
        ));
    };
    let (owner, allowed): (&'static str, &'static [&'static str]) = match name.as_ref() {
        "load" => ("a \"load\" message", LOAD_KEYS),
        "step" => ("a \"step\" message", STEP_KEYS),
        "advance" => ("an \"advance\" message", ADVANCE_KEYS),
        "export" => ("an \"export\" message", EXPORT_KEYS),
        other => {
            let problem = Problem::BadEnum {
                what: "\"conflab\"",
                value: other.to_owned(),
                allowed: REQUESTS,
                suggestion: closest(other, REQUESTS.iter().copied()),
            };
            found.report(problem, kind.value.span, "/conflab".to_owned());
            return Err(Refusal::new(
                format!("conflab does not know the request \"{other}\"; the session is unchanged"),
                &found.finish(),
            ));
        }
    };
    let members = checked_keys(&mut found, members, owner, allowed);
    let get = |key: &str| members.iter().find(|m| m.key == key).map(|m| &m.value);
    let request = match name.as_ref() {
        "load" => match get("scenario") {
            Some(node) => match scenario::read_scenario_at(node, text, "/scenario") {
                Ok(s) => Some(Request::Load(s)),
                Err(errors) => {
                    found.errors.extend(errors);
                    None
                }
            },
            None => {
                missing(
                    &mut found,
                    &root,
                    owner,
                    "scenario",
                    "the scenario: an object, as in a scenario file",
                );
                None
            }
        },
        "step" => match get("step") {
            Some(node) => {
                let read = match session {
                    Some(session) => scenario::read_step_in(node, text, "/step", session),
                    None => scenario::read_step_at(node, text, "/step"),
                };
                match read {
                    Ok(action) => Some(Request::Step(action)),
                    Err(errors) => {
                        found.errors.extend(errors);
                        None
                    }
                }
            }
            None => {
                missing(
                    &mut found,
                    &root,
                    owner,
                    "step",
                    "one step without \"at\", such as {\"hangup\": {\"phone\": \"+15550111111\"}}",
                );
                None
            }
        },
        "advance" => match get("to") {
            Some(node) => to_ms(&mut found, node),
            None => {
                missing(
                    &mut found,
                    &root,
                    owner,
                    "to",
                    "the virtual time to run to, in whole milliseconds",
                );
                None
            }
        },
        _ => Some(Request::Export),
    };
    match request {
        Some(request) if found.problems.is_empty() && found.errors.is_empty() => Ok(Some(request)),
        _ => {
            let errors = found.finish();
            let what = match name.as_ref() {
                "load" => "the scenario was refused",
                "step" => "the step was refused",
                "advance" => "the advance was refused",
                _ => "the export was refused",
            };
            let count = errors.len();
            Err(Refusal::new(
                format!(
                    "{what}: {count} problem{}; the session is unchanged",
                    if count == 1 { "" } else { "s" }
                ),
                &errors,
            ))
        }
    }
}

/// The members with allowed keys, each once; reports the others.
fn checked_keys<'m, 'a>(
    found: &mut Found<'_>,
    members: &'m [Member<'a>],
    owner: &'static str,
    allowed: &'static [&'static str],
) -> Vec<&'m Member<'a>> {
    let mut kept: Vec<&Member<'_>> = Vec::with_capacity(members.len());
    for m in members {
        let pointer = render_pointer([PathSeg::Key(&m.key)]);
        if !allowed.contains(&m.key.as_ref()) {
            let problem = Problem::UnknownKey {
                owner,
                key: m.key.to_string(),
                allowed,
                suggestion: closest(&m.key, allowed.iter().copied()),
            };
            found.report(problem, m.key_span, pointer);
        } else if kept.iter().any(|k| k.key == m.key) {
            let problem = Problem::DuplicateKey {
                key: m.key.to_string(),
            };
            found.report(problem, m.key_span, pointer);
        } else {
            kept.push(m);
        }
    }
    kept
}

fn missing(
    found: &mut Found<'_>,
    root: &Value<'_>,
    owner: &'static str,
    key: &'static str,
    expected: &'static str,
) {
    let problem = Problem::Missing {
        owner,
        key,
        expected,
    };
    found.report(problem, root.span, String::new());
}

/// `to`: a whole number of milliseconds, 0 or more.
fn to_ms(found: &mut Found<'_>, node: &Value<'_>) -> Option<Request> {
    const EXPECTED: &str = "a whole number of milliseconds, 0 or more";
    match &node.kind {
        Kind::Number(written) => match written.parse::<u64>() {
            Ok(to) => Some(Request::Advance { to }),
            Err(_) => {
                let problem = Problem::BadNumber {
                    what: "\"to\"".to_owned(),
                    value: (*written).to_owned(),
                    expected: EXPECTED,
                };
                found.report(problem, node.span, "/to".to_owned());
                None
            }
        },
        other => {
            let problem = Problem::WrongType {
                what: "\"to\"".to_owned(),
                expected: EXPECTED,
                found: other.describe(),
            };
            found.report(problem, node.span, "/to".to_owned());
            None
        }
    }
}

/// What a driver has posted of a sandbox's log: the generation it saw and a fingerprint of each line, so that
/// after the log was rebuilt (a load, the clock going back) it can say how many of the lines the parent holds
/// are still the log's first ones, and post only what is new. One cursor per parent, for the messages' answers
/// and the page's own changes alike, so no line is posted twice.
#[derive(Clone, Debug, Default)]
pub struct Cursor {
    generation: u64,
    posted: Vec<u64>,
}

impl Cursor {
    /// A cursor that counts everything in `sandbox`'s log as posted already.
    pub fn new(sandbox: &Sandbox) -> Cursor {
        Cursor {
            generation: sandbox.generation(),
            posted: sandbox
                .log()
                .iter()
                .map(|l| fingerprint(&l.to_json()))
                .collect(),
        }
    }

    /// A cursor that has posted nothing: the first [`Cursor::drain`] posts the whole log.
    pub fn empty(sandbox: &Sandbox) -> Cursor {
        Cursor {
            generation: sandbox.generation(),
            posted: Vec::new(),
        }
    }

    /// How many lines the parent holds.
    pub fn posted(&self) -> usize {
        self.posted.len()
    }

    /// The messages that bring the parent up to `sandbox`'s log: a `rewound` if the log was rebuilt, then each
    /// line it does not have yet.
    pub fn drain(&mut self, sandbox: &Sandbox) -> Vec<Reply> {
        let log = sandbox.log();
        let mut out = Vec::new();
        // Within a generation the log only grows; a shorter one can only mean a rebuild.
        if sandbox.generation() != self.generation || log.len() < self.posted.len() {
            self.generation = sandbox.generation();
            let keep = self
                .posted
                .iter()
                .zip(log)
                .take_while(|(posted, line)| **posted == fingerprint(&line.to_json()))
                .count();
            self.posted.truncate(keep);
            out.push(Reply::Rewound {
                now: sandbox.now(),
                lines: keep,
            });
        }
        for line in &log[self.posted.len()..] {
            let text = line.to_json();
            self.posted.push(fingerprint(&text));
            out.push(Reply::Log(text));
        }
        out
    }

    /// Applies `request` to `sandbox` and returns, in order, the log messages it caused (see
    /// [`Cursor::drain`]) and then its answer; a refused step gets only an `error` and changes nothing.
    pub fn handle(&mut self, sandbox: &mut Sandbox, request: Request) -> Vec<Reply> {
        match request {
            Request::Load(scenario) => {
                sandbox.load(scenario);
                let mut out = self.drain(sandbox);
                out.push(Reply::Loaded);
                out
            }
            Request::Step(action) => match sandbox.step(action) {
                Ok(()) => self.drain(sandbox),
                Err(e) => vec![Reply::Error(refused_step(&e))],
            },
            Request::Advance { to } => {
                sandbox.advance(to);
                let mut out = self.drain(sandbox);
                out.push(Reply::Advanced { now: sandbox.now() });
                out
            }
            Request::Export => {
                let mut out = self.drain(sandbox);
                out.push(Reply::Scenario(sandbox.export()));
                out
            }
        }
    }
}

/// Applies `request` to `sandbox` for a parent that holds its whole log so far: the messages to post, in order.
pub fn handle(sandbox: &mut Sandbox, request: Request) -> Vec<Reply> {
    Cursor::new(sandbox).handle(sandbox, request)
}

fn refused_step(e: &SandboxError) -> Refusal {
    Refusal {
        message: format!("the step was refused: {e}; the session is unchanged"),
        problems: Vec::new(),
    }
}

/// FNV-1a of a line's text: enough to tell whether a rebuilt log still starts with the lines posted.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
#[path = "message_tests.rs"]
mod tests;
