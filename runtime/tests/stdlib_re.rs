//! `re` against outcomes recorded from CPython 3.11
//! (regenerate with `python3 tests/stdlib_gen/re_cases.py > tests/stdlib_gen/re_cases.rs`).

use ferrule_runtime::fmt::repr;
use ferrule_runtime::ops::call_method;
use ferrule_runtime::stdlib::re;
use ferrule_runtime::{PyResult, Value};

include!("stdlib_gen/re_cases.rs");

fn desc(m: &Value) -> PyResult<String> {
    if m.is_none() {
        return Ok("None".into());
    }
    let groups = call_method(m, "groups", &[], &[])?;
    let gd = call_method(m, "groupdict", &[], &[])?;
    let n = match &groups {
        Value::Tuple(t) => t.len(),
        _ => 0,
    };
    let spans: PyResult<Vec<Value>> = (0..=n)
        .map(|i| call_method(m, "span", &[Value::Int(i as i64)], &[]))
        .collect();
    Ok(format!(
        "{} {} {} {}",
        repr(m),
        repr(&groups),
        repr(&gd),
        repr(&Value::list(spans?))
    ))
}

fn run(op: &str, pat: &str, flags: &str, s: &str, extra: &str) -> PyResult<String> {
    let pat = Value::str(pat);
    let flags = Value::Int(flags.parse().unwrap());
    let s = if s == "None" {
        Value::None
    } else {
        Value::str(s)
    };
    let fl = [("flags", flags.clone())];
    Ok(match op {
        "search" => desc(&re::search(&[pat, s, flags], &[])?)?,
        "match" => desc(&re::match_(&[pat, s, flags], &[])?)?,
        "fullmatch" => desc(&re::fullmatch(&[pat, s, flags], &[])?)?,
        "findall" => repr(&re::findall(&[pat, s, flags], &[])?),
        "sub" => repr(&re::sub(&[pat, Value::str(extra), s], &fl)?),
        "subn" => repr(&re::subn(&[pat, Value::str(extra), s], &fl)?),
        "split" => repr(&re::split(&[pat, s], &fl)?),
        "spans" => {
            let Value::List(ms) = re::finditer(&[pat, s, flags], &[])? else {
                panic!()
            };
            let spans: PyResult<Vec<Value>> = ms
                .borrow()
                .iter()
                .map(|m| call_method(m, "span", &[], &[]))
                .collect();
            repr(&Value::list(spans?))
        }
        _ => panic!("op {op}"),
    })
}

#[test]
fn re_matches_cpython() {
    let mut failures = Vec::new();
    for (op, pat, flags, s, extra, expected) in RE_CASES {
        let got = match run(op, pat, flags, s, extra) {
            Ok(v) => v,
            Err(e) => format!("!{}", e.type_and_message()),
        };
        if got != *expected {
            failures.push(format!("{op} {pat:?} {s:?}: got {got} want {expected}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn escape_matches_cpython() {
    for (input, expected) in ESCAPE {
        assert_eq!(
            ferrule_runtime::fmt::str(&re::escape(&[Value::str(*input)], &[]).unwrap()),
            *expected
        );
    }
}

#[test]
fn untranslatable_patterns_are_unsupported() {
    for pat in [
        r"(?(1)a|b)",
        r"\N{DASH}",
        r"(a",
        r"\q",
        r"(?<=a+)b",
        r"(?m:a)",
    ] {
        let err = re::compile(&[Value::str(pat)], &[]).unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ferrule_runtime::ExcKind::NotImplementedError),
            "{pat}"
        );
    }
}

#[test]
fn pattern_objects() {
    let p = re::compile(
        &[Value::str("(?P<a>x)(y)?"), Value::Int(re::I | re::M)],
        &[],
    )
    .unwrap();
    assert_eq!(
        repr(&p),
        "re.compile('(?P<a>x)(y)?', re.IGNORECASE|re.MULTILINE)"
    );
    let m = call_method(&p, "search", &[Value::str("zzX")], &[]).unwrap();
    assert_eq!(repr(&m), "<re.Match object; span=(2, 3), match='X'>");
    assert_eq!(
        repr(&call_method(&m, "group", &[Value::Int(0), Value::str("a")], &[]).unwrap()),
        "('X', 'X')"
    );
    let err = call_method(&m, "group", &[Value::Int(3)], &[]).unwrap_err();
    assert_eq!(err.type_and_message(), "IndexError: no such group");
    assert_eq!(
        repr(&ferrule_runtime::ops::getattr(&m, "lastindex").unwrap()),
        "1"
    );
    assert_eq!(
        repr(&ferrule_runtime::ops::getattr(&p, "flags").unwrap()),
        "42"
    );
    let err = re::search(&[p, Value::str("x"), Value::Int(2)], &[]).unwrap_err();
    assert_eq!(
        err.type_and_message(),
        "ValueError: cannot process flags argument with a compiled pattern"
    );
    let f = Value::func("f", |_a, _k| Ok(Value::Int(1)));
    let err = re::sub(&[Value::str("a"), f, Value::str("a")], &[]).unwrap_err();
    assert_eq!(
        err.type_and_message(),
        "TypeError: sequence item 0: expected str instance, int found"
    );
    let f = Value::func("f", |a, _k| {
        call_method(&a[0], "group", &[], &[])
            .map(|g| Value::str(ferrule_runtime::fmt::str(&g).to_uppercase()))
    });
    let out = re::sub(&[Value::str("[a-c]"), f, Value::str("xabcd")], &[]).unwrap();
    assert_eq!(repr(&out), "'xABCd'");
}
