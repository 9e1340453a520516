//! TLS to the PostgreSQL journal, on rustls (the SDK's own TLS stack, aws-lc). The URL's
//! `sslmode` decides as in libpq: `disable` never, `prefer` (the default) when the server
//! offers it, `require` always. The server's certificate is always checked: against the
//! CA file the URL's `sslrootcert` or the `PGSSLROOTCERT` variable names, as libpq reads
//! them, or else against the system's roots.

use crate::error::BatchError;
use rustls::ClientConfig;
use rustls::crypto::{CryptoProvider, aws_lc_rs};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The environment variable naming a PEM file of CA certificates (libpq's name).
pub(crate) const ROOT_CERT_VARIABLE: &str = "PGSSLROOTCERT";

/// The URL tokio-postgres reads (without `sslrootcert`) and its connector.
pub(super) fn connector(url: &str) -> Result<(String, MakeRustlsConnect), BatchError> {
    let (url, in_url) = without_root_cert(url);
    let from_env = std::env::var_os(ROOT_CERT_VARIABLE).map(std::path::PathBuf::from);
    let ca_file = in_url.or(from_env).filter(|p| !p.as_os_str().is_empty() && p.as_os_str() != "system");
    Ok((url, connector_with(ca_file.as_deref())?))
}

/// `url` without its `sslrootcert` query parameter, and that parameter. A URL that does
/// not parse is handed on unchanged, for tokio-postgres to say what is wrong with it.
fn without_root_cert(url: &str) -> (String, Option<std::path::PathBuf>) {
    let Ok(mut parsed) = url::Url::parse(url) else { return (url.to_owned(), None) };
    match crate::open::remove_query(&mut parsed, |key| key == "sslrootcert") {
        Some(path) => (parsed.to_string(), Some(std::path::PathBuf::from(path))),
        None => (url.to_owned(), None),
    }
}

/// The connector trusting the CAs in `ca_file`, or the system's when `None`.
fn connector_with(ca_file: Option<&std::path::Path>) -> Result<MakeRustlsConnect, BatchError> {
    let tls = |what: String| BatchError::Journal(format!("TLS to the PostgreSQL journal: {what}"));
    let provider: Arc<CryptoProvider> = Arc::new(aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| tls(e.to_string()))?;
    let config = match ca_file {
        Some(path) => {
            let shown = path.display();
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .map_err(|e| tls(format!("{ROOT_CERT_VARIABLE} {shown}: {e}")))?
                .collect::<Result<_, _>>()
                .map_err(|e| tls(format!("{ROOT_CERT_VARIABLE} {shown}: {e}")))?;
            let mut roots = rustls::RootCertStore::empty();
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(tls(format!("{ROOT_CERT_VARIABLE} {shown} holds no usable CA certificate")));
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        None => {
            let verifier = rustls_platform_verifier::Verifier::new(provider).map_err(|e| tls(e.to_string()))?;
            builder.dangerous().with_custom_certificate_verifier(Arc::new(verifier)).with_no_client_auth()
        }
    };
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslrootcert_is_taken_out_of_the_url_and_the_rest_kept() {
        let (url, ca) = without_root_cert("postgresql://u:p@db:5432/j?sslmode=require&sslrootcert=/etc/ca.pem");
        assert_eq!(url, "postgresql://u:p@db:5432/j?sslmode=require");
        assert_eq!(ca.as_deref(), Some(std::path::Path::new("/etc/ca.pem")));
        let (url, ca) = without_root_cert("postgresql://u@db/j?sslrootcert=ca.pem");
        assert_eq!((url.as_str(), ca.is_some()), ("postgresql://u@db/j", true));
        let plain = "postgresql://u@db/j?sslmode=disable";
        assert_eq!(without_root_cert(plain), (plain.to_owned(), None));
    }

    #[test]
    fn a_ca_file_without_certificates_is_a_clear_error() {
        let dir = std::env::temp_dir().join(format!("smilepayz-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap_or_default();
        let Err(e) = connector_with(Some(&empty)) else { panic!("an empty CA file was accepted") };
        assert!(e.to_string().contains("no usable CA certificate"), "{e}");
        let Err(e) = connector_with(Some(&dir.join("missing.pem"))) else { panic!("a missing CA file was accepted") };
        assert!(e.to_string().contains("missing.pem"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
