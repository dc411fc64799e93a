//! `--against-managed`: a fork of panther-analysis migrated against the rules pypanther
//! ships. A detection whose id is a managed rule's (with or without pypanther's
//! `-prototype` suffix) becomes what a person would write: the managed rule registered as it
//! is (one line of `main.py`), tuned with `override()` / `extend()` when only metadata and
//! tests changed, or subclassed when its code changed (the subclass overrides the methods
//! that differ and keeps the v1 module's helpers).
//!
//! Code counts as unchanged only when it provably is: the formatted method text is the
//! managed method's and reads no module global (so both resolve the same names).

use std::collections::{BTreeMap, BTreeSet};

use super::{format, pylit, yaml_comments, Attr, Migrated, ENTRY, IMPORT_MARK};
use crate::lower::layout::ManagedSource;

/// The managed rules of an installed pypanther package, by id.
#[derive(Debug, Default)]
pub struct Managed {
    pub rules: BTreeMap<String, ManagedSource>,
}

impl Managed {
    /// The managed rule a fork's detection id stands for.
    pub fn find(&self, id: &str) -> Option<&ManagedSource> {
        self.rules
            .get(id)
            .or_else(|| self.rules.get(&format!("{id}-prototype")))
    }
}

/// Reads the managed rules of the installed package.
pub fn load(pkg: &std::path::Path) -> Managed {
    Managed {
        rules: crate::lower::layout::managed_rules(pkg)
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect(),
    }
}

/// pypanther's `LogType` members (value → member name), read from the installed package.
pub fn log_types(pkg: &std::path::Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
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
            if let Some((name, value)) = line.trim().split_once(" = ") {
                let v = value.trim();
                if v.len() >= 2
                    && v.starts_with('"')
                    && v.ends_with('"')
                    && !v[1..v.len() - 1].contains(['"', '\\'])
                {
                    out.insert(v[1..v.len() - 1].to_string(), name.trim().to_string());
                }
            }
        }
    }
    out
}

/// The fork's detection, as the plain migration built it.
pub struct Fork<'a> {
    pub id: &'a str,
    pub class: &'a str,
    pub path: &'a str,
    pub attrs: &'a [Attr],
    pub comments: &'a yaml_comments::SpecComments,
    /// Methods of the migrated class (name, indented source).
    pub methods: &'a [(String, String)],
    /// Methods whose text alone decides their behaviour (they read no module global).
    pub provable: &'a BTreeSet<&'a str>,
    /// Methods stating v1 behaviour pypanther lacks (empty: none needed).
    pub overrides: &'a str,
    /// `RuleTest(…)` entries (empty: none).
    pub tests: &'a str,
    /// Whether a test mocks a name (mocks patch the module holding the tests).
    pub mocked: bool,
    /// The v1 module without its detection functions (`IMPORT_MARK` where imports go).
    pub module_text: &'a str,
    pub uses_dm: bool,
    pub uses_log_type: bool,
}

/// pypanther's attributes and their defaults (canonical literals).
const DEFAULTS: &[(&str, &str)] = &[
    ("display_name", "\"\""),
    ("enabled", "True"),
    ("create_alert", "True"),
    ("dedup_period_minutes", "60"),
    ("threshold", "1"),
    ("default_description", "\"\""),
    ("default_reference", "\"\""),
    ("default_runbook", "\"\""),
    ("default_destinations", "None"),
    ("summary_attributes", "[]"),
    ("tags", "[]"),
    ("reports", "{}"),
    ("log_types", ""),
    ("default_severity", ""),
];

/// Lists `extend()` can grow.
const EXTENDABLE: &[&str] = &[
    "log_types",
    "summary_attributes",
    "tags",
    "default_destinations",
];

fn normalize(method: &str) -> Option<String> {
    let f = format::format_module(&format!("class C:\n{method}")).ok()?;
    Some(
        f.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

fn indent4(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|l| {
            if l.trim().is_empty() {
                l.to_string()
            } else {
                format!("    {l}")
            }
        })
        .collect()
}

/// Splits a canonical list literal `[a, b]` of strings or members into its items.
fn list_items(canon: &str) -> Option<Vec<String>> {
    let inner = canon.strip_prefix('[')?.strip_suffix(']')?;
    if inner.is_empty() {
        return Some(Vec::new());
    }
    // Canonical items never contain ", " outside quotes except inside strings; re-parse
    // with JSON for strings.
    let mut items = Vec::new();
    let mut rest = inner;
    while !rest.is_empty() {
        if rest.starts_with('"') {
            let mut de = serde_json::Deserializer::from_str(rest).into_iter::<String>();
            let s = de.next()?.ok()?;
            let used = de.byte_offset();
            items.push(serde_json::to_string(&s).ok()?);
            rest = rest[used..].trim_start_matches(", ");
        } else {
            let end = rest.find(", ").unwrap_or(rest.len());
            items.push(rest[..end].to_string());
            rest = rest[end..].trim_start_matches(", ");
        }
    }
    Some(items)
}

/// Migrates the fork's detection against managed rule `m`.
pub fn migrate_against(f: &Fork, m: &ManagedSource) -> Result<Migrated, String> {
    // Which methods differ from the managed rule's.
    let mine: BTreeMap<&str, &str> = f
        .methods
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let mut changed: Vec<&str> = Vec::new();
    let mut reset: Vec<&str> = Vec::new();
    for name in ENTRY {
        match (mine.get(name), m.methods.get(*name)) {
            (None, None) => {}
            (Some(t), Some(theirs)) => {
                let same = f.provable.contains(name)
                    && normalize(t).is_some()
                    && normalize(t) == normalize(&indent4(theirs));
                if !same {
                    changed.push(name);
                }
            }
            (Some(_), None) => changed.push(name),
            (None, Some(_)) => reset.push(name),
        }
    }
    let code_same = changed.is_empty() && reset.is_empty() && f.overrides.is_empty() && !f.uses_dm;

    // Metadata that differs: (attribute, v1 value as Python, comments key).
    let mut overrides: Vec<(String, String, String)> = Vec::new();
    let mut extends: Vec<(String, String, String)> = Vec::new();
    let mine_attrs: BTreeMap<&str, &Attr> = f
        .attrs
        .iter()
        .filter(|a| !a.name.is_empty())
        .map(|a| (a.name.as_str(), a))
        .collect();
    if m.id != f.id {
        overrides.push(("id".into(), pylit::py_str(f.id), "RuleID".into()));
    }
    for (name, default) in DEFAULTS {
        let (v1_canon, v1_py, key) = match mine_attrs.get(name) {
            Some(a) => (a.canon.clone(), a.value.clone(), a.key.clone()),
            None => (default.to_string(), python_default(name), String::new()),
        };
        let theirs = match m.attrs.get(*name) {
            Some(Some(v)) => v.clone(),
            Some(None) => String::from("\u{0}unknown"),
            None => default.to_string(),
        };
        if v1_canon == theirs {
            continue;
        }
        if EXTENDABLE.contains(name) {
            if let (Some(a), Some(b)) = (list_items(&theirs), list_items(&v1_canon)) {
                if b.len() > a.len() && b[..a.len()] == a[..] {
                    let added = list_items_py(mine_attrs.get(name), a.len());
                    if let Some(added) = added {
                        extends.push((name.to_string(), added, key));
                        continue;
                    }
                }
            }
        }
        overrides.push((name.to_string(), v1_py, key));
    }

    if code_same && !f.mocked {
        let uses = |s: &str| {
            overrides
                .iter()
                .chain(&extends)
                .any(|(_, v, _)| v.contains(s))
                || f.tests.contains(s)
        };
        if overrides.is_empty() && extends.is_empty() && f.tests.is_empty() {
            return Ok(Migrated {
                path: None,
                dotted: m.module.clone(),
                class: m.class.clone(),
                text: String::new(),
                uses_dm: false,
            });
        }
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for n in ["LogType", "RuleTest", "Severity"] {
            if uses(&format!("{n}.")) || uses(&format!("{n}(")) {
                names.insert(n);
            }
        }
        let what = if f.id == m.id {
            format!("pypanther's managed `{}`", m.id)
        } else {
            format!("`{}`: pypanther's managed `{}`", f.id, m.id)
        };
        let mut s = format!(
            "\"\"\"{what}, tuned as the fork tuned it.\"\"\"\n\n{}from {} import {}\n\n",
            super::pypanther_line(&names),
            m.module,
            m.class
        );
        let kwargs = |items: &[(String, String, String)]| -> String {
            let mut out = String::new();
            for (name, value, key) in items {
                if let Some(cs) = f.comments.above.get(key.as_str()) {
                    for c in cs {
                        out.push_str(&format!("    # {c}\n"));
                    }
                }
                out.push_str(&format!("    {name}={value},"));
                if let Some(t) = f.comments.trailing.get(key.as_str()) {
                    out.push_str(&format!("  # {t}"));
                }
                out.push('\n');
            }
            out
        };
        if !overrides.is_empty() {
            s.push_str(&format!("{}.override(\n{})\n", m.class, kwargs(&overrides)));
        }
        let mut ext = kwargs(&extends);
        if !f.tests.is_empty() {
            ext.push_str(&format!("    tests=[\n{}    ],\n", f.tests));
        }
        if !ext.is_empty() {
            s.push_str(&format!("{}.extend(\n{ext})\n", m.class));
        }
        return Ok(Migrated {
            path: Some(f.path.to_string()),
            dotted: super::names::dotted(f.path),
            class: m.class.clone(),
            text: s,
            uses_dm: false,
        });
    }

    // A subclass: the v1 module's helpers, the methods that differ, the metadata that
    // differs, the v1 tests.
    let base = format!("Managed{}", m.class);
    let mut body = String::new();
    for (name, value, key) in overrides.iter().chain(&extends) {
        let value = if extends.iter().any(|(n, _, _)| n == name) {
            // A subclass states the whole list.
            mine_attrs
                .get(name.as_str())
                .map(|a| a.value.clone())
                .unwrap_or_else(|| value.clone())
        } else {
            value.clone()
        };
        if let Some(cs) = f.comments.above.get(key.as_str()) {
            for c in cs {
                body.push_str(&format!("    # {c}\n"));
            }
        }
        body.push_str(&format!("    {name} = {value}"));
        if let Some(t) = f.comments.trailing.get(key.as_str()) {
            body.push_str(&format!("  # {t}"));
        }
        body.push('\n');
    }
    for (name, text) in f.methods {
        if changed.contains(&name.as_str()) {
            body.push('\n');
            body.push_str(text);
        }
    }
    for name in &reset {
        body.push_str(&format!(
            "\n    # v1 defined no {name}(): pypanther's default stands in for the backend's.\n    {name} = Rule.{name}\n"
        ));
    }
    body.push_str(f.overrides);
    if !f.tests.is_empty() {
        body.push_str(&format!("\n    tests = [\n{}    ]\n", f.tests));
    }
    if body.trim().is_empty() {
        body.push_str("    pass\n");
    }
    let mut names: BTreeSet<&str> = BTreeSet::new();
    let all = format!("{body}{}", f.module_text);
    for n in ["LogType", "Rule", "RuleMock", "RuleTest", "Severity"] {
        if all.contains(&format!("{n}.")) || all.contains(&format!("{n}(")) {
            names.insert(n);
        }
    }
    let _ = f.uses_log_type;
    let import = format!(
        "{}from {} import {} as {base}\n",
        super::pypanther_line(&names),
        m.module,
        m.class
    );
    let mut text = f.module_text.replace(IMPORT_MARK, &import);
    text.push_str(&format!("\n\nclass {}({base}):\n{body}", f.class));
    Ok(Migrated {
        path: Some(f.path.to_string()),
        dotted: super::names::dotted(f.path),
        class: f.class.to_string(),
        text,
        uses_dm: f.uses_dm,
    })
}

/// The v1 list attribute's items past the first `skip`, as a Python list.
fn list_items_py(a: Option<&&Attr>, skip: usize) -> Option<String> {
    let a = a?;
    let items = list_items(&a.canon)?;
    let py: Vec<String> = items[skip..]
        .iter()
        .map(|c| {
            serde_json::from_str::<String>(c)
                .map(|s| pylit::py_str(&s))
                .unwrap_or_else(|_| c.clone())
        })
        .collect();
    Some(format!("[{}]", py.join(", ")))
}

fn python_default(name: &str) -> String {
    DEFAULTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, d)| d.to_string())
        .unwrap_or_default()
}
