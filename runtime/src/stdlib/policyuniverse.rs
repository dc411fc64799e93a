//! The parts of `policyuniverse` that ferrule does not compile from the library's source.
//!
//! The pypanther front end compiles `policyuniverse.policy`, `.statement`, `.arn`,
//! `.organization` and `.common` from the installed package. The package's `__init__.py`
//! loads AWS service data (`data.json`) at import, which generated crates do not carry: it is
//! modelled here by its `logger` alone, and the functions that read that data refuse when
//! called (no pypanther rule calls them).

use crate::value::Value;

/// Attributes of the `policyuniverse` package.
pub fn attr(name: &str) -> Option<Value> {
    match name {
        // `logger = logging.getLogger(__name__)` in the package's `__init__.py`.
        "logger" => crate::stdlib::logging::get_logger(&[Value::str("policyuniverse")], &[]).ok(),
        _ => None,
    }
}

/// Attributes of `policyuniverse.action_categories`.
pub fn action_categories_attr(name: &str) -> Option<Value> {
    match name {
        "categories_for_actions" => Some(Value::func("categories_for_actions", |_, _| {
            Err(crate::ops::unsupported(
                "policyuniverse's AWS service data (`categories_for_actions`)",
            ))
        })),
        _ => None,
    }
}

/// Attributes of `policyuniverse.expander_minimizer`.
pub fn expander_minimizer_attr(name: &str) -> Option<Value> {
    match name {
        "get_actions_from_statement" => Some(Value::func("get_actions_from_statement", |_, _| {
            Err(crate::ops::unsupported(
                "policyuniverse's AWS service data (`get_actions_from_statement`)",
            ))
        })),
        _ => None,
    }
}
