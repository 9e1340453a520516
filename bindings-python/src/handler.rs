//! The core's callback handler for the Python integrations: `receive` verifies and
//! confirms (the merchant's function then runs in Python, sync or async), `after_booking`
//! gives the answer once it has run. Every decision is the core's `CallbackHandler`.

use crate::aio::awaitable;
use crate::callback::NativeCallbackVerifier;
use crate::client::{NativeClient, wait};
use crate::convert::to_python;
use crate::guard::OnPanic;
use pyo3::prelude::*;
use serde_json::{Value, json};
use smilepayz::callback::{CallbackHandler, Delivery, HandlerResponse, NotDelivered};
use smilepayz::{Case, Error};
use smilepayz_interop as interop;
use std::future::Future;

/// `{"delivery": …}` for the merchant's function, or `{"response": …, "reason": …}`.
fn received(outcome: &Result<Delivery, NotDelivered>, case: Case) -> Value {
    match outcome {
        Ok(delivery) => json!({ "delivery": interop::delivery(delivery, case) }),
        Err(not) => json!({
            "response": interop::handler_response(&not.response, case),
            "reason": not.error.to_string(),
        }),
    }
}

/// The native handler behind `smilepayz.integrations.CallbackHandler`.
#[pyclass(frozen, module = "smilepayz._native", name = "CallbackHandler")]
pub(crate) struct NativeCallbackHandler {
    client: Py<NativeClient>,
    verifier: Py<NativeCallbackVerifier>,
}

impl NativeCallbackHandler {
    /// The core handler, built per call: the client is rebuilt after a fork.
    fn receiving(
        &self,
        headers: Vec<(String, Vec<u8>)>,
        body: Vec<u8>,
    ) -> PyResult<impl Future<Output = Result<Result<Delivery, NotDelivered>, Error>> + Send + 'static> {
        let handler = CallbackHandler::new(self.client.get().client()?, self.verifier.get().inner.clone());
        Ok(async move { Ok(handler.receive(headers, &body).await) })
    }
}

#[pymethods]
impl NativeCallbackHandler {
    #[new]
    fn new(client: Py<NativeClient>, verifier: Py<NativeCallbackVerifier>) -> Self {
        Self { client, verifier }
    }

    /// Verifies and confirms one callback, blocking (the interpreter lock released).
    fn receive<'py>(
        &self,
        py: Python<'py>,
        headers: Vec<(String, Vec<u8>)>,
        body: Vec<u8>,
    ) -> PyResult<Bound<'py, PyAny>> {
        wait(py, None, OnPanic::Internal, self.receiving(headers, body)?, received)
    }

    /// Verifies and confirms one callback; an asyncio future.
    fn receive_async<'py>(
        &self,
        py: Python<'py>,
        headers: Vec<(String, Vec<u8>)>,
        body: Vec<u8>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, OnPanic::Internal, self.receiving(headers, body)?, received)
    }

    /// The answer once the merchant's function has run (`booked`: it returned normally).
    #[staticmethod]
    fn after_booking(py: Python<'_>, booked: bool) -> PyResult<Bound<'_, PyAny>> {
        to_python(py, &interop::handler_response(&HandlerResponse::after_booking(booked), Case::Snake))
    }
}
