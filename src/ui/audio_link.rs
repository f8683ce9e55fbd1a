//! The live audio behind the page: the session's media changes go through [`Translator`] into the mixer
//! worklet ([`AudioHandle::send`]), and the worklet's meters, recordings and state come back as an
//! [`AudioView`] the components render.
//!
//! The session is the source of truth; this module only follows it. Each time the session records new media
//! changes, [`Shared::sync`] translates them (a participant's leg is created, with its [`Voice`], the first time
//! a mix names it; a leg that stops hearing because it left is removed). Audio can start late: what happened before
//! it started is replayed without its beeps and without recordings that already ended, so the mixer reaches the
//! present state silently.
//!
//! Every command is sent stamped with frame 0, "at the next block": the page clock and the worklet's frame
//! clock start at different moments, and a live conference has nothing to schedule ahead.
//!
//! `window.conflabAudio` mirrors the view for tests and curious learners (state, meters by call id, who is
//! heard, recordings).

use crate::audio::Translator;
use crate::audio::voice::talker_voice;
use crate::engine::media::{MediaChange, Sound};
use crate::scenario::Talker;
use crate::session::{Command, Session, Voice, talker_seed};
use crate::web_audio::{
    AudioEvent, AudioHandle, ContextState, Device, DeviceKind, MicError, Subscription,
};
use conflab_mixer::{Command as MixerCommand, LegId, Meter, SourceSpec};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// The seed of the translator (it seeds the procedural wait music per conference).
const MUSIC_SEED: u64 = 0x00C0_FFEE;

/// What the microphone is doing.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Mic {
    /// Not joined.
    #[default]
    Off,
    /// Waiting for the browser's permission.
    Asking,
    /// Joined as `call_id`.
    On {
        /// The learner's call.
        call_id: String,
    },
    /// The last attempt failed.
    Failed(MicError),
}

impl Mic {
    /// A short state word for the page (`data-mic` and the status line).
    pub fn word(&self) -> &'static str {
        match self {
            Mic::Off => "off",
            Mic::Asking => "asking",
            Mic::On { .. } => "on",
            Mic::Failed(MicError::Denied) => "denied",
            Mic::Failed(MicError::Unsupported) => "unsupported",
            Mic::Failed(MicError::NoDevice) => "no-device",
            Mic::Failed(MicError::Other(_)) => "error",
        }
    }
}

/// Whose ears the speakers play.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum HearAs {
    /// You when joined, otherwise the first participant of the selected conference.
    #[default]
    Auto,
    /// This call.
    Call(String),
}

/// A finished recording, offered as a `blob:` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingFile {
    /// `RE…` (or `room N` if the translator did not know it).
    pub id: String,
    /// The `blob:` URL of the WAV file.
    pub url: String,
    /// The file's size.
    pub bytes: usize,
}

/// Everything the audio components show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AudioView {
    /// The context's state; `None` until "Start audio".
    pub context: Option<ContextState>,
    /// Start-up is under way.
    pub starting: bool,
    /// The last audio error, with what to do.
    pub error: Option<String>,
    /// The microphone.
    pub mic: Mic,
    /// The latest meter of each call's voice, by call id.
    pub meters: Rc<BTreeMap<String, Meter>>,
    /// Finished recordings, oldest first.
    pub recordings: Vec<RecordingFile>,
    /// Render quanta the worklet missed.
    pub underruns: u32,
    /// The Hear-as choice.
    pub hear_as: HearAs,
    /// The conference the panel acts on (joins, Hear as).
    pub conference: Option<String>,
    /// Audio inputs and outputs the browser lists.
    pub devices: Vec<Device>,
    /// The chosen microphone (`""`: the default).
    pub input: String,
    /// The chosen output (`""`: the default).
    pub output: String,
    /// `AudioContext.setSinkId` exists.
    pub output_choice: bool,
}

impl AudioView {
    /// The state word the panel shows: `not started`, `starting`, `suspended`, `running` or `closed`.
    pub fn state_word(&self) -> &'static str {
        match (self.context, self.starting) {
            (Some(state), _) => state.name(),
            (None, true) => "starting",
            (None, false) => "not started",
        }
    }

    /// The conference the panel acts on: the chosen one while it is live, otherwise the newest live one.
    pub fn selected(&self, session: &Session) -> Option<String> {
        let live = |c: &crate::conference::Conference| {
            c.status() != crate::conference::ConferenceStatus::Terminated
        };
        let chosen = self
            .conference
            .as_deref()
            .and_then(|id| session.conferences().get(id).ok())
            .filter(|c| live(c));
        chosen
            .or_else(|| session.conferences().iter().rfind(|c| live(c)))
            .map(|c| c.id().to_owned())
    }

    /// The call whose ears the speakers play, given the session: the choice, or for "auto" You when joined,
    /// else the first participant of the selected conference.
    pub fn hearing(&self, session: &Session) -> Option<String> {
        let present = |call: &str| {
            session
                .conferences()
                .iter()
                .any(|c| c.participant(call).is_some())
        };
        match &self.hear_as {
            HearAs::Call(call) if present(call) => Some(call.clone()),
            _ => match session.microphone_call() {
                Some((_, call)) => Some(call.to_owned()),
                None => self
                    .selected(session)
                    .and_then(|id| session.conferences().get(&id).ok())
                    .and_then(|c| c.participants().first())
                    .map(|p| p.call_id.clone()),
            },
        }
    }

    /// The text being said to the heard call right now, if any (the caption).
    pub fn caption(session: &Session, hearing: Option<&str>, now_ms: u64) -> Option<String> {
        let hearing = hearing?;
        session.media().iter().rev().find_map(|m| match &m.change {
            MediaChange::Play {
                call_id,
                sound: Sound::Say { text, .. },
                duration_ms,
            } if call_id == hearing
                && duration_ms.is_none_or(|d| m.at_ms.saturating_add(d) > now_ms) =>
            {
                Some(text.clone())
            }
            _ => None,
        })
    }
}

/// A change to the view.
pub enum AudioAction {
    /// "Start audio" was clicked.
    Starting,
    /// The graph runs (or waits for a gesture).
    Started {
        /// Its state.
        state: ContextState,
        /// `setSinkId` exists.
        output_choice: bool,
    },
    /// Something failed; the text says what to do.
    Error(String),
    /// The context changed state.
    State(ContextState),
    /// New meters by call id.
    Meters(BTreeMap<String, Meter>),
    /// A recording finished.
    Recording(RecordingFile),
    /// The worklet's missed-quantum count.
    Underruns(u32),
    /// The microphone's state.
    Mic(Mic),
    /// The Hear-as choice.
    HearAs(HearAs),
    /// The conference the panel acts on.
    Select(Option<String>),
    /// The device list.
    Devices(Vec<Device>),
    /// The chosen microphone.
    Input(String),
    /// The chosen output.
    Output(String),
}

impl Reducible for AudioView {
    type Action = AudioAction;

    fn reduce(self: Rc<Self>, action: AudioAction) -> Rc<Self> {
        // Meters arrive every 50 ms: an unchanged picture keeps the same value, so nothing re-renders.
        if let AudioAction::Meters(meters) = &action
            && *self.meters == *meters
        {
            return self;
        }
        let mut next = (*self).clone();
        match action {
            AudioAction::Starting => {
                next.starting = true;
                next.error = None;
            }
            AudioAction::Started {
                state,
                output_choice,
            } => {
                next.starting = false;
                next.context = Some(state);
                next.output_choice = output_choice;
            }
            AudioAction::Error(e) => {
                next.starting = false;
                next.error = Some(e);
            }
            AudioAction::State(state) => next.context = Some(state),
            AudioAction::Meters(meters) => next.meters = Rc::new(meters),
            AudioAction::Recording(file) => next.recordings.push(file),
            AudioAction::Underruns(n) => next.underruns = n,
            AudioAction::Mic(mic) => {
                if matches!(mic, Mic::On { .. }) {
                    next.error = None;
                }
                next.mic = mic;
            }
            AudioAction::HearAs(h) => next.hear_as = h,
            AudioAction::Select(c) => next.conference = c,
            AudioAction::Devices(d) => next.devices = d,
            AudioAction::Input(i) => next.input = i,
            AudioAction::Output(o) => next.output = o,
        }
        Rc::new(next)
    }
}

/// The running graph and the translator that feeds it.
struct Link {
    handle: AudioHandle,
    translator: Translator,
    /// Media entries of the session already sent.
    handled: usize,
    /// When audio started (page clock): older media changes are history, replayed without beeps.
    since_ms: u64,
    /// The leg the microphone feeds.
    mic_leg: Option<LegId>,
    /// The leg the speakers play.
    heard: Option<LegId>,
    _subscription: Subscription,
}

/// State shared between the page's callbacks and effects (not rendered).
#[derive(Default)]
pub struct Shared {
    link: Option<Link>,
    /// The id the next participant will get (from the latest session), for the microphone's leg.
    next_call_id: String,
}

/// What a leg sends for `voice`.
fn voice_spec(voice: Option<Voice>, call_id: &str) -> SourceSpec {
    match voice {
        // The scenario's defaults (2 s of talk, 2 s of silence, noise syllables).
        Some(Voice::Talker) => talker_voice(&Talker::default(), talker_seed(call_id)),
        Some(Voice::Tone { hz }) => SourceSpec::Tone { hz: hz as f32 },
        Some(Voice::Microphone) => SourceSpec::External,
        Some(Voice::Silence) | None => SourceSpec::Silence,
    }
}

/// Every command "at the next block" (see the module docs).
fn now_block(commands: Vec<(u64, MixerCommand)>) -> Vec<(u64, MixerCommand)> {
    commands.into_iter().map(|(_, c)| (0, c)).collect()
}

impl Shared {
    /// Sends the session's new media changes to the mixer and points the speakers at `hearing`. Returns a leg
    /// that the microphone must be re-attached to (the learner's call got another id than the one prepared).
    fn sync(&mut self, session: &Session, hearing: Option<&str>) -> Option<LegId> {
        self.next_call_id = session.next_call_id();
        let link = self.link.as_mut()?;
        let mut out = Vec::new();
        for entry in session.media().iter().skip(link.handled) {
            let at = entry.at_ms;
            let catching_up = at < link.since_ms;
            if let MediaChange::Bridge { members, .. } = &entry.change {
                for m in members {
                    if link.translator.leg_of(&m.call_id).is_none() {
                        let spec = voice_spec(session.voice(&m.call_id), &m.call_id);
                        link.translator.set_voice(&m.call_id, spec);
                        out.extend(link.translator.call_started(at, &m.call_id, &m.call_id));
                    }
                }
            }
            let skip = catching_up
                && match &entry.change {
                    MediaChange::Beep { .. } => true,
                    MediaChange::Recording { recording_id, .. } => session
                        .recordings()
                        .iter()
                        .any(|r| &r.id == recording_id && r.stopped_ms.is_some()),
                    _ => false,
                };
            if !skip {
                out.extend(link.translator.media(at, &entry.change));
            }
            // The session stops a call's audio only when it leaves: the sandbox's call ends with it.
            if let MediaChange::Stop { call_id } = &entry.change {
                out.extend(link.translator.call_ended(at, call_id));
            }
        }
        link.handled = session.media().len();
        link.handle.send(&now_block(out));
        let heard = hearing.and_then(|call| link.translator.leg_of(call));
        if heard != link.heard {
            link.heard = heard;
            link.handle.hear_as(heard);
        }
        let mic = session
            .microphone_call()
            .and_then(|(_, call)| link.translator.leg_of(call));
        match (mic, link.mic_leg) {
            (Some(leg), Some(attached)) if leg != attached => Some(leg),
            (None, Some(_)) => {
                link.mic_leg = None;
                link.handle.detach_microphone();
                None
            }
            _ => None,
        }
    }

    fn handle(&self) -> Option<AudioHandle> {
        self.link.as_ref().map(|l| l.handle.clone())
    }
}

/// The page's audio: its view and the actions its controls take.
#[derive(Clone)]
pub struct Audio {
    /// What to render.
    pub view: UseReducerHandle<AudioView>,
    shared: Rc<RefCell<Shared>>,
    on_command: Callback<Command>,
}

impl PartialEq for Audio {
    fn eq(&self, other: &Self) -> bool {
        self.view == other.view && Rc::ptr_eq(&self.shared, &other.shared)
    }
}

/// The page's audio, following `session` (commands the panel issues go to `on_command`).
#[hook]
pub fn use_audio(session: Rc<Session>, on_command: Callback<Command>) -> Audio {
    let view = use_reducer(AudioView::default);
    let shared = use_mut_ref(Shared::default);
    let hearing = view.hearing(&session);
    {
        let (shared, view_handle, hearing) = (shared.clone(), view.clone(), hearing.clone());
        let deps = (
            session.media().len(),
            view.context.is_some(),
            hearing.clone(),
        );
        use_effect_with(deps, move |_| {
            let reattach = shared.borrow_mut().sync(&session, hearing.as_deref());
            // The learner's call left (removed, emptied or terminated): the microphone is off again.
            if matches!(view_handle.mic, Mic::On { .. }) && session.microphone_call().is_none() {
                view_handle.dispatch(AudioAction::Mic(Mic::Off));
            }
            if let Some(leg) = reattach {
                attach(shared, view_handle, leg);
            }
        });
    }
    use_effect_with(((*view).clone(), hearing), |(view, hearing)| {
        publish(view, hearing.as_deref())
    });
    Audio {
        view,
        shared,
        on_command,
    }
}

/// Attaches the microphone to `leg` (the learner's call changed legs).
fn attach(shared: Rc<RefCell<Shared>>, view: UseReducerHandle<AudioView>, leg: LegId) {
    let Some(handle) = shared.borrow().handle() else {
        return;
    };
    let device = Some(view.input.clone()).filter(|d| !d.is_empty());
    yew::platform::spawn_local(async move {
        match handle.attach_microphone(leg, device).await {
            Ok(()) => {
                if let Some(link) = shared.borrow_mut().link.as_mut() {
                    link.mic_leg = Some(leg);
                }
            }
            Err(e) => view.dispatch(AudioAction::Mic(Mic::Failed(e))),
        }
    });
}

impl Audio {
    /// Starts the audio graph, or resumes it (from a click, which browsers require).
    pub fn start(&self) {
        let (shared, view) = (self.shared.clone(), self.view.clone());
        yew::platform::spawn_local(async move {
            ensure_started(&shared, &view).await;
        });
    }

    /// Joins `conference_id` as "You", speaking through the microphone.
    pub fn join_with_microphone(&self, conference_id: Option<String>, start_conf_on_enter: bool) {
        let Some(conference_id) = conference_id else {
            self.view.dispatch(AudioAction::Error(
                "create a conference first: the microphone joins the conference selected in the audio panel"
                    .to_owned(),
            ));
            return;
        };
        let (shared, view, on_command) = (
            self.shared.clone(),
            self.view.clone(),
            self.on_command.clone(),
        );
        let device = Some(self.view.input.clone()).filter(|d| !d.is_empty());
        yew::platform::spawn_local(async move {
            if !ensure_started(&shared, &view).await {
                return;
            }
            view.dispatch(AudioAction::Mic(Mic::Asking));
            // The leg is prepared under the id the join will give, so the microphone is attached (and its
            // permission settled) before the conference sees a participant.
            let prepared = {
                let mut shared = shared.borrow_mut();
                let call_id = shared.next_call_id.clone();
                shared.link.as_mut().and_then(|link| {
                    link.translator.set_voice(&call_id, SourceSpec::External);
                    let at = super::now_ms();
                    let commands = link.translator.call_started(at, &call_id, &call_id);
                    link.handle.send(&now_block(commands));
                    let leg = link.translator.leg_of(&call_id)?;
                    Some((call_id, leg, link.handle.clone()))
                })
            };
            let Some((call_id, leg, handle)) = prepared else {
                return;
            };
            match handle.attach_microphone(leg, device).await {
                Ok(()) => {
                    if let Some(link) = shared.borrow_mut().link.as_mut() {
                        link.mic_leg = Some(leg);
                    }
                    on_command.emit(Command::AddParticipant {
                        conference_id,
                        name: "You".to_owned(),
                        flags: crate::conference::ParticipantFlags {
                            start_conf_on_enter,
                            ..Default::default()
                        },
                        voice: Voice::Microphone,
                    });
                    view.dispatch(AudioAction::Mic(Mic::On { call_id }));
                    refresh_devices(&handle, &view).await;
                }
                Err(e) => {
                    if let Some(link) = shared.borrow_mut().link.as_mut() {
                        let commands = link.translator.call_ended(super::now_ms(), &call_id);
                        link.handle.send(&now_block(commands));
                    }
                    view.dispatch(AudioAction::Mic(Mic::Failed(e)));
                }
            }
        });
    }

    /// Chooses the microphone; re-attaches it when joined.
    pub fn choose_input(&self, device_id: String) {
        self.view.dispatch(AudioAction::Input(device_id.clone()));
        let leg = self.shared.borrow().link.as_ref().and_then(|l| l.mic_leg);
        let Some(leg) = leg else { return };
        let Some(handle) = self.shared.borrow().handle() else {
            return;
        };
        let view = self.view.clone();
        let device = Some(device_id).filter(|d| !d.is_empty());
        yew::platform::spawn_local(async move {
            if let Err(e) = handle.attach_microphone(leg, device).await {
                view.dispatch(AudioAction::Mic(Mic::Failed(e)));
            }
        });
    }

    /// Chooses the output device (only offered where `setSinkId` exists).
    pub fn choose_output(&self, device_id: String) {
        self.view.dispatch(AudioAction::Output(device_id.clone()));
        let Some(handle) = self.shared.borrow().handle() else {
            return;
        };
        let view = self.view.clone();
        yew::platform::spawn_local(async move {
            if let Err(e) = handle.set_output(&device_id).await {
                view.dispatch(AudioAction::Error(e.to_string()));
            }
        });
    }

    /// Sends a command for the panel (mute, leave).
    pub fn command(&self, command: Command) {
        self.on_command.emit(command);
    }
}

/// Starts (or resumes) the graph; `false` when it failed (the view says why).
async fn ensure_started(shared: &Rc<RefCell<Shared>>, view: &UseReducerHandle<AudioView>) -> bool {
    let existing = shared.borrow().handle();
    let handle = match existing {
        Some(handle) => handle,
        None => {
            view.dispatch(AudioAction::Starting);
            let handle = match AudioHandle::start().await {
                Ok(handle) => handle,
                Err(e) => {
                    view.dispatch(AudioAction::Error(e.to_string()));
                    return false;
                }
            };
            let translator = Translator::new(handle.sample_rate() as u32, MUSIC_SEED);
            let subscription = handle.subscribe({
                let (shared, view) = (Rc::downgrade(shared), view.clone());
                move |event| on_event(&shared, &view, event)
            });
            shared.borrow_mut().link = Some(Link {
                handle: handle.clone(),
                translator,
                handled: 0,
                since_ms: super::now_ms(),
                mic_leg: None,
                heard: None,
                _subscription: subscription,
            });
            handle
        }
    };
    if handle.state() != ContextState::Running
        && let Err(e) = handle.resume().await
    {
        view.dispatch(AudioAction::Error(e.to_string()));
    }
    view.dispatch(AudioAction::Started {
        state: handle.state(),
        output_choice: handle.supports_output_choice(),
    });
    refresh_devices(&handle, view).await;
    true
}

async fn refresh_devices(handle: &AudioHandle, view: &UseReducerHandle<AudioView>) {
    let devices = handle.devices().await;
    view.dispatch(AudioAction::Devices(devices));
}

/// Turns a worklet event into a view change (legs become call ids through the translator).
fn on_event(
    shared: &std::rc::Weak<RefCell<Shared>>,
    view: &UseReducerHandle<AudioView>,
    event: &AudioEvent,
) {
    let Some(shared) = shared.upgrade() else {
        return;
    };
    let Ok(shared) = shared.try_borrow() else {
        return;
    };
    let Some(link) = shared.link.as_ref() else {
        return;
    };
    match event {
        AudioEvent::Meters(meters) => {
            let by_call = meters
                .iter()
                .filter_map(|(leg, meter)| {
                    let call = link.translator.call_of(*leg)?;
                    // Three decimals are plenty for a meter, and let an unchanged picture compare equal.
                    let round = |v: f32| (v * 1000.0).round() / 1000.0;
                    let meter = Meter {
                        rms: round(meter.rms),
                        peak: round(meter.peak),
                        talking: meter.talking,
                    };
                    Some((call.to_owned(), meter))
                })
                .collect();
            view.dispatch(AudioAction::Meters(by_call));
        }
        AudioEvent::Underruns(n) => view.dispatch(AudioAction::Underruns(*n)),
        AudioEvent::State(state) => view.dispatch(AudioAction::State(*state)),
        AudioEvent::WorkletError(e) => {
            view.dispatch(AudioAction::Error(format!("the audio worklet: {e}")))
        }
        AudioEvent::Recording { room, wav } => {
            let id = link
                .translator
                .recordings()
                .iter()
                .rev()
                .find(|r| r.target == crate::audio::RecordingTarget::Room(*room))
                .map_or_else(|| format!("room {}", room.0), |r| r.id.clone());
            match blob_url(wav) {
                Ok(url) => view.dispatch(AudioAction::Recording(RecordingFile {
                    id,
                    url,
                    bytes: wav.len(),
                })),
                Err(e) => view.dispatch(AudioAction::Error(format!(
                    "recording {id} could not be offered for download: {e}"
                ))),
            }
        }
    }
}

/// A `blob:` URL of a WAV file.
fn blob_url(wav: &[u8]) -> Result<String, String> {
    let describe = |e: JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(wav));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("audio/wav");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(describe)?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)
}

/// Writes `window.conflabAudio`: the view as plain data, and the call whose ears the speakers play.
fn publish(view: &AudioView, hearing: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let object = js_sys::Object::new();
    let set = |target: &js_sys::Object, key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), &value);
    };
    set(&object, "state", view.state_word().into());
    set(&object, "mic", view.mic.word().into());
    if let Mic::On { call_id } = &view.mic {
        set(&object, "micCall", call_id.as_str().into());
    }
    set(&object, "underruns", view.underruns.into());
    set(
        &object,
        "hearing",
        hearing.map_or(JsValue::NULL, JsValue::from_str),
    );
    let meters = js_sys::Object::new();
    for (call, meter) in view.meters.iter() {
        let m = js_sys::Object::new();
        set(&m, "rms", meter.rms.into());
        set(&m, "peak", meter.peak.into());
        set(&m, "talking", meter.talking.into());
        set(&meters, call, m.into());
    }
    set(&object, "meters", meters.into());
    let recordings: js_sys::Array = view
        .recordings
        .iter()
        .map(|r| {
            let o = js_sys::Object::new();
            set(&o, "id", r.id.as_str().into());
            set(&o, "url", r.url.as_str().into());
            set(&o, "bytes", (r.bytes as u32).into());
            JsValue::from(o)
        })
        .collect();
    set(&object, "recordings", recordings.into());
    if let Some(e) = &view.error {
        set(&object, "error", e.as_str().into());
    }
    set(&window, "conflabAudio", object.into());
}

/// The inputs (or outputs) of `devices`.
pub fn devices_of(devices: &[Device], kind: DeviceKind) -> Vec<&Device> {
    devices.iter().filter(|d| d.kind == kind).collect()
}
