//! Methods of the built-in types: `str`, `bytes`, `list`, `tuple`, `dict`, `set`, `int`,
//! `float`.
