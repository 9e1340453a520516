//! `smilepayz/testing`: the Rust mock gateway (`smilepayz-testkit`) and the signing
//! helpers the shared vectors need, exposed for Node tests. Test support only.

use crate::convert::{settings_to_json, to_json};
use crate::errors::{OnPanic, guarded, plain, shield, to_js};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Uint8Array, Unknown};
use napi_derive::napi;
use serde_json::{Value, json};
use smilepayz::models::amount::parse_decimal;
use smilepayz::signing::sign_request;
use smilepayz::{Case, PayoutRequest, SigningKey, Status};
use smilepayz_interop::settings::read;
use smilepayz_testkit::{
    CallbackDelivery, Endpoint, FaultSettings, MockError, MockGateway, MockSettings, SignedCallback,
    callback_timestamp_now, millis,
};
use std::sync::{Arc, Mutex, PoisonError};

/// A running mock gateway.
#[napi]
pub struct NativeMockGateway {
    // `None` once stopped; an `Arc` so calls in flight keep it alive.
    inner: Mutex<Option<Arc<MockGateway>>>,
    base_url: String,
    merchant_id: String,
    merchant_secret: String,
    merchant_private_key_pem: String,
    platform_public_key: String,
}

/// A refused setting or fault is a `ConfigError`; anything else a plain `Error`.
fn refused(e: MockError) -> napi::Error {
    match e {
        MockError::Config(message) => to_js(&smilepayz::Error::config(message)),
        other => plain(other),
    }
}

fn signed_json(s: &SignedCallback) -> Value {
    json!({ "headers": s.headers.iter().map(|(k, v)| [k, v]).collect::<Vec<_>>(), "body": s.body_text() })
}

fn delivery_json(d: Option<CallbackDelivery>) -> Value {
    d.map_or(Value::Null, |d| json!({ "httpStatus": d.http_status, "body": d.body, "acknowledged": d.acknowledged }))
}

impl NativeMockGateway {
    fn gateway(&self) -> napi::Result<Arc<MockGateway>> {
        let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard.clone().ok_or_else(|| plain("the mock gateway is stopped"))
    }
}

#[napi]
impl NativeMockGateway {
    /// `http://127.0.0.1:PORT`.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The merchant id served.
    #[napi(getter)]
    pub fn merchant_id(&self) -> String {
        self.merchant_id.clone()
    }

    /// The merchant secret.
    #[napi(getter)]
    pub fn merchant_secret(&self) -> String {
        self.merchant_secret.clone()
    }

    /// The merchant private key, PKCS#8 PEM.
    #[napi(getter)]
    pub fn merchant_private_key_pem(&self) -> String {
        self.merchant_private_key_pem.clone()
    }

    /// The platform public key, base64 SubjectPublicKeyInfo DER.
    #[napi(getter)]
    pub fn platform_public_key(&self) -> String {
        self.platform_public_key.clone()
    }

    /// The code the mock answers for an unknown order (for `orderNotFoundCodes`).
    #[napi(getter)]
    pub fn order_not_found_code(&self) -> String {
        smilepayz_testkit::codes::ORDER_NOT_FOUND.to_owned()
    }

    /// Queues a fault (its settings, read by the testkit) for the next request to an
    /// endpoint.
    #[napi(catch_unwind, ts_args_type = "endpoint: string, fault: Record<string, unknown>")]
    pub fn inject(&self, endpoint: String, fault: Unknown<'_>) -> napi::Result<()> {
        let endpoint = Endpoint::parse(&endpoint).map_err(refused)?;
        let fault: FaultSettings = read("fault", settings_to_json(fault)?).map_err(|e| to_js(&e))?;
        self.gateway()?.inject(endpoint, fault.fault().map_err(refused)?);
        Ok(())
    }

    /// How many kept-alive connections `closeIdleKeepAlive` reset under the client's next
    /// request.
    #[napi(catch_unwind)]
    pub fn closed_keep_alive_connections(&self) -> napi::Result<u32> {
        Ok(u32::try_from(self.gateway()?.closed_keep_alive_connections()).unwrap_or(u32::MAX))
    }

    /// Refuses connections for a while; resolves once they are refused.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn refuse_connections_for<'env>(&self, env: &'env Env, ms: f64) -> napi::Result<PromiseRaw<'env, ()>> {
        let gateway = self.gateway()?;
        let duration = millis("durationMs", ms).map_err(refused)?;
        env.spawn_future(guarded(async move {
            gateway.refuse_connections_for(duration).await;
            Ok(())
        }))
    }

    /// Sets an order's status and delivers its callback when it has a callbackUrl.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn settle<'env>(
        &self,
        env: &'env Env,
        order_no: String,
        status: String,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let gateway = self.gateway()?;
        env.spawn_future(guarded(async move {
            gateway.settle(&order_no, Status::parse(&status)).await.map(delivery_json).map_err(plain)
        }))
    }

    /// Sets the remark status inquiries answer for an order.
    #[napi(catch_unwind)]
    pub fn set_remark(&self, order_no: String, remark: String) -> napi::Result<bool> {
        Ok(self.gateway()?.set_remark(&order_no, &remark))
    }

    /// The signed callback the gateway would send for an order now.
    #[napi(catch_unwind)]
    pub fn signed_callback(&self, order_no: String) -> napi::Result<Value> {
        Ok(self.gateway()?.signed_callback(&order_no).as_ref().map_or(Value::Null, signed_json))
    }

    /// Signs any callback body with this gateway's platform key.
    #[napi(catch_unwind)]
    pub fn sign_callback(&self, body: Uint8Array, timestamp: Option<String>) -> napi::Result<Value> {
        let gateway = self.gateway()?;
        let timestamp = timestamp.unwrap_or_else(callback_timestamp_now);
        Ok(signed_json(&smilepayz_testkit::sign_callback(gateway.platform_key(), &body[..], &timestamp)))
    }

    /// An order's state, or null.
    #[napi(catch_unwind)]
    pub fn order(&self, order_no: String) -> napi::Result<Value> {
        Ok(self.gateway()?.order(&order_no).as_ref().map_or(Value::Null, |o| o.to_json(Case::Camel)))
    }

    /// Every order accepted, oldest first.
    #[napi(catch_unwind)]
    pub fn orders(&self) -> napi::Result<Value> {
        Ok(Value::Array(self.gateway()?.orders().iter().map(|o| o.to_json(Case::Camel)).collect()))
    }

    /// How many authenticated pay-out requests named an order number.
    #[napi(catch_unwind)]
    pub fn payout_requests_for(&self, order_no: String) -> napi::Result<u32> {
        Ok(u32::try_from(self.gateway()?.payout_requests_for(&order_no)).unwrap_or(u32::MAX))
    }

    /// Every HTTP request received, oldest first.
    #[napi(catch_unwind)]
    pub fn received(&self) -> napi::Result<Value> {
        Ok(Value::Array(self.gateway()?.received().iter().map(|r| r.to_json(Case::Camel)).collect()))
    }

    /// Sets what a balance inquiry for an account answers.
    #[napi(catch_unwind)]
    pub fn set_balance(
        &self,
        account_no: String,
        currency: String,
        balance: String,
        available: String,
    ) -> napi::Result<()> {
        let balance = parse_decimal(&balance).map_err(plain)?;
        let available = parse_decimal(&available).map_err(plain)?;
        self.gateway()?.set_balance(&account_no, &currency, balance, available);
        Ok(())
    }

    /// Stops the server (idempotent).
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let taken = self.inner.lock().unwrap_or_else(PoisonError::into_inner).take();
        env.spawn_future(guarded(async move {
            // With calls still in flight the last of them drops (and so stops) it.
            if let Some(gateway) = taken.and_then(|g| Arc::try_unwrap(g).ok()) {
                gateway.shutdown().await;
            }
            Ok(())
        }))
    }
}

/// Starts a gateway on 127.0.0.1 on a free port.
#[napi(
    catch_unwind,
    ts_args_type = "options?: Record<string, unknown> | undefined | null",
    ts_return_type = "Promise<NativeMockGateway>"
)]
pub fn start_mock_gateway<'env>(
    env: &'env Env,
    options: Option<Unknown<'_>>,
) -> napi::Result<PromiseRaw<'env, NativeMockGateway>> {
    let settings: MockSettings = match options {
        Some(o) if !matches!(o.get_type()?, napi::ValueType::Null | napi::ValueType::Undefined) => {
            read("MockGateway", settings_to_json(o)?).map_err(|e| to_js(&e))?
        }
        _ => MockSettings::default(),
    };
    let config = settings.into_config().map_err(refused)?;
    env.spawn_future(guarded(async move {
        let gateway = MockGateway::start_with(config).await.map_err(plain)?;
        Ok(NativeMockGateway {
            base_url: gateway.base_url(),
            merchant_id: gateway.merchant_id().to_owned(),
            merchant_secret: gateway.merchant_secret().to_owned(),
            merchant_private_key_pem: gateway.merchant_private_key_pem(),
            platform_public_key: gateway.platform_public_key_base64(),
            inner: Mutex::new(Some(Arc::new(gateway))),
        })
    }))
}

/// Signs a callback body with a platform private key, as the gateway does.
#[napi(catch_unwind)]
pub fn sign_callback(platform_private_key: String, body: Uint8Array, timestamp: Option<String>) -> napi::Result<Value> {
    let key = SigningKey::from_text(&platform_private_key)
        .map_err(|e| to_js(&smilepayz::Error::config(format!("platform private key: {e}"))))?;
    let timestamp = timestamp.unwrap_or_else(callback_timestamp_now);
    Ok(signed_json(&smilepayz_testkit::sign_callback(&key, &body[..], &timestamp)))
}

/// The exact body the client would sign and send for a request (golden vectors).
#[napi(catch_unwind)]
pub fn prepare_payout_body(request: Unknown<'_>, merchant_id: String) -> napi::Result<String> {
    let request = PayoutRequest::from_json(to_json(request)?, Case::Camel).map_err(|e| to_js(&e.into()))?;
    let prepared = request.prepare(&merchant_id).map_err(|e| to_js(&e.into()))?;
    Ok(String::from_utf8_lossy(prepared.body()).into_owned())
}

/// `X-SIGNATURE` over `timestamp|secret|body` (golden vectors).
#[napi(catch_unwind)]
pub fn sign_request_body(
    private_key: String,
    timestamp: String,
    merchant_secret: String,
    body: String,
) -> napi::Result<String> {
    let key = SigningKey::from_text(&private_key)
        .map_err(|e| to_js(&smilepayz::Error::config(format!("private key: {e}"))))?;
    Ok(sign_request(&key, &timestamp, &merchant_secret, body.as_bytes()))
}

/// Panics on purpose, synchronously or inside a future: tests check that a Rust panic
/// becomes a JavaScript error and never takes the process down.
#[napi(catch_unwind, ts_return_type = "Promise<void>")]
#[allow(clippy::panic)] // The panic is the point of this function.
pub fn panic_for_tests<'env>(env: &'env Env, in_future: bool) -> napi::Result<PromiseRaw<'env, ()>> {
    if !in_future {
        shield(&OnPanic::Internal, || -> napi::Result<()> { panic!("deliberate panic (synchronous)") })?;
    }
    env.spawn_future(guarded(async { panic!("deliberate panic (in a future)") }))
}
