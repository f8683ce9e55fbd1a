//! Every PerCL attribute default, in one place.
//!
//! The checker's schema ([`super::schema`]) shows these to learners, the typed model's accessors
//! (for example [`super::model::GetDigits::max_digits`]) return them when an attribute is absent, and the
//! engine reads them through those accessors. Where FreeClimb documents no default, the value is conflab's
//! rule from the reference's "Decisions" table, marked "sandbox choice".

use crate::conference::PlayBeep;

/// `Say.loop` and `Play.loop`: said or played once. (0 means "until the call hangs up".)
pub const LOOP: u32 = 1;

/// `CreateConference.playBeep`: `always` (FreeClimb docs: an unset value means always).
pub const CREATE_CONFERENCE_PLAY_BEEP: PlayBeep = PlayBeep::Always;
/// `CreateConference.record`: not recorded.
pub const CREATE_CONFERENCE_RECORD: bool = false;

/// `AddToConference.startConfOnEnter`: true (FreeClimb docs).
pub const START_CONF_ON_ENTER: bool = true;
/// `AddToConference.allowCallControl`: false.
pub const ALLOW_CALL_CONTROL: bool = false;
/// `talk` of AddToConference and SetTalk: true (sandbox choice, as the REST participant update documents).
pub const TALK: bool = true;
/// `listen` of AddToConference and SetListen: true (sandbox choice, as the REST participant update documents).
pub const LISTEN: bool = true;
/// `dtmfPassThrough` of AddToConference and SetDTMFPassThrough: true (sandbox choice; FreeClimb documents none).
pub const DTMF_PASS_THROUGH: bool = true;

/// `GetDigits.maxDigits`: 16 (sandbox choice, from FreeClimb's example).
pub const GET_DIGITS_MAX_DIGITS: u32 = 16;
/// `GetDigits.minDigits`: 1 (sandbox choice).
pub const GET_DIGITS_MIN_DIGITS: u32 = 1;
/// `GetDigits.finishOnKey`: `#` (sandbox choice, from FreeClimb's example).
pub const GET_DIGITS_FINISH_ON_KEY: &str = "#";
/// `GetDigits.digitTimeoutMs`: 3000 ms (sandbox choice, from FreeClimb's example).
pub const GET_DIGITS_DIGIT_TIMEOUT_MS: u32 = 3000;
/// `GetDigits.initialTimeoutMs`: 3000 ms (sandbox choice).
pub const GET_DIGITS_INITIAL_TIMEOUT_MS: u32 = 3000;
/// `GetDigits.flushBuffer`: false (sandbox choice).
pub const GET_DIGITS_FLUSH_BUFFER: bool = false;

/// `GetSpeech.grammarType`: `URL` (grammarFile is a download URL unless BUILTIN is chosen).
pub const GET_SPEECH_GRAMMAR_TYPE: super::model::GrammarType = super::model::GrammarType::Url;

/// `OutDial.timeout`: 30 seconds of ringing (as REST MakeCall documents).
pub const OUT_DIAL_TIMEOUT_SEC: u32 = 30;

/// `SendDigits.pauseMs` is clamped by FreeClimb into this range.
pub const SEND_DIGITS_PAUSE_MS_RANGE: (u32, u32) = (100, 1000);

/// `TranscribeUtterance.playBeep`, `privacyForLogging`, `privacyForRecording`: false (SDK model defaults).
pub const TRANSCRIBE_FLAGS: bool = false;
/// `TranscribeUtterance.record.saveRecording`: false (SDK model default).
pub const TRANSCRIBE_SAVE_RECORDING: bool = false;
/// `TranscribeUtterance.record.maxLengthSec`: 60 (SDK model default, also the maximum).
pub const TRANSCRIBE_MAX_LENGTH_SEC: u32 = 60;

/// `privacyMode` of every command that has it: off.
pub const PRIVACY_MODE: bool = false;

/// Say `text` is limited to 4 KB (FreeClimb docs: 4,096 bytes).
pub const SAY_TEXT_MAX_BYTES: usize = 4096;
/// One SMS segment holds 160 characters; longer texts go out in several segments.
pub const SMS_SEGMENT_CHARS: usize = 160;
