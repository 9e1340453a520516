//! Key loading on hostile input: `MerchantKey`/`PlatformKey::from_text` on the input as
//! (lossy) UTF-8 text and `from_der` on the raw bytes.
//!
//! Properties checked besides "never panics":
//! - a loaded key has at least 2048 bits;
//! - a loaded merchant key signs, and its public half verifies that signature;
//! - a loaded platform key survives `to_base64` -> `from_text` and `spki_der` -> `from_der`;
//! - the same DER never loads as both a private and a public key;
//! - an error never echoes key material: for input that is only base64 (at least 32 such
//!   characters), no 16-character stretch of it appears in the error message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smilepayz::{KeyError, MerchantKey, PlatformKey};

fn is_b64(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='
}

/// Fails when a 16-character window of `input` appears in the error's `Display`.
fn no_echo(input: &str, err: &KeyError) {
    let shown = err.to_string();
    let chars: Vec<char> = shown.chars().collect();
    for w in chars.windows(16) {
        let w: String = w.iter().collect();
        assert!(!input.contains(&w), "error {shown:?} echoes the key text {w:?}");
    }
    assert!(!err.kind().is_empty());
}

fn check_merchant(key: &MerchantKey) {
    assert!(key.bits() >= 2048, "merchant key of {} bits loaded", key.bits());
    let public = key.public_key();
    assert_eq!(public.bits(), key.bits());
    let msg = b"2024-04-10T08:45:32+07:00|secret|{}";
    let sig = key.sign(msg);
    assert_eq!(sig.len() * 8, key.bits(), "signature is not modulus-sized");
    assert!(public.verify(msg, &sig), "a loaded merchant key's signature does not verify");
    assert!(!public.verify(b"another message", &sig));
    let _ = format!("{key:?}");
}

fn check_platform(key: &PlatformKey) {
    assert!(key.bits() >= 2048, "platform key of {} bits loaded", key.bits());
    let again = PlatformKey::from_text(&key.to_base64()).expect("to_base64 reloads");
    assert_eq!(&again, key);
    assert_eq!(again.bits(), key.bits());
    let der = PlatformKey::from_der(key.spki_der()).expect("spki_der reloads");
    assert_eq!(&der, key);
    let _ = format!("{key:?}");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let only_b64 = {
        let t = text.trim().replace("\\n", "\n");
        t.chars().filter(|c| is_b64(*c)).count() >= 32 && t.chars().all(|c| is_b64(c) || c.is_whitespace())
    };

    match MerchantKey::from_text(&text) {
        Ok(k) => check_merchant(&k),
        Err(e) if only_b64 => no_echo(&text, &e),
        Err(e) => assert!(!e.kind().is_empty()),
    }
    match PlatformKey::from_text(&text) {
        Ok(k) => check_platform(&k),
        Err(e) if only_b64 => no_echo(&text, &e),
        Err(e) => assert!(!e.kind().is_empty()),
    }

    let private = MerchantKey::from_der(data);
    let public = PlatformKey::from_der(data);
    assert!(!(private.is_ok() && public.is_ok()), "the same DER loads as a private and a public key");
    match private {
        Ok(k) => check_merchant(&k),
        Err(KeyError::WrongKind { .. }) => assert!(public.is_ok(), "WrongKind for DER that is no public key"),
        Err(_) => {}
    }
    if let Ok(k) = public {
        check_platform(&k);
    }
});
