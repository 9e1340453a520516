//! Indonesia (IDR): bank transfers; receiver optional.

use super::fields::FieldReader;
use super::region::{AmountRules, RegionPayout, payout};
use super::rules;
use crate::described::described;
use crate::validation::Collector;
use serde::Serialize;
use serde::ser::SerializeMap;

payout! {
    /// A pay-out in rupiah to an Indonesian bank account.
    IndonesiaPayout {
        /// Whole rupiah, e.g. `150000`.
        amount;
        /// Bank code, e.g. `BRI`.
        payment_method: String as impl Into<String>;
        /// Beneficiary bank account number.
        cash_account;
        /// Beneficiary details.
        receiver: Option<IndonesiaReceiver>,
    }
}

described! {
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
}

impl RegionPayout for IndonesiaPayout {
    const CURRENCY: &'static str = "IDR";
    const AMOUNT: AmountRules = AmountRules::whole("of rupiah");
    const KEYS: &'static [&'static str] = &["receiver"];

    fn read_region(r: &mut FieldReader<'_>) -> Self {
        Self {
            receiver: r.object("receiver", |r| IndonesiaReceiver {
                name: r.opt_string("name"),
                account_no: r.opt_string("accountNo"),
            }),
            ..Self::default()
        }
    }

    fn check_region(&self, c: &mut Collector) {
        rules::bank_transfer(c, &self.payment_method, &self.cash_account);
        if let Some(r) = &self.receiver {
            if let Some(name) = &r.name {
                rules::record(c, "receiver.name", rules::name(name));
            }
            if let Some(account) = &r.account_no {
                rules::record(c, "receiver.accountNo", rules::bank_account(account));
            }
        }
    }

    fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        if let Some(r) = &self.receiver {
            map.serialize_entry("receiver", r)?;
        }
        Ok(())
    }
}
