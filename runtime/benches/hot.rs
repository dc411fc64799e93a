//! Criterion benchmarks of the runtime operations compiled detections spend their time in:
//! event access, data models, str methods, f-strings, `json.loads`, `re.search` and a whole
//! `Detection.run` of a small hand-written rule.
//!
//! `cargo bench -p ferrule-runtime --bench hot` measures; `cargo test` runs each benchmark
//! once as a smoke test. The operations are called the way generated code calls them
//! (`rt::ops::call_method(&event, "get", &[key], &[])` and so on); literals are built once,
//! outside the timed loop.

use std::hint::black_box;
use std::rc::Rc;

use criterion::{criterion_group, criterion_main, Criterion};
use ferrule_runtime::datamodel::DataModel;
use ferrule_runtime::detection::{
    self, AuxFns, DataModelDef, DetectionDef, Kind, MappingDef, TestDef,
};
use ferrule_runtime::event::{panther_event, value_from_json};
use ferrule_runtime::ops::{self, CmpOp};
use ferrule_runtime::stdlib::{json, re};
use ferrule_runtime::{fmt, Kwargs, PyResult, Value};

/// A CloudTrail-like event: a dozen top-level keys, nested dicts and a list of dicts.
const EVENT: &str = r#"{
    "eventVersion": "1.08",
    "eventTime": "2024-01-01T00:00:00Z",
    "eventSource": "signin.amazonaws.com",
    "eventName": "ConsoleLogin",
    "awsRegion": "us-east-1",
    "sourceIPAddress": "198.51.100.7",
    "userAgent": "Mozilla/5.0 (X11; Linux x86_64)",
    "userIdentity": {
        "type": "Root",
        "arn": "arn:aws:iam::123456789012:root",
        "accountId": "123456789012",
        "sessionContext": {"attributes": {"mfaAuthenticated": "false"}}
    },
    "responseElements": {"ConsoleLogin": "Success"},
    "resources": [
        {"ARN": "arn:aws:s3:::a", "type": "AWS::S3::Bucket"},
        {"ARN": "arn:aws:s3:::b", "type": "AWS::S3::Bucket"},
        {"ARN": "arn:aws:s3:::a", "type": "AWS::S3::Bucket"}
    ],
    "recipientAccountId": "123456789012",
    "p_log_type": "AWS.CloudTrail"
}"#;

fn s(x: &str) -> Value {
    Value::str(x)
}

fn user_type(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    ops::call_method(&args[0], "deep_get", &[s("userIdentity"), s("type")], &[])
}

static DM: DataModelDef = DataModelDef {
    id: "Bench.CloudTrail",
    log_types: &["AWS.CloudTrail"],
    mappings: &[
        MappingDef {
            name: "source_ip",
            path: Some("$.sourceIPAddress"),
            method: None,
            method_object: None,
        },
        MappingDef {
            name: "actor_user",
            path: Some("$.userIdentity.arn"),
            method: None,
            method_object: None,
        },
        MappingDef {
            name: "user_type",
            path: None,
            method: Some(user_type),
            method_object: None,
        },
    ],
    pypanther_class: None,
};

fn event() -> Value {
    let model = Rc::new(DataModel::new(&DM));
    panther_event(value_from_json(EVENT).expect("valid JSON"), Some(model))
}

// ---------------------------------------------------------------------------------------
// A small rule, written as ferrule would compile it:
//
//     def rule(event):
//         if event.get("eventName") != "ConsoleLogin":
//             return False
//         if event.deep_get("userIdentity", "type") != "Root":
//             return False
//         return event.deep_get("responseElements", "ConsoleLogin") == "Success"
//
//     def title(event):
//         return f"Root console login from {event.udm('source_ip')}"
//
//     def alert_context(event):
//         return {"ip": event.get("sourceIPAddress"), "region": event.get("awsRegion")}
// ---------------------------------------------------------------------------------------

fn rule(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    let event = &args[0];
    let name = ops::call_method(event, "get", &[s("eventName")], &[])?;
    if ops::compare(CmpOp::Ne, &name, &s("ConsoleLogin"))? {
        return Ok(Value::Bool(false));
    }
    let t = ops::call_method(event, "deep_get", &[s("userIdentity"), s("type")], &[])?;
    if ops::compare(CmpOp::Ne, &t, &s("Root"))? {
        return Ok(Value::Bool(false));
    }
    let r = ops::call_method(
        event,
        "deep_get",
        &[s("responseElements"), s("ConsoleLogin")],
        &[],
    )?;
    Ok(Value::Bool(ops::compare(CmpOp::Eq, &r, &s("Success"))?))
}

fn title(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    let mut out = String::new();
    out.push_str("Root console login from ");
    let ip = ops::call_method(&args[0], "udm", &[s("source_ip")], &[])?;
    out.push_str(&fmt::format(&ip, "")?);
    Ok(Value::from(out))
}

fn alert_context(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    let d = ferrule_runtime::call::new_dict();
    let ip = ops::call_method(&args[0], "get", &[s("sourceIPAddress")], &[])?;
    ferrule_runtime::call::dict_set(&d, s("ip"), ip)?;
    let region = ops::call_method(&args[0], "get", &[s("awsRegion")], &[])?;
    ferrule_runtime::call::dict_set(&d, s("region"), region)?;
    Ok(d)
}

fn no_init() -> PyResult<()> {
    Ok(())
}

fn no_patch(_: &str, _: Value) -> PyResult<Option<Value>> {
    Ok(None)
}

fn no_unpatch(_: &str, _: Option<Value>) {}

static TESTS: &[TestDef] = &[];

static RULE: DetectionDef = DetectionDef {
    id: "Bench.Root.Login",
    kind: Kind::Rule,
    file: "rules/bench.yml",
    py_file: "rules/bench.py",
    display_name: "",
    severity: "High",
    enabled: true,
    create_alert: true,
    init: no_init,
    matcher: rule,
    aux: AuxFns {
        title: Some(title),
        description: None,
        reference: None,
        severity: None,
        runbook: None,
        destinations: None,
        dedup: None,
        alert_context: Some(alert_context),
        unique: None,
        get_title: None,
        get_dedup: None,
        run: None,
        rule_object: None,
    },
    patch: no_patch,
    unpatch: no_unpatch,
    tests: TESTS,
    state_modules: &[],
};

// ---------------------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------------------

fn event_access(c: &mut Criterion) {
    let ev = event();
    let exact = s("eventName");
    let other_case = s("EVENTNAME");
    let missing = s("errorCode");
    let nested = [
        s("userIdentity"),
        s("sessionContext"),
        s("attributes"),
        s("mfaAuthenticated"),
    ];
    let nested_ci = [
        s("useridentity"),
        s("SessionContext"),
        s("attributes"),
        s("MFAAuthenticated"),
    ];
    let walk = [s("resources"), s("ARN")];
    let mut g = c.benchmark_group("event");
    g.bench_function("get_exact", |b| {
        b.iter(|| ops::call_method(black_box(&ev), "get", std::slice::from_ref(&exact), &[]))
    });
    g.bench_function("getitem_exact", |b| {
        b.iter(|| ops::getitem(black_box(&ev), &exact))
    });
    g.bench_function("get_case_insensitive", |b| {
        b.iter(|| {
            ops::call_method(
                black_box(&ev),
                "get",
                std::slice::from_ref(&other_case),
                &[],
            )
        })
    });
    g.bench_function("get_missing", |b| {
        b.iter(|| ops::call_method(black_box(&ev), "get", std::slice::from_ref(&missing), &[]))
    });
    g.bench_function("in_exact", |b| {
        b.iter(|| ops::contains(black_box(&ev), &exact))
    });
    g.bench_function("get_nested_dict", |b| {
        b.iter(|| ops::getitem(black_box(&ev), &nested[0]))
    });
    g.bench_function("deep_get_4_exact", |b| {
        b.iter(|| ops::call_method(black_box(&ev), "deep_get", &nested, &[]))
    });
    g.bench_function("deep_get_4_case_insensitive", |b| {
        b.iter(|| ops::call_method(black_box(&ev), "deep_get", &nested_ci, &[]))
    });
    g.bench_function("deep_walk_list", |b| {
        b.iter(|| ops::call_method(black_box(&ev), "deep_walk", &walk, &[]))
    });
    g.bench_function("udm_path_mapping", |b| {
        b.iter(|| ops::call_method(black_box(&ev), "udm", &[s("source_ip")], &[]))
    });
    g.bench_function("udm_nested_path_mapping", |b| {
        b.iter(|| ops::call_method(black_box(&ev), "udm", &[s("actor_user")], &[]))
    });
    g.bench_function("udm_method_mapping", |b| {
        b.iter(|| ops::call_method(black_box(&ev), "udm", &[s("user_type")], &[]))
    });
    g.finish();
}

fn strings(c: &mut Criterion) {
    let agent = s("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36");
    let prefix = s("Mozilla/");
    let needle = s("Linux");
    let ip = s("198.51.100.7");
    let n = Value::Int(42);
    let mut g = c.benchmark_group("str");
    g.bench_function("lower", |b| {
        b.iter(|| ops::call_method(black_box(&agent), "lower", &[], &[]))
    });
    g.bench_function("startswith", |b| {
        b.iter(|| {
            ops::call_method(
                black_box(&agent),
                "startswith",
                std::slice::from_ref(&prefix),
                &[],
            )
        })
    });
    g.bench_function("in", |b| {
        b.iter(|| ops::contains(black_box(&agent), &needle))
    });
    // f"Login from {ip} ({n} attempts)", as the compiler emits f-strings.
    g.bench_function("fstring", |b| {
        b.iter(|| -> PyResult<Value> {
            let mut out = String::new();
            out.push_str("Login from ");
            out.push_str(&fmt::format(black_box(&ip), "")?);
            out.push_str(" (");
            out.push_str(&fmt::format(black_box(&n), "")?);
            out.push_str(" attempts)");
            Ok(Value::from(out))
        })
    });
    g.finish();
}

fn stdlib(c: &mut Criterion) {
    let doc = s(r#"{"user": "alice", "groups": ["admin", "dev"], "mfa": true, "age": 31}"#);
    let pattern = s(r"arn:aws:iam::\d{12}:(root|user/\w+)");
    let arn = s("arn:aws:iam::123456789012:root");
    let mut g = c.benchmark_group("stdlib");
    g.bench_function("json_loads_small", |b| {
        b.iter(|| json::loads(std::slice::from_ref(black_box(&doc)), &[]))
    });
    g.bench_function("re_search", |b| {
        b.iter(|| re::search(&[pattern.clone(), black_box(&arn).clone()], &[]))
    });
    g.finish();
}

fn detection_run(c: &mut Criterion) {
    let alerting = event();
    let mut quiet = value_from_json(EVENT).expect("valid JSON");
    if let Value::Dict(d) = &mut quiet {
        d.borrow_mut()
            .insert(ferrule_runtime::Key::from_str("eventName"), s("GetObject"));
    }
    let quiet = panther_event(quiet, None);
    // The rule must behave as written, or the numbers measure something else.
    assert!(detection::run(&RULE, &alerting, true).trigger_alert);
    assert!(!detection::run(&RULE, &quiet, true).trigger_alert);
    let mut g = c.benchmark_group("detection");
    g.bench_function("run_alerting", |b| {
        b.iter(|| detection::run(&RULE, black_box(&alerting), true))
    });
    g.bench_function("run_not_alerting", |b| {
        b.iter(|| detection::run(&RULE, black_box(&quiet), true))
    });
    g.bench_function("build_event", |b| {
        let model = Rc::new(DataModel::new(&DM));
        b.iter(|| {
            panther_event(
                value_from_json(black_box(EVENT)).expect("valid JSON"),
                Some(model.clone()),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, event_access, strings, stdlib, detection_run);
criterion_main!(benches);
