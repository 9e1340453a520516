//! Gateway answers on hostile input: `PayoutResponse`, `StatusResponse` and
//! `BalanceResponse` through `GatewayBody::from_json`.
//!
//! Properties checked besides "never panics":
//! - a parsed answer keeps the body text byte for byte (`raw.as_str()`);
//! - only UTF-8 parses;
//! - `is_success()` is exactly `code == "00"`, `is_final()` follows the status;
//! - serialising a parsed answer and parsing it back gives the same answer (amounts stay
//!   exact, statuses and times survive as written);
//! - amounts are exact: a `money.amount` written as a plain or scientific decimal (quoted
//!   or not) is read with exactly that value (trailing fraction zeros aside), or refused.
#![no_main]

#[path = "shared/decimal.rs"]
mod decimal;

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde_json::value::RawValue;
use smilepayz::{BalanceResponse, GatewayBody, PayoutResponse, StatusResponse};
use std::fmt::Debug;

fn check<T: GatewayBody + serde::Serialize + PartialEq + Debug + Clone>(
    data: &[u8],
    raw: impl Fn(&T) -> &str,
    clear_raw: impl Fn(&mut T, &T),
) -> bool {
    let Ok(parsed) = T::from_json(data) else { return false };
    let text = std::str::from_utf8(data).expect("only UTF-8 bodies parse");
    assert_eq!(raw(&parsed), text, "raw body not kept byte for byte");
    assert_eq!(parsed.is_success(), parsed.code() == "00");
    let again = serde_json::to_vec(&parsed).expect("a parsed answer serialises");
    let mut back = T::from_json(&again)
        .unwrap_or_else(|e| panic!("re-serialised answer does not parse: {e}\n{}", String::from_utf8_lossy(&again)));
    assert_eq!(raw(&back), std::str::from_utf8(&again).expect("serde_json writes UTF-8"));
    clear_raw(&mut back, &parsed);
    assert_eq!(back, parsed, "answer changed through a serde round trip");
    true
}

#[derive(Deserialize)]
struct RawTop<'a> {
    #[serde(borrow, default)]
    money: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawMoney<'a> {
    #[serde(borrow)]
    amount: &'a RawValue,
}

/// `money.amount` as written in the body, when the body and `money` are JSON objects.
fn written_amount(data: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(data).ok()?;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let money = serde_json::from_str::<RawTop<'_>>(text).ok()?.money?;
    if !money.get().starts_with('{') {
        return None;
    }
    let raw = serde_json::from_str::<RawMoney<'_>>(money.get()).ok()?.amount.get();
    decimal::canonical(raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(raw))
}

fn check_amount(parsed: Option<&smilepayz::Money>, data: &[u8], what: &str) {
    if let (Some(money), Some(written)) = (parsed, written_amount(data)) {
        let read = decimal::canonical(&money.amount.to_string()).expect("a Decimal prints as a plain decimal");
        assert_eq!(read, written, "{what}: money.amount is not read exactly");
    }
}

fuzz_target!(|data: &[u8]| {
    let payout = check::<PayoutResponse>(data, |r| r.raw.as_str(), |b, o| b.raw = o.raw.clone());
    if payout {
        let r = PayoutResponse::from_json(data).expect("parsed once, parses again");
        assert_eq!(r.is_final(), r.status.as_ref().is_some_and(|s| s.is_final()));
        check_amount(r.money.as_ref(), data, "PayoutResponse");
        if let Some(s) = &r.status {
            assert_eq!(smilepayz::Status::parse(s.as_str()), *s, "status does not survive as written");
        }
    }
    let status = check::<StatusResponse>(data, |r| r.raw.as_str(), |b, o| b.raw = o.raw.clone());
    if status {
        let r = StatusResponse::from_json(data).expect("parsed once, parses again");
        assert_eq!(r.is_final(), r.status.as_ref().is_some_and(|s| s.is_final()));
        check_amount(r.money.as_ref(), data, "StatusResponse");
    }
    check::<BalanceResponse>(data, |r| r.raw.as_str(), |b, o| b.raw = o.raw.clone());
});
