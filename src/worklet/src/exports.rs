//! The `extern "C"` functions the worklet script calls (wasm32 only). One global [`Worklet`]: the module is
//! instantiated once per AudioWorkletProcessor and wasm runs single-threaded, so nothing else can touch it.
//!
//! Conventions: a leg or room is its `u32` id; a pointer is a byte offset into the exported `memory` (0 when
//! there is nothing), valid until the next call (memory may grow: the script makes new views every quantum).
//! Every export is a no-op returning 0 (or null) before [`init`].

use crate::Worklet;
use conflab_mixer::LegId;
use core::cell::UnsafeCell;

/// The one worklet. wasm32 without threads: exports run one at a time, and no reference to the state outlives
/// an export call, so handing out `&mut` from a shared static is sound here.
struct Global(UnsafeCell<Option<Worklet>>);

// SAFETY: see `Global`: the module has one thread.
unsafe impl Sync for Global {}

static STATE: Global = Global(UnsafeCell::new(None));

/// The global worklet, once [`init`] has run.
fn state() -> Option<&'static mut Worklet> {
    // SAFETY: see `Global`.
    unsafe { &mut *STATE.0.get() }.as_mut()
}

/// Starts (or restarts) the mixer at `sample_rate` with `block` frames per quantum. Returns 1, or 0 when either
/// is 0.
#[unsafe(no_mangle)]
pub extern "C" fn init(sample_rate: u32, block: u32) -> u32 {
    let worklet = Worklet::new(sample_rate, block as usize);
    let ok = worklet.is_some();
    // SAFETY: see `Global`; the previous worklet (if any) is dropped here, with no reference to it alive.
    unsafe { *STATE.0.get() = worklet };
    u32::from(ok)
}

/// A buffer of `len` words for an encoded command stream; write it, then call [`apply`].
#[unsafe(no_mangle)]
pub extern "C" fn words_ptr(len: u32) -> *mut u32 {
    state().map_or(core::ptr::null_mut(), |w| {
        w.words_mut(len as usize).as_mut_ptr()
    })
}

/// Decodes the first `len` words written at [`words_ptr`] and queues the commands. Returns how many, or -1 when
/// the stream is malformed (nothing is queued; [`error_ptr`]/[`error_len`] give the message).
#[unsafe(no_mangle)]
pub extern "C" fn apply(len: u32) -> i32 {
    match state() {
        Some(w) => w.apply(len as usize).map_or(-1, |n| n as i32),
        None => -1,
    }
}

/// The microphone's staging block (block length frames): write the quantum's input here before [`render`].
#[unsafe(no_mangle)]
pub extern "C" fn mic_ptr() -> *mut f32 {
    state().map_or(core::ptr::null_mut(), |w| w.mic_mut().as_mut_ptr())
}

/// The input block of a leg (block length frames; null for an unknown leg), for a driver that feeds external
/// legs itself (the benchmark). An external leg's block is read at every block until rewritten; a leg with a
/// source has it overwritten by the source.
#[unsafe(no_mangle)]
pub extern "C" fn input_ptr(leg: u32) -> *mut f32 {
    state()
        .and_then(|w| w.input_mut(LegId(leg)))
        .map_or(core::ptr::null_mut(), |i| i.as_mut_ptr())
}

/// Which leg the microphone feeds; a negative value detaches it.
#[unsafe(no_mangle)]
pub extern "C" fn set_mic(leg: i32) {
    if let Some(w) = state() {
        w.set_mic(u32::try_from(leg).ok().map(LegId));
    }
}

/// Renders one block. Returns 1, or 0 before [`init`].
#[unsafe(no_mangle)]
pub extern "C" fn render() -> u32 {
    state().map_or(0, |w| {
        w.render();
        1
    })
}

/// What `leg` heard in the last block (block length frames), or null for an unknown leg.
#[unsafe(no_mangle)]
pub extern "C" fn out_ptr(leg: u32) -> *const f32 {
    state()
        .and_then(|w| w.output(LegId(leg)))
        .map_or(core::ptr::null(), |o| o.as_ptr())
}

/// Fills the meter table (see [`meters_ptr`]) with each leg's loudest block since the last call; returns its
/// number of legs.
#[unsafe(no_mangle)]
pub extern "C" fn meters() -> u32 {
    state().map_or(0, |w| w.meters() as u32)
}

/// The meter table: [`crate::METER_WORDS`] words per leg: id, RMS (f32 bits), peak (f32 bits), talking (0/1).
#[unsafe(no_mangle)]
pub extern "C" fn meters_ptr() -> *const u32 {
    state().map_or(core::ptr::null(), |w| w.meter_table().as_ptr())
}

/// How many recording rooms have frames or an end to report since [`rec_clear`].
#[unsafe(no_mangle)]
pub extern "C" fn rec_count() -> u32 {
    state().map_or(0, |w| w.recordings().count() as u32)
}

/// The `i`th reporting room's id.
#[unsafe(no_mangle)]
pub extern "C" fn rec_room(i: u32) -> u32 {
    state()
        .and_then(|w| w.recordings().nth(i as usize).map(|r| r.0))
        .unwrap_or(0)
}

/// The `i`th reporting room's frames since [`rec_clear`] (see [`rec_len`]).
#[unsafe(no_mangle)]
pub extern "C" fn rec_ptr(i: u32) -> *const f32 {
    state()
        .and_then(|w| w.recordings().nth(i as usize).map(|r| r.1.as_ptr()))
        .unwrap_or(core::ptr::null())
}

/// How many frames [`rec_ptr`] holds.
#[unsafe(no_mangle)]
pub extern "C" fn rec_len(i: u32) -> u32 {
    state()
        .and_then(|w| w.recordings().nth(i as usize).map(|r| r.1.len() as u32))
        .unwrap_or(0)
}

/// 1 when the `i`th reporting room's recording stopped (its frames are then complete).
#[unsafe(no_mangle)]
pub extern "C" fn rec_ended(i: u32) -> u32 {
    state()
        .and_then(|w| w.recordings().nth(i as usize).map(|r| u32::from(r.2)))
        .unwrap_or(0)
}

/// Forgets the reported recording frames and ends.
#[unsafe(no_mangle)]
pub extern "C" fn rec_clear() {
    if let Some(w) = state() {
        w.clear_recordings();
    }
}

/// The benchmark's baseline: `blocks` plain sums of `legs` blocks (see `Worklet::bench_plain_sum`).
#[unsafe(no_mangle)]
pub extern "C" fn bench_plain_sum(legs: u32, blocks: u32) -> f32 {
    state().map_or(0.0, |w| w.bench_plain_sum(legs as usize, blocks as usize))
}

/// The next block's first frame (an f64: exact up to 2^53 frames, and a plain JS number).
#[unsafe(no_mangle)]
pub extern "C" fn frame() -> f64 {
    state().map_or(0.0, |w| w.frame() as f64)
}

/// The last error's message, UTF-8 (see [`error_len`]).
#[unsafe(no_mangle)]
pub extern "C" fn error_ptr() -> *const u8 {
    state().map_or(core::ptr::null(), |w| w.error().as_ptr())
}

/// The last error's length in bytes.
#[unsafe(no_mangle)]
pub extern "C" fn error_len() -> u32 {
    state().map_or(0, |w| w.error().len() as u32)
}
