//! Runtime of detections compiled by ferrule.
//!
//! Generated crates call into this crate for everything Python-specific: the object model
//! ([`value`]), exceptions ([`err`]), operators ([`ops`]), builtins and methods, the standard
//! library modules detections use ([`stdlib`]), Panther's event and data-model semantics
//! ([`event`], [`datamodel`]) and panther_core's way of running a detection and its unit
//! tests ([`detection`]).

pub mod err;
pub mod fmt;
pub mod ops;
pub mod unicode;
pub mod value;
pub mod module;
pub mod detection;

pub use err::{ExcKind, PyErr, PyResult};
pub use value::{Key, Kwargs, NativeFn, Value};
