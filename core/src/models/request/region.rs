//! What a region is: the [`RegionPayout`] trait each region's request implements (its
//! currency, amount rules, wire keys, and how its own fields are read, checked and
//! written), `payout!`, which declares a region's request with the fields every region
//! shares, and `regions!`, which derives the region list, the request enum and every
//! dispatch from one list in `mod.rs`.

use super::fields::FieldReader;
use crate::models::amount::AmountShape;
use crate::validation::Collector;
use rust_decimal::Decimal;
use serde::ser::SerializeMap;

/// How a region's amounts are checked and written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AmountRules {
    /// Whole numbers or up to so many decimal places.
    pub(crate) shape: AmountShape,
    /// Inclusive bounds, if the region has any besides "greater than zero".
    pub(crate) range: Option<(i64, i64)>,
    /// Says what a whole number counts, in the message for a fractional amount.
    pub(crate) unit_hint: &'static str,
}

impl AmountRules {
    /// Whole numbers of the unit `unit_hint` names (e.g. "of rupiah").
    pub(crate) const fn whole(unit_hint: &'static str) -> Self {
        Self { shape: AmountShape::Integer, range: None, unit_hint }
    }

    /// Up to `places` decimal places; written without trailing zeros.
    pub(crate) const fn decimals(places: u32) -> Self {
        Self { shape: AmountShape::Decimals(places), range: None, unit_hint: "" }
    }

    /// The same rules, bounded to `min..=max`.
    pub(crate) const fn between(self, min: i64, max: i64) -> Self {
        Self { range: Some((min, max)), ..self }
    }

    /// The bounds as exact amounts.
    pub(crate) fn range(&self) -> Option<(Decimal, Decimal)> {
        self.range.map(|(min, max)| (Decimal::from(min), Decimal::from(max)))
    }

    /// The amount as written on the wire: decimal amounts lose trailing zeros
    /// (`100.50` is sent as `100.5`); whole numbers are written as given.
    pub(crate) fn wire_amount(&self, amount: &Decimal) -> Decimal {
        match self.shape {
            AmountShape::Decimals(_) => amount.normalize(),
            AmountShape::Integer => *amount,
        }
    }
}

/// One region's request: everything about the region that is not a field shared by all
/// of them. The shared fields (`order_no`, `purpose`, `amount`, `cash_account`,
/// `merchant`, `callback_url`, `extra`) are declared, read and checked once, by
/// `payout!` and `body.rs`.
pub(crate) trait RegionPayout: Default {
    /// The currency code the gateway expects, which also names the region in loose JSON.
    const CURRENCY: &'static str;
    /// How amounts are checked and written.
    const AMOUNT: AmountRules;
    /// The top-level wire keys `write_region` may write (they cannot be used in `extra`).
    const KEYS: &'static [&'static str];
    /// The one `paymentMethod` of a region whose request does not choose one: a request
    /// may still give it, and must then give this one.
    const FIXED_PAYMENT_METHOD: Option<&'static str> = None;

    /// Reads the region's own fields; the shared ones, the field that picks the payment
    /// method and `cashAccount` are read before and filled in after.
    fn read_region(r: &mut FieldReader<'_>) -> Self;

    /// Checks the region's own fields, the payment method and `cashAccount` included.
    fn check_region(&self, c: &mut Collector);

    /// Writes the region's own top-level fields, between `cashAccount` and `callbackUrl`.
    fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

/// Declares a region's request struct: the shared fields around the region's own, `new`
/// with the mandatory shared fields and the one that picks the payment method, `common`
/// and `read` (which reads the shared fields, that one and `cashAccount` itself). The
/// region's own fields go between `cash_account` and `merchant`, in the order given.
macro_rules! payout {
    (
        $(#[$meta:meta])*
        $name:ident {
            $(#[$amount_doc:meta])*
            amount;
            $(#[$method_doc:meta])*
            $method:ident : $method_ty:ty as $method_arg:ty;
            $(#[$account_doc:meta])*
            cash_account;
            $($(#[$field_doc:meta])* $field:ident : $field_ty:ty),* $(,)?
        }
    ) => {
        $crate::described::described! {
            $(#[$meta])*
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct $name {
                /// Merchant-unique order number, 6–32 letters and digits.
                pub order_no: String,
                /// Memo to the payee, 1–64 characters.
                pub purpose: String,
                $(#[$amount_doc])*
                pub amount: ::rust_decimal::Decimal,
                $(#[$method_doc])*
                pub $method: $method_ty,
                $(#[$account_doc])*
                pub cash_account: String,
                $($(#[$field_doc])* pub $field: $field_ty,)*
                /// Optional merchant details.
                pub merchant: $crate::models::request::MerchantInfo,
                /// HTTPS address for the status callback.
                pub callback_url: Option<String>,
                /// Gateway fields the SDK does not model, sent as given.
                pub extra: ::serde_json::Map<String, ::serde_json::Value>,
            }
        }

        impl $name {
            /// A pay-out with the mandatory fields every region shares and the one that
            /// picks how it is paid; set the others on the result.
            pub fn new(
                order_no: impl Into<String>,
                purpose: impl Into<String>,
                amount: ::rust_decimal::Decimal,
                $method: $method_arg,
                cash_account: impl Into<String>,
            ) -> Self {
                Self {
                    order_no: order_no.into(),
                    purpose: purpose.into(),
                    amount,
                    $method: $method.into(),
                    cash_account: cash_account.into(),
                    ..Self::default()
                }
            }

            /// The `paymentMethod` sent on the wire: the region's fixed one, or the
            /// field that picks it.
            fn wire_payment_method(&self) -> &str {
                match <Self as $crate::models::request::region::RegionPayout>::FIXED_PAYMENT_METHOD {
                    Some(fixed) => fixed,
                    None => $crate::models::request::fields::MethodField::wire(&self.$method),
                }
            }

            pub(crate) fn common(&self) -> $crate::models::request::Common<'_> {
                $crate::models::request::Common {
                    order_no: &self.order_no,
                    purpose: &self.purpose,
                    amount: &self.amount,
                    payment_method: self.wire_payment_method(),
                    cash_account: &self.cash_account,
                    merchant: &self.merchant,
                    callback_url: self.callback_url.as_deref(),
                    extra: &self.extra,
                }
            }

            pub(crate) fn read(r: &mut $crate::models::request::fields::FieldReader<'_>) -> Self {
                let common = $crate::models::request::CommonFields::read(r);
                let method_key = $crate::validation::FieldPath::snake(stringify!($method));
                let method = $crate::models::request::fields::MethodField::read_method(
                    r,
                    method_key.in_case($crate::validation::Case::Camel),
                );
                let cash_account = r.string("cashAccount");
                let mut request = <Self as $crate::models::request::region::RegionPayout>::read_region(r);
                request.$method = method;
                request.cash_account = cash_account;
                request.order_no = common.order_no;
                request.purpose = common.purpose;
                request.amount = common.amount;
                request.merchant = common.merchant;
                request.callback_url = common.callback_url;
                request.extra = common.extra;
                request
            }
        }
    };
}
pub(crate) use payout;

/// Derives everything that lists the regions from one list of `Variant(RequestType)`:
/// the `Region` enum and `Region::ALL`, the `PayoutRequest` enum and its `From`
/// conversions, and each match that dispatches to a region's `RegionPayout`.
macro_rules! regions {
    ($($(#[$doc:meta])* $variant:ident($payout:ident)),+ $(,)?) => {
        /// The pay-out regions; each fixes its currency.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Region {
            $($(#[$doc])* $variant,)+
        }

        impl Region {
            /// Every region.
            pub const ALL: [Region; [$(stringify!($variant)),+].len()] = [$(Region::$variant),+];

            /// The currency code the gateway expects for this region.
            pub fn currency(self) -> &'static str {
                match self {
                    $(Region::$variant => <$payout as RegionPayout>::CURRENCY,)+
                }
            }

            pub(crate) fn amount_rules(self) -> AmountRules {
                match self {
                    $(Region::$variant => <$payout as RegionPayout>::AMOUNT,)+
                }
            }

            /// The region's own top-level wire keys.
            pub(crate) fn keys(self) -> &'static [&'static str] {
                match self {
                    $(Region::$variant => <$payout as RegionPayout>::KEYS,)+
                }
            }

            fn read(self, r: &mut FieldReader<'_>) -> PayoutRequest {
                match self {
                    $(Region::$variant => PayoutRequest::$variant($payout::read(r)),)+
                }
            }
        }

        #[cfg(feature = "describe")]
        impl Region {
            /// Every region with the description of its request and its fixed payment
            /// method, if any, in declaration order.
            pub fn described() -> Vec<(Region, $crate::describe::Ty, Option<&'static str>)> {
                vec![$((
                    Region::$variant,
                    <$payout as $crate::describe::Describe>::ty(),
                    <$payout as RegionPayout>::FIXED_PAYMENT_METHOD,
                )),+]
            }
        }

        /// A pay-out to any region.
        ///
        /// Build a region's request, then hand it over as a `PayoutRequest` (`.into()`).
        /// Every rule is checked at once, before anything is signed or sent:
        ///
        /// ```
        /// use smilepayz::{Case, Decimal, IndonesiaPayout, PayoutRequest, Region, Rule};
        ///
        /// let mut payout = IndonesiaPayout::new("ORDER0001", "Payroll", Decimal::from(150_000), "BRI", "78120011629261665");
        /// payout.callback_url = Some("https://merchant.example/smilepayz/callback".into());
        /// let request: PayoutRequest = payout.into();
        /// assert_eq!(request.region(), Region::Indonesia);
        /// request.validate()?;
        ///
        /// // The exact bytes that are signed and sent, for the merchant id of the client.
        /// let prepared = request.prepare("sandbox-20019")?;
        /// assert!(prepared.body().starts_with(b"{"));
        ///
        /// // A stored job reads back an equal request.
        /// assert_eq!(PayoutRequest::from_json(request.to_json(Case::Camel), Case::Camel)?, request);
        ///
        /// // An order number has letters and digits only, and rupiah are whole numbers:
        /// // both faults are reported together, each with its field and rule.
        /// let bad: PayoutRequest =
        ///     IndonesiaPayout::new("ORDER-0002", "Payroll", Decimal::new(15_050, 2), "BRI", "78120011629261665").into();
        /// let error = bad.validate().unwrap_err();
        /// let found: Vec<(&str, Rule)> = error.violations().iter().map(|v| (v.path.in_case(Case::Snake), v.rule)).collect();
        /// assert_eq!(found, [("order_no", Rule::Format), ("amount", Rule::Scale)]);
        /// # Ok::<(), smilepayz::ValidationError>(())
        /// ```
        #[derive(Clone, Debug, PartialEq)]
        pub enum PayoutRequest {
            $($(#[$doc])* $variant($payout),)+
        }

        $(
            impl From<$payout> for PayoutRequest {
                fn from(p: $payout) -> Self {
                    PayoutRequest::$variant(p)
                }
            }
        )+

        impl PayoutRequest {
            /// The region of this pay-out.
            pub fn region(&self) -> Region {
                match self {
                    $(PayoutRequest::$variant(_) => Region::$variant,)+
                }
            }

            pub(crate) fn common(&self) -> Common<'_> {
                match self {
                    $(PayoutRequest::$variant(p) => p.common(),)+
                }
            }

            fn check_region(&self, c: &mut Collector) {
                match self {
                    $(PayoutRequest::$variant(p) => p.check_region(c),)+
                }
            }

            pub(crate) fn write_region<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                match self {
                    $(PayoutRequest::$variant(p) => p.write_region(map),)+
                }
            }
        }
    };
}
pub(crate) use regions;
