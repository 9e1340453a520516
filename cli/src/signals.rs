//! SIGINT and SIGTERM, listened for from the start of a run so that none is missed: the
//! mock stops cleanly on either, a pay-out in flight reports its outcome unknown, and
//! any other command stops with exit 130. Hosted in Python or Node, the same handlers
//! apply (the entry points there leave these signals to this code).

use std::future::pending;

/// The termination signals of this process.
pub(crate) struct Signals {
    #[cfg(unix)]
    both: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Starts listening; must run inside the runtime. If the handlers cannot be installed
    /// the signals keep their default action (the process ends), which loses nothing.
    pub(crate) fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let both = signal(SignalKind::interrupt()).ok().zip(signal(SignalKind::terminate()).ok());
            Signals { both }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    /// Resolves at the first SIGINT or SIGTERM (Ctrl-C elsewhere).
    pub(crate) async fn received(&mut self) {
        #[cfg(unix)]
        match &mut self.both {
            Some((int, term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            None => pending().await,
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            pending::<()>().await;
        }
    }
}
