//! TLS to the PostgreSQL journal, on rustls (the SDK's own TLS stack, aws-lc). The URL's
//! `sslmode` decides as in libpq: `disable` never, `prefer` (the default) when the server
//! offers it, `require` always. The server's certificate is always checked: against the
//! CA file the URL's `sslrootcert` or the `PGSSLROOTCERT` variable names, as libpq reads
//! them, or else against the system's roots. A client certificate (for a server that
//! authenticates by certificate: `cert` in pg_hba.conf) comes from the files `sslcert`
//! and `sslkey` (or `PGSSLCERT` and `PGSSLKEY`) name; the key file is refused, as libpq
//! refuses it, when group or others may read it.

use crate::error::BatchError;
use rustls::ClientConfig;
use rustls::crypto::{CryptoProvider, aws_lc_rs};
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The URL parameters naming TLS files, with libpq's environment variable for each (a
/// parameter in the URL wins over its variable). tokio-postgres does not know them.
const ROOT_CERT: (&str, &str) = ("sslrootcert", "PGSSLROOTCERT");
const CERT: (&str, &str) = ("sslcert", "PGSSLCERT");
const KEY: (&str, &str) = ("sslkey", "PGSSLKEY");

/// A file the URL or a variable names, with where it was named (for errors).
#[derive(Debug, PartialEq)]
struct Named {
    path: PathBuf,
    by: &'static str,
}

/// The TLS files a journal URL names, directly or through libpq's variables.
#[derive(Debug, Default, PartialEq)]
struct Files {
    /// `None`: the system's roots (libpq's `sslrootcert=system` means the same).
    root_cert: Option<Named>,
    /// The client certificate chain and its private key; both or neither.
    identity: Option<(Named, Named)>,
}

fn tls(what: String) -> BatchError {
    BatchError::Journal(format!("TLS to the PostgreSQL journal: {what}"))
}

/// The URL tokio-postgres reads (without the TLS file parameters) and its connector.
pub(super) fn connector(url: &str) -> Result<(String, MakeRustlsConnect), BatchError> {
    let (url, files) = tls_files(url, |variable| std::env::var_os(variable))?;
    Ok((url, connector_with(&files)?))
}

/// `url` without its `sslrootcert`, `sslcert` and `sslkey` parameters, and the files
/// they (or else `env`'s variables) name. A URL that does not parse is handed on
/// unchanged, for tokio-postgres to say what is wrong with it.
fn tls_files(url: &str, env: impl Fn(&str) -> Option<OsString>) -> Result<(String, Files), BatchError> {
    let mut stripped = url.to_owned();
    let mut taken: Vec<(&str, Option<String>)> = Vec::new();
    if let Ok(mut parsed) = url::Url::parse(url) {
        for (parameter, _) in [ROOT_CERT, CERT, KEY] {
            taken.push((parameter, crate::open::remove_query(&mut parsed, |key| key == parameter)));
        }
        if taken.iter().any(|(_, v)| v.is_some()) {
            stripped = parsed.to_string();
        }
    }
    // An empty value names nothing, as in libpq.
    let named = |(parameter, variable): (&'static str, &'static str)| -> Option<Named> {
        let from_url = taken.iter().find(|(p, _)| *p == parameter).and_then(|(_, v)| v.clone());
        let (path, by) = match from_url {
            Some(v) => (PathBuf::from(v), parameter),
            None => (PathBuf::from(env(variable)?), variable),
        };
        (!path.as_os_str().is_empty()).then_some(Named { path, by })
    };
    let root_cert = named(ROOT_CERT).filter(|n| n.path.as_os_str() != "system");
    let identity = match (named(CERT), named(KEY)) {
        (None, None) => None,
        (Some(cert), Some(key)) => Some((cert, key)),
        (Some(cert), None) => {
            return Err(tls(format!(
                "{} {} names a client certificate but neither sslkey nor PGSSLKEY names its private key",
                cert.by,
                cert.path.display()
            )));
        }
        (None, Some(key)) => {
            return Err(tls(format!(
                "{} {} names a private key but neither sslcert nor PGSSLCERT names its certificate",
                key.by,
                key.path.display()
            )));
        }
    };
    Ok((stripped, Files { root_cert, identity }))
}

/// The certificates of a PEM file (a CA bundle, or a client certificate and its chain).
fn certificates(file: &Named) -> Result<Vec<CertificateDer<'static>>, BatchError> {
    let shown = format!("{} {}", file.by, file.path.display());
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&file.path)
        .map_err(|e| tls(format!("{shown}: {e}")))?
        .collect::<Result<_, _>>()
        .map_err(|e| tls(format!("{shown}: {e}")))?;
    if certs.is_empty() {
        return Err(tls(format!("{shown} holds no PEM certificate")));
    }
    Ok(certs)
}

/// The private key of a PEM file (PKCS#8, PKCS#1 or SEC1). No error quotes the file:
/// what the PEM parser would quote may be key material.
fn private_key(file: &Named) -> Result<PrivateKeyDer<'static>, BatchError> {
    let shown = format!("{} {}", file.by, file.path.display());
    refuse_open_key(&file.path, &shown)?;
    let pem = std::fs::read(&file.path).map_err(|e| tls(format!("{shown}: cannot read the private key: {e}")))?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| match e {
        pem::Error::NoItemsFound if is_encrypted(&pem) => {
            tls(format!("{shown} holds an encrypted private key; give it unencrypted (mode 0600)"))
        }
        pem::Error::NoItemsFound => tls(format!("{shown} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)")),
        _ => tls(format!("{shown} is not a well-formed PEM private key")),
    })
}

/// A passphrase-protected key (PKCS#8 or the old OpenSSL header), which libpq would ask
/// `sslpassword` for.
fn is_encrypted(pem: &[u8]) -> bool {
    let text = String::from_utf8_lossy(pem);
    text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")
}

/// libpq's rule for a private key file: a regular file that group and others cannot
/// read, except that a key owned by root may be group-readable (mode 0640: keys the
/// system manages, readable by a group the service is in).
#[cfg(unix)]
fn refuse_open_key(path: &Path, shown: &str) -> Result<(), BatchError> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).map_err(|e| tls(format!("{shown}: cannot read the private key: {e}")))?;
    if !meta.is_file() {
        return Err(tls(format!("{shown}: the private key file is not a regular file")));
    }
    let too_open = if meta.uid() == 0 { 0o037 } else { 0o077 };
    if meta.mode() & too_open != 0 {
        return Err(tls(format!(
            "{shown}: private key file has group or world access (mode {:04o}); it must have \
             permissions u=rw (0600) or less if owned by the current user, or u=rw,g=r (0640) or \
             less if owned by root",
            meta.mode() & 0o7777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_open_key(_path: &Path, _shown: &str) -> Result<(), BatchError> {
    // As libpq: no mode bits to check.
    Ok(())
}

/// The connector trusting the CAs of `files.root_cert` (or the system's), presenting
/// the client certificate of `files.identity` when the server asks for one.
fn connector_with(files: &Files) -> Result<MakeRustlsConnect, BatchError> {
    let provider: Arc<CryptoProvider> = Arc::new(aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| tls(e.to_string()))?;
    let builder = match &files.root_cert {
        Some(ca_file) => {
            let mut roots = rustls::RootCertStore::empty();
            let (added, _) = roots.add_parsable_certificates(certificates(ca_file)?);
            if added == 0 {
                return Err(tls(format!("{} {} holds no usable CA certificate", ca_file.by, ca_file.path.display())));
            }
            builder.with_root_certificates(roots)
        }
        None => {
            let verifier = rustls_platform_verifier::Verifier::new(provider).map_err(|e| tls(e.to_string()))?;
            builder.dangerous().with_custom_certificate_verifier(Arc::new(verifier))
        }
    };
    let config = match &files.identity {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let chain = certificates(cert)?;
            builder.with_client_auth_cert(chain, private_key(key)?).map_err(|e| {
                let pair = format!("{} {} and {} {}", cert.by, cert.path.display(), key.by, key.path.display());
                match e {
                    rustls::Error::InconsistentKeys(_) => {
                        tls(format!("{pair}: the certificate does not match the private key"))
                    }
                    other => tls(format!("{pair}: {other}")),
                }
            })?
        }
    };
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<OsString> {
        None
    }

    fn named(path: &str, by: &'static str) -> Named {
        Named { path: PathBuf::from(path), by }
    }

    #[test]
    fn the_tls_files_are_taken_out_of_the_url_and_the_rest_kept() {
        let (url, files) =
            tls_files("postgresql://u:p@db:5432/j?sslmode=require&sslrootcert=/etc/ca.pem", no_env).unwrap();
        assert_eq!(url, "postgresql://u:p@db:5432/j?sslmode=require");
        assert_eq!(files.root_cert, Some(named("/etc/ca.pem", "sslrootcert")));
        let (url, files) =
            tls_files("postgresql://u@db/j?sslcert=c.pem&sslmode=require&sslkey=k%20key.pem", no_env).unwrap();
        assert_eq!(url, "postgresql://u@db/j?sslmode=require");
        assert_eq!(files.identity, Some((named("c.pem", "sslcert"), named("k key.pem", "sslkey"))));
        let plain = "postgresql://u@db/j?sslmode=disable";
        assert_eq!(tls_files(plain, no_env).unwrap(), (plain.to_owned(), Files::default()));
        let (_, system) = tls_files("postgresql://u@db/j?sslrootcert=system", no_env).unwrap();
        assert_eq!(system.root_cert, None);
    }

    #[test]
    fn libpq_variables_name_the_files_the_url_does_not() {
        let env = |v: &str| match v {
            "PGSSLCERT" => Some(OsString::from("/env/client.pem")),
            "PGSSLKEY" => Some(OsString::from("/env/client.key")),
            "PGSSLROOTCERT" => Some(OsString::from("")),
            _ => None,
        };
        let (_, from_env) = tls_files("postgresql://u@db/j", env).unwrap();
        assert_eq!(
            from_env.identity,
            Some((named("/env/client.pem", "PGSSLCERT"), named("/env/client.key", "PGSSLKEY")))
        );
        assert_eq!(from_env.root_cert, None, "an empty PGSSLROOTCERT names nothing");
        let (_, mixed) = tls_files("postgresql://u@db/j?sslcert=/url/c.pem", env).unwrap();
        assert_eq!(mixed.identity, Some((named("/url/c.pem", "sslcert"), named("/env/client.key", "PGSSLKEY"))));
    }

    #[test]
    fn a_certificate_without_its_key_or_a_key_without_its_certificate_is_refused() {
        let Err(e) = tls_files("postgresql://u@db/j?sslcert=/c.pem", no_env) else { panic!("a certificate alone") };
        assert!(e.to_string().contains("sslcert /c.pem names a client certificate but neither sslkey"), "{e}");
        let key_only = |v: &str| (v == "PGSSLKEY").then(|| OsString::from("/k.pem"));
        let Err(e) = tls_files("postgresql://u@db/j", key_only) else { panic!("a key alone") };
        assert!(e.to_string().contains("PGSSLKEY /k.pem names a private key but neither sslcert"), "{e}");
    }

    /// A file in a fresh directory of the test's own, with `mode`.
    fn scratch(name: &str, text: &str, mode: u32) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
        (dir, path)
    }

    #[test]
    fn a_ca_file_without_certificates_is_a_clear_error() {
        let (dir, empty) = scratch("empty.pem", "not a certificate\n", 0o644);
        let ca = |path: PathBuf| Files { root_cert: Some(Named { path, by: "sslrootcert" }), identity: None };
        let Err(e) = connector_with(&ca(empty)) else { panic!("an empty CA file was accepted") };
        assert!(e.to_string().contains("holds no PEM certificate"), "{e}");
        let Err(e) = connector_with(&ca(dir.path().join("missing.pem"))) else {
            panic!("a missing CA file was accepted")
        };
        assert!(e.to_string().contains("sslrootcert") && e.to_string().contains("missing.pem"), "{e}");
    }

    // The body of a PKCS#8 key, only for the checks below: none of it may reach an error.
    const KEY_BODY: &str = "MC4CAQAwBQYDK2VwBCIEIJ7lq3Tb8x8yq1fE0y0S4Qy1n2sGXBa0ZJ4gkcS4mT2w";

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_may_read_is_refused_as_libpq_refuses_it() {
        let key = format!("-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----\n");
        let (_dir, path) = scratch("client.key", &key, 0o644);
        let Err(e) = private_key(&Named { path, by: "sslkey" }) else { panic!("a 0644 key was accepted") };
        let text = e.to_string();
        assert!(text.contains("private key file has group or world access (mode 0644)"), "{text}");
        assert!(!text.contains(&KEY_BODY[..16]), "key material in {text}");
        let (_dir, path) = scratch("client.key", &key, 0o600);
        assert!(private_key(&Named { path, by: "sslkey" }).is_ok(), "a 0600 key was refused");
    }

    #[test]
    fn a_key_file_that_is_missing_encrypted_or_not_a_key_is_a_clear_error() {
        let Err(e) = private_key(&named("/nonexistent/client.key", "PGSSLKEY")) else { panic!("a missing key") };
        assert!(e.to_string().contains("PGSSLKEY /nonexistent/client.key: cannot read the private key"), "{e}");
        let encrypted =
            format!("-----BEGIN ENCRYPTED PRIVATE KEY-----\n{KEY_BODY}\n-----END ENCRYPTED PRIVATE KEY-----\n");
        let (_dir, path) = scratch("client.key", &encrypted, 0o600);
        let Err(e) = private_key(&Named { path, by: "sslkey" }) else { panic!("an encrypted key") };
        assert!(e.to_string().contains("holds an encrypted private key"), "{e}");
        let broken = format!("-----BEGIN PRIVATE KEY-----\n{KEY_BODY}!\n");
        let (_dir, path) = scratch("client.key", &broken, 0o600);
        let Err(e) = private_key(&Named { path, by: "sslkey" }) else { panic!("a broken key") };
        assert!(e.to_string().contains("is not a well-formed PEM private key"), "{e}");
        assert!(!e.to_string().contains(&KEY_BODY[..16]), "key material in {e}");
    }
}
