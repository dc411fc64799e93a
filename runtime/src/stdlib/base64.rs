//! `base64`: the decoders and encoders detections use, ported from CPython 3.11.

use crate::err::{PyErr, PyResult};
use crate::stdlib::binascii::{a2b_base64, error};
use crate::stdlib::Args;
use crate::value::{Kwargs, Value};

/// Module attributes of `base64`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "b64decode" => Value::func("b64decode", b64decode),
        "b64encode" => Value::func("b64encode", b64encode),
        "urlsafe_b64decode" => Value::func("urlsafe_b64decode", urlsafe_b64decode),
        "urlsafe_b64encode" => Value::func("urlsafe_b64encode", urlsafe_b64encode),
        "standard_b64decode" => Value::func("standard_b64decode", b64decode),
        "b32decode" => Value::func("b32decode", b32decode),
        "b16decode" => Value::func("b16decode", crate::stdlib::binascii::unhexlify),
        _ => return None,
    })
}

/// `base64._bytes_from_decode_data`.
fn decode_data(v: &Value) -> PyResult<Vec<u8>> {
    match v {
        Value::Str(s) => {
            if s.is_ascii() {
                Ok(s.as_bytes().to_vec())
            } else {
                Err(PyErr::value_error(
                    "string argument should contain only ASCII characters",
                ))
            }
        }
        Value::Bytes(b) => Ok(b.to_vec()),
        other => Err(PyErr::type_error(format!(
            "argument should be a bytes-like object or ASCII string, not '{}'",
            other.type_name()
        ))),
    }
}

/// `base64.b64decode(s, altchars=None, validate=False)`.
pub fn b64decode(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("b64decode", args, kwargs, &["s", "altchars", "validate"], 1)?;
    let mut s = decode_data(&a.req(0))?;
    if let Some(alt) = a.opt(1) {
        let alt = decode_data(alt)?;
        if alt.len() != 2 {
            return Err(crate::ops::unsupported("altchars that are not two bytes"));
        }
        for c in s.iter_mut() {
            if *c == alt[0] {
                *c = b'+';
            } else if *c == alt[1] {
                *c = b'/';
            }
        }
    }
    Ok(Value::Bytes(a2b_base64(&s, a.flag(2)?)?.into()))
}

/// `base64.urlsafe_b64decode(s)`.
pub fn urlsafe_b64decode(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("urlsafe_b64decode", args, kwargs, &["s"], 1)?;
    let mut s = decode_data(&a.req(0))?;
    for c in s.iter_mut() {
        match *c {
            b'-' => *c = b'+',
            b'_' => *c = b'/',
            _ => {}
        }
    }
    Ok(Value::Bytes(a2b_base64(&s, false)?.into()))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn encode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        out.push(B64[(n >> 18) as usize & 63]);
        out.push(B64[(n >> 12) as usize & 63]);
        out.push(if chunk.len() > 1 {
            B64[(n >> 6) as usize & 63]
        } else {
            b'='
        });
        out.push(if chunk.len() > 2 {
            B64[n as usize & 63]
        } else {
            b'='
        });
    }
    out
}

fn bytes_arg(v: &Value) -> PyResult<Vec<u8>> {
    match v {
        Value::Bytes(b) => Ok(b.to_vec()),
        other => Err(PyErr::type_error(format!(
            "a bytes-like object is required, not '{}'",
            other.type_name()
        ))),
    }
}

/// `base64.b64encode(s, altchars=None)`.
pub fn b64encode(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("b64encode", args, kwargs, &["s", "altchars"], 1)?;
    if a.opt(1).is_some() {
        return Err(crate::ops::unsupported("b64encode altchars"));
    }
    Ok(Value::Bytes(encode(&bytes_arg(&a.req(0))?).into()))
}

/// `base64.urlsafe_b64encode(s)`.
pub fn urlsafe_b64encode(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("urlsafe_b64encode", args, kwargs, &["s"], 1)?;
    let out: Vec<u8> = encode(&bytes_arg(&a.req(0))?)
        .into_iter()
        .map(|c| match c {
            b'+' => b'-',
            b'/' => b'_',
            c => c,
        })
        .collect();
    Ok(Value::Bytes(out.into()))
}

/// `base64.b32decode(s, casefold=False, map01=None)`.
pub fn b32decode(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("b32decode", args, kwargs, &["s", "casefold", "map01"], 1)?;
    let mut s = decode_data(&a.req(0))?;
    if s.len() % 8 != 0 {
        return Err(error("Incorrect padding"));
    }
    if let Some(m) = a.opt(2) {
        let m = decode_data(m)?;
        if m.len() != 1 {
            return Err(crate::ops::unsupported("map01 that is not one byte"));
        }
        for c in s.iter_mut() {
            match *c {
                b'0' => *c = b'O',
                b'1' => *c = m[0],
                _ => {}
            }
        }
    }
    if a.flag(1)? {
        s.make_ascii_uppercase();
    }
    let l = s.len();
    while s.last() == Some(&b'=') {
        s.pop();
    }
    let padchars = l - s.len();
    let mut decoded = Vec::new();
    let mut acc: u64 = 0;
    for quanta in s.chunks(8) {
        acc = 0;
        for &c in quanta {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'2'..=b'7' => c - b'2' + 26,
                _ => return Err(error("Non-base32 digit found")),
            };
            acc = (acc << 5) + v as u64;
        }
        decoded.extend_from_slice(&acc.to_be_bytes()[3..8]);
    }
    if !matches!(padchars, 0 | 1 | 3 | 4 | 6) {
        return Err(error("Incorrect padding"));
    }
    if padchars > 0 && !decoded.is_empty() {
        acc <<= 5 * padchars as u64;
        let last = acc.to_be_bytes();
        let last = &last[3..8];
        let leftover = (43 - 5 * padchars) / 8;
        let n = decoded.len();
        decoded.truncate(n - 5);
        decoded.extend_from_slice(&last[..leftover]);
    }
    Ok(Value::Bytes(decoded.into()))
}
