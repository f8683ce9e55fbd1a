//! The native half of the browser parity check: the fixture stream rendered by the native loop is pinned in a
//! golden file (tests/golden/audio/worklet-stream.f32) that tests/web_audio.rs compares with the worklet's
//! render in headless Chromium. And the worklet's own state (`Worklet`, what the wasm exports drive) renders the
//! same bits as the bare `Player`.
//!
//! Update mode: `CONFLAB_UPDATE_GOLDEN=1 cargo test -p conflab-worklet` (or `./x golden`); review the change.

#[path = "support/stream.rs"]
mod stream;

use conflab_worklet::Worklet;
use std::path::PathBuf;

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/golden")
        .join(stream::GOLDEN)
}

fn updating() -> bool {
    std::env::var_os("CONFLAB_UPDATE_GOLDEN").is_some_and(|v| v != "0")
}

#[test]
fn native_render_matches_the_golden_file() {
    let channels = stream::render_native(128);
    // The stream is audible on the listening legs (a silent fixture would make parity meaningless); leg 2 has
    // listen=false.
    for (leg, channel) in stream::HEAR.iter().zip(&channels).take(2) {
        let peak = channel
            .iter()
            .fold(0.0f32, |p, x| if x.abs() > p { x.abs() } else { p });
        assert!(
            peak > 0.05,
            "leg {} hears almost nothing (peak {peak})",
            leg.0
        );
    }
    let path = golden_path();
    if updating() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, stream::to_bytes(&channels)).unwrap();
        return;
    }
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): create it with CONFLAB_UPDATE_GOLDEN=1",
            path.display()
        )
    });
    let golden = stream::from_bytes(&bytes).expect("the golden file has HEAR × FRAMES samples");
    let (largest, differing) = stream::compare(&golden, &channels);
    assert_eq!(
        differing,
        0,
        "the native render differs from {} in {differing} samples (largest difference {largest}); if the mixer \
         changed on purpose, rerun with CONFLAB_UPDATE_GOLDEN=1",
        path.display()
    );
}

/// Renders the fixture through `Worklet` (schedule, render, read outputs), as the wasm exports do.
fn render_worklet(block: usize) -> Vec<Vec<f32>> {
    let mut worklet = Worklet::new(stream::SAMPLE_RATE, block).unwrap();
    let mut words = Vec::new();
    for (frame, command) in stream::commands() {
        command.encode(frame, &mut words);
    }
    worklet.words_mut(words.len()).copy_from_slice(&words);
    assert_eq!(worklet.apply(words.len()), Ok(stream::commands().len()));
    let mut channels = vec![Vec::new(); stream::HEAR.len()];
    while channels[0].len() < stream::FRAMES {
        worklet.render();
        for (channel, leg) in channels.iter_mut().zip(stream::HEAR) {
            let heard = worklet.output(leg).unwrap();
            let n = heard.len().min(stream::FRAMES - channel.len());
            channel.extend_from_slice(&heard[..n]);
        }
    }
    channels
}

#[test]
fn the_worklet_state_renders_the_same_bits_as_the_player() {
    for block in [128, 100] {
        let (largest, differing) =
            stream::compare(&stream::render_native(block), &render_worklet(block));
        assert_eq!((differing, largest), (0, 0.0), "block {block}");
    }
}
