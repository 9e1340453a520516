//! Core errors as the exceptions of `smilepayz.errors`: the fields come from
//! `smilepayz_interop::error_fields`, the class from the Python package's own table.

use crate::convert::to_python;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use serde_json::Value;
use smilepayz::{Case, Error};
use smilepayz_batch::BatchError;
use smilepayz_interop::batch::batch_error_fields;
use smilepayz_interop::error_fields;

/// The `smilepayz.errors` exception for `error`.
pub(crate) fn to_py_err(error: &Error) -> PyErr {
    Python::attach(|py| from_fields(py, &error_fields(error, Case::Snake)))
}

/// The `smilepayz.errors` exception for a batch error (a client or setting error inside
/// it keeps the core's class).
pub(crate) fn batch_error(error: &BatchError) -> PyErr {
    Python::attach(|py| from_fields(py, &batch_error_fields(error, Case::Snake)))
}

/// The exception for an error's fields (`error_fields`, `batch_error_fields`).
pub(crate) fn from_fields(py: Python<'_>, fields: &Value) -> PyErr {
    build(py, fields).unwrap_or_else(|failed| failed)
}

fn build(py: Python<'_>, fields: &Value) -> Result<PyErr, PyErr> {
    let fields = to_python(py, fields)?;
    let exception = py.import("smilepayz.errors")?.getattr("_from_native")?.call1((fields,))?;
    Ok(PyErr::from_value(exception))
}

/// An error from the package's own machinery (runtime start-up), not from the SDK rules.
pub(crate) fn runtime_error(e: &std::io::Error) -> PyErr {
    PyRuntimeError::new_err(format!("smilepayz could not start its async runtime: {e}"))
}
