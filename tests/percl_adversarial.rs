//! Adversarial input for the PerCL checker: it must answer every input with precise diagnostics, never panic,
//! and keep its time and memory bounded (deep nesting, huge strings, huge numbers of commands, broken escapes,
//! lone surrogates, numbers out of any range). The fuzz target (fuzz/, run with `fuzz/run`) explores further;
//! this runs in every `cargo test`. Time limits are generous (debug build, shared CI machine): they catch
//! quadratic behaviour, not small regressions.

use conflab::percl::{
    self, MAX_DIAGNOSTICS, MAX_SOURCE_BYTES, Problem, Report, check, check_bytes,
};
use std::time::{Duration, Instant};

/// Checks `source`, asserting it took less than `limit`.
#[track_caller]
fn timed_check(source: &str, limit: Duration) -> Report {
    let start = Instant::now();
    let report = check(source);
    let took = start.elapsed();
    assert!(
        took < limit,
        "checking {} bytes took {took:?} (limit {limit:?})",
        source.len()
    );
    report
}

/// `(code, pointer, line, column)` of each diagnostic.
fn places(report: &Report) -> Vec<(&'static str, &str, usize, usize)> {
    report
        .diagnostics
        .iter()
        .map(|d| (d.problem.code(), d.pointer.as_str(), d.line, d.column))
        .collect()
}

#[test]
fn nesting_100k_levels_deep_stops_at_the_depth_limit() {
    let depth_limit = percl::json::MAX_DEPTH;
    // 100k levels of arrays and objects; prompts nest 10k deep (already 490 KB, half the size limit).
    for (open, times) in [
        ("[", 100_000),
        ("{\"a\":", 100_000),
        (
            "[{\"GetDigits\":{\"actionUrl\":\"https://a\",\"prompts\":",
            10_000,
        ),
    ] {
        let source = open.repeat(times);
        let report = timed_check(&source, Duration::from_secs(2));
        assert_eq!(report.errors, 1, "{open}");
        let d = &report.diagnostics[0];
        assert_eq!(
            d.message(),
            format!("arrays and objects are nested more than {depth_limit} levels deep")
        );
        assert_eq!(d.line, 1);
        // The error sits on the first bracket past the limit.
        assert_eq!(
            &source[..d.start].matches(['[', '{']).count(),
            &depth_limit,
            "{open}"
        );
    }
    // 64 levels are fine as JSON (and then reported as PerCL problems, not as a crash).
    let source = format!("{}{}", "[".repeat(depth_limit), "]".repeat(depth_limit));
    assert_eq!(places(&check(&source)), vec![("not-a-command", "/0", 1, 2)]);
}

#[test]
fn a_10_mb_string_is_refused_by_size_before_parsing() {
    let source = format!(r#"[{{"Say": {{"text": "{}"}}}}]"#, "a".repeat(10 << 20));
    let report = timed_check(&source, Duration::from_millis(500));
    assert_eq!(places(&report), vec![("too-large", "", 1, 1)]);
    assert_eq!(
        report.diagnostics[0].message(),
        format!(
            "the script is {} bytes; conflab checks scripts of up to {MAX_SOURCE_BYTES} bytes",
            source.len()
        )
    );
    // Just under the limit, it is checked, and the message stays short.
    let text = "é".repeat((MAX_SOURCE_BYTES - 100) / 4);
    let source = format!(r#"[{{"Say": {{"text": "{text}", "{text}": 1}}}}, {{"Hangup": {{}}}}]"#);
    assert!(source.len() <= MAX_SOURCE_BYTES);
    let report = timed_check(&source, Duration::from_secs(2));
    let key = format!("/0/Say/{}…", "é".repeat(100));
    assert_eq!(
        places(&report),
        vec![
            ("text-too-long", "/0/Say/text", 1, 19),
            ("unknown-attribute", key.as_str(), 1, 262_142)
        ]
    );
    assert!(
        report.diagnostics.iter().all(|d| d.message().len() < 300),
        "{:?}",
        places(&report)
    );
}

#[test]
fn a_huge_say_text_is_one_precise_error() {
    let text = "ü".repeat(300_000);
    let source = format!(r#"[{{"Say": {{"text": "{text}"}}}}, {{"Hangup": {{}}}}]"#);
    let report = timed_check(&source, Duration::from_secs(2));
    assert_eq!(
        places(&report),
        vec![("text-too-long", "/0/Say/text", 1, 19)]
    );
    assert_eq!(
        report.diagnostics[0].message(),
        "Say text is 600000 bytes; FreeClimb allows at most 4096 bytes (4 KB)"
    );
    // An unknown command with a huge name: the message quotes an excerpt only.
    let name = "X".repeat(500_000);
    let report = timed_check(&format!(r#"[{{"{name}": {{}}}}]"#), Duration::from_secs(2));
    assert_eq!(
        report.diagnostics[0].message(),
        format!(
            "unknown command \"{}…\"; see the 27 PerCL commands such as Say, Play, GetDigits, CreateConference, AddToConference",
            "X".repeat(40)
        )
    );
}

#[test]
fn a_million_tiny_commands() {
    // A million commands do not fit in the size limit: refused at once.
    let source = format!("[{}]", vec![r#"{"Hangup":{}}"#; 1_000_000].join(","));
    let report = timed_check(&source, Duration::from_millis(500));
    assert_eq!(places(&report), vec![("too-large", "", 1, 1)]);

    // As many as fit: all checked; one warning covers everything after the first Hangup.
    let count = (MAX_SOURCE_BYTES - 2) / 15;
    let source = format!("[{}]", vec![r#"{"Hangup":{}}"#; count].join(","));
    let report = timed_check(&source, Duration::from_secs(3));
    assert_eq!(places(&report), vec![("after-terminal", "/1", 1, 16)]);
    assert_eq!(
        report.diagnostics[0].message(),
        format!(
            "{} commands after the terminal command Hangup (/0) never run",
            count - 1
        )
    );

    // As many errors as fit: counted exactly, reported up to the limit, the rest summarised.
    let count = (MAX_SOURCE_BYTES - 2) / 2;
    let source = format!("[{}]", vec!["1"; count].join(","));
    let report = timed_check(&source, Duration::from_secs(3));
    assert_eq!((report.errors, report.warnings), (count, 0));
    assert_eq!(report.diagnostics.len(), MAX_DIAGNOSTICS + 1);
    let last = report.diagnostics.last().expect("a summary");
    assert_eq!(
        last.problem,
        Problem::TooManyProblems {
            omitted: count - MAX_DIAGNOSTICS
        }
    );
    assert!(!report.is_valid());
}

#[test]
fn broken_escapes_and_invalid_utf8() {
    let cases: &[(&str, &str, usize)] = &[
        (
            r#"[{"Say":{"text":"a\x"}}]"#,
            "invalid escape `\\x` in a JSON string: JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
            19,
        ),
        (
            r#"[{"Say":{"text":"\u12G4"}}]"#,
            "invalid `\\u` escape: it needs exactly four hex digits",
            18,
        ),
        (
            r#"[{"Say":{"text":"\u12"#,
            "invalid `\\u` escape: it needs exactly four hex digits",
            18,
        ),
        (
            r#"[{"Say":{"text":"\uD83D\u12"}}]"#,
            "invalid `\\u` escape: it needs exactly four hex digits",
            24,
        ),
        (
            "[{\"Say\":{\"text\":\"tab\there\"}}]",
            "raw control character U+0009 in a JSON string: write it as an escape such as \\n or \\u0009",
            21,
        ),
        (
            r#"[{"Say":{"text":"unterminated"#,
            "the JSON text ends early: expected `\"` to close the string",
            17,
        ),
        (
            r#"[{"Say":{"text":"\"#,
            "the JSON text ends early: expected an escape after `\\`",
            18,
        ),
        (
            "[{\"Say\":{\"text\":\"\\é\"}}]",
            "invalid escape `\\é` in a JSON string: JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
            18,
        ),
    ];
    for (source, message, column) in cases {
        let report = check(source);
        assert_eq!(report.errors, 1, "{source}");
        let d = &report.diagnostics[0];
        assert_eq!(
            (d.message().as_str(), d.column),
            (*message, *column),
            "{source}"
        );
        assert!(
            source.is_char_boundary(d.start)
                && source.is_char_boundary(d.end)
                && d.end <= source.len()
        );
    }
    // Bytes that are not UTF-8 at all: the first bad byte is placed.
    for (bytes, column) in [
        (&b"[{\"Say\":{\"text\":\"\xc3\x28\"}}]"[..], 18),
        (&b"\xff"[..], 1),
        (&b"[\"\xe2\x82\"]"[..], 3),
    ] {
        let report = check_bytes(bytes);
        assert_eq!(
            places(&report),
            vec![("invalid-utf8", "", 1, column)],
            "{bytes:?}"
        );
    }
}

#[test]
fn lone_surrogates_in_escapes() {
    for (source, unit) in [
        (r#"[{"Say":{"text":"\ud800"}},{"Hangup":{}}]"#, "d800"),
        (r#"[{"Say":{"text":"\uDBFF\u0041"}},{"Hangup":{}}]"#, "dbff"),
        (r#"[{"Say":{"text":"\udfff\ud800"}},{"Hangup":{}}]"#, "dfff"),
    ] {
        let report = check(source);
        let d = &report.diagnostics[0];
        assert_eq!(
            (d.problem.code(), d.column),
            ("lone-surrogate", 18),
            "{source}"
        );
        assert!(
            d.message()
                .starts_with(&format!("`\\u{unit}` is half of a UTF-16 surrogate pair")),
            "{}",
            d.message()
        );
        assert!(!report.is_valid());
    }
    // The pointer names the string that holds it, key or value.
    let report = check(r#"[{"Say":{"text":"ok","te\ud800xt":"a"}},{"Hangup":{}}]"#);
    assert_eq!(
        places(&report)[1],
        ("lone-surrogate", "/0/Say/te\u{FFFD}xt", 1, 25)
    );
    let report =
        check(r#"[{"GetDigits":{"actionUrl":"https://a","prompts":[{"Say":{"text":"\udc00"}}]}}]"#);
    assert_eq!(
        places(&report),
        vec![("lone-surrogate", "/0/GetDigits/prompts/0/Say/text", 1, 67)]
    );
    // Two lone halves in a row are two errors; a real pair is none.
    assert_eq!(
        check(r#"[{"Say":{"text":"\udfff\ud800"}},{"Hangup":{}}]"#).errors,
        2
    );
    assert!(
        check(r#"[{"Say":{"text":"\ud83d\ude00"}},{"Hangup":{}}]"#)
            .diagnostics
            .is_empty()
    );
}

#[test]
fn numbers_beyond_any_range() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"[{"Pause":{"length":1e999}},{"Hangup":{}}]"#,
            "number-too-large",
            "/0/Pause/length",
        ),
        (
            r#"[{"Pause":{"length":-1e999}},{"Hangup":{}}]"#,
            "number-too-large",
            "/0/Pause/length",
        ),
        (
            r#"[{"Pause":{"length":1e2}},{"Hangup":{}}]"#,
            "not-whole-number",
            "/0/Pause/length",
        ),
        (
            r#"[{"Pause":{"length":-0}},{"Hangup":{}}]"#,
            "out-of-range",
            "/0/Pause/length",
        ),
        (
            r#"[{"Pause":{"length":-5}},{"Hangup":{}}]"#,
            "out-of-range",
            "/0/Pause/length",
        ),
        (
            r#"[{"Say":{"text":"x","loop":18446744073709551616}},{"Hangup":{}}]"#,
            "out-of-range",
            "/0/Say/loop",
        ),
        (
            r#"[{"GetSpeech":{"actionUrl":"https://a","grammarFile":"https://g","confidenceThreshold":1e999}}]"#,
            "out-of-range",
            "/0/GetSpeech/confidenceThreshold",
        ),
        (
            r#"[{"Say":{"text":"x","engine":{"parameters":{"rate":1e999}}}},{"Hangup":{}}]"#,
            "number-too-large",
            "/0/Say/engine/parameters/rate",
        ),
    ];
    for (source, code, pointer) in cases {
        let report = check(source);
        assert_eq!(
            places(&report)
                .iter()
                .map(|p| (p.0, p.1))
                .collect::<Vec<_>>(),
            vec![(*code, *pointer)],
            "{source}"
        );
    }
    let digits = "9".repeat(100_000);
    let report = check(&format!(
        r#"[{{"Pause":{{"length":{digits}}}}},{{"Hangup":{{}}}}]"#
    ));
    assert_eq!(
        report.diagnostics[0].message(),
        format!("the number {}… is too large", "9".repeat(40))
    );
    // Tiny numbers underflow to 0, which is in range.
    assert!(check(r#"[{"GetSpeech":{"actionUrl":"https://a","grammarFile":"https://g","confidenceThreshold":1e-999}}]"#).is_valid());
}

#[test]
fn random_bytes_never_panic_and_spans_stay_in_bounds() {
    // A small deterministic generator, so the test needs no extra dependency and fails reproducibly.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: &[&str] = &[
        "[",
        "]",
        "{",
        "}",
        ":",
        ",",
        "\"",
        "\\",
        "\\u",
        "d800",
        "\"Say\"",
        "\"text\"",
        "\"prompts\"",
        "\"GetDigits\"",
        "\"actionUrl\"",
        "1",
        "-",
        "e9",
        ".",
        "null",
        "true",
        " ",
        "\n",
        "é",
        "😀",
    ];
    for _ in 0..5_000 {
        let len = (next() % 60) as usize;
        let source: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let report = check(&source);
        for d in &report.diagnostics {
            assert!(
                d.start <= d.end && d.end <= source.len(),
                "{source:?}: {d:?}"
            );
            assert!(
                source.is_char_boundary(d.start) && source.is_char_boundary(d.end),
                "{source:?}: {d:?}"
            );
        }
        if let Ok(canonical) = percl::format(&source) {
            assert_eq!(
                percl::format(&canonical).as_deref(),
                Ok(canonical.as_str()),
                "{source:?}"
            );
        }
    }
}
