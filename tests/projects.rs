//! PyPanther projects (`corpus/projects`): the resolve stage's view of each, as `ferrule
//! rules` prints it (every registered rule, its final metadata and where each value was
//! set) with the project's diagnostics, is a reviewed snapshot; it is deterministic.
//!
//! The projects import Panther's managed rules, so these tests need the installed pypanther
//! 0.1.1a62: `FERRULE_PYP_PY` (or `PYP_PY`) names its Python, else `../.venv-pyp/bin/python`
//! is tried; without one they print that they were skipped. The comparison of each
//! project's compiled tests with CPython is `scripts/projects.sh` (run by CI).

use std::path::{Path, PathBuf};
use std::process::Command;

use ferrule::driver::{self, LoadOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// A Python with pypanther, if there is one.
fn pypanther_python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("FERRULE_PYP_PY").map(PathBuf::from),
        std::env::var_os("PYP_PY").map(PathBuf::from),
        Some(root().join("../.venv-pyp/bin/python")),
    ];
    candidates.into_iter().flatten().find(|py| {
        Command::new(py)
            .args(["-c", "import pypanther"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn projects() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("corpus/projects"))
        .expect("corpus/projects")
        .flatten()
        .filter(|e| e.path().join("main.py").is_file())
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        .collect();
    out.sort();
    out
}

fn render(dir: &Path, python: &Path) -> (String, String) {
    let opts = LoadOptions {
        python: Some(python.to_path_buf()),
    };
    let (_, diags, report) = driver::load_pypanther(dir, &opts).expect("the project loads");
    let mut text = String::new();
    for d in &diags {
        text.push_str(&d.render(dir));
    }
    if !diags.is_empty() {
        text.push('\n');
    }
    text.push_str(&report.render_text());
    (text, report.render_json())
}

#[test]
fn rules_of_every_project() {
    let Some(python) = pypanther_python() else {
        eprintln!("projects: skipped, no Python with pypanther (set FERRULE_PYP_PY)");
        return;
    };
    let projects = projects();
    assert!(projects.len() >= 4, "at least four projects");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        for (name, dir) in &projects {
            let (text, json) = render(dir, &python);
            let (again, json_again) = render(dir, &python);
            assert_eq!(text, again, "{name}: output is deterministic");
            assert_eq!(json, json_again, "{name}: JSON output is deterministic");
            insta::assert_snapshot!(format!("rules@{name}"), text);
        }
    });
}

/// The broken projects report what CPython raises at (or what ferrule cannot decide), and
/// still compile the rules that are fine.
#[test]
fn broken_projects_name_the_statement() {
    let Some(python) = pypanther_python() else {
        eprintln!("projects: skipped, no Python with pypanther (set FERRULE_PYP_PY)");
        return;
    };
    let opts = LoadOptions {
        python: Some(python),
    };
    let cases = [
        (
            "broken-duplicate",
            "F005",
            "main.py",
            10,
            vec!["Corp.Alpha", "Corp.Beta"],
        ),
        (
            "broken-override",
            "F016",
            "main.py",
            11,
            vec![
                "GitHub.Team.Modified-prototype",
                "Github.Repo.Created-prototype",
            ],
        ),
        (
            "broken-runtime",
            "F015",
            "main.py",
            13,
            vec!["Corp.Heartbeat"],
        ),
    ];
    for (name, code, file, line, kept) in cases {
        let dir = root().join("corpus/projects").join(name);
        let (program, diags) = driver::load_with(&dir, None, &opts).expect("the project loads");
        assert!(
            diags
                .iter()
                .any(|d| d.code.as_str() == code && d.span.file == file && d.span.line == line),
            "{name}: expected {code} at {file}:{line}, got {:?}",
            diags
                .iter()
                .map(|d| format!(
                    "{} {}:{} {}",
                    d.code.as_str(),
                    d.span.file,
                    d.span.line,
                    d.message
                ))
                .collect::<Vec<_>>()
        );
        assert!(driver::has_errors(&diags), "{name}: exit code 1");
        let ids: Vec<&str> = program.detections.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, kept, "{name}: the rules that are fine are compiled");
    }
}
