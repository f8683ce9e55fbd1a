//! The Phones panel: the world's outside phones (and any other that has called), each with its current call,
//! and what a phone can do: dial one of the account's numbers, answer, press keys, say a phrase, hang up. Each
//! control sends the step a scenario would take. Below them, every call with its status and,
//! while it lives, the PerCL command it runs and what it waits for ([`crate::why::activity`]).

use super::live::{Live, LiveAction};
use crate::page::{can_answer, format_at, media_word, phone_name, phones};
use crate::scenario::Action;
use crate::why::activity::{CallActivity, call_activity, words};
use crate::why::groups::Groups;
use crate::wire::CallStatus;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Properties of [`Phones`] and its rows.
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The page's sandbox.
    pub live: Live,
    /// Where the steps go.
    pub on_action: Callback<LiveAction>,
}

/// The phones and the calls.
#[component]
pub fn Phones(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:Phones");
    let groups = use_mut_ref(Groups::new);
    let sandbox = props.live.borrow();
    let listed = phones(&sandbox);
    let engine = sandbox.engine();
    let log = sandbox.log();
    groups.borrow_mut().sync(log, sandbox.generation());
    let index = groups.borrow();
    // What each live call runs and waits for, in words.
    let doing = |id: &str| {
        call_activity(engine, log, &index, id)
            .filter(|a| !matches!(a, CallActivity::Ended { .. }))
            .map(|a| words(&a))
    };
    let calls: Vec<_> = engine.calls().collect();
    let numbers: Rc<Vec<(String, Option<String>)>> = Rc::new(
        sandbox
            .scenario()
            .numbers
            .iter()
            .map(|(n, cfg)| (n.clone(), cfg.alias.clone()))
            .collect(),
    );
    html! {
        <section id="phones" class="card phones" aria-labelledby="phones-title">
            <h2 id="phones-title">{"Phones"}</h2>
            <ul class="phone-list">
                { for listed.into_iter().map(|phone| {
                    let call = engine
                        .current_call_of(&phone)
                        .and_then(|id| engine.call(&id))
                        .map(|c| (c.id.clone(), c.status, c.to.clone()));
                    let media = sandbox.scenario().phones.get(&phone).map(|p| media_word(&p.media));
                    let answerable = can_answer(&sandbox, &phone);
                    html! {
                        <PhoneRow key={phone.clone()} phone={phone.clone()} {call} {media} {answerable}
                                  numbers={numbers.clone()} on_action={props.on_action.clone()} />
                    }
                }) }
            </ul>
            <h3>{"Calls"}</h3>
            if calls.is_empty() {
                <p class="hint">{"No calls yet."}</p>
            } else {
                <ul id="calls" class="calls" aria-label="Calls">
                    { for calls.iter().rev().map(|c| html! {
                        <li class="call" data-call-id={c.id.clone()} data-phone={c.phone.clone()}
                            data-status={c.status.as_str()}>
                            <code title={c.id.clone()}>{format!("{}…", &c.id[..c.id.len().min(10)])}</code>
                            <span class="which">{format!("{} → {}", phone_name(&c.from), c.to)}</span>
                            <span class="status" data-status={c.status.as_str()}>{c.status.as_str()}</span>
                            <time>{format_at(c.created_at)}</time>
                            if let Some(doing) = doing(&c.id) {
                                <span class="activity" title="the PerCL command it runs and what it waits for">{doing}</span>
                            }
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

/// A phone's row, from plain values: a row whose phone, call and numbers did not change is not re-rendered
/// when something else in the sandbox did.
#[derive(Clone, PartialEq, Properties)]
struct RowProps {
    phone: String,
    /// Its current call: id, status, the number called.
    call: Option<(String, CallStatus, String)>,
    /// What it sends, in a word.
    media: Option<String>,
    /// Whether it can answer now (a manual phone ringing).
    answerable: bool,
    /// The account's numbers and their aliases, to dial.
    numbers: Rc<Vec<(String, Option<String>)>>,
    on_action: Callback<LiveAction>,
}

/// The value of an input.
fn value_of(input: &NodeRef) -> String {
    input
        .cast::<HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

/// One phone: what it is, its call, and its controls.
#[component]
fn PhoneRow(props: &RowProps) -> Html {
    let _timed = super::Timed::new("conflab:c:PhoneRow");
    let number = use_node_ref();
    let digits = use_node_ref();
    let phrase = use_node_ref();
    let phone = props.phone.clone();
    let call = props.call.as_ref();
    let media = props.media.clone();
    let answerable = props.answerable;
    let step = |make: Box<dyn Fn() -> Option<Action>>| {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(action) = make() {
                on_action.emit(LiveAction::Step(action));
            }
        })
    };
    let on_dial = {
        let (phone, number) = (phone.clone(), number.clone());
        step(Box::new(move || {
            let to = number.cast::<HtmlSelectElement>()?.value();
            Some(Action::Dial {
                from: phone.clone(),
                to,
            })
        }))
    };
    let on_answer = {
        let phone = phone.clone();
        step(Box::new(move || {
            Some(Action::Answer {
                phone: phone.clone(),
            })
        }))
    };
    let on_hangup = {
        let phone = phone.clone();
        step(Box::new(move || {
            Some(Action::Hangup {
                phone: phone.clone(),
            })
        }))
    };
    let on_digits = {
        let (phone, digits) = (phone.clone(), digits.clone());
        step(Box::new(move || {
            let keys = value_of(&digits);
            (!keys.is_empty()).then(|| Action::Digits {
                phone: phone.clone(),
                digits: keys,
            })
        }))
    };
    let on_say = {
        let (phone, phrase) = (phone.clone(), phrase.clone());
        step(Box::new(move || {
            let text = value_of(&phrase);
            (!text.trim().is_empty()).then(|| Action::Say {
                phone: phone.clone(),
                text,
            })
        }))
    };
    let name = phone_name(&phone);
    let on_call = call.is_some();
    html! {
        <li class="phone" data-phone={phone.clone()} data-call-id={call.map(|c| c.0.clone())}
            data-call-status={call.map(|c| c.1.as_str())}>
            <div class="phone-head">
                <strong class="name">{name.clone()}</strong>
                if name != phone { <span class="number">{phone.clone()}</span> }
                if let Some(media) = media { <span class="badge" title="what this phone sends">{media}</span> }
                { match call {
                    Some((_, status, to)) => html! { <span class="status" data-status={status.as_str()}>
                        {format!("{} ({})", status.as_str(), to)}</span> },
                    None => html! { <span class="idle">{"idle"}</span> },
                } }
            </div>
            <div class="phone-actions">
                <select ref={number} aria-label={format!("Number for {name} to dial")} disabled={on_call}>
                    // The first number is chosen at first (the default world's Conference line, where the hint
                    // sends a learner).
                    { for props.numbers.iter().enumerate().map(|(i, (n, alias))| html! {
                        <option value={n.clone()} selected={i == 0}>{match alias {
                            Some(alias) => format!("{n} ({alias})"),
                            None => n.clone(),
                        }}</option>
                    }) }
                </select>
                <button type="button" class="small" disabled={on_call} onclick={on_dial}
                        aria-label={format!("Dial from {name}")}>{"Dial"}</button>
                if answerable {
                    <button type="button" class="small primary" onclick={on_answer}
                            aria-label={format!("Answer on {name}")}>{"Answer"}</button>
                }
                if on_call {
                    <input ref={digits} type="text" class="digits" placeholder="123#" size="5" autocomplete="off"
                           aria-label={format!("Keys for {name} to press")} />
                    <button type="button" class="small" onclick={on_digits}
                            aria-label={format!("Press keys on {name}")}>{"Press"}</button>
                    <input ref={phrase} type="text" class="phrase" placeholder="a phrase" size="10" autocomplete="off"
                           aria-label={format!("Phrase for {name} to say")} />
                    <button type="button" class="small" onclick={on_say}
                            aria-label={format!("Say on {name}")}>{"Say"}</button>
                    <button type="button" class="small danger" onclick={on_hangup}
                            aria-label={format!("Hang up {name}")}>{"Hang up"}</button>
                }
            </div>
        </li>
    }
}
