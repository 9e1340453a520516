//! Pay-out requests on hostile input: arbitrary bytes as loose JSON through
//! `PayoutRequest::from_json` (camelCase and snake_case), and as a wire body through
//! `PayoutRequest::from_wire`.
//!
//! Properties checked besides "never panics":
//! - a request `from_json` accepts prepares, and the gateway side (`from_wire`) reads the
//!   prepared body back with the same region, order number and merchant id, and as the
//!   same request (nothing lost or moved on the way);
//! - a body `from_wire` accepts validates, prepares for the merchant it names, and that
//!   body reads back the same way;
//! - amounts stay exact: an accepted amount given as a decimal string or an integer (or on
//!   the wire as a plain or scientific number) is sent with the same value, digit for digit
//!   (trailing fraction zeros aside);
//! - a refusal lists at least one violation and at most one per field path.
#![no_main]

#[path = "shared/decimal.rs"]
mod decimal;

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde_json::value::RawValue;
use smilepayz::{BrazilReceiver, Case, PayoutRequest, PixKeyType, PreparedPayout, ValidationError};

const MERCHANT: &str = "sandbox-20019";

fn check_error(e: &ValidationError) {
    let v = e.violations();
    assert!(!v.is_empty(), "a refusal without violations");
    for (i, a) in v.iter().enumerate() {
        assert!(!a.message.is_empty());
        assert!(v[..i].iter().all(|b| b.path != a.path), "two violations for {}", a.path);
    }
    let _ = e.to_string();
}

/// The request as it goes on the wire, with seed 004's rule stated here on its own: a BRL
/// pay-out always carries `receiver`; when the caller left it out, its members are the key's
/// (pixType = paymentMethod, pixAccount = cashAccount, taxNumber = the key for CPF and CNPJ).
fn as_sent(request: &PayoutRequest) -> PayoutRequest {
    let mut sent = request.clone();
    if let PayoutRequest::Brazil(p) = &mut sent
        && p.receiver.is_none()
    {
        let tax_key = matches!(p.payment_method, Some(PixKeyType::Cpf | PixKeyType::Cnpj));
        p.receiver = Some(BrazilReceiver {
            pix_type: p.payment_method,
            pix_account: Some(p.cash_account.clone()),
            tax_number: tax_key.then(|| p.cash_account.clone()),
        });
    }
    sent
}

/// Prepares `request` for `merchant` and reads the body back as the gateway does.
fn round_trip(request: &PayoutRequest, merchant: &str, origin: &str) -> PreparedPayout {
    let prepared = request
        .prepare(merchant)
        .unwrap_or_else(|e| panic!("{origin}: accepted request does not prepare: {e}\n{request:?}"));
    assert_eq!(prepared.region(), request.region());
    assert_eq!(prepared.order_no().as_str(), request.order_no());
    let body = prepared.body();
    let shown = String::from_utf8_lossy(body);
    let (back, id) = PayoutRequest::from_wire(body)
        .unwrap_or_else(|e| panic!("{origin}: the gateway side refuses the prepared body: {e}\nbody: {shown}"));
    assert_eq!(id, merchant, "{origin}: merchant id changed on the wire");
    assert_eq!(back.region(), request.region(), "{origin}: region changed on the wire");
    assert_eq!(back.order_no(), request.order_no(), "{origin}: orderNo changed on the wire");
    assert_eq!(back, as_sent(request), "{origin}: the gateway side reads another request\nbody: {shown}");
    // Serialisation is a fixpoint: what the gateway read prepares into the same bytes.
    let again = back.prepare(merchant).expect("the read-back request prepares");
    assert_eq!(again.body(), body, "{origin}: re-preparing the read-back request changes the body");
    prepared
}

#[derive(Deserialize)]
struct WireAmount<'a> {
    #[serde(borrow)]
    money: WireMoney<'a>,
}

#[derive(Deserialize)]
struct WireMoney<'a> {
    #[serde(borrow)]
    amount: &'a RawValue,
}

/// The amount as the caller gave it, when its text is known exactly.
fn given_amount(value: &serde_json::Value) -> Option<String> {
    match value.get("amount")? {
        serde_json::Value::String(s) => decimal::canonical(s),
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => decimal::canonical(&n.to_string()),
        _ => None,
    }
}

fn sent_amount(prepared: &PreparedPayout) -> String {
    let wire: WireAmount<'_> = serde_json::from_slice(prepared.body()).expect("a prepared body has money.amount");
    decimal::canonical(wire.money.amount.get()).expect("amounts are sent as plain decimals")
}

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        for case in [Case::Camel, Case::Snake] {
            match PayoutRequest::from_json(value.clone(), case) {
                Ok(request) => {
                    assert!(request.validate_in(case).is_ok(), "from_json accepted an invalid request");
                    let origin = if case == Case::Camel { "from_json(camel)" } else { "from_json(snake)" };
                    let prepared = round_trip(&request, MERCHANT, origin);
                    if let Some(given) = given_amount(&value) {
                        assert_eq!(sent_amount(&prepared), given, "{origin}: the amount sent is not the amount given");
                    }
                }
                Err(e) => {
                    assert_eq!(e.case(), case);
                    check_error(&e);
                }
            }
        }
    }

    match PayoutRequest::from_wire(data) {
        Ok((request, merchant)) => {
            assert!(!merchant.is_empty());
            assert!(request.validate().is_ok(), "from_wire accepted an invalid request");
            let prepared = round_trip(&request, &merchant, "from_wire");
            if let Ok(wire) = serde_json::from_slice::<WireAmount<'_>>(data) {
                let raw = wire.money.amount.get();
                let given = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(raw);
                if let Some(given) = decimal::canonical(given) {
                    assert_eq!(sent_amount(&prepared), given, "from_wire: the amount sent is not the amount received");
                }
            }
        }
        Err(e) => check_error(&e),
    }
});
