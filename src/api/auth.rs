//! HTTP Basic auth (reference §1.1): the username is the `accountId`, the password the API key.
//!
//! Scenario `api` steps carry no credentials: the engine's scenario runner (`src/engine/runner.rs`) adds
//! `Authorization: <`[`basic_header`]`(accountId, apiKey)>` to every `api` step, as the SDK would, and the
//! engine calls [`check`] before [`super::parse`]. So a 401 never comes from a scenario as written; the unit
//! tests below and the SDK conformance test (a client with a wrong key) cover it.

use super::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The `Authorization` header value for these credentials: `Basic base64(accountId:apiKey)`.
pub fn basic_header(account_id: &str, api_key: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{account_id}:{api_key}"))
    )
}

/// The value of header `name` (case-insensitive, as HTTP header names are).
pub fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Accepts the request when it has HTTP Basic credentials for this account; otherwise 401 saying what is wrong.
pub fn check(
    headers: &[(String, String)],
    account_id: &str,
    api_key: &str,
) -> Result<(), ApiError> {
    let value = header(headers, "Authorization")
        .ok_or_else(|| ApiError::unauthorized("the request has no Authorization header"))?;
    let (scheme, encoded) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("Basic") {
        return Err(ApiError::unauthorized(&format!(
            "the Authorization header uses the {scheme} scheme, not Basic"
        )));
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            ApiError::unauthorized("the Basic credentials are not base64 of \"accountId:apiKey\"")
        })?;
    let (user, password) = decoded.split_once(':').ok_or_else(|| {
        ApiError::unauthorized("the Basic credentials have no ':' between accountId and API key")
    })?;
    if user != account_id {
        return Err(ApiError::unauthorized(&format!(
            "the username {user} is not this account's id"
        )));
    }
    if password != api_key {
        return Err(ApiError::unauthorized(&format!(
            "the API key given for {user} is wrong"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const AC: &str = "AC0123456789abcdef0123456789abcdef01234567";

    fn with(value: &str) -> Vec<(String, String)> {
        vec![("authorization".to_owned(), value.to_owned())]
    }

    #[test]
    fn accepts_the_sdk_header_and_refuses_everything_else() {
        let good = basic_header(AC, "key:with:colons");
        assert!(good.starts_with("Basic QUMwMTIz"));
        assert_eq!(check(&with(&good), AC, "key:with:colons"), Ok(()));
        let cases: [(Vec<(String, String)>, &str); 6] = [
            (vec![], "no Authorization header"),
            (with("Bearer abc"), "Bearer scheme"),
            (with("Basic !!!"), "not base64"),
            (
                with(&format!("Basic {}", STANDARD.encode("nocolon"))),
                "no ':'",
            ),
            (with(&basic_header("ACother", "k")), "username ACother"),
            (with(&basic_header(AC, "wrong")), "API key given"),
        ];
        for (headers, why) in cases {
            let e = check(&headers, AC, "key:with:colons").unwrap_err();
            assert_eq!((e.status, e.code), (401, 50), "{why}");
            assert!(e.message.contains(why), "{} lacks {why}", e.message);
        }
    }
}
