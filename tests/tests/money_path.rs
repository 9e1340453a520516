//! The money-path holes an outside review found (issue 10), each against a peer that
//! shares none of the SDK's code where that matters: a raw TCP server that answers
//! redirects, loose JSON text with exact numbers, and replayed or stale callbacks.

use smilepayz::{
    Case, Client, Decimal, Error, IndonesiaPayout, PayoutRequest, Status, StatusQuery, UnknownCause, VerifiedCallback,
};
use smilepayz_testkit::{MockGateway, sign_callback};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server that answers every request with the same raw HTTP response and counts the
/// requests it read in full. Written by hand so that nothing of reqwest or hyper decides
/// what is on the wire.
struct RawServer {
    url: String,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
}

impl RawServer {
    async fn start(response: String) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let (r, c) = (requests.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                let (r, response) = (r.clone(), response.clone());
                tokio::spawn(async move {
                    while read_request(&mut stream).await {
                        r.fetch_add(1, Ordering::SeqCst);
                        if stream.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        RawServer { url, requests, connections }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads one request (head, then `Content-Length` bytes); false at end of stream.
async fn read_request(stream: &mut tokio::net::TcpStream) -> bool {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return true;
            }
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}

fn client_for(base_url: &str) -> Client {
    let key = smilepayz_tests::text(&smilepayz_tests::keys(), "/merchant/pkcs8_pem").to_owned();
    Client::builder()
        .merchant_id("sandbox-20019")
        .merchant_secret("golden-test-secret-0001")
        .private_key(key)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

fn idr(order_no: &str) -> PayoutRequest {
    IndonesiaPayout::new(order_no, "Payroll", Decimal::from(150_000), "BRI", "78120011629261665").into()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_is_never_followed_and_a_redirected_payout_is_an_unknown_outcome() {
    // Where a followed redirect would go: it must never see a connection.
    let elsewhere = RawServer::start("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".to_owned()).await;
    for status in [301, 302, 303, 307, 308] {
        let location = format!("{}/v2.0/disbursement/pay-out", elsewhere.url);
        let gateway =
            RawServer::start(format!("HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"))
                .await;
        let client = client_for(&gateway.url);
        let order_no = format!("REDIRECT{status}");
        let err = client.payout(&idr(&order_no)).await.expect_err("a redirect is no answer");
        match &err {
            Error::OutcomeUnknown {
                order_no: unknown,
                cause: UnknownCause::Redirect { http_status, location: to },
            } => {
                assert_eq!(unknown.as_str(), order_no);
                assert_eq!(*http_status, status);
                assert_eq!(to.as_deref(), Some(location.as_str()));
            }
            other => panic!("HTTP {status}: expected an unknown outcome by redirect, got {other:?}"),
        }
        assert_eq!(gateway.requests(), 1, "HTTP {status}: the pay-out was sent once");

        // Reads are retried, but never follow the redirect either.
        let err = client.inquire_status(&StatusQuery::OrderNo(order_no.clone())).await.expect_err("no answer");
        assert_eq!(err.kind(), "protocol", "HTTP {status}: {err}");
        assert_eq!(gateway.requests(), 1 + 3, "HTTP {status}: the inquiry was asked three times (its budget)");
    }
    assert_eq!(elsewhere.connections(), 0, "no redirect was followed");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_over_the_size_limit_is_an_unknown_outcome() {
    let big = "x".repeat((1 << 20) + 1);
    let gateway = RawServer::start(format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{big}",
        big.len()
    ))
    .await;
    let client = client_for(&gateway.url);
    let err = client.payout(&idr("OVERSIZE01")).await.expect_err("oversized");
    assert!(
        matches!(&err, Error::OutcomeUnknown { cause: UnknownCause::Unreadable(p), .. } if p.detail.contains("larger than")),
        "{err:?}"
    );
    assert_eq!(gateway.requests(), 1);
}

#[test]
fn plain_http_only_to_loopback_and_never_user_info() {
    let key = smilepayz_tests::text(&smilepayz_tests::keys(), "/merchant/pkcs8_pem").to_owned();
    let build = |url: &str| {
        Client::builder().merchant_id("m1").merchant_secret("s").private_key(key.as_str()).base_url(url).build()
    };
    for loopback in
        ["http://127.0.0.1:9", "http://127.8.9.10:9", "http://[::1]:9", "http://localhost:9", "http://LOCALHOST"]
    {
        assert!(build(loopback).is_ok(), "{loopback}");
    }
    assert!(build("https://gateway.example").is_ok());
    for (url, says) in [
        ("http://gateway.smilepayz.com", "plain http is allowed only for loopback"),
        ("http://127.0.0.1.nip.io", "plain http is allowed only for loopback"),
        ("http://[::ffff:10.0.0.1]", "plain http is allowed only for loopback"),
        ("https://user:hunter2@gateway.example", "must not contain a user name or password"),
        ("https://user@gateway.example", "must not contain a user name or password"),
        ("https://u:hunter2@gateway.example:99999", "with user info, not shown"),
        ("https://gateway.example\t", "whitespace or control"),
    ] {
        let err = build(url).expect_err(url);
        assert!(err.to_string().contains(says), "{url}: {err}");
        assert!(!err.to_string().contains("hunter2"), "{url}: password echoed: {err}");
    }
    // The environment variable goes through the same check.
    let lookup = |name: &str| match name {
        "SMILEPAYZ_MERCHANT_ID" => Some("m1".to_owned()),
        "SMILEPAYZ_MERCHANT_SECRET" => Some("s".to_owned()),
        "SMILEPAYZ_PRIVATE_KEY" => Some(key.clone()),
        "SMILEPAYZ_BASE_URL" => Some("http://gateway.smilepayz.com".to_owned()),
        _ => None,
    };
    let err = smilepayz::ClientBuilder::from_lookup(lookup).expect("settings").build().expect_err("http");
    assert!(err.to_string().contains("plain http"), "{err}");
}

#[test]
fn json_numbers_are_read_from_their_own_text() {
    let pen = |amount: &str| {
        let text = format!(
            r#"{{"region":"PEN","orderNo":"PEN0000000001","purpose":"Pago","amount":{amount},"paymentMethod":"BCP",
            "cashAccount":"19312345678012","cashAccountType":"SAVINGS","cci":"00219300123456780123",
            "receiver":{{"name":"José","email":"j@example.pe","phone":"987654321","idType":"NID","idNumber":"45678912"}}}}"#
        );
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        PayoutRequest::from_json(value, Case::Camel)
    };
    // 10.00 céntimos is not 10 céntimos: a fractional form is refused, not rounded.
    for refused in ["10.00", "10.0", "1050.5", "1.05e3", "1E3", "10.000000000000000000000000001"] {
        let err = pen(refused).expect_err(refused);
        assert_eq!(err.violations().len(), 1, "{refused}: {err}");
        assert_eq!(err.violations()[0].path.in_case(Case::Camel), "amount", "{refused}");
    }
    let accepted = pen("1050").expect("whole céntimos");
    let body = accepted.prepare("sandbox-20019").expect("prepared");
    assert!(String::from_utf8_lossy(body.body()).contains(r#""amount":1050"#));
    let usdt = serde_json::from_str(
        r#"{"region":"USDT","orderNo":"USDT000000001","purpose":"Treasury","amount":100.2500,"network":"TRC20",
        "cashAccount":"TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ"}"#,
    )
    .expect("JSON");
    let usdt = PayoutRequest::from_json(usdt, Case::Camel).expect("4 places");
    let body = usdt.prepare("sandbox-20019").expect("prepared");
    assert!(
        String::from_utf8_lossy(body.body()).contains(r#""amount":100.25"#),
        "exact digits, trailing zeros dropped"
    );
}

/// A genuine callback of `order_no` as the mock signs it, with `edit` applied to its
/// body before verification. Only `tradeNo|X-TIMESTAMP` is signed, so it verifies.
fn replayed(gateway: &MockGateway, order_no: &str, edit: impl FnOnce(&mut serde_json::Value)) -> VerifiedCallback {
    let genuine = gateway.signed_callback(order_no).expect("callback");
    let mut body: serde_json::Value = serde_json::from_slice(&genuine.body).expect("JSON body");
    edit(&mut body);
    let timestamp = genuine.header("X-TIMESTAMP").expect("timestamp").to_owned();
    let signed = sign_callback(gateway.platform_key(), &body, &timestamp);
    assert_eq!(signed.header("X-SIGNATURE"), genuine.header("X-SIGNATURE"), "the same signature: body not signed");
    gateway.callback_verifier().verify(signed.headers, &signed.body).expect("verifies")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_genuine_callback_replayed_under_another_order_is_a_mismatch() {
    let gateway = MockGateway::start().await.expect("mock");
    let client = gateway.client_builder().build().expect("client");
    for order_no in ["VICTIMA0001", "VICTIMB0001"] {
        client.payout(&idr(order_no)).await.expect("accepted");
    }
    gateway.settle("VICTIMA0001", Status::Failed).await.expect("A failed");
    let replay = replayed(&gateway, "VICTIMA0001", |b| b["orderNo"] = "VICTIMB0001".into());
    let err = client.confirm_callback(&replay).await.expect_err("A's outcome must not be booked for B");
    assert!(matches!(&err, Error::CallbackMismatch(m) if m.field == "tradeNo"), "{err:?}");
    // It asked for B by its orderNo: the answer carried B's tradeNo, not A's.
    let asked = gateway.received().last().map(|r| String::from_utf8_lossy(&r.body).into_owned()).expect("inquiry");
    assert!(asked.contains(r#""orderNo":"VICTIMB0001""#), "{asked}");

    // A callback that names no order cannot be tied to one.
    let orphan = replayed(&gateway, "VICTIMA0001", |b| {
        b.as_object_mut().expect("object").remove("orderNo");
    });
    let err = client.confirm_callback(&orphan).await.expect_err("no orderNo");
    assert!(matches!(&err, Error::CallbackMismatch(m) if m.field == "orderNo"), "{err:?}");

    // An orderNo the gateway does not know is not this trade's.
    let unknown = replayed(&gateway, "VICTIMA0001", |b| b["orderNo"] = "NOSUCHORDER1".into());
    let err = client.confirm_callback(&unknown).await.expect_err("unknown order");
    assert!(matches!(&err, Error::CallbackMismatch(m) if m.field == "orderNo"), "{err:?}");

    // The genuine one is confirmed, and vouches for its order, trade, status and money.
    let genuine = replayed(&gateway, "VICTIMA0001", |_| {});
    let confirmed = client.confirm_callback(&genuine).await.expect("genuine");
    assert_eq!(confirmed.order_no(), "VICTIMA0001");
    assert_eq!(confirmed.trade_no(), gateway.order("VICTIMA0001").expect("order").trade_no);
    assert_eq!(confirmed.status(), Some(&Status::Failed));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_the_gateway_has_moved_past_is_stale_not_forged() {
    let gateway = MockGateway::start().await.expect("mock");
    let client = gateway.client_builder().build().expect("client");
    client.payout(&idr("STALE00001")).await.expect("accepted");
    let processing = replayed(&gateway, "STALE00001", |_| {});
    assert_eq!(processing.notification.status, Some(Status::Processing));
    gateway.settle("STALE00001", Status::Success).await.expect("settled");
    let err = client.confirm_callback(&processing).await.expect_err("stale");
    let Error::StaleCallback(stale) = &err else { panic!("expected a stale callback, got {err:?}") };
    assert_eq!(stale.announced_status(), Some(&Status::Processing));
    assert_eq!(stale.gateway_status(), Some(&Status::Success));
    assert_eq!(err.kind(), "stale_callback");

    // A final status that differs is a lie, not old news: statuses never leave a final one.
    let lie = replayed(&gateway, "STALE00001", |b| b["status"] = "FAILED".into());
    let err = client.confirm_callback(&lie).await.expect_err("lie");
    assert!(matches!(&err, Error::CallbackMismatch(m) if m.field == "status"), "{err:?}");
    // Money must match even on a stale callback.
    let more = replayed(&gateway, "STALE00001", |b| {
        b["status"] = "PROCESSING".into();
        b["money"]["amount"] = 9_150_000.into();
    });
    let err = client.confirm_callback(&more).await.expect_err("money");
    assert!(matches!(&err, Error::CallbackMismatch(m) if m.field == "money"), "{err:?}");
}
