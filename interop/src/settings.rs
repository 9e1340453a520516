//! Client and verifier settings as both bindings hand them over: one mapping (Python's
//! keyword arguments, Node's options object) converted to JSON and read here, once.
//!
//! - Keys are accepted in snake_case and in camelCase (one `alias` per field); any other
//!   key is a `ConfigError` naming it, never a setting silently dropped. `null` (Python
//!   `None`, JavaScript `undefined`) leaves a setting unset.
//! - Every duration is a number of milliseconds (`…_ms`, `…Ms`), in both languages: a
//!   finite, non-negative number (fractions allowed).
//! - A wrong type is a `ConfigError` naming the setting as the caller spelt it; every
//!   other check is the core's own (`ClientBuilder::build`, key loading).

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde_json::Value;
use smilepayz::transport::MAX_RETRY_ATTEMPTS;
use smilepayz::{CallbackVerifier, Client, ClientBuilder, Environment, Error, PlatformKey, ProxySetting, RetryPolicy};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// The binding a client is built for: it tags the User-Agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    /// `smilepayz` on PyPI: snake_case.
    Python,
    /// `smilepayz` on npm: camelCase.
    Node,
}

impl Binding {
    /// What the binding adds to the User-Agent, e.g. `python/0.1.0`.
    pub fn user_agent_tag(self) -> String {
        let name = match self {
            Binding::Python => "python",
            Binding::Node => "node",
        };
        format!("{name}/{}", env!("CARGO_PKG_VERSION"))
    }
}

/// Reads settings of type `T` from `value`; `what` names them in errors (`Client`).
pub fn read<T: DeserializeOwned>(what: &str, value: Value) -> Result<T, Error> {
    if !value.is_object() {
        return Err(Error::config(format!("{what} settings must be a mapping of names to values")));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        match path.as_str() {
            "." | "" => Error::config(format!("{what} settings: {inner}")),
            _ if inner.starts_with("must ") => Error::config(format!("{path} {inner}")),
            _ => Error::config(format!("{path}: {inner}")),
        }
    })
}

/// Settings of a [`Client`]: merchant credentials, where to send, timeouts and retries.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSettings {
    #[serde(default, alias = "merchantId")]
    merchant_id: Option<String>,
    #[serde(default, alias = "merchantSecret")]
    merchant_secret: Option<String>,
    #[serde(default, alias = "privateKey")]
    private_key: Option<String>,
    #[serde(default)]
    environment: Option<String>,
    #[serde(default, alias = "baseUrl")]
    base_url: Option<String>,
    #[serde(default, alias = "connectTimeoutMs", deserialize_with = "millis")]
    connect_timeout_ms: Option<Duration>,
    #[serde(default, alias = "timeoutMs", deserialize_with = "millis")]
    timeout_ms: Option<Duration>,
    #[serde(default)]
    retry: Option<Mapping<RetrySettings>>,
    #[serde(default, alias = "userAgentSuffix")]
    user_agent_suffix: Option<String>,
    #[serde(default, alias = "orderNotFoundCodes")]
    order_not_found_codes: Option<Vec<String>>,
    /// An `http://` or `https://` proxy URL (user info allowed, kept secret).
    #[serde(default)]
    proxy: Option<String>,
    /// Honour `HTTPS_PROXY` and friends (ignored unless true).
    #[serde(default, alias = "proxyFromEnvironment")]
    proxy_from_environment: Option<bool>,
    /// The local IP address to connect from.
    #[serde(default, alias = "localAddress")]
    local_address: Option<String>,
    #[serde(default, alias = "ipv4Only")]
    ipv4_only: Option<bool>,
    /// PEM texts of CA certificates to trust besides the system's.
    #[serde(default, alias = "extraCaCertificates")]
    extra_ca_certificates: Option<Vec<String>>,
}

// Never prints the secret or the key.
impl std::fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSettings")
            .field("merchant_id", &self.merchant_id)
            .field("base_url", &self.base_url)
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

/// Retries of requests that are safe to repeat; unset fields keep the core's defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySettings {
    #[serde(default, alias = "maxAttempts", deserialize_with = "attempts")]
    max_attempts: Option<u32>,
    #[serde(default, alias = "initialBackoffMs", deserialize_with = "millis")]
    initial_backoff_ms: Option<Duration>,
    #[serde(default, alias = "maxBackoffMs", deserialize_with = "millis")]
    max_backoff_ms: Option<Duration>,
}

impl ClientSettings {
    /// Reads client settings from a binding's mapping.
    pub fn from_json(value: Value) -> Result<Self, Error> {
        read("Client", value)
    }

    /// A builder with these settings over `Client::builder()`.
    pub fn builder(self, binding: Binding) -> Result<ClientBuilder, Error> {
        self.apply(Client::builder(), binding)
    }

    /// `base` (e.g. `ClientBuilder::from_env()`) with these settings on top; the
    /// User-Agent names the binding and its version before any suffix.
    pub fn apply(self, base: ClientBuilder, binding: Binding) -> Result<ClientBuilder, Error> {
        let mut b = base;
        if let Some(v) = self.merchant_id {
            b = b.merchant_id(v);
        }
        if let Some(v) = self.merchant_secret {
            b = b.merchant_secret(v);
        }
        if let Some(v) = self.private_key {
            b = b.private_key(v);
        }
        if let Some(v) = self.environment {
            b = b.environment(Environment::parse(&v)?);
        }
        if let Some(v) = self.base_url {
            b = b.base_url(v);
        }
        if let Some(v) = self.connect_timeout_ms {
            b = b.connect_timeout(v);
        }
        if let Some(v) = self.timeout_ms {
            b = b.timeout(v);
        }
        if let Some(Mapping(r)) = self.retry {
            let mut policy = RetryPolicy::default();
            if let Some(n) = r.max_attempts {
                policy.max_attempts = n;
            }
            if let Some(d) = r.initial_backoff_ms {
                policy.initial_backoff = d;
            }
            if let Some(d) = r.max_backoff_ms {
                policy.max_backoff = d;
            }
            b = b.retry(policy);
        }
        let tag = binding.user_agent_tag();
        b = b.user_agent_suffix(match self.user_agent_suffix {
            Some(suffix) => format!("{tag} {suffix}"),
            None => tag,
        });
        if let Some(codes) = self.order_not_found_codes {
            b = b.order_not_found_codes(codes);
        }
        b = match (self.proxy, self.proxy_from_environment) {
            (Some(_), Some(true)) => {
                return Err(Error::config("set proxy or proxy_from_environment (proxyFromEnvironment), not both"));
            }
            (Some(url), _) => b.proxy(url),
            (None, Some(true)) => b.proxy_setting(ProxySetting::FromEnvironment),
            (None, _) => b,
        };
        if let Some(text) = self.local_address {
            let ip = text.trim().parse().map_err(|_| {
                Error::config(format!("local_address (localAddress) must be an IPv4 or IPv6 address, got {text:?}"))
            })?;
            b = b.local_address(ip);
        }
        if let Some(v) = self.ipv4_only {
            b = b.ipv4_only(v);
        }
        for pem in self.extra_ca_certificates.unwrap_or_default() {
            b = b.add_root_certificates_pem(pem);
        }
        Ok(b)
    }
}

/// Settings of one call (Python's keyword arguments, Node's last argument): only
/// `timeout_ms` (`timeoutMs`), the whole call's limit instead of the client's.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallSettings {
    #[serde(default, alias = "timeoutMs", deserialize_with = "millis")]
    timeout_ms: Option<Duration>,
}

impl CallSettings {
    /// Reads a call's settings; `null` (none given) is the client's own.
    pub fn from_json(value: Value) -> Result<Self, Error> {
        if value.is_null() {
            return Ok(Self::default());
        }
        read("call", value)
    }

    /// The client to make this call with: `client` itself, or with this call's timeout.
    pub fn client(&self, client: &Client) -> Result<Client, Error> {
        match self.timeout_ms {
            Some(timeout) => client.with_timeout(timeout),
            None => Ok(client.clone()),
        }
    }
}

/// Settings of a [`CallbackVerifier`]: the platform keys and the limits.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifierSettings {
    #[serde(default, alias = "platformPublicKey")]
    platform_public_key: Option<String>,
    #[serde(default, alias = "platformPublicKeys")]
    platform_public_keys: Option<Vec<String>>,
    #[serde(default, alias = "maxAgeMs", deserialize_with = "millis")]
    max_age_ms: Option<Duration>,
    #[serde(default, alias = "maxBodyBytes", deserialize_with = "whole")]
    max_body_bytes: Option<u64>,
    /// Measure age as if it were this instant, in milliseconds since the epoch (tests).
    #[serde(default, deserialize_with = "whole")]
    now: Option<u64>,
}

impl std::fmt::Debug for VerifierSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifierSettings")
            .field("max_age_ms", &self.max_age_ms)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl VerifierSettings {
    /// Reads verifier settings from a binding's mapping.
    pub fn from_json(value: Value) -> Result<Self, Error> {
        read("CallbackVerifier", value)
    }

    /// Loads every key once and builds the verifier; a bad key is a `ConfigError` with
    /// its `key_error`.
    pub fn verifier(self) -> Result<CallbackVerifier, Error> {
        let texts = match (self.platform_public_key.clone(), self.platform_public_keys.clone()) {
            (Some(_), Some(_)) => {
                return Err(Error::config("give platform_public_key or platform_public_keys, not both"));
            }
            (Some(key), None) => vec![key],
            (None, Some(keys)) => keys,
            (None, None) => Vec::new(),
        };
        if texts.is_empty() {
            return Err(Error::config("a callback verifier needs at least one platform public key"));
        }
        let mut keys = Vec::with_capacity(texts.len());
        for (i, text) in texts.iter().enumerate() {
            let key = PlatformKey::from_text(text).map_err(|e| Error::Config {
                message: format!("platform public key #{}: {e}", i + 1),
                key_error: Some(e),
            })?;
            keys.push(key);
        }
        self.with_limits(CallbackVerifier::with_keys(keys))
    }

    /// The verifier of the key in `SMILEPAYZ_PLATFORM_PUBLIC_KEY`, with these limits (a
    /// key given here as well is refused: one source of keys).
    pub fn verifier_from_env(self) -> Result<CallbackVerifier, Error> {
        if self.platform_public_key.is_some() || self.platform_public_keys.is_some() {
            return Err(Error::config(
                "from_env reads the key from SMILEPAYZ_PLATFORM_PUBLIC_KEY: give no platform_public_key here",
            ));
        }
        self.with_limits(CallbackVerifier::new(smilepayz::client::platform_key_from_env()?))
    }

    fn with_limits(self, mut verifier: CallbackVerifier) -> Result<CallbackVerifier, Error> {
        if let Some(max_age) = self.max_age_ms {
            verifier = verifier.max_age(max_age);
        }
        if let Some(bytes) = self.max_body_bytes {
            verifier = verifier.max_body_bytes(usize::try_from(bytes).unwrap_or(usize::MAX));
        }
        if let Some(ms) = self.now {
            let now = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
                .map_err(|e| Error::config(format!("now: {e}")))?;
            verifier = verifier.clock(Arc::new(move || now));
        }
        Ok(verifier)
    }
}

/// Settings nested in settings: a mapping only (serde would also read a struct from a
/// list, by position), its keys still tracked for the path in errors.
struct Mapping<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Mapping<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OnlyMaps<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for OnlyMaps<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping of names to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer.deserialize_map(OnlyMaps(std::marker::PhantomData)).map(Mapping)
    }
}

/// A duration in milliseconds: a finite, non-negative number. (A binding passes NaN and
/// infinities as text, which JSON has no number for.)
pub fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Duration>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(None) };
    value
        .as_f64()
        .filter(|ms| ms.is_finite())
        .and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok())
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("must be a finite, non-negative number of milliseconds, got {value}")))
}

/// A non-negative whole number (at most 2^53, what every binding's number holds exactly).
pub(crate) fn whole<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(None) };
    value
        .as_u64()
        .filter(|n| *n <= 1 << 53)
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("must be a non-negative whole number, got {value}")))
}

/// The retry budget: any value that is not a whole number the core's range check can
/// judge is refused in that check's words.
fn attempts<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(None) };
    value.as_u64().and_then(|n| u32::try_from(n).ok()).map(Some).ok_or_else(|| {
        D::Error::custom(format!("must be between 1 and {MAX_RETRY_ATTEMPTS} (a whole number), got {value}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(result: Result<impl std::fmt::Debug, Error>) -> String {
        result.expect_err("refused").to_string()
    }

    #[test]
    fn both_case_styles_are_read_and_unknown_keys_are_named() {
        let snake =
            ClientSettings::from_json(json!({"merchant_id": "m", "timeout_ms": 1500, "retry": {"max_attempts": 2}}))
                .expect("snake");
        assert_eq!(snake.merchant_id.as_deref(), Some("m"));
        assert_eq!(snake.timeout_ms, Some(Duration::from_millis(1500)));
        let camel =
            ClientSettings::from_json(json!({"merchantId": "m", "timeoutMs": 0.5, "retry": {"maxAttempts": 2}}))
                .expect("camel");
        assert_eq!(camel.timeout_ms, Some(Duration::from_micros(500)));
        assert_eq!(camel.retry.and_then(|r| r.0.max_attempts), Some(2));
        for list in [json!([]), json!([3])] {
            let text = message(ClientSettings::from_json(json!({"retry": list})));
            assert!(text.contains("retry: invalid type: sequence, expected a mapping"), "{text}");
        }
        let unknown = message(ClientSettings::from_json(json!({"timeout": 5})));
        assert!(unknown.contains("`timeout`") && unknown.contains("`timeoutMs`"), "{unknown}");
        let nested = message(ClientSettings::from_json(json!({"retry": {"maxAttempt": 2}})));
        assert!(nested.contains("`maxAttempt`") && nested.contains("`maxAttempts`"), "{nested}");
        let null = ClientSettings::from_json(json!({"merchantId": null})).expect("null is unset");
        assert_eq!(null.merchant_id, None);
        assert!(message(ClientSettings::from_json(json!("m1"))).contains("must be a mapping"));
    }

    #[test]
    fn network_settings_are_read_in_either_case_and_checked() {
        let snake = ClientSettings::from_json(json!({"proxy": "http://u:hunter2@127.0.0.1:3128",
            "local_address": "127.0.0.2", "ipv4_only": true, "extra_ca_certificates": ["PEM"]}))
        .expect("snake");
        let debug = format!("{snake:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(snake.apply(ClientBuilder::default(), Binding::Python).is_ok());
        let camel = ClientSettings::from_json(json!({"proxyFromEnvironment": true, "localAddress": "::1",
            "ipv4Only": false, "extraCaCertificates": []}))
        .expect("camel");
        assert!(camel.apply(ClientBuilder::default(), Binding::Node).is_ok());
        let both = ClientSettings::from_json(json!({"proxy": "http://p:1", "proxyFromEnvironment": true}));
        let text = message(both.expect("read").apply(ClientBuilder::default(), Binding::Node));
        assert!(text.contains("not both"), "{text}");
        let bad_ip = ClientSettings::from_json(json!({"local_address": "10.0.0"}));
        let text = message(bad_ip.expect("read").apply(ClientBuilder::default(), Binding::Python));
        assert!(text.contains("local_address (localAddress) must be an IPv4 or IPv6 address"), "{text}");
        let text = message(ClientSettings::from_json(json!({"ipv4Only": "yes"})));
        assert!(text.contains("ipv4Only: invalid type"), "{text}");
    }

    #[test]
    fn wrong_types_and_numbers_name_the_setting() {
        let text = message(ClientSettings::from_json(json!({"merchantId": 5})));
        assert!(text.contains("merchantId: invalid type"), "{text}");
        for bad in [json!(-1), json!("NaN"), json!("Infinity"), json!(true), json!(1e300)] {
            let text = message(ClientSettings::from_json(json!({"timeout_ms": bad})));
            assert!(text.contains("timeout_ms must be a finite, non-negative number of milliseconds"), "{text}");
        }
        for bad in [json!(0.5), json!("3"), json!(true), json!(-1), json!(1e30), json!("1000000000000000000000")] {
            let text = message(ClientSettings::from_json(json!({"retry": {"maxAttempts": bad}})));
            assert!(text.contains("retry.maxAttempts must be between 1 and 10"), "{text}");
        }
        let text = message(VerifierSettings::from_json(json!({"max_body_bytes": 1.5})));
        assert!(text.contains("max_body_bytes must be a non-negative whole number"), "{text}");
    }

    #[test]
    fn the_core_checks_the_values_and_the_user_agent_names_the_binding() {
        let zero = ClientSettings::from_json(json!({"merchantId": "m", "retry": {"maxAttempts": 0}})).expect("read");
        let text = message(zero.builder(Binding::Node).and_then(ClientBuilder::build));
        assert!(text.contains("retry.max_attempts must be between 1 and 10"), "{text}");
        let env = ClientSettings::from_json(json!({"environment": "staging"})).expect("read");
        assert!(message(env.builder(Binding::Python)).contains("environment must be"));
        assert_eq!(Binding::Python.user_agent_tag(), format!("python/{}", env!("CARGO_PKG_VERSION")));
        assert_eq!(Binding::Node.user_agent_tag(), format!("node/{}", env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn verifier_settings_need_one_kind_of_key() {
        assert!(
            message(VerifierSettings::from_json(json!({})).and_then(VerifierSettings::verifier))
                .contains("at least one platform public key")
        );
        let both = VerifierSettings::from_json(json!({"platformPublicKey": "k", "platform_public_keys": ["k"]}));
        assert!(message(both.and_then(VerifierSettings::verifier)).contains("not both"));
        let bad = VerifierSettings::from_json(json!({"platformPublicKey": "not a key!"}));
        let error = bad.and_then(VerifierSettings::verifier).expect_err("bad key");
        assert!(matches!(error, Error::Config { key_error: Some(_), .. }), "{error}");
        assert!(format!("{:?}", VerifierSettings::default()).starts_with("VerifierSettings"));
        let secret = ClientSettings::from_json(json!({"merchantSecret": "s3cret", "privateKey": "k3y"})).expect("read");
        let shown = format!("{secret:?}");
        assert!(!shown.contains("s3cret") && !shown.contains("k3y"), "{shown}");
    }

    #[test]
    fn call_settings_take_a_timeout_in_either_case_and_nothing_else() {
        assert!(CallSettings::from_json(Value::Null).expect("none").timeout_ms.is_none());
        let camel = CallSettings::from_json(json!({"timeoutMs": 250})).expect("read");
        assert_eq!(camel.timeout_ms, Some(Duration::from_millis(250)));
        let snake = CallSettings::from_json(json!({"timeout_ms": 1.5})).expect("read");
        assert_eq!(snake.timeout_ms, Some(Duration::from_micros(1500)));
        assert!(message(CallSettings::from_json(json!({"timeout": 1}))).contains("unknown field `timeout`"));
        assert!(message(CallSettings::from_json(json!({"timeoutMs": -1}))).contains("timeoutMs must be a finite"));
    }
}
