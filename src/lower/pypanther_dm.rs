//! PyPanther data models: the `DataModel` classes under `data_models/`, lowered into the same
//! IR as v1 data models. The class body (`id`, `log_types`, `mappings` of
//! `DataModelMapping(name, path | method)`) is read statically and blanked; the rest of the
//! module (the mapping methods, their imports) is compiled like any module, and a Method
//! mapping names a global of that module.
//!
//! pypanther picks an event's data model by its `p_log_type` among all data model classes
//! (`pypanther.cache.DataModelCache`); two classes claiming one log type would make the
//! winner depend on class addresses, so that is refused.

use std::collections::BTreeMap;
use std::path::Path;

use rustpython_parser::ast::{self, Ranged};

use crate::diag::{Code, Diagnostic};
use crate::ir::*;
use crate::lower::pypanther::{blank, is_name, str_const};
use crate::lower::python::{lower_module, ImportEnv};
use crate::source::python::{self, PyFile};

/// The `LogType` members of the package's `log_types.py` (member name → value).
pub(crate) fn log_type_values(root: &Path, pkg_name: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let rel = format!("{pkg_name}/log_types.py");
    let Ok(text) = std::fs::read_to_string(root.join(&rel)) else {
        return out;
    };
    let Ok(py) = python::parse(&rel, text) else {
        return out;
    };
    for s in &py.body {
        let ast::Stmt::ClassDef(c) = s else { continue };
        if c.name.as_str() != "LogType" {
            continue;
        }
        for st in &c.body {
            if let ast::Stmt::Assign(a) = st {
                if let ([ast::Expr::Name(n)], Some(v)) = (a.targets.as_slice(), str_const(&a.value))
                {
                    out.insert(n.id.to_string(), v);
                }
            }
        }
    }
    out
}

/// One `DataModel` class, read statically.
struct DmClass {
    id: String,
    /// The class name (pypanther's AttributeError for a multi-match path names it).
    class: String,
    log_types: Vec<String>,
    mappings: Vec<Mapping>,
}

/// Lowers every data model of the package into `program`. Returns false when any of them
/// could not be converted (each with a diagnostic): the data models then cannot be applied
/// as pypanther applies them, and rules using `udm` are refused.
pub fn lower_data_models(
    root: &Path,
    pkg_name: &str,
    files: &[String],
    env: &ImportEnv,
    program: &mut Program,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let log_types = log_type_values(root, pkg_name);
    let mut ok = true;
    let mut claimed: BTreeMap<String, String> = BTreeMap::new();
    for rel in files {
        if rel.ends_with("__init__.py") {
            continue;
        }
        let py = match crate::lower::pypanther::load(root, rel) {
            Ok(p) => p,
            Err(d) => {
                diags.push(d);
                ok = false;
                continue;
            }
        };
        let dotted = rel.trim_end_matches(".py").replace('/', ".");
        match data_model_module(&py, &log_types) {
            Ok((edited, classes)) => {
                let (module, d) = lower_module(&edited, &dotted, ModuleKind::DataModel, env);
                if d.iter().any(|d| d.code.is_error()) {
                    diags.extend(d);
                    ok = false;
                    continue;
                }
                for dm in &classes {
                    for m in &dm.mappings {
                        if let Some(f) = &m.method {
                            if module.slot(f).is_none() {
                                diags.push(refuse(
                                    &py,
                                    0,
                                    format!("data model `{}`: method `{f}` is not a global of its module", dm.id),
                                ));
                                ok = false;
                            }
                        }
                    }
                    for lt in &dm.log_types {
                        if let Some(other) = claimed.insert(lt.clone(), dm.id.clone()) {
                            diags.push(refuse(
                                &py,
                                0,
                                format!(
                                    "log type `{lt}` has two data models (`{other}`, `{}`): \
                                     pypanther's choice depends on class addresses",
                                    dm.id
                                ),
                            ));
                            ok = false;
                        }
                    }
                }
                program.modules.insert(dotted.clone(), module);
                for dm in classes {
                    program.data_models.push(DataModel {
                        id: dm.id,
                        log_types: dm.log_types,
                        module: Some(dotted.clone()),
                        mappings: dm.mappings,
                        pypanther_class: Some(dm.class),
                    });
                }
            }
            Err(d) => {
                diags.push(d);
                ok = false;
            }
        }
    }
    ok
}

fn refuse(py: &PyFile, offset: usize, msg: String) -> Diagnostic {
    Diagnostic::new(Code::Unsupported, py.span(offset), msg)
}

/// The module with its pypanther imports and `DataModel` classes blanked, and the classes.
fn data_model_module(
    py: &PyFile,
    log_types: &BTreeMap<String, String>,
) -> Result<(PyFile, Vec<DmClass>), Diagnostic> {
    let mut text = py.text.clone().into_bytes();
    let mut classes = Vec::new();
    for s in &py.body {
        let r = s.range();
        let (a, b) = (r.start().to_usize(), r.end().to_usize());
        match s {
            ast::Stmt::ImportFrom(i)
                if i.module.as_ref().is_some_and(|m| {
                    matches!(
                        m.as_str(),
                        "pypanther" | "pypanther.base" | "pypanther.log_types"
                    )
                }) =>
            {
                for n in &i.names {
                    if !matches!(
                        n.name.as_str(),
                        "DataModel" | "DataModelMapping" | "LogType"
                    ) {
                        return Err(refuse(
                            py,
                            a,
                            format!("data model module imports `{}` from pypanther", n.name),
                        ));
                    }
                }
                blank(&mut text, a, b);
            }
            ast::Stmt::ClassDef(c) if c.bases.iter().any(|b| is_name(b, "DataModel")) => {
                if c.bases.len() != 1 || !c.decorator_list.is_empty() {
                    return Err(refuse(
                        py,
                        a,
                        format!("data model `{}`: only the single base `DataModel`", c.name),
                    ));
                }
                classes.push(dm_class(py, c, a, log_types)?);
                blank(&mut text, a, b);
            }
            _ => {}
        }
    }
    // `DataModelMapping(method=f)` keeps the function object the class saw; the runtime
    // calls the module's binding of `f`, so it must be bound once, before the classes.
    let first_class = py
        .body
        .iter()
        .position(|s| {
            matches!(s, ast::Stmt::ClassDef(c) if c.bases.iter().any(|b| is_name(b, "DataModel")))
        })
        .unwrap_or(0);
    for dm in &classes {
        for m in &dm.mappings {
            let Some(f) = &m.method else { continue };
            let binds: Vec<usize> = py
                .body
                .iter()
                .enumerate()
                .filter(|(_, s)| binds_name(s, f))
                .map(|(i, _)| i)
                .collect();
            if binds.len() != 1 || binds[0] > first_class {
                return Err(refuse(
                    py,
                    0,
                    format!(
                        "data model `{}`: method `{f}` must be bound once, by a `def` or an \
                         import, before the class",
                        dm.id
                    ),
                ));
            }
        }
    }
    let edited = String::from_utf8(text).unwrap_or_default();
    let file = python::parse(&py.file, edited)?;
    Ok((file, classes))
}

/// Whether a top-level statement binds `name` (a `def`, an import or an assignment); a
/// compound statement counts, as it could bind it somewhere inside.
fn binds_name(s: &ast::Stmt, name: &str) -> bool {
    let alias = |a: &ast::Alias| a.asname.as_ref().unwrap_or(&a.name).as_str() == name;
    let is = |e: &ast::Expr| matches!(e, ast::Expr::Name(n) if n.id.as_str() == name);
    match s {
        ast::Stmt::FunctionDef(f) => f.name.as_str() == name,
        ast::Stmt::ClassDef(c) => c.name.as_str() == name,
        ast::Stmt::Import(i) => i.names.iter().any(alias),
        ast::Stmt::ImportFrom(i) => i.names.iter().any(alias),
        ast::Stmt::Assign(a) => a.targets.iter().any(is),
        ast::Stmt::AnnAssign(a) => is(&a.target),
        ast::Stmt::AugAssign(a) => is(&a.target),
        ast::Stmt::If(_)
        | ast::Stmt::For(_)
        | ast::Stmt::While(_)
        | ast::Stmt::Try(_)
        | ast::Stmt::With(_) => true,
        _ => false,
    }
}

fn dm_class(
    py: &PyFile,
    c: &ast::StmtClassDef,
    at: usize,
    log_types: &BTreeMap<String, String>,
) -> Result<DmClass, Diagnostic> {
    let err = |msg: String| refuse(py, at, format!("data model `{}`: {msg}", c.name));
    let mut attrs: BTreeMap<String, &ast::Expr> = BTreeMap::new();
    for st in &c.body {
        match st {
            ast::Stmt::AnnAssign(a) => {
                if let (ast::Expr::Name(n), Some(v)) = (&*a.target, &a.value) {
                    attrs.insert(n.id.to_string(), v);
                }
            }
            ast::Stmt::Assign(a) => {
                if let [ast::Expr::Name(n)] = a.targets.as_slice() {
                    attrs.insert(n.id.to_string(), &a.value);
                }
            }
            ast::Stmt::Expr(_) | ast::Stmt::Pass(_) => {}
            _ => return Err(err("only attributes in the class body".into())),
        }
    }
    let id = attrs
        .get("id")
        .and_then(|e| str_const(e))
        .ok_or_else(|| err("no literal `id`".into()))?;
    let log_type = |e: &ast::Expr| -> Option<String> {
        match e {
            ast::Expr::Attribute(a) if is_name(&a.value, "LogType") => {
                log_types.get(a.attr.as_str()).cloned()
            }
            e => str_const(e),
        }
    };
    let lts = match attrs.get("log_types") {
        Some(ast::Expr::List(l)) => l
            .elts
            .iter()
            .map(log_type)
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| err("a log type that is not a literal or a known `LogType`".into()))?,
        _ => return Err(err("`log_types` is not a list literal".into())),
    };
    let mut mappings = Vec::new();
    let Some(ast::Expr::List(l)) = attrs.get("mappings") else {
        return Err(err("`mappings` is not a list literal".into()));
    };
    for m in &l.elts {
        let ast::Expr::Call(call) = m else {
            return Err(err("a mapping that is not `DataModelMapping(...)`".into()));
        };
        if !is_name(&call.func, "DataModelMapping") {
            return Err(err("a mapping that is not `DataModelMapping(...)`".into()));
        }
        let mut fields: BTreeMap<&str, &ast::Expr> = BTreeMap::new();
        for (i, a) in call.args.iter().enumerate() {
            let names = ["name", "path", "method"];
            let Some(n) = names.get(i) else {
                return Err(err("too many arguments to DataModelMapping".into()));
            };
            fields.insert(n, a);
        }
        for k in &call.keywords {
            let Some(n) = k.arg.as_ref() else {
                return Err(err("`**` in DataModelMapping".into()));
            };
            match n.as_str() {
                "name" => fields.insert("name", &k.value),
                "path" => fields.insert("path", &k.value),
                "method" => fields.insert("method", &k.value),
                other => return Err(err(format!("unknown DataModelMapping argument `{other}`"))),
            };
        }
        let is_none = |e: &&ast::Expr| matches!(e, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::None));
        let name = fields
            .get("name")
            .and_then(|e| str_const(e))
            .filter(|s| !s.is_empty())
            .ok_or_else(|| err("a mapping without a literal name".into()))?;
        // pypanther's `DataModel.__init__`: a non-empty path wins over a method.
        let path = match fields.get("path").filter(|e| !is_none(e)) {
            Some(e) => {
                Some(str_const(e).ok_or_else(|| err("a path that is not a literal".into()))?)
            }
            None => None,
        }
        .filter(|p| !p.is_empty());
        if let Some(p) = &path {
            if path_form(p) == PathForm::Unknown {
                return Err(err(format!(
                    "the path {p:?} is outside the JSONPath forms ferrule evaluates"
                )));
            }
        }
        let method = match (&path, fields.get("method").filter(|e| !is_none(e))) {
            (Some(_), _) | (None, None) => None,
            (None, Some(ast::Expr::Name(n))) => Some(n.id.to_string()),
            (None, Some(_)) => return Err(err("a method that is not a module-level name".into())),
        };
        if path.is_none() && method.is_none() {
            return Err(err(format!(
                "mapping `{name}` has neither a path nor a method"
            )));
        }
        mappings.push(Mapping { name, path, method });
    }
    Ok(DmClass {
        id,
        class: c.name.to_string(),
        log_types: lts,
        mappings,
    })
}

#[derive(Debug, PartialEq, Eq)]
enum PathForm {
    /// `$`, or field names separated by dots: jsonpath_ng 1.5 and 1.16 parse and print these
    /// alike, and the runtime evaluates them.
    Fields,
    /// Valid for `jsonpath_ng.ext`: wildcards and string-equality filters, which the
    /// runtime evaluates for PyPanther data models (`udm_path` of them is unsupported).
    Extended,
    Unknown,
}

/// A bare field name that both jsonpath_ng versions lex as one ID and print unquoted.
fn bare_field(s: &str) -> bool {
    let rest = s.strip_prefix('@').unwrap_or(s);
    let mut chars = rest.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@' || c == '-')
        && !matches!(s, "where" | "wherenot")
}

fn path_form(p: &str) -> PathForm {
    if p == "$" {
        return PathForm::Fields;
    }
    let rest = p.strip_prefix("$.").unwrap_or(p);
    if rest.split('.').all(bare_field) {
        return PathForm::Fields;
    }
    // `$.a[*].b[?(@.c == 'x')].d`: fields, each optionally followed by one selector.
    let Some(mut s) = p.strip_prefix("$.") else {
        return PathForm::Unknown;
    };
    loop {
        let end = s.find(['.', '[']).unwrap_or(s.len());
        if !bare_field(&s[..end]) || s[..end].starts_with('@') {
            return PathForm::Unknown;
        }
        s = &s[end..];
        if let Some(r) = s.strip_prefix("[*]") {
            s = r;
        } else if let Some(r) = s.strip_prefix("[?(@.") {
            let Some(eq) = r.find(" == '") else {
                return PathForm::Unknown;
            };
            if !bare_field(&r[..eq]) || r[..eq].starts_with('@') {
                return PathForm::Unknown;
            }
            let lit = &r[eq + 5..];
            let Some(close) = lit.find("')]") else {
                return PathForm::Unknown;
            };
            if lit[..close].contains(['\'', '\\']) {
                return PathForm::Unknown;
            }
            s = &lit[close + 3..];
        }
        if s.is_empty() {
            return PathForm::Extended;
        }
        match s.strip_prefix('.') {
            Some(r) => s = r,
            None => return PathForm::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_path_forms() {
        assert_eq!(path_form("$"), PathForm::Fields);
        assert_eq!(path_form("$.a.b-c"), PathForm::Fields);
        assert_eq!(path_form("ClientIP"), PathForm::Fields);
        assert_eq!(path_form("$.@timestamp"), PathForm::Fields);
        assert_eq!(
            path_form("$.events[*].parameters[?(@.name == 'ROLE_NAME')].value"),
            PathForm::Extended
        );
        assert_eq!(path_form("$.a[0]"), PathForm::Unknown);
        assert_eq!(path_form("$..a"), PathForm::Unknown);
        assert_eq!(path_form("$.'a b'"), PathForm::Unknown);
        assert_eq!(path_form("$.where"), PathForm::Unknown);
        assert_eq!(path_form("$.1a"), PathForm::Unknown);
        assert_eq!(path_form(" a"), PathForm::Unknown);
    }
}
