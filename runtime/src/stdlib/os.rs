//! `os`: only environment lookups. A compiled detection has no environment (Panther's
//! runtime gives detections none that they may rely on), so every variable is unset:
//! `os.getenv(k, d)` and `os.environ.get(k, d)` return the default, `os.environ[k]` raises
//! `KeyError`.

use std::any::Any;

use crate::err::{PyErr, PyResult};
use crate::stdlib::Args;
use crate::value::{Kwargs, PyObject, Value};

/// Module attributes of `os`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "getenv" => Value::func("getenv", getenv),
        "environ" => Value::object(Environ),
        _ => return None,
    })
}

/// `os.getenv(key, default=None)`.
pub fn getenv(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("getenv", args, kwargs, &["key", "default"], 1)?;
    match a.req(0) {
        Value::Str(_) => Ok(a.get(1).cloned().unwrap_or_default()),
        other => Err(PyErr::type_error(format!(
            "str expected, not {}",
            other.type_name()
        ))),
    }
}

/// `os.environ`: an empty mapping.
pub struct Environ;

impl PyObject for Environ {
    fn repr_exact(&self) -> bool {
        false
    }

    fn type_name(&self) -> &str {
        "_Environ"
    }
    fn repr(&self) -> String {
        "environ({})".into()
    }
    fn len(&self) -> Option<PyResult<usize>> {
        Some(Ok(0))
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(Ok(Vec::new()))
    }
    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        Some(Err(PyErr::key_error(key.clone())))
    }
    fn contains(&self, _item: &Value) -> Option<PyResult<bool>> {
        Some(Ok(false))
    }
    fn has_method(&self, name: &str) -> bool {
        name == "get"
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match name {
            "get" => {
                let a = Args::new("get", args, kwargs, &["key", "default"], 1)?;
                Ok(a.get(1).cloned().unwrap_or_default())
            }
            _ => Err(PyErr::attribute_error(format!(
                "'_Environ' object has no attribute '{name}'"
            ))),
        }
    }
    fn is_mapping(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
