//! The mixer's behaviour, asserted on sample values: N-1, talk and listen, ramps, recording, meters, rooms, the
//! player's timing, at every usual sample rate and block length. Inputs are external frames written by the test,
//! so every expected value can be computed exactly.

use conflab_mixer::{ApplyError, Command, Config, LegId, Mixer, PcmId, Player, RoomId, SourceSpec};

const RATES: [u32; 4] = [8_000, 16_000, 44_100, 48_000];
const BLOCKS: [usize; 3] = [128, 64, 480];

/// Every (rate, block) pair.
fn configs() -> impl Iterator<Item = Config> {
    RATES.into_iter().flat_map(|sample_rate| {
        BLOCKS
            .into_iter()
            .map(move |block| Config { sample_rate, block })
    })
}

/// A test sine (test code may use std's sine: it is not the mixer).
fn sine(amp: f32, hz: f64, rate: u32, from: u64, n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| {
            (amp as f64
                * (std::f64::consts::TAU * hz * (from + i as u64) as f64 / rate as f64).sin())
                as f32
        })
        .collect()
}

/// The amplitude of the `hz` component of `xs` (a single DFT bin in f64, Hann-windowed so that other tones do
/// not leak into it).
fn amplitude(xs: &[f32], hz: f64, rate: u32) -> f64 {
    let w = std::f64::consts::TAU * hz / rate as f64;
    let n = xs.len() as f64;
    let (mut re, mut im, mut sum) = (0.0, 0.0, 0.0);
    for (i, &x) in xs.iter().enumerate() {
        let hann = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n).cos();
        re += hann * x as f64 * (w * i as f64).cos();
        im -= hann * x as f64 * (w * i as f64).sin();
        sum += hann;
    }
    2.0 * (re * re + im * im).sqrt() / sum
}

/// The weight of frame `i` in a ramp over a block of `n`, exactly as the mixer computes it.
fn w(i: usize, n: usize) -> f32 {
    (i + 1) as f32 / n as f32
}

/// A ramp from `from` to `to` at frame `i` of a block of `n`, exactly as the mixer computes it.
fn ramp(from: f32, to: f32, i: usize, n: usize) -> f32 {
    from + (to - from) * w(i, n)
}

fn add(m: &mut Mixer, leg: u32) {
    m.apply(Command::AddLeg {
        leg: LegId(leg),
        input: SourceSpec::External,
    });
}

fn join(m: &mut Mixer, leg: u32, room: u32, talk: bool, listen: bool) {
    m.apply(Command::Join {
        leg: LegId(leg),
        room: RoomId(room),
        talk,
        listen,
    });
}

fn set_input(m: &mut Mixer, leg: u32, frames: &[f32]) {
    m.input_mut(LegId(leg))
        .expect("leg present")
        .copy_from_slice(frames);
}

fn out(m: &Mixer, leg: u32) -> Vec<f32> {
    m.output(LegId(leg)).expect("leg present").to_vec()
}

/// Frames `[block·k, block·(k+1))` of a sine, for leg inputs.
fn block_of(amp: f32, hz: f64, c: Config, k: u64) -> Vec<f32> {
    sine(amp, hz, c.sample_rate, k * c.block as u64, c.block)
}

#[test]
fn a_leg_never_hears_itself() {
    // Three legs (summed one by one) and seven (four at a time, then one by one): both ways of summing.
    for (c, legs) in configs().map(|c| (c, 3)).chain([
        (Config::default(), 7),
        (
            Config {
                sample_rate: 8_000,
                block: 100,
            },
            7,
        ),
    ]) {
        let mut m = Mixer::new(c);
        let (fa, fb) = (500.0, 1_300.0);
        for leg in 0..legs {
            add(&mut m, leg);
            join(&mut m, leg, 0, true, true);
        }
        let (mut heard_a, mut heard_b, mut heard_c) = (Vec::new(), Vec::new(), Vec::new());
        // A quarter of a second after the join block, so that the two tones are hundreds of bins apart.
        let blocks = (c.sample_rate as usize / 4).div_ceil(c.block) as u64 + 1;
        for k in 0..blocks {
            set_input(&mut m, 0, &block_of(0.25, fa, c, k));
            set_input(&mut m, 1, &block_of(0.25, fb, c, k));
            set_input(&mut m, 2, &vec![0.0; c.block]);
            m.render();
            if k >= 1 {
                heard_a.extend(out(&m, 0));
                heard_b.extend(out(&m, 1));
                heard_c.extend(out(&m, 2));
            }
        }
        let r = c.sample_rate;
        let ctx = format!("{c:?}, {legs} legs");
        // A hears B and not itself; B hears A and not itself; C hears both.
        assert!(
            amplitude(&heard_a, fa, r) < 1e-6,
            "{ctx}: A hears itself at {}",
            amplitude(&heard_a, fa, r)
        );
        assert!(
            (amplitude(&heard_a, fb, r) - 0.25).abs() < 2e-3,
            "{ctx}: {}",
            amplitude(&heard_a, fb, r)
        );
        assert!(amplitude(&heard_b, fb, r) < 1e-6, "{ctx}");
        assert!((amplitude(&heard_b, fa, r) - 0.25).abs() < 2e-3, "{ctx}");
        assert!((amplitude(&heard_c, fa, r) - 0.25).abs() < 2e-3, "{ctx}");
        assert!((amplitude(&heard_c, fb, r) - 0.25).abs() < 2e-3, "{ctx}");
        // Sample by sample, A's output is B's voice up to the rounding of the total.
        let b: Vec<f32> = (1..blocks).flat_map(|k| block_of(0.25, fb, c, k)).collect();
        let err = heard_a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f32, f32::max);
        assert!(err <= 3e-8, "{ctx}: residue {err}");
    }
}

#[test]
fn talk_false_reaches_nobody_and_ramps_out_over_one_block() {
    for c in configs() {
        let n = c.block;
        let mut m = Mixer::new(c);
        for leg in 0..3 {
            add(&mut m, leg);
            join(&mut m, leg, 0, true, true);
        }
        let a = block_of(0.3, 700.0, c, 0);
        set_input(&mut m, 0, &a);
        m.render(); // the join ramp
        m.render();
        // Steady: B and C hear exactly A (their own inputs are silent: total − 0 is the total).
        assert_eq!(out(&m, 1), a);
        assert_eq!(out(&m, 2), a);
        m.apply(Command::SetTalk {
            leg: LegId(0),
            on: false,
        });
        m.render();
        let expect: Vec<f32> = (0..n).map(|i| a[i] * ramp(1.0, 0.0, i, n)).collect();
        assert_eq!(out(&m, 1), expect, "{c:?}: the ramp block");
        assert_eq!(*expect.last().unwrap(), 0.0);
        for _ in 0..3 {
            m.render();
            assert!(
                out(&m, 1).iter().all(|&x| x == 0.0),
                "{c:?}: B still hears A"
            );
            assert!(
                out(&m, 2).iter().all(|&x| x == 0.0),
                "{c:?}: C still hears A"
            );
        }
        // Talk again: a ramp in.
        m.apply(Command::SetTalk {
            leg: LegId(0),
            on: true,
        });
        m.render();
        let expect: Vec<f32> = (0..n).map(|i| a[i] * ramp(0.0, 1.0, i, n)).collect();
        assert_eq!(out(&m, 2), expect, "{c:?}");
        // Its meter still shows it talking while muted (meters measure the input).
        m.apply(Command::SetTalk {
            leg: LegId(0),
            on: false,
        });
        m.render();
        assert!(m.meter(LegId(0)).unwrap().talking);
    }
}

#[test]
fn listen_false_is_exact_silence_after_the_ramp_block() {
    for c in configs() {
        let n = c.block;
        let mut m = Mixer::new(c);
        for leg in 0..2 {
            add(&mut m, leg);
            join(&mut m, leg, 0, true, true);
        }
        let b = block_of(0.4, 440.0, c, 3);
        set_input(&mut m, 1, &b);
        m.render();
        m.render();
        assert_eq!(out(&m, 0), b, "{c:?}: A hears B");
        m.apply(Command::SetListen {
            leg: LegId(0),
            on: false,
        });
        m.render();
        let expect: Vec<f32> = (0..n).map(|i| b[i] * ramp(1.0, 0.0, i, n)).collect();
        assert_eq!(out(&m, 0), expect, "{c:?}: linear ramp");
        for _ in 0..3 {
            m.render();
            assert!(out(&m, 0).iter().all(|&x| x == 0.0), "{c:?}");
            // B is unaffected, and A still talks: B hears nothing of its own.
            assert!(out(&m, 1).iter().all(|&x| x == 0.0), "{c:?}");
        }
        // A joining with listen=false never hears anything, not even during its join block.
        add(&mut m, 2);
        join(&mut m, 2, 0, true, false);
        m.render();
        assert!(out(&m, 2).iter().all(|&x| x == 0.0), "{c:?}");
    }
}

#[test]
fn joining_and_leaving_ramp_linearly_over_exactly_one_block() {
    for c in configs() {
        let n = c.block;
        let mut m = Mixer::new(c);
        add(&mut m, 0);
        add(&mut m, 1);
        join(&mut m, 1, 5, true, true);
        m.render();
        m.render();
        let a = block_of(0.5, 300.0, c, 1);
        set_input(&mut m, 0, &a);
        // Not in the room yet: B hears nothing, A hears nothing.
        m.render();
        assert!(out(&m, 1).iter().all(|&x| x == 0.0));
        assert!(out(&m, 0).iter().all(|&x| x == 0.0));
        join(&mut m, 0, 5, true, true);
        m.render();
        let expect: Vec<f32> = (0..n).map(|i| a[i] * ramp(0.0, 1.0, i, n)).collect();
        assert_eq!(out(&m, 1), expect, "{c:?}: join ramp");
        m.render();
        assert_eq!(out(&m, 1), a, "{c:?}: steady after one block");
        m.apply(Command::Leave { leg: LegId(0) });
        assert_eq!(m.members(RoomId(5)).collect::<Vec<_>>(), vec![LegId(1)]);
        m.render();
        let expect: Vec<f32> = (0..n).map(|i| a[i] * ramp(1.0, 0.0, i, n)).collect();
        assert_eq!(out(&m, 1), expect, "{c:?}: leave ramp");
        m.render();
        assert!(out(&m, 1).iter().all(|&x| x == 0.0));
    }
}

#[test]
fn leaving_and_rejoining_before_the_next_block_changes_nothing() {
    let c = Config::default();
    let mut m = Mixer::new(c);
    for leg in 0..2 {
        add(&mut m, leg);
        join(&mut m, leg, 0, true, true);
    }
    let a = block_of(0.3, 440.0, c, 0);
    let b = block_of(0.2, 660.0, c, 0);
    set_input(&mut m, 0, &a);
    set_input(&mut m, 1, &b);
    m.render();
    m.render();
    let steady = out(&m, 0);
    m.apply(Command::Leave { leg: LegId(0) });
    join(&mut m, 0, 0, true, true);
    m.render();
    assert_eq!(out(&m, 0), steady, "A hears B as before, and never itself");
    assert!(
        out(&m, 1).iter().zip(&a).all(|(x, y)| (x - y).abs() < 1e-7),
        "B hears A"
    );
    assert_eq!(
        m.members(RoomId(0)).collect::<Vec<_>>(),
        vec![LegId(0), LegId(1)]
    );
}

#[test]
fn a_removed_leg_fades_out_of_its_room_and_is_gone() {
    let c = Config::default();
    let n = c.block;
    let mut m = Mixer::new(c);
    for leg in 0..2 {
        add(&mut m, leg);
        join(&mut m, leg, 0, true, true);
    }
    let a = vec![0.25f32; n];
    set_input(&mut m, 0, &a);
    m.render();
    m.apply(Command::RemoveLeg { leg: LegId(0) });
    assert!(m.output(LegId(0)).is_none());
    assert!(m.input_mut(LegId(0)).is_none());
    m.render();
    let expect: Vec<f32> = (0..n).map(|i| 0.25 * ramp(1.0, 0.0, i, n)).collect();
    assert_eq!(out(&m, 1), expect);
    m.render();
    assert!(out(&m, 1).iter().all(|&x| x == 0.0));
    assert_eq!(
        m.try_apply(Command::Leave { leg: LegId(0) }),
        Err(ApplyError::UnknownLeg { leg: 0 })
    );
    // The id can be used again for a new call.
    add(&mut m, 0);
    assert!(m.output(LegId(0)).is_some());
}

#[test]
fn moving_rooms_crossfades_in_one_block() {
    let c = Config {
        sample_rate: 16_000,
        block: 64,
    };
    let n = c.block;
    let mut m = Mixer::new(c);
    for leg in 0..3 {
        add(&mut m, leg);
    }
    join(&mut m, 0, 0, true, true);
    join(&mut m, 1, 0, true, true);
    join(&mut m, 2, 1, true, true);
    let b = vec![0.125f32; n];
    let cc = vec![-0.25f32; n];
    set_input(&mut m, 1, &b);
    set_input(&mut m, 2, &cc);
    m.render();
    m.render();
    assert_eq!(out(&m, 0), b);
    join(&mut m, 0, 1, true, true);
    m.render();
    for i in 0..n {
        let expect = 0.125 * ramp(1.0, 0.0, i, n) + -0.25 * ramp(0.0, 1.0, i, n);
        assert!((out(&m, 0)[i] - expect).abs() < 1e-7, "frame {i}");
    }
    m.render();
    assert_eq!(out(&m, 0), cc);
    assert_eq!(m.members(RoomId(0)).collect::<Vec<_>>(), vec![LegId(1)]);
    assert_eq!(
        m.members(RoomId(1)).collect::<Vec<_>>(),
        vec![LegId(2), LegId(0)]
    );
}

#[test]
fn the_recording_is_the_room_mix() {
    for c in configs() {
        let mut m = Mixer::new(c);
        for leg in 0..3 {
            add(&mut m, leg);
        }
        join(&mut m, 0, 2, true, true);
        join(&mut m, 1, 2, true, false); // a talker that does not listen is recorded
        join(&mut m, 2, 2, false, true); // a listener that does not talk is not
        assert!(m.recording(RoomId(2)).is_none());
        m.apply(Command::Record {
            room: RoomId(2),
            on: true,
        });
        assert!(
            m.recording(RoomId(2)).is_none(),
            "nothing recorded before the next block"
        );
        let mut recorded = 0;
        for k in 0..20 {
            let a = block_of(0.3, 350.0, c, k);
            let b = block_of(0.2, 900.0, c, k);
            let x = block_of(0.4, 1234.0, c, k);
            set_input(&mut m, 0, &a);
            set_input(&mut m, 1, &b);
            set_input(&mut m, 2, &x);
            m.render();
            if k >= 1 {
                let mix: Vec<f32> = a.iter().zip(&b).map(|(a, b)| (0.0 + a) + b).collect();
                assert_eq!(m.recording(RoomId(2)).unwrap(), &mix[..], "{c:?} block {k}");
                recorded += 1;
            }
        }
        assert_eq!(recorded, 19);
        m.apply(Command::Record {
            room: RoomId(2),
            on: false,
        });
        m.render();
        assert!(m.recording(RoomId(2)).is_none());
        assert!(m.recording(RoomId(99)).is_none());
    }
}

#[test]
fn each_listener_is_limited_below_minus_1_dbfs() {
    let c = Config::default();
    let mut m = Mixer::new(c);
    for leg in 0..4 {
        add(&mut m, leg);
        join(&mut m, leg, 0, true, true);
    }
    let mut max = 0.0f32;
    for k in 0..100 {
        for leg in 0..3 {
            // Three loud talkers in phase: 1.8 at the listener before the limiter.
            set_input(&mut m, leg, &block_of(0.6, 200.0, c, k));
        }
        m.render();
        if k > 0 {
            max = out(&m, 3)
                .iter()
                .fold(max, |m, &x| if x.abs() > m { x.abs() } else { m });
        }
    }
    assert!(max <= 0.891_251 * 1.000_01, "peak {max}");
    assert!(max > 0.85, "limited, not muted: {max}");
}

#[test]
fn meters_measure_each_voice_and_gate_with_hangover() {
    let c = Config {
        sample_rate: 8_000,
        block: 160,
    }; // 20 ms blocks: 10 blocks of hangover
    let mut m = Mixer::new(c);
    add(&mut m, 0);
    add(&mut m, 1);
    join(&mut m, 0, 0, true, true);
    // Leg 1 is in no room: metered all the same.
    let square: Vec<f32> = (0..160)
        .map(|i| if i % 2 == 0 { 0.5 } else { -0.5 })
        .collect();
    set_input(&mut m, 0, &square);
    set_input(&mut m, 1, &vec![0.001; 160]);
    m.render();
    let a = m.meter(LegId(0)).unwrap();
    assert_eq!((a.rms, a.peak, a.talking), (0.5, 0.5, true));
    assert_eq!(m.level(LegId(0)), Some((0.5, true)));
    let b = m.meter(LegId(1)).unwrap();
    assert!(
        (b.rms - 0.001).abs() < 1e-8 && b.peak == 0.001 && !b.talking,
        "{b:?}"
    );
    set_input(&mut m, 0, &vec![0.0; 160]);
    for k in 0..10 {
        m.render();
        assert!(m.meter(LegId(0)).unwrap().talking, "hangover block {k}");
    }
    m.render();
    assert!(!m.meter(LegId(0)).unwrap().talking);
    assert!(m.meter(LegId(7)).is_none());
}

#[test]
fn bad_commands_change_nothing_and_say_why() {
    let mut m = Mixer::new(Config::default());
    assert_eq!(
        m.try_apply(Command::Join {
            leg: LegId(3),
            room: RoomId(0),
            talk: true,
            listen: true
        }),
        Err(ApplyError::UnknownLeg { leg: 3 })
    );
    let e = m
        .try_apply(Command::AddLeg {
            leg: LegId(u32::MAX),
            input: SourceSpec::External,
        })
        .unwrap_err();
    assert!(matches!(e, ApplyError::IdTooLarge { what: "leg", .. }));
    assert!(e.to_string().contains("densely"), "{e}");
    add(&mut m, 0);
    let e = m.try_apply(Command::Join {
        leg: LegId(0),
        room: RoomId(1 << 30),
        talk: true,
        listen: true,
    });
    assert!(matches!(
        e,
        Err(ApplyError::IdTooLarge { what: "room", .. })
    ));
    assert!(m.members(RoomId(0)).next().is_none());
    // A zero block length is taken as one frame, and rendering with nothing in the mixer is fine.
    let mut tiny = Mixer::new(Config {
        sample_rate: 0,
        block: 0,
    });
    tiny.render();
    assert_eq!(tiny.config().block, 1);
    let huge = Mixer::new(Config {
        sample_rate: 48_000,
        block: usize::MAX,
    });
    assert_eq!(huge.config().block, conflab_mixer::MAX_BLOCK);
}

#[test]
fn the_player_applies_commands_at_the_first_block_at_or_after_their_frame() {
    let c = Config {
        sample_rate: 8_000,
        block: 100,
    };
    let mut p = Player::new(c);
    p.schedule(
        0,
        Command::AddLeg {
            leg: LegId(0),
            input: SourceSpec::External,
        },
    );
    p.schedule(
        0,
        Command::AddLeg {
            leg: LegId(1),
            input: SourceSpec::External,
        },
    );
    // Scheduled out of order: frame 250 before frame 100; both Join at 100 keep their order.
    p.schedule(
        250,
        Command::SetTalk {
            leg: LegId(0),
            on: false,
        },
    );
    p.schedule(
        100,
        Command::Join {
            leg: LegId(0),
            room: RoomId(0),
            talk: true,
            listen: true,
        },
    );
    p.schedule(
        100,
        Command::Join {
            leg: LegId(1),
            room: RoomId(0),
            talk: true,
            listen: true,
        },
    );
    assert_eq!(p.pending(), 5);
    assert_eq!(p.render_block(), 0);
    assert_eq!(p.pending(), 3);
    p.mixer_mut().input_mut(LegId(0)).unwrap().fill(0.5);
    assert_eq!(p.render_block(), 100); // joins apply: ramp block
    assert_eq!(p.pending(), 1);
    assert_eq!(p.mixer().output(LegId(1)).unwrap()[99], 0.5);
    assert_eq!(p.render_block(), 200); // 250 is not due yet
    assert_eq!(p.mixer().output(LegId(1)).unwrap()[0], 0.5);
    assert_eq!(p.render_block(), 300); // the first block starting at or after 250
    assert_eq!(p.pending(), 0);
    assert_eq!(p.mixer().output(LegId(1)).unwrap()[99], 0.0);
    assert_eq!(p.frame(), 400);
}

#[test]
fn the_player_takes_an_encoded_stream() {
    let mut words = Vec::new();
    Command::AddLeg {
        leg: LegId(0),
        input: SourceSpec::External,
    }
    .encode(0, &mut words);
    Command::Record {
        room: RoomId(0),
        on: true,
    }
    .encode(0, &mut words);
    let mut p = Player::new(Config::default());
    assert_eq!(p.schedule_encoded(&words), Ok(2));
    words.push(7);
    assert!(p.schedule_encoded(&words).is_err());
    assert_eq!(p.pending(), 2, "a malformed stream queues nothing");
    p.render_block();
    assert!(p.mixer().recording(RoomId(0)).is_some());
}

#[test]
fn the_same_commands_give_the_same_bits() {
    let run = || {
        let c = Config {
            sample_rate: 44_100,
            block: 128,
        };
        let mut m = Mixer::new(c);
        let mut all = Vec::new();
        for leg in 0..5 {
            add(&mut m, leg);
            join(&mut m, leg, leg % 2, leg != 3, leg != 1);
        }
        for k in 0..30u64 {
            for leg in 0..5 {
                set_input(
                    &mut m,
                    leg,
                    &block_of(0.2 + leg as f32 * 0.1, 100.0 * (leg + 1) as f64, c, k),
                );
            }
            if k == 10 {
                join(&mut m, 4, 1, true, true);
            }
            m.render();
            for leg in 0..5 {
                all.extend(out(&m, leg).iter().map(|x| x.to_bits()));
            }
        }
        all
    };
    assert_eq!(run(), run());
}

/// `blocks` blocks of a source rendered on its own, as the mixer renders it.
fn source_blocks(spec: &SourceSpec, c: Config, blocks: usize) -> Vec<Vec<f32>> {
    let no_pcm = |_: conflab_mixer::PcmId| None;
    let mut s = conflab_mixer::source::Source::new(spec, c.sample_rate, &no_pcm);
    (0..blocks)
        .map(|_| {
            let mut b = vec![0.0; c.block];
            s.render(&mut b);
            b
        })
        .collect()
}

#[test]
fn wait_music_reaches_listeners_only() {
    for c in [
        Config {
            sample_rate: 8_000,
            block: 64,
        },
        Config {
            sample_rate: 48_000,
            block: 480,
        },
    ] {
        let n = c.block;
        let music = SourceSpec::Music { seed: 5 };
        let expect = source_blocks(&music, c, 12);
        let mut m = Mixer::new(c);
        for leg in 0..4 {
            add(&mut m, leg);
        }
        join(&mut m, 0, 0, true, true); // a listener
        join(&mut m, 1, 0, true, false); // listen=false
        join(&mut m, 2, 0, false, true); // a listener that does not talk
        // Leg 3 is in no room.
        m.apply(Command::Record {
            room: RoomId(0),
            on: true,
        });
        m.render(); // the join ramps
        m.apply(Command::WaitMusic {
            room: RoomId(0),
            source: music.clone(),
            on: true,
        });
        m.render();
        let ramped: Vec<f32> = (0..n)
            .map(|i| 0.0 + expect[0][i] * ramp(0.0, 1.0, i, n))
            .collect();
        assert_eq!(
            out(&m, 0),
            ramped,
            "{c:?}: the music fades in over the first block"
        );
        for (k, block) in expect.iter().enumerate().take(10).skip(1) {
            m.render();
            assert_eq!(&out(&m, 0), block, "{c:?}: block {k}");
            assert_eq!(&out(&m, 2), block, "{c:?}: block {k}");
            assert!(
                out(&m, 1).iter().all(|&x| x == 0.0),
                "{c:?}: listen=false hears no music"
            );
            assert!(
                out(&m, 3).iter().all(|&x| x == 0.0),
                "{c:?}: outside the room, no music"
            );
            assert!(
                m.recording(RoomId(0)).unwrap().iter().all(|&x| x == 0.0),
                "{c:?}: not recorded"
            );
        }
        let rms = (expect[5].iter().map(|x| x * x).sum::<f32>() / n as f32).sqrt();
        assert!(rms > 0.03, "{c:?}: the music is audible ({rms})");
        // Music stops: it fades out over one block, then silence.
        m.apply(Command::WaitMusic {
            room: RoomId(0),
            source: SourceSpec::Silence,
            on: false,
        });
        m.render();
        let fading: Vec<f32> = (0..n)
            .map(|i| 0.0 + expect[10][i] * ramp(1.0, 0.0, i, n))
            .collect();
        assert_eq!(out(&m, 0), fading, "{c:?}");
        m.render();
        assert!(out(&m, 0).iter().all(|&x| x == 0.0));
    }
}

#[test]
fn a_leg_in_no_room_hears_only_its_prompt_and_overlay() {
    let c = Config {
        sample_rate: 16_000,
        block: 128,
    };
    let n = c.block;
    let tone = SourceSpec::Tone { hz: 440.0 };
    let beep = SourceSpec::Beep {
        hz: 1000.0,
        ms: 250,
    };
    let tones = source_blocks(&tone, c, 8);
    let beeps = source_blocks(&beep, c, 8);
    let mut m = Mixer::new(c);
    for leg in 0..3 {
        add(&mut m, leg);
    }
    join(&mut m, 1, 0, true, true);
    join(&mut m, 2, 0, true, true);
    set_input(&mut m, 1, &vec![0.3; n]);
    m.apply(Command::Prompt {
        leg: LegId(0),
        source: tone.clone(),
    });
    m.render();
    let expect: Vec<f32> = (0..n).map(|i| tones[0][i] * ramp(0.0, 1.0, i, n)).collect();
    assert_eq!(out(&m, 0), expect, "the prompt fades in");
    m.render();
    assert_eq!(out(&m, 0), tones[1]);
    // A prompt is for its leg alone: the room does not hear it.
    assert!(out(&m, 2).iter().all(|&x| (x - 0.3).abs() < 1e-7));
    m.apply(Command::Overlay {
        leg: LegId(0),
        source: beep,
    });
    m.render();
    let expect: Vec<f32> = (0..n)
        .map(|i| (0.0 + tones[2][i]) + beeps[0][i] * ramp(0.0, 1.0, i, n))
        .collect();
    assert_eq!(out(&m, 0), expect, "the overlay adds on top");
    m.render();
    let expect: Vec<f32> = (0..n).map(|i| (0.0 + tones[3][i]) + beeps[1][i]).collect();
    assert_eq!(out(&m, 0), expect);
    m.apply(Command::StopPrompt { leg: LegId(0) });
    m.render();
    let expect: Vec<f32> = (0..n)
        .map(|i| (0.0 + tones[4][i] * ramp(1.0, 0.0, i, n)) + beeps[2][i])
        .collect();
    assert_eq!(out(&m, 0), expect, "the prompt fades out, the beep goes on");
    m.render();
    assert_eq!(out(&m, 0), beeps[3]);
}

#[test]
fn the_quick_limiter_path_gives_the_bits_of_the_full_limiter() {
    // Levels that wander across the threshold: the mixer's shortcut (a peak bound, no measuring while the
    // limiter idles) must give exactly what the full limiter gives on total − own.
    use conflab_mixer::{Limiter, LimiterState};
    let c = Config {
        sample_rate: 16_000,
        block: 128,
    };
    let n = c.block;
    // Three legs: the room sums them one by one, in join order, as the reference below does (four or more steady
    // talkers are summed four at a time, in another order).
    let legs = 3;
    let mut m = Mixer::new(c);
    for leg in 0..legs {
        add(&mut m, leg as u32);
        join(&mut m, leg as u32, 0, true, true);
    }
    let mut limiter = Limiter::new(c.sample_rate, n);
    let mut states = vec![LimiterState::default(); legs];
    let mut rng = conflab_mixer::dsp::Rng::new(42);
    let mut limited_blocks = 0;
    for k in 0..300 {
        let amp = if (k / 20) % 2 == 0 { 0.05 } else { 0.6 };
        let inputs: Vec<Vec<f32>> = (0..legs)
            .map(|_| (0..n).map(|_| rng.next_f32() * amp).collect())
            .collect();
        for (leg, x) in inputs.iter().enumerate() {
            set_input(&mut m, leg as u32, x);
        }
        m.render();
        if k == 0 {
            continue; // the join ramp
        }
        let mut total = vec![0.0f32; n];
        for x in &inputs {
            for (t, v) in total.iter_mut().zip(x) {
                *t += v;
            }
        }
        for (leg, x) in inputs.iter().enumerate() {
            let mut expect: Vec<f32> = total.iter().zip(x).map(|(t, v)| t - v).collect();
            limiter.process(&mut states[leg], &mut expect);
            if states[leg].gain() < 1.0 {
                limited_blocks += 1;
            }
            assert_eq!(out(&m, leg as u32), expect, "block {k} leg {leg}");
        }
    }
    assert!(
        limited_blocks > 100,
        "the loud parts were limited ({limited_blocks} blocks)"
    );
}

#[test]
fn a_clip_is_held_at_its_own_rate_and_resampled_as_it_plays() {
    // One second at 8 kHz on a 48 kHz mixer: 8,000 samples held, shared with the driver (the whole-file
    // resample held 48,000 more), and the leg hears it for 48,000 frames.
    let config = Config {
        sample_rate: 48_000,
        block: 480,
    };
    let mut m = Mixer::new(config);
    let decoded: std::sync::Arc<[f32]> = vec![0.25; 8000].into();
    m.apply(Command::LoadPcm {
        pcm: PcmId(0),
        rate: 8000,
        samples: decoded.clone(),
    });
    let clip = m.clip(PcmId(0)).expect("registered");
    assert_eq!((clip.samples().len(), clip.rate()), (8000, 8000));
    assert!(
        std::ptr::eq(clip.samples(), &decoded[..]),
        "the mixer shares the driver's samples, no copy"
    );
    assert!(m.clip(PcmId(1)).is_none());
    m.apply(Command::AddLeg {
        leg: LegId(0),
        input: SourceSpec::Silence,
    });
    m.apply(Command::Prompt {
        leg: LegId(0),
        source: SourceSpec::Pcm {
            pcm: PcmId(0),
            looped: false,
        },
    });
    let mut heard = Vec::new();
    for _ in 0..110 {
        m.render();
        heard.extend_from_slice(m.output(LegId(0)).expect("the leg"));
    }
    let last = heard.iter().rposition(|&x| x != 0.0).expect("it played");
    assert_eq!(
        last + 1,
        48_000,
        "the clip lasts one second at the mixer's rate"
    );
    // (The first block ramps the prompt in.)
    assert!(
        heard[480..48_000].iter().all(|&x| x > 0.2),
        "0.25 DC throughout"
    );
}
