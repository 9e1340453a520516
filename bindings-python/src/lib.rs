//! The native module behind the `smilepayz` Python package.
use pyo3::prelude::*;

#[pymodule]
mod _native {}
