//! The source layout of a Python module, for the PyPanther migration (`emit/pypanther`):
//! where each top-level statement starts and ends (with the comments above it), which
//! statements import what, and which lines lie inside multi-line string literals (those
//! must never be re-indented). The migration moves source slices, so it needs positions,
//! not semantics; the semantics (which names are globals) come from the IR.

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::lexer::lex;
use rustpython_parser::{Mode, Tok};

use crate::source::python::PyFile;

/// A module's layout.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The source text the offsets refer to.
    pub text: String,
    /// Top-level statements in source order.
    pub items: Vec<Item>,
    /// Every `import` / `from … import` statement, at any depth.
    pub imports: Vec<Import>,
    /// Byte ranges of string literals that span several lines.
    pub multiline_strings: Vec<(usize, usize)>,
    /// Byte offsets of every `self` identifier token.
    pub self_names: Vec<usize>,
}

/// One top-level statement. `start..end` covers the statement itself, from the start of
/// its first line (decorators included) to the end of its last line (trailing comment
/// included); `lead` is where the comments and blank lines above it begin.
#[derive(Debug, Clone)]
pub struct Item {
    pub lead: usize,
    pub start: usize,
    pub end: usize,
    pub kind: ItemKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// The module docstring.
    Docstring,
    /// `from __future__ import …`.
    Future,
    /// Any other import.
    Import,
    /// `def name(…)`; `open` is the byte offset just after its `(`; `plain` when it takes
    /// exactly one positional parameter without a default and has no decorators.
    Def {
        name: String,
        open: usize,
        plain: bool,
    },
    Class(String),
    Other,
}

/// An import statement and what it binds.
#[derive(Debug, Clone)]
pub struct Import {
    pub start: usize,
    pub end: usize,
    /// `from X import …` (with the number of leading dots), or `import …`.
    pub from: Option<(usize, String)>,
    /// (name, asname).
    pub names: Vec<(String, Option<String>)>,
}

/// Computes the layout of a parsed module.
pub fn layout(py: &PyFile) -> Layout {
    let text = &py.text;
    let mut items = Vec::new();
    let mut prev_end = 0usize;
    for (i, s) in py.body.iter().enumerate() {
        let r = s.range();
        let start = line_start(text, stmt_start(s));
        let end = line_end(text, r.end().to_usize());
        let kind = match s {
            ast::Stmt::Expr(e) if i == 0 && is_str(&e.value) => ItemKind::Docstring,
            ast::Stmt::ImportFrom(f)
                if f.module.as_ref().map(|m| m.as_str()) == Some("__future__") =>
            {
                ItemKind::Future
            }
            ast::Stmt::Import(_) | ast::Stmt::ImportFrom(_) => ItemKind::Import,
            ast::Stmt::FunctionDef(f) => {
                let a = &f.args;
                let plain = f.decorator_list.is_empty()
                    && a.posonlyargs.is_empty()
                    && a.args.len() == 1
                    && a.args[0].default.is_none()
                    && a.vararg.is_none()
                    && a.kwonlyargs.is_empty()
                    && a.kwarg.is_none();
                let def_at = r.start().to_usize();
                let open = text[def_at..]
                    .find('(')
                    .map(|o| def_at + o + 1)
                    .unwrap_or(def_at);
                ItemKind::Def {
                    name: f.name.to_string(),
                    open,
                    plain,
                }
            }
            ast::Stmt::ClassDef(c) => ItemKind::Class(c.name.to_string()),
            _ => ItemKind::Other,
        };
        items.push(Item {
            lead: prev_end,
            start,
            end,
            kind,
        });
        prev_end = end;
    }
    let mut imports = Vec::new();
    collect_imports(&py.body, &mut imports);
    let mut multiline_strings = Vec::new();
    let mut self_names = Vec::new();
    for (tok, range) in lex(text, Mode::Module).flatten() {
        let (a, b) = (range.start().to_usize(), range.end().to_usize());
        match tok {
            Tok::String { .. } if text[a..b].contains('\n') => multiline_strings.push((a, b)),
            Tok::Name { name } if name == "self" => self_names.push(a),
            _ => {}
        }
    }
    Layout {
        text: text.clone(),
        items,
        imports,
        multiline_strings,
        self_names,
    }
}

fn is_str(e: &ast::Expr) -> bool {
    matches!(
        e,
        ast::Expr::Constant(ast::ExprConstant {
            value: ast::Constant::Str(_),
            ..
        })
    )
}

/// Where a statement's text starts: its first decorator for decorated definitions.
fn stmt_start(s: &ast::Stmt) -> usize {
    let decorators = match s {
        ast::Stmt::FunctionDef(f) => &f.decorator_list,
        ast::Stmt::AsyncFunctionDef(f) => &f.decorator_list,
        ast::Stmt::ClassDef(c) => &c.decorator_list,
        _ => return s.range().start().to_usize(),
    };
    decorators
        .iter()
        .map(|d| d.range().start().to_usize().saturating_sub(1))
        .chain(std::iter::once(s.range().start().to_usize()))
        .min()
        .unwrap_or(0)
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..]
        .find('\n')
        .map(|i| at + i + 1)
        .unwrap_or(text.len())
}

fn collect_imports(body: &[ast::Stmt], out: &mut Vec<Import>) {
    for s in body {
        let r = s.range();
        match s {
            ast::Stmt::Import(i) => out.push(Import {
                start: r.start().to_usize(),
                end: r.end().to_usize(),
                from: None,
                names: i
                    .names
                    .iter()
                    .map(|a| (a.name.to_string(), a.asname.as_ref().map(|n| n.to_string())))
                    .collect(),
            }),
            ast::Stmt::ImportFrom(f) => out.push(Import {
                start: r.start().to_usize(),
                end: r.end().to_usize(),
                from: Some((
                    f.level.map(|l| l.to_usize()).unwrap_or(0),
                    f.module.as_ref().map(|m| m.to_string()).unwrap_or_default(),
                )),
                names: f
                    .names
                    .iter()
                    .map(|a| (a.name.to_string(), a.asname.as_ref().map(|n| n.to_string())))
                    .collect(),
            }),
            ast::Stmt::FunctionDef(f) => collect_imports(&f.body, out),
            ast::Stmt::AsyncFunctionDef(f) => collect_imports(&f.body, out),
            ast::Stmt::ClassDef(c) => collect_imports(&c.body, out),
            ast::Stmt::If(x) => {
                collect_imports(&x.body, out);
                collect_imports(&x.orelse, out);
            }
            ast::Stmt::For(x) => {
                collect_imports(&x.body, out);
                collect_imports(&x.orelse, out);
            }
            ast::Stmt::While(x) => {
                collect_imports(&x.body, out);
                collect_imports(&x.orelse, out);
            }
            ast::Stmt::With(x) => collect_imports(&x.body, out),
            ast::Stmt::Try(x) => {
                collect_imports(&x.body, out);
                for h in &x.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    collect_imports(&h.body, out);
                }
                collect_imports(&x.orelse, out);
                collect_imports(&x.finalbody, out);
            }
            ast::Stmt::Match(m) => {
                for c in &m.cases {
                    collect_imports(&c.body, out);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_their_comments_and_decorators() {
        let src = "\"\"\"Doc.\"\"\"\nimport json\n\n# About X.\nX = 1  # one\n\n\n@deco\ndef f(a):\n    s = '''a\nb'''\n    return self\n";
        let py = crate::source::python::parse("m.py", src.to_string()).unwrap();
        let l = layout(&py);
        assert_eq!(l.items.len(), 4);
        assert_eq!(l.items[0].kind, ItemKind::Docstring);
        assert_eq!(l.items[1].kind, ItemKind::Import);
        assert_eq!(
            &src[l.items[2].lead..l.items[2].end],
            "\n# About X.\nX = 1  # one\n"
        );
        let f = &l.items[3];
        assert!(src[f.start..].starts_with("@deco\ndef f(a):"));
        assert!(matches!(&f.kind, ItemKind::Def { name, plain: false, .. } if name == "f"));
        assert_eq!(l.multiline_strings.len(), 1);
        assert_eq!(l.self_names.len(), 1);
        assert_eq!(l.imports.len(), 1);
    }
}

/// A rule class pypanther ships (`@panther_managed`), read for `--against-managed`.
#[derive(Debug, Clone)]
pub struct ManagedSource {
    pub id: String,
    /// The dotted module (`pypanther.rules.github.github_repo_created`).
    pub module: String,
    pub class: String,
    /// Class attributes as canonical Python literals (`Severity.HIGH`, `["a", "b"]`); an
    /// attribute whose value is not a plain literal maps to `None`.
    pub attrs: std::collections::BTreeMap<String, Option<String>>,
    /// Methods by name: their source, dedented to the class body's level.
    pub methods: std::collections::BTreeMap<String, String>,
}

/// Every `@panther_managed` rule class under `pkg/rules`.
pub fn managed_rules(pkg: &std::path::Path) -> Vec<ManagedSource> {
    let mut out = Vec::new();
    let rules = pkg.join("rules");
    for entry in walkdir::WalkDir::new(&rules)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let p = entry.path();
        if !entry.file_type().is_file() || p.extension().is_none_or(|x| x != "py") {
            continue;
        }
        let rel = crate::source::v1::rel_path(pkg, p);
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        let Ok(py) = crate::source::python::parse(&rel, text) else {
            continue;
        };
        let module = format!(
            "pypanther.{}",
            rel.trim_end_matches(".py").replace('/', ".")
        );
        for s in &py.body {
            let ast::Stmt::ClassDef(c) = s else { continue };
            let managed = c
                .decorator_list
                .iter()
                .any(|d| matches!(d, ast::Expr::Name(n) if n.id.as_str() == "panther_managed"));
            if !managed {
                continue;
            }
            let mut attrs = std::collections::BTreeMap::new();
            let mut methods = std::collections::BTreeMap::new();
            for st in &c.body {
                match st {
                    ast::Stmt::Assign(a) => {
                        if let [ast::Expr::Name(n)] = a.targets.as_slice() {
                            attrs.insert(n.id.to_string(), literal(&a.value));
                        }
                    }
                    ast::Stmt::AnnAssign(a) => {
                        if let (ast::Expr::Name(n), Some(v)) = (&*a.target, &a.value) {
                            attrs.insert(n.id.to_string(), literal(v));
                        }
                    }
                    ast::Stmt::FunctionDef(f) => {
                        let start = line_start(&py.text, stmt_start(st));
                        let end = line_end(&py.text, f.range().end().to_usize());
                        methods.insert(f.name.to_string(), dedent(&py.text[start..end]));
                    }
                    _ => {}
                }
            }
            let Some(Some(id)) = attrs.get("id").cloned() else {
                continue;
            };
            let id = match serde_json::from_str::<String>(&id) {
                Ok(s) => s,
                Err(_) => continue,
            };
            out.push(ManagedSource {
                id,
                module: module.clone(),
                class: c.name.to_string(),
                attrs,
                methods,
            });
        }
    }
    out
}

fn dedent(text: &str) -> String {
    let n = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.split_inclusive('\n')
        .map(|l| {
            if l.len() >= n && l[..n].trim().is_empty() {
                &l[n..]
            } else {
                l
            }
        })
        .collect()
}

/// A plain literal as canonical text: strings as JSON-escaped double-quoted text (which is
/// also a Python literal for the strings rules use), numbers, booleans, `None`, lists and
/// dicts of those, and `Severity.X` / `LogType.X` members.
pub fn literal(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Str(s) => Some(serde_json::to_string(s.as_str()).ok()?),
            ast::Constant::Bool(b) => Some(if *b { "True" } else { "False" }.into()),
            ast::Constant::None => Some("None".into()),
            ast::Constant::Int(i) => Some(i.to_string()),
            _ => None,
        },
        ast::Expr::List(l) => {
            let items: Option<Vec<String>> = l.elts.iter().map(literal).collect();
            Some(format!("[{}]", items?.join(", ")))
        }
        ast::Expr::Dict(d) => {
            let mut parts = Vec::new();
            for (k, v) in d.keys.iter().zip(&d.values) {
                parts.push(format!("{}: {}", literal(k.as_ref()?)?, literal(v)?));
            }
            Some(format!("{{{}}}", parts.join(", ")))
        }
        ast::Expr::Attribute(a) => match &*a.value {
            ast::Expr::Name(n) if matches!(n.id.as_str(), "Severity" | "LogType") => {
                Some(format!("{}.{}", n.id, a.attr))
            }
            _ => None,
        },
        _ => None,
    }
}
