//! A thin wrapper over the Python parser, so that it can be swapped (for ruff's parser)
//! without touching the lowering.

pub use rustpython_parser::ast;
use rustpython_parser::ast::Ranged;

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

/// Decodes a source file as CPython does: UTF-8, a leading byte-order mark dropped. A
/// coding declaration naming another encoding is refused when it would change the text
/// (non-ASCII bytes), and bytes that are not UTF-8 are CPython's `SyntaxError`. The error
/// comes with the byte offset it is about.
pub fn decode(bytes: &[u8]) -> Result<String, (String, usize)> {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let cookie = coding_cookie(body);
    match std::str::from_utf8(body) {
        Ok(text) => {
            if let Some(enc) = &cookie {
                let norm = enc.to_ascii_lowercase().replace('_', "-");
                let utf8 = norm == "utf-8" || norm.starts_with("utf-8-") || norm == "utf8";
                if !utf8 && !text.is_ascii() {
                    return Err((
                        format!("source files in encoding `{enc}` are not supported (only UTF-8)"),
                        0,
                    ));
                }
                if !utf8 && body.len() != bytes.len() {
                    return Err((format!("encoding problem: {enc} with BOM"), 0));
                }
            }
            Ok(text.to_string())
        }
        Err(e) => {
            let at = e.valid_up_to();
            let line = body[..at].iter().filter(|&&c| c == b'\n').count() + 1;
            let offset = at + (bytes.len() - body.len());
            Err(match cookie {
                Some(enc) => (
                    format!("source files in encoding `{enc}` are not supported (only UTF-8)"),
                    offset,
                ),
                None => (
                    format!(
                        "Non-UTF-8 code starting with '\\x{:02x}' on line {line}, but no encoding declared; see https://peps.python.org/pep-0263/ for details",
                        body[at]
                    ),
                    offset,
                ),
            })
        }
    }
}

/// The encoding a PEP 263 declaration on the first or second line names, if any.
fn coding_cookie(body: &[u8]) -> Option<String> {
    for (i, line) in body.split(|&c| c == b'\n').take(2).enumerate() {
        let line = String::from_utf8_lossy(line);
        let t = line.trim_start_matches([' ', '\t', '\x0c']);
        if !t.starts_with('#') {
            // A second-line declaration counts only after a comment or blank first line.
            if i == 0 && !t.trim().is_empty() {
                return None;
            }
            continue;
        }
        if let Some(pos) = t.find("coding") {
            let rest = &t[pos + 6..];
            if let Some(rest) = rest.strip_prefix([':', '=']) {
                let name: String = rest
                    .trim_start_matches([' ', '\t'])
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !name.is_empty() {
                    return Some(name);
                }
            }
        }
    }
    None
}

/// CPython's compiler raises `RecursionError` past this depth (1,000 frames × 3 per frame,
/// less the caller's own frames: about 2,990 in practice).
pub const CPYTHON_COMPILE_DEPTH: usize = 3000;

/// The deepest nesting ferrule compiles. Every stage after parsing recurses over the tree
/// (lowering, emission, syn, prettyplease, and rustc on the generated code), so a module
/// nested deeper than this is refused before any of them sees it.
pub const MAX_DEPTH: usize = 1000;

/// CPython's tokenizer limits (`Parser/tokenizer.c`: `MAXLEVEL`, `MAXINDENT`).
const MAX_PAREN_LEVEL: usize = 200;
const MAX_INDENT: usize = 100;

/// CPython's tokenizer errors that the parser does not report: more than 200 nested
/// brackets, 100 levels of indentation.
fn tokenizer_limits(text: &str) -> Option<(String, usize)> {
    use rustpython_parser::lexer::lex;
    use rustpython_parser::{Mode, Tok};
    let mut level = 0usize;
    let mut indent = 0usize;
    for item in lex(text, Mode::Module) {
        let Ok((tok, range)) = item else {
            return None;
        };
        match tok {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => {
                if level >= MAX_PAREN_LEVEL {
                    return Some((
                        "too many nested parentheses".into(),
                        range.start().to_usize(),
                    ));
                }
                level += 1;
            }
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => level = level.saturating_sub(1),
            Tok::Indent => {
                if indent + 1 >= MAX_INDENT {
                    return Some((
                        "IndentationError: too many levels of indentation".into(),
                        range.start().to_usize(),
                    ));
                }
                indent += 1;
            }
            Tok::Dedent => indent = indent.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parses a module; a syntax error, one of CPython's limits, or nesting deeper than
/// ferrule compiles becomes a diagnostic.
pub fn parse(file: &str, mut text: String) -> Result<PyFile, Diagnostic> {
    use rustpython_parser::Parse;
    // CPython skips a UTF-8 byte-order mark (it is not part of the first line's columns).
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let syntax = |text: &str, offset: usize, msg: &str| {
        let (line, col) = line_col(text, offset);
        Diagnostic::new(
            Code::PythonSyntax,
            Span::new(file, line, col),
            format!("Python syntax error: {msg}"),
        )
    };
    if let Some(at) = text.find('\0') {
        return Err(syntax(
            &text,
            at,
            "source code string cannot contain null bytes",
        ));
    }
    if let Some((msg, at)) = tokenizer_limits(&text) {
        return Err(syntax(&text, at, &msg));
    }
    match ast::Suite::parse(&text, file) {
        Ok(body) => {
            let (depth, at) = nesting_depth(&body, CPYTHON_COMPILE_DEPTH);
            if depth > MAX_DEPTH {
                // The tree may be far deeper than measured: dropping it would recurse as
                // deep, so it is leaked (it is at most a small multiple of the file).
                std::mem::forget(body);
                if depth > CPYTHON_COMPILE_DEPTH {
                    return Err(syntax(
                        &text,
                        at,
                        "RecursionError: maximum recursion depth exceeded during compilation (CPython cannot compile code nested this deep)",
                    ));
                }
                let (line, col) = line_col(&text, at);
                return Err(Diagnostic::new(
                    Code::Unsupported,
                    Span::new(file, line, col),
                    format!(
                        "unsupported: code nested {depth} levels deep (ferrule compiles up to {MAX_DEPTH}; CPython's limit is about 2,990)"
                    ),
                ));
            }
            Ok(PyFile {
                file: file.to_string(),
                text,
                body,
            })
        }
        Err(err) => {
            let offset: usize = err.offset.to_usize();
            Err(syntax(&text, offset, &err.error.to_string()))
        }
    }
}

/// How deep a module nests statements and expressions, counted as CPython's compiler
/// recurses over them (one level per statement or expression, patterns and the other
/// nodes included), and where its deepest node starts. The walk stops at `cap + 1`, so
/// it never recurses deeper than that itself.
pub fn nesting_depth(body: &[ast::Stmt], cap: usize) -> (usize, usize) {
    let mut d = Depth { cap, max: 0, at: 0 };
    d.stmts(body, 1);
    (d.max, d.at)
}

struct Depth {
    cap: usize,
    max: usize,
    at: usize,
}

impl Depth {
    /// Records a node at `depth`; false when the walk must not go deeper.
    fn enter(&mut self, depth: usize, node: &impl Ranged) -> bool {
        if depth > self.max {
            self.max = depth;
            self.at = node.range().start().to_usize();
        }
        depth <= self.cap
    }

    fn stmts(&mut self, body: &[ast::Stmt], depth: usize) {
        for s in body {
            self.stmt(s, depth);
        }
    }

    fn exprs<'a>(&mut self, es: impl IntoIterator<Item = &'a ast::Expr>, depth: usize) {
        for e in es {
            self.expr(e, depth);
        }
    }

    fn args(&mut self, a: &ast::Arguments, depth: usize) {
        for arg in a.posonlyargs.iter().chain(&a.args).chain(&a.kwonlyargs) {
            if let Some(ann) = &arg.def.annotation {
                self.expr(ann, depth);
            }
            if let Some(d) = &arg.default {
                self.expr(d, depth);
            }
        }
        for arg in a.vararg.iter().chain(&a.kwarg) {
            if let Some(ann) = &arg.annotation {
                self.expr(ann, depth);
            }
        }
    }

    fn stmt(&mut self, s: &ast::Stmt, depth: usize) {
        use ast::Stmt as S;
        if !self.enter(depth, s) {
            return;
        }
        let d = depth + 1;
        match s {
            S::FunctionDef(f) => {
                self.exprs(&f.decorator_list, d);
                self.args(&f.args, d);
                self.exprs(f.returns.as_deref(), d);
                self.stmts(&f.body, d);
            }
            S::AsyncFunctionDef(f) => {
                self.exprs(&f.decorator_list, d);
                self.args(&f.args, d);
                self.exprs(f.returns.as_deref(), d);
                self.stmts(&f.body, d);
            }
            S::ClassDef(c) => {
                self.exprs(&c.decorator_list, d);
                self.exprs(&c.bases, d);
                self.exprs(c.keywords.iter().map(|k| &k.value), d);
                self.stmts(&c.body, d);
            }
            S::Return(r) => self.exprs(r.value.as_deref(), d),
            S::Delete(x) => self.exprs(&x.targets, d),
            S::Assign(a) => {
                self.exprs(&a.targets, d);
                self.expr(&a.value, d);
            }
            S::TypeAlias(a) => {
                self.expr(&a.name, d);
                self.expr(&a.value, d);
            }
            S::AugAssign(a) => {
                self.expr(&a.target, d);
                self.expr(&a.value, d);
            }
            S::AnnAssign(a) => {
                self.expr(&a.target, d);
                self.expr(&a.annotation, d);
                self.exprs(a.value.as_deref(), d);
            }
            S::For(f) => {
                self.expr(&f.target, d);
                self.expr(&f.iter, d);
                self.stmts(&f.body, d);
                self.stmts(&f.orelse, d);
            }
            S::AsyncFor(f) => {
                self.expr(&f.target, d);
                self.expr(&f.iter, d);
                self.stmts(&f.body, d);
                self.stmts(&f.orelse, d);
            }
            S::While(w) => {
                self.expr(&w.test, d);
                self.stmts(&w.body, d);
                self.stmts(&w.orelse, d);
            }
            S::If(i) => {
                self.expr(&i.test, d);
                self.stmts(&i.body, d);
                self.stmts(&i.orelse, d);
            }
            S::With(w) => {
                for item in &w.items {
                    self.expr(&item.context_expr, d);
                    self.exprs(item.optional_vars.as_deref(), d);
                }
                self.stmts(&w.body, d);
            }
            S::AsyncWith(w) => {
                for item in &w.items {
                    self.expr(&item.context_expr, d);
                    self.exprs(item.optional_vars.as_deref(), d);
                }
                self.stmts(&w.body, d);
            }
            S::Match(m) => {
                self.expr(&m.subject, d);
                for c in &m.cases {
                    self.pattern(&c.pattern, d);
                    self.exprs(c.guard.as_deref(), d);
                    self.stmts(&c.body, d);
                }
            }
            S::Raise(r) => {
                self.exprs(r.exc.as_deref(), d);
                self.exprs(r.cause.as_deref(), d);
            }
            S::Try(t) => {
                self.stmts(&t.body, d);
                self.handlers(&t.handlers, d);
                self.stmts(&t.orelse, d);
                self.stmts(&t.finalbody, d);
            }
            S::TryStar(t) => {
                self.stmts(&t.body, d);
                self.handlers(&t.handlers, d);
                self.stmts(&t.orelse, d);
                self.stmts(&t.finalbody, d);
            }
            S::Assert(a) => {
                self.expr(&a.test, d);
                self.exprs(a.msg.as_deref(), d);
            }
            S::Expr(e) => self.expr(&e.value, d),
            S::Import(_)
            | S::ImportFrom(_)
            | S::Global(_)
            | S::Nonlocal(_)
            | S::Pass(_)
            | S::Break(_)
            | S::Continue(_) => {}
        }
    }

    fn handlers(&mut self, hs: &[ast::ExceptHandler], depth: usize) {
        for h in hs {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.exprs(h.type_.as_deref(), depth);
            self.stmts(&h.body, depth);
        }
    }

    fn comprehensions(&mut self, gens: &[ast::Comprehension], depth: usize) {
        for g in gens {
            self.expr(&g.target, depth);
            self.expr(&g.iter, depth);
            self.exprs(&g.ifs, depth);
        }
    }

    fn pattern(&mut self, p: &ast::Pattern, depth: usize) {
        use ast::Pattern as P;
        if !self.enter(depth, p) {
            return;
        }
        let d = depth + 1;
        match p {
            P::MatchValue(v) => self.expr(&v.value, d),
            P::MatchSingleton(_) | P::MatchStar(_) => {}
            P::MatchSequence(s) => s.patterns.iter().for_each(|p| self.pattern(p, d)),
            P::MatchMapping(m) => {
                self.exprs(&m.keys, d);
                m.patterns.iter().for_each(|p| self.pattern(p, d));
            }
            P::MatchClass(c) => {
                self.expr(&c.cls, d);
                c.patterns
                    .iter()
                    .chain(&c.kwd_patterns)
                    .for_each(|p| self.pattern(p, d));
            }
            P::MatchAs(a) => {
                if let Some(p) = &a.pattern {
                    self.pattern(p, d);
                }
            }
            P::MatchOr(o) => o.patterns.iter().for_each(|p| self.pattern(p, d)),
        }
    }

    fn expr(&mut self, e: &ast::Expr, depth: usize) {
        use ast::Expr as E;
        if !self.enter(depth, e) {
            return;
        }
        let d = depth + 1;
        match e {
            E::BoolOp(b) => self.exprs(&b.values, d),
            E::NamedExpr(n) => {
                self.expr(&n.target, d);
                self.expr(&n.value, d);
            }
            E::BinOp(b) => {
                self.expr(&b.left, d);
                self.expr(&b.right, d);
            }
            E::UnaryOp(u) => self.expr(&u.operand, d),
            E::Lambda(l) => {
                self.args(&l.args, d);
                self.expr(&l.body, d);
            }
            E::IfExp(i) => {
                self.expr(&i.test, d);
                self.expr(&i.body, d);
                self.expr(&i.orelse, d);
            }
            E::Dict(x) => {
                self.exprs(x.keys.iter().flatten(), d);
                self.exprs(&x.values, d);
            }
            E::Set(s) => self.exprs(&s.elts, d),
            E::ListComp(c) => {
                self.expr(&c.elt, d);
                self.comprehensions(&c.generators, d);
            }
            E::SetComp(c) => {
                self.expr(&c.elt, d);
                self.comprehensions(&c.generators, d);
            }
            E::DictComp(c) => {
                self.expr(&c.key, d);
                self.expr(&c.value, d);
                self.comprehensions(&c.generators, d);
            }
            E::GeneratorExp(c) => {
                self.expr(&c.elt, d);
                self.comprehensions(&c.generators, d);
            }
            E::Await(a) => self.expr(&a.value, d),
            E::Yield(y) => self.exprs(y.value.as_deref(), d),
            E::YieldFrom(y) => self.expr(&y.value, d),
            E::Compare(c) => {
                self.expr(&c.left, d);
                self.exprs(&c.comparators, d);
            }
            E::Call(c) => {
                self.expr(&c.func, d);
                self.exprs(&c.args, d);
                self.exprs(c.keywords.iter().map(|k| &k.value), d);
            }
            E::FormattedValue(f) => {
                self.expr(&f.value, d);
                self.exprs(f.format_spec.as_deref(), d);
            }
            E::JoinedStr(j) => self.exprs(&j.values, d),
            E::Attribute(a) => self.expr(&a.value, d),
            E::Subscript(s) => {
                self.expr(&s.value, d);
                self.expr(&s.slice, d);
            }
            E::Starred(s) => self.expr(&s.value, d),
            E::List(l) => self.exprs(&l.elts, d),
            E::Tuple(t) => self.exprs(&t.elts, d),
            E::Slice(s) => {
                self.exprs(s.lower.as_deref(), d);
                self.exprs(s.upper.as_deref(), d);
                self.exprs(s.step.as_deref(), d);
            }
            E::Constant(_) | E::Name(_) => {}
        }
    }
}
