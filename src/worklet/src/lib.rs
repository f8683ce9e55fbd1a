//! conflab's mixer as a raw wasm module for the AudioWorklet (`static/mixer-worklet.js`): exported `extern "C"`
//! functions over linear memory, no wasm-bindgen and no imports (the worklet scope has no `TextDecoder`).
