//! Python's builtin functions and types (`len`, `str`, `sorted`, `isinstance`, …).
//!
//! Each builtin has the [`NativeFn`](crate::value::NativeFn) signature, so generated code
//! calls it directly and can also pass it around as a value.

use crate::value::Value;

/// A builtin by name, as a value.
pub fn lookup(name: &str) -> Option<Value> {
    let _ = name;
    None
}
