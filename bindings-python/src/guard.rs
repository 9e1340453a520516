//! Panics stop at the binding: a panic in the core or the binding becomes an SDK error
//! instead of pyo3's `PanicException` (a `BaseException` that `except Exception` misses)
//! or an asyncio future that is never settled. A pay-out that may have left when it
//! panicked is `OutcomeUnknown` (cause `internal`), so it is reconciled, never resent.

use crate::aio::awaitable;
use crate::client::wait;
use crate::errors::to_py_err;
use pyo3::prelude::*;
use serde_json::Value;
use smilepayz::error::UnknownCause;
use smilepayz::{Error, OrderNo};
use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::Poll;

/// What a panic in a call means for the caller.
#[derive(Clone, Debug)]
pub(crate) enum OnPanic {
    /// Nothing may have left: `InternalError`.
    Internal,
    /// This pay-out may have reached the gateway: `OutcomeUnknownError`.
    Payout(OrderNo),
}

impl OnPanic {
    fn error(&self, payload: &(dyn Any + Send)) -> Error {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        match self {
            OnPanic::Internal => Error::Internal(what),
            OnPanic::Payout(order_no) => {
                Error::OutcomeUnknown { order_no: order_no.clone(), cause: UnknownCause::Internal(what) }
            }
        }
    }
}

/// Runs `work`; a panic in it is the error `on_panic` names.
pub(crate) fn shield<T>(on_panic: &OnPanic, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| Err(on_panic.error(payload.as_ref())))
}

/// `future`, with a panic while polling it turned into the error `on_panic` names.
pub(crate) fn guarded<T, F>(on_panic: OnPanic, future: F) -> impl Future<Output = Result<T, Error>> + Send
where
    F: Future<Output = Result<T, Error>> + Send,
{
    let mut future = Box::pin(future);
    let mut done = false;
    std::future::poll_fn(move |cx| {
        if done {
            // Polled again after it panicked: stay finished.
            return Poll::Ready(Err(Error::Internal("polled after a panic".to_owned())));
        }
        match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => {
                done = true;
                Poll::Ready(Err(on_panic.error(payload.as_ref())))
            }
        }
    })
}

/// Panics on purpose where a client call runs (tests only): `order_no` makes it a
/// pay-out's, so the panic becomes `OutcomeUnknownError` instead of `InternalError`.
fn on_panic_for_tests(order_no: Option<String>) -> PyResult<OnPanic> {
    match order_no {
        None => Ok(OnPanic::Internal),
        Some(n) => OrderNo::parse(&n).map(OnPanic::Payout).map_err(|e| to_py_err(&Error::Validation(e))),
    }
}

#[allow(clippy::panic)] // The panic is the point: tests of panic safety.
async fn deliberate_panic(when: &'static str) -> Result<(), Error> {
    panic!("deliberate panic ({when})")
}

/// A sync client call that panics: raises the SDK error it becomes.
#[pyfunction(name = "_panic_for_tests")]
#[pyo3(signature = (*, order_no=None))]
pub(crate) fn panic_for_tests<'py>(py: Python<'py>, order_no: Option<String>) -> PyResult<Bound<'py, PyAny>> {
    wait(py, None, on_panic_for_tests(order_no)?, deliberate_panic("sync call"), |(), _| Value::Null)
}

/// An async client call that panics: the awaitable raises the SDK error it becomes.
#[pyfunction(name = "_panic_for_tests_async")]
#[pyo3(signature = (*, order_no=None))]
pub(crate) fn panic_for_tests_async<'py>(py: Python<'py>, order_no: Option<String>) -> PyResult<Bound<'py, PyAny>> {
    awaitable(py, on_panic_for_tests(order_no)?, deliberate_panic("async call"), |(), _| Value::Null)
}
