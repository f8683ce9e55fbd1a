//! `conflab bench engine`: the engine's throughput. N conferences × 10 participants go through a full lifecycle
//! (PerCL CreateConference, nine AddToConference joins, everyone hangs up, REST terminate), driven directly
//! through `handle_input` / `poll_output` with an in-process app that answers every webhook at once.
//!
//! One JSON line per size (100, 1,000, 10,000 and 100,000 conferences by default): events (outputs drained),
//! seconds (the best of three runs up to 10,000 conferences), events per second, nanoseconds per event and the
//! cost per event relative to the smallest size measured in the same run (a flat cost is a ratio near 1). Goal:
//! 10,000 conferences in at most 1 s natively.
//!
//! `conflab bench mixer`: the audio mixer against a plain sum of the same buffers (see `conflab_mixer::bench`).
//!
//! `conflab bench memory`: peak memory against run length and room size ([`super::bench_memory`]).
//!
//! Every argument is range-checked by the parser (a value outside its range is refused with exit 2 and the
//! range, before anything runs), and stdout is written through [`super::output`].

use super::output::{self, OutputError};
use crate::engine::{Config, Engine, Input, NumberConfig, Output, WebhookResult};
use crate::ids::IdGenerator;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

/// Options of `conflab bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Conferences × 10 participants through a full lifecycle; prints events per second per size.
    #[command(after_help = output::EXIT_HELP)]
    Engine {
        /// Numbers of conferences to run (each its own engine), each 1 to 1000000.
        #[arg(long, value_delimiter = ',', default_values_t = vec![100, 1_000, 10_000, 100_000],
              value_parser = clap::value_parser!(u64).range(1..=MAX_CONFERENCES))]
        sizes: Vec<u64>,
        /// Conferences up at once in the `rolling` workload, 1 to 1000000.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=MAX_CONFERENCES))]
        live: u64,
    },
    /// Peak memory (RSS) of `conflab run --record-dir` on the same 100-call recorded conference held for a short
    /// and a long time; prints one JSON line per run and the long run's peak as a multiple of the short one's.
    #[command(after_help = output::EXIT_HELP)]
    AudioMemory {
        /// Length of the short run, in virtual ms (1000 to 36000000).
        #[arg(long, default_value_t = 600_000, value_parser = clap::value_parser!(u64).range(1_000..=36_000_000))]
        short_ms: u64,
        /// Length of the long run, in virtual ms (1000 to 36000000: 10 hours).
        #[arg(long, default_value_t = 36_000_000, value_parser = clap::value_parser!(u64).range(1_000..=36_000_000))]
        long_ms: u64,
        /// Calls in the conference (1 to 1000).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1_000))]
        calls: u64,
        /// Sample rate of the recording, Hz (8000 to 192000).
        #[arg(long, default_value_t = 8_000, value_parser = clap::value_parser!(u32).range(8_000..=192_000))]
        sample_rate: u32,
    },
    /// The audio mixer: N legs in one room (N-1 with limiters) against a plain sum of the same buffers; prints
    /// one JSON line per size (see conflab_mixer::bench).
    #[command(after_help = output::EXIT_HELP)]
    Mixer {
        /// Numbers of legs in the room, each 1 to 65536 (the mixer's most legs).
        #[arg(long, value_delimiter = ',', default_values_t = vec![64, 256, 1_024],
              value_parser = clap::value_parser!(u64).range(1..=u64::from(conflab_mixer::MAX_LEGS)))]
        legs: Vec<u64>,
    },
    /// Peak memory of child `conflab run`s: a 10-minute against a 10-hour run of one 100-call scenario, and
    /// 1,000 against 10,000 participants joining; prints one JSON line per case and the ratios (goal: 1.2).
    Memory {
        /// Internal: be the child, running `conflab run` with these arguments and then reporting its own peak.
        #[arg(long, hide = true, num_args = 1.., allow_hyphen_values = true)]
        child: Option<Vec<String>>,
    },
    /// `conflab serve` on loopback: REST requests per second sustained by concurrent clients (in this process),
    /// p50 and p99 latency, and the resident memory at the start and the end (one JSON line).
    Serve {
        /// How long to run, in seconds: 1 to 3600.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
        seconds: u64,
        /// Concurrent clients, each with one keep-alive connection: 1 to 1024.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1024))]
        clients: u64,
    },
}

/// The most conferences `--sizes` and `--live` take: ten times the largest default size (about 3 GB at its
/// peak: each conference has ten calls, and the engine keeps every ended call for the REST API).
const MAX_CONFERENCES: u64 = 1_000_000;

/// Participants per conference.
const PARTICIPANTS: usize = 10;
const NUMBER: &str = "+15550100000";
const IN: &str = "https://app.test/in";
const CREATED: &str = "https://app.test/created";

/// Runs `conflab bench`.
pub fn run(args: &Args) -> ExitCode {
    let mut out = output::Stdout::lock();
    let done = match &args.what {
        What::Memory { child } => return super::bench_memory::run(child.as_deref()),
        What::Serve { seconds, clients } => return serve_bench(*seconds, *clients as usize),
        What::Engine { sizes, live } => engine(&mut out, sizes, *live),
        What::Mixer { legs } => mixer(&mut out, legs),
        What::AudioMemory {
            short_ms,
            long_ms,
            calls,
            sample_rate,
        } => audio_memory(
            &mut out,
            *calls as usize,
            [*short_ms, *long_ms],
            *sample_rate,
        ),
    };
    match done.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.exit("conflab bench"),
    }
}

/// Runs `conflab bench engine`: one JSON line per workload and size, each flushed as soon as it is measured.
fn engine(out: &mut output::Stdout, sizes: &[u64], live: u64) -> Result<(), OutputError> {
    // Both are at most MAX_CONFERENCES (the parser checks), which fits any usize conflab builds for.
    let sizes: Vec<usize> = sizes.iter().map(|&n| n as usize).collect();
    let live = live as usize;
    // Two workloads per size: every conference up at once (`concurrent`: the live set grows with the size, so
    // caches matter more and more), and a rolling one with at most `live` conferences up at a time while the
    // engine's history (ended calls, conferences and recordings, all kept for the REST API) grows with the size.
    for (mode, cap) in [("concurrent", None), ("rolling", Some(live))] {
        let mut baseline: Option<f64> = None;
        for &n in &sizes {
            let live_now = cap.unwrap_or(n).min(n);
            // The best of three runs for the smaller sizes: the machine may be shared, and the minimum is the
            // run least disturbed by others.
            let runs = if n <= 10_000 { 3 } else { 1 };
            let (events, seconds) =
                (0..runs)
                    .map(|_| lifecycle(n, live_now))
                    .fold(
                        (0, f64::INFINITY),
                        |best, r| if r.1 < best.1 { r } else { best },
                    );
            let ns_per_event = seconds * 1e9 / events as f64;
            let base = *baseline.get_or_insert(ns_per_event);
            out.line(
                &serde_json::json!({
                    "bench": "engine",
                    "mode": mode,
                    "conferences": n,
                    "liveConferences": live_now,
                    "participants": PARTICIPANTS,
                    "events": events,
                    "seconds": (seconds * 1e4).round() / 1e4,
                    "eventsPerSecond": (events as f64 / seconds).round(),
                    "nsPerEvent": ns_per_event.round(),
                    "costRatioToSmallest": (ns_per_event / base * 100.0).round() / 100.0,
                })
                .to_string(),
            )?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Runs `conflab bench mixer`: one JSON line per size, at 48 kHz in blocks of 128 (an AudioWorklet's quantum).
fn mixer(out: &mut output::Stdout, legs: &[u64]) -> Result<(), OutputError> {
    let start = Instant::now();
    let mut clock = || start.elapsed().as_secs_f64();
    let config = conflab_mixer::Config::default();
    for &n in legs {
        let r = conflab_mixer::bench::measure(
            n as usize,
            config,
            conflab_mixer::bench::Plan::default(),
            &mut clock,
        );
        let round3 = |x: f64| (x * 1e3).round() / 1e3;
        out.line(
            &serde_json::json!({
                "bench": "mixer",
                "legs": r.legs,
                "block": r.block,
                "sample_rate": r.sample_rate,
                "blocks": r.blocks,
                "naive_blocks": r.naive_blocks,
                "ns_per_leg_sample": round3(r.ns_per_leg_sample),
                "plain_sum_ns_per_leg_sample": round3(r.plain_sum_ns_per_leg_sample),
                "ratio": (r.ratio * 100.0).round() / 100.0,
                "naive_ns_per_leg_sample": round3(r.naive_ns_per_leg_sample),
            })
            .to_string(),
        )?;
        out.flush()?;
    }
    Ok(())
}

/// Runs `conflab bench audio-memory`: the recorded conference at both lengths, one JSON line each, then the
/// ratio of their peaks (flat memory: near 1).
fn audio_memory(
    out: &mut output::Stdout,
    calls: usize,
    lengths: [u64; 2],
    sample_rate: u32,
) -> Result<(), OutputError> {
    let mut peaks = Vec::new();
    for run_ms in lengths {
        let started = Instant::now();
        match record_dir_memory(calls, run_ms, sample_rate) {
            Ok(kib) => {
                peaks.push(kib);
                out.line(
                    &serde_json::json!({
                        "bench": "audio-memory",
                        "calls": calls,
                        "runMs": run_ms,
                        "sampleRate": sample_rate,
                        "peakRssKiB": kib,
                        "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
                    })
                    .to_string(),
                )?;
                out.flush()?;
            }
            Err(e) => {
                output::note(&format!("conflab bench audio-memory: {e}"));
                return Ok(());
            }
        }
    }
    if let [short, long] = peaks[..] {
        out.line(
            &serde_json::json!({
                "bench": "audio-memory",
                "longOverShort": (long as f64 / short.max(1) as f64 * 100.0).round() / 100.0,
            })
            .to_string(),
        )?;
    }
    Ok(())
}

/// The peak resident memory (KiB) of a child `conflab run SCENARIO --record-dir DIR --sample-rate RATE`, where
/// the scenario is `calls` calls joining one recorded conference, held for `run_ms` of virtual time. The
/// scenario and the recording live in a scratch folder removed afterwards. The peak is the child's `VmHWM`
/// (Linux), read from /proc every 20 ms until it exits: the render's memory is steady, so the last reading is
/// its peak.
pub fn record_dir_memory(calls: usize, run_ms: u64, sample_rate: u32) -> Result<u64, String> {
    let dir = std::env::temp_dir().join(format!(
        "conflab-bench-audio-memory-{}-{run_ms}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let scenario = dir.join("scenario.json");
    std::fs::write(&scenario, recorded_conference(calls, run_ms).to_string())
        .map_err(|e| format!("cannot write {}: {e}", scenario.display()))?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find conflab itself: {e}"))?;
    let peak = (|| {
        let mut child = std::process::Command::new(exe)
            .arg("run")
            .arg(&scenario)
            .arg("--record-dir")
            .arg(dir.join("rec"))
            .arg("--sample-rate")
            .arg(sample_rate.to_string())
            // Without it a run stops after one hour of virtual time (engine::runner::MAX_RUN_MS).
            .arg("--until")
            .arg(run_ms.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start conflab run: {e}"))?;
        let status_path = format!("/proc/{}/status", child.id());
        let mut peak = 0;
        loop {
            if let Some(kib) = std::fs::read_to_string(&status_path)
                .ok()
                .and_then(|s| vm_hwm_kib(&s))
            {
                peak = peak.max(kib);
            }
            match child.try_wait() {
                Ok(Some(status)) => {
                    let mut said = String::new();
                    if let Some(mut err) = child.stderr.take() {
                        let _ = std::io::Read::read_to_string(&mut err, &mut said);
                    }
                    // The run must have rendered its whole length into its recording, or the figure measures
                    // something else.
                    let whole =
                        format!("rendered {}.{:03} s of audio", run_ms / 1000, run_ms % 1000);
                    return if status.success()
                        && said.contains(&whole)
                        && said.contains("(1 recording")
                    {
                        Ok(peak)
                    } else {
                        Err(format!("conflab run: {status}: {}", said.trim()))
                    };
                }
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
                Err(e) => return Err(format!("cannot wait for conflab run: {e}")),
            }
        }
    })();
    let _ = std::fs::remove_dir_all(&dir);
    peak
}

/// The `VmHWM` (peak resident set) of a /proc/PID/status text, in KiB.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A scenario: `calls` phones (each a different tone) join one recorded conference in the first seconds, and a
/// request at `run_ms` holds the run (and the recording) open until then.
fn recorded_conference(calls: usize, run_ms: u64) -> serde_json::Value {
    let join = "https://app.test/join";
    let mut phones = serde_json::Map::new();
    let mut steps = vec![
        serde_json::json!({"at": 0, "api": {"method": "POST", "path": "/Conferences",
        "body": {"alias": "room", "record": true, "statusCallbackUrl": "https://app.test/status"}}}),
    ];
    for i in 0..calls {
        let phone = format!("+1555030{i:04}");
        phones.insert(
            phone.clone(),
            serde_json::json!({"media": {"tone": 200 + 10 * (i % 100)}}),
        );
        steps.push(
            serde_json::json!({"at": 1000 + 10 * i as u64, "dial": {"from": phone, "to": NUMBER}}),
        );
    }
    steps.push(
        serde_json::json!({"at": run_ms.max(1000 + 10 * calls as u64 + 1000),
        "api": {"method": "GET", "path": "/Conferences"}}),
    );
    serde_json::json!({
        "numbers": {NUMBER: {"voiceUrl": join}},
        "phones": phones,
        "app": {join: [{"AddToConference": {"conferenceId": "{{conference:room}}", "startConfOnEnter": true}}]},
        "steps": steps,
    })
}

/// The phone of participant `i` of conference `k`.
fn phone(k: usize, i: usize) -> String {
    format!("+1{k:09}{i}")
}

/// Runs `n` conferences through their lifecycle; returns (outputs drained, seconds).
fn lifecycle(n: usize, live: usize) -> (u64, f64) {
    let mut numbers = BTreeMap::new();
    numbers.insert(
        NUMBER.to_owned(),
        NumberConfig {
            voice_url: Some(IN.to_owned()),
            status_callback_url: Some("https://app.test/calls".to_owned()),
            call_connect_url: None,
            ..NumberConfig::default()
        },
    );
    let config = Config {
        seed: 1,
        epoch_unix_secs: crate::engine::DEFAULT_EPOCH_UNIX_SECS,
        account: crate::engine::Account {
            account_id: "AC0000000000000000000000000000000000000001".to_owned(),
            api_key: "key".to_owned(),
            signing_secret: "sigsec_bench".to_owned(),
            kind: crate::wire::AccountType::Full,
            verified_numbers: Vec::new(),
        },
        applications: BTreeMap::new(),
        numbers,
        phones: BTreeMap::new(),
        webhook_timeout_ms: crate::engine::WEBHOOK_TIMEOUT_MS,
        // The in-process app answers every call at one instant by design: no runaway budget applies.
        budgets: crate::engine::Budgets::UNLIMITED,
    };
    let start = Instant::now();
    let mut engine = Engine::with_ids(config, IdGenerator::new(1));
    let mut app = App {
        conferences: vec![String::new(); n],
        joins: vec![String::new(); n],
        events: 0,
        queue: Vec::new(),
    };
    let auth = crate::api::auth::basic_header("AC0000000000000000000000000000000000000001", "key");
    // Waves of `live` conferences, each wave 3 s of virtual time after the previous one: with `live == n` every
    // call of the run is up at once.
    for (wave, first) in (0..n).step_by(live.max(1)).enumerate() {
        let ks = first..(first + live.max(1)).min(n);
        let t0 = wave as u64 * 3000;
        // Timers due before the wave fire first, as a driver following `poll_timeout` would make them.
        app.feed(&mut engine, Input::Timeout(t0));
        // Joins: each conference's first caller creates it, then nine more join.
        for i in 0..PARTICIPANTS {
            for k in ks.clone() {
                app.feed(
                    &mut engine,
                    Input::Dial {
                        at: t0,
                        from: phone(k, i),
                        to: NUMBER.to_owned(),
                    },
                );
            }
        }
        // Everyone hangs up but the last; REST terminates the conference, which hangs the last one up.
        for i in 0..PARTICIPANTS - 1 {
            for k in ks.clone() {
                app.feed(
                    &mut engine,
                    Input::Hangup {
                        at: t0 + 1000,
                        phone: phone(k, i),
                    },
                );
            }
        }
        for k in ks.clone() {
            let path = format!(
                "/Accounts/AC0000000000000000000000000000000000000001/Conferences/{}",
                app.conferences[k]
            );
            let request =
                crate::api::HttpRequest::new("POST", &path, &b"{\"status\":\"terminated\"}"[..])
                    .with_header("Authorization", &auth);
            app.feed(
                &mut engine,
                Input::Api {
                    at: t0 + 2000,
                    id: k as u64,
                    request,
                },
            );
        }
    }
    let end = n.div_ceil(live.max(1)) as u64 * 3000;
    app.feed(&mut engine, Input::Timeout(end + 60_000));
    let seconds = start.elapsed().as_secs_f64();
    // Freeing the engine's memory is not part of the lifecycle.
    drop(engine);
    (app.events, seconds)
}

/// The customer's app, in process: answers every webhook at once.
struct App {
    conferences: Vec<String>,
    /// Each conference's AddToConference answer for callers 2 to 9.
    joins: Vec<String>,
    events: u64,
    queue: Vec<(u64, String)>,
}

impl App {
    fn feed(&mut self, engine: &mut Engine, input: Input) {
        let at = input.at();
        engine.handle_input(input);
        loop {
            while let Some(output) = engine.poll_output() {
                self.events += 1;
                if let Output::Webhook(w) = output {
                    let body = self.answer(&w);
                    self.queue.push((w.id, body));
                }
            }
            if self.queue.is_empty() {
                break;
            }
            // Drained, not taken: the queue keeps its capacity from one round to the next.
            let mut queue = std::mem::take(&mut self.queue);
            for (id, body) in queue.drain(..) {
                engine.handle_input(Input::WebhookResponse {
                    at,
                    id,
                    result: WebhookResult::Response { status: 200, body },
                });
            }
            self.queue = queue;
        }
    }

    fn answer(&mut self, w: &crate::engine::WebhookRequest) -> String {
        // The fields this app needs are plain ids and numbers, so it reads them straight from the raw body
        // rather than parsing it, and it writes each conference's AddToConference once: the benchmark measures
        // the engine, not the app.
        let who = || {
            let from = raw_field(&w.raw_body, "\"from\":\"");
            let k: usize = from.get(2..11).and_then(|d| d.parse().ok()).unwrap_or(0);
            let i: usize = from.get(11..).and_then(|d| d.parse().ok()).unwrap_or(0);
            (k, i)
        };
        match w.url.as_str() {
            IN => match who() {
                (_, 0) => CREATE.to_owned(),
                (k, 1) => add(&self.conferences[k], true),
                (k, _) => self.joins[k].clone(),
            },
            CREATED => {
                let (k, _) = who();
                self.conferences[k] = raw_field(&w.raw_body, "\"conferenceId\":\"").to_owned();
                self.joins[k] = add(&self.conferences[k], false);
                self.joins[k].clone()
            }
            _ => String::new(),
        }
    }
}

/// The app's answer to the first caller of a conference.
const CREATE: &str = r#"[{"CreateConference":{"actionUrl":"https://app.test/created","statusCallbackUrl":"https://app.test/status"}}]"#;

/// The app's answer that adds a caller to `conference`.
fn add(conference: &str, start: bool) -> String {
    format!(
        r#"[{{"AddToConference":{{"conferenceId":"{conference}","startConfOnEnter":{start}}}}}]"#
    )
}

/// The string value after `needle` (`"key":"`) in a compact webhook body whose values need no escapes (the ids
/// and numbers this app reads); empty if absent or not a string.
fn raw_field<'a>(raw: &'a str, needle: &str) -> &'a str {
    raw.find(needle)
        .map(|at| &raw[at + needle.len()..])
        .and_then(|rest| rest.find('"').map(|end| &rest[..end]))
        .unwrap_or("")
}

/// Resident memory now, in kB (`VmRSS` of /proc/self/status; 0 where there is none).
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Latency histogram buckets of `conflab bench serve`: one per microsecond up to 100 ms (the last holds the rest).
const LATENCY_BUCKETS: usize = 100_000;

/// The latency (ms) below which `p` of the requests in `histogram` (1 µs buckets) fall.
fn percentile_ms(histogram: &[u64], p: f64) -> f64 {
    let total: u64 = histogram.iter().sum();
    let rank = ((total.saturating_sub(1)) as f64 * p) as u64;
    let mut seen = 0;
    for (micros, n) in histogram.iter().enumerate() {
        seen += n;
        if seen > rank {
            return micros as f64 / 1000.0;
        }
    }
    0.0
}

/// `conflab bench serve`: `clients` tasks send `GET /Conferences` (authenticated, a conference to list) over
/// keep-alive connections for `seconds`; prints requests per second, p50/p99 latency and RSS before and after.
fn serve_bench(seconds: u64, clients: usize) -> ExitCode {
    use crate::serve::{ClockMode, Options, Server};
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    use std::time::{Duration, Instant};
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            output::note(&format!("conflab bench serve: {e}"));
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let scenario = crate::scenario::parse("{}").unwrap_or_else(|e| panic!("{e:?}"));
        let options = Options {
            scenario,
            addr: ([127, 0, 0, 1], 0).into(),
            clock: ClockMode::Real,
            webhook_timeout: Duration::from_secs(10),
            page_dir: None,
        };
        let server = match Server::start(options).await {
            Ok(s) => s,
            Err(e) => {
                output::note(&format!("conflab bench serve: cannot listen: {e}"));
                return ExitCode::from(1);
            }
        };
        let auth = crate::api::auth::basic_header(&server.account_id, &server.api_key);
        let base = format!("{}/Accounts/{}", server.base_url(), server.account_id);
        let client: Client<_, Full<bytes::Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let send = move |method: &str, url: String, body: &'static str| {
            let request = hyper::Request::builder()
                .method(method)
                .uri(url)
                .header("Authorization", auth.as_str())
                .header("Content-Type", "application/json")
                .body(Full::new(bytes::Bytes::from_static(body.as_bytes())));
            let client = client.clone();
            async move {
                let response = client.request(request.ok()?).await.ok()?;
                let status = response.status().as_u16();
                response.into_body().collect().await.ok()?;
                Some(status)
            }
        };
        // One conference to list, then a warm-up second.
        let created = send(
            "POST",
            format!("{base}/Conferences"),
            r#"{"alias":"bench","statusCallbackUrl":"http://127.0.0.1:9/status"}"#,
        )
        .await;
        // Two phases with the same load: 2 s of warm-up (connections open, the log window full: memory is
        // then what a long-running server holds), then the measured run.
        // Latencies go into fixed histograms (1 µs buckets up to 100 ms), made and touched before the first RSS
        // reading, so the memory figures are the server's: the clients' own measurements do not grow with the run.
        let mut histograms: Vec<Vec<u64>> = (0..clients)
            .map(|_| std::hint::black_box(vec![1u64; LATENCY_BUCKETS]))
            .collect();
        let mut rss_start = 0;
        let mut start = Instant::now();
        let mut total = vec![0u64; LATENCY_BUCKETS];
        let mut failed = 0;
        for length in [Duration::from_secs(2), Duration::from_secs(seconds)] {
            rss_start = rss_kb();
            start = Instant::now();
            let end = start + length;
            let mut tasks = Vec::new();
            for mut histogram in histograms.drain(..) {
                histogram.fill(0);
                let send = send.clone();
                let url = format!("{base}/Conferences");
                tasks.push(tokio::spawn(async move {
                    let mut failed = 0u64;
                    while Instant::now() < end {
                        let t = Instant::now();
                        match send("GET", url.clone(), "").await {
                            Some(200) => {
                                let micros = usize::try_from(t.elapsed().as_micros()).unwrap_or(usize::MAX);
                                histogram[micros.min(LATENCY_BUCKETS - 1)] += 1;
                            }
                            _ => failed += 1,
                        }
                    }
                    (histogram, failed)
                }));
            }
            total.fill(0);
            failed = 0;
            for t in tasks {
                if let Ok((h, f)) = t.await {
                    for (sum, n) in total.iter_mut().zip(&h) {
                        *sum += n;
                    }
                    histograms.push(h);
                    failed += f;
                }
            }
        }
        let elapsed = start.elapsed().as_secs_f64();
        let rss_end = rss_kb();
        let requests: u64 = total.iter().sum();
        let line = format!(
            "{{\"bench\":\"serve\",\"clients\":{clients},\"seconds\":{elapsed:.2},\"requests\":{requests},\"failed\":{failed},\"requestsPerSec\":{:.0},\"p50Ms\":{:.3},\"p99Ms\":{:.3},\"rssStartKb\":{rss_start},\"rssEndKb\":{rss_end},\"created\":{}}}",
            requests as f64 / elapsed,
            percentile_ms(&total, 0.5),
            percentile_ms(&total, 0.99),
            created.unwrap_or(0)
        );
        let _ = server.stop().await;
        match output::print(&format!("{line}\n")) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => e.exit("conflab bench serve"),
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentiles_come_from_the_histogram() {
        let mut h = vec![0u64; super::LATENCY_BUCKETS];
        h[100] = 50; // 0.1 ms
        h[2_000] = 49; // 2 ms
        h[9_000] = 1; // 9 ms
        // Ranks 0 to 49 are 0.1 ms, 50 to 98 are 2 ms, 99 is 9 ms (ranks over 99 gaps: p · 99).
        assert_eq!(super::percentile_ms(&h, 0.5), 0.1);
        assert_eq!(super::percentile_ms(&h, 0.51), 2.0);
        assert_eq!(super::percentile_ms(&h, 0.99), 2.0);
        assert_eq!(super::percentile_ms(&h, 1.0), 9.0);
        assert_eq!(super::percentile_ms(&[0; 4], 0.5), 0.0);
    }

    #[test]
    fn vm_hwm_is_read_in_kib() {
        let status = "Name:\tconflab\nVmPeak:\t  20000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(super::vm_hwm_kib(status), Some(1234));
        assert_eq!(super::vm_hwm_kib("Name:\tzombie\n"), None);
    }

    #[test]
    fn raw_field_reads_string_values_only() {
        let raw = r#"{"conferenceId":"CF12","from":"+15550001","queueId":null}"#;
        assert_eq!(super::raw_field(raw, "\"from\":\""), "+15550001");
        assert_eq!(super::raw_field(raw, "\"conferenceId\":\""), "CF12");
        assert_eq!(super::raw_field(raw, "\"queueId\":\""), "");
        assert_eq!(super::raw_field(raw, "\"to\":\""), "");
    }
}
