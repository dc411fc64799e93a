//! `import` for generated code: library modules by dotted name.

use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::{ModuleObject, Value};

thread_local! {
    // `sys.modules`: a module is one object however often it is imported (`is`, `==`).
    static MODULES: std::cell::RefCell<std::collections::HashMap<String, Value>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The module object for a dotted module name, if the runtime provides it.
pub fn import(dotted: &str) -> Option<Value> {
    if let Some(m) = MODULES.with(|m| m.borrow().get(dotted).cloned()) {
        return Some(m);
    }
    let m = load(dotted)?;
    MODULES.with(|ms| ms.borrow_mut().insert(dotted.to_string(), m.clone()));
    Some(m)
}

fn load(dotted: &str) -> Option<Value> {
    match dotted {
        "panther_detection_helpers.caching" => Some(crate::caching::module()),
        "panther_detection_helpers" => Some(Value::object(ModuleObject {
            name: "panther_detection_helpers",
            attr: crate::stdlib::detection_helpers::package_attr,
        })),
        "panther_detection_helpers.mocking" => Some(crate::stdlib::detection_helpers::mocking()),
        "panther_detection_helpers.monitoring" => {
            Some(crate::stdlib::detection_helpers::monitoring())
        }
        "unittest" => Some(Value::object(ModuleObject {
            name: "unittest",
            attr: |n| (n == "mock").then(unittest_mock),
        })),
        "unittest.mock" => Some(unittest_mock()),
        "panther_core" => Some(Value::object(ModuleObject {
            name: "panther_core",
            attr: |n| match n {
                "immutable" => import("panther_core.immutable"),
                "enriched_event" => import("panther_core.enriched_event"),
                // Re-exported by the package (`from panther_core import PantherEvent`).
                "PantherEvent" => Some(panther_type("PantherEvent", is_event)),
                _ => None,
            },
        })),
        "panther_core.immutable" => Some(Value::object(ModuleObject {
            name: "panther_core.immutable",
            attr: panther_immutable_attr,
        })),
        "panther_core.enriched_event" => Some(Value::object(ModuleObject {
            name: "panther_core.enriched_event",
            attr: |n| (n == "PantherEvent").then(|| panther_type("PantherEvent", is_event)),
        })),
        // ferrule's own: pypanther `Rule` methods the run-time `Rule` class binds (the
        // compiler never lets a user module import it).
        "__ferrule_pypanther_base" => Some(Value::object(ModuleObject {
            name: "__ferrule_pypanther_base",
            attr: |n| match n {
                "_get_title" => Some(Value::impure_func(
                    "_get_title",
                    crate::detection::rule_get_title,
                )),
                "_get_dedup" => Some(Value::impure_func(
                    "_get_dedup",
                    crate::detection::rule_get_dedup,
                )),
                "_require_str" => Some(Value::func(
                    "_require_str",
                    crate::detection::rule_require_str,
                )),
                "run" => Some(Value::impure_func("run", crate::detection::rule_run)),
                // `pypanther.utils.truncate` and `pypanther.base.FunctionReturnTypeError`
                // for the project's run-time code.
                "truncate" => Some(Value::func(
                    "truncate",
                    crate::detection::pypanther_truncate,
                )),
                "FunctionReturnTypeError" => {
                    Some(crate::detection::function_return_type_error_class())
                }
                _ => None,
            },
        })),
        _ => crate::stdlib::import(dotted),
    }
}

/// panther_core's immutable container classes, for `isinstance` only: constructing one is
/// not supported (no detection builds them itself).
fn panther_immutable_attr(name: &str) -> Option<Value> {
    match name {
        "ImmutableList" => Some(panther_type("ImmutableList", |v| {
            v.downcast::<crate::event::ImmutableList>().is_some()
        })),
        // `PantherEvent` subclasses `ImmutableCaseInsensitiveDict`.
        "ImmutableCaseInsensitiveDict" => Some(panther_type("ImmutableCaseInsensitiveDict", |v| {
            v.downcast::<crate::event::ImmutableCaseInsensitiveDict>()
                .is_some()
        })),
        _ => None,
    }
}

fn is_event(v: &Value) -> bool {
    v.downcast::<crate::event::ImmutableCaseInsensitiveDict>()
        .is_some_and(|d| d.is_event())
}

fn panther_type(name: &'static str, check: fn(&Value) -> bool) -> Value {
    let module = if name == "PantherEvent" {
        "panther_core.enriched_event"
    } else {
        "panther_core.immutable"
    };
    Value::object(crate::value::TypeObject {
        name,
        module,
        check,
        construct: Some(|_, _| {
            Err(crate::ops::unsupported(
                "constructing panther_core containers directly",
            ))
        }),
        attr: None,
    })
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
