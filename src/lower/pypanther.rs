//! The PyPanther front end: the rule classes shipped in (or written like) the `pypanther`
//! package, lowered into the same IR as v1 detections.
//!
//! A rule module is turned into a v1-style module by editing its text in place (blanking,
//! never moving, so every span stays right): the `pypanther` imports, the `Rule` base, the
//! decorators and the metadata attributes (`tests`, `log_types`, ...) are blanked, and
//! module-level entry points that call the rule object's methods are appended. Metadata and
//! unit tests are read statically from the class body. Anything this cannot reproduce
//! exactly (inheritance from another rule, data models, pypanther names used at run time,
//! mocks of methods, ...) is refused with a diagnostic, never approximated.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use rustpython_parser::ast::{self, Ranged};

use crate::diag::{Code, Diagnostic, Span};
use crate::ir::*;
use crate::lower::python::{lower_module, ImportEnv};
use crate::source::python::{self, PyFile};

/// Class attributes that describe the rule and are read statically.
const META: &[&str] = &[
    "tests",
    "log_types",
    "default_severity",
    "tags",
    "reports",
    "summary_attributes",
    "threshold",
    "dedup_period_minutes",
    "create_alert",
    "enabled",
    "include_filters",
    "exclude_filters",
];

/// What pypanther 0.1.1a62's `Rule` defines (`dir(Rule)` beyond `object`, its annotations,
/// and `ctx_mgr`, which `run` sets).
const RULE_MEMBERS: &[&str] = &[
    "_abc_impl",
    "_analysis_type",
    "_get_alert_context",
    "_get_dedup",
    "_get_description",
    "_get_destinations",
    "_get_reference",
    "_get_runbook",
    "_get_severity",
    "_get_title",
    "_require_bool",
    "_require_mapping",
    "_require_scalar",
    "_require_str",
    "_require_str_list",
    "alert_context",
    "asdict",
    "create_alert",
    "ctx_mgr",
    "dedup",
    "dedup_period_minutes",
    "default_description",
    "default_destinations",
    "default_reference",
    "default_runbook",
    "default_severity",
    "description",
    "destinations",
    "display_name",
    "enabled",
    "exclude_filters",
    "extend",
    "id",
    "include_filters",
    "is_panther_managed",
    "log_types",
    "override",
    "reference",
    "reports",
    "rule",
    "run",
    "run_test",
    "run_tests",
    "runbook",
    "severity",
    "summary_attributes",
    "tags",
    "tests",
    "threshold",
    "title",
    "validate",
    "validate_config",
];

/// Attributes of pypanther's `Rule` with string defaults, as the base class sets them.
const STR_DEFAULTS: &[&str] = &[
    "display_name",
    "default_description",
    "default_reference",
    "default_runbook",
];

/// Lowers the `pypanther` package directory `pkg`.
pub fn lower_package(pkg: &Path) -> (Program, Vec<Diagnostic>) {
    let root = pkg.parent().unwrap_or(Path::new("."));
    let pkg_name = pkg
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "pypanther".into());
    let mut diags = Vec::new();
    let mut program = Program::default();

    // Helpers: every module under helpers/, by dotted module path.
    let mut helper_files: BTreeMap<String, String> = BTreeMap::new();
    for rel in py_files(root, &format!("{pkg_name}/helpers")) {
        if rel.ends_with("__init__.py") {
            continue;
        }
        let dotted = rel.trim_end_matches(".py").replace('/', ".");
        helper_files.insert(dotted, rel);
    }
    // Third-party libraries the rules import: those installed next to the package.
    let libs = crate::lower::libraries::Libraries::from_site_packages(root);
    libs.install_in_compiler();
    let mut usage = crate::lower::libraries::LibraryUse::default();
    let mut packages = BTreeSet::new();
    for (dotted, file) in libs.modules() {
        let rel = file
            .strip_prefix(root)
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| file.display().to_string());
        usage.modules.insert(dotted.clone(), rel.clone());
        if let Some(package) = dotted.split('.').next() {
            packages.insert(package.to_string());
        }
        helper_files.insert(dotted, rel);
    }
    let helpers: BTreeSet<String> = helper_files.keys().cloned().collect();
    // `from pypanther.helpers import x` runs the package's `__init__.py` first: supported
    // when it is empty.
    let init = format!("{pkg_name}/helpers/__init__.py");
    if std::fs::read_to_string(root.join(&init)).is_ok_and(|t| t.trim().is_empty()) {
        packages.insert(format!("{pkg_name}.helpers"));
    }
    let env = ImportEnv {
        helpers: &helpers,
        packages: &packages,
    };
    let mut failed: BTreeSet<String> = BTreeSet::new();
    let helper_list: Vec<(&String, &String)> = helper_files.iter().collect();
    let lowered_helpers: Vec<_> = helper_list
        .par_iter()
        .map(|(dotted, rel)| {
            load(root, rel).map(|file| lower_module(&file, dotted, ModuleKind::Helper, &env))
        })
        .collect();
    for ((dotted, _), outcome) in helper_list.into_iter().zip(lowered_helpers) {
        match outcome {
            Ok((m, d)) => {
                usage.note(dotted, &m.imports);
                if d.iter().any(|d| d.code.is_error()) {
                    failed.insert(dotted.clone());
                }
                diags.extend(d);
                program.modules.insert(dotted.clone(), m);
            }
            Err(d) => {
                failed.insert(dotted.clone());
                diags.push(d);
            }
        }
    }

    // Data models, before the rules that use them.
    let dm_files = py_files(root, &format!("{pkg_name}/data_models"));
    let mut dm_ok = crate::lower::pypanther_dm::lower_data_models(
        root,
        &pkg_name,
        &dm_files,
        &env,
        &mut program,
        &mut diags,
    );
    for dm in &program.data_models {
        let Some(m) = dm.module.as_ref().and_then(|m| program.modules.get(m)) else {
            continue;
        };
        usage.note(&m.name, &m.imports);
        if crate::lower::v1::failed_dependency(m, &program, &failed).is_some() {
            dm_ok = false;
        }
    }

    // Rule modules are parsed, edited and lowered in parallel (they only read `env`), then
    // merged in file order, so output and diagnostics do not depend on scheduling.
    let rule_files: Vec<String> = py_files(root, &format!("{pkg_name}/rules"))
        .into_iter()
        .filter(|rel| !rel.ends_with("__init__.py"))
        .collect();
    let lowered: Vec<Result<Option<LoweredRule>, Diagnostic>> = rule_files
        .par_iter()
        .map(|rel| {
            let file = load(root, rel)?;
            let Some(r) = rule_module(&file, dm_ok)? else {
                return Ok(None);
            };
            let module_name = format!("detection:{}", r.id);
            let (module, d) = lower_module(&r.file, &module_name, ModuleKind::Detection, &env);
            Ok(Some(LoweredRule {
                rel: rel.clone(),
                rule: r,
                module,
                diags: d,
            }))
        })
        .collect();
    let mut seen_ids: BTreeSet<String> = BTreeSet::new();
    for outcome in lowered {
        let LoweredRule {
            rel,
            rule: r,
            module,
            diags: d,
        } = match outcome {
            Ok(Some(l)) => l,
            Ok(None) => continue,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if !seen_ids.insert(r.id.clone()) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    r.span.clone(),
                    format!("duplicate rule id `{}`", r.id),
                )
                .for_detection(&r.id),
            );
            continue;
        }
        usage.note(&module.name, &module.imports);
        let bad = d.iter().any(|d| d.code.is_error());
        diags.extend(d.into_iter().map(|d| d.for_detection(&r.id)));
        if bad {
            continue;
        }
        let module_name = format!("detection:{}", r.id);
        program.modules.insert(module_name.clone(), module);
        program.detections.push(Detection {
            id: r.id.clone(),
            kind: DetectionKind::Rule,
            file: rel.clone(),
            module: module_name,
            py_file: rel,
            display_name: r.display_name,
            severity: r.severity,
            enabled: r.enabled,
            create_alert: r.create_alert,
            tests: r.tests,
            span: r.span,
        });
    }
    // A helper that imports a failed helper fails, and so does every rule reaching one.
    for (module, d) in crate::resolve::check_imports(&program) {
        let id = program
            .detections
            .iter()
            .find(|det| det.module == module)
            .map(|det| det.id.clone());
        diags.push(match &id {
            Some(id) => d.for_detection(id),
            None => d,
        });
        failed.insert(module.clone());
    }
    let late: Vec<(String, String)> = program
        .detections
        .iter()
        .filter_map(|det| {
            let m = program.modules.get(&det.module)?;
            crate::lower::v1::failed_dependency(m, &program, &failed)
                .map(|dep| (det.id.clone(), dep))
        })
        .collect();
    for (id, dep) in late {
        diags.push(
            Diagnostic::new(
                Code::Dependency,
                Span::new(id.clone(), 1, 1),
                format!("depends on helper `{dep}`, which was not converted"),
            )
            .for_detection(&id),
        );
        program.detections.retain(|d| d.id != id);
    }
    program.detections.retain(|d| !failed.contains(&d.module));
    // A data model whose module failed cannot be applied as pypanther would: its rules go.
    let dm_broken = program.data_models.iter().any(|dm| {
        dm.module
            .as_ref()
            .is_some_and(|m| failed.contains(m) || !program.modules.contains_key(m))
    });
    // As in `rule_module`: pypanther builds every data model for every test.
    if dm_broken {
        for d in &program.detections {
            diags.push(
                Diagnostic::new(
                    Code::Dependency,
                    Span::new(d.id.clone(), 1, 1),
                    "a data model of the package was not converted",
                )
                .for_detection(&d.id),
            );
        }
        program.detections.clear();
        program.data_models.clear();
    }
    let helper_failed: Vec<String> = program
        .modules
        .iter()
        .filter(|(_, m)| crate::lower::v1::failed_dependency(m, &program, &failed).is_some())
        .map(|(n, _)| n.clone())
        .collect();
    failed.extend(helper_failed);
    let kept: BTreeSet<String> = program
        .detections
        .iter()
        .map(|d| d.module.clone())
        .collect();
    program.modules.retain(|n, m| {
        !failed.contains(n) && (m.kind != ModuleKind::Detection || kept.contains(n))
    });
    crate::lower::libraries::finish(&mut program, &mut diags, &libs, &usage);
    program.detections.sort_by(|a, b| a.id.cmp(&b.id));
    (program, diags)
}

pub(crate) fn load(root: &Path, rel: &str) -> Result<PyFile, Diagnostic> {
    match std::fs::read_to_string(root.join(rel)) {
        Ok(text) => python::parse(rel, text),
        Err(e) => Err(Diagnostic::new(
            Code::MissingPython,
            Span::new(rel, 1, 1),
            format!("cannot read `{rel}`: {e}"),
        )),
    }
}

/// Python files under `root/dir`, relative to `root`, sorted.
pub(crate) fn py_files(root: &Path, dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_string()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(root.join(&d)) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let rel = format!("{d}/{name}");
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if name != "__pycache__" {
                    stack.push(rel);
                }
            } else if name.ends_with(".py") {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// One rule class, ready for lowering.
/// A rule module lowered on a worker thread, before the sequential merge.
struct LoweredRule {
    rel: String,
    rule: RuleModule,
    module: Module,
    diags: Vec<Diagnostic>,
}

struct RuleModule {
    id: String,
    display_name: String,
    severity: String,
    enabled: bool,
    create_alert: bool,
    tests: Vec<UnitTest>,
    span: Span,
    /// The edited module.
    file: PyFile,
}

pub(crate) fn is_name(e: &ast::Expr, n: &str) -> bool {
    matches!(e, ast::Expr::Name(x) if x.id.as_str() == n)
}

pub(crate) fn blank(text: &mut [u8], a: usize, b: usize) {
    for c in &mut text[a..b] {
        if *c != b'\n' {
            *c = b' ';
        }
    }
}

fn refuse(py: &PyFile, node: &impl Ranged, id: Option<&str>, msg: String) -> Diagnostic {
    let d = Diagnostic::new(
        Code::Unsupported,
        py.span(node.range().start().to_usize()),
        msg,
    );
    match id {
        Some(id) => d.for_detection(id),
        None => d,
    }
}

fn rule_module(py: &PyFile, data_models_ok: bool) -> Result<Option<RuleModule>, Diagnostic> {
    let mut text = py.text.clone().into_bytes();
    let mut pyp_names: BTreeSet<String> = BTreeSet::new();
    let mut classes = Vec::new();
    let mut top_assign: BTreeMap<String, &ast::Expr> = BTreeMap::new();
    for s in &py.body {
        match s {
            ast::Stmt::ImportFrom(i)
                if i.module.as_ref().is_some_and(|m| {
                    m.as_str() == "pypanther" || m.as_str() == "pypanther.base"
                }) =>
            {
                for a in &i.names {
                    pyp_names.insert(a.asname.as_ref().unwrap_or(&a.name).as_str().to_string());
                }
                let r = s.range();
                blank(&mut text, r.start().to_usize(), r.end().to_usize());
            }
            ast::Stmt::ClassDef(c) => classes.push((s, c)),
            ast::Stmt::Assign(a) => {
                if let [ast::Expr::Name(n)] = a.targets.as_slice() {
                    top_assign.insert(n.id.to_string(), &a.value);
                }
            }
            _ => {}
        }
    }
    let rules: Vec<_> = classes
        .iter()
        .filter(|(_, c)| c.bases.iter().any(|b| is_name(b, "Rule")))
        .collect();
    if rules.is_empty() {
        if let Some((s, c)) = classes.first() {
            return Err(refuse(
                py,
                *s,
                None,
                format!(
                    "class `{}`: rules derived from other rules are not supported yet",
                    c.name
                ),
            ));
        }
        return Ok(None);
    }
    if rules.len() > 1 || classes.len() > 1 {
        return Err(refuse(
            py,
            rules[0].0,
            None,
            "several classes in one rule module are not supported yet".into(),
        ));
    }
    let (s, c) = rules[0];
    if c.bases.len() != 1 || !c.keywords.is_empty() {
        return Err(refuse(
            py,
            *s,
            None,
            "a rule class must have the single base `Rule`".into(),
        ));
    }
    // Static attributes.
    let mut attrs: BTreeMap<String, &ast::Expr> = BTreeMap::new();
    let mut methods: BTreeSet<String> = BTreeSet::new();
    for st in &c.body {
        match st {
            ast::Stmt::Assign(a) => {
                if let [ast::Expr::Name(n)] = a.targets.as_slice() {
                    attrs.insert(n.id.to_string(), &a.value);
                }
            }
            ast::Stmt::FunctionDef(f) => {
                methods.insert(f.name.to_string());
            }
            _ => {}
        }
    }
    let id = match attrs.get("id").map(|e| str_const(e)) {
        Some(Some(id)) => id,
        _ => {
            return Err(refuse(
                py,
                *s,
                None,
                "the rule's `id` is not a string literal".into(),
            ))
        }
    };
    let rid = Some(id.as_str());
    let severity = match attrs.get("default_severity") {
        Some(ast::Expr::Attribute(a)) if is_name(&a.value, "Severity") => a.attr.to_string(),
        _ => {
            return Err(refuse(
                py,
                *s,
                rid,
                "`default_severity` is not a `Severity` member".into(),
            ))
        }
    };
    let bool_attr = |n: &str, d: bool| -> Result<bool, Diagnostic> {
        match attrs.get(n) {
            None => Ok(d),
            Some(ast::Expr::Constant(k)) => match &k.value {
                ast::Constant::Bool(b) => Ok(*b),
                _ => Err(refuse(py, *s, rid, format!("`{n}` is not a bool literal"))),
            },
            Some(_) => Err(refuse(py, *s, rid, format!("`{n}` is not a bool literal"))),
        }
    };
    let enabled = bool_attr("enabled", true)?;
    let create_alert = bool_attr("create_alert", true)?;
    for f in ["include_filters", "exclude_filters", "threshold"] {
        if let Some(e) = attrs.get(f) {
            let empty = matches!(e, ast::Expr::List(l) if l.elts.is_empty());
            if !empty && f != "threshold" {
                return Err(refuse(py, *e, rid, format!("`{f}` is not supported yet")));
            }
        }
    }
    // Blank decorators, the base and metadata.
    for d in &c.decorator_list {
        let r = d.range();
        let start = py.text[..r.start().to_usize()]
            .rfind('@')
            .unwrap_or(r.start().to_usize());
        blank(&mut text, start, r.end().to_usize());
    }
    for b in &c.bases {
        let r = b.range();
        blank(&mut text, r.start().to_usize(), r.end().to_usize());
    }
    let mut kept_attrs: BTreeSet<String> = BTreeSet::new();
    for st in &c.body {
        if let ast::Stmt::Assign(a) = st {
            if let [ast::Expr::Name(n)] = a.targets.as_slice() {
                if META.contains(&n.id.as_str()) {
                    let r = st.range();
                    blank(&mut text, r.start().to_usize(), r.end().to_usize());
                    continue;
                }
            }
            // `A = B = ""` keeps both.
            for t in &a.targets {
                if let ast::Expr::Name(n) = t {
                    kept_attrs.insert(n.id.to_string());
                }
            }
        }
    }
    // pypanther names must not survive the blanking (they would be unbound at run time).
    let edited = String::from_utf8(text).unwrap_or_default();
    // One lexing pass for all the names (this runs for every rule of a package).
    let used = names_used(&edited);
    for n in &pyp_names {
        if used.as_ref().is_none_or(|u| u.contains(n.as_str())) {
            return Err(refuse(
                py,
                *s,
                rid,
                format!("uses pypanther's `{n}` at run time, which is not supported yet"),
            ));
        }
    }
    // `self.<name>` that the class does not define itself would find pypanther's `Rule`
    // member, which the compiled class (without that base) lacks. Other names are instance
    // attributes the methods set, read as Python reads them.
    for name in self_attrs(&edited) {
        let rule_member = RULE_MEMBERS.contains(&name.as_str()) || name.starts_with("__");
        if rule_member && !methods.contains(&name) && !kept_attrs.contains(&name) {
            return Err(refuse(
                py,
                *s,
                rid,
                format!("`self.{name}` (an inherited `Rule` member) is not supported yet"),
            ));
        }
    }
    // pypanther builds every data model for every test (`data_model_cache()`): one it
    // cannot build fails them all, and ferrule cannot tell which unconverted one would.
    if !data_models_ok {
        return Err(refuse(
            py,
            *s,
            rid,
            "a data model of the package was not converted (pypanther builds them all for \
             every test)"
                .into(),
        ));
    }
    if uses_name(&edited, "super") {
        return Err(refuse(
            py,
            *s,
            rid,
            "`super()` in a rule class is not supported yet".into(),
        ));
    }
    if !methods.contains("rule") {
        return Err(Diagnostic::new(
            Code::MissingMatcher,
            py.span(s.range().start().to_usize()),
            "`rule()` is not defined",
        )
        .for_detection(&id));
    }
    // Entry points, as pypanther's `Rule` base class defines them.
    let cls = c.name.as_str();
    // A pypanther rule module is imported by its dotted path, which is its `__name__`.
    let dotted = py.file.trim_end_matches(".py").replace('/', ".");
    let mut tail = String::new();
    if uses_name(&edited, "__name__") {
        // The binding is appended after the module's code, so it must only be read from
        // functions, which run after the whole body.
        let at_import = py.body.iter().any(|st| match st {
            ast::Stmt::FunctionDef(_) => false,
            ast::Stmt::ClassDef(c) => c.body.iter().any(|m| {
                !matches!(m, ast::Stmt::FunctionDef(_))
                    && uses_name(
                        &edited[m.range().start().to_usize()..m.range().end().to_usize()],
                        "__name__",
                    )
            }),
            other => uses_name(
                &edited[other.range().start().to_usize()..other.range().end().to_usize()],
                "__name__",
            ),
        });
        if at_import {
            return Err(refuse(
                py,
                *s,
                rid,
                "`__name__` read while the module is imported".into(),
            ));
        }
        tail.push_str(&format!(
            "\n__name__ = {}\n",
            serde_json::to_string(&dotted).unwrap_or_default()
        ));
    }
    tail.push_str(&format!("\n_ferrule_rule_obj = {cls}()\n"));
    let str_attr = |n: &str| -> Result<String, Diagnostic> {
        match attrs.get(n) {
            None => Ok(String::new()),
            Some(e) => str_const(e)
                .ok_or_else(|| refuse(py, *e, rid, format!("`{n}` is not a string literal"))),
        }
    };
    let mut defaults: BTreeMap<&str, String> = BTreeMap::new();
    for n in STR_DEFAULTS {
        defaults.insert(n, str_attr(n)?);
    }
    for m in [
        "rule",
        "title",
        "dedup",
        "severity",
        "alert_context",
        "description",
        "reference",
        "runbook",
        "destinations",
    ] {
        // pypanther's `Rule.dedup` returns `self.title(event)`; the runtime applies
        // `_get_title`/`_get_dedup`'s fallbacks (`DetectionDef::is_pypanther`).
        if m == "dedup" && !methods.contains(m) && methods.contains("title") {
            tail.push_str("\ndef dedup(event):\n    return _ferrule_rule_obj.title(event)\n");
            continue;
        }
        if methods.contains(m) {
            tail.push_str(&format!(
                "\ndef {m}(event):\n    return _ferrule_rule_obj.{m}(event)\n"
            ));
            continue;
        }
        let lit = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let body = match m {
            "title" => {
                let dn = &defaults["display_name"];
                lit(if dn.is_empty() { &id } else { dn })
            }
            "alert_context" => "{}".into(),
            "description" => lit(&defaults["default_description"]),
            "reference" => lit(&defaults["default_reference"]),
            "runbook" => lit(&defaults["default_runbook"]),
            "destinations" => {
                if attrs.contains_key("default_destinations") {
                    return Err(refuse(
                        py,
                        *s,
                        rid,
                        "`default_destinations` is not supported yet".into(),
                    ));
                }
                continue;
            }
            "severity" => lit(&severity),
            // dedup: the run's default (the title) is what pypanther's base method computes.
            _ => continue,
        };
        tail.push_str(&format!("\ndef {m}(event):\n    return {body}\n"));
    }
    // Tests.
    let tests_expr = attrs.get("tests").map(|e| match e {
        ast::Expr::Name(n) => top_assign.get(n.id.as_str()).copied().unwrap_or(e),
        _ => e,
    });
    let mut tests = Vec::new();
    if let Some(te) = tests_expr {
        let ast::Expr::List(l) = te else {
            return Err(refuse(py, te, rid, "`tests` is not a list literal".into()));
        };
        for t in &l.elts {
            tests.push(rule_test(py, t, rid, &top_assign)?);
        }
    }
    // pypanther's `run_test` patches a RuleMock's name in the rule's module, or, when the
    // module has no such attribute, on the rule object itself.
    let module_names = module_binds(py);
    for t in &mut tests {
        for (m, _) in &mut t.mocks {
            if !module_names.contains(m.as_str())
                && (methods.contains(m.as_str()) || kept_attrs.contains(m.as_str()))
            {
                *m = format!("_ferrule_rule_obj.{m}");
            }
        }
    }
    let mut edited = edited;
    edited.push_str(&tail);
    let file = PyFile {
        file: py.file.clone(),
        body: match python::parse(&py.file, edited.clone()) {
            Ok(f) => f.body,
            Err(d) => return Err(d.for_detection(&id)),
        },
        text: edited,
    };
    Ok(Some(RuleModule {
        span: py.span(s.range().start().to_usize()),
        display_name: defaults["display_name"].clone(),
        id,
        severity,
        enabled,
        create_alert,
        tests,
        file,
    }))
}

fn rule_test(
    py: &PyFile,
    t: &ast::Expr,
    rid: Option<&str>,
    top: &BTreeMap<String, &ast::Expr>,
) -> Result<UnitTest, Diagnostic> {
    let ast::Expr::Call(c) = t else {
        return Err(refuse(
            py,
            t,
            rid,
            "a test is not a `RuleTest(...)` call".into(),
        ));
    };
    if !is_name(&c.func, "RuleTest") || !c.args.is_empty() {
        return Err(refuse(
            py,
            t,
            rid,
            "a test is not a `RuleTest(...)` call".into(),
        ));
    }
    let mut name = None;
    let mut expected = None;
    let mut event = None;
    let mut mocks = Vec::new();
    let mut expected_fields = Vec::new();
    for k in &c.keywords {
        let Some(arg) = k.arg.as_ref().map(|a| a.as_str()) else {
            return Err(refuse(py, t, rid, "`**` in RuleTest".into()));
        };
        let v = match &k.value {
            ast::Expr::Name(n) => top.get(n.id.as_str()).copied().unwrap_or(&k.value),
            e => e,
        };
        match arg {
            "name" => name = str_const(v),
            "expected_result" => expected = Some(literal(py, v, rid)?),
            "log" => {
                event = Some(match str_const(v) {
                    Some(s) => s,
                    None => literal(py, v, rid)?.to_string(),
                })
            }
            "expected_title"
            | "expected_dedup"
            | "expected_severity"
            | "expected_runbook"
            | "expected_reference"
            | "expected_description"
            | "expected_alert_context" => {
                // `Severity.HIGH` is the str enum member whose value is "HIGH".
                let value = match severity_member(v) {
                    Some(s) => serde_json::Value::String(s),
                    None => literal(py, v, rid)?,
                };
                if !value.is_null() {
                    expected_fields.push((arg["expected_".len()..].to_string(), value.to_string()));
                }
            }
            "mocks" => {
                let ast::Expr::List(l) = v else {
                    return Err(refuse(py, v, rid, "`mocks` is not a list literal".into()));
                };
                for m in &l.elts {
                    mocks.push(rule_mock(py, m, rid)?);
                }
            }
            _ => {}
        }
    }
    // `run_test` looks the data model up by the log's `p_log_type`: an unhashable one makes
    // that lookup raise TypeError before the rule runs.
    if let Some(ev) = &event {
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(ev) {
            if matches!(
                m.get("p_log_type"),
                Some(serde_json::Value::Array(_) | serde_json::Value::Object(_))
            ) {
                return Err(refuse(
                    py,
                    t,
                    rid,
                    "a test log whose `p_log_type` is a list or a dict".into(),
                ));
            }
        }
    }
    let (Some(name), Some(expected), Some(event)) = (name, expected, event) else {
        return Err(refuse(
            py,
            t,
            rid,
            "a RuleTest without a literal name, expected_result or log".into(),
        ));
    };
    Ok(UnitTest {
        name,
        expected_json: expected.to_string(),
        event_json: event,
        mocks,
        expected_destinations: None,
        expected_fields,
    })
}

fn rule_mock(
    py: &PyFile,
    m: &ast::Expr,
    rid: Option<&str>,
) -> Result<(String, String), Diagnostic> {
    let ast::Expr::Call(c) = m else {
        return Err(refuse(
            py,
            m,
            rid,
            "a mock is not a `RuleMock(...)` call".into(),
        ));
    };
    let mut name = None;
    let mut ret = None;
    for k in &c.keywords {
        match k.arg.as_ref().map(|a| a.as_str()) {
            Some("object_name") => name = str_const(&k.value),
            Some("return_value") => ret = Some(literal(py, &k.value, rid)?),
            _ => return Err(refuse(
                py,
                m,
                rid,
                "RuleMock arguments other than object_name and return_value are not supported yet"
                    .into(),
            )),
        }
    }
    match (name, ret) {
        (Some(n), Some(r)) => Ok((n, r.to_string())),
        _ => Err(refuse(
            py,
            m,
            rid,
            "a RuleMock without literal object_name and return_value".into(),
        )),
    }
}

/// `Severity.X` → `X`, the member's value.
fn severity_member(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Attribute(a)
            if is_name(&a.value, "Severity")
                && ["INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"].contains(&a.attr.as_str()) =>
        {
            Some(a.attr.to_string())
        }
        _ => None,
    }
}

/// The names a module binds at its top level (what `patch.multiple(module)` finds).
fn module_binds(py: &PyFile) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in &py.body {
        match s {
            ast::Stmt::Assign(a) => {
                for t in &a.targets {
                    if let ast::Expr::Name(n) = t {
                        out.insert(n.id.to_string());
                    }
                }
            }
            ast::Stmt::AnnAssign(a) => {
                if let ast::Expr::Name(n) = &*a.target {
                    out.insert(n.id.to_string());
                }
            }
            ast::Stmt::FunctionDef(f) => {
                out.insert(f.name.to_string());
            }
            ast::Stmt::ClassDef(c) => {
                out.insert(c.name.to_string());
            }
            ast::Stmt::Import(i) => {
                for a in &i.names {
                    let n = a.asname.as_ref().unwrap_or(&a.name).as_str();
                    out.insert(n.split('.').next().unwrap_or(n).to_string());
                }
            }
            ast::Stmt::ImportFrom(i) => {
                for a in &i.names {
                    out.insert(a.asname.as_ref().unwrap_or(&a.name).to_string());
                }
            }
            _ => {}
        }
    }
    out
}

pub(crate) fn str_const(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Str(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A Python literal as JSON (what pypanther's test data becomes when it builds the event).
fn literal(py: &PyFile, e: &ast::Expr, rid: Option<&str>) -> Result<serde_json::Value, Diagnostic> {
    use serde_json::Value as J;
    let bad = || refuse(py, e, rid, "test data that is not a plain literal".into());
    Ok(match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::None => J::Null,
            ast::Constant::Bool(b) => J::Bool(*b),
            ast::Constant::Str(s) => J::String(s.clone()),
            ast::Constant::Int(i) => {
                let v: i64 = i.to_string().parse().map_err(|_| bad())?;
                J::from(v)
            }
            ast::Constant::Float(f) => {
                if !f.is_finite() {
                    return Err(bad());
                }
                J::from(*f)
            }
            _ => return Err(bad()),
        },
        ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => {
            match literal(py, &u.operand, rid)? {
                J::Number(n) if n.is_i64() => J::from(-n.as_i64().unwrap_or(0)),
                J::Number(n) if n.is_f64() => J::from(-n.as_f64().unwrap_or(0.0)),
                _ => return Err(bad()),
            }
        }
        ast::Expr::List(l) => J::Array(
            l.elts
                .iter()
                .map(|x| literal(py, x, rid))
                .collect::<Result<_, _>>()?,
        ),
        ast::Expr::Dict(d) => {
            let mut m = serde_json::Map::new();
            for (k, v) in d.keys.iter().zip(&d.values) {
                let Some(k) = k.as_ref().and_then(str_const) else {
                    return Err(bad());
                };
                if m.contains_key(&k) {
                    return Err(bad());
                }
                m.insert(k, literal(py, v, rid)?);
            }
            J::Object(m)
        }
        _ => return Err(bad()),
    })
}

/// Whether the code (not its string literals) mentions the name `w`; f-strings, whose
/// replacement fields the lexer keeps inside the string token, count as code.
fn uses_name(text: &str, w: &str) -> bool {
    names_used(text).is_none_or(|u| u.contains(w))
}

/// The identifiers the code mentions, with the words of f-string replacement fields; `None`
/// when the text does not lex (then any name may be used).
fn names_used(text: &str) -> Option<BTreeSet<String>> {
    use rustpython_parser::{lexer::lex, Mode, StringKind, Tok};
    let mut out = BTreeSet::new();
    for tok in lex(text, Mode::Module) {
        match tok {
            Ok((Tok::Name { name }, _)) => {
                out.insert(name);
            }
            Ok((
                Tok::String {
                    kind: StringKind::FString | StringKind::RawFString,
                    value,
                    ..
                },
                _,
            )) => {
                let fields = fstring_fields(&value);
                out.extend(
                    fields
                        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .filter(|w| !w.is_empty())
                        .map(str::to_string),
                );
            }
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    Some(out)
}

/// The text of an f-string's replacement fields (`{...}`, braces doubled as `{{` skipped).
fn fstring_fields(value: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if depth == 0 && chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' => {
                depth += 1;
                out.push(' ');
            }
            '}' if depth > 0 => {
                depth -= 1;
                out.push(' ');
            }
            _ if depth > 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn self_attrs(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find("self.") {
        let a = from + i;
        let mut e = a + 5;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
            e += 1;
        }
        if a == 0 || !(b[a - 1].is_ascii_alphanumeric() || b[a - 1] == b'_' || b[a - 1] == b'.') {
            out.insert(text[a + 5..e].to_string());
        }
        from = e;
    }
    out
}
