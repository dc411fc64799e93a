//! The resolve stage for PyPanther: a project's configuration code evaluated at compile time.
//!
//! `pypanther test` imports the project's `main.py`, which imports Panther's managed rules
//! and the project's own modules, tunes rule classes (`override()`, `extend()`, plain
//! assignments, subclasses, mixins, decorators) and registers a set of them. This stage runs
//! that program over an abstract heap, in program order, exactly as CPython would, without
//! running Python: module bodies, class bodies (with `Rule.__init_subclass__`'s deep copies at
//! class creation), functions they call (`apply_overrides`), loops and comprehensions over
//! rule lists, and pypanther's API (`register`, `get_panther_rules`, `get_rules`,
//! `apply_overrides`, `RuleTest`, `RuleMock`, `panther_managed`).
//!
//! What it cannot decide (a value read from the environment, a file, the clock, anything it
//! does not model) is `Unknown`; an unknown that decides a rule's metadata, the registered
//! set or the control flow of configuration code becomes a diagnostic naming the statement,
//! never a guess. See [`build`] for what the registered rules become at run time.

// Evaluation stops carry a Python exception and its span; they are rare and short-lived, so
// their size does not matter.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod build;
pub mod eval;
pub mod report;
pub mod value;

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Diagnostic;
use crate::ir::{Module, Program};

/// Where a module comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A module of the user's project (its configuration code is evaluated).
    Project,
    /// A rule module of the installed `pypanther` package.
    Managed,
    /// A helper, data-model or library module (plain run-time code).
    Library,
}

/// What the front end knows about a compiled module beyond its IR.
#[derive(Clone, Debug)]
pub struct ModInfo {
    /// The file as records and diagnostics show it (relative to the project, or to the
    /// directory holding the `pypanther` package).
    pub file: String,
    pub origin: Origin,
    /// A package (`__init__.py`): `walk` lists what `pkgutil.walk_packages` yields under it.
    pub package: bool,
    /// For a package: its submodules in `walk_packages` order (dotted name, is a package).
    pub walk: Vec<(String, bool)>,
}

/// What the configuration is run from.
#[derive(Clone, Debug)]
pub enum EntryPoint {
    /// A project: this module (`main`) is imported, and the rules it registers are kept.
    Main(String),
    /// The `pypanther` package itself: every rule `get_panther_rules()` returns, with the
    /// tests `@panther_managed` moved aside put back (as pypanther's own test suite does).
    Package,
}

/// The input of the stage.
pub struct Input {
    /// Every lowered module (project, managed rules, helpers, data models, libraries).
    pub modules: BTreeMap<String, Module>,
    pub info: BTreeMap<String, ModInfo>,
    /// Modules whose lowering failed (their diagnostics are already reported).
    pub failed: BTreeSet<String>,
    /// `LogType` members of the installed package (name → value).
    pub log_types: BTreeMap<String, String>,
    /// The package of managed rules (`pypanther.rules`), if the package is there.
    pub managed_rules: Option<String>,
    /// Whether every data model of the package was converted (pypanther builds them all for
    /// every test, so one that was not costs every rule).
    pub data_models_ok: bool,
    /// The third-party libraries installed next to the package (their data files travel
    /// with the program for the library modules it imports).
    pub libraries: crate::lower::libraries::Libraries,
    pub entry: EntryPoint,
}

/// Evaluates the configuration and builds the program of the registered rules. The data
/// models and data files of `base` (the lowered package) are kept as they are.
pub fn resolve(input: Input, base: Program) -> (Program, Vec<Diagnostic>, report::Report) {
    let mut ev = eval::Eval::new(&input);
    ev.run();
    let (registered, mut diags) = ev.finish();
    let report = report::report(&ev, &registered);
    let (mut program, d) = build::build(&ev, &registered, base);
    crate::lower::libraries::add_data_files(&mut program, &input.libraries);
    diags.extend(d);
    (program, diags, report)
}
