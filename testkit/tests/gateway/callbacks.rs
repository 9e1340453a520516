//! Callbacks: sent on settlement to the order's callbackUrl, signed over
//! `tradeNo|X-TIMESTAMP` with the platform key, verifiable by the SDK's verifier.

use crate::support::{callback_receiver, closed_port_url, gateway, idr, idr_with_callback};
use smilepayz::{CallbackVerifier, Decimal, MerchantKey, PlatformKey, SignatureError, Status, StatusQuery};
use smilepayz_testkit::{CallbackDelivery, MockError, sign_callback};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn settle_delivers_a_signed_callback_that_verifies() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    let mut receiver = callback_receiver("SUCCESS").await;
    let accepted = client.payout(&idr_with_callback("ORDER0001", &receiver.url)).await.unwrap();

    let delivery = gw.settle("ORDER0001", Status::Success).await.unwrap();
    assert_eq!(delivery, Some(CallbackDelivery { http_status: 200, body: "SUCCESS".into(), acknowledged: true }));
    let (headers, body) =
        tokio::time::timeout(Duration::from_secs(5), receiver.callbacks.recv()).await.unwrap().unwrap();
    let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    assert_eq!(header("content-type").as_deref(), Some("application/json"));
    assert!(header("x-timestamp").unwrap().ends_with("+07:00"));

    let verified = CallbackVerifier::new(gw.platform_public_key()).verify(headers.clone(), &body).unwrap();
    assert_eq!(Some(verified.trade_no()), accepted.trade_no.as_deref());
    let n = &verified.notification;
    assert_eq!(n.order_no.as_deref(), Some("ORDER0001"));
    assert_eq!(n.merchant_id.as_deref(), Some("sandbox-mock-20019"));
    assert_eq!(n.merchant_name.as_deref(), Some("Smilepayz Mock Merchant"));
    assert_eq!((n.sub_merchant_id.as_deref(), n.sub_merchant_name.as_deref()), (Some(""), Some("")));
    assert_eq!(n.payment_method.as_deref(), Some("BRI"));
    assert_eq!(n.status, Some(Status::Success));
    let money = n.money.clone().unwrap();
    assert_eq!((money.currency.as_str(), money.amount), ("IDR", Decimal::from(150_000)));
    assert!(n.transaction_time.clone().unwrap().as_str().ends_with("+07:00"));
    assert!(std::str::from_utf8(&body).unwrap().contains(r#""amount":150000"#));

    // Another platform key does not verify it.
    let other = MerchantKey::generate().unwrap().public_key();
    assert_eq!(CallbackVerifier::new(other).verify(headers, &body).unwrap_err(), SignatureError::BadSignature);

    // The gateway agrees with what the callback claims.
    let confirmed = client.confirm_callback(&verified).await.unwrap();
    assert_eq!(confirmed.status(), Some(&Status::Success));
    assert_eq!(gw.order("ORDER0001").unwrap().status, Status::Success);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_does_not_answer_success_has_not_acknowledged() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    let receiver = callback_receiver("OK").await;
    client.payout(&idr_with_callback("ORDER0001", &receiver.url)).await.unwrap();
    let delivery = gw.settle("ORDER0001", Status::Failed).await.unwrap().unwrap();
    assert_eq!(delivery, CallbackDelivery { http_status: 200, body: "OK".into(), acknowledged: false });
}

#[tokio::test(flavor = "multi_thread")]
async fn settle_without_a_callback_url_only_changes_the_status() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    client.payout(&idr("ORDER0001")).await.unwrap();
    assert_eq!(gw.settle("ORDER0001", Status::Review).await.unwrap(), None);
    let status = client.inquire_status(&StatusQuery::OrderNo("ORDER0001".into())).await.unwrap();
    assert_eq!(status.status, Some(Status::Review));
    assert_eq!(gw.settle("ORDER0001", Status::Expired).await.unwrap(), None);
    assert_eq!(gw.order("ORDER0001").unwrap().status, Status::Expired);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_delivery_is_an_error_but_the_status_changes() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    let url = closed_port_url().await;
    client.payout(&idr_with_callback("ORDER0001", &url)).await.unwrap();
    match gw.settle("ORDER0001", Status::Success).await {
        Err(MockError::CallbackDelivery { url: failed, .. }) => assert_eq!(failed, url),
        other => panic!("expected a delivery failure, got {other:?}"),
    }
    assert_eq!(gw.order("ORDER0001").unwrap().status, Status::Success);
}

#[tokio::test(flavor = "multi_thread")]
async fn settling_an_unknown_order_is_an_error() {
    let gw = gateway().await;
    match gw.settle("ORDER0404", Status::Success).await {
        Err(MockError::UnknownOrder(order_no)) => assert_eq!(order_no, "ORDER0404"),
        other => panic!("expected UnknownOrder, got {other:?}"),
    }
    assert!(gw.signed_callback("ORDER0404").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_on_demand_verifies() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    let trade_no = client.payout(&idr("ORDER0001")).await.unwrap().trade_no.unwrap();
    let signed = gw.signed_callback("ORDER0001").unwrap();
    assert_eq!(signed.header("content-type"), Some("application/json"));
    let verified = gw.callback_verifier().verify(signed.headers.clone(), &signed.body).unwrap();
    assert_eq!(verified.trade_no(), trade_no);
    assert_eq!(verified.notification.status, Some(Status::Processing));
    assert_eq!(Some(verified.timestamp.as_str()), signed.header("X-TIMESTAMP"));

    gw.settle("ORDER0001", Status::Cancelled).await.unwrap();
    let signed = gw.signed_callback("ORDER0001").unwrap();
    let verified = gw.callback_verifier().verify(signed.headers, &signed.body).unwrap();
    assert_eq!(verified.notification.status, Some(Status::Cancelled));
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_callback_signs_trade_number_and_timestamp() {
    let key = &crate::support::keys().1;
    let verifier = CallbackVerifier::new(key.public_key());
    let timestamp = "2024-12-17T10:55:00+07:00";
    let body = serde_json::json!({
        "orderNo": "ORDER0001", "tradeNo": "T20241217105500000001", "status": "SUCCESS",
        "money": {"currency": "IDR", "amount": 150000}
    });
    let signed = sign_callback(key, &body, timestamp);
    assert_eq!(signed.header("X-TIMESTAMP"), Some(timestamp));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&signed.body).unwrap(), body);
    let verified = verifier.verify(signed.headers.clone(), &signed.body).unwrap();
    assert_eq!(verified.trade_no(), "T20241217105500000001");
    assert_eq!(verified.notification.status, Some(Status::Success));

    // Bytes are sent as given, and the signature is the core's over tradeNo|timestamp.
    let bytes = br#"{"tradeNo":"T20241217105500000001","status":"FAILED"}"#;
    let from_bytes = sign_callback(key, bytes, timestamp);
    assert_eq!(from_bytes.body, bytes.to_vec());
    assert_eq!(
        from_bytes.header("X-SIGNATURE").unwrap(),
        smilepayz::signing::sign_callback(key, "T20241217105500000001", timestamp)
    );
    assert!(verifier.verify(from_bytes.headers.clone(), bytes).is_ok());

    // Another tradeNo, another timestamp or another key: refused.
    let tampered = br#"{"tradeNo":"T20241217105500000002","status":"FAILED"}"#;
    assert_eq!(verifier.verify(from_bytes.headers.clone(), tampered).unwrap_err(), SignatureError::BadSignature);
    let mut late = from_bytes.headers.clone();
    late[1].1 = "2024-12-17T10:55:01+07:00".into();
    assert_eq!(verifier.verify(late, bytes).unwrap_err(), SignatureError::BadSignature);
    let other = CallbackVerifier::new(crate::support::keys().0.public_key());
    assert_eq!(other.verify(from_bytes.headers, bytes).unwrap_err(), SignatureError::BadSignature);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_platform_key_is_published_as_base64_spki() {
    let gw = gateway().await;
    let published = gw.platform_public_key_base64();
    assert!(!published.contains("-----"));
    assert!(published.starts_with("MII"), "{published}");
    assert_eq!(PlatformKey::from_text(&published).unwrap(), gw.platform_public_key());
    assert_eq!(gw.platform_key().public_key(), gw.platform_public_key());
    assert_eq!(gw.platform_public_key(), crate::support::keys().1.public_key());
}
