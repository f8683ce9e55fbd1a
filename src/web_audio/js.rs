//! Small helpers over `js_sys::Reflect` and promises, so the glue needs few `web-sys` features and never panics
//! on a missing property.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// `target[key]`, or `undefined` when reading fails.
pub(crate) fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key] = value` (ignores a frozen target: the objects set here are our own).
pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// A plain object `{type: kind}`, ready for more fields.
pub(crate) fn message(kind: &str) -> Object {
    let object = Object::new();
    set(&object, "type", &JsValue::from_str(kind));
    object
}

/// Whether `target` has a function named `key`.
pub(crate) fn has_function(target: &JsValue, key: &str) -> bool {
    get(target, key).is_function()
}

/// Awaits a promise.
pub(crate) async fn wait(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}
