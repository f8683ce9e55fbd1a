//! Media changes: what each call hears and who is bridged to whom. The engine emits one [`MediaChange`] each
//! time the audio picture changes; the audio layer (a later issue) turns these into sound. The engine itself
//! plays nothing: it only keeps time.
//!
//! Durations are computed on the virtual clock, so they are deterministic:
//! * `Say`: [`say_ms`], about 150 words per minute (400 ms per word, at least one word) times `loop`.
//! * `Play` / `PlayEarlyMedia`: a fixed [`PLAY_MS`] (3 s) per loop, since the sandbox does not fetch files.
//! * `Pause`: its `length`.
//! * The beep: [`BEEP_MS`] at about 1 kHz (the reference's Decisions table).

use serde::Serialize;

/// How long a `Play` of any file lasts per loop: the sandbox does not fetch audio, so every file is 3 s.
pub const PLAY_MS: u64 = 3000;
/// How long the conference beep lasts.
pub const BEEP_MS: u64 = 250;
/// The beep's pitch.
pub const BEEP_HZ: u32 = 1000;
/// Milliseconds per spoken word (150 words per minute).
pub const MS_PER_WORD: u64 = 400;

/// How long `Say` speaks `text` once: 400 ms per whitespace-separated word, at least one word.
pub fn say_ms(text: &str) -> u64 {
    text.split_whitespace().count().max(1) as u64 * MS_PER_WORD
}

/// Something audible played to one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "sound", rename_all = "camelCase")]
pub enum Sound {
    /// Text to speech.
    Say {
        /// The text.
        text: String,
        /// Its language, when given.
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
    /// An audio file (not fetched: [`PLAY_MS`] of a placeholder).
    Play {
        /// The file's URL.
        file: String,
    },
    /// Early media before the call is answered.
    EarlyMedia {
        /// The file's URL.
        file: String,
    },
    /// Silence (`Pause`).
    Silence,
    /// DTMF tones the call sends (`SendDigits`).
    Digits {
        /// The digits.
        digits: String,
    },
}

/// A conference member as the mixer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The participant's call.
    pub call_id: String,
    /// Others hear this member.
    pub talk: bool,
    /// This member hears the mix.
    pub listen: bool,
}

impl From<&crate::conference::Participant> for Member {
    /// The participant as the mixer sees it: its call and privileges.
    fn from(p: &crate::conference::Participant) -> Member {
        Member {
            call_id: p.call_id.clone(),
            talk: p.flags.talk,
            listen: p.flags.listen,
        }
    }
}

/// One change to what is heard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "camelCase")]
pub enum MediaChange {
    /// `sound` starts playing to `call_id` now and lasts `durationMs` (`None`: until stopped or hangup).
    Play {
        /// Who hears it.
        #[serde(rename = "callId")]
        call_id: String,
        /// What.
        #[serde(flatten)]
        sound: Sound,
        /// How long, on the virtual clock.
        #[serde(rename = "durationMs")]
        duration_ms: Option<u64>,
    },
    /// Whatever plays to `call_id` stops now (a digit interrupted prompts, or the call left).
    Stop {
        /// The call.
        #[serde(rename = "callId")]
        call_id: String,
    },
    /// A call joins the conference mix with these privileges. One line per membership change (never the whole
    /// room), so the log grows with the events, not with the square of the participants.
    Join {
        /// The conference.
        #[serde(rename = "conferenceId")]
        conference_id: String,
        /// The call that joined.
        #[serde(rename = "callId")]
        call_id: String,
        /// Others hear it.
        talk: bool,
        /// It hears the mix.
        listen: bool,
    },
    /// A call leaves the conference mix (it left, was removed, hung up or the conference was emptied or
    /// terminated: one line per call).
    Leave {
        /// The conference.
        #[serde(rename = "conferenceId")]
        conference_id: String,
        /// The call that left.
        #[serde(rename = "callId")]
        call_id: String,
    },
    /// A member's privileges as they are after a SetTalk/SetListen/SetDTMFPassThrough or a REST update.
    Privileges {
        /// The conference.
        #[serde(rename = "conferenceId")]
        conference_id: String,
        /// The member.
        #[serde(rename = "callId")]
        call_id: String,
        /// Others hear it.
        talk: bool,
        /// It hears the mix.
        listen: bool,
    },
    /// The beep (`playBeep`), heard by the conference's members with `listen=true` at this point of the log (the
    /// joiner included, the leaver not): the reader knows them from the `join`/`leave`/`privileges` lines.
    Beep {
        /// The conference.
        #[serde(rename = "conferenceId")]
        conference_id: String,
        /// [`BEEP_HZ`].
        hz: u32,
        /// [`BEEP_MS`].
        #[serde(rename = "durationMs")]
        duration_ms: u64,
    },
    /// Wait music starts (`on`) or stops for the conference (it plays while `populated`, to listeners).
    WaitMusic {
        /// The conference.
        #[serde(rename = "conferenceId")]
        conference_id: String,
        /// `waitUrl`, or `None` for the system default.
        #[serde(rename = "waitUrl")]
        wait_url: Option<String>,
        /// Starts or stops.
        on: bool,
    },
    /// A recording starts or stops.
    Recording {
        /// `RE…`.
        #[serde(rename = "recordingId")]
        recording_id: String,
        /// The conference recorded (its mix), if a conference recording.
        #[serde(rename = "conferenceId", skip_serializing_if = "Option::is_none")]
        conference_id: Option<String>,
        /// The call recorded, if a call recording.
        #[serde(rename = "callId", skip_serializing_if = "Option::is_none")]
        call_id: Option<String>,
        /// Starts or stops.
        on: bool,
    },
    /// DTMF from `from` passed through to the other members (`dtmfPassThrough=true`).
    Dtmf {
        /// Who pressed.
        from: String,
        /// Who hears the tones.
        to: Vec<String>,
        /// The digits.
        digits: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn say_takes_400_ms_per_word_and_at_least_one_word() {
        assert_eq!(say_ms("Welcome to the conference"), 1600);
        assert_eq!(say_ms(""), 400);
        assert_eq!(say_ms("  hi  "), 400);
    }
}
