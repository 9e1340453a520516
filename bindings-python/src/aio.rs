//! Awaitables for asyncio: the work runs on the package's tokio runtime and its result is
//! handed to the event loop that asked, through `call_soon_threadsafe`. Results reach
//! Python through one settler thread per process, so tokio's workers never wait for the
//! interpreter lock and keep signing while the event loop is busy.

use crate::convert::to_python;
use crate::errors::{from_fields, runtime_error};
use crate::guard::{OnPanic, guarded};
use crate::runtime::runtime;
use pyo3::prelude::*;
use serde_json::Value;
use smilepayz::{Case, Error};
use smilepayz_interop::error_fields;
use std::future::Future;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

/// What the settler hands to an event loop, in the order it was sent.
enum Completion {
    /// A finished call: its result, or its error's fields (`error_fields`).
    Settled { event_loop: Py<PyAny>, future: Py<PyAny>, settle: Py<PyAny>, outcome: Result<Value, Value> },
    /// A report for a callable on the loop (a batch's progress) while the call runs.
    Call { event_loop: Arc<Py<PyAny>>, callback: Arc<Py<PyAny>>, value: Value },
}

static SETTLER: Mutex<Option<(u32, Sender<Completion>)>> = Mutex::new(None);

/// The settler of this process (a forked child starts its own: threads do not survive fork).
fn settler() -> std::io::Result<Sender<Completion>> {
    let pid = std::process::id();
    let mut slot = SETTLER.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((owner, sender)) = slot.as_ref()
        && *owner == pid
    {
        return Ok(sender.clone());
    }
    let (sender, receiver) = channel();
    std::thread::Builder::new().name("smilepayz-asyncio".into()).spawn(move || settle_all(&receiver))?;
    if let Some(inherited) = slot.replace((pid, sender.clone())) {
        std::mem::forget(inherited);
    }
    Ok(sender)
}

/// Hands completions to their loops, as many per lock acquisition as have arrived.
fn settle_all(receiver: &Receiver<Completion>) {
    while let Ok(first) = receiver.recv() {
        let batch: Vec<Completion> = std::iter::once(first).chain(receiver.try_iter()).collect();
        // Nothing to hand back once the interpreter is shutting down.
        Python::try_attach(|py| {
            for c in batch {
                // The loop may have closed while the work ran: then nobody is waiting.
                let _ = match c {
                    Completion::Settled { event_loop, future, settle, outcome } => {
                        let (ok, value) = match outcome.map(|v| to_python(py, &v)) {
                            Ok(Ok(object)) => (true, object.unbind()),
                            Ok(Err(e)) => (false, e.into_value(py).into_any()),
                            Err(fields) => (false, from_fields(py, &fields).into_value(py).into_any()),
                        };
                        event_loop.call_method1(py, "call_soon_threadsafe", (settle, future, ok, value))
                    }
                    Completion::Call { event_loop, callback, value } => to_python(py, &value)
                        .and_then(|v| event_loop.call_method1(py, "call_soon_threadsafe", (callback.clone_ref(py), v))),
                };
            }
        });
    }
}

/// Starts `work` and returns an asyncio future of its result, written by `answer`. A
/// panic in `work` settles the future with the error `on_panic` names: the awaiting
/// coroutine never waits forever.
pub(crate) fn awaitable<'py, T, F>(
    py: Python<'py>,
    on_panic: OnPanic,
    work: F,
    answer: fn(&T, Case) -> Value,
) -> PyResult<Bound<'py, PyAny>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    let work = guarded(on_panic, async move { work.await.map(|t| answer(&t, Case::Snake)) });
    awaitable_fields(py, async move { work.await.map_err(|e| error_fields(&e, Case::Snake)) })
}

/// Hands `value` to `callback` on `event_loop`, after whatever the settler already holds
/// (so a call's reports reach the loop before its result).
pub(crate) fn call_soon(event_loop: &Arc<Py<PyAny>>, callback: &Arc<Py<PyAny>>, value: Value) {
    if let Ok(settler) = settler() {
        let (event_loop, callback) = (Arc::clone(event_loop), Arc::clone(callback));
        let _ = settler.send(Completion::Call { event_loop, callback, value });
    }
}

/// The running event loop of the calling thread.
pub(crate) fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    py.import("asyncio")?.call_method0("get_running_loop")
}

/// Starts `work`, already guarded against panics, and returns an asyncio future of its
/// answer; an error is given as its fields (`error_fields`), turned into the exception
/// `smilepayz.errors` names.
pub(crate) fn awaitable_fields<F>(py: Python<'_>, work: F) -> PyResult<Bound<'_, PyAny>>
where
    F: Future<Output = Result<Value, Value>> + Send + 'static,
{
    let event_loop = running_loop(py)?;
    let future = event_loop.call_method0("create_future")?;
    let settle = py.import("smilepayz._aio")?.getattr("settle")?.unbind();
    let (event_loop, waiting) = (event_loop.unbind(), future.clone().unbind());
    let runtime = runtime().map_err(|e| runtime_error(&e))?;
    let settler = settler().map_err(|e| runtime_error(&e))?;
    runtime.spawn(async move {
        let outcome = work.await;
        // A send fails only when the settler is gone, i.e. the interpreter is shutting down.
        let _ = settler.send(Completion::Settled { event_loop, future: waiting, settle, outcome });
    });
    Ok(future)
}
