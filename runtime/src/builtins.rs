//! Python's builtin functions and types (`len`, `str`, `sorted`, `isinstance`, …).
//!
//! Each builtin has the [`NativeFn`](crate::value::NativeFn) signature, so generated code
//! calls it directly and can also pass it around as a value ([`lookup`]).
//!
//! Every name of CPython 3.11's `builtins` module is declared once, in [`BUILTINS`]: its
//! implementation, or why it is refused. The compiler asks this table which builtins exist
//! (the single source of truth), and generated code calls the functions it names.
//!
//! `enumerate`, `zip`, `reversed`, `map` and `filter` return lazy iterators ([`IterObj`]);
//! `range` returns CPython's range object (`range.rs`).

use std::collections::HashMap;
use std::rc::Rc;

use crate::call::PyIter;
use crate::err::{ExcKind, PyErr, PyResult};
use crate::fmt;
use crate::iter::IterObj;
use crate::methods::{self, int_arg};
use crate::ops::{self, as_index, unsupported};
use crate::unicode;
use crate::value::{Dict, Key, Kwargs, NativeFn, Set, TypeObject, Value};

fn arity(name: &str, args: &[Value], min: usize, max: usize) -> PyResult<()> {
    if args.len() < min || args.len() > max {
        let msg = if min == max {
            format!(
                "{name}() takes exactly {} argument{} ({} given)",
                min,
                if min == 1 { "" } else { "s" },
                args.len()
            )
        } else if args.len() < min {
            format!(
                "{name} expected at least {min} argument{}, got {}",
                if min == 1 { "" } else { "s" },
                args.len()
            )
        } else {
            format!(
                "{name} expected at most {max} argument{}, got {}",
                if max == 1 { "" } else { "s" },
                args.len()
            )
        };
        return Err(PyErr::type_error(msg));
    }
    Ok(())
}

fn no_kwargs(name: &str, kwargs: Kwargs) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(PyErr::type_error(format!(
            "{name}() takes no keyword arguments"
        )))
    }
}

fn kwarg<'a>(kwargs: Kwargs<'a>, name: &str) -> Option<&'a Value> {
    kwargs.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
}

fn only_kwargs(fname: &str, kwargs: Kwargs, allowed: &[&str]) -> PyResult<()> {
    for (k, _) in kwargs {
        if !allowed.contains(k) {
            return Err(PyErr::type_error(format!(
                "'{k}' is an invalid keyword argument for {fname}()"
            )));
        }
    }
    Ok(())
}

/// `len(x)`.
pub fn len(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("len", kwargs)?;
    arity("len", args, 1, 1)?;
    Ok(Value::Int(ops::len(&args[0])? as i64))
}

/// `str(x)` / `str(b, encoding[, errors])`.
pub fn str_(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    only_kwargs("str", kwargs, &["object", "encoding", "errors"])?;
    let obj = args.first().or_else(|| kwarg(kwargs, "object"));
    let enc = args.get(1).or_else(|| kwarg(kwargs, "encoding"));
    let errors = args.get(2).or_else(|| kwarg(kwargs, "errors"));
    if args.len() > 3 {
        return Err(PyErr::type_error(format!(
            "str() takes at most 3 arguments ({} given)",
            args.len()
        )));
    }
    match (obj, enc, errors) {
        (None, None, None) => Ok(Value::str("")),
        (Some(v), None, None) => Ok(match v {
            Value::Str(_) => v.clone(),
            _ => Value::from(fmt::str_checked(v)?),
        }),
        (Some(Value::Bytes(b)), e, er) => {
            let e = match e {
                None => "utf-8".to_string(),
                Some(Value::Str(s)) => s.to_string(),
                Some(o) => {
                    return Err(PyErr::type_error(format!(
                        "str() argument 'encoding' must be str, not {}",
                        o.type_name()
                    )))
                }
            };
            let er = match er {
                None => "strict".to_string(),
                Some(Value::Str(s)) => s.to_string(),
                Some(o) => {
                    return Err(PyErr::type_error(format!(
                        "str() argument 'errors' must be str, not {}",
                        o.type_name()
                    )))
                }
            };
            methods::decode(b, &e, &er)
        }
        (Some(Value::Str(_)), _, _) => Err(PyErr::type_error("decoding str is not supported")),
        (Some(o), _, _) => Err(PyErr::type_error(format!(
            "decoding to str: need a bytes-like object, {} found",
            o.type_name()
        ))),
        _ => Err(unsupported("this call of str()")),
    }
}

/// `repr(x)`.
pub fn repr(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("repr", kwargs)?;
    arity("repr", args, 1, 1)?;
    Ok(Value::from(fmt::repr_checked(&args[0])?))
}

/// `ascii(x)`.
pub fn ascii(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("ascii", kwargs)?;
    arity("ascii", args, 1, 1)?;
    Ok(Value::from(fmt::ascii(&args[0])))
}

/// `format(value, format_spec='')`.
pub fn format(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("format", kwargs)?;
    arity("format", args, 1, 2)?;
    let spec = match args.get(1) {
        None => "",
        Some(Value::Str(x)) => x,
        Some(o) => {
            return Err(PyErr::type_error(format!(
                "format() argument 2 must be str, not {}",
                o.type_name()
            )))
        }
    };
    Ok(Value::from(fmt::format(&args[0], spec)?))
}

fn invalid_int_literal(base: u32, s: &str) -> PyErr {
    let r: String = fmt::str_repr(s).chars().take(200).collect();
    PyErr::value_error(format!("invalid literal for int() with base {base}: {r}"))
}

/// Whitespace that int() and float() strip: CPython maps non-ASCII Unicode spaces to ' ' but
/// strips only the six ASCII spaces, so `\x1c`..`\x1f` are not stripped.
fn is_number_space(c: char) -> bool {
    if (c as u32) < 127 {
        matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
    } else {
        unicode::is_space(c)
    }
}

/// Parses `s` as `int(s, base)` does (whitespace, sign, underscores, prefixes, Unicode
/// digits).
pub fn parse_int(s: &str, base: u32) -> PyResult<i64> {
    let err = || invalid_int_literal(base, s);
    // CPython first maps Unicode decimal digits to ASCII and Unicode spaces to ' '.
    let mut norm = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(d) = unicode::decimal_value(c) {
            norm.push(char::from_digit(d, 10).unwrap_or('0'));
        } else if is_number_space(c) {
            norm.push(' ');
        } else {
            norm.push(c);
        }
    }
    let t = norm.trim_matches(' ');
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = t.to_ascii_lowercase();
    let mut base = base;
    let mut body = t;
    let mut had_prefix = false;
    let prefix_of = |b: u32| match b {
        16 => Some("0x"),
        8 => Some("0o"),
        2 => Some("0b"),
        _ => None,
    };
    if base == 0 {
        if lower.starts_with("0x") {
            base = 16;
        } else if lower.starts_with("0o") {
            base = 8;
        } else if lower.starts_with("0b") {
            base = 2;
        } else {
            base = 10;
            // A decimal literal with base 0 may not have leading zeros unless all are zero.
            let digits: String = t.chars().filter(|c| *c != '_').collect();
            if digits.len() > 1 && digits.starts_with('0') && digits.chars().any(|c| c != '0') {
                return Err(err());
            }
        }
        if base != 10 {
            body = &t[2..];
            had_prefix = true;
        }
    } else if let Some(p) = prefix_of(base) {
        if lower.starts_with(p) {
            body = &t[2..];
            had_prefix = true;
        }
    }
    if had_prefix {
        if let Some(rest) = body.strip_prefix('_') {
            body = rest;
        }
    }
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return Err(err());
    }
    let mut acc: i64 = 0;
    for c in body.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(36).filter(|d| *d < base).ok_or_else(err)?;
        acc = acc
            .checked_mul(base as i64)
            .and_then(|a| {
                if neg {
                    a.checked_sub(d as i64)
                } else {
                    a.checked_add(d as i64)
                }
            })
            .ok_or_else(|| unsupported("ints beyond 64 bits"))?;
    }
    Ok(acc)
}

/// `int(float)`: truncation toward zero.
pub fn float_to_int(f: f64) -> PyResult<i64> {
    if f.is_nan() {
        return Err(PyErr::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(PyErr::new(
            ExcKind::OverflowError,
            "cannot convert float infinity to integer",
        ));
    }
    let t = f.trunc();
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&t) {
        return Err(unsupported("ints beyond 64 bits"));
    }
    Ok(t as i64)
}

/// `int(x)` / `int(s, base)`.
pub fn int(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    only_kwargs("int", kwargs, &["base"])?;
    if args.len() > 2 {
        return Err(PyErr::type_error(format!(
            "int() takes at most 2 arguments ({} given)",
            args.len()
        )));
    }
    let base = args.get(1).or_else(|| kwarg(kwargs, "base"));
    let Some(x) = args.first() else {
        if base.is_some() {
            return Err(PyErr::type_error("int() missing string argument"));
        }
        return Ok(Value::Int(0));
    };
    if let Some(b) = base {
        let b = int_arg(b)?;
        if !(b == 0 || (2..=36).contains(&b)) {
            return Err(PyErr::value_error(
                "int() base must be >= 2 and <= 36, or 0",
            ));
        }
        return match x {
            Value::Str(s) => parse_int(s, b as u32).map(Value::Int),
            Value::Bytes(_) => Err(unsupported("int() of bytes")),
            _ => Err(PyErr::type_error(
                "int() can't convert non-string with explicit base",
            )),
        };
    }
    match x {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => float_to_int(*f).map(Value::Int),
        Value::Str(s) => parse_int(s, 10).map(Value::Int),
        Value::Object(_) if crate::decimal::as_decimal(x).is_some() => {
            crate::decimal::as_decimal(x)
                .and_then(|d| d.trunc_i64())
                .map(Value::Int)
                .ok_or_else(|| unsupported("ints beyond 64 bits"))
        }
        Value::Bytes(_) | Value::Object(_) => {
            Err(unsupported(&format!("int() of {}", x.type_name())))
        }
        _ => Err(PyErr::type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            x.type_name()
        ))),
    }
}

/// Parses `s` as `float(s)` does.
pub fn parse_float(s: &str) -> PyResult<f64> {
    let err = || {
        PyErr::value_error(format!(
            "could not convert string to float: {}",
            fmt::str_repr(s)
        ))
    };
    let mut norm = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(d) = unicode::decimal_value(c) {
            norm.push(char::from_digit(d, 10).unwrap_or('0'));
        } else if is_number_space(c) {
            norm.push(' ');
        } else if c.is_ascii() {
            norm.push(c);
        } else {
            return Err(err());
        }
    }
    let t = norm.trim_matches(' ');
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, &t[1..]),
        Some(b'+') => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "infinity" => return Ok(sign * f64::INFINITY),
        "nan" => return Ok(sign * f64::NAN),
        _ => {}
    }
    // Grammar: digitpart ["." [digitpart]] | "." digitpart, then [e [sign] digitpart], where
    // a digitpart may have single underscores between digits.
    let b = lower.as_bytes();
    let mut i = 0;
    let digitpart = |i: &mut usize| -> Result<bool, ()> {
        let start = *i;
        while *i < b.len() && (b[*i].is_ascii_digit() || b[*i] == b'_') {
            *i += 1;
        }
        let part = &b[start..*i];
        if part.is_empty() {
            return Ok(false);
        }
        if part[0] == b'_' || part[part.len() - 1] == b'_' || part.windows(2).any(|w| w == b"__") {
            return Err(());
        }
        Ok(true)
    };
    let int_digits = digitpart(&mut i).map_err(|_| err())?;
    let mut frac_digits = false;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        frac_digits = digitpart(&mut i).map_err(|_| err())?;
    }
    if !int_digits && !frac_digits {
        return Err(err());
    }
    if i < b.len() && b[i] == b'e' {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if !digitpart(&mut i).map_err(|_| err())? {
            return Err(err());
        }
    }
    if i != b.len() {
        return Err(err());
    }
    let clean: String = lower.chars().filter(|c| *c != '_').collect();
    clean.parse::<f64>().map(|f| sign * f).map_err(|_| err())
}

/// `float(x)`.
pub fn float(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("float", kwargs)?;
    if args.len() > 1 {
        return Err(PyErr::type_error(format!(
            "float expected at most 1 argument, got {}",
            args.len()
        )));
    }
    let Some(x) = args.first() else {
        return Ok(Value::Float(0.0));
    };
    match x {
        Value::Float(f) => Ok(Value::Float(*f)),
        Value::Int(i) => Ok(Value::Float(*i as f64)),
        Value::Bool(b) => Ok(Value::Float(*b as i64 as f64)),
        Value::Str(s) => parse_float(s).map(Value::Float),
        Value::Bytes(b) => {
            // Bytes are parsed as ASCII with ASCII whitespace only (`\x1c`..`\x1f` are
            // whitespace to str, not to bytes).
            let bad = || {
                PyErr::value_error(format!(
                    "could not convert string to float: {}",
                    fmt::bytes_repr(b)
                ))
            };
            if !b.is_ascii() || b.iter().any(|c| (0x1c..=0x1f).contains(c)) {
                return Err(bad());
            }
            let text = std::str::from_utf8(b).map_err(|_| bad())?;
            parse_float(text).map(Value::Float).map_err(|_| bad())
        }
        Value::Object(_) => match crate::decimal::as_decimal(x) {
            Some(d) => Ok(Value::Float(d.to_f64())),
            None => Err(unsupported(&format!("float() of {}", x.type_name()))),
        },
        _ => Err(PyErr::type_error(format!(
            "float() argument must be a string or a real number, not '{}'",
            x.type_name()
        ))),
    }
}

/// `bool(x)`.
pub fn bool(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("bool", kwargs)?;
    if args.len() > 1 {
        return Err(PyErr::type_error(format!(
            "bool expected at most 1 argument, got {}",
            args.len()
        )));
    }
    match args.first() {
        None => Ok(Value::Bool(false)),
        Some(v) => ops::truthy(v).map(Value::Bool),
    }
}

fn one_iterable(name: &str, args: &[Value], kwargs: Kwargs) -> PyResult<Option<Vec<Value>>> {
    no_kwargs(name, kwargs)?;
    if args.len() > 1 {
        return Err(PyErr::type_error(format!(
            "{name} expected at most 1 argument, got {}",
            args.len()
        )));
    }
    args.first().map(ops::iter).transpose()
}

/// `list(iterable)`.
pub fn list(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::list(
        one_iterable("list", args, kwargs)?.unwrap_or_default(),
    ))
}

/// `tuple(iterable)`.
pub fn tuple(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if let Some(Value::Tuple(_)) = args.first() {
        if args.len() == 1 && kwargs.is_empty() {
            return Ok(args[0].clone());
        }
    }
    Ok(Value::tuple(
        one_iterable("tuple", args, kwargs)?.unwrap_or_default(),
    ))
}

/// The set of the items of an iterable, added one at a time (an unhashable item stops the
/// iteration there, as in CPython).
fn iter_to_set(v: &Value) -> PyResult<Set> {
    let mut s = Set::new();
    crate::call::for_each(v, |x| {
        s.insert(Key::new(x)?);
        Ok(true)
    })?;
    Ok(s)
}

fn set_arg<'a>(name: &str, args: &'a [Value], kwargs: Kwargs) -> PyResult<Option<&'a Value>> {
    no_kwargs(name, kwargs)?;
    if args.len() > 1 {
        return Err(PyErr::type_error(format!(
            "{name} expected at most 1 argument, got {}",
            args.len()
        )));
    }
    Ok(args.first())
}

/// `set(iterable)`, along `set_update_internal`'s set, dict and iterable paths.
pub fn set(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if let [arg @ (Value::Set(_) | Value::FrozenSet(_) | Value::Dict(_))] = args {
        if kwargs.is_empty() {
            return Ok(Value::set(crate::pyset::from_value(arg)?));
        }
    }
    Ok(Value::set(match set_arg("set", args, kwargs)? {
        Some(v) => iter_to_set(v)?,
        None => Set::new(),
    }))
}

/// `frozenset(iterable)`.
pub fn frozenset(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if let Some(Value::FrozenSet(_)) = args.first() {
        if args.len() == 1 && kwargs.is_empty() {
            return Ok(args[0].clone());
        }
    }
    if let [arg @ (Value::Set(_) | Value::Dict(_))] = args {
        if kwargs.is_empty() {
            return Ok(Value::FrozenSet(Rc::new(crate::pyset::from_value(arg)?)));
        }
    }
    Ok(Value::FrozenSet(Rc::new(
        match set_arg("frozenset", args, kwargs)? {
            Some(v) => iter_to_set(v)?,
            None => Set::new(),
        },
    )))
}

/// `dict(mapping_or_pairs, **kwargs)`.
pub fn dict(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(PyErr::type_error(format!(
            "dict expected at most 1 argument, got {}",
            args.len()
        )));
    }
    let mut d = Dict::default();
    if let Some(x) = args.first() {
        for (k, v) in methods::mapping_or_pairs(x)? {
            d.insert(k, v);
        }
    }
    for (k, v) in kwargs {
        d.insert(Key::from_str(k), v.clone());
    }
    Ok(Value::dict(d))
}

fn is_lt(a: &Value, b: &Value) -> PyResult<bool> {
    ops::lt(a, b)
}

/// CPython's `count_run`: the length of the run at the start of `keys[lo..hi]`, and whether
/// it is strictly descending.
fn count_run(keys: &[Value], lo: usize, hi: usize) -> PyResult<(usize, bool)> {
    if lo + 1 == hi {
        return Ok((1, false));
    }
    let mut n = 2;
    if is_lt(&keys[lo + 1], &keys[lo])? {
        let mut i = lo + 2;
        while i < hi {
            if is_lt(&keys[i], &keys[i - 1])? {
                n += 1;
                i += 1;
            } else {
                break;
            }
        }
        Ok((n, true))
    } else {
        let mut i = lo + 2;
        while i < hi {
            if is_lt(&keys[i], &keys[i - 1])? {
                break;
            }
            n += 1;
            i += 1;
        }
        Ok((n, false))
    }
}

/// CPython's `binarysort` of `idx[..]` by `keys`, where `idx[..start]` is already sorted.
fn binarysort(keys: &mut [Value], vals: &mut [usize], start: usize) -> PyResult<()> {
    let mut start = if start == 0 { 1 } else { start };
    while start < keys.len() {
        let mut l = 0;
        let mut r = start;
        let pivot = keys[start].clone();
        while l < r {
            let p = l + ((r - l) >> 1);
            if is_lt(&pivot, &keys[p])? {
                r = p;
            } else {
                l = p + 1;
            }
        }
        keys[l..=start].rotate_right(1);
        vals[l..=start].rotate_right(1);
        start += 1;
    }
    Ok(())
}

/// Whether comparisons among `keys` form a total order, so that every stable sort gives
/// the same result as CPython's timsort: all numbers without nan, or all strings, or all
/// bytes.
fn totally_ordered(keys: &[Value]) -> bool {
    keys.iter().all(|k| {
        matches!(k, Value::Int(_) | Value::Bool(_)) || matches!(k, Value::Float(f) if !f.is_nan())
    }) || keys.iter().all(|k| matches!(k, Value::Str(_)))
        || keys.iter().all(|k| matches!(k, Value::Bytes(_)))
}

/// Sorts `items` as `list.sort(key=key, reverse=reverse)` does: stable, comparing with `<`
/// only, in CPython's order of comparisons for lists shorter than 64 (so the same element
/// pair raises the same TypeError).
pub fn sort_values(items: &mut Vec<Value>, key: Option<&Value>, reverse: bool) -> PyResult<()> {
    let mut keys: Vec<Value> = match key {
        Some(f) => items
            .iter()
            .map(|x| ops::call(f, std::slice::from_ref(x), &[]))
            .collect::<PyResult<_>>()?,
        None => items.clone(),
    };
    let n = keys.len();
    let mut idx: Vec<usize> = (0..n).collect();
    if reverse {
        keys.reverse();
        idx.reverse();
    }
    if n >= 2 {
        if n < 64 {
            let (run, desc) = count_run(&keys, 0, n)?;
            if desc {
                keys[..run].reverse();
                idx[..run].reverse();
            }
            if run < n {
                binarysort(&mut keys, &mut idx, run)?;
            }
        } else if totally_ordered(&keys) {
            let mut order: Vec<usize> = (0..n).collect();
            let mut err = None;
            order.sort_by(|&a, &b| {
                if err.is_some() {
                    return std::cmp::Ordering::Equal;
                }
                match is_lt(&keys[b], &keys[a]) {
                    Ok(true) => std::cmp::Ordering::Greater,
                    Ok(false) => match is_lt(&keys[a], &keys[b]) {
                        Ok(true) => std::cmp::Ordering::Less,
                        Ok(false) => std::cmp::Ordering::Equal,
                        Err(e) => {
                            err = Some(e);
                            std::cmp::Ordering::Equal
                        }
                    },
                    Err(e) => {
                        err = Some(e);
                        std::cmp::Ordering::Equal
                    }
                }
            });
            if let Some(e) = err {
                return Err(e);
            }
            idx = order.iter().map(|&o| idx[o]).collect();
        } else {
            return Err(unsupported(
                "sorting 64 or more items of mixed or unordered types",
            ));
        }
    }
    if reverse {
        idx.reverse();
    }
    let old = std::mem::take(items);
    *items = idx.into_iter().map(|i| old[i].clone()).collect();
    Ok(())
}

fn order_free_elem(v: &Value) -> bool {
    match v {
        Value::None | Value::Bool(_) | Value::Int(_) | Value::Str(_) | Value::Bytes(_) => true,
        Value::Float(f) => !f.is_nan(),
        Value::Tuple(t) => t.iter().all(order_free_elem),
        _ => false,
    }
}

/// `sorted(iterable, key=None, reverse=False)`.
pub fn sorted(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    only_kwargs("sort", kwargs, &["key", "reverse"])?;
    if args.len() != 1 {
        return Err(PyErr::type_error(format!(
            "sorted expected 1 argument, got {}",
            args.len()
        )));
    }
    let unordered = ops::unordered_set_items(&args[0]);
    let order_free = unordered.is_some();
    let mut items = match unordered {
        Some(items) => items,
        None => ops::iter(&args[0])?,
    };
    let key = kwarg(kwargs, "key").filter(|k| !k.is_none());
    let reverse = match kwarg(kwargs, "reverse") {
        Some(r) => ops::truthy(r)?,
        None => false,
    };
    let r = sort_values(&mut items, key, reverse);
    // Sorting distinct, totally ordered elements gives one result whatever the input order;
    // errors (which pair fails first), key functions (stable ties) and NaN depend on it.
    if order_free && (r.is_err() || key.is_some() || !items.iter().all(order_free_elem)) {
        return Err(unsupported(
            "sorted() of a set whose CPython order is unknown",
        ));
    }
    r?;
    Ok(Value::list(items))
}

fn min_max(name: &str, args: &[Value], kwargs: Kwargs, is_max: bool) -> PyResult<Value> {
    only_kwargs(name, kwargs, &["key", "default"])?;
    let key = kwarg(kwargs, "key").filter(|k| !k.is_none());
    let default = kwarg(kwargs, "default");
    let source = match args.len() {
        0 => {
            return Err(PyErr::type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )))
        }
        1 => args[0].clone(),
        _ => {
            if default.is_some() {
                return Err(PyErr::type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            Value::tuple(args.to_vec())
        }
    };
    // Each item's key is computed and compared as it comes (CPython's `min_max`).
    let mut best: Option<(Value, Value)> = None;
    crate::call::for_each(&source, |it| {
        let k = match key {
            Some(f) => ops::call(f, std::slice::from_ref(&it), &[])?,
            None => it.clone(),
        };
        best = Some(match best.take() {
            None => (it, k),
            Some((bv, bk)) => {
                let better = if is_max {
                    ops::gt(&k, &bk)?
                } else {
                    ops::lt(&k, &bk)?
                };
                if better {
                    (it, k)
                } else {
                    (bv, bk)
                }
            }
        });
        Ok(true)
    })?;
    match (best, default) {
        (Some((v, _)), _) => Ok(v),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => Err(PyErr::value_error(format!(
            "{name}() arg is an empty sequence"
        ))),
    }
}

/// `min(iterable, *, key, default)` / `min(a, b, *rest, key)`.
pub fn min(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    min_max("min", args, kwargs, false)
}

/// `max(iterable, *, key, default)` / `max(a, b, *rest, key)`.
pub fn max(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    min_max("max", args, kwargs, true)
}

/// `sum(iterable, start=0)`.
pub fn sum(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    only_kwargs("sum", kwargs, &["start"])?;
    arity("sum", args, 1, 2)?;
    let start = args.get(1).or_else(|| kwarg(kwargs, "start"));
    let mut acc = start.cloned().unwrap_or(Value::Int(0));
    match acc {
        Value::Str(_) => {
            return Err(PyErr::type_error(
                "sum() can't sum strings [use ''.join(seq) instead]",
            ))
        }
        Value::Bytes(_) => {
            return Err(PyErr::type_error(
                "sum() can't sum bytes [use b''.join(seq) instead]",
            ))
        }
        _ => {}
    }
    if let Some(items) = ops::unordered_set_items(&args[0]) {
        // Integer addition is exact, so only then is the order irrelevant.
        let ints = |v: &Value| matches!(v, Value::Int(_) | Value::Bool(_));
        if !(ints(&acc) && items.iter().all(ints)) {
            return Err(unsupported(
                "sum() over a set whose CPython order is unknown",
            ));
        }
        for it in items {
            acc = ops::binop(crate::value::BinOp::Add, &acc, &it)?;
        }
        return Ok(acc);
    }
    // CPython's `builtin_sum_impl`, item by item: an exact-int phase (kept in i128 where
    // CPython would switch to big ints), then an exact-float phase, then `+` for the rest.
    enum Acc {
        Int(i128),
        Float(f64),
        Any(Value),
    }
    let mut st = match acc {
        Value::Int(i) => Acc::Int(i as i128),
        Value::Float(f) => Acc::Float(f),
        other => Acc::Any(other),
    };
    let generic = |a: Value, it: &Value| -> PyResult<Acc> {
        let r = ops::binop(crate::value::BinOp::Add, &a, it)?;
        Ok(match r {
            Value::Float(f) => Acc::Float(f),
            other => Acc::Any(other),
        })
    };
    crate::call::for_each(&args[0], |it| {
        st = match std::mem::replace(&mut st, Acc::Any(Value::None)) {
            Acc::Int(b) => match &it {
                Value::Int(_) | Value::Bool(_) => Acc::Int(b + as_index(&it).unwrap_or(0) as i128),
                _ => match i64::try_from(b) {
                    Ok(i) => generic(Value::Int(i), &it)?,
                    Err(_) => {
                        // Past i64 CPython adds its big int to the item: report the
                        // TypeError that gives rather than refusing.
                        ops::binop(crate::value::BinOp::Add, &Value::Int(1), &it)?;
                        match &it {
                            Value::Float(f) => Acc::Float(b as f64 + f),
                            _ => return Err(unsupported("sums beyond 64-bit integers")),
                        }
                    }
                },
            },
            Acc::Float(x) => match &it {
                Value::Float(f) => Acc::Float(x + f),
                Value::Int(_) | Value::Bool(_) => Acc::Float(x + as_index(&it).unwrap_or(0) as f64),
                _ => match generic(Value::Float(x), &it)? {
                    Acc::Float(f) => Acc::Any(Value::Float(f)),
                    other => other,
                },
            },
            Acc::Any(a) => Acc::Any(ops::binop(crate::value::BinOp::Add, &a, &it)?),
        };
        Ok(true)
    })?;
    Ok(match st {
        Acc::Int(b) => {
            Value::Int(i64::try_from(b).map_err(|_| unsupported("sums beyond 64-bit integers"))?)
        }
        Acc::Float(f) => Value::Float(f),
        Acc::Any(v) => v,
    })
}

/// `any(iterable)`.
pub fn any(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("any", kwargs)?;
    arity("any", args, 1, 1)?;
    // The truth of a hashable builtin value never raises, so over a set of them the
    // answer does not depend on the iteration order.
    if let Some(items) = ops::unordered_set_items(&args[0])
        .filter(|v| !v.iter().any(|x| matches!(x, Value::Object(_))))
    {
        for it in items {
            if ops::truthy(&it)? {
                return Ok(Value::Bool(true));
            }
        }
        return Ok(Value::Bool(false));
    }
    let mut out = false;
    crate::call::for_each(&args[0], |it| {
        if ops::truthy(&it)? {
            out = true;
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok(Value::Bool(out))
}

/// `all(iterable)`.
pub fn all(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("all", kwargs)?;
    arity("all", args, 1, 1)?;
    // The truth of a hashable builtin value never raises, so over a set of them the
    // answer does not depend on the iteration order.
    if let Some(items) = ops::unordered_set_items(&args[0])
        .filter(|v| !v.iter().any(|x| matches!(x, Value::Object(_))))
    {
        for it in items {
            if !ops::truthy(&it)? {
                return Ok(Value::Bool(false));
            }
        }
        return Ok(Value::Bool(true));
    }
    let mut out = true;
    crate::call::for_each(&args[0], |it| {
        if !ops::truthy(&it)? {
            out = false;
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok(Value::Bool(out))
}

/// `enumerate(iterable, start=0)`: a lazy iterator of pairs.
pub fn enumerate(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    only_kwargs("enumerate", kwargs, &["iterable", "start"])?;
    let it = args
        .first()
        .or_else(|| kwarg(kwargs, "iterable"))
        .ok_or_else(|| {
            PyErr::type_error("enumerate() missing required argument 'iterable' (pos 1)")
        })?;
    let mut n = match args.get(1).or_else(|| kwarg(kwargs, "start")) {
        Some(s) => int_arg(s)?,
        None => 0,
    };
    let mut src = PyIter::new(it)?;
    Ok(IterObj::value("enumerate", move || {
        let Some(v) = src.next()? else {
            return Ok(None);
        };
        let i = n;
        n = n
            .checked_add(1)
            .ok_or_else(|| unsupported("ints beyond 64 bits"))?;
        Ok(Some(Value::tuple(vec![Value::Int(i), v])))
    }))
}

/// `zip(*iterables)`: a lazy iterator of tuples, stopping at the first exhausted input
/// (the inputs before it have then given one item more, as in CPython).
pub fn zip(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    only_kwargs("zip", kwargs, &["strict"])?;
    if kwarg(kwargs, "strict")
        .map(ops::truthy)
        .transpose()?
        .unwrap_or(false)
    {
        return Err(unsupported("zip(strict=True)"));
    }
    let mut srcs: Vec<PyIter> = Vec::with_capacity(args.len());
    for a in args {
        srcs.push(PyIter::new(a)?);
    }
    Ok(IterObj::value("zip", move || {
        if srcs.is_empty() {
            return Ok(None);
        }
        let mut items = Vec::with_capacity(srcs.len());
        for s in srcs.iter_mut() {
            match s.next()? {
                Some(v) => items.push(v),
                None => return Ok(None),
            }
        }
        Ok(Some(Value::tuple(items)))
    }))
}

/// `range(stop)` / `range(start, stop[, step])`: a range object (see `range.rs`).
pub fn range(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    crate::range::range(args, kwargs)
}

/// `abs(x)`.
pub fn abs(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("abs", kwargs)?;
    arity("abs", args, 1, 1)?;
    match &args[0] {
        Value::Int(i) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(|| unsupported("ints beyond 64 bits")),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        Value::Object(_) if args[0].downcast::<crate::class::Instance>().is_some() => {
            crate::class::unary("__abs__", &args[0]).unwrap_or_else(|| {
                Err(PyErr::type_error(format!(
                    "bad operand type for abs(): '{}'",
                    args[0].type_name()
                )))
            })
        }
        Value::Object(_) => match crate::decimal::as_decimal(&args[0]) {
            Some(d) => d.abs_op().map(Value::from),
            None => Err(unsupported("abs() of objects")),
        },
        o => Err(PyErr::type_error(format!(
            "bad operand type for abs(): '{}'",
            o.type_name()
        ))),
    }
}

/// Rounds the exact decimal digits of `a >= 0` to a multiple of `10**-ndigits`, halves to
/// even, as CPython's correctly rounded `round()` does.
/// How many fraction digits the exact decimal expansion of finite `a` has.
fn exact_fraction_digits(a: f64) -> usize {
    let bits = a.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1u64 << 52) - 1);
    let (m, e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    if m == 0 {
        return 0;
    }
    let e = e + i64::from(m.trailing_zeros());
    usize::try_from(-e).unwrap_or(0)
}

/// `round_exact` in integers, when they can hold it: `a` is m·2^-s (m below 2^53), so
/// a·10^n is m·10^n / 2^s, an exact u128 quotient and remainder for n ≤ 22 and s < 128,
/// rounded half to even as the digit rule of `round_exact` rounds it. `None` when `a` is
/// outside that range (the digit expansion then decides).
fn round_exact_u128(a: f64, ndigits: i64) -> Option<String> {
    if !(0..=22).contains(&ndigits) {
        return None;
    }
    let bits = a.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1u64 << 52) - 1);
    let (m, e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    let shift = u32::try_from(-e).ok().filter(|s| (1..128).contains(s))?;
    let scaled = u128::from(m) * 10u128.pow(ndigits as u32);
    let mut q = scaled >> shift;
    let rest = scaled & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if rest > half || (rest == half && q % 2 == 1) {
        q += 1;
    }
    Some(format!("{q}e-{ndigits}"))
}

fn round_exact(a: f64, ndigits: i64) -> String {
    if let Some(s) = round_exact_u128(a, ndigits) {
        return s;
    }
    // The exact binary value in decimal: `a` is m·2^e with m odd, so it has exactly
    // max(0, -e) fraction digits (at most 1074), and printing that many rounds nothing.
    // Printing only those (rather than a fixed 1,100) spares the formatter hundreds of
    // digits of zero padding; the trailing zeros it no longer writes change neither the
    // rounding below nor the value parsed from the result.
    let full = format!("{a:.prec$}", prec = exact_fraction_digits(a));
    let (int_part, frac) = full.split_once('.').unwrap_or((&full, ""));
    let digits: Vec<u8> = int_part
        .bytes()
        .chain(frac.bytes())
        .map(|b| b - b'0')
        .collect();
    let point = int_part.len() as i64;
    // Rounding above the leading digit's place gives zero.
    if point + ndigits < 0 {
        return "0".to_string();
    }
    let keep = (point + ndigits) as usize;
    if keep >= digits.len() {
        return full;
    }
    let mut kept: Vec<u8> = digits[..keep].to_vec();
    let rest = &digits[keep..];
    let first = rest.first().copied().unwrap_or(0);
    let beyond = rest.iter().skip(1).any(|d| *d != 0);
    let last_odd = kept.last().is_some_and(|d| d % 2 == 1);
    let up = first > 5 || (first == 5 && (beyond || last_odd));
    if up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let mut s: String = kept.iter().map(|d| (b'0' + d) as char).collect();
    if s.is_empty() {
        s.push('0');
    }
    // A carry (999 -> 1000) adds a digit but keeps the scale.
    let exp = (keep as i64) - point;
    format!("{s}e{}", -exp)
}

/// `round(x[, ndigits])`.
pub fn round(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    only_kwargs("round", kwargs, &["number", "ndigits"])?;
    let x = args
        .first()
        .or_else(|| kwarg(kwargs, "number"))
        .ok_or_else(|| PyErr::type_error("round() missing required argument 'number' (pos 1)"))?;
    let nd = args
        .get(1)
        .or_else(|| kwarg(kwargs, "ndigits"))
        .filter(|v| !v.is_none());
    match x {
        Value::Float(f) => match nd {
            None => {
                let r = f.round_ties_even();
                float_to_int(r).map(Value::Int)
            }
            Some(n) => {
                let n = int_arg(n)?;
                let f = *f;
                if !f.is_finite() || f == 0.0 || n > 323 {
                    return Ok(Value::Float(f));
                }
                if n < -308 {
                    return Ok(Value::Float(0.0 * f));
                }
                let s = round_exact(f.abs(), n);
                let r: f64 = s.parse().unwrap_or(f64::NAN);
                if r.is_infinite() {
                    return Err(PyErr::new(
                        ExcKind::OverflowError,
                        "rounded value too large to represent",
                    ));
                }
                Ok(Value::Float(if f.is_sign_negative() { -r } else { r }))
            }
        },
        Value::Int(_) | Value::Bool(_) => {
            let i = as_index(x).unwrap_or(0);
            match nd {
                None => Ok(Value::Int(i)),
                Some(n) => {
                    let n = int_arg(n)?;
                    if n >= 0 {
                        return Ok(Value::Int(i));
                    }
                    if n < -19 {
                        return Ok(Value::Int(0));
                    }
                    let p = 10i128.pow((-n) as u32);
                    let v = i as i128;
                    let q = v.div_euclid(p);
                    let r = v.rem_euclid(p);
                    let twice = 2 * r;
                    let q = if twice > p || (twice == p && q % 2 != 0) {
                        q + 1
                    } else {
                        q
                    };
                    i64::try_from(q * p)
                        .map(Value::Int)
                        .map_err(|_| unsupported("ints beyond 64 bits"))
                }
            }
        }
        Value::Object(_) => match (crate::decimal::as_decimal(x), nd) {
            (Some(d), None) => d.round_i64().map(Value::Int),
            _ => Err(unsupported("round() of objects")),
        },
        o => Err(PyErr::type_error(format!(
            "type {} doesn't define __round__ method",
            o.type_name()
        ))),
    }
}

fn isinstance_of(v: &Value, t: &Value) -> PyResult<bool> {
    match t {
        Value::Tuple(ts) => {
            for t in ts.iter() {
                if isinstance_of(v, t)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => match t.downcast::<TypeObject>() {
            Some(to) => Ok((to.check)(v)),
            None => match t {
                Value::Object(o) if o.instancecheck(v).is_some() => {
                    Ok(o.instancecheck(v) == Some(true))
                }
                _ => Err(PyErr::type_error(
                    "isinstance() arg 2 must be a type, a tuple of types, or a union",
                )),
            },
        },
    }
}

/// `isinstance(x, T)` where `T` is a type object or a tuple of them.
pub fn isinstance(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("isinstance", kwargs)?;
    if args.len() != 2 {
        return Err(PyErr::type_error(format!(
            "isinstance expected 2 arguments, got {}",
            args.len()
        )));
    }
    isinstance_of(&args[0], &args[1]).map(Value::Bool)
}

/// `getattr(obj, name[, default])`.
pub fn getattr(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("getattr", kwargs)?;
    if !(2..=3).contains(&args.len()) {
        return Err(PyErr::type_error(format!(
            "getattr expected at least 2 arguments, got {}",
            args.len()
        )));
    }
    let name = args[1]
        .as_str()
        .ok_or_else(|| PyErr::type_error("attribute name must be string"))?;
    match ops::getattr(&args[0], name) {
        Ok(v) => Ok(v),
        Err(e) if args.len() == 3 && e.matches(ExcKind::AttributeError) => Ok(args[2].clone()),
        Err(e) => Err(e),
    }
}

/// `hasattr(obj, name)`.
pub fn hasattr(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("hasattr", kwargs)?;
    arity("hasattr", args, 2, 2)?;
    let name = args[1]
        .as_str()
        .ok_or_else(|| PyErr::type_error("attribute name must be string"))?;
    Ok(Value::Bool(ops::hasattr(&args[0], name)?))
}

/// `reversed(seq)`: a lazy iterator; over a list it walks indices from the end as
/// CPython's `list_reverseiterator` does (a shrinking list ends it).
pub fn reversed(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("reversed", kwargs)?;
    arity("reversed", args, 1, 1)?;
    let (name, items) = match &args[0] {
        Value::List(l) => {
            let l = l.clone();
            let mut i = l.borrow().len() as i64 - 1;
            return Ok(IterObj::value("list_reverseiterator", move || {
                let b = l.borrow();
                if i >= 0 && (i as usize) < b.len() {
                    let v = b[i as usize].clone();
                    i -= 1;
                    Ok(Some(v))
                } else {
                    i = -1;
                    Ok(None)
                }
            }));
        }
        Value::Object(_) if crate::range::is_range(&args[0]) => {
            return Ok(args[0]
                .downcast::<crate::range::Range>()
                .map(|r| r.iterator(true))
                .unwrap_or_default());
        }
        Value::Dict(_) => ("dict_reversekeyiterator", ops::iter(&args[0])?),
        Value::Str(_) | Value::Tuple(_) | Value::Bytes(_) => ("reversed", ops::iter(&args[0])?),
        Value::Object(o) if o.is_sequence() => ("reversed", ops::iter(&args[0])?),
        Value::Object(_) => return Err(unsupported("reversed() of objects")),
        o => {
            return Err(PyErr::type_error(format!(
                "'{}' object is not reversible",
                o.type_name()
            )))
        }
    };
    let mut it = items.into_iter().rev();
    Ok(IterObj::value(name, move || Ok(it.next())))
}

/// `map(f, *iterables)`: a lazy iterator.
pub fn map(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("map", kwargs)?;
    if args.len() < 2 {
        return Err(PyErr::type_error("map() must have at least two arguments."));
    }
    let f = args[0].clone();
    let mut srcs: Vec<PyIter> = args[1..].iter().map(PyIter::new).collect::<PyResult<_>>()?;
    Ok(IterObj::value("map", move || {
        let mut call_args = Vec::with_capacity(srcs.len());
        for s in srcs.iter_mut() {
            match s.next()? {
                Some(v) => call_args.push(v),
                None => return Ok(None),
            }
        }
        ops::call(&f, &call_args, &[]).map(Some)
    }))
}

/// `filter(f, iterable)`: a lazy iterator (`f` may be None).
pub fn filter(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("filter", kwargs)?;
    if args.len() != 2 {
        return Err(PyErr::type_error(format!(
            "filter expected 2 arguments, got {}",
            args.len()
        )));
    }
    let f = args[0].clone();
    let mut src = PyIter::new(&args[1])?;
    Ok(IterObj::value("filter", move || {
        while let Some(it) = src.next()? {
            let keep = if f.is_none() {
                ops::truthy(&it)?
            } else {
                ops::truthy(&ops::call(&f, std::slice::from_ref(&it), &[])?)?
            };
            if keep {
                return Ok(Some(it));
            }
        }
        Ok(None)
    }))
}

/// `ord(c)`.
pub fn ord(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("ord", kwargs)?;
    arity("ord", args, 1, 1)?;
    match &args[0] {
        Value::Str(s) => {
            let mut it = s.chars();
            match (it.next(), it.next()) {
                (Some(c), None) => Ok(Value::Int(c as i64)),
                _ => Err(PyErr::type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    s.chars().count()
                ))),
            }
        }
        Value::Bytes(b) => {
            if b.len() == 1 {
                Ok(Value::Int(b[0] as i64))
            } else {
                Err(PyErr::type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    b.len()
                )))
            }
        }
        o => Err(PyErr::type_error(format!(
            "ord() expected string of length 1, but {} found",
            o.type_name()
        ))),
    }
}

/// `chr(i)`.
pub fn chr(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("chr", kwargs)?;
    arity("chr", args, 1, 1)?;
    let i = int_arg(&args[0])?;
    if !(0..0x110000).contains(&i) {
        return Err(PyErr::value_error("chr() arg not in range(0x110000)"));
    }
    char::from_u32(i as u32)
        .map(|c| Value::from(c.to_string()))
        .ok_or_else(|| unsupported("surrogate characters"))
}

/// `hex(i)`.
pub fn hex(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("hex", kwargs)?;
    arity("hex", args, 1, 1)?;
    let i = int_arg(&args[0])?;
    Ok(Value::from(if i < 0 {
        format!("-0x{:x}", i.unsigned_abs())
    } else {
        format!("0x{i:x}")
    }))
}

/// `divmod(a, b)`.
pub fn divmod(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("divmod", kwargs)?;
    if args.len() != 2 {
        return Err(PyErr::type_error(format!(
            "divmod expected 2 arguments, got {}",
            args.len()
        )));
    }
    ops::divmod(&args[0], &args[1])
}

/// `pow(base, exp[, mod])`.
pub fn pow(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    only_kwargs("pow", kwargs, &["base", "exp", "mod"])?;
    if !kwargs.is_empty() {
        return Err(unsupported("pow() with keyword arguments"));
    }
    match args {
        [a, b] => ops::binop(crate::value::BinOp::Pow, a, b),
        [a, b, m] => {
            let (Some(a), Some(b), Some(m)) = (as_index(a), as_index(b), as_index(m)) else {
                return Err(unsupported("pow() with a modulus of these types"));
            };
            if m == 0 {
                return Err(PyErr::value_error("pow() 3rd argument cannot be 0"));
            }
            if b < 0 {
                return Err(unsupported("pow() with a negative exponent and a modulus"));
            }
            let m128 = m as i128;
            let mut base = (a as i128).rem_euclid(m128);
            let mut e = b;
            let mut acc: i128 = 1 % m128.abs();
            while e > 0 {
                if e & 1 == 1 {
                    acc = (acc * base).rem_euclid(m128);
                }
                base = (base * base).rem_euclid(m128);
                e >>= 1;
            }
            let r = acc.rem_euclid(m128);
            // Python's result takes the sign of the modulus.
            let r = if m < 0 && r != 0 { r + m128 } else { r };
            Ok(Value::Int(r as i64))
        }
        _ => Err(PyErr::type_error(format!(
            "pow expected at least 2 arguments, got {}",
            args.len()
        ))),
    }
}

fn check_str(v: &Value) -> bool {
    matches!(v, Value::Str(_))
}
fn check_int(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_))
}
fn check_float(v: &Value) -> bool {
    matches!(v, Value::Float(_))
}
fn check_bool(v: &Value) -> bool {
    matches!(v, Value::Bool(_))
}
fn check_list(v: &Value) -> bool {
    matches!(v, Value::List(_))
}
fn check_dict(v: &Value) -> bool {
    matches!(v, Value::Dict(_))
}
fn check_set(v: &Value) -> bool {
    matches!(v, Value::Set(_))
}
fn check_tuple(v: &Value) -> bool {
    v.tuple_items().is_some()
}
fn check_bytes(v: &Value) -> bool {
    matches!(v, Value::Bytes(_))
}
fn check_frozenset(v: &Value) -> bool {
    matches!(v, Value::FrozenSet(_))
}
fn check_object(_: &Value) -> bool {
    true
}
/// Whether `v` is a class object (`isinstance(v, type)`).
pub fn is_type(v: &Value) -> bool {
    check_type(v)
}

fn check_type(v: &Value) -> bool {
    // Every class object ferrule models is an instance of `type`.
    v.downcast::<TypeObject>().is_some()
        || v.downcast::<crate::class::ClassObj>().is_some()
        || v.downcast::<crate::call::ExcClassObj>().is_some()
        || v.downcast::<crate::stdlib::ExcClassObject>().is_some()
        || v.downcast::<crate::stdlib::namedtuple::NamedTupleClass>()
            .is_some()
}

pub fn bytes_(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    match (args, kwargs) {
        ([], []) => Ok(Value::Bytes(Rc::from(&[][..]))),
        ([Value::Str(_)], []) => Err(PyErr::type_error(
            "string argument without an encoding".to_string(),
        )),
        ([Value::Str(s), Value::Str(e)], []) => {
            match e.to_ascii_lowercase().replace('_', "-").as_str() {
                "utf-8" | "utf8" => Ok(Value::Bytes(s.as_bytes().into())),
                _ => Err(unsupported("bytes() with this encoding")),
            }
        }
        _ => Err(unsupported("this call of bytes()")),
    }
}

thread_local! {
    // Method descriptors are one object each in their type's dict (`str.lower is str.lower`).
    static UNBOUND: std::cell::RefCell<HashMap<(&'static str, String), Value>> =
        std::cell::RefCell::new(HashMap::new());
}

/// An unbound method of a built-in type (`str.lower`): a function taking `self` first.
fn unbound(type_name: &'static str, check: fn(&Value) -> bool, name: &str) -> Value {
    let key = (type_name, name.to_string());
    if let Some(v) = UNBOUND.with(|u| u.borrow().get(&key).cloned()) {
        return v;
    }
    let v = make_unbound(type_name, check, name);
    UNBOUND.with(|u| u.borrow_mut().insert(key, v.clone()));
    v
}

fn make_unbound(type_name: &'static str, check: fn(&Value) -> bool, name: &str) -> Value {
    let owned = name.to_string();
    Value::closure(name, move |args: &[Value], kwargs: Kwargs| {
        let Some(this) = args.first() else {
            return Err(PyErr::type_error(format!(
                "unbound method {type_name}.{owned}() needs an argument"
            )));
        };
        if !check(this) {
            return Err(PyErr::type_error(format!(
                "descriptor '{owned}' for '{type_name}' objects doesn't apply to a '{}' object",
                this.type_name()
            )));
        }
        ops::call_method(this, &owned, &args[1..], kwargs)
    })
}

fn str_attr(name: &str) -> Option<Value> {
    methods::bound_method(&Value::str(""), name).map(|_| unbound("str", check_str, name))
}
fn list_attr(name: &str) -> Option<Value> {
    methods::bound_method(&Value::list(vec![]), name).map(|_| unbound("list", check_list, name))
}
fn dict_attr(name: &str) -> Option<Value> {
    if name == "fromkeys" {
        return Some(Value::func("fromkeys", methods::dict_fromkeys));
    }
    methods::bound_method(&Value::dict(Dict::default()), name)
        .map(|_| unbound("dict", check_dict, name))
}
fn set_attr(name: &str) -> Option<Value> {
    methods::bound_method(&Value::set(Set::new()), name).map(|_| unbound("set", check_set, name))
}
fn tuple_attr(name: &str) -> Option<Value> {
    methods::bound_method(&Value::tuple(vec![]), name).map(|_| unbound("tuple", check_tuple, name))
}
fn bytes_attr(name: &str) -> Option<Value> {
    methods::bound_method(&Value::Bytes(Rc::from(&[][..])), name)
        .map(|_| unbound("bytes", check_bytes, name))
}
fn int_attr(name: &str) -> Option<Value> {
    methods::bound_method(&Value::Int(0), name).map(|_| unbound("int", check_int, name))
}
fn float_attr(name: &str) -> Option<Value> {
    methods::bound_method(&Value::Float(0.0), name).map(|_| unbound("float", check_float, name))
}

fn range_attr(name: &str) -> Option<Value> {
    matches!(name, "index" | "count").then(|| unbound("range", crate::range::is_range, name))
}

/// The type object of a builtin type name (`str`, `int`, …, `object`, `type`).
pub fn type_object(name: &str) -> Option<Value> {
    type AttrFn = fn(&str) -> Option<Value>;
    type Entry = (
        &'static str,
        fn(&Value) -> bool,
        crate::value::NativeFn,
        Option<AttrFn>,
    );
    let (name, check, construct, attr): Entry = match name {
        "str" => ("str", check_str, str_, Some(str_attr)),
        "int" => ("int", check_int, int, Some(int_attr)),
        "float" => ("float", check_float, float, Some(float_attr)),
        "bool" => ("bool", check_bool, bool, None),
        "list" => ("list", check_list, list, Some(list_attr)),
        "dict" => ("dict", check_dict, dict, Some(dict_attr)),
        "set" => ("set", check_set, set, Some(set_attr)),
        "tuple" => ("tuple", check_tuple, tuple, Some(tuple_attr)),
        "bytes" => ("bytes", check_bytes, bytes_, Some(bytes_attr)),
        "frozenset" => ("frozenset", check_frozenset, frozenset, None),
        "object" => (
            "object",
            check_object,
            object_,
            Some(crate::class::object_attr),
        ),
        "type" => ("type", check_type, type_, None),
        "range" => ("range", crate::range::is_range, range, Some(range_attr)),
        _ => return None,
    };
    Some(Value::object(TypeObject {
        name,
        module: "builtins",
        check,
        construct: Some(construct),
        attr,
    }))
}

thread_local! {
    static TYPES: std::cell::RefCell<Vec<(&'static str, Value)>> = const { std::cell::RefCell::new(Vec::new()) };
    static FUNCS: std::cell::RefCell<Vec<(&'static str, Value)>> = const { std::cell::RefCell::new(Vec::new()) };
    static STDOUT_CHARS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many characters `print` has written since the last call (what the oracle records as
/// `stdout_chars`: PAT captures a detection's standard output).
pub fn take_stdout_chars() -> usize {
    STDOUT_CHARS.with(|c| c.replace(0))
}

/// `print(*objects, sep=' ', end='\n', file=None, flush=False)`: the text goes where PAT
/// sends it (a captured buffer nobody reads), so only its length is kept.
pub fn print(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    only_kwargs("print", kwargs, &["sep", "end", "file", "flush"])?;
    let text_arg = |name: &str, default: &str| -> PyResult<String> {
        match kwarg(kwargs, name) {
            None | Some(Value::None) => Ok(default.to_string()),
            Some(Value::Str(s)) => Ok(s.to_string()),
            Some(o) => Err(PyErr::type_error(format!(
                "{name} must be None or a string, not {}",
                o.type_name()
            ))),
        }
    };
    let sep = text_arg("sep", " ")?;
    let end = text_arg("end", "\n")?;
    match kwarg(kwargs, "file") {
        None | Some(Value::None) => {}
        Some(_) => return Err(unsupported("print(file=...)")),
    }
    let mut n = 0;
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            n += sep.chars().count();
        }
        let s = match a {
            Value::Str(s) => s.chars().count(),
            other => fmt::str_checked(other)?.chars().count(),
        };
        n += s;
    }
    n += end.chars().count();
    if let Some(f) = kwarg(kwargs, "flush") {
        ops::truthy(f)?;
    }
    STDOUT_CHARS.with(|c| c.set(c.get() + n));
    Ok(Value::None)
}

fn int_prefixed(
    name: &str,
    args: &[Value],
    kwargs: Kwargs,
    prefix: &str,
    radix: u32,
) -> PyResult<Value> {
    no_kwargs(name, kwargs)?;
    arity(name, args, 1, 1)?;
    let i = int_arg(&args[0])?;
    let digits = |u: u64| match radix {
        2 => format!("{u:b}"),
        8 => format!("{u:o}"),
        _ => format!("{u:x}"),
    };
    Ok(Value::from(if i < 0 {
        format!("-{prefix}{}", digits(i.unsigned_abs()))
    } else {
        format!("{prefix}{}", digits(i as u64))
    }))
}

/// `bin(i)`.
pub fn bin(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    int_prefixed("bin", args, kwargs, "0b", 2)
}

/// `oct(i)`.
pub fn oct(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    int_prefixed("oct", args, kwargs, "0o", 8)
}

/// `callable(x)`.
pub fn callable(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("callable", kwargs)?;
    arity("callable", args, 1, 1)?;
    let v = &args[0];
    Ok(Value::Bool(match v {
        Value::Func(_) => true,
        Value::Object(o) => {
            if check_type(v) || v.downcast::<crate::mock::MagicMock>().is_some() {
                true
            } else if let Some(inst) = v.downcast::<crate::class::Instance>() {
                // CPython asks the type, not the instance (no `__getattr__`).
                inst.cls().user_hook("__call__").is_some()
            } else if o.is_iterator()
                || v.downcast::<crate::value::ModuleObject>().is_some()
                || v.downcast::<ObjectInstance>().is_some()
                || v.downcast::<ops::Slice>().is_some()
            {
                false
            } else {
                return Err(unsupported(&format!(
                    "callable() of a '{}' object",
                    o.type_name()
                )));
            }
        }
        _ => false,
    }))
}

/// `hash(x)`: CPython's value under `PYTHONHASHSEED=0` where ferrule reproduces it; a value
/// hashed by its address is refused.
pub fn hash(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("hash", kwargs)?;
    arity("hash", args, 1, 1)?;
    Key::new(args[0].clone())?;
    let h = crate::pyhash::hash(&args[0]);
    if !h.exact {
        return Err(unsupported(
            "hash() of a value CPython hashes by its address",
        ));
    }
    Ok(Value::Int(h.value))
}

/// `id(x)`: an address in CPython.
pub fn id(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let _ = (args, kwargs);
    Err(unsupported("id() (CPython's value is an address)"))
}

/// `iter(x)` / `iter(callable, sentinel)`.
pub fn iter(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("iter", kwargs)?;
    arity("iter", args, 1, 2)?;
    if args.len() == 1 {
        return crate::iter::iter(&args[0]);
    }
    let f = args[0].clone();
    if !ops::truthy(&callable(&args[..1], &[])?)? {
        return Err(PyErr::type_error("iter(v, w): v must be callable"));
    }
    let sentinel = args[1].clone();
    Ok(IterObj::value("callable_iterator", move || {
        // A StopIteration from the callable ends the iterator for good, as the sentinel does.
        let v = match ops::call(&f, &[], &[]) {
            Err(e) if e.matches(ExcKind::StopIteration) => return Ok(None),
            r => r?,
        };
        if ops::eq(&v, &sentinel) {
            Ok(None)
        } else {
            Ok(Some(v))
        }
    }))
}

/// `next(it[, default])`.
pub fn next(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("next", kwargs)?;
    arity("next", args, 1, 2)?;
    match crate::iter::next_raw(&args[0]) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => match args.get(1) {
            Some(d) => Ok(d.clone()),
            None => Err(crate::iter::stop_iteration()),
        },
        Err(e) => {
            if args.len() == 2 && e.matches(ExcKind::StopIteration) {
                Ok(args[1].clone())
            } else {
                Err(e)
            }
        }
    }
}

/// Whether class `a` is `b` or derives from it.
fn subclass_of(a: &Value, b: &Value) -> PyResult<bool> {
    if let Value::Tuple(bs) = b {
        for b in bs.iter() {
            if subclass_of(a, b)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if !check_type(b) {
        return Err(PyErr::type_error(
            "issubclass() arg 2 must be a class, a tuple of classes, or a union",
        ));
    }
    if a.is(b) {
        return Ok(true);
    }
    let is_object = |v: &Value| {
        v.downcast::<TypeObject>()
            .is_some_and(|t| t.name == "object" && t.module == "builtins")
    };
    if is_object(b) {
        return Ok(true);
    }
    if let (Some(ta), Some(tb)) = (a.downcast::<TypeObject>(), b.downcast::<TypeObject>()) {
        if ta.module == "builtins" && tb.module == "builtins" {
            return Ok(ta.name == "bool" && tb.name == "int");
        }
    }
    let exc = |v: &Value| -> Option<crate::err::ExcType> {
        if let Some(c) = v.downcast::<crate::call::ExcClassObj>() {
            return Some(c.0.clone());
        }
        crate::class::exc_type(v)
    };
    if let (Some(ea), Some(eb)) = (exc(a), exc(b)) {
        return Ok(ea.is_subclass_of(&eb));
    }
    if let Some(r) = crate::class::issubclass(a, b) {
        return Ok(r);
    }
    if a.downcast::<TypeObject>().is_some() && b.downcast::<crate::class::ClassObj>().is_some() {
        return Ok(false);
    }
    Err(unsupported("issubclass() of these classes"))
}

/// `issubclass(cls, classinfo)`.
pub fn issubclass(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("issubclass", kwargs)?;
    if args.len() != 2 {
        return Err(PyErr::type_error(format!(
            "issubclass expected 2 arguments, got {}",
            args.len()
        )));
    }
    if !check_type(&args[0]) {
        return Err(PyErr::type_error("issubclass() arg 1 must be a class"));
    }
    subclass_of(&args[0], &args[1]).map(Value::Bool)
}

/// `setattr(obj, name, value)`.
pub fn setattr(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("setattr", kwargs)?;
    if args.len() != 3 {
        return Err(PyErr::type_error(format!(
            "setattr expected 3 arguments, got {}",
            args.len()
        )));
    }
    let name = args[1].as_str().ok_or_else(|| {
        PyErr::type_error(format!(
            "attribute name must be string, not '{}'",
            args[1].type_name()
        ))
    })?;
    crate::call::setattr(&args[0], name, args[2].clone())?;
    Ok(Value::None)
}

/// `delattr(obj, name)`.
pub fn delattr(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("delattr", kwargs)?;
    if args.len() != 2 {
        return Err(PyErr::type_error(format!(
            "delattr expected 2 arguments, got {}",
            args.len()
        )));
    }
    let name = args[1].as_str().ok_or_else(|| {
        PyErr::type_error(format!(
            "attribute name must be string, not '{}'",
            args[1].type_name()
        ))
    })?;
    crate::call::delattr(&args[0], name)?;
    Ok(Value::None)
}

/// `slice(stop)` / `slice(start, stop[, step])` with int or None bounds.
pub fn slice(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    no_kwargs("slice", kwargs)?;
    if args.is_empty() {
        return Err(PyErr::type_error(
            "slice expected at least 1 argument, got 0",
        ));
    }
    if args.len() > 3 {
        return Err(PyErr::type_error(format!(
            "slice expected at most 3 arguments, got {}",
            args.len()
        )));
    }
    // CPython accepts any objects and checks them when the slice is used; ferrule's slice
    // holds ints, so other bounds are refused rather than reported early.
    if args
        .iter()
        .any(|a| !matches!(a, Value::None | Value::Int(_) | Value::Bool(_)))
    {
        return Err(unsupported("slice() with bounds that are not ints or None"));
    }
    let sl = match args {
        [stop] => ops::Slice::new(None, Some(stop), None)?,
        [start, stop] => ops::Slice::new(Some(start), Some(stop), None)?,
        [start, stop, step] => ops::Slice::new(Some(start), Some(stop), Some(step))?,
        _ => unreachable!("checked above"),
    };
    Ok(Value::object(sl))
}

/// `type(x)` (the one-argument form).
pub fn type_(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(unsupported("type() with keyword arguments"));
    }
    match args {
        [v] => {
            let name = match v {
                Value::None => return Ok(none_type()),
                Value::Bool(_) => "bool",
                Value::Int(_) => "int",
                Value::Float(_) => "float",
                Value::Str(_) => "str",
                Value::Bytes(_) => "bytes",
                Value::List(_) => "list",
                Value::Tuple(_) => "tuple",
                Value::Dict(_) => "dict",
                Value::Set(_) => "set",
                Value::FrozenSet(_) => "frozenset",
                Value::Object(_)
                    if check_type(v) && v.downcast::<crate::class::ClassObj>().is_none() =>
                {
                    "type"
                }
                Value::Object(_) if v.downcast::<ObjectInstance>().is_some() => "object",
                Value::Object(_) => {
                    if let Some(inst) = v.downcast::<crate::class::Instance>() {
                        return Ok(inst.class.clone());
                    }
                    if let Some(e) = v.downcast::<crate::exc::ExcInstance>() {
                        return Ok(Value::object(crate::exc::ExcClassObj(e.err.ty.clone())));
                    }
                    if let Some(t) = crate::class::builtin_type_of(v) {
                        return Ok(t);
                    }
                    // Objects of a builtin type the table declares (`range`, `complex`…).
                    if let Some(t) = builtin_type_of(v) {
                        return Ok(t);
                    }
                    return Err(unsupported(&format!(
                        "type() of a '{}' object",
                        v.type_name()
                    )));
                }
                Value::Func(_) => return Err(unsupported("type() of a function")),
            };
            Ok(lookup(name).unwrap_or_default())
        }
        [_, _, _] => Err(unsupported(
            "type(name, bases, dict) (creating a class at run time)",
        )),
        _ => Err(PyErr::type_error("type() takes 1 or 3 arguments")),
    }
}

/// The type object of `v` when `v` is an object of a builtin type of [`BUILTINS`].
fn builtin_type_of(v: &Value) -> Option<Value> {
    let d = def(v.type_name())?;
    if d.kind != BuiltinKind::Type {
        return None;
    }
    let t = lookup(d.name)?;
    let to = t.downcast::<TypeObject>()?;
    (to.check)(v).then_some(t)
}

fn none_type() -> Value {
    TYPES.with(|t| {
        if let Some((_, v)) = t.borrow().iter().find(|(n, _)| *n == "NoneType") {
            return v.clone();
        }
        let v = Value::object(TypeObject {
            name: "NoneType",
            module: "builtins",
            check: |v| v.is_none(),
            construct: Some(|args, kwargs| {
                if args.is_empty() && kwargs.is_empty() {
                    Ok(Value::None)
                } else {
                    Err(PyErr::type_error("NoneType takes no arguments"))
                }
            }),
            attr: None,
        });
        t.borrow_mut().push(("NoneType", v.clone()));
        v
    })
}

/// An instance of `object` (`SENTINEL = object()`): equal only to itself, printed with an
/// address (refused).
pub struct ObjectInstance;

impl crate::value::PyObject for ObjectInstance {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("object")
    }
    fn type_name(&self) -> &str {
        "object"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const ObjectInstance as usize as u64)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `object()`.
pub fn object_(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !args.is_empty() || !kwargs.is_empty() {
        return Err(PyErr::type_error("object() takes no arguments"));
    }
    // A zero-sized value would share one address: give each instance its own allocation.
    Ok(Value::Object(
        std::rc::Rc::new(ObjectInstance) as std::rc::Rc<dyn crate::value::PyObject>
    ))
}

/// Builtins whose value or behaviour ferrule does not model yet: calling one raises the
/// runtime's refusal (the detection's tests report it), never a guess.
macro_rules! refused_at_run_time {
    ($($f:ident => $what:literal),* $(,)?) => {
        $(
            #[doc = concat!("`", $what, "`: refused at run time.")]
            pub fn $f(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
                let _ = (args, kwargs);
                Err(unsupported($what))
            }
        )*
    };
}

refused_at_run_time! {
    complex => "complex()",
    bytearray => "bytearray()",
    memoryview => "memoryview()",
    globals => "globals()",
    locals => "locals()",
    vars => "vars()",
    dir => "dir()",
}

/// The class builtins (`runtime/src/class.rs`), callable by their builtin names.
pub use crate::class::{
    classmethod_new as classmethod, property_new as property, staticmethod_new as staticmethod,
    super_builtin as super_,
};

/// Builtins that do I/O or run code: the compiler refuses them (F007) with the reason, and
/// these bodies are never reached from generated code.
macro_rules! refused_at_compile_time {
    ($($f:ident),* $(,)?) => {
        $(
            pub fn $f(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
                let _ = (args, kwargs);
                Err(unsupported(concat!(stringify!($f), "()")))
            }
        )*
    };
}

refused_at_compile_time! {
    open, input, exec, eval, compile, __import__, breakpoint, help, exit, quit, copyright,
    credits, license, aiter, anext,
}

/// What a name of the `builtins` module is to ferrule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinKind {
    /// A builtin function (`<built-in function len>`).
    Function,
    /// A builtin class that is not a type ferrule models as such (`enumerate`, `map`…).
    Class,
    /// A builtin type with a type object (`str`, `int`…, `object`, `type`).
    Type,
    /// Refused by the compiler (F007), with the reason.
    Refused(&'static str),
}

/// One name of CPython 3.11's `builtins` module.
pub struct BuiltinDef {
    pub name: &'static str,
    /// The Rust function in this module that implements it (generated code calls it).
    pub rust: &'static str,
    pub f: NativeFn,
    pub kind: BuiltinKind,
    /// Only computes (no side effects, no calls into Python code of its own): see
    /// `purity` and the compiler's order-free `any`/`all`.
    pub pure: bool,
}

macro_rules! def {
    (Refused($why:expr), $name:literal, $f:ident) => {
        BuiltinDef {
            name: $name,
            rust: stringify!($f),
            f: $f,
            kind: BuiltinKind::Refused($why),
            pure: false,
        }
    };
    ($kind:ident, $name:literal, $f:ident, $pure:expr) => {
        BuiltinDef {
            name: $name,
            rust: stringify!($f),
            f: $f,
            kind: BuiltinKind::$kind,
            pure: $pure,
        }
    };
}

const IO: &str = "it does I/O";
const CODE: &str = "it runs code given as data";

/// Every callable name of CPython 3.11's `builtins` module (exception classes are in
/// [`BUILTIN_EXCEPTIONS`]): the single table that the compiler and generated code use.
pub static BUILTINS: &[BuiltinDef] = &[
    def!(Function, "abs", abs, true),
    def!(
        Refused("async iteration (`async` is not supported)"),
        "aiter",
        aiter
    ),
    def!(Function, "all", all, true),
    def!(
        Refused("async iteration (`async` is not supported)"),
        "anext",
        anext
    ),
    def!(Function, "any", any, true),
    def!(Function, "ascii", ascii, true),
    def!(Function, "bin", bin, true),
    def!(Type, "bool", bool, true),
    def!(Refused("it starts the debugger"), "breakpoint", breakpoint),
    def!(Class, "bytearray", bytearray, false),
    def!(Type, "bytes", bytes_, true),
    def!(Function, "callable", callable, true),
    def!(Function, "chr", chr, true),
    def!(Class, "classmethod", classmethod, false),
    def!(Refused(CODE), "compile", compile),
    def!(Class, "complex", complex, false),
    def!(Refused(IO), "copyright", copyright),
    def!(Refused(IO), "credits", credits),
    def!(Function, "delattr", delattr, false),
    def!(Type, "dict", dict, true),
    def!(Function, "dir", dir, false),
    def!(Function, "divmod", divmod, true),
    def!(Class, "enumerate", enumerate, true),
    def!(Refused(CODE), "eval", eval),
    def!(Refused(CODE), "exec", exec),
    def!(Refused("it stops the interpreter"), "exit", exit),
    def!(Class, "filter", filter, true),
    def!(Type, "float", float, true),
    def!(Function, "format", format, false),
    def!(Type, "frozenset", frozenset, true),
    def!(Function, "getattr", getattr, true),
    def!(Function, "globals", globals, false),
    def!(Function, "hasattr", hasattr, true),
    def!(Function, "hash", hash, true),
    def!(Refused(IO), "help", help),
    def!(Function, "hex", hex, true),
    def!(Function, "id", id, false),
    def!(Refused(IO), "input", input),
    def!(Type, "int", int, true),
    def!(Function, "isinstance", isinstance, true),
    def!(Function, "issubclass", issubclass, true),
    def!(Function, "iter", iter, false),
    def!(Function, "len", len, true),
    def!(Refused(IO), "license", license),
    def!(Type, "list", list, true),
    def!(Function, "locals", locals, false),
    def!(Class, "map", map, true),
    def!(Function, "max", max, true),
    def!(Class, "memoryview", memoryview, false),
    def!(Function, "min", min, true),
    def!(Function, "next", next, false),
    def!(Type, "object", object_, true),
    def!(Function, "oct", oct, true),
    def!(Refused(IO), "open", open),
    def!(Function, "ord", ord, true),
    def!(Function, "pow", pow, true),
    def!(Function, "print", print, false),
    def!(Class, "property", property, false),
    def!(Refused("it stops the interpreter"), "quit", quit),
    def!(Type, "range", range, true),
    def!(Function, "repr", repr, true),
    def!(Class, "reversed", reversed, true),
    def!(Function, "round", round, true),
    def!(Type, "set", set, true),
    def!(Function, "setattr", setattr, false),
    def!(Class, "slice", slice, true),
    def!(Function, "sorted", sorted, true),
    def!(Class, "staticmethod", staticmethod, false),
    def!(Type, "str", str_, true),
    def!(Function, "sum", sum, true),
    def!(Class, "super", super_, false),
    def!(Type, "tuple", tuple, true),
    def!(Type, "type", type_, true),
    def!(Function, "vars", vars, false),
    def!(Class, "zip", zip, true),
    def!(Refused(CODE), "__import__", __import__),
];

/// The exception classes of the `builtins` module that ferrule models.
pub const BUILTIN_EXCEPTIONS: &[ExcKind] = &[
    ExcKind::BaseException,
    ExcKind::Exception,
    ExcKind::ArithmeticError,
    ExcKind::ZeroDivisionError,
    ExcKind::OverflowError,
    ExcKind::LookupError,
    ExcKind::KeyError,
    ExcKind::IndexError,
    ExcKind::ValueError,
    ExcKind::UnicodeError,
    ExcKind::UnicodeDecodeError,
    ExcKind::UnicodeEncodeError,
    ExcKind::TypeError,
    ExcKind::AttributeError,
    ExcKind::NameError,
    ExcKind::UnboundLocalError,
    ExcKind::RuntimeError,
    ExcKind::NotImplementedError,
    ExcKind::RecursionError,
    ExcKind::StopIteration,
    ExcKind::GeneratorExit,
    ExcKind::AssertionError,
    ExcKind::OSError,
];

/// The builtin exception class named `name`.
pub fn builtin_exception(name: &str) -> Option<ExcKind> {
    BUILTIN_EXCEPTIONS
        .iter()
        .copied()
        .find(|k| k.name() == name)
}

/// The builtin constants other than `None`/`True`/`False` (keywords) that `lookup` gives.
pub const BUILTIN_CONSTANTS: &[&str] = &["__debug__", "NotImplemented"];

/// The table entry of builtin `name`.
pub fn def(name: &str) -> Option<&'static BuiltinDef> {
    // Generated code looks builtins up by name whenever it reads one as a value
    // (`isinstance(x, str)`), so the table is indexed once instead of scanned per read; the
    // first entry of a name wins, as the scan's did.
    static INDEX: std::sync::OnceLock<crate::value::NameMap<&'static str, &'static BuiltinDef>> =
        std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| {
            let mut m = crate::value::NameMap::with_capacity_and_hasher(
                BUILTINS.len(),
                crate::value::NameHashBuild,
            );
            for d in BUILTINS {
                m.entry(d.name).or_insert(d);
            }
            m
        })
        .get(name)
        .copied()
}

/// The builtin named `name` as a value: a function or a type object. Type objects are
/// created once per thread, so `type_object("str") is type_object("str")` holds.
pub fn lookup(name: &str) -> Option<Value> {
    if name == "__debug__" {
        return Some(Value::Bool(true));
    }
    if name == "NotImplemented" {
        return Some(crate::class::not_implemented());
    }
    let d = def(name)?;
    match d.kind {
        BuiltinKind::Type => TYPES.with(|t| {
            if let Some((_, v)) = t.borrow().iter().find(|(n, _)| *n == d.name) {
                return Some(v.clone());
            }
            let v = type_object(d.name)?;
            t.borrow_mut().push((d.name, v.clone()));
            Some(v)
        }),
        // Builtin classes print as `<class 'zip'>`, which ferrule does not model for
        // them: a plain function value refuses to print.
        // Built once per name, as the builtins module holds one object each (`len is len`).
        BuiltinKind::Class | BuiltinKind::Function => FUNCS.with(|t| {
            if let Some((_, v)) = t.borrow().iter().find(|(n, _)| *n == d.name) {
                return Some(v.clone());
            }
            let v = if d.kind == BuiltinKind::Function {
                Value::Func(Rc::new(crate::value::Function {
                    name: d.name.into(),
                    pure: d.pure,
                    builtin: true,
                    call: crate::value::FnBody::Native(d.f),
                }))
            } else if d.pure {
                Value::func(d.name, d.f)
            } else {
                Value::impure_func(d.name, d.f)
            };
            t.borrow_mut().push((d.name, v.clone()));
            Some(v)
        }),
        // Named, a refused builtin prints as CPython prints it; called, it refuses.
        BuiltinKind::Refused(_) => Some(Value::Func(Rc::new(crate::value::Function {
            name: d.name.into(),
            pure: false,
            builtin: true,
            call: crate::value::FnBody::Native(d.f),
        }))),
    }
}

#[cfg(test)]
mod tests {
    use super::{exact_fraction_digits, round_exact, round_exact_u128};

    /// `round_exact` by its decimal digits alone, as it was before the integer fast path.
    fn round_by_digits(a: f64, ndigits: i64) -> f64 {
        let full = format!("{a:.1100}");
        let (int_part, frac) = full.split_once('.').unwrap_or((&full, ""));
        let digits: Vec<u8> = int_part
            .bytes()
            .chain(frac.bytes())
            .map(|b| b - b'0')
            .collect();
        let point = int_part.len() as i64;
        let keep = (point + ndigits) as usize;
        if keep >= digits.len() {
            return a;
        }
        let mut kept: Vec<u8> = digits[..keep].to_vec();
        let rest = &digits[keep..];
        let first = rest[0];
        let beyond = rest[1..].iter().any(|d| *d != 0);
        let last_odd = kept.last().is_some_and(|d| d % 2 == 1);
        if first > 5 || (first == 5 && (beyond || last_odd)) {
            let mut i = kept.len();
            loop {
                if i == 0 {
                    kept.insert(0, 1);
                    break;
                }
                i -= 1;
                if kept[i] == 9 {
                    kept[i] = 0;
                } else {
                    kept[i] += 1;
                    break;
                }
            }
        }
        let s: String = kept.iter().map(|d| (b'0' + d) as char).collect();
        format!("{s}e{}", -((keep as i64) - point)).parse().unwrap()
    }

    /// The integer fast path rounds exactly as the digit expansion does, ties included.
    #[test]
    fn round_exact_u128_agrees_with_the_digits() {
        let mut values = vec![
            0.5,
            0.125,
            2.5,
            0.285,
            1.005,
            2.675,
            0.045,
            1e-300,
            5e-324,
            1e22,
            0.1,
            0.15,
            0.25,
            0.35,
            123.456,
            9.995,
            0.9999999999,
            1.0 / 3.0,
            4503599627370495.5,
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Magnitudes around 1e-12..1e12, where detections round.
            let f = f64::from_bits((x & 0x000f_ffff_ffff_ffff) | ((990 + (x >> 56) % 80) << 52));
            values.push(f);
        }
        let mut fast = 0;
        for a in values {
            for n in 0..=22 {
                let expected = round_by_digits(a, n);
                let got: f64 = round_exact(a, n).parse().unwrap();
                assert_eq!(got.to_bits(), expected.to_bits(), "round({a:e}, {n})");
                fast += usize::from(round_exact_u128(a, n).is_some());
            }
        }
        assert!(fast > 10_000);
    }

    /// The shortened expansion `round_exact` uses is the full one (1,100 fraction digits)
    /// without its trailing zeros, for ties, subnormals, huge values and pseudo-random bits.
    #[test]
    fn exact_fraction_digits_prints_the_whole_expansion() {
        let trim = |s: String| -> String {
            if s.contains('.') {
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                s
            }
        };
        let mut values = vec![
            0.5,
            0.125,
            2.5,
            0.285,
            1.005,
            1e-300,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            1e22,
            123456789.0,
            0.1,
            1.0 / 3.0,
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let f = f64::from_bits(x & !(1u64 << 63));
            if f.is_finite() && f != 0.0 {
                values.push(f);
            }
        }
        for a in values {
            let prec = exact_fraction_digits(a);
            assert_eq!(
                trim(format!("{a:.prec$}")),
                trim(format!("{a:.1100}")),
                "{a:e}"
            );
        }
    }
}
