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
    let items = match crate::stdlib::seq_items(&args[1]) {
        Some(items) => items,
        None => crate::ops::iter(&args[1]).map_err(|e| {
            if e.is_refusal() || !e.matches(crate::ExcKind::TypeError) {
                e
            } else {
                PyErr::type_error("reduce() arg 2 must support iteration")
            }
        })?,
    };
    let mut it = items.into_iter();
    let mut acc = match args.get(2) {
        Some(init) => init.clone(),
        None => it
            .next()
            .ok_or_else(|| PyErr::type_error("reduce() of empty iterable with no initial value"))?,
    };
    for x in it {
        acc = crate::ops::call(&args[0], &[acc, x], &[])?;
    }
    Ok(acc)
}
