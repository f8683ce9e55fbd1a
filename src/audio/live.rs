//! The live sandbox as sound: what the browser's audio link needs that is not browser code. [`LiveScore`] follows
//! a [`Sandbox`]'s log through the same [`ScoreBuilder`] that [`crate::audio::Score::from_log`] uses for a run,
//! so the page hears exactly what `conflab run --hear` renders; [`hearing`] decides whose ears the speakers play.
//!
//! Joining late (audio started after things happened, or the log was rebuilt by a load or a step back in time)
//! replays the log silently: the lines are translated so that legs, rooms, bridges, wait music and running
//! recordings reach the present state, but what is over by now (beeps, prompts that ended, recordings that
//! stopped) is left out, so nothing from the past is heard or downloaded again.

use super::files::MediaFiles;
use super::score::ScoreBuilder;
use crate::engine::Engine;
use crate::engine::log::{Entry, LogLine};
use crate::engine::media::MediaChange;
use crate::sandbox::{MICROPHONE_PHONE, Sandbox};
use conflab_mixer::{Command, SourceSpec};
use std::collections::BTreeSet;

/// A sandbox's log followed as mixer commands, line by line.
#[derive(Clone, Debug)]
pub struct LiveScore {
    builder: ScoreBuilder,
    sample_rate: u32,
    /// Lines of the log already translated.
    handled: usize,
    /// The sandbox generation those lines belong to.
    generation: u64,
}

impl LiveScore {
    /// Starts following `sandbox` at `sample_rate`: the commands bring a fresh mixer to the present silently.
    /// Calls of [`MICROPHONE_PHONE`] get the external (microphone) source.
    pub fn new(sandbox: &Sandbox, sample_rate: u32) -> (LiveScore, Vec<(u64, Command)>) {
        let (mut builder, mut commands) =
            ScoreBuilder::new(sandbox.scenario(), &MediaFiles::default(), sample_rate);
        builder
            .translator_mut()
            .set_voice(MICROPHONE_PHONE, SourceSpec::External);
        let mut live = LiveScore {
            builder,
            sample_rate,
            handled: 0,
            generation: sandbox.generation(),
        };
        commands.extend(live.catch_up(sandbox));
        (live, commands)
    }

    /// The translator (leg of a call, call of a leg, recordings).
    pub fn translator(&self) -> &super::Translator {
        self.builder.translator()
    }

    /// The commands for what happened in `sandbox` since the last call. When its log was rebuilt (a new
    /// generation), everything this score started is silenced and the new log is replayed silently.
    pub fn follow(&mut self, sandbox: &Sandbox) -> Vec<(u64, Command)> {
        if sandbox.generation() != self.generation {
            let mut out = self.builder.translator_mut().teardown();
            // The new translator's ids start at 0 again: the mixer must have forgotten the old ones first, which
            // the teardown's commands (sent before these) make sure of for legs; rooms are reused silently.
            let (fresh, commands) = LiveScore::new(sandbox, self.sample_rate);
            *self = fresh;
            out.extend(commands);
            return out;
        }
        let engine = sandbox.engine();
        let log = sandbox.log();
        let mut out = Vec::new();
        for line in log.iter().skip(self.handled) {
            out.extend(self.builder.line(line, phone_of(engine)));
        }
        self.handled = log.len();
        out.extend(self.builder.translator_mut().advance(sandbox.now()));
        out
    }

    fn catch_up(&mut self, sandbox: &Sandbox) -> Vec<(u64, Command)> {
        let engine = sandbox.engine();
        let log = sandbox.log();
        let now = sandbox.now();
        let stopped = stopped_recordings(log);
        let mut out = Vec::new();
        for line in log {
            if !is_over(line, now, &stopped) {
                out.extend(self.builder.line(line, phone_of(engine)));
            }
        }
        self.handled = log.len();
        out.extend(self.builder.translator_mut().advance(now));
        out
    }
}

/// The phone of a call id, as the engine knows it.
fn phone_of<'e>(engine: &'e Engine) -> impl Fn(&str) -> Option<&'e str> + 'e {
    move |call| engine.call(call).map(|c| c.phone.as_str())
}

/// Recordings whose stop is in `log`.
fn stopped_recordings(log: &[LogLine]) -> BTreeSet<&str> {
    log.iter()
        .filter_map(|l| match &l.entry {
            Entry::Media(MediaChange::Recording {
                recording_id,
                on: false,
                ..
            }) => Some(recording_id.as_str()),
            _ => None,
        })
        .collect()
}

/// Whether a past line's sound is over by `now`, so that a silent replay leaves it out: a beep or a DTMF overlay,
/// a prompt whose length has run out, and both ends of a recording that has stopped.
fn is_over(line: &LogLine, now: u64, stopped: &BTreeSet<&str>) -> bool {
    match &line.entry {
        Entry::Media(MediaChange::Beep { .. } | MediaChange::Dtmf { .. }) => true,
        Entry::Media(MediaChange::Play { duration_ms, .. }) => {
            duration_ms.is_some_and(|d| line.at.saturating_add(d) <= now)
        }
        Entry::Media(MediaChange::Recording { recording_id, .. }) => {
            stopped.contains(recording_id.as_str())
        }
        _ => false,
    }
}

/// Whose ears the speakers play.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum HearAs {
    /// You (the microphone phone) while you are on a call, otherwise the first participant of the newest live
    /// conference, otherwise the newest call still up.
    #[default]
    Auto,
    /// This phone's current call.
    Phone(String),
}

/// The call whose ears the speakers play, given the choice (`None`: nobody, silence).
pub fn hearing(engine: &Engine, choice: &HearAs) -> Option<String> {
    if let HearAs::Phone(phone) = choice {
        return engine.current_call_of(phone);
    }
    if let Some(me) = engine.current_call_of(MICROPHONE_PHONE) {
        return Some(me);
    }
    let live = |c: &&crate::conference::Conference| {
        c.status() != crate::conference::ConferenceStatus::Terminated
            && !c.participants().is_empty()
    };
    if let Some(c) = engine.conferences().iter().rev().find(live) {
        return c.participants().first().map(|p| p.call_id.clone());
    }
    engine
        .calls()
        .filter(|c| !c.is_over())
        .last()
        .map(|c| c.id.clone())
}

/// The microphone phone's current call ("You"), if it has one.
pub fn my_call(engine: &Engine) -> Option<String> {
    engine.current_call_of(MICROPHONE_PHONE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::default_world;
    use crate::scenario::Action;

    fn dial(from: &str, to: &str) -> Action {
        Action::Dial {
            from: from.into(),
            to: to.into(),
        }
    }

    /// The world's conference line and host line, both dialled, run for 10 s.
    fn lively() -> Sandbox {
        let mut s = Sandbox::new(default_world());
        s.step(dial("+15550133333", "+15550100000")).unwrap();
        s.advance(4000);
        s.step(dial("+15550111111", "+15550100001")).unwrap();
        s.advance(10_000);
        s
    }

    fn beeps(commands: &[(u64, Command)]) -> usize {
        commands
            .iter()
            .filter(|(_, c)| {
                matches!(
                    c,
                    Command::Overlay {
                        source: SourceSpec::Beep { .. },
                        ..
                    }
                )
            })
            .count()
    }

    #[test]
    fn following_live_gives_the_commands_of_the_finished_run() {
        let mut s = Sandbox::new(default_world());
        let (mut live, mut commands) = LiveScore::new(&s, 16_000);
        s.step(dial("+15550133333", "+15550100000")).unwrap();
        commands.extend(live.follow(&s));
        s.advance(4000);
        commands.extend(live.follow(&s));
        s.step(dial("+15550111111", "+15550100001")).unwrap();
        commands.extend(live.follow(&s));
        s.advance(10_000);
        commands.extend(live.follow(&s));
        let calls: Vec<(String, String)> = s
            .engine()
            .calls()
            .map(|c| (c.id.clone(), c.phone.clone()))
            .collect();
        let score = crate::audio::Score::from_log(
            s.scenario(),
            s.log(),
            &calls,
            &MediaFiles::default(),
            16_000,
        );
        // The same commands in the same order; the live one may stop prompts earlier (at each follow).
        let strip = |c: &[(u64, Command)]| -> Vec<Command> {
            c.iter()
                .map(|(_, c)| c.clone())
                .filter(|c| !matches!(c, Command::StopPrompt { .. }))
                .collect()
        };
        assert_eq!(strip(&commands), strip(&score.commands));
        assert!(beeps(&commands) > 0, "the beeps are heard live");
    }

    #[test]
    fn joining_late_replays_silently() {
        let s = lively();
        let (live, commands) = LiveScore::new(&s, 16_000);
        assert_eq!(beeps(&commands), 0, "no beep from the past");
        assert!(
            !commands
                .iter()
                .any(|(_, c)| matches!(c, Command::Prompt { .. })),
            "the welcome prompts are over by 10 s"
        );
        // The two calls still have their legs, bridged in one room.
        let joins = commands
            .iter()
            .filter(|(_, c)| matches!(c, Command::Join { .. }))
            .count();
        assert_eq!(joins, 2);
        assert!(live.translator().leg_of(&my_call_or_first(&s)).is_some());
    }

    fn my_call_or_first(s: &Sandbox) -> String {
        hearing(s.engine(), &HearAs::Auto).expect("someone to hear")
    }

    #[test]
    fn a_rebuilt_log_tears_down_then_replays() {
        let mut s = lively();
        let (mut live, _) = LiveScore::new(&s, 16_000);
        s.advance(5000);
        let commands = live.follow(&s);
        let removed = commands
            .iter()
            .position(|(_, c)| matches!(c, Command::RemoveLeg { .. }))
            .expect("the old legs go");
        let added = commands
            .iter()
            .position(|(_, c)| matches!(c, Command::AddLeg { .. }))
            .expect("the replay adds legs again");
        assert!(removed < added, "teardown first: {commands:?}");
    }

    #[test]
    fn hear_as_prefers_you_then_the_first_participant() {
        let mut s = lively();
        let engine = s.engine();
        let first = engine
            .conferences()
            .iter()
            .next()
            .and_then(|c| c.participants().first())
            .map(|p| p.call_id.clone());
        assert!(first.is_some());
        assert_eq!(hearing(engine, &HearAs::Auto), first);
        assert_eq!(
            hearing(engine, &HearAs::Phone("+15550111111".into())),
            engine.current_call_of("+15550111111")
        );
        assert_eq!(hearing(engine, &HearAs::Phone("+15550144444".into())), None);
        s.step(dial(MICROPHONE_PHONE, "+15550100000")).unwrap();
        let me = my_call(s.engine());
        assert!(me.is_some());
        assert_eq!(hearing(s.engine(), &HearAs::Auto), me);
    }

    #[test]
    fn the_microphone_phone_speaks_through_the_external_source() {
        let mut s = Sandbox::new(default_world());
        let (mut live, _) = LiveScore::new(&s, 16_000);
        s.step(dial(MICROPHONE_PHONE, "+15550100000")).unwrap();
        let commands = live.follow(&s);
        assert!(
            commands.iter().any(|(_, c)| matches!(
                c,
                Command::AddLeg {
                    input: SourceSpec::External,
                    ..
                }
            )),
            "{commands:?}"
        );
    }
}
