//! `conflab run SCENARIO.json [--until MS] [--record-dir DIR] [--hear PHONE=FILE.wav]… [--media URL=FILE.wav]…
//! [--sample-rate HZ]`:
//! runs a scenario on the virtual clock and prints its event log, one JSON object per line on stdout. A scenario
//! file with problems gets every problem on stderr (`FILE:LINE:COL: error: /pointer: message`) and exit code 2;
//! nothing runs. With the audio flags it also renders the run's sound ([`crate::audio`]): each conference
//! recording to `DIR/<recordingId>.wav`, what a phone hears to `FILE.wav`; stdout stays the same log, and one
//! summary line goes to stderr.

use super::sound;
use crate::engine::log::LogLine;
use crate::engine::runner::{Streamed, stream_scenario};
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
    /// Stop at this virtual time (ms), even if something is still pending: 0 to 9007199254740991 (2^53-1).
    /// Without it, a run stops when nothing is pending, or at its horizon: one hour of virtual time, or the last
    /// step's time if later (docs/scenarios.md, "Time").
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(..=crate::scenario::MAX_TIME_MS))]
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
    let score = match &plan {
        Some(plan) => {
            let (lines, score) = sound::score(plan, &scenario, args.until);
            if print_log(&scenario, args.until, Some(lines)).is_err() {
                return ExitCode::from(2);
            }
            Some(score)
        }
        None => {
            if print_log(&scenario, args.until, None).is_err() {
                return ExitCode::from(2);
            }
            None
        }
    };
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

/// Writes the event log to stdout through a buffer: `lines` when the audio score already ran the scenario,
/// otherwise the run streamed as it happens (each line written as it is made, so memory holds what is live, not
/// the whole log).
fn print_log(
    scenario: &scenario::Scenario,
    until: Option<u64>,
    lines: Option<Vec<LogLine>>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut write = |json: &str| -> std::io::Result<()> {
        out.write_all(json.as_bytes())?;
        out.write_all(b"\n")
    };
    match lines {
        Some(lines) => lines.iter().try_for_each(|l| write(&l.to_json()))?,
        None => {
            let mut failed = None;
            let streamed = stream_scenario(
                scenario,
                until,
                &mut |_| {},
                &mut |_, json| match write(json) {
                    Ok(()) => true,
                    Err(e) => {
                        failed = Some(e);
                        false
                    }
                },
            );
            if let (Streamed::Refused, Some(e)) = (streamed, failed) {
                return Err(e);
            }
        }
    }
    out.flush()
}
