//! The admin HTTP API under `/_mock/`: off unless asked for, then steering the same
//! gateway the library handle steers.

use crate::support::{callback_receiver, config, idr, idr_with_callback};
use serde_json::{Value, json};
use smilepayz::{Error, Status};
use smilepayz_testkit::{Endpoint, Fault, MockConfig, MockGateway};

async fn admin_gateway() -> MockGateway {
    MockGateway::start_with(MockConfig { admin_api: true, ..config() }).await.unwrap()
}

/// (HTTP status, JSON body) of an admin call.
async fn call(gw: &MockGateway, method: &str, name: &str, body: Option<Value>) -> (u16, Value) {
    let http = reqwest::Client::new();
    let url = format!("{}/_mock/{name}", gw.base_url());
    let request = match method {
        "GET" => http.get(url),
        _ => http.post(url),
    };
    let request = match body {
        Some(b) => request.body(b.to_string()),
        None => request,
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_api_is_off_unless_asked_for() {
    let gw = MockGateway::start_with(config()).await.unwrap();
    let (status, body) = call(&gw, "GET", "orders", None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some(smilepayz_testkit::codes::UNKNOWN_ENDPOINT)));
    assert_eq!(gw.received().len(), 1, "an unknown endpoint is a gateway request like any other");
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_requests_settle_and_reset() {
    let gw = admin_gateway().await;
    let client = gw.client_builder().build().unwrap();
    let receiver = callback_receiver("SUCCESS").await;
    client.payout(&idr_with_callback("ORDER0001", &receiver.url)).await.unwrap();

    let (status, orders) = call(&gw, "GET", "orders", None).await;
    assert_eq!(status, 200);
    assert_eq!((orders[0]["orderNo"].as_str(), orders[0]["amount"].as_str()), (Some("ORDER0001"), Some("150000")));
    let (_, requests) = call(&gw, "GET", "requests", None).await;
    assert_eq!(requests.as_array().unwrap().len(), 1, "admin calls are not logged as gateway requests");
    assert_eq!(requests[0]["path"], "/v2.0/disbursement/pay-out");

    let (status, settled) =
        call(&gw, "POST", "settle", Some(json!({"orderNo": "ORDER0001", "status": "SUCCESS"}))).await;
    assert_eq!(status, 200, "{settled}");
    assert_eq!(settled["callback"]["acknowledged"], true);
    assert_eq!(gw.order("ORDER0001").unwrap().status, Status::Success);
    let mut callbacks = receiver.callbacks;
    let (_, body) = callbacks.recv().await.unwrap();
    let verified = gw.callback_verifier().verify(gw.signed_callback("ORDER0001").unwrap().headers, &body).unwrap();
    assert_eq!(verified.notification.status, Some(Status::Success));

    let (status, _) = call(&gw, "POST", "reset", None).await;
    assert_eq!(status, 200);
    assert!(gw.orders().is_empty() && gw.received().is_empty());
    let (_, orders) = call(&gw, "GET", "orders", None).await;
    assert_eq!(orders, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_forgets_orders_faults_balances_and_requests_but_never_reissues_a_trade_number() {
    let gw = admin_gateway().await;
    let client = gw.client_builder().build().unwrap();
    let first = client.payout(&idr("ORDER0001")).await.unwrap().trade_no;
    gw.inject(Endpoint::Payout, Fault::DropAfterAccept);
    gw.set_balance("ACC1", "IDR", 1.into(), 1.into());
    gw.reset();
    assert!(gw.orders().is_empty() && gw.received().is_empty() && gw.payout_requests_for("ORDER0001") == 0);
    assert!(client.inquire_balance("ACC1").await.is_err(), "balances forgotten");
    let again = client.payout(&idr("ORDER0001")).await.unwrap();
    assert_ne!(again.trade_no, first, "the queued fault is gone and the order number is free again");
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_queued_over_http_spoil_the_next_request() {
    let gw = admin_gateway().await;
    let client = gw.client_builder().build().unwrap();
    let (status, queued) =
        call(&gw, "POST", "faults", Some(json!({"endpoint": "payout", "fault": "drop_after_accept"}))).await;
    assert_eq!(status, 200, "{queued}");
    let outcome = client.payout(&idr("ORDER0002")).await;
    assert!(matches!(outcome, Err(Error::OutcomeUnknown { .. })), "{outcome:?}");
    assert_eq!(gw.payout_requests_for("ORDER0002"), 1);
    assert!(client.payout(&idr("ORDER0003")).await.is_ok(), "one fault spoils one request");
}

#[tokio::test(flavor = "multi_thread")]
async fn balances_are_set_exactly() {
    let gw = admin_gateway().await;
    let body = json!({"accountNo": "ACC1", "currency": "IDR", "balance": "1000.50", "available": 900});
    assert_eq!(call(&gw, "POST", "balances", Some(body)).await.0, 200);
    let answer = gw.client_builder().build().unwrap().inquire_balance("ACC1").await.unwrap();
    let info = &answer.account_infos[0];
    assert_eq!(info.amount.as_ref().unwrap().value.to_string(), "1000.50");
    assert_eq!(info.available_balance.as_ref().unwrap().value.to_string(), "900");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_admin_calls_are_refused_with_the_reason() {
    let gw = admin_gateway().await;
    for (method, name, body, status, says) in [
        ("POST", "settle", Some(json!({"orderNo": "ORDER0404", "status": "SUCCESS"})), 404, "no order"),
        ("POST", "settle", Some(json!({"orderNo": "ORDER0404"})), 400, "missing field `status`"),
        ("POST", "settle", Some(json!({"orderNo": "ORDER0404", "status": " "})), 400, "status is empty"),
        ("POST", "faults", Some(json!({"fault": "drop_after_accept"})), 400, "endpoint is required"),
        ("POST", "faults", Some(json!({"endpoint": "refund", "fault": "delay"})), 400, "payout, status or balance"),
        ("POST", "faults", Some(json!({"endpoint": "payout", "fault": "drop"})), 400, "unknown variant"),
        ("POST", "faults", Some(json!({"endpoint": "payout", "fault": "delay"})), 400, "needs delay_ms"),
        (
            "POST",
            "balances",
            Some(json!({"accountNo": "A", "currency": "IDR", "balance": "ten", "available": "1"})),
            400,
            "balance",
        ),
        ("GET", "settle", None, 405, "takes POST"),
        ("POST", "orders", None, 405, "takes GET"),
        ("GET", "nothing", None, 404, "no admin endpoint"),
        ("POST", "settle", None, 400, "unreadable body"),
    ] {
        let (got, answer) = call(&gw, method, name, body.clone()).await;
        let error = answer["error"].as_str().unwrap_or_default();
        assert_eq!(got, status, "{method} {name} {body:?}: {answer}");
        assert!(error.contains(says), "{method} {name}: {error}");
    }
}
