//! Conformance of conflab's webhooks with the official FreeClimb Python SDK (`freeclimb==5.4.1`).
//!
//! The test signs one webhook of every kind `conflab::webhook` builds (`webhook::examples::all()`, plus a few
//! with awkward text and secrets) and hands them to `tests/sdk/webhook_conformance.py`, together with every
//! golden event log `tests/golden/scenarios/*.jsonl` (signing secret from the matching
//! `tests/scenarios/*.json`, `account.signingSecret`, or the scenario default). The script asserts, with the
//! SDK's own code: `Webhook.from_dict` returns the class for the requestType and every field round-trips; the
//! `FreeClimb-Signature` verifies with `RequestVerifier` and equals Python's own HMAC; a tampered body and a
//! wrong secret are refused. This test then checks the class names and the keys the SDK does not model against
//! the documented table, and verifies every logged signature with `conflab::webhook::verify` too.
//!
//! It needs `python3` with `venv` and PyPI on the first run (see tests/support/sdk.rs); it never skips.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/sdk.rs"]
mod sdk;

use conflab::webhook::{self, CallContext, Message, Payload, examples};
use conflab::wire::{CallStatus, Direction, RequestType};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// 2026-01-01T00:00:00Z: the cases' signing time.
const T0: u64 = 1_767_225_600;

/// The SDK class each requestType must parse into (freeclimb 5.4.1, `freeclimb/models/webhook.py`).
fn expected_class(rt: RequestType) -> &'static str {
    match rt {
        RequestType::AddToConferenceNotification => "AddToConferenceNotificationWebhook",
        RequestType::AddToQueueNotification => "AddToQueueNotificationWebhook",
        RequestType::AudioStream => "AudioStreamWebhook",
        RequestType::CallControl => "CallControlWebhook",
        RequestType::CallStatus => "CallStatusWebhook",
        RequestType::ConferenceRecordingStatus => "ConferenceRecordingStatusWebhook",
        RequestType::ConferenceStatus => "ConferenceStatusWebhook",
        RequestType::CreateConference => "CreateConferenceWebhook",
        RequestType::Dequeue => "DequeueWebhook",
        RequestType::GetDigits => "GetDigitsWebhook",
        RequestType::GetSpeech => "GetSpeechWebhook",
        RequestType::InboundCall => "InboundCallWebhook",
        RequestType::LeaveConference => "LeaveConferenceWebhook",
        RequestType::MachineDetected => "MachineDetectedWebhook",
        RequestType::MessageDelivery => "MessageDeliveryWebhook",
        RequestType::MessageStatus => "MessageStatusWebhook",
        RequestType::OutDialApiConnect => "OutDialApiConnectWebhook",
        RequestType::OutDialConnect => "OutDialConnectWebhook",
        RequestType::OutDialStart => "OutDialStartWebhook",
        RequestType::QueueWait => "QueueWaitWebhook",
        RequestType::Record => "RecordWebhook",
        RequestType::Redirect => "RedirectWebhook",
        RequestType::RemoveFromQueueNotification => "RemoveFromQueueNotificationWebhook",
        RequestType::Transcribe => "TranscribeWebhook",
    }
}

/// Keys conflab sends that the SDK's model for that requestType does not have (it ignores them); anything else
/// unmodelled is a mistake. See `src/webhook/payload.rs` for why each is sent.
fn allowed_extra(rt: RequestType) -> &'static [&'static str] {
    match rt {
        // The historic fixture's call keys; the spec model has only callId, accountId, conferenceId, digits.
        RequestType::CallControl => &[
            "callStatus",
            "direction",
            "from",
            "parentCallId",
            "queueId",
            "to",
        ],
        // StartRecordCall info (historic sample names, not in the spec).
        RequestType::CallStatus => &["recordingDurationSec", "recordingId", "recordingUrl"],
        _ => &[],
    }
}

/// Webhooks with text that stresses JSON escaping and UTF-8 (signatures are over the exact bytes).
fn awkward() -> Vec<webhook::Webhook> {
    let call = CallContext {
        account_id: "AC0123456789abcdef0123456789abcdef01234567",
        call_id: "CA0123456789abcdef0123456789abcdef01234567",
        from: "sip:alice@example.test",
        to: "+15550100000",
        call_status: CallStatus::InProgress,
        direction: Direction::Inbound,
        conference_id: None,
        queue_id: None,
        parent_call_id: None,
    };
    let message = Message {
        account_id: call.account_id,
        from: "+15550100000",
        to: "+15550122222",
        text: "quote \" backslash \\ newline \n tab \t nul-ish \u{1} astral 😀 über",
        application_id: None,
        phone_number_id: None,
    };
    vec![
        webhook::build(
            "https://app.test/digits?x=1&y=2",
            &Payload::GetDigits {
                call,
                digits: "",
                reason: webhook::reasons::GetDigitsReason::Timeout,
            },
        ),
        webhook::build(
            "https://app.test/sms",
            &Payload::MessageStatus {
                message,
                message_id: "SM0123456789abcdef0123456789abcdef01234567",
                call_id: None,
                status: webhook::reasons::MessageStatus::Failed,
            },
        ),
    ]
}

/// Every golden event log, with the signing secret of its scenario.
fn golden_logs() -> Vec<(PathBuf, String)> {
    let dir = sdk::root().join("tests/golden/scenarios");
    let mut logs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    logs.sort();
    logs.into_iter()
        .map(|log| {
            let secret = scenario_secret(&log);
            (log, secret)
        })
        .collect()
}

/// `account.signingSecret` of `tests/scenarios/<stem>.json`, or the scenario default.
fn scenario_secret(log: &Path) -> String {
    let stem = log
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a log file name");
    let scenario = sdk::root().join(format!("tests/scenarios/{stem}.json"));
    let text = std::fs::read_to_string(&scenario).unwrap_or_else(|e| {
        panic!(
            "golden log {} has no scenario {}: {e}",
            log.display(),
            scenario.display()
        )
    });
    let doc: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", scenario.display()));
    doc.pointer("/account/signingSecret")
        .and_then(Value::as_str)
        .unwrap_or(conflab::scenario::model::DEFAULT_SIGNING_SECRET)
        .to_owned()
}

/// Checks every logged webhook's signature with conflab's own verifier (at the request's own time).
fn verify_logs_in_rust(logs: &[(PathBuf, String)]) -> usize {
    let mut checked = 0;
    for (log, secret) in logs {
        let text = std::fs::read_to_string(log).expect("read a golden log");
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let event: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: not JSON: {e}", log.display(), i + 1));
            if event["kind"] != "webhook" {
                continue;
            }
            let header = event["headers"]["FreeClimb-Signature"]
                .as_str()
                .unwrap_or_else(|| panic!("{}:{}: no signature", log.display(), i + 1));
            let raw = event["rawBody"].as_str().expect("rawBody");
            let t: u64 = header
                .strip_prefix("t=")
                .and_then(|rest| rest.split(',').next())
                .and_then(|t| t.parse().ok())
                .unwrap_or_else(|| panic!("{}:{}: bad header {header}", log.display(), i + 1));
            assert_eq!(
                webhook::verify(header, raw, secret, t, 1),
                Ok(()),
                "{}:{}",
                log.display(),
                i + 1
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_webhook_parses_and_verifies_with_the_freeclimb_python_sdk() {
    let hooks: Vec<webhook::Webhook> = examples::all().into_iter().chain(awkward()).collect();
    let secrets = ["sigsec_conflab0000000000000000000000000000", "sigsec_ünï ✓"];
    let cases: Vec<Value> = hooks
        .iter()
        .enumerate()
        .map(|(i, hook)| {
            let t = T0 + i as u64;
            let secret = secrets[i % secrets.len()];
            json!({
                "name": format!("{i:02} {} -> {}", hook.request_type, hook.url),
                "requestType": hook.request_type.as_str(),
                "rawBody": hook.raw_body,
                "header": hook.signature(secret, t),
                "secret": secret,
                "now": t + 30,
            })
        })
        .collect();
    let logs = golden_logs();

    sdk::python(&[]);
    let mut args = vec!["--cases".to_owned(), "-".to_owned()];
    for (log, secret) in &logs {
        args.extend([
            "--log".to_owned(),
            log.display().to_string(),
            "--secret".to_owned(),
            secret.clone(),
        ]);
    }
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let stdin = serde_json::to_vec(&cases).expect("cases serialise");
    let out = sdk::run_python(
        &sdk::root().join("tests/sdk/webhook_conformance.py"),
        &arg_refs,
        Some(&stdin),
    );
    let stdout = sdk::expect_success(out, "tests/sdk/webhook_conformance.py");
    let report: Value = serde_json::from_str(&stdout).expect("the script prints a JSON report");
    assert_eq!(report["sdk_version"], sdk::SDK_VERSION);
    assert_eq!(report["failures"], json!([]));

    // The SDK's discriminator has exactly our RequestType values, each mapped to the class we expect.
    let classes: BTreeMap<String, String> =
        serde_json::from_value(report["classes"].clone()).expect("classes");
    let ours: BTreeMap<String, String> = RequestType::ALL
        .iter()
        .map(|rt| (rt.as_str().to_owned(), expected_class(*rt).to_owned()))
        .collect();
    assert_eq!(
        classes, ours,
        "SDK discriminator vs conflab::wire::RequestType"
    );

    let results = report["results"].as_array().expect("results");
    let mut problems = Vec::new();
    for result in results {
        let name = result["name"].as_str().unwrap_or("?");
        let Some(rt) = result["requestType"].as_str().and_then(RequestType::parse) else {
            problems.push(format!(
                "{name}: unknown requestType {}",
                result["requestType"]
            ));
            continue;
        };
        if result["class"] != expected_class(rt) {
            problems.push(format!(
                "{name}: parsed as {}, expected {}",
                result["class"],
                expected_class(rt)
            ));
        }
        let extra: Vec<&str> = result["extra"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let unexpected: Vec<&&str> = extra
            .iter()
            .filter(|k| !allowed_extra(rt).contains(k))
            .collect();
        if !unexpected.is_empty() {
            problems.push(format!(
                "{name}: keys the SDK's {} does not model: {unexpected:?}",
                expected_class(rt)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let kinds: std::collections::BTreeSet<RequestType> =
        hooks.iter().map(|h| h.request_type).collect();
    assert_eq!(kinds.len(), RequestType::ALL.len(), "every kind is covered");
    let log_lines = report["log_lines"].as_u64().expect("log_lines") as usize;
    let signatures = report["signatures"].as_u64().expect("signatures") as usize;
    assert_eq!(signatures, hooks.len() + log_lines);
    assert_eq!(
        report["refused"].as_u64(),
        Some(2 * signatures as u64),
        "every tampered body and wrong secret is refused"
    );
    let rust_verified = verify_logs_in_rust(&logs);
    assert_eq!(rust_verified, log_lines);
    println!(
        "webhook conformance: {} kinds, {signatures} signatures, {log_lines} log lines (in {} golden logs)",
        kinds.len(),
        logs.len()
    );
}

/// The checker itself can fail: a log with the mistakes it exists to catch is refused, each one named.
#[test]
fn the_sdk_check_catches_wrong_bodies_and_signatures() {
    let secret = "sigsec_test";
    let good = examples::all()
        .into_iter()
        .find(|h| h.request_type == RequestType::CallStatus)
        .expect("a callStatus example");
    let line = |raw: &str, header: &str, body: &Value| {
        json!({
            "at": 0,
            "kind": "webhook",
            "url": "https://app.test/x",
            "headers": {"FreeClimb-Signature": header},
            "rawBody": raw,
            "body": body,
        })
        .to_string()
    };
    let outbound = good.raw_body.replace("\"inbound\"", "\"outbound\"");
    let legacy = good
        .raw_body
        .replace("\"callStatus\",\"to\"", "\"conferenceCallControl\",\"to\"");
    let parsed = |raw: &str| serde_json::from_str::<Value>(raw).expect("JSON");
    let lines = [
        // 1: the SDK refuses `outbound`.
        line(
            &outbound,
            &webhook::sign(secret, T0, &outbound),
            &parsed(&outbound),
        ),
        // 2: signed with another secret.
        line(
            &good.raw_body,
            &webhook::sign("sigsec_other", T0, &good.raw_body),
            &good.body,
        ),
        // 3: the logged body is not the raw body.
        line(
            &good.raw_body,
            &webhook::sign(secret, T0, &good.raw_body),
            &json!({"requestType": "callStatus"}),
        ),
        // 4: the old spelling of callControl.
        line(
            &legacy,
            &webhook::sign(secret, T0, &legacy),
            &parsed(&legacy),
        ),
        // 5: a correct one, which must not be reported.
        line(
            &good.raw_body,
            &webhook::sign(secret, T0, &good.raw_body),
            &good.body,
        ),
    ];
    let dir = sdk::root().join("target/webhook-conformance");
    std::fs::create_dir_all(&dir).expect("create target/webhook-conformance");
    let log = dir.join("broken.jsonl");
    std::fs::write(&log, lines.join("\n") + "\n").expect("write the broken log");
    let log_arg = log.display().to_string();
    let out = sdk::run_python(
        &sdk::root().join("tests/sdk/webhook_conformance.py"),
        &["--log", &log_arg, "--secret", secret],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let at = |n: usize| format!("{log_arg}:{n}: ");
    // Each failure starts with "PATH:LINE: "; a message may continue on the following lines.
    let reported = |n: usize| -> String {
        let mut text = String::new();
        let mut inside = false;
        for l in stderr.lines() {
            if l.starts_with(&log_arg) {
                inside = l.starts_with(&at(n));
            }
            if inside {
                text.push_str(l);
                text.push('\n');
            }
        }
        text
    };
    for (n, expected) in [
        (
            1,
            "Input should be 'inbound', 'outboundAPI' or 'outboundDial'",
        ),
        (2, "RequestVerifier refused a conflab signature"),
        (3, "the logged body differs from rawBody parsed"),
        (4, "'conferenceCallControl' is not one the SDK can parse"),
    ] {
        assert!(
            reported(n).contains(expected),
            "line {n} should be reported with {expected:?}:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains(&at(5)),
        "the correct line was reported:\n{stderr}"
    );
}
