//! The golden request vectors: exact body bytes and signatures, checked against the SDK
//! and against an independent RSA implementation (the `rsa` crate) as an oracle.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use serde_json::json;
use sha2::Sha256;
use smilepayz::signing::{self, MerchantKey, request_string_to_sign};
use smilepayz::{Case, PayoutRequest, Region};
use smilepayz_tests::{keys, load, text};

struct Vectors {
    merchant_id: String,
    secret: String,
    timestamp: String,
    cases: Vec<serde_json::Value>,
}

fn vectors() -> Vectors {
    let v = load("requests.json");
    Vectors {
        merchant_id: text(&v, "/merchantId").to_owned(),
        secret: text(&v, "/merchantSecret").to_owned(),
        timestamp: text(&v, "/timestamp").to_owned(),
        cases: v["cases"].as_array().expect("cases").clone(),
    }
}

#[test]
fn every_region_has_a_vector() {
    let v = vectors();
    let regions: std::collections::BTreeSet<_> =
        v.cases.iter().map(|c| c["request"]["region"].as_str().unwrap_or("")).collect();
    let every: std::collections::BTreeSet<_> = Region::ALL.iter().map(|r| r.currency()).collect();
    assert_eq!(regions, every);
}

#[test]
fn bodies_are_byte_exact() {
    let v = vectors();
    for case in &v.cases {
        let name = text(case, "/name");
        let request =
            PayoutRequest::from_json(case["request"].clone(), Case::Camel).unwrap_or_else(|e| panic!("{name}: {e}"));
        let prepared = request.prepare(&v.merchant_id).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(std::str::from_utf8(prepared.body()).expect("utf-8"), text(case, "/body"), "{name}");
    }
}

#[test]
fn signatures_match_the_vectors() {
    let v = vectors();
    let key = MerchantKey::from_text(text(&keys(), "/merchant/pkcs8_pem")).expect("key");
    for case in &v.cases {
        let sig = signing::sign_request(&key, &v.timestamp, &v.secret, text(case, "/body").as_bytes());
        assert_eq!(sig, text(case, "/signature"), "{}", text(case, "/name"));
    }
}

#[test]
fn an_independent_rsa_implementation_gives_identical_signatures() {
    let v = vectors();
    let keys = keys();
    let oracle = SigningKey::<Sha256>::new(
        rsa::RsaPrivateKey::from_pkcs8_pem(text(&keys, "/merchant/pkcs8_pem")).expect("oracle key"),
    );
    let verifier = VerifyingKey::<Sha256>::new(
        rsa::RsaPublicKey::from_public_key_pem(text(&keys, "/merchant/public_pem")).expect("oracle public key"),
    );
    for case in &v.cases {
        let signed = request_string_to_sign(&v.timestamp, &v.secret, text(case, "/body").as_bytes());
        let expected = oracle.sign(&signed).to_vec();
        let ours = STANDARD.decode(text(case, "/signature")).expect("base64");
        assert_eq!(ours, expected, "{}", text(case, "/name"));
        let sig = Signature::try_from(ours.as_slice()).expect("signature bytes");
        assert!(verifier.verify(&signed, &sig).is_ok());
    }
}

#[test]
fn the_gateway_side_reads_back_what_was_sent() {
    let v = vectors();
    for case in &v.cases {
        let name = text(case, "/name");
        let request = PayoutRequest::from_json(case["request"].clone(), Case::Camel).expect("valid");
        let (read_back, merchant_id) =
            PayoutRequest::from_wire(text(case, "/body").as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(merchant_id, v.merchant_id);
        // What the gateway read, sent again, is the same bytes.
        let resent = read_back.prepare(&merchant_id).expect("valid as read");
        assert_eq!(String::from_utf8_lossy(resent.body()), text(case, "/body"), "{name}");
        if request.region() != Region::Brazil || case["request"].get("receiver").is_some() {
            assert_eq!(read_back, request, "{name}");
        }
    }
}

#[test]
fn the_signed_bytes_verify_with_the_public_key() {
    let v = vectors();
    let key = MerchantKey::from_text(text(&keys(), "/merchant/pkcs1_base64")).expect("key");
    let public = key.public_key();
    for case in &v.cases {
        let body = text(case, "/body").as_bytes();
        assert!(signing::verify_request(&public, &v.timestamp, &v.secret, body, text(case, "/signature")));
        assert!(!signing::verify_request(&public, &v.timestamp, "another-secret", body, text(case, "/signature")));
    }
}

#[test]
fn extras_read_back_on_the_gateway_side_and_never_shadow_documented_fields() {
    let input = |extra: serde_json::Value| {
        json!({"region": "IDR", "orderNo": "IDR20240410000001", "purpose": "Payroll", "amount": "150000",
            "paymentMethod": "BRI", "cashAccount": "78120011629261665", "extra": extra})
    };
    let request =
        PayoutRequest::from_json(input(json!({"additionalParam": {}, "remark": "x"})), Case::Camel).expect("valid");
    let prepared = request.prepare("sandbox-20019").expect("prepared");
    let (read_back, _) = PayoutRequest::from_wire(prepared.body()).expect("the gateway reads it");
    assert_eq!(read_back, request);
    // Found by fuzzing, then refused (issue 10): a second `amount` next to `money`, or
    // another region's field, would leave the gateway to pick one.
    for key in ["amount", "Amount", "currency", "region", "cci", "network", "receiver"] {
        let err = PayoutRequest::from_json(input(json!({ key: "1" })), Case::Camel).expect_err(key);
        assert_eq!(err.violations().len(), 1, "{key}: {err}");
        assert_eq!(err.violations()[0].rule, smilepayz::Rule::Conflict, "{key}");
    }
}
