//! The bad-input table: every request rule, key-format mistake and configuration mistake
//! gives its specified error, and no error text leaks the secret or key material.

use serde_json::{Map, Value};
use smilepayz::{Case, Client, Environment, FieldPath, MerchantKey, PayoutRequest, PlatformKey};
use smilepayz_tests::{keys, load, text};

fn key_text(keys: &Value, spec: &Value) -> String {
    match spec {
        Value::String(s) => s.clone(),
        Value::Object(o) => text(keys, o["fromKeys"].as_str().expect("pointer")).to_owned(),
        other => panic!("bad key spec {other}"),
    }
}

fn snake_keys(value: &Value, under_extra: bool) -> Value {
    match value {
        Value::Object(map) => {
            let out: Map<String, Value> = map
                .iter()
                .map(|(k, v)| {
                    let key = if under_extra { k.clone() } else { FieldPath::camel(k).in_case(Case::Snake).to_owned() };
                    (key, snake_keys(v, k == "extra" || under_extra))
                })
                .collect();
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn check_request_cases(case_style: Case) -> usize {
    let table = load("bad-inputs.json");
    let cases = table["requests"].as_array().expect("requests");
    for case in cases {
        let name = text(case, "/name");
        let input = match case_style {
            Case::Camel => case["request"].clone(),
            Case::Snake => snake_keys(&case["request"], false),
        };
        let err = PayoutRequest::from_json(input, case_style).expect_err(name);
        let mut got: Vec<(String, String)> = err
            .violations()
            .iter()
            .map(|v| (v.path.in_case(case_style).to_owned(), v.rule.as_str().to_owned()))
            .collect();
        let path_key = if case_style == Case::Camel { "path" } else { "pathSnake" };
        let mut want: Vec<(String, String)> = case["violations"]
            .as_array()
            .expect("violations")
            .iter()
            .map(|v| (text(v, &format!("/{path_key}")).to_owned(), text(v, "/rule").to_owned()))
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{name}: {err}");
        assert!(!err.to_string().is_empty());
    }
    cases.len()
}

#[test]
fn request_rules_camel_case() {
    assert!(check_request_cases(Case::Camel) >= 50);
}

#[test]
fn request_rules_snake_case() {
    assert!(check_request_cases(Case::Snake) >= 50);
}

#[test]
fn private_key_mistakes() {
    let table = load("bad-inputs.json");
    let keys = keys();
    for case in table["privateKeys"].as_array().expect("privateKeys") {
        let name = text(case, "/name");
        let mut key = key_text(&keys, &case["key"]);
        if let Some(n) = case["truncate"].as_u64() {
            key.truncate(usize::try_from(n).expect("small"));
        }
        let err = MerchantKey::from_text(&key).expect_err(name);
        assert_eq!(err.kind(), text(case, "/error"), "{name}: {err}");
        assert_no_key_material(&err.to_string(), &key);
    }
    let probe = b"sign me";
    let reference = MerchantKey::from_text(text(&keys, "/merchant/pkcs8_pem")).expect("reference key");
    for case in table["goodPrivateKeys"].as_array().expect("goodPrivateKeys") {
        let name = text(case, "/name");
        let key = MerchantKey::from_text(&key_text(&keys, &case["key"])).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(key.public_key().verify(probe, &key.sign(probe)), "{name}");
        assert!(format!("{key:?}").contains("***"));
        if !name.contains("4096") {
            assert_eq!(key.sign(probe), reference.sign(probe), "{name}: same key, same signature");
        }
    }
}

#[test]
fn public_key_mistakes() {
    let table = load("bad-inputs.json");
    let keys = keys();
    for case in table["publicKeys"].as_array().expect("publicKeys") {
        let name = text(case, "/name");
        let err = PlatformKey::from_text(&key_text(&keys, &case["key"])).expect_err(name);
        assert_eq!(err.kind(), text(case, "/error"), "{name}: {err}");
    }
    let spki = PlatformKey::from_text(text(&keys, "/platform/public_spki_base64")).expect("spki");
    for case in table["goodPublicKeys"].as_array().expect("goodPublicKeys") {
        let name = text(case, "/name");
        let key = PlatformKey::from_text(&key_text(&keys, &case["key"])).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(key, spki, "{name}: same key in another form");
        assert_eq!(key.bits(), 2048);
    }
}

#[test]
fn configuration_mistakes() {
    let table = load("bad-inputs.json");
    let keys = keys();
    for case in table["config"].as_array().expect("config") {
        let name = text(case, "/name");
        let s = &case["settings"];
        let mut b = Client::builder();
        if let Some(v) = s["merchantId"].as_str() {
            b = b.merchant_id(v);
        }
        if let Some(v) = s["merchantSecret"].as_str() {
            b = b.merchant_secret(v);
        }
        let key = s.get("privateKey").map(|k| key_text(&keys, k));
        if let Some(k) = &key {
            b = b.private_key(k.as_str());
        }
        if let Some(v) = s["baseUrl"].as_str() {
            b = b.base_url(v);
        }
        let built = match s["environment"].as_str() {
            Some(env) => Environment::parse(env).and_then(|e| b.environment(e).build()),
            None => b.build(),
        };
        let err = built.expect_err(name);
        assert_eq!(err.kind(), "config", "{name}");
        let message = err.to_string();
        assert!(message.contains(text(case, "/messageContains")), "{name}: {message}");
        if let Some(secret) = s["merchantSecret"].as_str() {
            assert!(!message.contains(secret), "{name}: secret in message");
        }
        if let Some(k) = &key {
            assert_no_key_material(&message, k);
        }
    }
}

/// No 16-character run of the key's base64 body appears in `message`.
fn assert_no_key_material(message: &str, key: &str) {
    let body: String = key.lines().filter(|l| !l.starts_with("-----")).collect::<String>().replace("\\n", "");
    let chars: Vec<char> = body.chars().filter(|c| !c.is_whitespace()).collect();
    for window in chars.windows(16).step_by(8) {
        let needle: String = window.iter().collect();
        assert!(!message.contains(&needle), "key material in error: {message}");
    }
}

#[test]
fn an_unknown_key_is_named_as_written_with_the_case_to_use() {
    let row = serde_json::json!({
        "region": "IDR", "orderNo": "IDR0000000001", "order_no": "IDR0000000001", "purpose": "payroll",
        "amount": "10000", "payment_method": "BCA", "cash_account": "1234567890",
        "receiver": {"name": "Budi", "bankCode": "014"}
    });
    let err = PayoutRequest::from_json(row, Case::Snake).expect_err("camelCase keys in a snake_case row");
    let messages: Vec<&str> = err.violations().iter().map(|v| v.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.starts_with("orderNo is not a field") && m.contains("snake_case here (order_no)")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("receiver.bankCode is not a field") && m.contains("(receiver.bank_code)")),
        "{messages:?}"
    );
    // In camelCase a snake_case key gets the camelCase name; another unknown key no hint.
    let camel = serde_json::json!({"region": "IDR", "order_no": "IDR0000000001", "colour": "red"});
    let err = PayoutRequest::from_json(camel, Case::Camel).expect_err("an unknown key");
    let messages: Vec<&str> = err.violations().iter().map(|v| v.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.starts_with("colour is not a field of this request;")), "{messages:?}");
    assert!(
        messages.iter().any(|m| m.starts_with("order_no is not a field") && m.contains("camelCase here (orderNo)")),
        "{messages:?}"
    );
}
