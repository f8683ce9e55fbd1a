//! Deterministic math for the kernels and sources: the same bits natively and in wasm, because no platform
//! `sin`/`exp`/`pow` is called (their results differ between libm implementations).
