//! What the registered rules become at run time.
//!
//! Each registered rule gets a detection module that builds, in order from `Rule` down, one
//! run-time class per class of its method resolution order with that class's final members,
//! instantiates the rule and defines the entry points pypanther's `Rule.run` calls (filters
//! first). A member's run-time value is, in order of preference:
//!
//! - a function of its module (a method defined in a class body, or a function assigned to
//!   the class) — the module binds it to a hidden global `__ferrule_fn_<index>`;
//! - the class body's own expression, when the attribute is still the object the class body
//!   bound and evaluating it touched no configuration value (`re.compile(...)`, a set
//!   display): the module evaluates it at run time, in place of the class statement, into
//!   `__ferrule_cls<statement>_<name>`;
//! - its final value, written out as a literal (plain data; enum members as their values,
//!   readable only by pypanther's own defaults);
//! - nothing: code that reads it is refused (see [`check_functions`]).
//!
//! Module bodies keep only the statements that ran without touching configuration values;
//! configuration statements (class statements of rules, `override`, `register`, …) are
//! replaced by the hidden bindings above. Functions that run at run time may not read a
//! global only configuration bound.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::eval::{Eval, Registered};
use super::value::*;
use super::Origin;
use crate::diag::{Code, Diagnostic, Span};
use crate::ir::*;
use crate::lower::python::{lower_module, ImportEnv};
use crate::source::python as pysrc;

/// The module with pypanther's `Rule` default methods.
pub const RULE_BASE: &str = "__ferrule_rule_base";
/// The detection module's entries calling the rule object's own `_get_title`, `_get_dedup`
/// and `run` (read by `emit::crate_`, which passes them to the runtime as `AuxFns::get_title`,
/// `get_dedup` and `run`, with `rule_object` beside `run`), each defined only when a class of
/// the rule's order replaces that method.
pub const OWN_ENTRIES: &[(&str, &str)] = &[
    (
        "_get_title",
        "def __ferrule_get_title(event):\n    return _ferrule_rule_obj._get_title(event)\n",
    ),
    (
        "_get_dedup",
        "def __ferrule_get_dedup(event):\n    return _ferrule_rule_obj._get_dedup(event)\n",
    ),
    (
        "run",
        "def __ferrule_run(event, outputs, outputs_names, batch_mode):\n    \
         return _ferrule_rule_obj.run(event, outputs, outputs_names, batch_mode)\n\n\n\
         def __ferrule_rule_object():\n    return _ferrule_rule_obj\n",
    ),
];
/// Its global holding the run-time `Rule` class.
const RULE_CLASS: &str = "__ferrule_rule_class";

/// `Rule`'s default methods (pypanther's `base.py`), written for ferrule.
const RULE_BASE_SRC: &str = "\
def severity(self, event):
    return self.default_severity


def title(self, event):
    return self.display_name if self.display_name else self.id


def dedup(self, event):
    return self.title(event)


def destinations(self, event):
    return self.default_destinations


def runbook(self, event):
    return self.default_runbook


def reference(self, event):
    return self.default_reference


def description(self, event):
    return self.default_description


def alert_context(self, event):
    return {}
";

/// Members of pypanther's `Rule` that ferrule's run-time classes do not provide.
const RULE_MEMBERS_ABSENT: &[&str] = &[
    "_analysis_type",
    "_get_alert_context",
    "_get_description",
    "_get_destinations",
    "_get_reference",
    "_get_runbook",
    "_get_severity",
    "_require_bool",
    "_require_mapping",
    "_require_scalar",
    "_require_str_list",
    "asdict",
    "ctx_mgr",
    "extend",
    "is_panther_managed",
    "override",
    "run_test",
    "run_tests",
    "validate",
    "validate_config",
    "log_types",
    "tests",
    "_tests",
    "_panther_managed",
];

/// Members of pypanther's `Rule` that its `run`, `run_test` and `run_tests` call (or are),
/// which ferrule's run time implements natively: a rule class may not replace them.
const RULE_INTERNALS: &[&str] = &[
    "__init__",
    "__new__",
    "__getattribute__",
    "__getattr__",
    "__setattr__",
    "_analysis_type",
    "_get_alert_context",
    "_get_description",
    "_get_destinations",
    "_get_reference",
    "_get_runbook",
    "_get_severity",
    "_require_bool",
    "_require_mapping",
    "_require_scalar",
    "_require_str",
    "_require_str_list",
    "run_test",
    "run_tests",
];

/// A member of a run-time class.
struct RtMember {
    name: String,
    kind: MemberKind,
    value: Expr,
}

/// A class of a rule's method resolution order, as run time builds it.
struct RtClass {
    key: String,
    name: String,
    module: String,
    members: Vec<RtMember>,
}

/// What run-time code may read of a rule: members left out (and why), and members only
/// pypanther's defaults may read (enum members written as their values).
#[derive(Default)]
struct Reads {
    omitted: BTreeMap<String, String>,
    defaults_only: BTreeSet<String>,
}

/// What the modules must provide at run time.
#[derive(Default)]
struct Needs {
    /// Module → functions bound to hidden globals.
    fns: BTreeMap<String, BTreeSet<usize>>,
    /// Module → class statements whose body attributes run at run time.
    class_stmts: BTreeMap<String, BTreeSet<usize>>,
    /// Classes of registered rules' method resolution orders (their methods' `super()`
    /// names them by key).
    rule_classes: BTreeSet<ClassId>,
    /// pypanther's `Rule` at run time, and the modules its members come from.
    rule_base: Option<(RtClass, BTreeSet<String>)>,
}

pub fn build(ev: &Eval, registered: &[Registered], base: Program) -> (Program, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut program = Program {
        modules: BTreeMap::new(),
        detections: Vec::new(),
        data_models: base.data_models,
        data_files: base.data_files,
        ..Program::default()
    };
    let mut needs = Needs::default();
    let mut regs: Vec<&Registered> = registered.iter().collect();
    regs.sort_by_key(|r| {
        let c = &ev.classes[r.class];
        (ev.rule_id(r.class), c.module.clone(), c.name.clone())
    });
    let mut det_modules: Vec<(Module, Detection, BTreeSet<String>)> = Vec::new();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for r in regs {
        // `register` checked ids when it ran; a later `override(id=…)` can still make two
        // registered rules share one.
        let id = ev.rule_id(r.class).unwrap_or_default();
        if !ids.insert(id.clone()) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    r.span.clone(),
                    format!("two registered rules end with the id `{id}`"),
                )
                .for_detection(&id),
            );
            continue;
        }
        match rule_program(ev, r, &mut needs) {
            Ok(x) => det_modules.push(x),
            Err(d) => diags.push(d),
        }
    }
    // Each detection's dependencies: its modules and what they import, transitively.
    let failed = &ev.input.failed;
    let mut kept_modules: BTreeSet<String> = BTreeSet::new();
    for (module, det, deps) in det_modules {
        if !ev.input.data_models_ok {
            diags.push(
                Diagnostic::new(
                    Code::Dependency,
                    det.span.clone(),
                    "a data model of the package was not converted (pypanther builds them all for every test)",
                )
                .for_detection(&det.id),
            );
            continue;
        }
        let closure = import_closure(ev, &deps);
        if let Some(bad) = closure.iter().find(|m| failed.contains(*m)) {
            diags.push(
                Diagnostic::new(
                    Code::Dependency,
                    det.span.clone(),
                    format!("depends on module `{bad}`, which was not converted"),
                )
                .for_detection(&det.id),
            );
            continue;
        }
        kept_modules.extend(closure);
        program.modules.insert(module.name.clone(), module);
        program.detections.push(det);
    }
    // Data models (pypanther builds every one for every test) and their imports.
    let dm_modules: BTreeSet<String> = program
        .data_models
        .iter()
        .filter_map(|d| d.module.clone())
        .collect();
    kept_modules.extend(import_closure(ev, &dm_modules));
    for name in kept_modules {
        if name == RULE_BASE || program.modules.contains_key(&name) {
            continue;
        }
        let Some(m) = ev.input.modules.get(&name) else {
            continue;
        };
        let m = match ev.origin(&name) {
            Origin::Library => clone_module(m),
            _ => runtime_module(ev, &name, m, &needs),
        };
        program.modules.insert(name, m);
    }
    if !program.detections.is_empty() {
        let mut base = rule_base_module();
        if let Some((rc, deps)) = needs.rule_base.take() {
            for m in &deps {
                if m != RULE_BASE && ev.input.modules.contains_key(m) {
                    base.body.push(Stmt::ImportModule(m.clone()));
                    base.imports.push(m.clone());
                }
            }
            base.globals.push(RULE_CLASS.to_string());
            let slot = base.globals.len() - 1;
            let members = rc
                .members
                .into_iter()
                .map(|m| {
                    // The defaults' own functions are this module's globals.
                    let value = match &m.value.kind {
                        ExprKind::ModuleRef(md, Some(a)) if md == RULE_BASE => {
                            let s = base.slot(a).unwrap_or(0);
                            mk(ExprKind::Name(Name::Global(s, a.clone())), &m.value.span)
                        }
                        _ => m.value,
                    };
                    ClassMember {
                        name: m.name,
                        kind: m.kind,
                        value: MemberValue::Expr(value),
                    }
                })
                .collect();
            base.body.push(Stmt::RuleClass {
                target: Target::Name(Name::Global(slot, RULE_CLASS.to_string())),
                key: rc.key,
                name: rc.name,
                module: rc.module,
                mro: Vec::new(),
                members,
            });
        }
        program.modules.insert(RULE_BASE.to_string(), base);
    }
    program.detections.sort_by(|a, b| a.id.cmp(&b.id));
    (program, diags)
}

fn clone_module(m: &Module) -> Module {
    Module {
        name: m.name.clone(),
        kind: m.kind,
        file: m.file.clone(),
        globals: m.globals.clone(),
        body: m.body.clone(),
        functions: m.functions.iter().map(clone_function).collect(),
        imports: m.imports.clone(),
        libraries: m.libraries.clone(),
        patch_routes: m.patch_routes.clone(),
    }
}

fn clone_function(f: &Function) -> Function {
    Function {
        name: f.name.clone(),
        qualname: f.qualname.clone(),
        params: Params {
            positional: f.params.positional.clone(),
            n_posonly: f.params.n_posonly,
            varargs: f.params.varargs.clone(),
            kwonly: f.params.kwonly.clone(),
            varkw: f.params.varkw.clone(),
        },
        locals: f.locals.clone(),
        body: f.body.clone(),
        captures: f.captures.clone(),
        cells: f.cells.clone(),
        dynamic_defaults: f.dynamic_defaults,
        is_generator: f.is_generator,
        span: f.span.clone(),
    }
}

fn rule_base_module() -> Module {
    let py = pysrc::parse("pypanther/base.py", RULE_BASE_SRC.to_string())
        .expect("ferrule's Rule defaults parse");
    let helpers = BTreeSet::new();
    let env = ImportEnv {
        helpers: &helpers,
        packages: &BTreeSet::new(),
    };
    let (m, _) = lower_module(&py, RULE_BASE, ModuleKind::Helper, &env);
    m
}

/// Modules `deps` need at run time: themselves and what they import, transitively.
fn import_closure(ev: &Eval, deps: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack: Vec<String> = deps.iter().cloned().collect();
    while let Some(m) = stack.pop() {
        if !out.insert(m.clone()) {
            continue;
        }
        if let Some(module) = ev.input.modules.get(&m) {
            for i in &module.imports {
                stack.push(i.clone());
            }
            refs_in(&module.body, &mut |r| stack.push(r.to_string()));
            for f in &module.functions {
                refs_in(&f.body, &mut |r| stack.push(r.to_string()));
            }
        }
    }
    out.retain(|m| ev.input.modules.contains_key(m) || m == RULE_BASE);
    out
}

/// Calls `f` with every module a block reads through `ModuleRef`.
fn refs_in(stmts: &[Stmt], f: &mut dyn FnMut(&str)) {
    walk_stmts(stmts, &mut |e| {
        if let ExprKind::ModuleRef(m, _) = &e.kind {
            f(m);
        }
    });
}

/// Visits every expression of a block.
fn walk_stmts(stmts: &[Stmt], f: &mut dyn FnMut(&Expr)) {
    fn expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
        f(e);
        for c in e.children() {
            expr(c, f);
        }
    }
    fn target(t: &Target, f: &mut dyn FnMut(&Expr)) {
        match t {
            Target::Item(a, b) => {
                expr(a, f);
                expr(b, f);
            }
            Target::Attr(a, _) => expr(a, f),
            Target::Unpack(ts, _) => ts.iter().for_each(|t| target(t, f)),
            Target::Starred(t) => target(t, f),
            Target::Slice(a, lo, hi, step) => {
                expr(a, f);
                [lo, hi, step]
                    .into_iter()
                    .flatten()
                    .for_each(|x| expr(x, f));
            }
            Target::Name(_) => {}
        }
    }
    for s in stmts {
        match s {
            Stmt::Expr(e) | Stmt::Return(Some(e)) => expr(e, f),
            Stmt::Raise(e, cause, _) => e.iter().chain(cause).for_each(|e| expr(e, f)),
            Stmt::Assign(ts, e) => {
                expr(e, f);
                ts.iter().for_each(|t| target(t, f));
            }
            Stmt::AugAssign(t, _, e) => {
                target(t, f);
                expr(e, f);
            }
            Stmt::If(c, a, b) => {
                expr(c, f);
                walk_stmts(a, f);
                walk_stmts(b, f);
            }
            Stmt::While(c, a) => {
                expr(c, f);
                walk_stmts(a, f);
            }
            Stmt::For(t, e, a) => {
                expr(e, f);
                target(t, f);
                walk_stmts(a, f);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                walk_stmts(body, f);
                for h in handlers {
                    h.types.iter().for_each(|t| expr(t, f));
                    walk_stmts(&h.body, f);
                }
                walk_stmts(orelse, f);
                walk_stmts(finalbody, f);
            }
            Stmt::With { items, body } => {
                for (e, t) in items {
                    expr(e, f);
                    if let Some(t) = t {
                        target(t, f);
                    }
                }
                walk_stmts(body, f);
            }
            Stmt::Match(e, arms) => {
                expr(e, f);
                for (p, g, b) in arms {
                    pattern(p, f);
                    if let Some(g) = g {
                        expr(g, f);
                    }
                    walk_stmts(b, f);
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
                    .chain(bases)
                    .chain(keywords.iter().map(|(_, e)| e))
                    .for_each(|e| expr(e, f));
                walk_stmts(body, f);
            }
            Stmt::RuleClass { mro, members, .. } => {
                mro.iter().for_each(|e| expr(e, f));
                for m in members {
                    if let MemberValue::Expr(e) = &m.value {
                        expr(e, f);
                    }
                }
            }
            Stmt::ClassDef(_, c) => {
                c.bases.iter().chain(&c.decorators).for_each(|e| expr(e, f));
                for i in &c.body {
                    if let ClassItem::Attr { value, .. } = i {
                        expr(value, f);
                    }
                }
            }
            _ => {}
        }
    }
    fn pattern(p: &Pattern, f: &mut dyn FnMut(&Expr)) {
        match p {
            Pattern::Value(e) | Pattern::Singleton(e) => expr(e, f),
            Pattern::Or(ps) => ps.iter().for_each(|p| pattern(p, f)),
            _ => {}
        }
    }
}

fn mk(kind: ExprKind, span: &Span) -> Expr {
    Expr {
        kind,
        span: span.clone(),
    }
}

fn hidden_fn(idx: usize) -> String {
    format!("__ferrule_fn_{idx}")
}

fn hidden_attr(stmt: usize, name: &str) -> String {
    format!("__ferrule_cls{stmt}_{name}")
}

/// A value as a run-time expression, when it is plain data (or functions of modules).
/// `defaults_only` is set when an enum member was written as its value.
fn materialise(
    ev: &Eval,
    v: &V,
    span: &Span,
    needs: &mut Needs,
    deps: &mut BTreeSet<String>,
    defaults_only: &mut bool,
    depth: usize,
) -> Result<Expr, String> {
    if depth > 32 {
        return Err("too deeply nested".into());
    }
    let rec = |x: &V, needs: &mut Needs, deps: &mut BTreeSet<String>, d: &mut bool| {
        materialise(ev, x, span, needs, deps, d, depth + 1)
    };
    Ok(match v {
        V::None => mk(ExprKind::Const(Const::None), span),
        V::Bool(b) => mk(ExprKind::Const(Const::Bool(*b)), span),
        V::Int(i) => mk(ExprKind::Const(Const::Int(*i)), span),
        V::Float(f) => mk(ExprKind::Const(Const::Float(*f)), span),
        V::Str(s) => mk(ExprKind::Const(Const::Str(s.to_string())), span),
        V::Enum(k, n) => {
            *defaults_only = true;
            mk(
                ExprKind::Const(Const::Str(ev.enum_value(*k, n).to_string())),
                span,
            )
        }
        V::Tuple(t) => {
            let mut items = Vec::new();
            for x in t.iter() {
                items.push(rec(x, needs, deps, defaults_only)?);
            }
            mk(ExprKind::Tuple(items), span)
        }
        V::List(i) => {
            let HObj::List(l) = &ev.heap[*i].obj else {
                return Err("a list".into());
            };
            let mut items = Vec::new();
            for x in l {
                items.push(rec(x, needs, deps, defaults_only)?);
            }
            mk(ExprKind::List(items), span)
        }
        V::Dict(i) => {
            let HObj::Dict(d) = &ev.heap[*i].obj else {
                return Err("a dict".into());
            };
            let mut items = Vec::new();
            for (k, x) in d {
                let k = rec(k, needs, deps, defaults_only)?;
                let x = rec(x, needs, deps, defaults_only)?;
                items.push((Some(k), x));
            }
            mk(ExprKind::Dict(items), span)
        }
        V::Func(f) => {
            if !f.captures.is_empty() {
                return Err("a closure over local variables".into());
            }
            needs
                .fns
                .entry(f.module.clone())
                .or_default()
                .insert(f.index);
            deps.insert(f.module.clone());
            mk(
                ExprKind::ModuleRef(f.module.clone(), Some(hidden_fn(f.index))),
                span,
            )
        }
        V::Api(Api::RunTime(n)) => mk(
            ExprKind::Stdlib(format!("__ferrule_pypanther_base.{n}")),
            span,
        ),
        V::Api(Api::RuleMethod(m)) if RULE_OWN_INTERNALS.contains(m) => mk(
            ExprKind::Stdlib(format!("__ferrule_pypanther_base.{m}")),
            span,
        ),
        V::Api(Api::RuleMethod(m)) if *m != "rule" => {
            deps.insert(RULE_BASE.to_string());
            mk(
                ExprKind::ModuleRef(RULE_BASE.to_string(), Some(m.to_string())),
                span,
            )
        }
        V::Unknown(w) => {
            return Err(format!(
                "its value is only known at run time ({} at {}:{})",
                w.reason, w.span.file, w.span.line
            ))
        }
        V::Set(_) => return Err("a set changed by the configuration".into()),
        V::Obj(_) => return Err("`RuleTest`/`RuleMock` objects".into()),
        V::Class(c) => return Err(format!("the class `{}`", ev.classes[*c].name)),
        V::Module(m) => return Err(format!("the module `{m}`")),
        _ => return Err(format!("a {} value", ev.type_name(v))),
    })
}

/// The run-time classes, detection module and detection of one registered rule, and the
/// modules it needs.
fn rule_program(
    ev: &Eval,
    r: &Registered,
    needs: &mut Needs,
) -> Result<(Module, Detection, BTreeSet<String>), Diagnostic> {
    let c = r.class;
    let class = &ev.classes[c];
    let id = ev.rule_id(c).unwrap_or_default();
    let span = class.span.clone();
    let refuse =
        |code: Code, msg: String| Diagnostic::new(code, span.clone(), msg).for_detection(&id);
    let mut deps: BTreeSet<String> = BTreeSet::new();
    deps.insert(RULE_BASE.to_string());
    let mut reads = Reads::default();
    let mut classes: Vec<RtClass> = Vec::new();
    let mut seen_names: BTreeSet<String> = BTreeSet::new();
    let mut local_needs = Needs::default();
    // pypanther's `Rule.run`/`run_test` call these members; ferrule's run time runs
    // pypanther's own behaviour natively and would not call a class's replacement.
    for &k in &class.mro {
        if k == RULE {
            continue;
        }
        if let Some(name) = ev.classes[k]
            .dict
            .keys()
            .find(|n| RULE_INTERNALS.contains(&n.as_str()))
        {
            return Err(refuse(
                Code::Unsupported,
                format!(
                    "`{}` defines `{name}`, which pypanther's `Rule` calls internally; ferrule \
                     runs pypanther's own `{name}` and cannot call a replacement",
                    ev.classes[k].name
                ),
            ));
        }
    }
    for &k in &class.mro {
        let kc = &ev.classes[k];
        let mut members = Vec::new();
        // `Rule`'s members come from modules its one run-time class needs.
        let mut rule_deps: BTreeSet<String> = BTreeSet::new();
        let deps: &mut BTreeSet<String> = if k == RULE { &mut rule_deps } else { &mut deps };
        for (name, e) in &kc.dict {
            let first = seen_names.insert(name.clone());
            let mut defaults_only = false;
            let value: Result<Expr, String> = match (&e.value, &e.body_item) {
                (V::Func(_) | V::Api(Api::RuleMethod(_)), _) => materialise(
                    ev,
                    &e.value,
                    &kc.span,
                    &mut local_needs,
                    deps,
                    &mut defaults_only,
                    0,
                ),
                (v, Some(bi)) if !bi.config && !heap_mutated(ev, v) => {
                    local_needs
                        .class_stmts
                        .entry(bi.module.clone())
                        .or_default()
                        .insert(bi.stmt);
                    deps.insert(bi.module.clone());
                    Ok(mk(
                        ExprKind::ModuleRef(bi.module.clone(), Some(hidden_attr(bi.stmt, name))),
                        &kc.span,
                    ))
                }
                (v, _) => materialise(
                    ev,
                    v,
                    &kc.span,
                    &mut local_needs,
                    deps,
                    &mut defaults_only,
                    0,
                ),
            };
            match value {
                Ok(v) => {
                    if first && defaults_only {
                        reads.defaults_only.insert(name.clone());
                    }
                    members.push(RtMember {
                        name: name.clone(),
                        kind: e.kind,
                        value: v,
                    });
                }
                Err(why) => {
                    if first {
                        reads.omitted.insert(name.clone(), why);
                    }
                }
            }
        }
        if k == RULE {
            // `rule` is abstract on `Rule`: a registered rule always overrides it. `Rule` is
            // one class for every rule, built once by the defaults' module.
            members.retain(|m| m.name != "rule");
            if needs.rule_base.is_none() {
                needs.rule_base = Some((
                    RtClass {
                        key: kc.key.clone(),
                        name: kc.name.clone(),
                        module: kc.module.clone(),
                        members,
                    },
                    rule_deps.clone(),
                ));
            }
            continue;
        }
        classes.push(RtClass {
            key: kc.key.clone(),
            name: kc.name.clone(),
            module: kc.module.clone(),
            members,
        });
    }
    // pypanther's defaults and the entry points read these members of every rule.
    let filters_used = ["include_filters", "exclude_filters"].iter().any(|f| {
        matches!(ev.lookup(c, f).map(|e| e.value), Some(V::List(i)) if matches!(&ev.heap[i].obj, HObj::List(l) if !l.is_empty()))
    });
    // ferrule's `Rule.run` result does not model what filters leave in it
    // (`filter_output`, `filter_exception`), which a rule's own `run` could read.
    if filters_used {
        if let Some(&k) = class
            .mro
            .iter()
            .find(|&&k| k != RULE && ev.classes[k].dict.contains_key("run"))
        {
            return Err(refuse(
                Code::Unsupported,
                format!(
                    "`{}` defines `run` and the rule has `include_filters`/`exclude_filters`: \
                     ferrule does not model the filter results of pypanther's `Rule.run`",
                    ev.classes[k].name
                ),
            ));
        }
    }
    for name in [
        "id",
        "display_name",
        "default_severity",
        "default_destinations",
        "default_runbook",
        "default_reference",
        "default_description",
        "include_filters",
        "exclude_filters",
    ] {
        if name.ends_with("_filters") && !filters_used {
            continue;
        }
        if let Some(why) = reads.omitted.get(name) {
            return Err(refuse(
                Code::Unsupported,
                format!("`{name}` is not represented at run time: {why}"),
            ));
        }
    }
    // Code that runs at run time may only read what run time has.
    let funcs = runtime_functions(ev, c, &classes);
    if let Some(msg) = check_functions(ev, c, &funcs, &reads) {
        return Err(refuse(Code::Unsupported, msg));
    }
    for (m, _) in funcs.keys() {
        deps.insert(m.clone());
    }
    // Tests.
    let tests_v = ev.lookup(c, "tests").map(|e| e.value).unwrap_or(V::None);
    let mut tests = Vec::new();
    let mut routes: BTreeSet<String> = BTreeSet::new();
    if let V::List(i) = &tests_v {
        let HObj::List(items) = &ev.heap[*i].obj else {
            unreachable!("list cell")
        };
        for t in items {
            let ut =
                unit_test(ev, c, t, &funcs, &mut routes).map_err(|m| refuse(Code::TestData, m))?;
            tests.push(ut);
        }
    }
    deps.extend(routes.iter().cloned());
    // The detection's own module: the run-time classes, the rule object, the entry points.
    let filters = filters_used;
    let mut src = String::new();
    if filters {
        src.push_str(
            "def rule(event):\n    try:\n        ok = all(f(event) for f in _ferrule_rule_obj.include_filters)\n        ok = ok & all(not f(event) for f in _ferrule_rule_obj.exclude_filters)\n    except Exception:\n        return None\n    if not ok:\n        return False\n    return _ferrule_rule_obj.rule(event)\n",
        );
    } else {
        src.push_str("def rule(event):\n    return _ferrule_rule_obj.rule(event)\n");
    }
    for m in RULE_METHODS {
        src.push_str(&format!(
            "\n\ndef {m}(event):\n    return _ferrule_rule_obj.{m}(event)\n"
        ));
    }
    // A class of the rule's order replacing `_get_title`, `_get_dedup` or `run`: the
    // runtime's `Rule.run` (or `run_test`) calls the rule object's, through these entries.
    for (method, entry) in OWN_ENTRIES {
        if class
            .mro
            .iter()
            .any(|&k| k != RULE && ev.classes[k].dict.contains_key(*method))
        {
            src.push_str("\n\n");
            src.push_str(entry);
        }
    }
    let module_name = format!("detection:{id}");
    let file = ev.file_of(&class.module);
    let py = pysrc::parse(&file, src).map_err(|d| d.for_detection(&id))?;
    let helpers = BTreeSet::new();
    let env = ImportEnv {
        helpers: &helpers,
        packages: &BTreeSet::new(),
    };
    let (mut module, d) = lower_module(&py, &module_name, ModuleKind::Detection, &env);
    if let Some(d) = d.into_iter().next() {
        return Err(d.for_detection(&id));
    }
    let obj_slot = module.slot("_ferrule_rule_obj").unwrap_or_else(|| {
        module.globals.push("_ferrule_rule_obj".into());
        module.globals.len() - 1
    });
    let mut pre = Vec::new();
    for m in &deps {
        if m != RULE_BASE && ev.input.modules.contains_key(m) {
            pre.push(Stmt::ImportModule(m.clone()));
        }
    }
    pre.push(Stmt::ImportModule(RULE_BASE.to_string()));
    let mut class_slots = Vec::new();
    for (i, _) in classes.iter().enumerate() {
        module.globals.push(format!("__ferrule_c{i}"));
        class_slots.push(module.globals.len() - 1);
    }
    for i in (0..classes.len()).rev() {
        let rc = &classes[i];
        let mut mro: Vec<Expr> = ((i + 1)..classes.len())
            .map(|j| {
                mk(
                    ExprKind::Name(Name::Global(class_slots[j], format!("__ferrule_c{j}"))),
                    &span,
                )
            })
            .collect();
        mro.push(mk(
            ExprKind::ModuleRef(RULE_BASE.to_string(), Some(RULE_CLASS.to_string())),
            &span,
        ));
        pre.push(Stmt::RuleClass {
            target: Target::Name(Name::Global(class_slots[i], format!("__ferrule_c{i}"))),
            key: rc.key.clone(),
            name: rc.name.clone(),
            module: rc.module.clone(),
            mro,
            members: rc
                .members
                .iter()
                .map(|m| ClassMember {
                    name: m.name.clone(),
                    kind: m.kind,
                    value: MemberValue::Expr(m.value.clone()),
                })
                .collect(),
        });
    }
    pre.push(Stmt::Assign(
        vec![Target::Name(Name::Global(
            obj_slot,
            "_ferrule_rule_obj".into(),
        ))],
        mk(
            ExprKind::Call(
                Box::new(mk(
                    ExprKind::Name(Name::Global(class_slots[0], "__ferrule_c0".into())),
                    &span,
                )),
                Vec::new(),
            ),
            &span,
        ),
    ));
    pre.append(&mut module.body);
    module.body = pre;
    module.patch_routes = routes.into_iter().collect();
    module.imports = deps
        .iter()
        .filter(|m| ev.input.modules.contains_key(*m) || *m == RULE_BASE)
        .cloned()
        .collect();
    // Merge what this rule needs.
    for (m, fs) in local_needs.fns {
        needs.fns.entry(m).or_default().extend(fs);
    }
    for (m, ss) in local_needs.class_stmts {
        needs.class_stmts.entry(m).or_default().extend(ss);
    }
    needs.rule_classes.extend(class.mro.iter().copied());
    let str_attr = |n: &str| match ev.lookup(c, n).map(|e| e.value) {
        Some(V::Str(s)) => s.to_string(),
        Some(V::Enum(k, m)) => ev.enum_value(k, &m).to_string(),
        _ => String::new(),
    };
    let bool_attr = |n: &str| !matches!(ev.lookup(c, n).map(|e| e.value), Some(V::Bool(false)));
    let det = Detection {
        id: id.clone(),
        kind: DetectionKind::Rule,
        file: file.clone(),
        module: module_name,
        py_file: file,
        display_name: str_attr("display_name"),
        severity: str_attr("default_severity"),
        enabled: bool_attr("enabled"),
        create_alert: bool_attr("create_alert"),
        tests,
        span,
    };
    Ok((module, det, deps))
}

/// Whether a heap value was changed after it was created (then the class body's
/// expression no longer gives it).
fn heap_mutated(ev: &Eval, v: &V) -> bool {
    match v {
        V::List(i) | V::Dict(i) | V::Set(i) => {
            let cell = &ev.heap[*i];
            cell.mutated
                || match &cell.obj {
                    HObj::List(l) | HObj::Set(l) => l.iter().any(|x| heap_mutated(ev, x)),
                    HObj::Dict(d) => d
                        .iter()
                        .any(|(k, x)| heap_mutated(ev, k) || heap_mutated(ev, x)),
                    _ => false,
                }
        }
        V::Tuple(t) => t.iter().any(|x| heap_mutated(ev, x)),
        _ => false,
    }
}

/// The functions that can run at run time for a rule: its methods and function-valued
/// members, the functions they name, transitively (within the project and managed
/// modules). Each with whether it is a method (its first parameter is the rule object).
fn runtime_functions(
    ev: &Eval,
    c: ClassId,
    _classes: &[RtClass],
) -> BTreeMap<(String, usize), bool> {
    let mut out: BTreeMap<(String, usize), bool> = BTreeMap::new();
    let mut stack: Vec<((String, usize), bool)> = Vec::new();
    let mut seen_names = BTreeSet::new();
    for &k in &ev.classes[c].mro {
        for (name, e) in &ev.classes[k].dict {
            if !seen_names.insert(name.clone()) {
                continue;
            }
            collect_funcs(
                ev,
                &e.value,
                &mut |f, is_member| {
                    let method =
                        is_member && matches!(e.kind, MemberKind::Method | MemberKind::Property);
                    stack.push(((f.module.clone(), f.index), method));
                },
                true,
            );
        }
    }
    while let Some((key, method)) = stack.pop() {
        if let Some(m) = out.get_mut(&key) {
            *m |= method;
            continue;
        }
        out.insert(key.clone(), method);
        let (module, idx) = &key;
        let Some(m) = ev.input.modules.get(module) else {
            continue;
        };
        let Some(f) = m.functions.get(*idx) else {
            continue;
        };
        let st = ev.mods.get(module);
        walk_stmts(&f.body, &mut |e| match &e.kind {
            ExprKind::Closure(i) | ExprKind::GenExp(i, _) => {
                stack.push(((module.clone(), *i), false))
            }
            ExprKind::Name(Name::Global(slot, _)) => {
                if let Some(V::Func(g)) = st.and_then(|s| s.ns.get(*slot).cloned().flatten()) {
                    stack.push(((g.module.clone(), g.index), false));
                }
            }
            ExprKind::ModuleRef(m2, Some(a)) if ev.origin(m2) != Origin::Library => {
                if let (Some(md), Some(s2)) = (ev.input.modules.get(m2), ev.mods.get(m2)) {
                    if let Some(slot) = md.slot(a) {
                        if let Some(V::Func(g)) = s2.ns.get(slot).cloned().flatten() {
                            stack.push(((g.module.clone(), g.index), false));
                        }
                    }
                }
            }
            _ => {}
        });
    }
    out
}

fn collect_funcs(ev: &Eval, v: &V, f: &mut dyn FnMut(&FuncVal, bool), top: bool) {
    match v {
        V::Func(x) => f(x, top),
        V::List(i) | V::Set(i) => {
            if let HObj::List(l) | HObj::Set(l) = &ev.heap[*i].obj {
                for x in l {
                    collect_funcs(ev, x, f, false);
                }
            }
        }
        V::Dict(i) => {
            if let HObj::Dict(d) = &ev.heap[*i].obj {
                for (_, x) in d {
                    collect_funcs(ev, x, f, false);
                }
            }
        }
        V::Tuple(t) => t.iter().for_each(|x| collect_funcs(ev, x, f, false)),
        _ => {}
    }
}

/// Whether a module global is bound at run time as the configuration left it: bound by a
/// statement that runs at run time, to a value no configuration statement changed later.
fn runtime_bound(ev: &Eval, module: &str, slot: usize) -> Result<(), String> {
    let Some(st) = ev.mods.get(module) else {
        return Ok(());
    };
    if st.config_bound.get(slot) == Some(&true) {
        return Err("binds it in configuration code, which does not run at run time".into());
    }
    if let Some(v) = st.ns.get(slot).cloned().flatten() {
        if changed_by_config(ev, &v, 0) {
            return Err("changes its value in configuration code".into());
        }
    }
    Ok(())
}

fn changed_by_config(ev: &Eval, v: &V, depth: usize) -> bool {
    if depth > 32 {
        return true;
    }
    match v {
        V::List(i) | V::Dict(i) | V::Set(i) => {
            let cell = &ev.heap[*i];
            cell.mutated_by_config
                || match &cell.obj {
                    HObj::List(l) | HObj::Set(l) => {
                        l.iter().any(|x| changed_by_config(ev, x, depth + 1))
                    }
                    HObj::Dict(d) => d.iter().any(|(_, x)| changed_by_config(ev, x, depth + 1)),
                    _ => false,
                }
        }
        V::Tuple(t) => t.iter().any(|x| changed_by_config(ev, x, depth + 1)),
        _ => false,
    }
}

/// Refuses a rule whose run-time code reads what run time does not have: a global only
/// configuration code binds, pypanther's API, a member left out of the run-time class (or
/// an enum member), a `Rule` member ferrule does not provide, or the rule object passed on
/// while some member is left out.
fn check_functions(
    ev: &Eval,
    c: ClassId,
    funcs: &BTreeMap<(String, usize), bool>,
    reads: &Reads,
) -> Option<String> {
    // Instance attributes the rule's methods assign.
    let mut assigned: BTreeSet<String> = BTreeSet::new();
    for ((module, idx), method) in funcs {
        if !*method {
            continue;
        }
        if let Some(f) = ev
            .input
            .modules
            .get(module)
            .and_then(|m| m.functions.get(*idx))
        {
            self_assigns(&f.body, &mut assigned);
        }
    }
    for ((module, idx), method) in funcs {
        if ev.origin(module) == Origin::Library {
            continue;
        }
        let Some(m) = ev.input.modules.get(module) else {
            continue;
        };
        let Some(f) = m.functions.get(*idx) else {
            continue;
        };
        let fname = &f.name;
        let file = ev.file_of(module);
        // `super()` names its class through the class's global; run time names it by key.
        let mut body = f.body.clone();
        rewrite_super(&mut body, "");
        let mut problem: Option<String> = None;
        let mut note = |p: String| {
            if problem.is_none() {
                problem = Some(p);
            }
        };
        walk_stmts(&body, &mut |e| match &e.kind {
            ExprKind::Name(Name::Global(slot, n)) => {
                if let Err(why) = runtime_bound(ev, module, *slot) {
                    note(format!(
                        "`{fname}` ({file}:{}) reads `{n}`, and the project {why}",
                        e.span.line
                    ));
                }
            }
            ExprKind::ModuleRef(m2, Some(a)) if super::value::runtime_name(m2, a).is_some() => {}
            ExprKind::ModuleRef(m2, attr) if super::api::virtual_module(m2).is_some() => {
                note(format!(
                    "`{fname}` ({file}:{}) uses pypanther's `{}` at run time",
                    e.span.line,
                    attr.clone().unwrap_or_else(|| m2.clone())
                ));
            }
            ExprKind::ModuleRef(m2, Some(a)) if ev.origin(m2) != Origin::Library => {
                if let Some(slot) = ev.input.modules.get(m2).and_then(|md| md.slot(a)) {
                    if let Err(why) = runtime_bound(ev, m2, slot) {
                        note(format!(
                            "`{fname}` ({file}:{}) reads `{m2}.{a}`, and the project {why}",
                            e.span.line
                        ));
                    }
                }
            }
            _ => {}
        });
        if *method {
            let Some((pname, _)) = f.params.positional.first() else {
                continue;
            };
            let _ = pname;
            for (name, line) in self_reads(&f.body) {
                if let Some(why) = reads.omitted.get(&name) {
                    note(format!(
                        "`{fname}` ({file}:{line}) reads `self.{name}`, which ferrule does not represent at run time: {why}"
                    ));
                } else if reads.defaults_only.contains(&name) {
                    note(format!(
                        "`{fname}` ({file}:{line}) reads `self.{name}`, an enum member (`Severity`/`LogType`) at run time, which ferrule does not represent"
                    ));
                } else if ev.lookup(c, &name).is_none()
                    && !assigned.contains(&name)
                    && RULE_MEMBERS_ABSENT.contains(&name.as_str())
                {
                    note(format!(
                        "`{fname}` ({file}:{line}) uses `self.{name}`, a member of pypanther's `Rule` that ferrule does not provide at run time"
                    ));
                }
            }
            if !reads.omitted.is_empty() || !reads.defaults_only.is_empty() {
                if let Some(line) = bare_self(&f.body) {
                    note(format!(
                        "`{fname}` ({file}:{line}) passes the rule object on, and some of its members (`{}`) are not represented at run time",
                        reads
                            .omitted
                            .keys()
                            .chain(reads.defaults_only.iter())
                            .next()
                            .cloned()
                            .unwrap_or_default()
                    ));
                }
            }
        }
        if problem.is_some() {
            return problem;
        }
    }
    None
}

/// `self.<name> = …` targets of a method body.
fn self_assigns(stmts: &[Stmt], out: &mut BTreeSet<String>) {
    for s in stmts {
        match s {
            Stmt::Assign(ts, _) => {
                for t in ts {
                    if let Target::Attr(o, n) = t {
                        if matches!(o.kind, ExprKind::Name(Name::Local(0, _))) {
                            out.insert(n.clone());
                        }
                    }
                }
            }
            Stmt::AugAssign(Target::Attr(o, n), _, _) => {
                if matches!(o.kind, ExprKind::Name(Name::Local(0, _))) {
                    out.insert(n.clone());
                }
            }
            Stmt::If(_, a, b) => {
                self_assigns(a, out);
                self_assigns(b, out);
            }
            Stmt::While(_, a) | Stmt::For(_, _, a) => self_assigns(a, out),
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self_assigns(body, out);
                for h in handlers {
                    self_assigns(&h.body, out);
                }
                self_assigns(orelse, out);
                self_assigns(finalbody, out);
            }
            Stmt::With { items, body } => {
                for (_, t) in items {
                    if let Some(Target::Attr(o, n)) = t {
                        if matches!(o.kind, ExprKind::Name(Name::Local(0, _))) {
                            out.insert(n.clone());
                        }
                    }
                }
                self_assigns(body, out);
            }
            _ => {}
        }
    }
}

/// `self.<name>` reads and calls in a method body (the first parameter is local 0), with
/// their lines.
fn self_reads(stmts: &[Stmt]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    walk_stmts(stmts, &mut |e| match &e.kind {
        ExprKind::Attr(o, n) | ExprKind::MethodCall(o, n, _)
            if matches!(o.kind, ExprKind::Name(Name::Local(0, _))) =>
        {
            out.push((n.clone(), e.span.line));
        }
        _ => {}
    });
    out
}

/// The line of a use of `self` other than `self.<name>` or `super()`, if any.
fn bare_self(stmts: &[Stmt]) -> Option<usize> {
    let mut allowed: Vec<(usize, usize)> = Vec::new();
    let mut all: Vec<(usize, usize)> = Vec::new();
    // `self.x = …` targets.
    fn targets(stmts: &[Stmt], allowed: &mut Vec<(usize, usize)>) {
        fn target(t: &Target, allowed: &mut Vec<(usize, usize)>) {
            match t {
                Target::Attr(o, _) if matches!(o.kind, ExprKind::Name(Name::Local(0, _))) => {
                    allowed.push((o.span.line, o.span.col))
                }
                Target::Unpack(ts, _) => ts.iter().for_each(|t| target(t, allowed)),
                _ => {}
            }
        }
        for s in stmts {
            match s {
                Stmt::Assign(ts, _) => ts.iter().for_each(|t| target(t, allowed)),
                Stmt::AugAssign(t, _, _) | Stmt::For(t, _, _) => target(t, allowed),
                Stmt::With { items, .. } => items
                    .iter()
                    .filter_map(|(_, t)| t.as_ref())
                    .for_each(|t| target(t, allowed)),
                _ => {}
            }
            match s {
                Stmt::If(_, a, b) => {
                    targets(a, allowed);
                    targets(b, allowed);
                }
                Stmt::While(_, a) | Stmt::For(_, _, a) => targets(a, allowed),
                Stmt::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } => {
                    targets(body, allowed);
                    for h in handlers {
                        targets(&h.body, allowed);
                    }
                    targets(orelse, allowed);
                    targets(finalbody, allowed);
                }
                Stmt::With { body, .. } => targets(body, allowed),
                Stmt::Match(_, arms) => arms.iter().for_each(|(_, _, b)| targets(b, allowed)),
                _ => {}
            }
        }
    }
    targets(stmts, &mut allowed);
    walk_stmts(stmts, &mut |e| {
        match &e.kind {
            ExprKind::Attr(o, _) | ExprKind::MethodCall(o, _, _) => {
                if matches!(o.kind, ExprKind::Name(Name::Local(0, _))) {
                    allowed.push((o.span.line, o.span.col));
                }
            }
            ExprKind::Super(_, Name::Local(0, _)) => allowed.push((e.span.line, e.span.col)),
            _ => {}
        }
        if matches!(e.kind, ExprKind::Name(Name::Local(0, _))) {
            all.push((e.span.line, e.span.col));
        }
    });
    all.into_iter().find(|p| !allowed.contains(p)).map(|p| p.0)
}

/// One `RuleTest` as a unit test of the compiled rule.
fn unit_test(
    ev: &Eval,
    c: ClassId,
    t: &V,
    funcs: &BTreeMap<(String, usize), bool>,
    routes: &mut BTreeSet<String>,
) -> Result<UnitTest, String> {
    let V::Obj(i) = t else {
        return Err("a test is not a `RuleTest`".into());
    };
    let HObj::Test(test) = &ev.heap[*i].obj else {
        return Err("a test is not a `RuleTest`".into());
    };
    let at = format!("{}:{}", test.span.file, test.span.line);
    let field = |n: &str| test.fields.get(n).cloned().unwrap_or(V::None);
    let name = match field("name") {
        V::Str(s) => s.to_string(),
        _ => return Err(format!("the test at {at} has no literal name")),
    };
    let json = |v: &V| to_json(ev, v, 0).map_err(|why| format!("test `{name}` ({at}): {why}"));
    let expected = json(&field("expected_result"))?;
    let event_json = match field("log") {
        V::Str(s) => s.to_string(),
        other => json(&other)?.to_string(),
    };
    if let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(&event_json)
    {
        if matches!(
            m.get("p_log_type"),
            Some(serde_json::Value::Array(_) | serde_json::Value::Object(_))
        ) {
            return Err(format!(
                "test `{name}` ({at}): a log whose `p_log_type` is a list or a dict"
            ));
        }
    }
    let mut expected_fields = Vec::new();
    for f in [
        "expected_title",
        "expected_dedup",
        "expected_severity",
        "expected_runbook",
        "expected_reference",
        "expected_description",
        "expected_alert_context",
    ] {
        let v = field(f);
        if matches!(v, V::None) {
            continue;
        }
        let j = json(&v)?;
        expected_fields.push((f["expected_".len()..].to_string(), j.to_string()));
    }
    // Mocks: the module the test was written in if it has the name, else the rule object.
    let mut mocks = Vec::new();
    let mock_list = field("mocks");
    let items = match &mock_list {
        V::List(l) => match &ev.heap[*l].obj {
            HObj::List(x) => x.clone(),
            _ => Vec::new(),
        },
        V::None => Vec::new(),
        _ => return Err(format!("test `{name}` ({at}): `mocks` is not a list")),
    };
    for m in items.clone() {
        let V::Obj(mi) = m else {
            return Err(format!("test `{name}` ({at}): a mock is not a `RuleMock`"));
        };
        let HObj::Mock(mf) = &ev.heap[mi].obj else {
            return Err(format!("test `{name}` ({at}): a mock is not a `RuleMock`"));
        };
        let get = |n: &str| mf.get(n).cloned().unwrap_or(V::None);
        let V::Str(object) = get("object_name") else {
            return Err(format!(
                "test `{name}` ({at}): a mock without a literal object_name"
            ));
        };
        if !matches!(get("side_effect"), V::None) {
            return Err(format!(
                "test `{name}` ({at}): RuleMock `side_effect` is not supported yet"
            ));
        }
        let new = get("new");
        if !matches!(new, V::None) {
            // `patch.multiple(module, name=new)` puts `new` itself in place. When `new` is
            // the very object the module's global holds when the tests run (what the
            // migration writes to undo an earlier test's mock, which pypanther never
            // stops), the patch changes nothing, and each test of ferrule starts from the
            // module's own objects.
            puts_back(ev, test, &items, &object, &new).map_err(|why| {
                format!("test `{name}` ({at}): RuleMock `new` for `{object}`: {why}")
            })?;
            continue;
        }
        let ret = json(&get("return_value"))?.to_string();
        let module = &test.module;
        let in_module = ev
            .input
            .modules
            .get(module)
            .and_then(|md| md.slot(&object))
            .and_then(|slot| {
                ev.mods
                    .get(module)
                    .and_then(|s| s.ns.get(slot).cloned().flatten())
            })
            .is_some();
        let name_for_runtime = if in_module {
            // The patch is seen only by run-time code of that module; a global only
            // configuration binds is read by none (the check refuses such reads).
            let runs = funcs.keys().any(|(m, _)| m == module);
            let slot = ev.input.modules.get(module).and_then(|md| md.slot(&object));
            match slot {
                Some(slot) if runs && runtime_bound(ev, module, slot).is_ok() => {
                    routes.insert(module.clone());
                    format!("{module}::{object}")
                }
                _ => continue,
            }
        } else if ev.lookup(c, &object).is_some() {
            if ["rule", "include_filters", "exclude_filters"].contains(&&*object)
                || RULE_METHODS.contains(&&*object)
            {
                return Err(format!(
                    "test `{name}` ({at}): a mock of the rule's `{object}` (pypanther then reads `__name__` of the mock)"
                ));
            }
            if RULE_OWN_INTERNALS.contains(&&*object) {
                // The runtime's `Rule.run` calls the rule object's `_get_title` only when a
                // class replaces it, so a mock of pypanther's own would not be called.
                return Err(format!(
                    "test `{name}` ({at}): a mock of the rule's `{object}`, which ferrule's `Rule.run` would not call"
                ));
            }
            format!("_ferrule_rule_obj.{object}")
        } else {
            return Err(format!(
                "test `{name}` ({at}): a mock of `{object}`, which neither `{module}` nor the rule has (CPython's error shows an address)"
            ));
        };
        mocks.push((name_for_runtime, ret));
    }
    Ok(UnitTest {
        name,
        expected_json: expected.to_string(),
        event_json,
        mocks,
        expected_destinations: None,
        expected_fields,
    })
}

/// Whether `RuleMock(object_name=object, new=new)` of `test` leaves the module as it was:
/// `new` is the object the test's module binds to `object` at the end of configuration, no
/// code run after import can rebind that global, and no other mock of the test names it (a
/// later patch of the same name would otherwise see this one's value).
fn puts_back(ev: &Eval, test: &TestObj, mocks: &[V], object: &str, new: &V) -> Result<(), String> {
    let module = &test.module;
    let Some(m) = ev.input.modules.get(module) else {
        return Err("only a name of the test's module is supported".into());
    };
    let current = m.slot(object).and_then(|slot| {
        ev.mods
            .get(module)
            .and_then(|s| s.ns.get(slot).cloned().flatten())
    });
    let Some(current) = current else {
        return Err(format!(
            "`{module}` does not bind it (pypanther then patches the rule object), which is not supported yet"
        ));
    };
    if !same_object(&current, new) {
        return Err(format!(
            "only the object `{module}` binds to it is supported (it then changes nothing)"
        ));
    }
    if crate::emit::state::may_rebind_globals(m) {
        return Err(format!(
            "code of `{module}` run after import may rebind its globals, so the object put back may differ from the one the test sees"
        ));
    }
    let same_name = mocks
        .iter()
        .filter(|v| match v {
            V::Obj(i) => match &ev.heap[*i].obj {
                HObj::Mock(f) => matches!(f.get("object_name"), Some(V::Str(s)) if &**s == object),
                _ => false,
            },
            _ => false,
        })
        .count();
    if same_name > 1 {
        return Err("another mock of the test names it too".into());
    }
    Ok(())
}

/// Whether two configuration values are one Python object. Numbers are never taken as one
/// (the evaluator does not keep the identity of `int` and `float` objects).
fn same_object(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::None, V::None) => true,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Str(x), V::Str(y)) => Rc::ptr_eq(x, y),
        (V::Tuple(x), V::Tuple(y)) => Rc::ptr_eq(x, y),
        (V::Func(x), V::Func(y)) => Rc::ptr_eq(x, y),
        (V::List(x), V::List(y))
        | (V::Dict(x), V::Dict(y))
        | (V::Set(x), V::Set(y))
        | (V::Obj(x), V::Obj(y)) => x == y,
        (V::Class(x), V::Class(y)) => x == y,
        (V::Module(x), V::Module(y)) => x == y,
        (V::Enum(k, x), V::Enum(l, y)) => k == l && x == y,
        _ => false,
    }
}

/// Plain data as JSON (what pypanther's test data becomes when it builds the event).
fn to_json(ev: &Eval, v: &V, depth: usize) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    if depth > 64 {
        return Err("test data nested too deeply".into());
    }
    Ok(match v {
        V::None => J::Null,
        V::Bool(b) => J::Bool(*b),
        V::Int(i) => J::from(*i),
        V::Float(f) if f.is_finite() => J::from(*f),
        V::Str(s) => J::String(s.to_string()),
        V::Enum(EnumKind::Severity, n) => J::String(n.to_string()),
        V::List(i) => match &ev.heap[*i].obj {
            HObj::List(l) => J::Array(
                l.iter()
                    .map(|x| to_json(ev, x, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err("test data that is not plain data".into()),
        },
        V::Dict(i) => match &ev.heap[*i].obj {
            HObj::Dict(d) => {
                let mut m = serde_json::Map::new();
                for (k, x) in d {
                    let V::Str(k) = k else {
                        return Err("test data with a key that is not a string".into());
                    };
                    m.insert(k.to_string(), to_json(ev, x, depth + 1)?);
                }
                J::Object(m)
            }
            _ => return Err("test data that is not plain data".into()),
        },
        V::Unknown(w) => {
            return Err(format!(
                "test data only known at run time ({} at {}:{})",
                w.reason, w.span.file, w.span.line
            ))
        }
        other => return Err(format!("test data of type `{}`", ev.type_name(other))),
    })
}

/// A project or managed module as it runs at run time: the statements that ran without
/// touching configuration, the class-body attributes rules read, the functions rules use
/// bound to hidden globals, and `super()` naming the class a method was defined in.
fn runtime_module(ev: &Eval, name: &str, m: &Module, needs: &Needs) -> Module {
    let mut out = clone_module(m);
    let st = ev.mods.get(name);
    let mut body = Vec::new();
    let hidden = |out: &mut Module, n: String| -> usize {
        match out.slot(&n) {
            Some(s) => s,
            None => {
                out.globals.push(n);
                out.globals.len() - 1
            }
        }
    };
    if let Some(fns) = needs.fns.get(name) {
        for idx in fns {
            let slot = hidden(&mut out, hidden_fn(*idx));
            body.push(Stmt::Def(
                Target::Name(Name::Global(slot, hidden_fn(*idx))),
                *idx,
            ));
        }
    }
    for (k, s) in m.body.iter().enumerate() {
        let config = st.is_some_and(|st| st.stmt_config.get(k) == Some(&true));
        let Stmt::ClassDef(target, c) = s else {
            if !config {
                body.push(s.clone());
            }
            continue;
        };
        // A class statement: its body's attributes that ran without configuration values,
        // each into a hidden global; a plain class (not configuration) is then built from
        // them as helpers' classes are.
        let wanted = needs.class_stmts.get(name).is_some_and(|s| s.contains(&k));
        if !config || wanted {
            let mut members = Vec::new();
            for (j, item) in c.body.iter().enumerate() {
                match item {
                    ClassItem::Attr { names, value, .. } => {
                        if ev.item_config.get(&(name.to_string(), k, j)) != Some(&false) {
                            continue;
                        }
                        let mut targets = Vec::new();
                        for n in names {
                            let h = hidden_attr(k, n);
                            let slot = hidden(&mut out, h.clone());
                            targets.push(Target::Name(Name::Global(slot, h.clone())));
                            members.push(ClassMember {
                                name: n.clone(),
                                kind: MemberKind::Attribute,
                                value: MemberValue::Expr(Expr {
                                    kind: ExprKind::Name(Name::Global(slot, h)),
                                    span: value.span.clone(),
                                }),
                            });
                            let own = format!("__ferrule_class_{}_{}", c.name, n);
                            if let Some(slot) = out.slot(&own) {
                                targets.push(Target::Name(Name::Global(slot, own)));
                            }
                        }
                        body.push(Stmt::Assign(targets, value.clone()));
                    }
                    ClassItem::Method {
                        name: n,
                        kind,
                        function,
                        ..
                    } => members.push(ClassMember {
                        name: n.clone(),
                        kind: *kind,
                        value: MemberValue::Function(*function),
                    }),
                }
            }
            if !config {
                body.push(plain_class(target, c, members));
            }
        }
    }
    out.body = body;
    rewrite_runtime_names(&mut out.body);
    for f in &mut out.functions {
        rewrite_runtime_names(&mut f.body);
    }
    // `super()` in a method of a rule's class names that class by key.
    for (idx, f) in out.functions.iter_mut().enumerate() {
        if let Some(&k) = ev.func_class.get(&(name.to_string(), idx)) {
            if needs.rule_classes.contains(&k) {
                rewrite_super(&mut f.body, &ev.classes[k].key);
            }
        }
    }
    out
}

/// A class statement of a project module that is not configuration, built at run time as
/// a helper's class is (`rt::class`): its body binds each member, in source order, in the
/// class namespace (attributes read from the hidden globals their values went to).
fn plain_class(target: &Target, c: &ClassDef, members: Vec<ClassMember>) -> Stmt {
    let mut body = Vec::new();
    for m in members {
        let t = Target::Name(Name::ClassNs(
            m.name.clone(),
            Box::new(Name::Builtin(m.name.clone())),
        ));
        let value = match m.value {
            MemberValue::Expr(e) => e,
            MemberValue::Function(idx) => {
                let f = Expr {
                    kind: ExprKind::Closure(idx),
                    span: c.span.clone(),
                };
                let decorator = match m.kind {
                    MemberKind::Property => Some("property"),
                    MemberKind::StaticMethod => Some("staticmethod"),
                    MemberKind::ClassMethod => Some("classmethod"),
                    MemberKind::Method | MemberKind::Attribute => None,
                };
                match decorator {
                    Some(d) => Expr {
                        kind: ExprKind::Call(
                            Box::new(Expr {
                                kind: ExprKind::Name(Name::Builtin(d.to_string())),
                                span: c.span.clone(),
                            }),
                            vec![Arg::Pos(f)],
                        ),
                        span: c.span.clone(),
                    },
                    None => f,
                }
            }
        };
        body.push(Stmt::Assign(vec![t], value));
    }
    Stmt::Class {
        target: target.clone(),
        name: c.name.clone(),
        qualname: c.name.clone(),
        decorators: c.decorators.clone(),
        bases: c.bases.clone(),
        keywords: Vec::new(),
        body,
        annotations: c.annotations.clone(),
        cell: None,
    }
}

fn rewrite_super(stmts: &mut [Stmt], key: &str) {
    // A class statement's body is not the method's: its `super()` is not this one.
    rewrite_exprs(stmts, false, &mut |e| {
        if let ExprKind::Super(cls, _) = &mut e.kind {
            cls.kind = ExprKind::Const(Const::Str(key.to_string()));
        }
    });
}

/// `ModuleRef`s of pypanther names the runtime provides (`RUNTIME_NAMES`) read from the
/// runtime's `__ferrule_pypanther_base`.
fn rewrite_runtime_names(stmts: &mut [Stmt]) {
    rewrite_exprs(stmts, true, &mut |e| {
        if let ExprKind::ModuleRef(m, Some(a)) = &e.kind {
            if let Some(n) = super::value::runtime_name(m, a) {
                e.kind = ExprKind::Stdlib(format!("__ferrule_pypanther_base.{n}"));
            }
        }
    });
}

/// Applies `key` to every expression of `stmts` (an expression before its subexpressions),
/// also inside class statements when `classes` is set.
fn rewrite_exprs(stmts: &mut [Stmt], classes: bool, key: &mut dyn FnMut(&mut Expr)) {
    fn expr(e: &mut Expr, key: &mut dyn FnMut(&mut Expr)) {
        key(e);
        for c in children_mut(e) {
            expr(c, key);
        }
    }
    fn target(t: &mut Target, key: &mut dyn FnMut(&mut Expr)) {
        match t {
            Target::Item(a, b) => {
                expr(a, key);
                expr(b, key);
            }
            Target::Attr(a, _) => expr(a, key),
            Target::Unpack(ts, _) => ts.iter_mut().for_each(|t| target(t, key)),
            Target::Starred(t) => target(t, key),
            Target::Slice(a, lo, hi, step) => {
                expr(a, key);
                [lo, hi, step]
                    .into_iter()
                    .flatten()
                    .for_each(|x| expr(x, key));
            }
            Target::Name(_) => {}
        }
    }
    for s in stmts {
        match s {
            Stmt::Expr(e) | Stmt::Return(Some(e)) => expr(e, key),
            Stmt::Raise(e, cause, _) => e.iter_mut().chain(cause).for_each(|e| expr(e, key)),
            Stmt::Assign(ts, e) => {
                expr(e, key);
                ts.iter_mut().for_each(|t| target(t, key));
            }
            Stmt::AugAssign(t, _, e) => {
                target(t, key);
                expr(e, key);
            }
            Stmt::If(c, a, b) => {
                expr(c, key);
                rewrite_exprs(a, classes, key);
                rewrite_exprs(b, classes, key);
            }
            Stmt::While(c, a) => {
                expr(c, key);
                rewrite_exprs(a, classes, key);
            }
            Stmt::For(t, e, a) => {
                expr(e, key);
                target(t, key);
                rewrite_exprs(a, classes, key);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                rewrite_exprs(body, classes, key);
                for h in handlers {
                    h.types.iter_mut().for_each(|t| expr(t, key));
                    rewrite_exprs(&mut h.body, classes, key);
                }
                rewrite_exprs(orelse, classes, key);
                rewrite_exprs(finalbody, classes, key);
            }
            Stmt::With { items, body } => {
                for (e, t) in items {
                    expr(e, key);
                    if let Some(t) = t {
                        target(t, key);
                    }
                }
                rewrite_exprs(body, classes, key);
            }
            Stmt::Match(e, arms) => {
                expr(e, key);
                for (_, g, b) in arms {
                    if let Some(g) = g {
                        expr(g, key);
                    }
                    rewrite_exprs(b, classes, key);
                }
            }
            Stmt::Delete(ts) => ts.iter_mut().for_each(|t| target(t, key)),
            Stmt::Def(t, _) => target(t, key),
            Stmt::Class {
                target: t,
                decorators,
                bases,
                keywords,
                body,
                ..
            } if classes => {
                decorators
                    .iter_mut()
                    .chain(bases.iter_mut())
                    .chain(keywords.iter_mut().map(|(_, e)| e))
                    .for_each(|e| expr(e, key));
                rewrite_exprs(body, classes, key);
                target(t, key);
            }
            _ => {}
        }
    }
}

/// The direct subexpressions of an expression, mutably.
fn children_mut(e: &mut Expr) -> Vec<&mut Expr> {
    fn args<'e>(v: &mut Vec<&'e mut Expr>, a: &'e mut [Arg]) {
        for a in a {
            let (Arg::Pos(e) | Arg::Star(e) | Arg::Kw(_, e) | Arg::StarStar(e)) = a;
            v.push(e);
        }
    }
    fn fparts<'e>(v: &mut Vec<&'e mut Expr>, parts: &'e mut [FPart]) {
        for p in parts {
            if let FPart::Value(e, _, spec) = p {
                v.push(e);
                fparts(v, spec);
            }
        }
    }
    let mut v: Vec<&mut Expr> = Vec::new();
    match &mut e.kind {
        ExprKind::Const(_)
        | ExprKind::Name(_)
        | ExprKind::Closure(_)
        | ExprKind::Stdlib(_)
        | ExprKind::ModuleRef(..) => {}
        ExprKind::List(xs) | ExprKind::Tuple(xs) | ExprKind::Set(xs) | ExprKind::BoolOp(_, xs) => {
            v.extend(xs.iter_mut())
        }
        ExprKind::Dict(kv) => {
            for (k, x) in kv {
                if let Some(k) = k {
                    v.push(k);
                }
                v.push(x);
            }
        }
        ExprKind::Attr(x, _)
        | ExprKind::Unary(_, x)
        | ExprKind::Super(x, _)
        | ExprKind::Starred(x) => v.push(x),
        ExprKind::Walrus(_, x) | ExprKind::YieldFrom(x) | ExprKind::GenExp(_, x) => v.push(x),
        ExprKind::Yield(x) => v.extend(x.as_deref_mut()),
        ExprKind::Subscript(a, b) | ExprKind::BinOp(_, a, b) => {
            v.push(a);
            v.push(b);
        }
        ExprKind::Slice(a, b, c, d) => {
            v.push(a);
            for x in [b, c, d].into_iter().flatten() {
                v.push(x);
            }
        }
        ExprKind::Call(f, a) => {
            v.push(f);
            args(&mut v, a);
        }
        ExprKind::MethodCall(x, _, a) => {
            v.push(x);
            args(&mut v, a);
        }
        ExprKind::Compare(a, rest) => {
            v.push(a);
            for (_, x) in rest {
                v.push(x);
            }
        }
        ExprKind::IfExp(a, b, c) => {
            v.push(a);
            v.push(b);
            v.push(c);
        }
        ExprKind::FString(parts) => fparts(&mut v, parts),
        ExprKind::Comp {
            elt,
            value,
            iter,
            conds,
            more,
            ..
        } => {
            v.push(iter);
            v.push(elt);
            if let Some(x) = value {
                v.push(x);
            }
            v.extend(conds.iter_mut());
            for f in more {
                v.push(&mut f.iter);
                v.extend(f.conds.iter_mut());
            }
        }
    }
    v
}
