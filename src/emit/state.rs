//! Which module state a detection's tests can observe, for the runtime's policy after a
//! refusal.
//!
//! When ferrule refuses an operation, CPython would have carried on from that point, and
//! what it did next (rebinding a `global`, appending to a module-level list, writing to the
//! caching store) is unknown. Later tests of the same run that can observe such state are
//! therefore refused too (see `runtime/src/runner.rs`). The state a detection can observe
//! lives in the modules it can reach: its own, the helpers it imports (transitively), the
//! data models' modules, and the caching store. A module whose globals can never change
//! after import (no `global` rebinding, every global an immutable value) carries no state
//! and is left out, so a refusal in one detection does not spread through a stateless
//! helper that every detection imports.

use std::collections::BTreeSet;

use crate::ir::*;

/// The name the runtime uses for the caching store's state.
pub const CACHING_STORE: &str = "panther_detection_helpers.caching";

/// The modules (and the caching store) whose state `d`'s tests can observe, sorted.
pub fn state_modules(program: &Program, d: &Detection) -> Vec<String> {
    let mut reach: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = vec![d.module.as_str()];
    for dm in &program.data_models {
        if let Some(m) = &dm.module {
            stack.push(m.as_str());
        }
    }
    while let Some(m) = stack.pop() {
        if !reach.insert(m) {
            continue;
        }
        if let Some(module) = program.modules.get(m) {
            stack.extend(module.imports.iter().map(String::as_str));
        }
    }
    let mut out: BTreeSet<String> = BTreeSet::new();
    for m in &reach {
        let Some(module) = program.modules.get(*m) else {
            continue;
        };
        if may_hold_state(module) {
            out.insert(module.name.clone());
        }
        if uses_caching(module) {
            out.insert(CACHING_STORE.to_string());
        }
    }
    out.into_iter().collect()
}

/// Whether code run after import can change what the module's globals hold.
pub fn may_hold_state(m: &Module) -> bool {
    // The last function is the module body's synthetic frame.
    let functions = &m.functions[..m.functions.len().saturating_sub(1)];
    functions.iter().any(rebinds_globals) || !m.body.iter().all(stateless_top)
}

/// Whether calling `f` (or evaluating its parameter defaults) may rebind a name it declares
/// `global`: by any statement, `:=` or a `case` capture.
fn rebinds_globals(f: &Function) -> bool {
    let defaults = f
        .params
        .positional
        .iter()
        .chain(f.params.kwonly.iter())
        .filter_map(|(_, d)| d.as_ref());
    let mut found = false;
    for d in defaults {
        found |= walrus_binds_global(d);
    }
    walk_stmts(&f.body, &mut |s| {
        found |= binds_global(s) || stmt_exprs(s).into_iter().any(walrus_binds_global);
    });
    found
}

/// `(x := v)` where `x` is declared `global` (in this expression or one nested in it).
fn walrus_binds_global(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Walrus(Name::Global(..), _))
        || e.children().into_iter().any(walrus_binds_global)
}

/// A `case` pattern capturing into a name declared `global`.
fn pattern_binds_global(p: &Pattern) -> bool {
    let global = |n: &Name| matches!(n, Name::Global(..));
    match p {
        Pattern::Value(_) | Pattern::Singleton(_) | Pattern::Wildcard => false,
        Pattern::Capture(n) => global(n),
        Pattern::As(p, n) => global(n) || pattern_binds_global(p),
        Pattern::Or(ps) | Pattern::Sequence(ps, _) => ps.iter().any(pattern_binds_global),
        Pattern::Star(n) => n.as_ref().is_some_and(global),
        Pattern::Mapping { patterns, rest, .. } => {
            rest.as_ref().is_some_and(global) || patterns.iter().any(pattern_binds_global)
        }
        Pattern::Class { patterns, kwd, .. } => {
            patterns.iter().any(pattern_binds_global)
                || kwd.iter().any(|(_, p)| pattern_binds_global(p))
        }
    }
}

/// Whether code run after import may rebind a global of `m`: a function or method that
/// binds a name it declares `global` (by any statement, `:=` or a `case` capture).
/// `globals()` is refused at run time and setting a module's attribute is refused, so no
/// other code can rebind them.
pub fn may_rebind_globals(m: &Module) -> bool {
    m.functions.iter().any(rebinds_globals)
}

fn target_is_global(t: &Target) -> bool {
    match t {
        Target::Name(Name::Global(..)) => true,
        Target::Unpack(ts, _) => ts.iter().any(target_is_global),
        Target::Starred(t) => target_is_global(t),
        _ => false,
    }
}

fn binds_global(s: &Stmt) -> bool {
    match s {
        Stmt::Assign(ts, _) | Stmt::Delete(ts) => ts.iter().any(target_is_global),
        Stmt::AugAssign(t, ..) | Stmt::For(t, ..) | Stmt::Def(t, _) => target_is_global(t),
        Stmt::Class { target, .. } | Stmt::RuleClass { target, .. } | Stmt::ClassDef(target, _) => {
            target_is_global(target)
        }
        Stmt::Try { handlers, .. } => handlers
            .iter()
            .any(|h| matches!(h.name, Some(Name::Global(..)))),
        Stmt::With { items, .. } => items
            .iter()
            .any(|(_, t)| t.as_ref().is_some_and(target_is_global)),
        Stmt::Match(_, arms) => arms.iter().any(|(p, ..)| pattern_binds_global(p)),
        _ => false,
    }
}

/// A module-level statement that binds only immutable values.
fn stateless_top(s: &Stmt) -> bool {
    match s {
        Stmt::Assign(ts, v) => ts.iter().all(|t| matches!(t, Target::Name(_))) && immutable(v),
        Stmt::Def(..) | Stmt::ImportModule(_) | Stmt::Pass | Stmt::Expr(_) => true,
        Stmt::If(_, a, b) => a.iter().all(stateless_top) && b.iter().all(stateless_top),
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            body.iter().all(stateless_top)
                && handlers
                    .iter()
                    .all(|h| h.name.is_none() && h.body.iter().all(stateless_top))
                && orelse.iter().all(stateless_top)
                && finalbody.iter().all(stateless_top)
        }
        _ => false,
    }
}

/// A value no code can change: constants, tuples of them, modules, functions.
fn immutable(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Const(_) | ExprKind::Stdlib(_) | ExprKind::ModuleRef(..) => true,
        ExprKind::Tuple(xs) => xs.iter().all(immutable),
        ExprKind::FString(_) => e.children().into_iter().all(immutable),
        ExprKind::Closure(_) => true,
        ExprKind::Name(Name::Builtin(_)) => true,
        ExprKind::Call(f, args) => {
            let pure_ctor = match &f.kind {
                ExprKind::Stdlib(d) => d == "re.compile",
                ExprKind::Name(Name::Builtin(b)) => b == "frozenset",
                _ => false,
            };
            pure_ctor
                && args.iter().all(|a| match a {
                    Arg::Pos(x) | Arg::Kw(_, x) => immutable(x) || is_display(x),
                    _ => false,
                })
        }
        _ => false,
    }
}

/// A display of constants (the argument of `frozenset(...)`).
fn is_display(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::List(xs) | ExprKind::Set(xs) | ExprKind::Tuple(xs) => xs.iter().all(immutable),
        _ => false,
    }
}

fn uses_caching(m: &Module) -> bool {
    let mut found = false;
    let mut check = |e: &Expr| {
        if let ExprKind::Stdlib(d) = &e.kind {
            if d.starts_with(CACHING_STORE) {
                found = true;
            }
        }
    };
    walk_module_exprs(m, &mut check);
    found
}

/// Calls `f` on every statement (nested blocks included).
pub fn walk_stmts(stmts: &[Stmt], f: &mut dyn FnMut(&Stmt)) {
    for s in stmts {
        f(s);
        for b in child_blocks(s) {
            walk_stmts(b, f);
        }
    }
}

/// The statement blocks nested in `s`.
pub fn child_blocks(s: &Stmt) -> Vec<&[Stmt]> {
    match s {
        Stmt::If(_, a, b) => vec![a, b],
        Stmt::While(_, b) | Stmt::For(_, _, b) => vec![b],
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            let mut v: Vec<&[Stmt]> = vec![body, orelse, finalbody];
            v.extend(handlers.iter().map(|h| h.body.as_slice()));
            v
        }
        Stmt::With { body, .. } => vec![body],
        Stmt::Match(_, arms) => arms.iter().map(|(_, _, b)| b.as_slice()).collect(),
        Stmt::Class { body, .. } => vec![body],
        _ => Vec::new(),
    }
}

/// The expressions directly in `s` (not in nested blocks).
pub fn stmt_exprs(s: &Stmt) -> Vec<&Expr> {
    fn target<'e>(t: &'e Target, out: &mut Vec<&'e Expr>) {
        match t {
            Target::Item(a, b) => out.extend([&**a, &**b]),
            Target::Attr(a, _) => out.push(a),
            Target::Unpack(ts, _) => ts.iter().for_each(|t| target(t, out)),
            Target::Starred(t) => target(t, out),
            Target::Slice(a, lo, hi, st) => {
                out.push(a);
                out.extend([lo, hi, st].into_iter().flatten().map(|x| &**x));
            }
            Target::Name(_) => {}
        }
    }
    let mut v = Vec::new();
    match s {
        Stmt::Expr(e) | Stmt::Return(Some(e)) | Stmt::If(e, ..) | Stmt::While(e, _) => v.push(e),
        Stmt::Assign(ts, e) => {
            v.push(e);
            ts.iter().for_each(|t| target(t, &mut v));
        }
        Stmt::Delete(ts) => ts.iter().for_each(|t| target(t, &mut v)),
        Stmt::AugAssign(t, _, e) | Stmt::For(t, e, _) => {
            v.push(e);
            target(t, &mut v);
        }
        Stmt::Raise(e, c, _) => {
            v.extend(e.iter());
            v.extend(c.iter());
        }
        Stmt::Try { handlers, .. } => v.extend(handlers.iter().flat_map(|h| h.types.iter())),
        Stmt::With { items, .. } => {
            for (e, t) in items {
                v.push(e);
                if let Some(t) = t {
                    target(t, &mut v);
                }
            }
        }
        Stmt::Match(e, arms) => {
            v.push(e);
            v.extend(arms.iter().filter_map(|(_, g, _)| g.as_ref()));
        }
        Stmt::Class {
            bases,
            keywords,
            decorators,
            ..
        } => {
            v.extend(decorators);
            v.extend(bases);
            v.extend(keywords.iter().map(|(_, e)| e));
        }
        Stmt::RuleClass { mro, members, .. } => {
            v.extend(mro);
            v.extend(members.iter().filter_map(|m| match &m.value {
                MemberValue::Expr(e) => Some(e),
                MemberValue::Function(_) => None,
            }));
        }
        Stmt::ClassDef(_, c) => {
            v.extend(&c.decorators);
            v.extend(&c.bases);
            v.extend(c.body.iter().filter_map(|i| match i {
                ClassItem::Attr { value, .. } => Some(value),
                ClassItem::Method { .. } => None,
            }));
        }
        _ => {}
    }
    v
}

/// Calls `f` on every expression of the module (bodies, functions, defaults).
pub fn walk_module_exprs(m: &Module, f: &mut dyn FnMut(&Expr)) {
    fn expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
        f(e);
        for c in e.children() {
            expr(c, f);
        }
    }
    let mut defaults: Vec<&Expr> = Vec::new();
    for func in &m.functions {
        for (_, d) in func
            .params
            .positional
            .iter()
            .chain(func.params.kwonly.iter())
        {
            defaults.extend(d.iter());
        }
    }
    let mut stmt = |s: &Stmt| {
        for e in stmt_exprs(s) {
            expr(e, f);
        }
    };
    walk_stmts(&m.body, &mut stmt);
    for func in &m.functions {
        walk_stmts(&func.body, &mut stmt);
    }
    for d in defaults {
        expr(d, f);
    }
}
