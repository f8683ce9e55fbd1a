//! A `set` step's phone media is heard from the calls the phone starts after it (docs/scenarios.md, "Changing the
//! world during a run"): the score follows the log's `world` lines. Rendered at 8 kHz through the whole pipeline
//! and measured with Goertzel on what a conference listener hears.

#[path = "audio_support/signal.rs"]
mod signal;

use conflab::audio::{self, MediaFiles, Score};
use signal::{RATE, tone, window};

const LISTENER: &str = "+15550111111";

/// LISTENER (silent) starts a conference at 0 and stays; TALKER (a 440 Hz tone) is in it from 200 ms to 4 s, then
/// again from 5.2 s to 9 s. A `set` at 2 s, while its first call is up, makes TALKER's media a 880 Hz tone.
const SCENARIO: &str = r#"{
  "seed": 5,
  "numbers": {
    "+15550100001": {"voiceUrl": "https://app.test/host"},
    "+15550100002": {"voiceUrl": "https://app.test/guest"}
  },
  "phones": {"+15550111111": {}, "+15550122222": {"media": {"tone": 440}}},
  "app": {
    "https://app.test/host": [{"AddToConference": {"conferenceId": "{{conference:room}}", "startConfOnEnter": true}}],
    "https://app.test/guest": [{"AddToConference": {"conferenceId": "{{conference:room}}", "startConfOnEnter": false}}]
  },
  "steps": [
    {"at": 0, "api": {"method": "POST", "path": "/Conferences", "body": {"alias": "room", "playBeep": "never", "statusCallbackUrl": "https://app.test/status"}}},
    {"at": 0, "dial": {"from": "+15550111111", "to": "+15550100001"}},
    {"at": 200, "dial": {"from": "+15550122222", "to": "+15550100002"}},
    {"at": 2000, "set": {"phones": {"+15550122222": {"media": {"tone": 880}}}}},
    {"at": 4000, "hangup": {"phone": "+15550122222"}},
    {"at": 5200, "dial": {"from": "+15550122222", "to": "+15550100002"}},
    {"at": 9000, "hangup": {"phone": "+15550122222"}},
    {"at": 10000, "hangup": {"phone": "+15550111111"}}
  ]
}"#;

#[test]
fn a_phone_media_change_is_heard_on_the_calls_it_starts_afterwards() {
    let scenario = conflab::scenario::parse(SCENARIO).unwrap_or_else(|e| panic!("{e}"));
    let (log, score) = Score::from_run(&scenario, None, &MediaFiles::new(), RATE);
    assert!(log.iter().any(|l| l.kind() == "world" && l.at == 2000));
    let config = conflab_mixer::Config {
        sample_rate: RATE,
        block: 128,
    };
    let heard = audio::render(&score, config, &[score.phones[LISTENER].clone()])
        .expect("render")
        .hear
        .remove(0);
    // A tone at -12 dBFS has amplitude ~0.25; "absent" is far below.
    let present = 0.1;
    let absent = 0.01;
    // The first call started before the change: 440 Hz all along, also after the set at 2 s.
    for (from, to) in [(1000, 2000), (2500, 3900)] {
        let w = window(&heard, from, to);
        assert!(tone(w, 440.0) > present, "440 Hz in {from}..{to}");
        assert!(tone(w, 880.0) < absent, "no 880 Hz in {from}..{to}");
    }
    // Between the calls: nothing.
    let gap = window(&heard, 4200, 5100);
    assert!(tone(gap, 440.0) < absent && tone(gap, 880.0) < absent);
    // The call started after the change: 880 Hz.
    let w = window(&heard, 5500, 8900);
    assert!(tone(w, 880.0) > present, "880 Hz after the change");
    assert!(tone(w, 440.0) < absent, "no 440 Hz after the change");
}
