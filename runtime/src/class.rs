//! Classes defined by detection helpers: methods, `@property`, `@staticmethod`, class
//! attributes, single inheritance, `super()`, and exception classes with their own
//! `__init__`.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use indexmap::IndexMap;

use crate::call::{ExcClassObj, ExcInstance};
use crate::err::{ExcClass, ExcType, PyErr, PyResult};
use crate::value::{Kwargs, PyObject, Value};

/// How a function in a class body is exposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    Method,
    Property,
    StaticMethod,
    ClassMethod,
}

/// A class object.
pub struct ClassObj {
    pub name: String,
    pub module: String,
    /// A user class, a builtin exception class, or none (`object`).
    pub base: Option<Value>,
    pub members: IndexMap<String, (MemberKind, Value)>,
    /// Set when the class derives from an exception class.
    pub exc: Option<Rc<ExcClass>>,
}

impl ClassObj {
    /// Finds a member in this class or its bases.
    fn lookup(&self, name: &str) -> Option<(MemberKind, Value)> {
        if let Some(m) = self.members.get(name) {
            return Some(m.clone());
        }
        match &self.base {
            Some(b) => b.downcast::<ClassObj>().and_then(|c| c.lookup(name)),
            None => None,
        }
    }

    fn is_subclass_of(&self, other: &ClassObj) -> bool {
        if std::ptr::eq(self, other) {
            return true;
        }
        match &self.base {
            Some(b) => b
                .downcast::<ClassObj>()
                .is_some_and(|c| c.is_subclass_of(other)),
            None => false,
        }
    }
}

/// `class Name(Base): …` — builds the class object.
pub fn new_class(
    name: &str,
    module: &str,
    base: Option<&Value>,
    members: Vec<(&str, MemberKind, Value)>,
) -> PyResult<Value> {
    let exc = match base {
        None => None,
        Some(b) => {
            if let Some(c) = b.downcast::<ClassObj>() {
                c.exc.clone().map(|parent| {
                    Rc::new(ExcClass {
                        name: name.to_string(),
                        builtin_base: parent.builtin_base,
                        user_base: Some(parent),
                    })
                })
            } else if let Some(e) = b.downcast::<ExcClassObj>() {
                Some(Rc::new(match &e.0 {
                    ExcType::Builtin(k) => ExcClass {
                        name: name.to_string(),
                        builtin_base: *k,
                        user_base: None,
                    },
                    ExcType::User(u) => ExcClass {
                        name: name.to_string(),
                        builtin_base: u.builtin_base,
                        user_base: Some(u.clone()),
                    },
                }))
            } else if let Some(e) = b.downcast::<crate::stdlib::ExcClassObject>() {
                Some(Rc::new(ExcClass {
                    name: name.to_string(),
                    builtin_base: e.0,
                    user_base: None,
                }))
            } else {
                return Err(crate::ops::unsupported("classes with this base"));
            }
        }
    };
    Ok(Value::object(ClassObj {
        name: name.to_string(),
        module: module.to_string(),
        base: base.cloned(),
        members: members
            .into_iter()
            .map(|(n, k, v)| (n.to_string(), (k, v)))
            .collect(),
        exc,
    }))
}

impl PyObject for ClassObj {
    fn repr_exact(&self) -> bool {
        self.module == "builtins"
    }

    fn type_name(&self) -> &str {
        "type"
    }
    fn repr(&self) -> String {
        format!("<class '{}.{}'>", self.module, self.name)
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        if name == "__name__" {
            return Ok(Value::str(self.name.as_str()));
        }
        match self.lookup(name) {
            Some((_, v)) => Ok(v),
            None => Err(PyErr::attribute_error(format!(
                "type object '{}' has no attribute '{}'",
                self.name, name
            ))),
        }
    }
    fn call(&self, _args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
        // Instantiation needs the class as a `Value` (the instance keeps it); generated
        // code goes through `ops::call`, which reaches `instantiate` via `call_class`.
        Err(crate::ops::unsupported(
            "calling a class object without its value",
        ))
    }
    fn instancecheck(&self, v: &Value) -> Option<bool> {
        Some(match v.downcast::<Instance>() {
            Some(inst) => inst
                .class
                .downcast::<ClassObj>()
                .is_some_and(|c| c.is_subclass_of(self)),
            None => false,
        })
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const ClassObj as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An instance of a [`ClassObj`].
pub struct Instance {
    pub class: Value,
    pub dict: RefCell<IndexMap<String, Value>>,
    /// `args` of an exception instance (set by `BaseException.__init__`).
    pub exc_args: RefCell<Option<Vec<Value>>>,
}

impl Instance {
    fn class(&self) -> &ClassObj {
        self.class
            .downcast::<ClassObj>()
            .expect("instance of a class object")
    }

    /// The exception this instance raises as.
    pub fn to_err(&self, this: &Value) -> Option<PyErr> {
        let exc = self.class().exc.clone()?;
        Some(PyErr {
            ty: ExcType::User(exc),
            args: self.exc_args.borrow().clone().unwrap_or_default(),
            message: None,
            instance: Some(this.clone()),
        })
    }
}

/// `Class(*args, **kwargs)`: a new instance, initialised by `__init__`.
pub fn instantiate(class: &Value, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let Some(c) = class.downcast::<ClassObj>() else {
        return Err(PyErr::type_error("not a class"));
    };
    let inst = Value::object(Instance {
        class: class.clone(),
        dict: RefCell::new(IndexMap::new()),
        // BaseException.__new__ stores every positional argument as `args`.
        exc_args: RefCell::new(c.exc.as_ref().map(|_| args.to_vec())),
    });
    match c.lookup("__init__") {
        Some((_, init)) => {
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
        None => {
            // `BaseException.__new__`/`__init__` take no keyword arguments.
            if c.exc.is_some() && !kwargs.is_empty() {
                return Err(PyErr::type_error(format!(
                    "{}() takes no keyword arguments",
                    c.name
                )));
            }
            if c.exc.is_none() && (!args.is_empty() || !kwargs.is_empty()) {
                return Err(PyErr::type_error(format!(
                    "{}() takes no arguments",
                    c.name
                )));
            }
        }
    }
    Ok(inst)
}

impl PyObject for Instance {
    fn repr_exact(&self) -> bool {
        self.to_err(&Value::None).is_some()
    }

    fn type_name(&self) -> &str {
        &self.class().name
    }
    fn repr(&self) -> String {
        match self.to_err(&Value::None) {
            Some(e) => e.repr(),
            None => format!("<{}.{} object>", self.class().module, self.class().name),
        }
    }
    fn str(&self) -> String {
        match self.to_err(&Value::None) {
            Some(e) => e.str(),
            None => self.repr(),
        }
    }
    fn getattr(&self, this: &Value, name: &str) -> PyResult<Value> {
        if let Some(v) = self.dict.borrow().get(name) {
            return Ok(v.clone());
        }
        if name == "args" {
            if let Some(a) = self.exc_args.borrow().as_ref() {
                return Ok(Value::tuple(a.clone()));
            }
        }
        match self.class().lookup(name) {
            Some((MemberKind::Property, f)) => {
                crate::ops::call(&f, std::slice::from_ref(this), &[])
            }
            Some((MemberKind::Method, f)) => {
                let this = this.clone();
                Ok(Value::closure(name, move |args, kw| {
                    let mut full = vec![this.clone()];
                    full.extend_from_slice(args);
                    crate::ops::call(&f, &full, kw)
                }))
            }
            Some((MemberKind::ClassMethod, f)) => {
                let cls = self.class.clone();
                Ok(Value::closure(name, move |args, kw| {
                    let mut full = vec![cls.clone()];
                    full.extend_from_slice(args);
                    crate::ops::call(&f, &full, kw)
                }))
            }
            Some((MemberKind::StaticMethod, f)) => Ok(f),
            None => Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute '{}'",
                self.class().name,
                name
            ))),
        }
    }
    fn setattr(&self, name: &str, value: Value) -> PyResult<()> {
        if let Some((MemberKind::Property, _)) = self.class().lookup(name) {
            return Err(PyErr::attribute_error(format!(
                "property '{}' of '{}' object has no setter",
                name,
                self.class().name
            )));
        }
        self.dict.borrow_mut().insert(name.to_string(), value);
        Ok(())
    }
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match self.class().lookup(name) {
            Some((MemberKind::Method, f)) if !self.dict.borrow().contains_key(name) => {
                let mut full = vec![this.clone()];
                full.extend_from_slice(args);
                crate::ops::call(&f, &full, kwargs)
            }
            _ => {
                let f = self.getattr(this, name)?;
                crate::ops::call(&f, args, kwargs)
            }
        }
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        let _ = other;
        None
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const Instance as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `super()` inside a method of `class`, bound to `this`.
pub struct SuperProxy {
    class: Value,
    this: Value,
}

/// `super()` (zero-argument form) in a method of `class` whose first parameter is `this`.
pub fn super_of(class: &Value, this: &Value) -> PyResult<Value> {
    if class.downcast::<ClassObj>().is_none() {
        return Err(PyErr::type_error(
            "super(type, obj): obj must be an instance or subtype of type",
        ));
    }
    Ok(Value::object(SuperProxy {
        class: class.clone(),
        this: this.clone(),
    }))
}

impl PyObject for SuperProxy {
    fn repr_exact(&self) -> bool {
        false
    }

    fn type_name(&self) -> &str {
        "super"
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        let c = self.class.downcast::<ClassObj>().expect("super of a class");
        match &c.base {
            Some(b) if b.downcast::<ClassObj>().is_some() => {
                let base = b.downcast::<ClassObj>().expect("checked");
                match base.lookup(name) {
                    Some((MemberKind::Method, f)) => {
                        let mut full = vec![self.this.clone()];
                        full.extend_from_slice(args);
                        crate::ops::call(&f, &full, kwargs)
                    }
                    Some((_, f)) => crate::ops::call(&f, args, kwargs),
                    None if name == "__init__" => base_init(c, &self.this, args, kwargs),
                    None => Err(PyErr::attribute_error(format!(
                        "'super' object has no attribute '{name}'"
                    ))),
                }
            }
            _ if name == "__init__" => base_init(c, &self.this, args, kwargs),
            _ => Err(PyErr::attribute_error(format!(
                "'super' object has no attribute '{name}'"
            ))),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `BaseException.__init__` / `object.__init__` reached through `super()`.
fn base_init(c: &ClassObj, this: &Value, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let inst = this
        .downcast::<Instance>()
        .ok_or_else(|| PyErr::type_error("super(): bad instance"))?;
    if c.exc.is_some() {
        if !kwargs.is_empty() {
            return Err(PyErr::type_error(format!(
                "{}() takes no keyword arguments",
                c.name
            )));
        }
        *inst.exc_args.borrow_mut() = Some(args.to_vec());
        return Ok(Value::None);
    }
    if !args.is_empty() || !kwargs.is_empty() {
        return Err(PyErr::type_error(
            "object.__init__() takes exactly one argument (the instance to initialize)",
        ));
    }
    Ok(Value::None)
}

/// Whether `v` is a class object defined by a helper.
pub fn is_class(v: &Value) -> bool {
    v.downcast::<ClassObj>().is_some()
}

/// The exception class of a user class deriving from an exception, for `except`.
pub fn exc_type(v: &Value) -> Option<ExcType> {
    v.downcast::<ClassObj>()
        .and_then(|c| c.exc.clone().map(ExcType::User))
}

/// `isinstance(e, ValueError)` for exception instances.
pub fn exc_instance_check(kind: &ExcType, v: &Value) -> bool {
    if let Some(e) = v.downcast::<ExcInstance>() {
        return e.0.ty.is_subclass_of(kind);
    }
    if let Some(i) = v.downcast::<Instance>() {
        if let Some(e) = i.to_err(v) {
            return e.ty.is_subclass_of(kind);
        }
    }
    false
}
