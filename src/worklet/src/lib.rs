//! conflab's mixer as a raw wasm module for the AudioWorklet (`static/mixer-worklet.js`): exported `extern "C"`
//! functions over linear memory, no wasm-bindgen and no imports (the worklet scope has no `TextDecoder` and no
//! `fetch`, so the wasm-bindgen glue could not run there).
//!
//! [`Worklet`] is the whole state, a plain Rust value that native tests drive directly; `exports` is the thin
//! `extern "C"` layer over one global instance of it (wasm32 only). The render loop is the native renderer's: commands are
//! queued on a [`conflab_mixer::Player`] with their frames, then each quantum is one
//! [`conflab_mixer::Player::render_block`], so a browser render equals the native one bit for bit.

#[cfg(target_arch = "wasm32")]
pub mod exports;
mod recorder;
mod worklet;

pub use worklet::{METER_WORDS, Worklet};
