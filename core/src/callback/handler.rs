//! A framework-agnostic callback endpoint: raw headers and raw body in, an HTTP answer
//! out. It verifies the signature, confirms the claims with the gateway, hands each
//! confirmed callback to the merchant's function once, and acknowledges (`200 SUCCESS`)
//! only after that function succeeded, so Smilepayz sends again whatever was not booked.
//!
//! The handler keeps no state: a callback Smilepayz sends twice reaches the merchant's
//! function twice. Bookings must therefore be idempotent on [`Delivery::idempotency_key`]
//! (`tradeNo` + booked status), e.g. a unique index in the merchant's database, which
//! unlike an in-process "seen" set survives restarts and is shared by every worker.

use super::{ConfirmedCallback, StaleCallback};
use crate::client::Client;
use crate::error::Error;
use crate::models::{CallbackNotification, Money, Status, StatusResponse};
use crate::{CallbackVerifier, VerifiedCallback};
use std::fmt;
use std::future::Future;

/// What a callback endpoint writes back: status, body and `Content-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandlerResponse {
    /// HTTP status.
    pub status: u16,
    /// Response body.
    pub body: &'static str,
    /// `Content-Type` of the body.
    pub content_type: &'static str,
}

const TEXT: &str = "text/plain; charset=utf-8";

impl HandlerResponse {
    /// `200 SUCCESS`: booked; Smilepayz stops sending this callback.
    pub const ACKNOWLEDGED: Self = Self { status: 200, body: super::ACKNOWLEDGEMENT, content_type: TEXT };
    /// `401`: not from Smilepayz or not about the order it names; never booked.
    pub const REFUSED: Self = Self { status: 401, body: "callback refused", content_type: TEXT };
    /// `503`: could not be confirmed or booked now; Smilepayz sends it again later.
    pub const SEND_AGAIN: Self =
        Self { status: 503, body: "callback not processed, send it again", content_type: TEXT };

    /// The answer once the merchant's function has run: acknowledged only if it succeeded.
    pub fn after_booking(booked: bool) -> Self {
        if booked { Self::ACKNOWLEDGED } else { Self::SEND_AGAIN }
    }

    /// The answer for an error of verification or confirmation: a forged, altered or
    /// misdirected callback is refused; anything else (gateway unreachable, unreadable
    /// answer, gateway error) may be genuine, so Smilepayz is asked to send it again.
    pub fn for_error(error: &Error) -> Self {
        match error {
            Error::Signature(_) | Error::CallbackMismatch(_) => Self::REFUSED,
            _ => Self::SEND_AGAIN,
        }
    }
}

/// A confirmed callback, as the merchant's function receives it.
///
/// `status` is the status to book: the gateway's, which equals the announced one for an
/// ordinary callback. For a stale callback (`stale == true`: the gateway has moved past
/// the announced non-final status, e.g. PROCESSING announced, SUCCESS by the time it was
/// confirmed) it is the gateway's newer status and `announced_status` is the old one.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// The merchant's order number (confirmed).
    pub order_no: String,
    /// The gateway's trade number (signed).
    pub trade_no: String,
    /// The status to book: the gateway's current one.
    pub status: Status,
    /// The status the callback announced.
    pub announced_status: Status,
    /// True when the gateway had moved past the announced status.
    pub stale: bool,
    /// The confirmed amount.
    pub money: Option<Money>,
    /// The callback as received (only `tradeNo`, `orderNo`, status and money are vouched for).
    pub callback: CallbackNotification,
    /// The gateway's inquiry answer.
    pub inquiry: StatusResponse,
}

impl Delivery {
    /// `tradeNo:status`, the key a booking must be idempotent on.
    pub fn idempotency_key(&self) -> String {
        format!("{}:{}", self.trade_no, self.status)
    }

    fn new(callback: CallbackNotification, inquiry: StatusResponse, stale: bool) -> Result<Self, Error> {
        // Confirmation compared both statuses, so both exist; say so rather than panic.
        let (Some(announced_status), Some(status)) = (callback.status.clone(), inquiry.status.clone()) else {
            return Err(Error::Internal("a confirmed callback without a status".to_owned()));
        };
        Ok(Self {
            order_no: callback.order_no.clone().unwrap_or_default(),
            trade_no: callback.trade_no.clone(),
            status,
            announced_status,
            stale,
            money: inquiry.money.clone(),
            callback,
            inquiry,
        })
    }

    /// The delivery for what `Client::confirm_callback` answered: confirmed or stale
    /// callbacks are delivered, any other error is not.
    pub fn from_confirmation(outcome: Result<ConfirmedCallback, Error>) -> Result<Self, Error> {
        match outcome {
            Ok(ConfirmedCallback { callback, inquiry }) => Self::new(callback, inquiry, false),
            Err(Error::StaleCallback(stale)) => {
                let StaleCallback { callback, inquiry } = *stale;
                Self::new(callback, inquiry, true)
            }
            Err(e) => Err(e),
        }
    }
}

/// Why a callback was not delivered, and what to answer.
#[derive(Debug)]
pub struct NotDelivered {
    /// What the endpoint answers.
    pub response: HandlerResponse,
    /// The check or call that failed (no secret in it).
    pub error: Error,
}

impl From<Error> for NotDelivered {
    fn from(error: Error) -> Self {
        Self { response: HandlerResponse::for_error(&error), error }
    }
}

/// Verifies, confirms and delivers callbacks; build once, share across requests.
///
/// ```no_run
/// # async fn run(client: smilepayz::Client, verifier: smilepayz::CallbackVerifier,
/// #              headers: http::HeaderMap, body: Vec<u8>) {
/// use smilepayz::callback::{CallbackHandler, Delivery};
///
/// let handler = CallbackHandler::new(client, verifier);
/// let pairs = headers.iter().map(|(name, value)| (name.as_str(), value.as_bytes()));
/// let answer = handler
///     .handle(pairs, &body, |delivery: Delivery| async move {
///         // Book delivery.status under delivery.order_no, at most once per key.
///         println!("{} -> {}", delivery.idempotency_key(), delivery.status);
///         Ok::<(), std::io::Error>(())
///     })
///     .await;
/// // Write back answer.status, answer.content_type and answer.body.
/// # let _ = answer;
/// # }
/// ```
#[derive(Clone)]
pub struct CallbackHandler {
    client: Client,
    verifier: CallbackVerifier,
}

impl fmt::Debug for CallbackHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackHandler").field("verifier", &self.verifier).finish_non_exhaustive()
    }
}

impl CallbackHandler {
    /// A handler confirming with `client` the callbacks `verifier` accepts.
    pub fn new(client: Client, verifier: CallbackVerifier) -> Self {
        Self { client, verifier }
    }

    /// Verifies and confirms one callback; `Ok` is a delivery for the merchant's function.
    pub async fn receive<I, K, V>(&self, headers: I, body: &[u8]) -> Result<Delivery, NotDelivered>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let verified: VerifiedCallback = self.verifier.verify(headers, body).map_err(Error::Signature)?;
        Ok(Delivery::from_confirmation(self.client.confirm_callback(&verified).await)?)
    }

    /// Handles one callback request: `on_callback` runs once if the callback is
    /// confirmed; the answer is `200 SUCCESS` only after it returned `Ok`.
    pub async fn handle<I, K, V, F, Fut, E>(&self, headers: I, body: &[u8], on_callback: F) -> HandlerResponse
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
        F: FnOnce(Delivery) -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        match self.receive(headers, body).await {
            Ok(delivery) => HandlerResponse::after_booking(on_callback(delivery).await.is_ok()),
            Err(not_delivered) => not_delivered.response,
        }
    }
}
