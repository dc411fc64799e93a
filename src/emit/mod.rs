//! Back ends: IR → a Rust crate (`rust`, `crate_`), or a v1 repository migrated to a
//! PyPanther project (`pypanther`).

pub mod crate_;
pub mod pypanther;
pub mod rust;
pub mod state;
