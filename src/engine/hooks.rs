//! Webhook requests: the body (call context + per-type fields), its exact bytes and the `FreeClimb-Signature`
//! header, and what the engine does with the response.

use super::{Engine, Output, Pending, Purpose, WebhookRequest, WebhookResult};
use crate::webhook::{self, CallContext, Payload, Recording, Webhook};
use crate::wire::CallEndedReason;

impl Engine {
    /// The call context (reference §4.3 ✱ fields) of call `ix` now, with the conference it is in.
    pub(crate) fn ctx(&self, ix: usize) -> CallContext<'_> {
        let c = &self.calls[ix].call;
        CallContext {
            account_id: &self.config.account.account_id,
            call_id: &c.id,
            from: &c.from,
            to: &c.to,
            call_status: c.status,
            direction: c.direction,
            conference_id: self.calls[ix].conference.as_deref(),
            queue_id: None,
            parent_call_id: c.parent_call_id.as_deref(),
        }
    }

    /// Builds the webhook for `payload` to `url`.
    pub(crate) fn build(url: &str, payload: &Payload<'_>) -> Webhook {
        webhook::build(url, payload)
    }

    /// Sends `w`, signed now; when `percl_for` is set, its response continues that call.
    pub(crate) fn dispatch(&mut self, w: Webhook, percl_for: Option<usize>) -> u64 {
        let unix = self.config.epoch_unix_secs.saturating_add(self.now / 1000);
        let sig = self.signer.sign(unix, &w.raw_body);
        self.next_webhook += 1;
        let id = self.next_webhook;
        let purpose = match percl_for {
            Some(call) => {
                self.calls[call].activity = super::Activity::AwaitingPercl { webhook: id };
                self.bump(call);
                Purpose::Percl { call }
            }
            None => Purpose::Notify,
        };
        self.pending.insert(
            id,
            Pending {
                purpose,
                url: w.url.clone(),
            },
        );
        self.set_deadline(id);
        self.outputs.push_back(Output::Webhook(WebhookRequest {
            id,
            url: w.url,
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("FreeClimb-Signature".to_owned(), sig),
            ],
            raw_body: w.raw_body,
            body: w.body,
            request_type: w.request_type,
            expects_percl: percl_for.is_some(),
        }));
        id
    }

    /// Sends `w` as a notification (its response is ignored).
    pub(crate) fn tell(&mut self, w: Webhook) {
        if !self.count_webhook() {
            let text = format!(
                "sandbox: more than {} webhooks at one instant; the {} to {} is not sent (the app loops without taking time)",
                self.config.budgets.webhooks_per_instant,
                w.request_type.as_str(),
                w.url
            );
            return self.note(None, text);
        }
        self.dispatch(w, None);
    }

    /// Counts a webhook against [`super::MAX_WEBHOOKS_PER_INSTANT`]; `false` when the budget is spent.
    fn count_webhook(&mut self) -> bool {
        let now = self.now;
        let burst = &mut self.instant;
        if burst.at != now {
            *burst = super::InstantBudget {
                at: now,
                ..Default::default()
            };
        }
        burst.webhooks = burst.webhooks.saturating_add(1);
        burst.webhooks <= self.config.budgets.webhooks_per_instant
    }

    /// Sends `w`; its response is the PerCL that continues call `ix`.
    pub(crate) fn ask(&mut self, w: Webhook, ix: usize) {
        let now = self.now;
        let burst = &mut self.calls[ix].burst;
        *burst = if burst.0 == now {
            (now, burst.1 + 1)
        } else {
            (now, 1)
        };
        if burst.1 > super::MAX_FETCHES_PER_INSTANT {
            let text = format!(
                "sandbox: more than {} PerCL fetches for this call at one instant; the app loops without taking time, so the call ends",
                super::MAX_FETCHES_PER_INSTANT
            );
            self.note(Some(ix), text);
            return self.end_call(ix, CallEndedReason::PerclProcessingError);
        }
        if !self.count_webhook() {
            let text = format!(
                "sandbox: more than {} webhooks at one instant; the app loops without taking time, so the call ends",
                self.config.budgets.webhooks_per_instant
            );
            self.note(Some(ix), text);
            return self.end_call(ix, CallEndedReason::PerclProcessingError);
        }
        self.dispatch(w, Some(ix));
    }

    pub(crate) fn webhook_response(&mut self, id: u64, result: WebhookResult) {
        let removed = self.pending.remove(&id);
        self.prune_deadlines();
        let Some(p) = removed else {
            self.note(
                None,
                format!("the response to webhook {id} came after FreeClimb stopped waiting; it is ignored"),
            );
            return;
        };
        match result {
            // A failed notification changes nothing (reference, Decisions table): only failures that end a
            // call are noted.
            WebhookResult::Failed { reason } => {
                if let Some(call) = self.waiting_call(&p, id) {
                    self.note(
                        Some(call),
                        format!("webhook to {} failed ({reason}), so the call ends", p.url),
                    );
                }
                self.webhook_failed(p, &format!("failed ({reason})"));
            }
            WebhookResult::Invalid { reason } => {
                if let Some(call) = self.waiting_call(&p, id) {
                    self.note(
                        Some(call),
                        format!("the app's answer is not valid PerCL: {reason}"),
                    );
                    self.end_call(call, CallEndedReason::AppInvalidPercl);
                }
            }
            WebhookResult::Response { status, .. } if !(200..300).contains(&status) => {
                if let Some(call) = self.waiting_call(&p, id) {
                    self.note(
                        Some(call),
                        format!(
                            "webhook to {} answered HTTP {status}, so the call ends",
                            p.url
                        ),
                    );
                }
                self.webhook_failed(p, &format!("answered HTTP {status}"));
            }
            WebhookResult::Response { body, .. } => {
                if let Purpose::Percl { call } = p.purpose {
                    if self.awaits(call, id) {
                        self.percl_arrived(call, &body);
                    } else if !self.calls[call].call.is_over() || !body.trim().is_empty() {
                        self.note(
                            Some(call),
                            "PerCL returned for a call that no longer waits for it is not executed"
                                .to_owned(),
                        );
                    }
                }
            }
        }
    }

    /// The call that waits for webhook `id`'s PerCL, if one still does.
    pub(crate) fn waiting_call(&self, p: &Pending, id: u64) -> Option<usize> {
        match p.purpose {
            Purpose::Percl { call } if self.awaits(call, id) => Some(call),
            _ => None,
        }
    }

    /// Whether call `ix` still waits for webhook `id`.
    pub(crate) fn awaits(&self, ix: usize, id: u64) -> bool {
        matches!(self.calls[ix].activity, super::Activity::AwaitingPercl { webhook } if webhook == id)
            && !self.calls[ix].call.is_over()
    }

    /// Webhook (or fetch) `p` failed; `why` says how, for a failed `waitUrl` GET.
    pub(crate) fn webhook_failed(&mut self, p: Pending, why: &str) {
        if let Purpose::WaitUrl { conference_id } = &p.purpose {
            return self.wait_url_failed(conference_id, &p.url, why);
        }
        if let Purpose::Percl { call } = p.purpose
            && matches!(
                self.calls[call].activity,
                super::Activity::AwaitingPercl { .. }
            )
            && !self.calls[call].call.is_over()
        {
            self.end_call(call, CallEndedReason::WebhookFailed);
        }
    }

    /// The callStatus webhook of a call that just ended (`conference_id`: the conference it was in).
    pub(crate) fn call_status_hook(&mut self, ix: usize, conference_id: Option<&str>) {
        let c = &self.calls[ix].call;
        let Some(url) = c.status_callback_url.clone() else {
            return;
        };
        let recording = c
            .recording
            .as_ref()
            .and_then(|(id, _)| self.recordings.iter().find(|r| &r.id == id));
        let recording_url = recording.map(|r| self.recording_url(&r.id));
        let w = {
            let mut call = self.ctx(ix);
            call.conference_id = conference_id;
            Self::build(
                &url,
                &Payload::CallStatus {
                    call,
                    call_ended_reason: c.ended_reason.unwrap_or(CallEndedReason::InternalError),
                    recording: recording
                        .zip(recording_url.as_deref())
                        .map(|(r, u)| Recording {
                            recording_id: &r.id,
                            recording_url: u,
                            duration_sec: r.duration_sec(),
                        }),
                },
            )
        };
        self.tell(w);
    }

    /// Where a recording's audio is served (relative to the API root, as FreeClimb's `recordingUrl`).
    pub(crate) fn recording_url(&self, id: &str) -> String {
        format!(
            "/Accounts/{}/Recordings/{id}/Download",
            self.config.account.account_id
        )
    }
}
