//! The session's sound (the Session panel; the batch runner used it first): what one phone heard and every recording of the run, rendered on
//! the main thread by [`crate::audio`] at 16 kHz exactly as `conflab run --hear PHONE=F.wav --record-dir D`
//! renders them, offered as `<audio>` players and WAV downloads, with a caption of what is said (or played) to
//! the phone at the player's current time.
//!
//! The browser cannot open the files a scenario names, so phones whose media is `{"file": …}` render silent
//! until the learner picks those files in the panel (matched by file name, decoded by the browser's
//! `decodeAudioData` at the render rate: [`crate::web_audio::decode_file`]); `Play`/`waitUrl` sound as the same
//! stand-ins as `conflab run` without `--media`.

use crate::audio::cues::{Cue, caption_at, cues};
use crate::audio::{self, MediaFiles, Score, wav};
use crate::engine::log::LogLine;
use crate::scenario::{Action, Media, Scenario};
use std::collections::BTreeSet;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{HtmlMediaElement, HtmlSelectElement};
use yew::prelude::*;

/// The rate the panel renders at: [`audio::DEFAULT_SAMPLE_RATE`], the CLI's default, so a download here is the
/// file `conflab run --hear` writes.
const RATE: u32 = audio::DEFAULT_SAMPLE_RATE;

/// The longest run the panel renders: ten minutes at 16 kHz is about 40 MB of samples per track, which a
/// browser tab holds comfortably; longer runs are for `conflab run --hear`, with the machine's memory.
const MAX_RENDER_MS: u64 = 10 * 60 * 1000;

/// The live session as far as it went, with what its sound needs: the scenario, its event log and the phone of each call.
#[derive(Debug)]
pub struct RunAudio {
    scenario: Scenario,
    log: Vec<LogLine>,
    /// (call id, phone), in the order the engine created the calls: the log's call lines do not name phones.
    calls: Vec<(String, String)>,
}

/// Two runs are the same only if they are the same value: a rerun of the same text is a new run (and a new
/// render), which is what the component's key relies on.
impl PartialEq for RunAudio {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl RunAudio {
    /// The live session's sound so far: its scenario, its log up to now and the phone of each of the engine's
    /// calls (the engine keeps them in creation order, the order [`audio::score::run_with_phones`] notes them in).
    pub fn live(sandbox: &crate::sandbox::Sandbox) -> RunAudio {
        RunAudio {
            scenario: sandbox.scenario().clone(),
            log: sandbox.log().to_vec(),
            calls: sandbox
                .engine()
                .calls()
                .map(|c| (c.id.clone(), c.phone.clone()))
                .collect(),
        }
    }

    /// The phones one can hear as: every phone the scenario names (a key of `phones`, the `from` of a `dial`)
    /// and every phone that had a call, sorted.
    fn phones(&self) -> Vec<String> {
        // extend, not collect: collecting into a BTreeSet compiles another copy of the stable sort (wasm size).
        let mut phones = BTreeSet::new();
        phones.extend(self.scenario.phones.keys().cloned());
        for step in &self.scenario.steps {
            if let Action::Dial { from, .. } = &step.action {
                phones.insert(from.clone());
            }
        }
        phones.extend(self.calls.iter().map(|(_, phone)| phone.clone()));
        phones.into_iter().collect()
    }

    /// The phones whose media is a WAV file, with its path: silent in the browser until the file is picked.
    fn file_phones(&self) -> Vec<(String, String)> {
        self.scenario
            .phones
            .iter()
            .filter_map(|(phone, p)| match &p.media {
                Media::File { path } => Some((phone.clone(), path.clone())),
                _ => None,
            })
            .collect()
    }

    /// How many calls `phone` had.
    fn calls_of(&self, phone: &str) -> usize {
        self.calls.iter().filter(|(_, p)| p == phone).count()
    }

    /// The run's end in ms: the time of the log's last line, where the render ends too.
    fn end_ms(&self) -> u64 {
        self.log.iter().map(|l| l.at).max().unwrap_or(0)
    }

    /// Renders what `phone` heard and every recording, as WAV files, with the phone media files picked so far.
    fn render(&self, phone: &str, files: &MediaFiles) -> Result<Sound16k, String> {
        let end_ms = self.end_ms();
        if end_ms > MAX_RENDER_MS {
            return Err(format!(
                "the run lasts {:.1} min and the browser renders at most {} min; shorten the scenario's steps or \
                 render it with conflab run --hear {phone}=FILE.wav",
                end_ms as f64 / 60_000.0,
                MAX_RENDER_MS / 60_000
            ));
        }
        // A file phone whose file was not picked stays silent (Score::from_log's rule for a missing file).
        let score = Score::from_log(&self.scenario, &self.log, &self.calls, files, RATE);
        let selection = score.phones.get(phone).cloned().unwrap_or_default();
        let config = conflab_mixer::Config {
            sample_rate: RATE,
            block: 128,
        };
        let rendered = audio::render(&score, config, &[selection])
            .map_err(|e| format!("the render failed: {e}"))?;
        let heard = rendered.hear.first().map_or(&[][..], Vec::as_slice);
        let hear = BlobUrl::wav(&wav::encode(heard, RATE))?;
        let mut recordings = Vec::new();
        for (id, samples) in &rendered.recordings {
            recordings.push(Recording {
                id: id.clone(),
                url: BlobUrl::wav(&wav::encode(samples, RATE))?,
                secs: samples.len() as f64 / f64::from(RATE),
            });
        }
        Ok(Sound16k {
            phone: phone.to_owned(),
            hear,
            secs: heard.len() as f64 / f64::from(RATE),
            cues: cues(&self.log, &self.calls, phone, self.end_ms()),
            recordings,
        })
    }
}

/// Decodes the picked `chosen` files at [`RATE`], each one whose name is the last part of a path in `wanted`
/// (the scenario's file media): the samples by path, and what to tell the learner (what was loaded, or why not).
async fn load_files(
    chosen: &[web_sys::File],
    wanted: &[String],
) -> (Vec<(String, Vec<f32>)>, Result<String, String>) {
    let mut loaded: Vec<(String, Vec<f32>)> = Vec::new();
    let mut problems = Vec::new();
    for file in chosen {
        let name = file.name();
        let paths: Vec<&String> = wanted
            .iter()
            .filter(|p| p.rsplit(['/', '\\']).next() == Some(name.as_str()))
            .collect();
        if paths.is_empty() {
            problems.push(format!(
                "{name} is not a file this scenario names ({})",
                wanted.join(", ")
            ));
            continue;
        }
        match crate::web_audio::decode_file(file, RATE).await {
            Ok(samples) => {
                loaded.extend(paths.into_iter().map(|p| (p.clone(), samples.clone())));
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    let said = if problems.is_empty() {
        let names: Vec<&str> = loaded.iter().map(|(p, _)| p.as_str()).collect();
        Ok(format!("Loaded {}.", names.join(", ")))
    } else {
        Err(problems.join("; "))
    };
    (loaded, said)
}

/// A `blob:` URL, revoked when the last reference goes (a new render replaces the old files).
#[derive(Debug)]
struct BlobUrl(String);

impl BlobUrl {
    /// A WAV file as a `blob:` URL.
    fn wav(bytes: &[u8]) -> Result<BlobUrl, String> {
        let describe = |e: JsValue| {
            format!(
                "the browser could not offer the WAV file ({e:?}); try again or use conflab run --hear"
            )
        };
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("audio/wav");
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .map_err(describe)?;
        web_sys::Url::create_object_url_with_blob(&blob)
            .map(BlobUrl)
            .map_err(describe)
    }
}

impl Drop for BlobUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
}

/// One recording of the run, rendered.
#[derive(Debug)]
struct Recording {
    id: String,
    url: BlobUrl,
    secs: f64,
}

/// A finished render: what `phone` heard and the recordings.
#[derive(Debug)]
struct Sound16k {
    phone: String,
    hear: BlobUrl,
    secs: f64,
    cues: Vec<Cue>,
    recordings: Vec<Recording>,
}

/// Properties of [`ScenarioAudio`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The run to hear.
    pub run: Rc<RunAudio>,
}

/// The "Hear as" picker, the render, the players with their caption, and the recordings. Keyed by run in the
/// panel, so a new run starts it afresh.
#[component]
pub fn ScenarioAudio(props: &Props) -> Html {
    let run = props.run.clone();
    let phones = use_memo(run.clone(), |run| run.phones());
    // The first phone that had a call: the one most likely to hear something.
    let phone = {
        let (run, phones) = (run.clone(), phones.clone());
        use_state(move || {
            phones
                .iter()
                .find(|p| run.calls_of(p) > 0)
                .or(phones.first())
                .cloned()
                .unwrap_or_default()
        })
    };
    let sound = use_state(|| None::<Rc<Result<Sound16k, String>>>);
    let at_ms = use_state(|| 0u64);
    // The phone media files picked so far (by the scenario's path), and what the last pick said.
    let files = use_mut_ref(MediaFiles::new);
    let picked = use_state(|| None::<Result<String, String>>);

    let render_as = {
        let (run, sound, at_ms, files) = (run.clone(), sound.clone(), at_ms.clone(), files.clone());
        move |p: &str| {
            sound.set(Some(Rc::new(run.render(p, &files.borrow()))));
            at_ms.set(0);
        }
    };
    let on_files = {
        let (run, files, picked, sound, phone, render_as) = (
            run.clone(),
            files.clone(),
            picked.clone(),
            sound.clone(),
            phone.clone(),
            render_as.clone(),
        );
        Callback::from(move |e: Event| {
            let Some(list) = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .files()
            else {
                return;
            };
            let chosen: Vec<web_sys::File> =
                (0..list.length()).filter_map(|i| list.get(i)).collect();
            let wanted = run
                .file_phones()
                .into_iter()
                .map(|(_, path)| path)
                .collect::<Vec<_>>();
            let (files, picked, sound, phone, render_as) = (
                files.clone(),
                picked.clone(),
                sound.clone(),
                phone.clone(),
                render_as.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let (loaded, said) = load_files(&chosen, &wanted).await;
                for (path, samples) in loaded {
                    files.borrow_mut().insert(&path, samples, RATE);
                }
                picked.set(Some(said));
                // Hear the files at once when something is already rendered.
                if sound.is_some() {
                    render_as(&phone);
                }
            });
        })
    };
    let on_phone = {
        let (phone, sound, render_as) = (phone.clone(), sound.clone(), render_as.clone());
        Callback::from(move |e: Event| {
            let p = e.target_unchecked_into::<HtmlSelectElement>().value();
            // Once something is rendered, a new choice renders at once (small runs take well under a second).
            if sound.is_some() {
                render_as(&p);
            }
            phone.set(p);
        })
    };
    // The picker itself says which phone: a click that comes before the re-render of a change still renders it.
    let picker = use_node_ref();
    let on_render = {
        let (phone, picker) = (phone.clone(), picker.clone());
        Callback::from(move |_: MouseEvent| {
            let chosen = picker
                .cast::<HtmlSelectElement>()
                .map_or_else(|| (*phone).clone(), |s| s.value());
            render_as(&chosen);
            phone.set(chosen);
        })
    };
    // timeupdate while playing (a few times a second), seeked and play when the learner moves the playhead.
    let on_time = {
        let at_ms = at_ms.clone();
        Callback::from(move |e: Event| {
            let secs = e.target_unchecked_into::<HtmlMediaElement>().current_time();
            at_ms.set(if secs.is_finite() && secs > 0.0 {
                (secs * 1000.0) as u64
            } else {
                0
            });
        })
    };

    let file_phones = run.file_phones();
    html! {
        <div class="scenario-audio" id="scenario-audio">
            <h3>{"Sound"}</h3>
            <div class="audio-row">
                <label class="field inline">{"Hear as"}
                    <select id="scenario-hear-as" ref={picker} onchange={on_phone}>
                        { for phones.iter().map(|p| {
                            let n = run.calls_of(p);
                            let note = match n {
                                0 => " (no call: silence)".to_owned(),
                                1 => String::new(),
                                n => format!(" ({n} calls)"),
                            };
                            html! { <option value={p.clone()} selected={*p == *phone}>{format!("{p}{note}")}</option> }
                        }) }
                    </select>
                </label>
                <button type="button" id="scenario-render" onclick={on_render}
                        disabled={phones.is_empty()}>{"Render audio"}</button>
            </div>
            if !file_phones.is_empty() {
                <p class="hint" id="scenario-file-media">
                    {"The browser cannot open the scenario's files, so these phones are silent until you pick them: "}
                    { for file_phones.iter().enumerate().map(|(i, (phone, path))| html! {
                        <>{ if i > 0 { ", " } else { "" } }<code>{phone.clone()}</code>{format!(" ({path})")}</>
                    }) }
                    {". "}<code>{"conflab run --hear"}</code>{" reads them itself."}
                </p>
                <label class="field inline">{"Media files"}
                    <input type="file" id="scenario-files" multiple=true accept=".wav,audio/wav,audio/*"
                           onchange={on_files} />
                </label>
                { match &*picked {
                    None => html! {},
                    Some(Ok(text)) => html! { <p id="scenario-files-status" role="status">{text.clone()}</p> },
                    Some(Err(text)) => html! { <p id="scenario-files-status" class="alert" role="alert">{text.clone()}</p> },
                } }
            }
            { match sound.as_deref() {
                None => html! {
                    <p class="hint" id="scenario-audio-status">
                        {format!("Render audio renders what the chosen phone hears and each recording at {} kHz, as ", RATE / 1000)}
                        <code>{"conflab run --hear --record-dir"}</code>{" does."}
                    </p>
                },
                Some(Err(e)) => html! {
                    <p class="alert" role="alert" id="scenario-audio-status">{format!("No audio: {e}")}</p>
                },
                Some(Ok(s)) => {
                    let caption = caption_at(&s.cues, *at_ms);
                    let name = format!("{}.wav", s.phone);
                    html! {
                        <>
                            <p id="scenario-audio-status" role="status" data-phone={s.phone.clone()}>
                                {format!("What {} hears: {:.3} s at {} kHz, {} recording{}.", s.phone, s.secs, RATE / 1000,
                                         s.recordings.len(), if s.recordings.len() == 1 { "" } else { "s" })}
                            </p>
                            <div class="recording-file scenario-hear">
                                <audio id="scenario-player" controls=true src={s.hear.0.clone()}
                                       aria-label={format!("What {} hears", s.phone)}
                                       ontimeupdate={on_time.clone()} onseeked={on_time.clone()} onplay={on_time.clone()}></audio>
                                <a id="scenario-download" href={s.hear.0.clone()} download={name.clone()}>{format!("Download {name}")}</a>
                            </div>
                            <p id="scenario-caption" class="caption" aria-live="polite"
                               data-kind={caption.as_ref().map_or("none", |(k, _)| k.word())}
                               data-at-ms={at_ms.to_string()}>
                                { caption.map_or_else(|| "(nothing said)".to_owned(), |(_, text)| text) }
                            </p>
                            if !s.recordings.is_empty() {
                                <ul id="scenario-recordings" class="recordings" aria-label="Recordings of the run">
                                    { for s.recordings.iter().map(|r| html! {
                                        <li class="recording-file" data-recording-id={r.id.clone()}>
                                            <audio controls=true src={r.url.0.clone()} aria-label={format!("Recording {}", r.id)}></audio>
                                            <a href={r.url.0.clone()} download={format!("{}.wav", r.id)}>{format!("Download {}.wav", r.id)}</a>
                                            <span class="size">{format!("({:.3} s)", r.secs)}</span>
                                        </li>
                                    }) }
                                </ul>
                            }
                        </>
                    }
                }
            } }
        </div>
    }
}
