//! What each endpoint answers to an authenticated request. Field rules are the core's:
//! a pay-out body is read and checked by `PayoutRequest::from_wire`.

use crate::codes;
use crate::faults::Endpoint;
use crate::orders::NewOrder;
use crate::state::Shared;
use crate::wire::{BALANCE_TYPE, BalanceAnswer, PayoutAnswer, Reply, StatusAnswer, TRADE_TYPE_PAYOUT};
use serde::Deserialize;
use serde_json::Value;
use smilepayz::{Money, PayoutRequest};

/// The answer of `endpoint` to `body`.
pub(crate) fn answer(shared: &Shared, endpoint: Endpoint, body: &[u8]) -> Reply {
    match endpoint {
        Endpoint::Payout => payout(shared, body),
        Endpoint::Status => status(shared, body),
        Endpoint::Balance => balance(shared, body),
    }
}

/// The fields of a checked pay-out body that the order keeps.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PayoutEcho {
    money: Money,
    payment_method: String,
    cash_account: String,
    #[serde(default)]
    callback_url: Option<String>,
    #[serde(default)]
    merchant: Option<Value>,
    #[serde(default)]
    receiver: Option<Value>,
}

fn text_at(value: Option<&Value>, key: &str) -> Option<String> {
    value?.get(key)?.as_str().map(str::to_owned)
}

fn payout(shared: &Shared, body: &[u8]) -> Reply {
    let named = serde_json::from_slice::<Value>(body).ok().and_then(|v| text_at(Some(&v), "orderNo"));
    if let Some(order_no) = &named {
        shared.orders.count_payout_request(order_no);
    }
    let (request, merchant_id) = match PayoutRequest::from_wire(body) {
        Ok(parsed) => parsed,
        Err(e) => return Reply::refusal(400, codes::INVALID_REQUEST, e.to_string()),
    };
    if merchant_id != shared.merchant_id {
        return Reply::refusal(
            400,
            codes::INVALID_REQUEST,
            format!("merchant.merchantId {merchant_id:?} is not the X-PARTNER-ID of this request"),
        );
    }
    let echo: PayoutEcho = match serde_json::from_slice(body) {
        Ok(echo) => echo,
        Err(e) => return Reply::refusal(400, codes::INVALID_REQUEST, format!("unreadable pay-out body: {e}")),
    };
    let new = NewOrder {
        order_no: request.order_no().to_owned(),
        region: request.region(),
        amount: echo.money.amount,
        payment_method: echo.payment_method,
        cash_account: echo.cash_account,
        callback_url: echo.callback_url,
        merchant_name: text_at(echo.merchant.as_ref(), "merchantName"),
        receiver_name: text_at(echo.receiver.as_ref(), "name"),
    };
    let now = shared.now();
    match shared.orders.create(new, now) {
        Ok(order) => Reply::success(&PayoutAnswer::new(&order, &shared.merchant_id, Shared::gateway_time(now))),
        Err(existing) => Reply::refusal(
            200,
            codes::DUPLICATE_ORDER,
            format!("orderNo {} already exists (tradeNo {})", existing.order_no, existing.trade_no),
        ),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusQuery {
    #[serde(default)]
    trade_type: Option<Value>,
    #[serde(default)]
    order_no: Option<String>,
    #[serde(default)]
    trade_no: Option<String>,
}

fn status(shared: &Shared, body: &[u8]) -> Reply {
    let query: StatusQuery = match serde_json::from_slice(body) {
        Ok(q) => q,
        Err(e) => return Reply::refusal(400, codes::INVALID_REQUEST, format!("not a status inquiry: {e}")),
    };
    let pay_out = Value::from(TRADE_TYPE_PAYOUT);
    match &query.trade_type {
        Some(t) if *t == pay_out || t.as_str() == Some("2") => {}
        _ => {
            return Reply::refusal(
                400,
                codes::INVALID_REQUEST,
                "tradeType must be 2 (pay-out); the mock gateway holds pay-outs only",
            );
        }
    }
    let order_no = query.order_no.as_deref().filter(|s| !s.is_empty());
    let trade_no = query.trade_no.as_deref().filter(|s| !s.is_empty());
    if order_no.is_none() && trade_no.is_none() {
        return Reply::refusal(400, codes::INVALID_REQUEST, "orderNo or tradeNo is required");
    }
    match shared.orders.find(order_no, trade_no) {
        Some(order) => Reply::success(&StatusAnswer::new(&order)),
        None => Reply::refusal(200, codes::ORDER_NOT_FOUND, "order not found"),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BalanceQuery {
    #[serde(default)]
    account_no: Option<String>,
    #[serde(default)]
    balance_types: Option<Vec<String>>,
}

fn balance(shared: &Shared, body: &[u8]) -> Reply {
    let query: BalanceQuery = match serde_json::from_slice(body) {
        Ok(q) => q,
        Err(e) => return Reply::refusal(400, codes::INVALID_REQUEST, format!("not a balance inquiry: {e}")),
    };
    let Some(account_no) = query.account_no.filter(|a| !a.trim().is_empty()) else {
        return Reply::refusal(400, codes::INVALID_REQUEST, "accountNo is required");
    };
    if query.balance_types.is_some_and(|types| types.iter().all(|t| t != BALANCE_TYPE)) {
        return Reply::refusal(400, codes::INVALID_REQUEST, "balanceTypes must include \"BALANCE\"");
    }
    match shared.orders.balance(&account_no) {
        Some(balance) => Reply::success(&BalanceAnswer::new(&account_no, &balance)),
        None => Reply::refusal(200, codes::ACCOUNT_NOT_FOUND, "account not found"),
    }
}
