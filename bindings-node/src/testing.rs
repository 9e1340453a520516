//! `smilepayz/testing`: the Rust mock gateway (`smilepayz-testkit`) and the signing
//! helpers the shared vectors need, exposed for Node tests. Test support only.

use crate::convert::to_json;
use crate::errors::{OnPanic, guarded, plain, shield, to_js};
use crate::options::{Strict, known_fields};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Uint8Array, Unknown};
use napi_derive::napi;
use serde_json::{Value, json};
use smilepayz::models::amount::parse_decimal;
use smilepayz::signing::{format_timestamp, sign_request};
use smilepayz::{Case, MerchantKey, PayoutRequest, Status};
use smilepayz_testkit::{CallbackDelivery, Endpoint, Fault, MockConfig, MockGateway, SignedCallback};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use time::{OffsetDateTime, UtcOffset};

/// Mock gateway settings; unset ones are generated.
#[napi(object)]
pub struct MockOptions {
    /// The merchant id served.
    pub merchant_id: Option<String>,
    /// The merchant secret.
    pub merchant_secret: Option<String>,
    /// The merchant private key requests must be signed with.
    pub merchant_private_key: Option<String>,
    /// The platform private key callbacks are signed with.
    pub platform_private_key: Option<String>,
}

known_fields!(
    "MockGateway.start",
    MockOptions { merchant_id, merchant_secret, merchant_private_key, platform_private_key }
);

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

fn key(text: &str) -> napi::Result<MerchantKey> {
    MerchantKey::from_text(text).map_err(|e| plain(format!("mock gateway key: {e}")))
}

fn signed_json(s: &SignedCallback) -> Value {
    json!({ "headers": s.headers.iter().map(|(k, v)| [k, v]).collect::<Vec<_>>(), "body": s.body_text() })
}

fn delivery_json(d: Option<CallbackDelivery>) -> Value {
    d.map_or(Value::Null, |d| json!({ "httpStatus": d.http_status, "body": d.body, "acknowledged": d.acknowledged }))
}

fn fault(kind: &str, delay_ms: Option<f64>, http_status: Option<u32>) -> napi::Result<Fault> {
    if http_status.is_some() && !kind.starts_with("redirect") {
        return Err(plain(format!("only the redirect faults take an HTTP status, not {kind:?}")));
    }
    // 307 and 308 keep the method and body: a client that follows them sends the pay-out again.
    let status = match http_status.map(u16::try_from) {
        None => 307,
        Some(Ok(s @ 300..=399)) => s,
        Some(_) => return Err(plain(format!("a redirect status is 3xx, got {}", http_status.unwrap_or_default()))),
    };
    Ok(match kind {
        "delay" => Fault::Delay(Duration::from_secs_f64(delay_ms.unwrap_or(0.0).max(0.0) / 1000.0)),
        "serverErrorAfterAccept" => Fault::ServerErrorAfterAccept,
        "dropAfterAccept" => Fault::DropAfterAccept,
        "malformedAfterAccept" => Fault::MalformedAfterAccept,
        "redirectBeforeAccept" => Fault::RedirectBeforeAccept { status },
        "redirectAfterAccept" => Fault::RedirectAfterAccept { status },
        "resetDuringUpload" => Fault::ResetDuringUpload,
        "truncatedAfterAccept" => Fault::TruncatedAfterAccept,
        "oversizedAfterAccept" => Fault::OversizedAfterAccept,
        "closeIdleKeepAlive" => Fault::CloseIdleKeepAlive,
        other => return Err(plain(format!("unknown fault {other:?}"))),
    })
}

fn endpoint(name: &str) -> napi::Result<Endpoint> {
    match name {
        "payout" => Ok(Endpoint::Payout),
        "status" => Ok(Endpoint::Status),
        "balance" => Ok(Endpoint::Balance),
        other => Err(plain(format!("unknown endpoint {other:?}: payout, status or balance"))),
    }
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

    /// Queues a fault for the next request to an endpoint.
    #[napi(catch_unwind)]
    pub fn inject(
        &self,
        endpoint_name: String,
        fault_kind: String,
        delay_ms: Option<f64>,
        http_status: Option<u32>,
    ) -> napi::Result<()> {
        self.gateway()?.inject(endpoint(&endpoint_name)?, fault(&fault_kind, delay_ms, http_status)?);
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
        let duration = Duration::from_secs_f64(ms.max(0.0) / 1000.0);
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
        let timestamp = timestamp.unwrap_or_else(|| format_timestamp(OffsetDateTime::now_utc(), UtcOffset::UTC));
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
        let all = self.gateway()?.received();
        Ok(Value::Array(
            all.iter()
                .map(|r| {
                    json!({
                        "method": r.method, "path": r.path,
                        "headers": r.headers.iter().map(|(k, v)| [k, v]).collect::<Vec<_>>(),
                        "body": String::from_utf8_lossy(&r.body), "httpStatus": r.http_status, "code": r.code,
                        "fault": r.fault.as_ref().map(|f| format!("{f:?}")), "handled": r.handled,
                    })
                })
                .collect(),
        ))
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
    pub fn stop<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
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
    ts_args_type = "options?: MockOptions | undefined | null",
    ts_return_type = "Promise<NativeMockGateway>"
)]
pub fn start_mock_gateway<'env>(
    env: &'env Env,
    options: Option<Strict<MockOptions>>,
) -> napi::Result<PromiseRaw<'env, NativeMockGateway>> {
    let mut config = MockConfig::default();
    if let Some(Strict(o)) = options {
        if let Some(v) = o.merchant_id {
            config.merchant_id = v;
        }
        if let Some(v) = o.merchant_secret {
            config.merchant_secret = v;
        }
        config.merchant_key = o.merchant_private_key.as_deref().map(key).transpose()?;
        config.platform_key = o.platform_private_key.as_deref().map(key).transpose()?;
    }
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
    let key = MerchantKey::from_text(&platform_private_key)
        .map_err(|e| to_js(&smilepayz::Error::config(format!("platform private key: {e}"))))?;
    let timestamp = timestamp.unwrap_or_else(|| format_timestamp(OffsetDateTime::now_utc(), UtcOffset::UTC));
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
    let key = MerchantKey::from_text(&private_key)
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
