//! Property tests of the REST layer: the router answers every input with a request or one of FreeClimb's
//! errors; a page's `nextPageUri` routes back to the same list, filters and the next cursor; percent-coding and
//! civil dates round-trip.

#![cfg(not(target_arch = "wasm32"))]

use conflab::api::date::{CivilDate, iso8601, parse_timestamp, rfc1123};
use conflab::api::page::{PAGE_SIZE, PageRequest, paginate};
use conflab::api::query::{percent_decode, percent_encode};
use conflab::api::{ApiRequest, HttpRequest, parse};
use proptest::prelude::*;

const AC: &str = "AC0123456789abcdef0123456789abcdef01234567";

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Conferences".to_owned()),
        Just("Participants".to_owned()),
        Just("Calls".to_owned()),
        Just("Recordings".to_owned()),
        Just("Stream".to_owned()),
        Just("conferences".to_owned()),
        Just(String::new()),
        "[A-Za-z0-9]{1,12}",
    ]
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("{".to_owned()),
        Just("null".to_owned()),
        Just(r#"{"statusCallbackUrl":"https://a.test/s"}"#.to_owned()),
        Just(r#"{"status":"terminated"}"#.to_owned()),
        Just(r#"{"talk":false,"listen":"x"}"#.to_owned()),
        Just(r#"{"from":"+15550100000","to":"+15550122222","parentCallId":"CA1"}"#.to_owned()),
        ".{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_router_answers_everything_with_a_request_or_a_freeclimb_error(
        method in prop_oneof![Just("GET"), Just("POST"), Just("DELETE"), Just("PUT"), Just("get")],
        account in prop_oneof![Just(AC.to_owned()), Just("ACx".to_owned())],
        segments in proptest::collection::vec(segment(), 0..5),
        query in prop_oneof![Just(String::new()), Just("cursor=1".to_owned()), Just("talk=true".to_owned()), "[a-z=&%+]{0,12}"],
        body in body(),
    ) {
        let path = format!("/Accounts/{account}/{}", segments.join("/"));
        let request = HttpRequest::new(method, &format!("{path}?{query}"), body.into_bytes());
        match parse(&request, AC) {
            Ok(r) => {
                prop_assert!(["GET", "POST", "DELETE"].contains(&method));
                prop_assert_eq!(&account, AC);
                prop_assert!([200, 202, 204].contains(&r.success_status()));
            }
            Err(e) => {
                prop_assert!([400, 403, 404, 405].contains(&e.status), "{}", e);
                let json = e.body();
                let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
                prop_assert_eq!(keys, ["code", "details", "message", "url"]);
                let anchor = format!("#{}", e.code);
                prop_assert!(e.url.ends_with(&anchor), "{}", e.url);
                prop_assert!(!e.message.is_empty());
                if account != AC && e.status != 404 {
                    prop_assert_eq!(e.status, 403);
                }
            }
        }
    }

    #[test]
    fn next_page_uri_routes_back_to_the_same_filtered_list(
        alias in "\\PC{0,12}",
        status in prop_oneof![Just("empty"), Just("inProgress")],
        total in 0usize..450,
        cursor in 0u32..5,
    ) {
        // The first page from the filters, a later one from the opaque cursor that carries them.
        let target = if cursor == 0 {
            format!(
                "/Accounts/{AC}/Conferences?alias={}&status={status}",
                percent_encode(&alias)
            )
        } else {
            let filters = [("alias".to_owned(), alias.clone()), ("status".to_owned(), status.to_owned())];
            format!("/Accounts/{AC}/Conferences?cursor={}", PageRequest::cursor(cursor, &filters))
        };
        let ApiRequest::ListConferences { filter, page } =
            parse(&HttpRequest::new("GET", &target, ""), AC).unwrap()
        else {
            panic!("not a conference list")
        };
        prop_assert_eq!(filter.alias.as_deref(), Some(alias.as_str()));
        let items: Vec<usize> = (0..total).collect();
        let (info, on_page) = paginate(items, &page, &format!("/Accounts/{AC}/Conferences"));
        prop_assert_eq!(info.page_size, on_page.len());
        prop_assert!(on_page.len() <= PAGE_SIZE);
        prop_assert_eq!(info.num_pages, total.div_ceil(PAGE_SIZE).max(1));
        match info.next_page_uri {
            None => prop_assert!((cursor as usize + 1) * PAGE_SIZE >= total),
            Some(next) => {
                let ApiRequest::ListConferences { filter: again, page: next_page } =
                    parse(&HttpRequest::new("GET", &next, ""), AC).unwrap()
                else {
                    panic!("nextPageUri {next} is not a conference list")
                };
                prop_assert_eq!(again, filter);
                prop_assert_eq!(next_page.page, cursor + 1);
                prop_assert!(next.contains("/Conferences?cursor=") && !next.contains('&'), "{}", next);
                prop_assert_eq!(on_page.first().copied(), Some(cursor as usize * PAGE_SIZE));
            }
        }
    }

    #[test]
    fn percent_coding_round_trips(s in "\\PC{0,30}") {
        let encoded = percent_encode(&s);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
        prop_assert_eq!(percent_decode(&encoded), Some(s));
    }

    #[test]
    fn dates_agree_with_each_other(ms in 0u64..4_102_444_800_000) {
        let d = CivilDate::of_ms(ms);
        let iso = iso8601(ms);
        prop_assert_eq!(&iso[..10], format!("{:04}-{:02}-{:02}", d.year, d.month, d.day));
        prop_assert_eq!(CivilDate::parse(&iso[..10]), Some(d));
        let whole = format!("{} {}", &iso[..10], &iso[11..19]);
        prop_assert_eq!(parse_timestamp(&whole), Some(ms - ms % 1000));
        let rfc = rfc1123(ms);
        prop_assert!(rfc.ends_with(" GMT"));
        prop_assert_eq!(&rfc[rfc.len() - 12..rfc.len() - 4], &iso[11..19]);
        let year = format!(" {} ", d.year);
        prop_assert!(rfc.contains(&year), "{}", rfc);
    }
}
