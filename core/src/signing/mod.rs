//! Request signing and callback signature checks (RSA PKCS#1 v1.5, SHA-256), the
//! strings each covers, and the `X-TIMESTAMP` format.

mod keys;
mod timestamp;

pub use keys::{KeyError, MerchantKey, PlatformKey, SigningKey, VerifyingKey};
pub use timestamp::{format_timestamp, parse_timestamp};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

/// The bytes a pay-out or inquiry signature covers: `timestamp|secret|body`. They hold
/// the merchant secret, so they are wiped when dropped.
pub fn request_string_to_sign(timestamp: &str, merchant_secret: &str, body: &[u8]) -> Zeroizing<Vec<u8>> {
    // Sized once, so no reallocation leaves a copy of the secret behind.
    let mut out = Zeroizing::new(Vec::with_capacity(timestamp.len() + merchant_secret.len() + body.len() + 2));
    out.extend_from_slice(timestamp.as_bytes());
    out.push(b'|');
    out.extend_from_slice(merchant_secret.as_bytes());
    out.push(b'|');
    out.extend_from_slice(body);
    out
}

/// The bytes a callback signature covers: `tradeNo|timestamp`.
pub fn callback_string_to_sign(trade_no: &str, timestamp: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(trade_no.len() + timestamp.len() + 1);
    out.extend_from_slice(trade_no.as_bytes());
    out.push(b'|');
    out.extend_from_slice(timestamp.as_bytes());
    out
}

/// `X-SIGNATURE` for a request: base64 of the signature over `timestamp|secret|body`.
pub fn sign_request(key: &MerchantKey, timestamp: &str, merchant_secret: &str, body: &[u8]) -> String {
    STANDARD.encode(key.sign(&request_string_to_sign(timestamp, merchant_secret, body)))
}

/// Checks a request signature as the gateway does (feature `gateway-side`, for test
/// gateways such as smilepayz-testkit).
#[cfg(feature = "gateway-side")]
pub fn verify_request(
    key: &PlatformKey,
    timestamp: &str,
    merchant_secret: &str,
    body: &[u8],
    signature_b64: &str,
) -> bool {
    match STANDARD.decode(signature_b64) {
        Ok(sig) => key.verify(&request_string_to_sign(timestamp, merchant_secret, body), &sig),
        Err(_) => false,
    }
}

/// Signs a callback as the gateway does: base64 signature over `tradeNo|timestamp`.
pub fn sign_callback(key: &MerchantKey, trade_no: &str, timestamp: &str) -> String {
    STANDARD.encode(key.sign(&callback_string_to_sign(trade_no, timestamp)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_string_to_sign_holds_the_secret_and_is_wiped_when_dropped() {
        let signed = request_string_to_sign("2024-04-10T08:45:32+07:00", "s3cret", b"{}");
        assert_eq!(&signed[..], b"2024-04-10T08:45:32+07:00|s3cret|{}");
        crate::secret::tests::wipes_on_drop(&signed);
    }
}
