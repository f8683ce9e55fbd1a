//! The PerCL schema the checker walks: every command, its attributes with their types and required flags,
//! where it may appear, and what happens to the script after it.
//!
//! The table follows the official SDK models (freeclimb 5.4.1) and FreeClimb's docs; attribute order is the
//! SDKs' order. Defaults come from [`super::defaults`] (the one place they live).

use super::defaults as d;
use super::model::{GrammarType, IfMachine, PLAY_BEEP_NAMES, TTSEngineName};

/// What happens to the rest of the script after a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flow {
    /// The next command runs.
    Continues,
    /// The script ends here; a webhook (usually `actionUrl`) supplies the call's next PerCL.
    Terminal,
    /// The call ends.
    EndsCall,
}

impl Flow {
    /// Whether commands after this one in the same script never run.
    pub fn stops_script(self) -> bool {
        self != Flow::Continues
    }
}

/// Where a command may appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Placement {
    /// Anywhere, including the `prompts` of GetDigits and GetSpeech (Say, Play, Pause).
    Prompt,
    /// At the top level; FreeClimb documents nothing about nesting it (allowed in TranscribeUtterance prompts
    /// with a warning, refused in GetDigits and GetSpeech prompts).
    TopLevel,
    /// Never nested: conference commands, OutDial, Redirect and TerminateConference.
    NeverNested,
}

/// A value's type, with the rules the checker applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ty {
    /// Any string.
    Str,
    /// A string that must not be empty.
    NonEmpty,
    /// A URL FreeClimb requests: warned about unless absolute http(s).
    Url,
    /// An E.164 phone number (`+` and 2 to 15 digits).
    Phone,
    /// Keys a caller can press: `0`-`9`, `*`, `#`; `single` means exactly one.
    Keys {
        /// Exactly one key.
        single: bool,
    },
    /// A queue ID: `QU` and 40 hex characters.
    QueueId,
    /// A string limited to `max` bytes (Say text).
    LimitedText {
        /// The limit in bytes.
        max: usize,
    },
    /// SMS text: longer than one segment is a warning.
    SmsText,
    /// `true` or `false`.
    Bool,
    /// A whole number in `min..=max`.
    UInt {
        /// Smallest allowed value.
        min: u32,
        /// Largest allowed value.
        max: u32,
    },
    /// A whole number that FreeClimb clamps into `min..=max` (a warning outside).
    Clamped {
        /// Lower end of the clamp.
        min: u32,
        /// Upper end of the clamp.
        max: u32,
    },
    /// A number from 0 to 1.
    Fraction,
    /// One of these spellings (an error otherwise).
    Enum(&'static [&'static str]),
    /// A language: one of [`super::model::Language::NAMES`], a warning otherwise (the SDKs accept any string).
    Language,
    /// An object with these attributes.
    Object(&'static ObjectSpec),
    /// Any JSON object (TTS engine parameters).
    AnyObject,
    /// An array of strings.
    StrList,
    /// An array of nested commands.
    Prompts,
}

impl Ty {
    /// The type as a learner reads it in a message ("a whole number from 1 to 60").
    pub fn describe(&self) -> String {
        match self {
            Ty::Str | Ty::LimitedText { .. } | Ty::SmsText => "a string".into(),
            Ty::NonEmpty => "a non-empty string".into(),
            Ty::Url => "a URL string".into(),
            Ty::Phone => "a phone number string in E.164 form (such as \"+18005550100\")".into(),
            Ty::Keys { single: true } => "a string with one key (0-9, * or #)".into(),
            Ty::Keys { single: false } => "a string of keys (0-9, * and #)".into(),
            Ty::QueueId => "a queue ID string (QU and 40 hex characters)".into(),
            Ty::Bool => "true or false".into(),
            // Both bounds, always: "at least 1" hides that 4294967296 is too large.
            Ty::UInt { min, max } => format!("a whole number from {min} to {max}"),
            Ty::Clamped { .. } => "a whole number".into(),
            Ty::Fraction => "a number from 0 to 1".into(),
            Ty::Enum(names) => format!("one of {}", quoted_list(names)),
            Ty::Language => "a language string such as \"en-US\"".into(),
            Ty::Object(spec) => format!("an object ({})", spec.name),
            Ty::AnyObject => "an object".into(),
            Ty::StrList => "an array of strings".into(),
            Ty::Prompts => "an array of commands".into(),
        }
    }
}

/// `"a", "b" or "c"`.
pub fn quoted_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("\"{one}\""),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|n| format!("\"{n}\"")).collect();
            format!("{} or \"{last}\"", init.join(", "))
        }
    }
}

/// A default value, for display and for the generic schema-driven tests; typed code uses
/// [`super::defaults`] directly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DefaultValue {
    /// A boolean.
    Bool(bool),
    /// A whole number.
    UInt(u32),
    /// A string.
    Str(&'static str),
}

impl std::fmt::Display for DefaultValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DefaultValue::Bool(b) => write!(f, "{b}"),
            DefaultValue::UInt(n) => write!(f, "{n}"),
            DefaultValue::Str(s) => write!(f, "\"{s}\""),
        }
    }
}

/// One attribute of a command or nested object.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attr {
    /// The name on the wire.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether it must be present.
    pub required: bool,
    /// What FreeClimb (or, where marked in [`super::defaults`], conflab) uses when it is absent.
    pub default: Option<DefaultValue>,
}

/// The attributes of a nested object (Say's `engine`, TranscribeUtterance's `record`).
#[derive(Debug, PartialEq)]
pub struct ObjectSpec {
    /// The SDK's name for it, used in messages.
    pub name: &'static str,
    /// Its attributes.
    pub attrs: &'static [Attr],
}

/// One PerCL command.
#[derive(Debug, PartialEq)]
pub struct CommandSpec {
    /// The name on the wire.
    pub name: &'static str,
    /// What happens to the script after it.
    pub flow: Flow,
    /// Whether it acts on a conference or on the call's participation in one.
    pub conference: bool,
    /// Where it may appear.
    pub placement: Placement,
    /// Its attributes, in SDK order.
    pub attrs: &'static [Attr],
}

impl CommandSpec {
    /// The attribute called `name`.
    pub fn attr(&self, name: &str) -> Option<&'static Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

const fn req(name: &'static str, ty: Ty) -> Attr {
    Attr {
        name,
        ty,
        required: true,
        default: None,
    }
}
const fn opt(name: &'static str, ty: Ty) -> Attr {
    Attr {
        name,
        ty,
        required: false,
        default: None,
    }
}
const fn def(name: &'static str, ty: Ty, default: DefaultValue) -> Attr {
    Attr {
        name,
        ty,
        required: false,
        default: Some(default),
    }
}

const MS: Ty = Ty::UInt {
    min: 0,
    max: u32::MAX,
};
const COUNT: Ty = Ty::UInt {
    min: 0,
    max: u32::MAX,
};
const PRIVACY: Attr = def("privacyMode", Ty::Bool, DefaultValue::Bool(d::PRIVACY_MODE));
const LOOP: Attr = def("loop", COUNT, DefaultValue::UInt(d::LOOP));

/// `Say.engine`.
pub static TTS_ENGINE: ObjectSpec = ObjectSpec {
    name: "TTSEngine",
    attrs: &[
        opt("name", Ty::Enum(TTSEngineName::NAMES)),
        opt("parameters", Ty::AnyObject),
    ],
};

/// `TranscribeUtterance.record`.
pub static TRANSCRIBE_RECORD: ObjectSpec = ObjectSpec {
    name: "TranscribeUtteranceRecord",
    attrs: &[
        def(
            "saveRecording",
            Ty::Bool,
            DefaultValue::Bool(d::TRANSCRIBE_SAVE_RECORDING),
        ),
        def(
            "maxLengthSec",
            Ty::UInt { min: 1, max: 60 },
            DefaultValue::UInt(d::TRANSCRIBE_MAX_LENGTH_SEC),
        ),
        opt(
            "rcrdTerminationSilenceTimeMs",
            Ty::UInt { min: 1, max: 3000 },
        ),
    ],
};

const fn cmd(
    name: &'static str,
    flow: Flow,
    conference: bool,
    placement: Placement,
    attrs: &'static [Attr],
) -> CommandSpec {
    CommandSpec {
        name,
        flow,
        conference,
        placement,
        attrs,
    }
}

use Flow::{Continues, EndsCall, Terminal};
use Placement::{NeverNested, Prompt, TopLevel};

/// All 27 commands, alphabetically.
pub static COMMANDS: [CommandSpec; 27] = [
    cmd(
        "AddToConference",
        Terminal,
        true,
        NeverNested,
        &[
            def(
                "allowCallControl",
                Ty::Bool,
                DefaultValue::Bool(d::ALLOW_CALL_CONTROL),
            ),
            opt("callControlSequence", Ty::Keys { single: false }),
            opt("callControlUrl", Ty::Url),
            req("conferenceId", Ty::NonEmpty),
            opt("leaveConferenceUrl", Ty::Url),
            def("listen", Ty::Bool, DefaultValue::Bool(d::LISTEN)),
            opt("notificationUrl", Ty::Url),
            def(
                "startConfOnEnter",
                Ty::Bool,
                DefaultValue::Bool(d::START_CONF_ON_ENTER),
            ),
            def("talk", Ty::Bool, DefaultValue::Bool(d::TALK)),
            def(
                "dtmfPassThrough",
                Ty::Bool,
                DefaultValue::Bool(d::DTMF_PASS_THROUGH),
            ),
        ],
    ),
    cmd(
        "AudioStream",
        Terminal,
        false,
        TopLevel,
        &[
            req("location", Ty::NonEmpty),
            opt("actionUrl", Ty::Url),
            opt("contentType", Ty::Str),
            opt("metaData", Ty::StrList),
            PRIVACY,
        ],
    ),
    cmd(
        "CreateConference",
        Terminal,
        true,
        NeverNested,
        &[
            req("actionUrl", Ty::Url),
            opt("alias", Ty::Str),
            def(
                "playBeep",
                Ty::Enum(PLAY_BEEP_NAMES),
                DefaultValue::Str(d::CREATE_CONFERENCE_PLAY_BEEP.as_str()),
            ),
            def(
                "record",
                Ty::Bool,
                DefaultValue::Bool(d::CREATE_CONFERENCE_RECORD),
            ),
            opt("statusCallbackUrl", Ty::Url),
            opt("waitUrl", Ty::Url),
            opt("parentCallId", Ty::Str),
        ],
    ),
    cmd("Dequeue", Terminal, false, TopLevel, &[]),
    cmd(
        "Enqueue",
        Terminal,
        false,
        TopLevel,
        &[
            req("actionUrl", Ty::Url),
            opt("notificationUrl", Ty::Url),
            req("queueId", Ty::QueueId),
            req("waitUrl", Ty::Url),
        ],
    ),
    cmd(
        "GetDigits",
        Terminal,
        false,
        TopLevel,
        &[
            req("actionUrl", Ty::Url),
            def(
                "digitTimeoutMs",
                MS,
                DefaultValue::UInt(d::GET_DIGITS_DIGIT_TIMEOUT_MS),
            ),
            def(
                "finishOnKey",
                Ty::Keys { single: true },
                DefaultValue::Str(d::GET_DIGITS_FINISH_ON_KEY),
            ),
            def(
                "flushBuffer",
                Ty::Bool,
                DefaultValue::Bool(d::GET_DIGITS_FLUSH_BUFFER),
            ),
            def(
                "initialTimeoutMs",
                MS,
                DefaultValue::UInt(d::GET_DIGITS_INITIAL_TIMEOUT_MS),
            ),
            def(
                "maxDigits",
                COUNT,
                DefaultValue::UInt(d::GET_DIGITS_MAX_DIGITS),
            ),
            def(
                "minDigits",
                COUNT,
                DefaultValue::UInt(d::GET_DIGITS_MIN_DIGITS),
            ),
            opt("prompts", Ty::Prompts),
            PRIVACY,
        ],
    ),
    cmd(
        "GetSpeech",
        Terminal,
        false,
        TopLevel,
        &[
            req("actionUrl", Ty::Url),
            def(
                "grammarType",
                Ty::Enum(GrammarType::NAMES),
                DefaultValue::Str(d::GET_SPEECH_GRAMMAR_TYPE.as_str()),
            ),
            req("grammarFile", Ty::NonEmpty),
            opt("grammarRule", Ty::Str),
            opt("playBeep", Ty::Bool),
            opt("prompts", Ty::Prompts),
            opt("noInputTimeoutMs", MS),
            opt("recognitionTimeoutMs", MS),
            opt("confidenceThreshold", Ty::Fraction),
            opt("sensitivityLevel", Ty::Fraction),
            opt("speechCompleteTimeoutMs", MS),
            opt("speechIncompleteTimeoutMs", MS),
            PRIVACY,
        ],
    ),
    cmd(
        "Hangup",
        EndsCall,
        false,
        TopLevel,
        &[opt("reason", Ty::Str)],
    ),
    cmd(
        "OutDial",
        Terminal,
        false,
        NeverNested,
        &[
            req("actionUrl", Ty::Url),
            req("callConnectUrl", Ty::Url),
            req("callingNumber", Ty::Phone),
            req("destination", Ty::Phone),
            opt("ifMachine", Ty::Enum(IfMachine::NAMES)),
            opt("ifMachineUrl", Ty::Url),
            opt("sendDigits", Ty::Str),
            opt("statusCallbackUrl", Ty::Url),
            def(
                "timeout",
                Ty::UInt {
                    min: 1,
                    max: u32::MAX,
                },
                DefaultValue::UInt(d::OUT_DIAL_TIMEOUT_SEC),
            ),
            PRIVACY,
        ],
    ),
    cmd(
        "Park",
        Terminal,
        false,
        TopLevel,
        &[
            req("waitUrl", Ty::Url),
            req("actionUrl", Ty::Url),
            opt("notificationUrl", Ty::Url),
        ],
    ),
    cmd(
        "Pause",
        Continues,
        false,
        Prompt,
        &[req(
            "length",
            Ty::UInt {
                min: 1,
                max: u32::MAX,
            },
        )],
    ),
    cmd(
        "Play",
        Continues,
        false,
        Prompt,
        &[req("file", Ty::Url), LOOP, PRIVACY],
    ),
    cmd(
        "PlayEarlyMedia",
        Continues,
        false,
        TopLevel,
        &[req("file", Ty::Url)],
    ),
    cmd(
        "RecordUtterance",
        Terminal,
        false,
        TopLevel,
        &[
            req("actionUrl", Ty::Url),
            opt("silenceTimeoutMs", MS),
            opt("finishOnKey", Ty::Keys { single: true }),
            opt(
                "maxLengthSec",
                Ty::UInt {
                    min: 1,
                    max: u32::MAX,
                },
            ),
            opt("playBeep", Ty::Bool),
            opt("autoStart", Ty::Bool),
            PRIVACY,
        ],
    ),
    cmd(
        "Redirect",
        Terminal,
        false,
        NeverNested,
        &[req("actionUrl", Ty::Url)],
    ),
    cmd(
        "Reject",
        EndsCall,
        false,
        TopLevel,
        &[opt("reason", Ty::Str)],
    ),
    cmd("RemoveFromConference", Terminal, true, NeverNested, &[]),
    cmd(
        "Say",
        Continues,
        false,
        Prompt,
        &[
            req(
                "text",
                Ty::LimitedText {
                    max: d::SAY_TEXT_MAX_BYTES,
                },
            ),
            opt("language", Ty::Language),
            opt("engine", Ty::Object(&TTS_ENGINE)),
            LOOP,
            PRIVACY,
        ],
    ),
    cmd(
        "SendDigits",
        Continues,
        false,
        TopLevel,
        &[
            req("digits", Ty::NonEmpty),
            opt(
                "pauseMs",
                Ty::Clamped {
                    min: d::SEND_DIGITS_PAUSE_MS_RANGE.0,
                    max: d::SEND_DIGITS_PAUSE_MS_RANGE.1,
                },
            ),
            PRIVACY,
        ],
    ),
    cmd(
        "SetDTMFPassThrough",
        Continues,
        true,
        NeverNested,
        &[def(
            "dtmfPassThrough",
            Ty::Bool,
            DefaultValue::Bool(d::DTMF_PASS_THROUGH),
        )],
    ),
    cmd(
        "SetListen",
        Continues,
        true,
        NeverNested,
        &[def("listen", Ty::Bool, DefaultValue::Bool(d::LISTEN))],
    ),
    cmd(
        "SetTalk",
        Continues,
        true,
        NeverNested,
        &[def("talk", Ty::Bool, DefaultValue::Bool(d::TALK))],
    ),
    cmd(
        "Sms",
        Continues,
        false,
        TopLevel,
        &[
            req("to", Ty::Phone),
            req("from", Ty::Phone),
            req("text", Ty::SmsText),
            opt("notificationUrl", Ty::Url),
        ],
    ),
    cmd("StartRecordCall", Continues, false, TopLevel, &[]),
    cmd("TerminateConference", Terminal, true, NeverNested, &[]),
    cmd(
        "TranscribeUtterance",
        Terminal,
        false,
        TopLevel,
        &[
            req("actionUrl", Ty::Url),
            def(
                "playBeep",
                Ty::Bool,
                DefaultValue::Bool(d::TRANSCRIBE_FLAGS),
            ),
            opt("record", Ty::Object(&TRANSCRIBE_RECORD)),
            def(
                "privacyForLogging",
                Ty::Bool,
                DefaultValue::Bool(d::TRANSCRIBE_FLAGS),
            ),
            def(
                "privacyForRecording",
                Ty::Bool,
                DefaultValue::Bool(d::TRANSCRIBE_FLAGS),
            ),
            opt("prompts", Ty::Prompts),
        ],
    ),
    cmd("Unpark", Terminal, false, TopLevel, &[]),
];

/// The command called exactly `name`.
pub fn command(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Every command name, alphabetically.
pub fn command_names() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|c| c.name)
}
