//! `Mixer::render` never allocates or frees: a counting global allocator around 1,000 renders of a busy mixer
//! (16 legs in 2 rooms, every source kind as input (clips at the mixer's rate and at another), prompt, overlay and wait music, a recording, joins, leaves,
//! a removal and one-shot sources ending inside the window). Its own test binary, so the allocator counts only
//! this scene.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use conflab_mixer::{Command, Config, LegId, Mixer, PcmId, RoomId, SourceSpec};

/// Counts allocations, reallocations and deallocations made by a thread while it has counting switched on, in
/// that thread's own counters (the harness's threads, and the other test running in parallel, allocate whenever
/// they like).
struct Counting;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
    static FREES: Cell<usize> = const { Cell::new(0) };
}

fn armed() -> bool {
    ARMED.with(|a| a.get())
}

fn bump(counter: &'static std::thread::LocalKey<Cell<usize>>) {
    counter.with(|c| c.set(c.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if armed() {
            bump(&ALLOCS);
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if armed() {
            bump(&ALLOCS);
        }
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if armed() {
            bump(&ALLOCS);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if armed() {
            bump(&FREES);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` with counting on; returns (allocations, deallocations) made by this thread meanwhile.
fn count<T>(f: impl FnOnce() -> T) -> (usize, usize, T) {
    let (a0, f0) = (ALLOCS.with(Cell::get), FREES.with(Cell::get));
    ARMED.with(|a| a.set(true));
    let out = f();
    ARMED.with(|a| a.set(false));
    (ALLOCS.with(Cell::get) - a0, FREES.with(Cell::get) - f0, out)
}

/// Every kind of source, one-shots short enough to end inside the window.
fn kinds() -> Vec<SourceSpec> {
    vec![
        SourceSpec::Silence,
        SourceSpec::External,
        SourceSpec::Tone { hz: 440.0 },
        SourceSpec::Pcm {
            pcm: PcmId(0),
            looped: true,
        },
        SourceSpec::Pcm {
            pcm: PcmId(0),
            looped: false,
        },
        SourceSpec::Speech {
            text: "hello conference".into(),
            looped: true,
        },
        SourceSpec::Speech {
            text: "one two".into(),
            looped: false,
        },
        SourceSpec::Talker {
            seed: 7,
            talk_ms: 2000,
            silence_ms: 2000,
            text: String::new(),
        },
        SourceSpec::Music { seed: 3 },
        SourceSpec::Beep {
            hz: 1000.0,
            ms: 250,
        },
        SourceSpec::Dtmf {
            digits: "12#".into(),
            slot_ms: 500,
        },
        // A clip at 8 kHz, resampled to the mixer's 16 kHz as it renders.
        SourceSpec::Pcm {
            pcm: PcmId(1),
            looped: true,
        },
        SourceSpec::Pcm {
            pcm: PcmId(1),
            looped: false,
        },
    ]
}

fn busy_mixer() -> Mixer {
    let config = Config {
        sample_rate: 16_000,
        block: 128,
    };
    let mut m = Mixer::new(config);
    let clip: std::sync::Arc<[f32]> = (0..4_000)
        .map(|i| ((i % 40) as f32 / 40.0 - 0.5) * 0.2)
        .collect();
    m.apply(Command::LoadPcm {
        pcm: PcmId(0),
        rate: 16_000,
        samples: clip.clone(),
    });
    m.apply(Command::LoadPcm {
        pcm: PcmId(1),
        rate: 8000,
        samples: clip,
    });
    let kinds = kinds();
    for leg in 0..16u32 {
        let input = kinds[leg as usize % kinds.len()].clone();
        m.apply(Command::AddLeg {
            leg: LegId(leg),
            input,
        });
        // Rooms 0 and 1; a few legs that do not talk or do not listen.
        m.apply(Command::Join {
            leg: LegId(leg),
            room: RoomId(leg % 2),
            talk: leg % 5 != 1,
            listen: leg % 7 != 3,
        });
        m.apply(Command::Prompt {
            leg: LegId(leg),
            source: kinds[(leg as usize + 3) % kinds.len()].clone(),
        });
        m.apply(Command::Overlay {
            leg: LegId(leg),
            source: kinds[(leg as usize + 7) % kinds.len()].clone(),
        });
    }
    m.apply(Command::WaitMusic {
        room: RoomId(0),
        source: SourceSpec::Music { seed: 11 },
        on: true,
    });
    m.apply(Command::WaitMusic {
        room: RoomId(1),
        source: SourceSpec::Pcm {
            pcm: PcmId(0),
            looped: true,
        },
        on: true,
    });
    m.apply(Command::Record {
        room: RoomId(1),
        on: true,
    });
    for _ in 0..3 {
        m.render();
    }
    // Changes whose ramps and clean-ups run inside the window: a leave, a move, a removal, a stopped prompt,
    // a replaced overlay, mute, deafen, music stopping.
    m.apply(Command::Leave { leg: LegId(2) });
    m.apply(Command::Join {
        leg: LegId(3),
        room: RoomId(0),
        talk: true,
        listen: true,
    });
    m.apply(Command::RemoveLeg { leg: LegId(4) });
    m.apply(Command::StopPrompt { leg: LegId(5) });
    m.apply(Command::Overlay {
        leg: LegId(6),
        source: SourceSpec::Beep {
            hz: 1000.0,
            ms: 250,
        },
    });
    m.apply(Command::SetTalk {
        leg: LegId(7),
        on: false,
    });
    m.apply(Command::SetListen {
        leg: LegId(8),
        on: false,
    });
    m.apply(Command::WaitMusic {
        room: RoomId(1),
        source: SourceSpec::Silence,
        on: false,
    });
    m
}

#[test]
fn a_thousand_renders_allocate_and_free_nothing() {
    let mut m = busy_mixer();
    let (allocs, frees, heard) = count(|| {
        let mut heard = 0.0f32;
        for _ in 0..1_000 {
            if let Some(input) = m.input_mut(LegId(1)) {
                input.fill(0.01);
            }
            m.render();
            heard += m.output(LegId(0)).map_or(0.0, |o| o[0].abs());
        }
        heard
    });
    assert_eq!(
        (allocs, frees),
        (0, 0),
        "render allocated {allocs} times and freed {frees} times"
    );
    // The scene really played: the leg heard something, the recording runs, one-shots ended in the window
    // (16 kHz × 8 s, longer than every one-shot above).
    assert!(heard > 0.0);
    assert!(m.recording(RoomId(1)).is_some());
    assert!(m.output(LegId(4)).is_none());
}

#[test]
fn the_counter_would_catch_an_allocation() {
    let mut m = busy_mixer();
    let (allocs, frees, _) = count(|| {
        m.render();
        let v: Vec<u64> = Vec::with_capacity(3);
        drop(std::hint::black_box(v));
        m.render();
    });
    assert_eq!((allocs, frees), (1, 1));
}
