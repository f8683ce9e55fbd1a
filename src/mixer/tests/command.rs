//! The word encoding of commands: every command and source spec round-trips, and malformed streams fail with the
//! precise error and word offset.

use conflab_mixer::{Command, DecodeError, LegId, PcmId, RoomId, SourceSpec};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Any Unicode, including multi-byte characters and lengths that are not multiples of four.
    proptest::collection::vec(any::<char>(), 0..13).prop_map(|cs| cs.into_iter().collect())
}

fn finite() -> impl Strategy<Value = f32> {
    prop_oneof![
        -1e6f32..1e6,
        Just(0.0),
        Just(-0.0),
        Just(f32::MIN_POSITIVE),
        Just(f32::MAX)
    ]
}

fn spec() -> impl Strategy<Value = SourceSpec> {
    prop_oneof![
        Just(SourceSpec::Silence),
        Just(SourceSpec::External),
        finite().prop_map(|hz| SourceSpec::Tone { hz }),
        (any::<u32>(), any::<bool>()).prop_map(|(p, looped)| SourceSpec::Pcm {
            pcm: PcmId(p),
            looped
        }),
        (text(), any::<bool>()).prop_map(|(text, looped)| SourceSpec::Speech { text, looped }),
        (any::<u64>(), any::<u32>(), any::<u32>(), text()).prop_map(
            |(seed, talk_ms, silence_ms, text)| SourceSpec::Talker {
                seed,
                talk_ms,
                silence_ms,
                text
            }
        ),
        any::<u64>().prop_map(|seed| SourceSpec::Music { seed }),
        (finite(), any::<u32>()).prop_map(|(hz, ms)| SourceSpec::Beep { hz, ms }),
        (text(), any::<u32>()).prop_map(|(digits, slot_ms)| SourceSpec::Dtmf { digits, slot_ms }),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    let leg = any::<u32>().prop_map(LegId);
    let room = any::<u32>().prop_map(RoomId);
    prop_oneof![
        (
            any::<u32>(),
            any::<u32>(),
            proptest::collection::vec(finite(), 0..20)
        )
            .prop_map(|(p, rate, samples)| Command::LoadPcm {
                pcm: PcmId(p),
                rate,
                samples: samples.into(),
            }),
        (leg.clone(), spec()).prop_map(|(leg, input)| Command::AddLeg { leg, input }),
        leg.clone().prop_map(|leg| Command::RemoveLeg { leg }),
        (leg.clone(), room.clone(), any::<bool>(), any::<bool>()).prop_map(
            |(leg, room, talk, listen)| Command::Join {
                leg,
                room,
                talk,
                listen
            }
        ),
        leg.clone().prop_map(|leg| Command::Leave { leg }),
        (leg.clone(), any::<bool>()).prop_map(|(leg, on)| Command::SetTalk { leg, on }),
        (leg.clone(), any::<bool>()).prop_map(|(leg, on)| Command::SetListen { leg, on }),
        (leg.clone(), spec()).prop_map(|(leg, source)| Command::Prompt { leg, source }),
        leg.clone().prop_map(|leg| Command::StopPrompt { leg }),
        (leg, spec()).prop_map(|(leg, source)| Command::Overlay { leg, source }),
        (room.clone(), spec(), any::<bool>()).prop_map(|(room, source, on)| Command::WaitMusic {
            room,
            source,
            on
        }),
        (room, any::<bool>()).prop_map(|(room, on)| Command::Record { room, on }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_command_round_trips(frame in any::<u64>(), c in command()) {
        let mut words = Vec::new();
        c.encode(frame, &mut words);
        let (f, d, used) = Command::decode(&words).unwrap();
        prop_assert_eq!(f, frame);
        prop_assert_eq!(used, words.len());
        prop_assert_eq!(d, c);
    }

    #[test]
    fn streams_round_trip(cs in proptest::collection::vec((any::<u64>(), command()), 0..8)) {
        let mut words = Vec::new();
        for (f, c) in &cs {
            c.encode(*f, &mut words);
        }
        prop_assert_eq!(Command::decode_all(&words).unwrap(), cs);
    }

    #[test]
    fn every_strict_prefix_is_truncated(frame in any::<u64>(), c in command()) {
        let mut words = Vec::new();
        c.encode(frame, &mut words);
        for cut in 0..words.len() {
            let e = Command::decode(&words[..cut]).unwrap_err();
            // A cut inside a text can leave valid words that are not UTF-8 only if bytes are missing, which is
            // reported as truncation before any decoding of the text.
            prop_assert_eq!(e, DecodeError::Truncated { at: 0 });
        }
    }

    #[test]
    fn arbitrary_words_never_panic(words in proptest::collection::vec(any::<u32>(), 0..40)) {
        let _ = Command::decode(&words);
        let _ = Command::decode_all(&words);
    }
}

/// The words of `c` at frame `f`.
fn words(f: u64, c: &Command) -> Vec<u32> {
    let mut w = Vec::new();
    c.encode(f, &mut w);
    w
}

#[test]
fn layout_is_as_documented() {
    let c = Command::Join {
        leg: LegId(7),
        room: RoomId(3),
        talk: true,
        listen: false,
    };
    assert_eq!(words(0x1_0000_0002, &c), vec![2, 1, 4, 7, 3, 1, 0]);
    let c = Command::Prompt {
        leg: LegId(1),
        source: SourceSpec::Speech {
            text: "hello".into(),
            looped: true,
        },
    };
    // "hell" = 68 65 6c 6c little-endian, "o" padded with zeros.
    assert_eq!(words(5, &c), vec![5, 0, 8, 1, 5, 5, 0x6c6c_6568, 0x6f, 1]);
    let c = Command::AddLeg {
        leg: LegId(2),
        input: SourceSpec::Tone { hz: 440.0 },
    };
    assert_eq!(words(0, &c), vec![0, 0, 2, 2, 3, 440.0f32.to_bits()]);
    let c = Command::LoadPcm {
        pcm: PcmId(9),
        rate: 8000,
        samples: vec![0.5, -1.0].into(),
    };
    assert_eq!(
        words(0, &c),
        vec![0, 0, 1, 9, 8000, 2, 0.5f32.to_bits(), (-1.0f32).to_bits()]
    );
}

#[test]
fn truncated_names_the_command_start() {
    let mut w = words(1, &Command::Leave { leg: LegId(1) });
    let second = w.len();
    w.extend(words(
        2,
        &Command::SetTalk {
            leg: LegId(1),
            on: true,
        },
    ));
    w.pop();
    assert_eq!(
        Command::decode_all(&w),
        Err(DecodeError::Truncated { at: second })
    );
    // An empty stream is not a command.
    assert_eq!(Command::decode(&[]), Err(DecodeError::Truncated { at: 0 }));
    // A text length far beyond the stream is truncation, found before anything is allocated for it.
    assert_eq!(
        Command::decode(&[0, 0, 8, 1, 5, u32::MAX]),
        Err(DecodeError::Truncated { at: 0 })
    );
    assert_eq!(
        Command::decode(&[0, 0, 1, 1, 8000, u32::MAX, 0]),
        Err(DecodeError::Truncated { at: 0 })
    );
}

#[test]
fn unknown_tags_name_their_word() {
    assert_eq!(
        Command::decode(&[0, 0, 99]),
        Err(DecodeError::UnknownTag { at: 2, tag: 99 })
    );
    assert_eq!(
        Command::decode(&[0, 0, 0]),
        Err(DecodeError::UnknownTag { at: 2, tag: 0 })
    );
    // An unknown source tag inside AddLeg: word 4.
    assert_eq!(
        Command::decode(&[0, 0, 2, 1, 42]),
        Err(DecodeError::UnknownTag { at: 4, tag: 42 })
    );
    // In a stream, offsets count from the stream's start.
    let mut w = words(0, &Command::Leave { leg: LegId(1) });
    let at = w.len();
    w.extend([0, 0, 13]);
    assert_eq!(
        Command::decode_all(&w),
        Err(DecodeError::UnknownTag {
            at: at + 2,
            tag: 13
        })
    );
}

#[test]
fn bad_utf8_names_the_text() {
    // Dtmf with two bytes 0xff 0xfe: not UTF-8. The text's length word is word 5.
    let w = [0, 0, 10, 4, 9, 2, 0xfeff];
    assert_eq!(Command::decode(&w), Err(DecodeError::BadText { at: 5 }));
    // A multi-byte character cut by the length.
    let mut ok = words(
        0,
        &Command::Overlay {
            leg: LegId(4),
            source: SourceSpec::Dtmf {
                digits: "é".into(),
                slot_ms: 500,
            },
        },
    );
    ok[5] = 1; // keep only the first byte of the two-byte "é"
    assert_eq!(Command::decode(&ok), Err(DecodeError::BadText { at: 5 }));
}

#[test]
fn flags_are_zero_or_one() {
    assert_eq!(
        Command::decode(&[0, 0, 6, 1, 2]),
        Err(DecodeError::BadFlag { at: 4, value: 2 })
    );
    assert_eq!(
        Command::decode(&[0, 0, 12, 1, 1]).map(|(_, c, _)| c),
        Ok(Command::Record {
            room: RoomId(1),
            on: true
        })
    );
}

#[test]
fn errors_explain_the_fix() {
    let e = DecodeError::Truncated { at: 12 }.to_string();
    assert!(e.contains("word 12") && e.contains("whole commands"), "{e}");
    let e = DecodeError::UnknownTag { at: 3, tag: 77 }.to_string();
    assert!(e.contains("tag 77") && e.contains("word 3"), "{e}");
    let e = DecodeError::BadText { at: 5 }.to_string();
    assert!(e.contains("not UTF-8"), "{e}");
}
