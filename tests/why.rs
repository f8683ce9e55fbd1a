//! The "why" views' core over every golden scenario: the log index built in pieces equals the index built at
//! once, every conference lights a table row and its reporting webhook, and every call's activity can be read
//! at every step of a live session.

use conflab::engine::log::{Entry, LogLine};
use conflab::engine::run_scenario;
use conflab::sandbox::Sandbox;
use conflab::scenario::Scenario;
use conflab::why::activity::{self, CallActivity};
use conflab::why::groups::{Filter, Groups, Kind, Kinds};
use conflab::why::lifecycle;
use conflab::wire::RequestType;
use proptest::prelude::*;
use std::sync::OnceLock;

fn scenario(name: &str) -> Scenario {
    let path = format!("{}/tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    conflab::scenario::parse(&text).unwrap_or_else(|e| panic!("{path}: {e:?}"))
}

/// Every golden scenario's name (the `.json` files directly in tests/scenarios).
fn names() -> Vec<String> {
    let dir = format!("{}/tests/scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

/// Every golden scenario's log, one after the other (ids never collide: each scenario draws its own).
fn all_logs() -> &'static [LogLine] {
    static LOGS: OnceLock<Vec<LogLine>> = OnceLock::new();
    LOGS.get_or_init(|| {
        names()
            .iter()
            .flat_map(|n| run_scenario(&scenario(n), None))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Extending at any split points gives the index built at once.
    #[test]
    fn extending_in_pieces_equals_building_at_once(mut cuts in proptest::collection::vec(0..10_000usize, 0..12)) {
        let log = all_logs();
        let whole = Groups::build(log);
        for c in &mut cuts {
            *c %= log.len() + 1;
        }
        cuts.sort_unstable();
        let mut g = Groups::new();
        let mut from = 0;
        for &c in cuts.iter().chain(std::iter::once(&log.len())) {
            g.extend(&log[from..c]);
            from = c;
            prop_assert_eq!(g.len(), c);
        }
        prop_assert_eq!(&g, &whole);
    }
}

#[test]
fn extending_line_by_line_equals_building_at_once() {
    let log = all_logs();
    let mut g = Groups::new();
    for line in log {
        g.extend(std::slice::from_ref(line));
    }
    assert_eq!(g, Groups::build(log));
}

#[test]
fn filtering_by_id_through_the_index_agrees_with_matching_each_line() {
    let log = all_logs();
    let g = Groups::build(log);
    let ids: Vec<String> = g
        .conference_ids()
        .chain(g.call_ids())
        .map(str::to_owned)
        .collect();
    assert!(ids.len() > 40, "{}", ids.len());
    for id in ids {
        for kinds in [
            Kinds::ALL,
            Kinds::NONE.with(Kind::Webhook).with(Kind::Media),
        ] {
            let f = Filter::all().id(id.clone()).kinds(kinds);
            let by_line: Vec<usize> = (0..log.len()).filter(|&i| f.matches(&log[i])).collect();
            assert_eq!(g.filtered(log, &f), by_line, "{id}");
        }
    }
    // Every line is in some group or ungrouped; errors are never grouped.
    let mut seen = vec![false; log.len()];
    for grp in g.conferences().iter().chain(g.calls()) {
        for &i in &grp.lines {
            seen[i] = true;
        }
    }
    for &i in g.ungrouped() {
        assert!(!seen[i], "line {i} is both grouped and ungrouped");
        seen[i] = true;
    }
    assert!(seen.iter().all(|&s| s));
}

#[test]
fn every_conference_of_every_scenario_lights_a_row_and_its_webhook() {
    let d = lifecycle::diagram();
    for name in names() {
        let log = run_scenario(&scenario(&name), None);
        let g = Groups::build(&log);
        for id in g.conference_ids() {
            let Some(lit) = lifecycle::light(&log, &g, id) else {
                continue;
            };
            let edge = lit.last.edge.map(|e| &d.edges[e]);
            let Some(edge) = edge else {
                panic!("{name} {id}: no row for {:?}", lit.last);
            };
            assert_eq!(edge.to, lifecycle::Node::Status(lit.status), "{name} {id}");
            assert_eq!(edge.sandbox_choice, lit.last.sandbox_choice, "{name} {id}");
            // A webhook is found exactly when the conference has a status callback, or it was just created by
            // PerCL (createConference).
            let has_callback = log.iter().any(|l| {
                matches!(&l.entry, Entry::Webhook(w) if w.request_type == RequestType::ConferenceStatus
                    && w.body.value().get("conferenceId").and_then(|v| v.as_str()) == Some(id))
            });
            if has_callback {
                let hook = lit.last.webhook.and_then(|i| log.get(i));
                let ok = matches!(hook, Some(LogLine { at, entry: Entry::Webhook(w) })
                    if *at == lit.last.at
                        && w.body.value().get("status").and_then(|v| v.as_str()) == Some(lit.status.as_str()));
                assert!(ok, "{name} {id}: {:?}", lit.last);
            }
        }
    }
}

#[test]
fn every_call_activity_reads_at_every_step_of_a_live_session() {
    for name in [
        "percl-create-join.json",
        "get-digits.json",
        "outdial.json",
        "recording.json",
        "simulated-commands.json",
        "webhook-faults.json",
    ] {
        let mut s = Sandbox::new(scenario(name));
        let mut g = Groups::new();
        let mut named = 0;
        let mut t = 0;
        while t <= 40_000 {
            s.advance(t);
            g.sync(s.log(), s.generation());
            let ids: Vec<String> = s.engine().calls().map(|c| c.id.clone()).collect();
            for id in ids {
                let a = activity::call_activity(s.engine(), s.log(), &g, &id);
                let Some(a) = a else {
                    panic!("{name} {id} at {t}")
                };
                assert!(!activity::words(&a).is_empty());
                let over = s.engine().calls().any(|c| c.id == id && c.is_over());
                assert_eq!(
                    over,
                    matches!(a, CallActivity::Ended { .. }),
                    "{name} {id} at {t}: {a:?}"
                );
                if let CallActivity::Running(r) = &a {
                    named += usize::from(r.command.is_some());
                }
            }
            t += 250;
        }
        assert!(
            named > 0 || name == "recording.json",
            "{name}: no command ever named"
        );
    }
}
