//! Pagination (reference §1.6): pages of [`PAGE_SIZE`] items, numbered from 0, with a relative `nextPageUri`.
//!
//! The cursor is the page number (`?cursor=1` is the second page, as in the SDK's tests). Lists are ordered by
//! creation (the engine hands items over oldest first), and resources are never removed from a list except a
//! deleted recording, so following `nextPageUri` neither skips nor repeats an item. `nextPageUri` repeats the
//! request's filters, so the next page is of the same filtered list.
//!
//! conflab's choices where the docs are silent: `pageSize` is the number of items on this page (the
//! reference's reading); an empty list is one page (`numPages` 1) with `start` = `end` = 0; a cursor past the
//! last page gives an empty page with no `nextPageUri`.

use super::query::percent_encode;
use serde::Serialize;

/// Items per page (the Decisions table).
pub const PAGE_SIZE: usize = 100;

/// Which page of a list was asked for, and the list's other query parameters (repeated in `nextPageUri`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// The page number, 0 for the first.
    pub cursor: u32,
    /// The request's filter parameters, decoded, in order.
    pub params: Vec<(String, String)>,
}

/// `PaginationModel`: where this page is in the whole list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    /// Items in the whole (filtered) list.
    pub total: usize,
    /// Position of this page's first item in the whole list.
    pub start: usize,
    /// Position of this page's last item.
    pub end: usize,
    /// This page's number, from 0.
    pub page: u32,
    /// How many pages the list has (at least 1).
    pub num_pages: usize,
    /// Items on this page.
    pub page_size: usize,
    /// The next page, relative to the API root (`/Accounts/…?cursor=N`); `null` on the last page.
    pub next_page_uri: Option<String>,
}

/// Cuts the page `request` asks for out of `items` (the whole filtered list, in order). `list_path` is the
/// list's path from the API root, e.g. `/Accounts/AC…/Conferences`.
pub fn paginate<T>(items: Vec<T>, request: &PageRequest, list_path: &str) -> (PageInfo, Vec<T>) {
    let total = items.len();
    let num_pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = request.cursor as usize;
    let start = page.saturating_mul(PAGE_SIZE).min(total);
    let on_page: Vec<T> = items.into_iter().skip(start).take(PAGE_SIZE).collect();
    let next_page_uri = (page + 1 < num_pages).then(|| {
        let mut query: Vec<String> = request
            .params
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
        query.push(format!("cursor={}", page + 1));
        format!("{list_path}?{}", query.join("&"))
    });
    let info = PageInfo {
        total,
        start: if on_page.is_empty() { 0 } else { start },
        end: (start + on_page.len()).saturating_sub(1),
        page: request.cursor,
        num_pages,
        page_size: on_page.len(),
        next_page_uri,
    };
    (info, on_page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(cursor: u32) -> PageRequest {
        PageRequest {
            cursor,
            params: vec![
                ("status".into(), "inProgress".into()),
                ("alias".into(), "a b&c".into()),
            ],
        }
    }

    #[test]
    fn pages_cover_the_list_once_in_order() {
        let items: Vec<usize> = (0..250).collect();
        let mut seen = Vec::new();
        let mut cursor = 0;
        loop {
            let (info, page) =
                paginate(items.clone(), &request(cursor), "/Accounts/AC1/Conferences");
            assert_eq!(info.total, 250);
            assert_eq!(info.num_pages, 3);
            assert_eq!(info.page_size, page.len());
            assert_eq!(info.start, cursor as usize * 100);
            assert_eq!(info.end, info.start + page.len() - 1);
            seen.extend(page);
            match info.next_page_uri {
                Some(uri) => {
                    cursor += 1;
                    assert_eq!(
                        uri,
                        format!(
                            "/Accounts/AC1/Conferences?status=inProgress&alias=a%20b%26c&cursor={cursor}"
                        )
                    );
                }
                None => break,
            }
        }
        assert_eq!(seen, items);
        assert_eq!(cursor, 2);
    }

    #[test]
    fn empty_and_past_the_end() {
        let (info, page) = paginate(Vec::<u8>::new(), &PageRequest::default(), "/x");
        assert!(page.is_empty());
        assert_eq!(
            (
                info.total,
                info.start,
                info.end,
                info.page,
                info.num_pages,
                info.page_size
            ),
            (0, 0, 0, 0, 1, 0)
        );
        assert_eq!(info.next_page_uri, None);
        let (info, page) = paginate(vec![1, 2, 3], &request(5), "/x");
        assert!(page.is_empty());
        assert_eq!((info.total, info.page, info.next_page_uri), (3, 5, None));
        let (info, _) = paginate((0..100).collect::<Vec<_>>(), &request(0), "/x");
        assert_eq!(
            (info.num_pages, info.end, info.next_page_uri),
            (1, 99, None)
        );
    }
}
