//! `conflab run SCENARIO.json [--until MS]`: runs a scenario on the virtual clock and prints its event log, one
//! JSON object per line on stdout. A scenario file with problems gets every problem on stderr
//! (`FILE:LINE:COL: error: /pointer: message`) and exit code 2; nothing runs.

use crate::engine::{log, run_scenario};
use crate::scenario;
use std::io::Write;
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
}

/// Runs `conflab run`.
pub fn run(args: &Args) -> ExitCode {
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
    let lines = run_scenario(&scenario, args.until);
    let mut out = std::io::stdout().lock();
    if out.write_all(log::to_jsonl(&lines).as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
