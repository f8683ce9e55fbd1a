//! What the page shows and sends, decided here in the core so that the Yew components only render and dispatch:
//! the REST requests its controls send (FreeClimb's own, relative to `/Accounts/{id}`), the phones it lists,
//! the slice of the log it renders, the last refusal of the API, and the clock's text.
//!
//! Nothing here decides FreeClimb behaviour: a control sends the request FreeClimb would get, and the engine
//! answers it (a refusal is a 4xx line in the log, which [`last_api_error`] finds).

use crate::conference::PlayBeep;
use crate::engine::Engine;
use crate::engine::log::{Entry, LogLine};
use crate::sandbox::{MICROPHONE_PHONE, Sandbox};
use crate::scenario::{Action, Answer, ApiRequest, Media, Method};
use crate::wire::CallStatus;
use serde_json::json;

/// How many log lines the page renders at most: the newest ones (a 1,000-line log stays fast; the rest are
/// counted above them).
pub const LOG_WINDOW: usize = 200;

/// A virtual time as `mm:ss.mmm`.
pub fn format_at(ms: u64) -> String {
    format!("{:02}:{:02}.{:03}", ms / 60_000, ms / 1000 % 60, ms % 1000)
}

/// The lines the page renders: the newest [`LOG_WINDOW`], and how many earlier ones it leaves out.
pub fn log_window(log: &[LogLine]) -> (usize, &[LogLine]) {
    let skipped = log.len().saturating_sub(LOG_WINDOW);
    (skipped, &log[skipped..])
}

fn api(method: Method, path: String, body: Option<serde_json::Value>) -> Action {
    Action::Api(ApiRequest {
        method,
        path,
        query: Vec::new(),
        body,
    })
}

/// `POST /Conferences`: a new conference, `empty`, as the page's "Create conference" makes it.
pub fn create_conference(
    alias: Option<&str>,
    play_beep: PlayBeep,
    record: bool,
    status_callback_url: Option<&str>,
) -> Action {
    let mut body = serde_json::Map::new();
    if let Some(alias) = alias {
        body.insert("alias".into(), alias.into());
    }
    body.insert("playBeep".into(), play_beep.as_str().into());
    body.insert("record".into(), record.into());
    if let Some(url) = status_callback_url {
        body.insert("statusCallbackUrl".into(), url.into());
    }
    api(
        Method::Post,
        "/Conferences".into(),
        Some(serde_json::Value::Object(body)),
    )
}

/// `DELETE /Conferences/{id}/Participants/{callId}`: removes a participant (its call leaves the conference).
pub fn remove_participant(conference_id: &str, call_id: &str) -> Action {
    api(
        Method::Delete,
        format!("/Conferences/{conference_id}/Participants/{call_id}"),
        None,
    )
}

/// Which privilege a participant update changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Privilege {
    /// `talk`: the others hear it.
    Talk,
    /// `listen`: it hears the others.
    Listen,
}

/// `POST /Conferences/{id}/Participants/{callId} {"talk"|"listen": on}`.
pub fn set_privilege(conference_id: &str, call_id: &str, privilege: Privilege, on: bool) -> Action {
    let body = match privilege {
        Privilege::Talk => json!({ "talk": on }),
        Privilege::Listen => json!({ "listen": on }),
    };
    api(
        Method::Post,
        format!("/Conferences/{conference_id}/Participants/{call_id}"),
        Some(body),
    )
}

/// `POST /Conferences/{id} {"status":"empty"}`: "Remove everyone".
pub fn empty_conference(conference_id: &str) -> Action {
    api(
        Method::Post,
        format!("/Conferences/{conference_id}"),
        Some(json!({ "status": "empty" })),
    )
}

/// `POST /Conferences/{id} {"status":"terminated"}`: "Terminate".
pub fn terminate_conference(conference_id: &str) -> Action {
    api(
        Method::Post,
        format!("/Conferences/{conference_id}"),
        Some(json!({ "status": "terminated" })),
    )
}

/// The phones the page lists: the world's, then every other phone that has called (the microphone phone once
/// it has), in first-call order.
pub fn phones(sandbox: &Sandbox) -> Vec<String> {
    let mut out: Vec<String> = sandbox.scenario().phones.keys().cloned().collect();
    for call in sandbox.engine().calls() {
        if !out.contains(&call.phone) {
            out.push(call.phone.clone());
        }
    }
    out
}

/// How the page names a phone: "You" for the microphone phone, else its number.
pub fn phone_name(phone: &str) -> String {
    if phone == MICROPHONE_PHONE {
        "You".to_owned()
    } else {
        phone.to_owned()
    }
}

/// How the page names a call: its phone's name (the call id when the engine does not know it).
pub fn call_name(engine: &Engine, call_id: &str) -> String {
    engine
        .call(call_id)
        .map_or_else(|| call_id.to_owned(), |c| phone_name(&c.phone))
}

/// What a phone sends, in a few words (`talker`, `tone 440 Hz`, `silence`, …).
pub fn media_word(media: &Media) -> String {
    match media {
        Media::Silence => "silence".to_owned(),
        Media::Tone { hz } => format!("tone {hz} Hz"),
        Media::File { path } => format!("file {path}"),
        Media::Speech { text } => format!("speech “{text}”"),
        Media::Talker(_) => "talker".to_owned(),
    }
}

/// Whether `phone` can answer now: its current call rings and it answers by hand (`"answer": "manual"`).
pub fn can_answer(sandbox: &Sandbox, phone: &str) -> bool {
    let manual = sandbox
        .scenario()
        .phones
        .get(phone)
        .is_some_and(|p| p.answer == Answer::Manual);
    let engine = sandbox.engine();
    manual
        && engine
            .current_call_of(phone)
            .and_then(|id| engine.call(&id))
            .is_some_and(|c| c.status == CallStatus::Ringing)
}

/// A refused REST request, as the page shows it near its control.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// `POST`, `DELETE`, …
    pub method: String,
    /// The path as sent.
    pub path: String,
    /// The 4xx/5xx status.
    pub status: u16,
    /// FreeClimb's error message, when the body has one.
    pub message: String,
}

/// The last API line of the log if it was a refusal (a later success clears it).
pub fn last_api_error(log: &[LogLine]) -> Option<ApiError> {
    let line = log.iter().rev().find_map(|l| match &l.entry {
        Entry::Api(a) => Some(a),
        _ => None,
    })?;
    if line.status < 400 {
        return None;
    }
    let message = line
        .response
        .as_deref()
        .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_default();
    Some(ApiError {
        method: line.method.clone(),
        path: line.path.clone(),
        status: line.status,
        message,
    })
}

/// Where the clock goes on "next event": the next due time, if anything is due.
pub fn next_event(sandbox: &Sandbox) -> Option<u64> {
    sandbox.next_event_at().filter(|&t| t >= sandbox.now())
}

/// What a `world` line says, for people: which parts of the world a `set` step changed.
pub fn world_text(change: &crate::scenario::WorldChange) -> String {
    fn names<T>(
        what: &str,
        entries: &std::collections::BTreeMap<String, Option<T>>,
    ) -> Option<String> {
        (!entries.is_empty()).then(|| {
            let items: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    if v.is_some() {
                        k.clone()
                    } else {
                        format!("{k} (removed)")
                    }
                })
                .collect();
            format!("{what} {}", items.join(", "))
        })
    }
    let parts: Vec<String> = [
        change.account.as_ref().map(|_| "the account".to_owned()),
        names("number", &change.numbers),
        names("phone", &change.phones),
        names("app", &change.app),
    ]
    .into_iter()
    .flatten()
    .collect();
    format!("the world changed: {}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_world_line_names_what_changed() {
        let mut change = crate::scenario::WorldChange::default();
        change.phones.insert("+15550111111".into(), None);
        change.numbers.insert(
            "+15550100009".into(),
            Some(crate::scenario::Number::default()),
        );
        assert_eq!(
            world_text(&change),
            "the world changed: number +15550100009; phone +15550111111 (removed)"
        );
    }
    use crate::conference::ConferenceStatus;
    use crate::sandbox::default_world;

    fn dial(from: &str, to: &str) -> Action {
        Action::Dial {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn times_read_as_minutes_seconds_and_milliseconds() {
        assert_eq!(format_at(0), "00:00.000");
        assert_eq!(format_at(61_234), "01:01.234");
    }

    #[test]
    fn the_rest_controls_walk_the_lifecycle_on_the_engine() {
        let mut s = Sandbox::new(default_world());
        s.step(create_conference(
            Some("standup"),
            PlayBeep::Never,
            false,
            Some("https://app.test/conference-status"),
        ))
        .unwrap();
        assert_eq!(last_api_error(s.log()), None);
        let id = s.engine().conference_by_alias("standup").expect("created");
        assert_eq!(s.engine().conference_alias(&id), Some("standup"));
        s.step(dial("+15550111111", "+15550100001")).unwrap();
        // The host line's app speaks first, then adds the caller to "demo", not to ours: ours stays empty.
        s.advance(5000);
        s.step(empty_conference(&id)).unwrap();
        s.step(terminate_conference(&id)).unwrap();
        let status = s
            .engine()
            .conferences()
            .get(&id)
            .map(|c| c.status())
            .unwrap();
        assert_eq!(status, ConferenceStatus::Terminated);
        // Terminated is final: another terminate is refused with a 4xx the page shows.
        s.step(terminate_conference(&id)).unwrap();
        let error = last_api_error(s.log()).expect("a refusal");
        assert!(error.status >= 400, "{error:?}");
        assert_eq!(error.method, "POST");
    }

    #[test]
    fn participants_are_updated_and_removed_by_rest() {
        let mut s = Sandbox::new(default_world());
        s.step(dial("+15550133333", "+15550100000")).unwrap();
        s.advance(5000);
        let id = s.engine().conference_by_alias("demo").expect("demo");
        let call = s.engine().current_call_of("+15550133333").unwrap();
        assert_eq!(s.engine().conference_of_call(&call), Some(id.as_str()));
        s.step(set_privilege(&id, &call, Privilege::Talk, false))
            .unwrap();
        let p = s.engine().conferences().get(&id).unwrap();
        assert!(!p.participant(&call).unwrap().flags.talk);
        assert_eq!(last_api_error(s.log()), None);
        s.step(remove_participant(&id, &call)).unwrap();
        assert_eq!(s.engine().conference_of_call(&call), None);
    }

    #[test]
    fn the_page_lists_the_world_phones_then_callers() {
        let mut s = Sandbox::new(default_world());
        assert_eq!(phones(&s).len(), 4);
        s.step(dial(MICROPHONE_PHONE, "+15550100000")).unwrap();
        let listed = phones(&s);
        assert_eq!(listed.last().map(String::as_str), Some(MICROPHONE_PHONE));
        assert_eq!(phone_name(MICROPHONE_PHONE), "You");
        let call = s.engine().current_call_of(MICROPHONE_PHONE).unwrap();
        assert_eq!(call_name(s.engine(), &call), "You");
        // The world's manual phone rings only when called; nobody calls it here.
        assert!(!can_answer(&s, "+15550144444"));
        assert_eq!(
            media_word(&s.scenario().phones["+15550133333"].media),
            "tone 440 Hz"
        );
    }

    #[test]
    fn the_log_window_keeps_the_newest_lines() {
        let lines: Vec<LogLine> = (0..1000).map(|i| LogLine::note(i, "x")).collect();
        let (skipped, shown) = log_window(&lines);
        assert_eq!((skipped, shown.len()), (800, LOG_WINDOW));
        assert_eq!(shown[0].at, 800);
        assert_eq!(log_window(&lines[..3]).0, 0);
    }
}
