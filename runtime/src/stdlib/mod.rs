//! The standard-library (and third-party) modules detections import, as Python module
//! objects: `json`, `re`, `ipaddress`, `fnmatch`, `datetime`, `urllib.parse`, `base64`,
//! `binascii`, `shlex`, `difflib`, `math`, `collections`, `functools`, `typing`, `os`,
//! `dateutil.parser`, `time`, `uuid`, `logging`, `decimal`, and the parts of `policyuniverse`
//! and `pycountry` that are not compiled from their source (panther_core's modules are in
//! [`crate::imports`]).
//!
//! [`import`] returns the module object for a dotted name; every module-level function is
//! also a `pub` [`NativeFn`](crate::value::NativeFn) at `stdlib::<module>::<name>` (listed in
//! [`EXPORTS`]) so generated code can call it directly.

use std::any::Any;

use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::{Kwargs, ModuleObject, PyObject, Value};

pub mod base64;
pub mod binascii;
pub mod botocore;
pub mod collections;
pub mod datetime;
pub mod dateutil_parser;
pub mod detection_helpers;
pub mod difflib;
pub mod fnmatch;
pub mod functools;
pub mod ipaddress;
pub mod json;
pub mod logging;
pub mod math;
pub mod namedtuple;
pub mod os;
pub mod policyuniverse;
pub mod pycountry;
pub mod re;
pub mod shlex;
pub mod time;
pub mod typing;
pub mod urllib_parse;
pub mod uuid;

/// The module object bound by `import <dotted>`, or `None` for a module ferrule does not
/// provide (the compiler then reports a diagnostic).
pub fn import(dotted: &str) -> Option<Value> {
    let (name, attr): (&'static str, fn(&str) -> Option<Value>) = match dotted {
        "json" => ("json", json::attr),
        "json.decoder" => ("json.decoder", json::decoder_attr),
        "re" => ("re", re::attr),
        "ipaddress" => ("ipaddress", ipaddress::attr),
        "fnmatch" => ("fnmatch", fnmatch::attr),
        "datetime" => ("datetime", datetime::attr),
        "urllib" => ("urllib", urllib_attr),
        "urllib.parse" => ("urllib.parse", urllib_parse::attr),
        "base64" => ("base64", base64::attr),
        "binascii" => ("binascii", binascii::attr),
        "shlex" => ("shlex", shlex::attr),
        "difflib" => ("difflib", difflib::attr),
        "math" => ("math", math::attr),
        "collections" => ("collections", collections::attr),
        "collections.abc" => ("collections.abc", collections::abc_attr),
        "functools" => ("functools", functools::attr),
        "typing" => ("typing", typing::attr),
        "os" => ("os", os::attr),
        "uuid" => ("uuid", uuid::attr),
        "decimal" => ("decimal", crate::decimal::attr),
        "time" => ("time", time::attr),
        "logging" => ("logging", logging::attr),
        "contextlib" => ("contextlib", crate::exc::contextlib_attr),
        "dataclasses" => ("dataclasses", crate::dataclass::attr),
        "dateutil" => ("dateutil", dateutil_attr),
        "boto3" => ("boto3", boto3_attr),
        "botocore" => ("botocore", botocore::package_attr),
        "botocore.exceptions" => ("botocore.exceptions", botocore::exceptions_attr),
        "dateutil.parser" => ("dateutil.parser", dateutil_parser::attr),
        "policyuniverse" => ("policyuniverse", policyuniverse::attr),
        "pycountry" => ("pycountry", pycountry::attr),
        "policyuniverse.action" => ("policyuniverse.action", policyuniverse::action_attr),
        "policyuniverse.action_categories" => (
            "policyuniverse.action_categories",
            policyuniverse::action_categories_attr,
        ),
        "policyuniverse.expander_minimizer" => (
            "policyuniverse.expander_minimizer",
            policyuniverse::expander_minimizer_attr,
        ),
        _ => return None,
    };
    Some(Value::object(ModuleObject { name, attr }))
}

/// Hands a data file of an installed library (embedded in the generated crate, or read by
/// `ferrule build` from the Python environment) to the runtime's model of that library.
/// Unknown names are ignored.
pub fn install_data(name: &str, text: &'static str) {
    match name {
        "pycountry/iso3166-1.json" => pycountry::install(text),
        botocore::DATA_FILE => botocore::install(text),
        policyuniverse::DATA_FILE => policyuniverse::install(text),
        crate::caching::VERSION_FILE => crate::caching::install_version(text),
        _ => {}
    }
}

/// `boto3`: importable (helpers name `boto3.resource` in annotations), but any AWS call
/// raises NotImplementedError: compiled detections make no network calls.
fn boto3_attr(name: &str) -> Option<Value> {
    fn no_aws(_: &[Value], _: crate::value::Kwargs) -> crate::err::PyResult<Value> {
        Err(crate::ops::unsupported("boto3 (AWS API calls)"))
    }
    match name {
        "resource" => Some(Value::func("resource", no_aws)),
        "client" => Some(Value::func("client", no_aws)),
        _ => None,
    }
}

fn urllib_attr(name: &str) -> Option<Value> {
    match name {
        "parse" => import("urllib.parse"),
        _ => None,
    }
}

fn dateutil_attr(name: &str) -> Option<Value> {
    match name {
        "parser" => import("dateutil.parser"),
        _ => None,
    }
}

/// Module-level functions that generated code may call directly: (Python dotted name, Rust
/// path relative to `ferrule_runtime::stdlib`).
pub const EXPORTS: &[(&str, &str)] = &[
    ("json.loads", "json::loads"),
    ("uuid.UUID", "uuid::uuid_new"),
    ("time.time", "time::time"),
    ("time.gmtime", "time::gmtime"),
    ("time.strftime", "time::strftime"),
    ("logging.getLogger", "logging::get_logger"),
    ("json.dumps", "json::dumps"),
    ("re.compile", "re::compile"),
    ("re.search", "re::search"),
    ("re.match", "re::match_"),
    ("re.fullmatch", "re::fullmatch"),
    ("re.findall", "re::findall"),
    ("re.finditer", "re::finditer"),
    ("re.sub", "re::sub"),
    ("re.subn", "re::subn"),
    ("re.split", "re::split"),
    ("re.escape", "re::escape"),
    ("ipaddress.ip_address", "ipaddress::ip_address"),
    ("ipaddress.ip_network", "ipaddress::ip_network"),
    ("ipaddress.IPv4Address", "ipaddress::ipv4_address"),
    ("ipaddress.IPv6Address", "ipaddress::ipv6_address"),
    ("ipaddress.IPv4Network", "ipaddress::ipv4_network"),
    ("ipaddress.IPv6Network", "ipaddress::ipv6_network"),
    ("fnmatch.fnmatch", "fnmatch::fnmatch"),
    ("fnmatch.fnmatchcase", "fnmatch::fnmatchcase"),
    ("datetime.datetime", "datetime::datetime"),
    ("datetime.date", "datetime::date"),
    ("datetime.timedelta", "datetime::timedelta"),
    ("datetime.datetime.now", "datetime::now"),
    ("datetime.datetime.utcnow", "datetime::utcnow"),
    ("datetime.datetime.today", "datetime::today"),
    ("datetime.datetime.strptime", "datetime::strptime"),
    ("datetime.datetime.fromisoformat", "datetime::fromisoformat"),
    ("datetime.datetime.fromtimestamp", "datetime::fromtimestamp"),
    (
        "datetime.datetime.utcfromtimestamp",
        "datetime::utcfromtimestamp",
    ),
    ("urllib.parse.urlparse", "urllib_parse::urlparse"),
    ("urllib.parse.parse_qs", "urllib_parse::parse_qs"),
    ("urllib.parse.unquote", "urllib_parse::unquote"),
    ("urllib.parse.quote", "urllib_parse::quote"),
    ("base64.b64decode", "base64::b64decode"),
    ("base64.b64encode", "base64::b64encode"),
    ("base64.urlsafe_b64decode", "base64::urlsafe_b64decode"),
    ("base64.b32decode", "base64::b32decode"),
    ("binascii.unhexlify", "binascii::unhexlify"),
    ("binascii.hexlify", "binascii::hexlify"),
    ("binascii.a2b_hex", "binascii::unhexlify"),
    ("binascii.b2a_hex", "binascii::hexlify"),
    ("shlex.split", "shlex::split"),
    ("difflib.SequenceMatcher", "difflib::sequence_matcher"),
    ("math.sqrt", "math::sqrt"),
    ("math.radians", "math::radians"),
    ("math.degrees", "math::degrees"),
    ("math.sin", "math::sin"),
    ("math.cos", "math::cos"),
    ("math.tan", "math::tan"),
    ("math.asin", "math::asin"),
    ("math.acos", "math::acos"),
    ("math.atan", "math::atan"),
    ("math.atan2", "math::atan2"),
    ("math.log", "math::log"),
    ("math.log10", "math::log10"),
    ("math.log2", "math::log2"),
    ("math.exp", "math::exp"),
    ("math.floor", "math::floor"),
    ("math.ceil", "math::ceil"),
    ("math.fabs", "math::fabs"),
    ("math.isnan", "math::isnan"),
    ("math.isinf", "math::isinf"),
    ("collections.OrderedDict", "collections::ordered_dict"),
    ("functools.reduce", "functools::reduce"),
    ("os.getenv", "os::getenv"),
    ("dateutil.parser.parse", "dateutil_parser::parse"),
];

/// An exception class exposed by a module (`json.JSONDecodeError`,
/// `ipaddress.AddressValueError`, `binascii.Error`), usable in `except` clauses.
pub struct ExcClassObject(pub ExcKind);

impl PyObject for ExcClassObject {
    fn type_name(&self) -> &str {
        "type"
    }
    fn repr(&self) -> String {
        let module = match self.0 {
            ExcKind::JSONDecodeError => "json.decoder",
            ExcKind::AddressValueError | ExcKind::NetmaskValueError => "ipaddress",
            ExcKind::BinasciiError => "binascii",
            _ => "builtins",
        };
        if module == "builtins" {
            format!("<class '{}'>", self.0.name())
        } else {
            format!("<class '{}.{}'>", module, self.0.name())
        }
    }
    fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        let _ = (args, kwargs);
        Err(crate::ops::unsupported(&format!(
            "constructing {} directly",
            self.0.name()
        )))
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(
            other
                .downcast::<ExcClassObject>()
                .is_some_and(|o| o.0 == self.0),
        )
    }
    fn hash(&self) -> Option<u64> {
        Some(self.0 as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The value of an exception class attribute.
pub(crate) fn exc_class(kind: ExcKind) -> Value {
    Value::object(ExcClassObject(kind))
}

/// Argument access for native functions, with CPython's TypeErrors for a wrong call.
pub(crate) struct Args<'a> {
    args: &'a [Value],
    kwargs: Kwargs<'a>,
    names: &'static [&'static str],
}

impl<'a> Args<'a> {
    /// Binds `args`/`kwargs` to the parameter `names` of `fname`; `required` of them must be
    /// given.
    pub(crate) fn new(
        fname: &'static str,
        args: &'a [Value],
        kwargs: Kwargs<'a>,
        names: &'static [&'static str],
        required: usize,
    ) -> PyResult<Args<'a>> {
        if args.len() > names.len() {
            return Err(PyErr::type_error(format!(
                "{}() takes {} {} arguments ({} given)",
                fname,
                if required == names.len() {
                    "exactly"
                } else {
                    "at most"
                },
                names.len(),
                args.len()
            )));
        }
        for (k, _) in kwargs {
            match names.iter().position(|n| n == k) {
                None => {
                    return Err(PyErr::type_error(format!(
                        "{fname}() got an unexpected keyword argument '{k}'"
                    )))
                }
                Some(i) if i < args.len() => {
                    return Err(PyErr::type_error(format!(
                        "argument for {fname}() given by name ('{k}') and position ({})",
                        i + 1
                    )))
                }
                _ => {}
            }
        }
        let a = Args {
            args,
            kwargs,
            names,
        };
        for (i, n) in names.iter().enumerate().take(required) {
            if a.get(i).is_none() {
                return Err(PyErr::type_error(format!(
                    "{fname}() missing required argument '{n}' (pos {})",
                    i + 1
                )));
            }
        }
        Ok(a)
    }

    /// Parameter `i`, if given.
    pub(crate) fn get(&self, i: usize) -> Option<&'a Value> {
        if i < self.args.len() {
            return Some(&self.args[i]);
        }
        let name = self.names.get(i)?;
        self.kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Parameter `i`, treating an explicit `None` as absent.
    pub(crate) fn opt(&self, i: usize) -> Option<&'a Value> {
        self.get(i).filter(|v| !v.is_none())
    }

    /// Parameter `i`, which must be present (checked by `new`).
    pub(crate) fn req(&self, i: usize) -> Value {
        self.get(i).cloned().unwrap_or_default()
    }

    /// Parameter `i` as a truth value (`False` when absent).
    pub(crate) fn flag(&self, i: usize) -> PyResult<bool> {
        match self.get(i) {
            Some(v) => crate::ops::truthy(v),
            None => Ok(false),
        }
    }

    /// Parameter `i` as an int (bools count as ints), or `default`.
    pub(crate) fn int_or(&self, i: usize, default: i64) -> PyResult<i64> {
        match self.get(i) {
            None => Ok(default),
            Some(Value::Int(n)) => Ok(*n),
            Some(Value::Bool(b)) => Ok(*b as i64),
            Some(v) => Err(PyErr::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.type_name()
            ))),
        }
    }
}

/// The items of a list or tuple (the sequences stdlib functions accept), else `None`.
pub(crate) fn seq_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.borrow().clone()),
        Value::Tuple(t) => Some(t.to_vec()),
        Value::Object(o) => o.as_tuple().map(|t| t.to_vec()),
        _ => None,
    }
}

/// The byte offset of code point `idx` of `text` (its length when past the end).
pub(crate) fn byte_index(text: &str, idx: usize) -> usize {
    text.char_indices()
        .nth(idx)
        .map(|(b, _)| b)
        .unwrap_or(text.len())
}
