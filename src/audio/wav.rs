//! WAV files: what `conflab run` writes (`--record-dir`, `--hear`), what the browser plays and downloads, and
//! what phone media files (`{"file": …}`) are read from.
//!
//! Written as mono 16-bit PCM (`WAVE_FORMAT_PCM`): every player decodes it (Chromium's `<audio>` and
//! `decodeAudioData` included), it is half the size of 32-bit float, and 96 dB of range is more than a phone
//! call has. The conversion is deterministic: clamp to [−1, 1], scale by 32767, round half away from zero.
//! Read: 8/16/24/32-bit integer PCM and 32-bit float, any channel count (mixed down to mono by averaging),
//! any sample rate (the caller resamples).

use std::fmt;

/// Why bytes are not a WAV file conflab can read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WavError {
    /// Not a RIFF/WAVE file, or one that is cut short or inconsistent.
    Malformed {
        /// What the decoder found wrong.
        detail: String,
    },
    /// A valid WAV file in an encoding conflab does not read (compressed formats such as µ-law or ADPCM).
    Unsupported {
        /// The encoding.
        detail: String,
    },
}

impl fmt::Display for WavError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WavError::Malformed { detail } => write!(
                f,
                "not a readable WAV file ({detail}); save it as a WAV (RIFF/WAVE) file, for example with \
                 `ffmpeg -i IN -ac 1 -c:a pcm_s16le OUT.wav`"
            ),
            WavError::Unsupported { detail } => write!(
                f,
                "unsupported WAV encoding ({detail}); conflab reads 8/16/24/32-bit PCM and 32-bit float, \
                 convert with `ffmpeg -i IN -ac 1 -c:a pcm_s16le OUT.wav`"
            ),
        }
    }
}

impl std::error::Error for WavError {}

/// The 16-bit sample for `x`: clamped to [−1, 1] (compare/select), scaled by 32767, rounded half away from
/// zero. NaN becomes 0.
#[allow(clippy::manual_clamp)] // compare/select: `f32::clamp` does not vectorise in wasm (project rule)
fn to_i16(x: f32) -> i16 {
    let c = if x > 1.0 {
        1.0
    } else if x < -1.0 {
        -1.0
    } else {
        x
    };
    let v = c * 32767.0;
    let r = if v >= 0.0 { v + 0.5 } else { v - 0.5 };
    // `as` truncates toward zero and maps NaN to 0.
    r as i16
}

/// A mono 16-bit PCM WAV file of `samples` at `sample_rate` (44-byte header, then little-endian samples). A
/// file longer than a WAV header can describe (about 2 G samples) is cut at that length.
pub fn encode(samples: &[f32], sample_rate: u32) -> Vec<u8> {
    const MAX_SAMPLES: usize = (u32::MAX as usize - 36) / 2;
    let samples = &samples[..samples.len().min(MAX_SAMPLES)];
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVE");
    out.extend_from_slice(b"fmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // WAVE_FORMAT_PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&sample_rate.to_le_bytes());
    out.extend_from_slice(&sample_rate.saturating_mul(2).to_le_bytes()); // bytes per second
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for &s in samples {
        out.extend_from_slice(&to_i16(s).to_le_bytes());
    }
    out
}

/// The mono samples (full scale ±1.0) and the sample rate of a WAV file.
pub fn decode(bytes: &[u8]) -> Result<(Vec<f32>, u32), WavError> {
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).map_err(wav_error)?;
    let spec = reader.spec();
    if spec.channels == 0 || spec.sample_rate == 0 {
        return Err(WavError::Malformed {
            detail: format!("{} channels at {} Hz", spec.channels, spec.sample_rate),
        });
    }
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => {
            if spec.bits_per_sample != 32 {
                return Err(WavError::Unsupported {
                    detail: format!("{}-bit float", spec.bits_per_sample),
                });
            }
            reader
                .into_samples::<f32>()
                .collect::<Result<_, _>>()
                .map_err(wav_error)?
        }
        hound::SampleFormat::Int => {
            let bits = spec.bits_per_sample;
            if !(1..=32).contains(&bits) {
                return Err(WavError::Unsupported {
                    detail: format!("{bits}-bit integer"),
                });
            }
            // Full scale of a `bits`-bit sample, as f64 so that 32-bit samples scale exactly.
            let scale = 1.0 / (1u64 << (bits - 1)) as f64;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|v| (f64::from(v) * scale) as f32))
                .collect::<Result<_, _>>()
                .map_err(wav_error)?
        }
    };
    let channels = usize::from(spec.channels);
    let mono = if channels == 1 {
        interleaved
    } else {
        let inv = 1.0 / channels as f32;
        interleaved
            .chunks_exact(channels)
            .map(|frame| frame.iter().sum::<f32>() * inv)
            .collect()
    };
    Ok((mono, spec.sample_rate))
}

fn wav_error(e: hound::Error) -> WavError {
    match e {
        hound::Error::Unsupported => WavError::Unsupported {
            detail: "a compressed or unknown format".to_owned(),
        },
        hound::Error::IoError(e) => WavError::Malformed {
            detail: format!("the file ends early: {e}"),
        },
        other => WavError::Malformed {
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_trip_keeps_the_rate_and_every_sample_within_a_step_and_a_half() {
        let samples: Vec<f32> = (0..1000).map(|i| ((i as f32) / 500.0) - 1.0).collect();
        let bytes = encode(&samples, 8000);
        assert_eq!(bytes.len(), 44 + 2000);
        let (back, rate) = decode(&bytes).unwrap();
        assert_eq!(rate, 8000);
        assert_eq!(back.len(), 1000);
        for (a, b) in samples.iter().zip(&back) {
            // Written ×32767, read ÷32768 (the usual conventions): within 1.5 steps.
            assert!((a - b).abs() <= 1.5 / 32767.0, "{a} {b}");
        }
    }

    #[test]
    fn out_of_range_samples_clamp_and_nan_is_silence() {
        assert_eq!(to_i16(2.0), 32767);
        assert_eq!(to_i16(-2.0), -32767);
        assert_eq!(to_i16(f32::NAN), 0);
        assert_eq!(to_i16(0.5 / 32767.0), 1);
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(decode(b"hello"), Err(WavError::Malformed { .. })));
    }
}
