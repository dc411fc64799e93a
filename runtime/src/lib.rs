//! Runtime of detections compiled by ferrule.
//!
//! Generated crates call into this crate for everything Python-specific: the object model
//! ([`value`]), exceptions ([`err`]), operators ([`ops`]), builtins and methods, the standard
//! library modules detections use ([`stdlib`]), Panther's event and data-model semantics
//! ([`event`], [`datamodel`]) and panther_core's way of running a detection and its unit
//! tests ([`detection`], [`runner`]).

pub mod builtins;
pub mod caching;
pub mod call;
pub mod class;
pub mod dataclass;
pub mod datamodel;
pub mod decimal;
pub mod detection;
pub mod err;
pub mod event;
pub mod exc;
pub mod fmt;
pub mod gen;
pub mod imports;
pub mod iter;
pub mod jsonpath;
pub mod methods;
pub mod mock;
pub mod module;
pub mod ops;
pub mod pattern;
pub mod purity;
pub mod pyhash;
pub mod pyset;
pub mod range;
pub mod recursion;
pub mod rule_class;
pub mod runner;
pub mod stdlib;
pub mod unicode;
pub mod value;

pub use err::{ExcKind, PyErr, PyResult};
pub use value::{Key, Kwargs, NativeFn, Value};

/// The global allocator of a generated crate's binary (set in its `main.rs`).
pub use mimalloc::MiMalloc as Allocator;
