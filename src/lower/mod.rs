//! Lowering: Python ASTs and YAML specs → IR, with the supported subset enforced.

pub mod annotations;
pub mod exceptions;
pub mod layout;
pub mod libraries;
pub mod pypanther;
pub mod pypanther_dm;
pub mod pypanther_project;
pub mod python;
pub mod stdlib;
pub mod v1;
