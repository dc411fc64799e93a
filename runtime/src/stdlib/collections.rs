//! `collections` (`OrderedDict`, `namedtuple` in namedtuple.rs) and `collections.abc` (the
//! ABCs detections test with `isinstance`).
//!
//! `defaultdict` is a dict registered with its factory (see [`default_factory`]); `Counter`
//! is not provided (the compiler reports its use).

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use crate::err::{PyErr, PyResult};
use crate::ops::unsupported;
use crate::value::{Dict, Key, Kwargs, PyObject, TypeObject, Value};

/// Module attributes of `collections`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "OrderedDict" => Value::object(TypeObject {
            name: "OrderedDict",
            module: "collections",
            check: |v| v.downcast::<OrderedDict>().is_some(),
            construct: Some(ordered_dict),
            attr: None,
        }),
        "defaultdict" => Value::object(TypeObject {
            name: "defaultdict",
            module: "collections",
            check: |v| matches!(v, Value::Dict(d) if default_factory(d).is_some()),
            construct: Some(defaultdict),
            attr: None,
        }),
        "namedtuple" => Value::func("namedtuple", crate::stdlib::namedtuple::namedtuple),
        "abc" => crate::stdlib::import("collections.abc")?,
        _ => return None,
    })
}

thread_local! {
    /// The dicts that are `collections.defaultdict`s, with their `default_factory`. A
    /// defaultdict is an ordinary dict value (so `isinstance(d, dict)`, JSON, equality and
    /// every dict method behave as CPython's subclass does) registered here; the operations
    /// that differ (`d[missing]`, `repr`, the type name, `copy`, `|`, `default_factory`)
    /// consult this table.
    static DEFAULTDICTS: RefCell<Vec<(std::rc::Weak<RefCell<Dict>>, Value)>> =
        const { RefCell::new(Vec::new()) };
}

/// The `default_factory` of `d` when it is a defaultdict (`Some(None)` for a None factory).
pub fn default_factory(d: &Rc<RefCell<Dict>>) -> Option<Value> {
    DEFAULTDICTS.with(|t| {
        t.borrow()
            .iter()
            .find(|(w, _)| std::ptr::eq(w.as_ptr(), Rc::as_ptr(d)) && w.strong_count() > 0)
            .map(|(_, f)| f.clone())
    })
}

/// Makes `d` a defaultdict with `factory`.
pub fn register_defaultdict(d: &Rc<RefCell<Dict>>, factory: Value) {
    DEFAULTDICTS.with(|t| {
        let mut t = t.borrow_mut();
        t.retain(|(w, _)| w.strong_count() > 0);
        t.push((Rc::downgrade(d), factory));
    })
}

/// `defaultdict.__missing__(key)` for `d[key]` on a missing key; `None` when `d` is a plain
/// dict.
pub fn missing(d: &Rc<RefCell<Dict>>, key: &Value) -> Option<PyResult<Value>> {
    let factory = default_factory(d)?;
    if factory.is_none() {
        return Some(Err(PyErr::key_error(key.clone())));
    }
    Some((|| {
        let v = crate::ops::call(&factory, &[], &[])?;
        d.borrow_mut().insert(Key::new(key.clone())?, v.clone());
        Ok(v)
    })())
}

/// `repr()` of a defaultdict's factory, or `None` where CPython would print an address.
pub fn factory_repr(f: &Value) -> Option<String> {
    match f {
        Value::None => Some("None".into()),
        Value::Func(f) if f.builtin => Some(format!("<built-in function {}>", f.name)),
        Value::Object(o) if o.repr_exact() => Some(o.repr()),
        _ => None,
    }
}

/// `collections.defaultdict(default_factory=None, /, *args, **kwargs)`.
pub fn defaultdict(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let factory = args.first().cloned().unwrap_or(Value::None);
    let callable = match &factory {
        Value::None | Value::Func(_) => true,
        Value::Object(o) => {
            let any = o.as_any();
            if any.is::<TypeObject>()
                || any.is::<crate::class::ClassObj>()
                || any.is::<crate::call::ExcClassObj>()
                || any.is::<crate::stdlib::ExcClassObject>()
            {
                true
            } else {
                return Err(unsupported("a defaultdict factory of this type"));
            }
        }
        _ => false,
    };
    if !callable {
        return Err(PyErr::type_error("first argument must be callable or None"));
    }
    let rest = args.get(1..).unwrap_or_default();
    let dict = crate::builtins::lookup("dict").ok_or_else(|| unsupported("dict"))?;
    let d = crate::ops::call(&dict, rest, kwargs)?;
    if let Value::Dict(inner) = &d {
        register_defaultdict(inner, factory);
    }
    Ok(d)
}

/// Module attributes of `collections.abc`.
pub fn abc_attr(name: &str) -> Option<Value> {
    let check: fn(&Value) -> bool = match name {
        "Mapping" => is_mapping,
        "MutableMapping" => {
            |v| matches!(v, Value::Dict(_)) || v.downcast::<OrderedDict>().is_some()
        }
        "Sequence" => is_sequence,
        "MutableSequence" => |v| matches!(v, Value::List(_)),
        "Set" => |v| matches!(v, Value::Set(_) | Value::FrozenSet(_)),
        "MutableSet" => |v| matches!(v, Value::Set(_)),
        "Iterable" | "Collection" | "Sized" | "Container" => is_collection,
        // A tuple's type defines `__hash__` even when an item is unhashable.
        "Hashable" => |v| match v.downcast::<crate::class::Instance>() {
            // The class's `__hash__` is not None; it is not called.
            Some(i) => i.hashable(),
            None => v.tuple_items().is_some() || Key::new(v.clone()).is_ok(),
        },
        "Callable" => |v| match v {
            Value::Func(_) => true,
            Value::Object(o) => {
                let any = o.as_any();
                any.is::<TypeObject>()
                    || any.is::<crate::class::ClassObj>()
                    || any.is::<crate::stdlib::namedtuple::NamedTupleClass>()
                    || any.is::<crate::call::ExcClassObj>()
                    || any.is::<crate::stdlib::ExcClassObject>()
            }
            _ => false,
        },
        _ => return None,
    };
    let name: &'static str = match name {
        "Mapping" => "Mapping",
        "MutableMapping" => "MutableMapping",
        "Sequence" => "Sequence",
        "MutableSequence" => "MutableSequence",
        "Set" => "Set",
        "MutableSet" => "MutableSet",
        "Iterable" => "Iterable",
        "Collection" => "Collection",
        "Sized" => "Sized",
        "Container" => "Container",
        "Hashable" => "Hashable",
        _ => "Callable",
    };
    Some(Value::object(TypeObject {
        name,
        module: "collections.abc",
        check,
        construct: None,
        attr: None,
    }))
}

fn is_mapping(v: &Value) -> bool {
    match v {
        Value::Dict(_) => true,
        Value::Object(o) => o.is_mapping() || o.as_any().is::<OrderedDict>(),
        _ => false,
    }
}

fn is_sequence(v: &Value) -> bool {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) => true,
        Value::Object(o) => o.is_sequence(),
        _ => false,
    }
}

fn is_collection(v: &Value) -> bool {
    match v {
        Value::List(_)
        | Value::Tuple(_)
        | Value::Str(_)
        | Value::Bytes(_)
        | Value::Dict(_)
        | Value::Set(_)
        | Value::FrozenSet(_) => true,
        Value::Object(o) => o.is_mapping() || o.is_sequence() || o.as_any().is::<OrderedDict>(),
        _ => false,
    }
}

/// A `collections.OrderedDict`. Its entries live in a shared dict so that aliases see
/// mutations. Item assignment goes through `call_method(.., "__setitem__", ..)`.
pub struct OrderedDict(pub RefCell<Dict>);

/// `collections.OrderedDict(items=(), **kwargs)`.
pub fn ordered_dict(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(PyErr::type_error(format!(
            "expected at most 1 arguments, got {}",
            args.len()
        )));
    }
    let mut d = Dict::default();
    if let Some(src) = args.first() {
        match src {
            Value::Dict(src) => {
                for (k, v) in src.borrow().iter() {
                    d.insert(k.clone(), v.clone());
                }
            }
            Value::Object(o) if o.as_any().is::<OrderedDict>() => {
                let od = src.downcast::<OrderedDict>().map(|x| x.0.borrow().clone());
                d = od.unwrap_or_default();
            }
            Value::List(_) | Value::Tuple(_) => {
                for item in crate::stdlib::seq_items(src).unwrap_or_default() {
                    let pair = crate::stdlib::seq_items(&item)
                        .ok_or_else(|| unsupported("OrderedDict from items that are not pairs"))?;
                    match pair.as_slice() {
                        [k, v] => {
                            d.insert(Key::new(k.clone())?, v.clone());
                        }
                        _ => return Err(unsupported("OrderedDict from items that are not pairs")),
                    }
                }
            }
            _ => return Err(unsupported("OrderedDict from this type")),
        }
    }
    for (k, v) in kwargs {
        d.insert(Key::from_str(k), v.clone());
    }
    Ok(Value::object(OrderedDict(RefCell::new(d))))
}

impl PyObject for OrderedDict {
    fn type_name(&self) -> &str {
        "OrderedDict"
    }
    fn repr(&self) -> String {
        let d = self.0.borrow();
        if d.is_empty() {
            return "OrderedDict()".into();
        }
        let items: Vec<Value> = d
            .iter()
            .map(|(k, v)| Value::tuple(vec![k.value().clone(), v.clone()]))
            .collect();
        format!("OrderedDict({})", crate::fmt::repr(&Value::list(items)))
    }
    fn len(&self) -> Option<PyResult<usize>> {
        Some(Ok(self.0.borrow().len()))
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(Ok(self
            .0
            .borrow()
            .keys()
            .map(|k| k.value().clone())
            .collect()))
    }
    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        Some(Key::new(key.clone()).and_then(|k| {
            self.0
                .borrow()
                .get(&k)
                .cloned()
                .ok_or_else(|| PyErr::key_error(key.clone()))
        }))
    }
    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        Some(Key::new(item.clone()).map(|k| self.0.borrow().contains_key(&k)))
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        let mine = self.0.borrow();
        if let Some(o) = other.downcast::<OrderedDict>() {
            // Two OrderedDicts compare order-sensitively.
            let theirs = o.0.borrow();
            return Some(
                mine.len() == theirs.len()
                    && mine
                        .iter()
                        .zip(theirs.iter())
                        .all(|((k1, v1), (k2, v2))| k1 == k2 && crate::ops::eq(v1, v2)),
            );
        }
        match other {
            Value::Dict(d) => {
                let d = d.borrow();
                Some(
                    mine.len() == d.len()
                        && mine
                            .iter()
                            .all(|(k, v)| d.get(k).is_some_and(|w| crate::ops::eq(v, w))),
                )
            }
            _ => None,
        }
    }
    fn is_mapping(&self) -> bool {
        true
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "get" | "keys" | "values" | "items" | "__setitem__")
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        _kwargs: Kwargs,
    ) -> PyResult<Value> {
        match (name, args) {
            ("get", [k]) | ("get", [k, _]) => {
                let k = Key::new(k.clone())?;
                Ok(self
                    .0
                    .borrow()
                    .get(&k)
                    .cloned()
                    .unwrap_or_else(|| args.get(1).cloned().unwrap_or_default()))
            }
            ("__setitem__", [k, v]) => {
                self.0.borrow_mut().insert(Key::new(k.clone())?, v.clone());
                Ok(Value::None)
            }
            // The views of an OrderedDict are materialised as lists: iteration matches
            // CPython, printing a view does not, so the compiler only uses them in loops.
            ("keys", []) => Ok(Value::list(
                self.0.borrow().keys().map(|k| k.value().clone()).collect(),
            )),
            ("values", []) => Ok(Value::list(self.0.borrow().values().cloned().collect())),
            ("items", []) => Ok(Value::list(
                self.0
                    .borrow()
                    .iter()
                    .map(|(k, v)| Value::tuple(vec![k.value().clone(), v.clone()]))
                    .collect(),
            )),
            _ => Err(unsupported(&format!("OrderedDict.{name}"))),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
