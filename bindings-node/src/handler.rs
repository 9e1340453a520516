//! The core's callback handler for the Node adapters: `receive` verifies and confirms
//! (the merchant's function then runs in JavaScript, sync or returning a Promise),
//! `afterBooking` gives the answer once it has run. Every decision is the core's
//! `CallbackHandler`.

use crate::callback::NativeVerifier;
use crate::client::{NativeClient, run_as};
use crate::errors::OnPanic;
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Uint8Array};
use napi_derive::napi;
use serde_json::{Value, json};
use smilepayz::Case;
use smilepayz::callback::{CallbackHandler, HandlerResponse};
use smilepayz_interop as interop;

/// Verifies, confirms and hands over callbacks.
#[napi]
pub struct NativeCallbackHandler {
    inner: CallbackHandler,
}

#[napi]
impl NativeCallbackHandler {
    /// A handler confirming with `client` what `verifier` accepts.
    #[napi(constructor, catch_unwind)]
    pub fn new(client: &NativeClient, verifier: &NativeVerifier) -> Self {
        Self { inner: CallbackHandler::new(client.inner.clone(), verifier.inner.clone()) }
    }

    /// `{ delivery }` for the merchant's function, or `{ response, reason }`; header
    /// `names[i]` has value `values[i]`.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn receive<'env>(
        &self,
        env: &'env Env,
        names: Vec<String>,
        values: Vec<String>,
        body: Uint8Array,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let (handler, body) = (self.inner.clone(), body.to_vec());
        run_as(env, OnPanic::Internal, async move {
            Ok(match handler.receive(names.into_iter().zip(values), &body).await {
                Ok(delivery) => json!({ "delivery": interop::delivery(&delivery, Case::Camel) }),
                Err(not) => json!({
                    "response": interop::handler_response(&not.response, Case::Camel),
                    "reason": not.error.to_string(),
                }),
            })
        })
    }

    /// The answer once the merchant's function has run (`booked`: it succeeded).
    #[napi(catch_unwind)]
    pub fn after_booking(booked: bool) -> Value {
        interop::handler_response(&HandlerResponse::after_booking(booked), Case::Camel)
    }
}
