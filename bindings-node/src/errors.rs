//! The one mapping of core errors to JavaScript: the fields of `interop::error_fields`
//! (camelCase) travel as JSON in the message after a marker, and `lib/errors.js` builds
//! the matching class from them. No field is mapped by hand here.

use smilepayz::{Case, Error, interop};
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

/// A configuration error (e.g. an option of the wrong shape) in the same form.
pub(crate) fn config(message: impl Into<String>) -> napi::Error {
    to_js(&Error::config(message))
}

/// An error of the mock gateway (tests only): plain text, no class of its own.
pub(crate) fn plain(error: impl std::fmt::Display) -> napi::Error {
    napi::Error::from_reason(error.to_string())
}

/// Runs a future so that a panic inside it rejects the promise instead of unwinding into
/// the runtime (the `catch_unwind` of `#[napi]` covers only the synchronous part).
pub(crate) fn guarded<T, F>(future: F) -> impl Future<Output = napi::Result<T>> + Send + 'static
where
    F: Future<Output = napi::Result<T>> + Send + 'static,
{
    let mut future = Box::pin(future);
    std::future::poll_fn(move |cx| match std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
        Ok(poll) => poll,
        Err(payload) => Poll::Ready(Err(panicked(payload.as_ref()))),
    })
}

fn panicked(payload: &(dyn Any + Send)) -> napi::Error {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    napi::Error::from_reason(format!("smilepayz internal error (a bug, please report it): {what}"))
}
