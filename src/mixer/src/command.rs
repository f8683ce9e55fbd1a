//! What a driver tells the mixer, and the flat `u32` word encoding that carries it across the AudioWorklet's
//! port (the worklet is a raw wasm module: no wasm-bindgen, no serde, no strings across the boundary).
//!
//! Ids are small dense integers chosen by the driver (the mixer stores legs and rooms in vectors indexed by
//! them), so the render loop never hashes or compares strings.
//!
//! # The word encoding
//!
//! A stream is commands back to back. Each command is `[frame lo, frame hi, tag, payload…]`: the frame it is
//! due at (a `u64`, low word first), its tag, then its fields in declaration order. Field encodings:
//! * an id (`LegId`, `RoomId`, `PcmId`) or a `u32`: one word;
//! * a flag: one word, 0 or 1 (anything else is [`DecodeError::BadFlag`]);
//! * an `f32`: its IEEE bits (`f32::to_bits`), so values travel bit-exact;
//! * a `u64`: two words, low first;
//! * text: its UTF-8 byte length, then the bytes packed four to a word, little-endian, the last word padded
//!   with zeros;
//! * samples (`LoadPcm`): their count, then one word of bits per sample (at the clip's own rate, the word
//!   before them: the mixer resamples as it plays);
//! * a [`SourceSpec`]: its own tag, then its fields.
//!
//! | tag | command | payload |
//! |---|---|---|
//! | 1 | `LoadPcm` | pcm, rate, samples |
//! | 2 | `AddLeg` | leg, source |
//! | 3 | `RemoveLeg` | leg |
//! | 4 | `Join` | leg, room, talk, listen |
//! | 5 | `Leave` | leg |
//! | 6 | `SetTalk` | leg, on |
//! | 7 | `SetListen` | leg, on |
//! | 8 | `Prompt` | leg, source |
//! | 9 | `StopPrompt` | leg |
//! | 10 | `Overlay` | leg, source |
//! | 11 | `WaitMusic` | room, source, on |
//! | 12 | `Record` | room, on |
//!
//! | tag | source | payload |
//! |---|---|---|
//! | 1 | `Silence` | |
//! | 2 | `External` | |
//! | 3 | `Tone` | hz (f32) |
//! | 4 | `Pcm` | pcm, looped |
//! | 5 | `Speech` | text, looped |
//! | 6 | `Talker` | seed (u64), talk_ms, silence_ms, text |
//! | 7 | `Music` | seed (u64) |
//! | 8 | `Beep` | hz (f32), ms |
//! | 9 | `Dtmf` | digits (text), slot_ms |
//!
//! Decoding never panics and never allocates more than the stream holds: a length is checked against the words
//! left before anything is allocated for it.

use std::sync::Arc;

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
    /// Talk stretches of exactly `talk_ms` alternating with `silence_ms` of silence (leg media
    /// `{"talker": …}`): noise syllables, or `text` read by the speech synthesiser. Deterministic from `seed`,
    /// which picks the first pause (0 to `silence_ms`) and the syllables; see [`crate::source::talker`].
    Talker {
        /// The seed.
        seed: u64,
        /// Length of each talk stretch in ms (0: silent for ever).
        talk_ms: u32,
        /// Length of each pause in ms (0: talks without a pause).
        silence_ms: u32,
        /// What the stretches say, continuing from one to the next; empty (or no words): noise syllables.
        text: String,
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
    /// DTMF tones, one per digit (`SendDigits`, pass-through), each digit's tone at the start of its slot.
    Dtmf {
        /// The digits (`0-9*#A-D`, others are silent pauses).
        digits: String,
        /// Each digit's slot in ms (SendDigits' `pauseMs`): the source lasts `digits × slot_ms`. The tone lasts
        /// 100 ms, or half the slot when that is shorter.
        slot_ms: u32,
    },
}

/// One change to the mix. Applied between blocks; gain changes are ramped over the next block, so none clicks.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Registers a clip at its own sample rate; the sources that play it resample it to the mixer's as they
    /// render (so a clip is held at its rate, not the mixer's).
    LoadPcm {
        /// Its id.
        pcm: PcmId,
        /// The samples' rate in Hz (0: the clip plays as silence).
        rate: u32,
        /// Mono frames at `rate`, shared (the mixer keeps this allocation, and a driver that keeps the decoded
        /// file too holds it once).
        samples: Arc<[f32]>,
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
    /// The room's recording sink starts or stops. It hears every talker of the room (the room's mix, through its
    /// own limiter) and contributes nothing. It does not hear the wait music: music plays while a conference is
    /// `populated` and recording runs while it is `inProgress`, so the two never overlap in FreeClimb.
    Record {
        /// The room.
        room: RoomId,
        /// Starts or stops.
        on: bool,
    },
}

/// Why a word stream did not decode. Every variant names the word offset where the problem is, counted from the
/// start of the slice handed to [`Command::decode`].
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
        /// Word offset (of the text's byte length).
        at: usize,
    },
    /// A boolean word that is neither 0 nor 1.
    BadFlag {
        /// Word offset.
        at: usize,
        /// The word found.
        value: u32,
    },
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DecodeError::Truncated { at } => write!(
                f,
                "the command stream ends inside the command that starts at word {at}: send whole commands, as \
                 Command::encode writes them"
            ),
            DecodeError::UnknownTag { at, tag } => write!(
                f,
                "unknown tag {tag} at word {at}: the sender and the mixer disagree on the encoding (rebuild both \
                 from the same conflab-mixer)"
            ),
            DecodeError::BadText { at } => write!(
                f,
                "the text at word {at} is not UTF-8: encode text with Command::encode, which packs its UTF-8 bytes"
            ),
            DecodeError::BadFlag { at, value } => write!(
                f,
                "the flag at word {at} is {value}, but a flag is 0 (false) or 1 (true)"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

// Command tags (word 2 of a command).
const LOAD_PCM: u32 = 1;
const ADD_LEG: u32 = 2;
const REMOVE_LEG: u32 = 3;
const JOIN: u32 = 4;
const LEAVE: u32 = 5;
const SET_TALK: u32 = 6;
const SET_LISTEN: u32 = 7;
const PROMPT: u32 = 8;
const STOP_PROMPT: u32 = 9;
const OVERLAY: u32 = 10;
const WAIT_MUSIC: u32 = 11;
const RECORD: u32 = 12;

// Source tags (the first word of an encoded SourceSpec).
const SILENCE: u32 = 1;
const EXTERNAL: u32 = 2;
const TONE: u32 = 3;
const PCM: u32 = 4;
const SPEECH: u32 = 5;
const TALKER: u32 = 6;
const MUSIC: u32 = 7;
const BEEP: u32 = 8;
const DTMF: u32 = 9;

/// Appends words to a stream.
struct Writer<'a>(&'a mut Vec<u32>);

impl Writer<'_> {
    fn word(&mut self, w: u32) {
        self.0.push(w);
    }

    fn flag(&mut self, b: bool) {
        self.0.push(u32::from(b));
    }

    fn u64(&mut self, v: u64) {
        self.0.push(v as u32);
        self.0.push((v >> 32) as u32);
    }

    fn f32(&mut self, v: f32) {
        self.0.push(v.to_bits());
    }

    fn text(&mut self, s: &str) {
        // Lengths beyond u32 cannot be sent through the port anyway; they are clipped rather than panicking.
        let bytes = &s.as_bytes()[..s.len().min(u32::MAX as usize)];
        self.0.push(bytes.len() as u32);
        for chunk in bytes.chunks(4) {
            let mut b = [0u8; 4];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0.push(u32::from_le_bytes(b));
        }
    }

    fn source(&mut self, spec: &SourceSpec) {
        match spec {
            SourceSpec::Silence => self.word(SILENCE),
            SourceSpec::External => self.word(EXTERNAL),
            SourceSpec::Tone { hz } => {
                self.word(TONE);
                self.f32(*hz);
            }
            SourceSpec::Pcm { pcm, looped } => {
                self.word(PCM);
                self.word(pcm.0);
                self.flag(*looped);
            }
            SourceSpec::Speech { text, looped } => {
                self.word(SPEECH);
                self.text(text);
                self.flag(*looped);
            }
            SourceSpec::Talker {
                seed,
                talk_ms,
                silence_ms,
                text,
            } => {
                self.word(TALKER);
                self.u64(*seed);
                self.word(*talk_ms);
                self.word(*silence_ms);
                self.text(text);
            }
            SourceSpec::Music { seed } => {
                self.word(MUSIC);
                self.u64(*seed);
            }
            SourceSpec::Beep { hz, ms } => {
                self.word(BEEP);
                self.f32(*hz);
                self.word(*ms);
            }
            SourceSpec::Dtmf { digits, slot_ms } => {
                self.word(DTMF);
                self.text(digits);
                self.word(*slot_ms);
            }
        }
    }
}

/// Reads words from the front of a stream; every error names the command's first word (or the offending word).
struct Reader<'a> {
    words: &'a [u32],
    pos: usize,
    /// Where the command being read starts.
    start: usize,
}

impl Reader<'_> {
    fn word(&mut self) -> Result<u32, DecodeError> {
        let w = *self
            .words
            .get(self.pos)
            .ok_or(DecodeError::Truncated { at: self.start })?;
        self.pos += 1;
        Ok(w)
    }

    fn flag(&mut self) -> Result<bool, DecodeError> {
        let at = self.pos;
        match self.word()? {
            0 => Ok(false),
            1 => Ok(true),
            value => Err(DecodeError::BadFlag { at, value }),
        }
    }

    fn u64(&mut self) -> Result<u64, DecodeError> {
        let lo = self.word()?;
        let hi = self.word()?;
        Ok(u64::from(lo) | u64::from(hi) << 32)
    }

    fn f32(&mut self) -> Result<f32, DecodeError> {
        Ok(f32::from_bits(self.word()?))
    }

    /// Words left, for checking a length before allocating for it.
    fn left(&self) -> usize {
        self.words.len().saturating_sub(self.pos)
    }

    fn text(&mut self) -> Result<String, DecodeError> {
        let at = self.pos;
        let len = self.word()? as usize;
        let n_words = len.div_ceil(4);
        if n_words > self.left() {
            return Err(DecodeError::Truncated { at: self.start });
        }
        let mut bytes = Vec::with_capacity(n_words * 4);
        for &w in &self.words[self.pos..self.pos + n_words] {
            bytes.extend_from_slice(&w.to_le_bytes());
        }
        self.pos += n_words;
        bytes.truncate(len);
        String::from_utf8(bytes).map_err(|_| DecodeError::BadText { at })
    }

    fn samples(&mut self) -> Result<Arc<[f32]>, DecodeError> {
        let n = self.word()? as usize;
        if n > self.left() {
            return Err(DecodeError::Truncated { at: self.start });
        }
        let samples = self.words[self.pos..self.pos + n]
            .iter()
            .map(|&w| f32::from_bits(w))
            .collect();
        self.pos += n;
        Ok(samples)
    }

    fn source(&mut self) -> Result<SourceSpec, DecodeError> {
        let at = self.pos;
        Ok(match self.word()? {
            SILENCE => SourceSpec::Silence,
            EXTERNAL => SourceSpec::External,
            TONE => SourceSpec::Tone { hz: self.f32()? },
            PCM => SourceSpec::Pcm {
                pcm: PcmId(self.word()?),
                looped: self.flag()?,
            },
            SPEECH => SourceSpec::Speech {
                text: self.text()?,
                looped: self.flag()?,
            },
            TALKER => SourceSpec::Talker {
                seed: self.u64()?,
                talk_ms: self.word()?,
                silence_ms: self.word()?,
                text: self.text()?,
            },
            MUSIC => SourceSpec::Music { seed: self.u64()? },
            BEEP => SourceSpec::Beep {
                hz: self.f32()?,
                ms: self.word()?,
            },
            DTMF => SourceSpec::Dtmf {
                digits: self.text()?,
                slot_ms: self.word()?,
            },
            tag => return Err(DecodeError::UnknownTag { at, tag }),
        })
    }
}

impl Command {
    /// Appends this command, to be applied at `at_frame`, to `out`.
    ///
    /// The layout is `[at_frame lo, at_frame hi, tag, payload…]`; see the module documentation for every tag
    /// and payload.
    pub fn encode(&self, at_frame: u64, out: &mut Vec<u32>) {
        let mut w = Writer(out);
        w.u64(at_frame);
        match self {
            Command::LoadPcm { pcm, rate, samples } => {
                w.word(LOAD_PCM);
                w.word(pcm.0);
                w.word(*rate);
                let samples = &samples[..samples.len().min(u32::MAX as usize)];
                w.word(samples.len() as u32);
                w.0.extend(samples.iter().map(|s| s.to_bits()));
            }
            Command::AddLeg { leg, input } => {
                w.word(ADD_LEG);
                w.word(leg.0);
                w.source(input);
            }
            Command::RemoveLeg { leg } => {
                w.word(REMOVE_LEG);
                w.word(leg.0);
            }
            Command::Join {
                leg,
                room,
                talk,
                listen,
            } => {
                w.word(JOIN);
                w.word(leg.0);
                w.word(room.0);
                w.flag(*talk);
                w.flag(*listen);
            }
            Command::Leave { leg } => {
                w.word(LEAVE);
                w.word(leg.0);
            }
            Command::SetTalk { leg, on } => {
                w.word(SET_TALK);
                w.word(leg.0);
                w.flag(*on);
            }
            Command::SetListen { leg, on } => {
                w.word(SET_LISTEN);
                w.word(leg.0);
                w.flag(*on);
            }
            Command::Prompt { leg, source } => {
                w.word(PROMPT);
                w.word(leg.0);
                w.source(source);
            }
            Command::StopPrompt { leg } => {
                w.word(STOP_PROMPT);
                w.word(leg.0);
            }
            Command::Overlay { leg, source } => {
                w.word(OVERLAY);
                w.word(leg.0);
                w.source(source);
            }
            Command::WaitMusic { room, source, on } => {
                w.word(WAIT_MUSIC);
                w.word(room.0);
                w.source(source);
                w.flag(*on);
            }
            Command::Record { room, on } => {
                w.word(RECORD);
                w.word(room.0);
                w.flag(*on);
            }
        }
    }

    /// Decodes one command from the front of `words`: its frame, the command and the number of words it used
    /// (decode the rest of a stream from there).
    pub fn decode(words: &[u32]) -> Result<(u64, Command, usize), DecodeError> {
        let mut r = Reader {
            words,
            pos: 0,
            start: 0,
        };
        let at_frame = r.u64()?;
        let tag_at = r.pos;
        let command = match r.word()? {
            LOAD_PCM => Command::LoadPcm {
                pcm: PcmId(r.word()?),
                rate: r.word()?,
                samples: r.samples()?,
            },
            ADD_LEG => Command::AddLeg {
                leg: LegId(r.word()?),
                input: r.source()?,
            },
            REMOVE_LEG => Command::RemoveLeg {
                leg: LegId(r.word()?),
            },
            JOIN => Command::Join {
                leg: LegId(r.word()?),
                room: RoomId(r.word()?),
                talk: r.flag()?,
                listen: r.flag()?,
            },
            LEAVE => Command::Leave {
                leg: LegId(r.word()?),
            },
            SET_TALK => Command::SetTalk {
                leg: LegId(r.word()?),
                on: r.flag()?,
            },
            SET_LISTEN => Command::SetListen {
                leg: LegId(r.word()?),
                on: r.flag()?,
            },
            PROMPT => Command::Prompt {
                leg: LegId(r.word()?),
                source: r.source()?,
            },
            STOP_PROMPT => Command::StopPrompt {
                leg: LegId(r.word()?),
            },
            OVERLAY => Command::Overlay {
                leg: LegId(r.word()?),
                source: r.source()?,
            },
            WAIT_MUSIC => Command::WaitMusic {
                room: RoomId(r.word()?),
                source: r.source()?,
                on: r.flag()?,
            },
            RECORD => Command::Record {
                room: RoomId(r.word()?),
                on: r.flag()?,
            },
            tag => return Err(DecodeError::UnknownTag { at: tag_at, tag }),
        };
        Ok((at_frame, command, r.pos))
    }

    /// Decodes a whole stream of commands, as many [`Command::encode`] calls appended them. Offsets in errors
    /// count from the start of `words`.
    pub fn decode_all(words: &[u32]) -> Result<Vec<(u64, Command)>, DecodeError> {
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < words.len() {
            let (frame, command, used) =
                Command::decode(&words[pos..]).map_err(|e| e.offset(pos))?;
            out.push((frame, command));
            pos += used;
        }
        Ok(out)
    }
}

impl DecodeError {
    /// The same error with its word offset moved by `by` (for a command decoded from the middle of a stream).
    pub fn offset(self, by: usize) -> DecodeError {
        match self {
            DecodeError::Truncated { at } => DecodeError::Truncated { at: at + by },
            DecodeError::UnknownTag { at, tag } => DecodeError::UnknownTag { at: at + by, tag },
            DecodeError::BadText { at } => DecodeError::BadText { at: at + by },
            DecodeError::BadFlag { at, value } => DecodeError::BadFlag { at: at + by, value },
        }
    }
}
