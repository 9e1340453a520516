//! USDT on TRC20 or BEP20: the cash account is a wallet address checked for its network.

use super::body::RegionBody;
use super::fields::{FieldReader, choice_enum};
use super::{Common, CommonFields, MerchantInfo, PayoutRequest, require_choice, rules};
use crate::validation::{Collector, Rule};
use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde_json::{Map, Value};

choice_enum! {
    /// The blockchain a USDT pay-out travels on.
    UsdtNetwork { /// TRON; addresses are base58check starting with `T`.
        Trc20 = "TRC20", /// BNB Smart Chain; addresses are `0x` and 40 hex digits.
        Bep20 = "BEP20" }
}

/// The payment method code the gateway uses for USDT pay-outs.
const USDT_PAYMENT_METHOD: &str = "USDT";

/// A pay-out in USDT to a wallet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UsdtPayout {
    /// Merchant-unique order number, 6–32 letters and digits.
    pub order_no: String,
    /// Memo, 1–64 characters.
    pub purpose: String,
    /// USDT, at most 4 decimal places.
    pub amount: Decimal,
    /// TRC20 or BEP20.
    pub network: Option<UsdtNetwork>,
    /// The wallet address, checked for its network.
    pub cash_account: String,
    /// Optional merchant details.
    pub merchant: MerchantInfo,
    /// HTTPS address for the status callback.
    pub callback_url: Option<String>,
    /// Gateway fields the SDK does not model, sent as given.
    pub extra: Map<String, Value>,
}

impl UsdtPayout {
    /// A pay-out with the mandatory fields; set the optional ones on the result.
    pub fn new(
        order_no: impl Into<String>,
        purpose: impl Into<String>,
        amount: Decimal,
        network: UsdtNetwork,
        cash_account: impl Into<String>,
    ) -> Self {
        Self {
            order_no: order_no.into(),
            purpose: purpose.into(),
            amount,
            network: Some(network),
            cash_account: cash_account.into(),
            ..Self::default()
        }
    }

    pub(crate) fn common(&self) -> Common<'_> {
        Common {
            order_no: &self.order_no,
            purpose: &self.purpose,
            amount: &self.amount,
            payment_method: USDT_PAYMENT_METHOD,
            cash_account: &self.cash_account,
            merchant: &self.merchant,
            callback_url: self.callback_url.as_deref(),
            extra: &self.extra,
        }
    }

    pub(crate) fn check_region(&self, c: &mut Collector) {
        require_choice(c, "network", self.network);
        let check = match self.network {
            Some(UsdtNetwork::Trc20) => rules::tron_address(&self.cash_account),
            Some(UsdtNetwork::Bep20) => rules::bep20_address(&self.cash_account),
            None if self.cash_account.is_empty() => Err((Rule::Required, "is required".into())),
            None => Ok(()),
        };
        rules::record(c, "cashAccount", check);
    }

    pub(crate) fn read(r: &mut FieldReader<'_>) -> Self {
        let common = CommonFields::read(r);
        // The seed lists paymentMethod for USDT; only its one value is accepted.
        if let Some(method) = r.opt_string("paymentMethod")
            && method != USDT_PAYMENT_METHOD
        {
            r.c.at("paymentMethod", Rule::OneOf, format!("must be USDT for a USDT pay-out, got {method:?}"));
        }
        Self {
            network: r.choice("network"),
            cash_account: r.string("cashAccount"),
            order_no: common.order_no,
            purpose: common.purpose,
            amount: common.amount,
            merchant: common.merchant,
            callback_url: common.callback_url,
            extra: common.extra,
        }
    }
}

impl RegionBody for UsdtPayout {
    fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("network", &self.network)
    }
}

impl From<UsdtPayout> for PayoutRequest {
    fn from(p: UsdtPayout) -> Self {
        PayoutRequest::Usdt(p)
    }
}
