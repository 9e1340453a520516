//! A test-only way to make a client call panic where real calls run, so tests can check
//! that a panic becomes the SDK error a caller can handle (`InternalError`, or
//! `OutcomeUnknownError` with cause `internal` for a pay-out that may have left) in both
//! the synchronous part and the future, never a plain `Error` or a promise left pending.

use crate::client::run_as;
use crate::errors::{OnPanic, shield, to_js};
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use serde_json::Value;
use smilepayz::{Error, OrderNo};

#[allow(clippy::panic)] // The panic is the point: tests of panic safety.
fn deliberate_panic(when: &str) -> ! {
    panic!("deliberate panic ({when})")
}

async fn panicking_call() -> Result<Value, Error> {
    deliberate_panic("future of a call")
}

/// Panics in a call's synchronous part (`inFuture` false) or in its future; with an
/// `orderNo` the call is a pay-out's. Tests only.
#[napi(catch_unwind, ts_return_type = "Promise<never>")]
pub fn sdk_panic_for_tests<'env>(
    env: &'env Env,
    in_future: bool,
    order_no: Option<String>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let on_panic = match order_no {
        None => OnPanic::Internal,
        Some(n) => OnPanic::Payout(OrderNo::parse(&n).map_err(|e| to_js(&Error::Validation(e)))?),
    };
    if !in_future {
        return shield(&on_panic, || deliberate_panic("synchronous part of a call"));
    }
    run_as(env, on_panic, panicking_call())
}
