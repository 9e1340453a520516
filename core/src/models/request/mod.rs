//! Pay-out requests: one type per region, validated as a whole and serialised once into
//! the exact bytes that are signed and sent. Each region is declared once, in its own
//! file (`payout!` and `impl RegionPayout`, see `region.rs`), and listed once, in
//! `regions!` below; everything that enumerates regions is derived from that list.

mod body;
mod brazil;
mod colombia;
pub(crate) mod fields;
mod indonesia;
mod peru;
pub(crate) mod region;
pub(crate) mod rules;
mod usdt;
#[cfg(feature = "gateway-side")]
mod wire;

pub use brazil::{BrazilPayout, BrazilReceiver, PixKeyType};
pub use colombia::{ColombiaAccountType, ColombiaIdType, ColombiaPayout, ColombiaReceiver};
pub use indonesia::{IndonesiaPayout, IndonesiaReceiver};
pub use peru::{PeruAccountType, PeruIdType, PeruPayout, PeruReceiver};
pub use usdt::{UsdtNetwork, UsdtPayout};

use crate::described::described;
use crate::validation::{Case, Collector, Rule, ValidationError};
use bytes::Bytes;
use fields::{Choice, FieldReader};
use region::{AmountRules, RegionPayout, regions};
use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde_json::{Map, Value};
use std::fmt;

regions! {
    /// Indonesia, IDR.
    Indonesia(IndonesiaPayout),
    /// Peru, PEN.
    Peru(PeruPayout),
    /// Colombia, COP.
    Colombia(ColombiaPayout),
    /// Brazil, BRL over PIX.
    Brazil(BrazilPayout),
    /// USDT on TRC20 or BEP20.
    Usdt(UsdtPayout),
}

impl Region {
    /// The region whose currency is `code`.
    pub fn from_currency(code: &str) -> Option<Region> {
        Region::ALL.iter().copied().find(|r| r.currency() == code)
    }

    /// Every region's currency code, separated by `, ` and the last one by `last`, as
    /// error messages list them.
    pub(crate) fn currencies(last: &str) -> String {
        let codes: Vec<&str> = Region::ALL.iter().map(|r| r.currency()).collect();
        match codes.split_last() {
            Some((final_code, [])) => (*final_code).to_owned(),
            Some((final_code, rest)) => format!("{}{last}{final_code}", rest.join(", ")),
            None => String::new(),
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.currency())
    }
}

described! {
    /// Optional merchant details sent with a pay-out; the merchant id comes from the client.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct MerchantInfo {
        /// Merchant display name.
        pub merchant_name: Option<String>,
        /// Sub-merchant id.
        pub sub_merchant_id: Option<String>,
        /// Sub-merchant display name.
        pub sub_merchant_name: Option<String>,
    }
}

impl MerchantInfo {
    fn validate(&self, c: &mut Collector) {
        for (path, value) in [
            ("merchant.merchantName", &self.merchant_name),
            ("merchant.subMerchantId", &self.sub_merchant_id),
            ("merchant.subMerchantName", &self.sub_merchant_name),
        ] {
            if let Some(v) = value {
                rules::record(c, path, rules::optional_text(v));
            }
        }
    }

    fn read(r: &mut FieldReader<'_>) -> Self {
        MerchantInfo {
            merchant_name: r.opt_string("merchantName"),
            sub_merchant_id: r.opt_string("subMerchantId"),
            sub_merchant_name: r.opt_string("subMerchantName"),
        }
    }
}

/// A merchant order number: 6–32 ASCII letters and digits, checked on construction.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrderNo(String);

impl OrderNo {
    /// Checks and wraps an order number.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let mut c = Collector::new(Case::Snake);
        rules::record(&mut c, "orderNo", rules::order_no(value));
        c.finish().map(|()| OrderNo(value.to_owned()))
    }

    /// The order number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrderNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The fields every region shares, borrowed from a region request.
pub(crate) struct Common<'a> {
    pub(crate) order_no: &'a str,
    pub(crate) purpose: &'a str,
    pub(crate) amount: &'a Decimal,
    pub(crate) payment_method: &'a str,
    pub(crate) cash_account: &'a str,
    pub(crate) merchant: &'a MerchantInfo,
    pub(crate) callback_url: Option<&'a str>,
    pub(crate) extra: &'a Map<String, Value>,
}

/// A validated pay-out serialised into the exact bytes to sign and send.
#[derive(Clone, Debug)]
pub struct PreparedPayout {
    order_no: OrderNo,
    region: Region,
    body: Bytes,
}

impl PreparedPayout {
    /// The order number, checked.
    pub fn order_no(&self) -> &OrderNo {
        &self.order_no
    }

    /// The region.
    pub fn region(&self) -> Region {
        self.region
    }

    /// The JSON body, byte for byte as signed and sent.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl PayoutRequest {
    /// The order number as given (not yet checked).
    pub fn order_no(&self) -> &str {
        self.common().order_no
    }

    /// Checks every rule and reports all violations at once, paths in snake_case.
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.validate_in(Case::Snake)
    }

    /// Like [`validate`](Self::validate), with paths in the given naming style.
    pub fn validate_in(&self, case: Case) -> Result<(), ValidationError> {
        let mut c = Collector::new(case);
        self.check(&mut c);
        c.finish()
    }

    fn check(&self, c: &mut Collector) {
        let common = self.common();
        body::check_common(&common, self.region(), c);
        self.check_region(c);
    }

    /// Validates and serialises the body for `merchant_id`, once.
    pub fn prepare(&self, merchant_id: &str) -> Result<PreparedPayout, ValidationError> {
        self.validate()?;
        let body = body::write(self, merchant_id);
        Ok(PreparedPayout { order_no: OrderNo(self.order_no().to_owned()), region: self.region(), body })
    }

    /// The request as the loose JSON [`from_json`](Self::from_json) reads back into an
    /// equal request, keys in `case` (those under `extra` as given): how a stored job,
    /// such as a batch journal, keeps a request.
    pub fn to_json(&self, case: Case) -> Value {
        body::mapping(self, case)
    }

    /// Reads a request from loose JSON, as bindings and stored jobs hand it over: a
    /// `region` (a region's currency code: `IDR`, `PEN`, …) and the region's fields, named
    /// in `case`. Wrong types, unknown fields and every rule are reported together.
    pub fn from_json(value: Value, case: Case) -> Result<PayoutRequest, ValidationError> {
        let mut c = Collector::new(case);
        let request = match value {
            Value::Object(map) => Self::read(map, case, &mut c),
            _ => {
                c.at("region", Rule::Type, "a pay-out request must be a JSON object");
                None
            }
        };
        if let Some(r) = &request {
            r.check(&mut c);
        }
        match request {
            Some(r) => c.finish().map(|()| r),
            // `read` returns None only after recording why.
            None => Err(c.into_error()),
        }
    }

    fn read(mut map: Map<String, Value>, case: Case, c: &mut Collector) -> Option<PayoutRequest> {
        let region = match map.remove("region") {
            Some(Value::String(s)) => {
                let region = Region::from_currency(&s);
                if region.is_none() {
                    c.at("region", Rule::OneOf, format!("must be one of {}, got {s:?}", Region::currencies(", ")));
                }
                region
            }
            Some(_) => {
                c.at("region", Rule::Type, format!("must be a string: {}", Region::currencies(" or ")));
                None
            }
            None => {
                c.at("region", Rule::Required, format!("is required: {}", Region::currencies(" or ")));
                None
            }
        };
        let mut r = FieldReader::new(map, case, c);
        let request = region.map(|region| region.read(&mut r));
        if request.is_some() {
            r.finish();
        }
        request
    }

    /// Reads a body as it travels on the wire (what the gateway receives), checking its
    /// currency and returning the merchant id it names. For test gateways: feature
    /// `gateway-side`, which the testkit enables.
    #[cfg(feature = "gateway-side")]
    pub fn from_wire(body: &[u8]) -> Result<(PayoutRequest, String), ValidationError> {
        wire::read(body)
    }
}

/// Reads the fields every region shares.
pub(crate) struct CommonFields {
    pub(crate) order_no: String,
    pub(crate) purpose: String,
    pub(crate) amount: Decimal,
    pub(crate) merchant: MerchantInfo,
    pub(crate) callback_url: Option<String>,
    pub(crate) extra: Map<String, Value>,
}

impl CommonFields {
    pub(crate) fn read(r: &mut FieldReader<'_>) -> Self {
        CommonFields {
            order_no: r.string("orderNo"),
            purpose: r.string("purpose"),
            amount: r.amount("amount"),
            merchant: r.object("merchant", MerchantInfo::read).unwrap_or_default(),
            callback_url: r.opt_string("callbackUrl"),
            extra: r.extra(),
        }
    }
}

/// Reports a missing required choice (an enum field left as `None`).
pub(crate) fn require_choice<T: Choice>(c: &mut Collector, path: &str, value: Option<T>) {
    if value.is_none() {
        c.at(path, Rule::Required, format!("is required: one of {}", T::allowed()));
    }
}
