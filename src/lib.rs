//! ferrule: a compiler for Panther detections.
//!
//! The pipeline is `source` (find files, read YAML and Python) → `lower` (ASTs and specs
//! to the IR of [`ir`], enforcing the supported subset) → `emit` (IR to a Rust crate).
//! [`driver`] runs it for the command line. See ARCHITECTURE.md.

pub mod diag;
pub mod driver;
pub mod emit;
pub mod ir;
pub mod lower;
pub mod report;
pub mod resolve;
pub mod source;
pub mod stack;
