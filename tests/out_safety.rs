//! `ferrule build --out DIR` and `ferrule test`'s build directory: ferrule writes into a new
//! or empty directory, or one it wrote before (its marker file); anything else is refused
//! (exit 2) unless `--force`, and no file ferrule did not write is ever deleted.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MARKER: &str = ".ferrule-generated";

fn repo(dir: &Path, ids: &[&str]) -> PathBuf {
    let r = dir.join("repo");
    let rules = r.join("rules");
    let _ = std::fs::remove_dir_all(&rules);
    std::fs::create_dir_all(&rules).unwrap();
    for id in ids {
        let stem = id.to_lowercase();
        std::fs::write(
            rules.join(format!("{stem}.py")),
            "def rule(event):\n    return True\n",
        )
        .unwrap();
        std::fs::write(
            rules.join(format!("{stem}.yml")),
            format!(
                "AnalysisType: rule\nFilename: {stem}.py\nRuleID: {id}\nEnabled: true\nLogTypes: [X.Y]\nSeverity: Low\n"
            ),
        )
        .unwrap();
    }
    r
}

fn ferrule(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(args)
        .output()
        .expect("run ferrule")
}

fn build(repo: &Path, out: &Path, force: bool) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "build".as_ref(),
        repo.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    if force {
        args.push("--force".as_ref());
    }
    ferrule(&args)
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn new_and_empty_directories_are_written_and_marked() {
    let t = tempfile::tempdir().unwrap();
    let r = repo(t.path(), &["A.One"]);
    let new = t.path().join("new/nested");
    assert_eq!(build(&r, &new, false).status.code(), Some(0));
    assert!(new.join(MARKER).is_file() && new.join("Cargo.toml").is_file());
    let empty = t.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(build(&r, &empty, false).status.code(), Some(0));
    assert!(empty.join(MARKER).is_file());
}

#[test]
fn a_directory_ferrule_did_not_write_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let r = repo(t.path(), &["A.One"]);
    let other = t.path().join("other");
    std::fs::create_dir_all(other.join("src/m")).unwrap();
    std::fs::write(other.join("Cargo.toml"), "mine").unwrap();
    std::fs::write(other.join("src/m/keep.rs"), "mine").unwrap();
    let before = listing(&other);
    let out = build(&r, &other, false);
    assert_eq!(out.status.code(), Some(2), "refused with exit 2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(listing(&other), before, "nothing written");
    assert_eq!(
        std::fs::read_to_string(other.join("Cargo.toml")).unwrap(),
        "mine"
    );
    // The repository itself (as with `--out .` in ferrule's own checkout).
    let before = listing(&r);
    assert_eq!(build(&r, &r, false).status.code(), Some(2));
    assert_eq!(listing(&r), before);
    // A file is not a directory.
    let file = t.path().join("file");
    std::fs::write(&file, "x").unwrap();
    assert_eq!(build(&r, &file, false).status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn force_writes_but_never_deletes_what_ferrule_did_not_write() {
    let t = tempfile::tempdir().unwrap();
    let r = repo(t.path(), &["A.One"]);
    let other = t.path().join("other");
    std::fs::create_dir_all(other.join("src/m")).unwrap();
    std::fs::write(other.join("src/m/keep.rs"), "mine").unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    assert_eq!(build(&r, &other, true).status.code(), Some(0));
    assert!(other.join(MARKER).is_file());
    assert_eq!(
        std::fs::read_to_string(other.join("src/m/keep.rs")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(other.join("notes.txt")).unwrap(),
        "mine"
    );
    // A later build (no --force needed now) still keeps them.
    assert_eq!(build(&r, &other, false).status.code(), Some(0));
    assert!(other.join("src/m/keep.rs").is_file() && other.join("notes.txt").is_file());
}

#[test]
fn rebuilding_deletes_only_stale_generated_files() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let r = repo(t.path(), &["A.One", "B.Two"]);
    assert_eq!(build(&r, &out, false).status.code(), Some(0));
    let two = out.join("src/m/det_b_two.rs");
    assert!(two.is_file(), "{:?}", listing(&out));
    std::fs::write(out.join("src/m/user.rs"), "mine").unwrap();
    let r = repo(t.path(), &["A.One"]);
    assert_eq!(build(&r, &out, false).status.code(), Some(0));
    assert!(!two.exists(), "the stale generated module is deleted");
    assert!(out.join("src/m/det_a_one.rs").is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("src/m/user.rs")).unwrap(),
        "mine"
    );
}

#[test]
fn an_edited_marker_cannot_delete_outside_files() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let r = repo(t.path(), &["A.One"]);
    assert_eq!(build(&r, &out, false).status.code(), Some(0));
    let victim = t.path().join("victim.txt");
    std::fs::write(&victim, "mine").unwrap();
    let marker = out.join(MARKER);
    let mut text = std::fs::read_to_string(&marker).unwrap();
    text.push_str("../victim.txt\n");
    text.push_str(&format!("{}\n", victim.display()));
    std::fs::write(&marker, text).unwrap();
    assert_eq!(build(&r, &out, false).status.code(), Some(0));
    assert!(
        victim.is_file(),
        "a path out of the directory is never deleted"
    );
}

#[test]
fn links_inside_the_directory_are_not_written_through() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let r = repo(t.path(), &["A.One"]);
    assert_eq!(build(&r, &out, false).status.code(), Some(0));
    let elsewhere = t.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::remove_dir_all(out.join("src")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("src")).unwrap();
    assert_eq!(build(&r, &out, false).status.code(), Some(2));
    assert!(
        listing(&elsewhere).is_empty(),
        "nothing written through the link"
    );
}

#[test]
fn the_test_build_directory_is_guarded_too() {
    let t = tempfile::tempdir().unwrap();
    let r = repo(t.path(), &["A.One"]);
    let dir = t.path().join("testdir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("precious"), "mine").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .arg("test")
        .arg(&r)
        .env("FERRULE_TEST_DIR", &dir)
        .output()
        .expect("run ferrule test");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(listing(&dir), vec!["precious".to_string()]);
}
