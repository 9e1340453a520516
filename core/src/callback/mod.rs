//! Callback (notification) verification: a pure function over header values and the raw
//! body. Only `tradeNo|X-TIMESTAMP` is signed, so a verified callback is *unconfirmed*:
//! its status and money are claims until `Client::confirm_callback` checks them against
//! the gateway's own inquiry answer.

mod handler;
mod headers;
mod verifier;

pub use handler::{CallbackHandler, Delivery, HandlerResponse, NotDelivered};
pub use headers::CallbackHeaders;
pub use verifier::{CallbackVerifier, DEFAULT_MAX_BODY_BYTES, VerifiedCallback};

use crate::error::Error;
use crate::models::{CallbackNotification, Money, Status, StatusResponse};

/// The body a callback handler answers with once it has processed the callback.
pub const ACKNOWLEDGEMENT: &str = "SUCCESS";

/// The HTTP status and body that acknowledge a callback: `200` and `SUCCESS`.
pub fn acknowledgement() -> (u16, &'static str) {
    (200, ACKNOWLEDGEMENT)
}

/// Which check a callback failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// A required header is absent.
    #[error("callback header {0} is missing")]
    MissingHeader(&'static str),
    /// A header appears more than once.
    #[error("callback header {0} appears more than once")]
    DuplicateHeader(&'static str),
    /// A header value is not text.
    #[error("callback header {0} is not valid text")]
    HeaderNotText(&'static str),
    /// The body is larger than the verifier accepts.
    #[error("callback body is {size} bytes, more than the {max} accepted")]
    BodyTooLarge {
        /// Body size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The body is not a JSON callback (empty, not UTF-8, duplicate keys, wrong types…).
    #[error("callback body is unreadable: {0}")]
    UnparseableBody(String),
    /// The body has no (or an empty) `tradeNo`, the signed field.
    #[error("callback body has no tradeNo")]
    MissingTradeNo,
    /// `X-SIGNATURE` is not base64.
    #[error("X-SIGNATURE is not base64")]
    BadBase64,
    /// No configured platform key verifies the signature.
    #[error("callback signature does not verify against any configured platform key")]
    BadSignature,
    /// `X-TIMESTAMP` is not `yyyy-MM-ddTHH:mm:ss±HH:mm` (checked only with a maximum age).
    #[error("X-TIMESTAMP is not yyyy-MM-ddTHH:mm:ss±HH:mm")]
    BadTimestamp,
    /// Older than the configured maximum age.
    #[error("callback is {age_secs} s old, older than the {max_secs} s allowed")]
    TooOld {
        /// Age in seconds.
        age_secs: i64,
        /// The limit in seconds.
        max_secs: i64,
    },
    /// Dated further in the future than the allowed clock skew.
    #[error("callback is dated {ahead_secs} s in the future")]
    FromTheFuture {
        /// Seconds ahead of this machine's clock.
        ahead_secs: i64,
    },
}

impl SignatureError {
    /// A stable name for the failed check, e.g. `"bad_signature"`.
    pub fn kind(&self) -> &'static str {
        match self {
            SignatureError::MissingHeader(_) => "missing_header",
            SignatureError::DuplicateHeader(_) => "duplicate_header",
            SignatureError::HeaderNotText(_) => "header_not_text",
            SignatureError::BodyTooLarge { .. } => "body_too_large",
            SignatureError::UnparseableBody(_) => "unparseable_body",
            SignatureError::MissingTradeNo => "missing_trade_no",
            SignatureError::BadBase64 => "bad_base64",
            SignatureError::BadSignature => "bad_signature",
            SignatureError::BadTimestamp => "bad_timestamp",
            SignatureError::TooOld { .. } => "too_old",
            SignatureError::FromTheFuture { .. } => "from_the_future",
        }
    }
}

/// A verified callback that disagrees with the gateway's inquiry answer: forged or
/// altered (only `tradeNo` is signed), or about another order. Refuse it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("callback {field} is {callback_value:?} but the gateway says {gateway_value:?}")]
pub struct CallbackMismatch {
    /// `orderNo`, `tradeNo`, `status` or `money`.
    pub field: &'static str,
    /// What the callback claimed (`(none)` when it claimed nothing).
    pub callback_value: String,
    /// What the gateway answered (`(none)` when it answered nothing).
    pub gateway_value: String,
}

/// A genuine callback whose announced status the gateway has since moved past, e.g.
/// PROCESSING announced and SUCCESS by the time it was confirmed. Its order, trade and
/// money were confirmed; only its status is old. Book [`gateway_status`](Self::gateway_status)
/// from [`inquiry`](Self::inquiry) and acknowledge the callback, or Smilepayz resends it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "callback for order {order_no:?} (trade {trade_no:?}) announced {announced:?} but the gateway now says {current:?}: \
     book the gateway's status",
    order_no = self.callback.order_no.as_deref().unwrap_or_default(),
    trade_no = self.callback.trade_no,
    announced = show_status(self.callback.status.as_ref()),
    current = show_status(self.inquiry.status.as_ref()),
)]
pub struct StaleCallback {
    /// The callback as received.
    pub callback: CallbackNotification,
    /// The gateway's inquiry answer, the authoritative state.
    pub inquiry: StatusResponse,
}

impl StaleCallback {
    /// The status the callback announced.
    pub fn announced_status(&self) -> Option<&Status> {
        self.callback.status.as_ref()
    }

    /// The gateway's current status, the one to book.
    pub fn gateway_status(&self) -> Option<&Status> {
        self.inquiry.status.as_ref()
    }
}

/// A callback whose claims the gateway confirmed through a status inquiry by its
/// `orderNo`. It vouches for exactly four fields: `tradeNo` (signed by Smilepayz),
/// `orderNo` (asked for, and the gateway answered with the same `tradeNo`), `status` and
/// `money` (both equal to the gateway's answer). Nothing else in the body is vouched for
/// (`merchantId`, `paymentMethod`, `transactionTime`, …).
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmedCallback {
    /// The callback as received.
    pub callback: CallbackNotification,
    /// The gateway's inquiry answer, the authoritative state.
    pub inquiry: StatusResponse,
}

impl ConfirmedCallback {
    /// The confirmed order number.
    pub fn order_no(&self) -> &str {
        self.callback.order_no.as_deref().unwrap_or_default()
    }

    /// The confirmed trade number.
    pub fn trade_no(&self) -> &str {
        &self.callback.trade_no
    }

    /// The confirmed status.
    pub fn status(&self) -> Option<&Status> {
        self.inquiry.status.as_ref()
    }

    /// The confirmed amount.
    pub fn money(&self) -> Option<&Money> {
        self.inquiry.money.as_ref()
    }

    /// True when the confirmed status is final.
    pub fn is_final(&self) -> bool {
        self.inquiry.is_final()
    }
}

fn show_status(status: Option<&Status>) -> String {
    status.map_or_else(|| "(none)".to_owned(), |s| s.as_str().to_owned())
}

fn show_money(money: Option<&Money>) -> String {
    money.map_or_else(|| "(none)".to_owned(), |m| format!("{} {}", m.currency, m.amount))
}

/// The callback's order number, the one it is confirmed by; a callback without one
/// cannot be tied to an order.
pub(crate) fn order_to_confirm(callback: &CallbackNotification) -> Result<&str, CallbackMismatch> {
    match callback.order_no.as_deref() {
        Some(order_no) if !order_no.is_empty() => Ok(order_no),
        _ => Err(CallbackMismatch {
            field: "orderNo",
            callback_value: "(none)".to_owned(),
            gateway_value: "(not asked: a callback is confirmed by its orderNo)".to_owned(),
        }),
    }
}

/// How far an order has come: statuses only move forward, so a callback may be behind
/// the gateway (stale) but never ahead of it. `None` for statuses Smilepayz does not
/// document, which cannot be ordered.
fn progress(status: &Status) -> Option<u8> {
    match status {
        Status::Init => Some(0),
        Status::Processing | Status::Review => Some(1),
        s if s.is_final() => Some(2),
        _ => None,
    }
}

/// Judges a callback against the gateway's answer for the callback's `orderNo`: the
/// answer must carry the signed `tradeNo`, the same money and the same status. A status
/// the gateway has since moved past makes the callback stale; anything else that is
/// missing or different is a mismatch.
pub(crate) fn confirm(callback: &CallbackNotification, inquiry: StatusResponse) -> Result<ConfirmedCallback, Error> {
    if inquiry.trade_no.as_deref() != Some(callback.trade_no.as_str()) {
        return Err(CallbackMismatch {
            field: "tradeNo",
            callback_value: callback.trade_no.clone(),
            gateway_value: inquiry.trade_no.clone().unwrap_or_else(|| "(none)".to_owned()),
        }
        .into());
    }
    let same_money = match (&callback.money, &inquiry.money) {
        (Some(a), Some(b)) => a.currency == b.currency && a.amount == b.amount,
        _ => false,
    };
    if !same_money {
        return Err(CallbackMismatch {
            field: "money",
            callback_value: show_money(callback.money.as_ref()),
            gateway_value: show_money(inquiry.money.as_ref()),
        }
        .into());
    }
    match (&callback.status, &inquiry.status) {
        (Some(announced), Some(current)) if announced == current => {
            Ok(ConfirmedCallback { callback: callback.clone(), inquiry })
        }
        (Some(announced), Some(current))
            if !announced.is_final()
                && progress(announced).zip(progress(current)).is_some_and(|(then, now)| now >= then) =>
        {
            Err(Error::StaleCallback(Box::new(StaleCallback { callback: callback.clone(), inquiry })))
        }
        (announced, current) => Err(CallbackMismatch {
            field: "status",
            callback_value: show_status(announced.as_ref()),
            gateway_value: show_status(current.as_ref()),
        }
        .into()),
    }
}
