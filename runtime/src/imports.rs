//! `import` for generated code: library modules by dotted name.

use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::Value;

/// The module object for a dotted module name, if the runtime provides it.
pub fn import(dotted: &str) -> Option<Value> {
    let _ = dotted;
    None
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
    resolve(dotted).ok_or_else(|| PyErr::new(ExcKind::NameError, format!("cannot import '{dotted}'")))
}

/// Whether the library modules are wired in (the compiler then trusts [`resolve`] alone).
pub fn runtime_complete() -> bool {
    false
}
