//! Diagnostics: one per problem, with a stable code, a location, a one-line reason and the
//! source line it points at.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

/// Stable diagnostic codes. Each names one kind of problem; the text may change, the code
/// does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Code {
    /// A YAML file that does not parse.
    #[serde(rename = "F001")]
    YamlSyntax,
    /// A spec that lacks a required key or has a key of the wrong type.
    #[serde(rename = "F002")]
    SpecInvalid,
    /// The Python file named by a spec does not exist or cannot be read.
    #[serde(rename = "F003")]
    MissingPython,
    /// Python that does not parse.
    #[serde(rename = "F004")]
    PythonSyntax,
    /// Two detections with the same id.
    #[serde(rename = "F005")]
    DuplicateId,
    /// An import of a module that is neither a global helper nor a supported library.
    #[serde(rename = "F006")]
    UnknownImport,
    /// A Python construct outside the supported subset.
    #[serde(rename = "F007")]
    Unsupported,
    /// A name that is defined nowhere (module, helper or builtin).
    #[serde(rename = "F008")]
    UndefinedName,
    /// A detection module without its `rule()` / `policy()` function.
    #[serde(rename = "F009")]
    MissingMatcher,
    /// Test data that cannot be represented faithfully (e.g. a non-string map key).
    #[serde(rename = "F010")]
    TestData,
    /// A detection left out because something it depends on failed.
    #[serde(rename = "F011")]
    Dependency,
    /// A spec kind ferrule does not compile (correlation rules, simple detections).
    #[serde(rename = "F012")]
    Skipped,
    /// A detection `--target pypanther` cannot migrate (policies, scheduled rules, what
    /// pypanther cannot express exactly).
    #[serde(rename = "F013")]
    Inexpressible,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "F001",
            Code::SpecInvalid => "F002",
            Code::MissingPython => "F003",
            Code::PythonSyntax => "F004",
            Code::DuplicateId => "F005",
            Code::UnknownImport => "F006",
            Code::Unsupported => "F007",
            Code::UndefinedName => "F008",
            Code::MissingMatcher => "F009",
            Code::TestData => "F010",
            Code::Dependency => "F011",
            Code::Skipped => "F012",
            Code::Inexpressible => "F013",
        }
    }

    /// Whether this diagnostic means a detection was not converted (exit code 1).
    pub fn is_error(self) -> bool {
        !matches!(self, Code::Skipped)
    }
}

/// A position in a file (1-based line and column, in characters).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub file: String,
    pub line: usize,
    pub col: usize,
}

impl Span {
    pub fn new(file: impl Into<String>, line: usize, col: usize) -> Span {
        Span {
            file: file.into(),
            line,
            col,
        }
    }
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    #[serde(flatten)]
    pub span: Span,
    pub message: String,
    /// The detection this costs, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            span,
            message: message.into(),
            detection: None,
        }
    }

    pub fn for_detection(mut self, id: &str) -> Diagnostic {
        self.detection = Some(id.to_string());
        self
    }

    /// Renders as `file:line:col: CODE message` followed by the source line and a caret.
    /// `root` is where relative file names are resolved to read the snippet.
    pub fn render(&self, root: &Path) -> String {
        let mut out = format!(
            "{}:{}:{}: {} {}",
            self.span.file,
            self.span.line,
            self.span.col,
            self.code.as_str(),
            self.message
        );
        if let Some(id) = &self.detection {
            let _ = write!(out, " [{id}]");
        }
        out.push('\n');
        if self.span.line > 0 {
            if let Ok(text) = std::fs::read_to_string(root.join(&self.span.file)) {
                if let Some(line) = text.lines().nth(self.span.line - 1) {
                    let num = self.span.line.to_string();
                    let _ = writeln!(out, "{} | {}", num, line);
                    let pad = " ".repeat(num.len());
                    let caret_pad: String = line
                        .chars()
                        .take(self.span.col.saturating_sub(1))
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    let _ = writeln!(out, "{} | {}^", pad, caret_pad);
                }
            }
        }
        out
    }

    /// One JSON object: the fields above plus `snippet`, the source line (if readable).
    pub fn to_json(&self, root: &Path) -> String {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(obj) = v.as_object_mut() {
            let snippet = if self.span.line > 0 {
                std::fs::read_to_string(root.join(&self.span.file))
                    .ok()
                    .and_then(|t| t.lines().nth(self.span.line - 1).map(String::from))
            } else {
                None
            };
            obj.insert(
                "snippet".into(),
                snippet
                    .map(serde_json::Value::String)
                    .unwrap_or(serde_json::Value::Null),
            );
        }
        v.to_string()
    }
}

/// Sorts diagnostics by file, position and code, so that output is deterministic.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (&a.span, a.code, &a.message).cmp(&(&b.span, b.code, &b.message)));
}

/// Converts a byte offset into a 1-based (line, column in characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
