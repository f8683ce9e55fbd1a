//! The worklet's whole state: the player, the command word buffer, the microphone's staging block, the legs to
//! meter and the recording rooms. A plain value: native tests drive it exactly as the exports do.

use crate::recorder::Recorder;
use conflab_mixer::{Command, Config, DecodeError, LegId, Player};

/// Words per leg in the meter table: leg id, RMS bits, peak bits, talking (0/1).
pub const METER_WORDS: usize = 4;

/// The loudest meter readings since the last report, and whether the gate was open in any block.
#[derive(Clone, Copy, Default)]
struct Held {
    rms: f32,
    peak: f32,
    talking: bool,
    /// The leg was present in some block since the last report.
    seen: bool,
}

/// The mixer as the AudioWorklet drives it.
pub struct Worklet {
    player: Player,
    /// Where the worklet script writes an encoded command stream before [`Worklet::apply`].
    words: Vec<u32>,
    /// The microphone's frames for the next block, copied into the mic leg's input just before rendering.
    mic: Vec<f32>,
    mic_leg: Option<LegId>,
    /// Every leg ever added, sorted (the meter table walks it; removed legs are skipped by the mixer).
    legs: Vec<LegId>,
    /// Per leg of `legs`, the loudest block since the last [`Worklet::meters`]: a report every 50 ms shows a
    /// 10 ms click too (peak hold), not just whatever the last block held.
    held: Vec<Held>,
    meters: Vec<u32>,
    recorder: Recorder,
    /// The last error's message (UTF-8), for the worklet script to report.
    error: String,
    /// The benchmark baseline's input blocks and sum (empty unless the benchmark runs).
    bench_inputs: Vec<f32>,
    bench_sum: Vec<f32>,
}

impl Worklet {
    /// A worklet rendering `block` frames per quantum at `sample_rate`; `None` when either is 0.
    pub fn new(sample_rate: u32, block: usize) -> Option<Worklet> {
        if sample_rate == 0 || block == 0 {
            return None;
        }
        Some(Worklet {
            player: Player::new(Config { sample_rate, block }),
            words: Vec::new(),
            mic: vec![0.0; block],
            mic_leg: None,
            legs: Vec::new(),
            held: Vec::new(),
            meters: Vec::new(),
            // A quarter second per recording room between polls: the script polls about every 50 ms.
            recorder: Recorder::new(sample_rate as usize / 4),
            error: String::new(),
            bench_inputs: Vec::new(),
            bench_sum: Vec::new(),
        })
    }

    /// The command word buffer, resized to `len` words (its contents are unspecified until written).
    pub fn words_mut(&mut self, len: usize) -> &mut [u32] {
        self.words.resize(len, 0);
        &mut self.words
    }

    /// Decodes the first `len` words of the word buffer and queues every command, or none if the stream is
    /// malformed (the message is then in [`Worklet::error`]). Returns how many were queued.
    pub fn apply(&mut self, len: usize) -> Result<usize, DecodeError> {
        let len = len.min(self.words.len());
        let commands = match Command::decode_all(&self.words[..len]) {
            Ok(commands) => commands,
            Err(e) => {
                self.error = format!("the mixer rejected a command stream of {len} words: {e}");
                return Err(e);
            }
        };
        let n = commands.len();
        for (frame, command) in commands {
            self.schedule(frame, command);
        }
        Ok(n)
    }

    /// Queues one command, noting the legs to meter and the rooms to watch for recordings.
    pub fn schedule(&mut self, frame: u64, command: Command) {
        match &command {
            Command::AddLeg { leg, .. } => {
                if let Err(at) = self.legs.binary_search(leg) {
                    self.legs.insert(at, *leg);
                    self.held.insert(at, Held::default());
                    self.meters.resize(self.legs.len() * METER_WORDS, 0);
                }
            }
            Command::Record { room, .. } => self.recorder.watch(*room),
            _ => {}
        }
        self.player.schedule(frame, command);
    }

    /// The microphone's staging block (one block of frames).
    pub fn mic_mut(&mut self) -> &mut [f32] {
        &mut self.mic
    }

    /// Which leg the microphone feeds (`None`: the staging block is ignored).
    pub fn set_mic(&mut self, leg: Option<LegId>) {
        self.mic_leg = leg;
    }

    /// Renders one block: the microphone into its leg, the due commands, the mix; then collects recordings.
    /// Returns the frame the block started at.
    pub fn render(&mut self) -> u64 {
        if let Some(leg) = self.mic_leg
            && let Some(input) = self.player.mixer_mut().input_mut(leg)
        {
            let n = input.len().min(self.mic.len());
            input[..n].copy_from_slice(&self.mic[..n]);
        }
        let start = self.player.render_block();
        self.recorder.capture(self.player.mixer());
        let mixer = self.player.mixer();
        for (leg, held) in self.legs.iter().zip(&mut self.held) {
            if let Some(m) = mixer.meter(*leg) {
                held.rms = if m.rms > held.rms { m.rms } else { held.rms };
                held.peak = if m.peak > held.peak {
                    m.peak
                } else {
                    held.peak
                };
                held.talking |= m.talking;
                held.seen = true;
            }
        }
        start
    }

    /// The input block of a leg (`None` for an unknown leg; a leg with a source overwrites it every block).
    pub fn input_mut(&mut self, leg: LegId) -> Option<&mut [f32]> {
        self.player.mixer_mut().input_mut(leg)
    }

    /// What `leg` heard in the last block (`None` for an unknown leg).
    pub fn output(&self, leg: LegId) -> Option<&[f32]> {
        self.player.mixer().output(leg)
    }

    /// Fills the meter table and returns how many legs it holds: [`METER_WORDS`] words per leg (id, RMS as f32
    /// bits, peak as f32 bits, talking), each the loudest block's since the previous call (talking: in any
    /// block), legs absent all that time left out. Starts the next interval.
    pub fn meters(&mut self) -> usize {
        let mut n = 0;
        for (&leg, held) in self.legs.iter().zip(&mut self.held) {
            if held.seen {
                let row = &mut self.meters[n * METER_WORDS..(n + 1) * METER_WORDS];
                row.copy_from_slice(&[
                    leg.0,
                    held.rms.to_bits(),
                    held.peak.to_bits(),
                    u32::from(held.talking),
                ]);
                n += 1;
            }
            *held = Held::default();
        }
        n
    }

    /// The meter table [`Worklet::meters`] filled.
    pub fn meter_table(&self) -> &[u32] {
        &self.meters
    }

    /// Recording rooms with frames or an end to report since [`Worklet::clear_recordings`]: (room, frames,
    /// ended).
    pub fn recordings(&self) -> impl Iterator<Item = (u32, &[f32], bool)> {
        self.recorder
            .pending()
            .map(|s| (s.room.0, s.frames.as_slice(), s.ended))
    }

    /// Forgets the reported recording frames and ends.
    pub fn clear_recordings(&mut self) {
        self.recorder.clear();
    }

    /// The next block's first frame.
    pub fn frame(&self) -> u64 {
        self.player.frame()
    }

    /// The block length.
    pub fn block(&self) -> usize {
        self.mic.len()
    }

    /// The in-browser benchmark's baseline, measured in the same module as the mixer: `blocks` plain sums
    /// ([`conflab_mixer::bench::plain_sum`], the native `conflab bench mixer` baseline) of `legs` input blocks.
    /// Returns a sample of the sum so the work cannot be optimised away.
    pub fn bench_plain_sum(&mut self, legs: usize, blocks: usize) -> f32 {
        let n = self.block();
        if self.bench_inputs.len() != legs * n {
            // Quiet values, like the bench scene's noise: the sum's cost does not depend on them.
            self.bench_inputs = (0..legs * n).map(|i| (i % 7) as f32 * 0.001).collect();
            self.bench_sum = vec![0.0; n];
        }
        let mut probe = 0.0;
        for _ in 0..blocks {
            conflab_mixer::bench::plain_sum(
                core::hint::black_box(&self.bench_inputs),
                &mut self.bench_sum,
            );
            probe += core::hint::black_box(self.bench_sum[0]);
        }
        probe
    }

    /// The last error's message.
    pub fn error(&self) -> &str {
        &self.error
    }

    /// Sets the error message (the exports report their own misuse this way).
    pub fn set_error(&mut self, message: String) {
        self.error = message;
    }
}
