//! The log of every HTTP request the mock gateway received, and what it answered.

use crate::faults::Fault;
use std::sync::{Mutex, PoisonError};

/// One request as received, with the answer the mock decided on.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The path, e.g. `/v2.0/disbursement/pay-out`.
    pub path: String,
    /// Every header as sent (names lowercase; values not text are shown lossily).
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// The HTTP status of the answer the request earned. With a fault other than
    /// [`Fault::Delay`] the client received something else (or nothing). For a request
    /// left unhandled: the redirect status of [`Fault::RedirectBeforeAccept`], 0 after
    /// [`Fault::ResetDuringUpload`].
    pub http_status: u16,
    /// The `code` of that answer (see [`codes`](crate::codes)); empty when unhandled.
    pub code: String,
    /// The fault applied to this request, if one was queued.
    pub fault: Option<Fault>,
    /// False when a fault stopped the request before the gateway read it
    /// ([`Fault::RedirectBeforeAccept`], [`Fault::ResetDuringUpload`]): no order was
    /// created and `payout_requests_for` did not count it. The body is empty when it was
    /// never read.
    pub handled: bool,
}

impl ReceivedRequest {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The request as JSON with keys in `case`, as the Python and Node test helpers show
    /// it: headers as `[name, value]` pairs, the body as (lossy) text.
    pub fn to_json(&self, case: smilepayz::Case) -> serde_json::Value {
        smilepayz::validation::recase(
            serde_json::json!({
                "method": self.method, "path": self.path,
                "headers": self.headers.iter().map(|(k, v)| [k, v]).collect::<Vec<_>>(),
                "body": String::from_utf8_lossy(&self.body), "httpStatus": self.http_status, "code": self.code,
                "fault": self.fault.as_ref().map(|f| format!("{f:?}")), "handled": self.handled,
            }),
            case,
        )
    }
}

/// Every request, in arrival order.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    requests: Mutex<Vec<ReceivedRequest>>,
}

impl RequestLog {
    pub(crate) fn push(&self, request: ReceivedRequest) {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).push(request);
    }

    pub(crate) fn clear(&self) {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    pub(crate) fn all(&self) -> Vec<ReceivedRequest> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}
