//! panther_core's way of running a detection, and PAT's way of running its unit tests.
//!
//! Generated crates describe each detection with a static [`DetectionDef`]; this module
//! evaluates it exactly as `panther_core.detection.Detection.run` does and produces the
//! records of `ferrule test --jsonl` (the oracle's `test` records).

use std::rc::Rc;

use crate::err::{ExcClass, ExcKind, ExcType, PyErr, PyResult};
use crate::value::{NativeFn, Value};

/// `AnalysisType` of a detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Rule,
    ScheduledRule,
    Policy,
}

impl Kind {
    /// The upper-case name used in oracle records (`RULE`, `SCHEDULED_RULE`, `POLICY`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rule => "RULE",
            Kind::ScheduledRule => "SCHEDULED_RULE",
            Kind::Policy => "POLICY",
        }
    }
}

/// The auxiliary functions a detection module may define, each a compiled Python function
/// taking the event.
#[derive(Clone, Copy, Default)]
pub struct AuxFns {
    pub title: Option<NativeFn>,
    pub description: Option<NativeFn>,
    pub reference: Option<NativeFn>,
    pub severity: Option<NativeFn>,
    pub runbook: Option<NativeFn>,
    pub destinations: Option<NativeFn>,
    pub dedup: Option<NativeFn>,
    pub alert_context: Option<NativeFn>,
    pub unique: Option<NativeFn>,
    /// A PyPanther rule class's own `_get_title` (an entry calling the rule object's), which
    /// pypanther's `Rule.run` and `_get_dedup` call in place of `Rule._get_title`.
    pub get_title: Option<NativeFn>,
}

/// One mock of a unit test: `objectName` replaced by a MagicMock returning `returnValue`.
pub struct MockDef {
    pub name: &'static str,
    /// `returnValue`, as JSON text.
    pub return_json: &'static str,
}

/// One unit test of a detection.
pub struct TestDef {
    /// `Name`.
    pub name: &'static str,
    /// `ExpectedResult`, as JSON text (normally `true` or `false`).
    pub expected_json: &'static str,
    /// `Log` or `Resource`, as JSON text (order-preserving).
    pub event_json: &'static str,
    pub mocks: &'static [MockDef],
    /// `ExpectedDestinations`, if given.
    pub expected_destinations: Option<&'static [&'static str]>,
    /// pypanther's `RuleTest(expected_title=…, …)`: (output name, expected value as JSON).
    pub expected_fields: &'static [(&'static str, &'static str)],
}

/// A data model: the log types it applies to and its mappings.
pub struct DataModelDef {
    pub id: &'static str,
    pub log_types: &'static [&'static str],
    pub mappings: &'static [MappingDef],
    /// For a PyPanther `DataModel`, its class name: its paths follow `jsonpath_ng` 1.16's
    /// extended parser (wildcards and equality filters are evaluated), and a path matching
    /// several fields raises the AttributeError pypanther's class gives panther_core.
    pub pypanther_class: Option<&'static str>,
}

/// One data-model mapping: a name and either a JSON path or a compiled method.
pub struct MappingDef {
    pub name: &'static str,
    pub path: Option<&'static str>,
    pub method: Option<NativeFn>,
    /// Returns the Method mapping's function object itself (for `udm_path`'s `__name__`).
    pub method_object: Option<NativeFn>,
}

/// A compiled detection.
pub struct DetectionDef {
    /// `RuleID` / `PolicyID`.
    pub id: &'static str,
    pub kind: Kind,
    /// The YAML spec, relative to the repository (the JSONL `file`).
    pub file: &'static str,
    /// The Python file, relative to the repository (the oracle's `py`): it appears in the
    /// module's repr, which the error of a mock of a missing attribute shows.
    pub py_file: &'static str,
    /// `DisplayName` / `display_name` ("" when absent).
    pub display_name: &'static str,
    /// `Severity` of the spec, as written.
    pub severity: &'static str,
    pub enabled: bool,
    /// `CreateAlert` (true unless the spec says otherwise).
    pub create_alert: bool,
    /// Executes the detection module's body (its imports and constants).
    pub init: fn() -> PyResult<()>,
    /// `rule(event)` / `policy(resource)`.
    pub matcher: NativeFn,
    pub aux: AuxFns,
    /// Replaces a module global for a mock, returning the previous binding.
    pub patch: fn(&str, Value) -> PyResult<Option<Value>>,
    /// Restores what `patch` replaced.
    pub unpatch: fn(&str, Option<Value>),
    pub tests: &'static [TestDef],
    /// The modules (and `panther_detection_helpers.caching` for the caching store) whose
    /// state this detection can observe: a refusal leaves it unknown (see `runner`).
    pub state_modules: &'static [&'static str],
}

impl DetectionDef {
    /// A PyPanther rule has no YAML spec: its `file` is the Python module itself. pypanther's
    /// `Rule.run` differs from panther_core's `Detection.run` in a few observable ways (error
    /// wording, the kept non-bool `rule()` value, destinations under `run_test`).
    pub fn is_pypanther(&self) -> bool {
        self.file.ends_with(".py")
    }

    /// How type errors name the detection's functions: pypanther calls them methods.
    fn fn_word(&self) -> &'static str {
        if self.is_pypanther() {
            "method"
        } else {
            "function"
        }
    }
}

// ---------------------------------------------------------------------------------------
// Detection.run
// ---------------------------------------------------------------------------------------

/// The maximum length of title, description, reference, runbook, unique and dedup.
const MAX_FIELD: usize = 1000;
const TRUNCATED: &str = "... (truncated)";
const MAX_DESTINATIONS: usize = 10;
const MAX_ALERT_CONTEXT: usize = 200 * 1024;
const SEVERITY_TYPES: [&str; 5] = ["INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

thread_local! {
    static FUNCTION_RETURN_TYPE_ERROR: Rc<ExcClass> = Rc::new(ExcClass {
        name: "FunctionReturnTypeError".into(),
        builtin_base: ExcKind::Exception,
        user_base: Some(crate::event::panther_error_class()),
        class: std::rc::Weak::new(),
    });
    static UNKNOWN_DESTINATION_ERROR: Rc<ExcClass> = Rc::new(ExcClass {
        name: "UnknownDestinationError".into(),
        builtin_base: ExcKind::Exception,
        user_base: Some(crate::event::panther_error_class()),
        class: std::rc::Weak::new(),
    });
}

fn function_return_type_error(msg: String) -> PyErr {
    PyErr::with_args(
        ExcType::User(FUNCTION_RETURN_TYPE_ERROR.with(Rc::clone)),
        vec![Value::str(msg)],
    )
}

fn unknown_destination_error(invalid: Vec<Value>) -> PyErr {
    let list = Value::list(invalid);
    let mut e = PyErr::with_args(
        ExcType::User(UNKNOWN_DESTINATION_ERROR.with(Rc::clone)),
        vec![Value::str("Invalid Destinations"), list.clone()],
    );
    e.message = Some(format!("Invalid Destinations: {}", crate::fmt::str(&list)));
    e
}

fn is_unknown_destination(e: &PyErr) -> bool {
    matches!(&e.ty, ExcType::User(c) if c.name == "UnknownDestinationError")
}

/// One auxiliary function's outcome in a [`DetectionResult`].
#[derive(Clone, Default)]
pub struct Aux<T> {
    /// Whether the module defines the function.
    pub defined: bool,
    pub output: Option<T>,
    pub exception: Option<PyErr>,
}

/// panther_core's `DetectionResult` for one event.
#[derive(Clone, Default)]
pub struct DetectionResult {
    pub detection_output: Option<bool>,
    /// A non-bool value `rule()` returned, which pypanther keeps as `detection_output`.
    pub detection_value: Option<Value>,
    pub detection_exception: Option<PyErr>,
    pub trigger_alert: bool,
    pub title: Aux<String>,
    pub description: Aux<String>,
    pub reference: Aux<String>,
    /// `None` output without an exception: `severity()` returned `DEFAULT` and the run had no
    /// detection severity (PAT's unit-test runs).
    pub severity: Aux<String>,
    pub runbook: Aux<String>,
    pub destinations: Aux<Vec<String>>,
    pub dedup: Aux<String>,
    /// The JSON text panther_core serialises.
    pub alert_context: Aux<String>,
    pub unique: Aux<String>,
    /// Set when ferrule refused an operation of this run: every other field is then
    /// meaningless (CPython would have carried on from the refused operation).
    pub refusal: Option<PyErr>,
    /// An exception that left pypanther's `Rule.run` (a rule's own `_get_title` raising, or
    /// returning what does not unpack into two values): `run_test` raises it, so the test has
    /// no result, only this error.
    pub escaped: Option<PyErr>,
}

impl DetectionResult {
    /// `DetectionResult.errored` after PAT's `ignore_errors([UnknownDestinationError])`.
    pub fn errored(&self) -> bool {
        let dest = self
            .destinations
            .exception
            .as_ref()
            .is_some_and(|e| !is_unknown_destination(e));
        self.detection_exception.is_some()
            || self.title.exception.is_some()
            || self.description.exception.is_some()
            || self.reference.exception.is_some()
            || self.severity.exception.is_some()
            || self.runbook.exception.is_some()
            || dest
            || self.dedup.exception.is_some()
            || self.alert_context.exception.is_some()
            || self.unique.exception.is_some()
    }
}

/// `Detection._run_command` for functions that must return a `str`.
fn call_str(def: &DetectionDef, name: &str, f: NativeFn, event: &Value) -> PyResult<String> {
    match f(std::slice::from_ref(event), &[])? {
        Value::Str(s) => Ok(s.to_string()),
        other => Err(function_return_type_error(format!(
            "detection [{}] {} [{}] returned [{}], expected [str]",
            def.id,
            def.fn_word(),
            name,
            other.type_name()
        ))),
    }
}

fn truncate(s: String) -> String {
    if s.chars().count() > MAX_FIELD {
        let keep = MAX_FIELD - TRUNCATED.chars().count();
        let mut out: String = s.chars().take(keep).collect();
        out.push_str(TRUNCATED);
        out
    } else {
        s
    }
}

/// Runs `get` for a defined auxiliary function; an exception is recorded, or, in batch
/// mode, replaced by `default` when it is an `Exception`.
fn aux<T>(
    f: Option<NativeFn>,
    batch: bool,
    default: impl FnOnce() -> Option<T>,
    get: impl FnOnce(NativeFn) -> PyResult<Option<T>>,
) -> Aux<T> {
    let Some(f) = f else {
        return Aux {
            defined: false,
            output: None,
            exception: None,
        };
    };
    // After a refusal nothing else runs: the run is refused as a whole.
    if crate::err::refused() {
        return Aux {
            defined: true,
            output: None,
            exception: None,
        };
    }
    match get(f) {
        Ok(v) => Aux {
            defined: true,
            output: v,
            exception: None,
        },
        Err(e) if batch && e.matches(ExcKind::Exception) => Aux {
            defined: true,
            output: default(),
            exception: None,
        },
        Err(e) => Aux {
            defined: true,
            output: None,
            exception: Some(e),
        },
    }
}

/// The `json_encoder` panther_core passes to `json.dumps` for alert contexts.
fn panther_json_encoder(v: &Value) -> PyResult<Value> {
    if let Some(ci) = v.downcast::<crate::event::ImmutableCaseInsensitiveDict>() {
        return Ok(Value::Dict(ci.raw()));
    }
    if let Some(l) = v.downcast::<crate::event::ImmutableList>() {
        return Ok(Value::tuple(l.raw()));
    }
    Err(PyErr::type_error(format!(
        "object of type {} is not JSON serializable",
        crate::runner::class_repr(v)?
    )))
}

/// `Detection._get_destinations` with every destination name configured (the oracle's
/// `AllDestinations`): duplicates and non-strings are invalid.
fn destinations(
    def: &DetectionDef,
    f: NativeFn,
    event: &Value,
    batch: bool,
) -> PyResult<Option<Vec<String>>> {
    let result = f(std::slice::from_ref(event), &[])?;
    let items = match &result {
        Value::None => return Ok(None),
        Value::List(l)
            if l.borrow()
                .iter()
                .all(|x| matches!(x, Value::Str(_) | Value::Bool(_))) =>
        {
            l.borrow().clone()
        }
        other => {
            return Err(function_return_type_error(format!(
                "detection [{}] {} [destinations] returned [{}], expected a list",
                def.id,
                def.fn_word(),
                other.type_name()
            )))
        }
    };
    if items.is_empty() {
        return Ok(Some(vec!["SKIP".to_string()]));
    }
    // pypanther's `run_test` passes no configured outputs: every name is unknown, and the
    // UnknownDestinationError is dropped, which leaves an empty list.
    if def.is_pypanther() && !batch {
        return Ok(Some(Vec::new()));
    }
    let mut standardized: Vec<String> = Vec::new();
    let mut invalid = Vec::new();
    for d in items {
        match &d {
            Value::Str(s) if !standardized.iter().any(|x| x == &**s) => {
                standardized.push(s.to_string())
            }
            _ => invalid.push(d),
        }
    }
    if !invalid.is_empty() {
        if batch {
            return Ok(None);
        }
        return Err(unknown_destination_error(invalid));
    }
    standardized.truncate(MAX_DESTINATIONS);
    Ok(Some(standardized))
}

fn alert_context(def: &DetectionDef, f: NativeFn, event: &Value) -> PyResult<String> {
    let ctx = f(std::slice::from_ref(event), &[])?;
    if !crate::event::is_mapping(&ctx) {
        return Err(function_return_type_error(format!(
            "detection [{}] {} [alert_context] returned [{}], expected [Mapping]",
            def.id,
            def.fn_word(),
            ctx.type_name()
        )));
    }
    let text = crate::runner::json_dumps(&ctx, false, Some(&panther_json_encoder))?;
    let n = text.chars().count();
    if n > MAX_ALERT_CONTEXT {
        let msg = format!(
            "alert_context size is [{n}] characters, bigger than maximum of [{MAX_ALERT_CONTEXT}] characters"
        );
        let mut d = crate::value::Dict::default();
        d.insert(crate::value::Key::from_str("_error"), Value::str(msg));
        return crate::runner::json_dumps(&Value::dict(d), false, None);
    }
    Ok(text)
}

/// The severity `Severity` of the spec as Panther stores it (upper-cased), if any.
pub fn live_severity(def: &DetectionDef) -> Option<String> {
    (!def.severity.is_empty()).then(|| def.severity.to_uppercase())
}

/// `Detection.run(event, {}, outputs_names, batch_mode)` with every destination name
/// configured. With `batch_mode` false (PAT's unit tests) every auxiliary function runs and
/// records its exception, and the detection severity is unset; with `batch_mode` true
/// (live alerts) they run only on an alert, fall back to defaults on exceptions, and the
/// severity is the spec's.
pub fn run(def: &DetectionDef, event: &Value, batch_mode: bool) -> DetectionResult {
    // panther_core calls the detection's functions a fixed number of frames deep.
    if crate::recursion::depth() == 0 {
        let base = if def.is_pypanther() {
            crate::recursion::PYPANTHER_RULE_BASE
        } else {
            crate::recursion::ENTRY_BASE
        };
        return crate::recursion::at_base(base, || run(def, event, batch_mode));
    }
    crate::err::take_refusal();
    let r = run_functions(def, event, batch_mode);
    match crate::err::take_refusal() {
        Some(e) => DetectionResult {
            refusal: Some(e),
            ..DetectionResult::default()
        },
        None => r,
    }
}

fn run_functions(def: &DetectionDef, event: &Value, batch_mode: bool) -> DetectionResult {
    let mut r = DetectionResult::default();
    let (name, alert_value) = match def.kind {
        Kind::Policy => ("policy", false),
        Kind::Rule | Kind::ScheduledRule => ("rule", true),
    };
    match (def.matcher)(std::slice::from_ref(event), &[]) {
        Ok(Value::Bool(b)) => r.detection_output = Some(b),
        Ok(other) => {
            r.detection_exception = Some(function_return_type_error(format!(
                "detection [{}] {} [{}] returned [{}], expected [bool]",
                def.id,
                def.fn_word(),
                name,
                other.type_name()
            )));
            // pypanther keeps what `rule()` returned as its `detection_output`.
            if def.is_pypanther() && !matches!(other, Value::None) {
                r.detection_value = Some(other);
            }
        }
        Err(e) => r.detection_exception = Some(e),
    }
    r.trigger_alert = r.detection_output == Some(alert_value);
    // panther_core's unit-test runs call every auxiliary function; pypanther's `Rule.run`
    // returns as soon as no alert is due. A refusal ends the run.
    if (batch_mode || def.is_pypanther()) && !r.trigger_alert || crate::err::refused() {
        return r;
    }
    let b = batch_mode;
    let severity = if batch_mode { live_severity(def) } else { None };
    // pypanther calls the auxiliary methods one frame deeper than `rule()`.
    let _aux_base = def
        .is_pypanther()
        .then(|| crate::recursion::rebase(crate::recursion::PYPANTHER_AUX_BASE));
    let a = &def.aux;
    let id = def.id;
    let _alert_phase = AlertPhase::enter();
    r.title = if def.is_pypanther() {
        match a.get_title {
            Some(f) => match own_get_title(def, f, event) {
                Ok(t) => t,
                Err(e) => {
                    r.escaped = Some(e);
                    return r;
                }
            },
            None => pypanther_title(def, a.title, event),
        }
    } else {
        aux(
            a.title,
            b,
            || Some(id.to_string()),
            |f| call_str(def, "title", f, event).map(|s| Some(truncate(s))),
        )
    };
    r.description = aux(
        a.description,
        b,
        || Some(String::new()),
        |f| call_str(def, "description", f, event).map(|s| Some(truncate(s))),
    );
    r.reference = aux(
        a.reference,
        b,
        || Some(String::new()),
        |f| call_str(def, "reference", f, event).map(|s| Some(truncate(s))),
    );
    r.severity = aux(
        a.severity,
        b,
        || severity.clone(),
        |f| {
            let s = call_str(def, "severity", f, event)?.to_uppercase();
            if SEVERITY_TYPES.contains(&s.as_str()) {
                Ok(Some(s))
            } else if s == "DEFAULT" {
                Ok(severity.clone())
            } else {
                Err(PyErr::new(
                ExcKind::AssertionError,
                format!(
                    "Expected severity to be any of the following: [['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']], got [{s}] instead."
                ),
            ))
            }
        },
    );
    r.runbook = aux(
        a.runbook,
        b,
        || Some(String::new()),
        |f| call_str(def, "runbook", f, event).map(|s| Some(truncate(s))),
    );
    r.destinations = aux(
        a.destinations,
        b,
        || None,
        |f| destinations(def, f, event, b),
    );
    r.dedup = match a.dedup {
        _ if def.is_pypanther() => match pypanther_dedup(def, a, event) {
            Ok(d) => d,
            Err(e) => {
                r.escaped = Some(e);
                return r;
            }
        },
        None => Aux {
            defined: false,
            output: Some(dedup_fallback(def, r.title.output.as_deref())),
            exception: None,
        },
        Some(_) => aux(
            a.dedup,
            b,
            || Some(default_dedup(def)),
            |f| {
                let s = call_str(def, "dedup", f, event)?;
                Ok(Some(if s.is_empty() {
                    default_dedup(def)
                } else {
                    truncate(s)
                }))
            },
        ),
    };
    if b && def.is_pypanther() {
        // Batch mode drops the exceptions; the outputs are the fallbacks.
        r.title.exception = None;
        r.dedup.exception = None;
    }
    r.alert_context = aux(
        a.alert_context,
        false,
        || None,
        |f| alert_context(def, f, event).map(Some),
    );
    if b {
        // Batch mode replaces an Exception with `{"_error": repr(exc)}`.
        if let Some(e) = r
            .alert_context
            .exception
            .take_if(|e| e.matches(ExcKind::Exception))
        {
            r.alert_context.output = Some(error_context(&e));
        }
    }
    r.unique = aux(
        a.unique,
        b,
        || None,
        |f| call_str(def, "unique", f, event).map(|s| Some(truncate(s))),
    );
    r
}

/// `json.dumps({"_error": repr(exc)})`.
fn error_context(e: &PyErr) -> String {
    let mut d = crate::value::Dict::default();
    d.insert(crate::value::Key::from_str("_error"), Value::str(e.repr()));
    crate::runner::json_dumps(&Value::dict(d), false, None).unwrap_or_default()
}

/// pypanther's `run_test` check of one `expected_<name>` against the run's output.
fn expected_field_matches(
    def: &DetectionDef,
    r: &DetectionResult,
    name: &str,
    want_json: &str,
) -> bool {
    let Ok(want) = crate::event::value_from_json(want_json) else {
        return false;
    };
    let text = |a: &Aux<String>| a.output.as_deref().map_or(Value::None, Value::str);
    let got = match name {
        "title" => text(&r.title),
        "dedup" => text(&r.dedup),
        // `DEFAULT` or an exception gives the rule's `default_severity`.
        "severity" => Value::str(r.severity.output.as_deref().unwrap_or(def.severity)),
        "runbook" => text(&r.runbook),
        "reference" => text(&r.reference),
        "description" => text(&r.description),
        "alert_context" => match r
            .alert_context
            .output
            .as_deref()
            .map(crate::event::value_from_json)
        {
            Some(Ok(v)) => v,
            _ => return false,
        },
        _ => return false,
    };
    crate::ops::eq(&got, &want)
}

/// pypanther's `_get_title`: a raising or non-str title gives the display name, or the id,
/// and the exception is kept.
fn pypanther_title(def: &DetectionDef, f: Option<NativeFn>, event: &Value) -> Aux<String> {
    let fallback = || {
        let name = if def.display_name.is_empty() {
            def.id
        } else {
            def.display_name
        };
        Some(name.to_string())
    };
    let Some(f) = f else {
        return Aux {
            defined: false,
            output: fallback(),
            exception: None,
        };
    };
    match call_str(def, "title", f, event) {
        Ok(s) => Aux {
            defined: true,
            output: Some(truncate(s)),
            exception: None,
        },
        Err(e) => Aux {
            defined: true,
            output: fallback(),
            exception: Some(e),
        },
    }
}

/// pypanther's `_get_dedup`: an empty, non-str or raising dedup runs the title again (its
/// exception is then dropped), then falls back to `defaultDedupString:<id>`; the dedup's
/// own exception is kept.
///
/// `Err` is an exception that leaves `Rule.run`: a rule's own `_get_title` raising or
/// returning what does not unpack into two values.
fn pypanther_dedup(def: &DetectionDef, a: &AuxFns, event: &Value) -> PyResult<Aux<String>> {
    let (dedup, exception) = match a.dedup {
        Some(f) => match call_str(def, "dedup", f, event) {
            Ok(s) => (s, None),
            Err(e) => (String::new(), Some(e)),
        },
        None => (String::new(), None),
    };
    let dedup = if dedup.is_empty() {
        let title = match a.get_title {
            // `dedup_string, _ = self._get_title(event)` with the rule's own `_get_title`.
            Some(f) => {
                let got = f(std::slice::from_ref(event), &[])?;
                let mut pair = crate::call::unpack(&got, 2)?;
                pair.truncate(1);
                match pair.pop() {
                    Some(Value::Str(s)) => Some(s.to_string()),
                    // `dedup_string == ""` may run a user class's `__eq__`.
                    Some(v) if v.downcast::<crate::class::Instance>().is_some() => {
                        return Err(crate::ops::unsupported(
                            "a `_get_title` title that is an instance of a user class",
                        ))
                    }
                    _ => None,
                }
            }
            None => pypanther_title(def, a.title, event).output,
        };
        match title {
            Some(t) if !t.is_empty() => t,
            _ => default_dedup(def),
        }
    } else {
        dedup
    };
    Ok(Aux {
        defined: true,
        output: Some(truncate(dedup)),
        exception,
    })
}

/// `result.title_output, result.title_exception = self._get_title(event)` with a rule
/// class's own `_get_title`. An exception it raises, or a value that does not unpack into
/// two, leaves `Rule.run` (`Err`). ferrule's result holds a title that is a `str` and an
/// error that is `None` or an exception; anything else is refused.
fn own_get_title(def: &DetectionDef, f: NativeFn, event: &Value) -> PyResult<Aux<String>> {
    let got = f(std::slice::from_ref(event), &[])?;
    let pair = crate::call::unpack(&got, 2)?;
    let output = match &pair[0] {
        Value::Str(s) => s.to_string(),
        other => {
            return Err(crate::ops::unsupported(&format!(
                "a `_get_title` of {} returning a title of type '{}'",
                def.id,
                other.type_name()
            )))
        }
    };
    let exception = match &pair[1] {
        Value::None => None,
        e if crate::exc::is_exception_object(e) => Some(crate::exc::raise(e)),
        other => {
            return Err(crate::ops::unsupported(&format!(
                "a `_get_title` of {} returning an error of type '{}'",
                def.id,
                other.type_name()
            )))
        }
    };
    Ok(Aux {
        defined: true,
        output: Some(output),
        exception,
    })
}

thread_local! {
    /// Whether a run is calling the auxiliary functions (pypanther's `Rule.run` has set
    /// `self.ctx_mgr`, which its `_get_title` uses).
    static ALERT_PHASE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks the auxiliary-function phase of a run until dropped.
struct AlertPhase(bool);

impl AlertPhase {
    fn enter() -> AlertPhase {
        AlertPhase(ALERT_PHASE.with(|p| p.replace(true)))
    }
}

impl Drop for AlertPhase {
    fn drop(&mut self) {
        ALERT_PHASE.with(|p| p.set(self.0));
    }
}

/// pypanther's `Rule._get_title(self, event)` as a method of ferrule's run-time `Rule`
/// class, for a rule class's own `_get_title` reaching it through `super()`: the
/// `(title, error)` tuple pypanther returns, the error being the exception instance.
pub fn rule_get_title(args: &[Value], kwargs: crate::value::Kwargs) -> PyResult<Value> {
    let [this, event] = args else {
        return Err(crate::ops::unsupported(
            "calling `Rule._get_title` with other than (self, event)",
        ));
    };
    if !kwargs.is_empty() {
        return Err(crate::ops::unsupported(
            "calling `Rule._get_title` with keyword arguments",
        ));
    }
    // Before any run of the rule reached its alert phase, `self.ctx_mgr` is unset and
    // pypanther's `_get_title` fails on it; whether it was set depends on earlier tests.
    if !ALERT_PHASE.with(|p| p.get()) {
        return Err(crate::ops::unsupported(
            "calling `Rule._get_title` outside `Rule.run`'s auxiliary methods",
        ));
    }
    let got = crate::ops::call_method(this, "title", std::slice::from_ref(event), &[]);
    let got = got.and_then(|v| match v {
        Value::Str(s) => Ok(s.to_string()),
        other => {
            // `self._require_str(self.title.__name__, title)`.
            let id = crate::ops::getattr(this, "id")?;
            Err(function_return_type_error(format!(
                "detection [{}] method [title] returned [{}], expected [str]",
                crate::fmt::str(&id),
                other.type_name()
            )))
        }
    });
    match got {
        Ok(s) => Ok(Value::tuple(vec![Value::str(truncate(s)), Value::None])),
        // `except Exception as e`: a refusal and BaseExceptions go on.
        Err(e) if !e.is_refusal() && e.matches(ExcKind::Exception) => {
            let mut title = crate::ops::getattr(this, "display_name")?;
            if !crate::ops::truthy(&title)? || !matches!(title, Value::Str(_)) {
                title = crate::ops::getattr(this, "id")?;
            }
            Ok(Value::tuple(vec![title, crate::exc::exc_value(&e)]))
        }
        Err(e) => Err(e),
    }
}

fn default_dedup(def: &DetectionDef) -> String {
    format!("defaultDedupString:{}", def.id)
}

fn dedup_fallback(def: &DetectionDef, title: Option<&str>) -> String {
    match title {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => default_dedup(def),
    }
}

/// The alert fields of a record (the oracle's `live_view`): what `Detection.run` in batch
/// mode produces for the same evaluation, derived from a PAT (non-batch) run.
#[derive(Clone, Default, Debug, PartialEq)]
pub struct LiveView {
    pub title: Option<String>,
    pub dedup: Option<String>,
    pub severity: Option<String>,
    /// JSON text.
    pub alert_context: Option<String>,
    pub description: Option<String>,
    pub reference: Option<String>,
    pub runbook: Option<String>,
    pub destinations: Option<Vec<String>>,
    pub unique: Option<String>,
    /// The exceptions the functions raised (`aux_errors`), as `Type: message`, in the
    /// oracle's order.
    pub errors: Vec<(&'static str, String)>,
}

/// Derives the live alert fields from a non-batch `result` (oracle `live_view`).
pub fn live_view(def: &DetectionDef, r: &DetectionResult) -> LiveView {
    let mut v = LiveView::default();
    fn simple<T: Clone>(
        errs: &mut Vec<(&'static str, String)>,
        name: &'static str,
        a: &Aux<T>,
        default: Option<T>,
    ) -> Option<T> {
        // UnknownDestinationError was ignored (removed) by PAT before the oracle looks.
        let exc = a.exception.as_ref().filter(|e| !is_unknown_destination(e));
        if let Some(e) = exc {
            errs.push((name, e.type_and_message()));
        }
        if !a.defined {
            return None;
        }
        match exc {
            None => a.output.clone(),
            Some(e) if e.matches(ExcKind::Exception) => default,
            Some(_) => None,
        }
    }
    let errs = &mut v.errors;
    v.title = simple(errs, "title", &r.title, Some(def.id.to_string()));
    v.dedup = if r.dedup.defined {
        simple(errs, "dedup", &r.dedup, Some(default_dedup(def)))
    } else {
        Some(dedup_fallback(def, v.title.as_deref()))
    };
    if def.is_pypanther() {
        // pypanther's run already applied its fallbacks, exception or not.
        v.title = r.title.output.clone();
        v.dedup = r.dedup.output.clone();
    }
    let live_sev = live_severity(def);
    v.severity = match (&r.severity.exception, r.severity.defined) {
        (_, false) => None,
        (None, true) => r.severity.output.clone().or(live_sev),
        (Some(e), true) => {
            errs.push(("severity", e.type_and_message()));
            if e.matches(ExcKind::Exception) {
                live_sev
            } else {
                None
            }
        }
    };
    v.alert_context = match (&r.alert_context.exception, r.alert_context.defined) {
        (_, false) => None,
        (None, true) => r.alert_context.output.clone(),
        (Some(e), true) => {
            errs.push(("alert_context", e.type_and_message()));
            if e.matches(ExcKind::Exception) {
                Some(error_context(e))
            } else {
                None
            }
        }
    };
    v.description = simple(errs, "description", &r.description, Some(String::new()));
    v.reference = simple(errs, "reference", &r.reference, Some(String::new()));
    v.runbook = simple(errs, "runbook", &r.runbook, Some(String::new()));
    v.destinations = simple(errs, "destinations", &r.destinations, None);
    v.unique = simple(errs, "unique", &r.unique, None);
    v
}

/// PAT's verdict for a test (`TestCaseEvaluator.interpret(...).passed`, with
/// UnknownDestinationError ignored, then the ExpectedDestinations check).
pub fn test_passed(
    def: &DetectionDef,
    expected: &Value,
    r: &DetectionResult,
    test: &TestDef,
) -> bool {
    if def.is_pypanther() {
        // pypanther's `Rule.run_test`: no exception, the output equal to the expected result,
        // then no auxiliary exception.
        let out = match &r.detection_value {
            Some(v) => v.clone(),
            None => r.detection_output.map_or(Value::None, Value::Bool),
        };
        return r.detection_exception.is_none()
            && crate::ops::eq(&out, expected)
            && !r.errored()
            && test
                .expected_fields
                .iter()
                .all(|(name, want)| expected_field_matches(def, r, name, want));
    }
    let expected_destinations = test.expected_destinations;
    let alert_value = def.kind != Kind::Policy;
    let mut passed = if crate::ops::eq(expected, &Value::Bool(alert_value)) {
        r.trigger_alert && !r.errored()
    } else {
        let out = r.detection_output.map_or(Value::None, Value::Bool);
        crate::ops::eq(expected, &out)
    };
    if let Some(want) = expected_destinations {
        let allowed = want;
        let mut want: Vec<String> = if want.is_empty() {
            vec!["SKIP".to_string()]
        } else {
            want.iter().map(|s| s.to_string()).collect()
        };
        // What PAT's own run gives: only the expected names are configured.
        let view: Vec<String> = match (&r.destinations.exception, &r.destinations.output) {
            (None, Some(out)) if out.len() == 1 && out[0] == "SKIP" => out.clone(),
            (None, Some(out)) if out.iter().all(|n| allowed.contains(&n.as_str())) => out.clone(),
            _ => Vec::new(),
        };
        let mut view = view;
        want.sort();
        view.sort();
        if want != view {
            passed = false;
        }
    }
    passed
}
