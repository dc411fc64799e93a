//! `urllib.parse`: `urlparse`/`urlsplit` (CPython 3.11.7's algorithm), `parse_qs`,
//! `parse_qsl`, `unquote`, `unquote_plus`, `quote`, `quote_plus`. Only str input is
//! supported (bytes give `NotImplementedError`).

use std::any::Any;
use std::rc::Rc;

use crate::err::{PyErr, PyResult};
use crate::fmt::str_repr;
use crate::ops::unsupported;
use crate::stdlib::Args;
use crate::value::{Dict, Key, Kwargs, PyObject, Value};

/// Module attributes of `urllib.parse`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "urlparse" => Value::func("urlparse", urlparse),
        "urlsplit" => Value::func("urlsplit", urlsplit),
        "parse_qs" => Value::func("parse_qs", parse_qs),
        "parse_qsl" => Value::func("parse_qsl", parse_qsl),
        "unquote" => Value::func("unquote", unquote),
        "unquote_plus" => Value::func("unquote_plus", unquote_plus),
        "quote" => Value::func("quote", quote),
        "quote_plus" => Value::func("quote_plus", quote_plus),
        _ => return None,
    })
}

const USES_PARAMS: &[&str] = &[
    "", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtsps", "rtspu",
    "sip", "sips", "mms", "sftp", "tel",
];

/// A `ParseResult` (six fields) or `SplitResult` (five fields) named tuple.
pub struct UrlResult {
    pub fields: Vec<Rc<str>>,
    /// The fields as values: a namedtuple hashes, orders and serialises as the equal tuple
    /// (see `PyObject::as_tuple`).
    items: Vec<Value>,
}

const PARSE_NAMES: [&str; 6] = ["scheme", "netloc", "path", "params", "query", "fragment"];
const SPLIT_NAMES: [&str; 5] = ["scheme", "netloc", "path", "query", "fragment"];

impl UrlResult {
    fn new(fields: Vec<Rc<str>>) -> UrlResult {
        let items = fields.iter().map(|f| Value::Str(f.clone())).collect();
        UrlResult { fields, items }
    }

    fn names(&self) -> &'static [&'static str] {
        if self.fields.len() == 6 {
            &PARSE_NAMES
        } else {
            &SPLIT_NAMES
        }
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.names()
            .iter()
            .position(|n| *n == name)
            .map(|i| &*self.fields[i])
    }

    fn netloc(&self) -> &str {
        self.field("netloc").unwrap_or("")
    }

    fn hostinfo(&self) -> (String, Option<String>) {
        let netloc = self.netloc();
        let hostinfo = netloc.rsplit_once('@').map_or(netloc, |(_, h)| h);
        let (hostname, port) = match hostinfo.split_once('[') {
            Some((_, bracketed)) => {
                let (host, rest) = bracketed.split_once(']').unwrap_or((bracketed, ""));
                let port = rest.split_once(':').map_or("", |(_, p)| p);
                (host, port)
            }
            None => hostinfo.split_once(':').unwrap_or((hostinfo, "")),
        };
        (
            hostname.to_string(),
            (!port.is_empty()).then(|| port.to_string()),
        )
    }

    fn tuple(&self) -> Vec<Value> {
        self.fields.iter().map(|f| Value::Str(f.clone())).collect()
    }
}

impl PyObject for UrlResult {
    fn fixed_attributes(&self) -> Option<&str> {
        Some(self.type_name())
    }
    fn type_name(&self) -> &str {
        if self.fields.len() == 6 {
            "ParseResult"
        } else {
            "SplitResult"
        }
    }
    fn repr(&self) -> String {
        let parts: Vec<String> = self
            .names()
            .iter()
            .zip(&self.fields)
            .map(|(n, v)| format!("{n}={}", str_repr(v)))
            .collect();
        format!("{}({})", self.type_name(), parts.join(", "))
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        if let Some(v) = self.field(name) {
            return Ok(Value::str(v));
        }
        match name {
            "hostname" => {
                let (host, _) = self.hostinfo();
                if host.is_empty() {
                    return Ok(Value::None);
                }
                let (h, zone) = match host.split_once('%') {
                    Some((h, z)) => (h.to_string(), format!("%{z}")),
                    None => (host.clone(), String::new()),
                };
                Ok(Value::str(format!("{}{zone}", py_lower(&h))))
            }
            "port" => match self.hostinfo().1 {
                None => Ok(Value::None),
                Some(p) => {
                    if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) {
                        match p.parse::<i64>() {
                            Ok(n) if n <= 65535 => Ok(Value::Int(n)),
                            _ => Err(PyErr::value_error("Port out of range 0-65535")),
                        }
                    } else {
                        Err(PyErr::value_error(format!(
                            "Port could not be cast to integer value as {}",
                            str_repr(&p)
                        )))
                    }
                }
            },
            "username" | "password" => {
                let netloc = self.netloc();
                let Some((userinfo, _)) = netloc.rsplit_once('@') else {
                    return Ok(Value::None);
                };
                let (user, pw) = match userinfo.split_once(':') {
                    Some((u, p)) => (u, Some(p)),
                    None => (userinfo, None),
                };
                Ok(if name == "username" {
                    Value::str(user)
                } else {
                    pw.map_or(Value::None, Value::str)
                })
            }
            _ => Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute '{name}'",
                self.type_name()
            ))),
        }
    }
    fn len(&self) -> Option<PyResult<usize>> {
        Some(Ok(self.fields.len()))
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(Ok(self.tuple()))
    }
    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        // Indexing and slicing are tuple's: a slice is a plain tuple.
        Some(crate::ops::getitem(&Value::tuple(self.items.clone()), key))
    }
    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        Some(Ok(self.tuple().iter().any(|v| crate::ops::eq(v, item))))
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        let theirs = match other {
            Value::Tuple(t) => t.to_vec(),
            _ => other.downcast::<UrlResult>()?.tuple(),
        };
        let mine = self.tuple();
        Some(
            mine.len() == theirs.len()
                && mine.iter().zip(&theirs).all(|(a, b)| crate::ops::eq(a, b)),
        )
    }
    fn hash(&self) -> Option<u64> {
        Some(crate::pyhash::hash(&Value::tuple(self.items.clone())).value as u64)
    }
    fn is_sequence(&self) -> bool {
        true
    }
    fn as_tuple(&self) -> Option<&[Value]> {
        Some(&self.items)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `str.lower()` (full Unicode lower-casing, as Python does).
fn py_lower(s: &str) -> String {
    s.to_lowercase()
}

fn str_arg(v: &Value, what: &str) -> PyResult<Rc<str>> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        _ => Err(unsupported(&format!("{what} of a non-str"))),
    }
}

fn split(url: &str, scheme: &str, allow_fragments: bool) -> PyResult<Vec<String>> {
    let ws = |c: char| (c as u32) <= 0x20;
    let mut url: String = url.trim_start_matches(ws).to_string();
    let mut scheme: String = scheme.trim_matches(ws).to_string();
    url.retain(|c| !matches!(c, '\t' | '\r' | '\n'));
    scheme.retain(|c| !matches!(c, '\t' | '\r' | '\n'));
    let (mut netloc, mut query, mut fragment) = (String::new(), String::new(), String::new());
    if let Some(i) = url.find(':') {
        let first = url.chars().next();
        if i > 0
            && first.is_some_and(|c| c.is_ascii_alphabetic())
            && url[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            scheme = url[..i].to_ascii_lowercase();
            url = url[i + 1..].to_string();
        }
    }
    if url.starts_with("//") {
        let rest = &url[2..];
        let delim = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        netloc = rest[..delim].to_string();
        url = rest[delim..].to_string();
        let (open, close) = (netloc.contains('['), netloc.contains(']'));
        if open != close {
            return Err(PyErr::value_error("Invalid IPv6 URL"));
        }
        if open && close {
            let host = netloc
                .split_once('[')
                .map_or("", |(_, r)| r.split_once(']').map_or(r, |(h, _)| h))
                .to_string();
            if host.starts_with('v') {
                return Err(unsupported("IPvFuture hosts"));
            }
            let ip = crate::stdlib::ipaddress::ip_address(&[Value::str(host)], &[])?;
            if ip.type_name() == "IPv4Address" {
                return Err(PyErr::value_error("An IPv4 address cannot be in brackets"));
            }
        }
    }
    if allow_fragments {
        if let Some((u, f)) = url.split_once('#') {
            fragment = f.to_string();
            url = u.to_string();
        }
    }
    if let Some((u, q)) = url.split_once('?') {
        query = q.to_string();
        url = u.to_string();
    }
    if !netloc.is_ascii() {
        return Err(unsupported("non-ASCII netlocs (NFKC check)"));
    }
    Ok(vec![scheme, netloc, url, query, fragment])
}

fn url_args(
    fname: &'static str,
    args: &[Value],
    kwargs: Kwargs,
) -> PyResult<(Rc<str>, String, bool)> {
    let a = Args::new(
        fname,
        args,
        kwargs,
        &["url", "scheme", "allow_fragments"],
        1,
    )?;
    let url = str_arg(&a.req(0), fname)?;
    let scheme = match a.get(1) {
        None => String::new(),
        Some(v) => str_arg(v, fname)?.to_string(),
    };
    let allow = match a.get(2) {
        None => true,
        Some(v) => crate::ops::truthy(v)?,
    };
    Ok((url, scheme, allow))
}

/// `urllib.parse.urlsplit(url, scheme='', allow_fragments=True)`.
pub fn urlsplit(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let (url, scheme, allow) = url_args("urlsplit", args, kwargs)?;
    let parts = split(&url, &scheme, allow)?;
    Ok(Value::object(UrlResult::new(
        parts.into_iter().map(Rc::from).collect(),
    )))
}

/// `urllib.parse.urlparse(url, scheme='', allow_fragments=True)`.
pub fn urlparse(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let (url, scheme, allow) = url_args("urlparse", args, kwargs)?;
    let p = split(&url, &scheme, allow)?;
    let (mut path, mut params) = (p[2].clone(), String::new());
    if USES_PARAMS.contains(&p[0].as_str()) && path.contains(';') {
        let i = match path.rfind('/') {
            Some(slash) => path[slash..].find(';').map(|j| j + slash),
            None => path.find(';'),
        };
        if let Some(i) = i {
            params = path[i + 1..].to_string();
            path.truncate(i);
        }
    }
    let fields = vec![
        p[0].clone(),
        p[1].clone(),
        path,
        params,
        p[3].clone(),
        p[4].clone(),
    ];
    Ok(Value::object(UrlResult::new(
        fields.into_iter().map(Rc::from).collect(),
    )))
}

fn unquote_str(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut buf: Vec<u8> = Vec::new();
    let flush = |buf: &mut Vec<u8>, out: &mut String| {
        out.push_str(&String::from_utf8_lossy(buf));
        buf.clear();
    };
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_ascii() {
            flush(&mut buf, &mut out);
            out.push(c);
            i += 1;
            continue;
        }
        if c == '%'
            && i + 2 < chars.len()
            && chars[i + 1].is_ascii_hexdigit()
            && chars[i + 2].is_ascii_hexdigit()
        {
            let hex: String = chars[i + 1..i + 3].iter().collect();
            buf.push(u8::from_str_radix(&hex, 16).unwrap_or(0));
            i += 3;
            continue;
        }
        buf.push(c as u8);
        i += 1;
    }
    flush(&mut buf, &mut out);
    out
}

fn unquote_args(fname: &'static str, args: &[Value], kwargs: Kwargs) -> PyResult<Rc<str>> {
    let a = Args::new(fname, args, kwargs, &["string", "encoding", "errors"], 1)?;
    for i in [1, 2] {
        if let Some(v) = a.opt(i) {
            let ok = matches!(
                (i, v.as_str()),
                (1, Some("utf-8" | "utf8")) | (2, Some("replace"))
            );
            if !ok {
                return Err(unsupported(
                    "unquote with another encoding or error handler",
                ));
            }
        }
    }
    match a.req(0) {
        Value::Str(s) => Ok(s),
        Value::Bytes(_) => Err(unsupported("unquote of bytes")),
        other => Err(PyErr::type_error(format!(
            "a bytes-like object is required, not '{}'",
            other.type_name()
        ))),
    }
}

/// `urllib.parse.unquote(string, encoding='utf-8', errors='replace')`.
pub fn unquote(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let s = unquote_args("unquote", args, kwargs)?;
    Ok(Value::str(unquote_str(&s)))
}

/// `urllib.parse.unquote_plus(string)`.
pub fn unquote_plus(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let s = unquote_args("unquote_plus", args, kwargs)?;
    Ok(Value::str(unquote_str(&s.replace('+', " "))))
}

fn quote_str(s: &str, safe: &str) -> String {
    let mut out = String::new();
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "_.-~".contains(c) || (c.is_ascii() && safe.contains(c)) {
            out.push(c);
        } else {
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn quote_args(
    fname: &'static str,
    args: &[Value],
    kwargs: Kwargs,
    default_safe: &str,
) -> PyResult<(Rc<str>, String)> {
    let a = Args::new(
        fname,
        args,
        kwargs,
        &["string", "safe", "encoding", "errors"],
        1,
    )?;
    if a.opt(2).is_some() || a.opt(3).is_some() {
        return Err(unsupported("quote with an encoding"));
    }
    let safe = match a.get(1) {
        None => default_safe.to_string(),
        Some(Value::Str(s)) => s.to_string(),
        Some(_) => return Err(unsupported("quote with non-str safe")),
    };
    match a.req(0) {
        Value::Str(s) => Ok((s, safe)),
        Value::Bytes(_) => Err(unsupported("quote of bytes")),
        other => Err(PyErr::type_error(format!(
            "quote() doesn't support '{}' objects",
            other.type_name()
        ))),
    }
}

/// `urllib.parse.quote(string, safe='/')`.
pub fn quote(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let (s, safe) = quote_args("quote", args, kwargs, "/")?;
    Ok(Value::str(quote_str(&s, &safe)))
}

/// `urllib.parse.quote_plus(string, safe='')`.
pub fn quote_plus(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let (s, safe) = quote_args("quote_plus", args, kwargs, "")?;
    if !s.contains(' ') {
        return Ok(Value::str(quote_str(&s, &safe)));
    }
    let safe = format!("{safe} ");
    Ok(Value::str(quote_str(&s, &safe).replace(' ', "+")))
}

fn qsl(args: &[Value], kwargs: Kwargs, fname: &'static str) -> PyResult<Vec<(String, String)>> {
    let a = Args::new(
        fname,
        args,
        kwargs,
        &[
            "qs",
            "keep_blank_values",
            "strict_parsing",
            "encoding",
            "errors",
            "max_num_fields",
            "separator",
        ],
        1,
    )?;
    let keep = a.flag(1)?;
    let strict = a.flag(2)?;
    if a.opt(3).is_some() || a.opt(4).is_some() || a.opt(5).is_some() {
        return Err(unsupported("parse_qs encoding/errors/max_num_fields"));
    }
    let sep = match a.get(6) {
        None => "&".to_string(),
        Some(Value::Str(s)) if !s.is_empty() => s.to_string(),
        Some(_) => {
            return Err(PyErr::value_error(
                "Separator must be of type string or bytes.",
            ))
        }
    };
    let qs = match a.req(0) {
        Value::Str(s) => s.to_string(),
        Value::None => String::new(),
        _ => return Err(unsupported("parse_qs of bytes")),
    };
    let mut out = Vec::new();
    if qs.is_empty() {
        return Ok(out);
    }
    for nv in qs.split(sep.as_str()) {
        if nv.is_empty() && !strict {
            continue;
        }
        let (name, value) = match nv.split_once('=') {
            Some((n, v)) => (n, v),
            None => {
                if strict {
                    return Err(PyErr::value_error(format!(
                        "bad query field: {}",
                        str_repr(nv)
                    )));
                }
                if keep {
                    (nv, "")
                } else {
                    continue;
                }
            }
        };
        if !value.is_empty() || keep {
            out.push((
                unquote_str(&name.replace('+', " ")),
                unquote_str(&value.replace('+', " ")),
            ));
        }
    }
    Ok(out)
}

/// `urllib.parse.parse_qsl(qs, keep_blank_values=False, strict_parsing=False, ...)`.
pub fn parse_qsl(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let pairs = qsl(args, kwargs, "parse_qsl")?;
    Ok(Value::list(
        pairs
            .into_iter()
            .map(|(k, v)| Value::tuple(vec![Value::str(k), Value::str(v)]))
            .collect(),
    ))
}

/// `urllib.parse.parse_qs(qs, keep_blank_values=False, strict_parsing=False, ...)`.
pub fn parse_qs(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let pairs = qsl(args, kwargs, "parse_qs")?;
    let mut d = Dict::default();
    for (k, v) in pairs {
        let key = Key::from_str(&k);
        match d.get(&key) {
            Some(Value::List(l)) => l.borrow_mut().push(Value::str(v)),
            _ => {
                d.insert(key, Value::list(vec![Value::str(v)]));
            }
        }
    }
    Ok(Value::dict(d))
}
