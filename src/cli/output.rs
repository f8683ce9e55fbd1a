//! Writing the CLI's output without panicking: stdout through writes that return errors (`println!` panics when
//! the reader has gone away), stderr notes that never fail the command, and the two exit codes every subcommand
//! shares for a failed write.
//!
//! * The reader closed the pipe (`conflab … | head -c1`): the command stops at once, prints nothing more and exits
//!   [`CLOSED_PIPE`] (141, the status a shell reports for a Unix tool ended by SIGPIPE: `cat`, `grep`, `yes`).
//! * Any other write error (a full disk, `>/dev/full`, an I/O error): one line on stderr naming what could not
//!   be written and why, and exit [`WRITE_FAILED`] (74, `EX_IOERR` of sysexits.h).
//!
//! Files are written through [`TempFile`]: a temporary file beside the target, renamed over it only when
//! complete, so a run that stops half-way (refused, interrupted, out of space) never leaves the target empty or
//! cut, and an existing file is replaced whole or not at all.

use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

/// Exit code when stdout's reader has gone away (128 + SIGPIPE, what shells report for `cat` in that case).
pub const CLOSED_PIPE: u8 = 141;

/// Exit code when an output (stdout or a file) cannot be written (`EX_IOERR`).
pub const WRITE_FAILED: u8 = 74;

/// The exit-code lines every subcommand's `--help` ends with.
pub const EXIT_HELP: &str = "Output errors: exit 141 when the reader of stdout goes away (a closed pipe, \
as `| head`: nothing more is printed), exit 74 with a one-line message when stdout or an output file cannot be \
written (a full disk, /dev/full).";

/// Why an output could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// Stdout's reader has gone away (EPIPE): end quietly.
    Closed,
    /// Any other write error on `what` (stdout, or a file's path).
    Failed {
        /// What was being written: `stdout` or a path.
        what: String,
        /// The operating system's error.
        error: io::Error,
    },
}

impl OutputError {
    /// The error writing `what`: a broken pipe is [`OutputError::Closed`], anything else a failure.
    pub fn of(what: &str, error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::BrokenPipe {
            OutputError::Closed
        } else {
            OutputError::Failed {
                what: what.to_owned(),
                error,
            }
        }
    }

    /// Reports the error for `command` (`conflab run`, …) and gives its exit code: quiet 141 for a closed
    /// pipe, a one-line message and 74 otherwise.
    pub fn exit(&self, command: &str) -> ExitCode {
        match self {
            OutputError::Closed => ExitCode::from(CLOSED_PIPE),
            OutputError::Failed { .. } => {
                note(&format!("{command}: {self}"));
                ExitCode::from(WRITE_FAILED)
            }
        }
    }
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::Closed => write!(f, "the reader of stdout has gone away"),
            OutputError::Failed { what, error } => write!(
                f,
                "cannot write {what}: {error}; free some space or write somewhere else"
            ),
        }
    }
}

/// Stdout for one command: buffered, every write returns an error instead of panicking.
pub struct Stdout {
    out: io::BufWriter<io::StdoutLock<'static>>,
}

impl Stdout {
    /// Locks stdout for the command's output.
    pub fn lock() -> Self {
        Stdout {
            out: io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
        }
    }

    /// Writes `text` as it is.
    pub fn print(&mut self, text: &str) -> Result<(), OutputError> {
        self.out
            .write_all(text.as_bytes())
            .map_err(|e| OutputError::of("stdout", e))
    }

    /// Writes `text` and a newline.
    pub fn line(&mut self, text: &str) -> Result<(), OutputError> {
        self.print(text)?;
        self.print("\n")
    }

    /// Sends everything buffered on (call before the command ends: a buffer dropped unflushed loses its error).
    pub fn flush(&mut self) -> Result<(), OutputError> {
        self.out.flush().map_err(|e| OutputError::of("stdout", e))
    }
}

/// Prints `text` on stdout and flushes: the whole output of a command that prints once.
pub fn print(text: &str) -> Result<(), OutputError> {
    let mut out = Stdout::lock();
    out.print(text)?;
    out.flush()
}

/// One line on stderr. A stderr that cannot be written is ignored: the exit code still says what happened.
pub fn note(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Text on stderr as it is (several lines already ending in newlines), ignoring a stderr that cannot be written.
pub fn note_raw(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
}

/// A file being written: a temporary file beside its target (same folder, so the rename is atomic), renamed
/// over the target by [`TempFile::commit`]; dropped uncommitted, the temporary file is removed and the target
/// is as it was.
pub struct TempFile {
    target: PathBuf,
    temp: PathBuf,
    file: File,
    committed: bool,
}

impl TempFile {
    /// Creates the temporary file for `target` (`.NAME.PID-N.conflab-tmp` in the target's folder). The target
    /// itself is not touched.
    pub fn create(target: &Path) -> io::Result<TempFile> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
        let temp = target.with_file_name(format!(
            ".{}.{}-{}.conflab-tmp",
            name.to_string_lossy(),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let file = File::create_new(&temp)?;
        Ok(TempFile {
            target: target.to_path_buf(),
            temp,
            file,
            committed: false,
        })
    }

    /// A handle on the temporary file, to write it.
    pub fn file(&self) -> io::Result<File> {
        self.file.try_clone()
    }

    /// The path the file will have once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the (complete, flushed) temporary file over the target.
    pub fn commit(mut self) -> io::Result<()> {
        std::fs::rename(&self.temp, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}
