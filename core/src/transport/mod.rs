//! One signed POST to the gateway, and what a failure means for the money: nothing was
//! sent (safe to retry), or the request may have arrived (the outcome is unknown).

mod retry;

pub use retry::{MAX_RETRY_ATTEMPTS, RetryPolicy};

use crate::error::UnknownCause;
use crate::secret::Secret;
use crate::signing::{MerchantKey, format_timestamp, sign_request};
use bytes::Bytes;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::{OffsetDateTime, UtcOffset};

/// Where pay-outs go.
pub const PAYOUT_PATH: &str = "/v2.0/disbursement/pay-out";
/// Where order status is asked.
pub const STATUS_PATH: &str = "/v2.0/inquiry-status";
/// Where balances are asked.
pub const BALANCE_PATH: &str = "/v2.0/inquiry-balance";

/// Answers larger than this are not read (the documented ones are under 2 KiB).
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// A source of the current time, replaceable in tests.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(OffsetDateTime::now_utc)
}

/// An HTTP answer, status and body, whatever its content.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// The `Location` header of a redirect (never followed), as text.
    pub(crate) location: Option<String>,
    pub(crate) body: Bytes,
}

impl Answer {
    /// True for a 3xx: the gateway pointed elsewhere, which is never the answer.
    pub(crate) fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }
}

/// Why no answer came.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The connection was never made: nothing reached the gateway.
    NotSent(String),
    /// The request may have reached the gateway.
    MaybeSent(UnknownCause),
}

/// Signs and sends requests for one merchant.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) merchant_id: String,
    pub(crate) secret: Secret,
    pub(crate) key: MerchantKey,
    pub(crate) clock: Clock,
    pub(crate) offset: UtcOffset,
    /// The whole-request timeout `http` was built with.
    pub(crate) timeout: std::time::Duration,
}

impl Transport {
    /// Sends `body` once, signed with a fresh timestamp, and reads the whole answer
    /// (within `timeout` when given, else the client's).
    pub(crate) async fn post(
        &self,
        path: &str,
        body: &Bytes,
        order_no: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<Answer, Failure> {
        let timestamp = format_timestamp((self.clock)(), self.offset);
        let signature = sign_request(&self.key, &timestamp, self.secret.expose(), body);
        let started = Instant::now();
        let mut request = self.http.post(format!("{}{path}", self.base_url));
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let sent = request
            .header("Content-Type", "application/json")
            .header("X-TIMESTAMP", &timestamp)
            .header("X-PARTNER-ID", &self.merchant_id)
            .header("X-SIGNATURE", signature)
            .body(body.clone())
            .send()
            .await;
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => {
                let failure = classify(&e);
                tracing::warn!(target: "smilepayz::http", path, order_no, elapsed_ms = elapsed_ms(started), failure = ?failure, "request failed");
                return Err(failure);
            }
        };
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(http::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).chars().take(crate::error::EXCERPT_CHARS).collect());
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                        tracing::warn!(target: "smilepayz::http", path, order_no, status, elapsed_ms = elapsed_ms(started), "answer too large");
                        return Err(Failure::MaybeSent(UnknownCause::Unreadable(crate::error::ProtocolError {
                            http_status: status,
                            detail: format!("answer larger than {MAX_ANSWER_BYTES} bytes; not read"),
                            body_excerpt: crate::error::excerpt(&body),
                        })));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    let cause = if e.is_timeout() {
                        UnknownCause::Timeout
                    } else {
                        UnknownCause::ConnectionLost(error_chain(&e))
                    };
                    tracing::warn!(target: "smilepayz::http", path, order_no, status, elapsed_ms = elapsed_ms(started), "answer broke off");
                    return Err(Failure::MaybeSent(cause));
                }
            }
        }
        Ok(Answer { status, location, body: Bytes::from(body) })
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A connect failure (refused, DNS, TLS handshake) means no byte of the request left.
fn classify(e: &reqwest::Error) -> Failure {
    if e.is_connect() {
        Failure::NotSent(error_chain(e))
    } else if e.is_timeout() {
        Failure::MaybeSent(UnknownCause::Timeout)
    } else {
        Failure::MaybeSent(UnknownCause::ConnectionLost(error_chain(e)))
    }
}

/// An error and its causes on one line (reqwest's own message names only the top).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
