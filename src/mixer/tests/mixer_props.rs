//! Properties of the mixer over random command sequences (valid or not): it never panics, every output stays
//! finite and at or below the limiter's ceiling, a leg alone in its room hears nothing of itself, and the same
//! sequence gives the same bits twice.

use conflab_mixer::{Command, Config, LegId, Mixer, PcmId, RoomId, SourceSpec};
use proptest::prelude::*;

/// −1 dBFS, the limiter's ceiling, with room for rounding.
const CEILING: f32 = 0.891_251 * 1.000_01;

#[derive(Clone, Debug)]
enum Step {
    Apply(Command),
    /// Renders this many blocks, the external inputs filled with a square wave of this amplitude.
    Render(u8, f32),
}

fn spec() -> impl Strategy<Value = SourceSpec> {
    prop_oneof![
        Just(SourceSpec::Silence),
        Just(SourceSpec::External),
        (100.0f32..3000.0).prop_map(|hz| SourceSpec::Tone { hz }),
        any::<bool>().prop_map(|looped| SourceSpec::Pcm {
            pcm: PcmId(0),
            looped
        }),
        Just(SourceSpec::Speech {
            text: "hi".into(),
            looped: false
        }),
        any::<u64>().prop_map(|seed| SourceSpec::Talker {
            seed,
            talk_ms: 2000,
            silence_ms: 2000,
            text: String::new()
        }),
        any::<u64>().prop_map(|seed| SourceSpec::Music { seed }),
        (200.0f32..2000.0, 10u32..300).prop_map(|(hz, ms)| SourceSpec::Beep { hz, ms }),
        Just(SourceSpec::Dtmf {
            digits: "1#".into(),
            slot_ms: 500
        }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    // Ids slightly beyond what is added, so unknown legs and fresh rooms happen too.
    let leg = (0u32..7).prop_map(LegId);
    let room = (0u32..3).prop_map(RoomId);
    prop_oneof![
        3 => (leg.clone(), spec()).prop_map(|(leg, input)| Step::Apply(Command::AddLeg { leg, input })),
        1 => leg.clone().prop_map(|leg| Step::Apply(Command::RemoveLeg { leg })),
        4 => (leg.clone(), room.clone(), any::<bool>(), any::<bool>())
            .prop_map(|(leg, room, talk, listen)| Step::Apply(Command::Join { leg, room, talk, listen })),
        1 => leg.clone().prop_map(|leg| Step::Apply(Command::Leave { leg })),
        1 => (leg.clone(), any::<bool>()).prop_map(|(leg, on)| Step::Apply(Command::SetTalk { leg, on })),
        1 => (leg.clone(), any::<bool>()).prop_map(|(leg, on)| Step::Apply(Command::SetListen { leg, on })),
        1 => (leg.clone(), spec()).prop_map(|(leg, source)| Step::Apply(Command::Prompt { leg, source })),
        1 => leg.clone().prop_map(|leg| Step::Apply(Command::StopPrompt { leg })),
        1 => (leg, spec()).prop_map(|(leg, source)| Step::Apply(Command::Overlay { leg, source })),
        1 => (room.clone(), spec(), any::<bool>())
            .prop_map(|(room, source, on)| Step::Apply(Command::WaitMusic { room, source, on })),
        1 => (room, any::<bool>()).prop_map(|(room, on)| Step::Apply(Command::Record { room, on })),
        4 => (1u8..4, 0.0f32..1.5).prop_map(|(blocks, amp)| Step::Render(blocks, amp)),
    ]
}

/// Runs the steps; returns every output and recording sample's bits, checking the invariants on the way.
fn run(steps: &[Step], config: Config) -> Result<Vec<u32>, TestCaseError> {
    let mut m = Mixer::new(config);
    m.apply(Command::LoadPcm {
        pcm: PcmId(0),
        rate: config.sample_rate,
        samples: vec![0.5, -0.5, 0.25, -0.25, 0.0].into(),
    });
    let mut bits = Vec::new();
    for step in steps {
        match step {
            Step::Apply(c) => {
                let _ = m.try_apply(c.clone());
            }
            Step::Render(blocks, amp) => {
                for _ in 0..*blocks {
                    for leg in 0..7 {
                        if let Some(input) = m.input_mut(LegId(leg)) {
                            for (i, x) in input.iter_mut().enumerate() {
                                *x = if i % 2 == 0 { *amp } else { -*amp };
                            }
                        }
                    }
                    m.render();
                    for leg in 0..7 {
                        if let Some(out) = m.output(LegId(leg)) {
                            for &x in out {
                                prop_assert!(
                                    x.is_finite() && x.abs() <= CEILING,
                                    "leg {leg} heard {x}"
                                );
                                bits.push(x.to_bits());
                            }
                        }
                    }
                    for room in 0..3 {
                        if let Some(rec) = m.recording(RoomId(room)) {
                            for &x in rec {
                                prop_assert!(
                                    x.is_finite() && x.abs() <= CEILING,
                                    "room {room} recorded {x}"
                                );
                                bits.push(x.to_bits());
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(bits)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn outputs_stay_finite_below_the_ceiling_and_repeat(
        steps in proptest::collection::vec(step(), 1..40),
        block in prop_oneof![Just(16usize), Just(100), Just(128)],
    ) {
        let config = Config { sample_rate: 8_000, block };
        let first = run(&steps, config)?;
        let second = run(&steps, config)?;
        prop_assert_eq!(first, second);
    }
}

#[test]
fn a_leg_alone_in_its_room_hears_nothing_of_itself() {
    // Loud input (limited) and quiet input, every block length: total − self is exactly zero for a lone talker.
    for block in [16, 100, 128, 480] {
        let mut m = Mixer::new(Config {
            sample_rate: 16_000,
            block,
        });
        m.apply(Command::AddLeg {
            leg: LegId(0),
            input: SourceSpec::External,
        });
        m.apply(Command::Join {
            leg: LegId(0),
            room: RoomId(0),
            talk: true,
            listen: true,
        });
        for k in 0..20 {
            let amp = if k % 2 == 0 { 1.5 } else { 0.01 };
            m.input_mut(LegId(0)).unwrap().fill(amp);
            m.render();
            assert!(
                m.output(LegId(0)).unwrap().iter().all(|&x| x == 0.0),
                "block {block}, step {k}"
            );
        }
    }
}
