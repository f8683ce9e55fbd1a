//! Pagination (reference §1.6): pages of [`PAGE_SIZE`] items, numbered from 0, with a relative `nextPageUri`.
//!
//! **The cursor is opaque and carries the list's filters.** freeclimb-cli's "next page" (`-n`) re-issues the
//! list request with only `?cursor=…`, taken from `nextPageUri`, and none of the original filters
//! (`FreeClimbAPI/freeclimb-cli` `src/commands/conferences/list.ts`, `calls/list.ts`: `params: { cursor:
//! out.next }`); the SDKs' `get_next_page` follows `nextPageUri` as it is. So a cursor must be enough on its own:
//! conflab's is the base64url text (no padding) of a small JSON object, `{"page":N,"filters":[[key,value],…]}`,
//! and `nextPageUri` is `{list path}?cursor={cursor}` alone. A request with a cursor takes its filters from the
//! cursor; a cursor that does not decode, or that is sent together with filters, is a 400 that says so.
//!
//! **Order: newest first**, in every list (freeclimb-cli's list commands: conferences "sorted by creation date,
//! newest to oldest", calls "newest to oldest", participants "sorted by date created, newest to oldest",
//! recordings and applications "from latest created to oldest", incoming numbers "from newest to oldest"). The
//! engine hands every list over oldest first and each list's `build` reverses it. Resources are never removed
//! from a list except a deleted recording, and new ones go in front, so a later page may repeat an item that a
//! newer arrival pushed down, but never skips one.
//!
//! conflab's choices where the docs are silent: `pageSize` is the number of items on this page (the
//! reference's reading); an empty list is one page (`numPages` 1) with `start` = `end` = 0; a cursor past the
//! last page gives an empty page with no `nextPageUri`.

use super::error::ApiError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::{Value, json};

/// Items per page (the Decisions table).
pub const PAGE_SIZE: usize = 100;

/// The longest cursor conflab reads: a list's filters are a few short values, so anything longer is not one of
/// its cursors (and decoding it would only cost time).
const MAX_CURSOR_LEN: usize = 4096;

/// Which page of a list was asked for, and the list's filter parameters (carried in the next page's cursor).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// The page number, 0 for the first.
    pub page: u32,
    /// The request's filter parameters (or the cursor's), decoded, in order.
    pub params: Vec<(String, String)>,
}

impl PageRequest {
    /// The opaque cursor of page `page` of the list filtered by `params`.
    pub fn cursor(page: u32, params: &[(String, String)]) -> String {
        let filters: Vec<[&str; 2]> = params
            .iter()
            .map(|(k, v)| [k.as_str(), v.as_str()])
            .collect();
        let text = json!({"page": page, "filters": filters}).to_string();
        URL_SAFE_NO_PAD.encode(text)
    }

    /// Reads a cursor written by [`PageRequest::cursor`]: the page and the filters it carries.
    pub fn from_cursor(cursor: &str) -> Result<PageRequest, ApiError> {
        let bad = |problem: &str| ApiError::bad_cursor(cursor, problem);
        if cursor.len() > MAX_CURSOR_LEN {
            return Err(bad("is longer than any cursor conflab writes"));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(cursor)
            .map_err(|_| bad("is not base64url text (A-Z, a-z, 0-9, - and _)"))?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|_| bad("does not hold a conflab cursor"))?;
        let page = value
            .get("page")
            .and_then(Value::as_u64)
            .and_then(|p| u32::try_from(p).ok())
            .ok_or_else(|| bad("has no page number"))?;
        let mut params = Vec::new();
        for pair in value
            .get("filters")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("has no filters"))?
        {
            match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(k), Value::String(v)]) => params.push((k.clone(), v.clone())),
                _ => return Err(bad("has a filter that is not a [name, value] pair")),
            }
        }
        Ok(PageRequest { page, params })
    }
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
    /// The next page, relative to the API root (`/Accounts/…?cursor=…`); `null` on the last page.
    pub next_page_uri: Option<String>,
}

/// Cuts the page `request` asks for out of `items` (the whole filtered list, in the order shown: newest first).
/// `list_path` is the list's path from the API root, e.g. `/Accounts/AC…/Conferences`.
pub fn paginate<T>(items: Vec<T>, request: &PageRequest, list_path: &str) -> (PageInfo, Vec<T>) {
    let total = items.len();
    let num_pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = request.page as usize;
    let start = page.saturating_mul(PAGE_SIZE).min(total);
    let on_page: Vec<T> = items.into_iter().skip(start).take(PAGE_SIZE).collect();
    let next_page_uri = (page + 1 < num_pages).then(|| {
        format!(
            "{list_path}?cursor={}",
            PageRequest::cursor(request.page + 1, &request.params)
        )
    });
    let info = PageInfo {
        total,
        start: if on_page.is_empty() { 0 } else { start },
        end: (start + on_page.len()).saturating_sub(1),
        page: request.page,
        num_pages,
        page_size: on_page.len(),
        next_page_uri,
    };
    (info, on_page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(page: u32) -> PageRequest {
        PageRequest {
            page,
            params: vec![
                ("status".into(), "inProgress".into()),
                ("alias".into(), "a b&c".into()),
            ],
        }
    }

    #[test]
    fn pages_cover_the_list_once_in_order_and_each_cursor_carries_the_filters() {
        let items: Vec<usize> = (0..250).collect();
        let mut seen = Vec::new();
        let mut next = request(0);
        loop {
            let (info, page) = paginate(items.clone(), &next, "/Accounts/AC1/Conferences");
            assert_eq!(info.total, 250);
            assert_eq!(info.num_pages, 3);
            assert_eq!(info.page_size, page.len());
            assert_eq!(info.start, next.page as usize * 100);
            assert_eq!(info.end, info.start + page.len() - 1);
            seen.extend(page);
            match info.next_page_uri {
                Some(uri) => {
                    // The next page's URI is the list path and the cursor alone, as freeclimb-cli sends it.
                    let cursor = uri
                        .strip_prefix("/Accounts/AC1/Conferences?cursor=")
                        .expect("the list path and ?cursor= only");
                    assert!(!cursor.contains(['&', '=', '%']), "{cursor}");
                    let read = PageRequest::from_cursor(cursor).expect("reads back");
                    assert_eq!(read.page, next.page + 1);
                    assert_eq!(read.params, request(0).params);
                    next = read;
                }
                None => break,
            }
        }
        assert_eq!(seen, items);
        assert_eq!(next.page, 2);
    }

    #[test]
    fn a_cursor_that_conflab_did_not_write_is_refused_with_the_reason() {
        for (cursor, problem) in [
            ("2", "is not base64url text"),
            ("bmV4dA", "does not hold a conflab cursor"),
            ("not base64!", "is not base64url text"),
            (
                &URL_SAFE_NO_PAD.encode(r#"{"filters":[]}"#),
                "has no page number",
            ),
            (&URL_SAFE_NO_PAD.encode(r#"{"page":1}"#), "has no filters"),
            (
                &URL_SAFE_NO_PAD.encode(r#"{"page":1,"filters":[["a"]]}"#),
                "not a [name, value] pair",
            ),
        ] {
            let e = PageRequest::from_cursor(cursor).expect_err(cursor);
            assert_eq!((e.status, e.code), (400, 9), "{cursor}");
            assert!(e.message.contains(problem), "{cursor}: {}", e.message);
            assert!(e.message.contains("nextPageUri"), "{}", e.message);
        }
        let long = "A".repeat(MAX_CURSOR_LEN + 1);
        assert!(PageRequest::from_cursor(&long).is_err());
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
