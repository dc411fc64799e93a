//! Data models: `udm()` / `udm_path()` through Path and Method mappings.
//!
//! A [`DataModel`] is the runtime form of a [`DataModelDef`], built as panther_core's
//! `DataModel.__init__` builds its `paths` and `methods` dicts (a repeated name keeps the last
//! mapping; a mapping with a truthy `path` is a Path even when it also names a method). Paths
//! are evaluated the way `jsonpath_ng.ext.parse(path).find(container)` evaluates the subset
//! data models use: `$`, `$.a.b`, `a.b`, bare keys and quoted field names. Each field step
//! matches only when the current value is a dict holding that exact (case-sensitive) key;
//! a match whose value is None is still a match.

use std::cell::RefCell;
use std::rc::Rc;

use crate::detection::DataModelDef;
use crate::err::PyResult;
use crate::value::{Dict, Key, NativeFn, Value};

/// A parsed Path mapping.
#[derive(Clone, Debug)]
enum JsonPath {
    /// The field names after the optional `$`; empty for `$` itself.
    Fields(Vec<String>),
    /// A path outside the supported subset, kept to raise NotImplementedError on use.
    Unsupported(String),
}

/// A match of a Path mapping: its value and `str(match.full_path)`.
pub struct PathMatch {
    pub value: Value,
    pub full_path: String,
}

/// The runtime form of a data model.
pub struct DataModel {
    /// `DataModelID`.
    pub id: &'static str,
    paths: Vec<(&'static str, JsonPath)>,
    methods: Vec<(&'static str, NativeFn)>,
    /// The function object behind each Method mapping, when the generated code gives it.
    method_objects: Vec<(&'static str, Option<NativeFn>)>,
}

/// jsonpath_ng's ID token: `[a-zA-Z_@][a-zA-Z0-9_@\-]*`.
fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '@')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@' || c == '-')
}

fn parse_path(path: &str) -> JsonPath {
    let unsupported = || JsonPath::Unsupported(path.to_string());
    let trimmed = path.trim();
    let rest = if trimmed == "$" {
        return JsonPath::Fields(Vec::new());
    } else if let Some(r) = trimmed.strip_prefix("$.") {
        r
    } else {
        trimmed
    };
    let mut fields = Vec::new();
    let mut s = rest;
    loop {
        let (field, after) = if let Some(q) = s.strip_prefix('\'').or_else(|| s.strip_prefix('"')) {
            let quote = s.as_bytes()[0] as char;
            match q.find(quote) {
                Some(end) if !q[..end].contains('\\') => (q[..end].to_string(), &q[end + 1..]),
                _ => return unsupported(),
            }
        } else {
            let end = s.find('.').unwrap_or(s.len());
            let f = &s[..end];
            if !is_id(f) {
                return unsupported();
            }
            (f.to_string(), &s[end..])
        };
        fields.push(field);
        if after.is_empty() {
            return JsonPath::Fields(fields);
        }
        match after.strip_prefix('.') {
            Some(r) if !r.is_empty() && !r.starts_with('.') => s = r,
            _ => return unsupported(),
        }
    }
}

impl DataModel {
    /// Builds the runtime data model of `def`.
    pub fn new(def: &DataModelDef) -> DataModel {
        let mut paths: Vec<(&'static str, JsonPath)> = Vec::new();
        let mut methods: Vec<(&'static str, NativeFn)> = Vec::new();
        let mut method_objects: Vec<(&'static str, Option<NativeFn>)> = Vec::new();
        for m in def.mappings {
            if let Some(p) = m.path.filter(|p| !p.is_empty()) {
                let parsed = parse_path(p);
                match paths.iter_mut().find(|(n, _)| *n == m.name) {
                    Some(slot) => slot.1 = parsed,
                    None => paths.push((m.name, parsed)),
                }
            } else if let Some(f) = m.method {
                match methods.iter_mut().find(|(n, _)| *n == m.name) {
                    Some(slot) => slot.1 = f,
                    None => methods.push((m.name, f)),
                }
                match method_objects.iter_mut().find(|(n, _)| *n == m.name) {
                    Some(slot) => slot.1 = m.method_object,
                    None => method_objects.push((m.name, m.method_object)),
                }
            }
        }
        DataModel {
            id: def.id,
            paths,
            methods,
            method_objects,
        }
    }

    fn name_of(key: &Value) -> PyResult<Option<&str>> {
        // `key in dict` hashes the key first: unhashable names raise TypeError.
        Key::new(key.clone())?;
        Ok(key.as_str())
    }

    /// Whether `key` names a Path or Method mapping.
    pub fn has_mapping(&self, key: &Value) -> PyResult<bool> {
        Ok(match Self::name_of(key)? {
            Some(n) => {
                self.paths.iter().any(|(p, _)| *p == n) || self.methods.iter().any(|(m, _)| *m == n)
            }
            None => false,
        })
    }

    /// `udm_path` of a Method mapping: `getattr(method, "__name__", repr(method))`.
    pub fn method_name(&self, key: &Value) -> PyResult<Option<Value>> {
        let Some(n) = Self::name_of(key)? else {
            return Ok(None);
        };
        let Some((_, getter)) = self.method_objects.iter().find(|(m, _)| *m == n) else {
            return Ok(None);
        };
        let Some(getter) = getter else {
            return Err(crate::ops::unsupported("udm_path of a Method mapping"));
        };
        let f = getter(&[], &[])?;
        match crate::ops::getattr(&f, "__name__") {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.matches(crate::err::ExcKind::AttributeError) => {
                Ok(Some(Value::str(crate::fmt::repr(&f).as_str())))
            }
            Err(e) => Err(e),
        }
    }

    /// The Method mapping named `key`.
    pub fn method(&self, key: &Value) -> PyResult<Option<NativeFn>> {
        let Some(n) = Self::name_of(key)? else {
            return Ok(None);
        };
        Ok(self.methods.iter().find(|(m, _)| *m == n).map(|(_, f)| *f))
    }

    /// `EnrichedEvent._get_json_path(key)`: the match of the Path mapping named `key` in
    /// `container`, if any.
    pub fn find_path(
        &self,
        key: &Value,
        container: &Rc<RefCell<Dict>>,
    ) -> PyResult<Option<PathMatch>> {
        let Some(n) = Self::name_of(key)? else {
            return Ok(None);
        };
        let Some((_, path)) = self.paths.iter().find(|(p, _)| *p == n) else {
            return Ok(None);
        };
        let fields = match path {
            JsonPath::Fields(f) => f,
            JsonPath::Unsupported(p) => {
                return Err(crate::ops::unsupported(&format!(
                    "the data model path {p:?}"
                )))
            }
        };
        if fields.is_empty() {
            return Ok(Some(PathMatch {
                value: Value::Dict(container.clone()),
                full_path: "$".into(),
            }));
        }
        let mut cur = Value::Dict(container.clone());
        for f in fields {
            let next = match &cur {
                Value::Dict(d) => d.borrow().get(&Key::from_str(f)).cloned(),
                _ => None,
            };
            match next {
                Some(v) => cur = v,
                None => return Ok(None),
            }
        }
        Ok(Some(PathMatch {
            value: cur,
            full_path: fields.join("."),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_supported_paths() {
        assert!(matches!(parse_path("$.a.b"), JsonPath::Fields(f) if f == ["a", "b"]));
        assert!(matches!(parse_path("a"), JsonPath::Fields(f) if f == ["a"]));
        assert!(matches!(parse_path("$"), JsonPath::Fields(f) if f.is_empty()));
        assert!(matches!(parse_path("$.'a b'.c"), JsonPath::Fields(f) if f == ["a b", "c"]));
        assert!(matches!(parse_path("$.a-b"), JsonPath::Fields(f) if f == ["a-b"]));
        assert!(matches!(parse_path("$.a[0]"), JsonPath::Unsupported(_)));
        assert!(matches!(parse_path("$..a"), JsonPath::Unsupported(_)));
        assert!(matches!(parse_path("$.a.*"), JsonPath::Unsupported(_)));
    }
}
