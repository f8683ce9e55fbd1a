//! Calls: who is on the line, which way the call goes, its status, and the one table that says which status
//! may follow which.

use crate::wire::{CallEndedReason, CallStatus, Direction};

/// One row of the call status table: from a status, to a status, and what causes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallRow {
    /// The status before.
    pub from: CallStatus,
    /// The status after.
    pub to: CallStatus,
    /// What causes the step, for people.
    pub cause: &'static str,
}

const fn row(from: CallStatus, to: CallStatus, cause: &'static str) -> CallRow {
    CallRow { from, to, cause }
}

/// Every allowed call status change (reference §1.5 `CallStatus`). A call changes status only along a row of
/// this table; every final status (`is_final`) has no row out of it.
pub const CALL_TABLE: &[CallRow] = {
    use CallStatus::*;
    &[
        row(Queued, Ringing, "the call is dialled"),
        row(
            Queued,
            Failed,
            "the call could not be placed (e.g. trial account, unverified number)",
        ),
        row(Queued, Canceled, "REST status=canceled before dialling"),
        row(
            Ringing,
            InProgress,
            "the far end answered (inbound: the first PerCL command answers)",
        ),
        row(Ringing, Busy, "the far end is busy"),
        row(Ringing, NoAnswer, "nobody answered before the timeout"),
        row(Ringing, Failed, "the call failed before it was answered"),
        row(
            Ringing,
            Canceled,
            "hung up or rejected before it was answered",
        ),
        row(InProgress, Completed, "hung up after it was answered"),
    ]
};

/// Whether the table allows `from → to`.
pub fn allowed(from: CallStatus, to: CallStatus) -> bool {
    CALL_TABLE.iter().any(|r| r.from == from && r.to == to)
}

/// The final status a call ends in, given how far it got and why it ends.
///
/// An answered call always ends `completed`. One that was never answered ends by the reason: `busy`,
/// `noAnswer`, `canceled` (the caller hung up, the app rejected it, REST canceled it) or `failed` (anything
/// else: a failed webhook, invalid PerCL, the trial rule).
pub fn final_status(current: CallStatus, reason: CallEndedReason) -> CallStatus {
    use CallEndedReason as R;
    match current {
        CallStatus::InProgress => CallStatus::Completed,
        _ => match reason {
            R::Busy => CallStatus::Busy,
            R::NoAnswer => CallStatus::NoAnswer,
            R::CallCanceled | R::FarEndHangup | R::AppReject => CallStatus::Canceled,
            _ => CallStatus::Failed,
        },
    }
}

/// One call leg.
#[derive(Clone, Debug)]
pub struct Call {
    /// `CA…`.
    pub id: String,
    /// Caller id.
    pub from: String,
    /// The number called.
    pub to: String,
    /// The outside phone on this call (inbound: `from`; outbound: `to`).
    pub phone: String,
    /// Which way it goes.
    pub direction: Direction,
    /// Current status.
    pub status: CallStatus,
    /// The parent leg (OutDial children, REST calls with `parentCallId`).
    pub parent_call_id: Option<String>,
    /// Where `callStatus` goes when the call ends.
    pub status_callback_url: Option<String>,
    /// Where an outbound call's PerCL comes from when it connects.
    pub call_connect_url: Option<String>,
    /// The phone number id (`PN…`) of the account's number on this call, if any.
    pub phone_number_id: Option<String>,
    /// The application (`AP…`) that handles the call: the dialled number's (inbound), Make a Call's
    /// `applicationId` or the `from` number's (REST); `None` for OutDial children.
    pub application_id: Option<String>,
    /// Virtual ms: created, answered, ended.
    pub created_at: u64,
    /// When the far end answered.
    pub connected_at: Option<u64>,
    /// When it ended.
    pub ended_at: Option<u64>,
    /// How many Redirects ran on this call.
    pub redirects: u32,
    /// Why it ended, once it has.
    pub ended_reason: Option<CallEndedReason>,
    /// Ring timeout in seconds for outbound calls.
    pub timeout_sec: u32,
    /// A StartRecordCall recording: id and start time.
    pub recording: Option<(String, u64)>,
    /// REST-visible revision counter.
    pub revision: u64,
}

impl Call {
    /// Whether the call has ended.
    pub fn is_over(&self) -> bool {
        self.status.is_final()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_row_leaves_a_final_status_and_every_live_status_can_end() {
        for r in CALL_TABLE {
            assert!(!r.from.is_final(), "{r:?}");
        }
        for s in [
            CallStatus::Queued,
            CallStatus::Ringing,
            CallStatus::InProgress,
        ] {
            assert!(
                CALL_TABLE.iter().any(|r| r.from == s && r.to.is_final()),
                "{s}"
            );
        }
    }

    #[test]
    fn final_status_follows_the_table() {
        for &from in &[CallStatus::Ringing, CallStatus::InProgress] {
            for &reason in CallEndedReason::ALL {
                let to = final_status(from, reason);
                assert!(allowed(from, to), "{from} -> {to} ({reason})");
            }
        }
        assert_eq!(
            final_status(CallStatus::InProgress, CallEndedReason::FarEndHangup),
            CallStatus::Completed
        );
        assert_eq!(
            final_status(CallStatus::Ringing, CallEndedReason::Busy),
            CallStatus::Busy
        );
    }
}
