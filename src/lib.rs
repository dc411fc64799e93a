//! ferrule
