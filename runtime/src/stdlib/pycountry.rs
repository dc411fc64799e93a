//! `pycountry` 24.6.1: `pycountry.countries` (an `ExistingCountries` database) with `get`,
//! `lookup`, `len`, iteration and membership, and its `Country` records (attribute reads,
//! `repr`/`str`, iteration as `(field, value)` pairs, identity equality).
//!
//! The ISO 3166-1 data is not part of ferrule: it is the user's installed pycountry's
//! `databases/iso3166-1.json`, which `ferrule build` copies into the generated crate
//! (`data/`) and the runner hands to [`install`] (`runner::install_data`). Until then every
//! use of `pycountry.countries` is refused with `unsupported`. The data is parsed once per
//! thread on first use, as pycountry loads it lazily, and the same record objects are
//! returned by every lookup (CPython's lookups return one shared object per record, and `is`
//! can tell).
//!
//! Every other name CPython has (`subdivisions`, `languages`, `currencies`, `search_fuzzy`,
//! `add_entry`, dunder attributes, …) is refused, never reported as an AttributeError.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use indexmap::IndexMap;

use crate::err::{ExcKind, ExcType, PyErr, PyResult};
use crate::value::{Kwargs, PyObject, Value};

static ISO3166_1: OnceLock<&'static str> = OnceLock::new();

/// Installs the text of pycountry's `databases/iso3166-1.json` (the generated crate embeds
/// its copy with `include_str!`). The first call wins; later calls are ignored.
pub fn install(json: &'static str) {
    let _ = ISO3166_1.set(json);
}

/// Module attributes of `pycountry`. Names CPython's module has but ferrule does not provide
/// are refused by the module object itself.
pub fn attr(name: &str) -> Option<Value> {
    match name {
        "countries" => Some(countries()),
        _ => None,
    }
}

thread_local! {
    static DB: RefCell<Option<Rc<Db>>> = const { RefCell::new(None) };
    static COUNTRIES: Value = Value::object(Countries);
}

/// The one `pycountry.countries` object (`pycountry.countries is pycountry.countries`).
fn countries() -> Value {
    COUNTRIES.with(|c| c.clone())
}

/// The loaded database: `Database.objects` and `Database.indices`.
struct Db {
    objects: Vec<Value>,
    /// Field name -> lower-cased value -> record, fields in order of first appearance
    /// (`lookup` tries them in that order).
    indices: IndexMap<String, HashMap<String, Value>>,
}

/// The database, loading it on first use; `unsupported` when none was installed.
fn db() -> PyResult<Rc<Db>> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let Some(json) = ISO3166_1.get() else {
        return Err(crate::ops::unsupported(
            "`pycountry` without its country database (`ferrule build` found no pycountry \
             installed next to the package)",
        ));
    };
    let db = Rc::new(load(json).map_err(|e| {
        crate::ops::unsupported(&format!("`pycountry` with this iso3166-1.json ({e})"))
    })?);
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// `Database._load` for the `"3166-1"` root key: one record per entry in file order, every
/// field indexed under its lower-cased value, a later duplicate replacing an earlier one.
fn load(json: &str) -> Result<Db, String> {
    let tree: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let entries = tree
        .get("3166-1")
        .and_then(|e| e.as_array())
        .ok_or("no \"3166-1\" list")?;
    let mut db = Db {
        objects: Vec::with_capacity(entries.len()),
        indices: IndexMap::new(),
    };
    for entry in entries {
        let entry = entry.as_object().ok_or("an entry is not an object")?;
        let mut fields = Vec::with_capacity(entry.len());
        for (k, v) in entry {
            // Every field of pycountry's data is a string; another type would make
            // pycountry's own loading fail in `value.lower()`.
            let v = v.as_str().ok_or("a field is not a string")?;
            fields.push((Rc::<str>::from(k.as_str()), Value::str(v)));
        }
        let obj = Value::object(Country { fields });
        for (k, v) in entry {
            let lowered = crate::unicode::lower(v.as_str().unwrap_or_default());
            db.indices
                .entry(k.clone())
                .or_default()
                .insert(lowered, obj.clone());
        }
        db.objects.push(obj);
    }
    Ok(db)
}

/// `LookupError()`, with no arguments.
fn lookup_error_empty() -> PyErr {
    PyErr::with_args(ExcType::Builtin(ExcKind::LookupError), vec![])
}

/// The TypeError of pycountry's `lazy_load` wrapper, whose first parameter is `self`.
fn self_given_twice() -> PyErr {
    PyErr::type_error("lazy_load.<locals>.load_if_needed() got multiple values for argument 'self'")
}

/// `countries.get(*, default=None, **kw)`.
pub fn countries_get(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let db = db()?;
    if kwargs.iter().any(|(k, _)| *k == "self") {
        return Err(self_given_twice());
    }
    if !args.is_empty() {
        // CPython's message also counts the keyword-only parameters given (`default`).
        let given = args.len() + 1;
        let msg = if kwargs.iter().any(|(k, _)| *k == "default") {
            format!(
                "Database.get() takes 1 positional argument but {given} positional arguments \
                 (and 1 keyword-only argument) were given"
            )
        } else {
            format!("Database.get() takes 1 positional argument but {given} were given")
        };
        return Err(PyErr::type_error(msg));
    }
    let mut default = Value::None;
    let mut criteria = Vec::with_capacity(1);
    for (k, v) in kwargs {
        if *k == "default" {
            default = v.clone();
        } else {
            criteria.push((*k, v));
        }
    }
    if criteria.len() != 1 {
        return Err(PyErr::type_error("Only one criteria may be given"));
    }
    let (field, value) = criteria[0];
    let Value::Str(value) = value else {
        return Err(lookup_error_empty());
    };
    let value = crate::unicode::lower(value);
    let index = db
        .indices
        .get(field)
        .ok_or_else(|| PyErr::key_error(Value::str(field)))?;
    Ok(index.get(&value).cloned().unwrap_or(default))
}

/// `countries.lookup(value)`: the first index (in field order) holding the lower-cased value.
pub fn countries_lookup(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let db = db()?;
    if kwargs.iter().any(|(k, _)| *k == "self") {
        return Err(self_given_twice());
    }
    // CPython binds keywords (in call order) before it counts positional arguments.
    let mut value = args.first();
    for (k, v) in kwargs {
        if *k != "value" {
            return Err(PyErr::type_error(format!(
                "Database.lookup() got an unexpected keyword argument '{k}'"
            )));
        }
        if !args.is_empty() {
            return Err(PyErr::type_error(
                "Database.lookup() got multiple values for argument 'value'",
            ));
        }
        value = Some(v);
    }
    if args.len() > 1 {
        return Err(PyErr::type_error(format!(
            "Database.lookup() takes 2 positional arguments but {} were given",
            args.len() + 1
        )));
    }
    let Some(value) = value else {
        return Err(PyErr::type_error(
            "Database.lookup() missing 1 required positional argument: 'value'",
        ));
    };
    let Value::Str(value) = value else {
        return Err(lookup_error_empty());
    };
    let value = crate::unicode::lower(value);
    for index in db.indices.values() {
        if let Some(obj) = index.get(&value) {
            return Ok(obj.clone());
        }
    }
    Err(PyErr::new(
        ExcKind::LookupError,
        format!(
            "Could not find a record for {}",
            crate::fmt::str_repr(&value)
        ),
    ))
}

/// `dir(pycountry.countries)` in CPython once loaded (methods and instance attributes).
const COUNTRIES_NAMES: &[&str] = &[
    "__annotations__",
    "__class__",
    "__delattr__",
    "__dict__",
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
    "__module__",
    "__ne__",
    "__new__",
    "__reduce__",
    "__reduce_ex__",
    "__repr__",
    "__setattr__",
    "__sizeof__",
    "__str__",
    "__subclasshook__",
    "__weakref__",
    "_clear",
    "_is_loaded",
    "_load",
    "_load_lock",
    "add_entry",
    "data_class",
    "factory",
    "filename",
    "get",
    "index_names",
    "indices",
    "lookup",
    "no_index",
    "objects",
    "remove_entry",
    "root_key",
    "search_fuzzy",
];

/// `pycountry.countries`.
struct Countries;

impl PyObject for Countries {
    fn type_name(&self) -> &str {
        "ExistingCountries"
    }
    fn repr(&self) -> String {
        "<pycountry.ExistingCountries object>".into()
    }
    fn repr_exact(&self) -> bool {
        // CPython's shows the object's address.
        false
    }
    fn truthy(&self) -> PyResult<bool> {
        Ok(!db()?.objects.is_empty())
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        db()?;
        match name {
            "get" => Ok(Value::func("get", countries_get)),
            "lookup" => Ok(Value::func("lookup", countries_lookup)),
            _ if COUNTRIES_NAMES.contains(&name) => Err(crate::ops::unsupported(&format!(
                "`pycountry.countries.{name}`"
            ))),
            _ => Err(PyErr::attribute_error(format!(
                "'ExistingCountries' object has no attribute '{name}'"
            ))),
        }
    }
    fn has_method(&self, name: &str) -> bool {
        COUNTRIES_NAMES.contains(&name)
    }
    fn setattr(&self, name: &str, _value: Value) -> PyResult<()> {
        Err(crate::ops::unsupported(&format!(
            "assigning `pycountry.countries.{name}`"
        )))
    }
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match name {
            "get" => countries_get(args, kwargs),
            "lookup" => countries_lookup(args, kwargs),
            _ => self
                .getattr(this, name)
                .and_then(|f| crate::ops::call(&f, args, kwargs)),
        }
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const Countries as usize as u64)
    }
    fn len(&self) -> Option<PyResult<usize>> {
        Some(db().map(|db| db.objects.len()))
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(db().map(|db| db.objects.clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `dir(pycountry.db.Country)` in CPython, plus the instance attribute `_fields`: names
/// found before `Data.__getattr__` is consulted.
const COUNTRY_NAMES: &[&str] = &[
    "__class__",
    "__delattr__",
    "__dict__",
    "__dir__",
    "__doc__",
    "__eq__",
    "__format__",
    "__ge__",
    "__getattr__",
    "__getattribute__",
    "__getstate__",
    "__gt__",
    "__hash__",
    "__init__",
    "__init_subclass__",
    "__iter__",
    "__le__",
    "__lt__",
    "__module__",
    "__ne__",
    "__new__",
    "__reduce__",
    "__reduce_ex__",
    "__repr__",
    "__setattr__",
    "__sizeof__",
    "__str__",
    "__subclasshook__",
    "__weakref__",
    "_fields",
];

/// A `pycountry.db.Country` record: its fields in file order. It defines no `__eq__`, so it
/// compares and hashes by identity (the runtime treats object hashes as address-based).
pub struct Country {
    fields: Vec<(Rc<str>, Value)>,
}

impl PyObject for Country {
    fn type_name(&self) -> &str {
        "Country"
    }
    /// `Data.__repr__`: the fields sorted by name, each `name=%r`.
    fn repr(&self) -> String {
        let mut fields: Vec<&(Rc<str>, Value)> = self.fields.iter().collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        let parts: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::fmt::repr(v)))
            .collect();
        format!("Country({})", parts.join(", "))
    }
    /// `Data.__getattr__`: a field, else `AttributeError(name)`.
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        if COUNTRY_NAMES.contains(&name) {
            return Err(crate::ops::unsupported(&format!(
                "`pycountry.db.Country.{name}`"
            )));
        }
        match self.fields.iter().find(|(k, _)| &**k == name) {
            Some((_, v)) => Ok(v.clone()),
            None => Err(PyErr::attribute_error(name)),
        }
    }
    fn has_method(&self, name: &str) -> bool {
        COUNTRY_NAMES.contains(&name)
    }
    fn setattr(&self, name: &str, _value: Value) -> PyResult<()> {
        // The records are shared by every lookup; changing one is not modelled.
        Err(crate::ops::unsupported(&format!(
            "assigning `pycountry.db.Country.{name}`"
        )))
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const Country as usize as u64)
    }
    /// `Data.__iter__`: `(field, value)` pairs, which `dict(country)` consumes.
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(Ok(self
            .fields
            .iter()
            .map(|(k, v)| Value::tuple(vec![Value::Str(k.clone()), v.clone()]))
            .collect()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nothing in the library's unit tests installs a database, so every use is refused.
    #[test]
    fn refused_until_installed() {
        let c = attr("countries").unwrap();
        let err =
            crate::ops::call_method(&c, "get", &[], &[("alpha_2", Value::str("CN"))]).unwrap_err();
        assert!(err.is_refusal(), "{err}");
        assert!(err.str().starts_with("ferrule runtime: "), "{err}");
        assert!(crate::ops::len(&c).is_err());
        assert!(crate::ops::getattr(&c, "nope").unwrap_err().is_refusal());
    }
}
