//! The simulated FreeClimb: calls, PerCL execution, webhooks, the REST API and conferences on a virtual clock,
//! in one deterministic, sans-IO value.
//!
//! # Shape (str0m / quinn-proto)
//! [`Engine::handle_input`] takes an [`Input`] that carries its virtual time in ms. The caller then drains
//! [`Engine::poll_output`] until it returns `None`, performs the outputs (sends the webhooks, delivers the API
//! responses, plays the media) and asks [`Engine::poll_timeout`] when the engine next needs to be woken with
//! [`Input::Timeout`]. The engine never reads a clock, never does I/O and never draws global randomness: ids
//! come from [`IdGenerator`] seeded by the scenario seed, and unix time (signatures, dates) is
//! [`Config::epoch_unix_secs`] plus the virtual time. The same inputs therefore give the same outputs, natively
//! and in the browser.
//!
//! # Modules
//! * [`call`]: calls and the call status table; [`media`]: what is heard; [`hooks`]: webhook bodies and
//!   signatures; `exec`: PerCL execution; `confs`: the glue to [`crate::conference`]; [`runner`]: the scenario
//!   runner and its event log ([`log`]).
//!
//! # Sandbox choices (where the reference is silent)
//! * Webhooks take no virtual time: a response arrives when the driver delivers it. FreeClimb gives up after
//!   [`Config::webhook_timeout_ms`] (10 s); a response that arrives later is ignored (and noted).
//! * A conference recording's `conferenceRecordingStatus` follows [`RECORDING_PROCESSING_MS`] after it stops.
//! * Digits pressed while a call is neither collecting digits nor in a conference are dropped (noted).
//! * A call still bridged in a conference when a `callControl` script runs out stays bridged.
//! * `AddToConference` that the conference refuses (unknown, terminated, the call already in one) ends the call
//!   with `perclProcessingError`; the note gives the state machine's reason.
//! * An unanswered call ends `busy`/`noAnswer`/`canceled`/`failed` by its reason, an answered one `completed`
//!   ([`call::final_status`]).
//! * Safety valves: more than [`MAX_FETCHES_PER_INSTANT`] PerCL fetches for one call at one instant end it with
//!   `perclProcessingError` (an app that loops without taking time); so does an `OutDial` past
//!   [`MAX_CALLS_PER_INSTANT`] calls, or a fetch past [`MAX_WEBHOOKS_PER_INSTANT`] webhooks, at one instant (a
//!   notification past it is not sent); the runner stops at its horizon without `until`, or at its log budgets
//!   ([`runner::MAX_LOG_LINES`], [`runner::MAX_LOG_BYTES`]). Each says so in a note.
//! * Time is checked: a time past `u64::MAX` is never reached (a timer `2^64-1` ms away is never armed).
//! * Simulated simply (each noted in the event log): GetSpeech and TranscribeUtterance listen for the phrase the
//!   phone "says" (`says`, or a `say` step) and recognise it once spoken, or report no input after the no-input
//!   timeout; RecordUtterance records until the finish key, silence or `maxLengthSec`; Enqueue is dequeued at
//!   once; Dequeue, Park and Unpark only note; Sms is not delivered; AudioStream hands the call straight back
//!   (to `actionUrl`, or hangs up without one). `docs/event-log.md` has the full list.
//!
//! # Performance
//! `conflab bench engine` measures the engine (numbers and profile in `docs/event-log.md`, "Performance"). The hot
//! path keeps to a few rules: calls are `usize` handles into `calls`, and each call carries a copy of its
//! conference id, so no map is searched to find either; ids are looked up only at the edges (REST paths, phones,
//! PerCL conference ids) in hash maps that are never iterated (`lookup`), so no hash order reaches an output;
//! webhook bodies are written as bytes from the typed payload and parsed into a JSON value only when the event log
//! reads them; the HMAC is keyed once per engine ([`crate::webhook::Signer`]); the large call activities are
//! boxed so that the state of every call (the engine keeps them all) stays small. What remains is mostly the
//! strings every output owns (ids, URLs, the member list of each bridge change) and the hash of each webhook.

pub mod activity;
pub mod api;
pub mod call;
mod confs;
mod exec;
pub mod hooks;
pub mod log;
pub mod media;
pub mod runner;

pub use runner::{Progress, Run, run_scenario, run_scenario_inspect};

use crate::conference::Conferences;
use crate::ids::{IdGenerator, IdKind};
use crate::percl::model::{Command, GetDigits};
use crate::wire::{AccountType, CallStatus, RequestType};
use call::Call;
use media::MediaChange;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

/// Unix time (seconds) of virtual time 0 unless a config says otherwise: 2026-01-01T00:00:00Z. Fixed so that
/// signatures and dates in golden logs never change.
pub const DEFAULT_EPOCH_UNIX_SECS: u64 = 1_767_225_600;
/// How long FreeClimb waits for a webhook response (reference, Decisions table).
pub const WEBHOOK_TIMEOUT_MS: u64 = 10_000;
/// How long after a conference recording stops its `conferenceRecordingStatus` is sent ("once processed").
pub const RECORDING_PROCESSING_MS: u64 = 1000;
/// At most this many Redirects per call (reference §3.2).
pub const MAX_REDIRECTS: u32 = 256;
/// At most this many PerCL fetches for one call at one virtual instant (sandbox choice): an app whose answers
/// loop without taking time (CreateConference → CreateConference, Enqueue → Enqueue, …) would otherwise never
/// let the clock move. The call then ends with `perclProcessingError`.
pub const MAX_FETCHES_PER_INSTANT: u32 = 1000;
/// At most this many calls created at one virtual instant (sandbox choice): an `OutDial` whose `callConnectUrl`
/// answers with the same `OutDial` would otherwise create calls forever without the clock moving. The call
/// whose `OutDial` would pass it ends with `perclProcessingError` (the failure FreeClimb gives a PerCL command it
/// cannot carry out), with a note.
pub const MAX_CALLS_PER_INSTANT: u32 = 1000;
/// At most this many webhooks sent at one virtual instant, all calls together (sandbox choice). A PerCL fetch past
/// it ends its call with `perclProcessingError`; a notification past it is not sent; each with a note.
pub const MAX_WEBHOOKS_PER_INSTANT: u32 = 10_000;

/// The runaway budgets per virtual instant an engine enforces: [`MAX_CALLS_PER_INSTANT`] and
/// [`MAX_WEBHOOKS_PER_INSTANT`] by default (every scenario run, the sandbox). A driver whose own app is known not
/// to loop (`conflab bench engine`, whose in-process app answers a million calls at one instant) may lift them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budgets {
    /// Calls an `OutDial` may create at one instant, all calls together.
    pub calls_per_instant: u32,
    /// Webhooks sent at one instant, all calls together.
    pub webhooks_per_instant: u32,
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            calls_per_instant: MAX_CALLS_PER_INSTANT,
            webhooks_per_instant: MAX_WEBHOOKS_PER_INSTANT,
        }
    }
}

impl Budgets {
    /// No budget: for drivers whose app cannot loop.
    pub const UNLIMITED: Budgets = Budgets {
        calls_per_instant: u32::MAX,
        webhooks_per_instant: u32::MAX,
    };
}

/// What the engine did at one virtual instant, counted against [`MAX_CALLS_PER_INSTANT`] and
/// [`MAX_WEBHOOKS_PER_INSTANT`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct InstantBudget {
    /// The instant counted.
    pub at: u64,
    /// Calls created at it.
    pub calls: u32,
    /// Webhooks sent at it.
    pub webhooks: u32,
}

/// The account the engine simulates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// `AC` + 40 hex.
    pub account_id: String,
    /// The REST API password.
    pub api_key: String,
    /// The `FreeClimb-Signature` key.
    pub signing_secret: String,
    /// Trial or full.
    pub kind: AccountType,
    /// Numbers a trial account may call.
    pub verified_numbers: Vec<String>,
}

/// One of the account's numbers, with the application it points at resolved: FreeClimb numbers point at an
/// Application, which holds the URLs (spec `IncomingNumberResult.applicationId`, `ApplicationResult`). A
/// scenario number either names one of the scenario's `applications` or writes the URLs on itself, a shorthand
/// for an application of its own ([`own_application_id`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NumberConfig {
    /// `inboundCall` goes here (the application's `voiceUrl`).
    pub voice_url: Option<String>,
    /// `callStatus` of calls on this number (the application's `statusCallbackUrl`).
    pub status_callback_url: Option<String>,
    /// `outDialApiConnect` of REST calls made from this number (the application's `callConnectUrl`).
    pub call_connect_url: Option<String>,
    /// The application it points at: a named one, or its own.
    pub application_id: String,
    /// Whether the application is the number's own (its URLs written on the number), not a named one.
    pub own_application: bool,
    /// The application's URLs. Shared: a dial-in copies its number's config, and the application's seven
    /// fields need not be copied with it.
    pub application: std::sync::Arc<crate::scenario::Application>,
    /// The number's alias.
    pub alias: Option<String>,
}

impl NumberConfig {
    /// Number `number` as the scenario defines it, its application looked up in `applications` (a name the
    /// scenario does not define leaves it without URLs; the reader refuses that, so only code can build it).
    pub fn resolve(
        seed: u64,
        number: &str,
        n: &crate::scenario::Number,
        applications: &BTreeMap<String, crate::scenario::Application>,
    ) -> Self {
        let (application_id, application) = match (&n.application_id, n.own_application()) {
            (Some(id), _) => (
                id.clone(),
                applications.get(id).cloned().unwrap_or_default(),
            ),
            (None, own) => (own_application_id(seed, number), own.unwrap_or_default()),
        };
        NumberConfig {
            voice_url: application.voice_url.clone(),
            status_callback_url: application.status_callback_url.clone(),
            call_connect_url: application.call_connect_url.clone(),
            own_application: n.application_id.is_none(),
            application_id,
            application: std::sync::Arc::new(application),
            alias: n.alias.clone(),
        }
    }
}

/// The `AP…` id of the application a number's own URLs make. Drawn from the seed and the number alone (FNV-1a
/// of the number mixed into the seed), not from the engine's generator, so that giving numbers applications
/// moved no other id, and a number removed and added again by `set` steps keeps its application's id.
pub fn own_application_id(seed: u64, number: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in number.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    IdGenerator::new(seed ^ hash).next(IdKind::Application)
}

/// How an outside phone answers.
pub use crate::scenario::Answer;

/// An outside phone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PhoneConfig {
    /// How it answers.
    pub answer: Answer,
    /// The audio it sends, passed through untouched for the audio layer (the engine does not interpret it).
    pub media: crate::scenario::Media,
    /// What GetSpeech/TranscribeUtterance recognise from it.
    pub says: Option<String>,
    /// Hang up this long after answering.
    pub hangup_after_ms: Option<u64>,
}

impl From<&crate::scenario::Phone> for PhoneConfig {
    fn from(p: &crate::scenario::Phone) -> Self {
        PhoneConfig {
            answer: p.answer,
            media: p.media.clone(),
            says: p.says.clone(),
            hangup_after_ms: p.hangup_after_ms,
        }
    }
}

/// Everything the engine is created with.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Seed of every id.
    pub seed: u64,
    /// Unix seconds at virtual time 0 (default [`DEFAULT_EPOCH_UNIX_SECS`]).
    pub epoch_unix_secs: u64,
    /// The account; `None` fields of the scenario are drawn from the seed by [`Config::from_scenario`].
    pub account: Account,
    /// The account's named applications, by id (the scenario's `applications`).
    pub applications: BTreeMap<String, crate::scenario::Application>,
    /// The account's numbers.
    pub numbers: BTreeMap<String, NumberConfig>,
    /// Phones that do something other than answer at once.
    pub phones: BTreeMap<String, PhoneConfig>,
    /// How long a webhook may take.
    pub webhook_timeout_ms: u64,
    /// The runaway budgets per virtual instant.
    pub budgets: Budgets,
}

impl Config {
    /// The engine config for a scenario, and the id generator to continue with (the account id and API key, when
    /// the scenario gives none, are the first things drawn from the seed).
    pub fn from_scenario(s: &crate::scenario::Scenario) -> (Config, IdGenerator) {
        let mut ids = IdGenerator::new(s.seed);
        let account_id = s
            .account
            .account_id
            .clone()
            .unwrap_or_else(|| ids.next(IdKind::Account));
        let api_key = s.account.api_key.clone().unwrap_or_else(|| {
            // An API key is 40 hex characters; reuse the id generator and drop the prefix.
            ids.next(IdKind::Account)[2..].to_owned()
        });
        let config = Config {
            seed: s.seed,
            epoch_unix_secs: s.epoch,
            applications: s.applications.clone(),
            account: Account {
                account_id,
                api_key,
                signing_secret: s.account.signing_secret.clone(),
                kind: s.account.kind,
                verified_numbers: s.account.verified_numbers.clone(),
            },
            // extend, not collect: collecting into a BTreeMap compiles another copy of the stable sort (wasm size).
            numbers: {
                let mut numbers = BTreeMap::new();
                numbers.extend(s.numbers.iter().map(|(n, c)| {
                    (
                        n.clone(),
                        NumberConfig::resolve(s.seed, n, c, &s.applications),
                    )
                }));
                numbers
            },
            phones: {
                let mut phones = BTreeMap::new();
                phones.extend(
                    s.phones
                        .iter()
                        .map(|(n, p)| (n.clone(), PhoneConfig::from(p))),
                );
                phones
            },
            webhook_timeout_ms: WEBHOOK_TIMEOUT_MS,
            budgets: Budgets::default(),
        };
        (config, ids)
    }
}

/// A REST request as it reaches the engine (the REST module's type).
pub use crate::api::HttpRequest;

/// How a webhook ended, from the driver's side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebhookResult {
    /// An HTTP response arrived.
    Response {
        /// HTTP status.
        status: u16,
        /// The raw body.
        body: String,
    },
    /// The request failed (connection refused, DNS, ...).
    Failed {
        /// Why, for the log.
        reason: String,
    },
    /// The driver could not make the app's PerCL answer (a scenario template that does not resolve): a call that
    /// waits for it ends `appInvalidPercl`, as for invalid PerCL, with `reason` in the note (not a made-up body).
    Invalid {
        /// Why, for the log.
        reason: String,
    },
}

/// Something that happens to the engine, at virtual time `at` (ms). Times must not go backwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A REST request; the response comes out as [`Output::ApiResponse`] with the same `id`.
    Api {
        /// When.
        at: u64,
        /// The driver's id for the request.
        id: u64,
        /// The request.
        request: HttpRequest,
    },
    /// An outside phone dials a number.
    Dial {
        /// When.
        at: u64,
        /// The calling phone.
        from: String,
        /// The number it dials.
        to: String,
    },
    /// A phone answers its ringing call (phones whose answer is `manual`).
    Answer {
        /// When.
        at: u64,
        /// The phone.
        phone: String,
    },
    /// A phone hangs up its current call.
    Hangup {
        /// When.
        at: u64,
        /// The phone.
        phone: String,
    },
    /// A phone presses keys on its current call.
    Digits {
        /// When.
        at: u64,
        /// The phone.
        phone: String,
        /// The keys.
        digits: String,
    },
    /// A phone says a phrase (recognised by the next GetSpeech/TranscribeUtterance on its call).
    Say {
        /// When.
        at: u64,
        /// The phone.
        phone: String,
        /// The phrase.
        text: String,
    },
    /// The response to webhook `id` (or its failure).
    WebhookResponse {
        /// When.
        at: u64,
        /// The webhook's id from [`WebhookRequest::id`].
        id: u64,
        /// What came back.
        result: WebhookResult,
    },
    /// The world changes (a `set` step): numbers, phones and the account's type and verified numbers, from `at`
    /// on. Calls already up keep going; the change applies to what happens next. The `app` part is the driver's
    /// (the engine never sees the app's answers before they arrive), so the engine ignores it.
    Configure {
        /// When.
        at: u64,
        /// What changes.
        change: Box<crate::scenario::WorldChange>,
    },
    /// Time passed; the engine acts on every timer due at `at` or earlier.
    Timeout(u64),
}

impl Input {
    /// The virtual time the input carries.
    pub fn at(&self) -> u64 {
        match self {
            Input::Api { at, .. }
            | Input::Dial { at, .. }
            | Input::Answer { at, .. }
            | Input::Hangup { at, .. }
            | Input::Digits { at, .. }
            | Input::Say { at, .. }
            | Input::Configure { at, .. }
            | Input::WebhookResponse { at, .. } => *at,
            Input::Timeout(at) => *at,
        }
    }
}

/// A webhook the driver must send (HTTP POST, JSON).
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookRequest {
    /// Answer with [`Input::WebhookResponse`] carrying this id.
    pub id: u64,
    /// Where to POST.
    pub url: String,
    /// Headers, `FreeClimb-Signature` included, in order.
    pub headers: Vec<(String, String)>,
    /// The exact bytes of the body.
    pub raw_body: String,
    /// The body as JSON (the same content), parsed from `raw_body` when first read.
    pub body: crate::webhook::JsonBody,
    /// Its `requestType`.
    pub request_type: RequestType,
    /// Whether the response is read as PerCL (otherwise it is ignored).
    pub expects_percl: bool,
}

/// A GET FreeClimb makes for audio (not a webhook: no body, no signature, and no PerCL comes back): today the
/// conference's `waitUrl`, fetched once when the conference is created. Answer it with
/// [`Input::WebhookResponse`] carrying this id (a non-2xx status or a failure is the fetch failing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchRequest {
    /// Answer with [`Input::WebhookResponse`] carrying this id.
    pub id: u64,
    /// Where to GET.
    pub url: String,
    /// Why: `waitUrl`.
    pub purpose: &'static str,
    /// The conference it is for.
    pub conference_id: String,
}

/// The engine's answer to a REST request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiReply {
    /// The request's id.
    pub id: u64,
    /// HTTP status.
    pub status: u16,
    /// The JSON body; `None` for 204.
    pub body: Option<String>,
}

/// Something for the UI and the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A conference changed status.
    Conference {
        /// `CF…`.
        conference_id: String,
        /// The new status.
        status: crate::conference::ConferenceStatus,
        /// Why, for people (from the transition table).
        why: String,
        /// Set when the behaviour is conflab's choice.
        sandbox_choice: Option<&'static str>,
    },
    /// A call changed status.
    Call {
        /// `CA…`.
        call_id: String,
        /// The new status.
        status: CallStatus,
        /// Why it ended, when it did.
        reason: Option<crate::wire::CallEndedReason>,
    },
    /// Something worth knowing that changes no status (a simulated command, an ignored response, ...).
    Note {
        /// The conference concerned, if any.
        conference_id: Option<String>,
        /// The call concerned, if any.
        call_id: Option<String>,
        /// What happened.
        text: String,
    },
}

/// What the engine wants done.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Send this webhook.
    Webhook(WebhookRequest),
    /// Make this GET for audio (a conference's `waitUrl`).
    Fetch(FetchRequest),
    /// Answer this REST request.
    ApiResponse(ApiReply),
    /// The audio picture changed (at the current virtual time).
    Media(MediaChange),
    /// Tell the UI / log.
    Event(Event),
}

/// What a call is doing now.
#[derive(Clone, Debug)]
pub(crate) enum Activity {
    /// Nothing runs (ringing outbound, waiting for the far end).
    Idle,
    /// Waiting for the PerCL response of webhook `id`.
    AwaitingPercl { webhook: u64 },
    /// Running a script; `waiting` is set while a timed command (Say, Play, Pause) plays.
    Script {
        commands: VecDeque<Command>,
        ran_any: bool,
    },
    /// Collecting digits. The larger activities are boxed so that every call's state stays small: a call
    /// spends most of its life idle or bridged, and the engine holds every call.
    Digits(Box<DigitState>),
    /// Playing the prompts of GetSpeech / TranscribeUtterance.
    Prompts(Box<exec::PromptState>),
    /// Recording an utterance until `until`.
    Recording {
        cmd: Box<crate::percl::model::RecordUtterance>,
        started: u64,
        recording_id: String,
    },
    /// Bridged in a conference; no PerCL runs until it leaves or callControl fires.
    InConference,
    /// Parked or otherwise held until hangup.
    Held,
}

/// GetDigits in progress.
#[derive(Clone, Debug)]
pub(crate) struct DigitState {
    pub cmd: GetDigits,
    pub prompts: VecDeque<Command>,
    pub digits: String,
    /// A prompt is playing (a digit interrupts it).
    pub prompting: bool,
}

/// A conference leg's AddToConference settings that matter after the join.
#[derive(Clone, Debug, Default)]
pub(crate) struct Leg {
    pub leave_conference_url: Option<String>,
    pub call_control: Option<(String, String)>,
    pub dtmf_buffer: String,
    /// When it joined, last changed, and its REST revision.
    pub joined_at: u64,
    pub updated_at: u64,
    pub revision: u64,
    /// Whether this join started the conference (made it `inProgress`): REST's `startConfOnEnter`.
    pub started_conference: bool,
}

/// Per-call engine state next to the call itself.
#[derive(Clone, Debug)]
pub(crate) struct CallState {
    pub call: Call,
    pub activity: Activity,
    /// Bumped whenever the activity changes, so that stale timers are ignored.
    pub epoch: u64,
    pub leg: Option<Leg>,
    pub says: Option<String>,
    /// The conference the call is in: a copy of what the registry knows, kept in step at every join and leave
    /// (the property tests check that it agrees), so that hot paths need no map lookup.
    pub conference: Option<String>,
    /// PerCL fetches at one virtual instant: (time, count), to stop loops that take no time.
    pub burst: (u64, u32),
}

/// What the engine does with a webhook's response.
#[derive(Clone, Debug)]
pub(crate) enum Purpose {
    /// Nothing: a notification.
    Notify,
    /// The response is the PerCL that continues call `call` (if it still waits for webhook `id`).
    Percl { call: usize },
    /// The response is conference `conference_id`'s hold music (a GET of its `waitUrl`).
    WaitUrl { conference_id: String },
}

/// A webhook sent and not yet answered.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub purpose: Purpose,
    pub url: String,
}

/// Timers. Ordered so that the heap is deterministic: (time, sequence number) decides, never the kind.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Timer {
    /// Continue call `call`'s activity if it is still at generation `epoch`.
    Resume { call: usize, epoch: u64 },
    /// The far end of outbound call `call` answers / fails / times out.
    Ring { call: usize, epoch: u64 },
    /// A ringing call times out.
    RingTimeout { call: usize, epoch: u64 },
    /// The phone on call `call` hangs up (hangupAfterMs).
    PhoneHangup { call: usize },
    /// Webhook `id` timed out.
    WebhookTimeout { id: u64 },
    /// Conference recording `recording` is processed.
    RecordingReady { recording: usize },
}

/// Per-conference data the state machine does not hold.
#[derive(Clone, Debug, Default)]
pub(crate) struct ConfMeta {
    /// Where the conference is in the registry's creation-ordered list, so that reading it needs no ordered-map
    /// lookup by id ([`Engine::conference`]).
    pub index: usize,
    /// The current alias and playBeep (REST may change them after creation).
    pub alias: Option<String>,
    pub play_beep: crate::conference::PlayBeep,
    pub action_url: Option<String>,
    pub created_at: u64,
    pub updated_at: u64,
    pub revision: u64,
    /// The recording running now.
    pub recording: Option<usize>,
    pub wait_music_on: bool,
    /// The GET of its `waitUrl` failed, so the default hold music plays instead.
    pub wait_url_failed: bool,
}

/// A recording (conference mix, StartRecordCall or RecordUtterance).
#[derive(Clone, Debug)]
pub struct Recording {
    /// `RE…`.
    pub id: String,
    /// The call recorded, if a call recording.
    pub call_id: Option<String>,
    /// The conference recorded, if a conference recording.
    pub conference_id: Option<String>,
    /// When it started.
    pub started_at: u64,
    /// When it stopped (None while running).
    pub stopped_at: Option<u64>,
    /// Deleted by REST.
    pub deleted: bool,
}

impl Recording {
    /// Whole seconds, rounded up (a 1 ms recording lasts 1 s).
    pub fn duration_sec(&self) -> u64 {
        self.stopped_at
            .map_or(0, |end| end.saturating_sub(self.started_at).div_ceil(1000))
    }
}

/// The simulated FreeClimb.
#[derive(Debug)]
pub struct Engine {
    pub(crate) config: Config,
    pub(crate) now: u64,
    pub(crate) ids: IdGenerator,
    pub(crate) conferences: Conferences,
    pub(crate) conf_meta: crate::lookup::Lookup<String, ConfMeta>,
    pub(crate) calls: Vec<CallState>,
    pub(crate) call_index: crate::lookup::Lookup<String, usize>,
    /// Each phone's calls, oldest first.
    pub(crate) phone_calls: crate::lookup::Lookup<String, Vec<usize>>,
    pub(crate) timers: BinaryHeap<Reverse<(u64, u64, Timer)>>,
    pub(crate) timer_seq: u64,
    /// Webhook timeouts `(at, seq, webhook id)`. Every webhook times out `webhook_timeout_ms` after it is sent and
    /// time never goes back, so they come in order: a queue, not the heap. Its front is always a webhook still
    /// pending (answered ones are dropped from the front as they are answered).
    pub(crate) deadlines: VecDeque<(u64, u64, u64)>,
    pub(crate) pending: BTreeMap<u64, Pending>,
    pub(crate) next_webhook: u64,
    pub(crate) outputs: VecDeque<Output>,
    pub(crate) recordings: Vec<Recording>,
    /// The phone number ids (`PN…`) of the account's numbers.
    pub(crate) number_ids: BTreeMap<String, String>,
    /// REST calls to dial once the `POST /Calls` response is out.
    pub(crate) after_response: Vec<usize>,
    /// Signs webhooks with the account's signing secret (keyed once).
    pub(crate) signer: crate::webhook::Signer,
    /// Calls and webhooks at the current instant (the runaway budgets).
    pub(crate) instant: InstantBudget,
}

impl Engine {
    /// A new engine; ids are drawn from `config.seed`.
    pub fn new(config: Config) -> Engine {
        let ids = IdGenerator::new(config.seed);
        Engine::with_ids(config, ids)
    }

    /// A new engine that continues drawing ids from `ids` (see [`Config::from_scenario`]).
    pub fn with_ids(config: Config, mut ids: IdGenerator) -> Engine {
        let number_ids = config
            .numbers
            .keys()
            .map(|n| (n.clone(), ids.next(IdKind::PhoneNumber)))
            .collect();
        let signer = crate::webhook::Signer::new(&config.account.signing_secret);
        Engine {
            config,
            now: 0,
            ids,
            conferences: Conferences::new(),
            conf_meta: crate::lookup::Lookup::default(),
            calls: Vec::new(),
            call_index: crate::lookup::Lookup::default(),
            phone_calls: crate::lookup::Lookup::default(),
            timers: BinaryHeap::new(),
            timer_seq: 0,
            deadlines: VecDeque::new(),
            pending: BTreeMap::new(),
            next_webhook: 0,
            outputs: VecDeque::new(),
            recordings: Vec::new(),
            number_ids,
            after_response: Vec::new(),
            signer,
            instant: InstantBudget::default(),
        }
    }

    /// Conference `id`, read through its registry position (one hash lookup instead of an ordered-map search by
    /// id; the id is checked, so a wrong position can only miss, never return another conference).
    pub(crate) fn conference(&self, id: &str) -> Option<&crate::conference::Conference> {
        // `nth` on the registry's slice iterator is O(1).
        self.conf_meta
            .get(id)
            .and_then(|meta| self.conferences.iter().nth(meta.index))
            .filter(|c| c.id() == id)
            .or_else(|| self.conferences.get(id).ok())
    }

    /// The config.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The `PN…` id of each of the account's numbers (every number ever configured, by number).
    pub fn phone_number_ids(&self) -> &BTreeMap<String, String> {
        &self.number_ids
    }

    /// The current virtual time.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The conferences (read-only).
    pub fn conferences(&self) -> &Conferences {
        &self.conferences
    }

    /// Every call, in creation order.
    pub fn calls(&self) -> impl Iterator<Item = &Call> {
        self.calls.iter().map(|c| &c.call)
    }

    /// Every recording, in creation order.
    pub fn recordings(&self) -> &[Recording] {
        &self.recordings
    }

    /// The conference call `call_id` is in, as the engine tracks it (always what [`Conferences::conference_of`]
    /// says).
    pub fn conference_of_call(&self, call_id: &str) -> Option<&str> {
        let &ix = self.call_index.get(call_id)?;
        self.calls[ix].conference.as_deref()
    }

    /// The recording running now in conference `id`, if any.
    pub fn conference_recording(&self, id: &str) -> Option<&Recording> {
        let rec = self.conf_meta.get(id)?.recording?;
        self.recordings.get(rec)
    }

    /// Conference `id`'s current alias (REST may change it after creation).
    pub fn conference_alias(&self, id: &str) -> Option<&str> {
        self.conf_meta.get(id)?.alias.as_deref()
    }

    /// Call `id`.
    pub fn call(&self, id: &str) -> Option<&Call> {
        let &ix = self.call_index.get(id)?;
        self.calls.get(ix).map(|c| &c.call)
    }

    /// The id of the most recent conference with this alias.
    pub fn conference_by_alias(&self, alias: &str) -> Option<String> {
        self.conferences
            .iter()
            .rev()
            .find(|c| {
                self.conf_meta
                    .get(c.id())
                    .is_some_and(|m| m.alias.as_deref() == Some(alias))
            })
            .map(|c| c.id().to_owned())
    }

    /// The id of the phone's current call: the most recent one that has not ended.
    pub fn current_call_of(&self, phone: &str) -> Option<String> {
        self.current_call_ix(phone)
            .map(|i| self.calls[i].call.id.clone())
    }

    pub(crate) fn current_call_ix(&self, phone: &str) -> Option<usize> {
        self.phone_calls
            .get(phone)?
            .iter()
            .rev()
            .copied()
            .find(|&i| !self.calls[i].call.is_over())
    }

    /// Whether webhooks are still unanswered.
    pub fn has_pending_webhooks(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Feeds one input. Drain [`Engine::poll_output`] afterwards.
    pub fn handle_input(&mut self, input: Input) {
        let at = input.at();
        // Time never goes backwards; an earlier time is treated as now.
        self.now = self.now.max(at);
        match input {
            Input::Timeout(_) => self.fire_timers(),
            Input::Api { id, request, .. } => {
                let before = self.outputs.len();
                let response = self.handle_api(&request);
                let reply = ApiReply {
                    id,
                    status: response.status,
                    body: response.body.map(|b| b.to_string()),
                };
                // What the request caused (status callbacks, hangups) comes after its response (reference §6.1).
                self.outputs.insert(before, Output::ApiResponse(reply));
                for ix in std::mem::take(&mut self.after_response) {
                    self.dial_out(ix);
                }
            }
            Input::Dial { from, to, .. } => self.dial_in(from, to),
            Input::Answer { phone, .. } => self.phone_answers(&phone),
            Input::Hangup { phone, .. } => match self.current_call_ix(&phone) {
                Some(ix) => self.end_call(ix, crate::wire::CallEndedReason::FarEndHangup),
                None => self.note(None, format!("{phone} hung up, but it has no call")),
            },
            Input::Digits { phone, digits, .. } => match self.current_call_ix(&phone) {
                Some(ix) => {
                    for d in digits.chars() {
                        if self.calls[ix].call.is_over() {
                            break;
                        }
                        // Only DTMF keys exist on a phone; anything else is dropped with a word.
                        if d.is_ascii_digit() || d == '*' || d == '#' {
                            self.digit(ix, d);
                        } else {
                            self.note(
                                Some(ix),
                                format!("{d:?} is not a DTMF key (0-9, *, #); ignored"),
                            );
                        }
                    }
                }
                None => self.note(
                    None,
                    format!("{phone} pressed {digits}, but it has no call"),
                ),
            },
            Input::Say { phone, text, .. } => match self.current_call_ix(&phone) {
                Some(ix) => self.phone_says(ix, text),
                None => self.note(None, format!("{phone} said \"{text}\", but it has no call")),
            },
            Input::WebhookResponse { id, result, .. } => self.webhook_response(id, result),
            Input::Configure { change, .. } => self.configure(*change),
        }
    }

    /// Applies a change of the world (see [`Input::Configure`]). A number configured for the first time gets its
    /// `PN…` id from the id generator now, in number order, so a replay draws the same ids; a number removed and
    /// added again keeps its first id. A removed number is no longer the account's: a dial to it does nothing,
    /// as to any number the account does not own.
    fn configure(&mut self, change: crate::scenario::WorldChange) {
        if let Some(account) = change.account {
            if let Some(kind) = account.kind {
                self.config.account.kind = kind;
            }
            if let Some(verified) = account.verified_numbers {
                self.config.account.verified_numbers = verified;
            }
        }
        for (number, entry) in change.numbers {
            match entry {
                Some(n) => {
                    if !self.number_ids.contains_key(&number) {
                        let id = self.ids.next(IdKind::PhoneNumber);
                        self.number_ids.insert(number.clone(), id);
                    }
                    let config = NumberConfig::resolve(
                        self.config.seed,
                        &number,
                        &n,
                        &self.config.applications,
                    );
                    self.config.numbers.insert(number, config);
                }
                None => {
                    self.config.numbers.remove(&number);
                }
            }
        }
        // A phone's settings are read when it is dialled (answer), answered (hangupAfterMs) or its call is made
        // (says), so calls already up keep what they started with.
        for (phone, entry) in change.phones {
            match entry {
                Some(p) => {
                    self.config.phones.insert(phone, PhoneConfig::from(&p));
                }
                None => {
                    self.config.phones.remove(&phone);
                }
            }
        }
    }

    /// The next output, or `None` when there is nothing more to do until the next input.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When the engine next needs [`Input::Timeout`], if ever.
    pub fn poll_timeout(&self) -> Option<u64> {
        let timer = self.timers.peek().map(|Reverse((at, _, _))| *at);
        let deadline = self.deadlines.front().map(|(at, _, _)| *at);
        timer.into_iter().chain(deadline).min()
    }

    /// Arms webhook `id`'s timeout.
    pub(crate) fn set_deadline(&mut self, id: u64) {
        self.timer_seq += 1;
        let at = self.now.saturating_add(self.config.webhook_timeout_ms);
        self.deadlines.push_back((at, self.timer_seq, id));
    }

    /// Drops answered webhooks from the front of the deadline queue.
    pub(crate) fn prune_deadlines(&mut self) {
        while let Some(&(_, _, id)) = self.deadlines.front() {
            if self.pending.contains_key(&id) {
                break;
            }
            self.deadlines.pop_front();
        }
    }

    /// Arms `timer` `ms` from now. A time past `u64::MAX` is never reached, so the timer is not armed: a
    /// `delayMs` or `hangupAfterMs` of 2^64-1 means "never", not (wrapped) "at once".
    pub(crate) fn set_timer_in(&mut self, ms: u64, timer: Timer) {
        if let Some(at) = self.now.checked_add(ms) {
            self.set_timer(at, timer);
        }
    }

    pub(crate) fn set_timer(&mut self, at: u64, timer: Timer) {
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, timer)));
    }

    /// Fires every timer and webhook timeout due now, in (time, creation) order.
    fn fire_timers(&mut self) {
        loop {
            self.prune_deadlines();
            let timer = self.timers.peek().map(|Reverse((at, seq, _))| (*at, *seq));
            let deadline = self.deadlines.front().map(|&(at, seq, _)| (at, seq));
            let deadline_first = match (timer, deadline) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(t), Some(d)) => d < t,
            };
            if deadline_first {
                let Some(&(at, _, id)) = self.deadlines.front() else {
                    break;
                };
                if at > self.now {
                    break;
                }
                self.deadlines.pop_front();
                self.fire(Timer::WebhookTimeout { id });
            } else {
                let Some(Reverse((at, _, _))) = self.timers.peek() else {
                    break;
                };
                if *at > self.now {
                    break;
                }
                let Some(Reverse((_, _, timer))) = self.timers.pop() else {
                    break;
                };
                self.fire(timer);
            }
        }
    }

    fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::Resume { call, epoch } => {
                if self.calls[call].epoch == epoch && !self.calls[call].call.is_over() {
                    self.resume(call);
                }
            }
            Timer::Ring { call, epoch } => {
                if self.calls[call].epoch == epoch && !self.calls[call].call.is_over() {
                    self.far_end_rings_out(call);
                }
            }
            Timer::RingTimeout { call, epoch } => {
                let c = &self.calls[call];
                if c.epoch == epoch && c.call.status == CallStatus::Ringing {
                    self.outbound_failed(call, crate::wire::CallEndedReason::NoAnswer);
                }
            }
            Timer::PhoneHangup { call } => {
                if !self.calls[call].call.is_over() {
                    self.end_call(call, crate::wire::CallEndedReason::FarEndHangup);
                }
            }
            Timer::WebhookTimeout { id } => {
                if let Some(p) = self.pending.remove(&id) {
                    if let Some(call) = self.waiting_call(&p, id) {
                        let text = format!(
                            "webhook to {} got no response within {} ms, so the call ends (no retry)",
                            p.url, self.config.webhook_timeout_ms
                        );
                        self.note(Some(call), text);
                    }
                    let why = format!(
                        "got no response within {} ms",
                        self.config.webhook_timeout_ms
                    );
                    self.webhook_failed(p, &why);
                }
            }
            Timer::RecordingReady { recording } => self.recording_ready(recording),
        }
    }

    pub(crate) fn note(&mut self, call: Option<usize>, text: String) {
        let call_id = call.map(|i| self.calls[i].call.id.clone());
        self.outputs.push_back(Output::Event(Event::Note {
            conference_id: None,
            call_id,
            text,
        }));
    }

    /// A note about a conference.
    pub(crate) fn note_conference(&mut self, conference_id: &str, text: String) {
        self.outputs.push_back(Output::Event(Event::Note {
            conference_id: Some(conference_id.to_owned()),
            call_id: None,
            text,
        }));
    }

    pub(crate) fn media(&mut self, change: MediaChange) {
        self.outputs.push_back(Output::Media(change));
    }

    /// Bumps a call's generation (stale timers for it stop counting) and returns the new one.
    pub(crate) fn bump(&mut self, ix: usize) -> u64 {
        self.calls[ix].epoch += 1;
        self.calls[ix].epoch
    }
}
