//! Copy as curl / Copy as Python SDK: a REST request written out as a shell command or as a complete script for
//! the official FreeClimb Python SDK (the `freeclimb` Python package, 5.x), with the account id and API key
//! filled in.
//!
//! The request is the scenario's [`Request`]: method, path relative to `/Accounts/{accountId}` (it may carry its
//! own `?query`), query pairs and an optional JSON body, exactly what the event log shows. Every string that
//! reaches the shell is single-quoted (`'` written `'\''`), and every string that reaches Python is a
//! double-quoted literal with escapes, so ids, aliases and keys with quotes, `$` or newlines survive a paste.
//!
//! The Python script calls the SDK's typed method (`DefaultApi.create_a_conference` with a
//! `CreateConferenceRequest` built from keyword arguments) when conflab's router accepts the request and every
//! part of it has an SDK argument. Otherwise (a `cursor`, which the SDK replaces by `get_next_page`; an unknown
//! field; a path that is no endpoint) it sends the request unchanged through the SDK's own `ApiClient`, so the
//! snippet still reproduces what was sent, mistakes included, and says why in a comment.

use super::catalog::{Endpoint, Operation, ValueType};
use super::query::{pairs, percent_encode};
use super::{HttpRequest, parse};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write;

/// A REST request as a scenario step or the event log holds it.
pub type Request = crate::scenario::ApiRequest;

/// The base URL the console fills in until told otherwise: a local conflab serve (coming), on loopback.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

/// FreeClimb's own base URL (the SDK's default host is this plus `/apiserver`).
pub const FREECLIMB_BASE_URL: &str = "https://www.freeclimb.com";

/// The API root under `base_url`: `base_url` + `/apiserver`, unless it already ends so.
fn api_root(base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    if base.ends_with("/apiserver") {
        base.to_owned()
    } else {
        format!("{base}/apiserver")
    }
}

/// The path (relative to the account, starting with `/`, `""` for the account itself) and the whole query
/// string (the path's own `?query` first, then the pairs, percent-encoded).
pub(crate) fn path_and_query(request: &Request) -> (String, String) {
    let (path, own) = request
        .path
        .split_once('?')
        .unwrap_or((request.path.as_str(), ""));
    let path = match path {
        "" | "/" => String::new(),
        p if p.starts_with('/') => p.to_owned(),
        p => format!("/{p}"),
    };
    let mut query: Vec<String> = own
        .split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    query.extend(
        request
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))),
    );
    (path, query.join("&"))
}

/// Single-quotes `s` for a POSIX shell: everything literal; a `'` closes the quote, is escaped, and reopens.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The request as a `curl` command line.
pub fn curl(request: &Request, base_url: &str, account_id: &str, api_key: &str) -> String {
    let (path, query) = path_and_query(request);
    let mut url = format!(
        "{}/Accounts/{}{path}",
        api_root(base_url),
        percent_encode(account_id)
    );
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    let mut out = format!(
        "curl -X {} {} -u {}",
        request.method.as_str(),
        shell_quote(&url),
        shell_quote(&format!("{account_id}:{api_key}"))
    );
    if let Some(body) = &request.body {
        let json = serde_json::to_string(body).unwrap_or_default();
        let _ = write!(
            out,
            " -H 'Content-Type: application/json' -d {}",
            shell_quote(&json)
        );
    }
    let audio = crate::scenario::Method::Get == request.method
        && matches!(
            super::catalog::find(request.method, &path).map(|(e, _)| e.operation),
            Some(Operation::StreamRecording | Operation::DownloadRecording)
        );
    if audio {
        out.push_str(" -o recording.wav");
    }
    out
}

/// A Python string literal for `s`: double quotes, with every character that could end it or the line escaped.
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str(r"\n"),
            '\r' => out.push_str(r"\r"),
            '\t' => out.push_str(r"\t"),
            // Python ends a line at these too (str.splitlines), and control characters are invisible on paste.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON value as a Python literal.
fn py_value(v: &Value) -> String {
    match v {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_str(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(py_value).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), py_value(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// A comment line's text: control characters (a newline would end the comment) become spaces.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `inProgress` → `IN_PROGRESS`: how the SDK names its enum members.
fn enum_member(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push('_');
        }
        if c == ' ' || c == '-' {
            out.push('_');
        } else {
            out.push(c.to_ascii_uppercase());
        }
    }
    out
}

/// `CreateConferenceRequest` → `create_conference_request`: the SDK's parameter name for a model.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A typed call: the SDK method's keyword arguments and the model's.
struct Typed {
    endpoint: &'static Endpoint,
    args: Vec<(String, String)>,
    model_args: Vec<(String, String)>,
    imports: BTreeSet<String>,
}

/// The value as the SDK wants it for a field of type `ty` (from query text or a JSON value), `None` when the
/// SDK could not take it as it is.
fn typed_value(ty: ValueType, value: &Value, imports: &mut BTreeSet<String>) -> Option<String> {
    match (ty, value) {
        (ValueType::Boolean, Value::Bool(b)) => Some(py_value(&Value::Bool(*b))),
        (ValueType::Boolean, Value::String(s)) => match s.as_str() {
            "true" => Some("True".to_owned()),
            "false" => Some("False".to_owned()),
            _ => None,
        },
        (ValueType::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        (ValueType::Integer, Value::String(s)) => s.parse::<i64>().ok().map(|n| n.to_string()),
        (ValueType::Integer | ValueType::Boolean, _) => None,
        (
            ValueType::Enum {
                values,
                sdk_enum: Some(class),
            },
            Value::String(s),
        ) if values.contains(&s.as_str()) => {
            imports.insert(class.to_owned());
            Some(format!("{class}.{}", enum_member(s)))
        }
        (_, Value::String(s)) => Some(py_str(s)),
        _ => None,
    }
}

/// Whether the SDK's path quoting leaves `s` as it is.
fn path_safe(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// The typed form of `request`, or why there is none.
fn typed(request: &Request, account_id: &str) -> Result<Typed, String> {
    let (path, query) = path_and_query(request);
    let body = match &request.body {
        Some(b) => serde_json::to_vec(b).unwrap_or_default(),
        None => Vec::new(),
    };
    let http = HttpRequest {
        method: request.method.as_str().to_owned(),
        path: format!("/Accounts/{account_id}{path}"),
        query: query.clone(),
        headers: Vec::new(),
        body,
    };
    let routed = parse(&http, account_id).map_err(|e| {
        format!(
            "conflab would answer HTTP {} (code {}): {}",
            e.status, e.code, e.message
        )
    })?;
    let endpoint = Operation::of(&routed).endpoint();
    let mut imports = BTreeSet::new();
    let mut args = Vec::new();
    for (param, value) in endpoint.match_path(&path).unwrap_or_default() {
        if !path_safe(value) {
            return Err(format!(
                "the SDK would percent-encode the {} in the path",
                param.name
            ));
        }
        args.push((param.sdk_name.to_owned(), py_str(value)));
    }
    let decoded = pairs(&query).map_err(|e| e.message)?;
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    for (name, value) in &decoded {
        let Some(param) = endpoint.query.iter().find(|q| q.name == name) else {
            return Err(format!("the SDK method has no parameter {name}"));
        };
        let Some(sdk_name) = param.sdk_name else {
            return Err(format!(
                "{name} has no SDK parameter: the SDK reads later pages with api.get_next_page(result)"
            ));
        };
        let literal = typed_value(param.ty, &Value::String(value.clone()), &mut imports)
            .ok_or_else(|| format!("the SDK would not take {name}={value}"))?;
        if param.repeats {
            match lists.iter_mut().find(|(n, _)| n == sdk_name) {
                Some((_, items)) => items.push(literal),
                None => lists.push((sdk_name.to_owned(), vec![literal])),
            }
        } else if args.iter().any(|(n, _)| n == sdk_name) {
            return Err(format!("{name} is given twice; the SDK takes it once"));
        } else {
            args.push((sdk_name.to_owned(), literal));
        }
    }
    for (name, items) in lists {
        args.push((name, format!("[{}]", items.join(", "))));
    }
    let mut model_args = Vec::new();
    match (&request.body, endpoint.has_body()) {
        (None | Some(Value::Null), _) => {}
        (Some(_), false) => {
            return Err(format!(
                "{} {} takes no body, and the SDK sends none",
                endpoint.method.as_str(),
                endpoint.path
            ));
        }
        (Some(Value::Object(map)), true) => {
            for (key, value) in map.iter().filter(|(_, v)| !v.is_null()) {
                let field = endpoint
                    .body
                    .iter()
                    .find(|f| f.name == key)
                    .ok_or_else(|| format!("the SDK model has no field {key}"))?;
                let literal = typed_value(field.ty, value, &mut imports)
                    .ok_or_else(|| format!("the SDK model would not take {key} as sent"))?;
                model_args.push((field.sdk_name.to_owned(), literal));
            }
        }
        (Some(_), true) => return Err("the body is not a JSON object".to_owned()),
    }
    if let Some(model) = endpoint.sdk_model {
        imports.insert(model.to_owned());
    }
    Ok(Typed {
        endpoint,
        args,
        model_args,
        imports,
    })
}

/// Writes `name(` + one keyword argument per line + `)` at `indent`.
fn call(out: &mut String, indent: &str, head: &str, args: &[(String, String)]) {
    if args.is_empty() {
        let _ = writeln!(out, "{indent}{head}()");
        return;
    }
    let _ = writeln!(out, "{indent}{head}(");
    for (k, v) in args {
        let _ = writeln!(out, "{indent}    {k}={v},");
    }
    let _ = writeln!(out, "{indent})");
}

/// The request as a complete Python script for the FreeClimb SDK 5.x (`import freeclimb`): configuration with
/// the account id and API key, the request model built with keyword arguments, the call, and the result
/// printed.
pub fn python_sdk(request: &Request, base_url: &str, account_id: &str, api_key: &str) -> String {
    let typed = typed(request, account_id);
    let mut out = String::new();
    let title = match &typed {
        Ok(t) => format!(
            "{}: {} {}",
            t.endpoint.summary,
            t.endpoint.method.as_str(),
            t.endpoint.path
        ),
        Err(_) => format!("{} {}", request.method.as_str(), comment(&request.path)),
    };
    let _ = writeln!(out, "# {title}");
    out.push_str(
        "# With the FreeClimb Python SDK 5.x (Python package freeclimb); written by conflab.\n",
    );
    let _ = writeln!(
        out,
        "# BASE_URL: {DEFAULT_BASE_URL} is a local conflab serve (coming); FreeClimb itself is {FREECLIMB_BASE_URL}."
    );
    out.push_str("import freeclimb\n");
    if let Ok(t) = &typed
        && !t.imports.is_empty()
    {
        let names: Vec<&str> = t.imports.iter().map(String::as_str).collect();
        let _ = writeln!(out, "from freeclimb.models import {}", names.join(", "));
    }
    let base = base_url.trim_end_matches('/');
    let host = if base.ends_with("/apiserver") {
        "BASE_URL"
    } else {
        "BASE_URL + \"/apiserver\""
    };
    let _ = write!(
        out,
        "\nBASE_URL = {}\nACCOUNT_ID = {}\nAPI_KEY = {}\n\n\
         configuration = freeclimb.Configuration(\n    host={host},\n    username=ACCOUNT_ID,\n    password=API_KEY,\n)\n\
         with freeclimb.ApiClient(configuration) as api_client:\n",
        py_str(base),
        py_str(account_id),
        py_str(api_key)
    );
    match typed {
        Ok(t) => {
            out.push_str("    api = freeclimb.DefaultApi(api_client, account_id=ACCOUNT_ID)\n");
            let mut args = t.args;
            if let Some(model) = t.endpoint.sdk_model {
                call(
                    &mut out,
                    "    ",
                    &format!("request = {model}"),
                    &t.model_args,
                );
                args.push((snake(model), "request".to_owned()));
            }
            call(
                &mut out,
                "    ",
                &format!("result = api.{}", t.endpoint.sdk_method),
                &args,
            );
            match t.endpoint.operation {
                Operation::StreamRecording | Operation::DownloadRecording => out.push_str(
                    "    with open(\"recording.wav\", \"wb\") as f:\n        f.write(result)\n    \
                     print(f\"recording.wav: {len(result)} bytes\")\n",
                ),
                Operation::UpdateConference
                | Operation::RemoveParticipant
                | Operation::DeleteRecording
                | Operation::UpdateCall => {
                    out.push_str("    print(\"done\")  # no body in the answer\n")
                }
                _ => out.push_str("    print(result)\n"),
            }
        }
        Err(why) => {
            let (path, query) = path_and_query(request);
            let mut resource = format!("/Accounts/{{accountId}}{path}");
            if !query.is_empty() {
                resource.push('?');
                resource.push_str(&query);
            }
            let mut headers = vec![("Accept", "application/json")];
            if request.body.is_some() {
                headers.push(("Content-Type", "application/json"));
            }
            let headers: Vec<String> = headers
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), py_str(v)))
                .collect();
            let _ = write!(
                out,
                "    # No DefaultApi method sends this request as it is ({}),\n    \
                 # so it goes through the SDK's ApiClient unchanged.\n    \
                 method, url, headers, body, post_params = api_client.param_serialize(\n        \
                 method={},\n        resource_path={},\n        path_params={{\"accountId\": ACCOUNT_ID}},\n        \
                 header_params={{{}}},\n        body={},\n        auth_settings=[\"fc\"],\n    )\n    \
                 response = api_client.call_api(method, url, header_params=headers, body=body, post_params=post_params)\n    \
                 response.read()\n    \
                 print(response.status, response.data.decode(\"utf-8\", \"replace\"))\n",
                comment(&why),
                py_str(request.method.as_str()),
                py_str(&resource),
                headers.join(", "),
                request.body.as_ref().map_or("None".to_owned(), py_value),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Method;
    use serde_json::json;

    fn req(method: Method, path: &str, query: &[(&str, &str)], body: Option<Value>) -> Request {
        Request {
            method,
            path: path.to_owned(),
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body,
        }
    }

    #[test]
    fn curl_fills_in_url_credentials_and_body() {
        let r = req(
            Method::Post,
            "/Conferences",
            &[],
            Some(json!({"alias": "it's"})),
        );
        assert_eq!(
            curl(&r, "http://127.0.0.1:8080/", "AC1", "KEY"),
            r#"curl -X POST 'http://127.0.0.1:8080/apiserver/Accounts/AC1/Conferences' -u 'AC1:KEY' -H 'Content-Type: application/json' -d '{"alias":"it'\''s"}'"#
        );
        let r = req(Method::Get, "/Calls?active=true", &[("to", "+1 5")], None);
        assert_eq!(
            curl(&r, "https://www.freeclimb.com/apiserver", "AC1", "K"),
            "curl -X GET 'https://www.freeclimb.com/apiserver/Accounts/AC1/Calls?active=true&to=%2B1%205' -u 'AC1:K'"
        );
        let r = req(Method::Get, "/", &[], None);
        assert!(curl(&r, "http://h", "AC1", "K").contains("'http://h/apiserver/Accounts/AC1'"));
        let r = req(Method::Get, "/Recordings/RE1/Download", &[], None);
        assert!(curl(&r, "http://h", "AC1", "K").ends_with(" -o recording.wav"));
    }

    #[test]
    fn python_literals_escape_what_would_break_them() {
        assert_eq!(
            py_str("a\"b\\c\nd\u{1}\u{2028}é"),
            r#""a\"b\\c\nd\u0001\u2028é""#
        );
        assert_eq!(enum_member("inProgress"), "IN_PROGRESS");
        assert_eq!(enum_member("always"), "ALWAYS");
        assert_eq!(
            snake("UpdateConferenceParticipantRequest"),
            "update_conference_participant_request"
        );
        assert_eq!(comment("a\nb"), "a b");
    }

    #[test]
    fn python_uses_the_typed_method_when_it_can_and_the_client_otherwise() {
        let create = req(
            Method::Post,
            "/Conferences",
            &[],
            Some(json!({"playBeep": "entryOnly", "statusCallbackUrl": "https://a.test/s"})),
        );
        let script = python_sdk(&create, DEFAULT_BASE_URL, "AC1", "KEY");
        assert!(
            script.contains("from freeclimb.models import CreateConferenceRequest, PlayBeep\n"),
            "{script}"
        );
        assert!(
            script.contains("play_beep=PlayBeep.ENTRY_ONLY,"),
            "{script}"
        );
        assert!(
            script.contains("create_conference_request=request,"),
            "{script}"
        );
        assert!(
            script.contains("host=BASE_URL + \"/apiserver\","),
            "{script}"
        );
        let cursor = crate::api::PageRequest::cursor(1, &[]);
        let paged = req(Method::Get, "/Conferences", &[("cursor", &cursor)], None);
        let script = python_sdk(&paged, DEFAULT_BASE_URL, "AC1", "KEY");
        assert!(script.contains("api_client.param_serialize("), "{script}");
        assert!(script.contains("get_next_page"), "{script}");
        let nowhere = req(Method::Get, "/Nope\nimport os", &[], None);
        let script = python_sdk(&nowhere, DEFAULT_BASE_URL, "AC1", "KEY");
        assert!(!script.contains("\nimport os"), "{script}");
    }
}
