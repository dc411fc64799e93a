//! Interprets the cases of `tests/stdlib_gen/pycountry_eval.py` against ferrule's `pycountry`
//! and compares each outcome with CPython's.

use ferrule_runtime::{builtins, fmt, imports, ops, PyResult, Value};
use serde_json::Value as J;

/// A JSON value as the Python value `json.loads` gives.
fn value(j: &J) -> Value {
    let text = Value::str(j.to_string());
    ferrule_runtime::stdlib::json::loads(&[text], &[]).unwrap()
}

fn countries() -> Value {
    imports::resolve("pycountry.countries").expect("pycountry.countries resolves")
}

/// `countries.get(...)` / `countries.lookup(...)` as a case describes it.
fn call(case: &J) -> PyResult<Value> {
    let name = case["call"].as_str().unwrap();
    let args: Vec<Value> = case
        .get("args")
        .and_then(J::as_array)
        .map(|a| a.iter().map(value).collect())
        .unwrap_or_default();
    let kw: Vec<(String, Value)> = case
        .get("kwargs")
        .and_then(J::as_array)
        .map(|a| {
            a.iter()
                .map(|p| (p[0].as_str().unwrap().to_string(), value(&p[1])))
                .collect()
        })
        .unwrap_or_default();
    let kwargs: Vec<(&str, Value)> = kw.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    ops::call_method(&countries(), name, &args, &kwargs)
}

fn post(r: Value, p: &J) -> PyResult<Value> {
    Ok(match p {
        J::Null => r,
        J::String(s) => match s.as_str() {
            "str" => Value::str(fmt::str_checked(&r)?),
            "dict" => builtins::dict(&[r], &[])?,
            "list" => builtins::list(&[r], &[])?,
            "bool" => Value::Bool(ops::truthy(&r)?),
            "len" => Value::Int(ops::len(&r)? as i64),
            "is_none" => Value::Bool(r.is_none()),
            "in_countries" => Value::Bool(ops::contains(&countries(), &r)?),
            "index0" => ops::getitem(&r, &Value::Int(0))?,
            _ => panic!("post {s}"),
        },
        J::Array(a) => {
            let arg = &a[1];
            let name = || Value::str(arg.as_str().unwrap());
            match a[0].as_str().unwrap() {
                "attr" => ops::getattr(&r, arg.as_str().unwrap())?,
                "hasattr" => builtins::hasattr(&[r, name()], &[])?,
                "getattr_default" => builtins::getattr(&[r, name(), Value::str("DEFAULT")], &[])?,
                "contains" => {
                    let items: Vec<Value> = arg.as_array().unwrap().iter().map(value).collect();
                    Value::Bool(ops::contains(&r, &Value::tuple(items))?)
                }
                k => panic!("post {k}"),
            }
        }
        _ => panic!("post {p}"),
    })
}

fn run(case: &J) -> PyResult<Value> {
    let Some(op) = case.get("op").and_then(J::as_str) else {
        return post(call(case)?, case.get("post").unwrap_or(&J::Null));
    };
    let c = countries();
    Ok(match op {
        "same" => {
            let (a, b) = (call(&case["a"])?, call(&case["b"])?);
            let (is, eq) = (a.is(&b), ops::eq(&a, &b));
            Value::tuple(vec![Value::Bool(is), Value::Bool(eq), Value::Bool(!eq)])
        }
        "len" => Value::Int(ops::len(&c)? as i64),
        "bool" => Value::Bool(ops::truthy(&c)?),
        "iter_alpha_2" => {
            let mut out = Vec::new();
            for x in ops::iter(&c)? {
                out.push(ops::getattr(&x, "alpha_2")?);
            }
            Value::list(out)
        }
        "all_in" => {
            let mut all = true;
            for x in ops::iter(&c)? {
                all &= ops::contains(&c, &x)?;
            }
            Value::Bool(all)
        }
        "value_in" => Value::Bool(ops::contains(&c, &value(&case["value"]))?),
        "countries_attr" => ops::getattr(&c, case["name"].as_str().unwrap())?,
        _ => panic!("op {op}"),
    })
}

/// The outcome of one case in `pycountry_eval.py`'s encoding.
pub fn outcome(case: &J) -> String {
    match run(case).and_then(|v| fmt::repr_checked(&v)) {
        Ok(s) => s,
        Err(e) if e.is_refusal() && e.str().starts_with("ferrule runtime:") => {
            "!refused".to_string()
        }
        Err(e) => format!("!{}", e.type_and_message()),
    }
}

/// Runs every `[case, expected]` pair; returns the number of cases and the mismatches.
pub fn compare(cases: &J) -> (usize, Vec<String>) {
    let cases = cases.as_array().expect("a JSON list of cases");
    let mut failures = Vec::new();
    for pair in cases {
        let (case, want) = (&pair[0], pair[1].as_str().unwrap());
        let got = outcome(case);
        if got != want {
            failures.push(format!("{case}\n  got  {got}\n  want {want}"));
        }
    }
    (cases.len(), failures)
}

/// Panics with the first mismatches, if any.
pub fn assert_all_match(cases: &J) -> usize {
    let (n, failures) = compare(cases);
    if !failures.is_empty() {
        let shown: Vec<&String> = failures.iter().take(30).collect();
        panic!(
            "{} of {n} pycountry cases differ from CPython:\n{}",
            failures.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    n
}
