//! Audio files the learner picks, decoded by the browser (`decodeAudioData`) at the rate the caller renders at,
//! and handed over as mono PCM: the browser half of what `hound` does for `conflab run`.

use super::{AudioError, error, js};
use wasm_bindgen::JsCast;
use web_sys::{BaseAudioContext, OfflineAudioContext};

/// Decodes `file` (any format the browser reads: WAV, and more) to mono frames at `sample_rate`, the channels
/// averaged. The browser resamples, so the frames are not bit-identical to the native decode (parity scenarios
/// use no files).
pub async fn decode_file(file: &web_sys::File, sample_rate: u32) -> Result<Vec<f32>, AudioError> {
    let bytes: js_sys::ArrayBuffer = js::wait(file.array_buffer())
        .await
        .map_err(|e| AudioError::Decode {
            file: file.name(),
            why: error::describe(&e),
        })?
        .unchecked_into();
    // A one-frame offline context is only there to decode at `sample_rate`; it never renders.
    let context = OfflineAudioContext::new_with_number_of_channels_and_length_and_sample_rate(
        1,
        1,
        sample_rate as f32,
    )
    .map_err(|e| AudioError::Context(error::describe(&e)))?;
    let base: &BaseAudioContext = context.as_ref();
    let promise = base
        .decode_audio_data(&bytes)
        .map_err(|e| AudioError::Context(error::describe(&e)))?;
    let buffer: web_sys::AudioBuffer = js::wait(promise)
        .await
        .map_err(|e| AudioError::Decode {
            file: file.name(),
            why: error::describe(&e),
        })?
        .unchecked_into();
    let channels = buffer.number_of_channels().max(1);
    let mut mono = vec![0.0f32; buffer.length() as usize];
    for c in 0..channels {
        let data = buffer
            .get_channel_data(c)
            .map_err(|e| AudioError::Context(error::describe(&e)))?;
        for (m, x) in mono.iter_mut().zip(data) {
            *m += x;
        }
    }
    if channels > 1 {
        let scale = 1.0 / channels as f32;
        mono.iter_mut().for_each(|m| *m *= scale);
    }
    Ok(mono)
}
