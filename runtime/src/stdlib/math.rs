//! `math`: the functions detections use, on the platform libm as CPython does.

use crate::err::{ExcKind, PyErr, PyResult};
use crate::stdlib::Args;
use crate::value::{Kwargs, Value};

/// Module attributes of `math`.
pub fn attr(name: &str) -> Option<Value> {
    let f: crate::value::NativeFn = match name {
        "pi" => return Some(Value::Float(std::f64::consts::PI)),
        "e" => return Some(Value::Float(std::f64::consts::E)),
        "tau" => return Some(Value::Float(std::f64::consts::TAU)),
        "inf" => return Some(Value::Float(f64::INFINITY)),
        "nan" => return Some(Value::Float(f64::NAN)),
        "sqrt" => sqrt,
        "radians" => radians,
        "degrees" => degrees,
        "sin" => sin,
        "cos" => cos,
        "tan" => tan,
        "asin" => asin,
        "acos" => acos,
        "atan" => atan,
        "atan2" => atan2,
        "log" => log,
        "log10" => log10,
        "log2" => log2,
        "exp" => exp,
        "floor" => floor,
        "ceil" => ceil,
        "fabs" => fabs,
        "isnan" => isnan,
        "isinf" => isinf,
        "isfinite" => isfinite,
        _ => return None,
    };
    Some(Value::func(name, f))
}

fn real(v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        // CPython converts with `__float__`.
        Value::Object(_) if crate::decimal::as_decimal(v).is_some() => {
            Ok(crate::decimal::as_decimal(v).map_or(f64::NAN, |d| d.to_f64()))
        }
        other => Err(PyErr::type_error(format!(
            "must be real number, not {}",
            other.type_name()
        ))),
    }
}

fn domain() -> PyErr {
    PyErr::value_error("math domain error")
}

fn one(name: &'static str, args: &[Value], kwargs: Kwargs) -> PyResult<f64> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error(format!(
            "math.{name}() takes no keyword arguments"
        )));
    }
    if args.len() != 1 {
        return Err(PyErr::type_error(format!(
            "math.{name}() takes exactly one argument ({} given)",
            args.len()
        )));
    }
    real(&args[0])
}

/// Applies `f` with CPython's `math_1` error rules: a nan from a non-nan argument is a
/// domain error, an infinity from a finite argument is a range error.
fn math_1(
    name: &'static str,
    args: &[Value],
    kwargs: Kwargs,
    f: fn(f64) -> f64,
    can_overflow: bool,
) -> PyResult<Value> {
    let x = one(name, args, kwargs)?;
    let r = f(x);
    if r.is_nan() && !x.is_nan() {
        return Err(domain());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow {
            PyErr::new(ExcKind::OverflowError, "math range error")
        } else {
            domain()
        });
    }
    Ok(Value::Float(r))
}

/// `math.sqrt(x)`.
pub fn sqrt(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    math_1("sqrt", args, kwargs, f64::sqrt, false)
}
/// `math.sin(x)`.
pub fn sin(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    math_1("sin", args, kwargs, f64::sin, false)
}
/// `math.cos(x)`.
pub fn cos(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    math_1("cos", args, kwargs, f64::cos, false)
}
/// `math.tan(x)`.
pub fn tan(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    math_1("tan", args, kwargs, f64::tan, false)
}
/// `math.asin(x)`.
pub fn asin(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    math_1("asin", args, kwargs, f64::asin, false)
}
/// `math.acos(x)`.
pub fn acos(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    math_1("acos", args, kwargs, f64::acos, false)
}
/// `math.atan(x)`.
pub fn atan(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    math_1("atan", args, kwargs, f64::atan, false)
}
/// `math.exp(x)`.
pub fn exp(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    math_1("exp", args, kwargs, f64::exp, true)
}
/// `math.fabs(x)`.
pub fn fabs(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    math_1("fabs", args, kwargs, f64::abs, false)
}

/// `math.radians(x)`.
pub fn radians(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::Float(
        one("radians", args, kwargs)? * (std::f64::consts::PI / 180.0),
    ))
}

/// `math.degrees(x)`.
pub fn degrees(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::Float(
        one("degrees", args, kwargs)? * (180.0 / std::f64::consts::PI),
    ))
}

/// `math.atan2(y, x)`.
pub fn atan2(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("atan2", args, kwargs, &["y", "x"], 2)?;
    Ok(Value::Float(real(&a.req(0))?.atan2(real(&a.req(1))?)))
}

fn ln_checked(v: &Value) -> PyResult<f64> {
    let x = real(v)?;
    if x.is_nan() {
        return Ok(x);
    }
    if x <= 0.0 {
        return Err(domain());
    }
    Ok(x.ln())
}

/// `math.log(x[, base])`.
pub fn log(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error("math.log() takes no keyword arguments"));
    }
    match args {
        [x] => Ok(Value::Float(ln_checked(x)?)),
        [x, base] => {
            let num = ln_checked(x)?;
            let den = ln_checked(base)?;
            if den == 0.0 {
                return Err(PyErr::new(
                    ExcKind::ZeroDivisionError,
                    "float division by zero",
                ));
            }
            Ok(Value::Float(num / den))
        }
        _ => Err(PyErr::type_error(format!(
            "log expected at least 1 argument, got {}",
            args.len()
        ))),
    }
}

/// `math.log10(x)`.
pub fn log10(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let x = one("log10", args, kwargs)?;
    if x <= 0.0 {
        return Err(domain());
    }
    Ok(Value::Float(x.log10()))
}

/// `math.log2(x)`.
pub fn log2(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let x = one("log2", args, kwargs)?;
    if x <= 0.0 {
        return Err(domain());
    }
    Ok(Value::Float(x.log2()))
}

fn to_int(f: f64) -> PyResult<Value> {
    if f.is_nan() {
        return Err(PyErr::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(PyErr::new(
            ExcKind::OverflowError,
            "cannot convert float infinity to integer",
        ));
    }
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        return Err(crate::ops::unsupported("integers outside the 64-bit range"));
    }
    Ok(Value::Int(f as i64))
}

/// `math.floor(x)` (an int).
pub fn floor(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if let [Value::Int(i)] = args {
        return Ok(Value::Int(*i));
    }
    // `Decimal.__floor__` is exact.
    if let ([d], []) = (args, kwargs) {
        if let Some(d) = crate::decimal::as_decimal(d) {
            return d.floor_ceil(false).map(Value::Int);
        }
    }
    to_int(one("floor", args, kwargs)?.floor())
}

/// `math.ceil(x)` (an int).
pub fn ceil(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if let [Value::Int(i)] = args {
        return Ok(Value::Int(*i));
    }
    if let ([d], []) = (args, kwargs) {
        if let Some(d) = crate::decimal::as_decimal(d) {
            return d.floor_ceil(true).map(Value::Int);
        }
    }
    to_int(one("ceil", args, kwargs)?.ceil())
}

/// `math.isnan(x)`.
pub fn isnan(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::Bool(one("isnan", args, kwargs)?.is_nan()))
}

/// `math.isinf(x)`.
pub fn isinf(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::Bool(one("isinf", args, kwargs)?.is_infinite()))
}

/// `math.isfinite(x)`.
pub fn isfinite(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::Bool(one("isfinite", args, kwargs)?.is_finite()))
}
