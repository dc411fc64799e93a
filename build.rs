//! Embeds the runtime crate's sources, so that `ferrule build` can write them next to the
//! generated crate (it must build on a machine that has only cargo and crates.io).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("runtime"), &root.join("runtime"), &mut files);
    files.sort();
    let mut out = String::from("/// The runtime crate's files: (path relative to the crate, contents).\npub static RUNTIME_FILES: &[(&str, &str)] = &[\n");
    let out_dir = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).to_path_buf();
    for rel in &files {
        let src = root.join("runtime").join(rel);
        println!("cargo:rerun-if-changed={}", src.display());
        let mut abs = src.clone();
        if rel == "Cargo.toml" {
            // Generated crates get the manifest without the runtime's benchmark: its
            // dev-dependencies would otherwise join their dependency graph.
            let text = std::fs::read_to_string(&src).expect("read runtime/Cargo.toml");
            abs = out_dir.join("runtime_Cargo.toml");
            std::fs::write(&abs, strip_bench_sections(&text)).expect("write runtime manifest");
        }
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            rel,
            abs.display().to_string()
        );
    }
    out.push_str("];\n");
    let _ = writeln!(out, "/// The workspace's Cargo.lock, to pin the generated crate's dependencies.\npub static CARGO_LOCK: &str = include_str!({:?});", root.join("Cargo.lock").display().to_string());
    println!(
        "cargo:rerun-if-changed={}",
        root.join("Cargo.lock").display()
    );
    println!("cargo:rerun-if-changed={}", root.join("runtime").display());
    let dest = out_dir.join("runtime_files.rs");
    std::fs::write(dest, out).expect("write runtime_files.rs");
}

/// The manifest without its `[dev-dependencies]`, `[[bench]]` and `[[test]]` tables (and
/// the comment lines just above each): the generated crate's copy has no tests or benches.
fn strip_bench_sections(manifest: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut skipping = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            skipping = matches!(t, "[dev-dependencies]" | "[[bench]]" | "[[test]]");
            if skipping {
                while kept.last().is_some_and(|l| l.trim().starts_with('#')) {
                    kept.pop();
                }
            }
        }
        if !skipping {
            kept.push(line);
        }
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    kept.join("\n") + "\n"
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if name != "target" && name != "tests" && name != "benches" && !name.starts_with('.') {
                collect(base, &p, out);
            }
        } else if name.ends_with(".rs") || name == "Cargo.toml" {
            let rel = p
                .strip_prefix(base)
                .expect("under base")
                .to_string_lossy()
                .replace('\\', "/");
            out.push(rel);
        }
    }
}
