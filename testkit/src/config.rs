//! How a mock gateway is set up: merchant credentials, keys and clock.

use smilepayz::SigningKey;
use smilepayz::transport::Clock;
use std::fmt;

/// The merchant id a default mock gateway serves.
pub const DEFAULT_MERCHANT_ID: &str = "sandbox-mock-20019";

/// Settings for [`MockGateway::start_with`](crate::MockGateway::start_with). Every field
/// left unset is generated: `Default` gives the merchant id `sandbox-mock-20019`, a random
/// secret, and (at start) fresh 2048-bit keys and the system clock.
#[derive(Clone)]
pub struct MockConfig {
    /// The merchant id requests must carry in `X-PARTNER-ID` and `merchant.merchantId`.
    pub merchant_id: String,
    /// The merchant secret every request signature covers.
    pub merchant_secret: String,
    /// The merchant key requests must be signed with; generated when `None`.
    pub merchant_key: Option<SigningKey>,
    /// The platform key callbacks are signed with; generated when `None`.
    pub platform_key: Option<SigningKey>,
    /// The gateway's clock, against which `X-TIMESTAMP` is checked; the system clock when
    /// `None`.
    pub clock: Option<Clock>,
    /// The port to listen on, on `127.0.0.1`; a free one when `None`.
    pub port: Option<u16>,
    /// Serves the admin HTTP API under `/_mock/` (settle, faults, orders, requests,
    /// balances, reset), for steering the gateway from another process or language, as
    /// `smilepayz mock` does. Off by default: in-process tests steer it through
    /// [`MockGateway`](crate::MockGateway), and the paths stay unknown endpoints.
    pub admin_api: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            merchant_id: DEFAULT_MERCHANT_ID.to_owned(),
            // Empty only if the system has no randomness; `start_with` then refuses it.
            merchant_secret: random_hex(16).unwrap_or_default(),
            merchant_key: None,
            platform_key: None,
            clock: None,
            port: None,
            admin_api: false,
        }
    }
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field("merchant_id", &self.merchant_id)
            .field("merchant_secret", &"***")
            .field("merchant_key", &self.merchant_key)
            .field("platform_key", &self.platform_key)
            .field("clock", &self.clock.as_ref().map(|_| "custom"))
            .field("port", &self.port)
            .field("admin_api", &self.admin_api)
            .finish()
    }
}

/// `bytes` random bytes as lowercase hex.
fn random_hex(bytes: usize) -> Option<String> {
    let mut buf = vec![0u8; bytes];
    aws_lc_rs::rand::fill(&mut buf).ok()?;
    Some(buf.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_has_a_fresh_hex_secret_and_no_secret_in_debug() {
        let a = MockConfig::default();
        let b = MockConfig::default();
        assert_eq!(a.merchant_id, "sandbox-mock-20019");
        assert_eq!(a.merchant_secret.len(), 32);
        assert!(a.merchant_secret.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.merchant_secret, b.merchant_secret);
        assert!(!format!("{a:?}").contains(&a.merchant_secret));
    }
}
