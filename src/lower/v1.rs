//! The v1 front end: specs and Python files of a panther-analysis repository → IR.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Span};
use crate::ir::*;
use crate::lower::python::{lower_module, ImportEnv};
use crate::source::python;
use crate::source::v1::SpecFile;
use crate::source::yaml::{YNode, YValue};

/// The `AnalysisType` values PAT accepts (`schemas.TYPE_SCHEMA`).
const ANALYSIS_TYPES: &[&str] = &[
    "correlation_rule",
    "datamodel",
    "global",
    "pack",
    "policy",
    "rule",
    "saved_query",
    "scheduled_rule",
    "scheduled_query",
    "lookup_table",
    "scheduled_prompt",
];

/// Lowers a whole v1 repository. Every problem is a diagnostic; whatever is sound is kept.
pub fn lower_repo(root: &Path, specs: &[SpecFile]) -> (Program, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut program = Program::default();

    let kind_of = |s: &SpecFile| {
        s.yaml
            .get("AnalysisType")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };

    // Library modules are those of the Python environment PAT runs in.
    let (libs, _) = crate::lower::libraries::Libraries::for_v1();
    libs.install_in_compiler();

    // Global helpers first: their names are what imports resolve against.
    let mut helper_files: BTreeMap<String, (String, Span)> = BTreeMap::new();
    for s in specs.iter().filter(|s| kind_of(s) == "global") {
        let (Some(gid), Some(fname)) = (str_key(s, "GlobalID"), str_key(s, "Filename")) else {
            diags.push(spec_error(
                s,
                "a global helper needs `GlobalID` and `Filename`",
            ));
            continue;
        };
        let py = join(&s.dir, fname);
        // PAT appends the helpers' directory to `sys.path` and reloads a module already
        // imported under the helper's name: a standard-library or installed module of
        // that name wins, and the helper is never imported.
        if libs.shadows_helper(gid) {
            diags.push(Diagnostic::new(
                Code::ShadowedHelper,
                span_of(s, s.yaml.get("GlobalID").unwrap_or(&s.yaml)),
                format!(
                    "global helper `{gid}` has the name of a standard-library or installed module, which wins under PAT: `import {gid}` gets that module, never this helper"
                ),
            ));
            continue;
        }
        if helper_files.contains_key(gid) {
            diags.push(Diagnostic::new(
                Code::DuplicateId,
                span_of(s, &s.yaml),
                format!("duplicate GlobalID `{gid}`"),
            ));
            continue;
        }
        helper_files.insert(gid.to_string(), (py, span_of(s, &s.yaml)));
    }
    // Library modules compiled from the Python environment PAT runs in, unless a global
    // helper of the same package shadows them.
    let mut usage = crate::lower::libraries::LibraryUse::default();
    let mut packages = BTreeSet::new();
    for (dotted, file) in libs.modules() {
        let package = dotted.split('.').next().unwrap_or_default().to_string();
        if helper_files.contains_key(&package) || helper_files.contains_key(&dotted) {
            continue;
        }
        let file = file.display().to_string();
        usage.modules.insert(dotted.clone(), file.clone());
        helper_files.insert(dotted, (file.clone(), Span::new(file, 1, 1)));
        // Its `__init__` is modelled by the runtime: `from package import module` binds
        // the compiled module.
        packages.insert(package);
    }
    let helpers: BTreeSet<String> = helper_files.keys().cloned().collect();
    let env = ImportEnv {
        helpers: &helpers,
        packages: &packages,
    };
    let mut failed_modules: BTreeSet<String> = BTreeSet::new();

    for (gid, (py, span)) in &helper_files {
        let loaded = if usage.modules.contains_key(gid) {
            load_library_python(py, span)
        } else {
            load_python(root, py, span)
        };
        match loaded {
            Ok(file) => {
                let (m, d) = lower_module(&file, gid, ModuleKind::Helper, &env);
                usage.note(gid, &m.imports);
                if d.iter().any(|d| d.code.is_error()) {
                    failed_modules.insert(gid.clone());
                }
                diags.extend(d);
                program.modules.insert(gid.clone(), m);
            }
            Err(d) => {
                failed_modules.insert(gid.clone());
                diags.push(d);
            }
        }
    }

    // A helper that imports a failed helper fails too.
    loop {
        let newly: Vec<(String, String)> = program
            .modules
            .iter()
            .filter(|(n, _)| !failed_modules.contains(*n))
            .filter_map(|(n, m)| {
                m.imports
                    .iter()
                    .find(|i| failed_modules.contains(*i))
                    .map(|dep| (n.clone(), dep.clone()))
            })
            .collect();
        if newly.is_empty() {
            break;
        }
        for (n, dep) in newly {
            let file = program
                .modules
                .get(&n)
                .map(|m| m.file.clone())
                .unwrap_or_default();
            diags.push(Diagnostic::new(
                Code::Dependency,
                Span::new(file, 1, 1),
                format!("depends on global helper `{dep}`, which was not converted"),
            ));
            failed_modules.insert(n);
        }
    }

    // Data models (enabled ones only, as PAT; the first one wins a log type).
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    // Every Path mapping, read once by jsonpath_ng in PAT's environment.
    let dm_paths: Vec<String> = specs
        .iter()
        .filter(|s| kind_of(s) == "datamodel")
        .filter_map(|s| match s.yaml.get("Mappings") {
            Some(YNode {
                value: YValue::Seq(items),
                ..
            }) => Some(items.iter()),
            _ => None,
        })
        .flatten()
        .filter_map(|m| m.get("Path").and_then(|p| p.as_str()).map(str::to_string))
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    let readings = libs.jsonpath_readings(&dm_paths);
    // Log types whose data model could not be converted: detections on them would see no
    // data model where Panther applies one, so they are refused too.
    let mut failed_log_types: BTreeMap<String, String> = BTreeMap::new();
    for s in specs.iter().filter(|s| kind_of(s) == "datamodel") {
        if !s.yaml.get("Enabled").map(|e| e.truthy()).unwrap_or(false) {
            continue;
        }
        let Some(id) = str_key(s, "DataModelID") else {
            diags.push(spec_error(s, "a data model needs `DataModelID`"));
            continue;
        };
        let module_name = format!("datamodel:{id}");
        let mut module = None;
        if let Some(fname) = str_key(s, "Filename") {
            let py = join(&s.dir, fname);
            match load_python(root, &py, &span_of(s, &s.yaml)) {
                Ok(file) => {
                    let (m, d) = lower_module(&file, &module_name, ModuleKind::DataModel, &env);
                    usage.note(&module_name, &m.imports);
                    let mut bad = d.iter().any(|d| d.code.is_error());
                    diags.extend(d.into_iter().map(|d| d.for_detection(id)));
                    if !bad {
                        if let Some(dep) = failed_dependency(&m, &program, &failed_modules) {
                            diags.push(
                                Diagnostic::new(
                                    Code::Dependency,
                                    Span::new(py.clone(), 1, 1),
                                    format!(
                                        "depends on global helper `{dep}`, which was not converted"
                                    ),
                                )
                                .for_detection(id),
                            );
                            bad = true;
                        }
                    }
                    if bad {
                        for lt in str_list(s, "LogTypes") {
                            failed_log_types.entry(lt).or_insert_with(|| id.to_string());
                        }
                        continue;
                    }
                    program.modules.insert(module_name.clone(), m);
                    module = Some(module_name.clone());
                }
                Err(d) => {
                    diags.push(d.for_detection(id));
                    for lt in str_list(s, "LogTypes") {
                        failed_log_types.entry(lt).or_insert_with(|| id.to_string());
                    }
                    continue;
                }
            }
        }
        let mut mappings = Vec::new();
        let mut ok = true;
        if let Some(YNode {
            value: YValue::Seq(items),
            ..
        }) = s.yaml.get("Mappings")
        {
            for m in items.iter() {
                let name = m.get("Name").and_then(|n| n.as_str());
                let path = m.get("Path").and_then(|n| n.as_str());
                let method = m.get("Method").and_then(|n| n.as_str());
                match (name, path, method) {
                    (Some(n), Some(p), None) => {
                        if let Err(why) = crate::lower::libraries::check_path(p, readings.as_ref())
                        {
                            diags.push(
                                Diagnostic::new(Code::Unsupported, span_of(s, m), why)
                                    .for_detection(id),
                            );
                            ok = false;
                        }
                        mappings.push(Mapping {
                            name: n.into(),
                            path: Some(p.into()),
                            method: None,
                        })
                    }
                    (Some(n), None, Some(f)) => {
                        let defined = module
                            .as_ref()
                            .and_then(|mn| program.modules.get(mn))
                            .map(|m| m.slot(f).is_some())
                            .unwrap_or(false);
                        if !defined {
                            diags.push(
                                Diagnostic::new(
                                    Code::SpecInvalid,
                                    span_of(s, m),
                                    format!(
                                        "data model method `{f}` is not defined in its Python file"
                                    ),
                                )
                                .for_detection(id),
                            );
                            ok = false;
                        }
                        mappings.push(Mapping {
                            name: n.into(),
                            path: None,
                            method: Some(f.into()),
                        })
                    }
                    _ => {
                        diags.push(
                            Diagnostic::new(
                                Code::SpecInvalid,
                                span_of(s, m),
                                "a mapping needs `Name` and exactly one of `Path` or `Method`",
                            )
                            .for_detection(id),
                        );
                        ok = false;
                    }
                }
            }
        }
        if !ok {
            for lt in str_list(s, "LogTypes") {
                failed_log_types.entry(lt).or_insert_with(|| id.to_string());
            }
            continue;
        }
        let log_types: Vec<String> = str_list(s, "LogTypes")
            .into_iter()
            .filter(|lt| claimed.insert(lt.clone()))
            .collect();
        program.data_models.push(DataModel {
            id: id.to_string(),
            log_types,
            module,
            mappings,
            pypanther_class: None,
        });
    }

    // Detection modules are read, parsed and lowered in parallel (each only reads `env`);
    // the loop below takes them in spec order, so output never depends on scheduling.
    let mut premade: Vec<Option<Lowered>> = specs
        .par_iter()
        .map(|s| {
            let id_key = match kind_of(s).as_str() {
                "rule" | "scheduled_rule" => "RuleID",
                "policy" => "PolicyID",
                _ => return None,
            };
            let id = str_key(s, id_key)?;
            let fname = str_key(s, "Filename")?;
            Some(lower_detection_module(
                root,
                s,
                id,
                &join(&s.dir, fname),
                &env,
            ))
        })
        .collect();

    // Detections.
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    for (index, s) in specs.iter().enumerate() {
        let kind = match kind_of(s).as_str() {
            "rule" => DetectionKind::Rule,
            "scheduled_rule" => DetectionKind::ScheduledRule,
            "policy" => DetectionKind::Policy,
            "correlation_rule" => {
                diags.push(Diagnostic::new(
                    Code::Skipped,
                    span_of(s, &s.yaml),
                    "correlation rules are not compiled (PAT tests them through the backend)",
                ));
                continue;
            }
            k if ANALYSIS_TYPES.contains(&k) => continue,
            _ => {
                let at = s.yaml.get("AnalysisType").unwrap_or(&s.yaml);
                diags.push(Diagnostic::new(
                    Code::SpecInvalid,
                    span_of(s, at),
                    format!(
                        "`AnalysisType` must be one of {} (PAT rejects this spec)",
                        ANALYSIS_TYPES.join(", ")
                    ),
                ));
                continue;
            }
        };
        let id_key = if kind == DetectionKind::Policy {
            "PolicyID"
        } else {
            "RuleID"
        };
        let Some(id) = str_key(s, id_key) else {
            diags.push(spec_error(s, &format!("missing `{id_key}`")));
            continue;
        };
        if let Some(first) = seen_ids.get(id) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    span_of(s, s.yaml.get(id_key).unwrap_or(&s.yaml)),
                    format!("duplicate detection id `{id}` (first defined in {first})"),
                )
                .for_detection(id),
            );
            continue;
        }
        seen_ids.insert(id.to_string(), s.rel.clone());
        if s.yaml.get("BaseDetection").is_some() {
            diags.push(
                Diagnostic::new(
                    Code::Unsupported,
                    span_of(s, &s.yaml),
                    "derived detections (`BaseDetection`) are not supported yet",
                )
                .for_detection(id),
            );
            continue;
        }
        if s.yaml.get("Detection").is_some() && str_key(s, "Filename").is_none() {
            diags.push(
                Diagnostic::new(
                    Code::Skipped,
                    span_of(s, &s.yaml),
                    "simple (YAML) detections need the Panther backend to transpile them",
                )
                .for_detection(id),
            );
            continue;
        }
        let Some(fname) = str_key(s, "Filename") else {
            diags.push(spec_error(s, "missing `Filename`").for_detection(id));
            continue;
        };
        let Some(severity) = str_key(s, "Severity") else {
            diags.push(spec_error(s, "missing `Severity`").for_detection(id));
            continue;
        };
        let py = join(&s.dir, fname);
        let lowered = premade[index]
            .take()
            .unwrap_or_else(|| lower_detection_module(root, s, id, &py, &env));
        let (module, d) = match lowered {
            Ok(l) => l,
            Err(d) => {
                diags.push(d.for_detection(id));
                continue;
            }
        };
        let module_name = format!("detection:{id}");
        usage.note(&module_name, &module.imports);
        let mut bad = d.iter().any(|d| d.code.is_error());
        diags.extend(d.into_iter().map(|d| d.for_detection(id)));
        let matcher = if kind == DetectionKind::Policy {
            "policy"
        } else {
            "rule"
        };
        if !bad && !defines_function(&module, matcher) {
            diags.push(
                Diagnostic::new(
                    Code::MissingMatcher,
                    Span::new(py.clone(), 1, 1),
                    format!("`{matcher}()` is not defined"),
                )
                .for_detection(id),
            );
            bad = true;
        }
        if !bad {
            if let Some(dep) = failed_dependency(&module, &program, &failed_modules) {
                diags.push(
                    Diagnostic::new(
                        Code::Dependency,
                        Span::new(py.clone(), 1, 1),
                        format!("depends on global helper `{dep}`, which was not converted"),
                    )
                    .for_detection(id),
                );
                bad = true;
            }
        }
        if !bad && kind == DetectionKind::Rule {
            if let Some((lt, dm)) = str_list(s, "LogTypes")
                .into_iter()
                .find_map(|lt| failed_log_types.get(&lt).map(|dm| (lt.clone(), dm.clone())))
            {
                diags.push(
                    Diagnostic::new(
                        Code::Dependency,
                        span_of(s, s.yaml.get("LogTypes").unwrap_or(&s.yaml)),
                        format!("log type `{lt}` has data model `{dm}`, which was not converted"),
                    )
                    .for_detection(id),
                );
                bad = true;
            }
        }
        let tests = match lower_tests(s, kind) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d.for_detection(id));
                bad = true;
                Vec::new()
            }
        };
        if bad {
            continue;
        }
        program.modules.insert(module_name.clone(), module);
        program.detections.push(Detection {
            id: id.to_string(),
            kind,
            file: s.rel.clone(),
            module: module_name,
            py_file: py.clone(),
            display_name: match s.yaml.get("DisplayName") {
                Some(v) => v.as_str().map(str::to_string).unwrap_or_default(),
                None => String::new(),
            },
            severity: severity.to_string(),
            enabled: s.yaml.get("Enabled").map(|e| e.truthy()).unwrap_or(false),
            create_alert: s
                .yaml
                .get("CreateAlert")
                .map(|e| e.truthy())
                .unwrap_or(true),
            tests,
            span: span_of(s, &s.yaml),
        });
    }
    // Imports of names a helper never binds: the importing module fails to load.
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
        failed_modules.insert(module.clone());
        program.detections.retain(|det| det.module != module);
    }
    // Detections (and data models) reaching a helper that failed late are dropped too.
    let late: Vec<(String, String, String)> = program
        .detections
        .iter()
        .filter_map(|det| {
            let m = program.modules.get(&det.module)?;
            failed_dependency(m, &program, &failed_modules)
                .map(|dep| (det.id.clone(), det.module.clone(), dep))
        })
        .collect();
    for (id, module, dep) in late {
        let file = program
            .modules
            .get(&module)
            .map(|m| m.file.clone())
            .unwrap_or_default();
        diags.push(
            Diagnostic::new(
                Code::Dependency,
                Span::new(file, 1, 1),
                format!("depends on global helper `{dep}`, which was not converted"),
            )
            .for_detection(&id),
        );
        program.detections.retain(|d| d.id != id);
        failed_modules.insert(module);
    }
    let late_dms: Vec<String> = program
        .data_models
        .iter()
        .filter_map(|dm| dm.module.as_ref())
        .filter(|m| {
            program
                .modules
                .get(*m)
                .is_some_and(|md| failed_dependency(md, &program, &failed_modules).is_some())
        })
        .cloned()
        .collect();
    program
        .data_models
        .retain(|dm| dm.module.as_ref().is_none_or(|m| !late_dms.contains(m)));
    failed_modules.extend(late_dms);
    // Helpers that failed are left out of the program; so are modules that import them.
    for m in &failed_modules {
        program.modules.remove(m);
    }
    crate::lower::libraries::finish(&mut program, &mut diags, &libs, &usage);
    program.detections.sort_by(|a, b| a.id.cmp(&b.id));
    (program, diags)
}

fn defines_function(m: &Module, name: &str) -> bool {
    m.body
        .iter()
        .any(|s| matches!(s, Stmt::Def(Target::Name(Name::Global(_, n)), _) if n == name))
}

/// The first failed helper a module reaches through its imports, if any.
pub(crate) fn failed_dependency(
    m: &Module,
    program: &Program,
    failed: &BTreeSet<String>,
) -> Option<String> {
    let mut stack: Vec<String> = m.imports.clone();
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if failed.contains(&name) {
            return Some(name);
        }
        if let Some(dep) = program.modules.get(&name) {
            stack.extend(dep.imports.iter().cloned());
        }
    }
    None
}

/// How much test data a spec may expand to (nodes plus string bytes, aliases expanded),
/// per byte of the spec file: generous for any real use of anchors, small enough that a
/// file of nested aliases cannot exhaust memory.
const EXPANSION_PER_BYTE: u64 = 64;
/// The deepest test data the runtime's JSON reader takes (see `ferrule_runtime::event`).
const TEST_DATA_MAX_DEPTH: usize = 900;
const EXPANSION_BASE: u64 = 1 << 16;

fn lower_tests(s: &SpecFile, kind: DetectionKind) -> Result<Vec<UnitTest>, Diagnostic> {
    let mut out = Vec::new();
    let Some(tests) = s.yaml.get("Tests") else {
        return Ok(out);
    };
    let limit = EXPANSION_BASE.saturating_add(EXPANSION_PER_BYTE.saturating_mul(s.size as u64));
    let size = crate::source::yaml::expanded_size(tests);
    if size > limit {
        return Err(Diagnostic::new(
            Code::TestData,
            span_of(s, tests),
            format!(
                "the unit tests expand to more than {limit} values and characters once YAML aliases are copied ({} per byte of the spec); refusing to build them",
                EXPANSION_PER_BYTE
            ),
        ));
    }
    // A policy receives its resource as a plain, mutable dict: a collection that YAML
    // aliases into two places is one shared object there, which copied JSON cannot be.
    if kind == DetectionKind::Policy {
        if let Some(shared) = shared_collection(tests) {
            return Err(Diagnostic::new(
                Code::TestData,
                span_of(s, shared),
                "a YAML alias shares this collection between places of a policy's test data (one mutable Python object there); ferrule cannot copy it faithfully",
            ));
        }
    }
    let YValue::Seq(items) = &tests.value else {
        return Err(Diagnostic::new(
            Code::SpecInvalid,
            span_of(s, tests),
            "`Tests` must be a list",
        ));
    };
    for t in items.iter() {
        let name = match t.get("Name") {
            Some(n) => scalar_text(n),
            None => {
                return Err(Diagnostic::new(
                    Code::SpecInvalid,
                    span_of(s, t),
                    "a unit test needs `Name`",
                ))
            }
        };
        let expected = t.get("ExpectedResult").ok_or_else(|| {
            Diagnostic::new(
                Code::SpecInvalid,
                span_of(s, t),
                format!("unit test `{name}` needs `ExpectedResult`"),
            )
        })?;
        let data_key = if t.get("Resource").is_some() {
            "Resource"
        } else {
            "Log"
        };
        let data = t.get(data_key).ok_or_else(|| {
            Diagnostic::new(
                Code::SpecInvalid,
                span_of(s, t),
                format!(
                    "unit test `{name}` needs `{}`",
                    if kind == DetectionKind::Policy {
                        "Resource"
                    } else {
                        "Log"
                    }
                ),
            )
        })?;
        let mut mocks = Vec::new();
        if let Some(YNode {
            value: YValue::Seq(ms),
            ..
        }) = t.get("Mocks")
        {
            for m in ms.iter() {
                if let (Some(on), Some(rv)) = (m.get("objectName"), m.get("returnValue")) {
                    let on = scalar_text(on);
                    mocks.push((on, to_json(s, rv)?));
                }
            }
        }
        let expected_destinations = match t.get("ExpectedDestinations") {
            None => None,
            Some(YNode {
                value: YValue::Seq(ds),
                ..
            }) => Some(ds.iter().map(scalar_text).collect()),
            Some(YNode {
                value: YValue::Null,
                ..
            }) => None,
            Some(other) => {
                return Err(Diagnostic::new(
                    Code::TestData,
                    span_of(s, other),
                    "`ExpectedDestinations` must be a list",
                ))
            }
        };
        out.push(UnitTest {
            name,
            expected_json: to_json(s, expected)?,
            event_json: to_json(s, data)?,
            mocks,
            expected_destinations,
            expected_fields: Vec::new(),
        });
    }
    Ok(out)
}

/// The first collection reached twice (through an alias) under `n`.
fn shared_collection(n: &YNode) -> Option<&YNode> {
    fn go<'a>(n: &'a YNode, seen: &mut BTreeSet<usize>) -> Option<&'a YNode> {
        let key = match &n.value {
            YValue::Seq(v) => std::sync::Arc::as_ptr(v) as usize,
            YValue::Map(v) => std::sync::Arc::as_ptr(v) as usize,
            _ => return None,
        };
        if !seen.insert(key) {
            return Some(n);
        }
        match &n.value {
            YValue::Seq(v) => v.iter().find_map(|i| go(i, seen)),
            YValue::Map(v) => v
                .iter()
                .find_map(|(k, x)| go(k, seen).or_else(|| go(x, seen))),
            _ => None,
        }
    }
    go(n, &mut BTreeSet::new())
}

fn scalar_text(n: &YNode) -> String {
    match &n.value {
        YValue::Str(s) => s.to_string(),
        YValue::BigInt(s) => s.to_string(),
        YValue::Int(i) => i.to_string(),
        YValue::Bool(b) => {
            if *b {
                "True".into()
            } else {
                "False".into()
            }
        }
        YValue::Float(f) => ferrule_runtime::fmt::float_repr(*f),
        YValue::Null => "None".into(),
        _ => String::new(),
    }
}

/// Test data as JSON text; refuses what JSON cannot carry exactly.
fn to_json(s: &SpecFile, n: &YNode) -> Result<String, Diagnostic> {
    fn conv(s: &SpecFile, n: &YNode, depth: usize) -> Result<serde_json::Value, Diagnostic> {
        // The runtime reads test data with its `json.loads` model, which stops at 900
        // levels (CPython's RecursionError); PAT hands YAML's dicts over directly.
        if depth > TEST_DATA_MAX_DEPTH {
            return Err(Diagnostic::new(
                Code::TestData,
                span_of(s, n),
                format!(
                    "test data nested deeper than {TEST_DATA_MAX_DEPTH} levels is not supported"
                ),
            ));
        }
        Ok(match &n.value {
            YValue::Null => serde_json::Value::Null,
            YValue::Bool(b) => serde_json::Value::Bool(*b),
            YValue::Int(i) => match i64::try_from(*i) {
                Ok(v) => serde_json::Value::from(v),
                Err(_) => {
                    return Err(Diagnostic::new(
                        Code::TestData,
                        span_of(s, n),
                        "integers beyond 64 bits in test data are not supported",
                    ))
                }
            },
            YValue::BigInt(_) => {
                return Err(Diagnostic::new(
                    Code::TestData,
                    span_of(s, n),
                    "integers beyond 64 bits in test data are not supported",
                ))
            }
            YValue::Other(ty) => {
                return Err(Diagnostic::new(
                    Code::TestData,
                    span_of(s, n),
                    format!("a Python `{ty}` (from a YAML tag) in test data is not supported"),
                ))
            }
            YValue::Recursive(_) | YValue::Invalid(_) => {
                return Err(Diagnostic::new(
                    Code::TestData,
                    span_of(s, n),
                    "a collection that contains itself (through a YAML alias) cannot be test data",
                ))
            }
            YValue::Float(f) => match serde_json::Number::from_f64(*f) {
                Some(num) => serde_json::Value::Number(num),
                None => {
                    return Err(Diagnostic::new(
                        Code::TestData,
                        span_of(s, n),
                        "non-finite floats in test data are not supported",
                    ))
                }
            },
            YValue::Str(t) => serde_json::Value::String(t.to_string()),
            YValue::Seq(items) => serde_json::Value::Array(
                items
                    .iter()
                    .map(|i| conv(s, i, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            YValue::Map(entries) => {
                let mut m = serde_json::Map::new();
                for (k, v) in entries.iter() {
                    let YValue::Str(key) = &k.value else {
                        return Err(Diagnostic::new(
                            Code::TestData,
                            span_of(s, k),
                            "non-string keys in test data are not supported",
                        ));
                    };
                    // PyYAML keeps the last of duplicate keys, in the first key's place.
                    m.insert(key.to_string(), conv(s, v, depth + 1)?);
                }
                serde_json::Value::Object(m)
            }
        })
    }
    let v = conv(s, n, 1)?;
    Ok(serde_json::to_string(&v).unwrap_or_default())
}

fn str_key<'a>(s: &'a SpecFile, key: &str) -> Option<&'a str> {
    s.yaml.get(key).and_then(|v| v.as_str())
}

fn str_list(s: &SpecFile, key: &str) -> Vec<String> {
    match s.yaml.get(key) {
        Some(YNode {
            value: YValue::Seq(items),
            ..
        }) => items
            .iter()
            .filter_map(|i| i.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

fn span_of(s: &SpecFile, n: &YNode) -> Span {
    Span::new(s.rel.clone(), n.line, n.col)
}

fn spec_error(s: &SpecFile, msg: &str) -> Diagnostic {
    Diagnostic::new(Code::SpecInvalid, span_of(s, &s.yaml), msg.to_string())
}

/// `os.path.join(dir, fname)`: an absolute `fname` replaces the directory.
fn join(dir: &str, fname: &str) -> String {
    if dir.is_empty() || fname.starts_with('/') {
        fname.to_string()
    } else {
        format!("{dir}/{fname}")
    }
}

/// A detection's lowered module and its diagnostics, or why its Python file was not read.
type Lowered = Result<(Module, Vec<Diagnostic>), Diagnostic>;

/// Reads, parses and lowers the Python file `py` of the detection `id` specified by `s`.
fn lower_detection_module(
    root: &Path,
    s: &SpecFile,
    id: &str,
    py: &str,
    env: &ImportEnv,
) -> Lowered {
    let from = span_of(s, s.yaml.get("Filename").unwrap_or(&s.yaml));
    let file = load_python(root, py, &from)?;
    let module_name = format!("detection:{id}");
    Ok(lower_module(
        &file,
        &module_name,
        ModuleKind::Detection,
        env,
    ))
}

/// A library module of PAT's Python environment (`lower/libraries.rs`): read where PAT
/// imports it from, outside the repository by nature.
fn load_library_python(file: &str, from: &Span) -> Result<python::PyFile, Diagnostic> {
    let missing = |what: String| Diagnostic::new(Code::MissingPython, from.clone(), what);
    let bytes = std::fs::read(file)
        .map_err(|e| missing(format!("cannot read library module `{file}`: {}", e.kind())))?;
    match python::decode(&bytes) {
        Ok(text) => python::parse(file, text),
        Err((msg, offset)) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let (line, col) = crate::diag::line_col(&text, offset);
            Err(Diagnostic::new(
                Code::PythonSyntax,
                Span::new(file, line, col),
                format!("Python syntax error: {msg}"),
            ))
        }
    }
}

fn load_python(root: &Path, rel: &str, from: &Span) -> Result<python::PyFile, Diagnostic> {
    let path = root.join(rel);
    let missing = |what: String| Diagnostic::new(Code::MissingPython, from.clone(), what);
    if path.canonicalize().is_err() {
        return Err(missing(format!(
            "cannot read Python file `{rel}`: not found"
        )));
    }
    // A `Filename` (or a link it names) leading out of the repository is never read, and
    // where it leads is never shown.
    if !crate::source::v1::allowed_roots(root)
        .iter()
        .any(|r| crate::source::v1::resolves_inside(&path, r))
    {
        return Err(missing(format!(
            "Python file `{rel}` resolves outside the repository; it is not read"
        )));
    }
    match std::fs::read(&path) {
        Ok(bytes) => match python::decode(&bytes) {
            Ok(text) => python::parse(rel, text),
            Err((msg, offset)) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let (line, col) = crate::diag::line_col(&text, offset);
                Err(Diagnostic::new(
                    Code::PythonSyntax,
                    Span::new(rel, line, col),
                    format!("Python syntax error: {msg}"),
                ))
            }
        },
        Err(e) => Err(missing(format!(
            "cannot read Python file `{rel}`: {}",
            e.kind()
        ))),
    }
}
