//! JavaScript values to loose JSON for `PayoutRequest::from_json`. Numbers keep what the
//! core's amount rule needs to judge them: an integer a double holds exactly becomes a
//! JSON integer, any other number stays a double (which `decimal_from_f64` accepts only
//! when its shortest decimal form is exact). A `bigint` becomes its exact decimal text.

use napi::bindgen_prelude::{Array, FromNapiValue, JsValue, Object, Unknown};
use napi::{JsString, ValueType};
use serde_json::{Map, Number, Value};

/// Largest integer a JavaScript number holds exactly (2^53).
const MAX_SAFE_DOUBLE_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Deep enough for any request; stops cycles.
const MAX_DEPTH: usize = 32;

/// Converts a JavaScript value; `undefined` properties are left out, as in JSON.
pub(crate) fn to_json(value: Unknown<'_>) -> napi::Result<Value> {
    convert(value, 0)
}

fn convert(value: Unknown<'_>, depth: usize) -> napi::Result<Value> {
    if depth > MAX_DEPTH {
        return Err(napi::Error::from_reason("the request nests too deeply (a cycle?)"));
    }
    // SAFETY of each `cast`: it follows `get_type`, as napi requires.
    Ok(match value.get_type()? {
        ValueType::Undefined | ValueType::Null => Value::Null,
        ValueType::Boolean => Value::Bool(unsafe { value.cast::<bool>()? }),
        ValueType::Number => number(unsafe { value.cast::<f64>()? }),
        ValueType::String => Value::String(unsafe { value.cast::<String>()? }),
        ValueType::BigInt => Value::String(text(value.coerce_to_string()?)?),
        ValueType::Object => {
            if value.is_array()? {
                let array = unsafe { value.cast::<Array>()? };
                let mut items = Vec::with_capacity(array.len() as usize);
                for i in 0..array.len() {
                    let item = array.get::<Unknown>(i)?.unwrap_or(value);
                    items.push(convert(item, depth + 1)?);
                }
                Value::Array(items)
            } else {
                let object = unsafe { value.cast::<Object>()? };
                let mut map = Map::new();
                for key in Object::keys(&object)? {
                    let Some(item) = object.get::<Unknown>(&key)? else { continue };
                    if item.get_type()? == ValueType::Undefined {
                        continue;
                    }
                    map.insert(key, convert(item, depth + 1)?);
                }
                Value::Object(map)
            }
        }
        // Functions and symbols are no JSON: give the core a value it reports as a
        // wrong type.
        _ => Value::Array(Vec::new()),
    })
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

fn text(string: JsString<'_>) -> napi::Result<String> {
    // SAFETY: a `JsString` is a string value of this env.
    unsafe { String::from_napi_value(string.value().env, string.raw()) }
}
