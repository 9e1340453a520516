//! Shared helpers: gateways with keys generated once, requests, raw signed posts, and a
//! callback receiver.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use smilepayz::signing::{format_timestamp, sign_request};
use smilepayz::{Decimal, IndonesiaPayout, MerchantKey, PayoutRequest};
use smilepayz_testkit::{MockConfig, MockGateway};
use std::convert::Infallible;
use std::sync::OnceLock;
use time::{OffsetDateTime, UtcOffset};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// RSA key generation is slow: one merchant key and one platform key for all tests.
pub(crate) fn keys() -> &'static (MerchantKey, MerchantKey) {
    static KEYS: OnceLock<(MerchantKey, MerchantKey)> = OnceLock::new();
    KEYS.get_or_init(|| (MerchantKey::generate().unwrap(), MerchantKey::generate().unwrap()))
}

/// A config with the shared keys and a fresh secret.
pub(crate) fn config() -> MockConfig {
    let (merchant, platform) = keys();
    MockConfig { merchant_key: Some(merchant.clone()), platform_key: Some(platform.clone()), ..MockConfig::default() }
}

/// A started gateway with the shared keys.
pub(crate) async fn gateway() -> MockGateway {
    MockGateway::start_with(config()).await.unwrap()
}

/// The pay-out of the brief: IDR 150000 to BRI 78120011629261665.
pub(crate) fn idr(order_no: &str) -> PayoutRequest {
    IndonesiaPayout::new(order_no, "Payroll", Decimal::from(150_000), "BRI", "78120011629261665").into()
}

/// The same with a callback address.
pub(crate) fn idr_with_callback(order_no: &str, url: &str) -> PayoutRequest {
    let mut p = IndonesiaPayout::new(order_no, "Payroll", Decimal::from(150_000), "BRI", "78120011629261665");
    p.callback_url = Some(url.to_owned());
    p.into()
}

/// Headers a raw request carries; each may be overridden or left out.
pub(crate) struct Signing {
    pub(crate) partner: Option<String>,
    pub(crate) timestamp: Option<String>,
    pub(crate) secret: String,
    pub(crate) key: MerchantKey,
    pub(crate) sign: bool,
}

impl Signing {
    /// Correct headers for `gw`, timestamp now.
    pub(crate) fn valid(gw: &MockGateway) -> Self {
        Signing {
            partner: Some(gw.merchant_id().to_owned()),
            timestamp: Some(format_timestamp(OffsetDateTime::now_utc(), UtcOffset::UTC)),
            secret: gw.merchant_secret().to_owned(),
            key: MerchantKey::from_text(&gw.merchant_private_key_pem()).unwrap(),
            sign: true,
        }
    }
}

/// An answer read as JSON.
pub(crate) struct Raw {
    pub(crate) status: u16,
    pub(crate) text: String,
    pub(crate) json: Value,
}

/// POSTs `body` to `path` with the headers `signing` describes.
pub(crate) async fn post(gw: &MockGateway, path: &str, body: &[u8], signing: &Signing) -> Raw {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", gw.base_url()))
        .header("Content-Type", "application/json")
        .body(body.to_vec());
    if let Some(p) = &signing.partner {
        request = request.header("X-PARTNER-ID", p);
    }
    if let Some(t) = &signing.timestamp {
        request = request.header("X-TIMESTAMP", t);
        if signing.sign {
            request = request.header("X-SIGNATURE", sign_request(&signing.key, t, &signing.secret, body));
        }
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Raw { status, text, json }
}

/// POSTs a correctly signed `body`.
pub(crate) async fn post_signed(gw: &MockGateway, path: &str, body: &[u8]) -> Raw {
    post(gw, path, body, &Signing::valid(gw)).await
}

/// One callback as received: header pairs and body.
pub(crate) type Received = (Vec<(String, String)>, Vec<u8>);

/// A callback endpoint on 127.0.0.1 answering HTTP 200 with `answer`.
pub(crate) struct Receiver {
    pub(crate) url: String,
    pub(crate) callbacks: mpsc::UnboundedReceiver<Received>,
}

pub(crate) async fn callback_receiver(answer: &'static str) -> Receiver {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/smilepayz/callback", listener.local_addr().unwrap());
    let (tx, callbacks) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let tx = tx.clone();
                async move {
                    let (parts, body) = request.into_parts();
                    let body = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
                    let headers = parts
                        .headers
                        .iter()
                        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
                        .collect();
                    let _ = tx.send((headers, body));
                    Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from_static(answer.as_bytes()))))
                }
            });
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Receiver { url, callbacks }
}

/// An address on 127.0.0.1 where nothing listens.
pub(crate) async fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/callback")
}

/// A correctly signed pay-out body for `order_no` at `gw`.
pub(crate) fn payout_body(gw: &MockGateway, order_no: &str) -> Vec<u8> {
    format!(
        r#"{{"orderNo":"{order_no}","purpose":"Payroll","merchant":{{"merchantId":"{}"}},"money":{{"currency":"IDR","amount":150000}},"paymentMethod":"BRI","cashAccount":"78120011629261665"}}"#,
        gw.merchant_id()
    )
    .into_bytes()
}

/// A signed pay-out for `order_no` as raw HTTP/1.1 bytes (keep-alive), for probes that
/// watch the wire: `(head, body)`.
pub(crate) fn raw_payout(gw: &MockGateway, order_no: &str) -> (Vec<u8>, Vec<u8>) {
    let body = payout_body(gw, order_no);
    let s = Signing::valid(gw);
    let timestamp = s.timestamp.clone().unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\nx-partner-id: {}\r\nx-timestamp: {timestamp}\r\nx-signature: {}\r\ncontent-length: {}\r\n\r\n",
        smilepayz::transport::PAYOUT_PATH,
        gw.base_url().trim_start_matches("http://"),
        gw.merchant_id(),
        sign_request(&s.key, &timestamp, &s.secret, &body),
        body.len(),
    );
    (head.into_bytes(), body)
}

/// A reqwest client that follows no redirect, so a probe sees the 3xx itself.
pub(crate) fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().build().unwrap()
}

/// POSTs a signed pay-out for `order_no` with `http`.
pub(crate) async fn send_payout(
    http: &reqwest::Client,
    gw: &MockGateway,
    order_no: &str,
) -> reqwest::Result<reqwest::Response> {
    let (_, body) = raw_payout(gw, order_no);
    let s = Signing::valid(gw);
    let timestamp = s.timestamp.clone().unwrap();
    http.post(format!("{}{}", gw.base_url(), smilepayz::transport::PAYOUT_PATH))
        .header("Content-Type", "application/json")
        .header("X-PARTNER-ID", gw.merchant_id())
        .header("X-SIGNATURE", sign_request(&s.key, &timestamp, &s.secret, &body))
        .header("X-TIMESTAMP", timestamp)
        .body(body)
        .send()
        .await
}
