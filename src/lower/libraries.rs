//! Third-party libraries that detections import, found where PAT finds them: never copied
//! into ferrule, read from the installed packages when a repository is compiled.
//!
//! For v1 input the libraries are those of the Python environment PAT runs in: the one
//! `--python PATH` names, else the active virtualenv (`$VIRTUAL_ENV`), else `python3` on
//! `PATH`; one run of that Python locates the packages. For PyPanther input they are the
//! packages installed next to `pypanther` (its site-packages).
//!
//! What is taken from them:
//! - modules compiled like global helpers ([`SOURCES`]: `policyuniverse`'s policy,
//!   statement, ARN, organization and common modules);
//! - data files handed to the runtime's models of the rest ([`Libraries::data_files`]):
//!   pycountry's ISO 3166-1 table, the part of policyuniverse's `data.json` its package
//!   `__init__` reads, and botocore's exception class table, read from
//!   `botocore/exceptions.py` (names, bases, string class attributes and a fingerprint of
//!   each class with its own `__init__`, see `runtime/src/stdlib/botocore.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use rustpython_parser::ast::{self, Ranged};

use crate::diag::Diagnostic;
use crate::ir::{Module, Program};

/// Library modules compiled from their installed source, by package.
pub const SOURCES: &[(&str, &[&str])] = &[(
    "policyuniverse",
    &["common", "arn", "organization", "statement", "policy"],
)];

/// The packages ferrule reads.
const PACKAGES: &[&str] = &[
    "policyuniverse",
    "pycountry",
    "botocore",
    "panther_detection_helpers",
];

/// Third-party modules the runtime models (by top-level name) beyond [`PACKAGES`]: whether
/// each is installed decides, as under PAT, whether it shadows a global helper of its name.
const MODELLED: &[&str] = &["boto3", "dateutil", "panther_core"];

/// Installed packages: name → package directory.
#[derive(Clone, Debug, Default)]
pub struct Libraries {
    packages: BTreeMap<String, PathBuf>,
    /// Which of [`PACKAGES`] and [`MODELLED`] are importable; `None` when that could not be
    /// asked (no Python to run).
    installed: Option<BTreeSet<String>>,
    /// The Python of the environment (v1), which also reads data-model JSONPaths.
    python: Option<PathBuf>,
    /// How they were found (for messages): the Python that was asked, or the directory.
    pub origin: String,
}

/// The Python chosen with `--python`, for the whole process.
static PYTHON: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Sets the Python interpreter whose environment holds the libraries (`--python`).
pub fn set_python(python: Option<PathBuf>) {
    if let Ok(mut p) = PYTHON.lock() {
        *p = python;
    }
}

/// The Python PAT would run under: `--python`, else `$VIRTUAL_ENV/bin/python`, else
/// `python3` on `PATH`.
pub fn chosen_python() -> PathBuf {
    if let Some(p) = PYTHON.lock().ok().and_then(|p| p.clone()) {
        return p;
    }
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
        let p = PathBuf::from(venv).join("bin").join("python");
        if p.exists() {
            return p;
        }
    }
    PathBuf::from("python3")
}

/// Asks `python` where each of [`PACKAGES`] is installed, without importing them.
const LOCATE: &str = r#"
import importlib.util, json, sys
out = {}
for name in sys.argv[1:]:
    try:
        spec = importlib.util.find_spec(name)
    except Exception:
        spec = None
    locs = list(spec.submodule_search_locations or []) if spec else []
    out[name] = locs[0] if locs else ("" if spec else None)
print(json.dumps(out))
"#;

impl Libraries {
    /// The packages installed in `site` (a site-packages directory).
    pub fn from_site_packages(site: &Path) -> Libraries {
        let packages: BTreeMap<String, PathBuf> = PACKAGES
            .iter()
            .map(|p| (p.to_string(), site.join(p)))
            .filter(|(_, d)| d.is_dir())
            .collect();
        let installed = PACKAGES
            .iter()
            .chain(MODELLED)
            .filter(|p| site.join(p).is_dir() || site.join(format!("{p}.py")).is_file())
            .map(|p| p.to_string())
            .collect();
        Libraries {
            packages,
            installed: Some(installed),
            python: None,
            origin: site.display().to_string(),
        }
    }

    /// The packages the Python environment of `python` has; an empty set (with the reason)
    /// when that Python cannot be run.
    pub fn from_python(python: &Path) -> Result<Libraries, String> {
        let out = Command::new(python)
            .arg("-c")
            .arg(LOCATE)
            .args(PACKAGES.iter().chain(MODELLED))
            // Not the repository: a directory there must not shadow an installed package.
            .current_dir(std::env::temp_dir())
            .output()
            .map_err(|e| format!("cannot run `{}`: {e}", python.display()))?;
        if !out.status.success() {
            return Err(format!(
                "`{}` failed: {}",
                python.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let found: BTreeMap<String, Option<String>> = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("unexpected output from `{}`: {e}", python.display()))?;
        Ok(Libraries {
            installed: Some(
                found
                    .iter()
                    .filter(|(_, v)| v.is_some())
                    .map(|(k, _)| k.clone())
                    .collect(),
            ),
            packages: found
                .into_iter()
                .filter(|(k, _)| PACKAGES.contains(&k.as_str()))
                .filter_map(|(k, v)| v.filter(|d| !d.is_empty()).map(|d| (k, PathBuf::from(d))))
                .collect(),
            python: Some(python.to_path_buf()),
            origin: python.display().to_string(),
        })
    }

    /// The libraries for v1 input (see the module documentation), and a note when the
    /// chosen Python could not be asked.
    ///
    /// Asking costs a Python process, so the answer is kept for the rest of the process, per
    /// interpreter: a process (one `ferrule` command, a test binary, a fuzz target) loads
    /// many repositories against an environment that does not change under it.
    pub fn for_v1() -> (Libraries, Option<String>) {
        static ASKED: Mutex<BTreeMap<PathBuf, (Libraries, Option<String>)>> =
            Mutex::new(BTreeMap::new());
        let python = chosen_python();
        if let Some(found) = ASKED.lock().ok().and_then(|a| a.get(&python).cloned()) {
            return found;
        }
        let found = Self::ask(&python);
        if let Ok(mut asked) = ASKED.lock() {
            asked.insert(python, found.clone());
        }
        found
    }

    fn ask(python: &Path) -> (Libraries, Option<String>) {
        match Libraries::from_python(python) {
            Ok(l) => (l, None),
            Err(why) => (
                Libraries {
                    packages: BTreeMap::new(),
                    installed: None,
                    python: None,
                    origin: python.display().to_string(),
                },
                Some(why),
            ),
        }
    }

    /// Whether a module of this top-level `name` wins over a global helper of that name
    /// under PAT (which appends the helpers' directory to `sys.path`): a standard-library
    /// module, or a third-party module the runtime models that is installed in PAT's
    /// environment (assumed installed when the environment could not be asked).
    pub fn shadows_helper(&self, name: &str) -> bool {
        if crate::source::stdlib_names::is_stdlib(name) {
            return true;
        }
        if !crate::lower::stdlib::module_exists(name) {
            return false;
        }
        match &self.installed {
            Some(found) => found.contains(name),
            None => true,
        }
    }

    /// The directory of an installed package.
    pub fn package(&self, name: &str) -> Option<&Path> {
        self.packages.get(name).map(PathBuf::as_path)
    }

    /// The installed version of a package, from its `*.dist-info` directory beside it.
    pub fn version(&self, name: &str) -> Option<String> {
        let dir = self.package(name)?;
        let site = dir.parent()?;
        let prefix = format!("{}-", name.replace('-', "_"));
        let mut found: Vec<String> = std::fs::read_dir(site)
            .ok()?
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|n| {
                n.strip_prefix(&prefix)?
                    .strip_suffix(".dist-info")
                    .map(str::to_string)
            })
            .collect();
        found.sort();
        found.pop()
    }

    /// The modules of [`SOURCES`] that are installed: dotted name → file.
    pub fn modules(&self) -> BTreeMap<String, PathBuf> {
        let mut out = BTreeMap::new();
        for (package, modules) in SOURCES {
            let Some(dir) = self.package(package) else {
                continue;
            };
            for m in *modules {
                let file = dir.join(format!("{m}.py"));
                if file.is_file() {
                    out.insert(format!("{package}.{m}"), file);
                }
            }
        }
        out
    }

    /// The data files the runtime's models need for the library modules in `used` (the
    /// runtime-provided modules the program imports): name → contents. A library whose data
    /// cannot be read is left out, so that the runtime refuses what needs it.
    pub fn data_files(&self, used: &BTreeSet<String>) -> BTreeMap<String, String> {
        let uses = |root: &str| {
            used.iter()
                .any(|m| m == root || m.starts_with(&format!("{root}.")))
        };
        let mut out = BTreeMap::new();
        if uses("pycountry") {
            if let Some(dir) = self.package("pycountry") {
                if let Ok(text) = std::fs::read_to_string(dir.join("databases/iso3166-1.json")) {
                    out.insert("pycountry/iso3166-1.json".to_string(), text);
                }
            }
        }
        if uses("policyuniverse") {
            if let Some(text) = self
                .package("policyuniverse")
                .and_then(|d| policyuniverse_actions(&d.join("data.json")))
            {
                out.insert(
                    ferrule_runtime::stdlib::policyuniverse::DATA_FILE.to_string(),
                    text,
                );
            }
        }
        if uses("panther_detection_helpers") {
            if let Some(v) = self.version("panther_detection_helpers") {
                out.insert(ferrule_runtime::caching::VERSION_FILE.to_string(), v);
            }
        }
        // The caching helpers raise botocore's exceptions without AWS configuration.
        if uses("botocore") || uses("panther_detection_helpers") {
            if let Some(text) = self
                .package("botocore")
                .and_then(|d| botocore_table(&d.join("exceptions.py")))
            {
                out.insert(
                    ferrule_runtime::stdlib::botocore::DATA_FILE.to_string(),
                    text,
                );
            }
        }
        out
    }

    /// Hands the data files to this process's copy of the runtime, so that the compiler's
    /// import checks (which ask the runtime) see the installed libraries' names.
    ///
    /// Skipped when this environment's texts are already the ones installed: they are leaked
    /// to the runtime's `'static` tables, and a process loads many repositories.
    pub fn install_in_compiler(&self) {
        static INSTALLED: Mutex<Option<String>> = Mutex::new(None);
        if let Ok(mut last) = INSTALLED.lock() {
            if last.as_deref() == Some(self.origin.as_str()) {
                return;
            }
            *last = Some(self.origin.clone());
        }
        let all: BTreeSet<String> = [
            "pycountry",
            "policyuniverse",
            "botocore",
            "panther_detection_helpers",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for (name, text) in self.data_files(&all) {
            ferrule_runtime::stdlib::install_data(&name, Box::leak(text.into_boxed_str()));
        }
    }
}

/// jsonpath_ng's reading of data-model paths (stdin: a JSON list of paths; stdout: for each,
/// the parse tree in [`ferrule_runtime::jsonpath::ast_json`]'s shape and `str()` of it, or
/// the error `ext.parse` raises).
const JSONPATH: &str = r#"
import json, sys
from jsonpath_ng.ext import parse

def ser(n):
    c = type(n).__name__
    if c in ("Root", "This", "Parent"):
        return [c]
    if c == "Fields":
        return ["Fields"] + list(n.fields)
    if c in ("Child", "Descendants", "Where", "Union", "Intersect"):
        return [c, ser(n.left), ser(n.right)]
    if c == "Index":
        return ["Index", n.index]
    if c == "Slice":
        return ["Slice", n.start, n.end, n.step]
    if c == "Filter":
        return ["Filter"] + [serx(e) for e in n.expressions]
    return ["Other", c]

def serx(e):
    if type(e).__name__ != "Expression":
        return ["Other", type(e).__name__]
    v = None if e.value is None else [type(e.value).__name__, repr(e.value)]
    return ["Expression", ser(e.target), e.op, v]

try:
    from importlib.metadata import version
    ver = version("jsonpath-ng")
except Exception:
    import jsonpath_ng
    ver = getattr(jsonpath_ng, "__version__", None)

out = []
for path in json.load(sys.stdin):
    try:
        tree = parse(path)
        text = str(tree)
        out.append({"ast": ser(tree), "str": None if " object at 0x" in text else text})
    except Exception as exc:
        out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
print(json.dumps({"version": ver, "paths": out}))
"#;

/// How jsonpath_ng reads one path: its parse tree and `str()`, or its error.
pub type JsonPathReading = Result<(serde_json::Value, Option<String>), String>;

/// jsonpath_ng's readings of data-model paths in PAT's environment.
#[derive(Debug)]
pub struct JsonPathReadings {
    /// The Python that read them.
    pub python: PathBuf,
    /// Its jsonpath_ng version (`None` when it does not say).
    pub version: Option<String>,
    /// Each path's reading.
    pub paths: BTreeMap<String, JsonPathReading>,
}

impl JsonPathReadings {
    /// Whether `path` can be evaluated exactly ([`check_jsonpath`]). When the environment's
    /// jsonpath_ng is not the version the runtime models, only paths every version reads
    /// alike (plain field chains) are accepted, and the refusal names both versions.
    pub fn check(&self, path: &str) -> Result<(), String> {
        let modelled = ferrule_runtime::jsonpath::JSONPATH_NG_VERSION;
        if self.version.as_deref() == Some(modelled) {
            return check_jsonpath(path, self.paths.get(path));
        }
        match check_jsonpath(path, None) {
            Ok(()) => Ok(()),
            Err(_) if ferrule_runtime::jsonpath::parse(path).is_ok() => Err(format!(
                "cannot check the JSONPath `{path}`: the Python of PAT's environment (`{}`) has \
                 jsonpath_ng {}, while ferrule evaluates JSONPath as jsonpath_ng {modelled}, the \
                 version panther_analysis_tool pins (use --python with PAT's environment)",
                self.python.display(),
                self.version.as_deref().unwrap_or("of an unknown version"),
            )),
            Err(e) => Err(e),
        }
    }
}

/// Whether a data-model path can be evaluated exactly, given jsonpath_ng's readings in PAT's
/// environment if there are any.
pub fn check_path(path: &str, readings: Option<&JsonPathReadings>) -> Result<(), String> {
    match readings {
        Some(r) => r.check(path),
        None => check_jsonpath(path, None),
    }
}

impl Libraries {
    /// jsonpath_ng's reading of each path, from the environment's Python; `None` when there
    /// is no Python or it cannot read them.
    pub fn jsonpath_readings(&self, paths: &[String]) -> Option<JsonPathReadings> {
        use std::io::Write;
        let python = self.python.as_ref()?;
        if paths.is_empty() {
            return Some(JsonPathReadings {
                python: python.clone(),
                version: None,
                paths: BTreeMap::new(),
            });
        }
        let mut child = Command::new(python)
            .arg("-c")
            .arg(JSONPATH)
            .current_dir(std::env::temp_dir())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        child
            .stdin
            .take()?
            .write_all(serde_json::to_string(paths).ok()?.as_bytes())
            .ok()?;
        let out = child.wait_with_output().ok()?;
        if !out.status.success() {
            return None;
        }
        let answer: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
        let version = answer
            .get("version")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let results: Vec<serde_json::Value> = answer.get("paths")?.as_array()?.clone();
        let mut map = BTreeMap::new();
        for (p, r) in paths.iter().zip(results) {
            let reading = match r.get("error").and_then(|e| e.as_str()) {
                Some(e) => Err(e.to_string()),
                None => Ok((
                    r.get("ast").cloned().unwrap_or_default(),
                    r.get("str").and_then(|s| s.as_str()).map(str::to_string),
                )),
            };
            map.insert(p.clone(), reading);
        }
        Some(JsonPathReadings {
            python: python.clone(),
            version,
            paths: map,
        })
    }
}

fn unevaluated(path: &str) -> String {
    format!(
        "the JSONPath `{path}` uses a construct ferrule does not evaluate (arithmetic, `len`, \
         `sorted`, `split`, `sub`, `str`, sorting, `parent`, or `&` between paths)"
    )
}

/// Whether a data-model path can be evaluated exactly: the runtime's parse of it must be
/// jsonpath_ng's (same tree, same `str()`); without jsonpath_ng to ask, only plain field
/// chains (`$.a.b`, `a`, `$.'x y'`) are accepted.
pub fn check_jsonpath(path: &str, reading: Option<&JsonPathReading>) -> Result<(), String> {
    use ferrule_runtime::jsonpath::{self as jp, Node};
    let native = jp::parse(path);
    match reading {
        Some(Err(e)) => Err(format!("jsonpath_ng cannot parse `{path}` ({e})")),
        Some(Ok((ast, text))) => match native {
            Ok(node) if jp::ast_json(&node) == *ast && jp::to_str(&node) == *text => Ok(()),
            _ => Err(unevaluated(path)),
        },
        None => {
            fn plain(n: &Node) -> bool {
                match n {
                    Node::Root => true,
                    Node::Fields(f) => f.len() == 1 && f[0] != "*",
                    Node::Child(l, r) => {
                        plain(l) && matches!(&**r, Node::Fields(f) if f.len() == 1 && f[0] != "*")
                    }
                    _ => false,
                }
            }
            match native {
                Ok(node) if plain(&node) => Ok(()),
                Ok(_) => Err(format!(
                    "cannot check the JSONPath `{path}` without jsonpath_ng from PAT's Python \
                     environment (use --python)"
                )),
                Err(_) => Err(unevaluated(path)),
            }
        }
    }
}

/// Which compiled library modules a program reaches, noted while its modules are lowered
/// (also those that fail or are dropped later, so that a library's own diagnostics are kept
/// exactly when the repository uses it).
#[derive(Debug, Default)]
pub struct LibraryUse {
    /// The compiled library modules: dotted name → source file.
    pub modules: BTreeMap<String, String>,
    /// Library modules imported by the repository's own modules.
    roots: BTreeSet<String>,
    /// Each library module's imports.
    deps: BTreeMap<String, Vec<String>>,
}

impl LibraryUse {
    /// Notes the imports of a lowered module `name`.
    pub fn note(&mut self, name: &str, imports: &[String]) {
        if self.modules.contains_key(name) {
            self.deps.insert(name.to_string(), imports.to_vec());
        } else {
            self.roots.extend(
                imports
                    .iter()
                    .filter(|i| self.modules.contains_key(*i))
                    .cloned(),
            );
        }
    }

    /// The library modules reached from the repository's modules.
    fn reached(&self) -> BTreeSet<String> {
        let mut reached = BTreeSet::new();
        let mut stack: Vec<String> = self.roots.iter().cloned().collect();
        while let Some(m) = stack.pop() {
            if !reached.insert(m.clone()) {
                continue;
            }
            if let Some(d) = self.deps.get(&m) {
                stack.extend(d.iter().filter(|i| self.modules.contains_key(*i)).cloned());
            }
        }
        reached
    }
}

/// Drops the compiled library modules the repository does not reach, with their
/// diagnostics, and adds the data files the remaining modules need.
pub fn finish(
    program: &mut Program,
    diags: &mut Vec<Diagnostic>,
    libs: &Libraries,
    usage: &LibraryUse,
) {
    drop_unreached(&mut program.modules, diags, usage);
    add_data_files(program, libs);
}

/// Drops the compiled library modules the repository does not reach (from `modules`), with
/// their diagnostics; returns the names dropped.
pub fn drop_unreached(
    modules: &mut BTreeMap<String, Module>,
    diags: &mut Vec<Diagnostic>,
    usage: &LibraryUse,
) -> BTreeSet<String> {
    let reached = usage.reached();
    let dropped: BTreeSet<&String> = usage
        .modules
        .iter()
        .filter(|(n, _)| !reached.contains(*n))
        .map(|(_, f)| f)
        .collect();
    let names: BTreeSet<String> = usage
        .modules
        .keys()
        .filter(|n| !reached.contains(*n))
        .cloned()
        .collect();
    modules.retain(|n, _| !names.contains(n));
    diags.retain(|d| !dropped.contains(&d.span.file));
    names
}

/// Adds the data files the runtime's models need for the library modules the program's
/// modules import (`Module::libraries`).
pub fn add_data_files(program: &mut Program, libs: &Libraries) {
    let used: BTreeSet<String> = program
        .modules
        .values()
        .flat_map(|m| m.libraries.iter().cloned())
        .collect();
    program.data_files.extend(libs.data_files(&used));
}

/// The part of policyuniverse's `data.json` that its `__init__` reads: each service's
/// `prefix` and its actions with their `calculated_action_group`, in file order, as
/// `[[prefix, [[action, group], …]], …]`.
fn policyuniverse_actions(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let tree: serde_json::Value = serde_json::from_str(&text).ok()?;
    let mut services = Vec::new();
    for (_, service) in tree.as_object()? {
        let prefix = service.get("prefix")?.as_str()?;
        let mut actions = Vec::new();
        for (name, body) in service.get("actions")?.as_object()? {
            let group = body.get("calculated_action_group")?.as_str()?;
            actions.push(serde_json::json!([name, group]));
        }
        services.push(serde_json::json!([prefix, actions]));
    }
    serde_json::to_string(&services).ok()
}

/// A base class expression as written (`Exception`, `requests.exceptions.SSLError`).
fn dotted(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Name(n) => Some(n.id.to_string()),
        ast::Expr::Attribute(a) => Some(format!("{}.{}", dotted(&a.value)?, a.attr)),
        _ => None,
    }
}

/// botocore's exception classes read from `exceptions.py` (see the module documentation).
pub fn botocore_table(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let file = crate::source::python::parse("botocore/exceptions.py", text).ok()?;
    let mut classes = Vec::new();
    for stmt in &file.body {
        let ast::Stmt::ClassDef(c) = stmt else {
            continue;
        };
        let Some(bases) = c.bases.iter().map(dotted).collect::<Option<Vec<_>>>() else {
            continue;
        };
        if !c.keywords.is_empty() || !c.decorator_list.is_empty() {
            continue;
        }
        let mut attrs = serde_json::Map::new();
        let mut init = false;
        for s in &c.body {
            match s {
                ast::Stmt::Assign(a) if a.targets.len() == 1 => {
                    if let (
                        ast::Expr::Name(n),
                        ast::Expr::Constant(ast::ExprConstant {
                            value: ast::Constant::Str(v),
                            ..
                        }),
                    ) = (&a.targets[0], a.value.as_ref())
                    {
                        attrs.insert(n.id.to_string(), serde_json::json!(v));
                    }
                }
                ast::Stmt::FunctionDef(f) if f.name.as_str() == "__init__" => init = true,
                _ => {}
            }
        }
        let range = stmt.range();
        let source = &file.text[range.start().to_usize()..range.end().to_usize()];
        let fingerprint = init.then(|| {
            format!(
                "{:016x}",
                ferrule_runtime::stdlib::botocore::fingerprint(source)
            )
        });
        classes.push(serde_json::json!({
            "name": c.name.as_str(),
            "bases": bases,
            "attrs": attrs,
            "init": fingerprint,
        }));
    }
    serde_json::to_string(&serde_json::json!({ "classes": classes })).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The PAT environment's Python (`FERRULE_PAT_PY`, else `.venv-pat` or `../.venv-pat`).
    fn pat_python() -> Option<PathBuf> {
        if let Ok(p) = std::env::var("FERRULE_PAT_PY") {
            return Some(PathBuf::from(p));
        }
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        [repo.join(".venv-pat"), repo.join("../.venv-pat")]
            .into_iter()
            .map(|d| d.join("bin/python"))
            .find(|p| p.exists())
    }

    /// What `ferrule build` reads from the installed botocore and policyuniverse is what
    /// CPython reads from them (`runtime/tests/stdlib_gen/libraries_eval.py`, whose
    /// outcomes `runtime/tests/stdlib_libraries.rs` checks the runtime's models against).
    #[test]
    fn reads_the_installed_libraries_as_cpython_does() {
        let Some(py) = pat_python() else {
            eprintln!("no PAT Python (set FERRULE_PAT_PY): skipped");
            return;
        };
        let libs = Libraries::from_python(&py).expect("locate libraries");
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("runtime/tests/stdlib_gen/libraries_eval.py");
        let eval = |which: &str| -> serde_json::Value {
            let out = Command::new(&py)
                .arg(&script)
                .arg(which)
                .output()
                .expect("run libraries_eval.py");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).expect("JSON")
        };
        let table = botocore_table(
            &libs
                .package("botocore")
                .expect("botocore")
                .join("exceptions.py"),
        )
        .expect("botocore table");
        let table: serde_json::Value = serde_json::from_str(&table).expect("JSON");
        assert_eq!(table, eval("botocore")["table"]);
        let actions = policyuniverse_actions(
            &libs
                .package("policyuniverse")
                .expect("policyuniverse")
                .join("data.json"),
        )
        .expect("service actions");
        let actions: serde_json::Value = serde_json::from_str(&actions).expect("JSON");
        assert_eq!(actions, eval("policyuniverse")["data"]);
    }

    /// Every third-party module the runtime models is asked about: a global helper of its
    /// name is shadowed exactly when it is installed.
    #[test]
    fn modelled_third_party_modules_are_located() {
        for name in PACKAGES.iter().chain(MODELLED) {
            assert!(crate::lower::stdlib::module_exists(name), "{name}");
            assert!(!crate::source::stdlib_names::is_stdlib(name), "{name}");
        }
        let site = std::env::temp_dir().join(format!("ferrule-libs-{}", std::process::id()));
        std::fs::create_dir_all(site.join("pycountry")).unwrap();
        let libs = Libraries::from_site_packages(&site);
        let _ = std::fs::remove_dir_all(&site);
        assert!(libs.shadows_helper("pycountry"));
        assert!(libs.shadows_helper("json"));
        assert!(!libs.shadows_helper("policyuniverse"));
        assert!(!libs.shadows_helper("dateutil"));
        assert!(!libs.shadows_helper("corp_helpers"));
        assert!(Libraries::default().shadows_helper("dateutil"));
    }

    /// Another jsonpath_ng version than the runtime's: only plain paths are accepted, and
    /// the refusal names both versions.
    #[test]
    fn another_jsonpath_ng_version_is_named() {
        let reading: JsonPathReading = Ok((serde_json::json!(["Root"]), Some("$".into())));
        let readings = JsonPathReadings {
            python: PathBuf::from("/usr/bin/python3"),
            version: Some("1.8.0".into()),
            paths: [("$.a[0]".to_string(), reading)].into_iter().collect(),
        };
        assert!(readings.check("$.a.b").is_ok());
        let why = readings.check("$.a[0]").unwrap_err();
        assert!(why.contains("jsonpath_ng 1.8.0"), "{why}");
        assert!(why.contains("jsonpath_ng 1.5.3"), "{why}");
        assert!(why.contains("/usr/bin/python3"), "{why}");
        // What ferrule never evaluates is refused as such, whatever the version.
        assert!(readings
            .check("$.tags.`len`")
            .unwrap_err()
            .contains("does not evaluate"));
    }

    #[test]
    fn plain_paths_need_no_python() {
        assert!(check_jsonpath("$.a.b", None).is_ok());
        assert!(check_jsonpath("$.'a b'.c", None).is_ok());
        assert!(check_jsonpath("$.a[0]", None).is_err());
        assert!(check_jsonpath("$.a.*", None).is_err());
        let reading: JsonPathReading = Err("JsonPathLexerError: bad".into());
        assert!(check_jsonpath("$.a", Some(&reading))
            .unwrap_err()
            .contains("jsonpath_ng cannot parse"));
    }
}
