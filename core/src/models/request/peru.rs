//! Peru (PEN): bank transfers with CCI; amounts in céntimos; full receiver required.

use super::fields::{FieldReader, choice_enum};
use super::region::{AmountRules, RegionPayout, payout};
use super::{require_choice, rules};
use crate::described::described;
use crate::validation::{Collector, Rule};
use serde::Serialize;
use serde::ser::SerializeMap;

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

payout! {
    /// A pay-out in soles to a Peruvian bank account.
    PeruPayout {
        /// Céntimos, a whole number: `1050` is PEN 10.50.
        amount;
        /// Bank code, e.g. `BCP`.
        payment_method: String as impl Into<String>;
        /// Beneficiary bank account number.
        cash_account;
        /// Checking or savings.
        cash_account_type: Option<PeruAccountType>,
        /// The 20-digit interbank account code (CCI).
        cci: String,
        /// Beneficiary details, all required.
        receiver: PeruReceiver,
    }
}

described! {
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
}

impl RegionPayout for PeruPayout {
    const CURRENCY: &'static str = "PEN";
    const AMOUNT: AmountRules = AmountRules::whole("of céntimos (1050 = PEN 10.50)");
    const KEYS: &'static [&'static str] = &["cashAccountType", "cci", "receiver"];

    fn read_region(r: &mut FieldReader<'_>) -> Self {
        Self {
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
            ..Self::default()
        }
    }

    fn check_region(&self, c: &mut Collector) {
        rules::bank_transfer(c, &self.payment_method, &self.cash_account);
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

    fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("cashAccountType", &self.cash_account_type)?;
        map.serialize_entry("cci", &self.cci)?;
        map.serialize_entry("receiver", &self.receiver)
    }
}
