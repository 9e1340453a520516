//! Every request is checked for partner id, timestamp and signature before it is read.

use crate::support::{Signing, gateway, idr, post, post_signed};
use smilepayz::transport::{PAYOUT_PATH, STATUS_PATH};
use smilepayz::{Error, MerchantKey, Status};
use smilepayz_testkit::{MockConfig, MockGateway, codes};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

const BODY: &[u8] = br#"{"tradeType":2,"orderNo":"ORDER0001"}"#;

fn api_error(result: Result<smilepayz::PayoutResponse, Error>) -> smilepayz::ApiError {
    match result {
        Err(Error::Api(api)) => api,
        other => panic!("expected an ApiError, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signature_with_the_wrong_secret_is_refused_with_401() {
    let gw = gateway().await;
    let body = br#"{"orderNo":"ORDER0001","purpose":"Payroll","merchant":{"merchantId":"sandbox-mock-20019"},"money":{"currency":"IDR","amount":150000},"paymentMethod":"BRI","cashAccount":"78120011629261665"}"#;
    let signing = Signing { secret: "not-the-secret".into(), ..Signing::valid(&gw) };
    let raw = post(&gw, PAYOUT_PATH, body, &signing).await;
    assert_eq!(raw.status, 401);
    assert_eq!(raw.json["code"], codes::UNAUTHORIZED);
    assert!(raw.json["message"].as_str().unwrap().starts_with("X-SIGNATURE does not verify"), "{}", raw.text);
    assert!(gw.orders().is_empty());
    assert_eq!(gw.payout_requests_for("ORDER0001"), 0);
    let received = gw.received();
    assert_eq!(received.len(), 1);
    assert_eq!((received[0].http_status, received[0].code.as_str()), (401, codes::UNAUTHORIZED));

    // The same body with the right secret goes through.
    let raw = post_signed(&gw, PAYOUT_PATH, body).await;
    assert_eq!((raw.status, raw.json["code"].as_str()), (200, Some("00")), "{}", raw.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signature_by_another_key_is_refused() {
    let gw = gateway().await;
    let signing = Signing { key: crate::support::keys().1.clone(), ..Signing::valid(&gw) };
    let raw = post(&gw, STATUS_PATH, BODY, &signing).await;
    assert_eq!(raw.status, 401);
    assert_eq!(raw.json["code"], codes::UNAUTHORIZED);
    assert!(raw.text.contains("X-SIGNATURE does not verify"), "{}", raw.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timestamp_ten_minutes_off_the_gateway_clock_is_refused() {
    let mut config = crate::support::config();
    config.clock = Some(Arc::new(|| OffsetDateTime::now_utc() + Duration::minutes(10)));
    let gw = MockGateway::start_with(config).await.unwrap();
    let client = gw.client_builder().build().unwrap();
    let api = api_error(client.payout(&idr("ORDER0001")).await);
    assert_eq!(api.http_status, 401);
    assert_eq!(api.code, codes::UNAUTHORIZED);
    assert!(api.message.starts_with("X-TIMESTAMP"), "{}", api.message);
    assert!(api.message.contains("at most 300 s"), "{}", api.message);
    assert!(gw.order("ORDER0001").is_none());
    assert_eq!(gw.payout_requests_for("ORDER0001"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timestamp_four_minutes_off_is_accepted() {
    let mut config = crate::support::config();
    config.clock = Some(Arc::new(|| OffsetDateTime::now_utc() - Duration::minutes(4)));
    let gw = MockGateway::start_with(config).await.unwrap();
    let client = gw.client_builder().build().unwrap();
    let accepted = client.payout(&idr("ORDER0001")).await.unwrap();
    assert_eq!(accepted.status, Some(Status::Processing));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_partner_id_is_refused() {
    let gw = gateway().await;
    let client = gw.client_builder().merchant_id("sandbox-other-20020").build().unwrap();
    let api = api_error(client.payout(&idr("ORDER0001")).await);
    assert_eq!((api.http_status, api.code.as_str()), (401, codes::UNAUTHORIZED));
    assert_eq!(api.message, r#"X-PARTNER-ID "sandbox-other-20020" is not a merchant of this gateway"#);
    assert!(gw.orders().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_and_malformed_headers_are_refused_naming_the_header() {
    let gw = gateway().await;
    let cases = [
        (Signing { partner: None, ..Signing::valid(&gw) }, "X-PARTNER-ID header is missing"),
        (Signing { timestamp: None, ..Signing::valid(&gw) }, "X-TIMESTAMP header is missing"),
        (Signing { sign: false, ..Signing::valid(&gw) }, "X-SIGNATURE header is missing"),
        (
            Signing { timestamp: Some("2024-12-17 10:55:00+07:00".into()), ..Signing::valid(&gw) },
            r#"X-TIMESTAMP "2024-12-17 10:55:00+07:00" is not yyyy-MM-ddTHH:mm:ss±HH:mm"#,
        ),
    ];
    for (signing, message) in cases {
        let raw = post(&gw, STATUS_PATH, BODY, &signing).await;
        assert_eq!(raw.status, 401, "{message}");
        assert_eq!(raw.json["code"], codes::UNAUTHORIZED);
        assert_eq!(raw.json["message"], message);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_paths_and_other_methods_are_refused() {
    let gw = gateway().await;
    let raw = post_signed(&gw, "/v1.0/disbursement/pay-out", BODY).await;
    assert_eq!(raw.status, 404);
    assert_eq!(raw.json["code"], codes::UNKNOWN_ENDPOINT);
    assert_eq!(raw.json["message"], "no endpoint at /v1.0/disbursement/pay-out");

    let response = reqwest::get(format!("{}{PAYOUT_PATH}", gw.base_url())).await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let json: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(json["code"], codes::INVALID_REQUEST);
    assert_eq!(gw.received().len(), 2);
    assert_eq!(gw.received()[1].method, "GET");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_expected_merchant_key_is_the_one_handed_out() {
    let gw = gateway().await;
    let handed_out = MerchantKey::from_text(&gw.merchant_private_key_pem()).unwrap();
    assert_eq!(handed_out.public_key(), crate::support::keys().0.public_key());
    assert_ne!(handed_out.public_key(), gw.platform_public_key());
    let defaults = MockConfig::default();
    assert!(defaults.merchant_key.is_none() && defaults.platform_key.is_none() && defaults.clock.is_none());
}
