//! `verify-callback`: accepted, each refusal named, and `--confirm` asking the gateway.

use crate::support::{Gateway, Run, smilepayz, temp_dir};
use smilepayz::{Decimal, IndonesiaPayout, SigningKey, Status};
use smilepayz_testkit::{SignedCallback, sign_callback};
use std::path::{Path, PathBuf};

/// A gateway with one accepted pay-out, ORDER0001.
fn gateway_with_order() -> Gateway {
    let g = Gateway::start();
    let client = g.gw.client_builder().build().unwrap();
    let payout = IndonesiaPayout::new("ORDER0001", "Payroll", Decimal::from(150_000), "BRI", "78120011629261665");
    g.runtime.block_on(client.payout(&payout.into())).unwrap();
    g
}

/// Saves `callback` as a raw HTTP request.
fn save_request(dir: &Path, name: &str, headers: &[(String, String)], body: &[u8]) -> PathBuf {
    let mut raw = b"POST /smilepayz/callback HTTP/1.1\r\nHost: merchant.example\r\n".to_vec();
    for (k, v) in headers {
        raw.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    raw.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    raw.extend_from_slice(body);
    let path = dir.join(name);
    std::fs::write(&path, raw).unwrap();
    path
}

fn verify(g: &Gateway, request: &Path, extra: &[&str]) -> Run {
    let args = [&["verify-callback", "--request", request.to_str().unwrap()][..], extra].concat();
    smilepayz(&args, &g.env(), None)
}

fn with_header(callback: &SignedCallback, name: &str, value: Option<&str>) -> Vec<(String, String)> {
    let mut headers: Vec<_> = callback.headers.iter().filter(|(k, _)| k != name).cloned().collect();
    if let Some(v) = value {
        headers.push((name.to_owned(), v.to_owned()));
    }
    headers
}

#[test]
fn a_genuine_callback_is_verified_from_a_raw_request_or_headers_and_body() {
    let g = gateway_with_order();
    let dir = temp_dir("verify-ok");
    let callback = g.gw.signed_callback("ORDER0001").unwrap();
    let request = save_request(&dir, "ok.http", &callback.headers, &callback.body);
    let run = verify(&g, &request, &[]).expect(0);
    assert!(run.stdout.starts_with("verified:") && run.stdout.contains("claims until confirmed"), "{run:#?}");

    let headers: String = callback.headers.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
    std::fs::write(dir.join("headers.txt"), headers).unwrap();
    std::fs::write(dir.join("body.json"), &callback.body).unwrap();
    let headers_file = dir.join("headers.txt");
    let args = ["verify-callback", "--headers", headers_file.to_str().unwrap(), "--body", "-", "--json"];
    let out = smilepayz(&args, &g.env(), Some(&callback.body)).expect(0).json();
    assert_eq!((out["verdict"].as_str(), out["callback"]["order_no"].as_str()), (Some("verified"), Some("ORDER0001")));
}

#[test]
fn each_failed_check_is_named_with_exit_7() {
    let g = gateway_with_order();
    let dir = temp_dir("verify-refused");
    let callback = g.gw.signed_callback("ORDER0001").unwrap();
    let signature = callback.header("X-SIGNATURE").unwrap();
    let flipped = format!("{}{}", if signature.starts_with('A') { "B" } else { "A" }, &signature[1..]);
    let old = sign_callback(g.gw.platform_key(), &callback.body, "2020-01-01T00:00:00+07:00");
    let no_trade = sign_callback(
        g.gw.platform_key(),
        br#"{"orderNo":"ORDER0001","status":"SUCCESS"}"#,
        "2024-01-01T00:00:00+07:00",
    );
    let cases: Vec<(Vec<(String, String)>, Vec<u8>, &[&str], &str)> = vec![
        (with_header(&callback, "X-SIGNATURE", Some(&flipped)), callback.body.clone(), &[], "bad_signature"),
        (with_header(&callback, "X-SIGNATURE", None), callback.body.clone(), &[], "missing_header"),
        (with_header(&callback, "X-TIMESTAMP", None), callback.body.clone(), &[], "missing_header"),
        (
            [callback.headers.clone(), vec![("x-signature".into(), signature.into())]].concat(),
            callback.body.clone(),
            &[],
            "duplicate_header",
        ),
        (with_header(&callback, "X-SIGNATURE", Some("%%%")), callback.body.clone(), &[], "bad_base64"),
        (callback.headers.clone(), b"not json".to_vec(), &[], "unparseable_body"),
        (no_trade.headers.clone(), no_trade.body.clone(), &[], "trade"),
        (old.headers.clone(), old.body.clone(), &["--max-age-secs", "300"], "too_old"),
    ];
    for (i, (headers, body, extra, check)) in cases.into_iter().enumerate() {
        let request = save_request(&dir, &format!("{i}.http"), &headers, &body);
        let run = verify(&g, &request, extra).expect(7);
        assert!(run.stderr.contains("refused (") && run.stderr.contains(check), "{check}: {run:#?}");
    }
    // Signed by another platform key: the configured one refuses it.
    let other = SigningKey::generate().unwrap();
    let forged = sign_callback(&other, &callback.body, callback.header("X-TIMESTAMP").unwrap());
    let request = save_request(&dir, "forged.http", &forged.headers, &forged.body);
    let out = verify(&g, &request, &["--json"]).expect(7).json();
    assert_eq!(
        (out["error"]["check"].as_str(), out["error"]["verdict"].as_str()),
        (Some("bad_signature"), Some("refused"))
    );
}

#[test]
fn confirm_asks_the_gateway_and_refuses_altered_claims() {
    let g = gateway_with_order();
    let dir = temp_dir("verify-confirm");
    g.runtime.block_on(g.gw.settle("ORDER0001", Status::Success)).unwrap();
    let callback = g.gw.signed_callback("ORDER0001").unwrap();
    let request = save_request(&dir, "ok.http", &callback.headers, &callback.body);
    let run = verify(&g, &request, &["--confirm"]).expect(0);
    assert!(run.stdout.starts_with("confirmed: the gateway agrees"), "{run:#?}");

    // Only tradeNo is signed: a body claiming FAILED still verifies, but does not confirm.
    let altered = String::from_utf8(callback.body.clone()).unwrap().replace("\"SUCCESS\"", "\"FAILED\"");
    let request = save_request(&dir, "altered.http", &callback.headers, altered.as_bytes());
    verify(&g, &request, &[]).expect(0);
    let run = verify(&g, &request, &["--confirm"]).expect(7);
    assert!(run.stderr.contains("refused (mismatch)") && run.stderr.contains("status"), "{run:#?}");
}

#[test]
fn a_stale_callback_is_genuine_and_booked_at_the_gateway_status() {
    let g = gateway_with_order();
    let dir = temp_dir("verify-stale");
    let processing = g.gw.signed_callback("ORDER0001").unwrap();
    g.runtime.block_on(g.gw.settle("ORDER0001", Status::Success)).unwrap();
    let request = save_request(&dir, "stale.http", &processing.headers, &processing.body);
    let out = verify(&g, &request, &["--confirm", "--json"]).expect(0).json();
    assert_eq!((out["verdict"].as_str(), out["gateway_status"].as_str()), (Some("stale"), Some("SUCCESS")));
}

#[test]
fn verify_callback_input_and_configuration_errors() {
    let g = gateway_with_order();
    let dir = temp_dir("verify-bad");
    let callback = g.gw.signed_callback("ORDER0001").unwrap();
    let request = save_request(&dir, "ok.http", &callback.headers, &callback.body);
    let run = smilepayz(
        &["verify-callback", "--request", request.to_str().unwrap()],
        &g.env_without(&["SMILEPAYZ_PLATFORM_PUBLIC_KEY"]),
        None,
    )
    .expect(3);
    assert!(run.stderr.contains("SMILEPAYZ_PLATFORM_PUBLIC_KEY is required"), "{run:#?}");
    std::fs::write(dir.join("bad-key"), "MIIB").unwrap();
    let bad_key = dir.join("bad-key");
    let args = [
        "verify-callback",
        "--request",
        request.to_str().unwrap(),
        "--platform-public-key-file",
        bad_key.to_str().unwrap(),
    ];
    smilepayz(&args, &g.env(), None).expect(3);
    // --confirm needs the merchant's settings.
    verify(&g, &request, &["--confirm", "--merchant-id", "", "--base-url", "http://127.0.0.1:1"]).expect(3);

    let mut raw = std::fs::read(&request).unwrap();
    raw.extend_from_slice(b"\n");
    std::fs::write(dir.join("long.http"), raw).unwrap();
    let run = verify(&g, &dir.join("long.http"), &[]).expect(2);
    assert!(run.stderr.contains("Content-Length says"), "{run:#?}");
    smilepayz(&["verify-callback"], &g.env(), None).expect(2);
    smilepayz(&["verify-callback", "--headers", "h.txt"], &g.env(), None).expect(2);
}
