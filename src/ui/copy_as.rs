//! Copy as curl / Copy as Python SDK for one REST request: two buttons that put the text on the clipboard
//! (`navigator.clipboard.writeText`), a read-only text area with the text when the browser refuses, and both
//! texts always readable in a `<details>`. The texts are [`crate::api::snippet`]'s, with the account id and API
//! key filled in.

use crate::api::snippet::{DEFAULT_BASE_URL, curl, python_sdk};
use crate::scenario::ApiRequest;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// Properties of [`CopyAs`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The request, as a scenario step or the event log holds it.
    pub request: ApiRequest,
    /// The account id to fill in (`sandbox.engine().config().account.account_id`).
    pub account_id: AttrValue,
    /// The API key to fill in (`sandbox.engine().config().account.api_key`).
    pub api_key: AttrValue,
    /// The server's origin (`/apiserver` is added); a local `conflab serve` by default.
    #[prop_or(AttrValue::Static(DEFAULT_BASE_URL))]
    pub base_url: AttrValue,
}

/// Which text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Curl,
    Python,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Curl => "curl",
            Kind::Python => "python",
        }
    }
}

/// What the last click did.
#[derive(Clone, PartialEq)]
enum Copied {
    Done(Kind),
    Refused(Kind),
}

/// Writes `text` to the clipboard; `false` when there is no clipboard or the browser refuses.
async fn write_clipboard(text: String) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    // Through Reflect: navigator.clipboard needs no extra web-sys feature this way, and may be missing
    // (an insecure origin) or replaced (tests).
    let navigator = window.navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else {
        return false;
    };
    if clipboard.is_undefined() || clipboard.is_null() {
        return false;
    }
    let Some(write) = js_sys::Reflect::get(&clipboard, &"writeText".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    let Some(promise) = write
        .call1(&clipboard, &text.into())
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    else {
        return false;
    };
    JsFuture::from(promise).await.is_ok()
}

/// The two copy buttons and their texts.
#[component]
pub fn CopyAs(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:CopyAs");
    let copied = use_state(|| None::<Copied>);
    let curl_text = curl(
        &props.request,
        &props.base_url,
        &props.account_id,
        &props.api_key,
    );
    let python_text = python_sdk(
        &props.request,
        &props.base_url,
        &props.account_id,
        &props.api_key,
    );
    // A new request forgets what the last click did (its text is no longer the one shown).
    {
        let copied = copied.clone();
        use_effect_with(curl_text.clone(), move |_| copied.set(None));
    }
    let copy = |kind: Kind, text: &str| {
        let copied = copied.clone();
        let text = text.to_owned();
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = write_clipboard(text).await;
                copied.set(Some(if ok {
                    Copied::Done(kind)
                } else {
                    Copied::Refused(kind)
                }));
            });
        })
    };
    let status = match &*copied {
        Some(Copied::Done(kind)) => html! {
            <span class="copy-status" role="status" data-copied={kind.name()}>{"Copied"}</span>
        },
        Some(Copied::Refused(kind)) => {
            let text = if *kind == Kind::Curl {
                &curl_text
            } else {
                &python_text
            };
            html! {
                <label class="copy-fallback" data-kind={kind.name()}>
                    {"The browser refused the clipboard; select and copy:"}
                    <textarea readonly=true rows="4" value={text.clone()} />
                </label>
            }
        }
        None => html! {},
    };
    html! {
        <div class="copy-as">
            <div class="copy-buttons">
                <button type="button" class="copy-curl" onclick={copy(Kind::Curl, &curl_text)}>{"Copy as curl"}</button>
                <button type="button" class="copy-python" onclick={copy(Kind::Python, &python_text)}>{"Copy as Python SDK"}</button>
                {status}
            </div>
            <details class="copy-texts">
                <summary>{"Show the curl command and the Python script"}</summary>
                <pre class="copy-text" tabindex="0" data-kind="curl">{curl_text}</pre>
                <pre class="copy-text" tabindex="0" data-kind="python">{python_text}</pre>
            </details>
        </div>
    }
}
