//! Python values to and from JSON values, the form the core reads requests in and
//! `smilepayz::interop` writes answers in. Money crosses as decimal text, never a float.
//!
//! Reading refuses what JSON cannot carry as a `ValidationError` naming the field: text
//! that is not valid Unicode (a lone surrogate), a key that is not text, and nesting
//! deeper than the core's `MAX_INPUT_DEPTH` (which is also how a cycle ends), checked
//! before recursing so hostile input cannot exhaust the native stack.

use crate::errors::to_py_err;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Number, Value};
use smilepayz::validation::InputPath;
use smilepayz::validation::MAX_INPUT_DEPTH;
use smilepayz::{Case, Error, Rule, ValidationError};

/// A refusal of the conversion, as the `ValidationError` Python sees.
fn refused(error: ValidationError) -> PyErr {
    to_py_err(&Error::Validation(error))
}

/// Reads a pay-out request given as Python values (a mapping of snake_case fields).
pub(crate) fn request_to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    read(value, &InputPath::request(Case::Snake), 0, Floats::Refused)
}

/// Reads a JSON-like Python value; `path` names it in errors.
pub(crate) fn to_json(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    read(value, &InputPath::extra_value(path, Case::Snake), 0, Floats::Refused)
}

/// Reads settings (a mapping of keyword arguments) for `smilepayz_interop::settings`,
/// which judges every value: here a `float` is a number (NaN and infinities as text,
/// which JSON has no number for, so the settings name them in their refusal).
pub(crate) fn settings_to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    read(value, &InputPath::extra_value("settings", Case::Snake), 0, Floats::Numbers)
}

/// Whether a `float` is refused (money) or read as a number (settings).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Floats {
    Refused,
    Numbers,
}

fn text(s: &Bound<'_, PyString>, at: &InputPath) -> PyResult<String> {
    // `to_cow` fails only on a lone surrogate, which UTF-8 (and so JSON) cannot carry.
    s.to_cow().map(|c| c.into_owned()).map_err(|_| refused(at.lone_surrogate()))
}

fn read(value: &Bound<'_, PyAny>, at: &InputPath, depth: usize, floats: Floats) -> PyResult<Value> {
    if depth > MAX_INPUT_DEPTH {
        return Err(refused(at.too_deep()));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(match value.extract::<i64>() {
            Ok(n) => Value::Number(Number::from(n)),
            // Beyond 64 bits: exact as text, which the core reads as a decimal.
            Err(_) => Value::String(value.str()?.to_string()),
        });
    }
    if floats == Floats::Numbers
        && let Ok(f) = value.cast::<PyFloat>()
    {
        let f = f.value();
        return Ok(Number::from_f64(f).map_or_else(|| Value::String(f.to_string()), Value::Number));
    }
    if value.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{}: a float is refused for money: binary floating point cannot hold most decimal amounts \
             exactly (0.1 + 0.2 != 0.3); pass decimal.Decimal(\"{}\") or an int",
            at.as_str(),
            value.repr()?
        )));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(text(s, at)?));
    }
    if is_decimal(value)? {
        // Fixed-point text keeps every digit (`str` could write 1E+3); NaN and Infinity stay
        // as words, which the core refuses.
        let text: String = value.py().import("builtins")?.getattr("format")?.call1((value, "f"))?.extract()?;
        return Ok(Value::String(text));
    }
    if let Ok(mapping) = value.cast::<PyMapping>() {
        let mut map = Map::new();
        for item in mapping.items()?.iter() {
            let (key, item): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let Ok(key) = key.cast::<PyString>() else {
                return Err(refused(at.refuse(Rule::Type, format!("keys must be str, got {}", key.repr()?))));
            };
            let key = text(key, at)?;
            let child = at.key(&key);
            map.insert(key, read(&item, &child, depth + 1, floats)?);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter()?.enumerate() {
            items.push(read(&item?, &at.index(i), depth + 1, floats)?);
        }
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{}: {} is not accepted; use str, int, decimal.Decimal, bool, None, dict or list",
        at.as_str(),
        value.get_type().name()?
    )))
}

fn is_decimal(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let decimal = value.py().import("decimal")?.getattr("Decimal")?;
    value.is_instance(&decimal)
}

/// Writes an answer as Python values (dicts, lists, str, int, bool, None).
pub(crate) fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            // Answers carry amounts as text; a float here is a count or a status code.
            (None, None) => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_python(py, v)?)?;
            }
            dict.into_any()
        }
    })
}
