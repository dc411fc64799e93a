//! A whole-repository build from a tiny random repository: the input is split into a spec
//! and a detection module (at the first 0xff byte, or in half), written as `rules/x.yml`
//! and `rules/x.py` beside a good detection, then loaded, lowered and emitted.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn repo() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ferrule-fuzz-repo-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("rules")).expect("fuzz repo");
        std::fs::write(
            dir.join("rules/good.yml"),
            "AnalysisType: rule\nFilename: good.py\nRuleID: Fuzz.Good\nEnabled: true\nLogTypes: [X.Y]\nSeverity: Low\n",
        )
        .expect("write");
        std::fs::write(dir.join("rules/good.py"), "def rule(event):\n    return True\n")
            .expect("write");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let cut = data
        .iter()
        .position(|&b| b == 0xff)
        .unwrap_or(data.len() / 2);
    let (spec, py) = (&data[..cut], data.get(cut + 1..).unwrap_or_default());
    let dir = repo();
    let _ = std::fs::write(dir.join("rules/x.yml"), spec);
    let _ = std::fs::write(dir.join("rules/x.py"), py);
    if let Ok((program, _diags)) = ferrule::driver::load(dir, Some(ferrule::driver::Input::V1)) {
        assert!(
            program.detections.iter().any(|d| d.id == "Fuzz.Good"),
            "one bad detection costs only itself"
        );
        let _ = ferrule::emit::crate_::render(&program);
    }
});
