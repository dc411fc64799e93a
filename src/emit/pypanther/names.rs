//! Python names for migrated code: class names derived from detection ids, module paths
//! derived from file paths, both valid identifiers and unique.

use std::collections::BTreeSet;

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case", "type", "_",
];

/// A valid Python identifier close to `s`.
pub fn ident(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// The class name for detection `id`: its alphanumeric parts, each capitalised
/// (`Corp.AWS.RootActivity` → `CorpAWSRootActivity`), unique among `taken`.
pub fn class_name(id: &str, taken: &mut BTreeSet<String>) -> String {
    let mut base = String::new();
    // pypanther's managed rules carry a `-prototype` suffix that says nothing of the rule.
    let id = id.strip_suffix("-prototype").unwrap_or(id);
    for part in id.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut cs = part.chars();
        if let Some(first) = cs.next() {
            base.extend(first.to_uppercase());
            base.push_str(cs.as_str());
        }
    }
    if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
        base.insert_str(0, "Rule");
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) || KEYWORDS.contains(&name.as_str()) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// A module path (`a/b/c.py`, `/`-separated) whose every component is an identifier.
pub fn module_path(rel: &str) -> String {
    let parts: Vec<&str> = rel.split('/').collect();
    let n = parts.len();
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i + 1 == n {
                let stem = p.rsplit_once('.').map(|(s, _)| s).unwrap_or(p);
                format!("{}.py", ident(stem))
            } else {
                ident(p)
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The dotted module name of a module path.
pub fn dotted(path: &str) -> String {
    path.trim_end_matches(".py").replace('/', ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            class_name("Corp.AWS.RootActivity", &mut taken),
            "CorpAWSRootActivity"
        );
        assert_eq!(
            class_name("Corp.AWS.RootActivity", &mut taken),
            "CorpAWSRootActivity2"
        );
        assert_eq!(class_name("1.bad-id", &mut taken), "Rule1BadId");
        assert_eq!(
            module_path("rules/my-rules/x.y.py"),
            "rules/my_rules/x_y.py"
        );
        assert_eq!(ident("class"), "class_");
    }
}
