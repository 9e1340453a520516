//! Stopping calls from outside: Node's `AbortSignal`, Python's Ctrl-C, a shutdown. A
//! stopped read is `Error::Aborted`; a stopped pay-out is `Error::Aborted` only while
//! nothing of it can have left, and `OutcomeUnknown` (cause `aborted`) from the moment
//! its request is on its way: giving up waiting never means it was not sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

/// A switch that stops the calls of every client view it was given to
/// ([`Client::with_cancel`](super::Client::with_cancel)). Cheap to clone; clones share
/// the switch. Once cancelled it stays cancelled.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<Switch>);

#[derive(Debug, Default)]
struct Switch {
    cancelled: AtomicBool,
    wake: Notify,
}

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops every call watching this token, now and later.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        self.0.wake.notify_waiters();
    }

    /// True once [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Completes when the token is cancelled.
    pub async fn cancelled(&self) {
        loop {
            let woken = self.0.wake.notified();
            tokio::pin!(woken);
            // Registered before the check, so a cancel in between is not missed.
            woken.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            woken.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn waiters_wake_on_cancel_and_later_waiters_return_at_once() {
        let token = CancelToken::new();
        let waiter = tokio::spawn({
            let token = token.clone();
            async move { token.cancelled().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        token.cancel();
        tokio::time::timeout(Duration::from_secs(1), waiter).await.expect("woken").expect("joined");
        assert!(token.is_cancelled());
        tokio::time::timeout(Duration::from_millis(50), token.cancelled()).await.expect("already cancelled");
    }
}
