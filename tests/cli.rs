//! The command line as a user and a CI system see it: exit codes for options that do not
//! fit, `--format json` (stdout only, one object per diagnostic, a final summary),
//! `--format sarif` validated against the official SARIF 2.1.0 schema, JUnit XML, and the
//! summary's counts.

use std::path::PathBuf;
use std::process::{Command, Output};

use ferrule::driver;
use ferrule::report::{self, TestResult};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python every test names (`--python`): one that does not exist, so that what ferrule
/// reports never depends on the Python this machine has on PATH (no third-party library is
/// found; data-model JSONPaths beyond plain field chains are refused).
const NO_PYTHON: &str = "/nonexistent/ferrule-tests/python";

/// The same for the tests that call the library.
fn without_python_env() {
    ferrule::lower::libraries::set_python(Some(PathBuf::from(NO_PYTHON)));
}

fn ferrule(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(args)
        .args(["--python", NO_PYTHON])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run ferrule")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// The seconds a run took vary: replaced before snapshotting.
fn redact_seconds(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(s) = v.get_mut("seconds") {
        *s = serde_json::json!("[seconds]");
    }
    v
}

#[test]
fn options_that_do_not_fit_exit_2() {
    // An --id that names no detection: an error before anything is built.
    let o = ferrule(&["test", "corpus/v1", "--id", "No.Such.Rule"]);
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("No.Such.Rule"));
    // --input that does not fit the directory, both ways.
    let o = ferrule(&["check", "corpus/v1", "--input", "pypanther"]);
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stderr));
    let o = ferrule(&["check", "corpus/pypanther/pypanther", "--input", "v1"]);
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stderr));
    let o = ferrule(&["check", "snapshots", "--input", "v1"]);
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stderr));
    // An unknown option or value.
    let o = ferrule(&["check", "corpus/v1", "--frobnicate"]);
    assert_eq!(code(&o), 2);
    let o = ferrule(&["check", "corpus/v1", "--format", "xml"]);
    assert_eq!(code(&o), 2);
    // The forced input that does fit is accepted.
    let o = ferrule(&["check", "corpus/v1", "--input", "v1"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn unimplemented_target_is_an_error() {
    let out = std::env::temp_dir().join(format!("ferrule-cli-target-{}", std::process::id()));
    let o = ferrule(&[
        "build",
        "corpus/v1",
        "--out",
        out.to_str().expect("utf-8 temp dir"),
        "--target",
        "pypanther",
    ]);
    let _ = std::fs::remove_dir_all(&out);
    // Either implemented (exit 0 or 1) or refused as a usage error: never a silent success
    // that writes nothing.
    match code(&o) {
        2 => assert!(!String::from_utf8_lossy(&o.stderr).is_empty()),
        0 | 1 => {}
        c => panic!("unexpected exit code {c}"),
    }
}

#[test]
fn json_is_on_stdout_only_and_ends_with_a_summary() {
    let o = ferrule(&["check", "corpus/bad", "--format", "json"]);
    assert_eq!(code(&o), 1);
    assert!(
        o.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let (summary, diags) = lines.split_last().expect("a summary line");
    assert_eq!(summary["type"], "summary");
    assert!(!diags.is_empty());
    for d in diags {
        assert_eq!(d["type"], "diagnostic");
        assert!(
            ["error", "warning", "info"].contains(&d["severity"].as_str().unwrap_or("")),
            "{d}"
        );
    }
    let text: String = lines
        .iter()
        .map(|v| redact_seconds(v.clone()).to_string() + "\n")
        .collect();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("cli_json@bad", text);
    });
}

fn sarif_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json"))
        .expect("the vendored SARIF schema");
    let mut schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    // The published schema's `language` patterns have a stray `]` that strict ECMA 262
    // engines reject as a regular expression; ferrule never writes `language`, so the
    // intended pattern (a language tag such as `en-US`) stands in for them.
    fn fix(v: &mut serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(o) => {
                let mut n = 0;
                for (k, x) in o.iter_mut() {
                    if k == "pattern" && x == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                        *x = serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                        n += 1;
                    } else {
                        n += fix(x);
                    }
                }
                n
            }
            serde_json::Value::Array(a) => a.iter_mut().map(fix).sum(),
            _ => 0,
        }
    }
    assert!(
        fix(&mut schema) > 0,
        "the schema's stray `]` is still there"
    );
    jsonschema::draft4::new(&schema).expect("a valid draft-04 schema")
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let validator = sarif_schema();
    for corpus in ["corpus/bad", "corpus/v1"] {
        let o = ferrule(&["check", corpus, "--format", "sarif"]);
        assert!(matches!(code(&o), 0 | 1), "{corpus}");
        assert!(o.stderr.is_empty(), "{corpus}: stderr is not empty");
        let log: serde_json::Value =
            serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{corpus}: {errors:#?}");
        assert_eq!(log["version"], "2.1.0");
        let results = log["runs"][0]["results"].as_array().expect("results");
        let (_, diags) = driver::load(&root().join(corpus), None).expect("loads");
        assert_eq!(
            results.len(),
            diags.len(),
            "{corpus}: one result per diagnostic"
        );
    }
    // The schema is not a rubber stamp: a log without `version` is rejected.
    let mut broken = serde_json::json!({"runs": []});
    assert!(!validator.is_valid(&broken));
    broken["version"] = serde_json::json!("2.1.0");
    assert!(validator.is_valid(&broken));
}

fn oracle_records(corpus: &str) -> Vec<TestResult> {
    std::fs::read_to_string(root().join(corpus).join("expected.jsonl"))
        .expect("expected.jsonl")
        .lines()
        .filter_map(TestResult::from_json)
        .collect()
}

#[test]
fn junit_xml_snapshots() {
    without_python_env();
    // Test records of every kind (passed, failed, erroring, load errors), as the runner
    // writes them: the oracle's records of corpus/errors have the same fields.
    let errors = root().join("corpus/errors");
    let results = oracle_records("corpus/errors");
    let (_, diags) = driver::load(&errors, None).expect("loads");
    let xml = report::junit(&results, &diags, &errors, None);
    // Detections that never reached the runner: refused, failed to load, skipped.
    let bad = root().join("corpus/bad");
    let (_, bad_diags) = driver::load(&bad, None).expect("loads");
    let bad_xml = report::junit(&[], &bad_diags, &bad, None);
    for x in [&xml, &bad_xml] {
        assert!(x.starts_with("<?xml"), "{x}");
        assert!(x.contains("<testsuites"), "{x}");
    }
    let tests = results.iter().filter(|r| r.record == "test").count();
    assert_eq!(
        xml.matches("<testcase ").count(),
        tests + results.iter().filter(|r| r.record == "load_error").count()
    );
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("junit@errors", xml);
        insta::assert_snapshot!("junit@bad", bad_xml);
    });
}

#[test]
fn summary_counts_every_detection() {
    without_python_env();
    // corpus/bad: one good detection, the others refused or failed to load, each counted
    // once; what is not a detection (a helper) is not counted.
    let bad = root().join("corpus/bad");
    let (program, diags) = driver::load(&bad, None).expect("loads");
    let c = report::count_detections(&program, &diags, &Default::default(), &[]);
    assert_eq!(c.converted, 1, "{c:?}");
    let with_id: std::collections::BTreeSet<&str> = diags
        .iter()
        .filter(|d| d.code.is_error())
        .filter_map(|d| d.detection.as_deref())
        .collect();
    assert_eq!(c.refused + c.failed_to_load, with_id.len(), "{c:?}");
    // A detection whose module raised at import moves from converted to failed to load;
    // one the runtime refused there (or that crashed the test process) to refused.
    let raised: std::collections::BTreeMap<String, bool> = [("Bad.Good".to_string(), false)].into();
    let c2 = report::count_detections(&program, &diags, &raised, &[]);
    assert_eq!(c2.converted, 0);
    assert_eq!(c2.failed_to_load, c.failed_to_load + 1);
    let refused: std::collections::BTreeMap<String, bool> = [("Bad.Good".to_string(), true)].into();
    let c3 = report::count_detections(&program, &diags, &refused, &[]);
    assert_eq!((c3.converted, c3.refused), (0, c.refused + 1));
    // Test counts: refusals are not failures.
    let results = oracle_records("corpus/errors");
    let t = report::count_tests(&results);
    assert_eq!(t.total, t.passed + t.failed + t.refused);
    assert_eq!(t.refused, 0, "the oracle never refuses");
    assert!(t.failed > 0 && t.passed > 0, "{t:?}");
    let mut refused = results[0].clone();
    refused.record = "test".into();
    refused.passed = false;
    refused.error = Some("NotImplementedError: ferrule runtime: x is not supported".into());
    assert_eq!(report::count_tests(&[refused]).refused, 1);
}

#[test]
fn text_diagnostics_cut_long_lines_around_the_span() {
    let dir = std::env::temp_dir().join(format!("ferrule-cli-long-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let long = format!("x = {} + undefined_thing", "1 + ".repeat(100));
    std::fs::write(dir.join("m.py"), &long).expect("write");
    let d = ferrule::diag::Diagnostic::new(
        ferrule::diag::Code::UndefinedName,
        ferrule::diag::Span::new("m.py", 1, long.find("undefined").expect("found") + 1),
        "undefined name `undefined_thing`",
    );
    let plain = d.render(&dir);
    let styled = d.render_with(
        &dir,
        &ferrule::diag::Style {
            color: true,
            width: 80,
        },
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(plain.contains("error[F008]"), "{plain}");
    assert!(plain.contains("m.py:1:"), "{plain}");
    assert!(plain.contains("undefined_thing"), "{plain}");
    assert!(plain.contains("^^^^"), "{plain}");
    assert!(
        plain.lines().all(|l| l.chars().count() <= 160),
        "cut to the width:\n{plain}"
    );
    assert!(styled.contains('\u{1b}'), "coloured: {styled:?}");
}

#[test]
fn text_summary_names_every_count() {
    let o = ferrule(&["check", "corpus/bad"]);
    assert_eq!(code(&o), 1);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("converted"), "{err}");
    assert!(err.contains("refused"), "{err}");
    assert!(err.contains("failed to load"), "{err}");
    assert!(o.stdout.is_empty());
}
