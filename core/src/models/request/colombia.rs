//! Colombia (COP): bank transfers; amount 100–999 999 999; full receiver required.

use super::fields::{FieldReader, choice_enum};
use super::region::{AmountRules, RegionPayout, payout};
use super::{require_choice, rules};
use crate::described::described;
use crate::validation::{Collector, Rule};
use serde::Serialize;
use serde::ser::SerializeMap;

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

payout! {
    /// A pay-out in pesos to a Colombian bank account.
    ColombiaPayout {
        /// Whole pesos, 100 to 999 999 999.
        amount;
        /// Bank code, e.g. `BANCOLOMBIA`.
        payment_method: String as impl Into<String>;
        /// Beneficiary bank account number.
        cash_account;
        /// Corriente or ahorros.
        cash_account_type: Option<ColombiaAccountType>,
        /// Beneficiary details, all required.
        receiver: ColombiaReceiver,
    }
}

described! {
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
}

impl RegionPayout for ColombiaPayout {
    const CURRENCY: &'static str = "COP";
    const AMOUNT: AmountRules = AmountRules::whole("of pesos").between(100, 999_999_999);
    const KEYS: &'static [&'static str] = &["cashAccountType", "receiver"];

    fn read_region(r: &mut FieldReader<'_>) -> Self {
        Self {
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
            ..Self::default()
        }
    }

    fn check_region(&self, c: &mut Collector) {
        rules::bank_transfer(c, &self.payment_method, &self.cash_account);
        // Seed 003 alone gives the sub-merchant id a format: "Alphanumeric string".
        if let Some(id) = &self.merchant.sub_merchant_id {
            rules::record(c, "merchant.subMerchantId", rules::alphanumeric_id(id));
        }
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

    fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("cashAccountType", &self.cash_account_type)?;
        map.serialize_entry("receiver", &self.receiver)
    }
}
