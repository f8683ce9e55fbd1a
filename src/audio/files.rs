//! Decoded audio files a scenario refers to (phone `{"file": …}` media), handed in by the driver: the native CLI
//! reads and decodes them relative to the scenario file; this module never touches the file system.

use crate::scenario::{Media, Scenario};
use std::collections::BTreeMap;

/// One decoded file: mono samples at their own rate.
#[derive(Clone, Debug, PartialEq)]
pub struct Clip {
    /// Mono frames, full scale ±1.0.
    pub samples: Vec<f32>,
    /// Their sample rate.
    pub sample_rate: u32,
}

impl Clip {
    /// The clip at `rate`: the samples themselves when the rates agree, else linearly interpolated (only
    /// `+ − × ÷`, so every platform gives the same bits).
    pub fn resampled(&self, rate: u32) -> Vec<f32> {
        resample_linear(&self.samples, self.sample_rate, rate)
    }
}

/// `samples` at `from` Hz resampled to `to` Hz by linear interpolation; the length scales with the rates
/// (rounded down). Identity when the rates agree; empty for a zero rate.
pub fn resample_linear(samples: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to {
        return samples.to_vec();
    }
    if from == 0 || to == 0 || samples.is_empty() {
        return Vec::new();
    }
    let n = (samples.len() as u128 * u128::from(to) / u128::from(from)) as usize;
    let last = samples.len() - 1;
    (0..n)
        .map(|i| {
            // The source position i·from/to as a whole index and an exact fraction (integer arithmetic).
            let num = i as u128 * u128::from(from);
            let j = (num / u128::from(to)) as usize;
            let frac = (num % u128::from(to)) as f64 / f64::from(to);
            let a = samples[j.min(last)];
            let b = samples[(j + 1).min(last)];
            (f64::from(a) + (f64::from(b) - f64::from(a)) * frac) as f32
        })
        .collect()
}

/// The decoded files, by the path as the scenario writes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MediaFiles {
    clips: BTreeMap<String, Clip>,
}

impl MediaFiles {
    /// No files.
    pub fn new() -> Self {
        MediaFiles::default()
    }

    /// Adds the decoded file the scenario calls `path`.
    pub fn insert(&mut self, path: &str, samples: Vec<f32>, sample_rate: u32) {
        self.clips.insert(
            path.to_owned(),
            Clip {
                samples,
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

    /// The paths `scenario` refers to, each once, sorted: what a driver must read and [`MediaFiles::insert`].
    pub fn wanted(scenario: &Scenario) -> Vec<String> {
        let mut paths: Vec<String> = scenario
            .phones
            .values()
            .filter_map(|p| match &p.media {
                Media::File { path } => Some(path.clone()),
                _ => None,
            })
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_scales_the_length_and_interpolates() {
        let s = [0.0, 1.0, 0.0, -1.0];
        assert_eq!(resample_linear(&s, 8000, 8000), s.to_vec());
        let up = resample_linear(&s, 8000, 16000);
        assert_eq!(up, vec![0.0, 0.5, 1.0, 0.5, 0.0, -0.5, -1.0, -1.0]);
        let down = resample_linear(&s, 16000, 8000);
        assert_eq!(down, vec![0.0, 0.0]);
        assert!(resample_linear(&s, 0, 8000).is_empty());
    }
}
