//! `import` for generated code: library modules by dotted name.

use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::{ModuleObject, Value};

/// The module object for a dotted module name, if the runtime provides it.
pub fn import(dotted: &str) -> Option<Value> {
    match dotted {
        "panther_detection_helpers.caching" => Some(crate::caching::module()),
        "panther_detection_helpers" => Some(Value::object(ModuleObject {
            name: "panther_detection_helpers",
            attr: |n| (n == "caching").then(crate::caching::module),
        })),
        "unittest" => Some(Value::object(ModuleObject {
            name: "unittest",
            attr: |n| (n == "mock").then(unittest_mock),
        })),
        "unittest.mock" => Some(unittest_mock()),
        _ => crate::stdlib::import(dotted),
    }
}

fn unittest_mock() -> Value {
    Value::object(ModuleObject {
        name: "unittest.mock",
        attr: |n| (n == "MagicMock").then(crate::mock::magicmock_type),
    })
}

/// A module or a module attribute by dotted name (`json`, `json.loads`).
pub fn resolve(dotted: &str) -> Option<Value> {
    if let Some(m) = import(dotted) {
        return Some(m);
    }
    let (module, attr) = dotted.rsplit_once('.')?;
    let m = resolve(module)?;
    crate::ops::getattr(&m, attr).ok()
}

/// [`resolve`] for generated code: a missing name is an ImportError-like error.
pub fn resolve_value(dotted: &str) -> PyResult<Value> {
    resolve(dotted)
        .ok_or_else(|| PyErr::new(ExcKind::NameError, format!("cannot import '{dotted}'")))
}
