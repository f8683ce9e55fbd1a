//! Reading the engine's media changes back from the event log. The scenario runner logs every
//! [`MediaChange`] as a `media` line (its serialised fields, in order), so a finished run's log is all a score
//! needs; this module is the inverse of that serialisation.

use crate::engine::log::LogLine;
use crate::engine::media::{MediaChange, Member, Sound};
use serde_json::Value;

/// Whether a call status (wire spelling) is final: the call's leg ends.
pub fn is_final_status(status: &str) -> bool {
    crate::wire::CallStatus::parse(status).is_some_and(|s| s.is_final())
}

fn text(line: &LogLine, key: &str) -> Option<String> {
    line.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn texts(line: &LogLine, key: &str) -> Option<Vec<String>> {
    line.get(key)?
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// The media change a `media` log line records; `None` for another kind of line or one this version does not
/// know (so a newer engine's additions are skipped, not misread).
pub fn media_change(line: &LogLine) -> Option<MediaChange> {
    if line.kind != "media" {
        return None;
    }
    let change = line.get("change")?.as_str()?;
    Some(match change {
        "play" => {
            let sound = match line.get("sound")?.as_str()? {
                "say" => Sound::Say {
                    text: text(line, "text")?,
                    language: text(line, "language"),
                },
                "play" => Sound::Play {
                    file: text(line, "file")?,
                },
                "earlyMedia" => Sound::EarlyMedia {
                    file: text(line, "file")?,
                },
                "silence" => Sound::Silence,
                "digits" => Sound::Digits {
                    digits: text(line, "digits")?,
                },
                _ => return None,
            };
            MediaChange::Play {
                call_id: text(line, "callId")?,
                sound,
                duration_ms: line.get("durationMs").and_then(Value::as_u64),
            }
        }
        "stop" => MediaChange::Stop {
            call_id: text(line, "callId")?,
        },
        "bridge" => MediaChange::Bridge {
            conference_id: text(line, "conferenceId")?,
            members: line
                .get("members")?
                .as_array()?
                .iter()
                .map(|m| {
                    Some(Member {
                        call_id: m.get("callId")?.as_str()?.to_owned(),
                        talk: m.get("talk")?.as_bool()?,
                        listen: m.get("listen")?.as_bool()?,
                    })
                })
                .collect::<Option<Vec<_>>>()?,
        },
        "beep" => MediaChange::Beep {
            conference_id: text(line, "conferenceId")?,
            hearers: texts(line, "hearers")?,
            hz: u32::try_from(line.get("hz")?.as_u64()?).ok()?,
            duration_ms: line.get("durationMs")?.as_u64()?,
        },
        "waitMusic" => MediaChange::WaitMusic {
            conference_id: text(line, "conferenceId")?,
            wait_url: text(line, "waitUrl"),
            on: line.get("on")?.as_bool()?,
        },
        "recording" => MediaChange::Recording {
            recording_id: text(line, "recordingId")?,
            conference_id: text(line, "conferenceId"),
            call_id: text(line, "callId"),
            on: line.get("on")?.as_bool()?,
        },
        "dtmf" => MediaChange::Dtmf {
            from: text(line, "from")?,
            to: texts(line, "to")?,
            digits: text(line, "digits")?,
        },
        _ => return None,
    })
}
