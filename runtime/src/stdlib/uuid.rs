//! `uuid.UUID(hex)`: CPython 3.11's parsing of the string form (which goes through
//! `int(hex, 16)`), `str`, `repr`, `hex`, `version`. Other constructors are refused.

use std::any::Any;

use crate::err::{PyErr, PyResult};
use crate::value::{Kwargs, PyObject, TypeObject, Value};

/// Module attributes of `uuid`.
pub fn attr(name: &str) -> Option<Value> {
    match name {
        "UUID" => Some(Value::object(TypeObject {
            name: "UUID",
            module: "uuid",
            check: |v| v.downcast::<Uuid>().is_some(),
            construct: Some(uuid_new),
            attr: None,
        })),
        _ => None,
    }
}

/// `uuid.UUID(hex)` with a string.
pub fn uuid_new(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() || args.len() != 1 {
        return Err(crate::ops::unsupported(
            "uuid.UUID other than with one positional hex string",
        ));
    }
    let text = match &args[0] {
        Value::Str(s) => s.to_string(),
        Value::None => {
            return Err(PyErr::type_error(
                "one of the hex, bytes, bytes_le, fields, or int arguments must be given",
            ))
        }
        v => {
            return Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute 'replace'",
                v.type_name()
            )))
        }
    };
    let hex = text.replace("urn:", "").replace("uuid:", "");
    let hex = hex.trim_matches(|c| c == '{' || c == '}').replace('-', "");
    if hex.chars().count() != 32 {
        return Err(PyErr::value_error("badly formed hexadecimal UUID string"));
    }
    let value = int_base16(&hex)?;
    Ok(Value::object(Uuid(value)))
}

/// `int(s, 16)` for a string that cannot hold a `-` (UUID parsing removed them) and whose
/// value therefore fits 128 bits (32 characters at most).
fn int_base16(s: &str) -> PyResult<u128> {
    let invalid = || {
        PyErr::value_error(format!(
            "invalid literal for int() with base 16: {}",
            crate::fmt::repr(&Value::str(s))
        ))
    };
    if !s.is_ascii() {
        // int() maps Unicode digits and spaces to ASCII first; not reproduced.
        return Err(crate::ops::unsupported("uuid.UUID of a non-ASCII string"));
    }
    let t = s.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    let t = t.strip_prefix('+').unwrap_or(t);
    let (t, prefixed) = match t.get(..2) {
        Some("0x") | Some("0X") => (&t[2..], true),
        _ => (t, false),
    };
    let mut value: u128 = 0;
    let mut digits = 0;
    let mut prev_underscore = false;
    for (i, c) in t.chars().enumerate() {
        if c == '_' {
            // One underscore between digits, or right after the base prefix.
            if prev_underscore || (i == 0 && !prefixed) {
                return Err(invalid());
            }
            prev_underscore = true;
            continue;
        }
        let d = c.to_digit(16).ok_or_else(invalid)?;
        value = (value << 4) | d as u128;
        digits += 1;
        prev_underscore = false;
    }
    if digits == 0 || prev_underscore {
        return Err(invalid());
    }
    Ok(value)
}

/// A `uuid.UUID`.
pub struct Uuid(pub u128);

impl Uuid {
    fn hex(&self) -> String {
        format!("{:032x}", self.0)
    }
    fn canonical(&self) -> String {
        let h = self.hex();
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }
}

impl PyObject for Uuid {
    /// `UUID.__setattr__` refuses every assignment.
    fn setattr(&self, _name: &str, _value: Value) -> PyResult<()> {
        Err(PyErr::type_error("UUID objects are immutable"))
    }
    fn type_name(&self) -> &str {
        "UUID"
    }
    fn repr(&self) -> String {
        format!("UUID('{}')", self.canonical())
    }
    fn str(&self) -> String {
        self.canonical()
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "hex" => Ok(Value::str(self.hex().as_str())),
            "version" => {
                // Only RFC 4122 variant UUIDs have a version.
                let rfc4122 = self.0 & (0x8000 << 48) != 0 && self.0 & (0x4000 << 48) == 0;
                Ok(if rfc4122 {
                    Value::Int(((self.0 >> 76) & 0xf) as i64)
                } else {
                    Value::None
                })
            }
            "int" | "bytes" | "fields" | "variant" | "urn" => {
                Err(crate::ops::unsupported(&format!("uuid.UUID.{name}")))
            }
            _ => Err(PyErr::attribute_error(format!(
                "'UUID' object has no attribute '{name}'"
            ))),
        }
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        other.downcast::<Uuid>().map(|o| o.0 == self.0)
    }
    fn lt(&self, other: &Value) -> Option<PyResult<bool>> {
        other.downcast::<Uuid>().map(|o| Ok(self.0 < o.0))
    }
    fn hash(&self) -> Option<u64> {
        Some((self.0 ^ (self.0 >> 64)) as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
