//! `unittest.mock.MagicMock` as unit tests use it: a callable that returns a fixed value.
//!
//! Unit-test `Mocks` replace a module global with `MagicMock(return_value=...)`. Detections
//! call it (any arguments, same returned object every time) or test it with
//! `isinstance(X, MagicMock)`. The magic methods MagicMock configures by default are
//! reproduced (`iter` empty, `in` False, truthy, equality by identity); attribute access
//! (child mocks) is not modelled and raises NotImplementedError. `len()` (0 in CPython) is
//! not provided, because `ops::truthy` consults `len` before `bool` and a MagicMock is truthy.
//!
//! `repr` differs from CPython on purpose: CPython prints the object's address
//! (`<MagicMock id='140…'>`), which no two runs share; ferrule prints
//! `<MagicMock id='0'>`.

use std::any::Any;

use crate::err::PyResult;
use crate::value::{Kwargs, PyObject, TypeObject, Value};

/// A `MagicMock(return_value=...)`.
pub struct MagicMock {
    /// What every call returns (the same object each time).
    pub return_value: Value,
}

/// `MagicMock(return_value=value)`.
pub fn magicmock(return_value: Value) -> Value {
    Value::object(MagicMock { return_value })
}

impl PyObject for MagicMock {
    fn repr_exact(&self) -> bool {
        false
    }

    fn type_name(&self) -> &str {
        "MagicMock"
    }

    fn repr(&self) -> String {
        "<MagicMock id='0'>".into()
    }

    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "return_value" => Ok(self.return_value.clone()),
            _ => Err(crate::ops::unsupported("attributes of a MagicMock")),
        }
    }

    fn call_method(
        &self,
        _this: &Value,
        _name: &str,
        _args: &[Value],
        _kwargs: Kwargs,
    ) -> PyResult<Value> {
        Err(crate::ops::unsupported("methods of a MagicMock"))
    }

    fn call(&self, _args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
        Ok(self.return_value.clone())
    }

    fn eq(&self, _other: &Value) -> Option<bool> {
        // MagicMock's default `__eq__` is identity; returning None makes ops use identity.
        None
    }

    fn hash(&self) -> Option<u64> {
        Some(self as *const MagicMock as usize as u64)
    }

    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(Ok(Vec::new()))
    }

    fn contains(&self, _item: &Value) -> Option<PyResult<bool>> {
        Some(Ok(false))
    }

    fn truthy(&self) -> PyResult<bool> {
        Ok(true)
    }

    fn format(&self, _spec: &str) -> Option<PyResult<String>> {
        Some(Err(crate::ops::unsupported("formatting a MagicMock")))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn is_magicmock(v: &Value) -> bool {
    v.downcast::<MagicMock>().is_some()
}

fn construct(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !args.is_empty() {
        return Err(crate::ops::unsupported("MagicMock(spec)"));
    }
    let mut rv = None;
    for (k, v) in kwargs {
        match *k {
            "return_value" => rv = Some(v.clone()),
            _ => {
                return Err(crate::ops::unsupported(
                    "MagicMock keyword arguments other than return_value",
                ))
            }
        }
    }
    match rv {
        Some(v) => Ok(magicmock(v)),
        // Without a return_value a MagicMock returns a fresh child mock.
        None => Err(crate::ops::unsupported("MagicMock() without return_value")),
    }
}

thread_local! {
    static MAGICMOCK_TYPE: Value = Value::object(TypeObject {
        name: "MagicMock",
        module: "unittest.mock",
        check: is_magicmock,
        construct: Some(construct),
        attr: None,
    });
}

/// The class `unittest.mock.MagicMock` (for `isinstance` and `from unittest.mock import
/// MagicMock`).
pub fn magicmock_type() -> Value {
    MAGICMOCK_TYPE.with(Value::clone)
}
