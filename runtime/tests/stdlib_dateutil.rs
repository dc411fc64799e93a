//! `dateutil.parser.parse` against python-dateutil 2.9 with `TZ=UTC`
//! (regenerate with `TZ=UTC python3 tests/stdlib_gen/dateutil_cases.py`, dateutil installed).

use ferrule_runtime::fmt::{repr, str};
use ferrule_runtime::ops::call_method;
use ferrule_runtime::stdlib::dateutil_parser::parse;
use ferrule_runtime::Value;

include!("stdlib_gen/dateutil_cases.rs");

#[test]
fn parse_matches_dateutil() {
    for (input, expected) in DATEUTIL_CASES {
        let d = parse(&[Value::str(*input)], &[]).unwrap();
        let tzname = call_method(&d, "tzname", &[], &[]).unwrap();
        let got = repr(&Value::tuple(vec![d.clone(), tzname, Value::str(str(&d))]));
        assert_eq!(got, *expected, "{input}");
    }
}

#[test]
fn ambiguous_strings_are_unsupported() {
    for input in [
        "Jan 2 2020",
        "01/02/2020",
        "2020-13-01",
        "garbage",
        "2020-01-02T03:04:05 UTC",
    ] {
        let err = parse(&[Value::str(input)], &[]).unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ferrule_runtime::ExcKind::NotImplementedError),
            "{input}"
        );
    }
}
