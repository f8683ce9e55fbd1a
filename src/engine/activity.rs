//! What a call is doing now, read from the engine's state for views ([`Engine::call_activity`]).
//!
//! The engine's own `Activity` is private and shaped for running calls; [`CallActivity`] is the public,
//! read-only picture of it, with every time a view needs (when a prompt ends, when a timeout fires) read from
//! the engine's timers. Reading it changes nothing.
//!
//! One thing the engine does not keep: the timed command a script is playing (Say, Play, PlayEarlyMedia,
//! Pause, SendDigits) is taken off the script's queue when it starts, and only the time it ends remains. So
//! [`Running::command`] is `None` there; [`crate::why::activity`] names it from the log's `play` line, which
//! says exactly what plays.

use super::{Activity, Engine, Timer};
use crate::wire::{CallEndedReason, CallStatus};
use std::cmp::Reverse;

/// What a call is doing now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallActivity {
    /// Not answered yet and nothing runs: an outbound call ringing at the far end (or queued to be dialled).
    Ringing {
        /// When the call was created (virtual ms).
        since: u64,
    },
    /// Waiting for the PerCL the app answers to a webhook (an inbound call rings meanwhile).
    AwaitingPercl {
        /// The webhook's id ([`super::WebhookRequest::id`]).
        webhook_id: u64,
        /// Where it was sent.
        url: String,
        /// When FreeClimb stops waiting and the call ends, if it is still waiting then.
        gives_up_at: Option<u64>,
    },
    /// Running a PerCL command.
    Running(Running),
    /// Bridged in a conference.
    InConference {
        /// `CF…`.
        conference_id: String,
        /// Others hear it.
        talk: bool,
        /// It hears the others.
        listen: bool,
    },
    /// Held until it hangs up (Park, or a prompt that loops forever).
    Held,
    /// Answered, and nothing runs: only seen in the instant between two steps of the engine.
    Idle,
    /// The call is over.
    Ended {
        /// Its final status.
        status: CallStatus,
        /// Why it ended.
        reason: Option<CallEndedReason>,
        /// When (virtual ms).
        at: Option<u64>,
    },
}

/// A PerCL command running on a call, and what it waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Running {
    /// The command's PerCL name (`Say`, `GetDigits`, …); `None` for a script's timed command, which the engine
    /// does not keep (see the module docs).
    pub command: Option<&'static str>,
    /// What it waits for.
    pub waits_for: Wait,
    /// The command the script runs next, if any.
    pub then: Option<&'static str>,
}

/// What a running command waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// The sound (or silence, or tones) to end; `None`: it never ends on its own.
    PlayEnd {
        /// When it ends (virtual ms).
        until: Option<u64>,
    },
    /// Digits (GetDigits).
    Digits {
        /// Pressed so far.
        got: u32,
        /// The most it takes.
        max: u32,
        /// The fewest that count.
        min: u32,
        /// Keys that end the input (`#` by default; empty: none).
        finish_on_key: String,
        /// A prompt still plays (the first key stops it).
        prompting: bool,
        /// When the prompt ends, or the input times out.
        until: Option<u64>,
    },
    /// Speech (GetSpeech, TranscribeUtterance).
    Speech {
        /// A prompt still plays; otherwise it listens.
        prompting: bool,
        /// When the prompt ends, or listening ends (the phrase is heard, or no input).
        until: Option<u64>,
    },
    /// A recording to end (RecordUtterance): silence, the finish key or the maximum length.
    Recording {
        /// `RE…`.
        recording_id: String,
        /// When it started.
        started: u64,
        /// When it ends by silence or length, unless a finish key comes first.
        until: Option<u64>,
        /// Keys that end it.
        finish_on_key: String,
    },
}

impl Engine {
    /// What call `call_id` is doing now; `None` for an unknown call. Read-only: it changes nothing.
    pub fn call_activity(&self, call_id: &str) -> Option<CallActivity> {
        let &ix = self.call_index.get(call_id)?;
        let state = self.calls.get(ix)?;
        let call = &state.call;
        if call.is_over() {
            return Some(CallActivity::Ended {
                status: call.status,
                reason: call.ended_reason,
                at: call.ended_at,
            });
        }
        let until = self.resume_at(ix, state.epoch);
        Some(match &state.activity {
            Activity::Idle => match call.status {
                CallStatus::Queued | CallStatus::Ringing => CallActivity::Ringing {
                    since: call.created_at,
                },
                _ => CallActivity::Idle,
            },
            Activity::AwaitingPercl { webhook } => CallActivity::AwaitingPercl {
                webhook_id: *webhook,
                url: self
                    .pending
                    .get(webhook)
                    .map(|p| p.url.clone())
                    .unwrap_or_default(),
                gives_up_at: self
                    .deadlines
                    .iter()
                    .find(|&&(_, _, id)| id == *webhook)
                    .map(|&(at, _, _)| at),
            },
            Activity::Script { commands, .. } => CallActivity::Running(Running {
                command: None,
                waits_for: Wait::PlayEnd { until },
                then: commands.front().map(|c| c.name()),
            }),
            Activity::Digits(d) => CallActivity::Running(Running {
                command: Some("GetDigits"),
                waits_for: Wait::Digits {
                    got: u32::try_from(d.digits.chars().count()).unwrap_or(u32::MAX),
                    max: d.cmd.max_digits(),
                    min: d.cmd.min_digits(),
                    finish_on_key: d.cmd.finish_on_key().to_owned(),
                    prompting: d.prompting,
                    until,
                },
                then: None,
            }),
            Activity::Prompts(p) => CallActivity::Running(Running {
                command: Some(match p.then {
                    super::exec::AfterPrompts::Speech(_) => "GetSpeech",
                    super::exec::AfterPrompts::Transcribe(_) => "TranscribeUtterance",
                }),
                waits_for: Wait::Speech {
                    prompting: !p.listening,
                    until,
                },
                then: None,
            }),
            Activity::Recording {
                cmd,
                started,
                recording_id,
            } => CallActivity::Running(Running {
                command: Some("RecordUtterance"),
                waits_for: Wait::Recording {
                    recording_id: recording_id.clone(),
                    started: *started,
                    until,
                    finish_on_key: cmd.finish_on_key.clone().unwrap_or_else(|| "#".to_owned()),
                },
                then: None,
            }),
            Activity::InConference => {
                let conference_id = state.conference.clone().unwrap_or_default();
                let flags = self
                    .conference(&conference_id)
                    .and_then(|c| c.participant(call_id))
                    .map(|p| p.flags);
                CallActivity::InConference {
                    conference_id,
                    talk: flags.is_none_or(|f| f.talk),
                    listen: flags.is_none_or(|f| f.listen),
                }
            }
            Activity::Held => CallActivity::Held,
        })
    }

    /// When call `ix`'s current activity resumes (its live `Resume` timer), if it has one. A scan of the timer
    /// heap: a view asks this for the calls on screen, not per event, so no index is kept for it.
    fn resume_at(&self, ix: usize, epoch: u64) -> Option<u64> {
        self.timers
            .iter()
            .filter_map(|Reverse((at, _, timer))| match timer {
                Timer::Resume { call, epoch: e } if *call == ix && *e == epoch => Some(*at),
                _ => None,
            })
            .min()
    }
}
