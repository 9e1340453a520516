//! One input row: a mapping as `PayoutRequest.from_dict` reads it (snake_case keys, a
//! `region`), validated by the core, given an orderNo, and turned into canonical JSON
//! and a content hash for the journal.

use crate::error::RowProblem;
use crate::journal::NewRow;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use smilepayz::validation::in_case;
use smilepayz::{Case, PayoutRequest};

/// The orderNo of a row that has none: the same for the same batch id and row number,
/// so a re-run of the same file produces the same orderNos. Letters and digits only
/// (the gateway's rule, at most 32): `B`, 10 hex digits of SHA-256(batch id), `R`, the row number.
pub fn derived_order_no(batch_id: &str, row_number: u64) -> String {
    let digest = Sha256::digest(batch_id.as_bytes());
    let prefix: String = digest.iter().take(5).map(|b| format!("{b:02X}")).collect();
    format!("B{prefix}R{row_number:010}")
}

/// Reads, checks and prepares one row for the journal; `case` is how its keys are
/// written. A camelCase row is journaled as the snake_case mapping the core writes for it.
pub(crate) fn prepare(batch_id: &str, row_number: u64, mapping: Value, case: Case) -> Result<NewRow, RowProblem> {
    let mut mapping = match mapping {
        Value::Object(map) => map,
        other => {
            let kind = if other.is_array() { "an array" } else { "not a mapping" };
            return Err(RowProblem::Unreadable(format!("a row must be a mapping of fields, got {kind}")));
        }
    };
    let order_no_key = in_case("orderNo", case);
    let missing = matches!(mapping.get(&order_no_key), None | Some(Value::Null))
        || mapping.get(&order_no_key).and_then(Value::as_str).is_some_and(str::is_empty);
    if missing {
        mapping.insert(order_no_key, Value::String(derived_order_no(batch_id, row_number)));
    }
    if case == Case::Camel {
        let request = PayoutRequest::from_json(Value::Object(mapping), Case::Camel)
            .map_err(|e| RowProblem::Invalid(e.violations().to_vec()))?;
        return prepare(batch_id, row_number, request.to_json(Case::Snake), Case::Snake);
    }
    let amount = mapping.get("amount").map(amount_text);
    let content = canonical(Value::Object(mapping));
    let request = PayoutRequest::from_json(content.clone(), Case::Snake)
        .map_err(|e| RowProblem::Invalid(e.violations().to_vec()))?;
    let content = content.to_string();
    let content_hash = Sha256::digest(content.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    Ok(NewRow {
        row_number,
        order_no: request.order_no().to_owned(),
        content,
        content_hash,
        currency: request.region().currency().to_owned(),
        // The core accepted it, so it is there and exact.
        amount: amount.unwrap_or_default(),
    })
}

/// The request a journaled row holds.
pub(crate) fn request(content: &str) -> Result<PayoutRequest, String> {
    let value: Value = serde_json::from_str(content).map_err(|e| format!("journaled content is not JSON: {e}"))?;
    PayoutRequest::from_json(value, Case::Snake).map_err(|e| format!("journaled content no longer valid: {e}"))
}

/// An amount as the core read it: a decimal string, or a JSON number's own text
/// (`arbitrary_precision` keeps it), never through a float.
fn amount_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The value with every mapping's keys sorted, so the same row hashes the same however
/// its keys were ordered.
fn canonical(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().map(|(k, v)| (k, canonical(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect::<Map<String, Value>>())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn idr(order_no: Option<&str>) -> Value {
        let mut row = json!({"region": "IDR", "purpose": "Payroll", "amount": "150000",
            "payment_method": "BRI", "cash_account": "78120011629261665"});
        if let Some(o) = order_no {
            row["order_no"] = json!(o);
        }
        row
    }

    #[test]
    fn derived_order_numbers_are_stable_valid_and_distinct() {
        let a = derived_order_no("payroll-2026-11", 7);
        assert_eq!(a, derived_order_no("payroll-2026-11", 7));
        assert_ne!(a, derived_order_no("payroll-2026-11", 8));
        assert_ne!(a, derived_order_no("payroll-2026-12", 7));
        assert!(smilepayz::OrderNo::parse(&a).is_ok(), "{a}");
        assert!(smilepayz::OrderNo::parse(&derived_order_no("x", u64::MAX)).is_ok());
    }

    #[test]
    fn a_row_gets_its_order_no_and_a_hash_independent_of_key_order() {
        let row = prepare("b1", 3, idr(None), Case::Snake).expect("valid");
        assert_eq!(row.order_no, derived_order_no("b1", 3));
        assert_eq!((row.currency.as_str(), row.amount.as_str()), ("IDR", "150000"));
        let Value::Object(map) = idr(None) else { unreachable!() };
        let reversed: Map<String, Value> = map.into_iter().rev().collect();
        assert_eq!(
            prepare("b1", 3, Value::Object(reversed), Case::Snake).expect("valid").content_hash,
            row.content_hash
        );
        let given = prepare("b1", 3, idr(Some("PAYROLL0001")), Case::Snake).expect("valid");
        assert_eq!(given.order_no, "PAYROLL0001");
        assert_ne!(given.content_hash, row.content_hash);
        assert!(!row.content.contains("merchant_secret"));
    }

    #[test]
    fn invalid_rows_name_their_fields() {
        let mut bad = idr(None);
        bad["amount"] = json!("10.5");
        bad["cash_acount"] = json!("1");
        let Err(RowProblem::Invalid(violations)) = prepare("b1", 1, bad, Case::Snake) else { panic!("refused") };
        let paths: Vec<String> = violations.iter().map(|v| v.path.to_string()).collect();
        assert!(paths.contains(&"amount".to_owned()) && paths.contains(&"cash_acount".to_owned()), "{paths:?}");
        assert!(matches!(prepare("b1", 1, json!([1]), Case::Snake), Err(RowProblem::Unreadable(_))));
    }

    #[test]
    fn a_camel_case_row_is_journaled_as_the_same_snake_case_row() {
        let camel = json!({"region": "IDR", "purpose": "Payroll", "amount": "150000",
            "paymentMethod": "BRI", "cashAccount": "78120011629261665"});
        let from_camel = prepare("b1", 3, camel.clone(), Case::Camel).expect("valid");
        let from_snake = prepare("b1", 3, idr(None), Case::Snake).expect("valid");
        assert_eq!(from_camel.order_no, derived_order_no("b1", 3));
        let same = |r: &NewRow| (r.order_no.clone(), r.currency.clone(), r.amount.clone());
        assert_eq!(same(&from_camel), same(&from_snake));
        let journaled: Value = serde_json::from_str(&from_camel.content).expect("JSON");
        assert_eq!(journaled["cash_account"], "78120011629261665", "{journaled}");
        // The same camelCase row again: the same content, so a re-run is unchanged.
        assert_eq!(prepare("b1", 3, camel, Case::Camel).expect("valid").content_hash, from_camel.content_hash);
        let Err(RowProblem::Invalid(violations)) =
            prepare("b1", 1, json!({"region": "IDR", "cash_account": "1"}), Case::Camel)
        else {
            panic!("refused")
        };
        let paths: Vec<&str> = violations.iter().map(|v| v.path.in_case(Case::Camel)).collect();
        assert!(paths.contains(&"cash_account") && paths.contains(&"cashAccount"), "{paths:?}");
    }
}
