//! Per-leg metering: RMS and peak per block, and a "talking" flag from an energy gate with hangover.

/// One block's measurement of a leg's voice.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Meter {
    /// Root mean square of the block, linear (1.0 = full scale).
    pub rms: f32,
    /// Largest absolute sample of the block, linear.
    pub peak: f32,
    /// The energy gate is open (or was within its hangover).
    pub talking: bool,
}
