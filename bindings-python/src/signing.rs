//! Request signing with a key parsed once, for callers that build their own requests
//! (and for measuring the SDK's signing against other libraries).

use crate::errors::to_py_err;
use pyo3::prelude::*;
use smilepayz::{Error, MerchantKey};

/// The merchant private key, parsed once; signs `timestamp|secret|body`.
#[pyclass(frozen, module = "smilepayz._native", name = "RequestSigner")]
pub(crate) struct NativeRequestSigner {
    key: MerchantKey,
}

#[pymethods]
impl NativeRequestSigner {
    /// Loads a private key (PEM or bare base64 DER, PKCS#8 or PKCS#1).
    #[new]
    fn new(private_key: &str) -> PyResult<Self> {
        MerchantKey::from_text(private_key)
            .map(|key| Self { key })
            .map_err(|e| to_py_err(&Error::Config { message: format!("private_key: {e}"), key_error: Some(e) }))
    }

    /// `X-SIGNATURE` for `body` sent at `timestamp`; the interpreter lock is released.
    fn sign(&self, py: Python<'_>, timestamp: &str, merchant_secret: &str, body: &[u8]) -> String {
        py.detach(|| smilepayz::signing::sign_request(&self.key, timestamp, merchant_secret, body))
    }

    fn __repr__(&self) -> String {
        format!("RequestSigner(bits={})", self.key.bits())
    }
}

/// The signature (base64) the gateway expects for `body` sent at `timestamp`.
#[pyfunction]
pub(crate) fn sign_request(
    py: Python<'_>,
    private_key: &str,
    timestamp: &str,
    merchant_secret: &str,
    body: &[u8],
) -> PyResult<String> {
    Ok(NativeRequestSigner::new(private_key)?.sign(py, timestamp, merchant_secret, body))
}
