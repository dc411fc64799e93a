//! Built-in exception classes that detections name in `except` clauses and `raise`.

use ferrule_runtime::ExcKind;

/// The runtime class of a builtin exception name (the runtime's table decides).
pub fn builtin_exception(name: &str) -> Option<ExcKind> {
    ferrule_runtime::builtins::builtin_exception(name)
}
