//! Writes `vectors/requests.json` and `vectors/callbacks.json` from the committed test
//! keys. Signatures are deterministic (PKCS#1 v1.5), so running it again changes nothing
//! unless the serialisation changed; `tests/golden.rs` checks the files against the code
//! and against an independent RSA implementation.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use smilepayz::signing::{self, MerchantKey};
use smilepayz::{Case, PayoutRequest};
use smilepayz_tests::{keys, text, vectors_dir};

const MERCHANT_ID: &str = "sandbox-20019";
const SECRET: &str = "golden-test-secret-0001";
const TIMESTAMP: &str = "2024-04-10T08:45:32+07:00";

fn request_cases() -> Vec<(&'static str, Value)> {
    vec![
        (
            "idr-minimal",
            json!({"region": "IDR", "orderNo": "IDR20240410000001", "purpose": "Payroll — Jakarta distribution partner", "amount": "150000", "paymentMethod": "BRI", "cashAccount": "78120011629261665"}),
        ),
        (
            "idr-full",
            json!({"region": "IDR", "orderNo": "IDR20240410000002", "purpose": "Refund order 8812", "amount": "2500000", "paymentMethod": "BCA", "cashAccount": "1234567890", "receiver": {"name": "Budi Santoso", "accountNo": "1234567890"}, "merchant": {"merchantName": "Toko Demo", "subMerchantId": "SUB01", "subMerchantName": "Cabang Bandung"}, "callbackUrl": "https://merchant.example/smilepayz/callback", "extra": {"additionalParam": {}}}),
        ),
        (
            "pen",
            json!({"region": "PEN", "orderNo": "PEN20240410000001", "purpose": "Pago a proveedor", "amount": "1050", "paymentMethod": "BCP", "cashAccount": "19312345678012", "cashAccountType": "SAVINGS", "cci": "00219300123456780123", "receiver": {"name": "José Pérez", "email": "jose.perez@example.pe", "phone": "987654321", "idType": "NID", "idNumber": "45678912"}}),
        ),
        (
            "cop",
            json!({"region": "COP", "orderNo": "COP20240410000001", "purpose": "Pago de nómina", "amount": "10000", "paymentMethod": "BANCOLOMBIA", "cashAccount": "12345678901", "cashAccountType": "AHORROS", "receiver": {"name": "Maria Rodriguez Lopez", "email": "maria@example.co", "phone": "3001234567", "idType": "CC", "identity": "1234567890"}, "callbackUrl": "https://merchant.example/cb"}),
        ),
        (
            "brl-cpf",
            json!({"region": "BRL", "orderNo": "BRL20240410000001", "purpose": "Reembolso pedido 42", "amount": "5000", "paymentMethod": "CPF", "cashAccount": "52998224725", "receiver": {"pixType": "CPF", "pixAccount": "52998224725", "taxNumber": "52998224725"}}),
        ),
        (
            "brl-email",
            json!({"region": "BRL", "orderNo": "BRL20240410000002", "purpose": "Pagamento — fornecedor São Paulo", "amount": "1000", "paymentMethod": "EMAIL", "cashAccount": "ana.souza@example.com.br", "receiver": {"taxNumber": "11222333000181"}}),
        ),
        (
            "brl-evp-no-receiver",
            json!({"region": "BRL", "orderNo": "BRL20240410000003", "purpose": "Marketplace payout", "amount": "250075", "paymentMethod": "EVP", "cashAccount": "123e4567-e89b-12d3-a456-426614174000"}),
        ),
        (
            "usdt-trc20",
            json!({"region": "USDT", "orderNo": "USDT2024041000001", "purpose": "Treasury transfer — TRC20 wallet", "amount": "100.5", "network": "TRC20", "cashAccount": "TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ"}),
        ),
        (
            "usdt-bep20",
            json!({"region": "USDT", "orderNo": "USDT2024041000002", "purpose": "Partner settlement", "amount": "0.0001", "network": "BEP20", "cashAccount": "0x52908400098527886E0F7030069857D2E4169EE7"}),
        ),
    ]
}

fn requests(key: &MerchantKey) -> Value {
    let cases: Vec<Value> = request_cases()
        .into_iter()
        .map(|(name, input)| {
            let request = PayoutRequest::from_json(input.clone(), Case::Camel)
                .unwrap_or_else(|e| panic!("vector {name} is not valid: {e}"));
            let prepared = request.prepare(MERCHANT_ID).unwrap_or_else(|e| panic!("{name}: {e}"));
            let body = std::str::from_utf8(prepared.body()).expect("bodies are UTF-8").to_owned();
            let signature = signing::sign_request(key, TIMESTAMP, SECRET, prepared.body());
            json!({"name": name, "request": input, "body": body, "signature": signature})
        })
        .collect();
    json!({
        "about": "Pay-out requests in the SDK's camelCase input form, the exact body the SDK must send for them, and the X-SIGNATURE over `timestamp|secret|body` with keys.json merchant.",
        "merchantId": MERCHANT_ID,
        "merchantSecret": SECRET,
        "timestamp": TIMESTAMP,
        "cases": cases,
    })
}

fn callback_body(trade_no: &str, status: &str) -> String {
    format!(
        r#"{{"orderNo":"IDR20240410000001","tradeNo":"{trade_no}","merchantId":"sandbox-20019","merchantName":"Toko Demo","subMerchantId":"","subMerchantName":"","paymentMethod":"BRI","transactionTime":"2024-04-10T08:45:30+07:00","money":{{"currency":"IDR","amount":150000}},"status":"{status}"}}"#
    )
}

fn callbacks(sandbox: &MerchantKey, production: &MerchantKey) -> Value {
    let trade = "T112024041000000000001";
    let body = callback_body(trade, "SUCCESS");
    let sig = signing::sign_callback(sandbox, trade, TIMESTAMP);
    let prod_sig = signing::sign_callback(production, trade, TIMESTAMP);
    let other_trade_sig = signing::sign_callback(sandbox, "T112024041000000000002", TIMESTAMP);
    let mut flipped = STANDARD.decode(&sig).expect("own base64");
    flipped[17] ^= 0x01;
    let flipped = STANDARD.encode(flipped);
    let headers =
        |ts: &str, s: &str| json!([["Content-Type", "application/json"], ["X-TIMESTAMP", ts], ["X-SIGNATURE", s]]);
    let case = |name: &str, headers: Value, body: Value, expect: &str| json!({"name": name, "headers": headers, "body": body, "keys": ["sandbox"], "expect": expect});
    let dup_trade_body = r#"{"tradeNo":"T112024041000000000001","orderNo":"IDR20240410000001","status":"SUCCESS","tradeNo":"T999999999999999999999"}"#;
    let mut cases = vec![
        case("valid", headers(TIMESTAMP, &sig), json!(body), "ok"),
        case("lowercase header names", json!([["x-timestamp", TIMESTAMP], ["x-signature", sig]]), json!(body), "ok"),
        case(
            "tampered tradeNo in body",
            headers(TIMESTAMP, &sig),
            json!(callback_body("T112024041000000000002", "SUCCESS")),
            "bad_signature",
        ),
        case("tampered timestamp", headers("2024-04-10T08:45:33+07:00", &sig), json!(body), "bad_signature"),
        case("flipped signature bit", headers(TIMESTAMP, &flipped), json!(body), "bad_signature"),
        case("signature of another tradeNo", headers(TIMESTAMP, &other_trade_sig), json!(body), "bad_signature"),
        case("signed by the production key", headers(TIMESTAMP, &prod_sig), json!(body), "bad_signature"),
        case("signature not base64", headers(TIMESTAMP, "%%%not-base64%%%"), json!(body), "bad_base64"),
        case("missing X-SIGNATURE", json!([["X-TIMESTAMP", TIMESTAMP]]), json!(body), "missing_header"),
        case("missing X-TIMESTAMP", json!([["X-SIGNATURE", sig]]), json!(body), "missing_header"),
        case(
            "duplicated X-SIGNATURE",
            json!([["X-TIMESTAMP", TIMESTAMP], ["X-SIGNATURE", sig], ["x-signature", sig]]),
            json!(body),
            "duplicate_header",
        ),
        case(
            "duplicated X-TIMESTAMP",
            json!([["X-TIMESTAMP", TIMESTAMP], ["X-TIMESTAMP", TIMESTAMP], ["X-SIGNATURE", sig]]),
            json!(body),
            "duplicate_header",
        ),
        case("duplicate tradeNo keys in body", headers(TIMESTAMP, &sig), json!(dup_trade_body), "unparseable_body"),
        case(
            "body without tradeNo",
            headers(TIMESTAMP, &sig),
            json!(r#"{"orderNo":"IDR20240410000001","status":"SUCCESS"}"#),
            "missing_trade_no",
        ),
        case(
            "body with empty tradeNo",
            headers(TIMESTAMP, &sig),
            json!(r#"{"tradeNo":"","status":"SUCCESS"}"#),
            "missing_trade_no",
        ),
        case("empty body", headers(TIMESTAMP, &sig), json!(""), "unparseable_body"),
        case("body not JSON", headers(TIMESTAMP, &sig), json!("tradeNo=T112024041000000000001"), "unparseable_body"),
        case("body a JSON array", headers(TIMESTAMP, &sig), json!("[]"), "unparseable_body"),
        case(
            "body a JSON array holding the signed tradeNo",
            headers(TIMESTAMP, &sig),
            json!(format!(r#"["{trade}"]"#)),
            "unparseable_body",
        ),
        case(
            "tradeNo a number",
            headers(TIMESTAMP, &sig),
            json!(r#"{"tradeNo":112024041000000000001}"#),
            "unparseable_body",
        ),
        case(
            "oversized body",
            headers(TIMESTAMP, &sig),
            json!(format!(r#"{{"tradeNo":"{trade}","pad":"{}"}}"#, "x".repeat(70_000))),
            "body_too_large",
        ),
    ];
    cases.push(json!({"name": "non-UTF-8 body", "headers": headers(TIMESTAMP, &sig), "bodyBase64": STANDARD.encode(b"{\"tradeNo\":\"T11\xff\xfe\"}"), "keys": ["sandbox"], "expect": "unparseable_body"}));
    cases.push(json!({"name": "rotation: production key first, sandbox second", "headers": headers(TIMESTAMP, &sig), "body": body, "keys": ["production", "sandbox"], "expect": "ok"}));
    cases.push(json!({"name": "fresh within max age", "headers": headers(TIMESTAMP, &sig), "body": body, "keys": ["sandbox"], "maxAgeSeconds": 300, "now": "2024-04-10T08:49:32+07:00", "expect": "ok"}));
    cases.push(json!({"name": "replay older than max age", "headers": headers(TIMESTAMP, &sig), "body": body, "keys": ["sandbox"], "maxAgeSeconds": 300, "now": "2024-04-10T08:50:33+07:00", "expect": "too_old"}));
    cases.push(json!({"name": "dated in the future", "headers": headers(TIMESTAMP, &sig), "body": body, "keys": ["sandbox"], "maxAgeSeconds": 300, "now": "2024-04-10T08:35:00+07:00", "expect": "from_the_future"}));
    json!({
        "about": "Callbacks signed over `tradeNo|X-TIMESTAMP` with keys.json platform (\"sandbox\") or platform_production (\"production\"), and attacks on them. `expect` is \"ok\" or the kind of the failed check. `now` and `maxAgeSeconds`, when present, configure the verifier's clock and maximum age. The body is `body` (text) or `bodyBase64` (bytes).",
        "maxBodyBytes": 65536,
        "cases": cases,
    })
}

fn write(name: &str, value: &Value) {
    let path = vectors_dir().join(name);
    let text = serde_json::to_string_pretty(value).expect("JSON values serialise") + "\n";
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    println!("wrote {}", path.display());
}

fn main() {
    let keys = keys();
    let merchant = MerchantKey::from_text(text(&keys, "/merchant/pkcs8_pem")).expect("merchant key");
    let sandbox = MerchantKey::from_text(text(&keys, "/platform/private_pkcs8_pem")).expect("platform key");
    let production =
        MerchantKey::from_text(text(&keys, "/platform_production/private_pkcs8_pem")).expect("production key");
    write("requests.json", &requests(&merchant));
    write("callbacks.json", &callbacks(&sandbox, &production));
}
