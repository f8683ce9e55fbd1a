//! `conflab run SCENARIO.json [--until MS] [--record-dir DIR] [--hear PHONE=FILE.wav]… [--media URL=FILE.wav]…
//! [--sample-rate HZ]`:
//! runs a scenario on the virtual clock and prints its event log, one JSON object per line on stdout. A scenario
//! file with problems gets every problem on stderr (`FILE:LINE:COL: error: /pointer: message`) and exit code 2;
//! nothing runs. With the audio flags it also renders the run's sound ([`crate::audio`]): each conference
//! recording to `DIR/<recordingId>.wav`, what a phone hears to `FILE.wav`; stdout stays the same log, and one
//! summary line goes to stderr. Stdout and the WAV files are written through [`super::output`] (exit 141 for a
//! closed pipe, 74 for any other write error); the WAV files through temporary files renamed when complete.

use super::output;
use super::sound;
use crate::engine::log::LogLine;
use crate::engine::runner::{Streamed, stream_scenario};
use crate::scenario;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The exit codes `conflab run --help` ends with.
pub const EXIT_HELP: &str = "Exit codes: 0 the run finished; 2 the scenario or a flag was refused (nothing ran \
and no file was touched); 1 the audio could not be rendered; 74 stdout or an output file could not be written \
(one line on stderr; the output files not complete are removed, their targets untouched); 141 the reader of \
stdout went away (a closed pipe, as `| head`: the run ends quietly). Output files are written beside their \
targets and renamed when complete; an output that is also an input is refused.";

/// Options of `conflab run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (see docs/scenarios.md).
    #[arg(value_name = "SCENARIO.json")]
    file: String,
    /// Stop at this virtual time (ms), even if something is still pending: 0 to 9007199254740991 (2^53-1); with
    /// --record-dir or --hear, at most what one WAV file holds at the sample rate (134217726 ms, 37.3 hours, at
    /// 16000 Hz). Without it, a run stops when nothing is pending, or at its horizon: one hour of virtual time, or
    /// the last step's time if later (docs/scenarios.md, "Time").
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
    /// `waitUrl`; without it a chime (Play) or conflab's own music (waitUrl) stands in. Repeatable. A media file
    /// (and a phone's `file` media) must be a regular file of at most 128 MiB: a WAV at 8000 to 192000 Hz, at most
    /// 600 s long.
    #[arg(long, value_name = "URL=FILE.wav")]
    media: Vec<String>,
    /// Sample rate of the rendered audio, in Hz [default: 16000].
    #[arg(long, value_name = "HZ")]
    sample_rate: Option<u32>,
}

/// Runs `conflab run`.
pub fn run(args: &Args) -> ExitCode {
    let started = std::time::Instant::now();
    let bytes = match read_scenario(&args.file) {
        Ok(b) => b,
        Err(message) => {
            output::note(&format!("conflab run: {message}"));
            return ExitCode::from(2);
        }
    };
    let scenario = match scenario::parse_bytes(&bytes) {
        Ok(s) => s,
        Err(errors) => {
            output::note_raw(&errors.render(&args.file));
            return ExitCode::from(2);
        }
    };
    let flags = sound::Flags {
        record_dir: args.record_dir.as_deref(),
        hear: &args.hear,
        media: &args.media,
        sample_rate: args.sample_rate,
        until: args.until,
    };
    let mut plan = match sound::plan(&scenario, Path::new(&args.file), &flags) {
        Ok(p) => p,
        Err(sound::FlagError(message)) => {
            for line in message.lines() {
                output::note(&format!("conflab run: {line}"));
            }
            return ExitCode::from(2);
        }
    };
    let (lines, score) = match &mut plan {
        Some(plan) => {
            let (lines, score) = sound::score(plan, &scenario, args.until);
            (Some(lines), Some(score))
        }
        None => (None, None),
    };
    // The log: the lines the audio score made, or (without audio flags) the run streamed as it happens, which
    // takes the scenario (nothing needs it after).
    let log = match lines {
        Some(lines) => Log::Made(lines),
        None => Log::Stream(Box::new(scenario)),
    };
    if let Err(e) = print_log(log, args.until) {
        return e.exit("conflab run");
    }
    if let (Some(plan), Some(score)) = (plan, score) {
        match sound::render_and_write(plan, &score, started) {
            Ok(summary) => output::note(&summary),
            Err(sound::AudioError::Render(e)) => {
                output::note(&format!("conflab run: {e}"));
                return ExitCode::from(1);
            }
            Err(sound::AudioError::Write(e)) => return e.exit("conflab run"),
        }
    }
    ExitCode::SUCCESS
}

/// Reads the scenario file, at most one byte past [`scenario::MAX_SOURCE_BYTES`]: a device or a pipe that never
/// ends (`/dev/zero`) is refused at the limit instead of filling memory.
fn read_scenario(file: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let limit = scenario::MAX_SOURCE_BYTES as u64;
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read {file}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{file} is larger than {limit} bytes, the most a scenario may have; split the scenario"
        ));
    }
    Ok(bytes)
}

/// The event log `conflab run` prints.
enum Log {
    /// Made already (the audio score ran the scenario).
    Made(Vec<LogLine>),
    /// To run, streaming each line as it is made (memory holds what is live, not the whole log).
    Stream(Box<scenario::Scenario>),
}

/// Writes the event log to stdout.
fn print_log(log: Log, until: Option<u64>) -> Result<(), output::OutputError> {
    let mut out = output::Stdout::lock();
    match log {
        Log::Made(lines) => lines.iter().try_for_each(|l| out.line(&l.to_json()))?,
        Log::Stream(scenario) => {
            let mut failed = None;
            let streamed = stream_scenario(*scenario, until, &mut |_| {}, &mut |_, json| match out
                .line(json)
            {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            });
            if let (Streamed::Refused, Some(e)) = (streamed, failed) {
                return Err(e);
            }
        }
    }
    out.flush()
}
