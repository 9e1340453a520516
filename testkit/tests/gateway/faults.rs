//! Faults after acceptance: the order exists at the gateway, the client cannot know, and
//! says so — never by sending the pay-out again.

use crate::support::{Signing, gateway, idr};
use smilepayz::signing::sign_request;
use smilepayz::transport::{PAYOUT_PATH, STATUS_PATH};
use smilepayz::{Error, PayoutResponse, RetryPolicy, Status, StatusQuery, UnknownCause};
use smilepayz_testkit::{Endpoint, Fault, MockGateway};
use std::time::{Duration, Instant};

/// Sends ORDER0001 through a client with a 300 ms timeout and returns the unknown cause.
async fn unknown_cause(gw: &MockGateway) -> UnknownCause {
    let client = gw.client_builder().timeout(Duration::from_millis(300)).build().unwrap();
    match client.payout(&idr("ORDER0001")).await {
        Err(Error::OutcomeUnknown { order_no, cause }) => {
            assert_eq!(order_no.as_str(), "ORDER0001");
            cause
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
}

/// The order was accepted exactly once and the fault is on record.
fn assert_accepted_once(gw: &MockGateway, fault: Fault) {
    assert_eq!(gw.payout_requests_for("ORDER0001"), 1);
    assert_eq!(gw.order("ORDER0001").unwrap().status, Status::Processing);
    let received = gw.received();
    assert_eq!(received.len(), 1);
    assert_eq!((received[0].http_status, received[0].code.as_str()), (200, "00"));
    assert_eq!(received[0].fault, Some(fault));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_dropped_after_acceptance_is_an_unknown_outcome() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::DropAfterAccept);
    let cause = unknown_cause(&gw).await;
    assert!(matches!(cause, UnknownCause::ConnectionLost(_)), "{cause:?}");
    assert_accepted_once(&gw, Fault::DropAfterAccept);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_connection_is_not_a_connect_error() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::DropAfterAccept);
    let body = br#"{"orderNo":"ORDER0001","purpose":"Payroll","merchant":{"merchantId":"sandbox-mock-20019"},"money":{"currency":"IDR","amount":150000},"paymentMethod":"BRI","cashAccount":"78120011629261665"}"#;
    let s = Signing::valid(&gw);
    let timestamp = s.timestamp.clone().unwrap();
    let err = reqwest::Client::new()
        .post(format!("{}{PAYOUT_PATH}", gw.base_url()))
        .header("X-PARTNER-ID", gw.merchant_id())
        .header("X-TIMESTAMP", &timestamp)
        .header("X-SIGNATURE", sign_request(&s.key, &timestamp, &s.secret, body))
        .body(body.to_vec())
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_connect(), "{err:?}");
    assert!(!err.is_timeout(), "{err:?}");
    assert!(err.is_request(), "{err:?}");
    assert_eq!(gw.payout_requests_for("ORDER0001"), 1);
    assert!(gw.order("ORDER0001").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_error_after_acceptance_is_an_unknown_outcome() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::ServerErrorAfterAccept);
    let cause = unknown_cause(&gw).await;
    assert_eq!(cause, UnknownCause::ServerError { http_status: 500, body_excerpt: "Internal Server Error".into() });
    assert_accepted_once(&gw, Fault::ServerErrorAfterAccept);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_answer_after_acceptance_is_an_unknown_outcome() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::MalformedAfterAccept);
    match unknown_cause(&gw).await {
        UnknownCause::Unreadable(p) => {
            assert_eq!(p.http_status, 200);
            assert_eq!(p.body_excerpt, r#"{"code":"00","orderNo":"#);
        }
        other => panic!("expected Unreadable, got {other:?}"),
    }
    assert_accepted_once(&gw, Fault::MalformedAfterAccept);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delay_beyond_the_client_timeout_is_an_unknown_outcome() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::Delay(Duration::from_secs(3)));
    let started = Instant::now();
    let cause = unknown_cause(&gw).await;
    assert_eq!(cause, UnknownCause::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_accepted_once(&gw, Fault::Delay(Duration::from_secs(3)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_short_delay_is_answered_normally() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::Delay(Duration::from_millis(200)));
    let client = gw.client_builder().build().unwrap();
    let started = Instant::now();
    let accepted = client.payout(&idr("ORDER0001")).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200), "{:?}", started.elapsed());
    assert_eq!(accepted.status, Some(Status::Processing));
}

#[tokio::test(flavor = "multi_thread")]
async fn each_fault_spoils_one_request_in_the_order_queued() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::ServerErrorAfterAccept);
    gw.inject(Endpoint::Payout, Fault::MalformedAfterAccept);
    gw.inject(Endpoint::Balance, Fault::DropAfterAccept);
    let client = gw.client_builder().build().unwrap();
    let outcomes: Vec<Result<PayoutResponse, Error>> = vec![
        client.payout(&idr("ORDER0001")).await,
        client.payout(&idr("ORDER0002")).await,
        client.payout(&idr("ORDER0003")).await,
    ];
    assert!(
        matches!(&outcomes[0], Err(Error::OutcomeUnknown { cause: UnknownCause::ServerError { .. }, .. })),
        "{:?}",
        outcomes[0]
    );
    assert!(
        matches!(&outcomes[1], Err(Error::OutcomeUnknown { cause: UnknownCause::Unreadable(_), .. })),
        "{:?}",
        outcomes[1]
    );
    assert_eq!(outcomes[2].as_ref().unwrap().status, Some(Status::Processing));
    assert_eq!(gw.orders().len(), 3);
    let faults: Vec<_> = gw.received().into_iter().map(|r| r.fault).collect();
    assert_eq!(faults, vec![Some(Fault::ServerErrorAfterAccept), Some(Fault::MalformedAfterAccept), None]);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_on_inquiries_are_retried_by_the_client() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    client.payout(&idr("ORDER0001")).await.unwrap();
    gw.inject(Endpoint::Status, Fault::ServerErrorAfterAccept);
    let status = client.inquire_status(&StatusQuery::OrderNo("ORDER0001".into())).await.unwrap();
    assert_eq!(status.status, Some(Status::Processing));
    let status_requests: Vec<_> = gw.received().into_iter().filter(|r| r.path == STATUS_PATH).collect();
    assert_eq!(status_requests.len(), 2);
    assert_eq!(status_requests[0].fault, Some(Fault::ServerErrorAfterAccept));
    assert_eq!(status_requests[1].fault, None);

    let once = gw.client_builder().retry(RetryPolicy::none()).build().unwrap();
    gw.set_balance("ACC1", "IDR", 1.into(), 1.into());
    gw.inject(Endpoint::Balance, Fault::MalformedAfterAccept);
    let err = once.inquire_balance("ACC1").await.unwrap_err();
    assert_eq!(err.kind(), "protocol", "{err}");
    assert_eq!(once.inquire_balance("ACC1").await.unwrap().code, "00");
    assert_eq!(gw.orders().len(), 1);
}
