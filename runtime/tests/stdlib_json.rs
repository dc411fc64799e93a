//! `json.loads`/`json.dumps` against outcomes recorded from CPython 3.11
//! (regenerate with `python3 tests/stdlib_gen/json_cases.py > tests/stdlib_gen/json_cases.rs`).

use ferrule_runtime::stdlib::json;
use ferrule_runtime::{PyResult, Value};

include!("stdlib_gen/json_cases.rs");

fn outcome(r: PyResult<Value>) -> String {
    match r {
        Ok(v) => ferrule_runtime::fmt::repr(&v),
        Err(e) => format!("!{}", e.type_and_message()),
    }
}

#[test]
fn loads_matches_cpython() {
    for (input, expected) in LOADS {
        assert_eq!(
            outcome(json::loads(&[Value::str(*input)], &[])),
            *expected,
            "input {input:?}"
        );
    }
}

#[test]
fn loads_bytes_matches_cpython() {
    for (hex, expected) in LOADS_BYTES {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let got = outcome(json::loads(&[Value::Bytes(bytes.into())], &[]));
        assert_eq!(got, *expected, "input {hex}");
    }
}

#[test]
fn loads_rejects_what_it_cannot_model() {
    for input in [
        "123456789012345678901234567890",
        "\"\\ud800\"",
        "\"\\ud83dx\"",
    ] {
        let err = json::loads(&[Value::str(input)], &[]).unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ferrule_runtime::ExcKind::NotImplementedError)
        );
    }
    let err = json::loads(&[Value::Int(5)], &[]).unwrap_err();
    assert_eq!(
        err.type_and_message(),
        "TypeError: the JSON object must be str, bytes or bytearray, not int"
    );
}

fn dumps_case(name: &str) -> PyResult<Value> {
    use ferrule_runtime::value::{Dict, Key, Set};
    let d = |pairs: Vec<(Value, Value)>| {
        let mut m = Dict::default();
        for (k, v) in pairs {
            m.insert(Key::new(k).unwrap(), v);
        }
        Value::dict(m)
    };
    let s = Value::str;
    let l = Value::list;
    let (v, kw): (Value, Vec<(&str, Value)>) = match name {
        "nan" => (Value::Float(f64::NAN), vec![]),
        "keys" => (
            d(vec![
                (Value::Int(1), Value::Int(2)),
                (Value::None, Value::Int(4)),
                (Value::Float(1.5), Value::Int(5)),
                (Value::Bool(false), Value::Int(6)),
                (s("x"), Value::Int(7)),
            ]),
            vec![],
        ),
        "str" => (s("é\u{1f600}\"\\\u{1}\u{7f}\u{2028}\t/"), vec![]),
        "str_noascii" => (
            s("é\u{1f600}\"\\\u{1}\u{7f}"),
            vec![("ensure_ascii", Value::Bool(false))],
        ),
        "tuple" => (Value::tuple(vec![Value::Int(1), Value::Int(2)]), vec![]),
        "floats" => (
            l([1.0, 1e16, -0.0, 0.1, 1e-7, 123456789.123]
                .into_iter()
                .map(Value::Float)
                .collect()),
            vec![],
        ),
        "nan_strict" => (
            Value::Float(f64::NAN),
            vec![("allow_nan", Value::Bool(false))],
        ),
        "tuplekey" => (
            d(vec![(Value::tuple(vec![Value::Int(1)]), Value::Int(2))]),
            vec![],
        ),
        "set" => {
            let mut st = Set::new();
            st.insert(Key::new(Value::Int(1)).unwrap());
            (Value::set(st), vec![])
        }
        "indent2" => (
            d(vec![
                (s("a"), l(vec![Value::Int(1), d(vec![]), l(vec![])])),
                (s("b"), d(vec![])),
            ]),
            vec![("indent", Value::Int(2))],
        ),
        "indent_tab" => (
            d(vec![(s("a"), l(vec![Value::Int(1), Value::Int(2)]))]),
            vec![
                ("indent", s("\t")),
                ("separators", Value::tuple(vec![s(","), s(":")])),
            ],
        ),
        "indent0" => (
            d(vec![(s("a"), l(vec![Value::Int(1), Value::Int(2)]))]),
            vec![("indent", Value::Int(0))],
        ),
        "sort" => (
            d(vec![
                (s("b"), Value::Int(1)),
                (
                    s("a"),
                    d(vec![(s("d"), Value::Int(1)), (s("c"), Value::Int(2))]),
                ),
            ]),
            vec![("sort_keys", Value::Bool(true))],
        ),
        "sortnum" => (
            d(vec![
                (Value::Int(2), Value::Int(1)),
                (Value::Int(1), Value::Int(2)),
                (Value::Float(1.5), Value::Int(3)),
            ]),
            vec![("sort_keys", Value::Bool(true))],
        ),
        "compact" => (
            d(vec![(
                s("a"),
                l(vec![Value::Int(1), Value::None, Value::Bool(true)]),
            )]),
            vec![("separators", Value::list(vec![s(","), s(":")]))],
        ),
        "skip" => (
            d(vec![
                (Value::tuple(vec![Value::Int(1)]), Value::Int(2)),
                (s("a"), Value::Int(1)),
            ]),
            vec![("skipkeys", Value::Bool(true))],
        ),
        "nested" => (
            l(vec![
                l(vec![l(vec![])]),
                d(vec![(
                    s("a"),
                    d(vec![(s("b"), l(vec![Value::Float(1.5), s("x")]))]),
                )]),
            ]),
            vec![("indent", Value::Int(1))],
        ),
        "inf" => (
            l(vec![
                Value::Float(f64::INFINITY),
                Value::Float(f64::NEG_INFINITY),
            ]),
            vec![],
        ),
        "infkey" => (
            d(vec![(Value::Float(f64::INFINITY), Value::Int(1))]),
            vec![],
        ),
        "none" => (Value::None, vec![]),
        "bool" => (Value::Bool(true), vec![]),
        "int" => (Value::Int(-12), vec![]),
        "empty_str" => (s(""), vec![]),
        other => panic!("no case {other}"),
    };
    json::dumps(&[v], &kw)
}

#[test]
fn dumps_matches_cpython() {
    for (name, expected) in DUMPS {
        assert_eq!(outcome(dumps_case(name)), *expected, "case {name}");
    }
}

#[test]
fn dumps_default_hook_and_circular() {
    let l = Value::list(vec![]);
    if let Value::List(inner) = &l {
        inner.borrow_mut().push(l.clone());
    }
    let err = json::dumps(std::slice::from_ref(&l), &[]).unwrap_err();
    assert_eq!(
        err.type_and_message(),
        "ValueError: Circular reference detected"
    );
    if let Value::List(inner) = &l {
        inner.borrow_mut().clear();
    }
    let f = Value::func("enc", |_a, _k| Ok(Value::str("X")));
    let set = Value::set(Default::default());
    let out = json::dumps(&[Value::list(vec![set])], &[("default", f)]).unwrap();
    assert_eq!(ferrule_runtime::fmt::str(&out), "[\"X\"]");
}
