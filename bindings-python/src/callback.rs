//! Callback verification: header pairs and the raw body in, a verified callback (an
//! object only verification creates) or a `SignatureError` out.

use crate::convert::{settings_to_json, to_python};
use crate::errors::to_py_err;
use crate::events::python_listener;
use crate::guard::{OnPanic, shield};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use smilepayz::{CallbackVerifier, Case, ConfirmedCallback, Error, VerifiedCallback};
use smilepayz_interop as interop;
use smilepayz_interop::VerifierSettings;
use std::sync::{Mutex, PoisonError};
use time::OffsetDateTime;

/// A callback whose signature verified; only `CallbackVerifier.verify` makes one.
#[pyclass(frozen, module = "smilepayz._native", name = "VerifiedCallback")]
pub(crate) struct NativeVerifiedCallback {
    pub(crate) inner: VerifiedCallback,
    /// The gateway's latest confirmation of it (`Client.confirm_callback`), kept here so
    /// a batch records what the gateway confirmed, not fields a caller could build.
    confirmed: Mutex<Option<ConfirmedCallback>>,
}

impl NativeVerifiedCallback {
    fn new(inner: VerifiedCallback) -> Self {
        Self { inner, confirmed: Mutex::new(None) }
    }

    /// Keeps the gateway's confirmation of this callback.
    pub(crate) fn remember(&self, confirmed: &ConfirmedCallback) {
        *self.confirmed.lock().unwrap_or_else(PoisonError::into_inner) = Some(confirmed.clone());
    }

    /// The gateway's confirmation, when `Client.confirm_callback` gave one.
    pub(crate) fn confirmed(&self) -> Option<ConfirmedCallback> {
        self.confirmed.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
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
    pub(crate) inner: CallbackVerifier,
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
    /// Loads each platform public key (PEM or bare base64 SPKI) once; `clock` (a Python
    /// callable) is the one setting that cannot cross as JSON.
    #[new]
    /// With `from_env`, the key comes from `SMILEPAYZ_PLATFORM_PUBLIC_KEY` instead.
    #[pyo3(signature = (settings, *, clock=None, on_event=None, from_env=false))]
    fn new(
        settings: &Bound<'_, PyAny>,
        clock: Option<Py<PyAny>>,
        on_event: Option<Py<PyAny>>,
        from_env: bool,
    ) -> PyResult<Self> {
        let settings = VerifierSettings::from_json(settings_to_json(settings)?).map_err(|e| to_py_err(&e))?;
        let built = if from_env { settings.verifier_from_env() } else { settings.verifier() };
        let mut inner = built.map_err(|e| to_py_err(&e))?;
        if let Some(clock) = clock {
            inner = inner.clock(python_clock(clock));
        }
        if let Some(sink) = on_event {
            inner = inner.on_event(python_listener(sink));
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
        verified.map(NativeVerifiedCallback::new).map_err(|e| to_py_err(&e))
    }

    fn __repr__(&self) -> String {
        format!("CallbackVerifier(keys={})", self.inner.keys().len())
    }
}
