//! Indonesia (IDR): bank transfers; receiver optional.

use super::body::RegionBody;
use super::fields::FieldReader;
use super::{Common, CommonFields, MerchantInfo, PayoutRequest, rules};
use crate::validation::Collector;
use rust_decimal::Decimal;
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Map, Value};

/// A pay-out in rupiah to an Indonesian bank account.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndonesiaPayout {
    /// Merchant-unique order number, 6–32 letters and digits.
    pub order_no: String,
    /// Memo to the payee, 1–64 characters.
    pub purpose: String,
    /// Whole rupiah, e.g. `150000`.
    pub amount: Decimal,
    /// Bank code, e.g. `BRI`.
    pub payment_method: String,
    /// Beneficiary bank account number.
    pub cash_account: String,
    /// Beneficiary details.
    pub receiver: Option<IndonesiaReceiver>,
    /// Optional merchant details.
    pub merchant: MerchantInfo,
    /// HTTPS address for the status callback.
    pub callback_url: Option<String>,
    /// Gateway fields the SDK does not model, sent as given.
    pub extra: Map<String, Value>,
}

/// The beneficiary of an Indonesian pay-out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndonesiaReceiver {
    /// Full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Settlement account number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_no: Option<String>,
}

impl IndonesiaPayout {
    /// A pay-out with the mandatory fields; set the optional ones on the result.
    pub fn new(
        order_no: impl Into<String>,
        purpose: impl Into<String>,
        amount: Decimal,
        payment_method: impl Into<String>,
        cash_account: impl Into<String>,
    ) -> Self {
        Self {
            order_no: order_no.into(),
            purpose: purpose.into(),
            amount,
            payment_method: payment_method.into(),
            cash_account: cash_account.into(),
            ..Self::default()
        }
    }

    pub(crate) fn common(&self) -> Common<'_> {
        Common {
            order_no: &self.order_no,
            purpose: &self.purpose,
            amount: &self.amount,
            payment_method: &self.payment_method,
            cash_account: &self.cash_account,
            merchant: &self.merchant,
            callback_url: self.callback_url.as_deref(),
            extra: &self.extra,
        }
    }

    pub(crate) fn check_region(&self, c: &mut Collector) {
        rules::record(c, "paymentMethod", rules::payment_method(&self.payment_method));
        rules::record(c, "cashAccount", rules::bank_account(&self.cash_account));
        if let Some(r) = &self.receiver {
            if let Some(name) = &r.name {
                rules::record(c, "receiver.name", rules::name(name));
            }
            if let Some(account) = &r.account_no {
                rules::record(c, "receiver.accountNo", rules::bank_account(account));
            }
        }
    }

    pub(crate) fn read(r: &mut FieldReader<'_>) -> Self {
        let common = CommonFields::read(r);
        Self {
            payment_method: r.string("paymentMethod"),
            cash_account: r.string("cashAccount"),
            receiver: r.object("receiver", |r| IndonesiaReceiver {
                name: r.opt_string("name"),
                account_no: r.opt_string("accountNo"),
            }),
            order_no: common.order_no,
            purpose: common.purpose,
            amount: common.amount,
            merchant: common.merchant,
            callback_url: common.callback_url,
            extra: common.extra,
        }
    }
}

impl RegionBody for IndonesiaPayout {
    fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        if let Some(r) = &self.receiver {
            map.serialize_entry("receiver", r)?;
        }
        Ok(())
    }
}

impl From<IndonesiaPayout> for PayoutRequest {
    fn from(p: IndonesiaPayout) -> Self {
        PayoutRequest::Indonesia(p)
    }
}
