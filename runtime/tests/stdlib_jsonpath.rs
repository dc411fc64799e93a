//! `ferrule_runtime::jsonpath` against jsonpath_ng 1.5.3 (panther_core's data-model paths):
//! random paths and events recorded from CPython by `tests/stdlib_gen/jsonpath_cases.py`.
//! For every path jsonpath_ng parses, the runtime's parse must be the same tree with the same
//! `str()` or a refusal (constructs it does not evaluate); for every path it parses alike,
//! `find` must give the same values, in the same order, with the same `full_path`s, or the
//! same exception.

use ferrule_runtime::jsonpath;
use ferrule_runtime::Value;
use serde_json::Value as J;

include!("stdlib_gen/jsonpath_cases.rs");

fn dumps(v: &Value) -> String {
    match ferrule_runtime::stdlib::json::dumps(std::slice::from_ref(v), &[]) {
        Ok(Value::Str(s)) => s.to_string(),
        other => format!("{other:?}"),
    }
}

#[test]
fn jsonpath_matches_jsonpath_ng() {
    let mut failures = Vec::new();
    let (mut parsed_alike, mut refused, mut found_alike, mut rejected) = (0, 0, 0, 0);
    for (path, event, expected) in JSONPATH_CASES {
        let want: J = serde_json::from_str(expected).unwrap();
        let native = jsonpath::parse(path);
        if want.get("parse_error").is_some() {
            // ferrule build reports jsonpath_ng's error; the runtime's parse is never used.
            rejected += 1;
            continue;
        }
        let node = match native {
            Ok(node) => node,
            Err(_) => {
                refused += 1;
                // A refusal is allowed only for what the runtime does not evaluate.
                let ast = want["ast"].to_string();
                let unsupported = ["\"Other\"", "\"Parent\"", "\"Intersect\""];
                if !unsupported.iter().any(|u| ast.contains(u)) {
                    failures.push(format!("{path}: refused, but jsonpath_ng reads {ast}"));
                }
                continue;
            }
        };
        let ast = jsonpath::ast_json(&node);
        let text = jsonpath::to_str(&node);
        let want_text = want["str"].as_str().map(str::to_string);
        if ast != want["ast"] || text != want_text {
            failures.push(format!(
                "{path}: parsed as {ast} / {text:?}, jsonpath_ng: {} / {want_text:?}",
                want["ast"]
            ));
            continue;
        }
        parsed_alike += 1;
        let data = ferrule_runtime::event::value_from_json(event).unwrap();
        let got = match jsonpath::find(&node, &data) {
            Ok(matches) => J::Array(
                matches
                    .iter()
                    .map(|m| J::Array(vec![J::String(dumps(&m.value())), J::String(m.full_path())]))
                    .collect(),
            ),
            Err(e) => J::String(e.type_and_message()),
        };
        let want_found = match (want.get("find"), want.get("error")) {
            (Some(f), _) => f.clone(),
            (_, Some(e)) => e.clone(),
            _ => J::Null,
        };
        if got == want_found {
            found_alike += 1;
        } else {
            failures.push(format!(
                "{path} on {event}:\n  got  {got}\n  want {want_found}"
            ));
        }
    }
    eprintln!(
        "{} cases: {rejected} rejected by jsonpath_ng, {refused} refused, {parsed_alike} parsed alike, {found_alike} found alike",
        JSONPATH_CASES.len()
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
    // Most cases must be compared, not refused.
    assert!(found_alike * 2 > JSONPATH_CASES.len(), "too few compared");
}
