//! Callbacks (notifications): the body the gateway sends, signed over `tradeNo|X-TIMESTAMP`
//! with the platform key by `smilepayz::signing::sign_callback`, and its delivery.

use crate::error::MockError;
use crate::orders::MockOrder;
use crate::state::Shared;
use crate::wire::CallbackBody;
use smilepayz::callback::acknowledgement;
use smilepayz::{CallbackNotification, SigningKey, Status};

/// A callback ready to send: its headers (`Content-Type`, `X-TIMESTAMP`, `X-SIGNATURE`)
/// and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCallback {
    /// Header names and values, in sending order.
    pub headers: Vec<(String, String)>,
    /// The JSON body, byte for byte.
    pub body: Vec<u8>,
}

impl SignedCallback {
    /// The value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn body_text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or_default()
    }
}

/// What a callback receiver answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackDelivery {
    /// The receiver's HTTP status.
    pub http_status: u16,
    /// The receiver's body, as text.
    pub body: String,
    /// True when the receiver answered HTTP 200 with exactly `SUCCESS`, which stops the
    /// real gateway from sending the callback again.
    pub acknowledged: bool,
}

/// A callback body handed to [`sign_callback`]: bytes or text are sent as given, a JSON
/// value is serialised (compactly) once.
pub trait CallbackPayload {
    /// The body bytes to sign and send.
    fn callback_bytes(&self) -> Vec<u8>;
}

impl CallbackPayload for [u8] {
    fn callback_bytes(&self) -> Vec<u8> {
        self.to_vec()
    }
}

impl<const N: usize> CallbackPayload for [u8; N] {
    fn callback_bytes(&self) -> Vec<u8> {
        self.to_vec()
    }
}

impl CallbackPayload for Vec<u8> {
    fn callback_bytes(&self) -> Vec<u8> {
        self.clone()
    }
}

impl CallbackPayload for str {
    fn callback_bytes(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl CallbackPayload for String {
    fn callback_bytes(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl CallbackPayload for serde_json::Value {
    fn callback_bytes(&self) -> Vec<u8> {
        // A JSON value (string keys only) always serialises.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// Signs a callback body as the gateway does, for testing a callback handler: the
/// signature covers the body's `tradeNo` and `timestamp` (`yyyy-MM-ddTHH:mm:ss±HH:mm`,
/// sent as `X-TIMESTAMP`), nothing else. A body without a readable `tradeNo` is signed
/// with an empty one, which every verifier refuses.
pub fn sign_callback<B: CallbackPayload + ?Sized>(
    platform_key: &SigningKey,
    body: &B,
    timestamp: &str,
) -> SignedCallback {
    let body = body.callback_bytes();
    let trade_no = CallbackNotification::from_json(&body).map(|n| n.trade_no).unwrap_or_default();
    let signature = smilepayz::signing::sign_callback(platform_key, &trade_no, timestamp);
    SignedCallback {
        headers: vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("X-TIMESTAMP".to_owned(), timestamp.to_owned()),
            ("X-SIGNATURE".to_owned(), signature),
        ],
        body,
    }
}

/// Sets an order's status; when the order has a `callbackUrl`, sends it the signed
/// callback and returns what the receiver answered.
pub(crate) async fn settle(
    shared: &Shared,
    order_no: &str,
    status: Status,
) -> Result<Option<CallbackDelivery>, MockError> {
    let now = shared.now();
    let order = shared
        .orders
        .update(order_no, |o| {
            o.status = status;
            o.updated_at = now;
        })
        .ok_or_else(|| MockError::UnknownOrder(order_no.to_owned()))?;
    let Some(url) = &order.callback_url else { return Ok(None) };
    let callback = for_order(shared, &order);
    deliver(&shared.callback_http, url, &callback).await.map(Some)
}

/// The callback the gateway sends for `order` now.
pub(crate) fn for_order(shared: &Shared, order: &MockOrder) -> SignedCallback {
    let body = CallbackBody::new(order, &shared.merchant_id, Shared::gateway_time(order.updated_at));
    // Plain strings and pre-formed JSON numbers always serialise.
    let body = serde_json::to_vec(&body).unwrap_or_default();
    sign_callback(&shared.platform_key, &body, &Shared::gateway_time(shared.now()))
}

/// POSTs `callback` to `url` and reads the answer.
pub(crate) async fn deliver(
    http: &reqwest::Client,
    url: &str,
    callback: &SignedCallback,
) -> Result<CallbackDelivery, MockError> {
    let failed = |e: reqwest::Error| MockError::CallbackDelivery {
        url: url.to_owned(),
        reason: smilepayz::transport::error_chain(&e),
    };
    let mut request = http.post(url).body(callback.body.clone());
    for (name, value) in &callback.headers {
        request = request.header(name, value);
    }
    let response = request.send().await.map_err(failed)?;
    let http_status = response.status().as_u16();
    let body = response.text().await.map_err(failed)?;
    let acknowledged = (http_status, body.as_str()) == acknowledgement();
    Ok(CallbackDelivery { http_status, body, acknowledged })
}
