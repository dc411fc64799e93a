//! Which library modules and attributes an import may name: exactly those the runtime
//! provides (the runtime crate is the single source of truth).

/// Whether `import NAME` is supported.
pub fn module_exists(name: &str) -> bool {
    ferrule_runtime::imports::import(name).is_some()
}

/// Whether `from MODULE import ATTR` is supported (`dotted` = `MODULE.ATTR`).
pub fn attr_exists(dotted: &str) -> bool {
    ferrule_runtime::imports::resolve(dotted).is_some()
}
