//! The native addon behind the `smilepayz` Node package: a private module (`native.js`)
//! that converts JavaScript values to the core's types, calls the core and hands back
//! plain JSON. Every rule, field name and error detail comes from the `smilepayz` crate;
//! the hand-written JavaScript layer only picks the error class and wraps handles.

pub mod batch;
pub mod callback;
pub mod cli;
pub mod client;
pub mod convert;
pub mod errors;
pub mod events;
pub mod handler;
pub mod panics;
pub mod signing;
pub mod testing;

use napi_derive::napi;

/// True once an order with this status can no longer change (the core's rule; an
/// unknown status is never final).
#[napi(catch_unwind)]
pub fn is_final(status: String) -> bool {
    smilepayz::Status::parse(&status).is_final()
}

/// The body a callback handler answers with once it has processed a callback.
#[napi(catch_unwind)]
pub fn callback_acknowledgement() -> String {
    smilepayz::callback::ACKNOWLEDGEMENT.to_owned()
}

/// The version of the Rust core this addon was built from.
#[napi(catch_unwind)]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// `debug` or `release`: how this addon was compiled (benchmarks print it).
#[napi(catch_unwind)]
pub fn build_profile() -> String {
    if cfg!(debug_assertions) { "debug" } else { "release" }.to_owned()
}
