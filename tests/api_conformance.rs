//! Conformance of the REST API (`conflab::api`) with the official FreeClimb Python SDK (`freeclimb==5.4.1`).
//!
//! `sdk_client_round_trips_every_endpoint` serves `conflab::api` on a loopback port (a minimal HTTP/1.1 server
//! in this test, over a small fixed account: 150 conferences, participants, calls in every direction,
//! recordings) and drives the SDK's own `DefaultApi` against it with `tests/sdk/api_conformance.py`: every
//! endpoint, every result shape, pagination through `get_next_page`, and the errors. The SDK must get the
//! status it maps (otherwise it returns `None`), parse every body into its result model, and read back every
//! field conflab sent. This side asserts that every request the SDK sent was routed, read and authenticated by
//! `api::parse` and `api::auth::check`, and replays the exchanges through the script's log mode.
//!
//! `golden_scenario_logs_conform` runs the log mode over every `tests/golden/scenarios/*.jsonl` (the engine's
//! `conflab run` output) and prints how many files and API lines it checked.
//!
//! Needs `python3 -m venv` and PyPI on the first run (tests/support/sdk.rs); fails, never skips, without them.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/sdk.rs"]
mod sdk;

use conflab::api::resource::{
    AccountResult, ApplicationList, ApplicationResult, CallList, CallResult, ConferenceList,
    ConferenceParticipantList, ConferenceParticipantResult, ConferenceResult, IncomingNumberList,
    IncomingNumberResult, LogList, RecordingList, RecordingResult,
};
use conflab::api::view::{
    AccountStatus, AccountView, AnsweredBy, ApplicationView, CallView, ConferenceView,
    IncomingNumberView, LogLevel, LogView, ParticipantView, RecordingView, Stamp,
};
use conflab::api::{ApiError, ApiRequest, ApiResponse, HttpRequest, auth, parse};
use conflab::conference::{ConferenceError, ConferenceStatus, PlayBeep};
use conflab::ids::{IdGenerator, IdKind};
use conflab::wire::{AccountType, CallStatus, Direction};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const API_KEY: &str = "sdk-conformance-key";
/// 2026-06-03 14:00:00 UTC: the fixture's virtual epoch.
const T0: u64 = 1_780_495_200_000;
const OWN_NUMBER: &str = "+15550100000";
const VERIFIED: &str = "+15550122222";

/// What the fake engine knows: fixed views, changed by the requests it serves.
struct Fixture {
    account: AccountView,
    conferences: Vec<ConferenceView>,
    participants: Vec<ParticipantView>,
    calls: Vec<CallView>,
    recordings: Vec<RecordingView>,
    applications: Vec<ApplicationView>,
    numbers: Vec<IncomingNumberView>,
    ids: IdGenerator,
    now: u64,
}

impl Fixture {
    fn new() -> Self {
        let mut ids = IdGenerator::new(4);
        let account_id = ids.next(IdKind::Account);
        let mut conferences = Vec::new();
        for i in 0..150u64 {
            let status = match i {
                0 => ConferenceStatus::InProgress,
                1 => ConferenceStatus::Terminated,
                2 => ConferenceStatus::Populated,
                _ => ConferenceStatus::Empty,
            };
            conferences.push(ConferenceView {
                conference_id: ids.next(IdKind::Conference),
                alias: (i != 3).then(|| {
                    if i == 0 {
                        "standup".into()
                    } else {
                        format!("room-{i}")
                    }
                }),
                play_beep: PlayBeep::ALL[i as usize % 4],
                record: i == 0,
                status,
                wait_url: (i % 2 == 0).then(|| "https://app.test/wait".into()),
                // Conference 2 was made by PerCL CreateConference: it has an actionUrl.
                action_url: (i == 2).then(|| "https://app.test/created".into()),
                status_callback_url: Some("https://app.test/status".into()),
                stamp: Stamp::created(T0 + i * 1000).touched(T0 + i * 1000 + 500),
            });
        }
        let cf = conferences[0].conference_id.clone();
        let inbound = ids.next(IdKind::Call);
        let api_call = ids.next(IdKind::Call);
        let child = ids.next(IdKind::Call);
        let queued = ids.next(IdKind::Call);
        let calls = vec![
            CallView {
                call_id: inbound.clone(),
                parent_call_id: None,
                from: "+15550111111".into(),
                to: OWN_NUMBER.into(),
                phone_number_id: Some(OWN_NUMBER.into()),
                status: CallStatus::InProgress,
                direction: Direction::Inbound,
                start_ms: Some(T0 + 10),
                connect_ms: Some(T0 + 20),
                end_ms: None,
                answered_by: None,
                caller_name: Some("ALICE".into()),
                application_id: Some(ids.next(IdKind::Application)),
                audio_stream_duration_sec: None,
                stamp: Stamp::created(T0).touched(T0 + 20),
            },
            CallView {
                call_id: api_call.clone(),
                parent_call_id: None,
                from: OWN_NUMBER.into(),
                to: VERIFIED.into(),
                phone_number_id: Some(OWN_NUMBER.into()),
                status: CallStatus::Completed,
                direction: Direction::OutboundApi,
                start_ms: Some(T0 + 1_000),
                connect_ms: Some(T0 + 2_500),
                end_ms: Some(T0 + 62_750),
                answered_by: Some(AnsweredBy::Human),
                caller_name: None,
                application_id: None,
                audio_stream_duration_sec: Some(12),
                stamp: Stamp::created(T0 + 1_000).touched(T0 + 62_750),
            },
            CallView {
                call_id: child.clone(),
                parent_call_id: Some(inbound.clone()),
                from: OWN_NUMBER.into(),
                to: "+15550133333".into(),
                phone_number_id: Some(OWN_NUMBER.into()),
                status: CallStatus::NoAnswer,
                direction: Direction::OutboundDial,
                start_ms: Some(T0 + 3_000),
                connect_ms: None,
                end_ms: Some(T0 + 33_000),
                answered_by: None,
                caller_name: None,
                application_id: None,
                audio_stream_duration_sec: None,
                stamp: Stamp::created(T0 + 3_000).touched(T0 + 33_000),
            },
            CallView {
                call_id: queued,
                parent_call_id: None,
                from: OWN_NUMBER.into(),
                to: VERIFIED.into(),
                phone_number_id: Some(OWN_NUMBER.into()),
                status: CallStatus::Queued,
                direction: Direction::OutboundApi,
                start_ms: None,
                connect_ms: None,
                end_ms: None,
                answered_by: None,
                caller_name: None,
                application_id: None,
                audio_stream_duration_sec: None,
                stamp: Stamp::created(T0 + 4_000),
            },
        ];
        let participants = vec![
            ParticipantView {
                conference_id: cf.clone(),
                call_id: inbound.clone(),
                talk: true,
                listen: true,
                dtmf_pass_through: true,
                start_conf_on_enter: true,
                stamp: Stamp::created(T0 + 30),
            },
            ParticipantView {
                conference_id: cf.clone(),
                call_id: api_call.clone(),
                talk: false,
                listen: true,
                dtmf_pass_through: false,
                start_conf_on_enter: false,
                stamp: Stamp::created(T0 + 3_000).touched(T0 + 9_000),
            },
        ];
        let recordings = vec![
            RecordingView {
                recording_id: ids.next(IdKind::Recording),
                call_id: None,
                conference_id: Some(cf),
                duration_sec: 42,
                stamp: Stamp::created(T0 + 30),
            },
            RecordingView {
                recording_id: ids.next(IdKind::Recording),
                call_id: Some(api_call),
                conference_id: None,
                duration_sec: 7,
                stamp: Stamp::created(T0 + 5_000),
            },
        ];
        let application = ids.next(IdKind::Application);
        let applications = vec![
            ApplicationView {
                application_id: application.clone(),
                application: conflab::scenario::Application {
                    alias: Some("main line".into()),
                    voice_url: Some("https://app.test/inbound".into()),
                    voice_fallback_url: Some("https://app.test/fallback".into()),
                    call_connect_url: Some("https://app.test/connect".into()),
                    status_callback_url: Some("https://app.test/calls".into()),
                    sms_url: Some("https://app.test/sms".into()),
                    sms_fallback_url: Some("https://app.test/sms-fallback".into()),
                },
                stamp: Stamp::created(T0 - 3_600_000),
            },
            ApplicationView {
                application_id: ids.next(IdKind::Application),
                application: conflab::scenario::Application::default(),
                stamp: Stamp::created(T0 - 1_800_000).touched(T0),
            },
        ];
        let numbers = vec![IncomingNumberView {
            phone_number_id: ids.next(IdKind::PhoneNumber),
            phone_number: OWN_NUMBER.into(),
            application_id: application,
            alias: Some("(555) 010-0000".into()),
            stamp: Stamp::created(T0 - 3_600_000),
        }];
        Fixture {
            account: AccountView {
                account_id,
                api_key: API_KEY.into(),
                alias: Some("conformance".into()),
                label: None,
                account_type: AccountType::Trial,
                status: AccountStatus::Active,
                stamp: Stamp::created(T0 - 86_400_000),
            },
            conferences,
            participants,
            calls,
            recordings,
            applications,
            numbers,
            ids,
            now: T0 + 100_000,
        }
    }

    fn ac(&self) -> &str {
        &self.account.account_id
    }

    fn conference(&self, id: &str) -> Result<usize, ApiError> {
        self.conferences
            .iter()
            .position(|c| c.conference_id == id)
            .ok_or_else(|| ApiError::unknown_conference(id))
    }

    fn live_conference(&self, id: &str) -> Result<usize, ApiError> {
        let i = self.conference(id)?;
        match self.conferences[i].status {
            // Through the From impl the engine uses.
            ConferenceStatus::Terminated => Err(ConferenceError::Terminated(id.into()).into()),
            _ => Ok(i),
        }
    }

    fn participant(&self, conference_id: &str, call_id: &str) -> Result<usize, ApiError> {
        self.conference(conference_id)?;
        self.participants
            .iter()
            .position(|p| p.conference_id == conference_id && p.call_id == call_id)
            .ok_or_else(|| ApiError::not_a_participant(conference_id, call_id))
    }

    fn call(&self, id: &str) -> Result<usize, ApiError> {
        self.calls
            .iter()
            .position(|c| c.call_id == id)
            .ok_or_else(|| ApiError::unknown_call(id))
    }

    fn recording(&self, id: &str) -> Result<usize, ApiError> {
        self.recordings
            .iter()
            .position(|r| r.recording_id == id)
            .ok_or_else(|| ApiError::unknown_recording(id))
    }

    /// What the engine would answer: auth, routing, then the request against the views.
    fn answer(&mut self, request: &HttpRequest) -> (Result<ApiRequest, ApiError>, ApiResponse) {
        let routed = auth::check(&request.headers, self.ac(), API_KEY)
            .and_then(|()| parse(request, &self.account.account_id));
        let response = match &routed {
            Ok(r) => self.execute(r).unwrap_or_else(ApiResponse::from),
            Err(e) => ApiResponse::from(e.clone()),
        };
        (routed, response)
    }

    fn execute(&mut self, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
        self.now += 10;
        let now = self.now;
        let ac = self.account.account_id.clone();
        let ok = |result: &dyn erased::Result| Ok(result.respond(request));
        match request {
            ApiRequest::GetAccount => ok(&AccountResult::new(&self.account)),
            ApiRequest::CreateConference(c) => {
                let s = c.settings();
                let view = ConferenceView {
                    conference_id: self.ids.next(IdKind::Conference),
                    alias: s.alias,
                    play_beep: s.play_beep,
                    record: s.record,
                    status: ConferenceStatus::Empty,
                    wait_url: s.wait_url,
                    action_url: None,
                    status_callback_url: s.status_callback_url,
                    stamp: Stamp::created(now),
                };
                self.conferences.push(view.clone());
                ok(&ConferenceResult::new(&ac, &view))
            }
            ApiRequest::ListConferences { filter, page } => {
                ok(&ConferenceList::build(&ac, &self.conferences, filter, page))
            }
            ApiRequest::GetConference { conference_id } => {
                let i = self.conference(conference_id)?;
                ok(&ConferenceResult::new(&ac, &self.conferences[i]))
            }
            ApiRequest::UpdateConference {
                conference_id,
                update,
            } => {
                let i = self.live_conference(conference_id)?;
                let c = &mut self.conferences[i];
                if let Some(a) = &update.alias {
                    c.alias = Some(a.clone());
                }
                if let Some(b) = update.play_beep {
                    c.play_beep = b;
                }
                if let Some(s) = update.status {
                    c.status = s.status();
                }
                c.stamp = c.stamp.touched(now);
                Ok(ApiResponse::empty(request.success_status()))
            }
            ApiRequest::ListParticipants {
                conference_id,
                filter,
                page,
            } => {
                self.conference(conference_id)?;
                let mine: Vec<ParticipantView> = self
                    .participants
                    .iter()
                    .filter(|p| p.conference_id == *conference_id)
                    .cloned()
                    .collect();
                ok(&ConferenceParticipantList::build(
                    &ac,
                    conference_id,
                    &mine,
                    filter,
                    page,
                ))
            }
            ApiRequest::GetParticipant {
                conference_id,
                call_id,
            } => {
                let i = self.participant(conference_id, call_id)?;
                ok(&ConferenceParticipantResult::new(
                    &ac,
                    &self.participants[i],
                ))
            }
            ApiRequest::UpdateParticipant {
                conference_id,
                call_id,
                update,
            } => {
                self.live_conference(conference_id)?;
                let i = self.participant(conference_id, call_id)?;
                let p = &mut self.participants[i];
                p.talk = update.talk.unwrap_or(p.talk);
                p.listen = update.listen.unwrap_or(p.listen);
                p.dtmf_pass_through = update.dtmf_pass_through.unwrap_or(p.dtmf_pass_through);
                p.stamp = p.stamp.touched(now);
                ok(&ConferenceParticipantResult::new(&ac, p))
            }
            ApiRequest::RemoveParticipant {
                conference_id,
                call_id,
            } => {
                let i = self.participant(conference_id, call_id)?;
                self.participants.remove(i);
                Ok(ApiResponse::empty(request.success_status()))
            }
            ApiRequest::ListConferenceRecordings {
                conference_id,
                filter,
                page,
            } => {
                self.conference(conference_id)?;
                let mine: Vec<RecordingView> = self
                    .recordings
                    .iter()
                    .filter(|r| r.conference_id.as_deref() == Some(conference_id))
                    .cloned()
                    .collect();
                let path = format!("/Accounts/{ac}/Conferences/{conference_id}/Recordings");
                ok(&RecordingList::build(&ac, &path, &mine, filter, page))
            }
            ApiRequest::MakeCall(m) => {
                if m.to != VERIFIED {
                    return Err(ApiError::trial_unverified(&m.to));
                }
                let view = CallView {
                    call_id: self.ids.next(IdKind::Call),
                    parent_call_id: m.parent_call_id.clone(),
                    from: m.from.clone(),
                    to: m.to.clone(),
                    phone_number_id: Some(m.from.clone()),
                    status: CallStatus::Queued,
                    direction: Direction::OutboundApi,
                    start_ms: None,
                    connect_ms: None,
                    end_ms: None,
                    answered_by: None,
                    caller_name: None,
                    application_id: m.application_id.clone(),
                    audio_stream_duration_sec: None,
                    stamp: Stamp::created(now),
                };
                self.calls.push(view.clone());
                ok(&CallResult::new(&ac, &view))
            }
            ApiRequest::ListCalls { filter, page } => {
                ok(&CallList::build(&ac, &self.calls, filter, page))
            }
            ApiRequest::GetCall { call_id } => {
                let i = self.call(call_id)?;
                ok(&CallResult::new(&ac, &self.calls[i]))
            }
            ApiRequest::UpdateCall { call_id, .. } => {
                let i = self.call(call_id)?;
                let c = &self.calls[i];
                if c.status.is_final() {
                    return Err(ApiError::call_ended(call_id, c.status));
                }
                Ok(ApiResponse::empty(request.success_status()))
            }
            ApiRequest::ListCallRecordings {
                call_id,
                filter,
                page,
            } => {
                self.call(call_id)?;
                let mine: Vec<RecordingView> = self
                    .recordings
                    .iter()
                    .filter(|r| r.call_id.as_deref() == Some(call_id))
                    .cloned()
                    .collect();
                let path = format!("/Accounts/{ac}/Calls/{call_id}/Recordings");
                ok(&RecordingList::build(&ac, &path, &mine, filter, page))
            }
            ApiRequest::ListRecordings { filter, page } => {
                let path = format!("/Accounts/{ac}/Recordings");
                ok(&RecordingList::build(
                    &ac,
                    &path,
                    &self.recordings,
                    filter,
                    page,
                ))
            }
            ApiRequest::GetRecording { recording_id } => {
                let i = self.recording(recording_id)?;
                ok(&RecordingResult::new(&ac, &self.recordings[i]))
            }
            ApiRequest::DeleteRecording { recording_id } => {
                let i = self.recording(recording_id)?;
                self.recordings.remove(i);
                Ok(ApiResponse::empty(request.success_status()))
            }
            ApiRequest::RecordingFile { recording_id, .. } => {
                self.recording(recording_id)?;
                Ok(ApiResponse::empty(200))
            }
            ApiRequest::ListCallLogs { call_id, page } => {
                let c = &self.calls[self.call(call_id)?];
                let mut logs = vec![LogView {
                    at_ms: c.stamp.date_created_ms,
                    level: LogLevel::Info,
                    call_id: c.call_id.clone(),
                    message: "Call created".into(),
                    metadata: json!({"direction": c.direction.as_str()}),
                }];
                if let Some(end) = c.end_ms {
                    logs.push(LogView {
                        at_ms: end,
                        level: LogLevel::Warning,
                        call_id: c.call_id.clone(),
                        message: "Call ended".into(),
                        metadata: json!({"callStatus": c.status.as_str()}),
                    });
                }
                ok(&LogList::build(&ac, call_id, &logs, page))
            }
            ApiRequest::ListApplications { filter, page } => ok(&ApplicationList::build(
                &ac,
                &self.applications,
                filter,
                page,
            )),
            ApiRequest::GetApplication { application_id } => {
                let a = self
                    .applications
                    .iter()
                    .find(|a| &a.application_id == application_id)
                    .ok_or_else(|| ApiError::unknown_application(application_id))?;
                ok(&ApplicationResult::new(&ac, a))
            }
            ApiRequest::ListIncomingNumbers { filter, page } => {
                ok(&IncomingNumberList::build(&ac, &self.numbers, filter, page))
            }
            ApiRequest::GetIncomingNumber { phone_number_id } => {
                let n = self
                    .numbers
                    .iter()
                    .find(|n| &n.phone_number_id == phone_number_id)
                    .ok_or_else(|| ApiError::unknown_phone_number(phone_number_id))?;
                ok(&IncomingNumberResult::new(&ac, n))
            }
        }
    }
}

/// Lets `execute` answer any result type through one closure.
mod erased {
    use conflab::api::{ApiRequest, ApiResponse};

    pub trait Result {
        fn respond(&self, request: &ApiRequest) -> ApiResponse;
    }

    impl<T: serde::Serialize> Result for T {
        fn respond(&self, request: &ApiRequest) -> ApiResponse {
            ApiResponse::success(request, self)
        }
    }
}

/// One request the SDK sent, what it was routed to, and the answer.
struct Exchange {
    method: String,
    target: String,
    routed: Result<ApiRequest, ApiError>,
    response: ApiResponse,
}

/// Reads one HTTP/1.1 request (headers, then Content-Length bytes).
fn read_request(stream: &mut TcpStream) -> Option<(HttpRequest, String)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut request = HttpRequest::new(&method, &target, Vec::new());
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        }
        request = request.with_header(name.trim(), value.trim());
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    request.body = body;
    Some((request, target))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        _ => "Other",
    }
}

/// Serves the fixture on a loopback port until the returned flag is dropped with the process; one request per
/// connection.
fn serve(fixture: Arc<Mutex<Fixture>>, log: Arc<Mutex<Vec<Exchange>>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("local address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let Some((request, target)) = read_request(&mut stream) else {
                continue;
            };
            let (routed, response) = fixture.lock().unwrap().answer(&request);
            let body = response
                .body
                .as_ref()
                .map(|b| serde_json::to_vec(b).unwrap())
                .unwrap_or_default();
            let head = format!(
                "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                response.status,
                reason(response.status),
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            log.lock().unwrap().push(Exchange {
                method: request.method.clone(),
                target,
                routed,
                response,
            });
        }
    });
    port
}

fn summary(out: std::process::Output, what: &str) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{stderr}\n{stdout}",
        out.status
    );
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("{what}: no JSON summary ({e}):\n{stdout}\n{stderr}"))
}

#[test]
fn sdk_client_round_trips_every_endpoint() {
    sdk::python(&[]);
    let fixture = Fixture::new();
    let ac = fixture.ac().to_owned();
    let ids = json!({
        "conference": fixture.conferences[0].conference_id,
        "terminatedConference": fixture.conferences[1].conference_id,
        "participantCall": fixture.calls[0].call_id,
        "completedCall": fixture.calls[1].call_id,
        "conferenceRecording": fixture.recordings[0].recording_id,
        "ownNumber": OWN_NUMBER,
        "verifiedNumber": VERIFIED,
        "application": fixture.applications[0].application_id,
        "phoneNumber": fixture.numbers[0].phone_number_id,
    });
    let log = Arc::new(Mutex::new(Vec::new()));
    let port = serve(Arc::new(Mutex::new(fixture)), log.clone());
    let script = sdk::root().join("tests/sdk/api_conformance.py");
    let host = format!("http://127.0.0.1:{port}");
    let out = sdk::run_python(
        &script,
        &["sdk", &host, &ac, API_KEY, &ids.to_string()],
        None,
    );
    let report = summary(out, "the SDK run");
    println!("SDK run: {report}");

    let log = log.lock().unwrap();
    // Every request the SDK sent was routed and read, except the ones meant to fail.
    let mut refused = Vec::new();
    for x in log.iter() {
        match &x.routed {
            Ok(_) => {}
            Err(e) => refused.push((x.method.as_str(), e.status, e.code)),
        }
    }
    assert_eq!(
        refused,
        [("GET", 401, 50)],
        "only the wrong API key is refused by routing or auth"
    );
    let statuses: Vec<u16> = log.iter().map(|x| x.response.status).collect();
    for expected in [200, 202, 204, 400, 401, 404, 409] {
        assert!(
            statuses.contains(&expected),
            "no {expected} among {statuses:?}"
        );
    }
    let kinds: std::collections::BTreeSet<String> = log
        .iter()
        .filter_map(|x| x.routed.as_ref().ok())
        .map(|r| {
            format!("{r:?}")
                .split([' ', '(', '{'])
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds.len(),
        23,
        "every endpoint but the recording file is exercised: {kinds:?}"
    );
    assert_eq!(
        report["pages"], 2,
        "150 conferences + 2 created are two pages of 100"
    );
    assert!(report["fields"].as_u64().unwrap() > 1000, "{report}");
    // Each page after the first is fetched twice: by the SDK, and raw by the script to compare.
    assert_eq!(
        report["responses"].as_u64().unwrap() as usize + 1,
        log.len()
    );
    // No field of the SDK's result models is left unset everywhere, except the ones the sandbox never fills.
    let unset = &report["unsetFields"];
    assert_eq!(unset["ConferenceResult"], json!([]), "{unset}");
    assert_eq!(unset["ConferenceParticipantResult"], json!([]), "{unset}");
    assert_eq!(unset["RecordingResult"], json!([]), "{unset}");
    assert_eq!(unset["AccountResult"], json!(["label"]), "{unset}");
    assert_eq!(unset["CallResult"], json!([]), "{unset}");
    assert_eq!(unset["ApplicationResult"], json!([]), "{unset}");
    // The sandbox's numbers have no campaign, region, country or toll-free details.
    assert_eq!(
        unset["IncomingNumberResult"],
        json!(["campaignId", "country", "region", "tfn"]),
        "{unset}"
    );

    // The same exchanges, as the engine's event log lines, through the log mode.
    let dir = sdk::root().join("target/api-conformance");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sdk-exchanges.jsonl");
    let mut lines = String::new();
    for (i, x) in log.iter().enumerate() {
        let line = json!({"at": i, "kind": "api", "method": x.method, "path": x.target,
                          "status": x.response.status, "response": x.response.body});
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    std::fs::write(&file, lines).unwrap();
    let out = sdk::run_python(&script, &["logs", file.to_str().unwrap()], None);
    let replay = summary(out, "the log mode over the SDK exchanges");
    assert_eq!(replay["apiLines"].as_u64().unwrap() as usize, log.len());
    println!("log mode over the SDK exchanges: {replay}");
}

#[test]
fn log_mode_catches_wrong_shapes() {
    sdk::python(&[]);
    let dir = sdk::root().join("target/api-conformance");
    std::fs::create_dir_all(&dir).unwrap();
    let ac = "AC0123456789abcdef0123456789abcdef01234567";
    let bad = [
        // 200 where the SDK maps 202: make_a_call would return None.
        json!({"at":0,"kind":"api","method":"POST","path":format!("/Accounts/{ac}/Calls"),"status":200,"response":{"callId":"CA1","status":"queued"}}),
        // A status the SDK's enum refuses.
        json!({"at":0,"kind":"api","method":"GET","path":format!("/Accounts/{ac}/Conferences/CF1"),"status":200,"response":{"conferenceId":"CF1","status":"creating"}}),
        // A misspelt field: silently dropped by the SDK.
        json!({"at":0,"kind":"api","method":"GET","path":format!("/Accounts/{ac}/Calls/CA1"),"status":200,"response":{"callId":"CA1","callStatus":"completed"}}),
        // An error without FreeClimb's keys.
        json!({"at":0,"kind":"api","method":"GET","path":format!("/Accounts/{ac}/Calls/CA1"),"status":404,"response":{"error":"no"}}),
        // A 204 with a body.
        json!({"at":0,"kind":"api","method":"DELETE","path":format!("/Accounts/{ac}/Recordings/RE1"),"status":204,"response":{"x":1}}),
    ];
    let file = dir.join("bad.jsonl");
    let text: String = bad.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, text).unwrap();
    let script = sdk::root().join("tests/sdk/api_conformance.py");
    let out = sdk::run_python(&script, &["logs", file.to_str().unwrap()], None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the log mode must fail on wrong shapes"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    for phrase in [
        "the SDK maps 202",
        "ConferenceResult.from_dict refused the body",
        "CallResult has no field `callStatus`",
        "the error body must have exactly",
        "must have no body",
    ] {
        assert!(stderr.contains(phrase), "missing {phrase:?} in:\n{stderr}");
    }
}

#[test]
fn golden_scenario_logs_conform() {
    sdk::python(&[]);
    let dir = sdk::root().join("tests/golden/scenarios");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .map(|p| p.to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let script = sdk::root().join("tests/sdk/api_conformance.py");
    let mut args = vec!["logs"];
    args.extend(files.iter().map(String::as_str));
    let report = summary(
        sdk::run_python(&script, &args, None),
        "the log mode over the golden scenarios",
    );
    assert_eq!(report["files"].as_u64().unwrap() as usize, files.len());
    println!(
        "golden scenario logs: {} files, {} API lines, {} fields checked",
        files.len(),
        report["apiLines"],
        report["fields"]
    );
}
