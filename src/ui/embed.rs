//! The page as an embedded sandbox: the browser half of `docs/embed.md`. When the page runs in a frame, it tells
//! its parent it is `ready`, answers the parent's messages through [`crate::sandbox::message`] and posts every
//! new log line, whether a message, the page's own controls or its clock made it. Everything the contract
//! promises lives in that core module (tested natively); this glue only moves text between `postMessage` and it.

use super::live::{Live, LiveAction};
use crate::sandbox::message::{self, Cursor, Reply};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The parent frame, when the page is embedded in one.
fn parent() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    // A top-level page is its own parent.
    (JsValue::from(&parent) != JsValue::from(&window)).then_some(parent)
}

/// Whether the page runs inside another page's frame (a documentation page, a test's parent page).
pub fn is_embedded() -> bool {
    parent().is_some()
}

/// Posts `reply` to `parent` as an object (`JSON.parse` of its text, so the log line's key order is kept), to any
/// origin: a session holds nothing secret, and the parent may be anywhere.
fn post(parent: &web_sys::Window, reply: &Reply) {
    match js_sys::JSON::parse(&reply.to_json()) {
        Ok(object) => {
            if let Err(e) = parent.post_message(&object, "*") {
                web_sys::console::warn_1(&e);
            }
        }
        // Replies are JSON by construction; say so loudly if one is not rather than send something else.
        Err(e) => web_sys::console::error_2(&"conflab: a reply is not JSON".into(), &e),
    }
}

/// Makes the page an embeddable sandbox (see the module docs); does nothing when the page is not in a frame.
#[hook]
pub fn use_embed(live: UseReducerHandle<Live>) {
    // What the parent holds of the log. Created at mount: the first drain posts the restored session's lines.
    let cursor: Rc<RefCell<Option<Cursor>>> = use_mut_ref(|| None);

    {
        let (live, cursor) = (live.clone(), cursor.clone());
        use_effect_with((), move |_| {
            let listener = parent().map(|parent| {
                let sandbox = live.handle();
                *cursor.borrow_mut() = Some(Cursor::empty(&sandbox.borrow()));
                post(&parent, &Reply::Ready);
                let on_message = {
                    let (parent, cursor) = (parent.clone(), cursor.clone());
                    Closure::<dyn Fn(web_sys::MessageEvent)>::new(
                        move |event: web_sys::MessageEvent| {
                            // Only the parent frame drives the sandbox: not other frames, windows or the page itself.
                            if event.source().map(JsValue::from) != Some(JsValue::from(&parent)) {
                                return;
                            }
                            let Some(text) = js_sys::JSON::stringify(&event.data())
                                .ok()
                                .and_then(|s| s.as_string())
                            else {
                                return; // undefined, a function: nothing conflab could read
                            };
                            super::mark("conflab:message");
                            let parsed =
                                message::parse_request_in(&text, sandbox.borrow().scenario());
                            let replies = match parsed {
                                Ok(None) => return,
                                Err(refusal) => vec![Reply::Error(refusal)],
                                Ok(Some(request)) => {
                                    let mut cursor = cursor.borrow_mut();
                                    let cursor = cursor
                                        .get_or_insert_with(|| Cursor::empty(&sandbox.borrow()));
                                    cursor.handle(&mut sandbox.borrow_mut(), request)
                                }
                            };
                            super::measure("conflab:message handled", "conflab:message");
                            // The cursor has these lines: the re-render's drain below posts nothing twice.
                            live.dispatch(LiveAction::Touched);
                            for reply in &replies {
                                post(&parent, reply);
                            }
                        },
                    )
                };
                let window = web_sys::window().expect("a page has a window");
                let _ = window.add_event_listener_with_callback(
                    "message",
                    on_message.as_ref().unchecked_ref(),
                );
                (window, on_message)
            });
            move || {
                if let Some((window, on_message)) = listener {
                    let _ = window.remove_event_listener_with_callback(
                        "message",
                        on_message.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    // The page's own changes (controls, the clock, an example): post what the parent does not have yet.
    use_effect_with(live.version, move |_| {
        if let (Some(parent), Some(cursor)) = (parent(), cursor.borrow_mut().as_mut()) {
            for reply in cursor.drain(&live.borrow()) {
                post(&parent, &reply);
            }
        }
    });
}
