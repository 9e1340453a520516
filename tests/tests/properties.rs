//! Properties over generated inputs: the signed bytes are the body bytes, valid requests
//! round-trip through the gateway side, and no input makes parsing or validation panic.

use proptest::prelude::*;
use serde_json::{Map, Value};
use smilepayz::signing::{MerchantKey, sign_request, verify_request};
use smilepayz::{
    CallbackNotification, Case, Decimal, GatewayBody, IndonesiaPayout, IndonesiaReceiver, PayoutRequest,
    PayoutResponse, Region, UsdtNetwork, UsdtPayout,
};
use smilepayz_tests::{keys, text};
use std::sync::OnceLock;

fn key() -> &'static MerchantKey {
    static KEY: OnceLock<MerchantKey> = OnceLock::new();
    KEY.get_or_init(|| MerchantKey::from_text(text(&keys(), "/merchant/pkcs8_pem")).expect("key"))
}

fn purpose() -> impl Strategy<Value = String> {
    // Any text but control characters and the bidi controls the rules refuse.
    let shown_as_sent = |c: &char| !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    proptest::collection::vec(any::<char>().prop_filter("text shown as sent", shown_as_sent), 1..=64)
        .prop_map(|chars| chars.into_iter().collect())
}

fn indonesia() -> impl Strategy<Value = PayoutRequest> {
    (
        "[A-Za-z0-9]{6,32}",
        purpose(),
        1u64..1_000_000_000_000,
        "[A-Z]{3,8}",
        "[0-9]{6,32}",
        proptest::option::of(purpose()),
    )
        .prop_map(|(order_no, purpose, amount, bank, account, name)| {
            let mut p = IndonesiaPayout::new(order_no, purpose, Decimal::from(amount), bank, account);
            p.receiver = name.map(|n| IndonesiaReceiver { name: Some(n), account_no: None });
            p.into()
        })
}

fn usdt() -> impl Strategy<Value = PayoutRequest> {
    ("[A-Za-z0-9]{6,32}", purpose(), 1i64..1_000_000_000, 0u32..=4).prop_map(|(order_no, purpose, units, scale)| {
        let amount = Decimal::new(units, scale);
        UsdtPayout::new(order_no, purpose, amount, UsdtNetwork::Bep20, "0x52908400098527886E0F7030069857D2E4169EE7")
            .into()
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(Region::ALL.to_vec()).prop_map(|r| Value::String(r.currency().into())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        let keys = prop_oneof![
            Just("region".to_owned()),
            Just("orderNo".to_owned()),
            Just("amount".to_owned()),
            Just("receiver".to_owned()),
            Just("extra".to_owned()),
            Just("cashAccount".to_owned()),
            "[a-zA-Z]{1,8}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((keys, inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_signed_bytes_are_the_body_bytes(request in prop_oneof![indonesia(), usdt()]) {
        let prepared = request.prepare("sandbox-20019").expect("generated requests are valid");
        let sig = sign_request(key(), "2024-04-10T08:45:32+07:00", "s3cret", prepared.body());
        prop_assert!(verify_request(&key().public_key(), "2024-04-10T08:45:32+07:00", "s3cret", prepared.body(), &sig));
        let (read_back, merchant) = PayoutRequest::from_wire(prepared.body()).expect("the gateway reads it");
        prop_assert_eq!(merchant, "sandbox-20019");
        // USDT amounts are written normalised (100.50 -> 100.5); the value is the same.
        match (&read_back, &request) {
            (PayoutRequest::Usdt(a), PayoutRequest::Usdt(b)) => prop_assert_eq!(a.amount, b.amount),
            _ => prop_assert_eq!(&read_back, &request),
        }
    }

    #[test]
    fn loose_json_never_panics(value in json_value()) {
        let _ = PayoutRequest::from_json(value.clone(), Case::Camel);
        let _ = PayoutRequest::from_json(value.clone(), Case::Snake);
        let bytes = serde_json::to_vec(&value).expect("serialises");
        let _ = PayoutRequest::from_wire(&bytes);
        let _ = PayoutResponse::from_json(&bytes);
        let _ = CallbackNotification::from_json(&bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = PayoutRequest::from_wire(&bytes);
        let _ = PayoutResponse::from_json(&bytes);
        let _ = CallbackNotification::from_json(&bytes);
        let _ = MerchantKey::from_text(&String::from_utf8_lossy(&bytes));
    }
}
