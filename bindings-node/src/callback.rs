//! Callback verification: `NativeVerifier` wraps the core's `CallbackVerifier`, and a
//! verified callback stays an opaque native object so that `confirmCallback` can only be
//! fed what a verifier accepted.

use crate::convert::settings_to_json;
use crate::errors::{OnPanic, shield, to_js};
use napi::bindgen_prelude::{Function, Uint8Array, Unknown};
use napi_derive::napi;
use smilepayz::{CallbackVerifier, ConfirmedCallback, Error, VerifiedCallback};
use smilepayz_interop::VerifierSettings;

/// A reusable callback verifier.
#[napi]
pub struct NativeVerifier {
    pub(crate) inner: CallbackVerifier,
}

/// A callback the gateway confirmed: kept native so that a batch records only what
/// `confirmCallback` produced, never an object built by hand.
#[napi]
pub struct NativeConfirmedCallback {
    pub(crate) inner: ConfirmedCallback,
}

#[napi]
impl NativeConfirmedCallback {
    /// The confirmed callback as camelCase JSON text (`interop::confirmed_callback`).
    #[napi(catch_unwind)]
    pub fn fields_json(&self) -> String {
        smilepayz_interop::confirmed_callback(&self.inner, smilepayz::Case::Camel).to_string()
    }
}

/// A callback whose signature verified; its claims are unconfirmed.
#[napi]
pub struct NativeVerifiedCallback {
    pub(crate) inner: VerifiedCallback,
}

#[napi]
impl NativeVerifier {
    /// Loads the keys once; a bad key is a `ConfigError` with its `keyError` (the
    /// JavaScript layer turns a `Date` or date string in `now` into milliseconds).
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "options: Record<string, unknown>, onEvent?: ((event: string) => void) | undefined | null"
    )]
    pub fn new(options: Unknown<'_>, on_event: Option<Function<'_, String, ()>>) -> napi::Result<Self> {
        let settings = VerifierSettings::from_json(settings_to_json(options)?).map_err(|e| to_js(&e))?;
        let mut inner = settings.verifier().map_err(|e| to_js(&e))?;
        if let Some(sink) = on_event {
            inner = inner.on_event(crate::events::listener(&sink)?);
        }
        Ok(Self { inner })
    }

    /// Verifies a callback from `[name, value]` pairs (any case) and the raw body.
    #[napi(catch_unwind)]
    pub fn verify(&self, headers: Vec<Vec<String>>, body: Uint8Array) -> napi::Result<NativeVerifiedCallback> {
        let pairs = headers.into_iter().map(|mut pair| {
            let value = if pair.len() > 1 { pair.swap_remove(1) } else { String::new() };
            let name = pair.into_iter().next().unwrap_or_default();
            (name, value)
        });
        let inner =
            shield(&OnPanic::Internal, || self.inner.verify(pairs, &body).map_err(|e| to_js(&Error::Signature(e))))?;
        Ok(NativeVerifiedCallback { inner })
    }

    /// Key count and limits, never key material (for `util.inspect`).
    #[napi]
    pub fn describe(&self) -> String {
        format!("{} platform key(s)", self.inner.keys().len())
    }
}

#[napi]
impl NativeVerifiedCallback {
    /// The callback's fields (camelCase) and `X-TIMESTAMP` as JSON text for `JSON.parse`;
    /// `rawText` gives the body. One string instead of a `Value` tree turned into N-API
    /// objects took callback verification from 0.84× to about 1.0× of Node's
    /// `crypto.verify` (benches/node).
    #[napi(catch_unwind)]
    pub fn fields_json(&self) -> String {
        smilepayz_interop::verified_callback_camel_json(&self.inner)
    }

    /// The body as received (UTF-8 text).
    #[napi(catch_unwind)]
    pub fn raw_text(&self) -> String {
        self.inner.notification.raw.as_str().to_owned()
    }
}
