//! The runtime's models of installed libraries against CPython running the real ones, in the
//! Python environment PAT runs in (`FERRULE_PAT_PY`, else `<repo>/.venv-pat` or
//! `<repo>/../.venv-pat`; skipped with a message when there is none):
//!
//! - `botocore.exceptions`: the class table `ferrule build` reads from botocore's source, and
//!   for every class, constructing it (no arguments, a positional one, each `fmt` field,
//!   unexpected keywords, ClientError/WaiterError/HTTPClientError's own signatures), its
//!   `str`, `repr`, `args`, attributes and `isinstance` against the builtin and botocore
//!   bases. Classes the runtime cannot represent (a base outside botocore and the builtins)
//!   must be exactly those.
//! - `policyuniverse`: the data-dependent functions (`expand_policy`,
//!   `get_actions_from_statement`, `minimize_statement_actions`, `categories_for_actions`,
//!   …) on the installed `data.json`, with sets compared in CPython's iteration order.
//!
//! Outcomes come from one run of `tests/stdlib_gen/libraries_eval.py` per library.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferrule_runtime::{ops, Value};
use serde_json::Value as J;

fn pat_python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("FERRULE_PAT_PY") {
        return Some(PathBuf::from(p));
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    [repo.join(".venv-pat"), repo.join("../.venv-pat")]
        .into_iter()
        .map(|d| d.join("bin/python"))
        .find(|p| p.exists())
}

fn eval(which: &str) -> Option<J> {
    let Some(py) = pat_python() else {
        eprintln!("no PAT Python (set FERRULE_PAT_PY): {which} comparison skipped");
        return None;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stdlib_gen/libraries_eval.py");
    let out = Command::new(&py)
        .arg(script)
        .arg(which)
        .env("PYTHONHASHSEED", "0")
        .output()
        .expect("run the PAT Python");
    assert!(
        out.status.success(),
        "libraries_eval.py {which} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("JSON from libraries_eval.py"))
}

fn value(j: &J) -> Value {
    ferrule_runtime::event::value_from_json(&j.to_string()).expect("JSON value")
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn outcome_err(e: &ferrule_runtime::PyErr) -> String {
    format!("!{}", e.type_and_message())
}

fn is_refusal(text: &str) -> bool {
    text.starts_with("!NotImplementedError: ferrule runtime:")
}

#[test]
fn botocore_exceptions_match_cpython() {
    let Some(want) = eval("botocore") else {
        return;
    };
    ferrule_runtime::stdlib::install_data(
        ferrule_runtime::stdlib::botocore::DATA_FILE,
        leak(want["table"].to_string()),
    );
    let bases: Vec<(&str, Value)> = ["BotoCoreError", "ClientError"]
        .into_iter()
        .map(|n| {
            (
                n,
                ferrule_runtime::stdlib::botocore::class(n).expect("class"),
            )
        })
        .chain(
            [
                ("ValueError", ferrule_runtime::ExcKind::ValueError),
                ("Exception", ferrule_runtime::ExcKind::Exception),
                ("OSError", ferrule_runtime::ExcKind::OSError),
                ("AssertionError", ferrule_runtime::ExcKind::AssertionError),
                ("LookupError", ferrule_runtime::ExcKind::LookupError),
            ]
            .map(|(n, k)| (n, ferrule_runtime::call::builtin_exc(k))),
        )
        .collect();
    let isinstance = ferrule_runtime::builtins::lookup("isinstance").unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in want["cases"].as_array().unwrap() {
        let name = case["cls"].as_str().unwrap();
        let Some(cls) = ferrule_runtime::stdlib::botocore::class(name) else {
            if case["representable"].as_bool() == Some(true) {
                failures.push(format!("{name}: not provided, but representable"));
            }
            continue;
        };
        if case["representable"].as_bool() != Some(true) {
            failures.push(format!(
                "{name}: provided, but its bases are not representable"
            ));
            continue;
        }
        let args: Vec<Value> = case["args"].as_array().unwrap().iter().map(value).collect();
        let kwargs: Vec<(&str, Value)> = case["kwargs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), value(v)))
            .collect();
        let got = match ops::call(&cls, &args, &kwargs) {
            Err(e) => J::String(outcome_err(&e)),
            Ok(e) => {
                let mut attrs = serde_json::Map::new();
                for a in [
                    "kwargs",
                    "response",
                    "operation_name",
                    "request",
                    "last_response",
                    "fmt",
                ] {
                    if let Ok(v) = ops::getattr(&e, a) {
                        attrs.insert(a.into(), J::String(ferrule_runtime::fmt::repr(&v)));
                    }
                }
                let mut inst = serde_json::Map::new();
                for (b, c) in &bases {
                    let r = ops::call(&isinstance, &[e.clone(), c.clone()], &[]);
                    inst.insert(b.to_string(), J::Bool(matches!(r, Ok(Value::Bool(true)))));
                }
                serde_json::json!({
                    "str": ferrule_runtime::fmt::str(&e),
                    "repr": ferrule_runtime::fmt::repr(&e),
                    "args": ferrule_runtime::fmt::repr(&ops::getattr(&e, "args").unwrap_or_default()),
                    "attrs": attrs,
                    "isinstance": inst,
                })
            }
        };
        compared += 1;
        if got != case["outcome"] {
            failures.push(format!(
                "{name}({}, {}):\n  got  {got}\n  want {}",
                case["args"], case["kwargs"], case["outcome"]
            ));
        }
    }
    eprintln!("botocore: {compared} constructions compared");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    assert!(compared > 300, "too few compared: {compared}");
}

#[test]
fn policyuniverse_matches_cpython() {
    let Some(want) = eval("policyuniverse") else {
        return;
    };
    ferrule_runtime::stdlib::install_data(
        ferrule_runtime::stdlib::policyuniverse::DATA_FILE,
        leak(want["data"].to_string()),
    );
    let module = |name: &str| {
        let m = match name {
            "categories_for_actions"
            | "actions_for_category"
            | "translate_aws_action_groups"
            | "build_action_categories_from_service_data" => "policyuniverse.action_categories",
            "build_service_actions_from_service_data" => "policyuniverse.action",
            _ => "policyuniverse.expander_minimizer",
        };
        ferrule_runtime::imports::import(m).unwrap()
    };
    let set = ferrule_runtime::builtins::lookup("set").unwrap();
    let sorted = ferrule_runtime::builtins::lookup("sorted").unwrap();
    let (mut failures, mut compared, mut refused) = (Vec::new(), 0, 0);
    for case in want["cases"].as_array().unwrap() {
        let name = case["fn"].as_str().unwrap();
        let f = ops::getattr(&module(name), name).unwrap();
        let mut args: Vec<Value> = case["args"].as_array().unwrap().iter().map(value).collect();
        if name == "expand_minimize_over_policies" {
            let activity = case["args"][1].as_str().unwrap();
            args[1] = ops::getattr(&module(activity), activity).unwrap();
        }
        if name == "_invert_actions" {
            args[0] = ops::call(&set, &[args[0].clone()], &[]).unwrap();
        }
        let kwargs: Vec<(&str, Value)> = case["kwargs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), value(v)))
            .collect();
        let got = match ops::call(&f, &args, &kwargs) {
            Err(e) => outcome_err(&e),
            Ok(v) => match ferrule_runtime::fmt::repr_checked(&v) {
                Err(e) => outcome_err(&e),
                Ok(text) if text.len() > 200_000 => {
                    let head = match &v {
                        Value::Set(_) | Value::List(_) => {
                            let s = ops::call(&sorted, std::slice::from_ref(&v), &[]).unwrap();
                            let first = ops::slice(&s, None, Some(&Value::Int(50)), None).unwrap();
                            ferrule_runtime::fmt::repr(&first)
                        }
                        _ => "None".into(),
                    };
                    format!("len:{}:{head}", ops::len(&v).unwrap())
                }
                Ok(text) => text,
            },
        };
        let expected = case["outcome"].as_str().unwrap();
        // `print` is not the runtime's yet, and a set that held None has no known order:
        // both are refused, never answered differently.
        if is_refusal(&got) && !is_refusal(expected) {
            refused += 1;
            let printed = !case["printed"].as_str().unwrap_or_default().is_empty();
            if !(printed || got.contains("order")) {
                failures.push(format!("{name}({}): refused: {got}", case["args"]));
            }
            continue;
        }
        compared += 1;
        if got != expected {
            failures.push(format!(
                "{name}({}, {}):\n  got  {}\n  want {}",
                case["args"],
                case["kwargs"],
                &got[..got.len().min(400)],
                &expected[..expected.len().min(400)]
            ));
        }
    }
    eprintln!("policyuniverse: {compared} calls compared, {refused} refused");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    assert!(compared > 90, "too few compared: {compared}");
}
