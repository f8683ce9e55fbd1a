//! The per-listener limiter (libwebrtc agc2's limiter is the model): transparent below about −1 dBFS, sub-frame
//! peak envelope, instant attack, about 20 ms release, gain interpolated per sample.
