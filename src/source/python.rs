//! A thin wrapper over the Python parser, so that it can be swapped (for ruff's parser)
//! without touching the lowering.

pub use rustpython_parser::ast;

use crate::diag::{line_col, Code, Diagnostic, Span};

/// A parsed Python file.
pub struct PyFile {
    /// The file name relative to the repository.
    pub file: String,
    pub text: String,
    pub body: Vec<ast::Stmt>,
}

impl PyFile {
    /// The span of a byte offset in this file.
    pub fn span(&self, offset: usize) -> Span {
        let (line, col) = line_col(&self.text, offset);
        Span::new(self.file.clone(), line, col)
    }
}

/// Parses a module; a syntax error becomes a diagnostic.
pub fn parse(file: &str, text: String) -> Result<PyFile, Diagnostic> {
    use rustpython_parser::Parse;
    match ast::Suite::parse(&text, file) {
        Ok(body) => Ok(PyFile {
            file: file.to_string(),
            text,
            body,
        }),
        Err(err) => {
            let offset: usize = err.offset.to_usize();
            let (line, col) = line_col(&text, offset);
            Err(Diagnostic::new(
                Code::PythonSyntax,
                Span::new(file, line, col),
                format!("Python syntax error: {}", err.error),
            ))
        }
    }
}
