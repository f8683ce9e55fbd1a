//! Recordings in progress: the frames the worklet posts for each recording room, until the room's recording
//! stops and they become a WAV file.

use conflab_mixer::RoomId;

/// Frames received per room, in arrival order (one room records at most once at a time).
#[derive(Default)]
pub(crate) struct Recordings {
    rooms: Vec<(RoomId, Vec<f32>)>,
}

impl Recordings {
    /// Appends frames the worklet captured for `room`.
    pub(crate) fn append(&mut self, room: RoomId, frames: &[f32]) {
        match self.rooms.iter_mut().find(|(r, _)| *r == room) {
            Some((_, buffer)) => buffer.extend_from_slice(frames),
            None => self.rooms.push((room, frames.to_vec())),
        }
    }

    /// The room's recording ended: its frames (empty if it captured nothing).
    pub(crate) fn finish(&mut self, room: RoomId) -> Vec<f32> {
        match self.rooms.iter().position(|(r, _)| *r == room) {
            Some(i) => self.rooms.swap_remove(i).1,
            None => Vec::new(),
        }
    }
}

/// A mono 16-bit PCM RIFF/WAVE file of `frames` at `sample_rate`.
// TODO(worklet): use `crate::audio::wav::encode` once engineer "native" has committed it.
pub(crate) fn wav(frames: &[f32], sample_rate: u32) -> Vec<u8> {
    let data_len = (frames.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + frames.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&sample_rate.to_le_bytes());
    out.extend_from_slice(&(sample_rate * 2).to_le_bytes()); // bytes per second
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for &x in frames {
        let x = x.clamp(-1.0, 1.0);
        out.extend_from_slice(&((x * 32767.0) as i16).to_le_bytes());
    }
    out
}
