//! The engine's media changes as mixer commands: string ids become dense mixer ids, virtual milliseconds become
//! frames, and each change becomes the commands that make it audible.
//!
//! Used by [`crate::audio::Score`] for a scenario run and by the browser UI for its live conference panel, so it
//! depends on no scenario: a driver says when a call's leg starts and ends ([`Translator::call_started`],
//! [`Translator::call_ended`]) and hands over each [`MediaChange`] ([`Translator::media`]).
//!
//! What each change becomes (sandbox choices where the issue is silent are marked ‡):
//! * `Play` of `Say` → a one-shot [`SourceSpec::Speech`] prompt of the text repeated `loop` times (its length is
//!   the engine's `durationMs`); `loop` 0 (forever) → the speech looped.
//! * `Play` of a file or early media → the clip the driver loaded under that URL ([`Translator::load_clip`]),
//!   looped and stopped at the end of `durationMs` (the engine gives every file 3 s per loop); ‡ without one, the
//!   [`crate::audio::chime`] placeholder, one-shot for one loop, looped and stopped at the end otherwise.
//! * `Play` of silence (`Pause`) → the prompt stops. `Play` of digits (`SendDigits`) → a [`SourceSpec::Dtmf`]
//!   prompt whose slot is `durationMs / digits` (the engine's `pauseMs`), so each tone starts where the engine's
//!   clock puts its digit; without a `durationMs`, the default 500 ms slot.
//! * `Stop` → the prompt stops. `Beep` → a beep overlay for every hearer. `Dtmf` (pass-through) → DTMF
//!   overlays for every hearer; ‡ a pressed key has no pause, so each keeps the default 500 ms slot (100 ms of
//!   tone: only the overlay's end, which nothing waits for, depends on the slot).
//! * `join` → `Join`; `leave` → `Leave`; `privileges` → `SetTalk`/`SetListen` for what changed. The translator
//!   keeps each room's roster from these lines, and a `Beep` is heard by its listening members.
//! * `WaitMusic` → the room's wait music: the clip loaded under its `waitUrl`, looped; ‡ without one, the
//!   procedural [`SourceSpec::Music`] seeded from the scenario seed and the conference id (no URL is fetched).
//! * `Recording` of a conference → its room's recording sink on/off; ‡ of a call (`StartRecordCall`,
//!   `RecordUtterance`) → no mixer command: the renderer records the leg's output plus its voice (see
//!   [`RecordingTarget::Leg`]).
//!
//! A prompt that must stop later (a looped file) is remembered and its `StopPrompt` is emitted by the first
//! call at or after its end ([`Translator::advance`]), so that a prompt replaced earlier is never stopped by a
//! stale command. Commands come out in non-decreasing frame order.

use super::chime;
use super::score::RecordingTarget;
use super::voice::seed_for;
use crate::engine::media::{MediaChange, Member, Sound};
use conflab_mixer::{Command, LegId, PcmId, RoomId, SourceSpec};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The key under which the chime placeholder is registered among the clips.
const CHIME_KEY: &str = "conflab:chime";

/// The DTMF slot of a pass-through key, and of SendDigits without a length: the engine's default pause.
const DEFAULT_DTMF_SLOT_MS: u32 = conflab_mixer::source::dtmf::SLOT_MS;

/// Each digit's slot for SendDigits of `digits` lasting `duration_ms`: the engine times it as
/// `digits × pauseMs`, so the slot is the length over the digit count (clamped to `u32`; the default slot
/// without a length or digits).
fn dtmf_slot_ms(digits: &str, duration_ms: Option<u64>) -> u32 {
    let count = digits.chars().count() as u64;
    match duration_ms {
        Some(ms) if count > 0 => u32::try_from(ms / count).unwrap_or(u32::MAX),
        _ => DEFAULT_DTMF_SLOT_MS,
    }
}

/// A recording as the translator saw it start and (maybe) stop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingState {
    /// `RE…`.
    pub id: String,
    /// What it records.
    pub target: RecordingTarget,
    /// Start frame.
    pub start: u64,
    /// Stop frame, once stopped.
    pub end: Option<u64>,
}

/// Per-leg state.
#[derive(Clone, Debug)]
struct Leg {
    call_id: String,
    alive: bool,
    /// The room it is in, with its privileges.
    room: Option<(RoomId, bool, bool)>,
    /// Frame at which the current prompt must stop (a looped prompt with a finite length).
    prompt_end: Option<u64>,
}

/// The stateful map from the engine's string ids to mixer ids, and from media changes to commands.
#[derive(Clone, Debug)]
pub struct Translator {
    sample_rate: u32,
    seed: u64,
    /// Phone → what it says.
    voices: BTreeMap<String, SourceSpec>,
    /// Clip key (file path, URL, [`CHIME_KEY`]) → its id.
    clips: BTreeMap<String, PcmId>,
    next_pcm: u32,
    /// Call id → leg id (every call ever seen: ids are never reused).
    leg_ids: BTreeMap<String, LegId>,
    legs: Vec<Leg>,
    /// Conference id → room id.
    room_ids: BTreeMap<String, RoomId>,
    /// Each room's members as the `join`/`leave`/`privileges` lines left them, in join order.
    members: Vec<Vec<Member>>,
    recordings: Vec<RecordingState>,
    /// The pending prompt ends, by frame: `(frame, leg)` for every leg whose `prompt_end` is set, so that
    /// [`Translator::advance`] finds the due ones without visiting every leg.
    stops: BTreeSet<(u64, LegId)>,
    /// The frame of the latest input (clips loaded now are stamped with it).
    now: u64,
}

impl Translator {
    /// A translator at `sample_rate`; `seed` (the scenario seed) seeds the wait music.
    pub fn new(sample_rate: u32, seed: u64) -> Self {
        Translator {
            sample_rate,
            seed,
            voices: BTreeMap::new(),
            clips: BTreeMap::new(),
            next_pcm: 0,
            leg_ids: BTreeMap::new(),
            legs: Vec::new(),
            room_ids: BTreeMap::new(),
            members: Vec::new(),
            recordings: Vec::new(),
            stops: BTreeSet::new(),
            now: 0,
        }
    }

    /// Its sample rate.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// The frame of virtual time `at_ms`.
    pub fn frame_of(&self, at_ms: u64) -> u64 {
        super::frame_of(at_ms, self.sample_rate)
    }

    /// What `phone` says from now on (its calls' legs are created with it; default silence).
    pub fn set_voice(&mut self, phone: &str, voice: SourceSpec) {
        self.voices.insert(phone.to_owned(), voice);
    }

    /// Registers a clip under `key` (a phone media file's path, or a `Play`/`waitUrl` URL whose sound it is) from
    /// samples at `rate` Hz, their own rate (the mixer resamples as it plays); returns the `LoadPcm` command,
    /// stamped with the latest input's frame. Loading a key again replaces it.
    pub fn load_clip(
        &mut self,
        key: &str,
        samples: impl Into<Arc<[f32]>>,
        rate: u32,
    ) -> Vec<(u64, Command)> {
        let pcm = PcmId(self.next_pcm);
        self.next_pcm += 1;
        self.clips.insert(key.to_owned(), pcm);
        let samples = samples.into();
        vec![(self.now, Command::LoadPcm { pcm, rate, samples })]
    }

    /// The clip registered under `key`.
    pub fn clip(&self, key: &str) -> Option<PcmId> {
        self.clips.get(key).copied()
    }

    /// The leg of call `call_id` (kept after the call ends).
    pub fn leg_of(&self, call_id: &str) -> Option<LegId> {
        self.leg_ids.get(call_id).copied()
    }

    /// The call of leg `leg`.
    pub fn call_of(&self, leg: LegId) -> Option<&str> {
        self.legs.get(leg.0 as usize).map(|l| l.call_id.as_str())
    }

    /// The room of conference `conference_id`.
    pub fn room_of(&self, conference_id: &str) -> Option<RoomId> {
        self.room_ids.get(conference_id).copied()
    }

    /// Every recording seen, in the order they started.
    pub fn recordings(&self) -> &[RecordingState] {
        &self.recordings
    }

    /// The leg the next call will get (a driver that must route something to a leg before the call exists, such
    /// as the browser's microphone, attaches it here and checks once the call has started).
    pub fn next_leg(&self) -> LegId {
        LegId(self.legs.len() as u32)
    }

    /// Silences everything this translator started, so that another translator can start over on the same mixer:
    /// every live leg is removed, every room's wait music and recording sink stop. The ids stay taken.
    pub fn teardown(&mut self) -> Vec<(u64, Command)> {
        let f = self.now;
        let mut out = Vec::new();
        for (i, leg) in self.legs.iter_mut().enumerate() {
            leg.prompt_end = None;
            if leg.alive {
                leg.alive = false;
                leg.room = None;
                out.push((
                    f,
                    Command::RemoveLeg {
                        leg: LegId(i as u32),
                    },
                ));
            }
        }
        self.stops.clear();
        for &room in self.room_ids.values() {
            out.push((
                f,
                Command::WaitMusic {
                    room,
                    source: SourceSpec::Silence,
                    on: false,
                },
            ));
        }
        for r in &mut self.recordings {
            if let (RecordingTarget::Room(room), None) = (r.target, r.end) {
                r.end = Some(f);
                out.push((f, Command::Record { room, on: false }));
            }
        }
        out
    }

    /// Call `call_id` of `phone` begins (its first status): its leg appears, saying the phone's voice. A call
    /// already known only moves the clock.
    pub fn call_started(&mut self, at_ms: u64, call_id: &str, phone: &str) -> Vec<(u64, Command)> {
        let mut out = self.advance(at_ms);
        if self.leg_ids.contains_key(call_id) {
            return out;
        }
        let input = self
            .voices
            .get(phone)
            .cloned()
            .unwrap_or(SourceSpec::Silence);
        self.add_leg(call_id, input, &mut out);
        out
    }

    /// Call `call_id` ends: its leg goes (leaving its room; everything it heard stops).
    pub fn call_ended(&mut self, at_ms: u64, call_id: &str) -> Vec<(u64, Command)> {
        let mut out = self.advance(at_ms);
        let f = self.now;
        if let Some(leg) = self.live_leg(call_id) {
            let l = &mut self.legs[leg.0 as usize];
            l.alive = false;
            l.room = None;
            self.set_prompt_end(leg, None);
            out.push((f, Command::RemoveLeg { leg }));
        }
        out
    }

    /// Moves the clock to `at_ms`: emits the `StopPrompt`s of prompts that end by then (at their own frames).
    /// A live driver calls it as time passes; every other method calls it first.
    pub fn advance(&mut self, at_ms: u64) -> Vec<(u64, Command)> {
        let f = self.frame_of(at_ms);
        let mut due: Vec<(u64, Command)> = Vec::new();
        while let Some(&(end, leg)) = self.stops.first() {
            if end > f {
                break;
            }
            self.set_prompt_end(leg, None);
            due.push((end, Command::StopPrompt { leg }));
        }
        self.now = self.now.max(f);
        due
    }

    /// The commands that make `change`, at virtual time `at_ms`, audible.
    pub fn media(&mut self, at_ms: u64, change: &MediaChange) -> Vec<(u64, Command)> {
        let mut out = self.advance(at_ms);
        let f = self.now;
        match change {
            MediaChange::Play {
                call_id,
                sound,
                duration_ms,
            } => {
                let leg = self.leg_or_add(call_id, &mut out);
                self.play(leg, sound, *duration_ms, &mut out);
            }
            MediaChange::Stop { call_id } => {
                if let Some(leg) = self.live_leg(call_id) {
                    self.set_prompt_end(leg, None);
                    out.push((f, Command::StopPrompt { leg }));
                }
            }
            MediaChange::Join {
                conference_id,
                call_id,
                talk,
                listen,
            }
            | MediaChange::Privileges {
                conference_id,
                call_id,
                talk,
                listen,
            } => {
                let member = Member {
                    call_id: call_id.clone(),
                    talk: *talk,
                    listen: *listen,
                };
                self.member(conference_id, member, &mut out);
            }
            MediaChange::Leave {
                conference_id,
                call_id,
            } => self.leave(conference_id, call_id, &mut out),
            MediaChange::Beep {
                conference_id,
                hz,
                duration_ms,
            } => {
                // Heard by the room's listening members, in join order (the engine's participant order).
                let hearers: Vec<String> = self
                    .room_of(conference_id)
                    .map(|room| {
                        self.members[room.0 as usize]
                            .iter()
                            .filter(|m| m.listen)
                            .map(|m| m.call_id.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                for call_id in &hearers {
                    if let Some(leg) = self.live_leg(call_id) {
                        let source = SourceSpec::Beep {
                            hz: *hz as f32,
                            ms: u32::try_from(*duration_ms).unwrap_or(u32::MAX),
                        };
                        out.push((f, Command::Overlay { leg, source }));
                    }
                }
            }
            MediaChange::WaitMusic {
                conference_id,
                wait_url,
                on,
            } => {
                let room = self.room_or_add(conference_id);
                let clip = wait_url.as_deref().and_then(|url| self.clip(url));
                let source = match (*on, clip) {
                    (false, _) => SourceSpec::Silence,
                    (true, Some(pcm)) => SourceSpec::Pcm { pcm, looped: true },
                    (true, None) => SourceSpec::Music {
                        seed: seed_for(self.seed, conference_id),
                    },
                };
                out.push((
                    f,
                    Command::WaitMusic {
                        room,
                        source,
                        on: *on,
                    },
                ));
            }
            MediaChange::Recording {
                recording_id,
                conference_id,
                call_id,
                on,
            } => self.recording(
                recording_id,
                conference_id.as_deref(),
                call_id.as_deref(),
                *on,
                &mut out,
            ),
            MediaChange::Dtmf { to, digits, .. } => {
                for call_id in to {
                    if let Some(leg) = self.live_leg(call_id) {
                        let source = SourceSpec::Dtmf {
                            digits: digits.clone(),
                            slot_ms: DEFAULT_DTMF_SLOT_MS,
                        };
                        out.push((f, Command::Overlay { leg, source }));
                    }
                }
            }
        }
        out
    }

    fn add_leg(
        &mut self,
        call_id: &str,
        input: SourceSpec,
        out: &mut Vec<(u64, Command)>,
    ) -> LegId {
        let leg = LegId(self.legs.len() as u32);
        self.legs.push(Leg {
            call_id: call_id.to_owned(),
            alive: true,
            room: None,
            prompt_end: None,
        });
        self.leg_ids.insert(call_id.to_owned(), leg);
        out.push((self.now, Command::AddLeg { leg, input }));
        leg
    }

    /// The live leg of `call_id`; a call never announced gets a silent leg now (a driver that only forwards
    /// media changes still hears them).
    fn leg_or_add(&mut self, call_id: &str, out: &mut Vec<(u64, Command)>) -> Option<LegId> {
        match self.leg_of(call_id) {
            Some(leg) => self.legs[leg.0 as usize].alive.then_some(leg),
            None => Some(self.add_leg(call_id, SourceSpec::Silence, out)),
        }
    }

    /// Sets (or clears) when `leg`'s current prompt must stop, keeping [`Translator::stops`] in step.
    fn set_prompt_end(&mut self, leg: LegId, end: Option<u64>) {
        let l = &mut self.legs[leg.0 as usize];
        if let Some(old) = l.prompt_end.take() {
            self.stops.remove(&(old, leg));
        }
        if let Some(e) = end {
            l.prompt_end = Some(e);
            self.stops.insert((e, leg));
        }
    }

    fn live_leg(&self, call_id: &str) -> Option<LegId> {
        self.leg_of(call_id)
            .filter(|l| self.legs[l.0 as usize].alive)
    }

    fn room_or_add(&mut self, conference_id: &str) -> RoomId {
        if let Some(r) = self.room_of(conference_id) {
            return r;
        }
        let room = RoomId(self.members.len() as u32);
        self.members.push(Vec::new());
        self.room_ids.insert(conference_id.to_owned(), room);
        room
    }

    fn chime(&mut self, out: &mut Vec<(u64, Command)>) -> PcmId {
        if let Some(pcm) = self.clip(CHIME_KEY) {
            return pcm;
        }
        // Made at the mixer's rate already, so it plays as it is.
        let samples = chime::chime(self.sample_rate);
        out.extend(self.load_clip(CHIME_KEY, samples, self.sample_rate));
        self.clips[CHIME_KEY]
    }

    fn play(
        &mut self,
        leg: Option<LegId>,
        sound: &Sound,
        duration_ms: Option<u64>,
        out: &mut Vec<(u64, Command)>,
    ) {
        let Some(leg) = leg else { return };
        let f = self.now;
        self.set_prompt_end(leg, None);
        let source = match sound {
            Sound::Say { text, .. } => {
                let once = crate::engine::media::say_ms(text);
                match duration_ms {
                    Some(total) => {
                        let loops = (total / once).max(1) as usize;
                        SourceSpec::Speech {
                            text: vec![text.as_str(); loops].join(" "),
                            looped: false,
                        }
                    }
                    None => SourceSpec::Speech {
                        text: text.clone(),
                        looped: true,
                    },
                }
            }
            Sound::Play { file } | Sound::EarlyMedia { file } => {
                // A file the driver loaded under its URL plays (looped) for the engine's length; anything else
                // is the chime, exactly that length once.
                let (pcm, once) = match self.clip(file) {
                    Some(pcm) => (pcm, 0),
                    None => (self.chime(out), crate::engine::media::PLAY_MS),
                };
                match duration_ms {
                    Some(total) if total <= once => SourceSpec::Pcm { pcm, looped: false },
                    Some(total) => {
                        self.set_prompt_end(leg, Some(f.saturating_add(self.frame_of(total))));
                        SourceSpec::Pcm { pcm, looped: true }
                    }
                    None => SourceSpec::Pcm { pcm, looped: true },
                }
            }
            Sound::Silence => {
                out.push((f, Command::StopPrompt { leg }));
                return;
            }
            Sound::Digits { digits } => SourceSpec::Dtmf {
                digits: digits.clone(),
                slot_ms: dtmf_slot_ms(digits, duration_ms),
            },
        };
        out.push((f, Command::Prompt { leg, source }));
    }

    /// A call joins `conference_id`'s mix (a `join` line), or its privileges change (a `privileges` line): the
    /// room's roster follows, and the leg gets `Join`, or `SetTalk`/`SetListen` for what changed.
    fn member(&mut self, conference_id: &str, member: Member, out: &mut Vec<(u64, Command)>) {
        let room = self.room_or_add(conference_id);
        let f = self.now;
        let roster = &mut self.members[room.0 as usize];
        match roster.iter_mut().find(|m| m.call_id == member.call_id) {
            Some(m) => *m = member.clone(),
            None => roster.push(member.clone()),
        }
        let Some(leg) = self.leg_or_add(&member.call_id, out) else {
            return;
        };
        let l = &mut self.legs[leg.0 as usize];
        match l.room {
            Some((r, talk, listen)) if r == room => {
                if talk != member.talk {
                    out.push((
                        f,
                        Command::SetTalk {
                            leg,
                            on: member.talk,
                        },
                    ));
                }
                if listen != member.listen {
                    out.push((
                        f,
                        Command::SetListen {
                            leg,
                            on: member.listen,
                        },
                    ));
                }
            }
            _ => out.push((
                f,
                Command::Join {
                    leg,
                    room,
                    talk: member.talk,
                    listen: member.listen,
                },
            )),
        }
        l.room = Some((room, member.talk, member.listen));
    }

    /// A call leaves `conference_id`'s mix (a `leave` line): out of the roster, and `Leave` for its leg if it
    /// is live and still in this room (a leg that moved on is not pulled out).
    fn leave(&mut self, conference_id: &str, call_id: &str, out: &mut Vec<(u64, Command)>) {
        let room = self.room_or_add(conference_id);
        let f = self.now;
        self.members[room.0 as usize].retain(|m| m.call_id != call_id);
        if let Some(leg) = self.live_leg(call_id) {
            let l = &mut self.legs[leg.0 as usize];
            if l.room.is_some_and(|(r, ..)| r == room) {
                l.room = None;
                out.push((f, Command::Leave { leg }));
            }
        }
    }

    fn recording(
        &mut self,
        id: &str,
        conference_id: Option<&str>,
        call_id: Option<&str>,
        on: bool,
        out: &mut Vec<(u64, Command)>,
    ) {
        let f = self.now;
        if on {
            let target = if let Some(c) = conference_id {
                let room = self.room_or_add(c);
                out.push((f, Command::Record { room, on: true }));
                RecordingTarget::Room(room)
            } else if let Some(leg) = call_id.and_then(|c| self.leg_of(c)) {
                RecordingTarget::Leg(leg)
            } else {
                return;
            };
            self.recordings.push(RecordingState {
                id: id.to_owned(),
                target,
                start: f,
                end: None,
            });
        } else if let Some(r) = self
            .recordings
            .iter_mut()
            .rev()
            .find(|r| r.id == id && r.end.is_none())
        {
            r.end = Some(f);
            if let RecordingTarget::Room(room) = r.target {
                out.push((f, Command::Record { room, on: false }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_digits_slot_is_its_length_over_its_digits() {
        // The engine's durationMs is digits × pauseMs.
        assert_eq!(dtmf_slot_ms("123", Some(600)), 200);
        assert_eq!(dtmf_slot_ms("1", Some(1000)), 1000);
        // Digits are characters, not bytes.
        assert_eq!(dtmf_slot_ms("1é", Some(400)), 200);
        // No length or no digits: the default slot.
        assert_eq!(dtmf_slot_ms("12", None), 500);
        assert_eq!(dtmf_slot_ms("", Some(300)), 500);
        assert_eq!(dtmf_slot_ms("1", Some(u64::MAX)), u32::MAX);
    }
}
