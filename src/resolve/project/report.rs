//! `ferrule rules`: every registered rule with its final metadata and, for each value, what
//! set it (class body, inherited from a parent, `override`, `extend`, an assignment, a
//! mutation), with file and line.

use serde::Serialize;

use super::eval::{Eval, Registered};
use super::value::*;
use crate::diag::Span;

/// The attributes listed, in this order.
const LISTED: &[&str] = &[
    "id",
    "display_name",
    "enabled",
    "create_alert",
    "default_severity",
    "log_types",
    "tags",
    "reports",
    "summary_attributes",
    "threshold",
    "dedup_period_minutes",
    "default_description",
    "default_reference",
    "default_runbook",
    "default_destinations",
    "include_filters",
    "exclude_filters",
    "tests",
];

/// The methods listed (where each comes from in the method resolution order).
const METHODS: &[&str] = &[
    "rule",
    "title",
    "dedup",
    "severity",
    "alert_context",
    "description",
    "reference",
    "runbook",
    "destinations",
];

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub rules: Vec<RuleReport>,
}

#[derive(Debug, Serialize)]
pub struct RuleReport {
    pub id: String,
    /// `module.Class`.
    pub class: String,
    /// file:line of the class statement.
    pub defined_at: String,
    pub registered_at: String,
    pub managed: bool,
    pub mro: Vec<String>,
    pub attributes: Vec<AttrReport>,
    pub methods: Vec<MethodReport>,
}

#[derive(Debug, Serialize)]
pub struct AttrReport {
    pub name: String,
    pub value: serde_json::Value,
    /// What set the value, oldest first.
    pub set_by: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct MethodReport {
    pub name: String,
    /// `Class.method` (or `Rule.method`, pypanther's default).
    pub from: String,
    /// file:line of the function.
    pub at: String,
}

fn loc(s: &Span) -> String {
    format!("{}:{}", s.file, s.line)
}

pub fn report(ev: &Eval, registered: &[Registered]) -> Report {
    let mut rules = Vec::new();
    for r in registered {
        let c = r.class;
        let class = &ev.classes[c];
        let mut attributes = Vec::new();
        for name in LISTED {
            let Some(owner) = ev.lookup_owner(c, name) else {
                continue;
            };
            let e = &ev.classes[owner].dict[*name];
            let mut set_by: Vec<String> = Vec::new();
            let mut i = 0;
            while i < e.prov.len() {
                // A default copied into the class reads as one step.
                if let (ProvKind::Default, Some(next)) = (&e.prov[i].kind, e.prov.get(i + 1)) {
                    if let ProvKind::Inherited { from, into } = &next.kind {
                        if from == "Rule" {
                            set_by.push(format!(
                                "pypanther's default, copied when `{into}` was created at {}",
                                loc(&next.span)
                            ));
                            i += 2;
                            continue;
                        }
                    }
                }
                set_by.push(prov_text(&e.prov[i]));
                i += 1;
            }
            if let V::List(i) | V::Dict(i) | V::Set(i) = &e.value {
                set_by.extend(ev.heap[*i].history.iter().map(prov_text));
            }
            if owner != c {
                set_by.push(format!("read from `{}`", ev.classes[owner].name));
            }
            set_by.dedup();
            attributes.push(AttrReport {
                name: name.to_string(),
                value: show(ev, &e.value, 0),
                set_by,
            });
        }
        let mut methods = Vec::new();
        for m in METHODS {
            let Some(owner) = ev.lookup_owner(c, m) else {
                continue;
            };
            let e = &ev.classes[owner].dict[*m];
            let (from, at) = match &e.value {
                V::Func(f) => {
                    let func = ev
                        .input
                        .modules
                        .get(&f.module)
                        .and_then(|md| md.functions.get(f.index));
                    let fname = func.map(|f| f.name.clone()).unwrap_or_default();
                    let at = func.map(|f| loc(&f.span)).unwrap_or_default();
                    let cname = &ev.classes[owner].name;
                    let from = if fname == *m {
                        format!("{cname}.{m}")
                    } else {
                        format!("{cname}.{m} = {fname}")
                    };
                    (from, at)
                }
                V::Api(Api::RuleMethod(x)) => (format!("Rule.{x}"), "pypanther/base.py".into()),
                other => (format!("{} value", ev.type_name(other)), String::new()),
            };
            methods.push(MethodReport {
                name: m.to_string(),
                from,
                at,
            });
        }
        rules.push(RuleReport {
            id: ev.rule_id(c).unwrap_or_default(),
            class: format!("{}.{}", class.module, class.name),
            defined_at: loc(&class.span),
            registered_at: loc(&r.span),
            managed: matches!(
                ev.lookup(c, "_panther_managed").map(|e| e.value),
                Some(V::Bool(true))
            ),
            mro: class
                .mro
                .iter()
                .map(|k| {
                    let k = &ev.classes[*k];
                    format!("{}.{}", k.module, k.name)
                })
                .collect(),
            attributes,
            methods,
        });
    }
    rules.sort_by(|a, b| (&a.id, &a.class).cmp(&(&b.id, &b.class)));
    Report { rules }
}

fn prov_text(p: &Prov) -> String {
    let at = loc(&p.span);
    match &p.kind {
        ProvKind::Default => "pypanther's default".into(),
        ProvKind::ClassBody(c) => format!("class body of `{c}` at {at}"),
        ProvKind::Inherited { from, into } => {
            format!("copied from `{from}` when `{into}` was created at {at}")
        }
        ProvKind::Override => format!("`override` at {at}"),
        ProvKind::Extend => format!("`extend` at {at}"),
        ProvKind::Assign => format!("assignment at {at}"),
        ProvKind::Managed => format!("`@panther_managed` at {at}"),
        ProvKind::Mutated(how) => format!("`{how}` at {at}"),
    }
}

/// A value for people: data as JSON, enum members by value, functions and tests by name
/// and place.
fn show(ev: &Eval, v: &V, depth: usize) -> serde_json::Value {
    use serde_json::Value as J;
    if depth > 8 {
        return J::String("…".into());
    }
    match v {
        V::None => J::Null,
        V::Bool(b) => J::Bool(*b),
        V::Int(i) => J::from(*i),
        V::Float(f) => serde_json::Number::from_f64(*f)
            .map(J::Number)
            .unwrap_or(J::Null),
        V::Str(s) => J::String(s.to_string()),
        V::Enum(k, n) => J::String(ev.enum_value(*k, n).to_string()),
        V::Tuple(t) => J::Array(t.iter().map(|x| show(ev, x, depth + 1)).collect()),
        V::List(i) | V::Set(i) => match &ev.heap[*i].obj {
            HObj::List(l) | HObj::Set(l) => {
                J::Array(l.iter().map(|x| show(ev, x, depth + 1)).collect())
            }
            _ => J::Null,
        },
        V::Dict(i) => match &ev.heap[*i].obj {
            HObj::Dict(d) => {
                let mut m = serde_json::Map::new();
                for (k, x) in d {
                    let k = match k {
                        V::Str(s) => s.to_string(),
                        other => show(ev, other, depth + 1).to_string(),
                    };
                    m.insert(k, show(ev, x, depth + 1));
                }
                J::Object(m)
            }
            _ => J::Null,
        },
        V::Obj(i) => match &ev.heap[*i].obj {
            HObj::Test(t) => {
                let name = match t.fields.get("name") {
                    Some(V::Str(s)) => s.to_string(),
                    _ => "?".into(),
                };
                J::String(format!("RuleTest {name:?} ({})", loc(&t.span)))
            }
            _ => J::String("RuleMock".into()),
        },
        V::Func(f) => {
            let func = ev
                .input
                .modules
                .get(&f.module)
                .and_then(|m| m.functions.get(f.index));
            match func {
                Some(func) => J::String(format!("function {} ({})", func.name, loc(&func.span))),
                None => J::String("function".into()),
            }
        }
        V::Class(c) => J::String(format!("class {}", ev.classes[*c].name)),
        V::Unknown(w) => J::String(format!("<unknown: {} at {}>", w.reason, loc(&w.span))),
        other => J::String(format!("<{}>", ev.type_name(other))),
    }
}

impl Report {
    /// The text form: one block per rule.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for r in &self.rules {
            out.push_str(&format!(
                "{}  ({}{})\n  defined at {}, registered at {}\n  mro: {}\n",
                r.id,
                r.class,
                if r.managed { ", panther-managed" } else { "" },
                r.defined_at,
                r.registered_at,
                r.mro.join(" → ")
            ));
            for a in &r.attributes {
                out.push_str(&format!("  {:<22} {}\n", a.name, a.value));
                for s in &a.set_by {
                    out.push_str(&format!("  {:<22}   ← {}\n", "", s));
                }
            }
            for m in &r.methods {
                out.push_str(&format!(
                    "  {:<22} {}{}\n",
                    format!("{}()", m.name),
                    m.from,
                    if m.at.is_empty() {
                        String::new()
                    } else {
                        format!(" at {}", m.at)
                    }
                ));
            }
            out.push('\n');
        }
        out
    }

    /// The JSON form (`--format json`).
    pub fn render_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}
