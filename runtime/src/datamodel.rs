//! Data models: `udm()` / `udm_path()` through Path and Method mappings.
