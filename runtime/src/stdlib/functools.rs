//! `functools`: `reduce`.

use crate::err::{PyErr, PyResult};
use crate::value::{Kwargs, Value};

/// Module attributes of `functools`.
pub fn attr(name: &str) -> Option<Value> {
    match name {
        "reduce" => Some(Value::func("reduce", reduce)),
        _ => None,
    }
}

/// `functools.reduce(function, iterable[, initial])`.
pub fn reduce(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error("reduce() takes no keyword arguments"));
    }
    if !(2..=3).contains(&args.len()) {
        return Err(PyErr::type_error(format!(
            "reduce expected at least 2 arguments, got {}",
            args.len()
        )));
    }
    // Items are taken one at a time and combined as they come (CPython's `functools_reduce`).
    let mut it = crate::call::PyIter::new(&args[1]).map_err(|e| {
        if e.matches(crate::ExcKind::TypeError) {
            PyErr::type_error("reduce() arg 2 must support iteration")
        } else {
            e
        }
    })?;
    let mut acc = args.get(2).cloned();
    while let Some(x) = it.next()? {
        acc = Some(match acc.take() {
            None => x,
            Some(a) => crate::ops::call(&args[0], &[a, x], &[])?,
        });
    }
    acc.ok_or_else(|| PyErr::type_error("reduce() of empty iterable with no initial value"))
}
