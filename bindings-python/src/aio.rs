//! Awaitables for asyncio: the work runs on the package's tokio runtime and its result is
//! handed to the event loop that asked, through `call_soon_threadsafe`.

use crate::convert::to_python;
use crate::errors::{runtime_error, to_py_err};
use crate::runtime::runtime;
use pyo3::prelude::*;
use serde_json::Value;
use smilepayz::{Case, Error};
use std::future::Future;

/// Starts `work` and returns an asyncio future of its result, written by `answer`.
pub(crate) fn awaitable<'py, T, F>(
    py: Python<'py>,
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
    runtime.spawn(async move {
        let outcome = work.await;
        // Nothing to hand back once the interpreter is shutting down.
        Python::try_attach(|py| {
            let (ok, value) = match outcome.map(|t| answer(&t, Case::Snake)) {
                Ok(v) => match to_python(py, &v) {
                    Ok(object) => (true, object.unbind()),
                    Err(e) => (false, e.into_value(py).into_any()),
                },
                Err(e) => (false, to_py_err(&e).into_value(py).into_any()),
            };
            // The loop may have closed while the work ran: then nobody is waiting.
            let _ = event_loop.call_method1(py, "call_soon_threadsafe", (settle, waiting, ok, value));
        });
    });
    Ok(future)
}
