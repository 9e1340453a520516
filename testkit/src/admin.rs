//! The admin HTTP API under `/_mock/`, served when `MockConfig::admin_api` is on: what a
//! test in any language needs to steer a mock gateway running in another process (as
//! `smilepayz mock` does). It calls the same code as [`MockGateway`](crate::MockGateway)'s
//! methods and reads faults with the same [`FaultSettings`]. Bodies are JSON in
//! camelCase (snake_case accepted too); errors are `{"error": "..."}`.

use crate::callbacks;
use crate::error::MockError;
use crate::faults::Endpoint;
use crate::orders::Balance;
use crate::settings::FaultSettings;
use crate::state::Shared;
use http::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use smilepayz::validation::recase;
use smilepayz::{Case, Decimal, Status};

/// Where the admin API lives.
pub(crate) const PREFIX: &str = "/_mock/";

/// An HTTP status and a JSON body.
pub(crate) type AdminReply = (u16, Value);

/// The answer to an admin request for `path` (which starts with [`PREFIX`]).
pub(crate) async fn answer(shared: &Shared, method: &Method, path: &str, body: &[u8]) -> AdminReply {
    let name = path.strip_prefix(PREFIX).unwrap_or_default();
    let expected = match name {
        "orders" | "requests" => Method::GET,
        "settle" | "faults" | "balances" | "reset" => Method::POST,
        _ => {
            return error(
                404,
                format!("no admin endpoint at {path}: settle, faults, orders, requests, balances, reset"),
            );
        }
    };
    if *method != expected {
        return error(405, format!("{path} takes {expected}, not {method}"));
    }
    let outcome = match name {
        "orders" => Ok(Value::Array(shared.orders.all().iter().map(|o| o.to_json(Case::Camel)).collect())),
        "requests" => Ok(Value::Array(shared.log.all().iter().map(|r| r.to_json(Case::Camel)).collect())),
        "reset" => {
            shared.reset();
            Ok(json!({}))
        }
        "settle" => settle(shared, body).await,
        "faults" => fault(shared, body),
        _ => balance(shared, body),
    };
    match outcome {
        Ok(answer) => (200, answer),
        Err(refused) => refused,
    }
}

/// `{"error": message}` with `status`.
pub(crate) fn error(status: u16, message: impl Into<String>) -> AdminReply {
    (status, json!({ "error": message.into() }))
}

/// Reads a JSON object body as `T`, or answers 400 naming what is wrong.
fn read<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, AdminReply> {
    serde_json::from_slice(body).map_err(|e| error(400, format!("unreadable body: {e}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settle {
    #[serde(alias = "order_no", rename = "orderNo")]
    order_no: String,
    status: String,
}

async fn settle(shared: &Shared, body: &[u8]) -> Result<Value, AdminReply> {
    let Settle { order_no, status } = read(body)?;
    if status.trim().is_empty() {
        return Err(error(400, "status is empty"));
    }
    match callbacks::settle(shared, &order_no, Status::parse(&status)).await {
        Ok(delivery) => Ok(recase(
            json!({
                "orderNo": order_no, "status": status,
                "callback": delivery.map(|d| json!({
                    "httpStatus": d.http_status, "body": d.body, "acknowledged": d.acknowledged,
                })),
            }),
            Case::Camel,
        )),
        Err(e @ MockError::UnknownOrder(_)) => Err(error(404, e.to_string())),
        // The status has changed all the same; the caller learns the delivery failed.
        Err(e) => Err(error(502, format!("status set to {status}, but {e}"))),
    }
}

/// `{"endpoint": "payout" | "status" | "balance", "fault": ..., …}`: the endpoint, then
/// the fault's own settings as `FaultSettings` reads them.
fn fault(shared: &Shared, body: &[u8]) -> Result<Value, AdminReply> {
    let mut map: Map<String, Value> = read(body)?;
    let endpoint = match map.remove("endpoint") {
        Some(Value::String(e)) => Endpoint::parse(&e).map_err(|e| error(400, e.to_string()))?,
        _ => return Err(error(400, "endpoint is required: payout, status or balance")),
    };
    let settings: FaultSettings =
        serde_json::from_value(Value::Object(map)).map_err(|e| error(400, format!("fault: {e}")))?;
    let fault = settings.fault().map_err(|e| error(400, e.to_string()))?;
    let queued = format!("{fault:?}");
    shared.faults.push(endpoint, fault);
    Ok(json!({ "endpoint": endpoint.path(), "queued": queued }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetBalance {
    #[serde(alias = "account_no", rename = "accountNo")]
    account_no: String,
    currency: String,
    balance: Value,
    available: Value,
}

/// An exact amount from a JSON string or number (its own text, never a float).
fn amount(name: &str, value: &Value) -> Result<Decimal, AdminReply> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return Err(error(400, format!("{name} must be a decimal string or number"))),
    };
    smilepayz::models::amount::parse_decimal(&text).map_err(|e| error(400, format!("{name}: {e}")))
}

fn balance(shared: &Shared, body: &[u8]) -> Result<Value, AdminReply> {
    let b: SetBalance = read(body)?;
    if b.account_no.trim().is_empty() || b.currency.trim().is_empty() {
        return Err(error(400, "accountNo and currency must not be empty"));
    }
    let total = amount("balance", &b.balance)?;
    let available = amount("available", &b.available)?;
    shared.orders.set_balance(&b.account_no, Balance { currency: b.currency, total, available });
    Ok(json!({ "accountNo": b.account_no }))
}
