//! Field rules shared by the regions. Each returns the broken rule and a message.

use crate::validation::{Collector, Rule};
use aws_lc_rs::digest;

pub(crate) type Check = Result<(), (Rule, String)>;

/// Records a failed check at `path`.
pub(crate) fn record(c: &mut Collector, path: &str, check: Check) {
    if let Err((rule, message)) = check {
        c.at(path, rule, message);
    }
}

fn required(value: &str) -> Check {
    if value.is_empty() { Err((Rule::Required, "is required".into())) } else { Ok(()) }
}

fn char_len_between(value: &str, min: usize, max: usize) -> Check {
    required(value)?;
    let n = value.chars().count();
    if n < min || n > max {
        let span = if min == max { format!("exactly {min}") } else { format!("{min} to {max}") };
        return Err((Rule::Length, format!("must be {span} characters long, got {n}")));
    }
    Ok(())
}

/// Unicode bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069): text shown to the payee could read differently from what was sent.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Free text shown to people (purpose, names): no control characters, and no bidi
/// controls that would let a memo or a name display as something else.
fn plain_text(value: &str) -> Check {
    if value.chars().any(char::is_control) {
        return Err((Rule::Format, "must not contain control characters".into()));
    }
    if let Some(c) = value.chars().find(|&c| is_bidi_control(c)) {
        return Err((
            Rule::Format,
            format!("must not contain Unicode bidirectional control characters (found U+{:04X})", u32::from(c)),
        ));
    }
    Ok(())
}

/// orderNo: 6–32 ASCII letters and digits.
pub(crate) fn order_no(value: &str) -> Check {
    char_len_between(value, 6, 32)?;
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err((
            Rule::Format,
            "must contain only ASCII letters and digits (no dashes, spaces or underscores)".into(),
        ));
    }
    Ok(())
}

/// purpose: 1–64 characters of text.
pub(crate) fn purpose(value: &str) -> Check {
    char_len_between(value, 1, 64)?;
    plain_text(value)
}

/// A bank code or PIX key type: letters, digits and `_`, at most 32.
pub(crate) fn payment_method(value: &str) -> Check {
    char_len_between(value, 1, 32)?;
    if !value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err((
            Rule::Format,
            "must contain only ASCII letters, digits and '_' (a bank code such as BRI or BANCOLOMBIA)".into(),
        ));
    }
    Ok(())
}

/// A bank account number: at most 32 characters, letters and digits only.
pub(crate) fn bank_account(value: &str) -> Check {
    char_len_between(value, 1, 32)?;
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err((Rule::Format, "must contain only letters and digits (no spaces or dashes)".into()));
    }
    Ok(())
}

/// A bank transfer's `paymentMethod` (a bank code) and `cashAccount` (an account number).
pub(crate) fn bank_transfer(c: &mut Collector, payment_method_value: &str, cash_account: &str) {
    record(c, "paymentMethod", payment_method(payment_method_value));
    record(c, "cashAccount", bank_account(cash_account));
}

/// An identifier a seed formats as "Alphanumeric string" (COP's subMerchantId): 1–128
/// ASCII letters and digits.
pub(crate) fn alphanumeric_id(value: &str) -> Check {
    char_len_between(value, 1, 128)?;
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err((Rule::Format, "must contain only ASCII letters and digits".into()));
    }
    Ok(())
}

/// A person's or company's name: 1–128 characters of text.
pub(crate) fn name(value: &str) -> Check {
    char_len_between(value, 1, 128)?;
    plain_text(value)
}

/// Optional free text such as a merchant name: at most 128 characters.
pub(crate) fn optional_text(value: &str) -> Check {
    if value.chars().count() > 128 {
        return Err((Rule::Length, "must be at most 128 characters long".into()));
    }
    plain_text(value)
}

/// callbackUrl: at most 256 characters, https (plain http only to this machine, for tests),
/// checked in exactly the form it is sent: the URL parser would drop tabs and newlines,
/// trim spaces, read `\\` as `/` and re-encode, so such input is refused, not rewritten.
pub(crate) fn callback_url(value: &str) -> Check {
    char_len_between(value, 1, 256)?;
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err((Rule::Format, "must not contain spaces, tabs, newlines or other control characters".into()));
    }
    if value.contains('\\') {
        return Err((Rule::Format, "must not contain a backslash".into()));
    }
    let url = reqwest::Url::parse(value).map_err(|e| (Rule::Format, format!("is not a valid absolute URL ({e})")))?;
    // The parser adds the `/` of an empty path; any other difference is a rewrite.
    if url.as_str() != value && url.as_str() != format!("{value}/") {
        return Err((Rule::Format, format!("is not in canonical form; write it as {:?}", url.as_str())));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err((Rule::Format, "must be an https:// URL (http:// is accepted only for localhost)".into())),
    }
}

/// An e-mail address: one `@`, a dotted domain, no spaces, at most 254 characters.
pub(crate) fn email(value: &str) -> Check {
    char_len_between(value, 3, 254)?;
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid { Ok(()) } else { Err((Rule::Format, "is not an e-mail address".into())) }
}

/// A phone number: digits, optionally one leading `+`, `min`–`max` digits.
pub(crate) fn phone(value: &str, min: usize, max: usize, allow_plus: bool) -> Check {
    required(value)?;
    let digits = match value.strip_prefix('+') {
        Some(rest) if allow_plus => rest,
        Some(_) => {
            return Err((Rule::Format, "must be in local format: digits only, without '+' or country code".into()));
        }
        None => value,
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err((Rule::Format, "must contain only digits (no spaces, dashes or brackets)".into()));
    }
    if digits.len() < min || digits.len() > max {
        return Err((Rule::Length, format!("must have {min} to {max} digits, got {}", digits.len())));
    }
    Ok(())
}

/// Exactly `n` ASCII digits.
pub(crate) fn digits(value: &str, n: usize) -> Check {
    required(value)?;
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err((Rule::Format, "must contain only digits".into()));
    }
    if value.len() != n {
        return Err((Rule::Length, format!("must be exactly {n} digits, got {}", value.len())));
    }
    Ok(())
}

/// An identity document number: letters and digits, 1–20.
pub(crate) fn document_number(value: &str) -> Check {
    char_len_between(value, 1, 20)?;
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err((Rule::Format, "must contain only letters and digits (no dots or dashes)".into()));
    }
    Ok(())
}

/// A Brazilian CPF: 11 digits whose two check digits match.
pub(crate) fn cpf(value: &str) -> Check {
    digits(value, 11)?;
    let d: Vec<u32> = value.bytes().map(|b| u32::from(b - b'0')).collect();
    if d.iter().all(|&x| x == d[0]) {
        return Err((Rule::Checksum, "is not a valid CPF (all digits equal)".into()));
    }
    let check = |len: usize| {
        let sum: u32 = (0..len).map(|i| d[i] * (len as u32 + 1 - i as u32)).sum();
        let r = (sum * 10) % 11;
        if r == 10 { 0 } else { r }
    };
    if check(9) != d[9] || check(10) != d[10] {
        return Err((Rule::Checksum, "is not a valid CPF (check digits do not match)".into()));
    }
    Ok(())
}

/// A Brazilian CNPJ: 14 digits whose two check digits match.
pub(crate) fn cnpj(value: &str) -> Check {
    digits(value, 14)?;
    let d: Vec<u32> = value.bytes().map(|b| u32::from(b - b'0')).collect();
    if d.iter().all(|&x| x == d[0]) {
        return Err((Rule::Checksum, "is not a valid CNPJ (all digits equal)".into()));
    }
    let check = |len: usize| {
        let weights = [6u32, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        let w = &weights[13 - len..];
        let sum: u32 = (0..len).map(|i| d[i] * w[i]).sum();
        let r = sum % 11;
        if r < 2 { 0 } else { 11 - r }
    };
    if check(12) != d[12] || check(13) != d[13] {
        return Err((Rule::Checksum, "is not a valid CNPJ (check digits do not match)".into()));
    }
    Ok(())
}

/// A PIX random key (EVP): a UUID, 8-4-4-4-12 hex digits.
pub(crate) fn evp_key(value: &str) -> Check {
    required(value)?;
    let groups: Vec<&str> = value.split('-').collect();
    let shape = groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if shape {
        Ok(())
    } else {
        Err((Rule::Format, "is not a PIX random key (a UUID such as 123e4567-e89b-12d3-a456-426614174000)".into()))
    }
}

/// A TRON (TRC20) address: base58check, version byte 0x41, 25 bytes, starting with `T`.
pub(crate) fn tron_address(value: &str) -> Check {
    required(value)?;
    if value.len() != 34 || !value.starts_with('T') {
        return Err((Rule::Format, "is not a TRC20 address (34 characters starting with 'T')".into()));
    }
    let bytes =
        bs58::decode(value).into_vec().map_err(|_| (Rule::Format, "is not a TRC20 address (not base58)".to_owned()))?;
    if bytes.len() != 25 || bytes[0] != 0x41 {
        return Err((Rule::Format, "is not a TRC20 address (wrong length or version byte)".into()));
    }
    let (payload, checksum) = bytes.split_at(21);
    let once = digest::digest(&digest::SHA256, payload);
    let twice = digest::digest(&digest::SHA256, once.as_ref());
    if &twice.as_ref()[..4] != checksum {
        return Err((Rule::Checksum, "is not a TRC20 address (checksum does not match: a typo?)".into()));
    }
    Ok(())
}

/// A BEP20 (BNB Smart Chain) address: `0x` and 40 hex digits. Mixed case carries an
/// EIP-55 checksum, which must match; all-lower and all-upper carry none (EIP-55).
pub(crate) fn bep20_address(value: &str) -> Check {
    required(value)?;
    let hex = value.strip_prefix("0x").unwrap_or("");
    if value.len() != 42 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err((Rule::Format, "is not a BEP20 address ('0x' followed by 40 hex digits)".into()));
    }
    let has_lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper && !eip55_matches(hex) {
        return Err((Rule::Checksum, "is not a BEP20 address (EIP-55 checksum does not match: a typo?)".into()));
    }
    Ok(())
}

/// EIP-55: a letter is upper case exactly where the Keccak-256 of the lower-case hex has
/// a nibble of 8 or more.
fn eip55_matches(hex: &str) -> bool {
    use sha3::{Digest, Keccak256};
    let lower = hex.to_ascii_lowercase();
    let hash = Keccak256::digest(lower.as_bytes());
    hex.bytes().enumerate().all(|(i, b)| {
        let nibble = if i % 2 == 0 { hash[i / 2] >> 4 } else { hash[i / 2] & 0x0f };
        !b.is_ascii_alphabetic() || b.is_ascii_uppercase() == (nibble >= 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(c: Check) -> Option<Rule> {
        c.err().map(|(r, _)| r)
    }

    #[test]
    fn order_numbers() {
        assert!(order_no("ABC123").is_ok());
        assert!(order_no(&"9".repeat(32)).is_ok());
        assert_eq!(rule(order_no("")), Some(Rule::Required));
        assert_eq!(rule(order_no("A1234")), Some(Rule::Length));
        assert_eq!(rule(order_no(&"9".repeat(33))), Some(Rule::Length));
        assert_eq!(rule(order_no("ORD-20240101")), Some(Rule::Format));
        assert_eq!(rule(order_no("ORDÉ12345")), Some(Rule::Format));
    }

    #[test]
    fn purposes_count_characters_not_bytes() {
        assert!(purpose(&"é".repeat(64)).is_ok());
        assert_eq!(rule(purpose(&"é".repeat(65))), Some(Rule::Length));
        assert_eq!(rule(purpose("line\nbreak")), Some(Rule::Format));
    }

    #[test]
    fn bidi_controls_are_refused_in_text_shown_to_people() {
        for c in
            ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']
        {
            let text = format!("Refund {c}0001");
            assert_eq!(rule(purpose(&text)), Some(Rule::Format), "{c:?}");
            assert_eq!(rule(name(&text)), Some(Rule::Format), "{c:?}");
            assert_eq!(rule(optional_text(&text)), Some(Rule::Format), "{c:?}");
        }
        // Characters next to the ranges, and text in other scripts, are ordinary text.
        for fine in ["Pago \u{2029}x", "a\u{2070}b", "Reembolso — ¿sí? 日本 עברית"] {
            assert!(purpose(fine).is_ok(), "{fine:?}");
        }
    }

    #[test]
    fn callback_urls() {
        assert!(callback_url("https://merchant.example/cb").is_ok());
        assert!(callback_url("http://127.0.0.1:8080/cb").is_ok());
        assert!(callback_url("http://localhost/cb").is_ok());
        assert_eq!(rule(callback_url("http://merchant.example/cb")), Some(Rule::Format));
        assert_eq!(rule(callback_url("ftp://merchant.example")), Some(Rule::Format));
        assert_eq!(rule(callback_url("not a url")), Some(Rule::Format));
        for rewritten in [
            "https://merchant.example/c\tb",
            "https://merchant.example/c\nb",
            " https://merchant.example/cb",
            "https://merchant.example/cb ",
            "https:\\\\evil.example\\cb",
            "https://MERCHANT.example/cb",
            "https://merchant.example/a/../cb",
        ] {
            assert_eq!(rule(callback_url(rewritten)), Some(Rule::Format), "{rewritten:?}");
        }
        assert!(callback_url("https://merchant.example").is_ok(), "the parser's own `/` is not a rewrite");
        let long = format!("https://m.example/{}", "a".repeat(240));
        assert_eq!(rule(callback_url(&long)), Some(Rule::Length));
    }

    #[test]
    fn brazilian_tax_numbers() {
        assert!(cpf("52998224725").is_ok());
        assert_eq!(rule(cpf("52998224724")), Some(Rule::Checksum));
        assert_eq!(rule(cpf("11111111111")), Some(Rule::Checksum));
        assert_eq!(rule(cpf("529.982.247-25")), Some(Rule::Format));
        assert_eq!(rule(cpf("5299822472")), Some(Rule::Length));
        assert!(cnpj("11222333000181").is_ok());
        assert_eq!(rule(cnpj("11222333000182")), Some(Rule::Checksum));
        assert_eq!(rule(cnpj("1122233300018")), Some(Rule::Length));
    }

    #[test]
    fn crypto_addresses() {
        assert!(tron_address("TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ").is_ok());
        assert_eq!(rule(tron_address("TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoY")), Some(Rule::Checksum));
        assert_eq!(rule(tron_address("XS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ")), Some(Rule::Format));
        assert_eq!(rule(tron_address("TS8taf44vwibX7z4vE7aqrA7xVQjzzGKo0")), Some(Rule::Format));
        assert!(bep20_address("0x52908400098527886E0F7030069857D2E4169EE7").is_ok());
        assert_eq!(rule(bep20_address("52908400098527886E0F7030069857D2E4169EE7")), Some(Rule::Format));
        assert_eq!(rule(bep20_address("0x52908400098527886E0F7030069857D2E4169EEZ")), Some(Rule::Format));
        // EIP-55's own examples, then one letter's case flipped.
        for good in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
            "0x52908400098527886e0f7030069857d2e4169ee7",
            "0x52908400098527886E0F7030069857D2E4169EE7",
        ] {
            assert!(bep20_address(good).is_ok(), "{good}");
        }
        assert_eq!(rule(bep20_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")), Some(Rule::Checksum));
        assert_eq!(rule(bep20_address("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")), Some(Rule::Checksum));
    }

    #[test]
    fn contact_details() {
        assert!(email("maria@example.co").is_ok());
        for bad in ["maria", "maria@", "@example.com", "a@b", "a b@example.com", "a@@b.com"] {
            assert_eq!(rule(email(bad)), Some(Rule::Format), "{bad}");
        }
        assert!(phone("3001234567", 7, 10, false).is_ok());
        assert_eq!(rule(phone("+573001234567", 7, 10, false)), Some(Rule::Format));
        assert_eq!(rule(phone("573001234567", 7, 10, false)), Some(Rule::Length));
        assert!(phone("+51987654321", 6, 15, true).is_ok());
        assert_eq!(rule(phone("300 123 4567", 7, 10, false)), Some(Rule::Format));
        assert!(evp_key("123e4567-e89b-12d3-a456-426614174000").is_ok());
        assert_eq!(rule(evp_key("123e4567e89b12d3a456426614174000")), Some(Rule::Format));
    }
}
