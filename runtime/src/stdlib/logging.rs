//! `logging`: `getLogger` and the logging methods of a logger nobody configured. As in
//! CPython with no handlers, records below WARNING are dropped and the rest go to stderr
//! through the last-resort handler; logging never changes a detection's results.

use std::any::Any;

use crate::err::{PyErr, PyResult};
use crate::stdlib::Args;
use crate::value::{Kwargs, PyObject, Value};

/// Module attributes of `logging`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "getLogger" => Value::func("getLogger", get_logger),
        // The module-level functions log through the root logger.
        "debug" => Value::func("debug", |a, k| root("debug", a, k)),
        "info" => Value::func("info", |a, k| root("info", a, k)),
        "warning" => Value::func("warning", |a, k| root("warning", a, k)),
        "error" => Value::func("error", |a, k| root("error", a, k)),
        "critical" => Value::func("critical", |a, k| root("critical", a, k)),
        "DEBUG" => Value::Int(10),
        "INFO" => Value::Int(20),
        "WARNING" => Value::Int(30),
        "ERROR" => Value::Int(40),
        "CRITICAL" => Value::Int(50),
        _ => return None,
    })
}

/// `logging.<level>(msg, *args)`: the root logger's method of that name.
fn root(level: &str, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let root = Value::object(Logger {
        name: "root".to_string(),
    });
    crate::methods::call_method(&root, level, args, kwargs)
}

/// `logging.getLogger(name=None)`.
pub fn get_logger(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("getLogger", args, kwargs, &["name"], 0)?;
    let name = match a.opt(0) {
        None => "root".to_string(),
        Some(Value::Str(s)) if s.is_empty() => "root".to_string(),
        Some(Value::Str(s)) => s.to_string(),
        // CPython raises this for a non-str name.
        Some(_) => return Err(PyErr::type_error("A logger name must be a string")),
    };
    Ok(Value::object(Logger { name }))
}

/// A logger at the default effective level (WARNING, inherited from the root logger).
pub struct Logger {
    name: String,
}

const WARNING: i64 = 30;

impl Logger {
    /// Emits one record: dropped below WARNING; otherwise written to stderr. The message is
    /// only formatted when emitted, as in CPython (so bad arguments to `debug` never fail).
    fn log(&self, level: i64, args: &[Value]) {
        if level < WARNING {
            return;
        }
        let Some(msg) = args.first() else { return };
        let text = crate::fmt::str(msg);
        if args.len() == 1 {
            eprintln!("{text}");
        } else {
            // `%`-formatting of the arguments is not reproduced; this is diagnostic output
            // only, so the message and its arguments are written side by side.
            let rest: Vec<String> = args[1..].iter().map(crate::fmt::repr).collect();
            eprintln!("{text} {}", rest.join(" "));
        }
    }
}

impl PyObject for Logger {
    fn repr_exact(&self) -> bool {
        false
    }

    fn type_name(&self) -> &str {
        "Logger"
    }
    fn repr(&self) -> String {
        format!("<Logger {} (WARNING)>", self.name)
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "name" => Ok(Value::str(self.name.as_str())),
            _ => Err(PyErr::attribute_error(format!(
                "'Logger' object has no attribute '{name}'"
            ))),
        }
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "debug" | "info" | "warning" | "warn" | "error" | "exception" | "critical"
        )
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        let level = match name {
            "debug" => 10,
            "info" => 20,
            "warning" | "warn" => 30,
            "error" | "exception" => 40,
            "critical" => 50,
            _ => return Err(crate::ops::unsupported(&format!("logging.Logger.{name}"))),
        };
        for (k, _) in kwargs {
            if !matches!(*k, "exc_info" | "stack_info" | "stacklevel" | "extra") {
                return Err(PyErr::type_error(format!(
                    "Logger.{name}() got an unexpected keyword argument '{k}'"
                )));
            }
        }
        if args.is_empty() {
            return Err(PyErr::type_error(format!(
                "Logger.{name}() missing 1 required positional argument: 'msg'"
            )));
        }
        self.log(level, args);
        Ok(Value::None)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
