//! Colombia (COP): bank transfers; amount 100–999 999 999; full receiver required.

use super::body::RegionBody;
use super::fields::{FieldReader, choice_enum};
use super::{Common, CommonFields, MerchantInfo, PayoutRequest, require_choice, rules};
use crate::validation::{Collector, Rule};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Map, Value};

choice_enum! {
    /// Colombian bank account type.
    ColombiaAccountType { /// Checking (cuenta corriente).
        Corriente = "CORRIENTE", /// Savings (cuenta de ahorros).
        Ahorros = "AHORROS" }
}

choice_enum! {
    /// Colombian identity document type.
    ColombiaIdType { /// Cédula de ciudadanía.
        Cc = "CC", /// Cédula de extranjería.
        Ce = "CE" }
}

/// A pay-out in pesos to a Colombian bank account.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ColombiaPayout {
    /// Merchant-unique order number, 6–32 letters and digits.
    pub order_no: String,
    /// Memo to the payee, 1–64 characters.
    pub purpose: String,
    /// Whole pesos, 100 to 999 999 999.
    pub amount: Decimal,
    /// Bank code, e.g. `BANCOLOMBIA`.
    pub payment_method: String,
    /// Beneficiary bank account number.
    pub cash_account: String,
    /// Corriente or ahorros.
    pub cash_account_type: Option<ColombiaAccountType>,
    /// Beneficiary details, all required.
    pub receiver: ColombiaReceiver,
    /// Optional merchant details.
    pub merchant: MerchantInfo,
    /// HTTPS address for the status callback.
    pub callback_url: Option<String>,
    /// Gateway fields the SDK does not model, sent as given.
    pub extra: Map<String, Value>,
}

/// The beneficiary of a Colombian pay-out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColombiaReceiver {
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Local phone number without country code, e.g. `3001234567`.
    pub phone: String,
    /// Identity document type.
    pub id_type: Option<ColombiaIdType>,
    /// Identity document number.
    pub identity: String,
}

impl ColombiaPayout {
    /// A pay-out with the common mandatory fields; set the Colombia-specific ones on the result.
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
        require_choice(c, "cashAccountType", self.cash_account_type);
        let r = &self.receiver;
        if *r == ColombiaReceiver::default() {
            c.at("receiver", Rule::Required, "is required: name, email, phone, idType and identity");
            return;
        }
        rules::record(c, "receiver.name", rules::name(&r.name));
        rules::record(c, "receiver.email", rules::email(&r.email));
        rules::record(c, "receiver.phone", rules::phone(&r.phone, 7, 10, false));
        require_choice(c, "receiver.idType", r.id_type);
        rules::record(c, "receiver.identity", rules::document_number(&r.identity));
    }

    pub(crate) fn read(r: &mut FieldReader<'_>) -> Self {
        let common = CommonFields::read(r);
        Self {
            payment_method: r.string("paymentMethod"),
            cash_account: r.string("cashAccount"),
            cash_account_type: r.choice("cashAccountType"),
            receiver: r
                .object("receiver", |r| ColombiaReceiver {
                    name: r.string("name"),
                    email: r.string("email"),
                    phone: r.string("phone"),
                    id_type: r.choice("idType"),
                    identity: r.string("identity"),
                })
                .unwrap_or_default(),
            order_no: common.order_no,
            purpose: common.purpose,
            amount: common.amount,
            merchant: common.merchant,
            callback_url: common.callback_url,
            extra: common.extra,
        }
    }
}

impl RegionBody for ColombiaPayout {
    fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("cashAccountType", &self.cash_account_type)?;
        map.serialize_entry("receiver", &self.receiver)
    }
}

impl From<ColombiaPayout> for PayoutRequest {
    fn from(p: ColombiaPayout) -> Self {
        PayoutRequest::Colombia(p)
    }
}
