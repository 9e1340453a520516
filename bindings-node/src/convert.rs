//! JavaScript values to loose JSON for `PayoutRequest::from_json`. Numbers keep what the
//! core's amount rule needs to judge them: an integer a double holds exactly becomes a
//! JSON integer, any other number stays a double (which `decimal_from_f64` accepts only
//! when its shortest decimal form is exact). A `bigint` becomes its exact decimal text.
//!
//! Nothing is dropped or rewritten in silence: a value JSON cannot carry is a
//! `ValidationError` naming its path — a function or a symbol (anywhere), a string with a
//! lone surrogate (anywhere), nesting deeper than the core's `MAX_INPUT_DEPTH` (which is
//! also how a cycle ends; checked before recursing), and, under `extra`, whose fields are
//! passed through unread, `undefined`, `NaN`/`±Infinity`, a symbol key or an object that
//! is not plain (a `Map`, `Date`, class instance…, whose data `Object.keys` does not
//! see). Outside `extra`, a property set to `undefined` is the JavaScript way to leave an
//! optional field out, and is left out; every other field is read and judged by the core.

use crate::errors::to_js;
use napi::bindgen_prelude::{
    Array, FromNapiValue, JsObjectValue, JsValue, KeyCollectionMode, KeyConversion, KeyFilter, Object, Unknown,
};
use napi::{Env, JsString, ValueType};
use serde_json::{Map, Number, Value};
use smilepayz::validation::InputPath;
use smilepayz::validation::MAX_INPUT_DEPTH;
use smilepayz::{Case, Error, Rule, ValidationError};

/// Largest integer a JavaScript number holds exactly (2^53).
const MAX_SAFE_DOUBLE_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Why a value was not converted: JSON cannot carry it, or N-API failed.
enum Refusal {
    Value(ValidationError),
    Napi(napi::Error),
}

impl From<napi::Error> for Refusal {
    fn from(error: napi::Error) -> Self {
        Refusal::Napi(error)
    }
}

impl Refusal {
    /// The error JavaScript sees: a refused value is a `ValidationError`.
    fn into_js(self) -> napi::Error {
        match self {
            Refusal::Value(error) => to_js(&Error::Validation(error)),
            Refusal::Napi(error) => error,
        }
    }
}

fn refused(error: ValidationError) -> Refusal {
    Refusal::Value(error)
}

/// Converts a request (or any JSON-like value) from JavaScript.
pub(crate) fn to_json(value: Unknown<'_>) -> napi::Result<Value> {
    request_json(value)?.map_err(|e| to_js(&Error::Validation(e)))
}

/// Like [`to_json`], with a value JSON cannot carry handed back as its violation (a
/// batch reports it at the row's number) instead of thrown.
pub(crate) fn request_json(value: Unknown<'_>) -> napi::Result<Result<Value, ValidationError>> {
    let env = Env::from_raw(value.value().env);
    let object_prototype: Unknown<'_> =
        env.get_global()?.get_named_property_unchecked::<Object>("Object")?.get_named_property("prototype")?;
    let reader = Reader { env, object_prototype, settings: false };
    match reader.convert(value, &InputPath::request(Case::Camel), 0) {
        Ok(json) => Ok(Ok(json)),
        Err(Refusal::Value(e)) => Ok(Err(e)),
        Err(Refusal::Napi(e)) => Err(e),
    }
}

/// Converts an options object for `smilepayz_interop::settings`, which judges every
/// value. A property set to `undefined` becomes `null` (unset) instead of left out, so
/// that an unknown key is refused by name even then.
pub(crate) fn settings_to_json(value: Unknown<'_>) -> napi::Result<Value> {
    let env = Env::from_raw(value.value().env);
    let object_prototype: Unknown<'_> =
        env.get_global()?.get_named_property_unchecked::<Object>("Object")?.get_named_property("prototype")?;
    let reader = Reader { env, object_prototype, settings: true };
    reader.convert(value, &InputPath::extra_value("options", Case::Camel), 0).map_err(Refusal::into_js)
}

/// An optional options object for [`settings_to_json`]; absent, `undefined` or `null` is
/// `null` (every setting unset).
pub(crate) fn optional_settings(options: Option<Unknown<'_>>) -> napi::Result<Value> {
    match options {
        Some(o) if !matches!(o.get_type()?, ValueType::Null | ValueType::Undefined) => settings_to_json(o),
        _ => Ok(Value::Null),
    }
}

struct Reader<'e> {
    env: Env,
    object_prototype: Unknown<'e>,
    /// Reading settings: `undefined` is `null`, numbers JSON lacks are text.
    settings: bool,
}

impl Reader<'_> {
    fn convert(&self, value: Unknown<'_>, at: &InputPath, depth: usize) -> Result<Value, Refusal> {
        if depth > MAX_INPUT_DEPTH {
            return Err(refused(at.too_deep()));
        }
        // SAFETY of each `cast`: it follows `get_type`, as napi requires.
        Ok(match value.get_type()? {
            ValueType::Null => Value::Null,
            ValueType::Undefined if self.settings => Value::Null,
            ValueType::Undefined if at.is_extra() => {
                return Err(refused(
                    at.refuse(Rule::Type, "is undefined, which JSON cannot carry: give null or leave it out"),
                ));
            }
            ValueType::Undefined => Value::Null,
            ValueType::Boolean => Value::Bool(unsafe { value.cast::<bool>()? }),
            ValueType::Number => {
                let n = unsafe { value.cast::<f64>()? };
                if at.is_extra() && !self.settings && !n.is_finite() {
                    return Err(refused(at.refuse(Rule::Type, format!("is {n}, which JSON cannot carry"))));
                }
                number(n)
            }
            ValueType::String => Value::String(text(value, at)?),
            ValueType::BigInt => Value::String(bigint_text(value.coerce_to_string()?)?),
            ValueType::Object => {
                if value.is_array()? {
                    let array = unsafe { value.cast::<Array>()? };
                    let mut items = Vec::with_capacity(array.len() as usize);
                    for i in 0..array.len() {
                        let item = array.get::<Unknown>(i)?;
                        let at = at.index(i as usize);
                        let Some(item) = item else {
                            return Err(refused(
                                at.refuse(Rule::Type, "is a hole in the array, which JSON cannot carry"),
                            ));
                        };
                        items.push(self.convert(item, &at, depth + 1)?);
                    }
                    Value::Array(items)
                } else {
                    self.object(value, at, depth)?
                }
            }
            ValueType::Function => {
                return Err(refused(at.refuse(Rule::Type, "is a function, which JSON cannot carry")));
            }
            ValueType::Symbol => return Err(refused(at.refuse(Rule::Type, "is a symbol, which JSON cannot carry"))),
            other => return Err(refused(at.refuse(Rule::Type, format!("is a {other:?}, which JSON cannot carry")))),
        })
    }

    fn object(&self, value: Unknown<'_>, at: &InputPath, depth: usize) -> Result<Value, Refusal> {
        let object = unsafe { value.cast::<Object>()? };
        if at.is_extra() && !self.settings {
            let prototype = object.get_prototype()?;
            let plain =
                prototype.get_type()? == ValueType::Null || self.env.strict_equals(prototype, self.object_prototype)?;
            if !plain {
                return Err(refused(at.refuse(
                    Rule::Type,
                    "is not a plain object or array (a Map, Set, Date, class instance…): its data would not be sent; \
                     convert it to a plain object, an array or a string first",
                )));
            }
        }
        let keys = object.get_all_property_names(
            KeyCollectionMode::OwnOnly,
            KeyFilter::Enumerable,
            KeyConversion::NumbersToStrings,
        )?;
        let count = keys.get_array_length()?;
        let mut map = Map::new();
        for i in 0..count {
            let key = keys.get_element::<Unknown>(i)?;
            if key.get_type()? != ValueType::String {
                // A symbol key: JSON has none.
                if at.is_extra() {
                    return Err(refused(at.refuse(Rule::Type, "has a symbol key, which JSON cannot carry")));
                }
                continue;
            }
            let name = text(key, at)?;
            let child = at.key(&name);
            let item = object.get_property::<Unknown, Unknown>(key)?;
            if item.get_type()? == ValueType::Undefined && !child.is_extra() && !self.settings {
                continue; // an optional field left out, the JavaScript way
            }
            map.insert(name, self.convert(item, &child, depth + 1)?);
        }
        Ok(Value::Object(map))
    }
}

/// A string value or key; one with a lone surrogate (which UTF-8, and so JSON, cannot
/// carry) is refused instead of sent with U+FFFD in its place.
fn text(value: Unknown<'_>, at: &InputPath) -> Result<String, Refusal> {
    // SAFETY: the callers checked that the value is a string.
    let lossy = unsafe { value.cast::<String>()? };
    if !lossy.contains('\u{FFFD}') {
        return Ok(lossy);
    }
    // A U+FFFD may be the caller's own or napi's stand-in for a lone surrogate: ask UTF-16.
    let string = unsafe { value.cast::<JsString>()? };
    string.into_utf16()?.as_str().map_err(|_| refused(at.lone_surrogate()))
}

fn number(n: f64) -> Value {
    if n.is_finite() && n.fract() == 0.0 && n.abs() <= MAX_SAFE_DOUBLE_INTEGER {
        // Exact: the cast cannot truncate an integer of at most 2^53.
        #[allow(clippy::cast_possible_truncation)]
        return Value::Number(Number::from(n as i64));
    }
    // NaN and ±Infinity have no JSON form: their text is refused by the amount rule.
    Number::from_f64(n).map_or_else(|| Value::String(n.to_string()), Value::Number)
}

fn bigint_text(string: JsString<'_>) -> napi::Result<String> {
    // SAFETY: a `JsString` is a string value of this env.
    unsafe { String::from_napi_value(string.value().env, string.raw()) }
}
