//! IR → Rust: one file per Python module, built with `quote!`, parsed into `syn` and
//! printed with prettyplease.
//!
//! Generated code keeps Python's evaluation order and calls `ferrule_runtime` for every
//! Python-specific operation. Locals are `Option<Value>` (unbound until assigned, as in
//! Python); module globals live in the module's `Namespace`. A `try` body runs in an
//! immediately called closure returning `PyResult<Flow>`, so that `return`, `break` and
//! `continue` inside it reach the enclosing function or loop.

use proc_macro2::{Ident, Literal, Span as PSpan, TokenStream};
use quote::{format_ident, quote};

use crate::ir::*;

/// Names of the Rust items of each module, shared by all emitters.
pub struct Naming<'a> {
    pub program: &'a Program,
}

impl Naming<'_> {
    /// The Rust module identifier of a Python module.
    pub fn module_ident(&self, name: &str) -> Ident {
        format_ident!("{}", module_rust_name(self.program, name))
    }
}

/// The Rust module name of a Python module: a prefix by kind and a sanitised name, at most
/// `MODULE_NAME_MAX` characters of it, so that file names stay short whatever the id. A
/// name that was cut or that two modules share gets a hash of the full module name, and
/// any clash left after that gets a counter, so names are collision-free and depend only
/// on the set of module names.
pub fn module_rust_name(program: &Program, name: &str) -> String {
    let table = {
        let mut cache = program
            .rust_names
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match &*cache {
            Some((n, t)) if *n == program.modules.len() && t.contains_key(name) => t.clone(),
            _ => {
                let t = std::sync::Arc::new(module_rust_names(program.modules.keys()));
                *cache = Some((program.modules.len(), t.clone()));
                t
            }
        }
    };
    table
        .get(name)
        .cloned()
        .unwrap_or_else(|| module_rust_names(std::iter::once(&name.to_string()))[name].clone())
}

/// The longest sanitised name kept in a module name before a hash replaces the rest.
pub const MODULE_NAME_MAX: usize = 48;

/// Rust module names for a set of Python module names (see `module_rust_name`).
pub fn module_rust_names<'a>(
    names: impl Iterator<Item = &'a String>,
) -> std::collections::BTreeMap<String, String> {
    use std::collections::{BTreeMap, BTreeSet};
    let base = |name: &str| -> (String, bool) {
        let (prefix, rest) = match name.split_once(':') {
            Some(("detection", id)) => ("det", id),
            Some(("datamodel", id)) => ("dm", id),
            _ => ("helper", name),
        };
        let s = sanitize(rest);
        let cut = s.len() > MODULE_NAME_MAX;
        let s: String = s.chars().take(MODULE_NAME_MAX).collect();
        (format!("{prefix}_{}", s.trim_end_matches('_')), cut)
    };
    let names: Vec<&String> = names.collect();
    let bases: Vec<(String, bool)> = names.iter().map(|n| base(n)).collect();
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for (b, _) in &bases {
        *count.entry(b.as_str()).or_default() += 1;
    }
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, (b, cut)) in names.iter().zip(&bases) {
        let v = if *cut || count[b.as_str()] > 1 {
            format!("{b}_{:08x}", fnv1a32(name))
        } else {
            b.clone()
        };
        out.insert((*name).clone(), v);
    }
    // A hash collision, or an id that sanitises to another's hashed name: counters make
    // every name unique (in sorted order of the Python names, so deterministically).
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut dups: BTreeMap<String, usize> = BTreeMap::new();
    for v in out.values() {
        *dups.entry(v.clone()).or_default() += 1;
    }
    for (_, v) in out.iter_mut() {
        if dups[v.as_str()] > 1 || used.contains(v.as_str()) {
            let mut i = 1;
            while used.contains(&format!("{v}_{i}")) || dups.contains_key(&format!("{v}_{i}")) {
                i += 1;
            }
            *v = format!("{v}_{i}");
        }
        used.insert(v.clone());
    }
    out
}

/// FNV-1a (32 bits): a stable hash for name suffixes (never Rust's randomised hasher).
fn fnv1a32(s: &str) -> u32 {
    let mut h: u32 = 0x811c9dc5;
    for b in s.bytes() {
        h = (h ^ b as u32).wrapping_mul(0x01000193);
    }
    h
}

/// A Rust identifier fragment from any text.
pub fn sanitize(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        "x".into()
    } else {
        out
    }
}

/// Whether `e` can be evaluated order-free: no assignment (walrus) and no builtin with side
/// effects. Everything else is checked at run time by `rt::purity`.
fn order_free_ok(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Walrus(..) | ExprKind::Super(..) => false,
        ExprKind::Call(f, _) if matches!(&f.kind, ExprKind::Name(Name::Builtin(b)) if !ferrule_runtime::builtins::def(b).is_some_and(|d| d.pure)) => {
            false
        }
        _ => e.children().into_iter().all(order_free_ok),
    }
}

/// A loop target that only binds names (an attribute or item target mutates an object).
fn target_is_names(t: &Target) -> bool {
    match t {
        Target::Name(_) => true,
        Target::Unpack(ts, _) => ts.iter().all(target_is_names),
        Target::Starred(t) => target_is_names(t),
        Target::Item(..) | Target::Attr(..) | Target::Slice(..) => false,
    }
}

/// The locals a target binds.
fn target_locals(t: &Target, out: &mut Vec<usize>) {
    match t {
        Target::Name(Name::Local(i, _)) => out.push(*i),
        Target::Unpack(ts, _) => ts.iter().for_each(|t| target_locals(t, out)),
        Target::Starred(t) => target_locals(t, out),
        _ => {}
    }
}

fn lit_str(s: &str) -> Literal {
    Literal::string(s)
}

fn local_ident(i: usize, name: &str) -> Ident {
    format_ident!("l{}_{}", i, sanitize(name))
}

fn fn_ident(i: usize, name: &str) -> Ident {
    format_ident!("f{}_{}", i, sanitize(name))
}

/// The string constants of one module, numbered in order of first emission: the module
/// builds them once per thread (its `LITS` table) instead of once per evaluation.
#[derive(Default)]
struct Lits {
    index: std::collections::HashMap<String, usize>,
    items: Vec<String>,
}

impl Lits {
    fn slot(&mut self, s: &str) -> usize {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.items.len();
        self.items.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
}

/// Emission context of one function body.
struct Fx<'a> {
    module: &'a Module,
    naming: &'a Naming<'a>,
    /// The module's string constants (shared by all of its functions).
    lits: &'a std::cell::RefCell<Lits>,
    func: &'a Function,
    /// Inside how many `try` closures (0 = directly in the function).
    try_depth: usize,
    /// Whether a loop encloses the statement inside the innermost `try` closure.
    loop_in_closure: bool,
    /// The namespaces of the class bodies being emitted, innermost last.
    class_ns: Vec<Ident>,
    /// The module's `__name__` (a class's `__module__`).
    mod_name: String,
    counter: usize,
    is_module_body: bool,
    /// Emitting a generator's body: an `async` block whose `yield`s are `.await`s, and
    /// whose `try` bodies are `async` blocks instead of closures (see `rt::gen`).
    generator: bool,
}

impl<'a> Fx<'a> {
    fn fresh(&mut self, base: &str) -> Ident {
        self.counter += 1;
        format_ident!("__{}{}", base, self.counter)
    }

    fn local(&self, i: usize) -> Ident {
        local_ident(i, &self.func.locals[i])
    }

    /// Whether local `i` lives in a cell (captured by an inner scope, or free here).
    fn is_cell(&self, i: usize) -> bool {
        self.func.cells.contains(&i)
    }

    /// Whether local `i` is a free variable of this function (captured from outside).
    fn is_free(&self, i: usize) -> bool {
        self.func.captures.iter().any(|(_, own)| *own == i)
    }

    /// Reads local `i` (a plain local or a cell).
    fn read_local(&self, i: usize, name: &str) -> TokenStream {
        let id = self.local(i);
        let n = lit_str(name);
        if self.is_cell(i) {
            let free = self.is_free(i);
            quote! { rt::call::cell_get(&#id, #n, #free)? }
        } else {
            quote! { rt::call::local(&#id, #n)? }
        }
    }

    /// Fresh cells for the variables a comprehension binds (each run of a comprehension
    /// has its own scope, so closures made in one run do not see the next).
    fn fresh_cells(&self, targets: &[&Target]) -> TokenStream {
        let mut locals = Vec::new();
        for t in targets {
            target_locals(t, &mut locals);
        }
        let mut out = TokenStream::new();
        for i in locals {
            if self.is_cell(i) {
                let id = self.local(i);
                out.extend(quote! { #id = rt::call::new_cell(None); });
            }
        }
        out
    }

    // ----- statements ---------------------------------------------------------------

    fn block(&mut self, stmts: &[Stmt]) -> TokenStream {
        let mut out = TokenStream::new();
        for s in stmts {
            out.extend(self.stmt(s));
        }
        out
    }

    fn stmt(&mut self, s: &Stmt) -> TokenStream {
        match s {
            Stmt::Expr(e) => {
                let e = self.expr(e);
                quote! { let _ = #e; }
            }
            Stmt::Pass => quote! {},
            Stmt::Assign(targets, value) => {
                let v = self.expr(value);
                if targets.len() == 1 {
                    let a = self.assign(&targets[0], quote! { __v });
                    quote! { { let __v: Value = #v; #a } }
                } else {
                    let assigns: Vec<TokenStream> = targets
                        .iter()
                        .map(|t| self.assign(t, quote! { __v.clone() }))
                        .collect();
                    quote! { { let __v: Value = #v; #(#assigns)* } }
                }
            }
            Stmt::AugAssign(target, op, value) => self.aug_assign(target, *op, value),
            Stmt::If(test, body, orelse) => {
                let c = self.cond(test);
                let b = self.block(body);
                if orelse.is_empty() {
                    quote! { if #c { #b } }
                } else {
                    let o = self.block(orelse);
                    quote! { if #c { #b } else { #o } }
                }
            }
            Stmt::While(test, body) => {
                let saved = std::mem::replace(&mut self.loop_in_closure, true);
                let c = self.cond(test);
                let b = self.block(body);
                self.loop_in_closure = saved;
                if matches!(test.kind, ExprKind::Const(Const::Bool(true))) {
                    return quote! { loop { #b } };
                }
                quote! { while #c { #b } }
            }
            Stmt::For(target, iter, body) => {
                let it = self.iter_expr(iter);
                let iter_var = self.fresh("iter");
                let saved = std::mem::replace(&mut self.loop_in_closure, true);
                let assign = self.assign(target, quote! { __item });
                let b = self.block(body);
                self.loop_in_closure = saved;
                // The iterator lives exactly as long as the loop (CPython pops it when the
                // loop ends), which decides when an abandoned generator is closed.
                quote! {
                    {
                        let mut #iter_var = rt::call::PyIter::new(&#it)?;
                        while let Some(__item) = #iter_var.next()? {
                            #assign
                            #b
                        }
                    }
                }
            }
            Stmt::Break => {
                if self.try_depth > 0 && !self.loop_in_closure {
                    quote! { return Ok(rt::call::Flow::Break); }
                } else {
                    quote! { break; }
                }
            }
            Stmt::Continue => {
                if self.try_depth > 0 && !self.loop_in_closure {
                    quote! { return Ok(rt::call::Flow::Continue); }
                } else {
                    quote! { continue; }
                }
            }
            Stmt::Return(v) => {
                let v = match v {
                    Some(e) => self.expr(e),
                    None => quote! { Value::None },
                };
                if self.try_depth > 0 {
                    quote! { return Ok(rt::call::Flow::Return(#v)); }
                } else {
                    quote! { return Ok(#v); }
                }
            }
            Stmt::Raise(e, cause, _) => match (e, cause) {
                (Some(e), None) => {
                    let v = self.expr(e);
                    quote! { return Err(rt::exc::raise_stmt(&#v, None)); }
                }
                (Some(e), Some(c)) => {
                    let v = self.expr(e);
                    let c = self.expr(c);
                    quote! { { let __exc: Value = #v; let __cause: Value = #c; return Err(rt::exc::raise_stmt(&__exc, Some(&__cause))); } }
                }
                (None, _) => quote! { return Err(rt::exc::reraise()); },
            },
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_stmt(body, handlers, orelse, finalbody),
            Stmt::With { items, body } => self.with_stmt(items, body),
            Stmt::Match(subject, cases) => {
                // Cases are tried in order; a case's captures are bound once its pattern
                // matched, before its guard (so they stay bound when the guard fails).
                let subj = self.expr(subject);
                let mut steps = TokenStream::new();
                for (pat, guard, body) in cases {
                    let mut caps: Vec<(Name, Ident)> = Vec::new();
                    let test = self.pattern(pat, quote! { __subj }, &mut caps);
                    let decls: Vec<TokenStream> = caps
                        .iter()
                        .map(|(_, id)| quote! { let mut #id: Option<Value> = None; })
                        .collect();
                    let binds: Vec<TokenStream> = caps
                        .iter()
                        .map(|(n, id)| {
                            self.assign(
                                &Target::Name(n.clone()),
                                quote! { #id.clone().unwrap_or_default() },
                            )
                        })
                        .collect();
                    let g = match guard {
                        Some(g) => self.cond(g),
                        None => quote! { true },
                    };
                    let b = self.block(body);
                    steps.extend(quote! {
                        if !__matched {
                            #(#decls)*
                            if #test {
                                #(#binds)*
                                if #g {
                                    __matched = true;
                                    #b
                                }
                            }
                        }
                    });
                }
                quote! { { let __subj: Value = #subj; let mut __matched = false; #steps } }
            }
            Stmt::Def(target, idx) => {
                let v = self.function_value(*idx);
                self.assign(target, v)
            }
            Stmt::Delete(targets) => {
                let mut out = TokenStream::new();
                for t in targets {
                    out.extend(self.delete(t));
                }
                out
            }
            Stmt::ImportModule(name) => {
                let m = self.naming.module_ident(name);
                quote! { crate::m::#m::init()?; }
            }
            Stmt::Class {
                target,
                name,
                qualname,
                decorators,
                bases,
                keywords,
                body,
                annotations,
                cell,
            } => {
                let mut steps = TokenStream::new();
                let mut decs = Vec::new();
                for d in decorators {
                    let v = self.expr(d);
                    let id = self.fresh("dec");
                    steps.extend(quote! { let #id: Value = #v; });
                    decs.push(id);
                }
                let bases: Vec<TokenStream> = bases.iter().map(|b| self.expr(b)).collect();
                let mut kws = TokenStream::new();
                for (k, v) in keywords {
                    let k = lit_str(k);
                    let v = self.expr(v);
                    kws.extend(quote! { __kws.push((#k.to_string(), #v)); });
                }
                let (cell_init, cell_ref) = match cell {
                    Some(n @ Name::Local(..)) => {
                        let init =
                            self.assign(&Target::Name(n.clone()), quote! { __class_cell.clone() });
                        (
                            quote! { let __class_cell: Value = rt::class::class_cell(); #init },
                            quote! { Some(&__class_cell) },
                        )
                    }
                    _ => (quote! {}, quote! { None }),
                };
                let ns = self.fresh("ns");
                self.class_ns.push(ns.clone());
                let b = self.block(body);
                self.class_ns.pop();
                let anns: Vec<TokenStream> = annotations
                    .iter()
                    .map(|(n, k)| {
                        let n = lit_str(n);
                        let k = format_ident!("{}", format!("{k:?}"));
                        quote! { (#n.to_string(), rt::class::AnnKind::#k) }
                    })
                    .collect();
                let n = lit_str(name);
                let q = lit_str(qualname);
                let module = lit_str(&self.mod_name);
                let apply: Vec<TokenStream> = decs
                    .iter()
                    .rev()
                    .map(|d| quote! { let __cls = rt::ops::call(&#d, &[__cls], &[])?; })
                    .collect();
                let assign = self.assign(target, quote! { __cls });
                quote! { {
                    #steps
                    let __bases: Vec<Value> = vec![#(#bases),*];
                    let mut __kws: Vec<(String, Value)> = Vec::new();
                    #kws
                    #cell_init
                    let mut #ns = rt::class::new_ns(#module, #q);
                    #b
                    let __cls = rt::class::new_class(#n, #q, #module, __bases, __kws, #ns, vec![#(#anns),*], #cell_ref)?;
                    #(#apply)*
                    #assign
                } }
            }
            Stmt::RuleClass {
                target,
                key,
                name,
                module,
                mro,
                members,
            } => {
                let mro: Vec<TokenStream> = mro.iter().map(|e| self.expr(e)).collect();
                let ms: Vec<TokenStream> = members
                    .iter()
                    .map(|m| {
                        let n = lit_str(&m.name);
                        let kind = format_ident!(
                            "{}",
                            match m.kind {
                                MemberKind::Method => "Method",
                                MemberKind::Property => "Property",
                                MemberKind::StaticMethod => "StaticMethod",
                                MemberKind::ClassMethod => "ClassMethod",
                                MemberKind::Attribute => "Attribute",
                            }
                        );
                        let v = match &m.value {
                            MemberValue::Function(idx) => self.function_value(*idx),
                            MemberValue::Expr(e) => self.expr(e),
                        };
                        quote! { (#n, rt::rule_class::Kind::#kind, #v) }
                    })
                    .collect();
                let k = lit_str(key);
                let n = lit_str(name);
                let module = lit_str(module);
                let v = quote! {
                    rt::rule_class::new_class(#k, #n, #module, vec![#(#mro),*], vec![#(#ms),*])?
                };
                self.assign(target, v)
            }
            // The resolve stage replaces every class item; one left over is refused when it
            // runs rather than guessed.
            Stmt::ClassDef(..) | Stmt::Unconverted(_) => {
                quote! {
                    return Err(rt::ops::unsupported("a class statement of a PyPanther project"));
                }
            }
        }
    }

    /// A pattern as a Rust `bool` expression matching the `Value` expression `v`; captures
    /// go to the `Option<Value>` variables in `caps` (one per name).
    fn pattern(
        &mut self,
        p: &Pattern,
        v: TokenStream,
        caps: &mut Vec<(Name, Ident)>,
    ) -> TokenStream {
        fn capture(
            fx: &mut Fx,
            caps: &mut Vec<(Name, Ident)>,
            n: &Name,
            v: &TokenStream,
        ) -> TokenStream {
            let id = match caps.iter().find(|(m, _)| m == n) {
                Some((_, id)) => id.clone(),
                None => {
                    let id = fx.fresh("cap");
                    caps.push((n.clone(), id.clone()));
                    id
                }
            };
            quote! { { #id = Some((#v).clone()); true } }
        }
        let all = |cs: Vec<TokenStream>| {
            if cs.is_empty() {
                quote! { true }
            } else {
                quote! { (#(#cs)&&*) }
            }
        };
        match p {
            Pattern::Wildcard | Pattern::Star(None) => quote! { true },
            Pattern::Capture(n) | Pattern::Star(Some(n)) => capture(self, caps, n, &v),
            Pattern::As(q, n) => {
                let inner = self.pattern(q, v.clone(), caps);
                let c = capture(self, caps, n, &v);
                quote! { (#inner && #c) }
            }
            Pattern::Value(e) => {
                let x = self.expr(e);
                quote! { rt::ops::compare(rt::ops::CmpOp::Eq, &#v, &#x)? }
            }
            Pattern::Singleton(e) => {
                let x = self.expr(e);
                quote! { (#v).is(&#x) }
            }
            Pattern::Or(ps) => {
                let ps: Vec<TokenStream> = ps
                    .iter()
                    .map(|q| self.pattern(q, v.clone(), caps))
                    .collect();
                quote! { (#(#ps)||*) }
            }
            Pattern::Sequence(ps, star) => {
                let items = self.fresh("items");
                let n = Literal::usize_unsuffixed(ps.len());
                let star_tok = match star {
                    Some(i) => {
                        let i = Literal::usize_unsuffixed(*i);
                        quote! { Some(#i) }
                    }
                    None => quote! { None },
                };
                let star_wild = star.is_some_and(|i| matches!(ps[i], Pattern::Star(None)));
                let only_wild = ps
                    .iter()
                    .all(|q| matches!(q, Pattern::Wildcard | Pattern::Star(None)));
                let subs: Vec<TokenStream> = ps
                    .iter()
                    .enumerate()
                    .map(|(i, q)| {
                        let i = Literal::usize_unsuffixed(i);
                        self.pattern(q, quote! { #items[#i] }, caps)
                    })
                    .collect();
                let subs = all(subs);
                quote! {
                    match rt::pattern::sequence(&#v, #n, #star_tok, #star_wild, #only_wild)? {
                        Some(#items) => (#subs),
                        None => false,
                    }
                }
            }
            Pattern::Mapping {
                keys,
                patterns,
                rest,
            } => {
                let n = Literal::usize_unsuffixed(keys.len());
                let keys_id = self.fresh("keys");
                let vals = self.fresh("vals");
                let ks: Vec<TokenStream> = keys.iter().map(|k| self.expr(k)).collect();
                let rest_cap = match rest {
                    Some(r) => {
                        let rv = self.fresh("rest");
                        let c = capture(self, caps, r, &quote! { #rv });
                        quote! { { let #rv: Value = rt::pattern::rest(&#v, &#keys_id)?; #c } && }
                    }
                    None => quote! {},
                };
                let subs: Vec<TokenStream> = patterns
                    .iter()
                    .enumerate()
                    .map(|(i, q)| {
                        let i = Literal::usize_unsuffixed(i);
                        self.pattern(q, quote! { #vals[#i] }, caps)
                    })
                    .collect();
                let subs = all(subs);
                quote! {
                    (rt::pattern::mapping_fits(&#v, #n)? && {
                        let #keys_id: Vec<Value> = vec![#(#ks),*];
                        match rt::pattern::keys(&#v, &#keys_id)? {
                            Some(#vals) => (#rest_cap #subs),
                            None => false,
                        }
                    })
                }
            }
            Pattern::Class { cls, patterns, kwd } => {
                let c = self.expr(cls);
                let attrs = self.fresh("attrs");
                let npos = Literal::usize_unsuffixed(patterns.len());
                let names: Vec<Literal> = kwd.iter().map(|(k, _)| lit_str(k)).collect();
                let subs: Vec<TokenStream> = patterns
                    .iter()
                    .chain(kwd.iter().map(|(_, q)| q))
                    .enumerate()
                    .map(|(i, q)| {
                        let i = Literal::usize_unsuffixed(i);
                        self.pattern(q, quote! { #attrs[#i] }, caps)
                    })
                    .collect();
                let subs = all(subs);
                quote! {
                    {
                        let __cls: Value = #c;
                        match rt::pattern::class(&#v, &__cls, #npos, &[#(#names),*])? {
                            Some(#attrs) => (#subs),
                            None => false,
                        }
                    }
                }
            }
        }
    }

    /// A block run as an immediately called closure returning `PyResult<Flow>`: its
    /// `return`, `break` and `continue` become `Flow` values for the caller to act on.
    fn closure_block(&mut self, stmts: &[Stmt]) -> TokenStream {
        self.try_depth += 1;
        let saved_loop = std::mem::replace(&mut self.loop_in_closure, false);
        let b = self.block(stmts);
        self.loop_in_closure = saved_loop;
        self.try_depth -= 1;
        let run = self.run_flow(quote! { #b Ok(rt::call::Flow::Normal) });
        quote! {
            {
                #[allow(clippy::redundant_closure_call)]
                let __c: PyResult<rt::call::Flow> = #run;
                __c
            }
        }
    }

    /// Runs `body` (statements ending in a `PyResult<Flow>` value) as an expression of that
    /// type: an immediately called closure, or in a generator an awaited `async` block, so
    /// that the `yield`s in it (`.await`s) suspend the generator's body (see `rt::gen`).
    fn run_flow(&self, body: TokenStream) -> TokenStream {
        if self.generator {
            quote! { (async { let __v: PyResult<rt::call::Flow> = { #body }; __v }).await }
        } else {
            quote! { (|| -> PyResult<rt::call::Flow> { #body })() }
        }
    }

    /// Acts on the `PyResult<Flow>` in `r`: continue, return, break, continue the loop, or
    /// propagate the exception.
    fn dispatch(&self, r: TokenStream) -> TokenStream {
        let ret = if self.try_depth > 0 {
            quote! { return Ok(rt::call::Flow::Return(__v)); }
        } else if self.is_module_body {
            quote! { { let _ = __v; return Ok(()); } }
        } else {
            quote! { return Ok(__v); }
        };
        let err = quote! { return Err(__e); };
        // A `break`/`continue` leaving the closure continues outward: to the loop around
        // the statement if there is one in this frame, or out of an enclosing closure.
        let loop_arms = if self.try_depth > 0 && !self.loop_in_closure {
            quote! {
                Ok(rt::call::Flow::Break) => { return Ok(rt::call::Flow::Break); }
                Ok(rt::call::Flow::Continue) => { return Ok(rt::call::Flow::Continue); }
            }
        } else if self.loop_in_closure {
            quote! {
                Ok(rt::call::Flow::Break) => { break; }
                Ok(rt::call::Flow::Continue) => { continue; }
            }
        } else {
            quote! { Ok(rt::call::Flow::Break | rt::call::Flow::Continue) => {} }
        };
        quote! {
            match #r {
                Ok(rt::call::Flow::Normal) => {}
                Ok(rt::call::Flow::Return(__v)) => { #ret }
                #loop_arms
                Err(__e) => { #err }
            }
        }
    }

    /// `try` with `except` clauses, `else` and `finally`. A refusal skips every clause:
    /// nothing in Python may observe it.
    fn try_stmt(
        &mut self,
        body: &[Stmt],
        handlers: &[Handler],
        orelse: &[Stmt],
        finalbody: &[Stmt],
    ) -> TokenStream {
        let b = self.closure_block(body);
        let err = self.fresh("err");
        let selection = if handlers.is_empty() {
            quote! { Err(#err) }
        } else {
            let mut arms = TokenStream::new();
            for (i, h) in handlers.iter().enumerate() {
                let test = if h.types.is_empty() {
                    quote! { true }
                } else {
                    let tys: Vec<TokenStream> = h.types.iter().map(|t| self.expr(t)).collect();
                    quote! { #(rt::call::exc_matches(&#err, &#tys)?)||* }
                };
                let bind = match &h.name {
                    Some(n) => self.assign(
                        &Target::Name(n.clone()),
                        quote! { rt::call::exc_value(&#err) },
                    ),
                    None => quote! {},
                };
                let hb = self.closure_block(&h.body);
                // Python unbinds `except … as e` names when the handler ends.
                let unbind = match &h.name {
                    Some(n) => self.unbind(n),
                    None => quote! {},
                };
                let kw = if i == 0 {
                    quote! { if }
                } else {
                    quote! { else if }
                };
                arms.extend(quote! {
                    #kw #test {
                        #bind
                        let __hr: PyResult<rt::call::Flow> = {
                            let __handling = rt::call::Handling::enter(&#err);
                            #hb
                        };
                        #unbind
                        __hr.map_err(|__x| rt::exc::chain(__x, &#err))
                    }
                });
            }
            let run = self.run_flow(quote! { #arms else { Err(#err.clone()) } });
            quote! {
                {
                    #[allow(clippy::redundant_closure_call)]
                    let __s: PyResult<rt::call::Flow> = #run;
                    __s
                }
            }
        };
        let else_part = if orelse.is_empty() {
            quote! { Ok(rt::call::Flow::Normal) }
        } else {
            self.closure_block(orelse)
        };
        let finally_part = if finalbody.is_empty() {
            quote! {}
        } else {
            let f = self.closure_block(finalbody);
            quote! {
                let __r: PyResult<rt::call::Flow> = match __r {
                    Err(__e) if __e.is_refusal() => Err(__e),
                    __r => {
                        let __r = match __r {
                            Err(__e) => Err(rt::exc::caught(__e)),
                            __ok => __ok,
                        };
                        let __f: PyResult<rt::call::Flow> = {
                            let __handling = rt::call::Handling::enter_pending(&__r);
                            #f
                        };
                        match __f {
                            Ok(rt::call::Flow::Normal) => __r,
                            Ok(__flow) => Ok(__flow),
                            Err(__x) => Err(rt::exc::chain_pending(__x, &__r)),
                        }
                    }
                };
            }
        };
        let dispatch = self.dispatch(quote! { __r });
        quote! {
            {
                let __r: PyResult<rt::call::Flow> = #b;
                let __r: PyResult<rt::call::Flow> = match __r {
                    Ok(rt::call::Flow::Normal) => #else_part,
                    Err(#err) if !#err.is_refusal() => {
                        let #err = rt::exc::caught(#err);
                        #selection
                    }
                    __other => __other,
                };
                #finally_part
                #dispatch
            }
        }
    }

    /// `with a as x, b: body`: the managers are entered left to right; each `__exit__`
    /// runs however its block ends (and may suppress an exception), except on a refusal.
    fn with_stmt(&mut self, items: &[(Expr, Option<Target>)], body: &[Stmt]) -> TokenStream {
        let Some(((mgr, target), rest)) = items.split_first() else {
            return self.block(body);
        };
        let m = self.expr(mgr);
        let exit = self.fresh("exit");
        let val = self.fresh("entered");
        let assign = match target {
            Some(t) => self.assign(t, quote! { #val.clone() }),
            None => quote! {},
        };
        // The target's assignment is inside the protected block, as in CPython.
        let inner = assign;
        self.try_depth += 1;
        let saved_loop = std::mem::replace(&mut self.loop_in_closure, false);
        let nested = if rest.is_empty() {
            self.block(body)
        } else {
            self.with_stmt(rest, body)
        };
        self.loop_in_closure = saved_loop;
        self.try_depth -= 1;
        let dispatch = self.dispatch(quote! { __r });
        let run = self.run_flow(quote! { #inner #nested Ok(rt::call::Flow::Normal) });
        quote! {
            {
                let __mgr: Value = #m;
                let (#exit, #val) = rt::exc::enter_with(&__mgr)?;
                #[allow(clippy::redundant_closure_call)]
                let __r: PyResult<rt::call::Flow> = #run;
                let __r: PyResult<rt::call::Flow> = match __r {
                    Err(__e) if __e.is_refusal() => Err(__e),
                    Err(__e) => {
                        let __e = rt::exc::caught(__e);
                        let __handling = rt::call::Handling::enter(&__e);
                        match rt::exc::exit_with(&#exit, Some(&__e)) {
                            Ok(true) => Ok(rt::call::Flow::Normal),
                            Ok(false) => Err(__e),
                            Err(__x) => Err(rt::exc::chain(__x, &__e)),
                        }
                    }
                    Ok(__flow) => rt::exc::exit_with(&#exit, None).map(|_| __flow),
                };
                #dispatch
            }
        }
    }

    /// Unbinds a name (the end of `except … as name`).
    fn unbind(&mut self, n: &Name) -> TokenStream {
        match n {
            Name::Local(i, name) if self.is_cell(*i) => {
                let id = local_ident(*i, name);
                quote! { *#id.borrow_mut() = None; }
            }
            Name::Local(i, name) => {
                let id = local_ident(*i, name);
                quote! { #id = None; }
            }
            Name::ClassNs(name, _) => {
                let ns = self.class_ns.last().cloned();
                let n = lit_str(name);
                match ns {
                    Some(ns) => quote! { #ns.shift_remove(#n); },
                    None => quote! {},
                }
            }
            _ => quote! {},
        }
    }

    /// `del target`.
    fn delete(&mut self, t: &Target) -> TokenStream {
        match t {
            Target::Name(Name::Local(i, n)) => {
                let id = self.local(*i);
                let nl = lit_str(n);
                if self.is_cell(*i) {
                    let free = self.is_free(*i);
                    quote! { rt::call::del_cell(&#id, #nl, #free)?; }
                } else {
                    quote! { rt::call::del_local(&mut #id, #nl)?; }
                }
            }
            Target::Name(Name::Global(slot, _)) => {
                let slot = Literal::usize_unsuffixed(*slot);
                quote! { d(#slot)?; }
            }
            Target::Name(Name::Builtin(n)) => {
                let nl = lit_str(&format!("name '{n}' is not defined"));
                quote! { return Err(rt::PyErr::new(rt::ExcKind::NameError, #nl)); }
            }
            Target::Name(Name::ClassNs(n, _)) => {
                // `del x` in a class body removes it from the namespace (CPython's
                // DELETE_NAME: NameError when the namespace lacks it).
                let ns = self.class_ns.last().cloned().expect("a class body");
                let key = lit_str(n);
                let msg = lit_str(&format!("name '{n}' is not defined"));
                quote! {
                    if #ns.shift_remove(#key).is_none() {
                        return Err(rt::PyErr::new(rt::ExcKind::NameError, #msg));
                    }
                }
            }
            Target::Item(obj, key) => {
                let o = self.expr(obj);
                let k = self.expr(key);
                quote! { { let __o: Value = #o; let __k: Value = #k; rt::call::del_item(&__o, &__k)?; } }
            }
            Target::Attr(obj, name) => {
                let o = self.expr(obj);
                let n = lit_str(name);
                quote! { { let __o: Value = #o; rt::call::delattr(&__o, #n)?; } }
            }
            Target::Slice(obj, lo, hi, st) => {
                let (o, lo, hi, st) = self.slice_parts(obj, lo, hi, st);
                quote! { { let __o: Value = #o; #lo #hi #st rt::call::del_slice(&__o, __lo.as_ref(), __hi.as_ref(), __st.as_ref())?; } }
            }
            Target::Unpack(ts, _) => {
                let mut out = TokenStream::new();
                for t in ts {
                    out.extend(self.delete(t));
                }
                out
            }
            Target::Starred(t) => self.delete(t),
        }
    }

    /// The object and the bounds of a slice target, each bound bound to `__lo`/`__hi`/`__st`
    /// (`Option<Value>`), in evaluation order.
    fn slice_parts(
        &mut self,
        obj: &Expr,
        lo: &Option<Box<Expr>>,
        hi: &Option<Box<Expr>>,
        st: &Option<Box<Expr>>,
    ) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
        let o = self.expr(obj);
        let bound = |fx: &mut Self, x: &Option<Box<Expr>>, name: &str| {
            let id = format_ident!("{}", name);
            match x {
                Some(x) => {
                    let v = fx.expr(x);
                    quote! { let #id: Option<Value> = Some(#v); }
                }
                None => quote! { let #id: Option<Value> = None; },
            }
        };
        let lo = bound(self, lo, "__lo");
        let hi = bound(self, hi, "__hi");
        let st = bound(self, st, "__st");
        (o, lo, hi, st)
    }

    fn assign(&mut self, t: &Target, v: TokenStream) -> TokenStream {
        match t {
            Target::Name(Name::Local(i, _)) if self.is_cell(*i) => {
                let id = self.local(*i);
                quote! { rt::call::cell_set(&#id, #v); }
            }
            Target::Name(Name::Local(i, _)) => {
                let id = self.local(*i);
                quote! { #id = Some(#v); }
            }
            Target::Starred(t) => self.assign(t, v),
            Target::Slice(obj, lo, hi, st) => {
                let (o, lo, hi, st) = self.slice_parts(obj, lo, hi, st);
                quote! { { let __val: Value = #v; let __o: Value = #o; #lo #hi #st rt::call::set_slice(&__o, __lo.as_ref(), __hi.as_ref(), __st.as_ref(), __val)?; } }
            }
            Target::Name(Name::Global(slot, _)) => {
                let slot = Literal::usize_unsuffixed(*slot);
                quote! { s(#slot, #v); }
            }
            Target::Name(Name::Builtin(_)) => quote! { let _ = #v; },
            Target::Name(Name::ClassNs(n, _)) => {
                let ns = self.class_ns.last().cloned().expect("a class body");
                let n = lit_str(n);
                quote! { #ns.insert(#n.to_string(), #v); }
            }
            Target::Item(obj, key) => {
                let o = self.expr(obj);
                let k = self.expr(key);
                quote! { { let __val: Value = #v; let __o: Value = #o; let __k: Value = #k; rt::ops::setitem(&__o, &__k, __val)?; } }
            }
            Target::Attr(obj, name) => {
                let o = self.expr(obj);
                let n = lit_str(name);
                quote! { { let __val: Value = #v; let __o: Value = #o; rt::call::setattr(&__o, #n, __val)?; } }
            }
            Target::Unpack(targets, _)
                if targets.iter().any(|t| matches!(t, Target::Starred(_))) =>
            {
                let star = targets
                    .iter()
                    .position(|t| matches!(t, Target::Starred(_)))
                    .unwrap_or(0);
                let before = Literal::usize_unsuffixed(star);
                let after = Literal::usize_unsuffixed(targets.len() - star - 1);
                let items = self.fresh("items");
                let assigns: Vec<TokenStream> = targets
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let i = Literal::usize_unsuffixed(i);
                        self.assign(t, quote! { #items[#i].clone() })
                    })
                    .collect();
                quote! { { let #items = rt::call::unpack_star(&#v, #before, #after)?; #(#assigns)* } }
            }
            Target::Unpack(targets, _) => {
                let n = Literal::usize_unsuffixed(targets.len());
                let items = self.fresh("items");
                let assigns: Vec<TokenStream> = targets
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let i = Literal::usize_unsuffixed(i);
                        self.assign(t, quote! { #items[#i].clone() })
                    })
                    .collect();
                quote! { { let #items = rt::call::unpack(&#v, #n)?; #(#assigns)* } }
            }
        }
    }

    fn aug_assign(&mut self, t: &Target, op: BinOp, value: &Expr) -> TokenStream {
        let op = binop_tokens(op);
        match t {
            Target::Name(n) => {
                let cur = self.name(n);
                let v = self.expr(value);
                let a = self.assign(t, quote! { __new });
                quote! { { let __cur: Value = #cur; let __new = rt::ops::inplace(#op, &__cur, &#v)?; #a } }
            }
            Target::Item(obj, key) => {
                let o = self.expr(obj);
                let k = self.expr(key);
                let v = self.expr(value);
                quote! { {
                    let __o: Value = #o; let __k: Value = #k;
                    let __cur = rt::ops::getitem(&__o, &__k)?;
                    let __new = rt::ops::inplace(#op, &__cur, &#v)?;
                    rt::ops::setitem(&__o, &__k, __new)?;
                } }
            }
            Target::Attr(obj, name) => {
                let o = self.expr(obj);
                let n = lit_str(name);
                let v = self.expr(value);
                quote! { {
                    let __o: Value = #o;
                    let __cur = rt::ops::getattr(&__o, #n)?;
                    let __new = rt::ops::inplace(#op, &__cur, &#v)?;
                    rt::call::setattr(&__o, #n, __new)?;
                } }
            }
            Target::Slice(obj, lo, hi, st) => {
                let (o, lo, hi, st) = self.slice_parts(obj, lo, hi, st);
                let v = self.expr(value);
                quote! { {
                    let __o: Value = #o; #lo #hi #st
                    let __cur = rt::ops::slice(&__o, __lo.as_ref(), __hi.as_ref(), __st.as_ref())?;
                    let __new = rt::ops::inplace(#op, &__cur, &#v)?;
                    rt::call::set_slice(&__o, __lo.as_ref(), __hi.as_ref(), __st.as_ref(), __new)?;
                } }
            }
            _ => quote! {},
        }
    }

    // ----- expressions --------------------------------------------------------------

    fn name(&self, n: &Name) -> TokenStream {
        match n {
            Name::ClassNs(name, fallback) => {
                let ns = self.class_ns.last().cloned().expect("a class body");
                let n = lit_str(name);
                let f = self.name(fallback);
                quote! { match #ns.get(#n) { Some(__v) => __v.clone(), None => #f } }
            }
            Name::Local(i, name) => self.read_local(*i, name),
            Name::Global(slot, _) => {
                let slot = Literal::usize_unsuffixed(*slot);
                quote! { g(#slot)? }
            }
            Name::Builtin(b) if b.starts_with("__name__=") => {
                let n = lit_str(&b["__name__=".len()..]);
                quote! { Value::from(#n) }
            }
            Name::Builtin(b) if b.starts_with("__doc__=") => {
                let n = lit_str(&b["__doc__=".len()..]);
                quote! { Value::from(#n) }
            }
            Name::Builtin(b) if b == "__doc__" => quote! { Value::None },
            Name::Builtin(b) => {
                if let Some(k) = crate::lower::exceptions::builtin_exception(b) {
                    let k = format_ident!("{}", format!("{k:?}"));
                    quote! { rt::call::builtin_exc(rt::ExcKind::#k) }
                } else {
                    let n = lit_str(b);
                    quote! { rt::call::builtin(#n)? }
                }
            }
        }
    }

    /// A condition as a Rust `bool` expression.
    fn cond(&mut self, e: &Expr) -> TokenStream {
        match &e.kind {
            ExprKind::Compare(l, rest) if rest.len() == 1 => {
                let a = self.expr(l);
                let (op, r) = &rest[0];
                let b = self.compare_operand(*op, r);
                let op = cmpop_tokens(*op);
                quote! { rt::ops::compare(#op, &#a, &#b)? }
            }
            ExprKind::Unary(UnaryOp::Not, x) => {
                let c = self.cond(x);
                quote! { !(#c) }
            }
            ExprKind::BoolOp(BoolOp::And, xs) => {
                let cs: Vec<TokenStream> = xs.iter().map(|x| self.cond(x)).collect();
                quote! { (#(#cs)&&*) }
            }
            ExprKind::BoolOp(BoolOp::Or, xs) => {
                let cs: Vec<TokenStream> = xs.iter().map(|x| self.cond(x)).collect();
                quote! { (#(#cs)||*) }
            }
            ExprKind::Const(Const::Bool(b)) => quote! { #b },
            _ => {
                let v = self.expr(e);
                quote! { rt::ops::truthy(&#v)? }
            }
        }
    }

    fn expr(&mut self, e: &Expr) -> TokenStream {
        match &e.kind {
            ExprKind::Const(Const::Str(s)) => {
                // An entry of the module's constant table, built once per thread (a code
                // object's constant); the text is repeated for the reader.
                let i = Literal::usize_unsuffixed(self.lits.borrow_mut().slot(s));
                let l = lit_str(s);
                quote! { lit(#i, #l) }
            }
            ExprKind::Const(c) => const_tokens(c),
            ExprKind::Name(n) => self.name(n),
            ExprKind::List(items) if has_starred(items) => {
                let v = self.spread(items);
                quote! { Value::list(#v) }
            }
            ExprKind::Tuple(items) if has_starred(items) => {
                let v = self.spread(items);
                quote! { Value::tuple(#v) }
            }
            ExprKind::Set(items) if has_starred(items) => {
                let v = self.spread(items);
                quote! { rt::call::make_set(#v)? }
            }
            ExprKind::Starred(x) => {
                // Only valid inside a display (handled above); the parser rejects others.
                let v = self.expr(x);
                quote! { Value::tuple(rt::call::star_items(&#v)?) }
            }
            ExprKind::List(items) => {
                let items: Vec<TokenStream> = items.iter().map(|i| self.expr(i)).collect();
                quote! { Value::list(vec![#(#items),*]) }
            }
            ExprKind::Tuple(items) => {
                let items: Vec<TokenStream> = items.iter().map(|i| self.expr(i)).collect();
                quote! { Value::tuple(vec![#(#items),*]) }
            }
            ExprKind::Set(items) => {
                let mut fold = folds_all(items);
                let mut items = items.as_slice();
                if fold == Folded::Yes && items.len() > 2 {
                    match first_equal_display(self.module, items) {
                        Some(first) => items = first,
                        None => fold = Folded::Unknown,
                    }
                }
                let items: Vec<TokenStream> = items.iter().map(|i| self.expr(i)).collect();
                // CPython builds a display of more than two constants from a frozenset
                // constant, which can order differently from adding the items one by one.
                match fold {
                    Folded::Yes if items.len() > 2 => {
                        quote! { rt::call::make_set_folded(vec![#(#items),*])? }
                    }
                    Folded::Unknown if items.len() > 2 => {
                        quote! { rt::call::make_set_unknown_order(vec![#(#items),*])? }
                    }
                    _ => quote! { rt::call::make_set(vec![#(#items),*])? },
                }
            }
            ExprKind::Dict(items) => {
                let mut steps = TokenStream::new();
                for (k, v) in items {
                    match k {
                        Some(k) => {
                            let k = self.expr(k);
                            let v = self.expr(v);
                            steps.extend(quote! { { let __k: Value = #k; let __v: Value = #v; rt::call::dict_set(&__d, __k, __v)?; } });
                        }
                        None => {
                            let v = self.expr(v);
                            steps.extend(quote! { rt::call::dict_spread(&__d, &#v)?; });
                        }
                    }
                }
                quote! { { let __d = rt::call::new_dict(); #steps __d } }
            }
            ExprKind::Attr(obj, name) => {
                let o = self.expr(obj);
                let n = lit_str(name);
                quote! { rt::ops::getattr(&#o, #n)? }
            }
            ExprKind::Subscript(obj, key) => {
                let o = self.expr(obj);
                let k = self.expr(key);
                quote! { rt::ops::getitem(&#o, &#k)? }
            }
            ExprKind::Slice(obj, lo, hi, st) => {
                let o = self.expr(obj);
                let opt = |fx: &mut Self, x: &Option<Box<Expr>>| match x {
                    Some(x) => {
                        let v = fx.expr(x);
                        quote! { Some(&#v) }
                    }
                    None => quote! { None },
                };
                let lo = opt(self, lo);
                let hi = opt(self, hi);
                let st = opt(self, st);
                quote! { rt::ops::slice(&#o, #lo, #hi, #st)? }
            }
            ExprKind::Call(f, args) => self.call(f, args),
            ExprKind::MethodCall(obj, name, args) => {
                // Python evaluates the receiver, then looks the method up, then evaluates the
                // arguments: a missing method raises before an argument can raise or act.
                let o = self.expr(obj);
                let n = lit_str(name);
                let lookup = if args.iter().all(|a| matches!(a, Arg::Pos(e) | Arg::Kw(_, e) if matches!(e.kind, ExprKind::Const(_)))) {
                    quote! {}
                } else {
                    quote! { rt::methods::check_method(&__recv, #n)?; }
                };
                let call = self.with_args(
                    args,
                    |a, k| quote! { rt::ops::call_method(&__recv, #n, #a, #k)? },
                );
                quote! { { let __recv: Value = #o; #lookup #call } }
            }
            ExprKind::BinOp(op, a, b) => {
                let a = self.expr(a);
                let b = self.expr(b);
                let op = binop_tokens(*op);
                quote! { rt::ops::binop(#op, &#a, &#b)? }
            }
            ExprKind::Unary(op, x) => {
                let v = self.expr(x);
                match op {
                    UnaryOp::Not => quote! { Value::Bool(!rt::ops::truthy(&#v)?) },
                    UnaryOp::Neg => quote! { rt::ops::neg(&#v)? },
                    UnaryOp::Pos => quote! { rt::ops::pos(&#v)? },
                    UnaryOp::Invert => quote! { rt::ops::invert(&#v)? },
                }
            }
            ExprKind::BoolOp(op, xs) => {
                let mut it = xs.iter().rev();
                let last = it
                    .next()
                    .map(|x| self.expr(x))
                    .unwrap_or_else(|| quote! { Value::None });
                let mut acc = last;
                for x in it {
                    let v = self.expr(x);
                    acc = match op {
                        BoolOp::And => {
                            quote! { { let __b: Value = #v; if !rt::ops::truthy(&__b)? { __b } else { #acc } } }
                        }
                        BoolOp::Or => {
                            quote! { { let __b: Value = #v; if rt::ops::truthy(&__b)? { __b } else { #acc } } }
                        }
                    };
                }
                acc
            }
            ExprKind::Compare(l, rest) => {
                let first = self.expr(l);
                let mut ops: Vec<(TokenStream, TokenStream)> = Vec::new();
                for (op, r) in rest {
                    let r = if rest.len() == 1 {
                        self.compare_operand(*op, r)
                    } else {
                        self.expr(r)
                    };
                    ops.push((cmpop_tokens(*op), r));
                }
                if ops.len() == 1 {
                    let (op, r) = &ops[0];
                    return quote! { rt::ops::compare_value(#op, &#first, &#r)? };
                }
                // a < b < c: each middle operand is evaluated once; stop at the first false.
                let mut acc = quote! { Value::Bool(true) };
                for (op, r) in ops.into_iter().rev() {
                    acc = quote! { { let __r: Value = #r; if rt::ops::compare(#op, &__l, &__r)? { let __l = __r; #acc } else { Value::Bool(false) } } };
                }
                quote! { { let __l: Value = #first; #acc } }
            }
            ExprKind::IfExp(t, a, b) => {
                let c = self.cond(t);
                let a = self.expr(a);
                let b = self.expr(b);
                quote! { if #c { #a } else { #b } }
            }
            ExprKind::FString(parts) => {
                let s = self.fstring(parts);
                quote! { Value::from(#s) }
            }
            ExprKind::Walrus(n, v) => {
                let v = self.expr(v);
                let a = self.assign(&Target::Name(n.clone()), quote! { __w.clone() });
                quote! { { let __w: Value = #v; #a __w } }
            }
            ExprKind::Comp {
                kind,
                elt,
                value,
                target,
                iter,
                conds,
                more,
            } => self.comp(
                *kind,
                elt,
                value.as_deref(),
                target,
                iter,
                conds,
                more,
                None,
            ),
            ExprKind::Closure(idx) => self.function_value(*idx),
            ExprKind::Yield(v) => {
                let v = match v {
                    Some(v) => self.expr(v),
                    None => quote! { Value::None },
                };
                quote! { rt::gen::yield_(&__co, #v).await? }
            }
            ExprKind::YieldFrom(v) => {
                let v = self.expr(v);
                quote! { rt::gen::yield_from(&__co, #v).await? }
            }
            ExprKind::GenExp(idx, iter) => {
                // `iter()` of the first iterable now; the rest runs when the generator is
                // advanced. Creating it is a direct call of compiled code (an exact frame).
                let it = self.iter_expr(iter);
                let f = self.function_value(*idx);
                quote! { { let __it = rt::gen::get_iter(&#it)?; let __g: Value = #f; rt::ops::call_direct(&__g, &[__it], &[])? } }
            }
            ExprKind::Super(cls, this) => {
                let c = self.expr(cls);
                let t = self.name(this);
                quote! { rt::class::super_of(&#c, &#t)? }
            }
            ExprKind::Stdlib(dotted) => {
                let d = lit_str(dotted);
                quote! { rt::imports::resolve_value(#d)? }
            }
            ExprKind::ModuleRef(m, attr) => {
                let mi = self.naming.module_ident(m);
                match attr {
                    None => quote! { crate::m::#mi::module() },
                    Some(a) => {
                        let a = lit_str(a);
                        quote! { crate::m::#mi::import_attr(#a)? }
                    }
                }
            }
        }
    }

    /// The items of a display with `*x` elements, as a `Vec<Value>` expression.
    fn spread(&mut self, items: &[Expr]) -> TokenStream {
        let mut steps = TokenStream::new();
        for i in items {
            match &i.kind {
                ExprKind::Starred(x) => {
                    let v = self.expr(x);
                    steps.extend(quote! { __items.extend(rt::call::star_items(&#v)?); });
                }
                _ => {
                    let v = self.expr(i);
                    steps.extend(quote! { __items.push(#v); });
                }
            }
        }
        quote! { { let mut __items: Vec<Value> = Vec::new(); #steps __items } }
    }

    /// An f-string as a Rust `String` expression.
    fn fstring(&mut self, parts: &[FPart]) -> TokenStream {
        let mut steps = TokenStream::new();
        for p in parts {
            match p {
                FPart::Lit(s) => {
                    let s = lit_str(s);
                    steps.extend(quote! { __s.push_str(#s); });
                }
                FPart::Value(v, conv, spec) => {
                    let v = self.expr(v);
                    let v = match conv {
                        Some('r') => quote! { Value::from(rt::fmt::repr_checked(&#v)?) },
                        Some('s') => quote! { Value::from(rt::fmt::str_checked(&#v)?) },
                        _ => v,
                    };
                    let spec = if spec.is_empty() {
                        quote! { "" }
                    } else if let [FPart::Lit(s)] = spec.as_slice() {
                        let s = lit_str(s);
                        quote! { #s }
                    } else {
                        let s = self.fstring(spec);
                        quote! { &#s }
                    };
                    steps.extend(quote! { __s.push_str(&rt::fmt::format(&#v, #spec)?); });
                }
            }
        }
        quote! { { let mut __s = String::new(); #steps __s } }
    }

    /// The right operand of a single comparison: a set display tested with `in` is only
    /// probed, so its order (and CPython's way of building it) does not matter.
    fn compare_operand(&mut self, op: CmpOp, r: &Expr) -> TokenStream {
        match (&r.kind, op) {
            (ExprKind::Set(items), CmpOp::In | CmpOp::NotIn) => {
                let items: Vec<TokenStream> = items.iter().map(|i| self.expr(i)).collect();
                quote! { rt::call::make_set(vec![#(#items),*])? }
            }
            _ => self.expr(r),
        }
    }

    /// The iterable of a `for` loop or comprehension: CPython's optimizer turns a display
    /// of constants there into a frozenset constant (`fold_iter`), built by adding the
    /// items in order.
    fn iter_expr(&mut self, iter: &Expr) -> TokenStream {
        match &iter.kind {
            ExprKind::Set(items) => match folds_all(items) {
                Folded::Yes => match first_equal_display(self.module, items) {
                    Some(first) => {
                        let items: Vec<TokenStream> = first.iter().map(|i| self.expr(i)).collect();
                        quote! { rt::call::make_frozenset_folded(vec![#(#items),*])? }
                    }
                    None => {
                        let items: Vec<TokenStream> = items.iter().map(|i| self.expr(i)).collect();
                        quote! { rt::call::make_set_unknown_order(vec![#(#items),*])? }
                    }
                },
                Folded::Unknown => {
                    let items: Vec<TokenStream> = items.iter().map(|i| self.expr(i)).collect();
                    quote! { rt::call::make_set_unknown_order(vec![#(#items),*])? }
                }
                Folded::No => self.expr(iter),
            },
            _ => self.expr(iter),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn comp(
        &mut self,
        kind: CompKind,
        elt: &Expr,
        value: Option<&Expr>,
        target: &Target,
        iter: &Expr,
        conds: &[Expr],
        more: &[CompFor],
        short_circuit: Option<bool>,
    ) -> TokenStream {
        let it = self.iter_expr(iter);
        self.comp_over(it, kind, elt, value, target, conds, more, short_circuit)
    }

    /// A comprehension's binding of `__item`, its condition and its element.
    fn comp_parts(
        &mut self,
        target: &Target,
        conds: &[Expr],
        elt: &Expr,
    ) -> (TokenStream, TokenStream, TokenStream) {
        let assign = self.assign(target, quote! { __item });
        let cs: Vec<TokenStream> = conds.iter().map(|c| self.cond(c)).collect();
        let guard = if cs.is_empty() {
            quote! { true }
        } else {
            quote! { #(#cs)&&* }
        };
        (assign, guard, self.expr(elt))
    }

    /// A comprehension over the already emitted iterable `it`.
    #[allow(clippy::too_many_arguments)]
    fn comp_over(
        &mut self,
        it: TokenStream,
        kind: CompKind,
        elt: &Expr,
        value: Option<&Expr>,
        target: &Target,
        conds: &[Expr],
        more: &[CompFor],
        short_circuit: Option<bool>,
    ) -> TokenStream {
        self.counter += 1;
        let label = syn::Lifetime::new(&format!("'__comp{}", self.counter), PSpan::call_site());
        // Comprehensions run in their own frame in Python: `break`/`return` cannot cross
        // them, so the loop context does not matter inside.
        let mut targets: Vec<&Target> = vec![target];
        targets.extend(more.iter().map(|f| &f.target));
        let cells = self.fresh_cells(&targets);
        // The loops, outermost first: (iterable, binding, guard).
        let mut loops = Vec::new();
        let (assign, guard, e) = self.comp_parts(target, conds, elt);
        loops.push((it, assign, guard));
        let mut e = e;
        for f in more {
            let it = self.iter_expr(&f.iter);
            let (assign, guard, e2) = self.comp_parts(&f.target, &f.conds, elt);
            loops.push((it, assign, guard));
            e = e2;
        }
        let (init, push, fin) = match (short_circuit, kind) {
            (Some(true), _) => (
                quote! { let mut __out = false; },
                quote! { if rt::ops::truthy(&#e)? { __out = true; break #label; } },
                quote! { Value::Bool(__out) },
            ),
            (Some(false), _) => (
                quote! { let mut __out = true; },
                quote! { if !rt::ops::truthy(&#e)? { __out = false; break #label; } },
                quote! { Value::Bool(__out) },
            ),
            (None, CompKind::List) | (None, CompKind::Gen) => (
                quote! { let mut __out: Vec<Value> = Vec::new(); },
                quote! { __out.push(#e); },
                quote! { Value::list(__out) },
            ),
            (None, CompKind::Set) => (
                quote! { let mut __out: Vec<Value> = Vec::new(); },
                quote! { __out.push(#e); },
                quote! { rt::call::make_set(__out)? },
            ),
            (None, CompKind::Dict) => {
                let v = value
                    .map(|v| self.expr(v))
                    .unwrap_or_else(|| quote! { Value::None });
                (
                    quote! { let __out = rt::call::new_dict(); },
                    quote! { { let __k: Value = #e; let __v: Value = #v; rt::call::dict_set(&__out, __k, __v)?; } },
                    quote! { __out },
                )
            }
        };
        // CPython 3.11 runs a comprehension in a frame of its own, once its first
        // iterable is evaluated; a generator's frame is resumed by whoever consumes it.
        let generator = matches!(kind, CompKind::Gen);
        let mut body = push;
        let n = loops.len();
        for (k, (it, assign, guard)) in loops.into_iter().enumerate().rev() {
            let iter_var = self.fresh("iter");
            let lab = if k == 0 {
                quote! { #label: }
            } else {
                quote! {}
            };
            let frame = if k == 0 {
                quote! { let __frame = rt::recursion::comprehension_frame(#generator)?; }
            } else {
                quote! {}
            };
            let _ = n;
            body = quote! {
                let mut #iter_var = rt::call::PyIter::new(&#it)?;
                #frame
                #lab while let Some(__item) = #iter_var.next()? {
                    #assign
                    if #guard { #body }
                }
            };
        }
        quote! {
            {
                #cells
                #init
                #body
                #fin
            }
        }
    }

    /// `any(elt for target in iter if conds)` (or `all`) whose test may run order-free: as
    /// the lazy generator when the iterable's order is known, else through
    /// `rt::purity::any_all`, which refuses unless every test is free of side effects and
    /// raises nothing (then the answer cannot depend on the order).
    fn any_all(
        &mut self,
        want_any: bool,
        elt: &Expr,
        target: &Target,
        iter: &Expr,
        conds: &[Expr],
    ) -> TokenStream {
        let it = self.iter_expr(iter);
        let ordered = self.comp_over(
            quote! { __it },
            CompKind::Gen,
            elt,
            None,
            target,
            conds,
            &[],
            Some(want_any),
        );
        let (assign, guard, e) = self.comp_parts(target, conds, elt);
        // An element the conditions skip decides nothing.
        let skip = if conds.is_empty() {
            quote! {}
        } else {
            quote! { if !(#guard) { return Ok(!#want_any); } }
        };
        quote! {
            {
                let __it: Value = #it;
                match rt::ops::unordered_set_items(&__it) {
                    None => #ordered,
                    Some(__items) => Value::Bool(rt::purity::any_all(
                        __items,
                        #want_any,
                        |__item: Value| -> PyResult<bool> {
                            #assign
                            #skip
                            Ok(rt::ops::truthy(&#e)?)
                        },
                    )?),
                }
            }
        }
    }

    fn call(&mut self, f: &Expr, args: &[Arg]) -> TokenStream {
        if let ExprKind::Name(Name::Builtin(b)) = &f.kind {
            // `any(… for …)` / `all(… for …)` stop at the first decisive element, as the
            // lazy generator does in Python.
            if (b == "any" || b == "all") && args.len() == 1 {
                if let Arg::Pos(Expr {
                    kind:
                        ExprKind::Comp {
                            kind: CompKind::Gen,
                            elt,
                            value,
                            target,
                            iter,
                            conds,
                            more,
                        },
                    ..
                }) = &args[0]
                {
                    if more.is_empty()
                        && order_free_ok(elt)
                        && conds.iter().all(order_free_ok)
                        && target_is_names(target)
                    {
                        return self.any_all(b == "any", elt, target, iter, conds);
                    }
                    return self.comp(
                        CompKind::Gen,
                        elt,
                        value.as_deref(),
                        target,
                        iter,
                        conds,
                        more,
                        Some(b == "any"),
                    );
                }
            }
            if let Some(fname) = builtin_fn_ident(b) {
                // A builtin may take one of CPython's C-level recursion units.
                return self.with_args(args, |a, k| {
                    quote! { { rt::recursion::native()?; rt::builtins::#fname(#a, #k)? } }
                });
            }
        }
        // Python evaluates the callee before the arguments.
        let fv = self.expr(f);
        let call = self.with_args(
            args,
            |a, k| quote! { rt::ops::call_direct(&__callee, #a, #k)? },
        );
        quote! { { let __callee: Value = #fv; #call } }
    }

    /// Builds the argument slices and hands them to `make` (positional, keyword).
    fn with_args(
        &mut self,
        args: &[Arg],
        make: impl FnOnce(TokenStream, TokenStream) -> TokenStream,
    ) -> TokenStream {
        let dynamic = args
            .iter()
            .any(|a| matches!(a, Arg::Star(_) | Arg::StarStar(_)));
        if !dynamic {
            let mut pos = Vec::new();
            let mut kw = Vec::new();
            for a in args {
                match a {
                    Arg::Pos(e) => pos.push(self.expr(e)),
                    Arg::Kw(n, e) => {
                        let n = lit_str(n);
                        let v = self.expr(e);
                        kw.push(quote! { (#n, #v) });
                    }
                    _ => {}
                }
            }
            if kw.is_empty() {
                return make(quote! { &[#(#pos),*] }, quote! { &[] });
            }
            let call = make(quote! { &__args }, quote! { &__kw });
            return quote! { { let __args = [#(#pos),*]; let __kw = [#(#kw),*]; #call } };
        }
        let mut steps = TokenStream::new();
        for a in args {
            match a {
                Arg::Pos(e) => {
                    let v = self.expr(e);
                    steps.extend(quote! { __args.push(#v); });
                }
                Arg::Star(e) => {
                    let v = self.expr(e);
                    steps.extend(quote! { __args.extend(rt::call::star_args(&#v)?); });
                }
                Arg::Kw(n, e) => {
                    let n = lit_str(n);
                    let v = self.expr(e);
                    steps.extend(quote! { __kwo.push((#n.to_string(), #v)); });
                }
                Arg::StarStar(e) => {
                    let v = self.expr(e);
                    steps.extend(quote! { __kwo.extend(rt::call::star_kwargs(&#v)?); });
                }
            }
        }
        let call = make(quote! { &__args }, quote! { &__kw });
        quote! { {
            let mut __args: Vec<Value> = Vec::new();
            let mut __kwo: Vec<(String, Value)> = Vec::new();
            #steps
            let __kw: Vec<(&str, Value)> = __kwo.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            #call
        } }
    }

    /// The value of function `idx` of the module (a closure when it captures locals).
    fn function_value(&mut self, idx: usize) -> TokenStream {
        let f = &self.module.functions[idx];
        let fid = fn_ident(idx, &f.name);
        let name = lit_str(&f.name);
        // Defaults that are not constants are evaluated now, in the defining scope, and
        // kept by the function value.
        let defs = if f.dynamic_defaults {
            let p = &f.params;
            let ds: Vec<TokenStream> = p
                .positional
                .iter()
                .chain(p.kwonly.iter())
                .map(|(_, d)| match d {
                    Some(e) => {
                        let v = self.expr(e);
                        quote! { Some(#v) }
                    }
                    None => quote! { None },
                })
                .collect();
            Some(quote! { let __defs: Vec<Option<Value>> = vec![#(#ds),*]; })
        } else {
            None
        };
        if f.captures.is_empty() && defs.is_none() {
            return quote! { Value::py_func(#name, #fid) };
        }
        // Free variables are the enclosing scope's cells themselves (late binding, shared
        // rebinding, recursion through the function's own name).
        let caps: Vec<TokenStream> = f
            .captures
            .iter()
            .map(|(outer, _)| {
                let id = self.local(*outer);
                quote! { #id.clone() }
            })
            .collect();
        let (caps_decl, caps_arg) = if f.captures.is_empty() {
            (quote! {}, quote! {})
        } else {
            (
                quote! { let __caps: Vec<rt::call::Cell> = vec![#(#caps),*]; },
                quote! { , &__caps },
            )
        };
        let (defs_decl, defs_arg) = match defs {
            Some(d) => (d, quote! { , &__defs }),
            None => (quote! {}, quote! {}),
        };
        quote! { {
            #defs_decl
            #caps_decl
            Value::py_closure(#name, move |a, k| #fid(a, k #caps_arg #defs_arg))
        } }
    }
}

/// The runtime function implementing builtin `b`, as its table names it.
fn has_starred(items: &[Expr]) -> bool {
    items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_)))
}

fn builtin_fn_ident(b: &str) -> Option<Ident> {
    ferrule_runtime::builtins::def(b).map(|d| format_ident!("{}", d.rust))
}

fn const_tokens(c: &Const) -> TokenStream {
    match c {
        Const::None => quote! { Value::None },
        Const::Bool(b) => quote! { Value::Bool(#b) },
        Const::Int(i) => {
            let l = Literal::i64_suffixed(*i);
            quote! { Value::Int(#l) }
        }
        Const::Float(f) => {
            let l = Literal::f64_suffixed(*f);
            quote! { Value::Float(#l) }
        }
        Const::Str(s) => {
            // Built once per thread, then shared (a code object's constant).
            let l = lit_str(s);
            quote! { rt::call::lit(#l) }
        }
        Const::Bytes(b) => {
            let l = Literal::byte_string(b);
            quote! { Value::Bytes(std::rc::Rc::from(&#l[..])) }
        }
    }
}

fn binop_tokens(op: BinOp) -> TokenStream {
    let id = format_ident!("{}", format!("{op:?}"));
    quote! { rt::value::BinOp::#id }
}

fn cmpop_tokens(op: CmpOp) -> TokenStream {
    let id = format_ident!("{}", format!("{op:?}"));
    quote! { rt::ops::CmpOp::#id }
}

/// Emits one function item.
fn emit_function(
    module: &Module,
    naming: &Naming,
    lits: &std::cell::RefCell<Lits>,
    idx: usize,
) -> TokenStream {
    let f = &module.functions[idx];
    let fid = fn_ident(idx, &f.name);
    let mut fx = Fx {
        module,
        naming,
        lits,
        func: f,
        try_depth: 0,
        loop_in_closure: false,
        class_ns: Vec::new(),
        mod_name: module_name(module),
        counter: 0,
        is_module_body: false,
        generator: f.is_generator,
    };
    let p = &f.params;
    let mut names: Vec<String> = p.positional.iter().map(|(n, _)| n.clone()).collect();
    if let Some(v) = &p.varargs {
        names.push(v.clone());
    }
    names.extend(p.kwonly.iter().map(|(n, _)| n.clone()));
    if let Some(k) = &p.varkw {
        names.push(k.clone());
    }
    let name_lits: Vec<Literal> = names.iter().map(|n| lit_str(n)).collect();
    let n_pos = Literal::usize_unsuffixed(p.positional.len());
    let n_kwonly = Literal::usize_unsuffixed(p.kwonly.len());
    let varargs = p.varargs.is_some();
    let varkw = p.varkw.is_some();
    let mut defaults = Vec::new();
    if !f.dynamic_defaults {
        for (_, d) in p.positional.iter().chain(p.kwonly.iter()) {
            defaults.push(match d {
                Some(e) => {
                    let v = fx.expr(e);
                    quote! { Some(#v) }
                }
                None => quote! { None },
            });
        }
    }
    let defaults = if f.dynamic_defaults {
        quote! { __defs }
    } else {
        quote! { &[#(#defaults),*] }
    };
    let n_posonly = Literal::usize_unsuffixed(p.n_posonly);
    let fname = lit_str(&f.qualname);
    let n_params = names.len();
    let mut decls = TokenStream::new();
    for i in 0..f.locals.len() {
        let id = local_ident(i, &f.locals[i]);
        let il = Literal::usize_unsuffixed(i);
        if let Some(k) = f.captures.iter().position(|(_, own)| *own == i) {
            let kl = Literal::usize_unsuffixed(k);
            decls.extend(quote! { let mut #id: rt::call::Cell = __caps[#kl].clone(); });
        } else if f.cells.contains(&i) {
            let init = if i < n_params {
                quote! { Some(__bound[#il].clone()) }
            } else {
                quote! { None }
            };
            decls.extend(quote! { let mut #id: rt::call::Cell = rt::call::new_cell(#init); });
        } else if i < n_params {
            decls.extend(quote! { let mut #id: Option<Value> = Some(__bound[#il].clone()); });
        } else {
            decls.extend(quote! { let mut #id: Option<Value> = None; });
        }
    }
    let body = fx.block(&f.body);
    // A generator function binds its arguments now and returns the generator, whose body
    // runs when it is advanced.
    let run = if f.is_generator {
        // The generator's `__name__` is the function's name, its `__qualname__` the
        // qualified one (which the function's own argument errors use).
        let n = lit_str(&f.name);
        let q = lit_str(&f.qualname);
        quote! {
            let __co = rt::gen::channel();
            Ok(rt::gen::new_generator(#n, #q, __co.clone(), async move {
                #body
                Ok::<Value, rt::PyErr>(Value::None)
            }))
        }
    } else {
        quote! { #body Ok(Value::None) }
    };
    let caps_param = if f.captures.is_empty() {
        quote! {}
    } else {
        quote! { , __caps: &[rt::call::Cell] }
    };
    let defs_param = if f.dynamic_defaults {
        quote! { , __defs: &[Option<Value>] }
    } else {
        quote! {}
    };
    quote! {
        #[allow(unused_mut, unused_variables, unreachable_code, unused_assignments)]
        pub fn #fid(__args: &[Value], __kw: Kwargs #caps_param #defs_param) -> PyResult<Value> {
            static SIG: rt::call::Sig = rt::call::Sig {
                name: #fname,
                params: &[#(#name_lits),*],
                n_positional: #n_pos,
                n_posonly: #n_posonly,
                varargs: #varargs,
                n_kwonly: #n_kwonly,
                varkw: #varkw,
            };
            let __bound = rt::call::bind(&SIG, __args, __kw, #defaults)?;
            #decls
            #run
        }
    }
}

/// The module's `__name__` at run time: a detection module is loaded under its id.
fn module_name(module: &Module) -> String {
    match module.name.split_once(':') {
        Some((_, id)) => id.to_string(),
        None => module.name.clone(),
    }
}

/// Emits the Rust file of one module, formatted.
pub fn emit_module(program: &Program, name: &str, extra: TokenStream) -> String {
    let module = &program.modules[name];
    let naming = Naming { program };
    let names: Vec<Literal> = module.globals.iter().map(|g| lit_str(g)).collect();
    let mod_name = lit_str(match name.split_once(':') {
        Some((_, id)) => id,
        None => name,
    });
    let body_fn = module.functions.len() - 1;
    let body_locals = &module.functions[body_fn];
    let lits = std::cell::RefCell::new(Lits::default());
    let mut fx = Fx {
        module,
        naming: &naming,
        lits: &lits,
        func: body_locals,
        try_depth: 0,
        loop_in_closure: false,
        class_ns: Vec::new(),
        mod_name: module_name(module),
        counter: 0,
        is_module_body: true,
        generator: false,
    };
    let mut decls = TokenStream::new();
    for (i, l) in body_locals.locals.iter().enumerate() {
        let id = local_ident(i, l);
        if body_locals.cells.contains(&i) {
            decls.extend(quote! { let mut #id: rt::call::Cell = rt::call::new_cell(None); });
        } else {
            decls.extend(quote! { let mut #id: Option<Value> = None; });
        }
    }
    let body = fx.block(&module.body);
    let functions: Vec<TokenStream> = (0..body_fn)
        .map(|i| emit_function(module, &naming, &lits, i))
        .collect();
    let lit_items: Vec<Literal> = lits.borrow().items.iter().map(|s| lit_str(s)).collect();
    let route_names: Vec<Literal> = module.patch_routes.iter().map(|m| lit_str(m)).collect();
    let route_idents: Vec<Ident> = module
        .patch_routes
        .iter()
        .map(|m| naming.module_ident(m))
        .collect();
    // Mocks named `module::name` patch another module's global (a PyPanther `RuleMock`
    // patches the module its `RuleTest` was written in).
    let patch_fns = if module.patch_routes.is_empty() {
        quote! {
            /// Replaces a global for a unit-test mock.
            pub fn patch(name: &str, v: Value) -> PyResult<Option<Value>> {
                NS.with(|ns| ns.patch(name, v))
            }

            /// Restores what `patch` replaced.
            pub fn unpatch(name: &str, old: Option<Value>) {
                NS.with(|ns| ns.unpatch(name, old))
            }
        }
    } else {
        quote! {
            /// Replaces a global for a unit-test mock (`module::name`: that module's global).
            pub fn patch(name: &str, v: Value) -> PyResult<Option<Value>> {
                if let Some((m, n)) = name.split_once("::") {
                    match m {
                        #(#route_names => return crate::m::#route_idents::patch(n, v),)*
                        _ => {}
                    }
                }
                NS.with(|ns| ns.patch(name, v))
            }

            /// Restores what `patch` replaced.
            pub fn unpatch(name: &str, old: Option<Value>) {
                if let Some((m, n)) = name.split_once("::") {
                    match m {
                        #(#route_names => return crate::m::#route_idents::unpatch(n, old),)*
                        _ => {}
                    }
                }
                NS.with(|ns| ns.unpatch(name, old))
            }
        }
    };
    // Packages: importing a submodule sets it as the package's attribute once its body has
    // run (CPython's `_find_and_load_unlocked`), so `import a.b` then `a.b` reads it.
    let children: Vec<(Literal, Ident)> = if name.contains(':') {
        Vec::new()
    } else {
        program
            .modules
            .keys()
            .filter_map(|k| {
                let child = k.strip_prefix(name)?.strip_prefix('.')?;
                (!child.contains('.')).then(|| (lit_str(child), naming.module_ident(k)))
            })
            .collect()
    };
    let parent = name
        .rsplit_once('.')
        .filter(|(p, _)| !name.contains(':') && program.modules.contains_key(*p));
    let init_fn = match parent {
        Some((p, child)) => {
            let pi = naming.module_ident(p);
            let child = lit_str(child);
            quote! {
                /// Runs the module body once (Python's import), then sets the module as its
                /// package's attribute.
                pub fn init() -> PyResult<()> {
                    let first = NS.with(|ns| ns.is_new());
                    NS.with(|ns| ns.init(body))?;
                    if first {
                        crate::m::#pi::bind_submodule(#child, module());
                    }
                    Ok(())
                }

                /// The module object once its body has run (its package's attribute).
                pub fn loaded_module() -> Option<Value> {
                    NS.with(|ns| ns.loaded()).then(module)
                }
            }
        }
        None => quote! {
            /// Runs the module body once (Python's import).
            pub fn init() -> PyResult<()> {
                NS.with(|ns| ns.init(body))
            }
        },
    };
    let (child_names, child_idents): (Vec<Literal>, Vec<Ident>) = children.into_iter().unzip();
    let package_fns = if child_names.is_empty() {
        quote! {
            fn attr(name: &str) -> Option<Value> {
                NAMES.iter().position(|n| *n == name).and_then(|slot| g(slot).ok())
            }
        }
    } else {
        quote! {
            fn attr(name: &str) -> Option<Value> {
                match NAMES.iter().position(|n| *n == name) {
                    Some(slot) => g(slot).ok(),
                    None => match name {
                        #(#child_names => crate::m::#child_idents::loaded_module(),)*
                        _ => None,
                    },
                }
            }

            /// A submodule finished importing: it becomes the package's global of that name.
            pub fn bind_submodule(name: &str, v: Value) {
                if let Some(slot) = NAMES.iter().position(|n| *n == name) {
                    s(slot, v);
                }
            }
        }
    };
    let doc = format!(" Generated by ferrule from `{}`. Do not edit.", module.file);
    let tokens = quote! {
        #![doc = #doc]
        #![allow(unused_imports, unused_parens, unused_braces, dead_code, clippy::all)]
        use ferrule_runtime as rt;
        use rt::{Kwargs, PyResult, Value};

        /// The module's global names, in slot order.
        pub static NAMES: &[&str] = &[#(#names),*];

        thread_local! {
            static NS: rt::module::Namespace = rt::module::Namespace::new(#mod_name, NAMES);
        }

        thread_local! {
            static LITS: Vec<Value> = vec![#(Value::from(#lit_items)),*];
        }

        /// String constant `i` of the module (`_text` is its value, for the reader), from
        /// `LITS`: the module's string constants, built once per thread.
        fn lit(i: usize, _text: &'static str) -> Value {
            LITS.with(|l| l[i].clone())
        }

        fn g(slot: usize) -> PyResult<Value> {
            NS.with(|ns| ns.get(slot))
        }

        fn s(slot: usize, v: Value) {
            NS.with(|ns| ns.set(slot, v))
        }

        fn d(slot: usize) -> PyResult<()> {
            NS.with(|ns| ns.delete(slot))
        }

        #init_fn

        /// `from <this module> import name`.
        pub fn import_attr(name: &str) -> PyResult<Value> {
            init()?;
            match NAMES.iter().position(|n| *n == name) {
                Some(slot) => g(slot),
                None => Err(rt::PyErr::new(rt::ExcKind::NameError, format!("cannot import name '{}' from '{}'", name, #mod_name))),
            }
        }

        #package_fns

        /// The module object (`import <this module>`).
        pub fn module() -> Value {
            NS.with(|ns| ns.object(attr))
        }

        #patch_fns

        #[allow(unused_mut, unused_variables, unreachable_code, unused_assignments)]
        fn body() -> PyResult<()> {
            #decls
            #body
            Ok(())
        }

        #(#functions)*

        #extra
    };
    format_tokens(tokens)
}

/// Parses tokens as a file and pretty-prints them; falls back to the raw tokens (which
/// still compile) if they do not parse, so that a bug here is visible in review.
pub fn format_tokens(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(e) => format!("// ferrule: could not format ({e})\n{tokens}\n"),
    }
}

/// An entry function calling the current binding of a module global (`rule`, `title`…),
/// as panther_core looks functions up on the module.
pub fn entry_fn(ident: &Ident, slot: usize, init_first: bool) -> TokenStream {
    let slot = Literal::usize_unsuffixed(slot);
    // A data model's method (`init_first`) is called through `PantherEvent.udm`; the
    // detection's functions directly by panther_core (see `rt::recursion`).
    let init = if init_first {
        quote! { init()?; let _udm = rt::recursion::udm_frame()?; }
    } else {
        quote! {}
    };
    quote! {
        pub fn #ident(args: &[Value], kw: Kwargs) -> PyResult<Value> {
            #init
            rt::ops::call_direct(&g(#slot)?, args, kw)
        }
    }
}

/// An identifier usable for a generated test function.
pub fn test_ident(i: usize, name: &str) -> Ident {
    Ident::new(&format!("t{:03}_{}", i, sanitize(name)), PSpan::call_site())
}

/// Whether CPython 3.11's AST optimizer (`ast_opt.c`) folds an expression into a constant;
/// `Unknown` where modelling it is not worth it (binary operators, subscripts).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Folded {
    Yes,
    No,
    Unknown,
}

fn folds(e: &Expr) -> Folded {
    let numeric = |e: &Expr| {
        matches!(
            e.kind,
            ExprKind::Const(Const::Int(_) | Const::Bool(_) | Const::Float(_))
                | ExprKind::Unary(UnaryOp::Neg | UnaryOp::Pos | UnaryOp::Invert, _)
        )
    };
    match &e.kind {
        ExprKind::Const(_) => Folded::Yes,
        ExprKind::Unary(UnaryOp::Not, x) => folds(x),
        // `-x`/`+x` fold when they succeed, on numbers; `~x` on ints and bools.
        ExprKind::Unary(op, x) => match folds(x) {
            Folded::Yes if *op != UnaryOp::Invert && numeric(x) => Folded::Yes,
            Folded::Yes
                if matches!(
                    x.kind,
                    ExprKind::Const(Const::Int(_) | Const::Bool(_))
                        | ExprKind::Unary(UnaryOp::Invert, _)
                ) =>
            {
                Folded::Yes
            }
            Folded::Yes if numeric(x) => Folded::Unknown,
            Folded::Yes => Folded::No,
            f => f,
        },
        ExprKind::Tuple(items) => folds_all(items),
        ExprKind::BinOp(_, a, b) => match (folds(a), folds(b)) {
            (Folded::No, _) | (_, Folded::No) => Folded::No,
            _ => Folded::Unknown,
        },
        ExprKind::Subscript(a, b) => match (folds(a), folds(b)) {
            (Folded::No, _) | (_, Folded::No) => Folded::No,
            _ => Folded::Unknown,
        },
        _ => Folded::No,
    }
}

fn folds_all(items: &[Expr]) -> Folded {
    let mut r = Folded::Yes;
    for f in items.iter().map(folds) {
        match f {
            Folded::No => return Folded::No,
            Folded::Unknown => r = Folded::Unknown,
            Folded::Yes => {}
        }
    }
    r
}

/// CPython's constant key (`_PyCode_ConstantKey`) of a folded item, for the plain constants
/// whose folded value is evident; `None` otherwise.
fn const_key(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Const(c) => Some(match c {
            Const::None => "n".to_string(),
            Const::Bool(b) => format!("b{b}"),
            Const::Int(i) => format!("i{i}"),
            Const::Float(f) => format!("f{}", f.to_bits()),
            Const::Str(s) => format!("s{s:?}"),
            Const::Bytes(b) => format!("y{b:?}"),
        }),
        ExprKind::Unary(UnaryOp::Neg, x) => match &x.kind {
            ExprKind::Const(Const::Int(i)) => i.checked_neg().map(|n| format!("i{n}")),
            ExprKind::Const(Const::Float(f)) => Some(format!("f{}", (-f).to_bits())),
            _ => None,
        },
        ExprKind::Tuple(items) => {
            let keys: Option<Vec<String>> = items.iter().map(const_key).collect();
            keys.map(|k| format!("t({})", k.join(",")))
        }
        _ => None,
    }
}

/// The key of a folded frozenset constant: the set of its items' constant keys.
fn frozenset_key(items: &[Expr]) -> Option<String> {
    let mut keys: Vec<String> = items.iter().map(const_key).collect::<Option<_>>()?;
    keys.sort();
    keys.dedup();
    Some(keys.join("\u{0}"))
}

/// Every set display of a module that CPython turns into a frozenset constant (displays of
/// more than two constants, `for`/comprehension iterables, `in` operands), with its span.
fn folded_displays<'m>(module: &'m Module, out: &mut Vec<(usize, usize, &'m [Expr])>) {
    fn expr<'m>(e: &'m Expr, out: &mut Vec<(usize, usize, &'m [Expr])>, folded_pos: bool) {
        if let ExprKind::Set(items) = &e.kind {
            if folds_all(items) == Folded::Yes && (folded_pos || items.len() > 2) {
                out.push((e.span.line, e.span.col, items));
            }
        }
        match &e.kind {
            // `x in {…}` and a comprehension's iterable are folded whatever their size.
            ExprKind::Compare(l, rest) => {
                expr(l, out, false);
                for (op, r) in rest {
                    expr(r, out, matches!(op, CmpOp::In | CmpOp::NotIn));
                }
            }
            ExprKind::Comp { iter, more, .. } => {
                for c in e.children() {
                    let is_iter =
                        std::ptr::eq(c, &**iter) || more.iter().any(|f| std::ptr::eq(c, &f.iter));
                    expr(c, out, is_iter);
                }
            }
            _ => {
                for c in e.children() {
                    expr(c, out, false);
                }
            }
        }
    }
    fn stmts<'m>(body: &'m [Stmt], out: &mut Vec<(usize, usize, &'m [Expr])>) {
        for s in body {
            match s {
                Stmt::Expr(e) | Stmt::Assign(_, e) | Stmt::AugAssign(_, _, e) => {
                    expr(e, out, false)
                }
                Stmt::Return(Some(e)) => expr(e, out, false),
                Stmt::Raise(e, c, _) => {
                    e.iter().chain(c.iter()).for_each(|e| expr(e, out, false));
                }
                Stmt::With { items, body } => {
                    for (e, _) in items {
                        expr(e, out, false);
                    }
                    stmts(body, out);
                }
                Stmt::If(c, a, b) => {
                    expr(c, out, false);
                    stmts(a, out);
                    stmts(b, out);
                }
                Stmt::While(c, a) => {
                    expr(c, out, false);
                    stmts(a, out);
                }
                Stmt::For(_, it, a) => {
                    expr(it, out, true);
                    stmts(a, out);
                }
                Stmt::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } => {
                    stmts(body, out);
                    for h in handlers {
                        h.types.iter().for_each(|t| expr(t, out, false));
                        stmts(&h.body, out);
                    }
                    stmts(orelse, out);
                    stmts(finalbody, out);
                }
                Stmt::Match(subject, arms) => {
                    expr(subject, out, false);
                    for (_, guard, body) in arms {
                        if let Some(g) = guard {
                            expr(g, out, false);
                        }
                        stmts(body, out);
                    }
                }
                Stmt::Class {
                    decorators,
                    bases,
                    keywords,
                    body,
                    ..
                } => {
                    decorators
                        .iter()
                        .chain(bases.iter())
                        .chain(keywords.iter().map(|(_, e)| e))
                        .for_each(|e| expr(e, out, false));
                    stmts(body, out);
                }
                _ => {}
            }
        }
    }
    stmts(&module.body, out);
    for f in &module.functions {
        for (_, d) in f.params.positional.iter().chain(&f.params.kwonly) {
            if let Some(d) = d {
                expr(d, out, false);
            }
        }
        stmts(&f.body, out);
    }
}

/// The items of the first display in the module (in source order, which is CPython's
/// compilation order) whose frozenset constant equals this one's: CPython merges equal
/// constants of a module, so a later display takes the first one's table.
fn first_equal_display<'m>(module: &'m Module, items: &[Expr]) -> Option<&'m [Expr]> {
    let key = frozenset_key(items)?;
    let mut all = Vec::new();
    folded_displays(module, &mut all);
    all.sort_by_key(|(line, col, _)| (*line, *col));
    all.into_iter()
        .find(|(_, _, d)| frozenset_key(d).as_deref() == Some(key.as_str()))
        .map(|(_, _, d)| d)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    fn emit(src: &str) -> String {
        let py = crate::source::python::parse("m.py", src.to_string()).expect("parses");
        let helpers = BTreeSet::new();
        let env = crate::lower::python::ImportEnv {
            helpers: &helpers,
            packages: &BTreeSet::new(),
        };
        let (module, diags) =
            crate::lower::python::lower_module(&py, "m", ModuleKind::Helper, &env);
        assert!(diags.is_empty(), "{diags:?}");
        let mut modules = BTreeMap::new();
        modules.insert("m".to_string(), module);
        let program = Program {
            modules,
            detections: Vec::new(),
            data_models: Vec::new(),
            data_files: BTreeMap::new(),
            ..Program::default()
        };
        emit_module(&program, "m", TokenStream::new())
    }

    #[test]
    fn set_displays_follow_cpythons_constant_folding() {
        let out = emit(
            "A = {'b', 'a', 'c'}\nB = {'c', 'b', 'a'}\nC = {x, 1, 2}\nD = {1, 2}\n\
             E = [y for y in {3, 1}]\nF = 'a' in {'a', 'b', 'c'}\nG = {1 + 1, 2, 3}\n",
        );
        // More than two constants: the frozenset constant; the second equal display takes
        // the first one's items (CPython merges equal constants).
        assert_eq!(out.matches("make_set_folded").count(), 2, "{out}");
        let first = out.find("make_set_folded").unwrap();
        let second = out.rfind("make_set_folded").unwrap();
        let items = |at: usize| out[at..].split(']').next().unwrap().to_string();
        assert_eq!(items(first), items(second), "{out}");
        // A for/comprehension iterable of constants is the frozenset constant itself.
        assert_eq!(out.matches("make_frozenset_folded").count(), 1, "{out}");
        // A folded operator expression: the order is refused rather than guessed.
        assert_eq!(out.matches("make_set_unknown_order").count(), 1, "{out}");
        // Non-constant displays, two-item displays and `in` operands add item by item.
        assert_eq!(out.matches("make_set(").count(), 3, "{out}");
    }
}
