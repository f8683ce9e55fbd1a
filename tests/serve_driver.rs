//! The runner's driver API that `conflab serve` uses (`Run::hand_webhooks_to_driver`, `poll_webhook`,
//! `deliver`, `take_settled_lines`, `recorded_scenario`), without any I/O: webhooks the scenario's app does not
//! answer go to the driver; the log holds back the lines from a webhook awaiting its answer on; the answers
//! become the scenario's recorded replies, and `conflab run` of that scenario gives the same log, through the
//! scenario file's writer and reader too.

use conflab::engine::log::{Entry, LogLine};
use conflab::engine::{Run, WebhookResult, run_scenario};
use conflab::scenario::{self, Action, Fault, Reply};

const WORLD: &str = r#"{
  "numbers": {"+15550100000": {"voiceUrl": "http://app.test/in", "statusCallbackUrl": "http://app.test/known"}},
  "app": {"http://app.test/known": {"status": 204}}
}"#;

fn dial(from: &str) -> Action {
    Action::Dial {
        from: from.to_owned(),
        to: "+15550100000".to_owned(),
    }
}

#[test]
fn driver_answers_are_logged_recorded_and_replayed_to_the_same_log() {
    let world = scenario::parse(WORLD).unwrap();
    let mut run = Run::new(world);
    run.hand_webhooks_to_driver();
    let mut lines: Vec<LogLine> = Vec::new();

    run.push_step(0, dial("+15550111111"));
    run.run_until(0, &mut |_| {});
    let first = run
        .poll_webhook()
        .expect("the inbound webhook goes to the driver");
    assert_eq!(first.url, "http://app.test/in");
    assert_eq!(run.poll_webhook(), None);
    assert_eq!(run.awaiting_webhooks(), 1);
    // Only what comes before the webhook awaiting its answer is settled.
    lines.extend(run.take_settled_lines());
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(matches!(lines[0].entry, Entry::Call { .. }));

    // A second call in the same millisecond, while the first answer is out.
    run.push_step(0, dial("+15550122222"));
    run.run_until(0, &mut |_| {});
    let second = run.poll_webhook().expect("the second inbound webhook");
    assert!(run.take_settled_lines().is_empty());

    // The first answer arrives "at 0", after the second step: the replay delivers answers before steps of the
    // same millisecond, so it is delivered at 1.
    let percl = r#"[{"Say":{"text":"hi"}},{"Hangup":{}}]"#;
    let at = run
        .deliver(
            first.id,
            WebhookResult::Response {
                status: 200,
                body: percl.to_owned(),
            },
            0,
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(at, 1);
    // Delivered twice: refused.
    assert!(
        run.deliver(
            first.id,
            WebhookResult::Failed { reason: "x".into() },
            1,
            &mut |_| {}
        )
        .is_err()
    );
    let at = run
        .deliver(
            second.id,
            WebhookResult::Failed {
                reason: "no answer within 10000 ms".to_owned(),
            },
            5,
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(at, 5);
    run.run_until(60_000, &mut |_| {});
    while run.poll_webhook().is_some() {}
    lines.extend(run.take_settled_lines());

    let webhooks: Vec<_> = lines
        .iter()
        .filter_map(|l| match &l.entry {
            Entry::Webhook(w) if w.url == "http://app.test/in" => Some((l.at, w.response.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(webhooks.len(), 2);
    assert_eq!((webhooks[0].1.status, webhooks[0].1.delay_ms), (200, 1));
    assert_eq!(webhooks[0].1.body, percl);
    assert_eq!((webhooks[1].1.status, webhooks[1].1.delay_ms), (0, 5));
    assert_eq!(webhooks[1].1.body, "no answer within 10000 ms");
    // The status callbacks went to the scenario's own app, not the driver.
    assert!(lines.iter().any(|l| matches!(&l.entry,
        Entry::Webhook(w) if w.url == "http://app.test/known" && w.response.status == 204)));

    let recorded = run.recorded_scenario();
    assert_eq!(
        recorded.replies["http://app.test/in"],
        vec![
            Reply::Http(Fault {
                status: 200,
                body: percl.to_owned(),
                delay_ms: 1
            }),
            Reply::Failed {
                reason: "no answer within 10000 ms".to_owned(),
                delay_ms: 5
            },
        ]
    );
    let replay = run_scenario(&recorded, Some(60_000));
    assert_eq!(replay, lines);
    // Through the file: written, read back equal, and the same log.
    let text = scenario::write(&recorded);
    let read = scenario::parse(&text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    assert_eq!(read, recorded);
    assert_eq!(run_scenario(&read, Some(60_000)), lines);
}

#[test]
fn requests_past_the_recorded_replies_get_404_in_a_replay() {
    let text = r#"{
      "numbers": {"+15550100000": {"voiceUrl": "http://app.test/in"}},
      "app": {"http://app.test/in": {"replies": [{"status": 200, "body": "[{\"Hangup\":{}}]", "delayMs": 3}]}},
      "steps": [
        {"at": 0, "dial": {"from": "+15550111111", "to": "+15550100000"}},
        {"at": 100, "dial": {"from": "+15550111111", "to": "+15550100000"}}
      ]
    }"#;
    let s = scenario::parse(text).unwrap();
    let log = run_scenario(&s, None);
    let answers: Vec<(u64, u16, u64)> = log
        .iter()
        .filter_map(|l| match &l.entry {
            Entry::Webhook(w) => Some((l.at, w.response.status, w.response.delay_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(answers, vec![(0, 200, 3), (100, 404, 0)]);
}

#[test]
fn recorded_replies_with_problems_are_refused_with_their_place() {
    let text = r#"{"app": {"http://app.test/in": {"replies": [{"status": 42}, {"failed": 7}, {"nope": 1}]}}}"#;
    let errors = scenario::parse(text).unwrap_err();
    let pointers: Vec<&str> = errors.errors.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        vec![
            "/app/http:~1~1app.test~1in/replies/0/status",
            "/app/http:~1~1app.test~1in/replies/1/failed",
            "/app/http:~1~1app.test~1in/replies/2/nope",
        ]
    );
}
