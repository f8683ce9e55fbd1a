//! WAV files: what `conflab run` writes (`--record-dir`, `--hear`), what the browser plays and downloads, and
//! what phone media files (`{"file": …}`) are read from.
//!
//! Written as mono 16-bit PCM (`WAVE_FORMAT_PCM`): every player decodes it (Chromium's `<audio>` and
//! `decodeAudioData` included), it is half the size of 32-bit float, and 96 dB of range is more than a phone
//! call has. The conversion is deterministic: clamp to [−1, 1], scale by 32767, round half away from zero.
//! Read: 8/16/24/32-bit integer PCM and 32-bit float, any channel count (mixed down to mono by averaging),
//! at a declared rate of 8 to 192 kHz (kept at that rate: the mixer resamples as it plays), at most
//! [`MAX_MEDIA_SECONDS`] long.
//!
//! [`Writer`] writes the same file incrementally, block by block as a render produces it, so a long recording
//! never has to be held in memory; [`encode`] is the whole-buffer form (the browser's downloads).

use std::fmt;
use std::io::{self, Seek, SeekFrom, Write};
use std::ops::RangeInclusive;

/// The most samples a 16-bit mono WAV file can describe: its RIFF length is a u32 counting 36 header bytes
/// plus two bytes per sample (about 2.1 G samples: 37 hours at 16 kHz, 3.1 hours at 192 kHz).
pub const MAX_SAMPLES: u64 = (u32::MAX as u64 - 36) / 2;

/// The sample rates a WAV file read as media may declare (telephone narrowband to studio rates, as
/// `conflab run --sample-rate`). A rate outside is refused before any sample is decoded: a file declaring 1 Hz
/// would otherwise stretch each sample over 16,000 frames of a 16 kHz render.
pub const READ_RATES: RangeInclusive<u32> = 8_000..=192_000;

/// The longest media file read, in seconds (10 minutes: prompts, announcements and a hold-music loop; a file
/// loops where the app plays it on). Decoded it takes at most 10 min × its own rate × 4 bytes (19 MB at 8 kHz,
/// 460 MB at 192 kHz), whatever the render's rate: the mixer keeps it at its rate and resamples as it plays.
pub const MAX_MEDIA_SECONDS: u64 = 600;

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
    /// The header declares a sample rate outside [`READ_RATES`].
    Rate {
        /// The declared rate, Hz.
        hz: u32,
    },
    /// The header declares more than [`MAX_MEDIA_SECONDS`] of sound.
    TooLong {
        /// Frames declared.
        frames: u64,
        /// At this rate, Hz.
        hz: u32,
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
            WavError::Rate { hz } => write!(
                f,
                "the file declares a sample rate of {hz} Hz; conflab reads {} to {} Hz, convert with \
                 `ffmpeg -i IN -ac 1 -ar 16000 -c:a pcm_s16le OUT.wav`",
                READ_RATES.start(),
                READ_RATES.end()
            ),
            WavError::TooLong { frames, hz } => write!(
                f,
                "the file declares {frames} frames at {hz} Hz ({} s); conflab reads media up to {MAX_MEDIA_SECONDS} s \
                 (10 minutes), cut it with `ffmpeg -i IN -t {MAX_MEDIA_SECONDS} OUT.wav` (a file loops where it is \
                 played on)",
                frames / u64::from(*hz)
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
    let max = usize::try_from(MAX_SAMPLES).unwrap_or(usize::MAX);
    let samples = &samples[..samples.len().min(max)];
    let mut out = header(sample_rate, samples.len() as u64);
    out.reserve(samples.len() * 2);
    for &s in samples {
        out.extend_from_slice(&to_i16(s).to_le_bytes());
    }
    out
}

/// The 44-byte header of a mono 16-bit PCM file of `samples` (at most [`MAX_SAMPLES`]) at `sample_rate`.
fn header(sample_rate: u32, samples: u64) -> Vec<u8> {
    let data_len = (samples.min(MAX_SAMPLES) * 2) as u32;
    let mut out = Vec::with_capacity(44);
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
    out
}

/// A WAV file written as it is rendered: the header first (lengths 0), the samples as they come, the lengths
/// patched in by [`Writer::finish`]. The bytes are [`encode`]'s for the same samples; samples past
/// [`MAX_SAMPLES`] are dropped (counted by [`Writer::dropped`]).
pub struct Writer<W: Write + Seek> {
    out: W,
    sample_rate: u32,
    written: u64,
    dropped: u64,
    buf: Vec<u8>,
}

impl<W: Write + Seek> Writer<W> {
    /// Starts a file at `sample_rate` on `out` (at its current position, normally the start).
    pub fn new(mut out: W, sample_rate: u32) -> io::Result<Self> {
        out.write_all(&header(sample_rate, 0))?;
        Ok(Writer {
            out,
            sample_rate,
            written: 0,
            dropped: 0,
            buf: Vec::new(),
        })
    }

    /// Appends `samples`.
    pub fn write(&mut self, samples: &[f32]) -> io::Result<()> {
        let room = usize::try_from(MAX_SAMPLES - self.written).unwrap_or(usize::MAX);
        let (kept, over) = samples.split_at(samples.len().min(room));
        self.dropped += over.len() as u64;
        self.buf.clear();
        self.buf
            .extend(kept.iter().flat_map(|&s| to_i16(s).to_le_bytes()));
        self.out.write_all(&self.buf)?;
        self.written += kept.len() as u64;
        Ok(())
    }

    /// Appends `frames` of silence.
    pub fn silence(&mut self, mut frames: u64) -> io::Result<()> {
        let zeros = [0.0f32; 1024];
        while frames > 0 {
            let n = frames.min(zeros.len() as u64) as usize;
            self.write(&zeros[..n])?;
            frames -= n as u64;
        }
        Ok(())
    }

    /// Samples written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Samples dropped because the file was full ([`MAX_SAMPLES`]).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Patches the header's lengths, flushes and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        let head = header(self.sample_rate, self.written);
        self.out.seek(SeekFrom::Start(0))?;
        self.out.write_all(&head)?;
        self.out.seek(SeekFrom::End(0))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The mono samples (full scale ±1.0) and the sample rate of a WAV file, declared at a rate in [`READ_RATES`].
pub fn decode(bytes: &[u8]) -> Result<(Vec<f32>, u32), WavError> {
    decode_within(bytes, u64::MAX)
}

/// [`decode`] for a media file a run plays: also at most [`MAX_MEDIA_SECONDS`] long (a decoded file's memory is
/// its length × its rate, not its size in bytes).
pub fn decode_media(bytes: &[u8]) -> Result<(Vec<f32>, u32), WavError> {
    decode_within(bytes, MAX_MEDIA_SECONDS)
}

/// [`decode`] of a file at most `max_seconds` long, both checked on the header before any sample is read.
fn decode_within(bytes: &[u8], max_seconds: u64) -> Result<(Vec<f32>, u32), WavError> {
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).map_err(wav_error)?;
    let spec = reader.spec();
    if spec.channels == 0 {
        return Err(WavError::Malformed {
            detail: format!("{} channels at {} Hz", spec.channels, spec.sample_rate),
        });
    }
    // The header is checked before any sample is decoded: what it declares is what decoding would allocate.
    if !READ_RATES.contains(&spec.sample_rate) {
        return Err(WavError::Rate {
            hz: spec.sample_rate,
        });
    }
    let frames = u64::from(reader.duration());
    if frames > max_seconds.saturating_mul(u64::from(spec.sample_rate)) {
        return Err(WavError::TooLong {
            frames,
            hz: spec.sample_rate,
        });
    }
    let channels = usize::from(spec.channels);
    // Room for what the bytes can really hold, not what the header claims (it may claim more than it has).
    let capacity = usize::try_from(frames)
        .unwrap_or(usize::MAX)
        .min(bytes.len() / (channels * usize::from(spec.bits_per_sample.div_ceil(8)).max(1)));
    let mono = match spec.sample_format {
        hound::SampleFormat::Float => {
            if spec.bits_per_sample != 32 {
                return Err(WavError::Unsupported {
                    detail: format!("{}-bit float", spec.bits_per_sample),
                });
            }
            mix_down(reader.into_samples::<f32>(), channels, capacity)?
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
            mix_down(
                reader
                    .into_samples::<i32>()
                    .map(|s| s.map(|v| (f64::from(v) * scale) as f32)),
                channels,
                capacity,
            )?
        }
    };
    Ok((mono, spec.sample_rate))
}

/// Interleaved samples of `channels` channels mixed down to mono as they are read (averaging each frame; a
/// trailing partial frame is dropped), so no interleaved copy is ever held.
fn mix_down<T: Into<f32>>(
    samples: impl Iterator<Item = Result<T, hound::Error>>,
    channels: usize,
    capacity: usize,
) -> Result<Vec<f32>, WavError> {
    let mut mono = Vec::with_capacity(capacity);
    if channels == 1 {
        for s in samples {
            mono.push(s.map_err(wav_error)?.into());
        }
        return Ok(mono);
    }
    let inv = 1.0 / channels as f32;
    // -0.0 is the identity of addition, as `Iterator::sum` starts from: the same bits as summing each frame.
    let (mut sum, mut n) = (-0.0f32, 0);
    for s in samples {
        sum += s.map_err(wav_error)?.into();
        n += 1;
        if n == channels {
            mono.push(sum * inv);
            (sum, n) = (-0.0, 0);
        }
    }
    Ok(mono)
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
    fn the_incremental_writer_writes_encode_s_bytes() {
        let samples: Vec<f32> = (0..3000).map(|i| ((i as f32) * 0.01).sin()).collect();
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()), 22_050).unwrap();
        for chunk in samples.chunks(128) {
            w.write(chunk).unwrap();
        }
        w.silence(100).unwrap();
        assert_eq!((w.written(), w.dropped()), (3100, 0));
        let bytes = w.finish().unwrap().into_inner();
        let mut whole = samples.clone();
        whole.resize(3100, 0.0);
        assert_eq!(bytes, encode(&whole, 22_050));
        // No samples: the header alone.
        let empty = Writer::new(std::io::Cursor::new(Vec::new()), 8000).unwrap();
        assert_eq!(empty.finish().unwrap().into_inner(), encode(&[], 8000));
    }

    #[test]
    fn a_declared_rate_or_length_out_of_range_is_refused_from_the_header() {
        assert_eq!(
            decode(&encode(&[0.5; 1000], 1)),
            Err(WavError::Rate { hz: 1 })
        );
        assert_eq!(
            decode(&encode(&[0.5; 10], 384_000)),
            Err(WavError::Rate { hz: 384_000 })
        );
        assert_eq!(decode(&encode(&[0.5; 10], 8000)).unwrap().0.len(), 10);
        // A header that claims 601 s (and has 16 frames): refused for media before a sample is read, and
        // `decode` stops at the end of the bytes without reserving the claimed length.
        let mut long = encode(&[0.0; 16], 8000);
        let declared: u32 = 601 * 8000 * 2;
        long[40..44].copy_from_slice(&declared.to_le_bytes());
        assert_eq!(
            decode_media(&long),
            Err(WavError::TooLong {
                frames: 601 * 8000,
                hz: 8000
            })
        );
        assert!(matches!(decode(&long), Err(WavError::Malformed { .. })));
        let msg = WavError::Rate { hz: 1 }.to_string();
        assert!(
            msg.contains("1 Hz; conflab reads 8000 to 192000 Hz"),
            "{msg}"
        );
    }

    #[test]
    fn stereo_is_mixed_down_frame_by_frame() {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut bytes = std::io::Cursor::new(Vec::new());
        {
            let mut w = hound::WavWriter::new(&mut bytes, spec).unwrap();
            for (l, r) in [(16384i16, 0i16), (-16384, -16384), (8192, 8192)] {
                w.write_sample(l).unwrap();
                w.write_sample(r).unwrap();
            }
            w.finalize().unwrap();
        }
        let (mono, rate) = decode(bytes.get_ref()).unwrap();
        assert_eq!(rate, 8000);
        assert_eq!(mono, vec![0.25, -0.5, 0.25]);
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(decode(b"hello"), Err(WavError::Malformed { .. })));
    }
}
