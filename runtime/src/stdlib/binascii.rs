//! `binascii`: hex and base64 conversions with CPython's `binascii.Error` messages.

use crate::err::{ExcKind, PyErr, PyResult};
use crate::stdlib::{exc_class, Args};
use crate::value::{Kwargs, Value};

/// Module attributes of `binascii`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "unhexlify" | "a2b_hex" => Value::func("unhexlify", unhexlify),
        "hexlify" | "b2a_hex" => Value::func("hexlify", hexlify),
        "a2b_base64" => Value::func("a2b_base64", a2b_base64_fn),
        "Error" => exc_class(ExcKind::BinasciiError),
        _ => return None,
    })
}

pub(crate) fn error(msg: &str) -> PyErr {
    PyErr::new(ExcKind::BinasciiError, msg)
}

/// The bytes of an ASCII-string-or-bytes argument (`ascii_buffer_converter`).
pub(crate) fn ascii_data(v: &Value) -> PyResult<Vec<u8>> {
    match v {
        Value::Bytes(b) => Ok(b.to_vec()),
        Value::Str(s) => {
            if s.is_ascii() {
                Ok(s.as_bytes().to_vec())
            } else {
                Err(PyErr::value_error(
                    "string argument should contain only ASCII characters",
                ))
            }
        }
        other => Err(PyErr::type_error(format!(
            "argument should be bytes, buffer or ASCII string, not '{}'",
            other.type_name()
        ))),
    }
}

/// `binascii.unhexlify(hexstr)`.
pub fn unhexlify(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("unhexlify", args, kwargs, &["hexstr"], 1)?;
    let data = ascii_data(&a.req(0))?;
    if data.len() % 2 != 0 {
        return Err(error("Odd-length string"));
    }
    let mut out = Vec::with_capacity(data.len() / 2);
    for pair in data.chunks(2) {
        let hi = (pair[0] as char).to_digit(16);
        let lo = (pair[1] as char).to_digit(16);
        match (hi, lo) {
            (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
            _ => return Err(error("Non-hexadecimal digit found")),
        }
    }
    Ok(Value::Bytes(out.into()))
}

/// `binascii.hexlify(data)`.
pub fn hexlify(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new(
        "hexlify",
        args,
        kwargs,
        &["data", "sep", "bytes_per_sep"],
        1,
    )?;
    if a.get(1).is_some() {
        return Err(crate::ops::unsupported("hexlify with a separator"));
    }
    match a.req(0) {
        Value::Bytes(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            Ok(Value::Bytes(hex.into_bytes().into()))
        }
        other => Err(PyErr::type_error(format!(
            "a bytes-like object is required, not '{}'",
            other.type_name()
        ))),
    }
}

fn b64_value(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

/// `binascii.a2b_base64(data, strict_mode=...)`, a port of CPython 3.11's decoder.
pub fn a2b_base64(data: &[u8], strict: bool) -> PyResult<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 3);
    if strict && data.first() == Some(&b'=') {
        return Err(error("Leading padding not allowed"));
    }
    let mut quad_pos = 0;
    let mut leftchar: u8 = 0;
    let mut pads = 0;
    let mut padding_started = false;
    for (i, &ch) in data.iter().enumerate() {
        if ch == b'=' {
            padding_started = true;
            if strict && quad_pos == 0 {
                return Err(error(if i == 0 {
                    "Leading padding not allowed"
                } else {
                    "Excess padding not allowed"
                }));
            }
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    if strict && i + 1 < data.len() {
                        return Err(error("Excess data after padding"));
                    }
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = b64_value(ch) else {
            if strict {
                return Err(error("Only base64 data is allowed"));
            }
            continue;
        };
        if strict && padding_started {
            return Err(error("Discontinuous padding not allowed"));
        }
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                leftchar = v;
            }
            1 => {
                quad_pos = 2;
                out.push((leftchar << 2) | (v >> 4));
                leftchar = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push((leftchar << 4) | (v >> 2));
                leftchar = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push((leftchar << 6) | v);
                leftchar = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(error(&format!(
            "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more than a multiple of 4",
            out.len() / 3 * 4 + 1
        ))),
        _ => Err(error("Incorrect padding")),
    }
}

fn a2b_base64_fn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("a2b_base64", args, kwargs, &["data", "strict_mode"], 1)?;
    let data = ascii_data(&a.req(0))?;
    Ok(Value::Bytes(a2b_base64(&data, a.flag(1)?)?.into()))
}
