//! Settings from flags, else from the `SMILEPAYZ_*` variables the SDK's `from_env`
//! reads: the client is built by the core's `ClientBuilder::from_lookup`, so a variable
//! means the same here as in every library.

use crate::args::{Gateway, Merchant};
use crate::exit::Failure;
use smilepayz::{Client, ClientBuilder, PlatformKey, SigningKey};

pub(crate) const MERCHANT_ID: &str = "SMILEPAYZ_MERCHANT_ID";
pub(crate) const MERCHANT_SECRET: &str = "SMILEPAYZ_MERCHANT_SECRET";
pub(crate) const PRIVATE_KEY: &str = "SMILEPAYZ_PRIVATE_KEY";
const ENVIRONMENT: &str = "SMILEPAYZ_ENVIRONMENT";
const BASE_URL: &str = "SMILEPAYZ_BASE_URL";
const PLATFORM_PUBLIC_KEY: &str = "SMILEPAYZ_PLATFORM_PUBLIC_KEY";

/// Values given by flags (files already read), by variable name.
#[derive(Default)]
pub(crate) struct Settings {
    given: Vec<(&'static str, String)>,
}

impl Settings {
    fn put(&mut self, name: &'static str, value: Option<String>) {
        if let Some(v) = value {
            self.given.push((name, v));
        }
    }

    /// The merchant's flags.
    pub(crate) fn merchant(m: &Merchant) -> Result<Self, Failure> {
        let mut s = Settings::default();
        s.put(MERCHANT_ID, m.merchant_id.clone());
        s.put(
            MERCHANT_SECRET,
            m.merchant_secret_file.as_deref().map(|p| secret_file("--merchant-secret-file", p)).transpose()?,
        );
        s.put(PRIVATE_KEY, m.private_key_file.as_deref().map(|p| secret_file("--private-key-file", p)).transpose()?);
        Ok(s)
    }

    /// The merchant's and the gateway's flags.
    pub(crate) fn gateway(g: &Gateway) -> Result<Self, Failure> {
        let mut s = Settings::merchant(&g.merchant)?;
        s.put(ENVIRONMENT, g.environment.clone());
        s.put(BASE_URL, g.base_url.clone());
        Ok(s)
    }

    /// The flag's value, else the variable's; blank counts as unset, as in `from_env`.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        let flag = self.given.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        flag.or_else(|| std::env::var(name).ok()).filter(|v| !v.trim().is_empty())
    }

    /// The value, or a configuration error naming the flag and the variable.
    pub(crate) fn require(&self, name: &str, flag: &str) -> Result<String, Failure> {
        self.get(name).ok_or_else(|| Failure::config(format!("{flag} or {name} is required")))
    }

    /// The merchant key, loaded (a file that is not a key is a configuration error).
    pub(crate) fn merchant_key(&self) -> Result<SigningKey, Failure> {
        let text = self.require(PRIVATE_KEY, "--private-key-file")?;
        SigningKey::from_text(&text).map_err(|e| Failure::config(format!("merchant private key: {e}")))
    }

    /// A client, built by the core from these settings.
    pub(crate) fn client(&self, g: &Gateway) -> Result<Client, Failure> {
        let builder = ClientBuilder::from_lookup(|name| self.get(name))?;
        let builder = if g.order_not_found_codes.is_empty() {
            builder
        } else {
            builder.order_not_found_codes(g.order_not_found_codes.iter().cloned())
        };
        let builder = match g.timeout {
            Some(seconds) => builder.timeout(std::time::Duration::from_secs(seconds)),
            None => builder,
        };
        Ok(builder.user_agent_suffix("smilepayz-cli").build()?)
    }
}

/// The platform public key from a file, else `SMILEPAYZ_PLATFORM_PUBLIC_KEY`.
pub(crate) fn platform_key(file: Option<&std::path::Path>) -> Result<PlatformKey, Failure> {
    let text = match file {
        Some(path) => secret_file("--platform-public-key-file", path)?,
        None => std::env::var(PLATFORM_PUBLIC_KEY)
            .map_err(|_| Failure::config(format!("--platform-public-key-file or {PLATFORM_PUBLIC_KEY} is required")))?,
    };
    PlatformKey::from_text(&text).map_err(|e| Failure::config(format!("platform public key: {e}")))
}

/// A credential file's text; an unreadable one is a configuration error (never echoed).
pub(crate) fn secret_file(flag: &str, path: &std::path::Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map(|t| t.trim_end_matches(['\r', '\n']).to_owned())
        .map_err(|e| Failure::config(format!("{flag} {}: {e}", path.display())))
}
