//! End to end against the loopback mock gateway: every region, inquiry retries,
//! reconciliation, callbacks verified and confirmed. What each fault gives is the table
//! of tests/vectors/scenarios.json (tests/scenarios.rs).

use smilepayz::{
    BlockingClient, CallbackVerifier, Client, Decimal, Error, PayoutRequest, Reconciliation, Region, Status,
    StatusQuery,
};
use smilepayz_testkit::{Endpoint, Fault, MockGateway, codes, sign_callback};
use smilepayz_tests::{golden_request, load, text};
use std::time::Duration;

fn idr(order_no: &str) -> PayoutRequest {
    golden_request("idr-minimal", order_no)
}

/// Every golden request, renamed to a fresh order number.
fn region_requests(prefix: &str) -> Vec<PayoutRequest> {
    let vectors = load("requests.json");
    let cases = vectors["cases"].as_array().expect("cases").iter().enumerate();
    cases.map(|(i, case)| golden_request(text(case, "/name"), &format!("{prefix}{i:06}"))).collect()
}

async fn gateway_and_client() -> (MockGateway, Client) {
    let gateway = MockGateway::start().await.expect("mock gateway");
    let client = gateway.client_builder().timeout(Duration::from_secs(2)).build().expect("client");
    (gateway, client)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_region_pays_out_settles_and_confirms() {
    let (gateway, client) = gateway_and_client().await;
    let verifier = CallbackVerifier::new(gateway.platform_public_key());
    let requests = region_requests("E2E");
    for region in Region::ALL {
        assert!(requests.iter().any(|r| r.region() == region), "no golden request for {region}");
    }
    for request in &requests {
        let order_no = request.order_no();
        let accepted = client.payout(request).await.unwrap_or_else(|e| panic!("{order_no}: {e}"));
        assert_eq!(accepted.order_no.as_deref(), Some(order_no));
        assert_eq!(accepted.status, Some(Status::Processing));
        let trade_no = accepted.trade_no.clone().expect("trade number");
        let status = client.inquire_status(&StatusQuery::TradeNo(trade_no.clone())).await.expect("status");
        assert_eq!(status.status, Some(Status::Processing));

        gateway.settle(order_no, Status::Success).await.expect("settled");
        let signed = gateway.signed_callback(order_no).expect("callback");
        let callback = verifier.verify(signed.headers.clone(), &signed.body).expect("callback verifies");
        assert_eq!(callback.trade_no(), trade_no);
        let confirmed = client.confirm_callback(&callback).await.expect("confirmed");
        assert_eq!(confirmed.status(), Some(&Status::Success));
        assert!(confirmed.is_final());
        let order = gateway.order(order_no).expect("order at the gateway");
        assert_eq!(confirmed.money().map(|m| m.amount), Some(order.amount));
        assert!(client.reconcile_payout(order_no).await.expect("reconciled").is_settled());
        assert_eq!(gateway.payout_requests_for(order_no), 1);
    }
    assert_eq!(gateway.orders().len(), requests.len());
}

/// How often an inquiry is sent: once more per spoilt answer.
#[tokio::test(flavor = "multi_thread")]
async fn inquiries_are_retried_through_faults() {
    let (gateway, client) = gateway_and_client().await;
    client.payout(&idr("RETRY00001")).await.expect("accepted");
    gateway.inject(Endpoint::Status, Fault::ServerErrorAfterAccept);
    gateway.inject(Endpoint::Status, Fault::MalformedAfterAccept);
    let status = client.inquire_status(&StatusQuery::OrderNo("RETRY00001".into())).await.expect("third attempt");
    assert_eq!(status.status, Some(Status::Processing));
    let status_requests = gateway.received().iter().filter(|r| r.path == smilepayz::transport::STATUS_PATH).count();
    assert_eq!(status_requests, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn gateway_refusals_are_api_errors() {
    let (gateway, client) = gateway_and_client().await;
    client.payout(&idr("DUPL000001")).await.expect("first");
    let err = client.payout(&idr("DUPL000001")).await.expect_err("duplicate");
    match err {
        Error::Api(api) => assert_eq!(api.code, codes::DUPLICATE_ORDER),
        other => panic!("expected ApiError, got {other}"),
    }
    assert_eq!(gateway.orders().len(), 1);

    let wrong_secret = gateway.client_builder().merchant_secret("not-the-secret").build().expect("client");
    let err = wrong_secret.payout(&idr("AUTH000001")).await.expect_err("bad signature");
    assert!(matches!(&err, Error::Api(api) if api.code == codes::UNAUTHORIZED), "{err}");
    assert!(gateway.order("AUTH000001").is_none());

    let ahead = time::OffsetDateTime::now_utc() + time::Duration::minutes(10);
    let skewed = gateway.client_builder().clock(std::sync::Arc::new(move || ahead)).build().expect("client");
    let err = skewed.payout(&idr("SKEW000001")).await.expect_err("stale timestamp");
    assert!(matches!(&err, Error::Api(api) if api.code == codes::UNAUTHORIZED), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn reconciling_an_order_the_gateway_never_saw() {
    let (_gateway, client) = gateway_and_client().await;
    match client.reconcile_payout("NEVERSENT01").await.expect("answered") {
        Reconciliation::NotFound { code, .. } => assert_eq!(code, codes::ORDER_NOT_FOUND),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_that_lies_about_status_or_money_is_a_mismatch() {
    let (gateway, client) = gateway_and_client().await;
    let accepted = client.payout(&idr("LIE0000001")).await.expect("accepted");
    gateway.settle("LIE0000001", Status::Failed).await.expect("settled");
    let trade_no = accepted.trade_no.expect("trade number");
    let verifier = CallbackVerifier::new(gateway.platform_public_key());
    let forge = |status: &str, amount: u64| {
        let body = serde_json::json!({"orderNo": "LIE0000001", "tradeNo": trade_no, "status": status, "money": {"currency": "IDR", "amount": amount}});
        // The signature covers only tradeNo|timestamp, so this verifies.
        let signed = sign_callback(gateway.platform_key(), &body, "2024-04-10T08:45:32+07:00");
        verifier.verify(signed.headers, &signed.body).expect("signature verifies")
    };
    let err = client.confirm_callback(&forge("SUCCESS", 150_000)).await.expect_err("status lie");
    assert!(matches!(&err, Error::CallbackMismatch(m) if m.field == "status" && m.gateway_value == "FAILED"), "{err}");
    let err = client.confirm_callback(&forge("FAILED", 9_150_000)).await.expect_err("money lie");
    assert!(matches!(&err, Error::CallbackMismatch(m) if m.field == "money"), "{err}");
    let honest = client.confirm_callback(&forge("FAILED", 150_000)).await.expect("honest");
    assert_eq!(honest.status(), Some(&Status::Failed));
}

#[tokio::test(flavor = "multi_thread")]
async fn many_pay_outs_in_flight_at_once() {
    let (gateway, client) = gateway_and_client().await;
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.payout(&idr(&format!("CONC{i:06}"))).await })
        })
        .collect();
    for t in tasks {
        t.await.expect("joined").expect("accepted");
    }
    assert_eq!(gateway.orders().len(), 64);
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_inquiry() {
    let (gateway, client) = gateway_and_client().await;
    gateway.set_balance("2000124234782342", "IDR", Decimal::new(985_000_050, 2), Decimal::from(9_700_000));
    let balance = client.inquire_balance("2000124234782342").await.expect("balance");
    let info = &balance.account_infos[0];
    assert_eq!(info.amount.as_ref().map(|v| v.value.to_string()).as_deref(), Some("9850000.50"));
    assert_eq!(info.available_balance.as_ref().map(|v| v.value), Some(Decimal::from(9_700_000)));
}

#[test]
fn the_blocking_client_against_the_mock() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let gateway = runtime.block_on(MockGateway::start()).expect("mock");
    let client = BlockingClient::new(gateway.client_builder()).expect("client");
    let accepted = client.payout(&idr("BLOCK00001")).expect("accepted");
    assert_eq!(accepted.status, Some(Status::Processing));
    let state = client.reconcile_payout("BLOCK00001").expect("reconciled");
    assert!(matches!(state, Reconciliation::Pending(_)));
    let status = client.inquire_status(&StatusQuery::OrderNo("BLOCK00001".into())).expect("status");
    assert_eq!(status.trade_no, accepted.trade_no);
    runtime.block_on(gateway.settle("BLOCK00001", Status::Success)).expect("settled");
    let signed = gateway.signed_callback("BLOCK00001").expect("callback");
    let callback = gateway.callback_verifier().verify(signed.headers, &signed.body).expect("verifies");
    assert_eq!(client.confirm_callback(&callback).expect("confirmed").status(), Some(&Status::Success));
    gateway.set_balance("ACC1", "IDR", Decimal::from(1), Decimal::from(1));
    assert_eq!(client.inquire_balance("ACC1").expect("balance").account_no.as_deref(), Some("ACC1"));
}
