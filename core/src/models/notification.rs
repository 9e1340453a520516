//! The body of a callback (notification). Only its `tradeNo` is covered by the signature.

use super::response::{Money, RawJson};
use super::status::Status;
use super::time::GatewayTime;
use crate::described::described;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

described! {
    /// A callback body as the gateway sends it.
    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CallbackNotification {
        /// The gateway's trade number (the signed part).
        pub trade_no: String,
        /// The merchant order number.
        pub order_no: Option<String>,
        /// Merchant id.
        pub merchant_id: Option<String>,
        /// Merchant display name.
        pub merchant_name: Option<String>,
        /// Sub-merchant id.
        pub sub_merchant_id: Option<String>,
        /// Sub-merchant name.
        pub sub_merchant_name: Option<String>,
        /// Payment method.
        pub payment_method: Option<String>,
        /// When the order completed.
        pub transaction_time: Option<GatewayTime>,
        /// The status announced.
        pub status: Option<Status>,
        /// The amount announced.
        pub money: Option<Money>,
        /// The body as received.
        #[serde(skip)]
        pub raw: RawJson,
    }
}

impl CallbackNotification {
    /// Parses a callback body; `Err` says why it is unreadable (duplicate keys included).
    pub fn from_json(body: &[u8]) -> Result<Self, String> {
        let text = super::response::require_object(body)?;
        let mut parsed: Self = serde_json::from_str(text).map_err(|e| format!("the body is not a callback: {e}"))?;
        parsed.raw = RawJson(Arc::from(text));
        Ok(parsed)
    }
}
