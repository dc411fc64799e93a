//! What the PyPanther front ends share: small AST helpers. Rule modules, projects and the
//! package itself are lowered by `pypanther_project.rs` (class statements as IR items) and
//! resolved by `resolve/project`; data models by `pypanther_dm.rs`; the third-party
//! libraries rules import are found by `libraries.rs`.

use std::path::Path;

use rustpython_parser::ast;

use crate::diag::{Code, Diagnostic, Span};
use crate::source::python::{self, PyFile};

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
