//! `conflab percl`: check PerCL scripts and print their canonical form.
//!
//! `conflab percl check FILE...` (`-` reads stdin) prints each problem on stderr as
//! `FILE:LINE:COL: error|warning: /json/pointer: message`, or with `--format json` a JSON document on stdout.
//! Exit status: 0 when every file is valid (warnings allowed), 1 when any has an error, 2 on usage or I/O
//! errors. `conflab percl fmt FILE` prints the canonical (SDK) form. Writing stdout fails as every subcommand's
//! does ([`super::output`]: 141 for a closed pipe, 74 for any other write error).

use super::output;
use crate::percl::{self, MAX_SOURCE_BYTES, Problem, Report};
use serde::Serialize;
use std::io::{self, Read, Write};
use std::process::ExitCode;

/// Options of `conflab percl`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Check PerCL scripts and report every problem (exit 0: all valid, 1: errors found, 2: usage or I/O error).
    #[command(after_help = output::EXIT_HELP)]
    Check {
        /// How to print diagnostics: text lines on stderr, or one JSON document on stdout.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The scripts to check; `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
    },
    /// Print a script in canonical form: exactly as the FreeClimb SDKs write it (exit 0: printed, 1: the script
    /// has errors, 2: it cannot be read).
    #[command(after_help = output::EXIT_HELP)]
    Fmt {
        /// The script; `-` reads standard input.
        #[arg(value_name = "FILE")]
        file: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// `FILE:LINE:COL: error|warning: /json/pointer: message` on stderr.
    Text,
    /// One JSON document on stdout: `{"valid": bool, "files": [{"file", "valid", "errors", "warnings", "diagnostics"}]}`.
    Json,
}

/// Runs `conflab percl`.
pub fn run(args: &Args) -> ExitCode {
    match &args.action {
        Action::Check { format, files } => check(*format, files),
        Action::Fmt { file } => fmt(file),
    }
}

/// The JSON output of `check --format json`, per file.
#[derive(Serialize)]
struct FileReport<'a> {
    file: &'a str,
    valid: bool,
    #[serde(flatten)]
    report: &'a Report,
}

fn check(format: Format, files: &[String]) -> ExitCode {
    let mut results = Vec::with_capacity(files.len());
    let mut io_failed = false;
    for file in files {
        match read(file) {
            Ok(Input::Text(bytes)) => {
                results.push((display_name(file), percl::check_bytes(&bytes)))
            }
            Ok(Input::TooLarge(bytes)) => results.push((display_name(file), too_large(bytes))),
            Err(e) => {
                output::note(&format!("conflab: {}: {e}", display_name(file)));
                io_failed = true;
            }
        }
    }
    let all_valid = results.iter().all(|(_, r)| r.is_valid());
    match format {
        Format::Text => {
            let mut err = io::stderr().lock();
            for (name, report) in &results {
                for d in &report.diagnostics {
                    let _ = writeln!(err, "{name}:{}", d.render());
                }
            }
        }
        Format::Json => {
            #[derive(Serialize)]
            struct Out<'a> {
                valid: bool,
                files: Vec<FileReport<'a>>,
            }
            let files = results
                .iter()
                .map(|(file, report)| FileReport {
                    file,
                    valid: report.is_valid(),
                    report,
                })
                .collect();
            let out = Out {
                valid: all_valid,
                files,
            };
            match serde_json::to_string_pretty(&out) {
                Ok(text) => {
                    if let Err(e) = output::print(&format!("{text}\n")) {
                        return e.exit("conflab percl check");
                    }
                }
                Err(e) => {
                    output::note(&format!("conflab: cannot write JSON: {e}"));
                    return ExitCode::from(2);
                }
            }
        }
    }
    if io_failed {
        ExitCode::from(2)
    } else if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn fmt(file: &str) -> ExitCode {
    let name = display_name(file);
    let bytes = match read(file) {
        Ok(Input::Text(bytes)) => bytes,
        Ok(Input::TooLarge(size)) => {
            report_text(&name, &too_large(size));
            return ExitCode::from(1);
        }
        Err(e) => {
            output::note(&format!("conflab: {name}: {e}"));
            return ExitCode::from(2);
        }
    };
    let source = match std::str::from_utf8(&bytes) {
        Ok(s) => s,
        Err(_) => {
            report_text(&name, &percl::check_bytes(&bytes));
            return ExitCode::from(1);
        }
    };
    let (report, script) = percl::parse_with_report(source);
    report_text(&name, &report);
    match script {
        Some(script) => {
            match output::print(&format!("{}\n", percl::canonical::to_string(&script))) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => e.exit("conflab percl fmt"),
            }
        }
        None => ExitCode::from(1),
    }
}

fn report_text(name: &str, report: &Report) {
    let mut err = io::stderr().lock();
    for d in &report.diagnostics {
        let _ = writeln!(err, "{name}:{}", d.render());
    }
}

/// The report for input over the size limit.
fn too_large(bytes: u64) -> Report {
    let problem = Problem::TooLarge {
        bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
        limit: MAX_SOURCE_BYTES,
    };
    Report {
        errors: 1,
        warnings: 0,
        diagnostics: vec![percl::Diagnostic {
            problem,
            pointer: String::new(),
            start: 0,
            end: 0,
            line: 1,
            column: 1,
        }],
    }
}

fn display_name(file: &str) -> String {
    if file == "-" {
        "<stdin>".to_owned()
    } else {
        file.to_owned()
    }
}

enum Input {
    Text(Vec<u8>),
    /// Over the limit: only the size is kept, so a huge input never fills memory.
    TooLarge(u64),
}

/// Reads a file (or stdin for `-`), at most one byte past the size limit.
fn read(file: &str) -> io::Result<Input> {
    let limit = MAX_SOURCE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    if file == "-" {
        let mut stdin = io::stdin().lock();
        (&mut stdin).take(limit).read_to_end(&mut bytes)?;
        if bytes.len() as u64 == limit {
            let rest = io::copy(&mut stdin, &mut io::sink())?;
            return Ok(Input::TooLarge(limit + rest));
        }
    } else {
        let f = std::fs::File::open(file)?;
        let size = f.metadata()?.len();
        f.take(limit).read_to_end(&mut bytes)?;
        if bytes.len() as u64 == limit {
            return Ok(Input::TooLarge(size.max(limit)));
        }
    }
    Ok(Input::Text(bytes))
}
