//! time, uuid, logging, utf-16-le decoding, datetime.timetuple and
//! PantherEvent.event_time_epoch against outcomes recorded from CPython 3.11 and
//! panther_core 0.16.3 (regenerate with
//! `/work/.venv-pat/bin/python tests/stdlib_gen/stdlib2_cases.py > tests/stdlib_gen/stdlib2_cases.rs`
//! from `runtime/`).

use ferrule_runtime::event::{panther_event, value_from_json};
use ferrule_runtime::fmt::repr;
use ferrule_runtime::ops::{call_method, getattr};
use ferrule_runtime::stdlib::{datetime, logging, time, uuid};
use ferrule_runtime::{PyResult, Value};

include!("stdlib_gen/stdlib2_cases.rs");

fn num(x: &str) -> Value {
    if x.contains(['.', 'e']) {
        Value::Float(x.parse().unwrap())
    } else {
        Value::Int(x.parse().unwrap())
    }
}

fn bytes_of(hex: &str) -> Value {
    let b: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    Value::Bytes(b.into())
}

fn event(json: &str) -> Value {
    panther_event(value_from_json(json).expect("json"), None)
}

fn run(op: &str, a: &str, b: &str) -> PyResult<Value> {
    let s = || Value::str(a);
    match op {
        "uuid" => {
            let u = uuid::uuid_new(&[s()], &[])?;
            Ok(Value::tuple(vec![
                Value::str(ferrule_runtime::fmt::str(&u).as_str()),
                getattr(&u, "hex")?,
                getattr(&u, "version")?,
                Value::str(repr(&u).as_str()),
            ]))
        }
        "uuid_eq" => {
            let u = |x: &str| uuid::uuid_new(&[Value::str(x)], &[]);
            let c = u("urn:uuid:12345678-1234-4678-9234-567812345678")?;
            Ok(Value::tuple(vec![
                Value::Bool(ferrule_runtime::ops::eq(&u(a)?, &u(b)?)),
                Value::Bool(ferrule_runtime::ops::eq(&u(a)?, &s())),
                Value::Bool(ferrule_runtime::ops::lt(&u(a)?, &c)?),
            ]))
        }
        "uuid_lt_str" => {
            ferrule_runtime::ops::lt(&uuid::uuid_new(&[s()], &[])?, &s()).map(Value::Bool)
        }
        "gmtime" => time::gmtime(&[num(a)], &[]),
        "gmtime_zone" => {
            let t = time::gmtime(&[num(a)], &[])?;
            Ok(Value::tuple(vec![
                getattr(&t, "tm_zone")?,
                getattr(&t, "tm_gmtoff")?,
            ]))
        }
        "strftime" => {
            let t = time::gmtime(&[num(a)], &[])?;
            time::strftime(&[Value::str(b), t], &[])
        }
        "gmtime_nan" => time::gmtime(&[Value::Float(f64::NAN)], &[]),
        "gmtime_str" => time::gmtime(&[Value::str("1")], &[]),
        "timetuple" | "timetuple_zone" => {
            let d = datetime::fromisoformat(&[s()], &[])?;
            let t = call_method(&d, "timetuple", &[], &[])?;
            if op == "timetuple" {
                Ok(t)
            } else {
                Ok(Value::tuple(vec![getattr(&t, "tm_zone")?]))
            }
        }
        "utf16le" => call_method(&bytes_of(a), "decode", &[Value::str("utf-16-le")], &[]),
        "utf16" => call_method(&bytes_of(a), "decode", &[Value::str("utf-16")], &[]),
        "utf16be" => call_method(&bytes_of(a), "decode", &[Value::str("utf-16-be")], &[]),
        "utf16le_alias" => call_method(&bytes_of(a), "decode", &[Value::str("UTF_16LE")], &[]),
        "event_time_epoch" => {
            let raw = format!("{{\"p_event_time\": {}}}", repr(&s()).replace('\'', "\""));
            call_method(&event(&raw), "event_time_epoch", &[], &[])
        }
        "event_time_epoch_missing" => call_method(&event("{}"), "event_time_epoch", &[], &[]),
        "event_time_epoch_int" => call_method(
            &event("{\"p_event_time\": 5}"),
            "event_time_epoch",
            &[],
            &[],
        ),
        "logging" => {
            let l = logging::get_logger(&[s()], &[])?;
            let d = call_method(&l, "debug", &[Value::str("x %s"), Value::Int(1)], &[])?;
            let i = call_method(&l, "info", &[Value::str("y")], &[])?;
            Ok(Value::tuple(vec![d, i]))
        }
        "logging_module" => {
            let debug = ferrule_runtime::stdlib::logging::attr("debug").unwrap();
            let info = ferrule_runtime::stdlib::logging::attr("info").unwrap();
            let d = ferrule_runtime::ops::call(&debug, &[Value::str("x %s"), Value::Int(1)], &[])?;
            let i = ferrule_runtime::ops::call(
                &info,
                &[Value::str("y %d"), Value::str("not a number")],
                &[],
            )?;
            Ok(Value::tuple(vec![d, i]))
        }
        "logging_name" => getattr(&logging::get_logger(&[s()], &[])?, "name"),
        "mktime" => {
            let d = datetime::fromisoformat(&[s()], &[])?;
            time::mktime(&[call_method(&d, "timetuple", &[], &[])?], &[])
        }
        "strftime_s" => {
            let d = datetime::fromisoformat(&[s()], &[])?;
            call_method(&d, "strftime", &[Value::str("%s")], &[])
        }
        "mktime_gmtime" => time::mktime(&[time::gmtime(&[num(a)], &[])?], &[]),
        _ => panic!("op {op}"),
    }
}

#[test]
fn time_uuid_logging_codecs_match_cpython() {
    let mut failures = Vec::new();
    for (op, a, b, expected) in STDLIB2_CASES {
        let got = match run(op, a, b) {
            Ok(v) => repr(&v),
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
