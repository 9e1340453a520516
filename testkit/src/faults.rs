//! Faults a test queues on an endpoint: each one spoils exactly one upcoming request to
//! that endpoint, first in first out, after the request was handled normally.

use smilepayz::transport::{BALANCE_PATH, PAYOUT_PATH, STATUS_PATH};
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// The three gateway endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `/v2.0/disbursement/pay-out`.
    Payout,
    /// `/v2.0/inquiry-status`.
    Status,
    /// `/v2.0/inquiry-balance`.
    Balance,
}

impl Endpoint {
    /// The endpoint's path.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Payout => PAYOUT_PATH,
            Endpoint::Status => STATUS_PATH,
            Endpoint::Balance => BALANCE_PATH,
        }
    }

    /// The endpoint at `path`, if any.
    pub fn from_path(path: &str) -> Option<Endpoint> {
        [Endpoint::Payout, Endpoint::Status, Endpoint::Balance].into_iter().find(|e| e.path() == path)
    }
}

/// What goes wrong with one request. The request is always handled first — for a
/// pay-out, the order is accepted and counted — and only the answer is spoilt, which is
/// exactly the case where a client cannot know whether the money moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally, but only after this long.
    Delay(Duration),
    /// Answer HTTP 500 with the text body `Internal Server Error`.
    ServerErrorAfterAccept,
    /// Close the connection without sending a single byte of an answer.
    DropAfterAccept,
    /// Answer HTTP 200 with a body that is not JSON (truncated: `{"code":"00","orderNo":`).
    MalformedAfterAccept,
}

/// The body sent for [`Fault::MalformedAfterAccept`].
pub(crate) const MALFORMED_BODY: &str = r#"{"code":"00","orderNo":"#;
/// The body sent for [`Fault::ServerErrorAfterAccept`].
pub(crate) const SERVER_ERROR_BODY: &str = "Internal Server Error";

/// Queued faults per endpoint.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queues: Mutex<HashMap<Endpoint, VecDeque<Fault>>>,
}

impl FaultQueue {
    /// Queues `fault` behind those already queued for `endpoint`.
    pub(crate) fn push(&self, endpoint: Endpoint, fault: Fault) {
        let mut queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        queues.entry(endpoint).or_default().push_back(fault);
    }

    /// Takes the oldest fault queued for `endpoint`.
    pub(crate) fn pop(&self, endpoint: Endpoint) -> Option<Fault> {
        let mut queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        queues.get_mut(&endpoint).and_then(VecDeque::pop_front)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_first_in_first_out_per_endpoint() {
        let q = FaultQueue::default();
        q.push(Endpoint::Payout, Fault::DropAfterAccept);
        q.push(Endpoint::Status, Fault::MalformedAfterAccept);
        q.push(Endpoint::Payout, Fault::Delay(Duration::from_millis(5)));
        assert_eq!(q.pop(Endpoint::Balance), None);
        assert_eq!(q.pop(Endpoint::Payout), Some(Fault::DropAfterAccept));
        assert_eq!(q.pop(Endpoint::Payout), Some(Fault::Delay(Duration::from_millis(5))));
        assert_eq!(q.pop(Endpoint::Payout), None);
        assert_eq!(q.pop(Endpoint::Status), Some(Fault::MalformedAfterAccept));
    }

    #[test]
    fn paths_map_to_endpoints() {
        assert_eq!(Endpoint::from_path("/v2.0/disbursement/pay-out"), Some(Endpoint::Payout));
        assert_eq!(Endpoint::from_path("/v2.0/inquiry-status"), Some(Endpoint::Status));
        assert_eq!(Endpoint::from_path("/v2.0/inquiry-balance"), Some(Endpoint::Balance));
        assert_eq!(Endpoint::from_path("/v2.0/inquiry-balance/"), None);
        assert_eq!(Endpoint::Balance.path(), BALANCE_PATH);
    }
}
