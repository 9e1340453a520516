//! The core's events handed to JavaScript: each event crosses from whichever thread
//! emitted it (a tokio worker, or the JS thread during `verify`) through a non-blocking,
//! weak threadsafe function, so no Rust thread waits for the JavaScript thread and a
//! pending event never keeps the process alive. The JavaScript layer publishes it on
//! `diagnostics_channel` and to `on(event, listener)` listeners.

use napi::Status;
use napi::bindgen_prelude::Function;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use smilepayz::Case;
use smilepayz::events::{Event, EventListener};
use std::sync::Arc;

/// Receives an event as camelCase JSON text (one string crosses instead of an object tree).
type Sink = ThreadsafeFunction<String, (), String, Status, false, true>;

/// A core listener that queues each event for `sink` on the JavaScript thread.
pub(crate) fn listener(sink: &Function<'_, String, ()>) -> napi::Result<EventListener> {
    let sink: Sink = sink.build_threadsafe_function().callee_handled::<false>().weak::<true>().build()?;
    Ok(Arc::new(move |event: &Event| {
        let text = smilepayz_interop::event(event, Case::Camel).to_string();
        // Refused only while the environment shuts down: then nobody is listening.
        let _ = sink.call(text, ThreadsafeFunctionCallMode::NonBlocking);
    }))
}

/// Every event name the core emits, for one channel per name.
#[napi(catch_unwind)]
pub fn event_names() -> Vec<String> {
    Event::NAMES.iter().map(|n| (*n).to_owned()).collect()
}
