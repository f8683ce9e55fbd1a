//! Tests of the conference state machine, driven only through its public API.
//!
//! 1. One unit test per row of [`TABLE`], asserting the exact [`Outcome`] (wording included), plus a test that
//!    walks the table itself so that a new row cannot go untested.
//! 2. One unit test per rejected operation: the exact error, a message that names the ids and says what to do,
//!    and a registry that is unchanged afterwards.
//! 3. Property tests (native only) over random operation sequences, checked against a tiny independent model.

use super::table::{TABLE, Trigger};
use super::*;

// ---------------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------------

/// A valid conference id (`CF` + 40 hex) for a small number.
fn conf_id(n: u8) -> String {
    format!("CF{n:040x}")
}

/// A valid call id (`CA` + 40 hex) for a small number.
fn call_id(n: u8) -> String {
    format!("CA{n:040x}")
}

const ALICE: u8 = 1;
const BOB: u8 = 2;
const CAROL: u8 = 3;

fn label(n: u8) -> &'static str {
    match n {
        ALICE => "Alice",
        BOB => "Bob",
        CAROL => "Carol",
        _ => "Dave",
    }
}

/// A participant with every privilege, joining with `startConfOnEnter=starter`.
fn person(n: u8, starter: bool) -> Participant {
    Participant {
        call_id: call_id(n),
        label: label(n).to_owned(),
        flags: ParticipantFlags {
            start_conf_on_enter: starter,
            ..ParticipantFlags::default()
        },
    }
}

fn settings(record: bool) -> ConferenceSettings {
    ConferenceSettings {
        alias: Some("standup".to_owned()),
        record,
        status_callback_url: Some("https://example.test/status".to_owned()),
        ..ConferenceSettings::default()
    }
}

fn transition(
    from: Option<ConferenceStatus>,
    to: ConferenceStatus,
    why: &str,
    sandbox_choice: Option<&'static str>,
) -> Transition {
    Transition {
        conference_id: conf_id(1),
        from,
        to,
        why: why.to_owned(),
        sandbox_choice,
    }
}

fn changed(transitions: Vec<Transition>, removed: Vec<Participant>) -> Outcome {
    Outcome {
        transitions,
        removed,
        unchanged: None,
    }
}

fn unchanged(why: &str, removed: Vec<Participant>) -> Outcome {
    Outcome {
        transitions: Vec::new(),
        removed,
        unchanged: Some(why.to_owned()),
    }
}

/// Conference `conf_id(1)`, just created, with `record=true` so that recording can be checked on the way.
fn new_conference() -> Conference {
    Conference::create(conf_id(1), settings(true), "Operator").0
}

/// Conference `conf_id(1)` after the given joins, each of which must succeed.
fn conference_with(joins: &[(u8, bool)]) -> Conference {
    let mut c = new_conference();
    for &(n, starter) in joins {
        c.join(person(n, starter)).expect("set-up join");
    }
    c
}

fn populated() -> Conference {
    let c = conference_with(&[(ALICE, false)]);
    assert_eq!(c.status(), ConferenceStatus::Populated);
    c
}

fn in_progress() -> Conference {
    let c = conference_with(&[(ALICE, false), (BOB, true)]);
    assert_eq!(c.status(), ConferenceStatus::InProgress);
    c
}

fn call_ids(c: &Conference) -> Vec<String> {
    c.participants().iter().map(|p| p.call_id.clone()).collect()
}

use ConferenceStatus::{Empty, InProgress, Populated, Terminated};

const CROSS_BOTH: Option<&str> =
    Some("one join that crosses empty → populated → inProgress reports both statuses");
const STAYS_IN_PROGRESS: &str = "inProgress stays inProgress until the conference empties, even when every start-moderator has left";
const REST_EMPTY: Option<&str> = Some("what REST status=empty does");

// ---------------------------------------------------------------------------------------------------------------
// 1. Every transition (one test per row of TABLE)
// ---------------------------------------------------------------------------------------------------------------

/// The creation row's sandbox choice (how creation is reported), as `TABLE` says it.
const CREATION_CHOICE: Option<&str> = crate::conference::table::TABLE[0].sandbox_choice;

#[test]
fn create_reports_empty_from_nothing() {
    let (c, outcome) = Conference::create(conf_id(1), settings(true), "Operator");
    assert_eq!(
        outcome,
        changed(
            vec![transition(
                None,
                Empty,
                "Operator created the conference; it waits for participants",
                CREATION_CHOICE
            )],
            vec![]
        )
    );
    assert_eq!(c.id(), conf_id(1));
    assert_eq!(c.settings(), &settings(true));
    assert_eq!(c.status(), Empty);
    assert!(c.participants().is_empty());
    assert!(!c.is_recording());
}

#[test]
fn first_join_without_start_conf_on_enter_populates() {
    let mut c = new_conference();
    let outcome = c.join(person(ALICE, false)).unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![transition(
                Some(Empty),
                Populated,
                "Alice joined the empty conference; wait music plays until it starts",
                None
            )],
            vec![]
        )
    );
    assert_eq!(c.status(), Populated);
    assert_eq!(c.participants(), &[person(ALICE, false)]);
    assert_eq!(c.participant(&call_id(ALICE)), Some(&person(ALICE, false)));
    assert!(!c.is_recording(), "populated never records");
}

#[test]
fn start_conf_on_enter_join_into_empty_reports_populated_then_in_progress() {
    let mut c = new_conference();
    let outcome = c.join(person(ALICE, true)).unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![
                transition(
                    Some(Empty),
                    Populated,
                    "Alice joined the empty conference; wait music plays until it starts",
                    CROSS_BOTH
                ),
                transition(
                    Some(Populated),
                    InProgress,
                    "Alice joined with startConfOnEnter=true, so the conference started",
                    CROSS_BOTH
                ),
            ],
            vec![]
        )
    );
    assert!(
        outcome.transitions[1]
            .why
            .contains("Alice joined with startConfOnEnter=true")
    );
    assert_eq!(c.status(), InProgress);
    assert_eq!(c.participants(), &[person(ALICE, true)]);
    assert!(c.is_recording(), "record=true and inProgress");
}

#[test]
fn later_join_without_start_conf_on_enter_keeps_populated() {
    let mut c = populated();
    let outcome = c.join(person(BOB, false)).unwrap();
    assert_eq!(
        outcome,
        unchanged(
            "Bob joined; the conference waits for a participant with startConfOnEnter=true",
            vec![]
        )
    );
    assert_eq!(c.status(), Populated);
    assert_eq!(call_ids(&c), [call_id(ALICE), call_id(BOB)]);
}

#[test]
fn start_conf_on_enter_join_into_populated_starts_it() {
    let mut c = populated();
    assert!(!c.is_recording());
    let outcome = c.join(person(BOB, true)).unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![transition(
                Some(Populated),
                InProgress,
                "Bob joined with startConfOnEnter=true, so the conference started",
                None
            )],
            vec![]
        )
    );
    assert_eq!(c.status(), InProgress);
    assert_eq!(call_ids(&c), [call_id(ALICE), call_id(BOB)]);
    assert!(c.is_recording(), "recording starts with inProgress");
}

#[test]
fn later_joins_into_in_progress_change_nothing() {
    for starter in [false, true] {
        let mut c = in_progress();
        let outcome = c.join(person(CAROL, starter)).unwrap();
        assert_eq!(
            outcome,
            unchanged("Carol joined the conference in progress", vec![]),
            "startConfOnEnter={starter}"
        );
        assert_eq!(c.status(), InProgress);
        assert_eq!(call_ids(&c), [call_id(ALICE), call_id(BOB), call_id(CAROL)]);
        assert!(c.is_recording());
    }
}

#[test]
fn leave_from_populated_with_others_remaining_changes_nothing() {
    let mut c = conference_with(&[(ALICE, false), (BOB, false), (CAROL, false)]);
    let outcome = c.leave(&call_id(ALICE)).unwrap();
    assert_eq!(
        outcome,
        unchanged("Alice left; others remain", vec![person(ALICE, false)])
    );
    assert_eq!(c.status(), Populated);
    // The others keep their join order.
    assert_eq!(call_ids(&c), [call_id(BOB), call_id(CAROL)]);
}

#[test]
fn leave_from_in_progress_stays_in_progress_even_when_the_starter_leaves() {
    let mut c = in_progress();
    // Bob is the only start-moderator; the conference stays inProgress (a sandbox choice).
    let outcome = c.leave(&call_id(BOB)).unwrap();
    assert_eq!(
        outcome,
        unchanged(
            "Bob left; others remain, so the conference stays inProgress",
            vec![person(BOB, true)]
        )
    );
    assert_eq!(c.status(), InProgress);
    assert_eq!(call_ids(&c), [call_id(ALICE)]);
    assert!(c.is_recording());
    let row = table::lookup(Some(InProgress), Trigger::Leave).unwrap();
    assert_eq!(row.sandbox_choice, Some(STAYS_IN_PROGRESS));
}

#[test]
fn last_leave_from_populated_empties_and_the_conference_is_reusable() {
    let mut c = populated();
    let outcome = c.leave(&call_id(ALICE)).unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![transition(
                Some(Populated),
                Empty,
                "Alice, the last participant, left; the conference can be used again",
                None
            )],
            vec![person(ALICE, false)]
        )
    );
    assert_eq!(c.status(), Empty);
    assert!(c.participants().is_empty());

    // Reusable: the same call and another can join again, and the lifecycle starts over.
    let outcome = c.join(person(ALICE, false)).unwrap();
    assert_eq!(outcome.transitions.len(), 1);
    assert_eq!(
        (outcome.transitions[0].from, outcome.transitions[0].to),
        (Some(Empty), Populated)
    );
    c.join(person(BOB, true)).unwrap();
    assert_eq!(c.status(), InProgress);
}

#[test]
fn last_leave_from_in_progress_empties_stops_recording_and_forgets_the_start() {
    let mut c = conference_with(&[(ALICE, true)]);
    assert!(c.is_recording());
    let outcome = c.leave(&call_id(ALICE)).unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![transition(
                Some(InProgress),
                Empty,
                "Alice, the last participant, left; the conference can be used again",
                None
            )],
            vec![person(ALICE, true)]
        )
    );
    assert_eq!(c.status(), Empty);
    assert!(!c.is_recording());

    // Once empty, the earlier start no longer counts: a join without startConfOnEnter only populates.
    c.join(person(BOB, false)).unwrap();
    assert_eq!(c.status(), Populated);
    assert!(!c.is_recording());
}

#[test]
fn empty_all_on_empty_changes_nothing() {
    let mut c = new_conference();
    let outcome = c.empty_all("Operator").unwrap();
    assert_eq!(
        outcome,
        unchanged("the conference is already empty", vec![])
    );
    assert_eq!(c.status(), Empty);
}

#[test]
fn empty_all_on_populated_removes_everyone_and_is_reusable() {
    let mut c = conference_with(&[(ALICE, false), (BOB, false)]);
    let outcome = c.empty_all("Operator").unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![transition(
                Some(Populated),
                Empty,
                "Operator set status=empty: every participant was removed; the conference can be used again",
                REST_EMPTY
            )],
            vec![person(ALICE, false), person(BOB, false)]
        )
    );
    assert_eq!(c.status(), Empty);
    assert!(c.participants().is_empty());
    c.join(person(CAROL, false)).unwrap();
    assert_eq!(c.status(), Populated);
}

#[test]
fn empty_all_on_in_progress_removes_everyone_and_stops_recording() {
    let mut c = in_progress();
    let outcome = c.empty_all("Operator").unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![transition(
                Some(InProgress),
                Empty,
                "Operator set status=empty: every participant was removed; the conference can be used again",
                REST_EMPTY
            )],
            vec![person(ALICE, false), person(BOB, true)]
        )
    );
    assert_eq!(c.status(), Empty);
    assert!(!c.is_recording());
    c.join(person(CAROL, false)).unwrap();
    assert_eq!(c.status(), Populated, "the earlier start no longer counts");
}

#[test]
fn terminate_from_empty_reports_terminated_only() {
    let mut c = new_conference();
    let outcome = c.terminate("Operator").unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![transition(
                Some(Empty),
                Terminated,
                "Operator terminated the conference; it can never be used again",
                None
            )],
            vec![]
        )
    );
    assert_eq!(c.status(), Terminated);
    assert!(c.participants().is_empty());
}

#[test]
fn terminate_from_populated_reports_empty_then_terminated_and_removes_everyone() {
    let mut c = conference_with(&[(ALICE, false), (BOB, false)]);
    let outcome = c.terminate("Operator").unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![
                transition(
                    Some(Populated),
                    Empty,
                    "Operator terminated the conference: every participant was hung up",
                    None
                ),
                transition(
                    Some(Empty),
                    Terminated,
                    "Operator terminated the conference; it can never be used again",
                    None
                ),
            ],
            vec![person(ALICE, false), person(BOB, false)]
        )
    );
    assert_eq!(c.status(), Terminated);
    assert!(c.participants().is_empty());
    assert_eq!(c.participant(&call_id(ALICE)), None);
}

#[test]
fn terminate_from_in_progress_reports_empty_then_terminated_and_removes_everyone() {
    let mut c = in_progress();
    let outcome = c.terminate("Operator").unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![
                transition(
                    Some(InProgress),
                    Empty,
                    "Operator terminated the conference: every participant was hung up",
                    None
                ),
                transition(
                    Some(Empty),
                    Terminated,
                    "Operator terminated the conference; it can never be used again",
                    None
                ),
            ],
            vec![person(ALICE, false), person(BOB, true)]
        )
    );
    assert_eq!(c.status(), Terminated);
    assert!(c.participants().is_empty());
    assert!(!c.is_recording(), "recording stops with termination");
}

#[test]
fn participant_updates_never_change_the_status() {
    for make in [populated as fn() -> Conference, in_progress] {
        let mut c = make();
        let status = c.status();
        let recording = c.is_recording();
        let order = call_ids(&c);

        let outcome = c
            .update_participant(
                &call_id(ALICE),
                ParticipantUpdate {
                    talk: Some(false),
                    ..ParticipantUpdate::default()
                },
            )
            .unwrap();
        assert_eq!(
            outcome,
            unchanged(
                "Alice now has talk=false; participant changes never change the status",
                vec![]
            )
        );
        let flags = c.participant(&call_id(ALICE)).unwrap().flags;
        assert_eq!(
            (flags.talk, flags.listen, flags.dtmf_pass_through),
            (false, true, true)
        );

        let outcome = c
            .update_participant(
                &call_id(ALICE),
                ParticipantUpdate {
                    listen: Some(false),
                    ..ParticipantUpdate::default()
                },
            )
            .unwrap();
        assert_eq!(
            outcome.unchanged.as_deref(),
            Some("Alice now has listen=false; participant changes never change the status")
        );

        let outcome = c
            .update_participant(
                &call_id(ALICE),
                ParticipantUpdate {
                    dtmf_pass_through: Some(false),
                    ..ParticipantUpdate::default()
                },
            )
            .unwrap();
        assert_eq!(
            outcome.unchanged.as_deref(),
            Some(
                "Alice now has dtmfPassThrough=false; participant changes never change the status"
            )
        );
        let flags = c.participant(&call_id(ALICE)).unwrap().flags;
        assert_eq!(
            (flags.talk, flags.listen, flags.dtmf_pass_through),
            (false, false, false)
        );

        let outcome = c
            .update_participant(
                &call_id(ALICE),
                ParticipantUpdate {
                    talk: Some(true),
                    listen: Some(true),
                    dtmf_pass_through: Some(true),
                },
            )
            .unwrap();
        assert_eq!(
            outcome,
            unchanged(
                "Alice now has talk=true, listen=true, dtmfPassThrough=true; participant changes never change the status",
                vec![]
            )
        );

        let outcome = c
            .update_participant(&call_id(ALICE), ParticipantUpdate::default())
            .unwrap();
        assert_eq!(
            outcome,
            unchanged(
                "Alice now has nothing; participant changes never change the status",
                vec![]
            )
        );

        // startConfOnEnter is not updatable, and nothing but the flags changed.
        let alice = c.participant(&call_id(ALICE)).unwrap();
        assert_eq!(
            alice.flags,
            ParticipantFlags {
                start_conf_on_enter: false,
                ..ParticipantFlags::default()
            }
        );
        assert_eq!(c.status(), status);
        assert_eq!(c.is_recording(), recording);
        assert_eq!(call_ids(&c), order);
    }
}

#[test]
fn is_recording_exactly_while_in_progress_with_record() {
    for record in [false, true] {
        let mut c = Conference::create(conf_id(1), settings(record), "Operator").0;
        assert!(!c.is_recording());
        c.join(person(ALICE, false)).unwrap();
        assert!(!c.is_recording());
        c.join(person(BOB, true)).unwrap();
        assert_eq!(c.is_recording(), record);
        c.leave(&call_id(BOB)).unwrap();
        assert_eq!(c.is_recording(), record, "still inProgress");
        c.leave(&call_id(ALICE)).unwrap();
        assert!(!c.is_recording());
        c.join(person(ALICE, true)).unwrap();
        assert_eq!(c.is_recording(), record);
        c.terminate("Operator").unwrap();
        assert!(!c.is_recording());
    }
}

/// Walks TABLE itself: for every row, puts a conference in the row's status, fires the row's trigger through the
/// public API and checks that exactly the row's steps are reported, so a row added later is tested too.
#[test]
fn every_row_of_the_table_runs_as_declared() {
    for row in TABLE {
        let who = match row.trigger {
            Trigger::Create | Trigger::EmptyAll | Trigger::Terminate => "Operator",
            Trigger::Join | Trigger::JoinStarter => "Carol",
            Trigger::Leave | Trigger::LeaveLast => "Alice",
        };
        let (c, outcome) = match row.from {
            None => {
                assert_eq!(row.trigger, Trigger::Create, "{row:?}");
                Conference::create(conf_id(1), settings(true), who)
            }
            Some(from) => {
                let mut c = match from {
                    Empty => new_conference(),
                    Populated => populated(),
                    InProgress => in_progress(),
                    Terminated => panic!("terminated has no rows: {row:?}"),
                };
                if row.trigger == Trigger::Leave {
                    c.join(person(CAROL, false)).unwrap();
                }
                if row.trigger == Trigger::LeaveLast && from == InProgress {
                    c.leave(&call_id(BOB)).unwrap();
                }
                assert_eq!(c.status(), from, "set-up for {row:?}");
                let outcome = match row.trigger {
                    Trigger::Create => unreachable!("only from None"),
                    Trigger::Join => c.join(person(CAROL, false)),
                    Trigger::JoinStarter => c.join(person(CAROL, true)),
                    Trigger::Leave | Trigger::LeaveLast => c.leave(&call_id(ALICE)),
                    Trigger::EmptyAll => c.empty_all(who),
                    Trigger::Terminate => c.terminate(who),
                }
                .unwrap_or_else(|e| panic!("{row:?}: {e}"));
                (c, outcome)
            }
        };
        let mut at = row.from;
        let expected: Vec<Transition> = row
            .steps
            .iter()
            .map(|s| {
                let t = Transition {
                    conference_id: conf_id(1),
                    from: at,
                    to: s.to,
                    why: s.why.replace("{who}", who),
                    sandbox_choice: row.sandbox_choice,
                };
                at = Some(s.to);
                t
            })
            .collect();
        assert_eq!(outcome.transitions, expected, "{row:?}");
        assert_eq!(
            outcome.unchanged,
            row.steps
                .is_empty()
                .then(|| row.unchanged.replace("{who}", who)),
            "{row:?}"
        );
        assert_eq!(Some(c.status()), row.to(), "{row:?}");
        assert!(
            !outcome.transitions.iter().any(|t| t.why.contains('{')),
            "{row:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The registry: a call is in at most one conference
// ---------------------------------------------------------------------------------------------------------------

/// Two conferences, `conf_id(1)` with Alice (no start) and `conf_id(2)` with Bob (starter).
fn two_conferences() -> Conferences {
    let mut all = Conferences::new();
    all.create(conf_id(1), settings(false), "Operator").unwrap();
    all.create(conf_id(2), settings(true), "Operator").unwrap();
    all.join(&conf_id(1), person(ALICE, false)).unwrap();
    all.join(&conf_id(2), person(BOB, true)).unwrap();
    all
}

#[test]
fn registry_create_lists_conferences_in_creation_order() {
    let mut all = Conferences::new();
    assert!(all.is_empty());
    let outcome = all.create(conf_id(2), settings(false), "Operator").unwrap();
    assert_eq!(
        outcome,
        changed(
            vec![Transition {
                conference_id: conf_id(2),
                ..transition(
                    None,
                    Empty,
                    "Operator created the conference; it waits for participants",
                    CREATION_CHOICE
                )
            }],
            vec![]
        )
    );
    all.create(conf_id(1), settings(true), "Operator").unwrap();
    assert_eq!(all.len(), 2);
    assert!(!all.is_empty());
    let ids: Vec<&str> = all.iter().map(Conference::id).collect();
    assert_eq!(ids, [conf_id(2), conf_id(1)]);
    assert_eq!(all.get(&conf_id(1)).unwrap().settings(), &settings(true));
}

#[test]
fn registry_tracks_which_conference_a_call_is_in() {
    let mut all = two_conferences();
    assert_eq!(
        all.conference_of(&call_id(ALICE)).map(Conference::id),
        Some(conf_id(1).as_str())
    );
    assert_eq!(
        all.conference_of(&call_id(BOB)).map(Conference::id),
        Some(conf_id(2).as_str())
    );
    assert!(all.conference_of(&call_id(CAROL)).is_none());

    // leave by call id finds the conference.
    let outcome = all.leave(&call_id(ALICE)).unwrap();
    assert_eq!(outcome.removed, [person(ALICE, false)]);
    assert_eq!(outcome.transitions[0].conference_id, conf_id(1));
    assert!(all.conference_of(&call_id(ALICE)).is_none());
    assert_eq!(all.get(&conf_id(1)).unwrap().status(), Empty);

    // Once out, the call may join another conference.
    all.join(&conf_id(2), person(ALICE, false)).unwrap();
    assert_eq!(
        all.conference_of(&call_id(ALICE)).map(Conference::id),
        Some(conf_id(2).as_str())
    );

    // remove_participant, empty_all and terminate all release the calls they remove.
    let outcome = all
        .remove_participant(&conf_id(2), &call_id(ALICE))
        .unwrap();
    assert_eq!(
        outcome,
        unchanged(
            "Alice left; others remain, so the conference stays inProgress",
            vec![person(ALICE, false)]
        )
    );
    assert!(all.conference_of(&call_id(ALICE)).is_none());

    all.join(&conf_id(2), person(CAROL, false)).unwrap();
    let outcome = all.empty_all(&conf_id(2), "Operator").unwrap();
    assert_eq!(outcome.removed, [person(BOB, true), person(CAROL, false)]);
    assert!(all.conference_of(&call_id(BOB)).is_none());
    assert!(all.conference_of(&call_id(CAROL)).is_none());

    all.join(&conf_id(1), person(BOB, false)).unwrap();
    all.join(&conf_id(1), person(CAROL, true)).unwrap();
    let outcome = all.terminate(&conf_id(1), "Operator").unwrap();
    assert_eq!(outcome.removed, [person(BOB, false), person(CAROL, true)]);
    assert_eq!(
        outcome
            .transitions
            .iter()
            .map(|t| (t.from, t.to))
            .collect::<Vec<_>>(),
        [(Some(InProgress), Empty), (Some(Empty), Terminated)]
    );
    assert!(all.conference_of(&call_id(BOB)).is_none());
    assert!(all.conference_of(&call_id(CAROL)).is_none());

    // A terminated conference stays listed, and its former participants are free to join elsewhere.
    assert_eq!(all.len(), 2);
    assert_eq!(all.get(&conf_id(1)).unwrap().status(), Terminated);
    all.join(&conf_id(2), person(BOB, false)).unwrap();
    assert_eq!(all.get(&conf_id(2)).unwrap().status(), Populated);
}

#[test]
fn registry_update_participant_changes_only_flags() {
    let mut all = two_conferences();
    let before_status = all.get(&conf_id(2)).unwrap().status();
    let outcome = all
        .update_participant(
            &conf_id(2),
            &call_id(BOB),
            ParticipantUpdate {
                listen: Some(false),
                ..ParticipantUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(
        outcome,
        unchanged(
            "Bob now has listen=false; participant changes never change the status",
            vec![]
        )
    );
    let bob = all
        .get(&conf_id(2))
        .unwrap()
        .participant(&call_id(BOB))
        .unwrap();
    assert!(!bob.flags.listen);
    assert_eq!(all.get(&conf_id(2)).unwrap().status(), before_status);
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Every rejected operation
// ---------------------------------------------------------------------------------------------------------------

/// Runs `op`, asserts it fails with exactly `expected`, that the message contains every one of `mentions`, and
/// that the registry is exactly as it was.
#[track_caller]
fn assert_rejected(
    all: &mut Conferences,
    op: impl FnOnce(&mut Conferences) -> Result<Outcome, ConferenceError>,
    expected: ConferenceError,
    mentions: &[&str],
) {
    let before = all.clone();
    let error = op(all).expect_err("the operation must be rejected");
    assert_eq!(error, expected);
    let message = error.to_string();
    for m in mentions {
        assert!(message.contains(m), "{message:?} should mention {m:?}");
    }
    assert_eq!(*all, before, "a rejected operation changes nothing");
}

/// The advice every "terminated" message must give.
const CREATE_NEW: &str = "create a new conference";

/// A registry where `conf_id(1)` was terminated (it had Alice) and `conf_id(2)` is inProgress with Bob.
fn with_terminated() -> Conferences {
    let mut all = two_conferences();
    all.terminate(&conf_id(1), "Operator").unwrap();
    all
}

#[test]
fn every_operation_on_a_terminated_conference_is_rejected() {
    let mut all = with_terminated();
    let t = || ConferenceError::Terminated(conf_id(1));
    let mentions = [conf_id(1), "terminated".to_owned(), CREATE_NEW.to_owned()];
    let mentions: Vec<&str> = mentions.iter().map(String::as_str).collect();

    assert_rejected(
        &mut all,
        |a| a.join(&conf_id(1), person(CAROL, false)),
        t(),
        &mentions,
    );
    assert_rejected(
        &mut all,
        |a| a.join(&conf_id(1), person(CAROL, true)),
        t(),
        &mentions,
    );
    // Alice was hung up by the termination: she is free, but still cannot rejoin the terminated conference.
    assert_rejected(
        &mut all,
        |a| a.join(&conf_id(1), person(ALICE, false)),
        t(),
        &mentions,
    );
    assert_rejected(
        &mut all,
        |a| a.remove_participant(&conf_id(1), &call_id(ALICE)),
        t(),
        &mentions,
    );
    assert_rejected(
        &mut all,
        |a| {
            a.update_participant(
                &conf_id(1),
                &call_id(ALICE),
                ParticipantUpdate {
                    talk: Some(false),
                    ..ParticipantUpdate::default()
                },
            )
        },
        t(),
        &mentions,
    );
    assert_rejected(
        &mut all,
        |a| a.empty_all(&conf_id(1), "Operator"),
        t(),
        &mentions,
    );
    assert_rejected(
        &mut all,
        |a| a.terminate(&conf_id(1), "Operator"),
        t(),
        &mentions,
    );
    assert_eq!(all.get(&conf_id(1)).unwrap().status(), Terminated);
}

#[test]
fn joining_a_terminated_conference_with_a_call_busy_elsewhere_says_terminated() {
    // Both are true, but "terminated" is the one worth saying: leaving the other conference would not help.
    let mut all = with_terminated();
    assert_rejected(
        &mut all,
        |a| a.join(&conf_id(1), person(BOB, false)),
        ConferenceError::Terminated(conf_id(1)),
        &[&conf_id(1), CREATE_NEW],
    );
}

#[test]
fn every_operation_on_a_terminated_conference_value_is_rejected() {
    let mut c = conference_with(&[(ALICE, true)]);
    c.terminate("Operator").unwrap();
    let before = c.clone();
    let t = ConferenceError::Terminated(conf_id(1));
    assert_eq!(c.join(person(BOB, false)), Err(t.clone()));
    assert_eq!(c.join(person(ALICE, true)), Err(t.clone()));
    assert_eq!(c.leave(&call_id(ALICE)), Err(t.clone()));
    assert_eq!(
        c.update_participant(&call_id(ALICE), ParticipantUpdate::default()),
        Err(t.clone())
    );
    assert_eq!(c.empty_all("Operator"), Err(t.clone()));
    assert_eq!(c.terminate("Operator"), Err(t.clone()));
    assert_eq!(c, before);
    assert_eq!(c.status(), Terminated);
}

#[test]
fn operations_on_an_unknown_conference_are_rejected() {
    let mut all = two_conferences();
    let unknown = conf_id(9);
    let u = || ConferenceError::UnknownConference(conf_id(9));
    let mentions = [unknown.as_str(), "create one first", "conferenceId"];
    assert_eq!(all.get(&unknown).unwrap_err(), u());
    assert_rejected(
        &mut all,
        |a| a.join(&unknown, person(CAROL, true)),
        u(),
        &mentions,
    );
    // Unknown conference comes first, even for a call that is busy elsewhere.
    assert_rejected(
        &mut all,
        |a| a.join(&unknown, person(ALICE, true)),
        u(),
        &mentions,
    );
    assert_rejected(
        &mut all,
        |a| a.remove_participant(&unknown, &call_id(ALICE)),
        u(),
        &mentions,
    );
    assert_rejected(
        &mut all,
        |a| a.update_participant(&unknown, &call_id(ALICE), ParticipantUpdate::default()),
        u(),
        &mentions,
    );
    assert_rejected(
        &mut all,
        |a| a.empty_all(&unknown, "Operator"),
        u(),
        &mentions,
    );
    assert_rejected(
        &mut all,
        |a| a.terminate(&unknown, "Operator"),
        u(),
        &mentions,
    );
}

#[test]
fn a_call_already_in_a_conference_cannot_join_again() {
    let mut all = two_conferences();
    let expected = || ConferenceError::AlreadyInConference {
        call_id: call_id(ALICE),
        conference_id: conf_id(1),
    };
    let mentions = [
        call_id(ALICE),
        conf_id(1),
        "remove it from there first".to_owned(),
    ];
    let mentions: Vec<&str> = mentions.iter().map(String::as_str).collect();
    // The same conference, with either flag.
    assert_rejected(
        &mut all,
        |a| a.join(&conf_id(1), person(ALICE, false)),
        expected(),
        &mentions,
    );
    assert_rejected(
        &mut all,
        |a| a.join(&conf_id(1), person(ALICE, true)),
        expected(),
        &mentions,
    );
    // Another conference: the error names the one the call is in.
    assert_rejected(
        &mut all,
        |a| a.join(&conf_id(2), person(ALICE, true)),
        expected(),
        &mentions,
    );
}

#[test]
fn a_single_conference_rejects_a_call_it_already_has() {
    let mut c = populated();
    let before = c.clone();
    let error = c.join(person(ALICE, true)).unwrap_err();
    assert_eq!(
        error,
        ConferenceError::AlreadyInConference {
            call_id: call_id(ALICE),
            conference_id: conf_id(1)
        }
    );
    assert!(error.to_string().contains(&call_id(ALICE)));
    assert_eq!(c, before);
}

#[test]
fn leave_of_a_call_in_no_conference_is_rejected() {
    let mut all = two_conferences();
    assert_rejected(
        &mut all,
        |a| a.leave(&call_id(CAROL)),
        ConferenceError::NotAParticipant {
            call_id: call_id(CAROL),
            conference_id: None,
        },
        &[&call_id(CAROL), "not in any conference", "add it first"],
    );
}

#[test]
fn leave_of_a_non_participant_of_one_conference_is_rejected() {
    for mut c in [new_conference(), populated(), in_progress()] {
        let before = c.clone();
        let error = c.leave(&call_id(CAROL)).unwrap_err();
        assert_eq!(
            error,
            ConferenceError::NotAParticipant {
                call_id: call_id(CAROL),
                conference_id: Some(conf_id(1))
            }
        );
        let message = error.to_string();
        assert!(
            message.contains(&call_id(CAROL)) && message.contains(&conf_id(1)),
            "{message}"
        );
        assert!(message.contains("list its participants"), "{message}");
        assert_eq!(c, before);
    }
}

#[test]
fn update_of_a_non_participant_is_rejected() {
    let mut all = two_conferences();
    all.create(conf_id(3), settings(false), "Operator").unwrap();
    let not_in = |call: u8, conf: u8| ConferenceError::NotAParticipant {
        call_id: call_id(call),
        conference_id: Some(conf_id(conf)),
    };
    let update = ParticipantUpdate {
        talk: Some(false),
        ..ParticipantUpdate::default()
    };
    // A call in no conference; a call in another conference; any call in an empty conference.
    for (call, conf) in [(CAROL, 1), (BOB, 1), (ALICE, 3)] {
        assert_rejected(
            &mut all,
            |a| a.update_participant(&conf_id(conf), &call_id(call), update),
            not_in(call, conf),
            &[&call_id(call), &conf_id(conf), "list its participants"],
        );
    }
    // The single-conference API says the same.
    let mut c = new_conference();
    assert_eq!(
        c.update_participant(&call_id(ALICE), update),
        Err(ConferenceError::NotAParticipant {
            call_id: call_id(ALICE),
            conference_id: Some(conf_id(1))
        })
    );
}

#[test]
fn remove_participant_naming_the_wrong_conference_is_rejected() {
    let mut all = two_conferences();
    all.create(conf_id(3), settings(false), "Operator").unwrap();
    // Alice is in conf 1, not conf 2 (inProgress) or conf 3 (empty); Carol is nowhere.
    for (call, conf) in [(ALICE, 2), (ALICE, 3), (CAROL, 1)] {
        assert_rejected(
            &mut all,
            |a| a.remove_participant(&conf_id(conf), &call_id(call)),
            ConferenceError::NotAParticipant {
                call_id: call_id(call),
                conference_id: Some(conf_id(conf)),
            },
            &[&call_id(call), &conf_id(conf), "list its participants"],
        );
    }
    assert_eq!(
        all.conference_of(&call_id(ALICE)).map(Conference::id),
        Some(conf_id(1).as_str())
    );
}

#[test]
fn a_duplicate_conference_id_is_rejected_even_after_termination() {
    let mut all = with_terminated();
    for id in [conf_id(1), conf_id(2)] {
        assert_rejected(
            &mut all,
            |a| a.create(id.clone(), settings(false), "Operator"),
            ConferenceError::DuplicateId(id.clone()),
            &[&id, "already taken", "new id"],
        );
    }
}

#[test]
fn not_allowed_names_the_conference_status_and_trigger() {
    // No public operation reaches a missing row of a live status (Leave needs a participant, which `empty`
    // lacks), but the message must still be precise should one ever be reached.
    let error = ConferenceError::NotAllowed {
        conference_id: conf_id(1),
        status: Empty,
        trigger: Trigger::Leave,
    };
    assert_eq!(
        error.to_string(),
        format!(
            "conference {} is empty, where \"leave (others remain)\" is not possible (see the transition table)",
            conf_id(1)
        )
    );
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Properties over random operation sequences
// ---------------------------------------------------------------------------------------------------------------

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    proptest! {
        /// The reason filler agrees with `str::replace` on any template, braces and partial keys included.
        #[test]
        fn fill_who_is_replace(template in "[a-z{}who ]{0,24}", who in "[A-Za-z{} ]{0,8}") {
            prop_assert_eq!(fill_who(&template, &who), template.replace("{who}", &who));
        }
    }

    /// How many conference and call ids the generator draws from; some are never created, so invalid ids occur.
    const CONFS: u8 = 4;
    const CALLS: u8 = 6;

    /// One operation on the registry, with small-number ids.
    #[derive(Clone, Debug)]
    enum Op {
        Create {
            conf: u8,
            record: bool,
        },
        Join {
            conf: u8,
            call: u8,
            flags: ParticipantFlags,
        },
        Leave {
            call: u8,
        },
        Remove {
            conf: u8,
            call: u8,
        },
        Update {
            conf: u8,
            call: u8,
            update: ParticipantUpdate,
        },
        EmptyAll {
            conf: u8,
        },
        Terminate {
            conf: u8,
        },
    }

    impl Op {
        /// The conference the operation names, if it names one.
        fn conf(&self) -> Option<u8> {
            match *self {
                Op::Create { conf, .. }
                | Op::Join { conf, .. }
                | Op::Remove { conf, .. }
                | Op::Update { conf, .. }
                | Op::EmptyAll { conf }
                | Op::Terminate { conf } => Some(conf),
                Op::Leave { .. } => None,
            }
        }
    }

    fn participant(call: u8, flags: ParticipantFlags) -> Participant {
        Participant {
            call_id: call_id(call),
            label: format!("P{call}"),
            flags,
        }
    }

    /// One random operation. It is drawn as a single number and decoded, which in a debug build is an order of
    /// magnitude cheaper than a union of tuple strategies; shrinking still drops whole operations first.
    fn op() -> impl Strategy<Value = Op> {
        any::<u32>().prop_map(decode)
    }

    /// Decodes a number into an operation: the low 4 bits pick the kind (joins are the most frequent, so
    /// conferences fill up), the rest the ids and flags.
    fn decode(n: u32) -> Op {
        let mut rest = n >> 4;
        let mut take = |choices: u32| {
            let v = rest % choices;
            rest /= choices;
            v
        };
        let conf = take(u32::from(CONFS)) as u8;
        let call = take(u32::from(CALLS)) as u8;
        let mut bit = || take(2) == 1;
        let flags = ParticipantFlags {
            talk: bit(),
            listen: bit(),
            start_conf_on_enter: bit(),
            dtmf_pass_through: bit(),
        };
        let record = bit();
        let mut maybe = || [None, Some(false), Some(true)][take(3) as usize];
        let update = ParticipantUpdate {
            talk: maybe(),
            listen: maybe(),
            dtmf_pass_through: maybe(),
        };
        match n & 0xf {
            0..=1 => Op::Create { conf, record },
            2..=7 => Op::Join { conf, call, flags },
            8..=9 => Op::Leave { call },
            10..=11 => Op::Remove { conf, call },
            12..=13 => Op::Update { conf, call, update },
            14 => Op::EmptyAll { conf },
            _ => Op::Terminate { conf },
        }
    }

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        prop::collection::vec(op(), 1..48)
    }

    /// The tiny independent model: per conference, whether it is terminated, who is in it (in join order, with
    /// flags), and whether a startConfOnEnter join happened since it was last empty.
    #[derive(Clone, Debug, Default)]
    struct Model {
        confs: BTreeMap<u8, ModelConf>,
    }

    #[derive(Clone, Debug, Default)]
    struct ModelConf {
        record: bool,
        terminated: bool,
        started: bool,
        members: Vec<(u8, ParticipantFlags)>,
    }

    impl ModelConf {
        fn status(&self) -> ConferenceStatus {
            match (self.terminated, self.members.is_empty(), self.started) {
                (true, _, _) => Terminated,
                (false, true, _) => Empty,
                (false, false, false) => Populated,
                (false, false, true) => InProgress,
            }
        }

        fn clear(&mut self) -> Vec<u8> {
            self.started = false;
            self.members.drain(..).map(|(call, _)| call).collect()
        }
    }

    impl Model {
        fn where_is(&self, call: u8) -> Option<u8> {
            self.confs
                .iter()
                .find(|(_, c)| c.members.iter().any(|&(m, _)| m == call))
                .map(|(&id, _)| id)
        }

        /// The live conference `conf`, or the error an operation on it gets.
        fn live(&mut self, conf: u8) -> Result<&mut ModelConf, ConferenceError> {
            match self.confs.get_mut(&conf) {
                None => Err(ConferenceError::UnknownConference(conf_id(conf))),
                Some(c) if c.terminated => Err(ConferenceError::Terminated(conf_id(conf))),
                Some(c) => Ok(c),
            }
        }

        fn remove(&mut self, conf: u8, call: u8) -> Vec<u8> {
            let c = self
                .confs
                .get_mut(&conf)
                .expect("the call's conference exists");
            c.members.retain(|&(m, _)| m != call);
            if c.members.is_empty() {
                c.started = false;
            }
            vec![call]
        }

        /// Applies `op`; returns the calls it removed, or the exact error the real code must give.
        fn apply(&mut self, op: &Op) -> Result<Vec<u8>, ConferenceError> {
            match *op {
                Op::Create { conf, record } => {
                    if self.confs.contains_key(&conf) {
                        return Err(ConferenceError::DuplicateId(conf_id(conf)));
                    }
                    self.confs.insert(
                        conf,
                        ModelConf {
                            record,
                            ..ModelConf::default()
                        },
                    );
                    Ok(vec![])
                }
                Op::Join { conf, call, flags } => {
                    self.live(conf)?;
                    if let Some(other) = self.where_is(call) {
                        return Err(ConferenceError::AlreadyInConference {
                            call_id: call_id(call),
                            conference_id: conf_id(other),
                        });
                    }
                    let c = self.live(conf)?;
                    c.members.push((call, flags));
                    c.started |= flags.start_conf_on_enter;
                    Ok(vec![])
                }
                Op::Leave { call } => match self.where_is(call) {
                    None => Err(ConferenceError::NotAParticipant {
                        call_id: call_id(call),
                        conference_id: None,
                    }),
                    Some(conf) => Ok(self.remove(conf, call)),
                },
                Op::Remove { conf, call } => {
                    self.live(conf)?;
                    if self.where_is(call) != Some(conf) {
                        return Err(ConferenceError::NotAParticipant {
                            call_id: call_id(call),
                            conference_id: Some(conf_id(conf)),
                        });
                    }
                    Ok(self.remove(conf, call))
                }
                Op::Update { conf, call, update } => {
                    let c = self.live(conf)?;
                    let Some((_, flags)) = c.members.iter_mut().find(|(m, _)| *m == call) else {
                        return Err(ConferenceError::NotAParticipant {
                            call_id: call_id(call),
                            conference_id: Some(conf_id(conf)),
                        });
                    };
                    flags.talk = update.talk.unwrap_or(flags.talk);
                    flags.listen = update.listen.unwrap_or(flags.listen);
                    flags.dtmf_pass_through =
                        update.dtmf_pass_through.unwrap_or(flags.dtmf_pass_through);
                    Ok(vec![])
                }
                Op::EmptyAll { conf } => Ok(self.live(conf)?.clear()),
                Op::Terminate { conf } => {
                    let c = self.live(conf)?;
                    c.terminated = true;
                    Ok(c.clear())
                }
            }
        }
    }

    /// The statuses an accepted operation reports, by the reference's rules: nothing when the status stays; a
    /// join that crosses empty → inProgress reports populated then inProgress; a terminate with participants
    /// reports empty then terminated; anything else reports its new status.
    fn reported(
        before: Option<ConferenceStatus>,
        after: ConferenceStatus,
    ) -> Vec<ConferenceStatus> {
        match (before, after) {
            (Some(b), a) if b == a => vec![],
            (Some(Empty), InProgress) => vec![Populated, InProgress],
            (Some(Populated | InProgress), Terminated) => vec![Empty, Terminated],
            (_, a) => vec![a],
        }
    }

    fn run_op(all: &mut Conferences, op: &Op) -> Result<Outcome, ConferenceError> {
        match *op {
            Op::Create { conf, record } => all.create(conf_id(conf), settings(record), "Operator"),
            Op::Join { conf, call, flags } => all.join(&conf_id(conf), participant(call, flags)),
            Op::Leave { call } => all.leave(&call_id(call)),
            Op::Remove { conf, call } => all.remove_participant(&conf_id(conf), &call_id(call)),
            Op::Update { conf, call, update } => {
                all.update_participant(&conf_id(conf), &call_id(call), update)
            }
            Op::EmptyAll { conf } => all.empty_all(&conf_id(conf), "Operator"),
            Op::Terminate { conf } => all.terminate(&conf_id(conf), "Operator"),
        }
    }

    /// Everything a property may look at after one operation.
    struct Step<'a> {
        op: &'a Op,
        before: &'a Conferences,
        after: &'a Conferences,
        result: &'a Result<Outcome, ConferenceError>,
        /// The model after the operation, and what it expected.
        model: &'a Model,
        expected: &'a Result<Vec<u8>, ConferenceError>,
        /// The statuses the model says an accepted operation reports.
        reported: Vec<ConferenceStatus>,
        /// The conference the operation addressed (for a leave: the one the call was in), if any.
        target: Option<u8>,
        /// The conferences that were terminated before this operation.
        terminated_before: &'a BTreeSet<u8>,
    }

    /// Runs `ops` from scratch, calling `check` after every operation; returns every result and the final registry.
    fn replay(
        ops: &[Op],
        mut check: impl FnMut(&Step) -> Result<(), TestCaseError>,
    ) -> Result<(Vec<Result<Outcome, ConferenceError>>, Conferences), TestCaseError> {
        let mut all = Conferences::new();
        let mut model = Model::default();
        let mut results = Vec::with_capacity(ops.len());
        for op in ops {
            let target = op.conf().or_else(|| match *op {
                Op::Leave { call } => model.where_is(call),
                _ => None,
            });
            let terminated_before: BTreeSet<u8> = model
                .confs
                .iter()
                .filter(|(_, c)| c.terminated)
                .map(|(&id, _)| id)
                .collect();
            let before = all.clone();
            let model_status =
                |m: &Model| target.and_then(|t| m.confs.get(&t)).map(ModelConf::status);
            let status_before = model_status(&model);
            let expected = model.apply(op);
            let reported = match model_status(&model) {
                Some(after) if expected.is_ok() => reported(status_before, after),
                _ => vec![],
            };
            let result = run_op(&mut all, op);
            check(&Step {
                op,
                before: &before,
                after: &all,
                result: &result,
                model: &model,
                expected: &expected,
                reported,
                target,
                terminated_before: &terminated_before,
            })?;
            results.push(result);
        }
        Ok((results, all))
    }

    fn status_of(all: &Conferences, conf: u8) -> Option<ConferenceStatus> {
        all.get(&conf_id(conf)).ok().map(Conference::status)
    }

    fn config() -> ProptestConfig {
        // Modest by default so the suite stays fast; PROPTEST_CASES=10000 cargo test runs deeper.
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(512);
        ProptestConfig {
            cases,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config())]

        /// The real code accepts exactly what the model accepts, rejects with exactly the model's error, removes
        /// exactly the participants the model removes and reports exactly the statuses the model predicts.
        #[test]
        fn accepts_and_rejects_like_the_model(ops in ops()) {
            replay(&ops, |s| {
                match (s.result, s.expected) {
                    (Ok(outcome), Ok(removed)) => {
                        let got: Vec<String> = outcome.removed.iter().map(|p| p.call_id.clone()).collect();
                        let want: Vec<String> = removed.iter().map(|&c| call_id(c)).collect();
                        prop_assert_eq!(got, want, "{:?}", s.op);
                        let statuses: Vec<ConferenceStatus> = outcome.transitions.iter().map(|t| t.to).collect();
                        prop_assert_eq!(&statuses, &s.reported, "{:?}", s.op);
                    }
                    (Err(got), Err(want)) => prop_assert_eq!(got, want, "{:?}", s.op),
                    (got, want) => prop_assert!(false, "{:?}: got {:?}, the model expected {:?}", s.op, got, want),
                }
                Ok(())
            })?;
        }

        /// (a) The status matches the participant set: live and nobody ⇔ empty; participants and no
        /// startConfOnEnter join since last empty ⇔ populated; with one ⇔ inProgress; terminated ⇒ nobody.
        #[test]
        fn status_matches_the_participant_set(ops in ops()) {
            replay(&ops, |s| {
                prop_assert_eq!(s.after.len(), s.model.confs.len());
                for (&id, m) in &s.model.confs {
                    let c = s.after.get(&conf_id(id)).expect("the model's conference exists");
                    let status = c.status();
                    prop_assert_eq!(status, m.status(), "conference {} after {:?}", id, s.op);
                    let got: Vec<(String, ParticipantFlags)> =
                        c.participants().iter().map(|p| (p.call_id.clone(), p.flags)).collect();
                    let want: Vec<(String, ParticipantFlags)> =
                        m.members.iter().map(|&(call, f)| (call_id(call), f)).collect();
                    prop_assert_eq!(got, want, "participants of {} after {:?}", id, s.op);
                    // Stated without the model, too.
                    match status {
                        Empty | Terminated => prop_assert!(c.participants().is_empty()),
                        Populated | InProgress => prop_assert!(!c.participants().is_empty()),
                    }
                }
                Ok(())
            })?;
        }

        /// (b) terminated is final: every later operation on it is rejected as Terminated, and it never changes.
        #[test]
        fn terminated_is_final(ops in ops()) {
            replay(&ops, |s| {
                for &id in s.terminated_before {
                    prop_assert_eq!(status_of(s.after, id), Some(Terminated), "{} after {:?}", id, s.op);
                    prop_assert_eq!(s.after.get(&conf_id(id)), s.before.get(&conf_id(id)));
                    if s.op.conf() == Some(id) {
                        let expected = match s.op {
                            Op::Create { .. } => ConferenceError::DuplicateId(conf_id(id)),
                            _ => ConferenceError::Terminated(conf_id(id)),
                        };
                        prop_assert_eq!(s.result.as_ref().err(), Some(&expected), "{:?}", s.op);
                    }
                }
                Ok(())
            })?;
        }

        /// (c) A call is in at most one conference, and `conference_of` agrees with the participant lists.
        #[test]
        fn a_call_is_in_at_most_one_conference(ops in ops()) {
            replay(&ops, |s| {
                let mut seen: BTreeMap<String, String> = BTreeMap::new();
                for c in s.after.iter() {
                    for p in c.participants() {
                        let twice = seen.insert(p.call_id.clone(), c.id().to_owned());
                        prop_assert!(twice.is_none(), "{} is in {:?} and {} after {:?}", p.call_id, twice, c.id(), s.op);
                    }
                }
                for call in 0..=CALLS {
                    let id = call_id(call);
                    prop_assert_eq!(
                        s.after.conference_of(&id).map(Conference::id),
                        seen.get(&id).map(String::as_str),
                        "conference_of({}) after {:?}", id, s.op
                    );
                }
                Ok(())
            })?;
        }

        /// (d) Reported transitions chain from the old status to the new one; a rejected operation reports nothing
        /// and changes nothing; other conferences are untouched.
        #[test]
        fn transitions_chain_and_rejections_change_nothing(ops in ops()) {
            replay(&ops, |s| {
                let outcome = match s.result {
                    Err(_) => {
                        prop_assert_eq!(s.after, s.before, "rejected {:?} changed something", s.op);
                        return Ok(());
                    }
                    Ok(outcome) => outcome,
                };
                let target = s.target.expect("an accepted operation addresses a conference");
                let old = status_of(s.before, target);
                let new = status_of(s.after, target);
                let mut at = old;
                for t in &outcome.transitions {
                    prop_assert_eq!(&t.conference_id, &conf_id(target));
                    prop_assert_eq!(t.from, at, "{:?}: {:?}", s.op, outcome.transitions);
                    prop_assert_ne!(Some(t.to), t.from, "a reported transition changes the status");
                    prop_assert!(!t.why.is_empty());
                    at = Some(t.to);
                }
                prop_assert_eq!(at, new, "{:?}: {:?}", s.op, outcome.transitions);
                // Either something was reported, or the outcome says why nothing changed.
                prop_assert_eq!(outcome.transitions.is_empty(), outcome.unchanged.is_some(), "{:?}", outcome);
                for c in s.after.iter().filter(|c| c.id() != conf_id(target)) {
                    prop_assert_eq!(Ok(c), s.before.get(c.id()), "{:?} touched another conference", s.op);
                }
                Ok(())
            })?;
        }

        /// (e) A conference records exactly while it is inProgress with record=true.
        #[test]
        fn recording_exactly_while_in_progress_with_record(ops in ops()) {
            replay(&ops, |s| {
                for c in s.after.iter() {
                    prop_assert_eq!(
                        c.is_recording(),
                        c.status() == InProgress && c.settings().record,
                        "{} ({}) after {:?}", c.id(), c.status(), s.op
                    );
                }
                // And by the model: recording follows the model's status and the record setting it was created with.
                for (&id, m) in &s.model.confs {
                    let c = s.after.get(&conf_id(id)).expect("the model's conference exists");
                    prop_assert_eq!(c.is_recording(), m.status() == InProgress && m.record, "{} after {:?}", id, s.op);
                }
                Ok(())
            })?;
        }

        /// (f) The same operations from scratch give the same outcomes and the same final state.
        #[test]
        fn same_operations_same_results(ops in ops()) {
            let first = replay(&ops, |_| Ok(()))?;
            let second = replay(&ops, |_| Ok(()))?;
            prop_assert_eq!(first, second);
        }
    }
}
