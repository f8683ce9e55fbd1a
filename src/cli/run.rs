//! `conflab run SCENARIO.json [--until MS] [--record-dir DIR] [--hear PHONE=FILE.wav]… [--media URL=FILE.wav]…
//! [--sample-rate HZ]`:
//! runs a scenario on the virtual clock and prints its event log, one JSON object per line on stdout. A scenario
//! file with problems gets every problem on stderr (`FILE:LINE:COL: error: /pointer: message`) and exit code 2;
//! nothing runs. With the audio flags it also renders the run's sound ([`crate::audio`]): each conference
//! recording to `DIR/<recordingId>.wav`, what a phone hears to `FILE.wav`; stdout stays the same log, and one
//! summary line goes to stderr.

use super::sound;
use crate::engine::{log, run_scenario};
use crate::scenario;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `conflab run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (see docs/scenarios.md).
    #[arg(value_name = "SCENARIO.json")]
    file: String,
    /// Stop at this virtual time (ms), even if something is still pending.
    #[arg(long, value_name = "MS")]
    until: Option<u64>,
    /// Write each recording (conference and call) to DIR/<recordingId>.wav (created if missing).
    #[arg(long, value_name = "DIR")]
    record_dir: Option<PathBuf>,
    /// Write what PHONE hears, from time 0 to the end of the run, to FILE.wav (silence while it is in no call).
    /// Repeatable.
    #[arg(long, value_name = "PHONE=FILE.wav")]
    hear: Vec<String>,
    /// Play this WAV file wherever the app plays URL (`Play`, `PlayEarlyMedia`) or uses it as a conference's
    /// `waitUrl`; without it a chime (Play) or conflab's own music (waitUrl) stands in. Repeatable.
    #[arg(long, value_name = "URL=FILE.wav")]
    media: Vec<String>,
    /// Sample rate of the rendered audio, in Hz [default: 16000].
    #[arg(long, value_name = "HZ")]
    sample_rate: Option<u32>,
}

/// Runs `conflab run`.
pub fn run(args: &Args) -> ExitCode {
    let started = std::time::Instant::now();
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("conflab run: cannot read {}: {e}", args.file);
            return ExitCode::from(2);
        }
    };
    let scenario = match scenario::parse_bytes(&bytes) {
        Ok(s) => s,
        Err(errors) => {
            eprint!("{}", errors.render(&args.file));
            return ExitCode::from(2);
        }
    };
    let flags = sound::Flags {
        record_dir: args.record_dir.as_deref(),
        hear: &args.hear,
        media: &args.media,
        sample_rate: args.sample_rate,
    };
    let plan = match sound::plan(&scenario, Path::new(&args.file), &flags) {
        Ok(p) => p,
        Err(sound::FlagError(message)) => {
            eprintln!("conflab run: {message}");
            return ExitCode::from(2);
        }
    };
    let (lines, score) = match &plan {
        Some(plan) => {
            let (lines, score) = sound::score(plan, &scenario, args.until);
            (lines, Some(score))
        }
        None => (run_scenario(&scenario, args.until), None),
    };
    {
        let mut out = std::io::stdout().lock();
        if out.write_all(log::to_jsonl(&lines).as_bytes()).is_err() || out.flush().is_err() {
            return ExitCode::from(2);
        }
    }
    if let (Some(plan), Some(score)) = (plan, score) {
        match sound::render_and_write(plan, &score, started) {
            Ok(summary) => eprintln!("{summary}"),
            Err(message) => {
                eprintln!("conflab run: {message}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
