//! `fnmatch`: CPython 3.11's `translate` ported verbatim; the resulting Python regex runs
//! through this crate's `re`. `normcase` is the identity on POSIX.

use crate::err::{PyErr, PyResult};
use crate::stdlib::Args;
use crate::value::{Kwargs, Value};

/// Module attributes of `fnmatch`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "fnmatch" => Value::func("fnmatch", fnmatch),
        "fnmatchcase" => Value::func("fnmatchcase", fnmatchcase),
        "translate" => Value::func("translate", translate_fn),
        "filter" => Value::func("filter", filter),
        _ => return None,
    })
}

fn escape_char(c: char, out: &mut String) {
    if "()[]{}?*+-|^$\\.&~# \t\n\r\u{b}\u{c}".contains(c) {
        out.push('\\');
    }
    out.push(c);
}

enum Tok {
    Star,
    Text(String),
}

/// `fnmatch.translate(pat)`.
pub fn translate(pat: &str) -> String {
    let p: Vec<char> = pat.chars().collect();
    let n = p.len();
    let mut res: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < n {
        let c = p[i];
        i += 1;
        match c {
            '*' => {
                if !matches!(res.last(), Some(Tok::Star)) {
                    res.push(Tok::Star);
                }
            }
            '?' => res.push(Tok::Text(".".into())),
            '[' => {
                let mut j = i;
                if j < n && p[j] == '!' {
                    j += 1;
                }
                if j < n && p[j] == ']' {
                    j += 1;
                }
                while j < n && p[j] != ']' {
                    j += 1;
                }
                if j >= n {
                    res.push(Tok::Text("\\[".into()));
                    continue;
                }
                let sub = |a: usize, b: usize| -> String { p[a..b].iter().collect() };
                let mut stuff: String;
                if !p[i..j].contains(&'-') {
                    stuff = sub(i, j).replace('\\', "\\\\");
                } else {
                    let mut chunks: Vec<String> = Vec::new();
                    let mut k = if p[i] == '!' { i + 2 } else { i + 1 };
                    loop {
                        match (k..j).find(|&x| p[x] == '-') {
                            None => break,
                            Some(found) => {
                                chunks.push(sub(i, found));
                                i = found + 1;
                                k = found + 3;
                            }
                        }
                    }
                    let chunk = sub(i, j);
                    if !chunk.is_empty() {
                        chunks.push(chunk);
                    } else if let Some(last) = chunks.last_mut() {
                        last.push('-');
                    }
                    let mut k = chunks.len().saturating_sub(1);
                    while k > 0 {
                        let prev_last = chunks[k - 1].chars().last();
                        let cur_first = chunks[k].chars().next();
                        if let (Some(a), Some(b)) = (prev_last, cur_first) {
                            if a > b {
                                let mut merged: String = {
                                    let mut s: Vec<char> = chunks[k - 1].chars().collect();
                                    s.pop();
                                    s.into_iter().collect()
                                };
                                merged.extend(chunks[k].chars().skip(1));
                                chunks[k - 1] = merged;
                                chunks.remove(k);
                            }
                        }
                        k -= 1;
                    }
                    stuff = chunks
                        .iter()
                        .map(|s| s.replace('\\', "\\\\").replace('-', "\\-"))
                        .collect::<Vec<_>>()
                        .join("-");
                }
                let mut escaped = String::new();
                for ch in stuff.chars() {
                    if "&~|".contains(ch) {
                        escaped.push('\\');
                    }
                    escaped.push(ch);
                }
                stuff = escaped;
                i = j + 1;
                if stuff.is_empty() {
                    res.push(Tok::Text("(?!)".into()));
                } else if stuff == "!" {
                    res.push(Tok::Text(".".into()));
                } else {
                    if let Some(rest) = stuff.strip_prefix('!') {
                        stuff = format!("^{rest}");
                    } else if stuff.starts_with('^') || stuff.starts_with('[') {
                        stuff = format!("\\{stuff}");
                    }
                    res.push(Tok::Text(format!("[{stuff}]")));
                }
            }
            c => {
                let mut s = String::new();
                escape_char(c, &mut s);
                res.push(Tok::Text(s));
            }
        }
    }
    let mut out = String::new();
    let mut idx = 0;
    while idx < res.len() {
        if let Tok::Text(t) = &res[idx] {
            out.push_str(t);
            idx += 1;
        } else {
            break;
        }
    }
    while idx < res.len() {
        idx += 1;
        if idx == res.len() {
            out.push_str(".*");
            break;
        }
        let mut fixed = String::new();
        while idx < res.len() {
            match &res[idx] {
                Tok::Text(t) => fixed.push_str(t),
                Tok::Star => break,
            }
            idx += 1;
        }
        if idx == res.len() {
            out.push_str(".*");
            out.push_str(&fixed);
        } else {
            out.push_str(&format!("(?>.*?{fixed})"));
        }
    }
    format!("(?s:{out})\\Z")
}

fn path_arg(v: &Value) -> PyResult<std::rc::Rc<str>> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        Value::Bytes(_) => Err(crate::ops::unsupported("fnmatch on bytes")),
        other => Err(PyErr::type_error(format!(
            "expected str, bytes or os.PathLike object, not {}",
            other.type_name()
        ))),
    }
}

/// `fnmatch.filter(names, pat)`: the names that match, in iteration order (`normcase` is
/// the identity on POSIX, so each name goes straight to the compiled pattern's `match`).
pub fn filter(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = crate::event::bind_args("filter", &["names", "pat"], 2, false, args, kwargs)?;
    let (names, pat) = (
        a[0].clone().unwrap_or_default(),
        a[1].clone().unwrap_or_default(),
    );
    let pat = path_arg(&pat)?;
    let compiled = crate::stdlib::re::compile(&[Value::str(translate(&pat))], &[])?;
    let mut out = Vec::new();
    for name in crate::ops::iter(&names)? {
        let m = crate::ops::call_method(&compiled, "match", std::slice::from_ref(&name), &[])?;
        if !m.is_none() {
            out.push(name);
        }
    }
    Ok(Value::list(out))
}

/// `fnmatch.fnmatchcase(name, pat)`.
pub fn fnmatchcase(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("fnmatchcase", args, kwargs, &["name", "pat"], 2)?;
    let (name, pat) = (a.req(0), a.req(1));
    let pat = match pat {
        Value::Str(s) => s,
        other => {
            return Err(PyErr::type_error(format!(
                "expected str, bytes or os.PathLike object, not {}",
                other.type_name()
            )))
        }
    };
    if let (Value::Str(n), false) = (&name, pat.contains('[')) {
        return Ok(Value::Bool(glob_match(&pat, n)));
    }
    let re = translated(&pat);
    Ok(Value::Bool(crate::stdlib::re::matches_at_start(
        &re, &name,
    )?))
}

/// What `translate(pat)`'s regex answers for a pattern without `[` on a str: every other
/// character is a literal (`translate` escapes it), `*` any run of characters (newlines
/// included: the regex has `(?s:`), `?` one character, the whole name matched. Computed
/// directly (wildcard matching, backtracking to the last `*`) instead of by the regex engine,
/// which needs its slow backtracking VM for `translate`'s atomic groups.
fn glob_match(pat: &str, name: &str) -> bool {
    // Bytes of UTF-8: a literal can only match at a character boundary, `?` and a `*` retry
    // step over whole characters.
    let char_len = |b: u8| match b {
        0..=0x7f => 1,
        0x80..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    let (p, s) = (pat.as_bytes(), name.as_bytes());
    let (mut pi, mut si) = (0, 0);
    // The pattern position after the last `*` and the name position it is retried from.
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    pi += 1;
                    star = Some((pi, si));
                    continue;
                }
                b'?' => {
                    pi += 1;
                    si += char_len(s[si]);
                    continue;
                }
                c if c == s[si] => {
                    pi += 1;
                    si += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, ss)) => {
                let ss = ss + char_len(s[ss]);
                star = Some((sp, ss));
                pi = sp;
                si = ss;
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

thread_local! {
    /// `translate` of the patterns seen so far, as CPython's `fnmatch._compile_pattern`
    /// caches them (an `lru_cache` of 32,768 entries); `re` caches the compiled regex.
    static TRANSLATED: std::cell::RefCell<std::collections::HashMap<std::rc::Rc<str>, std::rc::Rc<str>>> =
        Default::default();
}

fn translated(pat: &std::rc::Rc<str>) -> std::rc::Rc<str> {
    if let Some(re) = TRANSLATED.with(|c| c.borrow().get(pat).cloned()) {
        return re;
    }
    let re: std::rc::Rc<str> = translate(pat).into();
    TRANSLATED.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 32_768 {
            c.clear();
        }
        c.insert(pat.clone(), re.clone());
    });
    re
}

/// `fnmatch.fnmatch(name, pat)`.
pub fn fnmatch(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("fnmatch", args, kwargs, &["name", "pat"], 2)?;
    let name = path_arg(&a.req(0))?;
    let pat = path_arg(&a.req(1))?;
    fnmatchcase(&[Value::Str(name), Value::Str(pat)], &[])
}

fn translate_fn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("translate", args, kwargs, &["pat"], 1)?;
    Ok(Value::str(translate(&path_arg(&a.req(0))?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct matcher against `translate`'s regex (the exact path) on every pattern and
    /// name built from a small alphabet with wildcards, multi-byte characters and newlines.
    #[test]
    fn glob_match_is_translate_regex() {
        let pat_alpha = ["a", "b", "*", "?", "é", "\\", ".", "\n"];
        let name_alpha = ["a", "b", "é", "\n", ".", "\\", "ab"];
        let mut pats = vec![String::new()];
        for _ in 0..3 {
            let next: Vec<String> = pats
                .iter()
                .flat_map(|p| pat_alpha.iter().map(move |c| format!("{p}{c}")))
                .collect();
            pats.extend(next);
        }
        pats.sort();
        pats.dedup();
        let mut names = vec![String::new()];
        for _ in 0..3 {
            let next: Vec<String> = names
                .iter()
                .flat_map(|n| name_alpha.iter().map(move |c| format!("{n}{c}")))
                .collect();
            names.extend(next);
        }
        names.sort();
        names.dedup();
        let mut checked = 0;
        for p in &pats {
            let re = translate(p);
            for n in &names {
                let exact =
                    crate::stdlib::re::matches_at_start(&re, &Value::str(n.as_str())).unwrap();
                assert_eq!(glob_match(p, n), exact, "pattern {p:?}, name {n:?}");
                checked += 1;
            }
        }
        assert!(checked > 100_000, "{checked}");
    }
}
