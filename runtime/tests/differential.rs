//! Differential test of the runtime against CPython: a seeded generator builds random
//! expressions over random values, the runtime evaluates each one, one batched `python3`
//! process (`differential_eval.py`) evaluates the same expressions as Python source, and every
//! result — value or exception type, `str()` and `repr()` — must be identical.
//!
//! `FERRULE_DIFF_CASES` (default 100000) and `FERRULE_DIFF_SEED` (default 1) choose the run;
//! `FERRULE_PAT_PY` names a Python with panther_core for the PantherEvent family (otherwise
//! `<repo>/.venv-pat` or `<repo>/../.venv-pat`, else plain `python3` without that family).

#[path = "differential/classes.rs"]
mod classes;
#[path = "differential/gen.rs"]
mod gen;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use ferrule_runtime::err::ExcKind;
use ferrule_runtime::{PyErr, Value};
use gen::{Case, Gen};
use serde_json::{json, Value as J};

/// The imports a reproducing snippet needs.
const PRELUDE: &str =
    "import base64, collections, datetime, decimal, fnmatch, ipaddress, json, math, re, shlex, urllib.parse\n\
                       from panther_core.enriched_event import PantherEvent\n";

/// CI sets `FERRULE_REQUIRE_ORACLE=1`: a missing CPython environment is then a failure,
/// never a skip.
fn require_oracle() -> bool {
    std::env::var("FERRULE_REQUIRE_ORACLE").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn python() -> (PathBuf, bool) {
    if let Ok(p) = std::env::var("FERRULE_PAT_PY") {
        return (PathBuf::from(p), true);
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for dir in [repo.join(".venv-pat"), repo.join("../.venv-pat")] {
        let p = dir.join("bin/python");
        if p.exists() {
            return (p, true);
        }
    }
    (PathBuf::from("python3"), false)
}

/// The encoding `differential_eval.py` gives a Python value.
fn enc(v: &Value) -> J {
    match v {
        Value::None => json!(["None"]),
        Value::Bool(b) => json!(["bool", b]),
        Value::Int(i) => json!(["int", i.to_string()]),
        Value::Float(f) => json!(["float", ferrule_runtime::fmt::float_repr(*f)]),
        Value::Str(s) => json!(["str", &**s]),
        Value::Bytes(b) => json!([
            "bytes",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ]),
        Value::List(l) => json!(["list", l.borrow().iter().map(enc).collect::<Vec<_>>()]),
        Value::Tuple(t) => json!(["tuple", t.iter().map(enc).collect::<Vec<_>>()]),
        Value::Dict(d) => json!([
            "dict",
            d.borrow()
                .iter()
                .map(|(k, v)| json!([enc(k.value()), enc(v)]))
                .collect::<Vec<_>>()
        ]),
        Value::Set(s) => json!([
            "set",
            s.borrow()
                .iter()
                .map(|k| enc(k.value()))
                .collect::<Vec<_>>()
        ]),
        Value::FrozenSet(s) => json!([
            "frozenset",
            s.iter().map(|k| enc(k.value())).collect::<Vec<_>>()
        ]),
        // Python's `type(x).__name__` is the last component of the C-level name
        // (`re.Match`, `datetime.datetime`).
        _ => json!([
            "obj",
            v.type_name().rsplit('.').next(),
            ferrule_runtime::fmt::repr(v)
        ]),
    }
}

fn enc_result(r: &Result<Value, PyErr>) -> J {
    match r {
        Ok(v) => json!(["ok", enc(v)]),
        Err(e) => json!(["exc", e.ty.name(), e.str(), e.repr()]),
    }
}

/// Sets compare as multisets: CPython's iteration order depends on hashes.
fn canon(j: &mut J) {
    if let J::Array(a) = j {
        for x in a.iter_mut() {
            canon(x);
        }
        if matches!(a.first(), Some(J::String(t)) if t == "set" || t == "frozenset") {
            if let Some(J::Array(items)) = a.get_mut(1) {
                items.sort_by_key(|x| x.to_string());
            }
        }
    }
}

/// Whether CPython's answer holds an int beyond i64, which the runtime may refuse.
fn has_bigint(j: &J) -> bool {
    match j {
        J::Array(a) => {
            matches!(a.first(), Some(J::String(t)) if t == "bigint") || a.iter().any(has_bigint)
        }
        _ => false,
    }
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|s| {
            s.parse()
                .unwrap_or_else(|_| panic!("{name} must be a number"))
        })
        .unwrap_or(default)
}

#[test]
fn runtime_matches_cpython() {
    let n = env_num("FERRULE_DIFF_CASES", 100_000) as usize;
    let seed = env_num("FERRULE_DIFF_SEED", 1);
    let (py, mut with_events) = python();
    let t0 = Instant::now();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential_eval.py");
    let mut child = Command::new(&py)
        .arg(&script)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", py.display()));
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut header = String::new();
    stdout.read_line(&mut header).unwrap();
    let header: J = serde_json::from_str(&header).expect("evaluator header");
    // The semantics contract is CPython 3.11's; other versions differ in small ways (float
    // sums, messages), so comparing with them would report noise.
    if header["version"] != json!([3, 11]) {
        assert!(
            !require_oracle(),
            "differential: {} is Python {}, not 3.11, and FERRULE_REQUIRE_ORACLE is set",
            py.display(),
            header["version"]
        );
        eprintln!(
            "\n*** differential: {} is Python {}, not 3.11: SKIPPING the differential test. \
             Run scripts/setup-oracle.sh or set FERRULE_PAT_PY. ***\n",
            py.display(),
            header["version"]
        );
        drop(child.stdin.take());
        let _ = child.wait();
        return;
    }
    if header["pat"] != J::Bool(true) {
        with_events = false;
    }
    if !with_events {
        assert!(
            !require_oracle(),
            "differential: {} has no panther_core, and FERRULE_REQUIRE_ORACLE is set",
            py.display()
        );
        eprintln!(
            "\n*** differential: {} has no panther_core: SKIPPING the PantherEvent family. \
             Run scripts/setup-oracle.sh or set FERRULE_PAT_PY. ***\n",
            py.display()
        );
    }

    // Panics are results to report with their case, not noise on stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let mut g = Gen::new(seed, with_events);
    let cases: Vec<Case> = (0..n).map(|_| g.case()).collect();
    let t_gen = t0.elapsed();

    let mut stdin = child.stdin.take().unwrap();
    let sources: Vec<String> = cases.iter().map(|c| c.expr.py()).collect();
    // `FERRULE_DIFF_DUMP=FILE` writes the Python expressions, one a line, for debugging.
    if let Ok(path) = std::env::var("FERRULE_DIFF_DUMP") {
        std::fs::write(path, sources.join("\n") + "\n").unwrap();
    }
    let writer = {
        let sources = sources.clone();
        std::thread::spawn(move || {
            let mut w = std::io::BufWriter::new(&mut stdin);
            for s in &sources {
                assert!(!s.contains('\n'));
                w.write_all(s.as_bytes()).unwrap();
                w.write_all(b"\n").unwrap();
            }
            w.flush().unwrap();
        })
    };

    let mut failures = Vec::new();
    let mut per_family: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut line = String::new();
    let mut waited = std::time::Duration::ZERO;
    for (i, case) in cases.iter().enumerate() {
        line.clear();
        let t_read = Instant::now();
        stdout.read_line(&mut line).unwrap();
        waited += t_read.elapsed();
        let mut want: J = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("bad evaluator output {line:?}: {e}"));
        // Each case is its own evaluation: a refusal recorded by an earlier one (see
        // `err::refusal`) must not block this one's hooks.
        ferrule_runtime::err::take_refusal();
        let got_r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case.expr.eval()));
        let (got_r, mut got) = match got_r {
            Ok(r) => {
                let j = enc_result(&r);
                (r, j)
            }
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                (Ok(Value::None), json!(["panic", msg]))
            }
        };
        canon(&mut want);
        canon(&mut got);
        *per_family.entry(case.family).or_default() += 1;
        if want == got {
            continue;
        }
        // The runtime works on i64: it may refuse (never answer differently) where CPython's
        // answer needs a bigger int.
        if has_bigint(&want) {
            if let Err(e) = &got_r {
                if e.kind() == Some(ExcKind::NotImplementedError) {
                    continue;
                }
            }
        }
        // A Decimal operation that traps in CPython's default context (division by zero, NaN
        // comparisons, an integer quotient beyond the precision) is refused by the runtime.
        if want[0] == "exc"
            && matches!(
                want[1].as_str(),
                Some("InvalidOperation" | "DivisionByZero" | "Overflow")
            )
        {
            if let Err(e) = &got_r {
                if e.kind() == Some(ExcKind::NotImplementedError) {
                    continue;
                }
            }
        }
        // Likewise where CPython runs out of memory (its evaluator is capped at 2 GiB): the
        // runtime refuses such sizes up front.
        if want[0] == "exc" && want[1] == "MemoryError" {
            if let Err(e) = &got_r {
                if e.kind() == Some(ExcKind::NotImplementedError) {
                    continue;
                }
            }
        }
        failures.push((i, case.family, sources[i].clone(), got, want));
    }
    drop(std::panic::take_hook());
    writer.join().unwrap();
    child.wait().unwrap();
    let elapsed = t0.elapsed();
    eprintln!(
        "differential: {n} cases, seed {seed}, {:.2?} (generation {:.2?}, waiting for python {:.2?}); per family: {:?}",
        elapsed, t_gen, waited, per_family
    );
    if !failures.is_empty() {
        let mut msg = format!(
            "{} of {n} cases differ from CPython (seed {seed}); first ones:\n",
            failures.len()
        );
        let mut kinds: std::collections::BTreeMap<String, usize> = Default::default();
        for (_, fam, _, _, want) in &failures {
            *kinds.entry(format!("{fam} {}", want[0])).or_default() += 1;
        }
        msg.push_str(&format!("by family and CPython outcome: {kinds:?}\n"));
        let limit = env_num("FERRULE_DIFF_SHOW", 40) as usize;
        for (i, fam, src, got, want) in failures.iter().take(limit) {
            msg.push_str(&format!(
                "\n#{i} [{fam}]\n{PRELUDE}print(repr({src}))\n  runtime: {got}\n  CPython: {want}\n"
            ));
        }
        panic!("{msg}");
    }
}
