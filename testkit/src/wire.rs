//! The JSON the mock gateway writes: answers shaped like the seeds' examples, amounts as
//! exact JSON numbers, and refusals as `{"code", "message"}`.

use crate::codes;
use crate::orders::{Balance, MockOrder};
use serde::Serialize;
use serde_json::value::RawValue;
use smilepayz::Decimal;

/// The name the mock gives its merchant where the gateway echoes one.
pub(crate) const MERCHANT_NAME: &str = "Smilepayz Mock Merchant";

/// `tradeType` of a pay-out.
pub(crate) const TRADE_TYPE_PAYOUT: u8 = 2;

/// An answer decided by the mock: HTTP status, gateway code and JSON body.
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    pub(crate) http_status: u16,
    pub(crate) code: String,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    /// A refusal: `{"code": code, "message": message}`.
    pub(crate) fn refusal(http_status: u16, code: &str, message: impl Into<String>) -> Self {
        let body = serde_json::json!({ "code": code, "message": message.into() });
        Reply { http_status, code: code.to_owned(), body: body.to_string().into_bytes() }
    }

    /// HTTP 200 with code `00` and `body`.
    pub(crate) fn success(body: &impl Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(body) => Reply { http_status: 200, code: codes::SUCCESS.to_owned(), body },
            // Strings, numbers and pre-formed JSON numbers always serialise.
            Err(e) => {
                Reply::refusal(500, codes::INVALID_REQUEST, format!("mock gateway could not write its answer: {e}"))
            }
        }
    }
}

/// `money` in pay-out answers, status answers and callbacks.
#[derive(Serialize)]
pub(crate) struct MoneyOut<'a> {
    currency: &'a str,
    amount: Box<RawValue>,
}

impl<'a> MoneyOut<'a> {
    pub(crate) fn of(order: &'a MockOrder) -> Self {
        MoneyOut { currency: &order.currency, amount: smilepayz::models::amount::to_json_number(&order.amount) }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MerchantOut<'a> {
    merchant_id: &'a str,
    merchant_name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChannelOut<'a> {
    payment_method: &'a str,
    cash_account: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_name: Option<&'a str>,
}

/// The answer to an accepted pay-out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PayoutAnswer<'a> {
    code: &'static str,
    message: &'static str,
    order_no: &'a str,
    trade_no: &'a str,
    merchant: MerchantOut<'a>,
    money: MoneyOut<'a>,
    disbursement_time: String,
    channel: ChannelOut<'a>,
    status: &'a str,
}

impl<'a> PayoutAnswer<'a> {
    pub(crate) fn new(order: &'a MockOrder, merchant_id: &'a str, disbursement_time: String) -> Self {
        PayoutAnswer {
            code: codes::SUCCESS,
            message: "successful",
            order_no: &order.order_no,
            trade_no: &order.trade_no,
            merchant: MerchantOut { merchant_id, merchant_name: merchant_name(order) },
            money: MoneyOut::of(order),
            disbursement_time,
            channel: ChannelOut {
                payment_method: &order.payment_method,
                cash_account: &order.cash_account,
                account_name: order.receiver_name.as_deref(),
            },
            status: order.status.as_str(),
        }
    }
}

/// The answer to a status inquiry that found its order, in the real gateway's shape:
/// `code, message, tradeNo, tradeType, paymentMethod, money, status, remark` and no
/// `orderNo`, so that a client cannot lean on an echo the gateway never sends.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StatusAnswer<'a> {
    code: &'static str,
    message: &'static str,
    trade_no: &'a str,
    trade_type: u8,
    payment_method: &'a str,
    money: MoneyOut<'a>,
    status: &'a str,
    remark: &'a str,
}

impl<'a> StatusAnswer<'a> {
    pub(crate) fn new(order: &'a MockOrder) -> Self {
        StatusAnswer {
            code: codes::SUCCESS,
            message: "successful",
            trade_no: &order.trade_no,
            trade_type: TRADE_TYPE_PAYOUT,
            payment_method: &order.payment_method,
            money: MoneyOut::of(order),
            status: order.status.as_str(),
            remark: &order.remark,
        }
    }
}

#[derive(Serialize)]
struct ValueOut<'a> {
    currency: &'a str,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountInfoOut<'a> {
    balance_type: &'static str,
    amount: ValueOut<'a>,
    available_balance: ValueOut<'a>,
}

/// The answer to a balance inquiry for a known account; values are strings, as the
/// gateway writes them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BalanceAnswer<'a> {
    code: &'static str,
    message: &'static str,
    account_no: &'a str,
    name: &'static str,
    balance_types: [&'static str; 1],
    account_infos: [AccountInfoOut<'a>; 1],
}

/// The only balance type the gateway documents.
pub(crate) const BALANCE_TYPE: &str = "BALANCE";

impl<'a> BalanceAnswer<'a> {
    pub(crate) fn new(account_no: &'a str, balance: &'a Balance) -> Self {
        let value = |d: &Decimal| ValueOut { currency: &balance.currency, value: d.to_string() };
        BalanceAnswer {
            code: codes::SUCCESS,
            message: "successful",
            account_no,
            name: MERCHANT_NAME,
            balance_types: [BALANCE_TYPE],
            account_infos: [AccountInfoOut {
                balance_type: BALANCE_TYPE,
                amount: value(&balance.total),
                available_balance: value(&balance.available),
            }],
        }
    }
}

/// A callback (notification) body, shaped like the seeds' example.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CallbackBody<'a> {
    order_no: &'a str,
    trade_no: &'a str,
    merchant_id: &'a str,
    merchant_name: &'a str,
    sub_merchant_id: &'static str,
    sub_merchant_name: &'static str,
    payment_method: &'a str,
    transaction_time: String,
    money: MoneyOut<'a>,
    status: &'a str,
}

impl<'a> CallbackBody<'a> {
    pub(crate) fn new(order: &'a MockOrder, merchant_id: &'a str, transaction_time: String) -> Self {
        CallbackBody {
            order_no: &order.order_no,
            trade_no: &order.trade_no,
            merchant_id,
            merchant_name: merchant_name(order),
            sub_merchant_id: "",
            sub_merchant_name: "",
            payment_method: &order.payment_method,
            transaction_time,
            money: MoneyOut::of(order),
            status: order.status.as_str(),
        }
    }
}

fn merchant_name(order: &MockOrder) -> &str {
    order.merchant_name.as_deref().unwrap_or(MERCHANT_NAME)
}
