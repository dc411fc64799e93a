//! Data-driven tests over `corpus/v1`: the generated Rust of every module is a reviewed
//! snapshot, output is deterministic, and the generated crate builds and passes the
//! detections' own unit tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferrule::driver;

/// v1 input takes third-party libraries from a Python environment; these tests use none, so
/// that what they compare (snapshots, diagnostics) is the same on every machine.
fn without_python_env() {
    ferrule::lower::libraries::set_python(Some(std::path::PathBuf::from(
        "/nonexistent/ferrule-tests/python",
    )));
}

/// The target directory shared by every generated crate the tests build.
fn gen_target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gen/target")
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/v1")
}

#[test]
fn corpus_v1_converts_without_diagnostics() {
    without_python_env();
    let (program, diags) = driver::load(&corpus(), None).expect("corpus/v1 loads");
    let rendered: Vec<String> = diags.iter().map(|d| d.render(&corpus())).collect();
    assert!(diags.is_empty(), "diagnostics:\n{}", rendered.join(""));
    assert!(program.detections.len() >= 60, "at least 60 detections");
    let tests: usize = program.detections.iter().map(|d| d.tests.len()).sum();
    assert!(tests >= 200, "at least 200 unit tests, got {tests}");
}

#[test]
fn generated_rust_snapshots() {
    without_python_env();
    let (program, _) = driver::load(&corpus(), None).expect("corpus/v1 loads");
    let files = ferrule::emit::crate_::render(&program);
    let again = ferrule::emit::crate_::render(&driver::load(&corpus(), None).expect("reload").0);
    assert_eq!(files, again, "output is deterministic");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        for (path, text) in &files {
            if let Some(name) = path.strip_prefix("src/m/") {
                insta::assert_snapshot!(format!("emit@v1__{}", name.trim_end_matches(".rs")), text);
            }
        }
        insta::assert_snapshot!("emit@v1__lib", &files["src/lib.rs"]);
    });
}

/// Builds the generated crate of corpus/v1 and runs its `cargo test` (each detection unit
/// test is a Rust test). The crate goes to `target/gen/v1` so that `ferrule test` in CI
/// reuses the build.
#[test]
fn generated_crate_builds_and_passes() {
    without_python_env();
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gen/v1");
    let (program, _) = driver::load(&corpus(), None).expect("corpus/v1 loads");
    let files = ferrule::emit::crate_::render(&program);
    ferrule::emit::crate_::write(&out, &files, true).expect("write crate");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--quiet", "--target-dir"])
        .arg(gen_target())
        .current_dir(&out)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .expect("run cargo test in the generated crate");
    assert!(status.success(), "the generated crate's tests failed");
}

/// `corpus/pypanther`: an original PyPanther package (class attributes, `self` methods,
/// helpers imported by dotted path, mocks, title fallbacks) converts without diagnostics.
#[test]
fn corpus_pypanther_converts() {
    without_python_env();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/pypanther/pypanther");
    assert_eq!(driver::detect(&root), Some(driver::Input::PyPanther));
    let (program, diags) = driver::load(&root, None).expect("corpus/pypanther loads");
    // The third-party libraries some corpus rules import are read from beside the package;
    // corpus/pypanther has none beside it (scripts/pypanther-corpus.sh lays it over an
    // installed pypanther and compiles those rules too).
    let rendered: Vec<String> = diags
        .iter()
        .map(|d| d.render(&root))
        .filter(|d| {
            !d.contains("unknown import `policyuniverse.")
                && !d.contains("from `botocore.exceptions`")
        })
        // The rules of those modules are then left out.
        .filter(|d| {
            !(d.contains("F011")
                && (d.contains("cloud_policy_exposure") || d.contains("kv_store_without_aws")))
        })
        .collect();
    assert!(rendered.is_empty(), "diagnostics:\n{}", rendered.join(""));
    let ids: Vec<&str> = program.detections.iter().map(|d| d.id.as_str()).collect();
    for id in [
        "Demo.Admin.Login",
        "Demo.Bad.Title",
        "Demo.Quota.Watch",
        "Demo.Sso.Denied",
        "Net.Flow.Udm",
        "Net.Member.Mocks",
        "Net.Payload.Keys",
        "Net.Odd.Returns",
        "Net.Port.Scan",
    ] {
        assert!(ids.contains(&id), "{id} converted");
    }
    let tests: usize = program.detections.iter().map(|d| d.tests.len()).sum();
    assert!(tests >= 41, "{tests} tests");
    let dm = program.data_models.iter().find(|d| d.id == "Demo.NetFlow");
    assert_eq!(
        dm.map(|d| d.mappings.len()),
        Some(5),
        "the data model and its mappings"
    );
    let admin = program
        .detections
        .iter()
        .find(|d| d.id == "Demo.Admin.Login");
    assert_eq!(admin.map(|d| d.severity.as_str()), Some("HIGH"));
    assert!(program.modules.contains_key("pypanther.helpers.demo_util"));
}

/// Writes a small PyPanther package (files relative to its `pypanther/`) into a fresh
/// temporary directory and lowers it.
fn lower_package(name: &str, files: &[(&str, &str)]) -> (ferrule::ir::Program, Vec<String>) {
    let root = std::env::temp_dir().join(format!("ferrule-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let pkg = root.join("pypanther");
    for (rel, text) in files {
        let p = pkg.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let (program, diags) = driver::load(&pkg, Some(driver::Input::PyPanther)).expect("loads");
    let rendered = diags.iter().map(|d| d.render(&pkg)).collect();
    let _ = std::fs::remove_dir_all(&root);
    (program, rendered)
}

const PLAIN_RULE: &str = "from pypanther import Rule, RuleTest, Severity\n\n\
class Plain(Rule):\n    id = \"Plain\"\n    log_types = [\"Demo.Log\"]\n    default_severity = Severity.LOW\n\n    \
def rule(self, event):\n        return True\n\n    \
tests = [RuleTest(name=\"t\", expected_result=True, log={\"a\": 1})]\n";

/// pypanther builds every data model for every test, so one that ferrule cannot convert
/// (here: a mapping with neither path nor method) refuses every rule, not only udm users.
#[test]
fn pypanther_unconvertible_data_model_refuses_every_rule() {
    without_python_env();
    let dm = "from pypanther.base import DataModel, DataModelMapping\n\n\
class Broken(DataModel):\n    id = \"Broken\"\n    log_types = [\"X.Y\"]\n    \
mappings = [DataModelMapping(name=\"a\")]\n";
    let files = [
        ("base.py", ""),
        ("rules/__init__.py", ""),
        ("rules/g/__init__.py", ""),
        ("rules/g/plain.py", PLAIN_RULE),
        ("data_models/__init__.py", ""),
        ("data_models/broken.py", dm),
    ];
    let (program, diags) = lower_package("dm", &files);
    assert!(program.detections.is_empty(), "rules kept: {diags:?}");
    assert!(diags.iter().any(|d| d.contains("data model")), "{diags:?}");
    // Without the broken data model the same rule converts.
    let (program, diags) = lower_package("nodm", &files[..4]);
    assert_eq!(program.detections.len(), 1, "{diags:?}");
}

/// `run_test` looks the data model up by `p_log_type`: a list there raises TypeError in
/// CPython before the rule runs, so such a test is refused.
#[test]
fn pypanther_unhashable_log_type_is_refused() {
    without_python_env();
    let rule = PLAIN_RULE.replace("log={\"a\": 1}", "log={\"p_log_type\": [\"A\"]}");
    let files = [
        ("base.py", ""),
        ("rules/__init__.py", ""),
        ("rules/g/__init__.py", ""),
        ("rules/g/plain.py", rule.as_str()),
    ];
    let (program, diags) = lower_package("logtype", &files);
    assert!(program.detections.is_empty());
    assert!(diags.iter().any(|d| d.contains("p_log_type")), "{diags:?}");
}
