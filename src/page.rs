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

// ---------------------------------------------------------------------------------------------------------------
// Time travel: the clock's speeds, "jump to", the timeline strip's marks, and the question asked before a step in
// the past forks the session.
// ---------------------------------------------------------------------------------------------------------------

/// The clock's speeds, in quarters of real time (1 = 0.25×, 4 = 1×, 40 = 10×), with their labels.
pub const SPEEDS: [(u32, &str); 6] = [
    (1, "0.25×"),
    (2, "0.5×"),
    (4, "1×"),
    (8, "2×"),
    (16, "4×"),
    (40, "10×"),
];

/// Real time at 1×, in quarters.
pub const SPEED_1X: u32 = 4;

/// How far a frame of `elapsed` real milliseconds moves the virtual clock at `speed` (quarters of real time),
/// with `carry` the quarter-milliseconds left over from earlier frames. Returns the whole milliseconds to move and
/// the new carry (0..4), so that slow speeds lose no time to rounding.
pub fn scale_tick(elapsed: u64, speed: u32, carry: u64) -> (u64, u64) {
    let quarters = elapsed
        .saturating_mul(u64::from(speed))
        .saturating_add(carry);
    (quarters / 4, quarters % 4)
}

/// Reads a time typed into "jump to": `mm:ss.mmm` (also `m:ss`, `mm:ss.5`, `h:mm:ss.mmm`), seconds with an `s`
/// (`90s`, `1.5s`), or plain milliseconds (`61234`, `61234ms`). The error says exactly what is wrong.
pub fn parse_time(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("type a time: mm:ss.mmm (01:02.500) or milliseconds (62500)".to_owned());
    }
    let digits = |part: &str, what: &str| -> Result<u64, String> {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "“{t}”: the {what} “{part}” is not a whole number (use mm:ss.mmm, e.g. 01:02.500, or milliseconds)"
            ));
        }
        part.parse::<u64>()
            .map_err(|_| format!("“{t}”: the {what} “{part}” is too large"))
    };
    // The fraction after a '.', as milliseconds (at most three digits).
    let fraction = |part: &str| -> Result<u64, String> {
        if part.len() > 3 {
            return Err(format!(
                "“{t}”: “.{part}” has more than three digits; the clock counts whole milliseconds"
            ));
        }
        let value = digits(part, "fraction")?;
        Ok(value * 10u64.pow(3 - part.len() as u32))
    };
    let too_large = || format!("“{t}” is too large a time");
    if let Some(ms) = t.strip_suffix("ms") {
        return digits(ms.trim_end(), "milliseconds");
    }
    if let Some(s) = t.strip_suffix('s') {
        let s = s.trim_end();
        let (secs, frac) = match s.split_once('.') {
            Some((w, f)) => (digits(w, "seconds")?, fraction(f)?),
            None => (digits(s, "seconds")?, 0),
        };
        return secs
            .checked_mul(1000)
            .and_then(|v| v.checked_add(frac))
            .ok_or_else(too_large);
    }
    if !t.contains(':') {
        if t.contains('.') {
            return Err(format!(
                "“{t}”: a plain number is milliseconds, which are whole; write seconds as {t}s or mm:ss.mmm"
            ));
        }
        return digits(t, "milliseconds");
    }
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() > 3 {
        return Err(format!(
            "“{t}” has {} colons; write mm:ss.mmm or h:mm:ss.mmm",
            parts.len() - 1
        ));
    }
    let last = parts[parts.len() - 1];
    let (secs, frac) = match last.split_once('.') {
        Some((w, f)) => (digits(w, "seconds")?, fraction(f)?),
        None => (digits(last, "seconds")?, 0),
    };
    if secs > 59 {
        return Err(format!(
            "“{t}”: {secs} seconds; after a colon the seconds go from 00 to 59"
        ));
    }
    let minutes = digits(parts[parts.len() - 2], "minutes")?;
    let hours = if parts.len() == 3 {
        if minutes > 59 {
            return Err(format!(
                "“{t}”: {minutes} minutes; in h:mm:ss the minutes go from 00 to 59"
            ));
        }
        digits(parts[0], "hours")?
    } else {
        0
    };
    hours
        .checked_mul(60)
        .and_then(|h| h.checked_add(minutes))
        .and_then(|m| m.checked_mul(60_000))
        .and_then(|m| m.checked_add(secs * 1000 + frac))
        .ok_or_else(too_large)
}

/// The time after a step back: the last line before now (`None` at the start).
pub fn step_back_at(sandbox: &Sandbox) -> Option<u64> {
    sandbox.previous_event_at()
}

/// The time of the next thing after now on the timeline: the first known line after now (when the clock went
/// back), else the next thing due.
pub fn step_forward_at(sandbox: &Sandbox) -> Option<u64> {
    let now = sandbox.now();
    sandbox
        .timeline()
        .map(|l| l.at)
        .find(|&at| at > now)
        .or_else(|| next_event(sandbox).filter(|&at| at > now))
}

/// The end of the timeline strip: the furthest time known, at least 1 ms so that positions divide.
pub fn timeline_end(sandbox: &Sandbox) -> u64 {
    sandbox.horizon().max(sandbox.now()).max(1)
}

/// Where a click or drag at `x` on a strip `width` pixels wide puts the clock, on a timeline ending at `end`.
pub fn scrub_at(x: f64, width: f64, end: u64) -> u64 {
    if width.is_nan() || width <= 0.0 || !x.is_finite() {
        return 0;
    }
    let fraction = (x / width).clamp(0.0, 1.0);
    (fraction * end as f64).round() as u64
}

/// What a timeline mark stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MarkKind {
    /// A webhook FreeClimb sent.
    Webhook,
    /// A conference changed status.
    Conference,
    /// A call changed status.
    Call,
}

impl MarkKind {
    /// The CSS class and data value: `webhook`, `conference`, `call`.
    pub fn as_str(self) -> &'static str {
        match self {
            MarkKind::Webhook => "webhook",
            MarkKind::Conference => "conference",
            MarkKind::Call => "call",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            MarkKind::Webhook => "webhooks",
            MarkKind::Conference => "conference status changes",
            MarkKind::Call => "call status changes",
        }
    }
}

/// One mark on the timeline strip: every line of one kind that falls in one bucket of the strip, on one side of
/// now, drawn as one element.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// What the lines are.
    pub kind: MarkKind,
    /// The first line's time: where the mark is drawn.
    pub at: u64,
    /// The last line's time.
    pub last: u64,
    /// How many lines the mark stands for.
    pub count: usize,
    /// Whether the lines are after now (the known future, shown dimmed).
    pub future: bool,
    /// The mark's tooltip: the line in words, or how many lines and over which times.
    pub title: String,
}

/// What the timeline strip draws: its end, the cursor and the marks.
#[derive(Clone, Debug, PartialEq)]
pub struct Strip {
    /// The strip runs from 0 to this time (ms; at least now, at least 1).
    pub end: u64,
    /// The cursor.
    pub now: u64,
    /// The marks, in time order (by bucket, then kind).
    pub marks: Vec<Mark>,
    /// How many lines the marks stand for.
    pub lines: usize,
}

impl Strip {
    /// Where `at` is on the strip, in percent of its width.
    pub fn percent(&self, at: u64) -> f64 {
        (at.min(self.end) as f64 / self.end as f64) * 100.0
    }
}

fn short_id(id: &str) -> &str {
    &id[..id.len().min(10)]
}

fn mark_of(line: &LogLine) -> Option<(MarkKind, String)> {
    let at = format_at(line.at);
    match &line.entry {
        Entry::Webhook(w) => Some((
            MarkKind::Webhook,
            format!("{at} webhook {} to {}", w.request_type.as_str(), w.url),
        )),
        Entry::Conference {
            conference_id,
            status,
            ..
        } => Some((
            MarkKind::Conference,
            format!("{at} conference {}… is {status}", short_id(conference_id)),
        )),
        Entry::Call {
            call_id, status, ..
        } => Some((
            MarkKind::Call,
            format!("{at} call {}… is {}", short_id(call_id), status.as_str()),
        )),
        _ => None,
    }
}

/// The timeline strip's marks over [`Sandbox::timeline`] (the log and the known future): webhooks, conference
/// and call status changes, binned into `buckets` equal slices of the strip per kind and side of now, so that a
/// session of 10,000 lines draws at most `3 × 2 × buckets` elements.
pub fn timeline_marks(sandbox: &Sandbox, buckets: usize) -> Strip {
    let end = timeline_end(sandbox);
    let now = sandbox.now();
    let buckets = buckets.max(1) as u128;
    let mut marks: std::collections::BTreeMap<(u128, MarkKind, bool), Mark> =
        std::collections::BTreeMap::new();
    let mut lines = 0;
    for line in sandbox.timeline() {
        let kind = match &line.entry {
            Entry::Webhook(_) => MarkKind::Webhook,
            Entry::Conference { .. } => MarkKind::Conference,
            Entry::Call { .. } => MarkKind::Call,
            _ => continue,
        };
        lines += 1;
        let bucket =
            (u128::from(line.at.min(end)) * buckets / (u128::from(end) + 1)).min(buckets - 1);
        let future = line.at > now;
        marks
            .entry((bucket, kind, future))
            .and_modify(|m| {
                m.count += 1;
                m.last = line.at;
            })
            .or_insert_with(|| Mark {
                kind,
                at: line.at,
                last: line.at,
                count: 1,
                future,
                // Filled in below, once: only single lines need their words.
                title: mark_of(line).map(|(_, t)| t).unwrap_or_default(),
            });
    }
    let marks = marks
        .into_values()
        .map(|mut m| {
            if m.count > 1 {
                m.title = format!(
                    "{} {}, {}–{} (first: {})",
                    m.count,
                    m.kind.plural(),
                    format_at(m.at),
                    format_at(m.last),
                    m.title
                );
            }
            m
        })
        .collect();
    Strip {
        end,
        now,
        marks,
        lines,
    }
}

/// The question the page asks before a step taken in the past, which forks the session: `None` when the clock is
/// at the end of what is known and nothing is written for later (the step just adds to the session).
pub fn fork_question(sandbox: &Sandbox) -> Option<String> {
    let now = format_at(sandbox.now());
    match sandbox.later_steps() {
        0 if sandbox.horizon() > sandbox.now() => Some(format!(
            "This drops what followed {now} (known up to {}) and starts a new future from here; go on?",
            format_at(sandbox.horizon())
        )),
        0 => None,
        1 => Some(format!(
            "This drops the 1 step written after {now} and what followed it; go on?"
        )),
        n => Some(format!(
            "This drops the {n} steps written after {now} and what followed them; go on?"
        )),
    }
}

#[cfg(test)]
mod time_tests {
    use super::*;
    use crate::sandbox::default_world;

    fn dial(from: &str, to: &str) -> Action {
        Action::Dial {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn speeds_scale_real_time_without_losing_fractions() {
        assert_eq!(scale_tick(16, SPEED_1X, 0), (16, 0));
        assert_eq!(scale_tick(16, 40, 0), (160, 0));
        assert_eq!(scale_tick(16, 8, 0), (32, 0));
        // 0.25×: 17 ms is 4.25 ms; the quarter is carried, so four such frames move 17 ms.
        let mut carry = 0;
        let mut moved = 0;
        for _ in 0..4 {
            let (ms, c) = scale_tick(17, 1, carry);
            moved += ms;
            carry = c;
        }
        assert_eq!((moved, carry), (17, 0));
        let (ms, carry) = scale_tick(3, 2, 0);
        assert_eq!((ms, carry), (1, 2));
        assert_eq!(scale_tick(u64::MAX, 40, 3).0, u64::MAX / 4);
        let labels: Vec<&str> = SPEEDS.iter().map(|s| s.1).collect();
        assert_eq!(labels, ["0.25×", "0.5×", "1×", "2×", "4×", "10×"]);
        assert!(SPEEDS.contains(&(SPEED_1X, "1×")));
    }

    #[test]
    fn times_are_read_in_every_form_the_clock_shows() {
        assert_eq!(parse_time("01:02.345"), Ok(62_345));
        assert_eq!(parse_time(" 1:02 "), Ok(62_000));
        assert_eq!(parse_time("10:00.5"), Ok(600_500));
        assert_eq!(parse_time("00:00.000"), Ok(0));
        assert_eq!(parse_time("62345"), Ok(62_345));
        assert_eq!(parse_time("62345ms"), Ok(62_345));
        assert_eq!(parse_time("90s"), Ok(90_000));
        assert_eq!(parse_time("1.25s"), Ok(1_250));
        assert_eq!(parse_time("1:00:00.001"), Ok(3_600_001));
        assert_eq!(parse_time("75:00"), Ok(4_500_000));
        // What the clock shows reads back as the same time.
        for ms in [0, 1, 999, 61_234, 600_000, 3_599_999] {
            assert_eq!(parse_time(&format_at(ms)), Ok(ms));
        }
    }

    #[test]
    fn a_bad_time_says_what_is_wrong() {
        let e = |t: &str| parse_time(t).unwrap_err();
        assert!(e("").starts_with("type a time"), "{}", e(""));
        assert_eq!(
            e("1:75"),
            "“1:75”: 75 seconds; after a colon the seconds go from 00 to 59"
        );
        assert_eq!(
            e("1:02.3456"),
            "“1:02.3456”: “.3456” has more than three digits; the clock counts whole milliseconds"
        );
        assert_eq!(
            e("abc"),
            "“abc”: the milliseconds “abc” is not a whole number (use mm:ss.mmm, e.g. 01:02.500, or milliseconds)"
        );
        assert_eq!(
            e("1:x2"),
            "“1:x2”: the seconds “x2” is not a whole number (use mm:ss.mmm, e.g. 01:02.500, or milliseconds)"
        );
        assert_eq!(
            e("12.5"),
            "“12.5”: a plain number is milliseconds, which are whole; write seconds as 12.5s or mm:ss.mmm"
        );
        assert_eq!(
            e("1:2:3:4"),
            "“1:2:3:4” has 3 colons; write mm:ss.mmm or h:mm:ss.mmm"
        );
        assert_eq!(
            e("1:60:00"),
            "“1:60:00”: 60 minutes; in h:mm:ss the minutes go from 00 to 59"
        );
        assert!(e("-5").contains("not a whole number"));
        assert!(e(":05").contains("the minutes “”"));
        assert_eq!(
            e("99999999999999999999"),
            "“99999999999999999999”: the milliseconds “99999999999999999999” is too large"
        );
        assert_eq!(
            e("99999999999999999:00"),
            "“99999999999999999:00” is too large a time"
        );
    }

    #[test]
    fn scrubbing_maps_the_strip_onto_the_timeline() {
        assert_eq!(scrub_at(0.0, 500.0, 600_000), 0);
        assert_eq!(scrub_at(250.0, 500.0, 600_000), 300_000);
        assert_eq!(scrub_at(500.0, 500.0, 600_000), 600_000);
        assert_eq!(scrub_at(-20.0, 500.0, 600_000), 0);
        assert_eq!(scrub_at(900.0, 500.0, 600_000), 600_000);
        assert_eq!(scrub_at(10.0, 0.0, 600_000), 0);
        assert_eq!(scrub_at(f64::NAN, 500.0, 600_000), 0);
    }

    /// The default world with a caller who dials in at 1 s and hangs up at 20 s, run to 30 s.
    fn session() -> Sandbox {
        let mut s = Sandbox::new(default_world());
        s.advance(1000);
        s.step(dial("+15550133333", "+15550100000")).unwrap();
        s.advance(20_000);
        s.step(Action::Hangup {
            phone: "+15550133333".into(),
        })
        .unwrap();
        s.advance(30_000);
        s
    }

    #[test]
    fn marks_cover_webhooks_and_statuses_and_dim_the_known_future() {
        let mut s = session();
        let strip = timeline_marks(&s, 10_000);
        assert_eq!((strip.end, strip.now), (30_000, 30_000));
        let count = |strip: &Strip, kind: MarkKind| {
            strip
                .marks
                .iter()
                .filter(|m| m.kind == kind)
                .map(|m| m.count)
                .sum::<usize>()
        };
        let webhooks = s
            .log()
            .iter()
            .filter(|l| matches!(l.entry, Entry::Webhook(_)))
            .count();
        let conference = s
            .log()
            .iter()
            .filter(|l| matches!(l.entry, Entry::Conference { .. }))
            .count();
        let calls = s
            .log()
            .iter()
            .filter(|l| matches!(l.entry, Entry::Call { .. }))
            .count();
        assert!(webhooks > 0 && conference > 0 && calls > 0);
        assert_eq!(count(&strip, MarkKind::Webhook), webhooks);
        assert_eq!(count(&strip, MarkKind::Conference), conference);
        assert_eq!(count(&strip, MarkKind::Call), calls);
        assert_eq!(strip.lines, webhooks + conference + calls);
        assert!(strip.marks.iter().all(|m| !m.future));
        assert!(strip.marks.windows(2).all(|w| w[0].at <= w[1].at));
        let one = strip.marks.iter().find(|m| m.count == 1).unwrap();
        assert!(one.title.starts_with(&format_at(one.at)), "{}", one.title);

        // Back at 10 s: the same marks, those after 10 s in the future, and the strip still ends at 30 s.
        s.advance(10_000);
        let back = timeline_marks(&s, 10_000);
        assert_eq!((back.end, back.now), (30_000, 10_000));
        assert_eq!(back.lines, strip.lines);
        assert!(back.marks.iter().all(|m| m.future == (m.at > 10_000)));
        assert!(back.marks.iter().any(|m| m.future));
        assert_eq!(back.percent(15_000), 50.0);
    }

    #[test]
    fn ten_thousand_lines_make_a_bounded_number_of_marks() {
        let mut s = Sandbox::new(default_world());
        let mut t = 0;
        // Callers dial in and hang up until the timeline has thousands of lines.
        for i in 0..400u64 {
            t += 500;
            s.advance(t);
            let phone = ["+15550111111", "+15550122222", "+15550133333"][(i % 3) as usize];
            if s.engine().current_call_of(phone).is_some() {
                s.step(Action::Hangup {
                    phone: phone.into(),
                })
                .unwrap();
            } else {
                s.step(dial(phone, "+15550100000")).unwrap();
            }
        }
        s.advance(t + 60_000);
        let total = s.timeline().count();
        let strip = timeline_marks(&s, 100);
        assert!(
            strip.lines > 1000,
            "{} marked lines of {total}",
            strip.lines
        );
        assert!(strip.marks.len() <= 3 * 2 * 100, "{}", strip.marks.len());
        assert_eq!(
            strip.marks.iter().map(|m| m.count).sum::<usize>(),
            strip.lines
        );
        let many = strip.marks.iter().find(|m| m.count > 1).unwrap();
        assert!(many.title.contains(&format_at(many.last)), "{}", many.title);
        // A single bucket holds everything.
        let one = timeline_marks(&s, 0);
        assert!(one.marks.len() <= 3);
    }

    #[test]
    fn steps_back_and_forward_walk_the_lines() {
        let mut s = session();
        let last = step_back_at(&s).unwrap();
        assert!(last < 30_000);
        s.advance(last);
        // The last line's time: nothing after it is known or due.
        assert_eq!(step_forward_at(&s), None);
        let back = step_back_at(&s).unwrap();
        assert!(back < last);
        s.advance(back);
        let forward = step_forward_at(&s).unwrap();
        assert!(forward > back && forward <= last);
        assert!(s.timeline().any(|l| l.at == forward));
        assert_eq!(step_forward_at(&Sandbox::new(default_world())), None);
        assert_eq!(step_back_at(&Sandbox::new(default_world())), None);
    }

    #[test]
    fn a_step_in_the_past_asks_before_it_forks() {
        let mut s = session();
        assert_eq!(fork_question(&s), None, "at the end nothing is dropped");
        s.advance(500);
        assert_eq!(
            fork_question(&s).as_deref(),
            Some("This drops the 2 steps written after 00:00.500 and what followed them; go on?")
        );
        s.advance(5_000);
        assert_eq!(
            fork_question(&s).as_deref(),
            Some("This drops the 1 step written after 00:05.000 and what followed it; go on?")
        );
        // Past the last step but before the horizon: the known future goes.
        s.advance(25_000);
        assert_eq!(
            fork_question(&s).as_deref(),
            Some(
                "This drops what followed 00:25.000 (known up to 00:30.000) and starts a new future from here; go on?"
            )
        );
        // Forking and stepping: nothing more to ask, the dropped steps are gone from the export.
        s.advance(5_000);
        assert_eq!(s.fork(), 1);
        s.step(dial("+15550111111", "+15550100000")).unwrap();
        assert_eq!(fork_question(&s), None);
        assert_eq!(s.scenario().steps.len(), 2);
        assert!(!s.export().contains("hangup"));
    }
}
