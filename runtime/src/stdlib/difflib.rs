//! stub

use crate::value::Value;

/// Module attributes.
pub fn attr(name: &str) -> Option<Value> {
    let _ = name;
    None
}
