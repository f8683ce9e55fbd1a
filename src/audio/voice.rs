//! What a phone says (its scenario `media`) as a mixer source, and the seeds derived from the scenario seed.

use super::translate::Translator;
use crate::scenario::Media;
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
/// looped, `talker` → speech-like bursts seeded from the scenario seed and the phone.
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
        Media::Talker(_) => SourceSpec::Talker {
            seed: seed_for(seed, phone),
        },
    }
}
