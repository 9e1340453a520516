//! The fault → outcome table of `tests/vectors/scenarios.json`, run in Rust (Python and
//! Node run the same table). Faults go through the testkit's one parser
//! (`FaultSettings`), client settings through the bindings' (`ClientSettings`), errors
//! and reconciliations are read as the bindings see them (`smilepayz_interop`). Every case
//! runs; the disagreements are listed together.

use serde_json::{Map, Value, json};
use smilepayz::{Case, Error, StatusQuery};
use smilepayz_interop::{Binding, ClientSettings, error_fields, reconciliation};
use smilepayz_testkit::{Endpoint, FaultSettings, MockGateway, MockSettings, millis};
use smilepayz_tests::{golden_request, keys, load, text};
use std::time::Duration;
use tokio::time::{Instant, sleep, sleep_until};

#[tokio::test(flavor = "multi_thread")]
async fn every_case_of_the_fault_table() {
    let table = load("scenarios.json");
    let cases = table["cases"].as_array().expect("cases");
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        if let Err(problem) = run(&table, index, case).await {
            failures.push(format!("{}: {problem}", case["name"]));
        }
    }
    println!("scenarios.json: {} fault cases run in Rust, {} failed", cases.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

async fn run(table: &Value, index: usize, case: &Value) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let request = golden_request(text(case, "/request/golden"), &format!("SCN{index:06}"));
    let order_no = request.order_no().to_owned();
    let keys = keys();
    let settings: MockSettings = serde_json::from_value(json!({
        "merchant_private_key": text(&keys, "/merchant/pkcs8_pem"),
        "platform_private_key": text(&keys, "/platform/private_pkcs8_pem"),
    }))
    .map_err(|e| fail(&e))?;
    let gateway = MockGateway::start_with(settings.into_config().map_err(|e| fail(&e))?).await.map_err(|e| fail(&e))?;
    let account = &table["balanceAccount"];
    let amount = |key: &str| text(account, &format!("/{key}")).parse().expect("a decimal");
    gateway.set_balance(
        text(account, "/accountNo"),
        text(account, "/currency"),
        amount("balance"),
        amount("available"),
    );
    let options = case.get("client").cloned().unwrap_or_else(|| json!({}));
    // The binding only tags the User-Agent.
    let settings = ClientSettings::from_json(options).map_err(|e| fail(&e))?;
    let client =
        settings.apply(gateway.client_builder(), Binding::Python).and_then(|b| b.build()).map_err(|e| fail(&e))?;
    let fallback = gateway.client_builder().build().map_err(|e| fail(&e))?;
    let endpoint = Endpoint::parse(case["endpoint"].as_str().unwrap_or_default()).map_err(|e| fail(&e))?;
    let (client, request, order_no) = (&client, &request, &order_no);
    let call = move |endpoint: Endpoint| async move {
        match endpoint {
            Endpoint::Payout => client.payout(request).await.map(drop),
            Endpoint::Status => client.inquire_status(&StatusQuery::OrderNo(order_no.clone())).await.map(drop),
            Endpoint::Balance => client.inquire_balance(text(account, "/accountNo")).await.map(drop),
        }
    };
    if endpoint != Endpoint::Payout {
        call(Endpoint::Payout).await.map_err(|e| format!("the pay-out before the inquiry: {e}"))?;
    }

    let fault = &case["fault"];
    let mut listening_again = Instant::now();
    if fault["fault"] == "refuse_connections" {
        let duration = millis("duration_ms", fault["duration_ms"].as_f64().unwrap_or(-1.0)).map_err(|e| fail(&e))?;
        listening_again += duration;
        gateway.refuse_connections_for(duration).await;
    } else if !fault.is_null() {
        let settings: FaultSettings =
            serde_json::from_value(fault.clone()).map_err(|e| format!("fault {fault}: {e}"))?;
        let fault = settings.fault().map_err(|e| fail(&e))?;
        match case.get("precededBy") {
            None => gateway.inject(endpoint, fault),
            Some(before) => {
                let before = Endpoint::parse(before.as_str().unwrap_or_default()).map_err(|e| fail(&e))?;
                gateway.inject(before, fault);
                call(before).await.map_err(|e| format!("the call before: {e}"))?;
                sleep(Duration::from_millis(table["backInPoolMs"].as_u64().unwrap_or(100))).await;
            }
        }
    }
    let outcome = call(endpoint).await;
    sleep_until(listening_again).await;

    let error = outcome.err().map(|e: Error| error_fields(&e, Case::Camel)).unwrap_or_else(|| json!({}));
    let expect = case["expect"].as_object().ok_or("no expect")?;
    if let Some(missing) = ["error", "cause", "gatewaySaw", "reconcile"].iter().find(|k| !expect.contains_key(**k)) {
        return Err(format!("expect has no {missing}"));
    }
    let reconciled = match expect["reconcile"].is_null() {
        true => Value::Null,
        false => {
            let answer = fallback.reconcile_payout(order_no).await.map_err(|e| format!("reconcile: {e}"))?;
            reconciliation(&answer, Case::Camel)["outcome"].clone()
        }
    };
    let mut got = Map::new();
    got.insert("error".into(), error.get("kind").cloned().unwrap_or(Value::Null));
    got.insert("cause".into(), error.get("reason").cloned().unwrap_or(Value::Null));
    got.insert("httpStatus".into(), error.get("httpStatus").cloned().unwrap_or(Value::Null));
    got.insert("gatewaySaw".into(), gateway.payout_requests_for(order_no).into());
    got.insert("reconcile".into(), reconciled);
    got.retain(|key, _| expect.contains_key(key));
    if got != *expect {
        return Err(format!("expected {}, got {}", Value::Object(expect.clone()), Value::Object(got)));
    }
    if expect["reconcile"] == "not_found" {
        // Never handled: sending it again is safe, and is the one the gateway counts.
        fallback.payout(request).await.map_err(|e| format!("the resend after not_found: {e}"))?;
        let saw = gateway.payout_requests_for(order_no);
        if Some(saw as u64) != expect["gatewaySaw"].as_u64().map(|n| n + 1) {
            return Err(format!("the resend after not_found: the gateway saw {saw} pay-outs"));
        }
    }
    Ok(())
}
