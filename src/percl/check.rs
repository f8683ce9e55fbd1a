//! The checker: one walk over the spanned JSON tree against [`super::schema`], collecting every problem.
//!
//! It never stops at the first problem (only a JSON syntax error ends the walk, since nothing after it can be
//! read reliably), never panics, and keeps its work and output bounded: the source size is limited before
//! parsing, nesting by [`super::json::MAX_DEPTH`], and the number of reported diagnostics by
//! [`MAX_DIAGNOSTICS`] (the rest are counted).

use super::diagnostic::{self, Diagnostic, PathSeg, Problem, Report, Severity, excerpt, offsets};
use super::json::{Kind, Member, Span, Value};
use super::model::{BUILTIN_GRAMMARS, Language};
use super::schema::{self, Attr, CommandSpec, Placement, Ty};
use super::suggest::closest;

/// At most this many diagnostics are reported per script; the rest are counted in a final warning.
pub const MAX_DIAGNOSTICS: usize = 200;

/// Attributes per command or object never exceed this (GetSpeech has 13).
const MAX_ATTRS: usize = 16;

/// Where a command appears.
#[derive(Clone, Copy)]
enum Context {
    /// In the script's top-level array.
    Top,
    /// In the `prompts` of this command.
    Prompt(&'static str),
}

pub(crate) struct Checker<'t> {
    diagnostics: Vec<Diagnostic>,
    errors: usize,
    warnings: usize,
    omitted: usize,
    path: Vec<PathSeg<'t>>,
}

impl<'t> Checker<'t> {
    pub(crate) fn new() -> Self {
        Checker {
            diagnostics: Vec::new(),
            errors: 0,
            warnings: 0,
            omitted: 0,
            path: Vec::with_capacity(16),
        }
    }

    /// Records a problem at `span`, at the current path plus `extra`.
    pub(crate) fn report_at(&mut self, problem: Problem, span: Span, extra: Option<PathSeg<'_>>) {
        if self.count(&problem) {
            let pointer = diagnostic::pointer(self.path.iter().copied().chain(extra));
            self.push(problem, span, pointer);
        }
    }

    /// Records a problem at `span` with a pointer computed by the caller.
    pub(crate) fn report_with_pointer(&mut self, problem: Problem, span: Span, pointer: String) {
        if self.count(&problem) {
            self.push(problem, span, pointer);
        }
    }

    /// Counts a problem; returns whether it is still reported (below [`MAX_DIAGNOSTICS`]).
    fn count(&mut self, problem: &Problem) -> bool {
        match problem.severity() {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self.diagnostics.len() >= MAX_DIAGNOSTICS {
            self.omitted += 1;
            return false;
        }
        true
    }

    fn push(&mut self, problem: Problem, span: Span, pointer: String) {
        let (start, end) = offsets(span);
        self.diagnostics.push(Diagnostic {
            problem,
            pointer,
            start,
            end,
            line: 0,
            column: 0,
        });
    }

    fn report(&mut self, problem: Problem, span: Span) {
        self.report_at(problem, span, None);
    }

    /// Sorts, places and counts the diagnostics.
    pub(crate) fn finish(mut self, source: &str) -> Report {
        if self.omitted > 0 {
            // Counted already; this note itself is not a problem with the script.
            let end = source.len();
            self.diagnostics.push(Diagnostic {
                problem: Problem::TooManyProblems {
                    omitted: self.omitted,
                },
                pointer: String::new(),
                start: end,
                end,
                line: 0,
                column: 0,
            });
        }
        crate::sort::sort_by_key(&mut self.diagnostics, |d| d.start as u64);
        diagnostic::place(source, &mut self.diagnostics);
        Report {
            errors: self.errors,
            warnings: self.warnings,
            diagnostics: self.diagnostics,
        }
    }

    /// Checks a whole script.
    pub(crate) fn script(&mut self, root: &'t Value<'t>) {
        let Kind::Array(items) = &root.kind else {
            self.report(
                Problem::NotAnArray {
                    found: root.kind.describe(),
                },
                root.span,
            );
            return;
        };
        if items.is_empty() {
            self.report(Problem::EmptyScript, root.span);
            return;
        }
        let mut first_stop: Option<(usize, &'static str)> = None;
        let mut last: Option<(usize, &'static CommandSpec)> = None;
        // SetTalk, SetListen and SetDTMFPassThrough only make sense in a callControl response, where the call
        // stays in its conference when the script runs out (sandbox reading, reference §3.4): no hangup warning.
        let mut in_conference = false;
        for (i, item) in items.iter().enumerate() {
            self.path.push(PathSeg::Index(i));
            if let Some(spec) = self.command(item, Context::Top) {
                if first_stop.is_none() && spec.flow.stops_script() {
                    first_stop = Some((i, spec.name));
                }
                if spec.name == "PlayEarlyMedia" && i != 0 {
                    self.report(Problem::EarlyMediaNotFirst, item.span);
                }
                in_conference |=
                    matches!(spec.name, "SetTalk" | "SetListen" | "SetDTMFPassThrough");
                last = Some((i, spec));
            }
            self.path.pop();
        }
        match (first_stop, last) {
            (Some((i, terminal)), _) if i + 1 < items.len() => {
                let next = &items[i + 1];
                self.report_at(
                    Problem::AfterTerminal {
                        terminal,
                        index: i,
                        count: items.len() - i - 1,
                    },
                    next.span,
                    Some(PathSeg::Index(i + 1)),
                );
            }
            (None, Some((i, spec))) if !in_conference => {
                self.report_at(
                    Problem::NoTerminal { last: spec.name },
                    items[i].span,
                    Some(PathSeg::Index(i)),
                );
            }
            _ => {}
        }
    }

    /// Checks one `{"Name": {...}}` element; returns its spec when the name is known.
    fn command(&mut self, item: &'t Value<'t>, ctx: Context) -> Option<&'static CommandSpec> {
        let Kind::Object(members) = &item.kind else {
            self.report(
                Problem::NotACommand {
                    found: item.kind.describe(),
                },
                item.span,
            );
            return None;
        };
        let [member] = members.as_slice() else {
            let keys = members.iter().take(5).map(|m| excerpt(&m.key)).collect();
            self.report(Problem::KeyCount { keys }, item.span);
            return None;
        };
        let name: &'t str = &member.key;
        let Some(spec) = schema::command(name) else {
            let suggestion = closest(name, schema::command_names());
            self.report_at(
                Problem::UnknownCommand {
                    name: excerpt(name),
                    suggestion,
                },
                member.key_span,
                Some(PathSeg::Key(name)),
            );
            return None;
        };
        if let Context::Prompt(parent) = ctx {
            let problem = match spec.placement {
                Placement::Prompt => None,
                Placement::NeverNested => Some(Problem::NeverNested {
                    command: spec.name,
                    parent,
                }),
                Placement::TopLevel if parent == "TranscribeUtterance" => {
                    Some(Problem::UndocumentedPrompt { command: spec.name })
                }
                Placement::TopLevel => Some(Problem::NotAPrompt {
                    command: spec.name,
                    parent,
                }),
            };
            if let Some(p) = problem {
                self.report_at(p, member.key_span, Some(PathSeg::Key(name)));
            }
        }
        self.path.push(PathSeg::Key(name));
        match &member.value.kind {
            Kind::Object(attrs) => {
                let slots = self.attributes(attrs, spec.name, spec.attrs, member.value.span);
                self.cross_check(spec, &slots);
            }
            other => self.report(
                Problem::AttributesNotObject {
                    command: spec.name,
                    found: other.describe(),
                },
                member.value.span,
            ),
        }
        self.path.pop();
        Some(spec)
    }

    /// Checks the members of an attribute object; returns each known attribute's value by schema index.
    fn attributes(
        &mut self,
        members: &'t [Member<'t>],
        owner: &'static str,
        attrs: &'static [Attr],
        span: Span,
    ) -> [Option<&'t Value<'t>>; MAX_ATTRS] {
        let mut slots: [Option<&'t Value<'t>>; MAX_ATTRS] = [None; MAX_ATTRS];
        for (n, m) in members.iter().enumerate() {
            let key: &'t str = &m.key;
            match attrs.iter().position(|a| a.name == key) {
                Some(ix) if slots[ix].is_some() => {
                    self.report_at(
                        Problem::DuplicateKey {
                            key: key.to_owned(),
                        },
                        m.key_span,
                        Some(PathSeg::Key(key)),
                    );
                }
                Some(ix) => {
                    slots[ix] = Some(&m.value);
                    self.path.push(PathSeg::Key(key));
                    self.value(owner, &attrs[ix], &m.value);
                    self.path.pop();
                }
                None => {
                    // An unknown key twice is one unknown-attribute warning plus a duplicate error.
                    if members[..n].iter().any(|p| p.key == m.key) {
                        self.report_at(
                            Problem::DuplicateKey { key: excerpt(key) },
                            m.key_span,
                            Some(PathSeg::Key(key)),
                        );
                        continue;
                    }
                    let suggestion = closest(key, attrs.iter().map(|a| a.name));
                    self.report_at(
                        Problem::UnknownAttribute {
                            owner,
                            attribute: excerpt(key),
                            suggestion,
                        },
                        m.key_span,
                        Some(PathSeg::Key(key)),
                    );
                }
            }
        }
        for (ix, a) in attrs.iter().enumerate() {
            if a.required && slots[ix].is_none() {
                self.report(
                    Problem::MissingAttribute {
                        owner,
                        attribute: a.name,
                        expected: a.ty.describe(),
                    },
                    span,
                );
            }
        }
        slots
    }

    /// Checks one attribute value against its type.
    fn value(&mut self, owner: &'static str, attr: &'static Attr, v: &'t Value<'t>) {
        let name = attr.name;
        match (&attr.ty, &v.kind) {
            (_, Kind::Null) => {
                let p = if attr.required {
                    Problem::NullRequired {
                        owner,
                        attribute: name,
                        expected: attr.ty.describe(),
                    }
                } else {
                    Problem::NullOptional {
                        owner,
                        attribute: name,
                    }
                };
                self.report(p, v.span);
            }
            (Ty::Str, Kind::String(_)) | (Ty::Bool, Kind::Bool(_)) => {}
            (Ty::NonEmpty, Kind::String(s)) => {
                if s.is_empty() {
                    self.report(Problem::EmptyString { attribute: name }, v.span);
                }
            }
            (Ty::Url, Kind::String(s)) => {
                if s.is_empty() {
                    self.report(Problem::EmptyString { attribute: name }, v.span);
                } else if !is_http_url(s) {
                    self.report(
                        Problem::NotHttpUrl {
                            attribute: name,
                            value: excerpt(s),
                        },
                        v.span,
                    );
                }
            }
            (Ty::Phone, Kind::String(s)) => {
                if !is_e164(s) {
                    self.report(
                        Problem::NotE164 {
                            attribute: name,
                            value: excerpt(s),
                        },
                        v.span,
                    );
                }
            }
            (Ty::Keys { single }, Kind::String(s)) => {
                let keys_ok = !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#');
                if !keys_ok || (*single && s.len() != 1) {
                    self.report(
                        Problem::BadKeys {
                            attribute: name,
                            value: excerpt(s),
                            single: *single,
                        },
                        v.span,
                    );
                }
            }
            (Ty::QueueId, Kind::String(s)) => {
                let ok = s.len() == 42
                    && s.starts_with("QU")
                    && s[2..].bytes().all(|b| b.is_ascii_hexdigit());
                if !ok {
                    self.report(Problem::BadQueueId { value: excerpt(s) }, v.span);
                }
            }
            (Ty::LimitedText { max }, Kind::String(s)) => {
                if s.len() > *max {
                    self.report(
                        Problem::TextTooLong {
                            bytes: s.len(),
                            max: *max,
                        },
                        v.span,
                    );
                }
            }
            (Ty::SmsText, Kind::String(s)) => {
                let chars = s.chars().count();
                if chars > super::defaults::SMS_SEGMENT_CHARS {
                    // Multi-part messages carry a header, leaving 153 characters per segment.
                    self.report(
                        Problem::SmsSegments {
                            chars,
                            segments: chars.div_ceil(153),
                        },
                        v.span,
                    );
                }
            }
            (Ty::UInt { min, max }, Kind::Number(n)) => {
                if let Some(x) = self.whole(name, n, v.span, (i128::from(*min), i128::from(*max)))
                    && (x < i128::from(*min) || x > i128::from(*max))
                {
                    let expected = attr.ty.describe();
                    self.report(
                        Problem::OutOfRange {
                            attribute: name,
                            value: excerpt(n),
                            expected,
                        },
                        v.span,
                    );
                }
            }
            (Ty::Clamped { min, max }, Kind::Number(n)) => {
                if let Some(x) = self.whole(name, n, v.span, (0, i128::from(u32::MAX))) {
                    if x < 0 || x > i128::from(u32::MAX) {
                        let expected = format!("a whole number from {min} to {max}");
                        self.report(
                            Problem::OutOfRange {
                                attribute: name,
                                value: excerpt(n),
                                expected,
                            },
                            v.span,
                        );
                    } else if x < i128::from(*min) || x > i128::from(*max) {
                        let applied = x.clamp(i128::from(*min), i128::from(*max)) as u32;
                        let p = Problem::Clamped {
                            attribute: name,
                            value: excerpt(n),
                            applied,
                            min: *min,
                            max: *max,
                        };
                        self.report(p, v.span);
                    }
                }
            }
            (Ty::Fraction, Kind::Number(n)) => {
                let x: f64 = n.parse().unwrap_or(f64::INFINITY);
                if !(0.0..=1.0).contains(&x) {
                    let expected = attr.ty.describe();
                    self.report(
                        Problem::OutOfRange {
                            attribute: name,
                            value: excerpt(n),
                            expected,
                        },
                        v.span,
                    );
                }
            }
            (Ty::Enum(allowed), Kind::String(s)) => {
                if !allowed.contains(&&**s) {
                    let suggestion = closest(s, allowed.iter().copied());
                    let p = Problem::BadEnum {
                        attribute: name,
                        value: excerpt(s),
                        allowed,
                        suggestion,
                    };
                    self.report(p, v.span);
                }
            }
            (Ty::Language, Kind::String(s)) => {
                if Language::parse(s).is_none() {
                    let suggestion = closest(s, Language::NAMES.iter().copied());
                    self.report(
                        Problem::UnknownLanguage {
                            value: excerpt(s),
                            suggestion,
                        },
                        v.span,
                    );
                }
            }
            (Ty::Object(spec), Kind::Object(members)) => {
                self.attributes(members, spec.name, spec.attrs, v.span);
            }
            (Ty::AnyObject, Kind::Object(_)) => self.free_json(v),
            (Ty::StrList, Kind::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if !matches!(item.kind, Kind::String(_)) {
                        let p = Problem::WrongType {
                            attribute: name,
                            expected: "a string".into(),
                            found: item.kind.describe(),
                            fix: None,
                        };
                        self.report_at(p, item.span, Some(PathSeg::Index(i)));
                    }
                }
            }
            (Ty::Prompts, Kind::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(PathSeg::Index(i));
                    self.command(item, Context::Prompt(owner));
                    self.path.pop();
                }
            }
            (ty, kind) => {
                let fix = type_fix(ty, v);
                let p = Problem::WrongType {
                    attribute: name,
                    expected: ty.describe(),
                    found: kind.describe(),
                    fix,
                };
                self.report(p, v.span);
            }
        }
    }

    /// The value of an integer attribute, or `None` after reporting why it is not a whole number. `range` is
    /// what the attribute accepts: the fix offers the whole number only inside it (no "write 0" for a `length`).
    fn whole(
        &mut self,
        name: &'static str,
        n: &str,
        span: Span,
        range: (i128, i128),
    ) -> Option<i128> {
        if !n.contains(['.', 'e', 'E']) {
            // At most 39 digits fit an i128; longer is certainly out of range.
            return match n.parse::<i128>() {
                Ok(x) => Some(x),
                Err(_) => {
                    self.report(Problem::NumberTooLarge { value: excerpt(n) }, span);
                    None
                }
            };
        }
        let f: f64 = n.parse().unwrap_or(f64::INFINITY);
        if !f.is_finite() {
            self.report(Problem::NumberTooLarge { value: excerpt(n) }, span);
            return None;
        }
        let whole = (f.fract() == 0.0 && f.abs() < 1e15)
            .then_some(f as i64)
            .filter(|w| (range.0..=range.1).contains(&i128::from(*w)))
            .map(|w| w.to_string());
        self.report(
            Problem::NotWholeNumber {
                attribute: name,
                value: excerpt(n),
                whole,
            },
            span,
        );
        None
    }

    /// Free-form JSON (TTS engine parameters): duplicate keys and numbers no one can read are errors.
    fn free_json(&mut self, v: &'t Value<'t>) {
        match &v.kind {
            Kind::Number(n) if n.parse::<f64>().map_or(true, |f| !f.is_finite()) => {
                self.report(Problem::NumberTooLarge { value: excerpt(n) }, v.span);
            }
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(PathSeg::Index(i));
                    self.free_json(item);
                    self.path.pop();
                }
            }
            Kind::Object(members) => {
                for (n, m) in members.iter().enumerate() {
                    if members[..n].iter().any(|p| p.key == m.key) {
                        self.report_at(
                            Problem::DuplicateKey {
                                key: excerpt(&m.key),
                            },
                            m.key_span,
                            Some(PathSeg::Key(&m.key)),
                        );
                    }
                    self.path.push(PathSeg::Key(&m.key));
                    self.free_json(&m.value);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    /// Rules between attributes of one command.
    fn cross_check(
        &mut self,
        spec: &'static CommandSpec,
        slots: &[Option<&'t Value<'t>>; MAX_ATTRS],
    ) {
        let get = |name: &str| {
            spec.attrs
                .iter()
                .position(|a| a.name == name)
                .and_then(|ix| slots[ix])
        };
        let uint = |name: &str| match get(name).map(|v| &v.kind) {
            Some(Kind::Number(n)) => n.parse::<u32>().ok(),
            _ => None,
        };
        let string = |name: &str| match get(name).map(|v| &v.kind) {
            Some(Kind::String(s)) => Some(&**s),
            _ => None,
        };
        match spec.name {
            "GetDigits" => {
                let (min, max) = (uint("minDigits"), uint("maxDigits"));
                // Compare only values that are valid (or absent): invalid ones are reported already.
                let min_ok = min.is_some() || get("minDigits").is_none();
                let max_ok = max.is_some() || get("maxDigits").is_none();
                let (lo, hi) = (
                    min.unwrap_or(super::defaults::GET_DIGITS_MIN_DIGITS),
                    max.unwrap_or(super::defaults::GET_DIGITS_MAX_DIGITS),
                );
                if min_ok && max_ok && lo > hi {
                    let p = Problem::MinAboveMax {
                        min: lo,
                        max: hi,
                        max_is_default: max.is_none(),
                    };
                    let (at, key) = match get("minDigits") {
                        Some(v) => (v.span, "minDigits"),
                        None => (
                            get("maxDigits").map_or(Span::default(), |v| v.span),
                            "maxDigits",
                        ),
                    };
                    self.report_at(p, at, Some(PathSeg::Key(key)));
                }
            }
            "GetSpeech" => {
                let Some(file_value) = get("grammarFile") else {
                    return;
                };
                let Some(file) = string("grammarFile") else {
                    return;
                };
                match string("grammarType") {
                    Some("BUILTIN") if !BUILTIN_GRAMMARS.contains(&file) => {
                        let suggestion = closest(file, BUILTIN_GRAMMARS.iter().copied());
                        let p = Problem::UnknownBuiltinGrammar {
                            value: excerpt(file),
                            suggestion,
                        };
                        self.report_at(p, file_value.span, Some(PathSeg::Key("grammarFile")));
                    }
                    Some("URL") | None if BUILTIN_GRAMMARS.contains(&file) => {
                        let p = Problem::BuiltinGrammarAsUrl {
                            value: file.to_owned(),
                        };
                        self.report_at(p, file_value.span, Some(PathSeg::Key("grammarFile")));
                    }
                    Some("URL") | None if !file.is_empty() && !is_http_url(file) => {
                        let p = Problem::NotHttpUrl {
                            attribute: "grammarFile",
                            value: excerpt(file),
                        };
                        self.report_at(p, file_value.span, Some(PathSeg::Key("grammarFile")));
                    }
                    _ => {}
                }
            }
            "OutDial" => {
                let redirect = string("ifMachine") == Some("redirect");
                match (redirect, get("ifMachineUrl")) {
                    (true, None) => {
                        let at = get("ifMachine").map_or(Span::default(), |v| v.span);
                        self.report_at(
                            Problem::IfMachineUrlMissing,
                            at,
                            Some(PathSeg::Key("ifMachine")),
                        );
                    }
                    (false, Some(v)) if !matches!(v.kind, Kind::Null) => {
                        self.report_at(
                            Problem::IfMachineUrlUnused,
                            v.span,
                            Some(PathSeg::Key("ifMachineUrl")),
                        );
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// The JSON pointer of the innermost value (or member, for a key) whose text contains byte `offset`.
pub(crate) fn pointer_to(root: &Value<'_>, offset: u32) -> String {
    let mut path = Vec::new();
    let mut at = root;
    loop {
        match &at.kind {
            Kind::Array(items) => {
                // Items are in source order, so a binary search finds the one that can contain the offset.
                let i = items.partition_point(|v| v.span.end <= offset);
                match items.get(i) {
                    Some(item) if contains(item.span, offset) => {
                        path.push(PathSeg::Index(i));
                        at = item;
                    }
                    _ => break,
                }
            }
            Kind::Object(members) => {
                let found = members
                    .iter()
                    .find(|m| contains(m.key_span, offset) || contains(m.value.span, offset));
                let Some(m) = found else { break };
                path.push(PathSeg::Key(&m.key));
                if contains(m.key_span, offset) {
                    break;
                }
                at = &m.value;
            }
            _ => break,
        }
    }
    diagnostic::pointer(path)
}

fn contains(span: Span, offset: u32) -> bool {
    span.start <= offset && offset < span.end
}

/// Whether `s` looks like an absolute http or https URL with a host.
fn is_http_url(s: &str) -> bool {
    let rest = if let Some(r) = s.strip_prefix("https://") {
        r
    } else if let Some(r) = s.strip_prefix("http://") {
        r
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !s.contains(char::is_whitespace)
}

/// Whether `s` is an E.164 number: `+`, a non-zero digit, then up to 14 more digits.
fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// A fix for a value of the wrong JSON type, when the intent is clear.
fn type_fix(ty: &Ty, v: &Value<'_>) -> Option<String> {
    match (ty, &v.kind) {
        (Ty::Bool, Kind::String(s)) => match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Some("write true, without quotes".into()),
            "false" | "no" | "off" | "0" => Some("write false, without quotes".into()),
            _ => Some("write true or false, without quotes".into()),
        },
        (Ty::Bool, Kind::Number(n)) => match *n {
            "1" => Some("write true".into()),
            "0" => Some("write false".into()),
            _ => Some("write true or false".into()),
        },
        (Ty::UInt { .. } | Ty::Clamped { .. } | Ty::Fraction, Kind::String(s)) => {
            let t = s.trim();
            (!t.is_empty() && t.parse::<f64>().is_ok())
                .then(|| format!("write the number without quotes: {}", excerpt(t)))
        }
        (
            Ty::Str
            | Ty::NonEmpty
            | Ty::Url
            | Ty::Phone
            | Ty::Keys { .. }
            | Ty::QueueId
            | Ty::LimitedText { .. }
            | Ty::SmsText
            | Ty::Language
            | Ty::Enum(_),
            Kind::Number(n),
        ) => Some(format!("put it in quotes: \"{}\"", excerpt(n))),
        (Ty::Str | Ty::NonEmpty | Ty::LimitedText { .. } | Ty::SmsText, Kind::Bool(b)) => {
            Some(format!("put it in quotes: \"{b}\""))
        }
        (Ty::Prompts, Kind::Object(_)) => Some("put the command in an array: [{...}]".into()),
        (Ty::StrList, Kind::String(_)) => Some("put the string in an array: [\"...\"]".into()),
        _ => None,
    }
}
