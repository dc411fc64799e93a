//! The intermediate representation shared by the v1 and PyPanther front ends.
//!
//! A [`Program`] is a set of Python [`Module`]s (detections, global helpers, data-model
//! bodies) plus the [`Detection`] and [`DataModel`] specs that point into them. Module code
//! is a tree of [`Stmt`] and [`Expr`] whose names are already resolved to a local variable,
//! a module global slot, a builtin or another module; everything the emitter needs is
//! here, so `emit` never looks at Python source again.

use std::collections::BTreeMap;

use crate::diag::Span;

/// The whole program after lowering.
#[derive(Debug, Default)]
pub struct Program {
    /// Modules by their Python module name (sorted: deterministic output).
    pub modules: BTreeMap<String, Module>,
    pub detections: Vec<Detection>,
    pub data_models: Vec<DataModel>,
    /// Data files of installed libraries that the runtime's models of those libraries read
    /// (`pycountry/iso3166-1.json`), by name → contents: embedded in the generated crate,
    /// never part of ferrule.
    pub data_files: BTreeMap<String, String>,
    /// The Rust module name of every module, computed once by the emitter
    /// (`emit::rust::module_rust_name`) and keyed by the module count it was made for.
    pub rust_names: std::sync::Mutex<Option<RustNames>>,
}

/// The emitter's table of Rust module names and the module count it was made for.
pub type RustNames = (usize, std::sync::Arc<BTreeMap<String, String>>);

/// What kind of module this is, which decides its Rust module name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ModuleKind {
    Detection,
    Helper,
    DataModel,
}

/// One Python module.
#[derive(Debug)]
pub struct Module {
    /// The Python module name (`aws_helpers`, or a synthetic name for a detection).
    pub name: String,
    pub kind: ModuleKind,
    /// The source file, relative to the repository.
    pub file: String,
    /// Global names, in slot order.
    pub globals: Vec<String>,
    /// The module body, run once at import.
    pub body: Vec<Stmt>,
    /// Functions defined anywhere in the module (top level and nested), by index.
    pub functions: Vec<Function>,
    /// Global helper modules this one imports (by module name), for init order.
    pub imports: Vec<String>,
    /// Modules provided by the runtime that this one imports (`pycountry`,
    /// `policyuniverse.expander_minimizer`): their installed data travels with the crate.
    pub libraries: std::collections::BTreeSet<String>,
    /// Modules whose globals a unit-test mock named `module::name` patches (a PyPanther
    /// `RuleMock` patches the module where its `RuleTest` was written).
    pub patch_routes: Vec<String>,
}

impl Module {
    pub fn slot(&self, name: &str) -> Option<usize> {
        self.globals.iter().position(|g| g == name)
    }
}

/// A function (a `def` or a `lambda`).
#[derive(Debug)]
pub struct Function {
    pub name: String,
    /// `__qualname__` (`Class.method`, `outer.<locals>.inner`, `f.<locals>.<genexpr>`),
    /// which CPython's argument errors and generator reprs name.
    pub qualname: String,
    pub params: Params,
    /// Local variable names; `Local(i)` refers to `locals[i]`. Parameters come first.
    pub locals: Vec<String>,
    pub body: Vec<Stmt>,
    /// For nested functions: the enclosing function's cells it captures (its free
    /// variables), as (enclosing local index, own local index).
    pub captures: Vec<(usize, usize)>,
    /// Locals held in shared cells: those captured by a nested function or lambda (cell
    /// variables) and this function's own free variables (`captures`).
    pub cells: Vec<usize>,
    /// Defaults that are not constants: evaluated once, where the `def` runs, and kept by
    /// the function value (mutable defaults are shared between calls, as in Python).
    pub dynamic_defaults: bool,
    /// Whether the body contains `yield` (a call returns a generator object), or this is
    /// a generator expression's body.
    pub is_generator: bool,
    pub span: Span,
}

/// A parameter list.
#[derive(Debug, Default)]
pub struct Params {
    /// Positional parameters (positional-only first) with optional defaults.
    pub positional: Vec<(String, Option<Expr>)>,
    /// How many of `positional` are positional-only (before `/`).
    pub n_posonly: usize,
    /// `*args`.
    pub varargs: Option<String>,
    /// Keyword-only parameters with optional constant defaults.
    pub kwonly: Vec<(String, Option<Expr>)>,
    /// `**kwargs`.
    pub varkw: Option<String>,
}

/// Where a name lives.
#[derive(Clone, Debug, PartialEq)]
pub enum Name {
    /// A local of the current function (index into `Function::locals`).
    Local(usize, String),
    /// A global of the current module (slot).
    Global(usize, String),
    /// A Python builtin (`len`, `ValueError`).
    Builtin(String),
    /// A name bound in the class body being run: its namespace first, then (for reads)
    /// the name as the enclosing scope resolves it.
    ClassNs(String, Box<Name>),
}

/// An assignment target.
#[derive(Clone, Debug)]
pub enum Target {
    Name(Name),
    Item(Box<Expr>, Box<Expr>),
    Attr(Box<Expr>, String),
    Unpack(Vec<Target>, Span),
    /// `*rest` inside an `Unpack`: binds a list of the remaining items.
    Starred(Box<Target>),
    /// `obj[lo:hi:step]`.
    Slice(
        Box<Expr>,
        Option<Box<Expr>>,
        Option<Box<Expr>>,
        Option<Box<Expr>>,
    ),
}

/// A statement.
#[derive(Clone, Debug)]
pub enum Stmt {
    Expr(Expr),
    Assign(Vec<Target>, Expr),
    AugAssign(Target, BinOp, Expr),
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    While(Expr, Vec<Stmt>),
    For(Target, Expr, Vec<Stmt>),
    Break,
    Continue,
    Return(Option<Expr>),
    Pass,
    /// `raise`, `raise exc`, `raise exc from cause`.
    Raise(Option<Expr>, Option<Expr>, Span),
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    /// `with a as x, b: body` (items entered left to right, exited in reverse).
    With {
        items: Vec<(Expr, Option<Target>)>,
        body: Vec<Stmt>,
    },
    /// `match subject:` with literal, wildcard, capture and `|` patterns.
    Match(Expr, Vec<(Pattern, Option<Expr>, Vec<Stmt>)>),
    /// `del a, b[k], c.x, d[i:j]`, target by target.
    Delete(Vec<Target>),
    /// `def` at this point: binds function `index` of the module to `target`.
    Def(Target, usize),
    /// `import helper` / `from helper import x`: initialises module `module` first.
    ImportModule(String),
    /// `@decorators class Name(*bases, **keywords): body`. The body runs with its own
    /// namespace (`Name::ClassNs`); the class is built from it, the decorators (evaluated
    /// first) applied bottom-up, and the result bound to `target`.
    Class {
        target: Target,
        name: String,
        qualname: String,
        decorators: Vec<Expr>,
        bases: Vec<Expr>,
        keywords: Vec<(String, Expr)>,
        body: Vec<Stmt>,
        /// Names the body annotates, in order, with what they were annotated as (for
        /// `dataclasses`).
        annotations: Vec<(String, AnnKind)>,
        /// The hidden local holding the `__class__` cell that `super()` reads, if a method
        /// uses it.
        cell: Option<Name>,
    },
    /// A class statement of a PyPanther module, as an item the resolve stage evaluates
    /// (rule classes, their bases and mixins); it never reaches the emitter.
    ClassDef(Target, Box<ClassDef>),
    /// In a module of a PyPanther project: the statement that follows was not fully lowered
    /// (its diagnostic was reported), so the resolve stage must not evaluate it.
    Unconverted(Span),
    /// A rule class as the resolve stage settled it: its final members and its method
    /// resolution order (the classes after it, already built), built at run time.
    RuleClass {
        target: Target,
        /// Unique identity of the class (what `super()` in its methods names).
        key: String,
        name: String,
        /// `__module__`.
        module: String,
        mro: Vec<Expr>,
        members: Vec<ClassMember>,
    },
}

/// A class statement of a PyPanther module: bases, decorators and body, in source order.
#[derive(Clone, Debug)]
pub struct ClassDef {
    pub name: String,
    pub bases: Vec<Expr>,
    pub decorators: Vec<Expr>,
    pub body: Vec<ClassItem>,
    /// Names the body annotates, in order (for `dataclasses`, when the class is built at
    /// run time).
    pub annotations: Vec<(String, AnnKind)>,
    pub span: Span,
}

/// A statement of a class body.
#[derive(Clone, Debug)]
pub enum ClassItem {
    /// `a = b = value`: the value is evaluated once and bound to each name in turn. A
    /// later statement of the body that reads one of these names reads the hidden module
    /// global `__ferrule_class_<Class>_<name>`, which the evaluation also binds.
    Attr {
        names: Vec<String>,
        value: Expr,
        span: Span,
    },
    /// A `def` (plain, `@property`, `@staticmethod` or `@classmethod`): function `function`
    /// of the module.
    Method {
        name: String,
        kind: MemberKind,
        function: usize,
        span: Span,
    },
}

/// A member of a rule class ([`Stmt::RuleClass`]).
#[derive(Clone, Debug)]
pub struct ClassMember {
    pub name: String,
    pub kind: MemberKind,
    pub value: MemberValue,
}

/// How a member of a rule class is exposed (mirrors the runtime's `rule_class` kinds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    Method,
    Property,
    StaticMethod,
    ClassMethod,
    Attribute,
}

/// A member's value: a function of the module, or an expression (class attributes).
#[derive(Clone, Debug)]
pub enum MemberValue {
    Function(usize),
    Expr(Expr),
}

/// What a class-body annotation declares.
pub use ferrule_runtime::class::AnnKind;

/// An `except` clause.
#[derive(Clone, Debug)]
pub struct Handler {
    /// The classes caught (empty = bare `except:`).
    pub types: Vec<Expr>,
    pub name: Option<Name>,
    pub body: Vec<Stmt>,
}

/// A `case` pattern. Captures bind only once the whole pattern matched.
#[derive(Clone, Debug)]
pub enum Pattern {
    /// A literal or dotted name compared with `==`.
    Value(Expr),
    /// `None`, `True`, `False`, compared with `is`.
    Singleton(Expr),
    /// `_`.
    Wildcard,
    /// `name` (always matches, binds).
    Capture(Name),
    /// `pattern as name`.
    As(Box<Pattern>, Name),
    Or(Vec<Pattern>),
    /// `[p, *rest, q]`: the sub-patterns, with the index of the star (`Star`) if any.
    Sequence(Vec<Pattern>, Option<usize>),
    /// `*name` / `*_` inside a sequence pattern.
    Star(Option<Name>),
    /// `{key: p, **rest}`.
    Mapping {
        keys: Vec<Expr>,
        patterns: Vec<Pattern>,
        rest: Option<Name>,
    },
    /// `Cls(p, attr=q)`.
    Class {
        cls: Expr,
        patterns: Vec<Pattern>,
        kwd: Vec<(String, Pattern)>,
    },
}

/// Comparison operators.
pub use ferrule_runtime::ops::CmpOp;
/// Binary operators.
pub use ferrule_runtime::value::BinOp;

/// Boolean operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoolOp {
    And,
    Or,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Pos,
    Invert,
}

/// A constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
}

/// A part of an f-string.
#[derive(Clone, Debug)]
pub enum FPart {
    Lit(String),
    /// A value with its conversion (`r`, `s`, `a` or none) and format spec (itself possibly
    /// an f-string).
    Value(Box<Expr>, Option<char>, Vec<FPart>),
}

/// A comprehension's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKind {
    List,
    Set,
    Dict,
    /// A generator expression consumed at once by the builtin `any` or `all` (which stop
    /// at the first decisive element, as the lazy generator does): run in place. Every
    /// other generator expression is a generator function (`ExprKind::GenExp`).
    Gen,
}

/// A further `for … in … if …` of a comprehension.
#[derive(Clone, Debug)]
pub struct CompFor {
    pub target: Target,
    pub iter: Expr,
    pub conds: Vec<Expr>,
}

/// A call argument.
#[derive(Clone, Debug)]
pub enum Arg {
    Pos(Expr),
    Star(Expr),
    Kw(String, Expr),
    StarStar(Expr),
}

/// An expression, with the span of its start.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Const(Const),
    Name(Name),
    /// A module that was imported (`import json`, or a helper): `module.attr` on it reads
    /// the module's exports.
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Set(Vec<Expr>),
    /// `{k: v, **m}`: `None` key = a `**` spread.
    Dict(Vec<(Option<Expr>, Expr)>),
    Attr(Box<Expr>, String),
    Subscript(Box<Expr>, Box<Expr>),
    Slice(
        Box<Expr>,
        Option<Box<Expr>>,
        Option<Box<Expr>>,
        Option<Box<Expr>>,
    ),
    Call(Box<Expr>, Vec<Arg>),
    MethodCall(Box<Expr>, String, Vec<Arg>),
    BinOp(BinOp, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    BoolOp(BoolOp, Vec<Expr>),
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    IfExp(Box<Expr>, Box<Expr>, Box<Expr>),
    FString(Vec<FPart>),
    /// `target := value`.
    Walrus(Name, Box<Expr>),
    /// A comprehension: element (key, value for dicts), then (target, iterable, conditions)
    /// of its first `for`, then its further `for`s (nested loops, innermost last).
    Comp {
        kind: CompKind,
        elt: Box<Expr>,
        value: Option<Box<Expr>>,
        target: Target,
        iter: Box<Expr>,
        conds: Vec<Expr>,
        more: Vec<CompFor>,
    },
    /// `*x` as an element of a list, tuple or set display.
    Starred(Box<Expr>),
    /// `super()` in a method: the class (a module global) and the method's first parameter.
    Super(Box<Expr>, Name),
    /// `yield` / `yield value` in a generator function: what is sent in.
    Yield(Option<Box<Expr>>),
    /// `yield from iterable`: the subiterator's return value.
    YieldFrom(Box<Expr>),
    /// A generator expression: generator function `usize` of the module (its one parameter
    /// is the iterator over the first iterable, which is evaluated here).
    GenExp(usize, Box<Expr>),
    /// A lambda or nested function value: function index in the module.
    Closure(usize),
    /// A standard-library module or attribute, by dotted name (`json`, `re.compile`).
    Stdlib(String),
    /// Another compiled module's global (`from helper import f`, resolved at import time),
    /// or the module object itself when the name is `None`.
    ModuleRef(String, Option<String>),
}

impl Expr {
    /// The direct subexpressions, in evaluation order where Python defines one.
    pub fn children(&self) -> Vec<&Expr> {
        fn args<'e>(v: &mut Vec<&'e Expr>, a: &'e [Arg]) {
            for a in a {
                let (Arg::Pos(e) | Arg::Star(e) | Arg::Kw(_, e) | Arg::StarStar(e)) = a;
                v.push(e);
            }
        }
        fn fparts<'e>(v: &mut Vec<&'e Expr>, parts: &'e [FPart]) {
            for p in parts {
                if let FPart::Value(e, _, spec) = p {
                    v.push(e);
                    fparts(v, spec);
                }
            }
        }
        let mut v = Vec::new();
        match &self.kind {
            ExprKind::Const(_)
            | ExprKind::Name(_)
            | ExprKind::Closure(_)
            | ExprKind::Stdlib(_)
            | ExprKind::ModuleRef(..) => {}
            ExprKind::List(xs)
            | ExprKind::Tuple(xs)
            | ExprKind::Set(xs)
            | ExprKind::BoolOp(_, xs) => v.extend(xs),
            ExprKind::Dict(kv) => {
                for (k, x) in kv {
                    v.extend(k);
                    v.push(x);
                }
            }
            ExprKind::Attr(x, _)
            | ExprKind::Unary(_, x)
            | ExprKind::Super(x, _)
            | ExprKind::Starred(x)
            | ExprKind::YieldFrom(x)
            | ExprKind::GenExp(_, x) => v.push(x),
            ExprKind::Yield(x) => v.extend(x.as_deref()),
            ExprKind::Walrus(_, x) => v.push(x),
            ExprKind::Subscript(a, b) | ExprKind::BinOp(_, a, b) => v.extend([&**a, &**b]),
            ExprKind::Slice(a, b, c, d) => {
                v.push(a);
                v.extend([b, c, d].into_iter().flatten().map(|x| &**x));
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
                v.extend(rest.iter().map(|(_, x)| x));
            }
            ExprKind::IfExp(a, b, c) => v.extend([&**a, &**b, &**c]),
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
                v.extend(value.as_deref());
                v.extend(conds);
                for f in more {
                    v.push(&f.iter);
                    v.extend(&f.conds);
                }
            }
        }
        v
    }
}

/// `AnalysisType` of a detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DetectionKind {
    Rule,
    ScheduledRule,
    Policy,
}

/// One detection: its spec and the module holding its code.
#[derive(Debug)]
pub struct Detection {
    pub id: String,
    pub kind: DetectionKind,
    /// The spec file relative to the repository (the JSONL `file`).
    pub file: String,
    /// The Python module (a key of `Program::modules`).
    pub module: String,
    /// The Python file relative to the repository (the oracle's `py`).
    pub py_file: String,
    /// `DisplayName` / `display_name` ("" when absent): pypanther's title fallback.
    pub display_name: String,
    pub severity: String,
    pub enabled: bool,
    pub create_alert: bool,
    pub tests: Vec<UnitTest>,
    pub span: Span,
}

/// One unit test, with its data as JSON text (order-preserving).
#[derive(Debug, Clone)]
pub struct UnitTest {
    pub name: String,
    pub expected_json: String,
    pub event_json: String,
    /// (objectName, returnValue as JSON).
    pub mocks: Vec<(String, String)>,
    pub expected_destinations: Option<Vec<String>>,
    /// pypanther's `expected_title`, `expected_dedup`, …: (output name, JSON value).
    pub expected_fields: Vec<(String, String)>,
}

/// A data model.
#[derive(Debug)]
pub struct DataModel {
    pub id: String,
    pub log_types: Vec<String>,
    /// The module of its Python body, if it has one.
    pub module: Option<String>,
    pub mappings: Vec<Mapping>,
    /// The class name of a PyPanther `DataModel` (whose paths follow jsonpath_ng 1.16).
    pub pypanther_class: Option<String>,
}

/// A data-model mapping.
#[derive(Debug)]
pub struct Mapping {
    pub name: String,
    pub path: Option<String>,
    /// The function of the data model's module implementing a Method mapping.
    pub method: Option<String>,
}
