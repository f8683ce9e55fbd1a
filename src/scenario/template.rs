//! `{{…}}` templates in PerCL responses and `api` steps.
//!
//! * `{{name}}`: the field `name` of the webhook request's body (strings as they are, numbers and booleans as
//!   their JSON text, objects and arrays as compact JSON);
//! * `{{conference:ALIAS}}`: the id of the conference with that alias;
//! * `{{call:PHONE}}`: the id of that phone's current call.
//!
//! Spaces around the name are ignored (`{{ callId }}`). `{{` always opens a template; there is no escape.
//!
//! Anything that cannot be resolved is an error, never an empty string: an empty id would produce a request
//! that fails far from its cause. The engine reports the error in its event log (see `docs/scenarios.md`).

use crate::percl::diagnostic::excerpt;
use crate::percl::suggest::closest;
use std::fmt;

/// What the engine knows at run time that templates refer to.
pub trait Lookup {
    /// The id of the conference whose alias is `alias` (the most recent one if several share it).
    fn conference_by_alias(&self, alias: &str) -> Option<String>;
    /// The id of `phone`'s current call (the most recent one that has not ended).
    fn current_call_of(&self, phone: &str) -> Option<String>;
}

/// A lookup that knows nothing: every `conference:`/`call:` template fails. Useful for tests and checks.
pub struct NoLookup;

impl Lookup for NoLookup {
    fn conference_by_alias(&self, _: &str) -> Option<String> {
        None
    }
    fn current_call_of(&self, _: &str) -> Option<String> {
        None
    }
}

/// One piece of a parsed template string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text copied as it is.
    Text(&'a str),
    /// `{{name}}`.
    Field(&'a str),
    /// `{{conference:ALIAS}}`.
    Conference(&'a str),
    /// `{{call:PHONE}}`.
    Call(&'a str),
}

/// Why a template cannot be expanded. `at` is a byte offset in the template string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// `{{` without a closing `}}`.
    Unclosed {
        /// Offset of the `{{`.
        at: usize,
    },
    /// `{{}}` or `{{conference:}}`.
    EmptyName {
        /// Offset of the `{{`.
        at: usize,
    },
    /// `{{kind:…}}` with a kind other than `conference` and `call`.
    UnknownKind {
        /// Offset of the `{{`.
        at: usize,
        /// The kind written.
        kind: String,
        /// The kind it resembles.
        suggestion: Option<&'static str>,
    },
    /// `{{name}}` where there is no webhook body (an `api` step).
    NoBody {
        /// The name.
        name: String,
    },
    /// `{{name}}` and the webhook body has no field `name`.
    UnknownField {
        /// The name.
        name: String,
        /// A field of the body it resembles.
        suggestion: Option<String>,
    },
    /// `{{name}}` and the field is `null` in this webhook body.
    NullField {
        /// The name.
        name: String,
    },
    /// `{{conference:ALIAS}}` and no conference has that alias (yet).
    NoConference {
        /// The alias.
        alias: String,
    },
    /// `{{call:PHONE}}` and that phone has no current call.
    NoCall {
        /// The phone.
        phone: String,
    },
}

impl TemplateError {
    /// A stable identifier for tools, such as `template-unknown-field`.
    pub fn code(&self) -> &'static str {
        match self {
            TemplateError::Unclosed { .. } => "template-unclosed",
            TemplateError::EmptyName { .. } => "template-empty",
            TemplateError::UnknownKind { .. } => "template-unknown-kind",
            TemplateError::NoBody { .. } => "template-no-body",
            TemplateError::UnknownField { .. } => "template-unknown-field",
            TemplateError::NullField { .. } => "template-null-field",
            TemplateError::NoConference { .. } => "template-no-conference",
            TemplateError::NoCall { .. } => "template-no-call",
        }
    }

    /// How to fix it.
    pub fn fix(&self) -> Option<String> {
        match self {
            TemplateError::Unclosed { .. } => Some("close the template with }}".into()),
            TemplateError::EmptyName { .. } => {
                Some("write {{name}}, {{conference:ALIAS}} or {{call:PHONE}}".into())
            }
            TemplateError::UnknownKind {
                suggestion: Some(s),
                ..
            } => Some(format!("write {{{{{s}:…}}}}")),
            TemplateError::UnknownKind { .. } => {
                Some("use {{conference:ALIAS}} or {{call:PHONE}}".into())
            }
            TemplateError::NoBody { .. } => Some(
                "an api step has no webhook body: use {{conference:ALIAS}} or {{call:PHONE}}"
                    .into(),
            ),
            TemplateError::UnknownField {
                suggestion: Some(s),
                ..
            } => Some(format!("write {{{{{s}}}}}")),
            TemplateError::UnknownField { .. } => None,
            TemplateError::NullField { .. } => None,
            TemplateError::NoConference { .. } => {
                Some("create the conference with that alias earlier, or run this step later".into())
            }
            TemplateError::NoCall { .. } => {
                Some("run this step while the phone is on a call".into())
            }
        }
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Unclosed { .. } => f.write_str("the template `{{` is not closed"),
            TemplateError::EmptyName { .. } => f.write_str("the template has no name"),
            TemplateError::UnknownKind { kind, .. } => write!(
                f,
                "unknown template kind \"{}\": templates are {{{{name}}}}, {{{{conference:ALIAS}}}} and {{{{call:PHONE}}}}",
                excerpt(kind)
            ),
            TemplateError::NoBody { name } => write!(
                f,
                "{{{{{}}}}} names a webhook body field, but there is no webhook body here",
                excerpt(name)
            ),
            TemplateError::UnknownField { name, .. } => write!(
                f,
                "the webhook body has no field \"{}\" for {{{{{}}}}}",
                excerpt(name),
                excerpt(name)
            ),
            TemplateError::NullField { name } => write!(
                f,
                "the webhook body's field \"{}\" is null, so {{{{{}}}}} has no value",
                excerpt(name),
                excerpt(name)
            ),
            TemplateError::NoConference { alias } => {
                write!(f, "no conference has the alias \"{}\"", excerpt(alias))
            }
            TemplateError::NoCall { phone } => {
                write!(f, "the phone {} has no current call", excerpt(phone))
            }
        }
    }
}

impl std::error::Error for TemplateError {}

/// Whether `s` contains a template at all (cheap test before parsing).
pub fn has_template(s: &str) -> bool {
    s.contains("{{")
}

/// Splits a template string into pieces, or gives the first syntax error.
///
/// ```
/// use conflab::scenario::template::{parse, Piece};
/// assert_eq!(
///     parse("/Conferences/{{conference:standup}}").unwrap(),
///     vec![Piece::Text("/Conferences/"), Piece::Conference("standup")]
/// );
/// ```
pub fn parse(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            pieces.push(Piece::Text(&rest[..open]));
        }
        let at = offset + open;
        let inner_start = open + 2;
        let Some(len) = rest[inner_start..].find("}}") else {
            return Err(TemplateError::Unclosed { at });
        };
        let inner = rest[inner_start..inner_start + len].trim();
        pieces.push(piece(inner, at)?);
        let consumed = inner_start + len + 2;
        offset += consumed;
        rest = &rest[consumed..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

fn piece(inner: &str, at: usize) -> Result<Piece<'_>, TemplateError> {
    const KINDS: [&str; 2] = ["conference", "call"];
    match inner.split_once(':') {
        None if inner.is_empty() => Err(TemplateError::EmptyName { at }),
        None => Ok(Piece::Field(inner)),
        Some((kind, name)) => {
            let name = name.trim();
            let piece = match kind.trim() {
                "conference" => Piece::Conference(name),
                "call" => Piece::Call(name),
                other => {
                    return Err(TemplateError::UnknownKind {
                        at,
                        kind: other.to_owned(),
                        suggestion: closest(other, KINDS),
                    });
                }
            };
            if name.is_empty() {
                return Err(TemplateError::EmptyName { at });
            }
            Ok(piece)
        }
    }
}

/// Expands every template in `template`. `body` is the webhook request's body (`Value::Null` where there is
/// none, as in `api` steps).
///
/// ```
/// use conflab::scenario::template::{expand, NoLookup};
/// let body = serde_json::json!({"conferenceId": "CF1", "loop": 2});
/// assert_eq!(expand("{{conferenceId}}/{{loop}}", &body, &NoLookup).unwrap(), "CF1/2");
/// assert!(expand("{{conference:standup}}", &body, &NoLookup).is_err());
/// ```
pub fn expand(
    template: &str,
    body: &serde_json::Value,
    lookup: &impl Lookup,
) -> Result<String, TemplateError> {
    if !has_template(template) {
        return Ok(template.to_owned());
    }
    let mut out = String::with_capacity(template.len() + 40);
    for piece in parse(template)? {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Field(name) => out.push_str(&field(body, name)?),
            Piece::Conference(alias) => {
                let id = lookup.conference_by_alias(alias).ok_or_else(|| {
                    TemplateError::NoConference {
                        alias: alias.to_owned(),
                    }
                })?;
                out.push_str(&id);
            }
            Piece::Call(phone) => {
                let id = lookup
                    .current_call_of(phone)
                    .ok_or_else(|| TemplateError::NoCall {
                        phone: phone.to_owned(),
                    })?;
                out.push_str(&id);
            }
        }
    }
    Ok(out)
}

fn field(body: &serde_json::Value, name: &str) -> Result<String, TemplateError> {
    use serde_json::Value;
    let Value::Object(fields) = body else {
        return Err(TemplateError::NoBody {
            name: name.to_owned(),
        });
    };
    match fields.get(name) {
        None => Err(TemplateError::UnknownField {
            name: name.to_owned(),
            suggestion: closest(name, fields.keys().map(String::as_str)).map(str::to_owned),
        }),
        Some(Value::Null) => Err(TemplateError::NullField {
            name: name.to_owned(),
        }),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Ok(other.to_string()),
    }
}

/// Expands the templates in every string of `value` (object keys are left alone), such as a PerCL response or
/// an `api` body.
pub fn expand_value(
    value: &serde_json::Value,
    body: &serde_json::Value,
    lookup: &impl Lookup,
) -> Result<serde_json::Value, TemplateError> {
    expand_value_at(value, body, lookup).map_err(|(_, e)| e)
}

/// [`expand_value`], saying where a template failed: the JSON pointer (RFC 6901) of the string that holds it,
/// relative to `value` (such as `/0/AddToConference/conferenceId`), so the error can point at the template.
pub fn expand_value_at(
    value: &serde_json::Value,
    body: &serde_json::Value,
    lookup: &impl Lookup,
) -> Result<serde_json::Value, (String, TemplateError)> {
    use serde_json::Value;
    Ok(match value {
        Value::String(s) => Value::String(expand(s, body, lookup).map_err(|e| (String::new(), e))?),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                out.push(
                    expand_value_at(v, body, lookup).map_err(|(p, e)| (format!("/{i}{p}"), e))?,
                );
            }
            Value::Array(out)
        }
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let expanded = expand_value_at(v, body, lookup).map_err(|(p, e)| {
                    let key = k.replace('~', "~0").replace('/', "~1");
                    (format!("/{key}{p}"), e)
                })?;
                out.insert(k.clone(), expanded);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Known;
    impl Lookup for Known {
        fn conference_by_alias(&self, alias: &str) -> Option<String> {
            (alias == "standup").then(|| "CF1".to_owned())
        }
        fn current_call_of(&self, phone: &str) -> Option<String> {
            (phone == "+15550111111").then(|| "CA1".to_owned())
        }
    }

    #[test]
    fn expands_every_kind() {
        let body = json!({"callId": "CA9", "n": 3, "ok": true, "o": {"a": 1}});
        let got = expand(
            "{{callId}} {{ n }} {{ok}} {{o}} {{conference:standup}} {{call:+15550111111}} end",
            &body,
            &Known,
        );
        assert_eq!(got.unwrap(), "CA9 3 true {\"a\":1} CF1 CA1 end");
    }

    #[test]
    fn text_without_templates_is_kept() {
        assert_eq!(
            expand("a { } }}", &json!(null), &NoLookup).unwrap(),
            "a { } }}"
        );
    }

    #[test]
    fn errors_are_precise() {
        let body = json!({"conferenceId": "CF1", "callId": null});
        let cases: Vec<(&str, TemplateError, &str)> = vec![
            (
                "x{{callId",
                TemplateError::Unclosed { at: 1 },
                "the template `{{` is not closed",
            ),
            (
                "{{ }}",
                TemplateError::EmptyName { at: 0 },
                "the template has no name",
            ),
            (
                "ab{{conferance:x}}",
                TemplateError::UnknownKind {
                    at: 2,
                    kind: "conferance".into(),
                    suggestion: Some("conference"),
                },
                "unknown template kind \"conferance\": templates are {{name}}, {{conference:ALIAS}} and {{call:PHONE}}",
            ),
            (
                "{{conferenceID}}",
                TemplateError::UnknownField {
                    name: "conferenceID".into(),
                    suggestion: Some("conferenceId".into()),
                },
                "the webhook body has no field \"conferenceID\" for {{conferenceID}}",
            ),
            (
                "{{callId}}",
                TemplateError::NullField {
                    name: "callId".into(),
                },
                "the webhook body's field \"callId\" is null, so {{callId}} has no value",
            ),
            (
                "{{conference:retro}}",
                TemplateError::NoConference {
                    alias: "retro".into(),
                },
                "no conference has the alias \"retro\"",
            ),
            (
                "{{call:+15550199999}}",
                TemplateError::NoCall {
                    phone: "+15550199999".into(),
                },
                "the phone +15550199999 has no current call",
            ),
        ];
        for (template, error, message) in cases {
            let got = expand(template, &body, &Known).unwrap_err();
            assert_eq!(got, error, "{template}");
            assert_eq!(got.to_string(), message, "{template}");
        }
        let got = expand("{{callId}}", &json!(null), &Known).unwrap_err();
        assert_eq!(got.code(), "template-no-body");
        assert_eq!(
            got.fix().unwrap(),
            "an api step has no webhook body: use {{conference:ALIAS}} or {{call:PHONE}}"
        );
    }

    #[test]
    fn expand_value_touches_strings_only() {
        let value =
            json!([{"AddToConference": {"conferenceId": "{{conferenceId}}", "talk": true}}]);
        let body = json!({"conferenceId": "CF7"});
        assert_eq!(
            expand_value(&value, &body, &NoLookup).unwrap(),
            json!([{"AddToConference": {"conferenceId": "CF7", "talk": true}}])
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::super::*;
        use proptest::prelude::*;

        struct Echo;
        impl Lookup for Echo {
            fn conference_by_alias(&self, alias: &str) -> Option<String> {
                Some(format!("CF<{alias}>"))
            }
            fn current_call_of(&self, phone: &str) -> Option<String> {
                Some(format!("CA<{phone}>"))
            }
        }

        proptest! {
            /// Any text with `{`, `}`, `:` and multibyte characters: parse and expand never panic, the pieces
            /// put back together give the text again, and every field resolves to its echo.
            #[test]
            fn pieces_rebuild_the_text(text in "[a-z{}: é]{0,24}") {
                match parse(&text) {
                    Ok(pieces) => {
                        let rebuilt: String = pieces.iter().map(|p| match p {
                            Piece::Text(t) => (*t).to_owned(),
                            Piece::Field(n) => format!("{{{{{n}}}}}"),
                            Piece::Conference(a) => format!("{{{{conference:{a}}}}}"),
                            Piece::Call(c) => format!("{{{{call:{c}}}}}"),
                        }).collect();
                        // Names are trimmed, so compare with spaces inside templates removed on both sides.
                        let strip = |s: &str| s.replace(' ', "");
                        prop_assert_eq!(strip(&rebuilt), strip(&text));
                        let names: Vec<&str> = pieces.iter().filter_map(|p| match p {
                            Piece::Field(n) => Some(*n),
                            _ => None,
                        }).collect();
                        let body = serde_json::Value::Object(
                            names.iter().map(|n| ((*n).to_owned(), serde_json::json!(format!("<{n}>")))).collect(),
                        );
                        let expanded = expand(&text, &body, &Echo);
                        prop_assert!(expanded.is_ok(), "{:?}", expanded);
                    }
                    Err(e) => {
                        let at = match e {
                            TemplateError::Unclosed { at }
                            | TemplateError::EmptyName { at }
                            | TemplateError::UnknownKind { at, .. } => at,
                            other => return Err(TestCaseError::fail(format!("parse gave {other:?}"))),
                        };
                        prop_assert!(text[at..].starts_with("{{"));
                        prop_assert_eq!(expand(&text, &serde_json::Value::Null, &Echo), Err(e));
                    }
                }
            }
        }
    }
}
