//! The conference state machine: statuses, participants and the transitions between them, with no I/O.
//!
//! A [`Conference`] changes status only by running a row of [`table::TABLE`]. Every operation returns an
//! [`Outcome`]: the transitions it caused (each with a human-readable reason), the participants it removed, or
//! why nothing changed. [`Conferences`] holds many conferences and keeps a call in at most one of them.

mod registry;
pub mod table;

pub use registry::Conferences;

use serde::{Deserialize, Serialize};
use std::fmt;
use table::{Row, Trigger};

/// A conference's status, spelled as on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConferenceStatus {
    /// No participants; usable.
    Empty,
    /// Participants, none of whom started the conference yet; wait music plays.
    Populated,
    /// Started by a participant with `startConfOnEnter=true`; recording runs when `record=true`.
    InProgress,
    /// Ended for good.
    Terminated,
}

impl ConferenceStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [ConferenceStatus; 4] = [
        Self::Empty,
        Self::Populated,
        Self::InProgress,
        Self::Terminated,
    ];

    /// The wire spelling: `empty`, `populated`, `inProgress`, `terminated`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Populated => "populated",
            Self::InProgress => "inProgress",
            Self::Terminated => "terminated",
        }
    }

    /// What this status means for a learner, in one sentence.
    pub const fn meaning(self) -> &'static str {
        match self {
            Self::Empty => "No one is in the conference. It can be joined, or terminated.",
            Self::Populated => {
                "Participants are waiting for someone with startConfOnEnter=true; listeners hear wait music."
            }
            Self::InProgress => {
                "The conference has started: participants talk to each other; recording runs if enabled."
            }
            Self::Terminated => "The conference has ended for good; it rejects every operation.",
        }
    }
}

impl fmt::Display for ConferenceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When the beep plays: on entry, exit, both or neither (`playBeep`, default `always`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PlayBeep {
    /// On entry and exit.
    #[default]
    Always,
    /// Never.
    Never,
    /// Only when someone joins.
    EntryOnly,
    /// Only when someone leaves.
    ExitOnly,
}

impl PlayBeep {
    /// Every value, in the order FreeClimb's spec lists them.
    pub const ALL: [PlayBeep; 4] = [Self::Always, Self::Never, Self::EntryOnly, Self::ExitOnly];

    /// The wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::Never => "never",
            Self::EntryOnly => "entryOnly",
            Self::ExitOnly => "exitOnly",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// Whether a beep plays when someone joins.
    pub const fn on_entry(self) -> bool {
        matches!(self, Self::Always | Self::EntryOnly)
    }

    /// Whether a beep plays when someone leaves.
    pub const fn on_exit(self) -> bool {
        matches!(self, Self::Always | Self::ExitOnly)
    }
}

/// The settings a conference is created with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConferenceSettings {
    /// A name the application chooses; not unique.
    pub alias: Option<String>,
    /// When the beep plays.
    pub play_beep: PlayBeep,
    /// Whether the conference is recorded while `inProgress`.
    pub record: bool,
    /// The PerCL (Play/Say/Pause) or audio that plays while `populated`; the system default when absent.
    pub wait_url: Option<String>,
    /// Where every status change is reported.
    pub status_callback_url: Option<String>,
}

/// A participant's privileges; all default to `true`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantFlags {
    /// Others hear this participant.
    pub talk: bool,
    /// This participant hears the conference.
    pub listen: bool,
    /// Joining starts the conference (`populated → inProgress`).
    pub start_conf_on_enter: bool,
    /// This participant's DTMF is passed to the others.
    pub dtmf_pass_through: bool,
}

impl Default for ParticipantFlags {
    fn default() -> Self {
        ParticipantFlags {
            talk: true,
            listen: true,
            start_conf_on_enter: true,
            dtmf_pass_through: true,
        }
    }
}

/// A call in a conference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// The call's id (`CA…`): a participant is identified by its call.
    pub call_id: String,
    /// A name for people: the caller's number, or a name given in the sandbox.
    pub label: String,
    /// Privileges.
    pub flags: ParticipantFlags,
}

/// A change to a participant's privileges (`None` leaves one as it is), as REST's participant update.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParticipantUpdate {
    /// New `talk`.
    pub talk: Option<bool>,
    /// New `listen`.
    pub listen: Option<bool>,
    /// New `dtmfPassThrough`.
    pub dtmf_pass_through: Option<bool>,
}

/// One status change, with the reason a learner reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    /// The conference.
    pub conference_id: String,
    /// The status before; `None` when the conference was just created.
    pub from: Option<ConferenceStatus>,
    /// The status after.
    pub to: ConferenceStatus,
    /// Why, in words ("Alice joined with startConfOnEnter=true, so the conference started").
    pub why: String,
    /// Set when the behaviour is conflab's choice where FreeClimb's docs are silent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox_choice: Option<&'static str>,
}

/// What an operation did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The status changes, in order. Each is reported to `statusCallbackUrl`.
    pub transitions: Vec<Transition>,
    /// The participants the operation took out of the conference.
    pub removed: Vec<Participant>,
    /// Why the status did not change, when `transitions` is empty.
    pub unchanged: Option<String>,
}

/// Why an operation was refused. Each message says what to do instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConferenceError {
    /// No conference has this id.
    UnknownConference(String),
    /// The conference is terminated.
    Terminated(String),
    /// The call is already a participant of a conference.
    AlreadyInConference {
        /// The call.
        call_id: String,
        /// The conference it is in.
        conference_id: String,
    },
    /// The call is not a participant of the conference (or of any).
    NotAParticipant {
        /// The call.
        call_id: String,
        /// The conference asked about, if one was named.
        conference_id: Option<String>,
    },
    /// An id is already taken by another conference.
    DuplicateId(String),
    /// The transition table has no row for this trigger in this status.
    NotAllowed {
        /// The conference.
        conference_id: String,
        /// Its status.
        status: ConferenceStatus,
        /// What was attempted.
        trigger: Trigger,
    },
}

impl fmt::Display for ConferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownConference(id) => write!(
                f,
                "no conference {id} exists; create one first (REST POST /Conferences or PerCL CreateConference) and use the conferenceId it returns"
            ),
            Self::Terminated(id) => write!(
                f,
                "conference {id} is terminated, and a terminated conference cannot be used again; create a new conference"
            ),
            Self::AlreadyInConference {
                call_id,
                conference_id,
            } => write!(
                f,
                "call {call_id} is already in conference {conference_id}; remove it from there first (RemoveFromConference, or REST DELETE /Conferences/{conference_id}/Participants/{call_id})"
            ),
            Self::NotAParticipant {
                call_id,
                conference_id: Some(conf),
            } => {
                write!(
                    f,
                    "call {call_id} is not a participant of conference {conf}; list its participants to find the right callId"
                )
            }
            Self::NotAParticipant {
                call_id,
                conference_id: None,
            } => {
                write!(
                    f,
                    "call {call_id} is not in any conference; add it first with AddToConference"
                )
            }
            Self::DuplicateId(id) => write!(
                f,
                "conference id {id} is already taken (conference ids are never reused, even after termination); create the conference with a new id"
            ),
            Self::NotAllowed {
                conference_id,
                status,
                trigger,
            } => write!(
                f,
                "conference {conference_id} is {status}, where \"{trigger}\" is not possible (see the transition table)"
            ),
        }
    }
}

impl std::error::Error for ConferenceError {}

/// Where a conference is in its lifecycle, with the participants only where there can be some: an `Occupied`
/// conference always has at least one participant, and `Empty` and `Terminated` have none by construction.
#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Empty,
    Occupied {
        started: bool,
        participants: Vec<Participant>,
    },
    Terminated,
}

/// One conference and its participants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conference {
    id: String,
    settings: ConferenceSettings,
    state: State,
}

impl Conference {
    /// Creates an `empty` conference; the outcome reports the creation (`statusCallbackUrl` gets `empty`).
    pub fn create(id: String, settings: ConferenceSettings, by: &str) -> (Conference, Outcome) {
        let row = table::lookup(None, Trigger::Create).expect("the table has a Create row");
        let mut conference = Conference {
            id,
            settings,
            state: State::Empty,
        };
        let outcome = conference.run(row, by, Vec::new());
        (conference, outcome)
    }

    /// The conference id (`CF…`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The settings it was created with.
    pub fn settings(&self) -> &ConferenceSettings {
        &self.settings
    }

    /// The current status.
    pub fn status(&self) -> ConferenceStatus {
        match &self.state {
            State::Empty => ConferenceStatus::Empty,
            State::Occupied { started: false, .. } => ConferenceStatus::Populated,
            State::Occupied { started: true, .. } => ConferenceStatus::InProgress,
            State::Terminated => ConferenceStatus::Terminated,
        }
    }

    /// The participants, in the order they joined.
    pub fn participants(&self) -> &[Participant] {
        match &self.state {
            State::Occupied { participants, .. } => participants,
            State::Empty | State::Terminated => &[],
        }
    }

    /// The participant on `call_id`, if it is in this conference.
    pub fn participant(&self, call_id: &str) -> Option<&Participant> {
        self.participants().iter().find(|p| p.call_id == call_id)
    }

    /// Whether the conference is being recorded now: exactly while `inProgress` with `record=true`.
    pub fn is_recording(&self) -> bool {
        self.settings.record && self.status() == ConferenceStatus::InProgress
    }

    fn check_live(&self) -> Result<(), ConferenceError> {
        match self.state {
            State::Terminated => Err(ConferenceError::Terminated(self.id.clone())),
            _ => Ok(()),
        }
    }

    fn row(&self, trigger: Trigger) -> Result<&'static Row, ConferenceError> {
        self.check_live()?;
        table::lookup(Some(self.status()), trigger).ok_or(ConferenceError::NotAllowed {
            conference_id: self.id.clone(),
            status: self.status(),
            trigger,
        })
    }

    /// Adds a participant. A `startConfOnEnter` join into an `empty` conference reports both `populated` and
    /// `inProgress`.
    pub fn join(&mut self, participant: Participant) -> Result<Outcome, ConferenceError> {
        self.check_live()?;
        if self.participant(&participant.call_id).is_some() {
            return Err(ConferenceError::AlreadyInConference {
                call_id: participant.call_id,
                conference_id: self.id.clone(),
            });
        }
        let trigger = if participant.flags.start_conf_on_enter {
            Trigger::JoinStarter
        } else {
            Trigger::Join
        };
        let row = self.row(trigger)?;
        let who = participant.label.clone();
        let mut participants = self.take_participants();
        participants.push(participant);
        Ok(self.run(row, &who, participants))
    }

    /// Takes the participant on `call_id` out (hangup, RemoveFromConference or REST DELETE).
    pub fn leave(&mut self, call_id: &str) -> Result<Outcome, ConferenceError> {
        self.check_live()?;
        let index = self
            .participants()
            .iter()
            .position(|p| p.call_id == call_id)
            .ok_or_else(|| ConferenceError::NotAParticipant {
                call_id: call_id.to_owned(),
                conference_id: Some(self.id.clone()),
            })?;
        let trigger = if self.participants().len() == 1 {
            Trigger::LeaveLast
        } else {
            Trigger::Leave
        };
        let row = self.row(trigger)?;
        let mut participants = self.take_participants();
        let gone = participants.remove(index);
        let mut outcome = self.run(row, &gone.label, participants);
        outcome.removed.push(gone);
        Ok(outcome)
    }

    /// Changes a participant's `talk`, `listen` or `dtmfPassThrough`; the status never changes.
    pub fn update_participant(
        &mut self,
        call_id: &str,
        update: ParticipantUpdate,
    ) -> Result<Outcome, ConferenceError> {
        self.check_live()?;
        let id = self.id.clone();
        let State::Occupied { participants, .. } = &mut self.state else {
            return Err(ConferenceError::NotAParticipant {
                call_id: call_id.to_owned(),
                conference_id: Some(id),
            });
        };
        let Some(p) = participants.iter_mut().find(|p| p.call_id == call_id) else {
            return Err(ConferenceError::NotAParticipant {
                call_id: call_id.to_owned(),
                conference_id: Some(id),
            });
        };
        let mut changed = Vec::new();
        for (name, new, old) in [
            ("talk", update.talk, &mut p.flags.talk),
            ("listen", update.listen, &mut p.flags.listen),
            (
                "dtmfPassThrough",
                update.dtmf_pass_through,
                &mut p.flags.dtmf_pass_through,
            ),
        ] {
            if let Some(v) = new {
                *old = v;
                changed.push(format!("{name}={v}"));
            }
        }
        let what = if changed.is_empty() {
            "nothing".to_owned()
        } else {
            changed.join(", ")
        };
        Ok(Outcome {
            unchanged: Some(format!(
                "{} now has {what}; participant changes never change the status",
                p.label
            )),
            ..Outcome::default()
        })
    }

    /// REST `status=empty`: every participant is unbridged; the conference stays usable.
    pub fn empty_all(&mut self, by: &str) -> Result<Outcome, ConferenceError> {
        let row = self.row(Trigger::EmptyAll)?;
        let removed = self.take_participants();
        let mut outcome = self.run(row, by, Vec::new());
        outcome.removed = removed;
        Ok(outcome)
    }

    /// REST `status=terminated` or PerCL `TerminateConference`: everyone is hung up, `empty` is reported first
    /// when there were participants, then `terminated`.
    pub fn terminate(&mut self, by: &str) -> Result<Outcome, ConferenceError> {
        let row = self.row(Trigger::Terminate)?;
        let removed = self.take_participants();
        let mut outcome = self.run(row, by, Vec::new());
        outcome.removed = removed;
        Ok(outcome)
    }

    fn take_participants(&mut self) -> Vec<Participant> {
        match std::mem::replace(&mut self.state, State::Empty) {
            State::Occupied { participants, .. } => participants,
            other => {
                self.state = other;
                Vec::new()
            }
        }
    }

    /// Runs one table row: moves to its final status with `participants`, and reports each step.
    fn run(&mut self, row: &'static Row, who: &str, participants: Vec<Participant>) -> Outcome {
        let from = row.from;
        self.state = match row.to() {
            Some(ConferenceStatus::Terminated) => State::Terminated,
            Some(ConferenceStatus::Empty) | None => State::Empty,
            Some(ConferenceStatus::Populated) => State::Occupied {
                started: false,
                participants,
            },
            Some(ConferenceStatus::InProgress) => State::Occupied {
                started: true,
                participants,
            },
        };
        debug_assert!(
            !matches!(&self.state, State::Occupied { participants, .. } if participants.is_empty())
        );
        let mut at = from;
        let transitions = row
            .steps
            .iter()
            .map(|step| {
                let t = Transition {
                    conference_id: self.id.clone(),
                    from: at,
                    to: step.to,
                    why: fill_who(step.why, who),
                    sandbox_choice: row.sandbox_choice,
                };
                at = Some(step.to);
                t
            })
            .collect();
        let unchanged = row.steps.is_empty().then(|| fill_who(row.unchanged, who));
        Outcome {
            transitions,
            removed: Vec::new(),
            unchanged,
        }
    }
}

/// `template` with each `{who}` replaced by `who`. The engine fills a reason at every join and leave; `str::replace`
/// would build a substring searcher each time, while this looks for `{` with a byte search.
fn fill_who(template: &str, who: &str) -> String {
    const KEY: &str = "{who}";
    let mut out = String::with_capacity(template.len() + who.len());
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        if let Some(after) = tail.strip_prefix(KEY) {
            out.push_str(who);
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
