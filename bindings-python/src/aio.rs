//! Awaitables for asyncio: the work runs on the package's tokio runtime and its result is
//! handed to the event loop that asked, through `call_soon_threadsafe`. Results reach
//! Python through one settler thread per process, so tokio's workers never wait for the
//! interpreter lock and keep signing while the event loop is busy.

use crate::convert::to_python;
use crate::errors::{runtime_error, to_py_err};
use crate::guard::{OnPanic, guarded};
use crate::runtime::runtime;
use pyo3::prelude::*;
use serde_json::Value;
use smilepayz::{Case, Error};
use std::future::Future;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Mutex, PoisonError};

/// A finished call, waiting to be handed to its event loop.
struct Completion {
    event_loop: Py<PyAny>,
    future: Py<PyAny>,
    settle: Py<PyAny>,
    outcome: Result<Value, Error>,
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
                let (ok, value) = match c.outcome {
                    Ok(v) => match to_python(py, &v) {
                        Ok(object) => (true, object.unbind()),
                        Err(e) => (false, e.into_value(py).into_any()),
                    },
                    Err(e) => (false, to_py_err(&e).into_value(py).into_any()),
                };
                // The loop may have closed while the work ran: then nobody is waiting.
                let _ = c.event_loop.call_method1(py, "call_soon_threadsafe", (c.settle, c.future, ok, value));
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
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let settle = py.import("smilepayz._aio")?.getattr("settle")?.unbind();
    let (event_loop, waiting) = (event_loop.unbind(), future.clone().unbind());
    let runtime = runtime().map_err(|e| runtime_error(&e))?;
    let settler = settler().map_err(|e| runtime_error(&e))?;
    let work = guarded(on_panic, async move { work.await.map(|t| answer(&t, Case::Snake)) });
    runtime.spawn(async move {
        let outcome = work.await;
        // A send fails only when the settler is gone, i.e. the interpreter is shutting down.
        let _ = settler.send(Completion { event_loop, future: waiting, settle, outcome });
    });
    Ok(future)
}
