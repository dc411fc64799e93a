//! `datetime` against outcomes recorded from CPython 3.11 with `TZ=UTC`
//! (regenerate with `python3 tests/stdlib_gen/datetime_cases.py > tests/stdlib_gen/datetime_cases.rs`).

use ferrule_runtime::fmt::{repr, str};
use ferrule_runtime::ops::call_method;
use ferrule_runtime::stdlib::{datetime as dt, json};
use ferrule_runtime::value::{BinOp, PyObject};
use ferrule_runtime::{PyResult, Value};

include!("stdlib_gen/datetime_cases.rs");

fn iso(s: &str) -> Value {
    dt::fromisoformat(&[Value::str(s)], &[]).unwrap()
}

fn obj(v: &Value) -> &dyn PyObject {
    match v {
        Value::Object(o) => &**o,
        _ => panic!("not an object"),
    }
}

fn td(kw_json: &str) -> PyResult<Value> {
    let Value::Dict(d) = json::loads(&[Value::str(kw_json)], &[]).unwrap() else {
        panic!()
    };
    let pairs: Vec<(String, Value)> = d
        .borrow()
        .iter()
        .map(|(k, v)| (str(k.value()), v.clone()))
        .collect();
    let kw: Vec<(&str, Value)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    dt::timedelta(&[], &kw)
}

fn run(op: &str, a: &str, b: &str) -> PyResult<String> {
    let s = Value::str;
    Ok(match op {
        "fromisoformat" => repr(&dt::fromisoformat(&[s(a)], &[])?),
        "date_fromisoformat" => repr(&dt::date_fromisoformat(&[s(a)], &[])?),
        "strptime" => repr(&dt::strptime(&[s(a), s(b)], &[])?),
        "strftime" => str(&call_method(&iso(a), "strftime", &[s(b)], &[])?),
        "str" => str(&iso(a)),
        "ts" => repr(&call_method(&iso(a), "timestamp", &[], &[])?),
        "iso" => str(&call_method(
            &iso(a),
            "isoformat",
            &[],
            &[("timespec", s(b))],
        )?),
        "td" => {
            let t = td(a)?;
            let secs = call_method(&t, "total_seconds", &[], &[])?;
            format!("{} | {} | {}", repr(&t), str(&t), repr(&secs))
        }
        "sub" => repr(&obj(&iso(a)).binop(BinOp::Sub, &iso(b), false).unwrap()?),
        "lt" => repr(&Value::Bool(obj(&iso(a)).lt(&iso(b)).unwrap()?)),
        "eq" => repr(&Value::Bool(obj(&iso(a)).eq(&iso(b)).unwrap())),
        "add" => repr(&obj(&iso(a)).binop(BinOp::Add, &td(b)?, false).unwrap()?),
        "utcfromtimestamp" => {
            let v = if a.contains('.') || a.contains('e') {
                Value::Float(a.parse().unwrap())
            } else {
                Value::Int(a.parse().unwrap())
            };
            repr(&dt::utcfromtimestamp(&[v], &[])?)
        }
        "ctor" => {
            let Value::List(l) = json::loads(&[s(a)], &[]).unwrap() else {
                panic!()
            };
            let args = l.borrow().clone();
            repr(&dt::datetime(&args, &[])?)
        }
        "tdop" => {
            let (op, other) = b.split_once(' ').unwrap();
            let other = if other == "td" {
                dt::timedelta(&[], &[("minutes", Value::Int(7))])?
            } else if other.contains('.') {
                Value::Float(other.parse().unwrap())
            } else {
                Value::Int(other.parse().unwrap())
            };
            let op = match op {
                "*" => BinOp::Mul,
                "/" => BinOp::Div,
                "//" => BinOp::FloorDiv,
                _ => panic!(),
            };
            repr(&obj(&td(a)?).binop(op, &other, false).unwrap()?)
        }
        _ => panic!("op {op}"),
    })
}

#[test]
fn datetime_matches_cpython() {
    let mut failures = Vec::new();
    for (op, a, b, expected) in DT_CASES {
        let got = match run(op, a, b) {
            Ok(v) => v,
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

#[test]
fn format_hook_and_naive_aware() {
    let d = iso("2020-01-02T03:04:05");
    assert_eq!(obj(&d).format("%Y/%m/%d").unwrap().unwrap(), "2020/01/02");
    let aware = iso("2020-01-02T03:04:05Z");
    let err = obj(&d).lt(&aware).unwrap().unwrap_err();
    assert_eq!(
        err.type_and_message(),
        "TypeError: can't compare offset-naive and offset-aware datetimes"
    );
    let now = dt::utcnow(&[], &[]).unwrap();
    assert!(obj(&now).lt(&iso("2020-01-01")).unwrap().is_ok());
}
