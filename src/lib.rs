//! conflab: a FreeClimb conference sandbox.
//!
//! The library is a deterministic, sans-IO core (no clocks, no I/O, no global randomness) plus thin drivers:
//! the browser UI (`ui`, wasm32 only) and the native CLI (`cli`). See ARCHITECTURE.md for the map.

pub mod api;
pub mod audio;
pub mod conference;
pub mod engine;
pub mod ids;
mod lookup;
pub mod page;
pub mod percl;
pub mod sandbox;
pub mod scenario;
mod sort;
pub mod webhook;
pub mod why;
pub mod wire;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

/// `conflab serve`: the engine behind real HTTP (native only).
#[cfg(not(target_arch = "wasm32"))]
pub mod serve;

#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub mod web_audio;
