//! `panther_detection_helpers.caching` against outcomes recorded from the real module
//! (panther-detection-helpers 0.4.0 on a moto-mocked DynamoDB table, clock fixed at `NOW`),
//! replayed call by call on a fresh in-memory store per sequence; a runtime refusal ends its
//! sequence; counters compare as the `Decimal`s DynamoDB returns (regenerate with
//! `PYTHONHASHSEED=0 VENV/bin/python tests/caching_gen/caching_cases.py >
//! tests/caching_gen/caching_cases.rs`; see README.md).

use std::collections::HashMap;

use ferrule_runtime::caching::{set_store, Item, KvStore};
use ferrule_runtime::fmt::repr;
use ferrule_runtime::value::{Dict, Set};
use ferrule_runtime::{Key, Value};
use serde_json::Value as J;

include!("caching_gen/caching_cases.rs");

/// The generator's fixed clock.
const NOW: f64 = 1_700_000_000.75;

#[derive(Default)]
struct FixedClockStore {
    items: HashMap<String, Item>,
}

impl KvStore for FixedClockStore {
    fn get(&self, key: &str) -> Option<Item> {
        self.items.get(key).cloned()
    }
    fn put(&mut self, key: &str, item: Item) {
        self.items.insert(key.to_string(), item);
    }
    fn now(&self) -> f64 {
        NOW
    }
}

include!("caching_gen/decode.rs");

#[test]
fn caching_matches_cpython_on_dynamodb() {
    let module = ferrule_runtime::caching::module();
    let mut failures = Vec::new();
    let (mut refused, mut skipped, mut seq, mut dead) = (0, 0, "", false);
    for (s, name, args, kwargs, expected) in CACHING_CASES {
        if *s != seq {
            seq = s;
            dead = false;
            set_store(Box::<FixedClockStore>::default());
        }
        if dead {
            skipped += 1;
            continue;
        }
        let args: Vec<Value> = items(&serde_json::from_str(args).unwrap());
        let kw: serde_json::Map<String, J> = serde_json::from_str(kwargs).unwrap();
        let kw: Vec<(&str, Value)> = kw.iter().map(|(k, v)| (k.as_str(), decode(v))).collect();
        let f = ferrule_runtime::ops::getattr(&module, name).unwrap();
        let got = match ferrule_runtime::ops::call(&f, &args, &kw) {
            Ok(v) => repr(&v),
            Err(e) => format!("!{}", e.type_and_message()),
        };
        if got.starts_with("!NotImplementedError: ferrule runtime:") {
            // A refusal is allowed, but it ends the sequence: the store may now differ.
            refused += 1;
            dead = true;
            if std::env::var_os("CACHING_SHOW_REFUSALS").is_some() {
                eprintln!("refused {name}: {got} (CPython: {expected})");
            }
            continue;
        }
        if got != *expected {
            failures.push(format!(
                "seq {s} {name}({args:?}, {kw:?}):\n  got  {got}\n  want {expected}"
            ));
        }
    }
    eprintln!(
        "{} calls, {refused} refused, {skipped} skipped after a refusal",
        CACHING_CASES.len()
    );
    // Refusing everything must not pass: most calls have to be compared.
    let compared = CACHING_CASES.len() - refused - skipped;
    assert!(
        compared * 3 > CACHING_CASES.len() * 2,
        "only {compared} calls compared"
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
