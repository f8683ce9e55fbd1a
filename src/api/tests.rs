//! Routing and body tests: every route, wrong methods, unknown paths, and bad bodies with their exact errors.

use super::*;
use crate::conference::{ConferenceStatus, PlayBeep};
use crate::percl::model::IfMachine;
use crate::wire::CallStatus;
use serde_json::json;

const AC: &str = "AC0123456789abcdef0123456789abcdef01234567";
const CF: &str = "CF0123456789abcdef0123456789abcdef01234567";
const CA: &str = "CA0123456789abcdef0123456789abcdef01234567";
const RE: &str = "RE0123456789abcdef0123456789abcdef01234567";

fn req(method: &str, rel: &str, body: &str) -> Result<ApiRequest, ApiError> {
    parse(
        &HttpRequest::new(method, &format!("/Accounts/{AC}{rel}"), body),
        AC,
    )
}

fn err(method: &str, rel: &str, body: &str) -> ApiError {
    req(method, rel, body).expect_err("the request must be refused")
}

fn page(page: u32) -> PageRequest {
    PageRequest {
        page,
        params: vec![],
    }
}

#[test]
fn every_route_parses_to_its_request() {
    let sc = r#"{"statusCallbackUrl":"https://app.test/status"}"#;
    let cases: Vec<(&str, String, &str, ApiRequest, u16)> = vec![
        ("GET", String::new(), "", ApiRequest::GetAccount, 200),
        (
            "POST",
            "/Conferences".into(),
            sc,
            ApiRequest::CreateConference(CreateConference {
                alias: None,
                play_beep: PlayBeep::Always,
                record: false,
                wait_url: None,
                status_callback_url: "https://app.test/status".into(),
            }),
            200,
        ),
        (
            "GET",
            "/Conferences".into(),
            "",
            ApiRequest::ListConferences {
                filter: ConferenceFilter::default(),
                page: page(0),
            },
            200,
        ),
        (
            "GET",
            format!("/Conferences/{CF}"),
            "",
            ApiRequest::GetConference {
                conference_id: CF.into(),
            },
            200,
        ),
        (
            "POST",
            format!("/Conferences/{CF}"),
            r#"{"status":"terminated"}"#,
            ApiRequest::UpdateConference {
                conference_id: CF.into(),
                update: UpdateConference {
                    status: Some(UpdateConferenceStatus::Terminated),
                    ..Default::default()
                },
            },
            204,
        ),
        (
            "GET",
            format!("/Conferences/{CF}/Participants"),
            "",
            ApiRequest::ListParticipants {
                conference_id: CF.into(),
                filter: ParticipantFilter::default(),
                page: page(0),
            },
            200,
        ),
        (
            "GET",
            format!("/Conferences/{CF}/Participants/{CA}"),
            "",
            ApiRequest::GetParticipant {
                conference_id: CF.into(),
                call_id: CA.into(),
            },
            200,
        ),
        (
            "POST",
            format!("/Conferences/{CF}/Participants/{CA}"),
            r#"{"talk":false}"#,
            ApiRequest::UpdateParticipant {
                conference_id: CF.into(),
                call_id: CA.into(),
                update: crate::conference::ParticipantUpdate {
                    talk: Some(false),
                    ..Default::default()
                },
            },
            200,
        ),
        (
            "DELETE",
            format!("/Conferences/{CF}/Participants/{CA}"),
            "",
            ApiRequest::RemoveParticipant {
                conference_id: CF.into(),
                call_id: CA.into(),
            },
            204,
        ),
        (
            "GET",
            format!("/Conferences/{CF}/Recordings"),
            "",
            ApiRequest::ListConferenceRecordings {
                conference_id: CF.into(),
                filter: RecordingFilter::default(),
                page: page(0),
            },
            200,
        ),
        (
            "POST",
            "/Calls".into(),
            r#"{"from":"+15550100000","to":"+15550122222","callConnectUrl":"https://app.test/connect"}"#,
            ApiRequest::MakeCall(MakeCall {
                from: "+15550100000".into(),
                to: "+15550122222".into(),
                application_id: None,
                call_connect_url: Some("https://app.test/connect".into()),
                parent_call_id: None,
                send_digits: None,
                if_machine: None,
                if_machine_url: None,
                timeout_sec: 30,
                privacy_mode: false,
            }),
            202,
        ),
        (
            "GET",
            "/Calls".into(),
            "",
            ApiRequest::ListCalls {
                filter: CallFilter::default(),
                page: page(0),
            },
            200,
        ),
        (
            "GET",
            format!("/Calls/{CA}"),
            "",
            ApiRequest::GetCall { call_id: CA.into() },
            200,
        ),
        (
            "POST",
            format!("/Calls/{CA}"),
            r#"{"status":"completed"}"#,
            ApiRequest::UpdateCall {
                call_id: CA.into(),
                status: UpdateCallStatus::Completed,
            },
            202,
        ),
        (
            "GET",
            format!("/Calls/{CA}/Recordings"),
            "",
            ApiRequest::ListCallRecordings {
                call_id: CA.into(),
                filter: RecordingFilter::default(),
                page: page(0),
            },
            200,
        ),
        (
            "GET",
            "/Recordings".into(),
            "",
            ApiRequest::ListRecordings {
                filter: RecordingFilter::default(),
                page: page(0),
            },
            200,
        ),
        (
            "GET",
            format!("/Recordings/{RE}"),
            "",
            ApiRequest::GetRecording {
                recording_id: RE.into(),
            },
            200,
        ),
        (
            "DELETE",
            format!("/Recordings/{RE}"),
            "",
            ApiRequest::DeleteRecording {
                recording_id: RE.into(),
            },
            204,
        ),
        (
            "GET",
            format!("/Recordings/{RE}/Stream"),
            "",
            ApiRequest::RecordingFile {
                recording_id: RE.into(),
                kind: RecordingFileKind::Stream,
            },
            200,
        ),
        (
            "GET",
            format!("/Recordings/{RE}/Download"),
            "",
            ApiRequest::RecordingFile {
                recording_id: RE.into(),
                kind: RecordingFileKind::Download,
            },
            200,
        ),
    ];
    for (method, rel, body, expected, status) in cases {
        let got = req(method, &rel, body).unwrap_or_else(|e| panic!("{method} {rel}: {e}"));
        assert_eq!(got, expected, "{method} {rel}");
        assert_eq!(got.success_status(), status, "{method} {rel}");
    }
}

#[test]
fn prefixes_and_trailing_slash_are_accepted() {
    let r = parse(
        &HttpRequest::new("GET", &format!("/apiserver/Accounts/{AC}/Calls/"), ""),
        AC,
    );
    assert!(matches!(r, Ok(ApiRequest::ListCalls { .. })), "{r:?}");
    assert_eq!(
        parse(
            &HttpRequest::new("GET", &format!("/Accounts/{AC}/"), ""),
            AC
        ),
        Ok(ApiRequest::GetAccount)
    );
}

#[test]
fn wrong_methods_are_405_with_the_allowed_ones() {
    let cases = [
        ("PUT", "/Conferences".to_owned(), vec!["GET", "POST"]),
        ("DELETE", format!("/Conferences/{CF}"), vec!["GET", "POST"]),
        (
            "POST",
            format!("/Conferences/{CF}/Participants"),
            vec!["GET"],
        ),
        (
            "PATCH",
            format!("/Conferences/{CF}/Participants/{CA}"),
            vec!["GET", "POST", "DELETE"],
        ),
        ("DELETE", "/Calls".to_owned(), vec!["GET", "POST"]),
        ("POST", format!("/Recordings/{RE}"), vec!["GET", "DELETE"]),
        ("POST", String::new(), vec!["GET"]),
        ("get", "/Calls".to_owned(), vec!["GET", "POST"]),
    ];
    for (method, rel, allowed) in cases {
        let e = err(method, &rel, "");
        assert_eq!((e.status, e.code), (405, 2), "{method} {rel}");
        assert_eq!(e.details["allowed"], json!(allowed), "{method} {rel}");
        assert_eq!(
            e.url,
            "https://docs.freeclimb.com/reference/error-and-warning-dictionary#2"
        );
    }
}

#[test]
fn unknown_paths_are_404_with_a_hint() {
    let e = err("GET", "/conferences", "");
    assert_eq!((e.status, e.code), (404, 1));
    assert!(
        e.message
            .contains("paths are case-sensitive: write Conferences, not conferences"),
        "{}",
        e.message
    );
    let e = err("GET", "/Queues", "");
    assert_eq!((e.status, e.code), (404, 1));
    assert!(
        e.message
            .contains("/Conferences, /Calls, /Recordings, /Applications and /IncomingPhoneNumbers"),
        "{}",
        e.message
    );
    let e = err("GET", &format!("/Conferences/{CF}/Participants/{CA}/x"), "");
    assert_eq!(e.status, 404);
    let e = err("GET", "//Calls", "");
    assert!(e.message.contains("empty segment"), "{}", e.message);
    let e = parse(&HttpRequest::new("GET", "/Conferences", ""), AC).unwrap_err();
    assert_eq!(e.status, 404);
    assert!(
        e.message
            .contains(&format!("paths start with /Accounts/{AC}")),
        "{}",
        e.message
    );
    let e = parse(&HttpRequest::new("GET", "/Accounts/ACother/Calls", ""), AC).unwrap_err();
    assert_eq!((e.status, e.code), (403, 50));
}

#[test]
fn error_body_has_exactly_freeclimbs_keys() {
    let e = err("POST", "/Conferences", "{\n  \"alias\": x}");
    assert_eq!((e.status, e.code), (400, 9));
    assert_eq!(
        (&e.details["line"], &e.details["column"]),
        (&json!(2), &json!(12))
    );
    assert!(
        e.message.contains("expected value at line 2 column 12"),
        "{}",
        e.message
    );
    let e = err("POST", "/Conferences", "{}");
    let body = e.body();
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["code", "details", "message", "url"]);
    assert_eq!(ApiResponse::from(e.clone()).status, 400);
    assert_eq!(
        body,
        json!({
            "code": 80,
            "message": "`/statusCallbackUrl` is required: the URL that receives the conference's status changes (required since SDK 5.1.1)",
            "url": "https://docs.freeclimb.com/reference/error-and-warning-dictionary#80",
            "details": {"pointer": "/statusCallbackUrl", "expected": "the URL that receives the conference's status changes (required since SDK 5.1.1)"}
        })
    );
}

/// (method, path, body, status, code, pointer, a phrase of the message)
type BadBody = (
    &'static str,
    String,
    &'static str,
    u16,
    u32,
    &'static str,
    &'static str,
);

#[test]
fn bad_bodies_name_the_field_and_what_it_takes() {
    let conf = "/Conferences".to_owned();
    let upd = format!("/Conferences/{CF}");
    let part = format!("/Conferences/{CF}/Participants/{CA}");
    let calls = "/Calls".to_owned();
    let call = format!("/Calls/{CA}");
    let long_alias = format!(
        r#"{{"alias":"{}","statusCallbackUrl":"https://a.test/s"}}"#,
        "x".repeat(65)
    );
    let long_alias: &'static str = Box::leak(long_alias.into_boxed_str());
    let cases: Vec<BadBody> = vec![
        (
            "POST",
            conf.clone(),
            "{",
            400,
            9,
            "",
            "not valid JSON (EOF while parsing an object at line 1 column 1)",
        ),
        (
            "POST",
            conf.clone(),
            "[1]",
            400,
            9,
            "",
            "the request body must be a JSON object, not [1]",
        ),
        (
            "POST",
            conf.clone(),
            r#"{"statusCallbackUrl":"https://a.test/s","playbeep":"never"}"#,
            400,
            9,
            "/playbeep",
            "did you mean `playBeep`?",
        ),
        (
            "POST",
            conf.clone(),
            r#"{"statusCallbackUrl":"https://a.test/s","playBeep":"Always"}"#,
            400,
            9,
            "/playBeep",
            "must be one of \"always\", \"never\", \"entryOnly\", \"exitOnly\", not \"Always\"; did you mean \"always\"?",
        ),
        (
            "POST",
            conf.clone(),
            r#"{"statusCallbackUrl":"https://a.test/s","record":"true"}"#,
            400,
            9,
            "/record",
            "must be true or false, not \"true\"; send a JSON boolean, without quotes",
        ),
        (
            "POST",
            conf.clone(),
            r#"{"statusCallbackUrl":42}"#,
            400,
            9,
            "/statusCallbackUrl",
            "must be a string, not 42",
        ),
        (
            "POST",
            conf.clone(),
            r#"{"statusCallbackUrl":"app.test/s"}"#,
            400,
            9,
            "/statusCallbackUrl",
            "an absolute http:// or https:// URL",
        ),
        (
            "POST",
            conf.clone(),
            long_alias,
            400,
            9,
            "/alias",
            "this one has 65 characters",
        ),
        (
            "POST",
            upd.clone(),
            r#"{"status":"inProgress"}"#,
            400,
            9,
            "/status",
            "must be one of \"empty\", \"terminated\", not \"inProgress\"",
        ),
        (
            "POST",
            part.clone(),
            r#"{"talk":"yes"}"#,
            400,
            9,
            "/talk",
            "must be true or false, not \"yes\"",
        ),
        (
            "POST",
            part.clone(),
            r#"{"mute":true}"#,
            400,
            9,
            "/mute",
            "the fields are talk, listen, dtmfPassThrough",
        ),
        (
            "POST",
            calls.clone(),
            r#"{"to":"+15550122222","callConnectUrl":"https://a.test/c"}"#,
            400,
            80,
            "/from",
            "`/from` is required",
        ),
        (
            "POST",
            calls.clone(),
            r#"{"from":"+15550100000","to":"5550122222","callConnectUrl":"https://a.test/c"}"#,
            400,
            9,
            "/to",
            "an E.164 phone number",
        ),
        (
            "POST",
            calls.clone(),
            r#"{"from":"+15550100000","to":"+15550122222"}"#,
            400,
            80,
            "/callConnectUrl",
            "one of applicationId, callConnectUrl or parentCallId",
        ),
        (
            "POST",
            calls.clone(),
            r#"{"from":"+15550100000","to":"+15550122222","parentCallId":"CA1","ifMachine":"redirect"}"#,
            400,
            80,
            "/ifMachineUrl",
            "ifMachine is \"redirect\"",
        ),
        (
            "POST",
            calls.clone(),
            r#"{"from":"+15550100000","to":"+15550122222","parentCallId":"CA1","ifMachine":"hangup","ifMachineUrl":"https://a.test/m"}"#,
            400,
            9,
            "/ifMachineUrl",
            "absent unless ifMachine is \"redirect\"",
        ),
        (
            "POST",
            calls.clone(),
            r#"{"from":"+15550100000","to":"+15550122222","parentCallId":"CA1","timeout":0}"#,
            400,
            9,
            "/timeout",
            "a whole number of seconds above 0, not 0",
        ),
        (
            "POST",
            calls.clone(),
            r#"{"from":"+15550100000","to":"+15550122222","parentCallId":"CA1","sendDigits":"12{x}"}"#,
            400,
            9,
            "/sendDigits",
            "digits 0-9, * and #",
        ),
        (
            "POST",
            call.clone(),
            "",
            400,
            80,
            "/status",
            "\"canceled\" (hang up a queued or ringing call)",
        ),
        (
            "POST",
            call.clone(),
            r#"{"status":"hangup"}"#,
            400,
            9,
            "/status",
            "one of \"canceled\", \"completed\"",
        ),
    ];
    for (method, rel, body, status, code, pointer, phrase) in cases {
        let e = err(method, &rel, body);
        assert_eq!((e.status, e.code), (status, code), "{rel} {body}: {e}");
        assert_eq!(e.details["pointer"], json!(pointer), "{rel} {body}: {e}");
        assert!(
            e.message.contains(phrase),
            "{rel} {body}:\n  {}\nlacks\n  {phrase}",
            e.message
        );
    }
}

#[test]
fn full_bodies_read_every_field() {
    let r = req(
        "POST",
        "/Conferences",
        r#"{"alias":"standup","playBeep":"exitOnly","record":true,"waitUrl":"https://a.test/wait","statusCallbackUrl":"https://a.test/s"}"#,
    )
    .unwrap();
    let ApiRequest::CreateConference(c) = r else {
        panic!("{r:?}")
    };
    let s = c.settings();
    assert_eq!(s.alias.as_deref(), Some("standup"));
    assert_eq!((s.play_beep, s.record), (PlayBeep::ExitOnly, true));
    assert_eq!(s.wait_url.as_deref(), Some("https://a.test/wait"));
    assert_eq!(s.status_callback_url.as_deref(), Some("https://a.test/s"));

    let r = req(
        "POST",
        "/Calls",
        r#"{"from":"+15550100000","to":"+15550122222","applicationId":"AP1","sendDigits":"12{4}#*","ifMachine":"redirect","ifMachineUrl":"https://a.test/m","timeout":45,"parentCallId":"CA9","privacyMode":true,"callConnectUrl":null}"#,
    )
    .unwrap();
    let ApiRequest::MakeCall(m) = r else {
        panic!("{r:?}")
    };
    assert_eq!(m.application_id.as_deref(), Some("AP1"));
    assert_eq!(m.send_digits.as_deref(), Some("12{4}#*"));
    assert_eq!(m.if_machine, Some(IfMachine::Redirect));
    assert_eq!((m.timeout_sec, m.privacy_mode), (45, true));
    assert_eq!(m.call_connect_url, None, "null counts as absent");
    assert_eq!(m.parent_call_id.as_deref(), Some("CA9"));

    let r = req(
        "POST",
        &format!("/Conferences/{CF}"),
        r#"{"alias":"x","playBeep":"never","status":"empty"}"#,
    )
    .unwrap();
    let ApiRequest::UpdateConference { update, .. } = r else {
        panic!("{r:?}")
    };
    assert_eq!(
        update.status.map(|s| s.status()),
        Some(ConferenceStatus::Empty)
    );
    assert_eq!(update.play_beep, Some(PlayBeep::Never));
    assert_eq!(update.alias.as_deref(), Some("x"));
}

#[test]
fn list_filters_are_read_and_bad_ones_refused() {
    let r = req(
        "GET",
        "/Conferences?status=inProgress&alias=stand+up&dateCreated=2026-06-03",
        "",
    )
    .unwrap();
    let ApiRequest::ListConferences { filter, page } = r else {
        panic!("{r:?}")
    };
    assert_eq!(filter.status, Some(ConferenceStatus::InProgress));
    assert_eq!(filter.alias.as_deref(), Some("stand up"));
    assert_eq!(
        filter.date_created.map(|d| (d.year, d.month, d.day)),
        Some((2026, 6, 3))
    );
    assert_eq!(page.page, 0);
    assert_eq!(
        page.params,
        vec![
            ("status".to_owned(), "inProgress".to_owned()),
            ("alias".to_owned(), "stand up".to_owned()),
            ("dateCreated".to_owned(), "2026-06-03".to_owned())
        ]
    );
    // The cursor alone brings the filters back (freeclimb-cli sends only `?cursor=`).
    let cursor = PageRequest::cursor(2, &page.params);
    let r = req("GET", &format!("/Conferences?cursor={cursor}"), "").unwrap();
    let ApiRequest::ListConferences {
        filter: again,
        page: next,
    } = r
    else {
        panic!("{r:?}")
    };
    assert_eq!((again, next.page, next.params), (filter, 2, page.params));
    // A cursor with filters beside it, or from another list, is refused and says why.
    let e = err("GET", &format!("/Conferences?alias=x&cursor={cursor}"), "");
    assert_eq!((e.status, e.code), (400, 9));
    assert!(
        e.message.contains("came with the filter alias"),
        "{}",
        e.message
    );
    let e = err("GET", &format!("/Calls?cursor={cursor}"), "");
    assert!(
        e.message.contains("belongs to another list"),
        "{}",
        e.message
    );

    let r = req("GET", "/Calls?active=true&status=noAnswer&applicationId=AP1&applicationId=AP2&startTime=2026-06-03%2014:05:00", "").unwrap();
    let ApiRequest::ListCalls { filter, .. } = r else {
        panic!("{r:?}")
    };
    assert!(filter.active);
    assert_eq!(filter.status, Some(CallStatus::NoAnswer));
    assert_eq!(filter.application_ids, ["AP1", "AP2"]);
    assert_eq!(
        filter.start_time_ms,
        date::parse_timestamp("2026-06-03 14:05:00")
    );

    let r = req(
        "GET",
        &format!("/Conferences/{CF}/Participants?talk=false&dtmfPassThrough=true"),
        "",
    )
    .unwrap();
    let ApiRequest::ListParticipants { filter, .. } = r else {
        panic!("{r:?}")
    };
    assert_eq!(
        (filter.talk, filter.listen, filter.dtmf_pass_through),
        (Some(false), None, Some(true))
    );

    let cases = [
        (
            "/Conferences?status=creating",
            "status",
            "one of empty, populated, inProgress, terminated",
        ),
        (
            "/Conferences?dateCreated=2026-6-3",
            "dateCreated",
            "a date YYYY-MM-DD",
        ),
        (
            "/Conferences?staus=empty",
            "staus",
            "did you mean `status`?",
        ),
        (
            "/Conferences?cursor=next",
            "cursor",
            "does not hold a conflab cursor",
        ),
        ("/Calls?active=1", "active", "true or false"),
        (
            "/Calls?endTime=2026-06-03",
            "endTime",
            "YYYY-MM-DD hh:mm:ss",
        ),
        ("/Calls?riskScoreMin=high", "riskScoreMin", "a whole number"),
        (
            "/Recordings?startTime=x",
            "startTime",
            "YYYY-MM-DD hh:mm:ss",
        ),
        (
            "/Calls/CA1/Recordings?conferenceId=CF1",
            "conferenceId",
            "the parameters are dateCreated, startTime, endTime, cursor",
        ),
        ("/Calls/CA1?x=1", "x", "it takes none"),
        ("/Calls?to=%zz", "to=%zz", "percent-encoded"),
    ];
    for (rel, param, phrase) in cases {
        let e = err("GET", rel, "");
        assert_eq!((e.status, e.code), (400, 9), "{rel}");
        assert_eq!(e.details["parameter"], json!(param), "{rel}");
        assert!(e.message.contains(phrase), "{rel}: {}", e.message);
    }
}

#[test]
fn conference_errors_map_to_api_errors() {
    use crate::conference::ConferenceError as E;
    use crate::conference::table::Trigger;
    let cases: Vec<(E, u16, u32)> = vec![
        (E::UnknownConference(CF.into()), 404, 66),
        (E::Terminated(CF.into()), 409, 108),
        (
            E::AlreadyInConference {
                call_id: CA.into(),
                conference_id: CF.into(),
            },
            409,
            56,
        ),
        (
            E::NotAParticipant {
                call_id: CA.into(),
                conference_id: Some(CF.into()),
            },
            404,
            66,
        ),
        (
            E::NotAParticipant {
                call_id: CA.into(),
                conference_id: None,
            },
            404,
            66,
        ),
        (E::DuplicateId(CF.into()), 409, 61),
        (
            E::NotAllowed {
                conference_id: CF.into(),
                status: ConferenceStatus::Empty,
                trigger: Trigger::Leave,
            },
            409,
            108,
        ),
    ];
    for (e, status, code) in cases {
        let a = ApiError::from(e.clone());
        assert_eq!((a.status, a.code), (status, code), "{e:?}");
        assert!(
            a.message.contains(CA) || a.message.contains(CF),
            "{}",
            a.message
        );
    }
    let t = ApiError::trial_unverified("+15550199999");
    assert_eq!(
        (t.status, t.code, t.message.as_str()),
        (400, 29, "Trial accounts can only call verified numbers")
    );
    assert_eq!(t.details["to"], "+15550199999");
    assert!(
        ApiError::unknown_conference("standup")
            .message
            .contains("these ids start with CF")
    );
    assert!(
        !ApiError::unknown_conference(CF)
            .message
            .contains("start with")
    );
    assert_eq!(ApiError::unknown_recording(RE).code, 68);
    assert_eq!(ApiError::call_ended(CA, CallStatus::Completed).status, 404);
}
