//! The pay-out client: one core `Client` per process, driven synchronously (the
//! interpreter lock released while it waits) or as asyncio awaitables.

use crate::aio::awaitable;
use crate::callback::NativeVerifiedCallback;
use crate::convert::{settings_to_json, to_python};
use crate::errors::{runtime_error, to_py_err};
use crate::guard::{OnPanic, guarded, shield};
use crate::request::NativePayoutRequest;
use crate::runtime::{PerProcess, runtime};
use pyo3::prelude::*;
use serde_json::Value;
use smilepayz::{Case, Client, ClientBuilder, Error, OrderNo, StatusQuery};
use smilepayz_interop as interop;
use smilepayz_interop::{Binding, ClientSettings};
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
/// error `on_panic` names.
pub(crate) fn wait<'py, T: Send>(
    py: Python<'py>,
    on_panic: OnPanic,
    work: impl Future<Output = Result<T, Error>> + Send,
    answer: fn(&T, Case) -> Value,
) -> PyResult<Bound<'py, PyAny>> {
    let runtime = runtime().map_err(|e| runtime_error(&e))?;
    let work = guarded(on_panic, async move { work.await.map(|t| answer(&t, Case::Snake)) });
    match py.detach(|| runtime.block_on(work)) {
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

impl NativeClient {
    fn from_builder(builder: ClientBuilder) -> PyResult<Self> {
        let client = build(&builder)?;
        Ok(Self { client: PerProcess::new(std::process::id(), client), builder })
    }

    pub(crate) fn client(&self) -> PyResult<Client> {
        self.client.get(|| build(&self.builder))
    }
}

#[pymethods]
impl NativeClient {
    /// Checks every setting (the key is parsed once, here) and builds the client.
    #[new]
    fn new(settings: &Bound<'_, PyAny>) -> PyResult<Self> {
        let settings = ClientSettings::from_json(settings_to_json(settings)?).map_err(|e| to_py_err(&e))?;
        Self::from_builder(settings.builder(Binding::Python).map_err(|e| to_py_err(&e))?)
    }

    /// Reads `SMILEPAYZ_*` environment variables, then `overrides`.
    #[staticmethod]
    fn from_env(overrides: &Bound<'_, PyAny>) -> PyResult<Self> {
        let overrides = ClientSettings::from_json(settings_to_json(overrides)?).map_err(|e| to_py_err(&e))?;
        let builder =
            ClientBuilder::from_env().and_then(|b| overrides.apply(b, Binding::Python)).map_err(|e| to_py_err(&e))?;
        Self::from_builder(builder)
    }

    #[getter]
    fn merchant_id(&self) -> PyResult<String> {
        Ok(self.client()?.merchant_id().to_owned())
    }

    #[getter]
    fn base_url(&self) -> PyResult<String> {
        Ok(self.client()?.base_url().to_owned())
    }

    fn payout<'py>(&self, py: Python<'py>, request: &NativePayoutRequest) -> PyResult<Bound<'py, PyAny>> {
        let (client, request) = (self.client()?, request.inner.clone());
        wait(py, payout_panic(&request), async move { client.payout(&request).await }, interop::payout_response)
    }

    #[pyo3(signature = (*, order_no=None, trade_no=None))]
    fn inquire_status<'py>(
        &self,
        py: Python<'py>,
        order_no: Option<String>,
        trade_no: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (client, query) =
            (self.client()?, StatusQuery::from_numbers(order_no, trade_no).map_err(|e| to_py_err(&e))?);
        wait(py, OnPanic::Internal, async move { client.inquire_status(&query).await }, interop::status_response)
    }

    fn inquire_balance<'py>(&self, py: Python<'py>, account_no: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client()?;
        wait(py, OnPanic::Internal, async move { client.inquire_balance(&account_no).await }, interop::balance_response)
    }

    fn reconcile_payout<'py>(&self, py: Python<'py>, order_no: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client()?;
        wait(py, OnPanic::Internal, async move { client.reconcile_payout(&order_no).await }, interop::reconciliation)
    }

    fn confirm_callback<'py>(&self, py: Python<'py>, callback: &NativeVerifiedCallback) -> PyResult<Bound<'py, PyAny>> {
        let (client, callback) = (self.client()?, callback.inner.clone());
        wait(
            py,
            OnPanic::Internal,
            async move { client.confirm_callback(&callback).await },
            interop::confirmed_callback,
        )
    }

    fn payout_async<'py>(&self, py: Python<'py>, request: &NativePayoutRequest) -> PyResult<Bound<'py, PyAny>> {
        let (client, request) = (self.client()?, request.inner.clone());
        awaitable(py, payout_panic(&request), async move { client.payout(&request).await }, interop::payout_response)
    }

    #[pyo3(signature = (*, order_no=None, trade_no=None))]
    fn inquire_status_async<'py>(
        &self,
        py: Python<'py>,
        order_no: Option<String>,
        trade_no: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (client, query) =
            (self.client()?, StatusQuery::from_numbers(order_no, trade_no).map_err(|e| to_py_err(&e))?);
        awaitable(py, OnPanic::Internal, async move { client.inquire_status(&query).await }, interop::status_response)
    }

    fn inquire_balance_async<'py>(&self, py: Python<'py>, account_no: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client()?;
        awaitable(
            py,
            OnPanic::Internal,
            async move { client.inquire_balance(&account_no).await },
            interop::balance_response,
        )
    }

    fn reconcile_payout_async<'py>(&self, py: Python<'py>, order_no: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client()?;
        awaitable(
            py,
            OnPanic::Internal,
            async move { client.reconcile_payout(&order_no).await },
            interop::reconciliation,
        )
    }

    fn confirm_callback_async<'py>(
        &self,
        py: Python<'py>,
        callback: &NativeVerifiedCallback,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (client, callback) = (self.client()?, callback.inner.clone());
        awaitable(
            py,
            OnPanic::Internal,
            async move { client.confirm_callback(&callback).await },
            interop::confirmed_callback,
        )
    }

    fn __repr__(&self) -> PyResult<String> {
        let client = self.client()?;
        Ok(format!("Client(merchant_id={:?}, base_url={:?})", client.merchant_id(), client.base_url()))
    }
}
