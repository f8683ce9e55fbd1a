//! Hash maps for lookups by id on the hot path.
//!
//! The engine and the conference registry look calls, phones and conferences up by their string ids several
//! times per event. Ordered maps
//! cost a dozen or more 42-byte string comparisons (and cache misses) per lookup at 100,000 calls, which made the
//! cost per event grow with size; a hash map costs one hash of the id. These maps are only ever looked up, never
//! iterated, so their (unspecified) order cannot reach any output: outputs stay deterministic. The hasher is a
//! small fixed multiply-rotate one (FxHash's), so the maps are the same on every run and every target.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map used only for lookups (never iterated: its order is unspecified).
pub(crate) type Lookup<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// FxHash: fast, fixed (no random seed), good enough for ids and phone numbers a scenario chooses.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IdHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(n.into());
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Lookup;

    #[test]
    fn ids_that_share_a_prefix_are_told_apart() {
        let mut map = Lookup::default();
        for i in 0..1000u32 {
            map.insert(format!("CA{i:040x}"), i);
        }
        assert_eq!(map.len(), 1000);
        assert_eq!(map.get(&format!("CA{:040x}", 417)), Some(&417));
        assert_eq!(map.get("CA"), None);
    }
}
