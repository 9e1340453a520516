//! Reads a pay-out body as it travels on the wire, for the gateway side (the mock).

use super::body::COMMON_KEYS;
use super::{PayoutRequest, Region};
use crate::models::amount::deserialize_exact_opt;
use crate::validation::{Case, Collector, Rule, ValidationError};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
struct MoneyOnly {
    money: Option<WireMoney>,
}

#[derive(Deserialize)]
struct WireMoney {
    currency: Option<String>,
    #[serde(default, deserialize_with = "deserialize_exact_opt")]
    amount: Option<Decimal>,
}

pub(super) fn read(body: &[u8]) -> Result<(PayoutRequest, String), ValidationError> {
    let mut c = Collector::new(Case::Camel);
    let mut map: Map<String, Value> = match serde_json::from_slice(body) {
        Ok(Value::Object(m)) => m,
        _ => {
            c.at("body", Rule::Format, "is not a JSON object");
            return Err(c.into_error());
        }
    };
    // Amounts are read from their own text so that nothing passes through a float.
    let money = serde_json::from_slice::<MoneyOnly>(body).ok().and_then(|m| m.money);
    map.remove("money");
    let region = match money.as_ref().and_then(|m| m.currency.as_deref()) {
        Some(code) => match Region::from_currency(code) {
            Some(r) => Some(r),
            None => {
                c.at("money.currency", Rule::OneOf, format!("must be {}, got {code:?}", Region::currencies(" or ")));
                None
            }
        },
        None => {
            c.at("money.currency", Rule::Required, "is required");
            None
        }
    };
    let merchant_id = match map.get_mut("merchant") {
        Some(Value::Object(m)) => match m.remove("merchantId") {
            Some(Value::String(id)) if !id.is_empty() => Some(id),
            _ => None,
        },
        _ => None,
    };
    if merchant_id.is_none() {
        c.at("merchant.merchantId", Rule::Required, "is required");
    }
    let Some(region) = region else { return Err(c.into_error()) };
    // On the wire, fields the SDK does not write for this region sit at the top level
    // beside the modelled ones: they are extras (including keys such as `amount`).
    let modelled = |k: &str| COMMON_KEYS.contains(&k) || region.keys().contains(&k);
    let extra_keys: Vec<String> = map.keys().filter(|k| !modelled(k)).cloned().collect();
    let extra: Map<String, Value> = extra_keys.into_iter().filter_map(|k| map.remove(&k).map(|v| (k, v))).collect();
    if !extra.is_empty() {
        map.insert("extra".into(), Value::Object(extra));
    }
    if let Some(amount) = money.and_then(|m| m.amount) {
        map.insert("amount".into(), Value::String(amount.to_string()));
    }
    map.insert("region".into(), Value::String(region.currency().into()));
    let request = PayoutRequest::from_json(Value::Object(map), Case::Camel);
    match (request, c.finish(), merchant_id) {
        (Ok(r), Ok(()), Some(id)) => Ok((r, id)),
        (Err(e), _, _) => Err(e),
        (_, Err(e), _) => Err(e),
        (Ok(_), Ok(()), None) => {
            let mut c = Collector::new(Case::Camel);
            c.at("merchant.merchantId", Rule::Required, "is required");
            Err(c.into_error())
        }
    }
}
