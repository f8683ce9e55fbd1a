//! The event log indexed by conference and by call, built as the log grows.
//!
//! The page shows the log grouped by conference, grouped by call, and flat, with filters. A live session's log
//! only grows between two frames (see [`crate::sandbox`]: same generation, more lines), so the index is built
//! incrementally: [`Groups::extend`] reads only the new lines, and a 10,000-line log is never rescanned per
//! frame. When the log was rebuilt instead (a load, the clock going back), [`Groups::reset`] starts over;
//! [`Groups::sync`] does either from the sandbox's generation.
//!
//! # Which lines belong to what
//! A line's *subjects* ([`subjects`]) are the conferences and calls it is about:
//! * a webhook: its body's `callId` and `conferenceId` (a `conferenceStatus` webhook carries both: the call
//!   that caused it and the conference), and an `outDialStart`'s `dialCallId` (the call it created);
//! * an API request: the `CA…`/`CF…` ids in its path, and the id a successful `POST /Calls` or
//!   `POST /Conferences` created (from its response);
//! * a conference or call line: its id;
//! * a media line: the call it plays to, or the conference it changes (beep, wait music, a conference recording);
//!   a membership line (join, leave, privileges) both its call and its conference; a DTMF pass-through belongs
//!   to the call that pressed;
//! * a note: the ids it carries; an error: nothing (it is listed in [`Groups::ungrouped`]).
//!
//! A membership line names one call (the old `bridge` line named the whole room and so belonged only to its
//! conference), so it belongs to both groups and relates them: that the call was in that conference is what
//! [`Groups::conferences_of_call`] reports (together with webhooks that name both).
//!
//! # Invariants
//! * Ids appear in the order of their first line, and each id's line indices are increasing.
//! * Extending line by line gives the same index as building at once (`tests/why.rs` checks every split).
//! * Nothing here reads a clock or a hash order: the same log gives the same index.

use super::search::Search;
use crate::engine::log::{Entry, LogLine};
use crate::engine::media::MediaChange;
use crate::lookup::Lookup;
use serde_json::Value;

/// The kind of a log line, as the filters name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A webhook and the app's answer.
    Webhook,
    /// A REST request and its response.
    Api,
    /// A conference status change.
    Conference,
    /// A call status change.
    Call,
    /// A change to what is heard.
    Media,
    /// A note.
    Note,
    /// Something the scenario asked for that could not be done.
    Error,
    /// A change of the world (a `set` step).
    World,
    /// A GET FreeClimb made for audio (a conference's `waitUrl`).
    Fetch,
}

impl Kind {
    /// Every kind, in the order the log's filter bar lists them.
    pub const ALL: [Kind; 9] = [
        Kind::Webhook,
        Kind::Api,
        Kind::Conference,
        Kind::Call,
        Kind::Media,
        Kind::Note,
        Kind::Error,
        Kind::World,
        Kind::Fetch,
    ];

    /// The kind of `entry`.
    pub fn of(entry: &Entry) -> Kind {
        match entry {
            Entry::Webhook(_) => Kind::Webhook,
            Entry::Fetch(_) => Kind::Fetch,
            Entry::Api(_) => Kind::Api,
            Entry::Conference { .. } => Kind::Conference,
            Entry::Call { .. } => Kind::Call,
            Entry::Media(_) => Kind::Media,
            Entry::Note { .. } => Kind::Note,
            Entry::Error { .. } => Kind::Error,
            Entry::World(_) => Kind::World,
        }
    }

    /// The `kind` string of the written log.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Webhook => "webhook",
            Kind::Api => "api",
            Kind::Conference => "conference",
            Kind::Call => "call",
            Kind::Media => "media",
            Kind::Note => "note",
            Kind::Error => "error",
            Kind::World => "world",
            Kind::Fetch => "fetch",
        }
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// A set of [`Kind`]s (a bit set: copying and testing it costs nothing per line).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Kinds(u16);

impl Kinds {
    /// Every kind: one bit per entry of [`Kind::ALL`] (computed, so a new kind is in it).
    pub const ALL: Kinds = Kinds((1 << Kind::ALL.len()) - 1);
    /// No kind.
    pub const NONE: Kinds = Kinds(0);

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: Kind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// The set with `kind` added.
    #[must_use]
    pub fn with(self, kind: Kind) -> Kinds {
        Kinds(self.0 | kind.bit())
    }

    /// The set with `kind` removed.
    #[must_use]
    pub fn without(self, kind: Kind) -> Kinds {
        Kinds(self.0 & !kind.bit())
    }

    /// Whether every kind is in the set.
    pub fn is_all(self) -> bool {
        self == Kinds::ALL
    }
}

impl Default for Kinds {
    fn default() -> Self {
        Kinds::ALL
    }
}

impl FromIterator<Kind> for Kinds {
    fn from_iter<I: IntoIterator<Item = Kind>>(iter: I) -> Self {
        iter.into_iter().fold(Kinds::NONE, Kinds::with)
    }
}

/// What the log view shows: lines of these kinds, containing this text, about this id. The default shows
/// everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// The kinds shown.
    pub kinds: Kinds,
    /// Shown lines contain this text (ASCII case-insensitive) in one of their fields; empty: any line.
    text: String,
    /// Shown lines are about this conference or call (a `CF…`/`CA…` id); `None`: any line.
    pub id: Option<String>,
}

impl Filter {
    /// A filter that shows everything.
    pub fn all() -> Filter {
        Filter::default()
    }

    /// This filter, showing only `kinds`.
    #[must_use]
    pub fn kinds(mut self, kinds: Kinds) -> Filter {
        self.kinds = kinds;
        self
    }

    /// This filter, showing only lines containing `text` (ASCII case-insensitive; empty: any line).
    #[must_use]
    pub fn text(mut self, text: &str) -> Filter {
        // Lowered once here so that matching a line allocates nothing.
        self.text = text.to_ascii_lowercase();
        self
    }

    /// This filter, showing only lines about `id` (a conference or a call).
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Filter {
        self.id = Some(id.into());
        self
    }

    /// The text filter, lowered.
    pub fn text_filter(&self) -> &str {
        &self.text
    }

    /// Whether `line` passes the filter.
    pub fn matches(&self, line: &LogLine) -> bool {
        if !self.kinds.contains(Kind::of(&line.entry)) {
            return false;
        }
        if let Some(id) = &self.id
            && !subjects(line).mentions(id)
        {
            return false;
        }
        self.text.is_empty() || line_contains(line, &self.text)
    }
}

/// The conferences and calls one line is about (see the module docs for the rules).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subjects {
    /// `CF…` ids, each once, in the order the line names them.
    pub conferences: Vec<String>,
    /// `CA…` ids, each once, in the order the line names them.
    pub calls: Vec<String>,
}

impl Subjects {
    /// Whether the line is about `id`.
    pub fn mentions(&self, id: &str) -> bool {
        self.conferences.iter().chain(&self.calls).any(|x| x == id)
    }

    fn conference(&mut self, id: &str) {
        if !id.is_empty() && !self.conferences.iter().any(|x| x == id) {
            self.conferences.push(id.to_owned());
        }
    }

    fn call(&mut self, id: &str) {
        if !id.is_empty() && !self.calls.iter().any(|x| x == id) {
            self.calls.push(id.to_owned());
        }
    }

    /// An id of either kind, told apart by its prefix.
    fn any(&mut self, id: &str) {
        if id.starts_with("CF") {
            self.conference(id);
        } else if id.starts_with("CA") {
            self.call(id);
        }
    }
}

/// What `line` is about.
pub fn subjects(line: &LogLine) -> Subjects {
    let mut s = Subjects::default();
    match &line.entry {
        Entry::Webhook(w) => {
            let body = w.body.value();
            for key in ["callId", "dialCallId"] {
                if let Some(id) = body.get(key).and_then(Value::as_str) {
                    s.call(id);
                }
            }
            if let Some(id) = body.get("conferenceId").and_then(Value::as_str) {
                s.conference(id);
            }
        }
        Entry::Api(a) => {
            for id in ids_in(&a.path) {
                s.any(id);
            }
            // A creation names its new id only in the response; the request is where the thing began.
            let creates = a.method == "POST"
                && (200..300).contains(&a.status)
                && (a.path.ends_with("/Calls") || a.path.ends_with("/Conferences"));
            if creates
                && let Some(Ok(Value::Object(body))) =
                    a.response.as_deref().map(serde_json::from_str::<Value>)
            {
                for key in ["conferenceId", "callId"] {
                    if let Some(id) = body.get(key).and_then(Value::as_str) {
                        s.any(id);
                    }
                }
            }
        }
        Entry::Conference { conference_id, .. } => s.conference(conference_id),
        Entry::Call { call_id, .. } => s.call(call_id),
        Entry::Media(change) => match change {
            MediaChange::Play { call_id, .. } | MediaChange::Stop { call_id } => s.call(call_id),
            MediaChange::Join {
                conference_id,
                call_id,
                ..
            }
            | MediaChange::Leave {
                conference_id,
                call_id,
            }
            | MediaChange::Privileges {
                conference_id,
                call_id,
                ..
            } => {
                s.conference(conference_id);
                s.call(call_id);
            }
            MediaChange::Beep { conference_id, .. }
            | MediaChange::WaitMusic { conference_id, .. } => s.conference(conference_id),
            MediaChange::Recording {
                conference_id,
                call_id,
                ..
            } => {
                if let Some(c) = conference_id {
                    s.conference(c);
                }
                if let Some(c) = call_id {
                    s.call(c);
                }
            }
            MediaChange::Dtmf { from, .. } => s.call(from),
        },
        Entry::Note {
            conference_id,
            call_id,
            ..
        } => {
            if let Some(c) = conference_id {
                s.conference(c);
            }
            if let Some(c) = call_id {
                s.call(c);
            }
        }
        Entry::Fetch(x) => s.conference(&x.conference_id),
        Entry::Error { .. } | Entry::World(_) => {}
    }
    s
}

/// The `CA…`/`CF…` ids (two letters and 40 lowercase hex digits) in a REST path, in order.
fn ids_in(path: &str) -> impl Iterator<Item = &str> {
    path.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| {
            t.len() == 42
                && (t.starts_with("CA") || t.starts_with("CF"))
                && t[2..]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// Whether `hay` contains `needle_lower` (already lowered), ignoring ASCII case, without allocating.
fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle_lower.as_bytes());
    if n.is_empty() {
        return true;
    }
    h.len() >= n.len()
        && h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

/// Whether one of `line`'s fields ([`super::search`] names them) contains `needle_lower`. The fields are read as
/// they are (the webhook's raw body, the API response as sent): building each line's JSON per keystroke would cost
/// a 10,000-line log tens of milliseconds. The event log searches [`Search`]'s text, lowered once per line, instead.
fn line_contains(line: &LogLine, needle: &str) -> bool {
    let mut found = false;
    super::search::fields(line, &mut |field| {
        found = found || contains_ci(field, needle);
    });
    found
}

/// One conference's or call's lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Group {
    /// The `CF…` or `CA…` id.
    pub id: String,
    /// Indices into the log of the lines about it, increasing.
    pub lines: Vec<usize>,
    /// For a call: the positions (in [`Groups::conference_ids`]) of the conferences it was seen in; for a
    /// conference: the positions (in [`Groups::call_ids`]) of its calls. Each once, in first-seen order.
    related: Vec<usize>,
}

/// The log's lines by conference and by call. See the module docs.
#[derive(Clone, Debug, Default)]
pub struct Groups {
    len: usize,
    generation: u64,
    conferences: Vec<Group>,
    calls: Vec<Group>,
    conference_at: Lookup<String, usize>,
    call_at: Lookup<String, usize>,
    ungrouped: Vec<usize>,
}

impl PartialEq for Groups {
    /// Equal when they index the same lines the same way (the lookup maps follow from the groups).
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self.conferences == other.conferences
            && self.calls == other.calls
            && self.ungrouped == other.ungrouped
    }
}

impl Groups {
    /// An empty index.
    pub fn new() -> Groups {
        Groups::default()
    }

    /// The index of a whole log.
    pub fn build(log: &[LogLine]) -> Groups {
        let mut g = Groups::new();
        g.extend(log);
        g
    }

    /// How many lines are indexed: the next line [`Groups::extend`] reads is this index in the log.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no line is indexed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Forgets everything (the log was rebuilt).
    pub fn reset(&mut self) {
        *self = Groups {
            generation: self.generation,
            ..Groups::default()
        };
    }

    /// Indexes `new_lines`, which follow the lines indexed so far (the first one is log line [`Groups::len`]).
    pub fn extend(&mut self, new_lines: &[LogLine]) {
        for line in new_lines {
            let ix = self.len;
            self.len += 1;
            let s = subjects(line);
            if s.conferences.is_empty() && s.calls.is_empty() {
                self.ungrouped.push(ix);
                continue;
            }
            let confs: Vec<usize> = s
                .conferences
                .iter()
                .map(|id| {
                    let c = Self::slot(&mut self.conferences, &mut self.conference_at, id);
                    self.conferences[c].lines.push(ix);
                    c
                })
                .collect();
            let calls: Vec<usize> = s
                .calls
                .iter()
                .map(|id| {
                    let c = Self::slot(&mut self.calls, &mut self.call_at, id);
                    self.calls[c].lines.push(ix);
                    c
                })
                .collect();
            for &cf in &confs {
                for &ca in &calls {
                    Self::relate(&mut self.conferences[cf].related, ca);
                    Self::relate(&mut self.calls[ca].related, cf);
                }
            }
        }
    }

    /// Brings the index up to `log` from a sandbox whose log has generation `generation`: extends with the new
    /// lines while the generation is unchanged, starts over when it changed or the log shrank.
    pub fn sync(&mut self, log: &[LogLine], generation: u64) {
        if generation != self.generation || log.len() < self.len {
            self.reset();
            self.generation = generation;
        }
        if let Some(new) = log.get(self.len..) {
            self.extend(new);
        }
    }

    fn slot(groups: &mut Vec<Group>, at: &mut Lookup<String, usize>, id: &str) -> usize {
        if let Some(&i) = at.get(id) {
            return i;
        }
        groups.push(Group {
            id: id.to_owned(),
            ..Group::default()
        });
        at.insert(id.to_owned(), groups.len() - 1);
        groups.len() - 1
    }

    fn relate(related: &mut Vec<usize>, other: usize) {
        // A call is in few conferences and a conference's calls are pushed in order, so the check is short in
        // practice; the last entry is checked first since repeats are usually the latest one.
        if related.last() != Some(&other) && !related.contains(&other) {
            related.push(other);
        }
    }

    /// Conference ids in the order they first appear.
    pub fn conference_ids(&self) -> impl ExactSizeIterator<Item = &str> {
        self.conferences.iter().map(|g| g.id.as_str())
    }

    /// Call ids in the order they first appear.
    pub fn call_ids(&self) -> impl ExactSizeIterator<Item = &str> {
        self.calls.iter().map(|g| g.id.as_str())
    }

    /// The conferences' groups, in first-appearance order.
    pub fn conferences(&self) -> &[Group] {
        &self.conferences
    }

    /// The calls' groups, in first-appearance order.
    pub fn calls(&self) -> &[Group] {
        &self.calls
    }

    /// The lines about conference `id` (empty if it never appeared).
    pub fn conference_lines(&self, id: &str) -> &[usize] {
        self.conference_at
            .get(id)
            .map_or(&[], |&i| &self.conferences[i].lines)
    }

    /// The lines about call `id` (empty if it never appeared).
    pub fn call_lines(&self, id: &str) -> &[usize] {
        self.call_at.get(id).map_or(&[], |&i| &self.calls[i].lines)
    }

    /// The lines about `id`, a conference or a call.
    pub fn lines_of(&self, id: &str) -> &[usize] {
        if id.starts_with("CF") {
            self.conference_lines(id)
        } else {
            self.call_lines(id)
        }
    }

    /// The lines about no conference and no call (scenario errors, notes about nothing in particular).
    pub fn ungrouped(&self) -> &[usize] {
        &self.ungrouped
    }

    /// The conferences call `id` was seen in, in the order it was first seen in each.
    pub fn conferences_of_call(&self, id: &str) -> Vec<&str> {
        self.call_at.get(id).map_or_else(Vec::new, |&i| {
            self.calls[i]
                .related
                .iter()
                .map(|&c| self.conferences[c].id.as_str())
                .collect()
        })
    }

    /// The calls seen in conference `id`, in the order each was first seen there.
    pub fn calls_of_conference(&self, id: &str) -> Vec<&str> {
        self.conference_at.get(id).map_or_else(Vec::new, |&i| {
            self.conferences[i]
                .related
                .iter()
                .map(|&c| self.calls[c].id.as_str())
                .collect()
        })
    }

    /// The indices of `log`'s lines that pass `filter`, in order. With an id, only that id's lines are looked at,
    /// so filtering a long log to one call costs that call's lines, not the log's. Lines past what the index has
    /// read are not looked at through the id (extend first).
    pub fn filtered(&self, log: &[LogLine], filter: &Filter) -> Vec<usize> {
        self.filtered_with(log, filter, None)
    }

    /// [`Groups::filtered`], matching the text in `search`'s lowered text of each line it has indexed.
    pub fn filtered_with(
        &self,
        log: &[LogLine],
        filter: &Filter,
        search: Option<&Search>,
    ) -> Vec<usize> {
        let pass = |&i: &usize| filter.passes(log, i, search);
        // A text filter over the whole log: the lines holding the text come from one pass over the search text.
        if let Some(search) = search
            && filter.id.is_none()
            && !filter.text.is_empty()
            && search.len() >= log.len()
        {
            return search
                .lines_containing(&filter.text)
                .into_iter()
                .filter(|&i| {
                    log.get(i)
                        .is_some_and(|l| filter.kinds.contains(Kind::of(&l.entry)))
                })
                .collect();
        }
        match &filter.id {
            Some(id) => self.lines_of(id).iter().copied().filter(pass).collect(),
            None => (0..log.len()).filter(pass).collect(),
        }
    }
}

impl Filter {
    /// Whether log line `ix` passes the filter's kinds and text, not its id (for a line the caller knows to be
    /// about the id, through the index): the text is looked for in `search`'s lowered text when it indexed the
    /// line, else in the line's fields.
    pub fn passes(&self, log: &[LogLine], ix: usize, search: Option<&Search>) -> bool {
        let Some(line) = log.get(ix) else {
            return false;
        };
        self.kinds.contains(Kind::of(&line.entry))
            && (self.text.is_empty()
                || search
                    .and_then(|s| s.contains(ix, &self.text))
                    .unwrap_or_else(|| line_contains(line, &self.text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::run_scenario;

    fn run(name: &str) -> Vec<LogLine> {
        let path = format!("{}/tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let scenario = crate::scenario::parse(&text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        run_scenario(&scenario, None)
    }

    fn id_field(line: &LogLine, key: &str) -> Option<String> {
        let value = match &line.entry {
            Entry::Webhook(w) => w.body.value().get(key).cloned(),
            _ => line.get(key),
        };
        value.and_then(|v| v.as_str().map(str::to_owned))
    }

    #[test]
    fn a_percl_join_groups_the_conference_and_its_call() {
        let log = run("percl-create-join.json");
        let g = Groups::build(&log);
        assert_eq!(g.len(), log.len());
        assert_eq!(g.conference_ids().len(), 1);
        assert_eq!(g.call_ids().len(), 1);
        let (cf, ca) = (
            g.conference_ids().next().unwrap_or_default(),
            g.call_ids().next().unwrap_or_default(),
        );
        assert!(cf.starts_with("CF") && ca.starts_with("CA"));
        // The call appears first (it dials in), so its first line is line 0.
        assert_eq!(g.call_lines(ca).first(), Some(&0));
        assert_eq!(g.conferences_of_call(ca), vec![cf]);
        assert_eq!(g.calls_of_conference(cf), vec![ca]);
        // Every line that names the id in its written form is in its group (and nothing else is).
        for (i, line) in log.iter().enumerate() {
            let names_cf = id_field(line, "conferenceId").as_deref() == Some(cf);
            let in_cf = g.conference_lines(cf).contains(&i);
            if names_cf {
                assert!(in_cf, "line {i} {}", line.to_json());
            }
            let names_ca = id_field(line, "callId").as_deref() == Some(ca);
            if names_ca {
                assert!(g.call_lines(ca).contains(&i), "line {i} {}", line.to_json());
            }
        }
        // The GET of the participants names the conference in its path.
        let api = log.iter().position(|l| l.kind() == "api");
        assert!(api.is_some_and(|i| g.conference_lines(cf).contains(&i)));
        // Indices increase.
        for grp in g.conferences().iter().chain(g.calls()) {
            assert!(grp.lines.windows(2).all(|w| w[0] < w[1]), "{}", grp.id);
        }
    }

    #[test]
    fn an_outdial_relates_parent_and_child_calls_to_their_conference() {
        let log = run("outdial.json");
        let g = Groups::build(&log);
        // Parent, child (answered), second caller, its unanswered child.
        assert_eq!(
            g.call_ids().len(),
            4,
            "{:?}",
            g.call_ids().collect::<Vec<_>>()
        );
        assert_eq!(g.conference_ids().len(), 1);
        let cf = g.conference_ids().next().unwrap_or_default();
        let ids: Vec<&str> = g.call_ids().collect();
        assert_eq!(g.calls_of_conference(cf), ids[..2].to_vec());
        assert!(g.conferences_of_call(ids[3]).is_empty());
        // The parent's outDialStart webhook names the child, so it is in both calls' groups.
        let start = log.iter().position(
            |l| matches!(&l.entry, Entry::Webhook(w) if w.request_type.as_str() == "outDialStart"),
        );
        let start = start.unwrap_or(usize::MAX);
        assert!(g.call_lines(ids[0]).contains(&start));
        assert!(g.call_lines(ids[1]).contains(&start));
    }

    #[test]
    fn filters_by_kind_text_and_id() {
        let log = run("percl-create-join.json");
        let g = Groups::build(&log);
        let all = g.filtered(&log, &Filter::all());
        assert_eq!(all, (0..log.len()).collect::<Vec<_>>());
        let hooks = g.filtered(&log, &Filter::all().kinds(Kinds::NONE.with(Kind::Webhook)));
        assert!(!hooks.is_empty());
        assert!(hooks.iter().all(|&i| log[i].kind() == "webhook"));
        // Text is matched case-insensitively, in the raw body too.
        let joined = g.filtered(&log, &Filter::all().text("ADDTOCONFERENCENOTIFICATION"));
        assert_eq!(joined.len(), 1);
        // By id: the same lines as the group, and the same as matching line by line.
        let cf = g.conference_ids().next().unwrap_or_default().to_owned();
        let f = Filter::all().id(cf.clone());
        assert_eq!(g.filtered(&log, &f), g.conference_lines(&cf));
        let by_line: Vec<usize> = (0..log.len()).filter(|&i| f.matches(&log[i])).collect();
        assert_eq!(g.filtered(&log, &f), by_line);
        let f = Filter::all()
            .id(cf)
            .kinds(Kinds::NONE.with(Kind::Conference))
            .text("populated");
        let lines = g.filtered(&log, &f);
        assert_eq!(lines.len(), 1);
        assert_eq!(
            lines,
            (0..log.len())
                .filter(|&i| f.matches(&log[i]))
                .collect::<Vec<_>>()
        );
        assert!(g.filtered(&log, &Filter::all().id("CFnope")).is_empty());
    }

    #[test]
    fn sync_extends_within_a_generation_and_rebuilds_across() {
        let log = run("terminate-rest.json");
        let mut g = Groups::new();
        g.sync(&log[..10], 0);
        g.sync(&log, 0);
        assert_eq!(g, Groups::build(&log));
        g.sync(&log[..5], 1);
        assert_eq!(g, Groups::build(&log[..5]));
        g.sync(&log[..3], 1);
        assert_eq!(
            g,
            Groups::build(&log[..3]),
            "a shorter log is a rebuilt one"
        );
    }

    #[test]
    fn the_search_index_finds_what_the_fields_hold() {
        let log = run("percl-create-join.json");
        let g = Groups::build(&log);
        let mut search = Search::new();
        // Built in two parts, as a growing log is.
        search.sync(&log[..log.len() / 2], 3);
        search.sync(&log, 3);
        assert_eq!(search.len(), log.len());
        let needles = [
            "addtoconferencenotification",
            "webhook",
            "freeclimb-signature",
            "populated",
            "say",
            "conf",
            "nothing-like-this",
        ];
        for needle in needles {
            let f = Filter::all().text(needle);
            let slow = g.filtered(&log, &f);
            let per_line: Vec<usize> = (0..log.len())
                .filter(|&i| search.contains(i, f.text_filter()) == Some(true))
                .collect();
            assert_eq!(
                search.lines_containing(f.text_filter()),
                per_line,
                "{needle}"
            );
            let webhooks = f.clone().kinds(Kinds::NONE.with(Kind::Webhook));
            assert_eq!(
                g.filtered_with(&log, &webhooks, Some(&search)),
                g.filtered(&log, &webhooks),
                "{needle}"
            );
            assert_eq!(g.filtered_with(&log, &f, Some(&search)), slow, "{needle}");
            assert_eq!(
                slow,
                (0..log.len())
                    .filter(|&i| f.matches(&log[i]))
                    .collect::<Vec<_>>()
            );
        }
        assert!(
            !g.filtered(&log, &Filter::all().text("ADDTOCONFERENCENOTIFICATION"))
                .is_empty()
        );
        // Every line's text: its kind first, lowered, and no field runs into the next.
        for (i, line) in log.iter().enumerate() {
            let text = search.line(i).unwrap_or_default();
            assert!(text.starts_with(&format!("{}\0", line.kind())), "{text}");
            assert_eq!(text, text.to_ascii_lowercase());
        }
        // A new generation starts over.
        search.sync(&log[..3], 4);
        assert_eq!(search.len(), 3);
        assert_eq!(search.contains(3, "webhook"), None);
    }

    #[test]
    fn scenario_errors_are_ungrouped() {
        let line = LogLine::new(
            5,
            Entry::Error {
                step: Some("/steps/0".into()),
                message: "no such conference".into(),
            },
        );
        let g = Groups::build(std::slice::from_ref(&line));
        assert_eq!(g.ungrouped(), &[0]);
        assert!(Filter::all().text("SUCH").matches(&line));
        assert!(
            !Filter::all()
                .kinds(Kinds::ALL.without(Kind::Error))
                .matches(&line)
        );
    }
}
