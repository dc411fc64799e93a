//! What the migration needs to know about a module's code, read from the IR: where each
//! module global is read or written, whether an auxiliary function can change state that a
//! later call observes, and whether `udm()` is used.

use std::collections::BTreeSet;

use crate::diag::Span;
use crate::ir::*;

/// One occurrence of a module global.
#[derive(Debug, Clone)]
pub struct GlobalUse {
    pub name: String,
    pub span: Span,
    pub store: bool,
    /// A `def` binding the name (at any depth of the module body).
    pub def: bool,
}

/// Every read and write of a module global in `m` (module body, functions, defaults).
pub fn global_uses(m: &Module) -> Vec<GlobalUse> {
    let mut out = Vec::new();
    let mut w = Walker {
        on_expr: &mut |e: &Expr| {
            if let ExprKind::Name(Name::Global(_, n)) = &e.kind {
                out.push(GlobalUse {
                    name: n.clone(),
                    span: e.span.clone(),
                    store: false,
                    def: false,
                });
            }
        },
    };
    let mut stores = Vec::new();
    w.stmts(&m.body, &mut stores);
    for f in &m.functions {
        w.stmts(&f.body, &mut stores);
        for (_, d) in f.params.positional.iter().chain(&f.params.kwonly) {
            if let Some(d) = d {
                w.expr(d);
            }
        }
    }
    out.extend(stores);
    out
}

/// Module-level names bound by the module body (imports, assignments, defs, classes).
pub fn module_bound(m: &Module) -> BTreeSet<String> {
    let mut stores = Vec::new();
    let mut w = Walker {
        on_expr: &mut |_: &Expr| {},
    };
    w.stmts(&m.body, &mut stores);
    stores.into_iter().map(|u| u.name).collect()
}

struct Walker<'f> {
    on_expr: &'f mut dyn FnMut(&Expr),
}

impl Walker<'_> {
    fn expr(&mut self, e: &Expr) {
        (self.on_expr)(e);
        for c in e.children() {
            self.expr(c);
        }
        // Targets bound inside expressions (comprehension targets, walrus) are not module
        // globals except through a walrus at module level, which `target` below records
        // only for statements; a walrus store to a global is recorded as a read-like use.
        if let ExprKind::Comp { target, .. } = &e.kind {
            let mut sink = Vec::new();
            self.target(target, &mut sink, false);
        }
    }

    fn target(&mut self, t: &Target, stores: &mut Vec<GlobalUse>, def: bool) {
        match t {
            Target::Name(Name::Global(_, n)) => stores.push(GlobalUse {
                name: n.clone(),
                span: Span::default(),
                store: true,
                def,
            }),
            Target::Name(_) => {}
            Target::Item(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            Target::Attr(a, _) => self.expr(a),
            Target::Unpack(ts, _) => {
                for t in ts {
                    self.target(t, stores, false);
                }
            }
        }
    }

    fn stmts(&mut self, body: &[Stmt], stores: &mut Vec<GlobalUse>) {
        for s in body {
            self.stmt(s, stores);
        }
    }

    fn stmt(&mut self, s: &Stmt, stores: &mut Vec<GlobalUse>) {
        match s {
            Stmt::Expr(e) => self.expr(e),
            Stmt::Assign(ts, e) => {
                self.expr(e);
                for t in ts {
                    self.target(t, stores, false);
                }
            }
            Stmt::AugAssign(t, _, e) => {
                self.expr(e);
                if let Target::Name(Name::Global(_, n)) = t {
                    // `X += 1` reads X too.
                    stores.push(GlobalUse {
                        name: n.clone(),
                        span: Span::default(),
                        store: false,
                        def: false,
                    });
                }
                self.target(t, stores, false);
            }
            Stmt::If(c, a, b) => {
                self.expr(c);
                self.stmts(a, stores);
                self.stmts(b, stores);
            }
            Stmt::While(c, a) => {
                self.expr(c);
                self.stmts(a, stores);
            }
            Stmt::For(t, e, a) => {
                self.expr(e);
                self.target(t, stores, false);
                self.stmts(a, stores);
            }
            Stmt::Return(Some(e)) => self.expr(e),
            Stmt::Raise(Some(e), _) => self.expr(e),
            Stmt::Break | Stmt::Continue | Stmt::Return(None) | Stmt::Pass | Stmt::Raise(..) => {}
            Stmt::Try {
                body,
                handlers,
                orelse,
            } => {
                self.stmts(body, stores);
                for h in handlers {
                    for t in &h.types {
                        self.expr(t);
                    }
                    if let Some(Name::Global(_, n)) = &h.name {
                        stores.push(GlobalUse {
                            name: n.clone(),
                            span: Span::default(),
                            store: true,
                            def: false,
                        });
                    }
                    self.stmts(&h.body, stores);
                }
                self.stmts(orelse, stores);
            }
            Stmt::Match(subject, cases) => {
                self.expr(subject);
                for (p, guard, body) in cases {
                    self.pattern(p, stores);
                    if let Some(g) = guard {
                        self.expr(g);
                    }
                    self.stmts(body, stores);
                }
            }
            Stmt::Def(t, _) => self.target(t, stores, true),
            Stmt::ImportModule(_) => {}
            Stmt::Class {
                target,
                base,
                members,
                ..
            } => {
                if let Some(b) = base {
                    self.expr(b);
                }
                for m in members {
                    if let MemberValue::Expr(e) = &m.value {
                        self.expr(e);
                    }
                }
                self.target(target, stores, false);
            }
        }
    }

    fn pattern(&mut self, p: &Pattern, stores: &mut Vec<GlobalUse>) {
        match p {
            Pattern::Value(e) | Pattern::Singleton(e) => self.expr(e),
            Pattern::Wildcard => {}
            Pattern::Capture(n) => {
                if let Name::Global(_, n) = n {
                    stores.push(GlobalUse {
                        name: n.clone(),
                        span: Span::default(),
                        store: true,
                        def: false,
                    });
                }
            }
            Pattern::Or(ps) => {
                for p in ps {
                    self.pattern(p, stores);
                }
            }
        }
    }
}

/// Methods that change the object they are called on (list, dict, set, bytearray).
const MUTATING: &[&str] = &[
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "clear",
    "sort",
    "reverse",
    "add",
    "discard",
    "update",
    "setdefault",
    "popitem",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
    "__setitem__",
    "__delitem__",
];

/// Whether calling function `name` of module `module` can change state that outlives the
/// call (a module global, a shared object, a cache): conservative, so `true` when unsure.
pub fn may_have_effects(program: &Program, module: &str, name: &str) -> bool {
    let mut seen = BTreeSet::new();
    effects_of(program, module, name, &mut seen)
}

fn effects_of(
    program: &Program,
    module: &str,
    name: &str,
    seen: &mut BTreeSet<(String, String)>,
) -> bool {
    if !seen.insert((module.to_string(), name.to_string())) {
        return false;
    }
    let Some(m) = program.modules.get(module) else {
        return true;
    };
    let Some(idx) = top_def(m, name) else {
        return true;
    };
    function_effects(program, m, idx, seen)
}

/// The function a module-level `def name` binds (the last one).
pub fn top_def(m: &Module, name: &str) -> Option<usize> {
    m.body.iter().rev().find_map(|s| match s {
        Stmt::Def(Target::Name(Name::Global(_, n)), i) if n == name => Some(*i),
        _ => None,
    })
}

fn function_effects(
    program: &Program,
    m: &Module,
    idx: usize,
    seen: &mut BTreeSet<(String, String)>,
) -> bool {
    let Some(f) = m.functions.get(idx) else {
        return true;
    };
    let mut effects = false;
    let mut calls: Vec<(String, String)> = Vec::new();
    let mut closures: Vec<usize> = Vec::new();
    {
        let mut on_expr = |e: &Expr| match &e.kind {
            ExprKind::MethodCall(_, meth, _) if MUTATING.contains(&meth.as_str()) => {
                effects = true
            }
            ExprKind::Call(f, _) => match &f.kind {
                ExprKind::Name(Name::Global(_, n)) => calls.push((m.name.clone(), n.clone())),
                ExprKind::ModuleRef(md, Some(n)) => calls.push((md.clone(), n.clone())),
                ExprKind::Attr(inner, n) => {
                    if let ExprKind::ModuleRef(md, None) = &inner.kind {
                        calls.push((md.clone(), n.clone()));
                    }
                }
                ExprKind::Name(Name::Builtin(b)) => {
                    if matches!(
                        b.as_str(),
                        "setattr" | "delattr" | "exec" | "eval" | "next" | "globals"
                    ) {
                        effects = true;
                    }
                }
                ExprKind::Stdlib(s) if s.contains("caching") => effects = true,
                ExprKind::Closure(i) => closures.push(*i),
                ExprKind::Name(Name::Local(..)) | ExprKind::Stdlib(_) => {}
                // Calling the result of another expression: unknown code.
                _ => effects = true,
            },
            ExprKind::MethodCall(recv, meth, _) => {
                if let ExprKind::ModuleRef(md, None) = &recv.kind {
                    calls.push((md.clone(), meth.clone()));
                }
                if let ExprKind::Stdlib(s) = &recv.kind {
                    if s.contains("caching") {
                        effects = true;
                    }
                }
            }
            ExprKind::Closure(i) => closures.push(*i),
            _ => {}
        };
        let mut w = Walker {
            on_expr: &mut on_expr,
        };
        let mut stores = Vec::new();
        w.stmts(&f.body, &mut stores);
        if stores.iter().any(|u| u.store || !u.def) && !stores.is_empty() {
            // Any store to a module global (or `global X; X += …`).
            effects = true;
        }
        if has_shared_store(&f.body) {
            effects = true;
        }
    }
    if effects {
        return true;
    }
    for i in closures {
        if i != idx && function_effects(program, m, i, seen) {
            return true;
        }
    }
    for (md, n) in calls {
        let Some(target) = program.modules.get(&md) else {
            return true;
        };
        match top_def(target, &n) {
            Some(_) => {
                if effects_of(program, &md, &n, seen) {
                    return true;
                }
            }
            // A global that is not a function of the module (a class, a lambda held in a
            // constant, an imported library function): unknown.
            None => {
                if !is_stdlib_alias(target, &n) {
                    return true;
                }
            }
        }
    }
    false
}

/// Whether module global `n` is bound to a standard-library object (`from json import loads`).
fn is_stdlib_alias(m: &Module, n: &str) -> bool {
    m.body.iter().any(|s| {
        matches!(s, Stmt::Assign(ts, e)
            if matches!(ts.as_slice(), [Target::Name(Name::Global(_, t))] if t == n)
                && matches!(&e.kind, ExprKind::Stdlib(s) if !s.contains("caching")))
    })
}

/// Whether a block stores into an item or attribute (`x[k] = v`, `o.a = v`): the object may
/// be shared.
fn has_shared_store(body: &[Stmt]) -> bool {
    fn target(t: &Target) -> bool {
        match t {
            Target::Item(..) | Target::Attr(..) => true,
            Target::Unpack(ts, _) => ts.iter().any(target),
            Target::Name(_) => false,
        }
    }
    body.iter().any(|s| match s {
        Stmt::Assign(ts, _) => ts.iter().any(target),
        Stmt::AugAssign(t, ..) => target(t),
        Stmt::For(t, _, b) => target(t) || has_shared_store(b),
        Stmt::If(_, a, b) => has_shared_store(a) || has_shared_store(b),
        Stmt::While(_, a) => has_shared_store(a),
        Stmt::Try {
            body,
            handlers,
            orelse,
        } => {
            has_shared_store(body)
                || handlers.iter().any(|h| has_shared_store(&h.body))
                || has_shared_store(orelse)
        }
        Stmt::Match(_, cases) => cases.iter().any(|(_, _, b)| has_shared_store(b)),
        _ => false,
    })
}

/// Whether a module (or a helper it imports, transitively) calls `udm`/`udm_path`: then the
/// data model an event carries decides answers.
pub fn uses_data_model(program: &Program, module: &str) -> bool {
    let mut stack = vec![module.to_string()];
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(m) = program.modules.get(&name) else {
            continue;
        };
        let mut found = false;
        let mut on_expr = |e: &Expr| {
            if let ExprKind::MethodCall(_, meth, _) = &e.kind {
                if meth == "udm" || meth == "udm_path" {
                    found = true;
                }
            }
            if let ExprKind::Attr(_, a) = &e.kind {
                if a == "udm" || a == "udm_path" {
                    found = true;
                }
            }
            if let ExprKind::Const(Const::Str(s)) = &e.kind {
                if s == "p_udm" {
                    found = true;
                }
            }
        };
        let mut w = Walker {
            on_expr: &mut on_expr,
        };
        let mut stores = Vec::new();
        w.stmts(&m.body, &mut stores);
        for f in &m.functions {
            w.stmts(&f.body, &mut stores);
        }
        if found {
            return true;
        }
        stack.extend(m.imports.iter().cloned());
    }
    false
}

/// Whether module function `name` always returns a `str` (a non-empty one when `nonempty`)
/// without raising, whatever the event: its body assigns safe expressions to locals and
/// returns an f-string or a string constant of safe expressions. Safe: constants, those
/// locals, `event.get(…)` / `event.deep_get(…)` with constant arguments, `and`/`or` and
/// conditional expressions of safe parts. Formatting any event value in an f-string without
/// a format spec cannot fail.
pub fn safe_str_function(m: &Module, name: &str, nonempty: bool) -> bool {
    let Some(idx) = top_def(m, name) else {
        return false;
    };
    let Some(f) = m.functions.get(idx) else {
        return false;
    };
    if f.params.positional.len() != 1 || !f.captures.is_empty() {
        return false;
    }
    let mut safe_locals: BTreeSet<usize> = BTreeSet::new();
    let Some((last, init)) = f.body.split_last() else {
        return false;
    };
    for s in init {
        match s {
            Stmt::Assign(ts, e) => match ts.as_slice() {
                [Target::Name(Name::Local(i, _))] if *i != 0 && safe_expr(e, &safe_locals) => {
                    safe_locals.insert(*i);
                }
                _ => return false,
            },
            _ => return false,
        }
    }
    let Stmt::Return(Some(e)) = last else {
        return false;
    };
    match &e.kind {
        ExprKind::Const(Const::Str(s)) => !nonempty || !s.is_empty(),
        ExprKind::FString(parts) => {
            parts.iter().all(|p| match p {
                FPart::Lit(_) => true,
                FPart::Value(v, conv, spec) => {
                    spec.is_empty()
                        && matches!(conv, None | Some('s') | Some('r'))
                        && safe_expr(v, &safe_locals)
                }
            }) && (!nonempty
                || parts
                    .iter()
                    .any(|p| matches!(p, FPart::Lit(l) if !l.is_empty())))
        }
        _ => false,
    }
}

fn safe_expr(e: &Expr, locals: &BTreeSet<usize>) -> bool {
    match &e.kind {
        ExprKind::Const(_) => true,
        ExprKind::Name(Name::Local(i, _)) => locals.contains(i),
        ExprKind::MethodCall(recv, meth, args) => {
            matches!(&recv.kind, ExprKind::Name(Name::Local(0, _)))
                && matches!(meth.as_str(), "get" | "deep_get")
                && args.iter().all(|a| match a {
                    Arg::Pos(x) => matches!(x.kind, ExprKind::Const(_)),
                    Arg::Kw(k, x) => k == "default" && matches!(x.kind, ExprKind::Const(_)),
                    _ => false,
                })
        }
        ExprKind::BoolOp(_, xs) => xs.iter().all(|x| safe_expr(x, locals)),
        ExprKind::IfExp(a, b, c) => {
            safe_expr(a, locals) && safe_expr(b, locals) && safe_expr(c, locals)
        }
        _ => false,
    }
}
