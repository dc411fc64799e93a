//! Discovery of a v1 repository (the panther-analysis layout), exactly as
//! `panther_analysis_tool test --path .` run inside the repository finds its specs
//! (`analysis_utils.load_analysis` and `load_analysis_specs_ex`):
//!
//! - the repository is walked top-down (`os.walk`, links to directories not followed),
//!   skipping directories whose name starts with `.` and `__pycache__`; the files of a
//!   directory other than the root are read only if its path matches one of PAT's folder
//!   patterns (`*rules*`, `*policies*`, `*/global_helpers`, …);
//! - then `global_helpers/` and `data_models/` of the repository and of its parent
//!   directory are walked whole (sub-folders included), skipping files already read;
//! - in each directory, files are taken in sorted order, hidden files and the root's
//!   `dependabot.yml` skipped, and those matching `*.y*ml` are parsed; a file whose
//!   document has no `AnalysisType` is not a spec.
//!
//! A spec file that is a link resolving outside the directories PAT searches is refused
//! unread (its contents would otherwise be echoed in diagnostics).

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Code, Diagnostic, Span};
use crate::source::yaml::{self, YNode, YValue};

/// A spec file that parsed.
pub struct SpecFile {
    /// Path relative to the repository root, with `/` separators.
    pub rel: String,
    /// The directory holding it, relative to the root.
    pub dir: String,
    pub yaml: YNode,
    /// The file's size in bytes (what bounds how far its aliases may expand).
    pub size: usize,
}

/// PAT's folder patterns (`constants.py`), matched with `fnmatch` against the walked path
/// (`./rules/aws`): a directory of the repository whose path matches none is skipped.
const PATH_PATTERNS: &[&str] = &[
    "*data_models*",
    "*/global_helpers",
    "*lookup_tables*",
    "*rules*",
    "*/packs",
    "*policies*",
    "*queries*",
    "*scheduled_prompts*",
];

/// Files PAT never reads (relative to where it runs).
const IGNORED: &[&str] = &["dependabot.yml", "package.json", "package-lock.json"];

/// Python's `fnmatch.fnmatchcase` for patterns made of `*` and literal characters.
fn fnmatch(name: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return name == pattern;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// `fnmatch(filename, "*.y*ml")`: the files PAT parses as YAML.
fn is_yaml_name(name: &str) -> bool {
    fnmatch(name, "*.y*ml")
}

/// A file PAT would parse, with the search root it was found under.
struct Found {
    /// The path as PAT builds it (the walked directory joined with the name).
    path: PathBuf,
    rel: String,
    dir: String,
    /// The search root it was found under (the repository, or a helpers directory).
    root: PathBuf,
}

/// One directory level of `os.walk(top)`: its sub-directories (pruned as PAT prunes them)
/// and its files, both sorted. A link to a directory is listed as a directory and never
/// entered, as `os.walk` does without `followlinks`.
fn list_dir(dir: &Path) -> (Vec<(String, bool)>, Vec<String>) {
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return (dirs, files);
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let is_link = e.file_type().map(|t| t.is_symlink()).unwrap_or(false);
        // `os.walk` classifies with `is_dir()`, which follows links.
        let is_dir = std::fs::metadata(e.path())
            .map(|m| m.is_dir())
            .unwrap_or(false);
        if is_dir {
            if !(name.starts_with('.') || name == "__pycache__") {
                dirs.push((name, is_link));
            }
        } else {
            files.push(name);
        }
    }
    dirs.sort();
    files.sort();
    (dirs, files)
}

/// Every file PAT would parse as a spec, in PAT's order, and the folders it skips that
/// hold YAML files.
fn walk(root: &Path) -> (Vec<Found>, Vec<String>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let mut loaded: BTreeSet<PathBuf> = BTreeSet::new();
    let abs_root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    // (search root, whether the folder patterns apply, prefix of relative paths)
    let mut tops: Vec<(PathBuf, bool, String)> = vec![(abs_root.clone(), true, String::new())];
    for (dir, prefix) in [
        ("global_helpers", "global_helpers"),
        ("../global_helpers", "../global_helpers"),
        ("data_models", "data_models"),
        ("../data_models", "../data_models"),
    ] {
        let p = normalize(&abs_root.join(dir));
        if p.exists() {
            tops.push((p, false, prefix.to_string()));
        }
    }
    for (top, filtered, prefix) in tops {
        // (directory, its path relative to the repository, its `os.walk` path for fnmatch)
        let mut stack: Vec<(PathBuf, String, String)> =
            vec![(top.clone(), prefix.clone(), ".".to_string())];
        while let Some((dir, rel_dir, walk_path)) = stack.pop() {
            let (dirs, files) = list_dir(&dir);
            // os.walk is top-down: this directory's files, then its sub-directories in order.
            for (d, is_link) in dirs.iter().rev() {
                if *is_link {
                    continue;
                }
                stack.push((
                    dir.join(d),
                    join_rel(&rel_dir, d),
                    format!("{walk_path}/{d}"),
                ));
            }
            let wanted = !filtered
                || walk_path == "."
                || PATH_PATTERNS.iter().any(|p| fnmatch(&walk_path, p));
            let yaml_files: Vec<&String> = files
                .iter()
                .filter(|f| !f.starts_with('.') && is_yaml_name(f))
                .collect();
            if !wanted {
                // Folders under the repository's own helpers and data models are read by
                // the second walk; others are noted when they hold something spec-like.
                let later = ["global_helpers/", "data_models/"]
                    .iter()
                    .any(|p| rel_dir.starts_with(p) && abs_root.join(&p[..p.len() - 1]).is_dir());
                let spec_like = yaml_files.iter().any(|f| {
                    std::fs::read(dir.join(f))
                        .map(|b| String::from_utf8_lossy(&b).contains("AnalysisType"))
                        .unwrap_or(false)
                });
                if !later && spec_like {
                    skipped.push(rel_dir.clone());
                }
                continue;
            }
            for f in yaml_files {
                let path = dir.join(f);
                if !loaded.insert(normalize(&path)) {
                    continue;
                }
                let rel = join_rel(&rel_dir, f);
                if filtered && IGNORED.contains(&rel.as_str()) {
                    continue;
                }
                out.push(Found {
                    path,
                    rel,
                    dir: rel_dir.clone(),
                    root: top.clone(),
                });
            }
        }
    }
    (out, skipped)
}

fn join_rel(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// `os.path.normpath` of an absolute path (`..` removed lexically, links not resolved).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether `path`, with every link resolved, lies inside `dir` (also resolved). A path
/// that does not resolve (a dangling link, a missing file) is not inside.
pub fn resolves_inside(path: &Path, dir: &Path) -> bool {
    match (path.canonicalize(), dir.canonicalize()) {
        (Ok(p), Ok(d)) => p.starts_with(d),
        _ => false,
    }
}

/// The directories a file named by a spec found under `root_of_spec` may resolve into:
/// the repository, and for specs found in a parent's `global_helpers`/`data_models` (which
/// PAT searches) that directory.
pub fn allowed_roots(repo: &Path) -> Vec<PathBuf> {
    let mut v = vec![repo.to_path_buf()];
    for d in ["../global_helpers", "../data_models"] {
        let p = repo.join(d);
        if p.is_dir() {
            v.push(p);
        }
    }
    v
}

/// Whether a directory looks like a v1 repository (a file PAT would read has a top-level
/// `AnalysisType` key).
pub fn is_v1_repo(root: &Path) -> bool {
    walk(root).0.iter().any(|f| {
        std::fs::read(&f.path)
            .map(|t| {
                String::from_utf8_lossy(&t)
                    .lines()
                    .any(|l| l.trim_start_matches('\u{feff}').starts_with("AnalysisType"))
            })
            .unwrap_or(false)
    })
}

/// Relative path with `/` separators.
pub fn rel_path(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a document is one PAT takes as a spec: `"AnalysisType" in doc` (a key of a
/// mapping, an item of a list, a substring of a string). A list or string "spec" then
/// fails PAT's schema.
fn mentions_analysis_type(node: &YNode) -> bool {
    match &node.value {
        YValue::Map(_) => node.get("AnalysisType").is_some(),
        YValue::Seq(items) => items
            .iter()
            .any(|i| matches!(&i.value, YValue::Str(s) if &**s == "AnalysisType")),
        YValue::Str(s) => s.contains("AnalysisType"),
        _ => false,
    }
}

/// Reads every spec; files that fail to load become diagnostics (PAT reports every YAML
/// file it cannot parse, spec or not), and folders PAT skips are noted.
pub fn discover(root: &Path) -> (Vec<SpecFile>, Vec<Diagnostic>) {
    let mut specs = Vec::new();
    let mut diags = Vec::new();
    let (found, skipped) = walk(root);
    for dir in skipped {
        diags.push(Diagnostic::new(
            Code::Skipped,
            Span::new(if dir.is_empty() { ".".into() } else { dir.clone() }, 0, 0),
            format!(
                "folder skipped: PAT reads specs only in folders whose path matches one of {} (and the repository's root)",
                PATH_PATTERNS.join(", ")
            ),
        ));
    }
    for f in found {
        let Found {
            path,
            rel,
            dir,
            root: top,
        } = f;
        let is_link = std::fs::symlink_metadata(&path)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false);
        if is_link && !resolves_inside(&path, &top) {
            diags.push(Diagnostic::new(
                Code::YamlSyntax,
                Span::new(rel, 0, 0),
                "this spec file is a link that does not resolve to a file inside the repository; it is not read",
            ));
            continue;
        }
        let bytes = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::new(
                    Code::YamlSyntax,
                    Span::new(rel, 0, 0),
                    format!("cannot read: {}", e.kind()),
                ));
                continue;
            }
        };
        match yaml::parse_bytes(&bytes) {
            Ok(Some(node)) => {
                if !mentions_analysis_type(&node) {
                    continue;
                }
                if !matches!(node.value, YValue::Map(_)) {
                    diags.push(Diagnostic::new(
                        Code::SpecInvalid,
                        Span::new(rel, node.line, node.col),
                        "a spec must be a mapping",
                    ));
                    continue;
                }
                specs.push(SpecFile {
                    rel,
                    dir,
                    yaml: node,
                    size: bytes.len(),
                });
            }
            Ok(None) => {}
            Err(e) => {
                // PAT reports every file it cannot parse, spec or not.
                diags.push(Diagnostic::new(
                    Code::YamlSyntax,
                    Span::new(rel, e.line, e.col),
                    format!("YAML syntax error: {}", e.message),
                ));
            }
        }
    }
    (specs, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_as_python() {
        assert!(fnmatch("./rules", "*rules*"));
        assert!(fnmatch("./x/my_rules_old/y", "*rules*"));
        assert!(fnmatch("./global_helpers", "*/global_helpers"));
        assert!(!fnmatch("./global_helpers/sub", "*/global_helpers"));
        assert!(!fnmatch("./Rules", "*rules*"));
        assert!(is_yaml_name("a.yml"));
        assert!(is_yaml_name("a.yaml"));
        assert!(is_yaml_name("a.yes.html"));
        assert!(!is_yaml_name("a.YML"));
        assert!(!is_yaml_name("yml"));
    }
}
