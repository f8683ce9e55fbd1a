//! A scenario's media settings are audible as documented (docs/scenarios.md): a phone's `talker` talks and
//! pauses for exactly its `talkMs` and `silenceMs` and reads its `text`, and `SendDigits` sounds its tones in
//! slots of its `pauseMs`. Rendered at 8 kHz through the whole pipeline (engine, translator, mixer) and measured
//! on what a phone hears.

#[path = "audio_support/signal.rs"]
mod signal;

use conflab::audio::{self, MediaFiles, Score};
use signal::{RATE, rms, tone};

const LISTENER: &str = "+15550111111";
const TALKER: &str = "+15550122222";

/// Renders `json` and returns what `phone` hears.
fn hear(json: &str, phone: &str) -> Vec<f32> {
    let scenario = conflab::scenario::parse_bytes(json.as_bytes())
        .unwrap_or_else(|e| panic!("{}", e.render("inline scenario")));
    let (_, score) = Score::from_run(&scenario, None, &MediaFiles::new(), RATE);
    let config = conflab_mixer::Config {
        sample_rate: RATE,
        block: 128,
    };
    let selection = score.phones[phone].clone();
    audio::render(&score, config, &[selection])
        .expect("render")
        .hear
        .remove(0)
}

/// A started conference (no beeps, so no music and nothing but the talker is heard): LISTENER (silent) starts
/// it at 0, TALKER with `media` joins at 200 ms, the run ends at 12 s.
fn conference_with(media: &str) -> String {
    format!(
        r#"{{
  "seed": 5,
  "numbers": {{
    "+15550100001": {{"voiceUrl": "https://app.test/host"}},
    "+15550100002": {{"voiceUrl": "https://app.test/guest"}}
  }},
  "phones": {{
    "{LISTENER}": {{"media": {{"silence": true}}}},
    "{TALKER}": {{"media": {media}}}
  }},
  "app": {{
    "https://app.test/host": [{{"AddToConference": {{"conferenceId": "{{{{conference:room}}}}", "startConfOnEnter": true}}}}],
    "https://app.test/guest": [{{"AddToConference": {{"conferenceId": "{{{{conference:room}}}}", "startConfOnEnter": false}}}}]
  }},
  "steps": [
    {{"at": 0, "api": {{"method": "POST", "path": "/Conferences", "body": {{"alias": "room", "playBeep": "never", "statusCallbackUrl": "https://app.test/status"}}}}}},
    {{"at": 0, "dial": {{"from": "{LISTENER}", "to": "+15550100001"}}}},
    {{"at": 200, "dial": {{"from": "{TALKER}", "to": "+15550100002"}}}},
    {{"at": 12000, "hangup": {{"phone": "{TALKER}"}}}}
  ]
}}"#
    )
}

/// Maximal runs of non-zero frames `(start, end)`, joined across silent gaps shorter than `bridge` frames.
fn runs(s: &[f32], bridge: usize) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (i, &x) in s.iter().enumerate() {
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

/// Frames in `ms` at [`RATE`].
fn frames(ms: usize) -> usize {
    ms * RATE as usize / 1000
}

#[test]
fn a_talker_talks_for_talk_ms_and_pauses_for_silence_ms() {
    let heard = hear(
        &conference_with(r#"{"talker": {"talkMs": 500, "silenceMs": 1500}}"#),
        LISTENER,
    );
    let talk = runs(&heard, 2);
    // The first stretch heard may be cut by the join; every later one is exact (the pauses are exact zeros and
    // the mix passes a lone talker bit for bit).
    assert!(talk.len() >= 5, "{talk:?}");
    for w in talk[1..].windows(2) {
        assert_eq!(w[0].1 - w[0].0, frames(500), "talk: {w:?}");
        assert_eq!(w[1].0 - w[0].1, frames(1500), "pause: {w:?}");
    }
    let (start, end) = talk[2];
    let level = 20.0 * rms(&heard[start..end]).log10();
    assert!((-30.0..-16.0).contains(&level), "talks at {level} dBFS");
}

#[test]
fn a_talker_with_text_reads_it_in_its_stretches() {
    let heard = hear(
        &conference_with(r#"{"talker": {"text": "hello there", "talkMs": 800, "silenceMs": 400}}"#),
        LISTENER,
    );
    // Bridge the 80 ms gaps between words, not the 400 ms pauses.
    let talk = runs(&heard, frames(100));
    assert!(talk.len() >= 8, "{talk:?}");
    for w in talk[1..].windows(2) {
        assert_eq!(
            w[1].0 - w[0].0,
            frames(1200),
            "a stretch every 1.2 s: {w:?}"
        );
        let len = w[0].1 - w[0].0;
        assert!(
            (frames(800 - 80)..=frames(800)).contains(&len),
            "0.8 s of words: {w:?}"
        );
    }
    // Speech, not a tone or noise: voiced at a speaking pitch (the synthesiser's 96–135 Hz), heard at about
    // the synthesiser's level.
    let (start, end) = talk[3];
    let w = &heard[start..end];
    let level = 20.0 * rms(w).log10();
    assert!((-30.0..-14.0).contains(&level), "reads at {level} dBFS");
    let corr = |lag: usize| -> f64 {
        w[..w.len() - lag]
            .iter()
            .zip(&w[lag..])
            .map(|(a, b)| f64::from(a * b))
            .sum()
    };
    let (best, _) = (50..100)
        .map(|lag| (lag, corr(lag)))
        .fold((0, f64::MIN), |m, v| if v.1 > m.1 { v } else { m });
    let f0 = RATE as f32 / best as f32;
    assert!((80.0..160.0).contains(&f0), "pitch {f0} Hz");
}

#[test]
fn send_digits_with_pause_ms_200_sounds_a_tone_every_200_ms() {
    let json = format!(
        r#"{{
  "seed": 5,
  "numbers": {{"+15550100001": {{"voiceUrl": "https://app.test/digits"}}}},
  "phones": {{"{LISTENER}": {{"media": {{"silence": true}}}}}},
  "app": {{
    "https://app.test/digits": [{{"SendDigits": {{"digits": "159#", "pauseMs": 200}}}}, {{"Pause": {{"length": 2000}}}}]
  }},
  "steps": [
    {{"at": 0, "dial": {{"from": "{LISTENER}", "to": "+15550100001"}}}},
    {{"at": 4000, "hangup": {{"phone": "{LISTENER}"}}}}
  ]
}}"#
    );
    let heard = hear(&json, LISTENER);
    let bursts = runs(&heard, frames(20));
    assert_eq!(bursts.len(), 4, "{bursts:?}");
    let pairs = [
        (697.0, 1209.0),
        (770.0, 1336.0),
        (852.0, 1477.0),
        (941.0, 1477.0),
    ];
    let first = bursts[0].0;
    for (k, (&(start, end), (lo, hi))) in bursts.iter().zip(pairs).enumerate() {
        // Each digit's tone starts its 200 ms slot (the first frame of a tone is sin 0 = 0, so the slot begins
        // one frame earlier) and lasts 100 ms.
        assert_eq!(start, first + k * frames(200), "digit {k}: {bursts:?}");
        assert_eq!(end - (start - 1), frames(100), "digit {k}: {bursts:?}");
        let w = &heard[start - 1..start - 1 + frames(100)];
        assert!(
            tone(w, lo) > 0.08 && tone(w, hi) > 0.08,
            "digit {k}: {} Hz at {}, {} Hz at {}",
            lo,
            tone(w, lo),
            hi,
            tone(w, hi)
        );
    }
}
