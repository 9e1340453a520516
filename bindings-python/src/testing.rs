//! The Rust mock gateway and callback signing, for `smilepayz.testing`.

use crate::convert::{settings_to_json, to_json, to_python};
use crate::errors::{runtime_error, to_py_err};
use crate::runtime::runtime;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use smilepayz::{Case, Decimal, Error, SigningKey, Status};
use smilepayz_interop::settings::read;
use smilepayz_testkit::{
    Endpoint, FaultSettings, MockError, MockGateway, MockSettings, SignedCallback, callback_timestamp_now, millis,
};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::runtime::Runtime;

/// `smilepayz.testing.MockGatewayError` (a `SmilepayzError`, defined in Python so that
/// `except SmilepayzError` catches it too).
fn mock_error(e: impl std::fmt::Display) -> PyErr {
    let message = e.to_string();
    Python::attach(|py| {
        let class = py.import("smilepayz.testing").and_then(|m| m.getattr("MockGatewayError"));
        class.and_then(|c| c.call1((message,))).map(PyErr::from_value).unwrap_or_else(|failed| failed)
    })
}

/// A refused setting or fault is a `ConfigError`; anything else the mock's own error.
fn refused(e: MockError) -> PyErr {
    match e {
        MockError::Config(message) => to_py_err(&Error::config(message)),
        other => mock_error(other),
    }
}

/// A running mock gateway on 127.0.0.1.
#[pyclass(frozen, module = "smilepayz._native", name = "MockGateway")]
pub(crate) struct NativeMockGateway {
    gateway: Mutex<Option<Arc<MockGateway>>>,
    runtime: Arc<Runtime>,
}

impl NativeMockGateway {
    fn gateway(&self) -> PyResult<Arc<MockGateway>> {
        let slot = self.gateway.lock().unwrap_or_else(PoisonError::into_inner);
        slot.clone().ok_or_else(|| mock_error("the mock gateway is closed"))
    }
}

fn signed<'py>(py: Python<'py>, callback: &SignedCallback) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyBytes>)> {
    let headers = PyDict::new(py);
    for (name, value) in &callback.headers {
        headers.set_item(name, value)?;
    }
    Ok((headers, PyBytes::new(py, &callback.body)))
}

#[pymethods]
impl NativeMockGateway {
    /// Starts a gateway on a free port with generated keys and secret.
    #[new]
    fn start(py: Python<'_>, settings: &Bound<'_, PyAny>) -> PyResult<Self> {
        let settings: MockSettings = read("MockGateway", settings_to_json(settings)?).map_err(|e| to_py_err(&e))?;
        let config = settings.into_config().map_err(refused)?;
        let runtime = runtime().map_err(|e| runtime_error(&e))?;
        let gateway = py.detach(|| runtime.block_on(MockGateway::start_with(config))).map_err(mock_error)?;
        Ok(Self { gateway: Mutex::new(Some(Arc::new(gateway))), runtime })
    }

    #[getter]
    fn base_url(&self) -> PyResult<String> {
        Ok(self.gateway()?.base_url())
    }

    #[getter]
    fn merchant_id(&self) -> PyResult<String> {
        Ok(self.gateway()?.merchant_id().to_owned())
    }

    #[getter]
    fn merchant_secret(&self) -> PyResult<String> {
        Ok(self.gateway()?.merchant_secret().to_owned())
    }

    #[getter]
    fn merchant_private_key_pem(&self) -> PyResult<String> {
        Ok(self.gateway()?.merchant_private_key_pem())
    }

    #[getter]
    fn platform_public_key(&self) -> PyResult<String> {
        Ok(self.gateway()?.platform_public_key_base64())
    }

    #[getter]
    fn platform_private_key_pem(&self) -> PyResult<String> {
        Ok(self.gateway()?.platform_key().to_pkcs8_pem())
    }

    /// The gateway's code for "no such order", for `Client(order_not_found_codes=...)`.
    #[getter]
    fn order_not_found_code(&self) -> &'static str {
        smilepayz_testkit::codes::ORDER_NOT_FOUND
    }

    /// Sets an order's status; returns what its callbackUrl answered, if it has one.
    fn settle<'py>(&self, py: Python<'py>, order_no: &str, status: &str) -> PyResult<Option<Bound<'py, PyDict>>> {
        let gateway = self.gateway()?;
        let status = Status::parse(status);
        let delivery = py.detach(|| self.runtime.block_on(gateway.settle(order_no, status))).map_err(mock_error)?;
        delivery
            .map(|d| {
                let out = PyDict::new(py);
                out.set_item("http_status", d.http_status)?;
                out.set_item("body", d.body)?;
                out.set_item("acknowledged", d.acknowledged)?;
                Ok(out)
            })
            .transpose()
    }

    /// The signed callback the gateway would send for an order now: (headers, body).
    fn signed_callback<'py>(
        &self,
        py: Python<'py>,
        order_no: &str,
    ) -> PyResult<Option<(Bound<'py, PyDict>, Bound<'py, PyBytes>)>> {
        self.gateway()?.signed_callback(order_no).map(|c| signed(py, &c)).transpose()
    }

    /// Spoils the next request to `endpoint` (see `smilepayz.testing.MockGateway.inject`):
    /// `fault` is the fault's settings, read by the testkit.
    fn inject(&self, endpoint: &str, fault: &Bound<'_, PyAny>) -> PyResult<()> {
        let endpoint = Endpoint::parse(endpoint).map_err(refused)?;
        let fault: FaultSettings = read("fault", settings_to_json(fault)?).map_err(|e| to_py_err(&e))?;
        self.gateway()?.inject(endpoint, fault.fault().map_err(refused)?);
        Ok(())
    }

    /// How many kept-alive connections `close_idle_keep_alive` closed under the client's
    /// next request.
    fn closed_keep_alive_connections(&self) -> PyResult<usize> {
        Ok(self.gateway()?.closed_keep_alive_connections())
    }

    /// Refuses connections for `duration_ms`; returns once they are refused.
    fn refuse_connections_for(&self, py: Python<'_>, duration_ms: f64) -> PyResult<()> {
        let duration = millis("duration_ms", duration_ms).map_err(refused)?;
        let gateway = self.gateway()?;
        py.detach(|| self.runtime.block_on(gateway.refuse_connections_for(duration)));
        Ok(())
    }

    fn order<'py>(&self, py: Python<'py>, order_no: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.gateway()?.order(order_no).map(|o| to_python(py, &o.to_json(Case::Snake))).transpose()
    }

    fn orders<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.gateway()?.orders().iter().map(|o| to_python(py, &o.to_json(Case::Snake))).collect()
    }

    /// Every HTTP request received, oldest first (the shape Node's `received()` gives).
    fn received<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.gateway()?.received().iter().map(|r| to_python(py, &r.to_json(Case::Snake))).collect()
    }

    fn payout_requests_for(&self, order_no: &str) -> PyResult<usize> {
        Ok(self.gateway()?.payout_requests_for(order_no))
    }

    fn set_balance(&self, account_no: &str, currency: &str, balance: Decimal, available: Decimal) -> PyResult<()> {
        self.gateway()?.set_balance(account_no, currency, balance, available);
        Ok(())
    }

    fn set_remark(&self, order_no: &str, remark: &str) -> PyResult<bool> {
        Ok(self.gateway()?.set_remark(order_no, remark))
    }

    /// Stops the server; later calls raise `MockGatewayError`.
    fn close(&self, py: Python<'_>) {
        let taken = self.gateway.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(gateway) = taken.and_then(|g| Arc::try_unwrap(g).ok()) {
            py.detach(|| self.runtime.block_on(gateway.shutdown()));
        }
    }

    fn __repr__(&self) -> String {
        match self.gateway() {
            Ok(g) => format!("MockGateway(base_url={:?}, merchant_id={:?})", g.base_url(), g.merchant_id()),
            Err(_) => "MockGateway(closed)".to_owned(),
        }
    }
}

/// Signs a callback body as the gateway does: (headers, body). `timestamp` defaults to
/// now in the gateway's zone (+07:00), as the testkit writes it.
#[pyfunction]
#[pyo3(signature = (platform_private_key, body, *, timestamp=None))]
pub(crate) fn sign_callback<'py>(
    py: Python<'py>,
    platform_private_key: &str,
    body: &Bound<'py, PyAny>,
    timestamp: Option<String>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyBytes>)> {
    let key = SigningKey::from_text(platform_private_key)
        .map_err(|e| PyValueError::new_err(format!("platform_private_key: {e}")))?;
    let timestamp = timestamp.unwrap_or_else(callback_timestamp_now);
    let callback = if let Ok(bytes) = body.cast::<PyBytes>() {
        smilepayz_testkit::sign_callback(&key, bytes.as_bytes(), &timestamp)
    } else if let Ok(text) = body.cast::<PyString>() {
        smilepayz_testkit::sign_callback(&key, text.to_cow()?.as_ref(), &timestamp)
    } else {
        smilepayz_testkit::sign_callback(&key, &to_json(body, "body")?, &timestamp)
    };
    signed(py, &callback)
}
