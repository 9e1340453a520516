//! The one mapping of core errors to JavaScript: the fields of `interop::error_fields`
//! (camelCase) travel as JSON in the message after a marker, and `lib/errors.js` builds
//! the matching class from them. No field is mapped by hand here.

use smilepayz::{Case, Error, OrderNo, UnknownCause};
use smilepayz_interop as interop;
use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::task::Poll;

/// Starts the message of every error that carries core error fields.
const MARKER: &str = "SMILEPAYZ_ERROR_JSON:";

/// A core error as a JavaScript error the JS layer turns into its class.
pub(crate) fn to_js(error: &Error) -> napi::Error {
    napi::Error::from_reason(format!("{MARKER}{}", interop::error_fields(error, Case::Camel)))
}

/// A batch error as a JavaScript error, with the same marker (`interop::batch`'s fields).
pub(crate) fn batch_to_js(error: &smilepayz_batch::BatchError) -> napi::Error {
    napi::Error::from_reason(format!("{MARKER}{}", interop::batch::batch_error_fields(error, Case::Camel)))
}

/// An error of the mock gateway (tests only): plain text, no class of its own.
pub(crate) fn plain(error: impl std::fmt::Display) -> napi::Error {
    napi::Error::from_reason(error.to_string())
}

/// What a panic in a call means for the caller.
#[derive(Clone, Debug)]
pub(crate) enum OnPanic {
    /// Nothing may have left: `InternalError`.
    Internal,
    /// This pay-out may have reached the gateway: `OutcomeUnknownError` (cause `internal`),
    /// reconciled, never resent.
    Payout(OrderNo),
}

impl OnPanic {
    /// The pay-out of `request`, when its order number is valid (it always is once the
    /// core has read the request).
    pub(crate) fn payout(request: &smilepayz::PayoutRequest) -> Self {
        OrderNo::parse(request.order_no()).map_or(OnPanic::Internal, OnPanic::Payout)
    }

    fn error(&self, payload: &(dyn Any + Send)) -> napi::Error {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        to_js(&match self {
            OnPanic::Internal => Error::Internal(what),
            OnPanic::Payout(order_no) => {
                Error::OutcomeUnknown { order_no: order_no.clone(), cause: UnknownCause::Internal(what) }
            }
        })
    }
}

/// Runs the synchronous part of a call; a panic in it is the error `on_panic` names (an
/// SDK error, where `#[napi(catch_unwind)]` alone gives a plain `Error`).
pub(crate) fn shield<T>(on_panic: &OnPanic, work: impl FnOnce() -> napi::Result<T>) -> napi::Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| Err(on_panic.error(payload.as_ref())))
}

/// Runs a future so that a panic inside it rejects the promise with `InternalError`
/// instead of unwinding into the runtime (the `catch_unwind` of `#[napi]` covers only the
/// synchronous part).
pub(crate) fn guarded<T, F>(future: F) -> impl Future<Output = napi::Result<T>> + Send + 'static
where
    F: Future<Output = napi::Result<T>> + Send + 'static,
{
    guarded_as(OnPanic::Internal, future)
}

/// [`guarded`], with a panic turned into the error `on_panic` names.
pub(crate) fn guarded_as<T, F>(on_panic: OnPanic, future: F) -> impl Future<Output = napi::Result<T>> + Send + 'static
where
    F: Future<Output = napi::Result<T>> + Send + 'static,
{
    let mut future = Box::pin(future);
    let mut done = false;
    std::future::poll_fn(move |cx| {
        if done {
            return Poll::Ready(Err(to_js(&Error::Internal("polled after a panic".to_owned()))));
        }
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => {
                done = true;
                Poll::Ready(Err(on_panic.error(payload.as_ref())))
            }
        }
    })
}
