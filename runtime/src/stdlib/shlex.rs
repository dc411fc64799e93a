//! `shlex.split`: a port of CPython 3.11's `shlex` tokenizer in POSIX mode with
//! `whitespace_split=True`.

use crate::err::{PyErr, PyResult};
use crate::stdlib::Args;
use crate::value::{Kwargs, Value};

/// Module attributes of `shlex`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "split" => Value::func("split", split),
        "quote" => Value::func("quote", quote),
        _ => return None,
    })
}

const WORDCHARS: &str = "abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_\
ßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ";

/// Splits `s` as `shlex.split(s, comments)` does.
pub fn split_str(s: &str, comments: bool) -> PyResult<Vec<String>> {
    let commenters = if comments { "#" } else { "" };
    let whitespace = " \t\r\n";
    let quotes = "'\"";
    let mut chars = s.chars();
    let mut out = Vec::new();
    let mut state = Some(' ');
    loop {
        // One call of `read_token`.
        let mut token = String::new();
        let mut quoted = false;
        let mut escapedstate = ' ';
        loop {
            let next = chars.next();
            let Some(st) = state else {
                token.clear();
                break;
            };
            match st {
                ' ' => match next {
                    None => {
                        state = None;
                        break;
                    }
                    Some(c) if whitespace.contains(c) => {
                        if !token.is_empty() || quoted {
                            break;
                        }
                    }
                    Some(c) if commenters.contains(c) => {
                        for d in chars.by_ref() {
                            if d == '\n' {
                                break;
                            }
                        }
                    }
                    Some('\\') => {
                        escapedstate = 'a';
                        state = Some('\\');
                    }
                    Some(c) if WORDCHARS.contains(c) => {
                        token.push(c);
                        state = Some('a');
                    }
                    Some(c) if quotes.contains(c) => state = Some(c),
                    Some(c) => {
                        token.push(c);
                        state = Some('a');
                    }
                },
                '\'' | '"' => {
                    quoted = true;
                    match next {
                        None => return Err(PyErr::value_error("No closing quotation")),
                        Some(c) if c == st => state = Some('a'),
                        Some('\\') if st == '"' => {
                            escapedstate = st;
                            state = Some('\\');
                        }
                        Some(c) => token.push(c),
                    }
                }
                '\\' => {
                    let Some(c) = next else {
                        return Err(PyErr::value_error("No escaped character"));
                    };
                    if quotes.contains(escapedstate) && c != st && c != escapedstate {
                        token.push(st);
                    }
                    token.push(c);
                    state = Some(escapedstate);
                }
                _ => match next {
                    None => {
                        state = None;
                        break;
                    }
                    Some(c) if whitespace.contains(c) => {
                        state = Some(' ');
                        if !token.is_empty() || quoted {
                            break;
                        }
                    }
                    Some(c) if commenters.contains(c) => {
                        for d in chars.by_ref() {
                            if d == '\n' {
                                break;
                            }
                        }
                        state = Some(' ');
                        if !token.is_empty() || quoted {
                            break;
                        }
                    }
                    Some(c) if quotes.contains(c) => state = Some(c),
                    Some('\\') => {
                        escapedstate = 'a';
                        state = Some('\\');
                    }
                    Some(c) => token.push(c),
                },
            }
        }
        if !quoted && token.is_empty() {
            // `None` is the end-of-file token in POSIX mode.
            break;
        }
        out.push(token);
    }
    Ok(out)
}

/// `shlex.split(s, comments=False, posix=True)`.
pub fn split(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("split", args, kwargs, &["s", "comments", "posix"], 1)?;
    if let Some(p) = a.get(2) {
        if !crate::ops::truthy(p)? {
            return Err(crate::ops::unsupported("shlex.split(posix=False)"));
        }
    }
    let s = match a.req(0) {
        Value::Str(s) => s,
        Value::None => return Err(crate::ops::unsupported("shlex.split(None) (reads stdin)")),
        other => {
            return Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute 'read'",
                other.type_name()
            )))
        }
    };
    let parts = split_str(&s, a.flag(1)?)?;
    Ok(Value::list(parts.into_iter().map(Value::str).collect()))
}

/// `shlex.quote(s)`.
pub fn quote(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("quote", args, kwargs, &["s"], 1)?;
    let Value::Str(s) = a.req(0) else {
        return Err(crate::ops::unsupported("shlex.quote of a non-str"));
    };
    if s.is_empty() {
        return Ok(Value::str("''"));
    }
    let safe = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c));
    if safe {
        return Ok(Value::Str(s));
    }
    Ok(Value::str(format!("'{}'", s.replace('\'', "'\"'\"'"))))
}
