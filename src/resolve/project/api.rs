//! pypanther's API and Python's builtins, as the configuration evaluator runs them
//! (`pypanther/base.py`, `get.py`, `registry.py`, `unit_tests.py`, `utils.py` of pypanther
//! 0.1.1a62).

use std::rc::Rc;

use ferrule_runtime as rt;
use indexmap::IndexMap;
use rt::ExcKind;

use super::eval::{exc, undecidable, unknown, Eval, Registered, Stop, R};
use super::value::*;
use crate::diag::{Code, Diagnostic, Span};

/// The API a virtual module (one of pypanther's, which the evaluator models) denotes.
pub fn virtual_module(m: &str) -> Option<Api> {
    match m {
        "pypanther"
        | "pypanther.base"
        | "pypanther.get"
        | "pypanther.registry"
        | "pypanther.unit_tests"
        | "pypanther.severity"
        | "pypanther.log_types"
        | "pypanther.utils" => Some(Api::Package(m.to_string())),
        _ => None,
    }
}

/// pypanther's API modules, for the front end.
pub const VIRTUAL_MODULES: &[&str] = &[
    "pypanther",
    "pypanther.base",
    "pypanther.get",
    "pypanther.registry",
    "pypanther.unit_tests",
    "pypanther.severity",
    "pypanther.log_types",
    "pypanther.utils",
];

impl Eval<'_> {
    /// `api.name`.
    pub fn api_getattr(&mut self, api: &Api, name: &str, span: &Span) -> R<V> {
        match api {
            Api::Package(p) => {
                let v = match (p.as_str(), name) {
                    ("pypanther" | "pypanther.base", "Rule") => V::Class(RULE),
                    ("pypanther" | "pypanther.base", "panther_managed") => {
                        V::Api(Api::PantherManaged)
                    }
                    ("pypanther" | "pypanther.base", "DataModel") => V::Api(Api::DataModel),
                    ("pypanther" | "pypanther.base", "DataModelMapping") => {
                        V::Api(Api::DataModelMapping)
                    }
                    ("pypanther" | "pypanther.registry", "register") => V::Api(Api::Register),
                    ("pypanther" | "pypanther.registry", "registered_rules") => {
                        V::Api(Api::RegisteredRules)
                    }
                    ("pypanther" | "pypanther.get", "get_panther_rules") => {
                        V::Api(Api::GetPantherRules)
                    }
                    ("pypanther" | "pypanther.get", "get_rules") => V::Api(Api::GetRules),
                    ("pypanther" | "pypanther.get", "apply_overrides") => {
                        V::Api(Api::ApplyOverrides)
                    }
                    ("pypanther" | "pypanther.unit_tests", "RuleTest") => V::Api(Api::RuleTest),
                    ("pypanther" | "pypanther.unit_tests", "RuleMock") => V::Api(Api::RuleMock),
                    ("pypanther" | "pypanther.severity" | "pypanther.base", "Severity") => {
                        V::Api(Api::EnumClass(EnumKind::Severity))
                    }
                    ("pypanther" | "pypanther.log_types" | "pypanther.base", "LogType") => {
                        V::Api(Api::EnumClass(EnumKind::LogType))
                    }
                    _ => {
                        return Ok(unknown(
                            format!("`{p}.{name}` is not modelled by ferrule"),
                            span,
                        ))
                    }
                };
                Ok(v)
            }
            Api::EnumClass(k) => {
                let ok = match k {
                    EnumKind::Severity => super::eval::SEVERITIES.contains(&name),
                    EnumKind::LogType => self.input.log_types.contains_key(name),
                };
                if ok {
                    Ok(V::Enum(*k, name.into()))
                } else {
                    Err(exc(
                        ExcKind::AttributeError,
                        format!("type object '{}' has no attribute '{name}'", k.name()),
                        span,
                    ))
                }
            }
            _ => Ok(unknown(
                format!("the attribute `{name}` of pypanther's API"),
                span,
            )),
        }
    }

    /// Calls one of pypanther's API functions.
    pub fn api_call(&mut self, api: &Api, pos: Vec<V>, kw: Vec<(String, V)>, span: &Span) -> R<V> {
        match api {
            Api::Register => {
                let [arg] = one_arg("register", pos, kw, span)?;
                self.register(&arg, span)?;
                Ok(V::None)
            }
            Api::RegisteredRules => {
                let filters = self.filter_kwargs("registered_rules", pos, kw, span)?;
                let rules: Vec<ClassId> = self.registry.iter().map(|r| r.class).collect();
                let kept = self.filter_rules(rules, &filters, span)?;
                Ok(self.rule_list(kept, true))
            }
            Api::GetPantherRules => {
                let filters = self.filter_kwargs("get_panther_rules", pos, kw, span)?;
                let rules = self.all_managed(span)?;
                let kept = self.filter_rules(rules, &filters, span)?;
                Ok(self.rule_list(kept, true))
            }
            Api::GetRules => {
                let [m] = one_arg("get_rules", pos, kw, span)?;
                let rules = self.get_rules(&m, span)?;
                Ok(self.rule_list(rules, true))
            }
            Api::ApplyOverrides => {
                let (module, rules) = match (pos.as_slice(), kw.as_slice()) {
                    ([m], []) => (m.clone(), self.new_list(Vec::new())),
                    ([m, r], []) => (m.clone(), r.clone()),
                    ([m], [(k, r)]) if k == "rules" => (m.clone(), r.clone()),
                    _ => return Err(undecidable("`apply_overrides` with these arguments", span)),
                };
                self.apply_overrides(&module, &rules, span)?;
                Ok(unknown(
                    "the list `apply_overrides` returns (module reprs name files)",
                    span,
                ))
            }
            Api::RuleTest => self.rule_test(pos, kw, span),
            Api::RuleMock => self.rule_mock(pos, kw, span),
            Api::PantherManaged => {
                let [c] = one_arg("panther_managed", pos, kw, span)?;
                match c {
                    V::Class(k) => {
                        self.panther_managed(k, span)?;
                        Ok(V::Class(k))
                    }
                    other => Err(undecidable(
                        format!("`panther_managed` of a {}", self.type_name(&other)),
                        span,
                    )),
                }
            }
            Api::EnumClass(k) => {
                let [v] = one_arg(k.name(), pos, kw, span)?;
                let s = match &v {
                    V::Str(s) => s.clone(),
                    V::Enum(k2, n) if k2 == k => return Ok(V::Enum(*k, n.clone())),
                    V::Unknown(w) => return Ok(V::Unknown(w.clone())),
                    _ => {
                        return Err(undecidable(
                            format!("`{}(…)` of this value", k.name()),
                            span,
                        ))
                    }
                };
                let found = match k {
                    EnumKind::Severity => super::eval::SEVERITIES
                        .iter()
                        .find(|m| ***m == *s)
                        .map(|m| m.to_string()),
                    EnumKind::LogType => self
                        .input
                        .log_types
                        .iter()
                        .find(|(_, v)| **v == *s)
                        .map(|(n, _)| n.clone()),
                };
                match found {
                    Some(n) => Ok(V::Enum(*k, n.into())),
                    None => Err(exc(
                        ExcKind::ValueError,
                        format!("'{s}' is not a valid {}", k.name()),
                        span,
                    )),
                }
            }
            Api::RuleMethod(m) => Err(undecidable(
                format!("calling `Rule.{m}` in configuration code"),
                span,
            )),
            Api::RunTime(n) => Err(undecidable(
                format!("calling pypanther's `{n}` in configuration code"),
                span,
            )),
            // pypanther's dataclass `DataModelMapping(name, path=None, method=None)`: only a
            // `DataModel` built at run time reads it (pypanther 0.1.1a62 applies its managed
            // data models alone, so a project's classes change nothing by existing).
            Api::DataModelMapping => {
                const FIELDS: [&str; 3] = ["name", "path", "method"];
                let mut bound: Vec<&str> = FIELDS.iter().take(pos.len()).copied().collect();
                let mut ok = pos.len() <= FIELDS.len();
                for (k, _) in &kw {
                    ok &= FIELDS.contains(&k.as_str()) && !bound.contains(&k.as_str());
                    bound.push(k);
                }
                if !ok || !bound.contains(&"name") {
                    return Err(undecidable(
                        "`DataModelMapping(…)` with these arguments",
                        span,
                    ));
                }
                let mut fields: IndexMap<String, V> =
                    FIELDS.iter().map(|f| (f.to_string(), V::None)).collect();
                for (f, v) in FIELDS.iter().zip(pos) {
                    fields.insert(f.to_string(), v);
                }
                for (k, v) in kw {
                    fields.insert(k, v);
                }
                Ok(V::Obj(self.alloc(HObj::Mapping(fields))))
            }
            Api::DataModel => Err(undecidable(
                "instantiating `DataModel` in configuration code",
                span,
            )),
            Api::Package(p) => Err(exc(
                ExcKind::TypeError,
                format!("'module' object is not callable ({p})"),
                span,
            )),
        }
    }

    /// A list of rule classes (its order undecided when it came from a set).
    fn rule_list(&mut self, rules: Vec<ClassId>, unordered: bool) -> V {
        let items: Vec<V> = rules.into_iter().map(V::Class).collect();
        let l = self.new_list(items);
        if let V::List(i) = &l {
            self.heap[*i].unordered = unordered;
            self.heap[*i].config = true;
        }
        l
    }

    fn filter_kwargs(
        &mut self,
        what: &str,
        pos: Vec<V>,
        kw: Vec<(String, V)>,
        span: &Span,
    ) -> R<Vec<(String, V)>> {
        let mut out: Vec<(String, V)> = Vec::new();
        if pos.len() > FILTER_PARAMS.len() {
            return Err(exc(
                ExcKind::TypeError,
                format!(
                    "{what}() takes at most {} positional arguments",
                    FILTER_PARAMS.len()
                ),
                span,
            ));
        }
        for (p, v) in FILTER_PARAMS.iter().zip(pos) {
            out.push((p.to_string(), v));
        }
        for (k, v) in kw {
            if !FILTER_PARAMS.contains(&k.as_str()) {
                return Err(exc(
                    ExcKind::TypeError,
                    format!("{what}() got an unexpected keyword argument '{k}'"),
                    span,
                ));
            }
            if out.iter().any(|(n, _)| *n == k) {
                return Err(exc(
                    ExcKind::TypeError,
                    format!("{what}() got multiple values for argument '{k}'"),
                    span,
                ));
            }
            out.push((k, v));
        }
        // `locals()` order: the parameters' order.
        out.sort_by_key(|(k, _)| FILTER_PARAMS.iter().position(|p| p == k));
        Ok(out)
    }

    /// pypanther's `filter_iterable_by_kwargs`.
    pub fn filter_rules(
        &mut self,
        rules: Vec<ClassId>,
        filters: &[(String, V)],
        span: &Span,
    ) -> R<Vec<ClassId>> {
        let mut kept = Vec::new();
        'rules: for c in rules {
            for (key, want) in filters {
                if matches!(want, V::None) {
                    continue;
                }
                let have = match self.lookup(c, key) {
                    Some(e) => e.value,
                    None => {
                        let s = self.alloc(HObj::Set(Vec::new()));
                        V::Set(s)
                    }
                };
                let a = self.lowercase_set(&have, span)?;
                let b = self.lowercase_set(want, span)?;
                let mut hit = false;
                for x in &a {
                    for y in &b {
                        match self.py_eq(x, y) {
                            Some(true) => hit = true,
                            Some(false) => {}
                            None => {
                                return Err(undecidable(
                                    format!("filtering rules on `{key}`"),
                                    span,
                                ))
                            }
                        }
                    }
                }
                if !hit {
                    continue 'rules;
                }
            }
            kept.push(c);
        }
        Ok(kept)
    }

    /// pypanther's `_to_lowercase_set`.
    fn lowercase_set(&mut self, v: &V, span: &Span) -> R<Vec<V>> {
        let lower = |ev: &Self, x: &V| -> V {
            match x {
                V::Str(s) => V::Str(s.to_lowercase().into()),
                V::Enum(k, n) => V::Str(ev.enum_value(*k, n).to_lowercase().into()),
                other => other.clone(),
            }
        };
        match v {
            V::Str(_) | V::Enum(..) => return Ok(vec![lower(self, v)]),
            V::Unknown(w) => return Err(Stop::Undecidable(w.clone())),
            _ => {}
        }
        let items = match v {
            V::List(_) | V::Tuple(_) | V::Dict(_) | V::Set(_) => self.iterate(v, span)?.0,
            // Not iterable: `{value}`.
            V::None | V::Bool(_) | V::Int(_) | V::Float(_) | V::Class(_) | V::Func(_) => {
                return Ok(vec![v.clone()])
            }
            _ => return Err(undecidable("filtering on this value", span)),
        };
        let mut out: Vec<V> = Vec::new();
        for x in items {
            let x = lower(self, &x);
            if self.hashable(&x, span).is_err() {
                // The comprehension raises TypeError; `{value}` of a list raises again.
                return Err(exc(
                    ExcKind::TypeError,
                    format!("unhashable type: '{}'", self.type_name(v)),
                    span,
                ));
            }
            let mut dup = false;
            for y in &out {
                if self.py_eq(&x, y) == Some(true) {
                    dup = true;
                }
            }
            if !dup {
                out.push(x);
            }
        }
        Ok(out)
    }

    /// Every managed rule (`get_panther_rules`' `__RULES`), importing `pypanther.rules` in
    /// `walk_packages` order the first time.
    pub fn all_managed(&mut self, span: &Span) -> R<Vec<ClassId>> {
        if let Some(m) = &self.managed {
            return Ok(m.clone());
        }
        let Some(root) = self.input.managed_rules.clone() else {
            return Err(undecidable("the installed pypanther has no rules", span));
        };
        self.import(&root, span)?;
        let walk = self
            .input
            .info
            .get(&root)
            .map(|i| i.walk.clone())
            .unwrap_or_default();
        let mut found: Vec<ClassId> = Vec::new();
        for (name, is_pkg) in walk {
            self.import(&name, span)?;
            if is_pkg || name.split('.').count() <= 3 {
                continue;
            }
            for c in self.module_rule_classes(&name, false) {
                if !found.contains(&c) {
                    found.push(c);
                }
            }
        }
        self.managed = Some(found.clone());
        Ok(found)
    }

    /// The rule classes (with an `id`) among a module's attributes (`dir(m)`, sorted);
    /// `own`: only those defined in that module.
    fn module_rule_classes(&self, module: &str, own: bool) -> Vec<ClassId> {
        let Some(m) = self.input.modules.get(module) else {
            return Vec::new();
        };
        let Some(st) = self.mods.get(module) else {
            return Vec::new();
        };
        let mut names: Vec<(&String, usize)> =
            m.globals.iter().enumerate().map(|(i, n)| (n, i)).collect();
        names.sort();
        let mut out = Vec::new();
        for (_, slot) in names {
            if let Some(V::Class(c)) = st.ns.get(slot).cloned().flatten() {
                let k = &self.classes[c];
                if c == RULE || !k.is_rule {
                    continue;
                }
                if own && k.module != module {
                    continue;
                }
                if self.lookup(c, "id").is_some() && !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }

    /// `get_rules(module)`.
    fn get_rules(&mut self, m: &V, span: &Span) -> R<Vec<ClassId>> {
        let V::Module(name) = m else {
            return Err(exc(
                ExcKind::TypeError,
                format!("Expected a module, got <class '{}'>", self.type_name(m)),
                span,
            ));
        };
        let walk = self.package_walk(name, span)?;
        let mut out = Vec::new();
        for (sub, _) in walk {
            self.import(&sub, span)?;
            for c in self.module_rule_classes(&sub, true) {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        Ok(out)
    }

    fn package_walk(&self, name: &str, span: &Span) -> R<Vec<(String, bool)>> {
        match self.input.info.get(name) {
            Some(i) if i.package => Ok(i.walk.clone()),
            _ => Err(exc(
                ExcKind::AttributeError,
                format!("module '{name}' has no attribute '__path__'"),
                span,
            )),
        }
    }

    /// `apply_overrides(module, rules)`: each submodule's `apply_overrides(rules)`, in
    /// `walk_packages` order.
    fn apply_overrides(&mut self, m: &V, rules: &V, span: &Span) -> R<()> {
        let V::Module(name) = m else {
            return Err(exc(
                ExcKind::TypeError,
                format!("Expected a module, got <class '{}'>", self.type_name(m)),
                span,
            ));
        };
        let walk = self.package_walk(name, span)?;
        for (sub, _) in walk {
            self.import(&sub, span)?;
            let f = match self.module_attr(&sub, "apply_overrides", span) {
                Ok(f) => f,
                Err(Stop::Exc(..)) => continue,
                Err(e) => return Err(e),
            };
            self.call(&f, vec![rules.clone()], Vec::new(), span)?;
        }
        Ok(())
    }

    /// `register(arg)`. A rule that fails validation or repeats an id is reported and left
    /// out (CPython raises there; ferrule goes on with the rest). The data models `register`
    /// accepts are `pypanther.data_models_v2`'s, not the `DataModel` that `pypanther`
    /// exports: a subclass of that one is a ValueError, as for any other value.
    fn register(&mut self, arg: &V, span: &Span) -> R<()> {
        let items = match arg {
            V::Class(c) if self.classes[*c].is_rule => vec![arg.clone()],
            V::Unknown(w) => return Err(Stop::Undecidable(w.clone())),
            V::List(_) | V::Tuple(_) | V::Set(_) | V::Dict(_) => self.iterate(arg, span)?.0,
            _ => {
                return Err(exc(
                    ExcKind::ValueError,
                    "argument must be a Rule or DataModel or an iterable of them",
                    span,
                ))
            }
        };
        for x in items {
            match x {
                V::Class(c) if self.classes[c].is_rule && c != RULE => {
                    if let Err(stop) = self.validate(c, span) {
                        let d = match stop {
                            Stop::Exc(e, _) => Diagnostic::new(
                                Code::ProjectError,
                                span.clone(),
                                format!(
                                    "`register` raises {}: pypanther rejects `{}`",
                                    e.type_and_message(),
                                    self.classes[c].name
                                ),
                            ),
                            Stop::Undecidable(w) => Diagnostic::new(
                                Code::Undecidable,
                                w.span.clone(),
                                format!(
                                    "`register` of `{}` cannot be decided at compile time: {}",
                                    self.classes[c].name, w.reason
                                ),
                            ),
                        };
                        self.diags.push(match self.rule_id(c) {
                            Some(id) => d.for_detection(&id),
                            None => d,
                        });
                        continue;
                    }
                    let id = self.rule_id(c).unwrap_or_default();
                    if let Some(prev) = self
                        .registry
                        .iter()
                        .find(|r| self.rule_id(r.class).as_deref() == Some(id.as_str()))
                    {
                        let first = format!("{}:{}", prev.span.file, prev.span.line);
                        self.diags.push(
                            Diagnostic::new(
                                Code::DuplicateId,
                                span.clone(),
                                format!(
                                    "`register` raises ValueError: Rule with id '{id}' is already registered (at {first})"
                                ),
                            )
                            .for_detection(&id),
                        );
                        continue;
                    }
                    self.registry.push(Registered {
                        class: c,
                        span: span.clone(),
                    });
                }
                V::Unknown(w) => return Err(Stop::Undecidable(w)),
                _ => {
                    return Err(exc(
                        ExcKind::ValueError,
                        "argument must be a Rule or DataModel or an iterable of them",
                        span,
                    ))
                }
            }
        }
        Ok(())
    }

    /// `Rule.validate()`: pydantic's `RuleModel` over `asdict()`, `validate_config()`, unique
    /// test names, and instantiation (no abstract method left).
    pub fn validate(&mut self, c: ClassId, span: &Span) -> R<()> {
        let name = self.classes[c].name.clone();
        let fail = |field: &str, msg: &str| -> Stop {
            exc(
                ExcKind::ValueError,
                format!("1 validation error for RuleModel\n{field}\n  {msg}"),
                span,
            )
        };
        for attr in RULE_ALL_ATTRS {
            let v = match self.lookup(c, attr) {
                Some(e) => e.value,
                None => return Err(fail(attr, "Field required")),
            };
            if let V::Unknown(w) = &v {
                return Err(undecidable(
                    format!(
                        "`{attr}` of `{name}` depends on a value only known at run time: {}",
                        w.reason
                    ),
                    &w.span,
                ));
            }
            let undecided = || {
                undecidable(
                    format!("whether pydantic accepts `{attr}` of `{name}` (ferrule checks exact types only)"),
                    span,
                )
            };
            match *attr {
                "create_alert" | "enabled" => match v {
                    V::Bool(_) => {}
                    V::Int(0 | 1) => {}
                    V::Int(_) | V::None | V::List(_) | V::Dict(_) => {
                        return Err(fail(attr, "Input should be a valid boolean"))
                    }
                    _ => return Err(undecided()),
                },
                "dedup_period_minutes" | "threshold" => {
                    let min = if *attr == "threshold" { 1 } else { 0 };
                    match v {
                        V::Int(i) if i >= min => {}
                        V::Int(_) => {
                            return Err(fail(attr, "Input should be greater than the limit"))
                        }
                        V::None | V::Str(_) | V::List(_) | V::Dict(_) => {
                            return Err(fail(attr, "Input should be a valid integer"))
                        }
                        _ => return Err(undecided()),
                    }
                }
                "display_name"
                | "id"
                | "default_description"
                | "default_runbook"
                | "default_reference" => match v {
                    V::Str(_) => {}
                    V::None | V::Int(_) | V::Bool(_) | V::List(_) | V::Dict(_) => {
                        return Err(fail(attr, "Input should be a valid string"))
                    }
                    _ => return Err(undecided()),
                },
                "log_types" | "summary_attributes" | "tags" | "default_destinations" => {
                    if *attr == "default_destinations" && matches!(v, V::None) {
                        continue;
                    }
                    let V::List(_) = v else {
                        return match v {
                            V::None | V::Str(_) | V::Int(_) | V::Dict(_) => {
                                Err(fail(attr, "Input should be a valid list"))
                            }
                            _ => Err(undecided()),
                        };
                    };
                    let (items, _) = self.iterate(&v, span)?;
                    let mut seen: Vec<Rc<str>> = Vec::new();
                    for x in &items {
                        let s = match x {
                            V::Str(s) => s.clone(),
                            V::Enum(EnumKind::LogType, n) if *attr == "log_types" => {
                                self.enum_value(EnumKind::LogType, n)
                            }
                            V::None | V::Int(_) | V::List(_) | V::Dict(_) => {
                                return Err(fail(attr, "Input should be a valid string"))
                            }
                            _ => return Err(undecided()),
                        };
                        if seen.contains(&s) {
                            return Err(fail(attr, "List must be unique"));
                        }
                        seen.push(s);
                    }
                    if *attr == "log_types" && items.is_empty() {
                        return Err(fail(attr, "List should have at least 1 item"));
                    }
                }
                "tests" => {
                    let V::List(_) = v else {
                        return Err(undecided());
                    };
                    let (items, _) = self.iterate(&v, span)?;
                    for x in &items {
                        let ok =
                            matches!(x, V::Obj(i) if matches!(self.heap[*i].obj, HObj::Test(_)));
                        if !ok {
                            return Err(undecided());
                        }
                    }
                }
                "reports" => {
                    let V::Dict(i) = v else {
                        return Err(undecided());
                    };
                    let HObj::Dict(d) = self.heap[i].obj.clone() else {
                        unreachable!("dict cell")
                    };
                    for (k, x) in d {
                        if !matches!(k, V::Str(_)) {
                            return Err(undecided());
                        }
                        let V::List(_) = x else {
                            return Err(undecided());
                        };
                        let (items, _) = self.iterate(&x, span)?;
                        if items.is_empty() {
                            return Err(fail(attr, "List should have at least 1 item"));
                        }
                        let mut seen: Vec<Rc<str>> = Vec::new();
                        for y in items {
                            let V::Str(s) = y else {
                                return Err(undecided());
                            };
                            if seen.contains(&s) {
                                return Err(fail(attr, "List must be unique"));
                            }
                            seen.push(s);
                        }
                    }
                }
                "include_filters" | "exclude_filters" => {
                    let V::List(_) = v else {
                        return Err(undecided());
                    };
                    let (items, _) = self.iterate(&v, span)?;
                    for x in items {
                        match x {
                            V::Func(_) | V::Builtin(_) => {}
                            V::None | V::Int(_) | V::Str(_) | V::List(_) | V::Dict(_) => {
                                return Err(fail(attr, "Input should be callable"))
                            }
                            _ => return Err(undecided()),
                        }
                    }
                }
                "default_severity" => match v {
                    V::Enum(EnumKind::Severity, _) => {}
                    V::Str(s) if super::eval::SEVERITIES.contains(&&*s) => {}
                    V::Str(_) | V::None | V::Int(_) => {
                        return Err(fail(
                            attr,
                            "Input should be 'INFO', 'LOW', 'MEDIUM', 'HIGH' or 'CRITICAL'",
                        ))
                    }
                    _ => return Err(undecided()),
                },
                _ => {}
            }
        }
        // validate_config(): a class method the rule may define.
        if let Some(e) = self.lookup(c, "validate_config") {
            if e.kind == MemberKind::ClassMethod {
                if let V::Func(f) = &e.value {
                    let f = f.clone();
                    self.call_function(&f, vec![V::Class(c)], Vec::new(), span)?;
                }
            } else {
                return Err(undecidable(
                    "a `validate_config` that is not a class method",
                    span,
                ));
            }
        }
        // Test names are unique.
        if let Some(V::List(_)) = self.lookup(c, "tests").map(|e| e.value) {
            let tests = self.lookup(c, "tests").map(|e| e.value).unwrap_or(V::None);
            let (items, _) = self.iterate(&tests, span)?;
            let mut names: Vec<V> = Vec::new();
            for t in items {
                let n = self.getattr(&t, "name", span)?;
                for m in &names {
                    if self.py_eq(m, &n) == Some(true) {
                        let id = self.rule_id(c).unwrap_or_default();
                        let n = match &n {
                            V::Str(s) => s.to_string(),
                            _ => String::new(),
                        };
                        return Err(exc(
                            ExcKind::ValueError,
                            format!("Rule ({id}) has multiple tests with the same name ({n})"),
                            span,
                        ));
                    }
                }
                names.push(n);
            }
        }
        let abs = self.classes[c].abstract_methods.clone();
        if !abs.is_empty() {
            return Err(exc(
                ExcKind::TypeError,
                format!(
                    "Can't instantiate abstract class {name} with abstract method{} {}",
                    if abs.len() > 1 { "s" } else { "" },
                    abs.join(", ")
                ),
                span,
            ));
        }
        Ok(())
    }

    /// `@panther_managed`: `tests` moved to `_tests`, an empty `tests`, `_panther_managed`.
    pub fn panther_managed(&mut self, c: ClassId, span: &Span) -> R<()> {
        let tests = match self.lookup(c, "tests") {
            Some(e) => e,
            None => {
                return Err(exc(
                    ExcKind::AttributeError,
                    format!(
                        "type object '{}' has no attribute 'tests'",
                        self.classes[c].name
                    ),
                    span,
                ))
            }
        };
        let mut prov = tests.prov.clone();
        prov.push(Prov {
            kind: ProvKind::Managed,
            span: span.clone(),
        });
        self.set_class_attr(c, "_tests", tests.value, prov);
        let empty = self.new_list(Vec::new());
        self.set_class_attr(
            c,
            "tests",
            empty,
            vec![Prov {
                kind: ProvKind::Managed,
                span: span.clone(),
            }],
        );
        self.set_class_attr(
            c,
            "_panther_managed",
            V::Bool(true),
            vec![Prov {
                kind: ProvKind::Managed,
                span: span.clone(),
            }],
        );
        Ok(())
    }

    /// A method called on a class: pypanther's class methods, or the class's own.
    pub fn class_method(
        &mut self,
        c: ClassId,
        name: &str,
        pos: Vec<V>,
        kw: Vec<(String, V)>,
        span: &Span,
    ) -> R<V> {
        if self.builtin_shadows(c, name) {
            return Err(undecidable(
                format!("`{name}` of a class with a built-in exception base"),
                span,
            ));
        }
        if let Some(e) = self.lookup(c, name) {
            let owner_is_rule_base = self.lookup_owner(c, name) == Some(RULE);
            if !owner_is_rule_base {
                return match e.kind {
                    MemberKind::ClassMethod => {
                        let mut args = vec![V::Class(c)];
                        args.extend(pos);
                        self.call(&e.value, args, kw, span)
                    }
                    MemberKind::StaticMethod | MemberKind::Method | MemberKind::Attribute => {
                        self.call(&e.value, pos, kw, span)
                    }
                    MemberKind::Property => {
                        Err(undecidable("a property called through its class", span))
                    }
                };
            }
        }
        if !self.classes[c].is_rule {
            return Err(exc(
                ExcKind::AttributeError,
                format!(
                    "type object '{}' has no attribute '{name}'",
                    self.classes[c].name
                ),
                span,
            ));
        }
        self.touch();
        match name {
            "override" => {
                let args = bind_params("override", OVERRIDE_PARAMS, pos, kw, span)?;
                for (key, val) in args {
                    if let V::Unknown(w) = &val {
                        // Whether it is None (no change) is not known either.
                        let w = w.clone();
                        self.set_class_attr(
                            c,
                            &key,
                            V::Unknown(w),
                            vec![Prov {
                                kind: ProvKind::Override,
                                span: span.clone(),
                            }],
                        );
                        continue;
                    }
                    if matches!(val, V::None) {
                        continue;
                    }
                    self.set_class_attr(
                        c,
                        &key,
                        val,
                        vec![Prov {
                            kind: ProvKind::Override,
                            span: span.clone(),
                        }],
                    );
                }
                Ok(V::None)
            }
            "extend" => {
                let args = bind_params("extend", EXTEND_PARAMS, pos, kw, span)?;
                for (key, val) in args {
                    if matches!(val, V::None) {
                        continue;
                    }
                    if let V::Unknown(w) = &val {
                        let w = w.clone();
                        self.set_class_attr(
                            c,
                            &key,
                            V::Unknown(w),
                            vec![Prov {
                                kind: ProvKind::Extend,
                                span: span.clone(),
                            }],
                        );
                        continue;
                    }
                    let cur = self.lookup(c, &key).map(|e| e.value).unwrap_or(V::None);
                    if matches!(cur, V::None) {
                        self.set_class_attr(
                            c,
                            &key,
                            val,
                            vec![Prov {
                                kind: ProvKind::Extend,
                                span: span.clone(),
                            }],
                        );
                        continue;
                    }
                    let owner = self.lookup_owner(c, &key);
                    match (&val, &cur) {
                        (V::List(_), _) => {
                            self.call_method(&cur, "extend", vec![val.clone()], Vec::new(), span)?;
                        }
                        (V::Dict(_), _) => {
                            self.call_method(&cur, "update", vec![val.clone()], Vec::new(), span)?;
                        }
                        _ => continue,
                    }
                    // The mutation is an `extend` of that attribute, for provenance.
                    if let Some(o) = owner {
                        if let Some(e) = self.classes[o].dict.get_mut(&key) {
                            e.prov.push(Prov {
                                kind: ProvKind::Extend,
                                span: span.clone(),
                            });
                        }
                    }
                    if let V::List(i) | V::Dict(i) = &cur {
                        self.heap[*i].history.pop();
                    }
                }
                Ok(V::None)
            }
            "is_panther_managed" => Ok(V::Bool(matches!(
                self.lookup(c, "_panther_managed").map(|e| e.value),
                Some(V::Bool(true))
            ))),
            "validate" => {
                self.validate(c, span)?;
                Ok(V::None)
            }
            "validate_config" => Ok(V::None),
            "asdict" => Err(undecidable("`Rule.asdict()` in configuration code", span)),
            _ => Err(exc(
                ExcKind::AttributeError,
                format!(
                    "type object '{}' has no attribute '{name}'",
                    self.classes[c].name
                ),
                span,
            )),
        }
    }

    /// `RuleTest(...)`: a dataclass whose metaclass records the calling module.
    fn rule_test(&mut self, pos: Vec<V>, kw: Vec<(String, V)>, span: &Span) -> R<V> {
        let mut fields = IndexMap::new();
        let args = bind_dataclass("RuleTest", RULE_TEST_FIELDS, 3, pos, kw, span)?;
        for (k, v) in args {
            fields.insert(k, v);
        }
        if !fields.contains_key("mocks") {
            let l = self.new_list(Vec::new());
            fields.insert("mocks".into(), l);
        }
        for f in RULE_TEST_FIELDS {
            fields.entry(f.to_string()).or_insert(V::None);
        }
        let module = self.current_module();
        let id = self.alloc(HObj::Test(TestObj {
            fields,
            module,
            span: span.clone(),
        }));
        Ok(V::Obj(id))
    }

    fn rule_mock(&mut self, pos: Vec<V>, kw: Vec<(String, V)>, span: &Span) -> R<V> {
        let args = bind_dataclass("RuleMock", RULE_MOCK_FIELDS, 1, pos, kw, span)?;
        let mut fields = IndexMap::new();
        for f in RULE_MOCK_FIELDS {
            fields.insert(f.to_string(), V::None);
        }
        for (k, v) in args {
            fields.insert(k, v);
        }
        Ok(V::Obj(self.alloc(HObj::Mock(fields))))
    }

    /// Python's builtins over the evaluator's values.
    pub fn builtin(&mut self, b: &str, pos: Vec<V>, kw: Vec<(String, V)>, span: &Span) -> R<V> {
        let no_kw = |what: &str| -> R<()> {
            if kw.is_empty() {
                Ok(())
            } else {
                Err(undecidable(format!("keyword arguments to `{what}`"), span))
            }
        };
        match (b, pos.as_slice()) {
            ("len", [x]) => {
                no_kw(b)?;
                let n = match x {
                    V::List(i) | V::Set(i) => match &self.heap[*i].obj {
                        HObj::List(l) | HObj::Set(l) => l.len(),
                        _ => 0,
                    },
                    V::Dict(i) => match &self.heap[*i].obj {
                        HObj::Dict(d) => d.len(),
                        _ => 0,
                    },
                    V::Tuple(t) => t.len(),
                    V::Enum(k, n) => self.enum_value(*k, n).chars().count(),
                    _ => return self.builtin_rt(b, pos, kw, span),
                };
                Ok(V::Int(n as i64))
            }
            ("list", []) | ("tuple", []) => Ok(if b == "list" {
                self.new_list(Vec::new())
            } else {
                V::Tuple(Vec::new().into())
            }),
            ("list", [x]) | ("tuple", [x]) => {
                no_kw(b)?;
                let (items, unordered) = self.iterate(x, span)?;
                if b == "tuple" {
                    if unordered {
                        return Err(undecidable(
                            "a tuple of elements whose order CPython does not fix",
                            span,
                        ));
                    }
                    return Ok(V::Tuple(items.into()));
                }
                let l = self.new_list(items);
                if let V::List(i) = &l {
                    self.heap[*i].unordered = unordered;
                }
                Ok(l)
            }
            ("set", []) => Ok(V::Set(self.alloc(HObj::Set(Vec::new())))),
            ("set", [x]) | ("frozenset", [x]) => {
                let (items, _) = self.iterate(x, span)?;
                self.make_set(items, span)
            }
            ("dict", []) => {
                let id = self.alloc(HObj::Dict(Vec::new()));
                for (k, v) in kw {
                    self.dict_set(id, V::Str(k.into()), v, span)?;
                }
                Ok(V::Dict(id))
            }
            ("dict", [V::Dict(o)]) if kw.is_empty() => {
                let HObj::Dict(d) = self.heap[*o].obj.clone() else {
                    unreachable!("dict cell")
                };
                Ok(V::Dict(self.alloc(HObj::Dict(d))))
            }
            ("sorted", [x]) => {
                let (items, _) = self.iterate(x, span)?;
                let mut key = None;
                let mut reverse = false;
                for (k, v) in &kw {
                    match k.as_str() {
                        "key" => key = Some(v.clone()),
                        "reverse" => reverse = self.truthy(v, span)?,
                        _ => return Err(undecidable("`sorted` with these arguments", span)),
                    }
                }
                let s = self.sorted(items, key, reverse, span)?;
                Ok(self.new_list(s))
            }
            ("reversed", [x]) => {
                self.check_order(x, span)?;
                let (mut items, _) = self.iterate(x, span)?;
                items.reverse();
                Ok(self.new_list(items))
            }
            ("enumerate", [x]) => {
                no_kw(b)?;
                let (items, unordered) = self.iterate(x, span)?;
                if unordered {
                    return Err(undecidable(
                        "`enumerate` over elements whose order CPython does not fix",
                        span,
                    ));
                }
                let out: Vec<V> = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| V::Tuple(vec![V::Int(i as i64), v].into()))
                    .collect();
                Ok(self.new_list(out))
            }
            ("zip", xs) => {
                no_kw(b)?;
                let mut cols = Vec::new();
                for x in xs {
                    let (items, unordered) = self.iterate(x, span)?;
                    if unordered {
                        return Err(undecidable(
                            "`zip` over elements whose order CPython does not fix",
                            span,
                        ));
                    }
                    cols.push(items);
                }
                let n = cols.iter().map(|c| c.len()).min().unwrap_or(0);
                let out: Vec<V> = (0..n)
                    .map(|i| V::Tuple(cols.iter().map(|c| c[i].clone()).collect::<Vec<_>>().into()))
                    .collect();
                Ok(self.new_list(out))
            }
            ("filter", [f, x]) => {
                no_kw(b)?;
                let (items, unordered) = self.iterate(x, span)?;
                let mut out = Vec::new();
                for v in items {
                    let keep = match f {
                        V::None => v.clone(),
                        _ => self.call(f, vec![v.clone()], Vec::new(), span)?,
                    };
                    if self.truthy(&keep, span)? {
                        out.push(v);
                    }
                }
                let l = self.new_list(out);
                if let V::List(i) = &l {
                    self.heap[*i].unordered = unordered;
                }
                Ok(l)
            }
            ("map", [f, x]) => {
                no_kw(b)?;
                let (items, unordered) = self.iterate(x, span)?;
                let mut out = Vec::new();
                for v in items {
                    out.push(self.call(f, vec![v], Vec::new(), span)?);
                }
                let l = self.new_list(out);
                if let V::List(i) = &l {
                    self.heap[*i].unordered = unordered;
                }
                Ok(l)
            }
            ("any", [x]) | ("all", [x]) => {
                no_kw(b)?;
                let (items, _) = self.iterate(x, span)?;
                let want = b == "any";
                for v in items {
                    if self.truthy(&v, span)? == want {
                        return Ok(V::Bool(want));
                    }
                }
                Ok(V::Bool(!want))
            }
            ("isinstance", [x, t]) => {
                no_kw(b)?;
                self.isinstance(x, t, span)
            }
            ("issubclass", [V::Class(a), t]) => {
                no_kw(b)?;
                let targets = match t {
                    V::Tuple(ts) => ts.to_vec(),
                    other => vec![other.clone()],
                };
                let mut hit = false;
                for t in targets {
                    match t {
                        V::Class(k) => hit |= self.classes[*a].mro.contains(&k),
                        V::Builtin(n) if &*n == "object" || &*n == "type" => hit |= &*n == "object",
                        _ => return Err(undecidable("`issubclass` with this class", span)),
                    }
                }
                Ok(V::Bool(hit))
            }
            ("hasattr", [o, V::Str(n)]) => {
                no_kw(b)?;
                match self.getattr(o, n, span) {
                    Ok(V::Unknown(w)) => Ok(V::Unknown(w)),
                    Ok(_) => Ok(V::Bool(true)),
                    Err(Stop::Exc(e, _)) if e.matches(ExcKind::AttributeError) => {
                        Ok(V::Bool(false))
                    }
                    Err(e) => Err(e),
                }
            }
            ("getattr", [o, V::Str(n)]) => {
                no_kw(b)?;
                self.getattr(o, n, span)
            }
            ("getattr", [o, V::Str(n), d]) => {
                no_kw(b)?;
                match self.getattr(o, n, span) {
                    Err(Stop::Exc(e, _)) if e.matches(ExcKind::AttributeError) => Ok(d.clone()),
                    other => other,
                }
            }
            ("setattr", [o, V::Str(n), v]) => {
                no_kw(b)?;
                self.setattr(o, n, v.clone(), span, ProvKind::Assign)?;
                Ok(V::None)
            }
            ("str", [x]) => {
                no_kw(b)?;
                self.str_of(x, span)
            }
            ("repr", [x]) => {
                no_kw(b)?;
                self.repr(x, span)
            }
            ("print", _) => Ok(V::None),
            ("callable", [x]) => Ok(V::Bool(matches!(
                x,
                V::Func(_) | V::Builtin(_) | V::Class(_) | V::Bound(_) | V::Api(_)
            ))),
            ("range", _)
            | ("min", _)
            | ("max", _)
            | ("sum", _)
            | ("bool", _)
            | ("int", _)
            | ("float", _)
            | ("abs", _)
            | ("round", _)
            | ("divmod", _)
            | ("ord", _)
            | ("chr", _)
            | ("hex", _)
            | ("format", _) => self.builtin_rt(b, pos, kw, span),
            _ => {
                if let Some(k) = pos.iter().find(|v| matches!(v, V::Unknown(_))) {
                    return Ok(k.clone());
                }
                self.builtin_rt(b, pos, kw, span)
            }
        }
    }

    /// A builtin on plain data: the runtime's.
    fn builtin_rt(&mut self, b: &str, pos: Vec<V>, kw: Vec<(String, V)>, span: &Span) -> R<V> {
        if let Some(k) = pos
            .iter()
            .chain(kw.iter().map(|(_, v)| v))
            .find(|v| matches!(v, V::Unknown(_)))
        {
            return Ok(k.clone());
        }
        for v in &pos {
            self.check_order(v, span)?;
        }
        let args: Option<Vec<rt::Value>> = pos.iter().map(|v| self.to_rt(v)).collect();
        let kws: Option<Vec<(String, rt::Value)>> = kw
            .iter()
            .map(|(k, v)| self.to_rt(v).map(|x| (k.clone(), x)))
            .collect();
        let (Some(args), Some(kws)) = (args, kws) else {
            return Err(undecidable(format!("`{b}(…)` of these values"), span));
        };
        let f = match rt::call::builtin(b) {
            Ok(f) => f,
            Err(_) => return Err(undecidable(format!("the builtin `{b}`"), span)),
        };
        let kws: Vec<(&str, rt::Value)> =
            kws.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let r = rt::ops::call(&f, &args, &kws);
        let r = match r {
            // `range` and friends return iterators or objects: lists of their items.
            Ok(v @ rt::Value::Object(_)) => rt::ops::iter(&v).map(rt::Value::list),
            other => other,
        };
        self.from_rt_result(r, span)
    }

    fn isinstance(&mut self, x: &V, t: &V, span: &Span) -> R<V> {
        if let V::Tuple(ts) = t {
            for t in ts.iter() {
                if let V::Bool(true) = self.isinstance(x, t, span)? {
                    return Ok(V::Bool(true));
                }
            }
            return Ok(V::Bool(false));
        }
        if let V::Unknown(w) = x {
            return Ok(V::Unknown(w.clone()));
        }
        let V::Builtin(name) = t else {
            return match t {
                V::Class(_) => Ok(V::Bool(false)),
                V::Api(Api::EnumClass(k)) => Ok(V::Bool(matches!(x, V::Enum(k2, _) if k2 == k))),
                _ => Err(undecidable("`isinstance` with this class", span)),
            };
        };
        let r = match &**name {
            "str" => matches!(x, V::Str(_) | V::Enum(..)),
            "int" => matches!(x, V::Int(_) | V::Bool(_)),
            "bool" => matches!(x, V::Bool(_)),
            "float" => matches!(x, V::Float(_)),
            "list" => matches!(x, V::List(_)),
            "dict" => matches!(x, V::Dict(_)),
            "tuple" => matches!(x, V::Tuple(_)),
            "set" => matches!(x, V::Set(_)),
            "type" => matches!(x, V::Class(_)),
            "object" => true,
            _ => return Err(undecidable(format!("`isinstance(…, {name})`"), span)),
        };
        Ok(V::Bool(r))
    }
}

/// A function taking exactly one positional argument.
fn one_arg(what: &str, pos: Vec<V>, kw: Vec<(String, V)>, span: &Span) -> R<[V; 1]> {
    if !kw.is_empty() || pos.len() != 1 {
        return Err(exc(
            ExcKind::TypeError,
            format!("{what}() takes exactly one argument"),
            span,
        ));
    }
    let [x]: [V; 1] = pos.try_into().map_err(|_| undecidable("arguments", span))?;
    Ok([x])
}

/// Binds `override`/`extend` arguments to their parameters, in parameter order (the order
/// of `locals()`).
fn bind_params(
    what: &str,
    params: &[&str],
    pos: Vec<V>,
    kw: Vec<(String, V)>,
    span: &Span,
) -> R<Vec<(String, V)>> {
    if pos.len() > params.len() {
        return Err(exc(
            ExcKind::TypeError,
            format!(
                "Rule.{what}() takes from 1 to {} positional arguments but {} were given",
                params.len() + 1,
                pos.len() + 1
            ),
            span,
        ));
    }
    let mut out: Vec<(String, V)> = params
        .iter()
        .zip(pos)
        .map(|(p, v)| (p.to_string(), v))
        .collect();
    for (k, v) in kw {
        if !params.contains(&k.as_str()) {
            return Err(exc(
                ExcKind::TypeError,
                format!("Rule.{what}() got an unexpected keyword argument '{k}'"),
                span,
            ));
        }
        if out.iter().any(|(n, _)| *n == k) {
            return Err(exc(
                ExcKind::TypeError,
                format!("Rule.{what}() got multiple values for argument '{k}'"),
                span,
            ));
        }
        out.push((k, v));
    }
    out.sort_by_key(|(k, _)| params.iter().position(|p| p == k));
    Ok(out)
}

/// Binds a dataclass constructor's arguments (`required` leading fields have no default).
fn bind_dataclass(
    what: &str,
    fields: &[&str],
    required: usize,
    pos: Vec<V>,
    kw: Vec<(String, V)>,
    span: &Span,
) -> R<Vec<(String, V)>> {
    if pos.len() > fields.len() {
        return Err(exc(
            ExcKind::TypeError,
            format!("{what}.__init__() takes too many positional arguments"),
            span,
        ));
    }
    let mut out: Vec<(String, V)> = fields
        .iter()
        .zip(pos)
        .map(|(f, v)| (f.to_string(), v))
        .collect();
    for (k, v) in kw {
        if !fields.contains(&k.as_str()) {
            return Err(exc(
                ExcKind::TypeError,
                format!("{what}.__init__() got an unexpected keyword argument '{k}'"),
                span,
            ));
        }
        if out.iter().any(|(n, _)| *n == k) {
            return Err(exc(
                ExcKind::TypeError,
                format!("{what}.__init__() got multiple values for argument '{k}'"),
                span,
            ));
        }
        out.push((k, v));
    }
    let missing: Vec<&str> = fields[..required]
        .iter()
        .filter(|f| !out.iter().any(|(n, _)| n == *f))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(exc(
            ExcKind::TypeError,
            format!(
                "{what}.__init__() missing {} required positional argument{}: {}",
                missing.len(),
                if missing.len() > 1 { "s" } else { "" },
                missing
                    .iter()
                    .map(|m| format!("'{m}'"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            span,
        ));
    }
    Ok(out)
}
