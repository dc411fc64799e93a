//! The YAML spec loader: any bytes load or fail with an error, and aliases never expand.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(node)) = ferrule::source::yaml::parse_bytes(data) {
        let _ = ferrule::source::yaml::expanded_size(&node);
    }
});
