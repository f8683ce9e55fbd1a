//! The browser/native parity fixture: one command stream touching every part of the mixer (tone and talker
//! legs, wait music, beeps, a prompt, DTMF, talk=false, listen=false, a leg leaving, a recording), with changes
//! at frames that are not block boundaries. Shared by the native golden test (src/worklet/tests/golden.rs) and the
//! browser parity test (tests/web_audio.rs), which include this file by path.

// Each including test uses part of it.
#![allow(dead_code)]

use conflab_mixer::{Command, Config, LegId, Player, RoomId, SourceSpec};

/// The parity render's sample rate (the issue's: 8 kHz).
pub const SAMPLE_RATE: u32 = 8000;
/// Frames rendered: one second, deliberately not a whole number of 128-frame blocks.
pub const FRAMES: usize = 8000;
/// The legs whose outputs are compared, in channel order.
pub const HEAR: [LegId; 3] = [LegId(0), LegId(1), LegId(2)];
/// The golden file of the native render: the channels one after another, f32 little-endian.
pub const GOLDEN: &str = "audio/worklet-stream.f32";

/// The command stream, frame-stamped.
pub fn commands() -> Vec<(u64, Command)> {
    let room = RoomId(0);
    let join = |leg: u32, talk: bool, listen: bool| Command::Join {
        leg: LegId(leg),
        room,
        talk,
        listen,
    };
    let beep = |leg: u32| Command::Overlay {
        leg: LegId(leg),
        source: SourceSpec::Beep {
            hz: 1000.0,
            ms: 250,
        },
    };
    vec![
        (
            0,
            Command::AddLeg {
                leg: LegId(0),
                input: SourceSpec::Tone { hz: 440.0 },
            },
        ),
        (
            0,
            Command::AddLeg {
                leg: LegId(1),
                input: SourceSpec::Tone { hz: 660.0 },
            },
        ),
        (
            0,
            Command::AddLeg {
                leg: LegId(2),
                input: SourceSpec::Talker {
                    seed: 7,
                    talk_ms: 2000,
                    silence_ms: 2000,
                    text: String::new(),
                },
            },
        ),
        (0, join(0, true, true)),
        (
            0,
            Command::WaitMusic {
                room,
                source: SourceSpec::Music { seed: 3 },
                on: true,
            },
        ),
        (1000, join(1, true, true)),
        (
            1000,
            Command::WaitMusic {
                room,
                source: SourceSpec::Silence,
                on: false,
            },
        ),
        (1000, beep(0)),
        (1000, beep(1)),
        (1000, Command::Record { room, on: true }),
        (3001, join(2, true, false)),
        (
            4500,
            Command::SetTalk {
                leg: LegId(0),
                on: false,
            },
        ),
        (
            4500,
            Command::Prompt {
                leg: LegId(1),
                source: SourceSpec::Speech {
                    text: "hello conference".to_owned(),
                    looped: false,
                },
            },
        ),
        (6000, Command::Leave { leg: LegId(1) }),
        (6000, Command::Record { room, on: false }),
        (
            7000,
            Command::Overlay {
                leg: LegId(0),
                source: SourceSpec::Dtmf {
                    digits: "12#".to_owned(),
                    slot_ms: 500,
                },
            },
        ),
        (
            7300,
            Command::SetTalk {
                leg: LegId(0),
                on: true,
            },
        ),
    ]
}

/// What each leg of [`HEAR`] heard, rendered natively with the one loop both drivers run: every command
/// scheduled on a [`Player`], then `render_block` block after block.
pub fn render_native(block: usize) -> Vec<Vec<f32>> {
    let mut player = Player::new(Config {
        sample_rate: SAMPLE_RATE,
        block,
    });
    for (frame, command) in commands() {
        player.schedule(frame, command);
    }
    let mut channels = vec![Vec::with_capacity(FRAMES); HEAR.len()];
    while channels[0].len() < FRAMES {
        player.render_block();
        for (channel, leg) in channels.iter_mut().zip(HEAR) {
            let heard = player
                .mixer()
                .output(leg)
                .expect("every heard leg exists for the whole render");
            let n = heard.len().min(FRAMES - channel.len());
            channel.extend_from_slice(&heard[..n]);
        }
    }
    channels
}

/// The golden file's bytes for `channels`.
pub fn to_bytes(channels: &[Vec<f32>]) -> Vec<u8> {
    channels
        .iter()
        .flatten()
        .flat_map(|x| x.to_le_bytes())
        .collect()
}

/// The channels of a golden file (`None` if its length is not [`HEAR`] × [`FRAMES`] samples).
pub fn from_bytes(bytes: &[u8]) -> Option<Vec<Vec<f32>>> {
    if bytes.len() != HEAR.len() * FRAMES * 4 {
        return None;
    }
    let samples: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Some(samples.chunks(FRAMES).map(<[f32]>::to_vec).collect())
}

/// How two renders differ: the largest absolute difference and how many samples differ (bitwise; two NaNs
/// with equal bits are equal).
pub fn compare(expected: &[Vec<f32>], actual: &[Vec<f32>]) -> (f32, usize) {
    let mut largest = 0.0f32;
    let mut differing = 0;
    for (e, a) in expected.iter().zip(actual) {
        for (x, y) in e.iter().zip(a) {
            if x.to_bits() != y.to_bits() {
                differing += 1;
                let d = (x - y).abs();
                largest = if d > largest || d.is_nan() {
                    d
                } else {
                    largest
                };
            }
        }
        differing += e.len().abs_diff(a.len());
    }
    differing += expected.len().abs_diff(actual.len()) * FRAMES;
    (largest, differing)
}
