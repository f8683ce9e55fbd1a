//! What a phone says (its scenario `media`) as a mixer source, and the seeds derived from the scenario seed.

use super::translate::Translator;
use crate::scenario::{Media, Talker};
use conflab_mixer::SourceSpec;

/// A seed for `name` (a phone number, a conference id) under the scenario `seed`: FNV-1a of the name mixed
/// with the seed through SplitMix64's finaliser, so every phone's talker and every room's music differ but a
/// replay gives the same sound.
pub fn seed_for(seed: u64, name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = seed ^ h;
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The source for phone `phone`'s `media`: `tone` → a −12 dBFS sine, `silence` → nothing, `file` → the clip
/// `translator` loaded under the file's path (looped; silence if it was not loaded), `speech` → the synthesiser,
/// looped, `talker` → [`talker_voice`] seeded from the scenario seed and the phone.
pub fn phone_voice(media: &Media, seed: u64, phone: &str, translator: &Translator) -> SourceSpec {
    match media {
        Media::Silence => SourceSpec::Silence,
        Media::Tone { hz } => SourceSpec::Tone { hz: *hz as f32 },
        Media::File { path } => match translator.clip(path) {
            Some(pcm) => SourceSpec::Pcm { pcm, looped: true },
            None => SourceSpec::Silence,
        },
        Media::Speech { text } => SourceSpec::Speech {
            text: text.clone(),
            looped: true,
        },
        Media::Talker(talker) => talker_voice(talker, seed_for(seed, phone)),
    }
}

/// The mixer's talker for a scenario `talker` (`{"talkMs", "silenceMs", "text"}`): exactly those lengths of talk
/// and silence, the text read in the talk stretches (noise syllables without one), and `seed` for the first
/// pause and the syllables (see `conflab_mixer::source::talker`). The UI's simulated participants use
/// `Talker::default()`, the scenario's defaults. Lengths beyond `u32::MAX` ms (49 days) are clamped to it.
pub fn talker_voice(talker: &Talker, seed: u64) -> SourceSpec {
    let ms = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    SourceSpec::Talker {
        seed,
        talk_ms: ms(talker.talk_ms),
        silence_ms: ms(talker.silence_ms),
        text: talker.text.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_talker_keeps_its_lengths_and_text() {
        let talker = Talker {
            text: Some("can you hear me".into()),
            talk_ms: 1200,
            silence_ms: 800,
        };
        assert_eq!(
            talker_voice(&talker, 42),
            SourceSpec::Talker {
                seed: 42,
                talk_ms: 1200,
                silence_ms: 800,
                text: "can you hear me".into(),
            }
        );
        // The defaults (the UI's simulated participants): 2 s of noise syllables, 2 s of silence.
        assert_eq!(
            talker_voice(&Talker::default(), 7),
            SourceSpec::Talker {
                seed: 7,
                talk_ms: 2000,
                silence_ms: 2000,
                text: String::new(),
            }
        );
        // Beyond the mixer's u32 milliseconds (49 days): clamped, not wrapped round to a short stretch.
        let long = Talker {
            text: None,
            talk_ms: u64::from(u32::MAX) + 5,
            silence_ms: 1 << 40,
        };
        assert!(matches!(
            talker_voice(&long, 0),
            SourceSpec::Talker {
                talk_ms: u32::MAX,
                silence_ms: u32::MAX,
                ..
            }
        ));
    }
}
