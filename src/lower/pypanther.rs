//! What the PyPanther front ends share: the third-party libraries pypanther's rules import
//! (compiled from their installed source next to the package), library data files, and
//! small AST helpers. Rule modules, projects and the package itself are lowered by
//! `pypanther_project.rs` (class statements as IR items) and resolved by
//! `resolve/project`; data models by `pypanther_dm.rs`.

use std::collections::BTreeMap;
use std::path::Path;

use rustpython_parser::ast;

use crate::diag::{Code, Diagnostic, Span};
use crate::source::python::{self, PyFile};

/// Third-party libraries that pypanther's rules import, compiled from their installed
/// source (the directory holding the `pypanther` package, i.e. site-packages), by module.
/// Each package's `__init__.py` and the modules not listed are modelled by the runtime
/// (`runtime/src/stdlib/`), because they read data files at import.
pub(crate) const LIBRARY_SOURCES: &[(&str, &[&str])] = &[(
    "policyuniverse",
    &["common", "arn", "organization", "statement", "policy"],
)];

/// Data files of installed libraries that the runtime's models of them read (name →
/// path relative to site-packages); a library whose data is absent refuses when used.
pub(crate) const LIBRARY_DATA: &[(&str, &str)] = &[(
    "pycountry/iso3166-1.json",
    "pycountry/databases/iso3166-1.json",
)];

/// The library modules of [`LIBRARY_SOURCES`] installed next to the package: dotted name →
/// path relative to `root`.
pub(crate) fn library_modules(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (package, modules) in LIBRARY_SOURCES {
        for m in *modules {
            let rel = format!("{package}/{m}.py");
            if root.join(&rel).is_file() {
                out.insert(format!("{package}.{m}"), rel);
            }
        }
    }
    out
}

pub(crate) fn load(root: &Path, rel: &str) -> Result<PyFile, Diagnostic> {
    match std::fs::read_to_string(root.join(rel)) {
        Ok(text) => python::parse(rel, text),
        Err(e) => Err(Diagnostic::new(
            Code::MissingPython,
            Span::new(rel, 1, 1),
            format!("cannot read `{rel}`: {e}"),
        )),
    }
}

pub(crate) fn is_name(e: &ast::Expr, n: &str) -> bool {
    matches!(e, ast::Expr::Name(x) if x.id.as_str() == n)
}

pub(crate) fn blank(text: &mut [u8], a: usize, b: usize) {
    for c in &mut text[a..b] {
        if *c != b'\n' {
            *c = b' ';
        }
    }
}

pub(crate) fn str_const(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Str(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}
