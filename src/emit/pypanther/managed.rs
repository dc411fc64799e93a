//! `--against-managed`: a fork of panther-analysis migrated against the rules pypanther
//! ships (filled in below).

/// The managed rules of an installed pypanther package.
#[derive(Debug, Default)]
pub struct Managed {}

/// pypanther's `LogType` members (value → member name), read from the installed package.
pub fn log_types(pkg: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(text) = std::fs::read_to_string(pkg.join("log_types.py")) else {
        return out;
    };
    let mut in_class = false;
    for line in text.lines() {
        if line.starts_with("class LogType") {
            in_class = true;
            continue;
        }
        if in_class {
            if !line.starts_with("    ") && !line.trim().is_empty() {
                break;
            }
            let l = line.trim();
            if let Some((name, value)) = l.split_once(" = ") {
                let v = value.trim();
                if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') && !v[1..v.len() - 1].contains(['"', '\\']) {
                    out.insert(v[1..v.len() - 1].to_string(), name.trim().to_string());
                }
            }
        }
    }
    out
}

/// Reads the managed rules of the installed package.
pub fn load(_pkg: &std::path::Path) -> Managed {
    Managed::default()
}
