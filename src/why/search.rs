//! The event log's search text: each line's searchable fields, lowered once when the line is first seen, so that
//! the log's text filter is one substring search per line and a keystroke in a 10,000-line log allocates nothing
//! per line.
//!
//! A line's text holds exactly what [`super::groups::Filter::matches`] looks in (its kind, the webhook's URL,
//! request type, headers, raw body and the app's answer, the API line's method, path and response, ids, statuses,
//! causes, what is heard, notes, errors, world changes), ASCII-lowered, its fields separated by a NUL byte, which
//! no filter text holds, so a match never spans two fields. Like [`super::groups::Groups`], the index is extended
//! with the new lines while the sandbox's generation stays the same and rebuilt when it changes
//! ([`Search::sync`]).

use crate::engine::log::{Entry, LogLine};
use crate::engine::media::{MediaChange, Sound};

/// Between two fields of a line's text.
const SEP: char = '\0';

/// The lowered search text of every line of a log. See the module docs.
#[derive(Clone, Debug, Default)]
pub struct Search {
    generation: u64,
    /// Every line's text, one after the other.
    text: String,
    /// Where each line's text ends in `text`.
    ends: Vec<usize>,
}

impl Search {
    /// An empty index.
    pub fn new() -> Search {
        Search::default()
    }

    /// The index of a whole log.
    pub fn build(log: &[LogLine]) -> Search {
        let mut s = Search::new();
        s.extend(log);
        s
    }

    /// How many lines are indexed.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no line is indexed.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Indexes `new_lines`, which follow the lines indexed so far.
    pub fn extend(&mut self, new_lines: &[LogLine]) {
        for line in new_lines {
            let start = self.text.len();
            fields(line, &mut |field| {
                self.text.push_str(field);
                self.text.push(SEP);
            });
            self.text[start..].make_ascii_lowercase();
            self.ends.push(self.text.len());
        }
    }

    /// Brings the index up to `log` of a sandbox at `generation` (see [`super::groups::Groups::sync`]).
    pub fn sync(&mut self, log: &[LogLine], generation: u64) {
        if generation != self.generation || log.len() < self.len() {
            *self = Search {
                generation,
                ..Search::default()
            };
        }
        if let Some(new) = log.get(self.len()..) {
            self.extend(new);
        }
    }

    /// Line `ix`'s text, lowered (`None` past the indexed lines).
    pub fn line(&self, ix: usize) -> Option<&str> {
        let end = *self.ends.get(ix)?;
        let start = ix.checked_sub(1).map_or(0, |before| self.ends[before]);
        Some(&self.text[start..end])
    }

    /// The indexed lines whose text contains `needle_lower` (already ASCII-lowered), in order: one pass over the
    /// whole text with one searcher, resuming after each hit at the next line, rather than a search per line.
    pub fn lines_containing(&self, needle_lower: &str) -> Vec<usize> {
        let mut lines = Vec::new();
        if needle_lower.is_empty() {
            lines.extend(0..self.len());
            return lines;
        }
        let mut from = 0;
        while let Some(at) = self
            .text
            .get(from..)
            .and_then(|rest| rest.find(needle_lower))
        {
            // A line's text ends with a separator no needle holds, so the hit lies inside one line.
            let line = self.ends.partition_point(|&end| end <= from + at);
            lines.push(line);
            let Some(&end) = self.ends.get(line) else {
                break;
            };
            from = end;
        }
        lines
    }

    /// Whether line `ix` contains `needle_lower` (already ASCII-lowered, as
    /// [`super::groups::Filter::text_filter`] is) in one of its fields; `None` past the indexed lines.
    pub fn contains(&self, ix: usize, needle_lower: &str) -> Option<bool> {
        self.line(ix).map(|text| text.contains(needle_lower))
    }
}

/// Calls `add` with each searchable field of `line`, the same fields [`super::groups::Filter::matches`] reads.
pub(crate) fn fields(line: &LogLine, add: &mut dyn FnMut(&str)) {
    add(line.kind());
    match &line.entry {
        Entry::Webhook(w) => {
            add(&w.url);
            add(w.request_type.as_str());
            for (k, v) in &w.headers {
                add(k);
                add(v);
            }
            add(w.body.raw());
            add(&w.response.body);
        }
        Entry::Api(a) => {
            add(&a.method);
            add(&a.path);
            if let Some(r) = &a.response {
                add(r);
            }
        }
        Entry::Fetch(x) => {
            add(x.method);
            add(&x.url);
            add(x.purpose);
            add(&x.conference_id);
        }
        Entry::Conference {
            conference_id,
            status,
            why,
            sandbox_choice,
        } => {
            add(conference_id);
            add(status.as_str());
            add(why);
            if let Some(c) = sandbox_choice {
                add(c);
            }
        }
        Entry::Call {
            call_id,
            status,
            reason,
        } => {
            add(call_id);
            add(status.as_str());
            if let Some(r) = reason {
                add(r.as_str());
            }
        }
        Entry::Media(m) => media_fields(m, add),
        Entry::Note {
            conference_id,
            call_id,
            text,
        } => {
            for id in [conference_id, call_id].into_iter().flatten() {
                add(id);
            }
            add(text);
        }
        Entry::Error { step, message } => {
            if let Some(s) = step {
                add(s);
            }
            add(message);
        }
        Entry::World(change) => add(&crate::scenario::set_object(change, None)),
    }
}

/// A media change's searchable fields: what it is in one word, and its ids, texts and files.
fn media_fields(m: &MediaChange, add: &mut dyn FnMut(&str)) {
    match m {
        MediaChange::Play { call_id, sound, .. } => {
            add("play");
            add(call_id);
            match sound {
                Sound::Say { text, language } => {
                    add("say");
                    add(text);
                    if let Some(l) = language {
                        add(l);
                    }
                }
                Sound::Play { file } | Sound::EarlyMedia { file } => add(file),
                Sound::Silence => add("silence"),
                Sound::Digits { digits } => add(digits),
            }
        }
        MediaChange::Stop { call_id } => {
            add("stop");
            add(call_id);
        }
        MediaChange::Join {
            conference_id,
            call_id,
            ..
        } => {
            add("join");
            add(conference_id);
            add(call_id);
        }
        MediaChange::Leave {
            conference_id,
            call_id,
        } => {
            add("leave");
            add(conference_id);
            add(call_id);
        }
        MediaChange::Privileges {
            conference_id,
            call_id,
            ..
        } => {
            add("privileges");
            add(conference_id);
            add(call_id);
        }
        MediaChange::Beep { conference_id, .. } => {
            add("beep");
            add(conference_id);
        }
        MediaChange::WaitMusic {
            conference_id,
            wait_url,
            ..
        } => {
            add("waitMusic");
            add(conference_id);
            if let Some(u) = wait_url {
                add(u);
            }
        }
        MediaChange::Recording {
            recording_id,
            conference_id,
            call_id,
            ..
        } => {
            add("recording");
            add(recording_id);
            for id in [conference_id, call_id].into_iter().flatten() {
                add(id);
            }
        }
        MediaChange::Dtmf { from, to, digits } => {
            add("dtmf");
            add(from);
            for t in to {
                add(t);
            }
            add(digits);
        }
    }
}
