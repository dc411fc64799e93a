//! ferrule's `pycountry.countries` on a small made-up database (tests/data/
//! pycountry_synthetic.json: duplicate codes, a name equal to another record's code, quotes,
//! control characters and Unicode case mappings in values, missing fields) against the
//! outcomes CPython + pycountry 24.6.1 gave. Regenerate with
//! `python tests/stdlib_gen/pycountry_eval.py tests/data/pycountry_synthetic.json >
//! tests/stdlib_gen/pycountry_synthetic_cases.json` (a python with pycountry).

#[path = "pycountry_common/mod.rs"]
mod common;

use ferrule_runtime::{imports, ops, Value};

#[test]
fn pycountry_matches_cpython_on_a_synthetic_database() {
    ferrule_runtime::stdlib::pycountry::install(include_str!("data/pycountry_synthetic.json"));
    let cases: serde_json::Value =
        serde_json::from_str(include_str!("stdlib_gen/pycountry_synthetic_cases.json")).unwrap();
    let n = common::assert_all_match(&cases);
    assert!(n > 1000, "only {n} cases");

    // The rule's pattern: `pycountry.countries.get(alpha_2=code.upper())`, then `.name`.
    let countries = imports::resolve("pycountry.countries").unwrap();
    let c = ops::call_method(&countries, "get", &[], &[("alpha_2", Value::str("zl"))]).unwrap();
    assert_eq!(
        ferrule_runtime::fmt::repr(&ops::getattr(&c, "name").unwrap()),
        "'Zeta Land'"
    );
    // The module object is one object, and so is each record.
    assert!(countries.is(&imports::resolve("pycountry.countries").unwrap()));
    let again = ops::call_method(&countries, "lookup", &[Value::str("ZLD")], &[]).unwrap();
    assert!(c.is(&again));
    // Other modules' databases are refused, never an AttributeError.
    let err = imports::resolve_value("pycountry.subdivisions").unwrap_err();
    let m = imports::import("pycountry").unwrap();
    let err2 = ops::getattr(&m, "subdivisions").unwrap_err();
    assert!(err2.is_refusal(), "{err2} / {err}");
}
