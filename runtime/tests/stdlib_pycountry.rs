//! ferrule's `pycountry.countries` against CPython + pycountry 24.6.1 on the real ISO 3166-1
//! database, which is not part of the repository (it is the user's installed pycountry's).
//!
//! Runs only when `FERRULE_PYCOUNTRY_DB` names pycountry's `databases/iso3166-1.json`; the
//! cases and CPython's outcomes come from one run of `tests/stdlib_gen/pycountry_eval.py`
//! under `FERRULE_PYCOUNTRY_PY` (default `python3`), which must import pycountry:
//!
//! ```sh
//! FERRULE_PYCOUNTRY_PY=/path/venv/bin/python \
//! FERRULE_PYCOUNTRY_DB=/path/venv/lib/python3.11/site-packages/pycountry/databases/iso3166-1.json \
//! cargo test -p ferrule-runtime --test stdlib_pycountry -- --nocapture
//! ```

#[path = "pycountry_common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[test]
fn pycountry_matches_cpython_on_the_installed_database() {
    let Ok(db_path) = std::env::var("FERRULE_PYCOUNTRY_DB") else {
        // CI sets FERRULE_REQUIRE_ORACLE=1: there a missing database is a failure.
        assert!(
            std::env::var("FERRULE_REQUIRE_ORACLE").map_or(true, |v| v.is_empty() || v == "0"),
            "stdlib_pycountry: FERRULE_PYCOUNTRY_DB is not set, and FERRULE_REQUIRE_ORACLE is"
        );
        eprintln!(
            "\n*** stdlib_pycountry SKIPPED: set FERRULE_PYCOUNTRY_DB to pycountry's \
             databases/iso3166-1.json (and FERRULE_PYCOUNTRY_PY to a python with pycountry \
             24.6.1, default python3) to compare with CPython. ***\n"
        );
        return;
    };
    let python = std::env::var("FERRULE_PYCOUNTRY_PY").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stdlib_gen/pycountry_eval.py");
    let started = Instant::now();
    let out = Command::new(&python)
        .arg(&script)
        .arg(&db_path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        out.status.success(),
        "{python} {} failed (FERRULE_PYCOUNTRY_DB is set, so a python with pycountry is \
         required):\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let python_secs = started.elapsed().as_secs_f64();
    let cases: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let text = std::fs::read_to_string(&db_path).unwrap();
    ferrule_runtime::stdlib::pycountry::install(Box::leak(text.into_boxed_str()));
    let started = Instant::now();
    let n = common::assert_all_match(&cases);
    eprintln!(
        "pycountry: {n} cases match CPython (python {python_secs:.2} s, ferrule {:.3} s)",
        started.elapsed().as_secs_f64()
    );
    assert!(n > 10_000, "only {n} cases were generated");
}
