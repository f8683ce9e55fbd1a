//! `conflab serve`'s request routing and body parsing on raw bytes: the first line is `METHOD PATH?QUERY`, the
//! second an Authorization header value, the rest the body. `route_rest` must never panic, and a refusal must be
//! a 4xx with FreeClimb's error body.
#![no_main]

use conflab::serve::http::{RestRoute, http_request, route_rest};
use libfuzzer_sys::fuzz_target;

const ACCOUNT: &str = "ACe220a8397b1dcdaf6e789e6aa1b965f406c45d18";
const KEY: &str = "f88bb8a8724c81ec1b39896a51a8749b53cb9f0c";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.splitn(3, '\n');
    let request_line = lines.next().unwrap_or("");
    let auth = lines.next().unwrap_or("");
    let body = lines.next().unwrap_or("").as_bytes().to_vec();
    let (method, target) = request_line.split_once(' ').unwrap_or((request_line, "/"));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers = if auth.is_empty() {
        Vec::new()
    } else {
        vec![("Authorization".to_owned(), auth.to_owned())]
    };
    let request = http_request(method, path, query, headers, body);
    if let RestRoute::Refused(response) = route_rest(&request, ACCOUNT, KEY) {
        assert!((400..500).contains(&response.status));
        let body = response.body.expect("a refusal has a body");
        assert!(body["code"].is_u64() && body["message"].is_string());
    }
});
