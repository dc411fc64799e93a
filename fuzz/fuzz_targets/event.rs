//! The runtime's JSON and event layer: any text parses as `json.loads` would or raises,
//! and a parsed value wrapped as a PantherEvent prints and answers lookups.
#![no_main]

use ferrule_runtime::value::Value;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(v) = ferrule_runtime::event::value_from_json(text) else {
        return;
    };
    let _ = ferrule_runtime::fmt::repr_checked(&v);
    if ferrule_runtime::event::is_mapping(&v) {
        let ev = ferrule_runtime::event::panther_event(v, None);
        let _ = ferrule_runtime::fmt::repr_checked(&ev);
        for key in ["a", "A", "p_log_type", ""] {
            let k = Value::str(key);
            let _ = ferrule_runtime::ops::getitem(&ev, &k);
        }
    }
});
