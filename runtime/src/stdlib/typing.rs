//! `typing`: names used in annotations. The compiler ignores annotations, so these only
//! need to import; each is an opaque object.

use std::any::Any;

use crate::value::{PyObject, Value};

/// A `typing` special form (`typing.Any`, `typing.Optional`, …).
pub struct TypingName(pub &'static str);

impl PyObject for TypingName {
    fn type_name(&self) -> &str {
        "_SpecialForm"
    }
    fn repr(&self) -> String {
        format!("typing.{}", self.0)
    }
    fn hash(&self) -> Option<u64> {
        Some(self.0.len() as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    /// An unsubscripted alias of a `collections.abc` class checks as that class does.
    fn instancecheck(&self, value: &Value) -> Option<bool> {
        if !matches!(
            self.0,
            "Sequence" | "Mapping" | "MutableMapping" | "Iterable" | "Collection"
        ) {
            return None;
        }
        let abc = crate::stdlib::collections::abc_attr(self.0)?;
        let to = abc.downcast::<crate::value::TypeObject>()?;
        Some((to.check)(value))
    }
}

const NAMES: &[&str] = &[
    "Any",
    "Optional",
    "Union",
    "List",
    "Dict",
    "Set",
    "FrozenSet",
    "Tuple",
    "Callable",
    "Iterable",
    "Iterator",
    "Sequence",
    "Mapping",
    "MutableMapping",
    "Type",
    "TypeVar",
    "Generic",
    "Literal",
    "Final",
    "ClassVar",
    "NoReturn",
    "Collection",
    "DefaultDict",
    "Pattern",
    "Match",
];

/// Module attributes of `typing`.
pub fn attr(name: &str) -> Option<Value> {
    NAMES
        .iter()
        .find(|n| **n == name)
        .map(|n| Value::object(TypingName(n)))
}
