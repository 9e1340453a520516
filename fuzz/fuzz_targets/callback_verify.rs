//! Callback verification on hostile input: `X-TIMESTAMP`, `X-SIGNATURE` and the body come
//! from one fuzz input, split at the first two `\n` bytes (`timestamp\nsignature\nbody`).
//!
//! Properties checked besides "never panics":
//! - the verdict does not depend on header-name case or header order;
//! - a maximum age only ever adds a failure after an otherwise valid callback;
//! - a verified callback has a non-empty tradeNo, keeps the timestamp and the body byte for
//!   byte, and its signature really verifies over `tradeNo|timestamp` with the platform key;
//! - `CallbackNotification::from_json` keeps the body text and survives a serde round trip.
#![no_main]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::fuzz_target;
use smilepayz::signing::{callback_string_to_sign, parse_timestamp};
use smilepayz::{CallbackNotification, CallbackVerifier, PlatformKey, SignatureError};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

/// tests/vectors/keys.json, whose /platform key signs the callbacks in callbacks.json.
const KEYS_JSON: &str = include_str!("../../tests/vectors/keys.json");

/// "now" for the maximum-age check: four minutes after the timestamp the seeds carry, so a
/// seeded valid callback is fresh; a fixed clock keeps every run deterministic.
const NOW: &str = "2024-04-10T08:49:32+07:00";
const MAX_AGE: Duration = Duration::from_secs(300);

struct Setup {
    key: PlatformKey,
    plain: CallbackVerifier,
    aged: CallbackVerifier,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let keys: serde_json::Value = serde_json::from_str(KEYS_JSON).expect("keys.json is JSON");
    let b64 = keys.pointer("/platform/public_spki_base64").and_then(|v| v.as_str()).expect("platform key present");
    let key = PlatformKey::from_text(b64).expect("the platform test key loads");
    let now = parse_timestamp(NOW).expect("NOW parses");
    let plain = CallbackVerifier::with_keys(vec![key.clone()]);
    let aged = CallbackVerifier::with_keys(vec![key.clone()]).max_age(MAX_AGE).clock(Arc::new(move || now));
    Setup { key, plain, aged }
});

fn split(data: &[u8]) -> (&[u8], &[u8], &[u8]) {
    let mut parts = data.splitn(3, |&b| b == b'\n');
    let ts = parts.next().unwrap_or_default();
    let sig = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    (ts, sig, body)
}

fuzz_target!(|data: &[u8]| {
    let s = &*SETUP;
    let (ts, sig, body) = split(data);

    // With a maximum age, on the fixed clock so that every verdict is reproducible.
    let aged = s.aged.verify([("X-TIMESTAMP", ts), ("X-SIGNATURE", sig)], body);

    // Header names are matched case-insensitively and in any order.
    let reordered =
        s.aged.verify([("x-signature", sig), ("Content-Type", b"application/json"), ("x-TimeStamp", ts)], body);
    match (&aged, &reordered) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        // When both headers are bad, the one met first is named: compare the kind only.
        (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "verdict depends on header case or order: {a:?} / {b:?}"),
        _ => panic!("verdict depends on header case or order: {aged:?} / {reordered:?}"),
    }

    let plain = s.plain.verify([("X-TIMESTAMP", ts), ("X-SIGNATURE", sig)], body);
    match (&plain, &aged) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        // The age check comes last: it may only turn an accepted callback into a refusal.
        (Ok(_), Err(e)) => assert!(
            matches!(
                e,
                SignatureError::BadTimestamp | SignatureError::TooOld { .. } | SignatureError::FromTheFuture { .. }
            ),
            "max_age added a non-age failure: {e:?}"
        ),
        (Err(e), Ok(_)) => panic!("accepted only with a max age, refused without: {e:?}"),
        (Err(a), Err(b)) => assert_eq!(a, b, "max_age changed a non-age failure"),
    }

    if let Ok(v) = &plain {
        let ts_text = std::str::from_utf8(ts).expect("a verified timestamp is text");
        let body_text = std::str::from_utf8(body).expect("a verified body is text");
        assert!(!v.trade_no().is_empty(), "verified callback without tradeNo");
        assert_eq!(v.timestamp, ts_text);
        assert_eq!(v.notification.raw.as_str(), body_text, "raw body not kept byte for byte");
        let sig_text = std::str::from_utf8(sig).expect("a verified signature is text");
        let sig_bytes = STANDARD.decode(sig_text.trim()).expect("a verified signature is base64");
        assert!(
            s.key.verify(&callback_string_to_sign(v.trade_no(), ts_text), &sig_bytes),
            "accepted a signature that does not verify over tradeNo|timestamp"
        );
        // The same callback one byte over the body limit is refused as too large.
        if !body.is_empty() {
            let tight = CallbackVerifier::with_keys(vec![s.key.clone()]).max_body_bytes(body.len() - 1);
            assert!(matches!(
                tight.verify([("X-TIMESTAMP", ts), ("X-SIGNATURE", sig)], body),
                Err(SignatureError::BodyTooLarge { .. })
            ));
        }
    }
    for e in [&plain, &aged].into_iter().filter_map(|r| r.as_ref().err()) {
        assert!(!e.kind().is_empty());
        let _ = e.to_string();
    }

    // The body parser on its own.
    if let Ok(n) = CallbackNotification::from_json(body) {
        let text = std::str::from_utf8(body).expect("a parsed body is UTF-8");
        assert_eq!(n.raw.as_str(), text, "raw body not kept byte for byte");
        // Serialising the parsed callback and reading it back gives the same callback.
        let again = serde_json::to_vec(&n).expect("a parsed callback serialises");
        let mut back = CallbackNotification::from_json(&again).unwrap_or_else(|e| {
            panic!("re-serialised callback does not parse: {e}\n{}", String::from_utf8_lossy(&again))
        });
        back.raw = n.raw.clone();
        assert_eq!(back, n, "callback changed through a serde round trip");
    }
});
