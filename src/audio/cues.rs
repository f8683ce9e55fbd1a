//! Captions of what a phone hears: the `Say` text, and labels for `Play`, the beep and wait music, each over the
//! span of virtual time it is heard, read from a run's typed event log. The Scenario panel shows the cue under
//! its player at the player's time; this is core logic, so it is tested natively (`tests/audio_cues.rs`).

use crate::engine::log::{Entry, LogLine};
use crate::engine::media::{MediaChange, Sound};
use std::collections::{BTreeMap, BTreeSet};

/// What a caption cue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CueKind {
    /// `Say` text (shown first when cues overlap).
    Say,
    /// `Play`/`PlayEarlyMedia` of a file (heard as the chime stand-in).
    Play,
    /// The conference beep.
    Beep,
    /// Wait music.
    Music,
}

impl CueKind {
    /// The word the page shows (`data-kind`).
    pub fn word(self) -> &'static str {
        match self {
            CueKind::Say => "say",
            CueKind::Play => "play",
            CueKind::Beep => "beep",
            CueKind::Music => "music",
        }
    }
}

/// Something audible to the phone over `[start_ms, end_ms)` of the run's virtual clock (the WAV's time 0 is
/// the run's 0 ms).
#[derive(Clone, Debug, PartialEq)]
pub struct Cue {
    /// When it starts (virtual ms).
    pub start_ms: u64,
    /// When it ends (virtual ms; `u64::MAX`: until the end).
    pub end_ms: u64,
    /// What it is.
    pub kind: CueKind,
    /// The caption.
    pub text: String,
}

/// The caption cues of `phone`: what its calls were told (`Say`), played, beeped and waited with (music while
/// one of its calls listens in a conference whose music is on), read from the run's `media` and `call` lines.
pub fn cues(log: &[LogLine], calls: &[(String, String)], phone: &str, end_ms: u64) -> Vec<Cue> {
    // extend, not collect: collecting into a BTreeSet compiles another copy of the stable sort (wasm size).
    let mut mine: BTreeSet<&str> = BTreeSet::new();
    mine.extend(
        calls
            .iter()
            .filter(|(_, p)| p == phone)
            .map(|(id, _)| id.as_str()),
    );
    let mut cues: Vec<Cue> = Vec::new();
    // The prompt playing to each of the phone's calls (an index into `cues`), until it ends, stops or is replaced.
    let mut playing: BTreeMap<String, usize> = BTreeMap::new();
    // Per conference: is its music on, and which of the phone's calls listen in it.
    let mut music_on: BTreeMap<String, bool> = BTreeMap::new();
    let mut listening: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut music_cue: Option<usize> = None;
    for line in log {
        let at = line.at;
        match &line.entry {
            Entry::Call {
                call_id, status, ..
            } => {
                let call = call_id.as_str();
                if mine.contains(call) && status.is_final() {
                    stop(&mut cues, &mut playing, call, at);
                    for members in listening.values_mut() {
                        members.remove(call);
                    }
                }
            }
            Entry::Media(change) => match Some(change.clone()) {
                Some(MediaChange::Play {
                    call_id,
                    sound,
                    duration_ms,
                }) if mine.contains(call_id.as_str()) => {
                    stop(&mut cues, &mut playing, &call_id, at);
                    let (kind, text) = match sound {
                        Sound::Say { text, .. } => (CueKind::Say, text),
                        Sound::Play { file } => (CueKind::Play, format!("♪ Play {file}")),
                        Sound::EarlyMedia { file } => {
                            (CueKind::Play, format!("♪ early media {file}"))
                        }
                        Sound::Digits { digits } => (CueKind::Play, format!("♪ digits {digits}")),
                        Sound::Silence => continue,
                    };
                    let end = duration_ms.map_or(u64::MAX, |d| at.saturating_add(d));
                    playing.insert(call_id, cues.len());
                    cues.push(Cue {
                        start_ms: at,
                        end_ms: end,
                        kind,
                        text,
                    });
                }
                Some(MediaChange::Stop { call_id }) => stop(&mut cues, &mut playing, &call_id, at),
                // The beep is heard by the conference's listening members: the phone hears it when one of its
                // calls listens there.
                Some(MediaChange::Beep {
                    conference_id,
                    hz,
                    duration_ms,
                }) if listening.get(&conference_id).is_some_and(|c| !c.is_empty()) => {
                    cues.push(Cue {
                        start_ms: at,
                        end_ms: at.saturating_add(duration_ms),
                        kind: CueKind::Beep,
                        text: format!("♪ beep ({hz} Hz)"),
                    })
                }
                Some(
                    MediaChange::Join {
                        conference_id,
                        call_id,
                        listen,
                        ..
                    }
                    | MediaChange::Privileges {
                        conference_id,
                        call_id,
                        listen,
                        ..
                    },
                ) if mine.contains(call_id.as_str()) => {
                    let heard = listening.entry(conference_id).or_default();
                    if listen {
                        heard.insert(call_id);
                    } else {
                        heard.remove(&call_id);
                    }
                }
                Some(MediaChange::Leave {
                    conference_id,
                    call_id,
                }) => {
                    if let Some(heard) = listening.get_mut(&conference_id) {
                        heard.remove(&call_id);
                    }
                }
                Some(MediaChange::WaitMusic {
                    conference_id, on, ..
                }) => {
                    music_on.insert(conference_id, on);
                }
                _ => {}
            },
            _ => continue,
        }
        // Wait music is heard while a conference with its music on has one of the phone's calls listening.
        let hears_music = listening
            .iter()
            .any(|(conf, calls)| !calls.is_empty() && music_on.get(conf) == Some(&true));
        match (hears_music, music_cue) {
            (true, None) => {
                music_cue = Some(cues.len());
                cues.push(Cue {
                    start_ms: at,
                    end_ms: u64::MAX,
                    kind: CueKind::Music,
                    text: "♪ wait music".to_owned(),
                });
            }
            (false, Some(i)) => {
                if let Some(cue) = cues.get_mut(i) {
                    cue.end_ms = at;
                }
                music_cue = None;
            }
            _ => {}
        }
    }
    for cue in &mut cues {
        cue.end_ms = cue.end_ms.min(end_ms);
    }
    cues.retain(|c| c.start_ms < c.end_ms);
    cues
}

/// Ends the prompt playing to `call` at `at`, if one is.
fn stop(cues: &mut [Cue], playing: &mut BTreeMap<String, usize>, call: &str, at: u64) {
    if let Some(cue) = playing.remove(call).and_then(|i| cues.get_mut(i)) {
        cue.end_ms = cue.end_ms.min(at);
    }
}

/// The caption at `ms`: every cue sounding then, speech first; `None` when nothing is.
pub fn caption_at(cues: &[Cue], ms: u64) -> Option<(CueKind, String)> {
    let mut now: Vec<&Cue> = cues
        .iter()
        .filter(|c| c.start_ms <= ms && ms < c.end_ms)
        .collect();
    // CueKind has no explicit discriminants, so `as u64` is its declaration order, the order its derived Ord uses.
    crate::sort::sort_by_key(&mut now, |c| c.kind as u64);
    let first = now.first()?.kind;
    let text: Vec<String> = now
        .iter()
        .map(|c| match c.kind {
            CueKind::Say => format!("“{}”", c.text),
            _ => c.text.clone(),
        })
        .collect();
    Some((first, text.join(" · ")))
}
