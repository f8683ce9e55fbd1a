use super::*;
use crate::sandbox::{Sandbox, default_world};
use crate::scenario::AppAnswer;

const INBOUND: &str = "https://app.test/inbound";

fn say_text(world: &World, url: &str) -> String {
    match world.app.get(url) {
        Some(AppResponse::Percl { percl, .. }) => percl.value[0]["Say"]["text"].to_string(),
        other => panic!("{url}: {other:?}"),
    }
}

/// The draft of `world` with the inbound URL's Say text replaced.
fn with_inbound_say(world: &World, text: &str) -> Draft {
    let mut draft = Draft::of(world);
    let row = draft.app.iter_mut().find(|a| a.url == INBOUND).unwrap();
    row.percl = row.percl.replace("Welcome to the conflab demo", text);
    draft
}

#[test]
fn the_draft_of_a_world_builds_that_world_and_the_diff_is_empty() {
    let world = World::of(&default_world());
    let draft = Draft::of(&world);
    let built = draft.build(&world).unwrap();
    assert!(
        diff(&world, &built).is_empty(),
        "{:?}",
        diff(&world, &built)
    );
    assert_eq!(built.numbers, world.numbers);
    assert_eq!(built.phones, world.phones);
    assert_eq!(built.account, world.account);
    // A fault and a delayed PerCL answer survive the round trip too.
    let mut s = default_world();
    s.app.insert(
        "https://app.test/slow".into(),
        AppResponse::Fault(scenario::Fault {
            status: 503,
            delay_ms: 200,
            body: "busy".into(),
        }),
    );
    let world = World::of(&s);
    assert!(diff(&world, &Draft::of(&world).build(&world).unwrap()).is_empty());
}

#[test]
fn the_diff_holds_just_what_changed_and_applying_it_gives_the_edited_world() {
    let before = World::of(&default_world());
    let mut draft = with_inbound_say(&before, "Hello again");
    draft.trial = true;
    draft.phones.retain(|p| p.number != "+15550133333");
    draft
        .phones
        .iter_mut()
        .find(|p| p.number == "+15550144444")
        .unwrap()
        .answer = AnswerMode::Busy;
    draft.numbers.push(NumberDraft {
        number: "+15550100002".into(),
        voice_url: INBOUND.into(),
        ..NumberDraft::default()
    });
    let after = draft.build(&before).unwrap();
    let change = diff(&before, &after);
    assert_eq!(
        change.account,
        Some(AccountChange {
            kind: Some(AccountType::Trial),
            verified_numbers: None
        })
    );
    assert_eq!(change.app.keys().collect::<Vec<_>>(), [INBOUND]);
    assert_eq!(
        change.phones,
        BTreeMap::from([
            ("+15550133333".to_owned(), None),
            (
                "+15550144444".to_owned(),
                Some(Phone {
                    answer: Answer::Busy,
                    ..Phone::default()
                })
            ),
        ])
    );
    assert_eq!(change.numbers.keys().collect::<Vec<_>>(), ["+15550100002"]);
    let mut applied = before.clone();
    applied.apply(&change);
    assert!(diff(&applied, &after).is_empty());
    assert_eq!(say_text(&applied, INBOUND), "\"Hello again\"");
    // And the change reads back from the file the sandbox writes.
    let line = scenario::set_object(&change, None);
    let read = scenario::parse_step(&format!("{{\"set\": {line}}}")).unwrap();
    let Action::Set(read) = read else { panic!() };
    let mut again = before.clone();
    again.apply(&read);
    assert!(diff(&again, &after).is_empty());
}

#[test]
fn the_world_now_folds_the_set_steps_up_to_now() {
    let mut sandbox = Sandbox::new(default_world());
    let before = world_now(&sandbox);
    assert_eq!(before, World::of(&default_world()));
    sandbox.advance(1000);
    let after = with_inbound_say(&before, "Changed at one second")
        .build(&before)
        .unwrap();
    sandbox.step(Action::Set(diff(&before, &after))).unwrap();
    assert_eq!(
        say_text(&world_now(&sandbox), INBOUND),
        "\"Changed at one second\""
    );
    sandbox.advance(5000);
    assert!(diff(&world_now(&sandbox), &after).is_empty());
    // Back before the step: the old world, and the step is still there for later.
    sandbox.advance(500);
    assert_eq!(world_now(&sandbox), before);
    assert_eq!(sandbox.later_steps(), 1);
    assert!(diff(&world_at(sandbox.scenario(), 1000), &after).is_empty());
    // The engine answers what the fold says.
    assert!(matches!(
        sandbox.scenario().respond(INBOUND),
        AppAnswer::Percl { .. }
    ));
}

#[test]
fn a_set_step_from_a_draft_replays_from_the_export() {
    let mut sandbox = Sandbox::new(default_world());
    sandbox.advance(700);
    let before = world_now(&sandbox);
    let after = with_inbound_say(&before, "Replayed")
        .build(&before)
        .unwrap();
    sandbox.step(Action::Set(diff(&before, &after))).unwrap();
    sandbox
        .step(Action::Dial {
            from: "+15550111111".into(),
            to: "+15550100000".into(),
        })
        .unwrap();
    sandbox.advance(4000);
    let exported = sandbox.export();
    assert!(exported.contains("\"set\""), "{exported}");
    let replay = scenario::parse(&exported).unwrap();
    let lines: Vec<String> = crate::engine::run_scenario(&replay, Some(4000))
        .iter()
        .map(|l| l.to_json())
        .collect();
    let live: Vec<String> = sandbox.log().iter().map(|l| l.to_json()).collect();
    assert_eq!(&lines[..live.len()], &live[..]);
    assert!(live.iter().any(|l| l.contains("Replayed")));
}

fn problems(draft: &Draft) -> Vec<(String, String)> {
    let world = World::of(&default_world());
    draft
        .build(&world)
        .unwrap_err()
        .into_iter()
        .map(|p| (p.field, p.message))
        .collect()
}

#[test]
fn bad_fields_are_placed_on_their_field() {
    let world = World::of(&default_world());
    let mut draft = Draft::of(&world);
    draft.numbers[1].number = "5550100001".into();
    draft.numbers[0].voice_url = "ftp://app.test/inbound".into();
    draft.phones[2].voice = VoiceKind::Tone;
    draft.phones[2].tone_hz = "loud".into();
    draft.phones[0].number = "+1 555".into();
    draft.verified = "+15550122222, 12".into();
    let inbound = draft.app.iter().position(|a| a.url == INBOUND).unwrap();
    draft.app[inbound].percl = r#"[{"Sya": {"text": "hi"}}]"#.into();
    let fields: Vec<String> = problems(&draft).into_iter().map(|(f, _)| f).collect();
    for field in [
        "numbers/1/number",
        "numbers/0/voiceUrl",
        "phones/2/media",
        "phones/0/number",
        "account/verifiedNumbers",
        &format!("app/{inbound}/percl"),
    ] {
        assert!(
            fields.iter().any(|f| f == field),
            "{field} not in {fields:?}"
        );
    }
    // A URL that is not http(s), and a template naming no phone the step knows.
    let mut draft = Draft::of(&world);
    draft.app.push(AppDraft {
        url: "app.test/new".into(),
        percl: "[]".into(),
        ..AppDraft::default()
    });
    let last = draft.app.len() - 1;
    let got = problems(&draft);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, format!("app/{last}/url"));
    let mut draft = Draft::of(&world);
    draft.app[inbound].percl = r#"[{"Say": {"text": "{{nope"}}]"#.into();
    let got = problems(&draft);
    assert_eq!(got[0].0, format!("app/{inbound}/percl"), "{got:?}");
}

#[test]
fn the_app_checker_leaves_templated_content_to_run_time() {
    let script = r#"[{"CreateConference": {"actionUrl": "{{next}}"}}]"#;
    let report = scenario::check_app_percl(script);
    assert_eq!(
        (report.errors, report.diagnostics.len()),
        (0, 0),
        "{report:?}"
    );
    assert_eq!(crate::percl::check(script).diagnostics.len(), 1);
    assert!(scenario::check_app_percl(r#"[{"Sya": {}}]"#).errors > 0);
}
