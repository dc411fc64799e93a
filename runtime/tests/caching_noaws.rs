//! `panther_detection_helpers.caching` called without mocks, as panther_analysis_tool runs a
//! unit test with no AWS configuration: outcomes recorded from the real module
//! (panther-detection-helpers 0.4.0, botocore 1.42.97) by
//! `tests/caching_gen/caching_noaws_cases.py`. Every call either fails on its arguments the
//! way caching.py does before it reaches DynamoDB, or raises botocore's `NoRegionError` from
//! `kv_table()`.

use ferrule_runtime::caching::{set_store, NoAwsStore};
use ferrule_runtime::fmt::repr;
use ferrule_runtime::value::{Dict, Set};
use ferrule_runtime::{Key, Value};
use serde_json::Value as J;

include!("caching_gen/caching_noaws_cases.rs");
include!("caching_gen/decode.rs");

#[test]
fn caching_without_aws_matches_pat() {
    if ferrule_runtime::caching::aws_configured() {
        eprintln!("this environment configures AWS (PAT would call DynamoDB): skipped");
        return;
    }
    ferrule_runtime::stdlib::install_data(
        ferrule_runtime::stdlib::botocore::DATA_FILE,
        BOTOCORE_TABLE,
    );
    set_store(Box::new(NoAwsStore));
    let module = ferrule_runtime::caching::module();
    let mut failures = Vec::new();
    for (s, name, args, kwargs, expected) in CACHING_NOAWS_CASES {
        let args: Vec<Value> = items(&serde_json::from_str(args).unwrap());
        let kw: serde_json::Map<String, J> = serde_json::from_str(kwargs).unwrap();
        let kw: Vec<(&str, Value)> = kw.iter().map(|(k, v)| (k.as_str(), decode(v))).collect();
        let f = ferrule_runtime::ops::getattr(&module, name).unwrap();
        let got = match ferrule_runtime::ops::call(&f, &args, &kw) {
            Ok(v) => repr(&v),
            Err(e) => format!("!{}", e.type_and_message()),
        };
        if got != *expected {
            failures.push(format!(
                "seq {s} {name}({args:?}, {kw:?}):\n  got  {got}\n  want {expected}"
            ));
        }
    }
    eprintln!("{} calls", CACHING_NOAWS_CASES.len());
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
}
