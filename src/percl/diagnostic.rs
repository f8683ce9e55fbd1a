//! What the checker reports: problems as typed values, each with a message a learner can act on, placed by
//! JSON pointer, byte offsets and line:column.

use super::json::{Segment, Span, SyntaxError};
use super::schema::quoted_list;
use serde::Serialize;
use serde::ser::Serializer;
use std::fmt;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// FreeClimb would refuse the script (the call ends with `appInvalidPercl`).
    Error,
    /// The script runs, but probably not as intended.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the checker can find wrong with a script.
///
/// `owner` is the command (or nested object, such as `TTSEngine`) an attribute belongs to. Values quoted from
/// the script are shortened (see [`excerpt`]), so a huge string never makes a huge message.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// The script is larger than conflab checks.
    TooLarge {
        /// The script's size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not UTF-8.
    InvalidUtf8,
    /// The text is not JSON.
    Syntax(SyntaxError),
    /// A `\u` escape is half of a surrogate pair.
    LoneSurrogate {
        /// The code unit.
        unit: u16,
    },
    /// The top level is not an array.
    NotAnArray {
        /// What it is instead.
        found: &'static str,
    },
    /// An element of a command list is not an object.
    NotACommand {
        /// What it is instead.
        found: &'static str,
    },
    /// A command object does not have exactly one key.
    KeyCount {
        /// The keys it has (at most a few, shortened).
        keys: Vec<String>,
    },
    /// A command name FreeClimb does not know.
    UnknownCommand {
        /// The name written.
        name: String,
        /// A known command it resembles.
        suggestion: Option<&'static str>,
    },
    /// A command's value is not an object of attributes.
    AttributesNotObject {
        /// The command.
        command: &'static str,
        /// What the value is instead.
        found: &'static str,
    },
    /// A required attribute is absent.
    MissingAttribute {
        /// The command or object.
        owner: &'static str,
        /// The attribute.
        attribute: &'static str,
        /// What the value should be.
        expected: String,
    },
    /// A required attribute is `null`.
    NullRequired {
        /// The command or object.
        owner: &'static str,
        /// The attribute.
        attribute: &'static str,
        /// What the value should be.
        expected: String,
    },
    /// An optional attribute is `null` (treated as absent).
    NullOptional {
        /// The command or object.
        owner: &'static str,
        /// The attribute.
        attribute: &'static str,
    },
    /// A value of the wrong JSON type.
    WrongType {
        /// The attribute (or `metaData` item).
        attribute: &'static str,
        /// What the value should be.
        expected: String,
        /// What it is.
        found: &'static str,
        /// How to write it instead, when that is clear.
        fix: Option<String>,
    },
    /// A number with a fraction or exponent where a whole number is needed.
    NotWholeNumber {
        /// The attribute.
        attribute: &'static str,
        /// The number as written.
        value: String,
        /// The same value written as a whole number, when it is one.
        whole: Option<String>,
    },
    /// A number outside its allowed range.
    OutOfRange {
        /// The attribute.
        attribute: &'static str,
        /// The number as written.
        value: String,
        /// The allowed range, in words.
        expected: String,
    },
    /// A number FreeClimb clamps into its range.
    Clamped {
        /// The attribute.
        attribute: &'static str,
        /// The number as written.
        value: String,
        /// The value FreeClimb uses.
        applied: u32,
        /// Lower end.
        min: u32,
        /// Upper end.
        max: u32,
    },
    /// A string that is not one of the allowed values.
    BadEnum {
        /// The attribute.
        attribute: &'static str,
        /// The value written.
        value: String,
        /// The allowed values.
        allowed: &'static [&'static str],
        /// An allowed value it resembles.
        suggestion: Option<&'static str>,
    },
    /// A language FreeClimb does not list.
    UnknownLanguage {
        /// The value written.
        value: String,
        /// A listed language it resembles.
        suggestion: Option<&'static str>,
    },
    /// An attribute the command does not have (FreeClimb ignores it).
    UnknownAttribute {
        /// The command or object.
        owner: &'static str,
        /// The name written.
        attribute: String,
        /// A known attribute it resembles.
        suggestion: Option<&'static str>,
    },
    /// The same key twice in one object.
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// Say `text` over its byte limit.
    TextTooLong {
        /// The text's size in bytes.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// Sms `text` longer than one segment.
    SmsSegments {
        /// Characters in the text.
        chars: usize,
        /// Segments it goes out in.
        segments: usize,
    },
    /// A phone number not in E.164 form.
    NotE164 {
        /// The attribute.
        attribute: &'static str,
        /// The value written.
        value: String,
    },
    /// Keys other than 0-9, * and # (or not exactly one where one is needed).
    BadKeys {
        /// The attribute.
        attribute: &'static str,
        /// The value written.
        value: String,
        /// Whether exactly one key is needed.
        single: bool,
    },
    /// An empty string where a value is needed.
    EmptyString {
        /// The attribute.
        attribute: &'static str,
    },
    /// A queue ID that is not `QU` and 40 hex characters.
    BadQueueId {
        /// The value written.
        value: String,
    },
    /// A URL FreeClimb cannot request (not absolute http or https).
    NotHttpUrl {
        /// The attribute.
        attribute: &'static str,
        /// The value written.
        value: String,
    },
    /// GetSpeech `grammarFile` is not a built-in grammar although `grammarType` is `BUILTIN`.
    UnknownBuiltinGrammar {
        /// The value written.
        value: String,
        /// A built-in grammar it resembles.
        suggestion: Option<&'static str>,
    },
    /// GetSpeech `grammarFile` names a built-in grammar, but `grammarType` is `URL`.
    BuiltinGrammarAsUrl {
        /// The value written.
        value: String,
    },
    /// GetDigits `minDigits` above `maxDigits`.
    MinAboveMax {
        /// minDigits (given or default).
        min: u32,
        /// maxDigits (given or default).
        max: u32,
        /// Whether maxDigits is the default.
        max_is_default: bool,
    },
    /// OutDial `ifMachine` is `redirect` without `ifMachineUrl`.
    IfMachineUrlMissing,
    /// OutDial `ifMachineUrl` without `ifMachine: redirect`.
    IfMachineUrlUnused,
    /// A number too large for FreeClimb to read (such as `1e999`).
    NumberTooLarge {
        /// The number as written.
        value: String,
    },
    /// A command that can never be nested, inside `prompts`.
    NeverNested {
        /// The nested command.
        command: &'static str,
        /// The command whose prompts contain it.
        parent: &'static str,
    },
    /// A command other than Say, Play and Pause in GetDigits or GetSpeech prompts.
    NotAPrompt {
        /// The nested command.
        command: &'static str,
        /// The command whose prompts contain it.
        parent: &'static str,
    },
    /// A command FreeClimb documents nothing about, in TranscribeUtterance prompts.
    UndocumentedPrompt {
        /// The nested command.
        command: &'static str,
    },
    /// Commands after a terminal command.
    AfterTerminal {
        /// The terminal command.
        terminal: &'static str,
        /// Its index.
        index: usize,
        /// How many commands follow it.
        count: usize,
    },
    /// The script does not end in a terminal command.
    NoTerminal {
        /// The last command.
        last: &'static str,
    },
    /// An empty script.
    EmptyScript,
    /// PlayEarlyMedia that is not the first command.
    EarlyMediaNotFirst,
    /// More problems than are reported.
    TooManyProblems {
        /// Problems not shown.
        omitted: usize,
    },
}

/// At most this many characters of a value are quoted in a message.
const EXCERPT_CHARS: usize = 40;

/// A value shortened for quoting in a message.
pub fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        None => s.to_owned(),
        Some((cut, _)) => format!("{}…", &s[..cut]),
    }
}

impl Problem {
    /// The severity of this problem.
    pub fn severity(&self) -> Severity {
        use Problem::*;
        match self {
            NullOptional { .. }
            | Clamped { .. }
            | UnknownLanguage { .. }
            | UnknownAttribute { .. }
            | SmsSegments { .. }
            | NotHttpUrl { .. }
            | BuiltinGrammarAsUrl { .. }
            | IfMachineUrlUnused
            | UndocumentedPrompt { .. }
            | AfterTerminal { .. }
            | NoTerminal { .. }
            | EmptyScript
            | EarlyMediaNotFirst
            | TooManyProblems { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// A stable identifier for tools, such as `unknown-command`.
    pub fn code(&self) -> &'static str {
        use Problem::*;
        match self {
            TooLarge { .. } => "too-large",
            InvalidUtf8 => "invalid-utf8",
            Syntax(_) => "json-syntax",
            LoneSurrogate { .. } => "lone-surrogate",
            NotAnArray { .. } => "not-an-array",
            NotACommand { .. } => "not-a-command",
            KeyCount { .. } => "key-count",
            UnknownCommand { .. } => "unknown-command",
            AttributesNotObject { .. } => "attributes-not-object",
            MissingAttribute { .. } => "missing-attribute",
            NullRequired { .. } => "null-required",
            NullOptional { .. } => "null-optional",
            WrongType { .. } => "wrong-type",
            NotWholeNumber { .. } => "not-whole-number",
            OutOfRange { .. } => "out-of-range",
            Clamped { .. } => "clamped",
            BadEnum { .. } => "bad-enum",
            UnknownLanguage { .. } => "unknown-language",
            UnknownAttribute { .. } => "unknown-attribute",
            DuplicateKey { .. } => "duplicate-key",
            TextTooLong { .. } => "text-too-long",
            SmsSegments { .. } => "sms-segments",
            NotE164 { .. } => "not-e164",
            BadKeys { .. } => "bad-keys",
            EmptyString { .. } => "empty-string",
            BadQueueId { .. } => "bad-queue-id",
            NotHttpUrl { .. } => "not-http-url",
            UnknownBuiltinGrammar { .. } => "unknown-builtin-grammar",
            BuiltinGrammarAsUrl { .. } => "builtin-grammar-as-url",
            MinAboveMax { .. } => "min-above-max",
            IfMachineUrlMissing => "if-machine-url-missing",
            IfMachineUrlUnused => "if-machine-url-unused",
            NumberTooLarge { .. } => "number-too-large",
            NeverNested { .. } => "never-nested",
            NotAPrompt { .. } => "not-a-prompt",
            UndocumentedPrompt { .. } => "undocumented-prompt",
            AfterTerminal { .. } => "after-terminal",
            NoTerminal { .. } => "no-terminal",
            EmptyScript => "empty-script",
            EarlyMediaNotFirst => "early-media-not-first",
            TooManyProblems { .. } => "too-many-problems",
        }
    }

    /// How to fix it, when there is a clear fix.
    pub fn fix(&self) -> Option<String> {
        use Problem::*;
        match self {
            TooLarge { .. } => {
                Some("split the script, or return less PerCL from one webhook".into())
            }
            InvalidUtf8 => Some("save the file as UTF-8".into()),
            NotAnArray { found } if *found == "an object" => {
                Some("wrap the command in square brackets: [ {...} ]".into())
            }
            NotAnArray { .. } => Some(
                "write the script as an array of commands: [{\"Say\": {\"text\": \"Hi\"}}]".into(),
            ),
            NotACommand { .. } => {
                Some("write each command as {\"CommandName\": {attributes}}".into())
            }
            KeyCount { keys } if keys.len() > 1 => Some(
                "put each command in its own object: [{\"Say\": {...}}, {\"Hangup\": {}}]".into(),
            ),
            KeyCount { .. } => Some("name the command: {\"Hangup\": {}}".into()),
            UnknownCommand {
                suggestion: Some(s),
                ..
            } => Some(format!("write `{s}`")),
            AttributesNotObject { command, .. } => Some(format!(
                "write {{\"{command}\": {{}}}} (attributes go in an object, which may be empty)"
            )),
            MissingAttribute { attribute, .. } => Some(format!("add \"{attribute}\"")),
            NullRequired { expected, .. } => Some(format!("give it a value: {expected}")),
            NullOptional { attribute, .. } => {
                Some(format!("remove \"{attribute}\" or give it a value"))
            }
            WrongType { fix, .. } => fix.clone(),
            NotWholeNumber { whole: Some(w), .. } => Some(format!("write {w}")),
            Clamped { applied, .. } => Some(format!("write {applied}")),
            BadEnum {
                suggestion: Some(s),
                ..
            } => Some(format!("write \"{s}\"")),
            BadEnum { allowed, .. } => Some(format!("use {}", quoted_list(allowed))),
            UnknownLanguage {
                suggestion: Some(s),
                ..
            } => Some(format!("write \"{s}\"")),
            UnknownAttribute {
                suggestion: Some(s),
                ..
            } => Some(format!("rename it to \"{s}\"")),
            UnknownAttribute { attribute, .. } => {
                Some(format!("remove \"{}\"", excerpt(attribute)))
            }
            DuplicateKey { .. } => Some("keep one of them".into()),
            TextTooLong { .. } => Some("split the text over several Say commands".into()),
            NotE164 { .. } => Some(
                "write + then the country code and number, digits only: \"+18005550100\"".into(),
            ),
            BadKeys { single: true, .. } => Some("use one of 0-9, * or #".into()),
            BadKeys { .. } => Some("use only 0-9, * and #".into()),
            BadQueueId { .. } => Some(
                "use the queueId FreeClimb returned, or QU followed by 40 hex characters".into(),
            ),
            NotHttpUrl { .. } => {
                Some("write an absolute URL such as \"https://example.com/percl\"".into())
            }
            UnknownBuiltinGrammar {
                suggestion: Some(s),
                ..
            } => Some(format!("write \"{s}\"")),
            UnknownBuiltinGrammar { .. } => Some(
                "use a built-in grammar such as \"ANY_DIG\", or set \"grammarType\": \"URL\""
                    .into(),
            ),
            BuiltinGrammarAsUrl { .. } => Some("add \"grammarType\": \"BUILTIN\"".into()),
            MinAboveMax {
                max_is_default: true,
                min,
                ..
            } => Some(format!("add \"maxDigits\": {min} or more")),
            MinAboveMax { .. } => Some("make minDigits at most maxDigits".into()),
            IfMachineUrlMissing => {
                Some("add \"ifMachineUrl\", or use \"ifMachine\": \"hangup\"".into())
            }
            IfMachineUrlUnused => {
                Some("remove \"ifMachineUrl\", or set \"ifMachine\": \"redirect\"".into())
            }
            NeverNested { .. } | NotAPrompt { .. } => {
                Some("move it out of prompts, after the command".into())
            }
            AfterTerminal { .. } => Some(
                "move them before the terminal command, or return them from its webhook".into(),
            ),
            NoTerminal { .. } => {
                Some("end with a terminal command such as Hangup, Redirect or GetDigits".into())
            }
            EmptyScript => Some(
                "add commands, for example [{\"Say\": {\"text\": \"Hello\"}}, {\"Hangup\": {}}]"
                    .into(),
            ),
            EarlyMediaNotFirst => Some("make PlayEarlyMedia the first command, or use Play".into()),
            _ => None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Problem::*;
        match self {
            TooLarge { bytes, limit } => write!(f, "the script is {bytes} bytes; conflab checks scripts of up to {limit} bytes"),
            InvalidUtf8 => f.write_str("the text is not valid UTF-8"),
            Syntax(e) => write!(f, "{e}"),
            LoneSurrogate { unit } => write!(
                f,
                "`\\u{unit:04x}` is half of a UTF-16 surrogate pair without its other half; it reads as U+FFFD"
            ),
            NotAnArray { found } => write!(f, "a PerCL script is a JSON array of commands, but this is {found}"),
            NotACommand { found } => write!(f, "a command is an object such as {{\"Say\": {{...}}}}, but this is {found}"),
            KeyCount { keys } if keys.is_empty() => f.write_str("an empty object is not a command: it needs exactly one key, the command name"),
            KeyCount { keys } => write!(
                f,
                "a command object has exactly one key, the command name, but this one has {} ({})",
                keys.len(),
                keys.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
            ),
            UnknownCommand { name, suggestion } => {
                write!(f, "unknown command \"{}\"", excerpt(name))?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean \"{s}\"? (names are case-sensitive)"),
                    None => f.write_str("; see the 27 PerCL commands such as Say, Play, GetDigits, CreateConference, AddToConference"),
                }
            }
            AttributesNotObject { command, found } => write!(f, "the attributes of {command} must be an object, but this is {found}"),
            MissingAttribute { owner, attribute, expected } => write!(f, "{owner} needs \"{attribute}\" ({expected})"),
            NullRequired { owner, attribute, expected } => write!(f, "\"{attribute}\" is null, but {owner} needs it ({expected})"),
            NullOptional { attribute, .. } => write!(f, "\"{attribute}\" is null; FreeClimb treats it as absent"),
            WrongType { attribute, expected, found, .. } => write!(f, "\"{attribute}\" must be {expected}, but this is {found}"),
            NotWholeNumber { attribute, value, .. } => write!(f, "\"{attribute}\" must be a whole number, but {value} has a fraction or exponent"),
            OutOfRange { attribute, value, expected } => write!(f, "\"{attribute}\" is {value}, but it must be {expected}"),
            Clamped { attribute, value, applied, min, max } => write!(
                f,
                "\"{attribute}\" is {value}; FreeClimb accepts {min} to {max} and will use {applied}"
            ),
            BadEnum { attribute, value, allowed, suggestion } => {
                write!(f, "\"{attribute}\" cannot be \"{}\": it is one of {}", excerpt(value), quoted_list(allowed))?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean \"{s}\"?)")?;
                }
                Ok(())
            }
            UnknownLanguage { value, suggestion } => {
                write!(f, "\"{}\" is not a language FreeClimb lists; the voice may fall back to a default", excerpt(value))?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean \"{s}\"?)")?;
                }
                Ok(())
            }
            UnknownAttribute { owner, attribute, suggestion } => {
                write!(f, "{owner} has no attribute \"{}\"; FreeClimb ignores it", excerpt(attribute))?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean \"{s}\"?)")?;
                }
                Ok(())
            }
            DuplicateKey { key } => write!(f, "\"{}\" appears more than once in this object", excerpt(key)),
            TextTooLong { bytes, max } => write!(f, "Say text is {bytes} bytes; FreeClimb allows at most {max} bytes (4 KB)"),
            SmsSegments { chars, segments } => write!(
                f,
                "the text has {chars} characters; an SMS holds 160, so it goes out as {segments} segments (each billed)"
            ),
            NotE164 { attribute, value } => write!(f, "\"{attribute}\" \"{}\" is not an E.164 phone number (+ and 2 to 15 digits, the first not 0)", excerpt(value)),
            BadKeys { attribute, value, single: true } => write!(f, "\"{attribute}\" \"{}\" is not a single phone key (0-9, * or #)", excerpt(value)),
            BadKeys { attribute, value, single: false } => write!(f, "\"{attribute}\" \"{}\" may contain only 0-9, * and #", excerpt(value)),
            EmptyString { attribute } => write!(f, "\"{attribute}\" is empty"),
            BadQueueId { value } => write!(f, "queueId \"{}\" is not QU followed by 40 hex characters", excerpt(value)),
            NotHttpUrl { attribute, value } => write!(f, "\"{attribute}\" \"{}\" is not an absolute http(s) URL, so FreeClimb cannot request it", excerpt(value)),
            UnknownBuiltinGrammar { value, suggestion } => {
                write!(f, "grammarType is BUILTIN, but \"{}\" is not a built-in grammar", excerpt(value))?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean \"{s}\"?)")?;
                }
                Ok(())
            }
            BuiltinGrammarAsUrl { value } => write!(f, "\"{value}\" is a built-in grammar, but grammarType is URL (the default), so FreeClimb would try to download it"),
            MinAboveMax { min, max, max_is_default } => write!(
                f,
                "minDigits {min} is more than maxDigits {max}{}, so no input can succeed",
                if *max_is_default { " (the default)" } else { "" }
            ),
            IfMachineUrlMissing => f.write_str("ifMachine is \"redirect\", which needs \"ifMachineUrl\""),
            IfMachineUrlUnused => f.write_str("\"ifMachineUrl\" is used only when ifMachine is \"redirect\"; FreeClimb ignores it here"),
            NumberTooLarge { value } => write!(f, "the number {} is too large", excerpt(value)),
            NeverNested { command, parent } => write!(f, "{command} can never be nested; it cannot be in the prompts of {parent}"),
            NotAPrompt { command, parent } => write!(f, "the prompts of {parent} take only Say, Play and Pause, not {command}"),
            UndocumentedPrompt { command } => write!(
                f,
                "FreeClimb documents only Say, Play and Pause as prompts; {command} in TranscribeUtterance prompts may not run"
            ),
            AfterTerminal { terminal, index, count } => write!(
                f,
                "{count} command{} after the terminal command {terminal} (/{index}) never run{}",
                if *count == 1 { "" } else { "s" },
                if *count == 1 { "s" } else { "" }
            ),
            NoTerminal { last } => write!(
                f,
                "the script ends with {last}, which is not a terminal command: when it runs out, FreeClimb hangs up the call"
            ),
            EmptyScript => f.write_str("the script is empty: FreeClimb hangs up the call (appNoPercl)"),
            EarlyMediaNotFirst => f.write_str("PlayEarlyMedia does something only as the first command of an inbound call's script"),
            TooManyProblems { omitted } => write!(f, "{omitted} more problems are not shown"),
        }
    }
}

/// What a placed problem (a PerCL [`Diagnostic`], or a scenario error) shows: one shape for the text line and the
/// JSON form, so both kinds of problem read and serialize alike.
#[derive(Serialize)]
pub(crate) struct PlacedView<'a> {
    /// `error` or `warning`; absent where every problem is an error (scenario files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<&'static str>,
    /// The problem's stable code.
    pub code: &'static str,
    /// JSON pointer of the place.
    pub pointer: &'a str,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// The message.
    pub message: String,
    /// How to fix it, when known.
    pub fix: Option<String>,
}

impl PlacedView<'_> {
    /// `LINE:COL: severity: /pointer: message (fix: …)`.
    pub fn render(&self) -> String {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            self.pointer
        };
        let severity = self.severity.unwrap_or("error");
        let mut s = format!(
            "{}:{}: {severity}: {pointer}: {}",
            self.line, self.column, self.message
        );
        if let Some(fix) = &self.fix {
            s.push_str(" (fix: ");
            s.push_str(fix);
            s.push(')');
        }
        one_line(s)
    }
}

/// `s` with its control characters written as escapes (`\n`, `\r`, `\t`, `\u{…}`): a key or value quoted in a
/// message may hold a newline, and a report is one line per problem (tools read it line by line; found by the
/// `scenario_read` fuzz target).
fn one_line(s: String) -> String {
    if !s.chars().any(char::is_control) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// One problem, placed in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// What is wrong.
    pub problem: Problem,
    /// A JSON pointer (RFC 6901) to the value or key concerned, such as `/3/GetDigits/prompts/0/Say/text`;
    /// empty for the whole document.
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

impl Diagnostic {
    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.problem.severity()
    }
    /// The message for a learner.
    pub fn message(&self) -> String {
        self.problem.to_string()
    }
    /// `LINE:COL: severity: /pointer: message` (with the fix after ` (fix: `, when there is one).
    pub fn render(&self) -> String {
        self.view().render()
    }

    /// The shape shared with scenario errors, for the text line and the JSON form.
    pub(crate) fn view(&self) -> PlacedView<'_> {
        PlacedView {
            severity: Some(self.severity().as_str()),
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

impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.view().serialize(s)
    }
}

/// The outcome of checking one script.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    /// Errors found, including any beyond the reported ones.
    pub errors: usize,
    /// Warnings found, including any beyond the reported ones.
    pub warnings: usize,
    /// The problems, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Whether the script has no errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.errors == 0
    }
}

/// Keys longer than this many characters are shortened in pointers (with `…`). PerCL names are far shorter.
pub const MAX_POINTER_KEY_CHARS: usize = 100;

/// Renders a JSON pointer (RFC 6901: `~` is written `~0`, `/` is written `~1`); see [`MAX_POINTER_KEY_CHARS`].
pub fn pointer<'a>(segments: impl IntoIterator<Item = PathSeg<'a>>) -> String {
    let mut out = String::new();
    for seg in segments {
        out.push('/');
        match seg {
            PathSeg::Index(i) => out.push_str(&i.to_string()),
            PathSeg::Key(k) => {
                for (n, c) in k.chars().enumerate() {
                    if n == MAX_POINTER_KEY_CHARS {
                        // Keeps output bounded for adversarial keys; the byte offsets stay exact.
                        out.push('…');
                        break;
                    }
                    match c {
                        '~' => out.push_str("~0"),
                        '/' => out.push_str("~1"),
                        c => out.push(c),
                    }
                }
            }
        }
    }
    out
}

/// A borrowed path segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathSeg<'a> {
    /// An array index.
    Index(usize),
    /// An object key.
    Key(&'a str),
}

impl<'a> From<&'a Segment> for PathSeg<'a> {
    fn from(s: &'a Segment) -> Self {
        match s {
            Segment::Index(i) => PathSeg::Index(*i),
            Segment::Key(k) => PathSeg::Key(k),
        }
    }
}

/// Fills in line and column of diagnostics sorted by `start`, in one pass over the source.
pub(crate) fn place(source: &str, diagnostics: &mut [Diagnostic]) {
    let mut lines = super::json::LineColumn::default();
    for d in diagnostics.iter_mut() {
        (d.line, d.column) = lines.at(source.as_bytes(), d.start);
    }
}

/// The span type diagnostics are built from.
pub(crate) fn offsets(span: Span) -> (usize, usize) {
    (span.start as usize, span.end as usize)
}
