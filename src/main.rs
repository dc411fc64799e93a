//! The `ferrule` command line: a thin shell over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ferrule::driver::{self, Format, Input, Options};

#[derive(Parser)]
#[command(
    name = "ferrule",
    version,
    about = "Compile Panther detections to native Rust"
)]
struct Cli {
    /// Output: `text` (diagnostics and summary on stderr, coloured on a terminal), `json`
    /// (one object per diagnostic, then a summary object, on stdout) or `sarif` (a SARIF
    /// 2.1.0 log on stdout, for code-scanning upload).
    #[arg(long, value_enum, global = true, default_value = "text")]
    format: FormatArg,
    /// The Python of the environment PAT or `pypanther` runs in: where the libraries v1
    /// detections import are found (as PAT run with it finds them) and the installed
    /// `pypanther` a PyPanther project uses; default: the active virtualenv, else `python3`
    /// on PATH.
    #[arg(long, global = true, value_name = "PATH")]
    python: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Compile REPO into a Cargo crate in DIR.
    Build {
        repo: PathBuf,
        /// The directory the crate is written to.
        #[arg(long)]
        out: PathBuf,
        /// What to emit: the Rust crate, or a PyPanther project (migration).
        #[arg(long, value_enum, default_value = "rust")]
        target: TargetArg,
        /// The input format (default: detected; an error when it does not fit REPO).
        #[arg(long, value_enum)]
        input: Option<InputArg>,
        /// With `--target pypanther`: migrate a fork of panther-analysis against the rules
        /// pypanther ships (matched by id; pypanther's carry a `-prototype` suffix).
        #[arg(long)]
        against_managed: bool,
        /// With `--target pypanther`: the installed pypanther package directory (default:
        /// `$FERRULE_PYPANTHER`), for `LogType` members and managed rules.
        #[arg(long, value_name = "DIR")]
        pypanther: Option<PathBuf>,
        /// Write into DIR even if it is not empty and ferrule did not create it (files
        /// ferrule did not write are never deleted).
        #[arg(long)]
        force: bool,
    },
    /// Load, lower and resolve REPO; print diagnostics only.
    Check {
        repo: PathBuf,
        /// The input format (default: detected; an error when it does not fit REPO).
        #[arg(long, value_enum)]
        input: Option<InputArg>,
    },
    /// List every rule a PyPanther project registers, with its final metadata and where
    /// each value was set (`--format json` for JSON).
    Rules { repo: PathBuf },
    /// Compile REPO to Rust, build it with cargo (in $FERRULE_TEST_DIR, default a
    /// directory under the system temp dir) and run every unit test.
    Test {
        repo: PathBuf,
        /// Write one JSON record per unit test to FILE.
        #[arg(long)]
        jsonl: Option<PathBuf>,
        /// Write the results as JUnit XML to FILE (for CI test reports).
        #[arg(long)]
        junit: Option<PathBuf>,
        /// Only these detection ids (repeatable; an id matching no detection is an error).
        #[arg(long = "id")]
        ids: Vec<String>,
        /// The input format (default: detected; an error when it does not fit REPO).
        #[arg(long, value_enum)]
        input: Option<InputArg>,
        /// Build in the test directory even if ferrule did not create it.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum TargetArg {
    Rust,
    Pypanther,
}

#[derive(Clone, Copy, ValueEnum)]
enum InputArg {
    V1,
    Pypanther,
}

fn input(i: Option<InputArg>) -> Option<Input> {
    i.map(|i| match i {
        InputArg::V1 => Input::V1,
        InputArg::Pypanther => Input::PyPanther,
    })
}

// Compilation allocates many small token and syntax-tree nodes; mimalloc makes `ferrule
// build` on a large package markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    ferrule::lower::libraries::set_python(cli.python.clone());
    let format = match cli.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
    };
    let mut opts = Options::new(format);
    opts.python = cli.python;
    let result = match cli.command {
        Cmd::Build {
            repo,
            out,
            target,
            input: i,
            against_managed,
            pypanther,
            force,
        } => {
            opts.force = force;
            match target {
                TargetArg::Rust => driver::build(&repo, &out, input(i), &opts),
                TargetArg::Pypanther => {
                    driver::migrate(&repo, &out, pypanther.as_deref(), against_managed, &opts)
                }
            }
        }
        Cmd::Check { repo, input: i } => driver::check(&repo, input(i), &opts),
        Cmd::Rules { repo } => driver::rules(&repo, &opts),
        Cmd::Test {
            repo,
            jsonl,
            junit,
            ids,
            input: i,
            force,
        } => {
            opts.junit = junit;
            opts.force = force;
            driver::test(&repo, jsonl.as_deref(), &ids, input(i), &opts)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(driver::Fatal(msg)) => {
            eprintln!("ferrule: error: {msg}");
            ExitCode::from(2)
        }
    }
}
