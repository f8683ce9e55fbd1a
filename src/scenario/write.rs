//! Writes a [`Scenario`] as a scenario file: the inverse of [`super::parse`].
//!
//! The page's live sandbox is "a scenario being written": each user action becomes a step, and the session is
//! exported with [`write`] so that `conflab run FILE` replays it. So the output must read back to the same value,
//! and it is meant to be read by people too, in the style of the files in `tests/scenarios/`:
//!
//! * the top level is an object indented by 2 spaces, its keys in the documented order (`seed`, `epoch`,
//!   `account`, `applications`, `numbers`, `phones`, `app`, `steps`, `until`);
//! * `numbers`, `phones` and `app` have one entry per line, and `steps` one step per line, each entry written
//!   as compact JSON (`{"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}}`);
//! * defaults are left out (no `account` for the default account, no `answer` for a phone that answers at once,
//!   no `delayMs` of 0, …), because the reader puts them back;
//! * PerCL responses and `api` bodies are written as their JSON values;
//! * maps are `BTreeMap`s, so the same scenario always gives the same text.
//!
//! What does not survive, because the model does not keep it: `description`, `$schema`, the layout of the
//! original file, and whether an `api` query value was written as a string, number or boolean (it is kept as
//! text, and written as a string, which reads back to the same text).

use super::model::*;
use crate::percl::diagnostic::{PathSeg, pointer as render_pointer};
use serde_json::Value;
use std::fmt::Write as _;

/// The scenario as a JSON document that [`super::parse`] reads back to an equal [`Scenario`].
///
/// Steps are written in the order of `s.steps` (not sorted: a timeline out of order reads back as an error,
/// as it would from a file). The reader sets each step's `pointer` to `/steps/{index}` and each PerCL
/// response's to its place in `app`, so the round trip `parse(&write(&s)) == Ok(s)` holds when those pointers
/// already are the reader's, as they are for any scenario that came from `parse`. A PerCL response is written
/// as a bare array when it answers at once, or as `{"percl": [...]}` when it has a delay or its pointer ends in
/// `/percl` (so a file that used the object form keeps it).
pub fn write(s: &Scenario) -> String {
    let mut top: Vec<(&str, String)> = Vec::new();
    if s.seed != 0 {
        top.push(("seed", s.seed.to_string()));
    }
    // The epoch is written whenever it is not the default, so an exported session replays with its own clock.
    if s.epoch != DEFAULT_EPOCH_UNIX_SECS {
        top.push(("epoch", s.epoch.to_string()));
    }
    let account = account(&s.account);
    if account != "{}" {
        top.push(("account", account));
    }
    if !s.applications.is_empty() {
        top.push((
            "applications",
            lines(
                '{',
                '}',
                s.applications.iter().map(|(k, a)| entry(k, application(a))),
            ),
        ));
    }
    if !s.numbers.is_empty() {
        top.push((
            "numbers",
            lines('{', '}', s.numbers.iter().map(|(k, n)| entry(k, number(n)))),
        ));
    }
    if !s.phones.is_empty() {
        top.push((
            "phones",
            lines('{', '}', s.phones.iter().map(|(k, p)| entry(k, phone(p)))),
        ));
    }
    if !s.app.is_empty() || !s.replies.is_empty() {
        let mut entries: Vec<(&String, String)> = s
            .app
            .iter()
            .map(|(url, r)| {
                let bare = render_pointer([PathSeg::Key("app"), PathSeg::Key(url)]);
                (url, response(&bare, r))
            })
            .collect();
        entries.extend(s.replies.iter().map(|(url, r)| (url, recorded_replies(r))));
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let entries = entries.into_iter().map(|(url, text)| entry(url, text));
        top.push(("app", lines('{', '}', entries)));
    }
    if !s.steps.is_empty() {
        top.push(("steps", lines('[', ']', s.steps.iter().map(step))));
    }
    if let Some(until) = s.until {
        top.push(("until", until.to_string()));
    }
    if top.is_empty() {
        return "{}\n".to_owned();
    }
    let mut out = String::from("{\n");
    for (i, (key, value)) in top.iter().enumerate() {
        let comma = if i + 1 < top.len() { "," } else { "" };
        let _ = writeln!(out, "  {}: {value}{comma}", string(key));
    }
    out.push_str("}\n");
    out
}

/// An object or array with one item per line, indented under a top-level key.
fn lines(open: char, close: char, items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    format!("{open}\n    {}\n  {close}", items.join(",\n    "))
}

/// `"key": value`.
fn entry(key: &str, value: String) -> String {
    format!("{}: {value}", string(key))
}

/// A compact object of the members that are present, in the order given: `{"a": 1, "b": "x"}`.
fn object(members: impl IntoIterator<Item = (&'static str, Option<String>)>) -> String {
    let members: Vec<String> = members
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| entry(k, v)))
        .collect();
    format!("{{{}}}", members.join(", "))
}

/// A JSON string literal.
fn string(s: &str) -> String {
    // Escaping is serde_json's, so every string the reader accepts is written so that it reads back the same.
    Value::String(s.to_owned()).to_string()
}

fn opt_string(s: &Option<String>) -> Option<String> {
    s.as_deref().map(string)
}

/// A JSON value in the compact form people write (`{"a": [1, 2]}`): serde_json's own compact form has no
/// spaces after `:` and `,`, which reads worse next to the rest of the file.
fn compact(v: &Value) -> String {
    let mut out = String::new();
    compact_into(v, &mut out);
    out
}

fn compact_into(v: &Value, out: &mut String) {
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                compact_into(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&string(key));
                out.push_str(": ");
                compact_into(item, out);
            }
            out.push('}');
        }
        // Scalars: serde_json writes numbers in a form that parses back to the same `Number`.
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn account(a: &Account) -> String {
    let default = Account::default();
    object([
        (
            "type",
            (a.kind != default.kind).then(|| string(a.kind.as_str())),
        ),
        (
            "verifiedNumbers",
            (!a.verified_numbers.is_empty()).then(|| {
                let items: Vec<String> = a.verified_numbers.iter().map(|n| string(n)).collect();
                format!("[{}]", items.join(", "))
            }),
        ),
        (
            "signingSecret",
            (a.signing_secret != default.signing_secret).then(|| string(&a.signing_secret)),
        ),
        ("accountId", opt_string(&a.account_id)),
        ("apiKey", opt_string(&a.api_key)),
    ])
}

fn application(a: &Application) -> String {
    object([
        ("alias", opt_string(&a.alias)),
        ("voiceUrl", opt_string(&a.voice_url)),
        ("voiceFallbackUrl", opt_string(&a.voice_fallback_url)),
        ("callConnectUrl", opt_string(&a.call_connect_url)),
        ("statusCallbackUrl", opt_string(&a.status_callback_url)),
        ("smsUrl", opt_string(&a.sms_url)),
        ("smsFallbackUrl", opt_string(&a.sms_fallback_url)),
    ])
}

fn number(n: &Number) -> String {
    object([
        ("applicationId", opt_string(&n.application_id)),
        ("voiceUrl", opt_string(&n.voice_url)),
        ("voiceFallbackUrl", opt_string(&n.voice_fallback_url)),
        ("statusCallbackUrl", opt_string(&n.status_callback_url)),
        ("callConnectUrl", opt_string(&n.call_connect_url)),
        ("smsUrl", opt_string(&n.sms_url)),
        ("smsFallbackUrl", opt_string(&n.sms_fallback_url)),
        ("alias", opt_string(&n.alias)),
    ])
}

fn phone(p: &Phone) -> String {
    let answer = match p.answer {
        Answer::After { after_ms: 0 } => None,
        Answer::After { after_ms } => Some(format!("{{\"afterMs\": {after_ms}}}")),
        Answer::Manual => Some(string("manual")),
        Answer::Busy => Some(string("busy")),
        Answer::NoAnswer => Some(string("noAnswer")),
        Answer::Failed => Some(string("failed")),
    };
    let media = match &p.media {
        Media::Silence => None,
        Media::Tone { hz } => Some(format!("{{\"tone\": {hz}}}")),
        Media::File { path } => Some(format!("{{\"file\": {}}}", string(path))),
        Media::Speech { text } => Some(format!("{{\"speech\": {}}}", string(text))),
        Media::Talker(t) => {
            let default = Talker::default();
            let talker = object([
                ("text", opt_string(&t.text)),
                (
                    "talkMs",
                    (t.talk_ms != default.talk_ms).then(|| t.talk_ms.to_string()),
                ),
                (
                    "silenceMs",
                    (t.silence_ms != default.silence_ms).then(|| t.silence_ms.to_string()),
                ),
            ]);
            Some(format!("{{\"talker\": {talker}}}"))
        }
    };
    object([
        ("answer", answer),
        ("media", media),
        ("says", opt_string(&p.says)),
        ("hangupAfterMs", p.hangup_after_ms.map(|ms| ms.to_string())),
    ])
}

/// An app response; `bare` is the pointer the reader gives its PerCL in the bare-array form (`/app/{url}`).
fn response(bare: &str, r: &AppResponse) -> String {
    match r {
        AppResponse::Percl { percl, delay_ms } => {
            // The object form when it is needed (a delay), or when the scenario was read from it: the reader
            // points at `/app/{url}/percl` then, and writing the same form keeps that pointer.
            if *delay_ms == 0 && percl.pointer == bare {
                compact(&percl.value)
            } else {
                object([
                    ("percl", Some(compact(&percl.value))),
                    ("delayMs", (*delay_ms != 0).then(|| delay_ms.to_string())),
                ])
            }
        }
        AppResponse::Fault(f) => object([
            ("status", (f.status != 200).then(|| f.status.to_string())),
            ("delayMs", (f.delay_ms != 0).then(|| f.delay_ms.to_string())),
            ("body", (!f.body.is_empty()).then(|| string(&f.body))),
        ]),
    }
}

fn step(s: &Step) -> String {
    let (name, body) = action(&s.action, &s.pointer);
    format!("{{\"at\": {}, {}: {body}}}", s.at, string(name))
}

/// One step applied now, as `parse_step` reads it: `{"dial": {…}}` (for checking a step built in code the way
/// a file's step is checked, and the body the page attached to `conflab serve` POSTs to `/conflab/steps`; the
/// form of a `set` step's PerCL responses does not matter there).
pub fn step_now(a: &Action) -> String {
    let (name, body) = action(a, "");
    format!("{{{}: {body}}}", string(name))
}

/// A `set` step's object, compact on one line: `{"account": …, "numbers": …, "phones": …, "app": …}` (the
/// sections present, in the top level's order; `null` for an entry removed). `step_pointer` is the step's
/// (`/steps/4`), which keeps the form its PerCL responses were read in (see [`write`]); without one (the event
/// log's `world` lines) a PerCL response is a bare array unless it has a delay.
pub fn set_object(change: &WorldChange, step_pointer: Option<&str>) -> String {
    fn section<T>(
        entries: &std::collections::BTreeMap<String, Option<T>>,
        write: impl Fn(&str, &T) -> String,
    ) -> Option<String> {
        (!entries.is_empty()).then(|| {
            let items: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    entry(
                        k,
                        v.as_ref()
                            .map_or_else(|| "null".to_owned(), |v| write(k, v)),
                    )
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        })
    }
    let account = change.account.as_ref().map(|a| {
        object([
            ("type", a.kind.map(|k| string(k.as_str()))),
            (
                "verifiedNumbers",
                a.verified_numbers.as_ref().map(|numbers| {
                    let items: Vec<String> = numbers.iter().map(|n| string(n)).collect();
                    format!("[{}]", items.join(", "))
                }),
            ),
        ])
    });
    object([
        ("account", account),
        ("numbers", section(&change.numbers, |_, n| number(n))),
        ("phones", section(&change.phones, |_, p| phone(p))),
        (
            "app",
            section(&change.app, |url, r| match (step_pointer, r) {
                (Some(step), _) => {
                    let bare = format!(
                        "{step}{}",
                        render_pointer([
                            PathSeg::Key("set"),
                            PathSeg::Key("app"),
                            PathSeg::Key(url)
                        ])
                    );
                    response(&bare, r)
                }
                (None, AppResponse::Percl { percl, .. }) => response(&percl.pointer, r),
                (None, AppResponse::Fault(_)) => response("", r),
            }),
        ),
    ])
}

/// An action's key and its object, as in a step (`"dial"`, `{"from": …, "to": …}`); `pointer` is the step's.
fn action(a: &Action, pointer: &str) -> (&'static str, String) {
    let phone_only = |phone: &str| object([("phone", Some(string(phone)))]);
    match a {
        Action::Dial { from, to } => (
            "dial",
            object([("from", Some(string(from))), ("to", Some(string(to)))]),
        ),
        Action::Api(api) => {
            let query = (!api.query.is_empty()).then(|| {
                let items: Vec<String> =
                    api.query.iter().map(|(k, v)| entry(k, string(v))).collect();
                format!("{{{}}}", items.join(", "))
            });
            let request = object([
                ("method", Some(string(api.method.as_str()))),
                ("path", Some(string(&api.path))),
                ("query", query),
                ("body", api.body.as_ref().map(compact)),
            ]);
            ("api", request)
        }
        Action::Hangup { phone } => ("hangup", phone_only(phone)),
        Action::Answer { phone } => ("answer", phone_only(phone)),
        Action::Digits { phone, digits } => (
            "digits",
            object([
                ("phone", Some(string(phone))),
                ("digits", Some(string(digits))),
            ]),
        ),
        Action::Say { phone, text } => (
            "say",
            object([("phone", Some(string(phone))), ("text", Some(string(text)))]),
        ),
        Action::Set(change) => ("set", set_object(change, Some(pointer))),
    }
}

/// A URL's recorded replies (`conflab serve`'s export): `{"replies": [...]}`, one reply per line.
fn recorded_replies(replies: &[Reply]) -> String {
    let items: Vec<String> = replies
        .iter()
        .map(|r| match r {
            Reply::Http(f) => object([
                ("status", Some(f.status.to_string())),
                ("body", Some(string(&f.body))),
                ("delayMs", Some(f.delay_ms.to_string())),
            ]),
            Reply::Failed { reason, delay_ms } => object([
                ("failed", Some(string(reason))),
                ("delayMs", Some(delay_ms.to_string())),
            ]),
        })
        .collect();
    if items.is_empty() {
        return "{\"replies\": []}".to_owned();
    }
    format!(
        "{{\"replies\": [\n      {}\n    ]}}",
        items.join(",\n      ")
    )
}
