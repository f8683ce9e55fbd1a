//! FreeClimb identifiers (`CA…`, `CF…`, `AC…`, `RE…`: a two-letter prefix and 40 lowercase hex digits),
//! drawn deterministically from a seed so that a replay of the same inputs gives the same ids.

use std::fmt;

/// The kinds of FreeClimb resources that have ids, with their two-letter prefixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdKind {
    /// `AC`: an account.
    Account,
    /// `CA`: a call.
    Call,
    /// `CF`: a conference.
    Conference,
    /// `RE`: a recording.
    Recording,
    /// `QU`: a queue.
    Queue,
    /// `PN`: an incoming phone number.
    PhoneNumber,
    /// `AP`: an application.
    Application,
}

impl IdKind {
    /// The two-letter prefix FreeClimb puts in front of this kind's ids.
    pub const fn prefix(self) -> &'static str {
        match self {
            IdKind::Account => "AC",
            IdKind::Call => "CA",
            IdKind::Conference => "CF",
            IdKind::Recording => "RE",
            IdKind::Queue => "QU",
            IdKind::PhoneNumber => "PN",
            IdKind::Application => "AP",
        }
    }
}

/// Draws ids from a seeded generator (SplitMix64). The sequence depends only on the seed and the order of the
/// calls, never on a clock or a global source of randomness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdGenerator {
    state: u64,
}

impl IdGenerator {
    /// A generator whose ids are fully determined by `seed`.
    pub const fn new(seed: u64) -> Self {
        IdGenerator { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        // SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and well distributed, which is all ids need.
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next id of `kind`: its prefix and 40 lowercase hex digits.
    pub fn next(&mut self, kind: IdKind) -> String {
        use fmt::Write;
        let mut id = String::with_capacity(42);
        id.push_str(kind.prefix());
        let (a, b, c) = (self.next_u64(), self.next_u64(), self.next_u64());
        // 40 hex digits = 160 bits: two full words and the top 32 bits of a third.
        let _ = write!(id, "{a:016x}{b:016x}{:08x}", c >> 32);
        id
    }
}

/// True when `id` has `kind`'s prefix followed by exactly 40 lowercase hex digits.
pub fn is_valid(kind: IdKind, id: &str) -> bool {
    id.len() == 42
        && id.starts_with(kind.prefix())
        && id[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_forty_lowercase_hex_digits() {
        let mut ids = IdGenerator::new(7);
        for kind in [
            IdKind::Call,
            IdKind::Conference,
            IdKind::Account,
            IdKind::Recording,
        ] {
            let id = ids.next(kind);
            assert!(is_valid(kind, &id), "{id}");
        }
    }

    #[test]
    fn same_seed_same_ids_other_seed_other_ids() {
        let draw = |seed| {
            let mut g = IdGenerator::new(seed);
            (0..5).map(|_| g.next(IdKind::Call)).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let ids = draw(7);
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn validation_rejects_wrong_prefix_case_and_length() {
        let good = format!("CF{}", "a".repeat(40));
        assert!(is_valid(IdKind::Conference, &good));
        assert!(!is_valid(IdKind::Call, &good));
        assert!(!is_valid(
            IdKind::Conference,
            &format!("CF{}", "A".repeat(40))
        ));
        assert!(!is_valid(
            IdKind::Conference,
            &format!("CF{}", "a".repeat(39))
        ));
    }
}
