//! Calls on the virtual clock: dialling in and out, answering, ending, digits, and PerCL execution.

use super::call::{self, Call};
use super::media::{self, MediaChange, Sound};
use super::{Activity, CallState, DigitState, Engine, Event, Output, Timer};
use crate::ids::IdKind;
use crate::percl::model::{Command, GetSpeech, TranscribeUtterance};
use crate::webhook::reasons::{
    GetDigitsReason, GetSpeechReason, QueueResultStatus, RecordTermReason, TranscribeReason,
    TranscribeTermReason,
};
use crate::webhook::{Payload, Speech, TranscribeRecording, Transcription, Utterance};
use crate::wire::{AccountType, CallEndedReason as R, CallStatus, Direction};

/// Bytes of a WAV recording of `ms`: 8 kHz 16-bit mono (16 bytes per ms) and a 44-byte header.
fn wav_bytes(ms: u64) -> u64 {
    ms * 16 + 44
}
use std::collections::VecDeque;

/// Default `silenceTimeoutMs` of RecordUtterance (sandbox choice: 5 s).
const RECORD_SILENCE_MS: u64 = 5000;
/// Default pause between SendDigits digits (as MakeCall's `sendDigits`: 500 ms).
const SEND_DIGITS_PAUSE_MS: u64 = 500;
/// GetSpeech `noInputTimeoutMs` when not given (sandbox choice: 5 s).
const NO_INPUT_MS: u64 = 5000;

/// What a command does to the script that runs it.
pub(crate) enum Flow {
    /// The next command runs now.
    Next,
    /// The next command runs after this many ms.
    Wait(u64),
    /// The script is over; the command set the call's activity (or ended it).
    Stop,
}

/// What follows the prompts of GetSpeech / TranscribeUtterance.
#[derive(Clone, Debug)]
pub(crate) enum AfterPrompts {
    Speech(Box<GetSpeech>),
    Transcribe(Box<TranscribeUtterance>),
}

/// Extra activity used only here.
#[derive(Clone, Debug)]
pub(crate) struct PromptState {
    pub prompts: VecDeque<Command>,
    pub then: AfterPrompts,
    /// The prompts are done and the engine listens for the phone's phrase.
    pub listening: bool,
}

impl Engine {
    /// Whether one more call may be created at this instant ([`super::MAX_CALLS_PER_INSTANT`]).
    pub(crate) fn may_create_call(&self) -> bool {
        self.instant.at != self.now || self.instant.calls < self.config.budgets.calls_per_instant
    }

    /// Creates a call and returns its index.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new_call(
        &mut self,
        from: &str,
        to: &str,
        direction: Direction,
        status: CallStatus,
        parent: Option<String>,
        status_callback_url: Option<String>,
        call_connect_url: Option<String>,
        timeout_sec: u32,
    ) -> usize {
        if self.instant.at != self.now {
            self.instant = super::InstantBudget {
                at: self.now,
                ..Default::default()
            };
        }
        self.instant.calls = self.instant.calls.saturating_add(1);
        let id = self.ids.next(IdKind::Call);
        let phone = if direction == Direction::Inbound {
            from
        } else {
            to
        };
        let number = if direction == Direction::Inbound {
            to
        } else {
            from
        };
        let ix = self.calls.len();
        let says = self.config.phones.get(phone).and_then(|p| p.says.clone());
        self.calls.push(CallState {
            call: Call {
                id: id.clone(),
                from: from.to_owned(),
                to: to.to_owned(),
                phone: phone.to_owned(),
                direction,
                status,
                parent_call_id: parent,
                status_callback_url,
                call_connect_url,
                phone_number_id: self.number_ids.get(number).cloned(),
                application_id: None,
                created_at: self.now,
                connected_at: None,
                ended_at: None,
                redirects: 0,
                ended_reason: None,
                timeout_sec,
                recording: None,
                revision: 1,
            },
            activity: Activity::Idle,
            epoch: 0,
            leg: None,
            says,
            burst: (0, 0),
            conference: None,
        });
        self.call_index.insert(id.clone(), ix);
        self.phone_calls
            .entry(phone.to_owned())
            .or_default()
            .push(ix);
        self.outputs.push_back(Output::Event(Event::Call {
            call_id: id,
            status,
            reason: None,
        }));
        ix
    }

    /// Moves call `ix` to `status` along a row of the call table; anything else is a bug, noted, not a panic.
    pub(crate) fn set_status(&mut self, ix: usize, status: CallStatus) {
        let c = &mut self.calls[ix].call;
        if !call::allowed(c.status, status) {
            let text = format!(
                "internal: call {} cannot go from {} to {status}",
                c.id, c.status
            );
            self.note(Some(ix), text);
            return;
        }
        c.status = status;
        c.revision += 1;
        match status {
            CallStatus::InProgress => c.connected_at = Some(self.now),
            s if s.is_final() => c.ended_at = Some(self.now),
            _ => {}
        }
        let event = Event::Call {
            call_id: c.id.clone(),
            status,
            reason: c.ended_reason,
        };
        self.outputs.push_back(Output::Event(event));
        // A phone with `hangupAfterMs` hangs up that long after its call is answered (inbound or outbound).
        if status == CallStatus::InProgress {
            let phone = &self.calls[ix].call.phone;
            if let Some(after) = self
                .config
                .phones
                .get(phone)
                .and_then(|p| p.hangup_after_ms)
            {
                self.set_timer_in(after, Timer::PhoneHangup { call: ix });
            }
        }
    }

    /// A phone dials one of the account's numbers.
    pub(crate) fn dial_in(&mut self, from: String, to: String) {
        let Some(number) = self.config.numbers.get(&to).cloned() else {
            self.note(
                None,
                format!("{from} dialled {to}, which the account does not own; nothing happens"),
            );
            return;
        };
        let ix = self.new_call(
            &from,
            &to,
            Direction::Inbound,
            CallStatus::Ringing,
            None,
            number.status_callback_url.clone(),
            number.call_connect_url.clone(),
            0,
        );
        self.calls[ix].call.application_id = Some(number.application_id.clone());
        match number.voice_url {
            Some(url) => {
                let w = Self::build(&url, &Payload::InboundCall { call: self.ctx(ix) });
                self.ask(w, ix);
            }
            None => {
                self.note(Some(ix), format!("{to} has no voiceUrl"));
                self.end_call(ix, R::ConfigErrorNoVoiceUrl);
            }
        }
    }

    /// Places an outbound call (REST or OutDial): queued → ringing, then the phone behaves as configured.
    pub(crate) fn dial_out(&mut self, ix: usize) {
        let c = &self.calls[ix].call;
        let trial_blocked = self.config.account.kind == AccountType::Trial
            && !self.config.account.verified_numbers.contains(&c.to);
        if trial_blocked {
            let text = format!(
                "trial accounts can only call verified numbers; {} is not verified, so the call fails",
                c.to
            );
            self.note(Some(ix), text);
            self.outbound_failed(ix, R::Failed);
            return;
        }
        self.set_status(ix, CallStatus::Ringing);
        let phone = self
            .config
            .phones
            .get(&self.calls[ix].call.phone)
            .cloned()
            .unwrap_or_default();
        let epoch = self.bump(ix);
        let timeout_ms = u64::from(self.calls[ix].call.timeout_sec) * 1000;
        match phone.answer {
            super::Answer::After { after_ms } if after_ms < timeout_ms => {
                self.set_timer_in(after_ms, Timer::Ring { call: ix, epoch })
            }
            super::Answer::After { .. } | super::Answer::NoAnswer | super::Answer::Manual => {
                self.set_timer_in(timeout_ms, Timer::RingTimeout { call: ix, epoch })
            }
            super::Answer::Busy => self.outbound_failed(ix, R::Busy),
            super::Answer::Failed => self.outbound_failed(ix, R::Failed),
        }
    }

    /// A `manual` phone answers its ringing call.
    pub(crate) fn phone_answers(&mut self, phone: &str) {
        match self.current_call_ix(phone) {
            Some(ix)
                if self.calls[ix].call.status == CallStatus::Ringing
                    && self.calls[ix].call.direction != Direction::Inbound =>
            {
                self.far_end_rings_out(ix)
            }
            _ => self.note(None, format!("{phone} has no ringing call to answer")),
        }
    }

    /// The far end of outbound call `ix` answers.
    pub(crate) fn far_end_rings_out(&mut self, ix: usize) {
        self.bump(ix);
        self.set_status(ix, CallStatus::InProgress);
        match self.calls[ix].call.call_connect_url.clone() {
            Some(url) => {
                let call = self.ctx(ix);
                let payload = match call.direction {
                    Direction::OutboundDial => Payload::OutDialConnect { call },
                    _ => Payload::OutDialApiConnect { call },
                };
                let w = Self::build(&url, &payload);
                self.ask(w, ix);
            }
            None => {
                self.note(Some(ix), "the call has no callConnectUrl".to_owned());
                self.end_call(ix, R::ConfigErrorNoApplication);
            }
        }
    }

    /// An outbound call ends before it was answered: busy, noAnswer, failed.
    pub(crate) fn outbound_failed(&mut self, ix: usize, reason: R) {
        self.finish(ix, reason);
        // OutDial children tell their callConnectUrl how the dial went; the PerCL returned is ignored.
        if self.calls[ix].call.direction == Direction::OutboundDial
            && let Some(url) = self.calls[ix].call.call_connect_url.clone()
        {
            let w = Self::build(&url, &Payload::OutDialConnect { call: self.ctx(ix) });
            self.tell(w);
        }
        self.call_status_hook(ix, None);
    }

    /// Ends call `ix` for `reason`: final status, out of its conference, one callStatus webhook.
    pub(crate) fn end_call(&mut self, ix: usize, reason: R) {
        if self.calls[ix].call.is_over() {
            return;
        }
        let conference = self.finish(ix, reason);
        self.call_status_hook(ix, conference.as_deref());
    }

    /// Everything of ending a call but the callStatus webhook; returns the conference it was in.
    pub(crate) fn finish(&mut self, ix: usize, reason: R) -> Option<String> {
        self.bump(ix);
        let was = self.calls[ix].call.status;
        self.calls[ix].call.ended_reason = Some(reason);
        let status = call::final_status(was, reason);
        self.set_status(ix, status);
        self.calls[ix].activity = Activity::Idle;
        // Whatever played to an answered call stops with it.
        if self.calls[ix].call.connected_at.is_some() {
            let call_id = self.calls[ix].call.id.clone();
            self.media(MediaChange::Stop { call_id });
        }
        let conference = self.leave_on_hangup(ix);
        if let Some((rec_id, _)) = self.calls[ix].call.recording.clone() {
            self.stop_recording(&rec_id);
            let call_id = self.calls[ix].call.id.clone();
            self.media(MediaChange::Recording {
                recording_id: rec_id,
                conference_id: None,
                call_id: Some(call_id),
                on: false,
            });
        }
        conference
    }

    pub(crate) fn stop_recording(&mut self, id: &str) {
        let now = self.now;
        if let Some(r) = self.recordings.iter_mut().find(|r| r.id == id) {
            r.stopped_at.get_or_insert(now);
        }
    }

    pub(crate) fn new_recording(
        &mut self,
        call_id: Option<String>,
        conference_id: Option<String>,
    ) -> usize {
        let id = self.ids.next(IdKind::Recording);
        self.recordings.push(super::Recording {
            id,
            call_id,
            conference_id,
            started_at: self.now,
            stopped_at: None,
            deleted: false,
        });
        self.recordings.len() - 1
    }

    /// A webhook answered 2xx with `body` for call `ix`, which waits for it.
    pub(crate) fn percl_arrived(&mut self, ix: usize, body: &str) {
        if body.trim().is_empty() {
            self.note(Some(ix), "the app returned no PerCL".to_owned());
            return self.end_call(ix, R::AppNoPercl);
        }
        match crate::percl::parse(body) {
            Err(report) => {
                let first = report
                    .diagnostics
                    .iter()
                    .find(|d| d.severity() == crate::percl::Severity::Error)
                    .map(|d| format!("{}:{} {}: {}", d.line, d.column, d.pointer, d.message()))
                    .unwrap_or_default();
                self.note(Some(ix), format!("the app returned invalid PerCL: {first}"));
                self.end_call(ix, R::AppInvalidPercl);
            }
            Ok(script) if script.0.is_empty() => {
                if self.in_conference(ix) {
                    self.calls[ix].activity = Activity::InConference;
                } else {
                    self.note(Some(ix), "the app returned an empty script".to_owned());
                    self.end_call(ix, R::AppNoPercl);
                }
            }
            Ok(script) => {
                self.bump(ix);
                self.calls[ix].activity = Activity::Script {
                    commands: script.0.into(),
                    ran_any: false,
                };
                self.run_script(ix);
            }
        }
    }

    pub(crate) fn in_conference(&self, ix: usize) -> bool {
        self.calls[ix].conference.is_some()
    }

    /// A timer for call `ix` fired at its current generation.
    pub(crate) fn resume(&mut self, ix: usize) {
        match &mut self.calls[ix].activity {
            Activity::Script { .. } => self.run_script(ix),
            Activity::Digits(d) => {
                if d.prompting {
                    d.prompting = false;
                    self.next_prompt(ix);
                } else {
                    self.digits_done(ix, GetDigitsReason::Timeout);
                }
            }
            Activity::Prompts(_) => self.next_speech_prompt(ix),
            Activity::Recording { .. } => self.utterance_done(ix, None),
            _ => {}
        }
    }

    /// Runs call `ix`'s script until a command waits, stops it, or it runs out.
    pub(crate) fn run_script(&mut self, ix: usize) {
        loop {
            let Activity::Script { commands, ran_any } = &mut self.calls[ix].activity else {
                return;
            };
            let Some(cmd) = commands.pop_front() else {
                let ran = *ran_any;
                if self.in_conference(ix) {
                    // A callControl script that only changed privileges: the call stays bridged.
                    self.calls[ix].activity = Activity::InConference;
                } else {
                    self.note(
                        Some(ix),
                        "the script ran out without a terminal command, so the call is hung up"
                            .to_owned(),
                    );
                    self.end_call(ix, if ran { R::AppHangup } else { R::AppNoPercl });
                }
                return;
            };
            *ran_any = true;
            // An inbound call is answered by its first command, except those that work before the answer.
            if self.calls[ix].call.status == CallStatus::Ringing
                && !matches!(
                    cmd,
                    Command::PlayEarlyMedia(_) | Command::Reject(_) | Command::Pause(_)
                )
            {
                self.set_status(ix, CallStatus::InProgress);
            }
            match self.execute(ix, cmd) {
                Flow::Next => {}
                Flow::Wait(ms) => {
                    let epoch = self.bump(ix);
                    self.set_timer_in(ms, Timer::Resume { call: ix, epoch });
                    return;
                }
                Flow::Stop => return,
            }
            if self.calls[ix].call.is_over() {
                return;
            }
        }
    }

    fn play(&mut self, ix: usize, sound: Sound, ms: Option<u64>) {
        let call_id = self.calls[ix].call.id.clone();
        self.media(MediaChange::Play {
            call_id,
            sound,
            duration_ms: ms,
        });
    }

    /// Plays a Say/Play/Pause and returns how long it lasts (`None`: forever, loop 0).
    fn play_command(&mut self, ix: usize, cmd: &Command) -> Option<Option<u64>> {
        let (sound, once, loops) = match cmd {
            Command::Say(s) => {
                if s.text.is_empty() {
                    self.note(Some(ix), "Say with empty text is skipped".to_owned());
                    return Some(Some(0));
                }
                let sound = Sound::Say {
                    text: s.text.clone(),
                    language: s.language.clone(),
                };
                (sound, media::say_ms(&s.text), s.loop_count())
            }
            Command::Play(p) => (
                Sound::Play {
                    file: p.file.clone(),
                },
                media::PLAY_MS,
                p.loop_count(),
            ),
            Command::PlayEarlyMedia(p) => (
                Sound::EarlyMedia {
                    file: p.file.clone(),
                },
                media::PLAY_MS,
                1,
            ),
            Command::Pause(p) => (Sound::Silence, u64::from(p.length), 1),
            _ => return None,
        };
        let total = (loops != 0).then(|| once.saturating_mul(u64::from(loops)));
        self.play(ix, sound, total);
        Some(total)
    }

    fn execute(&mut self, ix: usize, cmd: Command) -> Flow {
        if let Some(total) = self.play_command(ix, &cmd) {
            return match total {
                Some(0) => Flow::Next,
                Some(ms) => Flow::Wait(ms),
                None => {
                    self.calls[ix].activity = Activity::Held;
                    Flow::Stop
                }
            };
        }
        match cmd {
            Command::Say(_) | Command::Play(_) | Command::PlayEarlyMedia(_) | Command::Pause(_) => {
                Flow::Next
            }
            Command::Hangup(_) => {
                self.end_call(ix, R::AppHangup);
                Flow::Stop
            }
            Command::Reject(_) => {
                self.end_call(ix, R::AppReject);
                Flow::Stop
            }
            Command::Redirect(r) => {
                self.calls[ix].call.redirects += 1;
                if self.calls[ix].call.redirects > super::MAX_REDIRECTS {
                    self.note(
                        Some(ix),
                        format!("more than {} Redirects on one call", super::MAX_REDIRECTS),
                    );
                    self.end_call(ix, R::MaxRedirectsError);
                } else {
                    let w = Self::build(&r.action_url, &Payload::Redirect { call: self.ctx(ix) });
                    self.ask(w, ix);
                }
                Flow::Stop
            }
            Command::GetDigits(g) => {
                self.bump(ix);
                self.calls[ix].activity = Activity::Digits(Box::new(DigitState {
                    prompts: g.prompts().iter().cloned().collect(),
                    cmd: g,
                    digits: String::new(),
                    prompting: false,
                }));
                self.next_prompt(ix);
                Flow::Stop
            }
            Command::GetSpeech(g) => {
                self.bump(ix);
                self.calls[ix].activity = Activity::Prompts(Box::new(PromptState {
                    prompts: g.prompts().iter().cloned().collect(),
                    then: AfterPrompts::Speech(Box::new(g)),
                    listening: false,
                }));
                self.next_speech_prompt(ix);
                Flow::Stop
            }
            Command::TranscribeUtterance(t) => {
                self.bump(ix);
                self.calls[ix].activity = Activity::Prompts(Box::new(PromptState {
                    prompts: t.prompts().iter().cloned().collect(),
                    then: AfterPrompts::Transcribe(Box::new(t)),
                    listening: false,
                }));
                self.next_speech_prompt(ix);
                Flow::Stop
            }
            Command::RecordUtterance(r) => {
                let rec = self.new_recording(Some(self.calls[ix].call.id.clone()), None);
                let recording_id = self.recordings[rec].id.clone();
                let speech = self.calls[ix].says.as_deref().map_or(0, media::say_ms);
                let silence = r.silence_timeout_ms.map_or(RECORD_SILENCE_MS, u64::from);
                let max = u64::from(r.max_length_sec.unwrap_or(60)) * 1000;
                let epoch = self.bump(ix);
                self.set_timer_in(
                    speech.saturating_add(silence).min(max),
                    Timer::Resume { call: ix, epoch },
                );
                self.media(MediaChange::Recording {
                    recording_id: recording_id.clone(),
                    conference_id: None,
                    call_id: Some(self.calls[ix].call.id.clone()),
                    on: true,
                });
                self.calls[ix].activity = Activity::Recording {
                    cmd: Box::new(r),
                    started: self.now,
                    recording_id,
                };
                Flow::Stop
            }
            Command::SendDigits(s) => {
                let pause = s
                    .effective_pause_ms()
                    .map_or(SEND_DIGITS_PAUSE_MS, u64::from);
                let ms = (s.digits.chars().count() as u64).saturating_mul(pause);
                self.play(
                    ix,
                    Sound::Digits {
                        digits: s.digits.clone(),
                    },
                    Some(ms),
                );
                Flow::Wait(ms)
            }
            Command::StartRecordCall(_) => {
                if self.calls[ix].call.recording.is_none() {
                    let call_id = self.calls[ix].call.id.clone();
                    let rec = self.new_recording(Some(call_id.clone()), None);
                    let id = self.recordings[rec].id.clone();
                    self.calls[ix].call.recording = Some((id.clone(), self.now));
                    self.media(MediaChange::Recording {
                        recording_id: id,
                        conference_id: None,
                        call_id: Some(call_id),
                        on: true,
                    });
                }
                Flow::Next
            }
            Command::OutDial(o) => {
                if !self.may_create_call() {
                    let text = format!(
                        "sandbox: more than {} calls created at one instant; the app loops without taking time (an OutDial that dials an OutDial?), so the call ends",
                        self.config.budgets.calls_per_instant
                    );
                    self.note(Some(ix), text);
                    self.end_call(ix, R::PerclProcessingError);
                    return Flow::Stop;
                }
                let parent_id = self.calls[ix].call.id.clone();
                let status_cb = o
                    .status_callback_url
                    .clone()
                    .or_else(|| self.calls[ix].call.status_callback_url.clone());
                let child = self.new_call(
                    &o.calling_number,
                    &o.destination,
                    Direction::OutboundDial,
                    CallStatus::Queued,
                    Some(parent_id),
                    status_cb,
                    Some(o.call_connect_url.clone()),
                    o.timeout(),
                );
                let dial_id = self.calls[child].call.id.clone();
                // The parent learns at once (non-blocking); the child dials after.
                let w = Self::build(
                    &o.action_url,
                    &Payload::OutDialStart {
                        call: self.ctx(ix),
                        dial_call_id: &dial_id,
                    },
                );
                self.ask(w, ix);
                self.dial_out(child);
                Flow::Stop
            }
            Command::CreateConference(c) => {
                self.percl_create_conference(ix, c);
                Flow::Stop
            }
            Command::AddToConference(a) => {
                self.percl_add_to_conference(ix, a);
                Flow::Stop
            }
            Command::RemoveFromConference(_) => self.percl_remove_from_conference(ix),
            Command::TerminateConference(_) => self.percl_terminate(ix),
            Command::SetTalk(s) => self.percl_set(ix, "SetTalk", Some(s.talk()), None, None),
            Command::SetListen(s) => self.percl_set(ix, "SetListen", None, Some(s.listen()), None),
            Command::SetDTMFPassThrough(s) => self.percl_set(
                ix,
                "SetDTMFPassThrough",
                None,
                None,
                Some(s.dtmf_pass_through()),
            ),
            Command::Enqueue(e) => {
                self.note(
                    Some(ix),
                    format!(
                        "sandbox: Enqueue is simulated: the call joins queue {} and is dequeued at once; waitUrl is not fetched",
                        e.queue_id
                    ),
                );
                let w = Self::build(
                    &e.action_url,
                    &Payload::Dequeue {
                        call: self.ctx(ix),
                        queue_id: &e.queue_id,
                        queue_result: QueueResultStatus::Dequeued,
                        queue_time_sec: 0,
                    },
                );
                self.ask(w, ix);
                Flow::Stop
            }
            Command::Dequeue(_) => {
                self.note(Some(ix), "sandbox: Dequeue is simulated: queued calls leave at once, so it has no effect".to_owned());
                Flow::Next
            }
            Command::Park(p) => {
                self.note(
                    Some(ix),
                    format!("sandbox: Park is simulated: the call is held in silence until it hangs up; waitUrl {} is not fetched", p.wait_url),
                );
                self.calls[ix].activity = Activity::Held;
                Flow::Stop
            }
            Command::Unpark(_) => {
                self.note(
                    Some(ix),
                    "sandbox: Unpark is simulated and has no effect".to_owned(),
                );
                Flow::Next
            }
            Command::Sms(s) => {
                self.note(
                    Some(ix),
                    format!(
                        "sandbox: Sms from {} to {} \"{}\" is simulated: it is not delivered",
                        s.from, s.to, s.text
                    ),
                );
                Flow::Next
            }
            Command::AudioStream(a) => {
                self.note(
                    Some(ix),
                    format!(
                        "sandbox: AudioStream to {} is simulated: the stream ends at once",
                        a.location
                    ),
                );
                match a.action_url {
                    Some(url) => {
                        let w = Self::build(&url, &Payload::AudioStream { call: self.ctx(ix) });
                        self.ask(w, ix);
                    }
                    None => self.end_call(ix, R::AppHangup),
                }
                Flow::Stop
            }
        }
    }

    /// GetDigits: plays the next prompt, or starts the initial timeout when none is left.
    fn next_prompt(&mut self, ix: usize) {
        loop {
            let Activity::Digits(d) = &mut self.calls[ix].activity else {
                return;
            };
            let Some(prompt) = d.prompts.pop_front() else {
                let wait = u64::from(d.cmd.initial_timeout_ms());
                let epoch = self.bump(ix);
                self.set_timer_in(wait, Timer::Resume { call: ix, epoch });
                return;
            };
            match self.play_command(ix, &prompt) {
                Some(Some(0)) => continue,
                Some(total) => {
                    if let Activity::Digits(d) = &mut self.calls[ix].activity {
                        d.prompting = true;
                    }
                    if let Some(ms) = total {
                        let epoch = self.bump(ix);
                        self.set_timer_in(ms, Timer::Resume { call: ix, epoch });
                    }
                    return;
                }
                None => {
                    let name = prompt.name();
                    self.note(
                        Some(ix),
                        format!(
                            "{name} cannot be a GetDigits prompt (only Say, Play, Pause); skipped"
                        ),
                    );
                }
            }
        }
    }

    /// A digit pressed on call `ix`.
    pub(crate) fn digit(&mut self, ix: usize, key: char) {
        if self.in_conference(ix) {
            return self.conference_digit(ix, key);
        }
        match &mut self.calls[ix].activity {
            Activity::Digits(d) => {
                let was_prompting = std::mem::replace(&mut d.prompting, false);
                d.prompts.clear();
                let finish =
                    !d.cmd.finish_on_key().is_empty() && d.cmd.finish_on_key().contains(key);
                let enough = d.digits.chars().count() as u32 >= d.cmd.min_digits();
                if finish && enough {
                    if was_prompting {
                        self.stop_media(ix);
                    }
                    return self.digits_done(ix, GetDigitsReason::FinishKey);
                }
                if !finish {
                    d.digits.push(key);
                }
                let full = d.digits.chars().count() as u32 >= d.cmd.max_digits();
                let wait = u64::from(d.cmd.digit_timeout_ms());
                if was_prompting {
                    self.stop_media(ix);
                }
                if full {
                    return self.digits_done(ix, GetDigitsReason::MaxDigits);
                }
                let epoch = self.bump(ix);
                self.set_timer_in(wait, Timer::Resume { call: ix, epoch });
            }
            Activity::Recording { cmd, .. } => {
                let finish = cmd.finish_on_key.as_deref().unwrap_or("#");
                if finish.contains(key) {
                    self.utterance_done(ix, Some(RecordTermReason::FinishKey));
                }
            }
            _ => {
                let text = format!(
                    "digit {key} pressed while the call is not collecting digits; it is dropped"
                );
                self.note(Some(ix), text);
            }
        }
    }

    fn stop_media(&mut self, ix: usize) {
        let call_id = self.calls[ix].call.id.clone();
        self.media(MediaChange::Stop { call_id });
    }

    fn digits_done(&mut self, ix: usize, reason: GetDigitsReason) {
        let Activity::Digits(d) = std::mem::replace(&mut self.calls[ix].activity, Activity::Idle)
        else {
            return;
        };
        let digits = if d.cmd.privacy_mode.unwrap_or(false) {
            "x".repeat(d.digits.chars().count())
        } else {
            d.digits
        };
        let w = Self::build(
            &d.cmd.action_url,
            &Payload::GetDigits {
                call: self.ctx(ix),
                digits: &digits,
                reason,
            },
        );
        self.ask(w, ix);
    }

    /// GetSpeech / TranscribeUtterance: plays the next prompt, or recognises what the phone says.
    fn next_speech_prompt(&mut self, ix: usize) {
        loop {
            let Activity::Prompts(p) = &mut self.calls[ix].activity else {
                return;
            };
            if p.listening {
                // Listening is over: recognise whatever the phone said by now.
                let Activity::Prompts(p) =
                    std::mem::replace(&mut self.calls[ix].activity, Activity::Idle)
                else {
                    return;
                };
                return self.recognise(ix, p.then);
            }
            let Some(prompt) = p.prompts.pop_front() else {
                // The prompts are done: listen. A phrase the phone already says is recognised once spoken
                // (400 ms per word); otherwise the engine waits for a `say` step until the no-input timeout.
                p.listening = true;
                let no_input = match &p.then {
                    AfterPrompts::Speech(g) => g.no_input_timeout_ms.map_or(NO_INPUT_MS, u64::from),
                    AfterPrompts::Transcribe(_) => NO_INPUT_MS,
                };
                let wait = self.calls[ix]
                    .says
                    .as_deref()
                    .map_or(no_input, media::say_ms);
                let epoch = self.bump(ix);
                self.set_timer_in(wait, Timer::Resume { call: ix, epoch });
                return;
            };
            match self.play_command(ix, &prompt) {
                Some(Some(0)) => continue,
                Some(Some(ms)) => {
                    let epoch = self.bump(ix);
                    self.set_timer_in(ms, Timer::Resume { call: ix, epoch });
                    return;
                }
                Some(None) => return,
                None => {
                    let name = prompt.name();
                    self.note(
                        Some(ix),
                        format!("{name} cannot be a prompt (only Say, Play, Pause); skipped"),
                    );
                }
            }
        }
    }

    /// The phone on call `ix` says `text`: a GetSpeech/TranscribeUtterance that listens recognises it once it is
    /// spoken (400 ms per word).
    pub(crate) fn phone_says(&mut self, ix: usize, text: String) {
        let ms = media::say_ms(&text);
        self.calls[ix].says = Some(text);
        if matches!(&self.calls[ix].activity, Activity::Prompts(p) if p.listening) {
            let epoch = self.bump(ix);
            self.set_timer_in(ms, Timer::Resume { call: ix, epoch });
        }
    }

    fn recognise(&mut self, ix: usize, then: AfterPrompts) {
        let said = self.calls[ix].says.clone();
        match then {
            AfterPrompts::Speech(g) => {
                let speech = match &said {
                    Some(text) => {
                        self.note(
                            Some(ix),
                            format!("sandbox: GetSpeech recognised '{text}' (simulated)"),
                        );
                        Speech {
                            reason: GetSpeechReason::Recognition,
                            recognition_result: Some(text),
                            confidence: Some(100),
                        }
                    }
                    None => {
                        let wait = g.no_input_timeout_ms.map_or(NO_INPUT_MS, u64::from);
                        self.note(
                            Some(ix),
                            format!("sandbox: GetSpeech heard nothing within {wait} ms (the phone said nothing), so reason=noInput (simulated)"),
                        );
                        Speech {
                            reason: GetSpeechReason::NoInput,
                            recognition_result: None,
                            confidence: None,
                        }
                    }
                };
                let w = Self::build(
                    &g.action_url,
                    &Payload::GetSpeech {
                        call: self.ctx(ix),
                        speech,
                    },
                );
                self.ask(w, ix);
            }
            AfterPrompts::Transcribe(t) => {
                let text = said.clone().unwrap_or_default();
                self.note(
                    Some(ix),
                    format!("sandbox: TranscribeUtterance transcribed '{text}' (simulated)"),
                );
                let ms = media::say_ms(&text);
                let saved = if t.record.as_ref().is_some_and(|r| r.save_recording()) {
                    let rec = self.new_recording(Some(self.calls[ix].call.id.clone()), None);
                    self.recordings[rec].stopped_at = Some(self.now);
                    self.recordings[rec].started_at = self.now.saturating_sub(ms);
                    let id = self.recordings[rec].id.clone();
                    Some((self.recording_url(&id), id))
                } else {
                    None
                };
                let transcription = Transcription {
                    recording: saved.as_ref().map(|(url, id)| TranscribeRecording {
                        recording_id: id,
                        recording_url: url,
                        size_bytes: wav_bytes(ms),
                        duration_ms: ms,
                    }),
                    term_reason: TranscribeTermReason::Completed,
                    record_term_reason: Some(RecordTermReason::Timeout),
                    digit: None,
                    privacy_for_logging: t.privacy_for_logging(),
                    privacy_for_recording: t.privacy_for_recording(),
                    barge_in: None,
                    transcript: said.as_deref(),
                    transcribe_reason: if said.is_some() {
                        None
                    } else {
                        Some(TranscribeReason::NoInput)
                    },
                    transcription_duration_ms: ms,
                };
                let w = Self::build(
                    &t.action_url,
                    &Payload::Transcribe {
                        call: self.ctx(ix),
                        transcription,
                    },
                );
                self.ask(w, ix);
            }
        }
    }

    /// RecordUtterance ends: `reason` `None` is the timer (silence or max length).
    fn utterance_done(&mut self, ix: usize, reason: Option<RecordTermReason>) {
        let Activity::Recording {
            cmd,
            started,
            recording_id,
        } = std::mem::replace(&mut self.calls[ix].activity, Activity::Idle)
        else {
            return;
        };
        let max = u64::from(cmd.max_length_sec.unwrap_or(60)) * 1000;
        let reason = reason.unwrap_or(if self.now - started >= max {
            RecordTermReason::MaxLength
        } else {
            RecordTermReason::Timeout
        });
        self.stop_recording(&recording_id);
        let call_id = self.calls[ix].call.id.clone();
        self.media(MediaChange::Recording {
            recording_id: recording_id.clone(),
            conference_id: None,
            call_id: Some(call_id),
            on: false,
        });
        let ms = self.now - started;
        let url = self.recording_url(&recording_id);
        let utterance = Utterance {
            recording_id: &recording_id,
            recording_url: &url,
            size_bytes: wav_bytes(ms),
            duration_sec: ms.div_ceil(1000),
            term_reason: reason,
            privacy_mode: cmd.privacy_mode.unwrap_or(false),
        };
        let w = Self::build(
            &cmd.action_url,
            &Payload::Record {
                call: self.ctx(ix),
                utterance,
            },
        );
        self.ask(w, ix);
    }
}
