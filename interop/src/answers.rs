//! Errors and answers as JSON values with keys in the binding's naming style, so that
//! neither binding maps a field by hand and both expose the same fields. Amounts are
//! strings (exact), times are kept as written, and each answer carries its raw body under
//! `raw`.

use serde::Serialize;
use serde_json::{Map, Value, json};
use smilepayz::callback::{ConfirmedCallback, Delivery, HandlerResponse, SignatureError, VerifiedCallback};
use smilepayz::events::Event;
use smilepayz::models::{BalanceResponse, CallbackNotification, PayoutResponse, RawJson, StatusResponse};
use smilepayz::validation::{Case, ValidationError, in_case, recase};
use smilepayz::{Error, Reconciliation, UnknownCause};

/// An event as a binding hands it on: its `event` name and fields (snake_case, as the
/// core serialises them, for Python's log record attributes; camelCase for Node).
pub fn event(event: &Event, case: Case) -> Value {
    // Serialising our own derive-only type into a Value cannot fail.
    let value = serde_json::to_value(event).unwrap_or(Value::Null);
    match (case, value) {
        (Case::Camel, Value::Object(map)) => {
            Value::Object(map.into_iter().map(|(k, v)| (snake_to_camel(&k), v)).collect())
        }
        (_, value) => value,
    }
}

fn snake_to_camel(name: &str) -> String {
    let mut parts = name.split('_');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// A pay-out answer.
pub fn payout_response(response: &PayoutResponse, case: Case) -> Value {
    answer(response, &response.raw, case)
}

/// A status inquiry answer.
pub fn status_response(response: &StatusResponse, case: Case) -> Value {
    answer(response, &response.raw, case)
}

/// A balance inquiry answer.
pub fn balance_response(response: &BalanceResponse, case: Case) -> Value {
    answer(response, &response.raw, case)
}

/// A callback body (verified or not: the caller knows which).
pub fn callback_notification(notification: &CallbackNotification, case: Case) -> Value {
    answer(notification, &notification.raw, case)
}

/// A verified callback: its body and `X-TIMESTAMP`.
pub fn verified_callback(callback: &VerifiedCallback, case: Case) -> Value {
    let mut value = callback_notification(&callback.notification, case);
    insert(&mut value, "timestamp", Value::String(callback.timestamp.clone()));
    value
}

/// [`verified_callback`] in camelCase as JSON text, without `raw` (a binding hands the
/// body over apart): one serialisation, for JavaScript's `JSON.parse`.
pub fn verified_callback_camel_json(callback: &VerifiedCallback) -> String {
    /// The callback's own fields (camelCase, as it serialises) and its `X-TIMESTAMP`.
    #[derive(Serialize)]
    struct Fields<'a> {
        #[serde(flatten)]
        notification: &'a CallbackNotification,
        timestamp: &'a str,
    }
    let fields = Fields { notification: &callback.notification, timestamp: &callback.timestamp };
    // Our own derive-only types always serialise; the fallback is the empty object.
    serde_json::to_string(&fields).unwrap_or_else(|_| "{}".to_owned())
}

/// A confirmed callback: the confirmed order and trade numbers, the callback and the
/// gateway's inquiry answer.
pub fn confirmed_callback(confirmed: &ConfirmedCallback, case: Case) -> Value {
    json!({
        name("orderNo", case): confirmed.order_no(),
        name("tradeNo", case): confirmed.trade_no(),
        "callback": callback_notification(&confirmed.callback, case),
        "inquiry": status_response(&confirmed.inquiry, case),
    })
}

/// A delivery for the merchant's callback function: the order, trade, status to book,
/// announced status, whether it is stale, its idempotency key, the callback and the
/// gateway's inquiry answer.
pub fn delivery(delivery: &Delivery, case: Case) -> Value {
    json!({
        name("orderNo", case): delivery.order_no,
        name("tradeNo", case): delivery.trade_no,
        "status": delivery.status.as_str(),
        name("announcedStatus", case): delivery.announced_status.as_str(),
        "stale": delivery.stale,
        name("idempotencyKey", case): delivery.idempotency_key(),
        "callback": callback_notification(&delivery.callback, case),
        "inquiry": status_response(&delivery.inquiry, case),
    })
}

/// What a callback endpoint answers: `status`, `body`, `contentType`.
pub fn handler_response(response: &HandlerResponse, case: Case) -> Value {
    json!({
        "status": response.status,
        "body": response.body,
        name("contentType", case): response.content_type,
    })
}

/// What reconciliation concluded: `outcome` is `settled`, `pending` or `not_found`.
pub fn reconciliation(result: &Reconciliation, case: Case) -> Value {
    match result {
        Reconciliation::Settled(status) => json!({ "outcome": "settled", "status": status_response(status, case) }),
        Reconciliation::Pending(status) => json!({ "outcome": "pending", "status": status_response(status, case) }),
        Reconciliation::NotFound { code, message } => {
            json!({ "outcome": "not_found", "code": code, "message": message })
        }
    }
}

/// The fields of an error, named in `case`: always `kind`, `code` (the Node code) and
/// `message`; then what API.md gives each kind.
pub fn error_fields(error: &Error, case: Case) -> Value {
    let message = match error {
        Error::Validation(v) => v.clone().with_case(case).to_string(),
        other => other.to_string(),
    };
    let mut fields = Map::new();
    let mut put = |camel: &str, value: Value| {
        fields.insert(name(camel, case), value);
    };
    put("kind", error.kind().into());
    put("code", error.code().into());
    put("message", message.into());
    match error {
        Error::Validation(v) => put("violations", violations(v, case)),
        Error::Config { key_error, .. } => put("keyError", key_error.as_ref().map(|k| k.kind()).into()),
        Error::Api(api) => {
            put("apiCode", api.code.clone().into());
            put("apiMessage", api.message.clone().into());
            put("httpStatus", api.http_status.into());
            put("rawBody", api.raw_body.clone().into());
        }
        Error::OutcomeUnknown { order_no, cause } => {
            put("orderNo", order_no.as_str().into());
            // `reason`, not `cause`: JavaScript's `Error.cause` is the underlying Error.
            put("reason", cause.kind().into());
            put("reasonDetail", cause.to_string().into());
            let status = match cause {
                UnknownCause::ServerError { http_status, .. } | UnknownCause::Redirect { http_status, .. } => {
                    Some(*http_status)
                }
                UnknownCause::Unreadable(p) => Some(p.http_status),
                _ => None,
            };
            put("httpStatus", status.into());
        }
        Error::Transport(_) => {}
        Error::Protocol(p) => {
            put("httpStatus", p.http_status.into());
            put("detail", p.detail.clone().into());
            put("bodyExcerpt", p.body_excerpt.clone().into());
        }
        Error::Signature(s) => put("check", s.kind().into()),
        Error::CallbackMismatch(m) => {
            put("field", m.field.into());
            put("callbackValue", m.callback_value.clone().into());
            put("gatewayValue", m.gateway_value.clone().into());
        }
        Error::StaleCallback(stale) => {
            put("announcedStatus", stale.announced_status().map(|s| s.as_str().to_owned()).into());
            put("gatewayStatus", stale.gateway_status().map(|s| s.as_str().to_owned()).into());
            put("callback", callback_notification(&stale.callback, case));
            put("inquiry", status_response(&stale.inquiry, case));
        }
        Error::Internal(_) | Error::Aborted(_) => {}
        // A kind the core adds later (`Error` is non-exhaustive): kind, code and message.
        _ => {}
    }
    Value::Object(fields)
}

/// The fields of a callback verification failure (a [`Error::Signature`]).
pub fn signature_error_fields(error: &SignatureError, case: Case) -> Value {
    error_fields(&Error::Signature(error.clone()), case)
}

fn violations(error: &ValidationError, case: Case) -> Value {
    error
        .violations()
        .iter()
        .map(|v| json!({ "path": v.path.in_case(case), "rule": v.rule.as_str(), "message": v.message }))
        .collect()
}

fn answer<T: Serialize>(typed: &T, raw: &RawJson, case: Case) -> Value {
    // Serialising our own derive-only types into a Value cannot fail.
    let mut value = recase(serde_json::to_value(typed).unwrap_or(Value::Null), case);
    insert(&mut value, "raw", Value::String(raw.as_str().to_owned()));
    value
}

fn insert(value: &mut Value, key: &str, item: Value) {
    if let Value::Object(map) = value {
        map.insert(key.to_owned(), item);
    }
}

fn name(camel: &str, case: Case) -> String {
    in_case(camel, case)
}

#[cfg(test)]
mod tests {
    use super::*;
    use smilepayz::Client;
    use smilepayz::models::GatewayBody;

    #[test]
    fn answers_keep_exact_amounts_raw_body_and_case() {
        let body = br#"{"code":"00","message":"ok","orderNo":"A1","tradeNo":"T1","status":"PROCESSING",
            "money":{"currency":"USDT","amount":100.5000},"merchant":{"merchantId":"m1"}}"#;
        let response = PayoutResponse::from_json(body).expect("parses");
        let snake = payout_response(&response, Case::Snake);
        assert_eq!(snake["order_no"], "A1");
        assert_eq!(snake["money"]["amount"], "100.5000");
        assert_eq!(snake["merchant"]["merchant_id"], "m1");
        assert_eq!(snake["raw"], std::str::from_utf8(body).expect("utf-8"));
        let camel = payout_response(&response, Case::Camel);
        assert_eq!(camel["tradeNo"], "T1");
        assert_eq!(camel["disbursementTime"], Value::Null);
    }

    #[test]
    fn the_camel_json_of_a_verified_callback_is_the_interop_value_without_raw() {
        let body = br#"{"tradeNo":"T1","orderNo":"O1","status":"SUCCESS","money":{"currency":"USDT","amount":1.50}}"#;
        let callback = VerifiedCallback {
            notification: CallbackNotification::from_json(body).expect("parses"),
            timestamp: "2024-04-10T08:45:32+07:00".to_owned(),
        };
        let mut expected = verified_callback(&callback, Case::Camel);
        if let Value::Object(map) = &mut expected {
            map.remove("raw");
        }
        let text = verified_callback_camel_json(&callback);
        assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON"), expected);
    }

    #[test]
    fn error_fields_name_every_detail() {
        let unknown = Error::OutcomeUnknown {
            order_no: smilepayz::models::OrderNo::parse("ORDER0001").expect("valid"),
            cause: UnknownCause::ServerError { http_status: 502, body_excerpt: String::new() },
        };
        let fields = error_fields(&unknown, Case::Snake);
        assert_eq!(fields["kind"], "outcome_unknown");
        assert_eq!(fields["code"], "SMILEPAYZ_OUTCOME_UNKNOWN");
        assert_eq!(fields["order_no"], "ORDER0001");
        assert_eq!(fields["reason"], "server_error");
        assert_eq!(fields["http_status"], 502);
        let signature = signature_error_fields(&SignatureError::BadSignature, Case::Camel);
        assert_eq!(signature["check"], "bad_signature");
        let config = Client::builder().merchant_id("m").merchant_secret("s").private_key("not a key!").build();
        let fields = error_fields(&config.expect_err("bad key"), Case::Camel);
        assert_eq!(fields["keyError"], "not_pem_or_base64");
    }

    #[test]
    fn events_keep_their_name_and_take_the_bindings_case() {
        let event = Event::CallbackMismatch { order_no: "O1".into(), field: "money.amount", stale: true };
        assert_eq!(
            super::event(&event, Case::Snake),
            json!({"event": "callback_mismatch", "order_no": "O1", "field": "money.amount", "stale": true})
        );
        assert_eq!(
            super::event(&event, Case::Camel),
            json!({"event": "callback_mismatch", "orderNo": "O1", "field": "money.amount", "stale": true})
        );
    }
}
