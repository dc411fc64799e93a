//! `dataclasses` as CPython 3.11's `dataclasses.py` builds them: fields from the class
//! body's annotations (and the dataclass bases'), `field(...)`, and the generated
//! `__init__` (with `__post_init__` and `InitVar`s), `__repr__`, `__eq__`, ordering,
//! frozen `__setattr__`/`__delattr__` and `__hash__`, with the module's own errors.
//! `asdict`, `astuple`, `replace`, `fields` and `is_dataclass` work on them.
//!
//! What ferrule cannot reproduce is refused: `slots=True`, `weakref_slot=True`, `KW_ONLY`,
//! a field's `type` and `metadata`, the generated `__doc__` (it prints the annotations).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

use indexmap::IndexMap;

use crate::class::{AnnKind, ClassObj, Instance};
use crate::err::{ExcClass, ExcKind, ExcType, PyErr, PyResult};
use crate::value::{Kwargs, PyObject, Value};

/// A field as the class knows it.
#[derive(Clone)]
pub struct FieldSpec {
    pub name: String,
    pub default: Option<Value>,
    pub factory: Option<Value>,
    pub init: bool,
    pub repr: bool,
    /// `None`: follows `compare`.
    pub hash: Option<bool>,
    pub compare: bool,
    pub kw_only: bool,
    pub kind: AnnKind,
}

/// What `@dataclass(...)` recorded on a class (`__dataclass_fields__`,
/// `__dataclass_params__`).
pub struct DataclassInfo {
    /// Every field (ClassVar and InitVar pseudo-fields included), in order.
    pub fields: Vec<FieldSpec>,
    pub frozen: bool,
    /// The class had no docstring: CPython's generated one shows the annotations.
    pub doc_unknown: bool,
}

impl DataclassInfo {
    fn real_fields(&self) -> impl Iterator<Item = &FieldSpec> {
        self.fields.iter().filter(|f| f.kind == AnnKind::Field)
    }
}

/// `dataclasses.MISSING`.
pub struct Missing;

impl PyObject for Missing {
    fn type_name(&self) -> &str {
        "_MISSING_TYPE"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn hash(&self) -> Option<u64> {
        Some(0x6d15)
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(other.downcast::<Missing>().is_some())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

thread_local! {
    static MISSING: Value = Value::object(Missing);
    static FROZEN_ERROR: Rc<ExcClass> = Rc::new(ExcClass {
        name: "FrozenInstanceError".into(),
        builtin_base: ExcKind::AttributeError,
        user_base: None,
        class: std::rc::Weak::new(),
    });
    /// The objects whose generated `__repr__` is running (`reprlib.recursive_repr`).
    static IN_REPR: RefCell<HashSet<usize>> = RefCell::new(HashSet::new());
}

fn missing() -> Value {
    MISSING.with(Value::clone)
}

fn frozen_error(msg: String) -> PyErr {
    PyErr::with_args(
        ExcType::User(FROZEN_ERROR.with(Rc::clone)),
        vec![Value::str(msg)],
    )
}

/// The sentinel default of an `__init__` parameter whose field has a default factory.
struct HasDefaultFactory;

impl PyObject for HasDefaultFactory {
    fn type_name(&self) -> &str {
        "_HAS_DEFAULT_FACTORY_CLASS"
    }
    fn repr(&self) -> String {
        "<factory>".into()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `dataclasses.Field`, as `field(...)` returns it.
pub struct Field {
    spec: RefCell<FieldSpec>,
    /// Whether `kw_only` was given.
    kw_only_given: Cell<bool>,
}

impl PyObject for Field {
    fn type_name(&self) -> &str {
        "Field"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        let f = self.spec.borrow();
        Ok(match name {
            "name" if f.name.is_empty() => Value::None,
            "name" => Value::str(f.name.as_str()),
            "default" => f.default.clone().unwrap_or_else(missing),
            "default_factory" => f.factory.clone().unwrap_or_else(missing),
            "init" => Value::Bool(f.init),
            "repr" => Value::Bool(f.repr),
            "hash" => f.hash.map_or(Value::None, Value::Bool),
            "compare" => Value::Bool(f.compare),
            "kw_only" if !self.kw_only_given.get() && f.name.is_empty() => missing(),
            "kw_only" => Value::Bool(f.kw_only),
            _ => {
                return Err(crate::ops::unsupported(&format!(
                    "the dataclass Field attribute `{name}`"
                )))
            }
        })
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const Field as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn bool_kw(name: &str, v: &Value) -> PyResult<bool> {
    let _ = name;
    crate::ops::truthy(v)
}

/// `field(*, default, default_factory, init, repr, hash, compare, metadata, kw_only)`.
fn field(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !args.is_empty() {
        return Err(PyErr::type_error(format!(
            "field() takes 0 positional arguments but {} {} given",
            args.len(),
            if args.len() == 1 { "was" } else { "were" }
        )));
    }
    let mut spec = FieldSpec {
        name: String::new(),
        default: None,
        factory: None,
        init: true,
        repr: true,
        hash: None,
        compare: true,
        kw_only: false,
        kind: AnnKind::Field,
    };
    let mut kw_only_given = false;
    let is_missing = |v: &Value| v.downcast::<Missing>().is_some();
    for (k, v) in kwargs {
        match *k {
            "default" => spec.default = (!is_missing(v)).then(|| v.clone()),
            "default_factory" => spec.factory = (!is_missing(v)).then(|| v.clone()),
            "init" => spec.init = bool_kw(k, v)?,
            "repr" => spec.repr = bool_kw(k, v)?,
            "hash" => {
                spec.hash = if v.is_none() {
                    None
                } else {
                    Some(bool_kw(k, v)?)
                }
            }
            "compare" => spec.compare = bool_kw(k, v)?,
            "metadata" if v.is_none() => {}
            "metadata" => return Err(crate::ops::unsupported("dataclass field metadata")),
            "kw_only" if is_missing(v) => {}
            "kw_only" => {
                spec.kw_only = bool_kw(k, v)?;
                kw_only_given = true;
            }
            other => {
                return Err(PyErr::type_error(format!(
                    "field() got an unexpected keyword argument '{other}'"
                )))
            }
        }
    }
    if spec.default.is_some() && spec.factory.is_some() {
        return Err(PyErr::value_error(
            "cannot specify both default and default_factory",
        ));
    }
    Ok(Value::object(Field {
        spec: RefCell::new(spec),
        kw_only_given: Cell::new(kw_only_given),
    }))
}

/// The parameters of `@dataclass(...)`.
#[derive(Clone, Copy)]
struct Params {
    init: bool,
    repr: bool,
    eq: bool,
    order: bool,
    unsafe_hash: bool,
    frozen: bool,
    kw_only: bool,
}

fn params(kwargs: Kwargs) -> PyResult<Params> {
    let mut p = Params {
        init: true,
        repr: true,
        eq: true,
        order: false,
        unsafe_hash: false,
        frozen: false,
        kw_only: false,
    };
    for (k, v) in kwargs {
        let b = crate::ops::truthy(v)?;
        match *k {
            "init" => p.init = b,
            "repr" => p.repr = b,
            "eq" => p.eq = b,
            "order" => p.order = b,
            "unsafe_hash" => p.unsafe_hash = b,
            "frozen" => p.frozen = b,
            "kw_only" => p.kw_only = b,
            "match_args" => {}
            "slots" | "weakref_slot" if !b => {}
            "slots" | "weakref_slot" => {
                return Err(crate::ops::unsupported(&format!("`@dataclass({k}=True)`")))
            }
            other => {
                return Err(PyErr::type_error(format!(
                    "dataclass() got an unexpected keyword argument '{other}'"
                )))
            }
        }
    }
    Ok(p)
}

/// `dataclasses.dataclass`: `@dataclass`, `@dataclass()`, `@dataclass(**params)`.
fn dataclass(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let p = params(kwargs)?;
    match args {
        [] => Ok(Value::closure("wrap", move |a, k| {
            if !k.is_empty() || a.len() != 1 {
                return Err(PyErr::type_error(format!(
                    "wrap() takes 1 positional argument but {} were given",
                    a.len()
                )));
            }
            process(&a[0], p)
        })),
        [cls] if cls.is_none() => Ok(Value::closure("wrap", move |a, _k| match a {
            [c] => process(c, p),
            _ => Err(PyErr::type_error("wrap() takes 1 positional argument")),
        })),
        [cls] => process(cls, p),
        _ => Err(PyErr::type_error(format!(
            "dataclass() takes from 0 to 1 positional arguments but {} were given",
            args.len()
        ))),
    }
}

/// The dataclass information reachable from `c` (its own, or inherited).
fn info_of(c: &ClassObj) -> Option<Rc<DataclassInfo>> {
    c.full_mro().iter().find_map(|b| {
        b.downcast::<ClassObj>()
            .and_then(|u| u.dataclass.borrow().clone())
    })
}

fn type_repr(v: &Value) -> PyResult<String> {
    match v {
        Value::List(_) => Ok("<class 'list'>".into()),
        Value::Dict(_) => Ok("<class 'dict'>".into()),
        Value::Set(_) => Ok("<class 'set'>".into()),
        _ => Err(crate::ops::unsupported(
            "the error for a mutable default of this type",
        )),
    }
}

fn process(cls_value: &Value, p: Params) -> PyResult<Value> {
    let Some(cls) = cls_value.downcast::<ClassObj>() else {
        return Err(crate::ops::unsupported(
            "`dataclass` applied to a non-class",
        ));
    };
    if p.order && !p.eq {
        return Err(PyErr::value_error("eq must be true if order is true"));
    }
    let mut fields: IndexMap<String, FieldSpec> = IndexMap::new();
    let mut has_dataclass_bases = false;
    let mut any_frozen_base = false;
    let mut all_frozen_bases = true;
    for b in cls.mro.iter().rev() {
        let Some(bc) = b.downcast::<ClassObj>() else {
            continue;
        };
        if let Some(info) = info_of(bc) {
            has_dataclass_bases = true;
            for f in &info.fields {
                fields.insert(f.name.clone(), f.clone());
            }
            if info.frozen {
                any_frozen_base = true;
            } else {
                all_frozen_bases = false;
            }
        }
    }
    let own_names: Vec<&String> = cls.annotations.iter().map(|(n, _)| n).collect();
    let mut own_fields = Vec::new();
    for (name, kind) in &cls.annotations {
        let default = cls.lookup_raw(name);
        let mut spec = match default.as_ref().and_then(|d| d.downcast::<Field>()) {
            Some(f) => {
                let s = f.spec.borrow().clone();
                if !f.kw_only_given.get() && *kind == AnnKind::Field {
                    FieldSpec {
                        kw_only: p.kw_only,
                        ..s
                    }
                } else {
                    s
                }
            }
            None => FieldSpec {
                name: String::new(),
                default: default.clone(),
                factory: None,
                init: true,
                repr: true,
                hash: None,
                compare: true,
                kw_only: p.kw_only && *kind == AnnKind::Field,
                kind: AnnKind::Field,
            },
        };
        spec.name = name.clone();
        spec.kind = *kind;
        if let Some(f) = default.as_ref().and_then(|d| d.downcast::<Field>()) {
            f.spec.borrow_mut().name = name.clone();
        }
        if *kind != AnnKind::Field && spec.factory.is_some() {
            return Err(PyErr::type_error(format!(
                "field {name} cannot have a default factory"
            )));
        }
        if *kind == AnnKind::Field {
            if let Some(d) = &spec.default {
                let unhashable = match d {
                    Value::List(_) | Value::Dict(_) | Value::Set(_) => true,
                    Value::Object(_) => d.downcast::<Instance>().is_some_and(|i| !i.hashable()),
                    _ => false,
                };
                if unhashable {
                    return Err(PyErr::value_error(format!(
                        "mutable default {} for field {name} is not allowed: use default_factory",
                        type_repr(d)?
                    )));
                }
            }
        }
        fields.insert(name.clone(), spec.clone());
        own_fields.push(spec);
    }
    // A `field()` default is replaced by its plain default (or removed).
    for f in &own_fields {
        let is_field = cls
            .lookup_raw(&f.name)
            .is_some_and(|v| v.downcast::<Field>().is_some());
        if is_field {
            match &f.default {
                Some(d) => {
                    cls.dict.borrow_mut().insert(f.name.clone(), d.clone());
                }
                None => {
                    if cls.dict.borrow_mut().shift_remove(&f.name).is_none() {
                        return Err(PyErr::attribute_error(f.name.clone()));
                    }
                }
            }
        }
    }
    let stray: Option<String> = cls
        .dict
        .borrow()
        .iter()
        .find(|(n, v)| v.downcast::<Field>().is_some() && !own_names.contains(n))
        .map(|(n, _)| n.clone());
    if let Some(n) = stray {
        return Err(PyErr::type_error(format!(
            "{} is a field but has no type annotation",
            crate::fmt::str_repr(&n)
        )));
    }
    if has_dataclass_bases {
        if any_frozen_base && !p.frozen {
            return Err(PyErr::type_error(
                "cannot inherit non-frozen dataclass from a frozen one",
            ));
        }
        if !all_frozen_bases && p.frozen {
            return Err(PyErr::type_error(
                "cannot inherit frozen dataclass from a non-frozen one",
            ));
        }
    }
    let own = |n: &str| cls.dict.borrow().contains_key(n);
    let doc_unknown = matches!(cls.dict.borrow().get("__doc__"), None | Some(Value::None));
    let info = Rc::new(DataclassInfo {
        fields: fields.values().cloned().collect(),
        frozen: p.frozen,
        doc_unknown,
    });
    *cls.dataclass.borrow_mut() = Some(info.clone());
    let class_hash = cls.dict.borrow().get("__hash__").cloned();
    let has_explicit_hash = match &class_hash {
        None => false,
        Some(Value::None) => !own("__eq__"),
        Some(_) => true,
    };
    let qual = cls.qualname.clone();
    if p.init && !own("__init__") {
        let f = make_init(cls_value, &info, &qual)?;
        cls.dict.borrow_mut().insert("__init__".into(), f);
    }
    if p.repr && !own("__repr__") {
        let info = info.clone();
        let f = Value::py_closure("__repr__", move |a, _k| {
            let this = a.first().cloned().unwrap_or_default();
            generated_repr(&this, &info).map(Value::from)
        });
        cls.dict.borrow_mut().insert("__repr__".into(), f);
    }
    if p.eq && !own("__eq__") {
        let info = info.clone();
        let f = Value::py_closure("__eq__", move |a, _k| {
            compare(a, &info, crate::ops::CmpOp::Eq, |f| f.compare)
        });
        cls.dict.borrow_mut().insert("__eq__".into(), f);
    }
    if p.order {
        for (name, op) in [
            ("__lt__", crate::ops::CmpOp::Lt),
            ("__le__", crate::ops::CmpOp::Le),
            ("__gt__", crate::ops::CmpOp::Gt),
            ("__ge__", crate::ops::CmpOp::Ge),
        ] {
            if own(name) {
                return Err(PyErr::type_error(format!(
                    "Cannot overwrite attribute {name} in class {}. Consider using functools.total_ordering",
                    cls.name
                )));
            }
            let info = info.clone();
            let f = Value::py_closure(name, move |a, _k| compare(a, &info, op, |f| f.compare));
            cls.dict.borrow_mut().insert(name.into(), f);
        }
    }
    if p.frozen {
        for name in ["__setattr__", "__delattr__"] {
            if own(name) {
                return Err(PyErr::type_error(format!(
                    "Cannot overwrite attribute {name} in class {}",
                    cls.name
                )));
            }
        }
        let names: Vec<String> = info.fields.iter().map(|f| f.name.clone()).collect();
        let (cls_a, names_a) = (cls_value.clone(), names.clone());
        let set = Value::py_closure("__setattr__", move |a, _k| {
            let [this, name, value] = a else {
                return Err(PyErr::type_error("__setattr__ expected 2 arguments"));
            };
            let n = name.as_str().unwrap_or_default();
            if crate::class::class_of(this).is_some_and(|c| c.is(&cls_a))
                || names_a.iter().any(|f| f == n)
            {
                return Err(frozen_error(format!(
                    "cannot assign to field {}",
                    crate::fmt::str_repr(n)
                )));
            }
            let sup = crate::class::super_new(&cls_a, this)?;
            crate::ops::call_method(&sup, "__setattr__", &[name.clone(), value.clone()], &[])
        });
        let (cls_d, names_d) = (cls_value.clone(), names);
        let del = Value::py_closure("__delattr__", move |a, _k| {
            let [this, name] = a else {
                return Err(PyErr::type_error("__delattr__ expected 1 argument"));
            };
            let n = name.as_str().unwrap_or_default();
            if crate::class::class_of(this).is_some_and(|c| c.is(&cls_d))
                || names_d.iter().any(|f| f == n)
            {
                return Err(frozen_error(format!(
                    "cannot delete field {}",
                    crate::fmt::str_repr(n)
                )));
            }
            let sup = crate::class::super_new(&cls_d, this)?;
            crate::ops::call_method(&sup, "__delattr__", std::slice::from_ref(name), &[])
        });
        cls.dict.borrow_mut().insert("__setattr__".into(), set);
        cls.dict.borrow_mut().insert("__delattr__".into(), del);
    }
    // `_hash_action[(unsafe_hash, eq, frozen, has_explicit_hash)]`.
    enum Action {
        Keep,
        None_,
        Add,
        Raise,
    }
    let action = match (p.unsafe_hash, p.eq, p.frozen, has_explicit_hash) {
        (false, true, false, false) => Action::None_,
        (false, true, true, false) => Action::Add,
        (false, _, _, _) => Action::Keep,
        (true, _, _, true) => Action::Raise,
        (true, _, _, false) => Action::Add,
    };
    match action {
        Action::Keep => {}
        Action::None_ => {
            cls.dict.borrow_mut().insert("__hash__".into(), Value::None);
        }
        Action::Raise => {
            return Err(PyErr::type_error(format!(
                "Cannot overwrite attribute __hash__ in class {}",
                cls.name
            )))
        }
        Action::Add => {
            let f = Value::object(DataclassHash(info.clone()));
            cls.dict.borrow_mut().insert("__hash__".into(), f);
        }
    }
    Ok(cls_value.clone())
}

/// The `__hash__` a dataclass generates: the hash of the tuple of its hashed fields.
pub struct DataclassHash(Rc<DataclassInfo>);

impl DataclassHash {
    /// CPython's hash of `this`, and whether ferrule reproduces it exactly.
    pub fn hash_of(&self, this: &Value) -> PyResult<crate::pyhash::PyHash> {
        let t = field_tuple(this, &self.0, |f| f.hash.unwrap_or(f.compare))?;
        crate::value::Key::new(t.clone())?;
        Ok(crate::pyhash::hash(&t))
    }
}

impl PyObject for DataclassHash {
    fn type_name(&self) -> &str {
        "function"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn call(&self, args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
        let this = args.first().cloned().unwrap_or_default();
        let h = self.hash_of(&this)?;
        if !h.exact {
            return Err(crate::ops::unsupported(
                "this hash (CPython's derives from an address)",
            ));
        }
        Ok(Value::Int(h.value))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `(self.a, self.b, …)` over the fields `pick` selects.
fn field_tuple(
    this: &Value,
    info: &DataclassInfo,
    pick: impl Fn(&FieldSpec) -> bool,
) -> PyResult<Value> {
    let mut items = Vec::new();
    for f in info.real_fields().filter(|f| pick(f)) {
        items.push(crate::ops::getattr(this, &f.name)?);
    }
    Ok(Value::tuple(items))
}

/// `__eq__`, `__lt__`, …: the field tuples compared when `other.__class__ is
/// self.__class__`, else NotImplemented.
fn compare(
    args: &[Value],
    info: &DataclassInfo,
    op: crate::ops::CmpOp,
    pick: impl Fn(&FieldSpec) -> bool + Copy,
) -> PyResult<Value> {
    let [this, other] = args else {
        return Err(PyErr::type_error("expected 1 argument"));
    };
    let same = match (
        crate::ops::getattr(this, "__class__"),
        crate::ops::getattr(other, "__class__"),
    ) {
        (Ok(a), Ok(b)) => a.is(&b),
        _ => false,
    };
    if !same {
        return Ok(crate::class::not_implemented());
    }
    let a = field_tuple(this, info, pick)?;
    let b = field_tuple(other, info, pick)?;
    crate::ops::compare_value(op, &a, &b)
}

/// `__repr__`: `Qualname(a=1, b='x')`, `...` for an object already being printed.
fn generated_repr(this: &Value, info: &DataclassInfo) -> PyResult<String> {
    let key = match this {
        Value::Object(o) => Rc::as_ptr(o) as *const u8 as usize,
        _ => 0,
    };
    if !IN_REPR.with(|s| s.borrow_mut().insert(key)) {
        return Ok("...".into());
    }
    let r = (|| {
        let cls = crate::ops::getattr(this, "__class__")?;
        let q = crate::ops::getattr(&cls, "__qualname__")?;
        let mut parts = Vec::new();
        for f in info.real_fields().filter(|f| f.repr) {
            let v = crate::ops::getattr(this, &f.name)?;
            parts.push(format!("{}={}", f.name, crate::fmt::repr_checked(&v)?));
        }
        Ok(format!("{}({})", crate::fmt::str(&q), parts.join(", ")))
    })();
    IN_REPR.with(|s| s.borrow_mut().remove(&key));
    r
}

/// The generated `__init__`.
fn make_init(cls: &Value, info: &Rc<DataclassInfo>, qual: &str) -> PyResult<Value> {
    let init_fields: Vec<&FieldSpec> = info
        .fields
        .iter()
        .filter(|f| f.init && f.kind != AnnKind::ClassVar)
        .collect();
    let std: Vec<&FieldSpec> = init_fields.iter().copied().filter(|f| !f.kw_only).collect();
    let kw: Vec<&FieldSpec> = init_fields.iter().copied().filter(|f| f.kw_only).collect();
    let mut seen_default = false;
    for f in &std {
        let has = f.default.is_some() || f.factory.is_some();
        if !has && seen_default {
            return Err(PyErr::type_error(format!(
                "non-default argument {} follows default argument",
                crate::fmt::str_repr(&f.name)
            )));
        }
        seen_default |= has;
    }
    let mut params: Vec<&'static str> = vec!["self"];
    let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
    params.extend(std.iter().map(|f| leak(&f.name)));
    params.extend(kw.iter().map(|f| leak(&f.name)));
    let sentinel = Value::object(HasDefaultFactory);
    let default_of = |f: &FieldSpec| -> Option<Value> {
        if f.factory.is_some() {
            Some(sentinel.clone())
        } else {
            f.default.clone()
        }
    };
    let mut defaults: Vec<Option<Value>> = vec![None];
    defaults.extend(std.iter().map(|f| default_of(f)));
    defaults.extend(kw.iter().map(|f| default_of(f)));
    let sig: &'static crate::call::Sig = Box::leak(Box::new(crate::call::Sig {
        name: leak(&format!("{qual}.__init__")),
        params: Box::leak(params.into_boxed_slice()),
        n_posonly: 0,
        n_positional: 1 + std.len(),
        varargs: false,
        n_kwonly: kw.len(),
        varkw: false,
    }));
    let order: Vec<String> = std
        .iter()
        .chain(kw.iter())
        .map(|f| f.name.clone())
        .collect();
    let info = info.clone();
    let post_init = crate::class::class_has(cls, "__post_init__");
    Ok(Value::py_closure("__init__", move |args, kwargs| {
        let bound = crate::call::bind(sig, args, kwargs, &defaults)?;
        let this = bound[0].clone();
        let arg = |name: &str| -> Option<Value> {
            order
                .iter()
                .position(|n| n == name)
                .map(|i| bound[i + 1].clone())
        };
        let mut initvars = Vec::new();
        for f in &info.fields {
            if f.kind == AnnKind::ClassVar {
                continue;
            }
            let value = match (&f.factory, f.init) {
                (Some(factory), true) => {
                    let a = arg(&f.name).unwrap_or_default();
                    if a.downcast::<HasDefaultFactory>().is_some() {
                        crate::ops::call(factory, &[], &[])?
                    } else {
                        a
                    }
                }
                (Some(factory), false) => crate::ops::call(factory, &[], &[])?,
                (None, true) => arg(&f.name).unwrap_or_default(),
                (None, false) => continue,
            };
            if f.kind == AnnKind::InitVar {
                initvars.push(value);
                continue;
            }
            if info.frozen {
                match this.downcast::<Instance>() {
                    Some(i) => i.generic_setattr(&f.name, value)?,
                    None => crate::call::setattr(&this, &f.name, value)?,
                }
            } else {
                crate::call::setattr(&this, &f.name, value)?;
            }
        }
        // InitVars without a value (not in `__init__`) are passed as their defaults.
        if post_init {
            crate::ops::call_method(&this, "__post_init__", &initvars, &[])?;
        }
        Ok(Value::None)
    }))
}

fn dataclass_info(v: &Value) -> Option<Rc<DataclassInfo>> {
    let cls = match v.downcast::<Instance>() {
        Some(i) => i.class.clone(),
        None => v.clone(),
    };
    cls.downcast::<ClassObj>().and_then(info_of)
}

/// `fields(class_or_instance)`.
fn fields(args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
    let [v] = args else {
        return Err(PyErr::type_error("fields() takes 1 positional argument"));
    };
    let info = dataclass_info(v)
        .ok_or_else(|| PyErr::type_error("must be called with a dataclass type or instance"))?;
    Ok(Value::tuple(
        info.real_fields()
            .map(|f| {
                Value::object(Field {
                    spec: RefCell::new(f.clone()),
                    kw_only_given: Cell::new(true),
                })
            })
            .collect(),
    ))
}

fn is_dataclass(args: &[Value], _kwargs: Kwargs) -> PyResult<Value> {
    let [v] = args else {
        return Err(PyErr::type_error(
            "is_dataclass() takes 1 positional argument",
        ));
    };
    Ok(Value::Bool(dataclass_info(v).is_some()))
}

/// `copy.deepcopy` of what `asdict`/`astuple` copy: immutable atoms are returned as they
/// are; anything else is refused.
fn deepcopy_atom(v: &Value) -> PyResult<Value> {
    match v {
        Value::None
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::Str(_)
        | Value::Bytes(_) => Ok(v.clone()),
        _ => Err(crate::ops::unsupported(&format!(
            "copy.deepcopy of a '{}' object (in asdict/astuple)",
            v.type_name()
        ))),
    }
}

/// `_asdict_inner` / `_astuple_inner`.
fn inner(v: &Value, as_dict: bool) -> PyResult<Value> {
    if v.downcast::<Instance>().is_some() {
        if let Some(info) = dataclass_info(v) {
            let mut items = Vec::new();
            for f in info.real_fields() {
                let x = inner(&crate::ops::getattr(v, &f.name)?, as_dict)?;
                items.push((f.name.clone(), x));
            }
            return Ok(if as_dict {
                let d = crate::call::new_dict();
                for (k, x) in items {
                    crate::call::dict_set(&d, Value::str(k), x)?;
                }
                d
            } else {
                Value::tuple(items.into_iter().map(|(_, x)| x).collect())
            });
        }
    }
    match v {
        Value::List(l) => {
            let items: Vec<Value> = l.borrow().clone();
            let out: PyResult<Vec<Value>> = items.iter().map(|x| inner(x, as_dict)).collect();
            Ok(Value::list(out?))
        }
        Value::Tuple(t) => {
            let out: PyResult<Vec<Value>> = t.iter().map(|x| inner(x, as_dict)).collect();
            Ok(Value::tuple(out?))
        }
        Value::Dict(d) => {
            let items: Vec<(Value, Value)> = d
                .borrow()
                .iter()
                .map(|(k, x)| (k.value().clone(), x.clone()))
                .collect();
            let out = crate::call::new_dict();
            for (k, x) in items {
                crate::call::dict_set(&out, inner(&k, as_dict)?, inner(&x, as_dict)?)?;
            }
            Ok(out)
        }
        _ => deepcopy_atom(v),
    }
}

fn asdict(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    convert(args, kwargs, true)
}

fn astuple(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    convert(args, kwargs, false)
}

fn convert(args: &[Value], kwargs: Kwargs, as_dict: bool) -> PyResult<Value> {
    let name = if as_dict { "asdict" } else { "astuple" };
    if !kwargs.is_empty() {
        return Err(crate::ops::unsupported(&format!(
            "`{name}` with a factory argument"
        )));
    }
    let [v] = args else {
        return Err(PyErr::type_error(format!(
            "{name}() takes 1 positional argument"
        )));
    };
    if v.downcast::<Instance>().is_none() || dataclass_info(v).is_none() {
        return Err(PyErr::type_error(format!(
            "{name}() should be called on dataclass instances"
        )));
    }
    inner(v, as_dict)
}

/// `replace(obj, **changes)`.
fn replace(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let [obj] = args else {
        return Err(PyErr::type_error(format!(
            "replace() takes 1 positional argument but {} were given",
            args.len()
        )));
    };
    let info = match (obj.downcast::<Instance>(), dataclass_info(obj)) {
        (Some(_), Some(i)) => i,
        _ => {
            return Err(PyErr::type_error(
                "replace() should be called on dataclass instances",
            ))
        }
    };
    let mut changes: Vec<(String, Value)> = kwargs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    for f in &info.fields {
        if f.kind == AnnKind::ClassVar {
            continue;
        }
        if !f.init {
            if changes.iter().any(|(k, _)| k == &f.name) {
                return Err(PyErr::value_error(format!(
                    "field {} is declared with init=False, it cannot be specified with replace()",
                    f.name
                )));
            }
            continue;
        }
        if !changes.iter().any(|(k, _)| k == &f.name) {
            if f.kind == AnnKind::InitVar && f.default.is_none() {
                return Err(PyErr::value_error(format!(
                    "InitVar {} must be specified with replace()",
                    crate::fmt::str_repr(&f.name)
                )));
            }
            if f.kind == AnnKind::Field {
                changes.push((f.name.clone(), crate::ops::getattr(obj, &f.name)?));
            }
        }
    }
    let cls = crate::ops::getattr(obj, "__class__")?;
    let kw: Vec<(&str, Value)> = changes
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    crate::ops::call(&cls, &[], &kw)
}

/// The `dataclasses` module.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "dataclass" => Value::func("dataclass", dataclass),
        "field" => Value::func("field", field),
        "fields" => Value::func("fields", fields),
        "asdict" => Value::impure_func("asdict", asdict),
        "astuple" => Value::impure_func("astuple", astuple),
        "replace" => Value::impure_func("replace", replace),
        "is_dataclass" => Value::func("is_dataclass", is_dataclass),
        "MISSING" => missing(),
        "InitVar" => Value::object(crate::value::TypeObject {
            name: "InitVar",
            module: "dataclasses",
            check: |_| false,
            construct: None,
            attr: None,
        }),
        "FrozenInstanceError" => Value::object(crate::exc::ExcClassObj(ExcType::User(
            FROZEN_ERROR.with(Rc::clone),
        ))),
        _ => return None,
    })
}
