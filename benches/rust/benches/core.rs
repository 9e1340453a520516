//! The core's hot paths: signing and verifying, one pay-out per region from loose JSON to
//! a signed body, and parsing a pay-out answer and a callback. Inputs are the shared
//! vectors, so every language benchmarks the same bytes.
#![allow(missing_docs, clippy::expect_used)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use smilepayz::models::GatewayBody;
use smilepayz::signing::{callback_string_to_sign, sign_request};
use smilepayz::{
    CallbackNotification, CallbackVerifier, Case, MerchantKey, PayoutRequest, PayoutResponse, PlatformKey,
};
use smilepayz_tests::{header_pairs, keys, load, text};
use std::hint::black_box;

const PAYOUT_ANSWER: &[u8] = br#"{"code":"00","message":"successful","orderNo":"IDR20240410000001","tradeNo":"T20240410084532000001","status":"PROCESSING","disbursementTime":"2024-04-10T08:45:32+07:00","merchant":{"merchantId":"sandbox-20019","merchantName":"Toko Demo","accountNo":"2000124234782342"},"money":{"currency":"IDR","amount":150000},"channel":{"paymentMethod":"BRI","cashAccount":"78120011629261665"}}"#;

fn signing(c: &mut Criterion) {
    let keys = keys();
    let merchant = MerchantKey::from_text(text(&keys, "/merchant/pkcs8_pem")).expect("merchant key");
    let table = load("requests.json");
    let body = text(&table["cases"][0], "/body").as_bytes().to_vec();
    let (timestamp, secret) = (text(&table, "/timestamp"), text(&table, "/merchantSecret"));
    c.bench_function("sign request (RSA-2048, SHA-256)", |b| {
        b.iter(|| sign_request(&merchant, black_box(timestamp), secret, black_box(&body)))
    });

    let callbacks = load("callbacks.json");
    let case = &callbacks["cases"][0];
    let headers = header_pairs(case);
    let callback_body = text(case, "/body").as_bytes().to_vec();
    let platform = PlatformKey::from_text(text(&keys, "/platform/public_spki_base64")).expect("platform key");
    let verifier = CallbackVerifier::new(platform.clone());
    c.bench_function("verify callback (headers + body)", |b| {
        b.iter(|| verifier.verify(black_box(headers.clone()), black_box(&callback_body)).expect("verifies"))
    });
    let signature = smilepayz::signing::sign_callback(
        &MerchantKey::from_text(text(&keys, "/platform/private_pkcs8_pem")).expect("platform private"),
        "T112024041000000000001",
        "2024-04-10T08:45:32+07:00",
    );
    let raw_signature = STANDARD.decode(&signature).expect("base64");
    let message = callback_string_to_sign("T112024041000000000001", "2024-04-10T08:45:32+07:00");
    c.bench_function("verify signature only (RSA-2048)", |b| {
        b.iter(|| platform.verify(black_box(&message), black_box(&raw_signature)))
    });
}

fn payouts(c: &mut Criterion) {
    let keys = keys();
    let merchant = MerchantKey::from_text(text(&keys, "/merchant/pkcs8_pem")).expect("merchant key");
    let table = load("requests.json");
    let (timestamp, secret, merchant_id) =
        (text(&table, "/timestamp"), text(&table, "/merchantSecret"), text(&table, "/merchantId"));
    let mut seen = std::collections::HashSet::new();
    for case in table["cases"].as_array().expect("cases") {
        let request: Value = case["request"].clone();
        let region = text(&request, "/region").to_owned();
        if !seen.insert(region.clone()) {
            continue;
        }
        c.bench_function(&format!("{region}: read + validate + serialise"), |b| {
            b.iter(|| {
                let payout = PayoutRequest::from_json(black_box(request.clone()), Case::Camel).expect("valid");
                payout.prepare(merchant_id).expect("valid")
            })
        });
        c.bench_function(&format!("{region}: read + validate + serialise + sign"), |b| {
            b.iter(|| {
                let payout = PayoutRequest::from_json(black_box(request.clone()), Case::Camel).expect("valid");
                let prepared = payout.prepare(merchant_id).expect("valid");
                sign_request(&merchant, timestamp, secret, prepared.body())
            })
        });
    }
}

fn parsing(c: &mut Criterion) {
    c.bench_function("parse pay-out answer", |b| {
        b.iter(|| PayoutResponse::from_json(black_box(PAYOUT_ANSWER)).expect("parses"))
    });
    let callbacks = load("callbacks.json");
    let body = text(&callbacks["cases"][0], "/body").as_bytes().to_vec();
    c.bench_function("parse callback body", |b| {
        b.iter(|| CallbackNotification::from_json(black_box(&body)).expect("parses"))
    });
    c.bench_function("binding-sized call: Status::parse + is_final", |b| {
        b.iter(|| smilepayz::Status::parse(black_box("SUCCESS")).is_final())
    });
}

criterion_group!(benches, signing, payouts, parsing);
criterion_main!(benches);
