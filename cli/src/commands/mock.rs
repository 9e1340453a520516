//! `smilepayz mock`: the testkit's `MockGateway` (the one the libraries use) with its
//! admin API on, serving until SIGINT/SIGTERM. Its settings go to stdout once, as one
//! JSON line or as `SMILEPAYZ_*=…` lines; they are generated test credentials, the only
//! secrets this tool prints.

use crate::args::MockArgs;
use crate::exit::{Exit, Failure};
use crate::output::Output;
use crate::settings::secret_file;
use crate::signals::Signals;
use serde_json::json;
use smilepayz::SigningKey;
use smilepayz_testkit::{MockConfig, MockError, MockGateway, codes};
use std::path::Path;

pub(crate) async fn run(args: &MockArgs, out: &mut Output<'_>, signals: &mut Signals) -> Result<(), Failure> {
    let mut config = MockConfig { port: args.port, admin_api: true, ..MockConfig::default() };
    if let Some(id) = &args.merchant_id {
        config.merchant_id = id.clone();
    }
    if let Some(path) = &args.merchant_secret_file {
        config.merchant_secret = secret_file("--merchant-secret-file", path)?;
    }
    config.merchant_key = key_file("--merchant-private-key-file", args.merchant_private_key_file.as_deref())?;
    config.platform_key = key_file("--platform-private-key-file", args.platform_private_key_file.as_deref())?;
    let gateway = MockGateway::start_with(config).await.map_err(|e| match e {
        MockError::Config(m) => Failure::config(m),
        other => Failure::new(Exit::Failure, "mock", other.to_string()),
    })?;
    let pem = gateway.merchant_private_key_pem();
    if args.env {
        // One line per value: the key as bare base64 PKCS#8 DER, which the SDK reads too.
        let der: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for (name, value) in [
            ("SMILEPAYZ_BASE_URL", gateway.base_url()),
            ("SMILEPAYZ_MERCHANT_ID", gateway.merchant_id().to_owned()),
            ("SMILEPAYZ_MERCHANT_SECRET", gateway.merchant_secret().to_owned()),
            ("SMILEPAYZ_PRIVATE_KEY", der),
            ("SMILEPAYZ_PLATFORM_PUBLIC_KEY", gateway.platform_public_key_base64()),
        ] {
            out.line(&format!("{name}={value}"));
        }
    } else {
        out.line(
            &json!({
                "base_url": gateway.base_url(),
                "merchant_id": gateway.merchant_id(),
                "merchant_secret": gateway.merchant_secret(),
                "merchant_private_key": pem,
                "platform_public_key": gateway.platform_public_key_base64(),
                "order_not_found_code": codes::ORDER_NOT_FOUND,
                "admin_url": format!("{}/_mock/", gateway.base_url()),
            })
            .to_string(),
        );
    }
    out.note(&format!("mock gateway listening on {}; stop it with Ctrl-C or SIGTERM", gateway.base_url()));
    signals.received().await;
    gateway.shutdown().await;
    out.note("mock gateway stopped");
    Ok(())
}

/// A fixed key for the mock; a file that is not a private key is a configuration error
/// (its text never echoed).
fn key_file(flag: &str, path: Option<&Path>) -> Result<Option<SigningKey>, Failure> {
    let Some(path) = path else { return Ok(None) };
    let text = zeroize::Zeroizing::new(secret_file(flag, path)?);
    SigningKey::from_text(&text)
        .map(Some)
        .map_err(|e| Failure::config(format!("{flag} {}: not a private key: {e}", path.display())))
}
