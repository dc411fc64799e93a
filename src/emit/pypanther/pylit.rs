//! Python literals for values read from YAML specs (test events, mock values, metadata), so
//! that the migrated module builds exactly the value panther_analysis_tool's loader built.

use serde_json::Value;

use crate::source::yaml::{YNode, YValue};

/// A Python `str` literal that evaluates to `s` (double quotes; the formatter may pick the
/// other quote style, which does not change the value).
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            // Line and paragraph separators, and other non-printable code points, are
            // spelled out so that the source stays one logical line per literal.
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => {
                let n = c as u32;
                if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Python float literal that round-trips `f` (CPython's `repr`).
pub fn py_float(f: f64) -> String {
    if f.is_nan() {
        return "float(\"nan\")".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "float(\"inf\")".into()
        } else {
            "-float(\"inf\")".into()
        };
    }
    ferrule_runtime::fmt::float_repr(f)
}

/// A JSON value (as the IR keeps test data) as a Python literal.
pub fn from_json(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_string()
            } else if let Some(u) = n.as_u64() {
                u.to_string()
            } else {
                py_float(n.as_f64().unwrap_or(0.0))
            }
        }
        Value::String(s) => py_str(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(from_json).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), from_json(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// JSON text (as the IR keeps it) as a Python literal; `None` if it does not parse.
pub fn from_json_text(text: &str) -> Option<String> {
    serde_json::from_str::<Value>(text)
        .ok()
        .map(|v| from_json(&v))
}

/// A YAML node of a spec as a Python literal, or `None` for what has no literal (a
/// mapping with non-string keys is written as a dict all the same: keys are literals).
pub fn from_yaml(n: &YNode) -> String {
    match &n.value {
        YValue::Null => "None".into(),
        YValue::Bool(true) => "True".into(),
        YValue::Bool(false) => "False".into(),
        YValue::Int(i) => i.to_string(),
        YValue::Float(f) => py_float(*f),
        YValue::Str(s) => py_str(s),
        YValue::Seq(items) => {
            let parts: Vec<String> = items.iter().map(from_yaml).collect();
            format!("[{}]", parts.join(", "))
        }
        YValue::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", from_yaml(k), from_yaml(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        YValue::BigInt(digits) => digits.to_string(),
        // Only comments carry these: a spec with them as data is refused before this.
        YValue::Other(name) => format!("<{name}>"),
        YValue::Recursive(_) => "[...]".into(),
        YValue::Invalid(_) => "<invalid>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(py_str("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\x01é\"");
        assert_eq!(py_float(3.1), "3.1");
        assert_eq!(py_float(1e-7), "1e-07");
        assert_eq!(
            from_json_text(r#"{"a": [1, 2.5, null, true], "b": {"c": "d"}}"#).unwrap(),
            r#"{"a": [1, 2.5, None, True], "b": {"c": "d"}}"#
        );
    }
}
