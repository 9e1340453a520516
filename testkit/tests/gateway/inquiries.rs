//! Status and balance inquiries.

use crate::support::{gateway, idr, post_signed};
use smilepayz::transport::{BALANCE_PATH, STATUS_PATH};
use smilepayz::{Decimal, Error, Reconciliation, Status, StatusQuery};
use smilepayz_testkit::codes;

#[tokio::test(flavor = "multi_thread")]
async fn status_by_order_number_and_by_trade_number() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    let trade_no = client.payout(&idr("ORDER0001")).await.unwrap().trade_no.unwrap();
    client.payout(&idr("ORDER0002")).await.unwrap();

    let by_order = client.inquire_status(&StatusQuery::OrderNo("ORDER0001".into())).await.unwrap();
    let by_trade = client.inquire_status(&StatusQuery::TradeNo(trade_no.clone())).await.unwrap();
    for answer in [&by_order, &by_trade] {
        assert_eq!(answer.code, "00");
        // The real answer carries no orderNo: the order is known by its tradeNo only.
        assert_eq!(answer.order_no, None);
        assert_eq!(answer.trade_no.as_deref(), Some(trade_no.as_str()));
        assert_eq!(answer.trade_type.as_deref(), Some("2"));
        assert_eq!(answer.payment_method.as_deref(), Some("BRI"));
        assert_eq!(answer.status, Some(Status::Processing));
        assert_eq!(answer.remark.as_deref(), Some(""));
        let money = answer.money.clone().unwrap();
        assert_eq!((money.currency.as_str(), money.amount), ("IDR", Decimal::from(150_000)));
    }
    assert!(by_order.raw.as_str().contains(r#""amount":150000"#), "{}", by_order.raw.as_str());

    gw.settle("ORDER0001", Status::Failed).await.unwrap();
    assert!(gw.set_remark("ORDER0001", "account closed"));
    assert!(!gw.set_remark("ORDER9999", "nothing"));
    let settled = client.inquire_status(&StatusQuery::TradeNo(trade_no)).await.unwrap();
    assert_eq!(settled.status, Some(Status::Failed));
    assert_eq!(settled.remark.as_deref(), Some("account closed"));
    assert!(settled.is_final());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_order_is_not_found_and_reconciles_as_such() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    match client.inquire_status(&StatusQuery::OrderNo("ORDER0404".into())).await {
        Err(Error::Api(api)) => {
            assert_eq!(
                (api.http_status, api.code.as_str(), api.message.as_str()),
                (200, codes::ORDER_NOT_FOUND, "order not found")
            );
        }
        other => panic!("expected not found, got {other:?}"),
    }
    match client.reconcile_payout("ORDER0404").await.unwrap() {
        Reconciliation::NotFound { code, message } => {
            assert_eq!((code.as_str(), message.as_str()), (codes::ORDER_NOT_FOUND, "order not found"))
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    // Both ids given must name the same order.
    let trade_no = client.payout(&idr("ORDER0001")).await.unwrap().trade_no.unwrap();
    let raw = post_signed(
        &gw,
        STATUS_PATH,
        format!(r#"{{"tradeType":2,"orderNo":"ORDER0002","tradeNo":"{trade_no}"}}"#).as_bytes(),
    )
    .await;
    assert_eq!(raw.json["code"], codes::ORDER_NOT_FOUND);
    let raw = post_signed(
        &gw,
        STATUS_PATH,
        format!(r#"{{"tradeType":"2","orderNo":"ORDER0001","tradeNo":"{trade_no}"}}"#).as_bytes(),
    )
    .await;
    assert_eq!(raw.json["code"], "00");
    assert_eq!(raw.json["tradeType"], 2);
    // Exactly the fields of the real success answer, and no orderNo.
    let mut keys: Vec<&str> = raw.json.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "message", "money", "paymentMethod", "remark", "status", "tradeNo", "tradeType"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_status_inquiry_needs_an_id_and_trade_type_2() {
    let gw = gateway().await;
    let cases: [(&[u8], &str); 4] = [
        (br#"{"tradeType":2}"#, "orderNo or tradeNo is required"),
        (br#"{"tradeType":2,"orderNo":""}"#, "orderNo or tradeNo is required"),
        (
            br#"{"tradeType":1,"orderNo":"ORDER0001"}"#,
            "tradeType must be 2 (pay-out); the mock gateway holds pay-outs only",
        ),
        (br#"{"orderNo":"ORDER0001"}"#, "tradeType must be 2 (pay-out); the mock gateway holds pay-outs only"),
    ];
    for (body, message) in cases {
        let raw = post_signed(&gw, STATUS_PATH, body).await;
        assert_eq!(raw.status, 400, "{message}");
        assert_eq!(raw.json["code"], codes::INVALID_REQUEST);
        assert_eq!(raw.json["message"], message);
    }
    let raw = post_signed(&gw, STATUS_PATH, br#"{"tradeType":2,"orderNo":7}"#).await;
    assert_eq!((raw.status, raw.json["code"].as_str()), (400, Some(codes::INVALID_REQUEST)));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_balance_of_a_known_account() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    gw.set_balance("2000124234782342", "IDR", "9850000.50".parse().unwrap(), Decimal::from(9_700_000));
    let balance = client.inquire_balance("2000124234782342").await.unwrap();
    assert_eq!(balance.code, "00");
    assert_eq!(balance.account_no.as_deref(), Some("2000124234782342"));
    assert_eq!(balance.name.as_deref(), Some("Smilepayz Mock Merchant"));
    assert_eq!(balance.balance_types, vec!["BALANCE".to_owned()]);
    assert_eq!(balance.account_infos.len(), 1);
    let info = &balance.account_infos[0];
    assert_eq!(info.balance_type.as_deref(), Some("BALANCE"));
    let amount = info.amount.clone().unwrap();
    assert_eq!((amount.currency.as_deref(), amount.value.to_string().as_str()), (Some("IDR"), "9850000.50"));
    assert_eq!(info.available_balance.clone().unwrap().value, Decimal::from(9_700_000));
    // Values travel as strings, as the gateway writes them.
    assert!(
        balance.raw.as_str().contains(r#""amount":{"currency":"IDR","value":"9850000.50"}"#),
        "{}",
        balance.raw.as_str()
    );

    gw.set_balance("2000124234782342", "IDR", Decimal::from(1), Decimal::from(0));
    let balance = client.inquire_balance("2000124234782342").await.unwrap();
    assert_eq!(balance.account_infos[0].amount.clone().unwrap().value, Decimal::from(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_balance_of_an_unknown_account_is_not_found() {
    let gw = gateway().await;
    let client = gw.client_builder().build().unwrap();
    match client.inquire_balance("9999").await {
        Err(Error::Api(api)) => assert_eq!((api.http_status, api.code.as_str()), (200, codes::ACCOUNT_NOT_FOUND)),
        other => panic!("expected not found, got {other:?}"),
    }
    let raw = post_signed(&gw, BALANCE_PATH, br#"{"balanceTypes":["BALANCE"]}"#).await;
    assert_eq!((raw.status, raw.json["message"].as_str()), (400, Some("accountNo is required")));
    gw.set_balance("ACC1", "IDR", Decimal::from(1), Decimal::from(1));
    let raw = post_signed(&gw, BALANCE_PATH, br#"{"accountNo":"ACC1","balanceTypes":["FROZEN"]}"#).await;
    assert_eq!((raw.status, raw.json["code"].as_str()), (400, Some(codes::INVALID_REQUEST)));
}
