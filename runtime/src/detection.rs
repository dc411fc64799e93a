//! panther_core's way of running a detection, and PAT's way of running its unit tests.
//!
//! Generated crates describe each detection with a static [`DetectionDef`]; this module
//! evaluates it exactly as `panther_core.detection.Detection.run` does and produces the
//! records of `ferrule test --jsonl` (the oracle's `test` records).

use crate::err::PyResult;
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
}

/// A data model: the log types it applies to and its mappings.
pub struct DataModelDef {
    pub id: &'static str,
    pub log_types: &'static [&'static str],
    pub mappings: &'static [MappingDef],
}

/// One data-model mapping: a name and either a JSON path or a compiled method.
pub struct MappingDef {
    pub name: &'static str,
    pub path: Option<&'static str>,
    pub method: Option<NativeFn>,
}

/// A compiled detection.
pub struct DetectionDef {
    /// `RuleID` / `PolicyID`.
    pub id: &'static str,
    pub kind: Kind,
    /// The YAML spec, relative to the repository (the JSONL `file`).
    pub file: &'static str,
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
}
