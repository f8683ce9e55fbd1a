//! Issue 12: where the simulated FreeClimb differed from FreeClimb's own sources. One test per item, each
//! running a small scenario through the engine and asserting what the source says (cited on each test); each
//! fails on the engine as it was before the issue. The golden scenario `tests/scenarios/fidelity.json` shows
//! the same behaviours in one log.

use conflab::api::PageRequest;
use conflab::engine::run_scenario;
use conflab::scenario;
use serde_json::{Value, json};

/// The log of `scenario` (JSON text), each line as a value.
fn run(text: &str) -> Vec<Value> {
    let s = scenario::parse(text).unwrap_or_else(|e| panic!("{}", e.render("")));
    run_scenario(&s, None)
        .iter()
        .map(|l| serde_json::from_str(&l.to_json()).expect("a line is JSON"))
        .collect()
}

/// The webhooks sent to `url`, in order.
fn hooks<'l>(log: &'l [Value], url: &str) -> Vec<&'l Value> {
    log.iter()
        .filter(|l| l["kind"] == "webhook" && l["url"] == url)
        .collect()
}

/// The API line whose path (after `/Accounts/AC…`) starts with `rel`, the `n`th such.
fn api<'l>(log: &'l [Value], method: &str, rel: &str, n: usize) -> &'l Value {
    log.iter()
        .filter(|l| {
            l["kind"] == "api"
                && l["method"] == method
                && l["path"].as_str().is_some_and(|p| {
                    // The path after `/Accounts/AC…` ("" for the account itself).
                    let after = p
                        .splitn(4, '/')
                        .nth(3)
                        .map_or(String::new(), |p| format!("/{p}"));
                    if rel.is_empty() {
                        after.is_empty()
                    } else {
                        after.starts_with(rel)
                    }
                })
        })
        .nth(n)
        .unwrap_or_else(|| panic!("no {method} {rel} #{n}"))
}

const NUMBER: &str = "+15550100000";

/// Item 1. Spec `CreateConferenceWebhook`: "A Conference has been created and its statusCallbackUrl or
/// actionUrl is being invoked"; its `status` is "present only if statusCallbackUrl is being invoked".
#[test]
fn creation_reaches_the_status_callback_as_create_conference_with_status_empty() {
    let log = run(&format!(
        r#"{{
        "numbers": {{"{NUMBER}": {{"voiceUrl": "https://app.test/in"}}}},
        "app": {{
            "https://app.test/in": [{{"CreateConference": {{"actionUrl": "https://app.test/made", "statusCallbackUrl": "https://app.test/status"}}}}],
            "https://app.test/made": [{{"AddToConference": {{"conferenceId": "{{{{conferenceId}}}}"}}}}],
            "https://app.test/rest": []
        }},
        "steps": [
            {{"at": 0, "dial": {{"from": "+15550111111", "to": "{NUMBER}"}}}},
            {{"at": 500, "api": {{"method": "POST", "path": "/Conferences", "body": {{"statusCallbackUrl": "https://app.test/rest"}}}}}},
            {{"at": 1000, "hangup": {{"phone": "+15550111111"}}}}
        ]
    }}"#
    ));
    // PerCL: statusCallbackUrl gets createConference (status empty), then actionUrl gets it without status.
    let status = hooks(&log, "https://app.test/status");
    assert_eq!(status[0]["requestType"], "createConference");
    assert_eq!(status[0]["body"]["status"], "empty");
    let call = log.iter().find(|l| l["kind"] == "call").unwrap();
    assert_eq!(status[0]["body"]["callId"], call["callId"]);
    assert_eq!(status[0]["expectsPercl"], false);
    let made = hooks(&log, "https://app.test/made");
    assert_eq!(made[0]["requestType"], "createConference");
    assert!(made[0]["body"].get("status").is_none(), "{}", made[0]);
    // Later changes stay conferenceStatus.
    let later: Vec<&str> = status[1..]
        .iter()
        .map(|h| h["requestType"].as_str().unwrap())
        .collect();
    assert_eq!(
        later, ["conferenceStatus"; 3],
        "populated, inProgress, empty"
    );
    // REST: the same request type, with null call keys.
    let rest = hooks(&log, "https://app.test/rest");
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["requestType"], "createConference");
    assert_eq!(rest[0]["body"]["status"], "empty");
    assert_eq!(rest[0]["body"]["callId"], Value::Null);
    // The creation is marked as a sandbox choice (the REST reference says no callback is posted).
    let created = log
        .iter()
        .find(|l| l["kind"] == "conference" && l["status"] == "empty")
        .unwrap();
    assert!(
        created["sandboxChoice"]
            .as_str()
            .is_some_and(|c| c.contains("createConference")),
        "{created}"
    );
}

/// A conference `team` made by REST at 0, and three phones that join it through `https://app.test/in`.
fn three_join(starters: [bool; 3], extra_steps: &str) -> String {
    let join = |i: usize| {
        format!(
            r#""https://app.test/in{i}": [{{"AddToConference": {{"conferenceId": "{{{{conference:team}}}}", "startConfOnEnter": {}, "allowCallControl": true, "callControlSequence": "1", "callControlUrl": "https://app.test/control"}}}}]"#,
            starters[i]
        )
    };
    format!(
        r#"{{
        "numbers": {{
            "+15550100000": {{"voiceUrl": "https://app.test/in0", "statusCallbackUrl": "https://app.test/calls"}},
            "+15550100001": {{"voiceUrl": "https://app.test/in1", "statusCallbackUrl": "https://app.test/calls"}},
            "+15550100002": {{"voiceUrl": "https://app.test/in2", "statusCallbackUrl": "https://app.test/calls"}}
        }},
        "app": {{ {}, {}, {},
            "https://app.test/control": [{{"SetTalk": {{"talk": false}}}}, {{"SetListen": {{"listen": true}}}}],
            "https://app.test/calls": []
        }},
        "steps": [
            {{"at": 0, "api": {{"method": "POST", "path": "/Conferences", "body": {{"alias": "team", "statusCallbackUrl": "https://app.test/status"}}}}}},
            {{"at": 1000, "dial": {{"from": "+15550111110", "to": "+15550100000"}}}},
            {{"at": 2000, "dial": {{"from": "+15550111111", "to": "+15550100001"}}}},
            {{"at": 3000, "dial": {{"from": "+15550111112", "to": "+15550100002"}}}}
            {extra_steps}
        ]
    }}"#,
        join(0),
        join(1),
        join(2)
    )
}

/// Item 2. Spec `ConferenceParticipantResult.startConfOnEnter`: "True if this Participant joining the
/// Conference caused the Conference to start (status = inProgress)".
#[test]
fn participant_start_conf_on_enter_says_whether_the_join_started_the_conference() {
    let log = run(&three_join(
        [false, true, true],
        r#", {"at": 4000, "api": {"method": "GET", "path": "/Conferences/{{conference:team}}/Participants"}}"#,
    ));
    let list = &api(&log, "GET", "/Conferences/", 0)["response"]["participants"];
    let by_call: Vec<(String, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["callId"].as_str().unwrap().to_owned(),
                p["startConfOnEnter"].as_bool().unwrap(),
            )
        })
        .collect();
    // Newest first: the third joiner (a starter, but the conference was already in progress), the second
    // (its join started it), the first (not a starter).
    assert_eq!(
        by_call.iter().map(|(_, s)| *s).collect::<Vec<_>>(),
        [false, true, false],
        "{list}"
    );
}

/// Item 3. freeclimb-cli `conferences/list`: "sorted by creation date, newest to oldest"; `calls/list`,
/// `conference-participants/list`, `recordings/list` the same.
#[test]
fn every_list_is_newest_first() {
    let log = run(&three_join(
        [true, true, true],
        r#", {"at": 3500, "api": {"method": "POST", "path": "/Conferences", "body": {"alias": "second", "statusCallbackUrl": "https://app.test/status"}}},
            {"at": 4000, "api": {"method": "GET", "path": "/Conferences"}},
            {"at": 4000, "api": {"method": "GET", "path": "/Calls"}},
            {"at": 4000, "api": {"method": "GET", "path": "/Conferences/{{conference:team}}/Participants"}}"#,
    ));
    let conferences: Vec<&str> = api(&log, "GET", "/Conferences", 0)["response"]["conferences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["alias"].as_str().unwrap())
        .collect();
    assert_eq!(conferences, ["second", "team"]);
    let calls: Vec<&str> = api(&log, "GET", "/Calls", 0)["response"]["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["from"].as_str().unwrap())
        .collect();
    assert_eq!(calls, ["+15550111112", "+15550111111", "+15550111110"]);
    let participants = &api(&log, "GET", "/Conferences/", 0)["response"]["participants"];
    let joined: Vec<&str> = participants
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["callId"].as_str().unwrap())
        .collect();
    let call_order: Vec<&str> = api(&log, "GET", "/Calls", 0)["response"]["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["callId"].as_str().unwrap())
        .collect();
    assert_eq!(joined, call_order, "the last to join is listed first");
}

/// Item 4. freeclimb-cli's "next page" sends only `?cursor=…` from `nextPageUri` (`conferences/list.ts`:
/// `params: { cursor: out.next }`), so the cursor must carry the filters.
#[test]
fn the_cursor_alone_continues_a_filtered_list_and_a_bad_one_is_refused() {
    let mut steps = Vec::new();
    for i in 0..105 {
        let alias = if i == 50 { "other" } else { "daily" };
        steps.push(format!(
            r#"{{"at": {i}, "api": {{"method": "POST", "path": "/Conferences", "body": {{"alias": "{alias}", "statusCallbackUrl": "https://app.test/status"}}}}}}"#
        ));
    }
    let cursor = PageRequest::cursor(1, &[("alias".to_owned(), "daily".to_owned())]);
    steps.push(
        r#"{"at": 200, "api": {"method": "GET", "path": "/Conferences", "query": {"alias": "daily"}}}"#
            .to_owned(),
    );
    steps.push(format!(
        r#"{{"at": 201, "api": {{"method": "GET", "path": "/Conferences?cursor={cursor}"}}}}"#
    ));
    steps.push(
        r#"{"at": 202, "api": {"method": "GET", "path": "/Conferences?cursor=2"}}"#.to_owned(),
    );
    steps.push(format!(
        r#"{{"at": 203, "api": {{"method": "GET", "path": "/Calls?cursor={cursor}"}}}}"#
    ));
    let log = run(&format!(
        r#"{{"app": {{"https://app.test/status": []}}, "steps": [{}]}}"#,
        steps.join(",")
    ));
    let first = &api(&log, "GET", "/Conferences", 0)["response"];
    assert_eq!(first["total"], 104);
    // nextPageUri is the list path and the cursor alone, the cursor that carries the filter.
    let next = first["nextPageUri"].as_str().expect("a next page");
    assert!(
        next.ends_with(&format!("/Conferences?cursor={cursor}")),
        "{next}"
    );
    // Following it with the cursor alone (as freeclimb-cli does) gives the rest of the filtered list.
    let second = &api(&log, "GET", "/Conferences", 1)["response"];
    assert_eq!(
        (
            second["page"].as_u64(),
            second["pageSize"].as_u64(),
            second["total"].as_u64()
        ),
        (Some(1), Some(4), Some(104))
    );
    assert!(
        second["conferences"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["alias"] == "daily"),
        "{second}"
    );
    // A page number is no cursor, and a cursor of another list is refused: 400, saying why.
    for (n, phrase) in [(2, "is not base64url text"), (3, "belongs to another list")] {
        let bad = log
            .iter()
            .filter(|l| l["kind"] == "api" && l["method"] == "GET")
            .nth(n)
            .unwrap();
        assert_eq!(
            (bad["status"].as_u64(), bad["response"]["code"].as_u64()),
            (Some(400), Some(9)),
            "{bad}"
        );
        let message = bad["response"]["message"].as_str().unwrap();
        assert!(
            message.contains(phrase) && message.contains("nextPageUri"),
            "{message}"
        );
    }
}

/// Item 5. Spec `MutableResourceModel.revision`: "set to 1 on creation and is incremented every time it is
/// updated": PerCL SetTalk and SetListen update the participant as REST does.
#[test]
fn percl_set_commands_bump_the_participant_revision_and_date_updated() {
    let log = run(&three_join(
        [true, true, true],
        r#", {"at": 5000, "digits": {"phone": "+15550111110", "digits": "1"}},
            {"at": 9000, "api": {"method": "GET", "path": "/Conferences/{{conference:team}}/Participants/{{call:+15550111110}}"}}"#,
    ));
    let p = &api(&log, "GET", "/Conferences/", 0)["response"];
    assert_eq!(p["talk"], false);
    assert_eq!(p["revision"], 3, "SetTalk and SetListen: {p}");
    assert_ne!(p["dateUpdated"], p["dateCreated"], "{p}");
}

/// Item 6. One rule for `callStatus.conferenceId` (reference §4.3: null unless it concerns a conference): the
/// conference a call ended in or was ended by, after a hangup, a terminate and a removal alike.
#[test]
fn call_status_names_the_conference_after_hangup_terminate_and_removal() {
    let log = run(&three_join(
        [true, true, true],
        r#", {"at": 5000, "hangup": {"phone": "+15550111110"}},
            {"at": 6000, "api": {"method": "DELETE", "path": "/Conferences/{{conference:team}}/Participants/{{call:+15550111111}}"}},
            {"at": 7000, "api": {"method": "POST", "path": "/Conferences/{{conference:team}}", "body": {"status": "terminated"}}}"#,
    ));
    let conference = api(&log, "POST", "/Conferences", 0)["response"]["conferenceId"].clone();
    let ended: Vec<(&str, &Value)> = hooks(&log, "https://app.test/calls")
        .iter()
        .map(|h| {
            (
                h["body"]["callEndedReason"].as_str().unwrap(),
                &h["body"]["conferenceId"],
            )
        })
        .collect();
    assert_eq!(
        ended,
        [
            ("farEndHangup", &conference),
            ("removedFromConference", &conference),
            ("conferenceTerminated", &conference),
        ]
    );
}

/// Item 7. The SDKs' `RequestVerifier` rejects a signature older than 5 minutes: the scenario's `epoch` sets
/// the unix time of virtual time 0, and the writer keeps it.
#[test]
fn the_epoch_stamps_signatures_and_dates_and_survives_export() {
    let text = r#"{
        "epoch": 1900000000,
        "app": {"https://app.test/status": []},
        "steps": [{"at": 2500, "api": {"method": "POST", "path": "/Conferences", "body": {"statusCallbackUrl": "https://app.test/status"}}}]
    }"#;
    let log = run(text);
    let hook = hooks(&log, "https://app.test/status")[0];
    let signature = hook["headers"]["FreeClimb-Signature"].as_str().unwrap();
    assert!(signature.starts_with("t=1900000002,"), "{signature}");
    let created = &api(&log, "POST", "/Conferences", 0)["response"]["dateCreated"];
    assert_eq!(created, "Sun, 17 Mar 2030 17:46:42 GMT");
    let s = scenario::parse(text).unwrap();
    assert_eq!(s.epoch, 1_900_000_000);
    assert_eq!(scenario::parse(&scenario::write(&s)).unwrap(), s);
    // Without `epoch`, the fixed default: the goldens do not move.
    let default = scenario::parse("{}").unwrap();
    assert_eq!(default.epoch, conflab::engine::DEFAULT_EPOCH_UNIX_SECS);
    assert!(!scenario::write(&default).contains("epoch"));
    let e = scenario::parse(r#"{"epoch": 253402300800}"#).expect_err("after the year 9999");
    assert!(e.errors[0].render().contains("epoch"), "{}", e.render(""));
}

/// Item 8. Spec `MakeCallRequest.from`: "(a) The To or From number provided in FreeClimb's initial request to
/// your app or (b) Any incoming phone number you have purchased"; freeclimb-cli's hint for error 46: "Check if
/// your account owns the number".
#[test]
fn make_a_call_from_a_number_the_account_does_not_own_is_refused() {
    let call = |from: &str, at: u64| {
        format!(
            r#"{{"at": {at}, "api": {{"method": "POST", "path": "/Calls", "body": {{"from": "{from}", "to": "+15550122222", "callConnectUrl": "https://app.test/connect"}}}}}}"#
        )
    };
    let log = run(&format!(
        r#"{{
        "numbers": {{"{NUMBER}": {{"voiceUrl": "https://app.test/in"}}}},
        "phones": {{"+15550111111": {{"hangupAfterMs": 5000}}}},
        "app": {{"https://app.test/in": [{{"Pause": {{"length": 10000}}}}], "https://app.test/connect": [{{"Hangup": {{}}}}]}},
        "steps": [
            {}, {},
            {{"at": 100, "dial": {{"from": "+15550111111", "to": "{NUMBER}"}}}},
            {}
        ]
    }}"#,
        call("+15550199999", 0),
        call(NUMBER, 10),
        call("+15550111111", 200)
    ));
    let refused = api(&log, "POST", "/Calls", 0);
    assert_eq!(
        (
            refused["status"].as_u64(),
            refused["response"]["code"].as_u64()
        ),
        (Some(400), Some(46))
    );
    assert!(
        refused["response"]["message"]
            .as_str()
            .unwrap()
            .contains("+15550199999")
    );
    assert_eq!(
        api(&log, "POST", "/Calls", 1)["status"],
        202,
        "an owned number"
    );
    assert_eq!(
        api(&log, "POST", "/Calls", 2)["status"],
        202,
        "the From of a call FreeClimb made to the app"
    );
}

/// Item 9. Every advertised subresource URI answers: `GET /Calls/{id}/Logs` is FreeClimb's `LogList`.
#[test]
fn every_advertised_subresource_answers_and_call_logs_list_what_happened() {
    let mut text = three_join([true, true, true], "");
    text = text.replace(
        r#""steps": ["#,
        r#""steps": [{"at": 0, "api": {"method": "GET", "path": "/"}},"#,
    );
    let log = run(&text.replace(
        "]\n    }",
        r#", {"at": 5000, "hangup": {"phone": "+15550111110"}},
             {"at": 6000, "api": {"method": "GET", "path": "/Calls/{{call:+15550111111}}"}},
             {"at": 6000, "api": {"method": "GET", "path": "/Conferences/{{conference:team}}"}}]
    }"#,
    ));
    let account = &api(&log, "GET", "", 0)["response"];
    let call = &api(&log, "GET", "/Calls/", 0)["response"];
    let conference = &api(&log, "GET", "/Conferences/", 0)["response"];
    let mut uris: Vec<String> = Vec::new();
    for r in [account, call, conference] {
        for uri in r["subresourceUris"].as_object().unwrap().values() {
            uris.push(uri.as_str().unwrap().to_owned());
        }
    }
    assert_eq!(uris.len(), 5 + 2 + 2, "{uris:?}");
    // Each advertised URI, requested at the end of the same run, answers 200.
    let account_id = account["accountId"].as_str().unwrap();
    let gets: Vec<String> = uris
        .iter()
        .map(|u| {
            let rel = u.strip_prefix(&format!("/Accounts/{account_id}")).unwrap();
            format!(r#"{{"at": 7000, "api": {{"method": "GET", "path": "{rel}"}}}}"#)
        })
        .collect();
    let again = run(&text.replace(
        "]\n    }",
        &format!(
            r#", {{"at": 5000, "hangup": {{"phone": "+15550111110"}}}}, {}]
    }}"#,
            gets.join(", ")
        ),
    ));
    let answered: Vec<(String, u64)> = again
        .iter()
        .filter(|l| l["kind"] == "api" && l["at"] == 7000)
        .map(|l| {
            (
                l["path"].as_str().unwrap().to_owned(),
                l["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(answered.len(), uris.len());
    assert!(answered.iter().all(|(_, s)| *s == 200), "{answered:?}");
    // The ended call's logs: ended, answered, created (newest first).
    let logs = again
        .iter()
        .find(|l| l["kind"] == "api" && l["path"].as_str().unwrap().ends_with("/Logs"))
        .unwrap();
    let messages: Vec<&str> = logs["response"]["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("answered"), "{messages:?}");
    assert!(messages[1].contains("created"), "{messages:?}");
}

/// Item 10. Spec, list recordings: `endTime` is "Only show Recordings created at or before this time".
#[test]
fn the_recordings_end_time_filter_compares_when_they_were_created() {
    let log = run(&format!(
        r#"{{
        "numbers": {{"{NUMBER}": {{"voiceUrl": "https://app.test/in"}}}},
        "app": {{
            "https://app.test/in": [{{"AddToConference": {{"conferenceId": "{{{{conference:rec}}}}"}}}}],
            "https://app.test/status": []
        }},
        "steps": [
            {{"at": 0, "api": {{"method": "POST", "path": "/Conferences", "body": {{"alias": "rec", "record": true, "statusCallbackUrl": "https://app.test/status"}}}}}},
            {{"at": 1000, "dial": {{"from": "+15550111111", "to": "{NUMBER}"}}}},
            {{"at": 61000, "hangup": {{"phone": "+15550111111"}}}},
            {{"at": 70000, "api": {{"method": "GET", "path": "/Recordings", "query": {{"endTime": "2026-01-01 00:00:30"}}}}}},
            {{"at": 70000, "api": {{"method": "GET", "path": "/Recordings", "query": {{"endTime": "2026-01-01 00:00:00"}}}}}}
        ]
    }}"#
    ));
    // The recording ran from 00:00:01 to 00:01:01: created before 00:00:30, ended after it.
    assert_eq!(api(&log, "GET", "/Recordings", 0)["response"]["total"], 1);
    assert_eq!(api(&log, "GET", "/Recordings", 1)["response"]["total"], 0);
}

/// waitUrl: FreeClimb GETs it once at creation ("always fetched using HTTP GET and is fetched just once – when
/// the Conference is created", `CreateConference`); the log shows that request, and an app that answers it
/// with an error leaves the conference on the default hold music, with a note that says why.
#[test]
fn the_wait_url_is_fetched_at_creation_and_a_failure_is_shown() {
    let log = run(&format!(
        r#"{{
        "numbers": {{"{NUMBER}": {{"voiceUrl": "https://app.test/in"}}}},
        "app": {{
            "https://app.test/in": [{{"AddToConference": {{"conferenceId": "{{{{conference:broken}}}}", "startConfOnEnter": false}}}}],
            "https://app.test/hold-broken.wav": {{"status": 500}}
        }},
        "steps": [
            {{"at": 0, "api": {{"method": "POST", "path": "/Conferences", "body": {{"alias": "fine", "waitUrl": "https://app.test/hold.wav", "statusCallbackUrl": "https://app.test/status"}}}}}},
            {{"at": 0, "api": {{"method": "POST", "path": "/Conferences", "body": {{"alias": "broken", "waitUrl": "https://app.test/hold-broken.wav", "statusCallbackUrl": "https://app.test/status"}}}}}},
            {{"at": 1000, "dial": {{"from": "+15550111111", "to": "{NUMBER}"}}}}
        ]
    }}"#
    ));
    let fetches: Vec<&Value> = log.iter().filter(|l| l["kind"] == "fetch").collect();
    assert_eq!(fetches.len(), 2, "one GET per conference, at creation");
    assert_eq!(fetches[0]["method"], "GET");
    assert_eq!(fetches[0]["purpose"], "waitUrl");
    assert_eq!(fetches[0]["url"], "https://app.test/hold.wav");
    assert_eq!(fetches[0]["response"], json!({"status": 200}));
    assert_eq!(fetches[1]["response"], json!({"status": 500}));
    let note = log
        .iter()
        .find(|l| l["kind"] == "note" && l["text"].as_str().unwrap().contains("waitUrl"))
        .expect("the failure is noted");
    assert!(
        note["text"].as_str().unwrap().contains("answered HTTP 500"),
        "{note}"
    );
    // The broken conference's hold music is the default one (no waitUrl).
    let music = log
        .iter()
        .find(|l| l["kind"] == "media" && l["change"] == "waitMusic" && l["on"] == true)
        .expect("wait music plays while populated");
    assert_eq!(music["conferenceId"], note["conferenceId"]);
    assert_eq!(music["waitUrl"], Value::Null, "{music}");
}

/// Applications: FreeClimb numbers point at an Application (spec `IncomingNumberResult.applicationId`,
/// `ApplicationResult`); Make a Call's `applicationId` uses its callConnectUrl and statusCallbackUrl (spec
/// `MakeCallRequest.applicationId`).
#[test]
fn numbers_point_at_applications_and_make_a_call_names_one() {
    const APP: &str = "AP00000000000000000000000000000000000000a1";
    let log = run(&format!(
        r#"{{
        "applications": {{"{APP}": {{"alias": "main", "voiceUrl": "https://app.test/in", "callConnectUrl": "https://app.test/connect", "statusCallbackUrl": "https://app.test/calls"}}}},
        "numbers": {{
            "{NUMBER}": {{"applicationId": "{APP}", "alias": "main line"}},
            "+15550100001": {{"voiceUrl": "https://app.test/own"}}
        }},
        "app": {{
            "https://app.test/in": [{{"Hangup": {{}}}}],
            "https://app.test/connect": [{{"Hangup": {{}}}}],
            "https://app.test/calls": []
        }},
        "steps": [
            {{"at": 0, "dial": {{"from": "+15550111111", "to": "{NUMBER}"}}}},
            {{"at": 1000, "api": {{"method": "POST", "path": "/Calls", "body": {{"from": "+15550100001", "to": "+15550122222", "applicationId": "{APP}"}}}}}},
            {{"at": 5000, "api": {{"method": "GET", "path": "/Applications"}}}},
            {{"at": 5000, "api": {{"method": "GET", "path": "/Applications/{APP}"}}}},
            {{"at": 5000, "api": {{"method": "GET", "path": "/IncomingPhoneNumbers"}}}},
            {{"at": 5000, "api": {{"method": "GET", "path": "/Calls"}}}},
            {{"at": 5000, "api": {{"method": "GET", "path": "/Applications/AP0000000000000000000000000000000000000000"}}}}
        ]
    }}"#
    ));
    // The inbound call used the application's voiceUrl and statusCallbackUrl.
    assert_eq!(hooks(&log, "https://app.test/in").len(), 1);
    // The REST call used the application's callConnectUrl and statusCallbackUrl.
    assert_eq!(hooks(&log, "https://app.test/connect").len(), 1);
    assert_eq!(hooks(&log, "https://app.test/calls").len(), 2);
    let apps = &api(&log, "GET", "/Applications", 0)["response"];
    let ids: Vec<&str> = apps["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["applicationId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "the named one and +15550100001's own: {apps}");
    assert_eq!(
        ids[1], APP,
        "newest first: the own application is listed first"
    );
    let one = &api(&log, "GET", "/Applications/", 0)["response"];
    assert_eq!(one["voiceUrl"], "https://app.test/in");
    assert_eq!(one["alias"], "main");
    let numbers = &api(&log, "GET", "/IncomingPhoneNumbers", 0)["response"]["incomingPhoneNumbers"];
    let main = numbers
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["phoneNumber"] == NUMBER)
        .unwrap();
    assert_eq!(
        (main["applicationId"].as_str(), main["alias"].as_str()),
        (Some(APP), Some("main line"))
    );
    let calls = &api(&log, "GET", "/Calls", 0)["response"]["calls"];
    assert!(
        calls
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["applicationId"] == APP),
        "{calls}"
    );
    assert_eq!(api(&log, "GET", "/Applications/", 1)["status"], 404);

    // The reader: an unknown applicationId, and a number with both an application and its own URL.
    let e = scenario::parse(&format!(
        r#"{{"applications": {{"{APP}": {{}}}}, "numbers": {{"{NUMBER}": {{"applicationId": "AP00000000000000000000000000000000000000a2", "voiceUrl": "https://app.test/in"}}}}}}"#
    ))
    .expect_err("refused");
    let codes: Vec<&str> = e.errors.iter().map(|e| e.problem.code()).collect();
    assert_eq!(
        codes,
        ["unknown-application", "application-and-url"],
        "{}",
        e.render("")
    );
}
