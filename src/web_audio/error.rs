//! What can go wrong when starting audio or a microphone, with messages a user can act on.

use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// Why the audio graph could not start or change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AudioError {
    /// The browser has no `AudioContext` or no `AudioWorklet` (or the page is not a secure context).
    Unsupported,
    /// The worklet script `mixer-worklet.js` did not load.
    WorkletScript(String),
    /// The mixer module `conflab_worklet.wasm` could not be fetched or compiled.
    WorkletModule(String),
    /// The worklet loaded the module but reported an error while starting it.
    WorkletStart(String),
    /// The `AudioContext` refused an operation (create, resume).
    Context(String),
    /// This browser cannot choose the output device (`AudioContext.setSinkId` is missing).
    OutputChoiceUnsupported,
    /// The chosen output device was refused.
    Output(String),
    /// A file the learner picked could not be read or decoded.
    Decode {
        /// The file's name.
        file: String,
        /// What the browser said.
        why: String,
    },
}

impl fmt::Display for AudioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AudioError::Unsupported => write!(
                f,
                "this browser cannot run the audio mixer (no AudioContext or AudioWorklet): use a current \
                 Chromium, Firefox or Safari, on https:// or http://localhost"
            ),
            AudioError::WorkletScript(e) => write!(
                f,
                "the audio worklet script mixer-worklet.js did not load ({e}): rebuild the page with \
                 `./x serve` (trunk copies it into dist/)"
            ),
            AudioError::WorkletModule(e) => write!(
                f,
                "the mixer module conflab_worklet.wasm could not be loaded ({e}): rebuild the page with \
                 `./x serve` (trunk's pre_build hook builds it)"
            ),
            AudioError::WorkletStart(e) => {
                write!(f, "the audio worklet failed to start the mixer: {e}")
            }
            AudioError::Context(e) => write!(f, "the browser's audio context refused: {e}"),
            AudioError::OutputChoiceUnsupported => write!(
                f,
                "this browser cannot choose the audio output (no AudioContext.setSinkId): use the system's \
                 sound settings instead"
            ),
            AudioError::Output(e) => write!(f, "the output device was refused: {e}"),
            AudioError::Decode { file, why } => write!(
                f,
                "{file} could not be decoded as audio ({why}): pick a WAV file"
            ),
        }
    }
}

impl std::error::Error for AudioError {}

/// Why the microphone could not be attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MicError {
    /// The user (or the browser's policy) refused access.
    Denied,
    /// The browser has no `getUserMedia`, or the page is not a secure context.
    Unsupported,
    /// No input device exists, or the chosen one is gone.
    NoDevice,
    /// Anything else the browser reported.
    Other(String),
}

impl fmt::Display for MicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MicError::Denied => write!(
                f,
                "microphone access was denied: allow it in the browser's site settings (the icon in the \
                 address bar), then try again"
            ),
            MicError::Unsupported => write!(
                f,
                "this browser cannot capture the microphone here: open the sandbox on https:// or \
                 http://localhost in a current browser"
            ),
            MicError::NoDevice => write!(
                f,
                "no microphone was found: plug one in (or pick another input device) and try again"
            ),
            MicError::Other(e) => write!(f, "the microphone could not start: {e}"),
        }
    }
}

impl std::error::Error for MicError {}

impl MicError {
    /// Classifies a `getUserMedia` rejection by its DOMException name.
    pub(crate) fn from_js(error: &JsValue) -> MicError {
        match error_name(error).as_deref() {
            Some("NotAllowedError" | "SecurityError" | "PermissionDeniedError") => MicError::Denied,
            Some("NotFoundError" | "OverconstrainedError" | "DevicesNotFoundError") => {
                MicError::NoDevice
            }
            Some("NotSupportedError" | "TypeError") => MicError::Unsupported,
            _ => MicError::Other(describe(error)),
        }
    }
}

/// The `name` of a DOMException or Error, if it has one.
fn error_name(error: &JsValue) -> Option<String> {
    js_sys::Reflect::get(error, &JsValue::from_str("name"))
        .ok()
        .and_then(|name| name.as_string())
}

/// A one-line description of a JS error value ("Name: message", or its string form).
pub(crate) fn describe(error: &JsValue) -> String {
    if let Some(e) = error.dyn_ref::<js_sys::Error>() {
        return format!("{}: {}", String::from(e.name()), String::from(e.message()));
    }
    let message = js_sys::Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string());
    match (error_name(error), message) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        _ => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    }
}
