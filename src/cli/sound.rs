//! The audio flags of `conflab run`: `--record-dir DIR`, `--hear PHONE=FILE.wav` (repeatable),
//! `--media URL=FILE.wav` (repeatable: the sound of a `Play` file or a `waitUrl`) and `--sample-rate HZ`. Everything that can be wrong with them (a `--hear` without `=`, a phone the scenario never
//! names, a folder or file that cannot be written, a phone media file that cannot be read or decoded) is found
//! before the scenario runs, so a mistake costs no run. The render itself is [`crate::audio`]'s; this module
//! only reads and writes files.

use crate::audio::{self, MediaFiles, Score, wav};
use crate::engine::log::LogLine;
use crate::scenario::{Action, Scenario};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Lowest and highest `--sample-rate` accepted (telephone narrowband to studio rates).
const RATES: std::ops::RangeInclusive<u32> = 8_000..=192_000;

/// The audio flags, checked: what to render and where to write it.
pub struct Plan {
    sample_rate: u32,
    record_dir: Option<PathBuf>,
    /// (phone, output path, the output file, created and empty).
    hear: Vec<(String, PathBuf, File)>,
    files: MediaFiles,
}

/// A problem with the audio flags, as one line for stderr.
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
}

/// Checks the flags against `scenario` (read from `scenario_path`), creates the outputs and reads the audio files
/// (the phones' media, relative to the scenario; `--media` files, relative to the working folder). `None` when
/// nothing is to be rendered (the run prints its log and nothing else).
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
    let known = named_phones(scenario);
    let mut outs = Vec::new();
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
        let path = PathBuf::from(file);
        let handle = File::create(&path).map_err(|e| {
            FlagError(format!(
                "--hear {phone}: cannot write {}: {e}; give a path in a folder that exists and is writable",
                path.display()
            ))
        })?;
        outs.push((phone.to_owned(), path, handle));
    }
    if let Some(dir) = record_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            FlagError(format!(
                "--record-dir {}: cannot create the folder: {e}",
                dir.display()
            ))
        })?;
        // Probe: a folder that exists may still refuse new files.
        let probe = dir.join(".conflab-write-check");
        File::create(&probe).map_err(|e| {
            FlagError(format!(
                "--record-dir {}: cannot write there: {e}; choose a writable folder",
                dir.display()
            ))
        })?;
        let _ = std::fs::remove_file(&probe);
    }
    let base = scenario_path.parent().unwrap_or(Path::new(""));
    let mut files = MediaFiles::new();
    for rel in MediaFiles::wanted(scenario) {
        let path = base.join(&rel);
        let bytes = std::fs::read(&path).map_err(|e| {
            FlagError(format!(
                "phone media file {rel} (read as {}): {e}; paths are relative to the scenario file",
                path.display()
            ))
        })?;
        let (samples, rate) = wav::decode(&bytes)
            .map_err(|e| FlagError(format!("phone media file {}: {e}", path.display())))?;
        files.insert(&rel, samples, rate);
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
        let bytes = std::fs::read(file)
            .map_err(|e| FlagError(format!("--media {url}: cannot read {file}: {e}")))?;
        let (samples, rate) =
            wav::decode(&bytes).map_err(|e| FlagError(format!("--media {url}: {file}: {e}")))?;
        files.insert(url, samples, rate);
    }
    Ok(Some(Plan {
        sample_rate,
        record_dir: record_dir.map(Path::to_path_buf),
        hear: outs,
        files,
    }))
}

/// Runs the scenario and builds its score (the log is the one `conflab run` prints).
pub fn score(plan: &Plan, scenario: &Scenario, until: Option<u64>) -> (Vec<LogLine>, Score) {
    Score::from_run(scenario, until, &plan.files, plan.sample_rate)
}

/// Renders `score` and writes the WAV files; returns the one-line summary for stderr.
pub fn render_and_write(plan: Plan, score: &Score, started: Instant) -> Result<String, String> {
    let selections: Vec<audio::LegSelection> = plan
        .hear
        .iter()
        .map(|(phone, ..)| score.phones.get(phone).cloned().unwrap_or_default())
        .collect();
    let config = conflab_mixer::Config {
        sample_rate: plan.sample_rate,
        block: 128,
    };
    let rendered = audio::render(score, config, &selections).map_err(|e| e.to_string())?;
    let mut written = 0;
    for ((_, path, mut file), samples) in plan.hear.into_iter().zip(&rendered.hear) {
        file.write_all(&wav::encode(samples, plan.sample_rate))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written += 1;
    }
    let mut recordings = 0;
    if let Some(dir) = &plan.record_dir {
        for (id, samples) in &rendered.recordings {
            let path = dir.join(format!("{id}.wav"));
            std::fs::write(&path, wav::encode(samples, plan.sample_rate))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            recordings += 1;
        }
    }
    let audio_secs = score.end_frame as f64 / f64::from(plan.sample_rate);
    let wall = started.elapsed().as_secs_f64();
    let ratio = if wall > 0.0 {
        format!("{:.0}x", audio_secs / wall)
    } else {
        "∞x".to_owned()
    };
    Ok(format!(
        "conflab run: rendered {audio_secs:.3} s of audio at {} Hz ({recordings} recording{}, {written} --hear file{}) in {wall:.3} s, {ratio} faster than real time",
        plan.sample_rate,
        if recordings == 1 { "" } else { "s" },
        if written == 1 { "" } else { "s" },
    ))
}
