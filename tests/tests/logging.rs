//! `tracing` events (target `smilepayz::event`): one per request and answer, with order
//! number and elapsed time, and never the merchant secret, the signature, the private key
//! or a full account number.

use smilepayz_testkit::{Endpoint, Fault, MockGateway};
use smilepayz_tests::{CapturedLog, golden_input, golden_request};

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
    let request = golden_request("idr-minimal", "TRACE00001");
    client.payout(&request).await.expect("accepted");
    gateway.inject(Endpoint::Payout, Fault::ServerErrorAfterAccept);
    let unknown = golden_request("idr-minimal", "TRACE00002");
    client.payout(&unknown).await.expect_err("unknown outcome");

    let log = captured.text();
    assert!(log.contains("event=\"request\"") && log.contains("order_no=\"TRACE00001\""), "{log}");
    assert!(log.contains("account=\"****1665\""), "masked account: {log}");
    assert!(log.contains("event=\"response\"") && log.contains("elapsed_ms="), "{log}");
    assert!(log.contains("event=\"outcome_unknown\"") && log.contains("cause=\"server_error\""), "{log}");
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
    let account = golden_input("idr-minimal")["cashAccount"].as_str().unwrap_or_default().to_owned();
    assert!(!log.contains(&account), "beneficiary account in log");
}
