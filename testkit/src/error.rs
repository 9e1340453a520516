//! The one error type of the mock gateway.

use smilepayz::KeyError;

/// What can go wrong while running the mock gateway.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The listening socket could not be opened on `127.0.0.1`.
    #[error("could not listen on 127.0.0.1: {0}")]
    Bind(#[source] std::io::Error),
    /// A key pair could not be generated.
    #[error("could not generate an RSA key: {0}")]
    Key(#[from] KeyError),
    /// A setting of [`MockConfig`](crate::MockConfig) is unusable.
    #[error("invalid mock gateway configuration: {0}")]
    Config(String),
    /// No order with that `orderNo` was ever accepted.
    #[error("the mock gateway holds no order {0:?}")]
    UnknownOrder(String),
    /// The callback could not be delivered (refused, timed out, unreadable answer). The
    /// order's status changed all the same.
    #[error("callback delivery to {url} failed: {reason}")]
    CallbackDelivery {
        /// The order's `callbackUrl`.
        url: String,
        /// What went wrong.
        reason: String,
    },
}
