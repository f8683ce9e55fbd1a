//! One stable sort for many element types, to keep the app's wasm small.
//!
//! `slice::sort_by_key` compiles the whole stable sort (driftsort: a few kilobytes) once per element type and key
//! closure. [`sort_by_key`] sorts `(key, index)` pairs instead, one type for every caller, then moves the elements
//! into that order: the same order as `sort_by_key` gives (equal keys keep their order, since the index breaks
//! the tie), at the cost of one small allocation. For the short lists it is used on (steps, problems, segments).

/// Sorts `items` by `key`, stably: exactly the order `items.sort_by_key(key)` gives.
pub(crate) fn sort_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<(u64, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (key(item), i))
        .collect();
    order.sort_unstable();
    // Usually already in order (a file's steps, problems found in text order): then nothing moves.
    if order.iter().enumerate().all(|(at, &(_, i))| at == i) {
        return;
    }
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().filter_map(|&(_, i)| slots[i].take()));
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn gives_the_order_of_the_std_stable_sort(items in proptest::collection::vec((0u64..8, any::<u32>()), 0..64)) {
            let mut ours = items.clone();
            super::sort_by_key(&mut ours, |&(k, _)| k);
            let mut std = items;
            std.sort_by_key(|&(k, _)| k);
            prop_assert_eq!(ours, std);
        }
    }
}
