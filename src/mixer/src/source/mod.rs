//! Running sources: what a [`crate::SourceSpec`] becomes when a command is applied. Rendering a block never
//! allocates; building a source may.

use crate::command::SourceSpec;

/// A source that is playing.
pub struct Source {
    _spec: SourceSpec,
}

impl Source {
    /// Builds the running source for `spec` at `sample_rate`. `pcm` resolves [`SourceSpec::Pcm`] clips
    /// (`None` for an unknown clip: it plays silence).
    pub fn new(spec: &SourceSpec, sample_rate: u32, pcm: &dyn Fn(crate::PcmId) -> Option<std::sync::Arc<[f32]>>) -> Source {
        let _ = (sample_rate, pcm);
        Source { _spec: spec.clone() }
    }

    /// Writes the next `out.len()` frames (overwriting `out`). Returns false once a one-shot source has ended
    /// (the rest of `out` is then silence).
    pub fn render(&mut self, out: &mut [f32]) -> bool {
        let _ = out;
        todo!()
    }

    /// Frames left for a one-shot source, `None` while it runs forever (looped, tone, music, talker, external).
    pub fn remaining(&self) -> Option<u64> {
        todo!()
    }
}
