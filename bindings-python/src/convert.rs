//! Python values to and from JSON values, the form the core reads requests in and
//! `smilepayz::interop` writes answers in. Money crosses as decimal text, never a float.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Reads a request given as Python values. `path` names the value in errors.
pub(crate) fn to_json(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
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
    if value.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{path}: a float is refused for money: binary floating point cannot hold most decimal amounts \
             exactly (0.1 + 0.2 != 0.3); pass decimal.Decimal(\"{}\") or an int",
            value.repr()?
        )));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
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
                return Err(PyTypeError::new_err(format!("{path}: keys must be str, got {}", key.repr()?)));
            };
            let key = key.to_cow()?.into_owned();
            let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            map.insert(key, to_json(&item, &child)?);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter()?.enumerate() {
            items.push(to_json(&item?, &format!("{path}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{path}: {} is not accepted; use str, int, decimal.Decimal, bool, None, dict or list",
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
