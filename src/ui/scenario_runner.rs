//! The scenario runner: a scenario file in, the simulated FreeClimb's event log out, in the page.
//!
//! It runs the scenario as the pure [`crate::engine::run_scenario`] does for `conflab run`, so the log shown here is
//! byte for byte the one the CLI prints (the browser tests check that for every golden scenario); after a run,
//! [`ScenarioAudio`] renders what a chosen phone heard and the run's recordings, with captions.

use super::scenario_audio::{RunAudio, ScenarioAudio};
use crate::engine::log::LogLine;
use crate::page::format_at;
use crate::scenario;
use serde_json::Value;
use std::rc::Rc;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Scenarios for the menu: the example first, then the golden scenarios of the test suite (the audio ones
/// last: their sound is under Render audio).
const EXAMPLES: &[(&str, &str)] = &[
    (
        "Inbound call creates a conference; REST creates and terminates another",
        include_str!("../scenario/example.json"),
    ),
    (
        "A startConfOnEnter join into an empty conference",
        include_str!("../../tests/scenarios/start-conf-crossing.json"),
    ),
    (
        "PerCL CreateConference, then AddToConference",
        include_str!("../../tests/scenarios/percl-create-join.json"),
    ),
    (
        "REST create, then calls join",
        include_str!("../../tests/scenarios/rest-create-join.json"),
    ),
    (
        "Terminate by REST: everyone is hung up",
        include_str!("../../tests/scenarios/terminate-rest.json"),
    ),
    (
        "Terminate by PerCL TerminateConference",
        include_str!("../../tests/scenarios/terminate-percl.json"),
    ),
    (
        "REST status=empty",
        include_str!("../../tests/scenarios/status-empty.json"),
    ),
    (
        "Recording while inProgress",
        include_str!("../../tests/scenarios/recording.json"),
    ),
    (
        "leaveConferenceUrl, and leaving without one",
        include_str!("../../tests/scenarios/leave-url.json"),
    ),
    (
        "Call control during a conference",
        include_str!("../../tests/scenarios/call-control.json"),
    ),
    (
        "OutDial: parent and child legs",
        include_str!("../../tests/scenarios/outdial.json"),
    ),
    (
        "REST POST /Calls",
        include_str!("../../tests/scenarios/post-calls.json"),
    ),
    (
        "Trial account: verified numbers only",
        include_str!("../../tests/scenarios/trial-rule.json"),
    ),
    (
        "GetDigits: finish key and timeouts",
        include_str!("../../tests/scenarios/get-digits.json"),
    ),
    (
        "Webhook faults: HTTP 500, slow, 404, invalid PerCL",
        include_str!("../../tests/scenarios/webhook-faults.json"),
    ),
    (
        "Redirect limit",
        include_str!("../../tests/scenarios/redirect-limit.json"),
    ),
    (
        "REST errors",
        include_str!("../../tests/scenarios/rest-errors.json"),
    ),
    (
        "Simulated commands: GetSpeech, queues, Sms, …",
        include_str!("../../tests/scenarios/simulated-commands.json"),
    ),
    (
        "Audio: tones, beeps, wait music, talk=false, listen=false, recording",
        include_str!("../../tests/scenarios/audio_lifecycle.json"),
    ),
    (
        "Audio: a Say, a talker, speech and a tone",
        include_str!("../../tests/scenarios/audio_parity.json"),
    ),
    (
        "Audio: Play and waitUrl files (stand-in sounds)",
        include_str!("../../tests/scenarios/audio_urls.json"),
    ),
    (
        "Audio: a phone whose media is a WAV file (pick the file to hear it)",
        include_str!("../../tests/scenarios/audio_file.json"),
    ),
];

/// What the last run produced.
#[derive(Clone, Debug, PartialEq)]
enum Run {
    /// Not run since the text changed.
    None,
    /// The scenario file has problems; nothing ran.
    Invalid(Vec<String>),
    /// The event log, one parsed JSON object per line, and the run itself (for its sound); `runs` numbers the
    /// run, so that a rerun of the same text starts the sound afresh.
    Log {
        lines: Vec<Value>,
        audio: Rc<RunAudio>,
        runs: u32,
    },
}

/// The scenario panel.
#[component]
pub fn ScenarioRunner() -> Html {
    let source = use_state(|| EXAMPLES[0].1.to_owned());
    let run = use_state(|| Run::None);
    let kind = use_state(|| "all".to_owned());

    let oninput = {
        let (source, run) = (source.clone(), run.clone());
        Callback::from(move |e: InputEvent| {
            source.set(e.target_unchecked_into::<HtmlTextAreaElement>().value());
            run.set(Run::None);
        })
    };
    let on_example = {
        let (source, run) = (source.clone(), run.clone());
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            if let Some((_, text)) = select
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| EXAMPLES.get(i))
            {
                source.set((*text).to_owned());
                run.set(Run::None);
            }
        })
    };
    let runs = use_mut_ref(|| 0u32);
    let on_run = {
        let (source, run) = (source.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            run.set(match scenario::parse(&source) {
                Ok(s) => {
                    let audio = Rc::new(RunAudio::run(s));
                    *runs.borrow_mut() += 1;
                    Run::Log {
                        lines: audio.log().iter().map(to_value).collect(),
                        audio,
                        runs: *runs.borrow(),
                    }
                }
                Err(errors) => Run::Invalid(errors.errors.iter().map(|e| e.render()).collect()),
            })
        })
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            kind.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };

    html! {
        <section class="card scenario" aria-labelledby="scenario-title">
            <div class="percl-head">
                <h2 id="scenario-title">{"Scenario"}</h2>
                <label class="field inline">{"Example"}
                    <select id="scenario-example" onchange={on_example}>
                        { for EXAMPLES.iter().enumerate().map(|(i, (title, text))| html! {
                            <option value={i.to_string()} selected={*source == *text}>{*title}</option>
                        }) }
                    </select>
                </label>
                <button type="button" id="scenario-run" class="primary" onclick={on_run}>{"Run scenario"}</button>
            </div>
            <p class="hint">
                {"A whole simulated FreeClimb on a virtual clock: phones, the customer's webhook app and REST calls. The same run as "}
                <code>{"conflab run"}</code>{"; the format is in docs/scenarios.md."}
            </p>
            <textarea id="scenario-source" class="scenario-source" aria-label="Scenario JSON" spellcheck="false"
                      value={(*source).clone()} {oninput} />
            { match &*run {
                Run::None => html! { <p class="hint" id="scenario-status">{"Press Run scenario to see its event log."}</p> },
                Run::Invalid(errors) => html! {
                    <>
                        <p class="alert" role="alert" id="scenario-status">
                            {format!("The scenario has {} problem{}; nothing ran.", errors.len(), if errors.len() == 1 { "" } else { "s" })}
                        </p>
                        <ul class="scenario-errors">{ for errors.iter().map(|e| html! { <li><code>{e}</code></li> }) }</ul>
                    </>
                },
                Run::Log { lines, audio, runs } => html! {
                    <>
                        <ScenarioAudio key={runs.to_string()} run={audio.clone()} />
                        { log_view(lines, &kind, on_kind) }
                    </>
                },
            } }
        </section>
    }
}

fn to_value(line: &LogLine) -> Value {
    // Log lines are JSON by construction; a line that somehow is not still shows, as text.
    serde_json::from_str(&line.to_json()).unwrap_or_else(|_| Value::String(line.to_json()))
}

fn log_view(lines: &[Value], kind: &str, on_kind: Callback<Event>) -> Html {
    let count = |k: &str| lines.iter().filter(|l| l["kind"] == k).count();
    let kinds = [
        "webhook",
        "api",
        "conference",
        "call",
        "media",
        "note",
        "error",
    ];
    let shown: Vec<&Value> = lines
        .iter()
        .filter(|l| kind == "all" || l["kind"] == kind)
        .collect();
    html! {
        <>
            <div class="scenario-summary">
                <p id="scenario-status" role="status" data-lines={lines.len().to_string()}>
                    {format!("{} events: {} webhooks, {} API calls, {} conference status changes.",
                             lines.len(), count("webhook"), count("api"), count("conference"))}
                </p>
                <label class="field inline">{"Show"}
                    <select id="scenario-kind" onchange={on_kind}>
                        <option value="all" selected={kind == "all"}>{"everything"}</option>
                        { for kinds.iter().map(|k| html! {
                            <option value={*k} selected={kind == *k}>{format!("{k} ({})", count(k))}</option>
                        }) }
                    </select>
                </label>
            </div>
            <ol id="scenario-log">
                { for shown.into_iter().map(line_view) }
            </ol>
        </>
    }
}

fn line_view(line: &Value) -> Html {
    let kind = line["kind"].as_str().unwrap_or("?").to_owned();
    let at = line["at"].as_u64().unwrap_or(0);
    html! {
        <li class={classes!("log-line", kind.clone())} data-kind={kind.clone()}>
            <details>
                <summary>
                    <time>{format_at(at)}</time>
                    <span class="kind">{kind.clone()}</span>
                    <span class="text">{summary(line)}</span>
                </summary>
                <pre>{serde_json::to_string_pretty(line).unwrap_or_default()}</pre>
            </details>
        </li>
    }
}

/// One readable line per event; the full JSON is one click away.
fn summary(line: &Value) -> String {
    let s = |key: &str| line[key].as_str().unwrap_or("").to_owned();
    let short = |id: String| {
        if id.len() > 12 {
            format!("{}…", &id[..10])
        } else {
            id
        }
    };
    match line["kind"].as_str() {
        Some("webhook") => {
            let status = match &line["response"] {
                Value::Object(r) => r
                    .get("status")
                    .map_or("no response".to_owned(), |s| format!("HTTP {s}")),
                Value::Null => "no response".to_owned(),
                other => other.to_string(),
            };
            format!("{} → {} · {status}", s("requestType"), s("url"))
        }
        Some("api") => format!("{} {} → {}", s("method"), s("path"), line["status"]),
        Some("conference") => format!("{} {}: {}", short(s("conferenceId")), s("status"), s("why")),
        Some("call") => {
            let reason = line
                .get("callEndedReason")
                .and_then(Value::as_str)
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            format!("{} {}{reason}", short(s("callId")), s("status"))
        }
        _ => {
            let mut rest = line.as_object().cloned().unwrap_or_default();
            rest.remove("at");
            rest.remove("kind");
            if let Some(Value::String(change)) = rest.remove("change") {
                return format!("{change}: {}", Value::Object(rest));
            }
            let text = ["text", "message"]
                .iter()
                .find_map(|k| rest.get(*k).and_then(Value::as_str).map(str::to_owned));
            text.unwrap_or_else(|| Value::Object(rest).to_string())
        }
    }
}
