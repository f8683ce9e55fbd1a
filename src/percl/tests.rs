//! Unit tests of the PerCL checker, model and canonical form.

use super::model::{Command, GrammarType, IfMachine, Language, Script, TTSEngineName};
use super::schema::{COMMANDS, DefaultValue, Ty};
use super::*;

/// `(severity, code, pointer, line, column)` of every diagnostic.
fn summary(source: &str) -> Vec<(Severity, &'static str, String, usize, usize)> {
    check(source)
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.severity(),
                d.problem.code(),
                d.pointer.clone(),
                d.line,
                d.column,
            )
        })
        .collect()
}

fn codes(source: &str) -> Vec<&'static str> {
    check(source)
        .diagnostics
        .iter()
        .map(|d| d.problem.code())
        .collect()
}

fn messages(source: &str) -> Vec<String> {
    check(source)
        .diagnostics
        .iter()
        .map(Diagnostic::render)
        .collect()
}

use Severity::{Error as E, Warning as W};

#[test]
fn a_clean_script_has_no_diagnostics() {
    let src = r#"[{"Say":{"text":"Hi"}},{"CreateConference":{"actionUrl":"https://app/created"}}]"#;
    let report = check(src);
    assert_eq!(report.diagnostics, vec![]);
    assert!(report.is_valid());
}

#[test]
fn the_reference_example_checks_clean_and_formats_to_itself() {
    let src = r#"[{"Say": {"text": "hi", "loop": 1}}, {"CreateConference": {"actionUrl": "https://a/b", "playBeep": "entryOnly", "record": true, "statusCallbackUrl": "https://a/s"}}, {"AddToConference": {"conferenceId": "CF1", "startConfOnEnter": true, "talk": false}}, {"GetDigits": {"actionUrl": "https://x", "maxDigits": 1, "prompts": [{"Say": {"text": "p", "loop": 1}}, {"Pause": {"length": 100}}]}}, {"RemoveFromConference": {}}, {"TerminateConference": {}}, {"SetListen": {"listen": false}}, {"SetTalk": {"talk": true}}, {"SetDTMFPassThrough": {"dtmfPassThrough": true}}, {"Hangup": {}}]"#;
    // CreateConference is terminal, so everything after it is flagged once.
    assert_eq!(
        summary(src),
        vec![(W, "after-terminal", "/2".into(), 1, 167)]
    );
    assert_eq!(format(src).unwrap(), src);
}

#[test]
fn malformed_json_is_placed_by_line_column_and_pointer() {
    let src = "[\n  {\"Say\": {\"text\": \"Hi\",}}\n]";
    let report = check(src);
    assert_eq!(report.errors, 1);
    let d = &report.diagnostics[0];
    assert_eq!(
        (d.line, d.column, d.pointer.as_str()),
        (2, 24, "/0/Say/text")
    );
    assert_eq!(
        d.message(),
        "a comma before the closing bracket: JSON does not allow a trailing comma; remove it"
    );
    let d = &check("[{\"Say\" {}}]").diagnostics[0];
    assert_eq!((d.column, d.pointer.as_str()), (9, "/0/Say"));
    assert_eq!(
        d.message(),
        "unexpected `{` in JSON: expected `:` after the member name"
    );
    assert_eq!(codes("[1 2]"), vec!["json-syntax"]);
    assert_eq!(
        codes("[{\"Say\":{\"text\":\"a\\qb\"}}]"),
        vec!["json-syntax"]
    );
    assert_eq!(
        check("").diagnostics[0].message(),
        "the JSON text ends early: expected a value (object, array, string, number, true, false or null)"
    );
    assert_eq!(check("[] x").diagnostics[0].problem.code(), "json-syntax");
    let m = check("[01]").diagnostics[0].message();
    assert!(m.starts_with("invalid JSON number"), "{m}");
}

#[test]
fn the_top_level_must_be_an_array_of_one_key_objects() {
    assert_eq!(
        summary(r#"{"Say":{"text":"Hi"}}"#),
        vec![(E, "not-an-array", "".into(), 1, 1)]
    );
    assert_eq!(
        summary(r#"[1, {}, {"Say":{"text":"a"},"Hangup":{}}, {"Hangup": []}]"#),
        vec![
            (E, "not-a-command", "/0".into(), 1, 2),
            (E, "key-count", "/1".into(), 1, 5),
            (E, "key-count", "/2".into(), 1, 9),
            (E, "attributes-not-object", "/3/Hangup".into(), 1, 54),
        ]
    );
    let m = messages(r#"[{"Say":{"text":"a"},"Hangup":{}}]"#);
    assert_eq!(
        m[0],
        "1:2: error: /0: a command object has exactly one key, the command name, but this one has 2 (\"Say\", \"Hangup\") (fix: put each command in its own object: [{\"Say\": {...}}, {\"Hangup\": {}}])"
    );
}

#[test]
fn unknown_commands_get_near_miss_suggestions() {
    let report = check(
        r#"[{"say":{"text":"x"}},{"Addtoconference":{"conferenceId":"CF1"}},{"Hangupp":{}},{"Frobnicate":{}}]"#,
    );
    let got: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d.pointer.as_str(), d.problem.fix()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("/0/say", Some("write `Say`".to_owned())),
            (
                "/1/Addtoconference",
                Some("write `AddToConference`".to_owned())
            ),
            ("/2/Hangupp", Some("write `Hangup`".to_owned())),
            ("/3/Frobnicate", None),
        ]
    );
}

#[test]
fn every_problem_in_a_script_is_reported_not_only_the_first() {
    let src = r#"[
  {"Say": {"txt": "Hi", "loop": -1}},
  {"AddToConference": {"talk": "yes"}},
  {"GetSpeech": {"actionUrl": "https://a", "grammarFile": "DIG5", "grammarType": "BuiltIn"}},
  {"Pause": {"length": null}}
]"#;
    assert_eq!(
        summary(src),
        vec![
            (E, "missing-attribute", "/0/Say".into(), 2, 11),
            (W, "unknown-attribute", "/0/Say/txt".into(), 2, 12),
            (E, "out-of-range", "/0/Say/loop".into(), 2, 33),
            (E, "missing-attribute", "/1/AddToConference".into(), 3, 23),
            (E, "wrong-type", "/1/AddToConference/talk".into(), 3, 32),
            (W, "after-terminal", "/2".into(), 4, 3),
            (E, "bad-enum", "/2/GetSpeech/grammarType".into(), 4, 82),
            (E, "null-required", "/3/Pause/length".into(), 5, 24),
        ]
    );
    let m = messages(src);
    assert_eq!(
        m[1],
        "2:12: warning: /0/Say/txt: Say has no attribute \"txt\"; FreeClimb ignores it (did you mean \"text\"?) (fix: rename it to \"text\")"
    );
    assert_eq!(
        m[4],
        "3:32: error: /1/AddToConference/talk: \"talk\" must be true or false, but this is a string (fix: write true, without quotes)"
    );
    assert_eq!(
        m[6],
        "4:82: error: /2/GetSpeech/grammarType: \"grammarType\" cannot be \"BuiltIn\": it is one of \"URL\" or \"BUILTIN\" (did you mean \"BUILTIN\"?) (fix: write \"BUILTIN\")"
    );
    assert_eq!(
        m[7],
        "5:24: error: /3/Pause/length: \"length\" is null, but Pause needs it (a whole number from 1 to 4294967295) (fix: give it a value: a whole number from 1 to 4294967295)"
    );
}

#[test]
fn ranges_and_limits_freeclimb_states() {
    let long = "x".repeat(4097);
    let cases: Vec<(String, &str)> = vec![
        (r#"[{"Pause":{"length":0}}]"#.into(), "out-of-range"),
        (format!(r#"[{{"Say":{{"text":"{long}"}}}}]"#), "text-too-long"),
        (r#"[{"TranscribeUtterance":{"actionUrl":"https://a","record":{"maxLengthSec":61}}}]"#.into(), "out-of-range"),
        (r#"[{"TranscribeUtterance":{"actionUrl":"https://a","record":{"maxLengthSec":0}}}]"#.into(), "out-of-range"),
        (r#"[{"TranscribeUtterance":{"actionUrl":"https://a","record":{"rcrdTerminationSilenceTimeMs":3001}}}]"#.into(), "out-of-range"),
        (r#"[{"GetSpeech":{"actionUrl":"https://a","grammarFile":"https://g","confidenceThreshold":1.5}}]"#.into(), "out-of-range"),
        (r#"[{"GetSpeech":{"actionUrl":"https://a","grammarFile":"https://g","sensitivityLevel":-0.1}}]"#.into(), "out-of-range"),
        (r#"[{"GetDigits":{"actionUrl":"https://a","minDigits":5,"maxDigits":4}}]"#.into(), "min-above-max"),
        (r#"[{"GetDigits":{"actionUrl":"https://a","minDigits":17}}]"#.into(), "min-above-max"),
        (r#"[{"OutDial":{"actionUrl":"https://a","callConnectUrl":"https://c","callingNumber":"8005550100","destination":"+18005550199"}}]"#.into(), "not-e164"),
        (r#"[{"Sms":{"to":"+1800555019","from":"+1 800 555","text":"hi"}},{"Hangup":{}}]"#.into(), "not-e164"),
        (r#"[{"Pause":{"length":1.5}}]"#.into(), "not-whole-number"),
        (r#"[{"Pause":{"length":1e999}}]"#.into(), "number-too-large"),
        (r#"[{"Pause":{"length":99999999999999999999999999999999999999999999}}]"#.into(), "number-too-large"),
        (r#"[{"Pause":{"length":4294967296}}]"#.into(), "out-of-range"),
        (r#"[{"Enqueue":{"actionUrl":"https://a","waitUrl":"https://w","queueId":"Q1"}}]"#.into(), "bad-queue-id"),
        (r#"[{"AddToConference":{"conferenceId":"CF1","callControlSequence":"*9a"}}]"#.into(), "bad-keys"),
        (r###"[{"GetDigits":{"actionUrl":"https://a","finishOnKey":"*#"}}]"###.into(), "bad-keys"),
        (r#"[{"SendDigits":{"digits":""}},{"Hangup":{}}]"#.into(), "empty-string"),
        (r#"[{"OutDial":{"actionUrl":"https://a","callConnectUrl":"https://c","callingNumber":"+18005550100","destination":"+18005550199","ifMachine":"redirect"}}]"#.into(), "if-machine-url-missing"),
        (r#"[{"GetSpeech":{"actionUrl":"https://a","grammarType":"BUILTIN","grammarFile":"DIGITS"}}]"#.into(), "unknown-builtin-grammar"),
    ];
    for (src, code) in &cases {
        let report = check(src);
        assert_eq!(report.errors, 1, "{src}: {:#?}", report.diagnostics);
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity() == E)
            .map(|d| d.problem.code())
            .collect();
        assert_eq!(errors, vec![*code], "{src}");
    }
    assert_eq!(
        check(r#"[{"GetDigits":{"actionUrl":"https://a","minDigits":17}}]"#).diagnostics[0]
            .message(),
        "minDigits 17 is more than maxDigits 16 (the default), so no input can succeed"
    );
}

#[test]
fn adjustments_are_warnings_that_say_what_happens() {
    let m = messages(r#"[{"SendDigits":{"digits":"123","pauseMs":50}},{"Hangup":{}}]"#);
    assert_eq!(
        m,
        vec![
            "1:42: warning: /0/SendDigits/pauseMs: \"pauseMs\" is 50; FreeClimb accepts 100 to 1000 and will use 100 (fix: write 100)"
        ]
    );
    let text = "a".repeat(161);
    let m = messages(&format!(
        r#"[{{"Sms":{{"to":"+18005550199","from":"+18005550100","text":"{text}"}}}},{{"Hangup":{{}}}}]"#
    ));
    assert_eq!(m.len(), 1);
    assert!(m[0].contains("warning: /0/Sms/text: the text has 161 characters; an SMS holds 160, so it goes out as 2 segments"), "{m:?}");
    let report = check(r#"[{"SendDigits":{"digits":"1","pauseMs":5000}},{"Hangup":{}}]"#);
    assert!(report.is_valid());
    assert_eq!(report.warnings, 1);
}

#[test]
fn nesting_rules() {
    let src = r#"[{"GetDigits":{"actionUrl":"https://a","prompts":[
        {"Say":{"text":"hi"}},{"Play":{"file":"https://f"}},{"Pause":{"length":1}},
        {"Redirect":{"actionUrl":"https://r"}},{"Hangup":{}},{"AddToConference":{"conferenceId":"CF1"}}]}}]"#;
    assert_eq!(
        summary(src),
        vec![
            (
                E,
                "never-nested",
                "/0/GetDigits/prompts/3/Redirect".into(),
                3,
                10
            ),
            (
                E,
                "not-a-prompt",
                "/0/GetDigits/prompts/4/Hangup".into(),
                3,
                49
            ),
            (
                E,
                "never-nested",
                "/0/GetDigits/prompts/5/AddToConference".into(),
                3,
                63
            ),
        ]
    );
    // TranscribeUtterance's prompt list is undocumented: other commands are warnings, never-nested ones errors.
    let src = r#"[{"TranscribeUtterance":{"actionUrl":"https://a","prompts":[{"Say":{"text":"hi"}},{"SendDigits":{"digits":"1"}},{"TerminateConference":{}}]}}]"#;
    assert_eq!(codes(src), vec!["undocumented-prompt", "never-nested"]);
    // Errors inside nested commands are placed precisely.
    let src = r#"[{"GetSpeech":{"actionUrl":"https://a","grammarFile":"https://g","prompts":[{"Say":{"text":3}}]}}]"#;
    assert_eq!(
        summary(src),
        vec![(
            E,
            "wrong-type",
            "/0/GetSpeech/prompts/0/Say/text".into(),
            1,
            92
        )]
    );
    assert_eq!(
        check(src).diagnostics[0].problem.fix(),
        Some("put it in quotes: \"3\"".into())
    );
}

#[test]
fn flow_warnings() {
    assert_eq!(
        summary(r#"[{"Hangup":{}},{"Say":{"text":"never"}},{"Pause":{"length":1}}]"#),
        vec![(W, "after-terminal", "/1".into(), 1, 16)]
    );
    assert_eq!(
        check(r#"[{"Hangup":{}},{"Say":{"text":"never"}},{"Pause":{"length":1}}]"#).diagnostics[0]
            .message(),
        "2 commands after the terminal command Hangup (/0) never run"
    );
    assert_eq!(
        summary(r#"[{"Say":{"text":"Hi"}}]"#),
        vec![(W, "no-terminal", "/0".into(), 1, 2)]
    );
    assert_eq!(summary("[]"), vec![(W, "empty-script", "".into(), 1, 1)]);
    assert_eq!(
        codes(r#"[{"Say":{"text":"Hi"}},{"PlayEarlyMedia":{"file":"https://f"}},{"Hangup":{}}]"#),
        vec!["early-media-not-first"]
    );
    // A callControl response that only changes the participant stays in the conference.
    assert_eq!(
        codes(r#"[{"SetTalk":{"talk":false}},{"SetListen":{}}]"#),
        Vec::<&str>::new()
    );
}

#[test]
fn warnings_do_not_make_a_script_invalid_but_errors_do() {
    let report = check(r#"[{"Say":{"text":"Hi","colour":"red"}}]"#);
    assert_eq!(
        (report.is_valid(), report.errors, report.warnings),
        (true, 0, 2)
    );
    let report = check(r#"[{"Say":{}}]"#);
    assert_eq!(
        (report.is_valid(), report.errors, report.warnings),
        (false, 1, 1)
    );
}

#[test]
fn optional_null_duplicate_and_language() {
    assert_eq!(
        summary(r#"[{"Say":{"text":"Hi","language":null,"text":"again"}},{"Hangup":{}}]"#),
        vec![
            (W, "null-optional", "/0/Say/language".into(), 1, 33),
            (E, "duplicate-key", "/0/Say/text".into(), 1, 38)
        ]
    );
    let m = messages(r#"[{"Say":{"text":"Hi","language":"en-us"}},{"Hangup":{}}]"#);
    assert_eq!(
        m[0],
        "1:33: warning: /0/Say/language: \"en-us\" is not a language FreeClimb lists; the voice may fall back to a default (did you mean \"en-US\"?) (fix: write \"en-US\")"
    );
}

#[test]
fn json_pointers_escape_slash_and_tilde() {
    let report = check(r#"[{"Say":{"text":"Hi","a/b~c":1}},{"Hangup":{}}]"#);
    assert_eq!(report.diagnostics[0].pointer, "/0/Say/a~1b~0c");
}

#[test]
fn columns_count_characters_and_offsets_count_bytes() {
    let src = "[{\"Say\":{\"text\":\"héllo\"}},{\"Sya\":{}}]";
    let report = check(src);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.problem.code() == "unknown-command")
        .unwrap();
    assert_eq!((d.line, d.column, d.start, d.end), (1, 28, 28, 33));
    assert_eq!(&src[d.start..d.end], "\"Sya\"");
}

#[test]
fn lone_surrogates_and_invalid_utf8_are_reported() {
    let report = check(r#"[{"Say":{"text":"a\ud800b"}},{"Hangup":{}}]"#);
    assert_eq!(
        summary(r#"[{"Say":{"text":"a\ud800b"}},{"Hangup":{}}]"#),
        vec![(E, "lone-surrogate", "/0/Say/text".into(), 1, 19)]
    );
    assert!(
        report.diagnostics[0]
            .message()
            .starts_with("`\\ud800` is half of a UTF-16 surrogate pair")
    );
    assert_eq!(
        codes(r#"[{"Say":{"text":"\udc00"}},{"Hangup":{}}]"#),
        vec!["lone-surrogate"]
    );
    // A proper pair is fine.
    assert_eq!(
        codes(r#"[{"Say":{"text":"\ud83d\ude00"}},{"Hangup":{}}]"#),
        Vec::<&str>::new()
    );
    let report = check_bytes(b"[{\"Say\":\n{\"text\":\"\xff\"}}]");
    let d = &report.diagnostics[0];
    assert_eq!(
        (d.problem.code(), d.line, d.column, d.start, d.end),
        ("invalid-utf8", 2, 10, 18, 19)
    );
}

#[test]
fn format_is_the_sdk_wire_form_and_stable() {
    let src = r#"[
      {"Say": {"loop": 2, "text": "Grüße 😀", "unknown": 1}},
      {"TranscribeUtterance": {"actionUrl": "https://a", "record": {"rcrdTerminationSilenceTimeMs": 500}}},
      {"GetSpeech": {"grammarFile": "ANY_DIG", "grammarType": "BUILTIN", "actionUrl": "https://a", "confidenceThreshold": 0.00001, "sensitivityLevel": 1}}
    ]"#;
    let out = format(src).unwrap();
    assert_eq!(
        out,
        r#"[{"Say": {"text": "Gr\u00fc\u00dfe \ud83d\ude00", "loop": 2}}, {"TranscribeUtterance": {"actionUrl": "https://a", "playBeep": false, "record": {"saveRecording": false, "maxLengthSec": 60, "rcrdTerminationSilenceTimeMs": 500}, "privacyForLogging": false, "privacyForRecording": false}}, {"GetSpeech": {"actionUrl": "https://a", "grammarType": "BUILTIN", "grammarFile": "ANY_DIG", "confidenceThreshold": 1e-05, "sensitivityLevel": 1}}]"#
    );
    assert_eq!(format(&out).unwrap(), out);
    assert_eq!(
        parse(&out).unwrap(),
        parse(src)
            .map(|mut s| {
                // Formatting adds the SDK defaults; otherwise the model is unchanged.
                if let Command::Say(say) = &mut s.0[0] {
                    say.r#loop = Some(2)
                }
                s
            })
            .map(|s| parse(&super::canonical::to_string(&s)).unwrap())
            .unwrap()
    );
    assert!(format(r#"[{"Say":{}}]"#).is_err());
}

#[test]
fn engine_parameters_keep_their_order() {
    let src = r#"[{"Say":{"text":"x","engine":{"name":"ElevenLabs","parameters":{"z":1,"a":[true,null,{"k":2.50}]}}}},{"Hangup":{}}]"#;
    assert_eq!(check(src).diagnostics, vec![]);
    assert_eq!(
        format(src).unwrap(),
        r#"[{"Say": {"text": "x", "engine": {"name": "ElevenLabs", "parameters": {"z": 1, "a": [true, null, {"k": 2.5}]}}, "loop": 1}}, {"Hangup": {}}]"#
    );
    assert_eq!(
        codes(r#"[{"Say":{"text":"x","engine":{"parameters":{"a":1,"a":2}}}},{"Hangup":{}}]"#),
        vec!["duplicate-key"]
    );
    assert_eq!(
        codes(r#"[{"Say":{"text":"x","engine":{"parameters":{"a":-1e400}}}},{"Hangup":{}}]"#),
        vec!["number-too-large"]
    );
}

#[test]
fn the_model_has_every_schema_attribute_with_the_schema_defaults() {
    // Build each command with every attribute from the schema, parse it into the model, format it and make
    // sure no attribute was lost: the schema and the serde model describe the same language.
    for spec in &COMMANDS {
        let attrs: Vec<String> = spec
            .attrs
            .iter()
            .map(|a| format!("\"{}\": {}", a.name, sample(&a.ty)))
            .collect();
        let src = format!("[{{\"{}\": {{{}}}}}]", spec.name, attrs.join(", "));
        let report = check(&src);
        assert!(report.is_valid(), "{src}: {:#?}", report.diagnostics);
        let out = format(&src).unwrap();
        for a in spec.attrs {
            assert!(
                out.contains(&format!("\"{}\": ", a.name)),
                "{} lost {}: {out}",
                spec.name,
                a.name
            );
        }
        // Only the required attributes: parses, and round-trips.
        let required: Vec<String> = spec
            .attrs
            .iter()
            .filter(|a| a.required)
            .map(|a| format!("\"{}\": {}", a.name, sample(&a.ty)))
            .collect();
        let src = format!("[{{\"{}\": {{{}}}}}]", spec.name, required.join(", "));
        let script = parse(&src).unwrap_or_else(|r| panic!("{src}: {:#?}", r.diagnostics));
        assert_eq!(script.0[0].name(), spec.name);
        assert_eq!(script.0[0].flow(), spec.flow);
    }
    // Defaults shown by the schema are the ones the typed accessors return.
    let get = schema::command("GetDigits").unwrap();
    assert_eq!(
        get.attr("maxDigits").unwrap().default,
        Some(DefaultValue::UInt(16))
    );
    assert_eq!(
        get.attr("finishOnKey").unwrap().default,
        Some(DefaultValue::Str("#"))
    );
    assert_eq!(
        schema::command("CreateConference")
            .unwrap()
            .attr("playBeep")
            .unwrap()
            .default,
        Some(DefaultValue::Str("always"))
    );
    let Command::CreateConference(c) =
        &parse(r#"[{"CreateConference":{"actionUrl":"https://a"}}]"#)
            .unwrap()
            .0[0]
    else {
        panic!()
    };
    assert_eq!(
        (c.play_beep(), c.record()),
        (crate::conference::PlayBeep::Always, false)
    );
    assert_eq!(COMMANDS.len(), 27);
}

/// A valid value of each type, as JSON text.
fn sample(ty: &Ty) -> String {
    match ty {
        Ty::Str | Ty::NonEmpty | Ty::LimitedText { .. } | Ty::SmsText => "\"text\"".into(),
        Ty::Url => "\"https://example.com/x\"".into(),
        Ty::Phone => "\"+18005550100\"".into(),
        Ty::Keys { .. } => "\"#\"".into(),
        Ty::QueueId => format!("\"QU{}\"", "a".repeat(40)),
        Ty::Bool => "true".into(),
        Ty::UInt { min, .. } => (min.max(&1)).to_string(),
        Ty::Clamped { min, .. } => min.to_string(),
        Ty::Fraction => "0.5".into(),
        Ty::Enum(names) => format!("\"{}\"", names[0]),
        Ty::Language => "\"en-US\"".into(),
        Ty::Object(spec) => {
            let attrs: Vec<String> = spec
                .attrs
                .iter()
                .map(|a| format!("\"{}\": {}", a.name, sample(&a.ty)))
                .collect();
            format!("{{{}}}", attrs.join(", "))
        }
        Ty::AnyObject => "{\"k\": 1}".into(),
        Ty::StrList => "[\"a\", \"b\"]".into(),
        Ty::Prompts => "[{\"Say\": {\"text\": \"p\"}}, {\"Pause\": {\"length\": 10}}]".into(),
    }
}

#[test]
fn wire_enum_names_match_serde() {
    fn wire<T: serde::Serialize>(v: T) -> String {
        serde_json::to_string(&v)
            .unwrap()
            .trim_matches('"')
            .to_owned()
    }
    for (v, n) in IfMachine::ALL.iter().zip(IfMachine::NAMES) {
        assert_eq!(wire(v), *n);
    }
    for (v, n) in GrammarType::ALL.iter().zip(GrammarType::NAMES) {
        assert_eq!(wire(v), *n);
    }
    for (v, n) in TTSEngineName::ALL.iter().zip(TTSEngineName::NAMES) {
        assert_eq!(wire(v), *n);
        assert_eq!(TTSEngineName::parse(n), Some(*v));
    }
    assert_eq!(Language::NAMES.len(), 26);
    for (v, n) in Language::ALL.iter().zip(Language::NAMES) {
        assert_eq!(wire(v), *n);
    }
    for (v, n) in crate::conference::PlayBeep::ALL
        .iter()
        .zip(model::PLAY_BEEP_NAMES)
    {
        assert_eq!(wire(v), *n);
    }
}

#[test]
fn examples_check_clean_and_cover_every_conference_command() {
    for ex in examples::EXAMPLES {
        let report = check(ex.script);
        assert_eq!(report.diagnostics, vec![], "{}", ex.title);
        let again = format(&format(ex.script).unwrap()).unwrap();
        assert_eq!(again, format(ex.script).unwrap());
    }
    for spec in COMMANDS.iter().filter(|c| c.conference) {
        assert!(
            examples::EXAMPLES
                .iter()
                .any(|e| e.title.starts_with(spec.name)),
            "no example for {}",
            spec.name
        );
    }
    assert_eq!(COMMANDS.iter().filter(|c| c.conference).count(), 7);
}

#[test]
fn typed_script_serialises_in_wire_form() {
    let script: Script = parse(r#"[{"SetDTMFPassThrough":{"dtmfPassThrough":false}},{"Sms":{"to":"+18005550199","from":"+18005550100","text":"x"}}]"#).unwrap();
    assert_eq!(
        serde_json::to_string(&script).unwrap(),
        r#"[{"SetDTMFPassThrough":{"dtmfPassThrough":false}},{"Sms":{"to":"+18005550199","from":"+18005550100","text":"x"}}]"#
    );
}
