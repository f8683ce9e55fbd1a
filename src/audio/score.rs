//! A whole scenario run as sound: every mixer command stamped with its frame, which leg each phone used over
//! time, the recordings, and where the run ends. Built from a run with [`Score::from_run`]; rendered with
//! [`crate::audio::render`].

use super::files::MediaFiles;
use super::translate::Translator;
use super::voice;
use crate::engine::log::{Entry, LogLine};
use crate::engine::run_scenario_inspect;
use crate::scenario::{Media, Scenario};
use conflab_mixer::{Command, LegId, RoomId};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A stretch of frames `[start, end)` during which a phone's audio is leg `leg`'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The leg (one call of the phone).
    pub leg: LegId,
    /// First frame.
    pub start: u64,
    /// One past the last frame.
    pub end: u64,
}

/// What one listener hears over time: the legs it used, in time order. Frames outside every segment are
/// silence (the phone was in no call). When segments overlap (a phone with two calls at once), the one that
/// started last wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LegSelection {
    /// The stretches, by start frame.
    pub segments: Vec<Segment>,
}

impl LegSelection {
    /// The selection of a single leg for all time (what the browser's "Hear as" picks).
    pub fn leg(leg: LegId) -> Self {
        LegSelection {
            segments: vec![Segment {
                leg,
                start: 0,
                end: u64::MAX,
            }],
        }
    }

    /// The leg heard in the block that starts at `frame`, if any. A leg's start and end take effect at the
    /// first block boundary at or after their frames, so the block belongs to a segment when
    /// `start ≤ frame < end`.
    pub fn leg_at(&self, frame: u64) -> Option<LegId> {
        self.segments
            .iter()
            .rev()
            .find(|s| s.start <= frame && frame < s.end)
            .map(|s| s.leg)
    }
}

/// What a recording captures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordingTarget {
    /// A conference recording: the room's mix (every talker; no wait music, which never plays while a room
    /// records), as the mixer's recording sink hears it.
    Room(RoomId),
    /// A call recording (`StartRecordCall`, `RecordUtterance`): what the leg hears plus what its phone says,
    /// summed and clamped to full scale.
    Leg(LegId),
}

/// One recording on the frame clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingSpan {
    /// `RE…`, as the engine reports it.
    pub id: String,
    /// What it records.
    pub target: RecordingTarget,
    /// The frame it starts at (the engine's start time).
    pub start: u64,
    /// The frame it stops at (the engine's stop time; the end of the run if it never stopped).
    pub end: u64,
}

impl RecordingSpan {
    /// Its length in frames (`end − start`), the length of its rendered samples.
    pub fn frames(&self) -> u64 {
        self.end.saturating_sub(self.start)
    }
}

/// A scenario run as frame-stamped mixer commands.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// The rate the frames count at.
    pub sample_rate: u32,
    /// Every command, by frame (equal frames keep their order).
    pub commands: Vec<(u64, Command)>,
    /// Which leg each phone used over time, by phone number (phones that never had a call are absent).
    pub phones: BTreeMap<String, LegSelection>,
    /// The recordings, in the order they started.
    pub recordings: Vec<RecordingSpan>,
    /// The frame the run ends at: the time of the event log's last line.
    pub end_frame: u64,
}

/// Runs `scenario` exactly as [`crate::engine::run_scenario`] does (the same log, byte for byte) and notes the
/// engine's calls in creation order as (call id, phone): the log's call lines do not name the phone.
pub fn run_with_phones(
    scenario: &Scenario,
    until: Option<u64>,
) -> (Vec<LogLine>, Vec<(String, String)>) {
    let mut calls: Vec<(String, String)> = Vec::new();
    let log = run_scenario_inspect(scenario, until, &mut |engine| {
        let seen = calls.len();
        // Most inputs create no call: when the iterator knows its exact length, skip the walk unless it grew.
        if let (lo, Some(hi)) = engine.calls().size_hint()
            && lo == hi
            && lo <= seen
        {
            return;
        }
        calls.extend(
            engine
                .calls()
                .skip(seen)
                .map(|c| (c.id.clone(), c.phone.clone())),
        );
    });
    (log, calls)
}

impl Score {
    /// Runs `scenario` (exactly as [`crate::engine::run_scenario`] does, so the returned log is the same, byte
    /// for byte) and builds its score at `sample_rate`. `files` holds the decoded WAVs of the phones' `file`
    /// media (a file missing there leaves its phone silent).
    pub fn from_run(
        scenario: &Scenario,
        until: Option<u64>,
        files: &MediaFiles,
        sample_rate: u32,
    ) -> (Vec<LogLine>, Score) {
        let (log, calls) = run_with_phones(scenario, until);
        let score = Score::from_log(scenario, &log, &calls, files, sample_rate);
        (log, score)
    }

    /// Builds the score of a finished run from its event log and the phone of each call id.
    pub fn from_log(
        scenario: &Scenario,
        log: &[LogLine],
        calls: &[(String, String)],
        files: &MediaFiles,
        sample_rate: u32,
    ) -> Score {
        // extend, not collect: collecting into a BTreeMap compiles another copy of the stable sort (wasm size).
        let mut phone_of: BTreeMap<&str, &str> = BTreeMap::new();
        phone_of.extend(
            calls
                .iter()
                .map(|(id, phone)| (id.as_str(), phone.as_str())),
        );
        let (mut builder, mut commands) = ScoreBuilder::new(scenario, files, sample_rate);
        for line in log {
            commands.extend(builder.line(line, |call| phone_of.get(call).copied()));
        }
        builder.finish(commands)
    }
}

/// A score built line by line as a log grows: what [`Score::from_log`] does for a finished run, and what the
/// browser does for its live sandbox (it feeds each new line as it appears and sends the commands on at once).
#[derive(Clone, Debug)]
pub struct ScoreBuilder {
    t: Translator,
    /// Which leg each phone used, for the segments that ended.
    phones: BTreeMap<String, LegSelection>,
    /// Open segments per call: call id → (phone, start frame).
    open: BTreeMap<String, (String, u64)>,
    /// Calls whose leg has started.
    started: BTreeSet<String>,
    /// The time of the latest line.
    end_ms: u64,
    /// The scenario's seed, which seeds the voices a `set` step gives phones.
    seed: u64,
}

impl ScoreBuilder {
    /// A builder for `scenario` at `sample_rate`, with its phones' voices set; also returns the commands that load
    /// `files` (the decoded WAVs of the phones' `file` media).
    pub fn new(
        scenario: &Scenario,
        files: &MediaFiles,
        sample_rate: u32,
    ) -> (ScoreBuilder, Vec<(u64, Command)>) {
        let mut t = Translator::new(sample_rate, scenario.seed);
        let mut commands: Vec<(u64, Command)> = Vec::new();
        for (key, clip) in files.iter() {
            // At the file's own rate and shared, not copied: the mixer resamples as it plays, so a file is held
            // once, at its own size.
            commands.extend(t.load_clip(key, Arc::clone(&clip.samples), clip.sample_rate));
        }
        // The voices at the start; `world` lines in the log change them as the run goes.
        for (phone, p) in &scenario.phones {
            let spec = voice::phone_voice(&p.media, scenario.seed, phone, &t);
            t.set_voice(phone, spec);
        }
        let builder = ScoreBuilder {
            t,
            phones: BTreeMap::new(),
            open: BTreeMap::new(),
            started: BTreeSet::new(),
            end_ms: 0,
            seed: scenario.seed,
        };
        (builder, commands)
    }

    /// The translator (leg and room ids, recordings seen).
    pub fn translator(&self) -> &Translator {
        &self.t
    }

    /// The translator, to set a voice (the browser's microphone phone speaks through an external source).
    pub fn translator_mut(&mut self) -> &mut Translator {
        &mut self.t
    }

    /// The commands that make one more line of the log audible. `phone_of` names the phone of a call id (the
    /// log's call lines do not).
    pub fn line<'a>(
        &mut self,
        line: &LogLine,
        phone_of: impl Fn(&str) -> Option<&'a str>,
    ) -> Vec<(u64, Command)> {
        self.end_ms = self.end_ms.max(line.at);
        let t = &mut self.t;
        let mut commands = Vec::new();
        match &line.entry {
            Entry::Call {
                call_id, status, ..
            } => {
                let call_id = call_id.as_str();
                // A call's first status line starts its leg (a media change that came earlier has given it a
                // silent one already) and the phone's segment.
                if self.started.insert(call_id.to_owned()) {
                    let phone = phone_of(call_id).unwrap_or("");
                    commands.extend(t.call_started(line.at, call_id, phone));
                    if !phone.is_empty() {
                        self.open
                            .insert(call_id.to_owned(), (phone.to_owned(), t.frame_of(line.at)));
                    }
                }
                if status.is_final() {
                    commands.extend(t.call_ended(line.at, call_id));
                    if let (Some((phone, start)), Some(leg)) =
                        (self.open.remove(call_id), t.leg_of(call_id))
                    {
                        self.phones
                            .entry(phone)
                            .or_default()
                            .segments
                            .push(Segment {
                                leg,
                                start,
                                end: t.frame_of(line.at),
                            });
                    }
                }
            }
            Entry::Media(change) => commands.extend(t.media(line.at, change)),
            // A `set` step changed phones: their new voices go to the legs they start from now on (a leg keeps
            // the voice it started with, as a call already up keeps its phone's settings).
            Entry::World(change) => {
                for (phone, entry) in &change.phones {
                    let media = entry.as_ref().map_or(&Media::Silence, |p| &p.media);
                    let spec = voice::phone_voice(media, self.seed, phone, t);
                    t.set_voice(phone, spec);
                }
            }
            _ => {}
        }
        commands
    }

    /// Ends the score at the latest line's time: `commands` (everything [`ScoreBuilder::new`] and
    /// [`ScoreBuilder::line`] returned, in order) with the prompt stops due by then.
    pub fn finish(mut self, mut commands: Vec<(u64, Command)>) -> Score {
        let t = &mut self.t;
        let end_ms = self.end_ms;
        commands.extend(t.advance(end_ms));
        let end_frame = t.frame_of(end_ms);
        let mut phones = self.phones;
        for (call_id, (phone, start)) in self.open {
            if let Some(leg) = t.leg_of(&call_id) {
                phones.entry(phone).or_default().segments.push(Segment {
                    leg,
                    start,
                    end: end_frame,
                });
            }
        }
        for sel in phones.values_mut() {
            crate::sort::sort_by_key(&mut sel.segments, |s| s.start);
        }
        let recordings = t
            .recordings()
            .iter()
            .map(|r| RecordingSpan {
                id: r.id.clone(),
                target: r.target,
                start: r.start,
                end: r.end.unwrap_or(end_frame),
            })
            .collect();
        Score {
            sample_rate: t.sample_rate(),
            commands,
            phones,
            recordings,
            end_frame,
        }
    }
}
