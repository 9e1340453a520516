//! `NativeRequestSigner`: the merchant key parsed once, then `X-SIGNATURE` for any
//! request (`timestamp|merchantSecret|body`) with no key parsing per call.

use crate::errors::to_js;
use napi::Either;
use napi::bindgen_prelude::Uint8Array;
use napi_derive::napi;
use smilepayz::MerchantKey;
use smilepayz::signing::sign_request;

/// A reusable request signer.
#[napi]
pub struct NativeRequestSigner {
    key: MerchantKey,
}

#[napi]
impl NativeRequestSigner {
    /// Parses the private key once; a bad key is a `ConfigError` with its `keyError`.
    #[napi(constructor, catch_unwind)]
    pub fn new(private_key: String) -> napi::Result<Self> {
        let key = MerchantKey::from_text(&private_key).map_err(|e| {
            to_js(&smilepayz::Error::Config { message: format!("private key: {e}"), key_error: Some(e) })
        })?;
        Ok(Self { key })
    }

    /// Base64 RSA-SHA256 signature over `timestamp|merchantSecret|body`.
    #[napi(catch_unwind)]
    pub fn sign(&self, timestamp: String, merchant_secret: String, body: Either<String, Uint8Array>) -> String {
        let body: &[u8] = match &body {
            Either::A(text) => text.as_bytes(),
            Either::B(bytes) => bytes,
        };
        sign_request(&self.key, &timestamp, &merchant_secret, body)
    }

    /// Key size in bits.
    #[napi(getter)]
    pub fn bits(&self) -> u32 {
        u32::try_from(self.key.bits()).unwrap_or(u32::MAX)
    }
}
