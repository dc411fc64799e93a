//! Reading input: discovering files, YAML with positions, Python parsing.

pub mod python;
pub mod v1;
pub mod yaml;
