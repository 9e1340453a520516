//! The framework-agnostic callback handler against the mock gateway: what it answers and
//! what the merchant's function receives for genuine, forged, misdirected, stale and
//! unconfirmable callbacks.

use smilepayz::callback::{CallbackHandler, Delivery, HandlerResponse};
use smilepayz::{PayoutRequest, Status};
use smilepayz_testkit::{MockGateway, SignedCallback};
use smilepayz_tests::golden_request;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn idr(order_no: &str) -> PayoutRequest {
    golden_request("idr-minimal", order_no)
}

async fn gateway_and_handler() -> (MockGateway, CallbackHandler) {
    let gateway = MockGateway::start().await.expect("mock gateway");
    let client = gateway.client_builder().timeout(Duration::from_secs(2)).build().expect("client");
    let handler = CallbackHandler::new(client.clone(), gateway.callback_verifier());
    (gateway, handler)
}

async fn paid_out(gateway: &MockGateway, handler_client: &smilepayz::Client, order_no: &str) {
    handler_client.payout(&idr(order_no)).await.expect("accepted");
    assert!(gateway.order(order_no).is_some());
}

/// A pay-out settled at `status` and the callback the gateway sends for it.
async fn settled(gateway: &MockGateway, client: &smilepayz::Client, order_no: &str, status: Status) -> SignedCallback {
    paid_out(gateway, client, order_no).await;
    gateway.settle(order_no, status).await.expect("settled");
    gateway.signed_callback(order_no).expect("callback")
}

/// Runs the handler, recording every delivery; `fail` makes the merchant's function fail.
async fn handle(handler: &CallbackHandler, signed: &SignedCallback, fail: bool) -> (HandlerResponse, Vec<Delivery>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let response = handler
        .handle(signed.headers.clone(), &signed.body, |delivery| async move {
            record.lock().expect("lock").push(delivery);
            if fail { Err("database down") } else { Ok(()) }
        })
        .await;
    let seen = seen.lock().expect("lock").clone();
    (response, seen)
}

async fn setup() -> (MockGateway, CallbackHandler, smilepayz::Client) {
    let (gateway, handler) = gateway_and_handler().await;
    let client = gateway.client_builder().build().expect("client");
    (gateway, handler, client)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_genuine_callback_is_delivered_once_then_acknowledged() {
    let (gateway, handler, client) = setup().await;
    let signed = settled(&gateway, &client, "HANDLER001", Status::Success).await;
    let (response, seen) = handle(&handler, &signed, false).await;
    assert_eq!((response.status, response.body), (200, "SUCCESS"));
    assert_eq!(seen.len(), 1);
    let delivery = &seen[0];
    let order = gateway.order("HANDLER001").expect("order");
    assert_eq!(delivery.order_no, "HANDLER001");
    assert_eq!(delivery.trade_no, order.trade_no);
    assert_eq!(
        (delivery.status.clone(), delivery.announced_status.clone(), delivery.stale),
        (Status::Success, Status::Success, false)
    );
    assert_eq!(delivery.money.as_ref().map(|m| m.amount), Some(order.amount));
    assert_eq!(delivery.idempotency_key(), format!("{}:SUCCESS", order.trade_no));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_callback_is_refused_without_calling_the_function() {
    let (gateway, handler, client) = setup().await;
    let genuine = settled(&gateway, &client, "HANDLER002", Status::Failed).await;
    // Only tradeNo is signed: a status lie verifies but the gateway contradicts it.
    let lie = SignedCallback { body: genuine.body_text().replace("FAILED", "SUCCESS").into_bytes(), ..genuine.clone() };
    let (response, seen) = handle(&handler, &lie, false).await;
    assert_eq!((response.status, seen.len()), (401, 0));
    let mut bad_signature = genuine.clone();
    bad_signature.headers.retain(|(k, _)| k != "X-SIGNATURE");
    bad_signature.headers.push(("X-SIGNATURE".into(), "AAAA".into()));
    let (response, seen) = handle(&handler, &bad_signature, false).await;
    assert_eq!((response.status, response.body, seen.len()), (401, "callback refused", 0));
    let (response, _) = handle(&handler, &SignedCallback { headers: vec![], body: genuine.body.clone() }, false).await;
    assert_eq!(response.status, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_replayed_under_another_order_is_refused() {
    let (gateway, handler, client) = setup().await;
    paid_out(&gateway, &client, "HANDLER003").await;
    paid_out(&gateway, &client, "HANDLER004").await;
    gateway.settle("HANDLER003", Status::Success).await.expect("settled");
    gateway.settle("HANDLER004", Status::Success).await.expect("settled");
    let genuine = gateway.signed_callback("HANDLER003").expect("callback");
    let replayed = SignedCallback {
        body: genuine.body_text().replace("HANDLER003", "HANDLER004").into_bytes(),
        ..genuine.clone()
    };
    let (response, seen) = handle(&handler, &replayed, false).await;
    assert_eq!((response.status, seen.len()), (401, 0));
    let unknown =
        SignedCallback { body: genuine.body_text().replace("HANDLER003", "NOSUCHORDER1").into_bytes(), ..genuine };
    let (response, seen) = handle(&handler, &unknown, false).await;
    assert_eq!((response.status, seen.len()), (401, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_callback_is_delivered_with_the_gateways_status() {
    let (gateway, handler, client) = setup().await;
    paid_out(&gateway, &client, "HANDLER005").await;
    let processing = gateway.signed_callback("HANDLER005").expect("callback");
    assert!(processing.body_text().contains("PROCESSING"), "{}", processing.body_text());
    gateway.settle("HANDLER005", Status::Success).await.expect("settled");
    let (response, seen) = handle(&handler, &processing, false).await;
    assert_eq!(response, HandlerResponse::ACKNOWLEDGED);
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].status.clone(), seen[0].announced_status.clone(), seen[0].stale),
        (Status::Success, Status::Processing, true)
    );
    assert!(seen[0].idempotency_key().ends_with(":SUCCESS"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_that_cannot_be_confirmed_is_sent_again() {
    let (gateway, handler, client) = setup().await;
    let signed = settled(&gateway, &client, "HANDLER006", Status::Success).await;
    gateway.shutdown().await;
    let (response, seen) = handle(&handler, &signed, false).await;
    assert_eq!((response.status, response.body, seen.len()), (503, "callback not processed, send it again", 0));
    let not_delivered = handler.receive(signed.headers.clone(), &signed.body).await.expect_err("gateway down");
    assert_eq!(not_delivered.response, HandlerResponse::SEND_AGAIN);
    assert!(!matches!(not_delivered.error, smilepayz::Error::CallbackMismatch(_)), "{}", not_delivered.error);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_function_gets_the_callback_sent_again() {
    let (gateway, handler, client) = setup().await;
    let signed = settled(&gateway, &client, "HANDLER007", Status::Success).await;
    let (response, seen) = handle(&handler, &signed, true).await;
    assert_eq!((response.status, seen.len()), (503, 1));
    // Smilepayz sends it again; this time the booking works and the key is the same.
    let (again, seen_again) = handle(&handler, &signed, false).await;
    assert_eq!(again.status, 200);
    assert_eq!(seen[0].idempotency_key(), seen_again[0].idempotency_key());
}
