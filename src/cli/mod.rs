//! The native `conflab` command line: a thin driver around the core. Each subcommand lives in its own module.

mod bench;
mod bench_memory;
mod diagram;
pub mod output;
mod percl;
mod run;
mod serve;
mod sound;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// conflab: a FreeClimb conference sandbox that runs in the browser and on the command line.
#[derive(Debug, Parser)]
#[command(name = "conflab", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the conference state machine, generated from its transition table.
    #[command(after_help = output::EXIT_HELP)]
    Diagram(diagram::Args),
    /// Check PerCL scripts, or print them in the canonical form the FreeClimb SDKs write.
    #[command(after_help = output::EXIT_HELP)]
    Percl(percl::Args),
    /// Run a scenario on the virtual clock and print its event log (one JSON object per line).
    #[command(after_help = run::EXIT_HELP)]
    Run(run::Args),
    /// Serve the simulated FreeClimb over HTTP: the REST API, real webhooks to your app, a control API and the page.
    Serve(serve::Args),
    /// Measure conflab against baselines of the same run: the engine, the mixer, memory, the server.
    #[command(after_help = output::EXIT_HELP)]
    Bench(bench::Args),
}

/// Parses the command line, runs the subcommand and returns its exit code.
pub fn main() -> ExitCode {
    run_args(std::env::args_os())
}

/// Runs `args` (the program name first) as a command line in this process (also how `conflab bench memory`'s
/// child runs `conflab run` and then measures itself).
pub(crate) fn run_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match Cli::try_parse_from(args) {
        Ok(cli) => dispatch(cli),
        Err(e) => usage(&e),
    }
}

/// Prints clap's answer to a command line it did not run: help and version on stdout (exit 0, or 141/74 when
/// stdout cannot take it, as every other output), usage errors on stderr (exit 2).
fn usage(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    // Plain text: the styles are for terminals, and this may go to a file or a pipe.
    let text = e.render().to_string();
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => match output::print(&text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => error.exit("conflab"),
        },
        _ => {
            output::note_raw(&text);
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Diagram(args) => diagram::run(&args),
        Command::Percl(args) => percl::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Serve(args) => serve::run(args),
        Command::Bench(args) => bench::run(&args),
    }
}
