//! `str()` and `repr()` exactly as CPython 3.11 prints them.

use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::{Kwargs, Value};

/// `str(x)`.
pub fn str(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Object(o) => o.str(),
        _ => repr(v),
    }
}

/// `unsupported` when printing `v` would show a set whose CPython order is unknown
/// (see pyset.rs); `str`/`repr` themselves stay infallible.
pub fn check_order(v: &Value) -> PyResult<()> {
    match v {
        Value::Set(s) => {
            let s = s.borrow();
            s.check_order()?;
            let r = s.iter().try_for_each(|k| check_order(k.value()));
            r
        }
        Value::FrozenSet(s) => {
            s.check_order()?;
            s.iter().try_for_each(|k| check_order(k.value()))
        }
        Value::List(l) => l.borrow().iter().try_for_each(check_order),
        Value::Tuple(t) => t.iter().try_for_each(check_order),
        Value::Object(o) if o.as_tuple().is_some() => o
            .as_tuple()
            .unwrap_or_default()
            .iter()
            .try_for_each(check_order),
        Value::Dict(d) => {
            if let Some(f) = crate::stdlib::collections::default_factory(d) {
                if crate::stdlib::collections::factory_repr(&f).is_none() {
                    return Err(crate::ops::unsupported(
                        "the repr() of a defaultdict whose factory CPython prints with its address",
                    ));
                }
            }
            let r = d
                .borrow()
                .iter()
                .try_for_each(|(k, v)| check_order(k.value()).and_then(|_| check_order(v)));
            r
        }
        // CPython shows a function's or a plain object's address (`<function f at 0x…>`), or
        // interpreter paths and module names ferrule does not reproduce.
        Value::Func(f) if f.builtin => Ok(()),
        Value::Func(_) => Err(crate::ops::unsupported(
            "the str()/repr() of a function (CPython's shows its address)",
        )),
        Value::Object(o) if !o.repr_exact() => Err(crate::ops::unsupported(&format!(
            "the str()/repr() of a '{}' object (CPython's shows its address, a path or a \
             module name)",
            o.type_name()
        ))),
        _ => Ok(()),
    }
}

/// `repr(x)`, or `unsupported` when it would show a set in an unknown order; the exception
/// a user `__repr__` raised.
pub fn repr_checked(v: &Value) -> PyResult<String> {
    check_order(v)?;
    crate::class::capture(|| repr(v))
}

/// `str(x)`, or `unsupported` when it would show a set in an unknown order; the exception
/// a user `__str__`/`__repr__` raised.
pub fn str_checked(v: &Value) -> PyResult<String> {
    check_order(v)?;
    crate::class::capture(|| str(v))
}

/// `repr(x)`.
pub fn repr(v: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, v, 0);
    out
}

fn write_repr(out: &mut String, v: &Value, depth: usize) {
    // CPython prints `[...]` for a container that contains itself; detections never build
    // such cycles, so a depth bound is enough to stay total.
    if depth > 200 {
        out.push_str("...");
        return;
    }
    match v {
        Value::None => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&float_repr(*f)),
        Value::Str(s) => out.push_str(&str_repr(s)),
        Value::Bytes(b) => out.push_str(&bytes_repr(b)),
        Value::List(items) => {
            out.push('[');
            for (i, it) in items.borrow().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, it, depth + 1);
            }
            out.push(']');
        }
        Value::Tuple(items) => {
            out.push('(');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, it, depth + 1);
            }
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        Value::Dict(d) => {
            // `defaultdict(<class 'set'>, {...})`.
            let factory = crate::stdlib::collections::default_factory(d);
            if let Some(f) = &factory {
                out.push_str("defaultdict(");
                out.push_str(
                    &crate::stdlib::collections::factory_repr(f)
                        .unwrap_or_else(|| "<factory>".into()),
                );
                out.push_str(", ");
            }
            out.push('{');
            for (i, (k, val)) in d.borrow().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, k.value(), depth + 1);
                out.push_str(": ");
                write_repr(out, val, depth + 1);
            }
            out.push('}');
            if factory.is_some() {
                out.push(')');
            }
        }
        Value::Set(s) => {
            let s = s.borrow();
            if s.is_empty() {
                out.push_str("set()");
            } else {
                out.push('{');
                for (i, k) in s.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(out, k.value(), depth + 1);
                }
                out.push('}');
            }
        }
        Value::FrozenSet(s) => {
            if s.is_empty() {
                out.push_str("frozenset()");
            } else {
                out.push_str("frozenset({");
                for (i, k) in s.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(out, k.value(), depth + 1);
                }
                out.push_str("})");
            }
        }
        Value::Func(f) if f.builtin => {
            out.push_str("<built-in function ");
            out.push_str(&f.name);
            out.push('>');
        }
        Value::Func(f) => {
            out.push_str("<function ");
            out.push_str(&f.name);
            out.push('>');
        }
        Value::Object(o) => out.push_str(&o.repr()),
    }
}

/// `repr(float)`: the shortest string that round-trips, in CPython's layout
/// (`1e+16`, `1.5e-07`, `inf`, `nan`, `-0.0`).
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // `{:e}` gives the shortest round-trip digits as `d.ddddde<exp>`.
    // `{:e}` gives the shortest round-trip digits; when two strings of that length
    // round-trip equally close, CPython takes the correctly rounded one (ties to even), which
    // `{:.N$e}` (exact rounding) yields.
    let shortest = format!("{:e}", f);
    let ndigits = shortest
        .split('e')
        .next()
        .map_or(1, |m| m.chars().filter(|c| c.is_ascii_digit()).count());
    let exact = format!("{:.*e}", ndigits.saturating_sub(1), f);
    let sci = if exact.parse::<f64>() == Ok(f) {
        exact
    } else {
        shortest
    };
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    // CPython's repr uses scientific notation when exp < -4 or exp >= 16.
    if !(-4..16).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// `repr(str)`: single quotes unless the text has a single quote and no double quote.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{:02x}", n));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", n));
                } else {
                    out.push_str(&format!("\\U{:08x}", n));
                }
            }
        }
    }
    out.push(quote);
    out
}

/// `repr(bytes)`.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{:02x}", c)),
        }
    }
    out.push(quote as char);
    out
}

/// `str.isprintable()` for one character: CPython treats the Unicode categories Cc, Cf, Cs,
/// Co, Cn, Zl, Zp and Zs (except the ASCII space) as non-printable.
pub fn is_printable(c: char) -> bool {
    crate::unicode::is_printable(c)
}

/// A parsed format specification (`[[fill]align][sign][z][#][0][width][,|_][.precision][type]`).
#[derive(Debug, Default, Clone, Copy)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    z: bool,
    alt: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

fn spec_error(msg: &str) -> PyErr {
    PyErr::value_error(msg)
}

/// The widest field ferrule pads to; wider fields are reported as unsupported.
const MAX_WIDTH: usize = 1 << 24;

/// Parses a format spec as CPython's `parse_internal_render_format_spec` does, including the
/// checks it makes before knowing the value's type.
fn parse_spec(
    spec: &str,
    default_type: Option<char>,
    default_align: char,
    tn: &str,
) -> PyResult<Spec> {
    let c: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let mut sp = Spec::default();
    let is_align = |ch: char| matches!(ch, '<' | '>' | '=' | '^');
    if c.len() >= 2 && is_align(c[1]) {
        sp.fill = Some(c[0]);
        sp.align = Some(c[1]);
        i = 2;
    } else if !c.is_empty() && is_align(c[0]) {
        sp.align = Some(c[0]);
        i = 1;
    }
    if i < c.len() && matches!(c[i], '+' | '-' | ' ') {
        sp.sign = Some(c[i]);
        i += 1;
    }
    if i < c.len() && c[i] == 'z' {
        sp.z = true;
        i += 1;
    }
    if i < c.len() && c[i] == '#' {
        sp.alt = true;
        i += 1;
    }
    // The `0` flag only applies when no fill was given; it implies `=` for numbers.
    if sp.fill.is_none() && i < c.len() && c[i] == '0' {
        sp.zero = true;
        sp.fill = Some('0');
        if sp.align.is_none() && default_align == '>' {
            sp.align = Some('=');
        }
        i += 1;
    }
    let num = |i: &mut usize| -> PyResult<Option<usize>> {
        let start = *i;
        while *i < c.len() && c[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == start {
            return Ok(None);
        }
        let s: String = c[start..*i].iter().collect();
        match s.parse::<usize>() {
            Ok(n) if n <= MAX_WIDTH => Ok(Some(n)),
            Ok(n) if n <= i64::MAX as usize => {
                Err(crate::ops::unsupported("format widths this large"))
            }
            _ => Err(spec_error("Too many decimal digits in format string")),
        }
    };
    sp.width = num(&mut i)?.unwrap_or(0);
    if i < c.len() && c[i] == ',' {
        sp.grouping = Some(',');
        i += 1;
    }
    if i < c.len() && c[i] == '_' {
        if sp.grouping.is_some() {
            return Err(spec_error("Cannot specify both ',' and '_'."));
        }
        sp.grouping = Some('_');
        i += 1;
    }
    if i < c.len() && c[i] == ',' && sp.grouping == Some('_') {
        return Err(spec_error("Cannot specify both ',' and '_'."));
    }
    if i < c.len() && c[i] == '.' {
        i += 1;
        match num(&mut i)? {
            Some(p) => sp.precision = Some(p),
            None => return Err(spec_error("Format specifier missing precision")),
        }
    }
    if c.len() - i > 1 {
        return Err(spec_error(&format!(
            "Invalid format specifier '{spec}' for object of type '{tn}'"
        )));
    }
    sp.ty = if i < c.len() {
        Some(c[i])
    } else {
        default_type
    };
    if let Some(g) = sp.grouping {
        let ok = match sp.ty {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => true,
            Some('b' | 'o' | 'x' | 'X') => g == '_',
            _ => false,
        };
        if !ok {
            let t = sp.ty.unwrap_or('\0');
            return Err(spec_error(&if (' '..='\u{7f}').contains(&t) && t != ' ' {
                format!("Cannot specify '{g}' with '{t}'.")
            } else {
                format!("Cannot specify '{g}' with '\\x{:x}'.", t as u32)
            }));
        }
    }
    Ok(sp)
}

fn align_text(body: &str, sign_prefix: &str, sp: &Spec, default_align: char) -> String {
    let len = body.chars().count() + sign_prefix.chars().count();
    let fill = sp.fill.unwrap_or(' ');
    if len >= sp.width {
        return format!("{sign_prefix}{body}");
    }
    let pad = sp.width - len;
    let rep = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
    match sp.align.unwrap_or(default_align) {
        '<' => format!("{sign_prefix}{body}{}", rep(pad)),
        '>' => format!("{}{sign_prefix}{body}", rep(pad)),
        '^' => format!("{}{sign_prefix}{body}{}", rep(pad / 2), rep(pad - pad / 2)),
        _ => format!("{sign_prefix}{}{body}", rep(pad)),
    }
}

fn group_digits(digits: &str, sep: char, every: usize, min_width: usize) -> String {
    let d: Vec<char> = digits.chars().collect();
    let mut out: Vec<char> = Vec::new();
    let mut count = 0;
    let mut idx = d.len();
    loop {
        let have_digit = idx > 0;
        if !have_digit && out.len() >= min_width {
            break;
        }
        if count == every {
            out.push(sep);
            count = 0;
            if !have_digit && out.len() >= min_width {
                out.push('0');
                break;
            }
        }
        if have_digit {
            idx -= 1;
            out.push(d[idx]);
        } else {
            out.push('0');
        }
        count += 1;
    }
    out.reverse();
    out.into_iter().collect()
}

/// Lays out a number: sign, prefix, digits (grouped), and the rest (fraction, exponent).
fn finish_number(
    negative: bool,
    prefix: &str,
    int_digits: &str,
    rest: &str,
    sp: &Spec,
    every: usize,
) -> String {
    let sign = if negative {
        "-"
    } else {
        match sp.sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    };
    let lead = format!("{sign}{prefix}");
    let zero_fill = sp.align == Some('=') && sp.fill == Some('0');
    let body = match sp.grouping {
        Some(g) => {
            let min = if zero_fill {
                sp.width
                    .saturating_sub(lead.chars().count() + rest.chars().count())
            } else {
                0
            };
            format!("{}{rest}", group_digits(int_digits, g, every, min))
        }
        None => format!("{int_digits}{rest}"),
    };
    align_text(&body, &lead, sp, '>')
}

fn format_int(i: i64, sp: &Spec) -> PyResult<String> {
    let ty = sp.ty.unwrap_or('d');
    if sp.precision.is_some() {
        return Err(spec_error(
            "Precision not allowed in integer format specifier",
        ));
    }
    if sp.z {
        return Err(spec_error(
            "Negative zero coercion (z) not allowed in integer format specifier",
        ));
    }
    if ty == 'c' {
        if sp.sign.is_some() {
            return Err(spec_error(
                "Sign not allowed with integer format specifier 'c'",
            ));
        }
        if sp.alt {
            return Err(spec_error(
                "Alternate form (#) not allowed with integer format specifier 'c'",
            ));
        }
        if sp.grouping.is_some() {
            return Err(spec_error("Cannot specify ',' with 'c'."));
        }
        let ch = u32::try_from(i)
            .ok()
            .filter(|n| *n < 0x110000)
            .ok_or_else(|| PyErr::new(ExcKind::OverflowError, "%c arg not in range(0x110000)"))?;
        let ch =
            char::from_u32(ch).ok_or_else(|| crate::ops::unsupported("surrogate characters"))?;
        return Ok(align_text(&ch.to_string(), "", sp, '>'));
    }
    let mag = i.unsigned_abs();
    let (digits, prefix, every) = match ty {
        'd' | 'n' => (mag.to_string(), "", 3),
        'x' => (format!("{mag:x}"), "0x", 4),
        'X' => (format!("{mag:X}"), "0X", 4),
        'o' => (format!("{mag:o}"), "0o", 4),
        'b' => (format!("{mag:b}"), "0b", 4),
        _ => unreachable_type(ty, "int")?,
    };
    if let Some(g) = sp.grouping {
        if ty == 'n' || (g == ',' && ty != 'd') {
            return Err(spec_error(&format!("Cannot specify '{g}' with '{ty}'.")));
        }
    }
    let prefix = if sp.alt { prefix } else { "" };
    Ok(finish_number(i < 0, prefix, &digits, "", sp, every))
}

fn unreachable_type<T>(ty: char, tn: &str) -> PyResult<T> {
    Err(spec_error(&format!(
        "Unknown format code '{ty}' for object of type '{tn}'"
    )))
}

/// Scientific notation in CPython's layout (`1.5e+07`) with `prec` digits after the point.
fn sci(f: f64, prec: usize, upper: bool) -> String {
    let s = format!("{:.*e}", prec, f);
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let out = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    if upper {
        out.to_uppercase()
    } else {
        out
    }
}

/// The decimal exponent of `f` once rounded to `p` significant digits.
fn exponent_after_rounding(f: f64, p: usize) -> i32 {
    let s = format!("{:.*e}", p.saturating_sub(1), f);
    s.split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0)
}

fn strip_trailing_zeros(s: &str) -> String {
    match s.find(['e', 'E']) {
        Some(i) => {
            let (m, e) = s.split_at(i);
            if m.contains('.') {
                format!("{}{}", m.trim_end_matches('0').trim_end_matches('.'), e)
            } else {
                s.to_string()
            }
        }
        None => {
            if s.contains('.') {
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                s.to_string()
            }
        }
    }
}

/// `%g`-style formatting of a finite non-negative `f` with precision `p`.
fn general(f: f64, p: usize, alt: bool, upper: bool, add_dot_0: bool) -> String {
    let p = p.max(1);
    let exp = if f == 0.0 {
        0
    } else {
        exponent_after_rounding(f, p)
    };
    // With ADD_DOT_0 (no presentation type), CPython switches to exponent notation one
    // digit earlier, keeping room for the `.0`.
    let limit = if add_dot_0 { p as i32 - 1 } else { p as i32 };
    let mut s = if -4 <= exp && exp < limit {
        format!("{:.*}", (p as i32 - 1 - exp) as usize, f)
    } else {
        sci(f, p - 1, upper)
    };
    if !alt {
        s = strip_trailing_zeros(&s);
    } else if !s.contains('.') {
        // The alternate form always shows the decimal point (`4.e+00`, `4.`).
        s = match s.find(['e', 'E']) {
            Some(i) => format!("{}.{}", &s[..i], &s[i..]),
            None => format!("{s}."),
        };
    }
    if add_dot_0 && !s.contains('.') && !s.contains('e') && !s.contains('E') {
        s.push_str(".0");
    }
    s
}

fn format_float(f: f64, sp: &Spec, tn: &str) -> PyResult<String> {
    let ty = sp.ty;
    if let Some(t) = ty {
        if !matches!(t, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') {
            return unreachable_type(t, tn);
        }
    }
    if ty == Some('n') && sp.grouping.is_some() {
        return Err(spec_error(&format!(
            "Cannot specify '{}' with 'n'.",
            sp.grouping.unwrap_or(',')
        )));
    }
    let upper = matches!(ty, Some('E' | 'F' | 'G'));
    let mut negative = f.is_sign_negative() && !f.is_nan();
    let a = f.abs();
    let mut body = if a.is_nan() {
        if upper { "NAN" } else { "nan" }.to_string()
    } else if a.is_infinite() {
        if upper { "INF" } else { "inf" }.to_string()
    } else {
        match ty {
            Some('f' | 'F') => {
                let s = format!("{:.*}", sp.precision.unwrap_or(6), a);
                if sp.alt && !s.contains('.') {
                    format!("{s}.")
                } else {
                    s
                }
            }
            Some('%') if !(a * 100.0).is_finite() => {
                // Scaling can overflow to inf; CPython prints it (and nan) without a point.
                let x = a * 100.0;
                let t = if x.is_nan() { "nan" } else { "inf" };
                format!(
                    "{}%",
                    if upper {
                        t.to_uppercase()
                    } else {
                        t.to_string()
                    }
                )
            }
            Some('%') => {
                let s = format!("{:.*}", sp.precision.unwrap_or(6), a * 100.0);
                if sp.alt && !s.contains('.') {
                    format!("{s}.%")
                } else {
                    format!("{s}%")
                }
            }
            Some('e' | 'E') => {
                let s = sci(a, sp.precision.unwrap_or(6), upper);
                if sp.alt && !s.contains('.') {
                    s.replacen(
                        if upper { 'E' } else { 'e' },
                        if upper { ".E" } else { ".e" },
                        1,
                    )
                } else {
                    s
                }
            }
            Some('g' | 'G' | 'n') => general(a, sp.precision.unwrap_or(6), sp.alt, upper, false),
            _ => match sp.precision {
                None => {
                    let r = float_repr(a);
                    // The alternate form always shows a decimal point (`1.e+100`).
                    if sp.alt && !r.contains('.') {
                        r.replacen('e', ".e", 1)
                    } else {
                        r
                    }
                }
                Some(p) => general(a, p, sp.alt, false, true),
            },
        }
    };
    if (a.is_infinite() || a.is_nan()) && ty == Some('%') {
        body.push('%');
    }
    if sp.z && negative && body.chars().all(|c| !c.is_ascii_digit() || c == '0') {
        negative = false;
    }
    let split = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let (int_part, rest) = body.split_at(split);
    if int_part.is_empty() {
        return Ok(finish_number(
            negative,
            "",
            "",
            rest,
            &Spec {
                grouping: None,
                ..Spec { ..*sp }
            },
            3,
        ));
    }
    Ok(finish_number(negative, "", int_part, rest, sp, 3))
}

/// `format(v, spec)`: Python's format-spec mini-language for the core types, and the
/// object's `__format__` hook for objects.
pub fn format(v: &Value, spec: &str) -> PyResult<String> {
    if !matches!(v, Value::Str(_)) {
        crate::recursion::native()?;
    }
    if let Value::Object(o) = v {
        if let Some(r) = o.format(spec) {
            return r;
        }
    }
    if spec.is_empty() {
        return str_checked(v);
    }
    match v {
        Value::Str(s) => {
            let sp = parse_spec(spec, Some('s'), '<', "str")?;
            if let Some(t) = sp.ty {
                if t != 's' {
                    return unreachable_type(t, "str");
                }
            }
            match sp.sign {
                Some(' ') => {
                    return Err(spec_error("Space not allowed in string format specifier"))
                }
                Some(_) => return Err(spec_error("Sign not allowed in string format specifier")),
                None => {}
            }
            if sp.z {
                return Err(spec_error(
                    "Negative zero coercion (z) not allowed in format specifier",
                ));
            }
            if sp.alt {
                return Err(spec_error(
                    "Alternate form (#) not allowed in string format specifier",
                ));
            }
            if sp.align == Some('=') {
                return Err(spec_error(
                    "'=' alignment not allowed in string format specifier",
                ));
            }
            Ok(align_text(&truncate(s, sp.precision), "", &sp, '<'))
        }
        Value::Int(_) | Value::Bool(_) => {
            let i = crate::ops::as_index(v).unwrap_or(0);
            let sp = parse_spec(spec, Some('d'), '>', v.type_name())?;
            match sp.ty {
                // CPython converts the int to float (correctly rounded, as `as f64` does).
                Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => {
                    format_float(i as f64, &sp, v.type_name())
                }
                Some(t) if !matches!(t, 'd' | 'n' | 'x' | 'X' | 'o' | 'b' | 'c') => {
                    unreachable_type(t, v.type_name())
                }
                _ => format_int(i, &sp),
            }
        }
        Value::Float(f) => {
            let sp = parse_spec(spec, None, '>', "float")?;
            format_float(*f, &sp, "float")
        }
        Value::Object(_) => Err(PyErr::type_error(format!(
            "unsupported format string passed to {}.__format__",
            v.type_name()
        ))),
        _ => Err(PyErr::type_error(format!(
            "unsupported format string passed to {}.__format__",
            v.type_name()
        ))),
    }
}

fn truncate(s: &str, precision: Option<usize>) -> String {
    match precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    }
}

/// `ascii(x)`: the `repr` with non-ASCII characters escaped.
pub fn ascii(v: &Value) -> String {
    let r = repr(v);
    let mut out = String::with_capacity(r.len());
    for c in r.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&std::format!("\\x{n:02x}"));
        } else if n < 0x10000 {
            out.push_str(&std::format!("\\u{n:04x}"));
        } else {
            out.push_str(&std::format!("\\U{n:08x}"));
        }
    }
    out
}

/// `template.format(*args, **kwargs)`.
pub fn str_format(template: &str, args: &[Value], kwargs: Kwargs) -> PyResult<String> {
    let mut auto = 0usize;
    let mut mode = 0u8; // 0 = undecided, 1 = automatic, 2 = manual.
    format_rec(template, args, kwargs, &mut auto, &mut mode, 2)
}

fn format_rec(
    template: &str,
    args: &[Value],
    kwargs: Kwargs,
    auto: &mut usize,
    mode: &mut u8,
    depth: u8,
) -> PyResult<String> {
    if depth == 0 {
        return Err(spec_error("Max string recursion exceeded"));
    }
    let c: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '}' {
            if i + 1 < c.len() && c[i + 1] == '}' {
                out.push('}');
                i += 2;
                continue;
            }
            return Err(spec_error("Single '}' encountered in format string"));
        }
        if ch != '{' {
            out.push(ch);
            i += 1;
            continue;
        }
        if i + 1 < c.len() && c[i + 1] == '{' {
            out.push('{');
            i += 2;
            continue;
        }
        // Find the matching '}' (nested braces are allowed in the spec).
        let mut j = i + 1;
        let mut nest = 1;
        while j < c.len() {
            if c[j] == '{' {
                nest += 1;
            } else if c[j] == '}' {
                nest -= 1;
                if nest == 0 {
                    break;
                }
            }
            j += 1;
        }
        if j >= c.len() {
            return Err(spec_error(if nest > 1 || i + 1 < c.len() {
                "expected '}' before end of string"
            } else {
                "Single '{' encountered in format string"
            }));
        }
        let field: String = c[i + 1..j].iter().collect();
        i = j + 1;
        // Split into name, conversion and spec.
        let mut name_end = field.len();
        let mut bracket = false;
        for (k, fc) in field.char_indices() {
            match fc {
                '[' => bracket = true,
                ']' => bracket = false,
                '!' | ':' if !bracket => {
                    name_end = k;
                    break;
                }
                _ => {}
            }
        }
        let name = &field[..name_end];
        let mut rest = &field[name_end..];
        let mut conv = None;
        if let Some(r) = rest.strip_prefix('!') {
            let mut it = r.chars();
            let cc = it.next();
            let after = it.as_str();
            if !(after.is_empty() || after.starts_with(':')) {
                return Err(spec_error("expected ':' after conversion specifier"));
            }
            match cc {
                Some(x) => conv = Some(x),
                None => {
                    return Err(spec_error(
                        "end of string while looking for conversion specifier",
                    ))
                }
            }
            rest = after;
        }
        let spec_t = rest.strip_prefix(':').unwrap_or("");
        // Resolve the field name.
        let first_end = name.find(['.', '[']).unwrap_or(name.len());
        let first = &name[..first_end];
        let mut val = if first.is_empty() {
            if *mode == 2 {
                return Err(spec_error(
                    "cannot switch from manual field specification to automatic field numbering",
                ));
            }
            *mode = 1;
            let k = *auto;
            *auto += 1;
            args.get(k).cloned().ok_or_else(|| {
                PyErr::index_error(std::format!(
                    "Replacement index {k} out of range for positional args tuple"
                ))
            })?
        } else if first.chars().all(|d| d.is_ascii_digit()) {
            if *mode == 1 {
                return Err(spec_error(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            *mode = 2;
            let k: usize = first
                .parse()
                .map_err(|_| spec_error("Too many decimal digits in format string"))?;
            args.get(k).cloned().ok_or_else(|| {
                PyErr::index_error(std::format!(
                    "Replacement index {k} out of range for positional args tuple"
                ))
            })?
        } else {
            kwargs
                .iter()
                .find(|(k, _)| *k == first)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| PyErr::key_error(Value::str(first)))?
        };
        let mut path = &name[first_end..];
        while !path.is_empty() {
            if let Some(p) = path.strip_prefix('.') {
                let end = p.find(['.', '[']).unwrap_or(p.len());
                let attr = &p[..end];
                if attr.is_empty() {
                    return Err(spec_error("Empty attribute in format string"));
                }
                val = crate::ops::getattr(&val, attr)?;
                path = &p[end..];
            } else if let Some(p) = path.strip_prefix('[') {
                let end = p
                    .find(']')
                    .ok_or_else(|| spec_error("Missing ']' in format string"))?;
                let key = &p[..end];
                if key.is_empty() {
                    return Err(spec_error("Empty attribute in format string"));
                }
                let k = if key.chars().all(|d| d.is_ascii_digit()) {
                    Value::Int(
                        key.parse()
                            .map_err(|_| crate::ops::unsupported("huge index"))?,
                    )
                } else {
                    Value::str(key)
                };
                val = crate::ops::getitem(&val, &k)?;
                path = &p[end + 1..];
                if !(path.is_empty() || path.starts_with('.') || path.starts_with('[')) {
                    return Err(spec_error(
                        "Only '.' or '[' may follow ']' in format field specifier",
                    ));
                }
            } else {
                return Err(spec_error(
                    "Only '.' or '[' may follow ']' in format field specifier",
                ));
            }
        }
        let val = match conv {
            None => val,
            Some('r') => Value::from(repr(&val)),
            Some('s') => Value::from(str(&val)),
            Some('a') => Value::from(ascii(&val)),
            Some(x) => {
                return Err(spec_error(&std::format!(
                    "Unknown conversion specifier {x}"
                )))
            }
        };
        let spec_final = if spec_t.contains('{') {
            format_rec(spec_t, args, kwargs, auto, mode, depth - 1)?
        } else {
            spec_t.to_string()
        };
        out.push_str(&format(&val, &spec_final)?);
    }
    Ok(out)
}
