//! The Rust mock gateway and callback signing, for `smilepayz.testing`.

use crate::convert::{to_json, to_python};
use crate::errors::runtime_error;
use crate::runtime::runtime;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use smilepayz::signing::format_timestamp;
use smilepayz::{Case, Decimal, MerchantKey, Status};
use smilepayz_testkit::{Endpoint, Fault, MockConfig, MockGateway, SignedCallback};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use time::{OffsetDateTime, UtcOffset};
use tokio::runtime::Runtime;

create_exception!(_native, MockGatewayError, PyRuntimeError, "The mock gateway could not do what a test asked.");

fn mock_error(e: impl std::fmt::Display) -> PyErr {
    MockGatewayError::new_err(e.to_string())
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

fn endpoint(name: &str) -> PyResult<Endpoint> {
    match name {
        "payout" => Ok(Endpoint::Payout),
        "status" => Ok(Endpoint::Status),
        "balance" => Ok(Endpoint::Balance),
        _ => Err(PyValueError::new_err(format!("endpoint must be payout, status or balance, got {name:?}"))),
    }
}

fn fault(name: &str, seconds: Option<f64>, http_status: Option<u16>) -> PyResult<Fault> {
    if seconds.is_some() && name != "delay" {
        return Err(PyValueError::new_err("only the delay fault takes seconds="));
    }
    let redirect = name.starts_with("redirect_");
    if http_status.is_some() && !redirect {
        return Err(PyValueError::new_err("only the redirect faults take http_status="));
    }
    // 307 and 308 keep the method and body: a client that follows them sends the pay-out again.
    let status = match http_status {
        None => 307,
        Some(s @ 300..=399) => s,
        Some(s) => return Err(PyValueError::new_err(format!("http_status must be a redirect (3xx), got {s}"))),
    };
    match name {
        "delay" => {
            let s = seconds.ok_or_else(|| PyValueError::new_err("the delay fault needs seconds="))?;
            Duration::try_from_secs_f64(s)
                .map(Fault::Delay)
                .map_err(|_| PyValueError::new_err("delay must be a finite, non-negative number of seconds"))
        }
        "server_error" => Ok(Fault::ServerErrorAfterAccept),
        "drop" => Ok(Fault::DropAfterAccept),
        "malformed" => Ok(Fault::MalformedAfterAccept),
        "redirect_before_accept" => Ok(Fault::RedirectBeforeAccept { status }),
        "redirect_after_accept" => Ok(Fault::RedirectAfterAccept { status }),
        "reset_during_upload" => Ok(Fault::ResetDuringUpload),
        "truncated" => Ok(Fault::TruncatedAfterAccept),
        "oversized" => Ok(Fault::OversizedAfterAccept),
        "close_idle_keep_alive" => Ok(Fault::CloseIdleKeepAlive),
        _ => Err(PyValueError::new_err(format!(
            "fault must be delay, server_error, drop, malformed, redirect_before_accept, redirect_after_accept, \
             reset_during_upload, truncated, oversized or close_idle_keep_alive, got {name:?}"
        ))),
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
    #[pyo3(signature = (*, merchant_id=None, merchant_secret=None))]
    fn start(py: Python<'_>, merchant_id: Option<String>, merchant_secret: Option<String>) -> PyResult<Self> {
        let mut config = MockConfig::default();
        if let Some(id) = merchant_id {
            config.merchant_id = id;
        }
        if let Some(secret) = merchant_secret {
            config.merchant_secret = secret;
        }
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

    /// Spoils the next request to `endpoint` (see `smilepayz.testing.MockGateway.inject`).
    #[pyo3(signature = (endpoint_name, fault_name, *, seconds=None, http_status=None))]
    fn inject(
        &self,
        endpoint_name: &str,
        fault_name: &str,
        seconds: Option<f64>,
        http_status: Option<u16>,
    ) -> PyResult<()> {
        self.gateway()?.inject(endpoint(endpoint_name)?, fault(fault_name, seconds, http_status)?);
        Ok(())
    }

    /// How many kept-alive connections `close_idle_keep_alive` closed under the client's
    /// next request.
    fn closed_keep_alive_connections(&self) -> PyResult<usize> {
        Ok(self.gateway()?.closed_keep_alive_connections())
    }

    /// Refuses connections for `seconds`; returns once they are refused.
    fn refuse_connections_for(&self, py: Python<'_>, seconds: f64) -> PyResult<()> {
        let duration = Duration::try_from_secs_f64(seconds)
            .map_err(|_| PyValueError::new_err("seconds must be a finite, non-negative number"))?;
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
/// now in Jakarta time (+07:00), the form the gateway sends.
#[pyfunction]
#[pyo3(signature = (platform_private_key, body, *, timestamp=None))]
pub(crate) fn sign_callback<'py>(
    py: Python<'py>,
    platform_private_key: &str,
    body: &Bound<'py, PyAny>,
    timestamp: Option<String>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyBytes>)> {
    let key = MerchantKey::from_text(platform_private_key)
        .map_err(|e| PyValueError::new_err(format!("platform_private_key: {e}")))?;
    let timestamp = timestamp.unwrap_or_else(|| {
        let jakarta = UtcOffset::from_hms(7, 0, 0).unwrap_or(UtcOffset::UTC);
        format_timestamp(OffsetDateTime::now_utc(), jakarta)
    });
    let callback = if let Ok(bytes) = body.cast::<PyBytes>() {
        smilepayz_testkit::sign_callback(&key, bytes.as_bytes(), &timestamp)
    } else if let Ok(text) = body.cast::<PyString>() {
        smilepayz_testkit::sign_callback(&key, text.to_cow()?.as_ref(), &timestamp)
    } else {
        smilepayz_testkit::sign_callback(&key, &to_json(body, "body")?, &timestamp)
    };
    signed(py, &callback)
}
