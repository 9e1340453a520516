//! Callback verification: header pairs and the raw body in, a verified callback (an
//! object only verification creates) or a `SignatureError` out.

use crate::convert::to_python;
use crate::errors::to_py_err;
use crate::guard::{OnPanic, shield};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use smilepayz::callback::DEFAULT_MAX_BODY_BYTES;
use smilepayz::{CallbackVerifier, Case, Error, PlatformKey, VerifiedCallback};
use smilepayz_interop as interop;
use std::time::Duration;
use time::OffsetDateTime;

/// A callback whose signature verified; only `CallbackVerifier.verify` makes one.
#[pyclass(frozen, module = "smilepayz._native", name = "VerifiedCallback")]
pub(crate) struct NativeVerifiedCallback {
    pub(crate) inner: VerifiedCallback,
}

#[pymethods]
impl NativeVerifiedCallback {
    /// The signed trade number.
    #[getter]
    fn trade_no(&self) -> &str {
        self.inner.trade_no()
    }

    /// The callback's fields (snake_case), its `timestamp` and `raw` body.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &interop::verified_callback(&self.inner, Case::Snake))
    }

    fn __repr__(&self) -> String {
        format!("VerifiedCallback(trade_no={:?})", self.inner.trade_no())
    }
}

/// The native verifier behind `smilepayz.CallbackVerifier`.
#[pyclass(frozen, module = "smilepayz._native", name = "CallbackVerifier")]
pub(crate) struct NativeCallbackVerifier {
    inner: CallbackVerifier,
}

fn config_error(message: String) -> PyErr {
    to_py_err(&Error::config(message))
}

/// A clock that asks a Python callable for seconds since the epoch (like `time.time`).
fn python_clock(clock: Py<PyAny>) -> smilepayz::transport::Clock {
    std::sync::Arc::new(move || {
        let seconds = Python::attach(|py| clock.call0(py).and_then(|v| v.extract::<f64>(py)));
        // A clock that fails or lies cannot vouch for freshness: the epoch makes every
        // timestamped callback "from the future", so checks fail closed.
        match seconds {
            Ok(s) if s.is_finite() => {
                OffsetDateTime::from_unix_timestamp_nanos((s * 1e9) as i128).unwrap_or(OffsetDateTime::UNIX_EPOCH)
            }
            _ => OffsetDateTime::UNIX_EPOCH,
        }
    })
}

#[pymethods]
impl NativeCallbackVerifier {
    /// Loads each platform public key (PEM or bare base64 SPKI) once.
    #[new]
    #[pyo3(signature = (platform_public_keys, *, max_age=None, max_body_bytes=None, clock=None))]
    fn new(
        platform_public_keys: Vec<String>,
        max_age: Option<f64>,
        max_body_bytes: Option<usize>,
        clock: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        if platform_public_keys.is_empty() {
            return Err(config_error("at least one platform public key is required".into()));
        }
        let mut keys = Vec::with_capacity(platform_public_keys.len());
        for (i, text) in platform_public_keys.iter().enumerate() {
            let key = PlatformKey::from_text(text).map_err(|e| {
                to_py_err(&Error::Config {
                    message: format!("platform public key #{}: {e}", i + 1),
                    key_error: Some(e),
                })
            })?;
            keys.push(key);
        }
        let mut inner =
            CallbackVerifier::with_keys(keys).max_body_bytes(max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES));
        if let Some(seconds) = max_age {
            let max_age = Duration::try_from_secs_f64(seconds)
                .map_err(|_| config_error("max_age must be a finite, non-negative number of seconds".into()))?;
            inner = inner.max_age(max_age);
        }
        if let Some(clock) = clock {
            inner = inner.clock(python_clock(clock));
        }
        Ok(Self { inner })
    }

    /// Verifies header pairs (names in any case; values str or bytes) and the raw body.
    fn verify(
        &self,
        py: Python<'_>,
        headers: Vec<(String, Bound<'_, PyAny>)>,
        body: &Bound<'_, PyBytes>,
    ) -> PyResult<NativeVerifiedCallback> {
        let mut pairs = Vec::with_capacity(headers.len());
        for (name, value) in headers {
            let value = if let Ok(text) = value.cast::<PyString>() {
                text.to_cow()?.as_bytes().to_vec()
            } else if let Ok(bytes) = value.cast::<PyBytes>() {
                bytes.as_bytes().to_vec()
            } else {
                return Err(PyTypeError::new_err(format!("header {name}: the value must be str or bytes")));
            };
            pairs.push((name, value));
        }
        // Immutable bytes: the slice stays valid while the interpreter runs other threads.
        let body = body.as_bytes();
        let verified =
            py.detach(|| shield(&OnPanic::Internal, || self.inner.verify(pairs, body).map_err(Error::Signature)));
        verified.map(|inner| NativeVerifiedCallback { inner }).map_err(|e| to_py_err(&e))
    }

    fn __repr__(&self) -> String {
        format!("CallbackVerifier(keys={})", self.inner.keys().len())
    }
}
