//! Structural pattern matching (`match`), as CPython 3.11's `MATCH_SEQUENCE`,
//! `MATCH_MAPPING`, `MATCH_KEYS`, `COPY_DICT_WITHOUT_KEYS` and `MATCH_CLASS` do it.
//!
//! Generated code asks these functions whether the subject has the right shape and for the
//! values its sub-patterns are matched against; captures are bound by the generated code
//! only once the whole pattern matched (CPython stores them after the pattern, before the
//! guard).

use crate::err::{PyErr, PyResult};
use crate::ops;
use crate::value::{Dict, Key, Value};

/// Whether `v` is a sequence for `match` (CPython's `Py_TPFLAGS_SEQUENCE`: list, tuple,
/// range, tuple subclasses, `collections.abc.Sequence` subclasses; never str or bytes).
pub fn is_match_sequence(v: &Value) -> bool {
    match v {
        Value::List(_) | Value::Tuple(_) => true,
        Value::Object(o) => o.is_sequence() || o.as_tuple().is_some(),
        _ => false,
    }
}

/// Whether `v` is a mapping for `match` (`Py_TPFLAGS_MAPPING`: dict and its subclasses,
/// `collections.abc.Mapping` subclasses such as panther_core's events).
pub fn is_match_mapping(v: &Value) -> bool {
    match v {
        Value::Dict(_) => true,
        Value::Object(o) => o.is_mapping(),
        _ => false,
    }
}

/// The items a sequence pattern of `size` sub-patterns matches against, or `None` when the
/// subject is not a sequence of a fitting length. With a star at `star`, the result holds
/// the items before it, a list of the middle, and the items after it. As CPython, the items
/// are taken by index when the star is a wildcard (`*_`), else by iterating the subject,
/// and not at all when every sub-pattern is a wildcard.
pub fn sequence(
    subject: &Value,
    size: usize,
    star: Option<usize>,
    star_wildcard: bool,
    only_wildcards: bool,
) -> PyResult<Option<Vec<Value>>> {
    if !is_match_sequence(subject) {
        return Ok(None);
    }
    let len = ops::len(subject)?;
    let fits = match star {
        None => len == size,
        Some(_) => len + 1 >= size,
    };
    if !fits {
        return Ok(None);
    }
    // `[_, _]`, `[_, *_]`: nothing is read.
    if only_wildcards {
        return Ok(Some(vec![Value::None; size]));
    }
    match star {
        None => {
            let items = ops::iter(subject)?;
            if items.len() != size {
                return Err(PyErr::value_error(format!(
                    "too many values to unpack (expected {size})"
                )));
            }
            Ok(Some(items))
        }
        Some(s) if star_wildcard => {
            // `subject[i]` before the star, `subject[len - k]` after it.
            let mut out = Vec::with_capacity(size);
            for i in 0..s {
                out.push(ops::getitem(subject, &Value::Int(i as i64))?);
            }
            out.push(Value::None);
            for i in s + 1..size {
                let idx = len as i64 - (size - i) as i64;
                out.push(ops::getitem(subject, &Value::Int(idx))?);
            }
            Ok(Some(out))
        }
        Some(s) => {
            let items = ops::iter(subject)?;
            let after = size - s - 1;
            if items.len() < s + after {
                return Ok(None);
            }
            let mut out: Vec<Value> = items[..s].to_vec();
            out.push(Value::list(items[s..items.len() - after].to_vec()));
            out.extend(items[items.len() - after..].iter().cloned());
            Ok(Some(out))
        }
    }
}

/// `MATCH_MAPPING` and the length check of a mapping pattern with `n_keys` keys.
pub fn mapping_fits(subject: &Value, n_keys: usize) -> PyResult<bool> {
    if !is_match_mapping(subject) {
        return Ok(false);
    }
    Ok(n_keys == 0 || ops::len(subject)? >= n_keys)
}

/// `MATCH_KEYS`: the values of `keys` in the subject, through its `get(key, <sentinel>)`, or
/// `None` when one is missing.
pub fn keys(subject: &Value, keys: &[Value]) -> PyResult<Option<Vec<Value>>> {
    let mut seen: Vec<Key> = Vec::with_capacity(keys.len());
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let key = Key::new(k.clone())?;
        if seen.contains(&key) {
            return Err(PyErr::value_error(format!(
                "mapping pattern checks duplicate key ({})",
                crate::fmt::repr(k)
            )));
        }
        seen.push(key.clone());
        let found = match subject {
            Value::Dict(d) => d.borrow().get(&key).cloned(),
            _ => {
                let sentinel = crate::builtins::object_(&[], &[])?;
                let v = ops::call_method(subject, "get", &[k.clone(), sentinel.clone()], &[])?;
                (!v.is(&sentinel)).then_some(v)
            }
        };
        match found {
            Some(v) => out.push(v),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// `COPY_DICT_WITHOUT_KEYS`: `**rest` of a mapping pattern, a new dict of the subject's
/// items without `keys` (deleting a key it lacks raises KeyError, as in CPython).
pub fn rest(subject: &Value, keys: &[Value]) -> PyResult<Value> {
    let mut d = Dict::default();
    crate::methods::for_each_pair(subject, |k, v| {
        d.insert(k, v);
        Ok(())
    })?;
    for k in keys {
        let key = Key::new(k.clone())?;
        if d.shift_remove(&key).is_none() {
            return Err(PyErr::key_error(k.clone()));
        }
    }
    Ok(Value::dict(d))
}

/// Builtin types whose single positional sub-pattern matches the subject itself
/// (`_Py_TPFLAGS_MATCH_SELF`).
const MATCH_SELF: &[&str] = &[
    "bool",
    "bytearray",
    "bytes",
    "dict",
    "float",
    "frozenset",
    "int",
    "list",
    "set",
    "str",
    "tuple",
];

/// `MATCH_CLASS`: `None` when the subject is not an instance of `cls`; otherwise the values
/// the `n_pos` positional (through `__match_args__`) and the keyword sub-patterns match,
/// every attribute read before any sub-pattern runs. An attribute the subject lacks is no
/// match.
pub fn class(
    subject: &Value,
    cls: &Value,
    n_pos: usize,
    kw: &[&str],
) -> PyResult<Option<Vec<Value>>> {
    let type_name = class_name(cls)?;
    if !ops::truthy(&crate::builtins::isinstance(
        &[subject.clone(), cls.clone()],
        &[],
    )?)? {
        return Ok(None);
    }
    let mut seen: Vec<String> = Vec::new();
    let mut attrs = Vec::with_capacity(n_pos + kw.len());
    let mut attr = |name: &str, attrs: &mut Vec<Value>| -> PyResult<bool> {
        if seen.iter().any(|s| s == name) {
            return Err(PyErr::type_error(format!(
                "{type_name}() got multiple sub-patterns for attribute '{name}'"
            )));
        }
        seen.push(name.to_string());
        match ops::getattr(subject, name) {
            Ok(v) => {
                attrs.push(v);
                Ok(true)
            }
            Err(e) if e.matches(crate::ExcKind::AttributeError) => Ok(false),
            Err(e) => Err(e),
        }
    };
    if n_pos > 0 {
        let (match_args, match_self) = match ops::getattr(cls, "__match_args__") {
            Ok(Value::Tuple(t)) => (t.to_vec(), false),
            Ok(other) => {
                return Err(PyErr::type_error(format!(
                    "{type_name}.__match_args__ must be a tuple (got {})",
                    other.type_name()
                )))
            }
            Err(e) if e.matches(crate::ExcKind::AttributeError) => (Vec::new(), is_match_self(cls)),
            Err(e) => return Err(e),
        };
        let allowed = if match_self { 1 } else { match_args.len() };
        if allowed < n_pos {
            return Err(PyErr::type_error(format!(
                "{type_name}() accepts {allowed} positional sub-pattern{} ({n_pos} given)",
                if allowed == 1 { "" } else { "s" }
            )));
        }
        if match_self {
            attrs.push(subject.clone());
        } else {
            for name in &match_args[..n_pos] {
                let Value::Str(name) = name else {
                    return Err(PyErr::type_error(format!(
                        "__match_args__ elements must be strings (got {})",
                        name.type_name()
                    )));
                };
                if !attr(name, &mut attrs)? {
                    return Ok(None);
                }
            }
        }
    }
    for name in kw {
        if !attr(name, &mut attrs)? {
            return Ok(None);
        }
    }
    Ok(Some(attrs))
}

/// The `tp_name` of a class in a class pattern; a TypeError when it is not a class.
fn class_name(cls: &Value) -> PyResult<String> {
    let is_type = !matches!(cls, Value::Tuple(_))
        && crate::builtins::isinstance(&[Value::None, cls.clone()], &[]).is_ok();
    if !is_type {
        return Err(PyErr::type_error("called match pattern must be a type"));
    }
    // CPython's `tp_name`: C types of library modules carry their module.
    if let Some(t) = cls.downcast::<crate::value::TypeObject>() {
        if matches!(t.module, "datetime" | "re" | "decimal" | "collections") {
            return Ok(format!("{}.{}", t.module, t.name));
        }
    }
    match ops::getattr(cls, "__name__") {
        Ok(Value::Str(s)) => Ok(s.to_string()),
        _ => Ok(crate::fmt::repr(cls)),
    }
}

fn is_match_self(cls: &Value) -> bool {
    cls.downcast::<crate::value::TypeObject>()
        .is_some_and(|t| t.module == "builtins" && MATCH_SELF.contains(&t.name))
}
