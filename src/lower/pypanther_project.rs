//! The PyPanther front end for projects (a directory with `main.py`) and for the
//! `pypanther` package itself: every module lowered to IR with its class statements as items
//! (`Stmt::ClassDef`), pypanther's API imported virtually; the resolve stage
//! (`resolve/project`) then runs the configuration and decides what is compiled.
//!
//! The installed `pypanther` is found as `pypanther test` finds it — the active virtualenv,
//! else `python3` on PATH, or `--python` — by asking that Python where the package is
//! (`importlib.util.find_spec`, which does not run the package); the project itself is never
//! imported or run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use rayon::prelude::*;
use rustpython_parser::ast;

use crate::diag::{Code, Diagnostic, Span};
use crate::ir::*;
use crate::lower::libraries::{Libraries, LibraryUse};
use crate::lower::python::{lower_module_with, ImportEnv, ProjectLowering};
use crate::resolve::project::{EntryPoint, Input, ModInfo, Origin};
use crate::source::python::{self as pysrc, PyFile};

/// Finds the installed `pypanther` package directory: with `python` if given, else the
/// active virtualenv's Python, else `python3` on PATH.
pub fn find_pypanther(python: Option<&Path>) -> Result<PathBuf, String> {
    let py: PathBuf = match python {
        Some(p) => p.to_path_buf(),
        None => match std::env::var_os("VIRTUAL_ENV") {
            Some(v) if Path::new(&v).join("bin/python").exists() => {
                Path::new(&v).join("bin/python")
            }
            _ => PathBuf::from("python3"),
        },
    };
    let out = Command::new(&py)
        .args([
            "-c",
            "import importlib.util as u; s = u.find_spec('pypanther'); \
             print(list(s.submodule_search_locations)[0] if s and s.submodule_search_locations else '')",
        ])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", py.display()))?;
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if dir.is_empty() {
        return Err(format!(
            "pypanther is not installed for {} (use --python to choose a Python that has it)",
            py.display()
        ));
    }
    Ok(PathBuf::from(dir))
}

/// Python files under `root/dir` (relative to `root`), skipping caches, hidden and virtual
/// environment directories.
fn py_files(root: &Path, dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_string()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(root.join(&d)) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let rel = if d.is_empty() {
                name.clone()
            } else {
                format!("{d}/{name}")
            };
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if name == "__pycache__"
                    || name.starts_with('.')
                    || root.join(&rel).join("pyvenv.cfg").exists()
                {
                    continue;
                }
                stack.push(rel);
            } else if name.ends_with(".py") {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// The dotted module name of a file (`a/b.py` → `a.b`, `a/__init__.py` → `a`).
fn dotted(rel: &str) -> String {
    let s = rel.trim_end_matches(".py").trim_end_matches("/__init__");
    s.replace('/', ".")
}

/// What `pkgutil.walk_packages` yields under the package directory `root/dir` (prefix
/// `prefix.`): submodules and subpackages sorted by file name, each package followed by its
/// own contents.
fn walk_packages(root: &Path, dir: &str, prefix: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
        return out;
    };
    let mut names: Vec<String> = rd
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    let mut yielded: BTreeSet<String> = BTreeSet::new();
    for fname in names {
        let path = root.join(dir).join(&fname);
        let (modname, is_pkg) = if let Some(m) = fname.strip_suffix(".py") {
            if m == "__init__" || m.contains('.') {
                continue;
            }
            (m.to_string(), false)
        } else if path.is_dir() && !fname.contains('.') && path.join("__init__.py").is_file() {
            (fname.clone(), true)
        } else {
            continue;
        };
        if !is_identifier(&modname) || !yielded.insert(modname.clone()) {
            continue;
        }
        let full = format!("{prefix}.{modname}");
        out.push((full.clone(), is_pkg));
        if is_pkg {
            out.extend(walk_packages(root, &format!("{dir}/{fname}"), &full));
        }
    }
    out
}

fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_')
        && c.all(|x| x.is_alphanumeric() || x == '_')
}

/// The modules a parsed file imports (anywhere in it), as dotted names with their parent
/// packages.
fn imported(body: &[ast::Stmt], out: &mut BTreeSet<String>) {
    fn add(name: &str, out: &mut BTreeSet<String>) {
        let mut prefix = String::new();
        for part in name.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            out.insert(prefix.clone());
        }
    }
    for s in body {
        match s {
            ast::Stmt::Import(i) => i.names.iter().for_each(|a| add(a.name.as_str(), out)),
            ast::Stmt::ImportFrom(i) => {
                if let Some(m) = &i.module {
                    add(m.as_str(), out);
                    for a in &i.names {
                        out.insert(format!("{}.{}", m.as_str(), a.name.as_str()));
                    }
                }
            }
            ast::Stmt::FunctionDef(f) => imported(&f.body, out),
            ast::Stmt::ClassDef(c) => imported(&c.body, out),
            ast::Stmt::If(x) => {
                imported(&x.body, out);
                imported(&x.orelse, out);
            }
            ast::Stmt::For(x) => {
                imported(&x.body, out);
                imported(&x.orelse, out);
            }
            ast::Stmt::While(x) => {
                imported(&x.body, out);
                imported(&x.orelse, out);
            }
            ast::Stmt::Try(x) => {
                imported(&x.body, out);
                for h in &x.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    imported(&h.body, out);
                }
                imported(&x.orelse, out);
                imported(&x.finalbody, out);
            }
            ast::Stmt::With(x) => imported(&x.body, out),
            _ => {}
        }
    }
}

/// The lowered package and what the resolve stage needs to know about it.
struct Lowered {
    modules: BTreeMap<String, Module>,
    info: BTreeMap<String, ModInfo>,
    failed: BTreeSet<String>,
    base: Program,
    log_types: BTreeMap<String, String>,
    managed_rules: Option<String>,
    data_models_ok: bool,
    libraries: Libraries,
}

/// A source file to lower with the project rules.
struct Source {
    dotted: String,
    /// The file as diagnostics show it, relative to `root`.
    file: String,
    root: PathBuf,
    path: PathBuf,
    origin: Origin,
}

fn parse_file(path: &Path, file: &str) -> Result<PyFile, Diagnostic> {
    match std::fs::read_to_string(path) {
        Ok(text) => pysrc::parse(file, text),
        Err(e) => Err(Diagnostic::new(
            Code::MissingPython,
            Span::new(file, 1, 1),
            format!("cannot read `{file}`: {e}"),
        )),
    }
}

/// Lowers the package's helpers, libraries, data models and managed rule modules, and the
/// `extra` sources (a project's modules), all seeing each other's names.
fn lower_all(pkg: &Path, extra: Vec<Source>, diags: &mut Vec<Diagnostic>) -> Lowered {
    let root = pkg.parent().unwrap_or(Path::new("."));
    let pkg_name = pkg
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "pypanther".into());
    let mut base = Program::default();
    let mut info: BTreeMap<String, ModInfo> = BTreeMap::new();
    // Plain run-time modules: helpers and the libraries the package's rules import.
    let mut plain: BTreeMap<String, String> = BTreeMap::new();
    for rel in py_files(root, &format!("{pkg_name}/helpers")) {
        if rel.ends_with("__init__.py") {
            continue;
        }
        plain.insert(rel.trim_end_matches(".py").replace('/', "."), rel);
    }
    // Third-party libraries the rules import: those installed next to the package (their
    // data files are added for what the built program imports, `resolve::project`).
    let libraries = Libraries::from_site_packages(root);
    libraries.install_in_compiler();
    let mut usage = LibraryUse::default();
    let mut packages: BTreeSet<String> = BTreeSet::new();
    for (name, file) in libraries.modules() {
        let rel = file
            .strip_prefix(root)
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| file.display().to_string());
        usage.modules.insert(name.clone(), rel.clone());
        if let Some(package) = name.split('.').next() {
            packages.insert(package.to_string());
        }
        plain.insert(name, rel);
    }
    // Managed rule modules (packages included).
    let rules_dir = format!("{pkg_name}/rules");
    let mut sources: Vec<Source> = Vec::new();
    let managed_rules = root
        .join(&rules_dir)
        .join("__init__.py")
        .is_file()
        .then(|| format!("{pkg_name}.rules"));
    for rel in py_files(root, &rules_dir) {
        sources.push(Source {
            dotted: dotted(&rel),
            file: rel.clone(),
            root: root.to_path_buf(),
            path: root.join(&rel),
            origin: Origin::Managed,
        });
    }
    sources.extend(extra);
    // Every compiled module is importable by every other.
    let mut helpers: BTreeSet<String> = plain.keys().cloned().collect();
    helpers.extend(sources.iter().map(|s| s.dotted.clone()));
    let helpers_init = format!("{pkg_name}/helpers/__init__.py");
    if std::fs::read_to_string(root.join(&helpers_init)).is_ok_and(|t| t.trim().is_empty()) {
        packages.insert(format!("{pkg_name}.helpers"));
    }
    for s in &sources {
        if s.file.ends_with("__init__.py") {
            packages.insert(s.dotted.clone());
        }
    }
    let dm_files = py_files(root, &format!("{pkg_name}/data_models"));
    let data_model_names: BTreeSet<String> = dm_files
        .iter()
        .filter(|r| !r.ends_with("__init__.py"))
        .map(|r| r.trim_end_matches(".py").replace('/', "."))
        .collect();
    helpers.extend(data_model_names);
    let env = ImportEnv {
        helpers: &helpers,
        packages: &packages,
    };
    let virtual_modules: BTreeSet<String> = crate::resolve::project::api::VIRTUAL_MODULES
        .iter()
        .map(|s| s.to_string())
        .collect();
    let project_lowering = ProjectLowering {
        virtual_modules: Some(&virtual_modules),
        class_items: true,
    };
    let mut modules = BTreeMap::new();
    let mut failed = BTreeSet::new();
    // Plain modules, in parallel.
    let plain_list: Vec<(&String, &String)> = plain.iter().collect();
    let lowered: Vec<_> = plain_list
        .par_iter()
        .map(|(name, rel)| {
            crate::lower::pypanther::load(root, rel).map(|file| {
                crate::lower::python::lower_module(&file, name, ModuleKind::Helper, &env)
            })
        })
        .collect();
    for ((name, rel), outcome) in plain_list.into_iter().zip(lowered) {
        info.insert(
            name.clone(),
            ModInfo {
                file: rel.clone(),
                origin: Origin::Library,
                package: false,
                walk: Vec::new(),
            },
        );
        match outcome {
            Ok((m, d)) => {
                if d.iter().any(|d| d.code.is_error()) {
                    failed.insert(name.clone());
                }
                diags.extend(d);
                modules.insert(name.clone(), m);
            }
            Err(d) => {
                failed.insert(name.clone());
                diags.push(d);
            }
        }
    }
    // Data models (before the rules: pypanther builds them all for every test).
    let mut dm_program = Program::default();
    let dm_ok = crate::lower::pypanther_dm::lower_data_models(
        root,
        &pkg_name,
        &dm_files,
        &env,
        &mut dm_program,
        diags,
    );
    for (name, m) in std::mem::take(&mut dm_program.modules) {
        info.insert(
            name.clone(),
            ModInfo {
                file: m.file.clone(),
                origin: Origin::Library,
                package: false,
                walk: Vec::new(),
            },
        );
        modules.insert(name, m);
    }
    base.data_models = dm_program.data_models;
    // Project and managed modules, in parallel.
    let lowered: Vec<_> = sources
        .par_iter()
        .map(|s| {
            parse_file(&s.path, &s.file).map(|file| {
                lower_module_with(
                    &file,
                    &s.dotted,
                    ModuleKind::Helper,
                    &env,
                    &project_lowering,
                )
            })
        })
        .collect();
    for (s, outcome) in sources.iter().zip(lowered) {
        let package = s.file.ends_with("__init__.py");
        let walk = if package {
            let dir = s.file.trim_end_matches("__init__.py").trim_end_matches('/');
            walk_packages(&s.root, dir, &s.dotted)
        } else {
            Vec::new()
        };
        info.insert(
            s.dotted.clone(),
            ModInfo {
                file: s.file.clone(),
                origin: s.origin,
                package,
                walk,
            },
        );
        match outcome {
            Ok((m, d)) => {
                if d.iter().any(|d| d.code.is_error()) {
                    failed.insert(s.dotted.clone());
                }
                diags.extend(d);
                modules.insert(s.dotted.clone(), m);
            }
            Err(d) => {
                failed.insert(s.dotted.clone());
                diags.push(d);
            }
        }
    }
    // Library modules nothing else reaches are not part of the program, nor are their
    // diagnostics.
    for (name, m) in &modules {
        usage.note(name, &m.imports);
    }
    for name in crate::lower::libraries::drop_unreached(&mut modules, diags, &usage) {
        info.remove(&name);
        failed.remove(&name);
    }
    // `from module import name` of a name the module never binds: ImportError at import.
    let check = Program {
        modules,
        ..Program::default()
    };
    for (module, d) in crate::resolve::check_imports(&check) {
        failed.insert(module);
        diags.push(d);
    }
    let modules = check.modules;
    // A module importing a failed one fails too (at run time it would raise on import).
    loop {
        let more: Vec<String> = modules
            .iter()
            .filter(|(n, m)| !failed.contains(*n) && m.imports.iter().any(|i| failed.contains(i)))
            .map(|(n, _)| n.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        failed.extend(more);
    }
    Lowered {
        modules,
        info,
        failed,
        base,
        log_types: crate::lower::pypanther_dm::log_type_values(root, &pkg_name),
        managed_rules,
        data_models_ok: dm_ok,
        libraries,
    }
}

/// The `pypanther` package directory itself: every managed rule, with its tests.
pub fn lower_package(pkg: &Path) -> (Input, Program, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let l = lower_all(pkg, Vec::new(), &mut diags);
    (
        Input {
            modules: l.modules,
            info: l.info,
            failed: l.failed,
            log_types: l.log_types,
            managed_rules: l.managed_rules,
            data_models_ok: l.data_models_ok,
            libraries: l.libraries,
            entry: EntryPoint::Package,
        },
        l.base,
        diags,
    )
}

/// A project directory (with `main.py`) over the installed package `pkg`.
pub fn lower_project(dir: &Path, pkg: &Path) -> (Input, Program, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // The project's modules that main.py reaches through imports (a package brings all its
    // modules: `get_rules` and `apply_overrides` walk it).
    let files = py_files(dir, "");
    let by_name: BTreeMap<String, String> = files
        .iter()
        .filter(|f| *f != "__init__.py")
        .map(|f| (dotted(f), f.clone()))
        .collect();
    let mut parsed: BTreeMap<String, Option<PyFile>> = BTreeMap::new();
    let mut wanted: Vec<String> = vec!["main".into()];
    let mut reached: BTreeSet<String> = BTreeSet::new();
    while let Some(m) = wanted.pop() {
        if !by_name.contains_key(&m) || !reached.insert(m.clone()) {
            continue;
        }
        let rel = &by_name[&m];
        let py = match parse_file(&dir.join(rel), rel) {
            Ok(py) => Some(py),
            Err(d) => {
                diags.push(d);
                None
            }
        };
        if let Some(py) = &py {
            let mut imps = BTreeSet::new();
            imported(&py.body, &mut imps);
            wanted.extend(imps);
        }
        if rel.ends_with("__init__.py") {
            let prefix = format!("{m}.");
            wanted.extend(by_name.keys().filter(|k| k.starts_with(&prefix)).cloned());
        }
        // A module's packages run before it.
        let mut prefix = String::new();
        for part in m.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            if prefix != m {
                wanted.push(prefix.clone());
            }
        }
        parsed.insert(m, py);
    }
    let extra: Vec<Source> = reached
        .iter()
        .filter(|m| parsed.get(*m).is_some_and(|p| p.is_some()))
        .map(|m| Source {
            dotted: m.clone(),
            file: by_name[m].clone(),
            root: dir.to_path_buf(),
            path: dir.join(&by_name[m]),
            origin: Origin::Project,
        })
        .collect();
    let l = lower_all(pkg, extra, &mut diags);
    let mut failed = l.failed;
    for (m, p) in &parsed {
        if p.is_none() {
            failed.insert(m.clone());
        }
    }
    (
        Input {
            modules: l.modules,
            info: l.info,
            failed,
            log_types: l.log_types,
            managed_rules: l.managed_rules,
            data_models_ok: l.data_models_ok,
            libraries: l.libraries,
            entry: EntryPoint::Main("main".into()),
        },
        l.base,
        diags,
    )
}
