//! Webhook requests: the body (call context + per-type fields), its exact bytes and the `FreeClimb-Signature`
//! header, and what the engine does with the response.

use super::{Engine, Output, Pending, Purpose, Timer, WebhookRequest, WebhookResult};
use crate::wire::{CallEndedReason, CallStatus, RequestType};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

/// `FreeClimb-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" keyed with the signing secret>`.
pub fn signature(secret: &str, unix_secs: u64, raw_body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(unix_secs.to_string().as_bytes());
    mac.update(b".");
    mac.update(raw_body.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    format!("t={unix_secs},v1={hex}")
}

/// The per-type fields of a webhook beyond the call context.
pub(crate) type Extra = Vec<(&'static str, Value)>;

impl Engine {
    /// The call-context fields (reference §4.3 ✱) of call `ix`, or all null without a call.
    pub(crate) fn call_context(
        &self,
        ix: Option<usize>,
        conference_id: Option<&str>,
    ) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(
            "accountId".into(),
            self.config.account.account_id.clone().into(),
        );
        let conf = conference_id.map_or(Value::Null, |c| Value::String(c.to_owned()));
        match ix.map(|i| &self.calls[i].call) {
            Some(c) => {
                m.insert("callId".into(), c.id.clone().into());
                m.insert("callStatus".into(), c.status.as_str().into());
                m.insert("conferenceId".into(), conf);
                m.insert("direction".into(), c.direction.as_str().into());
                m.insert("from".into(), c.from.clone().into());
                m.insert(
                    "parentCallId".into(),
                    c.parent_call_id.clone().map_or(Value::Null, Value::String),
                );
                m.insert("queueId".into(), Value::Null);
                m.insert("to".into(), c.to.clone().into());
            }
            None => {
                for k in [
                    "callId",
                    "callStatus",
                    "direction",
                    "from",
                    "parentCallId",
                    "queueId",
                    "to",
                ] {
                    m.insert(k.into(), Value::Null);
                }
                m.insert("conferenceId".into(), conf);
            }
        }
        m
    }

    /// Sends a webhook about call `ix` (or none). `percl_for`: the call whose PerCL the response is.
    pub(crate) fn send_hook(
        &mut self,
        url: &str,
        request_type: RequestType,
        ix: Option<usize>,
        conference_id: Option<&str>,
        extra: Extra,
        percl_for: Option<usize>,
    ) -> u64 {
        let mut body = self.call_context(ix, conference_id);
        body.insert("requestType".into(), request_type.as_str().into());
        for (k, v) in extra {
            body.insert(k.into(), v);
        }
        let body = Value::Object(body);
        let raw_body = body.to_string();
        let unix = self.config.epoch_unix_secs + self.now / 1000;
        let sig = signature(&self.config.account.signing_secret, unix, &raw_body);
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
                url: url.to_owned(),
            },
        );
        self.set_timer(
            self.now + self.config.webhook_timeout_ms,
            Timer::WebhookTimeout { id },
        );
        self.outputs.push_back(Output::Webhook(WebhookRequest {
            id,
            url: url.to_owned(),
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("FreeClimb-Signature".to_owned(), sig),
            ],
            raw_body,
            body,
            request_type,
            expects_percl: percl_for.is_some(),
        }));
        id
    }

    /// A notification about call `ix`.
    pub(crate) fn notify(
        &mut self,
        url: &str,
        request_type: RequestType,
        ix: Option<usize>,
        conference_id: Option<&str>,
        extra: Extra,
    ) {
        self.send_hook(url, request_type, ix, conference_id, extra, None);
    }

    /// A webhook whose response continues call `ix`.
    pub(crate) fn ask_percl(
        &mut self,
        url: &str,
        request_type: RequestType,
        ix: usize,
        extra: Extra,
    ) {
        let conf = self
            .conferences
            .conference_of(&self.calls[ix].call.id)
            .map(|c| c.id().to_owned());
        self.send_hook(
            url,
            request_type,
            Some(ix),
            conf.as_deref(),
            extra,
            Some(ix),
        );
    }

    pub(crate) fn webhook_response(&mut self, id: u64, result: WebhookResult) {
        let Some(p) = self.pending.remove(&id) else {
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
                self.webhook_failed(p);
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
                self.webhook_failed(p);
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

    pub(crate) fn webhook_failed(&mut self, p: Pending) {
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

    /// The callStatus webhook of a call that just ended.
    pub(crate) fn call_status_hook(&mut self, ix: usize, conference_id: Option<&str>) {
        let c = &self.calls[ix].call;
        let Some(url) = c.status_callback_url.clone() else {
            return;
        };
        let mut extra: Extra = vec![(
            "callEndedReason",
            c.ended_reason.map_or(Value::Null, |r| r.as_str().into()),
        )];
        if let Some((rec_id, _)) = &c.recording
            && let Some(r) = self.recordings.iter().find(|r| &r.id == rec_id)
        {
            extra.push(("recordingId", r.id.clone().into()));
            extra.push(("recordingUrl", self.recording_url(&r.id).into()));
            extra.push(("recordingDurationSec", r.duration_sec().into()));
        }
        debug_assert!(c.status.is_final() && c.status != CallStatus::Ringing);
        self.notify(
            &url,
            RequestType::CallStatus,
            Some(ix),
            conference_id,
            extra,
        );
    }

    /// Where a recording's audio is served (relative to the API root, as FreeClimb's `recordingUrl`).
    pub(crate) fn recording_url(&self, id: &str) -> String {
        format!(
            "/Accounts/{}/Recordings/{id}/Download",
            self.config.account.account_id
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_t_dot_body() {
        // Computed independently: printf '1767225600.{}' | openssl dgst -sha256 -hmac sigsec_test
        let sig = signature("sigsec_test", 1_767_225_600, "{}");
        assert!(sig.starts_with("t=1767225600,v1="), "{sig}");
        assert_eq!(
            sig,
            "t=1767225600,v1=ce1964a3ce1ccc7174657c04cb69296d46c9603e8812bd074e19cf845954efa5"
        );
    }
}
