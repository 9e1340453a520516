//! The one error type of the SDK. Each variant names the Python exception and the Node
//! class it becomes, and none carries a secret or key material.

use crate::callback::{CallbackMismatch, SignatureError, StaleCallback};
use crate::models::OrderNo;
use crate::signing::KeyError;
use crate::validation::ValidationError;
use std::fmt;

/// Everything that can go wrong, by what the caller should do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks a rule; nothing was sent. Python `ValidationError`, Node
    /// `ValidationError` (`SMILEPAYZ_VALIDATION`).
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// A setting is missing or wrong (key, URL, merchant id). Python/Node `ConfigError`
    /// (`SMILEPAYZ_CONFIG`).
    #[error("configuration error: {message}")]
    Config {
        /// Every problem found, joined by `; `.
        message: String,
        /// The key mistake, when a key is one of the problems.
        key_error: Option<KeyError>,
    },
    /// The gateway answered with a `code` other than `00`. Python/Node `ApiError`
    /// (`SMILEPAYZ_API`).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A pay-out may or may not have been accepted: do not send it again, call
    /// `reconcile_payout`. Python/Node `OutcomeUnknownError` (`SMILEPAYZ_OUTCOME_UNKNOWN`).
    #[error("the outcome of pay-out {order_no} is unknown ({cause}); do not resend it: reconcile it by order number")]
    OutcomeUnknown {
        /// The order that may have been accepted.
        order_no: OrderNo,
        /// What happened.
        cause: UnknownCause,
    },
    /// Nothing reached the gateway, or a read got no answer; safe to try again.
    /// Python/Node `TransportError` (`SMILEPAYZ_TRANSPORT`).
    #[error("transport error: {0}")]
    Transport(String),
    /// An inquiry's answer was not the documented JSON (after retries). Python/Node
    /// `ProtocolError` (`SMILEPAYZ_PROTOCOL`).
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// A callback failed verification. Python/Node `SignatureError` (`SMILEPAYZ_SIGNATURE`).
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// A verified callback disagrees with the gateway's own answer. Python/Node
    /// `CallbackMismatchError` (`SMILEPAYZ_CALLBACK_MISMATCH`).
    #[error(transparent)]
    CallbackMismatch(#[from] CallbackMismatch),
    /// A genuine callback announced a status the gateway has since moved past (e.g.
    /// PROCESSING announced, SUCCESS by the time it was confirmed): not forged, just old.
    /// Book the gateway's status it carries and acknowledge the callback. Python/Node
    /// `StaleCallbackError` (`SMILEPAYZ_STALE_CALLBACK`).
    #[error(transparent)]
    StaleCallback(#[from] Box<StaleCallback>),
    /// A bug in the SDK (a caught panic), reported instead of crashing the host process.
    /// A pay-out that may have left is reported as `OutcomeUnknown` instead. Python/Node
    /// `InternalError` (`SMILEPAYZ_INTERNAL`).
    #[error("internal error in the SDK (please report it): {0}")]
    Internal(String),
    /// The caller stopped the call (a `CancelToken`: Node's `AbortSignal`, Python's
    /// Ctrl-C) while nothing of it could have reached the gateway. A pay-out stopped after
    /// it may have left is `OutcomeUnknown` with cause `aborted` instead. Python/Node
    /// `AbortedError` (`SMILEPAYZ_ABORTED`).
    #[error("aborted: {0}")]
    Aborted(String),
}

impl Error {
    /// A configuration error that is not about a key.
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config { message: message.into(), key_error: None }
    }

    /// A configuration error caused by a key that does not load.
    pub(crate) fn key(context: &str, error: KeyError) -> Self {
        Error::Config { message: format!("{context}: {error}"), key_error: Some(error) }
    }

    /// A stable name for the kind of error, e.g. `"validation"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation",
            Error::Config { .. } => "config",
            Error::Api(_) => "api",
            Error::OutcomeUnknown { .. } => "outcome_unknown",
            Error::Transport(_) => "transport",
            Error::Protocol(_) => "protocol",
            Error::Signature(_) => "signature",
            Error::CallbackMismatch(_) => "callback_mismatch",
            Error::StaleCallback(_) => "stale_callback",
            Error::Internal(_) => "internal",
            Error::Aborted(_) => "aborted",
        }
    }

    /// The stable Node `code` string, e.g. `"SMILEPAYZ_VALIDATION"`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "SMILEPAYZ_VALIDATION",
            Error::Config { .. } => "SMILEPAYZ_CONFIG",
            Error::Api(_) => "SMILEPAYZ_API",
            Error::OutcomeUnknown { .. } => "SMILEPAYZ_OUTCOME_UNKNOWN",
            Error::Transport(_) => "SMILEPAYZ_TRANSPORT",
            Error::Protocol(_) => "SMILEPAYZ_PROTOCOL",
            Error::Signature(_) => "SMILEPAYZ_SIGNATURE",
            Error::CallbackMismatch(_) => "SMILEPAYZ_CALLBACK_MISMATCH",
            Error::StaleCallback(_) => "SMILEPAYZ_STALE_CALLBACK",
            Error::Internal(_) => "SMILEPAYZ_INTERNAL",
            Error::Aborted(_) => "SMILEPAYZ_ABORTED",
        }
    }
}

/// The gateway refused a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the gateway refused the request: code {code}: {message} (HTTP {http_status})")]
pub struct ApiError {
    /// The gateway's `code` (no public table exists; kept as sent).
    pub code: String,
    /// The gateway's `message`.
    pub message: String,
    /// The HTTP status.
    pub http_status: u16,
    /// The body as received.
    pub raw_body: String,
}

/// An answer that is not the documented JSON.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unreadable answer from the gateway (HTTP {http_status}): {detail}; body starts: {body_excerpt:?}")]
pub struct ProtocolError {
    /// The HTTP status.
    pub http_status: u16,
    /// What is wrong with it.
    pub detail: String,
    /// The first bytes of the body, as text.
    pub body_excerpt: String,
}

/// Why a pay-out's outcome is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnknownCause {
    /// No answer within the timeout after the request was sent.
    Timeout,
    /// The connection broke after the request was sent.
    ConnectionLost(String),
    /// The gateway answered with a 5xx status.
    ServerError {
        /// The HTTP status.
        http_status: u16,
        /// The first bytes of the body.
        body_excerpt: String,
    },
    /// The answer could not be read.
    Unreadable(ProtocolError),
    /// The gateway answered about another order.
    WrongOrder {
        /// The order number in the answer.
        answered: String,
    },
    /// The gateway answered with a redirect. Redirects are never followed: following one
    /// would send the signed pay-out a second time, possibly to another host.
    Redirect {
        /// The HTTP status (301, 302, 303, 307, 308…).
        http_status: u16,
        /// The `Location` header, when there was one.
        location: Option<String>,
    },
    /// The SDK failed internally (a caught panic) after the pay-out may have left.
    Internal(String),
    /// The caller stopped waiting (a `CancelToken`) after the pay-out may have left.
    Aborted,
}

impl UnknownCause {
    /// A stable name for the cause, e.g. `"timeout"`.
    pub fn kind(&self) -> &'static str {
        match self {
            UnknownCause::Timeout => "timeout",
            UnknownCause::ConnectionLost(_) => "connection_lost",
            UnknownCause::ServerError { .. } => "server_error",
            UnknownCause::Unreadable(_) => "unreadable",
            UnknownCause::WrongOrder { .. } => "wrong_order",
            UnknownCause::Redirect { .. } => "redirect",
            UnknownCause::Internal(_) => "internal",
            UnknownCause::Aborted => "aborted",
        }
    }
}

impl fmt::Display for UnknownCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnknownCause::Timeout => f.write_str("no answer before the timeout"),
            UnknownCause::ConnectionLost(why) => write!(f, "connection lost after sending: {why}"),
            UnknownCause::ServerError { http_status, .. } => write!(f, "gateway error HTTP {http_status}"),
            UnknownCause::Unreadable(p) => write!(f, "{p}"),
            UnknownCause::WrongOrder { answered } => write!(f, "the answer is about order {answered:?}"),
            UnknownCause::Redirect { http_status, location: Some(to) } => {
                write!(f, "the gateway answered HTTP {http_status} redirecting to {to:?} (not followed)")
            }
            UnknownCause::Redirect { http_status, location: None } => {
                write!(f, "the gateway answered HTTP {http_status}, a redirect (not followed)")
            }
            UnknownCause::Internal(why) => write!(f, "internal error in the SDK after sending: {why}"),
            UnknownCause::Aborted => f.write_str("the call was cancelled after the pay-out may have left"),
        }
    }
}

/// At most this many characters of a body go into an error.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// The start of a body, as text, for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(EXCERPT_CHARS).collect()
}
