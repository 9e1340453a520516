//! The native module behind the `smilepayz` Python package (`smilepayz._native`). It
//! converts Python values to the core's types and the core's answers and errors back;
//! every rule lives in the `smilepayz` crate.

mod aio;
mod batch;
mod blocking;
mod callback;
mod cli;
mod client;
mod convert;
mod errors;
mod events;
mod guard;
mod handler;
mod request;
mod runtime;
mod signing;
mod testing;

use pyo3::prelude::*;

/// True when a status (as the gateway writes it) is final.
#[pyfunction]
fn status_is_final(status: &str) -> bool {
    smilepayz::Status::parse(status).is_final()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("EVENT_NAMES", smilepayz::events::Event::NAMES.to_vec())?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<request::NativePayoutRequest>()?;
    m.add_class::<callback::NativeCallbackVerifier>()?;
    m.add_class::<callback::NativeVerifiedCallback>()?;
    m.add_class::<handler::NativeCallbackHandler>()?;
    m.add_class::<testing::NativeMockGateway>()?;
    m.add_class::<batch::NativeBatch>()?;
    m.add_class::<batch::NativeBatchStop>()?;
    m.add_function(wrap_pyfunction!(status_is_final, m)?)?;
    m.add_function(wrap_pyfunction!(batch::redacted_journal, m)?)?;
    m.add_function(wrap_pyfunction!(cli::run_cli, m)?)?;
    m.add_class::<signing::NativeRequestSigner>()?;
    m.add_function(wrap_pyfunction!(signing::sign_request, m)?)?;
    m.add_function(wrap_pyfunction!(testing::sign_callback, m)?)?;
    m.add_function(wrap_pyfunction!(guard::panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(guard::panic_for_tests_async, m)?)?;
    Ok(())
}
