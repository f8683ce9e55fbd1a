//! The conference lifecycle diagram as data, and which part of it to light for one conference of a log.
//!
//! The diagram is drawn from [`TABLE`] and nothing else, so it cannot disagree with the state machine: one
//! [`Edge`] per row, in table order (edge `i` *is* `TABLE[i]`), labelled with its trigger, the statuses it
//! reports, and its sandbox-choice note where conflab decided. A row that changes nothing is a self-loop.
//!
//! [`light`] reads one conference's lines from a [`Groups`] index and says what to light: its current status,
//! the last status change (the step `from → to`, its cause as the log wrote it, and the table row it was a step
//! of, which is the edge to light), and the `conferenceStatus` (or `createConference`) webhook that reported
//! it, so the UI can jump from the diagram to the webhook in the log.
//!
//! The layout is a fixed hint, not computed: each state has a cell on a small grid ([`GRID`]), and edges that
//! join the same two states are numbered ([`Edge::lane`]) so the UI can bend them apart. No layout engine is
//! needed, and the picture never moves between frames.
//!
//! # Invariants
//! * `diagram().edges[i].row == i` and every row of [`TABLE`] has its edge.
//! * A lit transition's `line` is the conference's last `conference` line; its `webhook`, when set, is a webhook
//!   line at the same virtual time about the same conference, before the next status line.

use super::groups::Groups;
use crate::conference::ConferenceStatus;
use crate::conference::table::{Row, TABLE, Trigger};
use crate::engine::log::{Entry, LogLine};
use crate::wire::RequestType;
use serde_json::Value;

/// A state of the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// Before the conference exists (the diagram's start dot).
    Start,
    /// A conference status.
    Status(ConferenceStatus),
}

impl Node {
    /// The label drawn in the state: the status's wire spelling, or nothing for the start dot.
    pub fn label(self) -> &'static str {
        match self {
            Node::Start => "",
            Node::Status(s) => s.as_str(),
        }
    }
}

/// A cell of the layout grid: column from the left, row from the top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cell {
    /// Column, `0..GRID.0`.
    pub col: u8,
    /// Row, `0..GRID.1`.
    pub row: u8,
}

/// The layout grid's size in cells: (columns, rows).
pub const GRID: (u8, u8) = (4, 3);

/// Where each state sits. Start on the left, `empty` beside it, `populated` above and `inProgress` to the right
/// (the way a conference fills up), `terminated` below, so every edge is a short straight or gently bent line.
pub const fn cell(node: Node) -> Cell {
    let (col, row) = match node {
        Node::Start => (0, 1),
        Node::Status(ConferenceStatus::Empty) => (1, 1),
        Node::Status(ConferenceStatus::Populated) => (2, 0),
        Node::Status(ConferenceStatus::InProgress) => (3, 1),
        Node::Status(ConferenceStatus::Terminated) => (2, 2),
    };
    Cell { col, row }
}

/// A state as the UI draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// Which state.
    pub node: Node,
    /// Its label.
    pub label: &'static str,
    /// What it means, in one sentence (empty for the start dot).
    pub meaning: &'static str,
    /// Where to draw it.
    pub cell: Cell,
    /// Nothing leads out of it (`terminated`): drawn as a final state.
    pub is_final: bool,
}

/// One row of [`TABLE`] as an arrow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The row's position in [`TABLE`] (and this edge's in [`Diagram::edges`]).
    pub row: usize,
    /// The status before.
    pub from: Node,
    /// The status after (`from` itself for a row that changes nothing: a self-loop).
    pub to: Node,
    /// What happened.
    pub trigger: Trigger,
    /// The arrow's label: the trigger, and the statuses reported when there are several (as `conflab diagram`).
    pub label: String,
    /// Every status the row reports, in order (empty when it changes nothing).
    pub reports: Vec<ConferenceStatus>,
    /// Set where the behaviour is conflab's own choice: the UI marks the edge "sandbox choice" with this note.
    pub sandbox_choice: Option<&'static str>,
    /// Among the edges joining the same two states (either way round), this one's number, from 0, so the UI can
    /// draw them apart.
    pub lane: u8,
}

/// The whole diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    /// The start dot and every status, in lifecycle order.
    pub states: Vec<State>,
    /// One per row of [`TABLE`], in table order.
    pub edges: Vec<Edge>,
}

impl Diagram {
    /// The state drawn for `node`.
    pub fn state(&self, node: Node) -> Option<&State> {
        self.states.iter().find(|s| s.node == node)
    }
}

fn node(status: Option<ConferenceStatus>) -> Node {
    status.map_or(Node::Start, Node::Status)
}

/// The diagram drawn from [`TABLE`].
pub fn diagram() -> Diagram {
    let states = std::iter::once(Node::Start)
        .chain(ConferenceStatus::ALL.map(Node::Status))
        .map(|n| State {
            node: n,
            label: n.label(),
            meaning: match n {
                Node::Start => "",
                Node::Status(s) => s.meaning(),
            },
            cell: cell(n),
            is_final: !TABLE.iter().any(|r| node(r.from) == n),
        })
        .collect();
    let mut edges: Vec<Edge> = Vec::with_capacity(TABLE.len());
    for (i, r) in TABLE.iter().enumerate() {
        let (from, to) = (node(r.from), node(r.to()));
        let lane = edges
            .iter()
            .filter(|e| (e.from, e.to) == (from, to) || (e.from, e.to) == (to, from))
            .count();
        let mut label = r.trigger.label().to_owned();
        if r.steps.len() > 1 {
            let reported: Vec<&str> = r.steps.iter().map(|s| s.to.as_str()).collect();
            label.push_str(&format!(", reports {}", reported.join(" then ")));
        }
        edges.push(Edge {
            row: i,
            from,
            to,
            trigger: r.trigger,
            label,
            reports: r.steps.iter().map(|s| s.to).collect(),
            sandbox_choice: r.sandbox_choice,
            // At most a handful of rows join two states; the table is tested to stay small.
            lane: u8::try_from(lane).unwrap_or(u8::MAX),
        });
    }
    Diagram { states, edges }
}

/// The last status change of a conference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The log line that recorded it (a `conference` line).
    pub line: usize,
    /// When (virtual ms).
    pub at: u64,
    /// The status before this step (`None`: the conference was just created).
    pub from: Option<ConferenceStatus>,
    /// The status entered.
    pub to: ConferenceStatus,
    /// Why, as the log wrote it (the table's template with who did it).
    pub cause: String,
    /// The sandbox-choice note the log carried, if the row was conflab's choice.
    pub sandbox_choice: Option<&'static str>,
    /// The row of [`TABLE`] this step was part of, i.e. the edge to light; `None` if the log's text matches no
    /// row (a log from another version). A row can report two statuses at one instant (`populated` then
    /// `inProgress`): the edge then runs from the row's status before, not from `from`.
    pub edge: Option<usize>,
    /// The `conferenceStatus` webhook that reported it (for a creation, the first `createConference` webhook:
    /// the status callback's, or without one the actionUrl's), as a log line index.
    pub webhook: Option<usize>,
}

/// What to light on the diagram for one conference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lit {
    /// The conference.
    pub conference_id: String,
    /// Its status at the end of the log.
    pub status: ConferenceStatus,
    /// Its last status change.
    pub last: Transition,
    /// Every `conference` line of it, in order: the path it took.
    pub history: Vec<usize>,
}

impl Lit {
    /// The state to light.
    pub fn node(&self) -> Node {
        Node::Status(self.status)
    }
}

/// Whether `text` is `template` with `{who}` filled in.
fn fills(template: &str, text: &str) -> bool {
    match template.split_once("{who}") {
        Some((pre, post)) => {
            text.len() >= pre.len() + post.len() && text.starts_with(pre) && text.ends_with(post)
        }
        None => template == text,
    }
}

struct StatusLine<'a> {
    ix: usize,
    at: u64,
    status: ConferenceStatus,
    why: &'a str,
    sandbox_choice: Option<&'static str>,
}

/// The row whose steps end with the last of `lines`: every step's status and text match, at one instant, and the
/// status before its first step is the row's `from`. Where two rows fit (terminating from `populated` reports
/// `empty` then `terminated`, and `terminated` alone is also the row from `empty`), the longer one explains more
/// of the log and is the one that ran: the shorter would need the `empty` before it to be a step of nothing.
fn row_of(lines: &[StatusLine<'_>]) -> Option<usize> {
    let last = lines.last()?;
    let fits = |r: &Row| {
        let n = r.steps.len();
        if n == 0 || n > lines.len() {
            return false;
        }
        let tail = &lines[lines.len() - n..];
        let steps_match = r.steps.iter().zip(tail).all(|(step, line)| {
            step.to == line.status && line.at == last.at && fills(step.why, line.why)
        });
        let before = lines.len().checked_sub(n + 1).map(|i| lines[i].status);
        steps_match && before == r.from
    };
    TABLE
        .iter()
        .enumerate()
        .filter(|(_, r)| fits(r))
        .max_by_key(|(i, r)| (r.steps.len(), std::cmp::Reverse(*i)))
        .map(|(i, _)| i)
}

/// What to light for conference `id` of `log`, read through `groups` (which must index `log`); `None` if the log
/// has no status line for it.
pub fn light(log: &[LogLine], groups: &Groups, id: &str) -> Option<Lit> {
    let lines = groups.conference_lines(id);
    let status_lines: Vec<StatusLine<'_>> = lines
        .iter()
        .filter_map(|&ix| match &log.get(ix)?.entry {
            Entry::Conference {
                conference_id,
                status,
                why,
                sandbox_choice,
            } if conference_id == id => Some(StatusLine {
                ix,
                at: log[ix].at,
                status: *status,
                why,
                sandbox_choice: *sandbox_choice,
            }),
            _ => None,
        })
        .collect();
    let last = status_lines.last()?;
    let from = status_lines
        .len()
        .checked_sub(2)
        .map(|i| status_lines[i].status);
    let webhook = reporting_webhook(log, lines, last, from.is_none());
    Some(Lit {
        conference_id: id.to_owned(),
        status: last.status,
        last: Transition {
            line: last.ix,
            at: last.at,
            from,
            to: last.status,
            cause: last.why.to_owned(),
            sandbox_choice: last.sandbox_choice,
            edge: row_of(&status_lines),
            webhook,
        },
        history: status_lines.iter().map(|l| l.ix).collect(),
    })
}

/// The webhook that reported `last`: among the conference's lines after it at the same instant, up to its next
/// status line, the `conferenceStatus` whose body has that status; for a creation, the first `createConference`
/// webhook (the status callback's, sent first, with `status: empty`; else the actionUrl's).
fn reporting_webhook(
    log: &[LogLine],
    lines: &[usize],
    last: &StatusLine<'_>,
    created: bool,
) -> Option<usize> {
    let start = lines.partition_point(|&i| i <= last.ix);
    let mut create = None;
    for &ix in &lines[start..] {
        let line = log.get(ix)?;
        if line.at != last.at {
            break;
        }
        match &line.entry {
            Entry::Conference { .. } => break,
            Entry::Webhook(w) => match w.request_type {
                RequestType::ConferenceStatus
                    if w.body.value().get("status").and_then(Value::as_str)
                        == Some(last.status.as_str()) =>
                {
                    return Some(ix);
                }
                RequestType::CreateConference if created => {
                    create = create.or(Some(ix));
                }
                _ => {}
            },
            _ => {}
        }
    }
    create
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str) -> Vec<LogLine> {
        let path = format!("{}/tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let scenario = crate::scenario::parse(&text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        crate::engine::run_scenario(&scenario, None)
    }

    #[test]
    fn every_row_is_an_edge_in_table_order() {
        let d = diagram();
        assert_eq!(d.edges.len(), TABLE.len());
        for (i, (e, r)) in d.edges.iter().zip(TABLE).enumerate() {
            assert_eq!(e.row, i);
            assert_eq!(e.from, node(r.from));
            assert_eq!(e.to, node(r.to()));
            assert_eq!(e.trigger, r.trigger);
            assert_eq!(e.sandbox_choice, r.sandbox_choice);
            // The same arrow as the printed diagram (`conflab diagram`), whose ‡ the UI draws as its own mark.
            let end = |n: Node| if n == Node::Start { "[*]" } else { n.label() };
            let mark = if e.sandbox_choice.is_some() {
                " ‡"
            } else {
                ""
            };
            let arrow = format!("    {} --> {}: {}{mark}\n", end(e.from), end(e.to), e.label);
            assert!(
                crate::conference::table::mermaid().contains(&arrow),
                "{arrow}"
            );
        }
    }

    #[test]
    fn sandbox_choices_are_marked_and_states_are_laid_out_apart() {
        let d = diagram();
        let crossing = d
            .edges
            .iter()
            .find(|e| {
                e.from == Node::Status(ConferenceStatus::Empty)
                    && e.to == Node::Status(ConferenceStatus::InProgress)
            })
            .map(|e| e.sandbox_choice);
        assert!(matches!(crossing, Some(Some(note)) if note.contains("reports both")));
        assert!(
            d.edges
                .iter()
                .filter(|e| e.sandbox_choice.is_some())
                .count()
                >= 2
        );
        for (i, a) in d.states.iter().enumerate() {
            assert!(a.cell.col < GRID.0 && a.cell.row < GRID.1);
            assert!(d.states[i + 1..].iter().all(|b| b.cell != a.cell));
        }
        let finals: Vec<Node> = d
            .states
            .iter()
            .filter(|s| s.is_final)
            .map(|s| s.node)
            .collect();
        assert_eq!(finals, vec![Node::Status(ConferenceStatus::Terminated)]);
        // Lanes number the edges between two states: inProgress has three self-loops.
        let loops: Vec<u8> = d
            .edges
            .iter()
            .filter(|e| e.from == e.to && e.from == Node::Status(ConferenceStatus::InProgress))
            .map(|e| e.lane)
            .collect();
        assert_eq!(loops, vec![0, 1, 2]);
    }

    #[test]
    fn a_rest_terminate_lights_terminated_with_its_cause_and_webhook() {
        let log = run("terminate-rest.json");
        let groups = Groups::build(&log);
        let id = groups
            .conference_ids()
            .next()
            .unwrap_or_default()
            .to_owned();
        let lit = light(&log, &groups, &id);
        let Some(lit) = lit else {
            panic!("no status for {id}");
        };
        assert_eq!(lit.status, ConferenceStatus::Terminated);
        assert_eq!(lit.last.from, Some(ConferenceStatus::Empty));
        assert_eq!(
            lit.last.cause,
            "REST terminated the conference; it can never be used again"
        );
        // The row that ran is inProgress → terminated (reported as empty, then terminated), not empty's.
        let edge = lit.last.edge.map(|i| &TABLE[i]);
        assert!(
            matches!(edge, Some(r) if r.from == Some(ConferenceStatus::InProgress) && r.trigger == Trigger::Terminate)
        );
        let hook = lit.last.webhook.and_then(|i| log.get(i));
        let Some(LogLine {
            at,
            entry: Entry::Webhook(w),
        }) = hook
        else {
            panic!("no webhook: {lit:?}");
        };
        assert_eq!(*at, lit.last.at);
        assert_eq!(w.request_type, RequestType::ConferenceStatus);
        assert_eq!(
            w.body.value().get("status").and_then(Value::as_str),
            Some("terminated")
        );
        assert_eq!(lit.history.len(), 5);
    }

    #[test]
    fn a_crossing_join_lights_its_sandbox_choice_row() {
        let log = run("terminate-rest.json");
        let groups = Groups::build(&log);
        let id = groups
            .conference_ids()
            .next()
            .unwrap_or_default()
            .to_owned();
        // Cut the log right after the crossing join (populated then inProgress at 1000 ms).
        let cut = log.iter().position(|l| l.at > 1000).unwrap_or(log.len());
        let groups = Groups::build(&log[..cut]);
        let lit = light(&log[..cut], &groups, &id);
        let lit = lit.unwrap_or_else(|| panic!("no status"));
        assert_eq!(lit.status, ConferenceStatus::InProgress);
        assert_eq!(lit.last.from, Some(ConferenceStatus::Populated));
        let d = diagram();
        let edge = lit.last.edge.map(|i| &d.edges[i]);
        assert!(
            matches!(edge, Some(e) if e.from == Node::Status(ConferenceStatus::Empty) && e.sandbox_choice.is_some())
        );
        assert!(lit.last.sandbox_choice.is_some());
    }

    #[test]
    fn a_percl_creation_is_reported_by_its_status_callback() {
        let log = run("percl-create-join.json");
        let groups = Groups::build(&log);
        let id = groups
            .conference_ids()
            .next()
            .unwrap_or_default()
            .to_owned();
        let created = log.iter().position(|l| l.kind() == "conference");
        let Some(created) = created else {
            panic!("no conference line")
        };
        // Cut right after the creation's webhooks, before the join's status line.
        let cut = (created + 1..log.len())
            .find(|&i| log[i].kind() == "conference")
            .unwrap_or(log.len());
        let part = &log[..cut];
        let lit = light(part, &Groups::build(part), &id).unwrap_or_else(|| panic!("no status"));
        assert_eq!(lit.last.from, None);
        assert_eq!(lit.last.edge, Some(0));
        let hook = lit.last.webhook.and_then(|i| part.get(i));
        // Creation reaches the status callback as createConference with status empty (issue 12).
        assert!(
            matches!(hook, Some(LogLine { entry: Entry::Webhook(w), .. }) if w.request_type == RequestType::CreateConference
                && w.body.value().get("status").and_then(Value::as_str) == Some("empty")),
            "{hook:?}"
        );
        assert!(light(&log, &groups, "CFnone").is_none());
    }
}
