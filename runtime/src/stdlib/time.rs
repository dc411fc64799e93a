//! `time`: `time()`, `gmtime(secs)` and `strftime(format, struct_time)`, with the process in
//! UTC. Other functions (and timestamps outside datetime's years 1–9999) are refused.

use std::any::Any;

use crate::err::{PyErr, PyResult};
use crate::stdlib::datetime::DateTime;
use crate::stdlib::Args;
use crate::value::{Kwargs, PyObject, Value};

/// Module attributes of `time`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "time" => Value::func("time", time),
        "gmtime" => Value::func("gmtime", gmtime),
        "strftime" => Value::func("strftime", strftime),
        "mktime" => Value::func("mktime", mktime),
        _ => return None,
    })
}

/// `time.time()`.
pub fn time(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Args::new("time", args, kwargs, &[], 0)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| crate::ops::unsupported("a clock before 1970"))?;
    Ok(Value::Float(now.as_secs_f64()))
}

/// `time.gmtime(secs)`: a float is floored, as CPython's `_PyTime_ROUND_FLOOR` does.
pub fn gmtime(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error(
            "time.gmtime() takes no keyword arguments",
        ));
    }
    if args.len() > 1 {
        return Err(PyErr::type_error(format!(
            "gmtime expected at most 1 argument, got {}",
            args.len()
        )));
    }
    let secs = match args.first() {
        Some(Value::Int(n)) => *n,
        Some(Value::Bool(b)) => *b as i64,
        Some(Value::Float(f)) => {
            if f.is_nan() {
                return Err(PyErr::value_error("Invalid value NaN (not a number)"));
            }
            let fl = f.floor();
            if !(-1e15..=1e15).contains(&fl) {
                return Err(crate::ops::unsupported("time.gmtime outside years 1-9999"));
            }
            fl as i64
        }
        None | Some(Value::None) => {
            return Err(crate::ops::unsupported("time.gmtime() of the current time"))
        }
        Some(v) => {
            return Err(PyErr::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.type_name()
            )))
        }
    };
    let dt = DateTime::from_epoch_secs(secs)
        .ok_or_else(|| crate::ops::unsupported("time.gmtime outside years 1-9999"))?;
    Ok(Value::object(StructTime {
        dt,
        isdst: 0,
        utc: true,
    }))
}

/// Directives whose output `datetime.strftime` produces identically for a UTC struct_time.
const SAFE_DIRECTIVES: &str = "YmdHMSyjbBaApI%";

/// `time.strftime(format, t)` for a `struct_time` from `gmtime`.
pub fn strftime(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error(
            "time.strftime() takes no keyword arguments",
        ));
    }
    let fmt = match args.first() {
        Some(Value::Str(s)) => s.clone(),
        Some(v) => {
            return Err(PyErr::type_error(format!(
                "strftime() argument 1 must be str, not {}",
                v.type_name()
            )))
        }
        None => {
            return Err(PyErr::type_error(
                "strftime expected at least 1 argument, got 0",
            ))
        }
    };
    let st = match args.get(1) {
        Some(v) => v
            .downcast::<StructTime>()
            .ok_or_else(|| crate::ops::unsupported("time.strftime of a non-struct_time"))?,
        None => return Err(crate::ops::unsupported("time.strftime of the current time")),
    };
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.next() {
                Some(d) if SAFE_DIRECTIVES.contains(d) => {}
                Some(d) => {
                    return Err(crate::ops::unsupported(&format!(
                        "time.strftime directive %{d}"
                    )))
                }
                None => return Err(crate::ops::unsupported("time.strftime trailing %")),
            }
        }
    }
    st.dt.strftime(&fmt).map(|s| Value::str(s.as_str()))
}

/// `time.mktime(t)` for a `struct_time`: the C library's `mktime(3)` of its fields, as a
/// float. A plain tuple is refused.
pub fn mktime(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error(
            "time.mktime() takes no keyword arguments",
        ));
    }
    if args.len() != 1 {
        return Err(PyErr::type_error(format!(
            "time.mktime() takes exactly one argument ({} given)",
            args.len()
        )));
    }
    let st = args[0]
        .downcast::<StructTime>()
        .ok_or_else(|| crate::ops::unsupported("time.mktime of a non-struct_time"))?;
    let [y, m, d, hh, mm, ss, _, _] = st.dt.fields();
    let secs = crate::stdlib::datetime::c_mktime([y, m, d, hh, mm, ss], st.isdst)?;
    Ok(Value::Float(secs as f64))
}

/// `time.struct_time`: from `gmtime` (`tm_isdst` 0, `tm_zone` "GMT", `tm_gmtoff` 0) or from
/// `datetime.timetuple()` (the wall time; `tm_zone` and `tm_gmtoff` None).
pub struct StructTime {
    pub(crate) dt: DateTime,
    pub(crate) isdst: i64,
    pub(crate) utc: bool,
}

impl StructTime {
    fn values(&self) -> [i64; 9] {
        let [y, m, d, hh, mm, ss, wd, yd] = self.dt.fields();
        [y, m, d, hh, mm, ss, wd, yd, self.isdst]
    }
}

const FIELDS: [&str; 9] = [
    "tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst",
];

impl PyObject for StructTime {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("time.struct_time")
    }
    fn type_name(&self) -> &str {
        "time.struct_time"
    }
    fn repr(&self) -> String {
        let parts: Vec<String> = FIELDS
            .iter()
            .zip(self.values())
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        format!("time.struct_time({})", parts.join(", "))
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        if let Some(i) = FIELDS.iter().position(|n| *n == name) {
            return Ok(Value::Int(self.values()[i]));
        }
        match name {
            "tm_zone" if self.utc => Ok(Value::str("GMT")),
            "tm_gmtoff" if self.utc => Ok(Value::Int(0)),
            "tm_zone" | "tm_gmtoff" => Ok(Value::None),
            _ => Err(PyErr::attribute_error(format!(
                "'time.struct_time' object has no attribute '{name}'"
            ))),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
