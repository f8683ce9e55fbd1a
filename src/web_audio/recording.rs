//! Recordings in progress: the frames the worklet posts for each recording room, until the room's recording
//! stops and they become a WAV file (`crate::audio::wav::encode`, the same writer as the native recordings).

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
