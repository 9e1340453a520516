//! `NativeClient`: builds a core `Client` from camelCase options and runs its calls on
//! the tokio runtime of napi, so the JavaScript thread never waits and many calls can
//! be in flight. Answers come back as the core's interop JSON.

use crate::callback::NativeVerifiedCallback;
use crate::convert::to_json;
use crate::errors::{OnPanic, config, guarded_as, shield, to_js};
use crate::options::{Strict, known_fields};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi_derive::napi;
use serde_json::Value;
use smilepayz::transport::MAX_RETRY_ATTEMPTS;
use smilepayz::{Case, Client, ClientBuilder, Environment, PayoutRequest, RetryPolicy, StatusQuery};
use smilepayz_interop as interop;
use std::future::Future;
use std::time::Duration;

/// Client settings; every check is the core's `ClientBuilder::build`.
#[napi(object)]
pub struct ClientOptions {
    /// The merchant id.
    pub merchant_id: Option<String>,
    /// The merchant secret.
    pub merchant_secret: Option<String>,
    /// The merchant private key (PEM or bare base64 DER).
    pub private_key: Option<String>,
    /// `sandbox` or `production`.
    pub environment: Option<String>,
    /// Any base URL; wins over `environment`.
    pub base_url: Option<String>,
    /// Connect timeout in milliseconds.
    pub connect_timeout_ms: Option<f64>,
    /// Whole-request timeout in milliseconds.
    pub timeout_ms: Option<f64>,
    /// Retry budget for safe retries.
    pub retry: Option<RetryOptions>,
    /// Appended to the User-Agent.
    pub user_agent_suffix: Option<String>,
    /// Gateway codes meaning "no such order" for reconciliation.
    pub order_not_found_codes: Option<Vec<String>>,
}

known_fields!("Client", ClientOptions {
    merchant_id,
    merchant_secret,
    private_key,
    environment,
    base_url,
    connect_timeout_ms,
    timeout_ms,
    retry,
    user_agent_suffix,
    order_not_found_codes,
} nested { retry: RetryOptions });

/// Retry settings; unset fields keep the core's defaults.
#[napi(object)]
pub struct RetryOptions {
    /// Attempts in total, the first included: a whole number (the core allows 1 to 10).
    pub max_attempts: Option<f64>,
    /// Wait before the first retry, in milliseconds.
    pub initial_backoff_ms: Option<f64>,
    /// Longest wait between attempts, in milliseconds.
    pub max_backoff_ms: Option<f64>,
}

known_fields!("retry", RetryOptions { max_attempts, initial_backoff_ms, max_backoff_ms });

/// The pay-out client.
#[napi]
pub struct NativeClient {
    inner: Client,
}

fn millis(name: &str, ms: f64) -> napi::Result<Duration> {
    // Only the conversion is checked here; the core refuses a zero timeout.
    Duration::try_from_secs_f64(ms / 1000.0)
        .map_err(|_| config(format!("{name} must be a non-negative finite number of milliseconds, got {ms}")))
}

/// The retry budget as the core's `u32`; a number it cannot hold exactly (1.5, -1, NaN,
/// 1e30) is refused here, in the words of the core's own range check.
fn attempts(n: f64) -> napi::Result<u32> {
    if n.is_finite() && n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
        // Checked just above: a whole number within u32.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return Ok(n as u32);
    }
    Err(config(format!("retry.maxAttempts must be a whole number between 1 and {MAX_RETRY_ATTEMPTS}, got {n}")))
}

fn apply(mut b: ClientBuilder, o: ClientOptions) -> napi::Result<ClientBuilder> {
    if let Some(v) = o.merchant_id {
        b = b.merchant_id(v);
    }
    if let Some(v) = o.merchant_secret {
        b = b.merchant_secret(v);
    }
    if let Some(v) = o.private_key {
        b = b.private_key(v);
    }
    if let Some(v) = o.environment {
        b = b.environment(Environment::parse(&v).map_err(|e| to_js(&e))?);
    }
    if let Some(v) = o.base_url {
        b = b.base_url(v);
    }
    if let Some(v) = o.connect_timeout_ms {
        b = b.connect_timeout(millis("connectTimeoutMs", v)?);
    }
    if let Some(v) = o.timeout_ms {
        b = b.timeout(millis("timeoutMs", v)?);
    }
    if let Some(r) = o.retry {
        let mut policy = RetryPolicy::default();
        if let Some(n) = r.max_attempts {
            policy.max_attempts = attempts(n)?;
        }
        if let Some(ms) = r.initial_backoff_ms {
            policy.initial_backoff = millis("retry.initialBackoffMs", ms)?;
        }
        if let Some(ms) = r.max_backoff_ms {
            policy.max_backoff = millis("retry.maxBackoffMs", ms)?;
        }
        b = b.retry(policy);
    }
    if let Some(v) = o.user_agent_suffix {
        b = b.user_agent_suffix(v);
    }
    if let Some(codes) = o.order_not_found_codes {
        b = b.order_not_found_codes(codes);
    }
    Ok(b)
}

fn run<'env, F>(env: &'env Env, future: F) -> napi::Result<PromiseRaw<'env, Value>>
where
    F: Future<Output = Result<Value, smilepayz::Error>> + Send + 'static,
{
    run_as(env, OnPanic::Internal, future)
}

/// Starts a call's future; a panic in it rejects with the error `on_panic` names.
pub(crate) fn run_as<'env, F>(env: &'env Env, on_panic: OnPanic, future: F) -> napi::Result<PromiseRaw<'env, Value>>
where
    F: Future<Output = Result<Value, smilepayz::Error>> + Send + 'static,
{
    env.spawn_future(guarded_as(on_panic, async move { future.await.map_err(|e| to_js(&e)) }))
}

#[napi]
impl NativeClient {
    /// Builds a client from options.
    #[napi(constructor, catch_unwind, ts_args_type = "options: ClientOptions")]
    pub fn new(options: Strict<ClientOptions>) -> napi::Result<Self> {
        let inner = apply(Client::builder(), options.0)?.build().map_err(|e| to_js(&e))?;
        Ok(Self { inner })
    }

    /// Builds a client from `SMILEPAYZ_*` variables, then `overrides`.
    #[napi(factory, catch_unwind, ts_args_type = "overrides?: ClientOptions | undefined | null")]
    pub fn from_env(overrides: Option<Strict<ClientOptions>>) -> napi::Result<Self> {
        let mut b = ClientBuilder::from_env().map_err(|e| to_js(&e))?;
        if let Some(Strict(o)) = overrides {
            b = apply(b, o)?;
        }
        Ok(Self { inner: b.build().map_err(|e| to_js(&e))? })
    }

    /// The merchant id requests are sent for.
    #[napi(getter)]
    pub fn merchant_id(&self) -> String {
        self.inner.merchant_id().to_owned()
    }

    /// The base URL requests go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Validates (synchronously, every problem at once) and sends a pay-out.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn payout<'env>(&self, env: &'env Env, request: Unknown<'env>) -> napi::Result<PromiseRaw<'env, Value>> {
        let request = shield(&OnPanic::Internal, || {
            PayoutRequest::from_json(to_json(request)?, Case::Camel).map_err(|e| to_js(&e.into()))
        })?;
        let client = self.inner.clone();
        run_as(env, OnPanic::payout(&request), async move {
            client.payout(&request).await.map(|r| interop::payout_response(&r, Case::Camel))
        })
    }

    /// Asks for the status of one pay-out by order number or trade number.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn inquire_status<'env>(
        &self,
        env: &'env Env,
        order_no: Option<String>,
        trade_no: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let query = StatusQuery::from_numbers(order_no, trade_no).map_err(|e| to_js(&e))?;
        let client = self.inner.clone();
        run(env, async move { client.inquire_status(&query).await.map(|r| interop::status_response(&r, Case::Camel)) })
    }

    /// Asks for an account's balance.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn inquire_balance<'env>(&self, env: &'env Env, account_no: String) -> napi::Result<PromiseRaw<'env, Value>> {
        let client = self.inner.clone();
        run(env, async move {
            client.inquire_balance(&account_no).await.map(|r| interop::balance_response(&r, Case::Camel))
        })
    }

    /// Resolves an unknown pay-out outcome by order number.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn reconcile_payout<'env>(&self, env: &'env Env, order_no: String) -> napi::Result<PromiseRaw<'env, Value>> {
        let client = self.inner.clone();
        run(
            env,
            async move { client.reconcile_payout(&order_no).await.map(|r| interop::reconciliation(&r, Case::Camel)) },
        )
    }

    /// Confirms a verified callback against the gateway's inquiry answer.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn confirm_callback<'env>(
        &self,
        env: &'env Env,
        callback: &NativeVerifiedCallback,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let callback = callback.inner.clone();
        let client = self.inner.clone();
        run(env, async move {
            client.confirm_callback(&callback).await.map(|r| interop::confirmed_callback(&r, Case::Camel))
        })
    }
}
