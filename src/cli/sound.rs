//! The audio flags of `conflab run`: `--record-dir DIR`, `--hear PHONE=FILE.wav` (repeatable),
//! `--media URL=FILE.wav` (repeatable: the sound of a `Play` file or a `waitUrl`) and `--sample-rate HZ`.
//!
//! Everything that can be wrong with them (a `--hear` without `=`, a phone the scenario never names, a media file
//! that is not a regular file, too big, too long, at a rate outside 8–192 kHz or not a WAV, an output that is also
//! an input, a folder or file that cannot be written, an `--until` longer than a WAV file holds) is found before
//! the scenario runs, so a mistake costs no run, and before any output is created, so a refused run touches no
//! file. Outputs are written to temporary files beside their targets ([`output::TempFile`]) as the render goes,
//! block by block (memory does not grow with the run's length), and renamed over the targets when complete.
//! The render itself is [`crate::audio`]'s; this module only reads and writes files.

use super::output::{OutputError, TempFile};
use crate::audio::{self, MediaFiles, RenderError, Score, wav};
use crate::engine::log::LogLine;
use crate::scenario::error::MAX_RENDERED_ERRORS;
use crate::scenario::{Action, Scenario};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Lowest and highest `--sample-rate` accepted (telephone narrowband to studio rates).
const RATES: std::ops::RangeInclusive<u32> = 8_000..=192_000;

/// The largest media file read (`--media`, a phone's `{"file": …}`): 128 MiB, 10 minutes of 48 kHz stereo 24-bit.
/// Checked on the file's size before reading, and again while reading (a file may grow).
pub const MAX_MEDIA_BYTES: u64 = 128 * 1024 * 1024;

/// The audio flags, checked: what to render and where to write it.
pub struct Plan {
    sample_rate: u32,
    record_dir: Option<PathBuf>,
    /// (phone, the output: a temporary file beside the target, created and empty).
    hear: Vec<(String, TempFile)>,
    files: MediaFiles,
}

/// A problem with the audio flags: one line for stderr, or one line per problem (phone media files).
pub struct FlagError(pub String);

/// The phones `--hear` may name: the same rule as a step's phone (docs/scenarios.md, "Which phones a step may
/// name"): a key of `phones` or the `from` of a `dial` step.
fn named_phones(scenario: &Scenario) -> BTreeSet<String> {
    let mut phones: BTreeSet<String> = scenario.phones.keys().cloned().collect();
    for step in &scenario.steps {
        if let Action::Dial { from, .. } = &step.action {
            phones.insert(from.clone());
        }
    }
    phones
}

/// The audio flags as given.
pub struct Flags<'a> {
    /// `--record-dir`.
    pub record_dir: Option<&'a Path>,
    /// Each `--hear PHONE=FILE.wav`.
    pub hear: &'a [String],
    /// Each `--media URL=FILE.wav`.
    pub media: &'a [String],
    /// `--sample-rate`.
    pub sample_rate: Option<u32>,
    /// `--until` (the scenario's own `until` stands in when absent).
    pub until: Option<u64>,
}

/// The longest `--until` (ms) whose audio fits in one WAV file at `rate`: the last millisecond whose frame
/// ([`audio::frame_of`]) is at most [`wav::MAX_SAMPLES`] (134,217,727 ms, 37.3 hours, at 16 kHz).
pub fn max_until_ms(rate: u32) -> u64 {
    let frames = (u128::from(wav::MAX_SAMPLES) + 1) * 1000 - 1;
    u64::try_from(frames / u128::from(rate.max(1))).unwrap_or(u64::MAX)
}

/// Checks the flags against `scenario` (read from `scenario_path`), reads the audio files (the phones' media,
/// relative to the scenario; `--media` files, relative to the working folder) and then creates the outputs'
/// temporary files. `None` when nothing is to be rendered (the run prints its log and nothing else).
pub fn plan(
    scenario: &Scenario,
    scenario_path: &Path,
    flags: &Flags,
) -> Result<Option<Plan>, FlagError> {
    let Flags {
        record_dir,
        hear,
        media,
        sample_rate,
        until,
    } = *flags;
    if record_dir.is_none() && hear.is_empty() {
        let alone = match (sample_rate, media.first()) {
            (Some(rate), _) => Some(format!("--sample-rate {rate}")),
            (None, Some(m)) => Some(format!("--media {m}")),
            (None, None) => None,
        };
        if let Some(flag) = alone {
            return Err(FlagError(format!(
                "{flag} renders nothing on its own; add --record-dir DIR or --hear PHONE=FILE.wav"
            )));
        }
        return Ok(None);
    }
    let sample_rate = sample_rate.unwrap_or(audio::DEFAULT_SAMPLE_RATE);
    if !RATES.contains(&sample_rate) {
        return Err(FlagError(format!(
            "--sample-rate {sample_rate} is out of range; use {} to {} Hz (for example 16000 or 48000)",
            RATES.start(),
            RATES.end()
        )));
    }
    if let Some(until) = until.or(scenario.until) {
        let max = max_until_ms(sample_rate);
        if until > max {
            return Err(FlagError(format!(
                "--until {until} ms is longer than a WAV file holds at {sample_rate} Hz; with --record-dir or \
                 --hear give --until {max} or less ({:.1} hours), or a lower --sample-rate",
                max as f64 / 3_600_000.0
            )));
        }
    }
    let known = named_phones(scenario);
    let mut targets: Vec<(String, PathBuf)> = Vec::new();
    for h in hear {
        let Some((phone, file)) = h.split_once('=') else {
            return Err(FlagError(format!(
                "--hear `{h}` has no `=`; write --hear PHONE=FILE.wav, for example --hear +15550111111=caller.wav"
            )));
        };
        if phone.is_empty() || file.is_empty() {
            return Err(FlagError(format!(
                "--hear `{h}` needs both a phone and a file: --hear PHONE=FILE.wav"
            )));
        }
        if !known.contains(phone) {
            let list: Vec<&str> = known.iter().map(String::as_str).collect();
            return Err(FlagError(format!(
                "--hear {phone}: the scenario names no such phone (a key of `phones` or the `from` of a `dial` step); it names {}",
                if list.is_empty() {
                    "none".to_owned()
                } else {
                    list.join(", ")
                }
            )));
        }
        targets.push((phone.to_owned(), PathBuf::from(file)));
    }
    // The inputs: read (with limits) before anything is created, and remembered to refuse an output that is one.
    let mut inputs: Vec<(String, PathBuf)> =
        vec![("the scenario".to_owned(), scenario_path.to_path_buf())];
    let base = scenario_path.parent().unwrap_or(Path::new(""));
    let mut files = MediaFiles::new();
    // Every phone's file is read (each path once); every problem is reported at each phone that names the file,
    // by its JSON pointer in the scenario, before anything runs.
    let mut problems = Vec::new();
    for (rel, pointers) in MediaFiles::wanted(scenario) {
        let path = base.join(&rel);
        let what = format!("phone media file {rel} (read as {})", path.display());
        match read_media(&path) {
            Ok((samples, rate)) => {
                files.insert(&rel, samples, rate);
                inputs.push((what, path));
            }
            Err(e) => {
                let why = match e {
                    MediaError::Read(e) => format!("{e}; paths are relative to the scenario file"),
                    MediaError::Refused(why) => why,
                };
                problems.extend(pointers.into_iter().map(|p| format!("{p}: {what}: {why}")));
            }
        }
    }
    if !problems.is_empty() {
        let more = problems.len().saturating_sub(MAX_RENDERED_ERRORS);
        problems.truncate(MAX_RENDERED_ERRORS);
        if more > 0 {
            problems.push(format!("… and {more} more phone media problems"));
        }
        return Err(FlagError(problems.join("\n")));
    }
    for m in media {
        let Some((url, file)) = m
            .split_once('=')
            .filter(|(u, f)| !u.is_empty() && !f.is_empty())
        else {
            return Err(FlagError(format!(
                "--media `{m}` is not URL=FILE.wav; write for example --media https://app.test/hold.wav=hold.wav"
            )));
        };
        let (samples, rate) = read_media(Path::new(file)).map_err(|e| match e {
            MediaError::Read(e) => FlagError(format!("--media {url}: cannot read {file}: {e}")),
            MediaError::Refused(why) => FlagError(format!("--media {url}: {file}: {why}")),
        })?;
        files.insert(url, samples, rate);
        inputs.push((format!("--media {url}"), PathBuf::from(file)));
    }
    refuse_overwriting_inputs(&targets, &inputs)?;
    if let Some(dir) = record_dir {
        refuse_recording_over_inputs(dir, &inputs)?;
    }
    if let Some(dir) = record_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            FlagError(format!(
                "--record-dir {}: cannot create the folder: {e}",
                dir.display()
            ))
        })?;
        // Probe: a folder that exists may still refuse new files.
        TempFile::create(&dir.join(".conflab-write-check")).map_err(|e| {
            FlagError(format!(
                "--record-dir {}: cannot write there: {e}; choose a writable folder",
                dir.display()
            ))
        })?;
    }
    // Last, the outputs: each a temporary file beside its target (removed again if a later one fails).
    let mut outs = Vec::new();
    for (phone, path) in targets {
        let temp = TempFile::create(&path).map_err(|e| {
            FlagError(format!(
                "--hear {phone}: cannot write {}: {e}; give a path in a folder that exists and is writable",
                path.display()
            ))
        })?;
        outs.push((phone, temp));
    }
    Ok(Some(Plan {
        sample_rate,
        record_dir: record_dir.map(Path::to_path_buf),
        hear: outs,
        files,
    }))
}

/// What identifies a file whatever the path it is named by: its device and inode when it exists (a hard link,
/// a symlink or `./x.wav` against `x.wav`), else its folder's canonical path and its name.
#[derive(PartialEq, Eq)]
enum FileId {
    /// An existing file: (device, inode).
    Inode(u64, u64),
    /// A file not there yet: its folder's canonical path joined with its name.
    Path(PathBuf),
}

/// The [`FileId`] of `path`; `None` when its folder does not exist.
fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    if let Ok(meta) = std::fs::metadata(path) {
        return Some(FileId::Inode(meta.dev(), meta.ino()));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(FileId::Path(
        std::fs::canonicalize(parent).ok()?.join(path.file_name()?),
    ))
}

/// Refuses an output that is also an input (it would be overwritten before, or while, it is read) or that
/// another `--hear` also writes.
fn refuse_overwriting_inputs(
    targets: &[(String, PathBuf)],
    inputs: &[(String, PathBuf)],
) -> Result<(), FlagError> {
    let inputs: Vec<(&str, &Path, Option<FileId>)> = inputs
        .iter()
        .map(|(what, path)| (what.as_str(), path.as_path(), file_id(path)))
        .collect();
    let mut seen: Vec<(&str, &Path, Option<FileId>)> = Vec::new();
    for (phone, path) in targets {
        if path.is_dir() {
            return Err(FlagError(format!(
                "--hear {phone}: {} is a folder; give a file name, for example {}",
                path.display(),
                path.join("heard.wav").display()
            )));
        }
        // The file is renamed over its target when complete: a device or a pipe would be replaced, not written.
        if path.exists() && !path.is_file() {
            return Err(FlagError(format!(
                "--hear {phone}: {} is not a regular file (a device or a pipe); give a file name",
                path.display()
            )));
        }
        let id = file_id(path);
        if id.is_none() {
            continue; // its folder does not exist: creating the file will say so
        }
        if let Some((what, input, _)) = inputs.iter().find(|(_, _, i)| *i == id) {
            return Err(FlagError(format!(
                "--hear {phone}={}: that file is also an input ({what}: {}); write the output to another file",
                path.display(),
                input.display()
            )));
        }
        if let Some((other, other_path, _)) = seen.iter().find(|(_, _, i)| *i == id) {
            return Err(FlagError(format!(
                "--hear {phone}={} and --hear {other}={} are the same file; give each phone its own file",
                path.display(),
                other_path.display()
            )));
        }
        seen.push((phone, path, id));
    }
    Ok(())
}

/// Refuses a `--record-dir` that holds an input named like a recording (`RE….wav`): the run's recordings are
/// named by their ids, known only once it has run, and one could replace that input.
fn refuse_recording_over_inputs(dir: &Path, inputs: &[(String, PathBuf)]) -> Result<(), FlagError> {
    let Ok(dir_id) = std::fs::canonicalize(dir) else {
        return Ok(()); // not there yet: it holds nothing
    };
    for (what, path) in inputs {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if name.starts_with("RE")
            && name.ends_with(".wav")
            && std::fs::canonicalize(parent).is_ok_and(|p| p == dir_id)
        {
            return Err(FlagError(format!(
                "--record-dir {}: it holds an input named like a recording ({what}: {}), which the run's \
                 recordings could replace; write the recordings to another folder",
                dir.display(),
                path.display()
            )));
        }
    }
    Ok(())
}

/// Why a media file was not read.
enum MediaError {
    /// It cannot be opened or read.
    Read(std::io::Error),
    /// It was read but is refused: why, and the fix.
    Refused(String),
}

/// Reads and decodes a media file within limits: a regular file (not a device, a FIFO or a folder: `/dev/zero`
/// never ends), at most [`MAX_MEDIA_BYTES`], and a WAV file [`wav::decode_media`] accepts (rate, length).
fn read_media(path: &Path) -> Result<(Vec<f32>, u32), MediaError> {
    let file = File::open(path).map_err(MediaError::Read)?;
    let meta = file.metadata().map_err(MediaError::Read)?;
    if !meta.is_file() {
        return Err(MediaError::Refused(
            "not a regular file (a device, a pipe or a folder); give a WAV file".to_owned(),
        ));
    }
    let too_big = |bytes: u64| {
        MediaError::Refused(format!(
            "too big ({bytes} bytes); conflab reads media files up to {MAX_MEDIA_BYTES} bytes (128 MiB) and {} s, \
             cut or convert it first (for example `ffmpeg -i IN -t 600 -ac 1 -ar 16000 OUT.wav`)",
            wav::MAX_MEDIA_SECONDS
        ))
    };
    if meta.len() > MAX_MEDIA_BYTES {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_MEDIA_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(MediaError::Read)?;
    if bytes.len() as u64 > MAX_MEDIA_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    wav::decode_media(&bytes).map_err(|e| MediaError::Refused(e.to_string()))
}

/// Runs the scenario and builds its score (the log is the one `conflab run` prints). The decoded media files
/// are handed to the score and not kept.
pub fn score(plan: &mut Plan, scenario: &Scenario, until: Option<u64>) -> (Vec<LogLine>, Score) {
    let files = std::mem::take(&mut plan.files);
    Score::from_run(scenario, until, &files, plan.sample_rate)
}

/// Why the audio could not be written.
pub enum AudioError {
    /// The score cannot be rendered with the plan's configuration.
    Render(RenderError),
    /// An output could not be written.
    Write(OutputError),
}

impl From<RenderError> for AudioError {
    fn from(e: RenderError) -> Self {
        AudioError::Render(e)
    }
}

/// A WAV file being written: the writer on its temporary file, and that file's guard.
struct Wav {
    writer: wav::Writer<BufWriter<File>>,
    temp: TempFile,
}

impl Wav {
    fn start(temp: TempFile, rate: u32) -> Result<Wav, AudioError> {
        let file = temp.file().map_err(|e| write_error(&temp, e))?;
        let writer = wav::Writer::new(BufWriter::with_capacity(256 * 1024, file), rate)
            .map_err(|e| write_error(&temp, e))?;
        Ok(Wav { writer, temp })
    }

    fn write(&mut self, samples: &[f32]) -> Result<(), AudioError> {
        self.writer
            .write(samples)
            .map_err(|e| write_error(&self.temp, e))
    }

    /// Completes the file and renames it over its target; returns the samples dropped at the WAV limit.
    fn finish(self) -> Result<u64, AudioError> {
        let dropped = self.writer.dropped();
        let Wav { writer, temp } = self;
        let out = writer.finish().map_err(|e| write_error(&temp, e))?;
        let file = out
            .into_inner()
            .map_err(|e| write_error(&temp, e.into_error()))?;
        drop(file);
        let target = temp.target().display().to_string();
        temp.commit()
            .map_err(|e| AudioError::Write(OutputError::of(&target, e)))?;
        Ok(dropped)
    }
}

fn write_error(temp: &TempFile, e: std::io::Error) -> AudioError {
    AudioError::Write(OutputError::of(&temp.target().display().to_string(), e))
}

/// The render's sink: each `--hear` file and each recording (opened when its first samples come, renamed when
/// complete, so only the recordings in progress hold a file open).
struct Files<'a> {
    rate: u32,
    hear: Vec<Wav>,
    dir: Option<&'a Path>,
    ids: Vec<&'a str>,
    recordings: Vec<Option<Wav>>,
    written: usize,
    dropped: u64,
}

impl Files<'_> {
    fn recording(&mut self, index: usize) -> Result<Option<&mut Wav>, AudioError> {
        let Some(dir) = self.dir else {
            return Ok(None);
        };
        if self.recordings[index].is_none() {
            let path = dir.join(format!("{}.wav", self.ids[index]));
            let temp = TempFile::create(&path)
                .map_err(|e| AudioError::Write(OutputError::of(&path.display().to_string(), e)))?;
            self.recordings[index] = Some(Wav::start(temp, self.rate)?);
        }
        Ok(self.recordings[index].as_mut())
    }
}

impl audio::render::Sink for Files<'_> {
    type Error = AudioError;
    fn heard(&mut self, index: usize, samples: &[f32]) -> Result<(), AudioError> {
        self.hear[index].write(samples)
    }
    fn recorded(&mut self, index: usize, samples: &[f32]) -> Result<(), AudioError> {
        match self.recording(index)? {
            Some(wav) => wav.write(samples),
            None => Ok(()),
        }
    }
    fn recording_done(&mut self, index: usize) -> Result<(), AudioError> {
        if self.recording(index)?.is_some()
            && let Some(wav) = self.recordings[index].take()
        {
            self.dropped = self.dropped.max(wav.finish()?);
            self.written += 1;
        }
        Ok(())
    }
}

/// Renders `score` block by block into the WAV files and renames each over its target when complete; returns
/// the one-line summary for stderr. On an error the files not yet complete are removed (their targets untouched).
pub fn render_and_write(plan: Plan, score: &Score, started: Instant) -> Result<String, AudioError> {
    let selections: Vec<audio::LegSelection> = plan
        .hear
        .iter()
        .map(|(phone, _)| score.phones.get(phone).cloned().unwrap_or_default())
        .collect();
    let config = conflab_mixer::Config {
        sample_rate: plan.sample_rate,
        block: 128,
    };
    let hear = plan
        .hear
        .into_iter()
        .map(|(_, temp)| Wav::start(temp, plan.sample_rate))
        .collect::<Result<Vec<_>, _>>()?;
    let mut files = Files {
        rate: plan.sample_rate,
        hear,
        dir: plan.record_dir.as_deref(),
        ids: score.recordings.iter().map(|r| r.id.as_str()).collect(),
        recordings: score.recordings.iter().map(|_| None).collect(),
        written: 0,
        dropped: 0,
    };
    // A WAV file holds at most wav::MAX_SAMPLES: the render stops there (plan() refuses an `--until` beyond it;
    // a run that goes on longer on its own is cut, and the summary says so).
    let end = score.end_frame.min(wav::MAX_SAMPLES);
    audio::render::render_into(score, config, &selections, end, &mut files)?;
    let mut written = 0;
    let mut dropped = files.dropped;
    for wav in files.hear {
        dropped = dropped.max(wav.finish()?);
        written += 1;
    }
    let recordings = files.written;
    let audio_secs = end as f64 / f64::from(plan.sample_rate);
    let wall = started.elapsed().as_secs_f64();
    let ratio = if wall > 0.0 {
        format!("{:.0}x", audio_secs / wall)
    } else {
        "∞x".to_owned()
    };
    let cut = if end < score.end_frame || dropped > 0 {
        format!(
            " (cut at {audio_secs:.3} s, the most a WAV file holds at {} Hz)",
            plan.sample_rate
        )
    } else {
        String::new()
    };
    Ok(format!(
        "conflab run: rendered {audio_secs:.3} s of audio at {} Hz ({recordings} recording{}, {written} --hear file{}) in {wall:.3} s, {ratio} faster than real time{cut}",
        plan.sample_rate,
        if recordings == 1 { "" } else { "s" },
        if written == 1 { "" } else { "s" },
    ))
}
