//! The pay-out client: one core `Client` per process, driven synchronously (the
//! interpreter lock released while it waits) or as asyncio awaitables.

use crate::aio::awaitable;
use crate::callback::NativeVerifiedCallback;
use crate::convert::to_python;
use crate::errors::{runtime_error, to_py_err};
use crate::guard::{OnPanic, guarded, shield};
use crate::request::NativePayoutRequest;
use crate::runtime::{PerProcess, runtime};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};
use serde_json::Value;
use smilepayz::transport::MAX_RETRY_ATTEMPTS;
use smilepayz::{Case, Client, ClientBuilder, Environment, Error, OrderNo, RetryPolicy, StatusQuery};
use smilepayz_interop as interop;
use std::future::Future;
use std::time::Duration;

/// The native client behind `smilepayz.Client` and `smilepayz.AsyncClient`.
#[pyclass(frozen, module = "smilepayz._native", name = "Client")]
pub(crate) struct NativeClient {
    builder: ClientBuilder,
    client: PerProcess<Client>,
}

fn seconds(name: &str, value: Option<f64>) -> Result<Option<Duration>, Error> {
    value
        .map(|s| {
            Duration::try_from_secs_f64(s)
                .map_err(|_| Error::config(format!("{name} must be a finite, non-negative number of seconds")))
        })
        .transpose()
}

/// The retry budget: an `int` (never a `bool`) the core's `u32` holds; the core checks
/// the range, and anything that cannot reach it is refused with the same words.
fn attempts(value: &Bound<'_, PyAny>) -> Result<u32, Error> {
    let refused = || {
        let shown = value.repr().map_or_else(|_| "?".to_owned(), |r| r.to_string());
        Error::config(format!("max_attempts must be between 1 and {MAX_RETRY_ATTEMPTS}, got {shown}"))
    };
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(refused());
    }
    value.extract::<u32>().map_err(|_| refused())
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

    fn client(&self) -> PyResult<Client> {
        self.client.get(|| build(&self.builder))
    }
}

#[pymethods]
impl NativeClient {
    /// Checks every setting (the key is parsed once, here) and builds the client.
    #[new]
    #[pyo3(signature = (*, merchant_id=None, merchant_secret=None, private_key=None, environment=None,
        base_url=None, connect_timeout=None, timeout=None, max_attempts=None, user_agent_suffix=None,
        order_not_found_codes=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        merchant_id: Option<String>,
        merchant_secret: Option<String>,
        private_key: Option<String>,
        environment: Option<String>,
        base_url: Option<String>,
        connect_timeout: Option<f64>,
        timeout: Option<f64>,
        max_attempts: Option<Bound<'_, PyAny>>,
        user_agent_suffix: Option<String>,
        order_not_found_codes: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let configure = || -> Result<ClientBuilder, Error> {
            let mut b = Client::builder();
            if let Some(v) = merchant_id {
                b = b.merchant_id(v);
            }
            if let Some(v) = merchant_secret {
                b = b.merchant_secret(v);
            }
            if let Some(v) = private_key {
                b = b.private_key(v);
            }
            if let Some(v) = environment {
                b = b.environment(Environment::parse(&v)?);
            }
            if let Some(v) = base_url {
                b = b.base_url(v);
            }
            if let Some(v) = seconds("connect_timeout", connect_timeout)? {
                b = b.connect_timeout(v);
            }
            if let Some(v) = seconds("timeout", timeout)? {
                b = b.timeout(v);
            }
            if let Some(v) = max_attempts {
                b = b.retry(RetryPolicy { max_attempts: attempts(&v)?, ..RetryPolicy::default() });
            }
            if let Some(v) = user_agent_suffix {
                b = b.user_agent_suffix(format!("python {v}"));
            } else {
                b = b.user_agent_suffix("python");
            }
            if let Some(v) = order_not_found_codes {
                b = b.order_not_found_codes(v);
            }
            Ok(b)
        };
        Self::from_builder(configure().map_err(|e| to_py_err(&e))?)
    }

    /// Reads `SMILEPAYZ_*` environment variables.
    #[staticmethod]
    fn from_env() -> PyResult<Self> {
        let builder = ClientBuilder::from_env().map_err(|e| to_py_err(&e))?.user_agent_suffix("python");
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
