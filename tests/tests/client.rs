//! Client behaviour that needs no gateway: configuration, redaction, validation before
//! sending, and retries when nothing can be sent.

use smilepayz::{
    BlockingClient, Client, ClientBuilder, Decimal, Error, IndonesiaPayout, PayoutRequest, RetryPolicy, StatusQuery,
};
use smilepayz_tests::{golden_request, keys, text};
use std::time::{Duration, Instant};

const SECRET: &str = "client-test-secret-9f8e7d";

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .merchant_id("sandbox-20019")
        .merchant_secret(SECRET)
        .private_key(text(&keys(), "/merchant/pkcs8_pem"))
        .base_url(base_url)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(40),
        })
}

/// A loopback port with nothing listening on it.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn payout(order_no: &str) -> PayoutRequest {
    golden_request("idr-minimal", order_no)
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_after_the_retry_budget() {
    let client = builder(&closed_port_url()).build().expect("client");
    let started = Instant::now();
    let err = client.payout(&payout("ORDER0001")).await.expect_err("nothing listens");
    assert_eq!(err.kind(), "transport", "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let err = client.inquire_status(&StatusQuery::OrderNo("ORDER0001".into())).await.expect_err("refused");
    assert_eq!(err.kind(), "transport");
}

#[tokio::test]
async fn an_invalid_request_is_refused_before_anything_is_sent() {
    let client = builder(&closed_port_url()).build().expect("client");
    // Built unchecked (the typed constructor), so that the client is the one to refuse it.
    let invalid = IndonesiaPayout::new("BAD-ORDER", "Payroll", Decimal::from(150_000), "BRI", "78120011629261665");
    let err = client.payout(&invalid.into()).await.expect_err("invalid");
    match err {
        Error::Validation(v) => assert_eq!(v.violations()[0].path.to_string(), "order_no"),
        other => panic!("expected a validation error, got {other}"),
    }
}

#[tokio::test]
async fn inquiries_need_an_identifier() {
    let client = builder(&closed_port_url()).build().expect("client");
    assert_eq!(client.inquire_status(&StatusQuery::TradeNo(String::new())).await.expect_err("empty").kind(), "config");
    assert_eq!(client.inquire_balance("  ").await.expect_err("empty").kind(), "config");
    assert_eq!(client.reconcile_payout("no").await.expect_err("invalid order").kind(), "validation");
}

#[test]
fn debug_output_redacts_credentials() {
    let key = text(&keys(), "/merchant/pkcs8_pem").to_owned();
    let b = builder("http://127.0.0.1:9");
    let shown = format!("{b:?}");
    let client = b.build().expect("client");
    let shown_client = format!("{client:?}");
    for text in [shown, shown_client] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains(&key[40..80]), "{text}");
        assert!(text.contains("***"), "{text}");
    }
    assert_eq!(client.merchant_id(), "sandbox-20019");
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
}

#[test]
fn settings_from_environment_variables() {
    let key = text(&keys(), "/merchant/pkcs8_pem_escaped_newlines").to_owned();
    let env = move |name: &str| -> Option<String> {
        match name {
            "SMILEPAYZ_MERCHANT_ID" => Some("sandbox-20019".into()),
            "SMILEPAYZ_MERCHANT_SECRET" => Some(SECRET.into()),
            "SMILEPAYZ_PRIVATE_KEY" => Some(key.clone()),
            "SMILEPAYZ_ENVIRONMENT" => Some("Sandbox".into()),
            _ => None,
        }
    };
    let client = ClientBuilder::from_lookup(env).expect("settings").build().expect("client");
    assert_eq!(client.base_url(), "https://sandbox-gateway.smilepayz.com");
    let bad = ClientBuilder::from_lookup(|n| (n == "SMILEPAYZ_ENVIRONMENT").then(|| "staging".to_owned()));
    assert_eq!(bad.expect_err("unknown environment").kind(), "config");
    let missing = ClientBuilder::from_lookup(|_| None).expect("empty settings").build().expect_err("nothing set");
    assert!(missing.to_string().contains("merchant_id is missing"));
}

#[test]
fn the_blocking_client_works_without_a_runtime() {
    let client = BlockingClient::new(builder(&closed_port_url())).expect("client");
    let err = client.payout(&payout("ORDER0002")).expect_err("refused");
    assert_eq!(err.kind(), "transport");
    assert_eq!(client.async_client().merchant_id(), "sandbox-20019");
}

#[tokio::test]
async fn the_blocking_client_refuses_to_block_an_async_runtime() {
    let client = tokio::task::spawn_blocking(|| BlockingClient::new(builder("http://127.0.0.1:9")))
        .await
        .expect("joined")
        .expect("client");
    let err = client.inquire_balance("123").expect_err("called from async code");
    assert_eq!(err.kind(), "config");
    assert!(err.to_string().contains("async"));
    drop(client);
}
