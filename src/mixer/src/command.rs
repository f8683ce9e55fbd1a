//! What a driver tells the mixer, and the flat `u32` word encoding that carries it across the AudioWorklet's
//! port (the worklet is a raw wasm module: no wasm-bindgen, no serde, no strings across the boundary).
//!
//! Ids are small dense integers chosen by the driver (the mixer stores legs and rooms in vectors indexed by
//! them), so the render loop never hashes or compares strings.

/// A call leg: something that can talk into a room and hear it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LegId(pub u32);

/// A conference's mix bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoomId(pub u32);

/// A PCM clip registered once with [`Command::LoadPcm`] and shared by every source that plays it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PcmId(pub u32);

/// What a source plays. A spec is a description; the mixer builds the running [`crate::source::Source`] from
/// it when the command is applied (outside the render path, so building may allocate).
#[derive(Clone, Debug, PartialEq)]
pub enum SourceSpec {
    /// Nothing.
    Silence,
    /// Frames the driver writes into [`crate::Mixer::input_mut`] before each block (the microphone).
    External,
    /// A continuous sine at −12 dBFS.
    Tone {
        /// Frequency in Hz.
        hz: f32,
    },
    /// A registered clip; `looped` restarts it at the end (leg media `{"file": …}`), otherwise it ends.
    Pcm {
        /// The clip.
        pcm: PcmId,
        /// Restart at the end.
        looped: bool,
    },
    /// The deterministic speech synthesiser (Say, leg media `{"speech": …}`): 400 ms per word, so the length
    /// matches the engine's `say_ms`. `looped` repeats it (leg media), otherwise it ends.
    Speech {
        /// The words.
        text: String,
        /// Repeat at the end.
        looped: bool,
    },
    /// Speech-like noise bursts with pauses (leg media `{"talker": …}`), deterministic from `seed`.
    Talker {
        /// The pattern's seed.
        seed: u64,
    },
    /// The procedural default wait music, deterministic from `seed`.
    Music {
        /// The tune's seed.
        seed: u64,
    },
    /// A sine beep of `ms` milliseconds at `hz` (the conference beep: 1 kHz, 250 ms).
    Beep {
        /// Pitch.
        hz: f32,
        /// Length.
        ms: u32,
    },
    /// DTMF tones, one per digit (`SendDigits`, pass-through).
    Dtmf {
        /// The digits (`0-9*#A-D`, others are silent pauses).
        digits: String,
    },
}

/// One change to the mix. Applied between blocks; gain changes are ramped over the next block, so none clicks.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Registers a clip at the mixer's sample rate (the driver resamples or decodes it first).
    LoadPcm {
        /// Its id.
        pcm: PcmId,
        /// Mono frames.
        samples: Vec<f32>,
    },
    /// A leg appears (a call is placed or answered); `input` is what its phone says.
    AddLeg {
        /// The leg.
        leg: LegId,
        /// Its voice.
        input: SourceSpec,
    },
    /// The leg is gone (hang-up): it leaves its room and everything it heard stops.
    RemoveLeg {
        /// The leg.
        leg: LegId,
    },
    /// The leg joins `room` (leaving any other) with these privileges.
    Join {
        /// The leg.
        leg: LegId,
        /// The room.
        room: RoomId,
        /// Others hear it.
        talk: bool,
        /// It hears the room.
        listen: bool,
    },
    /// The leg leaves its room.
    Leave {
        /// The leg.
        leg: LegId,
    },
    /// Changes `talk` (the UI's mute as well).
    SetTalk {
        /// The leg.
        leg: LegId,
        /// Others hear it.
        on: bool,
    },
    /// Changes `listen`.
    SetListen {
        /// The leg.
        leg: LegId,
        /// It hears the room.
        on: bool,
    },
    /// Plays `source` to the leg alone (Say, Play, Pause, SendDigits echo), replacing the previous prompt.
    Prompt {
        /// The hearer.
        leg: LegId,
        /// What plays.
        source: SourceSpec,
    },
    /// The leg's prompt stops.
    StopPrompt {
        /// The hearer.
        leg: LegId,
    },
    /// A one-shot overlay heard by the leg on top of everything (the conference beep, DTMF pass-through).
    Overlay {
        /// The hearer.
        leg: LegId,
        /// What plays.
        source: SourceSpec,
    },
    /// Wait music for a room starts (heard by its listeners) or stops.
    WaitMusic {
        /// The room.
        room: RoomId,
        /// The music (`Music` or `Pcm`); ignored when `on` is false.
        source: SourceSpec,
        /// Starts or stops.
        on: bool,
    },
    /// The room's recording sink starts or stops; it hears every talker and the wait music, and contributes
    /// nothing.
    Record {
        /// The room.
        room: RoomId,
        /// Starts or stops.
        on: bool,
    },
}

/// Why a word stream did not decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The stream ends inside a command.
    Truncated {
        /// Word offset of the command.
        at: usize,
    },
    /// An unknown command or source tag.
    UnknownTag {
        /// Word offset.
        at: usize,
        /// The tag found.
        tag: u32,
    },
    /// Text that is not UTF-8.
    BadText {
        /// Word offset.
        at: usize,
    },
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DecodeError::Truncated { at } => write!(f, "command stream ends inside the command at word {at}"),
            DecodeError::UnknownTag { at, tag } => write!(f, "unknown tag {tag} at word {at}"),
            DecodeError::BadText { at } => write!(f, "text at word {at} is not UTF-8"),
        }
    }
}

impl Command {
    /// Appends `[at_frame lo, at_frame hi, tag, payload…]` to `out`. Text is a byte length then bytes packed
    /// little-endian into words; f32 as its bits; u64 as two words (lo, hi).
    pub fn encode(&self, at_frame: u64, out: &mut Vec<u32>) {
        let _ = (at_frame, out);
        todo!("conflab-mixer: Command::encode")
    }

    /// Decodes one command from the front of `words`: its frame, the command and the words it used.
    pub fn decode(words: &[u32]) -> Result<(u64, Command, usize), DecodeError> {
        let _ = words;
        todo!("conflab-mixer: Command::decode")
    }
}
