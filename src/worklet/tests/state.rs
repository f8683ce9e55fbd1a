//! The worklet's state as the exports drive it: command streams (and their errors), the microphone, meters and
//! recordings.

use conflab_mixer::{Command, LegId, RoomId, SourceSpec};
use conflab_worklet::{METER_WORDS, Worklet};

const RATE: u32 = 8000;
const BLOCK: usize = 128;

/// Writes `commands` into the word buffer and applies them.
fn send(
    worklet: &mut Worklet,
    commands: &[(u64, Command)],
) -> Result<usize, conflab_mixer::DecodeError> {
    let mut words = Vec::new();
    for (frame, command) in commands {
        command.encode(*frame, &mut words);
    }
    worklet.words_mut(words.len()).copy_from_slice(&words);
    worklet.apply(words.len())
}

fn peak(frames: &[f32]) -> f32 {
    frames
        .iter()
        .fold(0.0, |p, x| if x.abs() > p { x.abs() } else { p })
}

#[test]
fn a_bad_stream_is_refused_whole_with_a_message_and_nothing_queued() {
    let mut worklet = Worklet::new(RATE, BLOCK).unwrap();
    let mut words = Vec::new();
    Command::AddLeg {
        leg: LegId(0),
        input: SourceSpec::Tone { hz: 440.0 },
    }
    .encode(0, &mut words);
    words.extend_from_slice(&[0, 0, 0xdead_beef]); // frame 0, then an unknown tag
    worklet.words_mut(words.len()).copy_from_slice(&words);
    let error = worklet.apply(words.len()).unwrap_err();
    assert!(
        matches!(
            error,
            conflab_mixer::DecodeError::UnknownTag {
                tag: 0xdead_beef,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        worklet.error().contains("unknown tag"),
        "{}",
        worklet.error()
    );
    worklet.render();
    assert_eq!(
        worklet.output(LegId(0)),
        None,
        "the valid first command must not be queued either"
    );
    // A length beyond the buffer is clamped, not a panic.
    assert_eq!(worklet.apply(1_000_000).map_err(|_| ()), Err(()));
}

#[test]
fn zero_rate_or_block_is_refused() {
    assert!(Worklet::new(0, BLOCK).is_none());
    assert!(Worklet::new(RATE, 0).is_none());
}

#[test]
fn the_microphone_block_reaches_the_other_leg_and_not_its_own() {
    let mut worklet = Worklet::new(RATE, BLOCK).unwrap();
    let room = RoomId(0);
    let commands = [
        (
            0,
            Command::AddLeg {
                leg: LegId(0),
                input: SourceSpec::External,
            },
        ),
        (
            0,
            Command::AddLeg {
                leg: LegId(1),
                input: SourceSpec::Silence,
            },
        ),
        (
            0,
            Command::Join {
                leg: LegId(0),
                room,
                talk: true,
                listen: true,
            },
        ),
        (
            0,
            Command::Join {
                leg: LegId(1),
                room,
                talk: true,
                listen: true,
            },
        ),
    ];
    assert_eq!(send(&mut worklet, &commands), Ok(4));
    worklet.set_mic(Some(LegId(0)));
    let mut heard = Vec::new();
    let mut own = Vec::new();
    for _ in 0..8 {
        for (i, x) in worklet.mic_mut().iter_mut().enumerate() {
            *x = if i % 2 == 0 { 0.25 } else { -0.25 };
        }
        worklet.render();
        heard.extend_from_slice(worklet.output(LegId(1)).unwrap());
        own.extend_from_slice(worklet.output(LegId(0)).unwrap());
    }
    // After the first block's fade-in the other leg hears the microphone at full level.
    assert!(
        (peak(&heard[2 * BLOCK..]) - 0.25).abs() < 1e-3,
        "peak {}",
        peak(&heard[2 * BLOCK..])
    );
    assert_eq!(
        peak(&own),
        0.0,
        "N-1: the microphone's leg never hears itself"
    );
    assert_eq!(worklet.frame(), 8 * BLOCK as u64);
}

#[test]
fn meters_list_present_legs_with_their_loudest_levels_per_interval() {
    let mut worklet = Worklet::new(RATE, BLOCK).unwrap();
    let commands = [
        (
            0,
            Command::AddLeg {
                leg: LegId(5),
                input: SourceSpec::Tone { hz: 500.0 },
            },
        ),
        (
            0,
            Command::AddLeg {
                leg: LegId(2),
                input: SourceSpec::Silence,
            },
        ),
        (
            0,
            Command::AddLeg {
                leg: LegId(9),
                input: SourceSpec::Silence,
            },
        ),
        (256, Command::RemoveLeg { leg: LegId(9) }),
    ];
    send(&mut worklet, &commands).unwrap();
    for _ in 0..4 {
        worklet.render();
    }
    assert_eq!(
        worklet.meters(),
        3,
        "leg 9 was present in the first two blocks of the interval"
    );
    worklet.render();
    assert_eq!(worklet.meters(), 2, "leg 9 is gone");
    let table = &worklet.meter_table()[..2 * METER_WORDS];
    assert_eq!((table[0], table[4]), (2, 5), "sorted by leg id");
    assert_eq!(f32::from_bits(table[1]), 0.0);
    // A −12 dBFS sine: RMS 0.251 × 0.7071 ≈ 0.1777, peak ≈ 0.251, talking.
    let (rms, peak) = (f32::from_bits(table[5]), f32::from_bits(table[6]));
    assert!((rms - 0.1777).abs() < 0.01, "rms {rms}");
    assert!((peak - 0.2512).abs() < 0.01, "peak {peak}");
    assert_eq!(table[7], 1);
}

#[test]
fn a_recording_is_reported_in_chunks_then_ended() {
    let mut worklet = Worklet::new(RATE, BLOCK).unwrap();
    let room = RoomId(3);
    let commands = [
        (
            0,
            Command::AddLeg {
                leg: LegId(0),
                input: SourceSpec::Tone { hz: 440.0 },
            },
        ),
        (
            0,
            Command::Join {
                leg: LegId(0),
                room,
                talk: true,
                listen: true,
            },
        ),
        (0, Command::Record { room, on: true }),
        (5 * BLOCK as u64, Command::Record { room, on: false }),
    ];
    send(&mut worklet, &commands).unwrap();
    let mut frames = Vec::new();
    let mut ended = false;
    for i in 0..8 {
        worklet.render();
        if i % 2 == 1 {
            for (r, chunk, end) in worklet.recordings() {
                assert_eq!(r, 3);
                frames.extend_from_slice(chunk);
                ended |= end;
            }
            worklet.clear_recordings();
        }
    }
    assert!(ended);
    assert_eq!(
        frames.len(),
        5 * BLOCK,
        "exactly the blocks while recording"
    );
    assert!(peak(&frames) > 0.2);
    assert_eq!(worklet.recordings().count(), 0);
}

#[test]
fn a_short_click_between_two_reports_still_shows() {
    let mut worklet = Worklet::new(RATE, BLOCK).unwrap();
    let commands = [
        (
            0,
            Command::AddLeg {
                leg: LegId(0),
                input: SourceSpec::External,
            },
        ),
        (
            0,
            Command::Join {
                leg: LegId(0),
                room: RoomId(0),
                talk: true,
                listen: true,
            },
        ),
    ];
    send(&mut worklet, &commands).unwrap();
    worklet.set_mic(Some(LegId(0)));
    for i in 0..6 {
        let level = if i == 2 { 0.5 } else { 0.0 };
        worklet.mic_mut().fill(level);
        worklet.render();
    }
    assert_eq!(worklet.meters(), 1);
    let peak = f32::from_bits(worklet.meter_table()[2]);
    assert!(
        (peak - 0.5).abs() < 1e-6,
        "the click's block is held: peak {peak}"
    );
    worklet.mic_mut().fill(0.0);
    worklet.render();
    worklet.meters();
    assert_eq!(
        f32::from_bits(worklet.meter_table()[2]),
        0.0,
        "the next interval starts afresh"
    );
}

#[test]
fn the_bench_baseline_sums_every_leg_block() {
    let mut worklet = Worklet::new(RATE, BLOCK).unwrap();
    // Input i holds (i mod 7) / 1000: frame 0 of leg 0 is 0, of leg 1 is (128 mod 7) / 1000 = 0.002.
    let probe = worklet.bench_plain_sum(2, 3);
    assert!((probe - 3.0 * 0.002).abs() < 1e-7, "probe {probe}");
}
