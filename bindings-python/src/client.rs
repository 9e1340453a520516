//! The pay-out client: one core `Client` per process, driven synchronously (the
//! interpreter lock released while it waits) or as asyncio awaitables.

use crate::aio::awaitable;
use crate::blocking::block_ticking;
use crate::callback::NativeVerifiedCallback;
use crate::convert::{settings_to_json, to_python};
use crate::errors::{runtime_error, to_py_err};
use crate::events::python_listener;
use crate::guard::{OnPanic, guarded, shield};
use crate::request::NativePayoutRequest;
use crate::runtime::{PerProcess, runtime};
use pyo3::prelude::*;
use serde_json::Value;
use smilepayz::{CancelToken, Case, Client, ClientBuilder, Error, OrderNo, StatusQuery};
use smilepayz_interop as interop;
use smilepayz_interop::{Binding, CallSettings, ClientSettings};
use std::future::Future;

/// The native client behind `smilepayz.Client` and `smilepayz.AsyncClient`.
#[pyclass(frozen, module = "smilepayz._native", name = "Client")]
pub(crate) struct NativeClient {
    builder: ClientBuilder,
    client: PerProcess<Client>,
}

/// What a panic during a pay-out of `request` means: it may have left.
fn payout_panic(request: &smilepayz::PayoutRequest) -> OnPanic {
    OrderNo::parse(request.order_no()).map_or(OnPanic::Internal, OnPanic::Payout)
}

/// Runs `work` to completion with the interpreter lock released; a panic in it is the
/// error `on_panic` names. With `interrupt` (the token of the client `work` runs on), a
/// Ctrl-C cancels the call: nothing sent yet is `KeyboardInterrupt`; a pay-out that may
/// have left is `OutcomeUnknownError` (reason `aborted`), never silence.
pub(crate) fn wait<'py, T: Send>(
    py: Python<'py>,
    interrupt: Option<CancelToken>,
    on_panic: OnPanic,
    work: impl Future<Output = Result<T, Error>> + Send,
    answer: fn(&T, Case) -> Value,
) -> PyResult<Bound<'py, PyAny>> {
    let runtime = runtime().map_err(|e| runtime_error(&e))?;
    let work = guarded(on_panic, async move { work.await.map(|t| answer(&t, Case::Snake)) });
    let Some(token) = interrupt else {
        return answered(py, py.detach(|| runtime.block_on(work)));
    };
    let mut interrupted = None;
    let outcome = block_ticking(py, work, |py| {
        if interrupted.is_none()
            && let Err(signal) = py.check_signals()
        {
            token.cancel();
            interrupted = Some(signal);
        }
    })?;
    match (outcome, interrupted) {
        (Err(Error::Aborted(_)), Some(signal)) => Err(signal),
        (outcome, _) => answered(py, outcome),
    }
}

fn answered(py: Python<'_>, outcome: Result<Value, Error>) -> PyResult<Bound<'_, PyAny>> {
    match outcome {
        Ok(value) => to_python(py, &value),
        Err(e) => Err(to_py_err(&e)),
    }
}

/// Builds the core client inside the runtime (its HTTP pool needs the runtime's timers).
fn build(builder: &ClientBuilder) -> PyResult<Client> {
    let runtime = runtime().map_err(|e| runtime_error(&e))?;
    let _inside = runtime.enter();
    shield(&OnPanic::Internal, || builder.clone().build()).map_err(|e| to_py_err(&e))
}

/// How a call is driven: blocking the caller (`interrupt`: its Ctrl-C token), or as an
/// asyncio awaitable (`None`: asyncio cancels by dropping the task).
fn drive<'py, T: Send + 'static>(
    py: Python<'py>,
    interrupt: Option<CancelToken>,
    on_panic: OnPanic,
    work: impl Future<Output = Result<T, Error>> + Send + 'static,
    answer: fn(&T, Case) -> Value,
) -> PyResult<Bound<'py, PyAny>> {
    match interrupt {
        Some(token) => wait(py, Some(token), on_panic, work, answer),
        None => awaitable(py, on_panic, work, answer),
    }
}

impl NativeClient {
    fn from_builder(builder: ClientBuilder, on_event: Option<Py<PyAny>>) -> PyResult<Self> {
        let builder = match on_event {
            Some(sink) => builder.on_event(python_listener(sink)),
            None => builder,
        };
        let client = build(&builder)?;
        Ok(Self { client: PerProcess::new(std::process::id(), client), builder })
    }

    pub(crate) fn client(&self) -> PyResult<Client> {
        self.client.get(|| build(&self.builder))
    }

    /// The client for one call (this one, or with the call's own `timeout_ms`) and, for a
    /// blocking call, the token Ctrl-C cancels it with.
    fn for_call(&self, call: Option<&Bound<'_, PyAny>>, asynchronous: bool) -> PyResult<(Client, Option<CancelToken>)> {
        let settings = match call {
            Some(call) => CallSettings::from_json(settings_to_json(call)?).map_err(|e| to_py_err(&e))?,
            None => CallSettings::default(),
        };
        let client = settings.client(&self.client()?).map_err(|e| to_py_err(&e))?;
        if asynchronous {
            return Ok((client, None));
        }
        let token = CancelToken::new();
        Ok((client.with_cancel(token.clone()), Some(token)))
    }
}

/// Every call takes `call` (its settings: `timeout_ms`) and `asynchronous` (an asyncio
/// awaitable instead of blocking).
#[pymethods]
impl NativeClient {
    /// Checks every setting (the key is parsed once, here) and builds the client;
    /// `on_event` receives each event's fields as a dict.
    #[new]
    #[pyo3(signature = (settings, *, on_event=None))]
    fn new(settings: &Bound<'_, PyAny>, on_event: Option<Py<PyAny>>) -> PyResult<Self> {
        let settings = ClientSettings::from_json(settings_to_json(settings)?).map_err(|e| to_py_err(&e))?;
        Self::from_builder(settings.builder(Binding::Python).map_err(|e| to_py_err(&e))?, on_event)
    }

    /// Reads `SMILEPAYZ_*` environment variables, then `overrides`.
    #[staticmethod]
    #[pyo3(signature = (overrides, *, on_event=None))]
    fn from_env(overrides: &Bound<'_, PyAny>, on_event: Option<Py<PyAny>>) -> PyResult<Self> {
        let overrides = ClientSettings::from_json(settings_to_json(overrides)?).map_err(|e| to_py_err(&e))?;
        let builder =
            ClientBuilder::from_env().and_then(|b| overrides.apply(b, Binding::Python)).map_err(|e| to_py_err(&e))?;
        Self::from_builder(builder, on_event)
    }

    #[getter]
    fn merchant_id(&self) -> PyResult<String> {
        Ok(self.client()?.merchant_id().to_owned())
    }

    #[getter]
    fn base_url(&self) -> PyResult<String> {
        Ok(self.client()?.base_url().to_owned())
    }

    #[pyo3(signature = (request, *, call=None, asynchronous=false))]
    fn payout<'py>(
        &self,
        py: Python<'py>,
        request: &NativePayoutRequest,
        call: Option<&Bound<'py, PyAny>>,
        asynchronous: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ((client, interrupt), request) = (self.for_call(call, asynchronous)?, request.inner.clone());
        let on_panic = payout_panic(&request);
        drive(py, interrupt, on_panic, async move { client.payout(&request).await }, interop::payout_response)
    }

    #[pyo3(signature = (*, order_no=None, trade_no=None, call=None, asynchronous=false))]
    fn inquire_status<'py>(
        &self,
        py: Python<'py>,
        order_no: Option<String>,
        trade_no: Option<String>,
        call: Option<&Bound<'py, PyAny>>,
        asynchronous: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let query = StatusQuery::from_numbers(order_no, trade_no).map_err(|e| to_py_err(&e))?;
        let (client, interrupt) = self.for_call(call, asynchronous)?;
        let work = async move { client.inquire_status(&query).await };
        drive(py, interrupt, OnPanic::Internal, work, interop::status_response)
    }

    #[pyo3(signature = (account_no, *, call=None, asynchronous=false))]
    fn inquire_balance<'py>(
        &self,
        py: Python<'py>,
        account_no: String,
        call: Option<&Bound<'py, PyAny>>,
        asynchronous: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (client, interrupt) = self.for_call(call, asynchronous)?;
        let work = async move { client.inquire_balance(&account_no).await };
        drive(py, interrupt, OnPanic::Internal, work, interop::balance_response)
    }

    #[pyo3(signature = (order_no, *, call=None, asynchronous=false))]
    fn reconcile_payout<'py>(
        &self,
        py: Python<'py>,
        order_no: String,
        call: Option<&Bound<'py, PyAny>>,
        asynchronous: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (client, interrupt) = self.for_call(call, asynchronous)?;
        let work = async move { client.reconcile_payout(&order_no).await };
        drive(py, interrupt, OnPanic::Internal, work, interop::reconciliation)
    }

    #[pyo3(signature = (callback, *, call=None, asynchronous=false))]
    fn confirm_callback<'py>(
        &self,
        py: Python<'py>,
        callback: Py<NativeVerifiedCallback>,
        call: Option<&Bound<'py, PyAny>>,
        asynchronous: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (client, interrupt) = self.for_call(call, asynchronous)?;
        let work = async move {
            let confirmed = client.confirm_callback(&callback.get().inner).await?;
            callback.get().remember(&confirmed);
            Ok(confirmed)
        };
        drive(py, interrupt, OnPanic::Internal, work, interop::confirmed_callback)
    }

    fn __repr__(&self) -> PyResult<String> {
        let client = self.client()?;
        Ok(format!("Client(merchant_id={:?}, base_url={:?})", client.merchant_id(), client.base_url()))
    }
}
