//! The checks every request passes before it is read: partner id, timestamp freshness and
//! signature. The signature itself is checked by `smilepayz::signing::verify_request`.

use crate::state::Shared;
use http::HeaderMap;
use smilepayz::signing::{parse_timestamp, verify_request};

/// How far `X-TIMESTAMP` may be from the gateway's clock, either way.
pub(crate) const TIMESTAMP_WINDOW_SECS: i64 = 5 * 60;

/// `Err` says which check failed, in a sentence for the `message` of a 401.
pub(crate) fn check(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<(), String> {
    let partner = header(headers, "X-PARTNER-ID")?;
    if partner != shared.merchant_id {
        return Err(format!("X-PARTNER-ID {partner:?} is not a merchant of this gateway"));
    }
    let timestamp = header(headers, "X-TIMESTAMP")?;
    let sent = parse_timestamp(timestamp)
        .ok_or_else(|| format!("X-TIMESTAMP {timestamp:?} is not yyyy-MM-ddTHH:mm:ss±HH:mm"))?;
    let skew = (sent - shared.now()).whole_seconds();
    if skew.abs() > TIMESTAMP_WINDOW_SECS {
        return Err(format!(
            "X-TIMESTAMP {timestamp:?} is {skew} s from the gateway clock; at most {TIMESTAMP_WINDOW_SECS} s either way is accepted"
        ));
    }
    let signature = header(headers, "X-SIGNATURE")?;
    if !verify_request(&shared.merchant_public_key, timestamp, &shared.merchant_secret, body, signature) {
        return Err("X-SIGNATURE does not verify: expected RSA SHA-256 over timestamp|merchantSecret|body with the merchant key".into());
    }
    Ok(())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, String> {
    match headers.get(name) {
        None => Err(format!("{name} header is missing")),
        Some(v) => v.to_str().map_err(|_| format!("{name} header is not text")),
    }
}
