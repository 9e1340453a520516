//! Exact decimal amounts: parsing them from text and JSON without rounding, writing them
//! to JSON as numbers, and the per-currency shape rules.

use rust_decimal::Decimal;
use serde::de;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// Parses a plain decimal such as `150000` or `100.25` exactly; exponents, signs other
/// than a leading `-`, spaces and thousands separators are refused.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if !plain {
        return Err(format!("{text:?} is not a plain decimal number (digits with an optional '.' part)"));
    }
    let too_long = || format!("{text:?} has more digits than an exact decimal holds (28)");
    let parsed = text.parse::<Decimal>().map_err(|_| too_long())?;
    // rust_decimal rounds what does not fit instead of failing: refuse any rounding.
    let frac = frac.unwrap_or("");
    let digits = format!("{int}{frac}");
    let significant = match digits.trim_start_matches('0') {
        "" => "0",
        d => d,
    };
    let exact = parsed.scale() as usize == frac.len() && parsed.mantissa().unsigned_abs().to_string() == significant;
    if exact { Ok(parsed) } else { Err(too_long()) }
}

/// Writes an amount as a JSON number, digit for digit.
pub fn to_json_number(amount: &Decimal) -> Box<RawValue> {
    // A Decimal prints only digits, '-' and '.', which is always a valid JSON number.
    RawValue::from_string(amount.to_string()).unwrap_or_else(|_| Box::<RawValue>::default())
}

/// How amounts of a currency are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AmountShape {
    /// Whole numbers only (IDR, and minor units for PEN and BRL).
    Integer,
    /// Up to this many decimal places.
    Decimals(u32),
}

/// Checks an amount against its currency's shape and range; `Err` is the message.
pub(crate) fn check_amount(
    amount: &Decimal,
    shape: AmountShape,
    range: Option<(Decimal, Decimal)>,
    unit_hint: &str,
) -> Result<(), (crate::validation::Rule, String)> {
    use crate::validation::Rule;
    if amount.is_sign_negative() || amount.is_zero() {
        return Err((Rule::Range, format!("must be greater than zero, got {amount}")));
    }
    match shape {
        AmountShape::Integer if amount.scale() > 0 => {
            return Err((
                Rule::Scale,
                format!("must be a whole number {unit_hint}, got {amount} (no decimal point, not even .00)"),
            ));
        }
        AmountShape::Decimals(max) if amount.normalize().scale() > max => {
            return Err((Rule::Scale, format!("has more than {max} decimal places: {amount}")));
        }
        _ => {}
    }
    if let Some((min, max)) = range
        && (*amount < min || *amount > max)
    {
        return Err((Rule::Range, format!("must be between {min} and {max}, got {amount}")));
    }
    Ok(())
}

/// Deserialises a JSON number (or numeric string) into a `Decimal` from the number's own
/// text in the body, never through a float. Works on bodies parsed from bytes.
pub(crate) fn deserialize_exact<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let raw = Box::<RawValue>::deserialize(d)?;
    decimal_from_json_text(raw.get()).map_err(de::Error::custom)
}

/// Like [`deserialize_exact`], for an optional field (`null` is `None`); the gateway side
/// reads money with it.
#[cfg(feature = "gateway-side")]
pub(crate) fn deserialize_exact_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let raw = Option::<Box<RawValue>>::deserialize(d)?;
    match raw {
        None => Ok(None),
        Some(r) if r.get() == "null" => Ok(None),
        Some(r) => decimal_from_json_text(r.get()).map(Some).map_err(de::Error::custom),
    }
}

/// A gateway number as written: plain, scientific, or a quoted decimal.
fn decimal_from_json_text(text: &str) -> Result<Decimal, String> {
    let unquoted = match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner,
        None => text,
    };
    parse_decimal(unquoted).or_else(|plain_err| {
        let mantissa = unquoted.split(['e', 'E']).next().unwrap_or("");
        let significant = mantissa.bytes().filter(u8::is_ascii_digit).skip_while(|d| *d == b'0').count();
        if unquoted.contains(['e', 'E']) && significant <= 28 {
            Decimal::from_scientific(unquoted).map_err(|_| plain_err)
        } else {
            Err(plain_err)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::Rule;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn plain_decimals_parse_exactly() {
        assert_eq!(parse_decimal("150000").unwrap(), d("150000"));
        assert_eq!(parse_decimal("100.2500").unwrap().to_string(), "100.2500");
        assert_eq!(parse_decimal("-1").unwrap(), d("-1"));
        for bad in ["", "1e5", "+5", " 5", "1,000", "1.", ".5", "0x10", "NaN", "1..2"] {
            assert!(parse_decimal(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(parse_decimal("123456789012345678901234567890").is_err());
        // 29 significant digits would round to 1: refused, never rounded (found by fuzzing).
        assert!(parse_decimal("0.99999999999999999999999999999").is_err());
        assert!(parse_decimal("99.500333333333333333333333333").is_err());
        assert_eq!(
            parse_decimal("0.0000000000000000000000000001").unwrap().to_string(),
            "0.0000000000000000000000000001"
        );
        assert_eq!(parse_decimal("0007.50").unwrap().to_string(), "7.50");
        assert_eq!(parse_decimal("0").unwrap(), Decimal::ZERO);
    }

    #[test]
    fn shape_rules() {
        let int = AmountShape::Integer;
        assert!(check_amount(&d("150000"), int, None, "").is_ok());
        assert_eq!(check_amount(&d("10.00"), int, None, "").unwrap_err().0, Rule::Scale);
        assert_eq!(check_amount(&d("0"), int, None, "").unwrap_err().0, Rule::Range);
        assert_eq!(check_amount(&d("-5"), int, None, "").unwrap_err().0, Rule::Range);
        let four = AmountShape::Decimals(4);
        assert!(check_amount(&d("100.1234"), four, None, "").is_ok());
        assert!(check_amount(&d("100.12340"), four, None, "").is_ok());
        assert_eq!(check_amount(&d("100.12345"), four, None, "").unwrap_err().0, Rule::Scale);
        let cop = Some((d("100"), d("999999999")));
        assert!(check_amount(&d("100"), int, cop, "").is_ok());
        assert_eq!(check_amount(&d("99"), int, cop, "").unwrap_err().0, Rule::Range);
        assert_eq!(check_amount(&d("1000000000"), int, cop, "").unwrap_err().0, Rule::Range);
    }

    #[test]
    #[cfg(feature = "gateway-side")]
    fn json_numbers_are_read_from_their_text() {
        #[derive(serde::Deserialize)]
        struct M {
            #[serde(deserialize_with = "deserialize_exact")]
            a: Decimal,
            #[serde(default, deserialize_with = "deserialize_exact_opt")]
            b: Option<Decimal>,
        }
        let m: M = serde_json::from_str(r#"{"a": 12345678901234567.123456789, "b": "10.50"}"#).unwrap();
        assert_eq!(m.a.to_string(), "12345678901234567.123456789");
        assert_eq!(m.b.unwrap().to_string(), "10.50");
        let m: M = serde_json::from_str(r#"{"a": 1.5E+2, "b": null}"#).unwrap();
        assert_eq!(m.a, d("150"));
        assert!(m.b.is_none());
        assert!(serde_json::from_str::<M>(r#"{"a": "ten"}"#).is_err());
        assert!(serde_json::from_str::<M>(r#"{"a": "99.500333333333333333333333333"}"#).is_err());
        assert!(serde_json::from_str::<M>(r#"{"a": 99.500333333333333333333333333}"#).is_err());
        assert!(serde_json::from_str::<M>(r#"{"a": true}"#).is_err());
    }

    #[test]
    fn json_numbers_are_written_digit_for_digit() {
        assert_eq!(to_json_number(&d("100.2500")).get(), "100.2500");
        assert_eq!(to_json_number(&d("150000")).get(), "150000");
    }
}
