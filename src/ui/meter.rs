//! Level meters: the worklet's meters by call id, kept outside Yew's state ([`Meters`]) so that a meter tick
//! (every 50 ms) re-renders each [`MeterView`] whose reading changed, never the page.

use conflab_mixer::Meter;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};
use yew::prelude::*;

#[derive(Default)]
struct Inner {
    latest: BTreeMap<String, Meter>,
    listeners: Vec<Weak<dyn Fn()>>,
}

/// The latest meter of each call's voice, with listeners told of every update. Compared by pointer.
#[derive(Clone, Default)]
pub struct Meters(Rc<RefCell<Inner>>);

impl PartialEq for Meters {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Meters {
    /// The meter of `call_id`, if audio reported one.
    pub fn get(&self, call_id: &str) -> Option<Meter> {
        self.0.borrow().latest.get(call_id).copied()
    }

    /// Every meter, by call id.
    pub fn all(&self) -> BTreeMap<String, Meter> {
        self.0.borrow().latest.clone()
    }

    /// Replaces the readings and tells every listener still alive.
    pub fn set(&self, latest: BTreeMap<String, Meter>) {
        let listeners: Vec<Rc<dyn Fn()>> = {
            let mut inner = self.0.borrow_mut();
            inner.latest = latest;
            inner.listeners.retain(|l| l.strong_count() > 0);
            inner.listeners.iter().filter_map(Weak::upgrade).collect()
        };
        for listener in listeners {
            listener();
        }
    }

    /// Calls `listener` after every update while the returned handle lives.
    pub fn listen(&self, listener: impl Fn() + 'static) -> Rc<dyn Fn()> {
        let listener: Rc<dyn Fn()> = Rc::new(listener);
        self.0.borrow_mut().listeners.push(Rc::downgrade(&listener));
        listener
    }
}

/// A meter's position for an RMS level: −60 dBFS (or silence) at 0, full scale at 1, linear in dB, so quiet
/// speech still moves the bar.
fn meter_position(rms: f32) -> f64 {
    if rms <= 0.001 {
        return 0.0;
    }
    let db = 20.0 * f64::from(rms).log10();
    ((db + 60.0) / 60.0).min(1.0)
}

/// Properties of [`MeterView`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The call whose voice is measured.
    pub call_id: String,
    /// Who it is, for the label.
    pub name: String,
    /// The page's meters.
    pub meters: Meters,
}

/// A level meter and a talking badge, fed by [`Meters`] directly.
#[component]
pub fn MeterView(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:MeterView");
    let reading = use_state_eq(|| props.meters.get(&props.call_id));
    {
        let (meters, call_id, reading) =
            (props.meters.clone(), props.call_id.clone(), reading.clone());
        use_effect_with(props.call_id.clone(), move |_| {
            let source = meters.clone();
            let handle = meters.listen(move || reading.set(source.get(&call_id)));
            move || drop(handle)
        });
    }
    let meter = reading.unwrap_or_default();
    let talking = reading.is_some_and(|m| m.talking);
    html! {
        <span class="meter" data-talking={talking.to_string()}>
            <meter class="level" min="0" max="1" low="0.5" high="0.9" value={meter_position(meter.rms).to_string()}
                   aria-label={format!("Level of {}", props.name)} data-rms={meter.rms.to_string()}
                   data-peak={meter.peak.to_string()}></meter>
            <span class={classes!("talking", talking.then_some("on"))} aria-live="off">
                { if talking { "talking" } else { "quiet" } }</span>
        </span>
    }
}
