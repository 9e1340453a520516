//! USDT on TRC20 or BEP20: the cash account is a wallet address checked for its network.

use super::fields::{FieldReader, choice_enum};
use super::region::{AmountRules, RegionPayout, payout};
use super::{require_choice, rules};
use crate::validation::{Collector, Rule};
use serde::ser::SerializeMap;

choice_enum! {
    /// The blockchain a USDT pay-out travels on.
    UsdtNetwork { /// TRON; addresses are base58check starting with `T`.
        Trc20 = "TRC20", /// BNB Smart Chain; addresses are `0x` and 40 hex digits.
        Bep20 = "BEP20" }
}

payout! {
    /// A pay-out in USDT to a wallet.
    UsdtPayout {
        /// USDT, at most 4 decimal places.
        amount;
        /// TRC20 or BEP20.
        network: Option<UsdtNetwork> as UsdtNetwork;
        /// The wallet address, checked for its network.
        cash_account;
    }
}

impl RegionPayout for UsdtPayout {
    const CURRENCY: &'static str = "USDT";
    const AMOUNT: AmountRules = AmountRules::decimals(4);
    const KEYS: &'static [&'static str] = &["network"];
    /// The payment method code the gateway uses for USDT pay-outs.
    const FIXED_PAYMENT_METHOD: Option<&'static str> = Some("USDT");

    fn read_region(r: &mut FieldReader<'_>) -> Self {
        // The seed lists paymentMethod for USDT; only its one value is accepted.
        if let Some(method) = r.opt_string("paymentMethod")
            && Some(method.as_str()) != Self::FIXED_PAYMENT_METHOD
        {
            r.c.at("paymentMethod", Rule::OneOf, format!("must be USDT for a USDT pay-out, got {method:?}"));
        }
        Self::default()
    }

    fn check_region(&self, c: &mut Collector) {
        require_choice(c, "network", self.network);
        let check = match self.network {
            Some(UsdtNetwork::Trc20) => rules::tron_address(&self.cash_account),
            Some(UsdtNetwork::Bep20) => rules::bep20_address(&self.cash_account),
            None if self.cash_account.is_empty() => Err((Rule::Required, "is required".into())),
            None => Ok(()),
        };
        rules::record(c, "cashAccount", check);
    }

    fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("network", &self.network)
    }
}
