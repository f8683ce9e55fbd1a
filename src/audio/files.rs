//! Decoded audio files a run uses, handed in by the driver (this module never touches the file system): phone
//! `{"file": …}` media, keyed by the path the scenario writes (the native CLI reads them relative to the scenario
//! file), and the sound of `Play`/`waitUrl` URLs, keyed by the URL (`conflab run --media URL=FILE.wav`).

use crate::scenario::{Media, Scenario};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One decoded file: mono samples at their own rate. The mixer plays them at that rate (it resamples as it
/// renders), and shares them: the `LoadPcm` command and the mixer hold this same allocation.
#[derive(Clone, Debug, PartialEq)]
pub struct Clip {
    /// Mono frames, full scale ±1.0.
    pub samples: Arc<[f32]>,
    /// Their sample rate.
    pub sample_rate: u32,
}

/// The decoded files, by the path as the scenario writes it or by the URL they stand for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MediaFiles {
    clips: BTreeMap<String, Clip>,
}

impl MediaFiles {
    /// No files.
    pub fn new() -> Self {
        MediaFiles::default()
    }

    /// Adds the decoded file the scenario calls `path` (or the sound of URL `path`).
    pub fn insert(&mut self, path: &str, samples: Vec<f32>, sample_rate: u32) {
        self.clips.insert(
            path.to_owned(),
            Clip {
                samples: samples.into(),
                sample_rate,
            },
        );
    }

    /// The file the scenario calls `path`.
    pub fn get(&self, path: &str) -> Option<&Clip> {
        self.clips.get(path)
    }

    /// Every file, by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Clip)> {
        self.clips.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The paths `scenario`'s phones refer to, each once, sorted, with the JSON pointer of every phone that names
    /// it (`/phones/P/media/file`): what a driver must read and [`MediaFiles::insert`], and where to report a file
    /// it cannot.
    pub fn wanted(scenario: &Scenario) -> BTreeMap<String, Vec<String>> {
        let mut paths: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (phone, p) in &scenario.phones {
            if let Media::File { path } = &p.media {
                let token = phone.replace('~', "~0").replace('/', "~1");
                paths
                    .entry(path.clone())
                    .or_default()
                    .push(format!("/phones/{token}/media/file"));
            }
        }
        paths
    }
}
