//! The commands: `build`, `check` and `test`, over the pipeline stages.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diag::{self, Code, Diagnostic, Span};
use crate::ir::Program;

/// The input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    V1,
    PyPanther,
}

/// Output format of diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// A usage, I/O or internal error (exit code 2).
#[derive(Debug)]
pub struct Fatal(pub String);

/// Detects the input format of `repo`.
pub fn detect(repo: &Path) -> Option<Input> {
    if crate::source::v1::is_v1_repo(repo) {
        Some(Input::V1)
    } else if repo.join("rules").is_dir() && repo.join("base.py").is_file() {
        Some(Input::PyPanther)
    } else {
        None
    }
}

/// Loads, lowers and resolves `repo`.
pub fn load(repo: &Path, input: Option<Input>) -> Result<(Program, Vec<Diagnostic>), Fatal> {
    if !repo.is_dir() {
        return Err(Fatal(format!("{}: not a directory", repo.display())));
    }
    let input = match input.or_else(|| detect(repo)) {
        Some(i) => i,
        None => {
            return Err(Fatal(format!(
            "{}: neither a v1 repository (YAML specs with AnalysisType) nor a PyPanther package",
            repo.display()
        )))
        }
    };
    match input {
        Input::V1 => {
            let (specs, mut diags) = crate::source::v1::discover(repo);
            let (program, d) = crate::lower::v1::lower_repo(repo, &specs);
            diags.extend(d);
            diag::sort(&mut diags);
            Ok((program, diags))
        }
        Input::PyPanther => {
            let (program, mut diags) = crate::lower::pypanther::lower_package(repo);
            diag::sort(&mut diags);
            Ok((program, diags))
        }
    }
}

/// Prints diagnostics to stderr.
pub fn report(repo: &Path, diags: &[Diagnostic], format: Format) {
    for d in diags {
        match format {
            Format::Text => eprint!("{}", d.render(repo)),
            Format::Json => eprintln!("{}", d.to_json(repo)),
        }
    }
}

/// Whether any diagnostic costs a detection (exit code 1).
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.code.is_error())
}

/// `ferrule build`: writes the crate; returns the exit code.
pub fn build(repo: &Path, out: &Path, input: Option<Input>, format: Format) -> Result<i32, Fatal> {
    let (program, diags) = load(repo, input)?;
    report(repo, &diags, format);
    let files = crate::emit::crate_::render(&program);
    crate::emit::crate_::write(out, &files)
        .map_err(|e| Fatal(format!("{}: {e}", out.display())))?;
    eprintln!(
        "ferrule: {} detections converted, {} not converted; crate written to {}",
        program.detections.len(),
        not_converted(&diags),
        out.display()
    );
    Ok(if has_errors(&diags) { 1 } else { 0 })
}

fn not_converted(diags: &[Diagnostic]) -> usize {
    let mut ids: Vec<&str> = diags
        .iter()
        .filter(|d| d.code.is_error())
        .filter_map(|d| d.detection.as_deref())
        .collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

/// `ferrule check`: diagnostics only.
pub fn check(repo: &Path, input: Option<Input>, format: Format) -> Result<i32, Fatal> {
    let (program, diags) = load(repo, input)?;
    report(repo, &diags, format);
    eprintln!(
        "ferrule: {} detections ok, {} not converted, {} diagnostics",
        program.detections.len(),
        not_converted(&diags),
        diags.len()
    );
    Ok(if has_errors(&diags) { 1 } else { 0 })
}

/// Where `ferrule test` builds the crate for `repo` (stable, so cargo's cache stays warm).
pub fn test_dir(repo: &Path) -> PathBuf {
    if let Ok(d) = std::env::var("FERRULE_TEST_DIR") {
        return PathBuf::from(d);
    }
    let abs = repo.canonicalize().unwrap_or_else(|_| repo.to_path_buf());
    let mut h: u64 = 0xcbf29ce484222325;
    for b in abs.to_string_lossy().bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    std::env::temp_dir().join(format!("ferrule-test-{h:016x}"))
}

/// `ferrule test`: build the crate, compile it, run every unit test.
pub fn test(
    repo: &Path,
    jsonl: Option<&Path>,
    ids: &[String],
    input: Option<Input>,
    format: Format,
) -> Result<i32, Fatal> {
    let (program, diags) = load(repo, input)?;
    report(repo, &diags, format);
    let out = test_dir(repo);
    let files = crate::emit::crate_::render(&program);
    crate::emit::crate_::write(&out, &files)
        .map_err(|e| Fatal(format!("{}: {e}", out.display())))?;
    // FERRULE_TARGET_DIR lets several generated crates share compiled dependencies.
    let target_dir = std::env::var("FERRULE_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| out.join("target"));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--bin", "ferrule-tests", "--target-dir"])
        .arg(&target_dir)
        .current_dir(&out)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map_err(|e| Fatal(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(Fatal(format!(
            "the generated crate in {} did not build",
            out.display()
        )));
    }
    let mut cmd = Command::new(target_dir.join("debug/ferrule-tests"));
    // The runner renders module paths relative to its working directory, as PAT does
    // when run from the repository.
    cmd.current_dir(repo);
    if let Some(j) = jsonl {
        let abs = if j.is_absolute() {
            j.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(j))
                .unwrap_or_else(|_| j.to_path_buf())
        };
        cmd.arg("--jsonl").arg(abs);
    }
    for id in ids {
        cmd.arg("--id").arg(id);
    }
    let st = cmd
        .status()
        .map_err(|e| Fatal(format!("cannot run the test binary: {e}")))?;
    let nc = not_converted(&diags);
    eprintln!(
        "ferrule: {} detections compiled, {} not converted",
        program.detections.len(),
        nc
    );
    match st.code() {
        Some(0) if !has_errors(&diags) => Ok(0),
        Some(0) | Some(1) => Ok(1),
        _ => Err(Fatal("the test binary failed".into())),
    }
}

/// A diagnostic for a problem with the repository as a whole.
pub fn repo_diag(repo: &Path, msg: &str) -> Diagnostic {
    Diagnostic::new(
        Code::SpecInvalid,
        Span::new(repo.display().to_string(), 0, 0),
        msg,
    )
}

/// Where pypanther is installed, for `--target pypanther`: `--pypanther DIR`, else
/// `$FERRULE_PYPANTHER` (the package directory, holding `log_types.py` and `rules/`).
pub fn pypanther_dir(flag: Option<&Path>) -> Option<PathBuf> {
    flag.map(Path::to_path_buf)
        .or_else(|| std::env::var_os("FERRULE_PYPANTHER").map(PathBuf::from))
        .filter(|d| d.join("log_types.py").is_file())
}

/// `ferrule build --target pypanther`: migrates a v1 repository to a PyPanther project in
/// `out`; returns the exit code.
pub fn migrate(
    repo: &Path,
    out: &Path,
    pypanther: Option<&Path>,
    against_managed: bool,
    format: Format,
) -> Result<i32, Fatal> {
    use crate::emit::pypanther as pp;
    if crate::driver::detect(repo) != Some(Input::V1) {
        return Err(Fatal(format!(
            "{}: --target pypanther migrates v1 repositories only",
            repo.display()
        )));
    }
    let pkg = pypanther_dir(pypanther);
    if against_managed && pkg.is_none() {
        return Err(Fatal(
            "--against-managed needs pypanther: pass --pypanther DIR or set FERRULE_PYPANTHER"
                .into(),
        ));
    }
    let log_types = pkg
        .as_deref()
        .map(crate::emit::pypanther::managed::log_types)
        .unwrap_or_default();
    let managed = match (&pkg, against_managed) {
        (Some(dir), true) => Some(pp::managed::load(dir)),
        _ => None,
    };
    let (output, mut diags) = migrate_repo(repo, &log_types, managed.as_ref());
    diag::sort(&mut diags);
    report(repo, &diags, format);
    write_project(out, &output.files).map_err(|e| Fatal(format!("{}: {e}", out.display())))?;
    eprintln!(
        "ferrule: {} rules migrated, {} detections not migrated; project written to {}",
        output.rules.len(),
        not_converted(&diags),
        out.display()
    );
    Ok(if has_errors(&diags) { 1 } else { 0 })
}

/// The migration of a v1 repository (`--target pypanther`): the project's files and every
/// diagnostic (loading, lowering, migrating). `log_types` are pypanther's `LogType` members
/// (value → name); `managed`, the managed rules to migrate a fork against.
pub fn migrate_repo(
    repo: &Path,
    log_types: &std::collections::BTreeMap<String, String>,
    managed: Option<&crate::emit::pypanther::managed::Managed>,
) -> (crate::emit::pypanther::Output, Vec<Diagnostic>) {
    use crate::emit::pypanther as pp;
    let (specs, mut diags) = crate::source::v1::discover(repo);
    let (program, d) = crate::lower::v1::lower_repo(repo, &specs);
    diags.extend(d);
    let mut sources = std::collections::BTreeMap::new();
    for s in &specs {
        let text = std::fs::read_to_string(repo.join(&s.rel)).unwrap_or_default();
        sources.insert(
            s.rel.clone(),
            pp::SpecSource {
                rel: s.rel.clone(),
                text,
                yaml: s.yaml.clone(),
            },
        );
    }
    let mut layouts = std::collections::BTreeMap::new();
    for (name, m) in &program.modules {
        let Ok(text) = std::fs::read_to_string(repo.join(&m.file)) else {
            continue;
        };
        if let Ok(py) = crate::source::python::parse(&m.file, text) {
            layouts.insert(name.clone(), crate::lower::layout::layout(&py));
        }
    }
    let mut output = pp::migrate(&pp::Input {
        program: &program,
        specs: &sources,
        layouts: &layouts,
        log_types,
        managed,
    });
    diags.append(&mut output.diags);
    diag::sort(&mut diags);
    (output, diags)
}

/// Writes a migrated project, replacing the Python files a previous run left in `out`.
fn write_project(
    out: &Path,
    files: &std::collections::BTreeMap<String, String>,
) -> std::io::Result<()> {
    if out.is_dir() {
        for e in walkdir::WalkDir::new(out).into_iter().flatten() {
            let p = e.path();
            if e.file_type().is_file() && p.extension().is_some_and(|x| x == "py") {
                let rel = crate::source::v1::rel_path(out, p);
                if !files.contains_key(&rel) {
                    std::fs::remove_file(p)?;
                }
            }
        }
    }
    for (rel, text) in files {
        let p = out.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(p, text)?;
    }
    Ok(())
}
