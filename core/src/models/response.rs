//! Gateway answers: pay-out, status inquiry and balance inquiry. Unknown fields are
//! ignored, unknown statuses kept, times kept as written, and the raw body retained.

use super::amount::deserialize_exact;
use super::status::Status;
use super::time::GatewayTime;
use crate::described::described;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// The `code` the gateway sends when it accepted a request.
pub const SUCCESS_CODE: &str = "00";

/// A JSON body exactly as received.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RawJson(pub(crate) Arc<str>);

impl RawJson {
    /// The body text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The body as a JSON value.
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(&self.0).unwrap_or(serde_json::Value::Null)
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawJson({} bytes)", self.0.len())
    }
}

described! {
    /// An amount with its currency.
    #[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
    pub struct Money {
        /// ISO currency code (or `USDT`).
        pub currency: String,
        /// The exact amount as the gateway wrote it.
        #[serde(deserialize_with = "deserialize_exact", serialize_with = "decimal_as_string")]
        pub amount: Decimal,
    }
}

pub(crate) fn decimal_as_string<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

described! {
    /// The merchant as echoed by the gateway.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct MerchantEcho {
        /// Merchant id.
        pub merchant_id: Option<String>,
        /// Merchant display name.
        pub merchant_name: Option<String>,
        /// Sub-merchant id.
        pub sub_merchant_id: Option<String>,
        /// Sub-merchant name.
        pub sub_merchant_name: Option<String>,
        /// Settlement account number.
        pub account_no: Option<String>,
    }
}

described! {
    /// How the money travels, as echoed by the gateway.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct Channel {
        /// Bank code, PIX key type or crypto code.
        pub payment_method: Option<String>,
        /// Beneficiary account, PIX key or wallet.
        pub cash_account: Option<String>,
        /// Account holder name.
        pub account_name: Option<String>,
    }
}

described! {
    /// The answer to a pay-out.
    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct PayoutResponse {
        /// `00` when accepted.
        pub code: String,
        /// Human-readable result.
        #[serde(default)]
        pub message: String,
        /// The merchant order number.
        pub order_no: Option<String>,
        /// The gateway's trade number.
        pub trade_no: Option<String>,
        /// Order status, when given.
        pub status: Option<Status>,
        /// When the gateway recorded the pay-out.
        pub disbursement_time: Option<GatewayTime>,
        /// Merchant echo.
        pub merchant: Option<MerchantEcho>,
        /// Amount and currency.
        pub money: Option<Money>,
        /// Channel echo.
        pub channel: Option<Channel>,
        /// The body as received.
        #[serde(skip)]
        pub raw: RawJson,
    }
}

described! {
    /// The answer to a status inquiry: the authoritative state of one order.
    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct StatusResponse {
        /// `00` when found.
        pub code: String,
        /// Human-readable result.
        #[serde(default)]
        pub message: String,
        /// The merchant order number, when given.
        pub order_no: Option<String>,
        /// The gateway's trade number.
        pub trade_no: Option<String>,
        /// `1` pay-in, `2` pay-out (kept as text whether sent as number or string).
        #[serde(default, deserialize_with = "string_or_number")]
        pub trade_type: Option<String>,
        /// Payment method.
        pub payment_method: Option<String>,
        /// Amount and currency.
        pub money: Option<Money>,
        /// Order status.
        pub status: Option<Status>,
        /// Gateway remark, e.g. a failure reason.
        pub remark: Option<String>,
        /// When the order completed, when given.
        pub transaction_time: Option<GatewayTime>,
        /// The body as received.
        #[serde(skip)]
        pub raw: RawJson,
    }
}

described! {
    /// One value of a balance, with currency.
    #[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
    pub struct BalanceValue {
        /// Currency code.
        pub currency: Option<String>,
        /// The exact value (sent by the gateway as a string).
        #[serde(deserialize_with = "deserialize_exact", serialize_with = "decimal_as_string")]
        pub value: Decimal,
    }
}

described! {
    /// One balance of an account.
    #[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AccountInfo {
        /// e.g. `BALANCE`.
        pub balance_type: Option<String>,
        /// Total balance.
        pub amount: Option<BalanceValue>,
        /// Balance available for pay-outs.
        pub available_balance: Option<BalanceValue>,
    }
}

described! {
    /// The answer to a balance inquiry.
    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct BalanceResponse {
        /// `00` when found.
        pub code: String,
        /// Human-readable result.
        #[serde(default)]
        pub message: String,
        /// The account asked about.
        pub account_no: Option<String>,
        /// Account name.
        pub name: Option<String>,
        /// Balance types returned.
        #[serde(default)]
        pub balance_types: Vec<String>,
        /// The balances.
        #[serde(default)]
        pub account_infos: Vec<AccountInfo>,
        /// The body as received.
        #[serde(skip)]
        pub raw: RawJson,
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        S(String),
        N(serde_json::Number),
    }
    Ok(Option::<Either>::deserialize(d)?.map(|e| match e {
        Either::S(s) => s,
        Either::N(n) => n.to_string(),
    }))
}

/// A gateway body that parses into a typed answer and keeps its raw text.
pub trait GatewayBody: DeserializeOwned + Sized {
    /// Stores the raw body.
    fn set_raw(&mut self, raw: RawJson);

    /// The gateway `code`.
    fn code(&self) -> &str;

    /// The gateway `message`.
    fn message(&self) -> &str;

    /// Parses a body, keeping its text; `Err` says why it is unreadable.
    fn from_json(body: &[u8]) -> Result<Self, String> {
        let text = require_object(body)?;
        let mut parsed: Self =
            serde_json::from_str(text).map_err(|e| format!("the body is not the expected JSON: {e}"))?;
        parsed.set_raw(RawJson(Arc::from(text)));
        Ok(parsed)
    }

    /// True when the gateway accepted the request.
    fn is_success(&self) -> bool {
        self.code() == SUCCESS_CODE
    }
}

/// The body as text, when it is a JSON object. serde would otherwise read a JSON array
/// positionally into a struct (`["00"]` as `code: "00"`).
pub(crate) fn require_object(body: &[u8]) -> Result<&str, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8".to_owned())?;
    if text.trim_start().starts_with('{') { Ok(text) } else { Err("the body is not a JSON object".to_owned()) }
}

macro_rules! gateway_body {
    ($($t:ty),+) => {$(
        impl GatewayBody for $t {
            fn set_raw(&mut self, raw: RawJson) {
                self.raw = raw;
            }
            fn code(&self) -> &str {
                &self.code
            }
            fn message(&self) -> &str {
                &self.message
            }
        }
    )+};
}
gateway_body!(PayoutResponse, StatusResponse, BalanceResponse);

impl PayoutResponse {
    /// True when the status is final.
    pub fn is_final(&self) -> bool {
        self.status.as_ref().is_some_and(Status::is_final)
    }
}

impl StatusResponse {
    /// True when the status is final.
    pub fn is_final(&self) -> bool {
        self.status.as_ref().is_some_and(Status::is_final)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_are_not_answers() {
        // Found by fuzzing: serde reads arrays positionally into structs.
        assert!(PayoutResponse::from_json(br#"["00"]"#).is_err());
        assert!(StatusResponse::from_json(br#"["00", "ok"]"#).is_err());
        assert!(PayoutResponse::from_json(br#" {"code":"00"}"#).is_ok());
    }
}

/// A minimal view of any gateway answer, to read `code` and `message` from a body that
/// does not parse as the expected type.
#[derive(Deserialize)]
pub(crate) struct CodeOnly {
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) message: String,
}
