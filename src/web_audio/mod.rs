//! The browser's audio: an `AudioContext` running the conference mixer (the raw `conflab-worklet` wasm module)
//! inside the `conflab-mixer` AudioWorkletProcessor (`static/mixer-worklet.js`), and the main-thread glue the UI
//! uses (wasm32 only).
//!
//! The glue sends the worklet frame-stamped [`Command`]s (encoded with [`Command::encode`], posted as one
//! `Uint32Array`), routes the microphone into one leg's input and one leg's output to the speakers ("hear as"),
//! and turns the worklet's messages into [`AudioEvent`]s: meters, finished recordings (as WAV files), plus the
//! context's state changes and underrun count (`AudioContext.playbackStats`, polled every 500 ms).
//!
//! Port protocol (main → worklet): `{type:"init", module, block}`, `{type:"commands", words}`,
//! `{type:"mic", leg}`, `{type:"hear", legs}`, `{type:"ping", id}`. Worklet → main: `{type:"ready"}`,
//! `{type:"error", message}`, `{type:"meters", legs, rms, peak, talking}`,
//! `{type:"rec", room, frames}`, `{type:"recEnd", room}`, `{type:"pong", id}`. A leg or room is its `u32` id;
//! `-1` means none.

mod decode;
mod error;
mod event;
mod js;
mod offline;
mod recording;

pub use decode::decode_file;
pub use error::{AudioError, MicError};
pub use event::{AudioEvent, ContextState, Device, DeviceKind};
pub use offline::{OfflineRender, render_offline};

use conflab_mixer::{Command, LegId, Meter, RoomId};
use js_sys::{Array, Float32Array, Function, Promise, Uint8Array, Uint32Array};
use recording::Recordings;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    AudioContext, AudioWorkletNode, AudioWorkletNodeOptions, BaseAudioContext, MediaStream,
    MediaStreamAudioSourceNode, MediaStreamConstraints, MessageEvent, MessagePort,
};

/// How often the glue reads the context's playback statistics.
const UNDERRUN_POLL_MS: u32 = 500;

/// Frames per block: the Web Audio render quantum.
pub const BLOCK: u32 = 128;
/// The processor's registered name.
pub const PROCESSOR: &str = "conflab-mixer";
/// Where the page serves the worklet script (trunk copies it into dist/).
pub const SCRIPT_URL: &str = "mixer-worklet.js";
/// Where the page serves the mixer module (trunk's pre_build hook builds it, copy-file puts it in dist/).
pub const MODULE_URL: &str = "conflab_worklet.wasm";

/// Where the worklet script and the mixer module come from.
#[derive(Clone, Debug)]
pub struct Assets {
    /// The worklet script's URL (a same-origin path, or a `blob:` URL).
    pub script_url: String,
    /// The mixer module.
    pub module: ModuleSource,
}

/// The mixer module: fetched from a URL, or bytes already at hand (tests embed them).
#[derive(Clone, Debug)]
pub enum ModuleSource {
    /// Fetch it.
    Url(String),
    /// These bytes.
    Bytes(Vec<u8>),
}

impl Default for Assets {
    fn default() -> Self {
        Assets {
            script_url: SCRIPT_URL.to_owned(),
            module: ModuleSource::Url(MODULE_URL.to_owned()),
        }
    }
}

/// A running audio graph: the context, the mixer worklet and the microphone. Cloning shares it.
#[derive(Clone)]
pub struct AudioHandle {
    inner: Rc<Inner>,
}

/// Keeps a subscription alive; dropping it unsubscribes.
#[must_use = "the callback is removed when the Subscription is dropped"]
pub struct Subscription {
    inner: Weak<Inner>,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.upgrade() {
            inner
                .subscribers
                .borrow_mut()
                .retain(|(id, _)| *id != self.id);
        }
    }
}

type Callback = Rc<dyn Fn(&AudioEvent)>;
/// A JS event listener owned by Rust.
type Listener = Closure<dyn FnMut(JsValue)>;

struct Inner {
    context: AudioContext,
    node: AudioWorkletNode,
    port: MessagePort,
    state: Cell<ContextState>,
    subscribers: RefCell<Vec<(u64, Callback)>>,
    next_subscriber: Cell<u64>,
    mic: RefCell<Option<Mic>>,
    recordings: RefCell<Recordings>,
    /// Settles the start-up promise on "ready"/"error".
    pending_ready: RefCell<Option<(Function, Function)>>,
    /// `playbackStats.underrunEvents` when last polled.
    underruns: Cell<u32>,
    /// Polls the playback statistics while the graph lives.
    poll: RefCell<Option<gloo_timers::callback::Interval>>,
    /// Kept alive for as long as the graph: the port and state listeners.
    listeners: RefCell<Vec<Listener>>,
}

struct Mic {
    stream: MediaStream,
    source: MediaStreamAudioSourceNode,
}

impl AudioHandle {
    /// Creates the `AudioContext`, loads the worklet script, fetches and compiles the mixer module, posts it to
    /// the worklet and waits until the worklet reports it ready. The context may start suspended until a user
    /// gesture: call [`AudioHandle::resume`] from a click.
    pub async fn start() -> Result<AudioHandle, AudioError> {
        AudioHandle::start_with(&Assets::default()).await
    }

    /// [`AudioHandle::start`] with the worklet assets taken from elsewhere (tests, other pages).
    pub async fn start_with(assets: &Assets) -> Result<AudioHandle, AudioError> {
        let context = AudioContext::new().map_err(|_| AudioError::Unsupported)?;
        let started = AudioHandle::build(context.clone(), assets).await;
        if started.is_err() {
            // Browsers limit live contexts per page: a failed start must not keep one.
            let _ = context.close();
        }
        started
    }

    /// Builds the graph on `context` and waits for the worklet's "ready".
    async fn build(context: AudioContext, assets: &Assets) -> Result<AudioHandle, AudioError> {
        let base: &BaseAudioContext = context.as_ref();
        let node = load_worklet(base, assets, &[]).await?;
        let port = node
            .port()
            .map_err(|e| AudioError::WorkletStart(error::describe(&e)))?;
        node.connect_with_audio_node(&base.destination())
            .map_err(|e| AudioError::Context(error::describe(&e)))?;
        let inner = Rc::new(Inner {
            state: Cell::new(ContextState::from_name(
                &js::get(&context, "state").as_string().unwrap_or_default(),
            )),
            context,
            node,
            port,
            subscribers: RefCell::new(Vec::new()),
            next_subscriber: Cell::new(0),
            mic: RefCell::new(None),
            recordings: RefCell::new(Recordings::default()),
            pending_ready: RefCell::new(None),
            underruns: Cell::new(0),
            poll: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
        });
        Inner::listen(&inner);
        let ready = {
            let inner = inner.clone();
            Promise::new(&mut |resolve, reject| {
                *inner.pending_ready.borrow_mut() = Some((resolve, reject));
            })
        };
        let module = compile(&assets.module).await?;
        post_init(&inner.port, &module)?;
        js::wait(ready).await.map_err(|e| {
            AudioError::WorkletStart(e.as_string().unwrap_or_else(|| error::describe(&e)))
        })?;
        Ok(AudioHandle { inner })
    }

    /// The context's state now.
    pub fn state(&self) -> ContextState {
        self.inner.state.get()
    }

    /// The context's sample rate (the worklet renders at it).
    pub fn sample_rate(&self) -> f32 {
        let base: &BaseAudioContext = self.inner.context.as_ref();
        base.sample_rate()
    }

    /// Seconds of audio the context has rendered (`currentTime`).
    pub fn current_time(&self) -> f64 {
        let base: &BaseAudioContext = self.inner.context.as_ref();
        base.current_time()
    }

    /// The browser's playback statistics (`AudioContext.playbackStats`, Chromium), `None` where it has none.
    pub fn playback_stats(&self) -> Option<PlaybackStats> {
        PlaybackStats::read(&self.inner.context)
    }

    /// Resumes a suspended context (call it from a user gesture).
    pub async fn resume(&self) -> Result<(), AudioError> {
        let promise = self
            .inner
            .context
            .resume()
            .map_err(|e| AudioError::Context(error::describe(&e)))?;
        js::wait(promise)
            .await
            .map_err(|e| AudioError::Context(error::describe(&e)))?;
        Inner::set_state(&self.inner);
        Ok(())
    }

    /// Sends frame-stamped commands to the mixer, in order. Frame 0 (or any frame already past) applies at
    /// the next block.
    pub fn send(&self, commands: &[(u64, Command)]) {
        if commands.is_empty() {
            return;
        }
        let mut words = Vec::new();
        for (frame, command) in commands {
            command.encode(*frame, &mut words);
        }
        post_commands(&self.inner.port, &words);
    }

    /// Routes the microphone (the default one, or `device_id`) into `leg`'s input. The leg should have been
    /// added with [`conflab_mixer::SourceSpec::External`]. Replaces a microphone attached before.
    pub async fn attach_microphone(
        &self,
        leg: LegId,
        device_id: Option<String>,
    ) -> Result<(), MicError> {
        let window = web_sys::window().ok_or(MicError::Unsupported)?;
        let devices = window
            .navigator()
            .media_devices()
            .map_err(|_| MicError::Unsupported)?;
        let constraints = MediaStreamConstraints::new();
        // Raw audio: echo cancellation and noise suppression would distort what the learner hears of the mix.
        let audio = js_sys::Object::new();
        for key in ["echoCancellation", "noiseSuppression", "autoGainControl"] {
            js::set(&audio, key, &JsValue::FALSE);
        }
        if let Some(id) = &device_id {
            let exact = js_sys::Object::new();
            js::set(&exact, "exact", &JsValue::from_str(id));
            js::set(&audio, "deviceId", &exact);
        }
        constraints.set_audio(&audio);
        let promise = devices
            .get_user_media_with_constraints(&constraints)
            .map_err(|e| MicError::from_js(&e))?;
        let stream: MediaStream = js::wait(promise)
            .await
            .map_err(|e| MicError::from_js(&e))?
            .unchecked_into();
        let source = self
            .inner
            .context
            .create_media_stream_source(&stream)
            .map_err(|e| MicError::Other(error::describe(&e)))?;
        source
            .connect_with_audio_node(&self.inner.node)
            .map_err(|e| MicError::Other(error::describe(&e)))?;
        self.detach_microphone();
        *self.inner.mic.borrow_mut() = Some(Mic { stream, source });
        post_leg(&self.inner.port, "mic", Some(leg));
        Ok(())
    }

    /// Stops the microphone (its tracks end, the browser's recording indicator goes off).
    pub fn detach_microphone(&self) {
        let mic = self.inner.mic.borrow_mut().take();
        if let Some(mic) = mic {
            mic.stop();
            post_leg(&self.inner.port, "mic", None);
        }
    }

    /// Which leg's output goes to the speakers (`None`: silence).
    pub fn hear_as(&self, leg: Option<LegId>) {
        post_hear(&self.inner.port, leg.as_slice());
    }

    /// The audio inputs and outputs (`enumerateDevices`); empty where the browser cannot list them. Labels are
    /// empty until the user has granted microphone access once.
    pub async fn devices(&self) -> Vec<Device> {
        let Some(window) = web_sys::window() else {
            return Vec::new();
        };
        let Ok(media) = window.navigator().media_devices() else {
            return Vec::new();
        };
        let Ok(promise) = media.enumerate_devices() else {
            return Vec::new();
        };
        let Ok(list) = js::wait(promise).await else {
            return Vec::new();
        };
        Array::from(&list)
            .iter()
            .filter_map(|info| {
                let kind = match js::get(&info, "kind").as_string().as_deref() {
                    Some("audioinput") => DeviceKind::Input,
                    Some("audiooutput") => DeviceKind::Output,
                    _ => return None,
                };
                Some(Device {
                    id: js::get(&info, "deviceId").as_string().unwrap_or_default(),
                    label: js::get(&info, "label").as_string().unwrap_or_default(),
                    kind,
                })
            })
            .collect()
    }

    /// Whether [`AudioHandle::set_output`] can work here (`AudioContext.setSinkId` exists).
    pub fn supports_output_choice(&self) -> bool {
        js::has_function(&self.inner.context, "setSinkId")
    }

    /// Sends the speakers' audio to `device_id` (an output from [`AudioHandle::devices`]; `""` is the default).
    pub async fn set_output(&self, device_id: &str) -> Result<(), AudioError> {
        if !self.supports_output_choice() {
            return Err(AudioError::OutputChoiceUnsupported);
        }
        let set_sink: Function = js::get(&self.inner.context, "setSinkId").unchecked_into();
        let promise = set_sink
            .call1(&self.inner.context, &JsValue::from_str(device_id))
            .map_err(|e| AudioError::Output(error::describe(&e)))?;
        js::wait(promise.unchecked_into())
            .await
            .map_err(|e| AudioError::Output(error::describe(&e)))?;
        Ok(())
    }

    /// Calls `callback` with every [`AudioEvent`] until the returned [`Subscription`] is dropped.
    pub fn subscribe(&self, callback: impl Fn(&AudioEvent) + 'static) -> Subscription {
        let id = self.inner.next_subscriber.get();
        self.inner.next_subscriber.set(id + 1);
        self.inner
            .subscribers
            .borrow_mut()
            .push((id, Rc::new(callback)));
        Subscription {
            inner: Rc::downgrade(&self.inner),
            id,
        }
    }
}

impl Drop for Inner {
    /// The last handle is gone: silence the listeners (their closures die with `self`), stop the microphone
    /// and close the context.
    fn drop(&mut self) {
        self.port.set_onmessage(None);
        js::set(&self.context, "onstatechange", &JsValue::NULL);
        if let Some(mic) = self.mic.get_mut().take() {
            mic.stop();
        }
        let _ = self.context.close();
    }
}

impl Mic {
    /// Disconnects the source and ends the tracks (the browser's recording indicator goes off).
    fn stop(self) {
        let _ = self.source.disconnect();
        for track in self.stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}

impl Inner {
    /// Installs the port and state-change listeners (they hold only a weak reference, so dropping every
    /// handle frees the graph).
    fn listen(this: &Rc<Inner>) {
        let weak = Rc::downgrade(this);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if let Some(inner) = weak.upgrade() {
                let event: MessageEvent = event.unchecked_into();
                inner.on_message(&event.data());
            }
        });
        this.port
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let weak = Rc::downgrade(this);
        let on_state = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            if let Some(inner) = weak.upgrade() {
                Inner::set_state(&inner);
            }
        });
        js::set(&this.context, "onstatechange", on_state.as_ref());
        this.listeners.borrow_mut().extend([on_message, on_state]);
        let weak = Rc::downgrade(this);
        let poll = gloo_timers::callback::Interval::new(UNDERRUN_POLL_MS, move || {
            if let Some(inner) = weak.upgrade() {
                inner.poll_underruns();
            }
        });
        *this.poll.borrow_mut() = Some(poll);
    }

    /// Reports `AudioContext.playbackStats.underrunEvents` when it grew: the browser's own count of output
    /// callbacks that found no rendered audio (Chromium; elsewhere there is no such count and nothing is sent).
    fn poll_underruns(&self) {
        let stats = js::get(&self.context, "playbackStats");
        let Some(events) = js::get(&stats, "underrunEvents").as_f64() else {
            return;
        };
        let events = events as u32;
        if events != self.underruns.replace(events) {
            self.emit(&AudioEvent::Underruns(events));
        }
    }

    /// Reads the context's state and tells subscribers when it changed.
    fn set_state(this: &Rc<Inner>) {
        let state = ContextState::from_name(
            &js::get(&this.context, "state")
                .as_string()
                .unwrap_or_default(),
        );
        if state != this.state.replace(state) {
            this.emit(&AudioEvent::State(state));
        }
    }

    fn emit(&self, event: &AudioEvent) {
        // Clone the list first: a callback may subscribe or unsubscribe.
        let subscribers: Vec<Callback> = self
            .subscribers
            .borrow()
            .iter()
            .map(|(_, c)| c.clone())
            .collect();
        for callback in subscribers {
            callback(event);
        }
    }

    fn on_message(&self, data: &JsValue) {
        let kind = js::get(data, "type").as_string().unwrap_or_default();
        match kind.as_str() {
            "ready" => {
                if let Some((resolve, _)) = self.pending_ready.borrow_mut().take() {
                    let _ = resolve.call0(&JsValue::NULL);
                }
            }
            "error" => {
                let message = js::get(data, "message").as_string().unwrap_or_default();
                if let Some((_, reject)) = self.pending_ready.borrow_mut().take() {
                    let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&message));
                } else {
                    self.emit(&AudioEvent::WorkletError(message));
                }
            }
            "meters" => self.emit(&AudioEvent::Meters(parse_meters(data))),
            "rec" => {
                let room = RoomId(js::get(data, "room").as_f64().unwrap_or(0.0) as u32);
                let frames = js::get(data, "frames");
                if frames.is_instance_of::<Float32Array>() {
                    let frames = Float32Array::from(frames).to_vec();
                    self.recordings.borrow_mut().append(room, &frames);
                }
            }
            "recEnd" => {
                let room = RoomId(js::get(data, "room").as_f64().unwrap_or(0.0) as u32);
                let frames = self.recordings.borrow_mut().finish(room);
                let base: &BaseAudioContext = self.context.as_ref();
                let wav = crate::audio::wav::encode(&frames, base.sample_rate() as u32);
                self.emit(&AudioEvent::Recording { room, wav });
            }
            _ => {}
        }
    }
}

/// The output's playback statistics since the context started.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlaybackStats {
    /// How many times the output found no rendered audio (each is an audible glitch).
    pub underrun_events: u32,
    /// Their total length, in seconds.
    pub underrun_seconds: f64,
    /// Seconds of audio played.
    pub total_seconds: f64,
}

impl PlaybackStats {
    fn read(context: &AudioContext) -> Option<PlaybackStats> {
        let stats = js::get(context, "playbackStats");
        let field = |key: &str| js::get(&stats, key).as_f64();
        Some(PlaybackStats {
            underrun_events: field("underrunEvents")? as u32,
            underrun_seconds: field("underrunDuration")?,
            total_seconds: field("totalDuration")?,
        })
    }
}

/// Loads the worklet script into `context` and creates the processor node (mono output, `hear` legs mapped
/// to output channels in order; at least one channel).
async fn load_worklet(
    context: &BaseAudioContext,
    assets: &Assets,
    hear: &[LegId],
) -> Result<AudioWorkletNode, AudioError> {
    let worklet = context
        .audio_worklet()
        .map_err(|_| AudioError::Unsupported)?;
    let promise = worklet
        .add_module(&assets.script_url)
        .map_err(|e| AudioError::WorkletScript(error::describe(&e)))?;
    js::wait(promise)
        .await
        .map_err(|e| AudioError::WorkletScript(error::describe(&e)))?;
    let options = AudioWorkletNodeOptions::new();
    options.set_number_of_inputs(1);
    options.set_number_of_outputs(1);
    let channels = Array::of1(&JsValue::from(hear.len().max(1) as u32));
    options.set_output_channel_count(&channels);
    let processor = js_sys::Object::new();
    js::set(&processor, "hear", &leg_array(hear));
    options.set_processor_options(Some(&processor));
    AudioWorkletNode::new_with_options(context, PROCESSOR, &options)
        .map_err(|e| AudioError::WorkletStart(error::describe(&e)))
}

/// Fetches (if needed) and compiles the mixer module on the main thread: the worklet scope has no `fetch`.
async fn compile(source: &ModuleSource) -> Result<js_sys::WebAssembly::Module, AudioError> {
    let bytes: JsValue = match source {
        ModuleSource::Bytes(bytes) => Uint8Array::from(bytes.as_slice()).into(),
        ModuleSource::Url(url) => {
            let window = web_sys::window().ok_or(AudioError::Unsupported)?;
            let response: web_sys::Response = js::wait(window.fetch_with_str(url))
                .await
                .map_err(|e| AudioError::WorkletModule(error::describe(&e)))?
                .unchecked_into();
            if !response.ok() {
                return Err(AudioError::WorkletModule(format!(
                    "GET {url}: HTTP {}",
                    response.status()
                )));
            }
            let buffer = response
                .array_buffer()
                .map_err(|e| AudioError::WorkletModule(error::describe(&e)))?;
            js::wait(buffer)
                .await
                .map_err(|e| AudioError::WorkletModule(error::describe(&e)))?
        }
    };
    let module = js::wait(js_sys::WebAssembly::compile(&bytes))
        .await
        .map_err(|e| AudioError::WorkletModule(error::describe(&e)))?;
    Ok(module.unchecked_into())
}

/// Posts the compiled module; the worklet instantiates it and answers "ready" or "error".
fn post_init(port: &MessagePort, module: &js_sys::WebAssembly::Module) -> Result<(), AudioError> {
    let message = js::message("init");
    js::set(&message, "module", module);
    js::set(&message, "block", &JsValue::from(BLOCK));
    port.post_message(&message)
        .map_err(|e| AudioError::WorkletStart(error::describe(&e)))
}

/// Posts an encoded command stream (its buffer is transferred, not copied).
fn post_commands(port: &MessagePort, words: &[u32]) {
    let array = Uint32Array::from(words);
    let message = js::message("commands");
    js::set(&message, "words", &array);
    let _ = port.post_message_with_transferable(&message, &Array::of1(&array.buffer()));
}

/// Posts `{type: kind, leg}` with `-1` for none.
fn post_leg(port: &MessagePort, kind: &str, leg: Option<LegId>) {
    let message = js::message(kind);
    js::set(
        &message,
        "leg",
        &JsValue::from(leg.map_or(-1.0, |l| f64::from(l.0))),
    );
    let _ = port.post_message(&message);
}

/// Posts which legs go to the output channels.
fn post_hear(port: &MessagePort, legs: &[LegId]) {
    let message = js::message("hear");
    js::set(&message, "legs", &leg_array(legs));
    let _ = port.post_message(&message);
}

fn leg_array(legs: &[LegId]) -> JsValue {
    legs.iter()
        .map(|l| JsValue::from(l.0))
        .collect::<Array>()
        .into()
}

/// Reads a "meters" message: parallel arrays of leg ids, RMS, peak and talking flags.
fn parse_meters(data: &JsValue) -> Vec<(LegId, Meter)> {
    let typed = |key: &str| js::get(data, key);
    let (legs, rms, peak, talking) = (typed("legs"), typed("rms"), typed("peak"), typed("talking"));
    if !(legs.is_instance_of::<Uint32Array>()
        && rms.is_instance_of::<Float32Array>()
        && peak.is_instance_of::<Float32Array>()
        && talking.is_instance_of::<Uint8Array>())
    {
        return Vec::new();
    }
    let legs = Uint32Array::from(legs).to_vec();
    let rms = Float32Array::from(rms).to_vec();
    let peak = Float32Array::from(peak).to_vec();
    let talking = Uint8Array::from(talking).to_vec();
    legs.iter()
        .zip(rms.iter().zip(peak.iter().zip(talking.iter())))
        .map(|(&leg, (&rms, (&peak, &talking)))| {
            (
                LegId(leg),
                Meter {
                    rms,
                    peak,
                    talking: talking != 0,
                },
            )
        })
        .collect()
}
