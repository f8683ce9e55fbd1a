//! The simulated REST API: [`crate::api::parse`] routes and reads the request; this module acts on the engine's
//! state and answers with [`crate::api::resource`]'s result types and FreeClimb's exact success codes
//! (create conference 200, make call 202, update conference 204, update participant 200, remove participant
//! 204). Whatever a request causes (status callbacks, hangups, dialling) comes out after its response.

use super::Engine;
use crate::api::resource::{
    AccountResult, ApplicationList, ApplicationResult, CallList, CallResult, ConferenceList,
    ConferenceParticipantList, ConferenceParticipantResult, ConferenceResult, IncomingNumberList,
    IncomingNumberResult, LogList, RecordingList, RecordingResult, account_uri, call_uri,
    conference_uri,
};
use crate::api::view::{
    AccountStatus, AccountView, ApplicationView, CallView, ConferenceView, IncomingNumberView,
    LogLevel, LogView, ParticipantView, RecordingView, Stamp,
};
use crate::api::{
    ApiError, ApiRequest, ApiResponse, HttpRequest, UpdateCallStatus, UpdateConferenceStatus,
};
use crate::conference::{ConferenceSettings, ConferenceStatus};
use crate::wire::{AccountType, CallEndedReason, CallStatus, Direction};

/// Who acts through REST, in the reasons of conference transitions.
const REST: &str = "REST";

impl Engine {
    /// Virtual unix milliseconds of virtual time `ms`.
    pub(crate) fn unix_ms(&self, ms: u64) -> u64 {
        self.config.epoch_unix_secs * 1000 + ms
    }

    fn stamp(&self, created: u64, updated: u64, revision: u64) -> Stamp {
        Stamp {
            date_created_ms: self.unix_ms(created),
            date_updated_ms: self.unix_ms(updated),
            revision: u32::try_from(revision).unwrap_or(u32::MAX),
        }
    }

    /// The REST view of conference `id`.
    pub fn conference_view(&self, id: &str) -> Option<ConferenceView> {
        let c = self.conference(id)?;
        let meta = self.conf_meta.get(id)?;
        Some(ConferenceView {
            conference_id: id.to_owned(),
            alias: meta.alias.clone(),
            play_beep: meta.play_beep,
            record: c.settings().record,
            status: c.status(),
            wait_url: c.settings().wait_url.clone(),
            action_url: meta.action_url.clone(),
            status_callback_url: c.settings().status_callback_url.clone(),
            stamp: self.stamp(meta.created_at, meta.updated_at, meta.revision),
        })
    }

    /// The `ConferenceParticipantResult` of one participant (GET and the update's 200 answer alike).
    fn participant_result(
        &self,
        account_id: &str,
        conference_id: &str,
        call_id: &str,
    ) -> Result<ConferenceParticipantResult, ApiError> {
        let view = self
            .participant_views(conference_id)
            .into_iter()
            .find(|p| p.call_id == call_id)
            .ok_or_else(|| ApiError::not_a_participant(conference_id, call_id))?;
        Ok(ConferenceParticipantResult::new(account_id, &view))
    }

    fn participant_views(&self, conference_id: &str) -> Vec<ParticipantView> {
        let Some(c) = self.conference(conference_id) else {
            return Vec::new();
        };
        c.participants()
            .iter()
            .map(|p| {
                let (joined, updated, revision, started) = self
                    .call_index
                    .get(&p.call_id)
                    .and_then(|&ix| self.calls[ix].leg.as_ref())
                    .map_or((0, 0, 1, false), |l| {
                        (l.joined_at, l.updated_at, l.revision, l.started_conference)
                    });
                ParticipantView {
                    conference_id: conference_id.to_owned(),
                    call_id: p.call_id.clone(),
                    talk: p.flags.talk,
                    listen: p.flags.listen,
                    dtmf_pass_through: p.flags.dtmf_pass_through,
                    // Whether this join started the conference (spec `ConferenceParticipantResult`).
                    start_conf_on_enter: started,
                    stamp: self.stamp(joined, updated, revision),
                }
            })
            .collect()
    }

    /// The REST view of call `ix`.
    fn call_view(&self, ix: usize) -> CallView {
        let c = &self.calls[ix].call;
        let updated = c.ended_at.or(c.connected_at).unwrap_or(c.created_at);
        CallView {
            call_id: c.id.clone(),
            parent_call_id: c.parent_call_id.clone(),
            from: c.from.clone(),
            to: c.to.clone(),
            phone_number_id: c.phone_number_id.clone(),
            status: c.status,
            direction: c.direction,
            start_ms: (c.status != CallStatus::Queued).then(|| self.unix_ms(c.created_at)),
            connect_ms: c.connected_at.map(|t| self.unix_ms(t)),
            end_ms: c.ended_at.map(|t| self.unix_ms(t)),
            answered_by: None,
            caller_name: None,
            application_id: c.application_id.clone(),
            audio_stream_duration_sec: None,
            stamp: self.stamp(c.created_at, updated, c.revision),
        }
    }

    fn recording_views(&self, keep: impl Fn(&super::Recording) -> bool) -> Vec<RecordingView> {
        self.recordings
            .iter()
            // A recording shows once it has stopped (conference recordings: once processed, approximated by
            // having stopped).
            .filter(|r| !r.deleted && r.stopped_at.is_some_and(|t| t <= self.now) && keep(r))
            .map(|r| RecordingView {
                recording_id: r.id.clone(),
                call_id: r.call_id.clone(),
                conference_id: r.conference_id.clone(),
                duration_sec: r.duration_sec(),
                stamp: self.stamp(r.started_at, r.stopped_at.unwrap_or(r.started_at), 1),
            })
            .collect()
    }

    /// The account's applications, oldest first: the scenario's (by id), then each number's own (by number).
    /// All exist from the start of the run, so they are created at virtual time 0.
    fn application_views(&self) -> Vec<ApplicationView> {
        let named = self
            .config
            .applications
            .iter()
            .map(|(id, app)| (id.clone(), app.clone()));
        let own = self
            .config
            .numbers
            .iter()
            .filter(|(_, n)| n.own_application)
            .map(|(number, n)| {
                let mut app = (*n.application).clone();
                // The own application is named after its number, so that a list of them reads.
                app.alias = Some(format!("{number}'s own application"));
                (n.application_id.clone(), app)
            });
        named
            .chain(own)
            .map(|(application_id, application)| ApplicationView {
                application_id,
                application,
                stamp: self.stamp(0, 0, 1),
            })
            .collect()
    }

    /// The account's numbers, oldest first (by number: all exist from the start, or from the `set` step that
    /// added them).
    fn incoming_number_views(&self) -> Vec<IncomingNumberView> {
        self.config
            .numbers
            .iter()
            .filter_map(|(number, n)| {
                Some(IncomingNumberView {
                    phone_number_id: self.number_ids.get(number)?.clone(),
                    phone_number: number.clone(),
                    application_id: n.application_id.clone(),
                    alias: n.alias.clone(),
                    stamp: self.stamp(0, 0, 1),
                })
            })
            .collect()
    }

    /// What the engine knows of call `ix` as FreeClimb's call logs (spec `LogResult`), oldest first: its
    /// creation, its answer, and its end with the reason. The sandbox keeps no log of each request FreeClimb
    /// made, so only these three entries exist (sandbox choice); the webhooks are in the event log.
    fn call_logs(&self, ix: usize) -> Vec<LogView> {
        let c = &self.calls[ix].call;
        let entry =
            |at: u64, level: LogLevel, message: String, metadata: serde_json::Value| LogView {
                at_ms: self.unix_ms(at),
                level,
                call_id: c.id.clone(),
                message,
                metadata,
            };
        let mut logs = vec![entry(
            c.created_at,
            LogLevel::Info,
            format!(
                "Call {} created ({}, from {} to {})",
                c.id,
                c.direction.as_str(),
                c.from,
                c.to
            ),
            serde_json::json!({"direction": c.direction.as_str(), "from": c.from, "to": c.to}),
        )];
        if let Some(at) = c.connected_at {
            logs.push(entry(
                at,
                LogLevel::Info,
                format!("Call {} answered", c.id),
                serde_json::json!({"callStatus": "inProgress"}),
            ));
        }
        if let (Some(at), Some(reason)) = (c.ended_at, c.ended_reason) {
            // An answered call that ended is routine; one that never connected is worth a warning.
            let level = if c.connected_at.is_some() {
                LogLevel::Info
            } else {
                LogLevel::Warning
            };
            logs.push(entry(
                at,
                level,
                format!("Call {} ended: {} ({})", c.id, c.status, reason.as_str()),
                serde_json::json!({"callStatus": c.status.as_str(), "callEndedReason": reason.as_str()}),
            ));
        }
        logs
    }

    /// Application `id`: one of the scenario's, or the own application of one of the account's numbers.
    fn application(&self, id: &str) -> Option<(String, crate::scenario::Application)> {
        if let Some(app) = self.config.applications.get(id) {
            return Some((id.to_owned(), app.clone()));
        }
        self.config
            .numbers
            .values()
            .find(|n| n.own_application && n.application_id == id)
            .map(|n| (id.to_owned(), (*n.application).clone()))
    }

    fn call_ix(&self, call_id: &str) -> Result<usize, ApiError> {
        self.call_index
            .get(call_id)
            .copied()
            .ok_or_else(|| ApiError::unknown_call(call_id))
    }

    /// Handles one REST request: auth, routing, execution. Returns the response.
    pub(crate) fn handle_api(&mut self, request: &HttpRequest) -> ApiResponse {
        let account = &self.config.account;
        if let Err(e) =
            crate::api::auth::check(&request.headers, &account.account_id, &account.api_key)
        {
            return e.into();
        }
        let parsed = match crate::api::parse(request, &account.account_id) {
            Ok(r) => r,
            Err(e) => return e.into(),
        };
        match self.execute_api(&parsed) {
            Ok(r) => r,
            Err(e) => e.into(),
        }
    }

    fn execute_api(&mut self, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let account_id = self.config.account.account_id.clone();
        let ok = |result: &dyn erased::Result| ApiResponse {
            status: request.success_status(),
            body: Some(result.value()),
        };
        match request {
            ApiRequest::GetAccount => {
                let a = &self.config.account;
                let view = AccountView {
                    account_id: a.account_id.clone(),
                    api_key: a.api_key.clone(),
                    alias: None,
                    label: None,
                    account_type: a.kind,
                    status: AccountStatus::Active,
                    stamp: self.stamp(0, 0, 1),
                };
                Ok(ok(&AccountResult::new(&view)))
            }
            ApiRequest::CreateConference(c) => {
                let id = self.create_conference_rest(c.settings());
                let view = self
                    .conference_view(&id)
                    .ok_or_else(|| ApiError::unknown_conference(&id))?;
                Ok(ok(&ConferenceResult::new(&account_id, &view)))
            }
            ApiRequest::ListConferences { filter, page } => {
                let all: Vec<ConferenceView> = self
                    .conferences
                    .iter()
                    .filter_map(|c| self.conference_view(c.id()))
                    .collect();
                Ok(ok(&ConferenceList::build(&account_id, &all, filter, page)))
            }
            ApiRequest::GetConference { conference_id } => {
                let view = self
                    .conference_view(conference_id)
                    .ok_or_else(|| ApiError::unknown_conference(conference_id))?;
                Ok(ok(&ConferenceResult::new(&account_id, &view)))
            }
            ApiRequest::UpdateConference {
                conference_id,
                update,
            } => {
                if self.conferences.get(conference_id)?.status() == ConferenceStatus::Terminated {
                    return Err(ApiError::conference_terminated(conference_id));
                }
                if update.alias.is_some() || update.play_beep.is_some() {
                    if let Some(meta) = self.conf_meta.get_mut(conference_id.as_str()) {
                        if let Some(a) = &update.alias {
                            meta.alias = Some(a.clone());
                        }
                        if let Some(b) = update.play_beep {
                            meta.play_beep = b;
                        }
                    }
                    self.touch_conference(conference_id);
                }
                match update.status {
                    Some(UpdateConferenceStatus::Terminated) => {
                        self.terminate(conference_id, REST, None)?
                    }
                    Some(UpdateConferenceStatus::Empty) => {
                        self.empty_conference(conference_id, REST)?
                    }
                    None => {}
                }
                Ok(ApiResponse::empty(204))
            }
            ApiRequest::ListParticipants {
                conference_id,
                filter,
                page,
            } => {
                self.conferences.get(conference_id)?;
                let all = self.participant_views(conference_id);
                Ok(ok(&ConferenceParticipantList::build(
                    &account_id,
                    conference_id,
                    &all,
                    filter,
                    page,
                )))
            }
            ApiRequest::GetParticipant {
                conference_id,
                call_id,
            } => {
                self.conferences.get(conference_id)?;
                Ok(ok(&self.participant_result(
                    &account_id,
                    conference_id,
                    call_id,
                )?))
            }
            ApiRequest::UpdateParticipant {
                conference_id,
                call_id,
                update,
            } => {
                self.update_participant(conference_id, call_id, *update)?;
                Ok(ok(&self.participant_result(
                    &account_id,
                    conference_id,
                    call_id,
                )?))
            }
            ApiRequest::RemoveParticipant {
                conference_id,
                call_id,
            } => {
                self.remove_participant(conference_id, call_id)?;
                Ok(ApiResponse::empty(204))
            }
            ApiRequest::ListConferenceRecordings {
                conference_id,
                filter,
                page,
            } => {
                self.conferences.get(conference_id)?;
                let all =
                    self.recording_views(|r| r.conference_id.as_deref() == Some(conference_id));
                let path = format!("{}/Recordings", conference_uri(&account_id, conference_id));
                Ok(ok(&RecordingList::build(
                    &account_id,
                    &path,
                    &all,
                    filter,
                    page,
                )))
            }
            ApiRequest::MakeCall(m) => {
                if self.config.account.kind == AccountType::Trial
                    && !self.config.account.verified_numbers.contains(&m.to)
                {
                    return Err(ApiError::trial_unverified(&m.to));
                }
                // `from` must be one of the account's numbers, or the To/From of a call FreeClimb made to the
                // app (spec `MakeCallRequest.from`); otherwise FreeClimb refuses the call (code 46).
                let owned = self.config.numbers.contains_key(&m.from)
                    || self
                        .calls
                        .iter()
                        .any(|c| c.call.from == m.from || c.call.to == m.from);
                if !owned {
                    return Err(ApiError::from_not_owned(&m.from));
                }
                let number = self
                    .config
                    .numbers
                    .get(&m.from)
                    .cloned()
                    .unwrap_or_default();
                // `applicationId`: the call uses the application's callConnectUrl (unless the request gives
                // one) and statusCallbackUrl (spec `MakeCallRequest.applicationId`); without it, the `from`
                // number's application (sandbox choice).
                let application = match &m.application_id {
                    Some(id) => Some(
                        self.application(id)
                            .ok_or_else(|| ApiError::unknown_application(id))?,
                    ),
                    None => None,
                };
                let (application_id, app_connect, status_callback_url) = match application {
                    Some((id, app)) => (Some(id), app.call_connect_url, app.status_callback_url),
                    None => (
                        (!number.application_id.is_empty()).then(|| number.application_id.clone()),
                        number.call_connect_url.clone(),
                        number.status_callback_url.clone(),
                    ),
                };
                let parent = match &m.parent_call_id {
                    Some(p) => Some(self.call_ix(p)?),
                    None => None,
                };
                // A child may be made only while its parent is in progress, or inbound and still ringing
                // (reference §1.4, MakeCallRequest.parentCallId).
                if let Some(p) = parent {
                    let c = &self.calls[p].call;
                    let live = c.status == CallStatus::InProgress
                        || (c.status == CallStatus::Ringing && c.direction == Direction::Inbound);
                    if !live {
                        return Err(ApiError::new(
                            409,
                            108,
                            format!(
                                "parent call {} is {}; a child call can be made only while its parent is in progress (or inbound and ringing)",
                                c.id, c.status
                            ),
                            serde_json::json!({"parentCallId": c.id, "status": c.status.as_str()}),
                        ));
                    }
                }
                let connect = m
                    .call_connect_url
                    .clone()
                    .or(app_connect)
                    .or_else(|| parent.and_then(|p| self.calls[p].call.call_connect_url.clone()))
                    .ok_or_else(|| {
                        ApiError::missing_field(
                            "/callConnectUrl",
                            "a callConnectUrl (neither the application nor the number in `from` has one in the scenario, so the call would have no PerCL)",
                        )
                    })?;
                let ix = self.new_call_quiet(
                    &m.from,
                    &m.to,
                    m.parent_call_id.clone(),
                    status_callback_url,
                    connect,
                    m.timeout_sec,
                );
                self.calls[ix].call.application_id = application_id;
                if m.send_digits.is_some() || m.if_machine.is_some() {
                    self.note(
                        Some(ix),
                        "sandbox: sendDigits and ifMachine of POST /Calls are not simulated (the phone answers as a person)"
                            .to_owned(),
                    );
                }
                let view = self.call_view(ix);
                let response = ok(&CallResult::new(&account_id, &view));
                self.after_response.push(ix);
                Ok(response)
            }
            ApiRequest::ListCalls { filter, page } => {
                let all: Vec<CallView> =
                    (0..self.calls.len()).map(|ix| self.call_view(ix)).collect();
                Ok(ok(&CallList::build(&account_id, &all, filter, page)))
            }
            ApiRequest::GetCall { call_id } => {
                let ix = self.call_ix(call_id)?;
                Ok(ok(&CallResult::new(&account_id, &self.call_view(ix))))
            }
            ApiRequest::UpdateCall { call_id, status } => {
                let ix = self.call_ix(call_id)?;
                let current = self.calls[ix].call.status;
                if current.is_final() {
                    return Err(ApiError::call_ended(call_id, current));
                }
                match (status, current) {
                    (UpdateCallStatus::Canceled, CallStatus::Queued | CallStatus::Ringing) => {
                        self.end_call(ix, CallEndedReason::CallCanceled)
                    }
                    (UpdateCallStatus::Completed, CallStatus::InProgress) => {
                        self.end_call(ix, CallEndedReason::AppHangup)
                    }
                    _ => self.note(
                        Some(ix),
                        format!(
                            "REST status={} leaves a call that is {current} alone",
                            match status {
                                UpdateCallStatus::Canceled => "canceled",
                                UpdateCallStatus::Completed => "completed",
                            }
                        ),
                    ),
                }
                Ok(ApiResponse::empty(202))
            }
            ApiRequest::ListCallLogs { call_id, page } => {
                let ix = self.call_ix(call_id)?;
                Ok(ok(&LogList::build(
                    &account_id,
                    call_id,
                    &self.call_logs(ix),
                    page,
                )))
            }
            ApiRequest::ListApplications { filter, page } => Ok(ok(&ApplicationList::build(
                &account_id,
                &self.application_views(),
                filter,
                page,
            ))),
            ApiRequest::GetApplication { application_id } => {
                let view = self
                    .application_views()
                    .into_iter()
                    .find(|a| &a.application_id == application_id)
                    .ok_or_else(|| ApiError::unknown_application(application_id))?;
                Ok(ok(&ApplicationResult::new(&account_id, &view)))
            }
            ApiRequest::ListIncomingNumbers { filter, page } => Ok(ok(&IncomingNumberList::build(
                &account_id,
                &self.incoming_number_views(),
                filter,
                page,
            ))),
            ApiRequest::GetIncomingNumber { phone_number_id } => {
                let view = self
                    .incoming_number_views()
                    .into_iter()
                    .find(|n| &n.phone_number_id == phone_number_id)
                    .ok_or_else(|| ApiError::unknown_phone_number(phone_number_id))?;
                Ok(ok(&IncomingNumberResult::new(&account_id, &view)))
            }
            ApiRequest::ListCallRecordings {
                call_id,
                filter,
                page,
            } => {
                self.call_ix(call_id)?;
                let all = self.recording_views(|r| r.call_id.as_deref() == Some(call_id));
                let path = format!("{}/Recordings", call_uri(&account_id, call_id));
                Ok(ok(&RecordingList::build(
                    &account_id,
                    &path,
                    &all,
                    filter,
                    page,
                )))
            }
            ApiRequest::ListRecordings { filter, page } => {
                let all = self.recording_views(|_| true);
                let path = format!("{}/Recordings", account_uri(&account_id));
                Ok(ok(&RecordingList::build(
                    &account_id,
                    &path,
                    &all,
                    filter,
                    page,
                )))
            }
            ApiRequest::GetRecording { recording_id } => {
                let view = self
                    .recording_views(|r| &r.id == recording_id)
                    .pop()
                    .ok_or_else(|| ApiError::unknown_recording(recording_id))?;
                Ok(ok(&RecordingResult::new(&account_id, &view)))
            }
            ApiRequest::DeleteRecording { recording_id } => {
                let r = self
                    .recordings
                    .iter_mut()
                    .find(|r| &r.id == recording_id && !r.deleted)
                    .ok_or_else(|| ApiError::unknown_recording(recording_id))?;
                r.deleted = true;
                Ok(ApiResponse::empty(204))
            }
            ApiRequest::RecordingFile { recording_id, .. } => {
                let view = self
                    .recording_views(|r| &r.id == recording_id)
                    .pop()
                    .ok_or_else(|| ApiError::unknown_recording(recording_id))?;
                self.note(
                    None,
                    format!(
                        "sandbox: the audio/wav of {recording_id} ({} s) is not generated by the engine; the response has no body here",
                        view.duration_sec
                    ),
                );
                Ok(ApiResponse::empty(200))
            }
        }
    }

    /// REST POST /Conferences: the response first, then `empty` to the statusCallbackUrl (reference §6.1) —
    /// the caller moves the response in front of everything this emits.
    fn create_conference_rest(&mut self, settings: ConferenceSettings) -> String {
        self.create_conference(settings, None, REST, None)
    }

    fn touch_conference(&mut self, id: &str) {
        if let Some(meta) = self.conf_meta.get_mut(id) {
            meta.revision += 1;
            meta.updated_at = self.now;
        }
    }

    /// A REST call: created `queued` with no event yet (the response must come first).
    fn new_call_quiet(
        &mut self,
        from: &str,
        to: &str,
        parent: Option<String>,
        status_callback_url: Option<String>,
        call_connect_url: String,
        timeout_sec: u32,
    ) -> usize {
        self.new_call(
            from,
            to,
            Direction::OutboundApi,
            CallStatus::Queued,
            parent,
            status_callback_url,
            Some(call_connect_url),
            timeout_sec,
        )
    }
}

/// Result types as one trait object, so that `ok(&…)` takes any of them.
mod erased {
    /// A serialisable result.
    pub trait Result {
        /// As JSON.
        fn value(&self) -> serde_json::Value;
    }

    impl<T: serde::Serialize> Result for T {
        fn value(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}
