//! The wire body: common rules and the one serialisation that is signed and sent.

use super::{Common, PayoutRequest, Region, rules};
use crate::models::amount::{check_amount, to_json_number};
use crate::validation::{Collector, FieldPath, Rule};
use bytes::Bytes;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

/// Keys the SDK writes itself at the top level; `extra` may not overwrite them.
pub(super) const COMMON_KEYS: [&str; 7] =
    ["orderNo", "purpose", "merchant", "money", "paymentMethod", "cashAccount", "callbackUrl"];

pub(super) fn check_common(common: &Common<'_>, region: Region, c: &mut Collector) {
    rules::record(c, "orderNo", rules::order_no(common.order_no));
    rules::record(c, "purpose", rules::purpose(common.purpose));
    let rules = region.amount_rules();
    if let Err((rule, msg)) = check_amount(common.amount, rules.shape, rules.range(), rules.unit_hint) {
        c.at("amount", rule, msg);
    }
    common.merchant.validate(c);
    if let Some(url) = common.callback_url {
        rules::record(c, "callbackUrl", rules::callback_url(url));
    }
    for key in common.extra.keys() {
        if shadows_a_documented_field(key) {
            c.add(
                FieldPath::extra(key),
                Rule::Conflict,
                format!(
                    "`{key}` is (or looks like) a documented pay-out field; set it through its own field, not `extra`"
                ),
            );
        }
    }
}

/// Names `extra` may not use, compared without regard to case: what the SDK writes
/// itself, any region's documented fields, and the parts of `money`. A second `amount`
/// or `currency` next to `money` leaves the gateway to pick one.
const SHADOWED_BY_NAME: [&str; 3] = ["amount", "currency", "region"];

fn shadows_a_documented_field(key: &str) -> bool {
    COMMON_KEYS
        .iter()
        .chain(SHADOWED_BY_NAME.iter())
        .chain(Region::ALL.iter().flat_map(|r| r.keys()))
        .any(|documented| documented.eq_ignore_ascii_case(key))
}

struct Body<'a> {
    request: &'a PayoutRequest,
    merchant_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Merchant<'a> {
    /// Always set on the wire; absent in the mapping form (the client adds it).
    #[serde(skip_serializing_if = "Option::is_none")]
    merchant_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    merchant_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_merchant_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_merchant_name: Option<&'a str>,
}

#[derive(Serialize)]
struct Money<'a> {
    currency: &'a str,
    amount: Box<serde_json::value::RawValue>,
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let common = self.request.common();
        let region = self.request.region();
        let amount = region.amount_rules().wire_amount(common.amount);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("orderNo", common.order_no)?;
        map.serialize_entry("purpose", common.purpose)?;
        map.serialize_entry(
            "merchant",
            &Merchant {
                merchant_id: Some(self.merchant_id),
                merchant_name: common.merchant.merchant_name.as_deref(),
                sub_merchant_id: common.merchant.sub_merchant_id.as_deref(),
                sub_merchant_name: common.merchant.sub_merchant_name.as_deref(),
            },
        )?;
        map.serialize_entry("money", &Money { currency: region.currency(), amount: to_json_number(&amount) })?;
        map.serialize_entry("paymentMethod", common.payment_method)?;
        map.serialize_entry("cashAccount", common.cash_account)?;
        self.request.write_region(&mut map)?;
        if let Some(url) = common.callback_url {
            map.serialize_entry("callbackUrl", url)?;
        }
        write_extra(&mut map, common.extra)?;
        map.end()
    }
}

fn write_extra<M: SerializeMap>(map: &mut M, extra: &Map<String, Value>) -> Result<(), M::Error> {
    for (k, v) in extra {
        map.serialize_entry(k, v)?;
    }
    Ok(())
}

/// The request as the mapping `PayoutRequest::from_json` reads (camelCase keys, a
/// `region`, the request's own amount, `extra` nested): what a stored job keeps.
struct Mapping<'a>(&'a PayoutRequest);

impl Serialize for Mapping<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let common = self.0.common();
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("region", self.0.region().currency())?;
        map.serialize_entry("orderNo", common.order_no)?;
        map.serialize_entry("purpose", common.purpose)?;
        map.serialize_entry("amount", &to_json_number(common.amount))?;
        let m = common.merchant;
        if m.merchant_name.is_some() || m.sub_merchant_id.is_some() || m.sub_merchant_name.is_some() {
            let fields = Merchant {
                merchant_id: None,
                merchant_name: m.merchant_name.as_deref(),
                sub_merchant_id: m.sub_merchant_id.as_deref(),
                sub_merchant_name: m.sub_merchant_name.as_deref(),
            };
            map.serialize_entry("merchant", &fields)?;
        }
        map.serialize_entry("paymentMethod", common.payment_method)?;
        map.serialize_entry("cashAccount", common.cash_account)?;
        self.0.write_region(&mut map)?;
        if let Some(url) = common.callback_url {
            map.serialize_entry("callbackUrl", url)?;
        }
        if !common.extra.is_empty() {
            map.serialize_entry("extra", common.extra)?;
        }
        map.end()
    }
}

/// The request as a mapping `PayoutRequest::from_json(_, case)` reads back into an equal
/// request; keys in `case`, except the caller's own keys under `extra`.
pub(super) fn mapping(request: &PayoutRequest, case: crate::validation::Case) -> Value {
    // Strings, maps and pre-formed numbers always convert.
    let camel = serde_json::to_value(Mapping(request)).unwrap_or_default();
    match camel {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| match k.as_str() {
                    "extra" => (k, v),
                    _ => (crate::validation::in_case(&k, case), crate::validation::recase(v, case)),
                })
                .collect(),
        ),
        other => other,
    }
}

/// Serialises a validated request: compact JSON, absent optionals omitted.
pub(super) fn write(request: &PayoutRequest, merchant_id: &str) -> Bytes {
    // Serialising plain strings, maps and pre-formed numbers into a Vec cannot fail.
    let bytes = serde_json::to_vec(&Body { request, merchant_id }).unwrap_or_default();
    Bytes::from(bytes)
}

#[cfg(test)]
mod tests {
    use super::super::PayoutRequest;
    use crate::validation::Case;
    use serde_json::json;

    #[test]
    fn a_request_written_as_a_mapping_reads_back_equal_in_either_case() {
        let camel = json!({"region": "USDT", "orderNo": "USDT0001", "purpose": "Treasury", "amount": "100.50",
            "cashAccount": "TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ", "network": "TRC20",
            "merchant": {"subMerchantId": "S1"}, "callbackUrl": "https://merchant.example/cb",
            "extra": {"myKey": {"nestedKey": 1}}});
        let request = PayoutRequest::from_json(camel, Case::Camel).expect("valid");
        for case in [Case::Camel, Case::Snake] {
            let mapping = request.to_json(case);
            assert_eq!(PayoutRequest::from_json(mapping.clone(), case).expect("reads back"), request, "{mapping}");
        }
        let snake = request.to_json(Case::Snake);
        assert_eq!(snake["merchant"], json!({"sub_merchant_id": "S1"}));
        assert_eq!(snake["extra"], json!({"myKey": {"nestedKey": 1}}), "the caller's keys as given");
        // The request's own amount, digit for digit (the wire form would be 100.5).
        assert_eq!(snake["amount"].to_string(), "100.50");
    }
}
