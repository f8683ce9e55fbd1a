//! The scenario as plain Rust values: what the engine runs, with every default applied and no JSON left to
//! interpret (except the PerCL responses and `api` bodies, which stay JSON because templates are expanded in
//! them at run time).
//!
//! Maps are `BTreeMap`s so that iterating them is deterministic.

pub use crate::engine::DEFAULT_EPOCH_UNIX_SECS;

/// The latest epoch a scenario may give: 9999-12-31T23:59:59Z, so that every date stays a four-digit year and
/// the engine's unix milliseconds cannot overflow.
pub const MAX_EPOCH_UNIX_SECS: u64 = 253_402_300_799;
use crate::wire::AccountType;
use std::collections::BTreeMap;

/// The latest virtual time a step's `at` or a run's `until` may name: 2^53-1 ms (about 285,000 years), the
/// largest whole number a JavaScript number (the page, JSON tools) holds exactly.
pub const MAX_TIME_MS: u64 = (1 << 53) - 1;

/// [`MAX_TIME_MS`] as a range, in words.
pub(crate) const TIME_RANGE: &str = "a time in ms from 0 to 9007199254740991 (2^53-1)";

/// The signing secret of an account whose scenario gives none. Fixed, so that signatures in golden logs are
/// stable.
pub const DEFAULT_SIGNING_SECRET: &str = "sigsec_conflab0000000000000000000000000000";

/// A whole scenario: the account, its numbers, the outside phones, the customer's app and the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Seed of every id the engine draws (`seed`, default 0).
    pub seed: u64,
    /// Unix time (seconds) at virtual time 0 (`epoch`, default [`DEFAULT_EPOCH_UNIX_SECS`]): what every
    /// `FreeClimb-Signature` timestamp and REST date counts from. A session the page starts takes the time it
    /// was started, so a webhook copied from it passes the SDKs' `RequestVerifier` (5-minute tolerance);
    /// exported, it keeps that epoch, so the replay is identical.
    pub epoch: u64,
    /// The account's applications, by `applicationId` (`applications`): the URLs FreeClimb requests for the
    /// numbers that point at one, and for Make a Call's `applicationId`.
    pub applications: BTreeMap<String, Application>,
    /// The FreeClimb account (`account`, default a full account).
    pub account: Account,
    /// The account's phone numbers, by E.164 number (`numbers`).
    pub numbers: BTreeMap<String, Number>,
    /// Outside phones that do something other than answer at once in silence, by E.164 number (`phones`).
    pub phones: BTreeMap<String, Phone>,
    /// The customer's webhook server: what each URL answers (`app`).
    pub app: BTreeMap<String, AppResponse>,
    /// Replies recorded from a real app by `conflab serve`, per URL in order (`app: {URL: {"replies": [...]}}`):
    /// the n-th request to the URL gets the n-th reply. A URL is either here or in `app`, never both.
    pub replies: BTreeMap<String, Vec<Reply>>,
    /// The timeline, in time order (equal times keep file order).
    pub steps: Vec<Step>,
    /// Stop the run at this virtual time (ms), even if something is still pending (`until`).
    pub until: Option<u64>,
}

/// The FreeClimb account the scenario runs as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// `trial` or `full` (`type`, default `full`).
    pub kind: AccountType,
    /// Numbers a trial account may call (`verifiedNumbers`, E.164, default none).
    pub verified_numbers: Vec<String>,
    /// Key of the `FreeClimb-Signature` HMAC (`signingSecret`, default [`DEFAULT_SIGNING_SECRET`]).
    pub signing_secret: String,
    /// `AC` + 40 hex (`accountId`); when absent the engine draws it from the seed.
    pub account_id: Option<String>,
    /// The REST API password (`apiKey`); when absent the engine draws it from the seed.
    pub api_key: Option<String>,
}

impl Default for Account {
    fn default() -> Self {
        Account {
            kind: AccountType::Full,
            verified_numbers: Vec::new(),
            signing_secret: DEFAULT_SIGNING_SECRET.to_owned(),
            account_id: None,
            api_key: None,
        }
    }
}

/// One of the account's applications (FreeClimb's `ApplicationResult`): the URLs FreeClimb requests for the
/// numbers that point at it and for the calls made with its id. Every URL is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Application {
    /// A friendly name (`alias`).
    pub alias: Option<String>,
    /// Requested (`inboundCall`) when a phone dials one of its numbers (`voiceUrl`).
    pub voice_url: Option<String>,
    /// Requested when `voiceUrl` fails or times out (`voiceFallbackUrl`).
    pub voice_fallback_url: Option<String>,
    /// Requested when an outbound call made with it connects (`callConnectUrl`).
    pub call_connect_url: Option<String>,
    /// Receives the `callStatus` webhook of its calls (`statusCallbackUrl`).
    pub status_callback_url: Option<String>,
    /// SMS to its numbers (`smsUrl`); kept for completeness.
    pub sms_url: Option<String>,
    /// SMS fallback (`smsFallbackUrl`).
    pub sms_fallback_url: Option<String>,
}

/// One of the account's phone numbers and the application it points at: either `applicationId`, naming one of
/// the scenario's `applications`, or the application's URLs written on the number itself, a shorthand for an
/// application of its own (the engine gives it an `AP…` id). Every URL is optional: a number without `voiceUrl`
/// refuses inbound calls the way FreeClimb does (`configErrorNoVoiceUrl`, the engine's part).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Number {
    /// The application it points at (`applicationId`, a key of the scenario's `applications`); when set, the
    /// URL fields below are empty (the reader refuses both).
    pub application_id: Option<String>,
    /// Requested (`inboundCall`) when a phone dials this number (`voiceUrl`).
    pub voice_url: Option<String>,
    /// Requested when `voiceUrl` fails or times out (`voiceFallbackUrl`).
    pub voice_fallback_url: Option<String>,
    /// Receives the `callStatus` webhook of calls on this number (`statusCallbackUrl`).
    pub status_callback_url: Option<String>,
    /// Requested when an outbound call made from this number connects (`callConnectUrl`).
    pub call_connect_url: Option<String>,
    /// SMS to this number (`smsUrl`); kept for completeness, conflab simulates SMS only in the event log.
    pub sms_url: Option<String>,
    /// SMS fallback (`smsFallbackUrl`).
    pub sms_fallback_url: Option<String>,
    /// A friendly name (`alias`).
    pub alias: Option<String>,
}

impl Number {
    /// A number with `app`'s URLs and alias written on it (the shorthand for an application of its own).
    pub fn with_urls(app: Application) -> Number {
        Number {
            application_id: None,
            voice_url: app.voice_url,
            voice_fallback_url: app.voice_fallback_url,
            status_callback_url: app.status_callback_url,
            call_connect_url: app.call_connect_url,
            sms_url: app.sms_url,
            sms_fallback_url: app.sms_fallback_url,
            alias: app.alias,
        }
    }

    /// The application this number's own URLs make (its shorthand); `None` when it names one by id.
    pub fn own_application(&self) -> Option<Application> {
        self.application_id.is_none().then(|| Application {
            alias: None,
            voice_url: self.voice_url.clone(),
            voice_fallback_url: self.voice_fallback_url.clone(),
            call_connect_url: self.call_connect_url.clone(),
            status_callback_url: self.status_callback_url.clone(),
            sms_url: self.sms_url.clone(),
            sms_fallback_url: self.sms_fallback_url.clone(),
        })
    }
}

/// An outside phone: how it answers, what it sounds like and what it "says".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Phone {
    /// What happens when this phone is called (`answer`, default: at once).
    pub answer: Answer,
    /// The audio it sends (`media`, default silence). The audio issue consumes it; the engine only passes it on.
    pub media: Media,
    /// The phrase GetSpeech and TranscribeUtterance recognise from this phone (`says`).
    pub says: Option<String>,
    /// Hang up this many ms after the call is answered (`hangupAfterMs`), for calls whose answer time is not
    /// known in advance (outbound ones).
    pub hangup_after_ms: Option<u64>,
}

/// How a phone answers when it is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// It answers after this many ms of ringing (`{"afterMs": N}`; `{}` or `0` is at once).
    After {
        /// Ringing time.
        after_ms: u64,
    },
    /// It rings until an `answer` step answers it (or the call times out as `noAnswer`) (`"manual"`).
    Manual,
    /// The line is busy (`"busy"`): the call ends `busy`.
    Busy,
    /// It rings and nobody answers (`"noAnswer"`): the call ends `noAnswer` at its timeout.
    NoAnswer,
    /// The call cannot be placed (`"failed"`): the call ends `failed`.
    Failed,
}

impl Default for Answer {
    fn default() -> Self {
        Answer::After { after_ms: 0 }
    }
}

/// The audio a phone sends. Parsed and kept for the audio issue; the engine does not interpret it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Media {
    /// Nothing (`{"silence": true}`; the default).
    #[default]
    Silence,
    /// A sine tone (`{"tone": HZ}`, 1 to 20000 Hz).
    Tone {
        /// Frequency in Hz.
        hz: u32,
    },
    /// An audio file, relative to the scenario file (`{"file": "path.wav"}`).
    File {
        /// The path as written.
        path: String,
    },
    /// Text spoken by a synthetic voice, looped (`{"speech": "text"}`).
    Speech {
        /// The text.
        text: String,
    },
    /// A synthetic talker that alternates speech and silence (`{"talker": {...}}`).
    Talker(Talker),
}

/// A synthetic talker: speaks for `talk_ms`, is silent for `silence_ms`, and again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Talker {
    /// What it reads aloud in its talk stretches (`text`; without it, speech-like noise syllables).
    pub text: Option<String>,
    /// Length of each burst of speech (`talkMs`, default 2000).
    pub talk_ms: u64,
    /// Length of each pause (`silenceMs`, default 2000).
    pub silence_ms: u64,
}

impl Default for Talker {
    fn default() -> Self {
        Talker {
            text: None,
            talk_ms: 2000,
            silence_ms: 2000,
        }
    }
}

/// What the customer's app answers at one URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppResponse {
    /// HTTP 200 with this PerCL, after `delay_ms` (`[...]` or `{"percl": [...], "delayMs": N}`).
    Percl {
        /// The script, templates not yet expanded.
        percl: Percl,
        /// How long the app takes to answer (default 0).
        delay_ms: u64,
    },
    /// Anything else (`{"status", "delayMs", "body"}` without `percl`).
    Fault(Fault),
}

/// A PerCL response as written in the scenario: a JSON array whose strings may hold `{{…}}` templates.
/// It was checked when the scenario was parsed (see `docs/scenarios.md`, "PerCL responses").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Percl {
    /// The array.
    pub value: serde_json::Value,
    /// Where it is in the scenario file (a JSON pointer such as `/app/https:~1~1app.test~1inbound`), for
    /// messages about it at run time.
    pub pointer: String,
}

/// A faulty (or raw) app response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// HTTP status (`status`, default 200).
    pub status: u16,
    /// Time before the response (`delayMs`, default 0). FreeClimb gives up after 10 s (reference, Decisions).
    pub delay_ms: u64,
    /// The exact response body (`body`, default empty). With status 200 the engine reads it as PerCL, so a
    /// body that is not PerCL tests `appInvalidPercl`.
    pub body: String,
}

/// One reply recorded from a real app (`conflab serve`), replayed exactly: the raw answer, or the failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// An HTTP answer: status, raw body and the virtual time it took (`{"status", "body", "delayMs"}`).
    Http(Fault),
    /// No HTTP answer (connection refused, timed out, a body over the limit): `{"failed": WHY, "delayMs": N}`.
    Failed {
        /// Why, as the log shows it.
        reason: String,
        /// Virtual time from the request to the failure.
        delay_ms: u64,
    },
}

impl Reply {
    /// The virtual time the reply took.
    pub fn delay_ms(&self) -> u64 {
        match self {
            Reply::Http(f) => f.delay_ms,
            Reply::Failed { delay_ms, .. } => *delay_ms,
        }
    }
}

/// What [`Scenario::respond`] gives for one URL.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AppAnswer<'a> {
    /// HTTP 200 with this PerCL after `delay_ms`; expand its templates (see [`super::template`]) before use.
    Percl {
        /// The script.
        percl: &'a Percl,
        /// How long the app takes.
        delay_ms: u64,
    },
    /// A fault or raw body.
    Fault(&'a Fault),
    /// The URL is not in `app`: HTTP 404 with an empty body, at once.
    NotFound,
}

impl Scenario {
    /// The scenario with its epoch at `unix_ms` (whole seconds, clamped to what a scenario may give): a new
    /// session in the page starts at the time it was created (`Date.now()`), so that the signatures of its
    /// webhooks are fresh for the SDKs' `RequestVerifier` (5-minute tolerance).
    pub fn starting_at(mut self, unix_ms: f64) -> Scenario {
        // `as` saturates (NaN → 0), and the clamp keeps the epoch one a file may hold.
        self.epoch = ((unix_ms / 1000.0) as u64).min(MAX_EPOCH_UNIX_SECS);
        self
    }

    /// What the customer's app answers at `url`. URLs are compared exactly, query string included.
    pub fn respond(&self, url: &str) -> AppAnswer<'_> {
        respond(&self.app, url)
    }

    /// The phone's settings; a phone without an entry answers at once and is silent.
    pub fn phone(&self, number: &str) -> Phone {
        self.phones.get(number).cloned().unwrap_or_default()
    }
}

/// What an app (the scenario's `app`, or the app as `set` steps have changed it) answers at `url`.
pub fn respond<'a>(app: &'a BTreeMap<String, AppResponse>, url: &str) -> AppAnswer<'a> {
    match app.get(url) {
        Some(AppResponse::Percl { percl, delay_ms }) => AppAnswer::Percl {
            percl,
            delay_ms: *delay_ms,
        },
        Some(AppResponse::Fault(fault)) => AppAnswer::Fault(fault),
        None => AppAnswer::NotFound,
    }
}

/// One timed input.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Virtual time in ms since the start (`at`).
    pub at: u64,
    /// What happens.
    pub action: Action,
    /// Where the step is in the scenario file (`/steps/3`), for the engine's log.
    pub pointer: String,
}

/// What a step does. Each step object has `at` and exactly one of these keys.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// An outside phone calls one of the account's numbers (`dial`: `{from, to}`).
    Dial {
        /// The calling phone.
        from: String,
        /// The account's number it calls.
        to: String,
    },
    /// A REST request to the simulated API (`api`: `{method, path, query?, body?}`).
    Api(ApiRequest),
    /// The phone hangs up its current call (`hangup`: `{phone}`).
    Hangup {
        /// The phone.
        phone: String,
    },
    /// The phone presses keys on its current call (`digits`: `{phone, digits}`).
    Digits {
        /// The phone.
        phone: String,
        /// 0-9, `*`, `#`, in order.
        digits: String,
    },
    /// The phone answers its ringing call (`answer`: `{phone}`), for phones whose `answer` is `"manual"`.
    Answer {
        /// The phone.
        phone: String,
    },
    /// The phone says a phrase (`say`: `{phone, text}`): the next GetSpeech/TranscribeUtterance on its call
    /// recognises it (it replaces the phone's `says`).
    Say {
        /// The phone.
        phone: String,
        /// The phrase.
        text: String,
    },
    /// The world changes from the step's time on (`set`: `{app?, numbers?, phones?, account?}`).
    Set(WorldChange),
}

/// A change to the world at one time (a `set` step): each entry replaces that URL's, number's or phone's whole
/// definition from then on (`Some`), or removes it (`None`, written `null`). Calls already up keep going; what
/// changed applies to what happens next (a webhook sent, a call placed, a call answered).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorldChange {
    /// The account's type and verified numbers (`account`); the account's identity cannot change.
    pub account: Option<AccountChange>,
    /// Numbers added, replaced (`Some`) or removed (`None`) (`numbers`).
    pub numbers: BTreeMap<String, Option<Number>>,
    /// Phones replaced (`Some`) or back to the default (`None`: answers at once, silent) (`phones`).
    pub phones: BTreeMap<String, Option<Phone>>,
    /// App URLs replaced (`Some`) or removed (`None`: the URL answers 404) (`app`).
    pub app: BTreeMap<String, Option<AppResponse>>,
}

impl WorldChange {
    /// Whether the change changes nothing (a `set` must hold at least one section).
    pub fn is_empty(&self) -> bool {
        self.account.is_none()
            && self.numbers.is_empty()
            && self.phones.is_empty()
            && self.app.is_empty()
    }

    /// Points each PerCL response at its place under the step at `step_pointer` (`/steps/4/set/app/URL`, or
    /// `…/percl` for the object form), as the reader would: a step written into a session moves (its index
    /// changes), and its PerCL pointers, which reach the log in messages, must be those of the exported file.
    pub fn rebase_pointers(&mut self, step_pointer: &str) {
        use crate::percl::diagnostic::{PathSeg, pointer};
        for (url, response) in &mut self.app {
            if let Some(AppResponse::Percl { percl, .. }) = response {
                let object_form = percl.pointer.ends_with("/percl");
                let mut p = format!(
                    "{step_pointer}{}",
                    pointer([PathSeg::Key("set"), PathSeg::Key("app"), PathSeg::Key(url)])
                );
                if object_form {
                    p.push_str("/percl");
                }
                percl.pointer = p;
            }
        }
    }
}

/// What a `set` step changes in the account: only its type and verified numbers (its id, API key and signing
/// secret identify it, so they are the world's, not a session's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountChange {
    /// The new type (`type`), if it changes.
    pub kind: Option<AccountType>,
    /// The new list of verified numbers (`verifiedNumbers`), replacing the old one, if it changes.
    pub verified_numbers: Option<Vec<String>>,
}

/// A REST request. `path` and the strings in `body` may hold `{{conference:ALIAS}}` / `{{call:PHONE}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiRequest {
    /// The HTTP method.
    pub method: Method,
    /// Relative to `/Accounts/{accountId}`; starts with `/` (may be just `/` for the account itself). May
    /// carry its own `?query`.
    pub path: String,
    /// Query parameters, in file order (values written as JSON strings, numbers or booleans, kept as text).
    pub query: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<serde_json::Value>,
}

/// The HTTP methods FreeClimb's REST API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// DELETE
    Delete,
}

impl Method {
    /// Every method, as written in a scenario.
    pub const ALL: [Method; 3] = [Method::Get, Method::Post, Method::Delete];

    /// `GET`, `POST` or `DELETE`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}
