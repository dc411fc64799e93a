//! The evaluator: CPython's semantics for the configuration code of a PyPanther project,
//! over the IR of its modules.
//!
//! Plain data operations (arithmetic, comparisons, str methods, builtins on data, f-strings)
//! are delegated to ferrule's runtime, which implements CPython's semantics for them; the
//! evaluator itself handles identity (lists, dicts and classes are heap objects, shared as in
//! Python), classes, pypanther's API (`api.rs`) and control flow. Anything else is
//! `Unknown`: a value only the run time has.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use ferrule_runtime as rt;
use indexmap::IndexMap;
use rt::{ExcKind, PyErr};

use super::value::*;
use super::{EntryPoint, Input, Origin};
use crate::diag::{Code, Diagnostic, Span};
use crate::ir::*;

/// Why evaluation of a statement stopped.
#[derive(Clone, Debug)]
pub enum Stop {
    /// A Python exception (what CPython raises), and where.
    Exc(PyErr, Span),
    /// The evaluator cannot decide what happens next.
    Undecidable(Rc<Why>),
}

pub type R<T> = Result<T, Stop>;

/// Positional and keyword arguments of a call.
type Args = (Vec<V>, Vec<(String, V)>);

/// How a block ended.
pub enum Flow {
    Normal,
    Return(V),
    Break,
    Continue,
}

/// A running function (or module body).
pub struct Frame {
    pub module: Rc<str>,
    /// The function (index in the module), or `None` for the module body.
    pub func: Option<usize>,
    pub locals: Vec<Option<V>>,
}

/// What one top-level statement did, to decide whether it runs at run time.
#[derive(Default)]
struct StmtCx {
    /// It read or changed configuration values (rule classes, pypanther's API, …).
    touched: bool,
    /// Heap objects it mutated.
    mutated: Vec<Id>,
    /// Module globals it bound.
    bound: Vec<(Rc<str>, usize)>,
}

/// The state of a module.
pub struct ModState {
    pub ns: Vec<Option<V>>,
    /// 0 new, 1 running, 2 done.
    pub init: u8,
    /// Per global: last bound by a statement that does not run at run time.
    pub config_bound: Vec<bool>,
    /// Per top-level statement: whether it is configuration (does not run at run time).
    pub stmt_config: Vec<bool>,
    /// Where each global was last bound (top-level statement), for diagnostics.
    pub bound_at: Vec<Option<Span>>,
}

/// A registered rule class and the `register` call that registered it.
#[derive(Clone, Debug)]
pub struct Registered {
    pub class: ClassId,
    pub span: Span,
}

/// The evaluator.
pub struct Eval<'a> {
    pub input: &'a Input,
    pub heap: Vec<Cell>,
    pub classes: Vec<ClassObj>,
    pub mods: BTreeMap<String, ModState>,
    pub registry: Vec<Registered>,
    pub diags: Vec<Diagnostic>,
    /// Set when configuration code took a path the evaluator could not decide: then no
    /// registered set can be trusted.
    pub poison: Option<Rc<Why>>,
    /// pypanther's `__RULES` cache of `get_panther_rules`.
    pub managed: Option<Vec<ClassId>>,
    stmts: Vec<StmtCx>,
    /// Function (module, index) → the class whose body defined it (for `super()`).
    pub func_class: HashMap<(String, usize), ClassId>,
    /// Class-body attribute items (module, statement, item) → whether evaluating them
    /// touched configuration values.
    pub item_config: HashMap<(String, usize, usize), bool>,
    /// The ClassDef statement each class came from (module, statement index).
    pub class_stmt: HashMap<ClassId, (String, usize)>,
    /// Classes created per ClassDef statement (a statement run twice is refused).
    pub stmt_class: HashMap<(String, usize), ClassId>,
    /// The top-level statement being evaluated, per module being imported.
    cur: Vec<(Rc<str>, usize)>,
    steps: u64,
    depth: usize,
    /// > 0 while iterating something of undecided order.
    unordered: usize,
    /// The module of each running frame (what `RuleTest` records as `_module`).
    fstack: Vec<Rc<str>>,
}

/// Evaluation steps allowed before a configuration is declared undecidable (a loop that
/// does not end).
const STEP_BUDGET: u64 = 20_000_000;
/// Nested calls allowed (CPython's recursion limit is 1000).
const MAX_DEPTH: usize = 200;

pub fn why(reason: impl Into<String>, span: &Span) -> Rc<Why> {
    Rc::new(Why {
        reason: reason.into(),
        span: span.clone(),
    })
}

pub fn unknown(reason: impl Into<String>, span: &Span) -> V {
    V::Unknown(why(reason, span))
}

pub fn exc(kind: ExcKind, msg: impl Into<String>, span: &Span) -> Stop {
    Stop::Exc(PyErr::new(kind, msg), span.clone())
}

pub fn undecidable(reason: impl Into<String>, span: &Span) -> Stop {
    Stop::Undecidable(why(reason, span))
}

/// The span of a statement (its first expression, or the statement's own).
pub fn stmt_span(s: &Stmt, module_file: &str) -> Span {
    fn target(t: &Target) -> Option<Span> {
        match t {
            Target::Item(o, _) | Target::Attr(o, _) | Target::Slice(o, ..) => Some(o.span.clone()),
            Target::Unpack(_, s) => Some(s.clone()),
            Target::Starred(t) => target(t),
            Target::Name(_) => None,
        }
    }
    let sp = match s {
        Stmt::Expr(e) | Stmt::If(e, ..) | Stmt::While(e, _) | Stmt::Match(e, _) => {
            Some(e.span.clone())
        }
        Stmt::Assign(ts, e) => ts.first().and_then(target).or(Some(e.span.clone())),
        Stmt::AugAssign(t, _, e) => target(t).or(Some(e.span.clone())),
        Stmt::For(_, e, _) => Some(e.span.clone()),
        Stmt::Return(Some(e)) => Some(e.span.clone()),
        Stmt::Raise(_, _, s) | Stmt::Unconverted(s) => Some(s.clone()),
        Stmt::ClassDef(_, c) => Some(c.span.clone()),
        Stmt::Try { body, .. } => body.first().map(|b| stmt_span(b, module_file)),
        _ => None,
    };
    sp.unwrap_or_else(|| Span::new(module_file, 1, 1))
}

impl<'a> Eval<'a> {
    pub fn new(input: &'a Input) -> Eval<'a> {
        let mut ev = Eval {
            input,
            heap: Vec::new(),
            classes: Vec::new(),
            mods: BTreeMap::new(),
            registry: Vec::new(),
            diags: Vec::new(),
            poison: None,
            managed: None,
            stmts: Vec::new(),
            func_class: HashMap::new(),
            item_config: HashMap::new(),
            class_stmt: HashMap::new(),
            stmt_class: HashMap::new(),
            cur: Vec::new(),
            steps: 0,
            depth: 0,
            unordered: 0,
            fstack: Vec::new(),
        };
        ev.make_rule_class();
        ev
    }

    /// pypanther's `Rule`, with its defaults (each a list or dict of `pypanther.base`).
    fn make_rule_class(&mut self) {
        let span = Span::new("pypanther/base.py", 1, 1);
        let prov = vec![Prov {
            kind: ProvKind::Default,
            span: span.clone(),
        }];
        let mut dict = IndexMap::new();
        let mut put = |ev: &mut Eval, name: &str, value: V| {
            let _ = ev;
            dict.insert(
                name.to_string(),
                Entry {
                    value,
                    kind: MemberKind::Attribute,
                    prov: prov.clone(),
                    body_item: None,
                },
            );
        };
        let l1 = self.alloc(HObj::List(Vec::new()));
        let l2 = self.alloc(HObj::List(Vec::new()));
        let l3 = self.alloc(HObj::List(Vec::new()));
        let d1 = self.alloc(HObj::Dict(Vec::new()));
        let l4 = self.alloc(HObj::List(Vec::new()));
        let l5 = self.alloc(HObj::List(Vec::new()));
        put(self, "create_alert", V::Bool(true));
        put(self, "dedup_period_minutes", V::Int(60));
        put(self, "display_name", V::Str("".into()));
        put(self, "enabled", V::Bool(true));
        put(self, "summary_attributes", V::List(l1));
        put(self, "tests", V::List(l2));
        put(self, "threshold", V::Int(1));
        put(self, "tags", V::List(l3));
        put(self, "reports", V::Dict(d1));
        put(self, "include_filters", V::List(l4));
        put(self, "exclude_filters", V::List(l5));
        put(self, "default_destinations", V::None);
        put(self, "default_runbook", V::Str("".into()));
        put(self, "default_reference", V::Str("".into()));
        put(self, "default_description", V::Str("".into()));
        for m in std::iter::once(&"rule")
            .chain(RULE_METHODS)
            .chain(RULE_OWN_INTERNALS)
        {
            let m: &'static str = m;
            dict.insert(
                m.to_string(),
                Entry {
                    value: V::Api(Api::RuleMethod(m)),
                    kind: MemberKind::Method,
                    prov: prov.clone(),
                    body_item: None,
                },
            );
        }
        self.classes.push(ClassObj {
            name: "Rule".into(),
            module: "pypanther.base".into(),
            bases: Vec::new(),
            mro: vec![RULE],
            dict,
            is_rule: true,
            is_data_model: false,
            builtin_bases: Vec::new(),
            abstract_methods: vec!["rule".into()],
            span,
            key: "pypanther.base.Rule".into(),
        });
    }

    // ----- the program ------------------------------------------------------------------

    /// Runs the configuration from its entry.
    pub fn run(&mut self) {
        match self.input.entry.clone() {
            EntryPoint::Main(m) => {
                let span = Span::new(self.file_of(&m), 1, 1);
                if let Err(stop) = self.import(&m, &span) {
                    self.report_stop(&stop, &m);
                }
            }
            EntryPoint::Package => {
                let span = Span::new("pypanther", 1, 1);
                match self.all_managed(&span) {
                    Ok(rules) => {
                        for c in rules {
                            // pypanther's own test suite puts the moved tests back.
                            if let Some(e) = self.lookup(c, "_tests") {
                                let prov = e.prov.clone();
                                self.set_class_attr(c, "tests", e.value, prov);
                            }
                            let span = self.classes[c].span.clone();
                            self.registry.push(Registered { class: c, span });
                        }
                    }
                    Err(stop) => self.report_stop(&stop, "pypanther.rules"),
                }
            }
        }
    }

    pub fn file_of(&self, module: &str) -> String {
        self.input
            .info
            .get(module)
            .map(|i| i.file.clone())
            .or_else(|| self.input.modules.get(module).map(|m| m.file.clone()))
            .unwrap_or_else(|| module.to_string())
    }

    pub fn origin(&self, module: &str) -> Origin {
        self.input
            .info
            .get(module)
            .map(|i| i.origin)
            .unwrap_or(Origin::Library)
    }

    /// A diagnostic for evaluation that stopped at the top of a module.
    fn report_stop(&mut self, stop: &Stop, module: &str) {
        match stop {
            Stop::Exc(e, span) => self.diags.push(Diagnostic::new(
                Code::ProjectError,
                span.clone(),
                format!(
                    "raises {} when `{module}` is imported: CPython stops here",
                    e.type_and_message()
                ),
            )),
            Stop::Undecidable(w) => {
                self.diags.push(Diagnostic::new(
                    Code::Undecidable,
                    w.span.clone(),
                    format!("cannot be decided at compile time: {}", w.reason),
                ));
                // Compiling the package itself, a managed module that stops costs its own
                // rules only (they are missing from the set); in a project, what the
                // configuration does next cannot be trusted.
                let package = matches!(self.input.entry, EntryPoint::Package);
                if self.poison.is_none() && !(package && self.origin(module) == Origin::Managed) {
                    self.poison = Some(w.clone());
                }
            }
        }
    }

    /// `import module` (its packages first), running its body once.
    pub fn import(&mut self, module: &str, span: &Span) -> R<()> {
        // Parent packages run first.
        let mut prefix = String::new();
        for part in module.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            if prefix != module && self.input.modules.contains_key(&prefix) {
                self.import_one(&prefix.clone(), span)?;
            }
        }
        self.import_one(module, span)
    }

    fn import_one(&mut self, module: &str, span: &Span) -> R<()> {
        if self.mods.get(module).is_some_and(|m| m.init > 0) {
            return Ok(());
        }
        let Some(m) = self.input.modules.get(module) else {
            // Its lowering already said why (a syntax error, an unknown import).
            return Err(undecidable(
                format!("the module `{module}` was not converted"),
                span,
            ));
        };
        let n = m.globals.len();
        self.mods.insert(
            module.to_string(),
            ModState {
                ns: vec![None; n],
                init: 1,
                config_bound: vec![false; n],
                stmt_config: vec![false; m.body.len()],
                bound_at: vec![None; n],
            },
        );
        let locals = m.functions.last().map(|f| f.locals.len()).unwrap_or(0);
        let mut fr = Frame {
            module: module.into(),
            func: None,
            locals: vec![None; locals],
        };
        let project = self.origin(module) != Origin::Library;
        let failed = self.input.failed.contains(module);
        self.fstack.push(module.into());
        let file = m.file.clone();
        for (k, s) in m.body.iter().enumerate() {
            self.stmts.push(StmtCx::default());
            self.cur.push((module.into(), k));
            let _ = (failed, &file);
            let r = self.exec(&mut fr, s);
            self.cur.pop();
            let cx = self.stmts.pop().unwrap_or_default();
            // A library module runs at run time as it is: nothing of it is configuration.
            let touched = cx.touched && project;
            for id in &cx.mutated {
                if touched {
                    self.heap[*id].mutated_by_config = true;
                }
            }
            if let Some(st) = self.mods.get_mut(module) {
                st.stmt_config[k] = touched;
                for (bm, slot) in &cx.bound {
                    if &**bm == module {
                        st.config_bound[*slot] = touched;
                    }
                }
            }
            for (bm, slot) in &cx.bound {
                if &**bm != module && touched {
                    if let Some(st) = self.mods.get_mut(&**bm) {
                        st.config_bound[*slot] = true;
                    }
                }
            }
            if let Err(stop) = r {
                // What the statement would have bound is unknown from here on.
                let w = match &stop {
                    Stop::Exc(e, sp) => why(format!("raised {}", e.type_and_message()), sp),
                    Stop::Undecidable(w) => w.clone(),
                };
                let mut names = Vec::new();
                bound_globals(s, &mut names);
                if let Some(st) = self.mods.get_mut(module) {
                    for slot in names {
                        st.ns[slot] = Some(V::Unknown(w.clone()));
                        st.config_bound[slot] = project;
                    }
                    st.stmt_config[k] = project;
                }
                match &stop {
                    Stop::Undecidable(_) if !project || !may_configure(s) => {}
                    Stop::Exc(..) if !project => {}
                    // The statement's own diagnostic says why it was not converted.
                    Stop::Undecidable(_) if matches!(s, Stmt::Unconverted(_)) => {
                        let package = matches!(self.input.entry, EntryPoint::Package);
                        if self.poison.is_none() && !package {
                            if let Stop::Undecidable(w) = &stop {
                                self.poison = Some(w.clone());
                            }
                        }
                    }
                    _ => self.report_stop(&stop, module),
                }
            }
        }
        self.fstack.pop();
        if let Some(st) = self.mods.get_mut(module) {
            st.init = 2;
        }
        Ok(())
    }

    /// The module whose code is running (`__name__` of the calling frame).
    pub fn current_module(&self) -> String {
        self.fstack
            .last()
            .map(|m| m.to_string())
            .unwrap_or_default()
    }

    /// Marks the current top-level statement as configuration.
    pub fn touch(&mut self) {
        if let Some(cx) = self.stmts.last_mut() {
            cx.touched = true;
        }
    }

    fn note_mutation(&mut self, id: Id, how: &str, span: &Span) {
        let config = self.heap[id].config || self.heap[id].mutated_by_config;
        let cell = &mut self.heap[id];
        cell.mutated = true;
        cell.history.push(Prov {
            kind: ProvKind::Mutated(how.to_string()),
            span: span.clone(),
        });
        if self.unordered > 0 {
            self.heap[id].unordered = true;
        }
        if config {
            self.touch();
        }
        if let Some(cx) = self.stmts.last_mut() {
            cx.mutated.push(id);
        }
    }

    /// Whether reading `v` makes a statement configuration.
    pub fn is_config(&self, v: &V) -> bool {
        match v {
            V::Class(c) => {
                let c = &self.classes[*c];
                c.is_rule || c.is_data_model
            }
            V::Api(_) | V::Enum(..) | V::Obj(_) => true,
            V::List(i) | V::Dict(i) | V::Set(i) => {
                self.heap[*i].config || self.heap[*i].mutated_by_config
            }
            V::Tuple(t) => t.iter().any(|x| self.is_config(x)),
            V::Bound(b) => self.is_config(&b.0),
            _ => false,
        }
    }

    fn note_read(&mut self, v: &V) {
        if self.is_config(v) {
            self.touch();
        }
    }

    pub fn alloc(&mut self, obj: HObj) -> Id {
        let config = match &obj {
            HObj::List(v) | HObj::Set(v) => v.iter().any(|x| self.is_config(x)),
            HObj::Dict(v) => v
                .iter()
                .any(|(k, x)| self.is_config(k) || self.is_config(x)),
            HObj::Test(_) | HObj::Mock(_) | HObj::Mapping(_) => true,
        };
        self.heap.push(Cell {
            obj,
            unordered: self.unordered > 0,
            config,
            history: Vec::new(),
            mutated_by_config: false,
            mutated: false,
        });
        self.heap.len() - 1
    }

    pub fn new_list(&mut self, items: Vec<V>) -> V {
        V::List(self.alloc(HObj::List(items)))
    }

    fn step(&mut self, span: &Span) -> R<()> {
        self.steps += 1;
        if self.steps > STEP_BUDGET {
            return Err(undecidable(
                "the configuration runs too long to evaluate (a loop that does not end?)",
                span,
            ));
        }
        Ok(())
    }

    // ----- statements -------------------------------------------------------------------

    pub fn exec_block(&mut self, fr: &mut Frame, stmts: &[Stmt]) -> R<Flow> {
        for s in stmts {
            match self.exec(fr, s)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn module_file(&self, fr: &Frame) -> String {
        self.file_of(&fr.module)
    }

    pub fn exec(&mut self, fr: &mut Frame, s: &Stmt) -> R<Flow> {
        let span = stmt_span(s, &self.module_file(fr));
        self.step(&span)?;
        match s {
            Stmt::Expr(e) => {
                self.eval(fr, e)?;
            }
            Stmt::Assign(targets, value) => {
                let v = self.eval(fr, value)?;
                for t in targets {
                    self.assign(fr, t, v.clone(), &span)?;
                }
            }
            Stmt::AugAssign(t, op, value) => self.aug_assign(fr, t, *op, value, &span)?,
            Stmt::If(c, a, b) => {
                let v = self.eval(fr, c)?;
                let branch = if self.truthy(&v, &c.span)? { a } else { b };
                return self.exec_block(fr, branch);
            }
            Stmt::While(c, body) => loop {
                let v = self.eval(fr, c)?;
                if !self.truthy(&v, &c.span)? {
                    break;
                }
                match self.exec_block(fr, body)? {
                    Flow::Break => break,
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
            },
            Stmt::For(t, it, body) => {
                let v = self.eval(fr, it)?;
                let (items, unordered) = self.iterate(&v, &it.span)?;
                if unordered {
                    self.unordered += 1;
                }
                let r = (|| {
                    for x in items {
                        self.assign(fr, t, x, &span)?;
                        match self.exec_block(fr, body)? {
                            Flow::Break => break,
                            Flow::Return(v) => return Ok(Flow::Return(v)),
                            Flow::Normal | Flow::Continue => {}
                        }
                    }
                    Ok(Flow::Normal)
                })();
                if unordered {
                    self.unordered -= 1;
                }
                return r;
            }
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Return(v) => {
                let v = match v {
                    Some(e) => self.eval(fr, e)?,
                    None => V::None,
                };
                return Ok(Flow::Return(v));
            }
            Stmt::Pass => {}
            Stmt::Delete(ts) => {
                for t in ts {
                    self.delete(fr, t, &span)?;
                }
            }
            Stmt::Raise(_, Some(_), sp) => {
                return Err(undecidable("`raise … from …` in configuration code", sp));
            }
            Stmt::Raise(e, None, sp) => {
                if let Some(Expr {
                    kind: ExprKind::Call(f, args),
                    ..
                }) = e
                {
                    if let ExprKind::Name(Name::Builtin(b)) = &f.kind {
                        if let Some(k) = exc_kind(b) {
                            let (pos, _) = self.eval_args(fr, args)?;
                            let msg = match pos.as_slice() {
                                [] => String::new(),
                                [V::Str(s)] => s.to_string(),
                                _ => return Err(undecidable("raising with these arguments", sp)),
                            };
                            return Err(exc(k, msg, sp));
                        }
                    }
                }
                let v = match e {
                    Some(e) => self.eval(fr, e)?,
                    None => return Err(undecidable("a bare `raise`", sp)),
                };
                return Err(self.raise_value(&v, sp));
            }
            Stmt::Try { finalbody, .. } if !finalbody.is_empty() => {
                return Err(undecidable("`try … finally` in configuration code", &span));
            }
            Stmt::With { .. } => return Err(undecidable("`with` in configuration code", &span)),
            Stmt::Try {
                body,
                handlers,
                orelse,
                ..
            } => {
                return match self.exec_block(fr, body) {
                    Ok(Flow::Normal) => self.exec_block(fr, orelse),
                    Ok(other) => Ok(other),
                    Err(Stop::Exc(err, sp)) => {
                        for h in handlers {
                            let mut caught = h.types.is_empty();
                            for t in &h.types {
                                let tv = self.eval(fr, t)?;
                                caught |= self.exc_matches(&err, &tv, &t.span)?;
                            }
                            if caught {
                                if h.name.is_some() {
                                    return Err(undecidable(
                                        "an `except … as name` in configuration code",
                                        &sp,
                                    ));
                                }
                                return self.exec_block(fr, &h.body);
                            }
                        }
                        Err(Stop::Exc(err, sp))
                    }
                    Err(stop) => Err(stop),
                };
            }
            Stmt::Match(..) => return Err(undecidable("`match` in configuration code", &span)),
            Stmt::Def(t, idx) => {
                let f = V::Func(Rc::new(FuncVal {
                    module: fr.module.to_string(),
                    index: *idx,
                    captures: self.captures(fr, *idx),
                }));
                self.assign(fr, t, f, &span)?;
            }
            Stmt::ImportModule(m) => self.import(m, &span)?,
            // A helper's class is built at run time; statically it is opaque.
            Stmt::Class { target, name, .. } => {
                let v = unknown(format!("the class `{name}` of a helper"), &span);
                self.assign(fr, target, v, &span)?;
            }
            Stmt::RuleClass { .. } => {
                return Err(undecidable("a class statement outside a project", &span))
            }
            Stmt::ClassDef(t, c) => {
                let v = self.class_def(fr, c)?;
                self.assign(fr, t, v, &span)?;
            }
            Stmt::Unconverted(sp) => {
                return Err(undecidable(
                    "this statement was not converted (see its diagnostic)",
                    sp,
                ))
            }
        }
        Ok(Flow::Normal)
    }

    /// `del target`: unbinding a name is modelled; deleting attributes, items or slices
    /// (which could change a rule's configuration) is refused.
    fn delete(&mut self, fr: &mut Frame, t: &Target, span: &Span) -> R<()> {
        match t {
            Target::Name(Name::Local(i, name)) => match fr.locals.get_mut(*i) {
                Some(slot @ Some(_)) => {
                    *slot = None;
                    Ok(())
                }
                _ => Err(exc(
                    ExcKind::UnboundLocalError,
                    format!("cannot access local variable '{name}' where it is not associated with a value"),
                    span,
                )),
            },
            Target::Name(Name::Global(slot, name)) => {
                let module = fr.module.clone();
                let bound = self
                    .mods
                    .get_mut(&*module)
                    .and_then(|st| st.ns.get_mut(*slot))
                    .and_then(|v| v.take());
                if bound.is_none() {
                    return Err(exc(
                        ExcKind::NameError,
                        format!("name '{name}' is not defined"),
                        span,
                    ));
                }
                if let Some(cx) = self.stmts.last_mut() {
                    cx.bound.push((module, *slot));
                }
                Ok(())
            }
            Target::Unpack(ts, _) => {
                for t in ts {
                    self.delete(fr, t, span)?;
                }
                Ok(())
            }
            _ => Err(undecidable("`del` of this target in configuration code", span)),
        }
    }

    fn captures(&self, fr: &Frame, idx: usize) -> Vec<(usize, V)> {
        let Some(m) = self.input.modules.get(&*fr.module) else {
            return Vec::new();
        };
        let Some(f) = m.functions.get(idx) else {
            return Vec::new();
        };
        f.captures
            .iter()
            .map(|(outer, own)| {
                let v = fr.locals.get(*outer).cloned().flatten().unwrap_or(V::None);
                (*own, v)
            })
            .collect()
    }

    fn raise_value(&mut self, v: &V, span: &Span) -> Stop {
        match v {
            V::Builtin(b) => match exc_kind(b) {
                Some(k) => Stop::Exc(
                    PyErr::with_args(rt::err::ExcType::Builtin(k), vec![]),
                    span.clone(),
                ),
                None => undecidable("raising this value", span),
            },
            V::Unknown(w) => Stop::Undecidable(w.clone()),
            _ => undecidable("raising this value", span),
        }
    }

    fn exc_matches(&mut self, err: &PyErr, t: &V, span: &Span) -> R<bool> {
        match t {
            V::Builtin(b) => match exc_kind(b) {
                Some(k) => Ok(err.matches(k)),
                None => Err(undecidable(format!("`except {b}`"), span)),
            },
            V::Tuple(items) => {
                let mut any = false;
                for x in items.iter() {
                    any |= self.exc_matches(err, x, span)?;
                }
                Ok(any)
            }
            _ => Err(undecidable("this `except` clause", span)),
        }
    }

    fn aug_assign(
        &mut self,
        fr: &mut Frame,
        t: &Target,
        op: BinOp,
        value: &Expr,
        span: &Span,
    ) -> R<()> {
        // Read the target (its object and key once, as Python does), apply the in-place
        // operator, store back.
        enum Place {
            Name(Name),
            Attr(V, String),
            Item(V, V),
        }
        let (cur, place) = match t {
            Target::Name(n) => (self.read_name(fr, n, span)?, Place::Name(n.clone())),
            Target::Attr(o, attr) => {
                let obj = self.eval(fr, o)?;
                let cur = self.getattr(&obj, attr, span)?;
                (cur, Place::Attr(obj, attr.clone()))
            }
            Target::Item(o, k) => {
                let obj = self.eval(fr, o)?;
                let key = self.eval(fr, k)?;
                let cur = self.getitem(&obj, &key, span)?;
                (cur, Place::Item(obj, key))
            }
            Target::Unpack(..) | Target::Starred(_) => {
                return Err(undecidable("augmented assignment to a tuple", span))
            }
            Target::Slice(..) => return Err(undecidable("augmented assignment to a slice", span)),
        };
        let rhs = self.eval(fr, value)?;
        let new = match (&cur, op) {
            // `list += iterable` extends the list in place.
            (V::List(id), BinOp::Add) => {
                let (items, unordered) = self.iterate(&rhs, span)?;
                let id = *id;
                if let HObj::List(l) = &mut self.heap[id].obj {
                    l.extend(items.iter().cloned());
                }
                if unordered {
                    self.heap[id].unordered = true;
                }
                if items.iter().any(|x| self.is_config(x)) {
                    self.heap[id].config = true;
                }
                self.note_mutation(id, "+=", span);
                cur.clone()
            }
            (V::Dict(id), BinOp::BitOr) => {
                let id = *id;
                self.dict_update(id, &rhs, span)?;
                cur.clone()
            }
            _ => self.binop(op, &cur, &rhs, span)?,
        };
        match place {
            Place::Name(n) => self.assign(fr, &Target::Name(n), new, span),
            Place::Attr(obj, attr) => self.setattr(&obj, &attr, new, span, ProvKind::Assign),
            Place::Item(obj, key) => self.setitem(&obj, &key, new, span),
        }
    }

    // ----- names and assignment ---------------------------------------------------------

    pub fn read_name(&mut self, fr: &Frame, n: &Name, span: &Span) -> R<V> {
        match n {
            Name::Local(i, name) => match fr.locals.get(*i).cloned().flatten() {
                Some(v) => Ok(v),
                None => Err(exc(
                    ExcKind::UnboundLocalError,
                    format!("local variable '{name}' referenced before assignment"),
                    span,
                )),
            },
            Name::Global(slot, name) => {
                let st = self.mods.get(&*fr.module);
                let v = st.and_then(|s| s.ns.get(*slot).cloned().flatten());
                let config = st.is_some_and(|s| s.config_bound.get(*slot) == Some(&true));
                match v {
                    Some(v) => {
                        if config {
                            self.touch();
                        }
                        self.note_read(&v);
                        Ok(v)
                    }
                    None => Err(exc(
                        ExcKind::NameError,
                        format!("name '{name}' is not defined"),
                        span,
                    )),
                }
            }
            Name::Builtin(b) => {
                if let Some(m) = b.strip_prefix("__name__=") {
                    return Ok(V::Str(m.into()));
                }
                if b == "__name__" {
                    return Ok(V::Str(fr.module.clone()));
                }
                Ok(V::Builtin(b.as_str().into()))
            }
            Name::ClassNs(..) => Err(undecidable("a class body in configuration code", span)),
        }
    }

    pub fn assign(&mut self, fr: &mut Frame, t: &Target, v: V, span: &Span) -> R<()> {
        match t {
            Target::Name(Name::Local(i, _)) => {
                if *i >= fr.locals.len() {
                    fr.locals.resize(*i + 1, None);
                }
                fr.locals[*i] = Some(v);
                Ok(())
            }
            Target::Name(Name::Global(slot, _)) => {
                let module = fr.module.clone();
                if let Some(st) = self.mods.get_mut(&*module) {
                    if *slot < st.ns.len() {
                        st.ns[*slot] = Some(v);
                        st.bound_at[*slot] = Some(span.clone());
                    }
                }
                if let Some(cx) = self.stmts.last_mut() {
                    cx.bound.push((module, *slot));
                }
                Ok(())
            }
            Target::Name(Name::Builtin(_)) => Ok(()),
            Target::Name(Name::ClassNs(..)) => {
                Err(undecidable("a class body in configuration code", span))
            }
            Target::Attr(o, attr) => {
                let obj = self.eval(fr, o)?;
                self.setattr(&obj, attr, v, span, ProvKind::Assign)
            }
            Target::Item(o, k) => {
                let obj = self.eval(fr, o)?;
                let key = self.eval(fr, k)?;
                self.setitem(&obj, &key, v, span)
            }
            Target::Unpack(ts, sp) => {
                let (items, unordered) = self.iterate(&v, sp)?;
                let star = ts.iter().position(|t| matches!(t, Target::Starred(_)));
                if unordered && items.len() > 1 {
                    // Which item lands where is CPython's hash order: not modelled.
                    return Err(undecidable("unpacking an unordered collection", sp));
                }
                let fixed = ts.len() - usize::from(star.is_some());
                let bad = match star {
                    Some(_) => items.len() < fixed,
                    None => items.len() != ts.len(),
                };
                if bad {
                    return Err(exc(
                        ExcKind::ValueError,
                        if star.is_none() && items.len() > ts.len() {
                            format!("too many values to unpack (expected {})", ts.len())
                        } else if star.is_some() {
                            format!(
                                "not enough values to unpack (expected at least {fixed}, got {})",
                                items.len()
                            )
                        } else {
                            format!(
                                "not enough values to unpack (expected {}, got {})",
                                ts.len(),
                                items.len()
                            )
                        },
                        sp,
                    ));
                }
                let mut items = items.into_iter();
                for t in ts {
                    match t {
                        Target::Starred(inner) => {
                            let n = items.len() - (fixed - ts_before(ts, t));
                            let rest: Vec<V> = items.by_ref().take(n).collect();
                            let l = self.new_list(rest);
                            self.assign(fr, inner, l, span)?;
                        }
                        t => {
                            let x = items.next().expect("counted above");
                            self.assign(fr, t, x, span)?;
                        }
                    }
                }
                Ok(())
            }
            Target::Starred(_) => Err(undecidable("a starred assignment target", span)),
            Target::Slice(..) => Err(undecidable("assignment to a slice", span)),
        }
    }

    // ----- expressions ------------------------------------------------------------------

    pub fn eval(&mut self, fr: &mut Frame, e: &Expr) -> R<V> {
        let span = &e.span;
        Ok(match &e.kind {
            ExprKind::Const(c) => match c {
                Const::None => V::None,
                Const::Bool(b) => V::Bool(*b),
                Const::Int(i) => V::Int(*i),
                Const::Float(f) => V::Float(*f),
                Const::Str(s) => V::Str(s.as_str().into()),
                Const::Bytes(_) => unknown("bytes", span),
            },
            ExprKind::Name(n) => self.read_name(fr, n, span)?,
            ExprKind::List(xs) => {
                let items = self.eval_items(fr, xs)?;
                self.new_list(items)
            }
            ExprKind::Tuple(xs) => V::Tuple(self.eval_items(fr, xs)?.into()),
            ExprKind::Set(xs) => {
                let items = self.eval_items(fr, xs)?;
                self.make_set(items, span)?
            }
            ExprKind::Dict(kv) => {
                let id = self.alloc(HObj::Dict(Vec::new()));
                let mut unknown_key = None;
                for (k, x) in kv {
                    match k {
                        Some(k) => {
                            let k = self.eval(fr, k)?;
                            let x = self.eval(fr, x)?;
                            if let V::Unknown(_) = k {
                                unknown_key = Some(k);
                                continue;
                            }
                            self.dict_set(id, k, x, span)?;
                        }
                        None => {
                            let m = self.eval(fr, x)?;
                            if let V::Unknown(_) = m {
                                unknown_key = Some(m);
                                continue;
                            }
                            self.dict_update(id, &m, span)?;
                        }
                    }
                }
                if let Some(u) = unknown_key {
                    return Ok(u);
                }
                self.heap[id].mutated = false;
                self.heap[id].history.clear();
                V::Dict(id)
            }
            ExprKind::Attr(o, name) => {
                let obj = self.eval(fr, o)?;
                self.getattr(&obj, name, span)?
            }
            ExprKind::Subscript(o, k) => {
                let obj = self.eval(fr, o)?;
                let key = self.eval(fr, k)?;
                self.getitem(&obj, &key, span)?
            }
            ExprKind::Slice(o, a, b, c) => {
                let obj = self.eval(fr, o)?;
                let mut bounds = Vec::new();
                for x in [a, b, c] {
                    bounds.push(match x {
                        Some(x) => self.eval(fr, x)?,
                        None => V::None,
                    });
                }
                self.slice(&obj, &bounds, span)?
            }
            ExprKind::Call(f, args) => {
                // `any(gen)` / `all(gen)` stop at the first decisive element.
                if let (ExprKind::Name(Name::Builtin(b)), [Arg::Pos(g)]) =
                    (&f.kind, args.as_slice())
                {
                    if (b == "any" || b == "all")
                        && matches!(
                            &g.kind,
                            ExprKind::Comp {
                                kind: CompKind::Gen,
                                ..
                            }
                        )
                    {
                        return self.any_all(fr, b == "any", g);
                    }
                }
                let fv = self.eval(fr, f)?;
                let (pos, kw) = self.eval_args(fr, args)?;
                self.call(&fv, pos, kw, span)?
            }
            ExprKind::MethodCall(o, name, args) => {
                let obj = self.eval(fr, o)?;
                let (pos, kw) = self.eval_args(fr, args)?;
                self.call_method(&obj, name, pos, kw, span)?
            }
            ExprKind::BinOp(op, a, b) => {
                let a = self.eval(fr, a)?;
                let b = self.eval(fr, b)?;
                self.binop(*op, &a, &b, span)?
            }
            ExprKind::Unary(op, x) => {
                let x = self.eval(fr, x)?;
                match op {
                    UnaryOp::Not => V::Bool(!self.truthy(&x, span)?),
                    _ => match self.to_rt(&x) {
                        Some(rv) => {
                            let r = match op {
                                UnaryOp::Neg => rt::ops::neg(&rv),
                                UnaryOp::Pos => rt::ops::pos(&rv),
                                _ => rt::ops::invert(&rv),
                            };
                            self.from_rt_result(r, span)?
                        }
                        None => self.opaque(&[&x], "this operator", span)?,
                    },
                }
            }
            ExprKind::BoolOp(op, xs) => {
                let mut last = V::None;
                for (i, x) in xs.iter().enumerate() {
                    last = self.eval(fr, x)?;
                    if i + 1 == xs.len() {
                        break;
                    }
                    let t = self.truthy(&last, &x.span)?;
                    if (*op == BoolOp::And) != t {
                        break;
                    }
                }
                last
            }
            ExprKind::Compare(a, rest) => {
                let mut left = self.eval(fr, a)?;
                for (op, r) in rest {
                    let right = self.eval(fr, r)?;
                    let ok = self.compare(*op, &left, &right, span)?;
                    match ok {
                        V::Bool(true) => {}
                        V::Bool(false) => return Ok(V::Bool(false)),
                        other => return Ok(other),
                    }
                    left = right;
                }
                V::Bool(true)
            }
            ExprKind::IfExp(c, a, b) => {
                let cv = self.eval(fr, c)?;
                if self.truthy(&cv, &c.span)? {
                    self.eval(fr, a)?
                } else {
                    self.eval(fr, b)?
                }
            }
            ExprKind::FString(parts) => self.fstring(fr, parts, span)?,
            ExprKind::Walrus(n, x) => {
                let v = self.eval(fr, x)?;
                self.assign(fr, &Target::Name(n.clone()), v.clone(), span)?;
                v
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
                fr,
                *kind,
                elt,
                value.as_deref(),
                target,
                iter,
                conds,
                more,
                span,
            )?,
            ExprKind::Super(..) => {
                return Err(undecidable("`super()` in configuration code", span))
            }
            // Only valid inside a display, which `eval_items` handles.
            ExprKind::Starred(_) => return Err(undecidable("`*` here", span)),
            ExprKind::Closure(idx) => V::Func(Rc::new(FuncVal {
                module: fr.module.to_string(),
                index: *idx,
                captures: self.captures(fr, *idx),
            })),
            ExprKind::Stdlib(d) => V::Stdlib(d.as_str().into()),
            ExprKind::ModuleRef(m, attr) => self.module_ref(m, attr.as_deref(), span)?,
            // Generators are not modelled by this evaluator (`yield` only appears in a
            // generator function's body, which `call_function` refuses to run).
            ExprKind::Yield(_) | ExprKind::YieldFrom(_) => {
                return Err(undecidable("`yield` in configuration code", span))
            }
            ExprKind::GenExp(..) => {
                return Err(undecidable(
                    "a generator expression in configuration code",
                    span,
                ))
            }
        })
    }

    fn eval_items(&mut self, fr: &mut Frame, xs: &[Expr]) -> R<Vec<V>> {
        let mut out = Vec::with_capacity(xs.len());
        for x in xs {
            if let ExprKind::Starred(inner) = &x.kind {
                let v = self.eval(fr, inner)?;
                let (items, unordered) = self.iterate(&v, &inner.span)?;
                if unordered {
                    // The order of a set's items is CPython's hash order: not modelled.
                    return Err(undecidable("`*` of an unordered collection", &x.span));
                }
                out.extend(items);
            } else {
                out.push(self.eval(fr, x)?);
            }
        }
        Ok(out)
    }

    fn eval_args(&mut self, fr: &mut Frame, args: &[Arg]) -> R<Args> {
        let mut pos = Vec::new();
        let mut kw: Vec<(String, V)> = Vec::new();
        for a in args {
            match a {
                Arg::Pos(e) => pos.push(self.eval(fr, e)?),
                Arg::Star(e) => {
                    let v = self.eval(fr, e)?;
                    let (items, _) = self.iterate(&v, &e.span)?;
                    pos.extend(items);
                }
                Arg::Kw(n, e) => {
                    let v = self.eval(fr, e)?;
                    kw.push((n.clone(), v));
                }
                Arg::StarStar(e) => {
                    let v = self.eval(fr, e)?;
                    let V::Dict(id) = v else {
                        return Err(undecidable("`**` of this value", &e.span));
                    };
                    let HObj::Dict(items) = self.heap[id].obj.clone() else {
                        unreachable!("dict cell")
                    };
                    for (k, x) in items {
                        let V::Str(k) = k else {
                            return Err(exc(
                                ExcKind::TypeError,
                                "keywords must be strings",
                                &e.span,
                            ));
                        };
                        if kw.iter().any(|(n, _)| **n == *k) {
                            return Err(exc(
                                ExcKind::TypeError,
                                format!("got multiple values for keyword argument '{k}'"),
                                &e.span,
                            ));
                        }
                        kw.push((k.to_string(), x));
                    }
                }
            }
        }
        Ok((pos, kw))
    }

    fn module_ref(&mut self, m: &str, attr: Option<&str>, span: &Span) -> R<V> {
        if let Some(n) = attr.and_then(|a| super::value::runtime_name(m, a)) {
            // Not configuration: run-time code reads it from the runtime.
            return Ok(V::Api(Api::RunTime(n)));
        }
        if let Some(api) = super::api::virtual_module(m) {
            self.touch();
            return match attr {
                None => Ok(V::Api(api)),
                Some(a) => self.api_getattr(&api, a, span),
            };
        }
        if !self.input.modules.contains_key(m) {
            return Ok(unknown(format!("the module `{m}`"), span));
        }
        match attr {
            None => Ok(V::Module(m.into())),
            Some(a) => {
                self.import(m, span)?;
                self.module_attr(m, a, span)
            }
        }
    }

    /// `module.name`: a global of the module, or a submodule that was imported.
    pub fn module_attr(&mut self, m: &str, a: &str, span: &Span) -> R<V> {
        if a == "__name__" {
            return Ok(V::Str(m.into()));
        }
        if let Some(module) = self.input.modules.get(m) {
            if let Some(slot) = module.slot(a) {
                let st = self.mods.get(m);
                let v = st.and_then(|s| s.ns.get(slot).cloned().flatten());
                let config = st.is_some_and(|s| s.config_bound.get(slot) == Some(&true));
                if let Some(v) = v {
                    if config {
                        self.touch();
                    }
                    self.note_read(&v);
                    return Ok(v);
                }
            }
        }
        let sub = format!("{m}.{a}");
        if self.mods.get(&sub).is_some_and(|s| s.init > 0) {
            return Ok(V::Module(sub.into()));
        }
        Err(exc(
            ExcKind::AttributeError,
            format!("module '{m}' has no attribute '{a}'"),
            span,
        ))
    }

    fn fstring(&mut self, fr: &mut Frame, parts: &[FPart], span: &Span) -> R<V> {
        let mut out = String::new();
        for p in parts {
            match p {
                FPart::Lit(s) => out.push_str(s),
                FPart::Value(e, conv, spec) => {
                    let v = self.eval(fr, e)?;
                    let spec = match self.fstring(fr, spec, span)? {
                        V::Str(s) => s.to_string(),
                        other => return Ok(other),
                    };
                    let v = match conv {
                        Some('r') => self.repr(&v, span)?,
                        Some('s') => self.str_of(&v, span)?,
                        Some(_) => return Ok(unknown("`!a` in an f-string", span)),
                        None => v,
                    };
                    match &v {
                        V::Str(s) if spec.is_empty() => out.push_str(s),
                        V::Unknown(_) => return Ok(v),
                        _ => match self.to_rt(&v) {
                            Some(rv) => match rt::fmt::format(&rv, &spec) {
                                Ok(s) => out.push_str(&s),
                                Err(e) => return Err(Stop::Exc(e, span.clone())),
                            },
                            None if spec.is_empty() => match self.str_of(&v, span)? {
                                V::Str(s) => out.push_str(&s),
                                other => return Ok(other),
                            },
                            None => return Ok(unknown("formatting this value", span)),
                        },
                    }
                }
            }
        }
        Ok(V::Str(out.into()))
    }

    /// `any(gen)` / `all(gen)`, lazily.
    fn any_all(&mut self, fr: &mut Frame, any: bool, g: &Expr) -> R<V> {
        let ExprKind::Comp {
            elt,
            target,
            iter,
            conds,
            more,
            ..
        } = &g.kind
        else {
            unreachable!("checked by the caller")
        };
        if !more.is_empty() {
            // Short-circuiting across nested loops is not modelled: refuse, never guess.
            return Err(undecidable(
                "a generator with several `for` clauses in `any()`/`all()`",
                &g.span,
            ));
        }
        let itv = self.eval(fr, iter)?;
        let (items, unordered) = self.iterate(&itv, &iter.span)?;
        let mut result = !any;
        let mut unknown_seen: Option<V> = None;
        for x in items {
            self.assign(fr, target, x, &g.span)?;
            let mut keep = true;
            for c in conds {
                let cv = self.eval(fr, c)?;
                if !self.truthy(&cv, &c.span)? {
                    keep = false;
                    break;
                }
            }
            if !keep {
                continue;
            }
            let v = self.eval(fr, elt)?;
            if let V::Unknown(_) = v {
                unknown_seen = Some(v);
                continue;
            }
            if self.truthy(&v, &elt.span)? == any {
                result = any;
                break;
            }
        }
        if let Some(u) = unknown_seen {
            if result != any {
                return Ok(u);
            }
        }
        if unordered && result == any {
            // Which element decided does not matter: the answer is the same.
        }
        Ok(V::Bool(result))
    }

    #[allow(clippy::too_many_arguments)]
    fn comp(
        &mut self,
        fr: &mut Frame,
        kind: CompKind,
        elt: &Expr,
        value: Option<&Expr>,
        target: &Target,
        iter: &Expr,
        conds: &[Expr],
        more: &[CompFor],
        span: &Span,
    ) -> R<V> {
        let mut out = Vec::new();
        let mut pairs = Vec::new();
        self.comp_loop(
            fr,
            (target, iter, conds),
            more,
            (elt, value),
            (&mut out, &mut pairs),
            span,
        )?;
        Ok(match kind {
            CompKind::List | CompKind::Gen => self.new_list(out),
            CompKind::Set => self.make_set(out, span)?,
            CompKind::Dict => {
                let id = self.alloc(HObj::Dict(Vec::new()));
                for (k, v) in pairs {
                    self.dict_set(id, k, v, span)?;
                }
                self.heap[id].mutated = false;
                self.heap[id].history.clear();
                V::Dict(id)
            }
        })
    }

    /// One `for … in … if …` of a comprehension and, inside it, the further ones (nested
    /// loops, innermost last), collecting the elements (or key/value pairs) in order.
    #[allow(clippy::type_complexity)]
    fn comp_loop(
        &mut self,
        fr: &mut Frame,
        (target, iter, conds): (&Target, &Expr, &[Expr]),
        more: &[CompFor],
        (elt, value): (&Expr, Option<&Expr>),
        (out, pairs): (&mut Vec<V>, &mut Vec<(V, V)>),
        span: &Span,
    ) -> R<()> {
        let itv = self.eval(fr, iter)?;
        let (items, unordered) = self.iterate(&itv, &iter.span)?;
        if unordered {
            self.unordered += 1;
        }
        let r = (|| {
            for x in items {
                self.assign(fr, target, x, span)?;
                let mut keep = true;
                for c in conds {
                    let cv = self.eval(fr, c)?;
                    if !self.truthy(&cv, &c.span)? {
                        keep = false;
                        break;
                    }
                }
                if !keep {
                    continue;
                }
                if let Some((f, rest)) = more.split_first() {
                    self.comp_loop(
                        fr,
                        (&f.target, &f.iter, &f.conds),
                        rest,
                        (elt, value),
                        (&mut *out, &mut *pairs),
                        span,
                    )?;
                    continue;
                }
                let v = self.eval(fr, elt)?;
                match value {
                    Some(ve) => {
                        let vv = self.eval(fr, ve)?;
                        pairs.push((v, vv));
                    }
                    None => out.push(v),
                }
            }
            Ok(())
        })();
        if unordered {
            self.unordered -= 1;
        }
        r
    }

    // ----- truth, equality, operators ---------------------------------------------------

    pub fn truthy(&mut self, v: &V, span: &Span) -> R<bool> {
        Ok(match v {
            V::None => false,
            V::Bool(b) => *b,
            V::Int(i) => *i != 0,
            V::Float(f) => *f != 0.0,
            V::Str(s) => !s.is_empty(),
            V::Tuple(t) => !t.is_empty(),
            V::List(i) | V::Set(i) => match &self.heap[*i].obj {
                HObj::List(l) | HObj::Set(l) => !l.is_empty(),
                _ => true,
            },
            V::Dict(i) => match &self.heap[*i].obj {
                HObj::Dict(d) => !d.is_empty(),
                _ => true,
            },
            V::Enum(k, n) => !self.enum_value(*k, n).is_empty(),
            V::Unknown(w) => return Err(Stop::Undecidable(w.clone())),
            V::Stdlib(d) => {
                return Err(undecidable(
                    format!("`{d}` is only known at run time"),
                    span,
                ))
            }
            _ => true,
        })
    }

    /// Python's `==`; `None` when undecidable.
    pub fn py_eq(&self, a: &V, b: &V) -> Option<bool> {
        use V::*;
        Some(match (a, b) {
            (Unknown(_), _) | (_, Unknown(_)) | (Stdlib(_), _) | (_, Stdlib(_)) => {
                return Option::None
            }
            (None, None) => true,
            (Enum(k, n), Str(s)) | (Str(s), Enum(k, n)) => *self.enum_value(*k, n) == **s,
            (Enum(k1, n1), Enum(k2, n2)) => {
                if k1 == k2 {
                    n1 == n2
                } else {
                    self.enum_value(*k1, n1) == self.enum_value(*k2, n2)
                }
            }
            (Str(x), Str(y)) => x == y,
            (Bool(_) | Int(_) | Float(_), Bool(_) | Int(_) | Float(_)) => {
                let (x, y) = (self.to_rt(a)?, self.to_rt(b)?);
                rt::ops::eq(&x, &y)
            }
            (Tuple(x), Tuple(y)) => {
                if x.len() != y.len() {
                    return Some(false);
                }
                for (p, q) in x.iter().zip(y.iter()) {
                    if !self.py_eq(p, q)? {
                        return Some(false);
                    }
                }
                true
            }
            (List(x), List(y)) | (Set(x), Set(y)) if x == y => true,
            (List(x), List(y)) => {
                let (HObj::List(p), HObj::List(q)) = (&self.heap[*x].obj, &self.heap[*y].obj)
                else {
                    return Some(false);
                };
                if p.len() != q.len() {
                    return Some(false);
                }
                for (p, q) in p.iter().zip(q.iter()) {
                    if !self.py_eq(p, q)? {
                        return Some(false);
                    }
                }
                true
            }
            (Dict(x), Dict(y)) => {
                if x == y {
                    return Some(true);
                }
                let (HObj::Dict(p), HObj::Dict(q)) = (&self.heap[*x].obj, &self.heap[*y].obj)
                else {
                    return Some(false);
                };
                if p.len() != q.len() {
                    return Some(false);
                }
                for (k, v) in p {
                    let mut found = false;
                    for (k2, v2) in q {
                        if self.py_eq(k, k2)? {
                            if !self.py_eq(v, v2)? {
                                return Some(false);
                            }
                            found = true;
                            break;
                        }
                    }
                    if !found {
                        return Some(false);
                    }
                }
                true
            }
            (Set(x), Set(y)) => {
                let (HObj::Set(p), HObj::Set(q)) = (&self.heap[*x].obj, &self.heap[*y].obj) else {
                    return Some(false);
                };
                if p.len() != q.len() {
                    return Some(false);
                }
                for v in p {
                    let mut found = false;
                    for w in q {
                        if self.py_eq(v, w)? {
                            found = true;
                            break;
                        }
                    }
                    if !found {
                        return Some(false);
                    }
                }
                true
            }
            (Class(x), Class(y)) => x == y,
            (Func(x), Func(y)) => Rc::ptr_eq(x, y),
            (Module(x), Module(y)) => x == y,
            (Api(x), Api(y)) => x == y,
            (Builtin(x), Builtin(y)) => x == y,
            (Obj(x), Obj(y)) => {
                if x == y {
                    return Some(true);
                }
                // Dataclasses compare their fields.
                match (&self.heap[*x].obj, &self.heap[*y].obj) {
                    (HObj::Test(p), HObj::Test(q)) => {
                        for ((_, a), (_, b)) in p.fields.iter().zip(q.fields.iter()) {
                            if !self.py_eq(a, b)? {
                                return Some(false);
                            }
                        }
                        true
                    }
                    (HObj::Mock(p), HObj::Mock(q)) | (HObj::Mapping(p), HObj::Mapping(q)) => {
                        for ((_, a), (_, b)) in p.iter().zip(q.iter()) {
                            if !self.py_eq(a, b)? {
                                return Some(false);
                            }
                        }
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        })
    }

    pub fn hashable(&self, v: &V, span: &Span) -> R<()> {
        match v {
            V::List(_) | V::Dict(_) | V::Set(_) | V::Obj(_) => Err(exc(
                ExcKind::TypeError,
                format!("unhashable type: '{}'", self.type_name(v)),
                span,
            )),
            V::Tuple(t) => t.iter().try_for_each(|x| self.hashable(x, span)),
            V::Unknown(w) => Err(Stop::Undecidable(w.clone())),
            _ => Ok(()),
        }
    }

    pub fn type_name(&self, v: &V) -> String {
        match v {
            V::None => "NoneType".into(),
            V::Bool(_) => "bool".into(),
            V::Int(_) => "int".into(),
            V::Float(_) => "float".into(),
            V::Str(_) => "str".into(),
            V::Tuple(_) => "tuple".into(),
            V::List(_) => "list".into(),
            V::Dict(_) => "dict".into(),
            V::Set(_) => "set".into(),
            V::Obj(i) => match &self.heap[*i].obj {
                HObj::Test(_) => "RuleTest".into(),
                HObj::Mapping(_) => "DataModelMapping".into(),
                _ => "RuleMock".into(),
            },
            V::Class(_) => "type".into(),
            V::Func(_) => "function".into(),
            V::Module(_) => "module".into(),
            V::Enum(k, _) => k.name().into(),
            V::Bound(_) => "method".into(),
            V::Builtin(_) => "builtin_function_or_method".into(),
            V::Api(_) | V::Stdlib(_) | V::Unknown(_) => "object".into(),
        }
    }

    pub fn enum_value(&self, k: EnumKind, name: &str) -> Rc<str> {
        match k {
            EnumKind::Severity => name.into(),
            EnumKind::LogType => self
                .input
                .log_types
                .get(name)
                .map(|s| s.as_str().into())
                .unwrap_or_else(|| name.into()),
        }
    }

    /// A value made only of plain data, as the runtime's value (`None` otherwise).
    pub fn to_rt(&self, v: &V) -> Option<rt::Value> {
        self.to_rt_depth(v, 0)
    }

    fn to_rt_depth(&self, v: &V, depth: usize) -> Option<rt::Value> {
        if depth > 64 {
            return None;
        }
        Some(match v {
            V::None => rt::Value::None,
            V::Bool(b) => rt::Value::Bool(*b),
            V::Int(i) => rt::Value::Int(*i),
            V::Float(f) => rt::Value::Float(*f),
            V::Str(s) => rt::Value::str(&**s),
            V::Tuple(t) => rt::Value::tuple(
                t.iter()
                    .map(|x| self.to_rt_depth(x, depth + 1))
                    .collect::<Option<Vec<_>>>()?,
            ),
            V::List(i) => match &self.heap[*i].obj {
                HObj::List(l) => rt::Value::list(
                    l.iter()
                        .map(|x| self.to_rt_depth(x, depth + 1))
                        .collect::<Option<Vec<_>>>()?,
                ),
                _ => return None,
            },
            V::Dict(i) => match &self.heap[*i].obj {
                HObj::Dict(d) => {
                    let mut out = rt::value::Dict::default();
                    for (k, x) in d {
                        let k = rt::Key::new(self.to_rt_depth(k, depth + 1)?).ok()?;
                        out.insert(k, self.to_rt_depth(x, depth + 1)?);
                    }
                    rt::Value::dict(out)
                }
                _ => return None,
            },
            _ => return None,
        })
    }

    /// A runtime value back as a value of the evaluator (fresh heap objects).
    pub fn from_rt(&mut self, v: &rt::Value, span: &Span) -> V {
        match v {
            rt::Value::None => V::None,
            rt::Value::Bool(b) => V::Bool(*b),
            rt::Value::Int(i) => V::Int(*i),
            rt::Value::Float(f) => V::Float(*f),
            rt::Value::Str(s) => V::Str(s.clone()),
            rt::Value::Tuple(t) => {
                let items: Vec<V> = t.iter().map(|x| self.from_rt(x, span)).collect();
                V::Tuple(items.into())
            }
            rt::Value::List(l) => {
                let items: Vec<V> = l.borrow().iter().map(|x| self.from_rt(x, span)).collect();
                self.new_list(items)
            }
            rt::Value::Dict(d) => {
                let items: Vec<(V, V)> = d
                    .borrow()
                    .iter()
                    .map(|(k, x)| (self.from_rt(k.value(), span), self.from_rt(x, span)))
                    .collect();
                V::Dict(self.alloc(HObj::Dict(items)))
            }
            _ => unknown("a value the configuration evaluator does not model", span),
        }
    }

    pub fn from_rt_result(&mut self, r: rt::PyResult<rt::Value>, span: &Span) -> R<V> {
        match r {
            Ok(v) => Ok(self.from_rt(&v, span)),
            Err(e) if is_refusal(&e) => Err(undecidable(e.str(), span)),
            Err(e) => Err(Stop::Exc(e, span.clone())),
        }
    }

    /// An operation on values that are not plain data: unknown if any operand is, else
    /// undecidable.
    fn opaque(&mut self, operands: &[&V], what: &str, span: &Span) -> R<V> {
        for o in operands {
            if let V::Unknown(w) = o {
                return Ok(V::Unknown(w.clone()));
            }
            if let V::Stdlib(d) = o {
                return Ok(unknown(format!("`{d}` is only known at run time"), span));
            }
        }
        Err(undecidable(format!("{what} on these values"), span))
    }

    /// A value as `str` would see it, for enums (a str subclass).
    fn as_str_value(&self, v: &V) -> V {
        match v {
            V::Enum(k, n) => V::Str(self.enum_value(*k, n)),
            other => other.clone(),
        }
    }

    pub fn binop(&mut self, op: BinOp, a: &V, b: &V, span: &Span) -> R<V> {
        // `list + list` makes a new list of the same elements (identity kept).
        if let (V::List(x), V::List(y), BinOp::Add) = (a, b, op) {
            let (HObj::List(p), HObj::List(q)) = (&self.heap[*x].obj, &self.heap[*y].obj) else {
                unreachable!("list cells")
            };
            let mut items = p.clone();
            items.extend(q.iter().cloned());
            let unordered = self.heap[*x].unordered || self.heap[*y].unordered;
            let l = self.new_list(items);
            if let V::List(i) = &l {
                self.heap[*i].unordered |= unordered;
            }
            return Ok(l);
        }
        let (a2, b2) = (self.as_str_value(a), self.as_str_value(b));
        match (self.to_rt(&a2), self.to_rt(&b2)) {
            (Some(x), Some(y)) => {
                let r = rt::ops::binop(op, &x, &y);
                self.from_rt_result(r, span)
            }
            _ => self.opaque(&[a, b], "this operator", span),
        }
    }

    pub fn compare(&mut self, op: CmpOp, a: &V, b: &V, span: &Span) -> R<V> {
        match op {
            CmpOp::Is | CmpOp::IsNot => {
                let same = match (a, b) {
                    (V::None, V::None) => Some(true),
                    (V::Bool(x), V::Bool(y)) => Some(x == y),
                    (V::None, V::Bool(_)) | (V::Bool(_), V::None) => Some(false),
                    (V::Class(x), V::Class(y)) => Some(x == y),
                    (V::List(x), V::List(y)) | (V::Dict(x), V::Dict(y)) => Some(x == y),
                    (V::Enum(k1, n1), V::Enum(k2, n2)) => Some(k1 == k2 && n1 == n2),
                    (V::Unknown(w), _) | (_, V::Unknown(w)) => return Ok(V::Unknown(w.clone())),
                    (V::None, _) | (_, V::None) => Some(false),
                    _ => None,
                };
                match same {
                    Some(s) => Ok(V::Bool(s == (op == CmpOp::Is))),
                    None => Err(undecidable("`is` between these values", span)),
                }
            }
            CmpOp::Eq | CmpOp::Ne => match self.py_eq(a, b) {
                Some(e) => Ok(V::Bool(e == (op == CmpOp::Eq))),
                None => self.opaque(&[a, b], "`==`", span),
            },
            CmpOp::In | CmpOp::NotIn => {
                let r = self.contains(b, a, span)?;
                Ok(match r {
                    V::Bool(x) => V::Bool(x == (op == CmpOp::In)),
                    other => other,
                })
            }
            _ => {
                if let (V::Enum(EnumKind::Severity, x), V::Enum(EnumKind::Severity, y)) = (a, b) {
                    let (x, y) = (severity_rank(x), severity_rank(y));
                    return Ok(V::Bool(match op {
                        CmpOp::Lt => x < y,
                        CmpOp::Le => x <= y,
                        CmpOp::Gt => x > y,
                        _ => x >= y,
                    }));
                }
                if matches!(a, V::Enum(..)) || matches!(b, V::Enum(..)) {
                    return Err(undecidable("ordering an enum member", span));
                }
                match (self.to_rt(a), self.to_rt(b)) {
                    (Some(x), Some(y)) => {
                        let r = rt::ops::compare(op, &x, &y).map(rt::Value::Bool);
                        self.from_rt_result(r, span)
                    }
                    _ => self.opaque(&[a, b], "ordering", span),
                }
            }
        }
    }

    /// `item in container`.
    pub fn contains(&mut self, container: &V, item: &V, span: &Span) -> R<V> {
        match container {
            V::List(i) | V::Set(i) => {
                let items = match &self.heap[*i].obj {
                    HObj::List(l) | HObj::Set(l) => l.clone(),
                    _ => Vec::new(),
                };
                self.contains_items(&items, item, span)
            }
            V::Tuple(t) => {
                let items = t.to_vec();
                self.contains_items(&items, item, span)
            }
            V::Dict(i) => {
                let keys: Vec<V> = match &self.heap[*i].obj {
                    HObj::Dict(d) => d.iter().map(|(k, _)| k.clone()).collect(),
                    _ => Vec::new(),
                };
                self.hashable(item, span)?;
                self.contains_items(&keys, item, span)
            }
            V::Str(_) | V::Enum(..) => {
                let (c, x) = (self.as_str_value(container), self.as_str_value(item));
                match (self.to_rt(&c), self.to_rt(&x)) {
                    (Some(c), Some(x)) => {
                        let r = rt::ops::contains(&c, &x).map(rt::Value::Bool);
                        self.from_rt_result(r, span)
                    }
                    _ => self.opaque(&[container, item], "`in`", span),
                }
            }
            V::Unknown(w) => Ok(V::Unknown(w.clone())),
            _ => match (self.to_rt(container), self.to_rt(item)) {
                (Some(c), Some(x)) => {
                    let r = rt::ops::contains(&c, &x).map(rt::Value::Bool);
                    self.from_rt_result(r, span)
                }
                _ => self.opaque(&[container, item], "`in`", span),
            },
        }
    }

    fn contains_items(&mut self, items: &[V], item: &V, span: &Span) -> R<V> {
        let mut undecided = None;
        for x in items {
            match self.py_eq(x, item) {
                Some(true) => return Ok(V::Bool(true)),
                Some(false) => {}
                None => undecided = Some(x.clone()),
            }
        }
        match undecided {
            Some(x) => self.opaque(&[&x, item], "`in`", span),
            None => Ok(V::Bool(false)),
        }
    }

    pub fn repr(&mut self, v: &V, span: &Span) -> R<V> {
        self.check_order(v, span)?;
        match self.to_rt(v) {
            Some(x) => Ok(V::Str(rt::fmt::repr(&x).into())),
            None => match v {
                V::Enum(k, n) => Ok(V::Str(
                    format!(
                        "<{}.{}: {}>",
                        k.name(),
                        n,
                        rt::fmt::str_repr(&self.enum_value(*k, n))
                    )
                    .into(),
                )),
                V::Class(c) => Ok(V::Str(
                    format!(
                        "<class '{}.{}'>",
                        self.classes[*c].module, self.classes[*c].name
                    )
                    .into(),
                )),
                V::Unknown(w) => Ok(V::Unknown(w.clone())),
                _ => Ok(unknown(
                    "the repr of this value (it shows an address)",
                    span,
                )),
            },
        }
    }

    pub fn str_of(&mut self, v: &V, span: &Span) -> R<V> {
        match v {
            V::Str(_) => Ok(v.clone()),
            V::Enum(EnumKind::Severity, n) => Ok(V::Str(n.clone())),
            V::Enum(EnumKind::LogType, n) => Ok(V::Str(format!("LogType.{n}").into())),
            V::Class(_) | V::Tuple(_) | V::List(_) | V::Dict(_) | V::Set(_) => self.repr(v, span),
            _ => match self.to_rt(v) {
                Some(x) => Ok(V::Str(rt::fmt::str(&x).into())),
                None => self.repr(v, span),
            },
        }
    }

    /// Refuses to observe the order of something whose order CPython does not fix.
    pub fn check_order(&self, v: &V, span: &Span) -> R<()> {
        if let V::List(i) | V::Dict(i) | V::Set(i) = v {
            if self.heap[*i].unordered {
                return Err(undecidable(
                    "this depends on the order of a set of rules, which CPython does not fix",
                    span,
                ));
            }
            if let V::Set(_) = v {
                return Err(undecidable(
                    "this depends on the iteration order of a set",
                    span,
                ));
            }
        }
        Ok(())
    }

    // ----- containers -------------------------------------------------------------------

    /// The items of an iterable, and whether their order is undecided.
    pub fn iterate(&mut self, v: &V, span: &Span) -> R<(Vec<V>, bool)> {
        Ok(match v {
            V::List(i) => match &self.heap[*i].obj {
                HObj::List(l) => (l.clone(), self.heap[*i].unordered),
                _ => unreachable!("list cell"),
            },
            V::Set(i) => match &self.heap[*i].obj {
                HObj::Set(l) => (l.clone(), true),
                _ => unreachable!("set cell"),
            },
            V::Dict(i) => match &self.heap[*i].obj {
                HObj::Dict(d) => (
                    d.iter().map(|(k, _)| k.clone()).collect(),
                    self.heap[*i].unordered,
                ),
                _ => unreachable!("dict cell"),
            },
            V::Tuple(t) => (t.to_vec(), false),
            V::Str(s) => (
                s.chars().map(|c| V::Str(c.to_string().into())).collect(),
                false,
            ),
            V::Enum(k, n) => (
                self.enum_value(*k, n)
                    .chars()
                    .map(|c| V::Str(c.to_string().into()))
                    .collect(),
                false,
            ),
            V::Api(Api::EnumClass(k)) => {
                let names: Vec<String> = match k {
                    EnumKind::Severity => ["INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                    EnumKind::LogType => self.input.log_types.keys().cloned().collect(),
                };
                if *k == EnumKind::LogType {
                    return Err(undecidable("iterating `LogType`", span));
                }
                (
                    names.into_iter().map(|n| V::Enum(*k, n.into())).collect(),
                    false,
                )
            }
            V::Unknown(w) => return Err(Stop::Undecidable(w.clone())),
            V::Stdlib(d) => {
                return Err(undecidable(
                    format!("`{d}` is only known at run time"),
                    span,
                ))
            }
            V::Class(_) | V::Func(_) | V::Module(_) | V::Obj(_) | V::None | V::Bool(_) => {
                return Err(exc(
                    ExcKind::TypeError,
                    format!("'{}' object is not iterable", self.type_name(v)),
                    span,
                ))
            }
            other => match self.to_rt(other) {
                Some(x) => match rt::ops::iter(&x) {
                    Ok(items) => (items.iter().map(|x| self.from_rt(x, span)).collect(), false),
                    Err(e) => return Err(Stop::Exc(e, span.clone())),
                },
                None => return Err(undecidable("iterating this value", span)),
            },
        })
    }

    pub fn make_set(&mut self, items: Vec<V>, span: &Span) -> R<V> {
        if let Some(u) = items
            .iter()
            .find(|x| matches!(x, V::Unknown(_) | V::Stdlib(_)))
        {
            return Ok(match u {
                V::Stdlib(d) => unknown(format!("`{d}` is only known at run time"), span),
                other => other.clone(),
            });
        }
        let mut out: Vec<V> = Vec::new();
        for x in items {
            self.hashable(&x, span)?;
            let mut dup = false;
            for y in &out {
                match self.py_eq(&x, y) {
                    Some(true) => {
                        dup = true;
                        break;
                    }
                    Some(false) => {}
                    None => return Err(undecidable("a set of these values", span)),
                }
            }
            if !dup {
                out.push(x);
            }
        }
        Ok(V::Set(self.alloc(HObj::Set(out))))
    }

    pub fn dict_set(&mut self, id: Id, k: V, v: V, span: &Span) -> R<()> {
        self.hashable(&k, span)?;
        let config = self.is_config(&k) || self.is_config(&v);
        let HObj::Dict(items) = &self.heap[id].obj else {
            unreachable!("dict cell")
        };
        let mut at = None;
        for (i, (k2, _)) in items.iter().enumerate() {
            match self.py_eq(&k, k2) {
                Some(true) => {
                    at = Some(i);
                    break;
                }
                Some(false) => {}
                None => return Err(undecidable("a dict key that cannot be compared", span)),
            }
        }
        if let HObj::Dict(items) = &mut self.heap[id].obj {
            match at {
                Some(i) => items[i].1 = v,
                None => items.push((k, v)),
            }
        }
        if config {
            self.heap[id].config = true;
        }
        self.note_mutation(id, "setitem", span);
        Ok(())
    }

    pub fn dict_update(&mut self, id: Id, other: &V, span: &Span) -> R<()> {
        let pairs: Vec<(V, V)> = match other {
            V::Dict(o) => match &self.heap[*o].obj {
                HObj::Dict(d) => d.clone(),
                _ => unreachable!("dict cell"),
            },
            V::Unknown(w) => return Err(Stop::Undecidable(w.clone())),
            _ => return Err(undecidable("updating a dict from this value", span)),
        };
        for (k, v) in pairs {
            self.dict_set(id, k, v, span)?;
        }
        Ok(())
    }

    pub fn getitem(&mut self, obj: &V, key: &V, span: &Span) -> R<V> {
        match obj {
            V::List(i) => {
                self.check_order(obj, span)?;
                let HObj::List(l) = &self.heap[*i].obj else {
                    unreachable!("list cell")
                };
                let n = l.len();
                let idx = match key {
                    V::Int(k) => Some(*k),
                    V::Bool(b) => Some(*b as i64),
                    _ => None,
                };
                match key {
                    _ if idx.is_some() => {
                        let k = idx.unwrap_or(0);
                        match rt::ops::norm_index(k, n) {
                            Some(j) => Ok(l[j].clone()),
                            None => Err(exc(ExcKind::IndexError, "list index out of range", span)),
                        }
                    }
                    V::Unknown(w) => Ok(V::Unknown(w.clone())),
                    _ => Err(exc(
                        ExcKind::TypeError,
                        format!(
                            "list indices must be integers or slices, not {}",
                            self.type_name(key)
                        ),
                        span,
                    )),
                }
            }
            V::Tuple(t) => match key {
                V::Int(k) => match rt::ops::norm_index(*k, t.len()) {
                    Some(j) => Ok(t[j].clone()),
                    None => Err(exc(ExcKind::IndexError, "tuple index out of range", span)),
                },
                V::Unknown(w) => Ok(V::Unknown(w.clone())),
                _ => self.opaque(&[obj, key], "indexing", span),
            },
            V::Dict(i) => {
                self.hashable(key, span)?;
                let HObj::Dict(d) = &self.heap[*i].obj else {
                    unreachable!("dict cell")
                };
                for (k, v) in d {
                    match self.py_eq(k, key) {
                        Some(true) => return Ok(v.clone()),
                        Some(false) => {}
                        None => {
                            return Err(undecidable("a dict key that cannot be compared", span))
                        }
                    }
                }
                match self.to_rt(key) {
                    Some(k) => Err(Stop::Exc(PyErr::key_error(k), span.clone())),
                    None => Err(undecidable("a missing dict key", span)),
                }
            }
            V::Unknown(w) => Ok(V::Unknown(w.clone())),
            _ => {
                let (o2, k2) = (self.as_str_value(obj), self.as_str_value(key));
                match (self.to_rt(&o2), self.to_rt(&k2)) {
                    (Some(o), Some(k)) => {
                        let r = rt::ops::getitem(&o, &k);
                        self.from_rt_result(r, span)
                    }
                    _ => self.opaque(&[obj, key], "indexing", span),
                }
            }
        }
    }

    fn slice(&mut self, obj: &V, bounds: &[V], span: &Span) -> R<V> {
        self.check_order(obj, span)?;
        // A slice of a list of rules keeps the elements themselves.
        if let V::List(i) = obj {
            let HObj::List(l) = self.heap[*i].obj.clone() else {
                unreachable!("list cell")
            };
            let idx: Vec<V> = (0..l.len() as i64).map(V::Int).collect();
            let idx_list = rt::Value::list(idx.iter().filter_map(|x| self.to_rt(x)).collect());
            let b: Vec<Option<rt::Value>> = bounds
                .iter()
                .map(|x| match x {
                    V::None => None,
                    other => self.to_rt(other),
                })
                .collect();
            if bounds.iter().any(|x| matches!(x, V::Unknown(_))) {
                return self.opaque(&bounds.iter().collect::<Vec<_>>(), "slicing", span);
            }
            let r = rt::ops::slice(&idx_list, b[0].as_ref(), b[1].as_ref(), b[2].as_ref());
            return match r {
                Ok(rt::Value::List(picked)) => {
                    let items: Vec<V> = picked
                        .borrow()
                        .iter()
                        .filter_map(|x| match x {
                            rt::Value::Int(j) => l.get(*j as usize).cloned(),
                            _ => None,
                        })
                        .collect();
                    Ok(self.new_list(items))
                }
                Ok(_) => Err(undecidable("slicing", span)),
                Err(e) => Err(Stop::Exc(e, span.clone())),
            };
        }
        let o2 = self.as_str_value(obj);
        let o = self.to_rt(&o2);
        let b: Vec<Option<rt::Value>> = bounds
            .iter()
            .map(|x| match x {
                V::None => None,
                other => self.to_rt(other),
            })
            .collect();
        match o {
            Some(o) if bounds.iter().all(|x| !matches!(x, V::Unknown(_))) => {
                let r = rt::ops::slice(&o, b[0].as_ref(), b[1].as_ref(), b[2].as_ref());
                self.from_rt_result(r, span)
            }
            _ => {
                let mut ops = vec![obj];
                ops.extend(bounds.iter());
                self.opaque(&ops, "slicing", span)
            }
        }
    }

    pub fn setitem(&mut self, obj: &V, key: &V, v: V, span: &Span) -> R<()> {
        match obj {
            V::List(i) => {
                self.check_order(obj, span)?;
                let id = *i;
                let V::Int(k) = key else {
                    return Err(undecidable("assigning to this list index", span));
                };
                let n = match &self.heap[id].obj {
                    HObj::List(l) => l.len(),
                    _ => 0,
                };
                let Some(j) = rt::ops::norm_index(*k, n) else {
                    return Err(exc(
                        ExcKind::IndexError,
                        "list assignment index out of range",
                        span,
                    ));
                };
                if self.is_config(&v) {
                    self.heap[id].config = true;
                }
                if let HObj::List(l) = &mut self.heap[id].obj {
                    l[j] = v;
                }
                self.note_mutation(id, "setitem", span);
                Ok(())
            }
            V::Dict(i) => self.dict_set(*i, key.clone(), v, span),
            V::Unknown(w) => Err(Stop::Undecidable(w.clone())),
            _ => Err(undecidable("assigning to an item of this value", span)),
        }
    }

    // ----- attributes -------------------------------------------------------------------

    /// Finds `name` in the method resolution order of class `c`.
    pub fn lookup(&self, c: ClassId, name: &str) -> Option<Entry> {
        self.classes[c]
            .mro
            .iter()
            .find_map(|k| self.classes[*k].dict.get(name).cloned())
    }

    /// Whether a built-in exception base of a class of `c`'s method resolution order could
    /// provide or shadow `name` (its members are not modelled): the lookup is undecidable
    /// unless a class before that base defines it.
    pub fn builtin_shadows(&self, c: ClassId, name: &str) -> bool {
        let mro = &self.classes[c].mro;
        let Some(k0) = mro
            .iter()
            .position(|k| !self.classes[*k].builtin_bases.is_empty())
        else {
            return false;
        };
        match mro
            .iter()
            .position(|k| self.classes[*k].dict.contains_key(name))
        {
            Some(owner) => owner > k0,
            None => true,
        }
    }

    /// The class of the method resolution order of `c` that defines `name`.
    pub fn lookup_owner(&self, c: ClassId, name: &str) -> Option<ClassId> {
        self.classes[c]
            .mro
            .iter()
            .copied()
            .find(|k| self.classes[*k].dict.contains_key(name))
    }

    pub fn getattr(&mut self, obj: &V, name: &str, span: &Span) -> R<V> {
        match obj {
            V::Class(c) => {
                let c = *c;
                self.note_read(obj);
                match name {
                    "__name__" | "__qualname__" => {
                        return Ok(V::Str(self.classes[c].name.as_str().into()))
                    }
                    "__module__" => return Ok(V::Str(self.classes[c].module.as_str().into())),
                    _ => {}
                }
                if self.builtin_shadows(c, name) {
                    return Err(undecidable(
                        format!("`{name}` of a class with a built-in exception base"),
                        span,
                    ));
                }
                match self.lookup(c, name) {
                    Some(e) => match e.kind {
                        MemberKind::Method | MemberKind::StaticMethod | MemberKind::Attribute => {
                            Ok(e.value)
                        }
                        MemberKind::ClassMethod => {
                            Ok(V::Bound(Rc::new((obj.clone(), name.to_string()))))
                        }
                        MemberKind::Property => {
                            Ok(unknown("a property read through its class", span))
                        }
                    },
                    None if self.classes[c].is_rule
                        && matches!(
                            name,
                            "override"
                                | "extend"
                                | "validate"
                                | "asdict"
                                | "is_panther_managed"
                                | "validate_config"
                        ) =>
                    {
                        Ok(V::Bound(Rc::new((obj.clone(), name.to_string()))))
                    }
                    None => Err(exc(
                        ExcKind::AttributeError,
                        format!(
                            "type object '{}' has no attribute '{}'",
                            self.classes[c].name, name
                        ),
                        span,
                    )),
                }
            }
            V::Module(m) => {
                let m = m.clone();
                self.module_attr(&m, name, span)
            }
            V::Api(api) => {
                let api = api.clone();
                self.api_getattr(&api, name, span)
            }
            V::Enum(k, n) => match name {
                "value" => Ok(V::Str(self.enum_value(*k, n))),
                "name" => Ok(V::Str(n.clone())),
                _ => Ok(V::Bound(Rc::new((obj.clone(), name.to_string())))),
            },
            V::Obj(i) => {
                let (fields, is_test) = match &self.heap[*i].obj {
                    HObj::Test(t) => (t.fields.clone(), true),
                    HObj::Mock(m) | HObj::Mapping(m) => (m.clone(), false),
                    _ => unreachable!("object cell"),
                };
                if let Some(v) = fields.get(name) {
                    return Ok(v.clone());
                }
                if is_test && name == "_module" {
                    if let HObj::Test(t) = &self.heap[*i].obj {
                        return Ok(V::Str(t.module.as_str().into()));
                    }
                }
                Err(exc(
                    ExcKind::AttributeError,
                    format!(
                        "'{}' object has no attribute '{}'",
                        self.type_name(obj),
                        name
                    ),
                    span,
                ))
            }
            V::Func(f) => match name {
                "__name__" | "__qualname__" => {
                    let n = self
                        .input
                        .modules
                        .get(&f.module)
                        .and_then(|m| m.functions.get(f.index))
                        .map(|f| f.name.clone())
                        .unwrap_or_default();
                    Ok(V::Str(n.into()))
                }
                "__module__" => Ok(V::Str(f.module.as_str().into())),
                _ => Ok(unknown(
                    format!("the attribute `{name}` of a function"),
                    span,
                )),
            },
            V::Unknown(w) => Ok(V::Unknown(w.clone())),
            V::Stdlib(d) => Ok(V::Stdlib(format!("{d}.{name}").into())),
            _ => Ok(V::Bound(Rc::new((obj.clone(), name.to_string())))),
        }
    }

    /// Sets a class attribute with its provenance (the entry no longer comes from a class
    /// body).
    pub fn set_class_attr(&mut self, c: ClassId, name: &str, value: V, prov: Vec<Prov>) {
        let kind = match &value {
            V::Func(_) => MemberKind::Method,
            _ => MemberKind::Attribute,
        };
        self.classes[c].dict.insert(
            name.to_string(),
            Entry {
                value,
                kind,
                prov,
                body_item: None,
            },
        );
    }

    pub fn setattr(&mut self, obj: &V, name: &str, v: V, span: &Span, how: ProvKind) -> R<()> {
        match obj {
            V::Class(c) => {
                self.touch();
                if name.starts_with("__") && name.ends_with("__") {
                    return Err(undecidable(format!("setting `{name}` on a class"), span));
                }
                let c = *c;
                self.set_class_attr(
                    c,
                    name,
                    v,
                    vec![Prov {
                        kind: how,
                        span: span.clone(),
                    }],
                );
                Ok(())
            }
            V::Obj(i) => {
                self.touch();
                let id = *i;
                match &mut self.heap[id].obj {
                    HObj::Test(t) => {
                        t.fields.insert(name.to_string(), v);
                    }
                    HObj::Mock(m) | HObj::Mapping(m) => {
                        m.insert(name.to_string(), v);
                    }
                    _ => {}
                }
                self.note_mutation(id, "setattr", span);
                Ok(())
            }
            V::Unknown(w) => Err(Stop::Undecidable(w.clone())),
            _ => Err(undecidable(format!("setting `{name}` on this value"), span)),
        }
    }

    // ----- calls ------------------------------------------------------------------------

    pub fn call(&mut self, f: &V, pos: Vec<V>, kw: Vec<(String, V)>, span: &Span) -> R<V> {
        self.step(span)?;
        match f {
            V::Func(fv) => {
                let fv = fv.clone();
                self.call_function(&fv, pos, kw, span)
            }
            V::Builtin(b) => {
                let b = b.clone();
                self.builtin(&b, pos, kw, span)
            }
            V::Api(api) => {
                let api = api.clone();
                self.touch();
                self.api_call(&api, pos, kw, span)
            }
            V::Bound(b) => {
                let (recv, name) = (b.0.clone(), b.1.clone());
                self.call_method(&recv, &name, pos, kw, span)
            }
            V::Class(c) => {
                if self.classes[*c].is_rule {
                    return Err(undecidable(
                        "instantiating a rule class in configuration code",
                        span,
                    ));
                }
                if self.classes[*c].is_data_model {
                    let c = *c;
                    self.touch();
                    return self.data_model_instance(c, pos, kw, span);
                }
                Err(undecidable(
                    "instantiating a class in configuration code",
                    span,
                ))
            }
            V::Stdlib(d) => {
                let d = d.clone();
                self.call_stdlib(&d, pos, kw, span)
            }
            V::Unknown(w) => {
                if pos
                    .iter()
                    .chain(kw.iter().map(|(_, v)| v))
                    .any(|v| self.reaches_config(v))
                {
                    return Err(Stop::Undecidable(w.clone()));
                }
                Ok(V::Unknown(w.clone()))
            }
            _ => Err(exc(
                ExcKind::TypeError,
                format!("'{}' object is not callable", self.type_name(f)),
                span,
            )),
        }
    }

    /// `DataModelSubclass()`: pypanther's `DataModel.__init__` checks every mapping (a name,
    /// then a path it parses or a method) and raises AssertionError otherwise. The instance
    /// itself is only known at run time.
    fn data_model_instance(
        &mut self,
        c: ClassId,
        pos: Vec<V>,
        kw: Vec<(String, V)>,
        span: &Span,
    ) -> R<V> {
        let own_init = self.classes[c].mro.iter().any(|k| {
            ["__init__", "__new__", "__getattr__", "__getattribute__"]
                .iter()
                .any(|m| self.classes[*k].dict.contains_key(*m))
        });
        if own_init || !pos.is_empty() || !kw.is_empty() {
            return Err(undecidable(
                "instantiating this data model class in configuration code",
                span,
            ));
        }
        let id = match self.lookup(c, "id").map(|e| e.value) {
            Some(V::Str(s)) => Some(s),
            _ => None,
        };
        let mappings = match self.lookup(c, "mappings").map(|e| e.value) {
            Some(m @ (V::List(_) | V::Tuple(_))) => self.iterate(&m, span)?.0,
            Some(V::Unknown(w)) => return Err(Stop::Undecidable(w)),
            _ => {
                return Err(undecidable(
                    "a data model whose `mappings` is not a list",
                    span,
                ))
            }
        };
        let fail = |what: &str| -> R<V> {
            match &id {
                Some(id) => Err(exc(
                    ExcKind::AssertionError,
                    format!("DataModel [{id}] {what}"),
                    span,
                )),
                None => Err(undecidable("a data model without a literal `id`", span)),
            }
        };
        for m in mappings {
            let fields = match &m {
                V::Obj(i) => match &self.heap[*i].obj {
                    HObj::Mapping(f) => f.clone(),
                    _ => return Err(undecidable("a data model mapping of this type", span)),
                },
                V::Unknown(w) => return Err(Stop::Undecidable(w.clone())),
                _ => return Err(undecidable("a data model mapping of this type", span)),
            };
            let get = |n: &str| fields.get(n).cloned().unwrap_or(V::None);
            if !self.truthy(&get("name"), span)? {
                return fail("is missing required field: [Name]");
            }
            let path = get("path");
            if self.truthy(&path, span)? {
                match &path {
                    V::Str(p) if crate::lower::pypanther_dm::jsonpath_parses(p) => {}
                    _ => {
                        return Err(undecidable(
                            "a data model path outside the JSONPath forms ferrule evaluates",
                            span,
                        ))
                    }
                }
            } else if !self.truthy(&get("method"), span)? {
                return fail("must define one of: [Path, Method]");
            }
        }
        Ok(unknown(
            "a data model instance (built at run time, which ferrule does not do)",
            span,
        ))
    }

    /// Whether code the evaluator cannot see could change configuration through `v`.
    fn reaches_config(&self, v: &V) -> bool {
        match v {
            V::List(i) | V::Dict(i) | V::Set(i) => {
                self.heap[*i].config
                    || match &self.heap[*i].obj {
                        HObj::List(l) | HObj::Set(l) => l.iter().any(|x| self.reaches_config(x)),
                        HObj::Dict(d) => d.iter().any(|(_, x)| self.reaches_config(x)),
                        _ => true,
                    }
            }
            V::Tuple(t) => t.iter().any(|x| self.reaches_config(x)),
            other => self.is_config(other),
        }
    }

    fn call_stdlib(&mut self, d: &str, pos: Vec<V>, kw: Vec<(String, V)>, span: &Span) -> R<V> {
        // Pure functions of plain data are computed by the runtime; the rest (the
        // environment, files, the clock, …) only exists at run time.
        const PURE: &[&str] = &["json.dumps", "json.loads", "copy.deepcopy", "copy.copy"];
        if d == "copy.deepcopy" && kw.is_empty() && pos.len() == 1 {
            return self.deepcopy(&pos[0], span);
        }
        if PURE.contains(&d) {
            let args: Option<Vec<rt::Value>> = pos.iter().map(|v| self.to_rt(v)).collect();
            let kws: Option<Vec<(String, rt::Value)>> = kw
                .iter()
                .map(|(k, v)| self.to_rt(v).map(|x| (k.clone(), x)))
                .collect();
            if let (Some(args), Some(kws)) = (args, kws) {
                let f = match rt::imports::resolve_value(d) {
                    Ok(f) => f,
                    Err(e) => return Err(undecidable(e.str(), span)),
                };
                let kws: Vec<(&str, rt::Value)> =
                    kws.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                let r = rt::ops::call(&f, &args, &kws);
                return self.from_rt_result(r, span);
            }
        }
        if pos
            .iter()
            .chain(kw.iter().map(|(_, v)| v))
            .any(|v| self.reaches_config(v))
        {
            return Err(undecidable(
                format!("`{d}(…)` is given configuration values and runs only at run time"),
                span,
            ));
        }
        Ok(unknown(format!("`{d}(…)` is only known at run time"), span))
    }

    pub fn call_function(
        &mut self,
        fv: &FuncVal,
        pos: Vec<V>,
        kw: Vec<(String, V)>,
        span: &Span,
    ) -> R<V> {
        let Some(module) = self.input.modules.get(&fv.module) else {
            return Err(undecidable(
                "a function of a module that is not loaded",
                span,
            ));
        };
        let Some(f) = module.functions.get(fv.index) else {
            return Err(undecidable("a function that is not loaded", span));
        };
        if self.depth >= MAX_DEPTH {
            return Err(undecidable("recursion too deep to evaluate", span));
        }
        // A generator function's call returns a generator object, whose body runs only when
        // it is advanced: not modelled by this evaluator.
        if f.is_generator {
            return Err(undecidable(
                "a generator (a function containing `yield`)",
                span,
            ));
        }
        let mut locals: Vec<Option<V>> = vec![None; f.locals.len()];
        let p = &f.params;
        let mut pos = pos.into_iter();
        for (i, (name, default)) in p.positional.iter().enumerate() {
            let v = match pos.next() {
                Some(v) => {
                    if kw.iter().any(|(k, _)| k == name) {
                        return Err(exc(
                            ExcKind::TypeError,
                            format!("{}() got multiple values for argument '{name}'", f.name),
                            span,
                        ));
                    }
                    Some(v)
                }
                None => kw.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            };
            locals[i] = match (v, default) {
                (Some(v), _) => Some(v),
                (None, Some(d)) => Some(self.eval_default(&fv.module, d)?),
                (None, None) => {
                    return Err(exc(
                        ExcKind::TypeError,
                        format!(
                            "{}() missing 1 required positional argument: '{name}'",
                            f.name
                        ),
                        span,
                    ))
                }
            };
        }
        let rest: Vec<V> = pos.collect();
        let mut next = p.positional.len();
        match &p.varargs {
            Some(_) => {
                locals[next] = Some(V::Tuple(rest.into()));
                next += 1;
            }
            None if !rest.is_empty() => {
                return Err(exc(
                    ExcKind::TypeError,
                    format!(
                        "{}() takes {} positional arguments but {} were given",
                        f.name,
                        p.positional.len(),
                        p.positional.len() + rest.len()
                    ),
                    span,
                ))
            }
            None => {}
        }
        for (name, default) in &p.kwonly {
            let v = kw.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            locals[next] = match (v, default) {
                (Some(v), _) => Some(v),
                (None, Some(d)) => Some(self.eval_default(&fv.module, d)?),
                (None, None) => {
                    return Err(exc(
                        ExcKind::TypeError,
                        format!(
                            "{}() missing 1 required keyword-only argument: '{name}'",
                            f.name
                        ),
                        span,
                    ))
                }
            };
            next += 1;
        }
        let known = |k: &str| {
            p.positional.iter().any(|(n, _)| n == k) || p.kwonly.iter().any(|(n, _)| n == k)
        };
        let extra: Vec<(String, V)> = kw.iter().filter(|(k, _)| !known(k)).cloned().collect();
        match &p.varkw {
            Some(_) => {
                let items: Vec<(V, V)> = extra
                    .into_iter()
                    .map(|(k, v)| (V::Str(k.into()), v))
                    .collect();
                locals[next] = Some(V::Dict(self.alloc(HObj::Dict(items))));
            }
            None => {
                if let Some((k, _)) = extra.first() {
                    return Err(exc(
                        ExcKind::TypeError,
                        format!("{}() got an unexpected keyword argument '{k}'", f.name),
                        span,
                    ));
                }
            }
        }
        for (own, v) in &fv.captures {
            if *own < locals.len() {
                locals[*own] = Some(v.clone());
            }
        }
        let mut fr = Frame {
            module: fv.module.as_str().into(),
            func: Some(fv.index),
            locals,
        };
        self.depth += 1;
        self.fstack.push(fv.module.as_str().into());
        let body = f.body.clone();
        let r = self.exec_block(&mut fr, &body);
        self.fstack.pop();
        self.depth -= 1;
        match r? {
            Flow::Return(v) => Ok(v),
            _ => Ok(V::None),
        }
    }

    fn eval_default(&mut self, module: &str, d: &Expr) -> R<V> {
        let mut fr = Frame {
            module: module.into(),
            func: None,
            locals: Vec::new(),
        };
        self.eval(&mut fr, d)
    }

    pub fn call_method(
        &mut self,
        obj: &V,
        name: &str,
        pos: Vec<V>,
        kw: Vec<(String, V)>,
        span: &Span,
    ) -> R<V> {
        self.step(span)?;
        match obj {
            V::List(i) => self.list_method(*i, name, pos, kw, span),
            V::Dict(i) => self.dict_method(*i, name, pos, kw, span),
            V::Set(i) => self.set_method(*i, name, pos, kw, span),
            V::Class(c) => {
                let c = *c;
                self.note_read(obj);
                self.class_method(c, name, pos, kw, span)
            }
            V::Module(_) | V::Api(_) | V::Obj(_) | V::Func(_) => {
                let f = self.getattr(obj, name, span)?;
                if let V::Bound(b) = &f {
                    if matches!(b.0, V::Obj(_) | V::Func(_)) {
                        return Err(undecidable(format!("the method `{name}` here"), span));
                    }
                }
                self.call(&f, pos, kw, span)
            }
            V::Enum(k, n) => {
                let (k, n) = (*k, n.clone());
                self.enum_method(k, &n, name, pos, kw, span)
            }
            V::Unknown(w) => self.call(&V::Unknown(w.clone()), pos, kw, span),
            V::Stdlib(d) => {
                let d = format!("{d}.{name}");
                self.call_stdlib(&d, pos, kw, span)
            }
            _ => {
                // Methods of plain data (str, int, tuple…): the runtime's.
                let recv = self.to_rt(obj);
                let args: Option<Vec<rt::Value>> = pos
                    .iter()
                    .map(|v| self.to_rt(&self.as_str_value(v)))
                    .collect();
                let kws: Option<Vec<(String, rt::Value)>> = kw
                    .iter()
                    .map(|(k, v)| self.to_rt(&self.as_str_value(v)).map(|x| (k.clone(), x)))
                    .collect();
                match (recv, args, kws) {
                    (Some(r), Some(a), Some(k)) => {
                        let k: Vec<(&str, rt::Value)> =
                            k.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
                        let res = rt::ops::call_method(&r, name, &a, &k);
                        self.from_rt_result(res, span)
                    }
                    _ => {
                        let mut ops: Vec<&V> = vec![obj];
                        ops.extend(pos.iter());
                        self.opaque(&ops, &format!("`.{name}()`"), span)
                    }
                }
            }
        }
    }

    fn enum_method(
        &mut self,
        k: EnumKind,
        n: &str,
        name: &str,
        pos: Vec<V>,
        kw: Vec<(String, V)>,
        span: &Span,
    ) -> R<V> {
        if k == EnumKind::Severity && (name == "upgrade" || name == "downgrade") && pos.is_empty() {
            let r = severity_rank(n) + if name == "upgrade" { 1 } else { -1 };
            let r = r.clamp(0, 4) as usize;
            return Ok(V::Enum(k, SEVERITIES[r].into()));
        }
        // Otherwise a str method, on the value.
        let v = V::Str(self.enum_value(k, n));
        self.call_method(&v, name, pos, kw, span)
    }

    fn list_method(
        &mut self,
        id: Id,
        name: &str,
        pos: Vec<V>,
        kw: Vec<(String, V)>,
        span: &Span,
    ) -> R<V> {
        if !kw.is_empty() && name != "sort" {
            return Err(undecidable(
                format!("keyword arguments to `list.{name}`"),
                span,
            ));
        }
        let items = match &self.heap[id].obj {
            HObj::List(l) => l.clone(),
            _ => unreachable!("list cell"),
        };
        let set = |ev: &mut Self, l: Vec<V>| {
            if let HObj::List(x) = &mut ev.heap[id].obj {
                *x = l;
            }
        };
        match (name, pos.as_slice()) {
            ("append", [x]) => {
                if self.is_config(x) {
                    self.heap[id].config = true;
                }
                let mut l = items;
                l.push(x.clone());
                set(self, l);
                self.note_mutation(id, "append", span);
                Ok(V::None)
            }
            ("extend", [x]) => {
                let (more, unordered) = self.iterate(x, span)?;
                if more.iter().any(|x| self.is_config(x)) {
                    self.heap[id].config = true;
                }
                let mut l = items;
                l.extend(more);
                set(self, l);
                if unordered {
                    self.heap[id].unordered = true;
                }
                self.note_mutation(id, "extend", span);
                Ok(V::None)
            }
            ("insert", [i, x]) => {
                self.check_order(&V::List(id), span)?;
                let V::Int(i) = i else {
                    return Err(undecidable("`list.insert` with this index", span));
                };
                let n = items.len() as i64;
                let at = if *i < 0 { (n + i).max(0) } else { (*i).min(n) } as usize;
                if self.is_config(x) {
                    self.heap[id].config = true;
                }
                let mut l = items;
                l.insert(at, x.clone());
                set(self, l);
                self.note_mutation(id, "insert", span);
                Ok(V::None)
            }
            ("remove", [x]) => {
                let mut l = items;
                let mut at = None;
                for (j, y) in l.iter().enumerate() {
                    match self.py_eq(y, x) {
                        Some(true) => {
                            at = Some(j);
                            break;
                        }
                        Some(false) => {}
                        None => return Err(undecidable("`list.remove` of this value", span)),
                    }
                }
                match at {
                    Some(j) => {
                        l.remove(j);
                        set(self, l);
                        self.note_mutation(id, "remove", span);
                        Ok(V::None)
                    }
                    None => Err(exc(
                        ExcKind::ValueError,
                        "list.remove(x): x not in list",
                        span,
                    )),
                }
            }
            ("pop", args) => {
                self.check_order(&V::List(id), span)?;
                let i = match args {
                    [] => -1,
                    [V::Int(i)] => *i,
                    _ => return Err(undecidable("`list.pop` with this index", span)),
                };
                let mut l = items;
                if l.is_empty() {
                    return Err(exc(ExcKind::IndexError, "pop from empty list", span));
                }
                let Some(j) = rt::ops::norm_index(i, l.len()) else {
                    return Err(exc(ExcKind::IndexError, "pop index out of range", span));
                };
                let v = l.remove(j);
                set(self, l);
                self.note_mutation(id, "pop", span);
                Ok(v)
            }
            ("clear", []) => {
                set(self, Vec::new());
                self.note_mutation(id, "clear", span);
                Ok(V::None)
            }
            ("copy", []) => {
                let unordered = self.heap[id].unordered;
                let l = self.new_list(items);
                if let V::List(n) = &l {
                    self.heap[*n].unordered = unordered;
                }
                Ok(l)
            }
            ("count", [x]) => {
                let mut n = 0;
                for y in &items {
                    match self.py_eq(y, x) {
                        Some(true) => n += 1,
                        Some(false) => {}
                        None => return Err(undecidable("`list.count` of this value", span)),
                    }
                }
                Ok(V::Int(n))
            }
            ("index", [x]) => {
                self.check_order(&V::List(id), span)?;
                for (j, y) in items.iter().enumerate() {
                    match self.py_eq(y, x) {
                        Some(true) => return Ok(V::Int(j as i64)),
                        Some(false) => {}
                        None => return Err(undecidable("`list.index` of this value", span)),
                    }
                }
                Err(exc(ExcKind::ValueError, "value is not in list", span))
            }
            ("reverse", []) => {
                self.check_order(&V::List(id), span)?;
                let mut l = items;
                l.reverse();
                set(self, l);
                self.note_mutation(id, "reverse", span);
                Ok(V::None)
            }
            ("sort", []) => {
                let key = kw.iter().find(|(k, _)| k == "key").map(|(_, v)| v.clone());
                let reverse = match kw.iter().find(|(k, _)| k == "reverse") {
                    Some((_, v)) => self.truthy(&v.clone(), span)?,
                    None => false,
                };
                let sorted = self.sorted(items, key, reverse, span)?;
                set(self, sorted);
                self.heap[id].unordered = false;
                self.note_mutation(id, "sort", span);
                Ok(V::None)
            }
            _ => Err(undecidable(
                format!("`list.{name}` with these arguments"),
                span,
            )),
        }
    }

    fn dict_method(
        &mut self,
        id: Id,
        name: &str,
        pos: Vec<V>,
        kw: Vec<(String, V)>,
        span: &Span,
    ) -> R<V> {
        let items = match &self.heap[id].obj {
            HObj::Dict(d) => d.clone(),
            _ => unreachable!("dict cell"),
        };
        let find = |ev: &Self, k: &V| -> Option<Option<usize>> {
            let mut at = None;
            for (j, (k2, _)) in items.iter().enumerate() {
                match ev.py_eq(k2, k) {
                    Some(true) => {
                        at = Some(j);
                        break;
                    }
                    Some(false) => {}
                    None => return None,
                }
            }
            Some(at)
        };
        match (name, pos.as_slice()) {
            ("get", [k]) | ("get", [k, _]) => {
                self.hashable(k, span)?;
                match find(self, k) {
                    Some(Some(j)) => Ok(items[j].1.clone()),
                    Some(None) => Ok(pos.get(1).cloned().unwrap_or(V::None)),
                    None => Err(undecidable("a dict key that cannot be compared", span)),
                }
            }
            ("keys", []) | ("values", []) | ("items", []) => {
                let out: Vec<V> = items
                    .iter()
                    .map(|(k, v)| match name {
                        "keys" => k.clone(),
                        "values" => v.clone(),
                        _ => V::Tuple(vec![k.clone(), v.clone()].into()),
                    })
                    .collect();
                let unordered = self.heap[id].unordered;
                let l = self.new_list(out);
                if let V::List(n) = &l {
                    self.heap[*n].unordered = unordered;
                }
                Ok(l)
            }
            ("update", [other]) if kw.is_empty() => {
                self.dict_update(id, other, span)?;
                Ok(V::None)
            }
            ("update", []) => {
                for (k, v) in kw {
                    self.dict_set(id, V::Str(k.into()), v, span)?;
                }
                Ok(V::None)
            }
            ("setdefault", [k]) | ("setdefault", [k, _]) => match find(self, k) {
                Some(Some(j)) => Ok(items[j].1.clone()),
                Some(None) => {
                    let d = pos.get(1).cloned().unwrap_or(V::None);
                    self.dict_set(id, k.clone(), d.clone(), span)?;
                    Ok(d)
                }
                None => Err(undecidable("a dict key that cannot be compared", span)),
            },
            ("pop", [k]) | ("pop", [k, _]) => match find(self, k) {
                Some(Some(j)) => {
                    let v = items[j].1.clone();
                    if let HObj::Dict(d) = &mut self.heap[id].obj {
                        d.remove(j);
                    }
                    self.note_mutation(id, "pop", span);
                    Ok(v)
                }
                Some(None) => match pos.get(1) {
                    Some(d) => Ok(d.clone()),
                    None => match self.to_rt(k) {
                        Some(k) => Err(Stop::Exc(PyErr::key_error(k), span.clone())),
                        None => Err(undecidable("a missing dict key", span)),
                    },
                },
                None => Err(undecidable("a dict key that cannot be compared", span)),
            },
            ("copy", []) => Ok(V::Dict(self.alloc(HObj::Dict(items)))),
            ("clear", []) => {
                if let HObj::Dict(d) = &mut self.heap[id].obj {
                    d.clear();
                }
                self.note_mutation(id, "clear", span);
                Ok(V::None)
            }
            _ => Err(undecidable(
                format!("`dict.{name}` with these arguments"),
                span,
            )),
        }
    }

    fn set_method(
        &mut self,
        id: Id,
        name: &str,
        pos: Vec<V>,
        _kw: Vec<(String, V)>,
        span: &Span,
    ) -> R<V> {
        let items = match &self.heap[id].obj {
            HObj::Set(s) => s.clone(),
            _ => unreachable!("set cell"),
        };
        match (name, pos.as_slice()) {
            ("add", [x]) => {
                let mut all = items;
                all.push(x.clone());
                let V::Set(n) = self.make_set(all, span)? else {
                    unreachable!("a set")
                };
                let obj = self.heap[n].obj.clone();
                self.heap[id].obj = obj;
                self.note_mutation(id, "add", span);
                Ok(V::None)
            }
            ("update", [x]) => {
                let (more, _) = self.iterate(x, span)?;
                let mut all = items;
                all.extend(more);
                let V::Set(n) = self.make_set(all, span)? else {
                    unreachable!("a set")
                };
                let obj = self.heap[n].obj.clone();
                self.heap[id].obj = obj;
                self.note_mutation(id, "update", span);
                Ok(V::None)
            }
            ("copy", []) => Ok(V::Set(self.alloc(HObj::Set(items)))),
            _ => Err(undecidable(format!("`set.{name}`"), span)),
        }
    }

    /// `sorted(items, key=…, reverse=…)`: stable, as CPython's.
    pub fn sorted(
        &mut self,
        items: Vec<V>,
        key: Option<V>,
        reverse: bool,
        span: &Span,
    ) -> R<Vec<V>> {
        let mut keyed = Vec::new();
        for x in items {
            let k = match &key {
                Some(V::None) | None => x.clone(),
                Some(f) => self.call(f, vec![x.clone()], Vec::new(), span)?,
            };
            let k2 = self.as_str_value(&k);
            let Some(rk) = self.to_rt(&k2) else {
                if let V::Class(_) = k {
                    return Err(exc(
                        ExcKind::TypeError,
                        "'<' not supported between instances of 'ABCMeta' and 'ABCMeta'",
                        span,
                    ));
                }
                return Err(undecidable("sorting by these keys", span));
            };
            keyed.push((rk, x));
        }
        // Insertion sort through CPython's `<` (the runtime's), keeping stability; errors
        // (mixed types) are raised as CPython raises them.
        let mut out: Vec<(rt::Value, V)> = Vec::new();
        for (k, x) in keyed {
            let mut at = out.len();
            while at > 0 {
                let lt = if reverse {
                    rt::ops::lt(&out[at - 1].0, &k)
                } else {
                    rt::ops::lt(&k, &out[at - 1].0)
                };
                match lt {
                    Ok(true) => at -= 1,
                    Ok(false) => break,
                    Err(e) => return Err(Stop::Exc(e, span.clone())),
                }
            }
            out.insert(at, (k, x));
        }
        Ok(out.into_iter().map(|(_, x)| x).collect())
    }

    /// `copy.deepcopy`, as `Rule.__init_subclass__` applies it.
    pub fn deepcopy(&mut self, v: &V, span: &Span) -> R<V> {
        let _ = span;
        let mut memo: HashMap<Id, V> = HashMap::new();
        self.deepcopy_memo(v, &mut memo)
    }

    fn deepcopy_memo(&mut self, v: &V, memo: &mut HashMap<Id, V>) -> R<V> {
        Ok(match v {
            V::List(i) | V::Dict(i) | V::Set(i) | V::Obj(i) => {
                if let Some(c) = memo.get(i) {
                    return Ok(c.clone());
                }
                let cell = self.heap[*i].clone();
                let obj = match &cell.obj {
                    HObj::List(l) => {
                        // The copy exists before its items are copied (cycles).
                        let id = self.alloc(HObj::List(Vec::new()));
                        memo.insert(*i, V::List(id));
                        let mut out = Vec::new();
                        for x in l {
                            out.push(self.deepcopy_memo(x, memo)?);
                        }
                        self.heap[id].obj = HObj::List(out);
                        self.heap[id].unordered = cell.unordered;
                        self.heap[id].config = cell.config;
                        return Ok(V::List(id));
                    }
                    HObj::Dict(d) => {
                        let mut out = Vec::new();
                        for (k, x) in d {
                            let k = self.deepcopy_memo(k, memo)?;
                            let x = self.deepcopy_memo(x, memo)?;
                            out.push((k, x));
                        }
                        HObj::Dict(out)
                    }
                    HObj::Set(s) => {
                        let mut out = Vec::new();
                        for x in s {
                            out.push(self.deepcopy_memo(x, memo)?);
                        }
                        HObj::Set(out)
                    }
                    HObj::Test(t) => {
                        let mut fields = IndexMap::new();
                        for (k, x) in &t.fields {
                            fields.insert(k.clone(), self.deepcopy_memo(x, memo)?);
                        }
                        HObj::Test(TestObj {
                            fields,
                            module: t.module.clone(),
                            span: t.span.clone(),
                        })
                    }
                    HObj::Mock(m) | HObj::Mapping(m) => {
                        let mut fields = IndexMap::new();
                        for (k, x) in m {
                            fields.insert(k.clone(), self.deepcopy_memo(x, memo)?);
                        }
                        if matches!(cell.obj, HObj::Mapping(_)) {
                            HObj::Mapping(fields)
                        } else {
                            HObj::Mock(fields)
                        }
                    }
                };
                let id = self.alloc(obj);
                self.heap[id].unordered = cell.unordered;
                self.heap[id].config |= cell.config;
                let copy = match v {
                    V::Dict(_) => V::Dict(id),
                    V::Set(_) => V::Set(id),
                    _ => V::Obj(id),
                };
                memo.insert(*i, copy.clone());
                copy
            }
            V::Tuple(t) => {
                let mut out = Vec::new();
                for x in t.iter() {
                    out.push(self.deepcopy_memo(x, memo)?);
                }
                V::Tuple(out.into())
            }
            V::Unknown(_) => v.clone(),
            // Atoms, classes, functions, modules and enum members copy to themselves.
            _ => v.clone(),
        })
    }

    // ----- classes ----------------------------------------------------------------------

    /// `class Name(bases): body`, with `Rule.__init_subclass__` and the decorators.
    fn class_def(&mut self, fr: &mut Frame, c: &ClassDef) -> R<V> {
        let span = c.span.clone();
        let (module, stmt) = self
            .cur
            .last()
            .cloned()
            .unwrap_or_else(|| (fr.module.clone(), 0));
        if fr.func.is_some() || *module != *fr.module {
            return Err(undecidable("a class statement inside a function", &span));
        }
        let here = (module.to_string(), stmt);
        if self.stmt_class.contains_key(&here) {
            return Err(undecidable("a class statement that runs twice", &span));
        }
        let mut decorators = Vec::new();
        for d in &c.decorators {
            decorators.push(self.eval(fr, d)?);
        }
        let mut bases = Vec::new();
        let mut builtin_bases = Vec::new();
        let mut is_dm = false;
        for b in &c.bases {
            match self.eval(fr, b)? {
                V::Class(k) => bases.push(k),
                V::Builtin(o) if &*o == "object" => {}
                V::Builtin(o) if exc_kind(&o).is_some() => builtin_bases.push(o.to_string()),
                V::Api(Api::DataModel) => is_dm = true,
                V::Unknown(w) => return Err(Stop::Undecidable(w)),
                other => {
                    return Err(undecidable(
                        format!("a class with the base `{}`", self.type_name(&other)),
                        &b.span,
                    ))
                }
            }
        }
        let mro = match self.c3(&bases) {
            Some(m) => m,
            None => {
                let names: Vec<String> = bases
                    .iter()
                    .map(|b| self.classes[*b].name.clone())
                    .collect();
                return Err(exc(
                    ExcKind::TypeError,
                    format!(
                        "Cannot create a consistent method resolution order (MRO) for bases {}",
                        names.join(", ")
                    ),
                    &span,
                ));
            }
        };
        let id = self.classes.len();
        let is_rule = mro.contains(&RULE);
        let is_dm = is_dm || bases.iter().any(|b| self.classes[*b].is_data_model);
        if (is_rule || is_dm) && !builtin_bases.is_empty() {
            return Err(undecidable(
                "a rule or data model class with a built-in exception base",
                &span,
            ));
        }
        let key = format!("{}.{}#{}", module, c.name, id);
        let mut full = vec![id];
        full.extend(mro);
        self.classes.push(ClassObj {
            name: c.name.clone(),
            module: fr.module.to_string(),
            bases: bases.clone(),
            mro: full,
            dict: IndexMap::new(),
            is_rule,
            is_data_model: is_dm,
            builtin_bases: builtin_bases.clone(),
            abstract_methods: Vec::new(),
            span: span.clone(),
            key,
        });
        self.stmt_class.insert(here.clone(), id);
        self.class_stmt.insert(id, here.clone());
        // Rule classes are configuration; so is a plain class that run time could not build
        // as helpers' classes are built (several bases, decorators).
        if is_rule || is_dm || bases.len() + builtin_bases.len() > 1 || !c.decorators.is_empty() {
            self.touch();
        }
        // The body, in order.
        for (j, item) in c.body.iter().enumerate() {
            match item {
                ClassItem::Attr { names, value, span } => {
                    let before = self.stmts.last().map(|s| s.touched).unwrap_or(false);
                    if let Some(cx) = self.stmts.last_mut() {
                        cx.touched = false;
                    }
                    let v = self.eval(fr, value);
                    let touched = self.stmts.last().map(|s| s.touched).unwrap_or(false);
                    if let Some(cx) = self.stmts.last_mut() {
                        cx.touched = before || touched;
                    }
                    let v = v?;
                    self.item_config
                        .insert((here.0.clone(), here.1, j), touched || self.is_config(&v));
                    for n in names {
                        // A later statement of the body reads this name through a hidden
                        // global.
                        let hidden = format!("__ferrule_class_{}_{}", c.name, n);
                        if let Some(slot) = self
                            .input
                            .modules
                            .get(&*fr.module)
                            .and_then(|m| m.slot(&hidden))
                        {
                            if let Some(st) = self.mods.get_mut(&*fr.module) {
                                st.ns[slot] = Some(v.clone());
                            }
                        }
                        let kind = match &v {
                            V::Func(_) => MemberKind::Method,
                            _ => MemberKind::Attribute,
                        };
                        self.classes[id].dict.insert(
                            n.clone(),
                            Entry {
                                value: v.clone(),
                                kind,
                                prov: vec![Prov {
                                    kind: ProvKind::ClassBody(c.name.clone()),
                                    span: span.clone(),
                                }],
                                body_item: Some(BodyItem {
                                    module: here.0.clone(),
                                    stmt: here.1,
                                    item: j,
                                    config: touched,
                                }),
                            },
                        );
                    }
                }
                ClassItem::Method {
                    name,
                    kind,
                    function,
                    span,
                } => {
                    self.func_class
                        .insert((fr.module.to_string(), *function), id);
                    let f = V::Func(Rc::new(FuncVal {
                        module: fr.module.to_string(),
                        index: *function,
                        captures: Vec::new(),
                    }));
                    self.classes[id].dict.insert(
                        name.clone(),
                        Entry {
                            value: f,
                            kind: *kind,
                            prov: vec![Prov {
                                kind: ProvKind::ClassBody(c.name.clone()),
                                span: span.clone(),
                            }],
                            body_item: None,
                        },
                    );
                }
            }
        }
        if is_rule {
            // ABCMeta: a method stays abstract while the class's value for it is abstract.
            let mut abstract_methods = Vec::new();
            for b in &bases {
                for m in self.classes[*b].abstract_methods.clone() {
                    let still = matches!(
                        self.lookup(id, &m).map(|e| e.value),
                        Some(V::Api(Api::RuleMethod("rule")))
                    );
                    if still && !abstract_methods.contains(&m) {
                        abstract_methods.push(m);
                    }
                }
            }
            self.classes[id].abstract_methods = abstract_methods;
            // Rule.__init_subclass__: deep copies of the rule attributes this class does not
            // define itself, taken now.
            for attr in RULE_ALL_ATTRS {
                if self.classes[id].dict.contains_key(*attr) {
                    continue;
                }
                let Some(owner) = self.lookup_owner(id, attr) else {
                    continue;
                };
                let e = self.classes[owner].dict[*attr].clone();
                if matches!(e.value, V::None) {
                    continue;
                }
                let copy = self.deepcopy(&e.value, &span)?;
                let mut prov = e.prov.clone();
                if let V::List(i) | V::Dict(i) | V::Set(i) = &e.value {
                    prov.extend(self.heap[*i].history.iter().cloned());
                }
                prov.push(Prov {
                    kind: ProvKind::Inherited {
                        from: self.classes[owner].name.clone(),
                        into: c.name.clone(),
                    },
                    span: span.clone(),
                });
                self.set_class_attr(id, attr, copy, prov);
            }
        }
        // Decorators, innermost first.
        let mut result = V::Class(id);
        for d in decorators.into_iter().rev() {
            result = match d {
                V::Api(Api::PantherManaged) => {
                    let V::Class(k) = result else {
                        return Err(undecidable("`@panther_managed` on this value", &span));
                    };
                    self.panther_managed(k, &span)?;
                    V::Class(k)
                }
                other => self.call(&other, vec![result], Vec::new(), &span)?,
            };
        }
        Ok(result)
    }

    /// C3 linearization of `bases` (each base's order is already computed); `None` when no
    /// consistent order exists.
    pub fn c3(&self, bases: &[ClassId]) -> Option<Vec<ClassId>> {
        let mut seqs: Vec<Vec<ClassId>> =
            bases.iter().map(|b| self.classes[*b].mro.clone()).collect();
        seqs.push(bases.to_vec());
        let mut out = Vec::new();
        loop {
            seqs.retain(|s| !s.is_empty());
            if seqs.is_empty() {
                return Some(out);
            }
            let head = seqs
                .iter()
                .map(|s| s[0])
                .find(|h| !seqs.iter().any(|s| s[1..].contains(h)))?;
            out.push(head);
            for s in seqs.iter_mut() {
                if s[0] == head {
                    s.remove(0);
                }
            }
        }
    }

    // ----- the end ----------------------------------------------------------------------

    /// The registered rules, after re-validating each (as `pypanther test` does before
    /// running a rule's tests), and the diagnostics.
    pub fn finish(&mut self) -> (Vec<Registered>, Vec<Diagnostic>) {
        let mut kept = Vec::new();
        let registry = self.registry.clone();
        for r in registry {
            if let Some(w) = &self.poison {
                let d = Diagnostic::new(
                    Code::Dependency,
                    r.span.clone(),
                    format!(
                        "not compiled: the project's configuration could not be decided ({} at {}:{})",
                        w.reason, w.span.file, w.span.line
                    ),
                );
                let id = self.rule_id(r.class);
                self.diags.push(match id {
                    Some(id) => d.for_detection(&id),
                    None => d,
                });
                continue;
            }
            match self.validate(r.class, &r.span) {
                Ok(()) => kept.push(r),
                Err(stop) => {
                    let id = self.rule_id(r.class);
                    let d = match stop {
                        Stop::Exc(e, _) => Diagnostic::new(
                            Code::ProjectError,
                            r.span.clone(),
                            format!(
                                "rule `{}` fails pypanther's validation at test time: {}",
                                id.clone().unwrap_or_default(),
                                e.type_and_message()
                            ),
                        ),
                        Stop::Undecidable(w) => Diagnostic::new(
                            Code::Undecidable,
                            w.span.clone(),
                            format!(
                                "rule `{}` cannot be decided at compile time: {}",
                                id.clone().unwrap_or_default(),
                                w.reason
                            ),
                        ),
                    };
                    self.diags.push(match id {
                        Some(id) => d.for_detection(&id),
                        None => d,
                    });
                }
            }
        }
        (kept, std::mem::take(&mut self.diags))
    }

    /// The rule's id, if it is a plain string.
    pub fn rule_id(&self, c: ClassId) -> Option<String> {
        match self.lookup(c, "id").map(|e| e.value) {
            Some(V::Str(s)) => Some(s.to_string()),
            _ => None,
        }
    }
}

/// The severity members in order.
pub const SEVERITIES: [&str; 5] = ["INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

fn severity_rank(n: &str) -> i64 {
    SEVERITIES.iter().position(|s| *s == n).unwrap_or(0) as i64
}

/// Whether an error of the runtime is one of its refusals (not a Python exception).
fn is_refusal(e: &PyErr) -> bool {
    e.matches(ExcKind::NotImplementedError) && e.str().starts_with("ferrule runtime:")
}

/// The built-in exception class a builtin name denotes.
fn exc_kind(name: &str) -> Option<ExcKind> {
    use ExcKind::*;
    Some(match name {
        "Exception" => Exception,
        "BaseException" => BaseException,
        "ValueError" => ValueError,
        "TypeError" => TypeError,
        "KeyError" => KeyError,
        "IndexError" => IndexError,
        "AttributeError" => AttributeError,
        "LookupError" => LookupError,
        "NameError" => NameError,
        "RuntimeError" => RuntimeError,
        "NotImplementedError" => NotImplementedError,
        "ZeroDivisionError" => ZeroDivisionError,
        "ArithmeticError" => ArithmeticError,
        "AssertionError" => AssertionError,
        _ => return None,
    })
}

/// Whether a statement could change configuration (calls, stores to attributes or items,
/// classes, imports); a statement that only binds names from plain expressions cannot.
pub fn may_configure(s: &Stmt) -> bool {
    fn expr(e: &Expr) -> bool {
        matches!(
            e.kind,
            ExprKind::Call(..) | ExprKind::MethodCall(..) | ExprKind::ModuleRef(..)
        ) || e.children().into_iter().any(expr)
    }
    fn target(t: &Target) -> bool {
        match t {
            Target::Name(_) => false,
            Target::Unpack(ts, _) => ts.iter().any(target),
            Target::Starred(t) => target(t),
            _ => true,
        }
    }
    fn block(b: &[Stmt]) -> bool {
        b.iter().any(may_configure)
    }
    match s {
        Stmt::Expr(e) | Stmt::Return(Some(e)) => expr(e),
        Stmt::Assign(ts, e) => ts.iter().any(target) || expr(e),
        Stmt::Delete(ts) => ts.iter().any(target),
        Stmt::AugAssign(t, _, e) => target(t) || expr(e),
        Stmt::If(c, a, b) => expr(c) || block(a) || block(b),
        Stmt::While(c, a) => expr(c) || block(a),
        Stmt::For(t, e, a) => target(t) || expr(e) || block(a),
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            block(body)
                || handlers.iter().any(|h| block(&h.body))
                || block(orelse)
                || block(finalbody)
        }
        Stmt::With { items, body } => {
            items
                .iter()
                .any(|(e, t)| expr(e) || t.as_ref().is_some_and(target))
                || block(body)
        }
        Stmt::Match(e, arms) => expr(e) || arms.iter().any(|(_, _, b)| block(b)),
        Stmt::ClassDef(..)
        | Stmt::ImportModule(_)
        | Stmt::Class { .. }
        | Stmt::RuleClass { .. }
        | Stmt::Unconverted(_) => true,
        Stmt::Raise(..)
        | Stmt::Def(..)
        | Stmt::Break
        | Stmt::Continue
        | Stmt::Return(None)
        | Stmt::Pass => false,
    }
}

/// The module globals a statement assigns (anywhere inside it), by slot.
pub fn bound_globals(s: &Stmt, out: &mut Vec<usize>) {
    fn target(t: &Target, out: &mut Vec<usize>) {
        match t {
            Target::Name(Name::Global(slot, _)) => out.push(*slot),
            Target::Unpack(ts, _) => ts.iter().for_each(|t| target(t, out)),
            Target::Starred(t) => target(t, out),
            _ => {}
        }
    }
    fn block(b: &[Stmt], out: &mut Vec<usize>) {
        b.iter().for_each(|s| bound_globals(s, out));
    }
    match s {
        Stmt::Assign(ts, _) | Stmt::Delete(ts) => ts.iter().for_each(|t| target(t, out)),
        Stmt::AugAssign(t, _, _)
        | Stmt::Def(t, _)
        | Stmt::ClassDef(t, _)
        | Stmt::Class { target: t, .. } => target(t, out),
        Stmt::For(t, _, b) => {
            target(t, out);
            block(b, out);
        }
        Stmt::If(_, a, b) => {
            block(a, out);
            block(b, out);
        }
        Stmt::While(_, b) => block(b, out),
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            block(body, out);
            for h in handlers {
                block(&h.body, out);
            }
            block(orelse, out);
            block(finalbody, out);
        }
        Stmt::With { items, body } => {
            items
                .iter()
                .filter_map(|(_, t)| t.as_ref())
                .for_each(|t| target(t, out));
            block(body, out);
        }
        Stmt::Match(_, arms) => {
            for (_, _, b) in arms {
                block(b, out);
            }
        }
        _ => {}
    }
}

/// How many targets of an unpacking precede `t` (by identity).
fn ts_before(ts: &[Target], t: &Target) -> usize {
    ts.iter()
        .position(|x| std::ptr::eq(x, t))
        .unwrap_or(ts.len())
}

/// Names of globals a set of slots denotes, for messages.
pub fn global_names(m: &Module, slots: &BTreeSet<usize>) -> Vec<String> {
    slots
        .iter()
        .filter_map(|s| m.globals.get(*s).cloned())
        .collect()
}
