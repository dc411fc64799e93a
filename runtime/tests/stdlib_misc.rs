//! fnmatch, math, base64, binascii, urllib.parse, shlex and difflib against outcomes
//! recorded from CPython 3.11
//! (regenerate with `python3 tests/stdlib_gen/misc_cases.py > tests/stdlib_gen/misc_cases.rs`).

use ferrule_runtime::fmt::repr;
use ferrule_runtime::ops::{call_method, getattr};
use ferrule_runtime::stdlib::{
    base64, binascii, difflib, fnmatch, math, shlex, urllib_parse as up,
};
use ferrule_runtime::{PyResult, Value};

include!("stdlib_gen/misc_cases.rs");

fn num(x: &str) -> Value {
    if x.trim_start_matches('-')
        .chars()
        .all(|c| c.is_ascii_digit())
    {
        Value::Int(x.parse().unwrap())
    } else {
        Value::Float(x.parse().unwrap())
    }
}

fn run(op: &str, a: &str, b: &str) -> PyResult<Value> {
    let s = || Value::str(a);
    let yes = Value::Bool(true);
    match op {
        "fnmatch" => fnmatch::fnmatch(&[s(), Value::str(b)], &[]),
        "math" => {
            let args: Vec<Value> = b.split(' ').map(num).collect();
            let f = math::attr(a).unwrap();
            ferrule_runtime::ops::call(&f, &args, &[])
        }
        "b64decode" => base64::b64decode(&[s()], &[]),
        "b64decode_validate" => base64::b64decode(&[s()], &[("validate", yes)]),
        "urlsafe_b64decode" => base64::urlsafe_b64decode(&[s()], &[]),
        "b64encode" => base64::b64encode(&[Value::Bytes(a.as_bytes().into())], &[]),
        "b32decode" => base64::b32decode(&[s()], &[]),
        "unhexlify" => binascii::unhexlify(&[s()], &[]),
        "urlparse" => {
            let r = up::urlparse(&[s()], &[])?;
            let mut parts = vec![r.clone()];
            for attr in ["hostname", "port", "username", "password"] {
                parts.push(getattr(&r, attr)?);
            }
            Ok(Value::tuple(parts))
        }
        "urlsplit" => up::urlsplit(&[s()], &[]),
        "parse_qs" => up::parse_qs(&[s()], &[]),
        "parse_qs_blank" => up::parse_qs(&[s()], &[("keep_blank_values", yes)]),
        "parse_qsl" => up::parse_qsl(&[s()], &[]),
        "unquote" => up::unquote(&[s()], &[]),
        "unquote_plus" => up::unquote_plus(&[s()], &[]),
        "quote" => up::quote(&[s()], &[]),
        "quote_plus" => up::quote_plus(&[s()], &[]),
        "shlex" => shlex::split(&[s()], &[]),
        "shlex_comments" => shlex::split(&[s()], &[("comments", yes)]),
        "ratio" | "quick_ratio" => {
            let m = difflib::sequence_matcher(&[Value::None, s(), Value::str(b)], &[])?;
            call_method(&m, op, &[], &[])
        }
        _ => panic!("op {op}"),
    }
}

#[test]
fn misc_modules_match_cpython() {
    let mut failures = Vec::new();
    for (op, a, b, expected) in MISC_CASES {
        let got = match run(op, a, b) {
            Ok(v) => repr(&v),
            Err(e) => format!("!{}", e.type_and_message()),
        };
        if got != *expected {
            failures.push(format!(
                "{op} {a:?} {b:?}:\n  got  {got}\n  want {expected}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures\n{}",
        failures.len(),
        failures.join("\n")
    );
}
