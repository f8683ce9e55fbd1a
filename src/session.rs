//! The sandbox session that the browser UI drives: conferences, the ids they get, and a timestamped log of
//! every transition, note and refusal.
//!
//! It is pure and deterministic like the rest of the core: the time of each command comes in with the command
//! (the UI reads its clock; tests pass numbers), and ids come from a seeded generator.
//!
//! Besides the log, every command that changes what is heard records the engine's [`MediaChange`]s (the same
//! kinds, in the same order as `engine::confs` emits them): wait music while `populated`, the recording while
//! `inProgress` with `record=true`, the mix after each join, leave or privilege change, and the beep per
//! `playBeep`. The UI hands them to the audio layer; each participant's [`Voice`] says what its leg sends.

use crate::conference::{
    ConferenceError, ConferenceSettings, ConferenceStatus, Conferences, Outcome, Participant,
    ParticipantFlags, ParticipantUpdate,
};
use crate::engine::media::{BEEP_HZ, BEEP_MS, MediaChange, Member};
use crate::ids::{IdGenerator, IdKind};
use std::collections::BTreeMap;

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
        /// What its leg sends into the conference.
        voice: Voice,
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

/// What a participant's leg sends into the conference: the learner's microphone, or a simulated phone's media
/// (the scenario format's `media`, reduced to what the add form offers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Voice {
    /// Speech-like bursts with pauses, seeded from the call id ([`talker_seed`]), with a scenario talker's
    /// default lengths (2 s of talk, 2 s of silence); the default, so the talking indicator has something to show.
    #[default]
    Talker,
    /// A continuous sine at −12 dBFS.
    Tone {
        /// Frequency in Hz.
        hz: u32,
    },
    /// Nothing.
    Silence,
    /// The learner's microphone (the participant who joined with "Join with my microphone").
    Microphone,
}

impl Voice {
    /// The name the add form's picker uses.
    pub const fn as_str(self) -> &'static str {
        match self {
            Voice::Talker => "talker",
            Voice::Tone { .. } => "tone",
            Voice::Silence => "silence",
            Voice::Microphone => "microphone",
        }
    }
}

/// The talker seed of a call: FNV-1a of its id, so the same call always has the same voice.
pub fn talker_seed(call_id: &str) -> u64 {
    call_id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One media change with the time of the command that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaEntry {
    /// Milliseconds since the session started.
    pub at_ms: u64,
    /// What changed.
    pub change: MediaChange,
}

/// A conference recording the session started (`RE…`), with its times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingInfo {
    /// `RE` + 40 hex.
    pub id: String,
    /// The conference recorded.
    pub conference_id: String,
    /// When it started (the conference went `inProgress`).
    pub started_ms: u64,
    /// When it stopped (`None` while it runs).
    pub stopped_ms: Option<u64>,
}

/// What a conference is playing, so a change is reported once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Playing {
    wait_music: bool,
    /// Index into `Session::recordings` of the running recording.
    recording: Option<usize>,
}

/// What a successful command did, beyond its outcome: what decides the media changes.
enum Cause {
    Create,
    Join(String, Voice),
    Leave(String),
    Update,
    Empty,
    Terminate,
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
    media: Vec<MediaEntry>,
    voices: BTreeMap<String, Voice>,
    playing: BTreeMap<String, Playing>,
    recordings: Vec<RecordingInfo>,
}

impl Session {
    /// An empty session whose ids are drawn from `seed`.
    pub fn new(seed: u64) -> Self {
        Session {
            conferences: Conferences::new(),
            ids: IdGenerator::new(seed),
            log: Vec::new(),
            callers: 0,
            media: Vec::new(),
            voices: BTreeMap::new(),
            playing: BTreeMap::new(),
            recordings: Vec::new(),
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

    /// Every media change so far, oldest first. A driver remembers how many it has handled and reads the rest.
    pub fn media(&self) -> &[MediaEntry] {
        &self.media
    }

    /// What `call_id`'s leg sends (`None` for a call this session never added).
    pub fn voice(&self, call_id: &str) -> Option<Voice> {
        self.voices.get(call_id).copied()
    }

    /// The call that joined with the microphone and is still in a conference, with its conference.
    pub fn microphone_call(&self) -> Option<(&str, &str)> {
        self.conferences.iter().find_map(|c| {
            c.participants()
                .iter()
                .find(|p| self.voice(&p.call_id) == Some(Voice::Microphone))
                .map(|p| (c.id(), p.call_id.as_str()))
        })
    }

    /// The call id the next participant added will get (ids are drawn in order from the seed), so a driver can
    /// prepare that call's audio leg (the microphone) before it joins.
    pub fn next_call_id(&self) -> String {
        self.ids.clone().next(IdKind::Call)
    }

    /// Every conference recording started so far, oldest first.
    pub fn recordings(&self) -> &[RecordingInfo] {
        &self.recordings
    }

    /// Runs `command` at `at_ms`. A refused command changes nothing but the log, where its reason is recorded.
    pub fn apply(&mut self, at_ms: u64, command: Command) -> Result<(), ConferenceError> {
        let result = self.run(command);
        match result {
            Ok((conference_id, outcome, cause)) => {
                self.media_for(at_ms, &conference_id, &outcome, cause);
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
    ) -> Result<(String, Outcome, Cause), (Option<String>, ConferenceError)> {
        match command {
            Command::CreateConference(settings) => {
                let id = self.ids.next(IdKind::Conference);
                let outcome = self
                    .conferences
                    .create(id.clone(), settings, YOU)
                    .map_err(|e| (None, e))?;
                Ok((id, outcome, Cause::Create))
            }
            Command::AddParticipant {
                conference_id,
                name,
                flags,
                voice,
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
                let call_id = self.ids.next(IdKind::Call);
                let participant = Participant {
                    call_id: call_id.clone(),
                    label,
                    flags,
                };
                let outcome = self
                    .conferences
                    .join(&conference_id, participant)
                    .map_err(|e| (id, e))?;
                Ok((conference_id, outcome, Cause::Join(call_id, voice)))
            }
            Command::RemoveParticipant {
                conference_id,
                call_id,
            } => self
                .conferences
                .remove_participant(&conference_id, &call_id)
                .map(|o| (conference_id.clone(), o, Cause::Leave(call_id)))
                .map_err(|e| (Some(conference_id), e)),
            Command::UpdateParticipant {
                conference_id,
                call_id,
                update,
            } => self
                .conferences
                .update_participant(&conference_id, &call_id, update)
                .map(|o| (conference_id.clone(), o, Cause::Update))
                .map_err(|e| (Some(conference_id), e)),
            Command::EmptyConference { conference_id } => self
                .conferences
                .empty_all(&conference_id, YOU)
                .map(|o| (conference_id.clone(), o, Cause::Empty))
                .map_err(|e| (Some(conference_id), e)),
            Command::TerminateConference { conference_id } => self
                .conferences
                .terminate(&conference_id, YOU)
                .map(|o| (conference_id.clone(), o, Cause::Terminate))
                .map_err(|e| (Some(conference_id), e)),
        }
    }

    /// Records the media changes of a successful command, in the engine's order: a leg that leaves stops
    /// hearing first; then wait music and recording follow the new status; then the new mix and its beep.
    fn media_for(&mut self, at_ms: u64, conference_id: &str, outcome: &Outcome, cause: Cause) {
        let push = |media: &mut Vec<MediaEntry>, change| media.push(MediaEntry { at_ms, change });
        let beep = match cause {
            Cause::Create => {
                self.playing
                    .insert(conference_id.to_owned(), Playing::default());
                return;
            }
            Cause::Join(call_id, voice) => {
                self.voices.insert(call_id, voice);
                self.play_beep(conference_id).on_entry()
            }
            Cause::Leave(call_id) => {
                push(&mut self.media, MediaChange::Stop { call_id });
                self.play_beep(conference_id).on_exit()
            }
            Cause::Update => false,
            // Everyone is taken out at once: no beep (nobody is left to hear one), and no new mix when nobody
            // was in it.
            Cause::Empty | Cause::Terminate => {
                if outcome.removed.is_empty() {
                    return;
                }
                for p in &outcome.removed {
                    push(
                        &mut self.media,
                        MediaChange::Stop {
                            call_id: p.call_id.clone(),
                        },
                    );
                }
                false
            }
        };
        if let Some(status) = outcome.transitions.last().map(|t| t.to) {
            self.status_changed(at_ms, conference_id, status);
        }
        let Ok(conference) = self.conferences.get(conference_id) else {
            return;
        };
        let participants = conference.participants();
        let members = participants.iter().map(Member::from).collect();
        let hearers: Vec<String> = participants
            .iter()
            .filter(|p| beep && p.flags.listen)
            .map(|p| p.call_id.clone())
            .collect();
        push(
            &mut self.media,
            MediaChange::Bridge {
                conference_id: conference_id.to_owned(),
                members,
            },
        );
        if !hearers.is_empty() {
            push(
                &mut self.media,
                MediaChange::Beep {
                    conference_id: conference_id.to_owned(),
                    hearers,
                    hz: BEEP_HZ,
                    duration_ms: BEEP_MS,
                },
            );
        }
    }

    fn play_beep(&self, conference_id: &str) -> crate::conference::PlayBeep {
        self.conferences
            .get(conference_id)
            .map(|c| c.settings().play_beep)
            .unwrap_or_default()
    }

    /// Wait music plays while `populated`; the recording runs while `inProgress` with `record=true`.
    fn status_changed(&mut self, at_ms: u64, conference_id: &str, status: ConferenceStatus) {
        let Ok(conference) = self.conferences.get(conference_id) else {
            return;
        };
        let (record, wait_url) = (
            conference.settings().record,
            conference.settings().wait_url.clone(),
        );
        let playing = self.playing.entry(conference_id.to_owned()).or_default();
        let music = status == ConferenceStatus::Populated;
        if music != playing.wait_music {
            playing.wait_music = music;
            self.media.push(MediaEntry {
                at_ms,
                change: MediaChange::WaitMusic {
                    conference_id: conference_id.to_owned(),
                    wait_url,
                    on: music,
                },
            });
        }
        let recording = record && status == ConferenceStatus::InProgress;
        let change = match (recording, playing.recording) {
            (true, None) => {
                let id = self.ids.next(IdKind::Recording);
                playing.recording = Some(self.recordings.len());
                self.recordings.push(RecordingInfo {
                    id: id.clone(),
                    conference_id: conference_id.to_owned(),
                    started_ms: at_ms,
                    stopped_ms: None,
                });
                Some((id, true))
            }
            (false, Some(ix)) => {
                playing.recording = None;
                let rec = &mut self.recordings[ix];
                rec.stopped_ms = Some(at_ms);
                Some((rec.id.clone(), false))
            }
            _ => None,
        };
        if let Some((recording_id, on)) = change {
            self.media.push(MediaEntry {
                at_ms,
                change: MediaChange::Recording {
                    recording_id,
                    conference_id: Some(conference_id.to_owned()),
                    call_id: None,
                    on,
                },
            });
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
    use crate::conference::PlayBeep;

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
            voice: Voice::Talker,
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
                    voice: Voice::Talker,
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
                    voice: Voice::Talker,
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

    /// Drives a session and names calls by their participants' labels, so media changes read as text.
    struct Media {
        s: Session,
        cf: String,
        names: BTreeMap<String, String>,
        seen: usize,
    }

    impl Media {
        fn new(settings: ConferenceSettings) -> Self {
            let mut s = Session::new(7);
            s.apply(0, Command::CreateConference(settings)).unwrap();
            let cf = s.conferences().iter().next().unwrap().id().to_owned();
            Media {
                s,
                cf,
                names: BTreeMap::new(),
                seen: 0,
            }
        }

        fn add(&mut self, name: &str, start: bool, voice: Voice) -> String {
            let command = Command::AddParticipant {
                conference_id: self.cf.clone(),
                name: name.into(),
                flags: flags(start),
                voice,
            };
            self.s.apply(1, command).unwrap();
            let conference = self.s.conferences().get(&self.cf).unwrap();
            let p = conference.participants().last().unwrap();
            self.names.insert(p.call_id.clone(), name.to_owned());
            p.call_id.clone()
        }

        fn run(&mut self, command: Command) {
            self.s.apply(2, command).unwrap();
        }

        fn remove(&mut self, call_id: &str) {
            self.run(Command::RemoveParticipant {
                conference_id: self.cf.clone(),
                call_id: call_id.to_owned(),
            });
        }

        fn name(&self, call_id: &str) -> &str {
            self.names.get(call_id).map_or("?", String::as_str)
        }

        /// The media changes since the last call, as `kind:detail` text.
        fn changes(&mut self) -> Vec<String> {
            let all = &self.s.media()[self.seen..];
            self.seen = self.s.media().len();
            all.iter()
                .map(|m| match &m.change {
                    MediaChange::Stop { call_id } => format!("stop:{}", self.name(call_id)),
                    MediaChange::Bridge { members, .. } => {
                        let members: Vec<String> = members
                            .iter()
                            .map(|m| {
                                let mut text = self.name(&m.call_id).to_owned();
                                if !m.talk {
                                    text.push_str("-talk");
                                }
                                if !m.listen {
                                    text.push_str("-listen");
                                }
                                text
                            })
                            .collect();
                        format!("bridge:{}", members.join(","))
                    }
                    MediaChange::Beep {
                        hearers,
                        hz,
                        duration_ms,
                        ..
                    } => {
                        assert_eq!((*hz, *duration_ms), (BEEP_HZ, BEEP_MS));
                        let hearers: Vec<&str> = hearers.iter().map(|h| self.name(h)).collect();
                        format!("beep:{}", hearers.join(","))
                    }
                    MediaChange::WaitMusic { on, .. } => format!("music:{on}"),
                    MediaChange::Recording {
                        recording_id,
                        on,
                        call_id,
                        conference_id,
                    } => {
                        assert_eq!(call_id, &None);
                        assert_eq!(conference_id.as_deref(), Some(self.cf.as_str()));
                        assert!(recording_id.starts_with("RE") && recording_id.len() == 42);
                        format!("recording:{on}")
                    }
                    other => panic!("the session never plays {other:?}"),
                })
                .collect()
        }
    }

    #[test]
    fn media_follow_the_lifecycle_music_while_populated_recording_while_in_progress() {
        let mut m = Media::new(ConferenceSettings {
            record: true,
            ..ConferenceSettings::default()
        });
        assert_eq!(
            m.changes(),
            Vec::<String>::new(),
            "an empty conference plays nothing"
        );
        let alice = m.add("Alice", false, Voice::Talker);
        assert_eq!(m.changes(), ["music:true", "bridge:Alice", "beep:Alice"]);
        let bob = m.add("Bob", true, Voice::Tone { hz: 440 });
        assert_eq!(
            m.changes(),
            [
                "music:false",
                "recording:true",
                "bridge:Alice,Bob",
                "beep:Alice,Bob"
            ]
        );
        m.run(Command::UpdateParticipant {
            conference_id: m.cf.clone(),
            call_id: alice.clone(),
            update: ParticipantUpdate {
                listen: Some(false),
                ..ParticipantUpdate::default()
            },
        });
        assert_eq!(
            m.changes(),
            ["bridge:Alice-listen,Bob"],
            "no beep for a privilege change"
        );
        m.remove(&bob);
        // Alice does not listen, so nobody hears Bob's exit beep.
        assert_eq!(m.changes(), ["stop:Bob", "bridge:Alice-listen"]);
        m.remove(&alice);
        assert_eq!(m.changes(), ["stop:Alice", "recording:false", "bridge:"]);
        let recordings = m.s.recordings();
        assert_eq!(recordings.len(), 1);
        assert_eq!(
            (recordings[0].started_ms, recordings[0].stopped_ms),
            (1, Some(2))
        );
        assert_eq!(m.s.voice(&bob), Some(Voice::Tone { hz: 440 }));
        assert_eq!(m.s.voice(&alice), Some(Voice::Talker));
    }

    #[test]
    fn play_beep_decides_entry_and_exit_beeps() {
        for (play_beep, entry, exit) in [
            (PlayBeep::Always, true, true),
            (PlayBeep::Never, false, false),
            (PlayBeep::EntryOnly, true, false),
            (PlayBeep::ExitOnly, false, true),
        ] {
            let mut m = Media::new(ConferenceSettings {
                play_beep,
                ..ConferenceSettings::default()
            });
            m.add("Ann", true, Voice::Silence);
            let ben = m.add("Ben", true, Voice::Silence);
            let joined = m.changes();
            assert_eq!(
                joined.last().map(String::as_str) == Some("beep:Ann,Ben"),
                entry,
                "{play_beep:?}: {joined:?}"
            );
            m.remove(&ben);
            let left = m.changes();
            assert_eq!(
                left.last().map(String::as_str) == Some("beep:Ann"),
                exit,
                "{play_beep:?}: {left:?}"
            );
        }
    }

    #[test]
    fn terminating_stops_every_leg_and_the_music_without_a_beep() {
        let mut m = Media::new(ConferenceSettings::default());
        m.add("Ann", false, Voice::Talker);
        m.add("Ben", false, Voice::Microphone);
        m.changes();
        assert_eq!(
            m.s.microphone_call().map(|(_, call)| m.name(call)),
            Some("Ben")
        );
        m.run(Command::TerminateConference {
            conference_id: m.cf.clone(),
        });
        assert_eq!(
            m.changes(),
            ["stop:Ann", "stop:Ben", "music:false", "bridge:"]
        );
        assert_eq!(m.s.microphone_call(), None, "Ben was hung up");
    }

    #[test]
    fn a_refused_command_plays_nothing() {
        let mut m = Media::new(ConferenceSettings::default());
        let err = m.s.apply(
            3,
            Command::RemoveParticipant {
                conference_id: m.cf.clone(),
                call_id: "CAnobody".into(),
            },
        );
        assert!(err.is_err());
        assert!(m.s.media().is_empty());
    }

    #[test]
    fn a_talker_seed_is_fixed_per_call_and_differs_between_calls() {
        let a = "CA0000000000000000000000000000000000000001";
        let b = "CA0000000000000000000000000000000000000002";
        assert_eq!(talker_seed(a), talker_seed(a));
        assert_ne!(talker_seed(a), talker_seed(b));
        // FNV-1a's offset basis for the empty string: the function is the documented one.
        assert_eq!(talker_seed(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(talker_seed("a"), 0xaf63_dc4c_8601_ec8c);
    }
}

/// The media stream, replayed from its start, always agrees with the conferences: wait music exactly while
/// `populated`, the recording exactly while `inProgress` with `record=true`, the last mix equal to the
/// participants, beeps only to current listeners, and a stopped call in no conference.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use crate::conference::PlayBeep;
    use proptest::prelude::*;

    /// One learner action on small-number indices (some point at nothing, so refusals occur too).
    #[derive(Clone, Debug)]
    enum Op {
        Create {
            record: bool,
            beep: u8,
        },
        Add {
            conf: u8,
            start: bool,
            talk: bool,
            listen: bool,
        },
        Remove {
            conf: u8,
            who: u8,
        },
        Talk {
            conf: u8,
            who: u8,
            on: bool,
        },
        Listen {
            conf: u8,
            who: u8,
            on: bool,
        },
        Empty {
            conf: u8,
        },
        Terminate {
            conf: u8,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            1 => (any::<bool>(), 0..4u8).prop_map(|(record, beep)| Op::Create { record, beep }),
            5 => (0..3u8, any::<bool>(), any::<bool>(), any::<bool>())
                .prop_map(|(conf, start, talk, listen)| Op::Add { conf, start, talk, listen }),
            2 => (0..3u8, 0..4u8).prop_map(|(conf, who)| Op::Remove { conf, who }),
            1 => (0..3u8, 0..4u8, any::<bool>()).prop_map(|(conf, who, on)| Op::Talk { conf, who, on }),
            1 => (0..3u8, 0..4u8, any::<bool>()).prop_map(|(conf, who, on)| Op::Listen { conf, who, on }),
            1 => (0..3u8).prop_map(|conf| Op::Empty { conf }),
            1 => (0..3u8).prop_map(|conf| Op::Terminate { conf }),
        ]
    }

    /// The command `op` stands for in `s` (`None` when its indices point at nothing).
    fn command(s: &Session, op: &Op) -> Option<Command> {
        let conf = |i: u8| {
            s.conferences()
                .iter()
                .nth(usize::from(i))
                .map(|c| c.id().to_owned())
        };
        let call = |i: u8, who: u8| {
            let c = s.conferences().get(&conf(i)?).ok()?;
            c.participants()
                .get(usize::from(who))
                .map(|p| p.call_id.clone())
        };
        let update = |conf_i, who, update| {
            Some(Command::UpdateParticipant {
                conference_id: conf(conf_i)?,
                call_id: call(conf_i, who)?,
                update,
            })
        };
        match *op {
            Op::Create { record, beep } => Some(Command::CreateConference(ConferenceSettings {
                record,
                play_beep: PlayBeep::ALL[usize::from(beep)],
                ..ConferenceSettings::default()
            })),
            Op::Add {
                conf: i,
                start,
                talk,
                listen,
            } => Some(Command::AddParticipant {
                conference_id: conf(i)?,
                name: String::new(),
                flags: ParticipantFlags {
                    start_conf_on_enter: start,
                    talk,
                    listen,
                    ..ParticipantFlags::default()
                },
                voice: Voice::Talker,
            }),
            Op::Remove { conf: i, who } => Some(Command::RemoveParticipant {
                conference_id: conf(i)?,
                call_id: call(i, who)?,
            }),
            Op::Talk { conf: i, who, on } => update(
                i,
                who,
                ParticipantUpdate {
                    talk: Some(on),
                    ..ParticipantUpdate::default()
                },
            ),
            Op::Listen { conf: i, who, on } => update(
                i,
                who,
                ParticipantUpdate {
                    listen: Some(on),
                    ..ParticipantUpdate::default()
                },
            ),
            Op::Empty { conf: i } => Some(Command::EmptyConference {
                conference_id: conf(i)?,
            }),
            Op::Terminate { conf: i } => Some(Command::TerminateConference {
                conference_id: conf(i)?,
            }),
        }
    }

    /// What the media stream says each conference is playing.
    #[derive(Default)]
    struct Heard {
        music: BTreeMap<String, bool>,
        recording: BTreeMap<String, Option<String>>,
        mix: BTreeMap<String, Vec<Member>>,
    }

    fn check(s: &Session, from: usize, heard: &mut Heard) -> Result<(), TestCaseError> {
        for entry in &s.media()[from..] {
            match &entry.change {
                MediaChange::WaitMusic {
                    conference_id, on, ..
                } => {
                    let was = heard
                        .music
                        .insert(conference_id.clone(), *on)
                        .unwrap_or(false);
                    prop_assert_ne!(was, *on, "wait music reported twice in the same state");
                }
                MediaChange::Recording {
                    recording_id,
                    conference_id,
                    on,
                    ..
                } => {
                    let conference_id = conference_id.clone().expect("a conference recording");
                    let running = heard.recording.entry(conference_id).or_default();
                    if *on {
                        prop_assert!(running.is_none(), "a second recording started");
                        *running = Some(recording_id.clone());
                    } else {
                        prop_assert_eq!(running.take(), Some(recording_id.clone()));
                    }
                }
                MediaChange::Bridge {
                    conference_id,
                    members,
                } => {
                    heard.mix.insert(conference_id.clone(), members.clone());
                }
                MediaChange::Beep {
                    conference_id,
                    hearers,
                    ..
                } => {
                    let c = s
                        .conferences()
                        .get(conference_id)
                        .expect("a known conference");
                    for h in hearers {
                        prop_assert!(
                            c.participant(h).is_some_and(|p| p.flags.listen),
                            "{} hears a beep",
                            h
                        );
                    }
                    prop_assert!(!hearers.is_empty(), "a beep nobody hears");
                }
                MediaChange::Stop { call_id } => {
                    prop_assert!(
                        s.conferences().conference_of(call_id).is_none(),
                        "{} stopped but still in",
                        call_id
                    );
                }
                other => prop_assert!(false, "the session never plays {:?}", other),
            }
        }
        for c in s.conferences().iter() {
            let id = c.id();
            let status = c.status();
            prop_assert_eq!(
                heard.music.get(id).copied().unwrap_or(false),
                status == ConferenceStatus::Populated,
                "wait music in {:?}",
                status
            );
            prop_assert_eq!(
                heard.recording.get(id).is_some_and(Option::is_some),
                c.is_recording(),
                "recording in {:?}",
                status
            );
            let members: Vec<Member> = c.participants().iter().map(Member::from).collect();
            prop_assert_eq!(heard.mix.get(id).cloned().unwrap_or_default(), members);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        #[test]
        fn the_media_stream_always_agrees_with_the_conferences(ops in proptest::collection::vec(op(), 1..40)) {
            let mut s = Session::new(5);
            let mut heard = Heard::default();
            for (at, op) in ops.iter().enumerate() {
                let Some(command) = command(&s, op) else { continue };
                let from = s.media().len();
                let before = s.conferences().clone();
                if s.apply(at as u64, command).is_err() {
                    prop_assert_eq!(s.media().len(), from, "a refused command played something");
                    prop_assert_eq!(s.conferences(), &before);
                }
                check(&s, from, &mut heard)?;
            }
            for r in s.recordings() {
                let running = s.conferences().get(&r.conference_id).is_ok_and(|c| c.is_recording());
                prop_assert_eq!(r.stopped_ms.is_none(), running && heard.recording[&r.conference_id].as_ref() == Some(&r.id));
            }
        }
    }
}
