//! Formatting of migrated modules with ruff's own formatter (the `ruff_python_formatter`
//! crate), so that `ruff format --check` accepts the output as written. The options match
//! the `[tool.ruff]` section written into the project's `pyproject.toml`.

/// The line length of the migrated project (panther-analysis' own).
pub const LINE_LENGTH: u16 = 100;

/// The `pyproject.toml` of a migrated project: it pins the ruff settings the output is
/// formatted with, so that `ruff format --check` run in the project agrees.
pub fn pyproject(name: &str) -> String {
    format!(
        "[project]\nname = \"{name}\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\n\
         dependencies = [\"pypanther==0.1.1a62\"]\n\n[tool.ruff]\nline-length = {LINE_LENGTH}\n\
         target-version = \"py311\"\n"
    )
}

/// Formats a module; the error is the formatter's message (a bug in the migration when it
/// happens: the input is generated).
pub fn format_module(source: &str) -> Result<String, String> {
    use ruff_python_formatter::{format_module_source, PyFormatOptions};
    let width = ruff_formatter::LineWidth::try_from(LINE_LENGTH).map_err(|e| e.to_string())?;
    let options = PyFormatOptions::default()
        .with_line_width(width)
        .with_target_version(ruff_python_ast::PythonVersion::PY311);
    format_module_source(source, options)
        .map(|p| p.as_code().to_string())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_like_ruff() {
        let out = super::format_module("x = {'a':1}\ndef f( a ):\n  return a\n").unwrap();
        assert_eq!(out, "x = {\"a\": 1}\n\n\ndef f(a):\n    return a\n");
    }
}
