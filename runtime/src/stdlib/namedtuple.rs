//! `collections.namedtuple`: tuple subclasses with named fields.
//!
//! An instance is a [`NamedTuple`] object exposing its items through
//! [`PyObject::as_tuple`], so that comparison, hashing (and with it set order), ordering,
//! concatenation, `isinstance(x, tuple)` and `json.dumps` treat it as the equal tuple, as
//! CPython does. What the class or its instances offer beyond that and is not modelled here
//! (`__new__`, `__getnewargs__`, the `_tuplegetter` descriptors, ...) raises `unsupported`.

use std::any::Any;
use std::rc::{Rc, Weak};

use crate::err::{PyErr, PyResult};
use crate::ops::unsupported;
use crate::value::{BinOp, Dict, Key, Kwargs, PyObject, Value};

/// What a namedtuple class is: its name, fields and defaults.
pub struct NtSpec {
    name: String,
    /// `__module__`: known only when given with `module=`; CPython otherwise takes the
    /// caller's `__name__`, which the runtime does not see.
    module: Option<String>,
    fields: Vec<String>,
    /// Defaults of the last `defaults.len()` fields.
    defaults: Vec<Value>,
}

/// A class made by `namedtuple(...)`.
pub struct NamedTupleClass {
    spec: NtSpec,
    /// The class itself, so that instances can hold it (`x.__class__ is C`).
    this: Weak<NamedTupleClass>,
}

/// An instance of a namedtuple class.
pub struct NamedTuple {
    class: Rc<NamedTupleClass>,
    items: Vec<Value>,
}

/// Names `dir()` lists on a namedtuple class and its instances beyond `tuple`'s own and the
/// fields; reading one that is not modelled is refused, not reported missing.
const NAMEDTUPLE_DIR: &[&str] = &[
    "__match_args__",
    "__module__",
    "__slots__",
    "_asdict",
    "_field_defaults",
    "_fields",
    "_make",
    "_replace",
];

/// Python 3.11's `keyword.kwlist`.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// `str.isidentifier()`, for the ASCII names detections use; other names are refused.
fn is_identifier(name: &str) -> PyResult<bool> {
    if !name.is_ascii() {
        return Err(unsupported("namedtuple names with non-ASCII characters"));
    }
    let mut chars = name.chars();
    Ok(match chars.next() {
        Some(c) if c == '_' || c.is_ascii_alphabetic() => {
            chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        }
        _ => false,
    })
}

fn name_repr(name: &str) -> String {
    crate::fmt::repr(&Value::str(name))
}

/// `str(x)` of a field name given in a list (CPython maps `str` over them).
fn field_name(v: &Value) -> PyResult<String> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        Value::Int(_) | Value::Bool(_) => Ok(crate::fmt::repr(v)),
        _ => Err(unsupported("namedtuple field names that are not strings")),
    }
}

/// `collections.namedtuple(typename, field_names, *, rename=False, defaults=None,
/// module=None)`.
pub fn namedtuple(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    const PARAMS: [&str; 2] = ["typename", "field_names"];
    let mut pos: [Option<Value>; 2] = [args.first().cloned(), args.get(1).cloned()];
    let (mut rename, mut defaults, mut module) = (Value::Bool(false), Value::None, Value::None);
    // As for any Python function, keyword arguments are bound (and their errors raised)
    // before the count of positional ones is checked.
    let mut kwonly_given = 0;
    for (k, v) in kwargs {
        match *k {
            "rename" | "defaults" | "module" => {
                kwonly_given += 1;
                match *k {
                    "rename" => rename = v.clone(),
                    "defaults" => defaults = v.clone(),
                    _ => module = v.clone(),
                }
            }
            _ => match PARAMS.iter().position(|p| p == k) {
                Some(i) if pos[i].is_some() => {
                    return Err(PyErr::type_error(format!(
                        "namedtuple() got multiple values for argument '{k}'"
                    )))
                }
                Some(i) => pos[i] = Some(v.clone()),
                None => {
                    return Err(PyErr::type_error(format!(
                        "namedtuple() got an unexpected keyword argument '{k}'"
                    )))
                }
            },
        }
    }
    if args.len() > 2 {
        let given = if kwonly_given == 0 {
            format!("{} were given", args.len())
        } else {
            format!(
                "{} positional arguments (and {} keyword-only argument{}) were given",
                args.len(),
                kwonly_given,
                if kwonly_given == 1 { "" } else { "s" }
            )
        };
        return Err(PyErr::type_error(format!(
            "namedtuple() takes 2 positional arguments but {given}"
        )));
    }
    let missing: Vec<&str> = PARAMS
        .iter()
        .zip(&pos)
        .filter(|(_, v)| v.is_none())
        .map(|(p, _)| *p)
        .collect();
    if !missing.is_empty() {
        return Err(PyErr::type_error(format!(
            "namedtuple() missing {} required positional argument{}: {}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            crate::call::quote_list(&missing)
        )));
    }
    let [Some(typename), Some(field_names)] = pos else {
        unreachable!("missing arguments are reported above")
    };

    let mut fields: Vec<String> = match &field_names {
        Value::Str(_) => {
            let s = field_names.as_str().unwrap_or_default().replace(',', " ");
            let parts = crate::methods::call_method(&Value::from(s), "split", &[], &[])?;
            crate::ops::iter(&parts)?
                .iter()
                .map(field_name)
                .collect::<PyResult<_>>()?
        }
        _ => crate::ops::iter(&field_names)?
            .iter()
            .map(field_name)
            .collect::<PyResult<_>>()?,
    };
    let typename = match &typename {
        Value::Str(s) => s.to_string(),
        _ => return Err(unsupported("namedtuple type names that are not strings")),
    };
    let rename = crate::ops::truthy(&rename)?;
    if rename {
        let mut seen: Vec<String> = Vec::new();
        for (index, name) in fields.iter_mut().enumerate() {
            let original = name.clone();
            if !is_identifier(name)?
                || KEYWORDS.contains(&name.as_str())
                || name.starts_with('_')
                || seen.contains(name)
            {
                *name = format!("_{index}");
            }
            seen.push(original);
        }
    }
    for name in std::iter::once(&typename).chain(fields.iter()) {
        if !is_identifier(name)? {
            return Err(PyErr::value_error(format!(
                "Type names and field names must be valid identifiers: {}",
                name_repr(name)
            )));
        }
        if KEYWORDS.contains(&name.as_str()) {
            return Err(PyErr::value_error(format!(
                "Type names and field names cannot be a keyword: {}",
                name_repr(name)
            )));
        }
    }
    for (i, name) in fields.iter().enumerate() {
        if name.starts_with('_') && !rename {
            return Err(PyErr::value_error(format!(
                "Field names cannot start with an underscore: {}",
                name_repr(name)
            )));
        }
        if fields[..i].contains(name) {
            return Err(PyErr::value_error(format!(
                "Encountered duplicate field name: {}",
                name_repr(name)
            )));
        }
    }
    let defaults = match defaults {
        Value::None => Vec::new(),
        d => crate::ops::iter(&d)?,
    };
    if defaults.len() > fields.len() {
        return Err(PyErr::type_error(
            "Got more default values than field names",
        ));
    }
    let module = match module {
        Value::None => None,
        Value::Str(s) => Some(s.to_string()),
        _ => return Err(unsupported("namedtuple(module=...) that is not a string")),
    };
    let spec = NtSpec {
        name: typename,
        module,
        fields,
        defaults,
    };
    let class: Rc<dyn PyObject> = Rc::new_cyclic(|this| NamedTupleClass {
        spec,
        this: this.clone(),
    });
    Ok(Value::Object(class))
}

impl NamedTupleClass {
    /// The class as a value (the same object the program holds).
    fn rc(&self) -> Rc<NamedTupleClass> {
        self.this
            .upgrade()
            .expect("a class is alive while its methods run")
    }

    /// `Name.__new__(cls, *args, **kwargs)`: binds arguments to fields with the TypeError
    /// messages of the generated `__new__` (whose first parameter `_cls` counts).
    fn construct(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        let spec = &self.spec;
        let n = spec.fields.len();
        let required = n - spec.defaults.len();
        let fname = format!("{}.__new__", spec.name);
        let mut slots: Vec<Option<Value>> = vec![None; n];
        for (slot, a) in slots.iter_mut().zip(args) {
            *slot = Some(a.clone());
        }
        let filled = args.len();
        for (k, v) in kwargs {
            match spec.fields.iter().position(|f| f == k) {
                Some(i) if i < filled || slots[i].is_some() => {
                    return Err(PyErr::type_error(format!(
                        "{fname}() got multiple values for argument '{k}'"
                    )))
                }
                Some(i) => slots[i] = Some(v.clone()),
                // `_cls` is the generated `__new__`'s first parameter.
                None if *k == "_cls" => {
                    return Err(PyErr::type_error(format!(
                        "{fname}() got multiple values for argument '_cls'"
                    )))
                }
                None => {
                    return Err(PyErr::type_error(format!(
                        "{fname}() got an unexpected keyword argument '{k}'"
                    )))
                }
            }
        }
        // Too many positional arguments are reported after the keyword ones, as CPython
        // binds them.
        if args.len() > n {
            let takes = if required == n {
                format!(
                    "{} positional argument{}",
                    n + 1,
                    if n == 0 { "" } else { "s" }
                )
            } else {
                format!("from {} to {} positional arguments", required + 1, n + 1)
            };
            return Err(PyErr::type_error(format!(
                "{fname}() takes {takes} but {} were given",
                args.len() + 1
            )));
        }
        let mut missing = Vec::new();
        for (i, slot) in slots.iter_mut().enumerate() {
            if slot.is_none() {
                if i >= required {
                    *slot = Some(spec.defaults[i - required].clone());
                } else {
                    missing.push(spec.fields[i].as_str());
                }
            }
        }
        if !missing.is_empty() {
            return Err(PyErr::type_error(format!(
                "{fname}() missing {} required positional argument{}: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                crate::call::quote_list(&missing)
            )));
        }
        Ok(self.instance(slots.into_iter().map(Option::unwrap_or_default).collect()))
    }

    fn instance(&self, items: Vec<Value>) -> Value {
        Value::object(NamedTuple {
            class: self.rc(),
            items,
        })
    }

    /// `Name._make(iterable)`.
    fn make(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        let fname = format!("{}._make", self.spec.name);
        let mut iterable = args.first().cloned();
        for (k, v) in kwargs {
            match *k {
                "iterable" if iterable.is_some() => {
                    return Err(PyErr::type_error(format!(
                        "{fname}() got multiple values for argument 'iterable'"
                    )))
                }
                "iterable" => iterable = Some(v.clone()),
                _ => {
                    return Err(PyErr::type_error(format!(
                        "{fname}() got an unexpected keyword argument '{k}'"
                    )))
                }
            }
        }
        if args.len() > 1 {
            return Err(PyErr::type_error(format!(
                "{fname}() takes 2 positional arguments but {} were given",
                args.len() + 1
            )));
        }
        let Some(iterable) = iterable else {
            return Err(PyErr::type_error(format!(
                "{fname}() missing 1 required positional argument: 'iterable'"
            )));
        };
        let items = crate::ops::iter(&iterable)?;
        if items.len() != self.spec.fields.len() {
            return Err(PyErr::type_error(format!(
                "Expected {} arguments, got {}",
                self.spec.fields.len(),
                items.len()
            )));
        }
        Ok(self.instance(items))
    }
}

impl NtSpec {
    fn fields_tuple(&self) -> Value {
        Value::tuple(
            self.fields
                .iter()
                .map(|f| Value::from(f.as_str()))
                .collect(),
        )
    }

    fn field_defaults(&self) -> Value {
        let skip = self.fields.len() - self.defaults.len();
        let mut d = Dict::default();
        for (f, v) in self.fields[skip..].iter().zip(&self.defaults) {
            d.insert(Key::from_str(f), v.clone());
        }
        Value::dict(d)
    }

    fn doc(&self) -> Value {
        Value::from(format!("{}({})", self.name, self.fields.join(", ")))
    }

    /// Whether `name` is an attribute of the class (and so of its instances).
    fn has(&self, name: &str) -> bool {
        crate::methods::TUPLE_ATTRIBUTES.contains(&name)
            || NAMEDTUPLE_DIR.contains(&name)
            || self.fields.iter().any(|f| f == name)
    }
}

/// A method that takes only `self`, called with extra arguments.
fn no_args(fname: &str, args: &[Value], kwargs: Kwargs) -> PyResult<()> {
    if let Some((k, _)) = kwargs.first() {
        return Err(PyErr::type_error(format!(
            "{fname}() got an unexpected keyword argument '{k}'"
        )));
    }
    if !args.is_empty() {
        return Err(PyErr::type_error(format!(
            "{fname}() takes 1 positional argument but {} were given",
            args.len() + 1
        )));
    }
    Ok(())
}

impl NamedTuple {
    fn spec(&self) -> &NtSpec {
        &self.class.spec
    }

    fn asdict(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        no_args(&format!("{}._asdict", self.spec().name), args, kwargs)?;
        let mut d = Dict::default();
        for (f, v) in self.spec().fields.iter().zip(&self.items) {
            d.insert(Key::from_str(f), v.clone());
        }
        Ok(Value::dict(d))
    }

    fn replace(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        no_args(&format!("{}._replace", self.spec().name), args, &[])?;
        let mut items = self.items.clone();
        let mut unexpected = Vec::new();
        for (k, v) in kwargs {
            match self.spec().fields.iter().position(|f| f == k) {
                Some(i) => items[i] = v.clone(),
                None => unexpected.push(Value::from(*k)),
            }
        }
        if !unexpected.is_empty() {
            return Err(PyErr::value_error(format!(
                "Got unexpected field names: {}",
                crate::fmt::repr(&Value::list(unexpected))
            )));
        }
        Ok(self.class.instance(items))
    }

    fn method(&self, this: &Value, name: &str, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        match name {
            "_asdict" => self.asdict(args, kwargs),
            "_replace" => self.replace(args, kwargs),
            "_make" => self.class.make(args, kwargs),
            "count" | "index" => {
                crate::methods::call_method(&this.plain_tuple(), name, args, kwargs)
            }
            _ => {
                let f = self.getattr(this, name)?;
                crate::ops::call(&f, args, kwargs)
            }
        }
    }
}

impl PyObject for NamedTuple {
    fn type_name(&self) -> &str {
        &self.spec().name
    }
    fn repr(&self) -> String {
        let parts: Vec<String> = self
            .spec()
            .fields
            .iter()
            .zip(&self.items)
            .map(|(f, v)| format!("{f}={}", crate::fmt::repr(v)))
            .collect();
        format!("{}({})", self.spec().name, parts.join(", "))
    }
    fn getattr(&self, this: &Value, name: &str) -> PyResult<Value> {
        if let Some(i) = self.spec().fields.iter().position(|f| f == name) {
            return Ok(self.items[i].clone());
        }
        match name {
            "_fields" | "__match_args__" => Ok(self.spec().fields_tuple()),
            "_field_defaults" => Ok(self.spec().field_defaults()),
            "__doc__" => Ok(self.spec().doc()),
            "__class__" => Ok(Value::Object(self.class.clone())),
            "_asdict" | "_replace" | "_make" | "count" | "index" => {
                let this = this.clone();
                let owned = name.to_string();
                Ok(Value::closure(name, move |args, kwargs| {
                    let nt = this.downcast::<NamedTuple>().expect("a namedtuple");
                    nt.method(&this, &owned, args, kwargs)
                }))
            }
            _ if self.spec().has(name) => Err(unsupported(&format!(
                "the attribute `{name}` of a namedtuple"
            ))),
            _ => Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute '{}'",
                self.spec().name,
                name
            ))),
        }
    }
    fn setattr(&self, name: &str, value: Value) -> PyResult<()> {
        let _ = value;
        if self.spec().fields.iter().any(|f| f == name) {
            return Err(PyErr::attribute_error("can't set attribute"));
        }
        if name.starts_with("__") {
            return Err(unsupported(&format!(
                "setting the attribute `{name}` of a namedtuple"
            )));
        }
        if self.spec().has(name) {
            return Err(PyErr::attribute_error(format!(
                "'{}' object attribute '{}' is read-only",
                self.spec().name,
                name
            )));
        }
        Err(PyErr::attribute_error(format!(
            "'{}' object has no attribute '{}'",
            self.spec().name,
            name
        )))
    }
    fn has_method(&self, name: &str) -> bool {
        self.spec().has(name)
    }
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        if self.spec().fields.iter().any(|f| f == name) {
            // A field holding a callable.
            return crate::ops::call(&self.getattr(this, name)?, args, kwargs);
        }
        self.method(this, name, args, kwargs)
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        other.tuple_items().map(|o| {
            self.items.len() == o.len()
                && self
                    .items
                    .iter()
                    .zip(o)
                    .all(|(x, y)| x.is(y) || crate::ops::eq(x, y))
        })
    }
    fn hash(&self) -> Option<u64> {
        Key::new(Value::tuple(self.items.clone()))
            .ok()
            .map(|_| crate::pyhash::hash(&Value::tuple(self.items.clone())).value as u64)
    }
    fn len(&self) -> Option<PyResult<usize>> {
        Some(Ok(self.items.len()))
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(Ok(self.items.clone()))
    }
    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        // Indexing and slicing are tuple's: a slice is a plain tuple.
        Some(crate::ops::getitem(&Value::tuple(self.items.clone()), key))
    }
    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        Some(Ok(self
            .items
            .iter()
            .any(|x| x.is(item) || crate::ops::eq(x, item))))
    }
    fn binop(&self, op: BinOp, other: &Value, reflected: bool) -> Option<PyResult<Value>> {
        // `+` and `*` with a namedtuple on the left, and `int * nt`, are done on the equal
        // plain tuple by `ops`. What reaches here is `x * nt` for a non-int `x`: CPython
        // falls back to the namedtuple's sequence repeat with `x` as the count.
        if op != BinOp::Mul || !reflected {
            return None;
        }
        Some(Err(match other {
            Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_) => {
                PyErr::type_error(format!(
                    "can't multiply sequence by non-int of type '{}'",
                    self.spec().name
                ))
            }
            Value::Object(o) if o.as_tuple().is_some() => PyErr::type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                self.spec().name
            )),
            Value::Object(_) => unsupported("`*` of this object and a namedtuple"),
            _ => PyErr::type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                other.type_name()
            )),
        }))
    }
    fn is_sequence(&self) -> bool {
        true
    }
    fn as_tuple(&self) -> Option<&[Value]> {
        Some(&self.items)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl PyObject for NamedTupleClass {
    fn type_name(&self) -> &str {
        "type"
    }
    fn repr_exact(&self) -> bool {
        self.spec.module.is_some()
    }
    fn repr(&self) -> String {
        match &self.spec.module {
            Some(m) if m == "builtins" => format!("<class '{}'>", self.spec.name),
            Some(m) => format!("<class '{}.{}'>", m, self.spec.name),
            None => format!("<class '?.{}'>", self.spec.name),
        }
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        let spec = &self.spec;
        match name {
            "_fields" | "__match_args__" => Ok(spec.fields_tuple()),
            "_field_defaults" => Ok(spec.field_defaults()),
            "__doc__" => Ok(spec.doc()),
            "__name__" | "__qualname__" => Ok(Value::from(spec.name.as_str())),
            "__module__" if spec.module.is_some() => {
                Ok(Value::from(spec.module.clone().unwrap_or_default()))
            }
            "_make" => {
                let class = self.rc();
                Ok(Value::closure("_make", move |args, kwargs| {
                    class.make(args, kwargs)
                }))
            }
            _ if spec.has(name) || name.starts_with("__") => Err(unsupported(&format!(
                "the class attribute `{name}` of a namedtuple"
            ))),
            _ => Err(PyErr::attribute_error(format!(
                "type object '{}' has no attribute '{}'",
                spec.name, name
            ))),
        }
    }
    fn setattr(&self, name: &str, value: Value) -> PyResult<()> {
        let _ = value;
        Err(unsupported(&format!(
            "setting the class attribute `{name}` of a namedtuple"
        )))
    }
    fn has_method(&self, name: &str) -> bool {
        self.spec.has(name) || matches!(name, "__name__" | "__qualname__")
    }
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match name {
            "_make" => self.make(args, kwargs),
            _ => crate::ops::call(&self.getattr(this, name)?, args, kwargs),
        }
    }
    fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        self.construct(args, kwargs)
    }
    fn instancecheck(&self, value: &Value) -> Option<bool> {
        Some(
            value
                .downcast::<NamedTuple>()
                .is_some_and(|nt| std::ptr::eq(Rc::as_ptr(&nt.class), self)),
        )
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const NamedTupleClass as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
