//! The asynchronous client: pay-outs that are never sent twice, inquiries that retry,
//! reconciliation of unknown outcomes, and confirmation of callbacks.

mod cancel;
mod config;
mod network;
mod reconcile;

#[cfg(feature = "blocking")]
pub mod blocking;

pub use cancel::CancelToken;
pub use config::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Environment, POOL_IDLE_TIMEOUT, platform_key_from_env,
};
pub use network::ProxySetting;
pub use reconcile::Reconciliation;

use crate::callback::{CallbackMismatch, ConfirmedCallback, VerifiedCallback, confirm, order_to_confirm};
use crate::error::{ApiError, Error, ProtocolError, UnknownCause, excerpt};
use crate::events::{Emitter, Endpoint, Event, mask_account};
use crate::models::response::CodeOnly;
use crate::models::{BalanceResponse, GatewayBody, PayoutRequest, PayoutResponse, StatusResponse};
use crate::transport::{Answer, BALANCE_PATH, Failure, PAYOUT_PATH, RetryPolicy, STATUS_PATH, Transport};
use bytes::Bytes;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Which order a status inquiry asks about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusQuery {
    /// By the merchant's order number.
    OrderNo(String),
    /// By the gateway's trade number.
    TradeNo(String),
}

impl StatusQuery {
    /// The query for exactly one of the two numbers, as bindings receive them.
    pub fn from_numbers(order_no: Option<String>, trade_no: Option<String>) -> Result<Self, Error> {
        match (order_no, trade_no) {
            (Some(order_no), None) => Ok(StatusQuery::OrderNo(order_no)),
            (None, Some(trade_no)) => Ok(StatusQuery::TradeNo(trade_no)),
            _ => Err(Error::config("a status inquiry needs exactly one of orderNo (order_no) or tradeNo (trade_no)")),
        }
    }
}

/// The pay-out client. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Arc<Transport>,
    retry: RetryPolicy,
    order_not_found_codes: Vec<String>,
    events: Emitter,
    /// Overrides the client's whole-request timeout (`with_timeout`).
    call_timeout: Option<Duration>,
    /// Stops this view's calls (`with_cancel`).
    cancel: Option<CancelToken>,
}

/// What one request is about, for its events.
struct Call<'a> {
    endpoint: Endpoint,
    path: &'static str,
    order_no: Option<&'a str>,
    trade_no: Option<&'a str>,
    account: Option<&'a str>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("merchant_id", &self.inner.transport.merchant_id)
            .field("base_url", &self.inner.transport.base_url)
            .field("merchant_secret", &"***")
            .field("private_key", &self.inner.transport.key)
            .finish()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusBody<'a> {
    trade_type: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_no: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trade_no: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BalanceBody<'a> {
    account_no: &'a str,
    balance_types: [&'static str; 1],
}

/// `tradeType` of a pay-out in a status inquiry.
const TRADE_TYPE_PAYOUT: u8 = 2;

impl Client {
    /// Starts building a client; [`ClientBuilder::build`] checks every setting at once.
    ///
    /// A production client behind the merchant's egress proxy, from the IPv4 address
    /// Smilepayz allow-lists, with its own timeouts and a listener that sees every call
    /// (`no_run`: it needs the merchant's key and the network):
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use smilepayz::events::Event;
    /// use smilepayz::{Client, Environment, RetryPolicy};
    /// use std::sync::Arc;
    /// use std::time::Duration;
    ///
    /// let client = Client::builder()
    ///     .merchant_id(std::env::var("SMILEPAYZ_MERCHANT_ID")?)
    ///     .merchant_secret(std::env::var("SMILEPAYZ_MERCHANT_SECRET")?)
    ///     .private_key(std::fs::read_to_string("/run/secrets/smilepayz-merchant.pem")?)
    ///     .environment(Environment::Production)
    ///     .proxy("http://egress.internal:3128")
    ///     .local_address("203.0.113.7".parse()?)
    ///     .connect_timeout(Duration::from_secs(5))
    ///     .timeout(Duration::from_secs(20))
    ///     .retry(RetryPolicy { max_attempts: 4, ..RetryPolicy::default() })
    ///     .on_event(Arc::new(|event: &Event| eprintln!("smilepayz: {event:?}")))
    ///     .build()?;
    ///
    /// // One slow call gets a longer timeout; the client keeps its own.
    /// let balance = client.with_timeout(Duration::from_secs(60))?.inquire_balance("2020213741").await?;
    /// println!("{balance:?}");
    /// # Ok(()) }
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `SMILEPAYZ_*` environment variables.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The merchant id requests are sent for.
    pub fn merchant_id(&self) -> &str {
        &self.inner.transport.merchant_id
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.transport.base_url
    }

    /// How long one whole request of this client may take (`ClientBuilder::timeout`, or
    /// this view's `with_timeout`): after it, a pay-out that may have left is given up
    /// on, though the gateway may still take it in. A batch waits at least this long
    /// before it takes an unanswered pay-out for absent.
    pub fn request_timeout(&self) -> Duration {
        self.inner.call_timeout.unwrap_or(self.inner.transport.timeout)
    }

    /// The same client (connections, settings, events) with a different whole-request
    /// timeout, for one call or a group of calls: `client.with_timeout(d)?.payout(&r)`.
    pub fn with_timeout(&self, timeout: Duration) -> Result<Client, Error> {
        if timeout.is_zero() {
            return Err(Error::config("timeout must be longer than zero"));
        }
        Ok(self.view(Some(timeout), self.inner.cancel.clone()))
    }

    /// The same client whose calls stop when `token` is cancelled: a read, or a pay-out
    /// nothing of which can have left yet, ends in `Error::Aborted`; a pay-out already on
    /// its way ends in `Error::OutcomeUnknown` (cause `aborted`): reconcile it.
    pub fn with_cancel(&self, token: CancelToken) -> Client {
        self.view(self.inner.call_timeout, Some(token))
    }

    fn view(&self, call_timeout: Option<Duration>, cancel: Option<CancelToken>) -> Client {
        let inner = &self.inner;
        Client {
            inner: Arc::new(Inner {
                transport: Arc::clone(&inner.transport),
                retry: inner.retry.clone(),
                order_not_found_codes: inner.order_not_found_codes.clone(),
                events: inner.events.clone(),
                call_timeout,
                cancel,
            }),
        }
    }

    /// Runs `work` unless this view's token stops it first. `left` says whether a pay-out
    /// may have left (then stopping is an unknown outcome for `order_no`).
    async fn unless_cancelled<T>(
        &self,
        work: impl Future<Output = Result<T, Error>>,
        left: Option<(&AtomicBool, &crate::models::OrderNo)>,
    ) -> Result<T, Error> {
        let Some(token) = &self.inner.cancel else { return work.await };
        if token.is_cancelled() {
            return Err(Error::Aborted("the call was cancelled before it started; nothing was sent".into()));
        }
        tokio::select! {
            // An answer that arrives together with the cancellation is still the answer.
            biased;
            outcome = work => outcome,
            () = token.cancelled() => match left {
                Some((left, order_no)) if left.load(Ordering::SeqCst) => {
                    Err(Error::OutcomeUnknown { order_no: order_no.clone(), cause: UnknownCause::Aborted })
                }
                _ => Err(Error::Aborted("the call was cancelled; nothing was sent".into())),
            },
        }
    }

    /// Sends one request and reports it: a `request` event before, a `response` event
    /// when an answer came (with the gateway's code, read by `code_of`).
    async fn send(
        &self,
        call: &Call<'_>,
        body: &Bytes,
        attempt: u32,
        code_of: impl Fn(&Answer) -> Option<String>,
    ) -> Result<Answer, Failure> {
        let events = &self.inner.events;
        events.emit(Event::Request {
            endpoint: call.endpoint,
            order_no: call.order_no.map(str::to_owned),
            trade_no: call.trade_no.map(str::to_owned),
            attempt,
            account: call.account.map(mask_account),
        });
        let started = Instant::now();
        let sent = self.inner.transport.post(call.path, body, call.order_no, self.inner.call_timeout).await;
        if let Ok(answer) = &sent {
            events.emit(Event::Response {
                endpoint: call.endpoint,
                order_no: call.order_no.map(str::to_owned),
                attempt,
                http_status: answer.status,
                gateway_code: code_of(answer),
                elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            });
        }
        sent
    }

    /// Waits before attempt `attempt + 1`, after reporting it.
    async fn pause_before_retry(&self, call: &Call<'_>, attempt: u32, reason: String) {
        let delay = self.inner.retry.backoff(attempt);
        self.inner.events.emit(Event::Retry {
            endpoint: call.endpoint,
            order_no: call.order_no.map(str::to_owned),
            attempt,
            reason,
            delay_ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        });
        tokio::time::sleep(delay).await;
    }

    /// Sends a pay-out. Validates first; retries only when the connection was never made.
    /// Any doubt about whether the gateway got it is `Error::OutcomeUnknown`.
    pub async fn payout(&self, request: &PayoutRequest) -> Result<PayoutResponse, Error> {
        let prepared = request.prepare(&self.inner.transport.merchant_id)?;
        let order_no = prepared.order_no().clone();
        let call = Call {
            endpoint: Endpoint::Payout,
            path: PAYOUT_PATH,
            order_no: Some(order_no.as_str()),
            trade_no: None,
            account: Some(request.common().cash_account),
        };
        let left = AtomicBool::new(false);
        let attempts = async {
            let mut attempt = 1;
            loop {
                left.store(true, Ordering::SeqCst);
                match self.send(&call, prepared.body(), attempt, code_in_answer).await {
                    Ok(answer) => break interpret_payout(answer, &order_no),
                    Err(Failure::NotSent(why)) if attempt < self.inner.retry.max_attempts => {
                        // The connection was never made: nothing of this attempt left.
                        left.store(false, Ordering::SeqCst);
                        self.pause_before_retry(&call, attempt, why).await;
                        attempt += 1;
                    }
                    Err(Failure::NotSent(why)) => break Err(Error::Transport(why)),
                    Err(Failure::MaybeSent(cause)) => {
                        break Err(Error::OutcomeUnknown { order_no: order_no.clone(), cause });
                    }
                }
            }
        };
        let outcome = self.unless_cancelled(attempts, Some((&left, &order_no))).await;
        if let Err(Error::OutcomeUnknown { cause, .. }) = &outcome {
            self.inner
                .events
                .emit(Event::OutcomeUnknown { order_no: order_no.as_str().to_owned(), cause: cause.kind() });
        }
        outcome
    }

    /// Asks the gateway for the state of one pay-out.
    pub async fn inquire_status(&self, query: &StatusQuery) -> Result<StatusResponse, Error> {
        let (order_no, trade_no) = match query {
            StatusQuery::OrderNo(o) => (Some(o.as_str()), None),
            StatusQuery::TradeNo(t) => (None, Some(t.as_str())),
        };
        if order_no.or(trade_no).is_none_or(str::is_empty) {
            return Err(Error::config("a status inquiry needs a non-empty orderNo or tradeNo"));
        }
        let body = to_body(&StatusBody { trade_type: TRADE_TYPE_PAYOUT, order_no, trade_no });
        let call = Call { endpoint: Endpoint::Status, path: STATUS_PATH, order_no, trade_no, account: None };
        self.read(&call, &body).await
    }

    /// Asks the gateway for the balance of an account.
    pub async fn inquire_balance(&self, account_no: &str) -> Result<BalanceResponse, Error> {
        if account_no.trim().is_empty() {
            return Err(Error::config("a balance inquiry needs an account number"));
        }
        let body = to_body(&BalanceBody { account_no, balance_types: ["BALANCE"] });
        let call =
            Call { endpoint: Endpoint::Balance, path: BALANCE_PATH, order_no: None, trade_no: None, account: None };
        self.read(&call, &body).await
    }

    /// Resolves an unknown pay-out outcome by asking for the order's status.
    pub async fn reconcile_payout(&self, order_no: &str) -> Result<Reconciliation, Error> {
        crate::models::OrderNo::parse(order_no)?;
        match self.inquire_status(&StatusQuery::OrderNo(order_no.to_owned())).await {
            Ok(status) => Ok(Reconciliation::from_status(status)),
            Err(Error::Api(api)) if self.inner.order_not_found_codes.contains(&api.code) => {
                Ok(Reconciliation::NotFound { code: api.code, message: api.message })
            }
            Err(e) => Err(e),
        }
    }

    /// Confirms a verified callback by asking the gateway for the callback's `orderNo`:
    /// the answer must carry the signed `tradeNo` and the same status and money. Anything
    /// missing or different is `Error::CallbackMismatch` (refuse the callback); a status
    /// the gateway has since moved past is `Error::StaleCallback` (book the gateway's
    /// status, then acknowledge). See [`ConfirmedCallback`] for what a confirmation
    /// vouches for.
    pub async fn confirm_callback(&self, callback: &VerifiedCallback) -> Result<ConfirmedCallback, Error> {
        let order_no = order_to_confirm(&callback.notification)?;
        let inquiry = match self.inquire_status(&StatusQuery::OrderNo(order_no.to_owned())).await {
            Ok(inquiry) => inquiry,
            // A genuine tradeNo under an orderNo the gateway does not know: not this order.
            Err(Error::Api(api)) if self.inner.order_not_found_codes.contains(&api.code) => {
                let outcome = Err(CallbackMismatch {
                    field: "orderNo",
                    callback_value: order_no.to_owned(),
                    gateway_value: format!("(no such order: code {})", api.code),
                }
                .into());
                self.report_confirmation(order_no, &outcome);
                return outcome;
            }
            Err(e) => return Err(e),
        };
        let outcome = confirm(&callback.notification, inquiry);
        self.report_confirmation(order_no, &outcome);
        outcome
    }

    fn report_confirmation(&self, order_no: &str, outcome: &Result<ConfirmedCallback, Error>) {
        let event = match outcome {
            Ok(c) => Event::CallbackConfirmed {
                order_no: c.order_no().to_owned(),
                trade_no: c.trade_no().to_owned(),
                status: c.status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            },
            Err(Error::CallbackMismatch(m)) => {
                Event::CallbackMismatch { order_no: order_no.to_owned(), field: m.field, stale: false }
            }
            Err(Error::StaleCallback(_)) => {
                Event::CallbackMismatch { order_no: order_no.to_owned(), field: "status", stale: true }
            }
            Err(_) => return,
        };
        self.inner.events.emit(event);
    }

    /// A read: retried with backoff on any failure until the budget is spent.
    async fn read<T: GatewayBody>(&self, call: &Call<'_>, body: &Bytes) -> Result<T, Error> {
        self.unless_cancelled(self.read_with_retries(call, body), None).await
    }

    async fn read_with_retries<T: GatewayBody>(&self, call: &Call<'_>, body: &Bytes) -> Result<T, Error> {
        let mut attempt = 1;
        loop {
            let outcome = match self.send(call, body, attempt, code_in_answer).await {
                Ok(answer) => interpret_read::<T>(answer),
                Err(Failure::NotSent(why)) => Err(Error::Transport(why)),
                Err(Failure::MaybeSent(cause)) => Err(Error::Transport(format!("no answer: {cause}"))),
            };
            let retryable = matches!(outcome, Err(Error::Transport(_) | Error::Protocol(_)));
            if !retryable || attempt >= self.inner.retry.max_attempts {
                return outcome;
            }
            let reason = outcome.as_ref().err().map(ToString::to_string).unwrap_or_default();
            self.pause_before_retry(call, attempt, reason).await;
            attempt += 1;
        }
    }
}

/// The gateway's `code` in an answer, for the `response` event (a second, small parse of
/// bodies under 2 KiB; nothing else of the body leaves).
fn code_in_answer(answer: &Answer) -> Option<String> {
    let text = crate::models::response::require_object(&answer.body).ok()?;
    serde_json::from_str::<CodeOnly>(text).ok().map(|c| c.code)
}

fn to_body<T: Serialize>(value: &T) -> Bytes {
    // Plain structs of strings and numbers always serialise.
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

fn protocol_error(answer: &Answer, detail: String) -> ProtocolError {
    ProtocolError { http_status: answer.status, detail, body_excerpt: excerpt(&answer.body) }
}

fn api_error(answer: &Answer, code: String, message: String) -> ApiError {
    ApiError { code, message, http_status: answer.status, raw_body: String::from_utf8_lossy(&answer.body).into_owned() }
}

fn interpret_payout(answer: Answer, order_no: &crate::models::OrderNo) -> Result<PayoutResponse, Error> {
    let unknown = |cause| Error::OutcomeUnknown { order_no: order_no.clone(), cause };
    if answer.is_redirect() {
        return Err(unknown(UnknownCause::Redirect { http_status: answer.status, location: answer.location }));
    }
    if answer.status >= 500 {
        return Err(unknown(UnknownCause::ServerError {
            http_status: answer.status,
            body_excerpt: excerpt(&answer.body),
        }));
    }
    let response = match PayoutResponse::from_json(&answer.body) {
        Ok(r) => r,
        Err(detail) => return Err(unknown(UnknownCause::Unreadable(protocol_error(&answer, detail)))),
    };
    if !response.is_success() {
        return Err(Error::Api(api_error(&answer, response.code, response.message)));
    }
    if let Some(answered) = &response.order_no
        && answered != order_no.as_str()
    {
        return Err(unknown(UnknownCause::WrongOrder { answered: answered.clone() }));
    }
    Ok(response)
}

fn interpret_read<T: GatewayBody>(answer: Answer) -> Result<T, Error> {
    if answer.is_redirect() {
        let to = answer.location.as_deref().unwrap_or("(no Location)");
        return Err(Error::Protocol(protocol_error(&answer, format!("a redirect to {to:?}, not followed"))));
    }
    match T::from_json(&answer.body) {
        Ok(r) if r.is_success() => Ok(r),
        Ok(r) => Err(Error::Api(api_error(&answer, r.code().to_owned(), r.message().to_owned()))),
        Err(detail) => match crate::models::response::require_object(&answer.body)
            .ok()
            .and_then(|text| serde_json::from_str::<CodeOnly>(text).ok())
        {
            // A refusal whose other fields do not match the success shape.
            Some(c) if c.code != crate::models::response::SUCCESS_CODE => {
                Err(Error::Api(api_error(&answer, c.code, c.message)))
            }
            _ => Err(Error::Protocol(protocol_error(&answer, detail))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_query_names_exactly_one_number() {
        let one = StatusQuery::from_numbers(Some("ORDER0001".into()), None).expect("order number");
        assert_eq!(one, StatusQuery::OrderNo("ORDER0001".into()));
        let other = StatusQuery::from_numbers(None, Some("T1".into())).expect("trade number");
        assert_eq!(other, StatusQuery::TradeNo("T1".into()));
        for (order_no, trade_no) in [(None, None), (Some("A".to_owned()), Some("B".to_owned()))] {
            let refused = StatusQuery::from_numbers(order_no, trade_no).expect_err("not exactly one");
            assert_eq!(refused.kind(), "config");
        }
    }
}
