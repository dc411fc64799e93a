//! `botocore.exceptions`: the exception classes of the installed botocore, so that
//! `except ClientError`, `except BotoCoreError` and the errors the caching helpers raise
//! without AWS configuration (`NoRegionError`) behave as under PAT.
//!
//! The class table (names, bases, string class attributes such as `fmt`, and a fingerprint
//! of each class that defines its own `__init__`) is read by `ferrule build` from the
//! botocore installed in the Python environment PAT runs in, and handed to the runtime as a
//! data file ([`install`]); nothing of botocore is part of ferrule. The classes are ordinary
//! [`ClassObj`]s built as `type.__new__` builds them, deriving from the builtin exception
//! classes, so raising, catching,
//! `isinstance` and subclassing go through the same code as helper-defined exceptions.
//!
//! Constructors: `BotoCoreError(**kwargs)` (`fmt.format(**kwargs)`), `ClientError(
//! error_response, operation_name)`, `HTTPClientError(request=None, response=None,
//! **kwargs)`, `WaiterError(name, reason, last_response)` and
//! `MissingServiceIdError(**kwargs)` are modelled when the class's source has the
//! fingerprint of a botocore version they were checked against; another `__init__` refuses
//! when called. A class with a base outside botocore and the builtins (requests' and
//! urllib3's exceptions, `Warning`) is not provided, so importing it is a compile-time
//! diagnostic.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use indexmap::IndexMap;

use crate::class::{ClassObj, Instance};
use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::{Dict, Key, Kwargs, ModuleObject, PyObject, Value};

/// The class table (JSON) written by `ferrule build`.
static DATA: OnceLock<&'static str> = OnceLock::new();

/// Name of the data file in [`crate::runner::Registry::data_files`].
pub const DATA_FILE: &str = "botocore/exceptions.json";

/// Installs the class table of the installed botocore. The first call wins.
pub fn install(json: &'static str) {
    let _ = DATA.set(json);
}

/// The constructors the runtime models, by the class that defines `__init__`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Init {
    /// `BotoCoreError.__init__(self, **kwargs)`.
    Boto,
    /// `MissingServiceIdError.__init__(self, **kwargs)` (the same body).
    MissingServiceId,
    /// `HTTPClientError.__init__(self, request=None, response=None, **kwargs)`.
    HttpClient,
    /// `WaiterError.__init__(self, name, reason, last_response)`.
    Waiter,
    /// `ClientError.__init__(self, error_response, operation_name)`.
    Client,
}

/// FNV-1a (64 bits) of a class statement's source text: how `ferrule build` fingerprints a
/// class with its own `__init__` (see `src/lower/libraries.rs`).
pub fn fingerprint(text: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in text.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    h
}

/// The `__init__` bodies modelled here: (class, fingerprint of its class statement) as in
/// botocore 1.42.97 and 1.44.18 (identical text).
const KNOWN_INITS: &[(&str, u64, Init)] = &[
    ("BotoCoreError", 0xe67f_d646_d4a2_a929, Init::Boto),
    (
        "MissingServiceIdError",
        0xa7ac_3a1d_24f4_29fc,
        Init::MissingServiceId,
    ),
    ("HTTPClientError", 0x7af3_4709_e82a_3cf7, Init::HttpClient),
    ("WaiterError", 0x0b10_2f3d_9784_1f6a, Init::Waiter),
    ("ClientError", 0x35c7_af3e_491e_bc95, Init::Client),
];

/// One class of the table.
struct ClassSpec {
    name: String,
    bases: Vec<String>,
    /// String class attributes (`fmt`, `MSG_TEMPLATE`).
    attrs: IndexMap<String, String>,
    /// The fingerprint of the class statement when the class defines `__init__`.
    init: Option<u64>,
}

/// Reads the table: `{"classes": [{"name", "bases", "attrs", "init"}]}`, `init` being the
/// fingerprint in hexadecimal or null.
fn parse_table(json: &str) -> Option<Vec<ClassSpec>> {
    let tree: serde_json::Value = serde_json::from_str(json).ok()?;
    let mut out = Vec::new();
    for c in tree.get("classes")?.as_array()? {
        let strings = |key: &str| -> Option<Vec<String>> {
            c.get(key)?
                .as_array()?
                .iter()
                .map(|b| b.as_str().map(str::to_string))
                .collect()
        };
        let mut attrs = IndexMap::new();
        if let Some(a) = c.get("attrs").and_then(|a| a.as_object()) {
            for (k, v) in a {
                attrs.insert(k.clone(), v.as_str()?.to_string());
            }
        }
        let init = match c.get("init") {
            Some(serde_json::Value::String(h)) => Some(u64::from_str_radix(h, 16).ok()?),
            _ => None,
        };
        out.push(ClassSpec {
            name: c.get("name")?.as_str()?.to_string(),
            bases: strings("bases")?,
            attrs,
            init,
        });
    }
    Some(out)
}

thread_local! {
    /// The class objects, built once per thread so that `except` compares identities.
    static CLASSES: RefCell<Option<Rc<IndexMap<String, Value>>>> = const { RefCell::new(None) };
}

/// The builtin exception class a base name denotes (those botocore derives from).
fn builtin_base(name: &str) -> Option<ExcKind> {
    use ExcKind::*;
    [
        BaseException,
        Exception,
        ValueError,
        TypeError,
        KeyError,
        LookupError,
        AssertionError,
        AttributeError,
        RuntimeError,
        NotImplementedError,
        OSError,
    ]
    .into_iter()
    .find(|k| k.name() == name)
}

/// Builds the class objects of the table, skipping those that cannot be represented (a
/// base outside botocore and the builtins, or bases `type.__new__` would reject).
fn build(table: &[ClassSpec]) -> IndexMap<String, Value> {
    let mut out: IndexMap<String, Value> = IndexMap::new();
    for spec in table {
        let bases: Option<Vec<Value>> = spec
            .bases
            .iter()
            .map(|b| {
                out.get(b)
                    .cloned()
                    .or_else(|| builtin_base(b).map(crate::exc::builtin_exc))
            })
            .collect();
        let Some(bases) = bases.filter(|b| !b.is_empty()) else {
            continue;
        };
        // String attributes are plain class attributes.
        let mut ns: IndexMap<String, Value> = spec
            .attrs
            .iter()
            .map(|(k, v)| (k.clone(), Value::str(v.as_str())))
            .collect();
        if let Some(fp) = spec.init {
            let init = KNOWN_INITS
                .iter()
                .find(|(n, f, _)| *n == spec.name && *f == fp)
                .map(|(_, _, i)| *i);
            let name = spec.name.clone();
            // A Python function of the class (bound to the instance, a Python frame).
            ns.insert(
                "__init__".into(),
                Value::py_closure("__init__", move |args, kwargs| match init {
                    Some(i) => run_init(i, args, kwargs),
                    None => Err(crate::ops::unsupported(&format!(
                        "`botocore.exceptions.{name}()` of this botocore version"
                    ))),
                }),
            );
        }
        ns.insert("__module__".into(), Value::str("botocore.exceptions"));
        // The classes must derive from exception classes the runtime can lay out; a class
        // it cannot represent is left out (its import is a compile-time diagnostic), without
        // recording a refusal.
        let class = crate::err::probe(|| {
            crate::class::new_class(
                &spec.name,
                &spec.name,
                "botocore.exceptions",
                bases,
                Vec::new(),
                ns,
                Vec::new(),
                None,
            )
        });
        match class {
            Ok(c) if c.downcast::<ClassObj>().is_some_and(|c| c.exc.is_some()) => {
                out.insert(spec.name.clone(), c);
            }
            _ => continue,
        }
    }
    out
}

fn classes() -> Option<Rc<IndexMap<String, Value>>> {
    if let Some(c) = CLASSES.with(|c| c.borrow().clone()) {
        return Some(c);
    }
    let table = parse_table(DATA.get()?)?;
    let built = Rc::new(build(&table));
    CLASSES.with(|c| *c.borrow_mut() = Some(built.clone()));
    Some(built)
}

/// The class `botocore.exceptions.<name>`, if the installed botocore has it and the runtime
/// can represent it.
pub fn class(name: &str) -> Option<Value> {
    classes()?.get(name).cloned()
}

/// Attributes of the module `botocore.exceptions`.
pub fn exceptions_attr(name: &str) -> Option<Value> {
    class(name)
}

/// Attributes of the package `botocore`.
pub fn package_attr(name: &str) -> Option<Value> {
    match name {
        "exceptions" => Some(Value::object(ModuleObject {
            name: "botocore.exceptions",
            attr: exceptions_attr,
        })),
        _ => None,
    }
}

/// `Class(**kwargs)` for a class whose `__init__` is `BotoCoreError`'s, from Rust (the
/// caching helpers raise `NoRegionError()`); refused when botocore was not found.
pub fn new_error(name: &str, kwargs: Kwargs) -> PyErr {
    let Some(cls) = class(name) else {
        return crate::ops::unsupported(&format!(
            "`botocore.exceptions.{name}` (no botocore was found in the Python environment)"
        ));
    };
    match crate::ops::call(&cls, &[], kwargs) {
        Ok(inst) => crate::call::raise(&inst),
        Err(e) => e,
    }
}

fn this_instance(args: &[Value]) -> PyResult<(&Instance, &Value)> {
    let this = args
        .first()
        .ok_or_else(|| PyErr::type_error("__init__() missing 'self'"))?;
    let inst = this
        .downcast::<Instance>()
        .ok_or_else(|| PyErr::type_error("descriptor '__init__' requires an instance"))?;
    Ok((inst, this))
}

/// `self.fmt`, found on the instance's class or its bases.
fn class_attr(this: &Value, name: &str) -> PyResult<Value> {
    crate::ops::getattr(this, name)
}

/// `Exception.__init__(self, msg)`: `args = (msg,)`.
fn set_args(inst: &Instance, msg: Value) {
    if let Some(st) = &inst.exc {
        *st.args.borrow_mut() = vec![msg];
    }
}

fn kwargs_dict(kwargs: Kwargs) -> Value {
    let mut d = Dict::default();
    for (k, v) in kwargs {
        d.insert(Key::from_str(k), v.clone());
    }
    Value::dict(d)
}

/// `BotoCoreError.__init__(self, **kwargs)`: `msg = self.fmt.format(**kwargs)`,
/// `Exception.__init__(self, msg)`, `self.kwargs = kwargs`.
fn boto_init(qual: &str, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let (inst, this) = this_instance(args)?;
    if args.len() > 1 {
        let given = args.len();
        return Err(PyErr::type_error(format!(
            "{qual}() takes 1 positional argument but {given} were given"
        )));
    }
    let fmt = class_attr(this, "fmt")?;
    let msg = crate::ops::call_method(&fmt, "format", &[], kwargs)?;
    set_args(inst, msg);
    inst.setattr("kwargs", kwargs_dict(kwargs))?;
    Ok(Value::None)
}

fn run_init(init: Init, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    match init {
        Init::Boto => boto_init("BotoCoreError.__init__", args, kwargs),
        Init::MissingServiceId => boto_init("MissingServiceIdError.__init__", args, kwargs),
        Init::HttpClient => {
            let (inst, this) = this_instance(args)?;
            let qual = "HTTPClientError.__init__";
            let rest = &args[1..];
            if rest.len() > 2 {
                return Err(PyErr::type_error(format!(
                    "{qual}() takes from 1 to 3 positional arguments but {} were given",
                    args.len()
                )));
            }
            let mut request = rest.first().cloned();
            let mut response = rest.get(1).cloned();
            let mut extra: Vec<(&str, Value)> = Vec::new();
            for (k, v) in kwargs {
                let slot = match *k {
                    "request" => &mut request,
                    "response" => &mut response,
                    _ => {
                        extra.push((k, v.clone()));
                        continue;
                    }
                };
                if slot.is_some() {
                    return Err(PyErr::type_error(format!(
                        "{qual}() got multiple values for argument '{k}'"
                    )));
                }
                *slot = Some(v.clone());
            }
            inst.setattr("request", request.unwrap_or_default())?;
            inst.setattr("response", response.unwrap_or_default())?;
            boto_init("BotoCoreError.__init__", std::slice::from_ref(this), &extra)
        }
        Init::Waiter => {
            let (inst, this) = this_instance(args)?;
            let a = crate::event::bind_args(
                "WaiterError.__init__",
                &["name", "reason", "last_response"],
                3,
                true,
                &args[1..],
                kwargs,
            )?;
            let name = a[0].clone().unwrap_or_default();
            let reason = a[1].clone().unwrap_or_default();
            boto_init(
                "BotoCoreError.__init__",
                std::slice::from_ref(this),
                &[("name", name), ("reason", reason)],
            )?;
            inst.setattr("last_response", a[2].clone().unwrap_or_default())?;
            Ok(Value::None)
        }
        Init::Client => {
            let (inst, this) = this_instance(args)?;
            let a = crate::event::bind_args(
                "ClientError.__init__",
                &["error_response", "operation_name"],
                2,
                true,
                &args[1..],
                kwargs,
            )?;
            let response = a[0].clone().unwrap_or_default();
            let operation_name = a[1].clone().unwrap_or_default();
            let retry_info = retry_info(&response)?;
            let error = crate::ops::call_method(
                &response,
                "get",
                &[Value::str("Error"), Value::dict(Dict::default())],
                &[],
            )?;
            let code = crate::ops::call_method(
                &error,
                "get",
                &[Value::str("Code"), Value::str("Unknown")],
                &[],
            )?;
            let message = crate::ops::call_method(
                &error,
                "get",
                &[Value::str("Message"), Value::str("Unknown")],
                &[],
            )?;
            let template = class_attr(this, "MSG_TEMPLATE")?;
            let msg = crate::ops::call_method(
                &template,
                "format",
                &[],
                &[
                    ("error_code", code),
                    ("error_message", message),
                    ("operation_name", operation_name.clone()),
                    ("retry_info", retry_info),
                ],
            )?;
            set_args(inst, msg);
            inst.setattr("response", response)?;
            inst.setattr("operation_name", operation_name)?;
            Ok(Value::None)
        }
    }
}

/// `ClientError._get_retry_info(response)`.
fn retry_info(response: &Value) -> PyResult<Value> {
    let mut info = Value::str("");
    if crate::ops::contains(response, &Value::str("ResponseMetadata"))? {
        let metadata = crate::ops::getitem(response, &Value::str("ResponseMetadata"))?;
        let max = crate::ops::call_method(
            &metadata,
            "get",
            &[Value::str("MaxAttemptsReached"), Value::Bool(false)],
            &[],
        )?;
        if crate::ops::truthy(&max)?
            && crate::ops::contains(&metadata, &Value::str("RetryAttempts"))?
        {
            let attempts = crate::ops::getitem(&metadata, &Value::str("RetryAttempts"))?;
            let text = crate::fmt::format(&attempts, "")?;
            info = Value::str(format!(" (reached max retries: {text})"));
        }
    }
    Ok(info)
}
