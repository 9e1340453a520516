//! Pay-outs: accepted with the seed-shaped answer, checked by the core's rules, never
//! accepted twice for one order number.

use crate::support::{gateway, idr, idr_with_callback, post_signed};
use smilepayz::transport::PAYOUT_PATH;
use smilepayz::{Decimal, Error, PayoutRequest, Region, Status, UsdtNetwork, UsdtPayout};
use smilepayz_testkit::codes;
use std::collections::HashSet;

#[tokio::test(flavor = "multi_thread")]
async fn a_pay_out_is_accepted_through_the_client() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    let accepted = client.payout(&idr("ORDER0001")).await.unwrap();

    assert_eq!(accepted.code, "00");
    assert_eq!(accepted.message, "successful");
    assert_eq!(accepted.order_no.as_deref(), Some("ORDER0001"));
    assert_eq!(accepted.status, Some(Status::Processing));
    let trade_no = accepted.trade_no.clone().unwrap();
    assert_eq!(trade_no.len(), 21);
    assert!(trade_no.starts_with('T') && trade_no[1..].bytes().all(|b| b.is_ascii_digit()), "{trade_no}");
    let money = accepted.money.clone().unwrap();
    assert_eq!((money.currency.as_str(), money.amount), ("IDR", Decimal::from(150_000)));
    let merchant = accepted.merchant.clone().unwrap();
    assert_eq!(merchant.merchant_id.as_deref(), Some("sandbox-mock-20019"));
    assert_eq!(merchant.merchant_name.as_deref(), Some("Smilepayz Mock Merchant"));
    let channel = accepted.channel.clone().unwrap();
    assert_eq!(channel.payment_method.as_deref(), Some("BRI"));
    assert_eq!(channel.cash_account.as_deref(), Some("78120011629261665"));
    let time = accepted.disbursement_time.clone().unwrap();
    assert!(time.as_str().ends_with("+07:00"), "{}", time.as_str());
    let age = time::OffsetDateTime::now_utc() - time.instant().unwrap();
    assert!(age.whole_seconds().abs() < 60, "{age}");
    assert!(
        accepted.raw.as_str().contains(r#""money":{"currency":"IDR","amount":150000}"#),
        "{}",
        accepted.raw.as_str()
    );

    let order = gw.order("ORDER0001").unwrap();
    assert_eq!(order.trade_no, trade_no);
    assert_eq!(order.region, Region::Indonesia);
    assert_eq!((order.amount, order.currency.as_str()), (Decimal::from(150_000), "IDR"));
    assert_eq!((order.payment_method.as_str(), order.cash_account.as_str()), ("BRI", "78120011629261665"));
    assert_eq!(order.status, Status::Processing);
    assert_eq!(order.callback_url, None);
    assert_eq!(gw.orders(), vec![order]);
    assert_eq!(gw.payout_requests_for("ORDER0001"), 1);

    let received = gw.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, PAYOUT_PATH);
    assert_eq!(received[0].header("x-partner-id"), Some("sandbox-mock-20019"));
    assert_eq!(received[0].json().unwrap()["orderNo"], "ORDER0001");
    assert_eq!((received[0].http_status, received[0].code.as_str(), &received[0].fault), (200, "00", &None));
}

#[tokio::test(flavor = "multi_thread")]
async fn callback_url_merchant_and_receiver_names_are_kept() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    let PayoutRequest::Indonesia(mut p) = idr_with_callback("ORDER0002", "https://merchant.example/cb") else {
        unreachable!()
    };
    p.merchant.merchant_name = Some("Toko Budi".into());
    p.receiver = Some(smilepayz::IndonesiaReceiver { name: Some("Budi Santoso".into()), account_no: None });
    let accepted = client.payout(&p.into()).await.unwrap();
    assert_eq!(accepted.merchant.unwrap().merchant_name.as_deref(), Some("Toko Budi"));
    assert_eq!(accepted.channel.unwrap().account_name.as_deref(), Some("Budi Santoso"));
    let order = gw.order("ORDER0002").unwrap();
    assert_eq!(order.callback_url.as_deref(), Some("https://merchant.example/cb"));
    assert_eq!(order.merchant_name.as_deref(), Some("Toko Budi"));
    assert_eq!(order.receiver_name.as_deref(), Some("Budi Santoso"));
}

#[tokio::test(flavor = "multi_thread")]
async fn amounts_are_echoed_digit_for_digit() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    let usdt = UsdtPayout::new(
        "USDT000001",
        "Settlement",
        "100.2500".parse().unwrap(),
        UsdtNetwork::Trc20,
        "TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ",
    );
    let accepted = client.payout(&usdt.into()).await.unwrap();
    assert!(
        accepted.raw.as_str().contains(r#""money":{"currency":"USDT","amount":100.25}"#),
        "{}",
        accepted.raw.as_str()
    );
    assert_eq!(gw.order("USDT000001").unwrap().amount, "100.25".parse::<Decimal>().unwrap());
    assert_eq!(accepted.channel.unwrap().payment_method.as_deref(), Some("USDT"));

    // More digits than a double holds: a float anywhere on the way would round them.
    let body = br#"{"orderNo":"BIG0000001","purpose":"Payroll","merchant":{"merchantId":"sandbox-mock-20019"},"money":{"currency":"IDR","amount":12345678901234567},"paymentMethod":"BRI","cashAccount":"78120011629261665"}"#;
    let raw = post_signed(&gw, PAYOUT_PATH, body).await;
    assert_eq!(raw.status, 200, "{}", raw.text);
    assert!(raw.text.contains(r#""amount":12345678901234567}"#), "{}", raw.text);
    assert_eq!(gw.order("BIG0000001").unwrap().amount, Decimal::from(12_345_678_901_234_567_i64));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_order_number_is_refused_and_the_order_kept() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    let first = client.payout(&idr("ORDER0001")).await.unwrap();
    let PayoutRequest::Indonesia(mut again) = idr("ORDER0001") else { unreachable!() };
    again.amount = Decimal::from(999_000);
    match client.payout(&again.into()).await {
        Err(Error::Api(api)) => {
            assert_eq!((api.http_status, api.code.as_str()), (200, codes::DUPLICATE_ORDER));
            assert_eq!(
                api.message,
                format!("orderNo ORDER0001 already exists (tradeNo {})", first.trade_no.clone().unwrap())
            );
        }
        other => panic!("expected a duplicate refusal, got {other:?}"),
    }
    let order = gw.order("ORDER0001").unwrap();
    assert_eq!(order.amount, Decimal::from(150_000));
    assert_eq!(Some(order.trade_no), first.trade_no);
    assert_eq!(gw.orders().len(), 1);
    assert_eq!(gw.payout_requests_for("ORDER0001"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_fields_are_refused_with_the_core_message() {
    let gw = gateway().await;
    let body = br#"{"orderNo":"ORD-1","purpose":"Payroll","merchant":{"merchantId":"sandbox-mock-20019"},"money":{"currency":"IDR","amount":150000.5},"paymentMethod":"BRI","cashAccount":"7812 0011"}"#;
    let raw = post_signed(&gw, PAYOUT_PATH, body).await;
    assert_eq!(raw.status, 400);
    assert_eq!(raw.json["code"], codes::INVALID_REQUEST);
    let expected = PayoutRequest::from_wire(body).unwrap_err().to_string();
    assert_eq!(raw.json["message"], expected.as_str());
    for field in ["orderNo", "amount", "cashAccount"] {
        assert!(expected.contains(field), "{expected}");
    }
    assert!(gw.orders().is_empty());
    assert_eq!(gw.payout_requests_for("ORD-1"), 1);

    let raw = post_signed(&gw, PAYOUT_PATH, b"[1,2]").await;
    assert_eq!((raw.status, raw.json["code"].as_str()), (400, Some(codes::INVALID_REQUEST)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_naming_another_merchant_is_refused() {
    let gw = gateway().await;
    let body = br#"{"orderNo":"ORDER0001","purpose":"Payroll","merchant":{"merchantId":"sandbox-20001"},"money":{"currency":"IDR","amount":150000},"paymentMethod":"BRI","cashAccount":"78120011629261665"}"#;
    let raw = post_signed(&gw, PAYOUT_PATH, body).await;
    assert_eq!(raw.status, 400);
    assert_eq!(raw.json["code"], codes::INVALID_REQUEST);
    assert_eq!(raw.json["message"], r#"merchant.merchantId "sandbox-20001" is not the X-PARTNER-ID of this request"#);
    assert!(gw.order("ORDER0001").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_pay_outs_get_distinct_trade_numbers() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.payout(&idr(&format!("CONC{i:06}"))).await })
        })
        .collect();
    let mut trade_nos = HashSet::new();
    for task in tasks {
        trade_nos.insert(task.await.unwrap().unwrap().trade_no.unwrap());
    }
    assert_eq!(trade_nos.len(), 24);
    assert_eq!(gw.orders().len(), 24);
}
