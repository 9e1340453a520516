//! Checks a callback's signature against one or more platform keys (rotation), with an
//! optional maximum age measured by an injectable clock.

use super::{CallbackHeaders, SignatureError};
use crate::events::{Emitter, Event, EventListener};
use crate::models::CallbackNotification;
use crate::signing::{PlatformKey, callback_string_to_sign, parse_timestamp};
use crate::transport::{Clock, system_clock};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::fmt;
use std::time::Duration;

/// Callback bodies above this size are refused unread (documented ones are ~400 bytes).
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// Clock skew tolerated for callbacks dated in the future when a maximum age is set.
const FUTURE_SKEW: Duration = Duration::from_secs(300);

/// A callback whose signature verified. Its `tradeNo` is authentic; its status and
/// money are not covered by the signature: confirm them before moving money.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedCallback {
    /// The parsed body.
    pub notification: CallbackNotification,
    /// `X-TIMESTAMP` as received.
    pub timestamp: String,
}

impl VerifiedCallback {
    /// The signed trade number.
    pub fn trade_no(&self) -> &str {
        &self.notification.trade_no
    }
}

/// Verifies callbacks; build once, use for every callback.
///
/// A callback signed by the Smilepayz sandbox (published in Smilepayz's own example code:
/// `tests/vectors/real-callback-sandbox.json`) verifies; the same headers over another
/// `tradeNo` do not. A verified callback's status and money are not signed: confirm it
/// with [`Client::confirm_callback`](crate::Client::confirm_callback) before moving money.
///
/// ```
/// use smilepayz::{CallbackVerifier, PlatformKey, SignatureError};
///
/// // The sandbox platform key, base64 SubjectPublicKeyInfo DER as Smilepayz publishes it.
/// let key = concat!(
///     "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvxhX5aHxC9QUN8ivqxPslUnbFsBy0dpWwalgSBlQ7gMd",
///     "yA2lbMmP76TthIGIuWK3uO5h81c+cchGFaiOer5zGsdE7LMZPzFnDDvbMQRvKDDO7Lg3nGGodRoOLnvOeavhsYa7",
///     "YORS/QC1h2aCYk24SCrNDjaG3YxDJavCCTZoYF12Hofg7dmGrtx7L+ky3+Gl5059gmz+dZsYBMJqq0VMtI28pIqZ",
///     "9cHmnf9q0C6JEhfNKG2kRyfheLar12ZLSCbJfGI4hSNpX+oWMENZ11KSEWVzMl3WPiAK/zv9k+5wsYBiJ6rbLrXt",
///     "m56OF+bHcp5hTkZHtA9Wzc2X3TbpHxqq6wIDAQAB",
/// );
/// let signature = concat!(
///     "R5igwg7R5j5U8sWbezoRLIqNqn72mKnZT/Z56UsER1IB8iitgV6AK7zLVcbuACuOvsVSsMg/9sH87vUahxxca6kE",
///     "q1ejavQeqg5rFWUw3ZAZMbZjs6zpkNDaC5NWZpQQIXzYZJB2B6y4l0LokiWaZyP6bwbjER1Z0EWVsBZ1gbvtDe5d",
///     "h+1wtTJtkgf9hL6UOWLKLrCYOqZ74sTvY5JbPvjwh0yhtVcS1C9Oh8ot0P4LOw7bUNvs8mx+OROHRn2PrNLADxVS",
///     "SWIZJcVLOOdGEoiHzgjVNCrIC4aeqDBlBIDiOvFhcWe6rD8WLXd1cEfwEprwQ4f92dsVbMnkX55BSQ==",
/// );
/// let verifier = CallbackVerifier::new(PlatformKey::from_text(key)?);
/// let headers = [("X-TIMESTAMP", "2024-04-10T08:45:32+07:00"), ("X-SIGNATURE", signature)];
///
/// let body = br#"{"tradeNo":"T111200242404100829509916","status":"SUCCESS"}"#;
/// let verified = verifier.verify(headers, body)?;
/// assert_eq!(verified.trade_no(), "T111200242404100829509916");
///
/// let forged = br#"{"tradeNo":"T111200242404100829509917","status":"SUCCESS"}"#;
/// assert!(matches!(verifier.verify(headers, forged), Err(SignatureError::BadSignature)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct CallbackVerifier {
    keys: Vec<PlatformKey>,
    max_age: Option<Duration>,
    max_body_bytes: usize,
    clock: Clock,
    events: Emitter,
}

impl fmt::Debug for CallbackVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackVerifier")
            .field("keys", &self.keys)
            .field("max_age", &self.max_age)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl CallbackVerifier {
    /// A verifier for one platform key.
    pub fn new(key: PlatformKey) -> Self {
        Self::with_keys(vec![key])
    }

    /// A verifier accepting any of several keys (during a key rotation).
    pub fn with_keys(keys: Vec<PlatformKey>) -> Self {
        Self {
            keys,
            max_age: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            clock: system_clock(),
            events: Emitter::default(),
        }
    }

    /// Refuses callbacks older than `max_age` (off by default: none is documented).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Refuses bodies larger than `bytes`.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Measures age with `clock` instead of the system clock.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Calls `listener` with a `callback_verified` or `callback_refused`
    /// [`Event`](crate::events::Event) for every callback checked.
    pub fn on_event(mut self, listener: EventListener) -> Self {
        self.events = Emitter::new(Some(listener));
        self
    }

    /// The keys this verifier accepts.
    pub fn keys(&self) -> &[PlatformKey] {
        &self.keys
    }

    /// Verifies a callback from its header pairs (any case) and raw body.
    pub fn verify<I, K, V>(&self, headers: I, body: &[u8]) -> Result<VerifiedCallback, SignatureError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let headers = CallbackHeaders::from_pairs(headers).map_err(|e| self.refused(e))?;
        self.verify_parts(&headers, body)
    }

    /// Verifies a callback from an `http::HeaderMap` and raw body.
    pub fn verify_header_map(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<VerifiedCallback, SignatureError> {
        let headers = CallbackHeaders::from_header_map(headers).map_err(|e| self.refused(e))?;
        self.verify_parts(&headers, body)
    }

    /// Verifies a callback from its two header values and raw body.
    pub fn verify_parts(&self, headers: &CallbackHeaders, body: &[u8]) -> Result<VerifiedCallback, SignatureError> {
        match self.check(headers, body) {
            Ok(verified) => {
                let n = &verified.notification;
                self.events.emit(Event::CallbackVerified {
                    order_no: n.order_no.clone().unwrap_or_default(),
                    trade_no: n.trade_no.clone(),
                    status: n.status.as_ref().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                });
                Ok(verified)
            }
            Err(e) => Err(self.refused(e)),
        }
    }

    fn refused(&self, error: SignatureError) -> SignatureError {
        self.events.emit(Event::CallbackRefused { check: error.kind() });
        error
    }

    fn check(&self, headers: &CallbackHeaders, body: &[u8]) -> Result<VerifiedCallback, SignatureError> {
        if body.len() > self.max_body_bytes {
            return Err(SignatureError::BodyTooLarge { size: body.len(), max: self.max_body_bytes });
        }
        let notification = parse_body(body)?;
        let signature = STANDARD.decode(headers.signature.trim()).map_err(|_| SignatureError::BadBase64)?;
        let signed = callback_string_to_sign(&notification.trade_no, &headers.timestamp);
        if !self.keys.iter().any(|k| k.verify(&signed, &signature)) {
            return Err(SignatureError::BadSignature);
        }
        if let Some(max_age) = self.max_age {
            self.check_age(&headers.timestamp, max_age)?;
        }
        Ok(VerifiedCallback { notification, timestamp: headers.timestamp.clone() })
    }

    fn check_age(&self, timestamp: &str, max_age: Duration) -> Result<(), SignatureError> {
        let sent = parse_timestamp(timestamp).ok_or(SignatureError::BadTimestamp)?;
        let age = ((self.clock)() - sent).whole_seconds();
        let max_secs = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
        let skew = i64::try_from(FUTURE_SKEW.as_secs()).unwrap_or(0);
        if age > max_secs {
            return Err(SignatureError::TooOld { age_secs: age, max_secs });
        }
        if -age > skew {
            return Err(SignatureError::FromTheFuture { ahead_secs: -age });
        }
        Ok(())
    }
}

fn parse_body(body: &[u8]) -> Result<CallbackNotification, SignatureError> {
    if body.is_empty() {
        return Err(SignatureError::UnparseableBody("the body is empty".into()));
    }
    match CallbackNotification::from_json(body) {
        Ok(n) if n.trade_no.is_empty() => Err(SignatureError::MissingTradeNo),
        Ok(n) => Ok(n),
        Err(why) => {
            // Tell a well-formed body without tradeNo apart from an unreadable one.
            let is_object_without_trade_no = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.as_object().map(|o| !o.contains_key("tradeNo")))
                .unwrap_or(false);
            if is_object_without_trade_no {
                Err(SignatureError::MissingTradeNo)
            } else {
                Err(SignatureError::UnparseableBody(why))
            }
        }
    }
}
