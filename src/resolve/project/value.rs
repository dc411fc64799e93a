//! The values the configuration evaluator works on: Python data, rule classes, pypanther's
//! API, and `Unknown` for what only exists at run time.

use std::rc::Rc;

use indexmap::IndexMap;

use crate::diag::Span;

/// A heap object (list, dict, set, `RuleTest`, `RuleMock`): index into the evaluator's heap.
pub type Id = usize;
/// A class: index into the evaluator's class table (0 is pypanther's `Rule`).
pub type ClassId = usize;

/// pypanther's `Rule`.
pub const RULE: ClassId = 0;

/// A value of the evaluated program.
#[derive(Clone, Debug)]
pub enum V {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Tuple(Rc<[V]>),
    List(Id),
    Dict(Id),
    Set(Id),
    /// A `RuleTest` or `RuleMock`.
    Obj(Id),
    Class(ClassId),
    Func(Rc<FuncVal>),
    /// A compiled module (of the project or of the installed packages).
    Module(Rc<str>),
    Api(Api),
    /// A member of pypanther's `Severity` or `LogType` (str enums): kind and member name.
    Enum(EnumKind, Rc<str>),
    /// A method read as a value (`rules.append`, `Rule.override`): receiver and name.
    Bound(Rc<(V, String)>),
    /// A Python builtin (`len`, `sorted`).
    Builtin(Rc<str>),
    /// A standard-library module or attribute (`json`, `os.environ`), by dotted name.
    Stdlib(Rc<str>),
    /// A value that only exists at run time (or that the evaluator does not model), with
    /// where and why.
    Unknown(Rc<Why>),
}

/// Why a value is unknown at compile time, and the statement that made it so.
#[derive(Debug)]
pub struct Why {
    pub reason: String,
    pub span: Span,
}

/// A function of a compiled module, with the values its closure captured.
#[derive(Debug)]
pub struct FuncVal {
    pub module: String,
    pub index: usize,
    /// (own local index, captured value).
    pub captures: Vec<(usize, V)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumKind {
    Severity,
    LogType,
}

impl EnumKind {
    pub fn name(self) -> &'static str {
        match self {
            EnumKind::Severity => "Severity",
            EnumKind::LogType => "LogType",
        }
    }
}

/// pypanther's API, modelled by the evaluator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Api {
    /// A module of pypanther's API (`pypanther`, `pypanther.base`, …).
    Package(String),
    Register,
    RegisteredRules,
    GetPantherRules,
    GetRules,
    ApplyOverrides,
    RuleTest,
    RuleMock,
    PantherManaged,
    /// The `Severity` / `LogType` enum classes.
    EnumClass(EnumKind),
    DataModel,
    DataModelMapping,
    /// One of `Rule`'s own methods (`title`, `severity`, …; `rule` is abstract).
    RuleMethod(&'static str),
    /// A name of pypanther's that only run-time code uses and the runtime provides
    /// (`RUNTIME_NAMES`): its value in configuration is not known.
    RunTime(&'static str),
}

/// pypanther's names the runtime provides to a project's run-time code (module, name): the
/// import binding them is not configuration, and the run-time module reads them from the
/// runtime's `__ferrule_pypanther_base`.
pub const RUNTIME_NAMES: &[(&str, &str)] = &[
    ("pypanther.utils", "truncate"),
    ("pypanther.base", "FunctionReturnTypeError"),
];

/// The runtime's name for `module.name`, if it provides it.
pub fn runtime_name(module: &str, name: &str) -> Option<&'static str> {
    RUNTIME_NAMES
        .iter()
        .find(|(m, n)| *m == module && *n == name)
        .map(|(_, n)| *n)
}

/// Rule attributes `Rule.__init_subclass__` copies and `validate` checks, in pypanther's order.
pub const RULE_ALL_ATTRS: &[&str] = &[
    "create_alert",
    "dedup_period_minutes",
    "display_name",
    "enabled",
    "log_types",
    "id",
    "summary_attributes",
    "tests",
    "threshold",
    "tags",
    "reports",
    "include_filters",
    "exclude_filters",
    "default_severity",
    "default_description",
    "default_destinations",
    "default_runbook",
    "default_reference",
];

/// `Rule.override`'s parameters, in order.
pub const OVERRIDE_PARAMS: &[&str] = &[
    "log_types",
    "id",
    "create_alert",
    "dedup_period_minutes",
    "display_name",
    "enabled",
    "summary_attributes",
    "tests",
    "threshold",
    "tags",
    "reports",
    "include_filters",
    "exclude_filters",
    "default_severity",
    "default_description",
    "default_reference",
    "default_runbook",
    "default_destinations",
];

/// `Rule.extend`'s parameters, in order.
pub const EXTEND_PARAMS: &[&str] = &[
    "log_types",
    "summary_attributes",
    "tests",
    "tags",
    "reports",
    "include_filters",
    "exclude_filters",
    "default_destinations",
];

/// `get_panther_rules`' filter parameters, in order.
pub const FILTER_PARAMS: &[&str] = &[
    "log_types",
    "id",
    "create_alert",
    "dedup_period_minutes",
    "display_name",
    "enabled",
    "summary_attributes",
    "tests",
    "threshold",
    "tags",
    "reports",
    "default_severity",
    "default_description",
    "default_reference",
    "default_runbook",
    "default_destinations",
];

/// `Rule`'s methods with a default body (the auxiliary functions).
pub const RULE_METHODS: &[&str] = &[
    "severity",
    "title",
    "dedup",
    "destinations",
    "runbook",
    "reference",
    "description",
    "alert_context",
];

/// Internal methods of pypanther's `Rule` that the runtime provides as methods of its
/// run-time `Rule` class (`ferrule_runtime::detection::rule_get_title`, `rule_get_dedup`,
/// `rule_require_str`, `rule_run`), so that a rule class may replace them (all but
/// `_require_str`, which the native `Rule.run` calls internally) and reach them through
/// `super()`.
pub const RULE_OWN_INTERNALS: &[&str] = &["_get_title", "_get_dedup", "_require_str", "run"];

/// `RuleTest`'s dataclass fields, in order (the three location fields are set by its
/// metaclass).
pub const RULE_TEST_FIELDS: &[&str] = &[
    "name",
    "expected_result",
    "log",
    "mocks",
    "expected_severity",
    "expected_title",
    "expected_dedup",
    "expected_runbook",
    "expected_reference",
    "expected_description",
    "expected_alert_context",
];

/// `RuleMock`'s dataclass fields, in order.
pub const RULE_MOCK_FIELDS: &[&str] = &["object_name", "return_value", "side_effect", "new"];

/// How a value came to be where it is: the `ferrule rules` provenance.
#[derive(Clone, Debug)]
pub struct Prov {
    pub kind: ProvKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ProvKind {
    /// pypanther's `Rule` default.
    Default,
    /// Set in the body of this class.
    ClassBody(String),
    /// Deep-copied from this class by `Rule.__init_subclass__` when that class was created.
    Inherited {
        from: String,
        into: String,
    },
    Override,
    Extend,
    /// `Class.attr = value` / `setattr`.
    Assign,
    /// `@panther_managed` (moves `tests` to `_tests`).
    Managed,
    /// A method of the value itself (`append`, `update`, …) or an item assignment.
    Mutated(String),
}

/// A heap object.
#[derive(Clone, Debug)]
pub enum HObj {
    List(Vec<V>),
    /// Insertion-ordered items (keys are hashable values, compared as Python does).
    Dict(Vec<(V, V)>),
    /// Insertion-ordered items.
    Set(Vec<V>),
    Test(TestObj),
    Mock(IndexMap<String, V>),
    /// A `DataModelMapping` (a dataclass: `name`, `path`, `method`).
    Mapping(IndexMap<String, V>),
}

/// A `RuleTest` instance: its fields and the module whose code created it (`_module`).
#[derive(Clone, Debug)]
pub struct TestObj {
    pub fields: IndexMap<String, V>,
    pub module: String,
    pub span: Span,
}

/// A heap cell: the object and what the evaluator knows about it.
#[derive(Clone, Debug)]
pub struct Cell {
    pub obj: HObj,
    /// Its order came from iterating something whose order CPython does not fix (a set of
    /// rules): observing the order is undecidable.
    pub unordered: bool,
    /// It holds configuration values (rule classes, tests, enum members) or is a rule
    /// attribute: statements reading it are configuration.
    pub config: bool,
    /// Mutations after creation, for provenance.
    pub history: Vec<Prov>,
    /// Mutated by a statement of the configuration (which does not run at run time).
    pub mutated_by_config: bool,
    /// Mutated at all after its creation.
    pub mutated: bool,
}

/// How a member of a class is exposed.
pub use crate::ir::MemberKind;

/// An entry of a class's namespace.
#[derive(Clone, Debug)]
pub struct Entry {
    pub value: V,
    pub kind: MemberKind,
    pub prov: Vec<Prov>,
    /// Bound by this item of a class body and never replaced: (module, statement index of
    /// the class statement in the module body, attribute name) — its run-time value can be
    /// the class body's own expression.
    pub body_item: Option<BodyItem>,
}

/// Where a class-body attribute was bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyItem {
    pub module: String,
    pub stmt: usize,
    pub item: usize,
    /// Whether evaluating the item touched configuration values (then it cannot run at
    /// run time).
    pub config: bool,
}

/// A class object.
#[derive(Clone, Debug)]
pub struct ClassObj {
    pub name: String,
    /// `__module__`.
    pub module: String,
    pub bases: Vec<ClassId>,
    /// The method resolution order, this class first (pypanther's `Rule` included,
    /// `object` not).
    pub mro: Vec<ClassId>,
    pub dict: IndexMap<String, Entry>,
    /// A subclass of `Rule` (or `Rule` itself).
    pub is_rule: bool,
    /// A pypanther `DataModel` subclass.
    pub is_data_model: bool,
    /// Built-in exception classes among the direct bases (`class X(ValueError)`): the class
    /// is built at run time; configuration code cannot read what those bases provide.
    pub builtin_bases: Vec<String>,
    /// `__abstractmethods__`, computed when the class was created.
    pub abstract_methods: Vec<String>,
    /// The class statement.
    pub span: Span,
    /// Unique key of the class (its run-time identity for `super()`).
    pub key: String,
}
