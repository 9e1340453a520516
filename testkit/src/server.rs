//! The listening socket and its connections: one task per connection, keep-alive on,
//! and a shutdown that lets answers in flight finish for a moment before cutting them.
//! A connection's task takes its socket back from hyper when a fault needs it raw
//! (see `connection`).

use crate::connection::{self, ConnectionFault};
use crate::error::MockError;
use crate::handler;
use crate::state::Shared;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::poll_fn;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

/// How long a shutdown waits for answers in flight.
const GRACE: Duration = Duration::from_secs(1);

/// A running server. Dropping it stops the server at once.
pub(crate) struct Server {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    refuse: mpsc::UnboundedSender<Refusal>,
    task: JoinHandle<()>,
}

/// A request to stop listening for a while; `ready` fires once connections are refused.
struct Refusal {
    duration: Duration,
    ready: oneshot::Sender<()>,
}

impl Server {
    /// Listens on `127.0.0.1` on the port `shared` asks for (a free one for 0) and
    /// serves `shared`.
    pub(crate) async fn start(shared: Arc<Shared>) -> Result<Self, MockError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, shared.port)).await.map_err(MockError::Bind)?;
        let addr = listener.local_addr().map_err(MockError::Bind)?;
        let (stop, stopped) = watch::channel(false);
        let (refuse, refusals) = mpsc::unbounded_channel();
        let task = tokio::spawn(accept_loop(listener, addr, shared, stopped, refusals));
        Ok(Server { addr, stop, refuse, task })
    }

    /// The address listened on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Closes the listening socket and every connection, so that connection attempts
    /// are refused, and listens again on the same port after `duration`. Returns once
    /// connections are being refused.
    pub(crate) async fn refuse_connections_for(&self, duration: Duration) {
        let (ready, refusing) = oneshot::channel();
        if self.refuse.send(Refusal { duration, ready }).is_ok() {
            let _ = refusing.await;
        }
    }

    /// Stops accepting, lets answers in flight finish (up to a second), then closes all.
    pub(crate) async fn shutdown(&mut self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(GRACE * 2, &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        // Aborting the accept loop drops its JoinSet, which aborts every connection.
        self.task.abort();
    }
}

async fn accept_loop(
    mut listener: TcpListener,
    addr: SocketAddr,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
    mut refusals: mpsc::UnboundedReceiver<Refusal>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            Some(refusal) = refusals.recv() => {
                drop(listener);
                connections.abort_all();
                while connections.join_next().await.is_some() {}
                let _ = refusal.ready.send(());
                tokio::select! {
                    () = tokio::time::sleep(refusal.duration) => {}
                    _ = stopped.changed() => return,
                }
                listener = match rebind(addr).await {
                    Some(l) => l,
                    None => return,
                };
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve(stream, shared.clone(), stopped.clone()));
                }
                Err(e) => {
                    // Typically out of file descriptors: wait rather than spin.
                    tracing::warn!(target: "smilepayz_testkit", error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = stopped.changed() => break,
        }
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(GRACE, drain).await;
}

/// Listens on `addr` again; the port may take a moment to be free.
async fn rebind(addr: SocketAddr) -> Option<TcpListener> {
    for _ in 0..100 {
        match TcpListener::bind(addr).await {
            Ok(l) => return Some(l),
            Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
    tracing::warn!(target: "smilepayz_testkit", %addr, "could not listen again after refusing connections");
    None
}

async fn serve(stream: TcpStream, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    let fault = Arc::new(ConnectionFault::default());
    let service = {
        let (shared, fault) = (shared.clone(), fault.clone());
        // Boxed so that the connection can be polled without shutting the socket down.
        service_fn(move |request| Box::pin(handler::handle(shared.clone(), fault.clone(), request)))
    };
    let mut connection =
        http1::Builder::new().timer(TokioTimer::new()).keep_alive(true).serve_connection(TokioIo::new(stream), service);
    // Hyper never closes the socket itself: a fault may want it back (`into_parts`).
    let outcome = tokio::select! {
        outcome = poll_fn(|cx| connection.poll_without_shutdown(cx)) => outcome,
        () = stop_or_hand_back(&mut stopped, &fault) => {
            std::pin::Pin::new(&mut connection).graceful_shutdown();
            poll_fn(|cx| connection.poll_without_shutdown(cx)).await
        }
    };
    if let Err(e) = &outcome {
        tracing::debug!(target: "smilepayz_testkit", error = %e, "connection closed");
    }
    if let Some(ending) = fault.take() {
        let stream = connection.into_parts().io.into_inner();
        connection::finish(stream, ending, &shared.closed_keep_alive, stopped).await;
    }
}

/// Resolves when the server stops, or when a fault wants the socket after this answer.
async fn stop_or_hand_back(stopped: &mut watch::Receiver<bool>, fault: &ConnectionFault) {
    tokio::select! {
        _ = stopped.changed() => {}
        () = fault.hand_back_wanted() => {}
    }
}
