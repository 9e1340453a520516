//! Rows shared by the batch tests: valid requests of tests/vectors/requests.json, in the
//! snake_case mapping form, with their own order numbers.

#![allow(dead_code, unreachable_pub)]

use serde_json::{Value, json};

/// An Indonesian pay-out of `amount` rupiah.
pub fn idr(order_no: Option<&str>, amount: &str) -> Value {
    let mut row = json!({"region": "IDR", "purpose": "Payroll", "amount": amount,
        "payment_method": "BRI", "cash_account": "78120011629261665"});
    if let Some(o) = order_no {
        row["order_no"] = json!(o);
    }
    row
}

/// A Peruvian pay-out of `amount` céntimos.
pub fn pen(order_no: &str, amount: &str) -> Value {
    json!({"region": "PEN", "order_no": order_no, "purpose": "Pago a proveedor", "amount": amount,
        "payment_method": "BCP", "cash_account": "19312345678012", "cash_account_type": "SAVINGS",
        "cci": "00219300123456780123", "receiver": {"email": "jose.perez@example.pe", "id_number": "45678912",
        "id_type": "NID", "name": "José Pérez", "phone": "987654321"}})
}

/// A USDT pay-out of `amount`.
pub fn usdt(order_no: &str, amount: &str) -> Value {
    json!({"region": "USDT", "order_no": order_no, "purpose": "Treasury", "amount": amount,
        "cash_account": "TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ", "network": "TRC20"})
}

/// `n` Indonesian rows as JSON Lines, orderNos derived (none given), amounts 10000 + i.
pub fn json_lines(n: u64) -> String {
    (1..=n).map(|i| format!("{}\n", idr(None, &(10_000 + i).to_string()))).collect()
}
