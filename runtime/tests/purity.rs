//! Order-free `any`/`all` over a set of unknown order: answers when every test is free of
//! side effects and raises nothing, refuses otherwise.

use ferrule_runtime::err::{ExcKind, PyErr, PyResult};
use ferrule_runtime::methods::call_method;
use ferrule_runtime::ops;
use ferrule_runtime::purity::any_all;
use ferrule_runtime::value::{Kwargs, Value};

fn items() -> Vec<Value> {
    vec![Value::str("a"), Value::str("bb"), Value::str("ccc")]
}

fn refused(r: PyResult<bool>) -> bool {
    matches!(r, Err(e) if e.kind() == Some(ExcKind::NotImplementedError))
}

fn python_fn(_: &[Value], _: Kwargs) -> PyResult<Value> {
    Ok(Value::Bool(true))
}

fn raising(_: &[Value], _: Kwargs) -> PyResult<Value> {
    Err(PyErr::value_error("boom".to_string()))
}

#[test]
fn pure_tests_answer_in_any_order() {
    let long = |v: Value| Ok(ops::len(&v)? > 2);
    assert!(any_all(items(), true, long).unwrap());
    assert!(!any_all(items(), false, long).unwrap());
    let nonempty = |v: Value| Ok(ops::len(&v)? > 0);
    assert!(any_all(items(), false, nonempty).unwrap());
    assert!(!any_all(Vec::new(), true, nonempty).unwrap());
    assert!(any_all(Vec::new(), false, nonempty).unwrap());
    // A builtin value (like `fnmatch.fnmatch`) may be called.
    let builtin = Value::func("len", |a, _| Ok(Value::Int(ops::len(&a[0])? as i64)));
    let r = any_all(items(), true, |v| {
        ops::truthy(&ops::call(&builtin, &[v], &[])?)
    });
    assert!(r.unwrap());
}

#[test]
fn side_effects_and_errors_are_refused() {
    // Python code may do anything.
    let f = Value::py_func("check", python_fn);
    assert!(refused(any_all(items(), true, |v| {
        ops::truthy(&ops::call(&f, &[v], &[])?)
    })));
    // A mutating method.
    let seen = Value::list(Vec::new());
    assert!(refused(any_all(items(), true, |v| {
        call_method(&seen, "append", &[v], &[])?;
        Ok(false)
    })));
    // An exception CPython might never have reached.
    let g = Value::func("raising", raising);
    assert!(refused(any_all(items(), false, |v| {
        ops::truthy(&ops::call(&g, &[v], &[])?)
    })));
    // The caching store.
    let put = ferrule_runtime::caching::module();
    let put = ops::getattr(&put, "put_string_set").unwrap();
    assert!(refused(any_all(items(), true, |v| {
        ops::call(&put, &[v, Value::list(Vec::new())], &[])?;
        Ok(false)
    })));
    // Outside an order-free test the same calls run normally.
    assert!(ops::call(&f, &[Value::None], &[]).is_ok());
    assert!(call_method(&seen, "append", &[Value::None], &[]).is_ok());
}
