//! `PantherEvent` and panther_core's immutable containers (`ImmutableCaseInsensitiveDict`,
//! `ImmutableList`).
//!
//! The wrappers share the raw containers of the event (an `Rc`): nothing is copied on
//! access. panther_core shallow-copies a container when it wraps it; sharing is equivalent
//! because nothing can mutate a container through its immutable wrapper, and the only ways
//! to reach a mutable container (`copy()`, `to_dict()`, `deep_walk`) copy it first, exactly
//! as panther_core does. `raw_view()` returns the shared container, as panther_core does.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use indexmap::IndexSet;

use crate::datamodel::DataModel;
use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::{Dict, Key, Kwargs, PyObject, TypeObject, Value};

// ---------------------------------------------------------------------------------------
// Argument binding with CPython's messages for functions defined in Python.
// ---------------------------------------------------------------------------------------

/// Binds `args`/`kwargs` to the parameters of a Python-defined function named `qual`
/// (`Mapping.get`), raising the TypeError CPython raises on a mismatch. `params` excludes
/// `self`; the first `required` are mandatory. `has_self` adds one to the counts in the
/// messages, as CPython counts the bound instance.
pub fn bind_args(
    qual: &str,
    params: &[&str],
    required: usize,
    has_self: bool,
    args: &[Value],
    kwargs: Kwargs,
) -> PyResult<Vec<Option<Value>>> {
    let extra = usize::from(has_self);
    if args.len() > params.len() {
        let given = args.len() + extra;
        let was = if given == 1 { "was" } else { "were" };
        let msg = if required == params.len() {
            let n = params.len() + extra;
            let plural = if n == 1 { "" } else { "s" };
            format!("{qual}() takes {n} positional argument{plural} but {given} {was} given")
        } else {
            format!(
                "{qual}() takes from {} to {} positional arguments but {given} {was} given",
                required + extra,
                params.len() + extra
            )
        };
        return Err(PyErr::type_error(msg));
    }
    let mut out: Vec<Option<Value>> = vec![None; params.len()];
    for (i, a) in args.iter().enumerate() {
        out[i] = Some(a.clone());
    }
    for (name, v) in kwargs {
        match params.iter().position(|p| p == name) {
            Some(i) if out[i].is_some() => {
                return Err(PyErr::type_error(format!(
                    "{qual}() got multiple values for argument '{name}'"
                )))
            }
            Some(i) => out[i] = Some(v.clone()),
            None => {
                return Err(PyErr::type_error(format!(
                    "{qual}() got an unexpected keyword argument '{name}'"
                )))
            }
        }
    }
    let missing: Vec<String> = (0..required)
        .filter(|&i| out[i].is_none())
        .map(|i| format!("'{}'", params[i]))
        .collect();
    if !missing.is_empty() {
        let list = match missing.len() {
            1 => missing[0].clone(),
            2 => format!("{} and {}", missing[0], missing[1]),
            n => format!("{}, and {}", missing[..n - 1].join(", "), missing[n - 1]),
        };
        let plural = if missing.len() == 1 { "" } else { "s" };
        return Err(PyErr::type_error(format!(
            "{qual}() missing {} required positional argument{plural}: {list}",
            missing.len()
        )));
    }
    Ok(out)
}

/// Keyword-only arguments of a `*args` function: each name with its value, or an
/// "unexpected keyword argument" TypeError.
fn bind_kwonly(qual: &str, names: &[&str], kwargs: Kwargs) -> PyResult<Vec<Option<Value>>> {
    let mut out = vec![None; names.len()];
    for (name, v) in kwargs {
        match names.iter().position(|p| p == name) {
            Some(i) => out[i] = Some(v.clone()),
            None => {
                return Err(PyErr::type_error(format!(
                    "{qual}() got an unexpected keyword argument '{name}'"
                )))
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// JSON text -> Value (json.loads semantics for the values tests and mocks carry).
// ---------------------------------------------------------------------------------------

/// Parses JSON text into a Python value as `json.loads` does: objects become dicts in
/// document order (a repeated key keeps its first position and its last value), integers
/// become `int`, numbers with a fraction or exponent become `float` (correctly rounded),
/// and `NaN`/`Infinity`/`-Infinity` are accepted. Integers beyond i64 raise
/// NotImplementedError (ferrule has no big ints); malformed text raises ValueError.
pub fn value_from_json(text: &str) -> PyResult<Value> {
    let mut p = JsonParser {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("Extra data"));
    }
    Ok(v)
}

/// Converts a `serde_json::Value` (parsed with `preserve_order`) into a Python value.
pub fn value_from_serde(v: &serde_json::Value) -> PyResult<Value> {
    Ok(match v {
        serde_json::Value::Null => Value::None,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if n.is_u64() {
                return Err(crate::ops::unsupported("integers beyond 64 bits"));
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => Value::str(s.as_str()),
        serde_json::Value::Array(a) => Value::list(
            a.iter()
                .map(value_from_serde)
                .collect::<PyResult<Vec<_>>>()?,
        ),
        serde_json::Value::Object(o) => {
            let mut d = Dict::default();
            for (k, v) in o {
                d.insert(Key::from_str(k), value_from_serde(v)?);
            }
            Value::dict(d)
        }
    })
}

struct JsonParser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl JsonParser<'_> {
    fn err(&self, what: &str) -> PyErr {
        PyErr::new(ExcKind::ValueError, format!("{what}: char {}", self.i))
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> PyResult<Value> {
        if depth > 900 {
            return Err(PyErr::new(
                ExcKind::RecursionError,
                "maximum recursion depth exceeded while decoding a JSON document",
            ));
        }
        let Some(&c) = self.s.get(self.i) else {
            return Err(self.err("Expecting value"));
        };
        match c {
            b'{' => {
                self.i += 1;
                let mut d = Dict::default();
                self.ws();
                if self.eat("}") {
                    return Ok(Value::dict(d));
                }
                loop {
                    self.ws();
                    if self.s.get(self.i) != Some(&b'"') {
                        return Err(self.err("Expecting property name enclosed in double quotes"));
                    }
                    let k = self.string()?;
                    self.ws();
                    if !self.eat(":") {
                        return Err(self.err("Expecting ':' delimiter"));
                    }
                    self.ws();
                    let v = self.value(depth + 1)?;
                    d.insert(Key::from_str(&k), v);
                    self.ws();
                    if self.eat(",") {
                        continue;
                    }
                    if self.eat("}") {
                        return Ok(Value::dict(d));
                    }
                    return Err(self.err("Expecting ',' delimiter"));
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("]") {
                    return Ok(Value::list(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat(",") {
                        continue;
                    }
                    if self.eat("]") {
                        return Ok(Value::list(items));
                    }
                    return Err(self.err("Expecting ',' delimiter"));
                }
            }
            b'"' => Ok(Value::str(self.string()?)),
            b'n' if self.eat("null") => Ok(Value::None),
            b't' if self.eat("true") => Ok(Value::Bool(true)),
            b'f' if self.eat("false") => Ok(Value::Bool(false)),
            b'N' if self.eat("NaN") => Ok(Value::Float(f64::NAN)),
            b'I' if self.eat("Infinity") => Ok(Value::Float(f64::INFINITY)),
            b'-' if self.eat("-Infinity") => Ok(Value::Float(f64::NEG_INFINITY)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.err("Expecting value")),
        }
    }

    fn number(&mut self) -> PyResult<Value> {
        let start = self.i;
        if self.s[self.i] == b'-' {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let st = p.i;
            while p.i < p.s.len() && p.s[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i - st
        };
        if self.s.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else if digits(self) == 0 {
            return Err(self.err("Expecting value"));
        }
        let mut is_float = false;
        if self.s.get(self.i) == Some(&b'.')
            && self.s.get(self.i + 1).is_some_and(u8::is_ascii_digit)
        {
            self.i += 1;
            digits(self);
            is_float = true;
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            let save = self.i;
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                self.i = save;
            } else {
                is_float = true;
            }
        }
        let lit = &self.text[start..self.i];
        if is_float {
            lit.parse::<f64>()
                .map(Value::Float)
                .map_err(|_| self.err("Expecting value"))
        } else {
            lit.parse::<i64>()
                .map(Value::Int)
                .map_err(|_| crate::ops::unsupported("integers beyond 64 bits"))
        }
    }

    fn hex4(&mut self) -> PyResult<u32> {
        let h = self
            .text
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("Invalid \\uXXXX escape"))?;
        let n = u32::from_str_radix(h, 16).map_err(|_| self.err("Invalid \\uXXXX escape"))?;
        self.i += 4;
        Ok(n)
    }

    fn string(&mut self) -> PyResult<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.i < self.s.len()
                && !matches!(self.s[self.i], b'"' | b'\\')
                && self.s[self.i] >= 0x20
            {
                self.i += 1;
            }
            out.push_str(&self.text[start..self.i]);
            match self.s.get(self.i) {
                None => return Err(self.err("Unterminated string starting at")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(&e) = self.s.get(self.i) else {
                        return Err(self.err("Unterminated string starting at"));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xd800..0xdc00).contains(&hi)
                                && self.s[self.i..].starts_with(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                } else {
                                    self.i = save;
                                    hi
                                }
                            } else {
                                hi
                            };
                            match char::from_u32(cp) {
                                Some(c) => out.push(c),
                                // Python keeps a lone surrogate in the str; Rust strings
                                // cannot hold one.
                                None => {
                                    return Err(crate::ops::unsupported(
                                        "lone surrogates in JSON strings",
                                    ))
                                }
                            }
                        }
                        _ => return Err(self.err("Invalid \\escape")),
                    }
                }
                Some(_) => return Err(self.err("Invalid control character at")),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Helpers over raw values.
// ---------------------------------------------------------------------------------------

/// Wraps a raw value as panther_core's `_ensure_immutable` does: exactly `dict` and `list`
/// become immutable containers; everything else is returned as is.
pub fn ensure_immutable(v: Value) -> Value {
    match v {
        Value::Dict(d) => Value::object(ImmutableCaseInsensitiveDict::new(d, None)),
        Value::List(l) => Value::object(ImmutableList { container: l }),
        other => other,
    }
}

/// `copy.deepcopy` of the raw values an event holds.
pub fn deep_copy(v: &Value) -> Value {
    match v {
        Value::List(l) => Value::list(l.borrow().iter().map(deep_copy).collect()),
        Value::Tuple(t) => Value::tuple(t.iter().map(deep_copy).collect()),
        Value::Dict(d) => Value::dict(
            d.borrow()
                .iter()
                .map(|(k, v)| (k.clone(), deep_copy(v)))
                .collect(),
        ),
        // `copy.deepcopy(s)` reduces to `set(list(s))`: re-added in iteration order.
        Value::Set(s) => {
            let s = s.borrow();
            let mut r: crate::value::Set = s.iter().cloned().collect();
            if !s.order_known() {
                r.mark_order_unknown();
            }
            Value::set(r)
        }
        other => other.clone(),
    }
}

/// `isinstance(v, collections.abc.Mapping)`.
pub fn is_mapping(v: &Value) -> bool {
    match v {
        Value::Dict(_) => true,
        Value::Object(o) => o.is_mapping(),
        _ => false,
    }
}

/// `isinstance(v, collections.abc.Sequence)`.
fn is_sequence(v: &Value) -> bool {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) => true,
        Value::Object(o) => o.is_sequence(),
        _ => false,
    }
}

/// How `item.lower()` is compared with each key's `.lower()` without allocating when the
/// item is ASCII (the common case).
enum Lowered<'a> {
    /// An ASCII item: its lower-case form is its ASCII lower-case form.
    Ascii(&'a str),
    /// `item.lower()` of a non-ASCII item.
    Owned(String),
}

impl Lowered<'_> {
    /// Whether `key.lower()` equals the item's lower-case form (Python's `str.lower`, so
    /// that e.g. the Kelvin sign matches `k` exactly as in CPython).
    fn matches(&self, key: &str) -> bool {
        match (self, key.is_ascii()) {
            (Lowered::Ascii(item), true) => key.eq_ignore_ascii_case(item),
            // `l` is already lower-case; ASCII-lowering it again changes nothing.
            (Lowered::Owned(l), true) => l.eq_ignore_ascii_case(key),
            (Lowered::Ascii(item), false) => crate::unicode::lower(key).eq_ignore_ascii_case(item),
            (Lowered::Owned(l), false) => crate::unicode::lower(key) == *l,
        }
    }
}

/// `ImmutableCaseInsensitiveDict.__getitem__`'s key resolution over the raw dict `c`: the
/// index of the entry `item` names, or None (a KeyError).
///
/// The exact key is tried first and, on a hit, nothing is allocated. On a miss,
/// panther_core lower-cases `item` and consults a key map it builds incrementally from an
/// iterator over the keys, stopping at the first key with the same lower-case form. The
/// map's contents are fully determined by how many keys that iterator has consumed
/// (`scanned`), so instead of storing lower-cased copies this scans the consumed keys for
/// the first match and then advances the iterator the same way. A non-str key raises the
/// AttributeError `.lower()` raises, after the iterator has moved past it, as in Python.
fn ci_lookup(c: &Dict, item: &Value, scanned: &Cell<usize>) -> PyResult<Option<usize>> {
    // Building the Key only bumps a reference count; unhashable items raise TypeError.
    let found = c.get_index_of(&Key::new(item.clone())?);
    if found.is_some() || c.is_empty() {
        return Ok(found);
    }
    let Value::Str(s) = item else {
        return Err(PyErr::attribute_error(format!(
            "'{}' object has no attribute 'lower'",
            item.type_name()
        )));
    };
    let lowered = if s.is_ascii() {
        Lowered::Ascii(s)
    } else {
        Lowered::Owned(crate::unicode::lower(s))
    };
    let key_str = |i: usize| -> Option<&str> {
        match c.get_index(i).map(|(k, _)| k.value()) {
            Some(Value::Str(k)) => Some(k),
            _ => None,
        }
    };
    // The keys already in the map: the first one with this lower-case form wins.
    let done = scanned.get().min(c.len());
    for i in 0..done {
        if key_str(i).is_some_and(|k| lowered.matches(k)) {
            return Ok(Some(i));
        }
    }
    // Continue building the map from where the iterator stopped.
    for i in done..c.len() {
        scanned.set(i + 1);
        let Some(k) = key_str(i) else {
            let key = c
                .get_index(i)
                .map(|(k, _)| k.value().clone())
                .unwrap_or_default();
            return Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute 'lower'",
                key.type_name()
            )));
        };
        if lowered.matches(k) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// `mapping.get(key, default)` for any Mapping value.
fn mapping_get(m: &Value, key: &Value, default: &Value) -> PyResult<Value> {
    match m {
        Value::Dict(d) => {
            let k = Key::new(key.clone())?;
            Ok(d.borrow()
                .get(&k)
                .cloned()
                .unwrap_or_else(|| default.clone()))
        }
        Value::Object(o) => {
            if let Some(ci) = o.as_any().downcast_ref::<ImmutableCaseInsensitiveDict>() {
                return ci.get(key, default);
            }
            o.call_method(m, "get", &[key.clone(), default.clone()], &[])
        }
        _ => Err(crate::ops::unsupported("get on this mapping")),
    }
}

/// The items of a sequence, for `deep_walk` and `_empty_list`.
fn sequence_items(v: &Value) -> PyResult<Vec<Value>> {
    Ok(match v {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        Value::Bytes(b) => b.iter().map(|&c| Value::Int(i64::from(c))).collect(),
        Value::Object(o) => match o.iter() {
            Some(r) => r?,
            None => return Err(crate::ops::unsupported("iteration of this sequence")),
        },
        _ => Vec::new(),
    })
}

/// `PantherEvent(x)._container`: panther_core shallow-copies anything with a `copy` method.
fn shallow_copy(v: &Value) -> Value {
    match v {
        Value::List(l) => Value::list(l.borrow().clone()),
        Value::Dict(d) => Value::dict(d.borrow().clone()),
        Value::Set(s) => Value::set(s.borrow().copy()),
        Value::Object(o) => {
            if let Some(ci) = o.as_any().downcast_ref::<ImmutableCaseInsensitiveDict>() {
                // `ImmutableCaseInsensitiveDict.copy()` is a deep copy to a dict.
                return deep_copy(&Value::Dict(ci.container.clone()));
            }
            v.clone()
        }
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// ImmutableCaseInsensitiveDict / PantherEvent
// ---------------------------------------------------------------------------------------

/// `ImmutableCaseInsensitiveDict`, and `PantherEvent` when `event` is set (a subclass in
/// panther_core: it is also an `ImmutableCaseInsensitiveDict` for `isinstance`).
pub struct ImmutableCaseInsensitiveDict {
    container: Rc<RefCell<Dict>>,
    /// How many keys, in order, panther_core's incremental case-insensitive key map has
    /// consumed (`_keymap_key_iterator`); see [`ci_lookup`].
    scanned: Cell<usize>,
    event: Option<EventData>,
}

struct EventData {
    data_model: Option<Rc<DataModel>>,
}

/// Builds the `PantherEvent` a rule receives: `raw` must be a dict (panther_core would fail
/// later on anything else; the runner reports that case itself).
pub fn panther_event(raw: Value, data_model: Option<Rc<DataModel>>) -> Value {
    let container = match raw {
        Value::Dict(d) => d,
        _ => Rc::new(RefCell::new(Dict::default())),
    };
    Value::object(ImmutableCaseInsensitiveDict::new(
        container,
        Some(EventData { data_model }),
    ))
}

impl ImmutableCaseInsensitiveDict {
    fn new(container: Rc<RefCell<Dict>>, event: Option<EventData>) -> Self {
        ImmutableCaseInsensitiveDict {
            container,
            scanned: Cell::new(0),
            event,
        }
    }

    /// The wrapped dict (panther_core's `raw_view()`), shared, not copied.
    pub fn raw(&self) -> Rc<RefCell<Dict>> {
        self.container.clone()
    }

    /// Whether this is a `PantherEvent`.
    pub fn is_event(&self) -> bool {
        self.event.is_some()
    }

    /// The data model of a `PantherEvent`.
    pub fn data_model(&self) -> Option<Rc<DataModel>> {
        self.event.as_ref().and_then(|e| e.data_model.clone())
    }

    /// The index in the container of the entry `item` resolves to, or None.
    fn resolve(&self, item: &Value) -> PyResult<Option<usize>> {
        ci_lookup(&self.container.borrow(), item, &self.scanned)
    }

    /// The raw value `self[item]` reads (before `_ensure_immutable`), or None on a miss.
    fn lookup_raw(&self, item: &Value) -> PyResult<Option<Value>> {
        let c = self.container.borrow();
        Ok(
            ci_lookup(&c, item, &self.scanned)?
                .and_then(|i| c.get_index(i).map(|(_, v)| v.clone())),
        )
    }

    /// `self[item]`.
    pub fn getitem(&self, item: &Value) -> PyResult<Value> {
        match self.lookup_raw(item)? {
            Some(v) => Ok(ensure_immutable(v)),
            None => Err(PyErr::key_error(item.clone())),
        }
    }

    /// `Mapping.get(key, default)`.
    pub fn get(&self, key: &Value, default: &Value) -> PyResult<Value> {
        Ok(match self.lookup_raw(key)? {
            Some(v) => ensure_immutable(v),
            None => default.clone(),
        })
    }

    /// `deep_get(*keys, default=None)`.
    pub fn deep_get(this: &Value, keys: &[Value], default: &Value) -> PyResult<Value> {
        /// Where the walk is. A nested dict read from an immutable dict is kept raw: the
        /// wrapper panther_core would build for it has an empty key map, so looking keys up
        /// in the raw dict with a fresh scan state is the same, without allocating it.
        enum At {
            Raw(Rc<RefCell<Dict>>),
            Val(Value),
        }
        fn step(hit: Option<Value>, default: &Value) -> At {
            match hit {
                Some(Value::Dict(d)) => At::Raw(d),
                Some(v) => At::Val(ensure_immutable(v)),
                None => At::Val(default.clone()),
            }
        }
        let mut at = At::Val(this.clone());
        for key in keys {
            at = match at {
                At::Raw(d) => {
                    let c = d.borrow();
                    let hit = ci_lookup(&c, key, &Cell::new(0))?
                        .and_then(|i| c.get_index(i).map(|(_, v)| v.clone()));
                    step(hit, default)
                }
                At::Val(v) => match v.downcast::<ImmutableCaseInsensitiveDict>() {
                    Some(ci) => step(ci.lookup_raw(key)?, default),
                    None if is_mapping(&v) => At::Val(mapping_get(&v, key, default)?),
                    None => At::Val(default.clone()),
                },
            };
        }
        let d = match at {
            At::Raw(d) => ensure_immutable(Value::Dict(d)),
            At::Val(v) => v,
        };
        Ok(if d.is_none() { default.clone() } else { d })
    }

    fn keys(&self) -> Vec<Value> {
        self.container
            .borrow()
            .keys()
            .map(|k| k.value().clone())
            .collect()
    }

    fn items(&self) -> Vec<(Value, Value)> {
        self.container
            .borrow()
            .iter()
            .map(|(k, v)| (k.value().clone(), ensure_immutable(v.clone())))
            .collect()
    }

    fn items_keyed(&self) -> Vec<(Key, Value)> {
        self.container
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), ensure_immutable(v.clone())))
            .collect()
    }

    fn class_name(&self) -> &'static str {
        if self.event.is_some() {
            "PantherEvent"
        } else {
            "ImmutableCaseInsensitiveDict"
        }
    }

    fn udm(&self, this: &Value, keys: &[Value], default: &Value) -> PyResult<Value> {
        let model = self.data_model();
        if let (1, Some(model)) = (keys.len(), &model) {
            let name = &keys[0];
            if let Some(found) = model.find_path(name, &self.container)? {
                return Ok(ensure_immutable(found.value));
            }
            if let Some(method) = model.method(name)? {
                let arg = ensure_immutable(Value::Dict(self.container.clone()));
                return Ok(ensure_immutable(method(&[arg], &[])?));
            }
            if model.has_mapping(name)? {
                return Ok(default.clone());
            }
        }
        if !keys.is_empty() {
            let mut pieces = vec![Value::str("p_udm")];
            pieces.extend(keys.iter().cloned());
            let mut result = Self::deep_get(this, &pieces, &Value::None)?;
            if !crate::ops::truthy(&result)? {
                result = Self::deep_get(this, keys, &Value::None)?;
            }
            if crate::ops::truthy(&result)? {
                return Ok(result);
            }
        }
        Ok(default.clone())
    }

    fn udm_path(&self, key: &Value) -> PyResult<Value> {
        let Some(model) = self.data_model() else {
            let lt = self
                .container
                .borrow()
                .get(&Key::from_str("p_log_type"))
                .cloned()
                .unwrap_or_default();
            return Err(panther_error(
                &format!(
                    "a data model hasn't been specified for log type: {}",
                    crate::fmt::str(&lt)
                ),
                vec![
                    Value::str("a data model hasn't been specified for log type"),
                    lt,
                ],
            ));
        };
        if let Some(found) = model.find_path(key, &self.container)? {
            return match found.full_path {
                Some(p) => Ok(Value::str(p)),
                None => Err(crate::ops::unsupported(
                    "udm_path of a data-model path with wildcards or filters",
                )),
            };
        }
        if let Some(name) = model.method_name(key)? {
            return Ok(name);
        }
        Ok(Value::None)
    }

    fn event_time_epoch(&self, this: &Value) -> PyResult<Value> {
        let t = self.get(&Value::str("p_event_time"), &Value::None)?;
        if !crate::ops::truthy(&t)? {
            // `dateutil.parser.parse(" UTC")` raises ParserError, which yields 0.
            return Ok(Value::Int(0));
        }
        let _ = this;
        match t {
            Value::Str(text) => crate::stdlib::dateutil_parser::event_time_epoch(&text),
            other => Err(PyErr::type_error(format!(
                "unsupported operand type(s) for +=: '{}' and 'str'",
                other.type_name()
            ))),
        }
    }
}

/// `PantherEvent.deep_walk` on a raw value (the `_container` of the PantherEvent that
/// panther_core builds at each step).
fn deep_walk(obj: &Value, keys: &[Value], default: &Value, return_val: &Value) -> PyResult<Value> {
    fn empty_list(v: &Value) -> PyResult<bool> {
        if is_sequence(v) && !matches!(v, Value::Str(_)) {
            for x in sequence_items(v)? {
                if !empty_list(&x)? {
                    return Ok(false);
                }
            }
            Ok(true)
        } else {
            Ok(false)
        }
    }
    let Some(current) = keys.first() else {
        return Ok(if empty_list(obj)? || obj.is_none() {
            default.clone()
        } else {
            obj.clone()
        });
    };
    if is_mapping(obj) {
        let next = shallow_copy(&mapping_get(obj, current, default)?);
        return deep_walk(&next, &keys[1..], default, return_val);
    }
    let mut found: IndexSet<Key> = IndexSet::new();
    if is_sequence(obj) && !matches!(obj, Value::Str(_)) {
        for item in sequence_items(obj)? {
            let value = deep_walk(&shallow_copy(&item), keys, default, return_val)?;
            if value.is_none() {
                continue;
            }
            if is_sequence(&value) && !matches!(value, Value::Str(_)) {
                for sub in sequence_items(&value)? {
                    found.insert(Key::new(sub)?);
                }
            } else {
                found.insert(Key::new(value)?);
            }
        }
    }
    if found.is_empty() {
        return Ok(default.clone());
    }
    let list: Vec<Value> = found.into_iter().map(Key::into_value).collect();
    let first = list[0].clone();
    let last = list[list.len() - 1].clone();
    Ok(match return_val.as_str() {
        Some("first") => first,
        Some("last") => last,
        Some("all") => {
            if list.len() == 1 {
                first
            } else {
                Value::list(list)
            }
        }
        // `{...}.get(return_val, "all")`: any other key gives the string "all" (an
        // unhashable one raises).
        _ => {
            Key::new(return_val.clone())?;
            Value::str("all")
        }
    })
}

thread_local! {
    static PANTHER_ERROR: Rc<crate::err::ExcClass> = Rc::new(crate::err::ExcClass {
        name: "PantherError".into(),
        builtin_base: ExcKind::Exception,
        user_base: None,
        class: std::rc::Weak::new(),
    });
}

/// The class `panther_core.exceptions.PantherError`.
pub fn panther_error_class() -> Rc<crate::err::ExcClass> {
    PANTHER_ERROR.with(Rc::clone)
}

/// A `PantherError` with `args`, whose `str()` is `message` (PantherError joins its args).
pub fn panther_error(message: &str, args: Vec<Value>) -> PyErr {
    PyErr {
        ty: crate::err::ExcType::User(panther_error_class()),
        args,
        message: Some(message.to_string()),
        instance: None,
        refusal: false,
    }
}

const DICT_METHODS: &[&str] = &[
    "get", "keys", "values", "items", "copy", "to_dict", "raw_view", "deep_get",
];
const EVENT_METHODS: &[&str] = &["udm", "udm_path", "deep_walk", "event_time_epoch", "lookup"];

impl PyObject for ImmutableCaseInsensitiveDict {
    fn type_name(&self) -> &str {
        self.class_name()
    }

    fn repr(&self) -> String {
        format!(
            "{}({})",
            self.class_name(),
            crate::fmt::repr(&Value::Dict(self.container.clone()))
        )
    }

    fn getattr(&self, this: &Value, name: &str) -> PyResult<Value> {
        if self.event.is_some() {
            match name {
                "data_model" => {
                    return match self.data_model() {
                        None => Ok(Value::None),
                        Some(_) => Err(crate::ops::unsupported("the data_model attribute")),
                    }
                }
                "lookup_function" => return Ok(Value::None),
                _ => {}
            }
        }
        if self.has_method(name) {
            let this = this.clone();
            let name_owned = name.to_string();
            return Ok(Value::closure(name, move |args, kwargs| {
                crate::ops::call_method(&this, &name_owned, args, kwargs)
            }));
        }
        Err(PyErr::attribute_error(format!(
            "'{}' object has no attribute '{}'",
            self.class_name(),
            name
        )))
    }

    fn has_method(&self, name: &str) -> bool {
        DICT_METHODS.contains(&name) || (self.event.is_some() && EVENT_METHODS.contains(&name))
    }

    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        let cls = self.class_name();
        match name {
            // The usual call shapes skip argument binding, which allocates.
            "get" if kwargs.is_empty() && (1..=2).contains(&args.len()) => {
                self.get(&args[0], args.get(1).unwrap_or(&Value::None))
            }
            "deep_get" if kwargs.is_empty() => Self::deep_get(this, args, &Value::None),
            "get" => {
                let a = bind_args("Mapping.get", &["key", "default"], 1, true, args, kwargs)?;
                let key = a[0].clone().unwrap_or_default();
                self.get(&key, &a[1].clone().unwrap_or_default())
            }
            "keys" | "values" | "items" => {
                bind_args(&format!("Mapping.{name}"), &[], 0, true, args, kwargs)?;
                let kind = match name {
                    "keys" => ViewKind::Keys,
                    "values" => ViewKind::Values,
                    _ => ViewKind::Items,
                };
                Ok(Value::object(MappingView {
                    mapping: this.clone(),
                    kind,
                }))
            }
            "copy" | "to_dict" => {
                bind_args(
                    &format!("ImmutableCaseInsensitiveDict.{name}"),
                    &[],
                    0,
                    true,
                    args,
                    kwargs,
                )?;
                Ok(deep_copy(&Value::Dict(self.container.clone())))
            }
            "raw_view" => {
                bind_args(
                    "ImmutableCaseInsensitiveDict.raw_view",
                    &[],
                    0,
                    true,
                    args,
                    kwargs,
                )?;
                Ok(Value::Dict(self.container.clone()))
            }
            "deep_get" => {
                let kw = bind_kwonly(
                    "ImmutableCaseInsensitiveDict.deep_get",
                    &["default"],
                    kwargs,
                )?;
                Self::deep_get(this, args, &kw[0].clone().unwrap_or_default())
            }
            "udm" if self.event.is_some() => {
                let kw = bind_kwonly("PantherEvent.udm", &["default"], kwargs)?;
                self.udm(this, args, &kw[0].clone().unwrap_or_default())
            }
            "udm_path" if self.event.is_some() => {
                let a = bind_args("PantherEvent.udm_path", &["key"], 1, true, args, kwargs)?;
                self.udm_path(&a[0].clone().unwrap_or_default())
            }
            "deep_walk" if self.event.is_some() => {
                let kw = bind_kwonly("PantherEvent.deep_walk", &["default", "return_val"], kwargs)?;
                let default = kw[0].clone().unwrap_or_default();
                let rv = kw[1].clone().unwrap_or_else(|| Value::str("all"));
                deep_walk(&Value::Dict(self.container.clone()), args, &default, &rv)
            }
            "event_time_epoch" if self.event.is_some() => {
                let a = bind_args(
                    "PantherEvent.event_time_epoch",
                    &["force_utc"],
                    0,
                    true,
                    args,
                    kwargs,
                )?;
                if a[0]
                    .as_ref()
                    .is_some_and(|f| !matches!(f, Value::Bool(true)))
                {
                    return Err(crate::ops::unsupported("event_time_epoch(force_utc=...)"));
                }
                self.event_time_epoch(this)
            }
            "lookup" if self.event.is_some() => {
                let a = bind_args(
                    "PantherEvent.lookup",
                    &["lookup_name", "lookup_key"],
                    2,
                    true,
                    args,
                    kwargs,
                )?;
                let keys = [
                    Value::str("_mocked_lookup_data_"),
                    a[0].clone().unwrap_or_default(),
                    a[1].clone().unwrap_or_default(),
                ];
                Self::deep_get(this, &keys, &Value::None)
            }
            _ => Err(PyErr::attribute_error(format!(
                "'{cls}' object has no attribute '{name}'"
            ))),
        }
    }

    fn eq(&self, other: &Value) -> Option<bool> {
        // `Mapping.__eq__`: `dict(self.items()) == dict(other.items())` for any Mapping.
        if !is_mapping(other) {
            return None;
        }
        let mine: Dict = self.items_keyed().into_iter().collect();
        let theirs: Dict = match other {
            Value::Dict(d) => d.borrow().clone(),
            Value::Object(o) => match o.as_any().downcast_ref::<ImmutableCaseInsensitiveDict>() {
                Some(ci) => ci.items_keyed().into_iter().collect(),
                None => return None,
            },
            _ => return None,
        };
        Some(crate::ops::eq(&Value::dict(mine), &Value::dict(theirs)))
    }

    fn len(&self) -> Option<PyResult<usize>> {
        Some(Ok(self.container.borrow().len()))
    }

    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(Ok(self.keys()))
    }

    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        Some(ImmutableCaseInsensitiveDict::getitem(self, key))
    }

    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        // `Mapping.__contains__`: `self[key]` catching only KeyError.
        Some(self.resolve(item).map(|k| k.is_some()))
    }

    fn is_mapping(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------------------------------
// Mapping views
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum ViewKind {
    Keys,
    Values,
    Items,
}

/// `KeysView`, `ValuesView`, `ItemsView` of an immutable mapping (`collections.abc`).
pub struct MappingView {
    mapping: Value,
    kind: ViewKind,
}

impl MappingView {
    fn ci(&self) -> Option<&ImmutableCaseInsensitiveDict> {
        self.mapping.downcast::<ImmutableCaseInsensitiveDict>()
    }

    fn elements(&self) -> PyResult<Vec<Value>> {
        let Some(ci) = self.ci() else {
            return Err(crate::ops::unsupported("views of this mapping"));
        };
        Ok(match self.kind {
            ViewKind::Keys => ci.keys(),
            ViewKind::Values => ci.items().into_iter().map(|(_, v)| v).collect(),
            ViewKind::Items => ci
                .items()
                .into_iter()
                .map(|(k, v)| Value::tuple(vec![k, v]))
                .collect(),
        })
    }
}

impl PyObject for MappingView {
    fn type_name(&self) -> &str {
        match self.kind {
            ViewKind::Keys => "KeysView",
            ViewKind::Values => "ValuesView",
            ViewKind::Items => "ItemsView",
        }
    }

    fn repr(&self) -> String {
        format!("{}({})", self.type_name(), crate::fmt::repr(&self.mapping))
    }

    fn len(&self) -> Option<PyResult<usize>> {
        Some(
            self.ci()
                .map(|c| c.container.borrow().len())
                .ok_or_else(|| crate::ops::unsupported("views of this mapping")),
        )
    }

    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(self.elements())
    }

    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        let ci = self.ci()?;
        Some(match self.kind {
            ViewKind::Keys => ci.resolve(item).map(|k| k.is_some()),
            ViewKind::Values => self
                .elements()
                .map(|vals| vals.iter().any(|v| v.is(item) || crate::ops::eq(v, item))),
            ViewKind::Items => {
                let Value::Tuple(t) = item else {
                    return Some(Err(crate::ops::unsupported(
                        "`in` on ItemsView with a non-tuple",
                    )));
                };
                if t.len() != 2 {
                    return Some(Err(crate::ops::unsupported(
                        "`in` on ItemsView with a non-pair",
                    )));
                }
                match ci.resolve(&t[0]) {
                    Err(e) => Err(e),
                    Ok(None) => Ok(false),
                    Ok(Some(_)) => ci
                        .getitem(&t[0])
                        .map(|v| v.is(&t[1]) || crate::ops::eq(&v, &t[1])),
                }
            }
        })
    }

    fn eq(&self, other: &Value) -> Option<bool> {
        if self.kind == ViewKind::Values {
            return None;
        }
        // `Set.__eq__` against sets and other key/item views.
        let theirs: Vec<Value> = match other {
            Value::Set(s) => s.borrow().iter().map(|k| k.value().clone()).collect(),
            Value::FrozenSet(s) => s.iter().map(|k| k.value().clone()).collect(),
            Value::Object(o) => match o.as_any().downcast_ref::<MappingView>() {
                Some(v) if v.kind != ViewKind::Values => v.elements().ok()?,
                _ => return Some(false),
            },
            _ => return None,
        };
        let mine = self.elements().ok()?;
        if mine.len() != theirs.len() {
            return Some(false);
        }
        let their_keys: Option<IndexSet<Key>> =
            theirs.into_iter().map(|v| Key::new(v).ok()).collect();
        let their_keys = their_keys?;
        Some(mine.into_iter().all(|v| {
            Key::new(v)
                .map(|k| their_keys.contains(&k))
                .unwrap_or(false)
        }))
    }

    fn binop(
        &self,
        op: crate::value::BinOp,
        other: &Value,
        reflected: bool,
    ) -> Option<PyResult<Value>> {
        let _ = (op, other, reflected);
        Some(Err(crate::ops::unsupported(
            "set operators on mapping views",
        )))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------------------------------
// ImmutableList
// ---------------------------------------------------------------------------------------

/// `ImmutableList`: a read-only view of a list in the event. panther_core stores a tuple;
/// the shared list is never mutated, so it behaves as that tuple.
pub struct ImmutableList {
    container: Rc<RefCell<Vec<Value>>>,
}

impl ImmutableList {
    /// The wrapped list, shared, not copied.
    pub fn raw_shared(&self) -> Rc<RefCell<Vec<Value>>> {
        self.container.clone()
    }

    /// The raw elements (panther_core's `_container` tuple).
    pub fn raw(&self) -> Vec<Value> {
        self.container.borrow().clone()
    }

    fn index_of(&self, idx: &Value) -> PyResult<Value> {
        let i = match idx {
            Value::Int(i) => *i,
            Value::Bool(b) => i64::from(*b),
            other => {
                return Err(PyErr::type_error(format!(
                    "tuple indices must be integers or slices, not {}",
                    other.type_name()
                )))
            }
        };
        let c = self.container.borrow();
        let n = c.len() as i64;
        let j = if i < 0 { i + n } else { i };
        if j < 0 || j >= n {
            return Err(PyErr::index_error("tuple index out of range"));
        }
        Ok(ensure_immutable(c[j as usize].clone()))
    }

    /// `self[lo:hi:step]`: a plain tuple of the raw elements (panther_core does not wrap
    /// tuples).
    pub fn slice(
        &self,
        lo: Option<&Value>,
        hi: Option<&Value>,
        step: Option<&Value>,
    ) -> PyResult<Value> {
        let tuple = Value::tuple(self.raw());
        crate::ops::slice(&tuple, lo, hi, step)
    }
}

impl PyObject for ImmutableList {
    fn type_name(&self) -> &str {
        "ImmutableList"
    }

    fn repr(&self) -> String {
        format!(
            "ImmutableList({})",
            crate::fmt::repr(&Value::tuple(self.raw()))
        )
    }

    fn has_method(&self, name: &str) -> bool {
        matches!(name, "index" | "count" | "copy" | "as_list")
    }

    fn getattr(&self, this: &Value, name: &str) -> PyResult<Value> {
        if self.has_method(name) {
            let this = this.clone();
            let name_owned = name.to_string();
            return Ok(Value::closure(name, move |args, kwargs| {
                crate::ops::call_method(&this, &name_owned, args, kwargs)
            }));
        }
        Err(PyErr::attribute_error(format!(
            "'ImmutableList' object has no attribute '{name}'"
        )))
    }

    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match name {
            "copy" | "as_list" => {
                let q = if name == "copy" {
                    "ImmutableContainerMixin.copy"
                } else {
                    "ImmutableList.as_list"
                };
                bind_args(q, &[], 0, true, args, kwargs)?;
                Ok(Value::list(
                    self.container.borrow().iter().map(deep_copy).collect(),
                ))
            }
            "count" => {
                let a = bind_args("Sequence.count", &["value"], 1, true, args, kwargs)?;
                let v = a[0].clone().unwrap_or_default();
                let n = self
                    .container
                    .borrow()
                    .iter()
                    .map(|x| ensure_immutable(x.clone()))
                    .filter(|x| x.is(&v) || crate::ops::eq(x, &v))
                    .count();
                Ok(Value::Int(n as i64))
            }
            "index" => {
                let a = bind_args(
                    "Sequence.index",
                    &["value", "start", "stop"],
                    1,
                    true,
                    args,
                    kwargs,
                )?;
                if a[1].is_some() || a[2].is_some() {
                    return Err(crate::ops::unsupported("Sequence.index with start/stop"));
                }
                let v = a[0].clone().unwrap_or_default();
                for (i, x) in self.container.borrow().iter().enumerate() {
                    let x = ensure_immutable(x.clone());
                    if x.is(&v) || crate::ops::eq(&x, &v) {
                        return Ok(Value::Int(i as i64));
                    }
                }
                Err(PyErr::with_args(
                    crate::err::ExcType::Builtin(ExcKind::ValueError),
                    vec![],
                ))
            }
            _ => Err(PyErr::attribute_error(format!(
                "'ImmutableList' object has no attribute '{name}'"
            ))),
        }
    }

    fn eq(&self, other: &Value) -> Option<bool> {
        let theirs: Vec<Value> = match other {
            Value::List(l) => l.borrow().clone(),
            Value::Tuple(t) => t.to_vec(),
            Value::Object(o) => match o.as_any().downcast_ref::<ImmutableList>() {
                Some(l) => l.raw(),
                None => return Some(false),
            },
            _ => return Some(false),
        };
        let mine = self.raw();
        Some(crate::ops::eq(&Value::tuple(mine), &Value::tuple(theirs)))
    }

    fn len(&self) -> Option<PyResult<usize>> {
        Some(Ok(self.container.borrow().len()))
    }

    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(Ok(self
            .container
            .borrow()
            .iter()
            .map(|v| ensure_immutable(v.clone()))
            .collect()))
    }

    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        Some(self.index_of(key))
    }

    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        Some(Ok(self
            .container
            .borrow()
            .iter()
            .map(|x| ensure_immutable(x.clone()))
            .any(|x| x.is(item) || crate::ops::eq(&x, item))))
    }

    fn is_sequence(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------------------------------
// Type objects for isinstance
// ---------------------------------------------------------------------------------------

fn check_ci(v: &Value) -> bool {
    v.downcast::<ImmutableCaseInsensitiveDict>().is_some()
}

fn check_event(v: &Value) -> bool {
    v.downcast::<ImmutableCaseInsensitiveDict>()
        .is_some_and(|c| c.is_event())
}

fn check_list(v: &Value) -> bool {
    v.downcast::<ImmutableList>().is_some()
}

thread_local! {
    static TYPES: [Value; 3] = [
        Value::object(TypeObject {
            name: "ImmutableCaseInsensitiveDict",
            module: "panther_core.immutable",
            check: check_ci,
            construct: None,
            attr: None,
        }),
        Value::object(TypeObject {
            name: "ImmutableList",
            module: "panther_core.immutable",
            check: check_list,
            construct: None,
            attr: None,
        }),
        Value::object(TypeObject {
            name: "PantherEvent",
            module: "panther_core.enriched_event",
            check: check_event,
            construct: None,
            attr: None,
        }),
    ];
}

/// The class `ImmutableCaseInsensitiveDict` (for `isinstance`).
pub fn immutable_dict_type() -> Value {
    TYPES.with(|t| t[0].clone())
}

/// The class `ImmutableList` (for `isinstance`).
pub fn immutable_list_type() -> Value {
    TYPES.with(|t| t[1].clone())
}

/// The class `PantherEvent` (for `isinstance`).
pub fn panther_event_type() -> Value {
    TYPES.with(|t| t[2].clone())
}
