//! The module registry: every module of the contract imports, every export resolves as an
//! attribute chain, and exception classes are exposed.

use ferrule_runtime::ops::getattr;
use ferrule_runtime::stdlib::{import, ExcClassObject, EXPORTS};
use ferrule_runtime::{ExcKind, Value};

#[test]
fn modules_import() {
    for m in [
        "json",
        "re",
        "ipaddress",
        "fnmatch",
        "datetime",
        "urllib",
        "urllib.parse",
        "base64",
        "binascii",
        "shlex",
        "difflib",
        "math",
        "collections",
        "collections.abc",
        "functools",
        "typing",
        "os",
        "dateutil",
        "dateutil.parser",
        "uuid",
        "time",
        "logging",
        "pycountry",
    ] {
        assert!(import(m).is_some(), "{m}");
    }
    assert!(import("json.decoder").is_some(), "json.decoder");
    for m in ["requests", "codecs"] {
        assert!(import(m).is_none(), "{m}");
    }
}

fn resolve(dotted: &str) -> Option<Value> {
    let parts: Vec<&str> = dotted.split('.').collect();
    for split in (1..parts.len()).rev() {
        if let Some(mut v) = import(&parts[..split].join(".")) {
            for p in &parts[split..] {
                v = getattr(&v, p).ok()?;
            }
            return Some(v);
        }
    }
    None
}

#[test]
fn every_export_resolves() {
    for (py, _rust) in EXPORTS {
        assert!(resolve(py).is_some(), "{py}");
    }
    for name in [
        "typing.Any",
        "typing.Optional",
        "collections.abc.Mapping",
        "collections.OrderedDict",
        "os.environ",
        "re.IGNORECASE",
    ] {
        assert!(resolve(name).is_some(), "{name}");
    }
    assert!(resolve("json.nope").is_none());
}

#[test]
fn exception_classes() {
    for (name, kind) in [
        ("json.JSONDecodeError", ExcKind::JSONDecodeError),
        ("ipaddress.AddressValueError", ExcKind::AddressValueError),
        ("ipaddress.NetmaskValueError", ExcKind::NetmaskValueError),
        ("binascii.Error", ExcKind::BinasciiError),
    ] {
        let v = resolve(name).unwrap();
        assert_eq!(v.downcast::<ExcClassObject>().unwrap().0, kind);
    }
}

#[test]
fn abc_checks() {
    let mapping = resolve("collections.abc.Mapping").unwrap();
    let seq = resolve("collections.abc.Sequence").unwrap();
    let ty = |t: &Value| {
        t.downcast::<ferrule_runtime::value::TypeObject>()
            .unwrap()
            .check
    };
    assert!(ty(&mapping)(&Value::dict(Default::default())));
    assert!(!ty(&mapping)(&Value::list(vec![])));
    assert!(ty(&seq)(&Value::str("x")));
    assert!(!ty(&seq)(&Value::dict(Default::default())));
    let od = ferrule_runtime::stdlib::collections::ordered_dict(
        &[Value::list(vec![Value::tuple(vec![
            Value::str("a"),
            Value::Int(1),
        ])])],
        &[],
    )
    .unwrap();
    assert_eq!(ferrule_runtime::fmt::repr(&od), "OrderedDict([('a', 1)])");
    assert!(ty(&mapping)(&od));
}
