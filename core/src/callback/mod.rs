//! Callback (notification) verification: a pure function over header values and the raw
//! body. Only `tradeNo|X-TIMESTAMP` is signed, so a verified callback is *unconfirmed*:
//! its status and money are claims until `Client::confirm_callback` checks them against
//! the gateway's own inquiry answer.

mod headers;
mod verifier;

pub use headers::CallbackHeaders;
pub use verifier::{CallbackVerifier, DEFAULT_MAX_BODY_BYTES, VerifiedCallback};

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

/// A verified callback that disagrees with the gateway's inquiry answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("callback {field} is {callback_value:?} but the gateway says {gateway_value:?}")]
pub struct CallbackMismatch {
    /// `status`, `money` or `orderNo`.
    pub field: &'static str,
    /// What the callback claimed.
    pub callback_value: String,
    /// What the gateway answered.
    pub gateway_value: String,
}

/// A callback whose claims the gateway confirmed through a status inquiry.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmedCallback {
    /// The callback as received.
    pub callback: CallbackNotification,
    /// The gateway's inquiry answer, the authoritative state.
    pub inquiry: StatusResponse,
}

impl ConfirmedCallback {
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

/// Compares a callback's claims with the gateway's answer for its tradeNo.
pub(crate) fn compare(callback: &CallbackNotification, inquiry: &StatusResponse) -> Result<(), CallbackMismatch> {
    let show = |s: Option<&Status>| s.map_or_else(|| "(none)".to_owned(), |s| s.as_str().to_owned());
    if callback.status != inquiry.status {
        return Err(CallbackMismatch {
            field: "status",
            callback_value: show(callback.status.as_ref()),
            gateway_value: show(inquiry.status.as_ref()),
        });
    }
    let money = |m: Option<&Money>| m.map_or_else(|| "(none)".to_owned(), |m| format!("{} {}", m.currency, m.amount));
    let same_money = match (&callback.money, &inquiry.money) {
        (Some(a), Some(b)) => a.currency == b.currency && a.amount == b.amount,
        (None, None) => true,
        _ => false,
    };
    if !same_money {
        return Err(CallbackMismatch {
            field: "money",
            callback_value: money(callback.money.as_ref()),
            gateway_value: money(inquiry.money.as_ref()),
        });
    }
    if let (Some(a), Some(b)) = (&callback.order_no, &inquiry.order_no) {
        if a != b {
            return Err(CallbackMismatch { field: "orderNo", callback_value: a.clone(), gateway_value: b.clone() });
        }
    }
    Ok(())
}
