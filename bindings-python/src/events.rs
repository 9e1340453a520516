//! The core's events handed to a Python callable (the package's `logging` bridge). An
//! event emitted on the calling thread of a blocking call is handed over at once (that
//! thread released the interpreter lock and may take it back); one emitted on a tokio
//! worker (an asyncio call) goes through a queue to one events thread per process, so
//! tokio's workers never wait for the interpreter lock. Whatever the callable raises is
//! dropped: a logging handler's bug never changes a call's outcome.

use crate::convert::to_python;
use pyo3::prelude::*;
use serde_json::Value;
use smilepayz::Case;
use smilepayz::events::{Event, EventListener};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

/// An event waiting for the events thread: the sink and the event's fields.
type Queued = (Arc<Py<PyAny>>, Value);

static QUEUE: Mutex<Option<(u32, Sender<Queued>)>> = Mutex::new(None);

/// The events thread of this process (a forked child starts its own).
fn queue() -> Option<Sender<Queued>> {
    let pid = std::process::id();
    let mut slot = QUEUE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((owner, sender)) = slot.as_ref()
        && *owner == pid
    {
        return Some(sender.clone());
    }
    let (sender, receiver) = channel::<Queued>();
    let spawned = std::thread::Builder::new().name("smilepayz-events".into()).spawn(move || {
        while let Ok((sink, fields)) = receiver.recv() {
            deliver(&sink, &fields);
        }
    });
    spawned.ok()?;
    if let Some(inherited) = slot.replace((pid, sender.clone())) {
        std::mem::forget(inherited);
    }
    Some(sender)
}

fn deliver(sink: &Py<PyAny>, fields: &Value) {
    // During interpreter shutdown there is nobody left to tell.
    Python::try_attach(|py| {
        if let Ok(fields) = to_python(py, fields) {
            let _ = sink.call1(py, (fields,));
        }
    });
}

/// A core listener that hands each event (snake_case fields) to `sink`.
pub(crate) fn python_listener(sink: Py<PyAny>) -> EventListener {
    let sink = Arc::new(sink);
    Arc::new(move |event: &Event| {
        let fields = smilepayz_interop::event(event, Case::Snake);
        // The runtime's workers are named `smilepayz` (runtime.rs).
        if std::thread::current().name() == Some("smilepayz") {
            if let Some(queue) = queue() {
                let _ = queue.send((Arc::clone(&sink), fields));
            }
        } else {
            deliver(&sink, &fields);
        }
    })
}
