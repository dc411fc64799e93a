//! `--target pypanther`: a v1 repository migrated to a PyPanther project.
//!
//! Input: the IR of the v1 repository (which detections lowered, where every module global
//! is read and written), each module's source layout (`lower::layout`) and each spec's YAML
//! (values, positions, comments). Output: the files of a PyPanther project — `main.py`
//! registering every migrated rule, one module per detection (the original module with its
//! comments, its detection functions moved into a `Rule` subclass as methods), global helpers
//! and data models as importable modules — formatted with ruff's formatter.
//!
//! What a migrated rule must keep is panther_core's `Detection.run` as PAT ran it; where
//! pypanther's `Rule.run` differs, the class states the v1 behaviour explicitly (see
//! `overrides`). What PyPanther cannot express is a diagnostic (F013), never an approximation.

pub mod analysis;
pub mod format;
pub mod managed;
pub mod names;
pub mod pylit;
pub mod yaml_comments;

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Code, Diagnostic, Span};
use crate::ir::*;
use crate::lower::layout::{ItemKind, Layout};
use crate::source::yaml::{YNode, YValue};

use pylit::{from_yaml, py_str};

/// A spec file with its text (for comments).
pub struct SpecSource {
    pub rel: String,
    pub text: String,
    pub yaml: YNode,
}

/// Everything the migration reads.
pub struct Input<'a> {
    pub program: &'a Program,
    /// Spec files by path relative to the repository.
    pub specs: &'a BTreeMap<String, SpecSource>,
    /// Source layouts by IR module name.
    pub layouts: &'a BTreeMap<String, Layout>,
    /// pypanther's `LogType` members: value → member name (empty: log types as strings).
    pub log_types: &'a BTreeMap<String, String>,
    /// The managed rules to migrate against (`--against-managed`).
    pub managed: Option<&'a managed::Managed>,
}

/// The migrated project.
#[derive(Default)]
pub struct Output {
    /// Files by path relative to the output directory.
    pub files: BTreeMap<String, String>,
    pub diags: Vec<Diagnostic>,
    /// The migrated rules: (id, module path, class name).
    pub rules: Vec<(String, String, String)>,
}

/// The detection functions of a v1 module that become methods of the rule class, in the
/// order panther_core runs them.
const ENTRY: &[&str] = &[
    "rule",
    "title",
    "description",
    "reference",
    "severity",
    "runbook",
    "destinations",
    "dedup",
    "alert_context",
];

/// Where a migrated module's `from pypanther import …` goes, until its names are known.
pub const IMPORT_MARK: &str = "#\u{1}pypanther-import\u{1}\n";

/// `from pypanther import …` of `names` (none: no line).
pub fn pypanther_line(names: &BTreeSet<&str>) -> String {
    if names.is_empty() {
        return String::new();
    }
    format!(
        "from pypanther import {}\n",
        names.iter().copied().collect::<Vec<_>>().join(", ")
    )
}

/// Names the migrated modules import from pypanther.
const PYPANTHER_NAMES: &[&str] = &["LogType", "Rule", "RuleMock", "RuleTest", "Severity"];

/// Migrates the repository.
pub fn migrate(input: &Input) -> Output {
    let mut out = Output::default();
    let program = input.program;

    // Global helpers: `import gid` becomes `from <package> import gid`.
    let mut helper_pkg: BTreeMap<String, String> = BTreeMap::new();
    let mut helper_files: Vec<(String, &Module)> = Vec::new();
    for m in program.modules.values() {
        if m.kind != ModuleKind::Helper {
            continue;
        }
        let dir = m.file.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let path = names::module_path(&if dir.is_empty() {
            format!("{}.py", m.name)
        } else {
            format!("{dir}/{}.py", m.name)
        });
        helper_pkg.insert(m.name.clone(), names::dotted(&path));
        helper_files.push((path, m));
    }
    for (path, m) in helper_files {
        let Some(layout) = input.layouts.get(&m.name) else {
            continue;
        };
        let edits = import_edits(layout, &helper_pkg);
        let text = apply(layout, 0, layout.text.len(), &edits);
        match format::format_module(&text) {
            Ok(t) => {
                out.files.insert(path, t);
            }
            Err(e) => out.diags.push(internal(&m.file, &e)),
        }
    }

    // Data models: the module body plus a `DataModel` class.
    let mut dm_classes: BTreeMap<String, (String, String)> = BTreeMap::new(); // log type → (module, class)
    let mut taken_classes: BTreeSet<String> = BTreeSet::new();
    let dm_specs: BTreeMap<String, &SpecSource> = input
        .specs
        .values()
        .filter_map(|s| {
            s.yaml
                .get("DataModelID")
                .and_then(|v| v.as_str())
                .map(|id| (id.to_string(), s))
        })
        .collect();
    for dm in &program.data_models {
        let Some(spec) = dm_specs.get(&dm.id) else {
            continue;
        };
        let path = names::module_path(&spec.rel);
        let class = names::class_name(&dm.id, &mut taken_classes);
        match data_model_module(input, dm, spec, &class, &helper_pkg) {
            Ok(text) => match format::format_module(&text) {
                Ok(t) => {
                    out.files.insert(path.clone(), t);
                    for lt in &dm.log_types {
                        dm_classes.insert(lt.clone(), (names::dotted(&path), class.clone()));
                    }
                }
                Err(e) => out.diags.push(internal(&spec.rel, &e)),
            },
            Err(d) => out.diags.push(d),
        }
    }
    let dm_index_module = "v1_data_models";
    let mut any_dm_user = false;

    // Detections: class names first (in id order, so that they are deterministic), then
    // each detection migrated and formatted in parallel.
    let mut detections: Vec<&Detection> = program.detections.iter().collect();
    detections.sort_by(|a, b| a.id.cmp(&b.id));
    let classes: Vec<String> = detections
        .iter()
        .map(|d| names::class_name(&d.id, &mut taken_classes))
        .collect();
    use rayon::prelude::*;
    let results: Vec<Option<DetectionResult>> = detections
        .par_iter()
        .zip(classes.into_par_iter())
        .map(|(det, class)| {
            let spec = input.specs.get(&det.file)?;
            let r = migrate_detection(input, det, spec, &helper_pkg, class, dm_index_module)
                .and_then(|m| match &m.path {
                    None => Ok((m, None)),
                    Some(_) => match format::format_module(&m.text) {
                        Ok(t) => Ok((m, Some(t))),
                        Err(e) => Err(internal(&det.py_file, &e)),
                    },
                })
                .map_err(|d| d.for_detection(&det.id));
            Some(r)
        })
        .collect();
    for (det, r) in detections.iter().zip(results) {
        match r {
            None => {}
            Some(Ok((m, text))) => {
                any_dm_user |= m.uses_dm;
                if let (Some(path), Some(t)) = (&m.path, text) {
                    out.files.insert(path.clone(), t);
                }
                out.rules.push((det.id.clone(), m.dotted, m.class));
            }
            Some(Err(d)) => out.diags.push(d),
        }
    }

    if any_dm_user {
        let text = data_model_index(&dm_classes);
        if let Ok(t) = format::format_module(&text) {
            out.files.insert(format!("{dm_index_module}.py"), t);
        }
    }

    // Packages.
    let dirs: BTreeSet<String> = out
        .files
        .keys()
        .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d.to_string()))
        .flat_map(|d| {
            let parts: Vec<&str> = d.split('/').collect();
            (1..=parts.len())
                .map(move |i| parts[..i].join("/"))
                .collect::<Vec<_>>()
        })
        .collect();
    for d in dirs {
        out.files.entry(format!("{d}/__init__.py")).or_default();
    }

    out.rules.sort();
    let main = main_module(&out.rules);
    match format::format_module(&main) {
        Ok(t) => {
            out.files.insert("main.py".into(), t);
        }
        Err(e) => out.diags.push(internal("main.py", &e)),
    }
    out.files.insert(
        "pyproject.toml".into(),
        format::pyproject("migrated-detections"),
    );
    out
}

fn internal(file: &str, msg: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Inexpressible,
        Span::new(file, 1, 1),
        format!("internal error: the migrated module does not format: {msg}"),
    )
}

fn refuse(spec: &SpecSource, node: &YNode, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(
        Code::Inexpressible,
        Span::new(spec.rel.clone(), node.line, node.col),
        msg,
    )
}

/// `main.py`: imports every migrated rule class and registers them.
fn main_module(rules: &[(String, String, String)]) -> String {
    let mut s = String::from(
        "\"\"\"The detections migrated from the v1 repository, registered for pypanther.\"\"\"\n\n\
         from pypanther import register\n\n",
    );
    for (_, module, class) in rules {
        s.push_str(&format!("from {module} import {class}\n"));
    }
    s.push_str("\nregister(\n    [\n");
    for (_, _, class) in rules {
        s.push_str(&format!("        {class},\n"));
    }
    s.push_str("    ]\n)\n");
    s
}

/// `v1_data_models.py`: the repository's data models by log type, and the event as v1 built
/// it for a rule.
fn data_model_index(classes: &BTreeMap<String, (String, String)>) -> String {
    let mut s = String::from(
        "\"\"\"The repository's data models by log type, as v1 applied them to rule events.\n\n\
         pypanther 0.1.1a62 applies only its own managed data models when it tests rules, so\n\
         rules that read `udm()` rebuild their event with these.\n\"\"\"\n\n\
         from pypanther.base import PantherEvent\n",
    );
    let mut imports: BTreeSet<(String, String)> = BTreeSet::new();
    for (m, c) in classes.values() {
        imports.insert((m.clone(), c.clone()));
    }
    for (m, c) in &imports {
        s.push_str(&format!("from {m} import {c}\n"));
    }
    s.push_str("\nBY_LOG_TYPE = {\n");
    for (lt, (_, c)) in classes {
        s.push_str(&format!("    {}: {c}(),\n", py_str(lt)));
    }
    s.push_str(
        "}\n\n\ndef v1_event(event):\n    \"\"\"The event with the data model v1 chose by its `p_log_type`.\"\"\"\n    \
         data = event.to_dict()\n    return PantherEvent(data, BY_LOG_TYPE.get(data.get(\"p_log_type\", \"\")))\n",
    );
    s
}

/// Edits (start, end, replacement) that point imports of global helpers at their package.
fn import_edits(
    layout: &Layout,
    helper_pkg: &BTreeMap<String, String>,
) -> Vec<(usize, usize, String)> {
    let mut edits = Vec::new();
    for imp in &layout.imports {
        match &imp.from {
            None => {
                if !imp.names.iter().any(|(n, _)| helper_pkg.contains_key(n)) {
                    continue;
                }
                let mut stmts = Vec::new();
                let mut plain = Vec::new();
                for (n, alias) in &imp.names {
                    match helper_pkg.get(n) {
                        Some(dotted) => {
                            let (pkg, leaf) = dotted.rsplit_once('.').unwrap_or(("", dotted));
                            let bind = alias.clone().unwrap_or_else(|| n.clone());
                            let alias = if bind == leaf {
                                String::new()
                            } else {
                                format!(" as {bind}")
                            };
                            if pkg.is_empty() {
                                stmts.push(format!("import {leaf}{alias}"));
                            } else {
                                stmts.push(format!("from {pkg} import {leaf}{alias}"));
                            }
                        }
                        None => plain.push(match alias {
                            Some(a) => format!("{n} as {a}"),
                            None => n.clone(),
                        }),
                    }
                }
                if !plain.is_empty() {
                    stmts.insert(0, format!("import {}", plain.join(", ")));
                }
                edits.push((imp.start, imp.end, stmts.join("; ")));
            }
            Some((0, module)) => {
                if let Some(dotted) = helper_pkg.get(module) {
                    // Replace only the module name after `from`.
                    let text = &layout.text[imp.start..imp.end];
                    if let Some(at) = text.find(module.as_str()) {
                        let s = imp.start + at;
                        edits.push((s, s + module.len(), dotted.clone()));
                    }
                }
            }
            Some(_) => {}
        }
    }
    edits
}

/// The text of `layout.text[a..b]` with the edits inside that range applied.
fn apply(layout: &Layout, a: usize, b: usize, edits: &[(usize, usize, String)]) -> String {
    let mut inside: Vec<&(usize, usize, String)> = edits
        .iter()
        .filter(|(s, e, _)| *s >= a && *e <= b)
        .collect();
    inside.sort_by_key(|(s, e, _)| (*s, *e));
    let mut out = String::new();
    let mut at = a;
    for (s, e, r) in inside {
        if *s < at {
            continue;
        }
        out.push_str(&layout.text[at..*s]);
        out.push_str(r);
        at = *e;
    }
    out.push_str(&layout.text[at..b]);
    out
}

/// Indents `text` (which starts at byte `base` of the layout's text) by four spaces,
/// except lines that begin inside a multi-line string literal.
fn indent(layout: &Layout, base: usize, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut off = base;
    for line in text.split_inclusive('\n') {
        let in_string = layout
            .multiline_strings
            .iter()
            .any(|&(s, e)| s < off && off < e);
        if !in_string && !line.trim().is_empty() {
            out.push_str("    ");
        }
        out.push_str(line);
        off += line.len();
    }
    out
}

/// The byte offset of a 1-based (line, column in characters) position.
fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let mut start = 0usize;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let rest = &text[start..];
    let mut chars = rest.char_indices();
    for _ in 1..col {
        chars.next()?;
    }
    Some(start + chars.next().map(|(i, _)| i).unwrap_or(rest.len()))
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A detection migrated (with its formatted module, unless it is one line of `main.py`), or
/// why not.
type DetectionResult = Result<(Migrated, Option<String>), Diagnostic>;

/// The migrated module of one detection.
pub struct Migrated {
    /// The module written for the detection; `None` when registering a managed rule as it
    /// is takes one line of `main.py` and no module.
    pub path: Option<String>,
    /// The module `main.py` imports the class from.
    pub dotted: String,
    pub class: String,
    pub text: String,
    pub uses_dm: bool,
}

#[allow(clippy::too_many_arguments)]
fn migrate_detection(
    input: &Input,
    det: &Detection,
    spec: &SpecSource,
    helper_pkg: &BTreeMap<String, String>,
    class: String,
    dm_index_module: &str,
) -> Result<Migrated, Diagnostic> {
    let program = input.program;
    let root = &spec.yaml;
    match det.kind {
        DetectionKind::Policy => {
            return Err(refuse(
                spec,
                root,
                "policies cannot be migrated: pypanther 0.1.1a62 has no policies",
            ))
        }
        DetectionKind::ScheduledRule => {
            return Err(refuse(
                spec,
                root,
                "scheduled rules cannot be migrated: pypanther 0.1.1a62 registers only rules \
                 with `log_types`, and tests them with data models that v1 never applied to \
                 scheduled rules",
            ))
        }
        DetectionKind::Rule => {}
    }
    if let Some(n) = root.get("InlineFilters") {
        return Err(refuse(
            spec,
            n,
            "`InlineFilters` cannot be migrated yet: they would become `include_filters`, which \
             pypanther runs in unit tests where panther_analysis_tool did not",
        ));
    }
    let module = program.modules.get(&det.module).ok_or_else(|| {
        refuse(
            spec,
            root,
            "internal error: the detection's module is missing",
        )
    })?;
    let layout = input.layouts.get(&det.module).ok_or_else(|| {
        refuse(
            spec,
            root,
            "internal error: the detection's source is missing",
        )
    })?;
    let defined: BTreeSet<&str> = layout
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Def { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let bound = analysis::module_bound(module);
    let defines = |n: &str| bound.contains(n);
    if defines("unique") {
        return Err(refuse(
            spec,
            root,
            "`unique()` cannot be migrated: pypanther rules have no alert `unique` field",
        ));
    }
    if defines("destinations") {
        return Err(refuse(
            spec,
            root,
            "`destinations()` cannot be migrated exactly: panther_core rejects the whole list when \
             a name is unknown or repeated, pypanther drops those names (and `pypanther test` \
             knows no destinations)",
        ));
    }
    for n in PYPANTHER_NAMES {
        if module.slot(n).is_some() {
            return Err(refuse(
                spec,
                root,
                format!("the module already uses the name `{n}`, which the migrated class imports from pypanther"),
            ));
        }
    }

    // Metadata.
    let mut attrs = Vec::new();
    let comments = yaml_comments::attach(&spec.text, root);
    let meta = metadata(input, spec, &mut attrs)?;

    // Unit tests.
    let mut test_names = BTreeSet::new();
    for t in &det.tests {
        if !test_names.insert(t.name.clone()) {
            return Err(refuse(
                spec,
                root.get("Tests").unwrap_or(root),
                format!(
                    "two unit tests are named `{}`: pypanther refuses duplicate test names",
                    t.name
                ),
            ));
        }
    }
    let mocked: BTreeSet<String> = det
        .tests
        .iter()
        .flat_map(|t| t.mocks.iter().map(|(n, _)| n.clone()))
        .collect();

    // Which detection functions move into the class, and which stay module functions that
    // a method calls (when something other than another detection function reads them, a
    // test mocks them, or their signature or decorators would change meaning in a class).
    let uses = analysis::global_uses(module);
    let entry_items: BTreeMap<&str, Vec<usize>> = {
        let mut m: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, it) in layout.items.iter().enumerate() {
            if let ItemKind::Def { name, .. } = &it.kind {
                if ENTRY.contains(&name.as_str()) {
                    m.entry(
                        ENTRY
                            .iter()
                            .find(|e| **e == name)
                            .copied()
                            .unwrap_or("rule"),
                    )
                    .or_default()
                    .push(i);
                }
            }
        }
        m
    };
    let item_of = |off: usize| {
        layout
            .items
            .iter()
            .position(|it| it.start <= off && off < it.end)
    };
    let mut reads: BTreeMap<&str, Vec<(usize, Option<usize>)>> = BTreeMap::new();
    let mut movable: BTreeSet<&str> = BTreeSet::new();
    for (&name, items) in &entry_items {
        let mut ok = items.len() == 1 && !mocked.contains(name);
        let item = &layout.items[items[0]];
        if let ItemKind::Def { plain, .. } = &item.kind {
            ok &= *plain;
        }
        ok &= !layout
            .self_names
            .iter()
            .any(|&o| item.start <= o && o < item.end);
        let mut rs = Vec::new();
        for u in uses.iter().filter(|u| u.name == name) {
            if u.store {
                if !u.def {
                    ok = false;
                }
                continue;
            }
            match offset_of(&layout.text, u.span.line, u.span.col) {
                Some(off)
                    if layout.text[off..].starts_with(name)
                        && !layout.text[off + name.len()..].starts_with(is_ident_char) =>
                {
                    rs.push((off, item_of(off)));
                }
                _ => ok = false,
            }
        }
        reads.insert(name, rs);
        if ok {
            movable.insert(name);
        }
    }
    loop {
        let moved_items: BTreeSet<usize> = movable.iter().map(|n| entry_items[n][0]).collect();
        let before = movable.len();
        movable.retain(|n| {
            reads[n]
                .iter()
                .all(|(_, it)| it.is_some_and(|i| moved_items.contains(&i)))
        });
        if movable.len() == before {
            break;
        }
    }
    let moved_items: BTreeMap<usize, &str> =
        movable.iter().map(|n| (entry_items[n][0], *n)).collect();

    // Edits of the source: helper imports, `self` in moved signatures, `self.` before reads
    // of moved functions.
    let mut edits = import_edits(layout, helper_pkg);
    for &i in moved_items.keys() {
        if let ItemKind::Def { open, .. } = &layout.items[i].kind {
            edits.push((*open, *open, "self, ".into()));
        }
    }
    for n in &movable {
        for (off, _) in &reads[n] {
            edits.push((*off, *off, "self.".into()));
        }
    }

    // The module part: everything but the moved functions, with the pypanther import.
    let mut module_text = String::new();
    // After the module's leading imports (third-party imports follow the standard library's).
    let insert_after = layout
        .items
        .iter()
        .take_while(|it| {
            matches!(
                it.kind,
                ItemKind::Docstring | ItemKind::Future | ItemKind::Import
            )
        })
        .count();
    let mut imports_line_done = false;
    let mut needed: BTreeSet<&str> = BTreeSet::new();
    needed.insert("Rule");
    if !det.tests.is_empty() {
        needed.insert("RuleTest");
    }
    if !mocked.is_empty() {
        needed.insert("RuleMock");
    }
    needed.insert("Severity");
    if meta.uses_log_type {
        needed.insert("LogType");
    }
    let pypanther_import = IMPORT_MARK.to_string();
    let uses_dm = analysis::uses_data_model(program, &det.module);
    let aux_defined: Vec<&str> = ENTRY[1..].iter().copied().filter(|n| defines(n)).collect();
    let impure: Vec<&str> = aux_defined
        .iter()
        .copied()
        .filter(|n| analysis::may_have_effects(program, &det.module, n))
        .collect();
    if defines("title") && !defines("dedup") && impure.contains(&"title") {
        let why = analysis::effect_of(program, &det.module, "title").unwrap_or_default();
        return Err(refuse(
            spec,
            root,
            format!(
                "`title()` may change module state ({why}), and pypanther calls it a second \
                 time for the dedup string where v1 reused its one result"
            ),
        ));
    }
    let mut extra_imports = String::new();
    let non_bool = !analysis::returns_bool(program, &det.module, "rule") || mocked.contains("rule");
    if non_bool {
        extra_imports.push_str("from pypanther.base import FunctionReturnTypeError\n");
    }
    if uses_dm {
        extra_imports.push_str(&format!("from {dm_index_module} import v1_event\n"));
    }
    if defines("dedup")
        && (mocked.contains("dedup") || !analysis::safe_str_function(module, "dedup", true))
    {
        extra_imports.push_str("from pypanther.utils import truncate\n");
    }
    for (i, it) in layout.items.iter().enumerate() {
        if i == insert_after && !imports_line_done {
            module_text.push_str(&pypanther_import);
            module_text.push_str(&extra_imports);
            imports_line_done = true;
        }
        if moved_items.contains_key(&i) {
            continue;
        }
        module_text.push_str(&apply(layout, it.lead, it.end, &edits));
    }
    if !imports_line_done {
        module_text.push_str(&pypanther_import);
        module_text.push_str(&extra_imports);
    }
    let tail_start = layout.items.last().map(|i| i.end).unwrap_or(0);
    let tail = &layout.text[tail_start..];

    // The class.
    if bound.contains(&class) {
        return Err(refuse(
            spec,
            root,
            format!("the module already binds `{class}`, the class name derived from the id"),
        ));
    }
    let mut head = String::new();
    for key in ["AnalysisType", "Filename"] {
        push_comments(&mut head, &comments, key);
    }
    // Methods, in the order the module defined them.
    let mut methods: Vec<(String, String)> = Vec::new();
    for (&i, &name) in &moved_items {
        let it = &layout.items[i];
        let text = apply(layout, it.lead, it.end, &edits);
        methods.push((name.to_string(), indent(layout, it.lead, &text)));
    }
    for name in ENTRY {
        if defines(name) && !movable.contains(name) && entry_items.contains_key(name) {
            methods.push((
                name.to_string(),
                format!("    def {name}(self, event):\n        return {name}(event)\n"),
            ));
        } else if defines(name) && !movable.contains(name) {
            return Err(refuse(
                spec,
                root,
                format!("`{name}` is bound by something other than a `def`"),
            ));
        }
    }
    // What pypanther's Rule.run does differently from panther_core's Detection.run.
    let over = overrides(&OverrideNeeds {
        title: defines("title"),
        dedup: defines("dedup"),
        title_fallback: defines("title")
            && !det.display_name.is_empty()
            && (mocked.contains("title") || !analysis::safe_str_function(module, "title", false)),
        dedup_fallback: defines("dedup")
            && (mocked.contains("dedup") || !analysis::safe_str_function(module, "dedup", true)),
        uses_dm,
        impure: &impure,
        non_bool,
    });
    // Unit tests.
    let mut tests = String::new();
    if !det.tests.is_empty() {
        let mut earlier_mocks: BTreeSet<String> = BTreeSet::new();
        let class_level: BTreeSet<String> = ENTRY
            .iter()
            .map(|s| s.to_string())
            .chain(attrs.iter().map(|a| a.name.clone()))
            .chain(["run", "_get_title", "_get_dedup"].map(String::from))
            .collect();
        for (ti, t) in det.tests.iter().enumerate() {
            if let Some(cs) = comments.tests.get(&ti) {
                for c in cs {
                    tests.push_str(&format!("        # {c}\n"));
                }
            }
            tests.push_str(&unit_test(t, &earlier_mocks, &bound, &class_level, spec)?);
            earlier_mocks.extend(t.mocks.iter().map(|(n, _)| n.clone()));
        }
    }
    let tail_comments: String = comments
        .tail
        .iter()
        .map(|c| format!("    # {c}\n"))
        .collect();
    let path = names::module_path(&det.file);

    if let Some(mr) = input.managed.and_then(|m| m.find(&det.id)) {
        // Entry functions reading module globals are not provably the managed code.
        let reads_globals: BTreeSet<&str> = movable
            .iter()
            .copied()
            .filter(|n| {
                let it = &layout.items[entry_items[n][0]];
                uses.iter().any(|u| {
                    !u.store
                        && !movable.contains(u.name.as_str())
                        && offset_of(&layout.text, u.span.line, u.span.col)
                            .is_some_and(|o| it.start <= o && o < it.end)
                })
            })
            .collect();
        return managed::migrate_against(
            &managed::Fork {
                id: &det.id,
                class: &class,
                path: &path,
                attrs: &attrs,
                comments: &comments,
                methods: &methods,
                provable: &movable
                    .iter()
                    .filter(|n| !reads_globals.contains(*n))
                    .copied()
                    .collect(),
                overrides: &over,
                tests: &tests,
                mocked: !mocked.is_empty(),
                module_text: &(module_text.clone() + tail),
                uses_dm,
                uses_log_type: meta.uses_log_type,
            },
            mr,
        )
        .map_err(|msg| refuse(spec, root, msg));
    }

    let mut body = head;
    for a in &attrs {
        push_attr(&mut body, &comments, a);
    }
    for (_, m) in &methods {
        body.push('\n');
        body.push_str(m);
    }
    body.push_str(&over);
    if !tests.is_empty() {
        body.push_str(&format!("\n    tests = [\n{tests}    ]\n"));
    }
    body.push_str(&tail_comments);
    let mut text = module_text.replace(IMPORT_MARK, &pypanther_line(&needed));
    text.push_str(tail);
    text.push_str(&format!("\n\nclass {class}(Rule):\n{body}"));
    let _ = &defined;
    Ok(Migrated {
        dotted: names::dotted(&path),
        path: Some(path),
        class,
        text,
        uses_dm,
    })
}

fn push_attr(body: &mut String, comments: &yaml_comments::SpecComments, a: &Attr) {
    push_comments(body, comments, &a.key);
    body.push_str("    ");
    body.push_str(&a.line());
    if let Some(t) = comments.trailing.get(a.key.as_str()) {
        body.push_str(&format!("  # {t}"));
    }
    body.push('\n');
}

fn push_comments(body: &mut String, comments: &yaml_comments::SpecComments, key: &str) {
    if let Some(cs) = comments.above.get(key) {
        for c in cs {
            body.push_str(&format!("    # {c}\n"));
        }
    }
}

struct Meta {
    uses_log_type: bool,
}

/// One class attribute from a spec key.
#[derive(Debug, Clone)]
pub struct Attr {
    /// The YAML key it came from (for its comments).
    pub key: String,
    /// The pypanther attribute (empty for a key kept as a comment).
    pub name: String,
    /// The value as Python source.
    pub value: String,
    /// The value as a canonical literal (see `lower::layout::literal`), for comparisons.
    pub canon: String,
}

impl Attr {
    fn line(&self) -> String {
        if self.name.is_empty() {
            self.value.clone()
        } else {
            format!("{} = {}", self.name, self.value)
        }
    }
}

fn canon_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn canon_list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| canon_str(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn attr(key: &str, name: &str, value: String, canon: String) -> Attr {
    Attr {
        key: key.into(),
        name: name.into(),
        value,
        canon,
    }
}

/// The spec's keys as pypanther class attributes (defaults omitted).
fn metadata(input: &Input, spec: &SpecSource, attrs: &mut Vec<Attr>) -> Result<Meta, Diagnostic> {
    let root = &spec.yaml;
    let mut meta = Meta {
        uses_log_type: false,
    };
    let str_of = |key: &str| -> Result<Option<&str>, Diagnostic> {
        match root.get(key) {
            None => Ok(None),
            Some(YNode {
                value: YValue::Null,
                ..
            }) => Ok(None),
            Some(n) => n
                .as_str()
                .map(Some)
                .ok_or_else(|| refuse(spec, n, format!("`{key}` must be a string for pypanther"))),
        }
    };
    let str_list = |key: &str| -> Result<Option<Vec<String>>, Diagnostic> {
        match root.get(key) {
            None => Ok(None),
            Some(YNode {
                value: YValue::Null,
                ..
            }) => Ok(None),
            Some(
                n @ YNode {
                    value: YValue::Seq(items),
                    ..
                },
            ) => {
                let mut out = Vec::new();
                for i in items.iter() {
                    let s = i.as_str().ok_or_else(|| {
                        refuse(
                            spec,
                            i,
                            format!("`{key}` must be a list of strings for pypanther"),
                        )
                    })?;
                    if out.iter().any(|o: &String| o == s) {
                        return Err(refuse(
                            spec,
                            n,
                            format!("`{key}` repeats `{s}`: pypanther requires unique items"),
                        ));
                    }
                    out.push(s.to_string());
                }
                Ok(Some(out))
            }
            Some(n) => Err(refuse(
                spec,
                n,
                format!("`{key}` must be a list for pypanther"),
            )),
        }
    };
    let int_of = |key: &str, min: i128| -> Result<Option<i128>, Diagnostic> {
        match root.get(key) {
            None => Ok(None),
            Some(
                n @ YNode {
                    value: YValue::Int(i),
                    ..
                },
            ) => {
                if *i < min {
                    Err(refuse(
                        spec,
                        n,
                        format!("`{key}` must be at least {min} for pypanther"),
                    ))
                } else {
                    Ok(Some(*i))
                }
            }
            Some(n) => Err(refuse(
                spec,
                n,
                format!("`{key}` must be an integer for pypanther"),
            )),
        }
    };
    let bool_of = |key: &str| -> Result<Option<bool>, Diagnostic> {
        match root.get(key) {
            None => Ok(None),
            Some(YNode {
                value: YValue::Bool(b),
                ..
            }) => Ok(Some(*b)),
            Some(n) => Err(refuse(
                spec,
                n,
                format!("`{key}` must be true or false for pypanther"),
            )),
        }
    };

    let id = str_of("RuleID")?.unwrap_or_default();
    attrs.push(attr("RuleID", "id", py_str(id), canon_str(id)));
    if let Some(d) = str_of("DisplayName")? {
        if !d.is_empty() {
            attrs.push(attr("DisplayName", "display_name", py_str(d), canon_str(d)));
        }
    }
    // v1 reads a missing `Enabled` as false (PAT requires the key).
    if bool_of("Enabled")? != Some(true) {
        attrs.push(attr("Enabled", "enabled", "False".into(), "False".into()));
    }
    let log_types = str_list("LogTypes")?.unwrap_or_default();
    if log_types.is_empty() {
        return Err(refuse(
            spec,
            root,
            "a rule without `LogTypes` cannot be registered in pypanther",
        ));
    }
    let (lts, canon): (Vec<String>, Vec<String>) = log_types
        .iter()
        .map(|lt| match input.log_types.get(lt) {
            Some(member) => {
                meta.uses_log_type = true;
                (format!("LogType.{member}"), format!("LogType.{member}"))
            }
            None => (py_str(lt), canon_str(lt)),
        })
        .unzip();
    attrs.push(attr(
        "LogTypes",
        "log_types",
        format!("[{}]", lts.join(", ")),
        format!("[{}]", canon.join(", ")),
    ));
    let sev = str_of("Severity")?.unwrap_or_default();
    let member = match sev.to_ascii_uppercase().as_str() {
        s @ ("INFO" | "LOW" | "MEDIUM" | "HIGH" | "CRITICAL") => s.to_string(),
        _ => {
            return Err(refuse(
                spec,
                root.get("Severity").unwrap_or(root),
                format!("severity `{sev}` is not one of pypanther's `Severity` members"),
            ))
        }
    };
    let sev = format!("Severity.{member}");
    attrs.push(attr("Severity", "default_severity", sev.clone(), sev));
    if bool_of("CreateAlert")? == Some(false) {
        attrs.push(attr(
            "CreateAlert",
            "create_alert",
            "False".into(),
            "False".into(),
        ));
    }
    if let Some(n) = int_of("DedupPeriodMinutes", 0)? {
        if n != 60 {
            attrs.push(attr(
                "DedupPeriodMinutes",
                "dedup_period_minutes",
                n.to_string(),
                n.to_string(),
            ));
        }
    }
    if let Some(n) = int_of("Threshold", 1)? {
        if n != 1 {
            attrs.push(attr("Threshold", "threshold", n.to_string(), n.to_string()));
        }
    }
    for (key, name) in [
        ("Description", "default_description"),
        ("Reference", "default_reference"),
        ("Runbook", "default_runbook"),
    ] {
        if let Some(s) = str_of(key)? {
            if !s.is_empty() {
                attrs.push(attr(key, name, py_str(s), canon_str(s)));
            }
        }
    }
    if let Some(ds) = str_list("OutputIds")? {
        if !ds.is_empty() {
            let v: Vec<String> = ds.iter().map(|d| py_str(d)).collect();
            attrs.push(attr(
                "OutputIds",
                "default_destinations",
                format!("[{}]", v.join(", ")),
                canon_list(&ds),
            ));
        }
    }
    for (key, name) in [
        ("SummaryAttributes", "summary_attributes"),
        ("Tags", "tags"),
    ] {
        if let Some(v) = str_list(key)? {
            if !v.is_empty() {
                let py: Vec<String> = v.iter().map(|d| py_str(d)).collect();
                attrs.push(attr(
                    key,
                    name,
                    format!("[{}]", py.join(", ")),
                    canon_list(&v),
                ));
            }
        }
    }
    if let Some(n) = root.get("Reports") {
        match &n.value {
            YValue::Null => {}
            YValue::Map(entries) if entries.is_empty() => {}
            YValue::Map(entries) => {
                let mut parts = Vec::new();
                let mut canon = Vec::new();
                for (k, v) in entries.iter() {
                    let k = k
                        .as_str()
                        .ok_or_else(|| refuse(spec, k, "`Reports` keys must be strings"))?;
                    let YValue::Seq(items) = &v.value else {
                        return Err(refuse(spec, v, "`Reports` values must be lists"));
                    };
                    let mut vals: Vec<String> = Vec::new();
                    for i in items.iter() {
                        // pypanther requires strings; v1 writes technique ids such as 1.2 bare.
                        let s = match &i.value {
                            YValue::Str(s) => s.to_string(),
                            YValue::Int(x) => x.to_string(),
                            YValue::Float(f) => pylit::py_float(*f),
                            _ => return Err(refuse(spec, i, "`Reports` items must be scalars")),
                        };
                        if vals.contains(&s) || s.is_empty() {
                            return Err(refuse(
                                spec,
                                i,
                                "`Reports` items must be unique and not empty",
                            ));
                        }
                        vals.push(s);
                    }
                    if vals.is_empty() {
                        return Err(refuse(spec, v, "`Reports` lists must not be empty"));
                    }
                    canon.push(format!("{}: {}", canon_str(k), canon_list(&vals)));
                    let vals: Vec<String> = vals.iter().map(|s| py_str(s)).collect();
                    parts.push(format!("{}: [{}]", py_str(k), vals.join(", ")));
                }
                attrs.push(attr(
                    "Reports",
                    "reports",
                    format!("{{{}}}", parts.join(", ")),
                    format!("{{{}}}", canon.join(", ")),
                ));
            }
            _ => return Err(refuse(spec, n, "`Reports` must be a mapping")),
        }
    }
    // Keys pypanther has no attribute for are kept as comments.
    const HANDLED: &[&str] = &[
        "AnalysisType",
        "Filename",
        "RuleID",
        "DisplayName",
        "Enabled",
        "LogTypes",
        "Severity",
        "CreateAlert",
        "DedupPeriodMinutes",
        "Threshold",
        "Description",
        "Reference",
        "Runbook",
        "OutputIds",
        "SummaryAttributes",
        "Tags",
        "Reports",
        "Tests",
    ];
    if let YValue::Map(entries) = &root.value {
        for (k, v) in entries.iter() {
            let Some(k) = k.as_str() else { continue };
            if HANDLED.contains(&k) {
                continue;
            }
            attrs.push(attr(
                k,
                "",
                format!("# v1 `{k}` (no pypanther attribute): {}", from_yaml(v)),
                String::new(),
            ));
        }
    }
    Ok(meta)
}

/// One `RuleTest(...)` entry. Mocks that earlier tests of the rule set and this one does
/// not are put back explicitly: `pypanther test` never undoes a mock, panther_analysis_tool
/// undid them after each test.
fn unit_test(
    t: &UnitTest,
    earlier_mocks: &BTreeSet<String>,
    bound: &BTreeSet<String>,
    class_level: &BTreeSet<String>,
    spec: &SpecSource,
) -> Result<String, Diagnostic> {
    let lit = |json: &str| {
        pylit::from_json_text(json).ok_or_else(|| {
            refuse(
                spec,
                &spec.yaml,
                format!("internal error: test data of `{}`", t.name),
            )
        })
    };
    let mut s = format!(
        "        RuleTest(\n            name={},\n            expected_result={},\n",
        py_str(&t.name),
        lit(&t.expected_json)?
    );
    let own: BTreeSet<&str> = t.mocks.iter().map(|(n, _)| n.as_str()).collect();
    let mut mocks = Vec::new();
    for (n, rv) in &t.mocks {
        mocks.push(format!(
            "RuleMock(object_name={}, return_value={})",
            py_str(n),
            lit(rv)?
        ));
    }
    for n in earlier_mocks {
        if own.contains(n.as_str()) || !bound.contains(n) || class_level.contains(n) {
            continue;
        }
        mocks.push(format!("RuleMock(object_name={}, new={n})", py_str(n)));
    }
    if !mocks.is_empty() {
        s.push_str(&format!("            mocks=[{}],\n", mocks.join(", ")));
    }
    if let Some(d) = &t.expected_destinations {
        let v: Vec<String> = d.iter().map(|x| py_str(x)).collect();
        s.push_str(&format!(
            "            # v1 also expected destinations [{}]; pypanther tests do not check them.\n",
            v.join(", ")
        ));
    }
    s.push_str(&format!(
        "            log={},\n        ),\n",
        lit(&t.event_json)?
    ));
    Ok(s)
}

struct OverrideNeeds<'a> {
    title: bool,
    dedup: bool,
    /// title() may fail and pypanther would fall back to the display name.
    title_fallback: bool,
    /// dedup() may fail or return "" and pypanther would fall back to the title.
    dedup_fallback: bool,
    uses_dm: bool,
    impure: &'a [&'a str],
    /// rule() may return something other than a bool.
    non_bool: bool,
}

/// The methods that make pypanther's `Rule.run` answer as panther_core's `Detection.run`.
fn overrides(n: &OverrideNeeds) -> String {
    let mut s = String::new();
    if !n.title && !n.dedup {
        s.push_str(
            "\n    def dedup(self, event):\n        \
             # v1 deduplicated the alerts of a rule without title() or dedup() on one string.\n        \
             return f\"defaultDedupString:{self.id}\"\n",
        );
    }
    if n.title_fallback {
        s.push_str(
            "\n    def _get_title(self, event):\n        \
             # panther_core titled an alert whose title() failed with the rule id, not the\n        \
             # display name.\n        \
             title, error = super()._get_title(event)\n        \
             return (self.id, error) if error else (title, error)\n",
        );
    }
    if n.dedup_fallback {
        s.push_str(
            "\n    def _get_dedup(self, event):\n        \
             # panther_core used \"defaultDedupString:<id>\", not the title, when dedup() failed\n        \
             # or returned an empty string.\n        \
             try:\n            \
             dedup = self.dedup(event)\n            \
             self._require_str(\"dedup\", dedup)\n        \
             except Exception as error:\n            \
             return f\"defaultDedupString:{self.id}\", error\n        \
             return truncate(dedup or f\"defaultDedupString:{self.id}\", 1000), None\n",
        );
    }
    if n.uses_dm || !n.impure.is_empty() || n.non_bool {
        s.push_str("\n    def run(self, event, outputs, outputs_names, batch_mode=True):\n");
        if n.uses_dm {
            s.push_str(
                "        # v1 applied the repository's data models to rule events; pypanther 0.1.1a62\n        \
                 # applies its own managed ones.\n        \
                 event = v1_event(event)\n",
            );
        }
        if n.impure.is_empty() && !n.non_bool {
            s.push_str("        return super().run(event, outputs, outputs_names, batch_mode)\n");
        } else {
            s.push_str("        result = super().run(event, outputs, outputs_names, batch_mode)\n");
        }
        if n.non_bool {
            s.push_str(
                "        if not isinstance(result.detection_output, bool) and isinstance(\n            \
                 result.detection_exception, FunctionReturnTypeError\n        ):\n            \
                 # panther_core reported a rule() result that is not a bool with no result, in\n            \
                 # its own words.\n            \
                 kind = type(result.detection_output).__name__\n            \
                 result.detection_exception = FunctionReturnTypeError(\n                \
                 f\"detection [{self.id}] function [rule] returned [{kind}], expected [bool]\"\n            \
                 )\n            \
                 result.detection_output = None\n",
            );
        }
        if !n.impure.is_empty() {
            s.push_str(&format!(
                "        if not batch_mode and not result.trigger_alert:\n            \
                 # Outside batch mode (unit tests) panther_core also ran the auxiliary functions\n            \
                 # of events that do not alert, and {} can change state later events see.\n            \
                 for aux in ({}):\n                \
                 try:\n                    \
                 aux(event)\n                \
                 except Exception:\n                    \
                 pass\n",
                n.impure
                    .iter()
                    .map(|f| format!("{f}()"))
                    .collect::<Vec<_>>()
                    .join(", "),
                n.impure
                    .iter()
                    .map(|f| format!("self.{f}"))
                    .chain(if n.impure.len() == 1 { Some(String::new()) } else { None })
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !n.impure.is_empty() || n.non_bool {
            s.push_str("        return result\n");
        }
    }
    s
}

/// A data model module: the v1 module body (if any) and its `DataModel` class.
fn data_model_module(
    input: &Input,
    dm: &DataModel,
    spec: &SpecSource,
    class: &str,
    helper_pkg: &BTreeMap<String, String>,
) -> Result<String, Diagnostic> {
    let root = &spec.yaml;
    let mut text = String::new();
    let layout = dm.module.as_ref().and_then(|m| input.layouts.get(m));
    if let Some(layout) = layout {
        let edits = import_edits(layout, helper_pkg);
        text.push_str(&apply(layout, 0, layout.text.len(), &edits));
        text.push('\n');
    }
    let mut uses_lt = false;
    let lts: Vec<String> = match root.get("LogTypes") {
        Some(YNode {
            value: YValue::Seq(items),
            ..
        }) => items
            .iter()
            .filter_map(|i| i.as_str())
            .map(|lt| match input.log_types.get(lt) {
                Some(m) => {
                    uses_lt = true;
                    format!("LogType.{m}")
                }
                None => py_str(lt),
            })
            .collect(),
        _ => Vec::new(),
    };
    let head = if uses_lt {
        "from pypanther import DataModel, DataModelMapping, LogType\n"
    } else {
        "from pypanther import DataModel, DataModelMapping\n"
    };
    // The pypanther import goes after a module docstring, if any.
    let mut full = String::new();
    match layout.and_then(|l| {
        l.items
            .first()
            .filter(|i| i.kind == ItemKind::Docstring)
            .map(|i| (l, i.end))
    }) {
        Some((_, end)) => {
            full.push_str(&text[..end.min(text.len())]);
            full.push_str(head);
            full.push_str(&text[end.min(text.len())..]);
        }
        None => {
            full.push_str(head);
            full.push_str(&text);
        }
    }
    let comments = yaml_comments::attach(&spec.text, root);
    let mut body = String::new();
    for key in ["AnalysisType", "Filename"] {
        push_comments(&mut body, &comments, key);
    }
    let mut line = |key: &str, l: String| {
        push_comments(&mut body, &comments, key);
        body.push_str(&format!("    {l}"));
        if let Some(t) = comments.trailing.get(key) {
            body.push_str(&format!("  # {t}"));
        }
        body.push('\n');
    };
    line("DataModelID", format!("id = {}", py_str(&dm.id)));
    if let Some(d) = root.get("DisplayName").and_then(|d| d.as_str()) {
        line("DisplayName", format!("display_name = {}", py_str(d)));
    }
    line("Enabled", "enabled = True".into());
    line("LogTypes", format!("log_types = [{}]", lts.join(", ")));
    let mut maps = Vec::new();
    for m in &dm.mappings {
        match (&m.path, &m.method) {
            (Some(p), _) => maps.push(format!(
                "DataModelMapping(name={}, path={})",
                py_str(&m.name),
                py_str(p)
            )),
            (None, Some(f)) => maps.push(format!(
                "DataModelMapping(name={}, method={f})",
                py_str(&m.name)
            )),
            _ => {}
        }
    }
    line("Mappings", format!("mappings = [{}]", maps.join(", ")));
    full.push_str(&format!("\n\nclass {class}(DataModel):\n{body}"));
    Ok(full)
}
