//! The conference mixer: legs, rooms, N-1 as total-minus-self, per-listener limiter, meters.
//!
//! # Model
//! * A **leg** (a call) has an input — a running [`Source`], or frames the driver writes into
//!   [`Mixer::input_mut`] (`External`, the microphone) — a room membership with `talk` and `listen`, a prompt
//!   slot ([`Command::Prompt`] / [`Command::StopPrompt`]: Say, Play, Pause) and an overlay slot
//!   ([`Command::Overlay`]: the beep, DTMF), both heard by the leg alone.
//! * A **room** (a conference) has its members, optional wait music (heard by its listeners only) and an
//!   optional recording sink.
//!
//! # One block
//! 1. Every present leg's input source renders into its input block (external inputs are left as written).
//! 2. Per room, `total = Σ input × talk gain` over its talkers — four steady talkers at a time, so the total is
//!    loaded and stored once per four — and the same pass takes each member's sum of squares for its meter and
//!    gate while the data is in registers. Legs in no room are metered on their own. The total's peak is taken
//!    once per room.
//! 3. The room's wait music renders; the recording sink, if on, is the total through its own limiter.
//! 4. Per listener: `out = (total − own contribution + wait music) × room gain + (prompt + overlay) × personal
//!    gain`, then the listener's limiter. A leg in no room hears only its prompt and overlay.
//!
//! The hot path — a steady member (flagged after a block in which no command touched it and no gain ramped)
//! with nothing but the room playing to it — is two passes over its input: step 2's sum and
//! `out = total − input`. Its limiter is provably idle when the room's peak plus a bound on the leg's own peak
//! (`√Σx²`, from the meter's sum) stays below the threshold, and then the output is not even scanned; the
//! result is bit-identical to running the full limiter (a test checks it). A meter's peak is measured from the
//! input block when [`Mixer::meter`] is called, not in the render loop. The kernels LLVM does not vectorise by
//! itself are written with four-lane vectors (`crate::simd`: SSE2, wasm `simd128` when the module is built with
//! it, or plain arrays; all give the same bits).
//!
//! # Invariants
//! * **N-1 is total-minus-self.** The own contribution subtracted is computed by the same expression as the one
//!   added to the total, so a leg never hears itself (up to the rounding of the total, about 1e-7 of the room's
//!   level), and the cost is O(N) per room, not O(N²).
//! * **Gains.** Three gains per leg, each 0 or 1 between blocks: talk (`member ∧ talk`), room (`member ∧
//!   listen`) and personal (`¬member ∨ listen`). `listen = false` therefore silences everything the leg hears,
//!   prompts included, and its output is exactly 0 once the ramp is over. The gains are applied before the
//!   limiter (each gain in one place, so that a join with `listen = false`, which turns the room gain on and
//!   the personal gain off at once, produces no hump); the limiter is transparent below −1 dBFS, so below that
//!   every ramp is exactly linear.
//! * **Every change ramps over exactly one block.** Sample `i` of the block after a change gets
//!   `from + (to − from)·(i + 1)/block`, so the block's last sample is at the new gain and the next block is
//!   steady. Talk, listen, join, leave, remove, a prompt or overlay or wait music starting, stopping or being
//!   replaced (the old one fades out while the new one fades in): all ramp. A leg that leaves stays in its
//!   room's member list for that one block, fading out, and is dropped after the block (a list shrink, no
//!   allocation). Moving straight to another room crossfades the two rooms in the same block.
//! * **No allocation, lock or logging in [`Mixer::render`].** Every buffer is sized when a command is applied
//!   (legs and rooms live in vectors indexed by their dense ids and grow only then); a source that ends or is
//!   replaced is kept until a later command drops it, because freeing is as forbidden as allocating.
//!   `tests/no_alloc.rs` counts both.
//! * **Memory.** Inputs and outputs are each one contiguous planar buffer, leg-major (`leg × block + frame`),
//!   and the listeners are rendered in leg order, so the hot loop streams through memory.
//! * **Deterministic.** Only `+ − × /`, `sqrt` and compare/select; no platform math, no FMA; the block length
//!   is a run-time value.
//!
//! # Decisions where the issue is silent
//! * The recording hears every talker of the room (the total, through its own limiter), not the wait music:
//!   music plays while a conference is `populated` and recording runs while it is `inProgress`, so in
//!   FreeClimb the two never overlap. It does not ramp in or out: it is a tap on the mix, not a gain change.
//! * Meters measure a leg's input before its talk gain: a muted participant's meter still shows that it talks.
//! * [`Command::AddLeg`] for a leg that is still present replaces it at once (no ramp), like a new call.

use crate::command::{Command, LegId, PcmId, RoomId, SourceSpec};
use crate::limiter::{Limiter, LimiterState, THRESHOLD};
use crate::meter::{Gate, Meter, Sums};
use crate::source::{Clip, Source};

/// How the mixer renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Frames per second (8,000, 16,000, 44,100, 48,000, …).
    pub sample_rate: u32,
    /// Frames per block (128 in an AudioWorklet).
    pub block: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sample_rate: 48_000,
            block: 128,
        }
    }
}

/// The longest block the mixer renders (a third of a second at 48 kHz; an AudioWorklet's is 128).
pub const MAX_BLOCK: usize = 16_384;

/// The largest leg id + 1 the mixer accepts (ids are dense indexes: memory grows with the largest id).
pub const MAX_LEGS: u32 = 65_536;
/// The largest room id + 1 the mixer accepts.
pub const MAX_ROOMS: u32 = 65_536;
/// The largest clip id + 1 the mixer accepts.
pub const MAX_PCM: u32 = 65_536;

/// Why a command was not applied (the mixer is unchanged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyError {
    /// An id beyond the mixer's limit.
    IdTooLarge {
        /// `"leg"`, `"room"` or `"pcm"`.
        what: &'static str,
        /// The id given.
        id: u32,
        /// The limit (ids must be below it).
        max: u32,
    },
    /// A command for a leg that was never added, or was removed.
    UnknownLeg {
        /// The leg.
        leg: u32,
    },
}

impl core::fmt::Display for ApplyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ApplyError::IdTooLarge { what, id, max } => write!(
                f,
                "{what} id {id} is too large (ids must be below {max}): the driver should number {what}s densely \
                 from 0 and reuse the ids of those that are gone"
            ),
            ApplyError::UnknownLeg { leg } => write!(
                f,
                "leg {leg} is not in the mixer: send AddLeg before any other command for it (and none after \
                 RemoveLeg)"
            ),
        }
    }
}

impl std::error::Error for ApplyError {}

/// A gain during one block: `from` at the start, `to` at the end, linear in between.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Ramp {
    from: f32,
    to: f32,
}

impl Ramp {
    const ZERO: Ramp = Ramp { from: 0.0, to: 0.0 };
    const ONE: Ramp = Ramp { from: 1.0, to: 1.0 };

    fn is_steady(&self) -> bool {
        self.from == self.to
    }

    /// Steady at zero: nothing passes, and the work can be skipped.
    fn is_off(&self) -> bool {
        self.from == 0.0 && self.to == 0.0
    }

    fn set(&mut self, to: f32) {
        self.to = to;
    }

    fn advance(&mut self) {
        self.from = self.to;
    }

    /// The gain at weight `w` of the block.
    #[inline(always)]
    fn at(&self, w: f32) -> f32 {
        self.from + (self.to - self.from) * w
    }
}

/// A source slot (prompt, overlay, wait music): the current source fading in, and the one it replaced fading out.
struct Slot {
    cur: Option<Source>,
    gain: Ramp,
    /// `cur` is playing (not stopped, not ended).
    live: bool,
    old: Option<Source>,
    old_gain: Ramp,
    /// `old` fades out during the next block.
    old_live: bool,
}

impl Default for Slot {
    fn default() -> Self {
        Slot {
            cur: None,
            gain: Ramp::ZERO,
            live: false,
            old: None,
            old_gain: Ramp::ZERO,
            old_live: false,
        }
    }
}

impl Slot {
    /// Plays `source`, fading in; whatever played fades out. May drop a source: apply time only.
    fn start(&mut self, source: Source) {
        self.retire();
        self.cur = Some(source);
        self.gain = Ramp { from: 0.0, to: 1.0 };
        self.live = true;
    }

    /// Fades out what plays. May drop a source: apply time only.
    fn stop(&mut self) {
        self.retire();
    }

    /// Moves the playing source to the fading place (dropping one that faded already).
    fn retire(&mut self) {
        if self.live {
            self.old = self.cur.take();
            self.old_gain = Ramp {
                from: self.gain.from,
                to: 0.0,
            };
            self.old_live = true;
        } else {
            // An ended source: nothing to fade, and dropping is allowed here.
            self.cur = None;
        }
        self.live = false;
        self.gain = Ramp::ZERO;
    }

    /// Drops everything (apply time only).
    fn clear(&mut self) {
        *self = Slot::default();
    }

    /// Something sounds in the next block.
    fn active(&self) -> bool {
        self.live || self.old_live
    }

    /// Adds the next block of the slot to `out` (through `scratch`) and advances its ramps.
    fn render_into(&mut self, out: &mut [f32], scratch: &mut [f32], ramp: &[f32]) {
        if self.live {
            if let Some(src) = self.cur.as_mut() {
                let going = src.render(scratch);
                add_scaled(out, scratch, self.gain, ramp);
                // An ended source stays allocated until a command replaces it: freeing here would be a
                // deallocation inside render.
                self.live = going;
            } else {
                self.live = false;
            }
            self.gain.advance();
        }
        if self.old_live {
            if let Some(src) = self.old.as_mut() {
                src.render(scratch);
                add_scaled(out, scratch, self.old_gain, ramp);
            }
            self.old_live = false;
            self.old_gain = Ramp::ZERO;
        }
    }
}

/// Whether a leg slot holds a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum Presence {
    #[default]
    Vacant,
    Active,
    /// Removed by the last command: its voice fades out of its room during the next block, then it is vacant.
    Removing,
}

/// The room a leg is leaving during this block, with the gains that fade it out.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Departure {
    room: u32,
    talk_gain: Ramp,
    room_gain: Ramp,
}

/// One leg's state, the part the render loop reads for every leg every block (kept small: its sources are in
/// [`Media`], its frames in the mixer's planar buffers).
#[repr(C)] // the fields every block reads first, in the first cache line; the rest after
struct Leg {
    /// A present member whose gains are steady and to whom nothing but the room plays: the listener loop's fast
    /// path. Cleared by every command for the leg, set again after a block in which nothing changed.
    steady: bool,
    /// The input is a source (not external frames): a copy of `Media::input.is_some()`.
    sourced: bool,
    presence: Presence,
    talking: bool,
    /// The last block's sum of squares of the input, and the gate: the meter without its square root and its
    /// peak, which [`Mixer::meter`] computes when asked.
    squares: f32,
    room: Option<u32>,
    talk_gain: Ramp,
    limiter: LimiterState,
    gate: Gate,
    // Read by the general path only.
    talk: bool,
    listen: bool,
    /// The prompt or the overlay sounds (a copy of `Media`'s state, so the hot loop need not look there).
    personal: bool,
    room_gain: Ramp,
    personal_gain: Ramp,
    departure: Option<Departure>,
}

/// A leg's sources: its input (`None`: external frames, or a vacant slot), its prompt and its overlay.
#[derive(Default)]
struct Media {
    input: Option<Source>,
    prompt: Slot,
    overlay: Slot,
}

impl Leg {
    fn vacant(gate: Gate) -> Leg {
        Leg {
            presence: Presence::Vacant,
            room: None,
            talk: true,
            listen: true,
            talk_gain: Ramp::ZERO,
            room_gain: Ramp::ZERO,
            personal_gain: Ramp::ONE,
            departure: None,
            personal: false,
            sourced: false,
            steady: false,
            limiter: LimiterState::default(),
            gate,
            squares: 0.0,
            talking: false,
        }
    }

    /// Sets the gains' targets from membership and privileges.
    fn retarget(&mut self) {
        let member = self.room.is_some();
        self.talk_gain.set(f32::from(u8::from(member && self.talk)));
        self.room_gain
            .set(f32::from(u8::from(member && self.listen)));
        self.personal_gain
            .set(f32::from(u8::from(!member || self.listen)));
    }
}

/// A room member: a leg, or a leg leaving during this block (then its gains are in its [`Departure`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Member {
    leg: u32,
    departing: bool,
}

#[derive(Default)]
struct Room {
    members: Vec<Member>,
    music: Slot,
    /// The music buffer holds this block's music.
    music_playing: bool,
    recording: bool,
    /// The last block was recorded.
    recorded: bool,
    rec_limiter: LimiterState,
    /// A member is departing: drop it after the block.
    departures: bool,
    /// The largest `|total|` of this block.
    peak: f32,
    /// `(THRESHOLD·margin − peak)²`, or −1 when the room's peak leaves no budget: the bound a steady listener's
    /// own energy is checked against.
    budget_sq: f32,
}

/// The mixer. Commands may allocate; [`Mixer::render`] never does.
pub struct Mixer {
    config: Config,
    /// `(i + 1) / block`: the weight of frame `i` in a ramp.
    ramp: Vec<f32>,
    limiter: Limiter,
    legs: Vec<Leg>,
    media: Vec<Media>,
    rooms: Vec<Room>,
    /// Leg-major input frames.
    inputs: Vec<f32>,
    /// Leg-major output frames.
    outputs: Vec<f32>,
    /// Room-major: each room's sum of talkers.
    totals: Vec<f32>,
    /// Room-major: each room's wait music this block.
    music: Vec<f32>,
    /// Room-major: each room's recording this block.
    records: Vec<f32>,
    /// A block for rendering a source.
    scratch: Vec<f32>,
    /// A block for a listener's personal sounds, or its room part.
    personal: Vec<f32>,
    /// The registered clips by [`PcmId`], each at its own rate.
    pcm: Vec<Option<Clip>>,
}

impl Mixer {
    /// A mixer with no legs and no rooms. A zero block length or sample rate is taken as 1, a block longer than
    /// [`MAX_BLOCK`] as [`MAX_BLOCK`].
    pub fn new(config: Config) -> Self {
        let config = Config {
            sample_rate: config.sample_rate.max(1),
            block: config.block.clamp(1, MAX_BLOCK),
        };
        let n = config.block;
        Mixer {
            config,
            ramp: (1..=n).map(|i| i as f32 / n as f32).collect(),
            limiter: Limiter::new(config.sample_rate, n),
            legs: Vec::new(),
            media: Vec::new(),
            rooms: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            totals: Vec::new(),
            music: Vec::new(),
            records: Vec::new(),
            scratch: vec![0.0; n],
            personal: vec![0.0; n],
            pcm: Vec::new(),
        }
    }

    /// Its configuration.
    pub fn config(&self) -> Config {
        self.config
    }

    /// Applies one command now (between blocks). A command that cannot apply (an unknown leg, an id beyond the
    /// limits) changes nothing; [`Mixer::try_apply`] says why.
    pub fn apply(&mut self, command: Command) {
        let _ = self.try_apply(command);
    }

    /// Applies one command now (between blocks), or says why it cannot (and changes nothing).
    pub fn try_apply(&mut self, command: Command) -> Result<(), ApplyError> {
        let touched = match &command {
            Command::AddLeg { leg, .. }
            | Command::RemoveLeg { leg }
            | Command::Join { leg, .. }
            | Command::Leave { leg }
            | Command::SetTalk { leg, .. }
            | Command::SetListen { leg, .. }
            | Command::Prompt { leg, .. }
            | Command::StopPrompt { leg }
            | Command::Overlay { leg, .. } => Some(leg.0 as usize),
            Command::LoadPcm { .. } | Command::WaitMusic { .. } | Command::Record { .. } => None,
        };
        self.apply_inner(command)?;
        // Whatever changed for the leg, the next block takes the general path (and decides again after it).
        if let Some(l) = touched.and_then(|i| self.legs.get_mut(i)) {
            l.steady = false;
        }
        Ok(())
    }

    fn apply_inner(&mut self, command: Command) -> Result<(), ApplyError> {
        match command {
            Command::LoadPcm { pcm, rate, samples } => {
                let i = index(pcm.0, MAX_PCM, "pcm")?;
                if self.pcm.len() <= i {
                    self.pcm.resize(i + 1, None);
                }
                // Kept at its own rate: the sources playing it resample as they render.
                self.pcm[i] = Some(Clip::new(samples, rate));
            }
            Command::AddLeg { leg, input } => {
                let i = index(leg.0, MAX_LEGS, "leg")?;
                self.grow_legs(i + 1);
                if self.legs[i].presence != Presence::Vacant {
                    self.drop_memberships(i);
                }
                let input = match input {
                    SourceSpec::External => None,
                    spec => Some(self.source(&spec)),
                };
                let gate = Gate::new(self.config.sample_rate, self.config.block);
                let l = &mut self.legs[i];
                *l = Leg::vacant(gate);
                l.presence = Presence::Active;
                l.sourced = input.is_some();
                self.media[i] = Media {
                    input,
                    prompt: Slot::default(),
                    overlay: Slot::default(),
                };
                let n = self.config.block;
                self.inputs[i * n..(i + 1) * n].fill(0.0);
                self.outputs[i * n..(i + 1) * n].fill(0.0);
            }
            Command::RemoveLeg { leg } => {
                let i = self.active_leg(leg)?;
                self.depart(i);
                self.legs[i].presence = Presence::Removing;
                self.legs[i].personal = false;
                self.media[i].prompt.clear();
                self.media[i].overlay.clear();
            }
            Command::Join {
                leg,
                room,
                talk,
                listen,
            } => {
                let i = self.active_leg(leg)?;
                let r = index(room.0, MAX_ROOMS, "room")?;
                self.grow_rooms(r + 1);
                let rejoin = self.legs[i].room.is_none()
                    && self.legs[i].departure.is_some_and(|d| d.room == r as u32);
                if rejoin {
                    // Back into the room it is leaving, before the fade has run: the leave is undone (two
                    // entries fading against each other would let it hear itself during the block).
                    if let Some(d) = self.legs[i].departure.take() {
                        for m in self.rooms[r].members.iter_mut() {
                            if m.leg == i as u32 {
                                m.departing = false;
                            }
                        }
                        let l = &mut self.legs[i];
                        l.room = Some(r as u32);
                        l.talk_gain = Ramp {
                            from: d.talk_gain.from,
                            to: d.talk_gain.from,
                        };
                        l.room_gain = Ramp {
                            from: d.room_gain.from,
                            to: d.room_gain.from,
                        };
                    }
                } else if self.legs[i].room != Some(r as u32) {
                    self.depart(i);
                    self.rooms[r].members.push(Member {
                        leg: i as u32,
                        departing: false,
                    });
                    let l = &mut self.legs[i];
                    l.room = Some(r as u32);
                }
                let l = &mut self.legs[i];
                l.talk = talk;
                l.listen = listen;
                l.retarget();
            }
            Command::Leave { leg } => {
                let i = self.active_leg(leg)?;
                self.depart(i);
            }
            Command::SetTalk { leg, on } => {
                let i = self.active_leg(leg)?;
                let l = &mut self.legs[i];
                l.talk = on;
                l.retarget();
            }
            Command::SetListen { leg, on } => {
                let i = self.active_leg(leg)?;
                let l = &mut self.legs[i];
                l.listen = on;
                l.retarget();
            }
            Command::Prompt { leg, source } => {
                let i = self.active_leg(leg)?;
                let s = self.source(&source);
                self.media[i].prompt.start(s);
                self.legs[i].personal = true;
            }
            Command::StopPrompt { leg } => {
                let i = self.active_leg(leg)?;
                self.media[i].prompt.stop();
                self.legs[i].personal =
                    self.media[i].prompt.active() || self.media[i].overlay.active();
            }
            Command::Overlay { leg, source } => {
                let i = self.active_leg(leg)?;
                let s = self.source(&source);
                self.media[i].overlay.start(s);
                self.legs[i].personal = true;
            }
            Command::WaitMusic { room, source, on } => {
                let r = index(room.0, MAX_ROOMS, "room")?;
                self.grow_rooms(r + 1);
                if on {
                    let s = self.source(&source);
                    self.rooms[r].music.start(s);
                } else {
                    self.rooms[r].music.stop();
                }
            }
            Command::Record { room, on } => {
                let r = index(room.0, MAX_ROOMS, "room")?;
                self.grow_rooms(r + 1);
                let room = &mut self.rooms[r];
                if on && !room.recording {
                    room.rec_limiter = LimiterState::default();
                }
                room.recording = on;
            }
        }
        Ok(())
    }

    /// Builds a running source (apply time: may allocate).
    fn source(&self, spec: &SourceSpec) -> Source {
        let pcm = &self.pcm;
        let lookup = |id: PcmId| pcm.get(id.0 as usize).cloned().flatten();
        Source::new(spec, self.config.sample_rate, &lookup)
    }

    fn active_leg(&self, leg: LegId) -> Result<usize, ApplyError> {
        let i = leg.0 as usize;
        match self.legs.get(i) {
            Some(l) if l.presence == Presence::Active => Ok(i),
            _ => Err(ApplyError::UnknownLeg { leg: leg.0 }),
        }
    }

    fn grow_legs(&mut self, len: usize) {
        if self.legs.len() < len {
            let gate = Gate::new(self.config.sample_rate, self.config.block);
            self.legs.resize_with(len, || Leg::vacant(gate));
            self.media.resize_with(len, Media::default);
            self.inputs.resize(len * self.config.block, 0.0);
            self.outputs.resize(len * self.config.block, 0.0);
        }
    }

    fn grow_rooms(&mut self, len: usize) {
        if self.rooms.len() < len {
            self.rooms.resize_with(len, Room::default);
            let n = len * self.config.block;
            self.totals.resize(n, 0.0);
            self.music.resize(n, 0.0);
            self.records.resize(n, 0.0);
        }
    }

    /// Starts leg `i`'s fade out of its room (it leaves the member list after the next block).
    fn depart(&mut self, i: usize) {
        let Some(r) = self.legs[i].room else {
            return;
        };
        if self.legs[i].departure.is_some() {
            // Left a room already since the last block: that fade is cut short.
            self.drop_departure(i);
        }
        let room = &mut self.rooms[r as usize];
        for m in room.members.iter_mut() {
            if m.leg == i as u32 && !m.departing {
                m.departing = true;
            }
        }
        room.departures = true;
        let l = &mut self.legs[i];
        l.departure = Some(Departure {
            room: r,
            talk_gain: Ramp {
                from: l.talk_gain.from,
                to: 0.0,
            },
            room_gain: Ramp {
                from: l.room_gain.from,
                to: 0.0,
            },
        });
        l.room = None;
        l.talk_gain = Ramp::ZERO;
        l.room_gain = Ramp::ZERO;
        l.retarget();
    }

    /// Removes leg `i`'s departing entry at once.
    fn drop_departure(&mut self, i: usize) {
        if let Some(d) = self.legs[i].departure.take() {
            self.rooms[d.room as usize]
                .members
                .retain(|m| !(m.leg == i as u32 && m.departing));
        }
    }

    /// Removes leg `i` from every room at once (no fade).
    fn drop_memberships(&mut self, i: usize) {
        self.drop_departure(i);
        if let Some(r) = self.legs[i].room.take() {
            self.rooms[r as usize].members.retain(|m| m.leg != i as u32);
        }
    }

    /// Renders one block: every leg's input, every room's mix, every listener's output, meters, recordings.
    pub fn render(&mut self) {
        let n = self.config.block;
        let Mixer {
            ramp,
            limiter,
            legs,
            media,
            rooms,
            inputs,
            outputs,
            totals,
            music,
            records,
            scratch,
            personal,
            ..
        } = self;
        let ramp = &ramp[..];

        // 1. Inputs.
        for ((leg, media), input) in legs
            .iter()
            .zip(media.iter_mut())
            .zip(inputs.chunks_exact_mut(n))
        {
            // `sourced` first: the hot loop reads the small leg, not its (large) media, for external legs.
            if leg.sourced
                && leg.presence != Presence::Vacant
                && let Some(src) = media.input.as_mut()
            {
                src.render(input);
            }
        }

        // 2. Rooms: totals with the members' meters, music, recordings.
        for (((room, total), music), record) in rooms
            .iter_mut()
            .zip(totals.chunks_exact_mut(n))
            .zip(music.chunks_exact_mut(n))
            .zip(records.chunks_exact_mut(n))
        {
            total.fill(0.0);
            let members = &room.members[..];
            let mut at = 0;
            while at < members.len() {
                // Four steady talkers at once: the total is loaded and stored once for the four of them.
                if let Some(four) = members.get(at..at + 4)
                    && four.iter().all(|m| {
                        !m.departing
                            && legs
                                .get(m.leg as usize)
                                .is_some_and(|l| l.talk_gain == Ramp::ONE)
                    })
                {
                    let x = |k: usize| {
                        &inputs[four[k].leg as usize * n..(four[k].leg as usize + 1) * n]
                    };
                    let squares = crate::simd::sum4_and_squares(total, [x(0), x(1), x(2), x(3)]);
                    for (m, squares) in four.iter().zip(squares) {
                        let leg = &mut legs[m.leg as usize];
                        leg.squares = squares;
                        leg.talking = leg.gate.open(squares);
                    }
                    at += 4;
                    continue;
                }
                let m = members[at];
                at += 1;
                let Some(leg) = legs.get_mut(m.leg as usize) else {
                    continue;
                };
                let x = &inputs[m.leg as usize * n..(m.leg as usize + 1) * n];
                if m.departing {
                    let g = leg.departure.map_or(Ramp::ZERO, |d| d.talk_gain);
                    accumulate(total, x, g, ramp);
                } else {
                    let squares = accumulate_metered(total, x, leg.talk_gain, ramp);
                    leg.squares = squares;
                    leg.talking = leg.gate.open(squares);
                }
            }
            room.peak = crate::limiter::peak(total);
            let budget = THRESHOLD * BOUND_MARGIN - room.peak;
            room.budget_sq = if budget > 0.0 { budget * budget } else { -1.0 };
            room.music_playing = room.music.active();
            if room.music_playing {
                music.fill(0.0);
                room.music.render_into(music, scratch, ramp);
            }
            room.recorded = room.recording;
            if room.recording {
                record.copy_from_slice(total);
                limiter.limit_quick(&mut room.rec_limiter, record, room.peak);
            }
        }

        // 3. Listeners, in leg order (the output buffer is written front to back); then every leg's ramps have
        //    run and advance.
        for (i, ((leg, media), out)) in legs
            .iter_mut()
            .zip(media.iter_mut())
            .zip(outputs.chunks_exact_mut(n))
            .enumerate()
        {
            let x = &inputs[i * n..(i + 1) * n];
            if leg.steady
                && let Some(r) = leg.room
                && let Some(room) = rooms.get(r as usize)
                && !room.music_playing
            {
                // The fast path: `out = total − own`; the limiter is provably idle when the room's peak plus a
                // bound on the leg's own peak (|g|·√Σx² ≥ |g|·peak) stays below the threshold, and then the
                // output is not even scanned. Nothing ramps, so nothing advances.
                let r = r as usize;
                let g = leg.talk_gain.from;
                minus_self(out, &totals[r * n..(r + 1) * n], x, g);
                let own_sq = leg.squares * (g * g) * SQUARES_MARGIN;
                let peak = if own_sq <= room.budget_sq {
                    THRESHOLD * BOUND_MARGIN
                } else {
                    crate::limiter::peak(out)
                };
                limiter.limit_quick(&mut leg.limiter, out, peak);
                continue;
            }
            if leg.presence == Presence::Active {
                listen(
                    leg,
                    media,
                    out,
                    x,
                    Shared {
                        rooms,
                        totals,
                        music,
                        ramp,
                        n,
                    },
                    limiter,
                    scratch,
                    personal,
                );
            }
            leg.talk_gain.advance();
            leg.room_gain.advance();
            leg.personal_gain.advance();
            leg.departure = None;
            if leg.presence == Presence::Removing {
                leg.presence = Presence::Vacant;
            }
            leg.steady = leg.presence == Presence::Active
                && leg.room.is_some()
                && leg.room_gain == Ramp::ONE
                && leg.talk_gain.is_steady()
                && leg.personal_gain.is_steady()
                && !leg.personal;
        }

        // 4. Drop the members that faded out (a list shrink: no allocation).
        for room in rooms.iter_mut() {
            if room.departures {
                room.members.retain(|m| !m.departing);
                room.departures = false;
            }
        }
    }

    /// The block of frames the driver fills for an [`crate::SourceSpec::External`] leg before [`Mixer::render`]
    /// (`None` for an unknown leg). For a leg with a source input, render overwrites it.
    pub fn input_mut(&mut self, leg: LegId) -> Option<&mut [f32]> {
        let i = self.active_leg(leg).ok()?;
        let n = self.config.block;
        Some(&mut self.inputs[i * n..(i + 1) * n])
    }

    /// The clip registered as `pcm`, at its own rate (`None` if none is).
    pub fn clip(&self, pcm: PcmId) -> Option<&Clip> {
        self.pcm.get(pcm.0 as usize)?.as_ref()
    }

    /// What `leg` heard in the last block (`None` for an unknown leg; silence while it is in no room and
    /// nothing plays to it).
    pub fn output(&self, leg: LegId) -> Option<&[f32]> {
        let i = self.active_leg(leg).ok()?;
        let n = self.config.block;
        Some(&self.outputs[i * n..(i + 1) * n])
    }

    /// What `room`'s recording sink captured in the last block, while it records.
    pub fn recording(&self, room: RoomId) -> Option<&[f32]> {
        let r = room.0 as usize;
        if !self.rooms.get(r)?.recorded {
            return None;
        }
        let n = self.config.block;
        Some(&self.records[r * n..(r + 1) * n])
    }

    /// The last block's meter of what `leg` says (its input, before its talk gain). Read it after
    /// [`Mixer::render`] and before writing the next block into [`Mixer::input_mut`]: the peak is measured from
    /// the input block when asked (the render loop keeps only the sum of squares and the gate).
    pub fn meter(&self, leg: LegId) -> Option<Meter> {
        let i = self.active_leg(leg).ok()?;
        let l = &self.legs[i];
        let n = self.config.block;
        let peak = crate::limiter::peak(&self.inputs[i * n..(i + 1) * n]);
        Some(Meter::from_squares(l.squares, peak, n, l.talking))
    }

    /// The last block's RMS and talking flag of what `leg` says: the part of [`Mixer::meter`] that costs nothing
    /// to read (the render loop computed it; [`Mixer::meter`] also scans the input block for its peak). For a
    /// driver that reads every leg after every block and posts peaks less often than it reads levels.
    pub fn level(&self, leg: LegId) -> Option<(f32, bool)> {
        let i = self.active_leg(leg).ok()?;
        let l = &self.legs[i];
        let m = Meter::from_squares(l.squares, 0.0, self.config.block, l.talking);
        Some((m.rms, m.talking))
    }

    /// The legs in `room` (members that are not fading out), in join order.
    pub fn members(&self, room: RoomId) -> impl Iterator<Item = LegId> + '_ {
        self.rooms
            .get(room.0 as usize)
            .map(|r| &r.members[..])
            .unwrap_or(&[])
            .iter()
            .filter(|m| !m.departing)
            .map(|m| LegId(m.leg))
    }
}

/// What every listener reads: the rooms' totals and music, and the ramp weights.
#[derive(Clone, Copy)]
struct Shared<'a> {
    rooms: &'a [Room],
    totals: &'a [f32],
    music: &'a [f32],
    ramp: &'a [f32],
    n: usize,
}

/// The limiter's idle check may use a bound on the output's peak instead of measuring it; the bound is a sum of
/// two peaks, so it allows for the rounding of that sum.
const BOUND_MARGIN: f32 = 1.0 - 1.0 / 65_536.0;

/// A block's sum of squares can round below the exact one by about `block × 2⁻²⁴` relatively; this covers blocks
/// of up to 16,000 frames.
const SQUARES_MARGIN: f32 = 1.0 + 1.0 / 1024.0;

/// Renders what one present leg hears into `out`: the general path, for a leg that is not steady (a gain ramps,
/// it is in no room or leaving one, a prompt or overlay or the room's music plays).
#[allow(clippy::too_many_arguments)]
fn listen(
    leg: &mut Leg,
    media: &mut Media,
    out: &mut [f32],
    x: &[f32],
    sh: Shared<'_>,
    limiter: &mut Limiter,
    scratch: &mut [f32],
    tmp: &mut [f32],
) {
    let n = sh.n;
    if leg.room.is_none() {
        // Metered here: the room loop meters members only.
        let (squares, _) = Sums::of(x);
        leg.squares = squares;
        leg.talking = leg.gate.open(squares);
    }
    out.fill(0.0);
    let room_part = |out: &mut [f32], tmp: &mut [f32], r: u32, talk: Ramp, gain: Ramp| {
        if gain.is_off() {
            return;
        }
        let r = r as usize;
        own_removed(tmp, &sh.totals[r * n..(r + 1) * n], x, talk, sh.ramp);
        if sh.rooms[r].music_playing {
            add(tmp, &sh.music[r * n..(r + 1) * n]);
        }
        add_scaled(out, tmp, gain, sh.ramp);
    };
    if let Some(r) = leg.room {
        room_part(out, tmp, r, leg.talk_gain, leg.room_gain);
    }
    if let Some(d) = leg.departure {
        room_part(out, tmp, d.room, d.talk_gain, d.room_gain);
    }
    if leg.personal {
        tmp.fill(0.0);
        media.prompt.render_into(tmp, scratch, sh.ramp);
        media.overlay.render_into(tmp, scratch, sh.ramp);
        add_scaled(out, tmp, leg.personal_gain, sh.ramp);
        leg.personal = media.prompt.active() || media.overlay.active();
    }
    limiter.process(&mut leg.limiter, out);
}

/// A dense id as an index, if below `max`.
fn index(id: u32, max: u32, what: &'static str) -> Result<usize, ApplyError> {
    if id < max {
        Ok(id as usize)
    } else {
        Err(ApplyError::IdTooLarge { what, id, max })
    }
}

/// `dst += src`.
fn add(dst: &mut [f32], src: &[f32]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d += s;
    }
}

/// `dst += src × gain`, the gain ramped over the block (skipped when it is steady at zero).
fn add_scaled(dst: &mut [f32], src: &[f32], gain: Ramp, ramp: &[f32]) {
    if gain.is_steady() {
        let g = gain.from;
        if g == 1.0 {
            add(dst, src);
        } else if g != 0.0 {
            for (d, &s) in dst.iter_mut().zip(src) {
                *d += s * g;
            }
        }
    } else {
        for ((d, &s), &w) in dst.iter_mut().zip(src).zip(ramp) {
            *d += s * gain.at(w);
        }
    }
}

/// `total += x × talk gain` (a departing member: no meter).
fn accumulate(total: &mut [f32], x: &[f32], g: Ramp, ramp: &[f32]) {
    if g.is_off() {
        return;
    }
    if g.is_steady() {
        let g = g.from;
        if g == 1.0 {
            // The same bits as `x × 1`, one multiplication less.
            for (t, &x) in total.iter_mut().zip(x) {
                *t += x;
            }
        } else {
            for (t, &x) in total.iter_mut().zip(x) {
                *t += x * g;
            }
        }
    } else {
        for ((t, &x), &w) in total.iter_mut().zip(x).zip(ramp) {
            *t += x * g.at(w);
        }
    }
}

/// `total += x × talk gain`, and the sum of squares of `x` for its meter: one pass over `x` for a steady gain
/// (the lane kernel; LLVM does not vectorise this fused loop by itself).
fn accumulate_metered(total: &mut [f32], x: &[f32], g: Ramp, ramp: &[f32]) -> f32 {
    if g.is_steady() && !g.is_off() {
        crate::simd::sum_and_squares(total, x, g.from)
    } else {
        accumulate(total, x, g, ramp);
        Sums::of(x).0
    }
}

/// `tmp = total − x × talk gain`: the room without the listener's own voice (the same products as
/// [`accumulate`] added, so they cancel).
fn own_removed(tmp: &mut [f32], total: &[f32], x: &[f32], g: Ramp, ramp: &[f32]) {
    if g.is_off() {
        tmp.copy_from_slice(total);
    } else if g.is_steady() {
        let g = g.from;
        for ((o, &t), &x) in tmp.iter_mut().zip(total).zip(x) {
            *o = t - x * g;
        }
    } else {
        for (((o, &t), &x), &w) in tmp.iter_mut().zip(total).zip(x).zip(ramp) {
            *o = t - x * g.at(w);
        }
    }
}

/// The hot kernel: `out = total − x × g`.
fn minus_self(out: &mut [f32], total: &[f32], x: &[f32], g: f32) {
    if g == 0.0 {
        // A listener that does not talk: its own contribution is not in the total.
        out.copy_from_slice(total);
    } else if g == 1.0 {
        // The same bits as `t − x × 1`, one multiplication less.
        crate::simd::minus(out, total, x);
    } else {
        for ((o, &t), &x) in out.iter_mut().zip(total).zip(x) {
            *o = t - x * g;
        }
    }
}
