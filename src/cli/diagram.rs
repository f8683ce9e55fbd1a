//! `conflab diagram`: the conference state machine as Mermaid or as a Markdown table, printed from the one
//! transition table the state machine itself runs on.

use crate::conference::table::{self, TABLE};
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
    match args.format {
        Format::Mermaid => print!("{}", table::mermaid()),
        Format::Markdown => print!("{}", markdown()),
    }
    ExitCode::SUCCESS
}

/// The transition table as Markdown, for ARCHITECTURE.md and the docs.
pub fn markdown() -> String {
    let mut out =
        String::from("| from | trigger | reported statuses | note |\n|---|---|---|---|\n");
    for row in TABLE {
        let from = row.from.map_or("(new)", |s| s.as_str());
        let to = if row.steps.is_empty() {
            "(no change)".to_owned()
        } else {
            row.steps
                .iter()
                .map(|s| s.to.as_str())
                .collect::<Vec<_>>()
                .join(" → ")
        };
        let note = row
            .sandbox_choice
            .map_or(String::new(), |c| format!("sandbox choice: {c}"));
        out.push_str(&format!("| {from} | {} | {to} | {note} |\n", row.trigger));
    }
    out.push_str("| terminated | anything | (rejected) | terminated is final |\n");
    out
}
