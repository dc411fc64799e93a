//! Data models: `udm()` / `udm_path()` through Path and Method mappings.
//!
//! A [`DataModel`] is the runtime form of a [`DataModelDef`], built as panther_core's
//! `DataModel.__init__` builds its `paths` and `methods` dicts (a repeated name keeps the last
//! mapping; a mapping with a truthy `path` is a Path even when it also names a method). Paths
//! are evaluated the way `jsonpath_ng.ext.parse(path).find(container)` evaluates the subset
//! data models use: `$`, `$.a.b`, `a.b`, bare keys and quoted field names. Each field step
//! matches only when the current value is a dict holding that exact (case-sensitive) key;
//! a match whose value is None is still a match.
//!
//! PyPanther data models (jsonpath_ng 1.16) also evaluate `[*]` / `.*` wildcards and
//! `[?(@.field == 'text')]` filters, as `Wildcard.find` and `ext.filter.Filter.find` do.

use std::cell::RefCell;
use std::rc::Rc;

use crate::detection::DataModelDef;
use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::{Dict, Key, NativeFn, Value};

/// A parsed Path mapping.
#[derive(Clone, Debug)]
enum JsonPath {
    /// The field names after the optional `$`; empty for `$` itself.
    Fields(Vec<String>),
    /// Steps with wildcards or filters (PyPanther data models only).
    Steps(Vec<Step>),
    /// A v1 path, parsed as jsonpath_ng 1.5.3 parses it (see [`crate::jsonpath`]).
    Full(crate::jsonpath::Node),
    /// A path outside the supported subset, kept to raise NotImplementedError on use.
    Unsupported(String),
}

/// One step of a [`JsonPath::Steps`] path.
#[derive(Clone, Debug)]
enum Step {
    /// `.name`: the value of that key of a dict.
    Field(String),
    /// `[*]`: every element of a list or tuple, every value of a dict.
    Wildcard,
    /// `[?(@.field == 'text')]`: the elements of a list (values of a dict) that are dicts
    /// whose `field` is the string `text` (RFC 9535 equality: no other type is equal).
    FilterEq(String, String),
}

/// A match of a Path mapping: its value and `str(match.full_path)` (None where the runtime
/// does not render it: paths with wildcards or filters).
pub struct PathMatch {
    pub value: Value,
    pub full_path: Option<String>,
}

/// The runtime form of a data model.
pub struct DataModel {
    /// `DataModelID`.
    pub id: &'static str,
    paths: Vec<(&'static str, JsonPath)>,
    methods: Vec<(&'static str, NativeFn)>,
    /// The function object behind each Method mapping, when the generated code gives it.
    method_objects: Vec<(&'static str, Option<NativeFn>)>,
    /// The class of a PyPanther data model.
    pypanther_class: Option<&'static str>,
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

/// A field name of the extended forms: a bare identifier.
fn is_plain_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@' || c == '-')
        && !matches!(s, "where" | "wherenot")
}

/// A PyPanther path: the Fields subset, or `$.` followed by dot-separated fields each
/// optionally followed by `[*]` or `[?(@.field == 'text')]`.
fn parse_path_ext(path: &str) -> JsonPath {
    match parse_path(path) {
        JsonPath::Unsupported(_) => {}
        parsed => return parsed,
    }
    let unsupported = || JsonPath::Unsupported(path.to_string());
    let Some(mut s) = path.strip_prefix("$.") else {
        return unsupported();
    };
    let mut steps = Vec::new();
    loop {
        let end = s.find(['.', '[']).unwrap_or(s.len());
        if !is_plain_id(&s[..end]) {
            return unsupported();
        }
        steps.push(Step::Field(s[..end].to_string()));
        s = &s[end..];
        if let Some(r) = s.strip_prefix("[*]") {
            steps.push(Step::Wildcard);
            s = r;
        } else if let Some(r) = s.strip_prefix("[?(@.") {
            let Some(eq) = r.find(" == '") else {
                return unsupported();
            };
            let field = &r[..eq];
            let lit = &r[eq + 5..];
            let Some(close) = lit.find("')]") else {
                return unsupported();
            };
            if !is_plain_id(field) || lit[..close].contains(['\\', '\'']) {
                return unsupported();
            }
            steps.push(Step::FilterEq(field.to_string(), lit[..close].to_string()));
            s = &lit[close + 3..];
        }
        if s.is_empty() {
            return JsonPath::Steps(steps);
        }
        match s.strip_prefix('.') {
            Some(r) => s = r,
            None => return unsupported(),
        }
    }
}

/// The values `steps` select from `container`, in jsonpath_ng's order.
fn eval_steps(steps: &[Step], container: &Rc<RefCell<Dict>>) -> Vec<Value> {
    let mut cur = vec![Value::Dict(container.clone())];
    for step in steps {
        let mut next = Vec::new();
        for v in &cur {
            match step {
                Step::Field(f) => {
                    if let Value::Dict(d) = v {
                        if let Some(x) = d.borrow().get(&Key::from_str(f)) {
                            next.push(x.clone());
                        }
                    }
                }
                Step::Wildcard => match v {
                    Value::List(l) => next.extend(l.borrow().iter().cloned()),
                    Value::Tuple(t) => next.extend(t.iter().cloned()),
                    Value::Dict(d) => next.extend(d.borrow().values().cloned()),
                    _ => {}
                },
                Step::FilterEq(field, text) => {
                    let candidates: Vec<Value> = match v {
                        Value::List(l) => l.borrow().iter().cloned().collect(),
                        Value::Dict(d) => d.borrow().values().cloned().collect(),
                        _ => Vec::new(),
                    };
                    for c in candidates {
                        let hit = match &c {
                            Value::Dict(cd) => matches!(
                                cd.borrow().get(&Key::from_str(field)),
                                Some(Value::Str(s)) if &**s == text.as_str()
                            ),
                            _ => false,
                        };
                        if hit {
                            next.push(c);
                        }
                    }
                }
            }
        }
        cur = next;
    }
    cur
}

impl DataModel {
    /// Builds the runtime data model of `def`.
    pub fn new(def: &DataModelDef) -> DataModel {
        let mut paths: Vec<(&'static str, JsonPath)> = Vec::new();
        let mut methods: Vec<(&'static str, NativeFn)> = Vec::new();
        let mut method_objects: Vec<(&'static str, Option<NativeFn>)> = Vec::new();
        for m in def.mappings {
            if let Some(p) = m.path.filter(|p| !p.is_empty()) {
                let parsed = match def.pypanther_class {
                    Some(_) => parse_path_ext(p),
                    None => match crate::jsonpath::parse(p) {
                        Ok(node) => JsonPath::Full(node),
                        Err(_) => JsonPath::Unsupported(p.to_string()),
                    },
                };
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
            pypanther_class: def.pypanther_class,
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
            JsonPath::Steps(steps) => {
                let mut found = eval_steps(steps, container);
                return match found.len() {
                    0 => Ok(None),
                    1 => Ok(Some(PathMatch {
                        value: found.remove(0),
                        full_path: None,
                    })),
                    // panther_core formats its error with `data_model.data_model_id`, which
                    // pypanther's DataModel lacks.
                    _ => Err(PyErr::new(
                        ExcKind::AttributeError,
                        format!(
                            "'{}' object has no attribute 'data_model_id'",
                            self.pypanther_class.unwrap_or("DataModel")
                        ),
                    )),
                };
            }
            JsonPath::Full(node) => {
                let mut found = crate::jsonpath::find(node, &Value::Dict(container.clone()))?;
                return match found.len() {
                    0 => Ok(None),
                    1 => {
                        let m = found.remove(0);
                        Ok(Some(PathMatch {
                            value: m.value(),
                            full_path: Some(m.full_path()),
                        }))
                    }
                    _ => match crate::jsonpath::to_str(node) {
                        Some(text) => Err(PyErr::new(
                            ExcKind::Exception,
                            format!(
                                "JSONPath [{text}] in DataModel [{}], matched multiple fields.",
                                self.id
                            ),
                        )),
                        None => Err(crate::ops::unsupported(
                            "the error of a data model path matching several fields",
                        )),
                    },
                };
            }
            JsonPath::Unsupported(p) => {
                return Err(crate::ops::unsupported(&format!(
                    "the data model path {p:?}"
                )))
            }
        };
        if fields.is_empty() {
            return Ok(Some(PathMatch {
                value: Value::Dict(container.clone()),
                full_path: Some("$".into()),
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
            full_path: Some(fields.join(".")),
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

    fn json(text: &str) -> Rc<RefCell<Dict>> {
        match crate::event::value_from_json(text) {
            Ok(Value::Dict(d)) => d,
            _ => panic!("not a JSON object: {text}"),
        }
    }

    #[test]
    fn evaluates_wildcards_and_filters() {
        let JsonPath::Steps(steps) = parse_path_ext("$.ev[*].ps[?(@.n == 'R')].v") else {
            panic!("not parsed as steps");
        };
        let run = |text: &str| -> Vec<String> {
            eval_steps(&steps, &json(text))
                .iter()
                .map(crate::fmt::repr)
                .collect()
        };
        // Lists and dicts are both walked; only string fields equal to the text match.
        assert_eq!(
            run(
                r#"{"ev": [{"ps": [{"n": "R", "v": 1}, {"n": "S", "v": 2}]}, {"ps": {"k": {"n": "R", "v": 3}}}]}"#
            ),
            ["1", "3"]
        );
        assert_eq!(
            run(r#"{"ev": [{"ps": [{"n": ["R"], "v": 1}, {"n": "R"}]}]}"#),
            Vec::<String>::new()
        );
        assert_eq!(run(r#"{"ev": "R"}"#), Vec::<String>::new());
        assert!(matches!(parse_path_ext("$.a.b"), JsonPath::Fields(_)));
        assert!(matches!(parse_path_ext("$.a[0]"), JsonPath::Unsupported(_)));
        assert!(matches!(
            parse_path_ext("$.a[?(@.b == 'x\\'')]"),
            JsonPath::Unsupported(_)
        ));
    }
}
