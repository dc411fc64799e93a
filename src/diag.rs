//! Diagnostics: one per problem, with a stable code, a location, a one-line reason and the
//! source line it points at.

use std::path::Path;

use annotate_snippets::{Level, Renderer, Snippet};

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
    /// A global helper that PAT never imports because a standard-library or installed
    /// module of the same name wins — a warning, not an error.
    #[serde(rename = "F014")]
    ShadowedHelper,
    /// PyPanther configuration that cannot be decided at compile time (a value only known at
    /// run time: the environment, a file, the clock, or code ferrule does not model).
    #[serde(rename = "F015")]
    Undecidable,
    /// PyPanther configuration that raises in CPython (an unknown `override` argument, a
    /// rule pypanther's validation rejects, a name that does not exist).
    #[serde(rename = "F016")]
    ProjectError,
}

impl Code {
    /// Every code, in order (the rules of a SARIF log).
    pub const ALL: [Code; 16] = [
        Code::YamlSyntax,
        Code::SpecInvalid,
        Code::MissingPython,
        Code::PythonSyntax,
        Code::DuplicateId,
        Code::UnknownImport,
        Code::Unsupported,
        Code::UndefinedName,
        Code::MissingMatcher,
        Code::TestData,
        Code::Dependency,
        Code::Skipped,
        Code::Inexpressible,
        Code::ShadowedHelper,
        Code::Undecidable,
        Code::ProjectError,
    ];

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
            Code::ShadowedHelper => "F014",
            Code::Undecidable => "F015",
            Code::ProjectError => "F016",
        }
    }

    /// A one-line description of the code (README's table, SARIF's rule descriptions).
    pub fn description(self) -> &'static str {
        match self {
            Code::YamlSyntax => "YAML syntax error",
            Code::SpecInvalid => "invalid spec (missing or mistyped key)",
            Code::MissingPython => "the spec's Python file is missing",
            Code::PythonSyntax => "Python syntax error",
            Code::DuplicateId => "duplicate detection id",
            Code::UnknownImport => {
                "unknown import (neither a global helper nor a supported library)"
            }
            Code::Unsupported => "construct outside the supported subset",
            Code::UndefinedName => "undefined name",
            Code::MissingMatcher => "`rule()` / `policy()` missing",
            Code::TestData => "test data that cannot be represented exactly",
            Code::Dependency => "depends on a helper or data model that was not converted",
            Code::Skipped => "a kind of detection ferrule does not compile (not an error)",
            Code::Inexpressible => "`--target pypanther`: a detection PyPanther cannot express exactly",
            Code::ShadowedHelper => {
                "a global helper named like a standard-library or installed module (it wins under PAT)"
            }
            Code::Undecidable => {
                "PyPanther configuration that cannot be decided at compile time (a value only known at run time)"
            }
            Code::ProjectError => {
                "PyPanther configuration that raises in CPython (unknown override argument, invalid rule, missing name)"
            }
        }
    }

    /// How serious a diagnostic with this code is.
    pub fn severity(self) -> Severity {
        match self {
            Code::Skipped => Severity::Info,
            Code::ShadowedHelper => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Whether this diagnostic means a detection was not converted (exit code 1).
    pub fn is_error(self) -> bool {
        self.severity() == Severity::Error
    }

    /// Whether the input is broken as PAT itself would see it (the detection fails to load
    /// under PAT too), rather than refused by ferrule.
    pub fn is_load_failure(self) -> bool {
        matches!(
            self,
            Code::YamlSyntax
                | Code::SpecInvalid
                | Code::MissingPython
                | Code::PythonSyntax
                | Code::DuplicateId
                | Code::MissingMatcher
        )
    }
}

/// The severity of a diagnostic: an error costs a detection (exit code 1); a warning
/// reports a behaviour worth knowing that costs nothing; info notes what was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// The SARIF `level` of a result.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        }
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

    /// The severity of this diagnostic (from its code).
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// The source line the diagnostic points at, read from `root` (None when it has no
    /// line or the file cannot be read).
    pub fn source_line(&self, root: &Path) -> Option<String> {
        if self.span.line == 0 {
            return None;
        }
        let text = std::fs::read_to_string(root.join(&self.span.file)).ok()?;
        text.lines().nth(self.span.line - 1).map(String::from)
    }

    /// Renders without colour, as [`Diagnostic::render_with`] does.
    pub fn render(&self, root: &Path) -> String {
        self.render_with(root, &Style::plain())
    }

    /// Renders as rustc and ruff do: `error[CODE]: message`, ` --> file:line:col`, the
    /// source line with the span underlined (cut around the span when it is wider than the
    /// terminal) and the detection it costs. `root` is where relative file names are
    /// resolved to read the snippet.
    pub fn render_with(&self, root: &Path, style: &Style) -> String {
        let level = match self.severity() {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Note,
        };
        let origin = if self.span.line > 0 {
            format!("{}:{}:{}", self.span.file, self.span.line, self.span.col)
        } else {
            self.span.file.clone()
        };
        let footer = self.detection.as_ref().map(|id| {
            if self.code == Code::DuplicateId && self.span.file.ends_with(".py") {
                // A PyPanther `register` (CPython raises there): the first rule stays.
                format!("this rule is not registered: `{id}` is taken")
            } else if self.code == Code::DuplicateId {
                format!("this spec is not loaded: `{id}` is taken")
            } else {
                format!("detection `{id}` is not converted")
            }
        });
        let footer_level = match self.severity() {
            Severity::Error => Level::Note,
            _ => Level::Info,
        };
        let line = self.source_line(root);
        let renderer = if style.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
        .term_width(style.width);
        let mut msg = level.title(&self.message).id(self.code.as_str());
        match &line {
            Some(text) => {
                let span = token_span(text, self.span.col);
                // annotate-snippets appends the line and column to the origin.
                msg = msg.snippet(
                    Snippet::source(text)
                        .line_start(self.span.line)
                        .origin(&self.span.file)
                        .annotation(level.span(span)),
                );
            }
            // Without a readable line, the location still shows, as its own line.
            None => msg = msg.footer(Level::Info.title(&origin)),
        }
        if let (Some(f), true) = (&footer, self.severity() == Severity::Error) {
            msg = msg.footer(footer_level.title(f));
        }
        let mut out = renderer.render(msg).to_string();
        out.push('\n');
        out
    }

    /// One JSON object: `code`, `severity`, `file`, `line`, `col`, `message`, `detection`
    /// (when the diagnostic costs one) and `snippet`, the source line (or null).
    pub fn to_json_value(&self, root: &Path) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(obj) = v.as_object_mut() {
            obj.insert(
                "severity".into(),
                serde_json::Value::String(self.severity().as_str().into()),
            );
            obj.insert(
                "snippet".into(),
                self.source_line(root)
                    .map(serde_json::Value::String)
                    .unwrap_or(serde_json::Value::Null),
            );
        }
        v
    }

    /// [`Diagnostic::to_json_value`] as one line of text.
    pub fn to_json(&self, root: &Path) -> String {
        self.to_json_value(root).to_string()
    }
}

/// How text diagnostics are drawn: colour (on a TTY) and the width long lines are cut to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Style {
    /// No colour; lines cut to 140 columns, as rustc does when not writing to a terminal.
    pub fn plain() -> Style {
        Style {
            color: false,
            width: 140,
        }
    }
}

/// The byte range to underline: the identifier or number starting at the 1-based
/// character column `col`, else the one character there (or the line's end).
fn token_span(line: &str, col: usize) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(col.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    let rest = &line[start..];
    let word: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum();
    let len = if word > 0 {
        word
    } else {
        rest.chars().next().map(char::len_utf8).unwrap_or(0)
    };
    start..start + len
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
