//! The Python object model that compiled detections compute with.
//!
//! A [`Value`] is cheap to clone: containers are reference-counted and shared exactly as
//! Python shares objects, so aliasing (`a = b; a.append(1)`) behaves as in CPython. Values
//! read from an event share the event's storage; nothing is deep-copied on access.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use indexmap::IndexMap;

use crate::err::{PyErr, PyResult};

/// Keyword arguments of a call, in source order.
pub type Kwargs<'a> = &'a [(&'a str, Value)];

/// The signature every compiled Python function has.
pub type NativeFn = fn(&[Value], Kwargs) -> PyResult<Value>;

/// A function value that captures state (lambdas, nested functions).
pub type ClosureFn = Box<dyn Fn(&[Value], Kwargs) -> PyResult<Value>>;

/// A Python dict: insertion-ordered, keys hashed with Python's rules.
pub type Dict = IndexMap<Key, Value, KeyHashBuild>;

/// The hasher of `Dict`'s table. `Key::hash` writes the key's CPython hash (SipHash for
/// strings), so one multiply-fold spreads it over the table's bits instead of hashing it
/// again with SipHash; the table's hasher is unobservable, since a dict iterates in insertion
/// order.
#[derive(Clone, Copy, Default)]
pub struct KeyHashBuild;

impl std::hash::BuildHasher for KeyHashBuild {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

/// See [`KeyHashBuild`].
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(7) ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_i64(&mut self, x: i64) {
        self.write_u64(x as u64);
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    fn write_isize(&mut self, x: isize) {
        self.write_u64(x as u64);
    }
    fn finish(&self) -> u64 {
        // The table indexes by the low bits: fold the well-mixed high bits into them.
        self.0 ^ (self.0 >> 32)
    }
}

/// The hasher of the runtime's own lookup tables keyed by names (module attributes, the
/// builtin index, compiled-pattern and strptime-format caches): a word-at-a-time multiply-fold
/// instead of `RandomState`'s SipHash, which cost more than the lookups it served. Only for
/// tables that are looked up and never iterated, so the order it gives them is unobservable;
/// their keys are the program's own names and patterns, not adversarial input.
#[derive(Clone, Copy, Default)]
pub struct NameHashBuild;

impl std::hash::BuildHasher for NameHashBuild {
    type Hasher = NameHasher;
    fn build_hasher(&self) -> NameHasher {
        NameHasher(0)
    }
}

/// See [`NameHashBuild`].
pub struct NameHasher(u64);

impl NameHasher {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut t = [0u8; 8];
            t[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(t));
        }
    }
    fn write_u8(&mut self, x: u8) {
        self.add(u64::from(x));
    }
    fn write_u64(&mut self, x: u64) {
        self.add(x);
    }
    fn write_usize(&mut self, x: usize) {
        self.add(x as u64);
    }
    fn finish(&self) -> u64 {
        // hashbrown takes its control byte from the top bits and the index from the low
        // ones: fold the well-mixed high bits down.
        self.0 ^ (self.0 >> 29)
    }
}

/// A table keyed by names, with [`NameHashBuild`].
pub type NameMap<K, V> = std::collections::HashMap<K, V, NameHashBuild>;

/// A Python set: CPython's hash table, so iteration follows CPython's order (see pyset.rs).
pub use crate::pyset::Set;

/// A Python value.
#[derive(Clone, Default)]
pub enum Value {
    #[default]
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    List(Rc<RefCell<Vec<Value>>>),
    Tuple(Rc<[Value]>),
    Dict(Rc<RefCell<Dict>>),
    Set(Rc<RefCell<Set>>),
    FrozenSet(Rc<Set>),
    /// A callable compiled from Python (or a builtin exposed as a value).
    Func(Rc<Function>),
    /// Everything else: events and their immutable containers, `re.Pattern`, `datetime`,
    /// IP addresses, class instances, mocks, modules, exceptions.
    Object(Rc<dyn PyObject>),
}

/// A function value.
pub struct Function {
    /// `__name__`.
    pub name: Rc<str>,
    /// Free of side effects (a builtin that only computes): see `purity`.
    pub pure: bool,
    /// A function of CPython's `builtins` module, which prints as
    /// `<built-in function NAME>` (no address).
    pub builtin: bool,
    pub call: FnBody,
}

/// How a function value is invoked.
pub enum FnBody {
    Native(NativeFn),
    Closure(ClosureFn),
    /// Compiled from Python: each call is a Python frame (see `recursion`).
    Python(NativeFn),
    /// A compiled nested function or lambda with its captured variables.
    PyClosure(ClosureFn),
}

impl Function {
    pub fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        match &self.call {
            FnBody::Native(f) => f(args, kwargs),
            FnBody::Closure(f) => f(args, kwargs),
            FnBody::Python(f) => {
                let _frame = crate::recursion::enter()?;
                f(args, kwargs)
            }
            FnBody::PyClosure(f) => {
                let _frame = crate::recursion::enter()?;
                f(args, kwargs)
            }
        }
    }

    /// Whether the function was compiled from Python (its calls are Python frames).
    pub fn is_python(&self) -> bool {
        matches!(self.call, FnBody::Python(_) | FnBody::PyClosure(_))
    }
}

/// Behaviour of values that are not one of the core variants of [`Value`].
///
/// Every method has CPython's default behaviour for a plain object, so an implementation
/// overrides only what its Python type defines.
#[allow(clippy::len_without_is_empty)]
pub trait PyObject: Any {
    /// `type(x).__name__`.
    fn type_name(&self) -> &str;

    /// `repr(x)`.
    fn repr(&self) -> String {
        format!("<{} object>", self.type_name())
    }

    /// Whether `repr`/`str` give CPython's text exactly; false where CPython's shows an
    /// address, a file path or a module name ferrule does not reproduce (printing such an
    /// object is refused).
    fn repr_exact(&self) -> bool {
        true
    }

    /// `str(x)`; defaults to `repr(x)` as `object.__str__` does.
    fn str(&self) -> String {
        self.repr()
    }

    /// `bool(x)`.
    fn truthy(&self) -> PyResult<bool> {
        Ok(true)
    }

    /// `x.name` for attributes that are not methods (methods go through `call_method`).
    fn getattr(&self, this: &Value, name: &str) -> PyResult<Value> {
        let _ = this;
        Err(PyErr::attribute_error(format!(
            "'{}' object has no attribute '{}'",
            self.type_name(),
            name
        )))
    }

    /// `x.name = value`. Refused unless the type says otherwise: whether CPython's type
    /// takes a new attribute (a module, an event, any class written in Python) or rejects it,
    /// and with which message, is the type's own. A type that rejects every new attribute
    /// says so with [`PyObject::fixed_attributes`] instead.
    fn setattr(&self, name: &str, value: Value) -> PyResult<()> {
        let _ = value;
        Err(crate::ops::unsupported(&format!(
            "setting the attribute `{name}` of a `{}` object",
            self.type_name()
        )))
    }

    /// For a type whose instances take no new attribute (no `__dict__`, no `__setattr__`):
    /// its name as CPython's AttributeError writes it (`datetime.datetime`). `x.name = v`
    /// then raises that AttributeError when `x` has no attribute `name`, and is refused when
    /// it has one (CPython's message depends on what kind of attribute it is).
    fn fixed_attributes(&self) -> Option<&str> {
        None
    }

    /// `del x.name`.
    fn delattr(&self, name: &str) -> PyResult<()> {
        Err(PyErr::attribute_error(format!(
            "'{}' object has no attribute '{}'",
            self.type_name(),
            name
        )))
    }

    /// `isinstance(value, x)` when `x` is a class-like object; `None` if it is not one.
    fn instancecheck(&self, value: &Value) -> Option<bool> {
        let _ = value;
        None
    }

    /// Whether `hasattr(x, name)` holds; by default whatever `getattr` finds.
    fn has_method(&self, name: &str) -> bool {
        let _ = name;
        false
    }

    /// `x.name(*args, **kwargs)`.
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        let _ = (args, kwargs);
        self.getattr(this, name)
            .and_then(|f| crate::ops::call(&f, args, kwargs))
    }

    /// `x(*args, **kwargs)`.
    fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        let _ = (args, kwargs);
        Err(PyErr::type_error(format!(
            "'{}' object is not callable",
            self.type_name()
        )))
    }

    /// `x == other`; `None` means NotImplemented (identity is then used).
    fn eq(&self, other: &Value) -> Option<bool> {
        let _ = other;
        None
    }

    /// `x < other`; `None` means NotImplemented (a TypeError follows).
    fn lt(&self, other: &Value) -> Option<PyResult<bool>> {
        let _ = other;
        None
    }

    /// `hash(x)`; `None` means unhashable. Objects without `__eq__` hash by identity.
    fn hash(&self) -> Option<u64> {
        None
    }

    /// Which CPython object this is, for objects ferrule may build more than one wrapper
    /// of (an exception class, a module): wrappers of one type with the same key are the
    /// same object for `is`.
    fn identity(&self) -> Option<u64> {
        None
    }

    /// CPython's own `hash(x)` when ferrule reproduces it (it then decides set order).
    fn exact_hash(&self) -> Option<i64> {
        None
    }

    /// `len(x)`, `iter(x)`, `x[k]`, `k in x` for container-like objects.
    fn len(&self) -> Option<PyResult<usize>> {
        None
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        None
    }
    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        let _ = key;
        None
    }
    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        let _ = item;
        None
    }
    /// `x[key] = value` / `del x[key]`; `None` when the object does not support it.
    fn setitem(&self, key: &Value, value: Value) -> Option<PyResult<()>> {
        let _ = (key, value);
        None
    }
    fn delitem(&self, key: &Value) -> Option<PyResult<()>> {
        let _ = key;
        None
    }

    /// `iter(x)` for objects iterated lazily (user classes): the iterator object.
    fn iterator(&self) -> Option<PyResult<Value>> {
        None
    }

    /// Binary arithmetic with this object on the left (`+`, `-`, …); `None` = NotImplemented.
    fn binop(&self, op: BinOp, other: &Value, reflected: bool) -> Option<PyResult<Value>> {
        let _ = (op, other, reflected);
        None
    }

    /// `format(x, spec)` for types with their own `__format__` (`datetime`); `None` means
    /// `object.__format__` (only the empty spec, giving `str(x)`).
    fn format(&self, spec: &str) -> Option<PyResult<String>> {
        let _ = spec;
        None
    }

    /// Whether this is an iterator (has `__next__`); then [`PyObject::next`] advances it.
    fn is_iterator(&self) -> bool {
        false
    }

    /// `next(x)` for iterators: the next item, `None` when exhausted; `None` (outer) for
    /// objects that are not iterators.
    fn next(&self) -> Option<PyResult<Option<Value>>> {
        None
    }

    /// Whether this is a `collections.abc.Mapping` / `Sequence` for `isinstance`.
    fn is_mapping(&self) -> bool {
        false
    }
    fn is_sequence(&self) -> bool {
        false
    }

    /// The items of an instance of a `tuple` subclass (`collections.namedtuple`): such an
    /// object compares, hashes, orders, concatenates and serialises exactly as the equal
    /// plain tuple.
    fn as_tuple(&self) -> Option<&[Value]> {
        None
    }

    fn as_any(&self) -> &dyn Any;
}

/// The binary operators of Python expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    LShift,
    RShift,
    MatMul,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "** or pow()",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::MatMul => "@",
        }
    }
}

impl Value {
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::Str(s.into())
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(items.into())
    }

    pub fn dict(d: Dict) -> Value {
        Value::Dict(Rc::new(RefCell::new(d)))
    }

    pub fn set(s: Set) -> Value {
        Value::Set(Rc::new(RefCell::new(s)))
    }

    pub fn object(o: impl PyObject) -> Value {
        Value::Object(Rc::new(o))
    }

    /// A builtin function that only computes (no side effects).
    pub fn func(name: &str, f: NativeFn) -> Value {
        Value::Func(Rc::new(Function {
            name: name.into(),
            pure: true,
            builtin: false,
            call: FnBody::Native(f),
        }))
    }

    /// A function of CPython's `builtins` module (`len`, `input`…): it prints without an
    /// address.
    pub fn builtin_function(name: &str, f: NativeFn) -> Value {
        Value::Func(Rc::new(Function {
            name: name.into(),
            pure: true,
            builtin: true,
            call: FnBody::Native(f),
        }))
    }

    /// A builtin function with side effects (the caching store, ...).
    pub fn impure_func(name: &str, f: NativeFn) -> Value {
        Value::Func(Rc::new(Function {
            name: name.into(),
            pure: false,
            builtin: false,
            call: FnBody::Native(f),
        }))
    }

    /// A function compiled from Python: it may do anything, and binds as a method.
    pub fn py_func(name: &str, f: NativeFn) -> Value {
        Value::Func(Rc::new(Function {
            name: name.into(),
            pure: false,
            builtin: false,
            call: FnBody::Python(f),
        }))
    }

    /// A nested function or lambda compiled from Python, with what it captures.
    pub fn py_closure(
        name: &str,
        f: impl Fn(&[Value], Kwargs) -> PyResult<Value> + 'static,
    ) -> Value {
        Value::Func(Rc::new(Function {
            name: name.into(),
            pure: false,
            builtin: false,
            call: FnBody::PyClosure(Box::new(f)),
        }))
    }

    /// A function of the runtime that captures state.
    pub fn closure(name: &str, f: impl Fn(&[Value], Kwargs) -> PyResult<Value> + 'static) -> Value {
        Value::Func(Rc::new(Function {
            name: name.into(),
            pure: false,
            builtin: false,
            call: FnBody::Closure(Box::new(f)),
        }))
    }

    /// `type(x).__name__`.
    pub fn type_name(&self) -> &str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            // As CPython names the type in its error messages.
            Value::Dict(d) if crate::stdlib::collections::default_factory(d).is_some() => {
                "collections.defaultdict"
            }
            Value::Dict(_) => "dict",
            Value::Set(_) => "set",
            Value::FrozenSet(_) => "frozenset",
            Value::Func(f) if f.builtin => "builtin_function_or_method",
            Value::Func(_) => "function",
            Value::Object(o) => o.type_name(),
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// The object if it is of the concrete type `T`.
    pub fn downcast<T: 'static>(&self) -> Option<&T> {
        match self {
            Value::Object(o) => o.as_any().downcast_ref::<T>(),
            _ => None,
        }
    }

    /// The items of a tuple or of an instance of a tuple subclass (a namedtuple).
    pub fn tuple_items(&self) -> Option<&[Value]> {
        match self {
            Value::Tuple(t) => Some(t),
            Value::Object(o) => o.as_tuple(),
            _ => None,
        }
    }

    /// A tuple subclass instance as the equal plain tuple; any other value unchanged.
    pub fn plain_tuple(&self) -> Value {
        match self {
            Value::Object(o) => match o.as_tuple() {
                Some(items) => Value::tuple(items.to_vec()),
                None => self.clone(),
            },
            _ => self.clone(),
        }
    }

    /// The string slice of a `str`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `x is y`.
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            // Small ints and interned strings are shared in CPython; detections only
            // compare with `is` against None/True/False, so value identity is a safe model.
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => Rc::ptr_eq(a, b) || a == b,
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
            (Value::Tuple(a), Value::Tuple(b)) => Rc::ptr_eq(a, b),
            (Value::Dict(a), Value::Dict(b)) => Rc::ptr_eq(a, b),
            (Value::Set(a), Value::Set(b)) => Rc::ptr_eq(a, b),
            (Value::FrozenSet(a), Value::FrozenSet(b)) => Rc::ptr_eq(a, b),
            (Value::Func(a), Value::Func(b)) => Rc::ptr_eq(a, b),
            (Value::Object(a), Value::Object(b)) => {
                std::ptr::addr_eq(Rc::as_ptr(a), Rc::as_ptr(b))
                    || (a.as_any().type_id() == b.as_any().type_id()
                        && a.identity().is_some()
                        && a.identity() == b.identity())
            }
            _ => false,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s.into())
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::fmt::repr(self))
    }
}

/// A hashable value used as a dict key or set element, with Python's hash and equality:
/// `1`, `1.0` and `True` are the same key.
#[derive(Clone)]
pub struct Key(Value);

impl Key {
    /// Checks hashability as CPython does (`TypeError: unhashable type: 'list'`).
    pub fn new(v: Value) -> PyResult<Key> {
        check_hashable(&v)?;
        Ok(Key(v))
    }

    /// A key from a string (always hashable).
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(s: &str) -> Key {
        Key(Value::str(s))
    }

    pub fn value(&self) -> &Value {
        &self.0
    }

    pub fn into_value(self) -> Value {
        self.0
    }
}

fn check_hashable(v: &Value) -> PyResult<()> {
    match v {
        Value::List(_) | Value::Dict(_) | Value::Set(_) => Err(PyErr::type_error(format!(
            "unhashable type: '{}'",
            v.type_name()
        ))),
        Value::Tuple(items) => items.iter().try_for_each(check_hashable),
        Value::Object(o) if o.as_tuple().is_some() => o
            .as_tuple()
            .unwrap_or_default()
            .iter()
            .try_for_each(check_hashable),
        Value::Object(o) if o.as_any().is::<crate::class::Instance>() => {
            // A user `__hash__` runs here, where its exception can propagate.
            let inst = o
                .as_any()
                .downcast_ref::<crate::class::Instance>()
                .expect("checked");
            match inst.hash_res()? {
                Some(_) => Ok(()),
                None => Err(PyErr::type_error(format!(
                    "unhashable type: '{}'",
                    o.type_name()
                ))),
            }
        }
        Value::Object(o) => {
            if o.hash().is_some() {
                Ok(())
            } else {
                Err(PyErr::type_error(format!(
                    "unhashable type: '{}'",
                    o.type_name()
                )))
            }
        }
        _ => Ok(()),
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_value(&self.0, state)
    }
}

/// A key hashes as CPython hashes it (`pyhash`), so that values CPython may compare (a user
/// `__eq__` can make an object equal to a string) meet in the same bucket: every pair of
/// equal values has equal CPython hashes.
fn hash_value<H: Hasher>(v: &Value, state: &mut H) {
    crate::pyhash::hash(v).value.hash(state)
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        // Identity first, as CPython's dict and set lookups do. A user `__eq__` that raises
        // here is reported through `class::capture` (or refused).
        // `self` is the probe and `other` the stored key (hashbrown's order); CPython asks
        // the stored key first.
        self.0.is(&other.0) || crate::ops::eq(&other.0, &self.0)
    }
}
impl Eq for Key {}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A class object: callable when it has a constructor, usable with `isinstance`, and
/// carrying class attributes (`datetime.datetime.strptime`).
pub struct TypeObject {
    /// `__name__`, e.g. `str` or `datetime`.
    pub name: &'static str,
    /// `__module__` for `repr` (`builtins` prints as `<class 'str'>`).
    pub module: &'static str,
    /// `isinstance(value, this)`.
    pub check: fn(&Value) -> bool,
    /// `this(*args, **kwargs)`.
    pub construct: Option<NativeFn>,
    /// Class attributes and static/class methods.
    pub attr: Option<fn(&str) -> Option<Value>>,
}

impl PyObject for TypeObject {
    fn type_name(&self) -> &str {
        "type"
    }
    fn repr(&self) -> String {
        if self.module == "builtins" {
            format!("<class '{}'>", self.name)
        } else {
            format!("<class '{}.{}'>", self.module, self.name)
        }
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "__name__" | "__qualname__" => return Ok(Value::str(self.name)),
            "__module__" => return Ok(Value::str(self.module)),
            _ => {}
        }
        self.attr.and_then(|f| f(name)).ok_or_else(|| {
            PyErr::attribute_error(format!(
                "type object '{}' has no attribute '{}'",
                self.name, name
            ))
        })
    }
    fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        match self.construct {
            Some(f) => f(args, kwargs),
            None => Err(PyErr::type_error(format!(
                "cannot create '{}.{}' instances",
                self.module, self.name
            ))),
        }
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const TypeObject as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A module object (`import json` binds one): attribute reads resolve its exports.
pub struct ModuleObject {
    pub name: &'static str,
    pub attr: fn(&str) -> Option<Value>,
}

thread_local! {
    // A library module's attributes, built once: `json.loads is json.loads`, as the module
    // dict holds one object. Generated modules read their globals (already one object each)
    // and are never cached here, since a global can be rebound.
    static LIBRARY_ATTRS: RefCell<NameMap<&'static str, NameMap<String, Value>>> =
        RefCell::new(NameMap::default());
}

impl PyObject for ModuleObject {
    fn repr_exact(&self) -> bool {
        false
    }

    fn type_name(&self) -> &str {
        "module"
    }
    fn repr(&self) -> String {
        format!("<module '{}'>", self.name)
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        // A library module is only partly provided: a missing name may well exist in
        // CPython, so it is refused rather than reported as an AttributeError.
        let library = !crate::module::is_generated(self.name);
        if library {
            let hit = LIBRARY_ATTRS.with(|c| c.borrow().get(self.name)?.get(name).cloned());
            if let Some(v) = hit {
                return Ok(v);
            }
        }
        match (self.attr)(name) {
            Some(v) => {
                if library {
                    LIBRARY_ATTRS.with(|c| {
                        c.borrow_mut()
                            .entry(self.name)
                            .or_default()
                            .insert(name.to_string(), v.clone())
                    });
                }
                Ok(v)
            }
            // Every module has its name, whether or not its body reads it.
            None if name == "__name__" => Ok(Value::from(self.name)),
            None => Err(crate::ops::unsupported(&format!(
                "`{}.{}`",
                self.name, name
            ))),
        }
    }
    fn identity(&self) -> Option<u64> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.name.hash(&mut h);
        Some(h.finish())
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const ModuleObject as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
