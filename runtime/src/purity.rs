//! Order-free evaluation: `any(<expr> for x in s)` / `all(...)` over a set whose CPython
//! iteration order ferrule cannot reproduce (see `pyset`).
//!
//! When every element's test is free of side effects and raises nothing, the answer does not
//! depend on the order, so the elements are tested in table order. While such a test runs,
//! anything that could have a side effect (calling Python code, a mutating method, the
//! caching store, a mock) is refused, and so is any exception: CPython might have stopped
//! before reaching it. Both become the usual `unsupported` refusal, never a different answer.

use std::cell::Cell;

use crate::err::{PyErr, PyResult};
use crate::value::Value;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Whether an order-free test is running.
pub fn active() -> bool {
    DEPTH.with(|d| d.get() > 0)
}

/// The refusal for an order-free test that cannot be proved order-independent.
pub fn refusal() -> PyErr {
    crate::ops::unsupported(
        "the iteration order of this set (CPython's depends on object addresses or on \
         interpreter state here)",
    )
}

struct Scope;

impl Scope {
    fn enter() -> Scope {
        DEPTH.with(|d| d.set(d.get() + 1));
        Scope
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - 1));
    }
}

/// `any(test(x) for x in items)` (or `all` when `want_any` is false), testing every item.
pub fn any_all(
    items: Vec<Value>,
    want_any: bool,
    mut test: impl FnMut(Value) -> PyResult<bool>,
) -> PyResult<bool> {
    let _scope = Scope::enter();
    let mut out = !want_any;
    for item in items {
        match test(item) {
            Ok(b) if b == want_any => out = want_any,
            Ok(_) => {}
            Err(_) => return Err(refusal()),
        }
    }
    Ok(out)
}

/// Methods that change their receiver (on any builtin type).
const MUTATING: &[&str] = &[
    "append",
    "extend",
    "insert",
    "pop",
    "remove",
    "clear",
    "update",
    "add",
    "discard",
    "setdefault",
    "sort",
    "reverse",
    "popitem",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
];

/// During an order-free test: `Err` when calling `name` on `this` may have a side effect.
pub fn check_method(this: &Value, name: &str) -> PyResult<()> {
    let user_instance = this.downcast::<crate::class::Instance>().is_some();
    // `udm` may run a data model's Python method.
    if MUTATING.contains(&name) || user_instance || name == "udm" {
        return Err(refusal());
    }
    Ok(())
}

/// During an order-free test: `Err` unless calling `f` is free of side effects.
pub fn check_call(f: &Value) -> PyResult<()> {
    match f {
        Value::Func(func) if func.pure => Ok(()),
        _ => Err(refusal()),
    }
}
