//! Rendering a command stream faster than real time in an `OfflineAudioContext`, through the same worklet and
//! mixer module as the live graph: the browser half of the native/browser parity check.

use super::{Assets, AudioError, compile, error, js, load_worklet, post_commands, post_init};
use conflab_mixer::{Command, LegId};
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BaseAudioContext, MessagePort, OfflineAudioContext};

/// What an offline render produced: one buffer of frames per heard leg, in the order asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct OfflineRender {
    /// `channels[i]` is what `hear[i]` heard, frame 0 to the end.
    pub channels: Vec<Vec<f32>>,
    /// The context's sample rate.
    pub sample_rate: u32,
}

/// Renders `frames` frames at `sample_rate` of the mixer driven by `commands`, and returns what each leg of
/// `hear` heard. The worklet starts at frame 0 with every command already queued, so the result is the same
/// block loop the native renderer runs.
pub async fn render_offline(
    assets: &Assets,
    sample_rate: u32,
    frames: u32,
    commands: &[(u64, Command)],
    hear: &[LegId],
) -> Result<OfflineRender, AudioError> {
    let channels = hear.len().max(1) as u32;
    let context = OfflineAudioContext::new_with_number_of_channels_and_length_and_sample_rate(
        channels,
        frames,
        sample_rate as f32,
    )
    .map_err(|e| AudioError::Context(error::describe(&e)))?;
    let base: &BaseAudioContext = context.as_ref();
    let node = load_worklet(base, assets, hear).await?;
    let port = node
        .port()
        .map_err(|e| AudioError::WorkletStart(error::describe(&e)))?;
    let replies = Replies::listen(&port);

    let ready = replies.next("ready");
    post_init(&port, &compile(&assets.module).await?)?;
    js::wait(ready).await.map_err(|e| {
        AudioError::WorkletStart(e.as_string().unwrap_or_else(|| error::describe(&e)))
    })?;

    let mut words = Vec::new();
    for (frame, command) in commands {
        command.encode(*frame, &mut words);
    }
    // The port keeps order: once "pong" is back, the worklet has queued every command before the first block.
    let pong = replies.next("pong");
    post_commands(&port, &words);
    port.post_message(&js::message("ping"))
        .map_err(|e| AudioError::WorkletStart(error::describe(&e)))?;
    js::wait(pong).await.map_err(|e| {
        AudioError::WorkletStart(e.as_string().unwrap_or_else(|| error::describe(&e)))
    })?;

    node.connect_with_audio_node(&base.destination())
        .map_err(|e| AudioError::Context(error::describe(&e)))?;
    let rendering = context
        .start_rendering()
        .map_err(|e| AudioError::Context(error::describe(&e)))?;
    let buffer: web_sys::AudioBuffer = js::wait(rendering)
        .await
        .map_err(|e| AudioError::Context(error::describe(&e)))?
        .unchecked_into();
    let channels = (0..channels)
        .map(|c| {
            buffer
                .get_channel_data(c)
                .map_err(|e| AudioError::Context(error::describe(&e)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    drop(replies);
    Ok(OfflineRender {
        channels,
        sample_rate,
    })
}

/// Awaits particular replies on a worklet port ("error" rejects whatever is awaited).
struct Replies {
    port: MessagePort,
    waiting: Rc<RefCell<Vec<(String, Function, Function)>>>,
    _listener: Closure<dyn FnMut(JsValue)>,
}

impl Replies {
    fn listen(port: &MessagePort) -> Replies {
        let waiting: Rc<RefCell<Vec<(String, Function, Function)>>> = Rc::default();
        let list = waiting.clone();
        let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let data = js::get(&event, "data");
            let kind = js::get(&data, "type").as_string().unwrap_or_default();
            let mut list = list.borrow_mut();
            if kind == "error" {
                for (_, _, reject) in list.drain(..) {
                    let _ = reject.call1(&JsValue::NULL, &js::get(&data, "message"));
                }
            } else if let Some(i) = list.iter().position(|(k, _, _)| *k == kind) {
                let (_, resolve, _) = list.remove(i);
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        });
        port.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        Replies {
            port: port.clone(),
            waiting,
            _listener: listener,
        }
    }

    /// A promise of the next message of type `kind`.
    fn next(&self, kind: &str) -> Promise {
        let waiting = self.waiting.clone();
        let kind = kind.to_owned();
        Promise::new(&mut |resolve, reject| {
            waiting.borrow_mut().push((kind.clone(), resolve, reject))
        })
    }
}

impl Drop for Replies {
    fn drop(&mut self) {
        self.port.set_onmessage(None);
    }
}
