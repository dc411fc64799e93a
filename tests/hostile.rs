//! `corpus/hostile`: every hostile input of issue 12 beside a good detection. Each spec's
//! first line declares what ferrule must do with it (`# expect: CODE`, or `ok` when the
//! detection must be emitted); folders and links that cannot carry that line are listed
//! below. Loading never panics or overflows, every expectation holds, nothing else is
//! reported, the generated crate builds, and the diagnostics are a reviewed snapshot.
//! (`.ci/run` also runs `ferrule build corpus/hostile` under `ulimit -v`.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ferrule::diag::Diagnostic;
use ferrule::driver;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/hostile")
}

/// Expectations that no file can declare: links out of the repository and folders.
const EXTRA: &[(&str, &str)] = &[
    ("rules/spec_link_outside.yml", "F001"),
    ("notes", "F012"),
    ("shared", "F012"),
];

/// (spec path, RuleID or GlobalID, expected code or "ok").
fn expectations() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for dir in ["rules", "global_helpers"] {
        let mut entries: Vec<_> = std::fs::read_dir(root().join(dir))
            .expect("read corpus/hostile")
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.extension().and_then(|e| e.to_str()) != Some("yml") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            let text = text.trim_start_matches('\u{feff}');
            let Some(code) = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# expect: "))
            else {
                continue;
            };
            let id = text
                .lines()
                .find_map(|l| {
                    l.strip_prefix("RuleID: ")
                        .or_else(|| l.strip_prefix("GlobalID: "))
                })
                .unwrap_or("")
                .to_string();
            let rel = ferrule::source::v1::rel_path(&root(), &p);
            out.push((rel, id, code.trim().to_string()));
        }
    }
    out
}

fn concerns(d: &Diagnostic, spec: &str, id: &str) -> bool {
    let stem = spec.trim_end_matches(".yml");
    d.span.file == spec
        || d.span.file.starts_with(&format!("{stem}."))
        || d.detection.as_deref() == Some(id)
}

#[test]
fn hostile_inputs_cost_only_themselves() {
    let (program, diags) = driver::load(&root(), None).expect("corpus/hostile loads");
    let ids: Vec<&str> = program.detections.iter().map(|d| d.id.as_str()).collect();
    let expected = expectations();
    assert!(expected.len() >= 30, "corpus/hostile holds its cases");
    let mut accounted = vec![false; diags.len()];
    for (spec, id, code) in &expected {
        if code == "ok" {
            assert!(
                ids.contains(&id.as_str()),
                "{spec}: `{id}` must be emitted; diagnostics: {:?}",
                diags
                    .iter()
                    .filter(|d| concerns(d, spec, id))
                    .map(|d| (d.code.as_str(), &d.message))
                    .collect::<Vec<_>>()
            );
            continue;
        }
        let mut found = false;
        for (i, d) in diags.iter().enumerate() {
            if concerns(d, spec, id) {
                accounted[i] = true;
                found |= d.code.as_str() == code;
            }
        }
        assert!(
            found,
            "{spec}: expected {code}, got {:?}",
            diags
                .iter()
                .filter(|d| concerns(d, spec, id))
                .map(|d| (d.code.as_str(), &d.message))
                .collect::<Vec<_>>()
        );
        assert!(
            !ids.contains(&id.as_str()) || id.is_empty() || code.as_str() == "F014",
            "{spec}: `{id}` must not be emitted"
        );
    }
    for (path, code) in EXTRA {
        let hit = diags
            .iter()
            .position(|d| d.span.file == *path && d.code.as_str() == *code);
        let i = hit.unwrap_or_else(|| panic!("{path}: expected {code}"));
        accounted[i] = true;
    }
    for (d, ok) in diags.iter().zip(&accounted) {
        assert!(*ok, "unexpected diagnostic: {}", d.render(&root()));
    }
    assert!(driver::has_errors(&diags), "exit code 1");
    assert!(
        ids.contains(&"Hostile.Good"),
        "the good detection is emitted"
    );

    // The generated crate (deep expressions included) builds with rustc.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = manifest.join("target/gen/hostile");
    let files = ferrule::emit::crate_::render(&program);
    let names: Vec<&String> = files.keys().collect();
    assert!(
        names.iter().all(|n| n.len() < 100),
        "generated file names are bounded: {names:?}"
    );
    ferrule::emit::crate_::write(&out, &files, true).expect("write crate");
    let status =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--quiet", "--target-dir"])
            .arg(manifest.join("target/gen/target"))
            .current_dir(&out)
            .env_remove("CARGO_TARGET_DIR")
            .status()
            .expect("run cargo build in the generated crate");
    assert!(
        status.success(),
        "the crate generated from corpus/hostile must build"
    );
}

#[test]
fn hostile_diagnostics_render_stably() {
    let (_, diags) = driver::load(&root(), None).expect("corpus/hostile loads");
    // Snippets of files outside the repository must never be shown.
    let text: String = diags.iter().map(|d| d.render(&root())).collect();
    // One line per diagnostic (location, code, message, detection): the snapshot pins what
    // is reported, not how the renderer draws it.
    let heads: String = diags
        .iter()
        .map(|d| {
            let det = d
                .detection
                .as_deref()
                .map(|id| format!(" [{id}]"))
                .unwrap_or_default();
            let s = &d.span;
            format!(
                "{}:{}:{}: {} {}{det}\n",
                s.file,
                s.line,
                s.col,
                d.code.as_str(),
                d.message
            )
        })
        .collect();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    for line in passwd.lines().filter(|l| l.len() > 8) {
        assert!(!text.contains(line), "a diagnostic echoes /etc/passwd");
    }
    let by_file: BTreeMap<&str, usize> = diags.iter().fold(BTreeMap::new(), |mut m, d| {
        *m.entry(d.span.file.as_str()).or_default() += 1;
        m
    });
    assert!(
        by_file.values().all(|&n| n <= 3),
        "one problem, one diagnostic: {by_file:?}"
    );
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("diagnostics@hostile", heads);
    });
}
