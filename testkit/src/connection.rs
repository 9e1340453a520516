//! The faults hyper cannot play: a reset, an answer cut short, a kept-alive connection
//! closed under the client's next request. The handler asks for one by setting an
//! [`Ending`] on the connection; the connection's task takes the socket back from hyper
//! and finishes it by hand.

use bytes::Bytes;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::{Notify, watch};

/// What the connection's task does with the socket once hyper has let go of it.
#[derive(Debug)]
pub(crate) enum Ending {
    /// Reset the connection now (TCP RST), whatever is still unread.
    Reset,
    /// Write these bytes as they are, then close (FIN).
    Raw(Bytes),
    /// Wait for the first bytes of the client's next request, then reset the connection
    /// without reading them.
    ResetNextRequest,
}

/// The ending one connection's handler asked for, shared between the handler and the
/// connection's task.
#[derive(Debug, Default)]
pub(crate) struct ConnectionFault {
    ending: Mutex<Option<Ending>>,
    /// Woken for an ending that needs hyper to stop between two requests: hyper is then
    /// shut down gracefully, without closing the socket, so that the task gets it back.
    hand_back: Notify,
}

impl ConnectionFault {
    /// Asks for `ending` once hyper stops.
    pub(crate) fn end_with(&self, ending: Ending) {
        let between_requests = matches!(ending, Ending::ResetNextRequest);
        *self.ending.lock().unwrap_or_else(PoisonError::into_inner) = Some(ending);
        if between_requests {
            self.hand_back.notify_one();
        }
    }

    /// Resolves when hyper must stop after the answer in flight.
    pub(crate) async fn hand_back_wanted(&self) {
        self.hand_back.notified().await;
    }

    /// The ending asked for, if any.
    pub(crate) fn take(&self) -> Option<Ending> {
        self.ending.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Plays `ending` on the socket hyper handed back. `closed_keep_alive` counts the
/// connections reset under a client's next request.
pub(crate) async fn finish(
    mut stream: TcpStream,
    ending: Ending,
    closed_keep_alive: &AtomicUsize,
    mut stopped: watch::Receiver<bool>,
) {
    match ending {
        Ending::Reset => reset(stream),
        Ending::Raw(bytes) => {
            if let Err(e) = stream.write_all(&bytes).await {
                tracing::debug!(target: "smilepayz_testkit", error = %e, "raw answer not written");
            }
            // Dropping the stream closes it (FIN): the client sees the body end early.
        }
        Ending::ResetNextRequest => {
            let mut first = [0u8; 1];
            tokio::select! {
                peeked = stream.peek(&mut first) => {
                    // Zero bytes: the client closed the connection itself; nothing to count.
                    if matches!(peeked, Ok(n) if n > 0) {
                        closed_keep_alive.fetch_add(1, Ordering::SeqCst);
                    }
                    reset(stream);
                }
                _ = stopped.changed() => {}
            }
        }
    }
}

/// Closes `stream` with a TCP RST instead of a FIN.
fn reset(stream: TcpStream) {
    // With SO_LINGER 0, close aborts the connection (RST) at once and never blocks.
    if let Err(e) = stream.set_zero_linger() {
        tracing::warn!(target: "smilepayz_testkit", error = %e, "SO_LINGER 0 not set; the close may be a FIN");
    }
    drop(stream);
}

/// An address on 127.0.0.1 where nothing listens: a port the system just handed out and
/// took back, so a connection attempt is refused (unless something else binds it within
/// the moment, which a test cannot rule out but will not meet in practice).
pub(crate) fn unreachable_address() -> SocketAddr {
    match TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).and_then(|l| l.local_addr()) {
        Ok(addr) => addr,
        // Port 1 (tcpmux) is practically never served either.
        Err(_) => SocketAddr::from((Ipv4Addr::LOCALHOST, 1)),
    }
}
