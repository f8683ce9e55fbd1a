//! The engine's sans-IO contract, driven by hand: inputs carry their time, outputs are drained until `None`,
//! `poll_timeout` names the next wake-up, and nothing happens without an input.

use conflab::engine::media::MediaChange;
use conflab::engine::{
    Account, Config, Engine, Event, Input, NumberConfig, Output, WebhookRequest, WebhookResult,
};
use conflab::wire::{AccountType, CallStatus, RequestType};
use std::collections::BTreeMap;

fn engine() -> Engine {
    let mut numbers = BTreeMap::new();
    numbers.insert(
        "+15550100000".to_owned(),
        NumberConfig {
            voice_url: Some("https://app.test/in".to_owned()),
            status_callback_url: Some("https://app.test/calls".to_owned()),
            call_connect_url: None,
            ..NumberConfig::default()
        },
    );
    Engine::new(Config {
        seed: 7,
        epoch_unix_secs: conflab::engine::DEFAULT_EPOCH_UNIX_SECS,
        account: Account {
            account_id: format!("AC{}", "1".repeat(40)),
            api_key: "key".to_owned(),
            signing_secret: "sigsec_test".to_owned(),
            kind: AccountType::Full,
            verified_numbers: Vec::new(),
        },
        applications: BTreeMap::new(),
        numbers,
        phones: BTreeMap::new(),
        webhook_timeout_ms: conflab::engine::WEBHOOK_TIMEOUT_MS,
        budgets: conflab::engine::Budgets::default(),
    })
}

fn drain(e: &mut Engine) -> Vec<Output> {
    std::iter::from_fn(|| e.poll_output()).collect()
}

fn webhooks(outputs: &[Output]) -> Vec<&WebhookRequest> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Webhook(w) => Some(w),
            _ => None,
        })
        .collect()
}

#[test]
fn a_call_plays_say_on_the_virtual_clock_and_hangs_up() {
    let mut e = engine();
    assert_eq!(e.poll_output(), None);
    assert_eq!(e.poll_timeout(), None, "a new engine needs no wake-up");

    e.handle_input(Input::Dial {
        at: 100,
        from: "+15550111111".to_owned(),
        to: "+15550100000".to_owned(),
    });
    let out = drain(&mut e);
    let hooks = webhooks(&out);
    assert_eq!(hooks.len(), 1);
    let inbound = hooks[0];
    assert_eq!(inbound.request_type, RequestType::InboundCall);
    assert!(inbound.expects_percl);
    assert_eq!(inbound.body["callStatus"], "ringing");
    let signature = &inbound
        .headers
        .iter()
        .find(|(k, _)| k == "FreeClimb-Signature")
        .unwrap()
        .1;
    assert_eq!(
        signature,
        &conflab::webhook::sign(
            "sigsec_test",
            conflab::engine::DEFAULT_EPOCH_UNIX_SECS,
            &inbound.raw_body
        )
    );
    // The only timer is the webhook's 10 s timeout.
    assert_eq!(e.poll_timeout(), Some(10_100));

    let id = inbound.id;
    e.handle_input(Input::WebhookResponse {
        at: 150,
        id,
        result: WebhookResult::Response {
            status: 200,
            body: r#"[{"Say": {"text": "one two three"}}]"#.to_owned(),
        },
    });
    let out = drain(&mut e);
    assert!(out.contains(&Output::Event(Event::Call {
        call_id: inbound.body["callId"].as_str().unwrap().to_owned(),
        status: CallStatus::InProgress,
        reason: None,
    })));
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Media(MediaChange::Play {
            duration_ms: Some(1200),
            ..
        })
    )));
    // Say ends at 150 + 3 words × 400 ms.
    assert_eq!(e.poll_timeout(), Some(1350));

    // Waking early does nothing.
    e.handle_input(Input::Timeout(1349));
    assert_eq!(drain(&mut e), Vec::new());

    e.handle_input(Input::Timeout(1350));
    let out = drain(&mut e);
    let status = webhooks(&out);
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].request_type, RequestType::CallStatus);
    assert_eq!(status[0].body["callEndedReason"], "appHangup");
    assert_eq!(status[0].body["callStatus"], "completed");
    assert!(!status[0].expects_percl);
    assert_eq!(e.calls().next().unwrap().status, CallStatus::Completed);
}

#[test]
fn a_webhook_that_never_answers_ends_the_call_at_the_timeout() {
    let mut e = engine();
    e.handle_input(Input::Dial {
        at: 0,
        from: "+15550111111".to_owned(),
        to: "+15550100000".to_owned(),
    });
    drain(&mut e);
    assert_eq!(e.poll_timeout(), Some(10_000));
    e.handle_input(Input::Timeout(10_000));
    let out = drain(&mut e);
    let status = webhooks(&out);
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].body["callEndedReason"], "webhookFailed");
    assert_eq!(status[0].body["callStatus"], "failed");
}

#[test]
fn a_rest_request_is_answered_before_what_it_causes() {
    let mut e = engine();
    let auth = conflab::api::auth::basic_header(&format!("AC{}", "1".repeat(40)), "key");
    let path = format!("/Accounts/AC{}/Conferences", "1".repeat(40));
    let request = conflab::api::HttpRequest::new(
        "POST",
        &path,
        &br#"{"statusCallbackUrl": "https://app.test/status"}"#[..],
    )
    .with_header("Authorization", &auth);
    e.handle_input(Input::Api {
        at: 5,
        id: 42,
        request,
    });
    let out = drain(&mut e);
    let Output::ApiResponse(reply) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!((reply.id, reply.status), (42, 200));
    let hooks = webhooks(&out);
    assert_eq!(hooks.len(), 1);
    // Creation reaches the status callback as createConference with status empty (spec CreateConferenceWebhook).
    assert_eq!(hooks[0].request_type, RequestType::CreateConference);
    assert_eq!(hooks[0].body["status"], "empty");

    // Wrong credentials: 401, nothing else happens.
    let request = conflab::api::HttpRequest::new("GET", &path, Vec::new())
        .with_header("Authorization", "Basic bm9wZTpub3Bl");
    e.handle_input(Input::Api {
        at: 6,
        id: 43,
        request,
    });
    let out = drain(&mut e);
    assert_eq!(out.len(), 1);
    assert!(matches!(&out[0], Output::ApiResponse(r) if r.status == 401));
}
