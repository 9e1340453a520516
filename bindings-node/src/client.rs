//! `NativeClient`: builds a core `Client` from an options object and runs its calls on
//! the tokio runtime of napi, so the JavaScript thread never waits and many calls can
//! be in flight. Answers come back as the core's interop JSON.

use crate::callback::{NativeConfirmedCallback, NativeVerifiedCallback};
use crate::convert::{optional_settings, settings_to_json, to_json};
use crate::errors::{OnPanic, guarded_as, shield, to_js};
use napi::Env;
use napi::bindgen_prelude::{Function, PromiseRaw, Unknown};
use napi_derive::napi;
use serde_json::Value;
use smilepayz::{CancelToken, Case, Client, ClientBuilder, PayoutRequest, StatusQuery};
use smilepayz_interop as interop;
use smilepayz_interop::{Binding, CallSettings, ClientSettings};
use std::future::Future;

/// The pay-out client.
#[napi]
pub struct NativeClient {
    pub(crate) inner: Client,
}

/// Reads a call's options (`{ timeoutMs }`); absent, `undefined` or `null` is none.
fn call_settings(options: Option<Unknown<'_>>) -> napi::Result<CallSettings> {
    match optional_settings(options)? {
        Value::Null => Ok(CallSettings::default()),
        settings => CallSettings::from_json(settings).map_err(|e| to_js(&e)),
    }
}

/// `builder` with events sent to `on_event`, when given.
fn with_events(builder: ClientBuilder, on_event: Option<Function<'_, String, ()>>) -> napi::Result<ClientBuilder> {
    Ok(match on_event {
        Some(sink) => builder.on_event(crate::events::listener(&sink)?),
        None => builder,
    })
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

impl NativeClient {
    /// The client for one call: this one, or with the call's own `timeoutMs`.
    fn for_call(&self, options: Option<Unknown<'_>>) -> napi::Result<Client> {
        call_settings(options)?.client(&self.inner).map_err(|e| to_js(&e))
    }
}

/// The switch an `AbortSignal` flips: it stops the calls of the client views made with it.
#[napi]
pub struct NativeCancelToken {
    pub(crate) inner: CancelToken,
}

#[napi]
impl NativeCancelToken {
    /// A token not yet cancelled.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)] // napi constructors take no Default
    pub fn new() -> Self {
        Self { inner: CancelToken::new() }
    }

    /// Stops every call made through a view with this token (the core decides what a
    /// stop means: `AbortedError`, or `OutcomeUnknownError` for a pay-out on its way).
    #[napi]
    pub fn cancel(&self) {
        self.inner.cancel();
    }
}

/// Every call takes an optional last argument, its options (`{ timeoutMs }`).
#[napi]
impl NativeClient {
    /// The same client (connections, events) whose calls `token` stops.
    #[napi]
    pub fn with_cancel(&self, token: &NativeCancelToken) -> NativeClient {
        NativeClient { inner: self.inner.with_cancel(token.inner.clone()) }
    }

    /// Builds a client from options (read and checked by `smilepayz_interop::settings`).
    /// `on_event` receives every event as JSON text.
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "options: Record<string, unknown>, onEvent?: ((event: string) => void) | undefined | null"
    )]
    pub fn new(options: Unknown<'_>, on_event: Option<Function<'_, String, ()>>) -> napi::Result<Self> {
        let settings = ClientSettings::from_json(settings_to_json(options)?).map_err(|e| to_js(&e))?;
        let builder = with_events(settings.builder(Binding::Node).map_err(|e| to_js(&e))?, on_event)?;
        Ok(Self { inner: builder.build().map_err(|e| to_js(&e))? })
    }

    /// Builds a client from `SMILEPAYZ_*` variables, then `overrides`.
    #[napi(
        factory,
        catch_unwind,
        ts_args_type = "overrides?: Record<string, unknown> | undefined | null, onEvent?: ((event: string) => void) | undefined | null"
    )]
    pub fn from_env(overrides: Option<Unknown<'_>>, on_event: Option<Function<'_, String, ()>>) -> napi::Result<Self> {
        let overrides = match overrides {
            Some(o) if !matches!(o.get_type()?, napi::ValueType::Null | napi::ValueType::Undefined) => {
                ClientSettings::from_json(settings_to_json(o)?).map_err(|e| to_js(&e))?
            }
            _ => ClientSettings::default(),
        };
        let builder =
            ClientBuilder::from_env().and_then(|b| overrides.apply(b, Binding::Node)).map_err(|e| to_js(&e))?;
        Ok(Self { inner: with_events(builder, on_event)?.build().map_err(|e| to_js(&e))? })
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
    pub fn payout<'env>(
        &self,
        env: &'env Env,
        request: Unknown<'env>,
        options: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let request = shield(&OnPanic::Internal, || {
            PayoutRequest::from_json(to_json(request)?, Case::Camel).map_err(|e| to_js(&e.into()))
        })?;
        let client = self.for_call(options)?;
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
        options: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let query = StatusQuery::from_numbers(order_no, trade_no).map_err(|e| to_js(&e))?;
        let client = self.for_call(options)?;
        run(env, async move { client.inquire_status(&query).await.map(|r| interop::status_response(&r, Case::Camel)) })
    }

    /// Asks for an account's balance.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn inquire_balance<'env>(
        &self,
        env: &'env Env,
        account_no: String,
        options: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let client = self.for_call(options)?;
        run(env, async move {
            client.inquire_balance(&account_no).await.map(|r| interop::balance_response(&r, Case::Camel))
        })
    }

    /// Resolves an unknown pay-out outcome by order number.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn reconcile_payout<'env>(
        &self,
        env: &'env Env,
        order_no: String,
        options: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let client = self.for_call(options)?;
        run(
            env,
            async move { client.reconcile_payout(&order_no).await.map(|r| interop::reconciliation(&r, Case::Camel)) },
        )
    }

    /// Confirms a verified callback against the gateway's inquiry answer; resolves with
    /// a `NativeConfirmedCallback` (its fields as JSON, and what a batch records).
    #[napi(catch_unwind, ts_return_type = "Promise<NativeConfirmedCallback>")]
    pub fn confirm_callback<'env>(
        &self,
        env: &'env Env,
        callback: &NativeVerifiedCallback,
        options: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, NativeConfirmedCallback>> {
        let callback = callback.inner.clone();
        let client = self.for_call(options)?;
        env.spawn_future(guarded_as(OnPanic::Internal, async move {
            client
                .confirm_callback(&callback)
                .await
                .map(|inner| NativeConfirmedCallback { inner })
                .map_err(|e| to_js(&e))
        }))
    }
}
