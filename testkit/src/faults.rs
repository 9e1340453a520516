//! Faults a test queues on an endpoint: each one spoils exactly one upcoming request to
//! that endpoint, first in first out. Most are applied after the request was handled
//! normally (the `…AfterAccept` ones); two stop it before the gateway reads it.

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

/// What goes wrong with one request, and so what a client must conclude.
///
/// - `…AfterAccept` faults (and [`Delay`](Fault::Delay)): the request is handled first —
///   a pay-out is accepted and counted — and only the answer is spoilt, which is exactly
///   the case where a client cannot know whether the money moved.
/// - [`RedirectBeforeAccept`](Fault::RedirectBeforeAccept) and
///   [`ResetDuringUpload`](Fault::ResetDuringUpload): the request is *not* handled (no
///   order, not counted by `payout_requests_for`), yet the client cannot tell that apart
///   from the cases above; reconciliation finds no order and a resend is safe.
/// - [`CloseIdleKeepAlive`](Fault::CloseIdleKeepAlive): the request is answered normally;
///   the *next* request on the same connection is the one that dies unread.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer normally, but only after this long.
    Delay(Duration),
    /// Answer HTTP 500 with the text body `Internal Server Error`.
    ServerErrorAfterAccept,
    /// Close the connection without sending a single byte of an answer.
    DropAfterAccept,
    /// Answer HTTP 200 with a body that is not JSON (truncated: `{"code":"00","orderNo":`).
    MalformedAfterAccept,
    /// Answer the redirect `status` (307 or 308: method and body kept) without handling
    /// the request, `Location` pointing to the same path on a loopback port where nothing
    /// listens. A misconfigured proxy or load balancer in front of a gateway answers like
    /// this. A client that follows it sends the signed pay-out a second time, to another
    /// address, and gets "connection refused" — which looks like "not sent" although the
    /// first request did arrive.
    RedirectBeforeAccept {
        /// The redirect status, 307 or 308.
        status: u16,
    },
    /// Handle the request (a pay-out is accepted and counted), then answer the redirect
    /// `status` as [`RedirectBeforeAccept`](Fault::RedirectBeforeAccept) does: a client
    /// that follows it and then retries the "refused" connection pays twice.
    RedirectAfterAccept {
        /// The redirect status, 307 or 308.
        status: u16,
    },
    /// Read the request head, then reset the connection (TCP RST: `SO_LINGER` 0) without
    /// reading the body or handling the request — a gateway or proxy restarting, or a
    /// middlebox dropping the flow, while the body uploads. The client sees "connection
    /// reset" after it started sending, which says nothing about whether it arrived.
    ResetDuringUpload,
    /// Handle the request, then send a head whose `Content-Length` is larger than the
    /// body bytes that follow (half of the real answer), and close the connection — an
    /// answer cut off by a crash or a broken link.
    TruncatedAfterAccept,
    /// Handle the request, then answer HTTP 200 with a body of
    /// [`OVERSIZED_ANSWER_BYTES`] (the real answer padded with spaces, streamed), more
    /// than a client should ever read: the `smilepayz` client stops at 1 MiB.
    OversizedAfterAccept,
    /// Answer normally with keep-alive, then close that connection before reading the
    /// client's next request on it: the mock waits until the first bytes of that next
    /// request arrive and resets the connection without reading them. A real server's
    /// idle timeout firing just as a client reuses its pooled connection does the same;
    /// waiting for the request makes the race certain instead of lucky (a client that sees
    /// the close first quietly opens a new connection). The next request is not handled;
    /// [`MockGateway::closed_keep_alive_connections`](crate::MockGateway::closed_keep_alive_connections)
    /// counts the connections closed this way.
    CloseIdleKeepAlive,
}

/// The body sent for [`Fault::MalformedAfterAccept`].
pub(crate) const MALFORMED_BODY: &str = r#"{"code":"00","orderNo":"#;
/// The body sent for [`Fault::ServerErrorAfterAccept`].
pub(crate) const SERVER_ERROR_BODY: &str = "Internal Server Error";
/// The size of the body sent for [`Fault::OversizedAfterAccept`]: 64 KiB more than the
/// 1 MiB the `smilepayz` client reads at most.
pub const OVERSIZED_ANSWER_BYTES: usize = (1 << 20) + (64 << 10);

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

    /// Drops every queued fault.
    pub(crate) fn clear(&self) {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner).clear();
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
