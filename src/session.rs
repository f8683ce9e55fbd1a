//! The sandbox session that the browser UI drives: conferences, the ids they get, and a timestamped log of
//! every transition, note and refusal.
//!
//! It is pure and deterministic like the rest of the core: the time of each command comes in with the command
//! (the UI reads its clock; tests pass numbers), and ids come from a seeded generator.

use crate::conference::{
    ConferenceError, ConferenceSettings, ConferenceStatus, Conferences, Outcome, Participant,
    ParticipantFlags, ParticipantUpdate,
};
use crate::ids::{IdGenerator, IdKind};

/// Who acts in the sandbox UI: the learner.
const YOU: &str = "You";

/// Something the learner does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Create a conference.
    CreateConference(ConferenceSettings),
    /// Add a simulated participant; an empty name becomes "Caller N".
    AddParticipant {
        /// The conference.
        conference_id: String,
        /// A name for people.
        name: String,
        /// Its privileges.
        flags: ParticipantFlags,
    },
    /// Take a participant out (as REST `DELETE …/Participants/{callId}`).
    RemoveParticipant {
        /// The conference.
        conference_id: String,
        /// The participant's call.
        call_id: String,
    },
    /// Change `talk`, `listen` or `dtmfPassThrough`.
    UpdateParticipant {
        /// The conference.
        conference_id: String,
        /// The participant's call.
        call_id: String,
        /// What changes.
        update: ParticipantUpdate,
    },
    /// REST `status=empty`.
    EmptyConference {
        /// The conference.
        conference_id: String,
    },
    /// REST `status=terminated`.
    TerminateConference {
        /// The conference.
        conference_id: String,
    },
}

/// What a log entry records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A status change; each one is what FreeClimb reports to the conference's `statusCallbackUrl`.
    Transition {
        /// The status before (`None` at creation).
        from: Option<ConferenceStatus>,
        /// The status after.
        to: ConferenceStatus,
    },
    /// Something that happened without a status change.
    Note,
    /// A refused command, with the reason and the fix.
    Error,
}

/// One line of the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Milliseconds since the session started.
    pub at_ms: u64,
    /// The conference concerned, if any.
    pub conference_id: Option<String>,
    /// What kind of entry.
    pub kind: EntryKind,
    /// The explanation.
    pub text: String,
    /// Set when the behaviour is conflab's choice where FreeClimb's docs are silent.
    pub sandbox_choice: Option<&'static str>,
}

/// Conferences, ids and the log of one sandbox session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    conferences: Conferences,
    ids: IdGenerator,
    log: Vec<LogEntry>,
    callers: u32,
}

impl Session {
    /// An empty session whose ids are drawn from `seed`.
    pub fn new(seed: u64) -> Self {
        Session {
            conferences: Conferences::new(),
            ids: IdGenerator::new(seed),
            log: Vec::new(),
            callers: 0,
        }
    }

    /// Every conference, in creation order.
    pub fn conferences(&self) -> &Conferences {
        &self.conferences
    }

    /// Every log entry, oldest first.
    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    /// Runs `command` at `at_ms`. A refused command changes nothing but the log, where its reason is recorded.
    pub fn apply(&mut self, at_ms: u64, command: Command) -> Result<(), ConferenceError> {
        let result = self.run(command);
        match result {
            Ok((conference_id, outcome)) => {
                self.record(at_ms, &conference_id, outcome);
                Ok(())
            }
            Err((conference_id, error)) => {
                self.log.push(LogEntry {
                    at_ms,
                    conference_id,
                    kind: EntryKind::Error,
                    text: error.to_string(),
                    sandbox_choice: None,
                });
                Err(error)
            }
        }
    }

    fn run(
        &mut self,
        command: Command,
    ) -> Result<(String, Outcome), (Option<String>, ConferenceError)> {
        match command {
            Command::CreateConference(settings) => {
                let id = self.ids.next(IdKind::Conference);
                let outcome = self
                    .conferences
                    .create(id.clone(), settings, YOU)
                    .map_err(|e| (None, e))?;
                Ok((id, outcome))
            }
            Command::AddParticipant {
                conference_id,
                name,
                flags,
            } => {
                let id = Some(conference_id.clone());
                // Check first, so that a refused join does not use up a caller number or a call id.
                let conference = self
                    .conferences
                    .get(&conference_id)
                    .map_err(|e| (id.clone(), e))?;
                if conference.status() == ConferenceStatus::Terminated {
                    return Err((id, ConferenceError::Terminated(conference_id)));
                }
                self.callers += 1;
                let label = match name.trim() {
                    "" => format!("Caller {}", self.callers),
                    name => name.to_owned(),
                };
                let participant = Participant {
                    call_id: self.ids.next(IdKind::Call),
                    label,
                    flags,
                };
                let outcome = self
                    .conferences
                    .join(&conference_id, participant)
                    .map_err(|e| (id, e))?;
                Ok((conference_id, outcome))
            }
            Command::RemoveParticipant {
                conference_id,
                call_id,
            } => self
                .conferences
                .remove_participant(&conference_id, &call_id)
                .map(|o| (conference_id.clone(), o))
                .map_err(|e| (Some(conference_id), e)),
            Command::UpdateParticipant {
                conference_id,
                call_id,
                update,
            } => self
                .conferences
                .update_participant(&conference_id, &call_id, update)
                .map(|o| (conference_id.clone(), o))
                .map_err(|e| (Some(conference_id), e)),
            Command::EmptyConference { conference_id } => self
                .conferences
                .empty_all(&conference_id, YOU)
                .map(|o| (conference_id.clone(), o))
                .map_err(|e| (Some(conference_id), e)),
            Command::TerminateConference { conference_id } => self
                .conferences
                .terminate(&conference_id, YOU)
                .map(|o| (conference_id.clone(), o))
                .map_err(|e| (Some(conference_id), e)),
        }
    }

    fn record(&mut self, at_ms: u64, conference_id: &str, outcome: Outcome) {
        let terminated = outcome
            .transitions
            .iter()
            .any(|t| t.to == ConferenceStatus::Terminated);
        let entry = |kind, text, sandbox_choice| LogEntry {
            at_ms,
            conference_id: Some(conference_id.to_owned()),
            kind,
            text,
            sandbox_choice,
        };
        // Who was taken out comes first: it is what caused the status changes that follow.
        for p in &outcome.removed {
            let how = if terminated {
                "was hung up"
            } else {
                "left the conference"
            };
            if outcome.removed.len() > 1 || terminated {
                self.log
                    .push(entry(EntryKind::Note, format!("{} {how}", p.label), None));
            }
        }
        if let Some(why) = outcome.unchanged {
            self.log.push(entry(EntryKind::Note, why, None));
        }
        for t in outcome.transitions {
            self.log.push(entry(
                EntryKind::Transition {
                    from: t.from,
                    to: t.to,
                },
                t.why,
                t.sandbox_choice,
            ));
        }
    }
}

/// Formats milliseconds as `mm:ss.mmm` for the log.
pub fn format_at(ms: u64) -> String {
    format!("{:02}:{:02}.{:03}", ms / 60_000, ms / 1000 % 60, ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(start: bool) -> ParticipantFlags {
        ParticipantFlags {
            start_conf_on_enter: start,
            ..ParticipantFlags::default()
        }
    }

    fn transitions(session: &Session) -> Vec<&str> {
        session
            .log()
            .iter()
            .filter_map(|e| match e.kind {
                EntryKind::Transition { to, .. } => Some(to.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_whole_lifecycle_is_logged_with_times_and_reasons() {
        let mut s = Session::new(1);
        s.apply(0, Command::CreateConference(ConferenceSettings::default()))
            .unwrap();
        let cf = s.conferences().iter().next().unwrap().id().to_owned();
        let add = |name: &str, start| Command::AddParticipant {
            conference_id: cf.clone(),
            name: name.into(),
            flags: flags(start),
        };
        s.apply(10, add("Alice", false)).unwrap();
        s.apply(20, add("", true)).unwrap();
        let calls: Vec<String> = s
            .conferences()
            .get(&cf)
            .unwrap()
            .participants()
            .iter()
            .map(|p| p.call_id.clone())
            .collect();
        assert_eq!(
            s.conferences().get(&cf).unwrap().participants()[1].label,
            "Caller 2"
        );
        for (i, call_id) in calls.into_iter().enumerate() {
            s.apply(
                30 + i as u64,
                Command::RemoveParticipant {
                    conference_id: cf.clone(),
                    call_id,
                },
            )
            .unwrap();
        }
        s.apply(
            50,
            Command::TerminateConference {
                conference_id: cf.clone(),
            },
        )
        .unwrap();
        assert_eq!(
            transitions(&s),
            ["empty", "populated", "inProgress", "empty", "terminated"]
        );
        let started = s
            .log()
            .iter()
            .find(|e| e.text.contains("startConfOnEnter=true, so"))
            .unwrap();
        assert_eq!(
            (started.at_ms, started.text.as_str()),
            (
                20,
                "Caller 2 joined with startConfOnEnter=true, so the conference started"
            )
        );
        assert_eq!(format_at(started.at_ms), "00:00.020");
    }

    #[test]
    fn a_refused_command_is_logged_and_changes_nothing_else() {
        let mut s = Session::new(1);
        s.apply(0, Command::CreateConference(ConferenceSettings::default()))
            .unwrap();
        let cf = s.conferences().iter().next().unwrap().id().to_owned();
        s.apply(
            1,
            Command::TerminateConference {
                conference_id: cf.clone(),
            },
        )
        .unwrap();
        let before = s.conferences().clone();
        let err = s
            .apply(
                2,
                Command::AddParticipant {
                    conference_id: cf.clone(),
                    name: "Late".into(),
                    flags: flags(true),
                },
            )
            .unwrap_err();
        assert_eq!(err, ConferenceError::Terminated(cf.clone()));
        assert_eq!(s.conferences(), &before);
        let last = s.log().last().unwrap();
        assert_eq!(last.kind, EntryKind::Error);
        assert!(last.text.contains("cannot be used again"), "{}", last.text);
    }

    #[test]
    fn terminating_a_full_conference_hangs_up_everyone_before_the_status_changes() {
        let mut s = Session::new(3);
        s.apply(0, Command::CreateConference(ConferenceSettings::default()))
            .unwrap();
        let cf = s.conferences().iter().next().unwrap().id().to_owned();
        for name in ["Ann", "Ben"] {
            s.apply(
                1,
                Command::AddParticipant {
                    conference_id: cf.clone(),
                    name: name.into(),
                    flags: flags(true),
                },
            )
            .unwrap();
        }
        s.apply(2, Command::TerminateConference { conference_id: cf })
            .unwrap();
        let tail: Vec<&str> = s
            .log()
            .iter()
            .rev()
            .take(4)
            .rev()
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(tail[..2], ["Ann was hung up", "Ben was hung up"]);
        assert!(
            tail[2].starts_with("You terminated the conference: every participant was hung up")
        );
        assert!(tail[3].starts_with("You terminated the conference; it can never be used again"));
    }

    #[test]
    fn same_seed_and_commands_give_the_same_session() {
        let run = || {
            let mut s = Session::new(9);
            s.apply(0, Command::CreateConference(ConferenceSettings::default()))
                .unwrap();
            s
        };
        assert_eq!(run(), run());
    }
}
