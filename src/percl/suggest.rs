//! Near-miss suggestions: which known name a misspelt one was probably meant to be.

/// The candidate closest to `written`: an exact match ignoring case (`say` → `Say`) first, otherwise the one
/// with the smallest edit distance, if that distance is small for the word's length.
///
/// ```
/// use conflab::percl::suggest::closest;
/// let names = ["Say", "AddToConference", "Pause"];
/// assert_eq!(closest("Addtoconference", names), Some("AddToConference"));
/// assert_eq!(closest("Sya", names), Some("Say"));
/// assert_eq!(closest("Frobnicate", names), None);
/// ```
pub fn closest<'c>(
    written: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    // Names are short; a long input cannot be a near miss, and skipping it keeps the work bounded.
    if written.is_empty() || written.len() > 64 {
        return None;
    }
    let lower = written.to_lowercase();
    let limit = (written.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        if c.eq_ignore_ascii_case(written) {
            return Some(c);
        }
        let dist = distance(&lower, &c.to_lowercase());
        if dist <= limit && best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), over characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}
