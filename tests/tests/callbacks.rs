//! Callback verification against the shared vectors, including the real sandbox
//! signature and every attack in `callbacks.json`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use smilepayz::signing::parse_timestamp;
use smilepayz::{CallbackVerifier, PlatformKey};
use smilepayz_tests::{header_pairs, keys, load, text};
use std::sync::Arc;
use std::time::Duration;

#[test]
fn the_real_sandbox_signature_verifies() {
    let v = load("real-callback-sandbox.json");
    let key = PlatformKey::from_text(text(&v, "/platformPublicKey")).expect("sandbox platform key");
    let body = format!(r#"{{"tradeNo":"{}","status":"SUCCESS"}}"#, text(&v, "/tradeNo"));
    let verified = CallbackVerifier::new(key.clone())
        .verify([("X-TIMESTAMP", text(&v, "/timestamp")), ("X-SIGNATURE", text(&v, "/signature"))], body.as_bytes())
        .expect("a real Smilepayz signature must verify");
    assert_eq!(verified.trade_no(), text(&v, "/tradeNo"));
    let tampered = body.replace("T1112", "T1113");
    let err = CallbackVerifier::new(key)
        .verify([("X-TIMESTAMP", text(&v, "/timestamp")), ("X-SIGNATURE", text(&v, "/signature"))], tampered.as_bytes())
        .expect_err("another tradeNo");
    assert_eq!(err.kind(), "bad_signature");
}

#[test]
fn every_callback_case_gives_its_verdict() {
    let table = load("callbacks.json");
    let keys = keys();
    let sandbox = PlatformKey::from_text(text(&keys, "/platform/public_spki_base64")).expect("sandbox");
    let production =
        PlatformKey::from_text(text(&keys, "/platform_production/public_spki_base64")).expect("production");
    let max_body = usize::try_from(table["maxBodyBytes"].as_u64().expect("maxBodyBytes")).expect("fits");
    let cases = table["cases"].as_array().expect("cases");
    for case in cases {
        let name = text(case, "/name");
        let chosen: Vec<PlatformKey> = case["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .map(|k| if k == "production" { production.clone() } else { sandbox.clone() })
            .collect();
        let mut verifier = CallbackVerifier::with_keys(chosen).max_body_bytes(max_body);
        if let Some(max) = case["maxAgeSeconds"].as_u64() {
            let now = parse_timestamp(text(case, "/now")).expect("now");
            verifier = verifier.max_age(Duration::from_secs(max)).clock(Arc::new(move || now));
        }
        let headers = header_pairs(case);
        let body = match case.get("bodyBase64") {
            Some(b) => STANDARD.decode(b.as_str().expect("base64")).expect("base64"),
            None => text(case, "/body").as_bytes().to_vec(),
        };
        let verdict = verifier.verify(headers, &body).map(|v| v.trade_no().to_owned());
        match (text(case, "/expect"), verdict) {
            ("ok", Ok(trade_no)) => assert_eq!(trade_no, "T112024041000000000001", "{name}"),
            ("ok", Err(e)) => panic!("{name}: refused: {e}"),
            (kind, Err(e)) => assert_eq!(e.kind(), kind, "{name}: {e}"),
            (kind, Ok(_)) => panic!("{name}: accepted, expected {kind}"),
        }
    }
    assert!(cases.len() >= 20);
}
