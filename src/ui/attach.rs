//! The page as the inspector of `conflab serve`: when the server served this page it put
//! `<meta name="conflab-serve" content="/conflab">` in its head, and the page follows the server instead of
//! running a session of its own. A thin driver: what it fetches is decided and read in
//! [`crate::sandbox::attach`], and the views are fed by the page's `Sandbox` as always.
//!
//! Syncing: the log stream (`GET {base}/log?follow=1`, server-sent events) says when something happened; at most
//! every [`SYNC_EVERY_MS`] the page then fetches `{base}/info` and `{base}/scenario` and replays the server's
//! session up to its `now` ([`LiveAction::Sync`]). Every second it also reads `{base}/info`, and syncs when the
//! server's clock moved without a line (the real clock, or a manual one moved by another client). Controls send their steps to `{base}/steps` (and the manual clock's moves to
//! `{base}/clock`) through [`act`]; the next sync shows the effect.

use super::live::{Live, LiveAction};
use crate::sandbox::attach::{self as core, ServerClock, ServerInfo};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// The debounce of the log stream: at most one sync per this many milliseconds.
const SYNC_EVERY_MS: u32 = 250;
/// How often the page looks whether the server's clock moved with nothing logged.
const CLOCK_CHECK_EVERY_MS: u32 = 1_000;

thread_local! {
    /// The control API's base path from the meta tag (`/conflab`), read once.
    static BASE: Option<String> = read_meta();
    /// What the server said last.
    static INFO: RefCell<Option<ServerInfo>> = const { RefCell::new(None) };
    /// The syncing loop, once started.
    static SYNCER: RefCell<Option<Rc<Syncer>>> = const { RefCell::new(None) };
}

fn read_meta() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let meta = document
        .query_selector("meta[name=\"conflab-serve\"]")
        .ok()??;
    let base = meta.get_attribute("content")?;
    let base = base.trim_end_matches('/');
    (!base.is_empty()).then(|| base.to_owned())
}

/// The control API's base path when the page is attached to `conflab serve`.
pub fn base() -> Option<String> {
    BASE.with(Clone::clone)
}

/// Whether the page is attached to `conflab serve`.
pub fn is_attached() -> bool {
    BASE.with(Option::is_some)
}

/// What the server said last (`None` before the first answer, or unattached).
pub fn info() -> Option<ServerInfo> {
    INFO.with(|i| i.borrow().clone())
}

/// The clock bar's hint while attached: what its controls do to the server's clock.
pub fn clock_hint() -> Option<&'static str> {
    base()?;
    Some(match info().map(|i| i.clock) {
        Some(ServerClock::Manual) => {
            "The clock is conflab serve's manual one: Next event and Jump to a later time move it; earlier times are a view of its past."
        }
        Some(ServerClock::Real) => {
            "The clock is conflab serve's real one and moves by itself; earlier times are a view of its past."
        }
        None => "The clock is conflab serve's.",
    })
}

/// The banner's words: where the page is attached and how the server's clock moves.
pub fn banner() -> Option<String> {
    let base = base()?;
    Some(info().map_or_else(
        || format!("Attaching to conflab serve at {base}…"),
        |info| core::banner(&info),
    ))
}

/// The debounced sync loop.
struct Syncer {
    base: String,
    live: UseReducerHandle<Live>,
    /// A sync is running or waiting for its debounce.
    running: Cell<bool>,
    /// Something happened since the running sync started: run again after it.
    again: Cell<bool>,
}

impl Syncer {
    fn schedule(self: &Rc<Self>) {
        if self.running.replace(true) {
            self.again.set(true);
            return;
        }
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                sleep(SYNC_EVERY_MS).await;
                this.again.set(false);
                if let Err(message) = this.sync_once().await {
                    this.live.dispatch(LiveAction::Refused(message));
                }
                if !this.again.get() {
                    break;
                }
            }
            this.running.set(false);
        });
    }

    async fn sync_once(&self) -> Result<(), String> {
        // The time first: the session fetched after it holds every step up to it (and maybe some after, which
        // the page's sandbox keeps as written for later).
        let (_, info) = fetch(&format!("{}/info", self.base), None).await?;
        let info = core::parse_info(&info).map_err(|e| e.to_string())?;
        if !info.settled() {
            // The answer releases the server's next lines, and the stream brings the page back here.
            return Ok(());
        }
        let (_, scenario) = fetch(&format!("{}/scenario", self.base), None).await?;
        let scenario = core::parse_scenario(&scenario).map_err(|e| e.to_string())?;
        let now = info.now;
        INFO.with(|i| *i.borrow_mut() = Some(info));
        self.live.dispatch(LiveAction::Sync(scenario, now));
        Ok(())
    }
}

/// Asks for a sync soon (after a control's POST, or when the stream says something happened).
fn schedule() {
    if let Some(syncer) = SYNCER.with(|s| s.borrow().clone()) {
        syncer.schedule();
    }
}

/// Attaches the page to the server, once: the first sync, the log stream, and the clock check. Does nothing on a page the server did not serve.
#[hook]
pub fn use_attach(live: UseReducerHandle<Live>) {
    use_effect_with((), move |_| {
        if let Some(base) = base() {
            start(base, live);
        }
    });
}

fn start(base: String, live: UseReducerHandle<Live>) {
    let syncer = Rc::new(Syncer {
        base: base.clone(),
        live: live.clone(),
        running: Cell::new(false),
        again: Cell::new(false),
    });
    SYNCER.with(|s| *s.borrow_mut() = Some(syncer.clone()));
    // `window.conflabLog()`: the page's log as JSON lines, for end-to-end tests to compare with the server's
    // `GET /conflab/log` (read only when called).
    let sandbox = live.handle();
    let read_log = Closure::<dyn Fn() -> String>::new(move || {
        crate::engine::log::to_jsonl(sandbox.borrow().log())
    });
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"conflabLog".into(), read_log.as_ref());
    }
    read_log.forget();
    syncer.schedule();
    match web_sys::EventSource::new(&format!("{base}/log?follow=1")) {
        Ok(stream) => {
            // Every line (and the catch-up at each reconnect) asks for a sync; the debounce makes a burst one.
            let on_line = Closure::<dyn Fn(web_sys::MessageEvent)>::new(|_| schedule());
            stream.set_onmessage(Some(on_line.as_ref().unchecked_ref()));
            // The page's life: the stream and its handler stay until the page goes.
            on_line.forget();
            std::mem::forget(stream);
        }
        Err(_) => live.dispatch(LiveAction::Refused(
            "This browser could not open the server's log stream; the page shows the server's session as it was when it opened.".into(),
        )),
    }
    // A clock can move without a line being logged (the real one always; a manual one moved by someone else's
    // `POST /conflab/clock`): look at the server's time, and sync when it moved.
    let base = base.clone();
    gloo_timers::callback::Interval::new(CLOCK_CHECK_EVERY_MS, move || {
        let url = format!("{base}/info");
        wasm_bindgen_futures::spawn_local(async move {
            let server_now = fetch(&url, None)
                .await
                .ok()
                .and_then(|(_, body)| core::parse_info(&body).ok())
                .map(|i| i.now);
            if server_now.is_some() && server_now != info().map(|i| i.now) {
                schedule();
            }
        });
    })
    .forget();
}

/// Waits `ms` milliseconds (a `setTimeout` promise).
async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                i32::try_from(ms).unwrap_or(i32::MAX),
            );
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A GET (no body) or a POST of `body` as JSON: the status and the text, or why there was none.
async fn fetch(url: &str, body: Option<&str>) -> Result<(u16, String), String> {
    let unreachable = |e: wasm_bindgen::JsValue| {
        format!("The server did not answer {url} ({e:?}); is conflab serve still running?")
    };
    let window = web_sys::window().ok_or("no window")?;
    let promise = match body {
        None => window.fetch_with_str(url),
        Some(body) => {
            let init = web_sys::RequestInit::new();
            init.set_method("POST");
            init.set_body(&wasm_bindgen::JsValue::from_str(body));
            let headers = web_sys::Headers::new().map_err(unreachable)?;
            headers
                .set("Content-Type", "application/json")
                .map_err(unreachable)?;
            init.set_headers(&headers);
            window.fetch_with_str_and_init(url, &init)
        }
    };
    let response: web_sys::Response = JsFuture::from(promise)
        .await
        .map_err(unreachable)?
        .dyn_into()
        .map_err(unreachable)?;
    let text = JsFuture::from(response.text().map_err(unreachable)?)
        .await
        .map_err(unreachable)?
        .as_string()
        .unwrap_or_default();
    Ok((response.status(), text))
}

/// What a control does while attached: a step goes to the server (refused while viewing the past), the clock
/// moves forwards by asking the server (manual) or to the server's present (real) and backwards locally (a view
/// of the past), and what would replace or fork the session is refused. Returns the action when the page's
/// own sandbox takes it, as unattached.
pub fn act(live: &UseReducerHandle<Live>, action: LiveAction) -> Option<LiveAction> {
    let base = base()?;
    let refuse = |message: String| {
        live.dispatch(LiveAction::Refused(message));
        None
    };
    match action {
        LiveAction::Step(step) => {
            // Read, and the borrow dropped, before dispatching: the reducer borrows the sandbox mutably.
            let in_the_past = core::past_refusal(&live.borrow());
            if let Some(message) = in_the_past {
                return refuse(message);
            }
            let (live, body) = (live.clone(), core::step_body(&step));
            wasm_bindgen_futures::spawn_local(async move {
                match fetch(&format!("{base}/steps"), Some(&body)).await {
                    Ok((200, _)) => schedule(),
                    Ok((status, text)) => {
                        live.dispatch(LiveAction::Refused(core::refusal(status, &text)))
                    }
                    Err(message) => live.dispatch(LiveAction::Refused(message)),
                }
            });
            None
        }
        LiveAction::Advance(to) => {
            let present = live.borrow().horizon();
            if to <= present {
                return Some(LiveAction::Advance(to));
            }
            match info().map(|i| i.clock) {
                Some(ServerClock::Manual) => {
                    // From the server's time as last read, if another client moved it further than the page knows.
                    let from = info().map_or(present, |i| i.now.max(present));
                    let body = core::clock_body(from, to)?;
                    let live = live.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        match fetch(&format!("{base}/clock"), Some(&body)).await {
                            Ok((200, _)) => schedule(),
                            Ok((status, text)) => live.dispatch(LiveAction::Refused(format!(
                                "The server did not move its clock ({status}): {}",
                                text.trim()
                            ))),
                            Err(message) => live.dispatch(LiveAction::Refused(message)),
                        }
                    });
                    None
                }
                // The server's real clock moves itself: the page goes to its present.
                _ => Some(LiveAction::Advance(present)),
            }
        }
        LiveAction::Play(_) | LiveAction::Speed(_) | LiveAction::Tick(_) => refuse(
            "The clock is the server's while attached: use Next event or Jump to move a manual clock; a real clock moves by itself.".into(),
        ),
        LiveAction::Load(_) | LiveAction::Fork => refuse(
            "The session is the server's while attached: conflab serve cannot replace or fork it (restart it with another scenario file).".into(),
        ),
        other => Some(other),
    }
}
