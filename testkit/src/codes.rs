//! The `code` values the mock gateway answers with.
//!
//! Smilepayz publishes no table of codes beyond `00` (success), so every other value here
//! is the mock's own choice: seven digits shaped like the gateway's HTTP status followed by
//! a sequence number. They are stable across releases of this crate, so tests may match
//! on them; they say nothing about what the real gateway sends.

/// The request was accepted.
pub const SUCCESS: &str = "00";
/// The body broke a field rule, was not the expected JSON, or named another merchant
/// (HTTP 400); also a non-POST method (HTTP 405).
pub const INVALID_REQUEST: &str = "4000001";
/// `X-PARTNER-ID`, `X-TIMESTAMP` or `X-SIGNATURE` failed its check (HTTP 401).
pub const UNAUTHORIZED: &str = "4010001";
/// No endpoint at that path (HTTP 404).
pub const UNKNOWN_ENDPOINT: &str = "4040000";
/// A status inquiry named no order the mock holds (HTTP 200). Pass it to
/// `ClientBuilder::order_not_found_codes` so that `reconcile_payout` can conclude.
pub const ORDER_NOT_FOUND: &str = "4040001";
/// A balance inquiry named an account without a balance set (HTTP 200).
pub const ACCOUNT_NOT_FOUND: &str = "4040002";
/// A pay-out reused an `orderNo` the mock already holds; the order is unchanged (HTTP 200).
pub const DUPLICATE_ORDER: &str = "4090001";
