//! End to end against the loopback mock gateway: every region, every fault, money never
//! sent twice, reconciliation, callbacks verified and confirmed.

use smilepayz::{
    BlockingClient, CallbackVerifier, Case, Client, Decimal, Error, IndonesiaPayout, PayoutRequest, Reconciliation,
    Region, RetryPolicy, Status, StatusQuery,
};
use smilepayz_testkit::{Endpoint, Fault, MockGateway, codes, sign_callback};
use smilepayz_tests::load;
use std::time::Duration;

fn idr(order_no: &str) -> PayoutRequest {
    IndonesiaPayout::new(order_no, "Payroll", Decimal::from(150_000), "BRI", "78120011629261665").into()
}

/// The golden request of each region, renamed to a fresh order number.
fn region_requests(prefix: &str) -> Vec<PayoutRequest> {
    let vectors = load("requests.json");
    vectors["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let mut input = case["request"].clone();
            input["orderNo"] = format!("{prefix}{i:06}").into();
            input.as_object_mut().expect("object").remove("callbackUrl");
            PayoutRequest::from_json(input, Case::Camel).expect("golden requests are valid")
        })
        .collect()
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
        assert_eq!(gateway.payout_requests_for(order_no), 1);
    }
    assert_eq!(gateway.orders().len(), requests.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pay_out_dropped_after_acceptance_is_unknown_recorded_once_and_reconciled() {
    let (gateway, client) = gateway_and_client().await;
    gateway.inject(Endpoint::Payout, Fault::DropAfterAccept);
    let err = client.payout(&idr("DROP000001")).await.expect_err("the connection was dropped");
    match &err {
        Error::OutcomeUnknown { order_no, .. } => assert_eq!(order_no.as_str(), "DROP000001"),
        other => panic!("expected OutcomeUnknown, got {other}"),
    }
    assert_eq!(gateway.payout_requests_for("DROP000001"), 1, "never resent");
    match client.reconcile_payout("DROP000001").await.expect("reconciled") {
        Reconciliation::Pending(s) => assert_eq!(s.status, Some(Status::Processing)),
        other => panic!("expected Pending, got {other:?}"),
    }
    gateway.settle("DROP000001", Status::Success).await.expect("settled");
    let done = client.reconcile_payout("DROP000001").await.expect("reconciled");
    assert!(done.is_settled());
    assert_eq!(gateway.payout_requests_for("DROP000001"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_fault_after_acceptance_is_an_unknown_outcome_never_a_resend() {
    let gateway = MockGateway::start().await.expect("mock");
    let client = gateway.client_builder().timeout(Duration::from_millis(400)).build().expect("client");
    let faults = [
        ("FAULT00001", Fault::ServerErrorAfterAccept, "gateway error HTTP 500"),
        ("FAULT00002", Fault::MalformedAfterAccept, "unreadable answer"),
        ("FAULT00003", Fault::Delay(Duration::from_millis(1500)), "no answer before the timeout"),
        ("FAULT00004", Fault::DropAfterAccept, "connection lost"),
    ];
    for (order_no, fault, cause) in faults {
        gateway.inject(Endpoint::Payout, fault);
        let err = client.payout(&idr(order_no)).await.expect_err(order_no);
        assert_eq!(err.kind(), "outcome_unknown", "{order_no}: {err}");
        assert!(err.to_string().contains(cause), "{order_no}: {err}");
        assert_eq!(gateway.payout_requests_for(order_no), 1, "{order_no} sent once");
        let state = client.reconcile_payout(order_no).await.expect("reconciled");
        assert!(matches!(state, Reconciliation::Pending(_)), "{order_no}: {state:?}");
    }
}

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

    let no_retry = gateway.client_builder().retry(RetryPolicy::none()).build().expect("client");
    gateway.inject(Endpoint::Status, Fault::ServerErrorAfterAccept);
    let err = no_retry.inquire_status(&StatusQuery::OrderNo("RETRY00001".into())).await.expect_err("no retry");
    assert_eq!(err.kind(), "protocol", "{err}");
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
