//! How requests reach the gateway: which proxy (none unless chosen), which local address
//! and IP family (Smilepayz allow-lists merchant IPs, often IPv4 only), which extra CA
//! certificates to trust. Every setting is checked when the client is built.

use crate::secret::Secret;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};

/// Which proxy requests go through.
#[derive(Clone, Debug, Default)]
pub enum ProxySetting {
    /// Straight to the gateway, whatever `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` say (the
    /// default: a proxy nobody chose for this client would see every signed request).
    #[default]
    None,
    /// The proxy the environment variables name (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, honouring `NO_PROXY`), as most HTTP tools do.
    FromEnvironment,
    /// This `http://` or `https://` proxy URL for every request. It may carry
    /// `user:password@`, which is then a secret: never shown in errors or `Debug`.
    Url(Secret),
}

/// The network settings of a client.
#[derive(Clone, Debug, Default)]
pub(crate) struct Network {
    pub(crate) proxy: ProxySetting,
    pub(crate) local_address: Option<IpAddr>,
    pub(crate) ipv4_only: bool,
    pub(crate) extra_root_certificates: Vec<String>,
}

impl Network {
    /// Applies the settings; each problem is described without echoing a credential.
    pub(crate) fn apply(
        &self,
        mut builder: reqwest::ClientBuilder,
        problems: &mut Vec<String>,
    ) -> reqwest::ClientBuilder {
        builder = match &self.proxy {
            ProxySetting::None => builder.no_proxy(),
            ProxySetting::FromEnvironment => builder,
            ProxySetting::Url(url) => match proxy(url.expose()) {
                Ok(p) => builder.proxy(p),
                Err(problem) => {
                    problems.push(problem);
                    builder.no_proxy()
                }
            },
        };
        if let Some(ip) = self.local_address {
            if self.ipv4_only && ip.is_ipv6() {
                problems.push(format!("local_address {ip} is IPv6 but ipv4_only is set"));
            }
            builder = builder.local_address(ip);
        }
        if self.ipv4_only || self.local_address.is_some_and(|ip| ip.is_ipv4()) {
            // Bound to an IPv4 address, an IPv6 destination could not be reached anyway.
            builder = builder.dns_resolver(Ipv4Only);
        }
        for (i, pem) in self.extra_root_certificates.iter().enumerate() {
            match reqwest::Certificate::from_pem_bundle(pem.as_bytes()) {
                Ok(certs) if !certs.is_empty() => builder = builder.tls_certs_merge(certs),
                Ok(_) => problems.push(format!("extra CA certificate #{}: no certificate in the PEM text", i + 1)),
                Err(e) => problems.push(format!("extra CA certificate #{}: not PEM certificates ({e})", i + 1)),
            }
        }
        builder
    }
}

fn proxy(url: &str) -> Result<reqwest::Proxy, String> {
    let shown = if url.contains('@') { "(with user info, not shown)".to_owned() } else { format!("{url:?}") };
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("proxy {shown} is not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(format!("proxy {shown} must be an http:// or https:// URL with a host"));
    }
    // Proxy errors from reqwest can quote the URL: its user info must not leak that way.
    reqwest::Proxy::all(parsed).map_err(|_| format!("proxy {shown} is not usable"))
}

/// Resolves host names to their IPv4 addresses only.
struct Ipv4Only;

impl Resolve for Ipv4Only {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let v4: Vec<SocketAddr> = found.into_iter().filter(SocketAddr::is_ipv4).collect();
            if v4.is_empty() {
                return Err(format!("{host} has no IPv4 address (the client is IPv4-only)").into());
            }
            let addrs: Addrs = Box::new(v4.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_url_with_a_password_is_never_echoed() {
        let err = proxy("ftp://user:hunter2@proxy.example:21").expect_err("not http");
        assert!(!err.contains("hunter2"), "{err}");
        let err = proxy("http://user:hunter2@").expect_err("no host");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(proxy("http://user:hunter2@proxy.example:3128").is_ok());
        assert!(proxy("https://proxy.example").is_ok());
    }

    #[tokio::test]
    async fn ipv4_only_resolution_keeps_ipv4_addresses() {
        let name: Name = "localhost".parse().expect("a name");
        let addrs: Vec<SocketAddr> = Ipv4Only.resolve(name).await.expect("localhost resolves").collect();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(SocketAddr::is_ipv4), "{addrs:?}");
    }
}
