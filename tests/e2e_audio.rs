//! Browser end-to-end tests of the audio panel: the release build in `dist/` (or `CONFLAB_DIST`), headless
//! Chromium with its fake microphone (`--use-fake-device-for-media-stream --use-fake-ui-for-media-stream`, see
//! `tests/e2e/harness.rs`), the real AudioWorklet mixer.
//!
//! What reaches the speakers is measured where it leaves the page: before "Start audio" each test wraps
//! `AudioNode.prototype.connect` so that any node connected to the `AudioDestinationNode` is also connected to
//! an `AnalyserNode` (the page does not know). "Hear as" picks whose output that is. The page's own view
//! (`window.conflabAudio`: state, microphone, meters by call id, recordings) and its DOM are read as a learner
//! would see them.
//!
//! Each test is independent (its own browser and conference) and `#[ignore]`d like tests/e2e.rs: `./x test`
//! runs them with `cargo test --test e2e_audio -- --ignored --test-threads=1`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the harness serves every e2e file; this one needs only part of it
mod harness;

use harness::Browser;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Output RMS above this is sound (the quietest source here, the talker, is about −22 dBFS ≈ 0.08).
const SOUND: f64 = 0.01;
/// Output RMS below this is silence (the mixer's output for a leg that hears nothing is exactly 0).
const SILENCE: f64 = 1e-4;
/// How long audio may take to follow a change: one message to the worklet plus a block, with slack for a
/// loaded 2-core machine.
const SETTLE: Duration = Duration::from_secs(8);

/// Installs the output tap (see the module docs). Must run before "Start audio".
const TAP: &str = r#"
if (!window.conflabTap) {
  const connect = AudioNode.prototype.connect;
  window.conflabTap = [];
  AudioNode.prototype.connect = function (target, ...rest) {
    const result = connect.call(this, target, ...rest);
    if (target instanceof AudioDestinationNode) {
      const analyser = this.context.createAnalyser();
      analyser.fftSize = 2048;
      connect.call(this, analyser);
      window.conflabTap.push(analyser);
    }
    return result;
  };
  // The loudest reading since the last reset, sampled every 10 ms in the page (a 250 ms beep cannot slip
  // between two WebDriver round trips).
  window.conflabLoudest = { rms: 0, hz: 0 };
  setInterval(() => {
    const tap = window.conflabTap[window.conflabTap.length - 1];
    if (!tap) return;
    const frames = new Float32Array(tap.fftSize);
    tap.getFloatTimeDomainData(frames);
    let sum = 0;
    for (const x of frames) sum += x * x;
    const rms = Math.sqrt(sum / frames.length);
    if (rms > window.conflabLoudest.rms) {
      const bins = new Float32Array(tap.frequencyBinCount);
      tap.getFloatFrequencyData(bins);
      let loudest = 0;
      for (let i = 1; i < bins.length; i++) if (bins[i] > bins[loudest]) loudest = i;
      window.conflabLoudest = { rms, hz: loudest * tap.context.sampleRate / tap.fftSize };
    }
  }, 10);
}
"#;

/// The RMS of the last 2048 frames the speakers got, and the frequency of the loudest FFT bin.
const LEVEL: &str = r#"
const tap = window.conflabTap && window.conflabTap[window.conflabTap.length - 1];
if (!tap) return null;
const frames = new Float32Array(tap.fftSize);
tap.getFloatTimeDomainData(frames);
let sum = 0;
for (const x of frames) sum += x * x;
const bins = new Float32Array(tap.frequencyBinCount);
tap.getFloatFrequencyData(bins);
let loudest = 0;
for (let i = 1; i < bins.length; i++) if (bins[i] > bins[loudest]) loudest = i;
return { rms: Math.sqrt(sum / frames.length), hz: loudest * tap.context.sampleRate / tap.fftSize };
"#;

/// One reading of the speakers.
#[derive(Clone, Copy, Debug)]
struct Level {
    rms: f64,
    hz: f64,
}

async fn level(browser: &Browser) -> Option<Level> {
    let v = browser.js(LEVEL).await;
    Some(Level {
        rms: v.get("rms")?.as_f64()?,
        hz: v.get("hz")?.as_f64()?,
    })
}

/// Polls the speakers until `pass` accepts a reading, for at most [`SETTLE`]; fails with the readings seen.
async fn wait_for_level(browser: &Browser, what: &str, pass: impl Fn(Level) -> bool) -> Level {
    let start = Instant::now();
    let mut seen = Vec::new();
    loop {
        if let Some(l) = level(browser).await {
            if pass(l) {
                return l;
            }
            seen.push(format!("{:.5}@{:.0}Hz", l.rms, l.hz));
        }
        if start.elapsed() > SETTLE {
            let shot = browser
                .screenshot(&format!("audio-{}-timeout", slug(what)))
                .await;
            panic!(
                "timed out waiting for {what}; speaker readings (rms@loudest bin): {}\npage audio: {}\nscreenshot: {}",
                seen.join(" "),
                browser.js("return window.conflabAudio").await,
                shot.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Starts a new loudest-reading window (see [`TAP`]).
async fn reset_loudest(browser: &Browser) {
    browser
        .js("window.conflabLoudest = { rms: 0, hz: 0 }")
        .await;
}

/// The loudest reading since [`reset_loudest`].
async fn loudest(browser: &Browser) -> Level {
    let v = browser.js("return window.conflabLoudest").await;
    Level {
        rms: v["rms"].as_f64().expect("conflabLoudest.rms"),
        hz: v["hz"].as_f64().expect("conflabLoudest.hz"),
    }
}

/// Polls the loudest reading since the last reset until `pass` accepts it, for at most [`SETTLE`].
async fn wait_for_loudest(browser: &Browser, what: &str, pass: impl Fn(Level) -> bool) -> Level {
    let start = Instant::now();
    loop {
        let l = loudest(browser).await;
        if pass(l) {
            return l;
        }
        if start.elapsed() > SETTLE {
            panic!(
                "timed out waiting for {what}; loudest reading {:.5} at {:.0} Hz\npage audio: {}",
                l.rms,
                l.hz,
                browser.js("return window.conflabAudio").await
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the speakers are silent (`what` names the expectation), then checks that silence holds for 2 s.
async fn silence_holds(browser: &Browser, what: &str) {
    wait_for_level(browser, what, |l| l.rms < SILENCE).await;
    let loudest = loudest_over(browser, Duration::from_secs(2)).await;
    assert!(
        loudest < SILENCE,
        "{what}: silence did not hold, loudest rms {loudest}"
    );
}

/// The loudest reading of the speakers over `span` (sampled every 10 ms in the page): silence must hold the
/// whole time.
async fn loudest_over(browser: &Browser, span: Duration) -> f64 {
    reset_loudest(browser).await;
    tokio::time::sleep(span).await;
    loudest(browser).await.rms
}

fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Opens the page with the output tap installed.
async fn open(name: &str) -> Browser {
    let browser = Browser::start(name).await;
    browser.open("/").await;
    browser.wait_for_css("#audio-panel").await;
    browser.js(TAP).await;
    browser
}

/// The default world's numbers and phones (src/sandbox/default_world.json): the Conference line's app creates
/// `demo` (playBeep=always) and adds the caller without startConfOnEnter; the Host line's adds the caller to the
/// newest `demo` with startConfOnEnter.
const CONFERENCE_LINE: &str = "+15550100000";
const HOST_LINE: &str = "+15550100001";
/// Talks 1.5 s, silent 2.5 s.
const TALKER: &str = "+15550122222";
/// A 440 Hz tone.
const TONE: &str = "+15550133333";
/// Silent.
const QUIET: &str = "+15550144444";
/// The learner's microphone phone (`conflab::sandbox::MICROPHONE_PHONE`).
const YOU: &str = "+15550199999";

/// Creates a conference by REST with `alias` (the Host line's app joins the newest `demo`), `playBeep` and
/// `record`, and waits for its card.
async fn create_conference(browser: &Browser, alias: &str, play_beep: &str, record: bool) {
    let create = "form#create-conference";
    let input = browser.wait_for_css(&format!("{create} input#alias")).await;
    input.clear().await.expect("clear alias");
    input.send_keys(alias).await.expect("type alias");
    browser
        .js(&format!(
            "const s = document.querySelector('#play-beep'); s.value = '{play_beep}'; \
             s.dispatchEvent(new Event('change', {{bubbles: true}}));"
        ))
        .await;
    browser.set_checkbox("#record", record).await;
    browser
        .button(create, "Create conference")
        .await
        .click()
        .await
        .expect("click Create conference");
    browser
        .wait_for_css(&format!(
            r#"section.conference[data-alias="{alias}"][data-conference-id]"#
        ))
        .await;
}

/// Dials `number` from `phone` and waits until the phone is a participant of the newest `demo`; returns its
/// call id.
async fn join(browser: &Browser, phone: &str, number: &str) -> String {
    browser.dial(phone, number).await;
    browser
        .wait_until(&format!("{phone} to join demo"), async || {
            let v = browser
                .js(&format!(
                    r#"const li = document.querySelector('section.conference[data-alias="demo"] li.participant[data-phone="{phone}"]');
                       return li ? li.dataset.callId : null"#
                ))
                .await;
            v.as_str().map(str::to_owned).ok_or(format!("{v}"))
        })
        .await
}

/// Waits until the first `demo` card shows `status`.
async fn expect_status(browser: &Browser, status: &str) {
    browser
        .wait_for_js(
            &format!("demo to be {status}"),
            r#"const s = document.querySelector('section.conference[data-alias="demo"] .status');
               return s ? s.dataset.status : null"#,
            Value::from(status),
        )
        .await;
}

/// Clicks "Start audio" and waits for the context to run.
async fn start_audio(browser: &Browser) {
    let state = browser.wait_for_css("#audio-state").await;
    assert_eq!(
        state
            .attr("data-state")
            .await
            .expect("data-state")
            .as_deref(),
        Some("not started"),
        "the audio state before the click"
    );
    browser
        .button("#audio-panel", "Start audio")
        .await
        .click()
        .await
        .expect("click Start audio");
    browser
        .wait_until("the audio to run", async || {
            let v = browser.js("return window.conflabAudio || null").await;
            match v.get("state").and_then(Value::as_str) {
                Some("running") => Ok(()),
                other => Err(format!("conflabAudio.state {other:?}: {v}")),
            }
        })
        .await;
    let text = browser
        .js("return document.querySelector('#audio-state').textContent")
        .await;
    assert_eq!(text.as_str(), Some("Audio: running"));
}

/// Chooses whose ears the speakers play (a phone on a call), and waits until the page hears its call.
async fn hear_as(browser: &Browser, phone: &str) {
    browser
        .wait_for_css(&format!(r#"#hear-as option[value="{phone}"]"#))
        .await;
    browser
        .js(&format!(
            "const s = document.querySelector('#hear-as'); s.value = '{phone}'; \
             s.dispatchEvent(new Event('change', {{bubbles: true}}));"
        ))
        .await;
    browser
        .wait_until(&format!("to hear as {phone}"), async || {
            let v = browser
                .js(&format!(
                    r#"const li = document.querySelector('li.phone[data-phone="{phone}"]');
                       return [window.conflabAudio.hearAs, window.conflabAudio.hearing, li && li.dataset.callId]"#
                ))
                .await;
            if v[0] == phone && v[1].is_string() && v[1] == v[2] {
                Ok(())
            } else {
                Err(format!("{v}"))
            }
        })
        .await;
}

/// The page's meter of `call_id`'s voice (`null` when none yet).
async fn meter(browser: &Browser, call_id: &str) -> Value {
    browser
        .js(&format!(
            "return (window.conflabAudio && window.conflabAudio.meters && window.conflabAudio.meters['{call_id}']) || null"
        ))
        .await
}

/// Sets a participant's checkbox (`talk` or `listen`) in the `demo` card: REST to the simulated FreeClimb.
async fn set_privilege(browser: &Browser, phone: &str, name: &str, on: bool) {
    browser
        .set_checkbox(
            &format!(
                r#"section.conference[data-alias="demo"] li.participant[data-phone="{phone}"] input[name={name}]"#
            ),
            on,
        )
        .await;
}

/// The fake microphone reaches another participant's ears and never the learner's own; Mute (REST talk=false)
/// silences it for the others; "You" shows a named level meter and a talking badge; Hang up ends it.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_microphone_reaches_others_and_never_itself() {
    let browser = open("audio-mic").await;
    start_audio(&browser).await;
    // A silent phone makes demo; you join it by the Host line, which starts it (no wait music in progress).
    join(&browser, QUIET, CONFERENCE_LINE).await;
    browser
        .js("document.querySelector('#mic-number').value = '+15550100001'")
        .await;
    browser
        .button("#audio-panel", "Join with my microphone")
        .await
        .click()
        .await
        .expect("click Join with my microphone");
    let you = browser
        .wait_until("You to be on a call", async || {
            let v = browser.js("return window.conflabAudio").await;
            match (v["mic"].as_str(), v["micCall"].as_str()) {
                (Some("on"), Some(call)) => Ok(call.to_owned()),
                _ => Err(format!("{v}")),
            }
        })
        .await;
    let li = browser
        .wait_for_css(r#"section.conference[data-alias="demo"] li.participant[data-name="You"]"#)
        .await;
    assert_eq!(
        li.attr("data-call-id").await.expect("call id").as_deref(),
        Some(you.as_str())
    );
    expect_status(&browser, "inProgress").await;
    let mic_state = browser
        .js("return document.querySelector('#mic-state').dataset.mic")
        .await;
    assert_eq!(mic_state.as_str(), Some("on"));
    // Hear-as defaults to You once on a call.
    browser
        .wait_for_js(
            "Hear as to follow You",
            "return window.conflabAudio.hearing",
            Value::from(you.as_str()),
        )
        .await;

    // The fake microphone beeps: its meter moves and the level meter of "You" shows it.
    browser
        .wait_until("the microphone's meter to move", async || {
            let m = meter(&browser, &you).await;
            match m["peak"].as_f64() {
                Some(p) if p > 0.05 => Ok(()),
                _ => Err(format!("meter {m}")),
            }
        })
        .await;
    let labelled = browser
        .js(
            r#"const m = document.querySelector('li.participant[data-name="You"] meter');
               return m ? [m.getAttribute('aria-label'), m.max] : null"#,
        )
        .await;
    assert_eq!(labelled, serde_json::json!(["Level of You", 1]));
    browser
        .wait_until("the talking badge of You", async || {
            let text = browser
                .js(r#"return document.querySelector('li.participant[data-name="You"] .talking').textContent"#)
                .await;
            if text.as_str() == Some("talking") {
                Ok(())
            } else {
                Err(format!("badge {text}"))
            }
        })
        .await;

    // Once permission is granted the device pickers list the fake devices by name.
    let inputs = browser
        .wait_until("the microphone picker to list the fake devices", async || {
            let v = browser
                .js("return [...document.querySelectorAll('#input-device option')].map(o => [o.value, o.textContent])")
                .await;
            let named: Vec<(String, String)> = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
            if named.iter().any(|(id, label)| !id.is_empty() && label.contains("Fake")) {
                Ok(named)
            } else {
                Err(format!("options {v}"))
            }
        })
        .await;
    assert_eq!(inputs[0], (String::new(), "Default microphone".to_owned()));

    // The silent participant hears the microphone.
    hear_as(&browser, QUIET).await;
    let heard = wait_for_level(&browser, "the other phone to hear the microphone", |l| {
        l.rms > SOUND
    })
    .await;
    println!(
        "the other phone hears the fake microphone: rms {:.4}, loudest bin {:.0} Hz",
        heard.rms, heard.hz
    );

    // You never hear yourself (the other phone is silent, no music plays in progress).
    hear_as(&browser, YOU).await;
    silence_holds(&browser, "You to hear silence (never yourself)").await;

    // Mute: REST talk=false for your participant, shown on it; the other phone hears nothing any more.
    browser
        .button("#audio-panel", "Mute")
        .await
        .click()
        .await
        .expect("click Mute");
    browser
        .wait_for_js(
            "You's talk checkbox to clear",
            r#"return document.querySelector('li.participant[data-name="You"] input[name=talk]').checked"#,
            Value::Bool(false),
        )
        .await;
    let pressed = browser
        .js("return document.querySelector('#mute').getAttribute('aria-pressed')")
        .await;
    assert_eq!(pressed.as_str(), Some("true"), "Mute shows it is pressed");
    hear_as(&browser, QUIET).await;
    silence_holds(
        &browser,
        "the other phone to hear silence once You is muted",
    )
    .await;

    // Unmuted, it hears you again.
    browser
        .button("#audio-panel", "Mute")
        .await
        .click()
        .await
        .expect("click Mute again");
    wait_for_level(
        &browser,
        "the other phone to hear the unmuted microphone",
        |l| l.rms > SOUND,
    )
    .await;

    // Hang up: You is gone, the microphone is off, and joining is offered again.
    browser
        .button("#audio-panel", "Hang up")
        .await
        .click()
        .await
        .expect("click Hang up");
    browser
        .wait_until("You to leave", async || {
            let v = browser
                .js(r#"return [document.querySelector('#mic-state').dataset.mic,
                               window.conflabAudio.mic,
                               document.querySelectorAll('li.participant[data-name="You"]').length,
                               document.querySelector('#join-mic').disabled]"#)
                .await;
            if v == serde_json::json!(["off", "off", 0, false]) {
                Ok(())
            } else {
                Err(format!("{v}"))
            }
        })
        .await;
    // The exit beep (playBeep=always) may still sound; then the other phone hears nothing.
    silence_holds(&browser, "no microphone once You hung up").await;

    browser.assert_no_console_problems().await;
    browser.screenshot("audio-mic").await;
    browser.finish().await;
}

/// A refused, missing or unsupported microphone shows its own clear state and dials nothing.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn a_denied_microphone_is_shown_and_joins_nobody() {
    let browser = open("audio-denied").await;
    start_audio(&browser).await;
    browser
        .js("navigator.mediaDevices.getUserMedia = () => \
             Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));")
        .await;
    browser
        .button("#audio-panel", "Join with my microphone")
        .await
        .click()
        .await
        .expect("click Join with my microphone");
    browser
        .wait_for_js(
            "the denied state",
            "return document.querySelector('#mic-state').dataset.mic",
            Value::from("denied"),
        )
        .await;
    let text = browser
        .js("return document.querySelector('#mic-state').textContent")
        .await;
    assert!(
        text.as_str().unwrap_or("").contains("denied: allow it"),
        "the denied state says what to do: {text}"
    );
    let dialled = browser
        .js("return document.querySelectorAll('#calls li.call').length")
        .await;
    assert_eq!(dialled, 0, "a refused microphone dials nothing");

    // No input device at all: its own state, and the button can be tried again.
    browser
        .js("navigator.mediaDevices.getUserMedia = () => \
             Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));")
        .await;
    browser
        .button("#audio-panel", "Join with my microphone")
        .await
        .click()
        .await
        .expect("click Join with my microphone again");
    browser
        .wait_for_js(
            "the no-device state",
            "return document.querySelector('#mic-state').dataset.mic",
            Value::from("no-device"),
        )
        .await;
    let text = browser
        .js("return document.querySelector('#mic-state').textContent")
        .await;
    assert!(
        text.as_str()
            .unwrap_or("")
            .contains("no microphone was found"),
        "{text}"
    );

    // A browser without getUserMedia (or a page that is not a secure context): "unsupported".
    browser
        .js("Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true });")
        .await;
    browser
        .button("#audio-panel", "Join with my microphone")
        .await
        .click()
        .await
        .expect("click Join with my microphone a third time");
    browser
        .wait_for_js(
            "the unsupported state",
            "return document.querySelector('#mic-state').dataset.mic",
            Value::from("unsupported"),
        )
        .await;
    let dialled = browser
        .js("return document.querySelectorAll('#calls li.call').length")
        .await;
    assert_eq!(dialled, 0);
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// Is this reading the 1 kHz beep?
fn is_beep(l: Level) -> bool {
    l.rms > SOUND && (l.hz - 1000.0).abs() < 30.0
}

/// The conference beep (1 kHz, 250 ms) plays per playBeep: with `always` (the Conference line's demo) a listener
/// hears others enter and leave; with `never` (a demo created by REST, [`no_beep_with_play_beep_never`]) the
/// joiner hears none.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_beep_plays_per_play_beep() {
    let browser = open("audio-beep").await;
    start_audio(&browser).await;

    // The quiet phone makes demo (its welcome prompt is louder than a beep, so its own entry beep is not measured
    // here) and waits with music (about −18 dBFS, quieter than the −12 dBFS beep).
    join(&browser, QUIET, CONFERENCE_LINE).await;
    expect_status(&browser, "populated").await;
    hear_as(&browser, QUIET).await;
    tokio::time::sleep(Duration::from_millis(600)).await;

    // The talker enters by the Host line: the quiet phone hears the entry beep.
    reset_loudest(&browser).await;
    join(&browser, TALKER, HOST_LINE).await;
    let entry = wait_for_loudest(&browser, "the entry beep", is_beep).await;
    println!(
        "entry beep heard by the quiet phone: rms {:.4} at {:.0} Hz",
        entry.rms, entry.hz
    );
    // Removed by REST (DELETE …/Participants/{callId}): the exit beep.
    reset_loudest(&browser).await;
    browser
        .button(
            &format!(
                r#"section.conference[data-alias="demo"] li.participant[data-phone="{TALKER}"]"#
            ),
            "Remove",
        )
        .await
        .click()
        .await
        .expect("click Remove");
    wait_for_loudest(&browser, "the exit beep", is_beep).await;

    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// With playBeep=never the joiner hears no entry beep: a demo created by REST, joined by the Host line.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn no_beep_with_play_beep_never() {
    let browser = open("audio-no-beep").await;
    start_audio(&browser).await;
    create_conference(&browser, "demo", "never", false).await;
    join(&browser, QUIET, HOST_LINE).await;
    hear_as(&browser, QUIET).await;
    expect_status(&browser, "inProgress").await;
    silence_holds(&browser, "playBeep=never: no entry beep for the joiner").await;
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// Wait music plays to a listener while the conference is populated and stops when it goes inProgress.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn wait_music_plays_while_populated_and_stops_in_progress() {
    let browser = open("audio-music").await;
    start_audio(&browser).await;
    join(&browser, QUIET, CONFERENCE_LINE).await;
    expect_status(&browser, "populated").await;
    hear_as(&browser, QUIET).await;
    let music = wait_for_level(&browser, "the quiet phone to hear wait music", |l| {
        l.rms > SOUND
    })
    .await;
    println!("wait music heard: rms {:.4}", music.rms);

    // The tone phone starts it by the Host line; its talk goes off by REST, so only music could still sound.
    join(&browser, TONE, HOST_LINE).await;
    expect_status(&browser, "inProgress").await;
    set_privilege(&browser, TONE, "talk", false).await;
    silence_holds(&browser, "the music to stop at inProgress").await;
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// A participant with listen=false (REST) hears silence while another talks (a 440 Hz tone).
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn a_participant_with_listen_off_hears_silence() {
    let browser = open("audio-listen").await;
    start_audio(&browser).await;
    let tone = join(&browser, TONE, CONFERENCE_LINE).await;
    let quiet = join(&browser, QUIET, HOST_LINE).await;
    expect_status(&browser, "inProgress").await;
    hear_as(&browser, QUIET).await;
    let heard = wait_for_level(&browser, "the quiet phone to hear the tone", |l| {
        l.rms > SOUND && (l.hz - 440.0).abs() < 30.0
    })
    .await;
    println!("the tone heard: rms {:.4} at {:.0} Hz", heard.rms, heard.hz);

    // Each card shows its participant's voice: the tone (−12 dBFS, rms ≈ 0.18) talks, the quiet phone does not.
    let cards = browser
        .wait_until("the tone's meter and talking badge", async || {
            let v = browser
                .js(&format!(
                    r#"return ['{tone}', '{quiet}'].map(c => {{
                         const li = document.querySelector(`section.conference[data-alias="demo"] li.participant[data-call-id="${{c}}"]`);
                         const m = li.querySelector('meter');
                         return [Number(m.dataset.rms), m.value, li.querySelector('.talking').textContent];
                       }})"#
                ))
                .await;
            let rms = v[0][0].as_f64().unwrap_or(0.0);
            if v[0][2] == "talking" && (rms - 0.178).abs() < 0.02 {
                Ok(v)
            } else {
                Err(format!("{v}"))
            }
        })
        .await;
    assert!(cards[0][1].as_f64().unwrap_or(0.0) > 0.5, "{cards}");
    assert_eq!(
        (cards[1][0].as_f64(), cards[1][2].as_str()),
        (Some(0.0), Some("quiet")),
        "{cards}"
    );

    set_privilege(&browser, QUIET, "listen", false).await;
    silence_holds(&browser, "silence with listen=false").await;
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// A conference recording becomes a player and a download link; the file fetched from the link decodes to
/// sound of the right length.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn a_recording_can_be_downloaded_and_decodes() {
    let browser = open("audio-recording").await;
    start_audio(&browser).await;
    create_conference(&browser, "demo", "never", true).await;
    join(&browser, TONE, HOST_LINE).await;
    expect_status(&browser, "inProgress").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    browser
        .button(
            &format!(
                r#"section.conference[data-alias="demo"] li.participant[data-phone="{TONE}"]"#
            ),
            "Remove",
        )
        .await
        .click()
        .await
        .expect("click Remove");
    expect_status(&browser, "empty").await;

    let link = browser
        .wait_for_css(r#"#recordings a[download^="RE"][download$=".wav"]"#)
        .await;
    let download = link
        .attr("download")
        .await
        .expect("download")
        .expect("a download name");
    assert_eq!(download.len(), "RE".len() + 40 + ".wav".len(), "{download}");
    let player = browser
        .js("const a = document.querySelector('#recordings audio'); return a ? [a.getAttribute('aria-label'), a.src.startsWith('blob:')] : null")
        .await;
    assert_eq!(
        player,
        serde_json::json!([
            format!("Recording {}", download.trim_end_matches(".wav")),
            true
        ])
    );

    // Fetch the link's blob in the page and decode it as a browser would play it.
    let decoded = browser
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const url = document.querySelector('#recordings a[download]').href;
               fetch(url).then(r => r.arrayBuffer()).then(bytes => {
                 const size = bytes.byteLength;
                 return new OfflineAudioContext(1, 1, 44100).decodeAudioData(bytes).then(buffer => {
                   const data = buffer.getChannelData(0);
                   let peak = 0, sum = 0;
                   for (const x of data) { peak = Math.max(peak, Math.abs(x)); sum += x * x; }
                   done({ size, duration: buffer.duration, rate: buffer.sampleRate,
                          peak, rms: Math.sqrt(sum / data.length) });
                 });
               }).catch(e => done({ error: String(e) }));"#,
            vec![],
        )
        .await
        .expect("fetch and decode the recording");
    println!("decoded recording: {decoded}");
    assert_eq!(decoded.get("error"), None, "{decoded}");
    let duration = decoded["duration"].as_f64().expect("duration");
    assert!(
        (1.0..10.0).contains(&duration),
        "the recording lasts about as long as the conference was in progress: {decoded}"
    );
    assert!(
        decoded["rms"].as_f64().expect("rms") > SOUND,
        "the recording holds the tone: {decoded}"
    );
    // It ran while the conference was inProgress: the page's note gives that time on the virtual clock.
    let note = browser
        .js("return document.querySelector('#recordings .size').textContent")
        .await;
    let note = note.as_str().expect("the recording's note");
    let in_progress: f64 = note
        .strip_prefix("(demo, ")
        .and_then(|rest| rest.split(" s in progress").next())
        .and_then(|secs| secs.parse().ok())
        .unwrap_or_else(|| panic!("unexpected note {note:?}"));
    assert!(
        (duration - in_progress).abs() < 0.5,
        "recorded {duration:.2} s, in progress {in_progress:.1} s ({note})"
    );
    browser.assert_no_console_problems().await;
    browser.screenshot("audio-recording").await;
    browser.finish().await;
}

// ---- The Scenario panel's sound: Hear as a phone of a run, its caption, the run's recordings --------------------

/// The rate the Scenario panel renders at (`conflab run`'s default).
const SCENARIO_RATE: f64 = 16_000.0;

/// Picks example `title` in the Scenario panel, runs it and waits for its sound section.
async fn run_example(browser: &Browser, title: &str) {
    // The app mounts after the page loads: wait for the panel before reading its menu.
    browser.wait_for_css("#session-example").await;
    // Replacing a session with steps asks first; the test answers yes. Reset first, so that the loaded example
    // shows as a change of the status (steps) whatever the session was.
    browser
        .js("window.confirm = () => true; document.querySelector('#session-reset').click();")
        .await;
    browser
        .wait_for_js(
            "the default world",
            "return document.querySelector('#session-status').dataset.steps",
            Value::from("0"),
        )
        .await;
    let picked = browser
        .js(&format!(
            "const s = document.querySelector('#session-example'); \
             const o = [...s.options].find(o => o.textContent === {title:?}); \
             if (!o) return false; \
             s.value = o.value; s.dispatchEvent(new Event('change', {{bubbles: true}})); return true;"
        ))
        .await;
    assert_eq!(picked, Value::Bool(true), "no example titled {title:?}");
    browser
        .wait_until(&format!("{title:?} loaded"), async || {
            let steps = browser
                .js("return document.querySelector('#session-status').dataset.steps")
                .await;
            if steps.as_str() != Some("0") {
                Ok(())
            } else {
                Err("still the default world".to_owned())
            }
        })
        .await;
    run_to_end_and_hear(browser).await;
}

/// Runs the session to its end ("Run to the end") and offers its sound ("Hear the session").
async fn run_to_end_and_hear(browser: &Browser) {
    browser
        .js("document.querySelector('#session-to-end').click();")
        .await;
    browser
        .wait_until("the clock at the end", async || {
            let now = browser
                .js("return document.querySelector('#session-status').dataset.now")
                .await;
            if now.as_str().is_some_and(|n| n != "0") {
                Ok(())
            } else {
                Err(format!("now is {now}"))
            }
        })
        .await;
    browser
        .wait_for_css("#session-sound")
        .await
        .click()
        .await
        .expect("click Hear the session");
    browser.wait_for_css("#scenario-hear-as").await;
}

/// Chooses `phone` in the Scenario panel's Hear as, renders, and waits for the player of that phone.
async fn render_scenario_phone(browser: &Browser, phone: &str) {
    browser
        .js(&format!(
            "const s = document.querySelector('#scenario-hear-as'); s.value = {phone:?}; \
             s.dispatchEvent(new Event('change', {{bubbles: true}}));"
        ))
        .await;
    browser
        .button("#scenario-audio", "Render audio")
        .await
        .click()
        .await
        .expect("click Render audio");
    browser
        .wait_until(&format!("the player of {phone}"), async || {
            let v = browser
                .js("const p = document.querySelector('#scenario-audio-status'); \
                     const a = document.querySelector('#scenario-player'); \
                     return [p && p.dataset.phone, a && a.src.startsWith('blob:'), p && p.textContent]")
                .await;
            if v[0].as_str() == Some(phone) && v[1] == Value::Bool(true) {
                Ok(())
            } else {
                Err(format!("{v}"))
            }
        })
        .await;
}

/// Fetches the WAV behind the `<audio>` (or link) `css` in the page and decodes it at 16 kHz (the rate it was
/// rendered at, so no resampling): its duration, and the RMS of each `[from, to)` window in seconds.
async fn decode_wav(browser: &Browser, css: &str, windows: &[(f64, f64)]) -> Value {
    browser
        .client
        .execute_async(
            r#"const [css, windows, rate] = arguments;
               const done = arguments[arguments.length - 1];
               const el = document.querySelector(css);
               fetch(el.src || el.href).then(r => r.arrayBuffer()).then(bytes =>
                 new OfflineAudioContext(1, 1, rate).decodeAudioData(bytes).then(buffer => {
                   const data = buffer.getChannelData(0);
                   const rms = windows.map(([from, to]) => {
                     const a = Math.round(from * rate), b = Math.min(data.length, Math.round(to * rate));
                     let sum = 0;
                     for (let i = a; i < b; i++) sum += data[i] * data[i];
                     return b > a ? Math.sqrt(sum / (b - a)) : 0;
                   });
                   done({ duration: buffer.duration, frames: data.length, rate: buffer.sampleRate, rms });
                 })).catch(e => done({ error: String(e) }));"#,
            vec![
                Value::from(css),
                serde_json::to_value(windows).expect("windows as JSON"),
                Value::from(SCENARIO_RATE),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("fetch and decode {css}: {e}"))
}

/// Clicks Render audio again from inside the page and returns how long the click took in ms: the render, the
/// WAV encoding and the blob URLs all happen in its handler, on the main thread. Printed, never asserted.
async fn rerender_ms(browser: &Browser) -> f64 {
    browser
        .js(
            "const t0 = performance.now(); document.querySelector('#scenario-render').click(); \
             return performance.now() - t0;",
        )
        .await
        .as_f64()
        .expect("a duration")
}

/// The caption's kind and text once `pass` accepts them.
async fn wait_for_caption(
    browser: &Browser,
    what: &str,
    pass: impl Fn(&str, &str, f64) -> bool,
) -> (String, String) {
    browser
        .wait_until(what, async || {
            let v = browser
                .js("const c = document.querySelector('#scenario-caption'); \
                     const a = document.querySelector('#scenario-player'); \
                     return [c.dataset.kind, c.textContent, a.currentTime, a.paused]")
                .await;
            let (kind, text) = (v[0].as_str().unwrap_or(""), v[1].as_str().unwrap_or(""));
            if pass(kind, text, v[2].as_f64().unwrap_or(-1.0)) {
                Ok((kind.to_owned(), text.to_owned()))
            } else {
                Err(format!("{v}"))
            }
        })
        .await
}

/// Seeks the Scenario panel's player to `secs`.
async fn seek_scenario_player(browser: &Browser, secs: f64) {
    browser
        .js(&format!(
            "document.querySelector('#scenario-player').currentTime = {secs};"
        ))
        .await;
}

/// The last virtual time of a golden event log, in ms: where a run's render ends.
fn golden_end_ms(jsonl: &str) -> u64 {
    jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok()?["at"].as_u64())
        .max()
        .expect("a golden log with lines")
}

/// A scenario with a Say, run in the Scenario panel and heard as its caller: the player's WAV lasts exactly the
/// run (16 kHz), the Say and the wait music after it are sound, and the caption shows the Say's text at a
/// seeked time and while playing, then the beep and the music.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_scenario_panel_renders_a_phone_with_captions() {
    let browser = Browser::start("scenario-audio").await;
    browser.open("/").await;
    run_example(&browser, "PerCL CreateConference, then AddToConference").await;
    let phones = browser
        .js("return [...document.querySelectorAll('#scenario-hear-as option')].map(o => o.value)")
        .await;
    assert_eq!(
        phones,
        serde_json::json!(["+15550111111"]),
        "the phones to hear as"
    );
    render_scenario_phone(&browser, "+15550111111").await;

    let link = browser
        .js("const a = document.querySelector('#scenario-download'); \
             return [a.getAttribute('download'), a.href === document.querySelector('#scenario-player').src]")
        .await;
    assert_eq!(link, serde_json::json!(["+15550111111.wav", true]));

    // The Say lasts 0–1.6 s (400 ms a word); the caller then waits alone in the conference with music until 9 s.
    let end_ms = golden_end_ms(include_str!("golden/scenarios/percl-create-join.jsonl"));
    let decoded = decode_wav(&browser, "#scenario-player", &[(0.0, 1.6), (2.0, 9.0)]).await;
    println!("decoded scenario player: {decoded}");
    assert_eq!(decoded.get("error"), None, "{decoded}");
    assert_eq!(
        decoded["frames"].as_u64(),
        Some(end_ms * 16),
        "the WAV lasts the run, {end_ms} ms at 16 kHz: {decoded}"
    );
    let say = decoded["rms"][0].as_f64().expect("rms of the Say");
    let music = decoded["rms"][1].as_f64().expect("rms of the music");
    assert!(say > SOUND, "the Say is heard: rms {say}");
    assert!(music > SOUND, "the wait music is heard: rms {music}");

    // At a seeked time: the Say's text while it is spoken, then the beep with the music, then the music.
    browser
        .wait_until("the player's metadata", async || {
            let v = browser
                .js("return document.querySelector('#scenario-player').readyState")
                .await;
            if v.as_u64().unwrap_or(0) >= 1 {
                Ok(())
            } else {
                Err(format!("readyState {v}"))
            }
        })
        .await;
    seek_scenario_player(&browser, 0.8).await;
    let (_, text) = wait_for_caption(&browser, "the Say caption at 0.8 s", |kind, text, _| {
        kind == "say" && text.contains("Welcome to the standup")
    })
    .await;
    assert_eq!(text.trim(), "“Welcome to the standup”");
    seek_scenario_player(&browser, 1.7).await;
    let (_, text) = wait_for_caption(&browser, "the beep caption at 1.7 s", |kind, _, _| {
        kind == "beep"
    })
    .await;
    assert_eq!(text.trim(), "♪ beep (1000 Hz) · ♪ wait music");
    seek_scenario_player(&browser, 5.0).await;
    let (_, text) = wait_for_caption(&browser, "the music caption at 5 s", |kind, _, _| {
        kind == "music"
    })
    .await;
    assert_eq!(text.trim(), "♪ wait music");

    // While playing from the start, timeupdate brings the Say's text back.
    seek_scenario_player(&browser, 0.0).await;
    browser
        .js("document.querySelector('#scenario-player').play();")
        .await;
    wait_for_caption(&browser, "the Say caption while playing", |kind, _, at| {
        kind == "say" && at > 0.0 && at < 1.6
    })
    .await;
    browser
        .js("document.querySelector('#scenario-player').pause();")
        .await;
    browser.assert_no_console_problems().await;
    browser
        .js("document.querySelector('#scenario-audio').scrollIntoView()")
        .await;
    browser.screenshot("scenario-audio").await;
    browser.finish().await;
}

/// A run's conference recording is a player and a download in the Scenario panel, lasting exactly as long as
/// the conference was recording (2 s to 9 s).
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_scenario_panel_offers_the_runs_recordings() {
    let browser = Browser::start("scenario-recording").await;
    browser.open("/").await;
    run_example(&browser, "Recording while inProgress").await;
    let first = browser
        .js("return document.querySelector('#scenario-hear-as').value")
        .await;
    let first = first.as_str().expect("a phone to hear as").to_owned();
    render_scenario_phone(&browser, &first).await;
    let names = browser
        .js("return [...document.querySelectorAll('#scenario-recordings a[download]')].map(a => a.getAttribute('download'))")
        .await;
    assert_eq!(
        names,
        serde_json::json!(["RE9e7eb00e4c9c9e35c1dfda7a5eb236f8acb06798.wav"]),
        "the recording the log reports"
    );
    println!(
        "Recording while inProgress ({first}, 12 s of audio and a 7 s recording at 16 kHz) rendered on the main \
         thread in {:.0} ms",
        rerender_ms(&browser).await
    );
    let decoded = decode_wav(&browser, "#scenario-recordings a[download]", &[]).await;
    assert_eq!(decoded.get("error"), None, "{decoded}");
    assert_eq!(
        decoded["frames"].as_u64(),
        Some(7 * 16_000),
        "recording from 2 s to 9 s: {decoded}"
    );

    // Once something is rendered, choosing another phone renders it at once.
    let other = browser
        .js("const s = document.querySelector('#scenario-hear-as'); \
             const o = [...s.options].map(o => o.value).find(v => v !== s.value); \
             s.value = o; s.dispatchEvent(new Event('change', {bubbles: true})); return o;")
        .await;
    let other = other.as_str().expect("a second phone").to_owned();
    browser
        .wait_for_js(
            &format!("the render of {other}"),
            "return document.querySelector('#scenario-audio-status').dataset.phone",
            Value::from(other.as_str()),
        )
        .await;
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// A phone whose media is a WAV file cannot be read by the browser: the panel names it and renders it silent
/// (the other participant hears nothing where `conflab run --hear` gives it the file's 500 Hz tone) until the
/// learner picks the file, which the browser decodes and the render then plays.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_scenario_panel_renders_file_media_phones_silent_and_says_so() {
    let browser = Browser::start("scenario-file-media").await;
    browser.open("/").await;
    run_example(
        &browser,
        "Audio: a phone whose media is a WAV file (pick the file to hear it)",
    )
    .await;
    let note = browser
        .js("const p = document.querySelector('#scenario-file-media'); return p && p.textContent")
        .await;
    let note = note
        .as_str()
        .unwrap_or_else(|| panic!("no file media note: {note}"));
    assert!(
        note.contains("+15550166666 (audio_media/tone500.wav)") && note.contains("silent"),
        "{note}"
    );
    render_scenario_phone(&browser, "+15550177777").await;
    let end_ms = golden_end_ms(include_str!("golden/scenarios/audio_file.jsonl"));
    let decoded = decode_wav(&browser, "#scenario-player", &[(0.0, 10.0)]).await;
    assert_eq!(decoded.get("error"), None, "{decoded}");
    assert_eq!(decoded["frames"].as_u64(), Some(end_ms * 16), "{decoded}");
    let rms = decoded["rms"][0].as_f64().expect("rms");
    assert!(
        rms < SILENCE,
        "the file phone is silent in the browser: rms {rms}"
    );

    // Picking the file (matched by its name) decodes it in the browser and renders again: now the other
    // participant hears the file's 500 Hz tone.
    let wav = harness::root().join("tests/scenarios/audio_media/tone500.wav");
    browser
        .wait_for_css("#scenario-files")
        .await
        .send_keys(wav.to_str().expect("a UTF-8 path"))
        .await
        .expect("pick the WAV file");
    browser
        .wait_until("the picked file to load", async || {
            let v = browser
                .js("const p = document.querySelector('#scenario-files-status'); return p && p.textContent")
                .await;
            match v.as_str() {
                Some(t) if t.starts_with("Loaded audio_media/tone500.wav") => Ok(()),
                _ => Err(format!("{v}")),
            }
        })
        .await;
    browser
        .wait_until("the phone to hear the file", async || {
            let d = decode_wav(&browser, "#scenario-player", &[(0.0, 10.0)]).await;
            match d["rms"][0].as_f64() {
                Some(rms) if rms > 0.02 => Ok(()),
                _ => Err(format!("{d}")),
            }
        })
        .await;
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// A prompt cut short by a digit (GetDigits' finish key) ends in the sound and in the caption at the same
/// moment: the first Say stops at 1 s, the next starts at 1.5 s, and between them the caller hears nothing.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_scenario_panel_caption_follows_a_prompt_cut_by_a_digit() {
    let browser = Browser::start("scenario-caption-stop").await;
    browser.open("/").await;
    run_example(&browser, "GetDigits: finish key and timeouts").await;
    render_scenario_phone(&browser, "+15550111111").await;
    let decoded = decode_wav(
        &browser,
        "#scenario-player",
        &[(0.0, 1.0), (1.05, 1.45), (1.5, 3.9)],
    )
    .await;
    assert_eq!(decoded.get("error"), None, "{decoded}");
    let rms: Vec<f64> = (0..3)
        .map(|i| decoded["rms"][i].as_f64().expect("rms"))
        .collect();
    assert!(
        rms[0] > SOUND && rms[1] < SILENCE && rms[2] > SOUND,
        "prompt, silence after the digit, next prompt: {rms:?}"
    );
    browser
        .wait_until("the player's metadata", async || {
            let v = browser
                .js("return document.querySelector('#scenario-player').readyState")
                .await;
            if v.as_u64().unwrap_or(0) >= 1 {
                Ok(())
            } else {
                Err(format!("readyState {v}"))
            }
        })
        .await;
    for (at, kind, text) in [
        (0.5, "say", "“Enter your pin then press pound”"),
        (1.2, "none", "(nothing said)"),
        (2.0, "say", "“You entered 12 because of finishKey”"),
    ] {
        seek_scenario_player(&browser, at).await;
        let (_, shown) =
            wait_for_caption(&browser, &format!("the caption at {at} s"), |k, _, t| {
                k == kind && (t - at).abs() < 0.01
            })
            .await;
        assert_eq!(shown.trim(), text, "the caption at {at} s");
    }
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// A run longer than the panel renders (10 minutes) gets a message that says what to do instead, and no
/// player: nothing hangs, nothing panics.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_scenario_panel_refuses_to_render_a_very_long_run_with_a_message() {
    let browser = Browser::start("scenario-long-run").await;
    browser.open("/").await;
    run_example(&browser, "PerCL CreateConference, then AddToConference").await;
    // The caller now hangs up after 11 minutes instead of 9 s: imported as the session.
    let edited = browser
        .js(
            r#"const source = SOURCE.replace('"at": 9000, "hangup"', '"at": 660000, "hangup"');
               if (source === SOURCE) return false;
               const t = document.querySelector('#session-import-text');
               t.value = source; document.querySelector('#session-import').click(); return true;"#
                .replace(
                    "SOURCE",
                    &format!("{:?}", include_str!("scenarios/percl-create-join.json")),
                )
                .as_str(),
        )
        .await;
    assert_eq!(edited, Value::Bool(true), "the example's hangup step");
    browser
        .wait_for_js(
            "the import",
            "const p = document.querySelector('#session-import-status'); return p && p.getAttribute('role')",
            Value::from("status"),
        )
        .await;
    run_to_end_and_hear(&browser).await;
    browser
        .button("#scenario-audio", "Render audio")
        .await
        .click()
        .await
        .expect("click Render audio");
    let message = browser
        .wait_until("the render's refusal", async || {
            let v = browser
                .js(
                    "const p = document.querySelector('#scenario-audio-status[role=alert]'); \
                     return p && p.textContent",
                )
                .await;
            v.as_str().map(str::to_owned).ok_or(format!("{v}"))
        })
        .await;
    assert!(
        message.contains("the run lasts 11.0 min")
            && message.contains("at most 10 min")
            && message.contains("conflab run --hear +15550111111=FILE.wav"),
        "{message}"
    );
    let player = browser
        .js("return document.querySelector('#scenario-player') === null")
        .await;
    assert_eq!(player, Value::Bool(true), "no player for a refused render");
    browser.assert_no_console_problems().await;
    browser.finish().await;
}

/// The bytes of the WAV behind `css` (an `<audio>` or a link) in the page.
async fn wav_bytes(browser: &Browser, css: &str) -> Vec<u8> {
    use base64::Engine as _;
    let b64 = browser
        .client
        .execute_async(
            r#"const [css] = arguments;
               const done = arguments[arguments.length - 1];
               const el = document.querySelector(css);
               fetch(el.src || el.href).then(r => r.arrayBuffer()).then(buffer => {
                 const bytes = new Uint8Array(buffer);
                 let text = '';
                 for (let i = 0; i < bytes.length; i += 0x8000) {
                   text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
                 }
                 done(btoa(text));
               }).catch(e => done('error: ' + e));"#,
            vec![Value::from(css)],
        )
        .await
        .unwrap_or_else(|e| panic!("fetch {css}: {e}"));
    let b64 = b64.as_str().expect("base64 text");
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap_or_else(|e| panic!("{css}: {e}: {b64:.80}"))
}

/// What `conflab run SCENARIO --hear PHONE=… --record-dir …` writes, computed here with the same library calls
/// (no files: every phone's media is generated): the phone's WAV, then each recording's id and WAV.
fn native_wavs(scenario: &str, phone: &str) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
    use conflab::audio::{self, MediaFiles, Score, wav};
    let scenario = conflab::scenario::parse(scenario).expect("a valid scenario");
    let (_, score) = Score::from_run(&scenario, None, &MediaFiles::new(), 16_000);
    let hear = score.phones.get(phone).cloned().unwrap_or_default();
    let config = conflab_mixer::Config {
        sample_rate: 16_000,
        block: 128,
    };
    let rendered = audio::render(&score, config, &[hear]).expect("render");
    let recordings = rendered
        .recordings
        .iter()
        .map(|(id, samples)| (id.clone(), wav::encode(samples, 16_000)))
        .collect();
    (wav::encode(&rendered.hear[0], 16_000), recordings)
}

/// Where two WAV files first differ and how many bytes differ, for a failure message.
fn wav_difference(browser: &[u8], native: &[u8]) -> String {
    let first = browser.iter().zip(native).position(|(a, b)| a != b);
    let differing = browser.iter().zip(native).filter(|(a, b)| a != b).count();
    format!(
        "{} bytes in the browser, {} natively; first difference at byte {first:?}; {differing} bytes differ",
        browser.len(),
        native.len()
    )
}

/// The Scenario panel's files are the native ones, byte for byte: what a phone hears (a Say, the beep, the wait
/// music) and a conference recording, rendered by the same crate::audio in wasm on the main thread.
#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_scenario_panel_files_equal_the_native_render_byte_for_byte() {
    let browser = Browser::start("scenario-parity").await;
    browser.open("/").await;
    for (title, source, phone) in [
        (
            "PerCL CreateConference, then AddToConference",
            include_str!("scenarios/percl-create-join.json"),
            "+15550111111",
        ),
        (
            "Audio: tones, beeps, wait music, talk=false, listen=false, recording",
            include_str!("scenarios/audio_lifecycle.json"),
            "+15550111111",
        ),
    ] {
        run_example(&browser, title).await;
        render_scenario_phone(&browser, phone).await;
        let (hear, recordings) = native_wavs(source, phone);
        let heard = wav_bytes(&browser, "#scenario-download").await;
        assert!(
            heard == hear,
            "{title}, heard as {phone}: {}",
            wav_difference(&heard, &hear)
        );
        let ids = browser
            .js("return [...document.querySelectorAll('#scenario-recordings li')].map(li => li.dataset.recordingId)")
            .await;
        let native_ids: Vec<&str> = recordings.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            serde_json::json!(native_ids),
            "{title}: the recordings"
        );
        for (id, native) in &recordings {
            let bytes = wav_bytes(
                &browser,
                &format!(r#"#scenario-recordings li[data-recording-id="{id}"] a[download]"#),
            )
            .await;
            assert!(
                bytes == *native,
                "{title}, recording {id}: {}",
                wav_difference(&bytes, native)
            );
        }
        println!(
            "{title}: {} B heard as {phone} and {} recording(s), identical to the native render",
            heard.len(),
            recordings.len()
        );
    }
    browser.assert_no_console_problems().await;
    browser.finish().await;
}
