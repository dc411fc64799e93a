//! The commands: `build`, `check` and `test`, over the pipeline stages.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::diag::{self, Code, Diagnostic, Span, Style};
use crate::ir::Program;
use crate::report::{self, Summary, TestResult};

/// The input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    V1,
    PyPanther,
}

/// Output format of diagnostics and of the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Rendered diagnostics and the summary on stderr (coloured on a terminal).
    Text,
    /// One JSON object per diagnostic on stdout, then a summary object; nothing on stderr.
    Json,
    /// One SARIF 2.1.0 log on stdout (code-scanning upload).
    Sarif,
}

/// Everything a command needs besides its arguments: the output format and, for
/// `ferrule test`, where to write JUnit XML.
#[derive(Clone, Debug)]
pub struct Options {
    pub format: Format,
    pub junit: Option<PathBuf>,
    /// Write into an output directory ferrule did not create (`--force`).
    pub force: bool,
    /// The Python whose installed `pypanther` a PyPanther project uses (`--python`).
    pub python: Option<PathBuf>,
}

impl Options {
    pub fn new(format: Format) -> Options {
        Options {
            format,
            junit: None,
            force: false,
            python: None,
        }
    }

    fn load(&self) -> LoadOptions {
        LoadOptions {
            python: self.python.clone(),
        }
    }
}

/// A usage, I/O or internal error (exit code 2).
#[derive(Debug)]
pub struct Fatal(pub String);

/// Detects the input format of `repo`.
pub fn detect(repo: &Path) -> Option<Input> {
    if is_project(repo) {
        Some(Input::PyPanther)
    } else if crate::source::v1::is_v1_repo(repo) {
        Some(Input::V1)
    } else if repo.join("rules").is_dir() && repo.join("base.py").is_file() {
        Some(Input::PyPanther)
    } else {
        None
    }
}

/// Whether `repo` is a PyPanther project (a directory with `main.py` that is not the
/// `pypanther` package itself, whose `main.py` is its command line).
pub fn is_project(repo: &Path) -> bool {
    repo.join("main.py").is_file() && !is_package(repo)
}

/// Whether `repo` is a `pypanther` package directory (its rules and `base.py`).
pub fn is_package(repo: &Path) -> bool {
    repo.join("rules").is_dir() && repo.join("base.py").is_file()
}

/// Options of loading beyond the input format.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The Python whose installed `pypanther` a project uses (default: the active
    /// virtualenv's, else `python3` on PATH).
    pub python: Option<PathBuf>,
}

/// The name of an input format on the command line.
pub fn input_name(i: Input) -> &'static str {
    match i {
        Input::V1 => "v1",
        Input::PyPanther => "pypanther",
    }
}

/// Loads, lowers and resolves `repo` (on deep-stack threads: see `stack.rs`).
pub fn load(repo: &Path, input: Option<Input>) -> Result<(Program, Vec<Diagnostic>), Fatal> {
    load_with(repo, input, &LoadOptions::default())
}

/// What loading a PyPanther project yields: the program, the diagnostics and the
/// `ferrule rules` report.
pub type Loaded = (
    Program,
    Vec<Diagnostic>,
    crate::resolve::project::report::Report,
);

/// Lowers and resolves a PyPanther project, or the `pypanther` package with the resolve
/// stage (on deep-stack threads: see `stack.rs`).
pub fn load_pypanther(repo: &Path, opts: &LoadOptions) -> Result<Loaded, Fatal> {
    crate::stack::with_deep_stack(|| load_pypanther_here(repo, opts))
}

fn load_pypanther_here(repo: &Path, opts: &LoadOptions) -> Result<Loaded, Fatal> {
    let (input, base, mut diags) = if is_project(repo) {
        let pkg = crate::lower::pypanther_project::find_pypanther(opts.python.as_deref())
            .map_err(Fatal)?;
        crate::lower::pypanther_project::lower_project(repo, &pkg)
    } else {
        crate::lower::pypanther_project::lower_package(repo)
    };
    let project = is_project(repo);
    let (program, d, report) = crate::resolve::project::resolve(input, base);
    if project {
        // Lowering diagnostics of the installed package matter only for what the project
        // compiles (the rest of the package is not part of it).
        let used: std::collections::BTreeSet<&str> =
            program.modules.values().map(|m| m.file.as_str()).collect();
        diags.retain(|d| {
            d.detection.is_some()
                || repo.join(&d.span.file).is_file()
                || used.contains(d.span.file.as_str())
        });
    }
    diags.extend(d);
    diag::sort(&mut diags);
    Ok((program, diags, report))
}

/// Loads, lowers and resolves `repo` with `opts` (on deep-stack threads).
pub fn load_with(
    repo: &Path,
    input: Option<Input>,
    opts: &LoadOptions,
) -> Result<(Program, Vec<Diagnostic>), Fatal> {
    crate::stack::with_deep_stack(|| load_here(repo, input, opts))
}

fn load_here(
    repo: &Path,
    input: Option<Input>,
    opts: &LoadOptions,
) -> Result<(Program, Vec<Diagnostic>), Fatal> {
    if !repo.is_dir() {
        return Err(Fatal(format!("{}: not a directory", repo.display())));
    }
    let detected = detect(repo);
    let input = match (input, detected) {
        (Some(forced), Some(found)) if forced != found => {
            return Err(Fatal(format!(
                "--input {} does not fit {}: it is a {} repository",
                input_name(forced),
                repo.display(),
                input_name(found)
            )))
        }
        (Some(Input::V1), None) => {
            return Err(Fatal(format!(
                "--input v1 does not fit {}: no YAML spec with `AnalysisType` in it",
                repo.display()
            )))
        }
        (Some(Input::PyPanther), None) if !repo.join("rules").is_dir() => {
            return Err(Fatal(format!(
                "--input pypanther does not fit {}: no `rules/` package in it",
                repo.display()
            )))
        }
        (Some(i), _) | (None, Some(i)) => i,
        (None, None) => {
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
            let (program, diags, _) = load_pypanther_here(repo, opts)?;
            Ok((program, diags))
        }
    }
}

/// Whether stderr is a terminal a person watches (colour, progress).
fn stderr_is_tty() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}

/// How text diagnostics are drawn: coloured on a terminal unless `NO_COLOR` is set, cut to
/// the terminal's width.
pub fn text_style() -> Style {
    let tty = stderr_is_tty();
    let width = if tty {
        console_width().unwrap_or(140)
    } else {
        140
    };
    Style {
        color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width,
    }
}

fn console_width() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| {
            let (_, w) = console::Term::stderr().size_checked()?;
            Some(w as usize)
        })
}

/// A spinner or bar on stderr for a phase that takes time; hidden when stderr is not a
/// terminal or the output is machine-readable.
fn progress(format: Format, len: Option<u64>, msg: String) -> ProgressBar {
    let pb = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    if format != Format::Text || !stderr_is_tty() {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    let style = match len {
        Some(_) => {
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed})")
        }
        None => ProgressStyle::with_template("{spinner} {msg} ({elapsed})"),
    };
    if let Ok(s) = style {
        pb.set_style(s.progress_chars("=> "));
    }
    pb.set_message(msg);
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

/// Writes what a command found, in the chosen format: text diagnostics go to stderr as
/// they come, JSON and SARIF to stdout at the end.
pub struct Reporter {
    format: Format,
    root: PathBuf,
    start: Instant,
    diags: Vec<Diagnostic>,
}

impl Reporter {
    pub fn new(root: &Path, format: Format) -> Reporter {
        Reporter {
            format,
            root: root.to_path_buf(),
            start: Instant::now(),
            diags: Vec::new(),
        }
    }

    /// Reports diagnostics (text: now, on stderr).
    pub fn diagnostics(&mut self, diags: &[Diagnostic]) {
        if self.format == Format::Text {
            let style = text_style();
            for d in diags {
                eprint!("{}", d.render_with(&self.root, &style));
            }
        }
        self.diags.extend(diags.iter().cloned());
    }

    pub fn seconds(&self) -> f64 {
        (self.start.elapsed().as_secs_f64() * 10.0).round() / 10.0
    }

    /// Writes the summary (and, for JSON and SARIF, everything else) and returns the exit
    /// code.
    pub fn finish(&self, summary: &Summary) -> i32 {
        match self.format {
            Format::Text => eprint!("{}", summary.text()),
            Format::Json => {
                let mut out = String::new();
                for d in &self.diags {
                    out.push_str(&report::diagnostic_json(d, &self.root).to_string());
                    out.push('\n');
                }
                out.push_str(&summary.to_json().to_string());
                out.push('\n');
                print!("{out}");
            }
            Format::Sarif => {
                let log = report::sarif(&self.diags, summary);
                println!("{}", serde_json::to_string_pretty(&log).unwrap_or_default());
            }
        }
        summary.exit_code
    }
}

/// Whether any diagnostic costs a detection (exit code 1).
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.code.is_error())
}

/// Loads `repo` behind a spinner, reporting its diagnostics.
fn load_reported(
    repo: &Path,
    input: Option<Input>,
    opts: &Options,
    out: &mut Reporter,
) -> Result<(Program, Vec<Diagnostic>), Fatal> {
    let pb = progress(
        out.format,
        None,
        format!("compiling the detections of {}", repo.display()),
    );
    let loaded = load_with(repo, input, &opts.load());
    pb.finish_and_clear();
    let (program, diags) = loaded?;
    out.diagnostics(&diags);
    Ok((program, diags))
}

/// `ferrule build`: writes the crate; returns the exit code.
pub fn build(
    repo: &Path,
    out_dir: &Path,
    input: Option<Input>,
    opts: &Options,
) -> Result<i32, Fatal> {
    let mut out = Reporter::new(repo, opts.format);
    let (program, diags) = load_reported(repo, input, opts, &mut out)?;
    let pb = progress(
        opts.format,
        None,
        format!("writing the crate to {}", out_dir.display()),
    );
    let files = crate::emit::crate_::render(&program);
    let written = crate::emit::crate_::write(out_dir, &files, opts.force);
    pb.finish_and_clear();
    written.map_err(|e| Fatal(format!("{}: {e}", out_dir.display())))?;
    let summary = Summary {
        command: "build".into(),
        detections: report::count_detections(&program, &diags, &BTreeMap::new(), &[]),
        tests: None,
        diagnostics: report::count_diagnostics(&diags),
        crate_dir: Some(out_dir.display().to_string()),
        seconds: out.seconds(),
        exit_code: if has_errors(&diags) { 1 } else { 0 },
    };
    Ok(out.finish(&summary))
}

/// `ferrule check`: diagnostics only.
pub fn check(repo: &Path, input: Option<Input>, opts: &Options) -> Result<i32, Fatal> {
    let mut out = Reporter::new(repo, opts.format);
    let (program, diags) = load_reported(repo, input, opts, &mut out)?;
    let summary = Summary {
        command: "check".into(),
        detections: report::count_detections(&program, &diags, &BTreeMap::new(), &[]),
        tests: None,
        diagnostics: report::count_diagnostics(&diags),
        crate_dir: None,
        seconds: out.seconds(),
        exit_code: if has_errors(&diags) { 1 } else { 0 },
    };
    Ok(out.finish(&summary))
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

/// An `--id` must name a detection of the repository (converted or not).
fn check_ids(
    repo: &Path,
    program: &Program,
    diags: &[Diagnostic],
    ids: &[String],
) -> Result<(), Fatal> {
    let known: BTreeSet<&str> = program
        .detections
        .iter()
        .map(|d| d.id.as_str())
        .chain(diags.iter().filter_map(|d| d.detection.as_deref()))
        .collect();
    let unknown: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| !known.contains(id))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(Fatal(format!(
            "--id {} matches no detection in {}",
            unknown.join(", --id "),
            repo.display()
        )))
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// `ferrule test`: build the crate, compile it, run every unit test.
pub fn test(
    repo: &Path,
    jsonl: Option<&Path>,
    ids: &[String],
    input: Option<Input>,
    opts: &Options,
) -> Result<i32, Fatal> {
    let mut out = Reporter::new(repo, opts.format);
    let (mut program, diags) = load_reported(repo, input, opts, &mut out)?;
    check_ids(repo, &program, &diags, ids)?;
    if !ids.is_empty() {
        program.detections.retain(|d| ids.contains(&d.id));
    }
    let crate_dir = test_dir(repo);
    let files = crate::emit::crate_::render(&program);
    crate::emit::crate_::write(&crate_dir, &files, opts.force)
        .map_err(|e| Fatal(format!("{}: {e}", crate_dir.display())))?;
    // FERRULE_TARGET_DIR lets several generated crates share compiled dependencies.
    let target_dir = std::env::var("FERRULE_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| crate_dir.join("target"));
    let pb = progress(
        opts.format,
        None,
        format!("building the crate with cargo in {}", crate_dir.display()),
    );
    let built = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--bin", "ferrule-tests", "--target-dir"])
        .arg(&target_dir)
        .current_dir(&crate_dir)
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    pb.finish_and_clear();
    let built = built.map_err(|e| Fatal(format!("cannot run cargo: {e}")))?;
    if !built.status.success() {
        let err = String::from_utf8_lossy(&built.stderr);
        let tail: Vec<&str> = err.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(Fatal(format!(
            "the generated crate in {} did not build:\n{}",
            crate_dir.display(),
            tail.join("\n")
        )));
    }
    let jsonl_path = match jsonl {
        Some(j) => absolute(j),
        None => crate_dir.join("ferrule-tests.jsonl"),
    };
    let total: usize = program.detections.iter().map(|d| d.tests.len()).sum();
    let pb = progress(
        opts.format,
        Some(total as u64),
        "running the unit tests".into(),
    );
    let mut cmd = Command::new(target_dir.join("debug/ferrule-tests"));
    // The runner renders module paths relative to its working directory, as PAT does
    // when run from the repository.
    cmd.current_dir(repo)
        .arg("--progress")
        .arg("--jsonl")
        .arg(&jsonl_path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    for id in ids {
        cmd.arg("--id").arg(id);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| Fatal(format!("cannot run the test binary: {e}")))?;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut parts = line.split_whitespace();
            if parts.next() == Some("progress") {
                if let Some(done) = parts.next().and_then(|d| d.parse::<u64>().ok()) {
                    pb.set_position(done);
                }
            }
        }
    }
    let st = child
        .wait()
        .map_err(|e| Fatal(format!("cannot run the test binary: {e}")))?;
    pb.finish_and_clear();
    if !matches!(st.code(), Some(0) | Some(1)) {
        return Err(Fatal(format!("the test binary failed ({st})")));
    }
    let text = std::fs::read_to_string(&jsonl_path)
        .map_err(|e| Fatal(format!("{}: {e}", jsonl_path.display())))?;
    let results: Vec<TestResult> = text.lines().filter_map(TestResult::from_json).collect();
    let load_errors: BTreeMap<String, bool> = results
        .iter()
        .filter(|r| r.record == "load_error")
        .map(|r| (r.id.clone(), r.refused()))
        .collect();
    let selected_diags: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| ids.is_empty() || d.detection.as_ref().is_some_and(|id| ids.contains(id)))
        .cloned()
        .collect();
    let tests = report::count_tests(&results);
    let all_good =
        !has_errors(&selected_diags) && load_errors.is_empty() && tests.passed == tests.total;
    let summary = Summary {
        command: "test".into(),
        detections: report::count_detections(&program, &diags, &load_errors, ids),
        tests: Some(tests),
        diagnostics: report::count_diagnostics(&selected_diags),
        crate_dir: Some(crate_dir.display().to_string()),
        seconds: out.seconds(),
        exit_code: if all_good { 0 } else { 1 },
    };
    if let Some(path) = &opts.junit {
        let xml = report::junit(&results, &selected_diags, repo, Some(summary.seconds));
        std::fs::write(path, xml).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
    }
    Ok(out.finish(&summary))
}

/// `ferrule rules`: every rule a PyPanther project registers, with its final metadata and
/// where each value was set. Diagnostics go to stderr; exit 1 when there are any.
pub fn rules(repo: &Path, opts: &Options) -> Result<i32, Fatal> {
    if !repo.is_dir() {
        return Err(Fatal(format!("{}: not a directory", repo.display())));
    }
    if !is_project(repo) {
        return Err(Fatal(format!(
            "{}: not a PyPanther project (no main.py)",
            repo.display()
        )));
    }
    if opts.format == Format::Sarif {
        return Err(Fatal(
            "ferrule rules: --format sarif is not supported (text or json)".into(),
        ));
    }
    let (_, diags, listing) = load_pypanther(repo, &opts.load())?;
    // The rules go to stdout (text, or one JSON document); the diagnostics to stderr.
    match opts.format {
        Format::Json => {
            for d in &diags {
                eprintln!("{}", report::diagnostic_json(d, repo));
            }
            print!("{}", listing.render_json());
        }
        _ => {
            let style = text_style();
            for d in &diags {
                eprint!("{}", d.render_with(repo, &style));
            }
            print!("{}", listing.render_text());
        }
    }
    Ok(if has_errors(&diags) { 1 } else { 0 })
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
    out_dir: &Path,
    pypanther: Option<&Path>,
    against_managed: bool,
    opts: &Options,
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
    let mut out = Reporter::new(repo, opts.format);
    let (output, diags) = migrate_repo(repo, &log_types, managed.as_ref());
    out.diagnostics(&diags);
    // The same safe writer as the crate's: never into a directory ferrule did not create
    // (unless `--force`), never deleting a file it did not write.
    crate::emit::crate_::write(out_dir, &output.files, opts.force)
        .map_err(|e| Fatal(format!("{}: {e}", out_dir.display())))?;
    let summary = Summary {
        command: "migrate".into(),
        detections: migrate_counts(&output, &diags),
        tests: None,
        diagnostics: report::count_diagnostics(&diags),
        crate_dir: Some(out_dir.display().to_string()),
        seconds: out.seconds(),
        exit_code: if has_errors(&diags) { 1 } else { 0 },
    };
    Ok(out.finish(&summary))
}

/// What a migration did per detection: migrated rules are converted; every other detection
/// with an error failed to load (broken as PAT sees it) or was refused.
fn migrate_counts(
    output: &crate::emit::pypanther::Output,
    diags: &[Diagnostic],
) -> report::DetectionCounts {
    let mut lost: BTreeMap<&str, bool> = BTreeMap::new();
    let mut c = report::DetectionCounts {
        converted: output.rules.len(),
        ..Default::default()
    };
    for d in diags {
        if d.code == crate::diag::Code::Skipped {
            *c.skipped.entry(report::skipped_kind(d)).or_default() += 1;
        } else if let (true, Some(id)) = (d.code.is_error(), &d.detection) {
            *lost.entry(id.as_str()).or_default() |= d.code.is_load_failure();
        }
    }
    c.failed_to_load = lost.values().filter(|l| **l).count();
    c.refused = lost.len() - c.failed_to_load;
    c
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
