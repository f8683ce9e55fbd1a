//! The virtual clock: its time, play/pause, the speed (0.25× to 10×), "next event", "step back" and "jump to",
//! with keyboard shortcuts (space plays or pauses, → goes to the next event, ← steps back; not while typing).
//! While playing it sends the real time elapsed at every animation frame ([`LiveAction::Tick`]; the reducer
//! scales it by the speed). The time it shows is its own state, so a frame re-renders this bar only; the rest of
//! the page re-renders when the sandbox's log changes.

use super::live::{Live, LiveAction};
use crate::page::{SPEEDS, format_at, next_event, parse_time, step_back_at};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// Properties of [`Clock`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The page's sandbox.
    pub live: Live,
    /// Where the clock's moves go.
    pub on_action: Callback<LiveAction>,
}

/// The frame callback, kept alive while the loop runs (it re-requests itself).
type Tick = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// The running animation-frame loop; dropping it stops the loop.
struct Frames {
    id: Rc<RefCell<Option<i32>>>,
    _tick: Tick,
}

impl Drop for Frames {
    fn drop(&mut self) {
        if let (Some(window), Some(id)) = (web_sys::window(), self.id.borrow_mut().take()) {
            let _ = window.cancel_animation_frame(id);
        }
    }
}

/// Requests `tick` for the next animation frame, remembering the request so it can be cancelled.
fn request(tick: &Closure<dyn FnMut(f64)>, id: &Rc<RefCell<Option<i32>>>) {
    if let Some(window) = web_sys::window() {
        *id.borrow_mut() = window
            .request_animation_frame(tick.as_ref().unchecked_ref())
            .ok();
    }
}

/// Follows real time: each frame, the real milliseconds elapsed go to `on_action` as a [`LiveAction::Tick`]
/// (when there is one), and the sandbox's time to `shown`.
fn start(
    live: &Live,
    on_action: Option<Callback<LiveAction>>,
    shown: UseStateHandle<u64>,
) -> Frames {
    let id = Rc::new(RefCell::new(None));
    let tick: Tick = Rc::new(RefCell::new(None));
    let sandbox = live.handle();
    let mut last = super::now_ms();
    let (id_in, tick_in) = (id.clone(), Rc::downgrade(&tick));
    *tick.borrow_mut() = Some(Closure::new(move |_: f64| {
        let real = super::now_ms();
        let elapsed = (real - last).max(0.0) as u64;
        // Whole milliseconds move the clock; the fraction waits for the next frame.
        last += elapsed as f64;
        if elapsed > 0
            && let Some(on_action) = &on_action
        {
            on_action.emit(LiveAction::Tick(elapsed));
        }
        shown.set(sandbox.borrow().now());
        if let Some(tick) = tick_in.upgrade()
            && let Some(closure) = tick.borrow().as_ref()
        {
            request(closure, &id_in);
        }
    }));
    if let Some(closure) = tick.borrow().as_ref() {
        request(closure, &id);
    }
    Frames { id, _tick: tick }
}

/// The virtual time to show: the sandbox's, followed at every animation frame while the clock plays (the page
/// re-renders only when the log changes). With `on_action`, this is the loop that moves the clock.
#[hook]
pub(super) fn use_frame_now(live: &Live, on_action: Option<Callback<LiveAction>>) -> u64 {
    let shown = use_state_eq(|| live.borrow().now());
    {
        let (live, shown) = (live.clone(), shown.clone());
        use_effect_with(live.playing, move |&playing| {
            let frames = playing.then(|| start(&live, on_action, shown));
            move || drop(frames)
        });
    }
    // Paused, the time shown follows the sandbox (a "next event", a step back).
    if live.playing {
        *shown
    } else {
        live.borrow().now()
    }
}

/// Whether a key event comes from somewhere the person types or presses keys for their own sake (inputs,
/// text areas, selects, buttons, a log line's summary, which Space opens, editable text), where the clock's
/// shortcuts must not fire.
fn typing(event: &KeyboardEvent) -> bool {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let tag = target.tag_name().to_ascii_lowercase();
    matches!(
        tag.as_str(),
        "input" | "textarea" | "select" | "button" | "summary"
    ) || target
        .get_attribute("contenteditable")
        .is_some_and(|v| v != "false")
}

/// Space, → and ← on the page, while nothing else took them.
#[hook]
fn use_shortcuts(
    playing: bool,
    next: Option<u64>,
    back: Option<u64>,
    on_action: Callback<LiveAction>,
) {
    use_effect_with((playing, next, back), move |&(playing, next, back)| {
        let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |event: KeyboardEvent| {
            if event.default_prevented()
                || event.ctrl_key()
                || event.meta_key()
                || event.alt_key()
                || typing(&event)
            {
                return;
            }
            let action = match event.key().as_str() {
                " " => Some(LiveAction::Play(!playing)),
                "ArrowRight" => next.map(LiveAction::Advance),
                "ArrowLeft" => back.map(LiveAction::Advance),
                _ => None,
            };
            if let Some(action) = action {
                event.prevent_default();
                on_action.emit(action);
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(document) = &document {
            let _ = document
                .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(document) = document {
                let _ = document.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

/// The clock bar.
#[component]
pub fn Clock(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:Clock");
    let time = use_frame_now(&props.live, Some(props.on_action.clone()));
    let jump_input = use_node_ref();
    let jump_error = use_state_eq(|| None::<String>);
    let playing = props.live.playing;
    let (next, back) = {
        let sandbox = props.live.borrow();
        (next_event(&sandbox), step_back_at(&sandbox))
    };
    use_shortcuts(playing, next, back, props.on_action.clone());
    let on_play = {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(LiveAction::Play(!playing)))
    };
    let on_next = {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(at) = next {
                on_action.emit(LiveAction::Advance(at));
            }
        })
    };
    let on_back = {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(at) = back {
                on_action.emit(LiveAction::Advance(at));
            }
        })
    };
    let on_speed = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse::<u32>().ok());
            if let Some(speed) = value {
                on_action.emit(LiveAction::Speed(speed));
            }
        })
    };
    let on_jump = {
        let (on_action, input, error) = (
            props.on_action.clone(),
            jump_input.clone(),
            jump_error.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = input
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            match parse_time(&text) {
                Ok(at) => {
                    error.set(None);
                    on_action.emit(LiveAction::Advance(at));
                }
                Err(message) => error.set(Some(message)),
            }
        })
    };
    let speed = props.live.speed;
    // Attached to `conflab serve`, the clock is the server's: it does not play here.
    let attached = super::attach::is_attached();
    html! {
        <section id="clock" class="card clock" aria-label="Virtual clock" data-playing={playing.to_string()}
                 data-speed={speed.to_string()}>
            <button type="button" id="play" class="primary" aria-pressed={playing.to_string()} onclick={on_play}
                    disabled={attached}
                    title={if attached { "The clock is conflab serve's: Next event and Jump move a manual one" } else { "Play or pause (space)" }}>
                { if playing { "Pause" } else { "Play" } }</button>
            <button type="button" id="step-back" disabled={back.is_none()} onclick={on_back}
                    title={back.map_or_else(|| "Nothing happened before now".to_owned(),
                                            |at| format!("Back to {}, the last thing before now (←)", format_at(at)))}>
                {"Step back"}</button>
            <span class="time" id="clock-time" data-ms={time.to_string()} role="timer">{format_at(time)}</span>
            <button type="button" id="next-event" disabled={next.is_none()} onclick={on_next}
                    title={next.map(|at| format!("Jump to {}, when the next thing is due (→)", format_at(at)))}>
                {"Next event"}</button>
            <label class="speed">{"Speed "}
                <select id="speed" onchange={on_speed} aria-label="Clock speed" disabled={attached}>
                    { for SPEEDS.iter().map(|&(quarters, label)| html! {
                        <option value={quarters.to_string()} selected={quarters == speed}>{label}</option>
                    }) }
                </select>
            </label>
            <form id="jump" class="jump" onsubmit={on_jump}>
                <input id="jump-to" type="text" ref={jump_input} placeholder="mm:ss.mmm" size="10"
                       aria-label="Jump to a time (mm:ss.mmm, seconds with s, or milliseconds)"
                       aria-invalid={jump_error.is_some().to_string()}
                       aria-describedby={jump_error.is_some().then_some("jump-error")} />
                <button type="submit" id="jump-go">{"Jump"}</button>
            </form>
            if let Some(message) = &*jump_error {
                <span id="jump-error" class="alert" role="alert">{message.clone()}</span>
            }
            <span class="hint" id="clock-hint">{super::attach::clock_hint().unwrap_or(
                "Dial +15550100000 (Conference line) from a phone, then the Host line from another.")}</span>
        </section>
    }
}
