//! A pay-out request read and validated by the core from the Python package's fields.

use crate::convert::request_to_json;
use crate::errors::to_py_err;
use crate::guard::{OnPanic, shield};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use smilepayz::{Case, Error, PayoutRequest};

/// A validated pay-out request; built only through the core's rules.
#[pyclass(frozen, module = "smilepayz._native", name = "PayoutRequest")]
pub(crate) struct NativePayoutRequest {
    pub(crate) inner: PayoutRequest,
}

#[pymethods]
impl NativePayoutRequest {
    /// Reads `fields` (a dict with `region` and the region's snake_case fields).
    #[new]
    fn new(fields: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value = request_to_json(fields)?;
        let inner =
            shield(&OnPanic::Internal, || PayoutRequest::from_json(value, Case::Snake).map_err(Error::Validation))
                .map_err(|e| to_py_err(&e))?;
        Ok(Self { inner })
    }

    /// `IDR`, `PEN`, `COP`, `BRL` or `USDT`.
    #[getter]
    fn region(&self) -> &'static str {
        self.inner.region().currency()
    }

    /// The merchant's order number.
    #[getter]
    fn order_no(&self) -> &str {
        self.inner.order_no()
    }

    /// The exact body bytes this request is sent (and signed) as for `merchant_id`.
    fn wire_body<'py>(&self, py: Python<'py>, merchant_id: &str) -> PyResult<Bound<'py, PyBytes>> {
        let prepared = shield(&OnPanic::Internal, || self.inner.prepare(merchant_id).map_err(Error::Validation))
            .map_err(|e| to_py_err(&e))?;
        Ok(PyBytes::new(py, prepared.body()))
    }

    fn __repr__(&self) -> String {
        format!("PayoutRequest(region={:?}, order_no={:?})", self.region(), self.order_no())
    }
}
