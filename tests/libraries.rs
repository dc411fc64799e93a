//! `corpus/libraries` compiled against PAT's Python environment (`FERRULE_PAT_PY`): its
//! library modules are read from that environment's site-packages, outside the repository,
//! and every detection converts. (Its tests against the oracle run in CI: `.ci/run`.)

use std::path::{Path, PathBuf};

use ferrule::driver;

/// The PAT environment's Python (`FERRULE_PAT_PY`, else `.venv-pat` or `../.venv-pat`).
fn pat_python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("FERRULE_PAT_PY") {
        return Some(PathBuf::from(p));
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    [repo.join(".venv-pat"), repo.join("../.venv-pat")]
        .into_iter()
        .map(|d| d.join("bin/python"))
        .find(|p| p.exists())
}

#[test]
fn corpus_libraries_converts_with_pats_python() {
    let Some(py) = pat_python() else {
        if std::env::var_os("FERRULE_REQUIRE_ORACLE").is_some() {
            panic!("no PAT Python (set FERRULE_PAT_PY)");
        }
        eprintln!("no PAT Python (set FERRULE_PAT_PY): skipped");
        return;
    };
    ferrule::lower::libraries::set_python(Some(py));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/libraries");
    let (program, diags) = driver::load(&root, None).expect("corpus/libraries loads");
    let rendered: Vec<String> = diags.iter().map(|d| d.render(&root)).collect();
    assert!(rendered.is_empty(), "diagnostics:\n{}", rendered.join(""));
    assert!(
        program.modules.contains_key("policyuniverse.policy"),
        "policyuniverse.policy compiled from PAT's environment"
    );
    assert!(!program.detections.is_empty());
}
