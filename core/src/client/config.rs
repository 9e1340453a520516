//! Building a client: credentials, environment or base URL, timeouts, retries, network
//! and events. Every setting is checked here, so a bad key fails at build time, not at
//! the first pay-out.

use super::Client;
use super::network::{Network, ProxySetting};
use crate::error::Error;
use crate::events::{Emitter, EventListener};
use crate::secret::Secret;
use crate::signing::{MerchantKey, PlatformKey};
use crate::transport::{Clock, MAX_RETRY_ATTEMPTS, RetryPolicy, Transport, system_clock};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use time::UtcOffset;

/// The Smilepayz environments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    /// `https://sandbox-gateway.smilepayz.com`
    Sandbox,
    /// `https://gateway.smilepayz.com`
    Production,
}

impl Environment {
    /// The environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => "https://sandbox-gateway.smilepayz.com",
            Environment::Production => "https://gateway.smilepayz.com",
        }
    }

    /// Parses `sandbox` or `production` (any case).
    pub fn parse(text: &str) -> Result<Self, Error> {
        match text.trim().to_ascii_lowercase().as_str() {
            "sandbox" => Ok(Environment::Sandbox),
            "production" => Ok(Environment::Production),
            _ => Err(Error::config(format!("environment must be `sandbox` or `production`, got {text:?}"))),
        }
    }
}

/// Settings for a [`Client`]; `build` checks them all.
#[derive(Clone, Default)]
pub struct ClientBuilder {
    merchant_id: Option<String>,
    merchant_secret: Option<Secret>,
    private_key: Option<Secret>,
    environment: Option<Environment>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent_suffix: Option<String>,
    order_not_found_codes: Vec<String>,
    clock: Option<Clock>,
    timestamp_offset: Option<UtcOffset>,
    network: Network,
    listener: Option<EventListener>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("merchant_id", &self.merchant_id)
            .field("merchant_secret", &self.merchant_secret)
            .field("private_key", &self.private_key)
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("network", &self.network)
            .finish_non_exhaustive()
    }
}

/// Connect timeout unless set.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Whole-request timeout unless set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl ClientBuilder {
    /// The merchant id (`X-PARTNER-ID`, and `merchant.merchantId` in pay-outs).
    pub fn merchant_id(mut self, id: impl Into<String>) -> Self {
        self.merchant_id = Some(id.into());
        self
    }

    /// The merchant secret that every signature covers.
    pub fn merchant_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.merchant_secret = Some(secret.into());
        self
    }

    /// The merchant RSA private key: PEM or bare base64 DER, PKCS#8 or PKCS#1.
    pub fn private_key(mut self, key: impl Into<Secret>) -> Self {
        self.private_key = Some(key.into());
        self
    }

    /// Sandbox or production.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Any base URL, e.g. the mock gateway's; takes precedence over the environment.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one whole request may take (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries for safe requests (default: 3 attempts, 100 ms doubling to 2 s).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Appended to the `User-Agent`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Gateway codes that mean "no such order" for a status inquiry. No public table
    /// exists: until set, `reconcile_payout` never concludes that an order is absent.
    pub fn order_not_found_codes<I, S>(mut self, codes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.order_not_found_codes = codes.into_iter().map(Into::into).collect();
        self
    }

    /// Reads the time from `clock` (tests).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The zone offset written in `X-TIMESTAMP` (default UTC, `+00:00`).
    pub fn timestamp_offset(mut self, offset: UtcOffset) -> Self {
        self.timestamp_offset = Some(offset);
        self
    }

    /// Sends every request through `url`, an `http://` or `https://` proxy (user info
    /// allowed, and kept secret). Without this, no proxy is used.
    pub fn proxy(mut self, url: impl Into<Secret>) -> Self {
        self.network.proxy = ProxySetting::Url(url.into());
        self
    }

    /// Which proxy to use, including [`ProxySetting::FromEnvironment`] to honour
    /// `HTTPS_PROXY` and friends, which are ignored by default.
    pub fn proxy_setting(mut self, setting: ProxySetting) -> Self {
        self.network.proxy = setting;
        self
    }

    /// Connects from this local address (the one Smilepayz allow-lists). An IPv4
    /// address also makes the client IPv4-only.
    pub fn local_address(mut self, address: IpAddr) -> Self {
        self.network.local_address = Some(address);
        self
    }

    /// Connects over IPv4 only (host names resolve to their IPv4 addresses).
    pub fn ipv4_only(mut self, ipv4_only: bool) -> Self {
        self.network.ipv4_only = ipv4_only;
        self
    }

    /// Trusts the certificate authorities in `pem` (one or more PEM certificates) in
    /// addition to the system's, e.g. a corporate TLS-inspecting proxy's.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<String>) -> Self {
        self.network.extra_root_certificates.push(pem.into());
        self
    }

    /// Calls `listener` with every [`Event`](crate::events::Event) of this client's calls.
    pub fn on_event(mut self, listener: EventListener) -> Self {
        self.listener = Some(listener);
        self
    }

    /// Settings from `SMILEPAYZ_MERCHANT_ID`, `SMILEPAYZ_MERCHANT_SECRET`,
    /// `SMILEPAYZ_PRIVATE_KEY`, `SMILEPAYZ_ENVIRONMENT` and `SMILEPAYZ_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let mut b = ClientBuilder::default();
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = get("SMILEPAYZ_MERCHANT_ID") {
            b = b.merchant_id(v);
        }
        if let Some(v) = get("SMILEPAYZ_MERCHANT_SECRET") {
            b = b.merchant_secret(v);
        }
        if let Some(v) = get("SMILEPAYZ_PRIVATE_KEY") {
            b = b.private_key(v);
        }
        if let Some(v) = get("SMILEPAYZ_ENVIRONMENT") {
            b = b.environment(Environment::parse(&v)?);
        }
        if let Some(v) = get("SMILEPAYZ_BASE_URL") {
            b = b.base_url(v);
        }
        Ok(b)
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let mut problems = Vec::new();
        let merchant_id = match self.merchant_id.as_deref().map(str::trim) {
            None | Some("") => {
                problems.push("merchant_id is missing".to_owned());
                String::new()
            }
            Some(id) if !id.chars().all(|c| c.is_ascii_graphic()) => {
                problems.push("merchant_id must be printable ASCII without spaces".to_owned());
                String::new()
            }
            Some(id) => id.to_owned(),
        };
        let secret = match &self.merchant_secret {
            // A NUL, newline or tab is a copy-paste accident; the gateway would never match.
            Some(s) if s.expose().chars().any(char::is_control) => {
                problems.push("merchant_secret must not contain control characters (NUL, newline, tab…)".to_owned());
                None
            }
            Some(s) if !s.expose().is_empty() => Some(s.clone()),
            _ => {
                problems.push("merchant_secret is missing".to_owned());
                None
            }
        };
        let mut key_error = None;
        let key = match &self.private_key {
            None => {
                problems.push("private_key is missing".to_owned());
                None
            }
            Some(text) => match MerchantKey::from_text(text.expose()) {
                Ok(k) => Some(k),
                Err(e) => {
                    problems.push(format!("private_key: {e}"));
                    key_error = Some(e);
                    None
                }
            },
        };
        let base_url = match (&self.base_url, self.environment) {
            (Some(url), _) => check_base_url(url).unwrap_or_else(|e| {
                problems.push(e);
                String::new()
            }),
            (None, Some(env)) => env.base_url().to_owned(),
            (None, None) => {
                problems.push("set environment (sandbox or production) or base_url".to_owned());
                String::new()
            }
        };
        if let Some(r) = &self.retry
            && !(1..=MAX_RETRY_ATTEMPTS).contains(&r.max_attempts)
        {
            problems.push(format!("retry.max_attempts must be between 1 and {MAX_RETRY_ATTEMPTS}"));
        }
        for (name, t) in [("connect_timeout", self.connect_timeout), ("timeout", self.timeout)] {
            if t.is_some_and(|t| t.is_zero()) {
                problems.push(format!("{name} must be longer than zero"));
            }
        }
        let user_agent = match &self.user_agent_suffix {
            Some(s) => format!("smilepayz-rust/{} {s}", env!("CARGO_PKG_VERSION")),
            None => format!("smilepayz-rust/{}", env!("CARGO_PKG_VERSION")),
        };
        let http = self.network.apply(
            money_safe_http(
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    .user_agent(user_agent),
            ),
            &mut problems,
        );
        let (Some(secret), Some(key), true) = (secret, key, problems.is_empty()) else {
            return Err(Error::Config { message: problems.join("; "), key_error });
        };
        // reqwest's own message can quote settings (a proxy URL): it is not passed on.
        let http = http.build().map_err(|_| Error::config("the HTTP client could not be built from these settings"))?;
        let transport = Transport {
            http,
            base_url,
            merchant_id,
            secret,
            key,
            clock: self.clock.unwrap_or_else(system_clock),
            offset: self.timestamp_offset.unwrap_or(UtcOffset::UTC),
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
        };
        Ok(Client {
            inner: Arc::new(super::Inner {
                transport: Arc::new(transport),
                retry: self.retry.unwrap_or_default(),
                order_not_found_codes: self.order_not_found_codes,
                events: Emitter::new(self.listener),
                call_timeout: None,
                cancel: None,
            }),
        })
    }
}

/// How long a pooled connection may stay idle before the client closes it: shorter than
/// the shortest keep-alive common servers use (Node 5 s, Tomcat 20 s, nginx 75 s), so the
/// client never writes a pay-out onto a connection the gateway is closing at that moment
/// (the keep-alive race, which turns a pay-out into an unknown outcome).
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);

/// Sets, explicitly, every HTTP behaviour the money path relies on, so that no library
/// default can send a pay-out twice.
fn money_safe_http(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
        // A 307/308 re-posts the signed pay-out, possibly to another host or over plain
        // http, and a failed connection to its Location looks like "not sent". A 3xx is
        // handed to the client, which reports a pay-out's as an unknown outcome.
        .redirect(reqwest::redirect::Policy::none())
        // reqwest retries "protocol NACKs" by default; only `RetryPolicy` decides what is
        // sent again. (hyper itself re-dispatches only a request it never wrote, on a
        // pooled connection found closed: by construction nothing of it was sent.)
        .retry(reqwest::retry::never())
        // One request per connection at a time, so a broken connection concerns exactly
        // one request; no HTTP/2 stream retries. TLS offers only `http/1.1` (ALPN).
        // TLS early data (0-RTT, replayable by an attacker) stays off: reqwest enables it
        // only for HTTP/3, which this crate does not build, and rustls' default is off.
        .http1_only()
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
    // Proxies: `Network::apply` decides, and by default uses none, ignoring HTTP_PROXY and
    // friends: a proxy nobody chose for this client would see every signed request.
}

/// Hosts plain `http://` is allowed for: the loopback interface, where the mock gateway
/// and local test servers live. Anything else could be read and answered by a man in the
/// middle, who could then forge the inquiry answers that confirm callbacks.
fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

fn check_base_url(url: &str) -> Result<String, String> {
    // The URL parser drops tabs and newlines and trims spaces; refuse them instead, so the
    // URL checked is the URL used.
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("base_url must not contain whitespace or control characters".to_owned());
    }
    // A URL with user info may hold a credential: it is never echoed.
    let shown = if url.contains('@') { "(with user info, not shown)".to_owned() } else { format!("{url:?}") };
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("base_url {shown} is not a URL ({e})"))?;
    let Some(host) = parsed.host() else {
        return Err(format!("base_url {url:?} must be an https URL with a host"));
    };
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(format!(
                "base_url {url:?}: plain http is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https"
            ));
        }
        _ => return Err(format!("base_url {url:?} must be an https URL with a host")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // Never echo the URL here: the user info may be a credential.
        return Err("base_url must not contain a user name or password".to_owned());
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!("base_url {url:?} must not have a query or fragment"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// Reads the platform public key from `SMILEPAYZ_PLATFORM_PUBLIC_KEY`.
pub fn platform_key_from_env() -> Result<PlatformKey, Error> {
    let text = std::env::var("SMILEPAYZ_PLATFORM_PUBLIC_KEY")
        .map_err(|_| Error::config("SMILEPAYZ_PLATFORM_PUBLIC_KEY is not set"))?;
    PlatformKey::from_text(&text).map_err(|e| Error::key("platform public key", e))
}
