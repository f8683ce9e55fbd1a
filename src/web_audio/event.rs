//! What the audio glue tells its subscribers, and the small value types of its API.

use conflab_mixer::{LegId, Meter, RoomId};

/// The `AudioContext`'s state, as the UI shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextState {
    /// Created but not playing (browsers start here until a user gesture resumes it).
    Suspended,
    /// Playing: the worklet renders.
    Running,
    /// Closed for good.
    Closed,
}

impl ContextState {
    /// The state named by `AudioContext.state` (`"interrupted"` and unknown names count as suspended).
    pub fn from_name(name: &str) -> ContextState {
        match name {
            "running" => ContextState::Running,
            "closed" => ContextState::Closed,
            _ => ContextState::Suspended,
        }
    }

    /// Its lowercase name, as the Web Audio API spells it.
    pub fn name(self) -> &'static str {
        match self {
            ContextState::Suspended => "suspended",
            ContextState::Running => "running",
            ContextState::Closed => "closed",
        }
    }
}

/// Something the audio worklet or the context reported.
#[derive(Clone, Debug, PartialEq)]
pub enum AudioEvent {
    /// Every present leg's meter about every 50 ms: the loudest block's RMS and peak since the previous report,
    /// talking if the gate was open in any of its blocks.
    Meters(Vec<(LegId, Meter)>),
    /// How many times the output found no rendered audio since the context started (Chromium's
    /// `AudioContext.playbackStats.underrunEvents`; reported when it grows, never where the browser lacks it).
    Underruns(u32),
    /// A room's recording ended: the WAV file of everything it captured (mono, the context's sample rate).
    Recording {
        /// The room that recorded.
        room: RoomId,
        /// A complete RIFF/WAVE file.
        wav: Vec<u8>,
    },
    /// The context changed state.
    State(ContextState),
    /// The worklet rejected a command stream (a bug in the driver: the message says where).
    WorkletError(String),
}

/// Which way a media device points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceKind {
    /// A microphone.
    Input,
    /// Speakers or headphones.
    Output,
}

/// An audio device from `enumerateDevices`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// The browser's device id (pass it to `attach_microphone` or `set_output`).
    pub id: String,
    /// Its label (empty until the user has granted microphone access once).
    pub label: String,
    /// Input or output.
    pub kind: DeviceKind,
}
