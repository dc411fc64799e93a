//! The Python front end and lowering: any text parses and lowers, or yields diagnostics.
#![no_main]

use std::collections::BTreeSet;

use ferrule::ir::ModuleKind;
use ferrule::lower::python::{lower_module, ImportEnv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = ferrule::source::python::decode(data) else {
        return;
    };
    ferrule::stack::with_deep_stack(|| {
        if let Ok(py) = ferrule::source::python::parse("fuzz.py", text) {
            let helpers = BTreeSet::new();
            let packages = BTreeSet::new();
            let env = ImportEnv {
                helpers: &helpers,
                packages: &packages,
            };
            let _ = lower_module(&py, "detection:Fuzz", ModuleKind::Detection, &env);
        }
    });
});
