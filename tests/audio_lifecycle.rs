//! The conference lifecycle is audible (issue 5): rendered from tests/scenarios/audio_lifecycle.json at 8 kHz
//! and measured by Goertzel and RMS on windows of what each phone hears and of the recording.
//!
//! The scenario: a REST conference (record=true, playBeep=always); A (440 Hz) joins at 1 s without starting it,
//! M (1200 Hz, talk=false) at 2 s, D (880 Hz, listen=false) at 2.5 s, the host H (660 Hz) at 5 s starts it; D,
//! M, H and A hang up at 8, 9, 10 and 11 s; the log ends at 13 s.

#[path = "audio_support/signal.rs"]
mod signal;

use signal::{RATE, rms, tone, window};

const A: &str = "+15550111111";
const H: &str = "+15550122222";
const M: &str = "+15550133333";
const D: &str = "+15550144444";
const FILE: &str = "audio_lifecycle.json";

/// −12 dBFS, the level of a phone's tone.
const TONE: f64 = 0.251;

#[test]
fn each_phone_hears_the_others_talkers_but_never_itself_nor_a_talk_false_participant() {
    let (_, _, r) = signal::render(FILE, &[A, H]);
    let (a, h) = (&r.hear[0], &r.hear[1]);
    // 5.5–7.9 s: A, M, D and H are all in the started conference.
    let wa = window(a, 5500, 7900);
    let wh = window(h, 5500, 7900);
    assert!(
        (tone(wa, 660.0) - TONE).abs() < 0.02,
        "A hears H: {}",
        tone(wa, 660.0)
    );
    assert!(
        (tone(wa, 880.0) - TONE).abs() < 0.02,
        "A hears D: {}",
        tone(wa, 880.0)
    );
    assert!(
        tone(wa, 440.0) < 1e-3,
        "A hears itself: {}",
        tone(wa, 440.0)
    );
    assert!(
        tone(wa, 1200.0) < 1e-3,
        "A hears talk=false M: {}",
        tone(wa, 1200.0)
    );
    assert!(
        (tone(wh, 440.0) - TONE).abs() < 0.02,
        "H hears A: {}",
        tone(wh, 440.0)
    );
    assert!(
        tone(wh, 660.0) < 1e-3,
        "H hears itself: {}",
        tone(wh, 660.0)
    );
    assert!(
        tone(wh, 1200.0) < 1e-3,
        "H hears talk=false M: {}",
        tone(wh, 1200.0)
    );
}

/// What A and H hear, and the recording, with phone `silenced`'s media replaced by silence.
fn render_with_silent(silenced: &str) -> conflab::audio::Rendered {
    let mut s = signal::scenario(FILE);
    s.phones
        .get_mut(silenced)
        .expect("a phone of the scenario")
        .media = conflab::scenario::Media::Silence;
    let (_, score) =
        conflab::audio::Score::from_run(&s, None, &conflab::audio::MediaFiles::new(), RATE);
    let hear = [score.phones[A].clone(), score.phones[H].clone()];
    let config = conflab_mixer::Config {
        sample_rate: RATE,
        block: 128,
    };
    conflab::audio::render(&score, config, &hear).unwrap()
}

#[test]
fn a_talk_false_participant_changes_nothing_anyone_hears() {
    // The same run with M silent: what A, H and the recording get is the same to the bit, so M's tone reaches
    // nobody at any moment (music and beeps included).
    let (_, _, with_tone) = signal::render(FILE, &[A, H]);
    let without = render_with_silent(M);
    assert!(with_tone.hear[0] == without.hear[0], "A heard talk=false M");
    assert!(with_tone.hear[1] == without.hear[1], "H heard talk=false M");
    assert!(
        with_tone.recordings == without.recordings,
        "the recording holds talk=false M"
    );
    // The control: silencing D, who may talk, does change what A hears and what is recorded.
    let without_d = render_with_silent(D);
    assert!(with_tone.hear[0] != without_d.hear[0]);
    assert!(with_tone.recordings != without_d.recordings);
}

#[test]
fn a_listen_false_participant_hears_exact_silence() {
    let (_, _, r) = signal::render(FILE, &[D]);
    let d = &r.hear[0];
    assert_eq!(d.len(), 13 * RATE as usize);
    // Its whole call (2.5–8 s), beeps and talkers included, and every other moment.
    let loud = d.iter().position(|&x| x != 0.0);
    assert_eq!(loud, None, "D heard something at frame {loud:?}");
}

#[test]
fn wait_music_plays_while_populated_and_stops_at_in_progress() {
    let (log, _, r) = signal::render(FILE, &[A]);
    assert_eq!(
        signal::media_times(&log, "waitMusic", Some(true)),
        vec![1000]
    );
    assert_eq!(
        signal::media_times(&log, "waitMusic", Some(false)),
        vec![5000]
    );
    let a = &r.hear[0];
    // 1.3–1.9 s: A is alone in the populated conference; the beep is over: only the music.
    let alone = window(a, 1300, 1900);
    assert!(
        rms(alone) > 0.02,
        "no wait music while populated: rms {}",
        rms(alone)
    );
    // 3.0–4.9 s: music plus D's tone; 5.5–7.9 s: only D's and H's tones. What is left once the tones are taken
    // out is the music: present before inProgress, gone after.
    let residual = |w: &[f32], tones: &[f64]| {
        let tone_power: f64 = tones.iter().map(|&hz| tone(w, hz).powi(2) / 2.0).sum();
        (rms(w).powi(2) - tone_power).max(0.0).sqrt()
    };
    let before = residual(window(a, 3000, 4900), &[880.0]);
    let after = residual(window(a, 5500, 7900), &[660.0, 880.0]);
    assert!(before > 0.02, "music before inProgress: {before}");
    assert!(after < 1e-3, "music after inProgress: {after}");
}

#[test]
fn the_beep_sounds_for_every_join_and_leave_and_only_then() {
    let (log, _, r) = signal::render(FILE, &[A]);
    let a = &r.hear[0];
    let beeps: Vec<u64> = signal::media_times(&log, "beep", None);
    assert_eq!(beeps, vec![1000, 2000, 2500, 5000, 8000, 9000, 10000]);
    for &t in &beeps {
        let w = window(a, t + 50, t + 250);
        assert!(
            tone(w, 1000.0) > 0.1,
            "no beep at {t} ms: {}",
            tone(w, 1000.0)
        );
    }
    // No 1 kHz between beeps (250 ms long, so 300 ms later it is over); the wait music (to 5 s) has a little.
    for (from, to) in [
        (1300, 2000),
        (2800, 5000),
        (5300, 8000),
        (8300, 9000),
        (9300, 10000),
        (10300, 11000),
    ] {
        let w = window(a, from, to);
        assert!(
            tone(w, 1000.0) < 0.01,
            "1 kHz between {from} and {to} ms: {}",
            tone(w, 1000.0)
        );
    }
}

#[test]
fn hear_is_silent_before_the_call_and_after_the_hang_up() {
    let (_, score, r) = signal::render(FILE, &[A]);
    let a = &r.hear[0];
    assert_eq!(score.end_frame, 13 * u64::from(RATE));
    assert_eq!(a.len(), 13 * RATE as usize);
    assert!(
        window(a, 0, 1000).iter().all(|&x| x == 0.0),
        "sound before A's call"
    );
    // The hang-up at 11 s takes effect at the next block boundary.
    let after = 11_000 * u64::from(RATE) / 1000 + 128;
    assert!(
        a[after as usize..].iter().all(|&x| x == 0.0),
        "sound after A hung up"
    );
    assert!(
        rms(window(a, 9_500, 10_000)) > 0.1,
        "A heard nothing while H talked"
    );
    // 10.3–11 s: A is alone in the started conference (no music once inProgress): silence until it hangs up.
    assert!(rms(window(a, 10_300, 11_000)) < 1e-6);
}

#[test]
fn the_recording_starts_at_in_progress_and_lasts_as_long_as_the_engine_says() {
    let (log, score, r) = signal::render(FILE, &[]);
    assert_eq!(
        signal::media_times(&log, "recording", Some(true)),
        vec![5000]
    );
    assert_eq!(
        signal::media_times(&log, "recording", Some(false)),
        vec![11_000]
    );
    assert_eq!(r.recordings.len(), 1);
    let (id, rec) = &r.recordings[0];
    assert_eq!(id, &score.recordings[0].id);
    assert!(id.starts_with("RE"));
    assert_eq!(
        rec.len(),
        6 * RATE as usize,
        "6 s, from inProgress to empty"
    );
    // The engine's own duration (conferenceRecordingStatus, whole seconds rounded up).
    let secs = log
        .iter()
        .filter(|l| l.kind() == "webhook")
        .filter_map(|l| l.get("body")?.get("recordingDurationSec")?.as_u64())
        .next()
        .expect("conferenceRecordingStatus with recordingDurationSec");
    assert_eq!((rec.len() as u64).div_ceil(u64::from(RATE)), secs);
    // It holds every talker (A, D and H; not talk=false M) and no music.
    let w = &rec[RATE as usize / 2..(5 * RATE / 2) as usize]; // 5.5–7.5 s
    for hz in [440.0, 660.0, 880.0] {
        assert!(
            (tone(w, hz) - TONE).abs() < 0.02,
            "{hz} Hz in the recording: {}",
            tone(w, hz)
        );
    }
    assert!(tone(w, 1200.0) < 1e-3);
}

#[test]
fn two_runs_give_the_same_bits() {
    let (_, s1, r1) = signal::render(FILE, &[A, H, M, D]);
    let (_, s2, r2) = signal::render(FILE, &[A, H, M, D]);
    assert_eq!(s1, s2);
    assert_eq!(r1, r2);
    assert!(r1.hear.iter().all(|h| h.len() == 13 * RATE as usize));
}

#[path = "support/golden.rs"]
mod golden;

/// The render's fingerprint: per 100 ms of what A hears and of the recording, the RMS in dBFS rounded to a
/// whole dB (`-inf` for exact silence). Small enough to review in a diff, fine enough to catch a lost beep, a
/// late join or a level change.
fn fingerprint(s: &[f32]) -> String {
    s.chunks(RATE as usize / 10)
        .map(|w| {
            let r = rms(w);
            if r == 0.0 {
                "-inf".to_owned()
            } else {
                format!("{:.0}", 20.0 * r.log10())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_render_matches_its_golden_fingerprint() {
    let (_, _, r) = signal::render(FILE, &[A, D]);
    let mut text = String::new();
    text.push_str("# tests/scenarios/audio_lifecycle.json at 8 kHz: RMS dBFS per 100 ms\n");
    text.push_str(&format!("hear {A}: {}\n", fingerprint(&r.hear[0])));
    text.push_str(&format!("hear {D}: {}\n", fingerprint(&r.hear[1])));
    for (id, rec) in &r.recordings {
        text.push_str(&format!("recording {id}: {}\n", fingerprint(rec)));
    }
    golden::assert_golden("audio/lifecycle.txt", &text);
}
