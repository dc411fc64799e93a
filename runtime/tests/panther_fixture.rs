//! Detections of the oracle's fixture repository (`shared/oracle/selftest/fixture_repo`),
//! compiled by hand the way ferrule compiles them, run by the runner and compared field by
//! field with the oracle's records (`tests/data/fixture_oracle.jsonl`, written by
//! `oracle_v1.py` with PYTHONHASHSEED=0).

use std::rc::Rc;

use ferrule_runtime::detection::{
    AuxFns, DataModelDef, DetectionDef, Kind, MappingDef, MockDef, TestDef,
};
use ferrule_runtime::err::{ExcClass, ExcKind, ExcType};
use ferrule_runtime::module::Namespace;
use ferrule_runtime::runner::{self, Registry};
use ferrule_runtime::value::{Dict, PyObject, TypeObject};
use ferrule_runtime::{ops, Key, Kwargs, PyErr, PyResult, Value};

// ---------------------------------------------------------------------------------------
// What the compiler would emit through ops/methods (kept local while those are stubs).
// ---------------------------------------------------------------------------------------

fn s(x: &str) -> Value {
    Value::str(x)
}

/// `obj.get(key, default)` for events and plain dicts.
fn get_d(obj: &Value, key: &str, default: Value) -> PyResult<Value> {
    match obj {
        Value::Dict(d) => Ok(d
            .borrow()
            .get(&Key::from_str(key))
            .cloned()
            .unwrap_or(default)),
        _ => ops::call_method(obj, "get", &[s(key), default], &[]),
    }
}

fn get(obj: &Value, key: &str) -> PyResult<Value> {
    get_d(obj, key, Value::None)
}

fn is_mode(args: &[Value], m: &str) -> PyResult<bool> {
    Ok(ops::eq(&get(&args[0], "mode")?, &s(m)))
}

fn concat(a: &Value, b: &Value) -> PyResult<Value> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(Value::str(format!("{x}{y}"))),
        _ => Err(PyErr::type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            b.type_name()
        ))),
    }
}

fn isinstance(v: &Value, ty: &Value) -> bool {
    ty.downcast::<TypeObject>().is_some_and(|t| (t.check)(v))
}

fn no_init() -> PyResult<()> {
    Ok(())
}

fn no_patch(name: &str, _v: Value) -> PyResult<Option<Value>> {
    Err(PyErr::attribute_error(format!("no attribute {name}")))
}

fn no_unpatch(_name: &str, _old: Option<Value>) {}

fn always_true(_a: &[Value], _k: Kwargs) -> PyResult<Value> {
    Ok(Value::Bool(true))
}

const fn test(
    name: &'static str,
    expected_json: &'static str,
    event_json: &'static str,
) -> TestDef {
    TestDef {
        name,
        expected_json,
        event_json,
        mocks: &[],
        expected_destinations: None,
        expected_fields: &[],
    }
}

const fn rule(
    id: &'static str,
    file: &'static str,
    py_file: &'static str,
    severity: &'static str,
    matcher: ferrule_runtime::NativeFn,
    aux: AuxFns,
    tests: &'static [TestDef],
) -> DetectionDef {
    DetectionDef {
        id,
        kind: Kind::Rule,
        file,
        py_file,
        display_name: "",
        severity,
        enabled: true,
        create_alert: true,
        init: no_init,
        matcher,
        aux,
        patch: no_patch,
        unpatch: no_unpatch,
        tests,
        state_modules: &[],
    }
}

const NO_AUX: AuxFns = AuxFns {
    title: None,
    description: None,
    reference: None,
    severity: None,
    runbook: None,
    destinations: None,
    dedup: None,
    alert_context: None,
    unique: None,
    get_title: None,
    get_dedup: None,
    run: None,
    rule_object: None,
};

// ---------------------------------------------------------------------------------------
// edge_strings.py
// ---------------------------------------------------------------------------------------

fn strings_description(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    if is_mode(a, "raise")? {
        return Err(PyErr::value_error("d"));
    }
    Ok(Value::str("D".repeat(1001)))
}

fn strings_reference(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    if is_mode(a, "raise")? {
        return Ok(Value::None);
    }
    Ok(s("https://example.com"))
}

fn strings_runbook(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    if is_mode(a, "raise")? {
        return Err(PyErr::new(ExcKind::ZeroDivisionError, "division by zero"));
    }
    Ok(s("rb"))
}

fn strings_unique(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    if is_mode(a, "raise")? {
        return Err(PyErr::type_error("u"));
    }
    Ok(Value::str("u".repeat(1010)))
}

fn strings_destinations(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    let mode = get(&a[0], "mode")?;
    let m = mode.as_str().unwrap_or("");
    match m {
        "raise" => Err(PyErr::new(ExcKind::RuntimeError, "dest")),
        "empty" => Ok(Value::list(vec![])),
        "many" => Ok(Value::list(
            (0..12).map(|i| Value::str(format!("d{i}"))).collect(),
        )),
        "bool" => Ok(Value::list(vec![s("a"), Value::Bool(true)])),
        "none" => Ok(Value::None),
        _ => Ok(Value::list(vec![s("pager"), s("slack"), s("pager")])),
    }
}

static STRINGS: DetectionDef = rule(
    "Edge.Strings",
    "rules/edge_rules/edge_strings.yml",
    "rules/edge_rules/edge_strings.py",
    "Medium",
    always_true,
    AuxFns {
        description: Some(strings_description),
        reference: Some(strings_reference),
        runbook: Some(strings_runbook),
        unique: Some(strings_unique),
        destinations: Some(strings_destinations),
        ..NO_AUX
    },
    &[
        test("ok", "true", r#"{"mode": "ok"}"#),
        test("raise", "true", r#"{"mode": "raise"}"#),
        test("empty destinations", "true", r#"{"mode": "empty"}"#),
        test("many destinations", "true", r#"{"mode": "many"}"#),
        test("bool destination", "true", r#"{"mode": "bool"}"#),
        test("none destinations", "true", r#"{"mode": "none"}"#),
        TestDef {
            expected_destinations: Some(&["pager", "slack"]),
            expected_fields: &[],
            ..test("expected destinations ok", "true", r#"{"mode": "ok"}"#)
        },
        TestDef {
            expected_destinations: Some(&["pager"]),
            expected_fields: &[],
            ..test("expected destinations wrong", "true", r#"{"mode": "ok"}"#)
        },
        TestDef {
            expected_destinations: Some(&[]),
            expected_fields: &[],
            ..test("expected skip", "true", r#"{"mode": "empty"}"#)
        },
    ],
);

// ---------------------------------------------------------------------------------------
// edge_dedup.py
// ---------------------------------------------------------------------------------------

fn dedup_title(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    get_d(&a[0], "t", s(""))
}

fn dedup_dedup(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    let mode = get(&a[0], "mode")?;
    match mode.as_str() {
        Some("empty") => Ok(s("")),
        Some("raise") => Err(PyErr::value_error("no dedup for you")),
        Some("long") => Ok(Value::str("d".repeat(1500))),
        Some("none") => Ok(Value::None),
        _ => concat(&s("dedup-"), &mode),
    }
}

static DEDUP: DetectionDef = rule(
    "Edge.Dedup",
    "rules/edge_rules/edge_dedup.yml",
    "rules/edge_rules/edge_dedup.py",
    "Medium",
    always_true,
    AuxFns {
        title: Some(dedup_title),
        dedup: Some(dedup_dedup),
        ..NO_AUX
    },
    &[
        test("empty dedup", "true", r#"{"mode": "empty", "t": "x"}"#),
        test("raising dedup", "true", r#"{"mode": "raise", "t": "x"}"#),
        test("long dedup", "true", r#"{"mode": "long", "t": "x"}"#),
        test("none dedup", "true", r#"{"mode": "none", "t": "x"}"#),
        test("normal dedup", "true", r#"{"mode": "ok", "t": ""}"#),
    ],
);

// ---------------------------------------------------------------------------------------
// edge_alert_context.py (+ the Edge.DataModel data model)
// ---------------------------------------------------------------------------------------

/// `object()`.
struct PlainObject;

impl PyObject for PlainObject {
    fn type_name(&self) -> &str {
        "object"
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn ctx_alert_context(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    let ev = &a[0];
    let mode = get(ev, "mode")?;
    let mut d = Dict::default();
    match mode.as_str() {
        Some("big") => {
            d.insert(Key::from_str("blob"), Value::str("x".repeat(210 * 1024)));
        }
        Some("object") => {
            d.insert(Key::from_str("obj"), Value::object(PlainObject));
        }
        Some("nan") => {
            d.insert(Key::from_str("n"), Value::Float(f64::NAN));
        }
        Some("list") => return Ok(Value::list(vec![s("not"), s("a"), s("mapping")])),
        Some("raise") => return Err(PyErr::key_error(s("ctx"))),
        Some("event") => {
            d.insert(Key::from_str("whole"), ev.clone());
            d.insert(Key::from_str("nested"), get(ev, "nested")?);
            d.insert(Key::new(Value::Int(1))?, s("int key"));
        }
        _ => {
            d.insert(Key::from_str("ok"), Value::Bool(true));
            d.insert(
                Key::from_str("ip"),
                ops::call_method(ev, "udm", &[s("source_ip")], &[])?,
            );
            d.insert(
                Key::from_str("actor"),
                ops::call_method(ev, "udm", &[s("actor_user")], &[])?,
            );
        }
    }
    Ok(Value::dict(d))
}

fn dm_get_actor(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    let actor = get_d(&a[0], "actor", Value::dict(Dict::default()))?;
    get_d(&actor, "name", s("nobody"))
}

static EDGE_DATA_MODEL: DataModelDef = DataModelDef {
    id: "Edge.DataModel",
    log_types: &["Edge.Log"],
    mappings: &[
        MappingDef {
            name: "source_ip",
            path: Some("$.src.ip"),
            method: None,
            method_object: None,
        },
        MappingDef {
            name: "actor_user",
            path: None,
            method: Some(dm_get_actor),
            method_object: None,
        },
    ],
    pypanther_class: None,
};

static ALERT_CONTEXT: DetectionDef = rule(
    "Edge.AlertContext",
    "rules/edge_rules/edge_alert_context.yml",
    "rules/edge_rules/edge_alert_context.py",
    "Low",
    always_true,
    AuxFns {
        alert_context: Some(ctx_alert_context),
        ..NO_AUX
    },
    &[
        test("big", "true", r#"{"mode": "big"}"#),
        test("object", "true", r#"{"mode": "object"}"#),
        test("nan", "true", r#"{"mode": "nan"}"#),
        test("list", "true", r#"{"mode": "list"}"#),
        test("raise", "true", r#"{"mode": "raise"}"#),
        test(
            "event",
            "true",
            r#"{"mode": "event", "nested": {"a": [1, 2, {"b": null}]}}"#,
        ),
        test(
            "data model",
            "true",
            r#"{"mode": "dm", "p_log_type": "Edge.Log", "src": {"ip": "192.0.2.1"}, "actor": {"name": "alice"}}"#,
        ),
        test(
            "data model not for this log type",
            "true",
            r#"{"mode": "dm", "p_log_type": "Other.Log", "source_ip": "192.0.2.9"}"#,
        ),
    ],
);

// ---------------------------------------------------------------------------------------
// edge_severity.py
// ---------------------------------------------------------------------------------------

fn sev_severity(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    get_d(&a[0], "sev", s("DEFAULT"))
}

fn sev_title(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    Ok(Value::str(format!(
        "sev {}",
        ferrule_runtime::fmt::str(&get(&a[0], "sev")?)
    )))
}

static SEVERITY: DetectionDef = rule(
    "Edge.Severity",
    "rules/edge_rules/edge_severity.yml",
    "rules/edge_rules/edge_severity.py",
    "High",
    always_true,
    AuxFns {
        severity: Some(sev_severity),
        title: Some(sev_title),
        ..NO_AUX
    },
    &[
        test("default severity", "true", r#"{"p_log_type": "Edge.Log"}"#),
        test(
            "lower case severity",
            "true",
            r#"{"sev": "critical", "p_log_type": "Edge.Log"}"#,
        ),
        test(
            "invalid severity",
            "true",
            r#"{"sev": "bogus", "p_log_type": "Edge.Log"}"#,
        ),
        test(
            "non-string severity",
            "true",
            r#"{"sev": 3, "p_log_type": "Edge.Log"}"#,
        ),
    ],
);

// ---------------------------------------------------------------------------------------
// edge_title_raises.py
// ---------------------------------------------------------------------------------------

fn tr_rule(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    Ok(Value::Bool(get(&a[0], "hit")?.is(&Value::Bool(true))))
}

fn tr_title(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    let Value::Object(o) = &a[0] else {
        return Err(PyErr::type_error("not an event"));
    };
    let missing = o
        .getitem(&s("missing"))
        .unwrap_or_else(|| Err(PyErr::type_error("not subscriptable")))?;
    concat(&s("title "), &missing)
}

static TITLE_RAISES: DetectionDef = rule(
    "Edge.TitleRaises",
    "rules/edge_rules/edge_title_raises.yml",
    "rules/edge_rules/edge_title_raises.py",
    "Low",
    tr_rule,
    AuxFns {
        title: Some(tr_title),
        ..NO_AUX
    },
    &[
        test("hit", "true", r#"{"hit": true, "p_log_type": "Edge.Log"}"#),
        test(
            "miss",
            "false",
            r#"{"hit": false, "p_log_type": "Edge.Log"}"#,
        ),
    ],
);

// ---------------------------------------------------------------------------------------
// edge_rule_errors.py
// ---------------------------------------------------------------------------------------

fn re_rule(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    let ev = &a[0];
    let mode = get(ev, "mode")?;
    match mode.as_str() {
        Some("raise") => match ev {
            Value::Object(o) => o
                .getitem(&s("nope"))
                .unwrap_or_else(|| Err(PyErr::type_error("x"))),
            _ => Err(PyErr::type_error("x")),
        },
        Some("str") => Ok(s("yes")),
        Some("none") => Ok(Value::None),
        Some("exit") => {
            // `SystemExit` derives from BaseException only.
            let cls = Rc::new(ExcClass {
                name: "SystemExit".into(),
                builtin_base: ExcKind::BaseException,
                user_base: None,
                class: std::rc::Weak::new(),
            });
            Err(PyErr::with_args(ExcType::User(cls), vec![Value::Int(3)]))
        }
        _ => Ok(Value::Bool(false)),
    }
}

fn re_title(_a: &[Value], _k: Kwargs) -> PyResult<Value> {
    Ok(s("never"))
}

static RULE_ERRORS: DetectionDef = rule(
    "Edge.RuleErrors",
    "rules/edge_rules/edge_rule_errors.yml",
    "rules/edge_rules/edge_rule_errors.py",
    "Low",
    re_rule,
    AuxFns {
        title: Some(re_title),
        ..NO_AUX
    },
    &[
        test("raise expected false", "false", r#"{"mode": "raise"}"#),
        test("raise expected true", "true", r#"{"mode": "raise"}"#),
        test("non-bool", "true", r#"{"mode": "str"}"#),
        test("none", "false", r#"{"mode": "none"}"#),
        test("exit", "false", r#"{"mode": "exit"}"#),
        test("not a mapping", "false", r#""just a string""#),
    ],
);

// ---------------------------------------------------------------------------------------
// edge_mocks.py (imports MagicMock and two global helpers; mocked in tests)
// ---------------------------------------------------------------------------------------

const M_MAGICMOCK: usize = 0;
const M_LOOKUP_OWNER: usize = 1;
const M_SHOUT: usize = 2;
const M_ALLOW: usize = 3;

thread_local! {
    static MOCKS_NS: Namespace = Namespace::new(
        "Edge.Mocks",
        &["MagicMock", "lookup_owner", "shout", "ALLOW", "rule", "title"],
    );
}

fn helper_shout(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    Ok(Value::str(ferrule_runtime::fmt::str(&a[0]).to_uppercase()))
}

fn helper_lookup_owner(_a: &[Value], _k: Kwargs) -> PyResult<Value> {
    Ok(s("real-owner"))
}

fn mocks_init() -> PyResult<()> {
    MOCKS_NS.with(|ns| {
        ns.init(|| {
            ns.set(M_MAGICMOCK, ferrule_runtime::mock::magicmock_type());
            ns.set(
                M_LOOKUP_OWNER,
                Value::func("lookup_owner", helper_lookup_owner),
            );
            ns.set(M_SHOUT, Value::func("shout", helper_shout));
            ns.set(M_ALLOW, s("[]"));
            ns.set(4, Value::func("rule", mocks_rule));
            ns.set(5, Value::func("title", mocks_title));
            Ok(())
        })
    })
}

fn g(slot: usize) -> PyResult<Value> {
    MOCKS_NS.with(|ns| ns.get(slot))
}

fn mocks_rule(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    let owner = ops::call(&g(M_LOOKUP_OWNER)?, &[get(&a[0], "name")?], &[])?;
    Ok(Value::Bool(ops::eq(&owner, &s("mock-owner"))))
}

fn mocks_title(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    let allow_v = g(M_ALLOW)?;
    let allow = if isinstance(&allow_v, &g(M_MAGICMOCK)?) {
        ops::call(&allow_v, &[], &[])?
    } else {
        allow_v
    };
    let owner = ops::call(&g(M_LOOKUP_OWNER)?, &[get(&a[0], "name")?], &[])?;
    let text = format!(
        "owner {} allow={}",
        ferrule_runtime::fmt::str(&owner),
        ferrule_runtime::fmt::str(&allow)
    );
    ops::call(&g(M_SHOUT)?, &[Value::str(text)], &[])
}

fn mocks_patch(name: &str, v: Value) -> PyResult<Option<Value>> {
    MOCKS_NS.with(|ns| ns.patch(name, v))
}

fn mocks_unpatch(name: &str, old: Option<Value>) {
    MOCKS_NS.with(|ns| ns.unpatch(name, old))
}

static MOCKS: DetectionDef = DetectionDef {
    init: mocks_init,
    patch: mocks_patch,
    unpatch: mocks_unpatch,
    ..rule(
        "Edge.Mocks",
        "rules/edge_rules/edge_mocks.yml",
        "rules/edge_rules/edge_mocks.py",
        "Low",
        mocks_rule,
        AuxFns {
            title: Some(mocks_title),
            ..NO_AUX
        },
        &[
            TestDef {
                mocks: &[
                    MockDef {
                        name: "lookup_owner",
                        return_json: r#""mock-owner""#,
                    },
                    MockDef {
                        name: "ALLOW",
                        return_json: r#""[\"a\"]""#,
                    },
                ],
                ..test("mocked", "true", r#"{"name": "n"}"#)
            },
            test("not mocked", "false", r#"{"name": "n"}"#),
            TestDef {
                mocks: &[MockDef {
                    name: "does_not_exist",
                    return_json: r#""x""#,
                }],
                ..test("mock of a missing attribute", "true", r#"{"name": "n"}"#)
            },
        ],
    )
};

// ---------------------------------------------------------------------------------------
// edge_state.py (a global handed from alert_context() to reference() of the next test)
// ---------------------------------------------------------------------------------------

thread_local! {
    static STATE_NS: Namespace = Namespace::new("Edge.State", &["LAST"]);
}

fn state_init() -> PyResult<()> {
    STATE_NS.with(|ns| {
        ns.init(|| {
            ns.set(0, s("none"));
            Ok(())
        })
    })
}

fn state_reference(_a: &[Value], _k: Kwargs) -> PyResult<Value> {
    concat(&s("ref-after-"), &STATE_NS.with(|ns| ns.get(0))?)
}

fn state_alert_context(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    let last = get_d(&a[0], "id", s("?"))?;
    STATE_NS.with(|ns| ns.set(0, last.clone()));
    let mut d = Dict::default();
    d.insert(Key::from_str("id"), last);
    Ok(Value::dict(d))
}

static STATE: DetectionDef = DetectionDef {
    init: state_init,
    ..rule(
        "Edge.State",
        "rules/edge_rules/edge_state.yml",
        "rules/edge_rules/edge_state.py",
        "Low",
        always_true,
        AuxFns {
            reference: Some(state_reference),
            alert_context: Some(state_alert_context),
            ..NO_AUX
        },
        &[
            test("first", "true", r#"{"id": "one"}"#),
            test("second", "true", r#"{"id": "two"}"#),
        ],
    )
};

// ---------------------------------------------------------------------------------------
// edge_policy.py (policies get the raw, mutable dict)
// ---------------------------------------------------------------------------------------

fn policy_policy(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    let Value::Dict(d) = &a[0] else {
        return Err(PyErr::type_error("not a dict"));
    };
    d.borrow_mut()
        .insert(Key::from_str("touched"), Value::Bool(true));
    get_d(&a[0], "Encrypted", Value::Bool(false))
}

fn policy_title(a: &[Value], _k: Kwargs) -> PyResult<Value> {
    Ok(Value::str(format!(
        "Unencrypted {} touched={}",
        ferrule_runtime::fmt::str(&get(&a[0], "Name")?),
        ferrule_runtime::fmt::str(&get(&a[0], "touched")?)
    )))
}

static POLICY: DetectionDef = DetectionDef {
    kind: Kind::Policy,
    ..rule(
        "Edge.Policy",
        "policies/edge_policies/edge_policy.yml",
        "policies/edge_policies/edge_policy.py",
        "High",
        policy_policy,
        AuxFns {
            title: Some(policy_title),
            ..NO_AUX
        },
        &[
            test("compliant", "true", r#"{"Name": "a", "Encrypted": true}"#),
            test(
                "non compliant",
                "false",
                r#"{"Name": "b", "Encrypted": false}"#,
            ),
        ],
    )
};

static REGISTRY: Registry = Registry {
    detections: &[
        &POLICY,
        &ALERT_CONTEXT,
        &DEDUP,
        &MOCKS,
        &RULE_ERRORS,
        &SEVERITY,
        &STATE,
        &STRINGS,
        &TITLE_RAISES,
    ],
    data_models: &[&EDGE_DATA_MODEL],
    data_files: &[],
};

// ---------------------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------------------

const FIELDS: &[&str] = &[
    "record",
    "id",
    "file",
    "type",
    "test",
    "expected",
    "result",
    "error",
    "passed",
    "alert",
    "title",
    "dedup",
    "severity",
    "alert_context",
    "description",
    "reference",
    "runbook",
    "destinations",
    "unique",
    "aux_errors",
];

#[test]
fn records_equal_the_oracle() {
    runner::set_repo_root("/work/shared/oracle/selftest/fixture_repo");
    let expected: Vec<serde_json::Value> = include_str!("data/fixture_oracle.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("oracle JSON"))
        .collect();
    let records = runner::run_all(&REGISTRY, &[]);
    assert_eq!(records.len(), expected.len());
    let mut failures = Vec::new();
    for (rec, want) in records.iter().zip(&expected) {
        let line = rec.to_json();
        let got: serde_json::Value = serde_json::from_str(&line).expect("record JSON");
        for f in FIELDS {
            if got.get(f) != want.get(f) {
                failures.push(format!(
                    "{} / {}: {f}: expected {} got {}",
                    want["id"],
                    want["test"],
                    want.get(f).map(|v| v.to_string()).unwrap_or_default(),
                    got.get(f).map(|v| v.to_string()).unwrap_or_default()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn check_test_reports_the_pat_verdict() {
    // Edge.State / second passes only after the first test ran in the same module.
    assert_eq!(runner::check_test(&REGISTRY, 6, 1), Ok(()));
    assert_eq!(runner::check_test(&REGISTRY, 3, 0), Ok(()));
    let err = runner::check_test(&REGISTRY, 3, 2).expect_err("missing attribute");
    assert!(
        err.contains("does not have the attribute 'does_not_exist'"),
        "{err}"
    );
    let err = runner::check_test(&REGISTRY, 8, 0).expect_err("title raises");
    assert!(err.contains("KeyError: 'missing'"), "{err}");
}

#[test]
fn record_lines_have_the_oracle_layout() {
    runner::set_repo_root("/work/shared/oracle/selftest/fixture_repo");
    let records = runner::run_all(&REGISTRY, &["Edge.Mocks".to_string()]);
    let lines: Vec<String> = records.iter().map(|r| r.to_json()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        r#"{"record": "test", "id": "Edge.Mocks", "file": "rules/edge_rules/edge_mocks.yml", "type": "RULE", "test": "mocked", "expected": true, "result": true, "error": null, "passed": true, "alert": true, "title": "OWNER MOCK-OWNER ALLOW=[\"A\"]", "dedup": "OWNER MOCK-OWNER ALLOW=[\"A\"]", "severity": null, "alert_context": null, "description": null, "reference": null, "runbook": null, "destinations": null, "unique": null, "aux_errors": {}}"#
    );
    assert_eq!(
        lines[2],
        r#"{"record": "test", "id": "Edge.Mocks", "file": "rules/edge_rules/edge_mocks.yml", "type": "RULE", "test": "mock of a missing attribute", "expected": true, "result": null, "error": "harness: AttributeError: <module 'Edge.Mocks' from '/work/shared/oracle/selftest/fixture_repo/rules/edge_rules/edge_mocks.py'> does not have the attribute 'does_not_exist'", "passed": false, "alert": false}"#
    );
}

#[test]
fn batch_mode_gives_the_live_view() {
    // Detection.run(batch_mode=True) must produce what live_view derives from a PAT run.
    use ferrule_runtime::detection::{live_view, run};
    use ferrule_runtime::event::{panther_event, value_from_json};
    for def in [&STRINGS, &DEDUP, &SEVERITY, &TITLE_RAISES, &ALERT_CONTEXT] {
        for t in def.tests {
            let ev = || panther_event(value_from_json(t.event_json).expect("event"), None);
            let pat = run(def, &ev(), false);
            let live = run(def, &ev(), true);
            assert_eq!(pat.trigger_alert, live.trigger_alert);
            if !pat.trigger_alert {
                assert!(live.title.output.is_none() && !live.title.defined);
                continue;
            }
            let view = live_view(def, &pat);
            let name = format!("{} / {}", def.id, t.name);
            assert_eq!(view.title, live.title.output, "{name}");
            assert_eq!(view.dedup, live.dedup.output, "{name}");
            assert_eq!(
                view.severity,
                live.severity
                    .output
                    .or(None)
                    .filter(|_| live.severity.defined),
                "{name}"
            );
            assert_eq!(view.alert_context, live.alert_context.output, "{name}");
            assert_eq!(view.description, live.description.output, "{name}");
            assert_eq!(view.reference, live.reference.output, "{name}");
            assert_eq!(view.runbook, live.runbook.output, "{name}");
            assert_eq!(view.destinations, live.destinations.output, "{name}");
            assert_eq!(view.unique, live.unique.output, "{name}");
        }
    }
}

#[test]
fn bench_mode_covers_every_test_without_mocks() {
    // `--bench`: one pair per unit test without Mocks, as oracle/bench_v1.py builds them.
    let out: serde_json::Value =
        serde_json::from_str(&runner::bench(&REGISTRY, &[], 0.0)).expect("bench prints JSON");
    let tests: Vec<_> = REGISTRY.detections.iter().flat_map(|d| d.tests).collect();
    let with_mocks = tests.iter().filter(|t| !t.mocks.is_empty()).count() as u64;
    assert!(with_mocks > 0);
    let unbuildable = out["skipped"]["test events that cannot be built"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(out["skipped"]["test events needing Mocks"], with_mocks);
    assert_eq!(
        out["pairs"].as_u64(),
        Some(tests.len() as u64 - with_mocks - unbuildable)
    );
    for m in ["full_detection_run", "rule_only"] {
        assert!(out[m]["reps"].as_u64().is_some_and(|r| r >= 5), "{m}");
        assert!(
            out[m]["evals_per_s"].as_f64().is_some_and(|r| r > 0.0),
            "{m}"
        );
    }
    let ids: Vec<&str> = REGISTRY.detections.iter().map(|d| d.id).collect();
    assert_eq!(out["detections"], serde_json::json!(ids));
}
