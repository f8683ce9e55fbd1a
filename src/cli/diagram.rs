//! `conflab diagram`: the conference state machine as Mermaid or as a Markdown table, printed from the one
//! transition table the state machine itself runs on.

use super::output;
use crate::conference::table;
use std::process::ExitCode;

/// Options of `conflab diagram`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    format: Format,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Format {
    /// A Mermaid `stateDiagram-v2` (‡ marks a sandbox choice where FreeClimb's docs are silent).
    Mermaid,
    /// A Markdown table: one row per transition-table row.
    Markdown,
}

/// Prints the diagram.
pub fn run(args: &Args) -> ExitCode {
    let text = match args.format {
        Format::Mermaid => table::mermaid(),
        Format::Markdown => table::markdown(),
    };
    match output::print(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.exit("conflab diagram"),
    }
}
