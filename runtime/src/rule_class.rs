//! PyPanther rule classes as the compiler settled them.
//!
//! A PyPanther project's configuration (class bodies, `override()`, `extend()`, plain
//! assignments, `Rule.__init_subclass__` copies) is evaluated at compile time, so at run time
//! a rule class is fixed: each class of a registered rule's method resolution order is built
//! once with its final members, and the rule's class holds that order. Attribute lookup on an
//! instance and `super()` walk it exactly as CPython walks `__mro__`; nothing here decides an
//! order or a value.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use indexmap::IndexMap;

use crate::err::{PyErr, PyResult};
use crate::value::{Kwargs, PyObject, Value};

/// How a member of a class body is exposed (CPython's descriptor kinds that rule classes use).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A function: bound to the instance when read through it.
    Method,
    /// `@property`: its getter runs on read.
    Property,
    /// `@staticmethod`: the function itself.
    StaticMethod,
    /// `@classmethod`: bound to the class.
    ClassMethod,
    /// Any other value.
    Attribute,
}

struct ClassData {
    key: String,
    name: String,
    module: String,
    members: IndexMap<String, (Kind, Value)>,
    /// The classes after this one in its method resolution order.
    mro: Vec<Rc<ClassData>>,
}

impl ClassData {
    /// This class followed by the rest of its method resolution order.
    fn full_mro(self: &Rc<Self>) -> Vec<Rc<ClassData>> {
        let mut v = vec![self.clone()];
        v.extend(self.mro.iter().cloned());
        v
    }
}

/// Finds `name` in the classes of `mro`, in order.
fn lookup(mro: &[Rc<ClassData>], name: &str) -> Option<(Kind, Value)> {
    mro.iter().find_map(|c| c.members.get(name).cloned())
}

/// A class object of a rule's method resolution order.
pub struct RuleClass(Rc<ClassData>);

/// Builds a class: its name, `__module__`, the classes after it in its method resolution
/// order (each built by this function before) and its own members.
pub fn new_class(
    key: &str,
    name: &str,
    module: &str,
    mro: Vec<Value>,
    members: Vec<(&str, Kind, Value)>,
) -> PyResult<Value> {
    let mut rest = Vec::new();
    for c in &mro {
        match c.downcast::<RuleClass>() {
            Some(rc) => rest.push(rc.0.clone()),
            None => return Err(crate::ops::unsupported("a rule class with this base")),
        }
    }
    Ok(Value::object(RuleClass(Rc::new(ClassData {
        key: key.to_string(),
        name: name.to_string(),
        module: module.to_string(),
        members: members
            .into_iter()
            .map(|(n, k, v)| (n.to_string(), (k, v)))
            .collect(),
        mro: rest,
    }))))
}

/// Binds a member found on a class to the instance (or class) it was read through.
fn bind(kind: Kind, f: Value, this: &Value, class: &Rc<ClassData>, name: &str) -> PyResult<Value> {
    match kind {
        Kind::Property => crate::ops::call(&f, std::slice::from_ref(this), &[]),
        Kind::Method => {
            let this = this.clone();
            Ok(Value::closure(name, move |args, kw| {
                let mut full = vec![this.clone()];
                full.extend_from_slice(args);
                crate::ops::call(&f, &full, kw)
            }))
        }
        Kind::ClassMethod => {
            let cls = Value::object(RuleClass(class.clone()));
            Ok(Value::closure(name, move |args, kw| {
                let mut full = vec![cls.clone()];
                full.extend_from_slice(args);
                crate::ops::call(&f, &full, kw)
            }))
        }
        Kind::StaticMethod | Kind::Attribute => Ok(f),
    }
}

/// Calls a member found on a class as `x.name(*args)` would.
fn call_bound(
    kind: Kind,
    f: &Value,
    this: &Value,
    class: &Rc<ClassData>,
    args: &[Value],
    kwargs: Kwargs,
) -> PyResult<Value> {
    match kind {
        Kind::Method => {
            let mut full = vec![this.clone()];
            full.extend_from_slice(args);
            crate::ops::call(f, &full, kwargs)
        }
        Kind::ClassMethod => {
            let mut full = vec![Value::object(RuleClass(class.clone()))];
            full.extend_from_slice(args);
            crate::ops::call(f, &full, kwargs)
        }
        Kind::Property => {
            let v = crate::ops::call(f, std::slice::from_ref(this), &[])?;
            crate::ops::call(&v, args, kwargs)
        }
        Kind::StaticMethod | Kind::Attribute => crate::ops::call(f, args, kwargs),
    }
}

impl PyObject for RuleClass {
    fn type_name(&self) -> &str {
        "type"
    }
    fn repr(&self) -> String {
        format!("<class '{}.{}'>", self.0.module, self.0.name)
    }
    fn getattr(&self, this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "__name__" | "__qualname__" => return Ok(Value::str(self.0.name.as_str())),
            "__module__" => return Ok(Value::str(self.0.module.as_str())),
            _ => {}
        }
        match lookup(&self.0.full_mro(), name) {
            // Read through the class, a function is the plain function.
            Some((Kind::Method | Kind::StaticMethod | Kind::Attribute, v)) => Ok(v),
            Some((Kind::ClassMethod, f)) => bind(Kind::ClassMethod, f, this, &self.0, name),
            Some((Kind::Property, _)) => Err(crate::ops::unsupported(
                "reading a property through its class",
            )),
            None => Err(PyErr::attribute_error(format!(
                "type object '{}' has no attribute '{}'",
                self.0.name, name
            ))),
        }
    }
    fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        let inst = Value::object(RuleInstance {
            class: self.0.clone(),
            dict: RefCell::new(IndexMap::new()),
        });
        match lookup(&self.0.full_mro(), "__init__") {
            Some((Kind::Method, init)) => {
                let mut full = vec![inst.clone()];
                full.extend_from_slice(args);
                let r = crate::ops::call(&init, &full, kwargs)?;
                if !r.is_none() {
                    return Err(PyErr::type_error(format!(
                        "__init__() should return None, not '{}'",
                        r.type_name()
                    )));
                }
            }
            Some(_) => return Err(crate::ops::unsupported("this `__init__` of a rule class")),
            None if !args.is_empty() || !kwargs.is_empty() => {
                return Err(PyErr::type_error(format!(
                    "{}() takes no arguments",
                    self.0.name
                )))
            }
            None => {}
        }
        Ok(inst)
    }
    fn instancecheck(&self, v: &Value) -> Option<bool> {
        Some(match v.downcast::<RuleInstance>() {
            Some(i) => i.class.full_mro().iter().any(|c| Rc::ptr_eq(c, &self.0)),
            None => false,
        })
    }
    fn hash(&self) -> Option<u64> {
        Some(Rc::as_ptr(&self.0) as usize as u64)
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(
            other
                .downcast::<RuleClass>()
                .is_some_and(|o| Rc::ptr_eq(&o.0, &self.0)),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An instance of a rule class (the rule object pypanther's test run creates).
pub struct RuleInstance {
    class: Rc<ClassData>,
    /// The instance's own attributes (what methods assign to `self`, and mocks).
    pub dict: RefCell<IndexMap<String, Value>>,
}

impl PyObject for RuleInstance {
    fn repr_exact(&self) -> bool {
        false
    }
    fn type_name(&self) -> &str {
        &self.class.name
    }
    fn repr(&self) -> String {
        format!("<{}.{} object>", self.class.module, self.class.name)
    }
    fn getattr(&self, this: &Value, name: &str) -> PyResult<Value> {
        let found = lookup(&self.class.full_mro(), name);
        // A property (a data descriptor) wins over the instance's own attributes.
        if let Some((Kind::Property, f)) = &found {
            return bind(Kind::Property, f.clone(), this, &self.class, name);
        }
        if let Some(v) = self.dict.borrow().get(name) {
            return Ok(v.clone());
        }
        if name.starts_with("__") && name.ends_with("__") && found.is_none() {
            return Err(crate::ops::unsupported(&format!(
                "the attribute `{name}` of a rule object"
            )));
        }
        match found {
            Some((kind, v)) => bind(kind, v, this, &self.class, name),
            None => Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute '{}'",
                self.class.name, name
            ))),
        }
    }
    fn setattr(&self, name: &str, value: Value) -> PyResult<()> {
        if let Some((Kind::Property, _)) = lookup(&self.class.full_mro(), name) {
            return Err(PyErr::attribute_error(format!(
                "property '{}' of '{}' object has no setter",
                name, self.class.name
            )));
        }
        self.dict.borrow_mut().insert(name.to_string(), value);
        Ok(())
    }
    fn has_method(&self, name: &str) -> bool {
        self.dict.borrow().contains_key(name) || lookup(&self.class.full_mro(), name).is_some()
    }
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        let found = lookup(&self.class.full_mro(), name);
        match found {
            Some((kind, f)) if kind == Kind::Property || !self.dict.borrow().contains_key(name) => {
                call_bound(kind, &f, this, &self.class, args, kwargs)
            }
            _ => {
                let f = self.getattr(this, name)?;
                crate::ops::call(&f, args, kwargs)
            }
        }
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const RuleInstance as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `super()` in a method of rule class `class`, bound to `this`: lookups start after
/// `class` in the method resolution order of `this`'s class.
pub fn super_of(class: &Value, this: &Value) -> PyResult<Value> {
    let (Some(c), Some(inst)) = (
        class.downcast::<RuleClass>(),
        this.downcast::<RuleInstance>(),
    ) else {
        return Err(PyErr::type_error(
            "super(type, obj): obj must be an instance or subtype of type",
        ));
    };
    let mro = inst.class.full_mro();
    let Some(at) = mro.iter().position(|k| Rc::ptr_eq(k, &c.0)) else {
        return Err(PyErr::type_error(
            "super(type, obj): obj must be an instance or subtype of type",
        ));
    };
    Ok(Value::object(RuleSuper {
        rest: mro[at + 1..].to_vec(),
        class: inst.class.clone(),
        this: this.clone(),
    }))
}

/// `super()` in a method of the rule class whose key is `key` (the compiler names the class
/// a method was defined in by its key, since one method may serve several rules' orders).
pub fn super_of_key(key: &str, this: &Value) -> PyResult<Value> {
    let err = || PyErr::type_error("super(type, obj): obj must be an instance or subtype of type");
    let inst = this.downcast::<RuleInstance>().ok_or_else(err)?;
    let mro = inst.class.full_mro();
    let at = mro.iter().position(|k| k.key == key).ok_or_else(err)?;
    Ok(Value::object(RuleSuper {
        rest: mro[at + 1..].to_vec(),
        class: inst.class.clone(),
        this: this.clone(),
    }))
}

/// The object `super()` returns.
struct RuleSuper {
    rest: Vec<Rc<ClassData>>,
    /// The instance's class (what a class method found through `super()` binds).
    class: Rc<ClassData>,
    this: Value,
}

impl PyObject for RuleSuper {
    fn repr_exact(&self) -> bool {
        false
    }
    fn type_name(&self) -> &str {
        "super"
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match lookup(&self.rest, name) {
            Some((kind, f)) => bind(kind, f, &self.this, &self.class, name),
            None => Err(PyErr::attribute_error(format!(
                "'super' object has no attribute '{name}'"
            ))),
        }
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match lookup(&self.rest, name) {
            Some((kind, f)) => call_bound(kind, &f, &self.this, &self.class, args, kwargs),
            None => Err(PyErr::attribute_error(format!(
                "'super' object has no attribute '{name}'"
            ))),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Whether `v` is a rule object (a mock of one of its members patches its attributes).
pub fn instance_dict(v: &Value) -> Option<&RefCell<IndexMap<String, Value>>> {
    v.downcast::<RuleInstance>().map(|i| &i.dict)
}
