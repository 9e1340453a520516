//! The public handle of a running mock gateway: start and stop it, read its credentials,
//! steer it (faults, statuses, balances) and inspect what it received.

use crate::callbacks::{self, CallbackDelivery, SignedCallback};
use crate::codes;
use crate::config::MockConfig;
use crate::error::MockError;
use crate::faults::{Endpoint, Fault};
use crate::orders::{Balance, MockOrder};
use crate::received::ReceivedRequest;
use crate::server::Server;
use crate::state::Shared;
use smilepayz::{CallbackVerifier, Client, ClientBuilder, Decimal, SigningKey, Status, VerifyingKey};
use std::fmt;
use std::sync::Arc;

/// A Smilepayz gateway on `127.0.0.1`, for tests. It checks signatures, timestamps and
/// fields as the real gateway does, keeps orders, answers inquiries and sends signed
/// callbacks. Dropping it stops the server.
pub struct MockGateway {
    shared: Arc<Shared>,
    server: Server,
}

impl fmt::Debug for MockGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockGateway")
            .field("base_url", &self.base_url())
            .field("merchant_id", &self.shared.merchant_id)
            .field("merchant_secret", &"***")
            .finish_non_exhaustive()
    }
}

impl MockGateway {
    /// Starts a gateway with generated credentials on a free port.
    pub async fn start() -> Result<MockGateway, MockError> {
        Self::start_with(MockConfig::default()).await
    }

    /// Starts a gateway with the given settings on a free port.
    pub async fn start_with(config: MockConfig) -> Result<MockGateway, MockError> {
        let shared = Arc::new(Shared::from_config(config)?);
        let server = Server::start(shared.clone()).await?;
        Ok(MockGateway { shared, server })
    }

    /// Refuses connections for `duration`: the listening socket and every open
    /// connection are closed, so a client's next attempt fails before sending a byte
    /// (connection refused); then the gateway listens again on the same port. Returns
    /// once connections are being refused.
    pub async fn refuse_connections_for(&self, duration: std::time::Duration) {
        self.server.refuse_connections_for(duration).await;
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The merchant id the gateway serves.
    pub fn merchant_id(&self) -> &str {
        &self.shared.merchant_id
    }

    /// The merchant secret request signatures must cover.
    pub fn merchant_secret(&self) -> &str {
        &self.shared.merchant_secret
    }

    /// The merchant private key, PKCS#8 PEM, that requests must be signed with.
    pub fn merchant_private_key_pem(&self) -> String {
        self.shared.merchant_key.to_pkcs8_pem()
    }

    /// The key the gateway signs callbacks with.
    pub fn platform_key(&self) -> &SigningKey {
        &self.shared.platform_key
    }

    /// The public half of [`platform_key`](Self::platform_key), which verifies callbacks.
    pub fn platform_public_key(&self) -> VerifyingKey {
        self.shared.platform_key.public_key()
    }

    /// The platform public key as base64 SubjectPublicKeyInfo DER, the form Smilepayz
    /// publishes (what `SMILEPAYZ_PLATFORM_PUBLIC_KEY` holds).
    pub fn platform_public_key_base64(&self) -> String {
        self.platform_public_key().to_base64()
    }

    /// A verifier for this gateway's callbacks.
    pub fn callback_verifier(&self) -> CallbackVerifier {
        CallbackVerifier::new(self.platform_public_key())
    }

    /// A client builder with this gateway's merchant id, secret, key and base URL set,
    /// and [`codes::ORDER_NOT_FOUND`] as its "no such order" code.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .merchant_id(self.merchant_id())
            .merchant_secret(self.merchant_secret())
            .private_key(self.merchant_private_key_pem())
            .base_url(self.base_url())
            .order_not_found_codes([codes::ORDER_NOT_FOUND])
    }

    /// Queues `fault` for `endpoint`: each queued fault spoils exactly one upcoming request
    /// to that endpoint, in the order queued (see [`Fault`] for which ones leave the
    /// request unhandled).
    pub fn inject(&self, endpoint: Endpoint, fault: Fault) {
        self.shared.faults.push(endpoint, fault);
    }

    /// Sets an order's status (final or not). When the order has a `callbackUrl`, sends
    /// it the signed callback and returns what the receiver answered; a failed delivery
    /// is an error, but the status has changed all the same.
    pub async fn settle(&self, order_no: &str, status: Status) -> Result<Option<CallbackDelivery>, MockError> {
        callbacks::settle(&self.shared, order_no, status).await
    }

    /// Sets the `remark` that status inquiries answer for an order (e.g. a failure
    /// reason); false when there is no such order.
    pub fn set_remark(&self, order_no: &str, remark: &str) -> bool {
        self.shared.orders.update(order_no, |o| remark.clone_into(&mut o.remark)).is_some()
    }

    /// The signed callback the gateway would send for an order now, for delivering it
    /// yourself.
    ///
    /// What a callback endpoint does with it: verify the signature over the raw bytes,
    /// then confirm the unsigned status with the gateway before moving money.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use smilepayz::{Decimal, IndonesiaPayout, SignatureError, Status};
    /// use smilepayz_testkit::MockGateway;
    ///
    /// let gateway = MockGateway::start().await?;
    /// let client = gateway.client_builder().build()?;
    /// let payout = IndonesiaPayout::new("ORDER0001", "Payroll", Decimal::from(150_000), "BRI", "78120011629261665");
    /// client.payout(&payout.into()).await?;
    /// gateway.settle("ORDER0001", Status::Success).await?;
    ///
    /// let callback = gateway.signed_callback("ORDER0001").ok_or("no such order")?;
    /// let verifier = gateway.callback_verifier();
    /// let verified = verifier.verify(callback.headers.clone(), &callback.body)?;
    /// let confirmed = client.confirm_callback(&verified).await?;
    /// assert_eq!(confirmed.inquiry.status, Some(Status::Success));
    ///
    /// // One byte changed in transit, and the callback is refused.
    /// let altered = callback.body_text().replacen("\"tradeNo\":\"", "\"tradeNo\":\"X", 1);
    /// assert!(matches!(verifier.verify(callback.headers, altered.as_bytes()), Err(SignatureError::BadSignature)));
    /// # Ok(()) }
    /// ```
    pub fn signed_callback(&self, order_no: &str) -> Option<SignedCallback> {
        let order = self.shared.orders.find(Some(order_no), None)?;
        Some(callbacks::for_order(&self.shared, &order))
    }

    /// An order's current state.
    pub fn order(&self, order_no: &str) -> Option<MockOrder> {
        self.shared.orders.find(Some(order_no), None)
    }

    /// Every order accepted, oldest first.
    pub fn orders(&self) -> Vec<MockOrder> {
        self.shared.orders.all()
    }

    /// How many authenticated pay-out requests named `order_no`, duplicates and refused
    /// ones included.
    pub fn payout_requests_for(&self, order_no: &str) -> usize {
        self.shared.orders.payout_requests_for(order_no)
    }

    /// How many kept-alive connections [`Fault::CloseIdleKeepAlive`] closed with the
    /// client's next request on them, unread: each one is a request the client wrote onto
    /// a dead connection.
    pub fn closed_keep_alive_connections(&self) -> usize {
        self.shared.closed_keep_alive.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every HTTP request received, oldest first, with what the gateway answered.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.shared.log.all()
    }

    /// Sets what a balance inquiry for `account_no` answers.
    pub fn set_balance(&self, account_no: &str, currency: &str, balance: Decimal, available: Decimal) {
        let balance = Balance { currency: currency.to_owned(), total: balance, available };
        self.shared.orders.set_balance(account_no, balance);
    }

    /// Forgets every order, balance, queued fault and received request, as a fresh
    /// gateway with the same credentials and address would start.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stops the server, letting answers in flight finish for up to a second.
    pub async fn shutdown(mut self) {
        self.server.shutdown().await;
    }
}
