//! Every example body printed in the seed documents parses.

use smilepayz::{CallbackNotification, GatewayBody, PayoutRequest, PayoutResponse, Region, Status};
use smilepayz_tests::load;

fn examples(kind: &str) -> Vec<(String, String)> {
    let all = load("seed-examples.json");
    let list = all["examples"].as_array().expect("examples");
    let picked: Vec<_> = list
        .iter()
        .filter(|e| e["kind"] == kind)
        .map(|e| (e["region"].as_str().unwrap_or("").to_owned(), e["body"].as_str().unwrap_or("").to_owned()))
        .collect();
    assert!(!picked.is_empty(), "no {kind} examples");
    picked
}

#[test]
fn seed_requests_are_valid_wire_requests() {
    for (region, body) in examples("request") {
        let (request, merchant_id) =
            PayoutRequest::from_wire(body.as_bytes()).unwrap_or_else(|e| panic!("{region}: {e}"));
        assert_eq!(merchant_id, "20001");
        assert_eq!(request.region(), Region::from_currency(&region).expect("region"));
        assert_eq!(request.order_no(), "2000102900000000000001");
    }
}

#[test]
fn seed_payout_responses_parse() {
    let list = examples("payout_response");
    assert_eq!(list.len(), 2);
    for (region, body) in list {
        let r = PayoutResponse::from_json(body.as_bytes()).unwrap_or_else(|e| panic!("{region}: {e}"));
        assert!(r.is_success());
        assert_eq!(r.order_no.as_deref(), Some("2000102900000000000001"));
        assert_eq!(r.status, Some(Status::Processing));
        assert!(!r.is_final());
        let money = r.money.as_ref().expect("money");
        assert_eq!(money.currency, region);
        assert!(r.merchant.as_ref().and_then(|m| m.account_no.as_deref()).is_some());
        assert!(r.disbursement_time.as_ref().and_then(|t| t.wall_clock()).is_some());
        assert_eq!(r.raw.as_str(), body);
    }
}

#[test]
fn seed_callbacks_parse() {
    let list = examples("callback");
    assert_eq!(list.len(), 5, "one callback per region");
    for (region, body) in list {
        let n = CallbackNotification::from_json(body.as_bytes()).unwrap_or_else(|e| panic!("{region}: {e}"));
        assert_eq!(n.status, Some(Status::Success));
        assert_eq!(n.money.as_ref().map(|m| m.currency.as_str()), Some(region.as_str()));
        assert!(!n.trade_no.is_empty());
        assert!(n.transaction_time.as_ref().and_then(|t| t.instant()).is_some(), "{region}: time has an offset");
    }
}

#[test]
fn amounts_keep_their_digits() {
    let body = r#"{"code":"00","message":"ok","money":{"currency":"USDT","amount":100.1000}}"#;
    let r = PayoutResponse::from_json(body.as_bytes()).expect("parses");
    assert_eq!(r.money.expect("money").amount.to_string(), "100.1000");
}

#[test]
fn unknown_fields_and_statuses_survive() {
    let body = r#"{"code":"00","message":"ok","status":"PARTIALLY_PAID","newField":{"x":1},"disbursementTime":"soon"}"#;
    let r = PayoutResponse::from_json(body.as_bytes()).expect("parses");
    assert_eq!(r.status, Some(Status::Unknown("PARTIALLY_PAID".into())));
    assert!(!r.is_final());
    assert_eq!(r.raw.value()["newField"]["x"], 1);
    assert_eq!(r.disbursement_time.as_ref().map(|t| t.as_str()), Some("soon"));
    assert!(r.disbursement_time.expect("time").wall_clock().is_none());
}
