//! The user class `K` of the differential test's `user_class` family, built with the
//! runtime's class machinery exactly as `differential_eval.py` defines it in Python: every
//! hook delegates to the wrapped value `v` (unwrapping another `K`), so `K(x)` meets plain
//! values in comparisons, dict and set lookups, sorting, arithmetic, `in`, iteration,
//! `len`, indexing and formatting.

use ferrule_runtime::class::{self, AnnKind};
use ferrule_runtime::ops::{self, CmpOp};
use ferrule_runtime::value::BinOp;
use ferrule_runtime::{Kwargs, PyErr, PyResult, Value};

thread_local! {
    static K: Value = build();
}

/// The class `K`.
pub fn k() -> Value {
    K.with(Value::clone)
}

fn this_v(args: &[Value]) -> PyResult<Value> {
    ops::getattr(&args[0], "v")
}

/// `o.v` for a `K`, else `o`.
fn unwrap(o: &Value) -> PyResult<Value> {
    let is_k = class::class_of(o).is_some_and(|c| c.is(&k()));
    if is_k {
        ops::getattr(o, "v")
    } else {
        Ok(o.clone())
    }
}

fn init(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    if args.len() != 2 {
        return Err(PyErr::type_error("K() takes one argument"));
    }
    ferrule_runtime::call::setattr(&args[0], "v", args[1].clone())?;
    Ok(Value::None)
}

fn cmp(op: CmpOp, args: &[Value]) -> PyResult<Value> {
    ops::compare_value(op, &this_v(args)?, &unwrap(&args[1])?)
}

fn eq(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    cmp(CmpOp::Eq, args)
}

fn lt(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    cmp(CmpOp::Lt, args)
}

fn le(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    cmp(CmpOp::Le, args)
}

fn hash(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    ferrule_runtime::builtins::hash(&[this_v(args)?], &[])
}

fn repr(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    Ok(Value::from(format!(
        "K({})",
        ferrule_runtime::fmt::repr_checked(&this_v(args)?)?
    )))
}

fn add(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    let r = ops::binop(BinOp::Add, &this_v(args)?, &unwrap(&args[1])?)?;
    ops::call(&k(), &[r], &[])
}

fn radd(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    let r = ops::binop(BinOp::Add, &args[1], &this_v(args)?)?;
    ops::call(&k(), &[r], &[])
}

fn len(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    ferrule_runtime::builtins::len(&[this_v(args)?], &[])
}

fn contains(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    ops::contains(&this_v(args)?, &args[1]).map(Value::Bool)
}

fn getitem(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    ops::getitem(&this_v(args)?, &args[1])
}

fn iter(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    ferrule_runtime::builtins::iter(&[this_v(args)?], &[])
}

fn format(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    let spec = args[1].as_str().unwrap_or_default().to_string();
    ferrule_runtime::fmt::format(&this_v(args)?, &spec).map(Value::from)
}

fn build() -> Value {
    let mut ns = class::new_ns("__main__", "K");
    let hooks: &[(&str, ferrule_runtime::NativeFn)] = &[
        ("__init__", init),
        ("__eq__", eq),
        ("__hash__", hash),
        ("__lt__", lt),
        ("__le__", le),
        ("__repr__", repr),
        ("__add__", add),
        ("__radd__", radd),
        ("__len__", len),
        ("__contains__", contains),
        ("__getitem__", getitem),
        ("__iter__", iter),
        ("__format__", format),
    ];
    for (name, f) in hooks {
        ns.insert(name.to_string(), Value::py_func(name, *f));
    }
    let ann: Vec<(String, AnnKind)> = Vec::new();
    class::new_class("K", "K", "__main__", Vec::new(), Vec::new(), ns, ann, None).expect("class K")
}
