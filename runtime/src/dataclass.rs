//! `dataclasses.dataclass` and `dataclasses.field`.

use crate::value::Value;

/// What `@dataclass(...)` recorded on a class.
pub struct DataclassInfo {}

/// The `dataclasses` module.
pub fn attr(name: &str) -> Option<Value> {
    let _ = name;
    None
}
