//! `pycountry` (24.6.1): `pycountry.countries`, the ISO 3166-1 database, with its `get`,
//! `lookup`, `len` and iteration, and its `Country` records.
//!
//! The data is the installed pycountry's own `databases/iso3166-1.json`, which `ferrule
//! build` copies into the generated crate and the runner hands over with [`install`]; it is
//! never part of ferrule. Without it every use of the module is refused. Everything else
//! pycountry has (subdivisions, languages, currencies, `search_fuzzy`, …) is refused too.

use std::any::Any;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use indexmap::IndexMap;

use crate::err::{ExcKind, ExcType, PyErr, PyResult};
use crate::ops::unsupported;
use crate::value::{Kwargs, PyObject, Value};

static ISO_3166_1: OnceLock<&'static str> = OnceLock::new();

/// Installs the text of pycountry's `iso3166-1.json` (the first installation wins).
pub fn install(json: &'static str) {
    let _ = ISO_3166_1.set(json);
}

thread_local! {
    // Module state is per thread, like the rest of the runtime's (values are `Rc`).
    static COUNTRIES: OnceCell<Value> = const { OnceCell::new() };
    static LOADED: OnceCell<Rc<Database>> = const { OnceCell::new() };
}

/// Module attributes of `pycountry`.
pub fn attr(name: &str) -> Option<Value> {
    match name {
        "countries" => Some(COUNTRIES.with(|c| c.get_or_init(|| Value::object(Countries)).clone())),
        _ => None,
    }
}

/// The database, loaded on first use as pycountry's `lazy_load` does.
fn database() -> PyResult<Rc<Database>> {
    if let Some(db) = LOADED.with(|l| l.get().cloned()) {
        return Ok(db);
    }
    let db = Rc::new(Database::load()?);
    Ok(LOADED.with(|l| l.get_or_init(|| db).clone()))
}

/// A record of the database (`pycountry.db.Country`): its fields in file order.
pub struct Country {
    fields: IndexMap<String, Value>,
}

impl PyObject for Country {
    fn type_name(&self) -> &str {
        "Country"
    }
    /// `Data.__repr__`: the fields sorted by name, each `name=%r`.
    fn repr(&self) -> String {
        let mut fields: Vec<(&String, &Value)> = self.fields.iter().collect();
        fields.sort_by(|a, b| a.0.cmp(b.0));
        let inner: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::fmt::repr(v)))
            .collect();
        format!("Country({})", inner.join(", "))
    }
    /// `Data.__getattr__`: a field, else `AttributeError(name)`. Names the class itself
    /// has (`_fields`, dunders) are not modelled.
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        if name.starts_with('_') {
            return Err(unsupported(&format!("`Country.{name}`")));
        }
        self.fields
            .get(name)
            .cloned()
            .ok_or_else(|| PyErr::attribute_error(name))
    }
    fn setattr(&self, name: &str, _value: Value) -> PyResult<()> {
        // `Data.__setattr__` would change the shared database record.
        Err(unsupported(&format!("assigning `Country.{name}`")))
    }
    /// No `__eq__`: equality and hashing are by identity.
    fn hash(&self) -> Option<u64> {
        Some(self as *const Country as usize as u64)
    }
    /// `Data.__iter__`: `(field, value)` pairs in file order.
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(Ok(self
            .fields
            .iter()
            .map(|(k, v)| Value::tuple(vec![Value::str(k.as_str()), v.clone()]))
            .collect()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The loaded ISO 3166-1 database.
struct Database {
    objects: Vec<Value>,
    /// Field → lower-cased value → record, fields in first-seen order; a later record with
    /// the same value replaces an earlier one, as `Database._load` does.
    indices: IndexMap<String, HashMap<String, Value>>,
}

impl Database {
    fn load() -> PyResult<Database> {
        let text = ISO_3166_1.get().ok_or_else(|| {
            unsupported(
                "pycountry without its database (ferrule build found no installed pycountry)",
            )
        })?;
        let tree = crate::stdlib::json::loads(&[Value::str(*text)], &[])?;
        let bad = || unsupported("pycountry's database in an unexpected layout");
        let entries = match crate::ops::getitem(&tree, &Value::str("3166-1"))? {
            Value::List(l) => l.borrow().clone(),
            _ => return Err(bad()),
        };
        let mut db = Database {
            objects: Vec::new(),
            indices: IndexMap::new(),
        };
        for entry in entries {
            let Value::Dict(d) = entry else {
                return Err(bad());
            };
            let mut fields = IndexMap::new();
            for (k, v) in d.borrow().iter() {
                let (Value::Str(k), Value::Str(_)) = (k.value(), &v) else {
                    return Err(bad());
                };
                fields.insert(k.to_string(), v.clone());
            }
            let obj = Value::object(Country {
                fields: fields.clone(),
            });
            for (k, v) in &fields {
                let Value::Str(v) = v else { continue };
                db.indices
                    .entry(k.clone())
                    .or_default()
                    .insert(crate::unicode::lower(v), obj.clone());
            }
            db.objects.push(obj);
        }
        Ok(db)
    }

    /// `Database.get(*, default=None, **kw)`.
    fn get(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        if !args.is_empty() {
            return Err(unsupported("positional arguments to `countries.get`"));
        }
        let mut default = Value::None;
        let mut criteria = Vec::new();
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
            return Err(PyErr::with_args(
                ExcType::Builtin(ExcKind::LookupError),
                Vec::new(),
            ));
        };
        let index = self
            .indices
            .get(field)
            .ok_or_else(|| PyErr::key_error(Value::str(field)))?;
        Ok(index
            .get(&crate::unicode::lower(value))
            .cloned()
            .unwrap_or(default))
    }

    /// `Database.lookup(value)`: every index in order, then the unindexed fields (none for
    /// countries).
    fn lookup(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        let a = crate::stdlib::Args::new("lookup", args, kwargs, &["value"], 1)?;
        let Value::Str(value) = a.req(0) else {
            return Err(PyErr::with_args(
                ExcType::Builtin(ExcKind::LookupError),
                Vec::new(),
            ));
        };
        let lowered = crate::unicode::lower(&value);
        for index in self.indices.values() {
            if let Some(v) = index.get(&lowered) {
                return Ok(v.clone());
            }
        }
        Err(PyErr::new(
            ExcKind::LookupError,
            format!(
                "Could not find a record for {}",
                crate::fmt::repr(&Value::str(lowered))
            ),
        ))
    }
}

/// `pycountry.countries`, the `ExistingCountries` instance.
pub struct Countries;

impl PyObject for Countries {
    fn type_name(&self) -> &str {
        "ExistingCountries"
    }
    /// CPython prints the object's address.
    fn repr_exact(&self) -> bool {
        false
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        Err(unsupported(&format!("`pycountry.countries.{name}`")))
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "get" | "lookup")
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match name {
            "get" => database()?.get(args, kwargs),
            "lookup" => database()?.lookup(args, kwargs),
            _ => Err(unsupported(&format!("`pycountry.countries.{name}`"))),
        }
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const Countries as usize as u64)
    }
    fn len(&self) -> Option<PyResult<usize>> {
        Some(database().map(|db| db.objects.len()))
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(database().map(|db| db.objects.clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
