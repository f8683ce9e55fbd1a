//! What is wrong with a scenario file: typed problems with a message, a fix, a JSON pointer and line:column.

use super::template::TemplateError;
use crate::percl;
use crate::percl::diagnostic::{PlacedView, excerpt};
use crate::percl::json::SyntaxError;
use crate::percl::schema::quoted_list;
use serde::Serialize;
use serde::ser::Serializer;
use std::fmt;

/// Everything [`super::parse`] can find wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// The file is larger than conflab reads.
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not UTF-8.
    InvalidUtf8,
    /// The text is not JSON.
    Syntax(SyntaxError),
    /// A key the object does not have.
    UnknownKey {
        /// What the object is ("the scenario", "a phone").
        owner: &'static str,
        /// The key written.
        key: String,
        /// The keys it may have.
        allowed: &'static [&'static str],
        /// The allowed key it resembles.
        suggestion: Option<&'static str>,
    },
    /// The same key twice in one object.
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// A value of the wrong JSON type.
    WrongType {
        /// The key (or what the value is).
        what: String,
        /// What it should be.
        expected: &'static str,
        /// What it is.
        found: &'static str,
    },
    /// A required key is absent.
    Missing {
        /// What the object is.
        owner: &'static str,
        /// The key.
        key: &'static str,
        /// What its value should be.
        expected: &'static str,
    },
    /// A number that is not a whole number in range.
    BadNumber {
        /// The key.
        what: String,
        /// The number as written.
        value: String,
        /// The allowed range, in words.
        expected: &'static str,
    },
    /// A string that is not one of the allowed values.
    BadEnum {
        /// The key.
        what: &'static str,
        /// The value written.
        value: String,
        /// The allowed values.
        allowed: &'static [&'static str],
        /// An allowed value it resembles.
        suggestion: Option<&'static str>,
    },
    /// A phone number not in E.164 form.
    NotE164 {
        /// The value written.
        value: String,
    },
    /// An empty string where a value is needed.
    Empty {
        /// The key.
        what: &'static str,
    },
    /// `accountId` that is not `AC` + 40 lowercase hex.
    BadAccountId {
        /// The value written.
        value: String,
    },
    /// A URL key in `app` that is not an absolute http(s) URL.
    NotHttpUrl {
        /// The value written.
        value: String,
    },
    /// A step object without an action, or with several.
    ActionCount {
        /// The action keys it has.
        found: Vec<String>,
    },
    /// `media` without exactly one kind.
    MediaCount {
        /// The kinds it has.
        found: Vec<String>,
    },
    /// `digits` with characters other than 0-9, `*` and `#`.
    BadKeys {
        /// The value written.
        value: String,
    },
    /// A step naming a phone that is neither in `phones` nor the `from` of a `dial` step.
    UnknownPhone {
        /// The phone.
        phone: String,
        /// A known phone it resembles.
        suggestion: Option<String>,
    },
    /// `dial.to` is not one of the account's `numbers`.
    NotAccountNumber {
        /// The number written.
        number: String,
    },
    /// A phone that is also one of the account's numbers.
    PhoneIsAccountNumber {
        /// The number.
        number: String,
    },
    /// A step earlier in time than the one before it.
    OutOfOrder {
        /// Its time.
        at: u64,
        /// The time of the step before it.
        previous: u64,
    },
    /// An `api` path that does not start with `/`.
    PathWithoutSlash {
        /// The path written.
        path: String,
    },
    /// An `api` path that starts with `/Accounts/`: paths are relative to the account.
    PathWithAccount {
        /// The path written.
        path: String,
    },
    /// An app response that is one PerCL command object instead of an array of commands.
    CommandNotInArray {
        /// The command.
        command: String,
    },
    /// `percl` together with `status` or `body` in an app response object.
    PerclWithFault {
        /// The other key.
        key: &'static str,
    },
    /// A PerCL response with a PerCL error (the checker's problem, re-based into the scenario).
    Percl(percl::Problem),
    /// A malformed `{{…}}` template, or one that can never be resolved here.
    Template(TemplateError),
    /// A `set` step with none of `account`, `numbers`, `phones`, `app`.
    EmptySet,
    /// A `set` step that changes what identifies the account (`accountId`, `apiKey`, `signingSecret`).
    AccountIdentityInSet {
        /// The key.
        key: &'static str,
    },
    /// An `applications` key that is not `AP` + 40 hex digits.
    BadApplicationId {
        /// The value written.
        value: String,
    },
    /// A number's `applicationId` that is not one of the scenario's `applications`.
    UnknownApplication {
        /// The id written.
        id: String,
        /// A known application id it resembles.
        suggestion: Option<String>,
    },
    /// A number with both `applicationId` and its own application URL.
    ApplicationAndUrl {
        /// The URL key.
        key: &'static str,
    },
}

impl Problem {
    /// A stable identifier for tools, such as `unknown-key`.
    pub fn code(&self) -> &'static str {
        use Problem::*;
        match self {
            TooLarge { .. } => "too-large",
            InvalidUtf8 => "invalid-utf8",
            Syntax(_) => "json-syntax",
            UnknownKey { .. } => "unknown-key",
            DuplicateKey { .. } => "duplicate-key",
            WrongType { .. } => "wrong-type",
            Missing { .. } => "missing-key",
            BadNumber { .. } => "bad-number",
            BadEnum { .. } => "bad-enum",
            NotE164 { .. } => "not-e164",
            Empty { .. } => "empty",
            BadAccountId { .. } => "bad-account-id",
            NotHttpUrl { .. } => "not-http-url",
            ActionCount { .. } => "action-count",
            MediaCount { .. } => "media-count",
            BadKeys { .. } => "bad-keys",
            UnknownPhone { .. } => "unknown-phone",
            NotAccountNumber { .. } => "not-account-number",
            PhoneIsAccountNumber { .. } => "phone-is-account-number",
            OutOfOrder { .. } => "steps-out-of-order",
            PathWithoutSlash { .. } => "path-without-slash",
            PathWithAccount { .. } => "path-with-account",
            CommandNotInArray { .. } => "command-not-in-array",
            PerclWithFault { .. } => "percl-with-fault",
            Percl(_) => "percl",
            Template(t) => t.code(),
            EmptySet => "empty-set",
            AccountIdentityInSet { .. } => "account-identity-in-set",
            BadApplicationId { .. } => "bad-application-id",
            UnknownApplication { .. } => "unknown-application",
            ApplicationAndUrl { .. } => "application-and-url",
        }
    }

    /// How to fix it, when that can be said.
    pub fn fix(&self) -> Option<String> {
        use Problem::*;
        match self {
            TooLarge { .. } => Some("split the scenario".into()),
            InvalidUtf8 => Some("save the file as UTF-8".into()),
            Syntax(_) => None,
            UnknownKey {
                suggestion: Some(s),
                ..
            } => Some(format!("rename it to \"{s}\"")),
            UnknownKey { allowed, .. } => Some(format!(
                "remove it; the keys here are {}",
                quoted_list(allowed)
            )),
            DuplicateKey { .. } => Some("keep one of them".into()),
            WrongType { .. } => None,
            Missing { key, .. } => Some(format!("add \"{key}\"")),
            BadNumber { .. } => None,
            BadEnum {
                suggestion: Some(s),
                ..
            } => Some(format!("write \"{s}\"")),
            BadEnum { allowed, .. } => Some(format!("write one of {}", quoted_list(allowed))),
            NotE164 { .. } => Some(
                "write + then the country code and number, digits only: \"+15550100000\"".into(),
            ),
            Empty { .. } => Some("write a value, or leave the key out".into()),
            BadAccountId { .. } => {
                Some("leave it out, and the engine draws one from the seed; or write AC and 40 lowercase hex digits".into())
            }
            NotHttpUrl { .. } => Some("write the URL the webhooks use, such as \"https://app.test/inbound\"".into()),
            ActionCount { found } if found.is_empty() => Some(
                "add one of \"dial\", \"api\", \"hangup\", \"digits\", \"answer\", \"say\", \"set\"".into(),
            ),
            ActionCount { .. } => Some("split it into one step per action".into()),
            MediaCount { .. } => Some(
                "write one of {\"tone\": 440}, {\"silence\": true}, {\"file\": \"a.wav\"}, {\"speech\": \"…\"}, {\"talker\": {}}".into(),
            ),
            BadKeys { .. } => Some("use only 0-9, * and #".into()),
            UnknownPhone {
                suggestion: Some(s),
                ..
            } => Some(format!("write \"{s}\", or add the phone to \"phones\"")),
            UnknownPhone { .. } => {
                Some("add the phone to \"phones\", or dial from it in a \"dial\" step".into())
            }
            NotAccountNumber { .. } => {
                Some("add the number to \"numbers\", or dial one that is there".into())
            }
            PhoneIsAccountNumber { .. } => {
                Some("use another number for the outside phone".into())
            }
            OutOfOrder { previous, .. } => Some(format!(
                "move the step before the ones it precedes, or make \"at\" at least {previous}"
            )),
            PathWithoutSlash { path } => Some(format!("write \"/{}\"", excerpt(path))),
            PathWithAccount { .. } => Some(
                "leave out /Accounts/{accountId}: write \"/Conferences\", not \"/Accounts/AC…/Conferences\"".into(),
            ),
            CommandNotInArray { command } => Some(format!(
                "put it in an array: [{{\"{}\": {{…}}}}]",
                excerpt(command)
            )),
            PerclWithFault { .. } => Some(
                "a PerCL response is always HTTP 200; for a raw or failing response leave out \"percl\"".into(),
            ),
            Percl(p) => p.fix(),
            Template(t) => t.fix(),
            EmptySet => Some(
                "add what changes, such as {\"app\": {\"https://app.test/in\": [...]}}, or remove the step".into(),
            ),
            AccountIdentityInSet { key } => Some(format!(
                "remove \"{key}\" from the step; to run as another account, change \"account\" at the top of the scenario"
            )),
            BadApplicationId { .. } => Some(
                "write AP followed by 40 lowercase hex digits, such as \"AP0000000000000000000000000000000000000001\"".into(),
            ),
            UnknownApplication { suggestion, .. } => Some(match suggestion {
                Some(s) => format!("did you mean \"{s}\"? Or add the application to \"applications\""),
                None => "add the application to the scenario's \"applications\", or write the URLs on the number instead".into(),
            }),
            ApplicationAndUrl { key } => Some(format!(
                "remove \"{key}\" (the application's URLs apply), or remove \"applicationId\" to give the number its own URLs"
            )),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Problem::*;
        match self {
            TooLarge { bytes, limit } => write!(
                f,
                "the scenario is {bytes} bytes; conflab reads scenarios of up to {limit} bytes"
            ),
            InvalidUtf8 => f.write_str("the text is not valid UTF-8"),
            Syntax(SyntaxError::TrailingCharacters) => f.write_str(
                "unexpected text after the end of the scenario: a scenario is one JSON object",
            ),
            Syntax(e) => write!(f, "{e}"),
            UnknownKey {
                owner,
                key,
                suggestion,
                ..
            } => {
                write!(f, "{owner} has no key \"{}\"", excerpt(key))?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean \"{s}\"?)")?;
                }
                Ok(())
            }
            DuplicateKey { key } => {
                write!(
                    f,
                    "\"{}\" appears more than once in this object",
                    excerpt(key)
                )
            }
            WrongType {
                what,
                expected,
                found,
            } => write!(f, "{what} must be {expected}, but this is {found}"),
            Missing {
                owner,
                key,
                expected,
            } => write!(f, "{owner} needs \"{key}\" ({expected})"),
            BadNumber {
                what,
                value,
                expected,
            } => write!(f, "{what} is {}, but it must be {expected}", excerpt(value)),
            BadEnum {
                what,
                value,
                allowed,
                suggestion,
            } => {
                write!(
                    f,
                    "{what} cannot be \"{}\": it is one of {}",
                    excerpt(value),
                    quoted_list(allowed)
                )?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean \"{s}\"?)")?;
                }
                Ok(())
            }
            NotE164 { value } => write!(
                f,
                "\"{}\" is not an E.164 phone number (+ and 2 to 15 digits, the first not 0)",
                excerpt(value)
            ),
            Empty { what } => write!(f, "\"{what}\" is empty"),
            BadApplicationId { value } => write!(
                f,
                "the application id \"{}\" is not AP followed by 40 lowercase hex digits",
                excerpt(value)
            ),
            UnknownApplication { id, .. } => write!(
                f,
                "applicationId \"{}\" is not one of the scenario's \"applications\"",
                excerpt(id)
            ),
            ApplicationAndUrl { key } => write!(
                f,
                "the number names an application (\"applicationId\") and has its own \"{key}\": a number's URLs are its application's, so it has one or the other"
            ),
            BadAccountId { value } => write!(
                f,
                "accountId \"{}\" is not AC followed by 40 lowercase hex digits",
                excerpt(value)
            ),
            NotHttpUrl { value } => write!(
                f,
                "\"{}\" is not an absolute http(s) URL, so no webhook can request it",
                excerpt(value)
            ),
            ActionCount { found } if found.is_empty() => f.write_str("the step has no action"),
            ActionCount { found } => write!(
                f,
                "a step has exactly one action, but this one has {} ({})",
                found.len(),
                found
                    .iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            MediaCount { found } if found.is_empty() => {
                f.write_str("\"media\" names no kind of audio")
            }
            MediaCount { found } => write!(
                f,
                "\"media\" has exactly one kind of audio, but this one has {} ({})",
                found.len(),
                found
                    .iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            BadKeys { value } => write!(
                f,
                "\"digits\" \"{}\" may contain only 0-9, * and #",
                excerpt(value)
            ),
            UnknownPhone { phone, .. } => write!(
                f,
                "the phone {} is not in \"phones\" and no \"dial\" step calls from it",
                excerpt(phone)
            ),
            NotAccountNumber { number } => write!(
                f,
                "{} is not one of the account's \"numbers\", so a dial to it reaches no application",
                excerpt(number)
            ),
            PhoneIsAccountNumber { number } => write!(
                f,
                "{} is one of the account's \"numbers\", so it cannot also be an outside phone",
                excerpt(number)
            ),
            OutOfOrder { at, previous } => write!(
                f,
                "the step at {at} ms comes after a step at {previous} ms: steps are listed in time order"
            ),
            PathWithoutSlash { path } => write!(
                f,
                "the api path \"{}\" does not start with /",
                excerpt(path)
            ),
            PathWithAccount { path } => write!(
                f,
                "the api path \"{}\" is relative to /Accounts/{{accountId}} already",
                excerpt(path)
            ),
            CommandNotInArray { command } => write!(
                f,
                "a PerCL response is an array of commands, but this is the single command {} outside an array",
                excerpt(command)
            ),
            PerclWithFault { key } => write!(
                f,
                "\"{key}\" cannot be used with \"percl\" in an app response"
            ),
            Percl(p) => write!(f, "PerCL: {p}"),
            Template(t) => write!(f, "{t}"),
            EmptySet => f.write_str(
                "\"set\" changes nothing: it needs at least one of \"account\", \"numbers\", \"phones\", \"app\"",
            ),
            AccountIdentityInSet { key } => write!(
                f,
                "\"{key}\" identifies the account, so a \"set\" step cannot change it (only \"type\" and \"verifiedNumbers\" change during a run)"
            ),
        }
    }
}

/// One problem, placed in the scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    /// What is wrong.
    pub problem: Problem,
    /// JSON pointer (RFC 6901) to the value or key concerned, such as `/steps/3/hangup/phone`; empty for the
    /// whole file.
    pub pointer: String,
    /// Byte offset where the place starts.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl ScenarioError {
    /// The message.
    pub fn message(&self) -> String {
        self.problem.to_string()
    }

    /// `LINE:COL: error: /pointer: message (fix: …)`.
    pub fn render(&self) -> String {
        self.view().render()
    }

    /// The shape shared with PerCL diagnostics (scenario problems are all errors, so no severity is written).
    fn view(&self) -> PlacedView<'_> {
        PlacedView {
            severity: None,
            code: self.problem.code(),
            pointer: &self.pointer,
            line: self.line,
            column: self.column,
            start: self.start,
            end: self.end,
            message: self.problem.to_string(),
            fix: self.problem.fix(),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl Serialize for ScenarioError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.view().serialize(s)
    }
}

/// Every problem of a scenario file, in source order. Never empty when returned by [`super::parse`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ScenarioErrors {
    /// The problems.
    pub errors: Vec<ScenarioError>,
}

/// How many problems [`ScenarioErrors::render`] writes: after these, one line says how many more there are (a
/// file of 200,000 bad steps would otherwise print 400,000 lines).
pub const MAX_RENDERED_ERRORS: usize = 100;

impl ScenarioErrors {
    /// One line per problem, prefixed with `file:` (pass `""` for none): `FILE:LINE:COL: error: …`; the first
    /// [`MAX_RENDERED_ERRORS`], then a line `… and N more errors`.
    pub fn render(&self, file: &str) -> String {
        let mut out = String::new();
        let prefix = if file.is_empty() {
            String::new()
        } else {
            format!("{file}:")
        };
        for e in self.errors.iter().take(MAX_RENDERED_ERRORS) {
            out.push_str(&prefix);
            out.push_str(&e.render());
            out.push('\n');
        }
        let more = self.errors.len().saturating_sub(MAX_RENDERED_ERRORS);
        if more > 0 {
            let noun = if more == 1 { "error" } else { "errors" };
            out.push_str(&format!(
                "{prefix} and {more} more {noun} (fix: correct the ones above first; the rest are often the same mistake repeated)\n"
            ));
        }
        out
    }
}

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(""))
    }
}

impl std::error::Error for ScenarioErrors {}
