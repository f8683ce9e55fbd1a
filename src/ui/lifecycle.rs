//! The conference lifecycle diagram: the state machine drawn as inline SVG from
//! [`crate::why::lifecycle::diagram`] (so from `TABLE` and nothing else), with the picked conference's current
//! state lit, its last transition's edge lit, and that transition's cause and the webhook that reported it
//! ([`crate::why::lifecycle::light`]); the webhook link opens that line in the event log. Edges that are
//! conflab's own rule ("sandbox choice") are dashed, with the rule as their tooltip.
//!
//! The conference is picked on its card or in this card's menu; the page keeps the pick (so both agree and it
//! survives steps), the newest conference when none is picked. [`Lifecycle`] reads the sandbox into a [`View`]
//! of values, and the card itself ([`LifecycleCard`]) re-renders only when that view changed.

use super::event_log;
use super::live::Live;
use crate::conference::ConferenceStatus;
use crate::conference::table::Trigger;
use crate::page::format_at;
use crate::why::groups::Groups;
use crate::why::lifecycle::{Diagram, Edge, Lit, Node, State, diagram, light};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The drawing's size (SVG user units; it scales to the card's width).
const W: f64 = 900.0;
const H: f64 = 480.0;
/// A state's box: half width, half height.
const HW: f64 = 58.0;
const HH: f64 = 17.0;
/// How far apart edges between the same two states are drawn.
const LANE: f64 = 32.0;

/// The centre of a state.
fn centre(s: &State) -> (f64, f64) {
    let x = [50.0, 230.0, 470.0, 700.0][usize::from(s.cell.col).min(3)];
    let y = [100.0, 250.0, 420.0][usize::from(s.cell.row).min(2)];
    (x, y)
}

/// The half sizes of the shape drawn for `node`.
fn half(node: Node) -> (f64, f64) {
    match node {
        Node::Start => (9.0, 9.0),
        Node::Status(_) => (HW, HH),
    }
}

/// Where the line from `c` towards `to` leaves the box of half sizes `h` around `c`.
fn exit(c: (f64, f64), h: (f64, f64), to: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (to.0 - c.0, to.1 - c.1);
    let tx = if dx.abs() > 1e-9 {
        h.0 / dx.abs()
    } else {
        f64::INFINITY
    };
    let ty = if dy.abs() > 1e-9 {
        h.1 / dy.abs()
    } else {
        f64::INFINITY
    };
    let t = tx.min(ty).min(1.0);
    (c.0 + dx * t, c.1 + dy * t)
}

/// The label drawn on an edge (the full one is its tooltip): ★ marks a `startConfOnEnter=true` join.
fn short_label(e: &Edge) -> String {
    let trigger = match e.trigger {
        Trigger::Join => "join",
        Trigger::JoinStarter => "join ★",
        Trigger::Leave => "leave",
        other => other.label(),
    };
    if e.reports.len() > 1 {
        let reported: Vec<&str> = e.reports.iter().map(|s| s.as_str()).collect();
        format!("{trigger} ({})", reported.join(" → "))
    } else {
        trigger.to_owned()
    }
}

/// Which way a state's self-loops go (away from its other edges).
fn loop_side(node: Node) -> (f64, f64) {
    match node {
        Node::Status(ConferenceStatus::Populated) => (0.0, -1.0),
        Node::Status(ConferenceStatus::InProgress) => (1.0, 0.0),
        _ => (0.0, 1.0),
    }
}

/// An edge's path and where its label goes (x, y, text-anchor).
fn geometry(d: &Diagram, e: &Edge) -> Option<(String, (f64, f64, &'static str))> {
    let (a, b) = (d.state(e.from)?, d.state(e.to)?);
    let (ca, cb) = (centre(a), centre(b));
    if e.from == e.to {
        let loops = d
            .edges
            .iter()
            .filter(|o| o.from == e.from && o.to == e.from)
            .count();
        let (sx, sy) = loop_side(e.from);
        let (hw, hh) = half(e.from);
        let lane = f64::from(e.lane);
        let reach = |lane: f64| 28.0 + lane * 16.0;
        let spread = 12.0 + lane * 9.0;
        // Leave and come back on the side (sx, sy): the two ends straddle its middle; bigger lanes go round the
        // smaller ones.
        let (px, py) = (-sy, sx);
        let base = (ca.0 + sx * hw, ca.1 + sy * hh);
        let p0 = (base.0 + px * 8.0, base.1 + py * 8.0);
        let p1 = (base.0 - px * 8.0, base.1 - py * 8.0);
        let c0 = (
            base.0 + sx * reach(lane) + px * spread,
            base.1 + sy * reach(lane) + py * spread,
        );
        let c1 = (
            base.0 + sx * reach(lane) - px * spread,
            base.1 + sy * reach(lane) - py * spread,
        );
        // The labels stack beyond the outermost loop, the innermost loop's nearest.
        let outer = reach(loops as f64 - 1.0) * 0.75;
        let label = if sx > 0.0 {
            let y = ca.1 + (lane - (loops as f64 - 1.0) / 2.0) * 13.0 + 4.0;
            (base.0 + outer + 8.0, y, "start")
        } else if sy < 0.0 {
            (base.0, base.1 - outer - 6.0 - lane * 13.0, "middle")
        } else {
            (base.0, base.1 + outer + 14.0 + lane * 13.0, "middle")
        };
        let path = format!(
            "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            p0.0, p0.1, c0.0, c0.1, c1.0, c1.1, p1.0, p1.1
        );
        return Some((path, label));
    }
    // Edges between the same two states are numbered in table order whichever way they run; number them around
    // the straight line from the earlier state to the later one, so both directions share one set of lanes.
    let ia = d.states.iter().position(|s| s.node == e.from)?;
    let ib = d.states.iter().position(|s| s.node == e.to)?;
    let (lo, hi) = if ia < ib { (ca, cb) } else { (cb, ca) };
    let lanes = d
        .edges
        .iter()
        .filter(|o| (o.from, o.to) == (e.from, e.to) || (o.from, o.to) == (e.to, e.from))
        .count();
    // Between two states of one row, the first edge runs straight and the others bend below it (above is the
    // populated state's); elsewhere they spread evenly either side.
    let offset = if (ca.1 - cb.1).abs() < 1.0 {
        f64::from(e.lane) * LANE
    } else {
        (f64::from(e.lane) - (lanes as f64 - 1.0) / 2.0) * LANE
    };
    let (dx, dy) = (hi.0 - lo.0, hi.1 - lo.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (px, py) = (-dy / len, dx / len);
    let mid = ((ca.0 + cb.0) / 2.0, (ca.1 + cb.1) / 2.0);
    // A quadratic curve's middle is half way to its control point.
    let ctrl = (mid.0 + px * offset * 2.0, mid.1 + py * offset * 2.0);
    let p0 = exit(ca, half(e.from), ctrl);
    let p1 = exit(cb, half(e.to), ctrl);
    let path = format!(
        "M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}",
        p0.0, p0.1, ctrl.0, ctrl.1, p1.0, p1.1
    );
    // A vertical edge crosses the middle row's edges: its label sits beside it, near its end.
    if dx.abs() < 1.0 && offset.abs() < 1.0 {
        let t = 0.85;
        return Some((path, (p0.0 + 6.0, p0.1 + (p1.1 - p0.1) * t, "start")));
    }
    let apex = (mid.0 + px * offset, mid.1 + py * offset);
    Some((path, (apex.0, apex.1 - 4.0, "middle")))
}

/// Properties of [`Lifecycle`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The page's sandbox.
    pub live: Live,
    /// The conference picked (on its card or in the diagram's menu); `None`: the newest.
    pub picked: Option<String>,
    /// Picks a conference (`None`: the newest), for the cards and this menu alike.
    pub on_pick: Callback<Option<String>>,
}

/// The webhook that reported the last transition: its log line, request type and time.
#[derive(Clone, Debug, PartialEq)]
struct Hook {
    line: usize,
    request_type: &'static str,
    at: u64,
}

/// What the card shows, as values: the card re-renders only when one of them changed, not at every step.
#[derive(Clone, Debug, PartialEq)]
struct View {
    /// The conferences of the log (id, name), oldest first.
    choices: Vec<(String, String)>,
    /// The conference picked, if it is one of `choices`.
    picked: Option<String>,
    /// The conference shown: the picked one, or the newest.
    shown: Option<String>,
    /// What to light for it.
    lit: Option<Lit>,
    hook: Option<Hook>,
}

/// The diagram card: reads the sandbox (its log index is extended, never rebuilt, per step) into a [`View`].
#[component]
pub fn Lifecycle(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:Lifecycle");
    let groups = use_mut_ref(Groups::new);
    let sandbox = props.live.borrow();
    let log = sandbox.log();
    groups.borrow_mut().sync(log, sandbox.generation());
    let index = groups.borrow();
    let engine = sandbox.engine();
    let choices: Vec<(String, String)> = index
        .conference_ids()
        .map(|id| {
            let name = match engine.conference_alias(id) {
                Some(alias) => format!("{alias} · {}…", &id[..id.len().min(10)]),
                None => format!("{}…", &id[..id.len().min(10)]),
            };
            (id.to_owned(), name)
        })
        .collect();
    let picked = props
        .picked
        .clone()
        .filter(|p| choices.iter().any(|(id, _)| id == p));
    // The picked conference, or the newest one.
    let shown = picked
        .clone()
        .or_else(|| choices.last().map(|(id, _)| id.clone()));
    let lit = shown.as_deref().and_then(|id| light(log, &index, id));
    let hook = lit.as_ref().and_then(|l| {
        let line = l.last.webhook?;
        let at = log.get(line)?;
        let request_type = match &at.entry {
            crate::engine::log::Entry::Webhook(w) => w.request_type.as_str(),
            _ => "webhook",
        };
        Some(Hook {
            line,
            request_type,
            at: at.at,
        })
    });
    let view = Rc::new(View {
        choices,
        picked,
        shown,
        lit,
        hook,
    });
    html! { <LifecycleCard {view} on_pick={props.on_pick.clone()} /> }
}

#[derive(Clone, PartialEq, Properties)]
struct CardProps {
    view: Rc<View>,
    on_pick: Callback<Option<String>>,
}

/// The card itself, drawn from its [`View`] alone.
#[component]
fn LifecycleCard(props: &CardProps) -> Html {
    let _timed = super::Timed::new("conflab:c:LifecycleCard");
    let drawn = use_memo((), |_| diagram());
    let view = &*props.view;
    let lit = view.lit.as_ref();
    let lit_node = lit.map(|l| l.node());
    let lit_edge = lit.and_then(|l| l.last.edge);
    let on_pick = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let v = select.value();
            on_pick.emit((!v.is_empty()).then_some(v));
        })
    };
    let d: &Diagram = &drawn;
    let edges = d.edges.iter().filter_map(|e| {
        let (path, (lx, ly, anchor)) = geometry(d, e)?;
        let is_lit = lit_edge == Some(e.row);
        let mut title = format!("{} → {}: {}", node_name(e.from), node_name(e.to), e.label);
        if let Some(rule) = e.sandbox_choice {
            title.push_str(&format!("\nsandbox choice (FreeClimb's sources are silent or disagree; conflab's rule): {rule}"));
        }
        Some(html! {
            <g class={classes!("edge", e.sandbox_choice.map(|_| "choice"), is_lit.then_some("lit"))}
               data-row={e.row.to_string()} data-from={node_name(e.from)} data-to={node_name(e.to)}
               data-lit={is_lit.to_string()} data-choice={e.sandbox_choice.is_some().to_string()}>
                <title>{title}</title>
                <path d={path} marker-end={if is_lit { "url(#lc-arrow-lit)" } else { "url(#lc-arrow)" }} />
                <text x={format!("{lx:.1}")} y={format!("{ly:.1}")} text-anchor={anchor}>{short_label(e)}</text>
            </g>
        })
    });
    let states = d.states.iter().map(|s| {
        let (x, y) = centre(s);
        let is_lit = lit_node == Some(s.node);
        let label = node_name(s.node);
        html! {
            <g class={classes!("state", is_lit.then_some("lit"), s.is_final.then_some("final"))}
               data-state={label} data-lit={is_lit.to_string()}>
                <title>{ if s.meaning.is_empty() { "before the conference exists".to_owned() } else { format!("{label}: {}", s.meaning) } }</title>
                { match s.node {
                    Node::Start => html! { <circle cx={format!("{x}")} cy={format!("{y}")} r="9" /> },
                    Node::Status(_) => html! {
                        <>
                            <rect x={format!("{}", x - HW)} y={format!("{}", y - HH)} width={format!("{}", 2.0 * HW)}
                                  height={format!("{}", 2.0 * HH)} rx={if s.is_final { "4" } else { "17" }} />
                            <text x={format!("{x}")} y={format!("{}", y + 5.0)} text-anchor="middle">{s.label}</text>
                        </>
                    },
                } }
            </g>
        }
    });
    let last = lit.map(|l| {
        let t = &l.last;
        let step = match t.from {
            Some(from) => format!("{} → {}", from.as_str(), t.to.as_str()),
            None => format!("created: {}", t.to.as_str()),
        };
        html! {
            <div id="lifecycle-last" class="lifecycle-last" data-status={l.status.as_str()} data-cause={t.cause.clone()}
                 data-line={t.line.to_string()}>
                <p>
                    <strong>{"Last transition: "}</strong><span class="step">{step}</span>
                    {format!(" at {}", format_at(t.at))}
                    if let Some(rule) = t.sandbox_choice {
                        <span class="choice" title={format!("FreeClimb's sources are silent or disagree here; conflab's rule: {rule}")}>{"sandbox choice"}</span>
                    }
                </p>
                <p class="cause">{format!("Why: {}", t.cause)}</p>
                { match &view.hook {
                    Some(hook) => {
                        let ix = hook.line;
                        let onclick = Callback::from(move |_: MouseEvent| event_log::reveal(ix));
                        html! {
                            <p class="fired">{"It fired "}
                                <button type="button" id="lifecycle-webhook" class="link" data-line={ix.to_string()} {onclick}
                                        title="Show this webhook in the event log">
                                    {format!("the {} webhook at {}", hook.request_type, format_at(hook.at))}</button>
                            </p>
                        }
                    }
                    None => html! { <p class="fired hint">{"No webhook reported it (no statusCallbackUrl)."}</p> },
                } }
            </div>
        }
    });
    html! {
        <section id="lifecycle" class="card lifecycle" aria-labelledby="lifecycle-title"
                 data-conference-id={view.shown.clone().unwrap_or_default()}
                 data-lit={lit.map(|l| l.status.as_str()).unwrap_or_default()}>
            <header class="lifecycle-head">
                <h2 id="lifecycle-title">{"Conference lifecycle"}</h2>
                <label>{"Conference "}
                    <select id="lifecycle-conference" onchange={on_pick} disabled={view.choices.is_empty()}>
                        <option value="" selected={view.picked.is_none()}>{"the newest"}</option>
                        { for view.choices.iter().rev().map(|(id, name)| html! {
                            <option value={id.clone()} selected={view.picked.as_deref() == Some(id.as_str())}>{name.clone()}</option>
                        }) }
                    </select>
                </label>
            </header>
            <svg class="diagram" viewBox={format!("0 0 {W} {H}")} role="img"
                 aria-label="The conference state machine: create, then empty, populated, inProgress, terminated">
                <defs>
                    <marker id="lc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow" />
                    </marker>
                    <marker id="lc-arrow-lit" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow lit" />
                    </marker>
                </defs>
                { for edges }
                { for states }
            </svg>
            <p class="legend">
                <span class="key solid"></span>{"a transition of FreeClimb's documented behaviour · "}
                <span class="key dashed"></span>{"sandbox choice: conflab's rule where the sources are silent or disagree (hover for the rule) · ★ startConfOnEnter=true"}
            </p>
            { match last {
                Some(last) => last,
                None => html! { <p class="hint">{"No conference yet: its current state and last transition light up here."}</p> },
            } }
        </section>
    }
}

/// A state's name for attributes and tooltips.
fn node_name(node: Node) -> &'static str {
    match node {
        Node::Start => "start",
        Node::Status(s) => s.as_str(),
    }
}
