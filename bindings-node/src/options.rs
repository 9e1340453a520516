//! Options objects are strict: a key the binding does not know (say `timeout` for
//! `timeoutMs`) is a `ConfigError` naming it, never a setting silently dropped. Each
//! `#[napi(object)]` options struct declares its field list once, with `known_fields!`
//! next to it; an exhaustive pattern makes the build fail when the list and the struct
//! drift apart. `Strict<T>` checks the JavaScript object's keys (and those of the nested
//! options objects the list names) before napi converts it.

use crate::errors::config;
use napi::ValueType;
use napi::bindgen_prelude::{FromNapiValue, JsValue, Object, Unknown, sys};

/// An options struct whose accepted keys are known.
pub trait Known {
    /// How the options are named in messages, e.g. `Client`.
    const WHAT: &'static str;
    /// The struct's fields, snake_case as declared (napi exposes them in camelCase).
    const FIELDS: &'static [&'static str];

    /// Checks the nested options objects of `object` (none unless declared).
    fn check_nested(object: &Object<'_>) -> napi::Result<()> {
        let _ = object;
        Ok(())
    }
}

/// Declares the fields of an options struct; the build fails unless they are all of them.
/// `nested { field: Type }` also checks the options object in that field against `Type`.
macro_rules! known_fields {
    ($what:literal, $name:ident { $($field:ident),+ $(,)? } $(nested { $($inner:ident: $ty:ty),+ $(,)? })?) => {
        impl $crate::options::Known for $name {
            const WHAT: &'static str = $what;
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];
            $(
                fn check_nested(object: &napi::bindgen_prelude::Object<'_>) -> napi::Result<()> {
                    $($crate::options::check_field::<$ty>(object, stringify!($inner))?;)+
                    Ok(())
                }
            )?
        }
        // Exhaustive: a field added to the struct but not to the list does not compile.
        const _: fn($name) = |options| {
            let $name { $($field: _),+ } = options;
        };
    };
}
pub(crate) use known_fields;

/// Options of type `T` whose object had no key outside `T::FIELDS`.
pub struct Strict<T>(pub T);

/// The JavaScript name napi gives a snake_case field.
fn camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Refuses a non-object, or an object with a key `T` does not declare.
fn check<T: Known>(value: Unknown<'_>) -> napi::Result<()> {
    if value.get_type()? != ValueType::Object || value.is_array()? {
        return Err(config(format!("{} options must be an object", T::WHAT)));
    }
    // SAFETY: checked just above that the value is an object.
    let object = unsafe { value.cast::<Object>()? };
    let accepted: Vec<String> = T::FIELDS.iter().map(|f| camel(f)).collect();
    for key in Object::keys(&object)? {
        if !accepted.contains(&key) {
            return Err(config(format!("unknown {} option {key:?}; accepted: {}", T::WHAT, accepted.join(", "))));
        }
    }
    T::check_nested(&object)
}

/// Checks the options object in `object[field]` (snake_case name), when there is one.
pub(crate) fn check_field<T: Known>(object: &Object<'_>, field: &str) -> napi::Result<()> {
    match object.get::<Unknown>(&camel(field))? {
        Some(value) if value.get_type()? != ValueType::Null => check::<T>(value),
        _ => Ok(()),
    }
}

impl<T: Known + FromNapiValue> FromNapiValue for Strict<T> {
    unsafe fn from_napi_value(env: sys::napi_env, napi_val: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: the caller's `env` and `napi_val`, passed on unchanged.
        check::<T>(unsafe { Unknown::from_napi_value(env, napi_val)? })?;
        Ok(Self(unsafe { T::from_napi_value(env, napi_val)? }))
    }
}
