//! Detection discovery is PAT's: on a repository with every kind of folder, file name,
//! hidden entry and link, the spec files ferrule reads are exactly those that
//! `panther_analysis_tool test --path .` (its `load_analysis_specs`, run inside the
//! repository with PAT's search directories) reads. Needs PAT's Python (`FERRULE_PAT_PY`,
//! or `.venv-pat` beside or above the checkout); skipped with a warning without it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn pat_python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("FERRULE_PAT_PY") {
        return Some(PathBuf::from(p));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        ".venv-pat/bin/python",
        "../.venv-pat/bin/python",
        "../../.venv-pat/bin/python",
    ]
    .iter()
    .map(|p| root.join(p))
    .find(|p| p.exists())
}

const PAT_LIST: &str = r#"
import os, sys
os.chdir(sys.argv[1])
from panther_analysis_tool import analysis_utils as au
from panther_analysis_tool.constants import HELPERS_LOCATION, DATA_MODEL_LOCATION
dirs = ["."]
for d in (HELPERS_LOCATION, "." + HELPERS_LOCATION, DATA_MODEL_LOCATION, "." + DATA_MODEL_LOCATION):
    for p in (os.path.abspath(os.path.join(".", d)), os.path.abspath(d)):
        if os.path.exists(p):
            dirs.append(p)
for fn, rel, spec, err in au.load_analysis_specs(dirs, []):
    print(os.path.relpath(fn))
"#;

fn layout(root: &Path) {
    let dirs = [
        ".",
        "rules",
        "rules/sub",
        "rules/__pycache__",
        "global_helpers",
        "global_helpers/sub",
        "notes",
        ".hidden",
        "rules/.hidden",
        "my_policies_x/deep",
        "packs",
        "packs/p",
        "data_models/dm",
        "queries",
        "lookup_tables",
        "Rules",
        "other/rules_here",
    ];
    for d in dirs {
        let p = if d == "." {
            root.join("repo")
        } else {
            root.join("repo").join(d)
        };
        std::fs::create_dir_all(&p).unwrap();
        let tag = d.replace(['/', '.'], "_");
        std::fs::write(
            p.join("a.yml"),
            format!("AnalysisType: rule\nRuleID: A{tag}\n"),
        )
        .unwrap();
        std::fs::write(p.join("b.yaml"), "AnalysisType: policy\n").unwrap();
        std::fs::write(p.join("c.yxml"), "k: v\n").unwrap();
        std::fs::write(p.join("d.YML"), "AnalysisType: rule\n").unwrap();
        std::fs::write(p.join(".h.yml"), "AnalysisType: rule\n").unwrap();
        std::fs::write(p.join("e.json"), "{}").unwrap();
    }
    let repo = root.join("repo");
    std::fs::write(repo.join("dependabot.yml"), "AnalysisType: rule\n").unwrap();
    std::fs::write(repo.join("rules/dependabot.yml"), "AnalysisType: rule\n").unwrap();
    std::os::unix::fs::symlink("rules", repo.join("linkdir")).unwrap();
    std::os::unix::fs::symlink("rules/a.yml", repo.join("link.yml")).unwrap();
    // PAT also searches the parent directory's global_helpers.
    std::fs::create_dir_all(root.join("global_helpers")).unwrap();
    std::fs::write(
        root.join("global_helpers/parent.yml"),
        "AnalysisType: global\nGlobalID: parent\n",
    )
    .unwrap();
}

#[test]
fn discovery_matches_pat() {
    let Some(py) = pat_python() else {
        eprintln!("warning: no Python with panther_analysis_tool (FERRULE_PAT_PY); discovery comparison skipped");
        return;
    };
    let t = tempfile::tempdir().unwrap();
    layout(t.path());
    let repo = t.path().join("repo");
    let out = Command::new(&py)
        .args(["-c", PAT_LIST])
        .arg(&repo)
        .output()
        .expect("run PAT's loader");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pat: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let (specs, diags) = ferrule::source::v1::discover(&repo);
    let mut ours: BTreeSet<String> = specs.iter().map(|s| s.rel.clone()).collect();
    // Files that failed to load are read too (PAT reports them as invalid specs).
    ours.extend(
        diags
            .iter()
            .filter(|d| d.code.as_str() == "F001")
            .map(|d| d.span.file.clone()),
    );
    assert_eq!(ours, pat, "the spec files ferrule reads are PAT's");
    assert!(pat.contains("../global_helpers/parent.yml"));
    let notes: BTreeSet<&str> = diags
        .iter()
        .filter(|d| d.code.as_str() == "F012")
        .map(|d| d.span.file.as_str())
        .collect();
    assert!(
        notes.contains("notes") && notes.contains("Rules"),
        "{notes:?}"
    );
}
