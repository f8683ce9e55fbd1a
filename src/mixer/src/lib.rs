//! conflab's audio mixer: one pure-Rust engine for the native renderer (`conflab run --record-dir/--hear`) and
//! the browser's AudioWorklet (the raw `conflab-worklet` cdylib).
//!
//! The mixer knows legs (calls), rooms (conferences) and sources; it knows nothing of FreeClimb. A driver turns
//! the engine's media changes into [`Command`]s stamped with a frame and hands them to a [`Player`], which applies
//! every due command at a block boundary and then renders one block. Because native and browser run the same
//! `Player` on the same command stream, and no kernel calls a platform math function, the two renders are equal
//! bit for bit.
//!
//! Rules the kernels keep (see each module):
//! * no allocation, lock or logging inside [`Mixer::render`] (a test counts allocations around it);
//! * the block length is a runtime value (128 by default), never a constant inside a kernel;
//! * compare/select instead of `f32::min`/`max`/`clamp` (they do not vectorise in wasm), several independent
//!   accumulators in reductions;
//! * no `sin`/`exp`/`powf`/`log` from the platform: [`dsp`] has deterministic replacements; no fused multiply-add;
//! * the fused reductions LLVM does not vectorise by itself use four-lane vectors (SSE2 natively, `simd128` in a
//!   wasm build with that feature, plain arrays otherwise) doing the same IEEE operation per lane, so every build
//!   gives the same bits.

pub mod bench;
pub mod command;
pub mod dsp;
mod limiter;
mod meter;
mod mixer;
mod player;
mod simd;
pub mod source;

pub use command::{Command, DecodeError, LegId, PcmId, RoomId, SourceSpec};
pub use limiter::{Limiter, LimiterState};
pub use meter::{Gate, LANES, Meter, Sums};
pub use mixer::{ApplyError, Config, MAX_BLOCK, MAX_LEGS, MAX_PCM, MAX_ROOMS, Mixer};
pub use player::Player;
