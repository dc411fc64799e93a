//! Whole-program differential test: random v1 repositories (`progdiff/gen.rs`) run through
//! `ferrule test` and through CPython + PAT (`oracle_v1.py`), compared field by field.
//!
//! `FERRULE_DIFF_PROGRAMS` (default 2000) programs per run in one repository and one generated
//! crate; `FERRULE_DIFF_SEED` (default 1, printed) chooses them; `FERRULE_DIFF_FEATURES`
//! switches constructs off or on (`-classes,+match`, see `gen::FEATURES`);
//! `FERRULE_DIFF_KEEP=1` keeps the repository and both outputs under
//! `target/progdiff/seed-<seed>`. The PAT Python is `FERRULE_PAT_PY`, else the one
//! `scripts/regen-expected.sh` finds; without it the test is skipped with a message, or fails
//! when `FERRULE_REQUIRE_ORACLE=1` (CI). Refusals (F007 and its cascade F011 at compile time,
//! `NotImplementedError: ferrule runtime:` at run time) are counted, not differences.

#[path = "progdiff/gen.rs"]
mod gen;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value as J;

const FIELDS: &[&str] = &[
    "expected",
    "result",
    "error",
    "alert",
    "title",
    "dedup",
    "severity",
    "alert_context",
    "description",
    "reference",
    "runbook",
    "destinations",
];

const REFUSAL: &str = "NotImplementedError: ferrule runtime:";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env_num(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {s:?}")),
        Err(_) => default,
    }
}

/// The Python with panther_analysis_tool, found as `scripts/regen-expected.sh` finds it.
fn pat_python() -> Option<PathBuf> {
    let mut cands = Vec::new();
    for var in ["FERRULE_PAT_PY", "PAT_PY"] {
        if let Ok(p) = std::env::var(var) {
            cands.push(PathBuf::from(p));
        }
    }
    cands.push(root().join(".venv-pat/bin/python"));
    cands.push(PathBuf::from("/work/.venv-pat/bin/python"));
    cands.into_iter().find(|p| {
        p.exists()
            && Command::new(p)
                .args(["-c", "import panther_analysis_tool, panther_core"])
                .output()
                .is_ok_and(|o| o.status.success())
    })
}

/// `oracle_v1.py` in the shared directory (`FERRULE_SHARED`, or `shared/` beside the clone or
/// beside the worktrees' folder).
fn oracle_script() -> Option<PathBuf> {
    let mut cands = Vec::new();
    if let Ok(s) = std::env::var("FERRULE_SHARED") {
        cands.push(PathBuf::from(s));
    }
    cands.push(root().join("../shared"));
    cands.push(root().join("../../shared"));
    cands
        .into_iter()
        .map(|d| d.join("oracle/oracle_v1.py"))
        .find(|p| p.exists())
}

fn read_jsonl(path: &Path) -> Vec<J> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// Exact equality of two recorded values, dict order included, except that JSON numbers
/// compare by value and type (an int never equals a float).
fn same(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => {
            if x.is_f64() || y.is_f64() {
                x.is_f64() && y.is_f64() && x.as_f64() == y.as_f64()
            } else {
                x == y
            }
        }
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        _ => a == b,
    }
}

fn key(r: &J) -> (String, String, String) {
    let s = |f: &str| r.get(f).map(|v| v.to_string()).unwrap_or_default();
    (s("record"), s("id"), s("test"))
}

struct Outcome {
    tests: usize,
    identical: usize,
    compile_refused_tests: usize,
    runtime_refused: usize,
    refused_programs: usize,
    refusal_reasons: BTreeMap<String, usize>,
    diffs: Vec<String>,
}

/// The detection's files (its rule, its helper and data model) and the one test, as a
/// reproduction.
fn reproduction(repo: &Path, id: &str, test: &str) -> String {
    let n = id.trim_start_matches("Gen.P");
    let mut out = String::new();
    for rel in [
        format!("global_helpers/gh_{n}.py"),
        format!("data_models/dm_{n}.yml"),
        format!("data_models/dm_{n}.py"),
        format!("rules/p_{n}.py"),
    ] {
        if let Ok(text) = std::fs::read_to_string(repo.join(&rel)) {
            out.push_str(&format!("----- {rel}\n{text}"));
        }
    }
    if let Ok(spec) = std::fs::read_to_string(repo.join(format!("rules/p_{n}.yml"))) {
        out.push_str(&format!("----- rules/p_{n}.yml (test {test})\n"));
        let mut keep = true;
        for line in spec.lines() {
            if let Some(name) = line.strip_prefix("  - Name: ") {
                keep = name == test;
            }
            if keep || !line.starts_with("    ") && !line.starts_with("  - ") {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// The first run-time refusal message in a record, if any.
fn refusal_in(r: &J) -> Option<String> {
    match r {
        J::String(s) => s.find(&REFUSAL["NotImplementedError: ".len()..]).map(|i| {
            format!(
                "{REFUSAL}{}",
                &s[i + REFUSAL.len() - "NotImplementedError: ".len()..]
            )
        }),
        J::Array(xs) => xs.iter().find_map(refusal_in),
        J::Object(m) => m.values().find_map(refusal_in),
        _ => None,
    }
}

fn compare(repo: &Path, oracle: &[J], ours: &[J], diags: &[J]) -> Outcome {
    let mut by_key: BTreeMap<(String, String, String), &J> = BTreeMap::new();
    // Detections whose module ferrule refused to load at run time (a refusal at import).
    let mut load_refused: BTreeMap<String, String> = BTreeMap::new();
    for r in ours {
        by_key.insert(key(r), r);
        if r.get("record").and_then(J::as_str) == Some("load_error") {
            if let (Some(id), Some(msg)) = (r.get("id").and_then(J::as_str), refusal_in(r)) {
                load_refused.insert(id.to_string(), msg);
            }
        }
    }
    // Detections refused at compile time, with the first reason.
    let mut refused: BTreeMap<String, String> = BTreeMap::new();
    let mut other_diags = Vec::new();
    for d in diags {
        let code = d.get("code").and_then(J::as_str).unwrap_or("");
        let file = d.get("file").and_then(J::as_str).unwrap_or("");
        let msg = d.get("message").and_then(J::as_str).unwrap_or("");
        // The detection it costs: named, or the program number in the file name.
        let n = match d.get("detection").and_then(J::as_str) {
            Some(id) => id.trim_start_matches("Gen.P").to_string(),
            None => file
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".py")
                .trim_end_matches(".yml")
                .rsplit('_')
                .next()
                .unwrap_or("")
                .to_string(),
        };
        match code {
            "F007" | "F011" => {
                let reason = if code == "F007" {
                    msg.split('`').take(2).collect::<Vec<_>>().join("`")
                } else {
                    "F011 (depends on a refused module)".to_string()
                };
                refused.entry(n).or_insert(reason);
            }
            _ => other_diags.push(format!("{code} {file}: {msg}")),
        }
    }
    let mut out = Outcome {
        tests: 0,
        identical: 0,
        compile_refused_tests: 0,
        runtime_refused: 0,
        refused_programs: refused.len(),
        refusal_reasons: BTreeMap::new(),
        diffs: other_diags
            .into_iter()
            .map(|d| format!("unexpected diagnostic (CPython loads it): {d}"))
            .collect(),
    };
    for reason in refused.values() {
        *out.refusal_reasons.entry(reason.clone()).or_default() += 1;
    }
    for e in oracle {
        let rec = e.get("record").and_then(J::as_str).unwrap_or("");
        if rec != "test" && rec != "load_error" {
            continue;
        }
        let id = e.get("id").and_then(J::as_str).unwrap_or("").to_string();
        let test = e.get("test").and_then(J::as_str).unwrap_or("").to_string();
        let n = id.trim_start_matches("Gen.P").to_string();
        out.tests += 1;
        let Some(a) = by_key.get(&key(e)) else {
            if refused.contains_key(&n) {
                out.compile_refused_tests += 1;
            } else if let Some(msg) = load_refused.get(&id) {
                out.runtime_refused += 1;
                let short: String = msg.chars().take(90).collect();
                *out.refusal_reasons
                    .entry(format!("at load: {short}"))
                    .or_default() += 1;
            } else {
                out.diffs.push(format!(
                    "MISSING {rec} {id} | {test}: CPython {}\n{}",
                    e,
                    reproduction(repo, &id, &test)
                ));
            }
            continue;
        };
        // A refusal anywhere in the record: the test's error, or an auxiliary function's
        // (which panther_core's defaults swallow until refusals are uncatchable).
        if let Some(msg) = refusal_in(a) {
            out.runtime_refused += 1;
            let short: String = msg.chars().take(90).collect();
            *out.refusal_reasons
                .entry(format!("run time: {short}"))
                .or_default() += 1;
            continue;
        }
        let fields: &[&str] = if rec == "test" { FIELDS } else { &["error"] };
        let bad: Vec<String> = fields
            .iter()
            .filter(|f| {
                let ev = e.get(**f).unwrap_or(&J::Null);
                let av = a.get(**f).unwrap_or(&J::Null);
                !same(ev, av)
            })
            .map(|f| {
                format!(
                    "    {f}:\n      CPython {}\n      ferrule {}",
                    e.get(*f).unwrap_or(&J::Null),
                    a.get(*f).unwrap_or(&J::Null)
                )
            })
            .collect();
        if bad.is_empty() {
            out.identical += 1;
        } else {
            out.diffs.push(format!(
                "DIFF {id} | {test}\n{}\n{}",
                bad.join("\n"),
                reproduction(repo, &id, &test)
            ));
        }
    }
    out
}

#[test]
fn random_programs_match_cpython() {
    let seed = env_num("FERRULE_DIFF_SEED", 1);
    let count = env_num("FERRULE_DIFF_PROGRAMS", 2000) as usize;
    let size = env_num("FERRULE_DIFF_SIZE", 1) as usize;
    let feat = gen::Features::parse(&std::env::var("FERRULE_DIFF_FEATURES").unwrap_or_default())
        .unwrap_or_else(|e| panic!("FERRULE_DIFF_FEATURES: {e}"));
    let require = std::env::var("FERRULE_REQUIRE_ORACLE").is_ok_and(|v| v == "1");
    let (py, oracle) = match (pat_python(), oracle_script()) {
        (Some(p), Some(o)) => (p, o),
        (p, o) => {
            let msg = format!(
                "progdiff: skipped: {}{}",
                if p.is_none() {
                    "no Python with panther_analysis_tool (set FERRULE_PAT_PY) "
                } else {
                    ""
                },
                if o.is_none() {
                    "no oracle_v1.py (set FERRULE_SHARED)"
                } else {
                    ""
                }
            );
            assert!(!require, "{msg} and FERRULE_REQUIRE_ORACLE=1");
            eprintln!("{msg}");
            return;
        }
    };
    eprintln!(
        "progdiff: seed {seed} (FERRULE_DIFF_SEED), {count} programs (FERRULE_DIFF_PROGRAMS) of size {size} (FERRULE_DIFF_SIZE), features: {}",
        feat.names().join(",")
    );

    // Generate the repository.
    let t0 = Instant::now();
    let work = root().join(format!("target/progdiff/seed-{seed}"));
    let _ = std::fs::remove_dir_all(&work);
    let repo = work.join("repo");
    let mut rng = gen::Rng::new(seed);
    for n in 0..count {
        let p = gen::program(&mut rng, &feat, n, size);
        for (rel, text) in &p.files {
            let path = repo.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
    }
    let t_gen = t0.elapsed();

    // CPython + PAT.
    let t1 = Instant::now();
    let oracle_out = work.join("oracle.jsonl");
    let st = Command::new(&py)
        .arg(&oracle)
        .arg(&repo)
        .arg(&oracle_out)
        .arg("--quiet")
        .env("PYTHONHASHSEED", "0")
        .output()
        .expect("run oracle_v1.py");
    assert!(
        st.status.success(),
        "oracle_v1.py failed: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    let t_oracle = t1.elapsed();

    // ferrule test.
    let t2 = Instant::now();
    let ours_out = work.join("ferrule.jsonl");
    let st = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["test", "--format", "json", "--jsonl"])
        .arg(&ours_out)
        .arg(&repo)
        .env("FERRULE_TEST_DIR", root().join("target/gen/progdiff"))
        .env("FERRULE_TARGET_DIR", root().join("target/gen/target"))
        .output()
        .expect("run ferrule test");
    let t_ferrule = t2.elapsed();
    let stderr = String::from_utf8_lossy(&st.stderr);
    assert!(
        matches!(st.status.code(), Some(0) | Some(1)),
        "ferrule test failed ({:?}):\n{}",
        st.status,
        stderr.chars().take(20000).collect::<String>()
    );
    let diags: Vec<J> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();

    let o = compare(
        &repo,
        &read_jsonl(&oracle_out),
        &read_jsonl(&ours_out),
        &diags,
    );
    eprintln!(
        "progdiff: {} programs, {} refused at compile time ({} tests); {} oracle records: {} identical, {} refused at run time, {} different",
        count,
        o.refused_programs,
        o.compile_refused_tests,
        o.tests,
        o.identical,
        o.runtime_refused,
        o.diffs.len()
    );
    for (r, n) in &o.refusal_reasons {
        eprintln!("progdiff:   refusal {n:>6}  {r}");
    }
    eprintln!(
        "progdiff: times: generate {:.1}s, CPython {:.1}s, ferrule test {:.1}s",
        t_gen.as_secs_f64(),
        t_oracle.as_secs_f64(),
        t_ferrule.as_secs_f64()
    );
    if o.diffs.is_empty() && std::env::var("FERRULE_DIFF_KEEP").is_err() {
        let _ = std::fs::remove_dir_all(&work);
    }
    if !o.diffs.is_empty() {
        for d in o.diffs.iter().take(5) {
            eprintln!("\n{d}");
        }
        panic!(
            "{} differences from CPython (seed {seed}; repository kept in {})",
            o.diffs.len(),
            work.display()
        );
    }
    // A generator that mostly produces refused code tests nothing.
    let refused = o.compile_refused_tests + o.runtime_refused;
    assert!(
        refused * 4 <= o.tests,
        "more than a quarter of the tests were refused ({refused} of {})",
        o.tests
    );
}
