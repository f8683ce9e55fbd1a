//! `conflab bench memory`: peak memory against run length and room size (issue 13). Each case is a child process
//! (this same executable, `bench memory --child run FILE FLAGS…`) that runs `conflab run` exactly as the command
//! line does, its log going through a pipe that the parent reads and counts, and then reports its own peak
//! resident memory (`VmHWM` in `/proc/self/status`) on stderr. (Not `wait4`'s `ru_maxrss`: Linux carries the
//! parent's high-water mark across `exec`, so every child would read at least the parent's size.)
//!
//! Cases, in pairs whose second is the larger (goal: the larger within 1.2× of the smaller):
//! * the same 100-call scenario (each call in a menu that re-prompts every minute: work grows with time) run for
//!   10 minutes and for 10 hours of virtual time (`--until`);
//! * 1,000 and 10,000 participants joining one conference, one every 100 ms, each hanging up 10 s later
//!   (`rolling`), and all staying (`concurrent`: the engine then holds every call, which it must).
//!
//! One JSON line per case (`peakRssKb`, `logBytes`, `seconds`), then one per pair with `rssRatio`. Hook for the
//! `--record-dir` figure: [`Case::flags`] are passed to `conflab run` as they are, so a case with `--record-dir DIR`
//! is one more entry in [`cases`].

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// One child run.
struct Case {
    /// A name for the JSON line.
    name: &'static str,
    /// The scenario file's text.
    scenario: String,
    /// Flags after `conflab run FILE` (`--until`, and later `--record-dir`).
    flags: Vec<String>,
}

/// The phone of caller `i`.
fn phone(i: usize) -> String {
    format!("+1555{:07}", 2_000_000 + i)
}

/// 100 callers, each in a menu that says a prompt and waits a minute for a key, forever.
fn menu_scenario() -> String {
    let steps: Vec<String> = (0..100)
        .map(|i| {
            format!(
                r#"{{"at": {}, "dial": {{"from": "{}", "to": "+15550100000"}}}}"#,
                i * 100,
                phone(i)
            )
        })
        .collect();
    let menu = r#"[{"GetDigits": {"actionUrl": "https://app.test/menu", "initialTimeoutMs": 60000, "maxDigits": 1, "prompts": [{"Say": {"text": "Press a key"}}]}}]"#;
    format!(
        r#"{{"numbers": {{"+15550100000": {{"voiceUrl": "https://app.test/menu"}}}},
  "app": {{"https://app.test/menu": {menu}}},
  "steps": [{}]}}"#,
        steps.join(",\n")
    )
}

/// `n` callers joining one conference, one every 100 ms; each hangs up 10 s after it dialled when `rolling`.
fn joins_scenario(n: usize, rolling: bool) -> String {
    let mut steps = vec![
        r#"{"at": 0, "api": {"method": "POST", "path": "/Conferences", "body": {"alias": "room", "statusCallbackUrl": "https://app.test/status"}}}"#
            .to_owned(),
    ];
    // Steps must be in time order: dial i at 100 + 100 i, hang up i at 10,100 + 100 i.
    let mut timed: Vec<(u64, String)> = Vec::with_capacity(2 * n);
    for i in 0..n {
        let at = 100 + 100 * i as u64;
        timed.push((
            at,
            format!(
                r#"{{"at": {at}, "dial": {{"from": "{}", "to": "+15550100000"}}}}"#,
                phone(i)
            ),
        ));
        if rolling {
            timed.push((
                at + 10_000,
                format!(
                    r#"{{"at": {}, "hangup": {{"phone": "{}"}}}}"#,
                    at + 10_000,
                    phone(i)
                ),
            ));
        }
    }
    crate::sort::sort_by_key(&mut timed, |(at, _)| *at);
    steps.extend(timed.into_iter().map(|(_, s)| s));
    format!(
        r#"{{"numbers": {{"+15550100000": {{"voiceUrl": "https://app.test/in"}}}},
  "app": {{"https://app.test/in": [{{"AddToConference": {{"conferenceId": "{{{{conference:room}}}}"}}}}]}},
  "steps": [{}]}}"#,
        steps.join(",\n")
    )
}

/// The cases, in (smaller, larger) pairs.
fn cases() -> Vec<(Case, Case)> {
    let menu = menu_scenario();
    let until = |ms: u64| vec!["--until".to_owned(), ms.to_string()];
    let mut pairs = vec![(
        Case {
            name: "100 calls, 10 minutes",
            scenario: menu.clone(),
            flags: until(600_000),
        },
        Case {
            name: "100 calls, 10 hours",
            scenario: menu,
            flags: until(36_000_000),
        },
    )];
    for rolling in [true, false] {
        let (small, large) = if rolling {
            (
                "1,000 participants, rolling",
                "10,000 participants, rolling",
            )
        } else {
            (
                "1,000 participants, concurrent",
                "10,000 participants, concurrent",
            )
        };
        pairs.push((
            Case {
                name: small,
                scenario: joins_scenario(1_000, rolling),
                flags: Vec::new(),
            },
            Case {
                name: large,
                scenario: joins_scenario(10_000, rolling),
                flags: Vec::new(),
            },
        ));
    }
    pairs
}

/// What one child run measured.
struct Measured {
    peak_rss_kb: u64,
    log_bytes: u64,
    seconds: f64,
    exit: i32,
}

/// This process's peak resident memory since it started (`VmHWM`, KiB).
fn own_peak_kb() -> Option<u64> {
    let status = std::fs::File::open("/proc/self/status").ok()?;
    std::io::BufReader::new(status)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("VmHWM:")
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
}

/// Runs a case as a child (`bench memory --child run FILE FLAGS…`), counting its stdout; reads the peak it
/// reports on stderr.
fn measure(exe: &Path, dir: &Path, index: usize, case: &Case) -> std::io::Result<Measured> {
    let file = dir.join(format!("case-{index}.json"));
    std::fs::write(&file, &case.scenario)?;
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args(["bench", "memory", "--child", "run"])
        .arg(&file)
        .args(&case.flags)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut log_bytes = 0u64;
    if let Some(mut out) = child.stdout.take() {
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match out.read(&mut buf)? {
                0 => break,
                n => log_bytes += n as u64,
            }
        }
    }
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut err)?;
    }
    let status = child.wait()?;
    let peak_rss_kb = err
        .lines()
        .find_map(|l| l.strip_prefix("peakRssKb ").and_then(|v| v.parse().ok()))
        .ok_or_else(|| std::io::Error::other(format!("the child reported no peak: {err}")))?;
    Ok(Measured {
        peak_rss_kb,
        log_bytes,
        seconds: started.elapsed().as_secs_f64(),
        exit: status.code().unwrap_or(-1),
    })
}

/// The child: runs `conflab ARGS…` in this process, then reports this process's peak memory on stderr.
fn child(args: &[String]) -> ExitCode {
    let mut argv = vec!["conflab".to_owned()];
    argv.extend(args.iter().cloned());
    let code = super::run_args(argv);
    match own_peak_kb() {
        Some(kb) => eprintln!("peakRssKb {kb}"),
        None => eprintln!("conflab bench memory: no VmHWM in /proc/self/status"),
    }
    code
}

/// Runs `conflab bench memory`: one JSON line per case, one per pair with the ratio; with `child`, is one case.
pub fn run(child_args: Option<&[String]>) -> ExitCode {
    if let Some(args) = child_args {
        return child(args);
    }
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("conflab bench memory: cannot find this executable: {e}");
            return ExitCode::FAILURE;
        }
    };
    let dir: PathBuf =
        std::env::temp_dir().join(format!("conflab-bench-memory-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("conflab bench memory: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut index = 0;
    let mut failed = false;
    for (small, large) in cases() {
        let mut rss = [0u64; 2];
        for (k, case) in [&small, &large].into_iter().enumerate() {
            index += 1;
            match measure(&exe, &dir, index, case) {
                Ok(m) => {
                    rss[k] = m.peak_rss_kb;
                    failed |= m.exit != 0;
                    println!(
                        "{}",
                        serde_json::json!({
                            "bench": "memory",
                            "case": case.name,
                            "flags": case.flags,
                            "peakRssKb": m.peak_rss_kb,
                            "logBytes": m.log_bytes,
                            "seconds": (m.seconds * 100.0).round() / 100.0,
                            "exit": m.exit,
                        })
                    );
                }
                Err(e) => {
                    eprintln!("conflab bench memory: {}: {e}", case.name);
                    failed = true;
                }
            }
        }
        if rss[0] > 0 {
            let ratio = rss[1] as f64 / rss[0] as f64;
            println!(
                "{}",
                serde_json::json!({
                    "bench": "memory",
                    "pair": [small.name, large.name],
                    "rssRatio": (ratio * 100.0).round() / 100.0,
                    "goal": 1.2,
                    "withinGoal": ratio <= 1.2,
                })
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
