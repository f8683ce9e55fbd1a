//! Where the page's session comes from when the page opens, and where it goes while it changes: a permalink in
//! the URL fragment (`#s=…`, [`crate::sandbox::permalink`]), else the session this browser saved last
//! (localStorage), else the default world. The session is saved as the file it exports to plus its virtual time,
//! so a reload replays it to the same moment and shows the same log: the sandbox is deterministic.

use super::live::Live;
use crate::sandbox::{Sandbox, default_world, permalink};
use crate::scenario::{self, Scenario};
use std::cell::RefCell;
use yew::prelude::*;

/// The localStorage key of the saved session: the scenario text [`Sandbox::export`] writes.
pub const SESSION_KEY: &str = "conflab.session";
/// The localStorage key of the saved session's virtual time (ms, as decimal text).
pub const NOW_KEY: &str = "conflab.now";
/// While the clock plays, the session is saved at most this often (ms); a pause or a step saves at once.
const PLAYING_SAVE_MS: f64 = 500.0;

thread_local! {
    /// The address bar's permalink, decoded by [`read_permalink_then`] before the app mounts.
    static LINKED: RefCell<Option<Result<String, permalink::PermalinkError>>> = const { RefCell::new(None) };
}

/// Decodes the address bar's permalink, if there is one, then calls `mount`. The browser inflates asynchronously
/// ([`permalink::browser`]), so the app mounts a moment later when there is a link; [`initial`] then finds it decoded.
pub fn read_permalink_then(mount: impl FnOnce() + 'static) {
    match fragment() {
        Some(payload) => wasm_bindgen_futures::spawn_local(async move {
            let decoded = permalink::browser::decode(&payload).await;
            LINKED.with(|linked| *linked.borrow_mut() = Some(decoded));
            mount();
        }),
        None => mount(),
    }
}

/// The session to open with, and a problem to show (a broken permalink or saved session), if any.
pub fn initial() -> (Scenario, Option<String>) {
    let (scenario, _, problem) = restore();
    (scenario, problem)
}

/// The page's [`Live`] to open with: [`initial`]'s scenario, run to the saved virtual time when it comes from
/// this browser's saved session (so the page shows the log it showed before the reload), and the problem.
pub fn initial_live() -> (Live, Option<String>) {
    let (scenario, now, problem) = restore();
    let live = Live::new(scenario, false);
    if now > 0 {
        live.handle().borrow_mut().advance(now);
    }
    (live, problem)
}

/// The scenario, the virtual time to run it to, and what went wrong on the way.
fn restore() -> (Scenario, u64, Option<String>) {
    let mut problems = Vec::new();
    if let Some(decoded) = LINKED.with(|linked| linked.borrow_mut().take()) {
        match decoded
            .map_err(|e| e.to_string())
            .and_then(|text| scenario::parse(&text).map_err(|e| first_problems(&e)))
        {
            Ok(scenario) => {
                // The link has done its job: without it in the address bar, a reload restores the session as it
                // is then (saved below as it changes), not the linked one again.
                clear_fragment();
                return (scenario, 0, None);
            }
            Err(e) => problems.push(format!("The link's session could not be opened: {e}.")),
        }
    }
    match saved() {
        Ok(Some((scenario, now))) => {
            if !problems.is_empty() {
                problems.push("Your last session is shown instead; it is still saved.".to_owned());
            }
            return (scenario, now, join(problems));
        }
        Ok(None) => {}
        Err(e) => problems.push(format!(
            "Your saved session could not be read ({e}); it is kept in localStorage \"{SESSION_KEY}\" until you change the session."
        )),
    }
    if !problems.is_empty() {
        problems.push("The default world is shown instead.".to_owned());
    }
    // A new session starts at the time it is created (issue 12: fresh signatures for the SDKs' verifier).
    let world = default_world().starting_at(js_sys::Date::now());
    (world, 0, join(problems))
}

fn join(problems: Vec<String>) -> Option<String> {
    (!problems.is_empty()).then(|| problems.join(" "))
}

/// The first problems of a broken scenario, for a one-line message.
fn first_problems(e: &scenario::ScenarioErrors) -> String {
    let shown: Vec<String> = e.errors.iter().take(3).map(|e| e.render()).collect();
    let more = e.errors.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} (and {more} more)", shown.join("; "))
    } else {
        shown.join("; ")
    }
}

/// The permalink payload in the address bar, if the fragment is one.
fn fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix(permalink::FRAGMENT_PREFIX)
        .map(str::to_owned)
}

/// Removes the fragment from the address bar without reloading or adding a history entry.
fn clear_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let (Ok(path), Ok(search)) = (location.pathname(), location.search()) else {
        return;
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{search}")),
        );
    }
}

fn storage() -> Option<web_sys::Storage> {
    // localStorage can be missing or refused (private modes, sandboxed frames): then nothing is saved.
    web_sys::window()?.local_storage().ok()?
}

/// The saved session and its time; `Ok(None)` when nothing is saved.
fn saved() -> Result<Option<(Scenario, u64)>, String> {
    let Some(storage) = storage() else {
        return Ok(None);
    };
    let Some(text) = storage.get_item(SESSION_KEY).ok().flatten() else {
        return Ok(None);
    };
    let scenario = scenario::parse(&text).map_err(|e| first_problems(&e))?;
    // A missing or damaged time is not worth losing the session for: it opens at 0.
    let now = storage
        .get_item(NOW_KEY)
        .ok()
        .flatten()
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(0);
    Ok(Some((scenario, now)))
}

/// Saves `sandbox` as the session this browser opens next time.
pub fn save(sandbox: &Sandbox) {
    let Some(storage) = storage() else { return };
    // A full storage (a session near 4 MiB) keeps the previous save; the session itself goes on.
    if storage.set_item(SESSION_KEY, &sandbox.export()).is_ok() {
        let _ = storage.set_item(NOW_KEY, &sandbox.now().to_string());
    }
}

/// Saves the session whenever it changes (`live.version`): at once when paused (a step, a load, the clock moved
/// by hand, a pause), at most every 500 ms while the clock plays. The state the page opened with is not saved
/// until something changes, so a broken link or a damaged save is not overwritten by merely opening the page.
#[hook]
pub fn use_persist(live: &Live) {
    let last_save = use_mut_ref(|| f64::NEG_INFINITY);
    let opened_at = use_mut_ref(|| live.version);
    let live = live.clone();
    use_effect_with((live.version, live.playing), move |_| {
        // Attached to `conflab serve`, the session is the server's: this browser's own saved session stays.
        if live.version != *opened_at.borrow() && !super::attach::is_attached() {
            let now = web_sys::window()
                .and_then(|w| w.performance())
                .map_or(0.0, |p| p.now());
            if !live.playing || now - *last_save.borrow() >= PLAYING_SAVE_MS {
                *last_save.borrow_mut() = now;
                let _timed = super::Timed::new("conflab:save");
                save(&live.borrow());
            }
        }
    });
}

/// The page's URL with the session as a permalink fragment: opening it shows this session (at time 0, paused).
/// The session is read now and compressed asynchronously by the browser (so no borrow of it is held while
/// waiting); this fails only in a browser without raw DEFLATE.
pub fn permalink(sandbox: &Sandbox) -> impl Future<Output = Result<String, String>> + 'static {
    let scenario = sandbox.export();
    async move {
        let payload = permalink::browser::encode(&scenario)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let base = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let base = base.split('#').next().unwrap_or_default();
        Ok(format!("{base}{}{payload}", permalink::FRAGMENT_PREFIX))
    }
}
