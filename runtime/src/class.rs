//! User classes as CPython builds them: the class namespace, several bases with the C3
//! method resolution order, descriptors (`property`, `staticmethod`, `classmethod`, methods
//! bound on access), `super()`, `__new__`/`__init__`, `__init_subclass__`, exception
//! classes, and the data-model hooks every protocol of the runtime consults (see
//! [`Instance`]'s `PyObject` implementation and [`rich_compare`], [`binop`]).
//!
//! Which hooks a class may define is decided at compile time ([`SUPPORTED_HOOKS`]): a
//! class body defining any other special name is refused with a diagnostic naming it, so a
//! hook is never silently ignored.
//!
//! Hooks run Python code, which may raise, while some runtime protocols are infallible
//! (`repr` of a container, dict key equality). Such protocols run inside [`capture`]: the
//! first exception a hook raises there is kept, later hooks are not called, and the caller
//! receives the exception. Outside any capture, the exception becomes a refusal.

use std::any::Any;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

use indexmap::IndexMap;

use crate::err::{ExcClass, ExcKind, ExcType, PyErr, PyResult};
use crate::exc::{ExcClassObj, ExcState};
use crate::value::{BinOp, Kwargs, PyObject, Value};

/// The special names a class body may define: each is consulted wherever CPython consults
/// it (the compiler refuses every other dunder, see `lower/python.rs`).
pub const SUPPORTED_HOOKS: &[&str] = &[
    "__init__",
    "__new__",
    "__init_subclass__",
    "__post_init__",
    "__getattr__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__getitem__",
    "__setitem__",
    "__delitem__",
    "__contains__",
    "__iter__",
    "__next__",
    "__len__",
    "__bool__",
    "__eq__",
    "__ne__",
    "__hash__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__str__",
    "__repr__",
    "__format__",
    "__call__",
    "__enter__",
    "__exit__",
    "__neg__",
    "__pos__",
    "__invert__",
    "__abs__",
    "__add__",
    "__sub__",
    "__mul__",
    "__truediv__",
    "__floordiv__",
    "__mod__",
    "__pow__",
    "__matmul__",
    "__and__",
    "__or__",
    "__xor__",
    "__lshift__",
    "__rshift__",
    "__radd__",
    "__rsub__",
    "__rmul__",
    "__rtruediv__",
    "__rfloordiv__",
    "__rmod__",
    "__rpow__",
    "__rmatmul__",
    "__rand__",
    "__ror__",
    "__rxor__",
    "__rlshift__",
    "__rrshift__",
    "__iadd__",
    "__isub__",
    "__imul__",
    "__itruediv__",
    "__ifloordiv__",
    "__imod__",
    "__ipow__",
    "__imatmul__",
    "__iand__",
    "__ior__",
    "__ixor__",
    "__ilshift__",
    "__irshift__",
    // Plain data CPython reads from a class namespace (`__match_args__`: class patterns).
    "__match_args__",
    "__doc__",
    "__module__",
    "__qualname__",
];

/// The names of an operator's hooks: (forward, reflected, in-place).
pub fn binop_hooks(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mul => ("__mul__", "__rmul__", "__imul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__", "__imatmul__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
    }
}

// ---------------------------------------------------------------------------------------
// Hook errors inside infallible protocols
// ---------------------------------------------------------------------------------------

thread_local! {
    static FRAMES: RefCell<Vec<Option<PyErr>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f`, which may call hooks through infallible protocols; returns the first exception
/// such a hook raised (later hooks were skipped), or `f`'s result.
pub fn capture<T>(f: impl FnOnce() -> T) -> PyResult<T> {
    FRAMES.with(|fr| fr.borrow_mut().push(None));
    let out = f();
    let err = FRAMES.with(|fr| fr.borrow_mut().pop().flatten());
    match err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// [`capture`] of a fallible computation.
pub fn capture_res<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    capture(f)?
}

/// Whether hooks must not run: an earlier hook of the current capture raised, or the
/// evaluation was refused.
fn hooks_blocked() -> bool {
    crate::err::refused() || FRAMES.with(|fr| fr.borrow().last().is_some_and(|e| e.is_some()))
}

/// An exception raised by a hook that an infallible protocol cannot return.
fn hook_failed(e: PyErr, context: &str) {
    let stored = FRAMES.with(|fr| match fr.borrow_mut().last_mut() {
        Some(slot) => {
            if slot.is_none() {
                *slot = Some(e.clone());
            }
            true
        }
        None => false,
    });
    if !stored {
        crate::err::refuse_unpropagated(&e, context);
    }
}

// ---------------------------------------------------------------------------------------
// Descriptors and other class-related objects
// ---------------------------------------------------------------------------------------

/// `property(fget, fset, fdel, doc)`.
pub struct Property {
    pub fget: Value,
    pub fset: Value,
    pub fdel: Value,
    pub doc: Value,
}

impl PyObject for Property {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("property")
    }
    fn type_name(&self) -> &str {
        "property"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn getattr(&self, this: &Value, name: &str) -> PyResult<Value> {
        let p = |fget: &Value, fset: &Value, fdel: &Value| {
            Value::object(Property {
                fget: fget.clone(),
                fset: fset.clone(),
                fdel: fdel.clone(),
                doc: self.doc.clone(),
            })
        };
        let _ = this;
        Ok(match name {
            "fget" => self.fget.clone(),
            "fset" => self.fset.clone(),
            "fdel" => self.fdel.clone(),
            "__doc__" => self.doc.clone(),
            "getter" | "setter" | "deleter" => {
                let (g, s, d) = (self.fget.clone(), self.fset.clone(), self.fdel.clone());
                let doc = self.doc.clone();
                let which = name.to_string();
                return Ok(Value::closure(name, move |args, kw| {
                    if !kw.is_empty() || args.len() != 1 {
                        return Err(PyErr::type_error(format!(
                            "{which}() takes exactly one argument ({} given)",
                            args.len() + kw.len()
                        )));
                    }
                    let f = args[0].clone();
                    let (g, s, d) = match which.as_str() {
                        "getter" => (f, s.clone(), d.clone()),
                        "setter" => (g.clone(), f, d.clone()),
                        _ => (g.clone(), s.clone(), f),
                    };
                    Ok(Value::object(Property {
                        fget: g,
                        fset: s,
                        fdel: d,
                        doc: doc.clone(),
                    }))
                }));
            }
            _ => {
                let _ = p;
                return Err(crate::ops::unsupported(&format!(
                    "the attribute `{name}` of a property"
                )));
            }
        })
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const Property as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `property(fget=None, fset=None, fdel=None, doc=None)`.
pub fn property_new(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let names = ["fget", "fset", "fdel", "doc"];
    if args.len() > 4 {
        return Err(PyErr::type_error(format!(
            "property() takes at most 4 arguments ({} given)",
            args.len()
        )));
    }
    let mut slots: Vec<Value> = vec![Value::None; 4];
    for (i, a) in args.iter().enumerate() {
        slots[i] = a.clone();
    }
    for (k, v) in kwargs {
        match names.iter().position(|n| n == k) {
            Some(i) if i >= args.len() => slots[i] = v.clone(),
            Some(_) => {
                return Err(PyErr::type_error(format!(
                    "argument for property() given by name ('{k}') and position ({})",
                    names.iter().position(|n| n == k).unwrap_or(0) + 1
                )))
            }
            None => {
                return Err(PyErr::type_error(format!(
                    "property() got an unexpected keyword argument '{k}'"
                )))
            }
        }
    }
    // A property without a doc takes its getter's docstring, which ferrule does not keep.
    if slots[3].is_none() && !slots[0].is_none() {
        slots[3] = Value::None;
    }
    let [fget, fset, fdel, doc]: [Value; 4] = slots.try_into().unwrap_or_default();
    Ok(Value::object(Property {
        fget,
        fset,
        fdel,
        doc,
    }))
}

/// `staticmethod(f)`.
pub struct StaticMethod(pub Value);
/// `classmethod(f)`.
pub struct ClassMethod(pub Value);

impl PyObject for StaticMethod {
    fn type_name(&self) -> &str {
        "staticmethod"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "__func__" => Ok(self.0.clone()),
            _ => Err(crate::ops::unsupported(&format!(
                "the attribute `{name}` of a staticmethod"
            ))),
        }
    }
    // A staticmethod object is callable since 3.10.
    fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        crate::ops::call(&self.0, args, kwargs)
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const StaticMethod as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl PyObject for ClassMethod {
    fn type_name(&self) -> &str {
        "classmethod"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "__func__" => Ok(self.0.clone()),
            _ => Err(crate::ops::unsupported(&format!(
                "the attribute `{name}` of a classmethod"
            ))),
        }
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const ClassMethod as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn one_arg(name: &str, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    if args.len() != 1 {
        return Err(PyErr::type_error(format!(
            "{name} expected 1 argument, got {}",
            args.len()
        )));
    }
    Ok(args[0].clone())
}

/// `staticmethod(f)` as a builtin.
pub fn staticmethod_new(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::object(StaticMethod(one_arg(
        "staticmethod",
        args,
        kwargs,
    )?)))
}

/// `classmethod(f)` as a builtin.
pub fn classmethod_new(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::object(ClassMethod(one_arg(
        "classmethod",
        args,
        kwargs,
    )?)))
}

/// A function bound to an object (`obj.method`).
pub struct BoundMethod {
    pub func: Value,
    pub this: Value,
}

impl PyObject for BoundMethod {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("method")
    }
    fn type_name(&self) -> &str {
        "method"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "__self__" => Ok(self.this.clone()),
            "__func__" => Ok(self.func.clone()),
            "__name__" => crate::ops::getattr(&self.func, "__name__"),
            _ => Err(crate::ops::unsupported(&format!(
                "the attribute `{name}` of a bound method"
            ))),
        }
    }
    fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        let mut full = Vec::with_capacity(args.len() + 1);
        full.push(self.this.clone());
        full.extend_from_slice(args);
        crate::ops::call(&self.func, &full, kwargs)
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(
            other
                .downcast::<BoundMethod>()
                .is_some_and(|o| o.this.is(&self.this) && o.func.is(&self.func)),
        )
    }
    fn hash(&self) -> Option<u64> {
        // CPython hashes the function and the object's identity; never exact (addresses).
        let f = match &self.func {
            Value::Func(f) => Rc::as_ptr(f) as *const u8 as usize as u64,
            Value::Object(o) => Rc::as_ptr(o) as *const u8 as usize as u64,
            _ => 0,
        };
        let t = match &self.this {
            Value::Object(o) => Rc::as_ptr(o) as *const u8 as usize as u64,
            _ => 0,
        };
        Some(f ^ t.rotate_left(17))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn bind(func: Value, this: Value) -> Value {
    Value::object(BoundMethod { func, this })
}

/// Hook `attr` of `this`'s class as the callable `type(this).attr.__get__(this)` gives.
pub fn bind_hook(attr: &Value, this: &Value) -> Value {
    let cls = class_of(this).unwrap_or_default();
    instance_bind(attr, this, &cls)
}

/// `NotImplemented`.
pub struct NotImplementedType;

impl PyObject for NotImplementedType {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("NotImplementedType")
    }
    fn type_name(&self) -> &str {
        "NotImplementedType"
    }
    fn repr(&self) -> String {
        "NotImplemented".into()
    }
    fn hash(&self) -> Option<u64> {
        Some(0x4e49)
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(other.downcast::<NotImplementedType>().is_some())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

thread_local! {
    static NOT_IMPLEMENTED: Value = Value::object(NotImplementedType);
}

/// The `NotImplemented` singleton.
pub fn not_implemented() -> Value {
    NOT_IMPLEMENTED.with(|v| v.clone())
}

fn is_not_implemented(v: &Value) -> bool {
    v.downcast::<NotImplementedType>().is_some()
}

/// The `__class__` cell of a class body: set once the class exists, read by `super()`.
pub struct ClassCell(RefCell<Option<Value>>);

impl PyObject for ClassCell {
    fn type_name(&self) -> &str {
        "cell"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A new, empty `__class__` cell.
pub fn class_cell() -> Value {
    Value::object(ClassCell(RefCell::new(None)))
}

// ---------------------------------------------------------------------------------------
// Class objects
// ---------------------------------------------------------------------------------------

/// What a class body annotated (for dataclasses), in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnnKind {
    Field,
    ClassVar,
    InitVar,
}

/// A class object.
pub struct ClassObj {
    pub name: String,
    pub qualname: String,
    pub module: String,
    /// `__bases__` as written (`object` excluded).
    pub bases: Vec<Value>,
    /// The MRO after this class: user classes and built-in exception classes (`object`,
    /// always last, is implicit).
    pub mro: Vec<Value>,
    pub dict: RefCell<IndexMap<String, Value>>,
    /// Set when the class derives from an exception class.
    pub exc: Option<Rc<ExcClass>>,
    /// The names the class body annotated, in order, with what they were annotated as.
    pub annotations: Vec<(String, AnnKind)>,
    /// Set by `dataclasses.dataclass`.
    pub dataclass: RefCell<Option<Rc<crate::dataclass::DataclassInfo>>>,
    me: Weak<ClassObj>,
}

/// Where an attribute was found in a class's MRO.
enum Found {
    /// In a user class's namespace.
    User(Value),
    /// Provided by a built-in exception class (`BaseException.__init__`, `args`…).
    Builtin(ExcKind),
}

/// Names the built-in exception classes define, which hide a later base's.
const BASE_EXCEPTION_NAMES: &[&str] = &[
    "__new__",
    "__init__",
    "__repr__",
    "__str__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__reduce__",
    "__setstate__",
    "with_traceback",
    "add_note",
    "args",
    "__traceback__",
    "__context__",
    "__cause__",
    "__suppress_context__",
    "__dict__",
    "__doc__",
];

/// Names `object` defines (`dir(object)` in CPython 3.11).
const OBJECT_NAMES: &[&str] = &[
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
];

fn builtin_kind(v: &Value) -> Option<ExcKind> {
    if let Some(c) = v.downcast::<ExcClassObj>() {
        if let ExcType::Builtin(k) = c.0 {
            return Some(k);
        }
    }
    v.downcast::<crate::stdlib::ExcClassObject>().map(|c| c.0)
}

impl ClassObj {
    /// This class as a value.
    pub fn value(&self) -> Value {
        Value::Object(self.me.upgrade().expect("a live class"))
    }

    /// `[self] + mro` as values.
    pub fn full_mro(&self) -> Vec<Value> {
        let mut v = Vec::with_capacity(self.mro.len() + 1);
        v.push(self.value());
        v.extend(self.mro.iter().cloned());
        v
    }

    /// Whether this class or one of its bases is a dataclass.
    fn dataclass_in_mro(&self) -> bool {
        self.dataclass.borrow().is_some()
            || self.mro.iter().any(|c| {
                c.downcast::<ClassObj>()
                    .is_some_and(|u| u.dataclass.borrow().is_some())
            })
    }

    fn find(&self, name: &str) -> Option<Found> {
        self.find_from(name, 0)
    }

    /// Looks `name` up in the MRO from position `start` (0 = this class).
    fn find_from(&self, name: &str, start: usize) -> Option<Found> {
        if start == 0 {
            if let Some(v) = self.dict.borrow().get(name) {
                return Some(Found::User(v.clone()));
            }
        }
        for (i, c) in self.mro.iter().enumerate() {
            if i + 1 < start {
                continue;
            }
            if let Some(u) = c.downcast::<ClassObj>() {
                if let Some(v) = u.dict.borrow().get(name) {
                    return Some(Found::User(v.clone()));
                }
            } else if let Some(k) = builtin_kind(c) {
                if BASE_EXCEPTION_NAMES.contains(&name) {
                    return Some(Found::Builtin(k));
                }
            }
        }
        None
    }

    /// A hook defined by a user class of the MRO (`None` when only `object` or a built-in
    /// class provides it).
    pub fn user_hook(&self, name: &str) -> Option<Value> {
        match self.find(name) {
            Some(Found::User(v)) => Some(v),
            _ => None,
        }
    }

    /// A class attribute as stored in the namespaces of the MRO (user classes), unbound.
    pub fn lookup_raw(&self, name: &str) -> Option<Value> {
        self.user_hook(name)
    }

    /// `issubclass(self, other)`.
    pub fn is_subclass_of(&self, other: &ClassObj) -> bool {
        std::ptr::eq(self, other)
            || self.mro.iter().any(|c| {
                c.downcast::<ClassObj>()
                    .is_some_and(|u| std::ptr::eq(u, other))
            })
    }

    fn attr_error(&self, name: &str) -> PyErr {
        PyErr::attribute_error(format!(
            "type object '{}' has no attribute '{}'",
            self.name, name
        ))
    }

    /// `cls.name` (`type.__getattribute__`).
    fn class_getattr(&self, name: &str) -> PyResult<Value> {
        match name {
            "__name__" => return Ok(Value::str(self.name.as_str())),
            "__qualname__" => return Ok(Value::str(self.qualname.as_str())),
            "__bases__" => {
                return Ok(Value::tuple(if self.bases.is_empty() {
                    vec![crate::builtins::type_object("object").unwrap_or_default()]
                } else {
                    self.bases.clone()
                }))
            }
            "__mro__" => {
                let mut v = self.full_mro();
                v.push(crate::builtins::type_object("object").unwrap_or_default());
                return Ok(Value::tuple(v));
            }
            "__class__" => return Ok(crate::builtins::type_object("type").unwrap_or_default()),
            "__doc__"
                if self
                    .dataclass
                    .borrow()
                    .as_ref()
                    .is_some_and(|d| d.doc_unknown) =>
            {
                return Err(crate::ops::unsupported(
                    "the generated `__doc__` of a dataclass (it shows the annotations)",
                ))
            }
            "__dict__"
            | "__annotations__"
            | "__subclasses__"
            | "mro"
            | "__weakref__"
            | "__dataclass_fields__"
            | "__dataclass_params__" => {
                return Err(crate::ops::unsupported(&format!(
                    "the class attribute `{name}`"
                )))
            }
            // A dataclass generates `__match_args__` (unless its body defines one), which is
            // not modelled; a class body's own `__match_args__` is a plain class attribute
            // (read by class patterns in `match`).
            "__match_args__" if self.dataclass_in_mro() => {
                return Err(crate::ops::unsupported(
                    "the `__match_args__` of a dataclass or its subclasses",
                ))
            }
            _ => {}
        }
        match self.find(name) {
            Some(Found::User(v)) => Ok(class_bind(&v, &self.value())),
            Some(Found::Builtin(k)) => builtin_exc_class_attr(k, name),
            None if OBJECT_NAMES.contains(&name) => object_class_attr(&self.value(), name),
            None => Err(self.attr_error(name)),
        }
    }
}

/// A class attribute as `cls.name` returns it: classmethods bound to the class, other
/// descriptors' `__get__(None, cls)`.
fn class_bind(v: &Value, cls: &Value) -> Value {
    if let Some(cm) = v.downcast::<ClassMethod>() {
        return bind(cm.0.clone(), cls.clone());
    }
    if let Some(sm) = v.downcast::<StaticMethod>() {
        return sm.0.clone();
    }
    v.clone()
}

fn builtin_exc_class_attr(k: ExcKind, name: &str) -> PyResult<Value> {
    let _ = k;
    Err(crate::ops::unsupported(&format!(
        "the class attribute `{name}` of an exception class"
    )))
}

/// `C.__init__`, `C.__setattr__`… of `object`, read through a user class.
fn object_class_attr(cls: &Value, name: &str) -> PyResult<Value> {
    let _ = cls;
    match object_attr(name) {
        Some(v) => Ok(v),
        None => Err(crate::ops::unsupported(&format!(
            "the attribute `{name}` that classes inherit from `object`"
        ))),
    }
}

impl PyObject for ClassObj {
    fn type_name(&self) -> &str {
        "type"
    }
    // The module name is the one CPython gives the module (a detection's id, a helper's
    // GlobalID), so the repr is exact.
    fn repr(&self) -> String {
        format!("<class '{}.{}'>", self.module, self.qualname)
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        self.class_getattr(name)
    }
    fn setattr(&self, name: &str, value: Value) -> PyResult<()> {
        check_dynamic_hook(name)?;
        if matches!(
            name,
            "__name__" | "__qualname__" | "__bases__" | "__class__"
        ) {
            return Err(crate::ops::unsupported(&format!(
                "assigning the class attribute `{name}`"
            )));
        }
        self.dict.borrow_mut().insert(name.to_string(), value);
        Ok(())
    }
    fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        instantiate(&self.value(), args, kwargs)
    }
    fn instancecheck(&self, v: &Value) -> Option<bool> {
        Some(match v.downcast::<Instance>() {
            Some(inst) => inst.cls().is_subclass_of(self),
            None => false,
        })
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(
            other
                .downcast::<ClassObj>()
                .is_some_and(|o| std::ptr::eq(o, self)),
        )
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const ClassObj as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A special name set on a class or instance at run time must be one the runtime consults.
fn check_dynamic_hook(name: &str) -> PyResult<()> {
    if name.starts_with("__") && name.ends_with("__") && !SUPPORTED_HOOKS.contains(&name) {
        return Err(crate::ops::unsupported(&format!(
            "setting the special attribute `{name}`"
        )));
    }
    Ok(())
}

/// An identity key for the C3 merge.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MroKey {
    User(*const ClassObj),
    Builtin(ExcKind),
}

fn mro_key(v: &Value) -> Option<MroKey> {
    if let Some(c) = v.downcast::<ClassObj>() {
        return Some(MroKey::User(c as *const ClassObj));
    }
    builtin_kind(v).map(MroKey::Builtin)
}

/// The linearisation of a base: itself, then its MRO.
fn linearisation(base: &Value) -> Vec<Value> {
    if let Some(c) = base.downcast::<ClassObj>() {
        return c.full_mro();
    }
    let mut out = Vec::new();
    let mut k = builtin_kind(base);
    while let Some(kind) = k {
        out.push(crate::exc::builtin_exc(kind));
        k = kind.parent();
    }
    out
}

/// C3: `merge(L(B1), …, L(Bn), [B1, …, Bn])`.
fn c3(bases: &[Value]) -> PyResult<Vec<Value>> {
    let mut seqs: Vec<Vec<Value>> = bases.iter().map(linearisation).collect();
    seqs.push(bases.to_vec());
    let mut out: Vec<Value> = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Ok(out);
        }
        let mut chosen = None;
        for s in &seqs {
            let head = &s[0];
            let hk = mro_key(head);
            let in_tail = seqs.iter().any(|t| t[1..].iter().any(|x| mro_key(x) == hk));
            if !in_tail {
                chosen = Some(head.clone());
                break;
            }
        }
        let Some(c) = chosen else {
            let names: Vec<String> = bases.iter().map(class_name).collect();
            return Err(PyErr::type_error(format!(
                "Cannot create a consistent method resolution\norder (MRO) for bases {}",
                names.join(", ")
            )));
        };
        let ck = mro_key(&c);
        for s in seqs.iter_mut() {
            if mro_key(&s[0]) == ck {
                s.remove(0);
            }
        }
        out.push(c);
    }
}

fn class_name(v: &Value) -> String {
    if let Some(c) = v.downcast::<ClassObj>() {
        return c.name.clone();
    }
    match builtin_kind(v) {
        Some(k) => k.name().to_string(),
        None => v.type_name().to_string(),
    }
}

/// `class Name(*bases): <namespace>` — builds the class object as `type.__new__` does, then
/// fills the `__class__` cell and runs `__init_subclass__` of the parent.
#[allow(clippy::too_many_arguments)]
pub fn new_class(
    name: &str,
    qualname: &str,
    module: &str,
    bases: Vec<Value>,
    keywords: Vec<(String, Value)>,
    ns: IndexMap<String, Value>,
    annotations: Vec<(String, AnnKind)>,
    cell: Option<&Value>,
) -> PyResult<Value> {
    let mut explicit = Vec::new();
    for b in bases {
        if b.downcast::<ClassObj>().is_some() || builtin_kind(&b).is_some() {
            explicit.push(b);
        } else if b
            .downcast::<crate::value::TypeObject>()
            .is_some_and(|t| t.name == "object" && t.module == "builtins")
        {
            // `class C(object)` is `class C`, except in `__bases__`, which ferrule builds
            // without it.
            if explicit.is_empty() {
                continue;
            }
            return Err(crate::ops::unsupported("`object` listed after other bases"));
        } else if crate::builtins::is_type(&b) {
            return Err(crate::ops::unsupported(&format!(
                "subclassing `{}`",
                crate::fmt::repr(&b)
            )));
        } else {
            return Err(crate::ops::unsupported(&format!(
                "a class base that is a '{}' object",
                b.type_name()
            )));
        }
    }
    for (i, b) in explicit.iter().enumerate() {
        if explicit[..i].iter().any(|x| mro_key(x) == mro_key(b)) {
            return Err(PyErr::type_error(format!(
                "duplicate base class {}",
                class_name(b)
            )));
        }
    }
    let mro = c3(&explicit)?;
    // Exception classes: every built-in exception class of the MRO must derive from one of
    // them (ferrule models one layout per class).
    let builtins: Vec<ExcKind> = mro.iter().filter_map(builtin_kind).collect();
    let exc_base = match builtins.first() {
        None => None,
        Some(&most) => {
            if !builtins.iter().all(|k| most.is_subclass_of(*k)) {
                return Err(crate::ops::unsupported(
                    "a class deriving from unrelated built-in exception classes",
                ));
            }
            Some(most)
        }
    };
    let mut ns = ns;
    // `__eq__` without `__hash__` makes instances unhashable.
    if ns.contains_key("__eq__") && !ns.contains_key("__hash__") {
        ns.insert("__hash__".into(), Value::None);
    }
    // `__new__`, `__init_subclass__` and `__class_getitem__` are implicitly static/class
    // methods.
    if let Some(f) = ns.get("__new__").cloned() {
        if matches!(f, Value::Func(_)) {
            ns.insert("__new__".into(), Value::object(StaticMethod(f)));
        }
    }
    if let Some(f) = ns.get("__init_subclass__").cloned() {
        if matches!(f, Value::Func(_)) {
            ns.insert("__init_subclass__".into(), Value::object(ClassMethod(f)));
        }
    }
    ns.entry("__module__".into())
        .or_insert_with(|| Value::str(module));
    ns.entry("__doc__".into()).or_insert(Value::None);
    ns.shift_remove("__qualname__");
    let rc = Rc::new_cyclic(|me: &Weak<ClassObj>| ClassObj {
        name: name.to_string(),
        qualname: qualname.to_string(),
        module: module.to_string(),
        bases: explicit.clone(),
        mro,
        dict: RefCell::new(ns),
        exc: exc_base.map(|k| {
            Rc::new(ExcClass {
                name: name.to_string(),
                builtin_base: k,
                user_base: None,
                class: me.clone(),
            })
        }),
        annotations,
        dataclass: RefCell::new(None),
        me: me.clone(),
    });
    let cls = Value::Object(rc.clone());
    if let Some(cell) = cell.and_then(|c| c.downcast::<ClassCell>()) {
        *cell.0.borrow_mut() = Some(cls.clone());
    }
    // `super().__init_subclass__(**kwargs)`: the first definition after this class.
    match rc.find_from("__init_subclass__", 1) {
        Some(Found::User(f)) => {
            let kw: Vec<(&str, Value)> = keywords
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            let f = match f.downcast::<ClassMethod>() {
                Some(cm) => cm.0.clone(),
                None => f,
            };
            crate::ops::call(&f, std::slice::from_ref(&cls), &kw)?;
        }
        _ => {
            if !keywords.is_empty() {
                return Err(PyErr::type_error(format!(
                    "{qualname}.__init_subclass__() takes no keyword arguments"
                )));
            }
        }
    }
    Ok(cls)
}

// ---------------------------------------------------------------------------------------
// Instances
// ---------------------------------------------------------------------------------------

/// An instance of a [`ClassObj`].
pub struct Instance {
    pub class: Value,
    pub dict: RefCell<IndexMap<String, Value>>,
    /// Exception state, for instances of exception classes.
    pub exc: Option<ExcState>,
    me: Weak<Instance>,
}

/// A bare instance of `cls` (`object.__new__(cls)`; `BaseException.__new__` stores `args`).
fn alloc(cls: &Value, args: &[Value]) -> Value {
    let is_exc = cls.downcast::<ClassObj>().is_some_and(|c| c.exc.is_some());
    Value::Object(Rc::new_cyclic(|me: &Weak<Instance>| Instance {
        class: cls.clone(),
        dict: RefCell::new(IndexMap::new()),
        exc: is_exc.then(|| ExcState::new(args.to_vec())),
        me: me.clone(),
    }))
}

impl Instance {
    pub fn cls(&self) -> &ClassObj {
        self.class
            .downcast::<ClassObj>()
            .expect("instance of a class object")
    }

    /// This instance as a value.
    pub fn this(&self) -> Value {
        Value::Object(self.me.upgrade().expect("a live instance"))
    }

    /// The exception this instance raises as.
    pub fn to_err(&self, this: &Value) -> Option<PyErr> {
        let exc = self.cls().exc.clone()?;
        let args = self
            .exc
            .as_ref()
            .map(|s| s.args.borrow().clone())
            .unwrap_or_default();
        let mut e = PyErr::with_args(ExcType::User(exc), args);
        e.instance = Some(this.clone());
        Some(e)
    }

    /// Calls hook `attr` (found on the class) with this instance as `self`.
    fn call_hook(&self, attr: &Value, args: &[Value]) -> PyResult<Value> {
        call_bound(attr, &self.this(), &self.class, args, &[])
    }

    /// Calls the user hook `name` if the class defines one.
    fn hook(&self, name: &str, args: &[Value]) -> Option<PyResult<Value>> {
        let f = self.cls().user_hook(name)?;
        Some(self.call_hook(&f, args))
    }

    /// `object.__getattribute__(self, name)`.
    pub fn generic_getattr(&self, name: &str) -> PyResult<Value> {
        let this = self.this();
        let found = match name {
            "__class__" => return Ok(self.class.clone()),
            "__dict__" => {
                return Err(crate::ops::unsupported(
                    "the `__dict__` of an instance (a live view of its attributes)",
                ))
            }
            _ => self.cls().find(name),
        };
        // Data descriptors of the class come first.
        match &found {
            Some(Found::User(v)) => {
                if let Some(p) = v.downcast::<Property>() {
                    if p.fget.is_none() {
                        return Err(PyErr::attribute_error(format!(
                            "property '{}' of '{}' object has no getter",
                            name,
                            self.cls().name
                        )));
                    }
                    return crate::ops::call(&p.fget, std::slice::from_ref(&this), &[]);
                }
            }
            Some(Found::Builtin(_)) => {
                if let Some(st) = &self.exc {
                    if let Some(r) = st.getattr(name) {
                        return r;
                    }
                }
            }
            None => {}
        }
        if let Some(v) = self.dict.borrow().get(name) {
            return Ok(v.clone());
        }
        match found {
            Some(Found::User(v)) => Ok(instance_bind(&v, &this, &self.class)),
            Some(Found::Builtin(k)) => builtin_exc_method(k, &this, name),
            None if OBJECT_NAMES.contains(&name) => object_method(&this, name),
            None => Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute '{}'",
                self.cls().name,
                name
            ))),
        }
    }

    /// `object.__setattr__(self, name, value)`.
    pub fn generic_setattr(&self, name: &str, value: Value) -> PyResult<()> {
        if name == "__class__" || name == "__dict__" {
            return Err(crate::ops::unsupported(&format!(
                "assigning `{name}` of an instance"
            )));
        }
        match self.cls().find(name) {
            Some(Found::User(v)) => {
                if let Some(p) = v.downcast::<Property>() {
                    if p.fset.is_none() {
                        return Err(PyErr::attribute_error(format!(
                            "property '{}' of '{}' object has no setter",
                            name,
                            self.cls().name
                        )));
                    }
                    return crate::ops::call(&p.fset, &[self.this(), value], &[]).map(|_| ());
                }
            }
            Some(Found::Builtin(_)) => {
                if let Some(st) = &self.exc {
                    if let Some(r) = st.setattr(name, &value) {
                        return r;
                    }
                }
            }
            None => {}
        }
        check_dynamic_hook(name)?;
        self.dict.borrow_mut().insert(name.to_string(), value);
        Ok(())
    }

    /// `object.__delattr__(self, name)`.
    pub fn generic_delattr(&self, name: &str) -> PyResult<()> {
        if let Some(Found::User(v)) = self.cls().find(name) {
            if let Some(p) = v.downcast::<Property>() {
                if p.fdel.is_none() {
                    return Err(PyErr::attribute_error(format!(
                        "property '{}' of '{}' object has no deleter",
                        name,
                        self.cls().name
                    )));
                }
                return crate::ops::call(&p.fdel, &[self.this()], &[]).map(|_| ());
            }
        }
        match self.dict.borrow_mut().shift_remove(name) {
            Some(_) => Ok(()),
            None => Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute '{}'",
                self.cls().name,
                name
            ))),
        }
    }

    /// `x.name`, with `__getattribute__` and `__getattr__`.
    fn get_attribute(&self, name: &str) -> PyResult<Value> {
        let c = self.cls();
        let r = match c.user_hook("__getattribute__") {
            Some(h) => self.call_hook(&h, &[Value::str(name)]),
            None => self.generic_getattr(name),
        };
        match r {
            Err(e) if e.matches(ExcKind::AttributeError) => match c.user_hook("__getattr__") {
                Some(h) => self.call_hook(&h, &[Value::str(name)]),
                None => Err(e),
            },
            r => r,
        }
    }

    /// `len(x)` through `__len__`.
    fn len_hook(&self, f: &Value) -> PyResult<usize> {
        let r = self.call_hook(f, &[])?;
        let n = crate::ops::as_index(&r).ok_or_else(|| {
            PyErr::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                r.type_name()
            ))
        })?;
        if n < 0 {
            return Err(PyErr::value_error("__len__() should return >= 0"));
        }
        Ok(n as usize)
    }

    /// `repr(x)`.
    fn repr_res(&self) -> PyResult<String> {
        match self.hook("__repr__", &[]) {
            Some(r) => match r? {
                Value::Str(s) => Ok(s.to_string()),
                other => Err(PyErr::type_error(format!(
                    "__repr__ returned non-string (type {})",
                    other.type_name()
                ))),
            },
            None => match self.to_err(&self.this()) {
                Some(e) => Ok(e.args_repr()),
                None => Err(crate::ops::unsupported(&format!(
                    "the repr() of a '{}' instance (CPython's shows its address)",
                    self.cls().name
                ))),
            },
        }
    }

    /// `str(x)`.
    fn str_res(&self) -> PyResult<String> {
        match self.cls().find("__str__") {
            Some(Found::User(f)) => match self.call_hook(&f, &[])? {
                Value::Str(s) => Ok(s.to_string()),
                other => Err(PyErr::type_error(format!(
                    "__str__ returned non-string (type {})",
                    other.type_name()
                ))),
            },
            Some(Found::Builtin(_)) => match self.to_err(&self.this()) {
                Some(e) => Ok(e.args_str()),
                None => self.repr_res(),
            },
            None => self.repr_res(),
        }
    }

    /// `hash(x)`: `None` when unhashable.
    pub fn hash_res(&self) -> PyResult<Option<i64>> {
        Ok(self.py_hash()?.map(|h| h.value))
    }

    /// `hash(x)` and whether it is CPython's exactly; `None` when unhashable.
    pub fn py_hash(&self) -> PyResult<Option<crate::pyhash::PyHash>> {
        let exact = |value| crate::pyhash::PyHash { value, exact: true };
        match self.cls().find("__hash__") {
            Some(Found::User(Value::None)) => Ok(None),
            Some(Found::User(f)) if f.downcast::<crate::dataclass::DataclassHash>().is_some() => {
                let dh = f
                    .downcast::<crate::dataclass::DataclassHash>()
                    .expect("checked");
                dh.hash_of(&self.this()).map(Some)
            }
            Some(Found::User(f)) => {
                let r = self.call_hook(&f, &[])?;
                let h = match &r {
                    Value::Int(i) => *i,
                    Value::Bool(b) => *b as i64,
                    _ => {
                        return Err(PyErr::type_error(
                            "__hash__ method should return an integer",
                        ))
                    }
                };
                // `slot_tp_hash`: the int itself (it fits a Py_hash_t), -1 becoming -2.
                Ok(Some(exact(if h == -1 { -2 } else { h })))
            }
            _ => Ok(Some(crate::pyhash::PyHash {
                value: self as *const Instance as usize as i64,
                exact: false,
            })),
        }
    }

    /// Whether the class's `__hash__` is not None (`isinstance(x, Hashable)`).
    pub fn hashable(&self) -> bool {
        !matches!(self.cls().find("__hash__"), Some(Found::User(Value::None)))
    }

    fn has_user_hash(&self) -> bool {
        matches!(self.cls().find("__hash__"), Some(Found::User(v)) if !v.is_none())
    }

    /// Iterating `x`: the iterator `__iter__` returns, or the `__getitem__` sequence
    /// protocol.
    pub fn iterator(&self) -> Option<PyResult<Value>> {
        let c = self.cls();
        if let Some(f) = c.user_hook("__iter__") {
            if f.is_none() {
                return Some(Err(crate::ops::not_iterable(&self.this())));
            }
            return Some(self.call_hook(&f, &[]).and_then(|it| {
                if is_iterator(&it) {
                    Ok(it)
                } else {
                    Err(PyErr::type_error(format!(
                        "iter() returned non-iterator of type '{}'",
                        it.type_name()
                    )))
                }
            }));
        }
        if c.user_hook("__getitem__").is_some() {
            return Some(Ok(Value::object(SeqIter {
                obj: self.this(),
                index: std::cell::Cell::new(0),
                done: std::cell::Cell::new(false),
            })));
        }
        None
    }
}

/// Whether `v` is an iterator (has `__next__`).
fn is_iterator(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.is_iterator(),
        _ => false,
    }
}

/// The iterator of an object that only has `__getitem__`: items 0, 1, … until IndexError.
struct SeqIter {
    obj: Value,
    index: std::cell::Cell<i64>,
    done: std::cell::Cell<bool>,
}

impl PyObject for SeqIter {
    fn type_name(&self) -> &str {
        "iterator"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn is_iterator(&self) -> bool {
        true
    }
    fn next(&self) -> Option<PyResult<Option<Value>>> {
        if self.done.get() {
            return Some(Ok(None));
        }
        let i = self.index.get();
        Some(match crate::ops::getitem(&self.obj, &Value::Int(i)) {
            Ok(v) => {
                self.index.set(i + 1);
                Ok(Some(v))
            }
            Err(e) if e.matches(ExcKind::IndexError) || e.matches(ExcKind::StopIteration) => {
                self.done.set(true);
                Ok(None)
            }
            Err(e) => Err(e),
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A class attribute as `instance.name` returns it (`function.__get__` and friends).
fn instance_bind(v: &Value, this: &Value, cls: &Value) -> Value {
    match v {
        Value::Func(f) if f.is_python() => bind(v.clone(), this.clone()),
        Value::Object(o) => {
            if let Some(cm) = o.as_any().downcast_ref::<ClassMethod>() {
                return bind(cm.0.clone(), cls.clone());
            }
            if let Some(sm) = o.as_any().downcast_ref::<StaticMethod>() {
                return sm.0.clone();
            }
            v.clone()
        }
        _ => v.clone(),
    }
}

/// Calls class attribute `attr` as a method of `this` (what `type(this).attr(this, …)` does
/// after descriptor binding).
fn call_bound(
    attr: &Value,
    this: &Value,
    cls: &Value,
    args: &[Value],
    kwargs: Kwargs,
) -> PyResult<Value> {
    match attr {
        Value::Func(f) if f.is_python() => {
            let mut full = Vec::with_capacity(args.len() + 1);
            full.push(this.clone());
            full.extend_from_slice(args);
            crate::ops::call(attr, &full, kwargs)
        }
        Value::Object(o) => {
            if let Some(cm) = o.as_any().downcast_ref::<ClassMethod>() {
                let mut full = Vec::with_capacity(args.len() + 1);
                full.push(cls.clone());
                full.extend_from_slice(args);
                return crate::ops::call(&cm.0, &full, kwargs);
            }
            if let Some(sm) = o.as_any().downcast_ref::<StaticMethod>() {
                return crate::ops::call(&sm.0, args, kwargs);
            }
            if let Some(p) = o.as_any().downcast_ref::<Property>() {
                let v = crate::ops::call(&p.fget, std::slice::from_ref(this), &[])?;
                return crate::ops::call(&v, args, kwargs);
            }
            crate::ops::call(attr, args, kwargs)
        }
        _ => crate::ops::call(attr, args, kwargs),
    }
}

/// A method of `BaseException` read through an instance of a user exception class.
fn builtin_exc_method(k: ExcKind, this: &Value, name: &str) -> PyResult<Value> {
    let _ = k;
    let this = this.clone();
    match name {
        "__init__" => Ok(Value::closure("__init__", move |args, kw| {
            base_exception_init(&this, args, kw)
        })),
        "__str__" => Ok(Value::closure("__str__", move |_args, _kw| {
            let inst = this.downcast::<Instance>().expect("instance");
            Ok(Value::from(
                inst.to_err(&this).map(|e| e.args_str()).unwrap_or_default(),
            ))
        })),
        "__repr__" => Ok(Value::closure("__repr__", move |_args, _kw| {
            let inst = this.downcast::<Instance>().expect("instance");
            Ok(Value::from(
                inst.to_err(&this)
                    .map(|e| e.args_repr())
                    .unwrap_or_default(),
            ))
        })),
        _ => Err(crate::ops::unsupported(&format!(
            "the exception method `{name}`"
        ))),
    }
}

/// `BaseException.__init__(self, *args)`.
fn base_exception_init(this: &Value, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let inst = this
        .downcast::<Instance>()
        .ok_or_else(|| PyErr::type_error("descriptor '__init__' requires an exception"))?;
    if !kwargs.is_empty() {
        return Err(PyErr::type_error(format!(
            "{}() takes no keyword arguments",
            inst.cls().name
        )));
    }
    if let Some(st) = &inst.exc {
        *st.args.borrow_mut() = args.to_vec();
    }
    Ok(Value::None)
}

/// A method of `object` read through an instance (`self.__setattr__`).
fn object_method(this: &Value, name: &str) -> PyResult<Value> {
    match object_attr(name) {
        Some(f) => Ok(bind(f, this.clone())),
        None => Err(crate::ops::unsupported(&format!(
            "the attribute `{name}` that instances inherit from `object`"
        ))),
    }
}

/// The functions of the builtin `object` class that ferrule provides (`object.__setattr__`).
pub fn object_attr(name: &str) -> Option<Value> {
    let f: crate::value::NativeFn = match name {
        "__init__" => object_init,
        "__new__" => object_new,
        "__setattr__" => object_setattr,
        "__getattribute__" => object_getattribute,
        "__delattr__" => object_delattr,
        "__eq__" => object_eq,
        "__ne__" => object_ne,
        "__lt__" | "__le__" | "__gt__" | "__ge__" => object_not_implemented,
        "__str__" => object_str,
        "__repr__" => object_repr,
        "__format__" => object_format,
        "__hash__" => object_hash,
        "__init_subclass__" => object_init_subclass,
        _ => return None,
    };
    // Marked as Python code so that a class attribute holding it binds like `object`'s
    // slot wrappers do.
    Some(Value::py_func(name, f))
}

fn expect_instance<'a>(args: &'a [Value], what: &str) -> PyResult<&'a Instance> {
    match args.first() {
        Some(v) => match v.downcast::<Instance>() {
            Some(i) => Ok(i),
            None => Err(crate::ops::unsupported(&format!(
                "`object.{what}` applied to a '{}' object",
                v.type_name()
            ))),
        },
        None => Err(PyErr::type_error(format!(
            "descriptor '{what}' of 'object' object needs an argument"
        ))),
    }
}

fn str_name(v: Option<&Value>) -> PyResult<&str> {
    match v {
        Some(Value::Str(s)) => Ok(s),
        Some(other) => Err(PyErr::type_error(format!(
            "attribute name must be string, not '{}'",
            other.type_name()
        ))),
        None => Err(PyErr::type_error("expected 2 arguments, got 1")),
    }
}

fn object_init(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let inst = expect_instance(args, "__init__")?;
    if args.len() > 1 || !kwargs.is_empty() {
        let c = inst.cls();
        // `object.__init__` accepts arguments only when `__new__` is overridden and
        // `__init__` is not.
        let new_overridden = c.user_hook("__new__").is_some();
        let init_overridden = c.user_hook("__init__").is_some();
        if init_overridden || !new_overridden {
            return Err(if init_overridden {
                PyErr::type_error(
                    "object.__init__() takes exactly one argument (the instance to initialize)",
                )
            } else {
                PyErr::type_error(format!("{}() takes no arguments", c.name))
            });
        }
    }
    Ok(Value::None)
}

fn object_new(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let Some(cls) = args.first() else {
        return Err(PyErr::type_error("object.__new__(): not enough arguments"));
    };
    let Some(c) = cls.downcast::<ClassObj>() else {
        return Err(crate::ops::unsupported(&format!(
            "`object.__new__` of a '{}' object",
            cls.type_name()
        )));
    };
    if args.len() > 1 || !kwargs.is_empty() {
        let new_overridden = c.user_hook("__new__").is_some();
        let init_overridden = c.user_hook("__init__").is_some();
        if new_overridden || !init_overridden {
            return Err(if new_overridden {
                PyErr::type_error(
                    "object.__new__() takes exactly one argument (the type to instantiate)",
                )
            } else {
                PyErr::type_error(format!("{}() takes no arguments", c.name))
            });
        }
    }
    Ok(alloc(cls, &args[1..]))
}

fn object_setattr(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let _ = kwargs;
    let inst = expect_instance(args, "__setattr__")?;
    let name = str_name(args.get(1))?;
    let v = args
        .get(2)
        .cloned()
        .ok_or_else(|| PyErr::type_error("expected 3 arguments, got 2"))?;
    inst.generic_setattr(name, v).map(|_| Value::None)
}

fn object_getattribute(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let _ = kwargs;
    let inst = expect_instance(args, "__getattribute__")?;
    let name = str_name(args.get(1))?;
    inst.generic_getattr(name)
}

fn object_delattr(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let _ = kwargs;
    let inst = expect_instance(args, "__delattr__")?;
    let name = str_name(args.get(1))?;
    inst.generic_delattr(name).map(|_| Value::None)
}

fn object_eq(args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
    match args {
        [a, b] => Ok(if a.is(b) {
            Value::Bool(true)
        } else {
            not_implemented()
        }),
        _ => Err(PyErr::type_error("expected 1 argument")),
    }
}

fn object_ne(args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
    match args {
        [a, b] => {
            let r = slot_call(a, "__eq__", std::slice::from_ref(b))?;
            match r {
                Some(r) if !is_not_implemented(&r) => Ok(Value::Bool(!crate::ops::truthy(&r)?)),
                _ => Ok(not_implemented()),
            }
        }
        _ => Err(PyErr::type_error("expected 1 argument")),
    }
}

fn object_not_implemented(_args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
    Ok(not_implemented())
}

fn object_str(args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
    let inst = expect_instance(args, "__str__")?;
    inst.repr_res().map(Value::from)
}

fn object_repr(args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
    let _ = expect_instance(args, "__repr__")?;
    Err(crate::ops::unsupported(
        "`object.__repr__` (CPython's shows an address)",
    ))
}

fn object_format(args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
    let inst = expect_instance(args, "__format__")?;
    match args.get(1) {
        Some(Value::Str(s)) if s.is_empty() => inst.str_res().map(Value::from),
        Some(Value::Str(_)) => Err(PyErr::type_error(format!(
            "unsupported format string passed to {}.__format__",
            inst.cls().name
        ))),
        _ => Err(PyErr::type_error("format_spec must be a str")),
    }
}

fn object_hash(args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
    let _ = expect_instance(args, "__hash__")?;
    Err(crate::ops::unsupported(
        "`object.__hash__` (CPython's derives from an address)",
    ))
}

fn object_init_subclass(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        let owner = args
            .first()
            .and_then(|c| c.downcast::<ClassObj>())
            .map_or("object".to_string(), |c| c.qualname.clone());
        return Err(PyErr::type_error(format!(
            "{owner}.__init_subclass__() takes no keyword arguments"
        )));
    }
    Ok(Value::None)
}

/// Calls `type(obj).name(obj, *args)` when `obj` is an instance whose class (or `object`)
/// defines `name`; `None` for other objects.
fn slot_call(obj: &Value, name: &str, args: &[Value]) -> PyResult<Option<Value>> {
    let Some(inst) = obj.downcast::<Instance>() else {
        return Ok(None);
    };
    match inst.cls().user_hook(name) {
        Some(f) => inst.call_hook(&f, args).map(Some),
        None => match name {
            "__eq__" => Ok(Some(match args.first() {
                Some(o) if o.is(obj) => Value::Bool(true),
                _ => not_implemented(),
            })),
            "__ne__" => {
                let mut full = vec![obj.clone()];
                full.extend_from_slice(args);
                object_ne(&full, &[]).map(Some)
            }
            _ => Ok(None),
        },
    }
}

/// `Class(*args, **kwargs)`: `__new__`, then `__init__` when `__new__` returned an
/// instance of the class.
pub fn instantiate(class: &Value, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let Some(c) = class.downcast::<ClassObj>() else {
        return Err(PyErr::type_error("not a class"));
    };
    let new = c.user_hook("__new__");
    let init = c.find("__init__");
    let inst = match &new {
        Some(f) => {
            let mut full = vec![class.clone()];
            full.extend_from_slice(args);
            let f = match f.downcast::<StaticMethod>() {
                Some(s) => s.0.clone(),
                None => f.clone(),
            };
            crate::ops::call(&f, &full, kwargs)?
        }
        None => {
            // `object.__new__`'s argument check (BaseException.__new__ takes any
            // positional arguments).
            if c.exc.is_none() && (!args.is_empty() || !kwargs.is_empty()) && init.is_none() {
                return Err(PyErr::type_error(format!(
                    "{}() takes no arguments",
                    c.name
                )));
            }
            alloc(class, args)
        }
    };
    let ok = inst
        .downcast::<Instance>()
        .is_some_and(|i| i.cls().is_subclass_of(c));
    if !ok {
        return Ok(inst);
    }
    match init {
        Some(Found::User(f)) => {
            let r = call_bound(&f, &inst, class, args, kwargs)?;
            if !r.is_none() {
                return Err(PyErr::type_error(format!(
                    "__init__() should return None, not '{}'",
                    r.type_name()
                )));
            }
        }
        Some(Found::Builtin(_)) => {
            if !kwargs.is_empty() {
                return Err(PyErr::type_error(format!(
                    "{}() takes no keyword arguments",
                    c.name
                )));
            }
            if let Some(st) = inst.downcast::<Instance>().and_then(|i| i.exc.as_ref()) {
                *st.args.borrow_mut() = args.to_vec();
            }
        }
        None => {
            if new.is_some() && !args.is_empty() {
                // object.__init__ ignores arguments when __new__ is overridden.
            }
        }
    }
    Ok(inst)
}

impl PyObject for Instance {
    fn repr_exact(&self) -> bool {
        // repr() itself refuses when CPython would show an address.
        true
    }
    fn type_name(&self) -> &str {
        &self.cls().name
    }
    fn repr(&self) -> String {
        if hooks_blocked() {
            return String::new();
        }
        self.repr_res().unwrap_or_else(|e| {
            hook_failed(e, "__repr__");
            String::new()
        })
    }
    fn str(&self) -> String {
        if hooks_blocked() {
            return String::new();
        }
        self.str_res().unwrap_or_else(|e| {
            hook_failed(e, "__str__");
            String::new()
        })
    }
    fn truthy(&self) -> PyResult<bool> {
        let c = self.cls();
        if let Some(f) = c.user_hook("__bool__") {
            return match self.call_hook(&f, &[])? {
                Value::Bool(b) => Ok(b),
                other => Err(PyErr::type_error(format!(
                    "__bool__ should return bool, returned {}",
                    other.type_name()
                ))),
            };
        }
        if let Some(f) = c.user_hook("__len__") {
            return Ok(self.len_hook(&f)? != 0);
        }
        Ok(true)
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        self.get_attribute(name)
    }
    fn setattr(&self, name: &str, value: Value) -> PyResult<()> {
        match self.cls().user_hook("__setattr__") {
            Some(h) => self.call_hook(&h, &[Value::str(name), value]).map(|_| ()),
            None => self.generic_setattr(name, value),
        }
    }
    fn delattr(&self, name: &str) -> PyResult<()> {
        match self.cls().user_hook("__delattr__") {
            Some(h) => self.call_hook(&h, &[Value::str(name)]).map(|_| ()),
            None => self.generic_delattr(name),
        }
    }
    fn has_method(&self, name: &str) -> bool {
        let _ = name;
        false
    }
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        // The common case, a function of the class not shadowed by the instance, is called
        // without building a bound method.
        let c = self.cls();
        if c.user_hook("__getattribute__").is_none() {
            if let Some(Found::User(f)) = c.find(name) {
                if matches!(&f, Value::Func(func) if func.is_python())
                    && !self.dict.borrow().contains_key(name)
                {
                    return call_bound(&f, this, &self.class, args, kwargs);
                }
            }
        }
        let f = self.get_attribute(name)?;
        crate::ops::call(&f, args, kwargs)
    }
    fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        match self.cls().user_hook("__call__") {
            Some(f) => call_bound(&f, &self.this(), &self.class, args, kwargs),
            None => Err(PyErr::type_error(format!(
                "'{}' object is not callable",
                self.cls().name
            ))),
        }
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        // Reached only from infallible protocols (dict keys); `==` goes through
        // `rich_compare`.
        if hooks_blocked() {
            return Some(false);
        }
        match rich_compare(crate::ops::CmpOp::Eq, &self.this(), other)
            .and_then(|v| crate::ops::truthy(&v))
        {
            Ok(b) => Some(b),
            Err(e) => {
                hook_failed(e, "__eq__");
                Some(false)
            }
        }
    }
    fn hash(&self) -> Option<u64> {
        match self.cls().find("__hash__") {
            Some(Found::User(Value::None)) => None,
            _ if !self.has_user_hash() => Some(self as *const Instance as usize as u64),
            _ => {
                if hooks_blocked() {
                    return Some(0);
                }
                match self.hash_res() {
                    Ok(h) => h.map(|h| h as u64),
                    Err(e) => {
                        hook_failed(e, "__hash__");
                        Some(0)
                    }
                }
            }
        }
    }
    fn exact_hash(&self) -> Option<i64> {
        if !self.has_user_hash() || hooks_blocked() {
            return None;
        }
        match self.py_hash() {
            Ok(h) => h.filter(|h| h.exact).map(|h| h.value),
            Err(e) => {
                hook_failed(e, "__hash__");
                None
            }
        }
    }
    fn len(&self) -> Option<PyResult<usize>> {
        let f = self.cls().user_hook("__len__")?;
        Some(self.len_hook(&f))
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        let it = match self.iterator()? {
            Ok(it) => it,
            Err(e) => return Some(Err(e)),
        };
        let mut out = Vec::new();
        loop {
            match next_of(&it) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => return Some(Ok(out)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
    fn iterator(&self) -> Option<PyResult<Value>> {
        Instance::iterator(self)
    }
    fn is_iterator(&self) -> bool {
        self.cls().user_hook("__next__").is_some()
    }
    fn next(&self) -> Option<PyResult<Option<Value>>> {
        Some(match self.hook("__next__", &[])? {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.matches(ExcKind::StopIteration) => Ok(None),
            Err(e) => Err(e),
        })
    }
    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        self.hook("__getitem__", std::slice::from_ref(key))
    }
    fn setitem(&self, key: &Value, value: Value) -> Option<PyResult<()>> {
        self.hook("__setitem__", &[key.clone(), value])
            .map(|r| r.map(|_| ()))
    }
    fn delitem(&self, key: &Value) -> Option<PyResult<()>> {
        self.hook("__delitem__", std::slice::from_ref(key))
            .map(|r| r.map(|_| ()))
    }
    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        if let Some(r) = self.hook("__contains__", std::slice::from_ref(item)) {
            return Some(r.and_then(|v| crate::ops::truthy(&v)));
        }
        // Without `__contains__`, `in` iterates lazily and stops at the first match.
        let it = match self.iterator()? {
            Ok(it) => it,
            Err(e) => return Some(Err(e)),
        };
        loop {
            match next_of(&it) {
                Ok(Some(v)) => match crate::ops::eq_checked(&v, item) {
                    Ok(true) => return Some(Ok(true)),
                    Ok(false) => {}
                    Err(e) => return Some(Err(e)),
                },
                Ok(None) => return Some(Ok(false)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
    fn format(&self, spec: &str) -> Option<PyResult<String>> {
        let r = match self.cls().user_hook("__format__") {
            Some(f) => self
                .call_hook(&f, &[Value::str(spec)])
                .and_then(|v| match v {
                    Value::Str(s) => Ok(s.to_string()),
                    other => Err(PyErr::type_error(format!(
                        "__format__ must return a str, not {}",
                        other.type_name()
                    ))),
                }),
            None if spec.is_empty() => self.str_res(),
            None => Err(PyErr::type_error(format!(
                "unsupported format string passed to {}.__format__",
                self.cls().name
            ))),
        };
        Some(r)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `next(it)`: `None` when the iterator is exhausted.
pub fn next_of(it: &Value) -> PyResult<Option<Value>> {
    crate::iter::next(it)
}

// ---------------------------------------------------------------------------------------
// Operators on instances
// ---------------------------------------------------------------------------------------

fn user_class(v: &Value) -> Option<&ClassObj> {
    v.downcast::<Instance>().map(|i| i.cls())
}

/// Whether `b`'s class is a proper subclass of `a`'s that overrides `hook`, so that its
/// reflected method is tried first.
fn reflected_first(a: &Value, b: &Value, hook: &str) -> bool {
    match (user_class(a), user_class(b)) {
        (Some(ca), Some(cb)) => {
            !std::ptr::eq(ca, cb) && cb.is_subclass_of(ca) && cb.user_hook(hook).is_some()
        }
        // A user class is never a subclass of a built-in non-exception type.
        _ => false,
    }
}

/// `a <op> b` for a comparison operator when either operand is a user instance: the
/// hooks with CPython's reflection rules (`__lt__` ↔ `__gt__`, `__eq__` ↔ `__eq__`), then
/// identity for `==`/`!=`, else TypeError. The value is whatever the hook returned.
pub fn rich_compare(op: crate::ops::CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
    use crate::ops::CmpOp;
    let (name, swapped, sym) = match op {
        CmpOp::Eq => ("__eq__", "__eq__", "=="),
        CmpOp::Ne => ("__ne__", "__ne__", "!="),
        CmpOp::Lt => ("__lt__", "__gt__", "<"),
        CmpOp::Le => ("__le__", "__ge__", "<="),
        CmpOp::Gt => ("__gt__", "__lt__", ">"),
        CmpOp::Ge => ("__ge__", "__le__", ">="),
        _ => return Err(PyErr::type_error("not a rich comparison")),
    };
    let mut checked_reverse = false;
    if reflected_first(a, b, swapped) {
        checked_reverse = true;
        if let Some(r) = slot_call(b, swapped, std::slice::from_ref(a))? {
            if !is_not_implemented(&r) {
                return Ok(r);
            }
        }
    }
    match slot_call(a, name, std::slice::from_ref(b))? {
        Some(r) if !is_not_implemented(&r) => return Ok(r),
        Some(_) => {}
        None => {
            // A built-in left operand: its own comparison with a user instance is
            // NotImplemented, except for identical objects under `==`.
            if !matches!(a, Value::Object(_)) || a.downcast::<Instance>().is_none() {
                if let Some(r) = builtin_side(op, a, b) {
                    return r;
                }
            }
        }
    }
    if !checked_reverse {
        if let Some(r) = slot_call(b, swapped, std::slice::from_ref(a))? {
            if !is_not_implemented(&r) {
                return Ok(r);
            }
        }
    }
    match op {
        CmpOp::Eq => Ok(Value::Bool(a.is(b))),
        CmpOp::Ne => Ok(Value::Bool(!a.is(b))),
        _ => Err(PyErr::type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            sym,
            a.type_name(),
            b.type_name()
        ))),
    }
}

/// The comparison a built-in left operand defines against a user instance: always
/// NotImplemented (`None`), as no built-in type knows user classes.
fn builtin_side(op: crate::ops::CmpOp, a: &Value, b: &Value) -> Option<PyResult<Value>> {
    let _ = (op, a, b);
    None
}

/// `a <op> b` (or `a <op>= b` when `inplace`) when either operand is a user instance;
/// `None` when neither defines the operator, for the caller's TypeError.
pub fn binop(op: BinOp, a: &Value, b: &Value, inplace: bool) -> Option<PyResult<Value>> {
    let (fwd, refl, inpl) = binop_hooks(op);
    if inplace {
        if let Some(c) = user_class(a) {
            if let Some(f) = c.user_hook(inpl) {
                let inst = a.downcast::<Instance>().expect("instance");
                match inst.call_hook(&f, std::slice::from_ref(b)) {
                    Ok(r) if is_not_implemented(&r) => {}
                    r => return Some(r),
                }
            }
        }
    }
    let call = |x: &Value, name: &str, y: &Value| -> Option<PyResult<Value>> {
        let inst = x.downcast::<Instance>()?;
        let f = inst.cls().user_hook(name)?;
        Some(inst.call_hook(&f, std::slice::from_ref(y)))
    };
    let same_type = match (user_class(a), user_class(b)) {
        (Some(x), Some(y)) => std::ptr::eq(x, y),
        _ => false,
    };
    let mut tried_reflected = false;
    if reflected_first(a, b, refl) {
        tried_reflected = true;
        match call(b, refl, a) {
            Some(Ok(r)) if is_not_implemented(&r) => {}
            Some(r) => return Some(r),
            None => {}
        }
    }
    match call(a, fwd, b) {
        Some(Ok(r)) if is_not_implemented(&r) => {}
        Some(r) => return Some(r),
        None => {}
    }
    if !tried_reflected && !same_type {
        match call(b, refl, a) {
            Some(Ok(r)) if is_not_implemented(&r) => {}
            Some(r) => return Some(r),
            None => {}
        }
    }
    // Neither operand handles it: the built-in types' own rules (sequence concatenation
    // and repetition) and errors follow.
    None
}

/// `-x`, `+x`, `~x`, `abs(x)` on a user instance.
pub fn unary(hook: &str, v: &Value) -> Option<PyResult<Value>> {
    let inst = v.downcast::<Instance>()?;
    let f = inst.cls().user_hook(hook)?;
    Some(inst.call_hook(&f, &[]))
}

// ---------------------------------------------------------------------------------------
// super()
// ---------------------------------------------------------------------------------------

/// `super(cls, obj)`: attribute lookups start after `cls` in the MRO of `obj`'s class (or
/// of `obj` itself when it is a class).
pub struct SuperProxy {
    start: Value,
    obj: Value,
}

/// `super()` in a method: `cell` is the method's `__class__` cell (or the class itself),
/// `this` its first argument.
pub fn super_of(cell: &Value, this: &Value) -> PyResult<Value> {
    // A PyPanther rule class: its method resolution order was settled at compile time.
    if cell.downcast::<crate::rule_class::RuleClass>().is_some() {
        return crate::rule_class::super_of(cell, this);
    }
    if let Value::Str(key) = cell {
        return crate::rule_class::super_of_key(key, this);
    }
    let cls =
        match cell.downcast::<ClassCell>() {
            Some(c) => c.0.borrow().clone().ok_or_else(|| {
                PyErr::new(ExcKind::RuntimeError, "super(): empty __class__ cell")
            })?,
            None => cell.clone(),
        };
    super_new(&cls, this)
}

/// `super(type, obj)`.
pub fn super_new(cls: &Value, obj: &Value) -> PyResult<Value> {
    let Some(c) = cls.downcast::<ClassObj>() else {
        if builtin_kind(cls).is_some() {
            return Err(crate::ops::unsupported("`super()` from a built-in class"));
        }
        return Err(PyErr::type_error(format!(
            "super() argument 1 must be a type, not {}",
            cls.type_name()
        )));
    };
    let ok = match obj.downcast::<Instance>() {
        Some(i) => i.cls().is_subclass_of(c),
        None => obj
            .downcast::<ClassObj>()
            .is_some_and(|o| o.is_subclass_of(c)),
    };
    if !ok {
        return Err(PyErr::type_error(
            "super(type, obj): obj must be an instance or subtype of type",
        ));
    }
    Ok(Value::object(SuperProxy {
        start: cls.clone(),
        obj: obj.clone(),
    }))
}

/// `super(...)` called as a builtin with explicit arguments.
pub fn super_builtin(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error("super() takes no keyword arguments"));
    }
    match args {
        [cls, obj] => super_new(cls, obj),
        _ => Err(crate::ops::unsupported(
            "`super` with other than two arguments outside a method",
        )),
    }
}

impl SuperProxy {
    /// The class whose MRO is searched, and the position after `start` in it.
    fn search(&self) -> (Value, usize) {
        let owner = match self.obj.downcast::<Instance>() {
            Some(i) => i.class.clone(),
            None => self.obj.clone(),
        };
        let c = owner.downcast::<ClassObj>().expect("class");
        let pos = c
            .full_mro()
            .iter()
            .position(|x| x.is(&self.start))
            .map_or(usize::MAX, |p| p + 1);
        (owner.clone(), pos)
    }

    fn lookup(&self, name: &str) -> PyResult<Value> {
        let (owner, pos) = self.search();
        let c = owner.downcast::<ClassObj>().expect("class");
        let is_instance = self.obj.downcast::<Instance>().is_some();
        match c.find_from(name, pos) {
            Some(Found::User(v)) => {
                if is_instance {
                    if let Some(p) = v.downcast::<Property>() {
                        if p.fget.is_none() {
                            return Err(PyErr::attribute_error(format!(
                                "property '{}' of '{}' object has no getter",
                                name, c.name
                            )));
                        }
                        return crate::ops::call(&p.fget, std::slice::from_ref(&self.obj), &[]);
                    }
                    Ok(instance_bind(&v, &self.obj, &owner))
                } else {
                    Ok(class_bind(&v, &owner))
                }
            }
            Some(Found::Builtin(k)) if is_instance => builtin_exc_method(k, &self.obj, name),
            Some(Found::Builtin(k)) => builtin_exc_class_attr(k, name),
            None if is_instance && OBJECT_NAMES.contains(&name) => object_method(&self.obj, name),
            None if !is_instance && name == "__new__" => Ok(Value::py_func("__new__", object_new)),
            None if !is_instance && name == "__init_subclass__" => {
                let cls = self.obj.clone();
                Ok(Value::closure("__init_subclass__", move |args, kw| {
                    let mut full = vec![cls.clone()];
                    full.extend_from_slice(args);
                    object_init_subclass(&full, kw)
                }))
            }
            None if !is_instance && OBJECT_NAMES.contains(&name) => object_class_attr(&owner, name),
            None => Err(PyErr::attribute_error(format!(
                "'super' object has no attribute '{name}'"
            ))),
        }
    }
}

impl PyObject for SuperProxy {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("super")
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn type_name(&self) -> &str {
        "super"
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        self.lookup(name)
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        let f = self.lookup(name)?;
        crate::ops::call(&f, args, kwargs)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------------------------------
// Queries used elsewhere in the runtime
// ---------------------------------------------------------------------------------------

/// Whether `v` is a user class object.
pub fn is_class(v: &Value) -> bool {
    v.downcast::<ClassObj>().is_some()
}

/// The exception class of a user class deriving from an exception, for `except`.
pub fn exc_type(v: &Value) -> Option<ExcType> {
    v.downcast::<ClassObj>()
        .and_then(|c| c.exc.clone().map(ExcType::User))
}

/// `type(v)` for an instance of a user class.
pub fn class_of(v: &Value) -> Option<Value> {
    v.downcast::<Instance>().map(|i| i.class.clone())
}

/// `issubclass(a, b)` between user classes (and built-in exception classes).
pub fn issubclass(a: &Value, b: &Value) -> Option<bool> {
    let ca = a.downcast::<ClassObj>()?;
    if let Some(cb) = b.downcast::<ClassObj>() {
        return Some(ca.is_subclass_of(cb));
    }
    let k = builtin_kind(b)?;
    Some(ca.mro.iter().any(|x| builtin_kind(x) == Some(k)))
}

/// Whether the class (or a base) has attribute `name` (`hasattr(cls, name)` for user
/// classes).
pub fn class_has(cls: &Value, name: &str) -> bool {
    cls.downcast::<ClassObj>()
        .is_some_and(|c| c.find(name).is_some())
}

/// A class body's namespace as it starts: `__module__` and `__qualname__`.
pub fn new_ns(module: &str, qualname: &str) -> IndexMap<String, Value> {
    let mut ns = IndexMap::new();
    ns.insert("__module__".to_string(), Value::str(module));
    ns.insert("__qualname__".to_string(), Value::str(qualname));
    ns
}

/// `type(x)` for the class-related objects of this module.
pub fn builtin_type_of(v: &Value) -> Option<Value> {
    let (name, check): (&'static str, fn(&Value) -> bool) = if v.downcast::<Property>().is_some() {
        ("property", |x| x.downcast::<Property>().is_some())
    } else if v.downcast::<StaticMethod>().is_some() {
        ("staticmethod", |x| x.downcast::<StaticMethod>().is_some())
    } else if v.downcast::<ClassMethod>().is_some() {
        ("classmethod", |x| x.downcast::<ClassMethod>().is_some())
    } else {
        return None;
    };
    Some(Value::object(crate::value::TypeObject {
        name,
        module: "builtins",
        check,
        construct: None,
        attr: None,
    }))
}
