//! A synchronous client for code without an async runtime: it drives the async client
//! on a small runtime of its own, so there is one implementation of every rule.

use super::{Client, ClientBuilder, Reconciliation, StatusQuery};
use crate::callback::{ConfirmedCallback, VerifiedCallback};
use crate::error::Error;
use crate::models::{BalanceResponse, PayoutRequest, PayoutResponse, StatusResponse};
use std::future::Future;
use std::sync::Arc;

/// The blocking pay-out client. Cheap to clone; do not call it from async code.
#[derive(Clone, Debug)]
pub struct BlockingClient {
    client: Client,
    runtime: Arc<OwnedRuntime>,
}

/// A runtime that shuts down without blocking, so that dropping the client inside async
/// code does not panic.
#[derive(Debug)]
struct OwnedRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl BlockingClient {
    /// Builds the client and its runtime.
    pub fn new(builder: ClientBuilder) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("smilepayz-blocking")
            .enable_all()
            .build()
            .map_err(|e| Error::config(format!("could not start the blocking client's runtime: {e}")))?;
        // reqwest must be built inside a runtime context for its connection pool timers.
        let client = runtime.block_on(async { builder.build() })?;
        Ok(Self { client, runtime: Arc::new(OwnedRuntime(Some(runtime))) })
    }

    /// A client configured from `SMILEPAYZ_*` environment variables.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(ClientBuilder::from_env()?)
    }

    /// The async client behind this one.
    pub fn async_client(&self) -> &Client {
        &self.client
    }

    fn run<T>(&self, work: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::config("the blocking client was called from async code; use the async Client there"));
        }
        match &self.runtime.0 {
            Some(runtime) => runtime.block_on(work),
            None => Err(Error::config("the blocking client's runtime has shut down")),
        }
    }

    /// See [`Client::payout`].
    pub fn payout(&self, request: &PayoutRequest) -> Result<PayoutResponse, Error> {
        self.run(self.client.payout(request))
    }

    /// See [`Client::inquire_status`].
    pub fn inquire_status(&self, query: &StatusQuery) -> Result<StatusResponse, Error> {
        self.run(self.client.inquire_status(query))
    }

    /// See [`Client::inquire_balance`].
    pub fn inquire_balance(&self, account_no: &str) -> Result<BalanceResponse, Error> {
        self.run(self.client.inquire_balance(account_no))
    }

    /// See [`Client::reconcile_payout`].
    pub fn reconcile_payout(&self, order_no: &str) -> Result<Reconciliation, Error> {
        self.run(self.client.reconcile_payout(order_no))
    }

    /// See [`Client::confirm_callback`].
    pub fn confirm_callback(&self, callback: &VerifiedCallback) -> Result<ConfirmedCallback, Error> {
        self.run(self.client.confirm_callback(callback))
    }
}
