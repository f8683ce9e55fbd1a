//! The request routing and body parsing `conflab serve` adds (`serve::http::http_request`, `route_rest`), over
//! random request lines, headers and bodies: it never panics; a refusal is a 4xx with FreeClimb's error body
//! (`code`, `message`, `url`); what it lets through is a GET (read, not recorded) or an `api` step whose
//! written form reads back as a scenario step. The fuzz target `fuzz/fuzz_targets/serve_route.rs` runs the same
//! property on raw bytes.

use conflab::api::auth::basic_header;
use conflab::scenario;
use conflab::serve::http::{RestRoute, http_request, route_rest};
use proptest::prelude::*;
use serde_json::Value;

const ACCOUNT: &str = "ACe220a8397b1dcdaf6e789e6aa1b965f406c45d18";
const KEY: &str = "f88bb8a8724c81ec1b39896a51a8749b53cb9f0c";

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("apiserver".to_owned()),
        Just("Accounts".to_owned()),
        Just(ACCOUNT.to_owned()),
        Just("Conferences".to_owned()),
        Just("Calls".to_owned()),
        Just("Participants".to_owned()),
        Just("Recordings".to_owned()),
        Just("CF0123456789abcdef0123456789abcdef01234567".to_owned()),
        Just("CA0123456789abcdef0123456789abcdef01234567".to_owned()),
        "[a-zA-Z0-9%._~-]{0,12}",
        any::<String>(),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        Just(br#"{"alias":"a","statusCallbackUrl":"http://127.0.0.1:9/s"}"#.to_vec()),
        Just(br#"{"status":"terminated"}"#.to_vec()),
        Just(br#"{"from":"+15550100000","to":"+15550111111","applicationId":"AP1"}"#.to_vec()),
        Just(br#"{"talk":false}"#.to_vec()),
        "\\{[\"a-z:, 0-9{}\\[\\]]{0,40}\\}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

fn auth() -> impl Strategy<Value = Vec<(String, String)>> {
    prop_oneof![
        Just(vec![(
            "Authorization".to_owned(),
            basic_header(ACCOUNT, KEY)
        )]),
        Just(vec![(
            "authorization".to_owned(),
            basic_header(ACCOUNT, KEY)
        )]),
        Just(vec![]),
        Just(vec![(
            "Authorization".to_owned(),
            basic_header(ACCOUNT, "x")
        )]),
        any::<String>().prop_map(|v| vec![("Authorization".to_owned(), v)]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn routing_never_panics_and_refuses_with_freeclimb_errors(
        method in prop_oneof![
            Just("GET".to_owned()),
            Just("POST".to_owned()),
            Just("DELETE".to_owned()),
            Just("PUT".to_owned()),
            "[A-Z]{0,7}",
        ],
        segments in prop::collection::vec(segment(), 0..7),
        query in prop_oneof![Just(String::new()), "[a-zA-Z=&%0-9]{0,24}", any::<String>()],
        headers in auth(),
        body in body(),
    ) {
        let path = format!("/{}", segments.join("/"));
        let request = http_request(&method, &path, &query, headers, body);
        match route_rest(&request, ACCOUNT, KEY) {
            RestRoute::Refused(response) => {
                prop_assert!((400..500).contains(&response.status), "{}", response.status);
                let body = response.body.expect("a refusal has a body");
                prop_assert!(body["code"].is_u64(), "{body}");
                prop_assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
                prop_assert!(body["url"].is_string(), "{body}");
            }
            RestRoute::Read => prop_assert_eq!(method.as_str(), "GET"),
            RestRoute::Record(step) => {
                prop_assert!(method == "POST" || method == "DELETE");
                prop_assert!(step.path.starts_with('/'), "{}", step.path);
                // The recorded step reads back as a step (what the export's reader will see).
                let action = scenario::Action::Api(step);
                let text = serde_json::to_string(&step_json(&action)).unwrap();
                prop_assert!(scenario::parse_step(&text).is_ok(), "{text}");
            }
        }
    }
}

/// The step as JSON, the way a scenario file writes it.
fn step_json(action: &scenario::Action) -> Value {
    let scenario::Action::Api(a) = action else {
        unreachable!("only api steps here")
    };
    let mut api = serde_json::json!({"method": a.method.as_str(), "path": a.path});
    if let Some(b) = &a.body {
        api["body"] = b.clone();
    }
    serde_json::json!({ "api": api })
}

#[test]
fn each_route_class_is_reached() {
    let ok = vec![("Authorization".to_owned(), basic_header(ACCOUNT, KEY))];
    let conferences = format!("/apiserver/Accounts/{ACCOUNT}/Conferences");
    let create = br#"{"alias":"a","statusCallbackUrl":"http://127.0.0.1:9/s"}"#.to_vec();
    let request = http_request("POST", &conferences, "", ok.clone(), create);
    let RestRoute::Record(step) = route_rest(&request, ACCOUNT, KEY) else {
        panic!("a create is recorded");
    };
    assert_eq!(step.path, "/Conferences");
    assert_eq!(
        step.body.as_ref().map(|b| b["alias"].clone()),
        Some(Value::from("a"))
    );
    let list = http_request("GET", &conferences, "status=empty", ok.clone(), Vec::new());
    assert_eq!(route_rest(&list, ACCOUNT, KEY), RestRoute::Read);
    let account = http_request(
        "POST",
        &format!("/apiserver/Accounts/{ACCOUNT}"),
        "",
        ok,
        Vec::new(),
    );
    match route_rest(&account, ACCOUNT, KEY) {
        RestRoute::Refused(r) => assert_eq!(r.status, 405),
        other => panic!("{other:?}"),
    }
    let anonymous = http_request("GET", &conferences, "", Vec::new(), Vec::new());
    match route_rest(&anonymous, ACCOUNT, KEY) {
        RestRoute::Refused(r) => assert_eq!(r.status, 401),
        other => panic!("{other:?}"),
    }
}
