//! The timeline strip: the session from 0 to the furthest time known ([`crate::sandbox::Sandbox::horizon`]),
//! with a mark for every webhook, conference status change and call status change ([`crate::page::timeline_marks`],
//! binned so a long session draws a bounded number of elements), the known future dimmed and a cursor at now.
//! Clicking or dragging on it moves the clock there ([`LiveAction::Advance`]); as a `role="slider"` it also takes
//! the keyboard: ←/→ step by event, Home and End go to the ends.

use super::live::{Live, LiveAction};
use crate::page::{Strip, format_at, scrub_at, step_back_at, step_forward_at, timeline_marks};
use std::rc::Rc;
use yew::prelude::*;

/// How many slices the strip bins its marks into (per kind and side of now).
const BUCKETS: usize = 400;

/// Properties of [`Timeline`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The page's sandbox.
    pub live: Live,
    /// Where scrubs go.
    pub on_action: Callback<LiveAction>,
}

/// The strip.
#[component]
pub fn Timeline(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:Timeline");
    let now = super::clock::use_frame_now(&props.live, None);
    let strip = {
        let live = props.live.clone();
        // The marks change only when the sandbox does (the version), not at every frame of the playing clock.
        use_memo(props.live.version, move |_| {
            timeline_marks(&live.borrow(), BUCKETS)
        })
    };
    // While playing at the live edge the clock runs past the last render's end.
    let end = strip.end.max(now);
    let dragging = use_mut_ref(|| false);
    let last_sent = use_mut_ref(|| None::<u64>);

    let scrub = {
        let (on_action, last_sent) = (props.on_action.clone(), last_sent.clone());
        Rc::new(move |e: &PointerEvent| {
            let Some(el) = e.target_dyn_into::<web_sys::HtmlElement>() else {
                return;
            };
            let at = scrub_at(f64::from(e.offset_x()), f64::from(el.client_width()), end);
            if *last_sent.borrow() != Some(at) {
                *last_sent.borrow_mut() = Some(at);
                on_action.emit(LiveAction::Advance(at));
            }
        })
    };
    let on_down = {
        let (scrub, dragging, last_sent) = (scrub.clone(), dragging.clone(), last_sent.clone());
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                // A synthetic pointer has no capture to set; the strip still scrubs.
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            *dragging.borrow_mut() = true;
            *last_sent.borrow_mut() = None;
            scrub(&e);
        })
    };
    let on_move = {
        let (scrub, dragging) = (scrub.clone(), dragging.clone());
        Callback::from(move |e: PointerEvent| {
            if *dragging.borrow() {
                scrub(&e);
            }
        })
    };
    let on_up = {
        let dragging = dragging.clone();
        Callback::from(move |e: PointerEvent| {
            *dragging.borrow_mut() = false;
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                let _ = el.release_pointer_capture(e.pointer_id());
            }
        })
    };
    let on_key = {
        let (on_action, live) = (props.on_action.clone(), props.live.clone());
        Callback::from(move |e: KeyboardEvent| {
            let to = {
                let sandbox = live.borrow();
                let end = crate::page::timeline_end(&sandbox);
                match e.key().as_str() {
                    "ArrowRight" | "ArrowUp" => step_forward_at(&sandbox),
                    "ArrowLeft" | "ArrowDown" => step_back_at(&sandbox),
                    "PageUp" => Some(sandbox.now().saturating_add(end / 10).min(end)),
                    "PageDown" => Some(sandbox.now().saturating_sub(end / 10)),
                    "Home" => Some(0),
                    "End" => Some(sandbox.horizon()),
                    _ => return,
                }
            };
            // Handled (even at an end): the page must not scroll, nor the clock's own shortcuts fire.
            e.prevent_default();
            if let Some(to) = to {
                on_action.emit(LiveAction::Advance(to));
            }
        })
    };
    let pct = |at: u64| (at.min(end) as f64 / end as f64) * 100.0;
    let now_pct = pct(now);
    let horizon = strip.end.max(now);
    html! {
        <section id="timeline" class="card timeline" aria-label="Timeline">
            <div class="timeline-ends">
                <span>{format_at(0)}</span>
                <span class="legend">
                    <span class="mark webhook" aria-hidden="true"></span>{" webhook "}
                    <span class="mark conference" aria-hidden="true"></span>{" conference status "}
                    <span class="mark call" aria-hidden="true"></span>{" call status "}
                    <span class="known-future-key" aria-hidden="true"></span>{" known future"}
                </span>
                <span id="timeline-end">{format_at(horizon)}</span>
            </div>
            <div id="timeline-strip" class="strip" role="slider" tabindex="0"
                 aria-label="Session timeline: click or drag to move the clock; arrow keys step by event"
                 aria-valuemin="0" aria-valuemax={end.to_string()} aria-valuenow={now.to_string()}
                 aria-valuetext={format_at(now)} data-marks={strip.marks.len().to_string()}
                 data-lines={strip.lines.to_string()}
                 onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up.clone()}
                 onpointercancel={on_up} onkeydown={on_key}>
                <div class="past" style={format!("width:{now_pct:.3}%")}></div>
                if strip.end > now {
                    <div class="known-future" style={format!("left:{now_pct:.3}%;width:{:.3}%", 100.0 - now_pct)}></div>
                }
                <div class="marks" style={format!("width:{:.3}%", pct(strip.end))}>
                    <Marks strip={strip.clone()} />
                </div>
                <div class="cursor" style={format!("left:{now_pct:.3}%")}></div>
            </div>
        </section>
    }
}

/// Properties of [`Marks`]: the strip as computed at one version of the sandbox.
#[derive(Clone, Properties)]
struct MarksProps {
    strip: Rc<Strip>,
}

impl PartialEq for MarksProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.strip, &other.strip)
    }
}

/// The marks, placed on the strip's span at their last computation (`.marks` is as wide as that span), so that
/// the frames of the playing clock re-render the cursor only, never the marks.
#[component]
fn Marks(props: &MarksProps) -> Html {
    let _timed = super::Timed::new("conflab:c:Marks");
    let strip = &props.strip;
    strip
        .marks
        .iter()
        .map(|m| {
            html! {
                <span class={classes!("mark", m.kind.as_str(), m.future.then_some("future"))}
                      style={format!("left:{:.3}%", strip.percent(m.at))} title={m.title.clone()}
                      data-at={m.at.to_string()} data-count={m.count.to_string()}></span>
            }
        })
        .collect()
}
