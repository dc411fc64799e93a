//! `call::bind`, the argument binding of compiled functions, against TypeError messages
//! recorded from CPython 3.11 (`def f(a, b=1)`, `def g(a, *, k)`, `def h(a, *, k=1, m=2)`,
//! `def z()`). CPython binds keyword arguments before it counts positional ones, so a call
//! with both problems reports the keyword one.

use ferrule_runtime::call::{bind, Sig};
use ferrule_runtime::{PyResult, Value};

static F: Sig = Sig {
    name: "f",
    params: &["a", "b"],
    n_positional: 2,
    n_posonly: 0,
    varargs: false,
    n_kwonly: 0,
    varkw: false,
};
static G: Sig = Sig {
    name: "g",
    params: &["a", "k"],
    n_positional: 1,
    n_posonly: 0,
    varargs: false,
    n_kwonly: 1,
    varkw: false,
};
static H: Sig = Sig {
    name: "h",
    params: &["a", "k", "m"],
    n_positional: 1,
    n_posonly: 0,
    varargs: false,
    n_kwonly: 2,
    varkw: false,
};
static Z: Sig = Sig {
    name: "z",
    params: &[],
    n_positional: 0,
    n_posonly: 0,
    varargs: false,
    n_kwonly: 0,
    varkw: false,
};

fn run(sig: &Sig, n_args: i64, kw: &[&'static str]) -> PyResult<Vec<Value>> {
    let args: Vec<Value> = (1..=n_args).map(Value::Int).collect();
    let kwargs: Vec<(&str, Value)> = kw.iter().map(|k| (*k, Value::Int(1))).collect();
    let defaults: Vec<Option<Value>> = match sig.name {
        "f" => vec![None, Some(Value::Int(1))],
        "g" => vec![None, None],
        "h" => vec![None, Some(Value::Int(1)), Some(Value::Int(2))],
        _ => vec![],
    };
    bind(sig, &args, &kwargs, &defaults).map(|b| b.into_owned())
}

#[test]
fn binding_errors_match_cpython() {
    let cases: &[(&Sig, i64, &[&'static str], &str)] = &[
        (&F, 3, &["a"], "f() got multiple values for argument 'a'"),
        (&F, 3, &["z"], "f() got an unexpected keyword argument 'z'"),
        (
            &F,
            3,
            &[],
            "f() takes from 1 to 2 positional arguments but 3 were given",
        ),
        (
            &G,
            2,
            &["k"],
            "g() takes 1 positional argument but 2 positional arguments (and 1 keyword-only \
             argument) were given",
        ),
        (
            &G,
            2,
            &[],
            "g() takes 1 positional argument but 2 were given",
        ),
        (
            &H,
            2,
            &["k", "m"],
            "h() takes 1 positional argument but 2 positional arguments (and 2 keyword-only \
             arguments) were given",
        ),
        (
            &H,
            3,
            &["k"],
            "h() takes 1 positional argument but 3 positional arguments (and 1 keyword-only \
             argument) were given",
        ),
        (
            &F,
            0,
            &[],
            "f() missing 1 required positional argument: 'a'",
        ),
        (
            &G,
            1,
            &[],
            "g() missing 1 required keyword-only argument: 'k'",
        ),
        (&G, 1, &["z"], "g() got an unexpected keyword argument 'z'"),
        (
            &Z,
            1,
            &[],
            "z() takes 0 positional arguments but 1 was given",
        ),
        (
            &Z,
            2,
            &[],
            "z() takes 0 positional arguments but 2 were given",
        ),
        (&G, 2, &["z"], "g() got an unexpected keyword argument 'z'"),
    ];
    let mut failures = Vec::new();
    for (sig, n, kw, want) in cases {
        let got = match run(sig, *n, kw) {
            Ok(_) => "ok".to_string(),
            Err(e) => e.str(),
        };
        if got != *want {
            failures.push(format!(
                "{}({n}, {kw:?}):\n  got  {got}\n  want {want}",
                sig.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

static P: Sig = Sig {
    name: "p",
    params: &["a", "b"],
    n_positional: 2,
    n_posonly: 1,
    varargs: false,
    n_kwonly: 0,
    varkw: false,
};

#[test]
fn positional_only_parameters_refuse_keywords() {
    let e = bind(
        &P,
        &[],
        &[("a", Value::Int(1)), ("b", Value::Int(2))],
        &[None, None],
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "TypeError: p() got some positional-only arguments passed as keyword arguments: 'a'"
    );
    let ok = bind(&P, &[Value::Int(1)], &[("b", Value::Int(2))], &[None, None]).unwrap();
    assert_eq!(ok.len(), 2);
}
