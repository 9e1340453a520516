//! Production controls (issue 12), Rust side: every event kind is emitted in a scenario
//! against the mock gateway and none carries a secret, key material or a full account
//! number; requests go through an explicitly chosen proxy, from a chosen local address,
//! within a per-call timeout.

use smilepayz::events::{Event, EventListener};
use smilepayz::{CallbackVerifier, CancelToken, Client, Error, ProxySetting, RetryPolicy, Status, StatusQuery};
use smilepayz_testkit::{Endpoint, Fault, MockGateway, sign_callback};
use smilepayz_tests::{golden_request, read_http_message};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn recorder() -> (EventListener, Arc<Mutex<Vec<Event>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    (Arc::new(move |e: &Event| log.lock().expect("lock").push(e.clone())), seen)
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy { max_attempts: 5, initial_backoff: Duration::from_millis(50), max_backoff: Duration::from_millis(200) }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_event_kind_occurs_and_none_carries_a_secret_or_a_full_account() {
    let gateway = MockGateway::start().await.expect("mock gateway");
    let (listener, seen) = recorder();
    let client = gateway
        .client_builder()
        .retry(fast_retries())
        .timeout(Duration::from_secs(2))
        .on_event(listener.clone())
        .build()
        .expect("client");
    let verifier = CallbackVerifier::new(gateway.platform_public_key()).on_event(listener);

    // request, response, retry (the first connections are refused: nothing was sent).
    gateway.refuse_connections_for(Duration::from_millis(120)).await;
    let request = golden_request("idr-minimal", "EVENTS0001");
    let accepted = client.payout(&request).await.expect("accepted after retries");
    // outcome_unknown
    gateway.inject(Endpoint::Payout, Fault::DropAfterAccept);
    let err = client.payout(&golden_request("idr-minimal", "EVENTS0002")).await.expect_err("dropped");
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err}");
    // callback_verified, callback_confirmed
    gateway.settle("EVENTS0001", Status::Success).await.expect("settled");
    let signed = gateway.signed_callback("EVENTS0001").expect("callback");
    let callback = verifier.verify(signed.headers.clone(), &signed.body).expect("verifies");
    client.confirm_callback(&callback).await.expect("confirmed");
    // callback_refused: the same callback with one byte of the signature changed
    let mut tampered = signed.headers.clone();
    for (name, value) in &mut tampered {
        if name == "X-SIGNATURE" {
            let flipped = if value.starts_with('A') { "B" } else { "A" };
            value.replace_range(0..1, flipped);
        }
    }
    verifier.verify(tampered, &signed.body).expect_err("refused");
    // callback_mismatch: a genuine trade number with a status the gateway contradicts
    let trade_no = accepted.trade_no.expect("trade number");
    let lie = serde_json::json!({"orderNo": "EVENTS0001", "tradeNo": trade_no, "status": "FAILED",
        "money": {"currency": "IDR", "amount": 150_000}});
    let lie = sign_callback(gateway.platform_key(), &lie, "2024-04-10T08:45:32+07:00");
    let lie = verifier.verify(lie.headers, &lie.body).expect("signature verifies");
    client.confirm_callback(&lie).await.expect_err("contradicted");

    let events = seen.lock().expect("lock").clone();
    let names: Vec<&str> = events.iter().map(Event::name).collect();
    for name in Event::NAMES {
        assert!(names.contains(&name), "no {name} event in {names:?}");
    }
    let retry = events.iter().find(|e| matches!(e, Event::Retry { .. })).expect("retry");
    assert!(matches!(retry, Event::Retry { order_no: Some(o), attempt: 1, .. } if o == "EVENTS0001"), "{retry:?}");
    assert!(events.iter().any(|e| matches!(e,
        Event::Response { order_no: Some(o), http_status: 200, gateway_code: Some(code), .. }
            if o == "EVENTS0001" && code == "00")));
    assert!(events.iter().any(|e| matches!(e,
        Event::OutcomeUnknown { order_no, cause: "connection_lost" } if order_no == "EVENTS0002")));
    assert!(events.iter().any(|e| matches!(e, Event::CallbackRefused { check: "bad_signature" })));
    assert!(events.iter().any(|e| matches!(e, Event::CallbackMismatch { field: "status", stale: false, .. })));

    let account_input = smilepayz_tests::golden_input("idr-minimal");
    let account = smilepayz_tests::text(&account_input, "/cashAccount");
    let key_body: String = gateway.merchant_private_key_pem().lines().filter(|l| !l.starts_with("-----")).collect();
    for event in &events {
        let text = serde_json::to_string(event).expect("serialises") + &format!("{event:?}");
        assert!(!text.contains(gateway.merchant_secret()), "secret in {text}");
        assert!(!text.contains(account), "full account number in {text}");
        assert!(!text.contains(&key_body[..40]), "private key material in {text}");
        assert!(!text.contains(&gateway.platform_public_key_base64()[..40]), "key material in {text}");
    }
    let masked = events.iter().find_map(|e| match e {
        Event::Request { account: Some(a), .. } => Some(a.clone()),
        _ => None,
    });
    assert_eq!(masked.as_deref(), Some("****1665"));
}

/// A forward HTTP proxy written here: reads one request in absolute form, sends it on in
/// origin form to the host it names, and relays the answer. Records what it forwarded.
struct ForwardProxy {
    url: String,
    forwarded: Arc<Mutex<Vec<String>>>,
}

impl ForwardProxy {
    async fn start() -> ForwardProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let forwarded = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&forwarded);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, Arc::clone(&log)));
            }
        });
        ForwardProxy { url, forwarded }
    }
}

async fn relay(mut client: TcpStream, log: Arc<Mutex<Vec<String>>>) {
    let Some((head, body)) = read_http_message(&mut client).await else { return };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let Some(rest) = target.strip_prefix("http://") else { return };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    log.lock().expect("lock").push(target.to_owned());
    let Ok(mut upstream) = TcpStream::connect(authority).await else { return };
    let headers: Vec<&str> = lines.filter(|l| !l.to_ascii_lowercase().starts_with("connection:")).collect();
    let forward = format!("{method} {path} HTTP/1.1\r\n{}\r\nConnection: close\r\n\r\n", headers.join("\r\n"));
    if upstream.write_all(forward.as_bytes()).await.is_err() || upstream.write_all(&body).await.is_err() {
        return;
    }
    let mut answer = Vec::new();
    if upstream.read_to_end(&mut answer).await.is_ok() {
        let _ = client.write_all(&answer).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_explicit_proxy_carries_every_request() {
    let gateway = MockGateway::start().await.expect("mock gateway");
    let proxy = ForwardProxy::start().await;
    let client = gateway.client_builder().proxy(proxy.url.clone()).build().expect("client");
    client.payout(&golden_request("idr-minimal", "PROXY00001")).await.expect("accepted through the proxy");
    client.inquire_status(&StatusQuery::OrderNo("PROXY00001".into())).await.expect("status through the proxy");
    let forwarded = proxy.forwarded.lock().expect("lock").clone();
    assert_eq!(
        forwarded,
        [
            format!("{}/v2.0/disbursement/pay-out", gateway.base_url()),
            format!("{}/v2.0/inquiry-status", gateway.base_url())
        ]
    );
    assert_eq!(gateway.payout_requests_for("PROXY00001"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn proxy_settings_are_checked_and_never_echo_a_password() {
    let gateway = MockGateway::start().await.expect("mock gateway");
    for bad in ["socks5://user:hunter2@proxy.example:1080", "http://user:hunter2@", "not a url"] {
        let err = gateway.client_builder().proxy(bad).build().expect_err("refused");
        assert!(matches!(err, Error::Config { .. }), "{err}");
        assert!(err.to_string().contains("proxy"), "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let debug = format!("{:?}", gateway.client_builder().proxy(bad));
        assert!(!debug.contains("hunter2"), "{debug}");
    }
    let from_env = gateway.client_builder().proxy_setting(ProxySetting::FromEnvironment).build();
    assert!(from_env.is_ok());
}

/// Records the peer address of every connection and answers each with a refusal.
async fn peer_recorder() -> (String, Arc<Mutex<Vec<SocketAddr>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let peers = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&peers);
    tokio::spawn(async move {
        while let Ok((mut stream, peer)) = listener.accept().await {
            log.lock().expect("lock").push(peer);
            tokio::spawn(async move {
                if read_http_message(&mut stream).await.is_some() {
                    let body = r#"{"code":"4040001","message":"no such account"}"#;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(answer.as_bytes()).await;
                }
            });
        }
    });
    (url, peers)
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_leave_from_the_chosen_local_address() {
    let (url, peers) = peer_recorder().await;
    let local = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let gateway = MockGateway::start().await.expect("keys");
    let client = gateway.client_builder().base_url(url).local_address(local).build().expect("client");
    client.inquire_balance("ACC1").await.expect_err("refused by the gateway");
    let peers = peers.lock().expect("lock").clone();
    assert!(!peers.is_empty());
    assert!(peers.iter().all(|p| p.ip() == local), "{peers:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_ipv6_address_with_ipv4_only_is_a_configuration_error() {
    let gateway = MockGateway::start().await.expect("mock gateway");
    let err = gateway
        .client_builder()
        .ipv4_only(true)
        .local_address("::1".parse().expect("ip"))
        .build()
        .expect_err("contradiction");
    assert!(err.to_string().contains("ipv4_only"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn extra_ca_certificates_must_be_pem_certificates() {
    let gateway = MockGateway::start().await.expect("mock gateway");
    for bad in ["", "not pem", &gateway.merchant_private_key_pem()] {
        let err = gateway.client_builder().add_root_certificates_pem(bad).build().expect_err("refused");
        let text = err.to_string();
        assert!(text.contains("extra CA certificate #1"), "{text}");
        assert!(!text.contains("PRIVATE KEY") && !text.contains(gateway.merchant_secret()), "{text}");
    }
}

/// An HTTPS server on loopback with a certificate for `localhost` issued by the test CA of
/// tests/vectors/tls (made with openssl, valid until 2126); answers every request with a
/// gateway refusal. Returns its port and how many requests it read.
async fn https_gateway() -> (u16, Arc<Mutex<usize>>) {
    use tokio_rustls::rustls::ServerConfig;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = smilepayz_tests::vectors_dir().join("tls");
    let certs = CertificateDer::pem_file_iter(dir.join("server.pem")).expect("pem").collect::<Result<Vec<_>, _>>();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).expect("key");
    let config = ServerConfig::builder().with_no_client_auth().with_single_cert(certs.expect("certs"), key);
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config.expect("tls config")));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let requests = Arc::new(Mutex::new(0));
    let count = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, count) = (acceptor.clone(), Arc::clone(&count));
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let mut buf = vec![0u8; 16 * 1024];
                let Ok(n) = tls.read(&mut buf).await else { return };
                if n == 0 {
                    return;
                }
                *count.lock().expect("lock") += 1;
                let body = r#"{"code":"4040001","message":"no such account"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, requests)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_extra_ca_certificate_is_trusted_and_only_when_given() {
    let (port, requests) = https_gateway().await;
    let gateway = MockGateway::start().await.expect("keys");
    let base_url = format!("https://localhost:{port}");
    let ca = std::fs::read_to_string(smilepayz_tests::vectors_dir().join("tls/ca.pem")).expect("ca");

    let untrusting = gateway.client_builder().base_url(base_url.clone()).retry(RetryPolicy::none()).build();
    let err = untrusting.expect("client").inquire_balance("ACC1").await.expect_err("unknown issuer");
    assert!(matches!(err, Error::Transport(_)), "{err}");
    assert_eq!(*requests.lock().expect("lock"), 0, "no request over a connection it could not trust");

    let trusting = gateway.client_builder().base_url(base_url).add_root_certificates_pem(ca).build().expect("client");
    let err = trusting.inquire_balance("ACC1").await.expect_err("the server refuses the account");
    assert!(matches!(&err, Error::Api(api) if api.code == "4040001"), "{err}");
    assert_eq!(*requests.lock().expect("lock"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_per_call_timeout_bounds_one_call_and_leaves_the_client_alone() {
    let gateway = MockGateway::start().await.expect("mock gateway");
    let client: Client = gateway.client_builder().timeout(Duration::from_secs(5)).build().expect("client");
    assert_eq!(client.request_timeout(), Duration::from_secs(5));
    assert_eq!(client.with_timeout(Duration::from_millis(200)).unwrap().request_timeout(), Duration::from_millis(200));
    assert_eq!(gateway.client_builder().build().unwrap().request_timeout(), Duration::from_secs(30), "the default");
    gateway.inject(Endpoint::Payout, Fault::Delay(Duration::from_millis(800)));
    let started = std::time::Instant::now();
    let err = client
        .with_timeout(Duration::from_millis(200))
        .expect("timeout")
        .payout(&golden_request("idr-minimal", "TIMEOUT001"))
        .await
        .expect_err("timed out");
    assert!(matches!(&err, Error::OutcomeUnknown { cause, .. } if cause.kind() == "timeout"), "{err}");
    assert!(started.elapsed() < Duration::from_millis(700), "{:?}", started.elapsed());
    gateway.inject(Endpoint::Payout, Fault::Delay(Duration::from_millis(300)));
    client.payout(&golden_request("idr-minimal", "TIMEOUT002")).await.expect("the client's own 5 s timeout");
    assert!(client.with_timeout(Duration::ZERO).is_err());
}

/// Cancels `token` after `after`.
fn cancel_after(token: &CancelToken, after: Duration) {
    let token = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        token.cancel();
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_call_that_never_started_sends_nothing() {
    let gateway = MockGateway::start().await.expect("mock gateway");
    let client = gateway.client_builder().build().expect("client");
    let token = CancelToken::new();
    token.cancel();
    let request = golden_request("idr-minimal", "CANCEL0001");
    let err = client.with_cancel(token).payout(&request).await.expect_err("stopped");
    assert!(matches!(&err, Error::Aborted(_)), "{err}");
    assert_eq!(err.code(), "SMILEPAYZ_ABORTED");
    assert_eq!(gateway.payout_requests_for("CANCEL0001"), 0);
    assert!(gateway.received().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pay_out_cancelled_on_its_way_is_an_unknown_outcome_and_did_arrive() {
    let gateway = MockGateway::start().await.expect("mock gateway");
    let client = gateway.client_builder().build().expect("client");
    gateway.inject(Endpoint::Payout, Fault::Delay(Duration::from_millis(600)));
    let token = CancelToken::new();
    cancel_after(&token, Duration::from_millis(150));
    let started = std::time::Instant::now();
    let request = golden_request("idr-minimal", "CANCEL0002");
    let err = client.with_cancel(token).payout(&request).await.expect_err("stopped");
    assert!(started.elapsed() < Duration::from_millis(550), "stopped waiting at once: {:?}", started.elapsed());
    assert!(matches!(&err, Error::OutcomeUnknown { cause, .. } if cause.kind() == "aborted"), "{err}");
    assert_eq!(gateway.payout_requests_for("CANCEL0002"), 1, "the gateway has it: reconcile, never resend");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pay_out_cancelled_while_waiting_after_a_refused_connection_sends_nothing() {
    let gateway = MockGateway::start().await.expect("mock gateway");
    let (listener, seen) = recorder();
    // The first backoff is exactly 0..400 ms; a cancel 50 ms after the first refusal
    // lands either in that wait or in the next connection attempt: nothing was sent.
    let retry = RetryPolicy {
        max_attempts: 10,
        initial_backoff: Duration::from_millis(400),
        max_backoff: Duration::from_secs(1),
    };
    let client = gateway.client_builder().retry(retry).on_event(listener).build().expect("client");
    gateway.refuse_connections_for(Duration::from_secs(2)).await;
    let token = CancelToken::new();
    cancel_after(&token, Duration::from_millis(50));
    let request = golden_request("idr-minimal", "CANCEL0003");
    let err = client.with_cancel(token).payout(&request).await.expect_err("stopped");
    let aborted = matches!(&err, Error::Aborted(_));
    let unknown = matches!(&err, Error::OutcomeUnknown { cause, .. } if cause.kind() == "aborted");
    assert!(aborted || unknown, "{err}");
    let events = seen.lock().expect("lock").clone();
    assert!(events.iter().any(|e| matches!(e, Event::Request { .. })), "{events:?}");
    assert!(!events.iter().any(|e| matches!(e, Event::Response { .. })), "{events:?}");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(gateway.payout_requests_for("CANCEL0003"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_read_is_aborted() {
    let gateway = MockGateway::start().await.expect("mock gateway");
    let client = gateway.client_builder().build().expect("client");
    gateway.inject(Endpoint::Balance, Fault::Delay(Duration::from_millis(800)));
    let token = CancelToken::new();
    cancel_after(&token, Duration::from_millis(100));
    let view = client.with_cancel(token).with_timeout(Duration::from_secs(5)).expect("timeout");
    let err = view.inquire_balance("ACC1").await.expect_err("stopped");
    assert!(matches!(&err, Error::Aborted(_)), "{err}");
}
