//! `tracing` events: one per request and answer, with order number and elapsed time,
//! and never the merchant secret, the signature or the private key.

use smilepayz::{Decimal, IndonesiaPayout, PayoutRequest};
use smilepayz_testkit::{Endpoint, Fault, MockGateway};
use smilepayz_tests::CapturedLog;

#[tokio::test]
async fn requests_and_answers_are_logged_without_credentials() {
    let captured = CapturedLog::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let gateway = MockGateway::start().await.expect("mock");
    let client = gateway.client_builder().build().expect("client");
    let request: PayoutRequest =
        IndonesiaPayout::new("TRACE00001", "Payroll", Decimal::from(150_000), "BRI", "78120011629261665").into();
    client.payout(&request).await.expect("accepted");
    gateway.inject(Endpoint::Payout, Fault::ServerErrorAfterAccept);
    let unknown: PayoutRequest =
        IndonesiaPayout::new("TRACE00002", "Payroll", Decimal::from(150_000), "BRI", "78120011629261665").into();
    client.payout(&unknown).await.expect_err("unknown outcome");

    let log = captured.text();
    assert!(log.contains("sending request") && log.contains("order_no=\"TRACE00001\""), "{log}");
    assert!(log.contains("answer received") && log.contains("elapsed_ms="), "{log}");
    assert!(log.contains("pay-out outcome unknown") && log.contains("TRACE00002"), "{log}");
    // The second request rode the first one's connection (hyper's pool logs the reuse).
    assert!(log.contains("reuse idle connection"), "connections are not reused: {log}");
    assert!(!log.contains(gateway.merchant_secret()), "secret in log");
    let key_body: String = gateway.merchant_private_key_pem().lines().nth(1).unwrap_or("").to_owned();
    assert!(!log.contains(&key_body), "key material in log");
    let signature = gateway.received()[0]
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-signature"))
        .map(|(_, v)| v.clone());
    assert!(!log.contains(&signature.expect("signature header")), "signature in log");
    assert!(!log.contains("78120011629261665"), "beneficiary account in log");
}
