//! The live audio behind the page: the sandbox's log is followed through [`LiveScore`] (the same line-by-line
//! translation `conflab run --hear` renders) into the mixer worklet ([`AudioHandle::send`]), and the worklet's
//! meters, recordings and state come back: meters into [`Meters`] (each meter re-renders alone), the rest as an
//! [`AudioView`] the panel renders.
//!
//! The sandbox is the source of truth; this module only follows it. After every change of the sandbox,
//! [`Shared::sync`] sends the commands for the new log lines. When the log was rebuilt (a load, the clock going
//! back) or audio starts late, [`LiveScore`] replays it silently, so the mixer reaches the present state without
//! replaying past beeps, prompts or recordings.
//!
//! "Join with my microphone" makes the learner a phone ([`MICROPHONE_PHONE`]) that dials a number: the microphone
//! is attached to the leg its call will get, and re-attached if the call got another one.
//!
//! Every command is sent stamped with frame 0, "at the next block": the page clock and the worklet's frame
//! clock start at different moments, and a live conference has nothing to schedule ahead.
//!
//! `window.conflabAudio` mirrors the view for tests and curious learners (state, microphone and its call, meters
//! by call id, who is heard, recordings).

use super::live::{Live, LiveAction};
use super::meter::Meters;
use crate::audio::live::{HearAs, LiveScore, hearing, my_call};
use crate::sandbox::{MICROPHONE_PHONE, Sandbox};
use crate::scenario::Action;
use crate::web_audio::{
    AudioEvent, AudioHandle, ContextState, Device, DeviceKind, MicError, Subscription,
};
use conflab_mixer::{Command as MixerCommand, LegId, Meter};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// What the microphone is doing.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Mic {
    /// Not joined.
    #[default]
    Off,
    /// Waiting for the browser's permission.
    Asking,
    /// Attached: the microphone phone is (or is about to be) on a call.
    On,
    /// The last attempt failed.
    Failed(MicError),
}

impl Mic {
    /// A short state word for the page (`data-mic` and the status line).
    pub fn word(&self) -> &'static str {
        match self {
            Mic::Off => "off",
            Mic::Asking => "asking",
            Mic::On => "on",
            Mic::Failed(MicError::Denied) => "denied",
            Mic::Failed(MicError::Unsupported) => "unsupported",
            Mic::Failed(MicError::NoDevice) => "no-device",
            Mic::Failed(MicError::Other(_)) => "error",
        }
    }
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

/// Everything the audio panel shows (meters live apart, in [`Meters`]).
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
    /// Finished recordings, oldest first.
    pub recordings: Vec<RecordingFile>,
    /// Render quanta the worklet missed.
    pub underruns: u32,
    /// The Hear-as choice.
    pub hear_as: HearAs,
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
    /// A recording finished.
    Recording(RecordingFile),
    /// The worklet's missed-quantum count.
    Underruns(u32),
    /// The microphone's state.
    Mic(Mic),
    /// The Hear-as choice.
    HearAs(HearAs),
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
            AudioAction::Recording(file) => next.recordings.push(file),
            AudioAction::Underruns(n) => next.underruns = n,
            AudioAction::Mic(mic) => {
                if matches!(mic, Mic::On) {
                    next.error = None;
                }
                next.mic = mic;
            }
            AudioAction::HearAs(h) => next.hear_as = h,
            AudioAction::Devices(d) => next.devices = d,
            AudioAction::Input(i) => next.input = i,
            AudioAction::Output(o) => next.output = o,
        }
        Rc::new(next)
    }
}

/// The running graph and the score that feeds it.
struct Link {
    handle: AudioHandle,
    score: LiveScore,
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
}

/// Every command "at the next block" (see the module docs).
fn now_block(commands: Vec<(u64, MixerCommand)>) -> Vec<(u64, MixerCommand)> {
    commands.into_iter().map(|(_, c)| (0, c)).collect()
}

impl Shared {
    /// Sends the sandbox's new log lines to the mixer and points the speakers at `hearing`. Returns a leg the
    /// microphone must be re-attached to (the learner's call got another leg than the one prepared).
    fn sync(&mut self, sandbox: &Sandbox, hearing: Option<&str>) -> Option<LegId> {
        let link = self.link.as_mut()?;
        let commands = link.score.follow(sandbox);
        if !commands.is_empty() {
            link.handle.send(&now_block(commands));
        }
        let translator = link.score.translator();
        let heard = hearing.and_then(|call| translator.leg_of(call));
        if heard != link.heard {
            link.heard = heard;
            link.handle.hear_as(heard);
        }
        let mine = my_call(sandbox.engine()).and_then(|call| translator.leg_of(&call));
        match (mine, link.mic_leg) {
            (Some(leg), Some(attached)) if leg != attached => Some(leg),
            _ => None,
        }
    }

    /// Stops the microphone (the learner's call ended).
    fn detach(&mut self) {
        if let Some(link) = self.link.as_mut()
            && link.mic_leg.take().is_some()
        {
            link.handle.detach_microphone();
        }
    }

    fn handle(&self) -> Option<AudioHandle> {
        self.link.as_ref().map(|l| l.handle.clone())
    }
}

/// The page's audio: its view, the meters, and the actions its controls take.
#[derive(Clone)]
pub struct Audio {
    /// What to render.
    pub view: UseReducerHandle<AudioView>,
    /// The level meters by call id.
    pub meters: Meters,
    shared: Rc<RefCell<Shared>>,
    live: Live,
    on_action: Callback<LiveAction>,
}

impl PartialEq for Audio {
    fn eq(&self, other: &Self) -> bool {
        self.view == other.view
            && Rc::ptr_eq(&self.shared, &other.shared)
            && self.meters == other.meters
            && self.live == other.live
    }
}

/// The page's audio, following `live` (steps the panel takes go to `on_action`).
#[hook]
pub fn use_audio(live: Live, on_action: Callback<LiveAction>) -> Audio {
    let view = use_reducer(AudioView::default);
    let shared = use_mut_ref(Shared::default);
    let meters = use_memo((), |_| Meters::default());
    let meters: Meters = (*meters).clone();
    let (heard, mine) = {
        let sandbox = live.borrow();
        (
            hearing(sandbox.engine(), &view.hear_as),
            my_call(sandbox.engine()),
        )
    };
    {
        let (shared, view_handle, heard, live) =
            (shared.clone(), view.clone(), heard.clone(), live.clone());
        let deps = (live.version, view.context.is_some(), heard.clone());
        use_effect_with(deps, move |_| {
            let reattach = shared.borrow_mut().sync(&live.borrow(), heard.as_deref());
            // The learner's call ended (hung up, removed, terminated): the microphone is off again.
            let mine = my_call(live.borrow().engine());
            if mine.is_none() && matches!(view_handle.mic, Mic::On) {
                shared.borrow_mut().detach();
                view_handle.dispatch(AudioAction::Mic(Mic::Off));
            }
            if let Some(leg) = reattach {
                attach(shared, view_handle, leg);
            }
        });
    }
    {
        let meters = meters.clone();
        let hear_as = view.hear_as.clone();
        use_effect_with(
            ((*view).clone(), heard, mine, hear_as),
            move |(view, heard, mine, hear_as)| {
                let phone = match hear_as {
                    HearAs::Phone(p) => Some(p.as_str()),
                    HearAs::Auto => None,
                };
                publish(view, heard.as_deref(), mine.as_deref(), phone, &meters);
            },
        );
    }
    Audio {
        view,
        meters,
        shared,
        live,
        on_action,
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
        let (shared, view, live) = (self.shared.clone(), self.view.clone(), self.live.clone());
        let meters = self.meters.clone();
        yew::platform::spawn_local(async move {
            ensure_started(&shared, &view, &live, &meters).await;
        });
    }

    /// Makes the learner a phone: the microphone phone dials `number`, speaking through the microphone. The
    /// microphone is asked for first, so a refusal dials nothing.
    pub fn join_with_microphone(&self, number: String) {
        let (shared, view, live, on_action, meters) = (
            self.shared.clone(),
            self.view.clone(),
            self.live.clone(),
            self.on_action.clone(),
            self.meters.clone(),
        );
        let device = Some(self.view.input.clone()).filter(|d| !d.is_empty());
        yew::platform::spawn_local(async move {
            if !ensure_started(&shared, &view, &live, &meters).await {
                return;
            }
            view.dispatch(AudioAction::Mic(Mic::Asking));
            // The microphone goes to the leg the next call will get; the sync re-attaches it if another call took
            // that leg first.
            let prepared = shared
                .borrow()
                .link
                .as_ref()
                .map(|l| (l.score.translator().next_leg(), l.handle.clone()));
            let Some((leg, handle)) = prepared else {
                return;
            };
            match handle.attach_microphone(leg, device).await {
                Ok(()) => {
                    if let Some(link) = shared.borrow_mut().link.as_mut() {
                        link.mic_leg = Some(leg);
                    }
                    // Dial first: the view turns "on" only once the call exists (an "on" microphone without a call
                    // is turned off by the sync).
                    on_action.emit(LiveAction::Step(Action::Dial {
                        from: MICROPHONE_PHONE.to_owned(),
                        to: number,
                    }));
                    view.dispatch(AudioAction::Mic(Mic::On));
                    refresh_devices(&handle, &view).await;
                }
                Err(e) => view.dispatch(AudioAction::Mic(Mic::Failed(e))),
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

    /// Takes a step for the panel (mute by REST, hang up).
    pub fn step(&self, action: Action) {
        self.on_action.emit(LiveAction::Step(action));
    }
}

/// Starts (or resumes) the graph; `false` when it failed (the view says why).
async fn ensure_started(
    shared: &Rc<RefCell<Shared>>,
    view: &UseReducerHandle<AudioView>,
    live: &Live,
    meters: &Meters,
) -> bool {
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
            // Whatever happened before audio started is replayed silently (see LiveScore).
            let (score, commands) =
                LiveScore::new(&live.handle().borrow(), handle.sample_rate() as u32);
            handle.send(&now_block(commands));
            let subscription = handle.subscribe({
                let (shared, view, meters) = (Rc::downgrade(shared), view.clone(), meters.clone());
                move |event| on_event(&shared, &view, &meters, event)
            });
            shared.borrow_mut().link = Some(Link {
                handle: handle.clone(),
                score,
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
    meters: &Meters,
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
    let translator = link.score.translator();
    match event {
        AudioEvent::Meters(readings) => {
            // extend, not collect: collecting into a BTreeMap compiles another copy of the stable sort (wasm size).
            let mut by_call: BTreeMap<String, Meter> = BTreeMap::new();
            by_call.extend(readings.iter().filter_map(|(leg, meter)| {
                let call = translator.call_of(*leg)?;
                // Three decimals are plenty for a meter, and let an unchanged picture compare equal.
                let round = |v: f32| (v * 1000.0).round() / 1000.0;
                let meter = Meter {
                    rms: round(meter.rms),
                    peak: round(meter.peak),
                    talking: meter.talking,
                };
                Some((call.to_owned(), meter))
            }));
            publish_meters(&by_call);
            meters.set(by_call);
        }
        AudioEvent::Underruns(n) => view.dispatch(AudioAction::Underruns(*n)),
        AudioEvent::State(state) => view.dispatch(AudioAction::State(*state)),
        AudioEvent::WorkletError(e) => {
            view.dispatch(AudioAction::Error(format!("the audio worklet: {e}")))
        }
        AudioEvent::Recording { room, wav } => {
            let id = translator
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

fn set(target: &js_sys::Object, key: &str, value: JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), &value);
}

/// `window.conflabAudio`, created if missing.
fn mirror() -> Option<js_sys::Object> {
    let window = web_sys::window()?;
    let existing = js_sys::Reflect::get(&window, &JsValue::from_str("conflabAudio")).ok();
    match existing.filter(|v| v.is_object()) {
        Some(object) => Some(object.into()),
        None => {
            let object = js_sys::Object::new();
            set(&window, "conflabAudio", object.clone().into());
            Some(object)
        }
    }
}

/// Writes the meters into `window.conflabAudio.meters` (at every meter event: the page's view does not carry
/// them).
fn publish_meters(meters: &BTreeMap<String, Meter>) {
    let Some(object) = mirror() else { return };
    let all = js_sys::Object::new();
    for (call, meter) in meters {
        let m = js_sys::Object::new();
        set(&m, "rms", meter.rms.into());
        set(&m, "peak", meter.peak.into());
        set(&m, "talking", meter.talking.into());
        set(&all, call, m.into());
    }
    set(&object, "meters", all.into());
}

/// Writes `window.conflabAudio`: the view as plain data, the call whose ears the speakers play (and the phone
/// chosen, if one was), and the learner's call.
fn publish(
    view: &AudioView,
    hearing: Option<&str>,
    mine: Option<&str>,
    phone: Option<&str>,
    meters: &Meters,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let object = js_sys::Object::new();
    let text = |v: Option<&str>| v.map_or(JsValue::NULL, JsValue::from_str);
    set(&object, "state", view.state_word().into());
    set(&object, "mic", view.mic.word().into());
    set(&object, "micCall", text(mine));
    set(&object, "underruns", view.underruns.into());
    set(&object, "hearing", text(hearing));
    set(&object, "hearAs", text(phone));
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
    publish_meters(&meters.all());
}

/// The inputs (or outputs) of `devices`.
pub fn devices_of(devices: &[Device], kind: DeviceKind) -> Vec<&Device> {
    devices.iter().filter(|d| d.kind == kind).collect()
}
