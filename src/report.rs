//! What the command line reports: the summary of a run (detections converted, refused and
//! failed to load; tests passed, failed and refused at run time), and the machine-readable
//! outputs: JSON lines, SARIF 2.1.0 and JUnit XML.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::diag::{Code, Diagnostic, Severity};
use crate::ir::Program;

/// How detections fared, counted per detection (a diagnostic without a detection id on a
/// spec file counts as one spec file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DetectionCounts {
    /// Compiled, and (for `ferrule test`) their module loaded.
    pub converted: usize,
    /// Not compiled: outside what ferrule supports, or depending on something that was not
    /// converted.
    pub refused: usize,
    /// Broken as PAT sees it too: the spec or the module does not load (YAML, missing keys
    /// or file, Python syntax, duplicate id, no `rule()`), or its module raised at import.
    pub failed_to_load: usize,
    /// Spec files that failed to load before their id or kind could be read.
    pub spec_files_failed_to_load: usize,
    /// Kinds of detection ferrule does not compile (F012), by kind.
    pub skipped: BTreeMap<String, usize>,
}

/// How the unit tests fared.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TestCounts {
    pub total: usize,
    pub passed: usize,
    /// Did not pass, as under PAT (a wrong result or an error CPython raises too).
    pub failed: usize,
    /// Did not pass because the runtime refused to go on (`NotImplementedError: ferrule
    /// runtime: …`, a crash of the test process included).
    pub refused: usize,
}

/// Diagnostics by severity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DiagnosticCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// The final summary of a command.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub command: String,
    pub detections: DetectionCounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests: Option<TestCounts>,
    pub diagnostics: DiagnosticCounts,
    /// Where the crate was written (`build`) or built (`test`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crate_dir: Option<String>,
    pub seconds: f64,
    pub exit_code: i32,
}

/// The kind a skipped-kind diagnostic names ("correlation rules", "simple (YAML)
/// detections"): its message up to the verb.
pub fn skipped_kind(d: &Diagnostic) -> String {
    let m = d.message.as_str();
    let end = [" are ", " is ", " need"]
        .iter()
        .filter_map(|w| m.find(w))
        .min()
        .unwrap_or(m.len());
    m[..end].to_string()
}

fn is_spec_file(file: &str) -> bool {
    file.ends_with(".yml") || file.ends_with(".yaml")
}

/// Counts detections from what was compiled and the diagnostics; `load_errors` are the ids
/// whose module raised at import (`ferrule test`), with whether the runtime refused it there
/// (a refusal or a crash: then the detection counts as refused); `only` restricts to
/// `--id`s.
pub fn count_detections(
    program: &Program,
    diags: &[Diagnostic],
    load_errors: &BTreeMap<String, bool>,
    only: &[String],
) -> DetectionCounts {
    let selected = |id: &str| only.is_empty() || only.iter().any(|o| o == id);
    let compiled: BTreeSet<&str> = program
        .detections
        .iter()
        .map(|d| d.id.as_str())
        .filter(|id| selected(id))
        .collect();
    let mut c = DetectionCounts::default();
    // Per detection not compiled: whether any of its errors is a load failure.
    let mut lost: BTreeMap<&str, bool> = BTreeMap::new();
    let mut bad_specs: BTreeSet<&str> = BTreeSet::new();
    let mut duplicates: BTreeSet<&str> = BTreeSet::new();
    for d in diags {
        if d.code == Code::Skipped {
            let counted = match &d.detection {
                Some(id) => selected(id),
                None => only.is_empty(),
            };
            if counted {
                *c.skipped.entry(skipped_kind(d)).or_default() += 1;
            }
            continue;
        }
        if !d.code.is_error() {
            continue;
        }
        match &d.detection {
            // A second spec with a taken id: a detection of its own that fails to load.
            Some(id) if d.code == Code::DuplicateId && selected(id) => {
                duplicates.insert(d.span.file.as_str());
            }
            Some(id) if selected(id) && !compiled.contains(id.as_str()) => {
                *lost.entry(id.as_str()).or_default() |= d.code.is_load_failure();
            }
            Some(_) => {}
            None if only.is_empty() && is_spec_file(&d.span.file) && d.code.is_load_failure() => {
                bad_specs.insert(d.span.file.as_str());
            }
            None => {}
        }
    }
    let at_import: Vec<bool> = compiled
        .iter()
        .filter_map(|id| load_errors.get(*id).copied())
        .collect();
    let refused_at_import = at_import.iter().filter(|r| **r).count();
    let failed_at_import = at_import.len() - refused_at_import;
    c.converted = compiled.len() - at_import.len();
    c.failed_to_load = lost.values().filter(|l| **l).count() + duplicates.len() + failed_at_import;
    c.refused = lost.values().filter(|l| !**l).count() + refused_at_import;
    c.spec_files_failed_to_load = bad_specs.len();
    c
}

/// Counts diagnostics by severity.
pub fn count_diagnostics(diags: &[Diagnostic]) -> DiagnosticCounts {
    let mut c = DiagnosticCounts::default();
    for d in diags {
        match d.severity() {
            Severity::Error => c.error += 1,
            Severity::Warning => c.warning += 1,
            Severity::Info => c.info += 1,
        }
    }
    c
}

/// One record of `ferrule test --jsonl`, as far as the summary and JUnit need it.
#[derive(Clone, Debug, PartialEq)]
pub struct TestResult {
    pub record: String,
    pub id: String,
    pub file: String,
    pub test: Option<String>,
    pub passed: bool,
    pub error: Option<String>,
    pub expected: Json,
    pub result: Json,
    /// Errors of auxiliary functions (`title`…), by function.
    pub aux_errors: BTreeMap<String, String>,
}

impl TestResult {
    /// Reads one JSONL record (None for a line that is not one).
    pub fn from_json(line: &str) -> Option<TestResult> {
        let v: Json = serde_json::from_str(line).ok()?;
        let s = |k: &str| v.get(k).and_then(Json::as_str).map(String::from);
        let aux_errors = v
            .get("aux_errors")
            .and_then(Json::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, e)| (k.clone(), e.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        Some(TestResult {
            record: s("record")?,
            id: s("id").unwrap_or_default(),
            file: s("file").unwrap_or_default(),
            test: s("test"),
            passed: v.get("passed").and_then(Json::as_bool).unwrap_or(false),
            error: s("error"),
            expected: v.get("expected").cloned().unwrap_or(Json::Null),
            result: v.get("result").cloned().unwrap_or(Json::Null),
            aux_errors,
        })
    }

    /// Whether the runtime refused this test (in its detection function or in an auxiliary
    /// one): the answer is ferrule's gap, not the detection's.
    pub fn refused(&self) -> bool {
        self.error
            .as_deref()
            .is_some_and(ferrule_runtime::runner::is_refusal)
            || self
                .aux_errors
                .values()
                .any(|e| ferrule_runtime::runner::is_refusal(e))
    }
}

/// Counts test records: passed, refused (not passed, or passed with a refused auxiliary
/// function), failed (the rest).
pub fn count_tests(results: &[TestResult]) -> TestCounts {
    let tests: Vec<&TestResult> = results.iter().filter(|r| r.record == "test").collect();
    let refused = tests.iter().filter(|r| r.refused()).count();
    let passed = tests.iter().filter(|r| r.passed && !r.refused()).count();
    TestCounts {
        total: tests.len(),
        passed,
        failed: tests.len() - passed - refused,
        refused,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Summary {
    /// The summary as text lines for stderr.
    pub fn text(&self) -> String {
        let d = &self.detections;
        let total = d.converted + d.refused + d.failed_to_load;
        let mut out = format!(
            "ferrule: {}: {} converted, {} refused, {} failed to load",
            plural(total, "detection", "detections"),
            d.converted,
            d.refused,
            d.failed_to_load
        );
        if d.spec_files_failed_to_load > 0 {
            out.push_str(&format!(
                "; {} failed to load",
                plural(d.spec_files_failed_to_load, "spec file", "spec files")
            ));
        }
        if !d.skipped.is_empty() {
            let kinds: Vec<String> = d.skipped.iter().map(|(k, n)| format!("{n} {k}")).collect();
            out.push_str(&format!("; skipped: {}", kinds.join(", ")));
        }
        out.push('\n');
        if let Some(t) = &self.tests {
            out.push_str(&format!(
                "ferrule: {}: {} passed, {} failed, {} refused at run time\n",
                plural(t.total, "test", "tests"),
                t.passed,
                t.failed,
                t.refused
            ));
        }
        let where_ = match (&self.crate_dir, self.command.as_str()) {
            (Some(dir), "build") => format!(" (crate written to {dir})"),
            (Some(dir), "migrate") => format!(" (project written to {dir})"),
            (Some(dir), _) => format!(" (crate built in {dir})"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "ferrule: {} finished in {:.1} s{where_}\n",
            self.command, self.seconds
        ));
        out
    }

    /// The summary as the last object of `--format json`.
    pub fn to_json(&self) -> Json {
        let mut v = serde_json::to_value(self).unwrap_or(Json::Null);
        if let Some(o) = v.as_object_mut() {
            o.insert("type".into(), json!("summary"));
        }
        v
    }
}

/// One diagnostic as a `--format json` line.
pub fn diagnostic_json(d: &Diagnostic, root: &Path) -> Json {
    let mut v = d.to_json_value(root);
    if let Some(o) = v.as_object_mut() {
        o.insert("type".into(), json!("diagnostic"));
    }
    v
}

/// A SARIF 2.1.0 log of the diagnostics, for code-scanning upload: one rule per code,
/// one result per diagnostic, locations relative to the repository (`%SRCROOT%`).
pub fn sarif(diags: &[Diagnostic], summary: &Summary) -> Json {
    let rules: Vec<Json> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": format!("{c:?}"),
                "shortDescription": { "text": c.description() },
                "defaultConfiguration": { "level": c.severity().sarif_level() },
                "helpUri": "https://github.com/ferrule/ferrule#diagnostics",
            })
        })
        .collect();
    let results: Vec<Json> = diags
        .iter()
        .map(|d| {
            let mut physical = json!({
                "artifactLocation": { "uri": uri_path(&d.span.file), "uriBaseId": "%SRCROOT%" },
            });
            if d.span.line > 0 {
                physical["region"] = json!({
                    "startLine": d.span.line,
                    "startColumn": d.span.col.max(1),
                });
            }
            let mut r = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": d.severity().sarif_level(),
                "message": { "text": d.message },
                "locations": [ { "physicalLocation": physical } ],
            });
            if let Some(id) = &d.detection {
                r["properties"] = json!({ "detection": id });
            }
            r
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": {
                "name": "ferrule",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/ferrule/ferrule",
                "rules": rules,
            } },
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "the repository compiled" } } },
            "invocations": [ {
                "executionSuccessful": summary.exit_code != 2,
                "exitCode": summary.exit_code,
            } ],
            "results": results,
            "properties": { "summary": summary.to_json() },
        } ],
    })
}

/// A relative path as a URI reference: `/` separators, reserved characters escaped.
fn uri_path(file: &str) -> String {
    let mut out = String::new();
    for b in file.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// JUnit XML of a `ferrule test` run: one test suite per detection, one test case per unit
/// test (a failure, or an error when the runtime refused it), a `load` case for a detection
/// that failed to load or was not converted (an error, with its diagnostics), a skipped
/// case for a skipped kind. Deterministic: no times or timestamps unless `seconds` is set.
pub fn junit(
    results: &[TestResult],
    diags: &[Diagnostic],
    root: &Path,
    seconds: Option<f64>,
) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("ferrule test");
    if let Some(s) = seconds {
        report.set_time(std::time::Duration::from_secs_f64(s.max(0.0)));
    }
    let mut suites: BTreeMap<String, TestSuite> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut suite = |id: &str, suites: &mut BTreeMap<String, TestSuite>| {
        if !suites.contains_key(id) {
            order.push(id.to_string());
            suites.insert(id.to_string(), TestSuite::new(id));
        }
    };
    for r in results {
        suite(&r.id, &mut suites);
        let s = suites.get_mut(&r.id).expect("suite");
        let name = r.test.clone().unwrap_or_else(|| r.record.clone());
        let status = match r.record.as_str() {
            "test" if r.refused() => {
                let mut st = TestCaseStatus::non_success(NonSuccessKind::Error);
                let e = r
                    .error
                    .clone()
                    .or_else(|| {
                        r.aux_errors
                            .values()
                            .find(|e| ferrule_runtime::runner::is_refusal(e))
                            .cloned()
                    })
                    .unwrap_or_default();
                st.set_message("refused by ferrule's runtime")
                    .set_type("refused")
                    .set_description(e);
                st
            }
            "test" if r.passed => TestCaseStatus::success(),
            "test" => {
                let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let msg = match &r.error {
                    Some(e) => format!("error: {e}"),
                    None if r.expected != r.result => {
                        format!("expected {}, got {}", r.expected, r.result)
                    }
                    None if !r.aux_errors.is_empty() => {
                        let fns: Vec<&str> = r.aux_errors.keys().map(String::as_str).collect();
                        format!("raised in {}", fns.join(", "))
                    }
                    None => "failed, as PAT judges it".to_string(),
                };
                st.set_message(msg).set_type("failed");
                if !r.aux_errors.is_empty() {
                    let aux: Vec<String> = r
                        .aux_errors
                        .iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect();
                    st.set_description(aux.join("\n"));
                }
                st
            }
            "load_error" => {
                let mut st = TestCaseStatus::non_success(NonSuccessKind::Error);
                st.set_message("the detection failed to load")
                    .set_type("load_error")
                    .set_description(r.error.clone().unwrap_or_default());
                st
            }
            _ => continue,
        };
        let mut case = TestCase::new(name, status);
        case.set_classname(r.id.clone());
        s.add_test_case(case);
    }
    // Detections that never reached the test binary, with their diagnostics.
    let mut lost: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags {
        let key = match &d.detection {
            Some(id) if d.code != Code::DuplicateId => id.clone(),
            _ => d.span.file.clone(),
        };
        if d.code == Code::Skipped
            || (d.code.is_error() && (d.detection.is_some() || is_spec_file(&d.span.file)))
        {
            lost.entry(key).or_default().push(d);
        }
    }
    for (key, ds) in &lost {
        if results.iter().any(|r| &r.id == key) {
            continue;
        }
        suite(key, &mut suites);
        let s = suites.get_mut(key).expect("suite");
        let text: Vec<String> = ds.iter().map(|d| d.render(root)).collect();
        let status = if ds.iter().all(|d| d.code == Code::Skipped) {
            let mut st = TestCaseStatus::skipped();
            st.set_message(ds[0].message.clone());
            st
        } else {
            let mut st = TestCaseStatus::non_success(NonSuccessKind::Error);
            let load = ds.iter().any(|d| d.code.is_load_failure());
            st.set_message(if load {
                "the detection failed to load"
            } else {
                "refused by ferrule: not converted"
            })
            .set_type(if load { "load_error" } else { "refused" })
            .set_description(text.join(""));
            st
        };
        let mut case = TestCase::new("convert", status);
        case.set_classname(key.clone());
        s.add_test_case(case);
    }
    for id in order {
        if let Some(s) = suites.remove(&id) {
            report.add_test_suite(s);
        }
    }
    report.to_string().unwrap_or_default()
}
