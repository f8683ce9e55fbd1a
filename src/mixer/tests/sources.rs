//! The sources through their public API: lengths, levels, frequencies, determinism, block-size independence and
//! click-free edges.

use std::sync::Arc;

use conflab_mixer::source::{Clip, Source, resample_linear};
use conflab_mixer::{PcmId, SourceSpec};

/// −12 dBFS as a linear amplitude.
const MINUS_12_DB: f32 = 0.251_188_64;

fn no_pcm(_: PcmId) -> Option<Clip> {
    None
}

fn source(spec: &SourceSpec, rate: u32) -> Source {
    Source::new(spec, rate, &no_pcm)
}

/// `frames` frames of `spec` rendered in blocks of `block`, and what the last `render` returned.
fn render(spec: &SourceSpec, rate: u32, frames: usize, block: usize) -> (Vec<f32>, bool) {
    let mut s = source(spec, rate);
    let mut out = vec![0.0f32; frames];
    let mut alive = true;
    for chunk in out.chunks_mut(block) {
        alive = s.render(chunk);
    }
    (out, alive)
}

fn rms(xs: &[f32]) -> f32 {
    let sum: f64 = xs.iter().map(|&x| x as f64 * x as f64).sum();
    (sum / xs.len() as f64).sqrt() as f32
}

fn peak(xs: &[f32]) -> f32 {
    xs.iter()
        .fold(0.0f32, |m, &x| if x.abs() > m { x.abs() } else { m })
}

fn max_step(xs: &[f32]) -> f32 {
    xs.windows(2).fold(0.0f32, |m, w| {
        let d = (w[1] - w[0]).abs();
        if d > m { d } else { m }
    })
}

/// Amplitude of the `hz` component of `xs` (Goertzel; a full-scale sine of that frequency gives ~1).
fn goertzel(xs: &[f32], hz: f32, rate: u32) -> f32 {
    let w = 2.0 * std::f64::consts::PI * hz as f64 / rate as f64;
    let c = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in xs {
        let s = x as f64 + c * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    let power = s1 * s1 + s2 * s2 - c * s1 * s2;
    (2.0 * power.sqrt() / xs.len() as f64) as f32
}

fn zero_crossings(xs: &[f32]) -> usize {
    xs.windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count()
}

fn every_kind() -> Vec<SourceSpec> {
    vec![
        SourceSpec::Silence,
        SourceSpec::External,
        SourceSpec::Tone { hz: 440.0 },
        SourceSpec::Pcm {
            pcm: PcmId(1),
            looped: true,
        },
        SourceSpec::Speech {
            text: "Welcome to the conference 42".into(),
            looped: true,
        },
        SourceSpec::Speech {
            text: "one two".into(),
            looped: false,
        },
        SourceSpec::Talker {
            seed: 7,
            talk_ms: 2000,
            silence_ms: 2000,
            text: String::new(),
        },
        // Short stretches (many seeks of the text within the 3 s) and one that cuts a word.
        SourceSpec::Talker {
            seed: 7,
            talk_ms: 700,
            silence_ms: 300,
            text: "hello there caller".into(),
        },
        SourceSpec::Music { seed: 3 },
        SourceSpec::Beep {
            hz: 1000.0,
            ms: 250,
        },
        SourceSpec::Dtmf {
            digits: "12#A".into(),
            slot_ms: 500,
        },
        SourceSpec::Dtmf {
            digits: "9*".into(),
            slot_ms: 130,
        },
    ]
}

#[test]
fn every_kind_is_independent_of_the_block_size() {
    let clip: Arc<[f32]> = (0..333).map(|i| (i as f32 / 333.0) - 0.5).collect();
    let lookup = move |id: PcmId| {
        if id == PcmId(1) {
            Some(Clip::new(clip.clone(), 16_000))
        } else {
            None
        }
    };
    let rate = 16_000;
    let frames = 3 * rate as usize; // covers a talker stretch change, a chord change, a speech loop
    for spec in every_kind() {
        let run = |block: usize| {
            let mut s = Source::new(&spec, rate, &lookup);
            let mut out = vec![0.0f32; frames];
            // Irregular blocks too: a block size must not matter even when it changes.
            let mut at = 0;
            let mut k = 0;
            while at < frames {
                let n = if block == 0 {
                    [1, 7, 128, 333, 64][k % 5]
                } else {
                    block
                };
                let end = (at + n).min(frames);
                s.render(&mut out[at..end]);
                at = end;
                k += 1;
            }
            (out, s.remaining())
        };
        let (reference, remaining) = run(128);
        for block in [1, 480, 0] {
            let (other, rem) = run(block);
            assert!(
                reference == other,
                "{spec:?}: blocks of {block} differ from blocks of 128"
            );
            assert_eq!(rem, remaining, "{spec:?}");
        }
    }
}

#[test]
fn silence_and_external_are_silent_forever() {
    for spec in [SourceSpec::Silence, SourceSpec::External] {
        let mut s = source(&spec, 8000);
        let mut out = vec![1.0f32; 256];
        assert!(s.render(&mut out));
        assert!(out.iter().all(|&x| x == 0.0));
        assert_eq!(s.remaining(), None);
    }
    assert!(source(&SourceSpec::External, 8000).is_external());
    assert!(!source(&SourceSpec::Silence, 8000).is_external());
}

#[test]
fn tone_is_a_minus_12_dbfs_sine_at_its_frequency() {
    for rate in [8000, 16_000, 44_100, 48_000] {
        let (out, alive) = render(&SourceSpec::Tone { hz: 440.0 }, rate, rate as usize, 128);
        assert!(alive);
        // 440 Hz for one second: 880 sign changes (±1 for where the second starts and ends).
        let zc = zero_crossings(&out);
        assert!((879..=881).contains(&zc), "{rate} Hz: {zc} crossings");
        assert!(
            (peak(&out) - MINUS_12_DB).abs() < 2e-3,
            "{rate}: peak {}",
            peak(&out)
        );
        let want_rms = MINUS_12_DB / std::f32::consts::SQRT_2;
        assert!(
            (rms(&out) - want_rms).abs() < 1e-3,
            "{rate}: rms {}",
            rms(&out)
        );
        assert!(goertzel(&out, 440.0, rate) > 0.24);
        assert!(goertzel(&out, 660.0, rate) < 0.01);
    }
    assert_eq!(
        source(&SourceSpec::Tone { hz: 440.0 }, 8000).remaining(),
        None
    );
}

#[test]
fn tone_phase_does_not_drift() {
    // After 10 minutes at 8 kHz (4.8 million frames), a 1 kHz tone is exactly back at phase 0: its next
    // samples are those of the very start, bit for bit.
    let spec = SourceSpec::Tone { hz: 1000.0 };
    let mut s = source(&spec, 8000);
    let mut scratch = vec![0.0f32; 4800];
    for _ in 0..1000 {
        s.render(&mut scratch);
    }
    let mut later = vec![0.0f32; 16];
    s.render(&mut later);
    let (start, _) = render(&spec, 8000, 16, 16);
    assert_eq!(later, start);
}

#[test]
fn beep_has_an_exact_length_level_and_soft_edges() {
    for rate in [8000u32, 44_100, 48_000] {
        let spec = SourceSpec::Beep {
            hz: 1000.0,
            ms: 250,
        };
        let want = rate as usize / 4;
        let mut s = source(&spec, rate);
        assert_eq!(s.remaining(), Some(want as u64));
        let mut out = vec![0.0f32; want + 500];
        let (head, tail) = out.split_at_mut(want - 100);
        assert!(s.render(head));
        assert_eq!(s.remaining(), Some(100));
        assert!(!s.render(&mut tail[..100]), "ends exactly at {want} frames");
        assert_eq!(s.remaining(), Some(0));
        assert!(!s.render(&mut tail[100..]));
        assert!(out[want..].iter().all(|&x| x == 0.0));
        let body = &out[..want];
        assert!(
            body[want / 2 - 50..want / 2 + 50]
                .iter()
                .any(|&x| x.abs() > 0.2)
        );
        assert!(
            (peak(body) - MINUS_12_DB).abs() < 2e-3,
            "peak {}",
            peak(body)
        );
        assert!(goertzel(body, 1000.0, rate) > 0.23);
        // Soft edges: the first and last frames are near zero, and no step is larger than the sine's own.
        assert!(body[0].abs() < 0.005 && body[want - 1].abs() < 0.005);
        let sine_step = 2.0 * std::f32::consts::PI * 1000.0 / rate as f32 * MINUS_12_DB;
        assert!(
            max_step(&out) <= sine_step * 1.01,
            "{rate}: step {} > {sine_step}",
            max_step(&out)
        );
    }
}

#[test]
fn beep_without_fades_would_click() {
    // The click bound above can fail: the same tone cut off abruptly has a step as large as its amplitude.
    let (tone, _) = render(&SourceSpec::Tone { hz: 1000.0 }, 48_000, 12_000, 128);
    let mut cut = tone.clone();
    cut.extend(std::iter::repeat_n(0.0, 10));
    let sine_step = 2.0 * std::f32::consts::PI * 1000.0 / 48_000.0 * MINUS_12_DB;
    let (beep, _) = render(
        &SourceSpec::Beep {
            hz: 1000.0,
            ms: 250,
        },
        48_000,
        12_010,
        128,
    );
    assert!(max_step(&beep) <= sine_step * 1.01);
    // 12,000 frames of 1 kHz at 48 kHz end at phase 0, so pick a cut in mid-cycle to show the click.
    let mid = &tone[..11_996];
    let mut cut_mid = mid.to_vec();
    cut_mid.push(0.0);
    assert!(max_step(&cut_mid) > 2.0 * sine_step);
}

#[test]
fn dtmf_plays_the_standard_pairs_in_500_ms_slots() {
    let rate = 8000u32;
    let keys = "123A456B789C*0#D";
    let rows = [697.0, 770.0, 852.0, 941.0];
    let cols = [1209.0, 1336.0, 1477.0, 1633.0];
    let slot = 4000usize;
    let spec = SourceSpec::Dtmf {
        digits: keys.into(),
        slot_ms: 500,
    };
    let (out, alive) = render(&spec, rate, keys.len() * slot + 100, 128);
    assert!(!alive);
    assert_eq!(
        source(&spec, rate).remaining(),
        Some((keys.len() * slot) as u64)
    );
    for (i, key) in keys.chars().enumerate() {
        let tone = &out[i * slot..i * slot + 800];
        let (r, c) = (i / 4, i % 4);
        for (j, &hz) in rows.iter().enumerate() {
            let a = goertzel(tone, hz, rate);
            if j == r {
                assert!(a > 0.1, "{key}: row {hz} at {a}");
            } else {
                assert!(a < 0.02, "{key}: row {hz} leaks {a}");
            }
        }
        for (j, &hz) in cols.iter().enumerate() {
            let a = goertzel(tone, hz, rate);
            if j == c {
                assert!(a > 0.1, "{key}: column {hz} at {a}");
            } else {
                assert!(a < 0.02, "{key}: column {hz} leaks {a}");
            }
        }
        // 100 ms of tone, then silence to the end of the slot.
        assert!(
            out[i * slot + 800..(i + 1) * slot]
                .iter()
                .all(|&x| x == 0.0),
            "{key}: silence after 100 ms"
        );
        assert!(out[i * slot].abs() < 0.01, "{key}: soft start");
        assert!(
            peak(tone) <= 2.0 * 0.126 + 1e-3,
            "{key}: peak {}",
            peak(tone)
        );
    }
    assert!(out[keys.len() * slot..].iter().all(|&x| x == 0.0));
}

#[test]
fn dtmf_unknown_characters_are_silent_slots() {
    let spec = SourceSpec::Dtmf {
        digits: "1x{2}".into(),
        slot_ms: 500,
    };
    let mut s = source(&spec, 8000);
    assert_eq!(s.remaining(), Some(5 * 4000));
    let mut out = vec![0.0f32; 5 * 4000];
    assert!(!s.render(&mut out));
    assert!(out[..800].iter().any(|&x| x != 0.0));
    assert!(
        out[4000..12_000].iter().all(|&x| x == 0.0),
        "x and {{ are silent"
    );
    assert!(out[12_000..12_800].iter().any(|&x| x != 0.0), "2 sounds");
    assert!(out[16_000..].iter().all(|&x| x == 0.0), "}} is silent");
}

/// Start frames of the tone bursts in `out` (a burst starts after at least `gap` silent frames).
fn bursts(out: &[f32], gap: usize) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut start = None;
    let mut silent = gap;
    for (i, &x) in out.iter().enumerate() {
        if x != 0.0 {
            if start.is_none() && silent >= gap {
                start = Some(i);
            }
            silent = 0;
        } else {
            silent += 1;
            if silent == gap
                && let Some(s) = start.take()
            {
                found.push((s, i + 1 - gap));
            }
        }
    }
    if let Some(s) = start {
        found.push((s, out.len() - silent));
    }
    found
}

#[test]
fn dtmf_slots_follow_slot_ms() {
    // SendDigits with pauseMs 200 at 8 kHz: a slot of 1600 frames, 100 ms (800 frames) of tone in each.
    let rate = 8000u32;
    let spec = SourceSpec::Dtmf {
        digits: "159#".into(),
        slot_ms: 200,
    };
    let mut s = source(&spec, rate);
    assert_eq!(s.remaining(), Some(4 * 1600));
    let mut out = vec![0.0f32; 4 * 1600 + 500];
    assert!(!s.render(&mut out));
    // (The first frame of each tone is sin 0 + sin 0 = 0.)
    assert_eq!(
        bursts(&out, 50),
        vec![(1, 800), (1601, 2400), (3201, 4000), (4801, 5600)],
        "a tone at the start of each 200 ms slot"
    );
    let pairs = [
        (697.0, 1209.0),
        (770.0, 1336.0),
        (852.0, 1477.0),
        (941.0, 1477.0),
    ];
    for (i, (lo, hi)) in pairs.into_iter().enumerate() {
        let tone = &out[i * 1600..i * 1600 + 800];
        assert!(goertzel(tone, lo, rate) > 0.1 && goertzel(tone, hi, rate) > 0.1);
    }
}

#[test]
fn dtmf_slots_shorter_than_200_ms_sound_for_half_the_slot() {
    // pauseMs 100 (FreeClimb's minimum): 50 ms of tone and 50 ms of silence, so a repeated digit stays two.
    let rate = 16_000u32;
    let spec = SourceSpec::Dtmf {
        digits: "55".into(),
        slot_ms: 100,
    };
    let (out, alive) = render(&spec, rate, 2 * 1600 + 100, 128);
    assert!(!alive);
    assert_eq!(source(&spec, rate).remaining(), Some(3200));
    assert_eq!(bursts(&out, 50), vec![(1, 800), (1601, 2400)]);
    // A zero slot is nothing at all.
    let spec = SourceSpec::Dtmf {
        digits: "123".into(),
        slot_ms: 0,
    };
    assert_eq!(source(&spec, rate).remaining(), Some(0));
}

#[test]
fn pcm_plays_once_or_loops() {
    let clip: Arc<[f32]> = (0..1000).map(|i| i as f32 / 1000.0).collect();
    let lookup = |id: PcmId| {
        if id == PcmId(9) {
            Some(Clip::new(clip.clone(), 8000))
        } else {
            None
        }
    };
    let mut once = Source::new(
        &SourceSpec::Pcm {
            pcm: PcmId(9),
            looped: false,
        },
        8000,
        &lookup,
    );
    assert_eq!(once.remaining(), Some(1000));
    let mut out = vec![9.0f32; 600];
    assert!(once.render(&mut out));
    assert_eq!(&out[..], &clip[..600]);
    assert_eq!(once.remaining(), Some(400));
    assert!(!once.render(&mut out));
    assert_eq!(&out[..400], &clip[600..]);
    assert!(out[400..].iter().all(|&x| x == 0.0));
    assert_eq!(once.remaining(), Some(0));

    let mut looped = Source::new(
        &SourceSpec::Pcm {
            pcm: PcmId(9),
            looped: true,
        },
        8000,
        &lookup,
    );
    assert_eq!(looped.remaining(), None);
    let mut out = vec![0.0f32; 2500];
    assert!(looped.render(&mut out));
    assert_eq!(&out[..1000], &clip[..]);
    assert_eq!(&out[1000..2000], &clip[..]);
    assert_eq!(&out[2000..], &clip[..500]);

    // An unknown clip: a one-shot ends at once, a looped one is silence forever.
    let mut missing = Source::new(
        &SourceSpec::Pcm {
            pcm: PcmId(1),
            looped: false,
        },
        8000,
        &lookup,
    );
    assert_eq!(missing.remaining(), Some(0));
    let mut out = vec![1.0f32; 64];
    assert!(!missing.render(&mut out));
    assert!(out.iter().all(|&x| x == 0.0));
    let mut missing = Source::new(
        &SourceSpec::Pcm {
            pcm: PcmId(1),
            looped: true,
        },
        8000,
        &lookup,
    );
    assert!(missing.render(&mut out));
    assert!(out.iter().all(|&x| x == 0.0));
}

#[test]
fn resample_linear_keeps_length_pitch_and_values() {
    let ramp: Vec<f32> = (0..8).map(|i| i as f32).collect();
    let up = resample_linear(&ramp, 8000, 16_000);
    assert_eq!(up.len(), 16);
    assert_eq!(&up[..5], &[0.0, 0.5, 1.0, 1.5, 2.0]);
    assert_eq!(up[15], 7.0, "the last frame holds");
    assert_eq!(
        resample_linear(&ramp, 16_000, 8000),
        vec![0.0, 2.0, 4.0, 6.0]
    );
    assert_eq!(resample_linear(&ramp, 8000, 8000), ramp);
    assert!(resample_linear(&ramp, 0, 8000).is_empty());
    assert!(resample_linear(&[], 8000, 16_000).is_empty());
    // 1 s of 100 Hz at 44.1 kHz to 48 kHz: 48,000 frames, still 100 Hz.
    let (tone, _) = render(&SourceSpec::Tone { hz: 100.0 }, 44_100, 44_100, 128);
    let out = resample_linear(&tone, 44_100, 48_000);
    assert_eq!(out.len(), 48_000);
    assert!((199..=201).contains(&zero_crossings(&out)));
    assert!(goertzel(&out, 100.0, 48_000) > 0.24);
    // Odd lengths round to the nearest frame.
    assert_eq!(resample_linear(&[0.0; 441], 44_100, 48_000).len(), 480);
    assert_eq!(resample_linear(&[0.0; 3], 48_000, 8000).len(), 1);
}

#[test]
fn speech_lasts_exactly_400_ms_per_word() {
    let spec = SourceSpec::Speech {
        text: "one two three".into(),
        looped: false,
    };
    let want = 3 * 3200;
    let mut s = source(&spec, 8000);
    assert_eq!(s.remaining(), Some(want));
    let mut out = vec![0.0f32; 128];
    let mut rendered = 0u64;
    while s.render(&mut out) {
        rendered += 128;
        assert_eq!(s.remaining(), Some(want - rendered));
    }
    // The block in which it ended: 9600 = 75 blocks of 128 exactly, so the 75th returned false.
    assert_eq!(rendered + 128, want);
    assert_eq!(s.remaining(), Some(0));
    assert!(!s.render(&mut out));
    assert!(out.iter().all(|&x| x == 0.0));

    for (text, words) in [("", 1u64), ("  hi  ", 1), ("Welcome to the conference", 4)] {
        let s = source(
            &SourceSpec::Speech {
                text: text.into(),
                looped: false,
            },
            44_100,
        );
        assert_eq!(s.remaining(), Some(words * 17_640), "{text:?}");
    }
    assert_eq!(
        source(
            &SourceSpec::Speech {
                text: "hi".into(),
                looped: true
            },
            8000
        )
        .remaining(),
        None
    );
}

#[test]
fn speech_sounds_in_each_word_and_pauses_between() {
    let rate = 16_000u32;
    let text = "welcome to the conference";
    let (out, alive) = render(
        &SourceSpec::Speech {
            text: text.into(),
            looped: false,
        },
        rate,
        4 * 6400,
        128,
    );
    assert!(!alive);
    for w in 0..4 {
        let word = &out[w * 6400..w * 6400 + 5120];
        let gap = &out[w * 6400 + 5120 + 800..(w + 1) * 6400]; // 50 ms after the sound stops
        let level = 20.0 * rms(word).log10();
        assert!((-32.0..-12.0).contains(&level), "word {w}: {level} dBFS");
        assert!(
            rms(gap) < 0.01 * rms(word),
            "word {w}: gap {} vs {}",
            rms(gap),
            rms(word)
        );
    }
    assert!(peak(&out) < 0.9, "peak {}", peak(&out));
    // Words ending in a hiss ("please", "this") fade it out instead of retuning its filter mid-tail (which
    // once spiked to the 0.95 guard).
    let hiss = SourceSpec::Speech {
        text: "please hold this class".into(),
        looped: false,
    };
    let (out2, _) = render(&hiss, rate, 4 * 6400, 128);
    assert!(peak(&out2) < 0.7, "hiss peak {}", peak(&out2));
    // Starts softly: no click on the first frames.
    assert!(
        max_step(&out[..80]) < 0.05,
        "start step {}",
        max_step(&out[..80])
    );
}

#[test]
fn speech_vowels_have_their_formants() {
    // "ah" has its second formant low (~1.2 kHz), "ee" high (~2.1 kHz): compare band energies.
    let rate = 16_000u32;
    let band = |xs: &[f32], lo: f32, hi: f32| -> f32 {
        let mut e = 0.0;
        let mut hz = lo;
        while hz <= hi {
            let a = goertzel(xs, hz, rate);
            e += a * a;
            hz += 20.0;
        }
        e
    };
    let (a, _) = render(
        &SourceSpec::Speech {
            text: "aaaa".into(),
            looped: false,
        },
        rate,
        6400,
        128,
    );
    let (i, _) = render(
        &SourceSpec::Speech {
            text: "iiii".into(),
            looped: false,
        },
        rate,
        6400,
        128,
    );
    let (a, i) = (&a[1600..4800], &i[1600..4800]);
    let a_ratio = band(a, 1000.0, 1400.0) / band(a, 1900.0, 2300.0);
    let i_ratio = band(i, 1000.0, 1400.0) / band(i, 1900.0, 2300.0);
    assert!(a_ratio > 4.0 * i_ratio, "ah {a_ratio} vs ee {i_ratio}");
    // F1: "ah" is open (~700 Hz), "ee" closed (~330 Hz).
    let a1 = band(a, 600.0, 800.0) / band(a, 250.0, 400.0);
    let i1 = band(i, 600.0, 800.0) / band(i, 250.0, 400.0);
    assert!(a1 > 4.0 * i1, "F1: ah {a1} vs ee {i1}");
}

#[test]
fn speech_is_voiced_at_a_speaking_pitch() {
    // The autocorrelation of a vowel peaks at its glottal period: 110–135 Hz.
    let rate = 16_000u32;
    let (out, _) = render(
        &SourceSpec::Speech {
            text: "aaaa".into(),
            looped: false,
        },
        rate,
        6400,
        128,
    );
    let x = &out[800..4000];
    let corr = |lag: usize| -> f64 {
        x[..x.len() - lag]
            .iter()
            .zip(&x[lag..])
            .map(|(a, b)| (a * b) as f64)
            .sum()
    };
    let (best, _) = (80..200)
        .map(|lag| (lag, corr(lag)))
        .fold((0, f64::MIN), |m, v| if v.1 > m.1 { v } else { m });
    let f0 = rate as f32 / best as f32;
    assert!((100.0..140.0).contains(&f0), "pitch {f0} Hz");
}

#[test]
fn speech_loops_and_differs_by_text() {
    let looped = SourceSpec::Speech {
        text: "hello there".into(),
        looped: true,
    };
    let (out, alive) = render(&looped, 8000, 3 * 6400, 128);
    assert!(alive);
    assert!(
        rms(&out[2 * 6400..]) > 0.01,
        "still speaking on the third pass"
    );
    let (a, _) = render(
        &SourceSpec::Speech {
            text: "hello there".into(),
            looped: false,
        },
        8000,
        6400,
        128,
    );
    let (b, _) = render(
        &SourceSpec::Speech {
            text: "goodbye now".into(),
            looped: false,
        },
        8000,
        6400,
        128,
    );
    assert_ne!(a, b);
    let (again, _) = render(
        &SourceSpec::Speech {
            text: "hello there".into(),
            looped: false,
        },
        8000,
        6400,
        7,
    );
    assert_eq!(a, again);
}

/// Per-block RMS of `xs` in blocks of 128.
fn block_rms(xs: &[f32]) -> Vec<f32> {
    xs.chunks(128).map(rms).collect()
}

/// A talker with the scenario's defaults (2 s of talk, 2 s of silence) and no text.
fn talker(seed: u64) -> SourceSpec {
    SourceSpec::Talker {
        seed,
        talk_ms: 2000,
        silence_ms: 2000,
        text: String::new(),
    }
}

/// Runs of blocks whose RMS is above (true) or below the gate, in seconds, without the first and last runs
/// (cut by the window).
fn gate_runs(out: &[f32], rate: u32, gate: f32) -> Vec<(bool, f32)> {
    let mut runs: Vec<(bool, f32)> = Vec::new();
    for o in block_rms(out).iter().map(|&r| r > gate) {
        match runs.last_mut() {
            Some((state, len)) if *state == o => *len += 128.0 / rate as f32,
            _ => runs.push((o, 128.0 / rate as f32)),
        }
    }
    runs[1..runs.len() - 1].to_vec()
}

#[test]
fn talker_opens_a_minus_45_dbfs_gate_in_talk_and_closes_it_in_pauses() {
    let rate = 16_000u32;
    let gate = 0.005_623_413f32; // −45 dBFS
    for (seed, talk_ms, silence_ms) in [(1u64, 2000u32, 2000u32), (2, 1000, 500), (99, 3000, 1500)]
    {
        let spec = SourceSpec::Talker {
            seed,
            talk_ms,
            silence_ms,
            text: String::new(),
        };
        let (out, _) = render(&spec, rate, 30 * rate as usize, 128);
        let inner = gate_runs(&out, rate, gate);
        assert!(inner.len() >= 10, "seed {seed}: only {} runs", inner.len());
        let block = 128.0 / rate as f32;
        for &(talking, secs) in &inner {
            // A run is its stretch to within a block at each end (the stretch does not start on a block edge,
            // and the 20 ms edges may fall under the gate); 1e-4 s for the f32 sum of block lengths.
            let want = if talking { talk_ms } else { silence_ms } as f32 / 1000.0;
            let slack = if talking {
                2.0 * block + 0.02
            } else {
                2.0 * block
            } + 1e-4;
            assert!(
                (secs - want).abs() <= slack,
                "seed {seed}: {} of {secs} s, not {want} s",
                if talking { "talk" } else { "pause" }
            );
        }
        // Loud enough to see while talking, and pauses are silence.
        let talk: Vec<f32> = out.iter().copied().filter(|&x| x != 0.0).collect();
        let level = 20.0 * rms(&talk).log10();
        assert!(
            (-30.0..-16.0).contains(&level),
            "seed {seed}: talk at {level} dBFS"
        );
        assert!(peak(&out) < 0.9);
    }
}

/// The talk stretches of `out`: maximal runs of non-zero frames, joined across gaps shorter than `bridge`.
fn stretches(out: &[f32], bridge: usize) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (i, &x) in out.iter().enumerate() {
        if x == 0.0 {
            continue;
        }
        match found.last_mut() {
            Some((_, end)) if i - *end < bridge => *end = i + 1,
            _ => found.push((i, i + 1)),
        }
    }
    found
}

#[test]
fn talker_stretches_last_exactly_talk_ms_and_silence_ms_from_a_seeded_first_pause() {
    let rate = 8000u32;
    let mut firsts = Vec::new();
    for seed in 0..8u64 {
        let spec = SourceSpec::Talker {
            seed,
            talk_ms: 1500,
            silence_ms: 700,
            text: String::new(),
        };
        let (out, _) = render(&spec, rate, 20 * rate as usize, 128);
        let runs = stretches(&out, 2);
        let (first, _) = runs[0];
        assert!(first <= 5600, "seed {seed}: first pause of {first} frames");
        firsts.push(first);
        for (k, w) in runs.windows(2).enumerate() {
            assert_eq!(w[0].1 - w[0].0, 12_000, "seed {seed}: talk {k}");
            assert_eq!(w[1].0 - w[0].1, 5600, "seed {seed}: pause {k}");
            assert_eq!(w[0].0, first + k * 17_600, "seed {seed}: no drift");
        }
        assert!(runs.len() >= 8);
    }
    firsts.sort_unstable();
    firsts.dedup();
    assert!(
        firsts.len() >= 6,
        "the seed spreads the first pause: {firsts:?}"
    );
}

#[test]
fn talker_with_zero_lengths_is_silent_or_never_pauses() {
    let rate = 8000u32;
    let spec = |talk_ms, silence_ms, text: &str| SourceSpec::Talker {
        seed: 3,
        talk_ms,
        silence_ms,
        text: text.into(),
    };
    for text in ["", "hello"] {
        let (out, alive) = render(&spec(0, 2000, text), rate, 5 * rate as usize, 128);
        assert!(alive);
        assert!(
            out.iter().all(|&x| x == 0.0),
            "talkMs 0 is silence ({text:?})"
        );
        let (out, _) = render(&spec(0, 0, text), rate, rate as usize, 128);
        assert!(
            out.iter().all(|&x| x == 0.0),
            "both 0 is silence ({text:?})"
        );
        let (out, _) = render(&spec(500, 0, text), rate, 5 * rate as usize, 128);
        // Never a pause: at most the 80 ms gaps between spoken words fall quiet.
        let runs = stretches(&out, 81 * 8);
        assert_eq!(
            runs.len(),
            1,
            "silenceMs 0 talks without a pause ({text:?})"
        );
        assert_eq!(runs[0], (0, out.len()), "{text:?}");
    }
}

/// Whether the 400 ms word at `out[at..]` is hissed ("ss") rather than voiced ("aa"): its zero-crossing rate,
/// between 60 and 300 ms into the word (past the fade and glides, before the gap).
fn hissed(out: &[f32], at: usize, rate: u32) -> bool {
    let ms = |m: usize| m * rate as usize / 1000;
    let w = &out[at + ms(60)..at + ms(300)];
    let per_second = zero_crossings(w) as f32 / 0.24;
    assert!(rms(w) > 0.01, "the word at {at} sounds");
    per_second > 5000.0
}

#[test]
fn talker_reads_its_text_continuing_from_the_word_each_stretch_cut() {
    let rate = 16_000u32;
    let word = 6400usize;
    // "aa ss ss" in stretches of 2.5 words: each starts two words after the previous one (at the word the
    // last one cut), so the stretches begin with words 0, 2, 1 (4 mod 3), 0 (6 mod 3), ...
    let spec = SourceSpec::Talker {
        seed: 4,
        talk_ms: 1000,
        silence_ms: 600,
        text: "aa ss ss".into(),
    };
    let (out, _) = render(&spec, rate, 12 * rate as usize, 128);
    let runs = stretches(&out, 9600);
    assert!(runs.len() >= 6);
    let heard: Vec<[bool; 2]> = runs[..6]
        .iter()
        .map(|&(start, end)| {
            assert!(end - start <= 16_000, "a stretch lasts 1 s: {start}..{end}");
            [hissed(&out, start, rate), hissed(&out, start + word, rate)]
        })
        .collect();
    let (aa, ss) = (false, true);
    assert_eq!(
        heard,
        vec![[aa, ss], [ss, aa], [ss, ss], [aa, ss], [ss, aa], [ss, ss]]
    );
    // A stretch shorter than a word moves on by a word; a text shorter than a stretch repeats within it.
    let spec = SourceSpec::Talker {
        seed: 4,
        talk_ms: 350,
        silence_ms: 600,
        text: "aa ss".into(),
    };
    let (out, _) = render(&spec, rate, 8 * rate as usize, 128);
    let heard: Vec<bool> = stretches(&out, 9600)[..6]
        .iter()
        .map(|&(start, _)| {
            let w = &out[start + 960..start + 4800];
            zero_crossings(w) as f32 / 0.24 > 5000.0
        })
        .collect();
    assert_eq!(heard, vec![aa, ss, aa, ss, aa, ss]);
    let spec = SourceSpec::Talker {
        seed: 4,
        talk_ms: 2000,
        silence_ms: 600,
        text: "aa ss".into(),
    };
    let (out, _) = render(&spec, rate, 8 * rate as usize, 128);
    let runs = stretches(&out, 9600);
    let heard: Vec<bool> = (0..5)
        .map(|k| hissed(&out, runs[0].0 + k * word, rate))
        .collect();
    assert_eq!(heard, vec![aa, ss, aa, ss, aa], "five words from two");
    let heard: Vec<bool> = (0..5)
        .map(|k| hissed(&out, runs[1].0 + k * word, rate))
        .collect();
    assert_eq!(
        heard,
        vec![ss, aa, ss, aa, ss],
        "the next stretch starts at word 5 mod 2"
    );
}

#[test]
fn talker_text_changes_what_is_said_not_when() {
    let rate = 16_000u32;
    let spec = |text: &str| SourceSpec::Talker {
        seed: 9,
        talk_ms: 2000,
        silence_ms: 2000,
        text: text.into(),
    };
    let frames = 16 * rate as usize;
    let (read, alive) = render(&spec("can you hear me now"), rate, frames, 128);
    assert!(alive);
    // The same seed without text: its stretches (exact, see above) are when the reading may sound.
    let (noise, _) = render(&spec(""), rate, frames, 128);
    let runs = stretches(&noise, 2);
    assert!(runs.len() >= 3);
    for &(start, end) in &runs {
        assert_eq!(end - start, 32_000);
        let w = &read[start..end];
        let level = 20.0 * rms(w).log10();
        assert!((-28.0..-14.0).contains(&level), "reads at {level} dBFS");
        // Faded in: no click where a stretch starts in the middle of the text.
        assert!(w[0].abs() < 0.01 && max_step(&w[..320]) < 0.1);
    }
    assert!(
        noise.iter().zip(&read).all(|(&n, &r)| n != 0.0 || r == 0.0),
        "the reading is silent in every pause"
    );
    assert!(peak(&read) < 0.95);
}

#[test]
fn talker_and_music_depend_on_their_seed_only() {
    for spec in [talker(5), SourceSpec::Music { seed: 5 }] {
        let (a, _) = render(&spec, 8000, 40_000, 128);
        let (b, _) = render(&spec, 8000, 40_000, 128);
        assert_eq!(a, b, "{spec:?}");
    }
    let (a, _) = render(&talker(5), 8000, 40_000, 128);
    let (b, _) = render(&talker(6), 8000, 40_000, 128);
    assert_ne!(a, b);
    let (a, _) = render(&SourceSpec::Music { seed: 5 }, 8000, 40_000, 128);
    let (b, _) = render(&SourceSpec::Music { seed: 6 }, 8000, 40_000, 128);
    assert_ne!(a, b);
}

#[test]
fn music_is_continuous_at_about_minus_18_dbfs() {
    let rate = 16_000u32;
    for seed in [0u64, 1, 2, 3, 12_345] {
        let (out, alive) = render(&SourceSpec::Music { seed }, rate, 20 * rate as usize, 128);
        assert!(alive);
        let level = 20.0 * rms(&out[rate as usize..]).log10();
        assert!((-19.5..-16.5).contains(&level), "seed {seed}: {level} dBFS");
        assert!(peak(&out) < 0.7, "seed {seed}: peak {}", peak(&out));
        // Continuous: after the first half second no 50 ms stretch falls below −40 dBFS.
        for (k, w) in out[rate as usize / 2..].chunks(800).enumerate() {
            assert!(
                rms(w) > 0.01,
                "seed {seed}: quiet at {} s",
                0.5 + k as f32 * 0.05
            );
        }
        assert!(out[0].abs() < 1e-3, "fades in");
    }
}

#[test]
fn music_does_not_click() {
    // At 48 kHz the music's own steps stay below ~0.05 (its highest notes are under 1.7 kHz, with a soft second
    // harmonic); a click (a note starting or a pitch jumping at a non-zero level) would step by a good part of
    // the 0.4 peak.
    let rate = 48_000u32;
    for seed in [0u64, 2, 3] {
        let (out, _) = render(&SourceSpec::Music { seed }, rate, 8 * rate as usize, 128);
        assert!(
            max_step(&out) < 0.065,
            "seed {seed}: step {}",
            max_step(&out)
        );
    }
}

#[test]
fn absurd_sample_rates_do_not_panic() {
    // A zero or tiny rate is a driver bug, but the mixer must not panic or stall on it.
    for rate in [0u32, 1, 7, 400, u32::MAX] {
        for spec in every_kind() {
            let mut s = source(&spec, rate);
            let mut out = vec![0.5f32; 300];
            s.render(&mut out);
            s.render(&mut out);
            assert!(
                out.iter().all(|x| x.is_finite() && x.abs() <= 1.0),
                "{spec:?} at {rate} Hz"
            );
        }
    }
}
