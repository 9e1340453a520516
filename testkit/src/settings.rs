//! The mock's settings and faults as the Python and Node testing modules hand them over:
//! `serde` structs that refuse unknown keys and take snake_case or camelCase names, and
//! the one table of fault names. Durations are milliseconds, as everywhere in the SDK.

use crate::config::MockConfig;
use crate::error::MockError;
use crate::faults::{Endpoint, Fault};
use crate::state::GATEWAY_OFFSET;
use serde::Deserialize;
use smilepayz::SigningKey;
use smilepayz::signing::format_timestamp;
use std::time::Duration;
use time::OffsetDateTime;

/// Settings of a mock gateway; unset ones are generated (see [`MockConfig`]).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockSettings {
    #[serde(default, alias = "merchantId")]
    merchant_id: Option<String>,
    #[serde(default, alias = "merchantSecret")]
    merchant_secret: Option<String>,
    /// The merchant private key requests must be signed with (PEM or base64 DER).
    #[serde(default, alias = "merchantPrivateKey")]
    merchant_private_key: Option<String>,
    /// The platform private key callbacks are signed with.
    #[serde(default, alias = "platformPrivateKey")]
    platform_private_key: Option<String>,
}

impl std::fmt::Debug for MockSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockSettings").field("merchant_id", &self.merchant_id).finish_non_exhaustive()
    }
}

impl MockSettings {
    /// The configuration these settings describe; a key that does not load is refused.
    pub fn into_config(self) -> Result<MockConfig, MockError> {
        let key = |name: &str, text: Option<String>| {
            text.map(|t| SigningKey::from_text(&t).map_err(|e| MockError::Config(format!("{name}: {e}")))).transpose()
        };
        let mut config = MockConfig::default();
        if let Some(id) = self.merchant_id {
            config.merchant_id = id;
        }
        if let Some(secret) = self.merchant_secret {
            config.merchant_secret = secret;
        }
        config.merchant_key = key("merchant_private_key", self.merchant_private_key)?;
        config.platform_key = key("platform_private_key", self.platform_private_key)?;
        Ok(config)
    }
}

/// The fault names, one per [`Fault`], in snake_case (Python) or camelCase (Node).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FaultName {
    Delay,
    #[serde(alias = "serverErrorAfterAccept")]
    ServerErrorAfterAccept,
    #[serde(alias = "dropAfterAccept")]
    DropAfterAccept,
    #[serde(alias = "malformedAfterAccept")]
    MalformedAfterAccept,
    #[serde(alias = "redirectBeforeAccept")]
    RedirectBeforeAccept,
    #[serde(alias = "redirectAfterAccept")]
    RedirectAfterAccept,
    #[serde(alias = "resetDuringUpload")]
    ResetDuringUpload,
    #[serde(alias = "truncatedAfterAccept")]
    TruncatedAfterAccept,
    #[serde(alias = "oversizedAfterAccept")]
    OversizedAfterAccept,
    #[serde(alias = "closeIdleKeepAlive")]
    CloseIdleKeepAlive,
}

/// One fault to inject: its name, the delay of `delay`, the status of the redirects.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSettings {
    fault: FaultName,
    #[serde(default, alias = "delayMs")]
    delay_ms: Option<f64>,
    #[serde(default, alias = "httpStatus")]
    http_status: Option<u16>,
}

impl FaultSettings {
    /// The fault; a setting the fault does not take, or a bad value, is refused.
    pub fn fault(&self) -> Result<Fault, MockError> {
        let refuse = |m: String| Err(MockError::Config(m));
        let redirect = matches!(self.fault, FaultName::RedirectBeforeAccept | FaultName::RedirectAfterAccept);
        if self.delay_ms.is_some() && self.fault != FaultName::Delay {
            return refuse(format!("only the delay fault takes delay_ms, not {:?}", self.fault));
        }
        if self.http_status.is_some() && !redirect {
            return refuse(format!("only the redirect faults take http_status, not {:?}", self.fault));
        }
        // 307 and 308 keep the method and body: a client that follows them sends the pay-out again.
        let status = match self.http_status {
            None => 307,
            Some(s @ 300..=399) => s,
            Some(s) => return refuse(format!("http_status must be a redirect (3xx), got {s}")),
        };
        Ok(match self.fault {
            FaultName::Delay => {
                let ms = self.delay_ms.ok_or_else(|| MockError::Config("the delay fault needs delay_ms".into()))?;
                Fault::Delay(millis("delay_ms", ms)?)
            }
            FaultName::ServerErrorAfterAccept => Fault::ServerErrorAfterAccept,
            FaultName::DropAfterAccept => Fault::DropAfterAccept,
            FaultName::MalformedAfterAccept => Fault::MalformedAfterAccept,
            FaultName::RedirectBeforeAccept => Fault::RedirectBeforeAccept { status },
            FaultName::RedirectAfterAccept => Fault::RedirectAfterAccept { status },
            FaultName::ResetDuringUpload => Fault::ResetDuringUpload,
            FaultName::TruncatedAfterAccept => Fault::TruncatedAfterAccept,
            FaultName::OversizedAfterAccept => Fault::OversizedAfterAccept,
            FaultName::CloseIdleKeepAlive => Fault::CloseIdleKeepAlive,
        })
    }
}

impl Endpoint {
    /// `payout`, `status` or `balance`.
    pub fn parse(name: &str) -> Result<Endpoint, MockError> {
        match name {
            "payout" => Ok(Endpoint::Payout),
            "status" => Ok(Endpoint::Status),
            "balance" => Ok(Endpoint::Balance),
            _ => Err(MockError::Config(format!("endpoint must be payout, status or balance, got {name:?}"))),
        }
    }
}

/// `ms` milliseconds as a duration: a finite, non-negative number, or a refusal naming
/// `name` (never the panic `Duration::from_secs_f64` gives an infinity).
pub fn millis(name: &str, ms: f64) -> Result<Duration, MockError> {
    Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| {
        MockError::Config(format!("{name} must be a finite, non-negative number of milliseconds, got {ms}"))
    })
}

/// `X-TIMESTAMP` for a callback signed now: the gateway's own zone (+07:00), as the
/// mock's callbacks and the real gateway's carry it.
pub fn callback_timestamp_now() -> String {
    format_timestamp(OffsetDateTime::now_utc(), GATEWAY_OFFSET)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn fault(value: Value) -> Result<Fault, String> {
        let settings: FaultSettings = serde_json::from_value(value).map_err(|e| e.to_string())?;
        settings.fault().map_err(|e| e.to_string())
    }

    #[test]
    fn fault_names_in_either_case_and_their_settings() {
        assert_eq!(fault(json!({"fault": "drop_after_accept"})), Ok(Fault::DropAfterAccept));
        assert_eq!(fault(json!({"fault": "dropAfterAccept"})), Ok(Fault::DropAfterAccept));
        assert_eq!(fault(json!({"fault": "delay", "delayMs": 1500})), Ok(Fault::Delay(Duration::from_millis(1500))));
        assert_eq!(
            fault(json!({"fault": "redirectAfterAccept", "http_status": 308})),
            Ok(Fault::RedirectAfterAccept { status: 308 })
        );
        for (bad, says) in [
            (json!({"fault": "drop"}), "unknown variant"),
            (json!({"fault": "delay"}), "needs delay_ms"),
            (json!({"fault": "delay", "delay_ms": -1}), "non-negative"),
            (json!({"fault": "delay", "delay_ms": 1e308}), "finite"),
            (json!({"fault": "delay", "delay_ms": "Infinity"}), "invalid type"),
            (json!({"fault": "dropAfterAccept", "delayMs": 1}), "only the delay fault"),
            (json!({"fault": "redirect_after_accept", "http_status": 500}), "3xx"),
            (json!({"fault": "truncatedAfterAccept", "http_status": 307}), "only the redirect"),
            (json!({"fault": "delay", "seconds": 1}), "unknown field"),
        ] {
            let error = fault(bad.clone()).expect_err("refused");
            assert!(error.contains(says), "{bad}: {error}");
        }
        assert!(millis("delay_ms", f64::INFINITY).is_err() && millis("delay_ms", f64::NAN).is_err());
        assert!(Endpoint::parse("refund").is_err());
        assert_eq!(Endpoint::parse("status").ok(), Some(Endpoint::Status));
    }

    #[test]
    fn mock_settings_load_their_keys_and_hide_the_secret() {
        let settings: MockSettings =
            serde_json::from_value(json!({"merchantId": "M1", "merchant_secret": "s3cret"})).expect("read");
        assert!(!format!("{settings:?}").contains("s3cret"));
        let config = settings.into_config().expect("config");
        assert_eq!((config.merchant_id.as_str(), config.merchant_secret.as_str()), ("M1", "s3cret"));
        let bad: MockSettings = serde_json::from_value(json!({"platformPrivateKey": "nope"})).expect("read");
        assert!(bad.into_config().expect_err("bad key").to_string().contains("platform_private_key"));
        assert!(serde_json::from_value::<MockSettings>(json!({"merchantKey": "k"})).is_err());
        assert!(callback_timestamp_now().ends_with("+07:00"));
    }
}
