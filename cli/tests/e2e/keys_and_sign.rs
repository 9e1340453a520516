//! `keys generate` and `sign`, checked with the `rsa` crate as an independent oracle.

use crate::support::{Gateway, smilepayz, temp_dir};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use rsa::signature::Verifier;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use std::os::unix::fs::PermissionsExt;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn keys_generate_writes_an_owner_only_pkcs8_key_and_prints_its_public_half() {
    let dir = temp_dir("keys");
    let path = dir.join("merchant.pem");
    let run = smilepayz(&["keys", "generate", "--out", path.to_str().unwrap(), "--json"], &[], None).expect(0);
    let printed = run.json();
    assert_eq!(mode(&path), 0o600);
    let pem = std::fs::read_to_string(&path).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM");
    assert!(
        !run.stdout.contains("PRIVATE KEY") && !run.stdout.contains(&pem[40..80]),
        "the private key stays in the file"
    );
    let private = RsaPrivateKey::from_pkcs8_pem(&pem).unwrap();
    assert_eq!(rsa::traits::PublicKeyParts::size(&private) * 8, 2048);
    let spki = RsaPublicKey::from(&private).to_public_key_der().unwrap();
    assert_eq!(printed["public_key"].as_str().unwrap(), STANDARD.encode(spki.as_bytes()));

    // Never overwritten by accident; with --force, narrowed to 0600 before it is written.
    let again = smilepayz(&["keys", "generate", "--out", path.to_str().unwrap()], &[], None).expect(2);
    assert!(again.stderr.contains("exists; pass --force"), "{again:#?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), pem);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let forced = smilepayz(&["keys", "generate", "--out", path.to_str().unwrap(), "--force"], &[], None).expect(0);
    assert!(forced.stdout.contains("merchant back office"), "{forced:#?}");
    assert_eq!(mode(&path), 0o600);
    assert_ne!(std::fs::read_to_string(&path).unwrap(), pem);
    smilepayz(&["keys", "generate", "--out", dir.join("no/such/dir.pem").to_str().unwrap()], &[], None).expect(2);
}

#[test]
fn sign_prints_the_headers_and_masks_the_secret() {
    let g = Gateway::start();
    let body = br#"{"orderNo":"ORDER0001","purpose":"Payroll"}"#;
    let timestamp = "2024-04-10T08:45:32+07:00";
    let run = smilepayz(&["sign", "-", "--timestamp", timestamp, "--json"], &g.env(), Some(body)).expect(0);
    let secret = g.gw.merchant_secret();
    assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret), "{run:#?}");
    let out = run.json();
    assert_eq!(
        out["string_to_sign"].as_str().unwrap(),
        format!("{timestamp}|***|{}", std::str::from_utf8(body).unwrap())
    );
    assert_eq!(out["headers"]["X-TIMESTAMP"], timestamp);
    assert_eq!(out["headers"]["X-PARTNER-ID"], g.gw.merchant_id());

    // The oracle: the merchant's public key verifies the signature over timestamp|secret|body.
    let private = RsaPrivateKey::from_pkcs8_pem(&g.gw.merchant_private_key_pem()).unwrap();
    let verifying = VerifyingKey::<Sha256>::new(RsaPublicKey::from(&private));
    let signature = STANDARD.decode(out["headers"]["X-SIGNATURE"].as_str().unwrap()).unwrap();
    let signed = [timestamp.as_bytes(), b"|", secret.as_bytes(), b"|", body].concat();
    verifying.verify(&signed, &Signature::try_from(signature.as_slice()).unwrap()).expect("verifies");

    // A file gives the same bytes; the text form names each header.
    let dir = temp_dir("sign");
    std::fs::write(dir.join("body.json"), body).unwrap();
    let text = smilepayz(&["sign", dir.join("body.json").to_str().unwrap(), "--timestamp", timestamp], &g.env(), None)
        .expect(0);
    assert!(text.stdout.contains(&format!("X-SIGNATURE: {}", out["headers"]["X-SIGNATURE"].as_str().unwrap())));
    assert!(text.stdout.contains(&format!("{timestamp}|***|")), "{text:#?}");
}

#[test]
fn headers_from_sign_are_accepted_by_the_gateway() {
    let g = Gateway::start();
    let body = format!(
        r#"{{"orderNo":"ORDER0002","purpose":"Payroll","merchant":{{"merchantId":"{}"}},"money":{{"currency":"IDR","amount":150000}},"paymentMethod":"BRI","cashAccount":"78120011629261665"}}"#,
        g.gw.merchant_id()
    );
    let out = smilepayz(&["sign", "-", "--json"], &g.env(), Some(body.as_bytes())).expect(0).json();
    let answer: serde_json::Value = g.runtime.block_on(async {
        let mut request = reqwest::Client::new().post(format!("{}/v2.0/disbursement/pay-out", g.gw.base_url()));
        for (name, value) in out["headers"].as_object().unwrap() {
            request = request.header(name, value.as_str().unwrap());
        }
        serde_json::from_str(&request.body(body.clone()).send().await.unwrap().text().await.unwrap()).unwrap()
    });
    assert_eq!(answer["code"], "00", "{answer}");
}

#[test]
fn sign_refuses_bad_input_and_missing_configuration() {
    let g = Gateway::start();
    let dir = temp_dir("sign-bad");
    std::fs::write(dir.join("key.txt"), "not a key").unwrap();
    let run = smilepayz(&["sign", "-"], &g.env(), Some(b"orderNo=1")).expect(2);
    assert!(run.stderr.contains("the body is not JSON"), "{run:#?}");
    let run = smilepayz(&["sign", "-", "--timestamp", "yesterday"], &g.env(), Some(b"{}")).expect(2);
    assert!(run.stderr.contains("is not yyyy-MM-ddTHH:mm:ss"), "{run:#?}");
    let run = smilepayz(&["sign", "-"], &g.env_without(&["SMILEPAYZ_MERCHANT_SECRET"]), Some(b"{}")).expect(3);
    assert!(run.stderr.contains("--merchant-secret-file or SMILEPAYZ_MERCHANT_SECRET is required"), "{run:#?}");
    let key = dir.join("key.txt");
    let run = smilepayz(&["sign", "-", "--private-key-file", key.to_str().unwrap()], &g.env(), Some(b"{}")).expect(3);
    assert!(run.stderr.contains("merchant private key"), "{run:#?}");
    // A pretty-printed body is signed as is, with a warning.
    let run = smilepayz(&["sign", "-"], &g.env(), Some(b"{\n  \"a\": 1\n}\n")).expect(0);
    assert!(run.stderr.contains("signed byte for byte"), "{run:#?}");
}
