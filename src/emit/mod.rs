//! Back ends: IR → a Rust crate (`rust`, `crate_`).

pub mod crate_;
pub mod rust;
pub mod state;
