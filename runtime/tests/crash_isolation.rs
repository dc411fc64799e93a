//! A test that crashes the test process (an abort, a stack overflow, a panic) costs only its
//! own result: the runner records it as a refusal and resumes after it, with the module
//! state of the steps before it replayed.
//!
//! This is a `harness = false` test: run without arguments it is the test, starting itself
//! as a generated crate's `ferrule-tests` binary (`--jsonl FILE`), which in turn starts
//! itself as workers (`--worker …`).

use std::cell::Cell;
use std::hint::black_box;

use ferrule_runtime::detection::{AuxFns, DetectionDef, Kind, TestDef};
use ferrule_runtime::runner::Registry;
use ferrule_runtime::{Kwargs, PyResult, Value};

thread_local! {
    /// Module state: how many times `rule()` ran in this process.
    static CALLS: Cell<i64> = const { Cell::new(0) };
}

fn init() -> PyResult<()> {
    Ok(())
}

// On purpose: the test needs a Rust stack overflow.
#[allow(unconditional_recursion)]
#[inline(never)]
fn overflow(n: u64) -> u64 {
    let buf = black_box([n; 64]);
    overflow(buf[3] + 1) + buf[5]
}

/// `rule(event)`: counts its calls, then does what `event["do"]` says.
fn rule(args: &[Value], _kw: Kwargs) -> PyResult<Value> {
    CALLS.with(|c| c.set(c.get() + 1));
    let what = match &args[0] {
        Value::Object(_) => {
            ferrule_runtime::ops::call_method(&args[0], "get", &[Value::str("do")], &[])?
        }
        other => other.clone(),
    };
    let what = match what {
        Value::Str(s) => s.to_string(),
        _ => String::new(),
    };
    match what.as_str() {
        "abort" => std::process::abort(),
        "overflow" => Ok(Value::Int(overflow(0) as i64)),
        "panic" => panic!("a bug"),
        // `rule()` is true on the n-th call of this process.
        n => Ok(Value::Bool(CALLS.with(Cell::get).to_string() == n)),
    }
}

fn patch(_: &str, _: Value) -> PyResult<Option<Value>> {
    Ok(None)
}

fn unpatch(_: &str, _: Option<Value>) {}

const fn test(name: &'static str, event: &'static str) -> TestDef {
    TestDef {
        name,
        expected_json: "true",
        event_json: event,
        mocks: &[],
        expected_destinations: None,
        expected_fields: &[],
    }
}

static TESTS: [TestDef; 6] = [
    test("first call", r#"{"do": "1"}"#),
    test("aborts", r#"{"do": "abort"}"#),
    test("third call, second after the replay", r#"{"do": "2"}"#),
    test("overflows the stack", r#"{"do": "overflow"}"#),
    test("panics", r#"{"do": "panic"}"#),
    test("sixth call, fourth after the replays", r#"{"do": "4"}"#),
];

static DEF: DetectionDef = DetectionDef {
    id: "Crash.Isolation",
    kind: Kind::Rule,
    file: "rules/crash.yml",
    py_file: "rules/crash.py",
    display_name: "",
    severity: "Low",
    enabled: true,
    create_alert: true,
    init,
    matcher: rule,
    aux: AuxFns {
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
    },
    patch,
    unpatch,
    tests: &TESTS,
    state_modules: &[],
};

static DETECTIONS: [&DetectionDef; 1] = [&DEF];

static REGISTRY: Registry = Registry {
    detections: &DETECTIONS,
    data_models: &[],
    data_files: &[],
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--jsonl" || a == "--worker") {
        std::process::exit(ferrule_runtime::runner::main(&REGISTRY));
    }
    if args.iter().any(|a| a == "--list") {
        // `cargo test -- --list`: one test.
        println!("crash_isolation: test");
        return;
    }
    let out = std::env::temp_dir().join(format!("ferrule-crash-{}.jsonl", std::process::id()));
    let st = std::process::Command::new(std::env::current_exe().expect("own executable"))
        .arg("--jsonl")
        .arg(&out)
        .status()
        .expect("run the runner");
    assert_eq!(st.code(), Some(1), "some tests did not pass: exit 1");
    let text = std::fs::read_to_string(&out).expect("the JSONL file");
    let _ = std::fs::remove_file(&out);
    let recs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(recs.len(), 6, "every test has its record:\n{text}");
    let passed: Vec<bool> = recs.iter().map(|r| r["passed"] == true).collect();
    // The replays rebuild the module state before each crash: calls 1, 2 and 4 of the
    // surviving process line up with what the tests expect.
    assert_eq!(passed, [true, false, true, false, false, true], "{text}");
    let err = |i: usize| recs[i]["error"].as_str().unwrap_or_default().to_string();
    assert!(
        err(1).starts_with("NotImplementedError: ferrule runtime:"),
        "{}",
        err(1)
    );
    assert!(err(1).contains("SIGABRT"), "{}", err(1));
    assert!(
        err(3).contains("SIGSEGV") || err(3).contains("SIGABRT"),
        "{}",
        err(3)
    );
    assert!(err(4).contains("panic"), "{}", err(4));
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r["test"], TESTS[i].name, "records in order");
    }
    println!("test crash_isolation ... ok\n\ntest result: ok. 1 passed; 0 failed");
}
