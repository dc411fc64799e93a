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
        /// What to emit (`pypanther` is not implemented yet: an error).
        #[arg(long, value_enum, default_value = "rust")]
        target: TargetArg,
        /// The input format (default: detected; an error when it does not fit REPO).
        #[arg(long, value_enum)]
        input: Option<InputArg>,
    },
    /// Load, lower and resolve REPO; print diagnostics only.
    Check {
        repo: PathBuf,
        /// The input format (default: detected; an error when it does not fit REPO).
        #[arg(long, value_enum)]
        input: Option<InputArg>,
    },
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
    let format = match cli.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
    };
    let mut opts = Options::new(format);
    let result = match cli.command {
        Cmd::Build {
            repo,
            out,
            target,
            input: i,
        } => match target {
            TargetArg::Rust => driver::build(&repo, &out, input(i), &opts),
            TargetArg::Pypanther => Err(driver::Fatal(
                "--target pypanther is not supported yet".into(),
            )),
        },
        Cmd::Check { repo, input: i } => driver::check(&repo, input(i), &opts),
        Cmd::Test {
            repo,
            jsonl,
            junit,
            ids,
            input: i,
        } => {
            opts.junit = junit;
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
