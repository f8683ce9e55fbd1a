//! The engine's glue to the conference state machine ([`crate::conference`]): it runs the operation there and
//! turns the [`Outcome`] into events, status webhooks (`createConference` at creation, then `conferenceStatus`),
//! the `waitUrl` GET, recordings and media changes. No conference status logic lives here.

use super::media::{BEEP_HZ, BEEP_MS, MediaChange, Member};
use super::{Activity, ConfMeta, Engine, Event, Leg, Output, Timer};
use crate::conference::{
    ConferenceError, ConferenceSettings, ConferenceStatus, Outcome, Participant, ParticipantFlags,
    ParticipantUpdate,
};
use crate::ids::IdKind;
use crate::percl::model::{AddToConference, CreateConference};
use crate::webhook::{Payload, Recording};
use crate::wire::CallEndedReason as R;

/// How a participant leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// The call ended (hangup): leaveConferenceUrl is only told.
    HungUp,
    /// Unbridged (RemoveFromConference, REST DELETE, status=empty): leaveConferenceUrl continues the call, or
    /// it is disconnected without one.
    Unbridged,
}

impl Engine {
    /// Creates a conference; reports its creation (`createConference`, status `empty`) to its statusCallbackUrl.
    /// Returns its id.
    pub(crate) fn create_conference(
        &mut self,
        settings: ConferenceSettings,
        action_url: Option<String>,
        by: &str,
        cause: Option<usize>,
    ) -> String {
        let id = self.ids.next(IdKind::Conference);
        let (settings_alias, settings_beep) = (settings.alias.clone(), settings.play_beep);
        let index = self.conferences.len();
        let outcome = match self.conferences.create(id.clone(), settings, by) {
            Ok(o) => o,
            Err(e) => {
                // Ids are drawn fresh from the generator, so this cannot happen; report it rather than panic.
                self.note(None, format!("internal: {e}"));
                return id;
            }
        };
        let (alias, play_beep) = (settings_alias, settings_beep);
        self.conf_meta.insert(
            id.clone(),
            ConfMeta {
                index,
                alias,
                play_beep,
                action_url,
                created_at: self.now,
                updated_at: self.now,
                revision: 1,
                recording: None,
                wait_music_on: false,
                wait_url_failed: false,
            },
        );
        self.apply_outcome(&id, outcome, cause);
        if let Some(url) = self
            .conference(&id)
            .and_then(|c| c.settings().wait_url.clone())
        {
            self.fetch_wait_url(&id, url);
        }
        id
    }

    /// FreeClimb GETs the `waitUrl` once, when the conference is created ("always fetched using HTTP GET and
    /// is fetched just once – when the Conference is created. The URL must be an audio file that is reachable
    /// and readable by FreeClimb": `CreateConference` in the SDKs' docs; the REST page adds that it "must
    /// remain accessible to FreeClimb until the conference is Terminated"). It is a request for audio, not a
    /// webhook: unsigned, no body, no PerCL back.
    fn fetch_wait_url(&mut self, conference_id: &str, url: String) {
        self.next_webhook += 1;
        let id = self.next_webhook;
        self.pending.insert(
            id,
            super::Pending {
                purpose: super::Purpose::WaitUrl {
                    conference_id: conference_id.to_owned(),
                },
                url: url.clone(),
            },
        );
        self.set_deadline(id);
        self.outputs.push_back(Output::Fetch(super::FetchRequest {
            id,
            url,
            purpose: "waitUrl",
            conference_id: conference_id.to_owned(),
        }));
    }

    /// The GET of a conference's `waitUrl` failed (`why`: an HTTP status, a failure, no answer in time): its
    /// hold music is FreeClimb's default from now on. What FreeClimb does then is not documented beyond "must
    /// be reachable" (sandbox choice); freeclimb-cli's hint for error 69 is "Ensure the file URL is returning
    /// a non-empty response body".
    pub(crate) fn wait_url_failed(&mut self, conference_id: &str, url: &str, why: &str) {
        if let Some(meta) = self.conf_meta.get_mut(conference_id) {
            meta.wait_url_failed = true;
        }
        self.note_conference(
            conference_id,
            format!(
                "sandbox: the waitUrl {url} {why}, so FreeClimb cannot play it: the conference's hold music is the default one (the waitUrl must be an audio file FreeClimb can fetch until the conference is terminated; freeclimb-cli's hint for error 69: ensure the file URL is returning a non-empty response body)"
            ),
        );
    }

    /// Reports every transition of `outcome` (event + conferenceStatus webhook) and updates recording and wait
    /// music to match the new status. `cause` is the call whose action caused the change: its call keys go into
    /// the `conferenceStatus` webhooks (null keys for REST-driven changes).
    pub(crate) fn apply_outcome(
        &mut self,
        conference_id: &str,
        outcome: Outcome,
        cause: Option<usize>,
    ) {
        // An operation that changes no status still says why (e.g. "left; others remain").
        if let Some(why) = outcome.unchanged {
            self.note_conference(conference_id, why);
        }
        for t in outcome.transitions {
            self.outputs.push_back(Output::Event(Event::Conference {
                conference_id: conference_id.to_owned(),
                status: t.to,
                why: t.why,
                sandbox_choice: t.sandbox_choice,
            }));
            // Creation (no status before) is revision 1 itself; every later change counts (reference §1.5).
            if let Some(meta) = self
                .conf_meta
                .get_mut(conference_id)
                .filter(|_| t.from.is_some())
            {
                meta.revision += 1;
                meta.updated_at = self.now;
            }
            let ended = self.status_changed(conference_id, t.to);
            // Borrowed, not cloned: building the body needs only shared access to the engine.
            let url = self
                .conference(conference_id)
                .and_then(|c| c.settings().status_callback_url.as_deref());
            // Creation goes to the statusCallbackUrl as `createConference` with `status: empty` (spec
            // `CreateConferenceWebhook`: sent "to statusCallbackUrl or actionUrl", `status` "present only if
            // statusCallbackUrl is being invoked"); every later change is `conferenceStatus`. Sandbox choice:
            // the REST reference (docs.freeclimb.com/reference/create-a-conference) lists `empty` among the
            // status callbacks yet says "there is no status callback posted for creating".
            if let (Some(url), None) = (url, t.from) {
                let w = Self::build(
                    url,
                    &Payload::ConferenceCreated {
                        account_id: &self.config.account.account_id,
                        conference_id,
                        call: cause.map(|ix| self.ctx(ix)),
                    },
                );
                self.tell(w);
            } else if let Some(url) = url {
                let recording = ended.map(|rec| {
                    let r = &self.recordings[rec];
                    (r.id.clone(), self.recording_url(&r.id), r.duration_sec())
                });
                let w = Self::build(
                    url,
                    &Payload::ConferenceStatus {
                        account_id: &self.config.account.account_id,
                        conference_id,
                        call: cause.map(|ix| self.ctx(ix)),
                        status: t.to,
                        recording: recording.as_ref().map(|(id, url, sec)| Recording {
                            recording_id: id,
                            recording_url: url,
                            duration_sec: *sec,
                        }),
                    },
                );
                self.tell(w);
            }
        }
    }

    /// Wait music plays while `populated`; the recording runs while `inProgress` with `record=true`.
    /// Returns the recording this change stopped, if any.
    fn status_changed(&mut self, conference_id: &str, status: ConferenceStatus) -> Option<usize> {
        let conf = self.conference(conference_id)?;
        let record = conf.settings().record;
        let music = status == ConferenceStatus::Populated;
        if music != self.conf_meta.get(conference_id)?.wait_music_on {
            // The wait URL is copied only when the music changes, not at every status change; after a failed
            // fetch the default music plays (no URL).
            let wait_url = conf.settings().wait_url.clone().filter(|_| {
                !self
                    .conf_meta
                    .get(conference_id)
                    .is_some_and(|m| m.wait_url_failed)
            });
            if let Some(meta) = self.conf_meta.get_mut(conference_id) {
                meta.wait_music_on = music;
            }
            self.media(MediaChange::WaitMusic {
                conference_id: conference_id.to_owned(),
                wait_url,
                on: music,
            });
        }
        let running = self.conf_meta.get(conference_id)?.recording;
        let recording = record && status == ConferenceStatus::InProgress;
        match (recording, running) {
            (true, None) => {
                let rec = self.new_recording(None, Some(conference_id.to_owned()));
                if let Some(meta) = self.conf_meta.get_mut(conference_id) {
                    meta.recording = Some(rec);
                }
                let recording_id = self.recordings[rec].id.clone();
                self.media(MediaChange::Recording {
                    recording_id,
                    conference_id: Some(conference_id.to_owned()),
                    call_id: None,
                    on: true,
                });
            }
            (false, Some(rec)) => {
                if let Some(meta) = self.conf_meta.get_mut(conference_id) {
                    meta.recording = None;
                }
                self.recordings[rec].stopped_at = Some(self.now);
                let recording_id = self.recordings[rec].id.clone();
                self.media(MediaChange::Recording {
                    recording_id,
                    conference_id: Some(conference_id.to_owned()),
                    call_id: None,
                    on: false,
                });
                self.set_timer_in(
                    super::RECORDING_PROCESSING_MS,
                    Timer::RecordingReady { recording: rec },
                );
                return Some(rec);
            }
            _ => {}
        }
        None
    }

    /// A conference recording has been processed: `conferenceRecordingStatus` to the statusCallbackUrl.
    pub(crate) fn recording_ready(&mut self, rec: usize) {
        let Some(conference_id) = self.recordings[rec].conference_id.clone() else {
            return;
        };
        let Some(conf) = self.conference(&conference_id) else {
            return;
        };
        let status = conf.status();
        let Some(url) = conf.settings().status_callback_url.clone() else {
            return;
        };
        let r = &self.recordings[rec];
        let recording_url = self.recording_url(&r.id);
        let w = Self::build(
            &url,
            &Payload::ConferenceRecordingStatus {
                account_id: &self.config.account.account_id,
                conference_id: &conference_id,
                status,
                recording: Recording {
                    recording_id: &r.id,
                    recording_url: &recording_url,
                    duration_sec: r.duration_sec(),
                },
            },
        );
        self.tell(w);
    }

    /// A call joined the mix: its `join` line (one line, not the room: the log stays linear in events), and the
    /// beep when `beep` says so.
    fn bridge_join(&mut self, conference_id: &str, call_id: &str, beep: bool) {
        let Some(member) = self.conference(conference_id).and_then(|c| {
            c.participants()
                .iter()
                .rev()
                .find(|p| p.call_id == call_id)
                .map(Member::from)
        }) else {
            return;
        };
        self.media(MediaChange::Join {
            conference_id: conference_id.to_owned(),
            call_id: member.call_id,
            talk: member.talk,
            listen: member.listen,
        });
        self.beep(conference_id, beep);
    }

    /// Calls left the mix: one `leave` line each, in order, then the beep when `beep` says so.
    fn bridge_leave(&mut self, conference_id: &str, call_ids: &[String], beep: bool) {
        for call_id in call_ids {
            self.media(MediaChange::Leave {
                conference_id: conference_id.to_owned(),
                call_id: call_id.clone(),
            });
        }
        self.beep(conference_id, beep);
    }

    /// A member's privileges after an update: its `privileges` line.
    fn bridge_privileges(&mut self, conference_id: &str, call_id: &str) {
        let Some(member) = self.conference(conference_id).and_then(|c| {
            c.participants()
                .iter()
                .find(|p| p.call_id == call_id)
                .map(Member::from)
        }) else {
            return;
        };
        self.media(MediaChange::Privileges {
            conference_id: conference_id.to_owned(),
            call_id: member.call_id,
            talk: member.talk,
            listen: member.listen,
        });
    }

    /// The beep, when `beep` says so and a member listens (its hearers are the listening members, which the
    /// log's readers know from the membership lines).
    fn beep(&mut self, conference_id: &str, beep: bool) {
        let heard = beep
            && self
                .conference(conference_id)
                .is_some_and(|c| c.participants().iter().any(|p| p.flags.listen));
        if heard {
            self.media(MediaChange::Beep {
                conference_id: conference_id.to_owned(),
                hz: BEEP_HZ,
                duration_ms: BEEP_MS,
            });
        }
    }

    /// PerCL CreateConference: statusCallbackUrl (`createConference` with status `empty`) first, then actionUrl
    /// (`createConference` without status, expecting PerCL).
    pub(crate) fn percl_create_conference(&mut self, ix: usize, c: CreateConference) {
        let settings = ConferenceSettings {
            alias: c.alias.clone(),
            play_beep: c.play_beep(),
            record: c.record(),
            wait_url: c.wait_url.clone(),
            status_callback_url: c.status_callback_url.clone(),
        };
        let by = self.calls[ix].call.phone.clone();
        let id = self.create_conference(settings, Some(c.action_url.clone()), &by, Some(ix));
        let w = Self::build(
            &c.action_url,
            &Payload::CreateConference {
                call: self.ctx(ix),
                conference_id: &id,
            },
        );
        self.ask(w, ix);
    }

    /// PerCL AddToConference.
    pub(crate) fn percl_add_to_conference(&mut self, ix: usize, a: AddToConference) {
        let call = &self.calls[ix].call;
        let participant = Participant {
            call_id: call.id.clone(),
            label: call.phone.clone(),
            flags: ParticipantFlags {
                talk: a.talk(),
                listen: a.listen(),
                start_conf_on_enter: a.start_conf_on_enter(),
                dtmf_pass_through: a.dtmf_pass_through(),
            },
        };
        match self.conferences.join(&a.conference_id, participant) {
            Ok(outcome) => {
                // REST `startConfOnEnter` is "True if this Participant joining the Conference caused the
                // Conference to start (status = inProgress)" (spec `ConferenceParticipantResult`), not the
                // AddToConference attribute: a starter joining a conference already in progress reads false.
                let started_conference = outcome
                    .transitions
                    .iter()
                    .any(|t| t.to == ConferenceStatus::InProgress);
                self.bump(ix);
                self.calls[ix].activity = Activity::InConference;
                self.calls[ix].conference = Some(a.conference_id.clone());
                let call_control = match (
                    a.allow_call_control(),
                    &a.call_control_sequence,
                    &a.call_control_url,
                ) {
                    (true, Some(seq), Some(url)) => Some((seq.clone(), url.clone())),
                    _ => None,
                };
                self.calls[ix].leg = Some(Leg {
                    leave_conference_url: a.leave_conference_url.clone(),
                    call_control,
                    dtmf_buffer: String::new(),
                    joined_at: self.now,
                    updated_at: self.now,
                    revision: 1,
                    started_conference,
                });
                let play_beep = self.play_beep(&a.conference_id);
                self.apply_outcome(&a.conference_id, outcome, Some(ix));
                let call_id = self.calls[ix].call.id.clone();
                self.bridge_join(&a.conference_id, &call_id, play_beep.on_entry());
                if let Some(url) = a.notification_url {
                    let status = self
                        .conferences
                        .get(&a.conference_id)
                        .map_or(ConferenceStatus::Empty, |c| c.status());
                    let w = Self::build(
                        &url,
                        &Payload::AddToConferenceNotification {
                            call: self.ctx(ix),
                            conference_id: &a.conference_id,
                            status,
                        },
                    );
                    self.tell(w);
                }
            }
            Err(e) => {
                self.note(Some(ix), format!("AddToConference failed: {e}"));
                self.end_call(ix, R::PerclProcessingError);
            }
        }
    }

    fn play_beep(&self, conference_id: &str) -> crate::conference::PlayBeep {
        self.conf_meta
            .get(conference_id)
            .map(|m| m.play_beep)
            .unwrap_or_default()
    }

    /// Takes a call that is ending out of its conference; returns the conference id.
    pub(crate) fn leave_on_hangup(&mut self, ix: usize) -> Option<String> {
        // Taken, not cloned: leaving clears it anyway.
        let conference_id = self.calls[ix].conference.take()?;
        self.leave(ix, &conference_id, Exit::HungUp, Some(ix));
        Some(conference_id)
    }

    /// Takes call `ix` out of conference `conference_id`.
    /// `cause`: the call whose action it was (the leaver itself; `None` for REST).
    pub(crate) fn leave(
        &mut self,
        ix: usize,
        conference_id: &str,
        exit: Exit,
        cause: Option<usize>,
    ) {
        // `conference_id` is always the call's own conference (`calls[ix].conference`, kept in step with the
        // registry), so leaving by call id is the same operation with half the lookups of `remove_participant`.
        let outcome = match self.conferences.leave(&self.calls[ix].call.id) {
            Ok(o) => {
                self.calls[ix].conference = None;
                o
            }
            Err(e) => {
                self.note(Some(ix), format!("internal: {e}"));
                return;
            }
        };
        let play_beep = self.play_beep(conference_id);
        // A call that hung up gets its Stop when it ends; an unbridged one stops hearing the conference now.
        if exit == Exit::Unbridged {
            let call_id = self.calls[ix].call.id.clone();
            self.media(MediaChange::Stop { call_id });
        }
        self.apply_outcome(conference_id, outcome, cause);
        let call_id = self.calls[ix].call.id.clone();
        self.bridge_leave(conference_id, &[call_id], play_beep.on_exit());
        self.after_leave(ix, conference_id, exit);
    }

    /// leaveConferenceUrl after a leg left: told only after a hangup; continues the call after an unbridge;
    /// without one, an unbridged call is disconnected.
    fn after_leave(&mut self, ix: usize, conference_id: &str, exit: Exit) {
        let leave_url = self.calls[ix]
            .leg
            .take()
            .and_then(|l| l.leave_conference_url);
        match (exit, leave_url) {
            (exit, Some(url)) => {
                let mut call = self.ctx(ix);
                call.conference_id = Some(conference_id);
                let w = Self::build(
                    &url,
                    &Payload::LeaveConference {
                        call,
                        conference_id,
                    },
                );
                // After a hangup the leg is only told; its PerCL is never run (reference §6.7).
                match exit {
                    Exit::HungUp => self.tell(w),
                    Exit::Unbridged => self.ask(w, ix),
                }
            }
            (Exit::HungUp, None) => {}
            (Exit::Unbridged, None) => {
                self.note(Some(ix), "removed from the conference without a leaveConferenceUrl, so the call is disconnected".to_owned());
                self.end_call_by_conference(ix, R::RemovedFromConference, conference_id);
            }
        }
    }

    /// Ends call `ix`, which conference `conference_id` has just let go (terminated, or removed it without a
    /// leaveConferenceUrl): its `callStatus` names that conference. One rule for every call that ends in or
    /// because of a conference (a hangup in it, a terminate, a removal that disconnects): `conferenceId` is that
    /// conference, as a hangup always had it (reference §4.3: the ✱ `conferenceId` is "null unless it concerns
    /// a conference"; spec `CallStatusWebhook.conferenceId`). A call that left a conference earlier and ends
    /// later for another reason reports null.
    pub(crate) fn end_call_by_conference(&mut self, ix: usize, reason: R, conference_id: &str) {
        if self.calls[ix].call.is_over() {
            return;
        }
        self.finish(ix, reason);
        self.call_status_hook(ix, Some(conference_id));
    }

    /// PerCL RemoveFromConference (the executing call itself).
    pub(crate) fn percl_remove_from_conference(&mut self, ix: usize) -> super::exec::Flow {
        let Some(conf) = self.calls[ix].conference.clone() else {
            self.note(
                Some(ix),
                "RemoveFromConference: the call is not in a conference; skipped".to_owned(),
            );
            return super::exec::Flow::Next;
        };
        self.bump(ix);
        self.calls[ix].activity = Activity::Idle;
        self.leave(ix, &conf, Exit::Unbridged, Some(ix));
        super::exec::Flow::Stop
    }

    /// PerCL TerminateConference: the conference of the executing call.
    pub(crate) fn percl_terminate(&mut self, ix: usize) -> super::exec::Flow {
        let Some(conf) = self.calls[ix].conference.clone() else {
            self.note(
                Some(ix),
                "TerminateConference: the call is not in a conference; skipped".to_owned(),
            );
            return super::exec::Flow::Next;
        };
        let by = self.calls[ix].call.phone.clone();
        if let Err(e) = self.terminate(&conf, &by, Some(ix)) {
            self.note(Some(ix), format!("TerminateConference failed: {e}"));
        }
        super::exec::Flow::Stop
    }

    /// Terminates a conference: every participant is hung up (each call's callStatus), then `empty` and
    /// `terminated` are reported; a recording stops.
    pub(crate) fn terminate(
        &mut self,
        conference_id: &str,
        by: &str,
        cause: Option<usize>,
    ) -> Result<(), ConferenceError> {
        let outcome = self.conferences.terminate(conference_id, by)?;
        let removed = std::mem::take(&mut self.outcome_removed(&outcome));
        for call_id in &removed {
            if let Some(&ix) = self.call_index.get(call_id) {
                self.calls[ix].leg = None;
                self.calls[ix].conference = None;
                self.end_call_by_conference(ix, R::ConferenceTerminated, conference_id);
            }
        }
        self.apply_outcome(conference_id, outcome, cause);
        self.bridge_leave(conference_id, &removed, false);
        Ok(())
    }

    fn outcome_removed(&self, outcome: &Outcome) -> Vec<String> {
        outcome.removed.iter().map(|p| p.call_id.clone()).collect()
    }

    /// REST `status=empty`: every participant is unbridged (to its leaveConferenceUrl, or disconnected).
    pub(crate) fn empty_conference(
        &mut self,
        conference_id: &str,
        by: &str,
    ) -> Result<(), ConferenceError> {
        let outcome = self.conferences.empty_all(conference_id, by)?;
        let removed = self.outcome_removed(&outcome);
        self.apply_outcome(conference_id, outcome, None);
        self.bridge_leave(conference_id, &removed, false);
        for call_id in removed {
            if let Some(&ix) = self.call_index.get(&call_id) {
                self.bump(ix);
                self.calls[ix].activity = Activity::Idle;
                self.calls[ix].conference = None;
                self.media(MediaChange::Stop { call_id });
                self.after_leave(ix, conference_id, Exit::Unbridged);
            }
        }
        Ok(())
    }

    /// REST DELETE of a participant: unbridged.
    pub(crate) fn remove_participant(
        &mut self,
        conference_id: &str,
        call_id: &str,
    ) -> Result<(), ConferenceError> {
        let ix = self.call_index.get(call_id).copied();
        match ix {
            Some(ix)
                if self.conferences.conference_of(call_id).map(|c| c.id())
                    == Some(conference_id) =>
            {
                self.bump(ix);
                self.calls[ix].activity = Activity::Idle;
                self.leave(ix, conference_id, Exit::Unbridged, None);
                Ok(())
            }
            _ => {
                // Let the state machine say why (unknown conference, terminated, not a participant).
                self.conferences
                    .remove_participant(conference_id, call_id)
                    .map(|_| ())
            }
        }
    }

    /// SetTalk / SetListen / SetDTMFPassThrough on the executing call.
    pub(crate) fn percl_set(
        &mut self,
        ix: usize,
        name: &str,
        talk: Option<bool>,
        listen: Option<bool>,
        dtmf_pass_through: Option<bool>,
    ) -> super::exec::Flow {
        let call_id = self.calls[ix].call.id.clone();
        let Some(conf) = self.calls[ix].conference.clone() else {
            self.note(
                Some(ix),
                format!("{name}: the call is not in a conference; skipped"),
            );
            return super::exec::Flow::Next;
        };
        let update = ParticipantUpdate {
            talk,
            listen,
            dtmf_pass_through,
        };
        self.update_participant(&conf, &call_id, update).ok();
        super::exec::Flow::Next
    }

    /// Changes a participant's privileges (REST or PerCL) and reports the new mix.
    pub(crate) fn update_participant(
        &mut self,
        conference_id: &str,
        call_id: &str,
        update: ParticipantUpdate,
    ) -> Result<(), ConferenceError> {
        let outcome = self
            .conferences
            .update_participant(conference_id, call_id, update)?;
        let ix = self.call_index.get(call_id).copied();
        // Every update counts, REST or PerCL (SetTalk, SetListen, SetDTMFPassThrough): `revision` "is
        // incremented every time it is updated" (spec `MutableResourceModel`), and `dateUpdated` moves with it.
        if let Some(leg) = ix.and_then(|ix| self.calls[ix].leg.as_mut()) {
            leg.revision += 1;
            leg.updated_at = self.now;
        }
        if let Some(text) = outcome.unchanged {
            self.note(ix, text);
        }
        self.bridge_privileges(conference_id, call_id);
        Ok(())
    }

    /// A digit pressed by a participant: call control, then DTMF pass-through.
    pub(crate) fn conference_digit(&mut self, ix: usize, key: char) {
        let call_id = self.calls[ix].call.id.clone();
        let Some(conf) = self.calls[ix]
            .conference
            .as_deref()
            .and_then(|id| self.conference(id))
        else {
            return;
        };
        let conference_id = conf.id().to_owned();
        let me = conf.participant(&call_id).map(|p| p.flags);
        let others: Vec<String> = conf
            .participants()
            .iter()
            .filter(|p| p.call_id != call_id && p.flags.listen)
            .map(|p| p.call_id.clone())
            .collect();
        let passed = me.is_some_and(|f| f.dtmf_pass_through) && !others.is_empty();
        if passed {
            self.media(MediaChange::Dtmf {
                from: call_id.clone(),
                to: others,
                digits: key.to_string(),
            });
        }
        let control = self.calls[ix]
            .leg
            .as_ref()
            .and_then(|l| l.call_control.clone());
        let Some((sequence, url)) = control else {
            // Nothing may vanish without a word: say why the key did nothing.
            if !passed {
                let why = if me.is_some_and(|f| !f.dtmf_pass_through) {
                    "its dtmfPassThrough is false"
                } else {
                    "no other participant is listening"
                };
                self.note(
                    Some(ix),
                    format!(
                        "{key} pressed in conference {conference_id} has no effect: {why}, and the leg has no callControlSequence"
                    ),
                );
            }
            return;
        };
        let Some(leg) = self.calls[ix].leg.as_mut() else {
            return;
        };
        leg.dtmf_buffer.push(key);
        if leg.dtmf_buffer.ends_with(&sequence) {
            leg.dtmf_buffer.clear();
            let w = Self::build(
                &url,
                &Payload::CallControl {
                    call: self.ctx(ix),
                    conference_id: &conference_id,
                    digits: &sequence,
                },
            );
            self.ask(w, ix);
        }
    }
}
