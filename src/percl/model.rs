//! The PerCL language as Rust types: the 27 commands with every attribute, and the enums they use.
//!
//! Serde gives these types PerCL's wire form directly: [`Command`] is externally tagged, so
//! `Command::Say(..)` is `{"Say": {...}}`, and a [`Script`] is the JSON array. Field order follows the
//! official SDK models, so serialising gives the attribute order the SDKs produce. Optional attributes are
//! `Option`s (absent stays absent on the wire); accessors such as [`GetDigits::max_digits`] resolve a missing
//! value to its default from [`super::defaults`].
//!
//! Build these from text with [`super::parse`], which checks first; deserialising with serde directly skips
//! the checker's range and nesting rules.

use super::defaults as d;
pub use crate::conference::PlayBeep;
use serde::{Deserialize, Serialize};

/// A PerCL script: the commands, run in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Script(pub Vec<Command>);

/// One PerCL command. The variant name is the command name on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)] // Each variant is documented on its struct.
pub enum Command {
    AddToConference(AddToConference),
    AudioStream(AudioStream),
    CreateConference(CreateConference),
    Dequeue(Dequeue),
    Enqueue(Enqueue),
    GetDigits(GetDigits),
    GetSpeech(GetSpeech),
    Hangup(Hangup),
    OutDial(OutDial),
    Park(Park),
    Pause(Pause),
    Play(Play),
    PlayEarlyMedia(PlayEarlyMedia),
    RecordUtterance(RecordUtterance),
    Redirect(Redirect),
    Reject(Reject),
    RemoveFromConference(RemoveFromConference),
    Say(Say),
    SendDigits(SendDigits),
    SetDTMFPassThrough(SetDTMFPassThrough),
    SetListen(SetListen),
    SetTalk(SetTalk),
    Sms(Sms),
    StartRecordCall(StartRecordCall),
    TerminateConference(TerminateConference),
    TranscribeUtterance(TranscribeUtterance),
    Unpark(Unpark),
}

impl Command {
    /// The command's name as written in PerCL.
    pub fn name(&self) -> &'static str {
        match self {
            Command::AddToConference(_) => "AddToConference",
            Command::AudioStream(_) => "AudioStream",
            Command::CreateConference(_) => "CreateConference",
            Command::Dequeue(_) => "Dequeue",
            Command::Enqueue(_) => "Enqueue",
            Command::GetDigits(_) => "GetDigits",
            Command::GetSpeech(_) => "GetSpeech",
            Command::Hangup(_) => "Hangup",
            Command::OutDial(_) => "OutDial",
            Command::Park(_) => "Park",
            Command::Pause(_) => "Pause",
            Command::Play(_) => "Play",
            Command::PlayEarlyMedia(_) => "PlayEarlyMedia",
            Command::RecordUtterance(_) => "RecordUtterance",
            Command::Redirect(_) => "Redirect",
            Command::Reject(_) => "Reject",
            Command::RemoveFromConference(_) => "RemoveFromConference",
            Command::Say(_) => "Say",
            Command::SendDigits(_) => "SendDigits",
            Command::SetDTMFPassThrough(_) => "SetDTMFPassThrough",
            Command::SetListen(_) => "SetListen",
            Command::SetTalk(_) => "SetTalk",
            Command::Sms(_) => "Sms",
            Command::StartRecordCall(_) => "StartRecordCall",
            Command::TerminateConference(_) => "TerminateConference",
            Command::TranscribeUtterance(_) => "TranscribeUtterance",
            Command::Unpark(_) => "Unpark",
        }
    }

    /// What happens to the script after this command (see [`super::schema::Flow`]).
    pub fn flow(&self) -> super::schema::Flow {
        super::schema::command(self.name()).map_or(super::schema::Flow::Continues, |c| c.flow)
    }
}

/// `AddToConference`: adds this call to a conference as a participant. Terminal: the call stays bridged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddToConference {
    /// If true, the participant can type `callControlSequence` to invoke `callControlUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_call_control: Option<bool>,
    /// Digits, `*` and `#` that invoke `callControlUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_control_sequence: Option<String>,
    /// Requested when the participant types `callControlSequence`; its PerCL runs on this leg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_control_url: Option<String>,
    /// The conference to join (it must exist).
    pub conference_id: String,
    /// Requested when the participant leaves; its PerCL continues the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leave_conference_url: Option<String>,
    /// Whether the participant hears the conference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listen: Option<bool>,
    /// Notified when the participant enters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_url: Option<String>,
    /// Whether the conference starts (`inProgress`) when this participant enters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_conf_on_enter: Option<bool>,
    /// Whether the others hear this participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talk: Option<bool>,
    /// Whether this participant's DTMF tones reach the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtmf_pass_through: Option<bool>,
}

impl AddToConference {
    /// `allowCallControl`, or its default.
    pub fn allow_call_control(&self) -> bool {
        self.allow_call_control.unwrap_or(d::ALLOW_CALL_CONTROL)
    }
    /// `startConfOnEnter`, or its default.
    pub fn start_conf_on_enter(&self) -> bool {
        self.start_conf_on_enter.unwrap_or(d::START_CONF_ON_ENTER)
    }
    /// `talk`, or its default.
    pub fn talk(&self) -> bool {
        self.talk.unwrap_or(d::TALK)
    }
    /// `listen`, or its default.
    pub fn listen(&self) -> bool {
        self.listen.unwrap_or(d::LISTEN)
    }
    /// `dtmfPassThrough`, or its default.
    pub fn dtmf_pass_through(&self) -> bool {
        self.dtmf_pass_through.unwrap_or(d::DTMF_PASS_THROUGH)
    }
}

/// `AudioStream`: hands the call to a gRPC session; PerCL from `actionUrl` resumes it, or the call hangs up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioStream {
    /// The gRPC server (port 80 or 443).
    pub location: String,
    /// Requested when the gRPC session ends; without it the call hangs up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_url: Option<String>,
    /// The audio type and sample rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Strings passed through to the gRPC server. (The Python SDK 5.4.1 cannot serialise these.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_data: Option<Vec<String>>,
    /// Redacts audio and DTMF from logs while streaming.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
}

/// `CreateConference`: creates an empty conference; PerCL from `actionUrl` continues the call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateConference {
    /// Requested once the conference exists (`createConference`); its PerCL usually joins the call to it.
    pub action_url: String,
    /// A descriptive name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// When participants hear the beep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play_beep: Option<PlayBeep>,
    /// Whether the conference is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<bool>,
    /// Notified on every status change (`conferenceStatus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_callback_url: Option<String>,
    /// Hold audio while the conference is `populated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_url: Option<String>,
    /// The call that created this leg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_call_id: Option<String>,
}

impl CreateConference {
    /// `playBeep`, or its default.
    pub fn play_beep(&self) -> PlayBeep {
        self.play_beep.unwrap_or(d::CREATE_CONFERENCE_PLAY_BEEP)
    }
    /// `record`, or its default.
    pub fn record(&self) -> bool {
        self.record.unwrap_or(d::CREATE_CONFERENCE_RECORD)
    }
}

/// `Dequeue`: the queued call leaves its queue; the Enqueue `actionUrl` continues it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dequeue {}

/// `Enqueue`: puts the call in a queue (created if missing).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Enqueue {
    /// Requested when the call leaves the queue; its PerCL continues the call.
    pub action_url: String,
    /// Notified when the call enters the queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_url: Option<String>,
    /// `QU` followed by 40 hex characters.
    pub queue_id: String,
    /// PerCL that runs while the call waits.
    pub wait_url: String,
}

/// `GetDigits`: collects DTMF digits, playing `prompts` meanwhile; results go to `actionUrl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDigits {
    /// Receives the digits; its PerCL continues the call.
    pub action_url: String,
    /// Milliseconds to wait after each digit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digit_timeout_ms: Option<u32>,
    /// The key that ends input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_on_key: Option<String>,
    /// Whether earlier buffered digits are discarded first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flush_buffer: Option<bool>,
    /// Milliseconds to wait for the first digit, once the prompts end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_timeout_ms: Option<u32>,
    /// Input ends after this many digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_digits: Option<u32>,
    /// Fewer digits than this count as no input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_digits: Option<u32>,
    /// Say, Play and Pause commands played while waiting; a digit interrupts them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Vec<Command>>,
    /// Keeps the digits out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
}

impl GetDigits {
    /// `digitTimeoutMs`, or its default.
    pub fn digit_timeout_ms(&self) -> u32 {
        self.digit_timeout_ms
            .unwrap_or(d::GET_DIGITS_DIGIT_TIMEOUT_MS)
    }
    /// `finishOnKey`, or its default.
    pub fn finish_on_key(&self) -> &str {
        self.finish_on_key
            .as_deref()
            .unwrap_or(d::GET_DIGITS_FINISH_ON_KEY)
    }
    /// `flushBuffer`, or its default.
    pub fn flush_buffer(&self) -> bool {
        self.flush_buffer.unwrap_or(d::GET_DIGITS_FLUSH_BUFFER)
    }
    /// `initialTimeoutMs`, or its default.
    pub fn initial_timeout_ms(&self) -> u32 {
        self.initial_timeout_ms
            .unwrap_or(d::GET_DIGITS_INITIAL_TIMEOUT_MS)
    }
    /// `maxDigits`, or its default.
    ///
    /// ```
    /// let script = conflab::percl::parse(r#"[{"GetDigits": {"actionUrl": "https://app/digits"}}]"#).unwrap();
    /// let conflab::percl::model::Command::GetDigits(get) = &script.0[0] else { unreachable!() };
    /// assert_eq!((get.min_digits(), get.max_digits(), get.finish_on_key()), (1, 16, "#"));
    /// ```
    pub fn max_digits(&self) -> u32 {
        self.max_digits.unwrap_or(d::GET_DIGITS_MAX_DIGITS)
    }
    /// `minDigits`, or its default.
    pub fn min_digits(&self) -> u32 {
        self.min_digits.unwrap_or(d::GET_DIGITS_MIN_DIGITS)
    }
    /// The nested prompts (none when absent).
    pub fn prompts(&self) -> &[Command] {
        self.prompts.as_deref().unwrap_or_default()
    }
}

/// `GetSpeech`: recognises speech against a grammar, playing `prompts` meanwhile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetSpeech {
    /// Receives the result; its PerCL continues the call.
    pub action_url: String,
    /// Whether `grammarFile` is a URL or a built-in grammar name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grammar_type: Option<GrammarType>,
    /// The grammar: a download URL, or a built-in name such as `ANY_DIG`.
    pub grammar_file: String,
    /// The rule within the grammar file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grammar_rule: Option<String>,
    /// Whether a beep plays before recognition starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play_beep: Option<bool>,
    /// Say, Play and Pause commands played while waiting; speech interrupts them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Vec<Command>>,
    /// Milliseconds without speech before giving up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_input_timeout_ms: Option<u32>,
    /// Milliseconds without a match after the prompts end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognition_timeout_ms: Option<u32>,
    /// Confidence needed for a match, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence_threshold: Option<Number>,
    /// Sound sensitivity, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity_level: Option<Number>,
    /// Silence that finalises a complete match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speech_complete_timeout_ms: Option<u32>,
    /// Silence that finalises an incomplete match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speech_incomplete_timeout_ms: Option<u32>,
    /// Keeps the result out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
}

impl GetSpeech {
    /// `grammarType`, or its default.
    pub fn grammar_type(&self) -> GrammarType {
        self.grammar_type.unwrap_or(d::GET_SPEECH_GRAMMAR_TYPE)
    }
    /// The nested prompts (none when absent).
    pub fn prompts(&self) -> &[Command] {
        self.prompts.as_deref().unwrap_or_default()
    }
}

/// `Hangup`: ends the call (it is still answered and billed).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Hangup {
    /// Your reason, reported in the call's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `OutDial`: calls a number; `actionUrl` continues this call, `callConnectUrl` starts the new one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutDial {
    /// Requested at once (`outDialStart`); its PerCL continues this (parent) call.
    pub action_url: String,
    /// Requested when the child call connects (`outDialConnect`); its PerCL runs on the child.
    pub call_connect_url: String,
    /// The caller ID shown (E.164).
    pub calling_number: String,
    /// The number to call (E.164).
    pub destination: String,
    /// What to do when a machine answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_machine: Option<IfMachine>,
    /// Requested when a machine answers and `ifMachine` is `redirect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_machine_url: Option<String>,
    /// DTMF to send once connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_digits: Option<String>,
    /// Notified when the child call ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_callback_url: Option<String>,
    /// Seconds to ring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u32>,
    /// Keeps details out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
}

impl OutDial {
    /// `timeout` in seconds, or its default.
    pub fn timeout(&self) -> u32 {
        self.timeout.unwrap_or(d::OUT_DIAL_TIMEOUT_SEC)
    }
}

/// `Park`: puts the call on hold, running `waitUrl`'s PerCL in a loop until it is unparked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Park {
    /// PerCL that runs while parked, fetched again each time it runs out.
    pub wait_url: String,
    /// Requested when the call is unparked; its PerCL continues the call.
    pub action_url: String,
    /// Notified when the call is parked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_url: Option<String>,
}

/// `Pause`: waits silently.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    /// Milliseconds (more than 0).
    pub length: u32,
}

/// `Play`: plays an audio file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Play {
    /// The audio file's URL.
    pub file: String,
    /// Times to play; 0 plays until the call hangs up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#loop: Option<u32>,
    /// Keeps details out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
}

impl Play {
    /// `loop`, or its default.
    pub fn loop_count(&self) -> u32 {
        self.r#loop.unwrap_or(d::LOOP)
    }
}

/// `PlayEarlyMedia`: plays audio before an inbound call is answered (only as the first command).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlayEarlyMedia {
    /// The audio file's URL.
    pub file: String,
}

/// `RecordUtterance`: records the caller; the recording goes to `actionUrl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordUtterance {
    /// Receives the recording; its PerCL continues the call.
    pub action_url: String,
    /// Silence that ends the recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silence_timeout_ms: Option<u32>,
    /// The key that ends the recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_on_key: Option<String>,
    /// The longest recording, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length_sec: Option<u32>,
    /// Whether a beep plays first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play_beep: Option<bool>,
    /// If true, recording starts when audio is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_start: Option<bool>,
    /// Keeps details out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
}

/// `Redirect`: continues the call with the PerCL at `actionUrl` (at most 256 times per call).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redirect {
    /// Where the next PerCL comes from.
    pub action_url: String,
}

/// `Reject`: refuses an inbound call without answering it (no charge).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reject {
    /// Your reason, reported in the call's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `RemoveFromConference`: takes this call out of its conference (not hung up); `leaveConferenceUrl` continues it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RemoveFromConference {}

/// `Say`: speaks text (text-to-speech).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Say {
    /// What to say (at most 4,096 bytes; empty skips the command).
    pub text: String,
    /// The language and accent, such as `en-US` (see [`Language`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The text-to-speech engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<TTSEngine>,
    /// Times to say it; 0 repeats until the call hangs up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#loop: Option<u32>,
    /// Keeps the text out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
}

impl Say {
    /// `loop`, or its default.
    pub fn loop_count(&self) -> u32 {
        self.r#loop.unwrap_or(d::LOOP)
    }
    /// `language` when it is one FreeClimb lists.
    pub fn language(&self) -> Option<Language> {
        self.language.as_deref().and_then(Language::parse)
    }
}

/// `SendDigits`: plays DTMF tones on the call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendDigits {
    /// The digits (`0`-`9`, `*`, `#`, with optional pause markers); not empty.
    pub digits: String,
    /// Milliseconds between digits; FreeClimb clamps it to 100-1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_ms: Option<u32>,
    /// Keeps the digits out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
}

impl SendDigits {
    /// `pauseMs` as FreeClimb applies it (clamped), or `None` for FreeClimb's own pacing.
    pub fn effective_pause_ms(&self) -> Option<u32> {
        let (lo, hi) = d::SEND_DIGITS_PAUSE_MS_RANGE;
        self.pause_ms.map(|p| p.clamp(lo, hi))
    }
}

/// `SetDTMFPassThrough`: whether this participant's DTMF reaches the others.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetDTMFPassThrough {
    /// `false` keeps this participant's tones to themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtmf_pass_through: Option<bool>,
}

impl SetDTMFPassThrough {
    /// `dtmfPassThrough`, or its default.
    pub fn dtmf_pass_through(&self) -> bool {
        self.dtmf_pass_through.unwrap_or(d::DTMF_PASS_THROUGH)
    }
}

/// `SetListen`: whether this participant hears the conference.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetListen {
    /// `false` silences the conference for this participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listen: Option<bool>,
}

impl SetListen {
    /// `listen`, or its default.
    pub fn listen(&self) -> bool {
        self.listen.unwrap_or(d::LISTEN)
    }
}

/// `SetTalk`: whether the others hear this participant.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetTalk {
    /// `false` mutes the participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talk: Option<bool>,
}

impl SetTalk {
    /// `talk`, or its default.
    pub fn talk(&self) -> bool {
        self.talk.unwrap_or(d::TALK)
    }
}

/// `Sms`: sends a text message during the call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sms {
    /// The recipient (E.164).
    pub to: String,
    /// The sender: a FreeClimb number of the account (E.164).
    pub from: String,
    /// The message; over 160 characters it goes out in several segments.
    pub text: String,
    /// Notified when the message's status changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_url: Option<String>,
}

/// `StartRecordCall`: starts recording the call and continues at once.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StartRecordCall {}

/// `TerminateConference`: ends the conference this call is in; everyone is hung up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TerminateConference {}

/// `TranscribeUtterance`: transcribes what the caller says; the text goes to `actionUrl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscribeUtterance {
    /// Receives the transcription; its PerCL continues the call.
    pub action_url: String,
    /// Whether a beep plays first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play_beep: Option<bool>,
    /// Recording options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<TranscribeUtteranceRecord>,
    /// Keeps the transcription out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_for_logging: Option<bool>,
    /// Keeps the recording private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_for_recording: Option<bool>,
    /// Commands played first (FreeClimb documents no list; Say, Play and Pause are safe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Vec<Command>>,
}

impl TranscribeUtterance {
    /// `playBeep`, or its default.
    pub fn play_beep(&self) -> bool {
        self.play_beep.unwrap_or(d::TRANSCRIBE_FLAGS)
    }
    /// `privacyForLogging`, or its default.
    pub fn privacy_for_logging(&self) -> bool {
        self.privacy_for_logging.unwrap_or(d::TRANSCRIBE_FLAGS)
    }
    /// `privacyForRecording`, or its default.
    pub fn privacy_for_recording(&self) -> bool {
        self.privacy_for_recording.unwrap_or(d::TRANSCRIBE_FLAGS)
    }
    /// The nested prompts (none when absent).
    pub fn prompts(&self) -> &[Command] {
        self.prompts.as_deref().unwrap_or_default()
    }
}

/// `TranscribeUtterance.record`: recording options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscribeUtteranceRecord {
    /// Whether the recording is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_recording: Option<bool>,
    /// The longest recording, 1-60 seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length_sec: Option<u32>,
    /// Silence that ends the recording, 1-3000 ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rcrd_termination_silence_time_ms: Option<u32>,
}

impl TranscribeUtteranceRecord {
    /// `saveRecording`, or its default.
    pub fn save_recording(&self) -> bool {
        self.save_recording.unwrap_or(d::TRANSCRIBE_SAVE_RECORDING)
    }
    /// `maxLengthSec`, or its default.
    pub fn max_length_sec(&self) -> u32 {
        self.max_length_sec.unwrap_or(d::TRANSCRIBE_MAX_LENGTH_SEC)
    }
}

/// `Unpark`: resumes a parked call; Park's `actionUrl` continues it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Unpark {}

/// `Say.engine`: the text-to-speech engine and its parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TTSEngine {
    /// The engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<TTSEngineName>,
    /// Engine-specific parameters, kept in source order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<JsonObject>,
}

/// A number that keeps whether it was written as an integer (`1`) or not (`1.0`), so that formatting
/// reproduces what the SDKs write.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Number {
    /// Written without fraction or exponent.
    Int(i64),
    /// Anything else.
    Float(f64),
}

impl Number {
    /// The value as a float.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// Free-form JSON (TTS engine parameters), members in source order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A positive integer above `i64::MAX`.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object.
    Object(JsonObject),
}

/// A JSON object whose members keep their order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JsonObject(pub Vec<(String, Json)>);

impl Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Int(i) => s.serialize_i64(*i),
            Json::UInt(u) => s.serialize_u64(*u),
            Json::Float(f) => s.serialize_f64(*f),
            Json::String(t) => s.serialize_str(t),
            Json::Array(items) => s.collect_seq(items),
            Json::Object(o) => o.serialize(s),
        }
    }
}

impl Serialize for JsonObject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

impl<'de> Deserialize<'de> for JsonObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::Object(o) => Ok(o),
            _ => Err(serde::de::Error::custom("expected an object")),
        }
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Json;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(i64::try_from(v).map_or(Json::UInt(v), Json::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            members.push((k, v));
        }
        Ok(Json::Object(JsonObject(members)))
    }
}

/// Declares a wire enum with its spellings, kept next to the serde names they must equal (a test checks).
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $wire)] $variant),+
        }
        impl $name {
            /// Every value, in the order FreeClimb's spec lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every wire spelling, in the same order.
            pub const NAMES: &'static [&'static str] = &[$($wire),+];
            /// The wire spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
            /// Parses the wire spelling (exact, case-sensitive like FreeClimb).
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

wire_enum! {
    /// `OutDial.ifMachine`: what to do when an answering machine or fax answers.
    IfMachine {
        /// Request `ifMachineUrl` and run its PerCL.
        Redirect = "redirect",
        /// Hang up the child call.
        Hangup = "hangup",
    }
}

wire_enum! {
    /// `GetSpeech.grammarType`: what `grammarFile` names.
    GrammarType {
        /// A grammar file to download.
        Url = "URL",
        /// One of FreeClimb's built-in grammars ([`BUILTIN_GRAMMARS`]).
        Builtin = "BUILTIN",
    }
}

wire_enum! {
    /// `Say.engine.name`: the text-to-speech engine.
    TTSEngineName {
        /// FreeClimb's standard voices.
        FreeclimbStandard = "freeclimb.standard",
        /// FreeClimb's neural voices.
        FreeclimbNeural = "freeclimb.neural",
        /// ElevenLabs voices.
        ElevenLabs = "ElevenLabs",
    }
}

wire_enum! {
    /// `Say.language`: the languages FreeClimb lists. (The SDKs type the attribute as a plain string, so the
    /// checker only warns about other values.)
    Language {
        /// Catalan (Spain).
        CaEs = "ca-ES",
        /// Danish.
        DaDk = "da-DK",
        /// German.
        DeDe = "de-DE",
        /// English (Australia).
        EnAu = "en-AU",
        /// English (Canada).
        EnCa = "en-CA",
        /// English (UK).
        EnGb = "en-GB",
        /// English (India).
        EnIn = "en-IN",
        /// English (US).
        EnUs = "en-US",
        /// Spanish (Spain).
        EsEs = "es-ES",
        /// Spanish (Mexico).
        EsMx = "es-MX",
        /// Finnish.
        FiFi = "fi-FI",
        /// French (Canada).
        FrCa = "fr-CA",
        /// French (France).
        FrFr = "fr-FR",
        /// Italian.
        ItIt = "it-IT",
        /// Japanese.
        JaJp = "ja-JP",
        /// Korean.
        KoKr = "ko-KR",
        /// Norwegian Bokmål.
        NbNo = "nb-NO",
        /// Dutch.
        NlNl = "nl-NL",
        /// Polish.
        PlPl = "pl-PL",
        /// Portuguese (Brazil).
        PtBr = "pt-BR",
        /// Portuguese (Portugal).
        PtPt = "pt-PT",
        /// Russian.
        RuRu = "ru-RU",
        /// Swedish.
        SvSe = "sv-SE",
        /// Chinese (Mainland).
        ZhCn = "zh-CN",
        /// Chinese (Hong Kong).
        ZhHk = "zh-HK",
        /// Chinese (Taiwan).
        ZhTw = "zh-TW",
    }
}

/// The wire spellings of [`PlayBeep`] (the conference module's enum), in spec order.
pub const PLAY_BEEP_NAMES: &[&str] = &[
    PlayBeep::Always.as_str(),
    PlayBeep::Never.as_str(),
    PlayBeep::EntryOnly.as_str(),
    PlayBeep::ExitOnly.as_str(),
];

/// The built-in grammars `GetSpeech.grammarFile` may name when `grammarType` is `BUILTIN`.
pub const BUILTIN_GRAMMARS: &[&str] = &[
    "ALPHNUM6",
    "ANY_DIG",
    "DIG1",
    "DIG2",
    "DIG3",
    "DIG4",
    "DIG5",
    "DIG6",
    "DIG7",
    "DIG8",
    "DIG9",
    "DIG10",
    "DIG11",
    "UP_TO_20_DIGIT_SEQUENCE",
    "VERSAY_YESNO",
];
