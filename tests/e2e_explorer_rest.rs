//! The REST console end to end (the explorer): pick `POST /Conferences`, see the body checked as it is typed
//! (Send disabled while a field is wrong), send it, see the request in the page's event log and its answer in the
//! console, and copy it as curl and as a Python SDK script. The curl text is compared with
//! `api::snippet::curl` computed here, then run by bash with `curl` as a function that hands its arguments back;
//! those arguments, sent to a fresh engine as HTTP, must be accepted (method, URL, credentials and body right).
//!
//! Like `tests/e2e.rs` it needs `dist/` and Chromium, so it is `#[ignore]`d and `./x test` runs it.
#![cfg(not(target_arch = "wasm32"))]

#[path = "e2e/harness.rs"]
#[allow(dead_code)] // the harness serves every e2e file; this one needs only part of it
mod harness;

use conflab::api::catalog::{Operation, check_body};
use conflab::api::console::{self, Draft};
use conflab::api::snippet::{self, DEFAULT_BASE_URL};
use conflab::api::{HttpRequest, auth};
use conflab::engine::{Config, Engine, Input, Output};
use conflab::sandbox::{Sandbox, default_world};
use conflab::scenario::{Action, ApiRequest};
use harness::Browser;
use serde_json::{Value, json};
use std::process::Command;

const WRONG_BODY: &str = r#"{"alias":"rc-e2e","playBeep":"Always","statusCallbackUrl":"https://app.test/conference-status"}"#;
const GOOD_BODY: &str = r#"{"alias":"rc-e2e","playBeep":"always","statusCallbackUrl":"https://app.test/conference-status"}"#;

/// The page's clipboard replaced by a recorder (`window.copied`) that accepts, or refuses every write.
async fn stub_clipboard(browser: &Browser, accept: bool) {
    browser
        .js(&format!(
            "window.copied = []; Object.defineProperty(navigator, 'clipboard', {{configurable: true, value: {{ \
               writeText: (t) => {{ window.copied.push(t); return {accept} ? Promise.resolve() \
                                                               : Promise.reject(new DOMException('denied', 'NotAllowedError')); }} }} }}); \
             return null;"
        ))
        .await;
}

/// What the page copied, once it has.
async fn copied(browser: &Browser) -> String {
    browser
        .wait_until("the page to write the clipboard", async || {
            let v = browser
                .js("return window.copied.length ? window.copied[window.copied.length - 1] : null")
                .await;
            v.as_str().map(str::to_owned).ok_or(format!("{v}"))
        })
        .await
}

/// The answer the engine gives to an HTTP request made of curl's arguments (`-X`, URL, `-u`, `-H`, `-d`), sent
/// to a fresh engine of the default world: (status, body).
fn send_as_http(args: &[String]) -> (u16, Value) {
    let at = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .unwrap_or_else(|| panic!("curl got no {flag}: {args:?}"))
    };
    let method = at("-X");
    let url = args.iter().find(|a| a.starts_with("http")).expect("a URL");
    let root = format!("{DEFAULT_BASE_URL}/apiserver");
    let target = url
        .strip_prefix(&root)
        .unwrap_or_else(|| panic!("{url} is under {root}"));
    let (user, password) = at("-u").split_once(':').expect("user:password");
    let (name, value) = at("-H").split_once(": ").expect("a header");
    let request = HttpRequest::new(method, target, at("-d").as_bytes().to_vec())
        .with_header("Authorization", &auth::basic_header(user, password))
        .with_header(name, value);
    let (config, _) = Config::from_scenario(&default_world());
    let mut engine = Engine::new(config);
    engine.handle_input(Input::Api {
        at: 0,
        id: 7,
        request,
    });
    while let Some(out) = engine.poll_output() {
        if let Output::ApiResponse(reply) = out {
            assert_eq!(reply.id, 7);
            let body = reply
                .body
                .map_or(Value::Null, |b| serde_json::from_str(&b).expect("JSON"));
            return (reply.status, body);
        }
    }
    panic!("the engine did not answer {args:?}");
}

#[tokio::test]
#[ignore = "needs dist/ and Chromium: run by ./x test"]
async fn the_console_checks_sends_and_copies_a_request_that_works() {
    // What the page will do, computed natively: the account, the request, its answer, the texts.
    let (config, _) = Config::from_scenario(&default_world());
    let (account, key) = (config.account.account_id, config.account.api_key);
    let create = Operation::CreateConference.endpoint();
    let wrong = check_body(create, WRONG_BODY);
    assert_eq!(wrong.len(), 1, "{wrong:?}");
    let request: ApiRequest = console::request(&Draft {
        endpoint: create,
        path: &[],
        query: &[],
        body: GOOD_BODY,
    })
    .expect("the good body sends");
    let native_status = {
        let mut s = Sandbox::new(default_world());
        s.step(Action::Api(request.clone())).expect("a step");
        console::response(s.log(), 0, &request, &account)
            .expect("answered")
            .status
    };
    assert!((200..300).contains(&native_status), "{native_status}");
    let want_curl = snippet::curl(&request, DEFAULT_BASE_URL, &account, &key);
    let want_python = snippet::python_sdk(&request, DEFAULT_BASE_URL, &account, &key);
    let logged = console::logged_path(&request, &account);

    let browser = Browser::start("explorer-rest").await;
    browser.open("/").await;
    browser.wait_for_css("#rest-console #rc-endpoint").await;
    let summary = browser
        .js("return document.querySelector('#rest-console .rc-summary').textContent")
        .await;
    assert!(
        summary.as_str().unwrap_or("").contains(&account),
        "the console names the account: {summary}"
    );

    // Pick POST /Conferences: the body editor opens on the endpoint's example.
    browser.pick("#rc-endpoint", "POST /Conferences").await;
    browser
        .wait_for_js(
            "the example body",
            "return document.querySelector('#rc-body')?.value ?? null",
            Value::from(create.example_body.expect("an example")),
        )
        .await;

    // A wrong field: listed with its pointer and the router's message, and Send disabled.
    browser.type_text("#rc-body", WRONG_BODY).await;
    browser
        .wait_for_js(
            "the playBeep problem",
            "return [...document.querySelectorAll('#rc-problems li')].map(li => [li.dataset.pointer, li.textContent])",
            json!([[wrong[0].pointer, format!("{} {}", wrong[0].pointer, wrong[0].message)]]),
        )
        .await;
    assert_eq!(wrong[0].pointer, "/playBeep");
    assert_eq!(
        browser
            .js("return document.querySelector('#rc-send').disabled")
            .await,
        Value::Bool(true),
        "Send is disabled while the body has a problem"
    );
    assert_eq!(
        browser
            .js("return document.querySelectorAll('#rest-console .copy-as').length")
            .await,
        Value::from(0),
        "nothing to copy while the request cannot be sent"
    );

    // Fixed: no problems, Send enabled.
    browser.type_text("#rc-body", GOOD_BODY).await;
    browser
        .wait_for_js(
            "Send to be enabled",
            "return [document.querySelector('#rc-send').disabled, document.querySelectorAll('#rc-problems').length]",
            json!([false, 0]),
        )
        .await;

    // Send: the event log shows the request with its status, and the console its answer.
    browser.click("#rc-send").await;
    browser
        .wait_for_js(
            "the console's answer",
            "return document.querySelector('#rc-response')?.dataset.status ?? null",
            Value::from(native_status.to_string()),
        )
        .await;
    let shown = browser
        .js(
            "const api = [...document.querySelectorAll('ol#events li.event[data-kind=api]')]; \
             const last = api[api.length - 1]; \
             return [last.dataset.httpStatus, last.querySelector('.method').textContent, last.querySelector('.url').textContent]",
        )
        .await;
    assert_eq!(
        shown,
        json!([native_status.to_string(), "POST", logged]),
        "the event log's last api line"
    );
    let answer: Value = serde_json::from_str(
        browser
            .js("return document.querySelector('#rc-response-body').textContent")
            .await
            .as_str()
            .expect("text"),
    )
    .expect("the answer is JSON");
    assert_eq!(answer["alias"], "rc-e2e", "{answer}");
    assert_eq!(answer["playBeep"], "always", "{answer}");
    let conference = answer["conferenceId"].as_str().expect("an id").to_owned();
    assert!(conference.starts_with("CF"), "{answer}");

    // Copy as curl and as Python: what reaches the clipboard is the core's text for this request.
    stub_clipboard(&browser, true).await;
    browser.click("#rest-console button.copy-curl").await;
    let curl_text = copied(&browser).await;
    assert_eq!(curl_text, want_curl);
    browser
        .wait_for_css("#rest-console .copy-status[data-copied=curl]")
        .await;
    browser.click("#rest-console button.copy-python").await;
    browser
        .wait_for_js(
            "the Python script on the clipboard",
            "return window.copied.length",
            Value::from(2),
        )
        .await;
    assert_eq!(copied(&browser).await, want_python);
    // Both texts are always on the page too.
    let texts = browser
        .js("return [...document.querySelectorAll('#rest-console .copy-text')].map(p => [p.dataset.kind, p.textContent])")
        .await;
    assert_eq!(texts, json!([["curl", want_curl], ["python", want_python]]));
    // The same request opened in the event log offers the same texts (its body comes from the session's step).
    browser
        .js(
            "const api = [...document.querySelectorAll('ol#events li.event[data-kind=api]')]; \
             api[api.length - 1].querySelector('summary').click(); return 0;",
        )
        .await;
    browser
        .wait_for_js(
            "Copy as on the log's api line",
            "return [...document.querySelectorAll('ol#events li.event[data-kind=api] .copy-text')].map(p => [p.dataset.kind, p.textContent])",
            json!([["curl", want_curl], ["python", want_python]]),
        )
        .await;
    // A refused clipboard shows the text to copy by hand.
    stub_clipboard(&browser, false).await;
    browser.click("#rest-console button.copy-curl").await;
    browser
        .wait_for_js(
            "the fallback text area",
            "return document.querySelector('#rest-console .copy-fallback[data-kind=curl] textarea')?.value ?? null",
            Value::from(want_curl.clone()),
        )
        .await;

    // The pickers now offer the new conference (e.g. for GET /Conferences/{conferenceId}).
    browser
        .pick("#rc-endpoint", "GET /Conferences/{conferenceId}")
        .await;
    browser
        .wait_for_js(
            "the conference offered",
            "return document.querySelector('.rc-param[data-param=conferenceId] .rc-id')?.value ?? null",
            Value::from(conference.clone()),
        )
        .await;
    browser.assert_no_console_problems().await;
    browser
        .js("document.querySelector('#rest-console').scrollIntoView(); return null")
        .await;
    browser.screenshot("explorer-rest").await;
    browser.finish().await;

    // The copied curl line works: bash parses it into exactly the intended arguments, and those, sent as HTTP
    // to a fresh engine, create the conference; with the wrong API key they are refused.
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("curl() {{ printf '%s\\0' \"$@\"; }}\n{curl_text}"))
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{curl_text}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let args: Vec<String> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .split_terminator('\0')
        .map(str::to_owned)
        .collect();
    assert_eq!(
        args,
        [
            "-X".to_owned(),
            "POST".to_owned(),
            format!("{DEFAULT_BASE_URL}/apiserver/Accounts/{account}/Conferences"),
            "-u".to_owned(),
            format!("{account}:{key}"),
            "-H".to_owned(),
            "Content-Type: application/json".to_owned(),
            "-d".to_owned(),
            serde_json::to_string(request.body.as_ref().expect("a body")).expect("JSON"),
        ]
    );
    let (status, body) = send_as_http(&args);
    assert_eq!(status, native_status, "{body}");
    assert_eq!(body["alias"], "rc-e2e", "{body}");
    let mut bad_key = args.clone();
    bad_key[4] = format!("{account}:not-the-key");
    assert_eq!(send_as_http(&bad_key).0, 401);
    let mut elsewhere = args;
    elsewhere[2] = elsewhere[2].replace(&account, "AC0000000000000000000000000000000000000000");
    assert!(send_as_http(&elsewhere).0 >= 400);
}
