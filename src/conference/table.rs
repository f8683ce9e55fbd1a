//! The conference state machine as one declared table.
//!
//! Every status change a conference can make is a row here. The state machine ([`super::Conference`]) looks its
//! rows up instead of deciding in code, the diagram ([`mermaid`]) is printed from it, and the tests walk it, so
//! the three cannot drift apart. A (status, trigger) pair with no row is rejected.

use super::ConferenceStatus::{self, Empty, InProgress, Populated, Terminated};
use std::fmt;

/// What happened to a conference, reduced to what decides its next status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// The conference was created (REST `POST /Conferences` or PerCL `CreateConference`).
    Create,
    /// A participant joined with `startConfOnEnter=false`.
    Join,
    /// A participant joined with `startConfOnEnter=true` (a "start-moderator").
    JoinStarter,
    /// A participant left and others remain.
    Leave,
    /// The last participant left.
    LeaveLast,
    /// REST `status=empty`: every participant is unbridged; the conference stays usable.
    EmptyAll,
    /// REST `status=terminated` or PerCL `TerminateConference`.
    Terminate,
}

impl Trigger {
    /// Every trigger, in the order the diagram and the docs list them.
    pub const ALL: [Trigger; 7] = [
        Trigger::Create,
        Trigger::Join,
        Trigger::JoinStarter,
        Trigger::Leave,
        Trigger::LeaveLast,
        Trigger::EmptyAll,
        Trigger::Terminate,
    ];

    /// A short label for diagrams and logs.
    pub const fn label(self) -> &'static str {
        match self {
            Trigger::Create => "create",
            Trigger::Join => "join (startConfOnEnter=false)",
            Trigger::JoinStarter => "join (startConfOnEnter=true)",
            Trigger::Leave => "leave (others remain)",
            Trigger::LeaveLast => "last leave",
            Trigger::EmptyAll => "status=empty",
            Trigger::Terminate => "terminate",
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One status the conference enters, and why, as a template: `{who}` stands for whoever caused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The status entered.
    pub to: ConferenceStatus,
    /// Why, for the UI and the event log.
    pub why: &'static str,
}

/// One row of the table: in status `from`, `trigger` moves the conference through `steps` in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// The status before; `None` for a conference that does not exist yet.
    pub from: Option<ConferenceStatus>,
    /// What happened.
    pub trigger: Trigger,
    /// The statuses entered, in order; each one is reported. Empty when the status does not change.
    pub steps: &'static [Step],
    /// Why nothing changed, when `steps` is empty.
    pub unchanged: &'static str,
    /// Set where FreeClimb's docs are silent and conflab decided (the reference's Decisions table).
    pub sandbox_choice: Option<&'static str>,
}

impl Row {
    /// The status after the row has run.
    pub fn to(&self) -> Option<ConferenceStatus> {
        self.steps.last().map(|s| s.to).or(self.from)
    }
}

const fn step(to: ConferenceStatus, why: &'static str) -> Step {
    Step { to, why }
}

const fn row(from: ConferenceStatus, trigger: Trigger, steps: &'static [Step]) -> Row {
    Row {
        from: Some(from),
        trigger,
        steps,
        unchanged: "",
        sandbox_choice: None,
    }
}

const fn stay(from: ConferenceStatus, trigger: Trigger, unchanged: &'static str) -> Row {
    Row {
        from: Some(from),
        trigger,
        steps: &[],
        unchanged,
        sandbox_choice: None,
    }
}

const fn choice(mut r: Row, why: &'static str) -> Row {
    r.sandbox_choice = Some(why);
    r
}

const POPULATE: Step = step(
    Populated,
    "{who} joined the empty conference; wait music plays until it starts",
);
const START: Step = step(
    InProgress,
    "{who} joined with startConfOnEnter=true, so the conference started",
);
const EMPTIED: Step = step(
    Empty,
    "{who}, the last participant, left; the conference can be used again",
);
const TERMINATE_EMPTIES: Step = step(
    Empty,
    "{who} terminated the conference: every participant was hung up",
);
const TERMINATED: Step = step(
    Terminated,
    "{who} terminated the conference; it can never be used again",
);
const UNBRIDGED: Step = step(
    Empty,
    "{who} set status=empty: every participant was removed; the conference can be used again",
);

/// The whole state machine. `terminated` has no rows: every operation on it is rejected.
pub const TABLE: &[Row] = &[
    Row {
        from: None,
        trigger: Trigger::Create,
        steps: &[step(
            Empty,
            "{who} created the conference; it waits for participants",
        )],
        unchanged: "",
        // Spec `CreateConferenceWebhook` is sent "to statusCallbackUrl or actionUrl" with `status` "present only
        // if statusCallbackUrl is being invoked"; the REST reference lists `empty` among the status callbacks
        // but also says "there is no status callback posted for creating" (docs.freeclimb.com/reference/
        // create-a-conference). conflab sends it.
        sandbox_choice: Some(
            "creation is reported to statusCallbackUrl as createConference with status empty (spec CreateConferenceWebhook; the REST reference also says no status callback is posted for creating)",
        ),
    },
    row(Empty, Trigger::Join, &[POPULATE]),
    choice(
        row(Empty, Trigger::JoinStarter, &[POPULATE, START]),
        "one join that crosses empty → populated → inProgress reports both statuses",
    ),
    stay(
        Populated,
        Trigger::Join,
        "{who} joined; the conference waits for a participant with startConfOnEnter=true",
    ),
    row(Populated, Trigger::JoinStarter, &[START]),
    stay(
        InProgress,
        Trigger::Join,
        "{who} joined the conference in progress",
    ),
    stay(
        InProgress,
        Trigger::JoinStarter,
        "{who} joined the conference in progress",
    ),
    stay(Populated, Trigger::Leave, "{who} left; others remain"),
    choice(
        stay(
            InProgress,
            Trigger::Leave,
            "{who} left; others remain, so the conference stays inProgress",
        ),
        "inProgress stays inProgress until the conference empties, even when every start-moderator has left",
    ),
    row(Populated, Trigger::LeaveLast, &[EMPTIED]),
    row(InProgress, Trigger::LeaveLast, &[EMPTIED]),
    choice(
        stay(Empty, Trigger::EmptyAll, "the conference is already empty"),
        "what REST status=empty does",
    ),
    choice(
        row(Populated, Trigger::EmptyAll, &[UNBRIDGED]),
        "what REST status=empty does",
    ),
    choice(
        row(InProgress, Trigger::EmptyAll, &[UNBRIDGED]),
        "what REST status=empty does",
    ),
    row(Empty, Trigger::Terminate, &[TERMINATED]),
    row(
        Populated,
        Trigger::Terminate,
        &[TERMINATE_EMPTIES, TERMINATED],
    ),
    row(
        InProgress,
        Trigger::Terminate,
        &[TERMINATE_EMPTIES, TERMINATED],
    ),
];

/// The row for `trigger` in status `from`, or `None` when the table does not allow it.
pub fn lookup(from: Option<ConferenceStatus>, trigger: Trigger) -> Option<&'static Row> {
    TABLE
        .iter()
        .find(|r| r.from == from && r.trigger == trigger)
}

/// The state diagram as Mermaid (`stateDiagram-v2`), printed from [`TABLE`]: one edge per row, from its status
/// to its final status. A row that reports several statuses says so in its label; ‡ marks a sandbox choice.
pub fn mermaid() -> String {
    let mut out = String::from("stateDiagram-v2\n");
    for r in TABLE {
        let from = r.from.map_or("[*]", ConferenceStatus::as_str);
        let to = r.to().map_or("[*]", ConferenceStatus::as_str);
        let mut label = r.trigger.label().to_owned();
        if r.steps.len() > 1 {
            let reported: Vec<&str> = r.steps.iter().map(|s| s.to.as_str()).collect();
            label.push_str(&format!(", reports {}", reported.join(" then ")));
        }
        if r.sandbox_choice.is_some() {
            label.push_str(" ‡");
        }
        out.push_str(&format!("    {from} --> {to}: {label}\n"));
    }
    out.push_str("    terminated --> [*]\n");
    out
}

/// The transition table as Markdown (one line per row), for ARCHITECTURE.md and the docs.
pub fn markdown() -> String {
    let mut out =
        String::from("| from | trigger | reported statuses | note |\n|---|---|---|---|\n");
    for row in TABLE {
        let from = row.from.map_or("(new)", |s| s.as_str());
        let to = if row.steps.is_empty() {
            "(no change)".to_owned()
        } else {
            row.steps
                .iter()
                .map(|s| s.to.as_str())
                .collect::<Vec<_>>()
                .join(" → ")
        };
        let note = row
            .sandbox_choice
            .map_or(String::new(), |c| format!("sandbox choice: {c}"));
        out.push_str(&format!("| {from} | {} | {to} | {note} |\n", row.trigger));
    }
    out.push_str("| terminated | anything | (rejected) | terminated is final |\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_live_status_has_a_row_for_every_trigger_it_can_see() {
        // Leave and LeaveLast need participants, so `empty` has no row for them; everything else is total.
        for from in [Empty, Populated, InProgress] {
            for trigger in Trigger::ALL {
                let needs_participants = matches!(trigger, Trigger::Leave | Trigger::LeaveLast);
                let impossible =
                    trigger == Trigger::Create || (from == Empty && needs_participants);
                assert_eq!(
                    lookup(Some(from), trigger).is_some(),
                    !impossible,
                    "{from:?} × {trigger:?}"
                );
            }
        }
    }

    #[test]
    fn terminated_has_no_rows_and_nothing_leads_out_of_it() {
        assert!(TABLE.iter().all(|r| r.from != Some(Terminated)));
        for trigger in Trigger::ALL {
            assert!(lookup(Some(Terminated), trigger).is_none());
        }
    }

    #[test]
    fn rows_are_unique_and_either_change_status_or_say_why_not() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert!(
                    !(a.from == b.from && a.trigger == b.trigger),
                    "duplicate row {a:?}"
                );
            }
            assert_eq!(a.steps.is_empty(), !a.unchanged.is_empty(), "{a:?}");
            for s in a.steps {
                assert!(s.why.contains("{who}"), "{s:?}");
            }
            // Consecutive steps never repeat a status: each reported step is a real change.
            let mut at = a.from;
            for s in a.steps {
                assert_ne!(Some(s.to), at, "{a:?}");
                at = Some(s.to);
            }
        }
    }

    #[test]
    fn the_diagram_has_one_edge_per_row() {
        let diagram = mermaid();
        let edges = diagram.lines().filter(|l| l.contains("-->")).count();
        assert_eq!(
            edges,
            TABLE.len() + 1,
            "one edge per row, plus the final state"
        );
        assert!(diagram.contains(
            "empty --> inProgress: join (startConfOnEnter=true), reports populated then inProgress ‡"
        ));
        assert!(
            diagram
                .contains("populated --> terminated: terminate, reports empty then terminated\n")
        );
        assert!(diagram.contains("inProgress --> inProgress: leave (others remain) ‡\n"));
    }
}
