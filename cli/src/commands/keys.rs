//! `smilepayz keys generate`: a merchant key pair. The private key goes to a file only
//! its owner can read, never to the terminal; the public key is printed for the back office.

use crate::args::GenerateArgs;
use crate::exit::{Exit, Failure};
use crate::files::write_private;
use crate::output::Output;
use serde_json::json;
use smilepayz::SigningKey;
use zeroize::Zeroizing;

pub(crate) fn generate(args: &GenerateArgs, out: &mut Output<'_>) -> Result<(), Failure> {
    let key = SigningKey::generate()
        .map_err(|e| Failure::new(Exit::Failure, "key", format!("could not generate a key: {e}")))?;
    // Wiped from memory once written.
    let pem = Zeroizing::new(key.to_pkcs8_pem());
    write_private(&args.out, pem.as_bytes(), args.force)?;
    let public = key.public_key().to_base64();
    let path = args.out.display().to_string();
    out.result(&json!({ "private_key_file": path, "public_key": public, "bits": key.bits() }), || {
        format!(
            "Private key (RSA-{bits}, PKCS#8 PEM) written to {path}, readable by you only.\n\
             Keep it secret: use it as SMILEPAYZ_PRIVATE_KEY or --private-key-file.\n\n\
             Public key, to paste into the Smilepayz merchant back office where it asks for\n\
             the merchant public key (sandbox and production each need it):\n\n{public}",
            bits = key.bits()
        )
    });
    Ok(())
}
