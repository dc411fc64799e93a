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
    /// A PyPanther rule class's own `_get_dedup`, called in place of `Rule._get_dedup`.
    pub get_dedup: Option<NativeFn>,
    /// A PyPanther rule class's own `run` (an entry calling the rule object's with `event,
    /// outputs, outputs_names, batch_mode`), which `run_test` calls in place of `Rule.run`.
    pub run: Option<NativeFn>,
    /// Returns the rule object (set with `run`: `super().run` must be called on it).
    pub rule_object: Option<NativeFn>,
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
#[derive(Clone, Copy)]
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
    let r = match def.aux.run {
        // The rule's own `run` stands where pypanther's `Rule.run` stood, one frame above
        // `rule()`.
        Some(f) if def.is_pypanther() => {
            crate::recursion::at_base(crate::recursion::PYPANTHER_RULE_BASE - 1, || {
                own_run(def, f, event, batch_mode)
            })
        }
        _ => run_functions(def, event, batch_mode),
    };
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
    // (Relative to `Rule.run`'s own frame, which a rule's own `run` makes one deeper.)
    let _aux_base = def.is_pypanther().then(|| {
        crate::recursion::shift(
            crate::recursion::PYPANTHER_AUX_BASE - crate::recursion::PYPANTHER_RULE_BASE,
        )
    });
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
    r.dedup = match (a.dedup, a.get_dedup) {
        (_, Some(f)) if def.is_pypanther() => match own_get_dedup(def, f, event) {
            Ok(d) => d,
            Err(e) => {
                r.escaped = Some(e);
                return r;
            }
        },
        _ if def.is_pypanther() => match pypanther_dedup(def, a, event) {
            Ok(d) => d,
            Err(e) => {
                r.escaped = Some(e);
                return r;
            }
        },
        (None, _) => Aux {
            defined: false,
            output: Some(dedup_fallback(def, r.title.output.as_deref())),
            exception: None,
        },
        (Some(_), _) => aux(
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
    own_output_pair(def, f, event, "title")
}

/// What a rule class's own `_get_<what>` returned, as an output and its error (see
/// [`own_get_title`] and [`own_get_dedup`]).
fn own_output_pair(
    def: &DetectionDef,
    f: NativeFn,
    event: &Value,
    what: &str,
) -> PyResult<Aux<String>> {
    let got = f(std::slice::from_ref(event), &[])?;
    let pair = crate::call::unpack(&got, 2)?;
    let output = match &pair[0] {
        Value::Str(s) => s.to_string(),
        other => {
            return Err(crate::ops::unsupported(&format!(
                "a `_get_{what}` of {} returning a {what} of type '{}'",
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
                "a `_get_{what}` of {} returning an error of type '{}'",
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

// ---------------------------------------------------------------------------------------
// Rule classes replacing `run` and `_get_dedup`
// ---------------------------------------------------------------------------------------

/// `pypanther.base.FunctionReturnTypeError` (panther_core's) as a class value.
pub fn function_return_type_error_class() -> Value {
    Value::object(crate::exc::ExcClassObj(ExcType::User(
        FUNCTION_RETURN_TYPE_ERROR.with(Rc::clone),
    )))
}

/// pypanther's `Rule._require_str(self, method_name, value)` (through `_require_scalar`).
pub fn rule_require_str(args: &[Value], kwargs: crate::value::Kwargs) -> PyResult<Value> {
    let [this, method_name, value] = args else {
        return Err(crate::ops::unsupported(
            "calling `Rule._require_str` with other than (self, method_name, value)",
        ));
    };
    if !kwargs.is_empty() {
        return Err(crate::ops::unsupported(
            "calling `Rule._require_str` with keyword arguments",
        ));
    }
    if matches!(value, Value::Str(_)) {
        return Ok(Value::None);
    }
    if value.downcast::<crate::class::Instance>().is_some() {
        // `isinstance` of a user class instance may consult its own `__class__`.
        return Err(crate::ops::unsupported(
            "`Rule._require_str` of an instance of a user class",
        ));
    }
    let id = crate::ops::getattr(this, "id")?;
    Err(function_return_type_error(format!(
        "detection [{}] method [{}] returned [{}], expected [str]",
        crate::fmt::format(&id, "")?,
        crate::fmt::format(method_name, "")?,
        value.type_name()
    )))
}

/// `pypanther.utils.truncate(s, max_size)` for a `str` and an `int` at least as large as
/// its suffix (other arguments are refused).
pub fn pypanther_truncate(args: &[Value], kwargs: crate::value::Kwargs) -> PyResult<Value> {
    let (Some(s), Some(max), true) = (
        args.first(),
        args.get(1),
        kwargs.is_empty() && args.len() == 2,
    ) else {
        return Err(crate::ops::unsupported(
            "calling `pypanther.utils.truncate` with other than (s, max_size)",
        ));
    };
    let (Value::Str(s), Value::Int(max)) = (s, max) else {
        return Err(crate::ops::unsupported(
            "`pypanther.utils.truncate` of other than a str and an int",
        ));
    };
    let suffix = TRUNCATED.chars().count() as i64;
    let len = s.chars().count() as i64;
    if len <= *max {
        return Ok(Value::Str(s.clone()));
    }
    if *max < suffix {
        return Err(crate::ops::unsupported(
            "`pypanther.utils.truncate` to fewer characters than its suffix",
        ));
    }
    let mut out: String = s.chars().take((*max - suffix) as usize).collect();
    out.push_str(TRUNCATED);
    Ok(Value::str(out))
}

/// pypanther's `Rule._get_dedup(self, event)` as a method of ferrule's run-time `Rule`
/// class, for a rule class's own `_get_dedup` reaching it through `super()`: the
/// `(dedup, error)` tuple pypanther returns. Its fallback calls the rule object's
/// `_get_title`, whichever class provides it.
pub fn rule_get_dedup(args: &[Value], kwargs: crate::value::Kwargs) -> PyResult<Value> {
    let [this, event] = args else {
        return Err(crate::ops::unsupported(
            "calling `Rule._get_dedup` with other than (self, event)",
        ));
    };
    if !kwargs.is_empty() {
        return Err(crate::ops::unsupported(
            "calling `Rule._get_dedup` with keyword arguments",
        ));
    }
    // Before any run of the rule reached its alert phase, `self.ctx_mgr` is unset.
    if !ALERT_PHASE.with(|p| p.get()) {
        return Err(crate::ops::unsupported(
            "calling `Rule._get_dedup` outside `Rule.run`'s auxiliary methods",
        ));
    }
    let user_instance = |v: &Value| v.downcast::<crate::class::Instance>().is_some();
    let mut error = Value::None;
    let mut dedup = Value::str("");
    match crate::ops::call_method(this, "dedup", std::slice::from_ref(event), &[]) {
        Ok(v) => {
            dedup = v;
            if let Err(e) =
                rule_require_str(&[this.clone(), Value::str("dedup"), dedup.clone()], &[])
            {
                if e.is_refusal() {
                    return Err(e);
                }
                error = crate::exc::exc_value(&e);
            }
        }
        Err(e) if !e.is_refusal() && e.matches(ExcKind::Exception) => {
            error = crate::exc::exc_value(&e)
        }
        Err(e) => return Err(e),
    }
    // `dedup_string == ""` may run a user class's `__eq__`.
    let usable = |v: &Value| -> PyResult<bool> {
        if user_instance(v) {
            return Err(crate::ops::unsupported(
                "a dedup or title that is an instance of a user class",
            ));
        }
        Ok(matches!(v, Value::Str(s) if !s.is_empty()))
    };
    if !usable(&dedup)? {
        let got = crate::ops::call_method(this, "_get_title", std::slice::from_ref(event), &[])?;
        let mut pair = crate::call::unpack(&got, 2)?;
        pair.truncate(1);
        dedup = pair.pop().unwrap_or(Value::None);
        if !usable(&dedup)? {
            let id = crate::ops::getattr(this, "id")?;
            dedup = Value::str(format!(
                "defaultDedupString:{}",
                crate::fmt::format(&id, "")?
            ));
        }
    }
    let dedup = pypanther_truncate(&[dedup, Value::Int(MAX_FIELD as i64)], &[])?;
    Ok(Value::tuple(vec![dedup, error]))
}

/// `result.dedup_output, result.dedup_exception = self._get_dedup(event)` with a rule
/// class's own `_get_dedup`; as [`own_get_title`], a dedup that is not a `str` or an error
/// that is neither `None` nor an exception is refused.
fn own_get_dedup(def: &DetectionDef, f: NativeFn, event: &Value) -> PyResult<Aux<String>> {
    own_output_pair(def, f, event, "dedup")
}

thread_local! {
    /// The detection whose rule class replaces `run`, while the runner calls that `run`:
    /// pypanther's own `Rule.run`, reached through `super()`, runs this detection.
    static OWN_RUN: std::cell::RefCell<Vec<DetectionDef>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `rule.run(event, {}, {}, batch_mode)` with a rule class's own `run` (`run_test`'s call).
/// Its result must be the object pypanther's `Rule.run` returned; an exception leaving it
/// is `run_test`'s.
fn own_run(def: &DetectionDef, f: NativeFn, event: &Value, batch_mode: bool) -> DetectionResult {
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            OWN_RUN.with(|s| s.borrow_mut().pop());
        }
    }
    OWN_RUN.with(|s| s.borrow_mut().push(*def));
    let _pop = Pop;
    let args = [
        event.clone(),
        Value::dict(crate::value::Dict::default()),
        Value::dict(crate::value::Dict::default()),
        Value::Bool(batch_mode),
    ];
    let got = f(&args, &[]);
    let got = got.and_then(|v| match v.downcast::<RuleResult>() {
        Some(r) => Ok(r.0.borrow().clone()),
        None => Err(crate::ops::unsupported(&format!(
            "a `run` of {} returning a '{}', not pypanther's result",
            def.id,
            v.type_name()
        ))),
    });
    match got {
        Ok(r) => r,
        Err(e) if e.is_refusal() => DetectionResult {
            refusal: Some(e),
            ..DetectionResult::default()
        },
        Err(e) => DetectionResult {
            escaped: Some(e),
            ..DetectionResult::default()
        },
    }
}

/// pypanther's `Rule.run(self, event, outputs, outputs_names, batch_mode=True)` as a method
/// of ferrule's run-time `Rule` class, for a rule class's own `run` reaching it through
/// `super()`: the result object, whose attributes that code may read and set.
pub fn rule_run(args: &[Value], kwargs: crate::value::Kwargs) -> PyResult<Value> {
    let names = ["self", "event", "outputs", "outputs_names", "batch_mode"];
    let mut slots: [Option<Value>; 5] = Default::default();
    if args.len() > 5 {
        return Err(crate::ops::unsupported(
            "calling `Rule.run` with extra arguments",
        ));
    }
    for (i, a) in args.iter().enumerate() {
        slots[i] = Some(a.clone());
    }
    for (k, v) in kwargs {
        match names.iter().position(|n| n == k) {
            Some(i) if slots[i].is_none() => slots[i] = Some(v.clone()),
            _ => {
                return Err(crate::ops::unsupported(&format!(
                    "calling `Rule.run` with the keyword argument `{k}`"
                )))
            }
        }
    }
    let [Some(this), Some(event), Some(outputs), Some(outputs_names), batch] = slots else {
        return Err(crate::ops::unsupported(
            "calling `Rule.run` without its arguments",
        ));
    };
    let Some(def) = OWN_RUN.with(|s| s.borrow().last().copied()) else {
        return Err(crate::ops::unsupported(
            "calling `Rule.run` outside the rule's own `run`",
        ));
    };
    // The native run evaluates the detection's own rule object.
    let own = def.aux.rule_object.map(|f| f(&[], &[])).transpose()?;
    if !own.is_some_and(|o| o.is(&this)) {
        return Err(crate::ops::unsupported(
            "calling `Rule.run` on another object than the rule's",
        ));
    }
    // `run_test` passes empty mappings, which ferrule's destinations model.
    let empty = |v: &Value| matches!(v, Value::Dict(d) if d.borrow().is_empty());
    if !empty(&outputs) || !empty(&outputs_names) {
        return Err(crate::ops::unsupported(
            "calling `Rule.run` with configured outputs",
        ));
    }
    let batch_mode = match batch {
        None => true,
        Some(b) => crate::ops::truthy(&b)?,
    };
    if batch_mode {
        return Err(crate::ops::unsupported(
            "pypanther's `Rule.run` in batch mode under a rule's own `run`",
        ));
    }
    // The counter stands at the caller's frame, which is where pypanther's `Rule.run` is
    // counted (the detection module's entry wrappers count one frame more than CPython's
    // callers, as `recursion::PYPANTHER_RULE_BASE` assumes).
    let r = run_functions(&def, &event, false);
    if let Some(e) = crate::err::take_refusal() {
        return Err(e);
    }
    if let Some(e) = r.escaped {
        return Err(e);
    }
    Ok(Value::object(RuleResult(std::cell::RefCell::new(r))))
}

/// panther_core's `DetectionResult` as pypanther's `Rule.run` returns it, for a rule
/// class's own `run`. The attributes whose values ferrule knows exactly can be read; only
/// `detection_output`, `detection_exception` and `trigger_alert` can be set.
pub struct RuleResult(std::cell::RefCell<DetectionResult>);

/// Attributes of `DetectionResult` a rule's code may not read or set through ferrule.
const RESULT_UNMODELLED: &[&str] = &[
    "all_filters_matched",
    "detection_evaluation_failed",
    "error_message",
    "error_type",
    "errored",
    "fatal_error",
    "filters_did_not_match",
    "filters_not_ran",
    "ignore_errors",
    "short_error_message",
    "severity_output",
    "destinations_output",
    "alert_context_output",
];

impl RuleResult {
    fn exc(slot: &mut Option<PyErr>) -> Value {
        match slot {
            None => Value::None,
            Some(e) => {
                // Later reads give the same exception object.
                let v = crate::exc::exc_value(e);
                *slot = Some(crate::exc::raise(&v));
                v
            }
        }
    }
}

impl crate::value::PyObject for RuleResult {
    fn type_name(&self) -> &str {
        "DetectionResult"
    }

    fn repr_exact(&self) -> bool {
        false
    }

    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        let mut r = self.0.borrow_mut();
        let text = |a: &Aux<String>| a.output.as_deref().map_or(Value::None, Value::str);
        // pypanther's `_get_description`/`_reference`/`_runbook` give "" with an exception.
        let or_empty = |a: &Aux<String>| match (&a.output, &a.exception) {
            (_, Some(_)) => Value::str(""),
            (Some(s), None) => Value::str(s.as_str()),
            (None, None) => Value::None,
        };
        let trigger = r.trigger_alert;
        Ok(match name {
            "detection_type" => Value::str("RULE"),
            "trigger_alert" => Value::Bool(trigger),
            "detection_output" => match (&r.detection_value, r.detection_output) {
                (Some(v), _) => v.clone(),
                (None, Some(b)) => Value::Bool(b),
                (None, None) => Value::None,
            },
            "detection_exception" => Self::exc(&mut r.detection_exception),
            "filter_output" | "filter_exception" | "setup_exception" | "input_exception" => {
                Value::None
            }
            "title_output" => text(&r.title),
            "dedup_output" => text(&r.dedup),
            "description_output" => or_empty(&r.description),
            "reference_output" => or_empty(&r.reference),
            "runbook_output" => or_empty(&r.runbook),
            "unique_output" | "unique_exception" => Value::None,
            "title_exception" => Self::exc(&mut r.title.exception),
            "dedup_exception" => Self::exc(&mut r.dedup.exception),
            "description_exception" => Self::exc(&mut r.description.exception),
            "reference_exception" => Self::exc(&mut r.reference.exception),
            "severity_exception" => Self::exc(&mut r.severity.exception),
            "runbook_exception" => Self::exc(&mut r.runbook.exception),
            "destinations_exception" => Self::exc(&mut r.destinations.exception),
            "alert_context_exception" => Self::exc(&mut r.alert_context.exception),
            n if n.ends_with("_defined")
                && [
                    "title",
                    "dedup",
                    "description",
                    "reference",
                    "severity",
                    "runbook",
                    "destinations",
                    "alert_context",
                    "unique",
                ]
                .contains(&n.trim_end_matches("_defined")) =>
            {
                Value::Bool(false)
            }
            n if RESULT_UNMODELLED.contains(&n)
                || n.starts_with('_')
                || n == "detection_id"
                || n == "detection_severity" =>
            {
                return Err(crate::ops::unsupported(&format!(
                    "reading `{n}` of pypanther's `Rule.run` result"
                )))
            }
            n => {
                return Err(PyErr::attribute_error(format!(
                    "'DetectionResult' object has no attribute '{n}'"
                )))
            }
        })
    }

    fn setattr(&self, name: &str, value: Value) -> PyResult<()> {
        let mut r = self.0.borrow_mut();
        match name {
            "detection_output" => {
                // pypanther keeps a non-bool `rule()` value as it is (`detection_value`).
                (r.detection_output, r.detection_value) = match value {
                    Value::Bool(b) => (Some(b), None),
                    Value::None => (None, None),
                    v => (None, Some(v)),
                };
            }
            "detection_exception" => {
                r.detection_exception = match &value {
                    Value::None => None,
                    e if crate::exc::is_exception_object(e) => Some(crate::exc::raise(e)),
                    other => {
                        return Err(crate::ops::unsupported(&format!(
                            "setting `detection_exception` of pypanther's result to a '{}'",
                            other.type_name()
                        )))
                    }
                };
            }
            "trigger_alert" => match value {
                Value::Bool(b) => r.trigger_alert = b,
                other => {
                    return Err(crate::ops::unsupported(&format!(
                        "setting `trigger_alert` of pypanther's result to a '{}'",
                        other.type_name()
                    )))
                }
            },
            n => {
                return Err(crate::ops::unsupported(&format!(
                    "setting `{n}` of pypanther's `Rule.run` result"
                )))
            }
        }
        Ok(())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
