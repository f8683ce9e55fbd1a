//! The page attached to `conflab serve` (docs/serve.md, "The page as the inspector"), decided here so that the
//! browser driver (`ui::attach`) only moves bytes: what the server's `/conflab/info` says, the body a control's
//! step is POSTed as, a refusal's words, and how a fetched session brings the page's [`Sandbox`] up to date.
//!
//! The page never runs the server's session forward on its own: its sandbox replays the server's export
//! (`GET /conflab/scenario`, which replays to the server's log) up to the server's `now`, so the views (fed by a
//! `Sandbox` as always) show the server's conferences, calls and log.

use super::Sandbox;
use crate::scenario::{Action, Scenario};
use serde_json::Value;
use std::fmt;

/// How the server's virtual clock moves (`conflab serve --clock`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerClock {
    /// Wall-clock time: the page follows the server's `now`.
    Real,
    /// Moved only by `POST /conflab/clock`: the page's "next event" and "jump" controls send it.
    Manual,
}

impl ServerClock {
    /// The word `--clock` takes (`real`, `manual`).
    pub fn as_str(self) -> &'static str {
        match self {
            ServerClock::Real => "real",
            ServerClock::Manual => "manual",
        }
    }
}

/// `GET /conflab/info`, the parts the page uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerInfo {
    /// The FreeClimb API's base URL (`http://127.0.0.1:8765/apiserver`).
    pub base_url: String,
    /// How the server's clock moves.
    pub clock: ServerClock,
    /// The server's virtual time (ms).
    pub now: u64,
    /// Webhooks sent to a real app and not answered yet.
    pub awaiting_webhooks: u64,
}

impl ServerInfo {
    /// Whether the page may show the server's session now. While a webhook awaits its answer the export has no
    /// reply for it yet (a replay would answer it 404, a line the server never logs), so the page waits for the
    /// answer, which releases the server's next lines.
    pub fn settled(&self) -> bool {
        self.awaiting_webhooks == 0
    }
}

/// Why the server's answer could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttachError {
    /// `/conflab/info` was not the JSON object `conflab serve` answers.
    Info(String),
    /// `/conflab/scenario` did not read back (a server of another version?).
    Scenario(String),
}

impl fmt::Display for AttachError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttachError::Info(why) => write!(
                f,
                "The server's /conflab/info could not be read ({why}); is this page served by the same version of conflab serve?"
            ),
            AttachError::Scenario(why) => write!(
                f,
                "The server's session (/conflab/scenario) could not be read ({why}); is this page served by the same version of conflab serve?"
            ),
        }
    }
}

impl std::error::Error for AttachError {}

/// Reads `GET /conflab/info`'s body.
pub fn parse_info(body: &str) -> Result<ServerInfo, AttachError> {
    let v: Value = serde_json::from_str(body).map_err(|e| AttachError::Info(e.to_string()))?;
    let base_url = v["baseUrl"]
        .as_str()
        .ok_or_else(|| AttachError::Info("no \"baseUrl\" string".into()))?
        .to_owned();
    let clock = match v["clock"].as_str() {
        Some("real") => ServerClock::Real,
        Some("manual") => ServerClock::Manual,
        other => {
            return Err(AttachError::Info(format!(
                "\"clock\" is {other:?}, not \"real\" or \"manual\""
            )));
        }
    };
    let number = |key: &str| {
        v[key]
            .as_u64()
            .ok_or_else(|| AttachError::Info(format!("no \"{key}\" number")))
    };
    Ok(ServerInfo {
        base_url,
        clock,
        now: number("now")?,
        awaiting_webhooks: number("awaitingWebhooks")?,
    })
}

/// Reads `GET /conflab/scenario`'s body.
pub fn parse_scenario(body: &str) -> Result<Scenario, AttachError> {
    crate::scenario::parse(body).map_err(|e| {
        AttachError::Scenario(
            e.errors
                .first()
                .map_or_else(|| "no reason given".to_owned(), |e| e.message()),
        )
    })
}

/// The body of `POST /conflab/steps` for a control's step: the step without `"at"`, written by the scenario
/// writer (the same text a file's step has), so the server reads exactly what the page would have run.
pub fn step_body(action: &Action) -> String {
    crate::scenario::step_now(action)
}

/// The body of `POST /conflab/clock` that moves the manual clock from `now` to `to` (`None` when `to` is not
/// later).
pub fn clock_body(now: u64, to: u64) -> Option<String> {
    (to > now).then(|| format!("{{\"advanceMs\": {}}}", to - now))
}

/// The refusal line for a control step the server did not take: each problem of a 400
/// (`{"problems":[{"pointer","message"}]}`), else the status and body.
pub fn refusal(status: u16, body: &str) -> String {
    let problems: Vec<String> = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["problems"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|p| {
            let message = p["message"].as_str()?;
            Some(match p["pointer"].as_str() {
                Some(pointer) if !pointer.is_empty() => format!("{pointer}: {message}"),
                _ => message.to_owned(),
            })
        })
        .collect();
    if problems.is_empty() {
        let body = body.trim();
        if status == 0 {
            format!("The server did not answer ({body}); is conflab serve still running?")
        } else {
            format!("The server refused the step ({status}): {body}")
        }
    } else {
        format!("The server refused the step: {}", problems.join("; "))
    }
}

/// Why an action is refused while attached, or `None` when the server can take it. The server's session has one
/// future: a step taken while the page views the past would need a fork, which the server cannot make.
pub fn past_refusal(sandbox: &Sandbox) -> Option<String> {
    (sandbox.now() < sandbox.horizon()).then(|| {
        format!(
            "You are viewing the server's past ({}); conflab serve cannot fork its session, so go to its present ({}) to act.",
            crate::page::format_at(sandbox.now()),
            crate::page::format_at(sandbox.horizon())
        )
    })
}

/// The banner's words.
pub fn banner(info: &ServerInfo) -> String {
    format!(
        "Attached to conflab serve at {} (clock: {})",
        info.base_url,
        info.clock.as_str()
    )
}

/// Brings `sandbox` up to the server's session `fetched` at the server's time `server_now`. When the page was at
/// the end of what it knew, it moves to `server_now`; when it was viewing the past (time travel), it stays at
/// that moment, with the server's session as its known future. A session equal to the one shown only moves
/// the clock, so the views keep their state. Returns whether anything changed.
pub fn sync(sandbox: &mut Sandbox, fetched: Scenario, server_now: u64) -> bool {
    let viewing = sandbox.now();
    let following = viewing >= sandbox.horizon();
    if *sandbox.scenario() == fetched {
        if following && server_now > viewing {
            sandbox.advance(server_now);
            return true;
        }
        return false;
    }
    sandbox.load(fetched);
    sandbox.advance(server_now);
    if !following && viewing < server_now {
        sandbox.advance(viewing);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::default_world;

    fn dial() -> Action {
        Action::Dial {
            from: "+15550111111".into(),
            to: "+15550100000".into(),
        }
    }

    #[test]
    fn info_reads_what_serve_answers() {
        let info = parse_info(
            r#"{"baseUrl":"http://127.0.0.1:8765/apiserver","accountId":"AC1","apiKey":"k","clock":"manual","now":250,"awaitingWebhooks":0}"#,
        )
        .unwrap();
        assert_eq!(
            info,
            ServerInfo {
                base_url: "http://127.0.0.1:8765/apiserver".into(),
                clock: ServerClock::Manual,
                now: 250,
                awaiting_webhooks: 0
            }
        );
        assert!(info.settled());
        let waiting =
            parse_info(r#"{"baseUrl":"b","clock":"real","now":9,"awaitingWebhooks":2}"#).unwrap();
        assert!(!waiting.settled());
        assert_eq!(waiting.clock, ServerClock::Real);
        assert_eq!(
            banner(&info),
            "Attached to conflab serve at http://127.0.0.1:8765/apiserver (clock: manual)"
        );
        assert!(matches!(
            parse_info(r#"{"baseUrl":"x","clock":"fast","now":1,"awaitingWebhooks":0}"#),
            Err(AttachError::Info(m)) if m.contains("fast")
        ));
        assert!(parse_info("<html>").is_err());
    }

    #[test]
    fn a_step_is_posted_as_the_reader_reads_it() {
        let body = step_body(&dial());
        assert_eq!(
            body,
            r#"{"dial": {"from": "+15550111111", "to": "+15550100000"}}"#
        );
        assert_eq!(crate::scenario::parse_step(&body).unwrap(), dial());
    }

    #[test]
    fn the_clock_moves_only_forwards() {
        assert_eq!(
            clock_body(100, 350).as_deref(),
            Some(r#"{"advanceMs": 250}"#)
        );
        assert_eq!(clock_body(100, 100), None);
        assert_eq!(clock_body(100, 50), None);
    }

    #[test]
    fn refusals_list_every_problem() {
        assert_eq!(
            refusal(
                400,
                r#"{"problems":[{"pointer":"/dial/from","message":"not E.164"},{"pointer":"","message":"no"}]}"#
            ),
            "The server refused the step: /dial/from: not E.164; no"
        );
        assert_eq!(
            refusal(503, "the session has stopped\n"),
            "The server refused the step (503): the session has stopped"
        );
        assert!(refusal(0, "network").contains("still running"));
    }

    #[test]
    fn sync_follows_the_server_and_keeps_a_view_of_the_past() {
        let world = default_world();
        let mut server = Sandbox::new(world.clone());
        server.step(dial()).unwrap();
        server.advance(3_000);
        let fetched = parse_scenario(&server.export()).unwrap();

        let mut page = Sandbox::new(world.clone());
        assert!(sync(&mut page, fetched.clone(), 3_000));
        assert_eq!(page.now(), 3_000);
        assert_eq!(page.log(), server.log());
        assert_eq!(past_refusal(&page), None);

        // The same session later: only the clock moves (the log grows, it is not rebuilt).
        let generation = page.generation();
        server.advance(5_000);
        assert!(sync(&mut page, fetched.clone(), 5_000));
        assert_eq!(page.generation(), generation);
        assert_eq!(page.log(), server.log());
        assert!(!sync(&mut page, fetched.clone(), 5_000));

        // Viewing the past: a new session keeps the moment viewed, with the server's present as the horizon.
        page.advance(1_000);
        let refused = past_refusal(&page).expect("acting in the past is refused");
        assert!(
            refused.contains("00:01.000") && refused.contains("00:05.000"),
            "{refused}"
        );
        server
            .step(Action::Hangup {
                phone: "+15550111111".into(),
            })
            .unwrap();
        server.advance(6_000);
        let fetched = parse_scenario(&server.export()).unwrap();
        assert!(sync(&mut page, fetched.clone(), 6_000));
        assert_eq!(page.now(), 1_000);
        assert_eq!(page.horizon(), 6_000);
        assert_eq!(page.timeline().count(), server.log().len());
        // Back at the present, it follows again.
        page.advance(6_000);
        assert_eq!(page.log(), server.log());
        assert!(!sync(&mut page, fetched, 6_000));
    }
}
