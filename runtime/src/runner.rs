//! Runs the unit tests of a set of compiled detections in PAT's order and writes the
//! records of `ferrule test --jsonl`.
//!
//! Everything runs sequentially in one thread, so module state carries over between tests
//! (and between detections, through shared helper modules) exactly as in the one CPython
//! process of `panther_analysis_tool test`. The records reproduce the oracle's
//! (`oracle_v1.py`) `test`, `load_error` and `no_tests` records.

use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use crate::datamodel::DataModel;
use crate::detection::{self, DataModelDef, DetectionDef, DetectionResult, Kind, LiveView};
use crate::err::{ExcKind, PyErr, PyResult};
use crate::event::{panther_event, value_from_json};
use crate::value::{Dict, Key, Value};

// ---------------------------------------------------------------------------------------
// json.dumps
// ---------------------------------------------------------------------------------------

/// The hook `json.dumps(default=...)` calls for values it cannot encode.
pub type JsonDefault<'a> = &'a dyn Fn(&Value) -> PyResult<Value>;

/// `json.dumps(v, allow_nan=allow_nan, default=default)` with the default separators and
/// `ensure_ascii=True`, exactly as CPython's C encoder writes it. Without `default`, a value
/// that is not JSON raises `TypeError: Object of type X is not JSON serializable`.
pub fn json_dumps(v: &Value, allow_nan: bool, default: Option<JsonDefault>) -> PyResult<String> {
    let mut enc = Encoder {
        out: String::new(),
        allow_nan,
        default,
        markers: Vec::new(),
    };
    enc.encode(v, 0)?;
    Ok(enc.out)
}

struct Encoder<'a> {
    out: String,
    allow_nan: bool,
    default: Option<JsonDefault<'a>>,
    markers: Vec<usize>,
}

/// `type(v).__name__`, which differs from the qualified name in other messages for some
/// objects.
pub fn class_name(v: &Value) -> &str {
    if crate::decimal::as_decimal(v).is_some() {
        return "Decimal";
    }
    v.type_name()
}

/// `repr(type(v))` for the TypeError messages of JSON encoding.
pub fn class_repr(v: &Value) -> PyResult<String> {
    if crate::decimal::as_decimal(v).is_some() {
        return Ok("<class 'decimal.Decimal'>".to_string());
    }
    let name = v.type_name().to_string();
    let module = match v {
        Value::Object(o) => match o.type_name() {
            "datetime" | "date" | "time" | "timedelta" | "timezone" => "datetime",
            "Pattern" | "Match" => "re",
            "IPv4Address" | "IPv6Address" | "IPv4Network" | "IPv6Network" | "IPv4Interface"
            | "IPv6Interface" => "ipaddress",
            "MagicMock" => "unittest.mock",
            "KeysView" | "ValuesView" | "ItemsView" => "collections.abc",
            "SequenceMatcher" => "difflib",
            "ParseResult" => "urllib.parse",
            "type" | "module" | "object" | "range" | "slice" => "builtins",
            _ => return Err(crate::ops::unsupported("JSON encoding of this object")),
        },
        _ => "builtins",
    };
    Ok(if module == "builtins" {
        format!("<class '{name}'>")
    } else {
        format!("<class '{module}.{name}'>")
    })
}

fn float_text(f: f64, allow_nan: bool) -> PyResult<String> {
    if f.is_finite() {
        return Ok(crate::fmt::float_repr(f));
    }
    if !allow_nan {
        return Err(PyErr::value_error(
            "Out of range float values are not JSON compliant",
        ));
    }
    Ok(if f.is_nan() {
        "NaN".into()
    } else if f > 0.0 {
        "Infinity".into()
    } else {
        "-Infinity".into()
    })
}

/// A JSON string literal with `ensure_ascii=True`.
pub fn json_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut rest = s;
    while !rest.is_empty() {
        // Runs of printable ASCII other than `"` and `\` are copied as they are, in one go;
        // the byte that ends a run starts a character (everything before it is ASCII).
        let plain = rest
            .bytes()
            .position(|b| !(b' '..=b'~').contains(&b) || b == b'"' || b == b'\\')
            .unwrap_or(rest.len());
        out.push_str(&rest[..plain]);
        rest = &rest[plain..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        rest = &rest[c.len_utf8()..];
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    use std::fmt::Write;
                    let _ = write!(out, "\\u{:04x}", unit);
                }
            }
        }
    }
    out.push('"');
}

impl Encoder<'_> {
    fn enter(&mut self, id: usize) -> PyResult<()> {
        if self.markers.contains(&id) {
            return Err(PyErr::value_error("Circular reference detected"));
        }
        self.markers.push(id);
        Ok(())
    }

    fn encode(&mut self, v: &Value, depth: usize) -> PyResult<()> {
        if depth > 900 {
            return Err(PyErr::new(
                ExcKind::RecursionError,
                "maximum recursion depth exceeded while encoding a JSON object",
            ));
        }
        match v {
            Value::Str(s) => json_string(s, &mut self.out),
            Value::None => self.out.push_str("null"),
            Value::Bool(true) => self.out.push_str("true"),
            Value::Bool(false) => self.out.push_str("false"),
            Value::Int(i) => self.out.push_str(&i.to_string()),
            Value::Float(f) => {
                let t = float_text(*f, self.allow_nan)?;
                self.out.push_str(&t);
            }
            Value::List(l) => {
                self.enter(Rc::as_ptr(l) as *const u8 as usize)?;
                let items = l.borrow().clone();
                self.seq(&items, depth)?;
                self.markers.pop();
            }
            Value::Tuple(t) => {
                self.enter(Rc::as_ptr(t) as *const u8 as usize)?;
                self.seq(t, depth)?;
                self.markers.pop();
            }
            // A namedtuple is a tuple to the encoder: a JSON array.
            Value::Object(o) if o.as_tuple().is_some() => {
                self.enter(Rc::as_ptr(o) as *const u8 as usize)?;
                self.seq(o.as_tuple().unwrap_or_default(), depth)?;
                self.markers.pop();
            }
            Value::Dict(d) => {
                self.enter(Rc::as_ptr(d) as *const u8 as usize)?;
                let items: Vec<(Key, Value)> = d
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                self.out.push('{');
                for (i, (k, val)) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    let key = match k.value() {
                        Value::Str(s) => s.to_string(),
                        Value::Float(f) => float_text(*f, self.allow_nan)?,
                        Value::Bool(true) => "true".into(),
                        Value::Bool(false) => "false".into(),
                        Value::None => "null".into(),
                        Value::Int(i) => i.to_string(),
                        other => {
                            return Err(PyErr::type_error(format!(
                                "keys must be str, int, float, bool or None, not {}",
                                other.type_name()
                            )))
                        }
                    };
                    json_string(&key, &mut self.out);
                    self.out.push_str(": ");
                    self.encode(val, depth + 1)?;
                }
                self.out.push('}');
                self.markers.pop();
            }
            other => {
                let Some(default) = self.default else {
                    if let Value::Object(_) = other {
                        class_repr(other)?;
                    }
                    return Err(PyErr::type_error(format!(
                        "Object of type {} is not JSON serializable",
                        class_name(other)
                    )));
                };
                let id = match other {
                    Value::Object(o) => Rc::as_ptr(o) as *const u8 as usize,
                    _ => 0,
                };
                if id != 0 {
                    self.enter(id)?;
                }
                let replaced = default(other)?;
                self.encode(&replaced, depth + 1)?;
                if id != 0 {
                    self.markers.pop();
                }
            }
        }
        Ok(())
    }

    fn seq(&mut self, items: &[Value], depth: usize) -> PyResult<()> {
        self.out.push('[');
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.encode(it, depth + 1)?;
        }
        self.out.push(']');
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Registry and records
// ---------------------------------------------------------------------------------------

/// Everything a generated crate compiled: its detections and its enabled data models, in
/// the order panther_analysis_tool loads them.
pub struct Registry {
    pub detections: &'static [&'static DetectionDef],
    pub data_models: &'static [&'static DataModelDef],
    /// Data files of installed libraries, by name (see [`install_data`]).
    pub data_files: &'static [(&'static str, &'static str)],
}

/// One line of `ferrule test --jsonl`.
pub struct TestRecord {
    /// `test`, `load_error` or `no_tests`.
    pub record: &'static str,
    pub id: &'static str,
    pub file: &'static str,
    pub kind: Kind,
    pub test: Option<&'static str>,
    pub expected: Value,
    pub result: Option<bool>,
    /// A non-bool `rule()` value that pypanther reports as the result.
    pub result_value: Option<Value>,
    pub error: Option<String>,
    pub passed: bool,
    pub alert: bool,
    /// The alert fields, when `alert` is true.
    pub live: Option<LiveView>,
    /// The record's JSON line as a worker process wrote it (then the fields above only
    /// hold what the supervisor counts).
    pub raw: Option<String>,
}

impl TestRecord {
    /// The record as one JSON line (without the newline), with the oracle's field names.
    pub fn to_json(&self) -> String {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let mut d = Dict::default();
        let mut put = |k: &str, v: Value| {
            d.insert(Key::from_str(k), v);
        };
        let opt_str =
            |s: &Option<String>| s.as_ref().map_or(Value::None, |s| Value::str(s.as_str()));
        put("record", Value::str(self.record));
        put("id", Value::str(self.id));
        put("file", Value::str(self.file));
        put("type", Value::str(self.kind.as_str()));
        put("test", self.test.map_or(Value::None, Value::str));
        if self.record == "test" {
            put("expected", self.expected.clone());
        }
        if self.record != "no_tests" {
            let result = match &self.result_value {
                Some(v) => v.clone(),
                None => self.result.map_or(Value::None, Value::Bool),
            };
            put("result", result);
        }
        put("error", opt_str(&self.error));
        if self.record == "test" {
            put("passed", Value::Bool(self.passed));
            put("alert", Value::Bool(self.alert));
        }
        if let Some(l) = &self.live {
            put("title", opt_str(&l.title));
            put("dedup", opt_str(&l.dedup));
            put("severity", opt_str(&l.severity));
            put(
                "alert_context",
                l.alert_context.as_ref().map_or(Value::None, |t| {
                    value_from_json(t).unwrap_or_else(|_| Value::str(t.as_str()))
                }),
            );
            put("description", opt_str(&l.description));
            put("reference", opt_str(&l.reference));
            put("runbook", opt_str(&l.runbook));
            put(
                "destinations",
                l.destinations.as_ref().map_or(Value::None, |ds| {
                    Value::list(ds.iter().map(|s| Value::str(s.as_str())).collect())
                }),
            );
            put("unique", opt_str(&l.unique));
            let mut errs = Dict::default();
            for (k, v) in &l.errors {
                errs.insert(Key::from_str(k), Value::str(v.as_str()));
            }
            put("aux_errors", Value::dict(errs));
        }
        let rec = Value::dict(d);
        json_dumps(&rec, true, None)
            .unwrap_or_else(|e| format!("{{\"serialisation_error\": {:?}}}", e.str()))
    }
}

thread_local! {
    static REPO_ROOT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Sets the absolute repository root used in module reprs (`<module 'ID' from
/// 'ROOT/py_file'>`); defaults to the current directory, as PAT runs from the repository.
pub fn set_repo_root(root: &str) {
    REPO_ROOT.with(|r| *r.borrow_mut() = Some(root.trim_end_matches('/').to_string()));
}

fn repo_root() -> String {
    REPO_ROOT.with(|r| r.borrow().clone()).unwrap_or_else(|| {
        std::env::current_dir()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default()
    })
}

/// The data models by log type, the first enabled one winning a conflict.
fn data_models_by_log_type(reg: &Registry) -> HashMap<&'static str, Rc<DataModel>> {
    let mut out = HashMap::new();
    for def in reg.data_models {
        let dm = Rc::new(DataModel::new(def));
        for lt in def.log_types {
            out.entry(*lt).or_insert_with(|| dm.clone());
        }
    }
    out
}

fn fmt_exc(e: &PyErr) -> String {
    e.type_and_message()
}

/// The event of a unit test exactly as PAT builds it (oracle `make_event`): a PantherEvent
/// with the log type's data model for rules, without one for scheduled rules, the raw value
/// for policies. `Err` is the record's error when it cannot be built.
fn build_event(
    def: &DetectionDef,
    test: &crate::detection::TestDef,
    models: &HashMap<&'static str, Rc<DataModel>>,
) -> Result<Value, String> {
    let entry =
        value_from_json(test.event_json).map_err(|e| format!("harness: {}", fmt_exc(&e)))?;
    Ok(match def.kind {
        Kind::Policy => entry,
        Kind::Rule | Kind::ScheduledRule => {
            let Value::Dict(d) = &entry else {
                return Err(if def.kind == Kind::ScheduledRule {
                    format!(
                        "harness: {}",
                        fmt_exc(&crate::ops::unsupported(
                            "a scheduled-rule test event that is not a mapping"
                        ))
                    )
                } else {
                    format!(
                        "harness: AttributeError: '{}' object has no attribute 'get'",
                        entry.type_name()
                    )
                });
            };
            let mut model = None;
            if def.kind == Kind::Rule {
                let lt = d
                    .borrow()
                    .get(&Key::from_str("p_log_type"))
                    .cloned()
                    .unwrap_or_default();
                match &lt {
                    Value::Str(s) => model = models.get(&**s).cloned(),
                    Value::List(_) | Value::Dict(_) | Value::Set(_)
                        if crate::ops::truthy(&lt).unwrap_or(false) =>
                    {
                        return Err(format!(
                            "oracle: TypeError: unhashable type: '{}'",
                            lt.type_name()
                        ));
                    }
                    _ => {}
                }
            }
            panther_event(entry.clone(), model)
        }
    })
}

thread_local! {
    /// Module states left unknown by a refused test: module → the refused test.
    static UNKNOWN_STATE: std::cell::RefCell<std::collections::BTreeMap<&'static str, String>> =
        const { std::cell::RefCell::new(std::collections::BTreeMap::new()) };
}

/// The refusal of a test that can observe a module state an earlier refusal left unknown
/// (CPython would have carried on from the refused operation, perhaps changing it).
fn unknown_state_refusal(def: &DetectionDef) -> Option<PyErr> {
    UNKNOWN_STATE.with(|u| {
        let u = u.borrow();
        def.state_modules.iter().find_map(|m| {
            u.get(m).map(|by| {
                crate::ops::unsupported(&format!(
                    "the state of `{m}` after the refusal in {by} (a test observing it)"
                ))
            })
        })
    })
}

/// Records that a refused test left the state of `def`'s modules unknown.
fn mark_state_unknown(def: &DetectionDef, test: &str) {
    UNKNOWN_STATE.with(|u| {
        let mut u = u.borrow_mut();
        for m in def.state_modules {
            u.entry(m)
                .or_insert_with(|| format!("test '{}' of {}", test, def.id));
        }
    });
}

/// Runs one unit test (tests of `def` before it must have run already, in this thread).
fn run_test(
    def: &DetectionDef,
    test: &crate::detection::TestDef,
    models: &HashMap<&'static str, Rc<DataModel>>,
) -> TestRecord {
    let mut rec = TestRecord {
        record: "test",
        id: def.id,
        file: def.file,
        kind: def.kind,
        test: Some(test.name),
        expected: value_from_json(test.expected_json).unwrap_or_default(),
        result: None,
        result_value: None,
        error: None,
        passed: false,
        alert: false,
        live: None,
        raw: None,
    };
    let event = match build_event(def, test, models) {
        Ok(ev) => ev,
        Err(e) => {
            rec.error = Some(e);
            return rec;
        }
    };
    // Mocks, as `patch.multiple` applies them: in order, undoing the applied ones on failure.
    let mut mocks: Vec<(&str, Value)> = Vec::new();
    for m in test.mocks {
        let value = match value_from_json(m.return_json) {
            Ok(v) => v,
            Err(e) => {
                rec.error = Some(format!("harness: {}", fmt_exc(&e)));
                return rec;
            }
        };
        match mocks.iter_mut().find(|(n, _)| *n == m.name) {
            Some(slot) => slot.1 = crate::mock::magicmock(value),
            None => mocks.push((m.name, crate::mock::magicmock(value))),
        }
    }
    let mut saved: Vec<(&str, Option<Value>)> = Vec::new();
    for (name, mock) in &mocks {
        match (def.patch)(name, mock.clone()) {
            Ok(old) => saved.push((name, old)),
            Err(_) => {
                for (n, old) in saved.into_iter().rev() {
                    (def.unpatch)(n, old);
                }
                rec.error = Some(format!(
                    "harness: AttributeError: <module {} from {}> does not have the attribute {}",
                    crate::fmt::str_repr(def.id),
                    crate::fmt::str_repr(&format!("{}/{}", repo_root(), def.py_file)),
                    crate::fmt::str_repr(name)
                ));
                return rec;
            }
        }
    }
    let result = match unknown_state_refusal(def) {
        Some(e) => {
            crate::err::take_refusal();
            DetectionResult {
                refusal: Some(e),
                ..DetectionResult::default()
            }
        }
        None => detection::run(def, &event, false),
    };
    for (n, old) in saved.into_iter().rev() {
        (def.unpatch)(n, old);
    }
    if result.refusal.is_some() {
        mark_state_unknown(def, test.name);
    }
    fill_record(&mut rec, def, test, &result);
    rec
}

fn fill_record(
    rec: &mut TestRecord,
    def: &DetectionDef,
    test: &crate::detection::TestDef,
    result: &DetectionResult,
) {
    if let Some(e) = &result.refusal {
        // A refused test: only the refusal is known.
        rec.error = Some(fmt_exc(e));
        rec.passed = false;
        return;
    }
    if let Some(e) = &result.escaped {
        // `run_test` raised: the oracle records the exception as a harness error.
        rec.error = Some(format!("harness: {}", fmt_exc(e)));
        rec.passed = false;
        return;
    }
    rec.result = result.detection_output;
    rec.error = result.detection_exception.as_ref().map(fmt_exc);
    if let Some(v) = &result.detection_value {
        // The oracle writes the value as JSON; a value JSON cannot hold makes it fall back
        // to repr for the whole record, which is not reproduced.
        if crate::runner::json_dumps(v, false, None).is_ok() {
            rec.result_value = Some(v.clone());
        } else {
            rec.error = Some(fmt_exc(&crate::ops::unsupported(
                "a rule() value that JSON cannot represent",
            )));
        }
    }
    rec.alert = result.trigger_alert;
    rec.passed = detection::test_passed(def, &rec.expected, result, test);
    if result.trigger_alert {
        rec.live = Some(detection::live_view(def, result));
    }
}

fn load_error(def: &DetectionDef, e: &PyErr) -> TestRecord {
    TestRecord {
        record: "load_error",
        id: def.id,
        file: def.file,
        kind: def.kind,
        test: None,
        expected: Value::None,
        result: None,
        result_value: None,
        error: Some(fmt_exc(e)),
        passed: false,
        alert: false,
        live: None,
        raw: None,
    }
}

/// The detections of `reg` whose id is in `ids` (every one when `ids` is empty).
fn select(reg: &Registry, ids: &[String]) -> Vec<&'static DetectionDef> {
    reg.detections
        .iter()
        .copied()
        .filter(|d| ids.is_empty() || ids.iter().any(|i| i == d.id))
        .collect()
}

/// One unit of a test run, in PAT's order: every selected detection is loaded (its module
/// imported) first, then every test of every loaded detection runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// Imports the module of the n-th selected detection.
    Load(usize),
    /// Runs test t of the n-th selected detection.
    Test(usize, usize),
}

fn steps(selected: &[&DetectionDef]) -> Vec<Step> {
    let mut out: Vec<Step> = (0..selected.len()).map(Step::Load).collect();
    for (n, def) in selected.iter().enumerate() {
        out.extend((0..def.tests.len()).map(|t| Step::Test(n, t)));
    }
    out
}

/// What one step gave: a load error (or None when the module loaded), or a test record.
enum Outcome {
    Load(Option<String>),
    Test(Box<TestRecord>),
}

/// Runs one step in the current thread; a Rust panic costs only this step, reported as a
/// refusal (module state is left as the panic left it).
fn run_step(
    selected: &[&'static DetectionDef],
    step: Step,
    models: &HashMap<&'static str, Rc<DataModel>>,
) -> Outcome {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match step {
        Step::Load(n) => {
            let def = selected[n];
            // PAT imports a v1 detection module at a measured depth; pypanther's package
            // imports are not measured.
            let slack = if def.is_pypanther() {
                crate::recursion::UNMEASURED_SLACK
            } else {
                0
            };
            let loaded =
                crate::recursion::at_uncertain_base(crate::recursion::ENTRY_BASE, slack, def.init);
            Outcome::Load(loaded.err().map(|e| fmt_exc(&e)))
        }
        Step::Test(n, t) => Outcome::Test(Box::new(run_test(
            selected[n],
            &selected[n].tests[t],
            models,
        ))),
    }));
    caught.unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let msg = crash_message(&format!("a panic in the runtime ({what})"));
        match step {
            Step::Load(_) => Outcome::Load(Some(msg)),
            Step::Test(n, t) => Outcome::Test(Box::new(crashed_test(selected[n], t, msg))),
        }
    })
}

/// The error recorded for a step that panicked or crashed the process: a refusal, since
/// CPython would have given an answer there.
fn crash_message(what: &str) -> String {
    fmt_exc(&crate::ops::unsupported(&format!(
        "this test ended in {what}, which"
    )))
}

/// The record of a test that did not finish.
fn crashed_test(def: &'static DetectionDef, t: usize, error: String) -> TestRecord {
    let test = &def.tests[t];
    TestRecord {
        record: "test",
        id: def.id,
        file: def.file,
        kind: def.kind,
        test: Some(test.name),
        expected: value_from_json(test.expected_json).unwrap_or_default(),
        result: None,
        result_value: None,
        error: Some(error),
        passed: false,
        alert: false,
        live: None,
        raw: None,
    }
}

/// The outcomes of every step, assembled into the records of `ferrule test --jsonl`:
/// per detection in order, its load error, `no_tests`, or its test records.
fn assemble(
    selected: &[&'static DetectionDef],
    mut loads: Vec<Option<String>>,
    mut tests: Vec<Vec<Option<TestRecord>>>,
) -> Vec<TestRecord> {
    let mut out = Vec::new();
    for (n, def) in selected.iter().enumerate() {
        if let Some(err) = loads[n].take() {
            let mut rec = load_error(def, &PyErr::new(ExcKind::Exception, ""));
            rec.error = Some(err);
            out.push(rec);
            continue;
        }
        if def.tests.is_empty() {
            out.push(TestRecord {
                record: "no_tests",
                id: def.id,
                file: def.file,
                kind: def.kind,
                test: None,
                expected: Value::None,
                result: None,
                result_value: None,
                error: None,
                passed: true,
                alert: false,
                live: None,
                raw: None,
            });
            continue;
        }
        for (t, rec) in tests[n].iter_mut().enumerate() {
            out.push(rec.take().unwrap_or_else(|| {
                crashed_test(def, t, crash_message("no result (the runner lost it)"))
            }));
        }
    }
    out
}

/// Runs the tests of every detection (or of those whose id is in `ids`, when not empty) in
/// registry order, in the current thread: every module is imported first, as PAT loads
/// every detection before running any test. A panic costs only its step.
pub fn run_all(reg: &Registry, ids: &[String]) -> Vec<TestRecord> {
    let models = data_models_by_log_type(reg);
    let selected: Vec<&'static DetectionDef> = select(reg, ids);
    let mut loads: Vec<Option<String>> = vec![None; selected.len()];
    let mut tests: Vec<Vec<Option<TestRecord>>> = selected
        .iter()
        .map(|d| d.tests.iter().map(|_| None).collect())
        .collect();
    for step in steps(&selected) {
        if let Step::Test(n, _) = step {
            if loads[n].is_some() {
                continue;
            }
        }
        match (step, run_step(&selected, step, &models)) {
            (Step::Load(n), Outcome::Load(e)) => loads[n] = e,
            (Step::Test(n, t), Outcome::Test(r)) => tests[n][t] = Some(*r),
            _ => {}
        }
    }
    assemble(&selected, loads, tests)
}

/// Stack size of the thread that runs detections. Python's recursion limit is modelled
/// (`recursion.rs`), so the stack only has to hold that many Python frames of generated
/// code; this leaves room for unoptimised builds. Only the pages used are committed.
pub const EVAL_STACK_BYTES: usize = 1 << 30;

/// Runs `f` on a new thread with [`EVAL_STACK_BYTES`] of stack and returns its result
/// (None if it panicked).
/// (`FERRULE_EVAL_STACK_MB` overrides the size, for measurements and tight `ulimit -v`s.)
pub fn on_eval_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let bytes = std::env::var("FERRULE_EVAL_STACK_MB")
        .ok()
        .and_then(|m| m.parse::<usize>().ok())
        .map_or(EVAL_STACK_BYTES, |m| m << 20);
    std::thread::Builder::new()
        .name("ferrule-eval".into())
        .stack_size(bytes)
        .spawn(f)
        .ok()?
        .join()
        .ok()
}

/// The options of a generated crate's test binary.
#[derive(Clone, Debug, Default)]
struct Args {
    jsonl: Option<String>,
    ids: Vec<String>,
    repo_root: Option<String>,
    bench_seconds: Option<f64>,
    /// Print `progress DONE TOTAL` lines on stdout (for `ferrule test`).
    progress: bool,
    /// Internal: run as the worker of a supervising runner, writing to this file.
    worker: Option<String>,
    /// Internal: the steps the worker runs without reporting (state replay) or skips.
    resume: usize,
    skip: Vec<usize>,
}

const USAGE: &str = "usage: ferrule-tests [--jsonl FILE] [--id ID]... [--repo-root DIR] [--progress] [--bench SECONDS]";

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        if flag == "--progress" {
            a.progress = true;
            i += 1;
            continue;
        }
        let Some(v) = args.get(i + 1).cloned() else {
            return Err(format!("{USAGE} (missing value for {flag:?})"));
        };
        match flag {
            "--jsonl" => a.jsonl = Some(v),
            "--id" => a.ids.push(v),
            "--repo-root" => a.repo_root = Some(v),
            "--bench" if v.parse::<f64>().is_ok_and(|x| x >= 0.0) => {
                a.bench_seconds = v.parse().ok()
            }
            "--worker" => a.worker = Some(v),
            "--resume" if v.parse::<usize>().is_ok() => a.resume = v.parse().unwrap_or(0),
            "--skip" => {
                a.skip = v
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse::<usize>().map_err(|_| format!("bad --skip {v:?}")))
                    .collect::<Result<_, _>>()?
            }
            other => return Err(format!("{USAGE} (bad argument {other:?})")),
        }
        i += 2;
    }
    Ok(a)
}

/// The command line of a generated crate's test binary:
/// `[--jsonl FILE] [--id ID]... [--repo-root DIR] [--progress] [--bench SECONDS]` (see
/// [`bench`] for the last). Runs every test as [`run_all`] does, but in a child process of
/// itself (a worker), so that a test that crashes the process (a stack overflow, an abort)
/// costs only its own result: the crash is recorded as a refusal and a new worker resumes
/// after it, first replaying the steps before it without reporting them so that module
/// state is as it was. Prints
/// `ferrule-tests: N detections, T tests: P passed, F failed, R refused` and returns the exit
/// code (0 when every test passed and every detection loaded, 1 otherwise, 2 on usage
/// errors).
pub fn main(reg: &'static Registry) -> i32 {
    install_data(reg);
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    if let Some(root) = &args.repo_root {
        set_repo_root(root);
    }
    if let Some(secs) = args.bench_seconds {
        let ids = args.ids.clone();
        let root = args.repo_root.clone();
        let out = on_eval_stack(move || {
            if let Some(r) = &root {
                set_repo_root(r);
            }
            bench(reg, &ids, secs)
        });
        return match out {
            Some(text) => {
                println!("{text}");
                0
            }
            None => 2,
        };
    }
    if let Some(file) = args.worker.clone() {
        let code = on_eval_stack(move || worker(reg, &args, &file));
        return code.unwrap_or(3);
    }
    supervise(reg, &args)
}

/// Appends one line to the worker's report file, unbuffered, so that it survives a crash.
fn report_line(f: &mut std::fs::File, line: &str) {
    let _ = f.write_all(format!("{line}\n").as_bytes());
}

/// The worker: runs the steps (replaying those before `--resume` silently, never running
/// those in `--skip`), writing `S k` before step k and `D k JSON` after it.
fn worker(reg: &'static Registry, args: &Args, file: &str) -> i32 {
    if let Some(root) = &args.repo_root {
        set_repo_root(root);
    }
    let Ok(mut f) = std::fs::OpenOptions::new().append(true).open(file) else {
        eprintln!("ferrule-tests: cannot open {file}");
        return 2;
    };
    let models = data_models_by_log_type(reg);
    let selected = select(reg, &args.ids);
    let mut failed_load = vec![false; selected.len()];
    for (k, step) in steps(&selected).into_iter().enumerate() {
        if args.skip.contains(&k) {
            if let Step::Load(n) = step {
                failed_load[n] = true;
            }
            continue;
        }
        if let Step::Test(n, _) = step {
            if failed_load[n] {
                continue;
            }
        }
        let report = k >= args.resume;
        if report {
            report_line(&mut f, &format!("S {k}"));
        }
        let outcome = run_step(&selected, step, &models);
        if let Outcome::Load(Some(_)) = &outcome {
            if let Step::Load(n) = step {
                failed_load[n] = true;
            }
        }
        if report {
            let payload = match &outcome {
                Outcome::Load(e) => {
                    let mut s = String::new();
                    match e {
                        Some(e) => json_string(e, &mut s),
                        None => s.push_str("null"),
                    }
                    s
                }
                Outcome::Test(r) => r.to_json(),
            };
            report_line(&mut f, &format!("D {k} {payload}"));
        }
    }
    0
}

/// What the supervisor learnt from a worker's report file.
#[derive(Default)]
struct Reported {
    started: Option<usize>,
    done: Vec<(usize, String)>,
}

fn read_report(text: &str) -> Reported {
    let mut r = Reported::default();
    for line in text.lines() {
        let mut parts = line.splitn(3, ' ');
        match (
            parts.next(),
            parts.next().and_then(|k| k.parse::<usize>().ok()),
        ) {
            (Some("S"), Some(k)) => r.started = Some(k),
            (Some("D"), Some(k)) => {
                r.done.push((k, parts.next().unwrap_or("").to_string()));
                r.started = None;
            }
            _ => {}
        }
    }
    r
}

/// Reads a worker's report as it grows, counting finished tests.
#[derive(Default)]
struct Follow {
    offset: u64,
    partial: String,
    done: usize,
}

impl Follow {
    fn tests_done(&mut self, path: &std::path::Path, all: &[Step]) -> usize {
        use std::io::{Read, Seek, SeekFrom};
        let Ok(mut f) = std::fs::File::open(path) else {
            return self.done;
        };
        let mut fresh = String::new();
        if f.seek(SeekFrom::Start(self.offset)).is_err() || f.read_to_string(&mut fresh).is_err() {
            return self.done;
        }
        self.offset += fresh.len() as u64;
        self.partial.push_str(&fresh);
        let complete = self.partial.rfind('\n').map_or(0, |i| i + 1);
        let lines: String = self.partial.drain(..complete).collect();
        self.done += read_report(&lines)
            .done
            .iter()
            .filter(|(k, _)| matches!(all.get(*k), Some(Step::Test(..))))
            .count();
        self.done
    }
}

/// Describes how a worker process ended.
fn describe_exit(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let name = match sig {
                libc::SIGSEGV => "SIGSEGV, a stack overflow or invalid memory access",
                libc::SIGBUS => "SIGBUS, a stack overflow or invalid memory access",
                libc::SIGABRT => "SIGABRT, an abort",
                libc::SIGKILL => "SIGKILL, killed (out of memory?)",
                _ => "a signal",
            };
            return format!("a crash of the test process (signal {sig}: {name})");
        }
    }
    format!("a crash of the test process ({status})")
}

/// Runs workers until every step has an outcome, and writes the records.
fn supervise(reg: &'static Registry, args: &Args) -> i32 {
    let selected = select(reg, &args.ids);
    let all = steps(&selected);
    let total_tests: usize = selected.iter().map(|d| d.tests.len()).sum();
    let mut loads: Vec<Option<String>> = vec![None; selected.len()];
    let mut tests: Vec<Vec<Option<TestRecord>>> = selected
        .iter()
        .map(|d| d.tests.iter().map(|_| None).collect())
        .collect();
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("ferrule-tests: cannot find its own executable: {e}");
            return 2;
        }
    };
    let report_path = std::env::temp_dir().join(format!(
        "ferrule-tests-{}-{}.report",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let mut skip: Vec<usize> = Vec::new();
    let mut resume = 0usize;
    let mut tests_done = 0usize;
    let mut failed_load = vec![false; selected.len()];
    loop {
        if std::fs::write(&report_path, "").is_err() {
            eprintln!("ferrule-tests: cannot write {}", report_path.display());
            return 2;
        }
        let mut cmd = std::process::Command::new(&exe);
        cmd.arg("--worker").arg(&report_path);
        cmd.arg("--resume").arg(resume.to_string());
        if !skip.is_empty() {
            let list: Vec<String> = skip.iter().map(|k| k.to_string()).collect();
            cmd.arg("--skip").arg(list.join(","));
        }
        for id in &args.ids {
            cmd.arg("--id").arg(id);
        }
        if let Some(root) = &args.repo_root {
            cmd.arg("--repo-root").arg(root);
        }
        let mut child = match cmd.stdin(std::process::Stdio::null()).spawn() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("ferrule-tests: cannot start a worker: {e}");
                return 2;
            }
        };
        // Follow the report while the worker runs, for progress: only what was appended
        // since the last look is read.
        let mut seen = 0usize;
        let mut follow = Follow::default();
        let status = loop {
            let finished = child.try_wait();
            if args.progress {
                let done = follow.tests_done(&report_path, &all);
                if done != seen {
                    seen = done;
                    println!("progress {} {}", tests_done + done, total_tests);
                }
            }
            match finished {
                Ok(Some(status)) => break Some(status),
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(25)),
                Err(_) => break None,
            }
        };
        let text = std::fs::read_to_string(&report_path).unwrap_or_default();
        let rep = read_report(&text);
        for (k, payload) in &rep.done {
            match all.get(*k) {
                Some(Step::Load(n)) => {
                    let err: Option<String> = if payload == "null" {
                        None
                    } else {
                        match value_from_json(payload) {
                            Ok(Value::Str(s)) => Some(s.to_string()),
                            _ => Some(payload.clone()),
                        }
                    };
                    failed_load[*n] = err.is_some();
                    loads[*n] = err;
                }
                Some(Step::Test(n, t)) => {
                    tests_done += 1;
                    tests[*n][*t] = Some(record_from_json(selected[*n], *t, payload));
                }
                None => {}
            }
        }
        let clean = status.as_ref().is_some_and(|s| s.success());
        if clean && rep.started.is_none() {
            break;
        }
        // The worker died: the step it had started costs its result, the rest resumes.
        let Some(k) = rep.started else {
            eprintln!("ferrule-tests: a worker failed before running any test");
            let _ = std::fs::remove_file(&report_path);
            return 2;
        };
        let what = status
            .as_ref()
            .map(describe_exit)
            .unwrap_or_else(|| "a crash of the test process".into());
        let msg = crash_message(&what);
        match all[k] {
            Step::Load(n) => {
                failed_load[n] = true;
                loads[n] = Some(msg);
            }
            Step::Test(n, t) => {
                tests_done += 1;
                tests[n][t] = Some(crashed_test(selected[n], t, msg));
            }
        }
        if skip.contains(&k) {
            // The same step cannot crash twice; stop rather than loop.
            break;
        }
        skip.push(k);
        resume = k + 1;
        if args.progress {
            println!("progress {tests_done} {total_tests}");
        }
    }
    let _ = std::fs::remove_file(&report_path);
    let records = assemble(&selected, loads, tests);
    finish(&records, args, selected.len())
}

/// A test record read back from a worker's report. Only the fields the supervisor counts
/// are rebuilt; the line itself is written to the JSONL file unchanged.
fn record_from_json(def: &'static DetectionDef, t: usize, line: &str) -> TestRecord {
    let mut rec = crashed_test(def, t, String::new());
    rec.error = None;
    if let Ok(Value::Dict(d)) = value_from_json(line) {
        let d = d.borrow();
        let get = |k: &str| d.get(&Key::from_str(k)).cloned().unwrap_or_default();
        rec.passed = matches!(get("passed"), Value::Bool(true));
        rec.alert = matches!(get("alert"), Value::Bool(true));
        if let Value::Str(e) = get("error") {
            rec.error = Some(e.to_string());
        }
    }
    rec.raw = Some(line.to_string());
    rec
}

/// Writes the JSONL file, prints the summary line and returns the exit code.
fn finish(records: &[TestRecord], args: &Args, detections: usize) -> i32 {
    if let Some(path) = &args.jsonl {
        let write = || -> std::io::Result<()> {
            let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
            for r in records {
                writeln!(f, "{}", r.to_json())?;
            }
            f.flush()
        };
        if let Err(e) = write() {
            eprintln!("ferrule-tests: cannot write {path}: {e}");
            return 2;
        }
    }
    let tests: Vec<&TestRecord> = records.iter().filter(|r| r.record == "test").collect();
    let passed = tests.iter().filter(|r| r.passed).count();
    let refused = tests
        .iter()
        .filter(|r| !r.passed && r.error.as_deref().is_some_and(is_refusal))
        .count();
    let load_errors = records.iter().filter(|r| r.record == "load_error").count();
    if !args.progress {
        println!(
            "ferrule-tests: {detections} detections, {} tests: {passed} passed, {} failed, {refused} refused",
            tests.len(),
            tests.len() - passed - refused
        );
    }
    if passed == tests.len() && load_errors == 0 {
        0
    } else {
        1
    }
}

/// Whether a record's error is ferrule's refusal (the runtime lacks the behaviour), as
/// opposed to an error CPython raises too.
pub fn is_refusal(error: &str) -> bool {
    let e = error.strip_prefix("harness: ").unwrap_or(error);
    e.starts_with("NotImplementedError: ferrule runtime:")
}

/// Hands the library data files embedded in the generated crate to the runtime's models of
/// those libraries.
pub fn install_data(reg: &Registry) {
    for (name, text) in reg.data_files {
        crate::stdlib::install_data(name, text);
    }
}

/// Runs tests `0..=test_index` of detection `det_index` in a fresh thread (fresh module
/// state, as a new PAT process) and explains why the last one did not pass, if it did not.
pub fn check_test(reg: &Registry, det_index: usize, test_index: usize) -> Result<(), String> {
    let detections = reg.detections;
    let data_models = reg.data_models;
    let data_files = reg.data_files;
    install_data(reg);
    let handle = std::thread::Builder::new()
        .stack_size(EVAL_STACK_BYTES)
        .spawn(move || -> Result<(), String> {
            let reg = Registry {
                detections,
                data_models,
                data_files,
            };
            let def = *reg
                .detections
                .get(det_index)
                .ok_or_else(|| format!("no detection #{det_index}"))?;
            if test_index >= def.tests.len() {
                return Err(format!("{} has no test #{test_index}", def.id));
            }
            (def.init)().map_err(|e| format!("{}: load error: {}", def.id, fmt_exc(&e)))?;
            let models = data_models_by_log_type(&reg);
            let mut last = None;
            for t in &def.tests[..=test_index] {
                last = Some(run_test(def, t, &models));
            }
            let rec = last.ok_or_else(|| "no test ran".to_string())?;
            if rec.passed {
                Ok(())
            } else {
                Err(format!(
                    "{} / {}: failed: {}",
                    def.id,
                    def.tests[test_index].name,
                    rec.to_json()
                ))
            }
        })
        .map_err(|e| format!("cannot start the test thread: {e}"))?;
    handle
        .join()
        .map_err(|_| "the test thread panicked".to_string())?
}

// ---------------------------------------------------------------------------------------
// Throughput benchmark
// ---------------------------------------------------------------------------------------

/// One timed measurement: full passes over every pair, the first one a warm-up, repeated
/// until `min_seconds` were timed and at least `min_reps` passes were made.
fn measure(pairs: usize, min_seconds: f64, min_reps: usize, mut pass: impl FnMut()) -> Value {
    pass();
    let mut times: Vec<f64> = Vec::new();
    let mut spent = 0.0;
    while spent < min_seconds || times.len() < min_reps {
        let start = std::time::Instant::now();
        pass();
        let t = start.elapsed().as_secs_f64();
        times.push(t);
        spent += t;
    }
    times.sort_by(f64::total_cmp);
    let n = times.len();
    let median = if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2.0
    };
    let per = |t: f64| Value::Float((t / pairs.max(1) as f64 * 1e9).round() / 1e3);
    let mut d = Dict::default();
    let mut put = |k: &str, v: Value| {
        d.insert(Key::from_str(k), v);
    };
    put("reps", Value::Int(n as i64));
    put("total_timed_s", Value::Float((spent * 1e3).round() / 1e3));
    put("median_pass_s", Value::Float((median * 1e6).round() / 1e6));
    put(
        "evals_per_s",
        Value::Float((pairs as f64 / median * 10.0).round() / 10.0),
    );
    put("us_per_eval_median", per(median));
    put("us_per_eval_min", per(times[0]));
    put("us_per_eval_max", per(times[n - 1]));
    Value::dict(d)
}

/// One pass of `Detection.run(batch_mode=True)` over every pair. A function of its own (never
/// inlined) so that callgrind counts its instructions apart: scripts/bench-callgrind.sh.
#[inline(never)]
fn bench_pass_full(pairs: &[(&DetectionDef, Value)]) {
    for (def, ev) in pairs {
        std::hint::black_box(detection::run(def, ev, true));
    }
}

/// One pass of the bare `rule()`/`policy()` call over every pair (see `bench_pass_full`).
#[inline(never)]
fn bench_pass_rule_only(pairs: &[(&DetectionDef, Value)]) {
    for (def, ev) in pairs {
        let _ = std::hint::black_box((def.matcher)(std::slice::from_ref(ev), &[]));
    }
}

/// `--bench SECONDS`: the throughput of the compiled detections, measured as
/// `oracle/bench_v1.py` measures CPython's. Every detection (or those in `ids`) is loaded;
/// each unit test without Mocks gives one (detection, event) pair whose event is built once,
/// as PAT builds it. Two measurements follow: `Detection.run(batch_mode=True)` (what a live
/// event costs) and the bare `rule()`/`policy()` call. Returns one JSON object whose
/// structure and counts are deterministic; only the timings vary between runs.
pub fn bench(reg: &Registry, ids: &[String], min_seconds: f64) -> String {
    let models = data_models_by_log_type(reg);
    let selected: Vec<&DetectionDef> = reg
        .detections
        .iter()
        .copied()
        .filter(|d| ids.is_empty() || ids.iter().any(|i| i == d.id))
        .collect();
    let loaded: Vec<Result<(), PyErr>> = selected.iter().map(|d| (d.init)()).collect();
    let mut skipped: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    let mut pairs: Vec<(&DetectionDef, Value)> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut benched: Vec<&str> = Vec::new();
    for (def, load) in selected.iter().zip(&loaded) {
        if load.is_err() {
            *skipped.entry("detection with load error").or_default() += 1;
            continue;
        }
        benched.push(def.id);
        for t in def.tests {
            if !t.mocks.is_empty() {
                *skipped.entry("test events needing Mocks").or_default() += 1;
                continue;
            }
            match build_event(def, t, &models) {
                Ok(ev) => {
                    pairs.push((def, ev));
                    names.push(t.name);
                }
                Err(_) => {
                    *skipped
                        .entry("test events that cannot be built")
                        .or_default() += 1
                }
            }
        }
    }
    let mut outcomes: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    // Each pair's outcome, so that a baseline can be compared pair by pair.
    let mut per_pair: Vec<Value> = Vec::new();
    for ((def, ev), name) in pairs.iter().zip(&names) {
        let r = detection::run(def, ev, true);
        per_pair.push(Value::list(vec![
            Value::str(def.id),
            Value::str(*name),
            Value::Bool(r.trigger_alert),
            Value::Bool(r.detection_exception.is_some()),
        ]));
        *outcomes
            .entry(format!("pairs_{}", def.kind.as_str()))
            .or_default() += 1;
        if r.detection_exception.is_some() {
            *outcomes.entry("rule_raised".into()).or_default() += 1;
        }
        if r.trigger_alert {
            *outcomes.entry("alerting".into()).or_default() += 1;
        }
    }
    let n = pairs.len();
    let full = measure(n, min_seconds, 5, || bench_pass_full(&pairs));
    let rule_only = measure(n, min_seconds, 5, || bench_pass_rule_only(&pairs));
    let mut d = Dict::default();
    let mut put = |k: &str, v: Value| {
        d.insert(Key::from_str(k), v);
    };
    put("detections_loaded", Value::Int(benched.len() as i64));
    put("pairs", Value::Int(n as i64));
    let mut sk = Dict::default();
    for (k, v) in skipped {
        sk.insert(Key::from_str(k), Value::Int(v));
    }
    put("skipped", Value::dict(sk));
    let mut oc = Dict::default();
    for (k, v) in outcomes {
        oc.insert(Key::from_str(&k), Value::Int(v));
    }
    put("outcomes", Value::dict(oc));
    put("full_detection_run", full);
    put("rule_only", rule_only);
    put(
        "detections",
        Value::list(benched.iter().map(|id| Value::str(*id)).collect()),
    );
    put("per_pair", Value::list(per_pair));
    json_dumps(&Value::dict(d), true, None).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    /// `json_string` as it was written before runs of plain ASCII were copied at once: one
    /// character at a time, which is `json.dumps`' escaping spelled out.
    fn json_string_by_char(s: &str) -> String {
        let mut out = String::from('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                ' '..='~' => out.push(c),
                c => {
                    let mut buf = [0u16; 2];
                    for unit in c.encode_utf16(&mut buf) {
                        out.push_str(&format!("\\u{:04x}", unit));
                    }
                }
            }
        }
        out.push('"');
        out
    }

    #[test]
    fn json_string_escapes_as_json_dumps() {
        let cases = [
            "",
            "plain text",
            "quote \" and backslash \\ and slash /",
            "\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}",
            "é ü — 日本 😀 end",
            "😀",
            "a\"",
            "\\",
            "tail é",
        ];
        for s in cases {
            let mut out = String::new();
            super::json_string(s, &mut out);
            assert_eq!(out, json_string_by_char(s), "{s:?}");
        }
    }
}
