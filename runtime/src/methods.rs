//! Methods of the built-in types: `str`, `bytes`, `list`, `tuple`, `dict`, `set`, `int`,
//! `float`.
//!
//! [`call_method`] dispatches `x.name(*args, **kwargs)` for every core [`Value`] variant.
//! `dict.keys()`, `dict.values()` and `dict.items()` return live view objects
//! ([`DictView`]) with CPython's `repr`, `len`, iteration and membership.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use crate::err::{ExcKind, ExcType, PyErr, PyResult};
use crate::ops::{self, as_index, unsupported};
use crate::pyset;
use crate::unicode;
use crate::value::{BinOp, Dict, Key, Kwargs, PyObject, Set, Value};

/// Binds positional and keyword arguments to the parameters `names`; at least `min` are
/// required. Calls that CPython would reject with an arity error are reported as
/// unsupported rather than with an approximate message.
fn bind(
    meth: &str,
    args: &[Value],
    kwargs: Kwargs,
    names: &[&str],
    min: usize,
    kw_ok: bool,
) -> PyResult<Vec<Option<Value>>> {
    if args.len() > names.len() || (!kw_ok && !kwargs.is_empty()) {
        return Err(unsupported(&format!("this call of {meth}()")));
    }
    let mut out: Vec<Option<Value>> = vec![None; names.len()];
    for (i, a) in args.iter().enumerate() {
        out[i] = Some(a.clone());
    }
    for (k, v) in kwargs {
        match names.iter().position(|n| n == k) {
            Some(i) if out[i].is_none() => out[i] = Some(v.clone()),
            _ => return Err(unsupported(&format!("this call of {meth}()"))),
        }
    }
    if out.iter().take(min).any(|v| v.is_none()) {
        return Err(unsupported(&format!("this call of {meth}()")));
    }
    Ok(out)
}

/// `TYPE.NAME`, written only when displayed (an error message).
struct Qualified<'a>(&'static str, &'a str);

impl std::fmt::Display for Qualified<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

fn no_args(meth: impl std::fmt::Display, args: &[Value], kwargs: Kwargs) -> PyResult<()> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error(format!(
            "{meth}() takes no keyword arguments"
        )));
    }
    if !args.is_empty() {
        return Err(PyErr::type_error(format!(
            "{meth}() takes no arguments ({} given)",
            args.len()
        )));
    }
    Ok(())
}

/// An integer argument (`'str' object cannot be interpreted as an integer`).
pub fn int_arg(v: &Value) -> PyResult<i64> {
    as_index(v).ok_or_else(|| {
        PyErr::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))
    })
}

/// A start/end argument of `find`, `count`, `startswith`…: int or None.
fn opt_bound(v: &Option<Value>) -> PyResult<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(x) => as_index(x).map(Some).ok_or_else(|| {
            PyErr::type_error("slice indices must be integers or None or have an __index__ method")
        }),
    }
}

/// CPython's ADJUST_INDICES: the clamped `(start, end)` of a search window.
fn adjust(start: Option<i64>, end: Option<i64>, len: usize) -> (i64, i64) {
    let len = len as i64;
    let mut s = start.unwrap_or(0);
    let mut e = end.unwrap_or(len);
    if e > len {
        e = len;
    } else if e < 0 {
        e += len;
        if e < 0 {
            e = 0;
        }
    }
    if s < 0 {
        s += len;
        if s < 0 {
            s = 0;
        }
    }
    (s, e)
}

fn s(v: &str) -> Value {
    Value::from(v)
}

/// The methods of `type_name` that `getattr`/`hasattr` find.
fn method_names(v: &Value) -> &'static [&'static str] {
    match v {
        Value::Str(_) => &[
            "lower",
            "upper",
            "casefold",
            "split",
            "rsplit",
            "strip",
            "lstrip",
            "rstrip",
            "startswith",
            "endswith",
            "replace",
            "join",
            "title",
            "capitalize",
            "swapcase",
            "format",
            "ljust",
            "rjust",
            "center",
            "zfill",
            "find",
            "rfind",
            "index",
            "rindex",
            "count",
            "encode",
            "isascii",
            "isprintable",
            "isspace",
            "isdigit",
            "isalpha",
            "isalnum",
            "isnumeric",
            "isdecimal",
            "islower",
            "isupper",
            "istitle",
            "partition",
            "rpartition",
            "splitlines",
            "removeprefix",
            "removesuffix",
            "expandtabs",
        ],
        Value::Bytes(_) => &["decode", "hex", "startswith", "endswith", "count", "find"],
        Value::List(_) => &[
            "append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse",
            "copy", "clear",
        ],
        Value::Tuple(_) => &["index", "count"],
        Value::Dict(_) => &[
            "get",
            "items",
            "keys",
            "values",
            "update",
            "pop",
            "setdefault",
            "copy",
            "clear",
            "popitem",
            "fromkeys",
        ],
        Value::Set(_) => &[
            "add",
            "update",
            "union",
            "intersection",
            "difference",
            "symmetric_difference",
            "issubset",
            "issuperset",
            "isdisjoint",
            "discard",
            "remove",
            "pop",
            "copy",
            "clear",
        ],
        Value::FrozenSet(_) => &[
            "union",
            "intersection",
            "difference",
            "symmetric_difference",
            "issubset",
            "issuperset",
            "isdisjoint",
            "copy",
        ],
        Value::Int(_) | Value::Bool(_) => &["bit_length"],
        Value::Float(_) => &["is_integer"],
        _ => &[],
    }
}

/// Raises the `AttributeError` that looking up `x.name` raises when a built-in value has no
/// such method. Emitted before a call's arguments are evaluated, because Python looks the
/// method up first: `None.lower(f())` raises `AttributeError` without calling `f`.
pub fn check_method(v: &Value, name: &str) -> PyResult<()> {
    if matches!(v, Value::Object(_)) || method_names(v).contains(&name) {
        return Ok(());
    }
    Err(no_attribute(v, name))
}

/// `AttributeError: 'str' object has no attribute 'name'`, or `unsupported` when CPython's
/// type has that attribute and ferrule's runtime does not.
fn no_attribute(v: &Value, name: &str) -> PyErr {
    if cpython_has_attribute(v, name) {
        let ty = if let Value::Func(_) = v {
            "function"
        } else {
            v.type_name()
        };
        return unsupported(&format!("`{ty}.{name}`"));
    }
    if let Value::Func(f) = v {
        let ty = if f.builtin {
            "builtin_function_or_method"
        } else {
            "function"
        };
        return PyErr::attribute_error(format!("'{ty}' object has no attribute '{name}'"));
    }
    PyErr::attribute_error(format!(
        "'{}' object has no attribute '{}'",
        v.type_name(),
        name
    ))
}

/// `dir(tuple)` in CPython 3.11 (shared with tuple subclasses such as namedtuples).
pub(crate) const TUPLE_ATTRIBUTES: &[&str] = &[
    "__add__",
    "__class__",
    "__class_getitem__",
    "__contains__",
    "__delattr__",
    "__dir__",
    "__doc__",
    "__eq__",
    "__format__",
    "__ge__",
    "__getattribute__",
    "__getitem__",
    "__getnewargs__",
    "__getstate__",
    "__gt__",
    "__hash__",
    "__init__",
    "__init_subclass__",
    "__iter__",
    "__le__",
    "__len__",
    "__lt__",
    "__mul__",
    "__ne__",
    "__new__",
    "__reduce__",
    "__reduce_ex__",
    "__repr__",
    "__rmul__",
    "__setattr__",
    "__sizeof__",
    "__str__",
    "__subclasshook__",
    "count",
    "index",
];

/// Every attribute name CPython 3.11 gives the built-in types (`dir(type)`): a name ferrule
/// lacks but CPython has is refused, never reported as an AttributeError.
fn cpython_has_attribute(v: &Value, name: &str) -> bool {
    let names: &[&str] = match v {
        Value::Str(_) => &[
            "__add__",
            "__class__",
            "__contains__",
            "__delattr__",
            "__dir__",
            "__doc__",
            "__eq__",
            "__format__",
            "__ge__",
            "__getattribute__",
            "__getitem__",
            "__getnewargs__",
            "__getstate__",
            "__gt__",
            "__hash__",
            "__init__",
            "__init_subclass__",
            "__iter__",
            "__le__",
            "__len__",
            "__lt__",
            "__mod__",
            "__mul__",
            "__ne__",
            "__new__",
            "__reduce__",
            "__reduce_ex__",
            "__repr__",
            "__rmod__",
            "__rmul__",
            "__setattr__",
            "__sizeof__",
            "__str__",
            "__subclasshook__",
            "capitalize",
            "casefold",
            "center",
            "count",
            "encode",
            "endswith",
            "expandtabs",
            "find",
            "format",
            "format_map",
            "index",
            "isalnum",
            "isalpha",
            "isascii",
            "isdecimal",
            "isdigit",
            "isidentifier",
            "islower",
            "isnumeric",
            "isprintable",
            "isspace",
            "istitle",
            "isupper",
            "join",
            "ljust",
            "lower",
            "lstrip",
            "maketrans",
            "partition",
            "removeprefix",
            "removesuffix",
            "replace",
            "rfind",
            "rindex",
            "rjust",
            "rpartition",
            "rsplit",
            "rstrip",
            "split",
            "splitlines",
            "startswith",
            "strip",
            "swapcase",
            "title",
            "translate",
            "upper",
            "zfill",
        ],
        Value::Bytes(_) => &[
            "__add__",
            "__bytes__",
            "__class__",
            "__contains__",
            "__delattr__",
            "__dir__",
            "__doc__",
            "__eq__",
            "__format__",
            "__ge__",
            "__getattribute__",
            "__getitem__",
            "__getnewargs__",
            "__getstate__",
            "__gt__",
            "__hash__",
            "__init__",
            "__init_subclass__",
            "__iter__",
            "__le__",
            "__len__",
            "__lt__",
            "__mod__",
            "__mul__",
            "__ne__",
            "__new__",
            "__reduce__",
            "__reduce_ex__",
            "__repr__",
            "__rmod__",
            "__rmul__",
            "__setattr__",
            "__sizeof__",
            "__str__",
            "__subclasshook__",
            "capitalize",
            "center",
            "count",
            "decode",
            "endswith",
            "expandtabs",
            "find",
            "fromhex",
            "hex",
            "index",
            "isalnum",
            "isalpha",
            "isascii",
            "isdigit",
            "islower",
            "isspace",
            "istitle",
            "isupper",
            "join",
            "ljust",
            "lower",
            "lstrip",
            "maketrans",
            "partition",
            "removeprefix",
            "removesuffix",
            "replace",
            "rfind",
            "rindex",
            "rjust",
            "rpartition",
            "rsplit",
            "rstrip",
            "split",
            "splitlines",
            "startswith",
            "strip",
            "swapcase",
            "title",
            "translate",
            "upper",
            "zfill",
        ],
        Value::List(_) => &[
            "__add__",
            "__class__",
            "__class_getitem__",
            "__contains__",
            "__delattr__",
            "__delitem__",
            "__dir__",
            "__doc__",
            "__eq__",
            "__format__",
            "__ge__",
            "__getattribute__",
            "__getitem__",
            "__getstate__",
            "__gt__",
            "__hash__",
            "__iadd__",
            "__imul__",
            "__init__",
            "__init_subclass__",
            "__iter__",
            "__le__",
            "__len__",
            "__lt__",
            "__mul__",
            "__ne__",
            "__new__",
            "__reduce__",
            "__reduce_ex__",
            "__repr__",
            "__reversed__",
            "__rmul__",
            "__setattr__",
            "__setitem__",
            "__sizeof__",
            "__str__",
            "__subclasshook__",
            "append",
            "clear",
            "copy",
            "count",
            "extend",
            "index",
            "insert",
            "pop",
            "remove",
            "reverse",
            "sort",
        ],
        Value::Tuple(_) => TUPLE_ATTRIBUTES,
        Value::Dict(_) => &[
            "__class__",
            "__class_getitem__",
            "__contains__",
            "__delattr__",
            "__delitem__",
            "__dir__",
            "__doc__",
            "__eq__",
            "__format__",
            "__ge__",
            "__getattribute__",
            "__getitem__",
            "__getstate__",
            "__gt__",
            "__hash__",
            "__init__",
            "__init_subclass__",
            "__ior__",
            "__iter__",
            "__le__",
            "__len__",
            "__lt__",
            "__ne__",
            "__new__",
            "__or__",
            "__reduce__",
            "__reduce_ex__",
            "__repr__",
            "__reversed__",
            "__ror__",
            "__setattr__",
            "__setitem__",
            "__sizeof__",
            "__str__",
            "__subclasshook__",
            "clear",
            "copy",
            "fromkeys",
            "get",
            "items",
            "keys",
            "pop",
            "popitem",
            "setdefault",
            "update",
            "values",
        ],
        Value::Set(_) => &[
            "__and__",
            "__class__",
            "__class_getitem__",
            "__contains__",
            "__delattr__",
            "__dir__",
            "__doc__",
            "__eq__",
            "__format__",
            "__ge__",
            "__getattribute__",
            "__getstate__",
            "__gt__",
            "__hash__",
            "__iand__",
            "__init__",
            "__init_subclass__",
            "__ior__",
            "__isub__",
            "__iter__",
            "__ixor__",
            "__le__",
            "__len__",
            "__lt__",
            "__ne__",
            "__new__",
            "__or__",
            "__rand__",
            "__reduce__",
            "__reduce_ex__",
            "__repr__",
            "__ror__",
            "__rsub__",
            "__rxor__",
            "__setattr__",
            "__sizeof__",
            "__str__",
            "__sub__",
            "__subclasshook__",
            "__xor__",
            "add",
            "clear",
            "copy",
            "difference",
            "difference_update",
            "discard",
            "intersection",
            "intersection_update",
            "isdisjoint",
            "issubset",
            "issuperset",
            "pop",
            "remove",
            "symmetric_difference",
            "symmetric_difference_update",
            "union",
            "update",
        ],
        Value::FrozenSet(_) => &[
            "__and__",
            "__class__",
            "__class_getitem__",
            "__contains__",
            "__delattr__",
            "__dir__",
            "__doc__",
            "__eq__",
            "__format__",
            "__ge__",
            "__getattribute__",
            "__getstate__",
            "__gt__",
            "__hash__",
            "__init__",
            "__init_subclass__",
            "__iter__",
            "__le__",
            "__len__",
            "__lt__",
            "__ne__",
            "__new__",
            "__or__",
            "__rand__",
            "__reduce__",
            "__reduce_ex__",
            "__repr__",
            "__ror__",
            "__rsub__",
            "__rxor__",
            "__setattr__",
            "__sizeof__",
            "__str__",
            "__sub__",
            "__subclasshook__",
            "__xor__",
            "copy",
            "difference",
            "intersection",
            "isdisjoint",
            "issubset",
            "issuperset",
            "symmetric_difference",
            "union",
        ],
        // `dir(bool) == dir(int)` in CPython 3.11.
        Value::Int(_) | Value::Bool(_) => &[
            "__abs__",
            "__add__",
            "__and__",
            "__bool__",
            "__ceil__",
            "__class__",
            "__delattr__",
            "__dir__",
            "__divmod__",
            "__doc__",
            "__eq__",
            "__float__",
            "__floor__",
            "__floordiv__",
            "__format__",
            "__ge__",
            "__getattribute__",
            "__getnewargs__",
            "__getstate__",
            "__gt__",
            "__hash__",
            "__index__",
            "__init__",
            "__init_subclass__",
            "__int__",
            "__invert__",
            "__le__",
            "__lshift__",
            "__lt__",
            "__mod__",
            "__mul__",
            "__ne__",
            "__neg__",
            "__new__",
            "__or__",
            "__pos__",
            "__pow__",
            "__radd__",
            "__rand__",
            "__rdivmod__",
            "__reduce__",
            "__reduce_ex__",
            "__repr__",
            "__rfloordiv__",
            "__rlshift__",
            "__rmod__",
            "__rmul__",
            "__ror__",
            "__round__",
            "__rpow__",
            "__rrshift__",
            "__rshift__",
            "__rsub__",
            "__rtruediv__",
            "__rxor__",
            "__setattr__",
            "__sizeof__",
            "__str__",
            "__sub__",
            "__subclasshook__",
            "__truediv__",
            "__trunc__",
            "__xor__",
            "as_integer_ratio",
            "bit_count",
            "bit_length",
            "conjugate",
            "denominator",
            "from_bytes",
            "imag",
            "numerator",
            "real",
            "to_bytes",
        ],
        Value::Float(_) => &[
            "__abs__",
            "__add__",
            "__bool__",
            "__ceil__",
            "__class__",
            "__delattr__",
            "__dir__",
            "__divmod__",
            "__doc__",
            "__eq__",
            "__float__",
            "__floor__",
            "__floordiv__",
            "__format__",
            "__ge__",
            "__getattribute__",
            "__getformat__",
            "__getnewargs__",
            "__getstate__",
            "__gt__",
            "__hash__",
            "__init__",
            "__init_subclass__",
            "__int__",
            "__le__",
            "__lt__",
            "__mod__",
            "__mul__",
            "__ne__",
            "__neg__",
            "__new__",
            "__pos__",
            "__pow__",
            "__radd__",
            "__rdivmod__",
            "__reduce__",
            "__reduce_ex__",
            "__repr__",
            "__rfloordiv__",
            "__rmod__",
            "__rmul__",
            "__round__",
            "__rpow__",
            "__rsub__",
            "__rtruediv__",
            "__setattr__",
            "__sizeof__",
            "__str__",
            "__sub__",
            "__subclasshook__",
            "__truediv__",
            "__trunc__",
            "as_integer_ratio",
            "conjugate",
            "fromhex",
            "hex",
            "imag",
            "is_integer",
            "real",
        ],
        Value::None => &[
            "__bool__",
            "__class__",
            "__delattr__",
            "__dir__",
            "__doc__",
            "__eq__",
            "__format__",
            "__ge__",
            "__getattribute__",
            "__getstate__",
            "__gt__",
            "__hash__",
            "__init__",
            "__init_subclass__",
            "__le__",
            "__lt__",
            "__ne__",
            "__new__",
            "__reduce__",
            "__reduce_ex__",
            "__repr__",
            "__setattr__",
            "__sizeof__",
            "__str__",
            "__subclasshook__",
        ],
        // Functions have many attributes (`__name__`, `__code__`, …): never an error here.
        Value::Func(_) | Value::Object(_) => return true,
    };
    names.contains(&name)
}

/// `x.name` for a method of a built-in type: a function bound to `x`.
pub fn bound_method(v: &Value, name: &str) -> Option<Value> {
    if !method_names(v).contains(&name) {
        return None;
    }
    let this = v.clone();
    let owned = name.to_string();
    Some(Value::closure(name, move |args, kwargs| {
        call_method(&this, &owned, args, kwargs)
    }))
}

/// `x.name(*args, **kwargs)` for the core value types.
pub fn call_method(v: &Value, name: &str, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if crate::purity::active() {
        crate::purity::check_method(v, name)?;
    }
    let r = match v {
        Value::Str(x) => str_method(x, name, args, kwargs),
        Value::Bytes(b) => bytes_method(b, name, args, kwargs),
        Value::List(l) => list_method(v, l, name, args, kwargs),
        Value::Tuple(t) => tuple_method(t, name, args, kwargs),
        Value::Dict(d) => dict_method(v, d, name, args, kwargs),
        Value::Set(_) | Value::FrozenSet(_) => set_method(v, name, args, kwargs),
        Value::Int(_) | Value::Bool(_) => int_method(v, name, args, kwargs),
        Value::Float(f) => float_method(*f, name, args, kwargs),
        Value::Object(o) => return o.call_method(v, name, args, kwargs),
        _ => None,
    };
    match r {
        Some(r) => r,
        None => Err(no_attribute(v, name)),
    }
}

fn str_arg(v: &Value, err: impl FnOnce() -> String) -> PyResult<&str> {
    v.as_str().ok_or_else(|| PyErr::type_error(err()))
}

// ---------------------------------------------------------------------------------------
// str

fn split_whitespace(s: &str, maxsplit: i64) -> Vec<Value> {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    let mut i = 0;
    let mut splits = 0;
    while i < n {
        while i < n && unicode::is_space(chars[i]) {
            i += 1;
        }
        if i == n {
            break;
        }
        if maxsplit >= 0 && splits >= maxsplit {
            // The remainder keeps its trailing whitespace, as in CPython.
            out.push(Value::from(chars[i..n].iter().collect::<String>()));
            return out;
        }
        let start = i;
        while i < n && !unicode::is_space(chars[i]) {
            i += 1;
        }
        out.push(Value::from(chars[start..i].iter().collect::<String>()));
        splits += 1;
    }
    out
}

fn rsplit_whitespace(s: &str, maxsplit: i64) -> Vec<Value> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = chars.len();
    let mut splits = 0;
    while i > 0 {
        while i > 0 && unicode::is_space(chars[i - 1]) {
            i -= 1;
        }
        if i == 0 {
            break;
        }
        if maxsplit >= 0 && splits >= maxsplit {
            // The remainder keeps its leading whitespace, as in CPython.
            out.push(Value::from(chars[..i].iter().collect::<String>()));
            break;
        }
        let end = i;
        while i > 0 && !unicode::is_space(chars[i - 1]) {
            i -= 1;
        }
        out.push(Value::from(chars[i..end].iter().collect::<String>()));
        splits += 1;
    }
    out.reverse();
    out
}

fn sep_arg(v: &Option<Value>) -> PyResult<Option<Rc<str>>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(x)) => {
            if x.is_empty() {
                Err(PyErr::value_error("empty separator"))
            } else {
                Ok(Some(x.clone()))
            }
        }
        Some(o) => Err(PyErr::type_error(format!(
            "must be str or None, not {}",
            o.type_name()
        ))),
    }
}

fn maxsplit_arg(v: &Option<Value>) -> PyResult<i64> {
    match v {
        None => Ok(-1),
        Some(x) => int_arg(x),
    }
}

fn strip_chars(
    meth: &str,
    x: &str,
    args: &[Value],
    kwargs: Kwargs,
    left: bool,
    right: bool,
) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error(format!(
            "str.{meth}() takes no keyword arguments"
        )));
    }
    if args.len() > 1 {
        return Err(unsupported(&format!("this call of {meth}()")));
    }
    let set: Option<Vec<char>> = match args.first() {
        None | Some(Value::None) => None,
        Some(Value::Str(c)) => Some(c.chars().collect()),
        Some(_) => return Err(PyErr::type_error(format!("{meth} arg must be None or str"))),
    };
    let pred = |c: char| match &set {
        None => unicode::is_space(c),
        Some(cs) => cs.contains(&c),
    };
    let mut r: &str = x;
    if left {
        r = r.trim_start_matches(pred);
    }
    if right {
        r = r.trim_end_matches(pred);
    }
    Ok(s(r))
}

fn prefix_arg<'a>(meth: &str, v: &'a Value) -> PyResult<Vec<&'a str>> {
    let err = || {
        PyErr::type_error(format!(
            "{meth} first arg must be str or a tuple of str, not {}",
            v.type_name()
        ))
    };
    match v {
        Value::Str(p) => Ok(vec![p]),
        Value::Tuple(t) => t
            .iter()
            .map(|x| {
                x.as_str().ok_or_else(|| {
                    PyErr::type_error(format!(
                        "tuple for {meth} must only contain str, not {}",
                        x.type_name()
                    ))
                })
            })
            .collect(),
        _ => Err(err()),
    }
}

fn tailmatch(chars: &[char], sub: &str, start: i64, end: i64, suffix: bool) -> bool {
    let sub: Vec<char> = sub.chars().collect();
    let n = sub.len() as i64;
    if end - start < n || start > chars.len() as i64 {
        return false;
    }
    let at = if suffix { end - n } else { start } as usize;
    chars[at..at + sub.len()] == sub[..]
}

fn find_in(hay: &[char], needle: &[char], start: i64, end: i64, rev: bool) -> Option<usize> {
    if start > hay.len() as i64 || end - start < needle.len() as i64 {
        return None;
    }
    let (s0, e0) = (start as usize, end as usize);
    let last = e0 - needle.len();
    if rev {
        (s0..=last)
            .rev()
            .find(|&i| hay[i..i + needle.len()] == *needle)
    } else {
        (s0..=last).find(|&i| hay[i..i + needle.len()] == *needle)
    }
}

fn count_in(hay: &[char], needle: &[char], start: i64, end: i64) -> i64 {
    if start > hay.len() as i64 || end < start {
        return 0;
    }
    if needle.is_empty() {
        return end - start + 1;
    }
    let mut i = start as usize;
    let e = end as usize;
    let mut n = 0;
    while i + needle.len() <= e {
        if hay[i..i + needle.len()] == *needle {
            n += 1;
            i += needle.len();
        } else {
            i += 1;
        }
    }
    n
}

fn fill_char(v: &Option<Value>) -> PyResult<char> {
    match v {
        None => Ok(' '),
        Some(Value::Str(f)) => {
            let mut it = f.chars();
            match (it.next(), it.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(PyErr::type_error(
                    "The fill character must be exactly one character long",
                )),
            }
        }
        Some(o) => Err(PyErr::type_error(format!(
            "The fill character must be a unicode character, not {}",
            o.type_name()
        ))),
    }
}

fn pad(x: &str, left: usize, right: usize, fill: char) -> String {
    let mut out = String::with_capacity(x.len() + left + right);
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(x);
    out.extend(std::iter::repeat_n(fill, right));
    out
}

const MAX_PAD: i64 = 1 << 28;

/// How Argument Clinic names an argument's type in errors: None by name.
fn clinic_type(v: &Value) -> &str {
    if v.is_none() {
        "None"
    } else {
        v.type_name()
    }
}

fn width_arg(v: &Value) -> PyResult<i64> {
    let w = int_arg(v)?;
    if w > MAX_PAD {
        return Err(unsupported("padding to this width"));
    }
    Ok(w)
}

fn splitlines(x: &str, keepends: bool) -> Vec<Value> {
    let chars: Vec<char> = x.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let n = chars.len();
    while i < n {
        let start = i;
        while i < n && !unicode::is_linebreak(chars[i]) {
            i += 1;
        }
        let mut eol = i;
        if i < n {
            if chars[i] == '\r' && i + 1 < n && chars[i + 1] == '\n' {
                i += 2;
            } else {
                i += 1;
            }
            if keepends {
                eol = i;
            }
        }
        out.push(Value::from(chars[start..eol].iter().collect::<String>()));
    }
    out
}

fn str_method(x: &Rc<str>, name: &str, args: &[Value], kwargs: Kwargs) -> Option<PyResult<Value>> {
    str_method_impl(x, name, args, kwargs)
}

fn str_method_impl(
    x: &Rc<str>,
    name: &str,
    args: &[Value],
    kwargs: Kwargs,
) -> Option<PyResult<Value>> {
    // The most frequent calls in detections, when there is nothing to bind, skip the
    // argument handling below (which allocates); the results are the same.
    if kwargs.is_empty() {
        match (name, args) {
            ("startswith", [Value::Str(p)]) => return Some(Ok(Value::Bool(x.starts_with(&**p)))),
            ("endswith", [Value::Str(p)]) => return Some(Ok(Value::Bool(x.ends_with(&**p)))),
            ("lower", []) => return Some(Ok(Value::from(unicode::lower(x)))),
            ("upper", []) => return Some(Ok(Value::from(unicode::upper(x)))),
            _ => {}
        }
    }
    // Formatted only when an error message names the method: building the qualified name
    // on every call cost an allocation per string method call.
    let meth = Qualified("str", name);
    let r = (|| -> PyResult<Value> {
        match name {
            "lower" | "upper" | "casefold" | "title" | "capitalize" | "swapcase" | "isascii"
            | "isprintable" | "isspace" | "isdigit" | "isalpha" | "isalnum" | "isnumeric"
            | "isdecimal" | "islower" | "isupper" | "istitle" => {
                no_args(&meth, args, kwargs)?;
                Ok(match name {
                    "lower" => Value::from(unicode::lower(x)),
                    "upper" => Value::from(unicode::upper(x)),
                    "casefold" => Value::from(unicode::casefold(x)),
                    "title" => Value::from(unicode::title(x)),
                    "capitalize" => Value::from(unicode::capitalize(x)),
                    "swapcase" => Value::from(unicode::swapcase(x)),
                    "isascii" => Value::Bool(x.is_ascii()),
                    "isprintable" => Value::Bool(x.chars().all(unicode::is_printable)),
                    "isspace" => Value::Bool(unicode::all_nonempty(x, unicode::is_space)),
                    "isdigit" => Value::Bool(unicode::all_nonempty(x, unicode::is_digit)),
                    "isalpha" => Value::Bool(unicode::all_nonempty(x, unicode::is_alpha)),
                    "isalnum" => Value::Bool(unicode::all_nonempty(x, unicode::is_alnum)),
                    "isnumeric" => Value::Bool(unicode::all_nonempty(x, unicode::is_numeric)),
                    "isdecimal" => Value::Bool(unicode::all_nonempty(x, unicode::is_decimal)),
                    "islower" => Value::Bool(unicode::str_islower(x)),
                    "isupper" => Value::Bool(unicode::str_isupper(x)),
                    _ => Value::Bool(unicode::str_istitle(x)),
                })
            }
            "split" | "rsplit" => {
                let p = bind(name, args, kwargs, &["sep", "maxsplit"], 0, true)?;
                let sep = sep_arg(&p[0])?;
                let maxsplit = maxsplit_arg(&p[1])?;
                let rev = name == "rsplit";
                Ok(Value::list(match sep {
                    None => {
                        if rev {
                            rsplit_whitespace(x, maxsplit)
                        } else {
                            split_whitespace(x, maxsplit)
                        }
                    }
                    Some(sep) => {
                        let sep: &str = &sep;
                        if maxsplit < 0 {
                            if rev {
                                let mut v: Vec<Value> = x.rsplit(sep).map(s).collect();
                                v.reverse();
                                v
                            } else {
                                x.split(sep).map(s).collect()
                            }
                        } else {
                            let n = usize::try_from(maxsplit)
                                .unwrap_or(usize::MAX)
                                .saturating_add(1);
                            if rev {
                                let mut v: Vec<Value> = x.rsplitn(n, sep).map(s).collect();
                                v.reverse();
                                v
                            } else {
                                x.splitn(n, sep).map(s).collect()
                            }
                        }
                    }
                }))
            }
            "strip" => strip_chars(name, x, args, kwargs, true, true),
            "lstrip" => strip_chars(name, x, args, kwargs, true, false),
            "rstrip" => strip_chars(name, x, args, kwargs, false, true),
            "startswith" | "endswith" => {
                if !kwargs.is_empty() {
                    return Err(PyErr::type_error(format!(
                        "{meth}() takes no keyword arguments"
                    )));
                }
                let p = bind(name, args, &[], &["prefix", "start", "end"], 1, false)?;
                let first = p[0].as_ref().unwrap_or(&Value::None);
                let (st, en) = (opt_bound(&p[1])?, opt_bound(&p[2])?);
                let chars: Vec<char> = x.chars().collect();
                let (a, b) = adjust(st, en, chars.len());
                let suffix = name == "endswith";
                // A tuple is checked lazily: a match ends the scan before a later non-str.
                if let Some(t) = first.tuple_items() {
                    for item in t.iter() {
                        let one = Value::tuple(vec![item.clone()]);
                        let pre = prefix_arg(name, &one)?;
                        if tailmatch(&chars, pre[0], a, b, suffix) {
                            return Ok(Value::Bool(true));
                        }
                    }
                    return Ok(Value::Bool(false));
                }
                let prefixes = prefix_arg(name, first)?;
                Ok(Value::Bool(
                    prefixes
                        .iter()
                        .any(|pre| tailmatch(&chars, pre, a, b, suffix)),
                ))
            }
            "replace" => {
                let p = bind(name, args, kwargs, &["old", "new", "count"], 2, false)?;
                let old = p[0].as_ref().unwrap_or(&Value::None);
                let new = p[1].as_ref().unwrap_or(&Value::None);
                let old = str_arg(old, || {
                    format!("replace() argument 1 must be str, not {}", clinic_type(old))
                })?;
                let new = str_arg(new, || {
                    format!("replace() argument 2 must be str, not {}", clinic_type(new))
                })?;
                let count = match &p[2] {
                    None => -1,
                    Some(c) => int_arg(c)?,
                };
                if old.is_empty() {
                    let total = (x.chars().count() as i64 + 1) * new.chars().count() as i64;
                    if total > MAX_PAD {
                        return Err(unsupported("replace() to this size"));
                    }
                }
                Ok(Value::from(if count < 0 {
                    x.replace(old, new)
                } else {
                    x.replacen(old, new, count as usize)
                }))
            }
            "join" => {
                let p = bind(name, args, kwargs, &["iterable"], 1, false)?;
                let items = ops::iter(p[0].as_ref().unwrap_or(&Value::None)).map_err(|e| {
                    if e.is_refusal() || !e.matches(ExcKind::TypeError) {
                        e
                    } else {
                        PyErr::type_error("can only join an iterable")
                    }
                })?;
                let mut out = String::new();
                for (i, it) in items.iter().enumerate() {
                    let t = it.as_str().ok_or_else(|| {
                        PyErr::type_error(format!(
                            "sequence item {i}: expected str instance, {} found",
                            it.type_name()
                        ))
                    })?;
                    if i > 0 {
                        out.push_str(x);
                    }
                    out.push_str(t);
                }
                Ok(Value::from(out))
            }
            "format" => crate::fmt::str_format(x, args, kwargs).map(Value::from),
            "ljust" | "rjust" | "center" => {
                if !kwargs.is_empty() {
                    return Err(unsupported(&format!("this call of {name}()")));
                }
                let p = bind(name, args, kwargs, &["width", "fillchar"], 1, false)?;
                // Arguments are checked in order (width's type, then the fill character)
                // before the width's size is refused.
                let wv = p[0].as_ref().unwrap_or(&Value::None);
                int_arg(wv)?;
                let fill = fill_char(&p[1])?;
                let width = width_arg(wv)?;
                let len = x.chars().count() as i64;
                if width <= len {
                    return Ok(Value::Str(x.clone()));
                }
                let marg = width - len;
                let (l, r) = match name {
                    "ljust" => (0, marg),
                    "rjust" => (marg, 0),
                    _ => {
                        let left = marg / 2 + (marg & width & 1);
                        (left, marg - left)
                    }
                };
                Ok(Value::from(pad(x, l as usize, r as usize, fill)))
            }
            "zfill" => {
                let p = bind(name, args, kwargs, &["width"], 1, false)?;
                let width = width_arg(p[0].as_ref().unwrap_or(&Value::None))?;
                let len = x.chars().count() as i64;
                if width <= len {
                    return Ok(Value::Str(x.clone()));
                }
                let fill = (width - len) as usize;
                let mut out = String::new();
                let rest = if x.starts_with('+') || x.starts_with('-') {
                    out.push_str(&x[..1]);
                    &x[1..]
                } else {
                    &x[..]
                };
                out.extend(std::iter::repeat_n('0', fill));
                out.push_str(rest);
                Ok(Value::from(out))
            }
            "find" | "rfind" | "index" | "rindex" | "count" => {
                if !kwargs.is_empty() {
                    return Err(PyErr::type_error(format!(
                        "{meth}() takes no keyword arguments"
                    )));
                }
                let p = bind(name, args, &[], &["sub", "start", "end"], 1, false)?;
                let sub = p[0].as_ref().unwrap_or(&Value::None);
                let sub = str_arg(sub, || format!("must be str, not {}", sub.type_name()))?;
                let (st, en) = (opt_bound(&p[1])?, opt_bound(&p[2])?);
                let chars: Vec<char> = x.chars().collect();
                let needle: Vec<char> = sub.chars().collect();
                let (a, b) = adjust(st, en, chars.len());
                if name == "count" {
                    return Ok(Value::Int(count_in(&chars, &needle, a, b)));
                }
                let rev = name.starts_with('r');
                match find_in(&chars, &needle, a, b, rev) {
                    Some(i) => Ok(Value::Int(i as i64)),
                    None if name.ends_with("find") => Ok(Value::Int(-1)),
                    None => Err(PyErr::value_error("substring not found")),
                }
            }
            "encode" => {
                let p = bind(name, args, kwargs, &["encoding", "errors"], 0, true)?;
                let enc = match &p[0] {
                    None => "utf-8".to_string(),
                    Some(Value::Str(e)) => e.to_string(),
                    Some(o) => {
                        return Err(PyErr::type_error(format!(
                            "encode() argument 'encoding' must be str, not {}",
                            o.type_name()
                        )))
                    }
                };
                let errors = match &p[1] {
                    None => "strict".to_string(),
                    Some(Value::Str(e)) => e.to_string(),
                    Some(_) => return Err(unsupported("this call of encode()")),
                };
                encode(x, &enc, &errors)
            }
            "partition" | "rpartition" => {
                let p = bind(name, args, kwargs, &["sep"], 1, false)?;
                let sep = p[0].as_ref().unwrap_or(&Value::None);
                let sep = str_arg(sep, || format!("must be str, not {}", sep.type_name()))?;
                if sep.is_empty() {
                    return Err(PyErr::value_error("empty separator"));
                }
                let found = if name == "partition" {
                    x.find(sep)
                } else {
                    x.rfind(sep)
                };
                Ok(Value::tuple(match found {
                    Some(i) => vec![s(&x[..i]), s(sep), s(&x[i + sep.len()..])],
                    None if name == "partition" => vec![Value::Str(x.clone()), s(""), s("")],
                    None => vec![s(""), s(""), Value::Str(x.clone())],
                }))
            }
            "splitlines" => {
                let p = bind(name, args, kwargs, &["keepends"], 0, true)?;
                let keep = match &p[0] {
                    None => false,
                    Some(v) => ops::truthy(v)?,
                };
                Ok(Value::list(splitlines(x, keep)))
            }
            "removeprefix" | "removesuffix" => {
                let p = bind(name, args, kwargs, &["affix"], 1, false)?;
                let a = p[0].as_ref().unwrap_or(&Value::None);
                // Argument Clinic names None itself, not its type.
                let a = str_arg(a, || {
                    let t = if a.is_none() { "None" } else { a.type_name() };
                    format!("{name}() argument must be str, not {t}")
                })?;
                Ok(s(if name == "removeprefix" {
                    x.strip_prefix(a).unwrap_or(x)
                } else {
                    x.strip_suffix(a).unwrap_or(x)
                }))
            }
            "expandtabs" => {
                let p = bind(name, args, kwargs, &["tabsize"], 0, true)?;
                let ts = match &p[0] {
                    None => 8,
                    Some(v) => int_arg(v)?,
                };
                if ts > MAX_PAD {
                    return Err(unsupported("expandtabs() with this tab size"));
                }
                let mut out = String::new();
                let mut col: i64 = 0;
                for c in x.chars() {
                    if c == '\t' {
                        if ts > 0 {
                            let n = ts - col % ts;
                            out.extend(std::iter::repeat_n(' ', n as usize));
                            col += n;
                        }
                    } else {
                        out.push(c);
                        col += 1;
                        if c == '\n' || c == '\r' {
                            col = 0;
                        }
                    }
                }
                Ok(Value::from(out))
            }
            _ => Err(PyErr::attribute_error(format!(
                "'str' object has no attribute '{name}'"
            ))),
        }
    })();
    Some(r)
}

fn normalize_encoding(enc: &str) -> String {
    enc.trim().to_ascii_lowercase().replace('_', "-")
}

fn encode(x: &str, enc: &str, errors: &str) -> PyResult<Value> {
    let (name, limit) = match normalize_encoding(enc).as_str() {
        "utf-8" | "utf8" | "u8" | "utf" => return Ok(Value::Bytes(x.as_bytes().into())),
        "ascii" | "us-ascii" => ("ascii", 128u32),
        "latin-1" | "latin1" | "latin" | "iso-8859-1" | "iso8859-1" | "8859" | "l1" => {
            ("latin-1", 256)
        }
        _ => return Err(unsupported(&format!("the {enc} encoding"))),
    };
    let chars: Vec<char> = x.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i] as u32;
        if c < limit {
            out.push(c as u8);
            i += 1;
            continue;
        }
        // CPython reports the whole run of unencodable characters at once.
        let mut end = i;
        while end < chars.len() && chars[end] as u32 >= limit {
            end += 1;
        }
        match errors {
            "strict" => {
                let reason = format!("ordinal not in range({limit})");
                let mut e = PyErr::with_args(
                    ExcType::Builtin(ExcKind::UnicodeEncodeError),
                    vec![
                        s(name),
                        s(x),
                        Value::Int(i as i64),
                        Value::Int(end as i64),
                        s(&reason),
                    ],
                );
                e.message = Some(if end - i == 1 {
                    let esc = match c {
                        0..=0xff => format!("\\x{c:02x}"),
                        0x100..=0xffff => format!("\\u{c:04x}"),
                        _ => format!("\\U{c:08x}"),
                    };
                    format!(
                        "'{name}' codec can't encode character '{esc}' in position {i}: {reason}"
                    )
                } else {
                    format!(
                        "'{name}' codec can't encode characters in position {i}-{}: {reason}",
                        end - 1
                    )
                });
                return Err(e);
            }
            "ignore" => {}
            "replace" => out.extend(std::iter::repeat_n(b'?', end - i)),
            _ => return Err(unsupported("this encode() error handler")),
        }
        i = end;
    }
    Ok(Value::Bytes(out.into()))
}

// ---------------------------------------------------------------------------------------
// bytes

fn decode_error(enc: &str, b: &[u8], start: usize, end: usize, reason: &str) -> PyErr {
    let mut e = PyErr::with_args(
        ExcType::Builtin(ExcKind::UnicodeDecodeError),
        vec![
            s(enc),
            Value::Bytes(b.into()),
            Value::Int(start as i64),
            Value::Int(end as i64),
            s(reason),
        ],
    );
    e.message = Some(if end - start == 1 {
        format!(
            "'{enc}' codec can't decode byte 0x{:02x} in position {start}: {reason}",
            b[start]
        )
    } else {
        format!(
            "'{enc}' codec can't decode bytes in position {start}-{}: {reason}",
            end - 1
        )
    });
    e
}

/// `b.decode(encoding, errors)` for UTF-8, ASCII and Latin-1.
pub fn decode(b: &[u8], enc: &str, errors: &str) -> PyResult<Value> {
    match normalize_encoding(enc).as_str() {
        "utf-8" | "utf8" | "u8" | "utf" => match errors {
            "strict" => match std::str::from_utf8(b) {
                Ok(t) => Ok(s(t)),
                Err(e) => {
                    let start = e.valid_up_to();
                    let first = b[start];
                    Err(match e.error_len() {
                        _ if (0x80..0xc2).contains(&first) || first > 0xf4 => {
                            decode_error("utf-8", b, start, start + 1, "invalid start byte")
                        }
                        None => decode_error("utf-8", b, start, b.len(), "unexpected end of data"),
                        Some(n) => {
                            decode_error("utf-8", b, start, start + n, "invalid continuation byte")
                        }
                    })
                }
            },
            "replace" => Ok(Value::from(String::from_utf8_lossy(b).into_owned())),
            "ignore" => Ok(Value::from(
                b.utf8_chunks().map(|c| c.valid()).collect::<String>(),
            )),
            _ => Err(unsupported("this decode() error handler")),
        },
        "ascii" | "us-ascii" => match b.iter().position(|c| *c >= 0x80) {
            None => Ok(s(std::str::from_utf8(b).unwrap_or_default())),
            Some(p) => match errors {
                "strict" => Err(decode_error(
                    "ascii",
                    b,
                    p,
                    p + 1,
                    "ordinal not in range(128)",
                )),
                "ignore" => Ok(Value::from(
                    b.iter()
                        .filter(|c| **c < 0x80)
                        .map(|c| *c as char)
                        .collect::<String>(),
                )),
                "replace" => Ok(Value::from(
                    b.iter()
                        .map(|c| if *c < 0x80 { *c as char } else { '\u{fffd}' })
                        .collect::<String>(),
                )),
                _ => Err(unsupported("this decode() error handler")),
            },
        },
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => Ok(Value::from(
            b.iter().map(|c| *c as char).collect::<String>(),
        )),
        "utf-16-le" | "utf-16le" if errors == "strict" => decode_utf16(b, 0, false),
        "utf-16-be" | "utf-16be" if errors == "strict" => decode_utf16(b, 0, true),
        // A byte order mark picks the order (and is dropped); little-endian otherwise.
        "utf-16" | "utf16" if errors == "strict" => match b {
            [0xff, 0xfe, ..] => decode_utf16(b, 2, false),
            [0xfe, 0xff, ..] => decode_utf16(b, 2, true),
            _ => decode_utf16(b, 0, false),
        },
        _ => Err(unsupported(&format!("the {enc} encoding"))),
    }
}

/// Strict UTF-16 decoding of `b` from byte `from`, with CPython's error positions (in all of
/// `b`) and reasons; errors name the byte order's codec, as CPython's do.
fn decode_utf16(b: &[u8], from: usize, big_endian: bool) -> PyResult<Value> {
    let enc = if big_endian { "utf-16-be" } else { "utf-16-le" };
    let unit = |i: usize| {
        if big_endian {
            u16::from_be_bytes([b[i], b[i + 1]])
        } else {
            u16::from_le_bytes([b[i], b[i + 1]])
        }
    };
    let mut out = String::with_capacity(b.len() / 2);
    let mut i = from;
    while i + 1 < b.len() {
        let u = unit(i);
        match u {
            0xdc00..=0xdfff => return Err(decode_error(enc, b, i, i + 2, "illegal encoding")),
            0xd800..=0xdbff => {
                if b.len() - (i + 2) < 2 {
                    return Err(decode_error(enc, b, i, b.len(), "unexpected end of data"));
                }
                let lo = unit(i + 2);
                if !(0xdc00..=0xdfff).contains(&lo) {
                    return Err(decode_error(enc, b, i, i + 2, "illegal UTF-16 surrogate"));
                }
                let c = 0x10000 + (((u as u32) - 0xd800) << 10) + ((lo as u32) - 0xdc00);
                out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                i += 4;
            }
            _ => {
                out.push(char::from_u32(u as u32).unwrap_or('\u{fffd}'));
                i += 2;
            }
        }
    }
    if i < b.len() {
        return Err(decode_error(enc, b, i, b.len(), "truncated data"));
    }
    Ok(Value::from(out))
}

fn bytes_prefixes(meth: &str, v: &Value) -> PyResult<Vec<Rc<[u8]>>> {
    match v {
        Value::Bytes(p) => Ok(vec![p.clone()]),
        Value::Tuple(t) => t
            .iter()
            .map(|x| match x {
                Value::Bytes(p) => Ok(p.clone()),
                o => Err(PyErr::type_error(format!(
                    "a bytes-like object is required, not '{}'",
                    o.type_name()
                ))),
            })
            .collect(),
        _ => Err(PyErr::type_error(format!(
            "{meth} first arg must be bytes or a tuple of bytes, not {}",
            v.type_name()
        ))),
    }
}

fn bytes_method(
    b: &Rc<[u8]>,
    name: &str,
    args: &[Value],
    kwargs: Kwargs,
) -> Option<PyResult<Value>> {
    let r = (|| -> PyResult<Value> {
        match name {
            "decode" => {
                let p = bind(name, args, kwargs, &["encoding", "errors"], 0, true)?;
                let enc = match &p[0] {
                    None => "utf-8".to_string(),
                    Some(Value::Str(e)) => e.to_string(),
                    Some(o) => {
                        return Err(PyErr::type_error(format!(
                            "decode() argument 'encoding' must be str, not {}",
                            o.type_name()
                        )))
                    }
                };
                let errors = match &p[1] {
                    None => "strict".to_string(),
                    Some(Value::Str(e)) => e.to_string(),
                    Some(_) => return Err(unsupported("this call of decode()")),
                };
                decode(b, &enc, &errors)
            }
            "hex" => {
                no_args("bytes.hex", args, kwargs)?;
                Ok(Value::from(
                    b.iter().map(|c| format!("{c:02x}")).collect::<String>(),
                ))
            }
            "startswith" | "endswith" => {
                let p = bind(name, args, kwargs, &["prefix", "start", "end"], 1, false)?;
                let pre = bytes_prefixes(name, p[0].as_ref().unwrap_or(&Value::None))?;
                let (st, en) = (opt_bound(&p[1])?, opt_bound(&p[2])?);
                let (a, e) = adjust(st, en, b.len());
                Ok(Value::Bool(pre.iter().any(|pf| {
                    let n = pf.len() as i64;
                    if e - a < n || a > b.len() as i64 {
                        return false;
                    }
                    let at = if name == "endswith" { e - n } else { a } as usize;
                    b[at..at + pf.len()] == pf[..]
                })))
            }
            // A method CPython has but the runtime does not implement.
            _ if method_names(&Value::Bytes(Rc::from(&[][..]))).contains(&name) => {
                Err(unsupported(&format!("bytes.{name}()")))
            }
            _ => Err(PyErr::attribute_error(format!(
                "'bytes' object has no attribute '{name}'"
            ))),
        }
    })();
    Some(r)
}

// ---------------------------------------------------------------------------------------
// list and tuple

fn index_of(items: &[Value], x: &Value, start: Option<i64>, end: Option<i64>) -> Option<usize> {
    let (a, e) = adjust(start, end, items.len());
    if a >= e {
        return None;
    }
    (a as usize..e as usize).find(|&i| items[i].is(x) || ops::eq(&items[i], x))
}

fn list_method(
    this: &Value,
    l: &Rc<RefCell<Vec<Value>>>,
    name: &str,
    args: &[Value],
    kwargs: Kwargs,
) -> Option<PyResult<Value>> {
    let r = (|| -> PyResult<Value> {
        let one = |args: &[Value]| -> PyResult<Value> {
            if !kwargs.is_empty() {
                return Err(PyErr::type_error(format!(
                    "list.{name}() takes no keyword arguments"
                )));
            }
            if args.len() != 1 {
                return Err(PyErr::type_error(format!(
                    "list.{name}() takes exactly one argument ({} given)",
                    args.len()
                )));
            }
            Ok(args[0].clone())
        };
        match name {
            "append" => {
                let x = one(args)?;
                l.borrow_mut().push(x);
                Ok(Value::None)
            }
            "extend" => {
                let x = one(args)?;
                // An iterator's items are appended as they come (what it yielded before an
                // exception stays in the list); a container is copied first, so
                // `l.extend(l)` doubles it once.
                if crate::iter::is_iterator(&x) {
                    crate::call::for_each(&x, |v| {
                        l.borrow_mut().push(v);
                        Ok(true)
                    })?;
                } else {
                    let items = ops::iter(&x)?;
                    l.borrow_mut().extend(items);
                }
                Ok(Value::None)
            }
            "insert" => {
                let p = bind(name, args, kwargs, &["index", "object"], 2, false)?;
                let i = int_arg(p[0].as_ref().unwrap_or(&Value::None))?;
                let mut v = l.borrow_mut();
                let n = v.len() as i64;
                let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
                v.insert(at, p[1].clone().unwrap_or_default());
                Ok(Value::None)
            }
            "pop" => {
                let p = bind(name, args, kwargs, &["index"], 0, false)?;
                let i = match &p[0] {
                    None => -1,
                    Some(v) => int_arg(v)?,
                };
                let mut v = l.borrow_mut();
                if v.is_empty() {
                    return Err(PyErr::index_error("pop from empty list"));
                }
                let j = ops::norm_index(i, v.len())
                    .ok_or_else(|| PyErr::index_error("pop index out of range"))?;
                Ok(v.remove(j))
            }
            "remove" => {
                let x = one(args)?;
                let snapshot = l.borrow().clone();
                match index_of(&snapshot, &x, None, None) {
                    Some(i) => {
                        l.borrow_mut().remove(i);
                        Ok(Value::None)
                    }
                    None => Err(PyErr::value_error("list.remove(x): x not in list")),
                }
            }
            "index" => {
                let p = bind(name, args, kwargs, &["value", "start", "stop"], 1, false)?;
                let x = p[0].clone().unwrap_or_default();
                let snapshot = l.borrow().clone();
                let (a, e) = (opt_index(&p[1])?, opt_index(&p[2])?);
                match index_of(&snapshot, &x, a, e) {
                    Some(i) => Ok(Value::Int(i as i64)),
                    None => Err(PyErr::value_error(format!(
                        "{} is not in list",
                        crate::fmt::repr(&x)
                    ))),
                }
            }
            "count" => {
                let x = one(args)?;
                let snapshot = l.borrow().clone();
                Ok(Value::Int(
                    snapshot
                        .iter()
                        .filter(|v| v.is(&x) || ops::eq(v, &x))
                        .count() as i64,
                ))
            }
            "sort" => {
                if !args.is_empty() {
                    return Err(PyErr::type_error("sort() takes no positional arguments"));
                }
                let p = bind(name, &[], kwargs, &["key", "reverse"], 0, true)?;
                let key = p[0].clone().filter(|k| !k.is_none());
                let reverse = match &p[1] {
                    None => false,
                    Some(r) => ops::truthy(r)?,
                };
                let mut items = std::mem::take(&mut *l.borrow_mut());
                let r = crate::builtins::sort_values(&mut items, key.as_ref(), reverse);
                *l.borrow_mut() = items;
                r.map(|_| Value::None)
            }
            "reverse" => {
                no_args("list.reverse", args, kwargs)?;
                l.borrow_mut().reverse();
                Ok(Value::None)
            }
            "copy" => {
                no_args("list.copy", args, kwargs)?;
                Ok(Value::list(l.borrow().clone()))
            }
            "clear" => {
                no_args("list.clear", args, kwargs)?;
                l.borrow_mut().clear();
                Ok(Value::None)
            }
            _ => Err(PyErr::attribute_error(format!(
                "'list' object has no attribute '{name}'"
            ))),
        }
    })();
    let _ = this;
    Some(r)
}

fn opt_index(v: &Option<Value>) -> PyResult<Option<i64>> {
    match v {
        None => Ok(None),
        Some(x) => as_index(x).map(Some).ok_or_else(|| {
            PyErr::type_error("slice indices must be integers or have an __index__ method")
        }),
    }
}

fn tuple_method(
    t: &Rc<[Value]>,
    name: &str,
    args: &[Value],
    kwargs: Kwargs,
) -> Option<PyResult<Value>> {
    let r = (|| -> PyResult<Value> {
        match name {
            "index" => {
                let p = bind(name, args, kwargs, &["value", "start", "stop"], 1, false)?;
                let x = p[0].clone().unwrap_or_default();
                let (a, e) = (opt_index(&p[1])?, opt_index(&p[2])?);
                match index_of(t, &x, a, e) {
                    Some(i) => Ok(Value::Int(i as i64)),
                    None => Err(PyErr::value_error("tuple.index(x): x not in tuple")),
                }
            }
            "count" => {
                let p = bind(name, args, kwargs, &["value"], 1, false)?;
                let x = p[0].clone().unwrap_or_default();
                Ok(Value::Int(
                    t.iter().filter(|v| v.is(&x) || ops::eq(v, &x)).count() as i64,
                ))
            }
            _ => Err(PyErr::attribute_error(format!(
                "'tuple' object has no attribute '{name}'"
            ))),
        }
    })();
    Some(r)
}

// ---------------------------------------------------------------------------------------
// dict

/// The `(key, value)` pairs of `dict(x)` / `d.update(x)`: a mapping's items, or an iterable
/// of pairs.
pub fn mapping_or_pairs(x: &Value) -> PyResult<Vec<(Key, Value)>> {
    let mut out = Vec::new();
    for_each_pair(x, |k, v| {
        out.push((k, v));
        Ok(())
    })?;
    Ok(out)
}

/// Hands the `(key, value)` pairs of `dict(x)` / `d.update(x)` to `f` one by one, as
/// CPython's `dict_merge` / `dict_merge_from_seq2` do: an iterator of pairs is advanced one
/// pair at a time, so what came before an error is already inserted.
pub fn for_each_pair(x: &Value, mut f: impl FnMut(Key, Value) -> PyResult<()>) -> PyResult<()> {
    match x {
        Value::Dict(d) => {
            let pairs: Vec<(Key, Value)> = d
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, v) in pairs {
                f(k, v)?;
            }
            return Ok(());
        }
        Value::Object(o) if o.is_mapping() => {
            for k in ops::iter(x)? {
                let v = ops::getitem(x, &k)?;
                f(Key::new(k)?, v)?;
            }
            return Ok(());
        }
        _ => {}
    }
    let mut i = 0usize;
    crate::call::for_each(x, |it| {
        let pair = match &it {
            Value::Str(_)
            | Value::List(_)
            | Value::Tuple(_)
            | Value::Bytes(_)
            | Value::Dict(_)
            | Value::Set(_)
            | Value::FrozenSet(_)
            | Value::Object(_) => ops::iter(&it)?,
            _ => {
                return Err(PyErr::type_error(format!(
                    "cannot convert dictionary update sequence element #{i} to a sequence"
                )))
            }
        };
        if pair.len() != 2 {
            return Err(PyErr::value_error(format!(
                "dictionary update sequence element #{i} has length {}; 2 is required",
                pair.len()
            )));
        }
        let mut p = pair.into_iter();
        let k = p.next().unwrap_or_default();
        let v = p.next().unwrap_or_default();
        f(Key::new(k)?, v)?;
        i += 1;
        Ok(true)
    })
}

fn dict_method(
    this: &Value,
    d: &Rc<RefCell<Dict>>,
    name: &str,
    args: &[Value],
    kwargs: Kwargs,
) -> Option<PyResult<Value>> {
    let r = (|| -> PyResult<Value> {
        match name {
            "get" => {
                if !kwargs.is_empty() {
                    return Err(PyErr::type_error("dict.get() takes no keyword arguments"));
                }
                let p = bind(name, args, kwargs, &["key", "default"], 1, false)?;
                let k = Key::new(p[0].clone().unwrap_or_default())?;
                Ok(d.borrow()
                    .get(&k)
                    .cloned()
                    .unwrap_or_else(|| p[1].clone().unwrap_or_default()))
            }
            "items" | "keys" | "values" => {
                no_args(format!("dict.{name}"), args, kwargs)?;
                let kind = match name {
                    "items" => ViewKind::Items,
                    "keys" => ViewKind::Keys,
                    _ => ViewKind::Values,
                };
                Ok(Value::object(DictView {
                    dict: d.clone(),
                    kind,
                }))
            }
            "update" => {
                if args.len() > 1 {
                    return Err(PyErr::type_error(format!(
                        "update expected at most 1 argument, got {}",
                        args.len()
                    )));
                }
                if let Some(x) = args.first() {
                    for_each_pair(x, |k, v| {
                        d.borrow_mut().insert(k, v);
                        Ok(())
                    })?;
                }
                let mut m = d.borrow_mut();
                for (k, v) in kwargs {
                    m.insert(Key::from_str(k), v.clone());
                }
                Ok(Value::None)
            }
            "pop" => {
                let p = bind(name, args, kwargs, &["key", "default"], 1, false)?;
                let kv = p[0].clone().unwrap_or_default();
                // CPython answers from an empty dict before hashing the key.
                let removed = if d.borrow().is_empty() {
                    None
                } else {
                    let k = Key::new(kv.clone())?;
                    d.borrow_mut().shift_remove(&k)
                };
                match (removed, &p[1]) {
                    (Some(v), _) => Ok(v),
                    (None, Some(dflt)) => Ok(dflt.clone()),
                    (None, None) => Err(PyErr::key_error(kv)),
                }
            }
            "setdefault" => {
                let p = bind(name, args, kwargs, &["key", "default"], 1, false)?;
                let k = Key::new(p[0].clone().unwrap_or_default())?;
                let mut m = d.borrow_mut();
                Ok(m.entry(k)
                    .or_insert_with(|| p[1].clone().unwrap_or_default())
                    .clone())
            }
            "copy" => {
                no_args("dict.copy", args, kwargs)?;
                let out = Value::dict(d.borrow().clone());
                // A defaultdict's copy is a defaultdict with the same factory.
                if let (Some(f), Value::Dict(o)) =
                    (crate::stdlib::collections::default_factory(d), &out)
                {
                    crate::stdlib::collections::register_defaultdict(o, f);
                }
                Ok(out)
            }
            "clear" => {
                no_args("dict.clear", args, kwargs)?;
                d.borrow_mut().clear();
                Ok(Value::None)
            }
            "popitem" => {
                no_args("dict.popitem", args, kwargs)?;
                match d.borrow_mut().pop() {
                    Some((k, v)) => Ok(Value::tuple(vec![k.into_value(), v])),
                    None => Err(PyErr::key_error(s("popitem(): dictionary is empty"))),
                }
            }
            "fromkeys" => dict_fromkeys(args, kwargs),
            _ => Err(PyErr::attribute_error(format!(
                "'dict' object has no attribute '{name}'"
            ))),
        }
    })();
    let _ = this;
    Some(r)
}

/// `dict.fromkeys(iterable, value=None)`.
pub fn dict_fromkeys(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let p = bind("fromkeys", args, kwargs, &["iterable", "value"], 1, false)?;
    let v = p[1].clone().unwrap_or_default();
    let mut d = Dict::default();
    crate::call::for_each(p[0].as_ref().unwrap_or(&Value::None), |k| {
        d.insert(Key::new(k)?, v.clone());
        Ok(true)
    })?;
    Ok(Value::dict(d))
}

/// Which view of a dict a [`DictView`] is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    Keys,
    Values,
    Items,
}

/// A live `dict_keys` / `dict_values` / `dict_items` view.
pub struct DictView {
    pub dict: Rc<RefCell<Dict>>,
    pub kind: ViewKind,
}

impl DictView {
    fn items(&self) -> Vec<Value> {
        let d = self.dict.borrow();
        match self.kind {
            ViewKind::Keys => d.keys().map(|k| k.value().clone()).collect(),
            ViewKind::Values => d.values().cloned().collect(),
            ViewKind::Items => d
                .iter()
                .map(|(k, v)| Value::tuple(vec![k.value().clone(), v.clone()]))
                .collect(),
        }
    }

    fn as_set(&self) -> PyResult<Set> {
        self.items().into_iter().map(Key::new).collect()
    }

    /// `_PyDictView_Intersect(view, other)`; `view` lists this view's elements.
    fn intersect(&self, view: &Value, other: &Value) -> PyResult<Set> {
        let len_self = self.dict.borrow().len();
        if matches!(other, Value::Set(_)) && len_self <= ops::len(other)? {
            // `other.intersection(view)`.
            return pyset::with_set(other, |o| pyset::intersection(other, o, view))
                .unwrap_or_else(|| Ok(Set::new()));
        }
        // Iterate the smaller of two views, probing the bigger.
        if let Some(o) = other.downcast::<DictView>() {
            if o.kind != ViewKind::Values && o.dict.borrow().len() > len_self {
                return o.intersect(&Value::list(o.items()), view);
            }
        }
        let mut result = Set::new();
        for key in ops::iter(other)? {
            let found = match self.contains(&key) {
                Some(r) => r?,
                None => false,
            };
            if found {
                result.insert(Key::new(key)?);
            }
        }
        Ok(result)
    }
}

impl PyObject for DictView {
    fn fixed_attributes(&self) -> Option<&str> {
        Some(self.type_name())
    }
    fn type_name(&self) -> &str {
        match self.kind {
            ViewKind::Keys => "dict_keys",
            ViewKind::Values => "dict_values",
            ViewKind::Items => "dict_items",
        }
    }
    fn repr(&self) -> String {
        format!(
            "{}({})",
            self.type_name(),
            crate::fmt::repr(&Value::list(self.items()))
        )
    }
    fn len(&self) -> Option<PyResult<usize>> {
        Some(Ok(self.dict.borrow().len()))
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(Ok(self.items()))
    }
    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        Some(match self.kind {
            ViewKind::Keys => ops::contains(&Value::Dict(self.dict.clone()), item),
            ViewKind::Values => Ok(self.items().iter().any(|v| v.is(item) || ops::eq(v, item))),
            ViewKind::Items => match item {
                Value::Tuple(t) if t.len() == 2 => {
                    let k = match Key::new(t[0].clone()) {
                        Ok(k) => k,
                        Err(e) => return Some(Err(e)),
                    };
                    Ok(self
                        .dict
                        .borrow()
                        .get(&k)
                        .is_some_and(|v| v.is(&t[1]) || ops::eq(v, &t[1])))
                }
                _ => Ok(false),
            },
        })
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        if self.kind == ViewKind::Values {
            return None;
        }
        let mine = self.as_set().ok()?;
        let theirs: Set = match other {
            Value::Set(s) => s.borrow().clone(),
            Value::FrozenSet(s) => (**s).clone(),
            Value::Object(o) => match o.as_any().downcast_ref::<DictView>() {
                Some(v) if v.kind != ViewKind::Values => v.as_set().ok()?,
                _ => return Some(false),
            },
            _ => return Some(false),
        };
        Some(mine.len() == theirs.len() && mine.iter().all(|k| theirs.contains(k)))
    }
    fn binop(&self, op: BinOp, other: &Value, reflected: bool) -> Option<PyResult<Value>> {
        if self.kind == ViewKind::Values
            || !matches!(
                op,
                BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor
            )
        {
            return None;
        }
        let r = (|| {
            // CPython calls the view's slot with the operands in source order; the view
            // stands in as a list of its elements where it is iterated.
            let view = Value::list(self.items());
            let (left, right, left_is_view) = if reflected {
                (other, &view, false)
            } else {
                (&view, other, true)
            };
            // `dictviews_to_set`: a keys view starts from its dict (the dict fast path).
            let to_set = |v: &Value, is_view: bool| -> PyResult<Set> {
                if is_view && self.kind == ViewKind::Keys {
                    let mut s = Set::new();
                    s.update_dict(&self.dict.borrow());
                    Ok(s)
                } else {
                    pyset::from_value(v)
                }
            };
            let result = match op {
                BinOp::Sub => {
                    let mut r = to_set(left, left_is_view)?;
                    pyset::difference_update(&mut r, right, false)?;
                    r
                }
                BinOp::BitOr => {
                    let mut r = to_set(left, left_is_view)?;
                    pyset::update_internal(&mut r, right)?;
                    r
                }
                BinOp::BitXor => {
                    let both_items = self.kind == ViewKind::Items
                        && other
                            .downcast::<DictView>()
                            .is_some_and(|o| o.kind == ViewKind::Items);
                    let mut r = to_set(left, left_is_view)?;
                    pyset::symmetric_difference_update(&mut r, right, false)?;
                    if both_items {
                        // `dictitems_xor` takes its own path.
                        r.mark_order_unknown();
                    }
                    r
                }
                _ => self.intersect(&view, other)?,
            };
            Ok(Value::set(result))
        })();
        Some(r)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------------------------------
// set and frozenset

fn to_set(v: &Value) -> PyResult<Set> {
    pyset::from_value(v)
}

fn same_kind(this: &Value, s: Set) -> Value {
    match this {
        Value::FrozenSet(_) => Value::FrozenSet(Rc::new(s)),
        _ => Value::set(s),
    }
}

fn set_method(this: &Value, name: &str, args: &[Value], kwargs: Kwargs) -> Option<PyResult<Value>> {
    let cur = || match this {
        Value::Set(s) => s.borrow().clone(),
        Value::FrozenSet(s) => (**s).clone(),
        _ => Set::new(),
    };
    let mutable = match this {
        Value::Set(s) => Some(s.clone()),
        _ => None,
    };
    let tn = this.type_name().to_string();
    let one = |args: &[Value]| -> PyResult<Value> {
        if !kwargs.is_empty() {
            return Err(PyErr::type_error(format!(
                "{tn}.{name}() takes no keyword arguments"
            )));
        }
        if args.len() != 1 {
            return Err(PyErr::type_error(format!(
                "{tn}.{name}() takes exactly one argument ({} given)",
                args.len()
            )));
        }
        Ok(args[0].clone())
    };
    let r = (|| -> PyResult<Value> {
        match (name, &mutable) {
            ("add", Some(m)) => {
                let k = Key::new(one(args)?)?;
                m.borrow_mut().insert(k);
                Ok(Value::None)
            }
            ("update", Some(m)) => {
                if !kwargs.is_empty() {
                    return Err(PyErr::type_error("set.update() takes no keyword arguments"));
                }
                for a in args {
                    if crate::iter::is_iterator(a) {
                        // An iterator's items are added as they come: what it yields
                        // before an error stays, and it sees the set as it grows.
                        crate::call::for_each(a, |v| {
                            let k = Key::new(v)?;
                            m.borrow_mut().insert(k);
                            Ok(true)
                        })?;
                    } else if !this.is(a) {
                        // CPython's `set_update_internal`; a list is materialised first so
                        // that iterating it cannot alias the borrowed set.
                        let mut tmp = std::mem::take(&mut *m.borrow_mut());
                        let r = pyset::update_internal(&mut tmp, a);
                        *m.borrow_mut() = tmp;
                        r?;
                    }
                }
                Ok(Value::None)
            }
            ("union" | "intersection" | "difference", _) => {
                if !kwargs.is_empty() {
                    return Err(PyErr::type_error(format!(
                        "{tn}.{name}() takes no keyword arguments"
                    )));
                }
                let r = pyset::with_set(this, |mine| match name {
                    "union" => pyset::union(this, mine, args),
                    "intersection" => pyset::intersection_multi(this, mine, args),
                    _ => pyset::difference_multi(this, mine, args),
                })
                .unwrap_or_else(|| Ok(Set::new()))?;
                Ok(same_kind(this, r))
            }
            ("symmetric_difference", _) => {
                let other = one(args)?;
                let mut r = pyset::from_value(&other)?;
                let mine = Value::FrozenSet(Rc::new(cur()));
                pyset::symmetric_difference_update(&mut r, &mine, false)?;
                Ok(same_kind(this, r))
            }
            ("issuperset" | "isdisjoint", _)
                if !matches!(args.first(), Some(Value::Set(_) | Value::FrozenSet(_))) =>
            {
                // A non-set argument is walked lazily: the answer may come before an
                // unhashable element is reached.
                let mine = cur();
                let mut answer = true;
                crate::call::for_each(&one(args)?, |item| {
                    let found = mine.contains(&Key::new(item)?);
                    if found != (name == "issuperset") {
                        answer = false;
                    }
                    Ok(answer)
                })?;
                Ok(Value::Bool(answer))
            }
            ("issubset" | "issuperset" | "isdisjoint", _) => {
                let other = to_set(&one(args)?)?;
                let mine = cur();
                Ok(Value::Bool(match name {
                    "issubset" => mine.iter().all(|k| other.contains(k)),
                    "issuperset" => other.iter().all(|k| mine.contains(k)),
                    _ => !mine.iter().any(|k| other.contains(k)),
                }))
            }
            ("discard" | "remove", Some(m)) => {
                let x = one(args)?;
                let k = match &x {
                    Value::Set(s) => Key::new(Value::FrozenSet(Rc::new(s.borrow().clone())))?,
                    _ => Key::new(x.clone())?,
                };
                let removed = m.borrow_mut().remove(&k);
                if !removed && name == "remove" {
                    return Err(PyErr::key_error(x));
                }
                Ok(Value::None)
            }
            ("pop", Some(m)) => {
                no_args("set.pop", args, kwargs)?;
                let first = m.borrow_mut().pop()?;
                first
                    .map(Key::into_value)
                    .ok_or_else(|| PyErr::key_error(s("pop from an empty set")))
            }
            ("copy", _) => {
                no_args(format!("{tn}.copy"), args, kwargs)?;
                Ok(match this {
                    Value::FrozenSet(_) => this.clone(),
                    _ => Value::set(cur().copy()),
                })
            }
            ("clear", Some(m)) => {
                no_args("set.clear", args, kwargs)?;
                m.borrow_mut().clear();
                Ok(Value::None)
            }
            _ => Err(PyErr::attribute_error(format!(
                "'{tn}' object has no attribute '{name}'"
            ))),
        }
    })();
    Some(r)
}

// ---------------------------------------------------------------------------------------
// int and float

fn int_method(v: &Value, name: &str, args: &[Value], kwargs: Kwargs) -> Option<PyResult<Value>> {
    let i = as_index(v)?;
    match name {
        "bit_length" => Some(
            no_args("int.bit_length", args, kwargs)
                .map(|_| Value::Int(64 - i.unsigned_abs().leading_zeros() as i64)),
        ),
        _ => None,
    }
}

fn float_method(f: f64, name: &str, args: &[Value], kwargs: Kwargs) -> Option<PyResult<Value>> {
    match name {
        "is_integer" => Some(
            no_args("float.is_integer", args, kwargs)
                .map(|_| Value::Bool(f.is_finite() && f.fract() == 0.0)),
        ),
        _ => None,
    }
}
