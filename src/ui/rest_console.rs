//! The REST console: any request the simulated FreeClimb serves, picked from the catalogue
//! ([`crate::api::catalog::ENDPOINTS`]), its path ids offered from the sandbox, its body checked as it is typed
//! with the router's own reader, sent as an `api` step now, and answered from the log's matching line. Copy as
//! curl / Python SDK ([`super::copy_as::CopyAs`]) write the same request out with the account's credentials.
//!
//! What the form sends, which ids fit and which line answers are decided in [`crate::api::console`].

use super::copy_as::CopyAs;
use super::live::{Live, LiveAction, Shared};
use crate::api::catalog::{Endpoint, ValueType};
use crate::api::console::{self, Blocker, Draft, IdChoice};
use crate::engine::log::ApiLine;
use crate::ids::IdKind;
use crate::scenario::{Action, ApiRequest};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The endpoint the console opens on.
const FIRST: &str = "GET /Conferences";

/// Properties of [`RestConsole`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The page's sandbox (its ids, account and log).
    pub live: Live,
    /// Receives the `api` step.
    pub on_action: Callback<LiveAction>,
}

/// A request the console sent, to find its answer in the log.
#[derive(Clone, PartialEq)]
struct Sent {
    /// The log's length before the step.
    from: usize,
    /// The sandbox's generation then (a rebuilt log has other lines).
    generation: u64,
    request: ApiRequest,
}

/// The form's state for one endpoint.
#[derive(Clone, PartialEq)]
struct Form {
    key: String,
    path: Vec<String>,
    query: Vec<String>,
    body: String,
}

impl Form {
    fn new(endpoint: &'static Endpoint) -> Form {
        Form {
            key: console::key(endpoint),
            path: vec![String::new(); endpoint.path_params.len()],
            query: vec![String::new(); endpoint.query.len()],
            body: endpoint.example_body.unwrap_or("").to_owned(),
        }
    }
}

/// What the last request sent shows.
#[derive(Clone, PartialEq)]
enum Answer {
    /// The clock went back past it: the log was replayed without it.
    Gone,
    /// Its line in the log.
    Line(ApiLine),
    /// No line answers it (the sandbox refused the step).
    None,
}

/// What the console shows of the sandbox, as values, for the endpoint picked: a step that changes none of them
/// (a call dialling in while `GET /Conferences` is picked) does not re-render the form
/// (<https://yew.rs/docs/advanced-topics/optimizations>).
#[derive(Clone, PartialEq)]
struct Data {
    account_id: String,
    api_key: String,
    /// Each path parameter's choices (for a participant, the picked conference's calls).
    choices: Vec<Vec<IdChoice>>,
    /// Each path parameter's value: what was typed or picked, else the newest id that fits.
    path_values: Vec<String>,
    /// The ids of each kind the query fields offer (only the kinds they name).
    lists: Vec<(IdKind, Vec<IdChoice>)>,
    /// The answer to the last request sent.
    answer: Option<Answer>,
}

fn datalist_id(kind: IdKind) -> String {
    format!("rc-ids-{}", kind.prefix().to_ascii_lowercase())
}

/// The console card: reads the sandbox into [`Data`] for the form.
#[component]
pub fn RestConsole(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:RestConsole");
    let form = use_state(|| Form::new(console::by_key(FIRST).expect("a catalogued endpoint")));
    let sent = use_state(|| None::<Sent>);
    let sandbox = props.live.borrow();
    let engine = sandbox.engine();
    let account = &engine.config().account;
    let endpoint = console::by_key(&form.key).expect("the form holds a catalogued key");
    let mut path_values: Vec<String> = Vec::new();
    let mut choices = Vec::new();
    for (i, param) in endpoint.path_params.iter().enumerate() {
        let chosen: Vec<(&str, &str)> = endpoint
            .path_params
            .iter()
            .zip(&path_values)
            .map(|(p, v)| (p.name, v.as_str()))
            .collect();
        let these = console::path_choices(engine, endpoint, param, &chosen);
        let typed = form.path.get(i).cloned().unwrap_or_default();
        let value = if typed.is_empty() {
            these.first().map(|c| c.id.clone()).unwrap_or_default()
        } else {
            typed
        };
        choices.push(these);
        path_values.push(value);
    }
    let lists = [IdKind::Conference, IdKind::Call, IdKind::Recording]
        .into_iter()
        .filter(|kind| endpoint.query.iter().any(|q| q.id == Some(*kind)))
        .map(|kind| (kind, console::ids_of(engine, kind)))
        .collect();
    let answer = sent.as_ref().map(|s| {
        if s.generation != sandbox.generation() {
            return Answer::Gone;
        }
        match console::response(sandbox.log(), s.from, &s.request, &account.account_id) {
            Some(line) => Answer::Line(line.clone()),
            None => Answer::None,
        }
    });
    let data = Rc::new(Data {
        account_id: account.account_id.clone(),
        api_key: account.api_key.clone(),
        choices,
        path_values,
        lists,
        answer,
    });
    html! {
        <ConsoleForm {data} {form} {sent} live={props.live.shared()} on_action={props.on_action.clone()} />
    }
}

#[derive(Clone, PartialEq, Properties)]
struct FormProps {
    data: Rc<Data>,
    form: UseStateHandle<Form>,
    sent: UseStateHandle<Option<Sent>>,
    /// Read when Send is pressed (where the answer will start in the log).
    live: Shared,
    on_action: Callback<LiveAction>,
}

/// The form, drawn from [`Data`] and its own state.
#[component]
fn ConsoleForm(props: &FormProps) -> Html {
    let _timed = super::Timed::new("conflab:c:ConsoleForm");
    let (data, form, sent) = (&*props.data, &props.form, &props.sent);
    let endpoint = console::by_key(&form.key).expect("the form holds a catalogued key");
    let path_values = &data.path_values;
    let mut pickers = Vec::new();
    for (i, param) in endpoint.path_params.iter().enumerate() {
        let choices = data.choices.get(i).map_or(&[][..], Vec::as_slice);
        let value = path_values.get(i).cloned().unwrap_or_default();
        let set = {
            let form = form.clone();
            move |v: String| {
                let mut next = (*form).clone();
                if let Some(slot) = next.path.get_mut(i) {
                    *slot = v;
                }
                // A participant's call depends on the conference: let it follow the new one.
                for later in next.path.iter_mut().skip(i + 1) {
                    later.clear();
                }
                form.set(next);
            }
        };
        let onpick = {
            let set = set.clone();
            Callback::from(move |e: Event| {
                set(e.target_unchecked_into::<HtmlSelectElement>().value());
            })
        };
        let ontype = Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlInputElement>().value());
        });
        let known = choices.iter().any(|c| c.id == value);
        let kind_word = match param.id {
            IdKind::Conference => "conferences",
            IdKind::Call => "calls",
            IdKind::Recording => "recordings",
            _ => "ids",
        };
        pickers.push(html! {
            <div class="rc-param" data-param={param.name}>
                <label class="field">{param.name}
                    if choices.is_empty() {
                        <select class="rc-pick" disabled=true>
                            <option>{format!("no {kind_word} yet")}</option>
                        </select>
                    } else {
                        <select class="rc-pick" onchange={onpick}>
                            if !known { <option value="" selected=true>{"(typed below)"}</option> }
                            { for choices.iter().map(|c| html! {
                                <option value={c.id.clone()} selected={c.id == value}>
                                    {format!("{} · {}", c.id, c.label)}
                                </option>
                            }) }
                        </select>
                    }
                </label>
                <input class="rc-id" type="text" aria-label={format!("{} (type an id)", param.name)}
                       autocomplete="off" spellcheck="false" value={value.clone()} oninput={ontype} />
            </div>
        });
    }

    let query_inputs = endpoint.query.iter().enumerate().map(|(i, q)| {
        let value = form.query.get(i).cloned().unwrap_or_default();
        let set = {
            let form = form.clone();
            move |v: String| {
                let mut next = (*form).clone();
                if let Some(slot) = next.query.get_mut(i) {
                    *slot = v;
                }
                form.set(next);
            }
        };
        let options: Option<Vec<&str>> = match q.ty {
            ValueType::Boolean => Some(vec!["true", "false"]),
            ValueType::Enum { values, .. } => Some(values.to_vec()),
            _ => None,
        };
        let control = match options {
            Some(options) => {
                let onchange = Callback::from(move |e: Event| {
                    set(e.target_unchecked_into::<HtmlSelectElement>().value());
                });
                html! {
                    <select class="rc-query" data-query={q.name} {onchange}>
                        <option value="" selected={value.is_empty()}>{"(not sent)"}</option>
                        { for options.iter().map(|o| html! {
                            <option value={*o} selected={value == *o}>{*o}</option>
                        }) }
                    </select>
                }
            }
            None => {
                let oninput = Callback::from(move |e: InputEvent| {
                    set(e.target_unchecked_into::<HtmlInputElement>().value());
                });
                let placeholder = match q.ty {
                    ValueType::Date => "YYYY-MM-DD",
                    ValueType::Time => "YYYY-MM-DD hh:mm:ss",
                    ValueType::PhoneNumber => "+15550100000",
                    ValueType::Integer => "0",
                    _ if q.repeats => "id, id, …",
                    _ => "",
                };
                html! {
                    <input class="rc-query" data-query={q.name} type="text" autocomplete="off" spellcheck="false"
                           list={q.id.map(datalist_id)} {placeholder} value={value} {oninput} />
                }
            }
        };
        html! {
            <label class="field rc-query-field" title={q.summary}>{q.name}{control}</label>
        }
    });

    let draft = Draft {
        endpoint,
        path: path_values,
        query: &form.query,
        body: &form.body,
    };
    let built = console::request(&draft);

    let on_endpoint = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let key = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(endpoint) = console::by_key(&key) {
                form.set(Form::new(endpoint));
            }
        })
    };
    let on_body = {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*form).clone();
            next.body = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            form.set(next);
        })
    };
    let on_send = {
        let request = built.clone().ok();
        let sent = sent.clone();
        let (on_action, live) = (props.on_action.clone(), props.live.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(request) = &request {
                // The answer is the first matching line after what the log holds now.
                let (from, generation) = {
                    let sandbox = live.borrow();
                    (sandbox.log().len(), sandbox.generation())
                };
                sent.set(Some(Sent {
                    from,
                    generation,
                    request: request.clone(),
                }));
                on_action.emit(LiveAction::Step(Action::Api(request.clone())));
            }
        })
    };

    let problems = match &built {
        Ok(_) => html! {},
        Err(blockers) => html! {
            <ul id="rc-problems" class="rc-problems" role="alert">
                { for blockers.iter().map(|b| match b {
                    Blocker::Body(p) => html! {
                        <li data-pointer={p.pointer.clone()}>
                            <code>{if p.pointer.is_empty() { "(body)".to_owned() } else { p.pointer.clone() }}</code>
                            {" "}{p.message.clone()}
                        </li>
                    },
                    Blocker::MissingPath(name) | Blocker::BadPath(name) => html! {
                        <li data-param={*name}><code>{*name}</code>{" "}{b.message()}</li>
                    },
                }) }
            </ul>
        },
    };

    let answer = data.answer.as_ref().map(|a| match a {
        Answer::Gone => html! {
            <p class="hint" id="rc-response-gone">{"The clock went back: the log was replayed. Send again to see an answer."}</p>
        },
        Answer::Line(line) => html! {
            <div id="rc-response" class={classes!("rc-response", (line.status >= 400).then_some("refused"))}
                 data-status={line.status.to_string()}>
                <h3>{format!("{} {} → {}", line.method, line.path, line.status)}</h3>
                <pre id="rc-response-body" tabindex="0">{console::pretty_body(line.response.as_deref())}</pre>
            </div>
        },
        Answer::None => html! {
            <p class="hint" id="rc-response-none">
                {"Not answered: the sandbox did not take the step (see the message above)."}
            </p>
        },
    });

    let groups = console::groups();
    let datalists = data.lists.iter().map(|(kind, ids)| {
        html! {
            <datalist id={datalist_id(*kind)}>
                { for ids.iter().map(|c| html! {
                    <option value={c.id.clone()}>{c.label.clone()}</option>
                }) }
            </datalist>
        }
    });

    html! {
        <section id="rest-console" class="card rest-console" aria-labelledby="rc-title">
            <h2 id="rc-title">{"REST console"}</h2>
            <label class="field">{"Endpoint"}
                <select id="rc-endpoint" onchange={on_endpoint}>
                    { for groups.iter().map(|(group, list)| html! {
                        <optgroup label={*group}>
                            { for list.iter().map(|e| {
                                let key = console::key(e);
                                html! {
                                    <option value={key.clone()} selected={key == form.key}>
                                        {format!("{key} — {}", e.summary)}
                                    </option>
                                }
                            }) }
                        </optgroup>
                    }) }
                </select>
            </label>
            <p class="hint rc-summary">
                {endpoint.summary}{" · relative to /Accounts/"}{data.account_id.clone()}
                if let Some(rule) = endpoint.body_rule { {" · "}{rule} }
            </p>
            { for datalists }
            if !pickers.is_empty() {
                <div class="rc-params">{ for pickers }</div>
            }
            if !endpoint.query.is_empty() {
                <details class="rc-query-list">
                    <summary>{format!("Query parameters ({})", endpoint.query.len())}</summary>
                    <div class="fields">{ for query_inputs }</div>
                </details>
            }
            if endpoint.has_body() {
                <label class="field rc-body-field">{"Body (JSON)"}
                    <textarea id="rc-body" rows="5" spellcheck="false" value={form.body.clone()} oninput={on_body} />
                </label>
                <p class="hint rc-fields">{"Fields: "}
                    { for endpoint.body.iter().map(|f| html! {
                        <code title={f.summary}>{f.name}{if f.required { "*" } else { "" }}</code>
                    }) }
                </p>
            }
            {problems}
            <div class="rc-actions">
                <button id="rc-send" type="button" class="primary" disabled={built.is_err()} onclick={on_send}>
                    {format!("Send {}", endpoint.method.as_str())}
                </button>
            </div>
            if let Ok(request) = &built {
                <CopyAs request={request.clone()} account_id={data.account_id.clone()}
                        api_key={data.api_key.clone()} />
            }
            { for answer }
        </section>
    }
}
