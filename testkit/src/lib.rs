//! A Smilepayz v2 gateway on `127.0.0.1`, for testing pay-out integrations without a
//! network or a sandbox account.
//!
//! [`MockGateway`] checks every request as the real gateway does — `X-PARTNER-ID`,
//! `X-TIMESTAMP` within five minutes, the RSA signature over `timestamp|secret|body`, and
//! every field rule of the region (the `smilepayz` crate's own rules) — refuses duplicate
//! order numbers, answers status and balance inquiries (in the real shape: no `orderNo`
//! in a status answer), sends signed callbacks, lets a test decide an order's status, and
//! plays on request the network faults ([`Fault`]) where the outcome of a pay-out is
//! unknown: answers spoilt after acceptance (delay, 5xx, dropped, malformed, redirected,
//! truncated, oversized), requests left unhandled (redirected, reset during upload), and
//! kept-alive connections closed under the next request.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use smilepayz::{Decimal, IndonesiaPayout, Status};
//! use smilepayz_testkit::{Endpoint, Fault, MockGateway};
//!
//! let gateway = MockGateway::start().await?;
//! let client = gateway.client_builder().build()?;
//! let payout = IndonesiaPayout::new("ORDER0001", "Payroll", Decimal::from(150_000), "BRI", "78120011629261665");
//! let accepted = client.payout(&payout.into()).await?;
//! assert_eq!(accepted.status, Some(Status::Processing));
//!
//! gateway.inject(Endpoint::Payout, Fault::DropAfterAccept);
//! let again = IndonesiaPayout::new("ORDER0002", "Payroll", Decimal::from(150_000), "BRI", "78120011629261665");
//! assert!(matches!(client.payout(&again.into()).await, Err(smilepayz::Error::OutcomeUnknown { .. })));
//! assert_eq!(gateway.payout_requests_for("ORDER0002"), 1);
//! assert_eq!(gateway.settle("ORDER0002", Status::Success).await?, None); // no callbackUrl
//! assert_eq!(gateway.order("ORDER0002").map(|o| o.status), Some(Status::Success));
//! # Ok(()) }
//! ```
//!
//! The `code`s the mock answers with are its own (Smilepayz publishes none but `00`):
//! see [`codes`].

mod admin;
mod auth;
mod callbacks;
pub mod codes;
mod config;
mod connection;
mod endpoints;
mod error;
mod faults;
mod gateway;
mod handler;
mod orders;
mod received;
mod server;
mod settings;
mod state;
mod wire;

pub use callbacks::{CallbackDelivery, CallbackPayload, SignedCallback, sign_callback};
pub use config::{DEFAULT_MERCHANT_ID, MockConfig};
pub use error::MockError;
pub use faults::{Endpoint, Fault, OVERSIZED_ANSWER_BYTES};
pub use gateway::MockGateway;
pub use orders::MockOrder;
pub use received::ReceivedRequest;
pub use settings::{FaultSettings, MockSettings, callback_timestamp_now, millis};
