//! `json`: `loads` and `dumps` with CPython 3.11's exact output and error messages.
//!
//! The decoder mirrors the C scanner of CPython (`Modules/_json.c`) step by step, so every
//! `JSONDecodeError` names the same position; positions are counted in code points.

use std::rc::Rc;

use crate::err::{ExcKind, PyErr, PyResult};
use crate::fmt::float_repr;
use crate::ops::unsupported;
use crate::stdlib::exc_class;
use crate::value::{Dict, Key, Kwargs, Value};

/// Module attributes of `json`.
/// `json.decoder`: only its `JSONDecodeError`, the class `json` re-exports.
pub fn decoder_attr(name: &str) -> Option<Value> {
    (name == "JSONDecodeError").then(|| exc_class(ExcKind::JSONDecodeError))
}

pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "loads" => Value::func("loads", loads),
        "dumps" => Value::func("dumps", dumps),
        "JSONDecodeError" => exc_class(ExcKind::JSONDecodeError),
        // The submodule where the class lives (`except json.decoder.JSONDecodeError`).
        "decoder" => crate::stdlib::import("json.decoder")?,
        _ => return None,
    })
}

/// Deeper nesting than this may hit CPython's recursion limit, so it is not modelled.
const MAX_DEPTH: usize = 900;

/// `json.loads(s)`.
pub fn loads(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if args.len() != 1 {
        return Err(PyErr::type_error(format!(
            "loads() takes 1 positional argument but {} were given",
            args.len()
        )));
    }
    if let Some((k, _)) = kwargs.first() {
        return Err(unsupported(&format!("json.loads({k}=...)")));
    }
    let text: String = match &args[0] {
        Value::Str(s) => {
            if s.starts_with('\u{feff}') {
                return Err(decode_error(
                    "Unexpected UTF-8 BOM (decode using utf-8-sig)",
                    s,
                    0,
                ));
            }
            s.to_string()
        }
        Value::Bytes(b) => decode_bytes(b)?,
        v => {
            return Err(PyErr::type_error(format!(
                "the JSON object must be str, bytes or bytearray, not {}",
                v.type_name()
            )))
        }
    };
    parse(&text)
}

/// Decodes the bytes given to `loads` as `json.detect_encoding` would; only UTF-8 is
/// supported.
fn decode_bytes(b: &[u8]) -> PyResult<String> {
    let b = if b.starts_with(&[0xef, 0xbb, 0xbf]) {
        &b[3..]
    } else {
        let utf16_32 = b.starts_with(&[0xff, 0xfe])
            || b.starts_with(&[0xfe, 0xff])
            || (b.len() >= 4 && (b[0] == 0 || b[1] == 0))
            || (b.len() == 2 && (b[0] == 0 || b[1] == 0));
        if utf16_32 {
            return Err(unsupported("json.loads of UTF-16/UTF-32 bytes"));
        }
        b
    };
    utf8_decode(b)
}

/// `bytes.decode('utf-8', 'surrogatepass')` with CPython's `UnicodeDecodeError` message.
pub(crate) fn utf8_decode(b: &[u8]) -> PyResult<String> {
    match std::str::from_utf8(b) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let start = e.valid_up_to();
            let first = b[start];
            if first == 0xed && b.get(start + 1).is_some_and(|c| (0xa0..=0xbf).contains(c)) {
                return Err(unsupported("lone surrogates in decoded text"));
            }
            let (end, reason) = match e.error_len() {
                None => (b.len(), "unexpected end of data"),
                Some(n) => {
                    if (0x80..=0xc1).contains(&first) || first >= 0xf5 {
                        (start + 1, "invalid start byte")
                    } else {
                        (start + n, "invalid continuation byte")
                    }
                }
            };
            let msg = if end - start == 1 {
                format!(
                    "'utf-8' codec can't decode byte 0x{first:02x} in position {start}: {reason}"
                )
            } else {
                format!(
                    "'utf-8' codec can't decode bytes in position {}-{}: {reason}",
                    start,
                    end - 1
                )
            };
            let mut err = PyErr::new(ExcKind::UnicodeDecodeError, msg.clone());
            err.message = Some(msg);
            Err(err)
        }
    }
}

/// A `JSONDecodeError` at code point `pos` of `doc`.
fn decode_error(msg: &str, doc: &str, pos: usize) -> PyErr {
    let before: Vec<char> = doc.chars().take(pos).collect();
    let lineno = before.iter().filter(|c| **c == '\n').count() + 1;
    let colno = match before.iter().rposition(|c| *c == '\n') {
        Some(nl) => pos - nl,
        None => pos + 1,
    };
    PyErr::new(
        ExcKind::JSONDecodeError,
        format!("{msg}: line {lineno} column {colno} (char {pos})"),
    )
}

/// Parses a whole JSON document as `json.loads` does.
pub fn parse(text: &str) -> PyResult<Value> {
    let chars: Vec<char> = text.chars().collect();
    let p = Parser {
        doc: text,
        s: &chars,
    };
    let start = p.skip_ws(0);
    let (v, end) = match p.scan_once(start, 0)? {
        Ok(r) => r,
        Err(stop) => return Err(decode_error("Expecting value", text, stop)),
    };
    let end = p.skip_ws(end);
    if end != chars.len() {
        return Err(decode_error("Extra data", text, end));
    }
    Ok(v)
}

struct Parser<'a> {
    doc: &'a str,
    s: &'a [char],
}

/// The result of scanning one value: the value and the index after it, or the index where
/// no value starts (CPython's `StopIteration`, reported as "Expecting value").
type Scan = Result<(Value, usize), usize>;

impl Parser<'_> {
    fn skip_ws(&self, mut i: usize) -> usize {
        while i < self.s.len() && matches!(self.s[i], ' ' | '\t' | '\n' | '\r') {
            i += 1;
        }
        i
    }

    fn err(&self, msg: &str, pos: usize) -> PyErr {
        decode_error(msg, self.doc, pos)
    }

    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn literal(&self, i: usize, word: &str) -> bool {
        let w: Vec<char> = word.chars().collect();
        self.s.len() >= i + w.len() && self.s[i..i + w.len()] == w[..]
    }

    fn scan_once(&self, idx: usize, depth: usize) -> PyResult<Scan> {
        let Some(c) = self.at(idx) else {
            return Ok(Err(idx));
        };
        match c {
            '"' => {
                return self
                    .scan_string(idx + 1)
                    .map(|(s, e)| Ok((Value::str(s), e)))
            }
            '{' | '[' => {
                if depth >= MAX_DEPTH {
                    return Err(unsupported("JSON nested more than 900 levels"));
                }
                return if c == '{' {
                    self.parse_object(idx + 1, depth + 1)
                } else {
                    self.parse_array(idx + 1, depth + 1)
                };
            }
            'n' if self.literal(idx, "null") => return Ok(Ok((Value::None, idx + 4))),
            't' if self.literal(idx, "true") => return Ok(Ok((Value::Bool(true), idx + 4))),
            'f' if self.literal(idx, "false") => return Ok(Ok((Value::Bool(false), idx + 5))),
            'N' if self.literal(idx, "NaN") => return Ok(Ok((Value::Float(f64::NAN), idx + 3))),
            'I' if self.literal(idx, "Infinity") => {
                return Ok(Ok((Value::Float(f64::INFINITY), idx + 8)))
            }
            '-' if self.literal(idx, "-Infinity") => {
                return Ok(Ok((Value::Float(f64::NEG_INFINITY), idx + 9)))
            }
            _ => {}
        }
        self.match_number(idx)
    }

    fn is_digit(&self, i: usize) -> bool {
        self.at(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn match_number(&self, start: usize) -> PyResult<Scan> {
        let n = self.s.len();
        let mut idx = start;
        if self.at(idx) == Some('-') {
            idx += 1;
            if idx >= n {
                return Ok(Err(start));
            }
        }
        match self.at(idx) {
            Some('1'..='9') => {
                idx += 1;
                while self.is_digit(idx) {
                    idx += 1;
                }
            }
            Some('0') => idx += 1,
            _ => return Ok(Err(start)),
        }
        let mut is_float = false;
        if idx + 1 < n && self.s[idx] == '.' && self.is_digit(idx + 1) {
            is_float = true;
            idx += 2;
            while self.is_digit(idx) {
                idx += 1;
            }
        }
        if idx + 1 < n && matches!(self.s[idx], 'e' | 'E') {
            let e_start = idx;
            idx += 1;
            if idx + 1 < n && matches!(self.s[idx], '-' | '+') {
                idx += 1;
            }
            while self.is_digit(idx) {
                idx += 1;
            }
            if self.is_digit(idx - 1) {
                is_float = true;
            } else {
                idx = e_start;
            }
        }
        let text: String = self.s[start..idx].iter().collect();
        let v = if is_float {
            Value::Float(
                text.parse::<f64>()
                    .map_err(|_| unsupported("JSON number"))?,
            )
        } else {
            Value::Int(
                text.parse::<i64>()
                    .map_err(|_| unsupported("integers outside the 64-bit range"))?,
            )
        };
        Ok(Ok((v, idx)))
    }

    /// Scans a string whose opening quote is just before `end`; returns the text and the
    /// index after the closing quote.
    fn scan_string(&self, mut end: usize) -> PyResult<(String, usize)> {
        let begin = end - 1;
        let len = self.s.len();
        let mut out = String::new();
        loop {
            let mut next = end;
            let mut c = '\0';
            while next < len {
                c = self.s[next];
                if c == '"' || c == '\\' {
                    break;
                }
                if (c as u32) <= 0x1f {
                    return Err(self.err("Invalid control character at", next));
                }
                next += 1;
            }
            if next >= len {
                return Err(self.err("Unterminated string starting at", begin));
            }
            out.extend(&self.s[end..next]);
            next += 1;
            if c == '"' {
                return Ok((out, next));
            }
            if next == len {
                return Err(self.err("Unterminated string starting at", begin));
            }
            let esc = self.s[next];
            if esc != 'u' {
                end = next + 1;
                let ch = match esc {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    _ => return Err(self.err("Invalid \\escape", end - 2)),
                };
                out.push(ch);
            } else {
                next += 1;
                end = next + 4;
                if end >= len {
                    return Err(self.err("Invalid \\uXXXX escape", next - 1));
                }
                let mut cp = self
                    .hex4(next)
                    .ok_or_else(|| self.err("Invalid \\uXXXX escape", end - 5))?;
                next = end;
                if (0xd800..0xdc00).contains(&cp)
                    && end + 6 < len
                    && self.s[next] == '\\'
                    && self.s[next + 1] == 'u'
                {
                    next += 2;
                    end += 6;
                    let c2 = self
                        .hex4(next)
                        .ok_or_else(|| self.err("Invalid \\uXXXX escape", end - 5))?;
                    if (0xdc00..0xe000).contains(&c2) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (c2 - 0xdc00);
                    } else {
                        end -= 6;
                    }
                }
                match char::from_u32(cp) {
                    Some(ch) => out.push(ch),
                    None => return Err(unsupported("lone surrogates in JSON strings")),
                }
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let mut v = 0u32;
        for i in 0..4 {
            v = (v << 4) | self.at(at + i)?.to_digit(16)?;
        }
        Some(v)
    }

    fn parse_object(&self, idx: usize, depth: usize) -> PyResult<Scan> {
        let mut d = Dict::default();
        let mut idx = self.skip_ws(idx);
        if self.at(idx) != Some('}') {
            loop {
                if self.at(idx) != Some('"') {
                    return Err(self.err("Expecting property name enclosed in double quotes", idx));
                }
                let (key, next) = self.scan_string(idx + 1)?;
                idx = self.skip_ws(next);
                if self.at(idx) != Some(':') {
                    return Err(self.err("Expecting ':' delimiter", idx));
                }
                idx = self.skip_ws(idx + 1);
                let (val, next) = match self.scan_once(idx, depth)? {
                    Ok(r) => r,
                    Err(stop) => return Ok(Err(stop)),
                };
                d.insert(Key::from_str(&key), val);
                idx = self.skip_ws(next);
                if self.at(idx) == Some('}') {
                    break;
                }
                if self.at(idx) != Some(',') {
                    return Err(self.err("Expecting ',' delimiter", idx));
                }
                idx = self.skip_ws(idx + 1);
            }
        }
        Ok(Ok((Value::dict(d), idx + 1)))
    }

    fn parse_array(&self, idx: usize, depth: usize) -> PyResult<Scan> {
        let mut items = Vec::new();
        let mut idx = self.skip_ws(idx);
        if self.at(idx) != Some(']') {
            loop {
                let (val, next) = match self.scan_once(idx, depth)? {
                    Ok(r) => r,
                    Err(stop) => return Ok(Err(stop)),
                };
                items.push(val);
                idx = self.skip_ws(next);
                if self.at(idx) == Some(']') {
                    break;
                }
                if self.at(idx) != Some(',') {
                    return Err(self.err("Expecting ',' delimiter", idx));
                }
                idx = self.skip_ws(idx + 1);
            }
        }
        Ok(Ok((Value::list(items), idx + 1)))
    }
}

/// The options of `json.dumps`.
#[derive(Clone, Debug)]
pub struct DumpOptions {
    pub skipkeys: bool,
    pub ensure_ascii: bool,
    pub check_circular: bool,
    pub allow_nan: bool,
    pub sort_keys: bool,
    /// The indent string; `None` for the one-line form.
    pub indent: Option<String>,
    pub item_separator: String,
    pub key_separator: String,
}

impl Default for DumpOptions {
    fn default() -> Self {
        DumpOptions {
            skipkeys: false,
            ensure_ascii: true,
            check_circular: true,
            allow_nan: true,
            sort_keys: false,
            indent: None,
            item_separator: ", ".into(),
            key_separator: ": ".into(),
        }
    }
}

/// A `default=` hook: maps an object the encoder cannot serialise to one it can.
pub type DefaultFn<'a> = &'a dyn Fn(&Value) -> PyResult<Value>;

/// `json.dumps(obj, **options)`.
pub fn dumps(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if args.len() != 1 {
        return Err(PyErr::type_error(format!(
            "dumps() takes 1 positional argument but {} were given",
            args.len()
        )));
    }
    let (opts, default) = dump_options(kwargs)?;
    let text = match default {
        Some(f) => dumps_with(
            &args[0],
            &opts,
            Some(&|v: &Value| crate::ops::call(&f, std::slice::from_ref(v), &[])),
        ),
        None => dumps_with(&args[0], &opts, None),
    }?;
    Ok(Value::str(text))
}

/// Reads the keyword arguments of `json.dumps`; also returns the `default=` callable.
pub fn dump_options(kwargs: Kwargs) -> PyResult<(DumpOptions, Option<Value>)> {
    let mut o = DumpOptions::default();
    let mut default = None;
    let mut separators = None;
    for (k, v) in kwargs {
        let truth = || crate::ops::truthy(v);
        match *k {
            "skipkeys" => o.skipkeys = truth()?,
            "ensure_ascii" => o.ensure_ascii = truth()?,
            "check_circular" => o.check_circular = truth()?,
            "allow_nan" => o.allow_nan = truth()?,
            "sort_keys" => o.sort_keys = truth()?,
            "indent" => {
                o.indent = match v {
                    Value::None => None,
                    Value::Int(n) => Some(" ".repeat((*n).clamp(0, 1 << 16) as usize)),
                    Value::Str(s) => Some(s.to_string()),
                    _ => return Err(unsupported("json.dumps indent of this type")),
                }
            }
            "separators" => separators = Some(v.clone()),
            "default" => {
                if !v.is_none() {
                    default = Some(v.clone())
                }
            }
            "cls" if v.is_none() => {}
            _ => return Err(unsupported(&format!("json.dumps({k}=...)"))),
        }
    }
    if o.indent.is_some() {
        o.item_separator = ",".into();
    }
    if let Some(sep) = separators.filter(|v| !v.is_none()) {
        let items = crate::stdlib::seq_items(&sep).unwrap_or_default();
        match items.as_slice() {
            [Value::Str(a), Value::Str(b)] => {
                o.item_separator = a.to_string();
                o.key_separator = b.to_string();
            }
            _ => {
                return Err(unsupported(
                    "json.dumps separators that are not two strings",
                ))
            }
        }
    }
    Ok((o, default))
}

/// Serialises `v` as `json.dumps` does with options `opts` and an optional `default=` hook.
pub fn dumps_with(v: &Value, opts: &DumpOptions, default: Option<DefaultFn>) -> PyResult<String> {
    let mut enc = Encoder {
        opts,
        default,
        out: String::new(),
        markers: Vec::new(),
    };
    enc.encode(v, 0)?;
    Ok(enc.out)
}

struct Encoder<'a> {
    opts: &'a DumpOptions,
    default: Option<DefaultFn<'a>>,
    out: String,
    /// Addresses of the containers being encoded, for "Circular reference detected".
    markers: Vec<usize>,
}

impl Encoder<'_> {
    fn float(&self, f: f64) -> PyResult<String> {
        if f.is_finite() {
            return Ok(float_repr(f));
        }
        if !self.opts.allow_nan {
            // With an indent CPython uses the pure-Python encoder, whose message names the
            // value; the C encoder's does not.
            return Err(PyErr::value_error(match self.opts.indent {
                Some(_) => format!(
                    "Out of range float values are not JSON compliant: {}",
                    float_repr(f)
                ),
                None => "Out of range float values are not JSON compliant".to_string(),
            }));
        }
        Ok(if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .into())
    }

    fn newline(&mut self, level: usize) {
        if let Some(ind) = &self.opts.indent {
            self.out.push('\n');
            for _ in 0..level {
                self.out.push_str(ind);
            }
        }
    }

    fn enter(&mut self, addr: usize, depth: usize) -> PyResult<()> {
        if depth >= MAX_DEPTH {
            return Err(unsupported("JSON nested more than 900 levels"));
        }
        if self.opts.check_circular {
            if self.markers.contains(&addr) {
                return Err(PyErr::value_error("Circular reference detected"));
            }
            self.markers.push(addr);
        }
        Ok(())
    }

    fn leave(&mut self) {
        if self.opts.check_circular {
            self.markers.pop();
        }
    }

    fn encode(&mut self, v: &Value, depth: usize) -> PyResult<()> {
        match v {
            Value::Str(s) => write_string(&mut self.out, s, self.opts.ensure_ascii),
            Value::None => self.out.push_str("null"),
            Value::Bool(true) => self.out.push_str("true"),
            Value::Bool(false) => self.out.push_str("false"),
            Value::Int(i) => self.out.push_str(&i.to_string()),
            Value::Float(f) => {
                let s = self.float(*f)?;
                self.out.push_str(&s);
            }
            Value::List(l) => {
                let items = l.borrow().clone();
                self.encode_list(Rc::as_ptr(l) as *const u8 as usize, &items, depth)?;
            }
            Value::Tuple(t) => {
                self.encode_list(t.as_ptr() as usize, t, depth)?;
            }
            // A namedtuple is a tuple to the encoder: a JSON array.
            Value::Object(o) if o.as_tuple().is_some() => {
                let items = o.as_tuple().unwrap_or_default();
                self.encode_list(items.as_ptr() as usize, items, depth)?;
            }
            Value::Dict(d) => {
                let items: Vec<(Value, Value)> = d
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.value().clone(), v.clone()))
                    .collect();
                self.encode_dict(Rc::as_ptr(d) as *const u8 as usize, items, depth)?;
            }
            Value::Object(o) => {
                if let Some(od) = v.downcast::<crate::stdlib::collections::OrderedDict>() {
                    let items: Vec<(Value, Value)> =
                        od.0.borrow()
                            .iter()
                            .map(|(k, v)| (k.value().clone(), v.clone()))
                            .collect();
                    return self.encode_dict(Rc::as_ptr(o) as *const u8 as usize, items, depth);
                }
                self.encode_default(v, depth)?
            }
            _ => self.encode_default(v, depth)?,
        }
        Ok(())
    }

    fn encode_default(&mut self, v: &Value, depth: usize) -> PyResult<()> {
        match self.default {
            None => Err(PyErr::type_error(format!(
                "Object of type {} is not JSON serializable",
                crate::runner::class_name(v)
            ))),
            Some(f) => {
                let addr = match v {
                    Value::Object(o) => Rc::as_ptr(o) as *const u8 as usize,
                    _ => 0,
                };
                self.enter(addr, depth)?;
                let replaced = f(v)?;
                self.encode(&replaced, depth + 1)?;
                self.leave();
                Ok(())
            }
        }
    }

    fn encode_list(&mut self, addr: usize, items: &[Value], depth: usize) -> PyResult<()> {
        if items.is_empty() {
            self.out.push_str("[]");
            return Ok(());
        }
        self.enter(addr, depth)?;
        self.out.push('[');
        self.newline(depth + 1);
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                let sep = self.opts.item_separator.clone();
                self.out.push_str(&sep);
                self.newline(depth + 1);
            }
            self.encode(it, depth + 1)?;
        }
        self.newline(depth);
        self.out.push(']');
        self.leave();
        Ok(())
    }

    fn key_string(&self, k: &Value) -> PyResult<Option<String>> {
        Ok(Some(match k {
            Value::Str(s) => s.to_string(),
            Value::Float(f) => self.float(*f)?,
            Value::Bool(true) => "true".into(),
            Value::Bool(false) => "false".into(),
            Value::None => "null".into(),
            Value::Int(i) => i.to_string(),
            _ if self.opts.skipkeys => return Ok(None),
            _ => {
                return Err(PyErr::type_error(format!(
                    "keys must be str, int, float, bool or None, not {}",
                    k.type_name()
                )))
            }
        }))
    }

    fn encode_dict(
        &mut self,
        addr: usize,
        mut items: Vec<(Value, Value)>,
        depth: usize,
    ) -> PyResult<()> {
        if items.is_empty() {
            self.out.push_str("{}");
            return Ok(());
        }
        self.enter(addr, depth)?;
        if self.opts.sort_keys {
            sort_keys(&mut items)?;
        }
        self.out.push('{');
        self.newline(depth + 1);
        let mut first = true;
        for (k, v) in &items {
            let Some(key) = self.key_string(k)? else {
                continue;
            };
            if !first {
                let sep = self.opts.item_separator.clone();
                self.out.push_str(&sep);
                self.newline(depth + 1);
            }
            first = false;
            write_string(&mut self.out, &key, self.opts.ensure_ascii);
            let sep = self.opts.key_separator.clone();
            self.out.push_str(&sep);
            self.encode(v, depth + 1)?;
        }
        self.newline(depth);
        self.out.push('}');
        self.leave();
        Ok(())
    }
}

/// `sorted(d.items())` for keys that are all strings or all numbers.
fn sort_keys(items: &mut [(Value, Value)]) -> PyResult<()> {
    let all_str = items.iter().all(|(k, _)| matches!(k, Value::Str(_)));
    if all_str {
        items.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
        return Ok(());
    }
    let num = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Float(f) if !f.is_nan() => Some(*f),
        _ => None,
    };
    let exact = items.iter().all(|(k, _)| match k {
        Value::Int(i) => i.unsigned_abs() < (1 << 53),
        _ => num(k).is_some(),
    });
    if !exact {
        return Err(unsupported(
            "json.dumps(sort_keys=True) with keys of mixed types",
        ));
    }
    items.sort_by(|a, b| {
        num(&a.0)
            .partial_cmp(&num(&b.0))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    Ok(())
}

/// Appends `s` as a JSON string literal (`encode_basestring[_ascii]`).
pub fn write_string(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ensure_ascii && !(' '..='~').contains(&c) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{:04x}", unit));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
