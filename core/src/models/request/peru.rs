//! Peru (PEN): bank transfers with CCI; amounts in céntimos; full receiver required.

use super::body::RegionBody;
use super::fields::{FieldReader, choice_enum};
use super::{Common, CommonFields, MerchantInfo, PayoutRequest, require_choice, rules};
use crate::validation::{Collector, Rule};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Map, Value};

choice_enum! {
    /// Peruvian bank account type.
    PeruAccountType { /// Current account.
        Checking = "CHECKING", /// Savings account.
        Savings = "SAVINGS" }
}

choice_enum! {
    /// Peruvian identity document type.
    PeruIdType { /// National ID (DNI, 8 digits).
        Nid = "NID", /// Foreigner ID (carné de extranjería).
        Fid = "FID", /// Passport.
        Pp = "PP", /// Tax number (RUC, 11 digits).
        Tin = "TIN" }
}

/// A pay-out in soles to a Peruvian bank account.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeruPayout {
    /// Merchant-unique order number, 6–32 letters and digits.
    pub order_no: String,
    /// Memo to the payee, 1–64 characters.
    pub purpose: String,
    /// Céntimos, a whole number: `1050` is PEN 10.50.
    pub amount: Decimal,
    /// Bank code, e.g. `BCP`.
    pub payment_method: String,
    /// Beneficiary bank account number.
    pub cash_account: String,
    /// Checking or savings.
    pub cash_account_type: Option<PeruAccountType>,
    /// The 20-digit interbank account code (CCI).
    pub cci: String,
    /// Beneficiary details, all required.
    pub receiver: PeruReceiver,
    /// Optional merchant details.
    pub merchant: MerchantInfo,
    /// HTTPS address for the status callback.
    pub callback_url: Option<String>,
    /// Gateway fields the SDK does not model, sent as given.
    pub extra: Map<String, Value>,
}

/// The beneficiary of a Peruvian pay-out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeruReceiver {
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number in local format (digits only).
    pub phone: String,
    /// Identity document type.
    pub id_type: Option<PeruIdType>,
    /// Identity document number matching `id_type`.
    pub id_number: String,
}

impl PeruPayout {
    /// A pay-out with the common mandatory fields; set the Peru-specific ones on the result.
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
        rules::record(c, "cci", rules::digits(&self.cci, 20));
        let r = &self.receiver;
        if *r == PeruReceiver::default() {
            c.at("receiver", Rule::Required, "is required: name, email, phone, idType and idNumber");
            return;
        }
        rules::record(c, "receiver.name", rules::name(&r.name));
        rules::record(c, "receiver.email", rules::email(&r.email));
        rules::record(c, "receiver.phone", rules::phone(&r.phone, 6, 12, false));
        require_choice(c, "receiver.idType", r.id_type);
        let id_check = match r.id_type {
            Some(PeruIdType::Nid) => rules::digits(&r.id_number, 8),
            Some(PeruIdType::Tin) => rules::digits(&r.id_number, 11),
            _ => rules::document_number(&r.id_number),
        };
        rules::record(c, "receiver.idNumber", id_check);
    }

    pub(crate) fn read(r: &mut FieldReader<'_>) -> Self {
        let common = CommonFields::read(r);
        Self {
            payment_method: r.string("paymentMethod"),
            cash_account: r.string("cashAccount"),
            cash_account_type: r.choice("cashAccountType"),
            cci: r.string("cci"),
            receiver: r
                .object("receiver", |r| PeruReceiver {
                    name: r.string("name"),
                    email: r.string("email"),
                    phone: r.string("phone"),
                    id_type: r.choice("idType"),
                    id_number: r.string("idNumber"),
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

impl RegionBody for PeruPayout {
    fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("cashAccountType", &self.cash_account_type)?;
        map.serialize_entry("cci", &self.cci)?;
        map.serialize_entry("receiver", &self.receiver)
    }
}

impl From<PeruPayout> for PayoutRequest {
    fn from(p: PeruPayout) -> Self {
        PayoutRequest::Peru(p)
    }
}
