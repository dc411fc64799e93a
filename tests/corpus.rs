//! Data-driven tests over `corpus/v1`: the generated Rust of every module is a reviewed
//! snapshot, output is deterministic, and the generated crate builds and passes the
//! detections' own unit tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferrule::driver;

/// The target directory shared by every generated crate the tests build.
fn gen_target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gen/target")
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/v1")
}

#[test]
fn corpus_v1_converts_without_diagnostics() {
    let (program, diags) = driver::load(&corpus(), None).expect("corpus/v1 loads");
    let rendered: Vec<String> = diags.iter().map(|d| d.render(&corpus())).collect();
    assert!(diags.is_empty(), "diagnostics:\n{}", rendered.join(""));
    assert!(program.detections.len() >= 60, "at least 60 detections");
    let tests: usize = program.detections.iter().map(|d| d.tests.len()).sum();
    assert!(tests >= 200, "at least 200 unit tests, got {tests}");
}

#[test]
fn generated_rust_snapshots() {
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
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gen/v1");
    let (program, _) = driver::load(&corpus(), None).expect("corpus/v1 loads");
    let files = ferrule::emit::crate_::render(&program);
    ferrule::emit::crate_::write(&out, &files).expect("write crate");
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/pypanther/pypanther");
    assert_eq!(driver::detect(&root), Some(driver::Input::PyPanther));
    let (program, diags) = driver::load(&root, None).expect("corpus/pypanther loads");
    let rendered: Vec<String> = diags.iter().map(|d| d.render(&root)).collect();
    assert!(diags.is_empty(), "diagnostics:\n{}", rendered.join(""));
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
