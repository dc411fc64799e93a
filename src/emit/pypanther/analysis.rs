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
            let name = match &e.kind {
                ExprKind::Name(Name::Global(_, n)) => Some(n),
                // A class-body read of a name the body has not bound yet reads the global.
                ExprKind::Name(Name::ClassNs(_, fb)) => match fb.as_ref() {
                    Name::Global(_, n) => Some(n),
                    _ => None,
                },
                _ => None,
            };
            if let Some(n) = name {
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
            Target::Starred(t) => self.target(t, stores, false),
            Target::Slice(a, b, c, d) => {
                self.expr(a);
                for x in [b, c, d].into_iter().flatten() {
                    self.expr(x);
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
            Stmt::Raise(e, cause, _) => {
                for x in [e, cause].into_iter().flatten() {
                    self.expr(x);
                }
            }
            Stmt::Break | Stmt::Continue | Stmt::Return(None) | Stmt::Pass => {}
            Stmt::With { items, body } => {
                for (e, t) in items {
                    self.expr(e);
                    if let Some(t) = t {
                        self.target(t, stores, false);
                    }
                }
                self.stmts(body, stores);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.stmts(finalbody, stores);
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
            // `del X` of a module global changes the module like an assignment.
            Stmt::Delete(ts) => {
                for t in ts {
                    self.target(t, stores, false);
                }
            }
            // PyPanther project items never reach a migrated v1 module; they bind a name.
            Stmt::ImportModule(_) | Stmt::Unconverted(_) => {}
            Stmt::ClassDef(t, _) | Stmt::RuleClass { target: t, .. } => {
                self.target(t, stores, false)
            }
            Stmt::Class {
                target,
                decorators,
                bases,
                keywords,
                body,
                ..
            } => {
                for e in decorators
                    .iter()
                    .chain(bases)
                    .chain(keywords.iter().map(|(_, e)| e))
                {
                    self.expr(e);
                }
                // The body's own bindings go to the class namespace (`Name::ClassNs`), which
                // `target` does not record; its reads and `global` stores are recorded.
                self.stmts(body, stores);
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
    effect_of(program, module, name).is_some()
}

/// Why calling function `name` of module `module` may change state, if it may.
pub fn effect_of(program: &Program, module: &str, name: &str) -> Option<String> {
    let mut seen = BTreeSet::new();
    effects_of(program, module, name, &mut seen)
}

fn effects_of(
    program: &Program,
    module: &str,
    name: &str,
    seen: &mut BTreeSet<(String, String)>,
) -> Option<String> {
    if !seen.insert((module.to_string(), name.to_string())) {
        return None;
    }
    let Some(m) = program.modules.get(module) else {
        return Some(format!("calls into `{module}`"));
    };
    let Some(idx) = top_def(m, name) else {
        return Some(format!(
            "calls `{name}`, which is not a function of its module"
        ));
    };
    function_effects(program, m, idx, seen).map(|why| {
        if why.starts_with("in `") {
            why
        } else {
            format!("in `{name}`: {why}")
        }
    })
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
) -> Option<String> {
    let Some(f) = m.functions.get(idx) else {
        return Some("unknown function".into());
    };
    let mut effects: Option<String> = None;
    let mut calls: Vec<(String, String)> = Vec::new();
    let mut closures: Vec<usize> = Vec::new();
    {
        let mut on_expr = |e: &Expr| match &e.kind {
            ExprKind::MethodCall(recv, meth, _) => {
                if MUTATING.contains(&meth.as_str()) && !fresh_local(f, recv) {
                    effects.get_or_insert(format!("calls `.{meth}()` (line {})", e.span.line));
                }
                if let ExprKind::ModuleRef(md, None) = &recv.kind {
                    calls.push((md.clone(), meth.clone()));
                }
                if let ExprKind::Stdlib(s) = &recv.kind {
                    if s.contains("caching") {
                        effects.get_or_insert(format!("uses `{s}`"));
                    }
                }
            }
            ExprKind::Call(callee, _) => match &callee.kind {
                ExprKind::Name(Name::Global(_, n)) => calls.push((m.name.clone(), n.clone())),
                ExprKind::ModuleRef(md, Some(n)) => calls.push((md.clone(), n.clone())),
                ExprKind::Attr(inner, n) => match &inner.kind {
                    ExprKind::ModuleRef(md, None) => calls.push((md.clone(), n.clone())),
                    ExprKind::Stdlib(_) => {}
                    _ => {
                        effects.get_or_insert(format!("calls `….{n}` (line {})", e.span.line));
                    }
                },
                ExprKind::Name(Name::Builtin(b)) => {
                    if matches!(
                        b.as_str(),
                        "setattr" | "delattr" | "exec" | "eval" | "next" | "globals"
                    ) {
                        effects.get_or_insert(format!("calls `{b}()`"));
                    }
                }
                ExprKind::Stdlib(s) if s.contains("caching") => {
                    effects.get_or_insert(format!("calls `{s}`"));
                }
                ExprKind::Closure(i) => closures.push(*i),
                ExprKind::Name(Name::Local(..)) | ExprKind::Stdlib(_) => {}
                // Calling the result of another expression: unknown code.
                _ => {
                    effects
                        .get_or_insert(format!("calls a computed callee (line {})", e.span.line));
                }
            },
            ExprKind::Closure(i) => closures.push(*i),
            _ => {}
        };
        let mut w = Walker {
            on_expr: &mut on_expr,
        };
        let mut stores = Vec::new();
        w.stmts(&f.body, &mut stores);
        if let Some(u) = stores.first() {
            // Any store to a module global (or `global X; X += …`).
            effects.get_or_insert(format!("assigns the module global `{}`", u.name));
        }
        nested_defs(&f.body, &mut closures);
        if has_shared_store(f, &f.body) {
            effects.get_or_insert("stores into an item or attribute of a shared object".into());
        }
    }
    if effects.is_some() {
        return effects;
    }
    for i in closures {
        if i != idx {
            if let Some(why) = function_effects(program, m, i, seen) {
                return Some(why);
            }
        }
    }
    for (md, n) in calls {
        let Some(target) = program.modules.get(&md) else {
            return Some(format!("calls into `{md}`"));
        };
        if top_def(target, &n).is_some() {
            if let Some(why) = effects_of(program, &md, &n, seen) {
                return Some(why);
            }
            continue;
        }
        if let Some(r) = class_effects(program, &md, &n, seen) {
            if let Some(why) = r {
                return Some(why);
            }
            continue;
        }
        // A name imported from a helper (`from corp_utils import f`), or from the standard
        // library; anything else (a class, a lambda held in a constant) is unknown code.
        match import_of(target, &n) {
            Some(ExprKind::ModuleRef(hm, Some(hn))) => match class_effects(program, hm, hn, seen) {
                Some(Some(why)) => return Some(why),
                Some(None) => {}
                None => {
                    if let Some(why) = effects_of(program, hm, hn, seen) {
                        return Some(why);
                    }
                }
            },
            Some(ExprKind::Stdlib(s)) if !s.contains("caching") => {}
            _ => return Some(format!("calls `{n}`, whose code is not known")),
        }
    }
    None
}

/// For a class `n` of module `module`: `Some(why)` when instantiating or using it may change
/// state (one of its methods may, or a base class that is not a builtin), `Some(None)` when
/// not; `None` when `n` is not a class of the module.
fn class_effects(
    program: &Program,
    module: &str,
    n: &str,
    seen: &mut BTreeSet<(String, String)>,
) -> Option<Option<String>> {
    let m = program.modules.get(module)?;
    let (bases, decorated, body) = m.body.iter().rev().find_map(|s| match s {
        Stmt::Class {
            target: Target::Name(Name::Global(_, t)),
            bases,
            decorators,
            keywords,
            body,
            ..
        } if t == n => Some((bases, !decorators.is_empty() || !keywords.is_empty(), body)),
        _ => None,
    })?;
    if !seen.insert((module.to_string(), format!("class {n}"))) {
        return Some(None);
    }
    if decorated {
        return Some(Some(format!(
            "class `{n}` has decorators or class keywords of unknown code"
        )));
    }
    for base in bases {
        match &base.kind {
            ExprKind::Name(Name::Builtin(_)) => {}
            ExprKind::Name(Name::Global(_, b)) => {
                if let Some(Some(why)) = class_effects(program, module, b, seen) {
                    return Some(Some(why));
                }
            }
            _ => return Some(Some(format!("class `{n}` has a base of unknown code"))),
        }
    }
    // Every function the class body defines (methods, hooks, properties' functions, and
    // functions nested in them through `function_effects`).
    let mut methods = Vec::new();
    nested_defs(body, &mut methods);
    for i in methods {
        if let Some(why) = function_effects(program, m, i, seen) {
            let meth = m.functions.get(i).map_or("?", |f| f.name.as_str());
            return Some(Some(format!("in `{n}.{meth}`: {why}")));
        }
    }
    Some(None)
}

/// Whether target `t` binds local `i`.
fn binds_local(t: &Target, i: usize) -> bool {
    match t {
        Target::Name(Name::Local(j, _)) => *j == i,
        Target::Unpack(ts, _) => ts.iter().any(|t| binds_local(t, i)),
        Target::Starred(t) => binds_local(t, i),
        _ => false,
    }
}

/// A new container: a display, a comprehension, or `list(…)` / `dict(…)` / `set(…)` /
/// `sorted(…)` (which copy their argument).
fn fresh_value(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::List(_) | ExprKind::Dict(_) | ExprKind::Set(_) | ExprKind::Comp { .. } => true,
        ExprKind::Call(f, _) => matches!(
            &f.kind,
            ExprKind::Name(Name::Builtin(b)) if matches!(b.as_str(), "list" | "dict" | "set" | "sorted")
        ),
        _ => false,
    }
}

/// Whether `e` is a local of `f` that the function only ever binds to a fresh container
/// (a display or a comprehension): mutating it changes nothing outside the call.
fn fresh_local(f: &Function, e: &Expr) -> bool {
    let ExprKind::Name(Name::Local(i, _)) = &e.kind else {
        return false;
    };
    if *i < f.params.positional.len() + f.params.kwonly.len() {
        return false;
    }
    let mut fresh = true;
    let mut any = false;
    fn visit(body: &[Stmt], i: usize, fresh: &mut bool, any: &mut bool) {
        for s in body {
            match s {
                Stmt::Assign(ts, e) => {
                    for t in ts {
                        if let Target::Name(Name::Local(j, _)) = t {
                            if *j == i {
                                *any = true;
                                if !fresh_value(e) {
                                    *fresh = false;
                                }
                            }
                        } else if binds_local(t, i) {
                            *fresh = false;
                        }
                    }
                }
                Stmt::For(t, ..) if binds_local(t, i) => *fresh = false,
                Stmt::For(_, _, b) | Stmt::While(_, b) => visit(b, i, fresh, any),
                Stmt::If(_, a, b) => {
                    visit(a, i, fresh, any);
                    visit(b, i, fresh, any);
                }
                Stmt::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } => {
                    visit(body, i, fresh, any);
                    for h in handlers {
                        if matches!(&h.name, Some(Name::Local(j, _)) if *j == i) {
                            *fresh = false;
                        }
                        visit(&h.body, i, fresh, any);
                    }
                    visit(orelse, i, fresh, any);
                    visit(finalbody, i, fresh, any);
                }
                Stmt::With { items, body } => {
                    if items
                        .iter()
                        .any(|(_, t)| t.as_ref().is_some_and(|t| binds_local(t, i)))
                    {
                        *fresh = false;
                    }
                    visit(body, i, fresh, any);
                }
                Stmt::Match(_, cases) => {
                    for (_, _, b) in cases {
                        visit(b, i, fresh, any);
                    }
                }
                _ => {}
            }
        }
    }
    visit(&f.body, *i, &mut fresh, &mut any);
    fresh && any
}

/// The functions `def` statements of a block define (nested functions).
fn nested_defs(body: &[Stmt], out: &mut Vec<usize>) {
    for s in body {
        match s {
            Stmt::Def(_, i) => out.push(*i),
            Stmt::If(_, a, b) => {
                nested_defs(a, out);
                nested_defs(b, out);
            }
            Stmt::While(_, a) | Stmt::For(_, _, a) => nested_defs(a, out),
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                nested_defs(body, out);
                for h in handlers {
                    nested_defs(&h.body, out);
                }
                nested_defs(orelse, out);
                nested_defs(finalbody, out);
            }
            Stmt::With { body, .. } => nested_defs(body, out),
            Stmt::Match(_, cases) => {
                for (_, _, b) in cases {
                    nested_defs(b, out);
                }
            }
            Stmt::Class { body, .. } => nested_defs(body, out),
            _ => {}
        }
    }
}

/// What an import bound module global `n` to, when the module body binds it only there
/// (`from helper import f` → `ModuleRef`, `from json import loads` → `Stdlib`).
fn import_of<'m>(m: &'m Module, n: &str) -> Option<&'m ExprKind> {
    let mut found = None;
    for s in &m.body {
        if let Stmt::Assign(ts, e) = s {
            if ts
                .iter()
                .any(|t| matches!(t, Target::Name(Name::Global(_, t)) if t == n))
            {
                if found.is_some() {
                    return None;
                }
                found = Some(&e.kind);
            }
        }
    }
    found.filter(|k| matches!(k, ExprKind::ModuleRef(_, Some(_)) | ExprKind::Stdlib(_)))
}

/// Whether a block stores into an item or attribute (`x[k] = v`, `o.a = v`) of an object
/// that may be shared (anything but a fresh local container).
fn has_shared_store(f: &Function, body: &[Stmt]) -> bool {
    let target = |t: &Target| -> bool {
        fn shared(f: &Function, t: &Target) -> bool {
            match t {
                Target::Item(x, _) => !fresh_local(f, x),
                // `__init__` setting attributes of the instance it initialises.
                Target::Attr(x, _) => {
                    !(f.name == "__init__" && matches!(x.kind, ExprKind::Name(Name::Local(0, _))))
                }
                Target::Unpack(ts, _) => ts.iter().any(|t| shared(f, t)),
                Target::Starred(t) => shared(f, t),
                Target::Slice(x, ..) => !fresh_local(f, x),
                Target::Name(_) => false,
            }
        }
        shared(f, t)
    };
    body.iter().any(|s| match s {
        Stmt::Assign(ts, _) | Stmt::Delete(ts) => ts.iter().any(target),
        Stmt::AugAssign(t, ..) => target(t),
        Stmt::For(t, _, b) => target(t) || has_shared_store(f, b),
        Stmt::If(_, a, b) => has_shared_store(f, a) || has_shared_store(f, b),
        Stmt::While(_, a) => has_shared_store(f, a),
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            has_shared_store(f, body)
                || handlers.iter().any(|h| has_shared_store(f, &h.body))
                || has_shared_store(f, orelse)
                || has_shared_store(f, finalbody)
        }
        Stmt::With { items, body } => {
            items.iter().any(|(_, t)| t.as_ref().is_some_and(target)) || has_shared_store(f, body)
        }
        Stmt::Match(_, cases) => cases.iter().any(|(_, _, b)| has_shared_store(f, b)),
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

/// Whether module function `name` returns a `bool` whenever it returns (it may raise): every
/// `return` gives a comparison, `not`, a bool constant, a predicate builtin or `str` method,
/// a call of another such module function, or `and`/`or`/conditional expressions of those,
/// and the body cannot fall off its end (an implicit `None`).
pub fn returns_bool(program: &Program, module: &str, name: &str) -> bool {
    let mut seen = BTreeSet::new();
    returns_bool_in(program, module, name, &mut seen)
}

fn returns_bool_in(
    program: &Program,
    module: &str,
    name: &str,
    seen: &mut BTreeSet<(String, String)>,
) -> bool {
    if !seen.insert((module.to_string(), name.to_string())) {
        // Recursion: the other returns decide.
        return true;
    }
    let Some(m) = program.modules.get(module) else {
        return false;
    };
    let Some(f) = top_def(m, name).and_then(|i| m.functions.get(i)) else {
        return false;
    };
    fn always_returns(body: &[Stmt]) -> bool {
        match body.last() {
            Some(Stmt::Return(_)) | Some(Stmt::Raise(..)) => true,
            Some(Stmt::If(_, a, b)) => always_returns(a) && always_returns(b),
            Some(Stmt::Match(_, cases)) => {
                cases
                    .last()
                    .is_some_and(|(p, g, _)| matches!(p, Pattern::Wildcard) && g.is_none())
                    && cases.iter().all(|(_, _, b)| always_returns(b))
            }
            _ => false,
        }
    }
    if !always_returns(&f.body) {
        return false;
    }
    let mut returns: Vec<&Expr> = Vec::new();
    let mut bare = false;
    fn collect<'a>(body: &'a [Stmt], out: &mut Vec<&'a Expr>, bare: &mut bool) {
        for s in body {
            match s {
                Stmt::Return(Some(e)) => out.push(e),
                Stmt::Return(None) => *bare = true,
                Stmt::If(_, a, b) => {
                    collect(a, out, bare);
                    collect(b, out, bare);
                }
                Stmt::While(_, a) | Stmt::For(_, _, a) => collect(a, out, bare),
                Stmt::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } => {
                    collect(body, out, bare);
                    for h in handlers {
                        collect(&h.body, out, bare);
                    }
                    collect(orelse, out, bare);
                    collect(finalbody, out, bare);
                }
                // A context manager's `__exit__` can swallow the exception and fall through
                // to code after the `with` (so `always_returns` does not look inside).
                Stmt::With { body, .. } => collect(body, out, bare),
                Stmt::Match(_, cases) => {
                    for (_, _, b) in cases {
                        collect(b, out, bare);
                    }
                }
                _ => {}
            }
        }
    }
    collect(&f.body, &mut returns, &mut bare);
    !bare && returns.iter().all(|e| bool_expr(program, m, f, e, seen))
}

/// Every value local `i` of `f` is assigned (none for a parameter or another binding).
fn local_values(f: &Function, i: usize) -> Option<Vec<&Expr>> {
    if i < f.params.positional.len() + f.params.kwonly.len() {
        return None;
    }
    fn visit<'a>(body: &'a [Stmt], i: usize, out: &mut Option<Vec<&'a Expr>>) {
        for s in body {
            match s {
                Stmt::Assign(ts, e) => {
                    for t in ts {
                        match t {
                            Target::Name(Name::Local(j, _)) if *j == i => {
                                if let Some(v) = out.as_mut() {
                                    v.push(e)
                                }
                            }
                            t if binds_local(t, i) => *out = None,
                            _ => {}
                        }
                    }
                }
                Stmt::AugAssign(t, ..) | Stmt::For(t, ..) if binds_local(t, i) => *out = None,
                Stmt::For(_, _, b) | Stmt::While(_, b) => visit(b, i, out),
                Stmt::If(_, a, b) => {
                    visit(a, i, out);
                    visit(b, i, out);
                }
                Stmt::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } => {
                    visit(body, i, out);
                    for h in handlers {
                        if matches!(&h.name, Some(Name::Local(j, _)) if *j == i) {
                            *out = None;
                        }
                        visit(&h.body, i, out);
                    }
                    visit(orelse, i, out);
                    visit(finalbody, i, out);
                }
                Stmt::With { items, body } => {
                    if items
                        .iter()
                        .any(|(_, t)| t.as_ref().is_some_and(|t| binds_local(t, i)))
                    {
                        *out = None;
                    }
                    visit(body, i, out);
                }
                Stmt::Match(_, cases) => {
                    for (_, _, b) in cases {
                        visit(b, i, out);
                    }
                }
                Stmt::Def(t, _) | Stmt::Class { target: t, .. } if binds_local(t, i) => *out = None,
                _ => {}
            }
        }
    }
    let mut out = Some(Vec::new());
    visit(&f.body, i, &mut out);
    out.filter(|v| !v.is_empty())
}

fn bool_expr(
    program: &Program,
    m: &Module,
    f: &Function,
    e: &Expr,
    seen: &mut BTreeSet<(String, String)>,
) -> bool {
    match &e.kind {
        ExprKind::Name(Name::Local(i, _)) => local_values(f, *i).is_some_and(|vs| {
            vs.iter()
                .all(|v| !matches!(v.kind, ExprKind::Name(_)) && bool_expr(program, m, f, v, seen))
        }),
        ExprKind::Const(Const::Bool(_)) | ExprKind::Compare(..) => true,
        ExprKind::Unary(UnaryOp::Not, _) => true,
        ExprKind::BoolOp(_, xs) => xs.iter().all(|x| bool_expr(program, m, f, x, seen)),
        ExprKind::IfExp(_, b, c) => {
            bool_expr(program, m, f, b, seen) && bool_expr(program, m, f, c, seen)
        }
        ExprKind::Call(f, _) => match &f.kind {
            ExprKind::Name(Name::Builtin(b)) => matches!(
                b.as_str(),
                "bool" | "isinstance" | "issubclass" | "any" | "all" | "callable" | "hasattr"
            ),
            ExprKind::Name(Name::Global(_, n)) => {
                top_def(m, n).is_some() && returns_bool_in(program, &m.name, n, seen)
            }
            ExprKind::ModuleRef(md, Some(n)) => returns_bool_in(program, md, n, seen),
            _ => false,
        },
        ExprKind::MethodCall(_, meth, _) => matches!(
            meth.as_str(),
            "startswith"
                | "endswith"
                | "isdigit"
                | "isalpha"
                | "isalnum"
                | "islower"
                | "isupper"
                | "isspace"
                | "isnumeric"
                | "isdecimal"
                | "isidentifier"
                | "istitle"
                | "isascii"
                | "isprintable"
                | "issubset"
                | "issuperset"
                | "isdisjoint"
        ),
        _ => false,
    }
}
