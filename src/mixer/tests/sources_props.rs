//! Properties of the sources over generated specs: any block split gives the same samples, one-shots end
//! exactly when `remaining()` said they would, the deterministic math tracks std's, the resampler keeps
//! lengths and bounds, and a clip resampled as it plays is bit for bit the clip resampled whole.

use conflab_mixer::dsp::{Rng, db_to_gain, exp, sin_phase, sin_turns};
use conflab_mixer::source::{Clip, Source, resample_linear};
use conflab_mixer::{PcmId, SourceSpec};
use proptest::prelude::*;

fn no_pcm(_: PcmId) -> Option<Clip> {
    None
}

fn spec() -> impl Strategy<Value = SourceSpec> {
    prop_oneof![
        (20.0f32..3000.0).prop_map(|hz| SourceSpec::Tone { hz }),
        ("[a-z0-9 ]{0,20}", any::<bool>())
            .prop_map(|(text, looped)| SourceSpec::Speech { text, looped }),
        (any::<u64>(), 0u32..1500, 0u32..1500, "[a-z ]{0,12}").prop_map(
            |(seed, talk_ms, silence_ms, text)| SourceSpec::Talker {
                seed,
                talk_ms,
                silence_ms,
                text
            }
        ),
        any::<u64>().prop_map(|seed| SourceSpec::Music { seed }),
        (100.0f32..3000.0, 1u32..400).prop_map(|(hz, ms)| SourceSpec::Beep { hz, ms }),
        ("[0-9*#A-Dx]{0,4}", 0u32..1000)
            .prop_map(|(digits, slot_ms)| SourceSpec::Dtmf { digits, slot_ms }),
    ]
}

fn render_split(spec: &SourceSpec, rate: u32, blocks: &[usize]) -> Vec<f32> {
    let mut s = Source::new(spec, rate, &no_pcm);
    let total: usize = blocks.iter().sum();
    let mut out = vec![0.0f32; total];
    let mut at = 0;
    for &n in blocks {
        s.render(&mut out[at..at + n]);
        at += n;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_block_split_gives_the_same_samples(
        spec in spec(),
        rate in prop::sample::select(vec![8000u32, 16_000, 44_100, 48_000]),
        blocks in prop::collection::vec(1usize..700, 1..40),
    ) {
        let total: usize = blocks.iter().sum();
        let whole = render_split(&spec, rate, &[total]);
        let split = render_split(&spec, rate, &blocks);
        prop_assert!(whole == split, "{:?} at {} Hz split {:?}", spec, rate, blocks);
        prop_assert!(whole.iter().all(|x| x.is_finite() && x.abs() < 1.0));
    }

    #[test]
    fn one_shots_end_exactly_when_remaining_says(
        spec in prop_oneof![
            "[a-z ]{0,12}".prop_map(|text| SourceSpec::Speech { text, looped: false }),
            (100.0f32..3000.0, 0u32..300).prop_map(|(hz, ms)| SourceSpec::Beep { hz, ms }),
            ("[0-9#x]{0,3}", 0u32..700).prop_map(|(digits, slot_ms)| SourceSpec::Dtmf { digits, slot_ms }),
        ],
        rate in prop::sample::select(vec![8000u32, 44_100]),
        block in 1usize..500,
    ) {
        let mut s = Source::new(&spec, rate, &no_pcm);
        let length = s.remaining().expect("a one-shot has a length");
        let mut out = vec![0.0f32; block];
        let mut rendered = 0u64;
        loop {
            let alive = s.render(&mut out);
            let before = rendered;
            rendered += block as u64;
            if !alive {
                // It ended inside this block: its length falls in it, and the rest of the block is silence.
                prop_assert!(before <= length && length <= rendered, "{:?}: length {} not in {}..{}", spec, length, before, rendered);
                let played = (length - before) as usize;
                prop_assert!(out[played..].iter().all(|&x| x == 0.0));
                break;
            }
            prop_assert_eq!(s.remaining(), Some(length - rendered));
        }
        prop_assert_eq!(s.remaining(), Some(0));
    }

    #[test]
    fn a_talker_talks_and_pauses_for_exactly_its_lengths(
        seed in any::<u64>(),
        talk_ms in 30u32..700,
        silence_ms in 30u32..700,
        text in "[a-z]{1,6}( [a-z]{1,6}){0,3}",
        rate in prop::sample::select(vec![8000u32, 16_000]),
    ) {
        let spec = |text: &str| SourceSpec::Talker { seed, talk_ms, silence_ms, text: text.to_owned() };
        let talk = (talk_ms * rate / 1000) as usize;
        let pause = (silence_ms * rate / 1000) as usize;
        let cycle = talk + pause;
        let frames = pause + 3 * cycle + 1;
        let noise = render_split(&spec(""), rate, &[frames]);
        // The seeded first pause is 0 to silence_ms; then talk and pause alternate with no jitter.
        let first = noise.iter().position(|&x| x != 0.0).expect("it talks");
        prop_assert!(first <= pause, "first pause of {} frames, longer than {}", first, pause);
        for k in 0..3 {
            let start = first + k * cycle;
            let end = start + talk;
            // Noise syllables: the stretch's first and last frames sound (20 ms fades, never at 0).
            prop_assert!(noise[start] != 0.0 && noise[end - 1] != 0.0, "talk {} is shorter", k);
            prop_assert!(noise[end..end + pause].iter().all(|&x| x == 0.0), "pause {} is not silent", k);
        }
        // Text changes what is said, not when: the reading sounds only inside the same stretches (it may be
        // silent in some, in a plosive's closure or a gap between words).
        let read = render_split(&spec(&text), rate, &[frames]);
        prop_assert!(noise.iter().zip(&read).all(|(&n, &r)| n != 0.0 || r == 0.0));
        prop_assert!(read.iter().any(|&x| x != 0.0) || talk_ms < 400);
    }

    #[test]
    fn sin_exp_and_decibels_track_std(phase in any::<u32>(), turns in -4.0f32..4.0, x in -80.0f32..80.0, db in -120.0f32..20.0) {
        let want = (phase as f64 / 4_294_967_296.0 * std::f64::consts::TAU).sin();
        prop_assert!((sin_phase(phase) as f64 - want).abs() < 1e-6);
        let want = (turns as f64 * std::f64::consts::TAU).sin();
        prop_assert!((sin_turns(turns) as f64 - want).abs() < 1e-6);
        let want = (x as f64).exp();
        prop_assert!(((exp(x) as f64 - want) / want).abs() < 2e-7);
        let want = 10f64.powf(db as f64 / 20.0);
        prop_assert!(((db_to_gain(db) as f64 - want) / want).abs() < 2e-7);
    }

    #[test]
    fn rng_stays_in_range(seed in any::<u64>(), lo in 0u32..1000, span in 0u32..1000) {
        let mut r = Rng::new(seed);
        for _ in 0..100 {
            let f = r.next_f32();
            prop_assert!((-1.0..1.0).contains(&f));
            let k = r.range_u32(lo, lo + span);
            prop_assert!(lo <= k && k <= lo + span);
        }
    }

    #[test]
    fn resampling_keeps_length_and_bounds(
        samples in prop::collection::vec(-1.0f32..1.0, 1..300),
        from in prop::sample::select(vec![8000u32, 11_025, 16_000, 22_050, 44_100, 48_000]),
        to in prop::sample::select(vec![8000u32, 16_000, 44_100, 48_000]),
    ) {
        let out = resample_linear(&samples, from, to);
        let want = (samples.len() as u64 * to as u64 + from as u64 / 2) / from as u64;
        prop_assert_eq!(out.len() as u64, want);
        let lo = samples.iter().fold(f32::MAX, |m, &x| if x < m { x } else { m });
        let hi = samples.iter().fold(f32::MIN, |m, &x| if x > m { x } else { m });
        prop_assert!(out.iter().all(|&y| lo - 1e-6 <= y && y <= hi + 1e-6));
        if !out.is_empty() {
            prop_assert_eq!(out[0], samples[0]);
        }
    }

    #[test]
    fn a_clip_resampled_as_it_plays_is_the_clip_resampled_whole(
        samples in prop::collection::vec(-1.0f32..1.0, 0..300),
        from in prop::sample::select(vec![1u32, 8000, 11_025, 16_000, 22_050, 44_100, 48_000, 192_000]),
        to in prop::sample::select(vec![8000u32, 16_000, 44_100, 48_000]),
        looped in any::<bool>(),
        blocks in prop::collection::vec(1usize..700, 1..12),
    ) {
        let whole = resample_linear(&samples, from, to);
        let clip = Clip::new(samples.clone(), from);
        let spec = SourceSpec::Pcm { pcm: PcmId(0), looped };
        let mut s = Source::new(&spec, to, &|_| Some(clip.clone()));
        prop_assert_eq!(s.remaining(), if looped { None } else { Some(whole.len() as u64) });
        let total: usize = blocks.iter().sum();
        let mut out = vec![f32::NAN; total];
        let mut at = 0;
        let mut playing = true;
        for &n in &blocks {
            playing = s.render(&mut out[at..at + n]);
            at += n;
        }
        // Looped: the whole resample again and again (a pass restarts at output frame 0); once: then silence.
        let want: Vec<f32> = if looped && !whole.is_empty() {
            whole.iter().cycle().take(total).copied().collect()
        } else {
            whole.iter().copied().chain(std::iter::repeat(0.0)).take(total).collect()
        };
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&out), bits(&want));
        prop_assert_eq!(playing, looped || total < whole.len());
    }
}
