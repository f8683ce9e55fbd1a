//! The browser's audio in headless Chromium (`./x test` runs it; it needs the worklet module built first, which
//! `./x` does: see `build_worklet` there).
//!
//! * Parity: in an `OfflineAudioContext` at 8 kHz, through the real worklet script and module, (1) the native
//!   side's fixture scenario tests/scenarios/audio_parity.json equals tests/golden/audio/parity.f32 and (2) the
//!   command stream of src/worklet/tests/support/stream.rs equals tests/golden/audio/worklet-stream.f32, bit
//!   for bit. Each prints its largest difference and number of differing samples as a JSON line.
//! * The live graph: `AudioHandle` starts, the fake microphone feeds a leg (meters show it), a recording comes
//!   back as a WAV file that decodes, a missing device is `MicError::NoDevice`.
//! * Benchmarks, only when built with `CONFLAB_AUDIO_BENCH=1` (`./x bench audio`): the share of the 2.67 ms
//!   render quantum (128 frames at 48 kHz) the module uses at 64, 256 and 1,024 legs (printed, never
//!   asserted). With `CONFLAB_AUDIO_SOAK=1` (`./x bench audio` sets it): a 60 s real-time run with 32 simulated
//!   legs that prints its underrun count from Chromium's `AudioContext.playbackStats` and the context clock's
//!   lag. Without it (`./x test`) the same run lasts 3 s and checks only what does not depend on the machine's
//!   load: no worklet error, the context renders, underruns can be counted.
#![cfg(target_arch = "wasm32")]

#[path = "../src/worklet/tests/support/stream.rs"]
mod stream;

use conflab::audio::{MediaFiles, Score};
use conflab::web_audio::{
    Assets, AudioEvent, AudioHandle, ContextState, MicError, ModuleSource, render_offline,
};
use conflab_mixer::{Command, LegId, RoomId, SourceSpec};
use js_sys::{Function, Reflect, WebAssembly};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The worklet script, served to the test page as a blob: URL.
const SCRIPT: &str = include_str!("../static/mixer-worklet.js");
/// The mixer module as Trunk's pre_build hook (and `./x`) builds it.
const MODULE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/target/worklet/wasm32-unknown-unknown/worklet/conflab_worklet.wasm"
));
/// The native render of the fixture stream.
const GOLDEN: &[u8] = include_bytes!("golden/audio/worklet-stream.f32");

fn assets() -> Assets {
    let make_url = Function::new_with_args(
        "source",
        "return URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));",
    );
    let url = make_url
        .call1(&JsValue::NULL, &JsValue::from_str(SCRIPT))
        .unwrap();
    Assets {
        script_url: url.as_string().unwrap(),
        module: ModuleSource::Bytes(MODULE.to_vec()),
    }
}

async fn sleep(ms: u64) {
    yew::platform::time::sleep(Duration::from_millis(ms)).await;
}

#[wasm_bindgen_test]
async fn the_worklet_renders_the_native_bits_in_an_offline_context() {
    let golden = stream::from_bytes(GOLDEN).expect("the golden file has HEAR × FRAMES samples");
    let render = render_offline(
        &assets(),
        stream::SAMPLE_RATE,
        stream::FRAMES as u32,
        &stream::commands(),
        &stream::HEAR,
    )
    .await
    .unwrap_or_else(|e| panic!("offline render failed: {e}"));
    assert_eq!(render.sample_rate, stream::SAMPLE_RATE);
    let (largest, differing) = stream::compare(&golden, &render.channels);
    console_log!(
        "{{\"parity\":\"worklet-stream\",\"sample_rate\":{},\"frames\":{},\"channels\":{},\"largest_abs_difference\":{largest},\"differing_samples\":{differing}}}",
        stream::SAMPLE_RATE,
        stream::FRAMES,
        stream::HEAR.len()
    );
    assert_eq!(
        (differing, largest),
        (0, 0.0),
        "the browser render must equal the native one bit for bit"
    );
}

/// The native side's parity fixture (tests/audio_parity.rs): a whole scenario, rendered natively at 8 kHz.
const PARITY_SCENARIO: &[u8] = include_bytes!("scenarios/audio_parity.json");
/// What +15550111111 hears in it, natively: raw little-endian f32.
const PARITY_GOLDEN: &[u8] = include_bytes!("golden/audio/parity.f32");

#[wasm_bindgen_test]
async fn the_parity_scenario_renders_the_native_bits_in_the_browser() {
    // The same score the native test renders: the engine runs the scenario here, in wasm, too.
    let scenario =
        conflab::scenario::parse_bytes(PARITY_SCENARIO).expect("the parity scenario parses");
    let (_, score) = Score::from_run(&scenario, None, &MediaFiles::new(), 8000);
    let selection = &score.phones["+15550111111"];
    let mut legs: Vec<LegId> = selection.segments.iter().map(|s| s.leg).collect();
    legs.dedup();
    let render = render_offline(
        &assets(),
        8000,
        score.end_frame as u32,
        &score.commands,
        &legs,
    )
    .await
    .unwrap_or_else(|e| panic!("offline render failed: {e}"));
    // The phone hears, block by block, the leg of its call at that block (silence outside its calls), exactly
    // as conflab::audio::render picks it.
    let mut heard = Vec::with_capacity(score.end_frame as usize);
    for (start, block) in (0..score.end_frame)
        .step_by(128)
        .zip(render.channels[0].chunks(128))
    {
        match selection
            .leg_at(start)
            .and_then(|leg| legs.iter().position(|l| *l == leg))
        {
            Some(c) => heard.extend_from_slice(
                &render.channels[c][start as usize..start as usize + block.len()],
            ),
            None => heard.extend(std::iter::repeat_n(0.0, block.len())),
        }
    }
    let golden: Vec<f32> = PARITY_GOLDEN
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    assert_eq!(heard.len(), golden.len(), "the run's length in frames");
    let (largest, differing) = stream::compare(&[golden], &[heard]);
    console_log!(
        "{{\"parity\":\"audio_parity.json\",\"phone\":\"+15550111111\",\"sample_rate\":8000,\"frames\":{},\"largest_abs_difference\":{largest},\"differing_samples\":{differing}}}",
        score.end_frame
    );
    assert_eq!(
        (differing, largest),
        (0, 0.0),
        "the browser render must equal the native one bit for bit"
    );
}

/// Collects every event of a handle.
fn collect(
    handle: &AudioHandle,
) -> (
    Rc<RefCell<Vec<AudioEvent>>>,
    conflab::web_audio::Subscription,
) {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    // try_borrow: a failed test must not turn into a panic in a later test's event callback.
    let subscription = handle.subscribe(move |event| {
        if let Ok(mut sink) = sink.try_borrow_mut() {
            sink.push(event.clone());
        }
    });
    (events, subscription)
}

#[wasm_bindgen_test]
async fn the_live_graph_meters_the_microphone_and_returns_a_recording() {
    let handle = AudioHandle::start_with(&assets())
        .await
        .unwrap_or_else(|e| panic!("start: {e}"));
    handle.resume().await.unwrap();
    assert_eq!(handle.state(), ContextState::Running);
    let (events, _subscription) = collect(&handle);
    let room = RoomId(0);
    handle.send(&[
        (
            0,
            Command::AddLeg {
                leg: LegId(0),
                input: SourceSpec::External,
            },
        ),
        (
            0,
            Command::AddLeg {
                leg: LegId(1),
                input: SourceSpec::Tone { hz: 440.0 },
            },
        ),
        (
            0,
            Command::Join {
                leg: LegId(0),
                room,
                talk: true,
                listen: true,
            },
        ),
        (
            0,
            Command::Join {
                leg: LegId(1),
                room,
                talk: true,
                listen: true,
            },
        ),
        (0, Command::Record { room, on: true }),
    ]);
    handle
        .attach_microphone(LegId(0), None)
        .await
        .unwrap_or_else(|e| panic!("microphone: {e}"));
    handle.hear_as(Some(LegId(0)));
    sleep(1500).await;
    handle.send(&[(0, Command::Record { room, on: false })]);
    sleep(400).await;
    handle.detach_microphone();

    let events = events.borrow().clone();
    let mut mic_peak = 0.0f32;
    let mut tone_peaks = Vec::new();
    for event in events.iter() {
        if let AudioEvent::Meters(meters) = event {
            for (leg, meter) in meters {
                match leg.0 {
                    0 => mic_peak = mic_peak.max(meter.peak),
                    1 => tone_peaks.push(meter.peak),
                    _ => panic!("meter of unknown leg {}", leg.0),
                }
            }
        }
    }
    // Chromium's fake microphone beeps; a −12 dBFS sine peaks at 0.2512 (each report holds the loudest of its
    // ~17 blocks, so every report after the first one's fade-in sees the crest).
    assert!(
        mic_peak > 0.1,
        "the microphone never reached its leg (peak {mic_peak})"
    );
    assert!(
        tone_peaks.len() > 10,
        "only {} meters of the tone leg in 1.9 s",
        tone_peaks.len()
    );
    for peak in &tone_peaks[1..] {
        assert!(
            (peak - 0.2512).abs() < 0.003,
            "tone leg peak {peak} in {tone_peaks:?}"
        );
    }
    let wav = events
        .iter()
        .find_map(|e| match e {
            AudioEvent::Recording {
                room: RoomId(0),
                wav,
            } => Some(wav.clone()),
            _ => None,
        })
        .expect("the recording came back when Record went off");
    let (samples, rate) = conflab::audio::wav::decode(&wav).expect("the recording decodes");
    assert_eq!(rate as f32, handle.sample_rate());
    let seconds = samples.len() as f32 / rate as f32;
    assert!((1.2..2.5).contains(&seconds), "recorded {seconds} s");
    let peak = samples.iter().fold(0.0f32, |p, x| p.max(x.abs()));
    assert!(peak > 0.2, "the recording is nearly silent (peak {peak})");
}

#[wasm_bindgen_test]
async fn a_missing_microphone_is_no_device() {
    let handle = AudioHandle::start_with(&assets()).await.unwrap();
    handle.send(&[(
        0,
        Command::AddLeg {
            leg: LegId(0),
            input: SourceSpec::External,
        },
    )]);
    let error = handle
        .attach_microphone(LegId(0), Some("no-such-device".to_owned()))
        .await
        .unwrap_err();
    assert_eq!(error, MicError::NoDevice, "{error}");
    assert!(error.to_string().contains("no microphone was found"));
}

/// The mixer module instantiated on this (main) thread, called through its exports.
struct Module {
    exports: JsValue,
}

impl Module {
    fn new() -> Module {
        let module = WebAssembly::Module::new(&js_sys::Uint8Array::from(MODULE).into()).unwrap();
        let instance = WebAssembly::Instance::new(&module, &js_sys::Object::new()).unwrap();
        Module {
            exports: instance.exports().into(),
        }
    }

    fn function(&self, name: &str) -> Function {
        Reflect::get(&self.exports, &JsValue::from_str(name))
            .unwrap()
            .unchecked_into()
    }

    fn call(&self, name: &str, args: &[f64]) -> f64 {
        let args: js_sys::Array = args.iter().map(|&a| JsValue::from_f64(a)).collect();
        self.function(name)
            .apply(&JsValue::NULL, &args)
            .unwrap()
            .as_f64()
            .unwrap_or(0.0)
    }

    /// Writes and applies a command stream, as the worklet script does.
    fn send(&self, commands: &[(u64, Command)]) {
        let mut words = Vec::new();
        for (frame, command) in commands {
            command.encode(*frame, &mut words);
        }
        let at = self.call("words_ptr", &[words.len() as f64]) as u32;
        let memory: WebAssembly::Memory = Reflect::get(&self.exports, &JsValue::from_str("memory"))
            .unwrap()
            .unchecked_into();
        js_sys::Uint32Array::new_with_byte_offset_and_length(
            &memory.buffer(),
            at,
            words.len() as u32,
        )
        .copy_from(&words);
        assert_eq!(
            self.call("apply", &[words.len() as f64]),
            commands.len() as f64
        );
    }
}

/// `legs` simulated talkers in one room, everyone talking and listening.
fn talkers(legs: u32) -> Vec<(u64, Command)> {
    let room = RoomId(0);
    (0..legs)
        .flat_map(|i| {
            [
                (
                    0,
                    Command::AddLeg {
                        leg: LegId(i),
                        input: SourceSpec::Talker {
                            seed: u64::from(i),
                            talk_ms: 2000,
                            silence_ms: 2000,
                            text: String::new(),
                        },
                    },
                ),
                (
                    0,
                    Command::Join {
                        leg: LegId(i),
                        room,
                        talk: true,
                        listen: true,
                    },
                ),
            ]
        })
        .collect()
}

const BENCH_RATE: u32 = 48_000;
const QUANTUM_MS: f64 = 128.0 * 1000.0 / BENCH_RATE as f64;

/// The memory of a module (views are made anew after any call that may grow it).
fn memory(module: &Module) -> js_sys::ArrayBuffer {
    let memory: WebAssembly::Memory = Reflect::get(&module.exports, &JsValue::from_str("memory"))
        .unwrap()
        .unchecked_into();
    memory.buffer().unchecked_into()
}

/// Sets up `legs` legs in one room, all talking and listening: `talkers` gives each a simulated talker (the
/// source's synthesis is then part of the cost); otherwise their inputs are external and filled once with the
/// native `conflab bench mixer` scene's noise (the same work that bench measures: mixing, limiters, meters).
fn bench_scene(legs: u32, talkers_on: bool) -> Module {
    let module = Module::new();
    assert_eq!(module.call("init", &[f64::from(BENCH_RATE), 128.0]), 1.0);
    if talkers_on {
        module.send(&talkers(legs));
        return module;
    }
    let room = RoomId(0);
    let commands: Vec<_> = (0..legs)
        .flat_map(|i| {
            [
                (
                    0,
                    Command::AddLeg {
                        leg: LegId(i),
                        input: SourceSpec::External,
                    },
                ),
                (
                    0,
                    Command::Join {
                        leg: LegId(i),
                        room,
                        talk: true,
                        listen: true,
                    },
                ),
            ]
        })
        .collect();
    module.send(&commands);
    module.call("render", &[]);
    let config = conflab_mixer::Config {
        sample_rate: BENCH_RATE,
        block: 128,
    };
    let inputs = conflab_mixer::bench::Scene::new(legs as usize, config).inputs;
    for (leg, frames) in inputs.chunks_exact(128).enumerate() {
        let at = module.call("input_ptr", &[leg as f64]) as u32;
        assert_ne!(at, 0, "leg {leg} has no input block");
        js_sys::Float32Array::new_with_byte_offset_and_length(&memory(&module), at, 128)
            .copy_from(frames);
    }
    module
}

#[wasm_bindgen_test]
fn bench_quantum_share() {
    if option_env!("CONFLAB_AUDIO_BENCH").is_none() {
        console_log!(
            "bench_quantum_share: skipped (build with CONFLAB_AUDIO_BENCH=1, or run ./x bench audio)"
        );
        return;
    }
    let performance = web_sys::window().unwrap().performance().unwrap();
    // The timed loop runs in JS and calls the module's export directly (no Rust glue per quantum).
    let timed = Function::new_with_args("render, n", "for (let i = 0; i < n; i++) render();");
    for legs in [64u32, 256, 1024] {
        for (scene, talkers_on) in [("external", false), ("talkers", true)] {
            let module = bench_scene(legs, talkers_on);
            let render = module.function("render");
            // Past the join ramps and the first allocations.
            timed
                .call2(&JsValue::NULL, &render, &JsValue::from(50))
                .unwrap();
            // Rounds of at least 50 ms (performance.now() is coarsened to 0.1 ms here, so short rounds would
            // be imprecise); the best of 7 counts (a shared machine only slows).
            let mut quanta = 16u32;
            loop {
                let t0 = performance.now();
                timed
                    .call2(&JsValue::NULL, &render, &JsValue::from(quanta))
                    .unwrap();
                if performance.now() - t0 >= 50.0 || quanta >= 1 << 20 {
                    break;
                }
                quanta *= 2;
            }
            // Each round also times the baseline, the plain sum of as many blocks in the same module (the
            // native bench's), so the ratio holds even when the shared machine slows every round.
            let plain = module.function("bench_plain_sum");
            let (legs_js, quanta_js) = (JsValue::from(legs), JsValue::from(quanta));
            let (mut best, mut best_plain) = (f64::INFINITY, f64::INFINITY);
            for _ in 0..7 {
                let t0 = performance.now();
                timed.call2(&JsValue::NULL, &render, &quanta_js).unwrap();
                best = best.min((performance.now() - t0) / f64::from(quanta));
                let t0 = performance.now();
                plain.call2(&JsValue::NULL, &legs_js, &quanta_js).unwrap();
                best_plain = best_plain.min((performance.now() - t0) / f64::from(quanta));
            }
            let ns_per_leg_sample = best * 1e6 / (f64::from(legs) * 128.0);
            console_log!(
                "{{\"bench\":\"worklet_quantum_share\",\"scene\":\"{scene}\",\"legs\":{legs},\"sample_rate\":{BENCH_RATE},\"block\":128,\"quantum_ms\":{QUANTUM_MS:.4},\"ms_per_quantum\":{best:.5},\"share\":{:.5},\"ns_per_leg_sample\":{ns_per_leg_sample:.3},\"plain_sum_ms_per_quantum\":{best_plain:.5},\"ratio_to_plain_sum\":{:.2},\"quanta_per_round\":{quanta},\"rounds\":7}}",
                best / QUANTUM_MS,
                best / best_plain
            );
        }
    }
}

/// The real-time run. In `./x test` (no `CONFLAB_AUDIO_SOAK`) it is a 3 s functional check: the graph keeps
/// rendering live talkers with no worklet error, and Chromium counts underruns at all. How many underruns a
/// 60 s run has depends on the machine's load (a CI run on a busy machine once saw 2), so that figure is printed
/// by `./x bench audio` (`CONFLAB_AUDIO_SOAK=1`) and never asserted.
#[wasm_bindgen_test]
async fn bench_soak_60_s_with_32_legs() {
    let soak = option_env!("CONFLAB_AUDIO_SOAK").is_some();
    if !soak {
        console_log!(
            "bench_soak_60_s_with_32_legs: 3 s functional run (the 60 s underrun figure: ./x bench audio)"
        );
    }
    let handle = AudioHandle::start_with(&assets()).await.unwrap();
    handle.resume().await.unwrap();
    let (events, _subscription) = collect(&handle);
    // CONFLAB_AUDIO_SOAK_LEGS / _SECONDS change the run (an overloaded run, say 2,048 legs for 10 s, shows
    // that the count does see underruns).
    let legs: u32 = option_env!("CONFLAB_AUDIO_SOAK_LEGS")
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let seconds: u32 = option_env!("CONFLAB_AUDIO_SOAK_SECONDS")
        .and_then(|v| v.parse().ok())
        .unwrap_or(if soak { 60 } else { 3 });
    handle.send(&talkers(legs));
    handle.hear_as(Some(LegId(0)));
    let performance = web_sys::window().unwrap().performance().unwrap();
    sleep(500).await;
    let before = handle.playback_stats();
    let (t0, c0) = (performance.now(), handle.current_time());
    sleep(u64::from(seconds) * 1000).await;
    let after = handle.playback_stats();
    let (wall, rendered) = (
        (performance.now() - t0) / 1000.0,
        handle.current_time() - c0,
    );
    let worklet_errors = events
        .borrow()
        .iter()
        .filter(|e| matches!(e, AudioEvent::WorkletError(_)))
        .count();
    let (events_delta, duration_delta, total) = match (before, after) {
        (Some(b), Some(a)) => (
            f64::from(a.underrun_events) - f64::from(b.underrun_events),
            a.underrun_seconds - b.underrun_seconds,
            a.total_seconds - b.total_seconds,
        ),
        _ => (f64::NAN, f64::NAN, f64::NAN),
    };
    console_log!(
        "{{\"bench\":\"worklet_soak\",\"legs\":{legs},\"sample_rate\":{},\"wall_s\":{wall:.3},\"context_s\":{rendered:.3},\"lag_ms\":{:.1},\"underrun_events\":{events_delta},\"underrun_s\":{duration_delta},\"playback_total_s\":{total},\"worklet_errors\":{worklet_errors}}}",
        handle.sample_rate(),
        (wall - rendered) * 1000.0
    );
    assert_eq!(worklet_errors, 0);
    assert!(
        after.is_some(),
        "this browser has no AudioContext.playbackStats, so underruns cannot be counted"
    );
    assert!(
        rendered > 0.0,
        "the context rendered nothing in {seconds} s"
    );
}
