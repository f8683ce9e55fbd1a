//! What each call is doing, in words the UI can show: the PerCL command it runs and what it waits for.
//!
//! [`crate::engine::Engine::call_activity`] reads the engine's state; [`call_activity`] completes it from the
//! log where the engine keeps nothing (which timed command a script is playing: the log's `play` line says), and
//! [`words`] says it in one line such as "Say: waiting for the prompt to end at 1.6 s" or "GetDigits: waiting
//! for digits (1 of 4, # ends), times out at 3.0 s".
//!
//! # Invariants
//! * Reading never changes the engine or the log.
//! * A timed command is named only when the log's last `play` line for the call ends exactly when the engine
//!   resumes the script; otherwise it stays unnamed rather than guessed.

use super::groups::Groups;
use crate::engine::Engine;
use crate::engine::log::{Entry, LogLine};
use crate::engine::media::{MediaChange, Sound};

pub use crate::engine::activity::{CallActivity, Running, Wait};

/// What call `call_id` is doing now, with a script's timed command named from the log. `groups` must index
/// `log`, the log the engine wrote so far (a [`crate::sandbox::Sandbox`]'s `log()` and `engine()`).
pub fn call_activity(
    engine: &Engine,
    log: &[LogLine],
    groups: &Groups,
    call_id: &str,
) -> Option<CallActivity> {
    let mut activity = engine.call_activity(call_id)?;
    if let CallActivity::Running(Running {
        command: command @ None,
        waits_for: Wait::PlayEnd { until },
        ..
    }) = &mut activity
    {
        *command = playing(log, groups, call_id, *until);
    }
    Some(activity)
}

/// The PerCL command whose sound the log last started on `call_id`, if it ends at `until`.
fn playing(
    log: &[LogLine],
    groups: &Groups,
    call_id: &str,
    until: Option<u64>,
) -> Option<&'static str> {
    // The newest media line for the call decides: a `stop` after the `play` means nothing of it still plays.
    let change = groups
        .call_lines(call_id)
        .iter()
        .rev()
        .find_map(|&i| match &log.get(i)?.entry {
            Entry::Media(m @ (MediaChange::Play { .. } | MediaChange::Stop { .. })) => {
                Some((log[i].at, m))
            }
            _ => None,
        });
    let (
        at,
        MediaChange::Play {
            sound, duration_ms, ..
        },
    ) = change?
    else {
        return None;
    };
    (duration_ms.map(|d| at + d) == until).then(|| percl_name(sound))
}

/// The PerCL command that plays `sound`.
pub fn percl_name(sound: &Sound) -> &'static str {
    match sound {
        Sound::Say { .. } => "Say",
        Sound::Play { .. } => "Play",
        Sound::EarlyMedia { .. } => "PlayEarlyMedia",
        Sound::Silence => "Pause",
        Sound::Digits { .. } => "SendDigits",
    }
}

/// Virtual ms as seconds with one decimal, rounded: `12400` → `"12.4 s"`.
pub fn seconds(ms: u64) -> String {
    let tenths = ms.saturating_add(50) / 100;
    format!("{}.{} s", tenths / 10, tenths % 10)
}

/// The activity in one line for people.
pub fn words(activity: &CallActivity) -> String {
    match activity {
        CallActivity::Ringing { since } => format!("ringing since {}", seconds(*since)),
        CallActivity::AwaitingPercl {
            webhook_id,
            url,
            gives_up_at,
        } => {
            let mut s = format!("waiting for the app's PerCL from {url} (webhook {webhook_id})");
            if let Some(at) = gives_up_at {
                s.push_str(&format!("; FreeClimb gives up at {}", seconds(*at)));
            }
            s
        }
        CallActivity::Running(r) => {
            let name = r.command.unwrap_or("a timed command");
            let mut s = format!("{name}: waiting for {}", waits_for(r.command, &r.waits_for));
            if let Some(next) = r.then {
                s.push_str(&format!(", then {next}"));
            }
            s
        }
        CallActivity::InConference {
            conference_id,
            talk,
            listen,
        } => {
            let how = match (talk, listen) {
                (true, true) => "talks and listens",
                (true, false) => "talks, does not listen",
                (false, true) => "listens, muted",
                (false, false) => "muted, does not listen",
            };
            format!("in conference {conference_id} ({how})")
        }
        CallActivity::Held => "held until it hangs up".to_owned(),
        CallActivity::Idle => "answered; nothing runs".to_owned(),
        CallActivity::Ended { status, reason, at } => {
            let mut s = format!("ended: {status}");
            if let Some(r) = reason {
                s.push_str(&format!(" ({r})"));
            }
            if let Some(at) = at {
                s.push_str(&format!(" at {}", seconds(*at)));
            }
            s
        }
    }
}

/// What a command waits for, after "waiting for".
fn waits_for(command: Option<&str>, wait: &Wait) -> String {
    match wait {
        Wait::PlayEnd { until } => {
            let what = match command {
                Some("Pause") => "the pause",
                Some("SendDigits") => "the digits to be sent",
                _ => "the prompt",
            };
            match until {
                Some(at) => format!("{what} to end at {}", seconds(*at)),
                None => format!("{what}, which loops until hangup"),
            }
        }
        Wait::Digits {
            got,
            max,
            finish_on_key,
            prompting,
            until,
            ..
        } => {
            let mut s = format!("digits ({got} of {max}");
            if !finish_on_key.is_empty() {
                s.push_str(&format!(", {finish_on_key} ends"));
            }
            s.push(')');
            match (prompting, until) {
                (true, Some(at)) => s.push_str(&format!(
                    " after the prompt, which ends at {}",
                    seconds(*at)
                )),
                (true, None) => s.push_str(" while the prompt plays"),
                (false, Some(at)) => s.push_str(&format!(", times out at {}", seconds(*at))),
                (false, None) => {}
            }
            s
        }
        Wait::Speech { prompting, until } => match (prompting, until) {
            (true, Some(at)) => format!("speech after the prompt, which ends at {}", seconds(*at)),
            (true, None) => "speech after the prompt".to_owned(),
            (false, Some(at)) => format!("speech until {}", seconds(*at)),
            (false, None) => "speech".to_owned(),
        },
        Wait::Recording {
            until,
            finish_on_key,
            ..
        } => {
            let mut s = "recording until silence".to_owned();
            if !finish_on_key.is_empty() {
                s.push_str(&format!(" or {finish_on_key}"));
            }
            if let Some(at) = until {
                s.push_str(&format!(", at the latest {}", seconds(*at)));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::Sandbox;
    use crate::wire::CallStatus;

    fn sandbox(name: &str) -> Sandbox {
        let path = format!("{}/tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        Sandbox::new(crate::scenario::parse(&text).unwrap_or_else(|e| panic!("{path}: {e:?}")))
    }

    /// The activity of the `n`th call at `at`, with its words.
    fn at(s: &mut Sandbox, at: u64, n: usize) -> (CallActivity, String) {
        s.advance(at);
        let id = s
            .engine()
            .calls()
            .nth(n)
            .map(|c| c.id.clone())
            .unwrap_or_default();
        let groups = Groups::build(s.log());
        let a = call_activity(s.engine(), s.log(), &groups, &id)
            .unwrap_or_else(|| panic!("no call {n} at {at}"));
        let w = words(&a);
        (a, w)
    }

    #[test]
    fn the_welcome_reads_say_then_the_call_is_in_conference() {
        let mut s = sandbox("percl-create-join.json");
        let (a, w) = at(&mut s, 800, 0);
        assert!(
            matches!(
                &a,
                CallActivity::Running(Running {
                    command: Some("Say"),
                    waits_for: Wait::PlayEnd { until: Some(1600) },
                    then: Some("CreateConference")
                })
            ),
            "{a:?}"
        );
        assert_eq!(
            w,
            "Say: waiting for the prompt to end at 1.6 s, then CreateConference"
        );
        // The engine alone cannot name it (the command left its queue when it started).
        let id = s
            .engine()
            .calls()
            .next()
            .map(|c| c.id.clone())
            .unwrap_or_default();
        assert!(matches!(
            s.engine().call_activity(&id),
            Some(CallActivity::Running(Running { command: None, .. }))
        ));
        let (a, w) = at(&mut s, 2000, 0);
        assert!(
            matches!(&a, CallActivity::InConference { conference_id, talk: true, listen: true } if conference_id.starts_with("CF")),
            "{a:?}"
        );
        assert!(
            w.starts_with("in conference CF") && w.ends_with("(talks and listens)"),
            "{w}"
        );
        let (a, w) = at(&mut s, 9500, 0);
        assert!(
            matches!(
                a,
                CallActivity::Ended {
                    status: CallStatus::Completed,
                    at: Some(9000),
                    ..
                }
            ),
            "{a:?}"
        );
        assert_eq!(w, "ended: completed (farEndHangup) at 9.0 s");
        assert!(s.engine().call_activity("CAnone").is_none());
    }

    #[test]
    fn get_digits_counts_keys_and_times_out() {
        let mut s = sandbox("get-digits.json");
        // 1 pressed at 1000 ("#" too early: minDigits is 2), so the digit timeout runs to 3000.
        let (a, w) = at(&mut s, 1200, 0);
        assert!(
            matches!(
                &a,
                CallActivity::Running(Running {
                    command: Some("GetDigits"),
                    waits_for: Wait::Digits {
                        got: 1,
                        max: 4,
                        min: 2,
                        prompting: false,
                        until: Some(3000),
                        ..
                    },
                    ..
                })
            ),
            "{a:?}"
        );
        assert_eq!(
            w,
            "GetDigits: waiting for digits (1 of 4, # ends), times out at 3.0 s"
        );
        // The second caller hears the prompt first.
        let (a, w) = at(&mut s, 21000, 1);
        assert!(
            matches!(
                &a,
                CallActivity::Running(Running {
                    waits_for: Wait::Digits {
                        got: 0,
                        prompting: true,
                        until: Some(22400),
                        ..
                    },
                    ..
                })
            ),
            "{a:?}"
        );
        assert!(w.contains("after the prompt, which ends at 22.4 s"), "{w}");
        // Then the Pause prompt, then the initial timeout.
        let (a, _) = at(&mut s, 23000, 1);
        assert!(
            matches!(
                &a,
                CallActivity::Running(Running {
                    waits_for: Wait::Digits {
                        prompting: true,
                        until: Some(23400),
                        ..
                    },
                    ..
                })
            ),
            "{a:?}"
        );
        let (a, _) = at(&mut s, 25000, 1);
        assert!(
            matches!(
                &a,
                CallActivity::Running(Running {
                    waits_for: Wait::Digits {
                        prompting: false,
                        until: Some(27400),
                        ..
                    },
                    ..
                })
            ),
            "{a:?}"
        );
    }

    #[test]
    fn a_ringing_outbound_call_and_a_pending_webhook_read_as_such() {
        let mut s = sandbox("outdial.json");
        // The child call rings at the far end for 1.5 s after its parent's Say (0.8 s).
        let (a, w) = at(&mut s, 2000, 1);
        assert!(matches!(a, CallActivity::Ringing { since: 800 }), "{a:?}");
        assert_eq!(w, "ringing since 0.8 s");
        assert!(matches!(
            at(&mut s, 2000, 0).0,
            CallActivity::InConference { .. }
        ));
        // An app that takes 15 s to answer: the call waits, and FreeClimb gives up 10 s after sending.
        let mut s = sandbox("webhook-faults.json");
        let (a, w) = at(&mut s, 5000, 1);
        assert!(
            matches!(&a, CallActivity::AwaitingPercl { url, gives_up_at: Some(11_000), .. } if url == "https://app.test/slow"),
            "{a:?}"
        );
        assert!(
            w.starts_with("waiting for the app's PerCL from https://app.test/slow (webhook "),
            "{w}"
        );
    }

    #[test]
    fn words_cover_the_rest() {
        let speech = CallActivity::Running(Running {
            command: Some("GetSpeech"),
            waits_for: Wait::Speech {
                prompting: false,
                until: Some(7000),
            },
            then: None,
        });
        assert_eq!(words(&speech), "GetSpeech: waiting for speech until 7.0 s");
        let rec = CallActivity::Running(Running {
            command: Some("RecordUtterance"),
            waits_for: Wait::Recording {
                recording_id: "RE1".into(),
                started: 0,
                until: Some(12_000),
                finish_on_key: "#".into(),
            },
            then: None,
        });
        assert_eq!(
            words(&rec),
            "RecordUtterance: waiting for recording until silence or #, at the latest 12.0 s"
        );
        let pending = CallActivity::AwaitingPercl {
            webhook_id: 3,
            url: "https://app.test/x".into(),
            gives_up_at: Some(10_000),
        };
        assert_eq!(
            words(&pending),
            "waiting for the app's PerCL from https://app.test/x (webhook 3); FreeClimb gives up at 10.0 s"
        );
        assert_eq!(words(&CallActivity::Held), "held until it hangs up");
        assert_eq!(seconds(12_449), "12.4 s");
        assert_eq!(seconds(12_450), "12.5 s");
    }
}
