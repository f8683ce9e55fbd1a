//! The world of a live session as it is now, and edits to it (the page's world editor decides nothing itself:
//! what the world is at a time, whether a draft is valid and what changed are decided here).
//!
//! * [`world_at`] / [`world_now`]: the scenario's world (account, numbers, phones, app) with every `set` step up
//!   to a time applied, as the engine has it then.
//! * [`Draft`]: the world as the editor's fields hold it (text), built from a [`World`] and read back
//!   ([`Draft::build`]) by the scenario reader itself, so every field is checked as a `set` step of a file would
//!   be (E.164, http(s) URLs, PerCL and its templates, ranges), each problem placed on its field.
//! * [`diff`]: the one `set` step that turns one world into another, with just what changed.

use super::Sandbox;
use crate::scenario::{
    self, Account, AccountChange, Action, Answer, AppResponse, Media, Number, Phone, Scenario,
    WorldChange,
};
use crate::wire::AccountType;
use std::collections::BTreeMap;

/// What the world is at one time: the parts a `set` step changes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct World {
    /// The account (its identity never changes during a run).
    pub account: Account,
    /// The account's numbers.
    pub numbers: BTreeMap<String, Number>,
    /// The outside phones with settings (any other phone answers at once, silent).
    pub phones: BTreeMap<String, Phone>,
    /// What each URL of the customer's app answers.
    pub app: BTreeMap<String, AppResponse>,
}

impl World {
    /// The world a scenario starts with.
    pub fn of(scenario: &Scenario) -> World {
        World {
            account: scenario.account.clone(),
            numbers: scenario.numbers.clone(),
            phones: scenario.phones.clone(),
            app: scenario.app.clone(),
        }
    }

    /// Applies a `set` step's change, as the engine does.
    pub fn apply(&mut self, change: &WorldChange) {
        if let Some(account) = &change.account {
            if let Some(kind) = account.kind {
                self.account.kind = kind;
            }
            if let Some(verified) = &account.verified_numbers {
                self.account.verified_numbers = verified.clone();
            }
        }
        fn section<T: Clone>(map: &mut BTreeMap<String, T>, entries: &BTreeMap<String, Option<T>>) {
            for (key, entry) in entries {
                match entry {
                    Some(value) => map.insert(key.clone(), value.clone()),
                    None => map.remove(key),
                };
            }
        }
        section(&mut self.numbers, &change.numbers);
        section(&mut self.phones, &change.phones);
        section(&mut self.app, &change.app);
    }
}

/// The world of `scenario` at virtual time `at`: its own, with every `set` step at or before `at` applied in file
/// order (a step at `at` has run by then: a driver runs everything due at its time).
pub fn world_at(scenario: &Scenario, at: u64) -> World {
    let mut world = World::of(scenario);
    for step in scenario.steps.iter().take_while(|s| s.at <= at) {
        if let Action::Set(change) = &step.action {
            world.apply(change);
        }
    }
    world
}

/// The sandbox's world now.
pub fn world_now(sandbox: &Sandbox) -> World {
    world_at(sandbox.scenario(), sandbox.now())
}

/// Whether two app answers are the same answer (a PerCL response's pointer says only where it was written).
fn same_response(a: &AppResponse, b: &AppResponse) -> bool {
    match (a, b) {
        (
            AppResponse::Percl {
                percl: pa,
                delay_ms: da,
            },
            AppResponse::Percl {
                percl: pb,
                delay_ms: db,
            },
        ) => pa.value == pb.value && da == db,
        (AppResponse::Fault(fa), AppResponse::Fault(fb)) => fa == fb,
        _ => false,
    }
}

/// The change that turns `before` into `after`, with only what differs: entries added or changed (`Some`),
/// removed (`None`), and the account's type or verified numbers when they differ. Empty when nothing does.
pub fn diff(before: &World, after: &World) -> WorldChange {
    fn section<T: Clone>(
        before: &BTreeMap<String, T>,
        after: &BTreeMap<String, T>,
        same: impl Fn(&T, &T) -> bool,
    ) -> BTreeMap<String, Option<T>> {
        let mut out = BTreeMap::new();
        for (key, value) in after {
            if !before.get(key).is_some_and(|old| same(old, value)) {
                out.insert(key.clone(), Some(value.clone()));
            }
        }
        for key in before.keys() {
            if !after.contains_key(key) {
                out.insert(key.clone(), None);
            }
        }
        out
    }
    let kind = (before.account.kind != after.account.kind).then_some(after.account.kind);
    let verified = (before.account.verified_numbers != after.account.verified_numbers)
        .then(|| after.account.verified_numbers.clone());
    WorldChange {
        account: (kind.is_some() || verified.is_some()).then_some(AccountChange {
            kind,
            verified_numbers: verified,
        }),
        numbers: section(&before.numbers, &after.numbers, |a, b| a == b),
        phones: section(&before.phones, &after.phones, |a, b| a == b),
        app: section(&before.app, &after.app, same_response),
    }
}

/// How a phone answers, as the editor offers it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AnswerMode {
    /// At once (`{"afterMs": 0}`, the default).
    #[default]
    AtOnce,
    /// After ringing for some ms.
    After,
    /// When an `answer` step answers.
    Manual,
    /// Busy.
    Busy,
    /// Rings, nobody answers.
    NoAnswer,
    /// The call cannot be placed.
    Failed,
}

impl AnswerMode {
    /// Every mode, in menu order.
    pub const ALL: [AnswerMode; 6] = [
        AnswerMode::AtOnce,
        AnswerMode::After,
        AnswerMode::Manual,
        AnswerMode::Busy,
        AnswerMode::NoAnswer,
        AnswerMode::Failed,
    ];

    /// A short key (`atOnce`, `afterMs`, then the scenario's words).
    pub const fn as_str(self) -> &'static str {
        match self {
            AnswerMode::AtOnce => "atOnce",
            AnswerMode::After => "afterMs",
            AnswerMode::Manual => "manual",
            AnswerMode::Busy => "busy",
            AnswerMode::NoAnswer => "noAnswer",
            AnswerMode::Failed => "failed",
        }
    }

    /// The menu's words.
    pub const fn label(self) -> &'static str {
        match self {
            AnswerMode::AtOnce => "answers at once",
            AnswerMode::After => "answers after N ms",
            AnswerMode::Manual => "manual (an answer step)",
            AnswerMode::Busy => "busy",
            AnswerMode::NoAnswer => "no answer",
            AnswerMode::Failed => "failed",
        }
    }

    /// The mode of its key.
    pub fn parse(key: &str) -> Option<AnswerMode> {
        AnswerMode::ALL.into_iter().find(|m| m.as_str() == key)
    }
}

/// What a phone sends, as the editor offers it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VoiceKind {
    /// Nothing.
    #[default]
    Silence,
    /// A sine tone.
    Tone,
    /// A synthetic talker.
    Talker,
    /// Text spoken in a loop.
    Speech,
    /// An audio file.
    File,
}

impl VoiceKind {
    /// Every kind, in menu order.
    pub const ALL: [VoiceKind; 5] = [
        VoiceKind::Silence,
        VoiceKind::Tone,
        VoiceKind::Talker,
        VoiceKind::Speech,
        VoiceKind::File,
    ];

    /// The scenario's key (`silence`, `tone`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            VoiceKind::Silence => "silence",
            VoiceKind::Tone => "tone",
            VoiceKind::Talker => "talker",
            VoiceKind::Speech => "speech",
            VoiceKind::File => "file",
        }
    }

    /// The kind of its key.
    pub fn parse(key: &str) -> Option<VoiceKind> {
        VoiceKind::ALL.into_iter().find(|m| m.as_str() == key)
    }
}

/// A number as the editor's fields hold it (an empty field is a URL left out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NumberDraft {
    /// The E.164 number.
    pub number: String,
    /// `alias`.
    pub alias: String,
    /// `voiceUrl`.
    pub voice_url: String,
    /// `voiceFallbackUrl`.
    pub voice_fallback_url: String,
    /// `statusCallbackUrl`.
    pub status_callback_url: String,
    /// `callConnectUrl`.
    pub call_connect_url: String,
    /// `smsUrl`.
    pub sms_url: String,
    /// `smsFallbackUrl`.
    pub sms_fallback_url: String,
}

impl NumberDraft {
    /// The URL fields with their scenario keys, in the editor's order.
    pub fn urls(&self) -> [(&'static str, &String); 6] {
        [
            ("voiceUrl", &self.voice_url),
            ("voiceFallbackUrl", &self.voice_fallback_url),
            ("statusCallbackUrl", &self.status_callback_url),
            ("callConnectUrl", &self.call_connect_url),
            ("smsUrl", &self.sms_url),
            ("smsFallbackUrl", &self.sms_fallback_url),
        ]
    }

    /// The URL field of a scenario key, to edit.
    pub fn url_mut(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "voiceUrl" => &mut self.voice_url,
            "voiceFallbackUrl" => &mut self.voice_fallback_url,
            "statusCallbackUrl" => &mut self.status_callback_url,
            "callConnectUrl" => &mut self.call_connect_url,
            "smsUrl" => &mut self.sms_url,
            "smsFallbackUrl" => &mut self.sms_fallback_url,
            _ => return None,
        })
    }
}

/// A phone as the editor's fields hold it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhoneDraft {
    /// The E.164 number.
    pub number: String,
    /// How it answers.
    pub answer: AnswerMode,
    /// The ringing time for [`AnswerMode::After`].
    pub after_ms: String,
    /// What it sends.
    pub voice: VoiceKind,
    /// The tone's Hz.
    pub tone_hz: String,
    /// The speech's or the talker's text, or the file's path.
    pub text: String,
    /// The talker's `talkMs` (empty: the default).
    pub talk_ms: String,
    /// The talker's `silenceMs` (empty: the default).
    pub silence_ms: String,
    /// `says` (empty: none).
    pub says: String,
    /// `hangupAfterMs` (empty: none).
    pub hangup_after_ms: String,
}

/// An app URL as the editor's fields hold it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppDraft {
    /// The URL.
    pub url: String,
    /// A fault (status, delay, body) rather than PerCL.
    pub fault: bool,
    /// The PerCL text.
    pub percl: String,
    /// `delayMs` (both forms; empty: 0).
    pub delay_ms: String,
    /// The fault's `status` (empty: 200).
    pub status: String,
    /// The fault's `body`.
    pub body: String,
}

/// The world as the editor's fields hold it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// A trial account.
    pub trial: bool,
    /// The verified numbers, separated by commas, spaces or new lines.
    pub verified: String,
    /// The numbers, in the editor's order.
    pub numbers: Vec<NumberDraft>,
    /// The phones.
    pub phones: Vec<PhoneDraft>,
    /// The app's URLs.
    pub app: Vec<AppDraft>,
}

/// A problem with one field of a [`Draft`]. `field` names it as `account/verifiedNumbers`,
/// `numbers/{row}/{key}` (`number` for the number itself), `phones/{row}/{number|answer|media|says|hangupAfterMs}`
/// or `app/{row}/{url|percl|delayMs|status|body}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftProblem {
    /// The field.
    pub field: String,
    /// What is wrong, and the fix when there is one.
    pub message: String,
}

fn text(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// PerCL as the editor shows it: pretty-printed, two spaces, one command a line.
pub fn percl_text(value: &serde_json::Value) -> String {
    match value.as_array() {
        Some(items) if !items.is_empty() => {
            let lines: Vec<String> = items.iter().map(|c| format!("  {c}")).collect();
            format!("[\n{}\n]", lines.join(",\n"))
        }
        _ => value.to_string(),
    }
}

impl Draft {
    /// The fields showing `world`.
    pub fn of(world: &World) -> Draft {
        let numbers = world
            .numbers
            .iter()
            .map(|(number, n)| NumberDraft {
                number: number.clone(),
                alias: text(&n.alias),
                voice_url: text(&n.voice_url),
                voice_fallback_url: text(&n.voice_fallback_url),
                status_callback_url: text(&n.status_callback_url),
                call_connect_url: text(&n.call_connect_url),
                sms_url: text(&n.sms_url),
                sms_fallback_url: text(&n.sms_fallback_url),
            })
            .collect();
        let phones = world
            .phones
            .iter()
            .map(|(number, p)| {
                let mut d = PhoneDraft {
                    number: number.clone(),
                    says: text(&p.says),
                    hangup_after_ms: p
                        .hangup_after_ms
                        .map(|ms| ms.to_string())
                        .unwrap_or_default(),
                    ..PhoneDraft::default()
                };
                d.answer = match p.answer {
                    Answer::After { after_ms: 0 } => AnswerMode::AtOnce,
                    Answer::After { after_ms } => {
                        d.after_ms = after_ms.to_string();
                        AnswerMode::After
                    }
                    Answer::Manual => AnswerMode::Manual,
                    Answer::Busy => AnswerMode::Busy,
                    Answer::NoAnswer => AnswerMode::NoAnswer,
                    Answer::Failed => AnswerMode::Failed,
                };
                d.voice = match &p.media {
                    Media::Silence => VoiceKind::Silence,
                    Media::Tone { hz } => {
                        d.tone_hz = hz.to_string();
                        VoiceKind::Tone
                    }
                    Media::File { path } => {
                        d.text = path.clone();
                        VoiceKind::File
                    }
                    Media::Speech { text } => {
                        d.text = text.clone();
                        VoiceKind::Speech
                    }
                    Media::Talker(t) => {
                        d.text = text(&t.text);
                        d.talk_ms = t.talk_ms.to_string();
                        d.silence_ms = t.silence_ms.to_string();
                        VoiceKind::Talker
                    }
                };
                d
            })
            .collect();
        let app = world
            .app
            .iter()
            .map(|(url, r)| match r {
                AppResponse::Percl { percl, delay_ms } => AppDraft {
                    url: url.clone(),
                    percl: percl_text(&percl.value),
                    delay_ms: if *delay_ms == 0 {
                        String::new()
                    } else {
                        delay_ms.to_string()
                    },
                    ..AppDraft::default()
                },
                AppResponse::Fault(f) => AppDraft {
                    url: url.clone(),
                    fault: true,
                    percl: "[]".into(),
                    delay_ms: if f.delay_ms == 0 {
                        String::new()
                    } else {
                        f.delay_ms.to_string()
                    },
                    status: f.status.to_string(),
                    body: f.body.clone(),
                },
            })
            .collect();
        Draft {
            trial: world.account.kind == AccountType::Trial,
            verified: world.account.verified_numbers.join(", "),
            numbers,
            phones,
            app,
        }
    }

    /// The world these fields describe (the account's identity taken from `base`), or every problem with them.
    /// The fields are written as one `set` step and read by the scenario reader, so each is checked exactly as in
    /// a file; a problem is placed on its field (see [`DraftProblem`]).
    pub fn build(&self, base: &World) -> Result<World, Vec<DraftProblem>> {
        let mut problems = Vec::new();
        let source = self.set_source(&mut problems);
        match scenario::parse_step(&source) {
            Ok(Action::Set(change)) if problems.is_empty() => {
                let mut world = World {
                    account: base.account.clone(),
                    ..World::default()
                };
                world.apply(&change);
                Ok(world)
            }
            Ok(_) => Err(problems),
            Err(errors) => {
                for e in errors.errors {
                    let message = match e.problem.fix() {
                        Some(fix) => format!("{} (fix: {fix})", e.message()),
                        None => e.message(),
                    };
                    let field = self.field_of(&e.pointer);
                    // A field already reported (a PerCL with errors, a number that is not a number) says it better.
                    if !problems.iter().any(|p: &DraftProblem| p.field == field) {
                        problems.push(DraftProblem { field, message });
                    }
                }
                Err(problems)
            }
        }
    }

    /// The fields as one `set` step's source. Whole-number fields that are not whole numbers, and PerCL with
    /// errors, are reported here (and written as something readable, so the reader checks the rest).
    fn set_source(&self, problems: &mut Vec<DraftProblem>) -> String {
        use serde_json::{Value, json};
        let mut ms = |field: String, s: &str| -> Option<u64> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            match s.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    problems.push(DraftProblem {
                        field,
                        message: format!("\"{s}\" is not a whole number"),
                    });
                    Some(0)
                }
            }
        };
        let str_of = |s: &str| Value::String(s.trim().to_owned());
        let verified: Vec<Value> = self
            .verified
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str_of)
            .collect();
        let account =
            json!({"type": if self.trial { "trial" } else { "full" }, "verifiedNumbers": verified});
        let mut numbers = Vec::new();
        for n in &self.numbers {
            let mut o = serde_json::Map::new();
            if !n.alias.trim().is_empty() {
                o.insert("alias".into(), str_of(&n.alias));
            }
            for (key, url) in n.urls() {
                if !url.trim().is_empty() {
                    o.insert(key.into(), str_of(url));
                }
            }
            numbers.push(entry(&n.number, &Value::Object(o).to_string()));
        }
        let mut phones = Vec::new();
        for (i, p) in self.phones.iter().enumerate() {
            let mut o = serde_json::Map::new();
            match p.answer {
                AnswerMode::AtOnce => {}
                AnswerMode::After => {
                    let after = ms(format!("phones/{i}/answer"), &p.after_ms).unwrap_or(0);
                    o.insert("answer".into(), json!({ "afterMs": after }));
                }
                mode => {
                    o.insert("answer".into(), mode.as_str().into());
                }
            }
            let media = match p.voice {
                VoiceKind::Silence => None,
                VoiceKind::Tone => {
                    let hz = ms(format!("phones/{i}/media"), &p.tone_hz).unwrap_or(0);
                    Some(json!({ "tone": hz }))
                }
                VoiceKind::Speech => Some(json!({ "speech": p.text })),
                VoiceKind::File => Some(json!({ "file": p.text.trim() })),
                VoiceKind::Talker => {
                    let mut t = serde_json::Map::new();
                    if !p.text.trim().is_empty() {
                        t.insert("text".into(), p.text.clone().into());
                    }
                    if let Some(talk) = ms(format!("phones/{i}/media"), &p.talk_ms) {
                        t.insert("talkMs".into(), talk.into());
                    }
                    if let Some(silence) = ms(format!("phones/{i}/media"), &p.silence_ms) {
                        t.insert("silenceMs".into(), silence.into());
                    }
                    Some(json!({ "talker": t }))
                }
            };
            if let Some(media) = media {
                o.insert("media".into(), media);
            }
            if !p.says.trim().is_empty() {
                o.insert("says".into(), p.says.clone().into());
            }
            if let Some(after) = ms(format!("phones/{i}/hangupAfterMs"), &p.hangup_after_ms) {
                o.insert("hangupAfterMs".into(), after.into());
            }
            phones.push(entry(&p.number, &Value::Object(o).to_string()));
        }
        let mut app = Vec::new();
        let mut percl_problems = Vec::new();
        for (i, a) in self.app.iter().enumerate() {
            let delay = ms(format!("app/{i}/delayMs"), &a.delay_ms);
            let value = if a.fault {
                let mut o = serde_json::Map::new();
                if let Some(status) = ms(format!("app/{i}/status"), &a.status) {
                    o.insert("status".into(), status.into());
                }
                if let Some(delay) = delay {
                    o.insert("delayMs".into(), delay.into());
                }
                if !a.body.is_empty() {
                    o.insert("body".into(), a.body.clone().into());
                }
                Value::Object(o).to_string()
            } else {
                let report = scenario::check_app_percl(&a.percl);
                let percl = if report.errors > 0 {
                    percl_problems.push(DraftProblem {
                        field: format!("app/{i}/percl"),
                        message: format!(
                            "the PerCL has {} error{}: see the marks",
                            report.errors,
                            if report.errors == 1 { "" } else { "s" }
                        ),
                    });
                    "[]".to_owned()
                } else {
                    a.percl.trim().to_owned()
                };
                match delay {
                    Some(delay) if delay > 0 => {
                        format!("{{\"percl\": {percl}, \"delayMs\": {delay}}}")
                    }
                    _ => percl,
                }
            };
            app.push(entry(&a.url, &value));
        }
        problems.append(&mut percl_problems);
        format!(
            "{{\"set\": {{\"account\": {account}, \"numbers\": {{{}}}, \"phones\": {{{}}}, \"app\": {{{}}}}}}}",
            numbers.join(", "),
            phones.join(", "),
            app.join(",\n")
        )
    }

    /// The field a reader's pointer (`/set/numbers/+15550100000/voiceUrl`) is about.
    fn field_of(&self, pointer: &str) -> String {
        let segments: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        let section = segments.get(1).map_or("", String::as_str);
        let key = segments.get(2).map_or("", String::as_str);
        let rest = segments.get(3).map(String::as_str);
        let row = |keys: Vec<&String>| keys.iter().position(|k| k.trim() == key).unwrap_or(0);
        match section {
            "account" => "account/verifiedNumbers".into(),
            "numbers" => {
                let i = row(self.numbers.iter().map(|n| &n.number).collect());
                format!("numbers/{i}/{}", rest.unwrap_or("number"))
            }
            "phones" => {
                let i = row(self.phones.iter().map(|p| &p.number).collect());
                format!("phones/{i}/{}", rest.unwrap_or("number"))
            }
            "app" => {
                let i = row(self.app.iter().map(|a| &a.url).collect());
                let field = match rest {
                    None => "url",
                    Some(f @ ("delayMs" | "status" | "body")) => f,
                    Some(_) => "percl",
                };
                format!("app/{i}/{field}")
            }
            _ => "set".into(),
        }
    }
}

fn entry(key: &str, value: &str) -> String {
    format!(
        "{}: {value}",
        serde_json::Value::String(key.trim().to_owned())
    )
}

#[cfg(test)]
mod tests;
