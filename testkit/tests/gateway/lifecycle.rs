//! Starting, identifying and stopping gateways.

use smilepayz_testkit::{DEFAULT_MERCHANT_ID, MockConfig, MockError, MockGateway};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;

fn addr(gw: &MockGateway) -> SocketAddr {
    gw.base_url().trim_start_matches("http://").parse().unwrap()
}

/// True once nothing accepts connections at `addr` (within a second).
async fn closed(addr: SocketAddr) -> bool {
    for _ in 0..50 {
        if TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn a_default_gateway_has_generated_credentials_on_a_free_port() {
    let a = MockGateway::start().await.unwrap();
    let b = MockGateway::start_with(crate::support::config()).await.unwrap();
    assert_eq!(a.merchant_id(), DEFAULT_MERCHANT_ID);
    assert_eq!(DEFAULT_MERCHANT_ID, "sandbox-mock-20019");
    assert_eq!(a.merchant_secret().len(), 32);
    assert!(a.merchant_secret().bytes().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a.merchant_secret(), b.merchant_secret());
    assert!(a.base_url().starts_with("http://127.0.0.1:"), "{}", a.base_url());
    assert_ne!(a.base_url(), b.base_url());
    assert_ne!(a.platform_public_key(), b.platform_public_key());
    assert!(a.merchant_private_key_pem().starts_with("-----BEGIN PRIVATE KEY-----"));
    let debug = format!("{a:?}");
    assert!(!debug.contains(a.merchant_secret()), "{debug}");
    assert!(debug.contains(&a.base_url()), "{debug}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_configured_merchant_id_and_secret_are_used() {
    let config = MockConfig {
        merchant_id: "sandbox-20001".into(),
        merchant_secret: "s3cret".into(),
        ..crate::support::config()
    };
    let gw = MockGateway::start_with(config).await.unwrap();
    assert_eq!((gw.merchant_id(), gw.merchant_secret()), ("sandbox-20001", "s3cret"));
    let client = gw.client_builder().build().unwrap();
    assert_eq!(client.merchant_id(), "sandbox-20001");
    assert_eq!(client.base_url(), gw.base_url());
    client.payout(&crate::support::idr("ORDER0001")).await.unwrap();
    assert_eq!(gw.received()[0].json().unwrap()["merchant"]["merchantId"], "sandbox-20001");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_merchant_id_or_secret_is_refused() {
    for config in [
        MockConfig { merchant_id: " ".into(), ..crate::support::config() },
        MockConfig { merchant_secret: String::new(), ..crate::support::config() },
    ] {
        match MockGateway::start_with(config).await {
            Err(MockError::Config(why)) => assert!(why.ends_with("is empty"), "{why}"),
            other => panic!("expected a config error, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dropping_the_gateway_stops_the_server() {
    let gw = crate::support::gateway().await;
    let addr = addr(&gw);
    assert!(TcpStream::connect(addr).await.is_ok());
    drop(gw);
    assert!(closed(addr).await, "still listening on {addr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_stops_the_server_and_the_client_sees_a_connect_error() {
    let gw = crate::support::gateway().await;
    let client = gw.client_builder().retry(smilepayz::RetryPolicy::none()).build().unwrap();
    client.payout(&crate::support::idr("ORDER0001")).await.unwrap();
    let addr = addr(&gw);
    gw.shutdown().await;
    assert!(closed(addr).await, "still listening on {addr}");
    let err = client.payout(&crate::support::idr("ORDER0002")).await.unwrap_err();
    assert_eq!(err.kind(), "transport", "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_lets_an_answer_in_flight_finish() {
    let gw = crate::support::gateway().await;
    gw.inject(smilepayz_testkit::Endpoint::Payout, smilepayz_testkit::Fault::Delay(Duration::from_millis(300)));
    let client = gw.client_builder().build().unwrap();
    let in_flight = tokio::spawn(async move { client.payout(&crate::support::idr("ORDER0001")).await });
    // The request is recorded when handled, before the delay.
    for _ in 0..100 {
        if !gw.received().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(gw.received().len(), 1);
    gw.shutdown().await;
    let accepted = in_flight.await.unwrap().unwrap();
    assert_eq!(accepted.order_no.as_deref(), Some("ORDER0001"));
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_connections_reach_nothing_and_a_retry_gets_through_once() {
    let gw = MockGateway::start().await.unwrap();
    let patient = gw
        .client_builder()
        .retry(smilepayz::RetryPolicy {
            max_attempts: smilepayz::transport::MAX_RETRY_ATTEMPTS,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(200),
        })
        .build()
        .unwrap();
    let impatient = gw.client_builder().retry(smilepayz::RetryPolicy::none()).build().unwrap();
    // Open a pooled connection first: refusing must close it too.
    impatient.inquire_balance("nobody").await.unwrap_err();

    gw.refuse_connections_for(Duration::from_millis(300)).await;
    assert!(TcpStream::connect(addr(&gw)).await.is_err(), "connections are refused");
    let request = crate::support::idr("REFUSE0001");
    let err = impatient.payout(&request).await.unwrap_err();
    assert_eq!(err.kind(), "transport", "{err}");
    assert_eq!(gw.payout_requests_for("REFUSE0001"), 0, "nothing reached the gateway");

    let accepted = patient.payout(&request).await.unwrap();
    assert_eq!(accepted.order_no.as_deref(), Some("REFUSE0001"));
    assert_eq!(gw.payout_requests_for("REFUSE0001"), 1);
}
