//! `Source::render` never allocates: a counting global allocator around rendering every kind of source, over
//! enough frames to cross word, syllable, stretch, chord and loop boundaries.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use conflab_mixer::source::{Clip, Source};
use conflab_mixer::{PcmId, SourceSpec};

/// Counts every allocation and reallocation made by a thread that armed it (the test harness's own threads
/// allocate at their own times).
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if ARMED.with(|a| a.get()) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn rendering_never_allocates() {
    let clip: Arc<[f32]> = (0..300).map(|i| i as f32 / 300.0).collect();
    // Clip 0 is at the render's rate; clip 1 at 11,025 Hz is resampled as it renders.
    let lookup = move |id: PcmId| {
        let rate = if id == PcmId(1) { 11_025 } else { 8000 };
        Some(Clip::new(clip.clone(), rate))
    };
    let specs = [
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
            text: "Please hold, 42 callers ahead".into(),
            looped: true,
        },
        SourceSpec::Speech {
            text: "bye".into(),
            looped: false,
        },
        SourceSpec::Talker {
            seed: 11,
            talk_ms: 2000,
            silence_ms: 2000,
            text: String::new(),
        },
        // Reading a text seeks the synthesiser at each talk stretch (60 ms cycles: a seek every few blocks).
        SourceSpec::Talker {
            seed: 11,
            talk_ms: 50,
            silence_ms: 10,
            text: "hello there".into(),
        },
        SourceSpec::Music { seed: 11 },
        SourceSpec::Beep {
            hz: 1000.0,
            ms: 250,
        },
        SourceSpec::Dtmf {
            digits: "1234567890*#ABCD?".into(),
            slot_ms: 500,
        },
        SourceSpec::Pcm {
            pcm: PcmId(1),
            looped: true,
        },
        SourceSpec::Pcm {
            pcm: PcmId(1),
            looped: false,
        },
    ];
    let mut out = vec![0.0f32; 128];
    ARMED.with(|a| a.set(true));
    for spec in &specs {
        let mut source = Source::new(spec, 8000, &lookup);
        let before = ALLOCATIONS.load(Ordering::SeqCst);
        // 10 s at 8 kHz in blocks of 128.
        for _ in 0..625 {
            source.render(&mut out);
            let _ = source.remaining();
        }
        let after = ALLOCATIONS.load(Ordering::SeqCst);
        assert_eq!(after - before, 0, "{spec:?} allocated while rendering");
    }
    // The counter works: building a source that plans speech does allocate.
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let _speech = Source::new(&specs[5], 8000, &lookup);
    assert!(ALLOCATIONS.load(Ordering::SeqCst) > before);
}
