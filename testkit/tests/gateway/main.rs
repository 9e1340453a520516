//! The mock gateway exercised through the real `smilepayz` client and through raw HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin;
mod auth;
mod callbacks;
mod faults;
mod inquiries;
mod lifecycle;
mod network_faults;
mod payouts;
mod support;
