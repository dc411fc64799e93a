//! Discovery of a v1 repository (the panther-analysis layout): every YAML file with an
//! `AnalysisType`, in a deterministic order.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Span};
use crate::source::yaml::{self, YNode};

/// A spec file that parsed.
pub struct SpecFile {
    /// Path relative to the repository root, with `/` separators.
    pub rel: String,
    /// The directory holding it, relative to the root.
    pub dir: String,
    pub yaml: YNode,
}

/// Whether a directory looks like a v1 repository (a YAML file with `AnalysisType`).
pub fn is_v1_repo(root: &Path) -> bool {
    walk(root).iter().any(|p| {
        std::fs::read_to_string(p)
            .map(|t| t.lines().any(|l| l.starts_with("AnalysisType:")))
            .unwrap_or(false)
    })
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(name.starts_with('.')
                    || name == "target"
                    || name == "node_modules"
                    || name == "__pycache__")
        });
    for entry in walker.flatten() {
        let p = entry.path();
        if entry.file_type().is_file()
            && matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"))
        {
            out.push(p.to_path_buf());
        }
    }
    out
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

/// Reads every spec; files that fail to parse become diagnostics.
pub fn discover(root: &Path) -> (Vec<SpecFile>, Vec<Diagnostic>) {
    let mut specs = Vec::new();
    let mut diags = Vec::new();
    for p in walk(root) {
        let rel = rel_path(root, &p);
        let text = match std::fs::read_to_string(&p) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::new(
                    Code::YamlSyntax,
                    Span::new(rel, 0, 0),
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        match yaml::parse(&text) {
            Ok(Some(node)) => {
                if node.get("AnalysisType").is_none() {
                    continue;
                }
                let dir = match rel.rfind('/') {
                    Some(i) => rel[..i].to_string(),
                    None => String::new(),
                };
                specs.push(SpecFile {
                    rel,
                    dir,
                    yaml: node,
                });
            }
            Ok(None) => {}
            Err(e) => {
                // Only files that look like specs are reported; other YAML is not ours.
                if text.contains("AnalysisType") {
                    diags.push(Diagnostic::new(
                        Code::YamlSyntax,
                        Span::new(rel, e.line, e.col),
                        format!("YAML syntax error: {}", e.message),
                    ));
                }
            }
        }
    }
    (specs, diags)
}
