//! The world editor: the account, numbers, phones and the customer's app **as they are now** (the scenario's
//! world with every `set` step up to now applied: [`crate::sandbox::world::world_now`], passed in by the page as a
//! value), edited as a draft.
//! **Apply** takes one `set` step at the current virtual time with just what changed
//! ([`crate::sandbox::world::diff`]), so the session records it and its export replays it.
//!
//! The draft is read back by the scenario reader ([`Draft::build`]): every problem is placed on its field, and
//! Apply stays disabled while there is one. The app's URLs are edited in [`super::world_app`].

use super::live::LiveAction;
use super::world_app::{AppSection, TemplatesHelp};
use crate::sandbox::world::{
    AnswerMode, Draft, DraftProblem, NumberDraft, PhoneDraft, VoiceKind, World, diff,
};
use crate::scenario::{self, Action};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Properties of [`WorldEditor`]: values only, so that a step that leaves the world, the time and the refusal as
/// they were does not re-render the editor (<https://yew.rs/docs/advanced-topics/optimizations>).
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The world as it is now ([`world_now`] of the page's sandbox).
    pub world: Rc<World>,
    /// The virtual time now (ms): when Apply writes its step.
    pub now: u64,
    /// The page's last refusal (an Apply the session could not take shows here).
    pub error: Option<String>,
    /// Receives the `set` step.
    pub on_action: Callback<LiveAction>,
}

/// The draft, changed by edits (each applied to the latest draft, so quick edits never undo each other).
#[derive(Clone, Default, PartialEq)]
pub(super) struct DraftState(pub Draft);

/// An edit of the draft.
pub(super) enum Edit {
    /// Replace it (the world changed, a revert).
    Reset(Draft),
    /// Change it.
    With(Box<dyn FnOnce(&mut Draft)>),
}

impl Reducible for DraftState {
    type Action = Edit;

    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        let mut draft = self.0.clone();
        match edit {
            Edit::Reset(d) => draft = d,
            Edit::With(f) => f(&mut draft),
        }
        Rc::new(DraftState(draft))
    }
}

/// The draft's handle, as the sections get it.
pub(super) type DraftHandle = UseReducerHandle<DraftState>;

/// A callback for a text field: `f` stores its value in the draft.
pub(super) fn on_text(
    draft: &DraftHandle,
    f: impl Fn(&mut Draft, String) + 'static,
) -> Callback<InputEvent> {
    let draft = draft.clone();
    let f = Rc::new(f);
    Callback::from(move |e: InputEvent| {
        let value = e.target_unchecked_into::<HtmlInputElement>().value();
        let f = f.clone();
        draft.dispatch(Edit::With(Box::new(move |d| f(d, value))));
    })
}

/// A callback for a menu: `f` stores its value in the draft.
pub(super) fn on_select(
    draft: &DraftHandle,
    f: impl Fn(&mut Draft, String) + 'static,
) -> Callback<Event> {
    let draft = draft.clone();
    let f = Rc::new(f);
    Callback::from(move |e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        let f = f.clone();
        draft.dispatch(Edit::With(Box::new(move |d| f(d, value))));
    })
}

/// A callback for a button: `f` changes the draft.
pub(super) fn on_click(
    draft: &DraftHandle,
    f: impl Fn(&mut Draft) + 'static,
) -> Callback<MouseEvent> {
    let draft = draft.clone();
    let f = Rc::new(f);
    Callback::from(move |_: MouseEvent| {
        let f = f.clone();
        draft.dispatch(Edit::With(Box::new(move |d| f(d))));
    })
}

/// The problems of one field, shown under it.
pub(super) fn problems_of(problems: &[DraftProblem], field: &str) -> Html {
    html! {
        { for problems.iter().filter(|p| p.field == field).map(|p| html! {
            <p class="field-problem" role="alert" data-field={p.field.clone()}>{&p.message}</p>
        }) }
    }
}

/// Whether a field has a problem (for `aria-invalid`).
pub(super) fn invalid(problems: &[DraftProblem], field: &str) -> String {
    problems.iter().any(|p| p.field == field).to_string()
}

/// The world editor.
#[component]
pub fn WorldEditor(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:WorldEditor");
    let world: World = (*props.world).clone();
    let draft = use_reducer_eq(|| DraftState(Draft::of(&world)));
    // The world the draft was last filled from. While the draft still says just that, it follows the world (a
    // set step fired, the clock went back, a session was loaded, an Apply went through); edits in progress stay.
    let synced = use_mut_ref(|| world.clone());
    let built = draft.0.build(&world);
    {
        let same = |w: &World| built.as_ref().is_ok_and(|b| diff(w, b).is_empty());
        if *synced.borrow() != world {
            if same(&world) {
                // The draft says what the world now says (an Apply went through): it follows the world from here.
                *synced.borrow_mut() = world.clone();
            } else if same(&synced.borrow()) {
                *synced.borrow_mut() = world.clone();
                draft.dispatch(Edit::Reset(Draft::of(&world)));
            }
        }
    }
    let (problems, change) = match &built {
        Ok(after) => (Vec::new(), Some(diff(&world, after))),
        Err(problems) => (problems.clone(), None),
    };
    let ready = change.as_ref().filter(|c| !c.is_empty()).cloned();
    let on_apply = {
        let (ready, on_action) = (ready.clone(), props.on_action.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(change) = ready.clone() {
                on_action.emit(LiveAction::Step(Action::Set(change)));
            }
        })
    };
    let on_revert = {
        let (draft, world, synced) = (draft.clone(), world.clone(), synced.clone());
        Callback::from(move |_: MouseEvent| {
            *synced.borrow_mut() = world.clone();
            draft.dispatch(Edit::Reset(Draft::of(&world)));
        })
    };
    let status = match (&change, problems.len()) {
        (_, n) if n > 0 => format!(
            "{n} problem{} to fix before Apply (shown at each field).",
            if n == 1 { "" } else { "s" }
        ),
        (Some(c), _) if c.is_empty() => "No changes: the world as it is now.".to_owned(),
        _ => format!(
            "Apply writes this step at {}:",
            crate::page::format_at(props.now)
        ),
    };
    let d = &draft.0;
    html! {
        <section id="world" class="card world" aria-labelledby="world-title">
            <div class="world-head">
                <h2 id="world-title">{"World"}</h2>
                <p class="hint">{"The account, its numbers, the outside phones and the customer's app as they are now. A change applies from the current virtual time as a "}<code>{"set"}</code>{" step: the session records it, so export and replay keep it. Calls already up keep going."}</p>
            </div>
            <AccountSection draft={draft.clone()} trial={d.trial} verified={d.verified.clone()} problems={problems.clone()} />
            <NumbersSection draft={draft.clone()} numbers={d.numbers.clone()} problems={problems.clone()} />
            <PhonesSection draft={draft.clone()} phones={d.phones.clone()} problems={problems.clone()} />
            <AppSection draft={draft.clone()} app={d.app.clone()} problems={problems.clone()} />
            <TemplatesHelp />
            <div class="world-apply">
                <p id="world-status" class={classes!("world-status", (!problems.is_empty()).then_some("bad"))}
                   role="status" data-problems={problems.len().to_string()}>{status}</p>
                if let Some(change) = &ready {
                    <code id="world-change" class="world-change">{format!("{{\"set\": {}}}", scenario::set_object(change, None))}</code>
                }
                <div class="world-buttons">
                    <button type="button" id="world-apply" class="primary" disabled={ready.is_none()} onclick={on_apply}>{"Apply"}</button>
                    <button type="button" id="world-revert" disabled={change.as_ref().is_some_and(|c| c.is_empty())} onclick={on_revert}>{"Revert"}</button>
                </div>
                if let Some(error) = &props.error {
                    <p id="world-refused" class="alert" role="alert">{error}</p>
                }
            </div>
        </section>
    }
}

#[derive(Clone, PartialEq, Properties)]
struct AccountProps {
    draft: DraftHandle,
    trial: bool,
    verified: String,
    problems: Vec<DraftProblem>,
}

#[component]
fn AccountSection(props: &AccountProps) -> Html {
    let draft = &props.draft;
    html! {
        <fieldset class="world-account">
            <legend>{"Account"}</legend>
            <div class="fields">
                <label class="field">{"Type"}
                    <select id="world-account-type" onchange={on_select(draft, |d, v| d.trial = v == "trial")}>
                        <option value="full" selected={!props.trial}>{"full"}</option>
                        <option value="trial" selected={props.trial}>{"trial: calls only verified numbers"}</option>
                    </select>
                </label>
                <label class="field wide-field">{"Verified numbers (E.164, comma separated)"}
                    <input id="world-account-verified" value={props.verified.clone()}
                           aria-invalid={invalid(&props.problems, "account/verifiedNumbers")}
                           oninput={on_text(draft, |d, v| d.verified = v)} />
                </label>
            </div>
            {problems_of(&props.problems, "account/verifiedNumbers")}
        </fieldset>
    }
}

#[derive(Clone, PartialEq, Properties)]
struct NumbersProps {
    draft: DraftHandle,
    numbers: Vec<NumberDraft>,
    problems: Vec<DraftProblem>,
}

#[component]
fn NumbersSection(props: &NumbersProps) -> Html {
    let draft = &props.draft;
    let problems = &props.problems;
    let add = on_click(draft, |d| d.numbers.push(NumberDraft::default()));
    html! {
        <fieldset class="world-numbers">
            <legend>{"Numbers"}</legend>
            { for props.numbers.iter().enumerate().map(|(i, n)| {
                let field = |key: &str| format!("numbers/{i}/{key}");
                let url_inputs = n.urls().map(|(key, value)| {
                    let f = field(key);
                    html! {
                        <label class="field">{key}
                            <input id={format!("world-number-{i}-{key}")} value={value.clone()} placeholder="https://…"
                                   aria-invalid={invalid(problems, &f)}
                                   oninput={on_text(draft, move |d, v| if let Some(u) = d.numbers[i].url_mut(key) { *u = v })} />
                            {problems_of(problems, &f)}
                        </label>
                    }
                });
                html! {
                    <div class="world-row" data-number={n.number.clone()}>
                        <div class="fields">
                            <label class="field">{"Number"}
                                <input id={format!("world-number-{i}")} value={n.number.clone()} placeholder="+15550100002"
                                       aria-invalid={invalid(problems, &field("number"))}
                                       oninput={on_text(draft, move |d, v| d.numbers[i].number = v)} />
                                {problems_of(problems, &field("number"))}
                            </label>
                            <label class="field">{"alias"}
                                <input id={format!("world-number-{i}-alias")} value={n.alias.clone()}
                                       oninput={on_text(draft, move |d, v| d.numbers[i].alias = v)} />
                            </label>
                            { for url_inputs }
                            <button type="button" class="small danger" title="Remove this number"
                                    onclick={on_click(draft, move |d| { d.numbers.remove(i); })}>{"Remove"}</button>
                        </div>
                    </div>
                }
            }) }
            <button type="button" id="world-add-number" class="small" onclick={add}>{"Add a number"}</button>
        </fieldset>
    }
}

#[derive(Clone, PartialEq, Properties)]
struct PhonesProps {
    draft: DraftHandle,
    phones: Vec<PhoneDraft>,
    problems: Vec<DraftProblem>,
}

#[component]
fn PhonesSection(props: &PhonesProps) -> Html {
    let draft = &props.draft;
    let problems = &props.problems;
    let add = on_click(draft, |d| d.phones.push(PhoneDraft::default()));
    html! {
        <fieldset class="world-phones">
            <legend>{"Phones"}</legend>
            <p class="hint">{"A phone not listed answers at once and is silent. Answer mode and hangupAfterMs apply to calls placed later; the voice to calls it starts later."}</p>
            { for props.phones.iter().enumerate().map(|(i, p)| {
                let field = |key: &str| format!("phones/{i}/{key}");
                let voice_fields = match p.voice {
                    VoiceKind::Silence => html! {},
                    VoiceKind::Tone => html! {
                        <label class="field">{"Hz"}
                            <input id={format!("world-phone-{i}-hz")} value={p.tone_hz.clone()} inputmode="numeric"
                                   oninput={on_text(draft, move |d, v| d.phones[i].tone_hz = v)} />
                        </label>
                    },
                    VoiceKind::Talker => html! {
                        <>
                            <label class="field">{"text (optional)"}
                                <input id={format!("world-phone-{i}-text")} value={p.text.clone()}
                                       oninput={on_text(draft, move |d, v| d.phones[i].text = v)} />
                            </label>
                            <label class="field">{"talkMs"}
                                <input value={p.talk_ms.clone()} inputmode="numeric" size="6"
                                       oninput={on_text(draft, move |d, v| d.phones[i].talk_ms = v)} />
                            </label>
                            <label class="field">{"silenceMs"}
                                <input value={p.silence_ms.clone()} inputmode="numeric" size="6"
                                       oninput={on_text(draft, move |d, v| d.phones[i].silence_ms = v)} />
                            </label>
                        </>
                    },
                    VoiceKind::Speech | VoiceKind::File => html! {
                        <label class="field">{ if p.voice == VoiceKind::Speech { "text" } else { "file" } }
                            <input id={format!("world-phone-{i}-text")} value={p.text.clone()}
                                   oninput={on_text(draft, move |d, v| d.phones[i].text = v)} />
                        </label>
                    },
                };
                html! {
                    <div class="world-row" data-phone={p.number.clone()}>
                        <div class="fields">
                            <label class="field">{"Phone"}
                                <input id={format!("world-phone-{i}")} value={p.number.clone()} placeholder="+15550155555"
                                       aria-invalid={invalid(problems, &field("number"))}
                                       oninput={on_text(draft, move |d, v| d.phones[i].number = v)} />
                            </label>
                            <label class="field">{"Answer"}
                                <select id={format!("world-phone-{i}-answer")}
                                        onchange={on_select(draft, move |d, v| if let Some(m) = AnswerMode::parse(&v) { d.phones[i].answer = m })}>
                                    { for AnswerMode::ALL.iter().map(|m| html! {
                                        <option value={m.as_str()} selected={*m == p.answer}>{m.label()}</option>
                                    }) }
                                </select>
                            </label>
                            if p.answer == AnswerMode::After {
                                <label class="field">{"after ms"}
                                    <input id={format!("world-phone-{i}-after")} value={p.after_ms.clone()} inputmode="numeric" size="6"
                                           oninput={on_text(draft, move |d, v| d.phones[i].after_ms = v)} />
                                </label>
                            }
                            <label class="field">{"Voice"}
                                <select id={format!("world-phone-{i}-voice")}
                                        onchange={on_select(draft, move |d, v| if let Some(k) = VoiceKind::parse(&v) { d.phones[i].voice = k })}>
                                    { for VoiceKind::ALL.iter().map(|k| html! {
                                        <option value={k.as_str()} selected={*k == p.voice}>{k.as_str()}</option>
                                    }) }
                                </select>
                            </label>
                            {voice_fields}
                            <label class="field">{"says"}
                                <input id={format!("world-phone-{i}-says")} value={p.says.clone()} placeholder="what GetSpeech hears"
                                       oninput={on_text(draft, move |d, v| d.phones[i].says = v)} />
                            </label>
                            <label class="field">{"hangupAfterMs"}
                                <input id={format!("world-phone-{i}-hangup")} value={p.hangup_after_ms.clone()} inputmode="numeric" size="7"
                                       aria-invalid={invalid(problems, &field("hangupAfterMs"))}
                                       oninput={on_text(draft, move |d, v| d.phones[i].hangup_after_ms = v)} />
                            </label>
                            <button type="button" class="small danger" title="Remove this phone (back to the default)"
                                    onclick={on_click(draft, move |d| { d.phones.remove(i); })}>{"Remove"}</button>
                        </div>
                        { for ["number", "answer", "media", "says", "hangupAfterMs"].iter().map(|k| problems_of(problems, &field(k))) }
                    </div>
                }
            }) }
            <button type="button" id="world-add-phone" class="small" onclick={add}>{"Add a phone"}</button>
        </fieldset>
    }
}
