//! Brazil (BRL): PIX transfers; the payment method is the PIX key type and the cash
//! account is the key, checked by type (CPF and CNPJ check digits included).

use super::fields::{FieldReader, choice_enum};
use super::region::{AmountRules, RegionPayout, payout};
use super::{require_choice, rules};
use crate::described::described;
use crate::validation::{Collector, Rule};
use serde::Serialize;
use serde::ser::SerializeMap;

choice_enum! {
    /// The kind of PIX key a pay-out is sent to.
    PixKeyType { /// Individual tax number, 11 digits.
        Cpf = "CPF", /// Company tax number, 14 digits.
        Cnpj = "CNPJ", /// Phone number, `+55` and 10–11 digits.
        Phone = "PHONE", /// E-mail address.
        Email = "EMAIL", /// Random key (a UUID).
        Evp = "EVP" }
}

payout! {
    /// A pay-out in reais to a PIX key.
    BrazilPayout {
        /// Centavos, a whole number: `5000` is BRL 50.00.
        amount;
        /// The PIX key type.
        payment_method: Option<PixKeyType> as PixKeyType;
        /// The PIX key, checked against its type.
        cash_account;
        /// Beneficiary details; when left out, the SDK sends the ones the key implies.
        receiver: Option<BrazilReceiver>,
    }
}

described! {
    /// The beneficiary of a PIX pay-out; each field, when given, must agree with the key.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct BrazilReceiver {
        /// Same as the PIX key type.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pix_type: Option<PixKeyType>,
        /// Same as the PIX key.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pix_account: Option<String>,
        /// The beneficiary's CPF or CNPJ; for CPF and CNPJ keys, the key itself.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub tax_number: Option<String>,
    }
}

impl RegionPayout for BrazilPayout {
    const CURRENCY: &'static str = "BRL";
    const AMOUNT: AmountRules = AmountRules::whole("of centavos (5000 = BRL 50.00)");
    const KEYS: &'static [&'static str] = &["receiver"];

    fn read_region(r: &mut FieldReader<'_>) -> Self {
        Self {
            receiver: r.object("receiver", |r| BrazilReceiver {
                pix_type: r.choice("pixType"),
                pix_account: r.opt_string("pixAccount"),
                tax_number: r.opt_string("taxNumber"),
            }),
            ..Self::default()
        }
    }

    fn check_region(&self, c: &mut Collector) {
        require_choice(c, "paymentMethod", self.payment_method);
        let key_check = match self.payment_method {
            Some(PixKeyType::Cpf) => rules::cpf(&self.cash_account),
            Some(PixKeyType::Cnpj) => rules::cnpj(&self.cash_account),
            Some(PixKeyType::Phone) => phone_key(&self.cash_account),
            Some(PixKeyType::Email) => {
                rules::email(&self.cash_account).and_then(|()| max_chars(&self.cash_account, 77))
            }
            Some(PixKeyType::Evp) => rules::evp_key(&self.cash_account),
            None if self.cash_account.is_empty() => Err((Rule::Required, "is required".into())),
            None => Ok(()),
        };
        rules::record(c, "cashAccount", key_check);
        let Some(r) = &self.receiver else { return };
        if let (Some(given), Some(key_type)) = (r.pix_type, self.payment_method)
            && given != key_type
        {
            c.at("receiver.pixType", Rule::Mismatch, format!("must match paymentMethod ({key_type}), got {given}"));
        }
        if let Some(account) = &r.pix_account
            && *account != self.cash_account
        {
            c.at("receiver.pixAccount", Rule::Mismatch, "must be the same as cashAccount");
        }
        if let Some(tax) = &r.tax_number {
            let check = match self.payment_method {
                Some(PixKeyType::Cpf | PixKeyType::Cnpj) if *tax != self.cash_account => {
                    Err((Rule::Mismatch, "must be the same as cashAccount for CPF and CNPJ keys".to_owned()))
                }
                _ if tax.len() == 14 => rules::cnpj(tax),
                _ => rules::cpf(tax),
            };
            rules::record(c, "receiver.taxNumber", check);
        }
    }

    fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match &self.receiver {
            Some(given) => map.serialize_entry("receiver", given),
            None => map.serialize_entry("receiver", &self.implied_receiver()),
        }
    }
}

impl BrazilPayout {
    /// Seed 004 makes `receiver` mandatory and defines its members as the same values as the
    /// key: pixType = paymentMethod, pixAccount = cashAccount, and for CPF and CNPJ keys
    /// taxNumber = the key. A receiver the caller gives is sent as given.
    fn implied_receiver(&self) -> BrazilReceiver {
        let tax_number =
            matches!(self.payment_method, Some(PixKeyType::Cpf | PixKeyType::Cnpj)).then(|| self.cash_account.clone());
        BrazilReceiver { pix_type: self.payment_method, pix_account: Some(self.cash_account.clone()), tax_number }
    }
}

fn phone_key(value: &str) -> rules::Check {
    if !value.starts_with("+55") {
        return Err((Rule::Format, "a PIX phone key starts with +55, e.g. +5511987654321".into()));
    }
    rules::phone(value, 12, 13, true)
}

fn max_chars(value: &str, max: usize) -> rules::Check {
    if value.chars().count() > max {
        return Err((Rule::Length, format!("must be at most {max} characters long")));
    }
    Ok(())
}
