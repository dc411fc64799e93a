//! Every broken input of `corpus/bad` yields the diagnostic its first line declares
//! (`expect: CODE`), at that file; the command exits 1; the good detections are still
//! emitted.

use std::collections::BTreeMap;
use std::path::Path;

use ferrule::driver;

/// v1 input takes third-party libraries from a Python environment; these tests use none, so
/// that what they compare (snapshots, diagnostics) is the same on every machine.
fn without_python_env() {
    ferrule::lower::libraries::set_python(Some(std::path::PathBuf::from(
        "/nonexistent/ferrule-tests/python",
    )));
}

fn expectations(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("walk corpus/bad");
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if let Some(first) = text.lines().next() {
            if let Some(code) = first.strip_prefix("# expect: ") {
                let rel = ferrule::source::v1::rel_path(root, entry.path());
                out.insert(rel, code.trim().to_string());
            }
        }
    }
    out
}

#[test]
fn every_broken_file_has_its_diagnostic() {
    without_python_env();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/bad");
    let (program, diags) = driver::load(&root, None).expect("corpus/bad loads");
    let expected = expectations(&root);
    assert!(
        expected.len() >= 10,
        "corpus/bad should hold at least 10 broken files"
    );
    for (file, code) in &expected {
        assert!(
            diags
                .iter()
                .any(|d| &d.span.file == file && d.code.as_str() == code),
            "{file}: expected {code}, got {:?}",
            diags
                .iter()
                .filter(|d| &d.span.file == file)
                .map(|d| (d.code.as_str(), &d.message))
                .collect::<Vec<_>>()
        );
    }
    // No diagnostic on a file that does not declare one.
    for d in &diags {
        assert!(
            expected.contains_key(&d.span.file),
            "unexpected diagnostic: {}",
            d.render(&root)
        );
    }
    assert!(driver::has_errors(&diags), "exit code 1");
    let ids: Vec<&str> = program.detections.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, vec!["Bad.Good"], "the good detection is still emitted");

    // The rest of the repository is emitted and builds, and its tests pass.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = manifest.join("target/gen/bad");
    let files = ferrule::emit::crate_::render(&program);
    ferrule::emit::crate_::write(&out, &files, true).expect("write crate");
    let status =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["test", "--quiet", "--target-dir"])
            .arg(manifest.join("target/gen/target"))
            .current_dir(&out)
            .env_remove("CARGO_TARGET_DIR")
            .status()
            .expect("run cargo test in the generated crate");
    assert!(
        status.success(),
        "the crate generated from corpus/bad must build and pass"
    );
}

#[test]
fn diagnostics_render_stably() {
    without_python_env();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/bad");
    let (_, diags) = driver::load(&root, None).expect("corpus/bad loads");
    let text: String = diags.iter().map(|d| d.render(&root)).collect();
    let json: String = diags.iter().map(|d| d.to_json(&root) + "\n").collect();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("diagnostics@bad", text);
        insta::assert_snapshot!("diagnostics_json@bad", json);
    });
}
