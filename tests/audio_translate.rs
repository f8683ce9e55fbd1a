//! The translator from the engine's media changes to mixer commands, the reading of media changes back from the
//! event log, and the score of every golden scenario.

#[path = "audio_support/signal.rs"]
mod signal;

use conflab::audio::{MediaFiles, RecordingTarget, Score, Translator};
use conflab::engine::media::{MediaChange, Sound};
use conflab_mixer::{Command, LegId, PcmId, RoomId, SourceSpec};

const RATE: u32 = 8000;

fn join(conf: &str, call: &str, talk: bool, listen: bool) -> MediaChange {
    MediaChange::Join {
        conference_id: conf.to_owned(),
        call_id: call.to_owned(),
        talk,
        listen,
    }
}

fn privileges(conf: &str, call: &str, talk: bool, listen: bool) -> MediaChange {
    MediaChange::Privileges {
        conference_id: conf.to_owned(),
        call_id: call.to_owned(),
        talk,
        listen,
    }
}

fn leave(conf: &str, call: &str) -> MediaChange {
    MediaChange::Leave {
        conference_id: conf.to_owned(),
        call_id: call.to_owned(),
    }
}

fn play(call: &str, sound: Sound, duration_ms: Option<u64>) -> MediaChange {
    MediaChange::Play {
        call_id: call.to_owned(),
        sound,
        duration_ms,
    }
}

fn say(text: &str) -> Sound {
    Sound::Say {
        text: text.to_owned(),
        language: None,
    }
}

fn file() -> Sound {
    Sound::Play {
        file: "https://app.test/a.wav".to_owned(),
    }
}

/// A translator at 8 kHz with calls CA1 (phone P1, a 440 Hz tone) and CA2 (P2, silent) started at 0.
fn two_calls() -> Translator {
    let mut t = Translator::new(RATE, 7);
    t.set_voice("P1", SourceSpec::Tone { hz: 440.0 });
    assert_eq!(
        t.call_started(0, "CA1", "P1"),
        vec![(
            0,
            Command::AddLeg {
                leg: LegId(0),
                input: SourceSpec::Tone { hz: 440.0 }
            }
        )]
    );
    assert_eq!(
        t.call_started(0, "CA2", "P2"),
        vec![(
            0,
            Command::AddLeg {
                leg: LegId(1),
                input: SourceSpec::Silence
            }
        )]
    );
    t
}

#[test]
fn membership_lines_become_joins_leaves_and_privilege_changes() {
    let mut t = two_calls();
    let (l1, l2, room) = (LegId(0), LegId(1), RoomId(0));
    let c = t.media(1000, &join("CF1", "CA1", true, true));
    assert_eq!(
        c,
        vec![(
            8000,
            Command::Join {
                leg: l1,
                room,
                talk: true,
                listen: true
            }
        )]
    );
    assert_eq!(t.room_of("CF1"), Some(room));
    let c = t.media(2000, &privileges("CF1", "CA1", false, true));
    assert_eq!(c, vec![(16_000, Command::SetTalk { leg: l1, on: false })]);
    let c = t.media(2000, &join("CF1", "CA2", true, false));
    assert_eq!(
        c,
        vec![(
            16_000,
            Command::Join {
                leg: l2,
                room,
                talk: true,
                listen: false
            }
        )]
    );
    // Privileges that did not change give no command.
    assert_eq!(
        t.media(2000, &privileges("CF1", "CA2", true, false)),
        vec![]
    );
    assert_eq!(
        t.media(3000, &leave("CF1", "CA1")),
        vec![(24_000, Command::Leave { leg: l1 })]
    );
    assert_eq!(
        t.media(3000, &privileges("CF1", "CA2", true, true)),
        vec![(24_000, Command::SetListen { leg: l2, on: true })]
    );
    // CA2 moves to another conference; the old one's leave line does not pull it out of the new one.
    let c = t.media(4000, &join("CF2", "CA2", true, true));
    assert_eq!(
        c,
        vec![(
            32_000,
            Command::Join {
                leg: l2,
                room: RoomId(1),
                talk: true,
                listen: true
            }
        )]
    );
    assert_eq!(t.media(4000, &leave("CF1", "CA2")), vec![]);
}

#[test]
fn say_is_a_one_shot_speech_of_its_loops_and_forever_is_looped() {
    let mut t = two_calls();
    let c = t.media(0, &play("CA1", say("hello world"), Some(2 * 800)));
    assert_eq!(
        c,
        vec![(
            0,
            Command::Prompt {
                leg: LegId(0),
                source: SourceSpec::Speech {
                    text: "hello world hello world".to_owned(),
                    looped: false
                }
            }
        )]
    );
    let c = t.media(500, &play("CA1", say("hi"), None));
    assert_eq!(
        c,
        vec![(
            4000,
            Command::Prompt {
                leg: LegId(0),
                source: SourceSpec::Speech {
                    text: "hi".to_owned(),
                    looped: true
                }
            }
        )]
    );
}

#[test]
fn play_is_the_chime_loaded_once_and_a_replaced_prompt_is_never_stopped_by_a_stale_command() {
    let mut t = two_calls();
    let c = t.media(0, &play("CA1", file(), Some(3000)));
    assert_eq!(c.len(), 2);
    let Command::LoadPcm { pcm, rate, samples } = &c[0].1 else {
        panic!("the chime is loaded first: {:?}", c[0]);
    };
    assert_eq!(*rate, RATE, "the chime is made at the mixer's rate");
    assert_eq!(
        samples.len(),
        3 * RATE as usize,
        "the chime lasts the engine's 3 s"
    );
    assert_eq!(
        c[1],
        (
            0,
            Command::Prompt {
                leg: LegId(0),
                source: SourceSpec::Pcm {
                    pcm: *pcm,
                    looped: false
                }
            }
        )
    );
    // Three loops: looped, and stopped at 9 s unless replaced.
    let c = t.media(10_000, &play("CA1", file(), Some(9000)));
    assert_eq!(
        c,
        vec![(
            80_000,
            Command::Prompt {
                leg: LegId(0),
                source: SourceSpec::Pcm {
                    pcm: *pcm,
                    looped: true
                }
            }
        )]
    );
    assert_eq!(t.advance(18_999), vec![]);
    assert_eq!(
        t.advance(19_000),
        vec![(152_000, Command::StopPrompt { leg: LegId(0) })]
    );
    // Replaced by a Say before its end: no StopPrompt comes for the old prompt.
    let _ = t.media(20_000, &play("CA2", file(), Some(6000)));
    let c = t.media(21_000, &play("CA2", say("next"), Some(400)));
    assert!(
        matches!(c[..], [(168_000, Command::Prompt { .. })]),
        "{c:?}"
    );
    assert_eq!(t.advance(40_000), vec![]);
    // A prompt due to stop is stopped (at its own frame) before a later change is applied.
    let _ = t.media(50_000, &play("CA2", file(), Some(6000)));
    let c = t.media(
        60_000,
        &MediaChange::Stop {
            call_id: "CA1".to_owned(),
        },
    );
    assert_eq!(
        c,
        vec![
            (448_000, Command::StopPrompt { leg: LegId(1) }),
            (480_000, Command::StopPrompt { leg: LegId(0) }),
        ]
    );
    assert_eq!(t.clip("conflab:chime"), Some(*pcm));
    assert_eq!(*pcm, PcmId(0));
}

#[test]
fn pause_stops_the_prompt_and_send_digits_plays_dtmf() {
    let mut t = two_calls();
    assert_eq!(
        t.media(0, &play("CA1", Sound::Silence, Some(1000))),
        vec![(0, Command::StopPrompt { leg: LegId(0) })]
    );
    assert_eq!(
        t.media(
            0,
            &play(
                "CA1",
                Sound::Digits {
                    digits: "12#".to_owned()
                },
                Some(1500)
            )
        ),
        vec![(
            0,
            Command::Prompt {
                leg: LegId(0),
                source: SourceSpec::Dtmf {
                    digits: "12#".to_owned(),
                    slot_ms: 500
                }
            }
        )]
    );
}

#[test]
fn beeps_and_dtmf_pass_through_reach_exactly_their_hearers() {
    let mut t = two_calls();
    // The beep is heard by the conference's listening members: CA2 listens, CA1 does not.
    assert_eq!(t.media(100, &join("CF1", "CA1", true, false)).len(), 1);
    assert_eq!(t.media(100, &join("CF1", "CA2", true, true)).len(), 1);
    let beep = MediaChange::Beep {
        conference_id: "CF1".to_owned(),
        hz: 1000,
        duration_ms: 250,
    };
    assert_eq!(
        t.media(100, &beep),
        vec![(
            800,
            Command::Overlay {
                leg: LegId(1),
                source: SourceSpec::Beep {
                    hz: 1000.0,
                    ms: 250
                }
            }
        )]
    );
    let dtmf = MediaChange::Dtmf {
        from: "CA2".to_owned(),
        to: vec!["CA1".to_owned()],
        digits: "5".to_owned(),
    };
    assert_eq!(
        t.media(200, &dtmf),
        vec![(
            1600,
            Command::Overlay {
                leg: LegId(0),
                source: SourceSpec::Dtmf {
                    digits: "5".to_owned(),
                    slot_ms: 500
                }
            }
        )]
    );
}

#[test]
fn a_hung_up_leg_gets_nothing_more_and_an_unknown_call_gets_a_silent_leg() {
    let mut t = two_calls();
    assert_eq!(
        t.call_ended(1000, "CA1"),
        vec![(8000, Command::RemoveLeg { leg: LegId(0) })]
    );
    assert_eq!(t.call_ended(1000, "CA1"), vec![]);
    assert_eq!(
        t.media(
            1000,
            &MediaChange::Stop {
                call_id: "CA1".to_owned()
            }
        ),
        vec![]
    );
    assert_eq!(t.media(1000, &play("CA1", say("x"), Some(400))), vec![]);
    assert_eq!(t.media(1000, &join("CF1", "CA1", true, true)), vec![]);
    // A driver that never announced CA9 (the browser's panel) still hears what plays to it.
    let c = t.media(2000, &play("CA9", say("x"), Some(400)));
    assert_eq!(
        c[0],
        (
            16_000,
            Command::AddLeg {
                leg: LegId(2),
                input: SourceSpec::Silence
            }
        )
    );
    assert_eq!(t.leg_of("CA9"), Some(LegId(2)));
    assert_eq!(t.call_of(LegId(2)), Some("CA9"));
}

#[test]
fn wait_music_is_seeded_per_conference_and_recordings_are_spans() {
    let mut t = two_calls();
    let music = |conf: &str, on: bool| MediaChange::WaitMusic {
        conference_id: conf.to_owned(),
        wait_url: None,
        on,
    };
    let a = t.media(0, &music("CF1", true));
    let b = t.media(0, &music("CF2", true));
    let seed = |c: &[(u64, Command)]| match &c[0].1 {
        Command::WaitMusic {
            source: SourceSpec::Music { seed },
            on: true,
            ..
        } => *seed,
        other => panic!("{other:?}"),
    };
    assert_ne!(seed(&a), seed(&b));
    assert_eq!(
        seed(&a),
        seed(&Translator::new(RATE, 7).media(0, &music("CF1", true)))
    );
    assert_ne!(
        seed(&a),
        seed(&Translator::new(RATE, 8).media(0, &music("CF1", true)))
    );
    assert!(matches!(
        t.media(10, &music("CF1", false))[..],
        [(80, Command::WaitMusic { on: false, .. })]
    ));

    let rec = |id: &str, conf: Option<&str>, call: Option<&str>, on: bool| MediaChange::Recording {
        recording_id: id.to_owned(),
        conference_id: conf.map(str::to_owned),
        call_id: call.map(str::to_owned),
        on,
    };
    assert_eq!(
        t.media(1000, &rec("RE1", Some("CF1"), None, true)),
        vec![(
            8000,
            Command::Record {
                room: RoomId(0),
                on: true
            }
        )]
    );
    assert_eq!(t.media(1500, &rec("RE2", None, Some("CA2"), true)), vec![]);
    assert_eq!(
        t.media(3000, &rec("RE1", Some("CF1"), None, false)),
        vec![(
            24_000,
            Command::Record {
                room: RoomId(0),
                on: false
            }
        )]
    );
    let spans = t.recordings();
    assert_eq!(spans.len(), 2);
    assert_eq!(
        (spans[0].target, spans[0].start, spans[0].end),
        (RecordingTarget::Room(RoomId(0)), 8000, Some(24_000))
    );
    assert_eq!(
        (spans[1].target, spans[1].start, spans[1].end),
        (RecordingTarget::Leg(LegId(1)), 12_000, None)
    );
}

/// Every golden scenario with its event log.
fn golden_scenarios() -> Vec<(String, conflab::scenario::Scenario)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| (n.clone(), signal::scenario(&n)))
        .collect()
}

#[test]
fn every_golden_scenario_renders_with_recordings_as_long_as_their_spans() {
    let mut call_recordings = 0;
    let mut audible_call_recordings = 0;
    for (name, s) in golden_scenarios() {
        let (log, score) = Score::from_run(&s, None, &MediaFiles::new(), RATE);
        assert!(
            score.commands.windows(2).all(|w| w[0].0 <= w[1].0),
            "{name}: commands out of order"
        );
        assert_eq!(
            score.end_frame,
            log.last().map_or(0, |l| l.at) * u64::from(RATE) / 1000,
            "{name}"
        );
        let hear: Vec<_> = score.phones.values().cloned().collect();
        let config = conflab_mixer::Config {
            sample_rate: RATE,
            block: 128,
        };
        let r = conflab::audio::render(&score, config, &hear).unwrap();
        assert!(
            r.hear.iter().all(|h| h.len() as u64 == score.end_frame),
            "{name}"
        );
        // Each recording lasts from its "on" to its "off" media line (or the end of the run).
        for ((id, samples), span) in r.recordings.iter().zip(&score.recordings) {
            let times: Vec<u64> = log
                .iter()
                .filter(|l| {
                    l.kind() == "media"
                        && l.get("recordingId").as_ref().and_then(|v| v.as_str())
                            == Some(id.as_str())
                })
                .map(|l| l.at)
                .collect();
            let end = times.get(1).copied().unwrap_or(log.last().unwrap().at);
            assert_eq!(
                samples.len() as u64,
                (end - times[0]) * u64::from(RATE) / 1000,
                "{name} {id}"
            );
            assert_eq!(samples.len() as u64, span.frames());
            if let RecordingTarget::Leg(_) = span.target {
                call_recordings += 1;
                if signal::rms(samples) > 0.01 {
                    audible_call_recordings += 1;
                }
            }
        }
    }
    assert_eq!(
        call_recordings, 2,
        "simulated-commands.json has a StartRecordCall and a RecordUtterance"
    );
    // The StartRecordCall recording holds the prompts the call heard; the RecordUtterance one records a phone
    // with no media while nothing plays: silence.
    assert_eq!(audible_call_recordings, 1);
}

#[test]
fn a_render_refuses_a_rate_other_than_the_scores_and_an_empty_block() {
    let s = signal::scenario("audio_parity.json");
    let (_, score) = Score::from_run(&s, None, &MediaFiles::new(), RATE);
    let wrong = conflab_mixer::Config {
        sample_rate: 16_000,
        block: 128,
    };
    let err = conflab::audio::render(&score, wrong, &[]).unwrap_err();
    assert_eq!(
        err,
        conflab::audio::RenderError::RateMismatch {
            score: RATE,
            config: 16_000
        }
    );
    assert!(
        err.to_string()
            .contains("built at 8000 Hz but the render is configured for 16000 Hz")
    );
    let empty = conflab_mixer::Config {
        sample_rate: RATE,
        block: 0,
    };
    assert_eq!(
        conflab::audio::render(&score, empty, &[]).unwrap_err(),
        conflab::audio::RenderError::ZeroBlock
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[derive(Clone, Debug)]
    enum Op {
        Start(u8),
        End(u8),
        Say(u8, u8),
        Play(u8, u8),
        Stop(u8),
        Join(u8, u8, bool, bool),
        Leave(u8, u8),
        Beep(u8),
        Advance,
    }

    fn op() -> impl Strategy<Value = Op> {
        let call = 0u8..6;
        prop_oneof![
            call.clone().prop_map(Op::Start),
            call.clone().prop_map(Op::End),
            (call.clone(), 0u8..4).prop_map(|(c, n)| Op::Say(c, n)),
            (call.clone(), 0u8..4).prop_map(|(c, n)| Op::Play(c, n)),
            call.clone().prop_map(Op::Stop),
            (0u8..2, call.clone(), any::<bool>(), any::<bool>())
                .prop_map(|(r, c, talk, listen)| Op::Join(r, c, talk, listen)),
            (0u8..2, call.clone()).prop_map(|(r, c)| Op::Leave(r, c)),
            (0u8..2).prop_map(Op::Beep),
            Just(Op::Advance),
        ]
    }

    proptest! {
        // 64 cases keep this file within a few seconds in debug builds.
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the order of changes: commands come out in frame order, never reach a leg after its
        /// RemoveLeg, never reach a leg before its AddLeg, and a StopPrompt is never later than the clock.
        #[test]
        fn commands_are_ordered_and_only_reach_live_legs(
            ops in proptest::collection::vec((0u64..3000, op()), 1..60)
        ) {
            let mut t = Translator::new(RATE, 1);
            let mut at = 0;
            let mut all: Vec<(u64, Command)> = Vec::new();
            for (dt, op) in ops {
                at += dt;
                let id = |c: u8| format!("CA{c}");
                let out = match op {
                    Op::Start(c) => t.call_started(at, &id(c), "P"),
                    Op::End(c) => t.call_ended(at, &id(c)),
                    Op::Say(c, n) => t.media(at, &play(&id(c), say("a b"), (n > 0).then(|| 800 * u64::from(n)))),
                    Op::Play(c, n) => t.media(at, &play(&id(c), file(), (n > 0).then(|| 3000 * u64::from(n)))),
                    Op::Stop(c) => t.media(at, &MediaChange::Stop { call_id: id(c) }),
                    Op::Join(r, c, talk, listen) => t.media(at, &join(&format!("CF{r}"), &id(c), talk, listen)),
                    Op::Leave(r, c) => t.media(at, &leave(&format!("CF{r}"), &id(c))),
                    Op::Beep(r) => t.media(at, &MediaChange::Beep {
                        conference_id: format!("CF{r}"),
                        hz: 1000,
                        duration_ms: 250,
                    }),
                    Op::Advance => t.advance(at),
                };
                let now = u64::from(RATE) * at / 1000;
                prop_assert!(out.iter().all(|(f, _)| *f <= now), "{out:?} after {now}");
                all.extend(out);
            }
            prop_assert!(all.windows(2).all(|w| w[0].0 <= w[1].0), "out of order: {all:?}");
            let mut live: BTreeSet<LegId> = BTreeSet::new();
            let mut gone: BTreeSet<LegId> = BTreeSet::new();
            for (_, c) in &all {
                let leg = match c {
                    Command::AddLeg { leg, .. } => {
                        prop_assert!(!gone.contains(leg) && live.insert(*leg), "leg {leg:?} added twice");
                        continue;
                    }
                    Command::RemoveLeg { leg } => {
                        prop_assert!(live.remove(leg), "{leg:?} removed while not live");
                        gone.insert(*leg);
                        continue;
                    }
                    Command::Join { leg, .. }
                    | Command::Leave { leg }
                    | Command::SetTalk { leg, .. }
                    | Command::SetListen { leg, .. }
                    | Command::Prompt { leg, .. }
                    | Command::StopPrompt { leg }
                    | Command::Overlay { leg, .. } => *leg,
                    _ => continue,
                };
                prop_assert!(live.contains(&leg), "{c:?} reaches a leg that is not live");
            }
        }
    }
}

#[test]
fn any_block_length_renders_the_whole_run() {
    // The player applies commands at block boundaries, so other blocks shift sounds by less than a block; the
    // lengths stay exact whatever the block (a huge one is capped by the mixer).
    let s = signal::scenario("audio_lifecycle.json");
    let (_, score) = Score::from_run(&s, None, &MediaFiles::new(), RATE);
    let hear = [score.phones["+15550111111"].clone()];
    for block in [7, 100, 128, 1000, 1 << 20] {
        let config = conflab_mixer::Config {
            sample_rate: RATE,
            block,
        };
        let r = conflab::audio::render(&score, config, &hear).unwrap();
        assert_eq!(r.hear[0].len(), 13 * RATE as usize, "block {block}");
        assert_eq!(r.recordings[0].1.len(), 6 * RATE as usize, "block {block}");
        // A hears its 660 Hz host in the middle of its call (with blocks short against the scenario: a block is
        // also the length of every gain ramp).
        if block > 1000 {
            continue;
        }
        let w = signal::window(&r.hear[0], 5500, 7900);
        assert!(
            (signal::tone(w, 660.0) - 0.251).abs() < 0.02,
            "block {block}: {}",
            signal::tone(w, 660.0)
        );
    }
}

#[test]
fn a_clip_loaded_under_a_url_plays_for_that_url_and_its_wait_music() {
    let mut t = two_calls();
    let url = "https://app.test/a.wav";
    let load = t.load_clip(url, vec![0.5; 100], 16_000);
    assert!(matches!(
        &load[..],
        [(0, Command::LoadPcm { pcm: PcmId(0), rate: 16_000, samples })] if samples.len() == 100
    ));
    // Play of that URL: the clip, looped, stopped at the engine's 3 s; no chime is loaded.
    let c = t.media(0, &play("CA1", file(), Some(3000)));
    assert_eq!(
        c,
        vec![(
            0,
            Command::Prompt {
                leg: LegId(0),
                source: SourceSpec::Pcm {
                    pcm: PcmId(0),
                    looped: true
                }
            }
        )]
    );
    assert_eq!(
        t.advance(3000),
        vec![(24_000, Command::StopPrompt { leg: LegId(0) })]
    );
    assert_eq!(t.clip("conflab:chime"), None);
    let music = MediaChange::WaitMusic {
        conference_id: "CF1".to_owned(),
        wait_url: Some(url.to_owned()),
        on: true,
    };
    assert_eq!(
        t.media(4000, &music),
        vec![(
            32_000,
            Command::WaitMusic {
                room: RoomId(0),
                source: SourceSpec::Pcm {
                    pcm: PcmId(0),
                    looped: true
                },
                on: true
            }
        )]
    );
}

#[test]
fn a_media_file_is_loaded_at_its_own_rate_and_shared_not_copied() {
    // One second at 8 kHz in a 48 kHz score: the LoadPcm carries the 8,000 decoded samples themselves (the
    // whole-file resample carried 48,000 new ones), and the mixer resamples as it plays.
    let s = signal::scenario("audio_parity.json");
    let mut files = MediaFiles::new();
    files.insert("media/hello.wav", vec![0.25; 8000], 8000);
    let (_, score) = Score::from_run(&s, None, &files, 48_000);
    let loads: Vec<_> = score
        .commands
        .iter()
        .filter_map(|(_, c)| match c {
            Command::LoadPcm { rate, samples, .. } => Some((*rate, samples)),
            _ => None,
        })
        .collect();
    assert_eq!(loads.len(), 1, "{loads:?}");
    let (rate, samples) = loads[0];
    assert_eq!((rate, samples.len()), (8000, 8000));
    let decoded = &files.get("media/hello.wav").unwrap().samples;
    assert!(
        std::ptr::eq(&samples[..], &decoded[..]),
        "shared, not copied"
    );
}
