//! Recording frames on their way to the main thread: each recording room's captured blocks, gathered between two
//! polls of the worklet script (about every 50 ms), and whether the room's recording ended meanwhile.

use conflab_mixer::{Mixer, RoomId};

/// One room's frames since the last poll.
pub(crate) struct Slot {
    /// The recording room.
    pub(crate) room: RoomId,
    /// Frames captured since the last poll.
    pub(crate) frames: Vec<f32>,
    /// It recorded in the last block.
    pub(crate) active: bool,
    /// Its recording stopped since the last poll.
    pub(crate) ended: bool,
}

/// Every room that has ever been told to record (a short list: rooms are added only by `Record` commands).
#[derive(Default)]
pub(crate) struct Recorder {
    pub(crate) slots: Vec<Slot>,
    /// Capacity reserved per slot so that appending between polls does not reallocate in the audio thread.
    reserve: usize,
}

impl Recorder {
    /// A recorder that reserves `reserve` frames per room up front.
    pub(crate) fn new(reserve: usize) -> Recorder {
        Recorder {
            slots: Vec::new(),
            reserve,
        }
    }

    /// Makes sure `room` is watched (called when a `Record` command arrives, outside the render path).
    pub(crate) fn watch(&mut self, room: RoomId) {
        if !self.slots.iter().any(|s| s.room == room) {
            self.slots.push(Slot {
                room,
                frames: Vec::with_capacity(self.reserve),
                active: false,
                ended: false,
            });
        }
    }

    /// After a block: appends what each recording room captured, and notes the recordings that stopped.
    pub(crate) fn capture(&mut self, mixer: &Mixer) {
        for slot in &mut self.slots {
            match mixer.recording(slot.room) {
                Some(frames) => {
                    slot.frames.extend_from_slice(frames);
                    slot.active = true;
                }
                None if slot.active => {
                    slot.active = false;
                    slot.ended = true;
                }
                None => {}
            }
        }
    }

    /// Slots with something to report: frames or an end.
    pub(crate) fn pending(&self) -> impl Iterator<Item = &Slot> {
        self.slots
            .iter()
            .filter(|s| !s.frames.is_empty() || s.ended)
    }

    /// Forgets what was reported (capacity is kept).
    pub(crate) fn clear(&mut self) {
        for slot in &mut self.slots {
            slot.frames.clear();
            slot.ended = false;
        }
    }
}
