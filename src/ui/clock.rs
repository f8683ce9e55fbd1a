//! The virtual clock: its time, play/pause and "next event". While playing it moves the sandbox's clock by the
//! real time elapsed at every animation frame (1x). The time it shows is its own state, so a frame re-renders
//! this bar only; the rest of the page re-renders when the sandbox's log changes.

use super::live::{Live, LiveAction};
use crate::page::{format_at, next_event};
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

/// Follows real time: each frame, `now + elapsed` goes to the sandbox and to `shown`.
fn start(live: &Live, on_action: Callback<LiveAction>, shown: UseStateHandle<u64>) -> Frames {
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
        if elapsed > 0 {
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

/// The clock bar.
#[component]
pub fn Clock(props: &Props) -> Html {
    let shown = use_state_eq(|| props.live.borrow().now());
    {
        let (live, on_action, shown) = (props.live.clone(), props.on_action.clone(), shown.clone());
        use_effect_with(props.live.playing, move |&playing| {
            let frames = playing.then(|| start(&live, on_action, shown));
            move || drop(frames)
        });
    }
    // Paused, the time shown follows the sandbox (a "next event", a step back).
    let playing = props.live.playing;
    let time = if playing {
        *shown
    } else {
        props.live.borrow().now()
    };
    let next = next_event(&props.live.borrow());
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
    html! {
        <section id="clock" class="card clock" aria-label="Virtual clock" data-playing={playing.to_string()}>
            <button type="button" id="play" class="primary" aria-pressed={playing.to_string()} onclick={on_play}>
                { if playing { "Pause" } else { "Play" } }</button>
            <span class="time" id="clock-time" data-ms={time.to_string()} role="timer">{format_at(time)}</span>
            <button type="button" id="next-event" disabled={next.is_none()} onclick={on_next}
                    title={next.map(|at| format!("Jump to {}, when the next thing is due", format_at(at)))}>
                {"Next event"}</button>
            <span class="hint">{"Dial +15550100000 (Conference line) from a phone, then the Host line from another."}</span>
        </section>
    }
}
