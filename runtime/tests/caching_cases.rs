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

fn items(v: &J) -> Vec<Value> {
    v.as_array().unwrap().iter().map(decode).collect()
}

fn set_of(v: &J) -> Set {
    let mut s = Set::new();
    for x in items(v) {
        s.insert(Key::new(x).unwrap());
    }
    s
}

/// Rebuilds an argument from the generator's encoding.
fn decode(v: &J) -> Value {
    match v {
        J::Null => Value::None,
        J::Bool(b) => Value::Bool(*b),
        J::String(s) => Value::str(s.as_str()),
        J::Object(m) => {
            let (tag, x) = m.iter().next().unwrap();
            match tag.as_str() {
                "i" => Value::Int(x.as_str().unwrap().parse().unwrap()),
                "D" => ferrule_runtime::decimal::Decimal::parse(x.as_str().unwrap())
                    .unwrap()
                    .into(),
                "f" => Value::Float(match x.as_str().unwrap() {
                    "nan" => f64::NAN,
                    "inf" => f64::INFINITY,
                    s => s.parse().unwrap(),
                }),
                "l" => Value::list(items(x)),
                "t" => Value::tuple(items(x)),
                "s" => Value::set(set_of(x)),
                "fs" => Value::FrozenSet(set_of(x).into()),
                "d" => {
                    let mut d = Dict::new();
                    for pair in x.as_array().unwrap() {
                        let kv = items(pair);
                        d.insert(Key::new(kv[0].clone()).unwrap(), kv[1].clone());
                    }
                    Value::dict(d)
                }
                "b" => Value::Bytes(x.as_str().unwrap().chars().map(|c| c as u8).collect()),
                "dt" => {
                    let parts: Vec<Value> = x
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| Value::Int(n.as_i64().unwrap()))
                        .collect();
                    ferrule_runtime::stdlib::datetime::datetime(&parts, &[]).unwrap()
                }
                _ => panic!("tag {tag}"),
            }
        }
        _ => panic!("encoding {v}"),
    }
}

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
