//! Which library modules and attributes an import may name: those the runtime provides.

/// Modules provided by the runtime (or importable for annotations only).
const MODULES: &[&str] = &[
    "json", "re", "ipaddress", "fnmatch", "datetime", "urllib", "urllib.parse", "base64",
    "binascii", "shlex", "difflib", "math", "collections", "collections.abc", "functools",
    "typing", "os", "dateutil", "dateutil.parser", "unittest", "unittest.mock",
    "panther_detection_helpers", "panther_detection_helpers.caching",
];

/// Whether `import NAME` is supported.
pub fn module_exists(name: &str) -> bool {
    MODULES.contains(&name) || ferrule_runtime::imports::import(name).is_some()
}

/// Whether `from MODULE import ATTR` is supported (`dotted` = `MODULE.ATTR`).
pub fn attr_exists(dotted: &str) -> bool {
    ferrule_runtime::imports::resolve(dotted).is_some()
        || (!ferrule_runtime::imports::runtime_complete() && {
            let (m, _) = dotted.rsplit_once('.').unwrap_or((dotted, ""));
            MODULES.contains(&m)
        })
}
