//! The money-path holes an outside review found (issue 10), each against a peer that
//! shares none of the SDK's code: a gateway written by hand over raw TCP (redirects,
//! oversized answers, inquiry answers in the real shape, without `orderNo`), loose JSON
//! text with exact numbers, and callbacks signed with the test platform key.
//!
//! The assertions use only what the SDK had before the fixes (error kinds, cause kinds,
//! messages), so the same file compiles against the commit before them and fails there.

use serde_json::{Value, json};
use smilepayz::signing::MerchantKey;
use smilepayz::{CallbackVerifier, Case, Client, Error, PayoutRequest, PlatformKey, StatusQuery};
use smilepayz_testkit::sign_callback;
use smilepayz_tests::{golden_request, keys, text};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// A server written by hand, so that nothing of reqwest, hyper or the mock gateway decides
/// what is on the wire: each request read in full gets the raw HTTP response that
/// `answer(path, body)` returns. It counts connections and requests.
struct RawServer {
    url: String,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
}

type Answerer = Arc<dyn Fn(&str, &str) -> String + Send + Sync>;

impl RawServer {
    /// Answers every request with the same raw response.
    async fn fixed(response: String) -> RawServer {
        Self::start(Arc::new(move |_: &str, _: &str| response.clone())).await
    }

    async fn start(answer: Answerer) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let (r, c) = (requests.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                let (r, answer) = (r.clone(), answer.clone());
                tokio::spawn(async move {
                    while let Some((path, body)) = read_request(&mut stream).await {
                        r.fetch_add(1, Ordering::SeqCst);
                        if stream.write_all(answer(&path, &body).as_bytes()).await.is_err() {
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

/// `200 OK` with a JSON body.
fn json_answer(body: &str) -> String {
    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
}

/// Reads one request: its path and body; `None` at the end of the stream.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<(String, String)> {
    let (head, body) = smilepayz_tests::read_http_message(stream).await?;
    let path = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
    Some((path, String::from_utf8_lossy(&body).into_owned()))
}

fn client_for(base_url: &str) -> Client {
    Client::builder()
        .merchant_id("sandbox-20019")
        .merchant_secret("golden-test-secret-0001")
        .private_key(text(&keys(), "/merchant/pkcs8_pem"))
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

fn idr(order_no: &str) -> PayoutRequest {
    golden_request("idr-minimal", order_no)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_is_never_followed_and_a_redirected_payout_is_an_unknown_outcome() {
    // Where a followed redirect would go: it must never see a connection.
    let elsewhere = RawServer::fixed(json_answer("{}")).await;
    for status in [301, 302, 303, 307, 308] {
        let location = format!("{}/v2.0/disbursement/pay-out", elsewhere.url);
        let gateway =
            RawServer::fixed(format!("HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"))
                .await;
        let client = client_for(&gateway.url);
        let order_no = format!("REDIRECT{status}");
        let err = client.payout(&idr(&order_no)).await.expect_err("a redirect is no answer");
        match &err {
            Error::OutcomeUnknown { order_no: unknown, cause } => {
                assert_eq!(unknown.as_str(), order_no);
                assert_eq!(cause.kind(), "redirect", "HTTP {status}: {cause}");
                assert!(err.to_string().contains(&location), "HTTP {status}: names the Location: {err}");
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
    let gateway = RawServer::fixed(json_answer(&"x".repeat((1 << 20) + 1))).await;
    let err = client_for(&gateway.url).payout(&idr("OVERSIZE01")).await.expect_err("oversized");
    assert!(
        matches!(&err, Error::OutcomeUnknown { cause, .. } if cause.kind() == "unreadable" && cause.to_string().contains("larger than")),
        "{err:?}"
    );
    assert_eq!(gateway.requests(), 1);
}

#[test]
fn plain_http_only_to_loopback_and_never_user_info() {
    let key = text(&keys(), "/merchant/pkcs8_pem").to_owned();
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
        let value: Value = serde_json::from_str(&text).expect("JSON");
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

/// Two orders as the real gateway keeps them, answering `/v2.0/inquiry-status` in the real
/// shape: `tradeNo`, `status`, `money` and no `orderNo`.
struct Trade {
    order_no: &'static str,
    trade_no: &'static str,
    status: &'static str,
}

const A: Trade = Trade { order_no: "VICTIMA0001", trade_no: "T2024041000000A", status: "FAILED" };
const B: Trade = Trade { order_no: "VICTIMB0001", trade_no: "T2024041000000B", status: "PROCESSING" };
const STALE: Trade = Trade { order_no: "STALE000001", trade_no: "T2024041000000S", status: "SUCCESS" };

async fn real_shape_gateway() -> RawServer {
    RawServer::start(Arc::new(|path: &str, body: &str| {
        let asked: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let found = [A, B, STALE].into_iter().find(|t| {
            asked.get("orderNo").and_then(Value::as_str) == Some(t.order_no)
                || asked.get("tradeNo").and_then(Value::as_str) == Some(t.trade_no)
        });
        match (path, found) {
            ("/v2.0/inquiry-status", Some(t)) => json_answer(
                &json!({"code": "00", "message": "Successful", "tradeNo": t.trade_no, "tradeType": 2,
                    "paymentMethod": "BRI", "money": {"currency": "IDR", "amount": 150000}, "status": t.status,
                    "remark": ""})
                .to_string(),
            ),
            _ => json_answer(r#"{"code":"4040001","message":"order not found"}"#),
        }
    }))
    .await
}

/// A callback signed with the test platform key as Smilepayz signs it (`tradeNo|X-TIMESTAMP`
/// only), then verified.
fn callback(body: Value) -> smilepayz::VerifiedCallback {
    let platform = MerchantKey::from_text(text(&keys(), "/platform/private_pkcs8_pem")).expect("platform key");
    let signed = sign_callback(&platform, &body, "2024-04-10T08:45:32+07:00");
    let public = PlatformKey::from_text(text(&keys(), "/platform/public_spki_base64")).expect("public key");
    CallbackVerifier::new(public).verify(signed.headers, &signed.body).expect("the signature verifies")
}

fn callback_body(trade: &Trade, order_no: Option<&str>, status: &str) -> Value {
    let mut body = json!({"tradeNo": trade.trade_no, "status": status, "money": {"currency": "IDR", "amount": 150000}});
    if let Some(order_no) = order_no {
        body["orderNo"] = order_no.into();
    }
    body
}

fn mismatch_field(err: &Error) -> Option<&'static str> {
    match err {
        Error::CallbackMismatch(m) => Some(m.field),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_genuine_callback_replayed_under_another_order_is_a_mismatch() {
    let gateway = real_shape_gateway().await;
    let client = client_for(&gateway.url);
    // A's genuine FAILED callback, resent with B's orderNo: booking it would mark B failed.
    let replay = callback(callback_body(&A, Some(B.order_no), "FAILED"));
    let err = client.confirm_callback(&replay).await.expect_err("A's outcome must not be booked for B");
    assert_eq!(mismatch_field(&err), Some("tradeNo"), "{err:?}");
    // A callback that names no order cannot be tied to one.
    let orphan = callback(callback_body(&A, None, "FAILED"));
    let err = client.confirm_callback(&orphan).await.expect_err("no orderNo");
    assert_eq!(mismatch_field(&err), Some("orderNo"), "{err:?}");
    // An orderNo the gateway does not know is not this trade's (once its code is known).
    let strange = callback(callback_body(&A, Some("NOSUCHORDER1"), "FAILED"));
    let err = client.confirm_callback(&strange).await.expect_err("unknown order");
    assert_eq!(err.kind(), "api", "without configured not-found codes the refusal is the gateway's: {err:?}");
    let knowing = Client::builder()
        .merchant_id("sandbox-20019")
        .merchant_secret("golden-test-secret-0001")
        .private_key(text(&keys(), "/merchant/pkcs8_pem"))
        .base_url(&gateway.url)
        .order_not_found_codes(["4040001"])
        .build()
        .expect("client");
    let err = knowing.confirm_callback(&strange).await.expect_err("unknown order");
    assert_eq!(mismatch_field(&err), Some("orderNo"), "{err:?}");
    // The genuine one is confirmed.
    let genuine = client.confirm_callback(&callback(callback_body(&A, Some(A.order_no), "FAILED"))).await;
    let confirmed = genuine.expect("genuine");
    assert_eq!(confirmed.callback.order_no.as_deref(), Some(A.order_no));
    assert_eq!(confirmed.inquiry.trade_no.as_deref(), Some(A.trade_no));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_the_gateway_has_moved_past_is_stale_not_forged() {
    let gateway = real_shape_gateway().await;
    let client = client_for(&gateway.url);
    let processing = callback(callback_body(&STALE, Some(STALE.order_no), "PROCESSING"));
    let err = client.confirm_callback(&processing).await.expect_err("stale");
    assert_eq!(err.kind(), "stale_callback", "{err:?}");
    let fields = smilepayz_interop::error_fields(&err, Case::Camel);
    assert_eq!(fields["announcedStatus"], "PROCESSING");
    assert_eq!(fields["gatewayStatus"], "SUCCESS");
    // A final status that differs is a lie, not old news: statuses never leave a final one.
    let lie = callback(callback_body(&STALE, Some(STALE.order_no), "FAILED"));
    assert_eq!(mismatch_field(&client.confirm_callback(&lie).await.expect_err("lie")), Some("status"));
    // Money must match even on a stale callback.
    let mut more = callback_body(&STALE, Some(STALE.order_no), "PROCESSING");
    more["money"]["amount"] = 9_150_000.into();
    assert_eq!(mismatch_field(&client.confirm_callback(&callback(more)).await.expect_err("money")), Some("money"));
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_connections_are_closed_before_a_server_keep_alive_could_race_a_payout() {
    let gateway = RawServer::fixed(json_answer(r#"{"code":"4040001","message":"no such account"}"#)).await;
    let client = client_for(&gateway.url);
    client.inquire_balance("ACC1").await.expect_err("refused");
    client.inquire_balance("ACC1").await.expect_err("refused");
    assert_eq!(gateway.connections(), 1, "back-to-back requests share the kept-alive connection");
    tokio::time::sleep(smilepayz::client::POOL_IDLE_TIMEOUT + Duration::from_millis(600)).await;
    client.inquire_balance("ACC1").await.expect_err("refused");
    assert_eq!(gateway.connections(), 2, "a connection idle past the limit is not reused");
}

/// The child half of `proxy_environment_variables_are_ignored`: run in a process of its
/// own whose environment names a proxy (setting variables in this process would race
/// the other tests).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "run by proxy_environment_variables_are_ignored in a child process"]
async fn child_pays_out_with_proxy_variables_set() {
    let Ok(gateway) = std::env::var("MONEY_PATH_GATEWAY") else { return };
    client_for(&gateway).inquire_balance("ACC1").await.expect_err("the gateway refuses");
}

#[tokio::test(flavor = "multi_thread")]
async fn proxy_environment_variables_are_ignored() {
    let proxy = RawServer::fixed(json_answer(r#"{"code":"4070001","message":"proxied"}"#)).await;
    let gateway = RawServer::fixed(json_answer(r#"{"code":"4040001","message":"no such account"}"#)).await;
    let exe = std::env::current_exe().expect("test binary");
    let status = tokio::process::Command::new(exe)
        .args(["--exact", "child_pays_out_with_proxy_variables_set", "--ignored", "--quiet"])
        .env("MONEY_PATH_GATEWAY", &gateway.url)
        .env("HTTP_PROXY", &proxy.url)
        .env("http_proxy", &proxy.url)
        .env("HTTPS_PROXY", &proxy.url)
        .env("ALL_PROXY", &proxy.url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .status()
        .await
        .expect("child test ran");
    assert!(status.success(), "child test failed: {status}");
    assert_eq!(gateway.requests(), 1, "the request went straight to the gateway");
    assert_eq!(proxy.connections(), 0, "no connection to the proxy named in the environment");
}
