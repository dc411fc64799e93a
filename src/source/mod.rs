//! Reading input: discovering files, YAML with positions, Python parsing.

pub mod libyaml;
pub mod python;
pub mod stdlib_names;
pub mod v1;
pub mod yaml;
