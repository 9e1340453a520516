//! Pay-outs through the Smilepayz v2 gateway: typed and validated requests for Indonesia
//! (IDR), Peru (PEN), Colombia (COP), Brazil (BRL, PIX) and USDT (TRC20/BEP20); RSA
//! request signing over the exact bytes sent; retries that never send a pay-out twice;
//! status and balance inquiries; and callback verification with confirmation.
//!
//! ```no_run
//! # async fn run() -> Result<(), smilepayz::Error> {
//! use smilepayz::{Client, Environment, IndonesiaPayout};
//! use rust_decimal::Decimal;
//!
//! let client = Client::builder()
//!     .merchant_id("sandbox-20019")
//!     .merchant_secret("…")
//!     .private_key("-----BEGIN PRIVATE KEY-----\n…")
//!     .environment(Environment::Sandbox)
//!     .build()?;
//! let payout = IndonesiaPayout::new("ORDER0001", "Payroll", Decimal::from(150_000), "BRI", "78120011629261665");
//! match client.payout(&payout.into()).await {
//!     Ok(accepted) => println!("accepted as {:?}", accepted.trade_no),
//!     Err(smilepayz::Error::OutcomeUnknown { order_no, .. }) => {
//!         // Never resend: ask the gateway what happened.
//!         let state = client.reconcile_payout(order_no.as_str()).await?;
//!         println!("{state:?}");
//!     }
//!     Err(other) => return Err(other),
//! }
//! # Ok(()) }
//! ```

pub mod callback;
pub mod client;
#[cfg(feature = "describe")]
pub mod describe;
mod described;
pub mod error;
pub mod events;
pub mod models;
mod secret;
pub mod signing;
pub mod transport;
pub mod validation;

pub use callback::{
    CallbackMismatch, CallbackVerifier, ConfirmedCallback, SignatureError, StaleCallback, VerifiedCallback,
};
#[cfg(feature = "blocking")]
pub use client::blocking::BlockingClient;
pub use client::{CancelToken, Client, ClientBuilder, Environment, ProxySetting, Reconciliation, StatusQuery};
pub use error::{ApiError, Error, ProtocolError, UnknownCause};
pub use models::*;
pub use rust_decimal::Decimal;
pub use secret::Secret;
pub use signing::{KeyError, MerchantKey, PlatformKey, SigningKey, VerifyingKey};
pub use transport::RetryPolicy;
pub use validation::{Case, FieldPath, Rule, ValidationError, Violation};
