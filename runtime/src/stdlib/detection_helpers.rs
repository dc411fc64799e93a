//! `panther_detection_helpers.mocking` and `panther_detection_helpers.monitoring` (0.4.0);
//! `caching` is [`crate::caching`].

use crate::err::PyResult;
use crate::event::bind_args;
use crate::value::{Kwargs, ModuleObject, Value};

/// The package `panther_detection_helpers` (its `__init__.py` is empty).
pub fn package_attr(name: &str) -> Option<Value> {
    match name {
        "caching" => Some(crate::caching::module()),
        "mocking" => Some(mocking()),
        "monitoring" => Some(monitoring()),
        _ => None,
    }
}

/// The module `panther_detection_helpers.mocking`.
pub fn mocking() -> Value {
    Value::object(ModuleObject {
        name: "panther_detection_helpers.mocking",
        attr: |n| match n {
            "is_mock" => Some(Value::func("is_mock", is_mock)),
            "MagicMock" => Some(crate::mock::magicmock_type()),
            "Callable" => crate::stdlib::typing::attr("Callable"),
            _ => None,
        },
    })
}

/// `is_mock(func)`: `isinstance(func, MagicMock)`.
fn is_mock(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args("is_mock", &["func"], 1, false, args, kwargs)?;
    let f = a[0].clone().unwrap_or_default();
    let isinstance = crate::builtins::lookup("isinstance")
        .ok_or_else(|| crate::ops::unsupported("isinstance"))?;
    crate::ops::call(&isinstance, &[f, crate::mock::magicmock_type()], &[])
}

/// `DD_ENV = os.getenv("DD_ENV", "").lower()`.
fn dd_env() -> String {
    crate::unicode::lower(&std::env::var("DD_ENV").unwrap_or_default())
}

/// `bool(os.getenv("USE_DETECTION_HELPER_MONITORING"))`.
fn use_helper_monitoring() -> bool {
    std::env::var("USE_DETECTION_HELPER_MONITORING").is_ok_and(|v| !v.is_empty())
}

/// `USE_MONITORING = DD_ENV in ["prod", "dev"] and USE_DETECTION_HELPER_MONITORING`.
fn use_monitoring() -> bool {
    matches!(dd_env().as_str(), "prod" | "dev") && use_helper_monitoring()
}

/// The module `panther_detection_helpers.monitoring`.
pub fn monitoring() -> Value {
    Value::object(ModuleObject {
        name: "panther_detection_helpers.monitoring",
        attr: |n| match n {
            "wrap" => Some(Value::func("wrap", wrap)),
            "DD_ENV" => Some(Value::str(dd_env())),
            "USE_DETECTION_HELPER_MONITORING" => Some(Value::Bool(use_helper_monitoring())),
            "USE_MONITORING" => Some(Value::Bool(use_monitoring())),
            "_service_env_var" => Some(Value::str(
                std::env::var("DD_SERVICE")
                    .ok()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "unknown".into()),
            )),
            "functools" => crate::stdlib::import("functools"),
            "logging" => crate::stdlib::import("logging"),
            "os" => crate::stdlib::import("os"),
            _ => None,
        },
    })
}

/// `wrap(name, tags=None)`: without Datadog monitoring, a decorator whose wrapper calls the
/// function (`functools.wraps` copies its name).
fn wrap(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let _ = bind_args("wrap", &["name", "tags"], 1, false, args, kwargs)?;
    if use_monitoring() {
        return Err(crate::ops::unsupported(
            "`monitoring.wrap` with Datadog monitoring enabled (DD_ENV and \
             USE_DETECTION_HELPER_MONITORING)",
        ));
    }
    Ok(Value::closure(
        "plain_wrap_decorator",
        |args: &[Value], kwargs: Kwargs| {
            let a = bind_args("plain_wrap_decorator", &["func"], 1, false, args, kwargs)?;
            let func = a[0].clone().unwrap_or_default();
            // `functools.wraps` copies `__name__` when the wrapped object has one.
            let name = match crate::ops::getattr(&func, "__name__") {
                Ok(Value::Str(s)) => s.to_string(),
                _ => "func_wrapper".to_string(),
            };
            Ok(Value::closure(
                &name,
                move |args: &[Value], kwargs: Kwargs| crate::ops::call(&func, args, kwargs),
            ))
        },
    ))
}
