//! Python AST → IR for one module: scopes, name resolution and the supported subset.
//!
//! Every construct of `spec/python-subset.md` that rules and helpers use is lowered here;
//! anything else becomes an `F007 Unsupported` diagnostic at its position, and the module
//! (with the detections that need it) is left out. Names are resolved with Python's rules:
//! a name assigned anywhere in a function is local to it unless declared `global`;
//! comprehension variables have their own scope; everything else is a module global or a
//! builtin.

use std::collections::{BTreeSet, HashMap, HashSet};

use rustpython_parser::ast::{self, Ranged};

use crate::diag::{Code, Diagnostic, Span};
use crate::ir::*;
use crate::source::python::PyFile;

/// What the rest of the program offers to imports.
pub struct ImportEnv<'a> {
    /// Global helper module names of the repository.
    pub helpers: &'a BTreeSet<String>,
    /// Packages whose `__init__.py` is empty, so that `from package import helper` only
    /// binds the helper module (`from pypanther.helpers import event_type`).
    pub packages: &'a BTreeSet<String>,
}

/// Lowers a parsed module. Diagnostics are returned alongside; a module with any error
/// diagnostic must not be emitted.
pub fn lower_module(
    py: &PyFile,
    name: &str,
    kind: ModuleKind,
    env: &ImportEnv,
) -> (Module, Vec<Diagnostic>) {
    lower_module_with(py, name, kind, env, &ProjectLowering::default())
}

/// How a module of a PyPanther project (or of the `pypanther` package) is lowered beyond
/// the plain rules of [`lower_module`]: its configuration code is evaluated by the resolve
/// stage, so class statements stay items and pypanther's API is imported virtually.
#[derive(Default)]
pub struct ProjectLowering<'a> {
    /// Modules the resolve stage models (pypanther's API): `from m import x` binds
    /// `ModuleRef(m, Some(x))` and `import m` binds `ModuleRef(m, None)`, with no import
    /// at run time (the resolve stage keeps such statements out of run-time code).
    pub virtual_modules: Option<&'a BTreeSet<String>>,
    /// Class statements become [`Stmt::ClassDef`] items (several bases, decorators).
    pub class_items: bool,
}

/// [`lower_module`] with the PyPanther project rules of `project`.
pub fn lower_module_with(
    py: &PyFile,
    name: &str,
    kind: ModuleKind,
    env: &ImportEnv,
    project: &ProjectLowering,
) -> (Module, Vec<Diagnostic>) {
    let mut cx = Cx {
        project,
        py,
        env,
        globals: Vec::new(),
        functions: Vec::new(),
        diags: Vec::new(),
        scopes: Vec::new(),
        imports: Vec::new(),
        libraries: Default::default(),
        class_stack: Vec::new(),
        current_fn: Vec::new(),
        class_ctx: None,
        class_names: None,
        class_name_read: false,
        method_errors: 0,
        module_name: name.to_string(),
        module_kind: kind,
        loop_flags: Vec::new(),
        hidden: 0,
        comp_kinds: Vec::new(),
    };
    // Module-level names: everything bound at top level, plus `global` names of functions.
    let mut bound = Vec::new();
    collect_bound(&py.body, &mut bound, true);
    let mut global_decls = Vec::new();
    collect_global_decls(&py.body, &mut global_decls);
    for n in bound.into_iter().chain(global_decls) {
        cx.global_slot(&n);
    }
    for (range, why) in crate::lower::annotations::unproven(&py.body) {
        let span = py.span(range.start().to_usize());
        cx.diags.push(Diagnostic::new(
            Code::Unsupported,
            span,
            format!("unsupported: {why}"),
        ));
    }
    cx.scopes.push(Scope::module());
    let body = cx.block(&py.body);
    let module_scope = cx.scopes.pop().expect("module scope");
    let mut functions = std::mem::take(&mut cx.functions);
    // The module body is function 0's sibling: its comprehension locals live in a
    // synthetic function so that the emitter treats both alike.
    functions.push(Function {
        name: "<module>".into(),
        qualname: "<module>".into(),
        params: Params::default(),
        locals: module_scope.locals,
        body: Vec::new(),
        captures: Vec::new(),
        cells: module_scope.cells.into_iter().collect(),
        dynamic_defaults: false,
        is_generator: false,
        span: Span::new(py.file.clone(), 1, 1),
    });
    let module = Module {
        name: name.to_string(),
        kind,
        file: py.file.clone(),
        globals: cx.globals,
        body,
        functions,
        imports: cx.imports,
        libraries: cx.libraries,
        patch_routes: Vec::new(),
    };
    (module, cx.diags)
}

struct Scope {
    is_module: bool,
    locals: Vec<String>,
    /// Function-level locals by name.
    names: HashMap<String, usize>,
    declared_global: HashSet<String>,
    /// Comprehension scopes, innermost last.
    comps: Vec<HashMap<String, usize>>,
    /// Captured enclosing cells: (outer index, own index).
    captures: Vec<(usize, usize)>,
    /// Locals that live in cells (captured by an inner scope, or free variables).
    cells: BTreeSet<usize>,
    /// Names declared `nonlocal`.
    nonlocals: HashSet<String>,
    /// The scope of a generator expression (its walrus targets bind outside it).
    is_genexp: bool,
    /// Whether a `yield` was lowered in this scope (it is a generator function).
    has_yield: bool,
    /// The function's positional parameters (its first local is the first of them).
    n_positional: usize,
}

impl Scope {
    fn module() -> Scope {
        Scope {
            is_module: true,
            ..Scope::function()
        }
    }

    fn function() -> Scope {
        Scope {
            is_module: false,
            locals: Vec::new(),
            names: HashMap::new(),
            declared_global: HashSet::new(),
            comps: Vec::new(),
            captures: Vec::new(),
            cells: BTreeSet::new(),
            nonlocals: HashSet::new(),
            is_genexp: false,
            has_yield: false,
            n_positional: 0,
        }
    }

    fn add_local(&mut self, name: &str) -> usize {
        self.locals.push(name.to_string());
        self.locals.len() - 1
    }
}

/// A name bound in the body of a PyPanther class item being lowered.
enum ClassName {
    /// An attribute, whose value is held in this hidden module global while the class is
    /// built.
    Attribute(String),
    /// A method (its plain function).
    Method,
}

/// A class body being lowered.
struct ClassCtx {
    /// `scopes.len()` while the body's own statements are lowered.
    depth: usize,
    /// The comprehension scopes open when the body started (a comprehension inside the
    /// body does not see the class namespace).
    comps: usize,
    /// The names the body binds: they live in the class namespace.
    bound: HashSet<String>,
    /// The hidden local of the enclosing scope holding the `__class__` cell, once a method
    /// needs it.
    cell: Option<usize>,
    qualname: String,
}

struct Cx<'a> {
    py: &'a PyFile,
    env: &'a ImportEnv<'a>,
    project: &'a ProjectLowering<'a>,
    globals: Vec<String>,
    functions: Vec<Function>,
    diags: Vec<Diagnostic>,
    scopes: Vec<Scope>,
    imports: Vec<String>,
    /// Runtime-provided library modules this module imports.
    libraries: BTreeSet<String>,
    /// The class bodies being lowered, innermost last.
    class_stack: Vec<ClassCtx>,
    /// The qualified names of the functions being lowered, innermost last.
    current_fn: Vec<String>,
    /// The PyPanther class item whose methods are being lowered (for `super()`).
    class_ctx: Option<Expr>,
    /// While a PyPanther class item's body is lowered: the names it has bound so far, which its own
    /// statements read before globals (CPython's class namespace).
    class_names: Option<HashMap<String, ClassName>>,
    /// Whether a class-body statement read one of `class_names`.
    class_name_read: bool,
    /// Error diagnostics raised inside method bodies of class items (their statements carry
    /// their own markers, so the class statement stays evaluable).
    method_errors: usize,
    module_name: String,
    module_kind: ModuleKind,
    /// For each enclosing loop of the current function, innermost last: the hidden flag a
    /// `break` sets when the loop has an `else` clause.
    loop_flags: Vec<Option<Name>>,
    /// Hidden temporaries made so far (unique names).
    hidden: usize,
    /// The kinds of the comprehensions being lowered in place, innermost last.
    comp_kinds: Vec<CompKind>,
}

/// Python builtins that the runtime provides.
/// Whether `body` consists only of imports of library modules and names that the runtime
/// provides, so that running it cannot raise.
fn imports_provided(body: &[ast::Stmt]) -> bool {
    !body.is_empty()
        && body.iter().all(|s| match s {
            ast::Stmt::Import(i) => i
                .names
                .iter()
                .all(|a| crate::lower::stdlib::module_exists(a.name.as_str())),
            ast::Stmt::ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.as_str()).unwrap_or("");
                i.level.map(|l| l.to_u32()).unwrap_or(0) == 0
                    && crate::lower::stdlib::module_exists(module)
                    && i.names
                        .iter()
                        .all(|a| crate::lower::stdlib::attr_exists(&format!("{module}.{}", a.name)))
            }
            _ => false,
        })
}

/// Whether every handler catches `ImportError` or `ModuleNotFoundError` (and nothing else).
fn catches_only_import_errors(handlers: &[ast::ExceptHandler]) -> bool {
    let is_import_error = |e: &ast::Expr| matches!(e, ast::Expr::Name(n) if n.id.as_str() == "ImportError" || n.id.as_str() == "ModuleNotFoundError");
    !handlers.is_empty()
        && handlers.iter().all(|h| {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            match h.type_.as_deref() {
                Some(ast::Expr::Tuple(t)) => t.elts.iter().all(is_import_error),
                Some(e) => is_import_error(e),
                None => false,
            }
        })
}

/// Whether `name` is a builtin the runtime provides (its table is the only list: see
/// `ferrule_runtime::builtins::BUILTINS`), or a builtin exception class.
pub fn is_supported_builtin(name: &str) -> bool {
    ferrule_runtime::builtins::def(name).is_some()
        || ferrule_runtime::builtins::BUILTIN_CONSTANTS.contains(&name)
        || crate::lower::exceptions::builtin_exception(name).is_some()
}

/// Why the runtime refuses builtin `name` (I/O, running code, `async`), if it does.
pub fn builtin_refusal(name: &str) -> Option<&'static str> {
    match ferrule_runtime::builtins::def(name)?.kind {
        ferrule_runtime::builtins::BuiltinKind::Refused(why) => Some(why),
        _ => None,
    }
}

impl<'a> Cx<'a> {
    fn span(&self, node: &impl Ranged) -> Span {
        self.py.span(node.range().start().to_usize())
    }

    fn unsupported(&mut self, node: &impl Ranged, what: impl Into<String>) {
        let span = self.span(node);
        self.diags.push(Diagnostic::new(
            Code::Unsupported,
            span,
            format!("unsupported: {}", what.into()),
        ));
    }

    fn global_slot(&mut self, name: &str) -> usize {
        match self.globals.iter().position(|g| g == name) {
            Some(i) => i,
            None => {
                self.globals.push(name.to_string());
                self.globals.len() - 1
            }
        }
    }

    fn scope(&mut self) -> &mut Scope {
        self.scopes.last_mut().expect("scope")
    }

    // ----- names --------------------------------------------------------------------

    /// The class whose body's own statements are being lowered (not a function or a
    /// comprehension inside it, whose scopes skip the class namespace).
    fn class_body(&self) -> Option<&ClassCtx> {
        let c = self.class_stack.last()?;
        (c.depth == self.scopes.len() && self.scopes.last()?.comps.len() == c.comps).then_some(c)
    }

    /// The class whose method body (not a nested function) is being lowered.
    fn method_class(&self) -> Option<usize> {
        let i = self.class_stack.len().checked_sub(1)?;
        let c = &self.class_stack[i];
        (c.depth + 1 == self.scopes.len()).then_some(i)
    }

    /// The method's own local for its class's `__class__` cell (captured from the scope
    /// enclosing the class, where the cell is created).
    fn class_cell_local(&mut self, ci: usize) -> usize {
        let depth = self.class_stack[ci].depth;
        let outer = match self.class_stack[ci].cell {
            Some(i) => i,
            None => {
                let i = self.scopes[depth - 1].add_local("__class__");
                self.scopes[depth - 1].cells.insert(i);
                self.class_stack[ci].cell = Some(i);
                i
            }
        };
        let scope = self.scope();
        if let Some(&own) = scope.names.get("__class__") {
            return own;
        }
        let own = scope.add_local("__class__");
        scope.names.insert("__class__".into(), own);
        scope.captures.push((outer, own));
        scope.cells.insert(own);
        own
    }

    /// Resolves a name that is read.
    fn read_name(&mut self, node: &impl Ranged, id: &str) -> Name {
        let depth = self.scopes.len();
        // A statement of a PyPanther class item's body (not a function or comprehension
        // inside it, whose scopes skip the class namespace) reads the class's own names
        // first.
        if depth == 1 && self.scopes[0].comps.is_empty() {
            match self.class_names.as_ref().and_then(|m| m.get(id)) {
                Some(ClassName::Attribute(hidden)) => {
                    let hidden = hidden.clone();
                    self.class_name_read = true;
                    let slot = self.global_slot(&hidden);
                    return Name::Global(slot, hidden);
                }
                Some(ClassName::Method) => {
                    self.unsupported(node, "a method read in its own class body");
                }
                None => {}
            }
        }
        // The class body's own names live in its namespace; a name it binds but has not
        // bound yet is looked up as a global (CPython's LOAD_NAME).
        if self.class_body().is_some_and(|c| c.bound.contains(id)) {
            // The module dunders are not builtins: their fallback is what a module-level
            // read gives (or its refusal).
            let fallback = if matches!(id, "__name__" | "__doc__" | "__file__") {
                self.read_global(node, id)
            } else {
                self.class_fallback(id)
            };
            return Name::ClassNs(id.to_string(), Box::new(fallback));
        }
        if id == "__class__" {
            if let Some(ci) = self.method_class() {
                let own = self.class_cell_local(ci);
                return Name::Local(own, id.to_string());
            }
        }
        {
            let scope = &self.scopes[depth - 1];
            for comp in scope.comps.iter().rev() {
                if let Some(&i) = comp.get(id) {
                    return Name::Local(i, id.to_string());
                }
            }
            if !scope.is_module && !scope.declared_global.contains(id) {
                if let Some(&i) = scope.names.get(id) {
                    return Name::Local(i, id.to_string());
                }
            }
        }
        // A free variable of a nested function or lambda: a cell of an enclosing function
        // (or comprehension), captured through every scope in between.
        if depth >= 2 {
            if let Some(own) = self.free_var(depth - 1, id) {
                return Name::Local(own, id.to_string());
            }
        }
        self.read_global(node, id)
    }

    /// Where a class-body name not (yet) in the namespace is read from: a module global,
    /// else a builtin (`rt::call::builtin` raises CPython's NameError for other names).
    fn class_fallback(&self, id: &str) -> Name {
        match self.globals.iter().position(|g| g == id) {
            Some(slot) => Name::Global(slot, id.to_string()),
            None => Name::Builtin(id.to_string()),
        }
    }

    /// A global, a builtin, or an unbound global (NameError when read).
    fn read_global(&mut self, node: &impl Ranged, id: &str) -> Name {
        if let Some(slot) = self.globals.iter().position(|g| g == id) {
            return Name::Global(slot, id.to_string());
        }
        if is_supported_builtin(id) {
            return Name::Builtin(id.to_string());
        }
        if id == "__name__" && self.module_kind == ModuleKind::Helper {
            // A global helper is imported under its GlobalID.
            return Name::Builtin(format!("__name__={}", self.module_name));
        }
        if id == "__doc__" {
            // The module's docstring (its first statement, if it is a string), or None.
            return match self.py.body.first() {
                Some(ast::Stmt::Expr(e)) => match &*e.value {
                    ast::Expr::Constant(c) => match &c.value {
                        ast::Constant::Str(d) => Name::Builtin(format!("__doc__={d}")),
                        _ => Name::Builtin("__doc__".into()),
                    },
                    _ => Name::Builtin("__doc__".into()),
                },
                _ => Name::Builtin("__doc__".into()),
            };
        }
        if id == "__file__" {
            self.unsupported(
                node,
                "`__file__` (the path PAT loads the module from, which differs per machine)",
            );
            return Name::Builtin(id.to_string());
        }
        if id == "__name__" {
            // PAT names a v1 detection module after its id; pypanther after its path.
            self.unsupported(node, "`__name__` of a detection or data-model module");
            return Name::Builtin(id.to_string());
        }

        // Python raises NameError when (and only when) this runs: an unbound global slot
        // does exactly that.
        let slot = self.global_slot(id);
        Name::Global(slot, id.to_string())
    }

    /// The local of scope `at` holding free variable `id`, captured (as a cell) from the
    /// nearest enclosing function or comprehension that binds it; `None` for a global.
    fn free_var(&mut self, at: usize, id: &str) -> Option<usize> {
        if at == 0 {
            return None;
        }
        if let Some(&(_, own)) = self.scopes[at]
            .captures
            .iter()
            .find(|(_, own)| self.scopes[at].locals[*own] == id)
        {
            return Some(own);
        }
        let outer = at - 1;
        let found = {
            let o = &self.scopes[outer];
            o.comps
                .iter()
                .rev()
                .find_map(|c| c.get(id).copied())
                .or_else(|| {
                    if o.is_module || o.declared_global.contains(id) {
                        None
                    } else {
                        o.names.get(id).copied()
                    }
                })
        };
        let oi = match found {
            Some(i) => i,
            None => self.free_var(outer, id)?,
        };
        self.scopes[outer].cells.insert(oi);
        let s = &mut self.scopes[at];
        let own = s.add_local(id);
        s.names.insert(id.to_string(), own);
        s.captures.push((oi, own));
        s.cells.insert(own);
        Some(own)
    }

    /// A hidden local (or module global) for a value the lowering keeps aside.
    fn hidden_name(&mut self, what: &str) -> Name {
        self.hidden += 1;
        let n = format!("__ferrule_{what}{}", self.hidden);
        if self.scope().is_module && self.scope().comps.is_empty() {
            let slot = self.global_slot(&n);
            Name::Global(slot, n)
        } else {
            let scope = self.scope();
            let i = scope.add_local(&n);
            Name::Local(i, n)
        }
    }

    /// What a read of `id` would resolve to, without side effects (captures, diagnostics):
    /// only whether it is a builtin matters to callers.
    fn peek_name(&self, id: &str) -> Name {
        let shadowed = self.globals.iter().any(|g| g == id)
            || self.scopes.iter().any(|sc| {
                (!sc.is_module && sc.names.contains_key(id))
                    || sc.comps.iter().any(|c| c.contains_key(id))
            })
            || self.class_body().is_some_and(|c| c.bound.contains(id))
            || self
                .class_names
                .as_ref()
                .is_some_and(|m| m.contains_key(id));
        if shadowed {
            Name::Global(0, id.to_string())
        } else {
            Name::Builtin(id.to_string())
        }
    }

    /// Resolves a name that is assigned.
    fn write_name(&mut self, id: &str) -> Name {
        if self.class_body().is_some() {
            // Read back (by `x += 1`) from the namespace, else as a global.
            let fallback = self.class_fallback(id);
            return Name::ClassNs(id.to_string(), Box::new(fallback));
        }
        let scope = self.scopes.last().expect("scope");
        for comp in scope.comps.iter().rev() {
            if let Some(&i) = comp.get(id) {
                return Name::Local(i, id.to_string());
            }
        }
        if scope.is_module || scope.declared_global.contains(id) {
            let slot = self.global_slot(id);
            return Name::Global(slot, id.to_string());
        }
        match scope.names.get(id) {
            Some(&i) => Name::Local(i, id.to_string()),
            None => {
                let scope = self.scope();
                let i = scope.add_local(id);
                scope.names.insert(id.to_string(), i);
                Name::Local(i, id.to_string())
            }
        }
    }

    // ----- statements ---------------------------------------------------------------

    fn block(&mut self, stmts: &[ast::Stmt]) -> Vec<Stmt> {
        let mut out = Vec::new();
        for s in stmts {
            self.stmt(s, &mut out);
        }
        out
    }

    fn stmt(&mut self, s: &ast::Stmt, out: &mut Vec<Stmt>) {
        // A `def` is evaluable even when its body is not: the statements of the body carry
        // their own markers.
        if self.project.class_items && !matches!(s, ast::Stmt::FunctionDef(_)) {
            // The resolve stage evaluates configuration code: a statement that was not
            // fully lowered is replaced by a marker, so that it is never evaluated as if it
            // were (its module, having an error, is not emitted).
            let errors = |cx: &Self| cx.diags.iter().filter(|d| d.code.is_error()).count();
            let before = errors(self);
            let methods_before = self.method_errors;
            let mut lowered = Vec::new();
            self.stmt_inner(s, &mut lowered);
            let own = errors(self) - before - (self.method_errors - methods_before);
            if own > 0 {
                out.push(Stmt::Unconverted(self.span(s)));
            } else {
                out.extend(lowered);
            }
            return;
        }
        self.stmt_inner(s, out)
    }

    fn stmt_inner(&mut self, s: &ast::Stmt, out: &mut Vec<Stmt>) {
        use ast::Stmt as S;
        match s {
            S::Expr(e) => {
                // Docstrings and bare constants do nothing.
                if matches!(&*e.value, ast::Expr::Constant(_)) {
                    return;
                }
                let e = self.expr(&e.value);
                out.push(Stmt::Expr(e));
            }
            S::Pass(_) => out.push(Stmt::Pass),
            S::Break(_) => {
                // `break` out of a loop with an `else` records that the `else` is skipped.
                if let Some(Some(flag)) = self.loop_flags.last().cloned() {
                    let t = self.mk(s, ExprKind::Const(Const::Bool(true)));
                    out.push(Stmt::Assign(vec![Target::Name(flag)], t));
                }
                out.push(Stmt::Break)
            }
            S::Continue(_) => out.push(Stmt::Continue),
            S::Return(r) => {
                if self.scope().is_module {
                    self.unsupported(s, "`return` outside a function");
                }
                let v = r.value.as_ref().map(|v| self.expr(v));
                out.push(Stmt::Return(v));
            }
            S::Assign(a) => {
                let value = self.expr(&a.value);
                let targets = a.targets.iter().map(|t| self.target(t)).collect();
                out.push(Stmt::Assign(targets, value));
            }
            S::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    let value = self.expr(v);
                    let t = self.target(&a.target);
                    out.push(Stmt::Assign(vec![t], value));
                }
            }
            S::AugAssign(a) => {
                let value = self.expr(&a.value);
                let t = self.target(&a.target);
                let op = self.binop(&a.op);
                out.push(Stmt::AugAssign(t, op, value));
            }
            S::If(i) => {
                let test = self.expr(&i.test);
                let body = self.block(&i.body);
                let orelse = self.block(&i.orelse);
                out.push(Stmt::If(test, body, orelse));
            }
            S::While(w) => {
                let flag = self.loop_else_flag(s, &w.orelse, out);
                let test = self.expr(&w.test);
                self.loop_flags.push(flag.clone());
                let body = self.block(&w.body);
                self.loop_flags.pop();
                out.push(Stmt::While(test, body));
                self.loop_else(s, flag, &w.orelse, out);
            }
            S::For(f) => {
                let flag = self.loop_else_flag(s, &f.orelse, out);
                let iter = self.expr(&f.iter);
                let target = self.target(&f.target);
                self.loop_flags.push(flag.clone());
                let body = self.block(&f.body);
                self.loop_flags.pop();
                out.push(Stmt::For(target, iter, body));
                self.loop_else(s, flag, &f.orelse, out);
            }
            S::Raise(r) => {
                let e = r.exc.as_ref().map(|e| self.expr(e));
                let cause = r.cause.as_ref().map(|c| self.expr(c));
                let span = self.span(s);
                out.push(Stmt::Raise(e, cause, span));
            }
            S::TryStar(_) => self.unsupported(s, "`except*`"),
            S::Try(t) => {
                let body = self.block(&t.body);
                // `try: from collections.abc import X` / `except ImportError: <fallback>`:
                // when every import of the body is one the runtime provides, the handlers
                // are dead code (they often name what CPython 3.11 no longer has).
                if t.finalbody.is_empty()
                    && imports_provided(&t.body)
                    && catches_only_import_errors(&t.handlers)
                {
                    out.extend(body);
                    out.extend(self.block(&t.orelse));
                    return;
                }
                let mut handlers = Vec::new();
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    let types = match h.type_.as_deref() {
                        None => Vec::new(),
                        Some(ast::Expr::Tuple(tu)) => {
                            tu.elts.iter().map(|e| self.expr(e)).collect()
                        }
                        Some(e) => vec![self.expr(e)],
                    };
                    let name = h.name.as_ref().map(|n| self.write_name(n));
                    let body = self.block(&h.body);
                    handlers.push(Handler { types, name, body });
                }
                let orelse = self.block(&t.orelse);
                let finalbody = self.block(&t.finalbody);
                out.push(Stmt::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                });
            }
            S::With(w) => {
                let mut items = Vec::new();
                for it in &w.items {
                    let e = self.expr(&it.context_expr);
                    let t = it.optional_vars.as_ref().map(|t| self.target(t));
                    items.push((e, t));
                }
                let body = self.block(&w.body);
                out.push(Stmt::With { items, body });
            }
            S::Global(_) if self.class_body().is_some() => {
                self.unsupported(s, "`global` in a class body")
            }
            S::Global(g) => {
                if self.scope().is_module {
                    return;
                }
                for n in &g.names {
                    self.global_slot(n);
                }
            }
            S::FunctionDef(f) if !f.decorator_list.is_empty() && self.class_body().is_some() => {
                self.decorated_method(f, s, out)
            }
            S::FunctionDef(f) => {
                // Decorators are evaluated first (top to bottom), then the function is
                // created, then the decorators are applied bottom-up: `f = d1(d2(<f>))`.
                let decs: Vec<Expr> = f.decorator_list.iter().map(|d| self.expr(d)).collect();
                let mut held = Vec::new();
                for d in decs {
                    let h = self.hidden_name("dec");
                    out.push(Stmt::Assign(vec![Target::Name(h.clone())], d));
                    held.push(h);
                }
                let target = self.write_name(&f.name);
                let idx = self.function(f.name.as_str(), &f.args, FnBody::Stmts(&f.body), s);
                if held.is_empty() {
                    out.push(Stmt::Def(Target::Name(target), idx));
                } else {
                    let mut v = self.mk(s, ExprKind::Closure(idx));
                    for h in held.into_iter().rev() {
                        let d = self.mk(s, ExprKind::Name(h));
                        v = self.mk(s, ExprKind::Call(Box::new(d), vec![Arg::Pos(v)]));
                    }
                    out.push(Stmt::Assign(vec![Target::Name(target)], v));
                }
            }
            S::Import(i) => {
                for alias in &i.names {
                    let dotted = alias.name.as_str();
                    let bind = alias.asname.as_ref().map(|a| a.as_str());
                    if self.is_virtual(dotted) {
                        // `import pypanther` binds the package; `import pypanther.x` too.
                        let (name, module) = match bind {
                            Some(b) => (b.to_string(), dotted.to_string()),
                            None => {
                                let top = dotted.split('.').next().unwrap_or(dotted);
                                (top.to_string(), top.to_string())
                            }
                        };
                        let t = self.write_name(&name);
                        let e = self.mk(s, ExprKind::ModuleRef(module, None));
                        out.push(Stmt::Assign(vec![Target::Name(t)], e));
                    } else if self.env.helpers.contains(dotted) {
                        let top = dotted.split('.').next().unwrap_or(dotted);
                        if bind.is_none() && dotted.contains('.') && !self.env.helpers.contains(top)
                        {
                            // Python binds the top-level package, which ferrule does not
                            // build for compiled library modules.
                            self.unsupported(
                                s,
                                "`import package.module` of a compiled module without `as` (write `from package.module import name` or `import package.module as name`)",
                            );
                            continue;
                        }
                        self.import_helper(dotted, out);
                        // `import a.b` binds the package `a` (whose attribute `b` the import
                        // sets); `import a.b as c` binds the submodule.
                        let (name, module) = match bind {
                            Some(b) => (b, dotted),
                            None => (top, top),
                        };
                        let t = self.write_name(name);
                        let e = self.mk(s, ExprKind::ModuleRef(module.to_string(), None));
                        out.push(Stmt::Assign(vec![Target::Name(t)], e));
                    } else if crate::lower::stdlib::module_exists(dotted) {
                        self.libraries.insert(dotted.to_string());
                        // `import a.b` binds `a`; `import a.b as c` binds the submodule.
                        let (name, module) = match bind {
                            Some(b) => (b.to_string(), dotted.to_string()),
                            None => {
                                let top = dotted.split('.').next().unwrap_or(dotted);
                                (top.to_string(), top.to_string())
                            }
                        };
                        let t = self.write_name(&name);
                        let e = self.mk(s, ExprKind::Stdlib(module));
                        out.push(Stmt::Assign(vec![Target::Name(t)], e));
                    } else {
                        self.unknown_import(s, dotted);
                    }
                }
            }
            S::ImportFrom(i) => {
                if i.level.map(|l| l.to_u32()).unwrap_or(0) > 0 {
                    self.unsupported(s, "relative imports");
                    return;
                }
                let module = i.module.as_ref().map(|m| m.as_str()).unwrap_or("");
                if self.is_virtual(module) {
                    for alias in &i.names {
                        let attr = alias.name.as_str();
                        if attr == "*" {
                            self.unsupported(s, "`from … import *`");
                            continue;
                        }
                        let bind = alias.asname.as_ref().map(|a| a.as_str()).unwrap_or(attr);
                        let t = self.write_name(bind);
                        let e = self.mk(
                            s,
                            ExprKind::ModuleRef(module.to_string(), Some(attr.to_string())),
                        );
                        out.push(Stmt::Assign(vec![Target::Name(t)], e));
                    }
                    return;
                }
                // `from package import helper_module, …`: each name binds a helper module.
                if self.env.packages.contains(module)
                    && i.names.iter().all(|a| {
                        self.env
                            .helpers
                            .contains(&format!("{module}.{}", a.name.as_str()))
                    })
                {
                    if self.env.helpers.contains(module) {
                        self.import_helper(module, out);
                    }
                    for alias in &i.names {
                        let dotted = format!("{module}.{}", alias.name.as_str());
                        self.import_helper(&dotted, out);
                        let bind = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                        let t = self.write_name(bind);
                        let e = self.mk(s, ExprKind::ModuleRef(dotted, None));
                        out.push(Stmt::Assign(vec![Target::Name(t)], e));
                    }
                    return;
                }
                let is_helper = self.env.helpers.contains(module);
                if is_helper {
                    self.import_helper(module, out);
                } else if !crate::lower::stdlib::module_exists(module) {
                    self.unknown_import(s, module);
                    return;
                } else {
                    self.libraries.insert(module.to_string());
                }
                for alias in &i.names {
                    let attr = alias.name.as_str();
                    if attr == "*" {
                        self.unsupported(s, "`from … import *`");
                        continue;
                    }
                    let bind = alias.asname.as_ref().map(|a| a.as_str()).unwrap_or(attr);
                    let kind = if is_helper {
                        ExprKind::ModuleRef(module.to_string(), Some(attr.to_string()))
                    } else {
                        let dotted = format!("{module}.{attr}");
                        if !crate::lower::stdlib::attr_exists(&dotted) {
                            let span = self.span(s);
                            self.diags.push(Diagnostic::new(
                                Code::UnknownImport,
                                span,
                                format!("cannot import `{attr}` from `{module}`: not supported by ferrule's runtime"),
                            ));
                            continue;
                        }
                        ExprKind::Stdlib(dotted)
                    };
                    let t = self.write_name(bind);
                    let e = self.mk(s, kind);
                    out.push(Stmt::Assign(vec![Target::Name(t)], e));
                }
            }
            S::Match(m) => {
                if !self.check_cases(m) {
                    return;
                }
                let subject = self.expr(&m.subject);
                let mut cases = Vec::new();
                for c in &m.cases {
                    let p = self.pattern(&c.pattern);
                    let guard = c.guard.as_ref().map(|g| self.expr(g));
                    let body = self.block(&c.body);
                    cases.push((p, guard, body));
                }
                out.push(Stmt::Match(subject, cases));
            }
            S::ClassDef(c) if self.project.class_items => self.class_item(c, s, out),
            S::ClassDef(c) => self.class(c, s, out),
            S::Delete(d) => {
                let targets = d.targets.iter().map(|t| self.target(t)).collect();
                out.push(Stmt::Delete(targets));
            }
            S::AsyncWith(_) => self.unsupported(s, "`async with`"),
            S::Assert(a) => {
                // `if not test: raise AssertionError(msg)` (PAT does not run Python with -O);
                // the message is evaluated only when the test fails.
                let test = self.expr(&a.test);
                let not = self.mk(s, ExprKind::Unary(UnaryOp::Not, Box::new(test)));
                let cls = self.mk(s, ExprKind::Name(Name::Builtin("AssertionError".into())));
                let exc = match &a.msg {
                    None => cls,
                    Some(m) => {
                        let m = self.expr(m);
                        self.mk(s, ExprKind::Call(Box::new(cls), vec![Arg::Pos(m)]))
                    }
                };
                let span = self.span(s);
                out.push(Stmt::If(
                    not,
                    vec![Stmt::Raise(Some(exc), None, span)],
                    Vec::new(),
                ));
            }
            // Resolved when the function's scope is set up (see `function`).
            S::Nonlocal(_) => {}
            S::AsyncFunctionDef(_) | S::AsyncFor(_) => self.unsupported(s, "`async`"),
            _ => self.unsupported(s, "this statement"),
        }
    }

    /// Whether `module` is one of pypanther's API modules, which the resolve stage models.
    fn is_virtual(&self, module: &str) -> bool {
        self.project
            .virtual_modules
            .is_some_and(|v| v.contains(module))
    }

    /// A class statement of a PyPanther module, kept as an item for the resolve stage:
    /// bases and decorators as expressions, attributes in order, methods as functions of
    /// the module (whose `super()` names this class).
    fn class_item(&mut self, c: &ast::StmtClassDef, s: &ast::Stmt, out: &mut Vec<Stmt>) {
        if !self.scope().is_module {
            self.unsupported(s, "classes defined inside functions");
            return;
        }
        if !c.keywords.is_empty() {
            self.unsupported(s, "class keywords (`metaclass=`, …)");
            return;
        }
        if !c.type_params.is_empty() {
            self.unsupported(s, "type parameters");
            return;
        }
        // Special names are consulted by the runtime only when it knows them
        // (`rt::class::SUPPORTED_HOOKS`); any other is refused by name.
        let supported = ferrule_runtime::class::SUPPORTED_HOOKS;
        let mut annotations = Vec::new();
        for b in &c.body {
            let mut names = Vec::new();
            collect_bound(std::slice::from_ref(b), &mut names, false);
            if let ast::Stmt::AnnAssign(a) = b {
                collect_target_names(&a.target, &mut names);
                if let ast::Expr::Name(n) = &*a.target {
                    annotations.push((n.id.to_string(), ann_kind(&a.annotation)));
                }
            }
            names.dedup();
            for n in names.iter().filter(|n| {
                n.starts_with("__")
                    && n.ends_with("__")
                    && n.len() > 4
                    && !supported.contains(&n.as_str())
            }) {
                self.unsupported(
                    b,
                    format!("the special method or attribute `{n}` in a class body"),
                );
            }
        }
        let decorators: Vec<Expr> = c.decorator_list.iter().map(|d| self.expr(d)).collect();
        let bases: Vec<Expr> = c.bases.iter().map(|b| self.expr(b)).collect();
        let target = self.write_name(&c.name);
        let class_expr = match &target {
            Name::Global(slot, n) => Expr {
                kind: ExprKind::Name(Name::Global(*slot, n.clone())),
                span: self.span(s),
            },
            _ => return,
        };
        let saved_names = self.class_names.replace(HashMap::new());
        let saved_read = std::mem::replace(&mut self.class_name_read, false);
        let hidden = |n: &str| format!("__ferrule_class_{}_{}", c.name, n);
        let mut body = Vec::new();
        for b in &c.body {
            match b {
                ast::Stmt::Pass(_) => {}
                ast::Stmt::Expr(e) if matches!(&*e.value, ast::Expr::Constant(_)) => {}
                ast::Stmt::FunctionDef(f) => {
                    let kind = match f.decorator_list.as_slice() {
                        [] => MemberKind::Method,
                        [ast::Expr::Name(n)] if n.id.as_str() == "property" => MemberKind::Property,
                        [ast::Expr::Name(n)] if n.id.as_str() == "staticmethod" => {
                            MemberKind::StaticMethod
                        }
                        [ast::Expr::Name(n)] if n.id.as_str() == "classmethod" => {
                            MemberKind::ClassMethod
                        }
                        _ => {
                            self.unsupported(b, "this method decorator");
                            continue;
                        }
                    };
                    let saved = self.class_ctx.replace(class_expr.clone());
                    let before = self.diags.iter().filter(|d| d.code.is_error()).count();
                    let idx = self.function(f.name.as_str(), &f.args, FnBody::Stmts(&f.body), b);
                    self.method_errors +=
                        self.diags.iter().filter(|d| d.code.is_error()).count() - before;
                    self.class_ctx = saved;
                    if let Some(m) = self.class_names.as_mut() {
                        m.insert(f.name.to_string(), ClassName::Method);
                    }
                    body.push(ClassItem::Method {
                        name: f.name.to_string(),
                        kind,
                        function: idx,
                        span: self.span(b),
                    });
                }
                ast::Stmt::Assign(a)
                    if a.targets.iter().all(|t| matches!(t, ast::Expr::Name(_))) =>
                {
                    let value = self.expr(&a.value);
                    let mut names = Vec::new();
                    for t in &a.targets {
                        if let ast::Expr::Name(n) = t {
                            names.push(n.id.to_string());
                            if let Some(m) = self.class_names.as_mut() {
                                m.insert(n.id.to_string(), ClassName::Attribute(hidden(&n.id)));
                            }
                        }
                    }
                    body.push(ClassItem::Attr {
                        names,
                        value,
                        span: self.span(b),
                    });
                }
                ast::Stmt::AnnAssign(a) if matches!(&*a.target, ast::Expr::Name(_)) => {
                    let (ast::Expr::Name(n), Some(value)) = (&*a.target, &a.value) else {
                        continue;
                    };
                    let value = self.expr(value);
                    if let Some(m) = self.class_names.as_mut() {
                        m.insert(n.id.to_string(), ClassName::Attribute(hidden(&n.id)));
                    }
                    body.push(ClassItem::Attr {
                        names: vec![n.id.to_string()],
                        value,
                        span: self.span(b),
                    });
                }
                other => self.unsupported(other, "this statement in a class body"),
            }
        }
        // The hidden globals a later statement of the body reads must exist as slots.
        if self.class_name_read {
            for item in &body {
                if let ClassItem::Attr { names, .. } = item {
                    for n in names {
                        self.global_slot(&hidden(n));
                    }
                }
            }
        }
        self.class_names = saved_names;
        self.class_name_read = saved_read;
        let span = self.span(s);
        out.push(Stmt::ClassDef(
            Target::Name(target),
            Box::new(ClassDef {
                name: c.name.to_string(),
                bases,
                decorators,
                body,
                annotations,
                span,
            }),
        ));
    }

    /// Before a loop with an `else`: a hidden flag, cleared, that its `break`s set.
    fn loop_else_flag(
        &mut self,
        s: &ast::Stmt,
        orelse: &[ast::Stmt],
        out: &mut Vec<Stmt>,
    ) -> Option<Name> {
        if orelse.is_empty() {
            return None;
        }
        let flag = self.hidden_name("broke");
        let f = self.mk(s, ExprKind::Const(Const::Bool(false)));
        out.push(Stmt::Assign(vec![Target::Name(flag.clone())], f));
        Some(flag)
    }

    /// After a loop with an `else`: the `else` runs unless a `break` left the loop.
    fn loop_else(
        &mut self,
        s: &ast::Stmt,
        flag: Option<Name>,
        orelse: &[ast::Stmt],
        out: &mut Vec<Stmt>,
    ) {
        let Some(flag) = flag else {
            return;
        };
        let body = self.block(orelse);
        let f = self.mk(s, ExprKind::Name(flag));
        let test = self.mk(s, ExprKind::Unary(UnaryOp::Not, Box::new(f)));
        out.push(Stmt::If(test, body, Vec::new()));
    }

    /// Imports a helper module as Python does: its parent packages first (each runs once,
    /// and importing a submodule then sets it as an attribute of its package).
    fn import_helper(&mut self, dotted: &str, out: &mut Vec<Stmt>) {
        for (i, _) in dotted.match_indices('.') {
            let parent = &dotted[..i];
            if self.env.helpers.contains(parent) {
                self.imports.push(parent.to_string());
                out.push(Stmt::ImportModule(parent.to_string()));
            }
        }
        self.imports.push(dotted.to_string());
        out.push(Stmt::ImportModule(dotted.to_string()));
    }

    fn unknown_import(&mut self, node: &impl Ranged, module: &str) {
        let span = self.span(node);
        self.diags.push(Diagnostic::new(
            Code::UnknownImport,
            span,
            format!("unknown import `{module}`: not a global helper of this repository nor a module ferrule supports"),
        ));
    }

    /// Whether `name` is bound by the program (so it is not the builtin).
    fn name_is_rebound(&self, name: &str) -> bool {
        self.globals.iter().any(|g| g == name)
            || self
                .scopes
                .iter()
                .any(|sc| !sc.is_module && sc.names.contains_key(name))
    }

    /// `class Name(*bases, **keywords): body`, with its decorators. The body is lowered as
    /// code running in the class namespace; special names it binds must be hooks the
    /// runtime consults (`rt::class::SUPPORTED_HOOKS`), anything else is refused by name.
    fn class(&mut self, c: &ast::StmtClassDef, _s: &ast::Stmt, out: &mut Vec<Stmt>) {
        let supported = ferrule_runtime::class::SUPPORTED_HOOKS;
        let mut bound = Vec::new();
        collect_bound(&c.body, &mut bound, false);
        let mut annotated = Vec::new();
        for b in &c.body {
            if let ast::Stmt::AnnAssign(a) = b {
                if let ast::Expr::Name(n) = &*a.target {
                    annotated.push((n.id.to_string(), ann_kind(&a.annotation)));
                    if a.value.is_none() {
                        // A bare annotation binds nothing, but it names a field.
                        continue;
                    }
                }
            }
        }
        // Each special name the body binds, at the statement binding it.
        let is_unsupported = |n: &str| {
            n.starts_with("__") && n.ends_with("__") && n.len() > 4 && !supported.contains(&n)
        };
        for b in &c.body {
            let mut names = Vec::new();
            collect_bound(std::slice::from_ref(b), &mut names, false);
            if let ast::Stmt::AnnAssign(a) = b {
                collect_target_names(&a.target, &mut names);
            }
            names.dedup();
            for n in names.iter().filter(|n| is_unsupported(n)) {
                self.unsupported(
                    b,
                    format!("the special method or attribute `{n}` in a class body"),
                );
            }
        }
        for b in &c.body {
            match b {
                ast::Stmt::Global(_) | ast::Stmt::Nonlocal(_) => {
                    self.unsupported(b, "`global`/`nonlocal` in a class body")
                }
                ast::Stmt::Return(_) => self.unsupported(b, "`return` in a class body"),
                _ => {}
            }
        }
        // Decorators are evaluated before the bases, the bases before the body.
        let decorators: Vec<Expr> = c.decorator_list.iter().map(|d| self.expr(d)).collect();
        let bases: Vec<Expr> = c
            .bases
            .iter()
            .map(|b| {
                if matches!(b, ast::Expr::Starred(_)) {
                    self.unsupported(b, "starred class bases");
                }
                self.expr(b)
            })
            .collect();
        let mut keywords = Vec::new();
        for k in &c.keywords {
            match k.arg.as_deref() {
                Some("metaclass") => self.unsupported(k, "a metaclass"),
                Some(name) => {
                    let v = self.expr(&k.value);
                    keywords.push((name.to_string(), v));
                }
                None => self.unsupported(k, "`**` in a class's keywords"),
            }
        }
        let target = self.write_name(&c.name);
        let qualname = self.qualname_of(&c.name);
        let mut class_bound: HashSet<String> = bound.into_iter().collect();
        class_bound.extend(["__module__", "__qualname__"].map(String::from));
        let comps = self.scope().comps.len();
        self.class_stack.push(ClassCtx {
            depth: self.scopes.len(),
            comps,
            bound: class_bound,
            cell: None,
            qualname: qualname.clone(),
        });
        let mut body = Vec::new();
        // The docstring becomes `__doc__`.
        if let Some(ast::Stmt::Expr(e)) = c.body.first() {
            if let ast::Expr::Constant(k) = &*e.value {
                if let ast::Constant::Str(doc) = &k.value {
                    let t = Target::Name(Name::ClassNs(
                        "__doc__".into(),
                        Box::new(Name::Builtin("__doc__".into())),
                    ));
                    let v = self.mk(&*e.value, ExprKind::Const(Const::Str(doc.to_string())));
                    body.push(Stmt::Assign(vec![t], v));
                }
            }
        }
        for b in &c.body {
            self.stmt(b, &mut body);
        }
        let ctx = self.class_stack.pop().expect("class context");
        let cell = ctx.cell.map(|i| Name::Local(i, "__class__".into()));
        out.push(Stmt::Class {
            target: Target::Name(target),
            name: c.name.to_string(),
            qualname,
            decorators,
            bases,
            keywords,
            body,
            annotations: annotated,
            cell,
        });
    }

    /// The `__qualname__` of a function or class named `name` defined here: inside a class
    /// body `Class.name`, inside a function `function.<locals>.name`.
    fn qualname_of(&mut self, name: &str) -> String {
        if let Some(c) = self.class_body() {
            return format!("{}.{}", c.qualname, name);
        }
        // A method of a PyPanther class item (lowered from module level).
        if let (Some(cls), 1) = (&self.class_ctx, self.scopes.len()) {
            if let ExprKind::Name(Name::Global(_, class)) = &cls.kind {
                return format!("{class}.{name}");
            }
        }
        let in_function = !self.scope().is_module;
        match self.current_fn.last() {
            Some(f) if in_function => format!("{f}.<locals>.{name}"),
            _ => name.to_string(),
        }
    }

    /// A decorated `def` in a class body: the decorators are evaluated first, then the
    /// function is created and passed through them bottom-up (`@property`,
    /// `@x.setter`, `@staticmethod`, `@classmethod`, any callable).
    fn decorated_method(&mut self, f: &ast::StmtFunctionDef, s: &ast::Stmt, out: &mut Vec<Stmt>) {
        let decorators: Vec<Expr> = f.decorator_list.iter().map(|d| self.expr(d)).collect();
        let idx = self.function(f.name.as_str(), &f.args, FnBody::Stmts(&f.body), s);
        let mut value = self.mk(s, ExprKind::Closure(idx));
        for d in decorators.into_iter().rev() {
            let span = d.span.clone();
            value = Expr {
                kind: ExprKind::Call(Box::new(d), vec![Arg::Pos(value)]),
                span,
            };
        }
        let target = self.write_name(&f.name);
        out.push(Stmt::Assign(vec![Target::Name(target)], value));
    }

    fn pattern(&mut self, p: &ast::Pattern) -> Pattern {
        use ast::Pattern as P;
        match p {
            P::MatchValue(v) => Pattern::Value(self.expr(&v.value)),
            P::MatchSingleton(v) => {
                let c = match &v.value {
                    ast::Constant::None => Const::None,
                    ast::Constant::Bool(b) => Const::Bool(*b),
                    _ => Const::None,
                };
                Pattern::Singleton(self.mk(p, ExprKind::Const(c)))
            }
            P::MatchAs(a) => match (&a.pattern, &a.name) {
                (None, None) => Pattern::Wildcard,
                (None, Some(n)) => Pattern::Capture(self.write_name(n)),
                (Some(q), Some(n)) => {
                    let q = self.pattern(q);
                    Pattern::As(Box::new(q), self.write_name(n))
                }
                (Some(q), None) => self.pattern(q),
            },
            P::MatchOr(o) => Pattern::Or(o.patterns.iter().map(|q| self.pattern(q)).collect()),
            P::MatchSequence(sq) => {
                let star = sq
                    .patterns
                    .iter()
                    .position(|q| matches!(q, P::MatchStar(_)));
                Pattern::Sequence(sq.patterns.iter().map(|q| self.pattern(q)).collect(), star)
            }
            P::MatchStar(st) => Pattern::Star(st.name.as_ref().map(|n| self.write_name(n))),
            P::MatchMapping(m) => {
                let keys = m.keys.iter().map(|k| self.expr(k)).collect();
                let patterns = m.patterns.iter().map(|q| self.pattern(q)).collect();
                let rest = m.rest.as_ref().map(|n| self.write_name(n));
                Pattern::Mapping {
                    keys,
                    patterns,
                    rest,
                }
            }
            P::MatchClass(c) => {
                let cls = self.expr(&c.cls);
                let patterns = c.patterns.iter().map(|q| self.pattern(q)).collect();
                let kwd = c
                    .kwd_attrs
                    .iter()
                    .zip(&c.kwd_patterns)
                    .map(|(a, q)| (a.to_string(), self.pattern(q)))
                    .collect();
                Pattern::Class { cls, patterns, kwd }
            }
        }
    }

    /// CPython's compile-time checks of a `match` statement's patterns (SyntaxErrors):
    /// only the last case may be irrefutable (and only the last alternative of an
    /// or-pattern), a name is bound once per pattern, alternatives bind the same names, one
    /// star per sequence, no repeated literal key or class-pattern attribute.
    fn check_cases(&mut self, m: &ast::StmtMatch) -> bool {
        let n = m.cases.len();
        for (i, c) in m.cases.iter().enumerate() {
            let allow = c.guard.is_some() || i + 1 == n;
            let mut stores = Vec::new();
            if let Err((node, msg)) = check_pattern(&c.pattern, allow, &mut stores) {
                let span = self.py.span(node.start().to_usize());
                self.diags.push(Diagnostic::new(
                    Code::PythonSyntax,
                    span,
                    format!("SyntaxError: {msg}"),
                ));
                return false;
            }
        }
        true
    }

    fn target(&mut self, t: &ast::Expr) -> Target {
        use ast::Expr as E;
        match t {
            E::Name(n) => Target::Name(self.write_name(&n.id)),
            E::Subscript(s) => {
                let obj = self.expr(&s.value);
                if let E::Slice(sl) = &*s.slice {
                    let lo = sl.lower.as_ref().map(|x| Box::new(self.expr(x)));
                    let hi = sl.upper.as_ref().map(|x| Box::new(self.expr(x)));
                    let st = sl.step.as_ref().map(|x| Box::new(self.expr(x)));
                    return Target::Slice(Box::new(obj), lo, hi, st);
                }
                let key = self.expr(&s.slice);
                Target::Item(Box::new(obj), Box::new(key))
            }
            E::Attribute(a) => {
                let obj = self.expr(&a.value);
                Target::Attr(Box::new(obj), a.attr.to_string())
            }
            E::Tuple(ast::ExprTuple { elts, .. }) | E::List(ast::ExprList { elts, .. }) => {
                let span = self.span(t);
                if elts.iter().filter(|e| matches!(e, E::Starred(_))).count() > 1 {
                    self.unsupported(t, "multiple starred expressions in assignment");
                }
                Target::Unpack(elts.iter().map(|e| self.starless_target(e)).collect(), span)
            }
            _ => {
                self.unsupported(t, "this assignment target");
                Target::Name(Name::Builtin("_".into()))
            }
        }
    }

    /// An element of a tuple or list target: `*rest` binds a list.
    fn starless_target(&mut self, t: &ast::Expr) -> Target {
        if let ast::Expr::Starred(st) = t {
            return Target::Starred(Box::new(self.target(&st.value)));
        }
        self.target(t)
    }

    // ----- functions ----------------------------------------------------------------

    fn function(
        &mut self,
        name: &str,
        args: &ast::Arguments,
        body: FnBody,
        node: &impl Ranged,
    ) -> usize {
        let mut scope = Scope {
            n_positional: args.posonlyargs.len() + args.args.len(),
            ..Scope::function()
        };
        let mut params = Params::default();
        let positional: Vec<&ast::ArgWithDefault> =
            args.posonlyargs.iter().chain(args.args.iter()).collect();
        params.n_posonly = args.posonlyargs.len();
        let mut param_names = Vec::new();
        for a in &positional {
            param_names.push(a.def.arg.to_string());
        }
        if let Some(v) = &args.vararg {
            param_names.push(v.arg.to_string());
        }
        for a in &args.kwonlyargs {
            param_names.push(a.def.arg.to_string());
        }
        if let Some(k) = &args.kwarg {
            param_names.push(k.arg.to_string());
        }
        for p in &param_names {
            let i = scope.add_local(p);
            scope.names.insert(p.clone(), i);
        }
        // Locals: every name bound in the body that is not declared global or nonlocal.
        let mut decls = Vec::new();
        let mut nonlocals = Vec::new();
        let mut bound = Vec::new();
        match body {
            FnBody::Stmts(stmts) => {
                collect_global_decls_shallow(stmts, &mut decls);
                collect_nonlocal_decls(stmts, &mut nonlocals);
                collect_bound(stmts, &mut bound, false);
            }
            FnBody::Lambda(e) => collect_walrus(e, &mut bound),
        }
        scope.declared_global = decls.into_iter().collect();
        scope.nonlocals = nonlocals.iter().cloned().collect();
        for n in bound {
            if !scope.declared_global.contains(&n)
                && !scope.nonlocals.contains(&n)
                && !scope.names.contains_key(&n)
            {
                let i = scope.add_local(&n);
                scope.names.insert(n, i);
            }
        }
        // Defaults are evaluated in the enclosing scope when the `def` runs (positional
        // ones first, then keyword-only ones); constants may be re-made at each call.
        let mut defaults = Vec::new();
        let mut dynamic_defaults = false;
        for a in positional.iter().copied().chain(args.kwonlyargs.iter()) {
            let d = a.default.as_ref().map(|d| {
                dynamic_defaults |= !is_constant_expr(d);
                self.expr(d)
            });
            defaults.push(d);
        }
        let saved_loops = std::mem::take(&mut self.loop_flags);
        self.scopes.push(scope);
        let qualname = {
            // The scope of the new function is already pushed: look at the enclosing one.
            let own = self.scopes.pop().expect("function scope");
            let q = self.qualname_of(name);
            self.scopes.push(own);
            q
        };
        self.current_fn.push(qualname.clone());
        // `nonlocal x`: `x` is the enclosing function's cell.
        let depth = self.scopes.len() - 1;
        for n in &nonlocals {
            if param_names.contains(n) {
                self.unsupported(node, format!("`{n}` is a parameter and nonlocal"));
            } else if self.free_var(depth, n).is_none() {
                self.unsupported(node, format!("no binding for nonlocal `{n}` found"));
            }
        }
        let body = match body {
            FnBody::Stmts(stmts) => self.block(stmts),
            FnBody::Lambda(e) => {
                let v = self.expr(e);
                vec![Stmt::Return(Some(v))]
            }
        };
        self.current_fn.pop();
        let scope = self.scopes.pop().expect("function scope");
        self.loop_flags = saved_loops;
        let mut defaults = defaults.into_iter();
        for a in &positional {
            params
                .positional
                .push((a.def.arg.to_string(), defaults.next().flatten()));
        }
        params.varargs = args.vararg.as_ref().map(|v| v.arg.to_string());
        for a in &args.kwonlyargs {
            params
                .kwonly
                .push((a.def.arg.to_string(), defaults.next().flatten()));
        }
        params.varkw = args.kwarg.as_ref().map(|k| k.arg.to_string());
        let span = self.span(node);
        self.functions.push(Function {
            name: name.to_string(),
            qualname,
            params,
            locals: scope.locals,
            body,
            captures: scope.captures,
            cells: scope.cells.into_iter().collect(),
            dynamic_defaults,
            is_generator: scope.has_yield,
            span,
        });
        self.functions.len() - 1
    }

    /// A CPython `SyntaxError` (F004): the module does not compile.
    fn syntax_error(&mut self, node: &impl Ranged, what: impl Into<String>) {
        let span = self.span(node);
        self.diags.push(Diagnostic::new(
            Code::PythonSyntax,
            span,
            format!("SyntaxError: {}", what.into()),
        ));
    }

    /// Checks that a `yield` may appear here and marks the function as a generator.
    fn yield_here(&mut self, e: &ast::Expr) -> bool {
        // CPython's symbol table reports a comprehension (innermost first) before
        // checking that the `yield` is in a function at all.
        let scope = self.scopes.last().expect("scope");
        if !scope.comps.is_empty() {
            let what = match self.comp_kinds.last() {
                Some(CompKind::Set) => "set comprehension",
                Some(CompKind::Dict) => "dict comprehension",
                Some(CompKind::Gen) => "generator expression",
                _ => "list comprehension",
            };
            self.syntax_error(e, format!("'yield' inside {what}"));
            return false;
        }
        if scope.is_genexp {
            self.syntax_error(e, "'yield' inside generator expression");
            return false;
        }
        // A class body (main's classes, or a PyPanther class item at module level) is not
        // a function.
        let in_class_body =
            self.class_body().is_some() || (self.scopes.len() == 1 && self.class_names.is_some());
        if self.scopes.last().expect("scope").is_module || in_class_body {
            self.syntax_error(e, "'yield' outside function");
            return false;
        }
        self.scope().has_yield = true;
        true
    }

    // ----- expressions --------------------------------------------------------------

    fn mk(&self, node: &impl Ranged, kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: self.span(node),
        }
    }

    fn binop(&mut self, op: &ast::Operator) -> BinOp {
        use ast::Operator as O;
        match op {
            O::Add => BinOp::Add,
            O::Sub => BinOp::Sub,
            O::Mult => BinOp::Mul,
            O::Div => BinOp::Div,
            O::FloorDiv => BinOp::FloorDiv,
            O::Mod => BinOp::Mod,
            O::Pow => BinOp::Pow,
            O::BitAnd => BinOp::BitAnd,
            O::BitOr => BinOp::BitOr,
            O::BitXor => BinOp::BitXor,
            O::LShift => BinOp::LShift,
            O::RShift => BinOp::RShift,
            O::MatMult => BinOp::MatMul,
        }
    }

    fn expr(&mut self, e: &ast::Expr) -> Expr {
        use ast::Expr as E;
        let kind = match e {
            E::Constant(c) => match self.constant(e, &c.value) {
                Some(k) => ExprKind::Const(k),
                None => ExprKind::Const(Const::None),
            },
            E::Name(n) => ExprKind::Name(self.read_name(e, &n.id)),
            E::List(l) => ExprKind::List(self.elts(&l.elts)),
            E::Tuple(t) => ExprKind::Tuple(self.elts(&t.elts)),
            E::Set(s) => ExprKind::Set(self.elts(&s.elts)),
            E::Dict(d) => {
                let mut items = Vec::new();
                for (k, v) in d.keys.iter().zip(&d.values) {
                    let k = k.as_ref().map(|k| self.expr(k));
                    let v = self.expr(v);
                    items.push((k, v));
                }
                ExprKind::Dict(items)
            }
            E::Attribute(a) => {
                let obj = self.expr(&a.value);
                ExprKind::Attr(Box::new(obj), a.attr.to_string())
            }
            E::Subscript(s) => {
                let obj = self.expr(&s.value);
                match &*s.slice {
                    E::Slice(sl) => {
                        let lo = sl.lower.as_ref().map(|x| Box::new(self.expr(x)));
                        let hi = sl.upper.as_ref().map(|x| Box::new(self.expr(x)));
                        let st = sl.step.as_ref().map(|x| Box::new(self.expr(x)));
                        ExprKind::Slice(Box::new(obj), lo, hi, st)
                    }
                    idx => {
                        let k = self.expr(idx);
                        ExprKind::Subscript(Box::new(obj), Box::new(k))
                    }
                }
            }
            E::Call(c) if is_super_call(c) && !self.name_is_rebound("super") => {
                // `super()` in a method: its class's `__class__` cell and the method's
                // first argument. In a method of a PyPanther class item: the class itself
                // (the resolve stage replaces it by the rule class's key).
                if let Some(cls) = self.class_ctx.clone() {
                    match self.scopes.len() {
                        2 if self.scope().n_positional > 0 => {
                            let this = Name::Local(0, self.scopes[1].locals[0].clone());
                            ExprKind::Super(Box::new(cls), this)
                        }
                        2 => {
                            self.unsupported(
                                e,
                                "`super()` in a method without a positional parameter",
                            );
                            ExprKind::Const(Const::None)
                        }
                        _ => {
                            self.unsupported(e, "`super()` outside a method's own body");
                            ExprKind::Const(Const::None)
                        }
                    }
                } else {
                    match self.method_class() {
                        Some(ci) if self.scope().n_positional > 0 => {
                            let first = self.scope().locals[0].clone();
                            let cell = self.class_cell_local(ci);
                            let cell =
                                self.mk(e, ExprKind::Name(Name::Local(cell, "__class__".into())));
                            ExprKind::Super(Box::new(cell), Name::Local(0, first))
                        }
                        Some(_) => {
                            self.unsupported(
                                e,
                                "`super()` in a method without a positional parameter",
                            );
                            ExprKind::Const(Const::None)
                        }
                        None => {
                            self.unsupported(e, "`super()` outside a method's own body");
                            ExprKind::Const(Const::None)
                        }
                    }
                }
            }
            E::Call(c) => {
                // A builtin that does I/O or runs code may be named (it prints as
                // `<built-in function input>`), but not called.
                if let E::Name(n) = &*c.func {
                    if let (Name::Builtin(b), Some(why)) =
                        (self.peek_name(&n.id), builtin_refusal(&n.id))
                    {
                        if b == n.id.as_str() {
                            self.unsupported(e, format!("the builtin `{b}`: {why}"));
                        }
                    }
                }
                // `any(… for …)` / `all(… for …)` of the builtins run the generator in place
                // (the emitter stops at the first decisive element, as the lazy generator).
                let in_place = match (&*c.func, c.args.as_slice()) {
                    (E::Name(n), [E::GeneratorExp(g)])
                        if c.keywords.is_empty()
                            && matches!(n.id.as_str(), "any" | "all")
                            && self.peek_name(&n.id) == Name::Builtin(n.id.to_string()) =>
                    {
                        Some(g)
                    }
                    _ => None,
                };
                let args = match in_place {
                    Some(g) => {
                        let k = self.comp(&c.args[0], CompKind::Gen, &g.elt, None, &g.generators);
                        vec![Arg::Pos(self.mk(&c.args[0], k))]
                    }
                    None => self.args(&c.args, &c.keywords),
                };
                match &*c.func {
                    E::Attribute(a) => {
                        let obj = self.expr(&a.value);
                        ExprKind::MethodCall(Box::new(obj), a.attr.to_string(), args)
                    }
                    f => {
                        let f = self.expr(f);
                        ExprKind::Call(Box::new(f), args)
                    }
                }
            }
            E::BinOp(b) => {
                let op = self.binop(&b.op);
                let l = self.expr(&b.left);
                let r = self.expr(&b.right);
                ExprKind::BinOp(op, Box::new(l), Box::new(r))
            }
            E::UnaryOp(u) => {
                let op = match u.op {
                    ast::UnaryOp::Not => UnaryOp::Not,
                    ast::UnaryOp::USub => UnaryOp::Neg,
                    ast::UnaryOp::UAdd => UnaryOp::Pos,
                    ast::UnaryOp::Invert => UnaryOp::Invert,
                };
                ExprKind::Unary(op, Box::new(self.expr(&u.operand)))
            }
            E::BoolOp(b) => {
                let op = match b.op {
                    ast::BoolOp::And => BoolOp::And,
                    ast::BoolOp::Or => BoolOp::Or,
                };
                ExprKind::BoolOp(op, self.elts(&b.values))
            }
            E::Compare(c) => {
                let left = self.expr(&c.left);
                let mut rest = Vec::new();
                for (op, r) in c.ops.iter().zip(&c.comparators) {
                    let op = match op {
                        ast::CmpOp::Eq => CmpOp::Eq,
                        ast::CmpOp::NotEq => CmpOp::Ne,
                        ast::CmpOp::Lt => CmpOp::Lt,
                        ast::CmpOp::LtE => CmpOp::Le,
                        ast::CmpOp::Gt => CmpOp::Gt,
                        ast::CmpOp::GtE => CmpOp::Ge,
                        ast::CmpOp::Is => CmpOp::Is,
                        ast::CmpOp::IsNot => CmpOp::IsNot,
                        ast::CmpOp::In => CmpOp::In,
                        ast::CmpOp::NotIn => CmpOp::NotIn,
                    };
                    rest.push((op, self.expr(r)));
                }
                ExprKind::Compare(Box::new(left), rest)
            }
            E::IfExp(i) => {
                let t = self.expr(&i.test);
                let a = self.expr(&i.body);
                let b = self.expr(&i.orelse);
                ExprKind::IfExp(Box::new(t), Box::new(a), Box::new(b))
            }
            E::JoinedStr(j) => ExprKind::FString(self.fparts(&j.values)),
            E::FormattedValue(_) => ExprKind::FString(self.fparts(std::slice::from_ref(e))),
            E::NamedExpr(n) => {
                let value = self.expr(&n.value);
                let E::Name(t) = &*n.target else {
                    self.unsupported(e, "walrus to a non-name");
                    return self.mk(e, ExprKind::Const(Const::None));
                };
                // A walrus inside a comprehension binds in the enclosing function.
                let name = self.walrus_name(&t.id);
                ExprKind::Walrus(name, Box::new(value))
            }
            E::ListComp(c) => self.comp(e, CompKind::List, &c.elt, None, &c.generators),
            E::SetComp(c) => self.comp(e, CompKind::Set, &c.elt, None, &c.generators),
            E::GeneratorExp(c) => self.genexp(e, &c.elt, &c.generators),
            E::DictComp(c) => self.comp(e, CompKind::Dict, &c.key, Some(&c.value), &c.generators),
            E::Lambda(l) => {
                let idx = self.function("<lambda>", &l.args, FnBody::Lambda(&l.body), e);
                ExprKind::Closure(idx)
            }
            E::Starred(_) => {
                self.unsupported(e, "starred expressions here");
                ExprKind::Const(Const::None)
            }
            E::Await(_) => {
                self.unsupported(e, "`await`");
                ExprKind::Const(Const::None)
            }
            E::Yield(y) => {
                let v = y.value.as_ref().map(|v| Box::new(self.expr(v)));
                if !self.yield_here(e) {
                    return self.mk(e, ExprKind::Const(Const::None));
                }
                ExprKind::Yield(v)
            }
            E::YieldFrom(y) => {
                let v = self.expr(&y.value);
                if !self.yield_here(e) {
                    return self.mk(e, ExprKind::Const(Const::None));
                }
                ExprKind::YieldFrom(Box::new(v))
            }
            E::Slice(_) => {
                self.unsupported(e, "a slice outside a subscript");
                ExprKind::Const(Const::None)
            }
        };
        self.mk(e, kind)
    }

    fn walrus_name(&mut self, id: &str) -> Name {
        // In a generator expression the target belongs to the nearest enclosing function
        // (or the module): a cell captured from there.
        let depth = self.scopes.len();
        if self.scopes[depth - 1].is_genexp {
            let mut at = depth - 1;
            while at > 0 && self.scopes[at].is_genexp {
                at -= 1;
            }
            let enc = &self.scopes[at];
            if enc.is_module || enc.declared_global.contains(id) {
                let slot = self.global_slot(id);
                return Name::Global(slot, id.to_string());
            }
            if !enc.names.contains_key(id) {
                let i = self.scopes[at].add_local(id);
                self.scopes[at].names.insert(id.to_string(), i);
            }
            if let Some(own) = self.free_var(depth - 1, id) {
                return Name::Local(own, id.to_string());
            }
        }
        let scope = self.scopes.last().expect("scope");
        if scope.is_module || scope.declared_global.contains(id) {
            let slot = self.global_slot(id);
            return Name::Global(slot, id.to_string());
        }
        match scope.names.get(id) {
            Some(&i) => Name::Local(i, id.to_string()),
            None => {
                let scope = self.scope();
                let i = scope.add_local(id);
                scope.names.insert(id.to_string(), i);
                Name::Local(i, id.to_string())
            }
        }
    }

    /// The elements of a display: `*x` is spread.
    fn elts(&mut self, elts: &[ast::Expr]) -> Vec<Expr> {
        elts.iter()
            .map(|x| match x {
                ast::Expr::Starred(st) => {
                    let v = self.expr(&st.value);
                    self.mk(x, ExprKind::Starred(Box::new(v)))
                }
                _ => self.expr(x),
            })
            .collect()
    }

    fn args(&mut self, args: &[ast::Expr], kws: &[ast::Keyword]) -> Vec<Arg> {
        let mut out = Vec::new();
        for a in args {
            match a {
                ast::Expr::Starred(s) => out.push(Arg::Star(self.expr(&s.value))),
                _ => out.push(Arg::Pos(self.expr(a))),
            }
        }
        for k in kws {
            let v = self.expr(&k.value);
            match &k.arg {
                Some(name) => out.push(Arg::Kw(name.to_string(), v)),
                None => out.push(Arg::StarStar(v)),
            }
        }
        out
    }

    fn comp(
        &mut self,
        e: &ast::Expr,
        kind: CompKind,
        elt: &ast::Expr,
        value: Option<&ast::Expr>,
        gens: &[ast::Comprehension],
    ) -> ExprKind {
        if gens.iter().any(|g| g.is_async) {
            self.unsupported(e, "async comprehensions");
        }
        // The first iterable is evaluated in the enclosing scope; everything else in the
        // comprehension's own scope, whose variables are all the targets of its `for`s.
        let g = &gens[0];
        let iter = self.expr(&g.iter);
        let mut names = Vec::new();
        for g in gens {
            collect_target_names(&g.target, &mut names);
        }
        let mut map = HashMap::new();
        for n in names {
            if let std::collections::hash_map::Entry::Vacant(slot) = map.entry(n) {
                let i = self.scopes.last_mut().expect("scope").add_local(slot.key());
                slot.insert(i);
            }
        }
        self.scope().comps.push(map);
        self.comp_kinds.push(kind);
        let target = self.target(&g.target);
        let conds = g.ifs.iter().map(|c| self.expr(c)).collect();
        let mut more = Vec::new();
        for g in &gens[1..] {
            let iter = self.expr(&g.iter);
            let target = self.target(&g.target);
            let conds = g.ifs.iter().map(|c| self.expr(c)).collect();
            more.push(CompFor {
                target,
                iter,
                conds,
            });
        }
        let elt = self.expr(elt);
        let value = value.map(|v| Box::new(self.expr(v)));
        self.scope().comps.pop();
        self.comp_kinds.pop();
        ExprKind::Comp {
            kind,
            elt: Box::new(elt),
            value,
            target,
            iter: Box::new(iter),
            conds,
            more,
        }
    }

    /// A generator expression: a generator function of its own (parameter `.0`, the
    /// iterator over the first iterable, which is evaluated here), as CPython compiles it,
    /// so that it runs lazily and reads the enclosing variables as they are when it runs.
    fn genexp(&mut self, e: &ast::Expr, elt: &ast::Expr, gens: &[ast::Comprehension]) -> ExprKind {
        if gens.iter().any(|g| g.is_async) {
            self.unsupported(e, "async comprehensions");
        }
        let iter = self.expr(&gens[0].iter);
        let mut scope = Scope::function();
        scope.is_genexp = true;
        scope.has_yield = true;
        let p = scope.add_local(".0");
        scope.names.insert(".0".into(), p);
        let mut names = Vec::new();
        for g in gens {
            collect_target_names(&g.target, &mut names);
        }
        for n in names {
            if !scope.names.contains_key(&n) {
                let i = scope.add_local(&n);
                scope.names.insert(n, i);
            }
        }
        let saved_loops = std::mem::take(&mut self.loop_flags);
        let qualname = self.qualname_of("<genexpr>");
        self.scopes.push(scope);
        self.current_fn.push(qualname.clone());
        // Lowered in source order: each `for`'s iterable (the first one is `.0`), target
        // and conditions, then the element.
        let mut levels = Vec::new();
        for (i, g) in gens.iter().enumerate() {
            let it = if i == 0 {
                self.mk(&g.iter, ExprKind::Name(Name::Local(p, ".0".into())))
            } else {
                self.expr(&g.iter)
            };
            let target = self.target(&g.target);
            let conds: Vec<Expr> = g.ifs.iter().map(|c| self.expr(c)).collect();
            levels.push((target, it, conds));
        }
        let value = self.expr(elt);
        self.current_fn.pop();
        let scope = self.scopes.pop().expect("genexp scope");
        self.loop_flags = saved_loops;
        let mut body = vec![Stmt::Expr(
            self.mk(elt, ExprKind::Yield(Some(Box::new(value)))),
        )];
        for (target, it, conds) in levels.into_iter().rev() {
            for c in conds.into_iter().rev() {
                body = vec![Stmt::If(c, body, Vec::new())];
            }
            body = vec![Stmt::For(target, it, body)];
        }
        let span = self.span(e);
        self.functions.push(Function {
            name: "<genexpr>".into(),
            params: Params {
                positional: vec![(".0".into(), None)],
                ..Params::default()
            },
            locals: scope.locals,
            body,
            captures: scope.captures,
            cells: scope.cells.into_iter().collect(),
            dynamic_defaults: false,
            is_generator: true,
            qualname,
            span,
        });
        ExprKind::GenExp(self.functions.len() - 1, Box::new(iter))
    }

    fn fparts(&mut self, values: &[ast::Expr]) -> Vec<FPart> {
        let mut out = Vec::new();
        for v in values {
            match v {
                ast::Expr::Constant(c) => {
                    if let ast::Constant::Str(s) = &c.value {
                        out.push(FPart::Lit(s.clone()));
                    }
                }
                ast::Expr::FormattedValue(f) => {
                    let conv = match f.conversion {
                        ast::ConversionFlag::None => None,
                        ast::ConversionFlag::Str => Some('s'),
                        ast::ConversionFlag::Repr => Some('r'),
                        ast::ConversionFlag::Ascii => Some('a'),
                    };
                    if conv == Some('a') {
                        self.unsupported(v, "the `!a` conversion");
                    }
                    let spec = match f.format_spec.as_deref() {
                        None => Vec::new(),
                        Some(ast::Expr::JoinedStr(j)) => self.fparts(&j.values),
                        Some(other) => self.fparts(std::slice::from_ref(other)),
                    };
                    let value = self.expr(&f.value);
                    out.push(FPart::Value(Box::new(value), conv, spec));
                }
                ast::Expr::JoinedStr(j) => out.extend(self.fparts(&j.values)),
                other => {
                    self.unsupported(other, "this f-string part");
                }
            }
        }
        out
    }

    fn constant(&mut self, node: &ast::Expr, c: &ast::Constant) -> Option<Const> {
        Some(match c {
            ast::Constant::None => Const::None,
            ast::Constant::Bool(b) => Const::Bool(*b),
            ast::Constant::Str(s) => Const::Str(s.clone()),
            ast::Constant::Bytes(b) => Const::Bytes(b.clone()),
            ast::Constant::Int(i) => match i64::try_from(i) {
                Ok(v) => Const::Int(v),
                Err(_) => {
                    self.unsupported(node, "integer literals beyond 64 bits");
                    return None;
                }
            },
            ast::Constant::Float(f) => Const::Float(*f),
            ast::Constant::Tuple(_) | ast::Constant::Complex { .. } | ast::Constant::Ellipsis => {
                self.unsupported(node, "this constant");
                return None;
            }
        })
    }
}

fn is_super_call(c: &ast::ExprCall) -> bool {
    matches!(&*c.func, ast::Expr::Name(n) if n.id.as_str() == "super")
        && c.args.is_empty()
        && c.keywords.is_empty()
}

enum FnBody<'a> {
    Stmts(&'a [ast::Stmt]),
    Lambda(&'a ast::Expr),
}

fn is_constant_expr(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Constant(_) => true,
        ast::Expr::UnaryOp(u) => matches!(&*u.operand, ast::Expr::Constant(_)),
        ast::Expr::Tuple(t) => t.elts.iter().all(is_constant_expr),
        _ => false,
    }
}

fn collect_target_names(t: &ast::Expr, out: &mut Vec<String>) {
    match t {
        ast::Expr::Name(n) => out.push(n.id.to_string()),
        ast::Expr::Tuple(tu) => tu.elts.iter().for_each(|e| collect_target_names(e, out)),
        ast::Expr::List(l) => l.elts.iter().for_each(|e| collect_target_names(e, out)),
        ast::Expr::Starred(s) => collect_target_names(&s.value, out),
        _ => {}
    }
}

/// Names bound by a block (not descending into nested functions; comprehension targets
/// excluded, walrus targets included). `module` also collects function and class names.
pub(crate) fn collect_bound(stmts: &[ast::Stmt], out: &mut Vec<String>, module: bool) {
    use ast::Stmt as S;
    let _ = module;
    for s in stmts {
        match s {
            S::Assign(a) => {
                a.targets.iter().for_each(|t| collect_target_names(t, out));
                collect_walrus(&a.value, out);
            }
            S::AnnAssign(a) if a.value.is_some() => collect_target_names(&a.target, out),
            S::AnnAssign(_) => {}
            S::Delete(d) => d.targets.iter().for_each(|t| collect_target_names(t, out)),
            S::AugAssign(a) => collect_target_names(&a.target, out),
            S::For(f) => {
                collect_target_names(&f.target, out);
                collect_walrus(&f.iter, out);
                collect_bound(&f.body, out, module);
                collect_bound(&f.orelse, out, module);
            }
            S::While(w) => {
                collect_walrus(&w.test, out);
                collect_bound(&w.body, out, module);
                collect_bound(&w.orelse, out, module);
            }
            S::If(i) => {
                collect_walrus(&i.test, out);
                collect_bound(&i.body, out, module);
                collect_bound(&i.orelse, out, module);
            }
            S::Try(t) => {
                collect_bound(&t.body, out, module);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(n) = &h.name {
                        out.push(n.to_string());
                    }
                    collect_bound(&h.body, out, module);
                }
                collect_bound(&t.orelse, out, module);
                collect_bound(&t.finalbody, out, module);
            }
            S::FunctionDef(f) => out.push(f.name.to_string()),
            S::ClassDef(c) => out.push(c.name.to_string()),
            S::With(w) => {
                for it in &w.items {
                    collect_walrus(&it.context_expr, out);
                    if let Some(t) = &it.optional_vars {
                        collect_target_names(t, out);
                    }
                }
                collect_bound(&w.body, out, module);
            }
            S::Import(i) => {
                for a in &i.names {
                    match &a.asname {
                        Some(n) => out.push(n.to_string()),
                        None => out.push(a.name.split('.').next().unwrap_or("").to_string()),
                    }
                }
            }
            S::ImportFrom(i) => {
                for a in &i.names {
                    out.push(a.asname.as_ref().unwrap_or(&a.name).to_string());
                }
            }
            S::Match(m) => {
                collect_walrus(&m.subject, out);
                for c in &m.cases {
                    collect_pattern_names(&c.pattern, out);
                    collect_bound(&c.body, out, module);
                }
            }
            S::Expr(e) => collect_walrus(&e.value, out),
            S::Return(r) => {
                if let Some(v) = &r.value {
                    collect_walrus(v, out)
                }
            }
            _ => {}
        }
    }
}

fn collect_pattern_names(p: &ast::Pattern, out: &mut Vec<String>) {
    use ast::Pattern as P;
    match p {
        P::MatchAs(a) => {
            if let Some(q) = &a.pattern {
                collect_pattern_names(q, out);
            }
            if let Some(n) = &a.name {
                out.push(n.to_string());
            }
        }
        P::MatchOr(o) => o
            .patterns
            .iter()
            .for_each(|q| collect_pattern_names(q, out)),
        P::MatchSequence(s) => s
            .patterns
            .iter()
            .for_each(|q| collect_pattern_names(q, out)),
        P::MatchStar(s) => out.extend(s.name.as_ref().map(|n| n.to_string())),
        P::MatchMapping(m) => {
            m.patterns
                .iter()
                .for_each(|q| collect_pattern_names(q, out));
            out.extend(m.rest.as_ref().map(|n| n.to_string()));
        }
        P::MatchClass(c) => c
            .patterns
            .iter()
            .chain(&c.kwd_patterns)
            .for_each(|q| collect_pattern_names(q, out)),
        P::MatchValue(_) | P::MatchSingleton(_) => {}
    }
}

type PatternError = (rustpython_parser::text_size::TextRange, String);

/// One pattern's compile-time checks (CPython's `compiler_pattern*`); `stores` collects the
/// names it binds, in order.
fn check_pattern(
    p: &ast::Pattern,
    allow_irrefutable: bool,
    stores: &mut Vec<String>,
) -> Result<(), PatternError> {
    use ast::Pattern as P;
    let store = |name: &str, stores: &mut Vec<String>, p: &ast::Pattern| {
        if stores.iter().any(|s| s == name) {
            return Err((
                p.range(),
                format!("multiple assignments to name '{name}' in pattern"),
            ));
        }
        stores.push(name.to_string());
        Ok(())
    };
    match p {
        P::MatchAs(a) => match &a.pattern {
            None => {
                if !allow_irrefutable {
                    return Err((
                        p.range(),
                        match &a.name {
                            Some(n) => {
                                format!("name capture '{n}' makes remaining patterns unreachable")
                            }
                            None => "wildcard makes remaining patterns unreachable".into(),
                        },
                    ));
                }
                if let Some(n) = &a.name {
                    store(n, stores, p)?;
                }
                Ok(())
            }
            Some(q) => {
                check_pattern(q, allow_irrefutable, stores)?;
                if let Some(n) = &a.name {
                    store(n, stores, p)?;
                }
                Ok(())
            }
        },
        P::MatchOr(o) => {
            let mut control: Option<Vec<String>> = None;
            let k = o.patterns.len();
            for (i, q) in o.patterns.iter().enumerate() {
                let mut alt = Vec::new();
                check_pattern(q, allow_irrefutable && i + 1 == k, &mut alt)?;
                match &control {
                    None => control = Some(alt),
                    Some(c) => {
                        let mut a = alt.clone();
                        let mut b = c.clone();
                        a.sort();
                        b.sort();
                        if a != b {
                            return Err((
                                q.range(),
                                "alternative patterns bind different names".into(),
                            ));
                        }
                    }
                }
            }
            for n in control.unwrap_or_default() {
                store(&n, stores, p)?;
            }
            Ok(())
        }
        P::MatchSequence(s) => {
            let stars = s
                .patterns
                .iter()
                .filter(|q| matches!(q, P::MatchStar(_)))
                .count();
            if stars > 1 {
                return Err((
                    p.range(),
                    "multiple starred names in sequence pattern".into(),
                ));
            }
            for q in &s.patterns {
                check_pattern(q, true, stores)?;
            }
            Ok(())
        }
        P::MatchStar(s) => {
            if let Some(n) = &s.name {
                store(n, stores, p)?;
            }
            Ok(())
        }
        P::MatchMapping(m) => {
            let mut seen: Vec<Const> = Vec::new();
            for k in &m.keys {
                match literal_key(k) {
                    Some(c) => {
                        if seen.iter().any(|s| const_key_eq(s, &c)) {
                            return Err((
                                k.range(),
                                format!(
                                    "mapping pattern checks duplicate key ({})",
                                    const_repr(&c)
                                ),
                            ));
                        }
                        seen.push(c);
                    }
                    None if matches!(k, ast::Expr::Attribute(_)) => {}
                    None => {
                        return Err((
                            k.range(),
                            "mapping pattern keys may only match literals and attribute lookups"
                                .into(),
                        ))
                    }
                }
            }
            for q in &m.patterns {
                check_pattern(q, true, stores)?;
            }
            if let Some(n) = &m.rest {
                store(n, stores, p)?;
            }
            Ok(())
        }
        P::MatchClass(c) => {
            for (i, a) in c.kwd_attrs.iter().enumerate() {
                if c.kwd_attrs[..i].contains(a) {
                    return Err((
                        p.range(),
                        format!("attribute name repeated in class pattern: {a}"),
                    ));
                }
            }
            for q in c.patterns.iter().chain(&c.kwd_patterns) {
                check_pattern(q, true, stores)?;
            }
            Ok(())
        }
        P::MatchValue(_) | P::MatchSingleton(_) => Ok(()),
    }
}

/// A mapping-pattern key that is a literal (`"a"`, `1`, `-1.5`, `None`).
fn literal_key(e: &ast::Expr) -> Option<Const> {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::None => Some(Const::None),
            ast::Constant::Bool(b) => Some(Const::Bool(*b)),
            ast::Constant::Str(s) => Some(Const::Str(s.clone())),
            ast::Constant::Bytes(b) => Some(Const::Bytes(b.clone())),
            ast::Constant::Int(i) => i64::try_from(i).ok().map(Const::Int),
            ast::Constant::Float(f) => Some(Const::Float(*f)),
            _ => None,
        },
        ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => {
            match literal_key(&u.operand)? {
                Const::Int(i) => i.checked_neg().map(Const::Int),
                Const::Float(f) => Some(Const::Float(-f)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Python's `==` between two literal keys (`1 == 1.0 == True`).
fn const_key_eq(a: &Const, b: &Const) -> bool {
    let num = |c: &Const| match c {
        Const::Bool(b) => Some(*b as i64 as f64),
        Const::Int(i) => Some(*i as f64),
        Const::Float(f) => Some(*f),
        _ => None,
    };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn const_repr(c: &Const) -> String {
    use ferrule_runtime::value::Value;
    ferrule_runtime::fmt::repr(&match c {
        Const::None => Value::None,
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(i) => Value::Int(*i),
        Const::Float(f) => Value::Float(*f),
        Const::Str(s) => Value::from(s.as_str()),
        Const::Bytes(b) => Value::Bytes(b.as_slice().into()),
    })
}

/// Walrus targets inside an expression (they bind in the enclosing function, also from
/// inside comprehensions; lambdas have their own scope).
fn collect_walrus(e: &ast::Expr, out: &mut Vec<String>) {
    use ast::Expr as E;
    match e {
        E::NamedExpr(n) => {
            collect_target_names(&n.target, out);
            collect_walrus(&n.value, out);
        }
        E::Lambda(_) => {}
        E::BoolOp(b) => b.values.iter().for_each(|v| collect_walrus(v, out)),
        E::BinOp(b) => {
            collect_walrus(&b.left, out);
            collect_walrus(&b.right, out);
        }
        E::UnaryOp(u) => collect_walrus(&u.operand, out),
        E::IfExp(i) => {
            collect_walrus(&i.test, out);
            collect_walrus(&i.body, out);
            collect_walrus(&i.orelse, out);
        }
        E::Compare(c) => {
            collect_walrus(&c.left, out);
            c.comparators.iter().for_each(|v| collect_walrus(v, out));
        }
        E::Call(c) => {
            collect_walrus(&c.func, out);
            c.args.iter().for_each(|v| collect_walrus(v, out));
            c.keywords
                .iter()
                .for_each(|k| collect_walrus(&k.value, out));
        }
        E::Attribute(a) => collect_walrus(&a.value, out),
        E::Subscript(s) => {
            collect_walrus(&s.value, out);
            collect_walrus(&s.slice, out);
        }
        E::List(l) => l.elts.iter().for_each(|v| collect_walrus(v, out)),
        E::Tuple(t) => t.elts.iter().for_each(|v| collect_walrus(v, out)),
        E::Set(s) => s.elts.iter().for_each(|v| collect_walrus(v, out)),
        E::Dict(d) => {
            d.keys.iter().flatten().for_each(|v| collect_walrus(v, out));
            d.values.iter().for_each(|v| collect_walrus(v, out));
        }
        E::ListComp(c) => {
            collect_walrus(&c.elt, out);
            c.generators.iter().for_each(|g| gen_walrus(g, out));
        }
        E::SetComp(c) => {
            collect_walrus(&c.elt, out);
            c.generators.iter().for_each(|g| gen_walrus(g, out));
        }
        E::GeneratorExp(c) => {
            collect_walrus(&c.elt, out);
            c.generators.iter().for_each(|g| gen_walrus(g, out));
        }
        E::DictComp(c) => {
            collect_walrus(&c.key, out);
            collect_walrus(&c.value, out);
            c.generators.iter().for_each(|g| gen_walrus(g, out));
        }
        E::JoinedStr(j) => j.values.iter().for_each(|v| collect_walrus(v, out)),
        E::FormattedValue(f) => collect_walrus(&f.value, out),
        E::Starred(s) => collect_walrus(&s.value, out),
        _ => {}
    }
}

fn gen_walrus(g: &ast::Comprehension, out: &mut Vec<String>) {
    collect_walrus(&g.iter, out);
    g.ifs.iter().for_each(|v| collect_walrus(v, out));
}

/// `global` declarations anywhere in the module's functions (they create module slots).
fn collect_global_decls(stmts: &[ast::Stmt], out: &mut Vec<String>) {
    for s in stmts {
        if let ast::Stmt::FunctionDef(f) = s {
            collect_global_decls_deep(&f.body, out);
        }
    }
}

fn collect_global_decls_deep(stmts: &[ast::Stmt], out: &mut Vec<String>) {
    for s in stmts {
        match s {
            ast::Stmt::Global(g) => out.extend(g.names.iter().map(|n| n.to_string())),
            ast::Stmt::FunctionDef(f) => collect_global_decls_deep(&f.body, out),
            other => for_each_child_block(other, |b| collect_global_decls_deep(b, out)),
        }
    }
}

/// `nonlocal` declarations of one function body (not of nested functions).
fn collect_nonlocal_decls(stmts: &[ast::Stmt], out: &mut Vec<String>) {
    for s in stmts {
        match s {
            ast::Stmt::Nonlocal(g) => out.extend(g.names.iter().map(|n| n.to_string())),
            ast::Stmt::FunctionDef(_) | ast::Stmt::ClassDef(_) => {}
            other => for_each_child_block(other, |b| collect_nonlocal_decls(b, out)),
        }
    }
}

/// `global` declarations of one function body (not of nested functions).
fn collect_global_decls_shallow(stmts: &[ast::Stmt], out: &mut Vec<String>) {
    for s in stmts {
        match s {
            ast::Stmt::Global(g) => out.extend(g.names.iter().map(|n| n.to_string())),
            ast::Stmt::FunctionDef(_) | ast::Stmt::ClassDef(_) => {}
            other => for_each_child_block(other, |b| collect_global_decls_shallow(b, out)),
        }
    }
}

fn for_each_child_block(s: &ast::Stmt, mut f: impl FnMut(&[ast::Stmt])) {
    use ast::Stmt as S;
    match s {
        S::If(i) => {
            f(&i.body);
            f(&i.orelse);
        }
        S::For(x) => {
            f(&x.body);
            f(&x.orelse);
        }
        S::While(w) => {
            f(&w.body);
            f(&w.orelse);
        }
        S::Try(t) => {
            f(&t.body);
            for h in &t.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                f(&h.body);
            }
            f(&t.orelse);
            f(&t.finalbody);
        }
        S::Match(m) => {
            for c in &m.cases {
                f(&c.body);
            }
        }
        S::With(w) => f(&w.body),
        _ => {}
    }
}

/// What a class-body annotation declares for `dataclasses`: `ClassVar[...]` and
/// `InitVar[...]` (also written as strings or through their modules) are not fields.
fn ann_kind(a: &ast::Expr) -> AnnKind {
    let head = match a {
        ast::Expr::Subscript(s) => &*s.value,
        other => other,
    };
    let name = match head {
        ast::Expr::Name(n) => n.id.to_string(),
        ast::Expr::Attribute(at) => at.attr.to_string(),
        ast::Expr::Constant(k) => match &k.value {
            ast::Constant::Str(s) => s
                .split('[')
                .next()
                .unwrap_or("")
                .rsplit('.')
                .next()
                .unwrap_or("")
                .trim()
                .to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    match name.as_str() {
        "ClassVar" => AnnKind::ClassVar,
        "InitVar" => AnnKind::InitVar,
        _ => AnnKind::Field,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use ferrule_runtime::builtins::{BuiltinKind, BUILTINS, BUILTIN_EXCEPTIONS};

    fn lower(src: &str) -> Vec<Diagnostic> {
        let py = crate::source::python::parse("m.py", src.to_string()).expect("parses");
        let helpers = BTreeSet::new();
        let packages = BTreeSet::new();
        let env = ImportEnv {
            helpers: &helpers,
            packages: &packages,
        };
        lower_module(&py, "m", ModuleKind::Helper, &env).1
    }

    /// The compiler's builtins are the runtime's table: every entry the runtime implements
    /// is accepted, every entry it refuses is F007 with the runtime's reason, and no name
    /// outside the table is a builtin.
    #[test]
    fn builtin_tables_come_from_the_runtime() {
        for d in BUILTINS {
            // Every builtin may be named (a value that prints as CPython prints it).
            assert!(is_supported_builtin(d.name), "{}", d.name);
            let diags = lower(&format!("x = {}\n", d.name));
            assert!(diags.is_empty(), "{}: {diags:?}", d.name);
            let diags = lower(&format!("x = {}()\n", d.name));
            match d.kind {
                BuiltinKind::Refused(why) => {
                    assert_eq!(diags.len(), 1, "{}: {diags:?}", d.name);
                    assert!(diags[0].message.contains(why), "{}: {diags:?}", d.name);
                }
                // `super()` is lowered by the compiler itself (only inside a method).
                _ if d.name == "super" => {}
                _ => assert!(diags.is_empty(), "{}: {diags:?}", d.name),
            }
        }
        for k in BUILTIN_EXCEPTIONS {
            assert!(is_supported_builtin(k.name()), "{}", k.name());
        }
        assert!(!is_supported_builtin("not_a_builtin"));
        // The runtime implements `format`, so the compiler accepts `format(x, "d")`.
        assert!(lower("y = format(3, 'd')\n").is_empty());
    }

    /// CPython's compile-time errors of generators and `match` are F004 with CPython's
    /// message; valid forms lower without diagnostics.
    #[test]
    fn generator_and_match_syntax_errors_are_cpythons() {
        for (src, msg) in [
            ("x = yield 1\n", "'yield' outside function"),
            ("class C:\n    x = yield\n", "'yield' outside function"),
            ("def f(a):\n    return [(yield x) for x in a]\n", "'yield' inside list comprehension"),
            ("def f(a):\n    return {(yield x) for x in a}\n", "'yield' inside set comprehension"),
            ("def f(a):\n    return list((yield x) for x in a)\n", "'yield' inside generator expression"),
            ("def f(a):\n    match a:\n        case x:\n            pass\n        case 1:\n            pass\n",
             "name capture 'x' makes remaining patterns unreachable"),
            ("def f(a):\n    match a:\n        case _:\n            pass\n        case 1:\n            pass\n",
             "wildcard makes remaining patterns unreachable"),
            ("def f(a):\n    match a:\n        case x | 1:\n            pass\n",
             "name capture 'x' makes remaining patterns unreachable"),
            ("def f(a):\n    match a:\n        case [x, x]:\n            pass\n",
             "multiple assignments to name 'x' in pattern"),
            ("def f(a):\n    match a:\n        case [x] | [y]:\n            pass\n",
             "alternative patterns bind different names"),
            ("def f(a):\n    match a:\n        case {'k': 1, 'k': 2}:\n            pass\n",
             "mapping pattern checks duplicate key ('k')"),
            ("def f(a):\n    match a:\n        case {1: x, 1.0: y}:\n            pass\n",
             "mapping pattern checks duplicate key (1.0)"),
            ("def f(a):\n    match a:\n        case int(real=x, real=y):\n            pass\n",
             "attribute name repeated in class pattern: real"),
        ] {
            let diags = lower(src);
            assert_eq!(diags.len(), 1, "{src}: {diags:?}");
            assert_eq!(diags[0].code, Code::PythonSyntax, "{src}");
            assert_eq!(diags[0].message, format!("SyntaxError: {msg}"), "{src}");
        }
        for src in [
            "def f(a):\n    x = yield\n    y = yield from a\n    return x, y\n",
            "g = lambda: (yield 1)\n",
            "def f(a):\n    return (x for x in a if (y := x))\n",
            "def f(a):\n    match a:\n        case x if x:\n            pass\n        case [1, *r] | [2, *r]:\n            pass\n        case {'k': v, **rest} as m:\n            pass\n        case int(v) | str(v):\n            pass\n        case _:\n            pass\n",
        ] {
            let diags = lower(src);
            assert!(diags.is_empty(), "{src}: {diags:?}");
        }
    }

    /// What the issue names as refused (I/O, running code, `async`) is refused, with a
    /// reason naming why.
    #[test]
    fn io_and_code_execution_builtins_are_refused_with_a_reason() {
        for (name, why) in [
            ("open", "I/O"),
            ("input", "I/O"),
            ("exec", "runs code"),
            ("eval", "runs code"),
            ("compile", "runs code"),
            ("__import__", "runs code"),
            ("breakpoint", "debugger"),
            ("help", "I/O"),
            ("aiter", "async"),
            ("anext", "async"),
        ] {
            let diags = lower(&format!("def f():\n    return {name}('x')\n"));
            assert_eq!(diags.len(), 1, "{name}: {diags:?}");
            assert!(diags[0].message.contains(why), "{name}: {diags:?}");
        }
    }
}
