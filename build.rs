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
    for rel in &files {
        let abs = root.join("runtime").join(rel);
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            rel,
            abs.display().to_string()
        );
        println!("cargo:rerun-if-changed={}", abs.display());
    }
    out.push_str("];\n");
    let _ = writeln!(out, "/// The workspace's Cargo.lock, to pin the generated crate's dependencies.\npub static CARGO_LOCK: &str = include_str!({:?});", root.join("Cargo.lock").display().to_string());
    println!(
        "cargo:rerun-if-changed={}",
        root.join("Cargo.lock").display()
    );
    println!("cargo:rerun-if-changed={}", root.join("runtime").display());
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("runtime_files.rs");
    std::fs::write(dest, out).expect("write runtime_files.rs");
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
