//! Reads a scenario file into [`Scenario`], or one step applied now into an [`Action`], collecting every problem
//! instead of stopping at the first.
//!
//! It walks the spanned tree of [`crate::percl::json`], so every problem has its byte offsets; line and column
//! are filled in at the end, in one pass over the source.

use super::error::{Problem, ScenarioError, ScenarioErrors};
use super::model::*;
use super::template::{self, Piece, TemplateError};
use crate::ids::{self, IdKind};
use crate::percl;
use crate::percl::diagnostic::{PathSeg, pointer as render_pointer};
use crate::percl::json::{self, Kind, Member, Span, Value};
use crate::percl::suggest::closest;
use crate::wire::AccountType;
use std::collections::{BTreeMap, BTreeSet};

/// The largest scenario conflab reads: 4 MiB.
pub const MAX_SOURCE_BYTES: usize = 4 << 20;

/// Top-level keys.
pub const SCENARIO_KEYS: &[&str] = &[
    "$schema",
    "description",
    "seed",
    "epoch",
    "account",
    "applications",
    "numbers",
    "phones",
    "app",
    "steps",
    "until",
];
const ACCOUNT_KEYS: &[&str] = &[
    "type",
    "verifiedNumbers",
    "signingSecret",
    "accountId",
    "apiKey",
];
const NUMBER_KEYS: &[&str] = &[
    "applicationId",
    "voiceUrl",
    "voiceFallbackUrl",
    "statusCallbackUrl",
    "callConnectUrl",
    "smsUrl",
    "smsFallbackUrl",
    "alias",
];
/// An application's keys (`applications` entries): `ApplicationResult`'s URLs and alias.
const APPLICATION_KEYS: &[&str] = &[
    "alias",
    "voiceUrl",
    "voiceFallbackUrl",
    "callConnectUrl",
    "statusCallbackUrl",
    "smsUrl",
    "smsFallbackUrl",
];
/// A number's own application URLs, which `applicationId` replaces.
const NUMBER_URL_KEYS: &[&str] = &[
    "voiceUrl",
    "voiceFallbackUrl",
    "statusCallbackUrl",
    "callConnectUrl",
    "smsUrl",
    "smsFallbackUrl",
];
const PHONE_KEYS: &[&str] = &["answer", "media", "says", "hangupAfterMs"];
const ANSWER_KEYS: &[&str] = &["afterMs"];
const ANSWER_WORDS: &[&str] = &["busy", "noAnswer", "failed", "manual"];
const MEDIA_KEYS: &[&str] = &["tone", "silence", "file", "speech", "talker"];
const TALKER_KEYS: &[&str] = &["text", "talkMs", "silenceMs"];
const RESPONSE_KEYS: &[&str] = &["percl", "delayMs", "status", "body"];
const ACTIONS: &[&str] = &["dial", "api", "hangup", "digits", "answer", "say", "set"];
const STEP_KEYS: &[&str] = &[
    "at", "dial", "api", "hangup", "digits", "answer", "say", "set",
];
const SET_KEYS: &[&str] = &["account", "numbers", "phones", "app"];
/// The account keys a `set` step may not change: they identify the account.
const ACCOUNT_IDENTITY_KEYS: &[&str] = &["accountId", "apiKey", "signingSecret"];
const DIAL_KEYS: &[&str] = &["from", "to"];
const API_KEYS: &[&str] = &["method", "path", "query", "body"];
const PHONE_STEP_KEYS: &[&str] = &["phone"];
const DIGITS_KEYS: &[&str] = &["phone", "digits"];
const SAY_KEYS: &[&str] = &["phone", "text"];
const METHODS: &[&str] = &["GET", "POST", "DELETE"];
const ACCOUNT_TYPES: &[&str] = &["trial", "full"];

/// What a step applied now is called in messages.
const NOW_STEP: &str = "a step applied now";
/// The same, when it has an `at`: the message says why it may not.
const NOW_STEP_WITH_AT: &str = "a step applied now (it happens at the current virtual time)";

/// Reads and checks a scenario.
pub fn parse(source: &str) -> Result<Scenario, ScenarioErrors> {
    let root = parse_json(source)?;
    read_scenario_at(&root, source, "").map_err(|errors| ScenarioErrors { errors })
}

/// Reads one step applied now: a step object **without** `"at"`, such as
/// `{"hangup": {"phone": "+15550111111"}}`, which a driver applies at its current virtual time.
///
/// Every problem is reported as in a scenario file (same messages and fixes), with JSON pointers relative to
/// the step (`/dial/from`) and line:column in `source`. A step with `"at"` is an error.
///
/// The step is read alone, without the scenario it joins, so it checks what the step says by itself: the
/// keys, the types, E.164 numbers, `digits` keys, `api` methods, paths and templates (`{{name}}` in an `api`
/// step is an error). What needs the world is left to the engine at run time: whether `dial.to` is one of the
/// account's numbers and `dial.from` is not, and whether a phone named by `hangup`, `digits`, `answer`, `say`
/// or `{{call:PHONE}}` exists (a step for a phone with no current call does nothing, and the engine logs it).
pub fn parse_step(source: &str) -> Result<Action, ScenarioErrors> {
    let root = parse_json(source)?;
    read_step_at(&root, source, "").map_err(|errors| ScenarioErrors { errors })
}

/// Checks `action`, built in code, as a step joining `scenario` would be checked in its file (the checks of
/// [`read_step_in`]): a driver that writes it into the scenario (the live sandbox) refuses what would make the
/// exported session unreadable. The errors' pointers are relative to the step (`/hangup/phone`).
pub fn check_step_in(action: &Action, scenario: &Scenario) -> Result<(), ScenarioErrors> {
    let source = super::write::step_now(action);
    let root = parse_json(&source)?;
    read_step_in(&root, &source, "", scenario)
        .map(|_| ())
        .map_err(|errors| ScenarioErrors { errors })
}

/// Reads a step applied now (see [`parse_step`]) from a node of an already parsed document, such as the
/// `step` of a message `{"conflab": "step", "step": {...}}`. `source` is the whole document (the node's spans
/// are offsets in it, so line:column are too), and every error's pointer starts with `pointer_prefix` (the
/// node's own pointer, such as `/step`).
pub(crate) fn read_step_at(
    node: &Value<'_>,
    source: &str,
    pointer_prefix: &str,
) -> Result<Action, Vec<ScenarioError>> {
    let mut r = Reader::new(source, pointer_prefix);
    let action = r.step_now(node, "", None);
    match action {
        Some(action) if r.problems.is_empty() => Ok(action),
        _ => Err(r.finish().errors),
    }
}

/// [`read_step_at`] for a step that joins `scenario`, checked against its world as a step of the file would be:
/// `dial.to` one of its numbers (and `dial.from` not), and the phone of `hangup`, `digits`, `answer`, `say` or
/// `{{call:PHONE}}` in `phones` or the `from` of one of its `dial` steps. A driver that writes the step into the
/// scenario (the live sandbox) needs this: a step the file reader would refuse would make the exported session
/// a file that does not read back.
pub(crate) fn read_step_in(
    node: &Value<'_>,
    source: &str,
    pointer_prefix: &str,
    scenario: &Scenario,
) -> Result<Action, Vec<ScenarioError>> {
    // As the file reader: the phones in `phones`, those that dial in and those a `set` step defines; the
    // account's numbers and those a `set` step adds.
    let mut known: BTreeSet<String> = BTreeSet::new();
    known.extend(scenario.phones.keys().cloned());
    let mut numbers: BTreeSet<String> = BTreeSet::new();
    numbers.extend(scenario.numbers.keys().cloned());
    for step in &scenario.steps {
        match &step.action {
            Action::Dial { from, .. } => {
                known.insert(from.clone());
            }
            Action::Set(change) => {
                known.extend(change.phones.keys().cloned());
                numbers.extend(change.numbers.keys().cloned());
            }
            _ => {}
        }
    }
    let world = World {
        numbers: &numbers,
        known: &known,
    };
    let mut r = Reader::new(source, pointer_prefix);
    let action = r.step_now(node, "", Some(world));
    match action {
        Some(action) if r.problems.is_empty() => Ok(action),
        _ => Err(r.finish().errors),
    }
}

/// Reads a whole scenario from a node of an already parsed document, such as the `scenario` of a message
/// `{"conflab": "load", "scenario": {...}}`. `source` is the whole document; every error's pointer starts with
/// `pointer_prefix` (such as `/scenario`). The pointers kept in the [`Scenario`] (`Step::pointer`,
/// `Percl::pointer`) are relative to the scenario, as if it were a file of its own, so the same scenario reads
/// to the same value wherever it is embedded.
pub(crate) fn read_scenario_at(
    node: &Value<'_>,
    source: &str,
    pointer_prefix: &str,
) -> Result<Scenario, Vec<ScenarioError>> {
    let mut r = Reader::new(source, pointer_prefix);
    let scenario = r.scenario(node);
    if r.problems.is_empty() {
        Ok(scenario)
    } else {
        Err(r.finish().errors)
    }
}

/// Parses `source` as JSON within the size limit, or gives the one error that stops there.
fn parse_json(source: &str) -> Result<Value<'_>, ScenarioErrors> {
    let mut r = Reader::new(source, "");
    if source.len() > MAX_SOURCE_BYTES {
        let problem = Problem::TooLarge {
            bytes: source.len(),
            limit: MAX_SOURCE_BYTES,
        };
        r.report(problem, Span::default(), String::new());
        return Err(r.finish());
    }
    match json::parse(source).value {
        Ok(root) => Ok(root),
        Err(failure) => {
            let pointer = render_pointer(failure.path.iter().rev().map(PathSeg::from));
            r.report(Problem::Syntax(failure.error), failure.span, pointer);
            Err(r.finish())
        }
    }
}

/// Reads a scenario given as bytes (a file): bytes that are not UTF-8 are reported at the first bad byte.
pub fn parse_bytes(bytes: &[u8]) -> Result<Scenario, ScenarioErrors> {
    match std::str::from_utf8(bytes) {
        Ok(source) => parse(source),
        Err(e) => {
            let valid = e.valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
            let mut r = Reader::new(prefix, "");
            r.report(
                Problem::InvalidUtf8,
                Span {
                    start: valid as u32,
                    end: valid as u32,
                },
                String::new(),
            );
            let mut errors = r.finish();
            for err in &mut errors.errors {
                err.end = (valid + e.error_len().unwrap_or(1)).min(bytes.len());
            }
            Err(errors)
        }
    }
}

struct Reader<'s> {
    source: &'s str,
    /// Put before every reported pointer: the place of the node read in a larger document (`/scenario`).
    prefix: &'s str,
    problems: Vec<(Problem, Span, String)>,
    /// The scenario's application ids, once `applications` is read: a number's `applicationId` must be one.
    /// `None` when a step or a subtree is read alone (the engine then checks it at run time).
    applications: Option<BTreeSet<String>>,
}

/// What steps are checked against: the account's numbers and the phones steps may name. A step applied now
/// is read without one; those checks are then the engine's, at run time.
#[derive(Clone, Copy)]
struct World<'w> {
    /// The account's numbers, and every number a `set` step adds.
    numbers: &'w BTreeSet<String>,
    known: &'w BTreeSet<String>,
}

/// An object's members, checked against the keys it may have.
struct Obj<'v, 'a> {
    span: Span,
    pointer: String,
    members: Vec<&'v Member<'a>>,
}

impl<'v, 'a> Obj<'v, 'a> {
    fn get(&self, key: &str) -> Option<(&'v Value<'a>, String)> {
        self.members
            .iter()
            .find(|m| m.key == key)
            .map(|m| (&m.value, child(&self.pointer, &m.key)))
    }
}

/// `base` + `/key`, escaped.
fn child(base: &str, key: &str) -> String {
    let mut p = base.to_owned();
    p.push_str(&render_pointer([PathSeg::Key(key)]));
    p
}

fn index(base: &str, i: usize) -> String {
    format!("{base}/{i}")
}

fn quoted(key: &str) -> String {
    format!("\"{key}\"")
}

/// Whether `s` is an E.164 number: `+`, a non-zero digit, then up to 14 more digits.
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// Whether `s` is an absolute http(s) URL with a host and no whitespace.
fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    let Some(rest) = rest else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !s.contains(char::is_whitespace)
}

impl<'s> Reader<'s> {
    fn new(source: &'s str, prefix: &'s str) -> Self {
        Reader {
            source,
            prefix,
            problems: Vec::new(),
            applications: None,
        }
    }

    fn report(&mut self, problem: Problem, span: Span, pointer: String) {
        self.problems.push((problem, span, pointer));
    }

    fn finish(mut self) -> ScenarioErrors {
        crate::sort::sort_by_key(&mut self.problems, |(_, span, _)| span.start as u64);
        let mut lines = crate::percl::json::LineColumn::default();
        let mut errors = Vec::with_capacity(self.problems.len());
        for (problem, span, pointer) in self.problems {
            let (line, column) = lines.at(self.source.as_bytes(), span.start as usize);
            errors.push(ScenarioError {
                problem,
                pointer: format!("{}{pointer}", self.prefix),
                start: span.start as usize,
                end: span.end as usize,
                line,
                column,
            });
        }
        ScenarioErrors { errors }
    }

    /// Checks that `v` is an object with only `allowed` keys, each once.
    fn object<'v, 'a>(
        &mut self,
        v: &'v Value<'a>,
        pointer: &str,
        what: &str,
        owner: &'static str,
        allowed: &'static [&'static str],
    ) -> Option<Obj<'v, 'a>> {
        let Kind::Object(members) = &v.kind else {
            self.wrong_type(v, pointer, what, "an object");
            return None;
        };
        let mut seen = BTreeSet::new();
        let mut kept = Vec::with_capacity(members.len());
        for m in members {
            let p = child(pointer, &m.key);
            if !allowed.contains(&m.key.as_ref()) {
                let problem = Problem::UnknownKey {
                    owner,
                    key: m.key.to_string(),
                    allowed,
                    suggestion: suggest(&m.key, allowed),
                };
                self.report(problem, m.key_span, p);
            } else if !seen.insert(m.key.as_ref()) {
                let problem = Problem::DuplicateKey {
                    key: m.key.to_string(),
                };
                self.report(problem, m.key_span, p);
            } else {
                kept.push(m);
            }
        }
        Some(Obj {
            span: v.span,
            pointer: pointer.to_owned(),
            members: kept,
        })
    }

    /// Checks that `v` is an object; returns its members (keys are checked by the caller), reporting duplicates.
    fn map<'v, 'a>(&mut self, v: &'v Value<'a>, pointer: &str, what: &str) -> Vec<&'v Member<'a>> {
        let Kind::Object(members) = &v.kind else {
            self.wrong_type(v, pointer, what, "an object");
            return Vec::new();
        };
        let mut seen = BTreeSet::new();
        let mut kept = Vec::with_capacity(members.len());
        for m in members {
            if seen.insert(m.key.as_ref()) {
                kept.push(m);
            } else {
                let problem = Problem::DuplicateKey {
                    key: m.key.to_string(),
                };
                self.report(problem, m.key_span, child(pointer, &m.key));
            }
        }
        kept
    }

    fn wrong_type(&mut self, v: &Value<'_>, pointer: &str, what: &str, expected: &'static str) {
        let problem = Problem::WrongType {
            what: what.to_owned(),
            expected,
            found: v.kind.describe(),
        };
        self.report(problem, v.span, pointer.to_owned());
    }

    fn missing(
        &mut self,
        obj: &Obj<'_, '_>,
        owner: &'static str,
        key: &'static str,
        expected: &'static str,
    ) {
        let problem = Problem::Missing {
            owner,
            key,
            expected,
        };
        self.report(problem, obj.span, obj.pointer.clone());
    }

    fn string(&mut self, v: &Value<'_>, pointer: &str, what: &str) -> Option<String> {
        match &v.kind {
            Kind::String(s) => Some(s.to_string()),
            _ => {
                self.wrong_type(v, pointer, what, "a string");
                None
            }
        }
    }

    fn non_empty(&mut self, v: &Value<'_>, pointer: &str, key: &'static str) -> Option<String> {
        let s = self.string(v, pointer, &quoted(key))?;
        if s.is_empty() {
            self.report(Problem::Empty { what: key }, v.span, pointer.to_owned());
            return None;
        }
        Some(s)
    }

    fn whole(
        &mut self,
        v: &Value<'_>,
        pointer: &str,
        what: &str,
        expected: &'static str,
    ) -> Option<u64> {
        match &v.kind {
            Kind::Number(text) => match text.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let problem = Problem::BadNumber {
                        what: what.to_owned(),
                        value: (*text).to_owned(),
                        expected,
                    };
                    self.report(problem, v.span, pointer.to_owned());
                    None
                }
            },
            _ => {
                self.wrong_type(v, pointer, what, "a whole number");
                None
            }
        }
    }

    /// A number of milliseconds (or another count): a whole number from 0 to 2^64-1.
    fn count(&mut self, v: &Value<'_>, pointer: &str, key: &str) -> Option<u64> {
        self.whole(
            v,
            pointer,
            &quoted(key),
            "a whole number from 0 to 18446744073709551615",
        )
    }

    /// A point on the virtual clock (`at`, `until`): a whole number from 0 to [`MAX_TIME_MS`].
    fn time(&mut self, v: &Value<'_>, pointer: &str, key: &str) -> Option<u64> {
        let t = self.whole(v, pointer, &quoted(key), TIME_RANGE)?;
        if t > MAX_TIME_MS {
            let problem = Problem::BadNumber {
                what: quoted(key),
                value: t.to_string(),
                expected: TIME_RANGE,
            };
            self.report(problem, v.span, pointer.to_owned());
            return None;
        }
        Some(t)
    }

    fn e164(&mut self, v: &Value<'_>, pointer: &str, what: &str) -> Option<String> {
        let s = self.string(v, pointer, what)?;
        if !is_e164(&s) {
            self.report(Problem::NotE164 { value: s }, v.span, pointer.to_owned());
            return None;
        }
        Some(s)
    }

    fn url(&mut self, v: &Value<'_>, pointer: &str, key: &str) -> Option<String> {
        let s = self.string(v, pointer, &quoted(key))?;
        if !is_http_url(&s) {
            self.report(Problem::NotHttpUrl { value: s }, v.span, pointer.to_owned());
            return None;
        }
        Some(s)
    }

    fn scenario(&mut self, root: &Value<'_>) -> Scenario {
        let mut scenario = Scenario {
            seed: 0,
            epoch: DEFAULT_EPOCH_UNIX_SECS,
            applications: BTreeMap::new(),
            account: Account::default(),
            numbers: BTreeMap::new(),
            phones: BTreeMap::new(),
            app: BTreeMap::new(),
            replies: BTreeMap::new(),
            steps: Vec::new(),
            until: None,
        };
        let Some(obj) = self.object(root, "", "a scenario", "the scenario", SCENARIO_KEYS) else {
            return scenario;
        };
        for key in ["$schema", "description"] {
            if let Some((v, p)) = obj.get(key) {
                self.string(v, &p, &quoted(key));
            }
        }
        if let Some((v, p)) = obj.get("seed") {
            scenario.seed = self
                .whole(
                    v,
                    &p,
                    "\"seed\"",
                    "a whole number from 0 to 18446744073709551615",
                )
                .unwrap_or(0);
        }
        if let Some((v, p)) = obj.get("account") {
            scenario.account = self.account(v, &p);
        }
        self.epoch_and_applications(&obj, &mut scenario);
        if let Some((v, p)) = obj.get("numbers") {
            scenario.numbers = self.numbers(v, &p);
        }
        // The numbers a step may dial: the account's, and those a `set` step adds (whether one is still there
        // when dialled is the engine's to say, as for a step applied now).
        let mut numbers: BTreeSet<String> = BTreeSet::new();
        numbers.extend(scenario.numbers.keys().cloned());
        if let Some((v, p)) = obj.get("phones") {
            scenario.phones = self.phones(v, &p, &numbers);
        }
        // The phones steps may name: those in `phones`, those that dial in, and those a `set` step defines.
        let mut known: BTreeSet<String> = BTreeSet::new();
        known.extend(scenario.phones.keys().cloned());
        if let Some((
            Value {
                kind: Kind::Array(steps),
                ..
            },
            _,
        )) = obj.get("steps")
        {
            for step in steps {
                if let Some(from) = dial_from(step) {
                    known.insert(from.to_owned());
                }
                known.extend(set_keys(step, "phones").map(str::to_owned));
                numbers.extend(set_keys(step, "numbers").map(str::to_owned));
            }
        }
        if let Some((v, p)) = obj.get("app") {
            scenario.app = self.app(v, &p, &known);
            scenario.replies = self.recorded_replies(v, &p);
        }
        if let Some((v, p)) = obj.get("steps") {
            scenario.steps = self.steps(
                v,
                &p,
                World {
                    numbers: &numbers,
                    known: &known,
                },
            );
        }
        if let Some((v, p)) = obj.get("until") {
            scenario.until = self.time(v, &p, "until");
        }
        scenario
    }

    fn account(&mut self, v: &Value<'_>, pointer: &str) -> Account {
        let mut account = Account::default();
        let Some(obj) = self.object(v, pointer, "\"account\"", "the account", ACCOUNT_KEYS) else {
            return account;
        };
        if let Some((v, p)) = obj.get("type")
            && let Some(kind) = self.account_type(v, &p)
        {
            account.kind = kind;
        }
        if let Some((v, p)) = obj.get("verifiedNumbers") {
            account.verified_numbers = self.verified_numbers(v, &p);
        }
        if let Some((v, p)) = obj.get("signingSecret")
            && let Some(s) = self.non_empty(v, &p, "signingSecret")
        {
            account.signing_secret = s;
        }
        if let Some((v, p)) = obj.get("accountId")
            && let Some(s) = self.string(v, &p, "\"accountId\"")
        {
            if ids::is_valid(IdKind::Account, &s) {
                account.account_id = Some(s);
            } else {
                self.report(Problem::BadAccountId { value: s }, v.span, p);
            }
        }
        if let Some((v, p)) = obj.get("apiKey") {
            account.api_key = self.non_empty(v, &p, "apiKey");
        }
        account
    }

    /// An account's `type`.
    fn account_type(&mut self, v: &Value<'_>, p: &str) -> Option<AccountType> {
        let s = self.string(v, p, "\"type\"")?;
        let kind = AccountType::parse(&s);
        if kind.is_none() {
            let problem = Problem::BadEnum {
                what: "\"type\"",
                suggestion: closest(&s, ACCOUNT_TYPES.iter().copied()),
                value: s,
                allowed: ACCOUNT_TYPES,
            };
            self.report(problem, v.span, p.to_owned());
        }
        kind
    }

    /// An account's `verifiedNumbers` (the valid ones; each invalid one is reported).
    fn verified_numbers(&mut self, v: &Value<'_>, p: &str) -> Vec<String> {
        let mut numbers = Vec::new();
        if let Kind::Array(items) = &v.kind {
            for (i, item) in items.iter().enumerate() {
                if let Some(n) = self.e164(item, &index(p, i), "a verified number") {
                    numbers.push(n);
                }
            }
        } else {
            self.wrong_type(v, p, "\"verifiedNumbers\"", "an array of E.164 numbers");
        }
        numbers
    }

    fn numbers(&mut self, v: &Value<'_>, pointer: &str) -> BTreeMap<String, Number> {
        let mut numbers = BTreeMap::new();
        for m in self.map(v, pointer, "\"numbers\"") {
            let p = child(pointer, &m.key);
            self.e164_key(m, &p);
            if let Some(number) = self.number(&m.value, &p) {
                numbers.insert(m.key.to_string(), number);
            }
        }
        numbers
    }

    /// A map key that must be an E.164 number (`numbers`, `phones`).
    fn e164_key(&mut self, m: &Member<'_>, p: &str) -> bool {
        let ok = is_e164(&m.key);
        if !ok {
            let problem = Problem::NotE164 {
                value: m.key.to_string(),
            };
            self.report(problem, m.key_span, p.to_owned());
        }
        ok
    }

    /// One number's definition (the value of a `numbers` entry).
    fn number(&mut self, v: &Value<'_>, p: &str) -> Option<Number> {
        let obj = self.object(v, p, "a number", "a number", NUMBER_KEYS)?;
        // A number writes the same keys as an application (its shorthand for one of its own).
        let mut number = Number::with_urls(self.application_keys(&obj));
        self.number_application(&obj, &mut number);
        Some(number)
    }

    /// The scenario's `epoch` and `applications` (read before `numbers`, whose `applicationId`s name them).
    fn epoch_and_applications(&mut self, obj: &Obj<'_, '_>, scenario: &mut Scenario) {
        if let Some((v, p)) = obj.get("epoch") {
            let expected =
                "unix seconds, a whole number from 0 to 253402300799 (the end of the year 9999)";
            match self.whole(v, &p, "\"epoch\"", expected) {
                Some(secs) if secs <= MAX_EPOCH_UNIX_SECS => scenario.epoch = secs,
                Some(secs) => {
                    let problem = Problem::BadNumber {
                        what: "\"epoch\"".to_owned(),
                        value: secs.to_string(),
                        expected,
                    };
                    self.report(problem, v.span, p);
                }
                None => {}
            }
        }
        if let Some((v, p)) = obj.get("applications") {
            for m in self.map(v, &p, "\"applications\"") {
                let mp = child(&p, &m.key);
                if !ids::is_valid(IdKind::Application, &m.key) {
                    let problem = Problem::BadApplicationId {
                        value: m.key.to_string(),
                    };
                    self.report(problem, m.key_span, mp.clone());
                }
                if let Some(app) = self.application(&m.value, &mp) {
                    scenario.applications.insert(m.key.to_string(), app);
                }
            }
        }
        let mut known = BTreeSet::new();
        known.extend(scenario.applications.keys().cloned());
        self.applications = Some(known);
    }

    /// One application's definition (the value of an `applications` entry).
    fn application(&mut self, v: &Value<'_>, p: &str) -> Option<Application> {
        let obj = self.object(v, p, "an application", "an application", APPLICATION_KEYS)?;
        Some(self.application_keys(&obj))
    }

    /// The keys an application and a number share: its six URLs and `alias`.
    fn application_keys(&mut self, obj: &Obj<'_, '_>) -> Application {
        let mut app = Application::default();
        for (key, slot) in [
            ("voiceUrl", &mut app.voice_url),
            ("voiceFallbackUrl", &mut app.voice_fallback_url),
            ("callConnectUrl", &mut app.call_connect_url),
            ("statusCallbackUrl", &mut app.status_callback_url),
            ("smsUrl", &mut app.sms_url),
            ("smsFallbackUrl", &mut app.sms_fallback_url),
        ] {
            if let Some((v, p)) = obj.get(key) {
                *slot = self.url(v, &p, key);
            }
        }
        if let Some((v, p)) = obj.get("alias") {
            app.alias = self.string(v, &p, "\"alias\"");
        }
        app
    }

    /// A number's `applicationId`: one of the scenario's applications (when they are known), and no URL of the
    /// number's own beside it.
    fn number_application(&mut self, obj: &Obj<'_, '_>, number: &mut Number) {
        let Some((v, p)) = obj.get("applicationId") else {
            return;
        };
        let Some(id) = self.string(v, &p, "\"applicationId\"") else {
            return;
        };
        let unknown = self
            .applications
            .as_ref()
            .filter(|known| !known.contains(&id))
            .map(|known| closest(&id, known.iter().map(String::as_str)).map(str::to_owned));
        if let Some(suggestion) = unknown {
            self.report(
                Problem::UnknownApplication {
                    id: id.clone(),
                    suggestion,
                },
                v.span,
                p,
            );
        }
        for key in NUMBER_URL_KEYS {
            if let Some((v, p)) = obj.get(key) {
                self.report(Problem::ApplicationAndUrl { key }, v.span, p);
            }
        }
        number.application_id = Some(id);
    }

    fn phones(
        &mut self,
        v: &Value<'_>,
        pointer: &str,
        numbers: &BTreeSet<String>,
    ) -> BTreeMap<String, Phone> {
        let mut phones = BTreeMap::new();
        for m in self.map(v, pointer, "\"phones\"") {
            let p = child(pointer, &m.key);
            self.phone_key(m, &p, Some(numbers));
            if let Some(phone) = self.phone(&m.value, &p) {
                phones.insert(m.key.to_string(), phone);
            }
        }
        phones
    }

    /// A `phones` key: E.164, and not one of the account's numbers (when they are known).
    fn phone_key(&mut self, m: &Member<'_>, p: &str, numbers: Option<&BTreeSet<String>>) {
        if self.e164_key(m, p) && numbers.is_some_and(|n| n.contains(m.key.as_ref())) {
            let problem = Problem::PhoneIsAccountNumber {
                number: m.key.to_string(),
            };
            self.report(problem, m.key_span, p.to_owned());
        }
    }

    /// One phone's definition (the value of a `phones` entry).
    fn phone(&mut self, v: &Value<'_>, p: &str) -> Option<Phone> {
        let obj = self.object(v, p, "a phone", "a phone", PHONE_KEYS)?;
        {
            let mut phone = Phone::default();
            if let Some((v, p)) = obj.get("answer") {
                phone.answer = self.answer(v, &p).unwrap_or_default();
            }
            if let Some((v, p)) = obj.get("media") {
                phone.media = self.media(v, &p).unwrap_or_default();
            }
            if let Some((v, p)) = obj.get("says") {
                phone.says = self.string(v, &p, "\"says\"");
            }
            if let Some((v, p)) = obj.get("hangupAfterMs") {
                phone.hangup_after_ms = self.count(v, &p, "hangupAfterMs");
            }
            Some(phone)
        }
    }

    fn answer(&mut self, v: &Value<'_>, pointer: &str) -> Option<Answer> {
        match &v.kind {
            Kind::String(s) => {
                let answer = match s.as_ref() {
                    "busy" => Answer::Busy,
                    "noAnswer" => Answer::NoAnswer,
                    "failed" => Answer::Failed,
                    "manual" => Answer::Manual,
                    _ => {
                        let problem = Problem::BadEnum {
                            what: "\"answer\"",
                            value: s.to_string(),
                            allowed: ANSWER_WORDS,
                            suggestion: closest(s, ANSWER_WORDS.iter().copied()),
                        };
                        self.report(problem, v.span, pointer.to_owned());
                        return None;
                    }
                };
                Some(answer)
            }
            Kind::Object(_) => {
                let obj = self.object(v, pointer, "\"answer\"", "\"answer\"", ANSWER_KEYS)?;
                let after_ms = match obj.get("afterMs") {
                    Some((v, p)) => self.count(v, &p, "afterMs")?,
                    None => 0,
                };
                Some(Answer::After { after_ms })
            }
            _ => {
                self.wrong_type(
                    v,
                    pointer,
                    "\"answer\"",
                    "an object such as {\"afterMs\": 1500} or one of \"busy\", \"noAnswer\", \"failed\", \"manual\"",
                );
                None
            }
        }
    }

    fn media(&mut self, v: &Value<'_>, pointer: &str) -> Option<Media> {
        let obj = self.object(v, pointer, "\"media\"", "\"media\"", MEDIA_KEYS)?;
        if obj.members.len() != 1 {
            // Zero or several kinds: say which are there.
            let problem = Problem::MediaCount {
                found: obj.members.iter().map(|m| m.key.to_string()).collect(),
            };
            self.report(problem, obj.span, obj.pointer.clone());
            return None;
        }
        let m = obj.members[0];
        let p = child(pointer, &m.key);
        let v = &m.value;
        match m.key.as_ref() {
            "tone" => {
                let hz = self.whole(v, &p, "\"tone\"", "a frequency from 1 to 20000 Hz")?;
                if !(1..=20_000).contains(&hz) {
                    let problem = Problem::BadNumber {
                        what: "\"tone\"".into(),
                        value: hz.to_string(),
                        expected: "a frequency from 1 to 20000 Hz",
                    };
                    self.report(problem, v.span, p);
                    return None;
                }
                Some(Media::Tone { hz: hz as u32 })
            }
            "silence" => match v.kind {
                Kind::Bool(true) => Some(Media::Silence),
                _ => {
                    self.wrong_type(v, &p, "\"silence\"", "true");
                    None
                }
            },
            "file" => Some(Media::File {
                path: self.non_empty(v, &p, "file")?,
            }),
            "speech" => Some(Media::Speech {
                text: self.non_empty(v, &p, "speech")?,
            }),
            _ => {
                let obj = self.object(v, &p, "\"talker\"", "\"talker\"", TALKER_KEYS)?;
                let mut talker = Talker::default();
                if let Some((v, p)) = obj.get("text") {
                    talker.text = self.non_empty(v, &p, "text");
                }
                if let Some((v, p)) = obj.get("talkMs") {
                    talker.talk_ms = self.count(v, &p, "talkMs").unwrap_or(talker.talk_ms);
                }
                if let Some((v, p)) = obj.get("silenceMs") {
                    talker.silence_ms = self.count(v, &p, "silenceMs").unwrap_or(talker.silence_ms);
                }
                Some(Media::Talker(talker))
            }
        }
    }

    fn app(
        &mut self,
        v: &Value<'_>,
        pointer: &str,
        known: &BTreeSet<String>,
    ) -> BTreeMap<String, AppResponse> {
        let mut app = BTreeMap::new();
        for m in self.map(v, pointer, "\"app\"") {
            let p = child(pointer, &m.key);
            self.url_key(m, &p);
            if is_recorded(&m.value) {
                continue;
            }
            if let Some(response) = self.response(&m.value, &p, Some(known)) {
                app.insert(m.key.to_string(), response);
            }
        }
        app
    }

    /// An `app` key: an absolute http(s) URL.
    fn url_key(&mut self, m: &Member<'_>, p: &str) {
        if !is_http_url(&m.key) {
            let problem = Problem::NotHttpUrl {
                value: m.key.to_string(),
            };
            self.report(problem, m.key_span, p.to_owned());
        }
    }

    /// What one app URL answers (the value of an `app` entry). `known` is `None` for a step read alone, whose
    /// `{{call:PHONE}}` templates the engine resolves, or not, at run time.
    fn response(
        &mut self,
        v: &Value<'_>,
        p: &str,
        known: Option<&BTreeSet<String>>,
    ) -> Option<AppResponse> {
        match &v.kind {
            Kind::Array(_) => self
                .percl(v, p, known)
                .map(|percl| AppResponse::Percl { percl, delay_ms: 0 }),
            Kind::Object(_) => self.response_object(v, p, known),
            _ => {
                self.wrong_type(
                    v,
                    p,
                    "an app response",
                    "a PerCL array or an object such as {\"status\": 500}",
                );
                None
            }
        }
    }

    fn response_object(
        &mut self,
        v: &Value<'_>,
        pointer: &str,
        known: Option<&BTreeSet<String>>,
    ) -> Option<AppResponse> {
        // One command where an array of them belongs is a common slip; say so rather than "unknown key".
        if let Kind::Object(members) = &v.kind
            && let [m] = members.as_slice()
            && percl::schema::command(&m.key).is_some()
        {
            let problem = Problem::CommandNotInArray {
                command: m.key.to_string(),
            };
            self.report(problem, v.span, pointer.to_owned());
            return None;
        }
        let obj = self.object(
            v,
            pointer,
            "an app response",
            "an app response",
            RESPONSE_KEYS,
        )?;
        let delay_ms = self.delay_ms(&obj);
        if let Some((v, p)) = obj.get("percl") {
            for key in ["status", "body"] {
                if let Some((other, p)) = obj.get(key) {
                    self.report(Problem::PerclWithFault { key }, other.span, p);
                }
            }
            if !matches!(v.kind, Kind::Array(_)) {
                self.wrong_type(v, &p, "\"percl\"", "a PerCL array");
                return None;
            }
            let percl = self.percl(v, &p, known)?;
            return Some(AppResponse::Percl { percl, delay_ms });
        }
        let mut fault = Fault {
            status: 200,
            delay_ms,
            body: String::new(),
        };
        if let Some((v, p)) = obj.get("status")
            && let Some(n) = self.whole(v, &p, "\"status\"", "an HTTP status from 100 to 599")
        {
            if (100..=599).contains(&n) {
                fault.status = n as u16;
            } else {
                let problem = Problem::BadNumber {
                    what: "\"status\"".into(),
                    value: n.to_string(),
                    expected: "an HTTP status from 100 to 599",
                };
                self.report(problem, v.span, p);
            }
        }
        if let Some((v, p)) = obj.get("body") {
            fault.body = self.string(v, &p, "\"body\" (the raw response text)")?;
        }
        Some(AppResponse::Fault(fault))
    }

    /// Checks a PerCL response: the PerCL checker on its text (errors only, re-based into the scenario), then
    /// the templates in its strings.
    fn percl(
        &mut self,
        v: &Value<'_>,
        pointer: &str,
        known: Option<&BTreeSet<String>>,
    ) -> Option<Percl> {
        let base = v.span.start as usize;
        let text = &self.source[base..v.span.end as usize];
        let report = percl::check(text);
        let before = self.problems.len();
        for d in report.diagnostics {
            if d.severity() != percl::Severity::Error {
                continue;
            }
            // A string holding a template gets its value only at run time; problems with its content are
            // checked then (by the engine, after expansion), not now.
            if about_content(&d.problem) && template::has_template(&text[d.start..d.end]) {
                continue;
            }
            let span = Span {
                start: (base + d.start) as u32,
                end: (base + d.end) as u32,
            };
            self.report(
                Problem::Percl(d.problem),
                span,
                format!("{pointer}{}", d.pointer),
            );
        }
        self.templates(v, pointer, Context::Webhook, known);
        let value = self.json_value(v, pointer)?;
        (self.problems.len() == before).then(|| Percl {
            value,
            pointer: pointer.to_owned(),
        })
    }

    /// Checks the templates in every string of `v`.
    fn templates(
        &mut self,
        v: &Value<'_>,
        pointer: &str,
        context: Context,
        known: Option<&BTreeSet<String>>,
    ) {
        match &v.kind {
            Kind::String(s) => self.template(v, s, pointer, context, known),
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.templates(item, &index(pointer, i), context, known);
                }
            }
            Kind::Object(members) => {
                for m in members {
                    self.templates(&m.value, &child(pointer, &m.key), context, known);
                }
            }
            _ => {}
        }
    }

    /// Checks the templates of one string `s` (the value `v`).
    fn template(
        &mut self,
        v: &Value<'_>,
        s: &str,
        pointer: &str,
        context: Context,
        known: Option<&BTreeSet<String>>,
    ) {
        if !template::has_template(s) {
            return;
        }
        // Offsets in `s` are offsets in the file only when the string has no escapes.
        let raw = &self.source[v.span.start as usize + 1
            ..(v.span.end as usize)
                .saturating_sub(1)
                .max(v.span.start as usize + 1)];
        let place = |at: usize| -> Span {
            if raw == s {
                let start = v.span.start + 1 + at as u32;
                let end = s[at..]
                    .find("}}")
                    .map_or(v.span.end - 1, |e| start + e as u32 + 2);
                Span { start, end }
            } else {
                v.span
            }
        };
        let pieces = match template::parse(s) {
            Ok(pieces) => pieces,
            Err(e) => {
                let at = match e {
                    TemplateError::Unclosed { at }
                    | TemplateError::EmptyName { at }
                    | TemplateError::UnknownKind { at, .. } => at,
                    _ => 0,
                };
                self.report(Problem::Template(e), place(at), pointer.to_owned());
                return;
            }
        };
        // Find each piece's offset again, for placing problems with it.
        let mut at = 0;
        for piece in pieces {
            let here = at;
            match piece {
                Piece::Text(t) => {
                    at += t.len();
                    continue;
                }
                _ => at += s[at..].find("}}").map_or(s.len() - at, |e| e + 2),
            }
            match piece {
                Piece::Field(name) if context == Context::Api => {
                    let problem = Problem::Template(TemplateError::NoBody {
                        name: name.to_owned(),
                    });
                    self.report(problem, place(here), pointer.to_owned());
                }
                // Without the world (a step read alone) the engine finds the phone, or not, at run time.
                Piece::Call(phone) if known.is_some_and(|k| !k.contains(phone)) => {
                    let known = known.into_iter().flatten();
                    let problem = Problem::UnknownPhone {
                        phone: phone.to_owned(),
                        suggestion: closest(phone, known.map(String::as_str)).map(str::to_owned),
                    };
                    self.report(problem, place(here), pointer.to_owned());
                }
                _ => {}
            }
        }
    }

    /// The value as `serde_json::Value`; numbers serde_json cannot hold (`1e999`) are reported.
    fn json_value(&mut self, v: &Value<'_>, pointer: &str) -> Option<serde_json::Value> {
        use serde_json::Value as J;
        Some(match &v.kind {
            Kind::Null => J::Null,
            Kind::Bool(b) => J::Bool(*b),
            Kind::Number(text) => match serde_json::from_str::<serde_json::Number>(text) {
                // serde_json (without its `float_roundtrip` feature) may round a float's last digit wrongly, and
                // then a written scenario would not read back to the same value: std's parse rounds correctly,
                // and serde_json writes the shortest text that parses back to the same f64.
                Ok(n) if n.is_f64() => match text
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                {
                    Some(exact) => J::Number(exact),
                    None => J::Number(n),
                },
                Ok(n) => J::Number(n),
                Err(_) => {
                    let problem = Problem::BadNumber {
                        what: "the number".into(),
                        value: (*text).to_owned(),
                        expected: "a number of at most about 1.8e308",
                    };
                    self.report(problem, v.span, pointer.to_owned());
                    return None;
                }
            },
            Kind::String(s) => J::String(s.to_string()),
            Kind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.json_value(item, &index(pointer, i))?);
                }
                J::Array(out)
            }
            Kind::Object(members) => {
                let mut out = serde_json::Map::new();
                for m in members {
                    let value = self.json_value(&m.value, &child(pointer, &m.key))?;
                    out.insert(m.key.to_string(), value);
                }
                J::Object(out)
            }
        })
    }

    fn steps(&mut self, v: &Value<'_>, pointer: &str, world: World<'_>) -> Vec<Step> {
        let Kind::Array(items) = &v.kind else {
            self.wrong_type(v, pointer, "\"steps\"", "an array of steps");
            return Vec::new();
        };
        let mut steps = Vec::with_capacity(items.len());
        let mut previous: Option<u64> = None;
        for (i, item) in items.iter().enumerate() {
            let p = index(pointer, i);
            let Some(obj) = self.object(item, &p, "a step", "a step", STEP_KEYS) else {
                continue;
            };
            let at = match obj.get("at") {
                Some((v, ap)) => {
                    let at = self.time(v, &ap, "at");
                    if let (Some(at), Some(prev)) = (at, previous)
                        && at < prev
                    {
                        let problem = Problem::OutOfOrder { at, previous: prev };
                        self.report(problem, v.span, ap);
                    }
                    if let Some(at) = at {
                        previous = Some(previous.map_or(at, |prev| prev.max(at)));
                    }
                    at
                }
                None => {
                    self.missing(&obj, "a step", "at", "the time in ms, such as 0 or 1500");
                    None
                }
            };
            let action = self.step_action(item, &obj, Some(world));
            if let (Some(at), Some(action)) = (at, action) {
                steps.push(Step {
                    at,
                    action,
                    pointer: p,
                });
            }
        }
        steps
    }

    /// A step applied now: an object with exactly one action and no `at` (the driver applies it at its current
    /// virtual time). Without a world only what the step says alone is checked (see [`parse_step`]).
    fn step_now(
        &mut self,
        v: &Value<'_>,
        pointer: &str,
        world: Option<World<'_>>,
    ) -> Option<Action> {
        let before = self.problems.len();
        let obj = self.object(v, pointer, NOW_STEP, NOW_STEP, ACTIONS);
        // `at` is not a typo of an action, and "did you mean" would mislead: say why a step applied now has none.
        for (problem, _, _) in &mut self.problems[before..] {
            if let Problem::UnknownKey {
                owner,
                key,
                suggestion,
                ..
            } = problem
                && key == "at"
            {
                *owner = NOW_STEP_WITH_AT;
                *suggestion = None;
            }
        }
        self.step_action(v, &obj?, world)
    }

    /// The one action of a step object whose keys `obj` has checked: reports a step with none or several, and
    /// reads the action at `obj`'s pointer + `/action`. Shared by timed steps and steps applied now, so both
    /// give the same errors.
    fn step_action(
        &mut self,
        item: &Value<'_>,
        obj: &Obj<'_, '_>,
        world: Option<World<'_>>,
    ) -> Option<Action> {
        let actions: Vec<_> = obj
            .members
            .iter()
            .filter(|m| ACTIONS.contains(&m.key.as_ref()))
            .collect();
        // A step without an action but with an unknown key (a misspelt action) was reported already.
        let unknown_keys = matches!(&item.kind, Kind::Object(all) if all.len() > obj.members.len());
        if actions.len() != 1 && !(actions.is_empty() && unknown_keys) {
            let problem = Problem::ActionCount {
                found: actions.iter().map(|m| m.key.to_string()).collect(),
            };
            self.report(problem, item.span, obj.pointer.clone());
        }
        let [m] = actions.as_slice() else {
            return None;
        };
        let ap = child(&obj.pointer, &m.key);
        self.action(&m.key, &m.value, &ap, world)
    }

    fn action(
        &mut self,
        name: &str,
        v: &Value<'_>,
        pointer: &str,
        world: Option<World<'_>>,
    ) -> Option<Action> {
        match name {
            "dial" => {
                let obj = self.object(v, pointer, "\"dial\"", "\"dial\"", DIAL_KEYS)?;
                let from = match obj.get("from") {
                    Some((v, p)) => {
                        let from = self.e164(v, &p, "\"from\"");
                        if let (Some(f), Some(w)) = (&from, world)
                            && w.numbers.contains(f)
                        {
                            let problem = Problem::PhoneIsAccountNumber { number: f.clone() };
                            self.report(problem, v.span, p);
                            return None;
                        }
                        from
                    }
                    None => {
                        self.missing(&obj, "\"dial\"", "from", "the calling phone, E.164");
                        None
                    }
                };
                let to = match obj.get("to") {
                    Some((v, p)) => {
                        let to = self.e164(v, &p, "\"to\"");
                        if let (Some(t), Some(w)) = (&to, world)
                            && !w.numbers.contains(t)
                        {
                            let problem = Problem::NotAccountNumber { number: t.clone() };
                            self.report(problem, v.span, p);
                            return None;
                        }
                        to
                    }
                    None => {
                        self.missing(&obj, "\"dial\"", "to", "one of the account's numbers");
                        None
                    }
                };
                Some(Action::Dial {
                    from: from?,
                    to: to?,
                })
            }
            "api" => self
                .api(v, pointer, world.map(|w| w.known))
                .map(Action::Api),
            "set" => self.set(v, pointer, world).map(Action::Set),
            "hangup" | "answer" => {
                let owner = if name == "hangup" {
                    "\"hangup\""
                } else {
                    "\"answer\""
                };
                let obj = self.object(v, pointer, owner, owner, PHONE_STEP_KEYS)?;
                let phone = self.step_phone(&obj, owner, world)?;
                Some(if name == "hangup" {
                    Action::Hangup { phone }
                } else {
                    Action::Answer { phone }
                })
            }
            "digits" => {
                let obj = self.object(v, pointer, "\"digits\"", "\"digits\"", DIGITS_KEYS)?;
                let phone = self.step_phone(&obj, "\"digits\"", world);
                let digits = match obj.get("digits") {
                    Some((v, p)) => {
                        let d = self.non_empty(v, &p, "digits");
                        match d {
                            Some(d)
                                if !d
                                    .bytes()
                                    .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#') =>
                            {
                                let problem = Problem::BadKeys { value: d };
                                self.report(problem, v.span, p);
                                None
                            }
                            d => d,
                        }
                    }
                    None => {
                        self.missing(
                            &obj,
                            "\"digits\"",
                            "digits",
                            "the keys pressed, such as \"12#\"",
                        );
                        None
                    }
                };
                Some(Action::Digits {
                    phone: phone?,
                    digits: digits?,
                })
            }
            _ => {
                let obj = self.object(v, pointer, "\"say\"", "\"say\"", SAY_KEYS)?;
                let phone = self.step_phone(&obj, "\"say\"", world);
                let text = match obj.get("text") {
                    Some((v, p)) => self.non_empty(v, &p, "text"),
                    None => {
                        self.missing(&obj, "\"say\"", "text", "the phrase the phone says");
                        None
                    }
                };
                Some(Action::Say {
                    phone: phone?,
                    text: text?,
                })
            }
        }
    }

    /// A `set` step's change: each section read as the top-level one is, entry by entry, `null` removing one.
    fn set(
        &mut self,
        v: &Value<'_>,
        pointer: &str,
        world: Option<World<'_>>,
    ) -> Option<WorldChange> {
        let obj = self.object(v, pointer, "\"set\"", "\"set\"", SET_KEYS)?;
        // A misspelt section was reported as an unknown key already; only a truly empty object is "nothing".
        if matches!(&v.kind, Kind::Object(all) if all.is_empty()) {
            self.report(Problem::EmptySet, v.span, pointer.to_owned());
        }
        let mut change = WorldChange::default();
        if let Some((v, p)) = obj.get("account") {
            change.account = self.account_change(v, &p);
        }
        if let Some((v, p)) = obj.get("numbers") {
            for m in self.map(v, &p, "\"numbers\"") {
                let mp = child(&p, &m.key);
                self.e164_key(m, &mp);
                // An entry with problems is left out (and reported); the others are still read.
                let entry = match m.value.kind {
                    Kind::Null => None,
                    _ => match self.number(&m.value, &mp) {
                        Some(entry) => Some(entry),
                        None => continue,
                    },
                };
                change.numbers.insert(m.key.to_string(), entry);
            }
        }
        if let Some((v, p)) = obj.get("phones") {
            for m in self.map(v, &p, "\"phones\"") {
                let mp = child(&p, &m.key);
                self.phone_key(m, &mp, world.map(|w| w.numbers));
                // An entry with problems is left out (and reported); the others are still read.
                let entry = match m.value.kind {
                    Kind::Null => None,
                    _ => match self.phone(&m.value, &mp) {
                        Some(entry) => Some(entry),
                        None => continue,
                    },
                };
                change.phones.insert(m.key.to_string(), entry);
            }
        }
        if let Some((v, p)) = obj.get("app") {
            for m in self.map(v, &p, "\"app\"") {
                let mp = child(&p, &m.key);
                self.url_key(m, &mp);
                // An entry with problems is left out (and reported); the others are still read.
                let entry = match m.value.kind {
                    Kind::Null => None,
                    _ => match self.response(&m.value, &mp, world.map(|w| w.known)) {
                        Some(entry) => Some(entry),
                        None => continue,
                    },
                };
                change.app.insert(m.key.to_string(), entry);
            }
        }
        Some(change)
    }

    /// The `account` of a `set` step: `type` and `verifiedNumbers`; the keys that identify the account are
    /// refused (they are the world's).
    fn account_change(&mut self, v: &Value<'_>, pointer: &str) -> Option<AccountChange> {
        let obj = self.object(v, pointer, "\"account\"", "the account", ACCOUNT_KEYS)?;
        for m in &obj.members {
            if let Some(key) = ACCOUNT_IDENTITY_KEYS.iter().find(|k| **k == m.key) {
                let problem = Problem::AccountIdentityInSet { key };
                self.report(problem, m.key_span, child(pointer, &m.key));
            }
        }
        let mut change = AccountChange::default();
        if let Some((v, p)) = obj.get("type") {
            change.kind = self.account_type(v, &p);
        }
        if let Some((v, p)) = obj.get("verifiedNumbers") {
            change.verified_numbers = Some(self.verified_numbers(v, &p));
        }
        Some(change)
    }

    /// The `phone` of a step: E.164, and known (in `phones` or dialling in) when there is a world to know it.
    fn step_phone(
        &mut self,
        obj: &Obj<'_, '_>,
        owner: &'static str,
        world: Option<World<'_>>,
    ) -> Option<String> {
        let Some((v, p)) = obj.get("phone") else {
            self.missing(obj, owner, "phone", "an outside phone, E.164");
            return None;
        };
        let phone = self.e164(v, &p, "\"phone\"")?;
        if let Some(World { known, .. }) = world
            && !known.contains(&phone)
        {
            let problem = Problem::UnknownPhone {
                suggestion: closest(&phone, known.iter().map(String::as_str)).map(str::to_owned),
                phone,
            };
            self.report(problem, v.span, p);
            return None;
        }
        Some(phone)
    }

    fn api(
        &mut self,
        v: &Value<'_>,
        pointer: &str,
        known: Option<&BTreeSet<String>>,
    ) -> Option<ApiRequest> {
        let obj = self.object(v, pointer, "\"api\"", "\"api\"", API_KEYS)?;
        let method = match obj.get("method") {
            Some((v, p)) => {
                let s = self.string(v, &p, "\"method\"");
                match s
                    .as_deref()
                    .and_then(|s| Method::ALL.into_iter().find(|m| m.as_str() == s))
                {
                    Some(m) => Some(m),
                    None => {
                        if let Some(s) = s {
                            let problem = Problem::BadEnum {
                                what: "\"method\"",
                                suggestion: closest(&s, METHODS.iter().copied()),
                                value: s,
                                allowed: METHODS,
                            };
                            self.report(problem, v.span, p);
                        }
                        None
                    }
                }
            }
            None => {
                self.missing(&obj, "\"api\"", "method", "GET, POST or DELETE");
                None
            }
        };
        let path = match obj.get("path") {
            Some((v, p)) => {
                let path = self.string(v, &p, "\"path\"");
                match path {
                    Some(path) if !path.starts_with('/') => {
                        self.report(Problem::PathWithoutSlash { path }, v.span, p);
                        None
                    }
                    Some(path) if path.starts_with("/Accounts/") || path == "/Accounts" => {
                        self.report(Problem::PathWithAccount { path }, v.span, p);
                        None
                    }
                    Some(path) => {
                        if let Kind::String(s) = &v.kind {
                            self.template(v, s, &p, Context::Api, known);
                        }
                        Some(path)
                    }
                    None => None,
                }
            }
            None => {
                self.missing(&obj, "\"api\"", "path", "such as \"/Conferences\"");
                None
            }
        };
        let mut query = Vec::new();
        if let Some((v, p)) = obj.get("query") {
            for m in self.map(v, &p, "\"query\"") {
                let mp = child(&p, &m.key);
                let text = match &m.value.kind {
                    Kind::String(s) => Some(s.to_string()),
                    Kind::Number(n) => Some((*n).to_owned()),
                    Kind::Bool(b) => Some(b.to_string()),
                    _ => {
                        self.wrong_type(
                            &m.value,
                            &mp,
                            "a query value",
                            "a string, number or boolean",
                        );
                        None
                    }
                };
                if let Some(text) = text {
                    if let Kind::String(s) = &m.value.kind {
                        self.template(&m.value, s, &mp, Context::Api, known);
                    }
                    query.push((m.key.to_string(), text));
                }
            }
        }
        let body = match obj.get("body") {
            Some((v, p)) => {
                self.templates(v, &p, Context::Api, known);
                Some(self.json_value(v, &p)?)
            }
            None => None,
        };
        Some(ApiRequest {
            method: method?,
            path: path?,
            query,
            body,
        })
    }
}

/// Where a template is: in a webhook response (has a body) or an `api` step (has none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    Webhook,
    Api,
}

/// The `from` of a `dial` step, read without reporting anything (the full read reports).
fn dial_from<'v>(step: &'v Value<'_>) -> Option<&'v str> {
    let Kind::Object(members) = &step.kind else {
        return None;
    };
    let dial = members.iter().find(|m| m.key == "dial")?;
    let Kind::Object(fields) = &dial.value.kind else {
        return None;
    };
    match &fields.iter().find(|m| m.key == "from")?.value.kind {
        Kind::String(s) => Some(s),
        _ => None,
    }
}

/// The keys of section `section` (`"phones"`, `"numbers"`) of a `set` step whose entries are not `null`, read
/// without reporting anything (the full read reports).
fn set_keys<'v>(step: &'v Value<'_>, section: &str) -> impl Iterator<Item = &'v str> {
    let entries = match &step.kind {
        Kind::Object(members) => members
            .iter()
            .find(|m| m.key == "set")
            .and_then(|set| match &set.value.kind {
                Kind::Object(sections) => sections.iter().find(|m| m.key == section),
                _ => None,
            })
            .and_then(|m| match &m.value.kind {
                Kind::Object(entries) => Some(entries.as_slice()),
                _ => None,
            }),
        _ => None,
    };
    entries
        .unwrap_or_default()
        .iter()
        .filter(|m| !matches!(m.value.kind, Kind::Null))
        .map(|m| m.key.as_ref())
}

/// The allowed key a misspelt one was probably meant to be: a near miss, or the one key it is a prefix of
/// (`after` → `afterMs`).
fn suggest(written: &str, allowed: &'static [&'static str]) -> Option<&'static str> {
    closest(written, allowed.iter().copied()).or_else(|| {
        let lower = written.to_lowercase();
        let mut prefixed = allowed
            .iter()
            .filter(|k| lower.len() >= 3 && k.to_lowercase().starts_with(&lower));
        match (prefixed.next(), prefixed.next()) {
            (Some(k), None) => Some(*k),
            _ => None,
        }
    })
}

/// The PerCL checker as the reader runs it on an app response, for an editor of one (the page's world editor):
/// every problem `percl::check` finds, except those about the content of a string holding a template (its value
/// is known only at run time; the engine checks it after expansion). The counts are those of what is kept.
pub fn check_app_percl(text: &str) -> percl::Report {
    let mut report = percl::check(text);
    let reported = report.diagnostics.len();
    report.diagnostics.retain(|d| {
        !(about_content(&d.problem) && text.get(d.start..d.end).is_some_and(template::has_template))
    });
    if report.diagnostics.len() != reported {
        let count = |severity| {
            report
                .diagnostics
                .iter()
                .filter(|d| d.severity() == severity)
                .count()
        };
        report.errors = count(percl::Severity::Error);
        report.warnings = count(percl::Severity::Warning);
    }
    report
}

/// Whether a PerCL problem is about a string's content (which a template decides only at run time), rather
/// than the script's structure.
fn about_content(problem: &percl::Problem) -> bool {
    use percl::Problem::*;
    matches!(
        problem,
        NotE164 { .. }
            | BadKeys { .. }
            | BadQueueId { .. }
            | NotHttpUrl { .. }
            | BadEnum { .. }
            | UnknownLanguage { .. }
            | UnknownBuiltinGrammar { .. }
            | BuiltinGrammarAsUrl { .. }
            | TextTooLong { .. }
            | SmsSegments { .. }
    )
}

// Recorded replies (`conflab serve`'s export, docs/serve.md): `"app": {URL: {"replies": [REPLY, ...]}}`, each
// REPLY `{"status", "body", "delayMs"}` (the raw HTTP answer) or `{"failed": WHY, "delayMs"}`. Kept apart from
// the rest of the reader: `app` skips these entries (`is_recorded`) and `recorded_replies` reads only them.

const RECORDED_KEYS: &[&str] = &["replies"];
const REPLY_KEYS: &[&str] = &["status", "body", "delayMs", "failed"];

/// Whether an `app` entry is a list of recorded replies (an object with `"replies"`), not a response.
fn is_recorded(v: &Value<'_>) -> bool {
    matches!(&v.kind, Kind::Object(members) if members.iter().any(|m| m.key == "replies"))
}

impl Reader<'_> {
    /// The recorded replies of every `app` entry that has them (the others are read by `app`).
    fn recorded_replies(&mut self, v: &Value<'_>, pointer: &str) -> BTreeMap<String, Vec<Reply>> {
        let mut out = BTreeMap::new();
        let Kind::Object(members) = &v.kind else {
            return out;
        };
        for m in members.iter().filter(|m| is_recorded(&m.value)) {
            let p = child(pointer, &m.key);
            let Some(obj) = self.object(
                &m.value,
                &p,
                "recorded replies",
                "recorded replies",
                RECORDED_KEYS,
            ) else {
                continue;
            };
            let Some((list, lp)) = obj.get("replies") else {
                continue;
            };
            let Kind::Array(items) = &list.kind else {
                self.wrong_type(list, &lp, "\"replies\"", "an array");
                continue;
            };
            let replies = items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| self.recorded_reply(item, &index(&lp, i)))
                .collect();
            out.insert(m.key.to_string(), replies);
        }
        out
    }

    /// An app answer's or a recorded reply's `delayMs` (0 when absent or wrong, the problem reported).
    fn delay_ms(&mut self, obj: &Obj<'_, '_>) -> u64 {
        match obj.get("delayMs") {
            Some((v, p)) => self.count(v, &p, "delayMs").unwrap_or(0),
            None => 0,
        }
    }

    fn recorded_reply(&mut self, v: &Value<'_>, pointer: &str) -> Option<Reply> {
        let obj = self.object(
            v,
            pointer,
            "a recorded reply",
            "a recorded reply",
            REPLY_KEYS,
        )?;
        let delay_ms = self.delay_ms(&obj);
        if let Some((v, p)) = obj.get("failed") {
            let reason = self.string(v, &p, "\"failed\" (why the request failed)")?;
            return Some(Reply::Failed { reason, delay_ms });
        }
        let mut fault = Fault {
            status: 200,
            delay_ms,
            body: String::new(),
        };
        if let Some((v, p)) = obj.get("status") {
            // A recorded status is whatever the app sent; 0..=999 is what HTTP can carry.
            let n = self.whole(v, &p, "\"status\"", "an HTTP status from 100 to 999")?;
            fault.status = u16::try_from(n)
                .ok()
                .filter(|n| (100..=999).contains(n))
                .or_else(|| {
                    let problem = Problem::BadNumber {
                        what: "\"status\"".into(),
                        value: n.to_string(),
                        expected: "an HTTP status from 100 to 999",
                    };
                    self.report(problem, v.span, p);
                    None
                })?;
        }
        if let Some((v, p)) = obj.get("body") {
            fault.body = self.string(v, &p, "\"body\" (the raw response text)")?;
        }
        Some(Reply::Http(fault))
    }
}

/// Reads the body of `conflab serve`'s `POST /conflab/steps`: one step applied now (`{"dial": {…}}`) or an array
/// of them, each checked as a step joining `scenario` (after the ones before it in the array). Every problem of
/// every step is reported (pointers `/dial/to`, or `/1/dial/to` in an array); on any problem, no step is read.
pub fn parse_steps(source: &str, scenario: &Scenario) -> Result<Vec<Action>, ScenarioErrors> {
    let root = parse_json(source)?;
    let (nodes, array): (Vec<&Value<'_>>, bool) = match &root.kind {
        Kind::Array(items) => (items.iter().collect(), true),
        _ => (vec![&root], false),
    };
    let mut joined = scenario.clone();
    let mut actions = Vec::with_capacity(nodes.len());
    let mut errors = Vec::new();
    for (i, node) in nodes.into_iter().enumerate() {
        let prefix = if array {
            format!("/{i}")
        } else {
            String::new()
        };
        match read_step_in(node, source, &prefix, &joined) {
            Ok(action) => {
                joined.steps.push(Step {
                    at: 0,
                    action: action.clone(),
                    pointer: String::new(),
                });
                actions.push(action);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if array && actions.is_empty() && errors.is_empty() {
        let mut r = Reader::new(source, "");
        r.wrong_type(
            &root,
            "",
            "the steps",
            "a step or a non-empty array of steps",
        );
        return Err(r.finish());
    }
    if errors.is_empty() {
        Ok(actions)
    } else {
        Err(ScenarioErrors { errors })
    }
}
