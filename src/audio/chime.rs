//! The placeholder sound of `Play` and `PlayEarlyMedia`: the sandbox fetches no audio (the engine gives every
//! file [`PLAY_MS`] per loop), so a listener hears a soft three-note chime of exactly that length instead of
//! silence, and can tell "a file plays now" from "nothing plays".

use crate::engine::media::PLAY_MS;
use conflab_mixer::dsp;

/// The notes (Hz, whole numbers so the phase is exact integer arithmetic): E5, C5, G4, one per second.
const NOTES: [u64; 3] = [659, 523, 392];
/// Peak level of a note: about −14 dBFS, soft next to the −12 dBFS test tones.
const LEVEL: f32 = 0.2;
/// Decay rate of a note's envelope per second (e^(−4·t): −35 dB after one second).
const DECAY_PER_SEC: f32 = 4.0;

/// The chime at `sample_rate`: [`PLAY_MS`] long (`PLAY_MS × rate / 1000` frames), one decaying note per
/// third of it. Built from [`dsp`] only, so it has the same bits on every platform.
pub fn chime(sample_rate: u32) -> Vec<f32> {
    let rate = u64::from(sample_rate);
    let len = super::frame_of(PLAY_MS, sample_rate);
    let per_note = (len / NOTES.len() as u64).max(1);
    (0..len)
        .map(|i| {
            let note = ((i / per_note) as usize).min(NOTES.len() - 1);
            let local = i - note as u64 * per_note;
            // Phase as an exact fraction of a turn: (local · hz mod rate) / rate.
            let phase = ((local * NOTES[note]) % rate) as f32 / rate as f32;
            let t = local as f32 / rate as f32;
            LEVEL * dsp::exp(-DECAY_PER_SEC * t) * dsp::sin_turns(phase)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chime_lasts_play_ms_and_stays_soft() {
        let c = chime(8000);
        assert_eq!(c.len() as u64, PLAY_MS * 8);
        let peak = c
            .iter()
            .fold(0.0f32, |m, &x| if x.abs() > m { x.abs() } else { m });
        assert!(peak > 0.15 && peak <= LEVEL, "{peak}");
        // Each note starts loud and has decayed by its end.
        let third = c.len() / 3;
        let rms = |s: &[f32]| (s.iter().map(|x| x * x).sum::<f32>() / s.len() as f32).sqrt();
        assert!(rms(&c[..800]) > 10.0 * rms(&c[third - 800..third]));
    }
}
